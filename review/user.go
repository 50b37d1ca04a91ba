package review

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what a user may do. Each role includes the ones before it.
type Role string

const (
	RoleReviewer   Role = "reviewer"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

var roleRank = map[Role]int{RoleReviewer: 1, RoleSupervisor: 2, RoleAdmin: 3}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	if _, ok := roleRank[Role(s)]; !ok {
		return "", Errorf(Invalid, "role %q is not one of reviewer, supervisor, admin", s)
	}
	return Role(s), nil
}

// Can reports whether a user with role r may do what needs role need.
func (r Role) Can(need Role) bool { return roleRank[r] >= roleRank[need] && roleRank[r] > 0 }

// User is an account.
type User struct {
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// userName reports whether name is 1 to 64 letters, digits (any script's), '.', '_', '@' or '-'. (The same as a
// regexp of [\p{L}\p{N}._@-]{1,64}, whose compilation took 9 ms of every start.)
func userName(name string) bool {
	n := 0
	for _, r := range name {
		if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsNumber(r) || strings.ContainsRune("._@-", r)) {
			return false
		}
		n++
	}
	return n >= 1 && n <= 64
}

// CheckUserName refuses names that would be confusing in logs and exports.
func CheckUserName(name string) error {
	if !userName(name) || name == AutoReviewer {
		return Errorf(Invalid, "user name %q: use 1 to 64 letters, digits, '.', '_', '@' or '-' (and not %q)", name, AutoReviewer)
	}
	return nil
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

package app

import (
	"context"

	"golang.org/x/crypto/bcrypt"

	"reviewdesk/review"
)

// bcryptCost is slow enough to make guessing expensive and fast enough (about 50 ms here) for a login.
const bcryptCost = 11

func hashPassword(password string) (string, error) {
	if len(password) < review.MinPasswordLength {
		return "", review.Errorf(review.Invalid, "password must have at least %d characters", review.MinPasswordLength)
	}
	if len(password) > 72 {
		return "", review.Errorf(review.Invalid, "password must have at most 72 bytes (a bcrypt limit)")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	return string(h), err
}

// AddUser creates an account.
func (s *Service) AddUser(ctx context.Context, actor, name string, role review.Role, password string) error {
	if err := review.CheckUserName(name); err != nil {
		return err
	}
	h, err := hashPassword(password)
	if err != nil {
		return err
	}
	return s.st.AddUser(ctx, actor, review.User{Name: name, Role: role}, h)
}

// Users lists accounts.
func (s *Service) Users(ctx context.Context) ([]review.User, error) { return s.st.Users(ctx) }

// SetPassword changes a user's password.
func (s *Service) SetPassword(ctx context.Context, actor, name, password string) error {
	h, err := hashPassword(password)
	if err != nil {
		return err
	}
	return s.st.UpdateUser(ctx, actor, name, "", nil, h)
}

// SetDisabled disables or enables an account.
func (s *Service) SetDisabled(ctx context.Context, actor, name string, disabled bool) error {
	return s.st.UpdateUser(ctx, actor, name, "", &disabled, "")
}

// SetRole changes a user's role.
func (s *Service) SetRole(ctx context.Context, actor, name string, role review.Role) error {
	return s.st.UpdateUser(ctx, actor, name, role, nil, "")
}

// AddToken creates an API token for a user's scripts and returns it; only its hash is stored.
func (s *Service) AddToken(ctx context.Context, actor, name, label string) (string, error) {
	t := "rdt_" + randomToken()
	if err := s.st.AddToken(ctx, actor, name, label, t); err != nil {
		return "", err
	}
	return t, nil
}

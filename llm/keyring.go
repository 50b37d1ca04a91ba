package llm

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// keyringTimeout bounds a keyring lookup: a locked Secret Service may wait for a password prompt nobody sees, and
// the app must start regardless.
const keyringTimeout = 3 * time.Second

// keyringGet is the OS keyring (Secret Service over D-Bus on Linux, Keychain on macOS, Credential Manager on
// Windows).
func keyringGet(service, user string) (string, error) { return keyring.Get(service, user) }

type keyringLookup struct {
	get     func(service, user string) (string, error)
	timeout time.Duration
}

// lookup fails soft: no keyring, no entry, or no answer in time all just mean "no key". Its errors never carry the
// secret, since on error there is none.
func (k keyringLookup) lookup(service, user string) (string, error) {
	type answer struct {
		key string
		err error
	}
	ch := make(chan answer, 1) // buffered: a lookup that answers after the timeout must not block forever
	go func() {
		key, err := k.get(service, user)
		ch <- answer{strings.TrimSpace(key), err}
	}()
	select {
	case a := <-ch:
		switch {
		case errors.Is(a.err, keyring.ErrNotFound):
			return "", fmt.Errorf("keyring: no entry for service %q user %q", service, user)
		case a.err != nil:
			return "", fmt.Errorf("keyring: %w", a.err)
		case a.key == "":
			return "", fmt.Errorf("keyring: the entry for service %q user %q is empty", service, user)
		}
		return a.key, nil
	case <-time.After(k.timeout):
		return "", fmt.Errorf("keyring: no answer within %s", k.timeout)
	}
}

// StoreKey saves an API key in the OS keyring under service and user (Config.KeyringService and APIKeyEnv), for a
// CLI command to offer instead of an environment variable.
func StoreKey(service, user, key string) error {
	if service == "" || user == "" || strings.TrimSpace(key) == "" {
		return errors.New("store key: service, user and key must not be empty")
	}
	if err := keyring.Set(service, user, strings.TrimSpace(key)); err != nil {
		return fmt.Errorf("store key in the OS keyring: %w", err)
	}
	return nil
}

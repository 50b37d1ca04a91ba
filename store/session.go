package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"reviewdesk/review"
)

// Session tokens and API tokens are stored only as SHA-256 hashes: a copy of the database does not let anyone in.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Session is a logged-in browser or window.
type Session struct {
	User    review.User
	Expires time.Time
}

// CreateSession records a login.
func (s *Store) CreateSession(ctx context.Context, user, token string, ttl time.Duration) error {
	now := s.now()
	err := s.inTx(ctx, func(tx *wtx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, millis(now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			tokenHash(token), user, millis(now), millis(now.Add(ttl))); err != nil {
			return err
		}
		return appendAudit(ctx, tx, millis(now), user, "login", user, nil, nil)
	})
	if err != nil {
		return fmt.Errorf("create session for %s: %w", user, err)
	}
	return nil
}

// SessionByToken returns the live session for a token; expired sessions and disabled users do not count.
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	var (
		ss      Session
		expires int64
		created int64
	)
	err := s.read.QueryRowContext(ctx, `SELECT users.name, users.role, users.disabled, users.created_at, sessions.expires_at
		FROM sessions JOIN users ON users.name = sessions.user WHERE sessions.token_hash = ?`, tokenHash(token)).
		Scan(&ss.User.Name, &ss.User.Role, &ss.User.Disabled, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ss, review.Errorf(review.Unauthorized, "your session has ended; log in again")
	}
	if err != nil {
		return ss, fmt.Errorf("look up session: %w", err)
	}
	ss.Expires = fromMillis(expires)
	if ss.User.Disabled || !s.now().Before(ss.Expires) {
		return ss, review.Errorf(review.Unauthorized, "your session has ended; log in again")
	}
	return ss, nil
}

// DeleteSession logs a session out.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.inTx(ctx, func(tx *wtx) error {
		var user string
		err := tx.QueryRowContext(ctx, `DELETE FROM sessions WHERE token_hash = ? RETURNING user`, tokenHash(token)).Scan(&user)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("log out: %w", err)
		}
		return appendAudit(ctx, tx, millis(s.now()), user, "logout", user, nil, nil)
	})
}

// AddToken creates an API token for scripts.
func (s *Store) AddToken(ctx context.Context, actor, user, label, token string) error {
	return s.inTx(ctx, func(tx *wtx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE name = ?`, user).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return review.Errorf(review.NotFound, "user %s not found", user)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user, label, token_hash, created_at) VALUES (?, ?, ?, ?)`,
			user, label, tokenHash(token), millis(s.now())); err != nil {
			return fmt.Errorf("add token: %w", err)
		}
		return appendAudit(ctx, tx, millis(s.now()), actor, "token.add", user, nil, map[string]any{"label": label})
	})
}

// UserByToken returns the user an API token belongs to.
func (s *Store) UserByToken(ctx context.Context, token string) (review.User, error) {
	var (
		u       review.User
		created int64
	)
	err := s.read.QueryRowContext(ctx, `SELECT users.name, users.role, users.disabled, users.created_at FROM api_tokens
		JOIN users ON users.name = api_tokens.user WHERE api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL`,
		tokenHash(token)).Scan(&u.Name, &u.Role, &u.Disabled, &created)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && u.Disabled) {
		return u, review.Errorf(review.Unauthorized, "the API token is not valid")
	}
	if err != nil {
		return u, fmt.Errorf("look up token: %w", err)
	}
	u.CreatedAt = fromMillis(created)
	return u, nil
}

// RevokeTokens revokes every API token of a user.
func (s *Store) RevokeTokens(ctx context.Context, actor, user string) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user = ? AND revoked_at IS NULL`, millis(s.now()), user)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return appendAudit(ctx, tx, millis(s.now()), actor, "token.revoke", user, nil, map[string]any{"revoked": n})
	})
	return int(n), err
}

// HasUsers reports whether any account exists: a server with accounts requires logins.
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n > 0, err
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"

	"reviewdesk/review"
)

// AddUser creates an account with an already hashed password.
func (s *Store) AddUser(ctx context.Context, actor string, u review.User, passwordHash string) error {
	err := s.inTx(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, disabled, created_at) VALUES (?, ?, ?, 0, ?)`,
			u.Name, string(u.Role), passwordHash, millis(s.now()))
		var se sqlite3.Error
		if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey {
			return review.Errorf(review.Conflict, "user %s already exists", u.Name)
		}
		if err != nil {
			return err
		}
		return appendAudit(ctx, tx, millis(s.now()), actor, "user.add", u.Name, nil, map[string]any{"role": u.Role})
	})
	if err != nil {
		return fmt.Errorf("add user %s: %w", u.Name, err)
	}
	return nil
}

// Users lists every account.
func (s *Store) Users(ctx context.Context) ([]review.User, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT name, role, disabled, created_at FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	out := []review.User{}
	for rows.Next() {
		var (
			u  review.User
			at int64
		)
		if err := rows.Scan(&u.Name, &u.Role, &u.Disabled, &at); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		u.CreatedAt = fromMillis(at)
		out = append(out, u)
	}
	return out, rows.Err()
}

// User returns an account with its password hash.
func (s *Store) User(ctx context.Context, name string) (review.User, string, error) {
	var (
		u    review.User
		hash string
		at   int64
	)
	err := s.read.QueryRowContext(ctx, `SELECT name, role, disabled, created_at, password_hash FROM users WHERE name = ?`, name).
		Scan(&u.Name, &u.Role, &u.Disabled, &at, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", review.Errorf(review.NotFound, "user %s not found", name)
	}
	if err != nil {
		return u, "", fmt.Errorf("get user %s: %w", name, err)
	}
	u.CreatedAt = fromMillis(at)
	return u, hash, nil
}

// UpdateUser changes an account's role, disabled flag or password hash; empty values leave a field as it is.
func (s *Store) UpdateUser(ctx context.Context, actor, name string, role review.Role, disabled *bool, passwordHash string) error {
	err := s.inTx(ctx, func(tx *wtx) error {
		var oldRole string
		var oldDisabled bool
		err := tx.QueryRowContext(ctx, `SELECT role, disabled FROM users WHERE name = ?`, name).Scan(&oldRole, &oldDisabled)
		if errors.Is(err, sql.ErrNoRows) {
			return review.Errorf(review.NotFound, "user %s not found", name)
		}
		if err != nil {
			return err
		}
		after := map[string]any{}
		if role != "" {
			after["role"] = role
			if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ? WHERE name = ?`, string(role), name); err != nil {
				return err
			}
		}
		if disabled != nil {
			after["disabled"] = *disabled
			if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = ? WHERE name = ?`, *disabled, name); err != nil {
				return err
			}
		}
		if (disabled != nil && *disabled) || passwordHash != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user = ?`, name); err != nil {
				return err
			}
		}
		if passwordHash != "" {
			after["password"] = "changed"
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE name = ?`, passwordHash, name); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, millis(s.now()), actor, "user.update", name,
			map[string]any{"role": oldRole, "disabled": oldDisabled}, after)
	})
	if err != nil {
		return fmt.Errorf("update user %s: %w", name, err)
	}
	return nil
}

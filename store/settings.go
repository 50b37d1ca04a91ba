package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"reviewdesk/review"
)

// Setting keys.
const (
	KeyRubric = "rubric"
	KeyQueue  = "queue"
	KeyRules  = "rules"
)

type execer interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}

func putSetting(ctx context.Context, x execer, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	if _, err := x.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, string(b)); err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	return nil
}

// Setting decodes the stored setting into v and reports whether it exists.
func (s *Store) Setting(ctx context.Context, key string, v any) (bool, error) {
	var raw string
	err := s.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read setting %s: %w", key, err)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return false, fmt.Errorf("read setting %s: %w", key, err)
	}
	return true, nil
}

// PutSetting stores a setting and records the change in the audit log.
func (s *Store) PutSetting(ctx context.Context, actor, key string, v any) error {
	return s.inTx(ctx, func(tx *wtx) error {
		var before sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&before); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := putSetting(ctx, tx, key, v); err != nil {
			return err
		}
		var b any
		if before.Valid {
			b = json.RawMessage(before.String)
		}
		return appendAudit(ctx, tx, millis(s.now()), actor, "setting", key, b, v)
	})
}

// Rubric returns the stored rubric, empty if none was configured or observed yet.
func (s *Store) Rubric(ctx context.Context) (review.Rubric, error) {
	var r review.Rubric
	_, err := s.Setting(ctx, KeyRubric, &r)
	return r, err
}

// SetRubric stores the rubric inside the import, so that criteria observed in a file land with the file.
func (im *Import) SetRubric(r review.Rubric) error {
	im.rubric = r
	return putSetting(im.ctx, im.tx, KeyRubric, r)
}

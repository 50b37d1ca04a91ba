package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mattn/go-sqlite3"

	"reviewdesk/review"
)

// Backup copies the database to path with SQLite's online backup while reviewers keep working: the copy is taken
// in one step under one read transaction, which in WAL mode blocks no writer and yields a consistent snapshot. The
// copy is written next to path and renamed into place, so a failed backup never leaves a half-written file there.
func (s *Store) Backup(ctx context.Context, path string) (pages int, err error) {
	tmp := path + ".partial"
	os.Remove(tmp)
	defer os.Remove(tmp)
	dst, err := sql.Open("sqlite3", "file:"+tmp)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer dst.Close()
	if pages, err = copyDatabase(ctx, dst, s.read); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	if _, err := dst.ExecContext(ctx, "PRAGMA journal_mode = DELETE"); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := dst.Close(); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := syncFile(tmp); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	return pages, syncDir(filepath.Dir(path))
}

// copyDatabase copies src's main database into dst's with the backup API, in one step.
func copyDatabase(ctx context.Context, dst, src *sql.DB) (int, error) {
	dconn, err := dst.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer dconn.Close()
	sconn, err := src.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer sconn.Close()
	var pages int
	err = dconn.Raw(func(d any) error {
		return sconn.Raw(func(s any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", s.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			done, err := b.Step(-1)
			pages = b.PageCount()
			if ferr := b.Finish(); err == nil {
				err = ferr
			}
			if err == nil && !done {
				err = errors.New("backup did not complete")
			}
			return err
		})
	})
	return pages, err
}

// CheckBackup opens a backup file read-only and checks that it is an intact reviewdesk database this version can
// open: PRAGMA integrity_check passes and its schema is not newer than this binary's.
func CheckBackup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return review.Errorf(review.Invalid, "backup %s: %v", path, err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return review.Errorf(review.Invalid, "backup %s is not a SQLite database: %v", path, err)
	}
	var items int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM items").Scan(&items); err != nil || version == 0 {
		return review.Errorf(review.Invalid, "backup %s is not a reviewdesk database", path)
	}
	if version > SchemaVersion() {
		return review.Errorf(review.Invalid, "backup %s has schema version %d; this reviewdesk knows up to %d: use a newer reviewdesk", path, version, SchemaVersion())
	}
	return IntegrityCheck(ctx, db)
}

// IntegrityCheck runs PRAGMA integrity_check.
func IntegrityCheck(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if len(problems) > 0 {
		return review.Errorf(review.Invalid, "integrity check failed: %v", problems)
	}
	return rows.Err()
}

// Check runs PRAGMA integrity_check on the open database.
func (s *Store) Check(ctx context.Context) error { return IntegrityCheck(ctx, s.read) }

// Restore replaces the whole database at path with a checked backup, through the backup API so that SQLite's own
// locking applies: nobody may be writing to the database meanwhile (the restore waits for them, then takes over).
func Restore(ctx context.Context, backup, path string) (int, error) {
	if err := CheckBackup(ctx, backup); err != nil {
		return 0, err
	}
	src, err := sql.Open("sqlite3", "file:"+backup+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer src.Close()
	dst, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		return 0, err
	}
	defer dst.Close()
	pages, err := copyDatabase(ctx, dst, src)
	if err != nil {
		return 0, fmt.Errorf("restore %s from %s: %w", path, backup, err)
	}
	if _, err := dst.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return 0, fmt.Errorf("restore %s: %w", path, err)
	}
	return pages, nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

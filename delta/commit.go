package delta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrVersionExists is returned (wrapped) by WriteCommit when another writer committed that version first. The
// caller re-reads the snapshot, checks its change still applies, and retries with the next version.
var ErrVersionExists = errors.New("delta commit version already exists")

// CommitPath returns the path of the commit file of a version.
func CommitPath(dir string, version int64) string {
	return filepath.Join(dir, LogDir, fmt.Sprintf("%020d.json", version))
}

// EncodeActions returns actions as newline-delimited JSON, one action per line, each line ending in a newline.
func EncodeActions(actions []Action) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := range actions {
		if n := actionKinds(&actions[i]); n != 1 {
			return nil, fmt.Errorf("encode delta action %d: it has %d kinds set, want exactly 1", i, n)
		}
		if err := enc.Encode(&actions[i]); err != nil {
			return nil, fmt.Errorf("encode delta action %d: %w", i, err)
		}
	}
	return buf.Bytes(), nil
}

func actionKinds(a *Action) int {
	n := 0
	for _, set := range []bool{a.Add != nil, a.Remove != nil, a.MetaData != nil, a.Protocol != nil, a.Txn != nil,
		a.CommitInfo != nil, a.CDC != nil, a.DomainMetadata != nil, a.CheckpointMetadata != nil, a.Sidecar != nil} {
		if set {
			n++
		}
	}
	return n
}

// WriteCommit writes the commit file of a version put-if-absent: the actions go to a temporary file in
// _delta_log, which is synced and then hard-linked to its final name. link(2) fails when the name exists, so two
// writers racing for the same version cannot overwrite each other: exactly one wins and the other gets an error
// wrapping ErrVersionExists. The log directory is created if needed and synced after the link, so that a
// commit that returned nil survives a crash.
func WriteCommit(ctx context.Context, dir string, version int64, actions []Action) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if version < 0 {
		return fmt.Errorf("write delta commit %d of %s: negative version", version, dir)
	}
	if len(actions) == 0 {
		return fmt.Errorf("write delta commit %d of %s: no actions", version, dir)
	}
	data, err := EncodeActions(actions)
	if err != nil {
		return fmt.Errorf("write delta commit %d of %s: %w", version, dir, err)
	}
	logDir := filepath.Join(dir, LogDir)
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return fmt.Errorf("write delta commit %d of %s: %w", version, dir, err)
	}
	final := CommitPath(dir, version)
	tmp, err := os.CreateTemp(logDir, fmt.Sprintf(".%020d.json.*.tmp", version))
	if err != nil {
		return fmt.Errorf("write delta commit %d of %s: %w", version, dir, err)
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes files only their owner can read; a log must be readable by the engines that read the table.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write delta commit %d of %s: %w", version, dir, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write delta commit %d of %s: %w", version, dir, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write delta commit %d of %s: %w", version, dir, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write delta commit %d of %s: %w", version, dir, err)
	}
	if err := os.Link(tmp.Name(), final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("write delta commit %d of %s: %w", version, dir, ErrVersionExists)
		}
		return fmt.Errorf("write delta commit %d of %s: %w", version, dir, err)
	}
	if err := syncDir(logDir); err != nil {
		return fmt.Errorf("write delta commit %d of %s: %w", version, dir, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

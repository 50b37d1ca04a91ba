package exporter

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// GoldTable is the gold Delta table as one export sees it.
type GoldTable struct {
	t *table[GoldRow]
}

// OpenGoldTable reads the table in dir (a directory that does not exist yet, or is empty, becomes a new table at
// the first commit). appID is the txn appId this writer's commits carry.
func OpenGoldTable(ctx context.Context, dir, appID string, opts Options) (*GoldTable, error) {
	t, err := openTable(ctx, &goldKind, dir, appID, opts)
	if err != nil {
		return nil, err
	}
	return &GoldTable{t}, nil
}

// Dir is the table's absolute directory.
func (g *GoldTable) Dir() string { return g.t.dir }

// Version is the table's newest version, -1 before its first commit.
func (g *GoldTable) Version() int64 { return g.t.Version() }

// Txn is the latest txn version the table holds for this writer's appId: the number of its last committed export.
func (g *GoldTable) Txn() int64 { return g.t.Txn() }

// Files returns the live data files (paths as the log has them) with their row counts.
func (g *GoldTable) Files() map[string]int64 { return g.t.Files() }

// Refresh re-reads the table's newest version.
func (g *GoldTable) Refresh(ctx context.Context) error { return g.t.refresh(ctx) }

// ReadKeys reads, for every row of a live data file, its id and the decision id and item version it was exported
// from. The caller's bookkeeping of what the table holds is rebuilt from these.
func (g *GoldTable) ReadKeys(ctx context.Context, file string, fn func(id string, decision, version int64) error) error {
	return g.t.readKeys(ctx, file, fn)
}

// GoldSource produces one export's changes: it first calls stale for every row the table holds that must go (an
// id and the live file that holds it), then fresh for every row to write. The row passed to fresh is copied.
type GoldSource func(stale func(id, file string) error, fresh func(*GoldRow) error) error

// Commit is what an export did to the table.
type Commit struct {
	// Committed is false when there was nothing to change (no commit was written).
	Committed bool  `json:"committed"`
	Version   int64 `json:"version"`
	Txn       int64 `json:"txn"`
	// RowsAdded counts fresh rows; RowsRemoved counts rows taken out of rewritten files (stale ones), and
	// RowsKept the rows those files still held, written again into new files.
	RowsAdded    int64 `json:"rows_added"`
	RowsRemoved  int64 `json:"rows_removed"`
	RowsKept     int64 `json:"rows_kept"`
	FilesAdded   int   `json:"files_added"`
	FilesRemoved int   `json:"files_removed"`
}

// Update writes one export as the table's next version, with txn version txn: fresh rows go into new data files;
// every live file that holds a stale row is rewritten without it, removed and its rewrite added in the same
// commit, so that no version of the table holds two rows for one id. A table with no commit gets its protocol and
// metadata even when there are no rows. When another writer committed first, Update deletes its files and returns
// an error wrapping ErrConflict.
func (g *GoldTable) Update(ctx context.Context, txn int64, source GoldSource) (Commit, error) {
	t := g.t
	res := Commit{Txn: txn, Version: t.Version()}
	stale := map[string]map[string]bool{}
	fw := newFileWriter(t.kind, t.dir, t.filePrefix(), t.opts.Layout)
	exportedAt := t.opts.Now().UTC().Truncate(time.Microsecond) // the table keeps microseconds
	err := source(func(id, file string) error {
		if _, ok := t.live(file); !ok {
			return fmt.Errorf("row %s is recorded in %s, which is not a live file of version %d: sync the bookkeeping first", id, file, t.Version())
		}
		if stale[file] == nil {
			stale[file] = map[string]bool{}
		}
		stale[file][id] = true
		return nil
	}, func(r *GoldRow) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.ExportedAt = exportedAt
		res.RowsAdded++
		return fw.Write(r)
	})
	if err == nil {
		err = g.rewrite(ctx, stale, fw, &res)
	}
	var files []dataFile
	if err == nil {
		files, err = fw.Close()
	}
	if err != nil {
		fw.Abort()
		return res, fmt.Errorf("export to %s: %w", t.dir, err)
	}
	if len(files) == 0 && len(stale) == 0 && t.snap != nil {
		return res, nil
	}
	if err := t.opts.hook(StepFilesWritten); err != nil {
		return res, err
	}
	c := change{operation: "WRITE", params: map[string]any{"mode": "Append"}, add: files, txn: txn}
	if len(stale) > 0 {
		c.operation, c.params = "MERGE", map[string]any{"predicate": "id matches reviewdesk's approved items"}
		for _, f := range sortedKeys(stale) {
			a, _ := t.live(f)
			c.remove = append(c.remove, a)
		}
	}
	version, committed, err := t.commit(ctx, c)
	if err != nil {
		if !committed {
			fw.Abort()
		}
		return res, err
	}
	res.Committed, res.Version = true, version
	res.FilesAdded, res.FilesRemoved = len(files), len(c.remove)
	return res, nil
}

// rewrite copies the rows of each file holding stale rows, except those, into the writer.
func (g *GoldTable) rewrite(ctx context.Context, stale map[string]map[string]bool, fw *fileWriter[GoldRow], res *Commit) error {
	for _, f := range sortedKeys(stale) {
		a, _ := g.t.live(f)
		drop := stale[f]
		if err := g.t.readRows(ctx, a, func(r *GoldRow) error {
			if drop[r.ID] {
				res.RowsRemoved++
				return nil
			}
			res.RowsKept++
			return fw.Write(r)
		}); err != nil {
			return fmt.Errorf("rewrite %s: %w", f, err)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

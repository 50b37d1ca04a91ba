package exporter

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/parquet-go/parquet-go"

	"reviewdesk/delta"
)

// ErrConflict is returned (wrapped) when another writer committed the version an export was about to write. The
// caller brings its bookkeeping up to date from the table and tries again; the export's data files are deleted.
var ErrConflict = errors.New("another writer committed to the table first")

// Step names a point in an export, for Options.Hook.
type Step string

const (
	// StepFilesWritten: the new data files are on disk, the commit that adds them is not.
	StepFilesWritten Step = "files-written"
	// StepCommitted: the commit is on disk; the checkpoint (if one is due) and the caller's bookkeeping are not.
	StepCommitted Step = "committed"
)

// Options configure a Delta table writer.
type Options struct {
	// Now is the clock for exported_at, commit timestamps and file modification times; nil means time.Now.
	Now    func() time.Time
	Layout Layout
	// CheckpointInterval writes a checkpoint at every version that is a multiple of it; 0 means 10.
	CheckpointInterval int64
	// Hook, when set, is called at each Step; an error it returns aborts the export there, as a crash would
	// (the files already written stay). Tests use it to crash an export at every step.
	Hook func(Step) error
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CheckpointInterval <= 0 {
		o.CheckpointInterval = 10
	}
	o.Layout = o.Layout.withDefaults()
	return o
}

func (o Options) hook(s Step) error {
	if o.Hook == nil {
		return nil
	}
	if err := o.Hook(s); err != nil {
		return fmt.Errorf("export stopped at %s: %w", s, err)
	}
	return nil
}

// minWriterVersion is the writer protocol this package implements: version 2 (column invariants and
// delta.appendOnly; the tables it creates use neither).
const minWriterVersion = 2

// table is a Delta table of rows of type T on the local disk, as one writer sees it.
type table[T any] struct {
	kind  *tableKind[T]
	dir   string
	appID string
	opts  Options
	snap  *delta.Snapshot // nil while the table has no commit
}

func openTable[T any](ctx context.Context, kind *tableKind[T], dir, appID string, opts Options) (*table[T], error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open %s table %s: %w", kind.name, dir, err)
	}
	t := &table[T]{kind: kind, dir: abs, appID: appID, opts: opts.withDefaults()}
	if err := t.refresh(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// refresh reads the table's newest snapshot and checks that this writer may write it.
func (t *table[T]) refresh(ctx context.Context) error {
	snap, err := delta.ReadSnapshot(ctx, t.dir)
	if errors.Is(err, delta.ErrNotTable) {
		if entries, _ := os.ReadDir(t.dir); slices.ContainsFunc(entries, func(e os.DirEntry) bool { return e.Name() != delta.LogDir }) &&
			!t.onlyOurFiles(entries) {
			return fmt.Errorf("open %s table %s: the directory holds other files and no Delta table; choose an empty or new directory", t.kind.name, t.dir)
		}
		t.snap = nil
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s table: %w", t.kind.name, err)
	}
	if err := snap.CheckReadable(); err != nil {
		return fmt.Errorf("open %s table: %w", t.kind.name, err)
	}
	if snap.Protocol.MinWriterVersion > minWriterVersion {
		return fmt.Errorf("open %s table %s: it needs writer protocol version %d (features %v); reviewdesk writes version %d tables, "+
			"so export to a new directory", t.kind.name, t.dir, snap.Protocol.MinWriterVersion, snap.Protocol.WriterFeatures, minWriterVersion)
	}
	if snap.Metadata.Configuration["delta.appendOnly"] == "true" {
		return fmt.Errorf("open %s table %s: delta.appendOnly is set, but corrections must remove rows; unset it or export to a new directory", t.kind.name, t.dir)
	}
	want := t.kind.schema()
	for _, f := range want.Fields {
		got, ok := snap.Schema.Field(f.Name)
		if !ok || got.Type.String() != f.Type.String() {
			return fmt.Errorf("open %s table %s: its schema has no column %s of type %s; it is not a reviewdesk %s table, so export to a new directory",
				t.kind.name, t.dir, f.Name, f.Type, t.kind.name)
		}
	}
	t.snap = snap
	return nil
}

// onlyOurFiles reports whether a directory without a log holds only data files of ours (left by an export that
// crashed before its first commit), so that the export may start the table there.
func (t *table[T]) onlyOurFiles(entries []os.DirEntry) bool {
	for _, e := range entries {
		n := e.Name()
		if n == delta.LogDir {
			continue
		}
		if e.IsDir() || !(filepath.Ext(n) == ".parquet" && (len(n) > 5 && n[:5] == "part-" || len(n) > 5 && n[:5] == ".tmp-")) {
			return false
		}
	}
	return true
}

// Version is the table's newest version, -1 before its first commit.
func (t *table[T]) Version() int64 {
	if t.snap == nil {
		return -1
	}
	return t.snap.Version
}

// Txn is the latest txn version the table holds for the writer's appId, 0 if none.
func (t *table[T]) Txn() int64 {
	if t.snap == nil {
		return 0
	}
	return t.snap.Txns[t.appID]
}

// Files returns the live data files (paths as the log has them) with their row counts.
func (t *table[T]) Files() map[string]int64 {
	files := map[string]int64{}
	if t.snap != nil {
		for _, a := range t.snap.Files {
			files[a.Path] = a.NumRecords()
		}
	}
	return files
}

func (t *table[T]) live(p string) (delta.Add, bool) {
	if t.snap == nil {
		return delta.Add{}, false
	}
	i, ok := sort.Find(len(t.snap.Files), func(i int) int {
		switch {
		case p < t.snap.Files[i].Path:
			return -1
		case p > t.snap.Files[i].Path:
			return 1
		}
		return 0
	})
	if !ok {
		return delta.Add{}, false
	}
	return t.snap.Files[i], true
}

// metadataID derives the table id from the appId, so that the same export writes the same log.
func (t *table[T]) metadataID() string {
	s := sha256.Sum256([]byte("reviewdesk table " + t.appID))
	h := hex.EncodeToString(s[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// change is one commit's worth of work: files to remove and new data files to add.
type change struct {
	operation string
	params    map[string]any
	remove    []delta.Add
	add       []dataFile
	txn       int64
}

// commit writes the change as the table's next version, put-if-absent, and then a checkpoint if one is due.
// committed tells whether the commit reached the disk, also when a later step failed.
func (t *table[T]) commit(ctx context.Context, c change) (version int64, committed bool, err error) {
	now := t.opts.Now()
	ms := now.UnixMilli()
	version = t.Version() + 1
	actions := []delta.Action{{CommitInfo: map[string]any{
		"timestamp": ms, "operation": c.operation, "operationParameters": c.params, "isBlindAppend": len(c.remove) == 0,
		"engineInfo": "reviewdesk", "txnId": fmt.Sprintf("%s-%d", t.appID, c.txn),
		"operationMetrics": map[string]any{"numFiles": len(c.add), "numRemovedFiles": len(c.remove), "numOutputRows": sumRows(c.add)},
	}}}
	if t.snap == nil {
		schema := t.kind.schema()
		actions = append(actions,
			delta.Action{Protocol: &delta.Protocol{MinReaderVersion: 1, MinWriterVersion: minWriterVersion}},
			delta.Action{MetaData: &delta.Metadata{ID: t.metadataID(), Name: "reviewdesk_" + t.kind.name,
				SchemaString: schema.String(), CreatedTime: &ms}})
	}
	actions = append(actions, delta.Action{Txn: &delta.Txn{AppID: t.appID, Version: c.txn, LastUpdated: &ms}})
	for _, a := range c.remove {
		// No extendedFileMetadata: it promises partitionValues and tags, which delta.Remove omits when empty.
		size := a.Size
		actions = append(actions, delta.Action{Remove: &delta.Remove{Path: a.Path, DeletionTimestamp: &ms, DataChange: true,
			Size: &size, Stats: a.Stats}})
	}
	for _, f := range c.add {
		actions = append(actions, delta.Action{Add: &delta.Add{Path: f.name, Size: f.size, ModificationTime: ms,
			DataChange: true, Stats: f.stats}})
	}
	if err := delta.WriteCommit(ctx, t.dir, version, actions); err != nil {
		if errors.Is(err, delta.ErrVersionExists) {
			return version, false, fmt.Errorf("commit %s table %s version %d: %w (%w)", t.kind.name, t.dir, version, ErrConflict, err)
		}
		return version, false, fmt.Errorf("commit %s table: %w", t.kind.name, err)
	}
	if err := t.opts.hook(StepCommitted); err != nil {
		return version, true, err
	}
	if err := t.refresh(ctx); err != nil {
		return version, true, err
	}
	if t.snap.Version > 0 && t.snap.Version%t.opts.CheckpointInterval == 0 {
		if err := delta.WriteCheckpoint(ctx, t.snap); err != nil {
			return version, true, fmt.Errorf("commit %s table: %w", t.kind.name, err)
		}
	}
	return version, true, nil
}

func sumRows(files []dataFile) int64 {
	var n int64
	for _, f := range files {
		n += f.rows
	}
	return n
}

// filePrefix names the data files of the next commit: part-<version>, so that names never repeat across versions.
func (t *table[T]) filePrefix() string { return fmt.Sprintf("part-%05d", t.Version()+1) }

// readRows streams the rows of a live data file.
func (t *table[T]) readRows(ctx context.Context, a delta.Add, fn func(*T) error) error {
	p, err := t.snap.FilePath(a)
	if err != nil {
		return err
	}
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("read data file: %w", err)
	}
	defer f.Close()
	r := parquet.NewGenericReader[T](f)
	defer r.Close()
	buf := make([]T, writeBatch)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(buf)
		for i := range buf[:n] {
			if ferr := fn(&buf[i]); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read data file %s: %w", p, err)
		}
	}
}

// ReadKeys reads the key columns of a live data file: the row key, and the decision id and item version the row
// was exported from (-1 where the file has no such column).
func (t *table[T]) readKeys(ctx context.Context, filePath string, fn func(id string, decision, version int64) error) error {
	a, ok := t.live(filePath)
	if !ok {
		return fmt.Errorf("read keys of %s: %s is not a live file of the table at version %d", t.dir, filePath, t.Version())
	}
	p, err := t.snap.FilePath(a)
	if err != nil {
		return fmt.Errorf("read keys of %s: %w", t.dir, err)
	}
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("read keys: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("read keys: %w", err)
	}
	pf, err := parquet.OpenFile(f, info.Size(), parquet.SkipBloomFilters(true))
	if err != nil {
		return fmt.Errorf("read keys of %s: %w", p, err)
	}
	idx := [3]int{-1, -1, -1}
	for i, name := range t.kind.keyColumns {
		if col, ok := pf.Schema().Lookup(name); ok {
			idx[i] = col.ColumnIndex
		}
	}
	if idx[0] < 0 {
		return fmt.Errorf("read keys of %s: no %s column", p, t.kind.keyColumns[0])
	}
	for _, rg := range pf.RowGroups() {
		if err := ctx.Err(); err != nil {
			return err
		}
		var ids []string
		nums := [2][]int64{}
		var err error
		if ids, err = stringColumn(rg.ColumnChunks()[idx[0]]); err != nil {
			return fmt.Errorf("read keys of %s: column %s: %w", p, t.kind.keyColumns[0], err)
		}
		for k := range 2 {
			if idx[k+1] < 0 {
				continue
			}
			if nums[k], err = int64Column(rg.ColumnChunks()[idx[k+1]]); err != nil {
				return fmt.Errorf("read keys of %s: column %s: %w", p, t.kind.keyColumns[k+1], err)
			}
		}
		for r, id := range ids {
			if id == "" {
				continue
			}
			dec, ver := int64(-1), int64(-1)
			if r < len(nums[0]) {
				dec = nums[0][r]
			}
			if r < len(nums[1]) {
				ver = nums[1][r]
			}
			if err := fn(id, dec, ver); err != nil {
				return err
			}
		}
	}
	return nil
}

// stringColumn reads a flat string column chunk; a null becomes "" (the caller skips rows without an id).
func stringColumn(cc parquet.ColumnChunk) ([]string, error) {
	out := make([]string, 0, cc.NumValues())
	err := eachPage(cc, func(vals []parquet.Value) {
		for _, v := range vals {
			out = append(out, string(v.ByteArray())) // copies out of the page buffer
		}
	})
	return out, err
}

// int64Column reads a flat long column chunk; a null becomes -1.
func int64Column(cc parquet.ColumnChunk) ([]int64, error) {
	out := make([]int64, 0, cc.NumValues())
	err := eachPage(cc, func(vals []parquet.Value) {
		for _, v := range vals {
			if v.IsNull() {
				out = append(out, -1)
			} else {
				out = append(out, v.Int64())
			}
		}
	})
	return out, err
}

// eachPage passes the values of every page of a flat column chunk to fn, valid during the call.
func eachPage(cc parquet.ColumnChunk, fn func([]parquet.Value)) error {
	pages := cc.Pages()
	defer pages.Close()
	var vals []parquet.Value
	for {
		p, err := pages.ReadPage()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if n := int(p.NumValues()); cap(vals) < n {
			vals = make([]parquet.Value, n)
		}
		vals = vals[:p.NumValues()]
		n, err := p.Values().ReadValues(vals)
		if err != nil && err != io.EOF {
			return err
		}
		fn(vals[:n])
	}
}

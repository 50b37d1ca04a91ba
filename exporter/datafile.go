package exporter

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"reviewdesk/delta"
)

// tableKind describes a row type to the generic Delta writer.
type tableKind[T any] struct {
	name         string
	schema       func() *delta.StructType
	statsColumns []string
	stats        func(row *T, b bounds)
	// keyColumns name the row key (a string), the decision id and the item version, for ReadKeys; empty for
	// tables that are rewritten whole.
	keyColumns [3]string
}

// dataFile is a Parquet file written for a commit, under its final name.
type dataFile struct {
	name  string // relative to the table directory, slash-separated
	size  int64
	rows  int64
	stats string
}

// Layout bounds the Parquet files: a correction rewrites a whole file, so files stay small enough to rewrite in a
// second or so, and a row group is what a writer holds in memory.
type Layout struct {
	// RowsPerFile starts a new data file after this many rows; 0 means 262,144.
	RowsPerFile int64
	// RowGroupRows flushes a row group after this many rows; 0 means 32,768.
	RowGroupRows int64
}

func (l Layout) withDefaults() Layout {
	if l.RowsPerFile <= 0 {
		l.RowsPerFile = 1 << 18
	}
	if l.RowGroupRows <= 0 {
		l.RowGroupRows = 1 << 15
	}
	return l
}

// writeBatch is how many rows go to the Parquet writer at once.
const writeBatch = 512

// fileWriter writes rows into Parquet data files in a directory, starting a new file every RowsPerFile rows. Each
// file is written under a temporary name, synced, and renamed to prefix-<first 16 hex digits of its SHA-256>
// .snappy.parquet: the same rows give the same name, and two writers of different rows never collide.
type fileWriter[T any] struct {
	kind   *tableKind[T]
	dir    string
	prefix string
	layout Layout

	f      *os.File
	h      hash.Hash
	w      *parquet.GenericWriter[T]
	batch  []T
	rows   int64
	bounds bounds

	files []dataFile
}

func newFileWriter[T any](kind *tableKind[T], dir, prefix string, layout Layout) *fileWriter[T] {
	return &fileWriter[T]{kind: kind, dir: dir, prefix: prefix, layout: layout.withDefaults(),
		batch: make([]T, 0, writeBatch), bounds: make(bounds, len(kind.statsColumns))}
}

// Write adds a row (copied).
func (fw *fileWriter[T]) Write(row *T) error {
	if fw.f == nil {
		if err := fw.open(); err != nil {
			return err
		}
	}
	fw.batch = append(fw.batch, *row)
	fw.kind.stats(row, fw.bounds)
	fw.rows++
	if len(fw.batch) == cap(fw.batch) {
		if err := fw.flush(); err != nil {
			return err
		}
	}
	if fw.rows >= fw.layout.RowsPerFile {
		return fw.finish()
	}
	return nil
}

func (fw *fileWriter[T]) open() error {
	if err := os.MkdirAll(fw.dir, 0o755); err != nil {
		return fmt.Errorf("write data file: %w", err)
	}
	f, err := os.CreateTemp(fw.dir, ".tmp-"+fw.prefix+"-*.parquet")
	if err != nil {
		return fmt.Errorf("write data file: %w", err)
	}
	// Other users' readers (a Spark job, a file server) must read the table.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("write data file: %w", err)
	}
	fw.f, fw.h, fw.rows = f, sha256.New(), 0
	fw.w = parquet.NewGenericWriter[T](io.MultiWriter(f, fw.h), parquet.Compression(compression),
		parquet.MaxRowsPerRowGroup(fw.layout.RowGroupRows), parquet.CreatedBy("reviewdesk", "1", ""))
	fw.bounds.reset()
	return nil
}

func (fw *fileWriter[T]) flush() error {
	if len(fw.batch) == 0 {
		return nil
	}
	if _, err := fw.w.Write(fw.batch); err != nil {
		return fmt.Errorf("write data file %s: %w", fw.f.Name(), err)
	}
	clear(fw.batch) // drop references to the rows' strings and maps
	fw.batch = fw.batch[:0]
	return nil
}

// finish closes the current file and gives it its final name.
func (fw *fileWriter[T]) finish() error {
	if fw.f == nil {
		return nil
	}
	f := fw.f
	fw.f = nil
	fail := func(err error) error {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("write data file in %s: %w", fw.dir, err)
	}
	if len(fw.batch) > 0 {
		if _, err := fw.w.Write(fw.batch); err != nil {
			return fail(err)
		}
		clear(fw.batch)
		fw.batch = fw.batch[:0]
	}
	if err := fw.w.Close(); err != nil {
		return fail(err)
	}
	// The commit that adds the file must never reach the disk before the file does.
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	info, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	name := fmt.Sprintf("%s-%s.snappy.parquet", fw.prefix, hex.EncodeToString(fw.h.Sum(nil))[:16])
	if err := os.Rename(f.Name(), filepath.Join(fw.dir, name)); err != nil {
		return fail(err)
	}
	js, err := fw.bounds.stats(fw.kind.statsColumns, fw.rows)
	if err != nil {
		return fail(err)
	}
	fw.files = append(fw.files, dataFile{name: name, size: info.Size(), rows: fw.rows, stats: js})
	return nil
}

// Close finishes the last file and returns every file written, after syncing the directory so that their names
// are durable too.
func (fw *fileWriter[T]) Close() ([]dataFile, error) {
	if err := fw.finish(); err != nil {
		return nil, err
	}
	if len(fw.files) > 0 {
		if err := syncDir(fw.dir); err != nil {
			return nil, fmt.Errorf("write data files in %s: %w", fw.dir, err)
		}
	}
	return fw.files, nil
}

// Abort removes what the writer wrote: files no commit will reference.
func (fw *fileWriter[T]) Abort() {
	if fw.f != nil {
		fw.f.Close()
		os.Remove(fw.f.Name())
		fw.f = nil
	}
	for _, f := range fw.files {
		os.Remove(filepath.Join(fw.dir, filepath.FromSlash(f.name)))
	}
	fw.files = nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

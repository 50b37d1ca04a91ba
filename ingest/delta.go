package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"reviewdesk/delta"
	"reviewdesk/review"
)

// partitionValue is a Delta partition column's value for every row of one data file.
type partitionValue struct {
	t     target
	name  string
	value string // "" is null
}

// deltaReader reads the live data files of a Delta table's newest snapshot, in the snapshot's (path) order.
type deltaReader struct {
	dir       string
	snap      *delta.Snapshot
	targets   map[string]target
	partCols  map[string]bool
	file      int
	pq        *pqFile
	partition []partitionValue
	b         builder
	rowsDone  int64
	total     int64
}

func openDelta(dir string, m *mapping) (*deltaReader, error) {
	snap, err := delta.ReadSnapshot(context.Background(), dir)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	if err := snap.CheckReadable(); err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	names := make([]string, len(snap.Schema.Fields))
	for i, f := range snap.Schema.Fields {
		names[i] = f.Name
	}
	// The schema's position is the metaData action that set it.
	where := snap.MetadataOrigin.String()
	if where == "" {
		where = dir
	}
	plan, err := m.plan(where, names)
	if err != nil {
		return nil, fmt.Errorf("open %s at version %d: %w", dir, snap.Version, err)
	}
	r := &deltaReader{dir: dir, snap: snap, targets: make(map[string]target, len(names)), partCols: map[string]bool{}}
	for i, n := range names {
		r.targets[n] = plan[i]
	}
	for _, c := range snap.Metadata.PartitionColumns {
		r.partCols[c] = true
	}
	// A data file the log names but the disk lacks would fail the import halfway; find out before the first row.
	for i, a := range snap.Files {
		at := addedAt(dir, snap.FileOrigin(i))
		p, err := snap.FilePath(a)
		if err != nil {
			return nil, fmt.Errorf("open %s at version %d: %s: add.path: %w", dir, snap.Version, at, err)
		}
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("open %s at version %d: %s: add.path: %s data file %s, which does not exist "+
					"(was the table vacuumed or copied incompletely?); copy the whole table again, or drop the entry from "+
					"the log (FSCK REPAIR TABLE in Databricks)", dir, snap.Version, at, adds(snap.FileOrigin(i)), a.Path)
			}
			return nil, fmt.Errorf("open %s: %s: add.path: %w", dir, at, err)
		}
		if n := a.NumRecords(); n >= 0 && r.total >= 0 {
			r.total += n
		} else {
			r.total = -1
		}
	}
	if r.total < 0 {
		r.total = 0
	}
	return r, nil
}

// addedAt is the position of the action that added a file: its commit file and line, its checkpoint, or the table
// when the log did not say.
func addedAt(dir string, o delta.Origin) string {
	if o.File == "" {
		return dir
	}
	return o.String()
}

// adds says which log entry added a file, as the subject of a sentence: "commit 3 adds", "the checkpoint of
// version 10 lists".
func adds(o delta.Origin) string {
	switch {
	case o.File == "":
		return "the log lists"
	case o.Checkpoint():
		return fmt.Sprintf("the checkpoint of version %d lists", o.Version)
	}
	return fmt.Sprintf("commit %d adds", o.Version)
}

// resolve reads the table's data columns; partition columns come from the log, and columns a file has beyond the
// table schema (such as _change_type) are ignored, as the protocol asks.
func (r *deltaReader) resolve(name string) (target, bool) {
	if r.partCols[name] {
		return target{}, false
	}
	t, ok := r.targets[name]
	return t, ok
}

func (r *deltaReader) Next() (review.Item, Position, error) {
	for {
		if r.pq == nil {
			if r.file >= len(r.snap.Files) {
				return review.Item{}, Position{File: r.dir}, io.EOF
			}
			a := r.snap.Files[r.file]
			r.file++
			p, err := r.snap.FilePath(a)
			if err != nil {
				return review.Item{}, Position{File: r.dir}, fmt.Errorf("read %s: %w", r.dir, err)
			}
			pq, err := openPQFile(p)
			if err == nil {
				if err = pq.bind(r.resolve); err != nil {
					pq.close()
				}
			}
			if err != nil {
				return review.Item{}, Position{File: p}, fmt.Errorf("read delta table %s: %w", r.dir, err)
			}
			r.pq = pq
			r.partition = r.partition[:0]
			for _, c := range r.snap.Metadata.PartitionColumns {
				if t, ok := r.targets[c]; ok {
					r.partition = append(r.partition, partitionValue{t: t, name: c, value: a.PartitionValues[c]})
				}
			}
		}
		it, pos, err := nextRow(r.pq, &r.b, r.partition)
		if err == io.EOF {
			if cerr := r.pq.close(); cerr != nil {
				return review.Item{}, pos, fmt.Errorf("read %s: %w", pos.File, cerr)
			}
			r.pq = nil
			continue
		}
		var re *RecordError
		if err == nil || errors.As(err, &re) {
			r.rowsDone++
		}
		return it, pos, err
	}
}

func (r *deltaReader) Progress() (int64, int64) { return r.rowsDone, r.total }

func (r *deltaReader) Close() error {
	if r.pq != nil {
		err := r.pq.close()
		r.pq = nil
		return err
	}
	return nil
}

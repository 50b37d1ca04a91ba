package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"reviewdesk/ingest"
	"reviewdesk/review"
	"reviewdesk/store"
)

// ImportOptions say how to read the files.
type ImportOptions struct {
	Format   string
	Encoding string
	Map      map[string]string
	// SkipInvalid imports the good records of a file and writes the bad ones, with their reasons, to Rejects.
	SkipInvalid bool
	Rejects     string
	// Rubric, when set, replaces the stored rubric (a config file): its maxima are enforced.
	Rubric *review.Rubric
	Actor  string

	// rejects are the run's open rejects files: files of one run that share a rejects path append to it.
	rejects *rejectFiles
}

// FileReport is what one file's import did.
type FileReport struct {
	File    string             `json:"file"`
	Format  string             `json:"format"`
	Counts  store.ImportCounts `json:"counts"`
	Rejects string             `json:"rejects,omitempty"`
	Seconds float64            `json:"seconds"`
	Error   string             `json:"error,omitempty"`
}

// ImportError is a file that could not be imported; nothing of it was committed.
type ImportError struct {
	File string
	Err  error
}

func (e *ImportError) Error() string { return fmt.Sprintf("%s: nothing imported: %v", e.File, e.Err) }
func (e *ImportError) Unwrap() error { return e.Err }

// Import reads each file and stores its items with their hints. Each file is one transaction: the first bad record
// stops the file and nothing of it is kept, unless SkipInvalid is set. Files already imported stay imported when a
// later one fails.
func (s *Service) Import(ctx context.Context, paths []string, opts ImportOptions, progress progressFunc) ([]FileReport, error) {
	if opts.Actor == "" {
		opts.Actor = s.cfg.User
	}
	if opts.Rubric != nil {
		if err := s.SetRubric(ctx, opts.Actor, *opts.Rubric); err != nil {
			return nil, err
		}
	}
	if opts.SkipInvalid {
		opts.rejects = &rejectFiles{}
		defer opts.rejects.close()
	}
	var reports []FileReport
	for _, p := range paths {
		rep, err := s.importFile(ctx, p, opts, progress)
		if err != nil {
			rep.Counts, rep.Error = store.ImportCounts{}, err.Error() // rolled back: nothing of the file stays
			reports = append(reports, rep)
			return reports, &ImportError{File: p, Err: err}
		}
		reports = append(reports, rep)
	}
	return reports, s.loadProject(ctx)
}

// batch is a run of records read in order and given hints in parallel; the writer takes batches in read order.
type batch struct {
	recs []record
	done chan struct{}
	// read and size are the reader's progress after this batch, taken on the reader's goroutine.
	read, size int64
}

type record struct {
	item review.Item
	pos  ingest.Position
	err  error // a *ingest.RecordError: this record is bad, the file may go on
	prep store.Prepared
}

const batchSize = 256

func (s *Service) importFile(ctx context.Context, path string, opts ImportOptions, progress progressFunc) (FileReport, error) {
	r, err := ingest.Open(path, ingest.Options{Format: opts.Format, Encoding: opts.Encoding, Map: opts.Map})
	if err != nil {
		return FileReport{File: path}, err
	}
	defer r.Close()
	format := opts.Format
	if format == "" {
		format, _ = ingest.DetectFormat(path)
	}
	return s.importFrom(ctx, r, path, format, opts, progress, nil)
}

// importFrom runs the import pipeline: one goroutine reads, every core computes hints, and one writer stores the
// records in read order inside one transaction. after, when set, runs for every stored item.
func (s *Service) importFrom(ctx context.Context, r ingest.Reader, path, format string, opts ImportOptions,
	progress progressFunc, after func(*store.Import, *review.Item) error) (FileReport, error) {
	start := time.Now()
	rep := FileReport{File: path, Format: format}
	rubric, err := s.st.Rubric(ctx)
	if err != nil {
		return rep, err
	}
	im, err := s.st.BeginImport(ctx, path, rep.Format, opts.Actor, rubric)
	if err != nil {
		return rep, err
	}
	committed := false
	defer func() {
		if !committed {
			im.Rollback()
		}
	}()
	var rejects *rejectWriter
	if opts.SkipInvalid {
		if opts.rejects == nil { // a single import outside Import
			opts.rejects = &rejectFiles{}
			defer opts.rejects.close()
		}
		name := opts.Rejects
		if name == "" {
			name = filepath.Base(path) + ".rejects.jsonl"
		}
		rejects = opts.rejects.open(name)
		rejects.begin()
		defer func() {
			if !committed {
				rejects.discard() // the file's records were rolled back, and so are its rejects
			}
		}()
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rules := s.Rules()
	work := make(chan *batch, 2*runtime.GOMAXPROCS(0))
	ordered := make(chan *batch, 4*runtime.GOMAXPROCS(0))
	var readErr error
	go func() {
		defer close(work)
		defer close(ordered)
		readErr = readBatches(ctx, r, work, ordered)
	}()
	var wg sync.WaitGroup
	checkRubric := rubric // a configured rubric does not change during the import
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				for i := range b.recs {
					rec := &b.recs[i]
					if rec.err != nil {
						continue
					}
					if err := checkRubric.Check(&rec.item); err != nil {
						rec.err = recordError(rec.pos, err)
						continue
					}
					var err error
					rec.prep, err = store.Prepare(&rec.item, rules.CheckItem(&rec.item), rules.Version)
					if err != nil {
						rec.err = recordError(rec.pos, err)
					}
				}
				close(b.done)
			}
		}()
	}
	defer wg.Wait()

	lastReport := time.Now()
	rubricChanged := false
	var writeErr error
	for b := range ordered {
		<-b.done
		if writeErr != nil {
			continue // drain so the reader and workers can finish
		}
		var prepared []store.Prepared
		var index []int
		for i := range b.recs {
			if b.recs[i].err == nil {
				prepared = append(prepared, b.recs[i].prep)
				index = append(index, i)
			}
		}
		_, errs, err := im.PutBatch(prepared)
		if err != nil {
			writeErr = err
			cancel()
			continue
		}
		for j, i := range index {
			if errs[j] != nil {
				b.recs[i].err = recordError(b.recs[i].pos, errs[j])
			}
		}
		for i := range b.recs {
			rec := &b.recs[i]
			if rec.err != nil {
				if rejects == nil {
					writeErr = rec.err
					break
				}
				if err := rejects.write(rec.pos, rec.err); err != nil {
					writeErr = err
					break
				}
				im.Refuse()
				continue
			}
			if rubric.Observe(&rec.item) {
				rubricChanged = true
			}
			if after != nil {
				if err := after(im, &rec.item); err != nil {
					writeErr = err
					break
				}
			}
		}
		if writeErr != nil {
			cancel()
			continue
		}
		if progress != nil && time.Since(lastReport) > 200*time.Millisecond {
			c := im.Counts()
			records := c.Added + c.Revised + c.Flagged + c.Unchanged + c.Refused
			report(ctx, progress, b.read, b.size, Step{Code: StepImportFile, File: filepath.Base(path),
				Counts: map[string]int64{"added": int64(c.Added), "unchanged": int64(c.Unchanged), "records": int64(records),
					"per_second": int64(float64(records) / time.Since(start).Seconds())}})
			lastReport = time.Now()
		}
	}
	if writeErr == nil && readErr != nil && !errors.Is(readErr, context.Canceled) {
		writeErr = readErr
	}
	if writeErr == nil && ctx.Err() != nil {
		writeErr = ctx.Err()
	}
	rep.Counts = im.Counts()
	if writeErr != nil {
		return rep, writeErr
	}
	if rubricChanged {
		if err := im.SetRubric(rubric); err != nil {
			return rep, err
		}
	}
	if rep.Counts, err = im.Commit(opts.Actor); err != nil {
		return rep, err
	}
	committed = true
	if rejects != nil && rejects.fileRecords > 0 {
		rep.Rejects = rejects.path
	}
	rep.Seconds = time.Since(start).Seconds()
	if progress != nil {
		done, total := r.Progress() // the reader has finished: no race
		report(ctx, progress, done, total, Step{Code: StepImportDone, File: filepath.Base(path),
			Counts: map[string]int64{"added": int64(rep.Counts.Added), "unchanged": int64(rep.Counts.Unchanged)}})
	}
	return rep, nil
}

func recordError(pos ingest.Position, err error) error {
	var fe *review.FieldError
	if errors.As(err, &fe) {
		return &ingest.RecordError{Pos: pos, Field: fe.Field, Problem: fe.Problem}
	}
	return fmt.Errorf("%s: %w", pos, err)
}

// readBatches reads the file into batches, handing each to the workers and, in order, to the writer.
func readBatches(ctx context.Context, r ingest.Reader, work, ordered chan<- *batch) error {
	b := &batch{done: make(chan struct{})}
	send := func() error {
		b.read, b.size = r.Progress()
		select {
		case work <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case ordered <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		b = &batch{recs: make([]record, 0, batchSize), done: make(chan struct{})}
		return nil
	}
	for {
		it, pos, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *ingest.RecordError
		if err != nil && !errors.As(err, &re) {
			return err
		}
		b.recs = append(b.recs, record{item: it, pos: pos, err: err})
		if len(b.recs) == batchSize {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if len(b.recs) > 0 {
		return send()
	}
	return nil
}

// rejectFiles are the rejects files of one import run, by path.
type rejectFiles struct{ byPath map[string]*rejectWriter }

func (r *rejectFiles) open(path string) *rejectWriter {
	if r.byPath == nil {
		r.byPath = map[string]*rejectWriter{}
	}
	w, ok := r.byPath[path]
	if !ok {
		w = &rejectWriter{path: path}
		r.byPath[path] = w
	}
	return w
}

// close closes the files, removing any that ended up empty because every file that wrote to it was rolled back.
func (r *rejectFiles) close() {
	for _, w := range r.byPath {
		if w.f != nil {
			w.f.Close()
			if w.written == 0 {
				os.Remove(w.path)
			}
		}
	}
}

// rejectWriter writes refused records to a JSONL file, created on the first one: one object per record with the
// file, line, id (when it was read), field, problem, the whole error, and the record as it stands in the file
// (JSONL and CSV), so that the records can be corrected and imported again.
type rejectWriter struct {
	path string
	f    *os.File
	enc  *json.Encoder
	// start is the file's size when the current input file began; fileRecords its records so far.
	start       int64
	written     int64
	fileRecords int
}

func (w *rejectWriter) begin() { w.start, w.fileRecords = w.written, 0 }

func (w *rejectWriter) write(pos ingest.Position, err error) error {
	if w.f == nil {
		f, err := os.Create(w.path)
		if err != nil {
			return fmt.Errorf("create rejects file: %w", err)
		}
		w.f = f
		w.enc = json.NewEncoder(countingWriter{f, &w.written})
		w.enc.SetEscapeHTML(false)
	}
	w.fileRecords++
	rec := rejectRecord{File: pos.File, Line: pos.Line, Error: err.Error()}
	var re *ingest.RecordError
	if errors.As(err, &re) {
		rec.ID, rec.Field, rec.Problem, rec.Record = re.ID, re.Field, re.Problem, re.Raw
	}
	return w.enc.Encode(rec)
}

// discard drops what the current input file wrote.
func (w *rejectWriter) discard() {
	if w.f == nil || w.written == w.start {
		return
	}
	if w.f.Truncate(w.start) == nil {
		w.f.Seek(w.start, io.SeekStart)
		w.written = w.start
	}
	w.fileRecords = 0
}

type rejectRecord struct {
	File    string `json:"file"`
	Line    int64  `json:"line"`
	ID      string `json:"id"`
	Field   string `json:"field,omitempty"`
	Problem string `json:"problem,omitempty"`
	Error   string `json:"error"`
	Record  string `json:"record,omitempty"`
}

type countingWriter struct {
	w io.Writer
	n *int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}

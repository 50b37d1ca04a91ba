package exporter

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Rows streams rows to fn; the row passed is reused by the producer, so fn copies what it keeps.
type Rows[T any] func(fn func(*T) error) error

// SnapshotOptions configure a whole-table file (Parquet, CSV or JSON Lines).
type SnapshotOptions struct {
	// Now is the clock for exported_at; nil means time.Now.
	Now func() time.Time
	// BOM starts a CSV file with a UTF-8 byte order mark, which Excel needs to read UTF-8.
	BOM    bool
	Layout Layout
}

// GoldFormats are the formats of the gold export; delta is the default and the only incremental one.
var GoldFormats = []string{"delta", "parquet", "csv", "jsonl"}

// WriteGoldSnapshot writes every row to one file in format parquet, csv or jsonl, replacing the file atomically
// (a synced temporary file renamed over it), so that readers see the old snapshot or the new one, never half.
// It returns the number of rows written.
func WriteGoldSnapshot(ctx context.Context, path, format string, opts SnapshotOptions, rows Rows[GoldRow]) (int64, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	exportedAt := opts.Now().UTC().Truncate(time.Microsecond)
	var n int64
	err := writeAtomic(path, func(w io.Writer) error {
		var put func(*GoldRow) error
		var done func() error
		switch format {
		case "parquet":
			pw := parquet.NewGenericWriter[GoldRow](w, parquet.Compression(compression),
				parquet.MaxRowsPerRowGroup(opts.Layout.withDefaults().RowGroupRows), parquet.CreatedBy("reviewdesk", "1", ""))
			batch := make([]GoldRow, 0, writeBatch)
			put = func(r *GoldRow) error {
				batch = append(batch, *r)
				if len(batch) == cap(batch) {
					_, err := pw.Write(batch)
					batch = batch[:0]
					return err
				}
				return nil
			}
			done = func() error {
				if _, err := pw.Write(batch); err != nil {
					return err
				}
				return pw.Close()
			}
		case "csv":
			cw := newCSVWriter(w, opts.BOM, GoldColumns)
			put, done = func(r *GoldRow) error { return cw.write(goldCells(r, cw.cells[:0])) }, cw.flush
		case "jsonl":
			bw := bufio.NewWriterSize(w, 1<<20)
			enc := json.NewEncoder(bw)
			enc.SetEscapeHTML(false)
			put, done = func(r *GoldRow) error { return enc.Encode(nonNil(r)) }, bw.Flush
		default:
			return fmt.Errorf("unknown format %q; use one of parquet, csv, jsonl (or delta for a table)", format)
		}
		if err := rows(func(r *GoldRow) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			r.ExportedAt = exportedAt
			n++
			return put(r)
		}); err != nil {
			return err
		}
		return done()
	})
	if err != nil {
		return 0, fmt.Errorf("write gold %s %s: %w", format, path, err)
	}
	return n, nil
}

// nonNil makes empty maps and lists {} and [] in JSON, as they are in the table, rather than null.
func nonNil(r *GoldRow) *GoldRow {
	if r.JudgeScores == nil {
		r.JudgeScores = map[string]float64{}
	}
	if r.Checks == nil {
		r.Checks = map[string]bool{}
	}
	if r.ReasonCodes == nil {
		r.ReasonCodes = []string{}
	}
	if r.HintRules == nil {
		r.HintRules = []string{}
	}
	return r
}

// timeFormat writes timestamps in UTC with the microseconds the table keeps.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func goldCells(r *GoldRow, c []string) []string {
	nonNil(r)
	return append(c, r.ID, r.Company, r.Summary, r.OriginalSummary, r.Verdict, strconv.FormatBool(r.Edited),
		formatFloat(r.JudgeScore), formatFloat(r.JudgeMaxScore), jsonText(r.JudgeScores), jsonText(r.Checks),
		jsonText(r.ReasonCodes), r.Reviewer, r.ReviewedAt.UTC().Format(timeFormat), formatFloat(r.ReviewSeconds),
		r.RulesVersion, jsonText(r.HintRules), r.Batch, r.SourceSHA256, r.Generator, r.Judge, r.PromptVersion,
		strconv.FormatInt(r.DecisionID, 10), strconv.FormatInt(r.ItemVersion, 10), r.ExportedAt.UTC().Format(timeFormat))
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// jsonText renders a map or list cell; maps come out with sorted keys, so the same row gives the same text.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// csvWriter writes CSV that spreadsheets open safely: a cell that a spreadsheet would run as a formula gets a
// leading apostrophe, which Excel and LibreOffice take as "this is text" and do not show.
type csvWriter struct {
	bw    *bufio.Writer
	w     *csv.Writer
	cells []string
	err   error
}

func newCSVWriter(w io.Writer, bom bool, header []string) *csvWriter {
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := &csvWriter{bw: bw, w: csv.NewWriter(bw)}
	if bom {
		_, cw.err = bw.WriteString("\uFEFF")
	}
	if cw.err == nil {
		cw.err = cw.w.Write(header)
	}
	return cw
}

func (cw *csvWriter) write(cells []string) error {
	if cw.err != nil {
		return cw.err
	}
	for i, c := range cells {
		cells[i] = EscapeFormula(c)
	}
	cw.cells = cells
	return cw.w.Write(cells)
}

func (cw *csvWriter) flush() error {
	if cw.err != nil {
		return cw.err
	}
	cw.w.Flush()
	if err := cw.w.Error(); err != nil {
		return err
	}
	return cw.bw.Flush()
}

// EscapeFormula returns a CSV cell that a spreadsheet will not run: a cell starting with =, +, -, @ (or a tab or
// carriage return, which some spreadsheets skip before looking) gets a leading apostrophe.
func EscapeFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// writeAtomic writes a file through a synced temporary file in the same directory, renamed over path.
func writeAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

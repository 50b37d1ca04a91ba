package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"reviewdesk/delta"
	"reviewdesk/review"
)

// Options say how to read a file. The zero value detects everything.
type Options struct {
	// Format is "jsonl" (also "ndjson", "json"), "csv", "parquet" or "delta"; "" detects it from the extension,
	// or a directory with a _delta_log.
	Format string
	// Encoding is for CSV: "" detects UTF-8 (with or without BOM) or Shift_JIS/CP932; "utf-8" or "shift_jis"
	// forces one.
	Encoding string
	// Map maps canonical field names (and "scores.<criterion>") to the file's column or key names.
	Map map[string]string
}

// Position says where a record is: the 1-based line for JSONL and CSV (for CSV the line the record starts on),
// the 1-based row for Parquet and Delta (File is then the data file).
type Position struct {
	File string
	Line int64
}

func (p Position) String() string { return p.File + ":" + strconv.FormatInt(p.Line, 10) }

// Reader reads records one by one.
type Reader interface {
	// Next returns the next record, or io.EOF at the end. A *RecordError means this one record is bad and
	// reading can go on; any other error is fatal for the file.
	Next() (review.Item, Position, error)
	// Progress returns the bytes (JSONL, CSV) or rows (Parquet, Delta) read so far, and the total if known (else 0).
	Progress() (done, total int64)
	Close() error
}

// RecordError is a problem with one record.
type RecordError struct {
	Pos     Position
	Field   string // canonical field name, "" when the record as a whole is bad (e.g. invalid JSON)
	Problem string
	// ID is the record's id when it was read before the problem showed, so that a rejects file names the item.
	ID string
	// Raw is the record as it stands in the file where the format is text (a JSONL line, a CSV row), so that a
	// rejects file can be corrected and imported again; empty for Parquet and Delta rows.
	Raw string
}

func (e *RecordError) Error() string {
	if e.Field == "" {
		return e.Pos.String() + ": " + e.Problem
	}
	return e.Pos.String() + ": " + e.Field + ": " + e.Problem
}

// Format names.
const (
	FormatJSONL   = "jsonl"
	FormatCSV     = "csv"
	FormatParquet = "parquet"
	FormatDelta   = "delta"
)

// Expand replaces each directory that is not a Delta table by the files in it that DetectFormat knows (not its
// subdirectories), in name order, so that a folder of exports imports like the list of its files. A directory
// with none of them is an error that says so.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", p, err)
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		if li, err := os.Stat(filepath.Join(p, delta.LogDir)); err == nil && li.IsDir() {
			out = append(out, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", p, err)
		}
		n := len(out)
		for _, e := range entries { // ReadDir sorts by name
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") || strings.HasSuffix(e.Name(), ".rejects.jsonl") {
				continue
			}
			f := filepath.Join(p, e.Name())
			if _, err := DetectFormat(f); err == nil {
				out = append(out, f)
			}
		}
		if len(out) == n {
			return nil, fmt.Errorf("import %s: a directory without %s, and no .jsonl, .csv or .parquet files in it", p, delta.LogDir)
		}
	}
	return out, nil
}

// DetectFormat tells the format of path from its extension, or "delta" for a directory with a _delta_log.
func DetectFormat(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("detect format of %s: %w", path, err)
	}
	if info.IsDir() {
		if li, err := os.Stat(filepath.Join(path, delta.LogDir)); err == nil && li.IsDir() {
			return FormatDelta, nil
		}
		return "", fmt.Errorf("detect format of %s: a directory without %s is not a Delta table", path, delta.LogDir)
	}
	name := strings.ToLower(filepath.Base(path))
	for _, compressed := range []string{".gz", ".zst", ".bz2", ".xz", ".zip"} {
		if strings.HasSuffix(name, compressed) {
			return "", fmt.Errorf("detect format of %s: compressed files are not read; decompress it first", path)
		}
	}
	switch filepath.Ext(name) {
	case ".jsonl", ".ndjson", ".json", ".jsonlines":
		return FormatJSONL, nil
	case ".csv", ".tsv":
		if filepath.Ext(name) == ".tsv" {
			return "", fmt.Errorf("detect format of %s: tab-separated files are not supported; save it as CSV", path)
		}
		return FormatCSV, nil
	case ".parquet", ".parq", ".pq":
		return FormatParquet, nil
	}
	return "", fmt.Errorf("detect format of %s: unknown extension %q; give the format (jsonl, csv, parquet, delta)",
		path, filepath.Ext(name))
}

func normalizeFormat(f string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(f)) {
	case "jsonl", "ndjson", "json", "json lines", "jsonlines":
		return FormatJSONL, nil
	case "csv":
		return FormatCSV, nil
	case "parquet":
		return FormatParquet, nil
	case "delta", "deltalake", "delta lake":
		return FormatDelta, nil
	}
	return "", fmt.Errorf("unknown format %q; use jsonl, csv, parquet or delta", f)
}

// Open opens a file (or a Delta table directory) for reading.
func Open(path string, opts Options) (Reader, error) {
	format := opts.Format
	var err error
	if format == "" {
		format, err = DetectFormat(path)
	} else {
		format, err = normalizeFormat(format)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	m, err := newMapping(opts.Map)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	switch format {
	case FormatJSONL:
		return openJSONL(path, m)
	case FormatCSV:
		return openCSV(path, opts.Encoding, m)
	case FormatParquet:
		return openParquet(path, m)
	default:
		return openDelta(path, m)
	}
}

// ParseMap parses a mapping spec such as "summary=generated_text,id=corp_no,scores.business=biz_pts".
func ParseMap(spec string) (map[string]string, error) {
	m := map[string]string{}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("parse map %q: %q is not FIELD=COLUMN", spec, part)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("parse map %q: %s is mapped twice", spec, k)
		}
		m[k] = v
	}
	if err := checkMapKeys(m); err != nil {
		return nil, fmt.Errorf("parse map %q: %w", spec, err)
	}
	return m, nil
}

// LoadMapFile reads a mapping from a small JSON file such as {"summary":"generated_text","id":"corp_no"}.
func LoadMapFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load map file: %w", err)
	}
	if len(b) > 1<<20 {
		return nil, fmt.Errorf("load map file %s: larger than 1 MB; a mapping is a few lines", path)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("load map file %s: want a JSON object of field to column names: %w", path, err)
	}
	for k, v := range m {
		if strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("load map file %s: %s is mapped to an empty column name", path, k)
		}
	}
	if err := checkMapKeys(m); err != nil {
		return nil, fmt.Errorf("load map file %s: %w", path, err)
	}
	return m, nil
}

func checkMapKeys(m map[string]string) error {
	var bad []string
	for k := range m {
		if crit, ok := strings.CutPrefix(k, "scores."); ok {
			if strings.TrimSpace(crit) == "" {
				bad = append(bad, k)
			}
			continue
		}
		if fieldByName(k) < 0 {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("unknown field %s; fields are %s, and scores.<criterion>", strings.Join(bad, ", "),
			strings.Join(allFieldNames(), ", "))
	}
	return nil
}

// recordError turns a validation error into a *RecordError at pos.
func recordError(pos Position, err error) *RecordError {
	var fe *review.FieldError
	if errors.As(err, &fe) {
		return &RecordError{Pos: pos, Field: fe.Field, Problem: fe.Problem}
	}
	return &RecordError{Pos: pos, Problem: err.Error()}
}

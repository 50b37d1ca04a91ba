package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"

	"reviewdesk/review"
)

// Encodings.
const (
	EncodingUTF8     = "utf-8"
	EncodingShiftJIS = "shift_jis"
)

// encodingSample is how much of a CSV file is looked at to tell UTF-8 from Shift_JIS.
const encodingSample = 1 << 20

type csvReader struct {
	f       *os.File
	path    string
	counter *countingReader
	cr      *csv.Reader
	targets []target
	names   []string
	b       builder
	total   int64
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func openCSV(path, encoding string, m *mapping) (*csvReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r, err := newCSVReader(f, path, encoding, m)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

func newCSVReader(f *os.File, path, encoding string, m *mapping) (*csvReader, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	counter := &countingReader{r: f}
	br := bufio.NewReaderSize(counter, encodingSample)
	sample, err := br.Peek(encodingSample)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	enc, err := csvEncoding(encoding, sample, err == io.EOF)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var src io.Reader = br
	if bytes.HasPrefix(sample, []byte(jsonlBOM)) {
		br.Discard(len(jsonlBOM))
	}
	if enc == EncodingShiftJIS {
		src = transform.NewReader(br, japanese.ShiftJIS.NewDecoder())
	}
	cr := csv.NewReader(src)
	cr.ReuseRecord = true
	cr.LazyQuotes = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("open %s: the file is empty; a CSV file needs a header row", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: reading the header row: %w", path, err)
	}
	// The header's position, for errors about it: its line, after any blank lines before it.
	headerLine, _ := cr.FieldPos(0)
	where := path + ":" + strconv.Itoa(headerLine)
	names := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			h = "column_" + strconv.Itoa(i+1)
		}
		names[i] = h
	}
	seen := map[string]int{}
	for i, n := range names {
		if j, dup := seen[n]; dup {
			return nil, fmt.Errorf("open %s: %s: %s: column %q appears twice in the header (columns %d and %d); rename one so that it is clear which to read",
				path, where, n, n, j+1, i+1)
		}
		seen[n] = i
	}
	cr.FieldsPerRecord = len(names)
	targets, err := m.plan(where, names)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &csvReader{f: f, path: path, counter: counter, cr: cr, targets: targets, names: names, total: info.Size()}, nil
}

// csvEncoding decides the encoding of a CSV file from a sample of its start: a BOM or valid UTF-8 means UTF-8;
// otherwise text that decodes cleanly as Shift_JIS (CP932, as Excel writes it) means Shift_JIS.
func csvEncoding(forced string, sample []byte, whole bool) (string, error) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(forced), "_", "-")) {
	case "":
	case "utf-8", "utf8":
		return EncodingUTF8, nil
	case "shift-jis", "sjis", "cp932", "windows-31j", "ms932":
		return EncodingShiftJIS, nil
	default:
		return "", fmt.Errorf("unknown encoding %q; use utf-8 or shift_jis", forced)
	}
	if bytes.HasPrefix(sample, []byte(jsonlBOM)) {
		return EncodingUTF8, nil
	}
	check := sample
	if !whole {
		// The sample may end inside a character; drop up to 3 bytes of an incomplete tail.
		for i := 0; i < 3 && len(check) > 0 && !utf8.FullRune(check[lastRuneStart(check):]); i++ {
			check = check[:lastRuneStart(check)]
		}
	}
	if utf8.Valid(check) {
		return EncodingUTF8, nil
	}
	dec := japanese.ShiftJIS.NewDecoder()
	out, _, err := transform.Bytes(dec, sample)
	if err == nil && !bytes.ContainsRune(out, utf8.RuneError) {
		return EncodingShiftJIS, nil
	}
	if err != nil && !whole && errors.Is(err, transform.ErrShortSrc) {
		return EncodingShiftJIS, nil
	}
	return "", errors.New("the file is neither UTF-8 nor Shift_JIS; save it as UTF-8 or give the encoding")
}

func lastRuneStart(b []byte) int {
	i := len(b) - 1
	for i > 0 && !utf8.RuneStart(b[i]) {
		i--
	}
	return max(i, 0)
}

func (r *csvReader) Next() (review.Item, Position, error) {
	for {
		rec, err := r.cr.Read()
		if err == io.EOF {
			return review.Item{}, Position{File: r.path}, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				pos := Position{File: r.path, Line: int64(pe.StartLine)}
				// The field at fault: for a quote error the one encoding/csv stopped in (it returns those before it);
				// for a short row the first missing one, for a long row the first extra one.
				at := min(len(rec), len(r.names))
				if !errors.Is(pe.Err, csv.ErrFieldCount) {
					at = len(rec)
				}
				return review.Item{}, pos, &RecordError{Pos: pos, Field: r.label(at), Problem: r.parseProblem(pe, len(rec)),
					Raw: csvLine(rec)}
			}
			return review.Item{}, Position{File: r.path}, fmt.Errorf("read %s: %w", r.path, err)
		}
		line, _ := r.cr.FieldPos(0)
		pos := Position{File: r.path, Line: int64(line)}
		r.b.reset(pos)
		for i, s := range rec {
			t := r.targets[i]
			if s == "" && t.field == fExtra {
				continue
			}
			if t.field != fScore && t.field != fMaxScore && t.field != fCriterion && spreadsheetFormula(s) {
				name := r.names[i]
				if t.field >= 0 && t.field < numFields {
					name = t.field.String()
				}
				return review.Item{}, pos, &RecordError{Pos: pos, Field: name, Problem: fmt.Sprintf(
					"starts with %q: a spreadsheet formula, not text (it would run when the file is opened in Excel); remove it from the source data", s[:1]),
					ID: r.b.knownID(), Raw: csvLine(rec)}
			}
			r.b.text(t, r.names[i], s)
		}
		it, err := r.b.finish()
		var re *RecordError
		if errors.As(err, &re) {
			re.Raw = csvLine(rec)
		}
		return it, pos, err
	}
}

// label names the i-th (0-based) field of a row for an error: its canonical field when the column feeds one, else
// the column's name, or "column N" past the header's end.
func (r *csvReader) label(i int) string {
	if i >= len(r.names) {
		return "column " + strconv.Itoa(i+1)
	}
	t := r.targets[i]
	if t.field == fCriterion || (t.field >= 0 && t.field < numFields) {
		return t.label()
	}
	return r.names[i]
}

// parseProblem explains a CSV syntax error. n is the number of fields the row had before it: for a wrong field
// count the row's length, for a quote error the index of the field with the bad quote (encoding/csv returns the
// fields before it).
func (r *csvReader) parseProblem(pe *csv.ParseError, n int) string {
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount) && n < len(r.names):
		return fmt.Sprintf("missing: the row has %d fields, the header has %d, so it ends before column %d (%s); "+
			"add the missing values (an empty value is an empty field between commas), or find the comma that went missing",
			n, len(r.names), n+1, r.names[n])
	case errors.Is(pe.Err, csv.ErrFieldCount):
		return fmt.Sprintf("the row has %d fields, the header has %d; quote a value that contains a comma (\"a,b\"), "+
			"or remove the extra fields", n, len(r.names))
	case errors.Is(pe.Err, csv.ErrQuote):
		return fmt.Sprintf("%v: field %d of the row has no proper closing quote (reading stopped at line %d, column %d); "+
			"end the quoted value with \", and write a \" inside it as \"\"", pe.Err, n+1, pe.Line, pe.Column)
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("%v (line %d, column %d); quote the value (\"...\") and write a \" inside it as \"\"",
			pe.Err, pe.Line, pe.Column)
	}
	return fmt.Sprintf("%v (line %d, column %d)", pe.Err, pe.Line, pe.Column)
}

func (r *csvReader) Progress() (int64, int64) { return r.counter.n, r.total }

func (r *csvReader) Close() error { return r.f.Close() }

// csvLine writes a row back as one CSV record (UTF-8, without the line end), for a rejects file.
func csvLine(rec []string) string {
	if len(rec) == 0 {
		return ""
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(rec)
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// spreadsheetFormula reports whether a text cell is one a spreadsheet would evaluate: it starts with '=', or with
// '@', '+' or '-' followed by something other than a digit, a space or the end (so "-5", "- 品目" and "+81" stay
// text). Such cells in an LLM dataset are an injection attempt or a broken export, never a summary.
func spreadsheetFormula(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=':
		return true
	case '@', '+', '-':
		if len(s) == 1 {
			return false
		}
		c := s[1]
		return !(c >= '0' && c <= '9' || c == ' ' || c == '.' || c == '\t' || c >= 0x80)
	}
	return false
}

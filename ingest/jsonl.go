package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"reviewdesk/review"
)

// MaxLineLength bounds one JSONL line. A longer line is reported as a bad record and skipped without being held
// in memory; a line under the bound whose text field exceeds review.MaxTextLength fails validation.
const MaxLineLength = 64 << 20

// maxDepth bounds the nesting of JSON values, so that "[[[[..." cannot exhaust the stack.
const maxDepth = 64

const (
	jsonlBufSize  = 1 << 20
	maxCachedKeys = 4096
	jsonlBOM      = "\xef\xbb\xbf"
)

// jsonlReader decodes JSON Lines with a hand-written scanner: the known flat keys of a record go straight into
// the item without reflection or intermediate maps, and strings without escapes are copied once.
type jsonlReader struct {
	f    *os.File
	path string
	m    *mapping
	keys map[string]target

	buf        []byte
	start, end int
	eof        bool
	line       int64
	lineStart  int64 // the file offset of the current line, for syntax errors
	done       int64
	total      int64
	at         jsonPlace

	b       builder
	scratch []byte
	p       jsonParser
	// interned holds repeated short values (model names, batch, criterion names) so that each costs one
	// allocation per file rather than one per record.
	interned map[string]string
}

const maxInterned = 4096

func (r *jsonlReader) intern(b []byte) string {
	if s, ok := r.interned[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(s) <= 64 && len(r.interned) < maxInterned {
		r.interned[s] = s
	}
	return s
}

func openJSONL(path string, m *mapping) (*jsonlReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if info.IsDir() {
		f.Close()
		return nil, fmt.Errorf("open %s: is a directory", path)
	}
	r := &jsonlReader{f: f, path: path, m: m, keys: map[string]target{}, interned: map[string]string{}, buf: make([]byte, jsonlBufSize),
		total: info.Size()}
	if err := r.fill(); err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if bytes.HasPrefix(r.buf[r.start:r.end], []byte(jsonlBOM)) {
		r.start += len(jsonlBOM)
		r.done += int64(len(jsonlBOM))
	}
	head := r.buf[r.start:r.end]
	if first := bytes.TrimLeft(head, " \t\r\n"); len(first) > 0 && first[0] == '[' {
		f.Close()
		off := len(head) - len(first)
		line := 1 + bytes.Count(head[:off], []byte("\n"))
		col := off - (bytes.LastIndexByte(head[:off], '\n') + 1) + 1
		return nil, fmt.Errorf("open %s: %s:%d: the file is one JSON array ('[' at column %d), not JSON Lines (one object "+
			"per line); convert it, e.g. jq -c '.[]' FILE > FILE.jsonl", path, path, line, col)
	}
	return r, nil
}

// fill moves unread bytes to the front of the buffer and reads more after them.
func (r *jsonlReader) fill() error {
	if r.start > 0 {
		n := copy(r.buf, r.buf[r.start:r.end])
		r.start, r.end = 0, n
	}
	for r.end < len(r.buf) && !r.eof {
		n, err := r.f.Read(r.buf[r.end:])
		r.end += n
		if err == io.EOF {
			r.eof = true
			break
		}
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	return nil
}

// nextLine returns the next line without its newline, or io.EOF. A line over MaxLineLength is skipped and
// reported with tooLong set.
func (r *jsonlReader) nextLine() (line []byte, tooLong bool, err error) {
	scanned := 0
	for {
		if i := bytes.IndexByte(r.buf[r.start+scanned:r.end], '\n'); i >= 0 {
			end := r.start + scanned + i
			line = r.buf[r.start:end]
			r.lineStart = r.done
			r.done += int64(end + 1 - r.start)
			r.start = end + 1
			r.line++
			return line, false, nil
		}
		scanned = r.end - r.start
		if r.eof {
			if scanned == 0 {
				return nil, false, io.EOF
			}
			line = r.buf[r.start:r.end]
			r.lineStart = r.done
			r.done += int64(scanned)
			r.start = r.end
			r.line++
			return line, false, nil
		}
		if r.start == 0 && r.end == len(r.buf) {
			if len(r.buf) >= MaxLineLength {
				return nil, true, r.skipLine()
			}
			grown := make([]byte, min(2*len(r.buf), MaxLineLength))
			copy(grown, r.buf[:r.end])
			r.buf = grown
		}
		if err := r.fill(); err != nil {
			return nil, false, err
		}
	}
}

// skipLine discards the rest of an over-long line, then shrinks the buffer back.
func (r *jsonlReader) skipLine() error {
	r.line++
	for {
		if i := bytes.IndexByte(r.buf[r.start:r.end], '\n'); i >= 0 {
			r.done += int64(i + 1)
			r.start += i + 1
			break
		}
		r.done += int64(r.end - r.start)
		r.start = r.end
		if r.eof {
			break
		}
		if err := r.fill(); err != nil {
			return err
		}
	}
	small := make([]byte, jsonlBufSize)
	n := copy(small, r.buf[r.start:r.end])
	if n < r.end-r.start {
		// More unread data than fits: keep the large buffer until it drains.
		return nil
	}
	r.buf, r.start, r.end = small, 0, n
	return nil
}

func (r *jsonlReader) Next() (review.Item, Position, error) {
	for {
		line, tooLong, err := r.nextLine()
		pos := Position{File: r.path, Line: r.line}
		if err != nil {
			if err == io.EOF {
				return review.Item{}, pos, io.EOF
			}
			return review.Item{}, pos, fmt.Errorf("read %s: %w", r.path, err)
		}
		if tooLong {
			return review.Item{}, pos, &RecordError{Pos: pos,
				Problem: fmt.Sprintf("line longer than %d MB; was it meant to be one record?", MaxLineLength>>20)}
		}
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		r.b.reset(pos)
		err = r.decode(line)
		var it review.Item
		if err == nil {
			it, err = r.b.finish()
		}
		var re *RecordError
		if errors.As(err, &re) {
			re.Raw = string(line)
		}
		return it, pos, err
	}
}

func (r *jsonlReader) Progress() (int64, int64) { return r.done, r.total }

func (r *jsonlReader) Close() error { return r.f.Close() }

// syntaxError is a JSON syntax problem at a byte offset of the line.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

// jsonPlace is where in a record the parser is, so that a syntax error can name its field: in the value of t, or
// (after) just past it.
type jsonPlace struct {
	t         target
	in, after bool
}

func (r *jsonlReader) decode(line []byte) error {
	r.p = jsonParser{s: line, scratch: r.scratch[:0]}
	r.at = jsonPlace{}
	err := r.decodeObject()
	r.scratch = r.p.scratch
	if err == nil {
		r.at = jsonPlace{} // past the closing brace: no field's
		r.p.ws()
		if r.p.i < len(r.p.s) {
			err = r.p.errorf("unexpected data after the record's closing brace")
		}
	}
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return r.syntaxRecordError(line, se)
		}
		return err
	}
	return nil
}

// syntaxRecordError reports a syntax error at its exact place: the column (a byte count, as encoding/csv counts
// them, and the character when they differ), the offset in the file, and the field whose value it is in or after;
// it says what to do, since a syntax error has no value to correct.
func (r *jsonlReader) syntaxRecordError(line []byte, se *syntaxError) *RecordError {
	var b strings.Builder
	b.WriteString("invalid JSON at column ")
	b.WriteString(strconv.Itoa(se.off + 1))
	b.WriteString(" (")
	if ch := utf8.RuneCount(line[:min(se.off, len(line))]) + 1; ch != se.off+1 {
		b.WriteString("character ")
		b.WriteString(strconv.Itoa(ch))
		b.WriteString(", ")
	}
	b.WriteString("offset ")
	b.WriteString(strconv.FormatInt(r.lineStart+int64(se.off), 10))
	b.WriteString(" in the file)")
	field := ""
	switch {
	case r.at.in:
		field = r.at.t.label()
	case r.at.after:
		b.WriteString(", after the value of ")
		b.WriteString(r.at.t.label())
	}
	b.WriteString(": ")
	b.WriteString(se.msg)
	switch {
	case strings.Contains(se.msg, "truncated"):
		b.WriteString("; the line was cut off: restore the rest of the record from the source, or remove the line")
	case strings.HasPrefix(se.msg, "nested deeper"):
		b.WriteString("; flatten the value, or import with --skip-invalid to set the record aside")
	default:
		b.WriteString("; correct the line so that it holds one JSON object, or import with --skip-invalid to set it aside")
	}
	return &RecordError{Pos: r.b.pos, Field: field, Problem: b.String()}
}

func (r *jsonlReader) lookup(key []byte) target {
	if t, ok := r.keys[string(key)]; ok {
		return t
	}
	k := string(key)
	t := r.m.resolve(k)
	if t.field == fExtra || t.name == "" {
		t.name = k
	}
	if len(r.keys) < maxCachedKeys {
		r.keys[k] = t
	}
	return t
}

func (r *jsonlReader) decodeObject() error {
	p := &r.p
	p.ws()
	if !p.eat('{') {
		if p.i >= len(p.s) {
			return p.errorf("empty record")
		}
		return p.errorf("a record must be a JSON object")
	}
	p.ws()
	if p.eat('}') {
		return nil
	}
	for {
		p.ws()
		key, err := p.str()
		if err != nil {
			return err
		}
		t := r.lookup(key)
		p.ws()
		if !p.eat(':') {
			return p.errorf("expected ':' after a key")
		}
		p.ws()
		r.at = jsonPlace{t: t, in: true}
		if err := r.value(t); err != nil {
			return err
		}
		r.at = jsonPlace{t: t, after: true}
		p.ws()
		if p.eat(',') {
			continue
		}
		if p.eat('}') {
			return nil
		}
		if p.i >= len(p.s) {
			return p.errorf("the line ends inside the record (truncated?)")
		}
		return p.errorf("expected ',' or '}'")
	}
}

// value decodes the value of one top-level key into the builder.
func (r *jsonlReader) value(t target) error {
	p := &r.p
	if p.i >= len(p.s) {
		return p.errorf("the line ends before a value (truncated?)")
	}
	c := p.s[p.i]
	switch t.field {
	case fScores:
		if c == '{' {
			return r.scoresObject()
		}
	case fMeta:
		if c == '{' {
			v, err := p.any(0)
			if err != nil {
				return err
			}
			for k, e := range v.(map[string]any) {
				r.b.setMeta(k, e)
			}
			return nil
		}
	case fExtra:
		v, err := p.any(0)
		if err != nil {
			return err
		}
		r.b.setMeta(t.name, v)
		return nil
	}
	switch {
	case c == '"':
		s, err := p.str()
		if err != nil {
			return err
		}
		var v string
		switch t.field {
		case fGenerator, fJudge, fPromptVersion, fBatch:
			v = r.intern(s) // the same few values on every line
		default:
			v = string(s)
		}
		r.b.text(t, t.name, v)
	case c == '-' || (c >= '0' && c <= '9'):
		tok, err := p.number()
		if err != nil {
			return err
		}
		v, perr := strconv.ParseFloat(unsafe.String(unsafe.SliceData(tok), len(tok)), 64)
		if perr != nil && !errors.Is(perr, strconv.ErrRange) {
			return p.errorf("invalid number")
		}
		r.b.num(t, t.name, v, string(tok))
	case c == 'n':
		if !p.lit("null") {
			return p.errorf("invalid literal")
		}
	case c == 't' || c == 'f':
		v, err := p.any(0)
		if err != nil {
			return err
		}
		if t.field == fScore || t.field == fMaxScore || t.field == fCriterion || t.field == fScores || t.field == fMeta {
			r.b.fail(t.label(), "a boolean where a number was expected")
			return nil
		}
		r.b.text(t, t.name, strconv.FormatBool(v.(bool)))
	default:
		if _, err := p.any(0); err != nil {
			return err
		}
		r.b.fail(t.label(), "an object or array where a single value was expected")
	}
	return nil
}

func (r *jsonlReader) scoresObject() error {
	p := &r.p
	p.i++ // {
	p.ws()
	if p.eat('}') {
		return nil
	}
	for {
		p.ws()
		key, err := p.str()
		if err != nil {
			return err
		}
		crit := r.intern(key)
		p.ws()
		if !p.eat(':') {
			return p.errorf("expected ':' after a key")
		}
		p.ws()
		r.at = jsonPlace{t: target{field: fCriterion, crit: crit}, in: true}
		if p.i >= len(p.s) {
			return p.errorf("the line ends before a value (truncated?)")
		}
		switch c := p.s[p.i]; {
		case c == '-' || (c >= '0' && c <= '9'):
			tok, err := p.number()
			if err != nil {
				return err
			}
			v, perr := strconv.ParseFloat(unsafe.String(unsafe.SliceData(tok), len(tok)), 64)
			if perr != nil && !errors.Is(perr, strconv.ErrRange) {
				return p.errorf("invalid number")
			}
			r.b.scoresEntry(crit, v)
		case c == '"':
			s, err := p.str()
			if err != nil {
				return err
			}
			v, perr := strconv.ParseFloat(string(bytes.TrimSpace(s)), 64)
			if perr != nil {
				r.b.fail("scores."+crit, fmt.Sprintf("not a number: %q", clip(string(s))))
			} else {
				r.b.scoresEntry(crit, v)
			}
		case c == 'n':
			if !p.lit("null") {
				return p.errorf("invalid literal")
			}
		default:
			if _, err := p.any(0); err != nil {
				return err
			}
			r.b.fail("scores."+crit, "not a number")
		}
		r.at.in, r.at.after = false, true
		p.ws()
		if p.eat(',') {
			continue
		}
		if p.eat('}') {
			return nil
		}
		return p.errorf("expected ',' or '}' in scores")
	}
}

// jsonParser scans one line of JSON.
type jsonParser struct {
	s       []byte
	i       int
	scratch []byte
}

func (p *jsonParser) errorf(msg string) error { return &syntaxError{off: p.i, msg: msg} }

func (p *jsonParser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonParser) lit(word string) bool {
	if len(p.s)-p.i >= len(word) && string(p.s[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

// str reads a string token and returns its decoded bytes, valid until the next call: a slice of the line when it
// has no escapes, else of the scratch buffer.
func (p *jsonParser) str() ([]byte, error) {
	if !p.eat('"') {
		if p.i >= len(p.s) {
			return nil, p.errorf("the line ends where a string was expected (truncated?)")
		}
		return nil, p.errorf("expected a string")
	}
	start := p.i
	q := bytes.IndexByte(p.s[start:], '"')
	if q < 0 {
		p.i = len(p.s)
		return nil, p.errorf("unterminated string (truncated line?)")
	}
	if bytes.IndexByte(p.s[start:start+q], '\\') < 0 {
		p.i = start + q + 1
		return p.s[start : start+q], nil
	}
	return p.unescape(start)
}

func (p *jsonParser) unescape(start int) ([]byte, error) {
	out := p.scratch[:0]
	i := start
	for {
		j := i
		for j < len(p.s) && p.s[j] != '"' && p.s[j] != '\\' {
			j++
		}
		out = append(out, p.s[i:j]...)
		if j >= len(p.s) {
			p.i = j
			p.scratch = out
			return nil, p.errorf("unterminated string (truncated line?)")
		}
		if p.s[j] == '"' {
			p.i = j + 1
			p.scratch = out
			return out, nil
		}
		// backslash
		if j+1 >= len(p.s) {
			p.i = j
			p.scratch = out
			return nil, p.errorf("unterminated escape")
		}
		switch e := p.s[j+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
			i = j + 2
		case 'b':
			out = append(out, '\b')
			i = j + 2
		case 'f':
			out = append(out, '\f')
			i = j + 2
		case 'n':
			out = append(out, '\n')
			i = j + 2
		case 'r':
			out = append(out, '\r')
			i = j + 2
		case 't':
			out = append(out, '\t')
			i = j + 2
		case 'u':
			r1, ok := hex4(p.s, j+2)
			if !ok {
				p.i = j
				p.scratch = out
				return nil, p.errorf(`invalid \u escape`)
			}
			i = j + 6
			r := rune(r1)
			if utf16.IsSurrogate(r) {
				r2, ok := -1, false
				if i+1 < len(p.s) && p.s[i] == '\\' && p.s[i+1] == 'u' {
					r2, ok = hex4(p.s, i+2)
				}
				if ok {
					if dec := utf16.DecodeRune(r, rune(r2)); dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			p.i = j
			p.scratch = out
			return nil, p.errorf("invalid escape")
		}
	}
}

func hex4(s []byte, i int) (int, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	v := 0
	for _, c := range s[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// number reads a number token, checking JSON's number grammar.
func (p *jsonParser) number() ([]byte, error) {
	start := p.i
	i := p.i
	if i < len(p.s) && p.s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(p.s) && p.s[i] >= '0' && p.s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(p.s) && p.s[i] == '0' {
		i++
	} else if digits() == 0 {
		p.i = i
		return nil, p.errorf("invalid number")
	}
	if i < len(p.s) && p.s[i] == '.' {
		i++
		if digits() == 0 {
			p.i = i
			return nil, p.errorf("invalid number")
		}
	}
	if i < len(p.s) && (p.s[i] == 'e' || p.s[i] == 'E') {
		i++
		if i < len(p.s) && (p.s[i] == '+' || p.s[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.i = i
			return nil, p.errorf("invalid number")
		}
	}
	p.i = i
	return p.s[start:i], nil
}

// any decodes a value of any type: string, json.Number, bool, nil, map[string]any or []any.
func (p *jsonParser) any(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("nested deeper than " + strconv.Itoa(maxDepth) + " levels")
	}
	p.ws()
	if p.i >= len(p.s) {
		return nil, p.errorf("the line ends before a value (truncated?)")
	}
	switch c := p.s[p.i]; {
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return string(s), nil
	case c == '-' || (c >= '0' && c <= '9'):
		tok, err := p.number()
		if err != nil {
			return nil, err
		}
		return json.Number(tok), nil
	case c == '{':
		p.i++
		m := map[string]any{}
		p.ws()
		if p.eat('}') {
			return m, nil
		}
		for {
			p.ws()
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			key := string(k)
			p.ws()
			if !p.eat(':') {
				return nil, p.errorf("expected ':' after a key")
			}
			v, err := p.any(depth + 1)
			if err != nil {
				return nil, err
			}
			m[key] = v
			p.ws()
			if p.eat(',') {
				continue
			}
			if p.eat('}') {
				return m, nil
			}
			return nil, p.errorf("expected ',' or '}'")
		}
	case c == '[':
		p.i++
		a := []any{}
		p.ws()
		if p.eat(']') {
			return a, nil
		}
		for {
			v, err := p.any(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
			p.ws()
			if p.eat(',') {
				continue
			}
			if p.eat(']') {
				return a, nil
			}
			return nil, p.errorf("expected ',' or ']'")
		}
	case p.lit("true"):
		return true, nil
	case p.lit("false"):
		return false, nil
	case p.lit("null"):
		return nil, nil
	}
	return nil, p.errorf("invalid value")
}

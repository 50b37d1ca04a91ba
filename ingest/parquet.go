package ingest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"reviewdesk/review"
)

// valueKind says how to turn a leaf column's physical values into Go values.
type valueKind int8

const (
	kString valueKind = iota
	kBinary           // BYTE_ARRAY without a string annotation: text when it is valid UTF-8
	kInt
	kFloat
	kBool
	kDecimal   // integer or fixed bytes scaled by 10^-scale
	kDate      // days since the epoch
	kTimestamp // int64 in unit, or int96
	kSkip      // a type this reader does not read (lists, other nested columns, intervals)
)

// pqColumn is what a leaf column of a Parquet file feeds.
type pqColumn struct {
	t     target
	name  string // top-level column name
	kind  valueKind
	scale int32
	unit  time.Duration
	// scores as a struct: crit is the criterion of this child; as a map: role 1 is the key column, 2 the value.
	crit string
	role int8
}

// pqFile reads the rows of one Parquet file, row group by row group.
type pqFile struct {
	path   string
	f      *os.File
	pf     *parquet.File
	footer int64 // the offset of the footer (schema and row group index), for errors about the schema
	cols   []pqColumn
	rg     int
	rows   parquet.Rows
	batch  []parquet.Row
	bi, bn int
	row    int64
	// keys and vals collect a scores map's entries within one row.
	keys []string
	vals []float64
}

const pqBatch = 64

// openPQFile opens a Parquet file; bind then decides where its columns go.
func openPQFile(path string) (pf *pqFile, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("open %s: not a readable Parquet file: %v", path, r)
		}
		if err != nil {
			f.Close()
		}
	}()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if info.IsDir() {
		return nil, fmt.Errorf("open %s: is a directory; for a Delta table the directory needs a %s", path, "_delta_log")
	}
	size := info.Size()
	// A Parquet file starts and ends with the magic "PAR1"; the start tells another format, the end a file cut off.
	if size >= 4 {
		head := make([]byte, 4)
		if _, err := f.ReadAt(head, 0); err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		switch string(head) {
		case "PAR1":
		case "PARE":
			return nil, fmt.Errorf("open %s: byte 0: an encrypted Parquet file (magic \"PARE\"), which reviewdesk cannot read; write it without encryption", path)
		default:
			return nil, fmt.Errorf("open %s: byte 0: not a Parquet file: it starts with %q, where a Parquet file starts with \"PAR1\"; "+
				"import it with its real format (--format jsonl or csv), or export it as Parquet again", path, head)
		}
	}
	if size < 12 {
		return nil, fmt.Errorf("open %s: not a Parquet file (only %d bytes); export it as Parquet again", path, size)
	}
	// The footer's length comes from the file's last 8 bytes; the Parquet library allocates that much before it
	// reads, so a corrupt length (up to 4 GB) would stall the import on a multi-gigabyte allocation.
	tail := make([]byte, 8)
	if _, err := f.ReadAt(tail, size-8); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if string(tail[4:]) != "PAR1" {
		return nil, fmt.Errorf("open %s: byte %d: truncated: the file starts like a Parquet file but does not end with \"PAR1\", "+
			"so its footer (the schema and the index of its row groups) is missing; copy the whole file again, or write it "+
			"again from its source", path, size-4)
	}
	footer := int64(binary.LittleEndian.Uint32(tail[:4]))
	if footer+12 > size {
		return nil, fmt.Errorf("open %s: byte %d: not a Parquet file, or truncated: its footer claims %d bytes of a %d-byte file; "+
			"copy the whole file again, or write it again from its source", path, size-8, footer, size)
	}
	footerStart := size - 8 - footer
	file, err := parquet.OpenFile(f, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("open %s: footer at byte %d: not a Parquet file, or truncated: %w; write it again from its source",
			path, footerStart, err)
	}
	if err := checkPages(f, size, file.Metadata()); err != nil {
		return nil, fmt.Errorf("open %s: not a readable Parquet file: %w; the file is damaged: write it again from its source", path, err)
	}
	return &pqFile{path: path, f: f, pf: file, footer: footerStart, batch: make([]parquet.Row, pqBatch)}, nil
}

// checkPages walks every column chunk's page headers before any page is read: the Parquet library allocates each
// page at the size its header claims, so a corrupt size (up to 2 GB) would stall the import on a huge allocation.
// A chunk must lie inside the file and its pages inside the chunk. Reading the headers costs a few small reads per
// page; no page data is read.
func checkPages(f io.ReaderAt, size int64, md *format.FileMetaData) error {
	var compact thrift.CompactProtocol
	buf := make([]byte, 4<<10)
	for g, rg := range md.RowGroups {
		for c, cc := range rg.Columns {
			m := cc.MetaData
			where := fmt.Sprintf("row group %d, column %s", g+1, strings.Join(m.PathInSchema, "."))
			if len(m.PathInSchema) == 0 {
				where = fmt.Sprintf("row group %d, column %d", g+1, c+1)
			}
			start := m.DataPageOffset
			if m.DictionaryPageOffset > 0 && m.DictionaryPageOffset < start {
				start = m.DictionaryPageOffset
			}
			end := start + m.TotalCompressedSize
			if start < 4 || m.TotalCompressedSize <= 0 || end > size || end < start {
				return fmt.Errorf("%s: its data (bytes %d to %d) is not inside the %d-byte file", where, start, end, size)
			}
			for pos := start; pos < end; {
				// A header is small unless it carries large statistics; widen the window until it decodes, never past
				// the chunk.
				var h format.PageHeader
				used := 0
				for window := int64(len(buf)); ; window *= 4 {
					window = min(window, end-pos)
					if int64(cap(buf)) < window {
						buf = make([]byte, window)
					}
					b := buf[:window]
					if _, err := f.ReadAt(b, pos); err != nil && err != io.EOF {
						return fmt.Errorf("%s: %w", where, err)
					}
					r := compact.NewReaderFromBytes(b)
					h = format.PageHeader{}
					err := thrift.NewDecoder(r).Decode(&h)
					if err == nil {
						used = int(window) - r.Reader().(*bytes.Reader).Len()
						break
					}
					if window == end-pos {
						return fmt.Errorf("%s: the page header at byte %d does not decode: %v", where, pos, err)
					}
				}
				if h.CompressedPageSize < 0 || h.UncompressedPageSize < 0 || pos+int64(used)+int64(h.CompressedPageSize) > end {
					return fmt.Errorf("%s: the page at byte %d claims %d bytes (%d uncompressed), more than its column chunk holds", where, pos, h.CompressedPageSize, h.UncompressedPageSize)
				}
				if h.UncompressedPageSize > maxPageBytes {
					return fmt.Errorf("%s: the page at byte %d is %d bytes uncompressed; reviewdesk reads pages of up to %d MB", where, pos, h.UncompressedPageSize, maxPageBytes>>20)
				}
				pos += int64(used) + int64(h.CompressedPageSize)
			}
		}
	}
	return nil
}

// maxPageBytes bounds a page's uncompressed size: the library allocates it whole to decompress into. Writers use
// pages of about 1 MB; 256 MB leaves room for a row with a very long text.
const maxPageBytes = 256 << 20

// bind decides for each leaf column where its values go. resolve gives the target of a top-level column name
// (ok=false: the column is not read).
func (p *pqFile) bind(resolve func(name string) (target, bool)) error {
	path := p.path
	schema := p.pf.Schema()
	p.cols = p.cols[:0]
	for _, colPath := range schema.Columns() {
		leaf, ok := schema.Lookup(colPath...)
		if !ok {
			return fmt.Errorf("open %s: column %s not found in its own schema", path, strings.Join(colPath, "."))
		}
		c := pqColumn{name: colPath[0], kind: kSkip}
		t, ok := resolve(colPath[0])
		if ok {
			c.t = t
			c.kind, c.scale, c.unit = leafKind(leaf.Node)
			switch {
			case len(colPath) == 1 && leaf.MaxRepetitionLevel == 0:
			case t.field == fScores && len(colPath) == 2 && leaf.MaxRepetitionLevel == 0:
				c.crit = colPath[1] // scores struct { business: int, ... }
			case t.field == fScores && len(colPath) == 3 && leaf.MaxRepetitionLevel == 1 && (colPath[2] == "key" || colPath[2] == "value"):
				c.role = 1 // scores map<string, number>
				if colPath[2] == "value" {
					c.role = 2
				}
			default:
				c.kind = kSkip // nested columns other than scores are not read
			}
		}
		if leaf.ColumnIndex != len(p.cols) {
			return fmt.Errorf("open %s: unexpected column order", path)
		}
		p.cols = append(p.cols, c)
	}
	return nil
}

// topLevelNames lists a Parquet file's top-level column names in schema order.
func topLevelNames(pf *pqFile) []string {
	var names []string
	for _, f := range pf.pf.Schema().Fields() {
		names = append(names, f.Name())
	}
	return names
}

func leafKind(n parquet.Node) (valueKind, int32, time.Duration) {
	typ := n.Type()
	lt := typ.LogicalType()
	ct := typ.ConvertedType()
	if lt != nil && lt.Value != nil {
		switch v := lt.Value.(type) {
		case *format.DecimalType:
			return kDecimal, v.Scale, 0
		case *format.DateType:
			return kDate, 0, 0
		case *format.TimestampType:
			if v.Unit.Value != nil {
				return kTimestamp, 0, v.Unit.Value.Duration()
			}
			return kTimestamp, 0, time.Microsecond
		case *format.StringType, *format.EnumType, *format.JsonType:
			return kString, 0, 0
		}
	} else if ct != nil {
		switch *ct {
		case deprecated.Decimal:
			return kDecimal, int32(decimalScale(n)), 0
		case deprecated.Date:
			return kDate, 0, 0
		case deprecated.TimestampMillis:
			return kTimestamp, 0, time.Millisecond
		case deprecated.TimestampMicros:
			return kTimestamp, 0, time.Microsecond
		}
	}
	switch typ.Kind() {
	case parquet.Boolean:
		return kBool, 0, 0
	case parquet.Int32, parquet.Int64:
		return kInt, 0, 0
	case parquet.Float, parquet.Double:
		return kFloat, 0, 0
	case parquet.Int96:
		return kTimestamp, 0, 0
	case parquet.ByteArray:
		return kBinary, 0, 0
	}
	return kSkip, 0, 0
}

// decimalScale reads the scale of a legacy (converted-type) decimal; newer writers set the logical type too.
func decimalScale(n parquet.Node) int {
	if lt := n.Type().LogicalType(); lt != nil {
		if d, ok := lt.Value.(*format.DecimalType); ok {
			return int(d.Scale)
		}
	}
	return 0
}

func (p *pqFile) numRows() int64 { return p.pf.NumRows() }

// next returns the next row (valid until the following call), or io.EOF.
func (p *pqFile) next() (parquet.Row, error) {
	for p.bi >= p.bn {
		if p.rows == nil {
			groups := p.pf.RowGroups()
			if p.rg >= len(groups) {
				return nil, io.EOF
			}
			p.rows = groups[p.rg].Rows()
			p.rg++
		}
		n, err := p.rows.ReadRows(p.batch)
		p.bi, p.bn = 0, n
		if err == io.EOF {
			if cerr := p.rows.Close(); cerr != nil {
				return nil, fmt.Errorf("read %s: %w", p.path, cerr)
			}
			p.rows = nil
		} else if err != nil {
			return nil, fmt.Errorf("read %s: row %d: %w", p.path, p.row+1, err)
		}
	}
	r := p.batch[p.bi]
	p.bi++
	p.row++
	return r, nil
}

// fill feeds one row's values into b.
func (p *pqFile) fill(b *builder, row parquet.Row) {
	p.keys, p.vals = p.keys[:0], p.vals[:0]
	for _, v := range row {
		ci := v.Column()
		if ci < 0 || ci >= len(p.cols) {
			continue
		}
		c := &p.cols[ci]
		if c.kind == kSkip {
			continue
		}
		if v.IsNull() {
			if c.role == 2 {
				p.vals = append(p.vals, math.NaN()) // keep keys and values aligned; NaN marks a null entry
			}
			continue
		}
		switch {
		case c.role == 1:
			p.keys = append(p.keys, v.String())
			continue
		case c.role == 2:
			f, ok := numberOf(c, v)
			if !ok {
				f = math.Inf(1) // reported below
			}
			p.vals = append(p.vals, f)
			continue
		case c.crit != "":
			f, ok := numberOf(c, v)
			if !ok {
				b.fail("scores."+c.crit, "not a number")
				continue
			}
			b.scoresEntry(c.crit, f)
			continue
		}
		p.feed(b, c, v)
	}
	if len(p.keys) > 0 {
		if len(p.keys) != len(p.vals) {
			b.fail("scores", "map keys and values do not pair up")
			return
		}
		for i, k := range p.keys {
			switch {
			case math.IsNaN(p.vals[i]):
			case math.IsInf(p.vals[i], 1):
				b.fail("scores."+k, "not a number")
			default:
				b.scoresEntry(k, p.vals[i])
			}
		}
	}
}

func numberOf(c *pqColumn, v parquet.Value) (float64, bool) {
	switch c.kind {
	case kInt:
		if v.Kind() == parquet.Int32 {
			return float64(v.Int32()), true
		}
		return float64(v.Int64()), true
	case kFloat:
		if v.Kind() == parquet.Float {
			return float64(v.Float()), true
		}
		return v.Double(), true
	case kDecimal:
		f, err := strconv.ParseFloat(decimalText(c, v), 64)
		return f, err == nil
	case kString, kBinary:
		f, err := strconv.ParseFloat(strings.TrimSpace(string(v.ByteArray())), 64)
		return f, err == nil
	}
	return 0, false
}

// feed stores one non-null value of a flat column.
func (p *pqFile) feed(b *builder, c *pqColumn, v parquet.Value) {
	switch c.kind {
	case kString:
		b.text(c.t, c.name, string(v.ByteArray()))
	case kBinary:
		bs := v.ByteArray()
		if c.t.field == fExtra && !utf8.Valid(bs) {
			b.setMeta(c.t.name, append([]byte(nil), bs...)) // JSON carries it as base64
			return
		}
		b.text(c.t, c.name, string(bs))
	case kInt:
		var i int64
		if v.Kind() == parquet.Int32 {
			i = int64(v.Int32())
		} else {
			i = v.Int64()
		}
		b.num(c.t, c.name, float64(i), strconv.FormatInt(i, 10))
	case kFloat:
		var f float64
		if v.Kind() == parquet.Float {
			f = float64(v.Float())
		} else {
			f = v.Double()
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			if c.t.field == fExtra {
				b.setMeta(c.t.name, formatFloat(f))
				return
			}
			b.fail(c.t.label(), "not a finite number")
			return
		}
		b.num(c.t, c.name, f, formatFloat(f))
	case kDecimal:
		s := decimalText(c, v)
		f, _ := strconv.ParseFloat(s, 64)
		b.num(c.t, c.name, f, s)
	case kBool:
		if c.t.field == fExtra {
			b.setMeta(c.t.name, v.Boolean())
			return
		}
		b.text(c.t, c.name, strconv.FormatBool(v.Boolean()))
	case kDate:
		d := time.Unix(int64(v.Int32())*86400, 0).UTC()
		b.text(c.t, c.name, d.Format(time.DateOnly))
	case kTimestamp:
		var ts time.Time
		if v.Kind() == parquet.Int96 {
			ts = int96Time(v.Int96())
		} else {
			ts = time.Unix(0, 0).Add(time.Duration(v.Int64()) * c.unit).UTC()
		}
		b.text(c.t, c.name, ts.Format(time.RFC3339Nano))
	}
}

// decimalText renders a DECIMAL value exactly.
func decimalText(c *pqColumn, v parquet.Value) string {
	var unscaled big.Int
	switch v.Kind() {
	case parquet.Int32:
		unscaled.SetInt64(int64(v.Int32()))
	case parquet.Int64:
		unscaled.SetInt64(v.Int64())
	default: // big-endian two's complement bytes
		bs := v.ByteArray()
		unscaled.SetBytes(bs)
		if len(bs) > 0 && bs[0]&0x80 != 0 {
			unscaled.Sub(&unscaled, new(big.Int).Lsh(big.NewInt(1), uint(8*len(bs))))
		}
	}
	s := unscaled.String()
	if c.scale <= 0 {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for len(s) <= int(c.scale) {
		s = "0" + s
	}
	s = s[:len(s)-int(c.scale)] + "." + s[len(s)-int(c.scale):]
	if neg {
		s = "-" + s
	}
	return s
}

// int96Time decodes the legacy Impala/Spark timestamp: nanoseconds of the day, then the Julian day.
func int96Time(i deprecated.Int96) time.Time {
	nanos := int64(i[0]) | int64(i[1])<<32
	days := int64(i[2]) - 2440588
	return time.Unix(days*86400, nanos).UTC()
}

func (p *pqFile) close() error { return p.f.Close() }

// parquetReader reads a standalone Parquet file.
type parquetReader struct {
	pq *pqFile
	b  builder
}

func openParquet(path string, m *mapping) (*parquetReader, error) {
	pq, err := openPQFile(path)
	if err != nil {
		return nil, err
	}
	names := topLevelNames(pq)
	plan, err := m.plan(fmt.Sprintf("schema (footer at byte %d)", pq.footer), names)
	if err != nil {
		pq.close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	targets := make(map[string]target, len(names))
	for i, n := range names {
		targets[n] = plan[i]
	}
	if err := pq.bind(func(name string) (target, bool) {
		t, ok := targets[name]
		return t, ok
	}); err != nil {
		pq.close()
		return nil, err
	}
	return &parquetReader{pq: pq}, nil
}

func (r *parquetReader) Next() (it review.Item, pos Position, err error) {
	return nextRow(r.pq, &r.b, nil)
}

// nextRow reads the next row of pq into an item; partition values (Delta) are added as further columns.
func nextRow(pq *pqFile, b *builder, partition []partitionValue) (it review.Item, pos Position, err error) {
	defer func() {
		// parquet-go panics on some corrupt pages instead of returning an error.
		if r := recover(); r != nil {
			it, err = review.Item{}, fmt.Errorf("read %s: row %d: corrupt Parquet data: %v", pq.path, pq.row, r)
		}
	}()
	row, err := pq.next()
	pos = Position{File: pq.path, Line: pq.row}
	if err != nil {
		if errors.Is(err, io.EOF) {
			return review.Item{}, pos, io.EOF
		}
		return review.Item{}, pos, err
	}
	b.reset(pos)
	pq.fill(b, row)
	for _, pv := range partition {
		if pv.value != "" {
			b.text(pv.t, pv.name, pv.value)
		}
	}
	it, err = b.finish()
	return it, pos, err
}

func (r *parquetReader) Progress() (int64, int64) { return r.pq.row, r.pq.numRows() }

func (r *parquetReader) Close() error { return r.pq.close() }

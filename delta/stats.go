package delta

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
	"unicode/utf8"
)

// Stats are the per-file statistics of an add action (the protocol's Per-file Statistics), for flat schemas.
type Stats struct {
	NumRecords  int64            `json:"numRecords"`
	MinValues   map[string]any   `json:"minValues,omitempty"`
	MaxValues   map[string]any   `json:"maxValues,omitempty"`
	NullCount   map[string]int64 `json:"nullCount,omitempty"`
	TightBounds *bool            `json:"tightBounds,omitempty"`
}

// JSON returns the stats as the string that goes into Add.Stats.
func (s Stats) JSON() (string, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("encode delta stats: %w", err)
	}
	return string(b), nil
}

// ParseStats decodes an Add.Stats string. Numbers in min and max values decode as float64, timestamps and
// strings as strings.
func ParseStats(s string) (Stats, error) {
	var st Stats
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return Stats{}, fmt.Errorf("parse delta stats: %w", err)
	}
	return st, nil
}

// StringPrefixLength is how many characters of a string column the min and max statistics keep, as Spark does
// by default (delta.dataSkippingStringPrefixLength).
const StringPrefixLength = 32

// StatsCollector gathers statistics while a writer writes the rows of one data file. Values are Go values:
// string, bool, the integer and float kinds, time.Time (a timestamp, written in UTC with milliseconds as Spark
// writes it) and nil for null. Booleans and NaN count only for nullCount; min and max skip them, as the
// protocol's readers expect no bounds for them.
type StatsCollector struct {
	columns []string
	stats   Stats
	min     map[string]any
	max     map[string]any
}

// NewStatsCollector returns a collector for the given columns; values of other columns are ignored.
func NewStatsCollector(columns ...string) *StatsCollector {
	c := &StatsCollector{columns: columns, min: map[string]any{}, max: map[string]any{}}
	c.stats.NullCount = make(map[string]int64, len(columns))
	for _, col := range columns {
		c.stats.NullCount[col] = 0
	}
	return c
}

// AddRow counts one row; row maps column names to values, and a column missing from it counts as null.
func (c *StatsCollector) AddRow(row map[string]any) {
	c.stats.NumRecords++
	for _, col := range c.columns {
		v, ok := row[col]
		if !ok || v == nil {
			c.stats.NullCount[col]++
			continue
		}
		c.observe(col, v)
	}
}

func (c *StatsCollector) observe(col string, v any) {
	var key any // comparable form
	switch x := v.(type) {
	case string:
		key = x
	case int:
		key = float64(x)
	case int8:
		key = float64(x)
	case int16:
		key = float64(x)
	case int32:
		key = float64(x)
	case int64:
		key = x
	case float32:
		key = float64(x)
	case float64:
		key = x
	case time.Time:
		key = x.UTC()
	default:
		return // booleans, binary and anything else carry no bounds
	}
	if f, ok := key.(float64); ok && math.IsNaN(f) {
		return
	}
	if cur, ok := c.min[col]; !ok || less(key, cur) {
		c.min[col] = key
	}
	if cur, ok := c.max[col]; !ok || less(cur, key) {
		c.max[col] = key
	}
}

func less(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x < y
	case int64:
		switch y := b.(type) {
		case int64:
			return x < y
		case float64:
			return float64(x) < y
		}
	case float64:
		switch y := b.(type) {
		case int64:
			return x < float64(y)
		case float64:
			return x < y
		}
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Before(y)
	}
	return false
}

// Stats returns the statistics gathered so far.
func (c *StatsCollector) Stats() Stats {
	s := Stats{NumRecords: c.stats.NumRecords, NullCount: map[string]int64{}}
	for k, v := range c.stats.NullCount {
		s.NullCount[k] = v
	}
	if len(c.min) > 0 {
		s.MinValues = map[string]any{}
		s.MaxValues = map[string]any{}
	}
	for col, v := range c.min {
		s.MinValues[col] = statValue(v, false)
	}
	for col, v := range c.max {
		if mv := statValue(v, true); mv != nil {
			s.MaxValues[col] = mv
		}
	}
	return s
}

// statValue renders a bound. A long string is cut to StringPrefixLength characters; for a maximum the cut
// prefix gets U+10FFFF appended, so that it still sorts at or after every value it stands for (if the cut part
// itself starts with U+10FFFF, no short bound exists and the maximum is left out).
func statValue(v any, isMax bool) any {
	switch x := v.(type) {
	case string:
		if utf8.RuneCountInString(x) <= StringPrefixLength {
			return x
		}
		cut := 0
		for i := 0; i < StringPrefixLength; i++ {
			_, size := utf8.DecodeRuneInString(x[cut:])
			cut += size
		}
		if !isMax {
			return x[:cut]
		}
		if r, _ := utf8.DecodeRuneInString(x[cut:]); r == utf8.MaxRune {
			return nil
		}
		return x[:cut] + string(utf8.MaxRune)
	case time.Time:
		ms := x.Truncate(time.Millisecond)
		if isMax && !ms.Equal(x) {
			// Truncation made the maximum smaller than the true value; round up to stay a valid upper bound.
			ms = ms.Add(time.Millisecond)
		}
		return ms.Format("2006-01-02T15:04:05.000Z07:00")
	}
	return v
}

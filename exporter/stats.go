package exporter

import (
	"math"
	"time"

	"reviewdesk/delta"
)

// bound is one stats column's minimum, maximum and null count while a file is written. Only the fields of the
// column's type are used.
type bound struct {
	seen       bool
	minS, maxS string
	minF, maxF float64
	minI, maxI int64
	minT, maxT time.Time
	nulls      int64
	kind       byte // 's'tring, 'f'loat, 'i'nteger, 't'ime, 'b'oolean
}

// bounds tracks the stats columns of a data file with typed comparisons: boxing every value into a map per row, as
// delta.StatsCollector.AddRow takes them, costs more than writing the row. delta.StatsCollector still renders the
// result (string prefixes, timestamp format), from a row of minima and a row of maxima.
type bounds []bound

func (b bounds) str(i int, s string) {
	c := &b[i]
	c.kind = 's'
	switch {
	case !c.seen:
		c.minS, c.maxS, c.seen = s, s, true
	case s < c.minS:
		c.minS = s
	case s > c.maxS:
		c.maxS = s
	}
}

func (b bounds) num(i int, f float64) {
	if math.IsNaN(f) {
		return
	}
	c := &b[i]
	c.kind = 'f'
	switch {
	case !c.seen:
		c.minF, c.maxF, c.seen = f, f, true
	case f < c.minF:
		c.minF = f
	case f > c.maxF:
		c.maxF = f
	}
}

func (b bounds) integer(i int, v int64) {
	c := &b[i]
	c.kind = 'i'
	switch {
	case !c.seen:
		c.minI, c.maxI, c.seen = v, v, true
	case v < c.minI:
		c.minI = v
	case v > c.maxI:
		c.maxI = v
	}
}

func (b bounds) time(i int, t time.Time) {
	c := &b[i]
	c.kind = 't'
	switch {
	case !c.seen:
		c.minT, c.maxT, c.seen = t, t, true
	case t.Before(c.minT):
		c.minT = t
	case t.After(c.maxT):
		c.maxT = t
	}
}

func (b bounds) boolean(i int) { b[i].kind = 'b' }

func (b bounds) null(i int) { b[i].nulls++ }

func (b bounds) reset() {
	clear(b)
}

// stats renders the bounds of a file of n rows as an add action's stats.
func (b bounds) stats(cols []string, n int64) (string, error) {
	minRow, maxRow := map[string]any{}, map[string]any{}
	for i, c := range b {
		col := cols[i]
		switch {
		case c.kind == 'b':
			minRow[col], maxRow[col] = false, false // counted, no bounds
		case !c.seen:
		case c.kind == 's':
			minRow[col], maxRow[col] = c.minS, c.maxS
		case c.kind == 't':
			minRow[col], maxRow[col] = c.minT, c.maxT
		case c.kind == 'i':
			minRow[col], maxRow[col] = c.minI, c.maxI
		default:
			minRow[col], maxRow[col] = c.minF, c.maxF
		}
	}
	sc := delta.NewStatsCollector(cols...)
	sc.AddRow(minRow)
	sc.AddRow(maxRow)
	st := sc.Stats()
	st.NumRecords = n
	for i, c := range b {
		st.NullCount[cols[i]] = c.nulls
	}
	return st.JSON()
}

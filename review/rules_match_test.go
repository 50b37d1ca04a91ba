package review

import (
	"slices"
	"strings"
	"testing"
)

type match struct {
	pattern    int32
	start, end int
}

func collect(scan func(string, func(int32, int, int)), text string) []match {
	var ms []match
	scan(text, func(p int32, s, e int) { ms = append(ms, match{p, s, e}) })
	slices.SortFunc(ms, func(a, b match) int {
		if a.end != b.end {
			return a.end - b.end
		}
		if a.start != b.start {
			return a.start - b.start
		}
		return int(a.pattern - b.pattern)
	})
	return ms
}

func TestMatcher(t *testing.T) {
	m := newMatcher([]string{"he", "she", "his", "hers", "東京", "東京都", "京都"})
	got := collect(m.scanSerial, "USHERS 東京都")
	want := []match{{1, 1, 4}, {0, 2, 4}, {3, 2, 6}, {4, 7, 13}, {5, 7, 16}, {6, 10, 16}}
	if !slices.Equal(got, want) {
		t.Errorf("matches %v, want %v", got, want)
	}
}

// TestScanHalves checks that the two-chain scan finds exactly what one chain finds, including matches that cross
// the cut in the middle of the text.
func TestScanHalves(t *testing.T) {
	rs := DefaultRules()
	texts := []string{}
	for _, it := range loadEval(t) {
		texts = append(texts, it.Summary+it.Source+it.Summary)
	}
	for _, w := range []string{"業界最大級", "東京都", "we", "お客様のニーズに応え"} {
		for shift := range 12 {
			pad := strings.Repeat("あ", 50) + strings.Repeat("x", shift)
			texts = append(texts, pad+w+pad, pad+pad[:len(pad)-shift]+w+pad)
		}
	}
	for _, text := range texts {
		serial, halves := collect(rs.m.scanSerial, text), collect(rs.m.scan, text)
		if len(text) >= 256 && !slices.Equal(serial, halves) {
			t.Fatalf("scan of %q:\n halves %v\n serial %v", text, halves, serial)
		}
	}
}

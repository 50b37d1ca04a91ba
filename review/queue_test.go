package review

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

func TestParseOrder(t *testing.T) {
	tests := []struct {
		in   string
		want Order
		ok   bool
	}{
		{"score", ByScore, true},
		{"hints", ByHints, true},
		{"stratified", Stratified, true},
		{"", "", false},
		{"Score", "", false},
		{" score", "", false},
		{"random", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseOrder(tc.in)
			if !tc.ok {
				wantError(t, err, Invalid, "is not one of score, hints, stratified")
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseOrder(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestNextBand(t *testing.T) {
	tests := []struct {
		name  string
		bands []BandCount
		want  int // -1: the queue is empty
	}{
		{"no bands", nil, -1},
		{"nothing open", []BandCount{{Band: 3, Reviewed: 0, Open: 0}, {Band: 9, Reviewed: 4, Open: 0}}, -1},
		{"one open band", []BandCount{{Band: 7, Reviewed: 12, Open: 1}}, 7},
		{"fewest reviews first", []BandCount{{0, 5, 3}, {1, 2, 4}, {2, 7, 1}}, 1},
		{"fewer reviews beat a lower band", []BandCount{{0, 10, 1}, {9, 0, 1}}, 9},
		{"a band with nothing open is passed over", []BandCount{{0, 0, 0}, {1, 3, 2}, {2, 4, 5}}, 1},
		{"ties go to the lowest band, whatever the input order", []BandCount{{7, 2, 1}, {3, 2, 1}, {5, 2, 9}}, 3},
		{"ties go to the lowest band, in order", []BandCount{{3, 2, 1}, {5, 2, 9}, {7, 2, 1}}, 3},
		{"the number open does not weigh", []BandCount{{0, 1, 1000}, {1, 0, 1}}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NextBand(tc.bands)
			if tc.want < 0 {
				wantError(t, err, NotFound, "the queue is empty")
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("NextBand(%v) = %d, %v; want %d", tc.bands, got, err, tc.want)
			}
		})
	}
}

func TestBands(t *testing.T) {
	tests := []struct {
		score, max float64
		width      float64
		band       int
		lo, hi     float64
	}{
		{0, 10, 1, 0, 0, 1},
		{4.99, 10, 1, 4, 4, 5},
		{5, 10, 1, 5, 5, 6},
		{10, 10, 1, 10, 10, 11}, // full marks are a band of their own
		{3, 0, 1, 3, 3, 4},      // an unknown scale counts whole points
		{19.5, 20, 1, 19, 19, 20},
		{12, 25, 2.5, 4, 10, 12.5}, // above 20 points, tenths of the scale
		{29.99, 100, 10, 2, 20, 30},
		{30, 100, 10, 3, 30, 40},
		{100, 100, 10, 10, 100, 110},
	}
	for _, tc := range tests {
		t.Run("", func(t *testing.T) {
			if got := BandWidth(tc.max); got != tc.width {
				t.Errorf("BandWidth(%v) = %v, want %v", tc.max, got, tc.width)
			}
			b := Band(tc.score, tc.max)
			if b != tc.band {
				t.Errorf("Band(%v, %v) = %d, want %d", tc.score, tc.max, b, tc.band)
			}
			lo, hi := BandRange(b, tc.max)
			if lo != tc.lo || hi != tc.hi || tc.score < lo || tc.score >= hi {
				t.Errorf("BandRange(%d, %v) = [%v, %v), want [%v, %v) around %v", b, tc.max, lo, hi, tc.lo, tc.hi, tc.score)
			}
		})
	}
}

func TestQueuePolicyJSON(t *testing.T) {
	b, err := json.Marshal(DefaultQueuePolicy())
	if err != nil || string(b) != `{"order":"score","lease_minutes":30}` {
		t.Fatalf("default policy = %s, %v", b, err)
	}
	tests := []struct {
		in   string
		want QueuePolicy
	}{
		{`{"order":"stratified","lease_minutes":45}`, QueuePolicy{Order: Stratified, Lease: 45 * time.Minute}},
		{`{"order":"hints","lease_minutes":0.5}`, QueuePolicy{Order: ByHints, Lease: 30 * time.Second}},
		{`{"order":"score"}`, QueuePolicy{Order: ByScore}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var q QueuePolicy
			if err := json.Unmarshal([]byte(tc.in), &q); err != nil || q != tc.want {
				t.Fatalf("Unmarshal = %+v, %v; want %+v", q, err, tc.want)
			}
			var back QueuePolicy
			if b, err := json.Marshal(q); err != nil || json.Unmarshal(b, &back) != nil || back != q {
				t.Fatalf("round trip of %+v: %s, %+v", q, b, back)
			}
		})
	}
	var q QueuePolicy
	if err := json.Unmarshal([]byte(`{"lease_minutes":"30"}`), &q); err == nil {
		t.Fatalf("a lease as text decoded to %+v", q)
	}
}

func TestItemFilterNormalize(t *testing.T) {
	points := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		in   ItemFilter
		want ItemFilter // after Normalize, when part is ""
		part string     // of the Invalid error
	}{
		{"defaults", ItemFilter{}, ItemFilter{Sort: SortScoreDesc, Limit: 50}, ""},
		{"a negative limit is the default", ItemFilter{Limit: -3}, ItemFilter{Sort: SortScoreDesc, Limit: 50}, ""},
		{"a limit of one", ItemFilter{Limit: 1}, ItemFilter{Sort: SortScoreDesc, Limit: 1}, ""},
		{"the largest page", ItemFilter{Limit: MaxPageSize, Offset: 1000}, ItemFilter{Sort: SortScoreDesc, Limit: 500, Offset: 1000}, ""},
		{"one above the largest page", ItemFilter{Limit: MaxPageSize + 1}, ItemFilter{}, "limit 501 is above the page size limit 500"},
		{"negative offset", ItemFilter{Offset: -1}, ItemFilter{}, "offset must not be negative"},
		{"every sort", ItemFilter{Sort: SortImported}, ItemFilter{Sort: SortImported, Limit: 50}, ""},
		{"unknown sort", ItemFilter{Sort: "score-desc"}, ItemFilter{}, `sort "score-desc" is not one of`},
		{"every status", ItemFilter{Status: Statuses}, ItemFilter{Status: Statuses, Sort: SortScoreDesc, Limit: 50}, ""},
		{"unknown status", ItemFilter{Status: []Status{Pending, "done"}}, ItemFilter{}, `status "done" is not one of`},
		{"empty status", ItemFilter{Status: []Status{""}}, ItemFilter{}, `status "" is not one of`},
		{"points range with a criterion", ItemFilter{Criterion: "business", MinPoints: points(1), MaxPoints: points(3)},
			ItemFilter{Criterion: "business", MinPoints: points(1), MaxPoints: points(3), Sort: SortScoreDesc, Limit: 50}, ""},
		{"a criterion alone", ItemFilter{Criterion: "business"}, ItemFilter{Criterion: "business", Sort: SortScoreDesc, Limit: 50}, ""},
		{"min_points without a criterion", ItemFilter{MinPoints: points(1)}, ItemFilter{}, "min_points and max_points need a criterion"},
		{"max_points without a criterion", ItemFilter{MaxPoints: points(0)}, ItemFilter{}, "min_points and max_points need a criterion"},
		{"NaN min_score", ItemFilter{MinScore: points(math.NaN())}, ItemFilter{}, "min_score must be a number, not NaN"},
		{"infinite max_score", ItemFilter{MaxScore: points(math.Inf(1))}, ItemFilter{}, "max_score must be a number, not +Inf"},
		{"NaN max_points", ItemFilter{Criterion: "business", MaxPoints: points(math.NaN())}, ItemFilter{}, "max_points must be a number, not NaN"},
		{"an empty score range is allowed", ItemFilter{MinScore: points(8), MaxScore: points(2)},
			ItemFilter{MinScore: points(8), MaxScore: points(2), Sort: SortScoreDesc, Limit: 50}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.in
			err := f.Normalize()
			if tc.part != "" {
				wantError(t, err, Invalid, tc.part)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(f, tc.want) {
				t.Fatalf("Normalize(%+v) = %+v, want %+v", tc.in, f, tc.want)
			}
		})
	}
	t.Run("every listed sort is accepted", func(t *testing.T) {
		for _, s := range Sorts {
			f := ItemFilter{Sort: s}
			if err := f.Normalize(); err != nil || f.Sort != s {
				t.Errorf("sort %q: %v, now %q", s, err, f.Sort)
			}
		}
	})
}

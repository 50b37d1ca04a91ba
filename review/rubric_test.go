package review

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func threshold(v float64) *float64 { return &v }

// wantFieldError fails unless err is a *FieldError on field whose problem contains part; field "" wants no error.
func wantFieldError(t *testing.T, err error, field, part string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a *FieldError, want one on %s", err, field)
	}
	if fe.Field != field || !strings.Contains(fe.Problem, part) {
		t.Fatalf("error on %q: %q, want %q containing %q", fe.Field, fe.Problem, field, part)
	}
}

// tenPoints is the usual rubric: business 4, third person 3, relevance 3, out of 10.
func tenPoints() Rubric {
	return Rubric{MaxScore: 10, Configured: true,
		Criteria: []Criterion{{Name: "business", Max: 4}, {Name: "third_person", Max: 3}, {Name: "relevance", Max: 3}}}
}

func TestRubricValidate(t *testing.T) {
	with := func(f func(*Rubric)) Rubric { r := tenPoints(); f(&r); return r }
	tests := []struct {
		name        string
		rubric      Rubric
		field, part string
	}{
		{"the usual rubric", tenPoints(), "", ""},
		{"nothing known yet", Rubric{}, "", ""},
		{"fractional maxima", Rubric{MaxScore: 1, Criteria: []Criterion{{Name: "a", Max: 0.5}, {Name: "b", Max: 0.5}}}, "", ""},
		{"threshold at zero", with(func(r *Rubric) { r.DiscardBelow = threshold(0) }), "", ""},
		{"threshold inside the scale", with(func(r *Rubric) { r.DiscardBelow = threshold(4.5) }), "", ""},
		{"threshold at the top of the scale", with(func(r *Rubric) { r.DiscardBelow = threshold(10) }), "", ""},
		{"threshold on an unknown scale", Rubric{DiscardBelow: threshold(50)}, "", ""},
		{"negative max_score", Rubric{MaxScore: -1}, "max_score", "zero (unknown) or positive"},
		{"NaN max_score", Rubric{MaxScore: math.NaN()}, "max_score", "zero (unknown) or positive"},
		{"empty criterion name", with(func(r *Rubric) { r.Criteria[1].Name = "" }), "criteria[1].name", "empty"},
		{"duplicate criterion", with(func(r *Rubric) { r.Criteria[2].Name = "business" }), "criteria[2].name",
			"duplicate criterion business"},
		{"zero maximum", with(func(r *Rubric) { r.Criteria[0].Max = 0 }), "criteria[0].max", "must be positive"},
		{"negative maximum", with(func(r *Rubric) { r.Criteria[2].Max = -3 }), "criteria[2].max", "must be positive"},
		{"NaN maximum", with(func(r *Rubric) { r.Criteria[1].Max = math.NaN() }), "criteria[1].max", "must be positive"},
		{"negative threshold", with(func(r *Rubric) { r.DiscardBelow = threshold(-0.5) }), "discard_below",
			"-0.5 is outside the score scale 0..10"},
		{"threshold just above the scale", with(func(r *Rubric) { r.DiscardBelow = threshold(math.Nextafter(10, 11)) }),
			"discard_below", "outside the score scale 0..10"},
		{"NaN threshold", with(func(r *Rubric) { r.DiscardBelow = threshold(math.NaN()) }), "discard_below", "NaN is outside"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantFieldError(t, tc.rubric.Validate(), tc.field, tc.part)
		})
	}
}

func TestParseRubric(t *testing.T) {
	t.Run("config file", func(t *testing.T) {
		r, err := ParseRubric([]byte(`{"max_score": 10, "discard_below": 5,
			"criteria": [{"name": "business", "max": 4, "description": "what the company does"},
			             {"name": "third_person", "max": 3}, {"name": "relevance", "max": 3}]}`))
		if err != nil {
			t.Fatal(err)
		}
		want := tenPoints()
		want.Criteria[0].Description = "what the company does"
		want.DiscardBelow = threshold(5)
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("ParseRubric = %+v, want %+v", r, want)
		}
	})
	t.Run("a file is configured even if it says otherwise", func(t *testing.T) {
		r, err := ParseRubric([]byte(`{"max_score": 10, "configured": false}`))
		if err != nil || !r.Configured || r.DiscardBelow != nil || len(r.Criteria) != 0 {
			t.Fatalf("ParseRubric = %+v, %v; want a configured rubric without threshold or criteria", r, err)
		}
	})
	t.Run("a null threshold is no threshold", func(t *testing.T) {
		r, err := ParseRubric([]byte(`{"max_score": 10, "discard_below": null}`))
		if err != nil || r.DiscardBelow != nil {
			t.Fatalf("ParseRubric = %+v, %v", r, err)
		}
	})

	tests := []struct {
		name, data string
		field      string // of the *FieldError; "" for a JSON error
		part       string
	}{
		{"not JSON", `max_score: 10`, "", "parse rubric: invalid character"},
		{"truncated", `{"max_score": 10, "criteria": [`, "", "parse rubric: unexpected EOF"},
		{"a misspelt key", `{"max_score": 10, "discard_bellow": 5}`, "", `parse rubric: json: unknown field "discard_bellow"`},
		{"a misspelt criterion key", `{"criteria": [{"name": "business", "maximum": 4}]}`, "", `unknown field "maximum"`},
		{"two objects", `{"max_score": 10} {"max_score": 5}`, "", "more after the rubric's closing brace at byte 17"},
		{"a list, not an object", `[{"name": "business", "max": 4}]`, "", "parse rubric: json: cannot unmarshal array"},
		{"max_score as text", `{"max_score": "10"}`, "", "max_score"},
		{"a criterion's max as text", `{"criteria": [{"name": "business", "max": "4"}]}`, "", "criteria.max"},
		{"threshold as text", `{"max_score": 10, "discard_below": "five"}`, "", "discard_below"},
		{"negative max_score", `{"max_score": -10}`, "max_score", "positive"},
		{"criterion without a name", `{"criteria": [{"name": "business", "max": 4}, {"max": 3}]}`, "criteria[1].name", "empty"},
		{"duplicate criterion", `{"criteria": [{"name": "business", "max": 4}, {"name": "business", "max": 3}]}`,
			"criteria[1].name", "duplicate criterion business"},
		{"criterion without a maximum", `{"criteria": [{"name": "business"}]}`, "criteria[0].max", "must be positive"},
		{"threshold above the scale", `{"max_score": 10, "discard_below": 12}`, "discard_below", "12 is outside the score scale 0..10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRubric([]byte(tc.data))
			if tc.field != "" {
				wantFieldError(t, err, tc.field, tc.part)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.part) {
				t.Fatalf("ParseRubric(%s) = %v, want an error containing %q", tc.data, err, tc.part)
			}
			if !strings.HasPrefix(err.Error(), "parse rubric: ") {
				t.Fatalf("error %q does not say what failed", err)
			}
		})
	}
}

func TestRubricCheck(t *testing.T) {
	item := func(score float64, scores map[string]float64) *Item {
		return &Item{ID: "7000000000001", Summary: "s", Score: score, MaxScore: 10, Scores: scores}
	}
	full := map[string]float64{"business": 4, "third_person": 3, "relevance": 3}
	tests := []struct {
		name        string
		rubric      Rubric
		item        *Item
		field, part string
	}{
		{"at every maximum", tenPoints(), item(10, full), "", ""},
		{"below the maxima", tenPoints(), item(5.5, map[string]float64{"business": 2.5, "relevance": 3}), "", ""},
		{"no criteria", tenPoints(), item(7, nil), "", ""},
		{"total above max_score", tenPoints(), item(10.5, nil), "score", "total 10.5 is above the rubric's max_score 10"},
		{"criterion just above its maximum", tenPoints(), item(9, map[string]float64{"business": math.Nextafter(4, 5)}),
			"scores.business", "is above the criterion's maximum 4"},
		{"criterion above its maximum", tenPoints(), item(9, map[string]float64{"relevance": 3, "third_person": 5}),
			"scores.third_person", "5 is above the criterion's maximum 3"},
		{"unknown criterion", tenPoints(), item(9, map[string]float64{"business": 4, "tone": 1}), "scores.tone",
			"criterion is not in the rubric"},
		{"unknown criteria are named in sorted order", tenPoints(), item(9, map[string]float64{"zeal": 1, "accuracy": 1}),
			"scores.accuracy", "not in the rubric"},
		{"an unknown total scale checks only criteria", func() Rubric { r := tenPoints(); r.MaxScore = 0; return r }(),
			item(99, full), "", ""},
		{"a rubric inferred from data enforces nothing", Rubric{MaxScore: 10, Criteria: []Criterion{{Name: "business", Max: 4}}},
			item(12, map[string]float64{"business": 9, "tone": 1}), "", ""},
		// Finite, non-negative points are Item.Validate's promise, which every reader checks before the rubric
		// sees an item: a NaN is not above any maximum.
		{"NaN is left to Item.Validate", tenPoints(), item(math.NaN(), map[string]float64{"business": math.NaN()}), "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantFieldError(t, tc.rubric.Check(tc.item), tc.field, tc.part)
		})
	}
	t.Run("NaN and negative points are refused by Item.Validate", func(t *testing.T) {
		for field, it := range map[string]*Item{
			"score":            item(math.NaN(), nil),
			"scores.business":  item(5, map[string]float64{"business": math.NaN()}),
			"scores.relevance": item(5, map[string]float64{"relevance": -1}),
		} {
			var fe *FieldError
			if err := it.Validate(); !errors.As(err, &fe) || fe.Field != field {
				t.Errorf("Validate(%v) = %v, want an error on %s", it.Scores, err, field)
			}
		}
	})
}

func TestRubricObserve(t *testing.T) {
	item := func(max float64, scores map[string]float64) *Item {
		return &Item{ID: "1", Summary: "s", MaxScore: max, Scores: scores}
	}
	tests := []struct {
		name    string
		start   Rubric
		item    *Item
		want    Rubric
		changed bool
	}{
		{"first item sets the scale and criteria", Rubric{}, item(10, map[string]float64{"relevance": 2, "business": 3.2}),
			Rubric{MaxScore: 10, Criteria: []Criterion{{Name: "business", Max: 4}, {Name: "relevance", Max: 2}}}, true},
		{"zero and small points give a maximum of at least 1", Rubric{}, item(0, map[string]float64{"a": 0, "b": 0.3}),
			Rubric{Criteria: []Criterion{{Name: "a", Max: 1}, {Name: "b", Max: 1}}}, true},
		{"higher points widen a criterion to the next whole number",
			Rubric{MaxScore: 10, Criteria: []Criterion{{Name: "business", Max: 3}}}, item(10, map[string]float64{"business": 3.5}),
			Rubric{MaxScore: 10, Criteria: []Criterion{{Name: "business", Max: 4}}}, true},
		{"points at the maximum change nothing",
			Rubric{MaxScore: 10, Criteria: []Criterion{{Name: "business", Max: 4}}}, item(10, map[string]float64{"business": 4}),
			Rubric{MaxScore: 10, Criteria: []Criterion{{Name: "business", Max: 4}}}, false},
		{"lower points never narrow",
			Rubric{MaxScore: 10, Criteria: []Criterion{{Name: "business", Max: 4}}}, item(10, map[string]float64{"business": 1}),
			Rubric{MaxScore: 10, Criteria: []Criterion{{Name: "business", Max: 4}}}, false},
		{"a known scale is not replaced by another item's",
			Rubric{MaxScore: 10}, item(20, nil), Rubric{MaxScore: 10}, false},
		{"an item without a scale leaves it unknown", Rubric{}, item(0, nil), Rubric{}, false},
		{"a new criterion is appended after the known ones",
			Rubric{MaxScore: 10, Criteria: []Criterion{{Name: "relevance", Max: 3}}}, item(10, map[string]float64{"business": 2}),
			Rubric{MaxScore: 10, Criteria: []Criterion{{Name: "relevance", Max: 3}, {Name: "business", Max: 2}}}, true},
		{"a configured rubric never changes", tenPoints(), item(20, map[string]float64{"business": 9, "tone": 2}), tenPoints(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.start
			if got := r.Observe(tc.item); got != tc.changed {
				t.Errorf("Observe changed = %v, want %v", got, tc.changed)
			}
			if !reflect.DeepEqual(r, tc.want) {
				t.Errorf("rubric = %+v, want %+v", r, tc.want)
			}
		})
	}
	t.Run("what it infers validates", func(t *testing.T) {
		var r Rubric
		for _, it := range []*Item{item(10, map[string]float64{"business": 0}), item(10, map[string]float64{"business": 2.5, "tone": 0})} {
			r.Observe(it)
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("inferred %+v: %v", r, err)
		}
		if err := r.Check(item(10, map[string]float64{"business": 99})); err != nil {
			t.Fatalf("an inferred rubric refused an item: %v", err)
		}
	})
}

func TestRubricDiscards(t *testing.T) {
	tests := []struct {
		name      string
		threshold *float64
		score     float64
		want      bool
	}{
		{"no threshold keeps a zero", nil, 0, false},
		{"exactly at the threshold is reviewed", threshold(5), 5, false},
		{"just below the threshold is discarded", threshold(5), math.Nextafter(5, 0), true},
		{"a point below", threshold(5), 4, true},
		{"above", threshold(5), 5.5, false},
		{"fractional threshold, exactly at it", threshold(4.5), 4.5, false},
		{"fractional threshold, just below", threshold(4.5), 4.49, true},
		{"a zero threshold discards nothing", threshold(0), 0, false},
		{"a threshold at the top keeps only full marks", threshold(10), 10, false},
		{"a threshold at the top discards 9.99", threshold(10), 9.99, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Rubric{MaxScore: 10, DiscardBelow: tc.threshold}
			if got := r.Discards(tc.score); got != tc.want {
				t.Fatalf("Discards(%v) below %v = %v, want %v", tc.score, tc.threshold, got, tc.want)
			}
		})
	}
}

func TestRubricCriterion(t *testing.T) {
	r := tenPoints()
	if c, ok := r.Criterion("third_person"); !ok || c != (Criterion{Name: "third_person", Max: 3}) {
		t.Fatalf("Criterion(third_person) = %+v, %v", c, ok)
	}
	for _, name := range []string{"", "Business", "tone"} {
		if c, ok := r.Criterion(name); ok || c != (Criterion{}) {
			t.Errorf("Criterion(%q) = %+v, %v; want none", name, c, ok)
		}
	}
}

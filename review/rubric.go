package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// Criterion is one line of the judge's rubric.
type Criterion struct {
	Name        string  `json:"name"`
	Max         float64 `json:"max"`
	Description string  `json:"description,omitempty"`
}

// Rubric is the judge's scoring scheme and the thresholds that route items: items scored below DiscardBelow are
// auto-discarded (recorded as a decision by "auto", never deleted); items at or above it are reviewed.
type Rubric struct {
	Criteria     []Criterion `json:"criteria"`
	MaxScore     float64     `json:"max_score"`
	DiscardBelow *float64    `json:"discard_below,omitempty"`
	// Configured marks a rubric a supervisor set (a config file or the UI): its maxima are enforced on import.
	// A rubric inferred from the data widens as new data shows higher points.
	Configured bool `json:"configured,omitempty"`
}

// AutoReviewer is the reviewer name recorded on decisions made by a threshold, not a person.
const AutoReviewer = "auto"

// ParseRubric reads a rubric config file:
//
//	{"max_score": 10, "discard_below": 5, "criteria": [{"name": "business", "max": 4}, ...]}
//
// A key it does not know is an error: a misspelt "discard_below" would otherwise mean no threshold at all.
func ParseRubric(data []byte) (Rubric, error) {
	var r Rubric
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Rubric{}, fmt.Errorf("parse rubric: %w (the keys are max_score, discard_below and criteria, each with name, max and description)", err)
	}
	if end := dec.InputOffset(); dec.More() {
		return Rubric{}, fmt.Errorf("parse rubric: more after the rubric's closing brace at byte %d: one JSON object only", end)
	}
	r.Configured = true
	return r, r.Validate()
}

// Validate checks that maxima are positive and thresholds inside the scale.
func (r Rubric) Validate() error {
	if math.IsNaN(r.MaxScore) || r.MaxScore < 0 {
		return &FieldError{"max_score", "must be zero (unknown) or positive"}
	}
	seen := map[string]bool{}
	for i, c := range r.Criteria {
		if c.Name == "" {
			return &FieldError{fmt.Sprintf("criteria[%d].name", i), "empty"}
		}
		if seen[c.Name] {
			return &FieldError{fmt.Sprintf("criteria[%d].name", i), "duplicate criterion " + c.Name}
		}
		seen[c.Name] = true
		if math.IsNaN(c.Max) || c.Max <= 0 {
			return &FieldError{fmt.Sprintf("criteria[%d].max", i), "must be positive"}
		}
	}
	if r.DiscardBelow != nil {
		t := *r.DiscardBelow
		if math.IsNaN(t) || t < 0 || (r.MaxScore > 0 && t > r.MaxScore) {
			return &FieldError{"discard_below", fmt.Sprintf("%v is outside the score scale 0..%v", t, r.MaxScore)}
		}
	}
	return nil
}

// Discards reports whether the thresholds auto-discard an item with this total score.
func (r Rubric) Discards(score float64) bool {
	return r.DiscardBelow != nil && score < *r.DiscardBelow
}

// Criterion returns the named criterion.
func (r Rubric) Criterion(name string) (Criterion, bool) {
	for _, c := range r.Criteria {
		if c.Name == name {
			return c, true
		}
	}
	return Criterion{}, false
}

// Check refuses an item whose points exceed a configured rubric's maxima.
func (r Rubric) Check(it *Item) error {
	if !r.Configured {
		return nil
	}
	if r.MaxScore > 0 && it.Score > r.MaxScore {
		return &FieldError{"score", fmt.Sprintf("total %v is above the rubric's max_score %v", it.Score, r.MaxScore)}
	}
	for _, name := range it.Criteria() {
		c, ok := r.Criterion(name)
		if !ok {
			return &FieldError{"scores." + name, "criterion is not in the rubric; add it to the rubric file or map the column"}
		}
		if v := it.Scores[name]; v > c.Max {
			return &FieldError{"scores." + name, fmt.Sprintf("%v is above the criterion's maximum %v", v, c.Max)}
		}
	}
	return nil
}

// Observe widens the rubric with what an item shows: criteria not configured are added with the highest points
// seen, and an unknown total maximum is taken from the item. A configured rubric is never narrowed.
func (r *Rubric) Observe(it *Item) bool {
	if r.Configured {
		return false
	}
	changed := false
	if r.MaxScore == 0 && it.MaxScore > 0 {
		r.MaxScore = it.MaxScore
		changed = true
	}
	for _, name := range it.Criteria() {
		v := it.Scores[name]
		j := slices.IndexFunc(r.Criteria, func(c Criterion) bool { return c.Name == name })
		switch {
		case j < 0:
			r.Criteria = append(r.Criteria, Criterion{Name: name, Max: math.Max(1, math.Ceil(v))})
			changed = true
		case v > r.Criteria[j].Max:
			r.Criteria[j].Max = math.Ceil(v)
			changed = true
		}
	}
	return changed
}

// BandWidth is the width of one judge-score band on a scale with this maximum: one point on small integer scales
// (the usual 0..10 rubric), a tenth of the scale otherwise.
func BandWidth(max float64) float64 {
	if max <= 20 {
		return 1
	}
	return max / 10
}

// Band returns the index of the score band that score falls in; bands start at 0.
func Band(score, max float64) int {
	return int(math.Floor(score / BandWidth(max)))
}

// BandRange returns the scores [lo, hi) that band b covers.
func BandRange(b int, max float64) (lo, hi float64) {
	w := BandWidth(max)
	return float64(b) * w, float64(b+1) * w
}

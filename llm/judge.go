package llm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"reviewdesk/review"
)

// judgeAnswer is what the judge template asks for. Models wrap it in code fences or chat around it, so the parser
// looks for the first JSON object that decodes, and then holds the content to the rubric.
type judgeAnswer struct {
	Scores    map[string]json.RawMessage `json:"scores"`
	Rationale json.RawMessage            `json:"rationale"`
}

// parseJudge reads the judge's answer: every criterion of the rubric must have a score within 0..its max, and no
// other names may appear. Any other answer is an error that says what was wrong, with the start of the answer.
func parseJudge(answer string, rubric review.Rubric) (review.Rescore, error) {
	obj, ok := firstObject(answer)
	if !ok {
		return review.Rescore{}, fmt.Errorf("no JSON object in the answer %s", excerpt(answer))
	}
	var a judgeAnswer
	if err := json.Unmarshal(obj, &a); err != nil || a.Scores == nil {
		// A model that drops the "scores" wrapper still names the criteria at the top level.
		var flat map[string]json.RawMessage
		if json.Unmarshal(obj, &flat) != nil {
			return review.Rescore{}, fmt.Errorf("the answer's JSON is not an object with \"scores\" %s", excerpt(answer))
		}
		a.Rationale = flat["rationale"]
		delete(flat, "rationale")
		delete(flat, "total")
		a.Scores = flat
	}
	r := review.Rescore{Scores: make(map[string]float64, len(rubric.Criteria)), Max: rubricMax(rubric)}
	if len(a.Rationale) > 0 {
		// A rationale that is not a string is kept as its JSON, better than losing it.
		if json.Unmarshal(a.Rationale, &r.Rationale) != nil {
			r.Rationale = string(a.Rationale)
		}
	}
	byName := make(map[string]review.Criterion, len(rubric.Criteria))
	for _, c := range rubric.Criteria {
		byName[normName(c.Name)] = c
	}
	var unknown []string
	for name, raw := range a.Scores {
		c, ok := byName[normName(name)]
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		v, err := points(raw)
		if err != nil {
			return review.Rescore{}, fmt.Errorf("score for %q: %w", c.Name, err)
		}
		if v < 0 || v > c.Max {
			return review.Rescore{}, fmt.Errorf("score %v for %q is outside 0..%v", v, c.Name, c.Max)
		}
		if _, dup := r.Scores[c.Name]; dup {
			return review.Rescore{}, fmt.Errorf("criterion %q is scored twice", c.Name)
		}
		r.Scores[c.Name] = v
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return review.Rescore{}, fmt.Errorf("unknown criteria %q; the rubric has %q", unknown, criterionNames(rubric))
	}
	var missing []string
	for _, c := range rubric.Criteria {
		if _, ok := r.Scores[c.Name]; !ok {
			missing = append(missing, c.Name)
			continue
		}
		r.Total += r.Scores[c.Name]
	}
	if len(missing) > 0 {
		return review.Rescore{}, fmt.Errorf("no score for criteria %q %s", missing, excerpt(answer))
	}
	return r, nil
}

// firstObject returns the first {...} in s that decodes as JSON; json.Decoder stops after one value, so text after
// the object does not matter.
func firstObject(s string) (json.RawMessage, bool) {
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '{')
		if j < 0 {
			return nil, false
		}
		i += j
		var raw json.RawMessage
		if json.NewDecoder(strings.NewReader(s[i:])).Decode(&raw) == nil && bytes.HasPrefix(raw, []byte("{")) {
			return raw, true
		}
		i++
	}
	return nil, false
}

func points(raw json.RawMessage) (float64, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case float64:
		return x, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("%q is not a number", x)
		}
		return f, nil
	}
	return 0, fmt.Errorf("%s is not a number", raw)
}

func normName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func criterionNames(r review.Rubric) []string {
	names := make([]string, len(r.Criteria))
	for i, c := range r.Criteria {
		names[i] = c.Name
	}
	return names
}

// excerpt quotes the start of a model's answer for an error message.
func excerpt(s string) string {
	const n = 160
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		s, _ = truncateRunes(s, n)
		s += "…"
	}
	return fmt.Sprintf("(answer: %q)", s)
}

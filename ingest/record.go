package ingest

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"reviewdesk/review"
)

// builder assembles one record from values that arrive column by column (or key by key), whatever the format.
type builder struct {
	it   review.Item
	prio [numFields]int8   // priority of the value a field holds; 0 = none yet
	from [numFields]string // the column that value came from
	// critCols are the criteria set by their own columns; a scores object in the same record does not override
	// them.
	critCols []string
	problem  *RecordError
	pos      Position
}

func (b *builder) reset(pos Position) {
	b.it = review.Item{}
	b.prio = [numFields]int8{}
	b.from = [numFields]string{}
	b.critCols = b.critCols[:0]
	b.problem = nil
	b.pos = pos
}

func (b *builder) fail(f, problem string) {
	if b.problem == nil {
		b.problem = &RecordError{Pos: b.pos, Field: f, Problem: problem}
	}
}

// claim reports whether a value for t from column name should be stored, given what the record already holds.
// A value it displaces (an alias's, when the canonical column comes later) is kept in Meta.
func (b *builder) claim(t target, name string) bool {
	if t.field < 0 || t.field >= numFields {
		return true
	}
	cur := b.prio[t.field]
	if t.prio < cur {
		return false
	}
	if cur > 0 && t.prio > cur && b.from[t.field] != "" && b.from[t.field] != name {
		b.setMeta(b.from[t.field], b.value(t.field))
	}
	b.prio[t.field] = t.prio
	b.from[t.field] = name
	return true
}

// value returns what the item holds for a field, for demoting it to Meta.
func (b *builder) value(f field) any {
	switch f {
	case fID:
		return b.it.ID
	case fCompany:
		return b.it.Company
	case fSource:
		return b.it.Source
	case fSummary:
		return b.it.Summary
	case fScore:
		return b.it.Score
	case fMaxScore:
		return b.it.MaxScore
	case fGenerator:
		return b.it.Generator
	case fJudge:
		return b.it.Judge
	case fPromptVersion:
		return b.it.PromptVersion
	case fBatch:
		return b.it.Batch
	case fScores:
		return b.it.Scores
	}
	return nil
}

func (b *builder) setMeta(name string, v any) {
	if b.it.Meta == nil {
		b.it.Meta = make(map[string]any, 4)
	}
	b.it.Meta[name] = v
}

// demote keeps a value that lost to a better source for its field in Meta, under its column name.
func (b *builder) demote(t target, name string, v any) {
	if name != "" {
		b.setMeta(name, v)
	}
}

// text stores a string value. name is the column it came from, for Meta.
func (b *builder) text(t target, name, s string) {
	for _, extra := range t.also {
		b.text(extra, name, s)
	}
	if !b.claim(t, name) {
		b.demote(t, name, s)
		return
	}
	switch t.field {
	case fID:
		b.it.ID = s
	case fCompany:
		b.it.Company = s
	case fSource:
		b.it.Source = s
	case fSummary:
		b.it.Summary = s
	case fGenerator:
		b.it.Generator = s
	case fJudge:
		b.it.Judge = s
	case fPromptVersion:
		b.it.PromptVersion = s
	case fBatch:
		b.it.Batch = s
	case fScore, fMaxScore, fCriterion:
		trimmed := strings.TrimSpace(s)
		if trimmed == "" {
			b.unset(t)
			return
		}
		v, err := strconv.ParseFloat(trimmed, 64)
		if err != nil {
			b.fail(t.label(), fmt.Sprintf("not a number: %q", clip(s)))
			return
		}
		b.num(target{field: t.field, crit: t.crit, prio: t.prio}, name, v, trimmed)
	case fScores:
		if strings.TrimSpace(s) == "" {
			b.unset(t)
			return
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			b.fail("scores", "not a JSON object of criterion to points: "+clip(s))
			return
		}
		for k, v := range m {
			switch x := v.(type) {
			case float64:
				b.scoresEntry(k, x)
			case string:
				f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
				if err != nil {
					b.fail("scores."+k, fmt.Sprintf("not a number: %q", clip(x)))
					return
				}
				b.scoresEntry(k, f)
			case nil:
			default:
				b.fail("scores."+k, "not a number")
				return
			}
		}
	case fMeta:
		if strings.TrimSpace(s) == "" {
			return
		}
		var m map[string]any
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			b.fail("meta", "not a JSON object: "+clip(s))
			return
		}
		for k, v := range m {
			b.setMeta(k, v)
		}
	case fExtra:
		b.setMeta(t.name, s)
	}
}

// unset forgets a claim made for an empty value, so that an empty CSV cell counts as missing.
func (b *builder) unset(t target) {
	if t.field >= 0 && t.field < numFields {
		b.prio[t.field] = 0
		b.from[t.field] = ""
	}
}

// num stores a numeric value; raw is its exact text, used where a number lands in a text field (an id).
func (b *builder) num(t target, name string, v float64, raw string) {
	for _, extra := range t.also {
		b.num(extra, name, v, raw)
	}
	if t.field != fCriterion && !b.claim(t, name) {
		b.demote(t, name, json.Number(raw))
		return
	}
	switch t.field {
	case fScore:
		b.it.Score = v
	case fMaxScore:
		b.it.MaxScore = v
	case fCriterion:
		if b.it.Scores == nil {
			b.it.Scores = make(map[string]float64, 4)
		}
		b.it.Scores[t.crit] = v
		b.critCols = append(b.critCols, t.crit)
	case fExtra:
		b.setMeta(t.name, json.Number(raw))
	case fScores, fMeta:
		b.fail(t.field.String(), "a number where an object was expected")
	default:
		b.text(target{field: t.field, prio: t.prio}, name, raw)
	}
}

// scoresEntry stores one entry of a scores object unless the criterion's own column already set it.
func (b *builder) scoresEntry(crit string, v float64) {
	for _, c := range b.critCols {
		if c == crit {
			return
		}
	}
	if b.it.Scores == nil {
		b.it.Scores = make(map[string]float64, 4)
	}
	b.it.Scores[crit] = v
}

func (t target) label() string {
	if t.field == fCriterion {
		return "scores." + t.crit
	}
	if t.field == fExtra {
		return t.name
	}
	return t.field.String()
}

// finish checks that the required fields are there and validates the item.
func (b *builder) finish() (review.Item, error) {
	if err := b.check(); err != nil {
		err.ID = b.knownID()
		return review.Item{}, err
	}
	return b.it, nil
}

// knownID is the record's id if it has been read, else "".
func (b *builder) knownID() string {
	if b.prio[fID] == 0 {
		return ""
	}
	return b.it.ID
}

func (b *builder) check() *RecordError {
	if b.problem != nil {
		return b.problem
	}
	if b.prio[fID] == 0 {
		return &RecordError{Pos: b.pos, Field: "id", Problem: "missing; every record needs an id"}
	}
	if b.prio[fSummary] == 0 {
		return &RecordError{Pos: b.pos, Field: "summary", Problem: "missing"}
	}
	if b.prio[fScore] == 0 {
		return &RecordError{Pos: b.pos, Field: "score", Problem: "missing; the judge's total score is required"}
	}
	if err := b.it.Validate(); err != nil {
		return recordError(b.pos, err)
	}
	return nil
}

// clip shortens a bad value for an error message.
func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// formatFloat renders a number from a typed column as text for an id or a text field: integers without an
// exponent, so that a corporate number stored as a double keeps all 13 digits.
func formatFloat(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e21 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

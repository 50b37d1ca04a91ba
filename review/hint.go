package review

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Severity ranks hints: high is almost always a defect, low is worth a look.
type Severity string

const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

// Hint is a span of a summary that a rule flags.
type Hint struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Start and End are rune offsets into the summary, End exclusive.
	Start int `json:"start"`
	End   int `json:"end"`
	// Start16 and End16 are the same span in UTF-16 code units, as JavaScript strings index.
	Start16 int     `json:"start16"`
	End16   int     `json:"end16"`
	Text    string  `json:"text"`
	Message Message `json:"message"`
	// Reason is the reason code the hint suggests when the reviewer rejects.
	Reason string `json:"reason"`
}

// RuleSet is a versioned set of hint rules. The version is a hash of the rules' definition, so every decision can
// record exactly which rules its reviewer was shown.
type RuleSet struct {
	Version string
	rules   []rule
}

type rule struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Reason   string   `json:"reason"`
	Message  Message  `json:"message"`
	Words    []string `json:"words"`
}

type ruleFile struct {
	Rules []rule `json:"rules"`
}

// ParseRules reads a rules file.
func ParseRules(data []byte) (*RuleSet, error) {
	var f ruleFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse rules: %w", err)
	}
	sum := sha256.Sum256(data)
	return &RuleSet{Version: hex.EncodeToString(sum[:6]), rules: f.Rules}, nil
}

// DefaultRules returns the embedded default rule set.
func DefaultRules() *RuleSet {
	rs, err := ParseRules(defaultRules)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return rs
}

var defaultRules = []byte(`{"rules":[{"id":"first_person","severity":"high","reason":"first_person",
"message":{"ja":"一人称の表現です。会社概要は三人称で書きます。","en":"First person: a company profile is written in the third person."},
"words":["我々","私たち","わたしたち","弊社","当社","我が社","わが社","当グループ","we","our","us","ours"]}]}`)

// RuleIDs lists the rules in the set.
func (rs *RuleSet) RuleIDs() []string {
	ids := make([]string, len(rs.rules))
	for i, r := range rs.rules {
		ids[i] = r.ID
	}
	return ids
}

// Check runs every rule over a summary, with its source text for the rules that compare against it. Hints come
// back ordered by position.
func (rs *RuleSet) Check(summary, source string) []Hint {
	var hints []Hint
	lower := strings.ToLower(summary)
	for _, r := range rs.rules {
		for _, w := range r.Words {
			w = strings.ToLower(w)
			for off := 0; ; {
				i := strings.Index(lower[off:], w)
				if i < 0 {
					break
				}
				s, e := off+i, off+i+len(w)
				off = e
				if isWordChar(w) && !(wordBoundary(lower, s-1, true) && wordBoundary(lower, e, false)) {
					continue
				}
				hints = append(hints, Hint{Rule: r.ID, Severity: r.Severity, Text: summary[s:e], Message: r.Message,
					Reason: r.Reason, Start: s, End: e})
			}
		}
	}
	sort.Slice(hints, func(i, j int) bool { return hints[i].Start < hints[j].Start })
	SetOffsets(summary, hints)
	return hints
}

func isWordChar(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return r < utf8.RuneSelf && unicode.IsLetter(r)
}

func wordBoundary(s string, i int, before bool) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	var r rune
	if before {
		r, _ = utf8.DecodeLastRuneInString(s[:i+1])
	} else {
		r, _ = utf8.DecodeRuneInString(s[i:])
	}
	return !(unicode.IsLetter(r) || unicode.IsDigit(r))
}

// SetOffsets turns hints whose Start and End are byte offsets into summary into rune and UTF-16 offsets.
// Hints must be sorted by Start.
func SetOffsets(summary string, hints []Hint) {
	type mark struct {
		byteOff int
		rune16  *int
		rune    *int
	}
	marks := make([]mark, 0, 2*len(hints))
	for i := range hints {
		h := &hints[i]
		marks = append(marks, mark{h.Start, &h.Start16, &h.Start}, mark{h.End, &h.End16, &h.End})
	}
	sort.SliceStable(marks, func(i, j int) bool { return marks[i].byteOff < marks[j].byteOff })
	runes, units, b := 0, 0, 0
	for _, m := range marks {
		for b < m.byteOff && b < len(summary) {
			r, n := utf8.DecodeRuneInString(summary[b:])
			b += n
			runes++
			units++
			if r >= 0x10000 {
				units++
			}
		}
		*m.rune, *m.rune16 = runes, units
	}
}

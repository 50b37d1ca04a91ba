package review

import (
	"bytes"
	_ "embed"
	"slices"
	"strings"
	"sync"
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
	Start16 int    `json:"start16"`
	End16   int    `json:"end16"`
	Text    string `json:"text"`
	// Message says what is wrong, in both UI languages.
	Message Message `json:"message"`
	// Reason is the reason code the hint suggests when the reviewer rejects or edits; always one of DefaultReasons.
	Reason string `json:"reason"`
}

// RuleSet is a versioned set of hint rules. The version is a hash of the rules file and the engine revision, so
// every decision can record exactly which rules its reviewer was shown. A RuleSet is immutable and safe for
// concurrent use; build it once and share it.
type RuleSet struct {
	Version string
	rules   []compiledRule
	m       *matcher
	uses    [][]use // per matcher pattern
	bounds  []uint8 // per matcher pattern
	groups  int32
	file    []byte
	pool    *sync.Pool // of *scratch
}

//go:embed rules.json
var defaultRulesFile []byte

// DefaultRulesFile returns the embedded default rules file, the starting point for a supervisor's own.
func DefaultRulesFile() []byte { return bytes.Clone(defaultRulesFile) }

// DefaultRules returns the embedded default rule set. Each call compiles it anew (a few milliseconds); callers keep
// the result.
func DefaultRules() *RuleSet {
	rs, err := ParseRules(defaultRulesFile)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return rs
}

// RuleIDs lists the rules in the set, in file order.
func (rs *RuleSet) RuleIDs() []string {
	ids := make([]string, len(rs.rules))
	for i, r := range rs.rules {
		ids[i] = r.ID
	}
	return ids
}

// Rules describes the rules in the set, in file order.
func (rs *RuleSet) Rules() []RuleInfo {
	infos := make([]RuleInfo, len(rs.rules))
	for i, r := range rs.rules {
		infos[i] = r.RuleInfo
	}
	return infos
}

// File returns the rules file the set was parsed from.
func (rs *RuleSet) File() []byte { return bytes.Clone(rs.file) }

// cand is a match in the folded summary (or source), by byte span.
type cand struct {
	s, e  int32
	rule  int32
	group int32
	kind  useKind
}

// scratch is the per-call working memory of Check, pooled so that checking millions of items does not churn the
// garbage collector.
type scratch struct {
	sum, src folder
	cands    []cand
	hits     []cand
	srcCands []cand
	present  []uint64 // support groups found in the source
	nums     []float64

	source                            string
	srcText                           string
	srcFolded, srcScanned, srcNumbers bool
}

// Check runs every rule over a summary, with its source text for the rules that compare against it. Hints come
// back ordered by position; a summary with no hints gets an empty, non-nil slice.
func (rs *RuleSet) Check(summary, source string) []Hint {
	sc := rs.pool.Get().(*scratch)
	defer rs.pool.Put(sc)
	sc.source, sc.srcFolded, sc.srcScanned, sc.srcNumbers = source, false, false, false

	view := sc.sum.fold(summary, false, true)
	text := view.text
	sc.cands = sc.cands[:0]
	rs.m.scan(text, func(p int32, s, e int) {
		for _, u := range rs.uses[p] {
			switch u.kind {
			case useWord, usePlace:
				if boundaryOK(text, s, e, rs.bounds[p]) {
					sc.cands = append(sc.cands, cand{int32(s), int32(e), u.rule, u.group, u.kind})
				}
			case useException:
				sc.cands = append(sc.cands, cand{int32(s), int32(e), u.rule, -1, useException})
			case useExact:
				if text[s:e] == u.exact {
					sc.cands = append(sc.cands, cand{int32(s), int32(e), u.rule, -1, useException})
				}
			}
		}
	})
	for ri := range rs.rules {
		r := &rs.rules[ri]
		for k, re := range r.patterns {
			if r.prefixes[k] != "" && !strings.Contains(text, r.prefixes[k]) {
				continue
			}
			for _, loc := range re.FindAllStringIndex(text, -1) {
				sc.cands = append(sc.cands, cand{int32(loc[0]), int32(loc[1]), int32(ri), -1, useWord})
			}
		}
	}
	sc.hits = leftmostLongest(sc.cands, sc.hits[:0])

	// Claims the source makes itself are not flagged: a superlative it states, a place it names.
	kept := sc.hits[:0]
	for _, h := range sc.hits {
		if h.group >= 0 && (h.kind == usePlace || rs.rules[h.rule].unlessInSource) && sc.sourceHas(rs, h.group) {
			continue
		}
		kept = append(kept, h)
	}
	sc.hits = kept

	words := len(sc.hits)
	for ri := range rs.rules {
		r := &rs.rules[ri]
		switch {
		case r.numbers:
			for i := 0; ; {
				n, ok := nextNumber(text, i)
				if !ok {
					break
				}
				i = n.e
				if !coveredByWord(sc.hits[:words], n.s, n.e) && !sc.sourceHasNumber(n) {
					e := n.e
					for _, u := range r.units {
						if strings.HasPrefix(text[e:], u) {
							e += len(u)
							break
						}
					}
					if n.vals[0] == 1 && perUnit(text[e:]) {
						continue // the 1 of 1日あたり is a denominator, not a claim
					}
					sc.hits = append(sc.hits, cand{int32(n.s), int32(e), int32(ri), -1, useWord})
				}
			}
		case r.Kind == KindStyle:
			r.styleHits(text, func(s, e int) {
				sc.hits = append(sc.hits, cand{int32(s), int32(e), int32(ri), -1, useWord})
			})
		}
	}

	hints := make([]Hint, 0, len(sc.hits))
	for _, h := range sc.hits {
		s, e := view.orig(int(h.s), int(h.e))
		r := &rs.rules[h.rule]
		hints = append(hints, Hint{Rule: r.ID, Severity: r.Severity, Start: s, End: e, Text: summary[s:e],
			Message: r.Message, Reason: r.Reason})
	}
	slices.SortFunc(hints, func(a, b Hint) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return a.End - b.End
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	SetOffsets(summary, hints)
	return hints
}

func perUnit(rest string) bool {
	for _, p := range [...]string{"あたり", "当たり", "につき", "ごと", "毎"} {
		if strings.HasPrefix(rest, p) {
			return true
		}
	}
	return false
}

// leftmostLongest drops, per rule, the matches that overlap one of the rule's exceptions, then keeps the leftmost,
// longest of overlapping matches: 東京都 is one place, not 東京 and 京都.
func leftmostLongest(cands, out []cand) []cand {
	slices.SortFunc(cands, func(a, b cand) int {
		if a.rule != b.rule {
			return int(a.rule - b.rule)
		}
		if a.s != b.s {
			return int(a.s - b.s)
		}
		return int(b.e - a.e)
	})
	for i := 0; i < len(cands); {
		j := i
		for j < len(cands) && cands[j].rule == cands[i].rule {
			j++
		}
		group := cands[i:j]
		end := int32(-1)
		for _, c := range group {
			if c.kind == useException || c.s < end || overlapsException(group, c) {
				continue
			}
			out = append(out, c)
			end = c.e
		}
		i = j
	}
	return out
}

func overlapsException(group []cand, c cand) bool {
	for _, x := range group {
		if x.s >= c.e {
			break
		}
		if x.kind == useException && x.e > c.s {
			return true
		}
	}
	return false
}

// coveredByWord reports whether a number lies inside a word hit (the 1 of No.1, the 20 of 20XX): the reviewer sees
// that hint already.
func coveredByWord(hits []cand, s, e int) bool {
	for _, h := range hits {
		if h.kind == useWord && int(h.s) < e && s < int(h.e) {
			return true
		}
	}
	return false
}

// sourceText returns the source folded and lower-cased, folding it on first use.
func (sc *scratch) sourceText() string {
	if !sc.srcFolded {
		sc.srcText = sc.src.fold(sc.source, true, false).text
		sc.srcFolded = true
	}
	return sc.srcText
}

// sourceHas reports whether the source contains a word or place of support group g, scanning it on first use.
func (sc *scratch) sourceHas(rs *RuleSet, g int32) bool {
	if !sc.srcScanned {
		sc.srcScanned = true
		text := sc.sourceText()
		words := int(rs.groups+63) / 64
		sc.present = slices.Grow(sc.present[:0], words)[:words]
		clear(sc.present)
		sc.srcCands = sc.srcCands[:0]
		rs.m.scan(text, func(p int32, s, e int) {
			for _, u := range rs.uses[p] {
				if u.group < 0 || !boundaryOK(text, s, e, rs.bounds[p]) {
					continue
				}
				switch u.kind {
				case useWord, useSynonym:
					sc.present[u.group/64] |= 1 << (u.group % 64)
				case usePlace:
					sc.srcCands = append(sc.srcCands, cand{int32(s), int32(e), u.rule, u.group, usePlace})
				}
			}
		})
		// Places only count as whole names: the 京都 inside 東京都 is not Kyoto.
		n := len(sc.srcCands)
		for _, c := range leftmostLongest(sc.srcCands, sc.srcCands[n:n]) {
			sc.present[c.group/64] |= 1 << (c.group % 64)
		}
	}
	return sc.present[g/64]&(1<<(g%64)) != 0
}

// sourceHasNumber reports whether the source states any of the values the number could mean.
func (sc *scratch) sourceHasNumber(n number) bool {
	if !sc.srcNumbers {
		sc.srcNumbers = true
		sc.nums = sourceNumbers(sc.sourceText(), sc.nums[:0])
	}
	for _, v := range n.vals[:n.n] {
		if slices.Contains(sc.nums, v) {
			return true
		}
	}
	return false
}

// SetOffsets turns hints whose Start and End are byte offsets into summary into rune and UTF-16 offsets, in one pass
// over the summary.
func SetOffsets(summary string, hints []Hint) {
	type mark struct {
		off int
		at  *Hint
		end bool
	}
	var buf [32]mark
	marks := buf[:0]
	for i := range hints {
		marks = append(marks, mark{hints[i].Start, &hints[i], false}, mark{hints[i].End, &hints[i], true})
	}
	slices.SortStableFunc(marks, func(a, b mark) int { return a.off - b.off })
	runes, units, b := 0, 0, 0
	for _, m := range marks {
		for b < m.off && b < len(summary) {
			r, n := utf8.DecodeRuneInString(summary[b:])
			b += n
			runes++
			units++
			if r >= 0x10000 {
				units++
			}
		}
		if m.end {
			m.at.End, m.at.End16 = runes, units
		} else {
			m.at.Start, m.at.Start16 = runes, units
		}
	}
}

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
	support []supportGroup
	file    []byte
	pool    *sync.Pool // of *scratch
}

//go:embed rules.json
var defaultRulesFile []byte

// DefaultRulesFile returns the embedded default rules file, the starting point for a supervisor's own.
func DefaultRulesFile() []byte { return bytes.Clone(defaultRulesFile) }

// DefaultRules returns the embedded default rule set. Each call compiles it anew (about 30 ms); callers keep
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
	co       folder // the company name
	names    []span32
	cands    []cand
	hits     []cand
	spans    []span32
	nums     []float64
	lookups  int // numbers looked up in this call
	// answers of sourceHas in this call: a summary names the same place more than once
	known []groupAnswer

	// The source is not scanned as a whole: each claim is looked up in it, first as the summary writes it, in the
	// source as it is; the folded forms are made only when that fails.
	source      string
	srcFolded   string // "" until made, and when it would be the source itself
	srcState    uint8
	srcVariants uint8
}

type span32 struct{ s, e int32 }

type groupAnswer struct {
	group int32
	has   bool
}

// srcState bits.
const (
	srcFoldDone = 1 << iota
	srcNumsDone
	srcVariantsDone
)

// Width variants a source may contain that NFKC changes into the characters of a support term.
const (
	wideASCII = 1 << iota // full-width Latin letters, digits and symbols (Ｔｏｋｙｏ, Ｎｏ．１)
	halfKana              // half-width katakana (ﾄｯﾌﾟｼｪｱ)
	compatHan             // CJK compatibility ideographs (U+F900..U+FAFF)
)

// widthVariants tells which variants text contains. All three live behind the lead byte EF, which Go finds fast.
func widthVariants(text string) uint8 {
	var v uint8
	for i := 0; ; {
		k := strings.IndexByte(text[i:], 0xEF)
		if k < 0 || i+k+2 >= len(text) {
			return v
		}
		i += k
		switch b1, b2 := text[i+1], text[i+2]; {
		case 0xA4 <= b1 && b1 <= 0xAB:
			v |= compatHan
		case b1 == 0xBC && b2 >= 0x81 && !(b2 == 0x88 || b2 == 0x89 || b2 == 0x9A || b2 == 0x81 || b2 == 0x9F || b2 == 0x8C):
			v |= wideASCII // not counting （）：！？， which no support term contains
		case b1 == 0xBD && b2 <= 0x9D: // not ～ either, common as a wave dash
			v |= wideASCII
		case b1 == 0xBD && b2 >= 0xA6 || b1 == 0xBE && b2 <= 0x9F:
			v |= halfKana
		}
		i++
	}
}

// sourceVariants returns widthVariants of the source, working it out on first use.
func (sc *scratch) sourceVariants() uint8 {
	if sc.srcState&srcVariantsDone == 0 {
		sc.srcState |= srcVariantsDone
		sc.srcVariants = widthVariants(sc.source)
	}
	return sc.srcVariants
}

// Check runs every rule over a summary, with its source text for the rules that compare against it. Hints come
// back ordered by position; a summary with no hints gets an empty, non-nil slice.
func (rs *RuleSet) Check(summary, source string) []Hint { return rs.check(summary, source, "") }

// CheckItem is Check on an item's summary and source that also knows the company's name (Item.Company): hits inside
// the name where the summary repeats it are not flagged (株式会社わたしたちの家, Our Table Inc.), except by rules
// with in_company_name (placeholders).
func (rs *RuleSet) CheckItem(it *Item) []Hint { return rs.check(it.Summary, it.Source, it.Company) }

func (rs *RuleSet) check(summary, source, company string) []Hint {
	sc := rs.pool.Get().(*scratch)
	defer rs.pool.Put(sc)
	sc.source, sc.srcFolded, sc.srcState, sc.known, sc.lookups = source, "", 0, sc.known[:0], 0

	view := sc.sum.fold(summary, false)
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
	sc.hits = leftmostLongest(sc.cands, sc.hits[:0], rs.m.maxLen)

	// Claims the source makes itself are not flagged: a superlative it states, a place it names. Without a source
	// there is nothing to check facts against, and flagging every number and place would only teach reviewers to
	// ignore the rule.
	noSource := strings.TrimSpace(source) == ""
	kept := sc.hits[:0]
	for _, h := range sc.hits {
		if h.kind == usePlace && noSource {
			continue
		}
		if h.group >= 0 && (h.kind == usePlace || rs.rules[h.rule].unlessInSource) && sc.sourceHas(rs, h.group) {
			continue
		}
		if r := &rs.rules[h.rule]; r.exceptionPatterns != nil && r.excepted(text, h) {
			continue
		}
		kept = append(kept, h)
	}
	sc.hits = kept

	// word hits as disjoint spans in order, so that numbers inside them are skipped in one sweep
	sc.spans = sc.spans[:0]
	for _, h := range sc.hits {
		if h.kind == useWord {
			sc.spans = append(sc.spans, span32{h.s, h.e})
		}
	}
	slices.SortFunc(sc.spans, func(a, b span32) int { return int(a.s - b.s) })
	for ri := range rs.rules {
		r := &rs.rules[ri]
		switch {
		case r.numbers && !noSource:
			covered := 0 // sc.spans before this one end before the current number
			for i := 0; ; {
				n, ok := nextNumber(text, i)
				if !ok {
					break
				}
				i = n.e
				// the 1 of No.1, the 20 of 20XX: the reviewer sees that hint already
				if sc.insideWordHit(n.s, n.e, &covered) || sc.sourceHasNumber(text, n) {
					continue
				}
				e := n.e
				for _, u := range r.units {
					if strings.HasPrefix(text[e:], u) {
						e += len(u)
						break
					}
				}
				if n.value == 1 && n.scaled == 0 && n.year == 0 && perUnit(text[e:]) {
					continue // the 1 of 1日あたり is a denominator, not a claim
				}
				sc.hits = append(sc.hits, cand{int32(n.s), int32(e), int32(ri), -1, useWord})
			}
			if len(r.kanjiUnits) == 0 {
				break
			}
			covered = 0
			for i := 0; ; {
				n, ok := nextKanjiClaim(text, i, r.kanjiUnits)
				if !ok {
					break
				}
				i = n.e
				if !sc.insideWordHit(n.s, n.e, &covered) && !sc.sourceHasNumber(text, n) {
					sc.hits = append(sc.hits, cand{int32(n.s), int32(n.e), int32(ri), -1, useWord})
				}
			}
		case r.Kind == KindStyle:
			r.styleHits(text, func(s, e int) {
				sc.hits = append(sc.hits, cand{int32(s), int32(e), int32(ri), -1, useWord})
			})
		}
	}

	if company != "" && len(sc.hits) > 0 {
		sc.dropInName(rs, text, company)
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
	if !view.invalid {
		setOffsetsValid(summary, hints)
	} else {
		SetOffsets(summary, hints)
	}
	return hints
}

// exceptionWindow is how far around a hit, in characters, exception patterns are tried: far enough for the phrase
// that makes a hit harmless (ホームページ…の制作, writes … press releases for clients), near enough that a summary
// full of hits costs a few short matches each rather than a pass over the whole text per hit.
const exceptionWindow = 32

// excepted reports whether one of the rule's exception patterns, matched in the text around hit h, overlaps it. A
// pattern with a group marks only the group's span: (!) in [a-z](!)\p{L} cancels the ! of Yahoo!ショッピング and
// nothing next to it. Each pattern is tried only as far around the hit as a match of it can reach, and only when
// that stretch holds the literal pieces every match needs.
func (r *compiledRule) excepted(text string, h cand) bool {
	for k := range r.exceptionPatterns {
		x := &r.exceptionPatterns[k]
		ws, we := int(h.s), int(h.e)
		for n := 0; n < x.maxLen && ws > 0; n++ {
			ws--
			for ws > 0 && text[ws]&0xC0 == 0x80 {
				ws--
			}
		}
		for n := 0; n < x.maxLen && we < len(text); n++ {
			we++
			for we < len(text) && text[we]&0xC0 == 0x80 {
				we++
			}
		}
		window := text[ws:we]
		if !holdsAll(window, x.req) {
			continue
		}
		hs, he := int(h.s)-ws, int(h.e)-ws
		overlaps := func(m []int, off int) bool {
			s, e := m[0], m[1]
			if len(m) >= 4 && m[2] >= 0 {
				s, e = m[2], m[3]
			}
			return s+off < he && hs < e+off
		}
		if x.anchored == nil {
			for _, m := range x.re.FindAllStringSubmatchIndex(window, -1) {
				if overlaps(m, 0) {
					return true
				}
			}
			continue
		}
		// A search without a literal prefix tries the pattern at every position; anchored at the few places where
		// a match can begin, each try is short.
		for _, start := range x.starts {
			for pos := 0; pos < he; pos++ {
				if pos = indexFoldASCII(window, start, pos); pos < 0 || pos >= he {
					break
				}
				if x.wordStart && pos > 0 && isWordByte(window[pos-1]) {
					continue
				}
				if m := x.anchored.FindStringSubmatchIndex(window[pos:]); m != nil && overlaps(m, pos) {
					return true
				}
			}
		}
	}
	return false
}

func isWordByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_'
}

// holdsAll reports whether text contains a string of every set (ignoring ASCII case).
func holdsAll(text string, sets [][]string) bool {
	for _, set := range sets {
		if !slices.ContainsFunc(set, func(s string) bool { return containsFoldASCII(text, s) }) {
			return false
		}
	}
	return true
}

// containsFoldASCII reports whether text contains the lower-case s, ignoring the case of ASCII letters in text. On the
// short stretches around a hit, strings.Contains beats indexAnchored, which is made for long sources.
func containsFoldASCII(text, s string) bool {
	if s == "" {
		return true
	}
	if hasLetter(s) {
		return indexFoldASCII(text, s, 0) >= 0
	}
	return strings.Contains(text, s)
}

// Legal forms around a company's name, which a summary may leave out when it repeats the name.
var legalForms = [...]string{
	"株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人", "公益社団法人", "一般財団法人", "公益財団法人",
	"社会福祉法人", "社会医療法人", "医療法人社団", "医療法人財団", "医療法人", "学校法人", "宗教法人", "特定非営利活動法人",
	"NPO法人", "農業協同組合", "協同組合", "有限責任事業組合", "(株)", "(有)", "(同)", "Co., Ltd.", "Co.,Ltd.", "Co. Ltd.",
	"Co., Ltd", "Ltd.", "Ltd", "Inc.", "Inc", "Corp.", "Corporation", "Co.", "K.K.", "KK", "LLC", "G.K.", "Limited",
}

// companyCore is the folded company name without the legal forms at either end: わたしたちの家 of
// 株式会社わたしたちの家, Our Table of Our Table Inc.
func companyCore(name string) string {
	for changed := true; changed; {
		changed = false
		name = strings.Trim(name, " ,・　")
		for _, f := range legalForms {
			if len(name) > len(f) && strings.HasPrefix(name, f) {
				name, changed = name[len(f):], true
			}
			if len(name) > len(f) && strings.HasSuffix(name, f) {
				name, changed = name[:len(name)-len(f)], true
			}
		}
	}
	return name
}

// dropInName drops the hits that lie inside the company's name, as the summary writes it in full or without its
// legal form, except those of rules that flag inside the name too (in_company_name). The name is given data, not a
// claim the generator made: 私たち in 株式会社私たちの畑 is no first person, 東京 in 東京ベイ食品 no place claim.
func (sc *scratch) dropInName(rs *RuleSet, text, company string) {
	full := strings.TrimSpace(sc.co.fold(company, false).text)
	core := companyCore(full)
	sc.names = sc.names[:0]
	for _, name := range [...]string{full, core} {
		if utf8.RuneCountInString(name) < 2 {
			continue
		}
		b := boundsOf(name)
		for off := 0; off < len(text); {
			i := strings.Index(text[off:], name)
			if i < 0 {
				break
			}
			s, e := off+i, off+i+len(name)
			if boundaryOK(text, s, e, b) {
				sc.names = append(sc.names, span32{int32(s), int32(e)})
			}
			off = e
		}
		if name == core {
			break
		}
	}
	if len(sc.names) == 0 {
		return
	}
	kept := sc.hits[:0]
	for _, h := range sc.hits {
		r := &rs.rules[h.rule]
		if !r.inCompanyName && r.Kind != KindStyle && slices.ContainsFunc(sc.names, func(n span32) bool { return n.s <= h.s && h.e <= n.e }) {
			continue
		}
		kept = append(kept, h)
	}
	sc.hits = kept
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
// Exceptions are never longer than maxLen, which bounds how far back one can overlap a match.
func leftmostLongest(cands, out []cand, maxLen int) []cand {
	// Matches arrive ordered by end offset, so within a rule they are nearly in (start, longest first) order already:
	// an insertion sort by rule, then start, then end, does little work. Long lists (a pathological summary) take
	// the general sort.
	if len(cands) > 64 {
		slices.SortFunc(cands, func(a, b cand) int {
			if candBefore(a, b) {
				return -1
			}
			if candBefore(b, a) {
				return 1
			}
			return 0
		})
	}
	for i := 1; i < len(cands); i++ {
		c := cands[i]
		j := i
		for j > 0 && candBefore(c, cands[j-1]) {
			cands[j] = cands[j-1]
			j--
		}
		cands[j] = c
	}
	for i := 0; i < len(cands); {
		j := i
		for j < len(cands) && cands[j].rule == cands[i].rule {
			j++
		}
		group := cands[i:j]
		end := int32(-1)
		lo := 0 // exceptions before lo end before every match still to come
		for _, c := range group {
			if c.kind == useException || c.s < end {
				continue
			}
			for lo < len(group) && (group[lo].kind != useException || int(group[lo].s)+maxLen <= int(c.s)) && group[lo].s < c.s {
				lo++
			}
			overlaps := false
			for _, x := range group[lo:] {
				if x.s >= c.e {
					break
				}
				if x.kind == useException && x.e > c.s {
					overlaps = true
					break
				}
			}
			if !overlaps {
				out = append(out, c)
				end = c.e
			}
		}
		i = j
	}
	return out
}

func candBefore(a, b cand) bool {
	if a.rule != b.rule {
		return a.rule < b.rule
	}
	if a.s != b.s {
		return a.s < b.s
	}
	return a.e > b.e
}

// foldedSource returns the source in NFKC form, or "" when that is the source itself.
func (sc *scratch) foldedSource() string {
	if sc.srcState&srcFoldDone == 0 {
		sc.srcState |= srcFoldDone
		if v := sc.src.fold(sc.source, false); v.text != sc.source {
			sc.srcFolded = v.text
		}
	}
	return sc.srcFolded
}

// sourceHas reports whether the source contains a term of support group g as a whole word or name.
func (sc *scratch) sourceHas(rs *RuleSet, g int32) bool {
	for _, k := range sc.known {
		if k.group == g {
			return k.has
		}
	}
	has := sc.searchSupport(&rs.support[g])
	sc.known = append(sc.known, groupAnswer{g, has})
	return has
}

func (sc *scratch) searchSupport(sg *supportGroup) bool {
	for i, term := range sg.terms {
		if containsTerm(sc.source, term, sg.bounds[i], sg.conflicts[i]) {
			return true
		}
	}
	if v := sc.sourceVariants(); sg.anyVariant&v != 0 {
		f := sc.foldedSource()
		for i, term := range sg.terms {
			if sg.variants[i]&v != 0 && containsTerm(f, term, sg.bounds[i], sg.conflicts[i]) {
				return true
			}
		}
	}
	return false
}

// containsTerm reports whether text has an occurrence of term (lower-case; text's ASCII letters match in either
// case) that meets the term's boundary needs and is not part of one of the conflicting longer strings.
func containsTerm(text, term string, bounds uint8, conflicts []conflict) bool {
	for off := 0; ; {
		s := indexFoldASCII(text, term, off)
		if s < 0 {
			return false
		}
		off = s + 1
		if !boundaryOK(text, s, s+len(term), bounds) {
			continue
		}
		inside := false
		for _, c := range conflicts {
			if s >= c.off && s-c.off+len(c.text) <= len(text) && equalFoldASCII(text[s-c.off:s-c.off+len(c.text)], c.text) {
				inside = true
				break
			}
		}
		if !inside {
			return true
		}
	}
}

// indexFoldASCII is strings.Index from offset from, with the ASCII letters of text matching the lower-case term in
// either case. Terms without letters take strings.Index.
func indexFoldASCII(text, term string, from int) int {
	c := term[0]
	if !hasLetter(term) {
		return indexAnchored(text, term, from)
	}
	upper := c
	if 'a' <= c && c <= 'z' {
		upper = c - 'a' + 'A'
	}
	for i := from; i+len(term) <= len(text); {
		j := strings.IndexByte(text[i:i+len(text)-i-len(term)+1], c)
		if upper != c {
			if k := strings.IndexByte(text[i:i+len(text)-i-len(term)+1], upper); k >= 0 && (j < 0 || k < j) {
				j = k
			}
		}
		if j < 0 {
			return -1
		}
		if equalFoldASCII(text[i+j:i+j+len(term)], term) {
			return i + j
		}
		i += j + 1
	}
	return -1
}

// indexAnchored is strings.Index from offset from, searching for the term's last byte first: in Japanese text the
// first byte of a term is a lead byte that recurs every few characters (E6 starts a large share of all kanji), while
// its last byte is a continuation byte that recurs far less, so fewer candidates need comparing.
func indexAnchored(text, term string, from int) int {
	last := len(term) - 1
	c := term[last]
	for i := from + last; i < len(text); {
		j := strings.IndexByte(text[i:], c)
		if j < 0 {
			return -1
		}
		if s := i + j - last; text[s:s+len(term)] == term {
			return s
		}
		i += j + 1
	}
	return -1
}

// equalFoldASCII reports whether s equals the lower-case t, ignoring the case of ASCII letters in s.
func equalFoldASCII(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != t[i] {
			return false
		}
	}
	return true
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			return true
		}
	}
	return false
}

// insideWordHit reports whether text[s:e] overlaps a word hit (sc.spans, disjoint and in order). covered counts
// the spans that end before the last span asked about; calls must come in order of s.
func (sc *scratch) insideWordHit(s, e int, covered *int) bool {
	for *covered < len(sc.spans) && int(sc.spans[*covered].e) <= s {
		*covered++
	}
	for k := *covered; k < len(sc.spans) && int(sc.spans[k].s) < e; k++ {
		if int(sc.spans[k].e) > s {
			return true
		}
	}
	return false
}

// sourceHasNumber reports whether the source states the number of the folded summary text: written the same way
// (the common case, answered by a search), or in any form it could take there (full-width, 1,200 for 1200, 平成15
// for 2003, 1万 for 10000, 百 for 100), from an index of the source's numbers built on first need. What is compared
// is the claim (number.claim): 令和5年 is supported by 2023年, not by a 5 elsewhere in the source.
func (sc *scratch) sourceHasNumber(text string, n number) bool {
	// A search per number is cheapest for the few numbers of a real summary; a summary full of numbers is answered
	// from the index, which keeps a pathological one linear in size.
	sc.lookups++
	if sc.lookups <= 16 && !n.kanji && n.year == 0 && containsNumber(sc.source, text[n.ds:n.e], n.scaled == 0) {
		return true
	}
	if sc.srcState&srcNumsDone == 0 {
		sc.srcState |= srcNumsDone
		sc.nums = sourceNumbers(sc.source, sc.nums[:0])
		slices.Sort(sc.nums)
	}
	_, ok := slices.BinarySearch(sc.nums, n.claim())
	return ok
}

// containsNumber reports whether text has the figure as a whole number: not part of a longer number (20 in 2020,
// 3.5 in 13.5, 200 in 1,200, 1万 in 1万5000). A plain figure (no multiplier) must also stand alone in the text: the
// 5 of 5万 or of 令和5年 is another claim.
func containsNumber(text, figure string, plain bool) bool {
	for off := 0; ; {
		i := strings.Index(text[off:], figure)
		if i < 0 {
			return false
		}
		s, e := off+i, off+i+len(figure)
		off = s + 1
		if s > 0 && (isDigit(text[s-1]) || s > 1 && (text[s-1] == '.' || text[s-1] == ',') && isDigit(text[s-2])) {
			continue
		}
		if e < len(text) && (isDigit(text[e]) || e+1 < len(text) && (text[e] == '.' || text[e] == ',') && isDigit(text[e+1])) {
			continue
		}
		if plain {
			if _, size := multiplierAt(text, e); size > 0 {
				continue
			}
			if _, _, era := eraBefore(text[:s]); era {
				continue
			}
		}
		return true
	}
}

// setOffsetsValid is SetOffsets for valid UTF-8, where counting bytes is enough: every byte that is not a
// continuation byte starts a rune, and every 4-byte sequence is two UTF-16 units.
func setOffsetsValid(summary string, hints []Hint) {
	if len(hints) == 0 {
		return
	}
	// hints are sorted by start, so starts need one pass; ends are few, each counted from its start
	runes, units, b := 0, 0, 0
	count := func(to int) {
		for ; b < to; b++ {
			c := summary[b]
			if c&0xC0 != 0x80 {
				runes++
				units++
				if c >= 0xF0 {
					units++
				}
			}
		}
	}
	for i := range hints {
		h := &hints[i]
		start, end := h.Start, h.End
		count(start)
		h.Start, h.Start16 = runes, units
		r, u, from := runes, units, b
		count(end)
		h.End, h.End16 = runes, units
		runes, units, b = r, u, from
	}
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
			if summary[b] < utf8.RuneSelf {
				b++
				runes++
				units++
				continue
			}
			r, n := decodeRune(summary, b)
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

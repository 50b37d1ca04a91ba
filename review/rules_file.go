package review

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// engineRevision goes into every rules version: the same rules file checked by a changed engine can flag different
// spans, and a decision must say which hints its reviewer saw. Bump it when matching behaviour changes.
const engineRevision = "2"

// Rule kinds a rules file can use.
const (
	// KindWords flags words and phrases from a list (and optional regular expressions).
	KindWords = "words"
	// KindFacts flags numbers and place names in the summary that the source text does not contain.
	KindFacts = "facts"
	// KindStyle flags sentence endings that mix the polite (です/ます) and plain (だ/である) styles.
	KindStyle = "style"
)

var ruleKinds = []string{KindWords, KindFacts, KindStyle}

// ruleFile is the rules file as supervisors write it; docs/rules.md documents it.
type ruleFile struct {
	Rules []ruleSpec `json:"rules"`
}

type ruleSpec struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"`
	Severity    Severity `json:"severity"`
	Reason      string   `json:"reason"`
	Message     Message  `json:"message"`
	Description Message  `json:"description"`

	// words
	Words           []string   `json:"words"`
	Patterns        []string   `json:"patterns"`
	Exceptions      []string   `json:"exceptions"`
	ExactExceptions []string   `json:"exact_exceptions"`
	UnlessInSource  bool       `json:"unless_in_source"`
	Synonyms        [][]string `json:"synonyms"`
	// ExceptionPatterns are regular expressions that cancel the hits they overlap, tried around each hit
	ExceptionPatterns []string `json:"exception_patterns"`

	// words and facts: also flag inside the company's own name
	InCompanyName bool `json:"in_company_name"`

	// facts
	Numbers bool       `json:"numbers"`
	Units   []string   `json:"units"`
	Places  [][]string `json:"places"`
	// units after which figures in kanji numerals are checked (創業百年)
	KanjiUnits []string `json:"kanji_units"`

	// style
	Polite []string `json:"polite"`
	Plain  []string `json:"plain"`
}

// RuleInfo describes one rule for the UI and the docs.
type RuleInfo struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Severity Severity `json:"severity"`
	// Reason is the reason code the rule's hints suggest.
	Reason string `json:"reason"`
	// Message is what each hint says; Description says what the rule looks for.
	Message     Message `json:"message"`
	Description Message `json:"description"`
}

// compiledRule is a rule ready to run.
type compiledRule struct {
	RuleInfo
	patterns       []*regexp.Regexp
	prefixes       []string // literal prefix of each pattern, to skip texts that cannot match
	unlessInSource bool
	// exceptions by pattern: a hit that a match (its first group, if it has one) overlaps is dropped
	exceptionPatterns []exceptionPattern
	inCompanyName     bool
	numbers           bool
	units             []string // folded, longest first
	kanjiUnits        []string // folded, longest first
	polite, plain     []string // folded, longest first
}

type useKind uint8

const (
	useWord      useKind = iota // a hit
	useException                // suppresses the rule's hits it overlaps
	useExact                    // an exception that must match in case, too
	usePlace                    // a place name of a facts rule
)

// use is one role a matcher pattern plays in one rule: the same string can be a word of one rule and an exception
// of another.
type use struct {
	rule  int32
	kind  useKind
	group int32  // support group (unless_in_source words, synonyms) or place group; -1 if none
	exact string // useExact: the folded text in its case
}

// Boundary requirements of a pattern, from its first and last character.
const (
	boundLeftWord = 1 << iota // starts with a Latin letter or digit: the character before must not be one
	boundLeftKana             // starts with katakana: the character before must not be katakana
	boundRightWord
	boundRightKana
)

// ParseRules reads a supervisor's rules file (JSON, documented in docs/rules.md). Errors are Invalid and say which
// rule and field is wrong. The version is a hash of the file and the engine revision.
func ParseRules(data []byte) (*RuleSet, error) {
	var f ruleFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse rules: %w", jsonError(data, err))
	}
	if dec.More() {
		return nil, fmt.Errorf("parse rules: %w", Errorf(Invalid, "rules file: unexpected data after the top-level object"))
	}
	rs, err := compileRules(f.Rules)
	if err != nil {
		return nil, fmt.Errorf("parse rules: %w", err)
	}
	sum := sha256.Sum256(append([]byte(engineRevision+"\x00"), data...))
	rs.Version = hex.EncodeToString(sum[:6])
	rs.file = bytes.Clone(data)
	return rs, nil
}

// jsonError turns a decoding error into an Invalid error that names the line and column.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return Errorf(Invalid, "rules file: %v", err)
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return Errorf(Invalid, "rules file line %d, column %d: %v", line, col, err)
}

var ruleIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// compileRules validates the rules and builds the matcher that runs all of their word lists at once.
func compileRules(specs []ruleSpec) (*RuleSet, error) {
	if len(specs) == 0 {
		return nil, Errorf(Invalid, "rules file: no rules; it needs a \"rules\" list with at least one rule")
	}
	rs := &RuleSet{}
	patternIndex := map[string]int32{}
	var patterns []string
	addUse := func(text string, u use) {
		key := lowerASCII(text)
		p, ok := patternIndex[key]
		if !ok {
			p = int32(len(patterns))
			patternIndex[key] = p
			patterns = append(patterns, key)
			rs.uses = append(rs.uses, nil)
			rs.bounds = append(rs.bounds, boundsOf(key))
		}
		rs.uses[p] = append(rs.uses[p], u)
		if u.group >= 0 {
			rs.addSupport(u.group, key)
		}
	}
	exceptions := map[int32][]string{}
	seen := map[string]bool{}
	for i, sp := range specs {
		where := fmt.Sprintf("rules file: rule %d", i+1)
		if sp.ID != "" {
			where += fmt.Sprintf(" (%q)", sp.ID)
		}
		bad := func(format string, args ...any) error {
			return Errorf(Invalid, "%s: %s", where, fmt.Sprintf(format, args...))
		}
		switch {
		case !ruleIDPattern.MatchString(sp.ID):
			return nil, bad("id %q must be lower-case letters, digits and _, starting with a letter", sp.ID)
		case seen[sp.ID]:
			return nil, bad("id %q is used twice", sp.ID)
		case !slices.Contains(ruleKinds, sp.Kind):
			return nil, bad("kind %q is unknown; use one of %s", sp.Kind, strings.Join(ruleKinds, ", "))
		case sp.Severity != High && sp.Severity != Medium && sp.Severity != Low:
			return nil, bad("severity %q is unknown; use high, medium or low", sp.Severity)
		case !slices.ContainsFunc(DefaultReasons, func(r Reason) bool { return r.Code == sp.Reason }):
			return nil, bad("reason %q is not a reason code; use one of %s", sp.Reason, reasonCodes())
		case strings.TrimSpace(sp.Message.Ja) == "" || strings.TrimSpace(sp.Message.En) == "":
			return nil, bad("message needs both \"ja\" and \"en\"")
		}
		seen[sp.ID] = true
		if err := checkKindFields(sp); err != nil {
			return nil, bad("%v", err)
		}
		cr := compiledRule{RuleInfo: RuleInfo{ID: sp.ID, Kind: sp.Kind, Severity: sp.Severity, Reason: sp.Reason,
			Message: sp.Message, Description: sp.Description}}
		cr.inCompanyName = sp.InCompanyName
		ri := int32(len(rs.rules))
		var fl folder
		folded := func(field string, k int, s string) (string, error) {
			if !utf8.ValidString(s) {
				return "", fmt.Errorf("%s[%d] is not valid UTF-8", field, k)
			}
			t := strings.TrimSpace(fl.fold(s, false).text)
			if t == "" {
				return "", fmt.Errorf("%s[%d] is empty", field, k)
			}
			return t, nil
		}
		switch sp.Kind {
		case KindWords:
			if len(sp.Words) == 0 && len(sp.Patterns) == 0 {
				return nil, bad("empty word list: a words rule needs \"words\" or \"patterns\"")
			}
			cr.unlessInSource = sp.UnlessInSource
			groupOf := map[string]int32{}
			for k, syn := range sp.Synonyms {
				if len(syn) < 2 {
					return nil, bad("synonyms[%d] needs at least two entries", k)
				}
				g := rs.newGroup(ri, false)
				for j, w := range syn {
					t, err := folded(fmt.Sprintf("synonyms[%d]", k), j, w)
					if err != nil {
						return nil, bad("%v", err)
					}
					if _, dup := groupOf[lowerASCII(t)]; dup {
						return nil, bad("%q is in more than one synonym group", w)
					}
					groupOf[lowerASCII(t)] = g
				}
			}
			inWords := map[string]bool{}
			for k, w := range sp.Words {
				t, err := folded("words", k, w)
				if err != nil {
					return nil, bad("%v", err)
				}
				if inWords[lowerASCII(t)] {
					continue
				}
				inWords[lowerASCII(t)] = true
				g := int32(-1)
				if cr.unlessInSource {
					var ok bool
					if g, ok = groupOf[lowerASCII(t)]; !ok {
						g = rs.newGroup(ri, false)
						groupOf[lowerASCII(t)] = g
					}
				}
				addUse(t, use{rule: ri, kind: useWord, group: g})
			}
			for _, syn := range sp.Synonyms {
				for _, w := range syn {
					t := lowerASCII(strings.TrimSpace(fl.fold(w, false).text))
					if !inWords[t] {
						inWords[t] = true
						rs.addSupport(groupOf[t], t)
					}
				}
			}
			for k, w := range sp.Exceptions {
				t, err := folded("exceptions", k, w)
				if err != nil {
					return nil, bad("%v", err)
				}
				addUse(t, use{rule: ri, kind: useException, group: -1})
				exceptions[ri] = append(exceptions[ri], lowerASCII(t))
			}
			for k, w := range sp.ExactExceptions {
				t, err := folded("exact_exceptions", k, w)
				if err != nil {
					return nil, bad("%v", err)
				}
				addUse(t, use{rule: ri, kind: useExact, group: -1, exact: t})
			}
			for k, p := range sp.Patterns {
				re, err := regexp.Compile(p)
				if err != nil {
					return nil, bad("patterns[%d] is not a valid regular expression: %v", k, err)
				}
				if re.MatchString("") {
					return nil, bad("patterns[%d] %q matches the empty string; it must match at least one character", k, p)
				}
				prefix, _ := re.LiteralPrefix()
				cr.patterns = append(cr.patterns, re)
				cr.prefixes = append(cr.prefixes, prefix)
			}
			for k, p := range sp.ExceptionPatterns {
				re, err := regexp.Compile(p)
				if err != nil {
					return nil, bad("exception_patterns[%d] is not a valid regular expression: %v", k, err)
				}
				if re.MatchString("") {
					return nil, bad("exception_patterns[%d] %q matches the empty string; it must match at least one character", k, p)
				}
				cr.exceptionPatterns = append(cr.exceptionPatterns, newExceptionPattern(p, re))
			}
		case KindFacts:
			if !sp.Numbers && len(sp.Places) == 0 {
				return nil, bad("a facts rule needs \"numbers\": true or a \"places\" list")
			}
			cr.numbers = sp.Numbers
			for k, u := range sp.Units {
				t, err := folded("units", k, u)
				if err != nil {
					return nil, bad("%v", err)
				}
				if u[0] == ' ' {
					t = " " + t // "3,000 tons": a unit may follow a space
				}
				cr.units = append(cr.units, t)
			}
			for k, u := range sp.KanjiUnits {
				t, err := folded("kanji_units", k, u)
				if err != nil {
					return nil, bad("%v", err)
				}
				cr.kanjiUnits = append(cr.kanjiUnits, t)
			}
			if len(cr.kanjiUnits) > 0 && !cr.numbers {
				return nil, bad("\"kanji_units\" need \"numbers\": true")
			}
			for k, names := range sp.Places {
				if len(names) == 0 {
					return nil, bad("places[%d] is an empty list", k)
				}
				g := rs.newGroup(ri, true)
				for j, name := range names {
					t, err := folded(fmt.Sprintf("places[%d]", k), j, name)
					if err != nil {
						return nil, bad("%v", err)
					}
					addUse(t, use{rule: ri, kind: usePlace, group: g})
				}
			}
		case KindStyle:
			if len(sp.Polite) == 0 || len(sp.Plain) == 0 {
				return nil, bad("a style rule needs both \"polite\" and \"plain\" endings")
			}
			for k, e := range sp.Polite {
				t, err := folded("polite", k, e)
				if err != nil {
					return nil, bad("%v", err)
				}
				cr.polite = append(cr.polite, t)
			}
			for k, e := range sp.Plain {
				t, err := folded("plain", k, e)
				if err != nil {
					return nil, bad("%v", err)
				}
				cr.plain = append(cr.plain, t)
			}
		}
		longestFirst := func(a, b string) int { return len(b) - len(a) }
		slices.SortStableFunc(cr.units, longestFirst)
		slices.SortStableFunc(cr.kanjiUnits, longestFirst)
		slices.SortStableFunc(cr.polite, longestFirst)
		slices.SortStableFunc(cr.plain, longestFirst)
		rs.rules = append(rs.rules, cr)
	}
	rs.m = newMatcher(patterns)
	rs.prepareSupport(exceptions)
	rs.pool = &sync.Pool{New: func() any { return &scratch{} }}
	return rs, nil
}

// checkKindFields refuses fields that belong to another kind, which are almost always a mistake (a "words" list on a
// facts rule would silently do nothing).
func checkKindFields(sp ruleSpec) error {
	type field struct {
		name, kind string
		set        bool
	}
	for _, f := range []field{
		{"words", KindWords, sp.Words != nil}, {"patterns", KindWords, sp.Patterns != nil},
		{"exceptions", KindWords, sp.Exceptions != nil}, {"exact_exceptions", KindWords, sp.ExactExceptions != nil},
		{"unless_in_source", KindWords, sp.UnlessInSource}, {"synonyms", KindWords, sp.Synonyms != nil},
		{"exception_patterns", KindWords, sp.ExceptionPatterns != nil},
		{"numbers", KindFacts, sp.Numbers}, {"units", KindFacts, sp.Units != nil}, {"places", KindFacts, sp.Places != nil},
		{"kanji_units", KindFacts, sp.KanjiUnits != nil},
		{"polite", KindStyle, sp.Polite != nil}, {"plain", KindStyle, sp.Plain != nil},
	} {
		if f.set && f.kind != sp.Kind {
			return fmt.Errorf("field %q belongs to kind %q, not %q", f.name, f.kind, sp.Kind)
		}
	}
	if sp.InCompanyName && sp.Kind == KindStyle {
		return fmt.Errorf("field \"in_company_name\" belongs to kinds %q and %q, not %q", KindWords, KindFacts, sp.Kind)
	}
	if sp.Synonyms != nil && !sp.UnlessInSource {
		return errors.New("\"synonyms\" only matter with \"unless_in_source\": true")
	}
	return nil
}

func reasonCodes() string {
	codes := make([]string, len(DefaultReasons))
	for i, r := range DefaultReasons {
		codes[i] = r.Code
	}
	return strings.Join(codes, ", ")
}

// supportGroup is a set of terms any of which, found in the source, supports a claim in the summary: the aliases of
// a place (東京都, 東京, Tokyo), or the wordings of a superlative (トップシェア, シェア第1位).
type supportGroup struct {
	rule   int32
	places bool
	terms  []string // folded, lower-cased
	// per term: boundary needs, and longer strings that contain the term but do not support the claim (the 東京都
	// around 京都, the rule's exceptions)
	bounds    []uint8
	conflicts [][]conflict
	// variants: which width variants in a source could hide the term (see widthVariants); only then is the
	// folded source searched too.
	variants   []uint8
	anyVariant uint8
}

// conflict is a string that contains a support term at offset off.
type conflict struct {
	text string
	off  int
}

func (rs *RuleSet) addSupport(g int32, term string) {
	if !slices.Contains(rs.support[g].terms, term) {
		rs.support[g].terms = append(rs.support[g].terms, term)
	}
}

func (rs *RuleSet) newGroup(rule int32, places bool) int32 {
	rs.support = append(rs.support, supportGroup{rule: rule, places: places})
	return int32(len(rs.support) - 1)
}

// prepareSupport works out, once, what each support term needs checked where it is found in a source.
func (rs *RuleSet) prepareSupport(exceptions map[int32][]string) {
	for g := range rs.support {
		sg := &rs.support[g]
		sg.bounds = make([]uint8, len(sg.terms))
		sg.conflicts = make([][]conflict, len(sg.terms))
		sg.variants = make([]uint8, len(sg.terms))
		for i, term := range sg.terms {
			sg.bounds[i] = boundsOf(term)
			for _, r := range term {
				switch {
				case r < utf8.RuneSelf:
					sg.variants[i] |= wideASCII
				case isKatakana(r):
					sg.variants[i] |= halfKana
				case unicode.Is(unicode.Han, r):
					sg.variants[i] |= compatHan
				}
			}
			sg.anyVariant |= sg.variants[i]
			longer := slices.Clone(exceptions[sg.rule])
			if sg.places {
				for g2, other := range rs.support {
					if g2 != g && other.rule == sg.rule {
						longer = append(longer, other.terms...)
					}
				}
			}
			for _, l := range longer {
				if len(l) <= len(term) {
					continue
				}
				for off := 0; ; {
					k := strings.Index(l[off:], term)
					if k < 0 {
						break
					}
					sg.conflicts[i] = append(sg.conflicts[i], conflict{l, off + k})
					off += k + 1
				}
			}
		}
	}
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// boundsOf says which edges of a pattern need a word boundary: Latin words must not match inside longer words (we in
// Welding), katakana words not inside longer katakana words (タイ in タイヤ). Kanji and hiragana need none: Japanese
// has no spaces, and 当社 is first person wherever it stands (see exceptions for 担当社員).
func boundsOf(p string) uint8 {
	var b uint8
	first, _ := utf8.DecodeRuneInString(p)
	last, _ := utf8.DecodeLastRuneInString(p)
	if isWordRune(first) {
		b |= boundLeftWord
	} else if isKatakana(first) {
		b |= boundLeftKana
	}
	if isWordRune(last) {
		b |= boundRightWord
	} else if isKatakana(last) {
		b |= boundRightKana
	}
	return b
}

func isWordRune(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' ||
		0xC0 <= r && r <= 0x24F && r != 0xD7 && r != 0xF7
}

func isKatakana(r rune) bool { return 0x30A1 <= r && r <= 0x30FA || r == 0x30FC }

// boundaryOK checks the boundary requirements of a match at text[s:e].
func boundaryOK(text string, s, e int, b uint8) bool {
	if b&(boundLeftWord|boundLeftKana) != 0 && s > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:s])
		if b&boundLeftWord != 0 && isWordRune(r) || b&boundLeftKana != 0 && isKatakana(r) {
			return false
		}
	}
	if b&(boundRightWord|boundRightKana) != 0 && e < len(text) {
		r, _ := utf8.DecodeRuneInString(text[e:])
		if b&boundRightWord != 0 && isWordRune(r) || b&boundRightKana != 0 && isKatakana(r) {
			return false
		}
	}
	return true
}

// exceptionPattern is an exception pattern with what makes trying it around every hit cheap.
type exceptionPattern struct {
	re *regexp.Regexp
	// anchored is re anchored at the start, tried only where a string of starts begins (and, with wordStart, not
	// right after a letter or digit: the pattern opens with \b); nil when the pattern's start is not a known set
	anchored  *regexp.Regexp
	starts    []string
	wordStart bool
	req       [][]string // literal sets every match needs (reqSets), the most selective first
	maxLen    int        // the most characters a match can span, at most exceptionWindow
}

func newExceptionPattern(p string, re *regexp.Regexp) exceptionPattern {
	syn, _ := syntax.Parse(p, syntax.Perl) // parses: regexp.Compile did
	syn = syn.Simplify()
	x := exceptionPattern{re: re, req: reqSets(syn), maxLen: min(maxRunes(syn), exceptionWindow)}
	// the most selective set first: a text that lacks it is turned away after one test
	slices.SortStableFunc(x.req, func(a, b []string) int { return shortest(b) - shortest(a) })
	first := syn
	if first.Op == syntax.OpConcat && len(first.Sub) > 0 && first.Sub[0].Op == syntax.OpWordBoundary {
		x.wordStart = true
		first = &syntax.Regexp{Op: syntax.OpConcat, Sub: first.Sub[1:]}
	}
	if x.starts = firstSet(first); x.starts != nil {
		x.anchored = regexp.MustCompile(`^(?:` + p + `)`)
	}
	return x
}

// firstSet is a set of strings one of which every match of re starts with, or nil if that is not known.
func firstSet(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral, syntax.OpCharClass:
		if sets := reqSets(re); len(sets) == 1 {
			return sets[0]
		}
	case syntax.OpCapture, syntax.OpPlus:
		return firstSet(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return firstSet(re.Sub[0])
		}
	case syntax.OpConcat:
		if len(re.Sub) > 0 {
			return firstSet(re.Sub[0])
		}
	case syntax.OpAlternate:
		var union []string
		for _, sub := range re.Sub {
			set := firstSet(sub)
			if set == nil {
				return nil
			}
			union = append(union, set...)
		}
		return union
	}
	return nil
}

// reqSets works out, from a pattern's syntax, sets of strings such that every match contains a string of
// each set: for 当社\p{Han}{0,4}比, {当社} and {比}. Exception patterns are tried around every hit of their rule,
// and a regular expression without a literal prefix is slow to search for; checking first that the text holds a
// string of every set skips most searches at the cost of a few substring tests. Strings are lower-cased ASCII and
// compared ignoring ASCII case, which only makes the test looser. nil: nothing is known to be required.
func reqSets(re *syntax.Regexp) [][]string {
	switch re.Op {
	case syntax.OpLiteral:
		return [][]string{{lowerASCII(string(re.Rune))}}
	case syntax.OpCharClass:
		var set []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(set) == 8 {
					return nil
				}
				set = append(set, lowerASCII(string(r)))
			}
		}
		return [][]string{set}
	case syntax.OpCapture, syntax.OpPlus:
		return reqSets(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return reqSets(re.Sub[0])
		}
	case syntax.OpConcat:
		var sets [][]string
		for _, sub := range re.Sub {
			sets = append(sets, reqSets(sub)...)
		}
		return sets
	case syntax.OpAlternate:
		// any alternative may match: their best sets together
		var union []string
		for _, sub := range re.Sub {
			best := bestSet(reqSets(sub))
			if best == nil {
				return nil
			}
			union = append(union, best...)
		}
		return [][]string{union}
	}
	return nil
}

// bestSet is the set whose shortest string is longest: the most selective to test.
func bestSet(sets [][]string) []string {
	var best []string
	bestLen := -1
	for _, set := range sets {
		if short := shortest(set); short > bestLen {
			best, bestLen = set, short
		}
	}
	return best
}

// shortest is the length of the shortest string in set.
func shortest(set []string) int {
	n := -1
	for _, s := range set {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return n
}

// maxRunes is the most characters a match of re can span; exceptionWindow+1 when it has no bound.
func maxRunes(re *syntax.Regexp) int {
	const unbounded = exceptionWindow + 1
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpQuest:
		return maxRunes(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		return unbounded
	case syntax.OpRepeat:
		if re.Max < 0 {
			return unbounded
		}
		return min(re.Max*maxRunes(re.Sub[0]), unbounded)
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n = min(n+maxRunes(sub), unbounded)
		}
		return n
	case syntax.OpAlternate:
		n := 0
		for _, sub := range re.Sub {
			n = max(n, maxRunes(sub))
		}
		return n
	}
	return 0 // empty matches, anchors, word boundaries
}

package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Japanese text has no spaces between words, so FTS4's tokenizers would index a whole sentence as one token.
// Instead, text is cut here into overlapping bigrams for CJK runs (plus the run's last character alone, so that a
// one-character query can match) and lower-cased words for everything else, separated by spaces; FTS4's simple
// tokenizer then indexes exactly these tokens. A query is cut the same way into a phrase of consecutive tokens, which
// matches exactly the documents that contain the query as a substring.

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) || r == 'ー' || r == '々'
}

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') || r >= utf8.RuneSelf && unicode.IsLetter(r) && !isCJK(r) || unicode.IsDigit(r)
}

// token is one index token; prefix marks a query token that must match as a prefix.
type token struct {
	text   string
	prefix bool
}

type segment struct {
	cjk   bool
	runes []rune
}

// segments cuts normalised, lower-cased text into runs of CJK characters and words, dropping separators.
func segments(text string) []segment {
	var segs []segment
	text = strings.ToLower(norm.NFKC.String(text))
	for _, r := range text {
		cjk, word := isCJK(r), isWordRune(r)
		if !cjk && !word {
			if n := len(segs); n > 0 && len(segs[n-1].runes) > 0 {
				segs = append(segs, segment{})
			}
			continue
		}
		n := len(segs)
		if n == 0 || (len(segs[n-1].runes) > 0 && segs[n-1].cjk != cjk) {
			segs = append(segs, segment{cjk: cjk})
			n++
		}
		segs[n-1].cjk = cjk
		segs[n-1].runes = append(segs[n-1].runes, r)
	}
	if n := len(segs); n > 0 && len(segs[n-1].runes) == 0 {
		segs = segs[:n-1]
	}
	return segs
}

// tokens cuts text into index tokens. A CJK run gives its bigrams and its last character alone, so that a
// one-character query can match. In a query term, the last segment may continue in the document: a CJK run there
// gives bigrams only (or a one-character prefix), a word becomes a prefix.
func tokens(text string, query bool, emit func(token)) {
	segs := segments(text)
	for i, seg := range segs {
		open := query && i == len(segs)-1
		if !seg.cjk {
			emit(token{string(seg.runes), open})
			continue
		}
		run := seg.runes
		if len(run) == 1 {
			emit(token{string(run), open})
			continue
		}
		for j := 0; j+1 < len(run); j++ {
			emit(token{string(run[j : j+2]), false})
		}
		if !open {
			emit(token{string(run[len(run)-1:]), false})
		}
	}
}

// indexText is the text stored in the full-text index for an item.
func indexText(company, summary string) string {
	var b strings.Builder
	b.Grow(3 * (len(company) + len(summary)))
	add := func(t token) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	tokens(company, false, add)
	tokens(summary, false, add)
	return b.String()
}

// matchQuery turns what a user typed into an FTS4 MATCH expression: each whitespace-separated term becomes a phrase,
// and all terms must match. It returns "" when the query has nothing searchable.
func matchQuery(q string) string {
	var phrases []string
	for _, term := range strings.Fields(q) {
		var toks []string
		tokens(term, true, func(t token) {
			s := t.text
			if t.prefix {
				s += "*"
			}
			toks = append(toks, s)
		})
		if len(toks) > 0 {
			phrases = append(phrases, `"`+strings.Join(toks, " ")+`"`)
		}
	}
	return strings.Join(phrases, " ")
}

// ftsDocID ties an index entry to one revision of an item, so that entries of replaced revisions never match.
func ftsDocID(seq int64, revision int) int64 { return seq<<8 | int64(revision&0xff) }

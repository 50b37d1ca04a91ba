package review

import (
	"strings"
	"unicode/utf8"
)

// Sentence styles for the style rule.
const (
	styleNone = iota
	stylePolite
	stylePlain
)

// styleHits flags the sentence endings of the minority style when a summary mixes polite (です/ます) and plain
// (だ/である) sentences. On a tie the plain endings are flagged, because summaries are meant to be polite. A sentence
// ending in a noun (体言止め) or a closing bracket counts as neither. Sentence ends inside brackets (quoted speech,
// product names) are not sentence ends of the summary.
func (r *compiledRule) styleHits(text string, add func(s, e int)) {
	type ending struct{ style, s, e int }
	var buf [16]ending
	ends := buf[:0]
	polite, plain := 0, 0
	depth, start := 0, 0
	classify := func(end int) {
		sentence := strings.TrimRight(text[start:end], " \t\r")
		if st, s := r.sentenceStyle(sentence); st != styleNone {
			ends = append(ends, ending{st, start + s, start + len(sentence)})
			if st == stylePolite {
				polite++
			} else {
				plain++
			}
		}
	}
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf && b != '(' && b != ')' && b != '[' && b != ']' && b != '{' && b != '}' && b != '\n' &&
			b != '!' && b != '?' {
			i++
			continue
		}
		if b >= utf8.RuneSelf && (b != 0xE2 && b != 0xE3 || i+1 < len(text) && text[i+1] != 0x80) {
			i += runeLen(b) // brackets and sentence ends other than ASCII are in U+2000..U+203F and U+3000..U+303F
			continue
		}
		c, size := decodeRune(text, i)
		switch c {
		case '「', '『', '(', '【', '〔', '[', '“', '《', '〈', '{':
			depth++
		case '」', '』', ')', '】', '〕', ']', '”', '》', '〉', '}':
			depth = max(depth-1, 0)
		case '\n':
			depth = 0
			classify(i)
			start = i + size
		case '。', '!', '?':
			if depth == 0 {
				classify(i)
				start = i + size
			}
		}
		i += size
	}
	classify(len(text))
	if polite == 0 || plain == 0 {
		return
	}
	flag := stylePlain
	if polite < plain {
		flag = stylePolite
	}
	for _, e := range ends {
		if e.style == flag {
			add(e.s, e.e)
		}
	}
}

// sentenceStyle classifies a sentence (without its terminator) by its ending and returns the offset where the
// ending's span starts: the trailing run of hiragana, with the kanji before a one-kana ending (行う, 多い).
func (r *compiledRule) sentenceStyle(sentence string) (style, start int) {
	style = styleNone
	for _, e := range r.polite {
		if strings.HasSuffix(sentence, e) {
			style = stylePolite
			break
		}
	}
	if style == styleNone {
		for _, e := range r.plain {
			if strings.HasSuffix(sentence, e) {
				style = stylePlain
				break
			}
		}
	}
	if style == styleNone {
		return styleNone, 0
	}
	start = len(sentence)
	runes := 0
	for start > 0 && runes < 8 {
		c, size := utf8.DecodeLastRuneInString(sentence[:start])
		if !(0x3041 <= c && c <= 0x3096) {
			break
		}
		start -= size
		runes++
	}
	if runes <= 1 && start > 0 && sentence[start:] != "だ" {
		if c, size := utf8.DecodeLastRuneInString(sentence[:start]); 0x4E00 <= c && c <= 0x9FFF {
			start -= size
		}
	}
	if start == len(sentence) {
		// An ending made of something other than hiragana (a supervisor's 下さい): flag the ending itself.
		for _, list := range [2][]string{r.polite, r.plain} {
			for _, e := range list {
				if strings.HasSuffix(sentence, e) {
					return style, len(sentence) - len(e)
				}
			}
		}
	}
	return style, start
}

package review

import (
	"strings"
	"unicode/utf8"
)

// number is one figure written in Arabic digits in folded text: its span (digits plus a multiplier such as 万) and
// the values the same figure could be written as elsewhere (1万 is also 10000; 平成15 is also 2003).
type number struct {
	s, e   int
	digits int // end of the digits, before any multiplier
	vals   [3]float64
	n      int
}

func (n *number) add(v float64) {
	if n.n < len(n.vals) {
		n.vals[n.n] = v
		n.n++
	}
}

// Japanese eras still used on company pages (設立 平成15年), as the year before each era's first year.
var eras = [...]struct {
	name string
	base float64
}{{"明治", 1867}, {"大正", 1911}, {"昭和", 1925}, {"平成", 1988}, {"令和", 2018}}

// multipliers that may follow digits: 1万人 is 10000 people, 8割 is 80 %.
var multipliers = [...]struct {
	text string
	mul  float64
}{{"千万", 1e7}, {"百万", 1e6}, {"万", 1e4}, {"億", 1e8}, {"千", 1e3}, {"割", 10}, {" million", 1e6}, {" billion", 1e9}}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// digitAt returns the digit at text[i] and its length, for ASCII and full-width digits (the source is searched
// as it is, not folded), or -1.
func digitAt(text string, i int) (int, int) {
	if c := text[i]; isDigit(c) {
		return int(c - '0'), 1
	}
	if text[i] == 0xEF && i+2 < len(text) && text[i+1] == 0xBC && 0x90 <= text[i+2] && text[i+2] <= 0x99 {
		return int(text[i+2] - 0x90), 3
	}
	return -1, 0
}

// markAt returns the length of the mark at text[i] if it is c in ASCII or full-width form (，for , and ．for .).
func markAt(text string, i int, c byte) int {
	if text[i] == c {
		return 1
	}
	if text[i] == 0xEF && i+2 < len(text) && text[i+1] == 0xBC && text[i+2] == c-0x21+0x81 {
		return 3
	}
	return 0
}

// nextNumber finds the first number at or after offset i. It returns ok=false when there is none. Thousands
// separators (1,200) and decimals (3.5) are part of the number; digits and marks may be full-width.
func nextNumber(text string, i int) (n number, ok bool) {
	for i < len(text) {
		if d, _ := digitAt(text, i); d >= 0 {
			break
		}
		i++
	}
	if i == len(text) {
		return n, false
	}
	n.s = i
	var v, scale float64
	decimal := false
	j := i
	for j < len(text) {
		if d, size := digitAt(text, j); d >= 0 {
			if decimal {
				scale /= 10
				v += float64(d) * scale
			} else {
				v = v*10 + float64(d)
			}
			j += size
			continue
		}
		if size := markAt(text, j, ','); size > 0 && !decimal && threeDigits(text, j+size) {
			j += size
			continue
		}
		if size := markAt(text, j, '.'); size > 0 && !decimal && j+size < len(text) {
			if d, _ := digitAt(text, j+size); d >= 0 {
				decimal, scale = true, 1
				j += size
				continue
			}
		}
		break
	}
	n.e, n.digits = j, j
	n.add(v)
	for _, m := range multipliers {
		if strings.HasPrefix(text[j:], m.text) {
			n.add(v * m.mul)
			n.e = j + len(m.text)
			break
		}
	}
	before := strings.TrimRight(text[:i], " \u3000")
	for _, era := range eras {
		if strings.HasSuffix(before, era.name) {
			n.add(era.base + v)
			break
		}
	}
	return n, true
}

// threeDigits reports whether text[i:] is exactly three digits and then no digit: what follows a thousands separator.
func threeDigits(text string, i int) bool {
	for range 3 {
		if i >= len(text) {
			return false
		}
		d, size := digitAt(text, i)
		if d < 0 {
			return false
		}
		i += size
	}
	if i < len(text) {
		if d, _ := digitAt(text, i); d >= 0 {
			return false
		}
	}
	return true
}

// kanjiDigit returns the value of a kanji numeral character and whether it is a unit (十百千) rather than a digit.
func kanjiDigit(r rune) (v float64, unit, ok bool) {
	switch r {
	case '〇', '零':
		return 0, false, true
	case '一':
		return 1, false, true
	case '二':
		return 2, false, true
	case '三':
		return 3, false, true
	case '四':
		return 4, false, true
	case '五':
		return 5, false, true
	case '六':
		return 6, false, true
	case '七':
		return 7, false, true
	case '八':
		return 8, false, true
	case '九':
		return 9, false, true
	case '十':
		return 10, true, true
	case '百':
		return 100, true, true
	case '千':
		return 1000, true, true
	}
	return 0, false, false
}

// kanjiNumber reads a run of kanji numerals, positional (二〇〇五) or with units (三百五十, 千二百), and a following
// 万 or 億. It returns the value and the offset after the run, or ok=false if text does not start with one.
func kanjiNumber(text string) (v float64, end int, ok bool) {
	var section, digits float64
	positional, haveDigit, haveUnit := 0.0, false, false
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		d, unit, isNum := kanjiDigit(r)
		if !isNum {
			break
		}
		if unit {
			haveUnit = true
			if !haveDigit {
				digits = 1
			}
			section += digits * d
			digits, haveDigit = 0, false
		} else {
			digits = digits*10 + d
			positional = positional*10 + d
			haveDigit = true
		}
		i += size
	}
	if i == 0 {
		return 0, 0, false
	}
	if haveUnit {
		v = section + digits
	} else {
		v = positional
	}
	switch {
	case strings.HasPrefix(text[i:], "万"):
		v *= 1e4
		i += len("万")
	case strings.HasPrefix(text[i:], "億"):
		v *= 1e8
		i += len("億")
	}
	return v, i, true
}

// sourceNumbers lists every value the source text states: Arabic numbers with their alternative readings,
// kanji numbers, and 元年 of an era.
func sourceNumbers(text string, vals []float64) []float64 {
	for i := 0; i < len(text); {
		b := text[i]
		switch {
		case isDigit(b) || b == 0xEF:
			d, _ := digitAt(text, i)
			if d < 0 {
				break
			}
			n, _ := nextNumber(text, i)
			vals = append(vals, n.vals[:n.n]...)
			i = n.e
			continue
		case maybeKanjiNumeral(text, i):
			if v, end, ok := kanjiNumber(text[i:]); ok {
				vals = append(vals, v)
				i += end
				continue
			}
			if strings.HasPrefix(text[i:], "元年") {
				before := text[:i]
				for _, era := range eras {
					if strings.HasSuffix(before, era.name) {
						vals = append(vals, 1, era.base+1)
					}
				}
			}
		}
		i += runeLen(b)
	}
	return vals
}

// maybeKanjiNumeral tells from the first two bytes whether text[i:] may start with a kanji numeral or 元, which is
// much cheaper than decoding every kanji of the source: 〇 E3 80, 一七三 E4 B8, 九 E4 B9, 二五 E4 BA, 六八元 E5 85,
// 十千 E5 8D, 四 E5 9B, 百 E7 99, 零 E9 9B.
func maybeKanjiNumeral(text string, i int) bool {
	if i+1 >= len(text) {
		return false
	}
	switch b1 := text[i+1]; text[i] {
	case 0xE3:
		return b1 == 0x80
	case 0xE4:
		return b1 == 0xB8 || b1 == 0xB9 || b1 == 0xBA
	case 0xE5:
		return b1 == 0x85 || b1 == 0x8D || b1 == 0x9B
	case 0xE7, 0xE9:
		return b1 == 0x99 || b1 == 0x9B
	}
	return false
}

// runeLen is the length of the UTF-8 sequence a lead byte starts, 1 for bytes that cannot start one.
func runeLen(b byte) int {
	switch {
	case b < 0xC0:
		return 1
	case b < 0xE0:
		return 2
	case b < 0xF0:
		return 3
	case b < 0xF5:
		return 4
	}
	return 1
}

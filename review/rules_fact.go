package review

import (
	"strings"
	"unicode/utf8"
)

// number is one figure in folded text: its span (an era name before it, the digits, and a multiplier such as 万
// after them) and the values it may be read as. 1万 is 1 written with 万: value 1, scaled 10000; 平成15 is value 15,
// year 2003.
type number struct {
	s, e   int
	ds     int // start of the digits, after any era name
	digits int // end of the digits, before any multiplier
	value  float64
	scaled float64 // the value with its multiplier (3億5,000万 is 350000000); 0 without one
	year   float64 // the western year of an era year; 0 if none
	kanji  bool    // written in kanji numerals (百二十年)
}

// claim is the value a summary states with the number: the western year of an era year, the scaled value of a
// number with a multiplier, else the number itself. A 1 in 1万 or the 5 of 令和5年 is not a claim about 1 or 5.
func (n *number) claim() float64 {
	switch {
	case n.year > 0:
		return n.year
	case n.scaled > 0:
		return n.scaled
	}
	return n.value
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
}{{"千万", 1e7}, {"百万", 1e6}, {"万", 1e4}, {"千", 1e3}, {"億", 1e8}, {"割", 10}, {" million", 1e6}, {" billion", 1e9}}

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
	n.e, n.digits, n.ds, n.value = j, j, i, v
	if m, size := multiplierAt(text, j); size > 0 {
		n.scaled, n.e = v*m, j+size
		// 3億5,000万 and 1万5000: a larger unit followed by the rest of the figure is one number
		if m >= 1e4 {
			if w, end, ok := rest(text, n.e, m); ok {
				n.scaled, n.e = n.scaled+w, end
			}
		}
	}
	if base, start, ok := eraBefore(text[:i]); ok {
		n.year, n.s = base+v, start
	}
	return n, true
}

func multiplierAt(text string, j int) (float64, int) {
	for _, m := range multipliers {
		if strings.HasPrefix(text[j:], m.text) {
			return m.mul, len(m.text)
		}
	}
	return 0, 0
}

// rest reads the lower part of a figure after a unit of size unit: the 5,000万 of 3億5,000万 (a smaller multiplier
// must follow) or the 5000 of 1万5000 (less than the unit, and no multiplier).
func rest(text string, i int, unit float64) (float64, int, bool) {
	if i >= len(text) {
		return 0, 0, false
	}
	if d, _ := digitAt(text, i); d < 0 {
		return 0, 0, false
	}
	var w float64
	j := i
	for j < len(text) {
		if d, size := digitAt(text, j); d >= 0 {
			w = w*10 + float64(d)
			j += size
			continue
		}
		if size := markAt(text, j, ','); size > 0 && threeDigits(text, j+size) {
			j += size
			continue
		}
		break
	}
	if j < len(text) {
		if size := markAt(text, j, '.'); size > 0 {
			return 0, 0, false // 1万2.5: not a figure this reads
		}
	}
	for _, m := range multipliers[:4] { // 千万 百万 万 千, not 割 or million
		if strings.HasPrefix(text[j:], m.text) {
			if m.mul < unit && w*m.mul < unit {
				return w * m.mul, j + len(m.text), true
			}
			return 0, 0, false
		}
	}
	if _, size := multiplierAt(text, j); size == 0 && w < unit {
		return w, j, true
	}
	return 0, 0, false
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
	k := readKanji(text)
	return k.value, k.end, k.runes > 0
}

// kanjiRun is a run of kanji numerals as readKanji reads it.
type kanjiRun struct {
	value   float64
	runEnd  int  // end of the numerals, before 万 or 億
	end     int  // after 万 or 億
	runes   int  // numerals in the run
	unitNum bool // the run has 十, 百 or 千
	mul     bool // 万 or 億 follows
}

func readKanji(text string) kanjiRun {
	var k kanjiRun
	var section, digits float64
	positional, haveDigit := 0.0, false
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		d, unit, isNum := kanjiDigit(r)
		if !isNum {
			break
		}
		k.runes++
		if unit {
			k.unitNum = true
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
	if k.runes == 0 {
		return k
	}
	if k.unitNum {
		k.value = section + digits
	} else {
		k.value = positional
	}
	k.runEnd = i
	switch {
	case strings.HasPrefix(text[i:], "万"):
		k.value *= 1e4
		i += len("万")
		k.mul = true
	case strings.HasPrefix(text[i:], "億"):
		k.value *= 1e8
		i += len("億")
		k.mul = true
	}
	k.end = i
	return k
}

// eraBefore returns the era whose name ends text (spaces aside) and where the name starts, or ok=false.
func eraBefore(text string) (base float64, start int, ok bool) {
	before := strings.TrimRight(text, " \u3000")
	for _, era := range eras {
		if strings.HasSuffix(before, era.name) {
			return era.base, len(before) - len(era.name), true
		}
	}
	return 0, 0, false
}

// nextKanjiClaim finds the first figure in kanji numerals at or after offset i that a summary states as a checkable
// claim: a run followed by one of units (創業百年, 三百社, 平成十五年, 令和元年), with the unit in the span. Runs that
// are names or idioms far more often than figures are passed over: a single numeral without 十, 百, 千, 万 or 億
// (一部, 三重, 四日市, 六本木, 一人ひとり), a run after 数, 何 or 幾 (数十年 is no figure), and a unit followed by
// another numeral (十人十色, 百人一首).
func nextKanjiClaim(text string, i int, units []string) (n number, ok bool) {
	for i < len(text) {
		if !kanjiNumeralAt(text, i) {
			i += runeLen(text[i]) // never into the middle of a character: a numeral starts with a lead byte
			continue
		}
		var k kanjiRun
		if strings.HasPrefix(text[i:], "元年") {
			if base, start, ok := eraBefore(text[:i]); ok {
				n = number{s: start, ds: i, digits: i + len("元"), e: i + len("元年"), value: 1, year: base + 1, kanji: true}
				return n, true
			}
			i += len("元")
			continue
		}
		if k = readKanji(text[i:]); k.runes == 0 {
			i += runeLen(text[i])
			continue
		}
		start := i
		i += k.end
		if k.runes < 2 && !k.unitNum && !k.mul {
			continue
		}
		if r, _ := utf8.DecodeLastRuneInString(text[:start]); r == '数' || r == '何' || r == '幾' || '0' <= r && r <= '9' {
			continue // 数十年; the 千 of 2千人, which the digits' reading covers
		}
		unit := ""
		for _, u := range units {
			if strings.HasPrefix(text[i:], u) {
				unit = u
				break
			}
		}
		if unit == "" {
			continue
		}
		if next := i + len(unit); next < len(text) {
			if r, _ := utf8.DecodeRuneInString(text[next:]); isKanjiNumeral(r) {
				continue
			}
		}
		n = number{s: start, ds: start, digits: start + k.runEnd, e: i + len(unit), value: k.value, kanji: true}
		if base, es, ok := eraBefore(text[:start]); ok {
			n.year, n.s = base+k.value, es
		}
		return n, true
	}
	return n, false
}

func isKanjiNumeral(r rune) bool {
	_, _, ok := kanjiDigit(r)
	return ok
}

// sourceNumbers lists every value the source text states, each as a claim (number.claim): 1万 states 10000, not 1;
// 平成15年 states 2003, not 15. Arabic and kanji numbers, and 元年 of an era.
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
			vals = append(vals, n.claim())
			i = n.e
			continue
		case maybeKanjiNumeral(text, i):
			if v, end, ok := kanjiNumber(text[i:]); ok {
				if base, _, era := eraBefore(text[:i]); era {
					v += base // 平成十五年
				}
				vals = append(vals, v)
				i += end
				continue
			}
			if strings.HasPrefix(text[i:], "元年") {
				if base, _, era := eraBefore(text[:i]); era {
					vals = append(vals, base+1)
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

// kanjiNumeralAt reports whether text[i:] starts with a kanji numeral (〇一二三四五六七八九十百千零) or 元, from its
// three bytes, without decoding: the summary is walked character by character, and most characters are not.
func kanjiNumeralAt(text string, i int) bool {
	if i+2 >= len(text) || text[i] < 0xE3 {
		return false
	}
	switch uint32(text[i])<<16 | uint32(text[i+1])<<8 | uint32(text[i+2]) {
	case 0xE38087, 0xE4B880, 0xE4B883, 0xE4B889, 0xE4B99D, 0xE4BA8C, 0xE4BA94, 0xE585AD, 0xE585AB, 0xE58583,
		0xE58D81, 0xE58D83, 0xE59B9B, 0xE799BE, 0xE99BB6:
		return true
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

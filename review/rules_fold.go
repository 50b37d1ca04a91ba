package review

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// folder turns text into NFKC form, optionally with ASCII letters lowered, and remembers where each output byte came
// from so that a match in the folded text can be reported at its place in the original.
//
// Rules match on folded text because LLM output and crawled pages mix full-width and half-width forms at random
// (２０１０年 and 2010年, ＸＸＸ and XXX, ！ and !). Full NFKC through x/text costs far more than the rules themselves,
// so the common characters of Japanese text (ASCII, kana, CJK ideographs, CJK punctuation) take a hand-written fast
// path, full-width ASCII is mapped directly, and only the rare rest goes through x/text segment by segment.
type folder struct {
	out []byte
	// start[i] and end[i] are the original byte span of the segment that produced out[i]. Only kept when asked for.
	start, end []int32
}

// foldView is a folded text with the way back to the original. A nil start means the text is the original.
type foldView struct {
	text       string
	start, end []int32
}

// orig maps a byte span of the folded text back to the original text. e must be > s.
func (v *foldView) orig(s, e int) (int, int) {
	if v.start == nil {
		return s, e
	}
	return int(v.start[s]), int(v.end[e-1])
}

// fold returns s in NFKC form. With lower, ASCII letters are lowered too; with mapped, the view can map offsets
// back. When nothing changes, the original string is returned and nothing is copied.
func (f *folder) fold(s string, lower, mapped bool) foldView {
	i := firstChange(s, lower)
	if i == len(s) {
		return foldView{text: s}
	}
	f.out = append(f.out[:0], s[:i]...)
	if mapped {
		f.start, f.end = f.start[:0], f.end[:0]
		for k := range i {
			f.start = append(f.start, int32(k))
			f.end = append(f.end, int32(k+1))
		}
	}
	// lastOrig and lastOut mark the last starter, where a run of combining marks that follows must be re-normalised
	// from, because NFKC may compose the marks into it.
	lastOrig, lastOut := -1, -1
	emit := func(b byte, from, to int) {
		f.out = append(f.out, b)
		if mapped {
			f.start = append(f.start, int32(from))
			f.end = append(f.end, int32(to))
		}
	}
	for i < len(s) {
		b := s[i]
		switch {
		case b < utf8.RuneSelf:
			lastOrig, lastOut = i, len(f.out)
			if lower && 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			emit(b, i, i+1)
			i++
			continue
		case 0xE4 <= b && b <= 0xE9 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			// U+4000..U+9FFF: CJK ideographs, all NFKC-stable starters.
			lastOrig, lastOut = i, len(f.out)
			emit(s[i], i, i+1)
			emit(s[i+1], i+1, i+2)
			emit(s[i+2], i+2, i+3)
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			// Invalid bytes pass through untouched, each its own segment.
			lastOrig, lastOut = -1, -1
			emit(b, i, i+1)
		case r == 0x3000:
			lastOrig, lastOut = i, len(f.out)
			emit(' ', i, i+n)
		case 0xFF01 <= r && r <= 0xFF5E:
			lastOrig, lastOut = i, len(f.out)
			c := byte(r - 0xFF01 + '!')
			if lower && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			emit(c, i, i+n)
		case stableRune(r) || inertRune(s[i:]):
			lastOrig, lastOut = i, len(f.out)
			for k := range n {
				emit(s[i+k], i+k, i+k+1)
			}
		default:
			seg, out := i, len(f.out)
			if !norm.NFKC.PropertiesString(s[i:]).BoundaryBefore() && lastOrig >= 0 {
				seg, out = lastOrig, lastOut
				f.out = f.out[:out]
				if mapped {
					f.start, f.end = f.start[:out], f.end[:out]
				}
			}
			j := i + n
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if (r2 == utf8.RuneError && n2 == 1) || norm.NFKC.PropertiesString(s[j:]).BoundaryBefore() {
					break
				}
				j += n2
			}
			for _, c := range []byte(norm.NFKC.String(s[seg:j])) {
				if lower && 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				emit(c, seg, j)
			}
			lastOrig, lastOut = seg, out
			n = j - i
		}
		i += n
	}
	v := foldView{text: string(f.out)}
	if mapped {
		v.start, v.end = f.start, f.end
	}
	return v
}

// firstChange returns the offset of the first byte that folding would change, or len(s).
func firstChange(s string, lower bool) int {
	for i := 0; i < len(s); {
		b := s[i]
		switch {
		case b < utf8.RuneSelf:
			if lower && 'A' <= b && b <= 'Z' {
				return i
			}
			i++
			continue
		case 0xE4 <= b && b <= 0xE9 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r == utf8.RuneError && n == 1) && !stableRune(r) && !inertRune(s[i:]) {
			return i
		}
		i += n
	}
	return len(s)
}

// stableRune reports, without a table lookup, whether r is one of the common characters of Japanese text that NFKC
// leaves alone and that never composes with the character before it. TestStableRune checks the ranges against
// x/text.
func stableRune(r rune) bool {
	switch {
	case 0x3001 <= r && r <= 0x3035: // CJK punctuation, 々, 〇, brackets
		return true
	case 0x3041 <= r && r <= 0x3096: // hiragana
		return true
	case 0x30A1 <= r && r <= 0x30FE: // katakana, ー
		return true
	case 0x3400 <= r && r <= 0x4DBF: // CJK extension A
		return true
	case 0x4E00 <= r && r <= 0x9FFF:
		return true
	}
	return false
}

// inertRune asks x/text whether the first rune of s is left alone by NFKC and does not compose with the rune before.
func inertRune(s string) bool {
	p := norm.NFKC.PropertiesString(s)
	return p.BoundaryBefore() && len(p.Decomposition()) == 0
}

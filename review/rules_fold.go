package review

import (
	"sort"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// folder turns text into NFKC form, optionally with ASCII letters lowered, and remembers where the folded text
// differs from the original so that a match in the folded text can be reported at its place in the original.
//
// Rules match on folded text because LLM output and crawled pages mix full-width and half-width forms at random
// (２０１０年 and 2010年, ＸＸＸ and XXX, ！ and !). Full NFKC through x/text costs far more than the rules themselves,
// so the common characters of Japanese text (ASCII, kana, CJK ideographs, CJK punctuation) take a hand-written fast
// path, full-width ASCII is mapped directly, and only the rare rest goes through x/text segment by segment.
type folder struct {
	out  []byte
	segs []foldSeg
}

// foldSeg is a stretch of folded text that differs from the original (＜ became <, ｶﾞ became ガ). Between
// segments the two texts are byte for byte the same.
type foldSeg struct {
	out, outEnd, orig, origEnd int32
}

// foldView is a folded text with the way back to the original. segs is nil when the text is the original.
type foldView struct {
	text string
	segs []foldSeg
	// invalid is set when the original has bytes that are not UTF-8 (they pass through unchanged).
	invalid bool
}

// orig maps a byte span of the folded text back to the original text. A span that starts or ends inside a changed
// segment widens to the whole segment. e must be > s.
func (v *foldView) orig(s, e int) (int, int) {
	if v.segs == nil {
		return s, e
	}
	return v.origStart(s), v.origEnd(e)
}

func (v *foldView) origStart(s int) int {
	// the last segment starting at or before s
	k := sort.Search(len(v.segs), func(k int) bool { return int(v.segs[k].out) > s }) - 1
	if k < 0 {
		return s
	}
	g := v.segs[k]
	if s < int(g.outEnd) {
		return int(g.orig)
	}
	return int(g.origEnd) + s - int(g.outEnd)
}

func (v *foldView) origEnd(e int) int {
	// the last segment starting before e
	k := sort.Search(len(v.segs), func(k int) bool { return int(v.segs[k].out) >= e }) - 1
	if k < 0 {
		return e
	}
	g := v.segs[k]
	if e <= int(g.outEnd) {
		return int(g.origEnd)
	}
	return int(g.origEnd) + e - int(g.outEnd)
}

// fold returns s in NFKC form, with ASCII letters lowered when lower is set. When nothing changes, the original
// string is returned and nothing is copied.
func (f *folder) fold(s string, lower bool) foldView {
	i, invalid := firstChange(s, lower)
	if i == len(s) {
		return foldView{text: s, invalid: invalid}
	}
	f.out = append(f.out[:0], s[:i]...)
	f.segs = f.segs[:0]
	// lastOrig and lastOut mark the last starter, where a run of combining marks that follows must be re-normalised
	// from, because NFKC may compose the marks into it.
	lastOrig, lastOut := -1, -1
	if r, n := utf8.DecodeLastRuneInString(s[:i]); i > 0 && !(r == utf8.RuneError && n == 1) {
		lastOrig, lastOut = i-n, i-n
	}
	changed := func(from, to, outStart int) {
		f.segs = append(f.segs, foldSeg{int32(outStart), int32(len(f.out)), int32(from), int32(to)})
	}
	for i < len(s) {
		// copy the run of bytes that stay as they are in one go
		j := i
		for j < len(s) {
			b := s[j]
			if b < utf8.RuneSelf {
				if lower && 'A' <= b && b <= 'Z' {
					break
				}
				j++
				continue
			}
			if 0xE3 <= b && b <= 0xE9 && j+2 < len(s) && s[j+1]&0xC0 == 0x80 && s[j+2]&0xC0 == 0x80 &&
				(b != 0xE3 || stableRune(0x3000|rune(s[j+1]&0x3F)<<6|rune(s[j+2]&0x3F))) {
				j += 3 // U+4000..U+9FFF are CJK ideographs, all NFKC-stable starters; U+3000..U+3FFF kana and punctuation
				continue
			}
			r, n := decodeRune(s, j)
			if r == utf8.RuneError && n == 1 || !stableRune(r) {
				break
			}
			j += n
		}
		if j > i {
			f.out = append(f.out, s[i:j]...)
			r, n := utf8.DecodeLastRuneInString(s[i:j])
			if r == utf8.RuneError && n == 1 {
				lastOrig, lastOut = -1, -1
			} else {
				lastOrig, lastOut = j-n, len(f.out)-n
			}
			i = j
			if i == len(s) {
				break
			}
		}
		b := s[i]
		if b < utf8.RuneSelf { // an upper-case letter to lower
			lastOrig, lastOut = i, len(f.out)
			f.out = append(f.out, b+'a'-'A')
			i++
			continue
		}
		r, n := decodeRune(s, i)
		switch {
		case r == utf8.RuneError && n == 1:
			// Invalid bytes pass through untouched, each its own segment.
			lastOrig, lastOut = -1, -1
			f.out = append(f.out, b)
			invalid = true
		case r == 0x3000:
			lastOrig, lastOut = i, len(f.out)
			f.out = append(f.out, ' ')
			changed(i, i+n, lastOut)
		case 0xFF01 <= r && r <= 0xFF5E:
			lastOrig, lastOut = i, len(f.out)
			c := byte(r - 0xFF01 + '!')
			if lower && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			f.out = append(f.out, c)
			changed(i, i+n, lastOut)
		case inertRune(s[i:]):
			lastOrig, lastOut = i, len(f.out)
			f.out = append(f.out, s[i:i+n]...)
		default:
			seg, out := i, len(f.out)
			if !norm.NFKC.PropertiesString(s[i:]).BoundaryBefore() && lastOrig >= 0 {
				seg, out = lastOrig, lastOut
				f.out = f.out[:out]
				for k := len(f.segs) - 1; k >= 0 && int(f.segs[k].outEnd) > out; k-- {
					f.segs = f.segs[:k] // the starter's own segment is redone with its marks
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
				f.out = append(f.out, c)
			}
			changed(seg, j, out)
			lastOrig, lastOut = seg, out
			n = j - i
		}
		i += n
	}
	return foldView{text: string(f.out), segs: f.segs, invalid: invalid}
}

// firstChange returns the offset of the first byte that folding would change, or len(s), and whether it passed
// invalid UTF-8 on the way.
func firstChange(s string, lower bool) (int, bool) {
	invalid := false
	for i := 0; i < len(s); {
		b := s[i]
		switch {
		case b < utf8.RuneSelf:
			if lower && 'A' <= b && b <= 'Z' {
				return i, invalid
			}
			i++
			continue
		case 0xE3 <= b && b <= 0xE9 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			(b != 0xE3 || stableRune(0x3000|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F))):
			i += 3
			continue
		}
		r, n := decodeRune(s, i)
		if r == utf8.RuneError && n == 1 {
			invalid = true
		} else if !stableRune(r) && !inertRune(s[i:]) {
			return i, invalid
		}
		i += n
	}
	return len(s), invalid
}

// decodeRune is utf8.DecodeRuneInString(s[i:]) with the 3-byte sequences of Japanese text decoded inline: lead
// bytes E1..EC and EE..EF accept any continuation bytes, so only the continuation bits need checking.
func decodeRune(s string, i int) (rune, int) {
	if i+2 < len(s) {
		b0, b1, b2 := s[i], s[i+1], s[i+2]
		if 0xE1 <= b0 && b0 <= 0xEF && b0 != 0xED && b1&0xC0 == 0x80 && b2&0xC0 == 0x80 {
			return rune(b0&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F), 3
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}

// stableRune reports, without a table lookup, whether r is one of the common characters of Japanese text that NFKC
// leaves alone and that never composes with the character before it. TestStableRune checks the ranges against
// x/text.
func stableRune(r rune) bool {
	switch {
	case 0x3001 <= r && r <= 0x3029, 0x3030 <= r && r <= 0x3035: // CJK punctuation, 々, 〇, brackets
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

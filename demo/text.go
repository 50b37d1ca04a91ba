package demo

import "strconv"

// text is a write buffer with the few formatting operations pages and summaries need. Rendering writes into
// one reused buffer, and the result is copied into a string once. Writes move a length, not a slice header: a
// slice stored through a pointer costs a GC write barrier per write, which at a few hundred writes per item was
// a sixth of the generator's time.
type text struct {
	buf []byte
	len int
}

func newText(size int) text { return text{buf: make([]byte, size)} }

func (b *text) bytes() []byte { return b.buf[:b.len] }

func (b *text) reset() { b.len = 0 }

func (b *text) s(parts ...string) {
	for _, p := range parts {
		if b.len+len(p) > len(b.buf) {
			b.grow(len(p))
		}
		b.len += copy(b.buf[b.len:], p)
	}
}

func (b *text) write(p []byte) {
	if b.len+len(p) > len(b.buf) {
		b.grow(len(p))
	}
	b.len += copy(b.buf[b.len:], p)
}

func (b *text) grow(n int) {
	buf := make([]byte, 2*len(b.buf)+n)
	copy(buf, b.buf[:b.len])
	b.buf = buf
}

// n writes v in decimal. Years, months and head counts are small, and writing up to four digits by hand is
// several times faster than strconv.
func (b *text) n(v int) {
	if b.len+20 > len(b.buf) {
		b.grow(20)
	}
	d := b.buf[b.len:]
	switch {
	case v < 0 || v >= 10000:
		b.len += len(strconv.AppendInt(d[:0], int64(v), 10))
	case v >= 1000:
		d[0], d[1], d[2], d[3] = byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10)
		b.len += 4
	case v >= 100:
		d[0], d[1], d[2] = byte('0'+v/100), byte('0'+v/10%10), byte('0'+v%10)
		b.len += 3
	case v >= 10:
		d[0], d[1] = byte('0'+v/10), byte('0'+v%10)
		b.len += 2
	default:
		d[0] = byte('0' + v)
		b.len++
	}
}

// pad writes v with at least width digits.
func (b *text) pad(v, width int) {
	for d := 10; width > 1; width-- {
		if v < d {
			b.s("0")
		}
		d *= 10
	}
	b.n(v)
}

// comma writes v with thousands separators (12,000).
func (b *text) comma(v int) {
	if v >= 1000 {
		b.comma(v / 1000)
		b.s(",")
		b.pad(v%1000, 3)
		return
	}
	b.n(v)
}

// yen writes a capital in 万円 as a Japanese page does: 1,000万円, 1億円, 4億5,000万円.
func (b *text) yen(man int) {
	if man >= 10000 {
		b.n(man / 10000)
		b.s("億")
		if man%10000 == 0 {
			b.s("円")
			return
		}
		man %= 10000
	}
	b.comma(man)
	b.s("万円")
}

// yenEN writes a capital in 万円 in English: 30 million yen, 500,000 yen.
func (b *text) yenEN(man int) {
	if man < 100 {
		b.comma(man * 10000)
		b.s(" yen")
		return
	}
	b.comma(man / 100)
	b.s(" million yen")
}

// capital writes s with its first letter upper-cased, for list items and sentence starts in English.
func (b *text) capital(s string) {
	if s != "" && 'a' <= s[0] && s[0] <= 'z' {
		b.s(s[:1])
		b.buf[b.len-1] -= 'a' - 'A'
		s = s[1:]
	}
	b.s(s)
}

// prefEN writes a prefecture as English addresses do: Aichi Prefecture, but Tokyo and Hokkaido bare.
func (b *text) prefEN(p *prefecture) {
	b.s(p.en)
	if p.en != "Tokyo" && p.en != "Hokkaido" {
		b.s(" Prefecture")
	}
}

package review

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// levenshteinTable is the textbook dynamic programme, the reference the fast version is checked against.
func levenshteinTable(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"both empty", "", "", 0},
		{"equal", "株式会社", "株式会社", 0},
		{"insert all", "", "abc", 3},
		{"delete all", "abc", "", 3},
		// kitten -> sitten (k->s) -> sittin (e->i) -> sitting (+g): 3
		{"kitten", "kitten", "sitting", 3},
		// flaw -> law (-f) -> lawn (+n): 2
		{"flaw", "flaw", "lawn", 2},
		// one substitution of one kanji counts 1, not 3 bytes
		{"kanji substitution", "我々は店舗を所有", "同社は店舗を所有", 2},
		// 「我々は、」(4 runes) deleted at the start
		{"first person removed", "我々は、店舗を所有しています。", "店舗を所有しています。", 4},
		// ！ -> 。 is one substitution
		{"exclamation", "実現します！", "実現します。", 1},
		// a rune outside the BMP (𠮷) is one rune, two UTF-16 units
		{"astral rune", "𠮷野家", "吉野家", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := EditDistance(tc.a, tc.b); got != tc.want {
				t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
			if got := EditDistance(tc.b, tc.a); got != tc.want {
				t.Errorf("EditDistance(%q, %q) = %d, want %d (symmetry)", tc.b, tc.a, got, tc.want)
			}
		})
	}
}

// randomText draws n runes from a small alphabet, so that matches are frequent and the bit vectors busy.
func randomText(r *rand.Rand, alphabet []rune, n int) string {
	var sb strings.Builder
	for range n {
		sb.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	return sb.String()
}

// mutate applies k random edits to s.
func mutate(r *rand.Rand, alphabet []rune, s string, k int) string {
	rs := []rune(s)
	for range k {
		switch op := r.IntN(3); {
		case op == 0 || len(rs) == 0:
			i := r.IntN(len(rs) + 1)
			rs = append(rs[:i], append([]rune{alphabet[r.IntN(len(alphabet))]}, rs[i:]...)...)
		case op == 1:
			i := r.IntN(len(rs))
			rs = append(rs[:i], rs[i+1:]...)
		default:
			rs[r.IntN(len(rs))] = alphabet[r.IntN(len(alphabet))]
		}
	}
	return string(rs)
}

func TestEditDistanceMatchesTable(t *testing.T) {
	alphabets := map[string][]rune{
		"binary":   []rune("ab"),
		"japanese": []rune("株式会社はでのを、。我々当"),
	}
	// Lengths straddle the 64-rune block boundary: 63, 64, 65, 127, 128, 129 exercise the carries between blocks.
	lengths := []int{1, 2, 5, 63, 64, 65, 100, 127, 128, 129, 200, 400}
	r := rand.New(rand.NewPCG(1, 2))
	for name, alpha := range alphabets {
		for _, n := range lengths {
			for _, k := range []int{0, 1, 3, n / 4, n} {
				a := randomText(r, alpha, n)
				b := mutate(r, alpha, a, k)
				c := randomText(r, alpha, r.IntN(2*n+1))
				for _, pair := range [][2]string{{a, b}, {b, a}, {a, c}, {c, a}} {
					if got, want := EditDistance(pair[0], pair[1]), levenshteinTable(pair[0], pair[1]); got != want {
						t.Fatalf("%s n=%d k=%d: EditDistance(%q, %q) = %d, table says %d", name, n, k, pair[0], pair[1], got, want)
					}
				}
			}
		}
	}
}

func FuzzEditDistance(f *testing.F) {
	f.Add("kitten", "sitting")
	f.Add("我々は店舗を所有", "同社は店舗を所有")
	f.Add(strings.Repeat("ab", 40), strings.Repeat("ba", 41))
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 600 || len(b) > 600 {
			t.Skip("the reference table is quadratic")
		}
		if got, want := EditDistance(a, b), levenshteinTable(a, b); got != want {
			t.Fatalf("EditDistance(%q, %q) = %d, table says %d", a, b, got, want)
		}
	})
}

func BenchmarkEditDistance(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	alpha := []rune("株式会社はでのを、。我々当店舗所有介護サービス提供")
	orig := randomText(r, alpha, 400)
	cases := map[string]string{
		"400 runes, 10 edits":    mutate(r, alpha, orig, 10),
		"400 runes, rewritten":   randomText(r, alpha, 400),
		"400 runes, prefix only": "同社は" + string([]rune(orig)[3:]),
	}
	for name, edited := range cases {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				EditDistance(orig, edited)
			}
		})
	}
	// The textbook table on the same pair, to show what the bit-parallel version saves.
	b.Run("400 runes, rewritten, reference table", func(b *testing.B) {
		for b.Loop() {
			levenshteinTable(orig, cases["400 runes, rewritten"])
		}
	})
}

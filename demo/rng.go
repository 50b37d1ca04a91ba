package demo

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Streams keep the draws for different purposes apart, so that changing how decisions are drawn never changes
// the items, and the choice of reviewed items does not depend on the Reviewed share's other draws.
const (
	streamItem uint64 = iota + 1
	streamJudge
	streamReview
	streamPick
)

// rng is a PCG generator seeded from (seed, stream, index). It is a value, not a *rand.Rand, so an item's
// randomness costs no allocation and any item can be regenerated on its own.
type rng struct{ pcg rand.PCG }

func newRNG(seed int64, stream uint64, i int) rng {
	var r rng
	r.pcg.Seed(mix(uint64(seed)^mix(stream)), mix(uint64(i)+stream<<56))
	return r
}

// mix is the splitmix64 finaliser: neighbouring indexes and seeds give unrelated PCG states.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// intn returns a number in [0, n) by Lemire's multiply-shift; the bias for the small n used here is below 2^-20.
func (r *rng) intn(n int) int { return int(((r.pcg.Uint64() >> 32) * uint64(n)) >> 32) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

func (r *rng) float() float64 { return float64(r.pcg.Uint64()>>11) / (1 << 53) }

func (r *rng) chance(p float64) bool { return r.float() < p }

// normal returns a standard normal draw (Box-Muller).
func (r *rng) normal() float64 {
	u := 1 - r.float() // (0, 1]: the logarithm stays finite
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*r.float())
}

// logUniform returns a number in [lo, hi] whose logarithm is uniform: company sizes are spread that way.
func (r *rng) logUniform(lo, hi int) int {
	return int(math.Round(float64(lo) * math.Pow(float64(hi)/float64(lo), r.float())))
}

// weighted picks an index by cumulative weights.
func (r *rng) weighted(cum []int) int {
	x := r.intn(cum[len(cum)-1])
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// distinct fills dst with distinct indexes in [0, n), in random order; len(dst) must not exceed n.
func (r *rng) distinct(dst []uint8, n int) {
	for i := 0; i < len(dst); {
		v := uint8(r.intn(n))
		if !slices.Contains(dst[:i], v) {
			dst[i] = v
			i++
		}
	}
}

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

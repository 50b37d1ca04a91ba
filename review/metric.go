package review

import (
	"fmt"
	"math"
	"slices"
)

// The metrics in the metric*.go files are the numbers supervisors read: yield rates, judge calibration, population
// estimates, reviewer speed and agreement, hint-rule precision and the cost model. They are pure arithmetic on counts
// that the store aggregates in SQL, so that every formula can be checked by hand in a test.
//
// Undefined values (a rate over zero items, a kappa when both raters used one category) are NaN in the scalar
// functions, as in package math, and nil in every result type: encoding/json refuses NaN, and a null tells the UI to
// show "no data" instead of a made-up zero.

// Z95 is the standard normal quantile for a two-sided 95% interval.
const Z95 = 1.959963984540054

// Interval is a confidence interval, or hard bounds where a doc comment says so.
type Interval struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// Wilson returns the Wilson score interval for a binomial proportion successes/n. It is used instead of the normal
// (Wald) interval because yield is often near 1 in the top score band and samples are small; Wald gives a zero-width
// interval at 20 of 20, Wilson does not. With n = 0 nothing is known and the interval is {0, 1}.
// Counts outside 0 <= successes <= n are a caller's bug and panic.
func Wilson(successes, n int, z float64) Interval {
	if n < 0 || successes < 0 || successes > n || math.IsNaN(z) || z < 0 {
		panic(fmt.Sprintf("review.Wilson: need 0 <= successes <= n and z >= 0, got successes=%d n=%d z=%v", successes, n, z))
	}
	if n == 0 {
		return Interval{0, 1}
	}
	nf := float64(n)
	p := float64(successes) / nf
	z2 := z * z
	denom := 1 + z2/nf
	center := (p + z2/(2*nf)) / denom
	half := z / denom * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	iv := Interval{math.Max(0, center-half), math.Min(1, center+half)}
	// Rounding can leave 1e-17 where the exact bound is 0 or 1.
	if successes == 0 {
		iv.Lo = 0
	}
	if successes == n {
		iv.Hi = 1
	}
	return iv
}

// Proportion is count out of total with its Wilson 95% interval. Rate is nil when total is 0.
type Proportion struct {
	Count int      `json:"count"`
	Total int      `json:"total"`
	Rate  *float64 `json:"rate"`
	CI    Interval `json:"ci"`
}

// NewProportion returns count/total with its Wilson 95% interval.
func NewProportion(count, total int) Proportion {
	ci := Wilson(count, total, Z95)
	return Proportion{Count: count, Total: total, Rate: ratio(count, total), CI: ci}
}

// Yield is the yield rate of a slice of reviewed items: (accepted + edited) / reviewed, where reviewed is
// accepted + edited + rejected. Skipped and auto-discarded items are not reviewed and not counted.
type Yield struct {
	Accepted int `json:"accepted"`
	Edited   int `json:"edited"`
	Rejected int `json:"rejected"`
	Reviewed int `json:"reviewed"`
	// Rate is nil when nothing was reviewed.
	Rate *float64 `json:"rate"`
	// CI is the Wilson 95% interval of Rate; {0, 1} when nothing was reviewed.
	CI Interval `json:"ci"`
}

// NewYield returns the yield of a slice from its verdict counts. Negative counts panic.
func NewYield(accepted, edited, rejected int) Yield {
	if accepted < 0 || edited < 0 || rejected < 0 {
		panic(fmt.Sprintf("review.NewYield: negative count (accepted=%d edited=%d rejected=%d)", accepted, edited, rejected))
	}
	p := NewProportion(accepted+edited, accepted+edited+rejected)
	return Yield{Accepted: accepted, Edited: edited, Rejected: rejected, Reviewed: p.Total, Rate: p.Rate, CI: p.CI}
}

// Estimate is a point estimate with an interval. Value is nil when the data cannot support a point estimate (for
// example a population band nobody reviewed); the interval is then the hard bounds of what is possible.
type Estimate struct {
	Value *float64 `json:"value"`
	CI    Interval `json:"ci"`
}

// Median returns the median of xs (the mean of the two middle values for an even count), or NaN for no values.
// NaN values are ignored. xs is not modified.
func Median(xs []float64) float64 {
	s := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			s = append(s, x)
		}
	}
	if len(s) == 0 {
		return math.NaN()
	}
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// CohenKappa returns Cohen's kappa for a square agreement matrix: matrix[i][j] counts the items the first rater put
// in category i and the second in category j. kappa = (po - pe) / (1 - pe), with po the observed share of agreement
// and pe the agreement expected by chance from the two raters' marginal shares. It is 1 for perfect agreement, 0 for
// chance agreement and negative below chance. It is NaN when the matrix is empty or pe = 1 (both raters put every
// item in the same single category, so agreement says nothing about skill). A non-square matrix or a negative count
// panics.
func CohenKappa(matrix [][]int) float64 {
	_, _, kappa := kappaParts(matrix)
	return kappa
}

func kappaParts(matrix [][]int) (po, pe, kappa float64) {
	k := len(matrix)
	rows := make([]float64, k)
	cols := make([]float64, k)
	var n, agree float64
	for i, row := range matrix {
		if len(row) != k {
			panic(fmt.Sprintf("review.CohenKappa: matrix is not square: row %d has %d columns, want %d", i, len(row), k))
		}
		for j, c := range row {
			if c < 0 {
				panic(fmt.Sprintf("review.CohenKappa: negative count %d at [%d][%d]", c, i, j))
			}
			f := float64(c)
			rows[i] += f
			cols[j] += f
			n += f
			if i == j {
				agree += f
			}
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	po = agree / n
	for i := range k {
		pe += rows[i] / n * cols[i] / n
	}
	if pe >= 1 {
		return po, pe, math.NaN()
	}
	return po, pe, (po - pe) / (1 - pe)
}

// AgreementTable is an agreement matrix between two raters with its summary numbers.
type AgreementTable struct {
	Categories []string `json:"categories"`
	// Matrix rows are the first rater's category, columns the second's, in Categories order.
	Matrix [][]int `json:"matrix"`
	Pairs  int     `json:"pairs"`
	// Observed is the share of pairs that agree; Expected the share chance would give; nil without pairs.
	Observed *float64 `json:"observed"`
	Expected *float64 `json:"expected"`
	// Kappa is Cohen's kappa; nil when undefined (see CohenKappa).
	Kappa *float64 `json:"kappa"`
}

// NewAgreementTable summarises a square agreement matrix whose rows and columns follow categories.
func NewAgreementTable(categories []string, matrix [][]int) AgreementTable {
	if len(matrix) != len(categories) {
		panic(fmt.Sprintf("review.NewAgreementTable: %d categories for a %d-row matrix", len(categories), len(matrix)))
	}
	po, pe, kappa := kappaParts(matrix)
	pairs := 0
	for _, row := range matrix {
		for _, c := range row {
			pairs += c
		}
	}
	return AgreementTable{Categories: categories, Matrix: matrix, Pairs: pairs,
		Observed: finite(po), Expected: finite(pe), Kappa: finite(kappa)}
}

// finite turns an undefined value into nil so that it reaches JSON as null.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// ratio returns a/b, nil for b = 0.
func ratio(a, b int) *float64 {
	if b == 0 {
		return nil
	}
	v := float64(a) / float64(b)
	return &v
}

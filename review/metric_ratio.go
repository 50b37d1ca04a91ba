package review

import "math"

// RatioCluster is one cluster of a ratio estimate: a total Y over a count X, such as one reviewer-day's active
// seconds over the items reviewed that day.
type RatioCluster struct {
	Y float64 `json:"y"`
	X float64 `json:"x"`
}

// Ratio is a ratio of totals with its 95% interval.
type Ratio struct {
	// Value is sum(Y) / sum(X); nil when sum(X) is 0.
	Value *float64 `json:"value"`
	// CI is nil when the clusters cannot show how much the ratio varies: fewer than two with X > 0.
	CI       *Interval `json:"ci"`
	Clusters int       `json:"clusters"`
}

// EstimateRatio returns R = sum(Y) / sum(X) over clusters with its 95% interval, by the linearised (Taylor)
// variance of the ratio estimator with clusters taken as a sample from an unbounded population of them (Cochran,
// Sampling Techniques, 6.3): Var(R) = sum((Y_i - R*X_i)^2) / (m*(m-1) * Xbar^2), Xbar = sum(X)/m, over the m
// clusters, and R -+ t(0.975, m-1) * sqrt(Var(R)), with Student's t because a few reviewer-days are a small sample.
// Clusters are what makes it honest: the seconds of one reviewer on one day go together (their pace, their items),
// so they are not independent draws, while different reviewer-days nearly are. The lower end is clamped at 0,
// which is what Y and X >= 0 allow. Clusters with X = 0 and Y > 0 (a day of skips only) count: their time is part
// of the cost. Negative or non-finite values panic.
func EstimateRatio(clusters []RatioCluster) Ratio {
	var sy, sx float64
	m, withX := 0, 0
	for _, c := range clusters {
		if c.Y < 0 || c.X < 0 || math.IsNaN(c.Y+c.X) || math.IsInf(c.Y+c.X, 0) {
			panic("review.EstimateRatio: cluster totals must be finite and 0 or more")
		}
		if c.X == 0 && c.Y == 0 {
			continue // an empty cluster is no observation
		}
		m++
		if c.X > 0 {
			withX++
		}
		sy += c.Y
		sx += c.X
	}
	r := Ratio{Clusters: m}
	if sx == 0 {
		return r
	}
	R := sy / sx
	r.Value = &R
	if withX < 2 {
		return r
	}
	var ss float64
	for _, c := range clusters {
		d := c.Y - R*c.X
		ss += d * d
	}
	mf := float64(m)
	xbar := sx / mf
	half := StudentT975(m-1) * math.Sqrt(ss/(mf*(mf-1)*xbar*xbar))
	r.CI = &Interval{Lo: math.Max(0, R-half), Hi: R + half}
	return r
}

// t975 holds Student's t quantile at 0.975 for 1 to 30 degrees of freedom (the usual table, 4 decimals).
var t975 = [...]float64{12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
	2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
	2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423}

// StudentT975 returns Student's t quantile at 0.975 for df degrees of freedom (the half width of a two-sided 95%
// interval in standard errors): from the table up to 30, and beyond it from the Cornish-Fisher expansion around
// the normal quantile, z + (z^3+z)/(4df) + (5z^5+16z^3+3z)/(96df^2) + (3z^7+19z^5+17z^3-15z)/(384df^3), which is
// within 2e-6 of the exact value there. df < 1 panics.
func StudentT975(df int) float64 {
	if df < 1 {
		panic("review.StudentT975: need at least one degree of freedom")
	}
	if df <= len(t975) {
		return t975[df-1]
	}
	z, n := Z95, float64(df)
	z3, z5, z7 := z*z*z, math.Pow(z, 5), math.Pow(z, 7)
	return z + (z3+z)/(4*n) + (5*z5+16*z3+3*z)/(96*n*n) + (3*z7+19*z5+17*z3-15*z)/(384*n*n*n)
}

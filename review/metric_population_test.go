package review

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// Three reviewed bands, given out of order:
//
//	band 1: N = 600, n = 20,  good 10  (p = 0.5)
//	band 2: N = 400, n = 20,  good 18  (p = 0.9)
//	band 3: N = 100, n = 100, good 95  (reviewed in full)
//
// Projected good = 600*0.5 + 400*0.9 + 100*0.95 = 300 + 360 + 95 = 755 of 1100: yield 755/1100 = 0.686364.
// Variance of the good total, N^2 * (N-n)/(N-1) * p~(1-p~) / n with p~ = (good+1)/(n+2):
//
//	band 1: p~ = 11/22 = 0.5,       360000 * 580/599 * 0.25/20       = 4357.262104
//	band 2: p~ = 19/22 = 0.863636,  160000 * 380/399 * 0.117769/20   =  897.284534
//	band 3: N = n, fpc 0                                             =    0
//
// sum 5254.546637, sd 72.488252, half width 1.959964 * 72.488252 = 142.074363: good in [612.925637, 897.074363],
// inside the hard bounds [seen good 123, 1100 - seen bad 17 = 1083]; yield in [0.557205, 0.815522].
func reviewedBands() []StratumCount {
	return []StratumCount{
		{Band: 2, Population: 400, Reviewed: 20, Good: 18},
		{Band: 3, Population: 100, Reviewed: 100, Good: 95},
		{Band: 1, Population: 600, Reviewed: 20, Good: 10},
	}
}

func TestEstimatePopulation(t *testing.T) {
	pe, err := EstimatePopulation(reviewedBands())
	if err != nil {
		t.Fatal(err)
	}
	if !pe.Complete || pe.Population != 1100 || pe.Reviewed != 140 || pe.Good != 123 || len(pe.UnreviewedBands) != 0 {
		t.Errorf("totals = %+v", pe)
	}
	approxPtr(t, "yield", pe.Yield.Value, 755.0/1100)
	approxInterval(t, "yield ci", pe.Yield.CI, 0.557205, 0.815522)
	approxPtr(t, "good items", pe.GoodItems.Value, 755)
	approxInterval(t, "good items ci", pe.GoodItems.CI, 612.925637, 897.074363)
	// With every band reviewed, the covered estimate is the whole estimate.
	approxPtr(t, "covered yield", pe.CoveredYield.Value, 755.0/1100)
	if pe.CoveredPopulation != 1100 {
		t.Errorf("covered population = %d, want 1100", pe.CoveredPopulation)
	}

	bands := make([]int, len(pe.Strata))
	for i, s := range pe.Strata {
		bands[i] = s.Band
	}
	if !slices.Equal(bands, []int{1, 2, 3}) {
		t.Errorf("strata bands = %v, want ascending 1 2 3", bands)
	}
	b1 := pe.Strata[0]
	approx(t, "band 1 weight", b1.Weight, 600.0/1100)
	approxPtr(t, "band 1 yield", b1.Yield.Rate, 0.5)
	approxPtr(t, "band 1 good", b1.GoodItems.Value, 300)
	// 300 -+ 1.959964 * sqrt(4357.262104) = 300 -+ 129.376362
	approxInterval(t, "band 1 good ci", b1.GoodItems.CI, 170.623638, 429.376362)
	// band 3 was reviewed in full: its 95 good are known exactly
	approxInterval(t, "band 3 good ci", pe.Strata[2].GoodItems.CI, 95, 95)
}

func TestEstimatePopulationUnreviewedBand(t *testing.T) {
	// Band 0 holds 1000 items nobody reviewed (auto-discarded, say) next to the bands of reviewedBands.
	pe, err := EstimatePopulation(append(reviewedBands(), StratumCount{Band: 0, Population: 1000}))
	if err != nil {
		t.Fatal(err)
	}
	if pe.Complete || !slices.Equal(pe.UnreviewedBands, []int{0}) || pe.UnreviewedPopulation != 1000 || pe.Population != 2100 {
		t.Errorf("unreviewed band not reported: %+v", pe)
	}
	// No point value for the whole population; its bounds take band 0 as all bad (612.925637/2100) to all good
	// ((897.074363 + 1000)/2100).
	approxPtr(t, "yield", pe.Yield.Value, math.NaN())
	approxInterval(t, "yield bounds", pe.Yield.CI, 0.291869, 0.903369)
	approxPtr(t, "good items", pe.GoodItems.Value, math.NaN())
	approxInterval(t, "good bounds", pe.GoodItems.CI, 612.925637, 1897.074363)
	// The reviewed bands are still estimated as in TestEstimatePopulation.
	approxPtr(t, "covered yield", pe.CoveredYield.Value, 755.0/1100)
	approxInterval(t, "covered ci", pe.CoveredYield.CI, 0.557205, 0.815522)
	if pe.CoveredPopulation != 1100 {
		t.Errorf("covered population = %d, want 1100", pe.CoveredPopulation)
	}
	b0 := pe.Strata[0]
	if b0.Band != 0 || !b0.Unreviewed {
		t.Errorf("band 0 = %+v, want flagged unreviewed", b0)
	}
	approxPtr(t, "band 0 good", b0.GoodItems.Value, math.NaN())
	approxInterval(t, "band 0 good bounds", b0.GoodItems.CI, 0, 1000)
	approx(t, "band 0 weight", b0.Weight, 1000.0/2100)
}

func TestEstimatePopulationEdgeCases(t *testing.T) {
	tests := []struct {
		name     string
		strata   []StratumCount
		yield    float64 // NaN: no value
		lo, hi   float64
		complete bool
	}{
		// Nothing imported: nothing to estimate, and nothing missing.
		{"no strata", nil, math.NaN(), 0, 1, true},
		// A band with no items and no reviews is neither estimated nor unreviewed.
		{"empty band", []StratumCount{{Band: 4}}, math.NaN(), 0, 1, true},
		// Fully reviewed: 7 of 10, exact.
		{"census", []StratumCount{{Band: 9, Population: 10, Reviewed: 10, Good: 7}}, 0.7, 0.7, 0.7, true},
		// 20 of 20 good in a band of 1000: p~ = 21/22, var = 1e6 * 980/999 * (21/22)(1/22)/20 = 2128.161219,
		// half = 1.959964 * 46.132 = 90.417054; good in [909.582946, 1000 (everything but 0 seen bad)].
		// The interval does not collapse to 1 as the unsmoothed p(1-p) would make it.
		{"all good sample", []StratumCount{{Band: 10, Population: 1000, Reviewed: 20, Good: 20}}, 1, 0.909583, 1, true},
		// One review of 50 items, good: p~ = 2/3, var = 2500 * 49/49 * (2/9)/1 = 555.555556, half = 46.196794;
		// good in [max(1 seen, 3.803206), min(50, 96.2)] -> yield [0.076064, 1]
		{"single review", []StratumCount{{Band: 1, Population: 50, Reviewed: 1, Good: 1}}, 1, 0.076064, 1, true},
		// Only unreviewed items: no value, bounds 0..1.
		{"nothing reviewed", []StratumCount{{Band: 1, Population: 50}}, math.NaN(), 0, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pe, err := EstimatePopulation(tc.strata)
			if err != nil {
				t.Fatal(err)
			}
			if pe.Complete != tc.complete {
				t.Errorf("complete = %v, want %v", pe.Complete, tc.complete)
			}
			approxPtr(t, "yield", pe.Yield.Value, tc.yield)
			approxInterval(t, "yield ci", pe.Yield.CI, tc.lo, tc.hi)
		})
	}
}

func TestEstimatePopulationRejectsInconsistentCounts(t *testing.T) {
	tests := []struct {
		name   string
		strata []StratumCount
		say    string
	}{
		{"more reviewed than items", []StratumCount{{Band: 1, Population: 3, Reviewed: 4, Good: 1}}, "band 1: 4 reviewed but only 3 items"},
		{"more good than reviewed", []StratumCount{{Band: 2, Population: 9, Reviewed: 4, Good: 5}}, "band 2: 5 good out of 4 reviewed"},
		{"negative", []StratumCount{{Band: 3, Population: -1}}, "band 3: negative count"},
		{"band twice", []StratumCount{{Band: 5, Population: 1}, {Band: 5, Population: 2}}, "band 5 is given twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := EstimatePopulation(tc.strata)
			if ErrorCode(err) != Invalid || !strings.Contains(err.Error(), tc.say) {
				t.Errorf("err = %v (code %q), want Invalid saying %q", err, ErrorCode(err), tc.say)
			}
			if _, err := AdviseBands(tc.strata); ErrorCode(err) != Invalid {
				t.Errorf("AdviseBands err = %v, want Invalid", err)
			}
		})
	}
}

func TestAdviseBands(t *testing.T) {
	advice, err := AdviseBands(reviewedBands())
	if err != nil {
		t.Fatal(err)
	}
	if len(advice) != 3 {
		t.Fatalf("got %d boundaries, want 3", len(advice))
	}

	// Boundary at band 1: accept all 1100, discard nothing. Bad in accepted = 1 - 755/1100 = 0.313636, interval
	// 1 - [897.074363, 612.925637]/1100 = [0.184478, 0.442795]. Nothing good is discarded.
	a := advice[0]
	if a.Band != 1 || a.AcceptedItems != 1100 || a.DiscardedItems != 0 || !a.Complete {
		t.Errorf("boundary 1 = %+v", a)
	}
	approxPtr(t, "b1 bad in accepted", a.BadInAccepted.Value, 345.0/1100)
	approxInterval(t, "b1 bad in accepted ci", a.BadInAccepted.CI, 0.184478, 0.442795)
	approxPtr(t, "b1 good discarded", a.GoodDiscarded.Value, 0)
	approxInterval(t, "b1 good discarded ci", a.GoodDiscarded.CI, 0, 0)

	// Boundary at band 2: discard band 1 (600 items), accept bands 2 and 3 (500).
	// Above: good 360 + 95 = 455, variance 897.284534, half 1.959964 * 29.954708 = 58.710149 ->
	// [396.289851, 513.710149], clamped above at 500 - 7 seen bad = 493.
	// Bad in accepted = 45/500 = 0.09, interval [1 - 493/500, 1 - 396.289851/500] = [0.014, 0.207420].
	// Below: good 300 in [170.623638, 429.376362] (band 1 of TestEstimatePopulation).
	// Good discarded = 300/755 = 0.397351; interval [170.623638/(170.623638 + 493),
	// 429.376362/(429.376362 + 396.289851)] = [0.257109, 0.520036].
	a = advice[1]
	if a.Band != 2 || a.AcceptedItems != 500 || a.DiscardedItems != 600 {
		t.Errorf("boundary 2 = %+v", a)
	}
	approxPtr(t, "b2 bad in accepted", a.BadInAccepted.Value, 0.09)
	approxInterval(t, "b2 bad in accepted ci", a.BadInAccepted.CI, 0.014, 0.207420)
	approxPtr(t, "b2 bad accepted items", a.BadAcceptedItems.Value, 45)
	approxInterval(t, "b2 bad accepted items ci", a.BadAcceptedItems.CI, 7, 103.710149)
	approxPtr(t, "b2 good discarded", a.GoodDiscarded.Value, 300.0/755)
	approxInterval(t, "b2 good discarded ci", a.GoodDiscarded.CI, 0.257109, 0.520036)
	approxPtr(t, "b2 good discarded items", a.GoodDiscardedItems.Value, 300)

	// Boundary at band 3: accept only the fully reviewed band: exactly 5 of 100 bad.
	a = advice[2]
	approxPtr(t, "b3 bad in accepted", a.BadInAccepted.Value, 0.05)
	approxInterval(t, "b3 bad in accepted ci", a.BadInAccepted.CI, 0.05, 0.05)
	// Good discarded = 660/755 = 0.874172.
	approxPtr(t, "b3 good discarded", a.GoodDiscarded.Value, 660.0/755)
}

func TestAdviseBandsUnreviewedBand(t *testing.T) {
	advice, err := AdviseBands(append(reviewedBands(), StratumCount{Band: 0, Population: 1000}))
	if err != nil {
		t.Fatal(err)
	}
	// Boundary at band 0 accepts the unreviewed band too: no value, and the bad share is bounded by taking band 0
	// as all good (1 - 1897.074363/2100) and all bad (1 - 612.925637/2100).
	a := advice[0]
	if a.Band != 0 || a.Complete {
		t.Errorf("boundary 0 = %+v, want incomplete", a)
	}
	approxPtr(t, "b0 bad in accepted", a.BadInAccepted.Value, math.NaN())
	approxInterval(t, "b0 bad in accepted bounds", a.BadInAccepted.CI, 0.096631, 0.708131)
	// Boundary at band 1 discards the unreviewed band: what it throws away is unknown, from nothing to
	// 1000/(1000 + 612.925637) = 0.619991 of all good items. The accepted side is fully reviewed and estimated.
	a = advice[1]
	if a.Complete {
		t.Errorf("boundary 1 = %+v, want incomplete", a)
	}
	approxPtr(t, "b1 good discarded", a.GoodDiscarded.Value, math.NaN())
	approxInterval(t, "b1 good discarded bounds", a.GoodDiscarded.CI, 0, 0.619991)
	approxPtr(t, "b1 bad in accepted", a.BadInAccepted.Value, 345.0/1100)
}

func TestAdviseBandsEmpty(t *testing.T) {
	advice, err := AdviseBands(nil)
	if err != nil || len(advice) != 0 {
		t.Errorf("AdviseBands(nil) = %v, %v; want no advice", advice, err)
	}
	// A band of 0 items: nothing accepted, no bad share, interval everything.
	advice, err = AdviseBands([]StratumCount{{Band: 3}})
	if err != nil {
		t.Fatal(err)
	}
	approxPtr(t, "empty band bad in accepted", advice[0].BadInAccepted.Value, math.NaN())
	approxInterval(t, "empty band bad in accepted ci", advice[0].BadInAccepted.CI, 0, 1)
}

func TestAdviseBandsCovered(t *testing.T) {
	// Band 2 in the middle has no review:
	//
	//	band 1: N = 600, n = 20,  good 10: 300 good in [170.623638, 429.376362] (TestEstimatePopulation)
	//	band 2: N = 400, n = 0
	//	band 3: N = 100, n = 100, good 95: exactly 95
	advice, err := AdviseBands([]StratumCount{{Band: 1, Population: 600, Reviewed: 20, Good: 10}, {Band: 2, Population: 400},
		{Band: 3, Population: 100, Reviewed: 100, Good: 95}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range advice {
		if !slices.Equal(a.UncoveredBands, []int{2}) || a.Complete {
			t.Errorf("boundary %d: uncovered %v complete %v, want [2] and incomplete", a.Band, a.UncoveredBands, a.Complete)
		}
	}
	// Boundary at band 1 discards nothing: exactly 0 thrown away, though band 2 above is unknown.
	a := advice[0]
	approxPtr(t, "b1 good discarded", a.GoodDiscarded.Value, 0)
	approxInterval(t, "b1 good discarded ci", a.GoodDiscarded.CI, 0, 0)
	approxPtr(t, "b1 good discarded items", a.GoodDiscardedItems.Value, 0)
	approxPtr(t, "b1 bad in accepted", a.BadInAccepted.Value, math.NaN())
	// Covered, bands 1 and 3: 1 - 395/700 = 0.435714 bad; nothing discarded.
	if a.Covered.AcceptedItems != 700 || a.Covered.DiscardedItems != 0 {
		t.Errorf("b1 covered = %+v", a.Covered)
	}
	approxPtr(t, "b1 covered bad in accepted", a.Covered.BadInAccepted.Value, 305.0/700)
	approxPtr(t, "b1 covered good discarded", a.Covered.GoodDiscarded.Value, 0)

	// Boundary at band 3 discards bands 1 and 2: unknown over the whole; over the covered bands
	// 300 / (300 + 95) = 0.759494, interval [170.623638 / (170.623638 + 95), 429.376362 / (429.376362 + 95)] =
	// [0.642351, 0.818832]. Accepting band 3 alone lets exactly 5 of 100 bad through.
	a = advice[2]
	approxPtr(t, "b3 good discarded", a.GoodDiscarded.Value, math.NaN())
	if a.Covered.AcceptedItems != 100 || a.Covered.DiscardedItems != 600 {
		t.Errorf("b3 covered = %+v", a.Covered)
	}
	approxPtr(t, "b3 covered good discarded", a.Covered.GoodDiscarded.Value, 300.0/395)
	approxInterval(t, "b3 covered good discarded ci", a.Covered.GoodDiscarded.CI, 0.642351, 0.818832)
	approxPtr(t, "b3 covered bad in accepted", a.Covered.BadInAccepted.Value, 0.05)
	approxPtr(t, "b3 bad in accepted", a.BadInAccepted.Value, 0.05)

	// Boundary at band 2: the covered bands give the same split as at band 3, since band 2 is left out.
	approxPtr(t, "b2 covered good discarded", advice[1].Covered.GoodDiscarded.Value, 300.0/395)

	// Every band reviewed: nothing uncovered, and the covered shares are the whole ones.
	full, err := AdviseBands(reviewedBands())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range full {
		if len(a.UncoveredBands) != 0 || !sameEstimate(a.Covered.GoodDiscarded, a.GoodDiscarded) ||
			!sameEstimate(a.Covered.BadInAccepted, a.BadInAccepted) {
			t.Errorf("boundary %d: covered %+v differs from %+v %+v", a.Band, a.Covered, a.GoodDiscarded, a.BadInAccepted)
		}
	}
}

func TestEstimateWholeImport(t *testing.T) {
	// reviewedBands (1100 items, 755 good in [612.925637, 897.074363]) and 900 auto-discarded items: 2000 in all.
	// Good summaries: unknown, from 612.925637 (none of the 900 good) to 897.074363 + 900 = 1797.074363; yield
	// [0.306463, 0.898537]. Taking the 900 as bad: 755 / 2000 = 0.3775 in [0.306463, 0.448537].
	w, err := EstimateWholeImport(reviewedBands(), 900)
	if err != nil {
		t.Fatal(err)
	}
	if w.Population != 2000 || w.AutoDiscarded != 900 {
		t.Errorf("counts = %+v", w)
	}
	approxPtr(t, "yield", w.Yield.Value, math.NaN())
	approxInterval(t, "yield bounds", w.Yield.CI, 0.306463, 0.898537)
	approxPtr(t, "good items", w.GoodItems.Value, math.NaN())
	approxInterval(t, "good items bounds", w.GoodItems.CI, 612.925637, 1797.074363)
	approxPtr(t, "yield if discarded bad", w.YieldIfDiscardedBad.Value, 0.3775)
	approxInterval(t, "yield if discarded bad ci", w.YieldIfDiscardedBad.CI, 0.306463, 0.448537)

	// Nothing auto-discarded: the whole import is the review population, with its estimate.
	w, err = EstimateWholeImport(reviewedBands(), 0)
	if err != nil {
		t.Fatal(err)
	}
	approxPtr(t, "yield without discards", w.Yield.Value, 755.0/1100)
	approxInterval(t, "yield without discards ci", w.Yield.CI, 0.557205, 0.815522)
	approxPtr(t, "yield if discarded bad without discards", w.YieldIfDiscardedBad.Value, 755.0/1100)

	// Only auto-discarded items: everything is bounded, nothing estimated.
	w, err = EstimateWholeImport(nil, 50)
	if err != nil {
		t.Fatal(err)
	}
	approxInterval(t, "all discarded good items", w.GoodItems.CI, 0, 50)
	approxPtr(t, "all discarded if bad", w.YieldIfDiscardedBad.Value, 0)
	approxInterval(t, "all discarded if bad ci", w.YieldIfDiscardedBad.CI, 0, 0)

	// Empty import.
	w, err = EstimateWholeImport(nil, 0)
	if err != nil || w.Population != 0 || w.Yield.Value != nil || w.Yield.CI != (Interval{0, 1}) {
		t.Errorf("empty = %+v, %v", w, err)
	}
	if _, err := EstimateWholeImport(nil, -1); ErrorCode(err) != Invalid {
		t.Errorf("negative discards: err = %v, want Invalid", err)
	}
	if _, err := EstimateWholeImport([]StratumCount{{Band: 1, Population: 1, Reviewed: 2}}, 0); ErrorCode(err) != Invalid {
		t.Errorf("inconsistent strata: err = %v, want Invalid", err)
	}
}

func sameEstimate(a, b Estimate) bool {
	return a.CI == b.CI && (a.Value == nil) == (b.Value == nil) && (a.Value == nil || *a.Value == *b.Value)
}

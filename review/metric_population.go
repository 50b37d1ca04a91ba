package review

import (
	"cmp"
	"math"
	"slices"
)

// StratumCount is one judge-score band of the imported population: how many items it holds (any status, reviewed
// or not, auto-discarded included), how many distinct items a person reviewed (accepted, edited or rejected), and
// how many of those were good (accepted or edited).
type StratumCount struct {
	Band       int `json:"band"`
	Population int `json:"population"`
	Reviewed   int `json:"reviewed"`
	Good       int `json:"good"`
}

// StratumEstimate is one band's share of a population estimate.
type StratumEstimate struct {
	StratumCount
	// Weight is the band's share of the population, N_h / N.
	Weight float64 `json:"weight"`
	// Yield is the band's sample yield with its Wilson 95% interval.
	Yield Proportion `json:"yield"`
	// GoodItems is N_h * p_h, the band's projected good summaries, with the interval described at
	// EstimatePopulation; for an unreviewed band its value is nil and its interval the bounds 0..N_h.
	GoodItems Estimate `json:"good_items"`
	// Unreviewed marks a band with items but no review.
	Unreviewed bool `json:"unreviewed"`
}

// PopulationEstimate projects yield and good summaries from reviewed samples onto every imported item.
type PopulationEstimate struct {
	Population int `json:"population"`
	Reviewed   int `json:"reviewed"`
	Good       int `json:"good"`
	// Complete is true when every band that holds items has at least one review, so that the whole population is
	// estimated. Otherwise UnreviewedBands lists the bands that are not, holding UnreviewedPopulation items.
	Complete             bool  `json:"complete"`
	UnreviewedBands      []int `json:"unreviewed_bands"`
	UnreviewedPopulation int   `json:"unreviewed_population"`
	// Yield is the projected yield of the whole population. Its value is nil unless Complete; its interval then
	// takes every unreviewed item as possibly bad and possibly good, so that it stays honest.
	Yield Estimate `json:"yield"`
	// GoodItems is the projected number of good summaries in the whole population, on the same terms as Yield.
	GoodItems Estimate `json:"good_items"`
	// CoveredYield is the projected yield of the reviewed bands only (CoveredPopulation items), each band weighted
	// by its size: the best point estimate available while some bands are unreviewed.
	CoveredPopulation int               `json:"covered_population"`
	CoveredYield      Estimate          `json:"covered_yield"`
	Strata            []StratumEstimate `json:"strata"`
}

// goodSum accumulates the stratified estimate of the number of good items over a set of bands.
type goodSum struct {
	pop, covered, unknown int     // items in all, in reviewed bands, in unreviewed bands
	seenGood, seenBad     int     // reviewed items known good and bad: hard bounds on the total
	est, variance         float64 // sum of N_h*p_h and of its variance over reviewed bands
}

func (s *goodSum) add(c StratumCount) {
	s.pop += c.Population
	s.seenGood += c.Good
	s.seenBad += c.Reviewed - c.Good
	if c.Reviewed == 0 {
		s.unknown += c.Population
		return
	}
	s.covered += c.Population
	N, n := float64(c.Population), float64(c.Reviewed)
	s.est += N * float64(c.Good) / n
	// Finite population correction (N-n)/(N-1): a band reviewed in full is known exactly.
	fpc := 0.0
	if c.Population > c.Reviewed {
		fpc = (N - n) / (N - 1)
	}
	// Cochran's unbiased p(1-p)/(n-1) is zero when a band's sample is all good or all bad, and undefined for a
	// single review, so a top band with 20 of 20 accepted would claim certainty. The variance uses the Laplace-
	// smoothed share (g+1)/(n+2) instead, which is never 0 or 1.
	pt := (float64(c.Good) + 1) / (n + 2)
	s.variance += N * N * fpc * pt * (1 - pt) / n
}

// interval is the z interval of the number of good items: the normal interval for the reviewed bands, clamped to
// what the reviews prove (at least the good ones seen, at most everything but the bad ones seen), widened by every
// item of the unreviewed bands on the upper side.
func (s *goodSum) interval(z float64) Interval {
	half := z * math.Sqrt(s.variance)
	return Interval{
		Lo: math.Max(float64(s.seenGood), s.est-half),
		Hi: math.Min(float64(s.covered-s.seenBad), s.est+half) + float64(s.unknown),
	}
}

// good is the projected number of good items, nil while a band is unreviewed.
func (s *goodSum) good(z float64) Estimate {
	e := Estimate{CI: s.interval(z)}
	if s.unknown == 0 {
		e.Value = finite(s.est)
	}
	return e
}

// yield is the projected yield, nil while a band is unreviewed or for an empty population.
func (s *goodSum) yield(z float64) Estimate {
	if s.pop == 0 {
		return Estimate{CI: Interval{0, 1}}
	}
	g := s.good(z)
	N := float64(s.pop)
	e := Estimate{CI: Interval{g.CI.Lo / N, g.CI.Hi / N}}
	if g.Value != nil {
		e.Value = finite(*g.Value / N)
	}
	return e
}

// EstimatePopulation projects yield and good summaries onto the population with the stratified estimator: the band
// yields p_h = good_h / reviewed_h, weighted by band size, give yield = sum(N_h * p_h) / N. Its 95% interval is
// normal with the stratified variance sum(N_h^2 * (N_h-n_h)/(N_h-1) * p~_h(1-p~_h) / n_h) / N^2, where the finite
// population correction makes fully reviewed bands exact and p~_h = (good_h+1)/(n_h+2) keeps all-good samples from
// claiming certainty; the interval is clamped to what the reviews prove.
//
// A band with items but no review cannot be estimated and is never dropped: it is listed in UnreviewedBands, the
// whole-population Yield and GoodItems lose their point value, and their intervals run from "all of it bad" to "all
// of it good". CoveredYield still estimates the reviewed bands.
//
// Bands may come in any order; the result lists them ascending. Negative counts, more reviews than items, more good
// than reviewed items, or a band given twice are Invalid errors.
func EstimatePopulation(strata []StratumCount) (PopulationEstimate, error) {
	ss, err := sortedStrata("estimate population", strata)
	if err != nil {
		return PopulationEstimate{}, err
	}
	var all, covered goodSum
	pe := PopulationEstimate{UnreviewedBands: []int{}, Strata: make([]StratumEstimate, 0, len(ss))}
	for _, c := range ss {
		all.add(c)
		if c.Reviewed > 0 {
			covered.add(c)
		} else if c.Population > 0 {
			pe.UnreviewedBands = append(pe.UnreviewedBands, c.Band)
		}
		pe.Reviewed += c.Reviewed
		pe.Good += c.Good
	}
	pe.Population, pe.UnreviewedPopulation, pe.CoveredPopulation = all.pop, all.unknown, all.covered
	pe.Complete = all.unknown == 0
	pe.Yield, pe.GoodItems = all.yield(Z95), all.good(Z95)
	pe.CoveredYield = covered.yield(Z95)
	for _, c := range ss {
		var one goodSum
		one.add(c)
		se := StratumEstimate{StratumCount: c, Yield: NewProportion(c.Good, c.Reviewed), GoodItems: one.good(Z95),
			Unreviewed: c.Reviewed == 0 && c.Population > 0}
		if all.pop > 0 {
			se.Weight = float64(c.Population) / float64(all.pop)
		}
		pe.Strata = append(pe.Strata, se)
	}
	return pe, nil
}

// WholeImportEstimate projects good summaries onto every imported item: the population that goes to review and
// the auto-discarded items, a stratum of its own that is never reviewed. An item someone reviews leaves the
// auto-discarded status and counts in its band's review stratum, so no review speaks for the auto-discarded
// items that remain: their number of good summaries is only bounded, from none to all of them.
type WholeImportEstimate struct {
	// Population is every imported item, AutoDiscarded of them below the discard threshold.
	Population    int `json:"population"`
	AutoDiscarded int `json:"auto_discarded"`
	// Yield and GoodItems take the auto-discarded items as possibly all bad and possibly all good: the value is nil
	// while any are left (or a review band is unreviewed), and the interval runs from the review population's lower
	// bound with none of them good to its upper bound with all of them good.
	Yield     Estimate `json:"yield"`
	GoodItems Estimate `json:"good_items"`
	// YieldIfDiscardedBad takes every auto-discarded summary as bad, as the judge does: the review population's
	// projected good summaries over every imported item, with their interval. It is the whole import's yield if the
	// threshold is right, and the lower end of what it can be.
	YieldIfDiscardedBad Estimate `json:"yield_if_discarded_bad"`
}

// EstimateWholeImport extends the stratified estimate of EstimatePopulation over the review strata by the
// autoDiscarded items, an unreviewed stratum bounded 0..autoDiscarded (see WholeImportEstimate). Inconsistent
// strata or a negative count are Invalid errors.
func EstimateWholeImport(strata []StratumCount, autoDiscarded int) (WholeImportEstimate, error) {
	if autoDiscarded < 0 {
		return WholeImportEstimate{}, Errorf(Invalid, "estimate whole import: %d auto-discarded items", autoDiscarded)
	}
	ss, err := sortedStrata("estimate whole import", strata)
	if err != nil {
		return WholeImportEstimate{}, err
	}
	var review goodSum
	for _, c := range ss {
		review.add(c)
	}
	whole := review
	whole.add(StratumCount{Population: autoDiscarded})
	w := WholeImportEstimate{Population: whole.pop, AutoDiscarded: autoDiscarded,
		Yield: whole.yield(Z95), GoodItems: whole.good(Z95), YieldIfDiscardedBad: Estimate{CI: Interval{0, 1}}}
	if whole.pop > 0 {
		g, N := review.good(Z95), float64(whole.pop)
		w.YieldIfDiscardedBad.CI = Interval{g.CI.Lo / N, g.CI.Hi / N}
		if g.Value != nil {
			w.YieldIfDiscardedBad.Value = finite(*g.Value / N)
		}
	}
	return w, nil
}

func sortedStrata(op string, strata []StratumCount) ([]StratumCount, error) {
	ss := slices.Clone(strata)
	slices.SortFunc(ss, func(a, b StratumCount) int { return cmp.Compare(a.Band, b.Band) })
	for i, c := range ss {
		switch {
		case c.Population < 0 || c.Reviewed < 0 || c.Good < 0:
			return nil, Errorf(Invalid, "%s: band %d: negative count (population %d, reviewed %d, good %d)",
				op, c.Band, c.Population, c.Reviewed, c.Good)
		case c.Reviewed > c.Population:
			return nil, Errorf(Invalid, "%s: band %d: %d reviewed but only %d items; count reviewed items, not decisions",
				op, c.Band, c.Reviewed, c.Population)
		case c.Good > c.Reviewed:
			return nil, Errorf(Invalid, "%s: band %d: %d good out of %d reviewed", op, c.Band, c.Good, c.Reviewed)
		case i > 0 && ss[i-1].Band == c.Band:
			return nil, Errorf(Invalid, "%s: band %d is given twice; sum its counts into one stratum", op, c.Band)
		}
	}
	return ss, nil
}

// BandAdvice is the population-weighted answer for one band boundary: auto-accept every band >= Band, auto-discard
// every band below it. It is the threshold advisor for the whole population, where ThresholdRow speaks for the
// reviewed items only.
type BandAdvice struct {
	Band           int `json:"band"`
	AcceptedItems  int `json:"accepted_items"`
	DiscardedItems int `json:"discarded_items"`
	// BadInAccepted is the projected share of bad summaries among the auto-accepted items, BadAcceptedItems their
	// number.
	BadInAccepted    Estimate `json:"bad_in_accepted"`
	BadAcceptedItems Estimate `json:"bad_accepted_items"`
	// GoodDiscarded is the projected share of all good summaries that fall below the boundary and would be thrown
	// away, GoodDiscardedItems their number.
	GoodDiscarded      Estimate `json:"good_discarded"`
	GoodDiscardedItems Estimate `json:"good_discarded_items"`
	// Complete is false when a band on either side is unreviewed; values that depend on it are then nil and the
	// intervals are bounds (see EstimatePopulation). GoodDiscarded is exactly 0 when nothing is discarded, whatever
	// the bands above hold.
	Complete bool `json:"complete"`
	// Covered gives the two shares over the reviewed bands alone, the best point estimate while a band is
	// unreviewed, as PopulationEstimate.CoveredYield does for the population; UncoveredBands lists the bands that
	// hold items but no review, on either side of the boundary, which Covered leaves out.
	Covered        CoveredAdvice `json:"covered"`
	UncoveredBands []int         `json:"uncovered_bands"`
}

// CoveredAdvice is a BandAdvice restricted to the reviewed bands: AcceptedItems and DiscardedItems count the items
// of reviewed bands on each side, and the shares are estimated over them as at AdviseBands.
type CoveredAdvice struct {
	AcceptedItems  int      `json:"accepted_items"`
	DiscardedItems int      `json:"discarded_items"`
	BadInAccepted  Estimate `json:"bad_in_accepted"`
	GoodDiscarded  Estimate `json:"good_discarded"`
}

// AdviseBands returns one BandAdvice per band, ascending; the first one accepts everything and discards nothing.
// Counts and intervals per side are those of EstimatePopulation. GoodDiscarded = G_below / (G_below + G_above); its
// interval combines the two sides' independent intervals at their extremes (lowest below with highest above, and
// the reverse), which is conservative and stays inside [0, 1]. Covered repeats both shares with the unreviewed
// bands left out of both sides.
func AdviseBands(strata []StratumCount) ([]BandAdvice, error) {
	ss, err := sortedStrata("advise bands", strata)
	if err != nil {
		return nil, err
	}
	uncovered := []int{}
	for _, c := range ss {
		if c.Reviewed == 0 && c.Population > 0 {
			uncovered = append(uncovered, c.Band)
		}
	}
	out := make([]BandAdvice, 0, len(ss))
	for i := range ss {
		var below, above, coveredBelow, coveredAbove goodSum
		for _, c := range ss[:i] {
			below.add(c)
			if c.Reviewed > 0 {
				coveredBelow.add(c)
			}
		}
		for _, c := range ss[i:] {
			above.add(c)
			if c.Reviewed > 0 {
				coveredAbove.add(c)
			}
		}
		a := BandAdvice{Band: ss[i].Band, AcceptedItems: above.pop, DiscardedItems: below.pop,
			Complete: below.unknown == 0 && above.unknown == 0, UncoveredBands: uncovered}
		a.BadInAccepted, a.BadAcceptedItems = badAccepted(above)
		a.GoodDiscarded, a.GoodDiscardedItems = goodDiscarded(below, above)
		a.Covered = CoveredAdvice{AcceptedItems: coveredAbove.pop, DiscardedItems: coveredBelow.pop}
		a.Covered.BadInAccepted, _ = badAccepted(coveredAbove)
		a.Covered.GoodDiscarded, _ = goodDiscarded(coveredBelow, coveredAbove)
		out = append(out, a)
	}
	return out, nil
}

// badAccepted is the projected share and number of bad items among those at or above a boundary.
func badAccepted(above goodSum) (share, items Estimate) {
	ga := above.good(Z95)
	Na := float64(above.pop)
	items = Estimate{CI: Interval{Na - ga.CI.Hi, Na - ga.CI.Lo}}
	if ga.Value != nil {
		items.Value = finite(Na - *ga.Value)
	}
	share = Estimate{CI: Interval{0, 1}}
	if above.pop > 0 {
		share.CI = Interval{items.CI.Lo / Na, items.CI.Hi / Na}
		if items.Value != nil {
			share.Value = finite(*items.Value / Na)
		}
	}
	return share, items
}

// goodDiscarded is the projected share of all good items that fall below a boundary, and their number. Nothing
// below the boundary is nothing thrown away: exactly 0, even where the bands above are unreviewed.
func goodDiscarded(below, above goodSum) (share, items Estimate) {
	gb, ga := below.good(Z95), above.good(Z95)
	if below.pop == 0 {
		zero := 0.0
		return Estimate{Value: &zero}, Estimate{Value: finite(0)}
	}
	share = Estimate{CI: Interval{shareOf(gb.CI.Lo, ga.CI.Hi), shareOf(gb.CI.Hi, ga.CI.Lo)}}
	if gb.Value != nil && ga.Value != nil && *gb.Value+*ga.Value > 0 {
		share.Value = finite(*gb.Value / (*gb.Value + *ga.Value))
	}
	return share, gb
}

// shareOf is x / (x + y) for non-negative x and y, 0 when x is 0: nothing of x, none of the share.
func shareOf(x, y float64) float64 {
	if x <= 0 {
		return 0
	}
	return x / (x + y)
}

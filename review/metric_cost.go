package review

import "math"

// WorkdayHours is the length of one person-day in the cost model.
const WorkdayHours = 8

// CostInputs are the assumptions and measurements of the cost model. Money is in any one currency (yen, say).
//
// The model compares three ways to produce a summary for each of Population companies:
//
//   - all_human: a person writes every summary by hand, WriteMinutes each. No API cost. Every summary ships and is
//     taken as good (hand-written text gets no second check in this model).
//   - llm_review: the generator writes and the judge scores every item (API cost for all); the discard threshold
//     sends ReviewShare of them to a person, who spends ReviewSeconds on each; Yield of the reviewed items ship
//     (accepted or edited) and are taken as good; everything else is discarded.
//   - all_llm: the same generation, judging and threshold, but the ReviewShare items ship as generated, with no
//     person. Its error rate is the measured share of reviewed items that were NOT accepted as is: 1 - Yield +
//     EditRate, because an item a reviewer had to edit ships with the defect the edit fixed. It is the error rate
//     of the items above the threshold, so it is the overall rate when ReviewShare is 1 (no threshold) and the top
//     band's when the threshold keeps only the top band (then give the top band's Yield and EditRate).
//
// Person-days are labour hours / WorkdayHours. Cost per good summary is total cost / good summaries shipped.
// llm_review also pays CopilotCost, the measured API cost of the reviewer's copilot, for every item it reviews.
//
// The measured inputs (Yield, the all-LLM error rate 1 - Yield + EditRate, ReviewSeconds, CopilotCost) may come
// with 95% intervals; see Cost for how they reach the projections.
type CostInputs struct {
	Population int `json:"population"`
	// HourlyWage is what one person-hour costs, for writing and for reviewing.
	HourlyWage float64 `json:"hourly_wage"`
	// GenerationCost and JudgeCost are the API cost per item of generating and of judging it.
	GenerationCost float64 `json:"generation_cost"`
	JudgeCost      float64 `json:"judge_cost"`
	// WriteMinutes is how long a person takes to write one summary by hand.
	WriteMinutes float64 `json:"write_minutes"`
	// ReviewSeconds is the measured time per reviewed item. Use 3600 / ItemsPerHour rather than the median
	// decision time: cost adds up, so it needs a mean, and active time includes the moments between items.
	ReviewSeconds float64 `json:"review_seconds"`
	// ReviewShare is the share of items at or above the discard threshold, which go to review (0..1).
	ReviewShare float64 `json:"review_share"`
	// Yield is the measured yield of reviewed items, (accepted + edited) / reviewed; EditRate the measured share
	// edited / reviewed. Both 0..1 with EditRate <= Yield.
	Yield    float64 `json:"yield"`
	EditRate float64 `json:"edit_rate"`
	// CopilotCost is the measured API cost of the copilot (fix suggestions, rescores) per reviewed item.
	CopilotCost float64 `json:"copilot_cost"`
	// YieldCI, ErrorRateCI (of 1 - Yield + EditRate), ReviewSecondsCI and CopilotCostCI are the 95% intervals of the
	// measured inputs; nil takes the input as known exactly.
	YieldCI         *Interval `json:"yield_ci"`
	ErrorRateCI     *Interval `json:"error_rate_ci"`
	ReviewSecondsCI *Interval `json:"review_seconds_ci"`
	CopilotCostCI   *Interval `json:"copilot_cost_ci"`
}

// SetupCost is one set-up's projected cost and output. Counts of items are expected values, hence fractional.
type SetupCost struct {
	Setup       string  `json:"setup"`
	APICost     float64 `json:"api_cost"`
	LabourHours float64 `json:"labour_hours"`
	LabourCost  float64 `json:"labour_cost"`
	TotalCost   float64 `json:"total_cost"`
	PersonDays  float64 `json:"person_days"`
	// Reviewed is how many items a person checks.
	Reviewed float64 `json:"reviewed"`
	// Shipped is how many summaries are released; GoodShipped and BadShipped split them by whether they are right.
	Shipped     float64 `json:"shipped"`
	GoodShipped float64 `json:"good_shipped"`
	BadShipped  float64 `json:"bad_shipped"`
	// ErrorRate is BadShipped / Shipped; nil when nothing ships.
	ErrorRate *float64 `json:"error_rate"`
	// CostPerGood is TotalCost / GoodShipped; nil when nothing good ships.
	CostPerGood *float64 `json:"cost_per_good"`
	// CI holds the 95% intervals of the numbers above, carried from the measured inputs' intervals (see Cost).
	CI SetupIntervals `json:"ci"`
}

// SetupIntervals are the intervals of a set-up's projections. A number that no measured input reaches (all of
// all_human, all_llm's cost) has the point as both ends. ErrorRate is nil where SetupCost's is; CostPerGood is nil
// where SetupCost's is and also when the low end of the inputs ships nothing good (it then has no upper bound).
type SetupIntervals struct {
	APICost     Interval  `json:"api_cost"`
	LabourHours Interval  `json:"labour_hours"`
	LabourCost  Interval  `json:"labour_cost"`
	TotalCost   Interval  `json:"total_cost"`
	PersonDays  Interval  `json:"person_days"`
	Shipped     Interval  `json:"shipped"`
	GoodShipped Interval  `json:"good_shipped"`
	BadShipped  Interval  `json:"bad_shipped"`
	ErrorRate   *Interval `json:"error_rate"`
	CostPerGood *Interval `json:"cost_per_good"`
}

// CostComparison is the three set-ups side by side, with the inputs that produced them.
type CostComparison struct {
	Inputs    CostInputs `json:"inputs"`
	AllHuman  SetupCost  `json:"all_human"`
	LLMReview SetupCost  `json:"llm_review"`
	AllLLM    SetupCost  `json:"all_llm"`
}

// Validate checks that every input is a finite number in its range, naming the field that is not.
func (in CostInputs) Validate() error {
	if in.Population < 0 {
		return Errorf(Invalid, "cost: population must be 0 or more, got %d", in.Population)
	}
	for _, f := range []struct {
		name  string
		v     float64
		share bool
	}{
		{"hourly_wage", in.HourlyWage, false},
		{"generation_cost", in.GenerationCost, false},
		{"judge_cost", in.JudgeCost, false},
		{"write_minutes", in.WriteMinutes, false},
		{"review_seconds", in.ReviewSeconds, false},
		{"review_share", in.ReviewShare, true},
		{"yield", in.Yield, true},
		{"edit_rate", in.EditRate, true},
		{"copilot_cost", in.CopilotCost, false},
	} {
		switch {
		case math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0:
			return Errorf(Invalid, "cost: %s must be a number 0 or more, got %v", f.name, f.v)
		case f.share && f.v > 1:
			return Errorf(Invalid, "cost: %s is a share and must be between 0 and 1, got %v", f.name, f.v)
		}
	}
	if in.EditRate > in.Yield {
		return Errorf(Invalid, "cost: edit_rate %v is more than yield %v; edited items are part of the yield",
			in.EditRate, in.Yield)
	}
	for _, f := range []struct {
		name  string
		ci    *Interval
		v     float64
		share bool
	}{
		{"yield_ci", in.YieldCI, in.Yield, true},
		{"error_rate_ci", in.ErrorRateCI, in.errorRate(), true},
		{"review_seconds_ci", in.ReviewSecondsCI, in.ReviewSeconds, false},
		{"copilot_cost_ci", in.CopilotCostCI, in.CopilotCost, false},
	} {
		if f.ci == nil {
			continue
		}
		lo, hi := f.ci.Lo, f.ci.Hi
		// The point may sit a rounding error outside an interval computed apart from it.
		slack := 1e-9 * math.Max(1, math.Abs(f.v))
		switch {
		case math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || lo < 0 || lo > hi:
			return Errorf(Invalid, "cost: %s must run from a number 0 or more to one no smaller, got %v..%v", f.name, lo, hi)
		case f.share && hi > 1:
			return Errorf(Invalid, "cost: %s is an interval of a share and must lie within 0..1, got %v..%v", f.name, lo, hi)
		case f.v < lo-slack || f.v > hi+slack:
			return Errorf(Invalid, "cost: %s %v..%v does not contain its value %v", f.name, lo, hi, f.v)
		}
	}
	return nil
}

// errorRate is the all-LLM error rate: the share of reviewed items not accepted as is.
func (in CostInputs) errorRate() float64 { return 1 - in.Yield + in.EditRate }

// measured are the cost model's measured inputs, at their values or at one end of their intervals.
type measured struct{ yield, errorRate, seconds, copilot float64 }

// inputSpan is an input's interval, widened to hold its value; the value twice without an interval.
func inputSpan(v float64, ci *Interval) [2]float64 {
	if ci == nil {
		return [2]float64{v, v}
	}
	return [2]float64{math.Min(ci.Lo, v), math.Max(ci.Hi, v)}
}

// Cost projects the three set-ups described at CostInputs.
//
// Intervals: every projection is monotone in each measured input (more seconds per review cost more; a higher yield
// ships more good summaries and so costs less per good one; a higher error rate ships more bad ones), so the set-up
// is projected at every corner of the box the inputs' intervals span (each input at its low or its high end) and
// each number's interval runs from its lowest to its highest value there: the exact range of the number over the
// box. A number that depends on one input gets that input's 95% interval carried through unchanged; one that
// depends on two (llm_review's cost per good summary: seconds and copilot cost against yield) gets the range over
// both intervals, which is conservative: it holds whenever both inputs are inside theirs.
func Cost(in CostInputs) (CostComparison, error) {
	if err := in.Validate(); err != nil {
		return CostComparison{}, err
	}
	human, review, llm := project(in, measured{in.Yield, in.errorRate(), in.ReviewSeconds, in.CopilotCost})
	ys, es := inputSpan(in.Yield, in.YieldCI), inputSpan(in.errorRate(), in.ErrorRateCI)
	ss, cs := inputSpan(in.ReviewSeconds, in.ReviewSecondsCI), inputSpan(in.CopilotCost, in.CopilotCostCI)
	var corners [3][]SetupCost
	for _, y := range ys {
		for _, e := range es {
			for _, sec := range ss {
				for _, c := range cs {
					h, r, l := project(in, measured{y, e, sec, c})
					corners[0], corners[1], corners[2] = append(corners[0], h), append(corners[1], r), append(corners[2], l)
				}
			}
		}
	}
	human.CI, review.CI, llm.CI = setupRange(human, corners[0]), setupRange(review, corners[1]), setupRange(llm, corners[2])
	return CostComparison{Inputs: in, AllHuman: human, LLMReview: review, AllLLM: llm}, nil
}

// project computes the three set-ups with the measured inputs m.
func project(in CostInputs, m measured) (human, review, llm SetupCost) {
	n := float64(in.Population)
	api := n * (in.GenerationCost + in.JudgeCost)
	routed := n * in.ReviewShare

	human = SetupCost{Setup: "all_human", LabourHours: n * in.WriteMinutes / 60, Shipped: n, GoodShipped: n}

	review = SetupCost{Setup: "llm_review", APICost: api + routed*m.copilot, Reviewed: routed,
		LabourHours: routed * m.seconds / 3600, Shipped: routed * m.yield, GoodShipped: routed * m.yield}

	llm = SetupCost{Setup: "all_llm", APICost: api, Shipped: routed, GoodShipped: routed * (1 - m.errorRate),
		BadShipped: routed * m.errorRate}

	for _, s := range []*SetupCost{&human, &review, &llm} {
		s.LabourCost = s.LabourHours * in.HourlyWage
		s.TotalCost = s.APICost + s.LabourCost
		s.PersonDays = s.LabourHours / WorkdayHours
		if s.Shipped > 0 {
			s.ErrorRate = finite(s.BadShipped / s.Shipped)
		}
		if s.GoodShipped > 0 {
			s.CostPerGood = finite(s.TotalCost / s.GoodShipped)
		}
	}
	return human, review, llm
}

// setupRange is each number's range over the corners, the point included.
func setupRange(point SetupCost, corners []SetupCost) SetupIntervals {
	all := append([]SetupCost{point}, corners...)
	over := func(f func(SetupCost) float64) Interval {
		iv := Interval{math.Inf(1), math.Inf(-1)}
		for _, s := range all {
			iv.Lo, iv.Hi = math.Min(iv.Lo, f(s)), math.Max(iv.Hi, f(s))
		}
		return iv
	}
	// overPtr is the range of an optional number, nil if it is missing at any corner.
	overPtr := func(f func(SetupCost) *float64) *Interval {
		for _, s := range all {
			if f(s) == nil {
				return nil
			}
		}
		iv := over(func(s SetupCost) float64 { return *f(s) })
		return &iv
	}
	si := SetupIntervals{
		APICost:     over(func(s SetupCost) float64 { return s.APICost }),
		LabourHours: over(func(s SetupCost) float64 { return s.LabourHours }),
		LabourCost:  over(func(s SetupCost) float64 { return s.LabourCost }),
		TotalCost:   over(func(s SetupCost) float64 { return s.TotalCost }),
		PersonDays:  over(func(s SetupCost) float64 { return s.PersonDays }),
		Shipped:     over(func(s SetupCost) float64 { return s.Shipped }),
		GoodShipped: over(func(s SetupCost) float64 { return s.GoodShipped }),
		BadShipped:  over(func(s SetupCost) float64 { return s.BadShipped }),
		CostPerGood: overPtr(func(s SetupCost) *float64 { return s.CostPerGood }),
	}
	// The error rate is undefined where nothing ships; where the point is defined, the corners that ship something
	// give its range (llm_review's is 0 wherever it ships).
	if point.ErrorRate != nil {
		var defined []SetupCost
		for _, s := range all {
			if s.ErrorRate != nil {
				defined = append(defined, s)
			}
		}
		all = defined
		iv := over(func(s SetupCost) float64 { return *s.ErrorRate })
		si.ErrorRate = &iv
	}
	return si
}

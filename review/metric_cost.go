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
	return nil
}

// Cost projects the three set-ups described at CostInputs.
func Cost(in CostInputs) (CostComparison, error) {
	if err := in.Validate(); err != nil {
		return CostComparison{}, err
	}
	n := float64(in.Population)
	api := n * (in.GenerationCost + in.JudgeCost)
	routed := n * in.ReviewShare

	human := SetupCost{Setup: "all_human", LabourHours: n * in.WriteMinutes / 60, Shipped: n, GoodShipped: n}

	review := SetupCost{Setup: "llm_review", APICost: api, Reviewed: routed,
		LabourHours: routed * in.ReviewSeconds / 3600, Shipped: routed * in.Yield, GoodShipped: routed * in.Yield}

	asIs := in.Yield - in.EditRate
	llm := SetupCost{Setup: "all_llm", APICost: api, Shipped: routed, GoodShipped: routed * asIs,
		BadShipped: routed * (1 - asIs)}

	out := CostComparison{Inputs: in}
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
	out.AllHuman, out.LLMReview, out.AllLLM = human, review, llm
	return out, nil
}

package review

import (
	"math"
	"strings"
	"testing"
)

func checkSetup(t *testing.T, got SetupCost, want SetupCost, errorRate, costPerGood float64) {
	t.Helper()
	if got.Setup != want.Setup {
		t.Errorf("setup = %q, want %q", got.Setup, want.Setup)
	}
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"api cost", got.APICost, want.APICost},
		{"labour hours", got.LabourHours, want.LabourHours},
		{"labour cost", got.LabourCost, want.LabourCost},
		{"total cost", got.TotalCost, want.TotalCost},
		{"person days", got.PersonDays, want.PersonDays},
		{"reviewed", got.Reviewed, want.Reviewed},
		{"shipped", got.Shipped, want.Shipped},
		{"good shipped", got.GoodShipped, want.GoodShipped},
		{"bad shipped", got.BadShipped, want.BadShipped},
	} {
		approx(t, want.Setup+" "+f.name, f.got, f.want)
	}
	approxPtr(t, want.Setup+" error rate", got.ErrorRate, errorRate)
	approxPtr(t, want.Setup+" cost per good", got.CostPerGood, costPerGood)
}

func TestCost(t *testing.T) {
	in := CostInputs{
		Population:     1_000_000,
		HourlyWage:     1500, // yen
		GenerationCost: 0.5,
		JudgeCost:      0.3,
		WriteMinutes:   10,
		ReviewSeconds:  45,
		ReviewShare:    0.8,
		Yield:          0.9,
		EditRate:       0.2,
	}
	cc, err := Cost(in)
	if err != nil {
		t.Fatal(err)
	}
	if cc.Inputs != in {
		t.Errorf("inputs not echoed: %+v", cc.Inputs)
	}
	// All human: 1e6 * 10 min / 60 = 166,666.667 h * 1500 = 250,000,000 yen; /8 = 20,833.333 person-days;
	// all 1e6 ship and are good: 250 yen per summary.
	checkSetup(t, cc.AllHuman, SetupCost{Setup: "all_human", LabourHours: 1e6 / 6, LabourCost: 2.5e8, TotalCost: 2.5e8,
		PersonDays: 1e6 / 48, Shipped: 1e6, GoodShipped: 1e6}, 0, 250)
	// LLM + review: API 1e6 * (0.5 + 0.3) = 800,000; 0.8 * 1e6 = 800,000 reviewed at 45 s = 10,000 h = 15,000,000 yen,
	// 1,250 person-days; total 15,800,000; 0.9 * 800,000 = 720,000 ship, all good: 15.8e6/720,000 = 21.944444.
	checkSetup(t, cc.LLMReview, SetupCost{Setup: "llm_review", APICost: 8e5, LabourHours: 1e4, LabourCost: 1.5e7,
		TotalCost: 1.58e7, PersonDays: 1250, Reviewed: 8e5, Shipped: 7.2e5, GoodShipped: 7.2e5}, 0, 21.944444)
	// All LLM: API 800,000 only; the 800,000 above the threshold ship; as-is correct share 0.9 - 0.2 = 0.7:
	// 560,000 good, 240,000 bad, error rate 0.3; 800,000/560,000 = 1.428571 yen per good summary.
	checkSetup(t, cc.AllLLM, SetupCost{Setup: "all_llm", APICost: 8e5, TotalCost: 8e5, Shipped: 8e5,
		GoodShipped: 5.6e5, BadShipped: 2.4e5}, 0.3, 1.428571)
}

func TestCostEdgeCases(t *testing.T) {
	t.Run("nothing to produce", func(t *testing.T) {
		cc, err := Cost(CostInputs{HourlyWage: 1000, WriteMinutes: 5, Yield: 1})
		if err != nil {
			t.Fatal(err)
		}
		checkSetup(t, cc.AllHuman, SetupCost{Setup: "all_human"}, math.NaN(), math.NaN())
	})
	t.Run("nothing passes review", func(t *testing.T) {
		// Yield 0: the review set-up pays for API and review and ships nothing; all-LLM ships 100 bad ones.
		cc, err := Cost(CostInputs{Population: 100, HourlyWage: 3600, GenerationCost: 1, ReviewSeconds: 10, ReviewShare: 1})
		if err != nil {
			t.Fatal(err)
		}
		// 100 reviews * 10 s = 1000 s = 0.277778 h * 3600 = 1000; + API 100
		checkSetup(t, cc.LLMReview, SetupCost{Setup: "llm_review", APICost: 100, LabourHours: 1000.0 / 3600,
			LabourCost: 1000, TotalCost: 1100, PersonDays: 1000.0 / 3600 / 8, Reviewed: 100}, math.NaN(), math.NaN())
		checkSetup(t, cc.AllLLM, SetupCost{Setup: "all_llm", APICost: 100, TotalCost: 100, Shipped: 100,
			BadShipped: 100}, 1, math.NaN())
	})
}

func TestCostRejectsBadInputs(t *testing.T) {
	valid := CostInputs{Population: 10, HourlyWage: 1, ReviewShare: 1, Yield: 0.5, EditRate: 0.1}
	tests := []struct {
		name  string
		edit  func(*CostInputs)
		field string
	}{
		{"negative population", func(in *CostInputs) { in.Population = -1 }, "population"},
		{"negative wage", func(in *CostInputs) { in.HourlyWage = -5 }, "hourly_wage"},
		{"NaN cost", func(in *CostInputs) { in.JudgeCost = math.NaN() }, "judge_cost"},
		{"infinite minutes", func(in *CostInputs) { in.WriteMinutes = math.Inf(1) }, "write_minutes"},
		{"share above 1", func(in *CostInputs) { in.ReviewShare = 1.5 }, "review_share"},
		{"yield as percent", func(in *CostInputs) { in.Yield = 85 }, "yield"},
		{"edits beyond yield", func(in *CostInputs) { in.EditRate = 0.6 }, "edit_rate"},
	}
	if _, err := Cost(valid); err != nil {
		t.Fatalf("valid inputs refused: %v", err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := valid
			tc.edit(&in)
			_, err := Cost(in)
			if ErrorCode(err) != Invalid || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("err = %v, want Invalid naming %s", err, tc.field)
			}
		})
	}
}

// checkCI compares an optional interval; nil want means the interval must be nil.
func checkCI(t *testing.T, what string, got *Interval, want *Interval) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("%s = %+v, want nil", what, *got)
	case want != nil && got == nil:
		t.Errorf("%s = nil, want %+v", what, *want)
	case got != nil:
		approxInterval(t, what, *got, want.Lo, want.Hi)
	}
}

func TestCostIntervals(t *testing.T) {
	in := CostInputs{Population: 1000, HourlyWage: 1200, GenerationCost: 0.5, JudgeCost: 0.3, WriteMinutes: 12,
		ReviewShare: 0.8, Yield: 0.9, EditRate: 0.2, ReviewSeconds: 60, CopilotCost: 0.4,
		YieldCI: &Interval{0.85, 0.94}, ErrorRateCI: &Interval{0.25, 0.36}, ReviewSecondsCI: &Interval{50, 75},
		CopilotCostCI: &Interval{0.3, 0.5}}
	cc, err := Cost(in)
	if err != nil {
		t.Fatal(err)
	}
	// All human: 1000 * 12 min = 200 h * 1200 = 240,000; 25 person-days; 1000 good; 240 per good. No measured
	// input reaches it: every interval is the point.
	h := cc.AllHuman
	checkSetup(t, h, SetupCost{Setup: "all_human", LabourHours: 200, LabourCost: 240000, TotalCost: 240000,
		PersonDays: 25, Shipped: 1000, GoodShipped: 1000}, 0, 240)
	approxInterval(t, "human total", h.CI.TotalCost, 240000, 240000)
	approxInterval(t, "human person-days", h.CI.PersonDays, 25, 25)
	checkCI(t, "human cost per good", h.CI.CostPerGood, &Interval{240, 240})

	// LLM + review: 800 routed. API 1000 * 0.8 + 800 * 0.4 copilot = 1120, in 800 + 800 * [0.3, 0.5] = [1040, 1200].
	// Labour 800 * 60 s = 13.333333 h, in 800 * [50, 75] / 3600 = [11.111111, 16.666667] h; * 1200 = 16,000 in
	// [13,333.33, 20,000]; total 17,120 in [14,373.33, 21,200]; person-days 1.666667 in [1.388889, 2.083333].
	// Good shipped 800 * 0.9 = 720 in 800 * [0.85, 0.94] = [680, 752]; cost per good 17,120 / 720 = 23.777778 in
	// [14,373.33 / 752, 21,200 / 680] = [19.113475, 31.176471].
	r := cc.LLMReview
	checkSetup(t, r, SetupCost{Setup: "llm_review", APICost: 1120, LabourHours: 800.0 * 60 / 3600,
		LabourCost: 16000, TotalCost: 17120, PersonDays: 800.0 * 60 / 3600 / 8, Reviewed: 800, Shipped: 720,
		GoodShipped: 720}, 0, 17120.0/720)
	approxInterval(t, "review api", r.CI.APICost, 1040, 1200)
	approxInterval(t, "review labour hours", r.CI.LabourHours, 800.0*50/3600, 800.0*75/3600)
	approxInterval(t, "review labour cost", r.CI.LabourCost, 800.0*50/3600*1200, 20000)
	approxInterval(t, "review total", r.CI.TotalCost, 1040+800.0*50/3600*1200, 21200)
	approxInterval(t, "review person-days", r.CI.PersonDays, 800.0*50/3600/8, 800.0*75/3600/8)
	approxInterval(t, "review good shipped", r.CI.GoodShipped, 680, 752)
	approxInterval(t, "review bad shipped", r.CI.BadShipped, 0, 0)
	checkCI(t, "review error rate", r.CI.ErrorRate, &Interval{0, 0})
	checkCI(t, "review cost per good", r.CI.CostPerGood, &Interval{19.113475, 31.176471})

	// All LLM: API 800 only, exact. Error rate 1 - 0.9 + 0.2 = 0.3 in [0.25, 0.36]: 240 bad in [200, 288],
	// 560 good in [512, 600]; cost per good 800 / 560 = 1.428571 in [800 / 600, 800 / 512] = [1.333333, 1.5625].
	l := cc.AllLLM
	checkSetup(t, l, SetupCost{Setup: "all_llm", APICost: 800, TotalCost: 800, Shipped: 800, GoodShipped: 560,
		BadShipped: 240}, 0.3, 800.0/560)
	approxInterval(t, "llm total", l.CI.TotalCost, 800, 800)
	approxInterval(t, "llm bad shipped", l.CI.BadShipped, 200, 288)
	approxInterval(t, "llm good shipped", l.CI.GoodShipped, 512, 600)
	checkCI(t, "llm error rate", l.CI.ErrorRate, &Interval{0.25, 0.36})
	checkCI(t, "llm cost per good", l.CI.CostPerGood, &Interval{800.0 / 600, 1.5625})

	t.Run("no intervals", func(t *testing.T) {
		// Without intervals every number's interval is its point.
		plain := in
		plain.YieldCI, plain.ErrorRateCI, plain.ReviewSecondsCI, plain.CopilotCostCI = nil, nil, nil, nil
		cc, err := Cost(plain)
		if err != nil {
			t.Fatal(err)
		}
		approxInterval(t, "review total", cc.LLMReview.CI.TotalCost, 17120, 17120)
		checkCI(t, "llm error rate", cc.AllLLM.CI.ErrorRate, &Interval{0.3, 0.3})
	})
	t.Run("yield may be 0", func(t *testing.T) {
		// A yield interval from 0: the low end ships nothing good, so the cost per good summary has no upper bound.
		low := in
		low.Yield, low.EditRate, low.YieldCI, low.ErrorRateCI = 0.1, 0, &Interval{0, 0.3}, &Interval{0.7, 1}
		cc, err := Cost(low)
		if err != nil {
			t.Fatal(err)
		}
		checkCI(t, "review cost per good", cc.LLMReview.CI.CostPerGood, nil)
		checkCI(t, "llm cost per good", cc.AllLLM.CI.CostPerGood, nil)
		checkCI(t, "llm error rate", cc.AllLLM.CI.ErrorRate, &Interval{0.7, 1})
		approxInterval(t, "review good shipped", cc.LLMReview.CI.GoodShipped, 0, 240)
	})
}

func TestCostRejectsBadIntervals(t *testing.T) {
	valid := CostInputs{Population: 10, HourlyWage: 1, ReviewShare: 1, Yield: 0.5, EditRate: 0.1, ReviewSeconds: 30}
	for _, tc := range []struct {
		name  string
		edit  func(*CostInputs)
		field string
	}{
		{"yield outside its interval", func(in *CostInputs) { in.YieldCI = &Interval{0.6, 0.7} }, "yield_ci"},
		{"error interval beyond 1", func(in *CostInputs) { in.ErrorRateCI = &Interval{0.5, 1.2} }, "error_rate_ci"},
		{"reversed seconds", func(in *CostInputs) { in.ReviewSecondsCI = &Interval{40, 20} }, "review_seconds_ci"},
		{"NaN copilot", func(in *CostInputs) { in.CopilotCostCI = &Interval{math.NaN(), 1} }, "copilot_cost_ci"},
		{"negative copilot cost", func(in *CostInputs) { in.CopilotCost = -1 }, "copilot_cost"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := valid
			tc.edit(&in)
			_, err := Cost(in)
			if ErrorCode(err) != Invalid || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("err = %v, want Invalid naming %s", err, tc.field)
			}
		})
	}
	// The error rate 1 - 0.5 + 0.1 = 0.6 a rounding error outside an interval computed apart is accepted.
	in := valid
	in.ErrorRateCI = &Interval{0.6 + 1e-12, 0.7}
	if _, err := Cost(in); err != nil {
		t.Errorf("rounding error refused: %v", err)
	}
}

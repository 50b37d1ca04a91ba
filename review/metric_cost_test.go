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

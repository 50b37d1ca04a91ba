package review

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// tolerance is the precision of the hand computations below, which are written to 6 or more decimals.
const tolerance = 1e-6

func approx(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.IsNaN(want) {
		if !math.IsNaN(got) {
			t.Errorf("%s = %v, want NaN", what, got)
		}
		return
	}
	if math.IsNaN(got) || math.Abs(got-want) > tolerance {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// approxPtr checks a nullable result: want NaN means the value must be nil.
func approxPtr(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	switch {
	case math.IsNaN(want) && got != nil:
		t.Errorf("%s = %v, want nil", what, *got)
	case !math.IsNaN(want) && got == nil:
		t.Errorf("%s = nil, want %v", what, want)
	case got != nil:
		approx(t, what, *got, want)
	}
}

func approxInterval(t *testing.T, what string, got Interval, lo, hi float64) {
	t.Helper()
	approx(t, what+".lo", got.Lo, lo)
	approx(t, what+".hi", got.Hi, hi)
}

func TestWilson(t *testing.T) {
	tests := []struct {
		name   string
		k, n   int
		z      float64
		lo, hi float64
	}{
		{"nothing reviewed", 0, 0, 1.96, 0, 1},
		// p = 0.8, z^2 = 3.8416, denom = 1 + 3.8416/10 = 1.38416
		// center = (0.8 + 3.8416/20) / 1.38416 = 0.99208 / 1.38416 = 0.7167380
		// half = 1.96/1.38416 * sqrt(0.8*0.2/10 + 3.8416/400) = 1.4160213 * sqrt(0.025604) = 0.2265811
		{"8 of 10", 8, 10, 1.96, 0.490157, 0.943319},
		// p = 0: center = 0.19208 / 1.38416 = 0.1387701; half = 1.4160213 * sqrt(0.009604) = 0.1387701
		{"none of 10", 0, 10, 1.96, 0, 0.277540},
		// mirror image of "none of 10": 1 - 0.277540
		{"all of 10", 10, 10, 1.96, 0.722460, 1},
		// p = 0.5: center = 0.5; half = 1.4160213 * sqrt(0.025 + 0.009604) = 1.4160213 * 0.1860215 = 0.2634104
		{"half of 10", 5, 10, 1.96, 0.236590, 0.763410},
		// z = 0 collapses the interval onto p = 3/4
		{"z zero", 3, 4, 0, 0.75, 0.75},
		// n = 1, p = 1, z = 1.96: denom = 4.8416, center = (1 + 1.9208)/4.8416 = 0.6032717; half = 1.96/4.8416 *
		// sqrt(0 + 3.8416/4) = 0.4048249 * 0.98 = 0.3967284; lo = 0.2065433
		{"one of one", 1, 1, 1.96, 0.206543, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			approxInterval(t, "Wilson", Wilson(tc.k, tc.n, tc.z), tc.lo, tc.hi)
		})
	}
}

func TestWilsonPanicsOnImpossibleCounts(t *testing.T) {
	for _, tc := range []struct {
		name string
		k, n int
	}{{"more successes than trials", 3, 2}, {"negative successes", -1, 2}, {"negative trials", 0, -1}} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Wilson(%d, %d) did not panic", tc.k, tc.n)
				}
			}()
			Wilson(tc.k, tc.n, Z95)
		})
	}
}

func TestNewYield(t *testing.T) {
	tests := []struct {
		name                       string
		accepted, edited, rejected int
		reviewed                   int
		rate                       float64 // NaN: no rate
		lo, hi                     float64
	}{
		// nothing reviewed: no rate, the interval is everything
		{"zero reviewed", 0, 0, 0, 0, math.NaN(), 0, 1},
		// (3 + 2) / 10 = 0.5; Wilson with z = 1.959964: z^2 = 3.841459, denom = 1.3841459, half = 1.959964/1.3841459 *
		// sqrt(0.025 + 3.841459/400) = 1.4160029 * 0.1860204 = 0.2634069
		{"half", 3, 2, 5, 10, 0.5, 0.236593, 0.763407},
		// 20 / 20: rate 1; lo = (1 + 3.841459/40)/(1 + 3.841459/20) - 1.959964/1.1920729 * sqrt(3.841459/1600)
		//   = 0.9194374 - 1.6441645 * 0.0489991 = 0.8388748
		{"all accepted", 20, 0, 0, 20, 1, 0.838875, 1},
		// edited items count as good: 0 accepted + 4 edited of 4
		{"all edited", 0, 4, 0, 4, 1, Wilson(4, 4, Z95).Lo, 1},
		{"all rejected", 0, 0, 7, 7, 0, 0, Wilson(0, 7, Z95).Hi},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y := NewYield(tc.accepted, tc.edited, tc.rejected)
			if y.Reviewed != tc.reviewed || y.Accepted != tc.accepted || y.Edited != tc.edited || y.Rejected != tc.rejected {
				t.Errorf("counts = %+v", y)
			}
			approxPtr(t, "rate", y.Rate, tc.rate)
			approxInterval(t, "ci", y.CI, tc.lo, tc.hi)
		})
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"empty", nil, math.NaN()},
		{"one", []float64{7}, 7},
		{"odd unsorted", []float64{30, 10, 20}, 20},
		// middle two of 10, 20, 30, 60 are 20 and 30
		{"even", []float64{60, 10, 30, 20}, 25},
		{"NaN ignored", []float64{math.NaN(), 4, 2}, 3},
		{"only NaN", []float64{math.NaN()}, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.xs)
			approx(t, "Median", Median(in), tc.want)
			if !slices.EqualFunc(in, tc.xs, func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
				t.Errorf("Median reordered its input: %v", in)
			}
		})
	}
}

func TestCohenKappa(t *testing.T) {
	tests := []struct {
		name   string
		matrix [][]int
		want   float64
	}{
		// po = 1, pe = 0.5*0.5 + 0.5*0.5 = 0.5 -> (1 - 0.5)/(1 - 0.5) = 1
		{"perfect", [][]int{{5, 0}, {0, 5}}, 1},
		// po = 50/100 = 0.5, pe = 0.5 -> 0: what two coin flips give
		{"chance", [][]int{{25, 25}, {25, 25}}, 0},
		// po = 0, pe = 0.5 -> (0 - 0.5)/0.5 = -1
		{"total disagreement", [][]int{{0, 5}, {5, 0}}, -1},
		// n = 50, po = (20+15)/50 = 0.7; rows 25, 25; cols 30, 20; pe = 0.5*0.6 + 0.5*0.4 = 0.5 -> 0.2/0.5 = 0.4
		{"two categories", [][]int{{20, 5}, {10, 15}}, 0.4},
		// n = 40, po = (10+8+12)/40 = 0.75; rows 15, 10, 15; cols 13, 11, 16;
		// pe = (15*13 + 10*11 + 15*16)/1600 = (195 + 110 + 240)/1600 = 0.340625
		// kappa = (0.75 - 0.340625)/(1 - 0.340625) = 0.409375/0.659375 = 0.620853
		{"three categories", [][]int{{10, 2, 3}, {1, 8, 1}, {2, 1, 12}}, 0.620853},
		// both raters put everything in one category: pe = 1, undefined
		{"one category only", [][]int{{10, 0}, {0, 0}}, math.NaN()},
		{"empty matrix", [][]int{{0, 0}, {0, 0}}, math.NaN()},
		{"no categories", nil, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			approx(t, "CohenKappa", CohenKappa(tc.matrix), tc.want)
		})
	}
}

func TestCohenKappaPanicsOnBadMatrix(t *testing.T) {
	for _, tc := range []struct {
		name   string
		matrix [][]int
	}{{"not square", [][]int{{1, 2}, {3}}}, {"negative", [][]int{{1, -2}, {3, 4}}}} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("CohenKappa(%v) did not panic", tc.matrix)
				}
			}()
			CohenKappa(tc.matrix)
		})
	}
}

func TestNewAgreementTable(t *testing.T) {
	at := NewAgreementTable([]string{"yes", "no"}, [][]int{{20, 5}, {10, 15}})
	if at.Pairs != 50 {
		t.Errorf("pairs = %d, want 50", at.Pairs)
	}
	// see "two categories" in TestCohenKappa
	approxPtr(t, "observed", at.Observed, 0.7)
	approxPtr(t, "expected", at.Expected, 0.5)
	approxPtr(t, "kappa", at.Kappa, 0.4)

	empty := NewAgreementTable([]string{"yes", "no"}, [][]int{{0, 0}, {0, 0}})
	approxPtr(t, "empty observed", empty.Observed, math.NaN())
	approxPtr(t, "empty kappa", empty.Kappa, math.NaN())
}

// TestMetricsMarshal checks that every result type reaches JSON in its undefined states, where NaN would make
// encoding/json fail, and that undefined values come out as null.
func TestMetricsMarshal(t *testing.T) {
	emptyPopulation, err := EstimatePopulation(nil)
	if err != nil {
		t.Fatal(err)
	}
	unreviewed, err := EstimatePopulation([]StratumCount{{Band: 0, Population: 10}})
	if err != nil {
		t.Fatal(err)
	}
	advice, err := AdviseBands([]StratumCount{{Band: 0, Population: 10}, {Band: 1, Population: 5}})
	if err != nil {
		t.Fatal(err)
	}
	cost, err := Cost(CostInputs{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		value any
		nulls []string // keys that must be null
	}{
		{"empty yield", NewYield(0, 0, 0), []string{`"rate":null`}},
		{"empty proportion", NewProportion(0, 0), []string{`"rate":null`}},
		{"empty calibration", Calibrate(nil), []string{`"auc":null`, `"thresholds":[]`}},
		{"one-class calibration", Calibrate([]ScoredLabel{{Score: 3, Good: true, Count: 2}}),
			[]string{`"auc":null`, `"precision":1`, `"kappa":null`}},
		{"criterion without max", CalibrateCriterion("business", 0, nil), []string{`"full_marks":null`}},
		{"empty population", emptyPopulation, []string{`"value":null`, `"strata":[]`, `"unreviewed_bands":[]`}},
		{"unreviewed population", unreviewed, []string{`"value":null`, `"unreviewed_bands":[0]`}},
		{"unreviewed advice", advice, []string{`"value":null`}},
		{"idle reviewer", SummarizeReviewer("hanako", nil, DefaultIdleGap),
			[]string{`"items_per_hour":null`, `"median":null`, `"reviewed":null`}},
		{"no agreement pairs", Agreement(nil), []string{`"kappa":null`, `"observed":null`}},
		{"unreviewed rule", NewRuleStats(RuleCount{Rule: "first_person", Fired: 3}), []string{`"rate":null`}},
		{"empty cost", cost, []string{`"error_rate":null`, `"cost_per_good":null`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.value)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			for _, want := range tc.nulls {
				if !strings.Contains(string(b), want) {
					t.Errorf("JSON lacks %s: %s", want, b)
				}
			}
			if strings.Contains(string(b), "NaN") || strings.Contains(string(b), "Inf") {
				t.Errorf("JSON carries a non-number: %s", b)
			}
		})
	}
}

// TestMetricsJSONNames pins the snake_case keys the HTTP API and `reviewdesk stats --json` expose.
func TestMetricsJSONNames(t *testing.T) {
	row := NewThresholdRow(7, Confusion{TP: 1, FP: 1, FN: 1, TN: 1})
	b, err := json.Marshal(row)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"threshold":7`, `"confusion":{"tp":1,"fp":1,"fn":1,"tn":1}`, `"bad_in_accepted":`,
		`"bad_accepted":`, `"good_discarded":`, `"good_in_discarded":`, `"ci":{"lo":`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("threshold row JSON lacks %s: %s", key, b)
		}
	}
	st := SummarizeReviewer("taro", []ReviewerDecision{{Verdict: Accepted, EndedAt: time.Unix(100, 0), Seconds: 10}}, 0)
	b, err = json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"reviewer":"taro"`, `"active_hours":`, `"items_per_hour":360`, `"median_seconds":{`,
		`"hint_followed":`, `"unhinted_changed":`, `"edit_size":{"edits":0`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("reviewer JSON lacks %s: %s", key, b)
		}
	}
}

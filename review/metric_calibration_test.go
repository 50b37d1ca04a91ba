package review

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestConfusionRates(t *testing.T) {
	tests := []struct {
		name                               string
		c                                  Confusion
		precision, recall, accuracy, kappa float64
	}{
		// precision 6/8, recall 6/9, accuracy 15/20; kappa on [[6 2] [3 9]]: n = 20, po = 0.75, rows 8, 12,
		// cols 9, 11, pe = 0.4*0.45 + 0.6*0.55 = 0.51, kappa = 0.24/0.49 = 0.489796
		{"mixed", Confusion{TP: 6, FP: 2, FN: 3, TN: 9}, 0.75, 6.0 / 9, 0.75, 0.489796},
		// nothing at all: every rate is 0/0
		{"empty", Confusion{}, math.NaN(), math.NaN(), math.NaN(), math.NaN()},
		// the judge passes nothing: precision 0/0, recall 0/4, accuracy 3/7; pe = 0*(4/7) + 1*(3/7) = po -> 0
		{"passes nothing", Confusion{FN: 4, TN: 3}, math.NaN(), 0, 3.0 / 7, 0},
		// judge and human agree on every item: kappa 1
		{"perfect", Confusion{TP: 5, TN: 5}, 1, 1, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			approx(t, "precision", tc.c.Precision(), tc.precision)
			approx(t, "recall", tc.c.Recall(), tc.recall)
			approx(t, "accuracy", tc.c.Accuracy(), tc.accuracy)
			approx(t, "kappa", tc.c.Kappa(), tc.kappa)
		})
	}
}

// judgeSample is 13 reviewed items: score 1: 1 good, 3 bad; score 2: 2 good, 2 bad; score 3: 4 good, 1 bad. The
// points are shuffled, one score is split over two points and a zero-count point stands for nothing, as SQL
// aggregation might deliver them.
func judgeSample() []ScoredLabel {
	return []ScoredLabel{
		{Score: 3, Good: true, Count: 3},
		{Score: 1, Good: false, Count: 3},
		{Score: 2, Good: true, Count: 2},
		{Score: 3, Good: false, Count: 1},
		{Score: 1, Good: true, Count: 1},
		{Score: 2, Good: false, Count: 2},
		{Score: 3, Good: true, Count: 1},
		{Score: 5, Good: true, Count: 0},
	}
}

func TestThresholdTable(t *testing.T) {
	rows := ThresholdTable(judgeSample())
	want := []struct {
		threshold                          float64
		c                                  Confusion
		precision, recall, accuracy, kappa float64
	}{
		// T = 1 passes all 13: precision 7/13, recall 1; kappa on [[7 6] [0 0]]: pe = 1*(7/13) + 0 = po -> 0
		{1, Confusion{TP: 7, FP: 6}, 7.0 / 13, 1, 7.0 / 13, 0},
		// T = 2 passes scores 2 and 3: TP = 2+4, FP = 2+1; FN = 1, TN = 3. accuracy 9/13;
		// rows 9, 4; cols 7, 6; pe = (9*7 + 4*6)/169 = 87/169; kappa = (117 - 87)/(169 - 87) = 30/82
		{2, Confusion{TP: 6, FP: 3, FN: 1, TN: 3}, 6.0 / 9, 6.0 / 7, 9.0 / 13, 30.0 / 82},
		// T = 3: TP 4, FP 1, FN 3, TN 5; rows 5, 8; cols 7, 6; pe = (35 + 48)/169 = 83/169;
		// kappa = (117 - 83)/(169 - 83) = 34/86
		{3, Confusion{TP: 4, FP: 1, FN: 3, TN: 5}, 0.8, 4.0 / 7, 9.0 / 13, 34.0 / 86},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.Threshold != w.threshold || r.Confusion != w.c {
			t.Errorf("row %d: threshold %v confusion %+v, want %v %+v", i, r.Threshold, r.Confusion, w.threshold, w.c)
		}
		approxPtr(t, "precision", r.Precision, w.precision)
		approxPtr(t, "recall", r.Recall, w.recall)
		approxPtr(t, "accuracy", r.Accuracy, w.accuracy)
		approxPtr(t, "kappa", r.Kappa, w.kappa)
	}
	// The advisor's four shares at T = 3, each count/total with its Wilson interval:
	// bad in accepted FP/(TP+FP) = 1/5, bad accepted FP/(FP+TN) = 1/6,
	// good discarded FN/(TP+FN) = 3/7, good in discarded FN/(FN+TN) = 3/8.
	r := rows[2]
	for _, s := range []struct {
		name         string
		got          Proportion
		count, total int
	}{
		{"bad in accepted", r.BadInAccepted, 1, 5},
		{"bad accepted", r.BadAccepted, 1, 6},
		{"good discarded", r.GoodDiscarded, 3, 7},
		{"good in discarded", r.GoodInDiscarded, 3, 8},
	} {
		if s.got.Count != s.count || s.got.Total != s.total {
			t.Errorf("%s = %d/%d, want %d/%d", s.name, s.got.Count, s.got.Total, s.count, s.total)
		}
		approxPtr(t, s.name+" rate", s.got.Rate, float64(s.count)/float64(s.total))
		w := Wilson(s.count, s.total, Z95)
		approxInterval(t, s.name+" ci", s.got.CI, w.Lo, w.Hi)
	}
	// T = 1 discards nothing: the discarded shares have no items to speak of.
	approxPtr(t, "good in discarded at T=1", rows[0].GoodInDiscarded.Rate, math.NaN())
	approxPtr(t, "good discarded at T=1", rows[0].GoodDiscarded.Rate, 0)
}

func TestThresholdTableEdgeCases(t *testing.T) {
	t.Run("no points", func(t *testing.T) {
		if rows := ThresholdTable(nil); rows == nil || len(rows) != 0 {
			t.Errorf("ThresholdTable(nil) = %#v, want an empty, non-nil table", rows)
		}
	})
	t.Run("a single score band", func(t *testing.T) {
		// Everything scored 10: one threshold, which passes all: precision = yield = 8/10, kappa 0.
		rows := ThresholdTable([]ScoredLabel{{Score: 10, Good: true, Count: 8}, {Score: 10, Count: 2}})
		if len(rows) != 1 || rows[0].Confusion != (Confusion{TP: 8, FP: 2}) {
			t.Fatalf("rows = %+v", rows)
		}
		approxPtr(t, "precision", rows[0].Precision, 0.8)
		approxPtr(t, "kappa", rows[0].Kappa, 0)
	})
	t.Run("all accepted", func(t *testing.T) {
		// No bad item: precision 1 everywhere, kappa undefined (both sides constant at T = 1), AUC undefined.
		pts := []ScoredLabel{{Score: 1, Good: true, Count: 2}, {Score: 2, Good: true, Count: 3}}
		rows := ThresholdTable(pts)
		approxPtr(t, "kappa at 1", rows[0].Kappa, math.NaN())
		approxPtr(t, "precision at 2", rows[1].Precision, 1)
		approxPtr(t, "bad accepted at 2", rows[1].BadAccepted.Rate, math.NaN())
		// T = 2 fails the 2 good items scored 1: kappa on [[3 0] [2 0]]: po = 3/5, pe = (3*5 + 2*0)/25 = 3/5 -> 0
		approxPtr(t, "kappa at 2", rows[1].Kappa, 0)
	})
}

// TestThresholdTableMatchesConfusionAt checks the sweep against counting from scratch at every threshold.
func TestThresholdTableMatchesConfusionAt(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var pts []ScoredLabel
	for range 500 {
		pts = append(pts, ScoredLabel{Score: float64(r.IntN(11)) / 2, Good: r.IntN(3) > 0, Count: r.IntN(4)})
	}
	for _, row := range ThresholdTable(pts) {
		if c := ConfusionAt(pts, row.Threshold); c != row.Confusion {
			t.Errorf("threshold %v: table %+v, counted %+v", row.Threshold, row.Confusion, c)
		}
	}
	// Between two scores the rule "score >= T" is the same as at the next score up.
	if got, want := ConfusionAt(judgeSample(), 2.5), ThresholdTable(judgeSample())[2].Confusion; got != want {
		t.Errorf("ConfusionAt(2.5) = %+v, want the T=3 row %+v", got, want)
	}
}

func TestAUC(t *testing.T) {
	tests := []struct {
		name string
		pts  []ScoredLabel
		want float64
	}{
		// Ascending groups: score 1 (1 good, 3 bad): 1*0 bad below + 0.5*1*3 ties = 1.5; score 2 (2 good, 2 bad):
		// 2*3 + 0.5*2*2 = 8; score 3 (4 good, 1 bad): 4*5 + 0.5*4*1 = 22. (1.5 + 8 + 22) / (7 good * 6 bad) = 0.75
		{"sample with ties", judgeSample(), 31.5 / 42},
		// every good item above every bad one
		{"perfect", []ScoredLabel{{Score: 9, Good: true, Count: 4}, {Score: 2, Count: 3}}, 1},
		// every good item below every bad one
		{"reversed", []ScoredLabel{{Score: 2, Good: true, Count: 4}, {Score: 9, Count: 3}}, 0},
		// one score for all: every pair is a tie, 0.5 each
		{"all tied", []ScoredLabel{{Score: 10, Good: true, Count: 8}, {Score: 10, Count: 2}}, 0.5},
		// good at 1 and 3, bad at 2 and 3 (one each): pairs (1,2) 0, (1,3) 0, (3,2) 1, (3,3) 0.5 -> 1.5/4
		{"partial", []ScoredLabel{{Score: 1, Good: true, Count: 1}, {Score: 3, Good: true, Count: 1},
			{Score: 2, Count: 1}, {Score: 3, Count: 1}}, 0.375},
		{"no bad items", []ScoredLabel{{Score: 1, Good: true, Count: 4}}, math.NaN()},
		{"no good items", []ScoredLabel{{Score: 1, Count: 4}}, math.NaN()},
		{"nothing", nil, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			approx(t, "AUC", AUC(tc.pts), tc.want)
		})
	}
}

func TestCalibrate(t *testing.T) {
	c := Calibrate(judgeSample())
	if c.Items != 13 || c.Good != 7 || c.Bad != 6 || len(c.Thresholds) != 3 {
		t.Errorf("calibration = items %d good %d bad %d rows %d, want 13 7 6 3", c.Items, c.Good, c.Bad, len(c.Thresholds))
	}
	approxPtr(t, "auc", c.AUC, 0.75)
}

func TestCalibrateCriterion(t *testing.T) {
	// Criterion "business" scored 0..2 by the judge; the human ticked it as met or not.
	// 2 points: 5 met, 1 not; 1 point: 1 met, 3 not; 0 points: 0 met, 2 not.
	pts := []ScoredLabel{
		{Score: 2, Good: true, Count: 5}, {Score: 2, Count: 1},
		{Score: 1, Good: true, Count: 1}, {Score: 1, Count: 3},
		{Score: 0, Count: 2},
	}
	cc := CalibrateCriterion("business", 2, pts)
	if cc.FullMarks == nil {
		t.Fatal("FullMarks is nil with a known maximum")
	}
	// Full marks as the judge's pass: TP 5, FP 1, FN 1, TN 5; po = 10/12; rows 6, 6; cols 6, 6; pe = 0.5;
	// kappa = (10/12 - 0.5)/0.5 = 2/3
	if cc.FullMarks.Confusion != (Confusion{TP: 5, FP: 1, FN: 1, TN: 5}) {
		t.Errorf("full marks confusion = %+v", cc.FullMarks.Confusion)
	}
	approxPtr(t, "full marks kappa", cc.FullMarks.Kappa, 2.0/3)
	// AUC: score 0: 0 good; score 1: 1 good * 2 bad below + 0.5*1*3 = 3.5; score 2: 5 * 5 + 0.5*5*1 = 27.5;
	// (3.5 + 27.5)/(6*6) = 31/36
	approxPtr(t, "auc", cc.AUC, 31.0/36)
	if cc.Criterion != "business" || cc.Max != 2 || len(cc.Thresholds) != 3 {
		t.Errorf("criterion calibration = %+v", cc)
	}
}

func BenchmarkThresholdTable(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	// Raw: one point per reviewed item, 20,000 reviews on a 0..100 scale. Aggregated: what a GROUP BY score,
	// label returns for a 0..10 rubric in half points.
	raw := make([]ScoredLabel, 20000)
	for i := range raw {
		s := float64(r.IntN(101))
		raw[i] = ScoredLabel{Score: s, Good: r.Float64() < s/100, Count: 1}
	}
	var agg []ScoredLabel
	for s := 0.0; s <= 10; s += 0.5 {
		agg = append(agg, ScoredLabel{Score: s, Good: true, Count: 100 + int(s*50)}, ScoredLabel{Score: s, Count: 500 - int(s*40)})
	}
	for name, pts := range map[string][]ScoredLabel{"20000 raw reviews": raw, "42 aggregated points": agg} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				ThresholdTable(pts)
			}
		})
	}
}

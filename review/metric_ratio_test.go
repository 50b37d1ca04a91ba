package review

import (
	"math"
	"testing"
)

func TestEstimateRatio(t *testing.T) {
	// Four reviewer-days (seconds active, items reviewed) and an empty one, which is no observation:
	//
	//	(600, 10), (900, 20), (300, 10), (120, 0) a day of skips only, (0, 0)
	//
	// m = 4, R = 1920 / 40 = 48 s per item. Residuals Y - 48X: 120, -60, -180, 120; squares sum 14400 + 3600 +
	// 32400 + 14400 = 64800. Xbar = 40 / 4 = 10. Var(R) = 64800 / (4 * 3 * 10^2) = 54, sd 7.348469; t(0.975, 3) =
	// 3.1824: half width 23.385768, interval [24.614232, 71.385768].
	r := EstimateRatio([]RatioCluster{{600, 10}, {900, 20}, {300, 10}, {120, 0}, {0, 0}})
	approxPtr(t, "ratio", r.Value, 48)
	if r.Clusters != 4 || r.CI == nil {
		t.Fatalf("ratio = %+v, want 4 clusters and an interval", r)
	}
	approxInterval(t, "ratio ci", *r.CI, 24.614232, 71.385768)

	t.Run("equal rates", func(t *testing.T) {
		// Every day at 30 s per item: no residual, a zero-width interval.
		r := EstimateRatio([]RatioCluster{{300, 10}, {600, 20}})
		approxPtr(t, "ratio", r.Value, 30)
		approxInterval(t, "ratio ci", *r.CI, 30, 30)
	})
	t.Run("wide interval clamped at 0", func(t *testing.T) {
		// (10, 1), (1000, 1): R = 505; residuals -495, 495; Var = 490050 / (2 * 1 * 1) = 245025, sd 495;
		// t(1) = 12.7062: half 6289.569, so the low end is clamped at 0.
		r := EstimateRatio([]RatioCluster{{10, 1}, {1000, 1}})
		approxPtr(t, "ratio", r.Value, 505)
		approxInterval(t, "ratio ci", *r.CI, 0, 505+12.7062*495)
	})
	t.Run("one reviewer-day", func(t *testing.T) {
		// A single cluster with items says nothing of how days vary: a value, no interval.
		r := EstimateRatio([]RatioCluster{{600, 10}, {50, 0}})
		approxPtr(t, "ratio", r.Value, 65)
		if r.CI != nil || r.Clusters != 2 {
			t.Errorf("one day with items = %+v, want no interval", r)
		}
	})
	t.Run("nothing reviewed", func(t *testing.T) {
		for _, cs := range [][]RatioCluster{nil, {{0, 0}}, {{120, 0}}} {
			if r := EstimateRatio(cs); r.Value != nil || r.CI != nil {
				t.Errorf("EstimateRatio(%v) = %+v, want no value", cs, r)
			}
		}
	})
	t.Run("negative total panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("no panic")
			}
		}()
		EstimateRatio([]RatioCluster{{-1, 2}})
	})
}

func TestStudentT975(t *testing.T) {
	// Table values, and beyond 30 degrees the Cornish-Fisher expansion against the exact quantiles (computed by
	// integrating the t density numerically): t(31) = 2.039513, t(40) = 2.021075, t(120) = 1.979930.
	for _, tc := range []struct {
		df   int
		want float64
	}{{1, 12.7062}, {3, 3.1824}, {10, 2.2281}, {30, 2.0423}, {31, 2.039513}, {40, 2.021075}, {120, 1.979930}} {
		if got := StudentT975(tc.df); math.Abs(got-tc.want) > 1e-5 {
			t.Errorf("StudentT975(%d) = %v, want %v", tc.df, got, tc.want)
		}
	}
	// It approaches the normal quantile from above.
	if got := StudentT975(1_000_000); got < Z95 || got-Z95 > 1e-5 {
		t.Errorf("StudentT975(1e6) = %v, want just above %v", got, Z95)
	}
}

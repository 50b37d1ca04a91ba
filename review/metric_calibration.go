package review

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// ScoredLabel is a judge score with the human's label, for Count items. Good is whatever the calibration asks about:
// for the total score, that the human approved the item (accepted or edited; pass accepted-only for the strict
// question "would it have been right as generated"); for a criterion, that the human ticked the criterion as met.
// Count lets SQL aggregate by (score, label) instead of sending every item; a point with Count 0 stands for nothing.
type ScoredLabel struct {
	Score float64 `json:"score"`
	Good  bool    `json:"good"`
	Count int     `json:"count"`
}

// Confusion is the confusion matrix of "the judge passes the item (score >= threshold)" against "the human says it
// is good". TP: passed and good; FP: passed but bad; FN: failed but good; TN: failed and bad.
type Confusion struct {
	TP int `json:"tp"`
	FP int `json:"fp"`
	FN int `json:"fn"`
	TN int `json:"tn"`
}

// Total is the number of items in the matrix.
func (c Confusion) Total() int { return c.TP + c.FP + c.FN + c.TN }

// Precision is TP / (TP + FP): the share of passed items that are good. NaN when nothing passed.
func (c Confusion) Precision() float64 { return div(c.TP, c.TP+c.FP) }

// Recall is TP / (TP + FN): the share of good items that pass. NaN when nothing is good.
func (c Confusion) Recall() float64 { return div(c.TP, c.TP+c.FN) }

// Accuracy is (TP + TN) / total. NaN for an empty matrix.
func (c Confusion) Accuracy() float64 { return div(c.TP+c.TN, c.Total()) }

// Kappa is Cohen's kappa between judge and human on pass/fail. A threshold that passes everything (or nothing)
// agrees no better than chance and gets 0; kappa is NaN only when the judge and the humans are both constant, or
// the matrix is empty (see CohenKappa).
func (c Confusion) Kappa() float64 { return CohenKappa([][]int{{c.TP, c.FP}, {c.FN, c.TN}}) }

func div(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// ThresholdRow is what a threshold T does on the reviewed items: the judge passes items scored >= T.
//
// The four shares answer the threshold advisor's questions, each with a Wilson 95% interval:
//   - BadInAccepted = FP / (TP + FP): auto-accepting at >= T would ship this share of bad summaries.
//   - BadAccepted = FP / (FP + TN): the share of all bad summaries that would get through.
//   - GoodDiscarded = FN / (TP + FN): auto-discarding below T would throw away this share of the good summaries.
//   - GoodInDiscarded = FN / (FN + TN): the share of the discarded items that were good.
//
// These are shares of the reviewed items. They stand for the whole population only if reviewed items are a uniform
// sample of it; with stratified or score-ordered queues use AdviseBands, which weights each band by its size.
type ThresholdRow struct {
	Threshold       float64    `json:"threshold"`
	Confusion       Confusion  `json:"confusion"`
	Precision       *float64   `json:"precision"`
	Recall          *float64   `json:"recall"`
	Accuracy        *float64   `json:"accuracy"`
	Kappa           *float64   `json:"kappa"`
	BadInAccepted   Proportion `json:"bad_in_accepted"`
	BadAccepted     Proportion `json:"bad_accepted"`
	GoodDiscarded   Proportion `json:"good_discarded"`
	GoodInDiscarded Proportion `json:"good_in_discarded"`
}

// NewThresholdRow derives a row's rates from its confusion matrix.
func NewThresholdRow(threshold float64, c Confusion) ThresholdRow {
	return ThresholdRow{
		Threshold:       threshold,
		Confusion:       c,
		Precision:       finite(c.Precision()),
		Recall:          finite(c.Recall()),
		Accuracy:        finite(c.Accuracy()),
		Kappa:           finite(c.Kappa()),
		BadInAccepted:   NewProportion(c.FP, c.TP+c.FP),
		BadAccepted:     NewProportion(c.FP, c.FP+c.TN),
		GoodDiscarded:   NewProportion(c.FN, c.TP+c.FN),
		GoodInDiscarded: NewProportion(c.FN, c.FN+c.TN),
	}
}

// scoreGroup is the good and bad count at one distinct score.
type scoreGroup struct {
	score     float64
	good, bad int
}

// groupScores merges points into ascending distinct scores. NaN scores and negative counts are a caller's bug and
// panic: scores were validated at import.
func groupScores(points []ScoredLabel) (groups []scoreGroup, good, bad int) {
	ps := make([]ScoredLabel, 0, len(points))
	for _, p := range points {
		if math.IsNaN(p.Score) || p.Count < 0 {
			panic(fmt.Sprintf("review: scored label needs a number score and a count >= 0, got %+v", p))
		}
		if p.Count > 0 {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b ScoredLabel) int { return cmp.Compare(a.Score, b.Score) })
	for _, p := range ps {
		if len(groups) == 0 || groups[len(groups)-1].score != p.Score {
			groups = append(groups, scoreGroup{score: p.Score})
		}
		g := &groups[len(groups)-1]
		if p.Good {
			g.good += p.Count
			good += p.Count
		} else {
			g.bad += p.Count
			bad += p.Count
		}
	}
	return groups, good, bad
}

// ThresholdTable returns one row for every distinct score T among points, ascending, for the rule "pass when score
// >= T". The lowest threshold passes everything; a threshold above the top score (passing nothing) has no row,
// since it has no score to name and its numbers follow from the totals. It runs in O(n log n).
func ThresholdTable(points []ScoredLabel) []ThresholdRow {
	groups, good, bad := groupScores(points)
	rows := make([]ThresholdRow, len(groups))
	tp, fp := 0, 0
	for i := len(groups) - 1; i >= 0; i-- {
		tp += groups[i].good
		fp += groups[i].bad
		rows[i] = NewThresholdRow(groups[i].score, Confusion{TP: tp, FP: fp, FN: good - tp, TN: bad - fp})
	}
	return rows
}

// ConfusionAt returns the confusion matrix of "score >= threshold" against the labels.
func ConfusionAt(points []ScoredLabel, threshold float64) Confusion {
	var c Confusion
	for _, p := range points {
		if math.IsNaN(p.Score) || p.Count < 0 {
			panic(fmt.Sprintf("review.ConfusionAt: scored label needs a number score and a count >= 0, got %+v", p))
		}
		switch pass := p.Score >= threshold; {
		case pass && p.Good:
			c.TP += p.Count
		case pass:
			c.FP += p.Count
		case p.Good:
			c.FN += p.Count
		default:
			c.TN += p.Count
		}
	}
	return c
}

// AUC is the area under the ROC curve of the judge score as a ranking of good over bad: the probability that a
// randomly drawn good item scores higher than a randomly drawn bad one, a tie counting one half (the midrank /
// Mann-Whitney rule, equal to the trapezoid area under the ROC curve). 0.5 is a judge no better than chance, 1 a
// judge that separates perfectly. It is NaN when either class is empty: with no bad (or no good) item there is no
// pair to rank, and any number would be invented.
func AUC(points []ScoredLabel) float64 {
	groups, good, bad := groupScores(points)
	if good == 0 || bad == 0 {
		return math.NaN()
	}
	var wins, badBelow float64
	for _, g := range groups {
		wins += float64(g.good)*badBelow + 0.5*float64(g.good)*float64(g.bad)
		badBelow += float64(g.bad)
	}
	return wins / (float64(good) * float64(bad))
}

// Calibration is how well a judge score predicts the human label.
type Calibration struct {
	Items int `json:"items"`
	Good  int `json:"good"`
	Bad   int `json:"bad"`
	// AUC is nil when either class is empty (see AUC).
	AUC        *float64       `json:"auc"`
	Thresholds []ThresholdRow `json:"thresholds"`
}

// Calibrate returns the AUC and the threshold table of points.
func Calibrate(points []ScoredLabel) Calibration {
	rows := ThresholdTable(points)
	c := Calibration{AUC: finite(AUC(points)), Thresholds: rows}
	if len(rows) > 0 {
		// The lowest threshold passes everything, so its TP and FP are the class totals.
		c.Good, c.Bad = rows[0].Confusion.TP, rows[0].Confusion.FP
	}
	c.Items = c.Good + c.Bad
	return c
}

// CriterionCalibration is the agreement between the judge's points on one criterion and the human's pass/fail on
// the same criterion (Decision.Checks).
type CriterionCalibration struct {
	Criterion string  `json:"criterion"`
	Max       float64 `json:"max"`
	Calibration
	// FullMarks reads "the judge passes the criterion" as full points (score >= Max), the judge's own yes/no; its
	// Kappa is the single agreement number per criterion. Nil when Max is unknown (0).
	FullMarks *ThresholdRow `json:"full_marks"`
}

// CalibrateCriterion calibrates one criterion whose judge points run up to max.
func CalibrateCriterion(criterion string, max float64, points []ScoredLabel) CriterionCalibration {
	cc := CriterionCalibration{Criterion: criterion, Max: max, Calibration: Calibrate(points)}
	if max > 0 {
		row := NewThresholdRow(max, ConfusionAt(points, max))
		cc.FullMarks = &row
	}
	return cc
}

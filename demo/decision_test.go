package demo

import (
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"reviewdesk/review"
)

type reviewedItem struct {
	item  review.Item
	plans []Plan
}

// reviewed generates cfg's items and the decisions of the reviewed ones.
func reviewed(t testing.TB, cfg Config) (all int, out []reviewedItem) {
	t.Helper()
	g := New(cfg)
	for i := range cfg.Items {
		it := g.Item(i)
		if plans := g.Decisions(it, i); len(plans) > 0 {
			out = append(out, reviewedItem{it, plans})
		}
	}
	return cfg.Items, out
}

var testStart = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // a Monday

func TestDecisionsValid(t *testing.T) {
	cfg := Config{Items: 4000, Seed: 21, Reviewed: 0.3, Start: testStart}
	n, revs := reviewed(t, cfg)
	if share := float64(len(revs)) / float64(n); share < 0.27 || share > 0.33 {
		t.Errorf("%.3f of items reviewed, want about 0.3", share)
	}
	g := New(cfg)
	reviewers := g.Reviewers()
	project := review.NewProject(Rubric())
	oldest := g.days[0]
	for _, r := range revs {
		var prev Plan
		for k, p := range r.plans {
			where := r.item.ID + " decision " + strconv.Itoa(k)
			if p.ItemID != r.item.ID {
				t.Fatalf("%s: item id %q", where, p.ItemID)
			}
			if !slices.Contains(reviewers, p.Reviewer) {
				t.Fatalf("%s: unknown reviewer %q", where, p.Reviewer)
			}
			if !p.StartedAt.Before(p.EndedAt) || p.EndedAt.Sub(p.StartedAt) > review.MaxReviewSeconds*time.Second {
				t.Fatalf("%s: from %v to %v", where, p.StartedAt, p.EndedAt)
			}
			if !p.EndedAt.Before(testStart) || p.StartedAt.Before(oldest) {
				t.Fatalf("%s at %v is outside the ten working days before %v", where, p.StartedAt, testStart)
			}
			if wd := p.StartedAt.In(jst()).Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Fatalf("%s on a %v", where, wd)
			}
			if k > 0 && p.StartedAt.Before(prev.EndedAt) {
				t.Fatalf("%s starts at %v, before the one before it ended (%v)", where, p.StartedAt, prev.EndedAt)
			}
			if k > 0 && p.Reviewer == prev.Reviewer {
				t.Fatalf("%s: %s looked at the item twice", where, p.Reviewer)
			}
			checkPlan(t, where, r.item, p)

			// The plan must go through the domain's own validation unchanged.
			rec := &review.Record{Item: r.item, Revision: 1}
			d, err := project.Decide(rec, review.Submission{Verdict: p.Verdict, Text: p.Text, Reasons: p.Reasons,
				Checks: p.Checks, Comment: p.Comment, StartedAt: p.StartedAt}, p.Reviewer, p.EndedAt)
			if err != nil {
				t.Fatalf("%s: review.Decide refuses it: %v", where, err)
			}
			if d.Verdict != p.Verdict {
				t.Fatalf("%s: review.Decide turns %s into %s", where, p.Verdict, d.Verdict)
			}
			prev = p
		}
		if last := r.plans[len(r.plans)-1]; last.Verdict == review.Skipped {
			t.Fatalf("item %s: its last decision is a skip", r.item.ID)
		}
		if r.plans[0].Verdict == review.Skipped && len(r.plans) < 2 {
			t.Fatalf("item %s: skipped and never decided", r.item.ID)
		}
	}
}

func checkPlan(t *testing.T, where string, it review.Item, p Plan) {
	t.Helper()
	codes := map[string]bool{}
	for _, r := range review.DefaultReasons {
		codes[r.Code] = true
	}
	for _, r := range p.Reasons {
		if !codes[r] {
			t.Fatalf("%s: reason %q is not in review.DefaultReasons", where, r)
		}
	}
	switch p.Verdict {
	case review.Accepted:
		if p.Text != "" || len(p.Reasons) != 0 {
			t.Fatalf("%s: accepted with text %q and reasons %v", where, p.Text, p.Reasons)
		}
	case review.Edited:
		if p.Text == "" || p.Text == it.Summary {
			t.Fatalf("%s: edited without changing the text", where)
		}
	case review.Rejected:
		if len(p.Reasons) == 0 {
			t.Fatalf("%s: rejected without a reason", where)
		}
		if slices.Contains(p.Reasons, review.ReasonOther) && p.Comment == "" {
			t.Fatalf("%s: reason other without a comment", where)
		}
	case review.Skipped:
		if p.Text != "" || len(p.Reasons) != 0 || p.Checks != nil {
			t.Fatalf("%s: a skip with content %+v", where, p)
		}
		return
	default:
		t.Fatalf("%s: verdict %q", where, p.Verdict)
	}
	var names []string
	for c := range p.Checks {
		names = append(names, c)
	}
	sort.Strings(names)
	if !reflect.DeepEqual(names, []string{"business", "relevance", "third_person"}) {
		t.Fatalf("%s: checks %v", where, p.Checks)
	}
	for _, r := range p.Reasons {
		for c := range numClasses {
			if c.String() == r && p.Checks[criterionName(c.criterion())] {
				t.Fatalf("%s: reason %s but check %s passes", where, r, criterionName(c.criterion()))
			}
		}
	}
	if p.Verdict == review.Accepted && slices.Contains(mapValues(p.Checks), false) {
		t.Fatalf("%s: accepted with a failed check %v", where, p.Checks)
	}
}

func mapValues[K comparable, V any](m map[K]V) []V {
	var out []V
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestEditsFixDefects checks that an edit removes what the reviewer named: the first-person rule finds nothing
// in it, placeholders and slogans are gone, and a wrong number is replaced by the source's.
func TestEditsFixDefects(t *testing.T) {
	_, revs := reviewed(t, Config{Items: 6000, Seed: 22, Reviewed: 1})
	rules := review.DefaultRules()
	checked := map[string]int{}
	for _, r := range revs {
		for _, p := range r.plans {
			if p.Verdict != review.Edited || len(p.Reasons) == 0 {
				continue
			}
			for _, reason := range p.Reasons {
				checked[reason]++
				switch reason {
				case "first_person":
					for _, h := range rules.Check(p.Text, r.item.Source) {
						if h.Rule == "first_person" {
							t.Errorf("edit of %s still has %q: %s", r.item.ID, h.Text, p.Text)
						}
					}
				case "placeholder":
					if strings.Contains(p.Text, "XX") || strings.Contains(p.Text, "〇〇") {
						t.Errorf("edit of %s still has a placeholder: %s", r.item.ID, p.Text)
					}
				case "slogan":
					if strings.ContainsAny(p.Text, "！!") {
						t.Errorf("edit of %s still has the slogan: %s", r.item.ID, p.Text)
					}
				}
			}
			if len(p.Reasons) == len(defects(t, r.item)) {
				checkNumbersInSource(t, review.Item{ID: r.item.ID, Summary: p.Text, Source: r.item.Source})
			}
		}
	}
	for _, c := range []string{"first_person", "placeholder", "slogan", "generic", "style_mix"} {
		if checked[c] == 0 {
			t.Errorf("no edit fixed %s; the test checked nothing for it", c)
		}
	}
}

// TestDecisionsRealistic checks the shares a supervisor's dashboard would show.
func TestDecisionsRealistic(t *testing.T) {
	_, revs := reviewed(t, Config{Items: 8000, Seed: 23, Reviewed: 0.5})
	var cleanN, cleanAccepted, badN, badCaught, edits, skips, doubles, disagree int
	secs := map[review.Verdict][]float64{}
	perReviewer := map[string][]float64{}
	for _, r := range revs {
		bad := len(defects(t, r.item)) > 0
		var verdicts []review.Verdict
		for _, p := range r.plans {
			s := p.EndedAt.Sub(p.StartedAt).Seconds()
			secs[p.Verdict] = append(secs[p.Verdict], s)
			if p.Verdict == review.Skipped {
				skips++
				continue
			}
			perReviewer[p.Reviewer] = append(perReviewer[p.Reviewer], s)
			verdicts = append(verdicts, p.Verdict)
			if p.Verdict == review.Edited {
				edits++
			}
		}
		first := verdicts[0]
		if bad {
			badN++
			if first != review.Accepted {
				badCaught++
			}
		} else {
			cleanN++
			if first == review.Accepted {
				cleanAccepted++
			}
		}
		if len(verdicts) == 2 {
			doubles++
			if verdicts[0].Approved() != verdicts[1].Approved() {
				disagree++
			}
		}
	}
	n := float64(len(revs))
	check := func(what string, got, lo, hi float64) {
		t.Helper()
		t.Logf("%s: %.3f", what, got)
		if got < lo || got > hi {
			t.Errorf("%s = %.3f, want %.2f to %.2f", what, got, lo, hi)
		}
	}
	check("share of defective items caught", float64(badCaught)/float64(badN), 0.65, 0.9)
	check("share of clean items accepted", float64(cleanAccepted)/float64(cleanN), 0.9, 0.99)
	check("share of edits", float64(edits)/n, 0.08, 0.25)
	check("share skipped first", float64(skips)/n, 0.03, 0.09)
	check("share reviewed twice", float64(doubles)/n, 0.07, 0.13)
	check("share of double reviews that disagree", float64(disagree)/float64(doubles), 0.02, 0.3)
	check("median seconds to accept", median(secs[review.Accepted]), 20, 90)
	if median(secs[review.Edited]) <= 1.3*median(secs[review.Accepted]) {
		t.Errorf("edits take %.0f s, accepts %.0f s: edits should be clearly slower", median(secs[review.Edited]), median(secs[review.Accepted]))
	}
	if len(perReviewer) < 3 {
		t.Fatalf("only %d reviewers", len(perReviewer))
	}
	fastest, slowest := 1e9, 0.0
	for _, s := range perReviewer {
		fastest, slowest = min(fastest, median(s)), max(slowest, median(s))
	}
	if slowest < 1.5*fastest {
		t.Errorf("reviewers' medians %.0f to %.0f s: want different speeds", fastest, slowest)
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func TestDecisionsDeterministic(t *testing.T) {
	cfg := Config{Items: 300, Seed: 24, Reviewed: 0.6, Start: testStart}
	_, a := reviewed(t, cfg)
	_, b := reviewed(t, cfg)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same config gave different decisions")
	}
}

func TestReviewedShareNests(t *testing.T) {
	small, large := New(Config{Items: 2000, Seed: 25, Reviewed: 0.2}), New(Config{Items: 2000, Seed: 25, Reviewed: 0.6})
	none := New(Config{Items: 2000, Seed: 25})
	for i := range 2000 {
		if small.Reviewed(i) && !large.Reviewed(i) {
			t.Fatalf("item %d is reviewed at 0.2 but not at 0.6", i)
		}
		if none.Reviewed(i) {
			t.Fatalf("item %d is reviewed at share 0", i)
		}
		if none.Decisions(none.Item(i), i) != nil {
			t.Fatalf("item %d has decisions at share 0", i)
		}
	}
}

func TestDecisionsFollowStart(t *testing.T) {
	for _, start := range []time.Time{testStart, testStart.AddDate(0, 1, 0), {}} {
		g := New(Config{Items: 500, Seed: 26, Reviewed: 1, Start: start})
		want := start
		if start.IsZero() {
			want = defaultStart()
		}
		for i := range 50 {
			for _, p := range g.Decisions(g.Item(i), i) {
				if !p.EndedAt.Before(want) || want.Sub(p.StartedAt) > 20*24*time.Hour {
					t.Fatalf("start %v: decision at %v", start, p.StartedAt)
				}
			}
		}
	}
}

func TestDecisionsRefuseAnotherItem(t *testing.T) {
	g := New(Config{Items: 10, Seed: 27, Reviewed: 1})
	defer func() {
		if recover() == nil {
			t.Fatal("Decisions accepted an item that is not Item(i)")
		}
	}()
	g.Decisions(g.Item(1), 2)
}

func TestWorkingDays(t *testing.T) {
	tests := []struct {
		name  string
		start time.Time
		first string
		last  string
	}{
		{"monday", time.Date(2026, 3, 2, 10, 0, 0, 0, jst()), "2026-02-16", "2026-02-27"},
		{"wednesday", time.Date(2026, 3, 4, 10, 0, 0, 0, jst()), "2026-02-18", "2026-03-03"},
		// 2026-03-01 23:30 UTC is already Monday the 2nd in Japan
		{"utc evening", time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC), "2026-02-16", "2026-02-27"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days := workingDaysBefore(tt.start, reviewDays)
			if len(days) != reviewDays {
				t.Fatalf("%d days", len(days))
			}
			if f, l := days[0].Format(time.DateOnly), days[len(days)-1].Format(time.DateOnly); f != tt.first || l != tt.last {
				t.Fatalf("days %s to %s, want %s to %s", f, l, tt.first, tt.last)
			}
		})
	}
}

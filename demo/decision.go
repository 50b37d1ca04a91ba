package demo

import (
	"math"
	"time"
	"unicode/utf8"

	"reviewdesk/review"
)

// Plan is one decision a made-up reviewer takes on an item, ready to be submitted as a review.Submission.
type Plan struct {
	ItemID  string
	Verdict review.Verdict
	// Text is the final text of an edit, and sometimes the correction a reviewer wrote on a rejection.
	Text               string
	Reasons            []string
	Checks             map[string]bool
	Comment            string
	Reviewer           string
	StartedAt, EndedAt time.Time
}

// reviewer is a made-up person with a speed and habits.
type reviewer struct {
	name   string
	weight int     // share of the work
	median float64 // seconds to accept a clean summary of ordinary length
	detect float64 // multiplies how likely each defect is noticed
	// falseReject and falseEdit are how often a clean summary is rejected, or edited although fine.
	falseReject, falseEdit float64
	editBias               float64 // multiplies how likely a noticed defect is edited rather than rejected
}

func newReviewers() []reviewer {
	return []reviewer{
		{name: "sato", weight: 35, median: 28, detect: 0.85, falseReject: 0.01, falseEdit: 0.01, editBias: 1.0},
		{name: "suzuki", weight: 25, median: 42, detect: 1.0, falseReject: 0.05, falseEdit: 0.01, editBias: 0.75},
		{name: "tanaka", weight: 25, median: 60, detect: 1.08, falseReject: 0.02, falseEdit: 0.05, editBias: 1.3},
		{name: "takahashi", weight: 15, median: 38, detect: 0.72, falseReject: 0.035, falseEdit: 0.02, editBias: 1.0},
	}
}

// Reviewers lists the made-up reviewers' names.
func (g *Generator) Reviewers() []string {
	names := make([]string, len(g.t.reviewers))
	for i, rv := range g.t.reviewers {
		names[i] = rv.name
	}
	return names
}

// detectRate is how often a reviewer of ordinary care notices a class: the visible ones almost always, those that
// need the source text (a wrong number, a narrowed scope) much less.
func detectRate(c class) float64 {
	switch c {
	case firstPerson:
		return 0.95
	case generic:
		return 0.85
	case scope:
		return 0.55
	case slogan:
		return 0.92
	case superlative:
		return 0.75
	case vague:
		return 0.8
	case grammar:
		return 0.82
	case styleMix:
		return 0.7
	case placeholder:
		return 0.97
	case unsupportedFact:
		return 0.6
	}
	return 0
}

// editability is how often a reviewer fixes a class in place rather than rejecting: swapping 我々 for 同社 is
// quick, rewriting a vague summary from the source is not.
func editability(c class) float64 {
	switch c {
	case firstPerson, generic, styleMix, grammar:
		return 0.85
	case slogan, placeholder:
		return 0.8
	case superlative:
		return 0.75
	case unsupportedFact:
		return 0.55
	case scope:
		return 0.35
	case vague:
		return 0.3
	}
	return 0
}

// Shares of reviewed items that were skipped once before their verdict, and that a second reviewer judged too.
const (
	skipShare   = 0.06
	doubleShare = 0.10
)

// reviewDays is how many working days before Config.Start the decisions spread over.
const reviewDays = 10

// Reviewed reports whether item i has decisions: a fixed draw per item below Reviewed, so a larger share keeps
// the items a smaller one chose.
func (g *Generator) Reviewed(i int) bool {
	r := newRNG(g.cfg.Seed, streamPick, i)
	return r.float() < g.cfg.Reviewed
}

// Decisions returns the decisions on item i, which must be Item(i), in the order they were taken: usually one,
// sometimes a skip and then a verdict by someone else, and for about a tenth of the items a second verdict by a
// second reviewer. It returns nil for an item that was not reviewed.
func (g *Generator) Decisions(it review.Item, i int) []Plan {
	if !g.Reviewed(i) {
		return nil
	}
	var w work
	bufs := g.getWork(&w)
	defer g.putWork(&w, bufs)
	batchIx := g.draw(i, &w)
	if string(w.sum.bytes()) != it.Summary {
		panic("demo: Decisions got an item that is not Item(i)")
	}
	r := newRNG(g.cfg.Seed, streamReview, i)
	runes := utf8.RuneCountInString(it.Summary)

	pos := (float64(batchIx) + r.float()) / float64(len(g.batches))
	day := min(int(pos*float64(len(g.days))), len(g.days)-1)
	at := g.days[day].Add(9*time.Hour + time.Duration(r.float()*8.5*float64(time.Hour))).Truncate(time.Second)

	var plans []Plan
	who := r.weighted(g.t.reviewerCum)
	if r.chance(skipShare) {
		sec := g.seconds(&r, who, 0.45, runes)
		plans = append(plans, Plan{ItemID: it.ID, Verdict: review.Skipped, Reasons: []string{},
			Comment: pickStr(r.chance(0.5), pick(&r, g.t.skipComments), ""), Reviewer: g.t.reviewers[who].name,
			StartedAt: at, EndedAt: at.Add(sec)})
		day, at = g.later(&r, day, at.Add(sec))
		who = g.other(&r, who)
	}
	first := g.decide(&r, &w, it, who, runes, at)
	plans = append(plans, first)
	if r.chance(doubleShare) {
		_, at = g.later(&r, day, first.EndedAt)
		plans = append(plans, g.decide(&r, &w, it, g.other(&r, who), runes, at))
	}
	return plans
}

// decide draws one reviewer's verdict: which defects they notice, whether they fix or reject, and how long it
// takes them.
func (g *Generator) decide(r *rng, w *work, it review.Item, who, runes int, at time.Time) Plan {
	rv := &g.t.reviewers[who]
	p := Plan{ItemID: it.ID, Reviewer: rv.name, Reasons: []string{}}
	var seen classSet
	minEdit := 1.0
	for c := range numClasses {
		if w.plan.defects.has(c) && r.chance(min(0.99, detectRate(c)*rv.detect)) {
			seen.add(c)
			minEdit = min(minEdit, editability(c))
		}
	}
	failed := [numCriteria]bool{}
	for c := range numClasses {
		if seen.has(c) {
			failed[c.criterion()] = true
		}
	}
	factor := 1.0
	switch {
	case !seen.empty() && r.chance(min(0.95, minEdit*rv.editBias)):
		p.Verdict, factor = review.Edited, 2.0
		p.Text = g.render(w, seen, false)
		if r.chance(0.85) {
			p.Reasons = seen.codes()
		}
	case !seen.empty():
		p.Verdict, factor = review.Rejected, 1.3
		p.Reasons = seen.codes()
		if r.chance(0.15) {
			p.Text = g.render(w, seen, false)
		}
	case r.chance(rv.falseReject):
		p.Verdict, factor = review.Rejected, 1.5
		switch x := r.intn(4); x {
		case 0:
			p.Reasons = []string{vague.String()}
		case 1:
			p.Reasons = []string{unsupportedFact.String()}
		case 2:
			p.Reasons = []string{grammar.String()}
		default:
			p.Reasons = []string{review.ReasonOther}
			p.Comment = pick(r, g.t.comments[review.ReasonOther])
		}
		failed[critBusiness] = true
	case r.chance(rv.falseEdit):
		p.Verdict, factor = review.Edited, 1.8
		p.Text = g.render(w, 0, true)
	default:
		p.Verdict = review.Accepted
	}
	if p.Comment == "" && len(p.Reasons) > 0 {
		if (p.Verdict == review.Rejected && r.chance(0.35)) || (p.Verdict == review.Edited && r.chance(0.2)) {
			p.Comment = pick(r, g.t.comments[p.Reasons[0]])
		}
	}
	p.Checks = make(map[string]bool, numCriteria)
	for c := range numCriteria {
		p.Checks[criterionName(c)] = !failed[c]
	}
	sec := g.seconds(r, who, factor, runes)
	p.StartedAt, p.EndedAt = at, at.Add(sec)
	return p
}

func (g *Generator) render(w *work, fix classSet, alt bool) string {
	g.writeSummary(&w.tmp, &w.co, &w.plan, fix, alt)
	return string(w.tmp.bytes())
}

// seconds draws how long one review takes: log-normal around the reviewer's median, longer for longer summaries
// and for edits.
func (g *Generator) seconds(r *rng, who int, factor float64, runes int) time.Duration {
	sec := g.t.reviewers[who].median * factor * math.Exp(0.45*r.normal()) * math.Sqrt(float64(runes)/250)
	sec = min(max(sec, 6), 900)
	return time.Duration(sec * float64(time.Second)).Round(time.Millisecond)
}

// other picks a reviewer other than who.
func (g *Generator) other(r *rng, who int) int {
	for {
		if o := r.weighted(g.t.reviewerCum); o != who {
			return o
		}
	}
}

// later picks a start after prev for the next look at the same item: later that day, or on a later working day
// when there is one.
func (g *Generator) later(r *rng, day int, prev time.Time) (int, time.Time) {
	if day < len(g.days)-1 && r.chance(0.5) {
		day += r.between(1, min(3, len(g.days)-1-day))
		return day, g.days[day].Add(9*time.Hour + time.Duration(r.float()*8*float64(time.Hour))).Truncate(time.Second)
	}
	return day, prev.Add(2*time.Minute + time.Duration(r.float()*float64(2*time.Hour))).Truncate(time.Second)
}

// workingDaysBefore returns the n weekdays before start's date in Japan, oldest first, at midnight JST.
func workingDaysBefore(start time.Time, n int) []time.Time {
	loc := jst()
	s := start.In(loc)
	d := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, loc)
	out := make([]time.Time, n)
	for k := n - 1; k >= 0; {
		d = d.AddDate(0, 0, -1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			out[k] = d
			k--
		}
	}
	return out
}

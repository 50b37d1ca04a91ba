package demo

import "reviewdesk/review"

// The demo rubric's criteria, in the order scores are drawn.
const (
	critBusiness = iota
	critThirdPerson
	critRelevance
	numCriteria
)

// DiscardBelow is the demo rubric's auto-discard threshold.
const DiscardBelow = 4

// Rubric returns the demo rubric: the judge prompt of DOMAIN.md with its three criteria, 10 points in all.
func Rubric() review.Rubric {
	discard := float64(DiscardBelow)
	return review.Rubric{
		Criteria: []review.Criterion{
			{Name: "business", Max: 4, Description: "事業内容（製品・サービス）が明確"},
			{Name: "third_person", Max: 3, Description: "三人称で書かれている"},
			{Name: "relevance", Max: 3, Description: "会社概要と無関係な内容がない"},
		},
		MaxScore:     10,
		DiscardBelow: &discard,
	}
}

func criterionName(c int) string {
	switch c {
	case critThirdPerson:
		return "third_person"
	case critRelevance:
		return "relevance"
	}
	return "business"
}

// catchRate is how often the judge notices a class and docks points. It notices what reads badly (placeholders,
// slogans, vague claims) and misses what only the source can refute (superlatives, wrong facts, narrowed scope).
// First person slips through a quarter of the time: the real judge gave such summaries full marks.
func catchRate(c class) float64 {
	switch c {
	case firstPerson:
		return 0.75
	case generic:
		return 0.75
	case slogan:
		return 0.8
	case superlative:
		return 0.55
	case vague:
		return 0.85
	case scope:
		return 0.45
	case unsupportedFact:
		return 0.45
	case placeholder:
		return 0.9
	case grammar:
		return 0.75
	case styleMix:
		return 0.55
	}
	return 0
}

// judge draws the judge's points for a summary with the given defects. Clean summaries mostly get full marks
// but not always (a judge is noisy); defective ones lose points only when the judge notices.
func judge(r *rng, defects classSet) [numCriteria]int {
	s := [numCriteria]int{4, 3, 3}
	switch x := r.float(); {
	case x < 0.05:
		s[critBusiness] = 2
	case x < 0.25:
		s[critBusiness] = 3
	}
	if r.chance(0.05) {
		s[critThirdPerson] = 2
	}
	switch x := r.float(); {
	case x < 0.03:
		s[critRelevance] = 1
	case x < 0.15:
		s[critRelevance] = 2
	}
	if r.chance(0.07) { // and is harsh on some fine summaries, so that low scores are not all bad ones
		s[r.intn(numCriteria)] -= r.between(1, 3)
	}
	if !defects.empty() && r.chance(0.3) {
		s[critBusiness]-- // a summary with one defect is rarely otherwise perfect
	}
	for c := range numClasses {
		if !defects.has(c) || !r.chance(catchRate(c)) {
			continue
		}
		s[c.criterion()] -= r.between(1, 2)
		if c == slogan && r.chance(0.5) {
			s[critBusiness]--
		}
		if c == grammar && r.chance(0.25) {
			s = [numCriteria]int{} // "a summary that is not proper Japanese gets 0"
		}
	}
	for c := range s {
		s[c] = max(0, s[c])
	}
	if r.chance(0.03) { // the judge misreads an item now and then and scores it far too low
		for c := range s {
			s[c] = r.intn(s[c]/2 + 1)
		}
	}
	return s
}

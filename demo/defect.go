package demo

// class is a failure class of DOMAIN.md. Its name is the reason code a reviewer picks (review.DefaultReasons), so
// the injected defects, the reasons of rejections and the hints all speak the same language.
type class uint8

const (
	firstPerson class = iota
	generic
	scope
	slogan
	superlative
	vague
	grammar
	styleMix
	placeholder
	unsupportedFact
	numClasses
)

func (c class) String() string {
	switch c {
	case firstPerson:
		return "first_person"
	case generic:
		return "generic"
	case scope:
		return "scope"
	case slogan:
		return "slogan"
	case superlative:
		return "superlative"
	case vague:
		return "vague"
	case grammar:
		return "grammar"
	case styleMix:
		return "style_mix"
	case placeholder:
		return "placeholder"
	case unsupportedFact:
		return "unsupported_fact"
	}
	return "unknown"
}

// Classes lists the failure class ids the generator injects, in the order Meta["defects"] lists them.
func Classes() []string {
	ids := make([]string, numClasses)
	for c := range numClasses {
		ids[c] = c.String()
	}
	return ids
}

// baseRate is how often a summary of the middle batches shows each class. Together they leave about 30% of
// summaries with at least one defect, close to what reviewers found in the real pipeline.
func baseRate(c class) float64 {
	switch c {
	case firstPerson:
		return 0.045
	case generic:
		return 0.05
	case scope:
		return 0.033
	case slogan:
		return 0.033
	case superlative:
		return 0.037
	case vague:
		return 0.04
	case grammar:
		return 0.033
	case styleMix:
		return 0.028
	case placeholder:
		return 0.017
	case unsupportedFact:
		return 0.045
	}
	return 0
}

// criterion is the rubric criterion a class offends: the judge docks points there when it notices, and a
// reviewer who finds the class fails that check.
func (c class) criterion() int {
	switch c {
	case firstPerson:
		return critThirdPerson
	case generic, slogan:
		return critRelevance
	}
	return critBusiness
}

// classSet is a set of classes.
type classSet uint16

func (s classSet) has(c class) bool { return s&(1<<c) != 0 }

func (s *classSet) add(c class) { *s |= 1 << c }

func (s classSet) empty() bool { return s == 0 }

// codes lists the set's reason codes; an empty set gives an empty, non-nil list, so JSON shows [].
func (s classSet) codes() []string {
	out := []string{}
	for c := range numClasses {
		if s.has(c) {
			out = append(out, c.String())
		}
	}
	return out
}

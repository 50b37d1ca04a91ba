package demo

// summaryPlan is every choice behind one summary. Rendering is a pure function of the plan, the company and a
// set of classes to leave out, so the reviewer's edit of a defective summary is the same summary rendered with
// the classes they noticed fixed: 我々 becomes 同社, the slogan sentence goes, the wrong year is corrected.
type summaryPlan struct {
	intro, verb, history uint8
	// topic words the business sentence as 主な事業は…です; subj names the company in it (同社は); also starts
	// the feature sentence with また、
	topic, subj, also bool

	three bool // the business sentence names three services

	// on says which sentences the summary has; forced ones stay whatever the length, because a defect lives in
	// them or they carry the summary's core.
	on, forced [numSegs]bool
	target     int // length in runes that fit grows the summary to

	defects classSet
	// one variant per injected class
	pronoun, genericIx, superMode, superIx, vagueMode, vagueIx uint8
	grammarMode, scopeMode, scopeIx, styleAt, placeMode        uint8
	factMode, factKind                                         uint8
	sloganText                                                 string
	factN, wrong                                               int
	factPref                                                   *prefecture
	factCity                                                   *city
}

// Grammar variants.
const (
	grammarTwisted   = iota // ねじれ: 主な事業は…を行っています
	grammarParticle         // a dropped を
	grammarTypo             // いまます
	grammarNoSubject        // the first sentence lacks its subject
)

// Scope variants.
const (
	scopeRegion  = iota // one city for a company with branches elsewhere
	scopeService        // one service of several
)

// Placeholder variants.
const (
	placeName  = iota // 株式会社XXX
	placeCity         // 〇〇市
	placeStaff        // 従業員数は〇〇名
)

// Unsupported-fact variants.
const (
	factInsert = iota // a sentence with a fact the page lacks
	factStaff         // a wrong head count
	factYear          // a wrong founding year
)

// Sentences a style defect can switch to である調.
const (
	styleIntro = iota
	styleBusiness
	styleFeature
	styleHistory
)

func (t *tables) drawPlan(r *rng, co *company, p *summaryPlan, rates *[numClasses]float64) {
	p.intro = uint8(r.intn(3))
	p.topic = !co.en && r.chance(0.3)
	p.verb = uint8(r.intn(2))
	p.subj = r.chance(0.6)
	p.also = r.chance(0.3)
	p.three = co.nSvc > 2 && r.chance(0.45)
	p.history = uint8(r.intn(3))
	if co.nEvents == 0 && p.history == 0 {
		p.history = 1
	}
	p.forced[segIntro], p.forced[segBusiness] = true, true
	p.on[segFeature] = r.chance(0.85)
	p.on[segFeature2] = r.chance(0.3)
	p.on[segCustomers] = r.chance(0.65)
	p.on[segRegions] = r.chance(0.85)
	p.on[segPast] = r.chance(0.4)
	p.on[segHistory] = r.chance(0.8)
	p.on[segEvent] = r.chance(0.4)
	p.on[segEstab] = r.chance(0.3)
	p.target = r.between(minSummaryRunes+10, 340)

	for c := range numClasses {
		if c == styleMix && co.en {
			continue // English has no です/である register to mix
		}
		if r.chance(rates[c]) {
			p.defects.add(c)
		}
	}
	if p.defects.empty() {
		return
	}
	// the sentences that only a defect adds are there whenever the defect is
	p.forced[segSuper], p.forced[segFact], p.forced[segGeneric], p.forced[segSlogan] = true, true, true, true
	bodyTaken := false
	if p.defects.has(scope) {
		if co.multiRegion() {
			p.scopeMode = scopeRegion
			p.forced[segRegions] = true
		} else {
			p.scopeMode = scopeService
			bodyTaken = true
		}
		p.scopeIx = uint8(r.intn(2))
	}
	if p.defects.has(grammar) {
		p.grammarMode = uint8(r.intn(4))
		if co.en && p.grammarMode == grammarParticle {
			p.grammarMode = grammarTwisted // English: a subject-verb agreement error instead
		}
		if bodyTaken && (p.grammarMode == grammarTwisted || p.grammarMode == grammarParticle) {
			p.grammarMode = grammarTypo
		}
		switch p.grammarMode {
		case grammarTwisted:
			bodyTaken = true
		case grammarParticle:
			bodyTaken = true
			p.topic = false
		}
	}
	if p.defects.has(vague) {
		p.vagueMode = uint8(r.intn(2))
		if bodyTaken {
			p.vagueMode = 0
		}
		p.vagueIx = uint8(r.intn(len(t.vagueBodies)))
	}
	if p.defects.has(placeholder) {
		p.placeMode = uint8(r.intn(3))
		if p.placeMode == placeName && p.defects.has(grammar) && p.grammarMode == grammarNoSubject {
			p.placeMode = placeCity
		}
		if p.placeMode == placeStaff {
			p.forced[segHistory] = true
		}
	}
	if p.defects.has(unsupportedFact) {
		p.factMode = uint8(r.intn(3))
		if p.factMode == factStaff && p.defects.has(placeholder) && p.placeMode == placeStaff {
			p.factMode = factInsert
		}
		switch p.factMode {
		case factInsert:
			p.factKind = uint8(r.intn(5))
			switch p.factKind {
			case 0: // revenue, in 億円
				p.factN = max(1, co.employees/8+r.between(1, 12))
			case 1: // listing year
				p.factN = r.between(max(co.established+3, 1990), pageYear-1)
			case 3: // patents
				p.factN = r.between(3, 40)
			case 4: // a place the company has no branch in
				for {
					p.factPref = &t.prefs[r.weighted(t.prefCum)]
					if p.factPref != co.pref && !co.hasSiteIn(p.factPref) {
						break
					}
				}
				p.factCity = &p.factPref.cities[0]
			default:
				p.factN = r.intn(len(t.countries))
			}
		case factStaff:
			p.forced[segHistory] = true
			p.wrong = co.employees*2 + r.between(5, 40)
		case factYear:
			p.intro = 1
			p.wrong = co.established - r.between(3, 15)
		}
	}
	if p.defects.has(superlative) {
		p.superMode = uint8(r.intn(2))
		p.superIx = uint8(r.intn(len(t.superPrefix)))
	}
	if p.defects.has(styleMix) {
		p.styleAt = uint8(r.intn(4))
		switch p.styleAt {
		case styleFeature:
			p.forced[segFeature] = true
		case styleHistory:
			p.forced[segHistory] = true
		}
	}
	if p.defects.has(firstPerson) {
		p.pronoun = uint8(r.intn(len(t.pronouns)))
	}
	if p.defects.has(generic) {
		p.genericIx = uint8(r.intn(len(t.generic)))
	}
	if p.defects.has(slogan) {
		switch {
		case co.en:
			p.sloganText = pick(r, t.slogansEN)
		case co.slogan != "" && r.chance(0.7):
			p.sloganText = co.slogan // copied from the greeting on the page, as LLMs do
		case r.chance(0.6):
			p.sloganText = pick(r, co.ind.slogans)
		default:
			p.sloganText = pick(r, t.slogansAny)
		}
	}
}

func (co *company) hasSiteIn(p *prefecture) bool {
	for _, s := range co.sites[:co.nSites] {
		if s.pref == p {
			return true
		}
	}
	return false
}

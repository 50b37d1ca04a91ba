package demo

import (
	"encoding/binary"
	"math/bits"
)

// Summary lengths in characters (runes), for both languages.
const (
	minSummaryRunes = 150
	maxSummaryRunes = 400
)

// A summary is a sequence of sentences (segments), each rendered on its own; which ones it has is in the plan.
const (
	segIntro     = iota // who and where
	segBusiness         // what it does
	segFeature          // a strength from the page
	segFeature2         // another one
	segCustomers        // 主な取引先
	segRegions          // branches
	segSuper            // a superlative sentence (defect)
	segFact             // a fact the page does not have (defect)
	segPast             // founded as a sole proprietorship, incorporated later
	segEstab            // year of incorporation
	segHistory          // head count with an event, history or capital
	segEvent            // an event of the history
	segGeneric          // site chrome (defect)
	segSlogan           // mission statement (defect)
	numSegs
)

// candidate reports whether sentence seg can appear in a summary of co with the defects d.
func (p *summaryPlan) candidate(co *company, seg int, d classSet) bool {
	switch seg {
	case segFeature, segFeature2:
		return !co.en
	case segCustomers:
		return co.nCust > 1
	case segRegions:
		return co.multiRegion()
	case segSuper:
		return d.has(superlative) && p.superMode == 1
	case segFact:
		return d.has(unsupportedFact) && p.factMode == factInsert
	case segPast:
		return co.founded < co.established && !p.on[segEstab]
	case segEstab:
		// only where no other sentence names the year of incorporation
		return p.intro != 1 && p.history != 1 && !p.on[segPast]
	case segEvent:
		return co.nEvents > p.eventIndex()
	case segGeneric:
		return d.has(generic)
	case segSlogan:
		return d.has(slogan)
	}
	return true
}

// eventIndex is the event the event sentence tells: the second when the history sentence tells the first.
func (p *summaryPlan) eventIndex() int {
	if p.history == 0 {
		return 1
	}
	return 0
}

// present reports whether sentence seg is in the summary rendered with defects d.
func (p *summaryPlan) present(co *company, seg int, d classSet) bool {
	return p.on[seg] && p.candidate(co, seg, d) && (seg != segFeature2 || p.on[segFeature])
}

// fit decides which sentences the summary has, so that it reaches its target length without passing
// maxSummaryRunes, and leaves the summary in w.sum. Each sentence is rendered once, into w.tmp, when it is first
// considered; the summary is then put together from the chosen ones.
func (g *Generator) fit(w *work) {
	co, p := &w.co, &w.plan
	d := p.defects
	for seg := range numSegs {
		p.on[seg] = (p.on[seg] || p.forced[seg]) && p.candidate(co, seg, d)
	}
	p.on[segFeature2] = p.on[segFeature2] && p.on[segFeature]

	buf := &w.tmp
	buf.reset()
	var start, end, runes [numSegs]int
	measure := func(seg int) int {
		start[seg] = buf.len
		g.segment(buf, co, p, d, false, seg)
		end[seg] = buf.len
		runes[seg] = runeCount(buf.buf[start[seg]:end[seg]])
		return runes[seg]
	}
	sep := 0
	if co.en {
		sep = 1 // the space between English sentences
	}
	total := -sep
	for seg := range numSegs {
		if p.on[seg] {
			total += measure(seg) + sep
		}
	}
	// Sentences are added in this order until the summary reaches its target length, and dropped in the other
	// when it is too long: the core (who, what, where) stays, asides go first.
	growOrder := [...]int{segHistory, segFeature, segCustomers, segRegions, segEvent, segPast, segEstab, segFeature2}
	shrinkOrder := [...]int{segFeature2, segEstab, segPast, segEvent, segCustomers, segFeature, segRegions, segHistory}
	for _, seg := range growOrder {
		if total >= p.target {
			break
		}
		if !p.on[seg] && p.candidate(co, seg, d) && (seg != segFeature2 || p.on[segFeature]) {
			p.on[seg] = true
			total += measure(seg) + sep
		}
	}
	for _, seg := range shrinkOrder {
		if total <= maxSummaryRunes {
			break
		}
		if p.on[seg] && !p.forced[seg] && (seg != segFeature || !p.on[segFeature2]) {
			p.on[seg] = false
			total -= runes[seg] + sep
		}
	}

	w.sum.reset()
	for seg := range numSegs {
		if p.on[seg] {
			if co.en && w.sum.len > 0 {
				w.sum.s(" ")
			}
			w.sum.write(buf.buf[start[seg]:end[seg]])
		}
	}
}

// writeSummary renders the summary with the classes in fix left out: the reviewer's edit that removes what they
// noticed. alt words a clean summary differently, for the reviewer who edits a summary that needed no edit.
func (g *Generator) writeSummary(b *text, co *company, p *summaryPlan, fix classSet, alt bool) {
	b.reset()
	d := p.defects &^ fix
	for seg := range numSegs {
		if p.present(co, seg, d) {
			if co.en && b.len > 0 {
				b.s(" ")
			}
			g.segment(b, co, p, d, alt, seg)
		}
	}
}

func (g *Generator) segment(b *text, co *company, p *summaryPlan, d classSet, alt bool, seg int) {
	if co.en {
		g.segmentEN(b, co, p, d, alt, seg)
	} else {
		g.segmentJA(b, co, p, d, alt, seg)
	}
}

func (g *Generator) segmentJA(b *text, co *company, p *summaryPlan, d classSet, alt bool, seg int) {
	t, ind := g.t, co.ind
	plain := func(at uint8) bool { return d.has(styleMix) && p.styleAt == at }
	svc := func(i int) string { return ind.services[co.svc[i]] }
	verb := pickStr(p.verb == 1 != alt, "行って", "手がけて")
	switch seg {
	case segIntro:
		if !(d.has(grammar) && p.grammarMode == grammarNoSubject) {
			switch {
			case !(d.has(placeholder) && p.placeMode == placeName):
				b.s(co.name)
			case co.formFirst:
				b.s(co.form.ja(), "XXX")
			default:
				b.s("〇〇", co.form.ja())
			}
			b.s("は、")
		}
		city := co.city.name
		if d.has(placeholder) && p.placeMode == placeCity {
			city = "〇〇市"
		}
		sup := ""
		if d.has(superlative) && p.superMode == 0 {
			sup = t.superPrefix[p.superIx]
		}
		label := ind.label
		if d.has(vague) && p.vagueMode == 0 {
			label = t.vagueLabels[p.vagueIx]
		}
		switch p.intro {
		case 0:
			b.s(co.pref.name, city, pickStr(alt, "に本社を構える", "に本社を置く"), sup, label)
		case 1:
			year := co.established
			if d.has(unsupportedFact) && p.factMode == factYear {
				year = p.wrong
			}
			b.n(year)
			b.s(pickStr(alt, "年設立の、", "年に設立された、"), co.pref.name, city, "の", sup, label)
		default:
			b.s(co.pref.name, city, pickStr(alt, "に拠点を置く", "を拠点とする"), sup, label)
		}
		b.s(pickStr(plain(styleIntro), "である。", "です。"))

	case segBusiness:
		subject := func(genitive bool) {
			switch {
			case d.has(firstPerson):
				b.s(t.pronouns[p.pronoun])
			case p.subj || p.defects.has(firstPerson): // the reviewer's fix: 我々 becomes 同社
				b.s("同社")
			default:
				return
			}
			b.s(pickStr(genitive, "の", "は、"))
		}
		ending := func() {
			switch {
			case plain(styleBusiness):
				b.s("いる。")
			case d.has(grammar) && p.grammarMode == grammarTypo:
				b.s("いまます。")
			default:
				b.s("います。")
			}
		}
		switch {
		case d.has(grammar) && p.grammarMode == grammarTwisted:
			subject(true)
			b.s("主な事業は、", svc(0), "や", svc(1), "を", verb)
			ending()
		case d.has(scope) && p.scopeMode == scopeService:
			subject(false)
			b.s(svc(0), "のみを専門に", verb)
			ending()
		case d.has(vague) && p.vagueMode == 1:
			subject(false)
			b.s(t.vagueBodies[p.vagueIx])
			ending()
		case p.topic:
			subject(true)
			b.s("主な事業は", svc(0))
			if p.three {
				b.s("、", svc(1), "と", svc(2))
			} else {
				b.s("と", svc(1))
			}
			switch {
			case plain(styleBusiness):
				b.s("である。")
			case d.has(grammar) && p.grammarMode == grammarTypo:
				b.s("でです。")
			default:
				b.s("です。")
			}
		default:
			subject(false)
			b.s(svc(0))
			if p.three {
				b.s("、", svc(1), "、", svc(2), "など")
			} else {
				b.s("や", svc(1))
			}
			if !(d.has(grammar) && p.grammarMode == grammarParticle) {
				b.s("を")
			}
			b.s(verb)
			ending()
		}

	case segFeature:
		if p.also {
			b.s("また、")
		}
		b.s(ind.features[co.feat[0]], pickStr(plain(styleFeature), "いる。", "います。"))
	case segFeature2:
		b.s("さらに、", ind.features[co.feat[1]], "います。")
	case segCustomers:
		b.s(ind.custTopic, "は", ind.customers[co.cust[0]], "や", ind.customers[co.cust[1]], "です。")

	case segRegions:
		switch {
		case d.has(scope) && p.scopeMode == scopeRegion && p.scopeIx == 0:
			b.s(co.city.name, "で", svc(0), "と", svc(1), "を展開しています。")
		case d.has(scope) && p.scopeMode == scopeRegion:
			b.s(co.city.name, "の地域に絞って", svc(0), "を", verb, "います。")
		default:
			b.s("本社のほか、")
			for i, s := range co.sites[:co.nSites] {
				switch {
				case i == 0:
				case i == co.nSites-1:
					b.s("と")
				default:
					b.s("、")
				}
				b.s(s.pref.name, s.city.name)
			}
			b.s("にも拠点を構えています。")
		}

	case segSuper:
		if p.superIx%2 == 0 {
			b.s(svc(0), "の分野では国内トップシェアを誇っています。")
		} else {
			b.s(co.pref.name, "内で業界No.1の実績を持っています。")
		}

	case segFact:
		switch p.factKind {
		case 0:
			b.s("年間売上高は約")
			b.n(p.factN)
			b.s("億円です。")
		case 1:
			b.n(p.factN)
			b.s("年に東京証券取引所に上場しています。")
		case 3:
			b.s("これまでに")
			b.n(p.factN)
			b.s("件の特許を取得しています。")
		case 4:
			b.s(p.factPref.name, p.factCity.name, "にも拠点を構えています。")
		default:
			b.s(t.countries[p.factN], "にも海外拠点を構えています。")
		}

	case segPast:
		b.n(co.founded)
		b.s("年に", co.pref.name, co.city.name, "で創業し、")
		b.n(co.established)
		b.s("年に法人化しました。")
	case segEstab:
		b.s("設立は")
		b.n(co.established)
		b.s("年です。")

	case segHistory:
		staff := func() { p.writeStaff(b, co, d, "〇〇", "約", "名") }
		plain := plain(styleHistory)
		switch p.history {
		case 0:
			b.s("従業員数は")
			staff()
			b.s("で、")
			b.n(co.eventYears[0])
			b.s("年には", ind.events[co.events[0]], pickStr(plain, "した。", "しました。"))
		case 1:
			b.n(co.established)
			b.s("年の設立以来、事業を広げてきており、現在の従業員数は")
			staff()
			b.s(pickStr(plain, "である。", "です。"))
		default:
			b.s("資本金は")
			b.yen(co.capital)
			b.s("、従業員数は")
			staff()
			b.s(pickStr(plain, "である。", "です。"))
		}
	case segEvent:
		e := p.eventIndex()
		b.n(co.eventYears[e])
		b.s("年に", ind.events[co.events[e]], "しました。")

	case segGeneric:
		b.s(t.generic[p.genericIx])
	case segSlogan:
		b.s(p.sloganText, "！")
	}
}

// writeStaff writes the head count a summary gives: the page's, a wrong one, or a template's placeholder.
func (p *summaryPlan) writeStaff(b *text, co *company, d classSet, placeholderText, about, unit string) {
	switch {
	case d.has(placeholder) && p.placeMode == placeStaff:
		b.s(placeholderText)
	case d.has(unsupportedFact) && p.factMode == factStaff:
		b.s(about)
		b.n(p.wrong)
	default:
		b.n(co.employees)
	}
	b.s(unit)
}

func pickStr(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// runeCount counts the characters of valid UTF-8: every byte but a continuation byte (10xxxxxx) starts one.
// Eight bytes at a time it is many times faster than utf8.RuneCount, which decodes, and fit measures every
// sentence of every summary.
func runeCount(b []byte) int {
	n := len(b)
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		n -= bits.OnesCount64(w & ^(w << 1) & 0x8080808080808080)
		b = b[8:]
	}
	for _, c := range b {
		if c&0xC0 == 0x80 {
			n--
		}
	}
	return n
}

package demo

// segmentEN renders one sentence of an English summary of an English page. English summaries have the same
// classes as Japanese ones ("our", "the leading", "unique", "!"), except the mixed register, which English lacks.
func (g *Generator) segmentEN(b *text, co *company, p *summaryPlan, d classSet, alt bool, seg int) {
	t, ind := g.t, co.ind
	svc := func(i int) string { return ind.servicesEN[co.svc[i]] }
	switch seg {
	case segIntro:
		subject := func(capital bool) {
			switch {
			case d.has(grammar) && p.grammarMode == grammarNoSubject:
				b.s(pickStr(capital, "Is ", "is "))
				return
			case d.has(placeholder) && p.placeMode == placeName:
				b.s("XXX Co., Ltd.")
			default:
				b.s(co.nameEN)
			}
			b.s(" is ")
		}
		what := func() {
			label := ind.labelEN
			if d.has(vague) && p.vagueMode == 0 {
				label = t.vagueEN[int(p.vagueIx)%len(t.vagueEN)]
			}
			if d.has(superlative) && p.superMode == 0 {
				b.s(t.superEN[int(p.superIx)%len(t.superEN)], " ", label)
			} else {
				b.s(article(label), " ", label)
			}
		}
		switch p.intro {
		case 0:
			subject(true)
			what()
			b.s(pickStr(alt, " based in ", " headquartered in "))
		case 1:
			year := co.established
			if d.has(unsupportedFact) && p.factMode == factYear {
				year = p.wrong
			}
			b.s("Founded in ")
			b.n(year)
			b.s(", ")
			subject(false)
			what()
			b.s(pickStr(alt, " located in ", " based in "))
		default:
			subject(true)
			what()
			b.s(pickStr(alt, " headquartered in ", " operating from "))
		}
		if d.has(placeholder) && p.placeMode == placeCity {
			b.s("XX City")
		} else {
			b.s(co.city.en)
		}
		b.s(", ")
		b.prefEN(co.pref)
		b.s(".")

	case segBusiness:
		switch {
		case d.has(firstPerson):
			b.s("Our")
		case p.subj || p.defects.has(firstPerson): // the reviewer's fix: "our" becomes "the company's"
			b.s("The company's")
		default:
			b.s("Its")
		}
		business := " business "
		if d.has(grammar) && p.grammarMode == grammarTypo {
			business = " bussiness "
		}
		switch {
		case d.has(grammar) && p.grammarMode == grammarTwisted:
			b.s(" main", business, "are ", svc(0), " and ", svc(1), ".")
		case d.has(scope) && p.scopeMode == scopeService:
			b.s(business, "is limited to ", svc(0), ".")
		case d.has(vague) && p.vagueMode == 1:
			b.s(business, "covers a wide range of unique, high-quality solutions.")
		default:
			b.s(business, pickStr(alt, "includes ", "covers "), svc(0))
			if p.three {
				b.s(", ", svc(1), " and ", svc(2), ".")
			} else {
				b.s(" and ", svc(1), ".")
			}
		}

	case segCustomers:
		b.s(ind.custTopicEN, " ", ind.customersEN[co.cust[0]], " and ", ind.customersEN[co.cust[1]], ".")

	case segRegions:
		switch {
		case d.has(scope) && p.scopeMode == scopeRegion && p.scopeIx == 0:
			b.s("It provides ", svc(0), " only in ", co.city.en, ".")
		case d.has(scope) && p.scopeMode == scopeRegion:
			b.s("It focuses solely on the ", co.city.en, " area.")
		default:
			b.s("Besides its head office, it has ", pickStr(co.nSites == 1, "an office", "offices"), " in ")
			for i, s := range co.sites[:co.nSites] {
				switch {
				case i == 0:
				case i == co.nSites-1:
					b.s(" and ")
				default:
					b.s(", ")
				}
				b.s(s.city.en)
			}
			b.s(".")
		}

	case segSuper:
		if p.superIx%2 == 0 {
			b.s("It holds the top market share in ", svc(0), " in Japan.")
		} else {
			b.s("It is the No. 1 company in its field in ", co.pref.en, ".")
		}

	case segFact:
		switch p.factKind {
		case 0:
			b.s("Its annual sales are about ")
			b.comma(p.factN * 100)
			b.s(" million yen.")
		case 1:
			b.s("It has been listed on the Tokyo Stock Exchange since ")
			b.n(p.factN)
			b.s(".")
		case 3:
			b.s("It holds ")
			b.n(p.factN)
			b.s(" patents.")
		case 4:
			b.s("It also has an office in ", p.factCity.en, ", ")
			b.prefEN(p.factPref)
			b.s(".")
		default:
			b.s("It also has an overseas office in ", t.countriesEN[p.factN], ".")
		}

	case segPast:
		b.s("It started as a family business in ")
		b.n(co.founded)
		b.s(" and was incorporated in ")
		b.n(co.established)
		b.s(".")
	case segEstab:
		b.s("It was established in ", monthEN(co.estMonth), " ")
		b.n(co.established)
		b.s(".")

	case segHistory:
		staff := func() { p.writeStaff(b, co, d, "XX", "about ", " employees") }
		switch p.history {
		case 0:
			b.s("It has ")
			staff()
			b.s(" and ", ind.eventsEN[co.events[0]], " in ")
			b.n(co.eventYears[0])
			b.s(".")
		case 1:
			b.s("Since its founding in ")
			b.n(co.established)
			b.s(", it has grown steadily and now has ")
			staff()
			b.s(".")
		default:
			b.s("Its capital is ")
			b.yenEN(co.capital)
			b.s(" and it has ")
			staff()
			b.s(".")
		}
	case segEvent:
		e := p.eventIndex()
		b.s("In ")
		b.n(co.eventYears[e])
		b.s(", it ", ind.eventsEN[co.events[e]], ".")

	case segGeneric:
		b.s(t.genericEN[int(p.genericIx)%len(t.genericEN)])
	case segSlogan:
		b.s(p.sloganText)
	}
}

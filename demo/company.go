package demo

// pageYear is the year the crawled pages were written in: the batches are from late 2025.
const pageYear = 2025

// englishShare is the share of companies whose page, and so whose summary, is in English.
const englishShare = 0.1

// form is a company's legal form. 有限会社 can no longer be founded (since 2006), 合同会社 only since then, so the
// founding year follows the form.
type form uint8

const (
	kabushiki form = iota // 株式会社
	yugen                 // 有限会社
	godo                  // 合同会社
)

func (f form) ja() string {
	switch f {
	case yugen:
		return "有限会社"
	case godo:
		return "合同会社"
	}
	return "株式会社"
}

// code is the company-type part (digits 5-6) of the 会社法人等番号 inside a corporate number.
func (f form) code() uint64 { return uint64(f) + 1 }

// site is a branch outside the head office.
type site struct {
	pref *prefecture
	city *city
	kind uint8 // index into industry.sites
	year int
}

// histKind is what one 沿革 line says.
type histKind uint8

const (
	histFounding histKind = iota // 創業 as a sole proprietorship, before incorporation
	histEstablish
	histSite
	histEvent
	histMove
	histRep
)

type histLine struct {
	year, month int
	kind        histKind
	arg         uint8 // site or event index
}

// company is the ground truth behind one item: the page is written from it and a correct summary says nothing
// that is not in it.
type company struct {
	ind           *industry
	pref          *prefecture
	city          *city
	indIx, prefIx int
	form          form
	formFirst     bool // 株式会社青葉精工 rather than 青葉精工株式会社
	core          namePart
	suffix        namePart
	name          string
	rep           [2]namePart // surname, given name

	founded, established, estMonth int
	capital                        int // 万円
	employees                      int

	town             namePart
	chome, ban, gou  int
	zip, tel1, tel2  int
	area             int
	svc              [4]uint8
	nSvc             int
	cust             [3]uint8
	nCust            int
	feat             [2]uint8
	events           [2]uint8
	eventYears       [2]int
	nEvents          int
	sites            [3]site
	nSites           int
	hist             [9]histLine
	nHist            int
	slogan           string // the mission statement in the greeting; "" when the page has none
	news             [3]uint8
	newsDate         [3]int // MMDD, newest first
	nNews            int
	recruit          bool
	walk             int // minutes from the station
	repYear, movedIn int

	// en marks a company whose page and summary are in English; nameEN and repEN are set only then.
	en            bool
	nameEN, repEN string
}

func (t *tables) drawCompany(r *rng, co *company) {
	co.indIx = r.weighted(t.indCum)
	co.ind = &t.industries[co.indIx]
	ind := co.ind
	co.prefIx = r.weighted(t.prefCum)
	co.pref = &t.prefs[co.prefIx]
	co.city = pickCity(r, co.pref)

	switch x := r.float(); {
	case x < 0.78:
		co.form = kabushiki
		co.formFirst = r.chance(0.5)
		if r.chance(0.6) {
			co.established = r.between(1975, 2015)
		} else {
			co.established = r.between(1950, 2022)
		}
	case x < 0.90:
		co.form = yugen
		co.formFirst = r.chance(0.5)
		co.established = r.between(1962, 2005)
	default:
		co.form = godo
		co.formFirst = r.chance(0.75)
		co.established = r.between(2006, 2023)
	}
	co.estMonth = r.between(1, 12)
	co.founded = co.established
	if co.form != godo && r.chance(0.35) {
		co.founded = co.established - r.between(1, 25)
	}

	switch x := r.float(); {
	case x < 0.55:
		co.core = pick(r, t.kanjiCores)
		co.suffix = pick(r, ind.suffixes)
	case x < 0.78:
		co.core = pick(r, t.katakanaCores)
		co.suffix = ind.suffixes[r.intn(2)]
	default:
		// family firms carry the founder's name; the ten most common surnames are left to representatives, so a
		// name like 鈴木自動車 that a famous company once had cannot come up.
		co.core = t.surnames[10+r.intn(len(t.surnames)-10)]
		co.suffix = pick(r, ind.suffixes)
	}
	if co.formFirst {
		co.name = co.form.ja() + co.core.ja + co.suffix.ja
	} else {
		co.name = co.core.ja + co.suffix.ja + co.form.ja()
	}
	co.rep = [2]namePart{pick(r, t.surnames), pick(r, t.givenNames)}
	if co.en = r.chance(englishShare); co.en {
		legal := " Co., Ltd."
		if co.form == godo {
			legal = " LLC"
		}
		co.nameEN = co.core.en + " " + co.suffix.en + legal
		co.repEN = co.rep[1].en + " " + co.rep[0].en
	}

	lo, hi := ind.employees[0], ind.employees[1]
	switch co.form {
	case yugen:
		hi = min(hi, 80)
	case godo:
		hi = min(hi, 60)
	}
	co.employees = r.logUniform(lo, hi)
	switch {
	case co.form == godo:
		co.capital = pick(r, []int{50, 100, 300, 500, 1000})
	case co.form == yugen:
		co.capital = pick(r, []int{300, 500, 800})
	case co.employees < 20:
		co.capital = pick(r, []int{300, 500, 1000, 1000})
	case co.employees < 100:
		co.capital = pick(r, []int{1000, 2000, 3000, 5000})
	default:
		co.capital = pick(r, []int{3000, 5000, 8000, 10000, 20000, 45000})
	}

	co.town = pick(r, t.towns)
	co.chome, co.ban, co.gou = r.between(1, 6), r.between(1, 30), r.between(1, 25)
	co.zip = r.between(10, 999)*10000 + r.intn(10000)
	co.area, co.tel1, co.tel2 = r.between(11, 99), r.between(100, 999), r.intn(10000)

	co.nSvc = r.between(2, 4)
	r.distinct(co.svc[:co.nSvc], len(ind.services))
	if n := len(ind.customers); n > 0 {
		co.nCust = min(r.between(2, 3), n)
		r.distinct(co.cust[:co.nCust], n)
	}
	r.distinct(co.feat[:], len(ind.features))

	if r.chance(0.55) {
		co.nSites = r.between(1, 3)
		for i := 0; i < co.nSites; i++ {
			t.drawSite(r, co, i)
		}
	}
	last := pageYear - 1
	if co.established < last {
		co.nEvents = r.between(1, 2)
		r.distinct(co.events[:co.nEvents], len(ind.events))
		for i := range co.nEvents {
			co.eventYears[i] = r.between(co.established+1, last)
		}
		if co.nEvents == 2 && co.eventYears[1] < co.eventYears[0] {
			co.eventYears[0], co.eventYears[1] = co.eventYears[1], co.eventYears[0]
		}
		for i := range co.nSites {
			co.sites[i].year = r.between(co.established+1, last)
		}
		if r.chance(0.3) {
			co.movedIn = r.between(co.established+1, last)
		}
		if r.chance(0.4) {
			co.repYear = r.between(max(co.established+1, 1995), last)
		}
	}
	co.buildHistory(r)

	if r.chance(0.4) {
		if r.chance(0.75) {
			co.slogan = pick(r, ind.slogans)
		} else {
			co.slogan = pick(r, t.slogansAny)
		}
	}
	if r.chance(0.65) {
		co.nNews = r.between(1, 3)
		r.distinct(co.news[:co.nNews], len(t.news))
		month := r.between(7, 10)
		for i := range co.nNews {
			co.newsDate[i] = month*100 + r.between(1, 28)
			month = max(1, month-r.between(1, 3))
		}
	}
	co.recruit = r.chance(0.5)
	co.walk = r.between(3, 15)
}

// pickCity favours a prefecture's first (largest) cities, as company counts do.
func pickCity(r *rng, p *prefecture) *city {
	i := r.intn(len(p.cities))
	if r.chance(0.5) {
		i = 0
	}
	return &p.cities[i]
}

// drawSite draws the i-th branch: in another city than the head office and the other branches, and with a
// branch name (大阪営業所) no other branch has.
func (t *tables) drawSite(r *rng, co *company, i int) {
	s := &co.sites[i]
	s.kind = uint8(r.intn(len(co.ind.sites)))
	for {
		if len(co.pref.cities) > 1 && r.chance(0.3) {
			s.pref = co.pref
			s.city = &co.pref.cities[r.intn(len(co.pref.cities))]
		} else {
			s.pref = &t.prefs[r.weighted(t.prefCum)]
			s.city = pickCity(r, s.pref)
		}
		ok := s.city != co.city
		for _, o := range co.sites[:i] {
			ok = ok && o.city.short != s.city.short
		}
		if ok {
			return
		}
	}
}

func (co *company) buildHistory(r *rng) {
	add := func(year int, kind histKind, arg uint8) {
		if co.nHist == len(co.hist) {
			return
		}
		co.hist[co.nHist] = histLine{year: year, month: r.between(1, 12), kind: kind, arg: arg}
		co.nHist++
	}
	if co.founded < co.established {
		add(co.founded, histFounding, 0)
	}
	add(co.established, histEstablish, 0)
	co.hist[co.nHist-1].month = co.estMonth
	for i := range co.nSites {
		add(co.sites[i].year, histSite, uint8(i))
	}
	for i := range co.nEvents {
		add(co.eventYears[i], histEvent, uint8(i))
	}
	if co.movedIn > 0 {
		add(co.movedIn, histMove, 0)
	}
	if co.repYear > 0 {
		add(co.repYear, histRep, 0)
	}
	h := co.hist[:co.nHist]
	for i := 1; i < len(h); i++ { // insertion sort: at most nine lines
		for j := i; j > 0 && h[j].year*100+h[j].month < h[j-1].year*100+h[j-1].month; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

// multiRegion reports whether the company works from more than its head-office city, so that a summary naming
// only that city narrows its scope.
func (co *company) multiRegion() bool { return co.nSites > 0 }

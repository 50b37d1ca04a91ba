package demo

// Source texts are crawled company pages: the facts a summary may use, and the site chrome (お知らせ, プレスリリース,
// 採用情報) and mission statements that LLMs copy into summaries by mistake.
const (
	minSourceBytes = 1000
	maxSourceBytes = 3000
	// shortPage is the length below which a page also shows its access and cookie notices: small sites pad
	// themselves with them, and they keep every page above minSourceBytes.
	shortPage = 1400
)

// Optional page sections, dropped in this order when a page would be longer than maxSourceBytes.
const (
	secRecruit = 1 << iota
	secNews
	secGreeting
)

func (g *Generator) writeSource(b *text, co *company) {
	drop := 0
	for {
		b.reset()
		if co.en {
			g.sourceEN(b, co, drop)
		} else {
			g.sourceJA(b, co, drop)
		}
		if b.len <= maxSourceBytes || drop == secRecruit|secNews|secGreeting {
			return
		}
		drop = drop<<1 | 1
	}
}

func (g *Generator) sourceJA(b *text, co *company, drop int) {
	ind := co.ind
	b.s(co.name, "｜", ind.label, "｜", co.pref.name, co.city.name, "\n")
	b.s("ホーム　会社概要　事業内容　沿革　採用情報　お問い合わせ\n\n")
	if co.nNews > 0 && drop&secNews == 0 {
		b.s("お知らせ\n")
		for i := range co.nNews {
			b.newsDate(co.newsDate[i])
			b.s("　", g.t.news[co.news[i]], "\n")
		}
		b.s("一覧を見る\n\n")
	}
	if co.slogan != "" && drop&secGreeting == 0 {
		b.s("代表挨拶\n", co.name, "のホームページをご覧いただき、誠にありがとうございます。当社は")
		b.n(co.founded)
		b.s("年の創業以来、", co.pref.name, "の皆さまに支えられながら", ind.services[co.svc[0]],
			"に取り組んでまいりました。これからも「", co.slogan, "」を理念に、社員一同力を尽くしてまいります。\n")
		b.s(co.repTitle(), "　", co.rep[0].ja, "　", co.rep[1].ja, "\n\n")
	}

	b.s("会社概要\n会社名　", co.name, "\n代表者　", co.repTitle(), "　", co.rep[0].ja, "　", co.rep[1].ja, "\n設立　")
	b.n(co.established)
	b.s("年")
	b.n(co.estMonth)
	b.s("月\n資本金　")
	b.yen(co.capital)
	b.s("\n従業員数　")
	b.n(co.employees)
	b.s("名（")
	b.n(pageYear)
	b.s("年4月現在）\n所在地　〒")
	b.pad(co.zip/10000, 3)
	b.s("-")
	b.pad(co.zip%10000, 4)
	b.s("　", co.pref.name, co.city.name, co.town.ja)
	b.n(co.chome)
	b.s("丁目")
	b.n(co.ban)
	b.s("番")
	b.n(co.gou)
	b.s("号\nTEL　0")
	b.n(co.area)
	b.s("-")
	b.n(co.tel1)
	b.s("-")
	b.pad(co.tel2, 4)
	b.s("\n\n事業内容\n当社は、", co.pref.name, co.city.name, "を拠点に", ind.services[co.svc[0]], "や",
		ind.services[co.svc[1]], "などの事業を展開しています。\n")
	for _, s := range co.svc[:co.nSvc] {
		b.s("■", ind.services[s], "\n")
	}
	for i, f := range co.feat {
		b.s(pickStr(i == 0, "当社では、", "また、"), ind.features[f], "います。")
	}
	b.s("\n")
	if co.nCust > 0 {
		b.s(ind.custTopic, "　")
		for i, c := range co.cust[:co.nCust] {
			if i > 0 {
				b.s("、")
			}
			b.s(ind.customers[c])
		}
		b.s("（順不同）\n")
	}
	if co.nSites > 0 {
		b.s("\n拠点一覧\n本社　", co.pref.name, co.city.name, "\n")
		for _, s := range co.sites[:co.nSites] {
			b.s(s.city.short, ind.sites[s.kind], "　", s.pref.name, s.city.name, "\n")
		}
	}
	b.s("\n沿革\n")
	for _, h := range co.hist[:co.nHist] {
		b.n(h.year)
		b.s("年")
		b.n(h.month)
		b.s("月　")
		switch h.kind {
		case histFounding:
			b.s(co.pref.name, co.city.name, "にて個人事業として創業")
		case histEstablish:
			if co.founded < co.established {
				b.s("法人化し、", co.name, "を設立")
			} else {
				b.s(co.name, "を設立")
			}
		case histSite:
			s := co.sites[h.arg]
			b.s(s.city.short, ind.sites[s.kind], "（", s.pref.name, s.city.name, "）を開設")
		case histEvent:
			b.s(ind.events[co.events[h.arg]])
		case histMove:
			b.s("本社を現在地（", co.pref.name, co.city.name, "）に移転")
		case histRep:
			b.s(co.rep[0].ja, co.rep[1].ja, "が", co.repTitle(), "に就任")
		}
		b.s("\n")
	}
	if co.recruit && drop&secRecruit == 0 {
		b.s("\n採用情報\n", co.name, "では、一緒に働く仲間を募集しています。新卒採用・中途採用ともに随時受け付けております。募集職種：",
			g.t.jobs[int(co.zip)%len(g.t.jobs)], "、", g.t.jobs[int(co.tel1)%len(g.t.jobs)],
			"。詳しい募集要項や応募方法は採用ページをご覧ください。\n")
	}
	if b.len < shortPage {
		b.s("\nアクセス\n最寄り駅から徒歩")
		b.n(co.walk)
		b.s("分です。お車でお越しの際は、敷地内の来客用駐車場をご利用ください。\n",
			"\n当サイトでは、利便性の向上のためにCookieを使用しています。閲覧を続けることで、Cookieの使用に同意したものとみなします。\n")
	}
	b.s("\nお問い合わせ｜プレスリリース｜採用情報｜サイトマップ｜個人情報保護方針\nCopyright © ")
	b.n(pageYear)
	b.s(" ", co.name, " All Rights Reserved.\n")
}

// newsDate writes a news date of pageYear given as MMDD, the way both languages' pages print it: 2025.09.01.
func (b *text) newsDate(mmdd int) {
	b.n(pageYear)
	b.s(".")
	b.pad(mmdd/100, 2)
	b.s(".")
	b.pad(mmdd%100, 2)
}

func (co *company) repTitle() string {
	if co.form == godo {
		return "代表社員"
	}
	return "代表取締役"
}

func (g *Generator) sourceEN(b *text, co *company, drop int) {
	ind := co.ind
	b.s(co.nameEN, " | ")
	b.capital(ind.labelEN)
	b.s(" | ", co.city.en, ", ")
	b.prefEN(co.pref)
	b.s("\nHome  About us  Business  History  Careers  Contact\n\n")
	if co.nNews > 0 && drop&secNews == 0 {
		b.s("News\n")
		for i := range co.nNews {
			b.newsDate(co.newsDate[i])
			b.s("  ", g.t.newsEN[int(co.news[i])%len(g.t.newsEN)], "\n")
		}
		b.s("\n")
	}
	if co.slogan != "" && drop&secGreeting == 0 {
		b.s("Message from the president\nThank you for visiting our website. Since our founding in ")
		b.n(co.founded)
		b.s(", we have worked on ", ind.servicesEN[co.svc[0]], " with the support of the people of ")
		b.prefEN(co.pref)
		b.s(". We will keep doing our best for our customers and our community.\n", co.repEN, ", President\n\n")
	}
	b.s("Company profile\nCompany name  ", co.nameEN, " (", co.name, ")\nRepresentative  ", co.repEN,
		", President\nEstablished  ", monthEN(co.estMonth), " ")
	b.n(co.established)
	b.s("\nCapital  ")
	b.yenEN(co.capital)
	b.s("\nEmployees  ")
	b.n(co.employees)
	b.s(" (as of April ")
	b.n(pageYear)
	b.s(")\nAddress  ")
	b.n(co.chome)
	b.s("-")
	b.n(co.ban)
	b.s("-")
	b.n(co.gou)
	b.s(" ", co.town.en, ", ", co.city.en, ", ")
	b.prefEN(co.pref)
	b.s(" ")
	b.pad(co.zip/10000, 3)
	b.s("-")
	b.pad(co.zip%10000, 4)
	b.s(", Japan\nTel  +81-")
	b.n(co.area)
	b.s("-")
	b.n(co.tel1)
	b.s("-")
	b.pad(co.tel2, 4)
	b.s("\n\nBusiness\nBased in ", co.city.en, ", we are ", article(ind.labelEN), " ", ind.labelEN, ". Our business covers:\n")
	for _, s := range co.svc[:co.nSvc] {
		b.s("- ")
		b.capital(ind.servicesEN[s])
		b.s("\n")
	}
	if co.nCust > 0 {
		b.s("Main customers: ")
		for i, c := range co.cust[:co.nCust] {
			if i > 0 {
				b.s(", ")
			}
			b.s(ind.customersEN[c])
		}
		b.s("\n")
	}
	if co.nSites > 0 {
		b.s("\nLocations\nHead office: ", co.city.en, ", ")
		b.prefEN(co.pref)
		b.s("\n")
		for _, s := range co.sites[:co.nSites] {
			b.capital(ind.sitesEN[s.kind])
			b.s(": ", s.city.en, ", ")
			b.prefEN(s.pref)
			b.s("\n")
		}
	}
	b.s("\nOur commitment\nWe value long-term relationships with our customers and answer their requests quickly. ",
		"Our staff hold the qualifications our work requires, and we invest in their training every year.\n")
	b.s("\nHistory\n")
	for _, h := range co.hist[:co.nHist] {
		b.s(monthEN(h.month), " ")
		b.n(h.year)
		b.s("  ")
		switch h.kind {
		case histFounding:
			b.s("Founded in ", co.city.en, " as a family business")
		case histEstablish:
			b.s("Established ", co.nameEN)
		case histSite:
			s := co.sites[h.arg]
			b.s("Opened a ", ind.sitesEN[s.kind], " in ", s.city.en, ", ")
			b.prefEN(s.pref)
		case histEvent:
			b.capital(ind.eventsEN[co.events[h.arg]])
		case histMove:
			b.s("Moved the head office to its present address")
		case histRep:
			b.s(co.repEN, " became president")
		}
		b.s("\n")
	}
	if co.recruit && drop&secRecruit == 0 {
		b.s("\nCareers\nWe are looking for people to join us. We hire new graduates and experienced staff throughout the year. ",
			"See our recruitment page for positions and how to apply.\n")
	}
	if b.len < shortPage {
		b.s("\nAccess\n")
		b.n(co.walk)
		b.s(" minutes' walk from the nearest station. Visitors' parking is available on site.\n",
			"\nThis website uses cookies to improve your experience. By continuing to browse, you agree to our use of cookies.\n")
	}
	b.s("\nContact | Press releases | Careers | Sitemap | Privacy policy\nCopyright © ")
	b.n(pageYear)
	b.s(" ", co.nameEN, " All Rights Reserved.\n")
}

func monthEN(m int) string {
	const names = "JanFebMarAprMayJunJulAugSepOctNovDec"
	return names[3*(m-1) : 3*m]
}

// article is the indefinite article for an English noun phrase.
func article(phrase string) string {
	switch phrase[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an"
	}
	return "a"
}

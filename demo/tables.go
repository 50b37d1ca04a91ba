package demo

// tables holds every phrase list the generator draws from. It is built once per Generator, so that no package
// state is shared or mutable, and holds the cumulative weights that weighted picks need.
type tables struct {
	industries []industry
	indCum     []int
	prefs      []prefecture
	prefCum    []int
	towns      []namePart

	kanjiCores    []namePart // 青葉, 碧海, ...: read well before any suffix
	katakanaCores []namePart // ルミナ, アルテ, ...: read well before the first two suffixes of an industry
	surnames      []namePart // also the first part of family-firm names (山岸建設)
	givenNames    []namePart

	generic     []string // site chrome a summary copies: describes the web site, not the business
	genericEN   []string
	slogansAny  []string // mission statements that fit any company (without 。)
	slogansEN   []string
	pronouns    []string // first-person subjects: 当社, 我々, ...
	superPrefix []string // 「業界トップシェアの」: inserted before the business label
	superEN     []string
	vagueLabels []string // replace the business label
	vagueBodies []string // replace the business sentence (without the final 。)
	vagueEN     []string
	countries   []string
	countriesEN []string
	news        []string // お知らせ titles
	newsEN      []string
	jobs        []string
	// Meta values boxed once: boxing a string per item costs an allocation each
	noDefects    any // Meta["defects"] of a clean item: an empty list
	indKeys      []any
	prefNames    []any
	reviewers    []reviewer
	reviewerCum  []int
	comments     map[string][]string // reviewer comments by reason code
	skipComments []string
}

func newTables() *tables {
	t := &tables{
		industries: newIndustries(),
		prefs:      newPrefectures(),
		towns:      newTowns(),
		kanjiCores: []namePart{
			{"青葉", "Aoba"}, {"朝霧", "Asagiri"}, {"若葉", "Wakaba"}, {"白鷺", "Shirasagi"}, {"松風", "Matsukaze"},
			{"翠嶺", "Suirei"}, {"碧海", "Hekikai"}, {"清流", "Seiryu"}, {"北辰", "Hokushin"}, {"千歳", "Chitose"},
			{"八雲", "Yakumo"}, {"宝永", "Hoei"}, {"栄進", "Eishin"}, {"大樹", "Taiju"}, {"丸高", "Marutaka"},
			{"山正", "Yamasho"}, {"新星", "Shinsei"}, {"富士見", "Fujimi"}, {"桜庭", "Sakuraba"}, {"常盤", "Tokiwa"},
			{"銀河", "Ginga"}, {"泉谷", "Izumiya"}, {"早瀬", "Hayase"}, {"高嶺", "Takane"}, {"緑川", "Midorikawa"},
			{"晴海", "Harumi"}, {"紫雲", "Shiun"}, {"天城", "Amagi"}, {"錦", "Nishiki"}, {"暁", "Akatsuki"},
			{"湊", "Minato"}, {"楓", "Kaede"}, {"藤波", "Fujinami"}, {"東雲", "Shinonome"}, {"若竹", "Wakatake"},
			{"大黒", "Daikoku"}, {"福寿", "Fukuju"}, {"丸十", "Maruju"}, {"一心", "Isshin"}, {"誠和", "Seiwa"},
			{"共栄", "Kyoei"}, {"春日", "Kasuga"}, {"稲穂", "Inaho"}, {"日の出", "Hinode"}, {"光明", "Komyo"},
			{"飛鳥", "Asuka"}, {"橘", "Tachibana"}, {"瑞雲", "Zuiun"}, {"明和", "Meiwa"}, {"有明", "Ariake"},
			{"白樺", "Shirakaba"}, {"千草", "Chigusa"}, {"満天", "Manten"}, {"豊穣", "Hojo"}, {"大門", "Daimon"},
			{"恵比寿屋", "Ebisuya"}, {"七宝", "Shippo"}, {"丸五", "Marugo"}, {"山久", "Yamakyu"}, {"清澄", "Kiyosumi"},
		},
		katakanaCores: []namePart{
			{"ルミナ", "Lumina"}, {"アルテ", "Arte"}, {"ヴェルデ", "Verde"}, {"ソレイユ", "Soleil"}, {"フォレスト", "Forest"},
			{"ブルーム", "Bloom"}, {"クレスト", "Crest"}, {"アクシス", "Axis"}, {"リンクス", "Links"}, {"エール", "Yell"},
			{"ネクスト", "Next"}, {"ノーブル", "Noble"}, {"アトラス", "Atlas"}, {"ミライエ", "Miraie"}, {"ハーモニー", "Harmony"},
			{"グラン", "Grand"}, {"スマイル", "Smile"}, {"リーフ", "Leaf"}, {"オーシャン", "Ocean"}, {"サンライズ", "Sunrise"},
			{"ステラ", "Stella"}, {"ベルテ", "Belte"}, {"エムズ", "M's"}, {"ケイズ", "K's"}, {"アスモ", "Asmo"},
		},
		surnames: []namePart{
			{"佐藤", "Sato"}, {"鈴木", "Suzuki"}, {"高橋", "Takahashi"}, {"田中", "Tanaka"}, {"伊藤", "Ito"},
			{"渡辺", "Watanabe"}, {"山本", "Yamamoto"}, {"中村", "Nakamura"}, {"小林", "Kobayashi"}, {"加藤", "Kato"},
			{"山岸", "Yamagishi"}, {"小野寺", "Onodera"}, {"宮坂", "Miyasaka"}, {"片桐", "Katagiri"}, {"堀内", "Horiuchi"},
			{"杉浦", "Sugiura"}, {"長谷部", "Hasebe"}, {"桑原", "Kuwabara"}, {"篠原", "Shinohara"}, {"浅野", "Asano"},
			{"平松", "Hiramatsu"}, {"荒木", "Araki"}, {"野々村", "Nonomura"}, {"北村", "Kitamura"}, {"松永", "Matsunaga"},
			{"森田", "Morita"}, {"吉岡", "Yoshioka"}, {"三浦", "Miura"}, {"新井", "Arai"}, {"相沢", "Aizawa"},
			{"藤崎", "Fujisaki"}, {"石黒", "Ishiguro"}, {"大西", "Onishi"}, {"坂口", "Sakaguchi"}, {"竹内", "Takeuchi"},
			{"岩崎", "Iwasaki"}, {"上野", "Ueno"}, {"菅原", "Sugawara"}, {"西田", "Nishida"}, {"中島", "Nakajima"},
		},
		givenNames: []namePart{
			{"太郎", "Taro"}, {"健一", "Kenichi"}, {"誠", "Makoto"}, {"浩二", "Koji"}, {"大輔", "Daisuke"},
			{"直樹", "Naoki"}, {"隆", "Takashi"}, {"修", "Osamu"}, {"剛", "Tsuyoshi"}, {"和彦", "Kazuhiko"},
			{"宏", "Hiroshi"}, {"智也", "Tomoya"}, {"拓也", "Takuya"}, {"雅人", "Masato"}, {"正樹", "Masaki"},
			{"亮", "Ryo"}, {"洋子", "Yoko"}, {"恵子", "Keiko"}, {"真由美", "Mayumi"}, {"由美子", "Yumiko"},
			{"美穂", "Miho"}, {"智子", "Tomoko"}, {"久美子", "Kumiko"}, {"明美", "Akemi"}, {"聡", "Satoshi"},
			{"学", "Manabu"}, {"勇気", "Yuki"}, {"裕子", "Yuko"}, {"慎一", "Shinichi"}, {"康弘", "Yasuhiro"},
		},
		generic: []string{
			"ホームページではプレスリリースや求人情報も掲載しています。",
			"公式サイトでは最新のお知らせや採用情報を発信しています。",
			"お問い合わせはウェブサイトのフォームから受け付けています。",
			"詳しくは同社のホームページをご覧ください。",
			"サイトではニュースリリースや会社案内を公開しています。",
		},
		genericEN: []string{
			"Its website also publishes press releases and job listings.",
			"The website features the latest news and recruitment information.",
			"Enquiries are accepted through the contact form on its website.",
		},
		slogansAny: []string{"お客様と共に、明るい未来を実現します", "挑戦し続ける企業として、新たな価値の創造を実現します",
			"地域に根ざし、誰もが笑顔になれる社会を実現します"},
		slogansEN: []string{"Realizing a brighter future together with customers!", "Creating smiles for every customer!",
			"Delivering world-class value to the community!"},
		pronouns:    []string{"当社", "我々", "弊社", "私たち"},
		superPrefix: []string{"業界トップシェアの", "国内最大級の", "業界No.1の", "地域最大手の", "トップクラスの実績を誇る"},
		superEN:     []string{"the leading", "a world-class", "the top-share", "the largest"},
		vagueLabels: []string{"ユニークな製品を扱う企業", "多彩な事業を展開する会社", "高品質なサービスを提供する企業", "独自の強みを持つ会社"},
		vagueBodies: []string{"ユニークな製品やサービスを幅広く提供して", "お客様のニーズに合わせた様々なサービスを提供して",
			"多様な分野で高品質なソリューションを展開して", "独自のノウハウを活かした幅広い事業を行って"},
		vagueEN: []string{"unique company offering innovative products", "company providing high-quality solutions",
			"company with a variety of unique businesses"},
		countries:   []string{"ベトナム", "タイ", "中国・上海", "インドネシア", "アメリカ"},
		countriesEN: []string{"Vietnam", "Thailand", "Shanghai", "Indonesia", "the United States"},
		news: []string{"年末年始休業のお知らせ", "夏季休業のお知らせ", "ゴールデンウィーク期間中の営業について",
			"ホームページをリニューアルしました", "【プレスリリース】新サービスの提供開始について", "採用情報を更新しました",
			"会社案内パンフレットを更新しました", "電話番号変更のお知らせ", "価格改定のお知らせ",
			"【プレスリリース】地域イベントへの協賛について", "システムメンテナンスのお知らせ"},
		newsEN: []string{"Notice of year-end holidays", "Notice of summer holidays", "Website renewed",
			"Press release: launch of a new service", "Recruitment information updated", "Notice of price revision",
			"Press release: sponsorship of a local event"},
		jobs:      []string{"営業職", "事務職", "技術職", "総合職", "企画職", "現場スタッフ"},
		reviewers: newReviewers(),
		comments: map[string][]string{
			"first_person":     {"一人称（当社）が使われている", "「我々」を「同社」に直した", "三人称で書かれていない"},
			"generic":          {"サイトの説明で事業内容ではない", "プレスリリース・求人の文は不要"},
			"scope":            {"原文では複数県に拠点がある", "事業の一部しか書かれていない", "地域が限定されすぎ"},
			"slogan":           {"理念の引き写しで事業内容がない", "「実現します！」は会社概要に不要"},
			"superlative":      {"トップシェアの根拠が原文にない", "最上級表現の裏付けなし"},
			"vague":            {"何をしている会社か分からない", "具体的な事業が書かれていない"},
			"grammar":          {"主語が欠けている", "文のねじれ", "誤字あり"},
			"style_mix":        {"です・ます調とである調が混在", "文体を統一した"},
			"placeholder":      {"XXXや〇〇が残っている", "テンプレートの穴埋め漏れ"},
			"unsupported_fact": {"売上高の記載は原文にない", "原文と数値が違う", "原文にない地名・事実"},
			"off_topic":        {"会社概要と関係のない内容"},
			"other":            {"原文と照合できない記述がある", "社名の表記が原文と異なる", "内容が古い可能性あり"},
		},
		skipComments: []string{"原文の確認に時間がかかるため保留", "判断に迷うため他の方にお願いします", "業界知識が必要なため保留"},
	}
	t.noDefects = []string{}
	for _, rv := range t.reviewers {
		t.reviewerCum = appendCum(t.reviewerCum, rv.weight)
	}
	for _, ind := range t.industries {
		t.indCum = appendCum(t.indCum, ind.weight)
		t.indKeys = append(t.indKeys, ind.key)
	}
	for _, p := range t.prefs {
		t.prefCum = appendCum(t.prefCum, p.weight)
		t.prefNames = append(t.prefNames, p.name)
	}
	return t
}

func appendCum(cum []int, w int) []int {
	last := 0
	if len(cum) > 0 {
		last = cum[len(cum)-1]
	}
	return append(cum, last+w)
}

package demo

// prefecture is a Japanese prefecture with a weight close to its share of companies and a few of its cities.
type prefecture struct {
	name   string
	en     string
	weight int
	cities []city
}

// city is a municipality; short names a branch after it (大阪営業所), as Japanese companies do.
type city struct{ name, short, en string }

func newPrefectures() []prefecture {
	c := func(name, short, en string) city { return city{name, short, en} }
	return []prefecture{
		{"北海道", "Hokkaido", 80, []city{c("札幌市", "札幌", "Sapporo"), c("旭川市", "旭川", "Asahikawa"), c("函館市", "函館", "Hakodate"), c("帯広市", "帯広", "Obihiro")}},
		{"青森県", "Aomori", 15, []city{c("青森市", "青森", "Aomori"), c("八戸市", "八戸", "Hachinohe"), c("弘前市", "弘前", "Hirosaki")}},
		{"岩手県", "Iwate", 14, []city{c("盛岡市", "盛岡", "Morioka"), c("北上市", "北上", "Kitakami"), c("一関市", "一関", "Ichinoseki")}},
		{"宮城県", "Miyagi", 35, []city{c("仙台市", "仙台", "Sendai"), c("石巻市", "石巻", "Ishinomaki"), c("大崎市", "大崎", "Osaki")}},
		{"秋田県", "Akita", 12, []city{c("秋田市", "秋田", "Akita"), c("横手市", "横手", "Yokote"), c("大館市", "大館", "Odate")}},
		{"山形県", "Yamagata", 14, []city{c("山形市", "山形", "Yamagata"), c("米沢市", "米沢", "Yonezawa"), c("鶴岡市", "鶴岡", "Tsuruoka")}},
		{"福島県", "Fukushima", 27, []city{c("郡山市", "郡山", "Koriyama"), c("いわき市", "いわき", "Iwaki"), c("福島市", "福島", "Fukushima")}},
		{"茨城県", "Ibaraki", 40, []city{c("水戸市", "水戸", "Mito"), c("つくば市", "つくば", "Tsukuba"), c("土浦市", "土浦", "Tsuchiura")}},
		{"栃木県", "Tochigi", 30, []city{c("宇都宮市", "宇都宮", "Utsunomiya"), c("小山市", "小山", "Oyama"), c("足利市", "足利", "Ashikaga")}},
		{"群馬県", "Gunma", 30, []city{c("高崎市", "高崎", "Takasaki"), c("前橋市", "前橋", "Maebashi"), c("太田市", "太田", "Ota")}},
		{"埼玉県", "Saitama", 80, []city{c("さいたま市", "さいたま", "Saitama"), c("川口市", "川口", "Kawaguchi"), c("川越市", "川越", "Kawagoe"), c("所沢市", "所沢", "Tokorozawa")}},
		{"千葉県", "Chiba", 70, []city{c("千葉市", "千葉", "Chiba"), c("船橋市", "船橋", "Funabashi"), c("柏市", "柏", "Kashiwa"), c("市原市", "市原", "Ichihara")}},
		{"東京都", "Tokyo", 450, []city{c("千代田区", "東京", "Chiyoda"), c("港区", "東京", "Minato"), c("新宿区", "新宿", "Shinjuku"), c("大田区", "大田", "Ota"), c("江東区", "江東", "Koto"), c("八王子市", "八王子", "Hachioji")}},
		{"神奈川県", "Kanagawa", 120, []city{c("横浜市", "横浜", "Yokohama"), c("川崎市", "川崎", "Kawasaki"), c("相模原市", "相模原", "Sagamihara"), c("厚木市", "厚木", "Atsugi"), c("藤沢市", "藤沢", "Fujisawa")}},
		{"新潟県", "Niigata", 35, []city{c("新潟市", "新潟", "Niigata"), c("長岡市", "長岡", "Nagaoka"), c("上越市", "上越", "Joetsu")}},
		{"富山県", "Toyama", 16, []city{c("富山市", "富山", "Toyama"), c("高岡市", "高岡", "Takaoka")}},
		{"石川県", "Ishikawa", 20, []city{c("金沢市", "金沢", "Kanazawa"), c("白山市", "白山", "Hakusan"), c("小松市", "小松", "Komatsu")}},
		{"福井県", "Fukui", 11, []city{c("福井市", "福井", "Fukui"), c("鯖江市", "鯖江", "Sabae"), c("敦賀市", "敦賀", "Tsuruga")}},
		{"山梨県", "Yamanashi", 12, []city{c("甲府市", "甲府", "Kofu"), c("富士吉田市", "富士吉田", "Fujiyoshida")}},
		{"長野県", "Nagano", 35, []city{c("長野市", "長野", "Nagano"), c("松本市", "松本", "Matsumoto"), c("上田市", "上田", "Ueda")}},
		{"岐阜県", "Gifu", 30, []city{c("岐阜市", "岐阜", "Gifu"), c("大垣市", "大垣", "Ogaki"), c("各務原市", "各務原", "Kakamigahara")}},
		{"静岡県", "Shizuoka", 55, []city{c("静岡市", "静岡", "Shizuoka"), c("浜松市", "浜松", "Hamamatsu"), c("沼津市", "沼津", "Numazu"), c("富士市", "富士", "Fuji")}},
		{"愛知県", "Aichi", 120, []city{c("名古屋市", "名古屋", "Nagoya"), c("岡崎市", "岡崎", "Okazaki"), c("豊橋市", "豊橋", "Toyohashi"), c("一宮市", "一宮", "Ichinomiya"), c("春日井市", "春日井", "Kasugai")}},
		{"三重県", "Mie", 25, []city{c("津市", "津", "Tsu"), c("四日市市", "四日市", "Yokkaichi"), c("鈴鹿市", "鈴鹿", "Suzuka"), c("伊勢市", "伊勢", "Ise")}},
		{"滋賀県", "Shiga", 18, []city{c("大津市", "大津", "Otsu"), c("草津市", "草津", "Kusatsu"), c("彦根市", "彦根", "Hikone")}},
		{"京都府", "Kyoto", 40, []city{c("京都市", "京都", "Kyoto"), c("宇治市", "宇治", "Uji"), c("福知山市", "福知山", "Fukuchiyama")}},
		{"大阪府", "Osaka", 190, []city{c("大阪市", "大阪", "Osaka"), c("堺市", "堺", "Sakai"), c("東大阪市", "東大阪", "Higashiosaka"), c("豊中市", "豊中", "Toyonaka"), c("吹田市", "吹田", "Suita")}},
		{"兵庫県", "Hyogo", 70, []city{c("神戸市", "神戸", "Kobe"), c("姫路市", "姫路", "Himeji"), c("尼崎市", "尼崎", "Amagasaki"), c("西宮市", "西宮", "Nishinomiya")}},
		{"奈良県", "Nara", 15, []city{c("奈良市", "奈良", "Nara"), c("橿原市", "橿原", "Kashihara"), c("生駒市", "生駒", "Ikoma")}},
		{"和歌山県", "Wakayama", 12, []city{c("和歌山市", "和歌山", "Wakayama"), c("田辺市", "田辺", "Tanabe")}},
		{"鳥取県", "Tottori", 7, []city{c("鳥取市", "鳥取", "Tottori"), c("米子市", "米子", "Yonago")}},
		{"島根県", "Shimane", 8, []city{c("松江市", "松江", "Matsue"), c("出雲市", "出雲", "Izumo")}},
		{"岡山県", "Okayama", 28, []city{c("岡山市", "岡山", "Okayama"), c("倉敷市", "倉敷", "Kurashiki"), c("津山市", "津山", "Tsuyama")}},
		{"広島県", "Hiroshima", 45, []city{c("広島市", "広島", "Hiroshima"), c("福山市", "福山", "Fukuyama"), c("呉市", "呉", "Kure"), c("東広島市", "東広島", "Higashihiroshima")}},
		{"山口県", "Yamaguchi", 20, []city{c("下関市", "下関", "Shimonoseki"), c("山口市", "山口", "Yamaguchi"), c("周南市", "周南", "Shunan"), c("宇部市", "宇部", "Ube")}},
		{"徳島県", "Tokushima", 10, []city{c("徳島市", "徳島", "Tokushima"), c("阿南市", "阿南", "Anan")}},
		{"香川県", "Kagawa", 15, []city{c("高松市", "高松", "Takamatsu"), c("丸亀市", "丸亀", "Marugame")}},
		{"愛媛県", "Ehime", 22, []city{c("松山市", "松山", "Matsuyama"), c("今治市", "今治", "Imabari"), c("新居浜市", "新居浜", "Niihama")}},
		{"高知県", "Kochi", 9, []city{c("高知市", "高知", "Kochi"), c("南国市", "南国", "Nankoku")}},
		{"福岡県", "Fukuoka", 80, []city{c("福岡市", "福岡", "Fukuoka"), c("北九州市", "北九州", "Kitakyushu"), c("久留米市", "久留米", "Kurume"), c("飯塚市", "飯塚", "Iizuka")}},
		{"佐賀県", "Saga", 10, []city{c("佐賀市", "佐賀", "Saga"), c("唐津市", "唐津", "Karatsu"), c("鳥栖市", "鳥栖", "Tosu")}},
		{"長崎県", "Nagasaki", 18, []city{c("長崎市", "長崎", "Nagasaki"), c("佐世保市", "佐世保", "Sasebo"), c("諫早市", "諫早", "Isahaya")}},
		{"熊本県", "Kumamoto", 25, []city{c("熊本市", "熊本", "Kumamoto"), c("八代市", "八代", "Yatsushiro"), c("菊池市", "菊池", "Kikuchi")}},
		{"大分県", "Oita", 16, []city{c("大分市", "大分", "Oita"), c("別府市", "別府", "Beppu"), c("中津市", "中津", "Nakatsu")}},
		{"宮崎県", "Miyazaki", 15, []city{c("宮崎市", "宮崎", "Miyazaki"), c("都城市", "都城", "Miyakonojo"), c("延岡市", "延岡", "Nobeoka")}},
		{"鹿児島県", "Kagoshima", 25, []city{c("鹿児島市", "鹿児島", "Kagoshima"), c("霧島市", "霧島", "Kirishima"), c("鹿屋市", "鹿屋", "Kanoya")}},
		{"沖縄県", "Okinawa", 22, []city{c("那覇市", "那覇", "Naha"), c("浦添市", "浦添", "Urasoe"), c("沖縄市", "沖縄", "Okinawa")}},
	}
}

// towns name the part of a street address after the city; they exist in many cities, so an address reads real
// without pointing at one.
func newTowns() []namePart {
	return []namePart{
		{"中央", "Chuo"}, {"本町", "Honmachi"}, {"栄町", "Sakaemachi"}, {"緑町", "Midoricho"}, {"旭町", "Asahimachi"},
		{"港町", "Minatomachi"}, {"東町", "Higashimachi"}, {"西町", "Nishimachi"}, {"南町", "Minamimachi"}, {"北町", "Kitamachi"},
		{"桜町", "Sakuramachi"}, {"若松町", "Wakamatsucho"}, {"清水町", "Shimizucho"}, {"新町", "Shinmachi"}, {"宮前町", "Miyamaecho"},
		{"錦町", "Nishikicho"}, {"寿町", "Kotobukicho"}, {"昭和町", "Showacho"}, {"幸町", "Saiwaicho"}, {"末広町", "Suehirocho"},
		{"大手町", "Otemachi"}, {"元町", "Motomachi"}, {"駅前", "Ekimae"}, {"城東", "Joto"}, {"松原", "Matsubara"},
		{"千代田町", "Chiyodacho"}, {"白山", "Hakusan"}, {"平和町", "Heiwacho"}, {"日吉町", "Hiyoshicho"}, {"花園町", "Hanazonocho"},
	}
}

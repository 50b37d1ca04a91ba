package review

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// span is a hint reduced to what a case asserts.
type span struct {
	Rule, Text string
}

func spans(hints []Hint) []span {
	out := make([]span, len(hints))
	for i, h := range hints {
		out[i] = span{h.Rule, h.Text}
	}
	return out
}

func TestCheckCases(t *testing.T) {
	rs := DefaultRules()
	tests := []struct {
		name, summary, source string
		want                  []span
	}{
		{"first person in Japanese", "株式会社XYZは設立された小売業です。我々は店舗を所有しています。", "", []span{{"first_person", "我々"}}},
		{"we our us with boundaries", "We sell our tea to the US. Welding, tours and four buses are not us.",
			"We sell tea to the US. Welding, tours, buses.",
			[]span{{"first_person", "We"}, {"first_person", "our"}, {"first_person", "us"}}},
		{"当社 in 担当社員 is not first person", "担当社員が顧客を訪問しています。", "", []span{}},
		{"当社 in a quoted product name is still first person", "「当社の逸品」シリーズを製造しています。", "「当社の逸品」シリーズ",
			[]span{{"first_person", "当社"}}},
		{"当 + organisation noun", "当造船所では木造船も修理しています。", "", []span{{"first_person", "当造船所"}}},
		{"superlative not in the source", "アルミダイカストのトップシェア企業です。", "アルミダイカスト製品を製造。",
			[]span{{"superlative", "トップシェア"}}},
		{"superlative the source states", "アルミダイカストのトップシェア企業です。", "国内トップシェアのアルミダイカスト。", []span{}},
		{"superlative supported by a synonym", "シャッター部品でトップシェアを持つ会社です。", "シャッター部品の国内シェア第1位。", []span{}},
		{"full-width superlative in the source", "製氷機でNo.1の販売実績を持つ会社です。", "ＮＯ．１の販売実績。", []span{}},
		{"full-width digits in the source", "1968年創業、従業員75名の会社です。", "１９６８年に創業。従業員数７５名。", []span{}},
		{"number not in the source", "1978年に設立された会社です。", "1985年に設立されました。", []span{{"unsupported_fact", "1978年"}}},
		{"number that only appears inside a longer one", "20名の会社です。", "2020年設立。", []span{{"unsupported_fact", "20名"}}},
		{"era year in the source", "2003年4月に設立されました。", "平成15年4月設立。", []span{}},
		{"era year in the summary", "平成10年に設立されました。", "1998年設立。", []span{}},
		{"era 元年", "1989年に設立されました。", "平成元年設立。", []span{}},
		{"万 in the summary, digits in the source", "年間約1万人が訪れます。", "年間来場者数は約10,000人。", []span{}},
		{"thousands separator", "1200トンのプレスを保有しています。", "1,200トンのプレス。", []span{}},
		{"kanji numerals in the source", "創業100年を迎えました。", "創業百年を迎えた呉服店。", []span{}},
		{"positional kanji year in the source", "2005年に設立されました。", "二〇〇五年設立。", []span{}},
		{"1 as a rate denominator", "1日あたり約2,000台を修理できます。", "約2,000台を修理。", []span{}},
		{"number inside another hint", "北陸No.1の印刷会社です。", "北陸の印刷会社。", []span{{"superlative", "No.1"}}},
		{"place not in the source", "札幌で老人ホームを展開しています。", "北海道と宮城県で老人ホームを展開。",
			[]span{{"unsupported_fact", "札幌"}}},
		{"東京都 is not 京都", "京都市で印刷を行う会社です。", "東京都墨田区で印刷を行う。", []span{{"unsupported_fact", "京都"}}},
		{"東京都 in both", "東京都江東区の冷凍倉庫です。", "東京都江東区。", []span{}},
		{"English place", "It exports to Taiwan and Singapore.", "It exports to Singapore.",
			[]span{{"unsupported_fact", "Taiwan"}}},
		{"katakana boundary", "タイヤの成形金型を製造する会社です。", "タイヤの金型。", []span{}},
		{"vague", "ユニークな製品を扱う会社です。", "", []span{{"vague", "ユニークな"}}},
		{"generic and its exception", "ホームページ制作の会社です。ホームページでお知らせを掲載しています。", "ホームページ制作。",
			[]span{{"generic", "ホームページ"}, {"generic", "お知らせ"}, {"generic", "掲載しています"}}},
		{"slogan with a full-width exclamation mark", "コミュニティバンクを実現します！", "",
			[]span{{"slogan", "実現します"}, {"slogan", "！"}}},
		{"placeholders", "株式会社ＸＸＸは[会社名]の〇〇です。", "",
			[]span{{"placeholder", "ＸＸＸ"}, {"placeholder", "[会社名]"}, {"placeholder", "〇〇"}}},
		{"〇〇 inside a kanji year", "二〇〇五年に設立されました。", "二〇〇五年設立。", []span{}},
		{"style mix: plain minority", "金属加工の会社です。主な製品は洋食器である。食器を輸出しています。", "",
			[]span{{"style_mix", "である"}}},
		{"style mix: polite minority", "金属加工の会社である。洋食器を製造する。直売所も運営しています。", "",
			[]span{{"style_mix", "しています"}}},
		{"style mix: tie flags plain", "金属加工の会社である。洋食器を製造しています。", "", []span{{"style_mix", "である"}}},
		{"style: quoted sentences and noun endings do not count", "「良い品を作る。」を掲げています。JCSS登録事業者。", "", []span{}},
		{"half-width katakana folds", "ｶﾞｲﾄﾞ付きのツアーです。", "", []span{}},
		{"empty summary", "", "source", []span{}},
		{"no source: facts are not checked, superlatives are", "札幌で1978年創業のトップシェア企業です。", " ",
			[]span{{"superlative", "トップシェア"}}},

		// era years: the era is part of the span, and the claim is the western year
		{"era year supported by the western year", "令和5年に設立されました。", "2023年設立。", []span{}},
		{"era year: a 5 elsewhere in the source is no support", "令和5年に設立されました。", "2022年設立。従業員5名。",
			[]span{{"unsupported_fact", "令和5年"}}},
		{"era year with full-width digits and a space", "令和 5年に設立。", "令和５年設立。", []span{}},
		{"era 元年 in the summary", "令和元年に設立。", "2019年設立。", []span{}},
		{"era 元年 in the summary, not in the source", "令和元年に設立。", "2018年設立。", []span{{"unsupported_fact", "令和元年"}}},
		{"a plain number is not supported by an era year", "創業15年の会社です。", "平成15年創業。", []span{{"unsupported_fact", "15年"}}},

		// multipliers: 1万 claims 10000, and a compound figure is one number
		{"compound figure in the source", "売上高は約3.5億円です。", "売上高 3億5,000万円。", []span{}},
		{"compound figure in the summary", "売上高は3億5,000万円です。", "売上高3.5億円。", []span{}},
		{"part of a compound figure is no support", "売上高は3億円です。", "売上高 3億5,000万円。", []span{{"unsupported_fact", "3億円"}}},
		{"万 with a remainder", "従業員は1万5000人です。", "従業員数15,000人。", []span{}},
		{"the digits of 5万 are not 5", "従業員は5名です。", "資本金5万円。", []span{{"unsupported_fact", "5名"}}},

		// kanji numerals in the summary, before a unit
		{"kanji figure supported by digits", "創業百二十年の和菓子店です。", "創業120年。", []span{}},
		{"kanji figure not in the source", "創業百年の老舗です。", "1925年創業、創業80年。", []span{{"unsupported_fact", "百年"}}},
		{"kanji era year", "平成十五年に設立。", "2003年設立。", []span{}},
		{"positional kanji year and kanji count", "二〇〇五年設立、社員三十名。", "2005年設立。社員30名。", []span{}},
		{"a kanji multiplier after digits is read with them", "従業員は2千人、売上は3億5千万円です。", "従業員2,000人。売上3.5億円。", []span{}},
		{"kanji count not in the source", "取引先は三百社を超えます。", "取引先 約200社。", []span{{"unsupported_fact", "三百社"}}},
		{"kanji numerals that are names or idioms", "四日市市と十日町の会社で、一人ひとりに数十年、十人十色の八百屋です。三重県。",
			"三重県四日市市、十日町。", []span{}},

		// exception patterns
		{"exclamation mark inside a name", "Yahoo!ショッピングとYahoo!で販売しています。", "", []span{}},
		{"exclamation mark mid-sentence after a name", "It sells on Yahoo! and its own store.", "", []span{}},
		{"exclamation mark at a sentence end", "It sells on Amazon! Great food!", "", []span{{"slogan", "!"}, {"slogan", "!"}}},
		{"exclamation mark inside brackets; slogan words there still count", "「笑顔を未来へ！」を掲げています。『おいしい！青汁』を販売。", "",
			[]span{{"slogan", "笑顔を"}, {"slogan", "未来へ"}}},
		{"当社比 and similar comparison labels", "当社比2倍、当社従来品比3割減の製品です。", "当社比2倍、当社従来品比30%減。", []span{}},
		{"press releases as the service", "プレスリリース配信を代行し、ホームページやアプリのユーザーテストも請け負います。", "", []span{}},
		{"press releases of the company's own", "プレスリリースを配信しています。", "", []span{{"generic", "プレスリリース"}}},
		{"English web work as the service", "It handles home page production and writes and distributes press releases for clients.", "", []span{}},
		{"English web site of the company's own", "Its website lists press releases.", "",
			[]span{{"generic", "Its website"}, {"generic", "press releases"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := spans(rs.Check(tc.summary, tc.source))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Check(%q)\n got %v\nwant %v", tc.summary, got, tc.want)
			}
		})
	}
}

// TestCheckItemCompanyName: hits inside the company's own name, as the summary repeats it in full or without its
// legal form, are not flagged, except placeholders.
func TestCheckItemCompanyName(t *testing.T) {
	rs := DefaultRules()
	tests := []struct {
		name, company, summary, source string
		want                           []span
	}{
		{"first person in the name", "株式会社わたしたちの家", "株式会社わたしたちの家は住宅会社です。わたしたちの家は注文住宅を建てています。我々は",
			"", []span{{"first_person", "我々"}}},
		{"English name", "Our Table Inc.", "Our Table Inc. runs restaurants. Our Table cooks with our vegetables.", "",
			[]span{{"first_person", "our"}}},
		{"当 + organisation noun in the name", "株式会社当麻工務店", "当麻工務店は奈良県の工務店です。当工務店は", "奈良県",
			[]span{{"first_person", "当工務店"}}},
		{"place in the name", "東京ベイ食品株式会社", "東京ベイ食品は千葉県の会社です。東京にも出荷しています。", "千葉県",
			[]span{{"unsupported_fact", "東京"}}},
		{"placeholders in the name are still flagged", "〇〇株式会社", "〇〇株式会社は印刷会社です。", "", []span{{"placeholder", "〇〇"}}},
		{"without a company, Check flags the name", "", "株式会社わたしたちの家は住宅会社です。", "", []span{{"first_person", "わたしたち"}}},
		{"a name of one character is ignored", "私", "私は", "", []span{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hints := rs.CheckItem(&Item{Company: tc.company, Summary: tc.summary, Source: tc.source})
			checkInvariants(t, rs, tc.summary, hints)
			if got := spans(hints); !slices.Equal(got, tc.want) {
				t.Errorf("CheckItem(%q, %q)\n got %v\nwant %v", tc.company, tc.summary, got, tc.want)
			}
		})
	}
}

// checkInvariants asserts what every caller relies on: spans inside the summary, Text equal to the rune slice,
// UTF-16 offsets consistent with the runes, hints sorted, rule and reason known.
func checkInvariants(t *testing.T, rs *RuleSet, summary string, hints []Hint) {
	t.Helper()
	if hints == nil {
		t.Fatalf("Check(%q) returned nil; want an empty slice", summary)
	}
	runes := []rune(summary)
	ids := rs.RuleIDs()
	for i, h := range hints {
		if h.Start < 0 || h.End <= h.Start || h.End > len(runes) {
			t.Fatalf("hint %d %+v: span out of range for %d runes", i, h, len(runes))
		}
		if got := string(runes[h.Start:h.End]); got != string([]rune(h.Text)) {
			t.Fatalf("hint %d: runes[%d:%d] = %q, Text = %q", i, h.Start, h.End, got, h.Text)
		}
		if want := len(utf16.Encode(runes[:h.Start])); h.Start16 != want {
			t.Fatalf("hint %d: Start16 = %d, want %d", i, h.Start16, want)
		}
		if want := len(utf16.Encode(runes[:h.End])); h.End16 != want {
			t.Fatalf("hint %d: End16 = %d, want %d", i, h.End16, want)
		}
		if i > 0 && hints[i-1].Start > h.Start {
			t.Fatalf("hints not sorted by Start: %d then %d", hints[i-1].Start, h.Start)
		}
		if !slices.Contains(ids, h.Rule) {
			t.Fatalf("hint %d: unknown rule %q", i, h.Rule)
		}
		if !slices.ContainsFunc(DefaultReasons, func(r Reason) bool { return r.Code == h.Reason }) {
			t.Fatalf("hint %d: reason %q is not in DefaultReasons", i, h.Reason)
		}
	}
}

func TestCheckOffsets(t *testing.T) {
	rs := DefaultRules()
	tests := []struct {
		name, summary              string
		start, end, start16, end16 int
		text                       string
	}{
		{"ASCII", "Yes, we do.", 5, 7, 5, 7, "we"},
		{"Japanese", "この会社は我々の店です。", 5, 7, 5, 7, "我々"},
		{"after an emoji outside the BMP", "🏭工場。我々は", 4, 6, 5, 7, "我々"},
		{"full-width placeholder", "社名はＸＸＸです。", 3, 6, 3, 6, "ＸＸＸ"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hints := rs.Check(tc.summary, "")
			checkInvariants(t, rs, tc.summary, hints)
			if len(hints) != 1 {
				t.Fatalf("got %d hints %v, want 1", len(hints), spans(hints))
			}
			h := hints[0]
			if h.Start != tc.start || h.End != tc.end || h.Start16 != tc.start16 || h.End16 != tc.end16 || h.Text != tc.text {
				t.Errorf("got %d-%d (UTF-16 %d-%d) %q, want %d-%d (%d-%d) %q", h.Start, h.End, h.Start16, h.End16, h.Text,
					tc.start, tc.end, tc.start16, tc.end16, tc.text)
			}
		})
	}
}

func TestHintJSON(t *testing.T) {
	hints := DefaultRules().Check("我々は", "")
	data, err := json.Marshal(hints)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"rule": "first_person", "severity": "high", "start": 0.0, "end": 2.0, "start16": 0.0,
		"end16": 2.0, "text": "我々", "reason": "first_person",
		"message": map[string]any{"ja": "一人称の表現です。会社概要は三人称で書きます。",
			"en": "First person: a company profile is written in the third person."}}
	if len(got) != 1 || fmt.Sprint(got[0]) != fmt.Sprint(want) {
		t.Errorf("JSON = %s\nwant %v", data, want)
	}
	empty, _ := json.Marshal(DefaultRules().Check("問題のない要約です。", ""))
	if string(empty) != "[]" {
		t.Errorf("no hints marshal as %s, want []", empty)
	}
}

func TestRulesReasonsAndInfo(t *testing.T) {
	rs := DefaultRules()
	want := []string{"first_person", "superlative", "vague", "generic", "slogan", "unsupported_fact", "style_mix", "placeholder"}
	if got := rs.RuleIDs(); !slices.Equal(got, want) {
		t.Errorf("RuleIDs() = %v, want %v", got, want)
	}
	for _, r := range rs.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if !slices.ContainsFunc(DefaultReasons, func(x Reason) bool { return x.Code == r.Reason }) {
				t.Errorf("reason %q is not in DefaultReasons", r.Reason)
			}
			if r.Message.Ja == "" || r.Message.En == "" || r.Description.Ja == "" || r.Description.En == "" {
				t.Errorf("message or description missing a language: %+v", r)
			}
		})
	}
	// Every hint on the whole evaluation set carries a known reason.
	for _, it := range loadEval(t) {
		checkInvariants(t, rs, it.Summary, rs.Check(it.Summary, it.Source))
	}
}

func TestParseRulesVersion(t *testing.T) {
	custom := []byte(`{"rules": [
	  {"id": "banned", "kind": "words", "severity": "low", "reason": "other",
	   "message": {"ja": "禁止語です。", "en": "Banned word."}, "words": ["Acme"], "exceptions": ["Acme Tools"]},
	  {"id": "code", "kind": "words", "severity": "medium", "reason": "placeholder",
	   "message": {"ja": "コード", "en": "Code"}, "patterns": ["REF-[0-9]+"]}
	]}`)
	rs, err := ParseRules(custom)
	if err != nil {
		t.Fatal(err)
	}
	got := spans(rs.Check("ACME sells Acme Tools. See REF-12.", ""))
	want := []span{{"banned", "ACME"}, {"code", "REF-12"}}
	if !slices.Equal(got, want) {
		t.Errorf("custom rules found %v, want %v", got, want)
	}
	again, err := ParseRules(custom)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Version != again.Version || rs.Version == DefaultRules().Version || rs.Version == "" {
		t.Errorf("versions: %q, again %q, default %q; want equal for the same file and different from the default",
			rs.Version, again.Version, DefaultRules().Version)
	}
	if string(rs.File()) != string(custom) {
		t.Error("File() does not return the parsed file")
	}
	if d := DefaultRules(); string(d.File()) != string(DefaultRulesFile()) {
		t.Error("the default rule set's File() is not the embedded file")
	}
}

func TestParseRulesErrors(t *testing.T) {
	rule := func(extra string) string {
		return `{"rules": [{"id": "r", "kind": "words", "severity": "low", "reason": "vague",
		  "message": {"ja": "曖昧", "en": "Vague"}` + extra + `}]}`
	}
	tests := []struct{ name, file, want string }{
		{"syntax error names the line", "{\"rules\": [\n{\"id\": \"r\",,}]}", "line 2"},
		{"unknown field", rule(`, "words": ["a"], "wrods": ["b"]`), `unknown field "wrods"`},
		{"no rules", `{"rules": []}`, "no rules"},
		{"unknown kind", strings.Replace(rule(`, "words": ["a"]`), `"words",`, `"wordz",`, 1), `kind "wordz" is unknown`},
		{"bad regexp", rule(`, "patterns": ["(unclosed"]`), "not a valid regular expression"},
		{"pattern matching nothing", rule(`, "patterns": ["a*"]`), "matches the empty string"},
		{"empty word list", rule(`, "words": []`), "empty word list"},
		{"empty word", rule(`, "words": ["a", " "]`), "words[1] is empty"},
		{"bad severity", strings.Replace(rule(`, "words": ["a"]`), `"low"`, `"urgent"`, 1), `severity "urgent"`},
		{"unknown reason", strings.Replace(rule(`, "words": ["a"]`), `"vague"`, `"bad"`, 1), `reason "bad" is not a reason code`},
		{"message in one language", strings.Replace(rule(`, "words": ["a"]`), `"en": "Vague"`, `"en": ""`, 1), "both"},
		{"bad id", strings.Replace(rule(`, "words": ["a"]`), `"id": "r"`, `"id": "No Spaces"`, 1), "id"},
		{"duplicate id", `{"rules": [` + strings.TrimSuffix(strings.TrimPrefix(rule(`, "words": ["a"]`), `{"rules": [`), `]}`) +
			`,` + strings.TrimSuffix(strings.TrimPrefix(rule(`, "words": ["b"]`), `{"rules": [`), `]}`) + `]}`, "used twice"},
		{"field of another kind", rule(`, "words": ["a"], "places": [["東京"]]`), `field "places" belongs to kind "facts"`},
		{"synonyms without unless_in_source", rule(`, "words": ["a"], "synonyms": [["a", "b"]]`), "unless_in_source"},
		{"facts without anything to check", strings.Replace(rule(``), `"words"`, `"facts"`, 1), "numbers"},
		{"style without endings", strings.Replace(rule(`, "polite": ["です"]`), `"words"`, `"style"`, 1), "polite"},
		{"bad exception pattern", rule(`, "words": ["a"], "exception_patterns": ["(x"]`), "exception_patterns[0] is not a valid"},
		{"exception pattern matching nothing", rule(`, "words": ["a"], "exception_patterns": ["x?"]`), "matches the empty string"},
		{"exception patterns on facts", strings.Replace(rule(`, "numbers": true, "exception_patterns": ["x"]`), `"words"`, `"facts"`, 1),
			`field "exception_patterns" belongs to kind "words"`},
		{"kanji units on words", rule(`, "words": ["a"], "kanji_units": ["年"]`), `field "kanji_units" belongs to kind "facts"`},
		{"kanji units without numbers", strings.Replace(rule(`, "places": [["東京"]], "kanji_units": ["年"]`), `"words"`, `"facts"`, 1),
			"need \"numbers\""},
		{"in_company_name on style", strings.Replace(rule(`, "polite": ["です"], "plain": ["だ"], "in_company_name": true`), `"words"`, `"style"`, 1),
			"in_company_name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRules([]byte(tc.file))
			if err == nil {
				t.Fatalf("ParseRules accepted %s", tc.file)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if ErrorCode(err) != Invalid {
				t.Errorf("error code %q, want %q", ErrorCode(err), Invalid)
			}
		})
	}
}

// TestCheckConcurrent runs one rule set from many goroutines (run it with -race): results must match a serial run.
func TestCheckConcurrent(t *testing.T) {
	rs := DefaultRules()
	items := loadEval(t)
	want := make([][]Hint, len(items))
	for i, it := range items {
		want[i] = rs.Check(it.Summary, it.Source)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			for k := range items {
				i := (k + g*31) % len(items)
				if got := rs.Check(items[i].Summary, items[i].Source); !slices.Equal(got, want[i]) {
					errs <- fmt.Sprintf("goroutine %d, %s: %v, want %v", g, items[i].ID, spans(got), spans(want[i]))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestStableRune checks the fast path's hand-written ranges against x/text: every rune it calls stable must be left
// alone by NFKC and must not compose with the rune before it.
func TestStableRune(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		if !stableRune(r) && !(0x4000 <= r && r <= 0x9FFF) {
			continue
		}
		s := string(r)
		if norm.NFKC.String(s) != s || !norm.NFKC.PropertiesString(s).BoundaryBefore() {
			t.Errorf("U+%04X is on the fast path but NFKC changes it or composes it", r)
		}
	}
}

func TestFoldOffsets(t *testing.T) {
	var f folder
	tests := []struct {
		in, folded, span string // span: a piece of the folded text, and what it must map back to
		want             string
	}{
		{"ａｂＸＸＸｃ", "abXXXc", "XXX", "ＸＸＸ"},
		{"社名はＸＸＸです", "社名はXXXです", "です", "です"},
		{"(株)ﾃｽﾄ！我々", "(株)テスト!我々", "我々", "我々"},
		{"ｶﾞｲﾄﾞ付き", "ガイド付き", "イド", "ｲﾄﾞ"},
		{"か\u3099き", "がき", "が", "か\u3099"},
		{"１９６８年創業", "1968年創業", "1968年", "１９６８年"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			in, want := unquote(t, tc.in), unquote(t, tc.want)
			v := f.fold(in, false)
			if v.text != unquote(t, tc.folded) {
				t.Fatalf("fold = %q, want %q", v.text, tc.folded)
			}
			s := strings.Index(v.text, unquote(t, tc.span))
			os, oe := v.orig(s, s+len(unquote(t, tc.span)))
			if got := in[os:oe]; got != want {
				t.Errorf("span %q maps to %q, want %q", tc.span, got, want)
			}
		})
	}
}

func unquote(t *testing.T, s string) string {
	t.Helper()
	u, err := strconv.Unquote(`"` + s + `"`)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestFoldIsNFKC(t *testing.T) {
	inputs := []string{
		"", "abc", "ＡＢＣ１２３！", "２０１０年　設立", "ｶﾞｲﾄﾞ", "か\u3099き", "①②㈱㌔", "Ａ\u0301", "é and e\u0301",
		"\xff\xfe半端\xe3\x81", "ﾊﾟﾝ屋", "豈更", "ゞ゛゜ゟヿ", "〶〸〹", "𠀋𡈽", "\u3000全角スペース",
	}
	for _, it := range loadEval(t) {
		inputs = append(inputs, it.Summary, it.Source)
	}
	var f folder
	for _, s := range inputs {
		want := norm.NFKC.String(s)
		if !utf8.ValidString(s) {
			want = s // invalid bytes pass through; only valid text is compared
		}
		v := f.fold(s, false)
		if utf8.ValidString(s) && v.text != want {
			t.Errorf("fold(%q) = %q, want %q", s, v.text, want)
		}
		if lower := f.fold(s, true).text; utf8.ValidString(s) && lower != lowerASCII(want) {
			t.Errorf("fold(%q, lower) = %q, want %q", s, lower, lowerASCII(want))
		}
	}
}

// TestCheckLargeInput runs summaries near the size limit made of what each rule reacts to, to catch work that grows
// faster than the input (a quadratic step would take minutes here, not milliseconds).
func TestCheckLargeInput(t *testing.T) {
	rs := DefaultRules()
	units := []string{"担当社員の我々は", "1,234名と5.6%、", "東京都の京都、", "です。である。", "〇〇XXX[会社名]", "トップシェア！"}
	for _, u := range units {
		t.Run(u, func(t *testing.T) {
			summary := strings.Repeat(u, (512<<10)/len(u))
			source := strings.Repeat("北海道の会社。１２３名。", (256<<10)/30)
			hints := rs.Check(summary, source)
			if len(hints) == 0 && u != "担当社員の我々は" {
				t.Errorf("no hints on %d bytes of %q", len(summary), u)
			}
			checkInvariants(t, rs, summary, hints[:min(len(hints), 50)])
		})
	}
}

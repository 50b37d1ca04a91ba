package demo

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"reviewdesk/review"
)

// generate returns the first n items of cfg through Next.
func generate(t testing.TB, cfg Config) []review.Item {
	t.Helper()
	g := New(cfg)
	var items []review.Item
	for {
		it, ok := g.Next()
		if !ok {
			break
		}
		items = append(items, it)
	}
	if len(items) != cfg.Items {
		t.Fatalf("Next returned %d items, want %d", len(items), cfg.Items)
	}
	return items
}

func defects(t testing.TB, it review.Item) []string {
	t.Helper()
	d, ok := it.Meta["defects"].([]string)
	if !ok {
		t.Fatalf("item %s: Meta[defects] is %T, want []string", it.ID, it.Meta["defects"])
	}
	return d
}

// checkDigit computes a corporate number's check digit from its 12-digit base as the National Tax Agency
// defines it: 9 - (sum of digits weighted 1 and 2 alternately from the right, mod 9).
func checkDigit(base string) byte {
	sum := 0
	for n := 1; n <= 12; n++ {
		w := 1
		if n%2 == 0 {
			w = 2
		}
		sum += int(base[12-n]-'0') * w
	}
	return byte('0' + 9 - sum%9)
}

func TestCheckDigitKnownNumber(t *testing.T) {
	// 7000012050002 is the National Tax Agency's own corporate number.
	if got := checkDigit("000012050002"); got != '7' {
		t.Fatalf("check digit of 000012050002 = %c, want 7", got)
	}
}

func TestDeterminism(t *testing.T) {
	const n = 400
	a := generate(t, Config{Items: n, Seed: 42, Reviewed: 0.3})
	b := generate(t, Config{Items: n, Seed: 42, Reviewed: 0.3})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different items")
	}
	if d := generate(t, Config{Items: n, Seed: 42, Reviewed: 0.9, Start: time.Now()}); !reflect.DeepEqual(a, d) {
		t.Fatal("Reviewed and Start changed the items; they may change decisions only")
	}
	c := generate(t, Config{Items: n, Seed: 43, Reviewed: 0.3})
	sameID, sameSummary := 0, 0
	for i := range a {
		if a[i].ID == c[i].ID {
			sameID++
		}
		if a[i].Summary == c[i].Summary {
			sameSummary++
		}
	}
	if sameID > 0 || sameSummary > 0 {
		t.Fatalf("seeds 42 and 43 share %d ids and %d summaries of %d", sameID, sameSummary, n)
	}
}

func TestItemMatchesNext(t *testing.T) {
	cfg := Config{Items: 500, Seed: 9, Reviewed: 0.3}
	items := generate(t, cfg)
	g := New(cfg)
	// random access in an order unrelated to Next's, with decisions drawn in between
	for k := range items {
		i := (k * 7919) % len(items)
		if got := g.Item(i); !reflect.DeepEqual(got, items[i]) {
			t.Fatalf("Item(%d) differs from the %d-th Next:\n%+v\n%+v", i, i, got, items[i])
		}
		g.Decisions(items[i], i)
	}
}

func TestItemConcurrent(t *testing.T) {
	cfg := Config{Items: 200, Seed: 5}
	items := generate(t, cfg)
	g := New(cfg)
	var wg sync.WaitGroup
	errs := make(chan int, len(items))
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(items); i += 4 {
				if !reflect.DeepEqual(g.Item(i), items[i]) {
					errs <- i
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for i := range errs {
		t.Errorf("concurrent Item(%d) differs from the sequential one", i)
	}
}

func TestItemsValid(t *testing.T) {
	items := generate(t, Config{Items: 3000, Seed: 1})
	rubric := Rubric()
	legal := regexp.MustCompile(`^(株式会社|有限会社|合同会社).+|.+(株式会社|有限会社|合同会社)$`)
	ids := map[string]bool{}
	batches := map[string]bool{}
	generators := map[string]bool{}
	for _, it := range items {
		if err := it.Validate(); err != nil {
			t.Fatalf("item %s: %v", it.ID, err)
		}
		if len(it.ID) != 13 || strings.Trim(it.ID, "0123456789") != "" {
			t.Fatalf("id %q is not 13 digits", it.ID)
		}
		if it.ID[0] != checkDigit(it.ID[1:]) {
			t.Fatalf("id %s: check digit %c, want %c", it.ID, it.ID[0], checkDigit(it.ID[1:]))
		}
		if ids[it.ID] {
			t.Fatalf("id %s repeats", it.ID)
		}
		ids[it.ID] = true
		if !legal.MatchString(it.Company) {
			t.Fatalf("company %q has no legal form", it.Company)
		}
		sum := 0.0
		for _, c := range rubric.Criteria {
			v, ok := it.Scores[c.Name]
			if !ok || v < 0 || v > c.Max || v != float64(int(v)) {
				t.Fatalf("item %s: score %s = %v (present %v), want an integer in 0..%v", it.ID, c.Name, v, ok, c.Max)
			}
			sum += v
		}
		if len(it.Scores) != len(rubric.Criteria) || it.Score != sum || it.MaxScore != rubric.MaxScore {
			t.Fatalf("item %s: scores %v, total %v, max %v", it.ID, it.Scores, it.Score, it.MaxScore)
		}
		if it.Judge != Judge {
			t.Fatalf("judge %q", it.Judge)
		}
		batches[it.Batch] = true
		generators[it.Generator+"/"+it.PromptVersion] = true
		for _, k := range []string{"industry", "prefecture", "lang"} {
			if s, _ := it.Meta[k].(string); s == "" {
				t.Fatalf("item %s: Meta[%s] = %v", it.ID, k, it.Meta[k])
			}
		}
		for _, d := range defects(t, it) {
			if !slices.Contains(Classes(), d) {
				t.Fatalf("item %s: unknown defect %q", it.ID, d)
			}
		}
	}
	if n := len(batches); n < 3 || n > 5 {
		t.Errorf("%d batches %v, want 3 to 5", n, batches)
	}
	for _, want := range []string{"gen-a-2025-06/v1", "gen-a-2025-06/v2", "gen-b-2025-09/v2"} {
		if !generators[want] {
			t.Errorf("no items from generator/prompt %s (have %v)", want, generators)
		}
	}
}

func TestClassesAreReasonCodes(t *testing.T) {
	for _, c := range Classes() {
		if !slices.ContainsFunc(review.DefaultReasons, func(r review.Reason) bool { return r.Code == c }) {
			t.Errorf("class %q is not a reason code of review.DefaultReasons", c)
		}
	}
}

func TestRubric(t *testing.T) {
	r := Rubric()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, c := range r.Criteria {
		sum += c.Max
	}
	if sum != r.MaxScore || r.DiscardBelow == nil || *r.DiscardBelow != DiscardBelow {
		t.Fatalf("rubric %+v: maxima sum to %v", r, sum)
	}
}

func TestLengths(t *testing.T) {
	items := generate(t, Config{Items: 5000, Seed: 3})
	english := 0
	for _, it := range items {
		if n := utf8.RuneCountInString(it.Summary); n < minSummaryRunes || n > maxSummaryRunes {
			t.Errorf("item %s: summary has %d characters, want %d to %d: %s", it.ID, n, minSummaryRunes, maxSummaryRunes, it.Summary)
		}
		if n := len(it.Source); n < minSourceBytes || n > maxSourceBytes {
			t.Errorf("item %s: source has %d bytes, want %d to %d", it.ID, n, minSourceBytes, maxSourceBytes)
		}
		if !utf8.ValidString(it.Source) || !utf8.ValidString(it.Summary) {
			t.Fatalf("item %s: invalid UTF-8", it.ID)
		}
		if it.Meta["lang"] == "en" {
			english++
			if strings.IndexFunc(it.Summary, isJapanese) >= 0 {
				t.Errorf("English summary %s has Japanese in it: %s", it.ID, it.Summary)
			}
		} else if jp := japaneseShare(it.Summary); jp < 0.7 {
			t.Errorf("Japanese summary %s is only %.0f%% Japanese: %s", it.ID, 100*jp, it.Summary)
		}
	}
	if share := float64(english) / float64(len(items)); share < 0.07 || share > 0.13 {
		t.Errorf("English share %.3f, want about 0.1", share)
	}
}

func isJapanese(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) || r == 'ー' || r == '、' || r == '。'
}

func japaneseShare(s string) float64 {
	jp, n := 0, 0
	for _, r := range s {
		n++
		if isJapanese(r) {
			jp++
		}
	}
	return float64(jp) / float64(n)
}

// TestRates checks the shares the issue asks for: 25-35% of summaries with a defect, each class a few percent,
// a judge whose top score still holds 5-10% bad summaries, and scores that follow defects only in part.
func TestRates(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run("seed"+strconv.FormatInt(seed, 10), func(t *testing.T) {
			items := generate(t, Config{Items: 10000, Seed: seed})
			perClass := map[string]int{}
			var byScore, badByScore [11]int
			bad, top, topBad, discarded := 0, 0, 0, 0
			var cleanScore, badScore float64
			for _, it := range items {
				d := defects(t, it)
				for _, c := range d {
					perClass[c]++
				}
				byScore[int(it.Score)]++
				if len(d) > 0 {
					badByScore[int(it.Score)]++
				}
				if len(d) > 0 {
					bad++
					badScore += it.Score
				} else {
					cleanScore += it.Score
				}
				if it.Score == it.MaxScore {
					top++
					if len(d) > 0 {
						topBad++
					}
				}
				if it.Score < DiscardBelow {
					discarded++
				}
			}
			n := float64(len(items))
			t.Logf("%d of %d summaries have a defect; per class %v", bad, len(items), perClass)
			for s := range byScore {
				t.Logf("score %2d: %5d items, %4d with a defect", s, byScore[s], badByScore[s])
			}
			if share := float64(bad) / n; share < 0.25 || share > 0.35 {
				t.Errorf("%.3f of summaries have a defect, want 0.25 to 0.35", share)
			}
			for _, c := range Classes() {
				if share := float64(perClass[c]) / n; share < 0.01 || share > 0.07 {
					t.Errorf("class %s in %.3f of summaries, want a few percent", c, share)
				}
			}
			if share := float64(topBad) / float64(top); share < 0.05 || share > 0.10 {
				t.Errorf("%.3f of top-scored summaries are bad, want 0.05 to 0.10", share)
			}
			if share := float64(top) / n; share < 0.35 || share > 0.6 {
				t.Errorf("%.3f of summaries have the top score", share)
			}
			if share := float64(discarded) / n; share < 0.01 || share > 0.08 {
				t.Errorf("%.3f of summaries score below %d, want a few percent for auto-discard", share, DiscardBelow)
			}
			meanBad, meanClean := badScore/float64(bad), cleanScore/(n-float64(bad))
			if meanClean-meanBad < 0.5 || meanClean-meanBad > 3 {
				t.Errorf("mean score clean %.2f, defective %.2f: want a clear but partial difference", meanClean, meanBad)
			}
		})
	}
}

// TestDefectsShow checks that each injected class is visible in the text the way DOMAIN.md describes it, and
// that clean summaries show none of it.
func TestDefectsShow(t *testing.T) {
	items := generate(t, Config{Items: 8000, Seed: 11})
	rules := review.DefaultRules()
	marks := map[string]*regexp.Regexp{
		"first_person": regexp.MustCompile(`我々|当社|弊社|私たち|\bOur\b`),
		"slogan":       regexp.MustCompile(`実現します！$|!$`),
		"superlative":  regexp.MustCompile(`トップシェア|最大|No\.1|トップクラス|No\. 1|leading|world-class|top-share|largest|top market share`),
		"placeholder":  regexp.MustCompile(`XXX|〇〇|XX`),
		"vague":        regexp.MustCompile(`ユニーク|様々な|多様な|多彩な|高品質|独自|unique|high-quality`),
		"generic":      regexp.MustCompile(genericFiller),
	}
	// what no clean summary may show: plain substrings, as regexps run slowly under -race
	anyMark := append(strings.Split(genericFiller, "|"), "我々", "当社", "弊社", "私たち", "Our ", "！", "!", "トップシェア", "最大",
		"No.", "トップクラス", "leading", "world-class", "XX", "〇〇", "ユニーク", "様々な", "高品質", "unique", "である。", "いまます", "bussiness")
	for _, it := range items {
		d := defects(t, it)
		firstPersonHint := slices.ContainsFunc(rules.Check(it.Summary, it.Source), func(h review.Hint) bool { return h.Rule == "first_person" })
		if slices.Contains(d, "first_person") != firstPersonHint {
			t.Errorf("item %s: first_person injected %v, but the first_person rule says %v: %s", it.ID, slices.Contains(d, "first_person"), firstPersonHint, it.Summary)
		}
		if len(d) == 0 {
			for _, m := range anyMark {
				if strings.Contains(it.Summary, m) {
					t.Errorf("clean summary %s shows %q: %s", it.ID, m, it.Summary)
				}
			}
			checkNumbersInSource(t, it)
			continue
		}
		for _, c := range d {
			if re, ok := marks[c]; ok && !re.MatchString(it.Summary) {
				t.Errorf("item %s has %s but shows no sign of it: %s", it.ID, c, it.Summary)
			}
		}
	}
}

// genericFiller matches the site-chrome sentences; a web production company may well mention websites.
const genericFiller = `プレスリリース|求人情報|お知らせや採用情報|ウェブサイトのフォーム|ホームページをご覧|ニュースリリース|Its website|The website|contact form`

// checkNumbersInSource checks that every number of a clean summary is on the company's page: a clean summary
// states nothing the source does not.
func checkNumbersInSource(t *testing.T, it review.Item) {
	t.Helper()
	number := regexp.MustCompile(`[0-9][0-9,]*`)
	for _, n := range number.FindAllString(it.Summary, -1) {
		if !strings.Contains(it.Source, strings.TrimRight(n, ",")) {
			t.Errorf("clean summary %s says %s, which its source does not: %s", it.ID, n, it.Summary)
		}
	}
}

func TestSourceHasPageChrome(t *testing.T) {
	items := generate(t, Config{Items: 500, Seed: 4})
	for _, it := range items {
		ja := it.Meta["lang"] == "ja"
		for _, want := range pick2(ja, []string{"会社概要", "沿革", "プレスリリース", "Copyright"}, []string{"Company profile", "History", "Press releases", "Copyright"}) {
			if !strings.Contains(it.Source, want) {
				t.Fatalf("source of %s lacks %q", it.ID, want)
			}
		}
		if !strings.Contains(it.Source, it.Company) {
			t.Fatalf("source of %s does not name %s", it.ID, it.Company)
		}
	}
}

func pick2[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

func TestNoFamousNames(t *testing.T) {
	// The generator makes names up; none may be a well-known company's.
	famous := []string{"トヨタ", "ソニー", "日立", "パナソニック", "三菱", "三井", "住友", "伊藤忠", "丸紅", "鈴木自動車", "本田",
		"キヤノン", "任天堂", "大成建設", "鹿島建設", "大林組", "清水建設", "ヤマト運輸", "佐川急便", "イオン", "セブン"}
	g := New(Config{Seed: 8})
	for i := range 50000 {
		var co company
		r := newRNG(8, streamItem, i)
		g.t.drawCompany(&r, &co)
		for _, f := range famous {
			if strings.Contains(co.name, f) {
				t.Fatalf("company %q contains the famous name %q", co.name, f)
			}
		}
	}
}

func TestSummaryRendersFromPlan(t *testing.T) {
	// Decisions re-render summaries from the plan; the plan must give back exactly the generated text.
	g := New(Config{Items: 3000, Seed: 6})
	for i := range 3000 {
		var w work
		bufs := g.getWork(&w)
		g.draw(i, &w)
		want := string(w.sum.bytes())
		g.writeSummary(&w.tmp, &w.co, &w.plan, 0, false)
		if got := string(w.tmp.bytes()); got != want {
			t.Fatalf("item %d renders as\n%s\nbut was generated as\n%s", i, got, want)
		}
		g.putWork(&w, bufs)
	}
}

func TestConfigBounds(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want int
	}{
		{"zero", Config{}, 0},
		{"negative", Config{Items: -5}, 0},
		{"capped", Config{Items: MaxItems + 10}, MaxItems},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := New(tt.cfg)
			if g.cfg.Items != tt.want {
				t.Fatalf("Items = %d, want %d", g.cfg.Items, tt.want)
			}
			if tt.want == 0 {
				if _, ok := g.Next(); ok {
					t.Fatal("Next returned an item from an empty generator")
				}
			}
		})
	}
}

func TestUniqueIDsAcrossTheRange(t *testing.T) {
	// The id is a bijection of the index; check a spread of indexes up to MaxItems.
	g := New(Config{Items: MaxItems, Seed: 2})
	seen := map[string]int{}
	for k := range 20000 {
		i := k * (MaxItems / 20000)
		id := g.corporateNumber(i, kabushiki)
		if j, ok := seen[id]; ok {
			t.Fatalf("items %d and %d share id %s", i, j, id)
		}
		seen[id] = i
	}
}

package review

import "testing"

// FuzzCheck feeds arbitrary summaries and sources, valid UTF-8 or not, through the default rules and checks the
// invariants callers rely on (see checkInvariants).
func FuzzCheck(f *testing.F) {
	f.Add("株式会社ＸＸＸは1958年設立の小売業です。我々はトップシェア！", "１９５８年設立。")
	f.Add("We are the best in the US.", "the US")
	f.Add("ｶﾞｲﾄﾞ付き。か\u3099き\u302a", "")
	f.Add("\xff我々\xe3\x81", "\xe3")
	rs := DefaultRules()
	f.Fuzz(func(t *testing.T, summary, source string) {
		checkInvariants(t, rs, summary, rs.Check(summary, source))
	})
}

// FuzzCheckItem is FuzzCheck with a company name, which hides hits inside it, and seeds for the number readers
// (era years, kanji numerals, compound figures) and exception patterns.
func FuzzCheckItem(f *testing.F) {
	f.Add("株式会社わたしたちの家は令和元年創業、社員三十名、売上3億5,000万円。Yahoo!で販売！", "2019年、30名", "株式会社わたしたちの家")
	f.Add("Our Table Inc. writes press releases for clients!", "", "Our Table Inc.")
	f.Add("平成十五年、二〇〇五年、1万5000人、「おいしい！」", "平成元年", "(株)")
	f.Add("令和\u3000５年\xff百", "\xe5\x84", "\xff株式会社")
	rs := DefaultRules()
	f.Fuzz(func(t *testing.T, summary, source, company string) {
		checkInvariants(t, rs, summary, rs.CheckItem(&Item{Summary: summary, Source: source, Company: company}))
	})
}

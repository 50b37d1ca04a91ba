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

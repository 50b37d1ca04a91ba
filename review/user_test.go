package review

import (
	"strings"
	"testing"
)

func TestCheckUserName(t *testing.T) {
	for _, name := range []string{"sato", "佐藤", "r.sato@example-jp_1", "Ｓａｔｏ", "٣٤", strings.Repeat("名", 64)} {
		if err := CheckUserName(name); err != nil {
			t.Errorf("CheckUserName(%q) = %v, want nil", name, err)
		}
	}
	for _, name := range []string{"", strings.Repeat("a", 65), "sato hanako", "a/b", "<b>", "a\x00", "\xff", "a\u200b", "🙂", AutoReviewer} {
		if err := CheckUserName(name); err == nil {
			t.Errorf("CheckUserName(%q) = nil, want an error", name)
		}
	}
}

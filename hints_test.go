package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"reviewdesk/review"
)

func TestHintsCommand(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a","summary":"我々は業界トップシェアです！","source":"株式会社テストは東京都の会社です。"}`,
		``,
		`{"id":7,"summary":"株式会社テストは、東京都でソフトウェアを開発しています。","source":"株式会社テストは東京都でソフトウェアを開発しています。"}`,
	}, "\n")
	var out bytes.Buffer
	if err := runHints(review.DefaultRules(), "en", strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per input object, got %d: %s", len(lines), out.String())
	}
	var first struct {
		ID    string
		Hints []map[string]any
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, h := range first.Hints {
		rules[h["rule"].(string)] = true
		for _, k := range []string{"rule", "start", "end", "text", "severity", "message"} {
			if _, ok := h[k]; !ok {
				t.Errorf("hint lacks %q: %v", k, h)
			}
		}
		if _, ok := h["message"].(string); !ok {
			t.Errorf("message is not a string: %v", h["message"])
		}
	}
	for _, want := range []string{"first_person", "superlative", "slogan"} {
		if !rules[want] {
			t.Errorf("no %s hint in %s", want, lines[0])
		}
	}
	if first.ID != "a" || !strings.HasPrefix(lines[1], `{"id":7,"hints":[]}`) {
		t.Errorf("ids are passed through as given: %s / %s", lines[0], lines[1])
	}
	if err := runHints(review.DefaultRules(), "ja", strings.NewReader("{not json\n"), &out); err == nil || !strings.Contains(err.Error(), "stdin:1") {
		t.Errorf("bad input: %v", err)
	}
}

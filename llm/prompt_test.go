package llm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultTemplateVersions(t *testing.T) {
	c := newTestClient(t, testConfig(newFakeServer(t, script(reply{}))))
	for _, tmpl := range c.Templates() {
		t.Run(tmpl.Name, func(t *testing.T) {
			b, err := DefaultTemplate(tmpl.Name)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			if tmpl.Version != hex.EncodeToString(sum[:6]) || tmpl.Path != "" {
				t.Errorf("template %+v, want version %x from the embedded file", tmpl, sum[:6])
			}
		})
	}
	if _, version := c.JudgeVersion(); version != c.judge.Version || c.fix.Version == c.judge.Version {
		t.Errorf("judge version %s, fix %s: want each template's own hash", version, c.fix.Version)
	}
}

func TestTemplateOverride(t *testing.T) {
	f := newFakeServer(t, script(reply{text: fixed, in: 1, out: 1}))
	cfg := testConfig(f)
	cfg.TemplatesDir = filepath.Join("testdata", "prompts")
	c := newTestClient(t, cfg)
	custom, err := os.ReadFile(filepath.Join("testdata", "prompts", "fix.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(custom)
	if c.fix.Version != hex.EncodeToString(sum[:6]) || c.fix.Path != filepath.Join(cfg.TemplatesDir, "fix.tmpl") {
		t.Errorf("fix template %+v, want the override's hash and path", c.fix.Template)
	}
	if c.judge.Path != "" {
		t.Errorf("judge template %+v, want the embedded default: the directory has no judge.tmpl", c.judge.Template)
	}
	s, err := c.SuggestFix(context.Background(), fixInput(), nil)
	if err != nil {
		t.Fatalf("suggest fix: %v", err)
	}
	if s.Call.TemplateVersion != c.fix.Version {
		t.Errorf("call template version %s, want %s", s.Call.TemplateVersion, c.fix.Version)
	}
	req := f.requests()[0]
	if len(req.Body.Messages) != 1 || !strings.HasPrefix(req.user(), "三人称に直してください。") || !strings.Contains(req.user(), "問題: 我々") {
		t.Errorf("messages %+v, want only the override's user message", req.Body.Messages)
	}
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{"bad-parse", []string{filepath.Join("testdata", "bad-parse", "fix.tmpl"), "template: fix:1"}},
		{"bad-field", []string{filepath.Join("testdata", "bad-field", "judge.tmpl"), "Points"}},
		{"no-user", []string{filepath.Join("testdata", "no-user", "fix.tmpl"), `no {{define "user"}} block`}},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			_, err := New(Config{TemplatesDir: filepath.Join("testdata", tc.dir)}, func(string) string { return "" })
			if err == nil {
				t.Fatal("New accepted a broken template")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestWriteDefaultTemplates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "prompts")
	if err := WriteDefaultTemplates(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{FixTemplate, JudgeTemplate} {
		got, err := os.ReadFile(filepath.Join(dir, name+".tmpl"))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := DefaultTemplate(name)
		if !bytes.Equal(got, want) {
			t.Errorf("%s.tmpl differs from the embedded default", name)
		}
	}
	// A supervisor's edit survives a second run, and becomes a new version.
	edited := filepath.Join(dir, "judge.tmpl")
	want, _ := DefaultTemplate(JudgeTemplate)
	want = append(want, []byte("{{/* 2026-03: stricter on slogans */}}\n")...)
	if err := os.WriteFile(edited, want, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteDefaultTemplates(dir); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(edited); !bytes.Equal(got, want) {
		t.Error("WriteDefaultTemplates overwrote an edited template")
	}
	c, err := New(Config{TemplatesDir: dir}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	def, err := New(Config{}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.judge.Version == def.judge.Version || c.fix.Version != def.fix.Version {
		t.Errorf("versions judge %s/%s fix %s/%s: want only the edited judge template to change", c.judge.Version, def.judge.Version, c.fix.Version, def.fix.Version)
	}
}

func TestEstimateTokens(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abcd", 1},
		{"abcde", 2},
		{"株式会社", 4},
		{"ABC株式会社", 5},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := estimateTokens(tc.in); got != tc.want {
				t.Errorf("estimateTokens(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

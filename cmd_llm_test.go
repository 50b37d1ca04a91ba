package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// `reviewdesk judge --batch B --model M`, as the docs write it, rescores the batch with model M.
func TestJudgeCommandModelFlag(t *testing.T) {
	var mu sync.Mutex
	models := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model string `json:"model"`
		}
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &req)
		mu.Lock()
		models[req.Model]++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		content, _ := json.Marshal(`{"scores":{"business":4,"third_person":3,"relevance":3},"rationale":"ok"}`)
		fmt.Fprintf(w, `{"id":"x","object":"chat.completion","model":%q,"choices":[{"index":0,"finish_reason":"stop",
			"message":{"role":"assistant","content":%s}}],"usage":{"prompt_tokens":10,"completion_tokens":5}}`, req.Model, content)
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "j.db")
	if err, _ := run(t, "demo", "--db", db, "--items", "30", "--reviewed", "0"); err != nil {
		t.Fatal(err)
	}
	cmd := cli("judge", "--db", db, "--all", "--model", "judge-m", "--llm-url", srv.URL+"/v1")
	cmd.Env = append(cmd.Env, "OPENAI_API_KEY=sk-test")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("judge --model: %v: %s", err, out)
	}
	if !strings.Contains(string(out), "judge judge-m") || !strings.Contains(string(out), "30 scored now") {
		t.Errorf("judge printed %q, want model judge-m and 30 items scored", out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(models) != 1 || models["judge-m"] != 30 {
		t.Errorf("requests by model = %v, want 30 to judge-m", models)
	}
}

// `reviewdesk prompts init DIR` writes the built-in templates and keeps a supervisor's edited ones.
func TestPromptsInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "prompts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	edited := "edited judge prompt {{.Summary}}"
	if err := os.WriteFile(filepath.Join(dir, "judge.tmpl"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if err, _ := run(t, "prompts", "init", dir); err != nil {
		t.Fatal(err)
	}
	fix, err := os.ReadFile(filepath.Join(dir, "fix.tmpl"))
	if err != nil || len(fix) == 0 {
		t.Fatalf("fix.tmpl: %v, %d bytes", err, len(fix))
	}
	judge, _ := os.ReadFile(filepath.Join(dir, "judge.tmpl"))
	if string(judge) != edited {
		t.Errorf("judge.tmpl = %q, want the edited template kept", judge)
	}
}

package llm

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"unicode/utf8"

	"reviewdesk/review"
)

//go:embed prompts/*.tmpl
var embeddedPrompts embed.FS

// Template names; the files are NAME.tmpl.
const (
	FixTemplate   = "fix"
	JudgeTemplate = "judge"
)

// Template describes a loaded prompt template.
type Template struct {
	Name string `json:"name"`
	// Version is a short hash of the file's bytes, so every call records exactly which prompt it used.
	Version string `json:"version"`
	// Path is the file it came from, or "" for the embedded default.
	Path string `json:"path,omitempty"`
}

type prompt struct {
	Template
	tmpl *template.Template
}

// DefaultTemplate returns the embedded default of a template, for supervisors to start their own from.
func DefaultTemplate(name string) ([]byte, error) {
	b, err := embeddedPrompts.ReadFile("prompts/" + name + ".tmpl")
	if err != nil {
		return nil, fmt.Errorf("default template %q: %w", name, err)
	}
	return b, nil
}

// WriteDefaultTemplates writes the embedded templates into dir, leaving files that already exist alone.
func WriteDefaultTemplates(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write default templates: %w", err)
	}
	for _, name := range []string{FixTemplate, JudgeTemplate} {
		b, err := DefaultTemplate(name)
		if err != nil {
			return err
		}
		f, err := os.OpenFile(filepath.Join(dir, name+".tmpl"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("write default templates: %w", err)
		}
		_, err = f.Write(b)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write default templates: %w", err)
		}
	}
	return nil
}

// loadPrompt reads dir/NAME.tmpl if dir is set and the file exists, the embedded default otherwise, and checks it
// by rendering sample data, so that a supervisor's mistake shows when the app starts, not on a reviewer's click.
func loadPrompt(dir, name string) (*prompt, error) {
	data, err := DefaultTemplate(name)
	if err != nil {
		return nil, err
	}
	path := ""
	if dir != "" {
		p := filepath.Join(dir, name+".tmpl")
		b, err := os.ReadFile(p)
		switch {
		case err == nil:
			data, path = b, p
		case errors.Is(err, fs.ErrNotExist):
			if _, derr := os.Stat(dir); derr != nil {
				return nil, fmt.Errorf("load template %s: templates directory: %w", name, derr)
			}
		default:
			return nil, fmt.Errorf("load template %s: %w", name, err)
		}
	}
	where := path
	if where == "" {
		where = "embedded " + name + ".tmpl"
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("load template %s: not valid UTF-8; save it as UTF-8", where)
	}
	t, err := template.New(name).Option("missingkey=error").Funcs(template.FuncMap{"json": jsonValue}).Parse(string(data))
	if err != nil {
		return nil, fmt.Errorf("load template %s: %w", where, err)
	}
	if t.Lookup("user") == nil {
		return nil, fmt.Errorf("load template %s: no {{define \"user\"}} block; it holds the prompt", where)
	}
	sum := sha256.Sum256(data)
	p := &prompt{Template: Template{Name: name, Version: hex.EncodeToString(sum[:6]), Path: path}, tmpl: t}
	if _, err := p.render(sampleData(name)); err != nil {
		return nil, fmt.Errorf("load template %s: %w", where, err)
	}
	return p, nil
}

func jsonValue(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// message is one chat message a template produced.
type message struct {
	role, content string
}

func (p *prompt) render(data any) ([]message, error) {
	var out []message
	for _, block := range []string{"system", "user"} {
		if p.tmpl.Lookup(block) == nil {
			continue
		}
		var b strings.Builder
		if err := p.tmpl.ExecuteTemplate(&b, block, data); err != nil {
			return nil, fmt.Errorf("render %s prompt: %w", p.Name, err)
		}
		if s := strings.TrimSpace(b.String()); s != "" {
			out = append(out, message{block, s})
		}
	}
	if len(out) == 0 || out[len(out)-1].role != "user" {
		return nil, fmt.Errorf("render %s prompt: the \"user\" block is empty", p.Name)
	}
	return out, nil
}

// fixData is what fix.tmpl sees.
type fixData struct {
	Company         string
	Summary         string
	Source          string
	SourceTruncated bool
	Hints           []hintData
}

type hintData struct {
	Rule     string
	Severity string
	Text     string
	Message  string
}

// judgeData is what judge.tmpl sees.
type judgeData struct {
	Company         string
	Summary         string
	Source          string
	SourceTruncated bool
	MaxScore        float64
	Criteria        []review.Criterion
}

func newFixData(in review.FixInput, maxSource int) fixData {
	src, cut := truncateRunes(in.Source, maxSource)
	d := fixData{Company: in.Company, Summary: in.Summary, Source: src, SourceTruncated: cut}
	seen := map[[2]string]bool{}
	for _, h := range in.Hints {
		k := [2]string{h.Rule, h.Text}
		if seen[k] {
			continue // the same word flagged twice needs saying once
		}
		seen[k] = true
		msg := h.Message.Ja
		if msg == "" {
			msg = h.Message.En
		}
		d.Hints = append(d.Hints, hintData{Rule: h.Rule, Severity: string(h.Severity), Text: h.Text, Message: msg})
	}
	return d
}

func newJudgeData(in review.JudgeInput, maxSource int) judgeData {
	src, cut := truncateRunes(in.Source, maxSource)
	return judgeData{Company: in.Company, Summary: in.Summary, Source: src, SourceTruncated: cut,
		MaxScore: rubricMax(in.Rubric), Criteria: in.Rubric.Criteria}
}

func rubricMax(r review.Rubric) float64 {
	if r.MaxScore > 0 {
		return r.MaxScore
	}
	sum := 0.0
	for _, c := range r.Criteria {
		sum += c.Max
	}
	return sum
}

func truncateRunes(s string, n int) (string, bool) {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s, false
	}
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i], true
}

func sampleData(name string) any {
	if name == FixTemplate {
		return newFixData(review.FixInput{Company: "株式会社サンプル", Summary: "我々は食品を販売しています。", Source: "食品の販売",
			Hints: []review.Hint{{Rule: "first_person", Severity: review.High, Text: "我々", Message: review.Message{Ja: "一人称"}}}}, 0)
	}
	return newJudgeData(review.JudgeInput{Company: "株式会社サンプル", Summary: "同社は食品を販売しています。", Source: "食品の販売",
		Rubric: review.Rubric{Criteria: []review.Criterion{{Name: "business", Max: 4, Description: "事業内容"}}}}, 0)
}

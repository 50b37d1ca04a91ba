package exporter

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"
)

func sampleReport(batch string) Report {
	return Report{
		Title: "歩留まりレポート " + batch,
		Sections: []ReportSection{{
			Heading:    "Yield",
			Paragraphs: []string{"Yield 91.0% [89.5%, 92.3%] over 1476 reviews.", "1. not a list"},
			Tables: []ReportTable{{
				Caption: "By batch",
				Columns: []ReportColumn{{Name: "batch"}, {Name: "items", Numeric: true}},
				Rows:    [][]string{{batch, "1000"}, {"2025_10_b", "2"}},
			}},
		}},
	}
}

func TestWriteReportMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteReportMarkdown(&b, sampleReport("2025-10-a")); err != nil {
		t.Fatal(err)
	}
	want := `# 歩留まりレポート 2025-10-a

## Yield

Yield 91.0% \[89.5%, 92.3%\] over 1476 reviews.

1\. not a list

### By batch

| batch | items |
| --- | ---: |
| 2025-10-a | 1000 |
| 2025_10_b | 2 |
`
	if b.String() != want {
		t.Fatalf("markdown:\n%s\nwant:\n%s", b.String(), want)
	}
}

// cells returns the text of every table cell in rendered HTML, unescaped.
func cells(page string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<t[dh](?:\s[^>]*)?>(.*?)</t[dh]>`).FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// TestWriteReportHTMLEscapesData renders names an import could carry and checks that each shows as written, in its
// own cell, and that nothing in the page can run or fetch anything.
func TestWriteReportHTMLEscapesData(t *testing.T) {
	for _, name := range []string{
		`<script>alert(1)</script>`,
		`a | b | c`,
		`**bold** _it_ ~~gone~~ ` + "`code`",
		`[click](javascript:alert(1))`,
		`<img src=x onerror=alert(1)>`,
		`&amp; &lt;`,
		`# heading`,
		`- item`,
		`> quote`,
		`back\slash \| pipe`,
		"two\nlines",
		`https://example.com/x.png`,
		`snake_case_batch __init__ 会社_名`,
		`1. 2) 3.5`,
		`![img](https://example.com/x.png)`,
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteReportHTML(&b, sampleReport(name)); err != nil {
				t.Fatal(err)
			}
			page := b.String()
			got := cells(page)
			want := []string{"batch", "items", strings.Join(strings.Fields(name), " "), "1000", "2025_10_b", "2"}
			if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Fatalf("cells %q, want %q", got, want)
			}
			for _, bad := range []string{"<script", "<img", "<a ", "<strong", "<em", "<del", "<code", "<blockquote",
				"<ul", "<h1>#"} {
				if strings.Contains(page, bad) {
					t.Errorf("page contains %q:\n%s", bad, page)
				}
			}
			if strings.Contains(page, "://") && !strings.Contains(name, "://") {
				t.Errorf("page names a URL:\n%s", page)
			}
			title := regexp.MustCompile(`<title>(.*)</title>`).FindStringSubmatch(page)
			if title == nil || html.UnescapeString(title[1]) != "歩留まりレポート "+strings.Join(strings.Fields(name), " ") {
				t.Errorf("title %q", title)
			}
		})
	}
}

func TestWriteReportHTMLIsSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := WriteReportHTML(&b, sampleReport("b")); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<!DOCTYPE html>", `<meta charset="utf-8">`, "default-src 'none'", "<style>", "<table>",
		`<th style="text-align:right">items</th>`, "<h2>Yield</h2>", "<p>1. not a list</p>"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	for _, bad := range []string{"<link", "<script", "src=", "url(", "@import", "http:", "https:"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q, which could fetch something", bad)
		}
	}
}

func TestWriteReportRefusesRaggedTable(t *testing.T) {
	r := sampleReport("b")
	r.Sections[0].Tables[0].Rows = append(r.Sections[0].Tables[0].Rows, []string{"only one cell"})
	var b bytes.Buffer
	err := WriteReportMarkdown(&b, r)
	if err == nil || !strings.Contains(err.Error(), "row 3 has 1 cells for 2 columns") {
		t.Fatalf("ragged table: %v", err)
	}
}

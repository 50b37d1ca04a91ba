package exporter

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Report is a document of sections with paragraphs and tables: the supervisor report, written as Markdown or as a
// self-contained HTML page. Every text in it is plain text, never Markdown: batch names, reviewer names and the
// like come from imported data and are escaped, so that they show as written and can neither format the report nor
// inject HTML.
type Report struct {
	Title    string
	Sections []ReportSection
}

// ReportSection is a heading with paragraphs, then tables.
type ReportSection struct {
	Heading    string
	Paragraphs []string
	Tables     []ReportTable
}

// ReportTable is a table with a caption (a heading above it); columns whose Numeric is set are right-aligned.
type ReportTable struct {
	Caption string
	Columns []ReportColumn
	Rows    [][]string
}

// ReportColumn is a table column.
type ReportColumn struct {
	Name    string
	Numeric bool
}

// WriteReportMarkdown writes the report as GitHub-flavoured Markdown.
func WriteReportMarkdown(w io.Writer, r Report) error {
	var b strings.Builder
	b.WriteString("# " + escapeMarkdown(r.Title, true) + "\n")
	for _, s := range r.Sections {
		b.WriteString("\n## " + escapeMarkdown(s.Heading, true) + "\n")
		for _, p := range s.Paragraphs {
			b.WriteString("\n" + escapeMarkdown(p, true) + "\n")
		}
		for i, t := range s.Tables {
			if err := writeTable(&b, t); err != nil {
				return fmt.Errorf("write report: section %q, table %d: %w", s.Heading, i+1, err)
			}
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func writeTable(b *strings.Builder, t ReportTable) error {
	if len(t.Columns) == 0 {
		return fmt.Errorf("a table needs columns")
	}
	if t.Caption != "" {
		b.WriteString("\n### " + escapeMarkdown(t.Caption, true) + "\n")
	}
	b.WriteString("\n|")
	for _, c := range t.Columns {
		b.WriteString(" " + escapeMarkdown(c.Name, false) + " |")
	}
	b.WriteString("\n|")
	for _, c := range t.Columns {
		if c.Numeric {
			b.WriteString(" ---: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for i, row := range t.Rows {
		if len(row) != len(t.Columns) {
			return fmt.Errorf("row %d has %d cells for %d columns", i+1, len(row), len(t.Columns))
		}
		b.WriteString("|")
		for _, cell := range row {
			b.WriteString(" " + escapeMarkdown(cell, false) + " |")
		}
		b.WriteString("\n")
	}
	return nil
}

// escapeMarkdown makes s plain text in Markdown: one line, with every character that could start inline markup
// (emphasis, code, links, autolinks, raw HTML, entities, table cells) backslash-escaped, which CommonMark allows for
// any ASCII punctuation. An underscore inside a word cannot open emphasis and stays as it is, for readability. In a
// block of its own (block), a start that could open a heading, list, quote or rule is escaped too; a table cell
// cannot open a block.
func escapeMarkdown(s string, block bool) string {
	s = strings.Join(strings.Fields(s), " ")
	runes := []rune(s)
	var b strings.Builder
	for i, r := range runes {
		switch {
		case r == '_':
			if i == 0 || i == len(runes)-1 || !isWordRune(runes[i-1]) || !isWordRune(runes[i+1]) {
				b.WriteByte('\\')
			}
		case strings.ContainsRune("\\`*[]<>#!|~&$", r):
			b.WriteByte('\\')
		case block && i == 0 && strings.ContainsRune("-+=:", r):
			b.WriteByte('\\')
		case block && i > 0 && (r == '.' || r == ')') && digitsOnly(string(runes[:i])):
			b.WriteByte('\\') // "1." or "1)" would open an ordered list
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// reportMarkdown renders the report's Markdown: tables on, and nothing else that could turn text into links. Raw
// HTML is off (goldmark's default), though the escaping leaves none.
var reportMarkdown = goldmark.New(goldmark.WithExtensions(extension.Table))

// reportCSS is the page's only style: the page makes no request of its own (its Content-Security-Policy forbids
// every fetch), so that it can be mailed and opened offline.
const reportCSS = `body{font-family:"Noto Sans CJK JP","Hiragino Sans","Yu Gothic",system-ui,sans-serif;margin:2rem auto;
max-width:72rem;padding:0 1rem;color:#1f2328;line-height:1.5}
h1{font-size:1.6rem;border-bottom:2px solid #d0d7de;padding-bottom:.3rem}
h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
h3{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem;display:block;max-width:100%;overflow-x:auto}
th,td{border:1px solid #d0d7de;padding:.25rem .6rem;vertical-align:top}
th{background:#f6f8fa}
tr:nth-child(even) td{background:#fbfcfd}
td[style*="right"],th[style*="right"]{font-variant-numeric:tabular-nums;white-space:nowrap}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table{break-inside:avoid}}`

// WriteReportHTML writes the report as one self-contained HTML page: the Markdown rendered by goldmark, with the
// style inline.
func WriteReportHTML(w io.Writer, r Report) error {
	var md bytes.Buffer
	if err := WriteReportMarkdown(&md, r); err != nil {
		return err
	}
	var body bytes.Buffer
	if err := reportMarkdown.Convert(md.Bytes(), &body); err != nil {
		return fmt.Errorf("write report: render markdown: %w", err)
	}
	page := `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>` + html.EscapeString(strings.Join(strings.Fields(r.Title), " ")) + `</title>
<style>` + reportCSS + `</style>
</head>
<body>
` + body.String() + `</body>
</html>
`
	if _, err := io.WriteString(w, page); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

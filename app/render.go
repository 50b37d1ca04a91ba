package app

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"reviewdesk/review"
)

// Summaries are Markdown written by an LLM: untrusted. goldmark renders them with raw HTML off, and links and
// images become their text, so that a summary can neither run script nor make the browser fetch anything. Hint
// spans are marked by private-use characters placed in the Markdown before rendering and turned into <mark>
// elements after, so that highlighting never builds HTML from the summary's own characters.
var markdown = goldmark.New(
	goldmark.WithRendererOptions(html.WithHardWraps(),
		renderer.WithNodeRenderers(util.Prioritized(textOnlyLinks{}, 100))),
)

const (
	markStart = '\uE000'
	markEnd   = '\uE001'
)

// textOnlyLinks renders links, autolinks and images as their text.
type textOnlyLinks struct{}

func (textOnlyLinks) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	children := func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		return ast.WalkContinue, nil
	}
	reg.Register(ast.KindLink, children)
	reg.Register(ast.KindImage, children)
	reg.Register(ast.KindAutoLink, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			w.Write(util.EscapeHTML(n.(*ast.AutoLink).Label(source)))
		}
		return ast.WalkContinue, nil
	})
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			for i := 0; i < segs.Len(); i++ {
				s := segs.At(i)
				w.Write(util.EscapeHTML(s.Value(source)))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			lines := n.Lines()
			w.WriteString("<p>")
			for i := 0; i < lines.Len(); i++ {
				s := lines.At(i)
				w.Write(util.EscapeHTML(s.Value(source)))
			}
			if b := n.(*ast.HTMLBlock); b.HasClosure() {
				w.Write(util.EscapeHTML(b.ClosureLine.Value(source)))
			}
			w.WriteString("</p>\n")
		}
		return ast.WalkSkipChildren, nil
	})
}

// RenderSummary renders a summary to HTML with its hints marked. Overlapping hints share one mark whose
// data-hints lists their indexes into hints.
func RenderSummary(summary string, hints []review.Hint) (string, error) {
	runes := []rune(strings.Map(func(r rune) rune {
		if r == markStart || r == markEnd {
			return '\uFFFD'
		}
		return r
	}, summary))
	type span struct {
		start, end int
		idx        []int
	}
	var spans []span
	for i, h := range hints {
		if h.Start < 0 || h.End > len(runes) || h.Start >= h.End {
			continue
		}
		if n := len(spans); n > 0 && h.Start < spans[n-1].end {
			spans[n-1].end = max(spans[n-1].end, h.End)
			spans[n-1].idx = append(spans[n-1].idx, i)
			continue
		}
		spans = append(spans, span{h.Start, h.End, []int{i}})
	}
	var src strings.Builder
	pos := 0
	for _, sp := range spans {
		src.WriteString(string(runes[pos:sp.start]))
		src.WriteRune(markStart)
		src.WriteString(string(runes[sp.start:sp.end]))
		src.WriteRune(markEnd)
		pos = sp.end
	}
	src.WriteString(string(runes[pos:]))
	var out bytes.Buffer
	if err := markdown.Convert([]byte(src.String()), &out); err != nil {
		return "", fmt.Errorf("render summary: %w", err)
	}
	html := out.String()
	var b strings.Builder
	k := 0
	for _, r := range html {
		switch r {
		case markStart:
			if k < len(spans) {
				sp := spans[k]
				rules := make([]string, len(sp.idx))
				ids := make([]string, len(sp.idx))
				for j, i := range sp.idx {
					rules[j] = "hint-" + cssIdent(hints[i].Rule)
					ids[j] = fmt.Sprint(i)
				}
				fmt.Fprintf(&b, `<mark class="hint %s sev-%s" data-hints="%s">`, strings.Join(rules, " "),
					cssIdent(string(hints[sp.idx[0]].Severity)), strings.Join(ids, ","))
			}
			k++
		case markEnd:
			b.WriteString("</mark>")
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// cssIdent keeps rule ids from a supervisor's rules file from breaking out of a class attribute.
func cssIdent(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, s)
}

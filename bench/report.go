package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// report collects the figures and writes them into the benchmark section of a Markdown file.
type report struct {
	cfg     config
	started time.Time
	total   time.Duration
	rows    []string
	notes   []string
	tables  []string
}

// add records a figure with its baseline (if any) and whether it meets its target.
func (r *report) add(name string, value float64, baseline string, baseValue float64, target string, ok bool) {
	ratio := ""
	base := ""
	if baseline != "" {
		base = fmt.Sprintf("%s: %s", baseline, num(baseValue))
		ratio = fmt.Sprintf("%.2f×", value/baseValue)
	}
	verdict := ""
	if target != "" {
		verdict = "met"
		if !ok {
			verdict = "**missed**"
		}
	}
	r.rows = append(r.rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %s |", name, num(value), base, ratio, target, verdict))
	fmt.Fprintf(os.Stderr, "bench: %s = %s %s %s\n", name, num(value), base, ratio)
}

func (r *report) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

func (r *report) table(title, body string) {
	r.tables = append(r.tables, "**"+title+"**\n\n"+body)
}

func num(v float64) string {
	switch {
	case v >= 1000:
		s := fmt.Sprintf("%.0f", v)
		var b strings.Builder
		for i, c := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		return b.String()
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func machine() string {
	cpu := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	mem := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
		if len(f) >= 2 {
			mem = f[1] + " kB"
		}
	}
	sqlite := "?"
	if out, err := exec.Command("sqlite3", "--version").Output(); err == nil {
		sqlite = strings.Fields(string(out))[0]
	}
	return fmt.Sprintf("%d CPUs (%s), %s memory, %s, %s/%s, sqlite3 shell %s", runtime.NumCPU(), cpu, mem,
		runtime.Version(), runtime.GOOS, runtime.GOARCH, sqlite)
}

// write replaces this size's section between its markers (or appends one) with this run's results; each size keeps
// a section of its own.
func (r *report) write(path string) error {
	beginMark := fmt.Sprintf("<!-- bench:begin %d -->", r.cfg.items)
	endMark := fmt.Sprintf("<!-- bench:end %d -->", r.cfg.items)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Scale: %d items (`go run ./bench --items %d`)\n\n", beginMark, r.cfg.items, r.cfg.items)
	fmt.Fprintf(&b, "Run on %s. Machine: %s. The whole run took %v.\n\n", r.started.Format("2006-01-02 15:04 MST"), machine(),
		r.total.Round(time.Second))
	b.WriteString("| figure | measured | baseline (same run, same data) | ratio | target | |\n|---|---|---|---|---|---|\n")
	b.WriteString(strings.Join(r.rows, "\n"))
	b.WriteString("\n\n")
	for _, n := range r.notes {
		b.WriteString("- " + n + "\n")
	}
	for _, t := range r.tables {
		b.WriteString("\n" + t + "\n")
	}
	b.WriteString(endMark + "\n")
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	doc := string(old)
	if doc == "" {
		doc = "# Benchmarks\n\n"
	}
	i, j := strings.Index(doc, beginMark), strings.Index(doc, endMark)
	if i >= 0 && j > i {
		doc = doc[:i] + b.String() + doc[j+len(endMark)+1:]
	} else {
		doc = strings.TrimRight(doc, "\n") + "\n\n" + b.String()
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}

package review

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Item is one company's generated summary with its source text and the judge's scores, as imported.
type Item struct {
	ID            string             `json:"id"`
	Company       string             `json:"company"`
	Source        string             `json:"source"`
	Summary       string             `json:"summary"`
	Scores        map[string]float64 `json:"scores"`
	Score         float64            `json:"score"`
	MaxScore      float64            `json:"max_score"`
	Generator     string             `json:"generator"`
	Judge         string             `json:"judge"`
	PromptVersion string             `json:"prompt_version"`
	Batch         string             `json:"batch"`
	Meta          map[string]any     `json:"meta,omitempty"`
}

// MaxIDLength and MaxTextLength bound what one record may carry, so that one bad row cannot exhaust memory or
// the database. A real company profile is a few hundred characters; its source text rarely exceeds a few hundred KB.
const (
	MaxIDLength   = 256
	MaxTextLength = 8 << 20
)

// Validate checks an item as a reader produced it. Errors are *FieldError naming the field.
func (it *Item) Validate() error {
	switch {
	case strings.TrimSpace(it.ID) == "":
		return &FieldError{"id", "missing or empty; every record needs a stable id such as a corporate number"}
	case len(it.ID) > MaxIDLength:
		return &FieldError{"id", "longer than " + strconv.Itoa(MaxIDLength) + " bytes"}
	case strings.TrimSpace(it.Summary) == "":
		return &FieldError{"summary", "missing or empty"}
	}
	for _, f := range [...]struct{ name, value string }{{"id", it.ID}, {"company", it.Company}, {"summary", it.Summary},
		{"source", it.Source}, {"batch", it.Batch}, {"generator", it.Generator}, {"judge", it.Judge},
		{"prompt_version", it.PromptVersion}} {
		if len(f.value) > MaxTextLength {
			return &FieldError{f.name, "longer than " + strconv.Itoa(MaxTextLength>>20) + " MB"}
		}
		if !utf8.ValidString(f.value) {
			return &FieldError{f.name, "not valid UTF-8; if the file comes from Excel, import it with --encoding shift_jis"}
		}
	}
	if err := checkPoints("score", it.Score); err != nil {
		return err
	}
	if math.IsNaN(it.MaxScore) || math.IsInf(it.MaxScore, 0) || it.MaxScore < 0 {
		return &FieldError{"max_score", "must be a positive number, got " + formatFloat(it.MaxScore)}
	}
	if it.MaxScore > 0 && it.Score > it.MaxScore {
		return &FieldError{"score", "total " + formatFloat(it.Score) + " is above max_score " + formatFloat(it.MaxScore)}
	}
	for _, c := range it.Criteria() {
		if strings.TrimSpace(c) == "" {
			return &FieldError{"scores", "a criterion has an empty name"}
		}
		if err := checkPoints("scores."+c, it.Scores[c]); err != nil {
			return err
		}
	}
	return nil
}

func checkPoints(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return &FieldError{field, "not a finite number"}
	}
	if v < 0 {
		return &FieldError{field, "negative score " + formatFloat(v)}
	}
	return nil
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Criteria returns the item's criterion names in sorted order.
func (it *Item) Criteria() []string {
	names := make([]string, 0, len(it.Scores))
	for c := range it.Scores {
		names = append(names, c)
	}
	sort.Strings(names)
	return names
}

// ContentHash identifies what a reviewer judged: the summary, the source and the scores. A re-imported record with
// the same hash changes nothing; a different hash makes a new revision.
func (it *Item) ContentHash() string {
	h := sha256.New()
	var n [8]byte
	write := func(s string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	write(it.Company)
	write(it.Summary)
	write(it.Source)
	for _, c := range it.Criteria() {
		write(c)
		write(formatFloat(it.Scores[c]))
	}
	write(formatFloat(it.Score))
	write(formatFloat(it.MaxScore))
	write(it.Generator)
	write(it.Judge)
	write(it.PromptVersion)
	write(it.Batch)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// SourceSHA256 is the hex SHA-256 of the source text, carried into the gold table so that a row can be traced to
// the crawl it came from.
func (it *Item) SourceSHA256() string {
	sum := sha256.Sum256([]byte(it.Source))
	return hex.EncodeToString(sum[:])
}

// SampleKey is a deterministic pseudo-random key for an id, used to draw stratified samples: the item with the
// lowest key in a band is a uniform random pick that is the same on every machine.
func SampleKey(id string) int64 {
	sum := sha256.Sum256([]byte(id))
	return int64(binary.BigEndian.Uint64(sum[:8]) >> 1)
}

package ingest

import (
	"fmt"
	"sort"
	"strings"
)

// field is a canonical record field.
type field int8

const (
	fID field = iota
	fCompany
	fSource
	fSummary
	fScores
	fScore
	fMaxScore
	fGenerator
	fJudge
	fPromptVersion
	fBatch
	fMeta
	numFields

	fCriterion field = -2 // one criterion's points; target.crit names it
	fExtra     field = -3 // an unknown column, kept in Item.Meta under its name
)

func (f field) String() string {
	switch f {
	case fID:
		return "id"
	case fCompany:
		return "company"
	case fSource:
		return "source"
	case fSummary:
		return "summary"
	case fScores:
		return "scores"
	case fScore:
		return "score"
	case fMaxScore:
		return "max_score"
	case fGenerator:
		return "generator"
	case fJudge:
		return "judge"
	case fPromptVersion:
		return "prompt_version"
	case fBatch:
		return "batch"
	case fMeta:
		return "meta"
	}
	return "?"
}

// aliases are the common alternative names of a field, tried when the canonical name is absent.
func (f field) aliases() []string {
	switch f {
	case fID:
		return []string{"corporate_number", "corp_number", "corp_no", "corporate_no", "houjin_bangou", "company_id"}
	case fCompany:
		return []string{"company_name", "name", "corp_name", "corporate_name"}
	case fSource:
		return []string{"source_text", "text", "input_text", "input", "crawled_text"}
	case fSummary:
		return []string{"generated_summary", "generated_text", "summary_text", "output_text", "output"}
	case fScores:
		return []string{"judge_scores", "criteria_scores", "criterion_scores"}
	case fScore:
		return []string{"total_score", "judge_score", "total"}
	case fMaxScore:
		return []string{"max_total", "score_max", "full_score"}
	case fGenerator:
		return []string{"generator_model", "model"}
	case fJudge:
		return []string{"judge_model"}
	case fPromptVersion:
		return []string{"prompt_id"}
	case fBatch:
		return []string{"batch_id"}
	}
	return nil
}

func allFieldNames() []string {
	names := make([]string, numFields)
	for f := field(0); f < numFields; f++ {
		names[f] = f.String()
	}
	return names
}

func fieldByName(name string) field {
	for f := field(0); f < numFields; f++ {
		if f.String() == name {
			return f
		}
	}
	return -1
}

// target says where a column's values go.
type target struct {
	field field
	crit  string // fCriterion
	name  string // fExtra: the column name
	// also are further fields fed by the same column (explicit mappings only).
	also []target
	// prio orders competing sources for one field within a record: an explicit mapping (3) beats the canonical
	// name (2), which beats an alias (1).
	prio int8
}

// normalizeName folds case and treats spaces and hyphens as underscores, so that "Total Score" matches
// total_score.
func normalizeName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}

// mapping resolves column names to targets.
type mapping struct {
	explicit map[string]target // column name (exact) -> target
	mapped   [numFields]bool   // field has an explicit mapping, so its canonical name and aliases are ordinary columns
	byField  map[string]string // canonical name -> column, as given
}

func newMapping(m map[string]string) (*mapping, error) {
	if err := checkMapKeys(m); err != nil {
		return nil, err
	}
	mp := &mapping{explicit: map[string]target{}, byField: m}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // so that which target is primary does not depend on map order
	for _, k := range keys {
		col := m[k]
		if crit, ok := strings.CutPrefix(k, "scores."); ok {
			t := target{field: fCriterion, crit: crit, prio: 3}
			if prev, dup := mp.explicit[col]; dup {
				prev.also = append(prev.also, t)
				mp.explicit[col] = prev
				continue
			}
			mp.explicit[col] = t
			continue
		}
		f := fieldByName(k)
		mp.mapped[f] = true
		if prev, dup := mp.explicit[col]; dup {
			// One column may feed several fields (a table with a single text column, say).
			prev.also = append(prev.also, target{field: f, prio: 3})
			mp.explicit[col] = prev
			continue
		}
		mp.explicit[col] = target{field: f, prio: 3}
	}
	// A column mapped to one field keeps its canonical role too ("score=id" leaves the id column the id), unless
	// that field is mapped elsewhere.
	for col, t := range mp.explicit {
		if f := fieldByName(normalizeName(col)); f >= 0 && !mp.mapped[f] && f != t.field {
			t.also = append(t.also, target{field: f, prio: 2})
			mp.explicit[col] = t
		}
	}
	return mp, nil
}

// resolve gives the target of one column name, independently of the other columns (JSONL keys arrive one at a
// time). Competing sources for one field are settled per record by prio.
func (m *mapping) resolve(col string) target {
	if t, ok := m.explicit[col]; ok {
		return t
	}
	n := normalizeName(col)
	for f := field(0); f < numFields; f++ {
		if m.mapped[f] {
			continue
		}
		if n == f.String() {
			return target{field: f, prio: 2}
		}
	}
	for f := field(0); f < numFields; f++ {
		if m.mapped[f] {
			continue
		}
		for _, a := range f.aliases() {
			if n == a {
				return target{field: f, prio: 1}
			}
		}
	}
	if crit, ok := strings.CutPrefix(n, "score_"); ok && crit != "" {
		return target{field: fCriterion, crit: crit, prio: 2}
	}
	if crit, ok := strings.CutPrefix(n, "scores."); ok && crit != "" {
		return target{field: fCriterion, crit: crit, prio: 2}
	}
	return target{field: fExtra, name: col}
}

// plan resolves a whole header (CSV, Parquet, Delta) at once: each field gets at most one column, preferring an
// explicit mapping, then the canonical name, then a single alias. A column that loses (a second alias, say)
// goes to Meta. It fails when an explicitly mapped column is missing, or when no column (or more than one
// alias and no canonical column) is found for a required field. where is the header's position (the file and
// line of a CSV header, the footer of a Parquet file, the log line of a Delta schema); an error starts with it
// and the field: "where: field: problem".
func (m *mapping) plan(where string, columns []string) ([]target, error) {
	present := map[string]bool{}
	for _, c := range columns {
		present[c] = true
	}
	var missing, fields []string
	for k, col := range m.byField {
		if !present[col] {
			missing = append(missing, fmt.Sprintf("%s (mapped to %s)", col, k))
			fields = append(fields, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		sort.Strings(fields)
		return nil, fmt.Errorf("%s: %s: mapped column %s not found; correct the --map; the columns are: %s",
			where, strings.Join(fields, ", "), strings.Join(missing, ", "), strings.Join(columns, ", "))
	}
	targets := make([]target, len(columns))
	var best [numFields]int
	var bestPrio [numFields]int8
	for f := range best {
		best[f] = -1
	}
	ambiguous := map[field][]string{}
	offer := func(f field, prio int8, i int) {
		if f < 0 || f >= numFields {
			return
		}
		switch {
		case best[f] < 0 || prio > bestPrio[f]:
			best[f], bestPrio[f] = i, prio
			delete(ambiguous, f)
		case prio == bestPrio[f] && prio == 1:
			ambiguous[f] = append(ambiguous[f], columns[best[f]], columns[i])
		}
	}
	for i, c := range columns {
		t := m.resolve(c)
		targets[i] = t
		offer(t.field, t.prio, i)
		for _, extra := range t.also {
			offer(extra.field, extra.prio, i)
		}
	}
	// Two aliases and no better column: neither is trusted (a required field then fails below).
	for f := range ambiguous {
		best[f] = -1
	}
	// Losers of each field are kept as Meta rather than dropped.
	for i, t := range targets {
		var also []target
		for _, extra := range t.also {
			if best[extra.field] == i {
				also = append(also, extra)
			}
		}
		t.also = also
		if t.field >= 0 && t.field < numFields && best[t.field] != i {
			if len(also) == 0 {
				t = target{field: fExtra, name: columns[i]}
			} else {
				t, t.also = also[0], also[1:]
			}
		}
		targets[i] = t
	}
	for _, f := range [...]field{fID, fSummary, fScore} {
		if best[f] >= 0 {
			continue
		}
		name := f.String()
		if cols, ok := ambiguous[f]; ok {
			return nil, fmt.Errorf("%s: %s: columns %s could each be %s; choose one with --map %s=COLUMN", where, name,
				strings.Join(uniq(cols), " and "), name, name)
		}
		return nil, fmt.Errorf("%s: %s: no column for required field %s (looked for %s); map it with --map %s=COLUMN; "+
			"the columns are: %s", where, name, name, strings.Join(append([]string{name}, f.aliases()...), ", "), name,
			strings.Join(columns, ", "))
	}
	return targets, nil
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

package review

import "math"

// ItemFilter selects items for the queue list. Zero values mean "any".
type ItemFilter struct {
	Status    []Status `json:"status,omitempty"`
	MinScore  *float64 `json:"min_score,omitempty"`
	MaxScore  *float64 `json:"max_score,omitempty"`
	Criterion string   `json:"criterion,omitempty"`
	MinPoints *float64 `json:"min_points,omitempty"`
	MaxPoints *float64 `json:"max_points,omitempty"`
	Rule      string   `json:"rule,omitempty"`
	Batch     string   `json:"batch,omitempty"`
	Reviewer  string   `json:"reviewer,omitempty"`
	Query     string   `json:"q,omitempty"`
	Changed   bool     `json:"changed,omitempty"`
	Sort      Sort     `json:"sort,omitempty"`
	Limit     int      `json:"limit,omitempty"`
	Offset    int      `json:"offset,omitempty"`
	// BlindTo is the reviewer the list is for when they must not learn other reviewers' first reviews ("" for
	// supervisors). An item waiting for a blind second review whose first review is someone else's matches as the
	// reviewer sees it: pending, decided by nobody, not changed since a decision. The server sets it, never a client.
	BlindTo string `json:"-"`
}

// Sort orders a list of items.
type Sort string

const (
	SortScoreDesc Sort = "-score"
	SortScoreAsc  Sort = "score"
	SortHints     Sort = "-hints"
	SortID        Sort = "id"
	SortUpdated   Sort = "-updated"
	SortImported  Sort = "imported"
)

// Sorts lists the sort orders a list accepts.
var Sorts = []Sort{SortScoreDesc, SortScoreAsc, SortHints, SortID, SortUpdated, SortImported}

// MaxPageSize bounds one page of a list.
const MaxPageSize = 500

// Normalize fills defaults and checks the filter.
func (f *ItemFilter) Normalize() error {
	if f.Sort == "" {
		f.Sort = SortScoreDesc
	}
	ok := false
	for _, s := range Sorts {
		ok = ok || s == f.Sort
	}
	if !ok {
		return Errorf(Invalid, "sort %q is not one of -score, score, -hints, id, -updated, imported", f.Sort)
	}
	for _, s := range f.Status {
		valid := false
		for _, x := range Statuses {
			valid = valid || s == x
		}
		if !valid {
			return Errorf(Invalid, "status %q is not one of pending, accepted, edited, rejected, skipped, auto_discarded, disputed", s)
		}
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > MaxPageSize {
		return Errorf(Invalid, "limit %d is above the page size limit %d", f.Limit, MaxPageSize)
	}
	if f.Offset < 0 {
		return Errorf(Invalid, "offset must not be negative")
	}
	if (f.MinPoints != nil || f.MaxPoints != nil) && f.Criterion == "" {
		return Errorf(Invalid, "min_points and max_points need a criterion")
	}
	for _, b := range []struct {
		name string
		v    *float64
	}{{"min_score", f.MinScore}, {"max_score", f.MaxScore}, {"min_points", f.MinPoints}, {"max_points", f.MaxPoints}} {
		if b.v != nil && (math.IsNaN(*b.v) || math.IsInf(*b.v, 0)) {
			return Errorf(Invalid, "%s must be a number, not %v", b.name, *b.v)
		}
	}
	return nil
}

// Page is one page of a filtered list.
type Page struct {
	Items []Record `json:"items"`
	Total int      `json:"total"`
	// TotalCapped says that Total stopped counting: there are at least that many matches.
	TotalCapped bool `json:"total_capped,omitempty"`
	Limit       int  `json:"limit"`
	Offset      int  `json:"offset"`
}

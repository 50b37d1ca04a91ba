package review

// Overlap is where an item stands in double review. A supervisor sets an overlap rate; that share of items goes,
// blind, to two different reviewers, and disagreements go to a supervisor.
type Overlap int

const (
	// Single: the item is reviewed once.
	Single Overlap = iota
	// AwaitingSecond: the first review is in; a second reviewer, who does not see it, is needed.
	AwaitingSecond
	// Agreed: both reviewers approved, or both rejected.
	Agreed
	// InDispute: the two reviewers disagreed; a supervisor decides.
	InDispute
	// Adjudicated: a supervisor decided a dispute.
	Adjudicated
)

// OverlapSelected reports whether an item with this sample key is one of the share rate of items that are double
// reviewed. It uses bits of the key that stratified sampling does not order by, so the two draws are independent.
func OverlapSelected(sampleKey int64, rate float64) bool {
	if rate <= 0 {
		return false
	}
	return float64((sampleKey>>20)%10000) < rate*10000
}

// NextOverlap says how a decision moves an item through double review, and the status and whether the new
// decision becomes the item's current one. first is the verdict of the review already in (for AwaitingSecond).
func NextOverlap(cur Overlap, selected bool, first, v Verdict) (next Overlap, status Status, current bool) {
	if v == Skipped {
		if cur == AwaitingSecond || cur == InDispute {
			return cur, "", false // a skipped second review or adjudication leaves the item as it was
		}
		return cur, Status(Skipped), true
	}
	switch cur {
	case Single:
		if selected && v.Reviewed() {
			return AwaitingSecond, Status(v), true
		}
		return Single, Status(v), true
	case AwaitingSecond:
		if first.Approved() == v.Approved() {
			return Agreed, Status(v), true
		}
		return InDispute, Disputed, false
	case InDispute:
		return Adjudicated, Status(v), true
	}
	return cur, Status(v), true
}

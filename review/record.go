package review

import "time"

// Record is an item as reviewdesk tracks it: the imported item plus its revision, status, hints and current
// decision.
type Record struct {
	Item
	// Revision counts imports that changed the item's content; decisions name the revision they judged.
	Revision int `json:"revision"`
	// Version changes with every change to the record (decision, undo, reopen, new revision); a decision made on
	// an older version is refused as a conflict.
	Version int64  `json:"version"`
	Status  Status `json:"status"`
	// Changed is set when a new revision arrives for an item that was already decided: the decision stands until a
	// supervisor reopens the item, but the queue shows the flag.
	Changed bool `json:"changed"`
	// Overlap is the item's place in double review.
	Overlap      Overlap   `json:"overlap"`
	Hints        []Hint    `json:"hints"`
	RulesVersion string    `json:"rules_version"`
	Decision     *Decision `json:"decision,omitempty"`
	Lease        *Lease    `json:"lease,omitempty"`
	ImportedAt   time.Time `json:"imported_at"`
}

// Lease says who holds an item and until when. Two reviewers never hold the same item; an expired lease returns
// the item to the queue.
type Lease struct {
	Reviewer string    `json:"reviewer"`
	Until    time.Time `json:"until"`
}

// Project is the configuration one review project works under.
type Project struct {
	Rubric  Rubric
	Reasons []Reason
	Queue   QueuePolicy
}

// NewProject returns a project with the default reasons and queue policy.
func NewProject(r Rubric) *Project {
	return &Project{Rubric: r, Reasons: DefaultReasons, Queue: DefaultQueuePolicy()}
}

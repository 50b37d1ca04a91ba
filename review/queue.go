package review

import (
	"encoding/json"
	"fmt"
	"time"
)

// Order is how the queue picks the next item.
type Order string

const (
	// ByScore serves the highest judge scores first: the items most likely to be released.
	ByScore Order = "score"
	// ByHints serves the items with the most hints first: the ones most likely wrong.
	ByHints Order = "hints"
	// Stratified draws a random item from the score band with the fewest reviews so far, so that supervisors can
	// measure yield in every band, not just the top one.
	Stratified Order = "stratified"
)

// Orders lists the queue orders.
var Orders = []Order{ByScore, ByHints, Stratified}

// QueuePolicy decides the next item for a reviewer.
type QueuePolicy struct {
	Order Order
	// Lease is how long a claimed item stays with its reviewer.
	Lease time.Duration
}

// DefaultQueuePolicy serves high scores first with a 30-minute lease.
func DefaultQueuePolicy() QueuePolicy { return QueuePolicy{Order: ByScore, Lease: 30 * time.Minute} }

// ParseOrder checks a queue order name.
func ParseOrder(s string) (Order, error) {
	for _, o := range Orders {
		if string(o) == s {
			return o, nil
		}
	}
	return "", Errorf(Invalid, "queue order %q is not one of score, hints, stratified", s)
}

// BandCount is the number of reviews and open items in one score band, which is what stratified sampling needs.
type BandCount struct {
	Band     int
	Reviewed int
	Open     int
}

// NextBand picks the band a stratified sample draws from: among bands with open items, the one with the fewest
// reviews, lowest band first on ties, so that every band's yield becomes measurable at the same pace.
func NextBand(bands []BandCount) (int, error) {
	best := -1
	for i, b := range bands {
		if b.Open == 0 {
			continue
		}
		if best < 0 || b.Reviewed < bands[best].Reviewed || (b.Reviewed == bands[best].Reviewed && b.Band < bands[best].Band) {
			best = i
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("next band: %w", Errorf(NotFound, "the queue is empty"))
	}
	return bands[best].Band, nil
}

type queueJSON struct {
	Order        Order   `json:"order"`
	LeaseMinutes float64 `json:"lease_minutes"`
}

// MarshalJSON writes the lease in minutes, the unit supervisors set it in.
func (q QueuePolicy) MarshalJSON() ([]byte, error) {
	return json.Marshal(queueJSON{q.Order, q.Lease.Minutes()})
}

// UnmarshalJSON reads the lease in minutes.
func (q *QueuePolicy) UnmarshalJSON(b []byte) error {
	var j queueJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	q.Order, q.Lease = j.Order, time.Duration(j.LeaseMinutes*float64(time.Minute))
	return nil
}

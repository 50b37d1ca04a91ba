package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"reviewdesk/review"
)

// TestBackupWhileWorkingAndRestore takes a backup while a reviewer keeps deciding, then restores it over a database
// that has moved on, and checks the restored one is exactly the snapshot.
func TestBackupWhileWorkingAndRestore(t *testing.T) {
	s, clk := openTest(t)
	ctx := context.Background()
	var items []review.Item
	for i := range 60 {
		items = append(items, testItem(i, float64(i%10)))
	}
	importItems(t, s, review.Rubric{}, items...)
	q := review.DefaultQueuePolicy()
	decideOne := func() {
		rec, err := s.Claim(ctx, "sato", q, "")
		if err != nil {
			t.Error(err)
			return
		}
		d := review.Decision{ItemID: rec.ID, Verdict: review.Accepted, FinalText: rec.Summary, Reviewer: "sato",
			Reasons: []string{}, StartedAt: clk.t, EndedAt: clk.t}
		if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil {
			t.Error(err)
		}
	}
	for range 10 {
		decideOne()
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // the reviewer keeps working during the backup
		defer wg.Done()
		for range 20 {
			select {
			case <-stop:
				return
			default:
				decideOne()
				time.Sleep(time.Millisecond)
			}
		}
	}()
	pages, err := s.Backup(ctx, backup)
	close(stop)
	wg.Wait()
	if err != nil || pages == 0 {
		t.Fatalf("backup: %d pages, %v", pages, err)
	}
	if err := CheckBackup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, backup, Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := b.StatusCounts(ctx)
	b.Close()
	if snap[review.Status(review.Accepted)] < 10 {
		t.Fatalf("backup holds %d accepted items, want at least the 10 decided before it", snap[review.Status(review.Accepted)])
	}
	for range 5 {
		decideOne()
	}
	live, _ := s.StatusCounts(ctx)
	if live[review.Status(review.Accepted)] == snap[review.Status(review.Accepted)] {
		t.Fatal("the live database should have moved on")
	}
	path := s.Path()
	s.Close()
	if _, err := Restore(ctx, backup, path); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, _ := r.StatusCounts(ctx)
	if fmt.Sprint(got) != fmt.Sprint(snap) {
		t.Fatalf("restored %v, backup held %v", got, snap)
	}
	if err := r.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestCheckBackupRefusesJunk(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	writeFile(junk, "not a database at all, but long enough to look like a header of one........")
	if err := CheckBackup(context.Background(), junk); err == nil {
		t.Fatal("a text file passed as a backup")
	}
	if err := CheckBackup(context.Background(), filepath.Join(dir, "missing.db")); err == nil {
		t.Fatal("a missing file passed as a backup")
	}
}

// TestBackupOverlapsWrites shows the backup is online: on a database big enough that copying it takes a while,
// decisions commit while the copy runs, without waiting for it, and the copy is a consistent snapshot between
// what was committed when it started and when it ended.
func TestBackupOverlapsWrites(t *testing.T) {
	s, clk := openTest(t)
	ctx := context.Background()
	var items []review.Item
	pad := strings.Repeat("株式会社テストは東京都で業務用ソフトウェアを開発しています。", 40)
	for i := range 3000 {
		it := testItem(i, float64(i%10))
		it.ID = fmt.Sprintf("2%012d", i)
		it.Source += pad
		items = append(items, it)
	}
	importItems(t, s, review.Rubric{}, items...)
	q := review.DefaultQueuePolicy()
	var accepted atomic.Int64
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			rec, err := s.Claim(ctx, "sato", q, "")
			if err != nil {
				done <- err
				return
			}
			d := review.Decision{ItemID: rec.ID, Verdict: review.Accepted, FinalText: rec.Summary, Reviewer: "sato",
				Reasons: []string{}, StartedAt: clk.t, EndedAt: clk.t}
			if _, err := s.SaveDecision(ctx, d, rec.Version); err != nil {
				done <- err
				return
			}
			accepted.Add(1)
		}
	}()
	backup := filepath.Join(t.TempDir(), "backup.db")
	overlapped := false
	for attempt := 0; attempt < 20 && !overlapped; attempt++ {
		before := accepted.Load()
		if _, err := s.Backup(ctx, backup); err != nil {
			t.Fatal(err)
		}
		after := accepted.Load()
		b, err := Open(ctx, backup, Options{})
		if err != nil {
			t.Fatal(err)
		}
		snap, _ := b.StatusCounts(ctx)
		b.Close()
		// A decision counted before the copy began is in it; one counted after it ended may not be.
		if got := int64(snap[review.Status(review.Accepted)]); got < before || got > after+1 {
			t.Fatalf("backup holds %d accepted items; %d were decided before it began and %d when it ended", got, before, after)
		}
		overlapped = after > before
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !overlapped {
		t.Fatal("no decision committed while any of 20 backups ran: the backup blocks writers")
	}
}

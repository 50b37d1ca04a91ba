package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"reviewdesk/review"
)

func TestStepMessage(t *testing.T) {
	cases := []struct {
		name string
		step Step
		want string
	}{
		{"import file", Step{Code: StepImportFile, File: "a.jsonl", Counts: map[string]int64{"added": 3, "unchanged": 1, "records": 4, "per_second": 1500}},
			"a.jsonl: 3 added, 1 unchanged, 1500 items/s"},
		{"import done", Step{Code: StepImportDone, File: "a.jsonl", Counts: map[string]int64{"added": 3}}, "a.jsonl: done"},
		{"gold rows", Step{Code: StepExportGold}, "exporting gold rows"},
		{"decisions", Step{Code: StepExportDecisions}, "exporting decisions"},
		{"exported", Step{Code: StepExportDone}, "exported"},
		{"rescore", Step{Code: StepRescore, Model: "m", Counts: map[string]int64{"scored": 2}}, "rescoring with m: 2 scored, 0 failed"},
		{"unknown code", Step{Code: "later.step"}, "later.step"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.step.Message(); got != c.want {
				t.Errorf("Message() = %q, want %q", got, c.want)
			}
		})
	}
}

// waitJob polls a job until it is no longer running.
func waitJob(t *testing.T, svc *Service, id string) Job {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := svc.Job(id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State != "running" {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still running", id)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestJobStep(t *testing.T) {
	t.Run("an export job ends on its done step, with the English message beside it", func(t *testing.T) {
		svc := testService(t, 3)
		dir := t.TempDir()
		job := svc.startJob("export", "rows", func(ctx context.Context, progress progressFunc) (any, error) {
			return svc.ExportGold(ctx, GoldExport{Dir: filepath.Join(dir, "gold"), Format: "jsonl", Actor: "sato"}, progress)
		})
		j := waitJob(t, svc, job.ID)
		if j.State != "done" {
			t.Fatalf("state %s: %s", j.State, j.Error)
		}
		if j.Step == nil || j.Step.Code != StepExportDone {
			t.Errorf("step = %+v, want code %s", j.Step, StepExportDone)
		}
		if j.Message != "exported" {
			t.Errorf("message = %q, want the CLI's English line", j.Message)
		}
	})

	t.Run("the CLI's progress gets the English line without a job", func(t *testing.T) {
		var got []string
		report(context.Background(), func(done, total int64, msg string) { got = append(got, msg) }, 1, 2,
			Step{Code: StepRescore, Model: "m", Counts: map[string]int64{"scored": 1, "failed": 0}})
		report(context.Background(), nil, 1, 2, Step{Code: StepExportDone}) // no progress: nothing to call
		if len(got) != 1 || got[0] != "rescoring with m: 1 scored, 0 failed" {
			t.Errorf("progress lines = %q", got)
		}
	})

	t.Run("a failed job says its error code", func(t *testing.T) {
		svc := testService(t, 0)
		job := svc.startJob("import", "bytes", func(ctx context.Context, progress progressFunc) (any, error) {
			return nil, review.Errorf(review.Invalid, "a.jsonl:2: summary: missing")
		})
		j := waitJob(t, svc, job.ID)
		if j.State != "failed" || j.Code != review.Invalid || j.Error != "a.jsonl:2: summary: missing" {
			t.Errorf("job = state %s, code %q, error %q", j.State, j.Code, j.Error)
		}
	})
}

package llm

import (
	"context"
	"sync"

	"reviewdesk/review"
)

// RescoreBatch rescores jobs with Config.Concurrency workers, within the rate limits, until jobs is closed or ctx
// ends. Each finished job sends one result, failures included (Err set); a job cut short by ctx sends none, so a
// caller that records results by item, model and template version resumes by feeding only the rest. It does not
// close results, and returns ctx's error if ctx ended the batch.
func (c *Client) RescoreBatch(ctx context.Context, jobs <-chan review.JudgeJob, results chan<- review.JudgeResult) error {
	if c.api() == nil {
		return &Error{Op: "rescore batch", Reason: NotConfigured, Detail: c.help}
	}
	var wg sync.WaitGroup
	for range c.cfg.Concurrency {
		wg.Go(func() {
			for {
				var job review.JudgeJob
				var ok bool
				select {
				case <-ctx.Done():
					return
				case job, ok = <-jobs:
					if !ok {
						return
					}
				}
				r, err := c.Rescore(ctx, job.Input)
				if err != nil && ctx.Err() != nil {
					return
				}
				select {
				case results <- review.JudgeResult{ItemID: job.ItemID, Rescore: r, Err: err}:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

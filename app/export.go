package app

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"reviewdesk/exporter"
	"reviewdesk/review"
	"reviewdesk/store"
)

// GoldExport asks for an export of the gold table.
type GoldExport struct {
	// Dir is the Delta table's directory, or for the other formats the directory that gets gold.<format>.
	Dir string
	// Format is delta (the default, incremental), parquet, csv or jsonl (whole snapshots).
	Format string
	// BOM starts a CSV file with a UTF-8 byte order mark, for Excel.
	BOM   bool
	Actor string
	// Untracked writes a new Delta table with every approved row and keeps no bookkeeping: for exports to a
	// temporary directory that is downloaded and thrown away.
	Untracked bool
	Layout    exporter.Layout
	// Hook is called at each step of a Delta export (exporter steps, and "synced" once the bookkeeping matches the
	// table); an error stops the export there as a crash would. For tests.
	Hook func(step string) error
}

// ExportResult is what an export did.
type ExportResult struct {
	Kind   string `json:"kind"`
	Format string `json:"format"`
	// Path is the table directory or the file written.
	Path string `json:"path"`
	// Rows is how many rows the table or file holds after the export.
	Rows int64 `json:"rows"`
	// RowsAdded and RowsRemoved count the rows this export wrote and took out (corrections).
	RowsAdded   int64 `json:"rows_added"`
	RowsRemoved int64 `json:"rows_removed"`
	Files       int   `json:"files"`
	// Version and Txn are the Delta table version and txn version after the export.
	Version int64 `json:"version"`
	Txn     int64 `json:"txn"`
	// Recovered is set when an earlier export had committed to the table without finishing its bookkeeping (it
	// crashed or was killed): its commit was recognised by its txn and not written again.
	Recovered bool `json:"recovered"`
	// Skipped counts decisions a JSON Lines dataset left out for lack of a text it needs.
	Skipped       int64   `json:"skipped,omitempty"`
	Seconds       float64 `json:"seconds"`
	RowsPerSecond float64 `json:"rows_per_second"`
}

// ExportGold writes the approved rows to the gold table. A Delta export adds the decisions made since the last
// export and corrects rows whose items changed since (reopened, decided again, undone, revised), in one commit; the
// other formats write a whole snapshot file each time.
func (s *Service) ExportGold(ctx context.Context, opts GoldExport, progress progressFunc) (ExportResult, error) {
	start := time.Now()
	if opts.Format == "" {
		opts.Format = "delta"
	}
	if !slices.Contains(exporter.GoldFormats, opts.Format) {
		return ExportResult{}, review.Errorf(review.Invalid, "format %q: use one of delta, parquet, csv, jsonl", opts.Format)
	}
	if opts.Dir == "" {
		return ExportResult{}, review.Errorf(review.Invalid, "export gold: name the directory to export to")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return ExportResult{}, fmt.Errorf("export gold: %w", err)
	}
	if progress == nil {
		progress = func(int64, int64, string) {}
	}
	total, err := s.st.CountGold(ctx)
	if err != nil {
		return ExportResult{}, err
	}
	res := ExportResult{Kind: "gold", Format: opts.Format, Path: dir}
	var done int64
	count := func() {
		done++
		if done%4096 == 0 {
			report(ctx, progress, done, total, Step{Code: StepExportGold})
		}
	}
	if opts.Format == "delta" {
		if opts.Untracked {
			err = s.exportGoldUntracked(ctx, dir, opts, count, &res)
		} else {
			err = s.exportGoldDelta(ctx, dir, opts, count, &res)
		}
	} else {
		res.Path = filepath.Join(dir, "gold."+opts.Format)
		res.RowsAdded, err = exporter.WriteGoldSnapshot(ctx, res.Path, opts.Format,
			exporter.SnapshotOptions{Now: s.now, BOM: opts.BOM, Layout: opts.Layout},
			func(fn func(*exporter.GoldRow) error) error { return s.st.GoldRows(ctx, toExporter(count, fn)) })
		res.Rows, res.Files = res.RowsAdded, 1
	}
	if err != nil {
		return res, err
	}
	report(ctx, progress, done, total, Step{Code: StepExportDone})
	finish(&res, start)
	if err := s.st.Audit(ctx, opts.Actor, "export", res.Path, res); err != nil {
		return res, err
	}
	return res, nil
}

func finish(res *ExportResult, start time.Time) {
	res.Seconds = time.Since(start).Seconds()
	if res.Seconds > 0 {
		res.RowsPerSecond = float64(res.RowsAdded) / res.Seconds
	}
}

// appID is the Delta txn appId of this database's exports of one kind to one directory.
func appID(kind, dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return "reviewdesk-" + kind + "-" + hex.EncodeToString(sum[:8])
}

// maxExportAttempts bounds how often an export starts over after another writer committed first.
const maxExportAttempts = 5

func (s *Service) exportGoldDelta(ctx context.Context, dir string, opts GoldExport, count func(), res *ExportResult) error {
	target, err := s.st.ExportTarget(ctx, "gold:"+dir, appID("gold", dir))
	if err != nil {
		return err
	}
	hook := func(step string) error {
		if opts.Hook == nil {
			return nil
		}
		if err := opts.Hook(step); err != nil {
			return fmt.Errorf("export stopped at %s: %w", step, err)
		}
		return nil
	}
	xopts := exporter.Options{Now: s.now, Layout: opts.Layout}
	if opts.Hook != nil {
		xopts.Hook = func(st exporter.Step) error { return opts.Hook(string(st)) }
	}
	tbl, err := exporter.OpenGoldTable(ctx, dir, target.AppID, xopts)
	if err != nil {
		return review.Errorf(review.Invalid, "%v", err)
	}
	res.Recovered = tbl.Txn() > target.Txn
	for attempt := 1; ; attempt++ {
		if err := s.syncGold(ctx, tbl, target.ID, time.Time{}); err != nil {
			return err
		}
		if err := hook("synced"); err != nil {
			return err
		}
		c, err := tbl.Update(ctx, tbl.Txn()+1, func(stale func(id, file string) error, fresh func(*exporter.GoldRow) error) error {
			return s.st.GoldChanges(ctx, target.ID, stale, toExporter(count, fresh))
		})
		if errors.Is(err, exporter.ErrConflict) && attempt < maxExportAttempts {
			s.log.Info("export: another writer committed first; starting over", "table", dir, "attempt", attempt)
			if err := tbl.Refresh(ctx); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if c.Committed {
			if err := s.syncGold(ctx, tbl, target.ID, s.now()); err != nil {
				return err
			}
		}
		res.RowsAdded, res.RowsRemoved = c.RowsAdded, c.RowsRemoved
		break
	}
	res.Version, res.Txn = tbl.Version(), tbl.Txn()
	for _, n := range tbl.Files() {
		res.Rows += n
		res.Files++
	}
	return nil
}

// syncGold brings the database's record of what the table holds up to the table's newest version: rows of files
// the table no longer has go, rows of files it gained are read from them. This is how the bookkeeping of an
// export that crashed after its commit is finished, and how a table changed by others (or a database restored
// from a backup) is caught up with.
func (s *Service) syncGold(ctx context.Context, tbl *exporter.GoldTable, target int64, exportedAt time.Time) error {
	known, err := s.st.GoldFiles(ctx, target)
	if err != nil {
		return err
	}
	live := tbl.Files()
	var removed, added []string
	for _, f := range slices.Sorted(maps.Keys(known)) {
		if _, ok := live[f]; !ok {
			removed = append(removed, f)
		}
	}
	for _, f := range slices.Sorted(maps.Keys(live)) {
		if _, ok := known[f]; !ok {
			added = append(added, f)
		}
	}
	if len(removed) == 0 && len(added) == 0 && exportedAt.IsZero() {
		return nil
	}
	return s.st.SyncGold(ctx, store.GoldSync{Target: target, Version: tbl.Version(), Txn: tbl.Txn(), Removed: removed,
		Added: added, ExportedAt: exportedAt}, func(file string, put func(store.GoldKey) error) error {
		return tbl.ReadKeys(ctx, file, func(id string, decision, version int64) error {
			return put(store.GoldKey{ID: id, Decision: decision, Version: version})
		})
	})
}

// exportGoldUntracked writes a new table holding every approved row, without bookkeeping.
func (s *Service) exportGoldUntracked(ctx context.Context, dir string, opts GoldExport, count func(), res *ExportResult) error {
	tbl, err := exporter.OpenGoldTable(ctx, dir, appID("gold", dir), exporter.Options{Now: s.now, Layout: opts.Layout})
	if err != nil {
		return review.Errorf(review.Invalid, "%v", err)
	}
	if tbl.Version() >= 0 {
		return review.Errorf(review.Invalid, "export gold: %s already holds a table", dir)
	}
	c, err := tbl.Update(ctx, 1, func(_ func(id, file string) error, fresh func(*exporter.GoldRow) error) error {
		return s.st.GoldRows(ctx, toExporter(count, fresh))
	})
	if err != nil {
		return err
	}
	res.RowsAdded, res.Rows, res.Files, res.Version, res.Txn = c.RowsAdded, c.RowsAdded, c.FilesAdded, c.Version, c.Txn
	return nil
}

// toExporter hands the store's gold rows to an exporter writer's fn as exporter rows, counting each. The exporter
// row is reused from one call to the next: fn copies what it keeps.
func toExporter(count func(), fn func(*exporter.GoldRow) error) func(*store.GoldRow) error {
	var row exporter.GoldRow
	return func(r *store.GoldRow) error {
		count()
		fillGoldRow(&row, r)
		return fn(&row)
	}
}

func fillGoldRow(dst *exporter.GoldRow, r *store.GoldRow) {
	*dst = exporter.GoldRow{
		ID: r.ID, Company: r.Company, Summary: r.Summary, OriginalSummary: r.OriginalSummary, Verdict: string(r.Verdict),
		Edited: r.Verdict == review.Edited, JudgeScore: r.Score, JudgeMaxScore: r.MaxScore, JudgeScores: r.Scores,
		Checks: r.Checks, ReasonCodes: r.Reasons, Reviewer: r.Reviewer, ReviewedAt: r.ReviewedAt.UTC(),
		ReviewSeconds: r.Seconds, RulesVersion: r.RulesVersion, HintRules: r.HintRules, Batch: r.Batch,
		SourceSHA256: r.SourceSHA256, Generator: r.Generator, Judge: r.Judge, PromptVersion: r.PromptVersion,
		DecisionID: r.DecisionID, ItemVersion: r.ItemVersion,
	}
	if dst.JudgeScores == nil {
		dst.JudgeScores = map[string]float64{}
	}
	if dst.Checks == nil {
		dst.Checks = map[string]bool{}
	}
	if dst.ReasonCodes == nil {
		dst.ReasonCodes = []string{}
	}
	if dst.HintRules == nil {
		dst.HintRules = []string{}
	}
}

// FeedbackExport asks for a feedback dataset.
type FeedbackExport struct {
	// Dir gets decisions/ (a Delta table) or decisions.parquet for kind all, and <kind>.jsonl for the others.
	Dir string
	// Kind is all (every decision), sft, dpo or judge.
	Kind string
	// Format is delta (the default) or parquet, for kind all.
	Format  string
	Prompts exporter.Prompts
	Actor   string
	Layout  exporter.Layout
}

// ExportFeedback writes one feedback dataset. Each is rewritten whole from the current database: decisions are
// undone and superseded, so a dataset is a snapshot, written atomically (a Delta commit that replaces every file,
// or a file renamed into place).
func (s *Service) ExportFeedback(ctx context.Context, opts FeedbackExport, progress progressFunc) (ExportResult, error) {
	start := time.Now()
	if opts.Kind == "" {
		opts.Kind = "all"
	}
	if !slices.Contains(exporter.FeedbackKinds, opts.Kind) {
		return ExportResult{}, review.Errorf(review.Invalid, "kind %q: use one of all, sft, dpo, judge", opts.Kind)
	}
	if opts.Format == "" {
		opts.Format = "delta"
		if opts.Kind != "all" {
			opts.Format = "jsonl"
		}
	}
	switch {
	case opts.Kind == "all" && opts.Format != "delta" && opts.Format != "parquet":
		return ExportResult{}, review.Errorf(review.Invalid, "format %q: the decisions dataset is delta or parquet", opts.Format)
	case opts.Kind != "all" && opts.Format != "jsonl":
		return ExportResult{}, review.Errorf(review.Invalid, "format %q: the %s dataset is JSON Lines", opts.Format, opts.Kind)
	}
	if opts.Dir == "" {
		return ExportResult{}, review.Errorf(review.Invalid, "export feedback: name the directory to export to")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return ExportResult{}, fmt.Errorf("export feedback: %w", err)
	}
	if opts.Prompts == (exporter.Prompts{}) {
		opts.Prompts = exporter.DefaultPrompts()
	}
	if progress == nil {
		progress = func(int64, int64, string) {}
	}
	var done int64
	rows := func(q store.DecisionQuery) exporter.Rows[exporter.DecisionRecord] {
		return func(fn func(*exporter.DecisionRecord) error) error {
			var rec exporter.DecisionRecord
			return s.st.DecisionRows(ctx, q, func(r *store.DecisionRow) error {
				if done++; done%4096 == 0 {
					report(ctx, progress, done, 0, Step{Code: StepExportDecisions})
				}
				fillDecisionRecord(&rec, r)
				return fn(&rec)
			})
		}
	}
	res := ExportResult{Kind: "feedback-" + opts.Kind, Format: opts.Format}
	switch {
	case opts.Format == "delta":
		res.Path = filepath.Join(dir, "decisions")
		c, err := exporter.WriteDecisionsTable(ctx, res.Path, appID("decisions", res.Path),
			exporter.Options{Now: s.now, Layout: opts.Layout}, rows(store.DecisionQuery{}))
		if err != nil {
			return res, err
		}
		res.Rows, res.RowsAdded, res.RowsRemoved, res.Files, res.Version, res.Txn = c.RowsAdded, c.RowsAdded, c.RowsRemoved,
			c.FilesAdded, c.Version, c.Txn
	case opts.Format == "parquet":
		res.Path = filepath.Join(dir, "decisions.parquet")
		if res.RowsAdded, err = exporter.WriteDecisionsParquet(ctx, res.Path, exporter.SnapshotOptions{Now: s.now, Layout: opts.Layout},
			rows(store.DecisionQuery{})); err != nil {
			return res, err
		}
		res.Rows, res.Files = res.RowsAdded, 1
	default:
		res.Path = filepath.Join(dir, opts.Kind+".jsonl")
		c, err := exporter.WriteFeedbackJSONL(ctx, res.Path, opts.Kind, opts.Prompts,
			rows(store.DecisionQuery{Current: true, Source: opts.Kind != "judge"}))
		if err != nil {
			return res, err
		}
		res.Rows, res.RowsAdded, res.Skipped, res.Files = c.Written, c.Written, c.Skipped, 1
	}
	report(ctx, progress, done, done, Step{Code: StepExportDone})
	finish(&res, start)
	if err := s.st.Audit(ctx, opts.Actor, "export", res.Path, res); err != nil {
		return res, err
	}
	return res, nil
}

func fillDecisionRecord(dst *exporter.DecisionRecord, r *store.DecisionRow) {
	*dst = exporter.DecisionRecord{
		DecisionID: r.DecisionID, ID: r.ID, Company: r.Company, Revision: int64(r.Revision), Verdict: string(r.Verdict),
		Current: r.Current, UndoneAt: r.UndoneAt, FinalText: r.FinalText, OriginalSummary: r.OriginalSummary,
		Edited: r.Verdict == review.Edited, JudgeScore: r.Score, JudgeMaxScore: r.MaxScore, JudgeScores: r.Scores,
		ReasonCodes: r.Reasons, Checks: r.Checks, Comment: r.Comment, Reviewer: r.Reviewer, StartedAt: r.StartedAt.UTC(),
		ReviewedAt: r.EndedAt.UTC(), ReviewSeconds: r.Seconds, RulesVersion: r.RulesVersion, HintRules: r.HintRules,
		Hints: r.Hints, Batch: r.Batch, SourceSHA256: r.SourceSHA256, Generator: r.Generator, Judge: r.Judge,
		PromptVersion: r.PromptVersion, Source: r.Source,
	}
	if dst.JudgeScores == nil {
		dst.JudgeScores = map[string]float64{}
	}
	if dst.Checks == nil {
		dst.Checks = map[string]bool{}
	}
	if dst.ReasonCodes == nil {
		dst.ReasonCodes = []string{}
	}
	if dst.HintRules == nil {
		dst.HintRules = []string{}
	}
}

// exportRequest is POST /api/exports.
type exportRequest struct {
	Kind         string `json:"kind"`
	Format       string `json:"format,omitempty"`
	FeedbackKind string `json:"feedback_kind,omitempty"`
	To           string `json:"to,omitempty"`
	BOM          bool   `json:"bom,omitempty"`
}

// handleExport starts an export job. With "to" (only where the server may write local files: the desktop window)
// it writes there, incrementally for a Delta gold table; without, it writes to a temporary directory that
// GET /api/exports/{job}/download then streams.
func (s *Service) handleExport(w http.ResponseWriter, r *http.Request) error {
	var req exportRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.To != "" && !s.cfg.LocalFiles {
		return review.Errorf(review.Forbidden, "this server does not write files to its own disk; leave out \"to\" and download the export")
	}
	if req.Kind != "gold" && req.Kind != "feedback" {
		return review.Errorf(review.Invalid, "kind %q: use gold or feedback", req.Kind)
	}
	// Check the choices now, so that a bad request gets 400 rather than a failed job.
	if req.Kind == "gold" && req.Format != "" && !slices.Contains(exporter.GoldFormats, req.Format) {
		return review.Errorf(review.Invalid, "format %q: use one of delta, parquet, csv, jsonl", req.Format)
	}
	if req.Kind == "feedback" && req.FeedbackKind != "" && !slices.Contains(exporter.FeedbackKinds, req.FeedbackKind) {
		return review.Errorf(review.Invalid, "feedback_kind %q: use one of all, sft, dpo, judge", req.FeedbackKind)
	}
	dir, temporary := req.To, req.To == ""
	var tempDir string
	if temporary {
		s.removeTemp(false)
		var err error
		if tempDir, err = os.MkdirTemp("", "reviewdesk-export-"); err != nil {
			return err
		}
		dir = tempDir
		if req.Kind == "gold" && (req.Format == "" || req.Format == "delta") {
			dir = filepath.Join(dir, "gold")
		}
	}
	actor := identity(r).User
	job := s.startJob("export", "rows", func(ctx context.Context, progress progressFunc) (any, error) {
		var res ExportResult
		var err error
		if req.Kind == "gold" {
			res, err = s.ExportGold(ctx, GoldExport{Dir: dir, Format: req.Format, BOM: req.BOM, Actor: actor, Untracked: temporary}, progress)
		} else {
			res, err = s.ExportFeedback(ctx, FeedbackExport{Dir: dir, Kind: req.FeedbackKind, Format: req.Format, Actor: actor}, progress)
		}
		if err != nil && temporary {
			// Nobody can download a failed export: leave nothing half-written behind.
			os.RemoveAll(tempDir)
		}
		return res, err
	})
	if temporary {
		s.keepTemp(job.ID, tempDir)
	}
	return writeJSON(w, http.StatusAccepted, job)
}

// handleExportDownload streams what a finished export job wrote: a file as it is, a directory (a Delta table) as a
// zip archive.
func (s *Service) handleExportDownload(w http.ResponseWriter, r *http.Request) error {
	job, err := s.Job(r.PathValue("job"))
	if err != nil {
		return err
	}
	res, ok := job.Result.(ExportResult)
	if job.Kind != "export" || !ok || job.State != "done" {
		if job.State == "running" {
			return review.Errorf(review.Conflict, "export %s is still running; poll GET /api/jobs/%s", job.ID, job.ID)
		}
		return review.Errorf(review.NotFound, "job %s is not a finished export", job.ID)
	}
	info, err := os.Stat(res.Path)
	if err != nil {
		return review.Errorf(review.NotFound, "export %s: its files are gone (a download is kept %d hours after the export ends, and until the server stops); export again", job.ID, int(downloadTTL.Hours()))
	}
	if !info.IsDir() {
		// ServeFile guesses from the extension, and Go knows neither JSON Lines nor Parquet.
		switch filepath.Ext(res.Path) {
		case ".jsonl":
			w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		case ".parquet":
			w.Header().Set("Content-Type", "application/vnd.apache.parquet")
		case ".csv":
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		}
		w.Header().Set("Content-Disposition", `attachment; filename="`+filepath.Base(res.Path)+`"`)
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFile(w, r, res.Path)
		return nil
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filepath.Base(res.Path)+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := zipDir(w, res.Path); err != nil {
		s.log.Warn("export download failed", "job", job.ID, "err", err)
	}
	return nil
}

// zipDir writes a directory tree as a zip archive whose entries are under the directory's name. Parquet files are
// compressed already, so entries are stored, not deflated.
func zipDir(w io.Writer, dir string) error {
	zw := zip.NewWriter(w)
	base := filepath.Base(dir)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if filepath.Base(rel)[0] == '.' {
			return nil // temporary files of an interrupted write
		}
		method := zip.Deflate
		if filepath.Ext(p) == ".parquet" {
			method = zip.Store
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		zf, err := zw.CreateHeader(&zip.FileHeader{Name: filepath.ToSlash(filepath.Join(base, rel)), Method: method})
		if err != nil {
			return err
		}
		_, err = io.Copy(zf, f)
		return err
	})
	if err != nil {
		return err
	}
	return zw.Close()
}

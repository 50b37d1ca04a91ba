//go:build !server

package app

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPlaceExport(t *testing.T) {
	var d Dialogs
	t.Run("the exported file reaches the chosen name and the staging directory goes", func(t *testing.T) {
		root := t.TempDir()
		dest := filepath.Join(root, "mine.csv")
		other := filepath.Join(root, "gold.csv")
		if err := os.WriteFile(other, []byte("an older export"), 0o644); err != nil {
			t.Fatal(err)
		}
		dir, err := d.StageExport(dest)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(dir) != root {
			t.Fatalf("staged in %s, want beside %s", dir, dest)
		}
		if err := os.WriteFile(filepath.Join(dir, "gold.csv"), []byte("id\n1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := d.PlaceExport(dir, dest); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(dest); err != nil || string(b) != "id\n1\n" {
			t.Errorf("dest holds %q, %v", b, err)
		}
		if b, _ := os.ReadFile(other); string(b) != "an older export" {
			t.Errorf("a file of the export's own name beside dest was touched: %q", b)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("staging directory left behind: %v", err)
		}
	})
	t.Run("without a destination only the staging directory goes", func(t *testing.T) {
		dir, err := d.StageExport(filepath.Join(t.TempDir(), "x.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.PlaceExport(dir, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("staging directory left behind: %v", err)
		}
	})
	t.Run("any other directory is refused and left alone", func(t *testing.T) {
		dir := t.TempDir()
		if err := d.PlaceExport(dir, ""); err == nil {
			t.Error("a directory that StageExport did not make was accepted")
		}
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("the directory was touched: %v", err)
		}
		if _, err := d.StageExport("relative.csv"); err == nil {
			t.Error("a relative destination was accepted")
		}
	})
}

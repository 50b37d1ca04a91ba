//go:build !server

package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// DesktopAvailable reports whether this binary has the desktop window (it is left out with -tags server).
const DesktopAvailable = true

// RunDesktop opens the desktop window on handler, the same handler `serve` gives browsers, and blocks until the
// window closes. A server URL connects the window to a team server from the start.
func RunDesktop(title string, handler http.Handler, server string) error {
	sw := NewSwitch(handler)
	if server != "" {
		if err := sw.Connect(context.Background(), server); err != nil {
			return err
		}
	}
	d := &Dialogs{sw: sw}
	return wails.Run(&options.App{
		Title:            title,
		Width:            1360,
		Height:           860,
		MinWidth:         960,
		MinHeight:        600,
		BackgroundColour: &options.RGBA{R: 248, G: 247, B: 244, A: 255},
		AssetServer:      &assetserver.Options{Handler: sw},
		OnStartup:        func(ctx context.Context) { d.ctx = ctx },
		Bind:             []any{d},
	})
}

// Dialogs are what the window does that a browser cannot: native file dialogs, whose chosen paths the frontend then
// hands to the same HTTP API, and switching between the local database and a team server.
type Dialogs struct {
	ctx context.Context
	sw  *Switch
}

// Connect sends the window's work to a team server and reloads the UI from it.
func (d *Dialogs) Connect(server string) error {
	if err := d.sw.Connect(d.ctx, server); err != nil {
		return err
	}
	runtime.WindowReloadApp(d.ctx)
	return nil
}

// Disconnect returns the window to the local database.
func (d *Dialogs) Disconnect() error {
	if err := d.sw.Disconnect(); err != nil {
		return err
	}
	runtime.WindowReloadApp(d.ctx)
	return nil
}

// Server is the team server the window works on, "" for the local database.
func (d *Dialogs) Server() string { return d.sw.Server() }

// HasLocal reports whether the window has a local database to go back to (not when started with --server).
func (d *Dialogs) HasLocal() bool { return d.sw.HasLocal() }

// OpenImportFile asks for a file to import.
func (d *Dialogs) OpenImportFile() (string, error) {
	return runtime.OpenFileDialog(d.ctx, runtime.OpenDialogOptions{
		Title: "Import",
		Filters: []runtime.FileFilter{
			{DisplayName: "JSONL, CSV, Parquet", Pattern: "*.jsonl;*.ndjson;*.csv;*.parquet"},
			{DisplayName: "All files", Pattern: "*"},
		},
	})
}

// OpenImportDir asks for a directory to import, such as a Delta Lake table.
func (d *Dialogs) OpenImportDir() (string, error) {
	return runtime.OpenDirectoryDialog(d.ctx, runtime.OpenDialogOptions{Title: "Import a Delta Lake table"})
}

// ChooseExportDir asks where an export goes.
func (d *Dialogs) ChooseExportDir() (string, error) {
	return runtime.OpenDirectoryDialog(d.ctx, runtime.OpenDialogOptions{Title: "Export to", CanCreateDirectories: true})
}

// ChooseSaveFile asks where to save a file such as a report or a one-file export, offering files of name's kind.
func (d *Dialogs) ChooseSaveFile(name string) (string, error) {
	opts := runtime.SaveDialogOptions{Title: "Save as", DefaultFilename: name, CanCreateDirectories: true}
	if ext := filepath.Ext(name); ext != "" {
		opts.Filters = []runtime.FileFilter{
			{DisplayName: strings.ToUpper(ext[1:]), Pattern: "*" + ext},
			{DisplayName: "All files", Pattern: "*"},
		}
	}
	return runtime.SaveFileDialog(d.ctx, opts)
}

const stagePrefix = ".reviewdesk-export-"

// StageExport makes a hidden directory beside dest for a one-file export to write into: the export API writes into
// a directory under a name of its own, and this way the file reaches the name the reviewer chose (PlaceExport) only
// once it is whole, without touching anything else in that directory.
func (d *Dialogs) StageExport(dest string) (string, error) {
	if !filepath.IsAbs(dest) {
		return "", fmt.Errorf("stage export: %q is not an absolute path", dest)
	}
	return os.MkdirTemp(filepath.Dir(dest), stagePrefix)
}

// PlaceExport moves the one file an export wrote into a StageExport directory to dest, and removes the directory;
// with dest "" (the export failed or was canceled) it only removes the directory.
func (d *Dialogs) PlaceExport(dir, dest string) error {
	if !filepath.IsAbs(dir) || !strings.HasPrefix(filepath.Base(dir), stagePrefix) {
		return fmt.Errorf("place export: %q is not a staging directory", dir)
	}
	defer os.RemoveAll(dir)
	if dest == "" {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("place export: %w", err)
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			files = append(files, e.Name())
		}
	}
	if len(files) != 1 {
		return fmt.Errorf("place export: %s holds %d files, not one", dir, len(files))
	}
	if err := os.Rename(filepath.Join(dir, files[0]), dest); err != nil {
		return fmt.Errorf("place export: %w", err)
	}
	return nil
}

//go:build !server

package app

import (
	"context"
	"net/http"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// DesktopAvailable reports whether this binary has the desktop window (it is left out with -tags server).
const DesktopAvailable = true

// RunDesktop opens the desktop window on handler, the same handler `serve` gives browsers, and blocks until the
// window closes.
func RunDesktop(title string, handler http.Handler) error {
	d := &Dialogs{}
	return wails.Run(&options.App{
		Title:            title,
		Width:            1360,
		Height:           860,
		MinWidth:         960,
		MinHeight:        600,
		BackgroundColour: &options.RGBA{R: 248, G: 247, B: 244, A: 255},
		AssetServer:      &assetserver.Options{Handler: handler},
		OnStartup:        func(ctx context.Context) { d.ctx = ctx },
		Bind:             []any{d},
	})
}

// Dialogs are the native file dialogs, the one thing the window does that a browser cannot: the frontend calls them
// through Wails bindings and then hands the chosen path to the same HTTP API.
type Dialogs struct {
	ctx context.Context
}

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

// ChooseSaveFile asks where to save a file such as a report.
func (d *Dialogs) ChooseSaveFile(name string) (string, error) {
	return runtime.SaveFileDialog(d.ctx, runtime.SaveDialogOptions{DefaultFilename: name, CanCreateDirectories: true})
}

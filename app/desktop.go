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

// ChooseSaveFile asks where to save a file such as a report.
func (d *Dialogs) ChooseSaveFile(name string) (string, error) {
	return runtime.SaveFileDialog(d.ctx, runtime.SaveDialogOptions{DefaultFilename: name, CanCreateDirectories: true})
}

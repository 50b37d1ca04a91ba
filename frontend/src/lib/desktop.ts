// The desktop window's native dialogs, through the Wails bindings that exist only inside the window: the runtime
// script Wails injects defines window.go.app.Dialogs (package app, struct Dialogs in app/desktop.go). In a browser
// they are absent and the UI falls back to uploads and downloads.

export interface Dialogs {
  OpenImportFile(): Promise<string>;
  OpenImportDir(): Promise<string>;
  ChooseExportDir(): Promise<string>;
  ChooseSaveFile(name: string): Promise<string>;
  /** A hidden directory beside dest for a one-file export to write into. */
  StageExport(dest: string): Promise<string>;
  /** Moves the file the export wrote into dir to dest ("" when it failed) and removes dir. */
  PlaceExport(dir: string, dest: string): Promise<void>;
  Connect(server: string): Promise<void>;
  Disconnect(): Promise<void>;
  Server(): Promise<string>;
  HasLocal(): Promise<boolean>;
}

interface WailsWindow {
  go?: { app?: { Dialogs?: Dialogs } };
}

/** The native dialogs, or null in a browser. */
export function dialogs(w: unknown = globalThis): Dialogs | null {
  return (w as WailsWindow).go?.app?.Dialogs ?? null;
}

export function inWindow(w: unknown = globalThis): boolean {
  return dialogs(w) !== null;
}

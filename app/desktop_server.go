//go:build server

package app

import (
	"errors"
	"net/http"
)

// DesktopAvailable reports whether this binary has the desktop window (it is left out with -tags server).
const DesktopAvailable = false

// RunDesktop refuses: this is the server build, without Wails and WebKit.
func RunDesktop(title string, handler http.Handler, server string) error {
	return errors.New("this reviewdesk was built for servers (-tags server) and has no desktop window; use `reviewdesk serve`")
}

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"reviewdesk/app"
)

func serveCommand(g *globals) *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the review UI and the HTTP API to browsers",
		Long: `serve runs the same UI as the desktop window, and its HTTP API under /api, for browsers.
Open the printed address in a browser. The API is documented in docs/api.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, svc, err := g.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			srv := newHTTPServer(svc.Handler(ui()))
			fmt.Fprintf(os.Stderr, "reviewdesk: serving %s on http://%s (database %s)\n", "the review UI", ln.Addr(), st.Path())
			return serveUntilDone(ctx, srv, ln)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	return cmd
}

// newHTTPServer bounds how long a client may take, so that slow or stuck clients cannot hold connections forever.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Minute, // uploads of large import files
		WriteTimeout:      10 * time.Minute, // downloads of exports
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// serveUntilDone serves until ctx ends (Ctrl+C, SIGTERM), then lets requests in flight finish.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func runDesktop(ctx context.Context, g *globals) error {
	if !app.DesktopAvailable {
		return app.RunDesktop("", nil)
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" && isUnixLike() {
		return errors.New("no display to open the window on; run `reviewdesk serve` and open it in a browser, or use xvfb-run")
	}
	g.localFiles = true
	st, svc, err := g.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return app.RunDesktop("reviewdesk", svc.Handler(ui()))
}

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
	var (
		addr            string
		tlsCert, tlsKey string
		secureCookies   bool
		opts            app.ServeOptions
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the review UI and the HTTP API to browsers: the team server",
		Long: `serve runs the same UI as the desktop window, and its HTTP API under /api, for browsers and for desktop
windows connected with --server. Open the printed address in a browser. The API is documented in docs/api.md.

With accounts in the database (reviewdesk users add), everyone logs in and works under their own name and role:
the team server. Without accounts, everyone who reaches the address works as --user with every role, which is meant
for one person on their own machine; keep --addr on 127.0.0.1 then. Such a server answers only to localhost and IP
addresses (so that no web page can reach it under a name of its own); name others with --allowed-host.

Serve TLS directly with --tls-cert and --tls-key, or run behind a reverse proxy that terminates TLS and pass
--secure-cookies; both also send HSTS. Behind a proxy every connection comes from the proxy, so pass the client's
address in a header the proxy overwrites (nginx: proxy_set_header X-Real-IP $remote_addr;) and name it with
--proxy-header X-Real-IP, or one office's failed logins would hold back everyone's. See the README's deployment
section.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if (tlsCert == "") != (tlsKey == "") {
				return usageError{fmt.Errorf("--tls-cert and --tls-key go together")}
			}
			g.secureCookies = secureCookies || tlsCert != ""
			st, svc, err := g.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			defer svc.Close()
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			go svc.RunIndexer(ctx)
			srv := newHTTPServer(svc.ServeHandler(ui(), opts))
			scheme := "http"
			if tlsCert != "" {
				scheme = "https"
			}
			mode := "team server: accounts log in"
			if !g.team {
				mode = fmt.Sprintf("no accounts: everyone who reaches this address works as %s", g.user)
			}
			fmt.Fprintf(os.Stderr, "reviewdesk: serving %s://%s (database %s; %s)\n", scheme, ln.Addr(), st.Path(), mode)
			return serveUntilDone(ctx, srv, ln, tlsCert, tlsKey)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().StringVar(&tlsCert, "tls-cert", "", "TLS certificate file (PEM); serves HTTPS")
	cmd.Flags().StringVar(&tlsKey, "tls-key", "", "TLS private key file (PEM)")
	cmd.Flags().BoolVar(&secureCookies, "secure-cookies", false, "mark session cookies Secure: set it behind a TLS-terminating reverse proxy")
	cmd.Flags().StringVar(&opts.ProxyHeader, "proxy-header", "", "take the client's address from this header set by a trusted reverse proxy (X-Real-IP), for login limits and the audit log; only when every request comes through it")
	cmd.Flags().StringSliceVar(&opts.AllowedHosts, "allowed-host", nil, "host name a server without accounts also answers to, besides localhost and IP addresses (repeatable, or comma-separated)")
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
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, tlsCert, tlsKey string) error {
	errc := make(chan error, 1)
	go func() {
		if tlsCert != "" {
			errc <- srv.ServeTLS(ln, tlsCert, tlsKey)
			return
		}
		errc <- srv.Serve(ln)
	}()
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
		return app.RunDesktop("", nil, "")
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" && isUnixLike() {
		return errors.New("no display to open the window on; run `reviewdesk serve` and open it in a browser, or use xvfb-run")
	}
	if g.server != "" {
		return app.RunDesktop("reviewdesk — "+g.server, nil, g.server)
	}
	g.localFiles = true
	st, svc, err := g.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	defer svc.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go svc.RunIndexer(ctx)
	return app.RunDesktop("reviewdesk", svc.Handler(ui()), "")
}

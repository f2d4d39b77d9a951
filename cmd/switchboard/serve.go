package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/switchboard/switchboard/internal/certs"
	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/o2g"
	"github.com/switchboard/switchboard/internal/ocipserver"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/store/sqlstore"
)

// shutdownGrace bounds how long SIGTERM waits for in-flight requests.
const shutdownGrace = 30 * time.Second

// runServe wires the store, the core, the OCI-P server and the HTTP
// listeners, and runs until ctx ends (SIGTERM/SIGINT in main), then drains
// in-flight requests and closes the store.
func runServe(ctx context.Context, opts serveOptions, stderr io.Writer) error {
	log := newLogger(stderr)
	if _, set := os.LookupEnv("GOGC"); !set {
		// The server's live heap is small next to what a request allocates
		// (a 100,000-user list is 20 MB of reply): collecting at 200 %
		// instead of 100 % cut GC time enough for about 12 % more user gets
		// per second and a faster big list, for a peak RSS of 265 MB instead
		// of 180 MB at 100,000 users (docs/PERFORMANCE.md). GOGC overrides.
		debug.SetGCPercent(200)
	}
	if opts.CPUProfile != "" {
		f, err := os.Create(opts.CPUProfile)
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return fmt.Errorf("serve: data dir: %w", err)
	}
	st, err := openStore(ctx, opts)
	if err != nil {
		return err
	}
	defer st.Close()
	bus := events.NewMemory()
	core := provisioning.New(st, provisioning.Options{Events: bus})

	created, pw, err := core.Bootstrap(ctx, opts.AdminUser, opts.AdminPassword)
	if err != nil {
		return fmt.Errorf("serve: bootstrap administrator: %w", err)
	}
	if created {
		user := opts.AdminUser
		if user == "" {
			user = "admin"
		}
		if opts.AdminPassword == "" {
			// Printed once, on the terminal only (never through the
			// logger, which may ship logs elsewhere).
			fmt.Fprintf(stderr, "\nCreated System administrator %q with generated password: %s\nIt is shown once; change it with SystemAdminModifyRequest.\n\n", user, pw)
		} else {
			log.Info("created System administrator", "user", user)
		}
	}

	var tlsMat *certs.Material
	if opts.OCIPTLSAddr != "" || opts.HTTPSAddr != "" {
		tlsMat, err = certs.Load(certs.Options{DataDir: opts.DataDir, CertFile: opts.TLSCert, KeyFile: opts.TLSKey})
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		if tlsMat.CAFile != "" {
			log.Info("TLS certificate issued by the generated CA; give clients this CA file", "ca", tlsMat.CAFile)
		}
	}

	cfg := ocipserver.Config{TCPAddr: opts.OCIPAddr, TLSAddr: opts.OCIPTLSAddr, Logger: log}
	if tlsMat != nil {
		cfg.TLSConfig = tlsMat.ServerConfig()
	}
	cfg = cfg.WithDefaults()
	srv, err := ocipserver.New(cfg, ocipserver.NewPipeline(core, log, cfg.MaxDocumentSize))
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if err := srv.Start(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}

	o2gSrv, err := o2g.New(o2g.Config{Core: core, Bus: bus, Logger: log, PublicAddr: opts.O2GPublicAddr,
		PrivateAddr: opts.O2GPrivateAddr, SessionTTL: opts.O2GSessionTTL, UserLogin: opts.O2GUserLogin, Simulation: opts.O2GSimulation})
	if err != nil {
		srv.Close()
		return fmt.Errorf("serve: %w", err)
	}
	// Plain HTTP serves SOAP, health and metrics; HTTPS serves the same and
	// O2G, whose clients only speak HTTPS and send Basic credentials.
	newMux := func(withO2G bool) *http.ServeMux {
		mux := http.NewServeMux()
		mux.Handle(ocipserver.SOAPPath, srv.SOAPHandler())
		mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
			if err := st.View(r.Context(), func(store.Tx) error { return nil }); err != nil {
				http.Error(w, "store unavailable", http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "ok\n")
		})
		mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
			writeMetrics(w, srv.Stats())
		})
		if withO2G {
			mux.Handle(o2g.Root, o2gSrv.Handler())
			mux.Handle(o2g.Root+"/", o2gSrv.Handler())
		}
		return mux
	}
	var https []*http.Server
	errc := make(chan error, 2)
	listen := func(name, addr string, tlsOn bool) error {
		if addr == "" {
			return nil
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("serve: %s: %w", name, err)
		}
		hs := &http.Server{Handler: newMux(tlsOn), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 5 * time.Minute,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		if tlsOn {
			hs.TLSConfig = tlsMat.ServerConfig()
		}
		https = append(https, hs)
		log.Info("listening", "service", name, "addr", l.Addr().String())
		go func() {
			var err error
			if tlsOn {
				err = hs.ServeTLS(l, "", "")
			} else {
				err = hs.Serve(l)
			}
			if !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("serve: %s: %w", name, err)
			}
		}()
		return nil
	}
	startErr := listen("http", opts.HTTPAddr, false)
	if startErr == nil {
		startErr = listen("https", opts.HTTPSAddr, true)
	}
	if startErr == nil {
		log.Info("switchboard ready", "data_dir", opts.DataDir, "store", opts.Store)
		select {
		case <-ctx.Done():
			log.Info("shutting down: draining in-flight requests")
		case startErr = <-errc:
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	// Ending the O2G sessions first ends their event streams, which would
	// otherwise hold Shutdown until the grace period runs out.
	o2gSrv.Close()
	for _, hs := range https {
		hs.Shutdown(sctx)
	}
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("OCI-P shutdown", "err", err)
	}
	if err := st.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
		return fmt.Errorf("serve: closing the store: %w", err)
	}
	log.Info("stopped")
	return startErr
}

func openStore(ctx context.Context, opts serveOptions) (*sqlstore.Store, error) {
	switch opts.Store {
	case "postgres":
		if opts.PostgresURL == "" {
			return nil, fmt.Errorf("serve: --store=postgres needs --postgres-url (or %s)", envVarName("postgres-url"))
		}
		st, err := sqlstore.OpenPostgres(ctx, opts.PostgresURL, sqlstore.Options{})
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		return st, nil
	default:
		st, err := sqlstore.OpenSQLite(ctx, opts.DataDir, sqlstore.Options{})
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		return st, nil
	}
}

// secretKeys are attribute names whose values never reach a log.
var secretKeys = []string{"password", "passcode", "secret", "signedpassword", "token"}

// newLogger writes text logs to w with secrets redacted by attribute name,
// whatever package logs them.
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: slog.LevelInfo,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			k := strings.ToLower(a.Key)
			for _, s := range secretKeys {
				if strings.Contains(k, s) {
					return slog.String(a.Key, "[redacted]")
				}
			}
			return a
		},
	}))
}

// writeMetrics writes the server counters in the Prometheus text format.
func writeMetrics(w io.Writer, s ocipserver.Stats) {
	m := func(name, kind, help string, v any) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %v\n", name, help, name, kind, name, v)
	}
	m("switchboard_ocip_connections_accepted_total", "counter", "TCP and TLS connections accepted.", s.ConnsAccepted)
	m("switchboard_ocip_connections_rejected_total", "counter", "Connections closed at accept by a limit.", s.ConnsRejected)
	m("switchboard_ocip_connections_open", "gauge", "TCP and TLS connections being served.", s.ConnsOpen)
	m("switchboard_ocip_documents_total", "counter", "Request documents processed over TCP and TLS.", s.Documents)
	m("switchboard_ocip_framing_errors_total", "counter", "Streams given up for framing errors.", s.FramingErrors)
	m("switchboard_ocip_idle_timeouts_total", "counter", "Connections closed for idleness.", s.IdleTimeouts)
	m("switchboard_ocip_soap_requests_total", "counter", "SOAP requests processed.", s.SOAPRequests)
	m("switchboard_ocip_soap_faults_total", "counter", "SOAP faults sent.", s.SOAPFaults)
	m("switchboard_ocip_soap_sessions", "gauge", "HTTP sessions alive.", s.SOAPSessions)
}

// signalContext ends on SIGTERM or SIGINT.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
}

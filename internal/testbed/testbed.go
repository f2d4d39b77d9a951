// Package testbed starts a real Switchboard server inside a test: a
// SQLite store in a temporary folder, the provisioning core with one
// System administrator and an event bus, and listeners for OCI-P over
// plain TCP, TLS and SOAP over HTTP and HTTPS, and O2G on the HTTPS
// listener, all on loopback ports. SDK, CLI and bulk tests drive it
// exactly as they would drive a remote server.
package testbed

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/certs"
	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/o2g"
	"github.com/switchboard/switchboard/internal/ocipserver"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store/sqlstore"
)

// Credentials of the System administrator every testbed server has.
const (
	Admin    = "admin"
	Password = "Testbed-pass-1"
)

// Server is a running server. Its listeners close when the test ends.
type Server struct {
	// TCPAddr and TLSAddr are host:port of the OCI-P listeners.
	TCPAddr, TLSAddr string
	// SOAPURL and SOAPSURL are the SOAP endpoints over HTTP and HTTPS.
	SOAPURL, SOAPSURL string
	// O2GAddr is host:port of the HTTPS listener that serves O2G under
	// /api/rest; O2G is the facade itself.
	O2GAddr string
	O2G     *o2g.Server
	// Bus carries the core's events.
	Bus *events.Memory
	// CAFile is the PEM file of the CA that issued the TLS certificate;
	// Roots holds the same certificate.
	CAFile string
	Roots  *x509.CertPool
	// Core is the domain core behind the server, for tests that set up or
	// check state without going through the wire.
	Core *provisioning.Core

	srv *ocipserver.Server
}

// ClientTLS is a client TLS configuration that trusts only the testbed CA.
func (s *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: s.Roots}
}

// Stats reports the server's counters.
func (s *Server) Stats() ocipserver.Stats { return s.srv.Stats() }

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bus := events.NewMemory()
	core := provisioning.New(st, provisioning.Options{Events: bus})
	if _, _, err := core.Bootstrap(ctx, Admin, Password); err != nil {
		st.Close()
		t.Fatal(err)
	}
	m, err := certs.Load(certs.Options{DataDir: t.TempDir()})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	pem, err := os.ReadFile(m.CAFile)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		st.Close()
		t.Fatal("testbed: no CA certificate in " + m.CAFile)
	}
	srv, err := ocipserver.New(ocipserver.Config{TLSConfig: m.ServerConfig()}.WithDefaults(), ocipserver.NewPipeline(core, nil, 0))
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	listen := func() net.Listener {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	lt, ls, lh, lhs := listen(), listen(), listen(), listen()
	go srv.ServeTCP(lt)
	go srv.ServeTLS(ls)
	o2gSrv, err := o2g.New(o2g.Config{Core: core, Bus: bus})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(ocipserver.SOAPPath, srv.SOAPHandler())
	muxs := http.NewServeMux()
	muxs.Handle(ocipserver.SOAPPath, srv.SOAPHandler())
	muxs.Handle(o2g.Root, o2gSrv.Handler())
	muxs.Handle(o2g.Root+"/", o2gSrv.Handler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	hss := &http.Server{Handler: muxs, ReadHeaderTimeout: 10 * time.Second, TLSConfig: m.ServerConfig()}
	go hs.Serve(lh)
	go hss.ServeTLS(lhs, "", "")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		o2gSrv.Close()
		err := errors.Join(hs.Shutdown(ctx), hss.Shutdown(ctx), srv.Shutdown(ctx), st.Close())
		if err != nil {
			t.Logf("testbed: shutdown: %v", err)
		}
	})
	return &Server{
		TCPAddr:  lt.Addr().String(),
		TLSAddr:  ls.Addr().String(),
		SOAPURL:  "http://" + lh.Addr().String() + ocipserver.SOAPPath,
		SOAPSURL: "https://" + lhs.Addr().String() + ocipserver.SOAPPath,
		O2GAddr:  lhs.Addr().String(),
		O2G:      o2gSrv,
		Bus:      bus,
		CAFile:   m.CAFile,
		Roots:    roots,
		Core:     core,
		srv:      srv,
	}
}

package certs

import (
	"crypto/tls"
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// File names under <DataDir>/tls.
const (
	dirName        = "tls"
	caCertFile     = "ca.pem"
	caKeyFile      = "ca-key.pem"
	serverCertFile = "server.pem"
	serverKeyFile  = "server-key.pem"
)

// Options says where TLS material comes from.
type Options struct {
	// DataDir is where generated material lives, in its subdirectory "tls".
	DataDir string
	// CertFile and KeyFile name an operator-provided PEM certificate
	// (chain) and private key. Given together, they disable generation.
	CertFile string
	KeyFile  string
	// Hosts are DNS names or IP addresses the generated server certificate
	// must be valid for, in addition to localhost, 127.0.0.1, ::1 and the
	// machine's host name.
	Hosts []string
	// Now returns the current time; nil means time.Now. Tests use it to
	// simulate certificate ageing.
	Now func() time.Time
}

// Material is the certificate the server presents.
type Material struct {
	Certificate tls.Certificate
	// CAFile is the path of the generated CA certificate (PEM), for
	// clients to trust; "" when the certificate was provided by the
	// operator.
	CAFile string
	// Generated reports whether this call wrote new certificate files.
	Generated bool
}

// Load returns the operator-provided certificate when opt names one, and
// otherwise loads, renews or creates the generated material under
// opt.DataDir.
func Load(opt Options) (*Material, error) {
	switch {
	case opt.CertFile != "" && opt.KeyFile != "":
		cert, err := tls.LoadX509KeyPair(opt.CertFile, opt.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("certs: loading certificate %s with key %s: %w", opt.CertFile, opt.KeyFile, err)
		}
		return &Material{Certificate: cert}, nil
	case opt.CertFile != "":
		return nil, fmt.Errorf("certs: certificate file %s given without a key file", opt.CertFile)
	case opt.KeyFile != "":
		return nil, fmt.Errorf("certs: key file %s given without a certificate file", opt.KeyFile)
	}
	if opt.DataDir == "" {
		return nil, errors.New("certs: no data directory to keep generated TLS material in")
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	return loadGenerated(filepath.Join(opt.DataDir, dirName), opt.Hosts, now())
}

// ServerConfig returns a new TLS configuration presenting m's certificate.
// Each call returns a fresh value, so callers may adjust it (for example
// http.Server adds its ALPN protocols).
func (m *Material) ServerConfig() *tls.Config {
	return &tls.Config{
		// TLS 1.0 and 1.1 are deprecated (RFC 8996); the clients we serve
		// all speak 1.2 or later. Cipher suites and curves are left to Go's
		// defaults, which exclude the weak ones and track best practice.
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{m.Certificate},
		ClientAuth:   tls.NoClientCert,
	}
}

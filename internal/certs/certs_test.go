package certs

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

const day = 24 * time.Hour

func mustLoad(t *testing.T, opt Options) *Material {
	t.Helper()
	m, err := Load(opt)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return m
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseCerts(t *testing.T, pemBytes []byte) []*x509.Certificate {
	t.Helper()
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, pemBytes = pem.Decode(pemBytes)
		if block == nil {
			return certs
		}
		if block.Type != "CERTIFICATE" {
			t.Fatalf("unexpected PEM block %q", block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, c)
	}
}

func fixedNow(t time.Time) func() time.Time { return func() time.Time { return t } }

func tlsDir(dataDir string) string { return filepath.Join(dataDir, "tls") }

// handshake runs a TLS handshake over an in-memory pipe between m's server
// configuration and a client that trusts only caPEM.
func handshake(t *testing.T, m *Material, caPEM []byte, clientCfg *tls.Config) error {
	t.Helper()
	if caPEM != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			t.Fatal("CA PEM holds no certificate")
		}
		clientCfg.RootCAs = pool
	}
	// The raw pipe ends are closed rather than the TLS connections: a
	// close_notify written into an unbuffered pipe nobody reads would
	// block until its timeout.
	c1, c2 := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		tls.Server(c1, m.ServerConfig()).Handshake()
		c1.Close()
	}()
	err := tls.Client(c2, clientCfg).Handshake()
	c2.Close()
	<-done
	return err
}

func TestGenerateCreatesFiles(t *testing.T) {
	dataDir := t.TempDir()
	now := time.Now()
	m := mustLoad(t, Options{DataDir: dataDir, Hosts: []string{"sb.example.test", "192.0.2.10"}, Now: fixedNow(now)})
	dir := tlsDir(dataDir)

	if !m.Generated {
		t.Error("Generated = false on first load")
	}
	if want := filepath.Join(dir, "ca.pem"); m.CAFile != want {
		t.Errorf("CAFile = %q, want %q", m.CAFile, want)
	}
	if runtime.GOOS != "windows" {
		for name, want := range map[string]fs.FileMode{
			".":              0o700,
			"ca.pem":         0o644,
			"ca-key.pem":     0o600,
			"server.pem":     0o644,
			"server-key.pem": 0o600,
		} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("%s mode = %v, want %v", name, got, want)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("tls dir holds %d entries, want the 4 files", len(entries))
	}

	cas := parseCerts(t, readFile(t, filepath.Join(dir, "ca.pem")))
	if len(cas) != 1 {
		t.Fatalf("ca.pem holds %d certificates", len(cas))
	}
	ca := cas[0]
	if !ca.IsCA || !ca.BasicConstraintsValid || ca.KeyUsage&x509.KeyUsageCertSign == 0 {
		t.Errorf("CA lacks CA:true/certSign: IsCA=%v usage=%v", ca.IsCA, ca.KeyUsage)
	}
	if !strings.HasPrefix(ca.Subject.CommonName, "Switchboard local CA ") || len(ca.Subject.CommonName) <= len("Switchboard local CA ") {
		t.Errorf("CA name = %q", ca.Subject.CommonName)
	}
	if pub, ok := ca.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P256() {
		t.Errorf("CA key is %T, want ECDSA P-256", ca.PublicKey)
	}
	if got := ca.NotAfter.Sub(now); got < 3650*day || got > 3653*day {
		t.Errorf("CA lifetime = %v, want 10 years", got)
	}

	chain := parseCerts(t, readFile(t, filepath.Join(dir, "server.pem")))
	if len(chain) != 2 || !chain[1].Equal(ca) {
		t.Fatalf("server.pem should hold the server certificate followed by the CA; got %d certs", len(chain))
	}
	leaf := chain[0]
	if !leaf.Equal(m.Certificate.Leaf) || !bytes.Equal(m.Certificate.Certificate[0], leaf.Raw) {
		t.Error("Material certificate differs from server.pem")
	}
	if leaf.IsCA || !slices.Equal(leaf.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) {
		t.Errorf("server cert: IsCA=%v ExtKeyUsage=%v", leaf.IsCA, leaf.ExtKeyUsage)
	}
	if pub, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P256() {
		t.Errorf("server key is %T, want ECDSA P-256", leaf.PublicKey)
	}
	if got := leaf.NotAfter.Sub(now.Truncate(time.Second)); got != 397*day {
		t.Errorf("server lifetime = %v, want 397 days", got)
	}
	for _, dns := range []string{"localhost", "sb.example.test"} {
		if !slices.Contains(leaf.DNSNames, dns) {
			t.Errorf("DNS SANs %v lack %q", leaf.DNSNames, dns)
		}
	}
	if h, err := os.Hostname(); err == nil && validDNSName(strings.ToLower(h)) && !slices.Contains(leaf.DNSNames, strings.ToLower(h)) {
		t.Errorf("DNS SANs %v lack the host name %q", leaf.DNSNames, h)
	}
	for _, ip := range []string{"127.0.0.1", "::1", "192.0.2.10"} {
		if !slices.ContainsFunc(leaf.IPAddresses, net.ParseIP(ip).Equal) {
			t.Errorf("IP SANs %v lack %s", leaf.IPAddresses, ip)
		}
		if slices.Contains(leaf.DNSNames, ip) {
			t.Errorf("IP %s listed as a DNS SAN", ip)
		}
	}
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	for _, c := range []*x509.Certificate{ca, leaf} {
		if c.SerialNumber.Sign() <= 0 || c.SerialNumber.Cmp(limit) >= 0 {
			t.Errorf("serial %v not a positive 128-bit number", c.SerialNumber)
		}
	}
	if ca.SerialNumber.Cmp(leaf.SerialNumber) == 0 {
		t.Error("CA and server share a serial number")
	}
	if err := leaf.CheckSignatureFrom(ca); err != nil {
		t.Errorf("server certificate not signed by the CA: %v", err)
	}
}

func TestHandshakeWithGeneratedCA(t *testing.T) {
	dataDir := t.TempDir()
	m := mustLoad(t, Options{DataDir: dataDir, Hosts: []string{"sb.example.test"}})
	caPEM := readFile(t, m.CAFile)

	for _, name := range []string{"localhost", "127.0.0.1", "::1", "sb.example.test"} {
		if err := handshake(t, m, caPEM, &tls.Config{ServerName: name}); err != nil {
			t.Errorf("ServerName %q: %v", name, err)
		}
	}

	// Names the certificate does not cover must fail hostname checks.
	err := handshake(t, m, caPEM, &tls.Config{ServerName: "other.example.test"})
	var hostErr x509.HostnameError
	if !errors.As(err, &hostErr) {
		t.Errorf("uncovered name: got %v, want a hostname error", err)
	}
	// A client that does not trust our CA must fail.
	err = handshake(t, m, nil, &tls.Config{ServerName: "localhost", RootCAs: x509.NewCertPool()})
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Errorf("untrusted CA: got %v, want an unknown authority error", err)
	}
	// TLS 1.1 is refused.
	if err := handshake(t, m, caPEM, &tls.Config{ServerName: "localhost", MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}); err == nil {
		t.Error("TLS 1.1 handshake succeeded")
	}
}

func TestLoopbackDial(t *testing.T) {
	m := mustLoad(t, Options{DataDir: t.TempDir()})
	ln, err := tls.Listen("tcp", "127.0.0.1:0", m.ServerConfig())
	if err != nil {
		t.Skipf("no loopback: %v", err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(readFile(t, m.CAFile))
	// No ServerName: the client checks the IP address it dialled.
	for _, cfg := range []*tls.Config{{RootCAs: pool}, {RootCAs: pool, ServerName: "localhost"}} {
		c, err := tls.Dial("tcp", ln.Addr().String(), cfg)
		if err != nil {
			t.Fatalf("dial (ServerName %q): %v", cfg.ServerName, err)
		}
		if _, err := c.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4)
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
			t.Fatalf("echo = %q, %v", buf, err)
		}
		c.Close()
	}
}

func TestReuse(t *testing.T) {
	dataDir := t.TempDir()
	now := time.Now()
	first := mustLoad(t, Options{DataDir: dataDir, Now: fixedNow(now)})
	dir := tlsDir(dataDir)
	before := map[string][]byte{}
	for _, f := range []string{"ca.pem", "ca-key.pem", "server.pem", "server-key.pem"} {
		before[f] = readFile(t, filepath.Join(dir, f))
	}

	// Well inside the renewal window: 31 days of validity left.
	later := now.Add(397*day - 31*day)
	second := mustLoad(t, Options{DataDir: dataDir, Now: fixedNow(later)})
	if second.Generated {
		t.Error("Generated = true on reuse")
	}
	if second.CAFile != first.CAFile {
		t.Errorf("CAFile changed: %q -> %q", first.CAFile, second.CAFile)
	}
	if !slices.EqualFunc(first.Certificate.Certificate, second.Certificate.Certificate, bytes.Equal) {
		t.Error("reused certificate chain differs")
	}
	for f, b := range before {
		if !bytes.Equal(b, readFile(t, filepath.Join(dir, f))) {
			t.Errorf("%s rewritten on reuse", f)
		}
	}
	if err := handshake(t, second, before["ca.pem"], &tls.Config{ServerName: "localhost"}); err != nil {
		t.Errorf("handshake with reused certificate: %v", err)
	}
}

func TestExpiringServerReissuedWithSameCA(t *testing.T) {
	dataDir := t.TempDir()
	now := time.Now()
	first := mustLoad(t, Options{DataDir: dataDir, Now: fixedNow(now)})
	dir := tlsDir(dataDir)
	caPEM := readFile(t, filepath.Join(dir, "ca.pem"))
	caKey := readFile(t, filepath.Join(dir, "ca-key.pem"))

	later := now.Add(397*day - 29*day)
	second := mustLoad(t, Options{DataDir: dataDir, Now: fixedNow(later)})
	if !second.Generated {
		t.Fatal("server certificate with 29 days left was not re-issued")
	}
	if !bytes.Equal(caPEM, readFile(t, filepath.Join(dir, "ca.pem"))) || !bytes.Equal(caKey, readFile(t, filepath.Join(dir, "ca-key.pem"))) {
		t.Error("CA replaced when only the server certificate needed renewing")
	}
	leaf := second.Certificate.Leaf
	if leaf.Equal(first.Certificate.Leaf) {
		t.Fatal("certificate unchanged")
	}
	if got := leaf.NotAfter.Sub(later.Truncate(time.Second)); got != 397*day {
		t.Errorf("new lifetime = %v, want 397 days from the injected time", got)
	}
	onDisk := parseCerts(t, readFile(t, filepath.Join(dir, "server.pem")))
	if !onDisk[0].Equal(leaf) {
		t.Error("server.pem does not hold the re-issued certificate")
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: later, DNSName: "localhost"}); err != nil {
		t.Errorf("re-issued certificate does not verify against the original CA: %v", err)
	}
	// And the pair on disk loads again without another re-issue.
	if third := mustLoad(t, Options{DataDir: dataDir, Now: fixedNow(later)}); third.Generated {
		t.Error("re-issued certificate not reused")
	}
}

func TestAddedHostReissues(t *testing.T) {
	dataDir := t.TempDir()
	first := mustLoad(t, Options{DataDir: dataDir})
	caPEM := readFile(t, first.CAFile)

	hosts := []string{"SB.Example.TEST.", "192.0.2.20", "[2001:db8::1]"}
	second := mustLoad(t, Options{DataDir: dataDir, Hosts: hosts})
	if !second.Generated {
		t.Fatal("new host did not trigger a re-issue")
	}
	if !bytes.Equal(caPEM, readFile(t, second.CAFile)) {
		t.Error("CA replaced when adding a host")
	}
	for _, name := range []string{"sb.example.test", "192.0.2.20", "2001:db8::1", "localhost"} {
		if err := handshake(t, second, caPEM, &tls.Config{ServerName: name}); err != nil {
			t.Errorf("ServerName %q after re-issue: %v", name, err)
		}
	}

	// Same hosts, or fewer: the certificate still covers them.
	for _, h := range [][]string{{"sb.example.test", "192.0.2.20", "2001:db8::1"}, nil} {
		if m := mustLoad(t, Options{DataDir: dataDir, Hosts: h}); m.Generated {
			t.Errorf("hosts %v: re-issued although covered", h)
		}
	}
}

func TestInvalidHost(t *testing.T) {
	for _, h := range []string{"switchboard:2208", "https://switchboard", "a..b", "-bad.example", "fe80::1%eth0", "ünicode.example"} {
		if _, err := Load(Options{DataDir: t.TempDir(), Hosts: []string{h}}); err == nil {
			t.Errorf("host %q accepted", h)
		}
	}
}

// writePair creates a self-signed certificate and key for the operator
// path, returning the file paths.
func writePair(t *testing.T, dir, name string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(day),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile = filepath.Join(dir, name+".pem")
	keyFile = filepath.Join(dir, name+"-key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestOperatorProvided(t *testing.T) {
	dataDir := t.TempDir()
	certDir := t.TempDir()
	certA, keyA := writePair(t, certDir, "a.example.test")
	_, keyB := writePair(t, certDir, "b.example.test")

	m := mustLoad(t, Options{DataDir: dataDir, CertFile: certA, KeyFile: keyA})
	if m.Generated || m.CAFile != "" {
		t.Errorf("operator material: Generated=%v CAFile=%q", m.Generated, m.CAFile)
	}
	want := parseCerts(t, readFile(t, certA))[0]
	if m.Certificate.Leaf == nil || !m.Certificate.Leaf.Equal(want) {
		t.Error("loaded certificate is not the operator's")
	}
	if _, err := os.Stat(tlsDir(dataDir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("generation ran despite operator files (stat: %v)", err)
	}
	if err := handshake(t, m, readFile(t, certA), &tls.Config{ServerName: "a.example.test"}); err != nil {
		t.Errorf("handshake with operator certificate: %v", err)
	}

	if _, err := Load(Options{DataDir: dataDir, CertFile: certA, KeyFile: keyB}); err == nil {
		t.Error("mismatched certificate and key accepted")
	}
	if _, err := Load(Options{DataDir: dataDir, CertFile: certA, KeyFile: filepath.Join(certDir, "missing.pem")}); err == nil {
		t.Error("unreadable key accepted")
	}
}

func TestOnlyOneOfCertAndKey(t *testing.T) {
	dataDir := t.TempDir()
	certA, keyA := writePair(t, t.TempDir(), "a.example.test")
	for _, opt := range []Options{
		{DataDir: dataDir, CertFile: certA},
		{DataDir: dataDir, KeyFile: keyA},
	} {
		if _, err := Load(opt); err == nil {
			t.Errorf("Load(CertFile=%q, KeyFile=%q) succeeded", opt.CertFile, opt.KeyFile)
		}
	}
	if _, err := os.Stat(tlsDir(dataDir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a half-given pair fell back to generation (stat: %v)", err)
	}
}

func TestPermissionsTightened(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX modes")
	}
	dataDir := t.TempDir()
	dir := tlsDir(dataDir)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, Options{DataDir: dataDir})
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("existing tls dir mode = %v, want 0700", fi.Mode().Perm())
	}
	for _, f := range []string{"ca-key.pem", "server-key.pem"} {
		os.Chmod(filepath.Join(dir, f), 0o644)
	}
	if m := mustLoad(t, Options{DataDir: dataDir}); m.Generated {
		t.Error("loose modes caused a re-issue")
	}
	for _, f := range []string{"ca-key.pem", "server-key.pem"} {
		if fi, _ := os.Stat(filepath.Join(dir, f)); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", f, fi.Mode().Perm())
		}
	}
}

func TestRecoversFromInterruptedWrites(t *testing.T) {
	dataDir := t.TempDir()
	dir := tlsDir(dataDir)
	first := mustLoad(t, Options{DataDir: dataDir})
	caPEM := readFile(t, first.CAFile)

	// A crash between writing a new server key and its certificate leaves
	// a mismatched pair, plus perhaps a temporary file.
	if err := os.WriteFile(filepath.Join(dir, "server-key.pem"), readFile(t, filepath.Join(dir, "ca-key.pem")), 0o600); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, ".server-key.pem.tmp-123")
	if err := os.WriteFile(stale, []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := mustLoad(t, Options{DataDir: dataDir})
	if !m.Generated || !bytes.Equal(caPEM, readFile(t, m.CAFile)) {
		t.Errorf("mismatched server pair: Generated=%v, CA kept=%v", m.Generated, bytes.Equal(caPEM, readFile(t, m.CAFile)))
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Error("stale temporary file left in place")
	}
	if err := handshake(t, m, caPEM, &tls.Config{ServerName: "localhost"}); err != nil {
		t.Errorf("handshake after repair: %v", err)
	}

	// A crash between the CA key and ca.pem: no client can have the CA
	// yet, so a fresh one is made.
	os.Remove(filepath.Join(dir, "ca.pem"))
	m = mustLoad(t, Options{DataDir: dataDir})
	newCA := readFile(t, m.CAFile)
	if !m.Generated || bytes.Equal(caPEM, newCA) {
		t.Error("CA not regenerated when ca.pem was missing")
	}
	if err := handshake(t, m, newCA, &tls.Config{ServerName: "localhost"}); err != nil {
		t.Errorf("handshake with regenerated CA: %v", err)
	}
}

func TestCAWithoutKeyIsAnError(t *testing.T) {
	dataDir := t.TempDir()
	m := mustLoad(t, Options{DataDir: dataDir})
	caPEM := readFile(t, m.CAFile)
	os.Remove(filepath.Join(tlsDir(dataDir), "ca-key.pem"))
	if _, err := Load(Options{DataDir: dataDir}); err == nil {
		t.Fatal("CA without its key accepted")
	}
	if !bytes.Equal(caPEM, readFile(t, m.CAFile)) {
		t.Error("trusted CA overwritten")
	}
}

func TestExpiringCAReplaced(t *testing.T) {
	dataDir := t.TempDir()
	now := time.Now()
	first := mustLoad(t, Options{DataDir: dataDir, Now: fixedNow(now)})
	caPEM := readFile(t, first.CAFile)

	later := now.AddDate(10, 0, 0).Add(-10 * day)
	m := mustLoad(t, Options{DataDir: dataDir, Now: fixedNow(later)})
	if !m.Generated || bytes.Equal(caPEM, readFile(t, m.CAFile)) {
		t.Fatal("CA ten days from expiry not replaced")
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(readFile(t, m.CAFile))
	if _, err := m.Certificate.Leaf.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: later, DNSName: "localhost"}); err != nil {
		t.Errorf("server certificate does not verify against the new CA: %v", err)
	}
}

func TestServerCertClampedToCA(t *testing.T) {
	dataDir := t.TempDir()
	now := time.Now()
	first := mustLoad(t, Options{DataDir: dataDir, Now: fixedNow(now)})
	caNotAfter := parseCerts(t, readFile(t, first.CAFile))[0].NotAfter

	// 100 days before the CA expires, a new server certificate cannot
	// outlive it.
	later := caNotAfter.Add(-100 * day)
	m := mustLoad(t, Options{DataDir: dataDir, Now: fixedNow(later)})
	if !m.Certificate.Leaf.NotAfter.Equal(caNotAfter) {
		t.Errorf("server NotAfter = %v, want the CA's %v", m.Certificate.Leaf.NotAfter, caNotAfter)
	}
}

func TestNoDataDir(t *testing.T) {
	if _, err := Load(Options{}); err == nil {
		t.Error("Load without DataDir or files succeeded")
	}
}

func TestServerConfig(t *testing.T) {
	m := mustLoad(t, Options{DataDir: t.TempDir()})
	a, b := m.ServerConfig(), m.ServerConfig()
	if a == b {
		t.Error("ServerConfig returned a shared value")
	}
	if a.MinVersion != tls.VersionTLS12 || a.ClientAuth != tls.NoClientCert || len(a.Certificates) != 1 {
		t.Errorf("config: MinVersion=%x ClientAuth=%v certs=%d", a.MinVersion, a.ClientAuth, len(a.Certificates))
	}
}

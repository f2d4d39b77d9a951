package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

const (
	caYears = 10
	// 397 days is the longest lifetime the CA/Browser Forum allows for
	// server certificates; some TLS stacks reject longer ones even under a
	// private root.
	serverLifetime = 397 * 24 * time.Hour
	// renewBefore is how long a certificate must still be valid to be
	// reused, so a long-running server never reaches expiry between
	// restarts without warning.
	renewBefore = 30 * 24 * time.Hour
	// backdate tolerates clients whose clocks lag the server's.
	backdate = time.Hour
)

// authority is the generated CA, able to issue server certificates.
type authority struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func loadGenerated(dir string, extraHosts []string, now time.Time) (*Material, error) {
	hosts, err := requestedHosts(extraHosts)
	if err != nil {
		return nil, err
	}
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	removeStaleTemps(dir)

	ca, caNew, err := loadOrCreateCA(dir, now)
	if err != nil {
		return nil, err
	}
	m := &Material{CAFile: filepath.Join(dir, caCertFile)}
	if !caNew {
		if cert, ok := reusableServer(dir, ca, hosts, now); ok {
			m.Certificate = cert
			return m, nil
		}
	}
	if m.Certificate, err = issueServer(dir, ca, hosts, now); err != nil {
		return nil, err
	}
	m.Generated = true
	return m, nil
}

// loadOrCreateCA returns the CA under dir, creating one when there is none
// or when it is about to expire. It reports whether the CA is new.
func loadOrCreateCA(dir string, now time.Time) (*authority, bool, error) {
	certPath := filepath.Join(dir, caCertFile)
	keyPath := filepath.Join(dir, caKeyFile)
	certPEM, err := os.ReadFile(certPath)
	if errors.Is(err, fs.ErrNotExist) {
		// ca.pem is written after its key, so without it no client can
		// have been given this CA and any leftover key may be replaced.
		ca, err := createCA(dir, now)
		return ca, true, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("certs: reading CA certificate: %w", err)
	}
	// Clients may already trust this CA, so an unusable one is reported
	// rather than silently replaced.
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, false, fmt.Errorf("certs: CA certificate %s has no usable key (remove %s to generate a new CA): %w", certPath, dir, err)
	}
	if err := tightenPerm(keyPath); err != nil {
		return nil, false, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, false, fmt.Errorf("certs: CA in %s is unusable (remove %s to generate a new one): %w", certPath, dir, err)
	}
	signer, ok := pair.PrivateKey.(crypto.Signer)
	if !ok || !pair.Leaf.IsCA || pair.Leaf.KeyUsage&x509.KeyUsageCertSign == 0 {
		return nil, false, fmt.Errorf("certs: %s is not a certificate authority able to sign certificates", certPath)
	}
	if now.Add(renewBefore).After(pair.Leaf.NotAfter) {
		// Clients stop trusting an expired CA whatever we do; replacing it
		// is the only way to keep serving.
		ca, err := createCA(dir, now)
		return ca, true, err
	}
	return &authority{cert: pair.Leaf, key: signer}, false, nil
}

func createCA(dir string, now time.Time) (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("certs: generating CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	// A random suffix gives each installation's CA a distinct name, so
	// trust stores holding several of them can tell them apart.
	var suffix [4]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return nil, fmt.Errorf("certs: generating CA name: %w", err)
	}
	ski, err := keyID(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Organization: []string{"Switchboard"},
			CommonName:   "Switchboard local CA " + hex.EncodeToString(suffix[:]),
		},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.AddDate(caYears, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		// The CA only ever signs server certificates directly.
		MaxPathLenZero: true,
		KeyUsage:       x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		// Explicit key identifiers keep OpenSSL's strict verification mode
		// (the default in recent Python) satisfied.
		SubjectKeyId:   ski,
		AuthorityKeyId: ski,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("certs: creating CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("certs: parsing new CA certificate: %w", err)
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, err
	}
	// Key first: ca.pem's presence marks a complete CA (see loadOrCreateCA).
	if err := writeFileAtomic(dir, caKeyFile, keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(dir, caCertFile, encodeCert(der), 0o644); err != nil {
		return nil, err
	}
	return &authority{cert: cert, key: key}, nil
}

// reusableServer returns the existing server certificate when it is issued
// by ca, stays valid past the renewal window and covers hosts.
func reusableServer(dir string, ca *authority, hosts hostSet, now time.Time) (tls.Certificate, bool) {
	keyPath := filepath.Join(dir, serverKeyFile)
	certPEM, err := os.ReadFile(filepath.Join(dir, serverCertFile))
	if err != nil {
		return tls.Certificate{}, false
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return tls.Certificate{}, false
	}
	// A mismatched pair is what an interrupted re-issue leaves behind;
	// issuing afresh repairs it.
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, false
	}
	leaf := pair.Leaf
	if now.Add(renewBefore).After(leaf.NotAfter) || !hosts.coveredBy(leaf) {
		return tls.Certificate{}, false
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	if _, err := leaf.Verify(x509.VerifyOptions{
		Roots:       roots,
		CurrentTime: now,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}); err != nil {
		return tls.Certificate{}, false
	}
	if tightenPerm(keyPath) != nil {
		return tls.Certificate{}, false
	}
	return pair, true
}

func issueServer(dir string, ca *authority, hosts hostSet, now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: generating server key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return tls.Certificate{}, err
	}
	ski, err := keyID(&key.PublicKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	notAfter := now.Add(serverLifetime)
	if notAfter.After(ca.cert.NotAfter) {
		// Validity beyond the issuer's is meaningless to verifiers.
		notAfter = ca.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		// Verifiers match names against the SANs only; the subject is for
		// people reading the certificate.
		Subject:      pkix.Name{Organization: []string{"Switchboard"}, CommonName: "Switchboard server"},
		NotBefore:    now.Add(-backdate),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     hosts.dns,
		IPAddresses:  hosts.ips,
		SubjectKeyId: ski,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: creating server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: parsing new server certificate: %w", err)
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return tls.Certificate{}, err
	}
	chainPEM := append(encodeCert(der), encodeCert(ca.cert.Raw)...)
	if err := writeFileAtomic(dir, serverKeyFile, keyPEM, 0o600); err != nil {
		return tls.Certificate{}, err
	}
	if err := writeFileAtomic(dir, serverCertFile, chainPEM, 0o644); err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{
		Certificate: [][]byte{der, ca.cert.Raw},
		PrivateKey:  key,
		Leaf:        leaf,
	}, nil
}

// randomSerial returns a positive 128-bit serial number; unpredictable
// serials are what RFC 5280 and the CA/B Forum expect.
func randomSerial() (*big.Int, error) {
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	for {
		n, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return nil, fmt.Errorf("certs: generating serial number: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// keyID derives a key identifier as in RFC 7093 method 1 (truncated
// SHA-256 of the subject public key).
func keyID(pub *ecdsa.PublicKey) ([]byte, error) {
	// The subjectPublicKey bits of an EC key are its uncompressed point.
	point, err := pub.Bytes()
	if err != nil {
		return nil, fmt.Errorf("certs: encoding public key: %w", err)
	}
	sum := sha256.Sum256(point)
	return sum[:20], nil
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("certs: encoding private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func encodeCert(der []byte) []byte {
	var b bytes.Buffer
	pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: der}) // cannot fail writing to a Buffer
	return b.Bytes()
}

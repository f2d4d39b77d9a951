package certs

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
)

// hostSet is the normalised list of names a server certificate must cover.
type hostSet struct {
	dns []string
	ips []net.IP
}

// requestedHosts returns the default names followed by extra, normalised
// and without duplicates.
func requestedHosts(extra []string) (hostSet, error) {
	var hs hostSet
	for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
		if err := hs.add(h); err != nil {
			return hostSet{}, err
		}
	}
	if name, err := os.Hostname(); err == nil {
		// A host name that cannot go into a certificate (some systems
		// allow odd ones) should not stop the server from starting.
		_ = hs.add(name)
	}
	for _, h := range extra {
		if err := hs.add(h); err != nil {
			return hostSet{}, err
		}
	}
	return hs, nil
}

func (hs *hostSet) add(host string) error {
	h := strings.TrimSpace(host)
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	if ip, err := netip.ParseAddr(h); err == nil {
		if ip.Zone() != "" {
			return fmt.Errorf("certs: host %q: IP address zones cannot appear in a certificate", host)
		}
		n := net.IP(ip.Unmap().AsSlice())
		if !slices.ContainsFunc(hs.ips, n.Equal) {
			hs.ips = append(hs.ips, n)
		}
		return nil
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	if !validDNSName(h) {
		return fmt.Errorf("certs: host %q is neither an IP address nor a DNS name (no port or scheme)", host)
	}
	if !slices.Contains(hs.dns, h) {
		hs.dns = append(hs.dns, h)
	}
	return nil
}

// coveredBy reports whether cert lists every name in hs. Exact SAN entries
// are required, not wildcard matches, so what was asked for is what the
// certificate says.
func (hs hostSet) coveredBy(cert *x509.Certificate) bool {
	for _, d := range hs.dns {
		if !slices.ContainsFunc(cert.DNSNames, func(s string) bool { return strings.EqualFold(s, d) }) {
			return false
		}
	}
	for _, ip := range hs.ips {
		if !slices.ContainsFunc(cert.IPAddresses, ip.Equal) {
			return false
		}
	}
	return true
}

// validDNSName accepts lower-case LDH names, plus underscores (common in
// internal names) and a leading "*" wildcard label.
func validDNSName(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	for i, label := range strings.Split(name, ".") {
		if i == 0 && label == "*" && strings.Contains(name, ".") {
			continue
		}
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

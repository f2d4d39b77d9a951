// Package certs provides the TLS certificate the server presents on its
// TLS listeners (OCI-P over TLS, SOAP over HTTPS, O2G).
//
// An operator can supply a PEM certificate chain and key. Without them, a
// private CA and a server certificate issued by it are generated once under
// <data dir>/tls and reused on later starts. Clients that verify
// certificates fully, hostname included, trust that CA rather than skipping
// verification, so the CA is kept for as long as it is valid and only the
// server certificate is re-issued when it nears expiry or when the set of
// names it must cover grows.
//
// The package does not log: the caller reports Material.CAFile so that
// operators know which file to hand to clients.
package certs

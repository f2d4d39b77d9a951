package ocipserver

import (
	"net"
	"net/netip"
	"strconv"
	"sync"

	"github.com/switchboard/switchboard/ocip/ocixml"
)

// connLimiter counts open TCP and TLS connections, globally and per client
// address. Its mutex is a leaf: nothing else is locked while it is held.
type connLimiter struct {
	perIP  int // <= 0: no per-address limit
	global int // <= 0: no global limit

	mu    sync.Mutex
	total int
	byIP  map[netip.Addr]int
}

func newConnLimiter(perIP, global int) *connLimiter {
	return &connLimiter{perIP: perIP, global: global, byIP: make(map[netip.Addr]int)}
}

// Reasons acquire gives for refusing a connection, used in logs.
const (
	limitGlobal = "global connection limit"
	limitPerIP  = "per-address connection limit"
)

// acquire counts a new connection from ip, or returns why it must be
// refused. An invalid ip (a listener that is not TCP) is counted globally
// only.
func (l *connLimiter) acquire(ip netip.Addr) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.global > 0 && l.total >= l.global {
		return limitGlobal
	}
	if ip.IsValid() {
		n := l.byIP[ip]
		if l.perIP > 0 && n >= l.perIP {
			return limitPerIP
		}
		l.byIP[ip] = n + 1
	}
	l.total++
	return ""
}

func (l *connLimiter) release(ip netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if !ip.IsValid() {
		return
	}
	if n := l.byIP[ip]; n > 1 {
		l.byIP[ip] = n - 1
	} else {
		// Deleting keeps the map from growing with every address ever seen.
		delete(l.byIP, ip)
	}
}

// remoteIP is the address a connection limit applies to. IPv4-mapped IPv6
// addresses count as the IPv4 address they carry, so a dual-stack listener
// cannot be used to double a client's allowance.
func remoteIP(a net.Addr) netip.Addr {
	if ta, ok := a.(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(ta.IP)
		return ip.Unmap()
	}
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

// significant counts the bytes FrameReader does not skip between documents
// (anything but XML whitespace and the bytes of a UTF-8 BOM). Counting them
// on what is read and on what is handed out as documents tells whether the
// framer holds the start of another document, which FrameReader does not
// report itself; Shutdown must not close such a connection.
func significant(b []byte) int64 {
	n := int64(len(b))
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n', 0xEF, 0xBB, 0xBF:
			n--
		}
	}
	return n
}

// Error codes of the ErrorResponse documents the transports write
// themselves (the pipeline writes all others).
const (
	codeValidation = 6004 // a BroadWorks code: the request could not be read
	codeInternal   = 9999 // Switchboard's: the processor failed
)

// appendErrorDocument appends a complete response document holding one
// ErrorResponse, in the canonical form the ocip encoder writes (ASCII only,
// ISO-8859-1 declaration, xmlns="" on sessionId and command, the c: prefix
// for ErrorResponse, a newline after the root). The transports use it when
// there is no decoded request to hand to the pipeline: a stream that cannot
// be framed, an oversized SOAP document, a processor that panicked. It is
// written here rather than through package ocip so that the transports do
// not depend on the generated schema packages.
func appendErrorDocument(b []byte, sessionID string, code int, text, detail string) []byte {
	b = append(b, `<?xml version="1.0" encoding="ISO-8859-1"?>`+"\n"+
		`<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`...)
	if sessionID == "" {
		b = append(b, `<sessionId xmlns=""/>`...)
	} else {
		b = append(b, `<sessionId xmlns="">`...)
		b = ocixml.AppendEscaped(b, sessionID)
		b = append(b, `</sessionId>`...)
	}
	b = append(b, `<command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns="">`...)
	b = ocixml.AppendInt(b, "errorCode", int64(code))
	summary := "[Error " + strconv.Itoa(code) + "] " + text
	b = ocixml.AppendString(b, "summary", summary)
	b = ocixml.AppendString(b, "summaryEnglish", summary)
	if detail != "" {
		b = ocixml.AppendString(b, "detail", detail)
	}
	return append(b, "</command></BroadsoftDocument>\n"...)
}

package ocip

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema"
)

const slogDebug = slog.LevelDebug

// TraceDirection tells which way a traced document went.
type TraceDirection int

const (
	// TraceSent is a document the client wrote.
	TraceSent TraceDirection = iota + 1
	// TraceReceived is a document the client read.
	TraceReceived
)

func (d TraceDirection) String() string {
	switch d {
	case TraceSent:
		return "sent"
	case TraceReceived:
		return "received"
	}
	return "TraceDirection(?)"
}

// TraceEvent is one OCI-P document on the wire, as given to Config.Trace.
type TraceEvent struct {
	Direction TraceDirection
	// Conn identifies the connection (a SOAP session with the SOAP
	// transport): unique within the Client, a new one for every redial.
	Conn int64
	// Doc is the whole document, secrets masked as Redact does. Over SOAP
	// it is the OCI-P document, not the envelope. It is valid only during
	// the call: copy it to keep it.
	Doc []byte
}

func (c *Client) traceDoc(dir TraceDirection, conn int64, doc []byte) {
	if c.cfg.Trace != nil {
		c.cfg.Trace(TraceEvent{Direction: dir, Conn: conn, Doc: Redact(doc)})
	}
}

func (c *Client) logExchange(ln *link, cmds []ocixml.Command, r *Document, err error, d time.Duration) {
	attrs := []slog.Attr{
		slog.Int64("conn", ln.id),
		slog.String("commands", commandNames(cmds)),
		slog.Duration("duration", d),
	}
	if err != nil {
		attrs = append(attrs, slog.String("err", err.Error()))
	} else if codes := errorCodes(r.Commands); codes != "" {
		attrs = append(attrs, slog.String("error_codes", codes))
	}
	c.log.LogAttrs(c.ctx, slogDebug, "ocip: exchange", attrs...)
}

// The mask written in place of a secret's content.
const redactMask = "***"

var (
	secretsOnce sync.Once
	secretNames map[string]bool
)

// baseSecrets are masked whatever the schema says, so that a document
// naming a secret the schema walk cannot reach is still covered.
var baseSecrets = []string{
	"password", "newPassword", "oldPassword", "signedPassword",
	"passcode", "newPasscode", "oldPasscode",
	"sipAuthenticationPassword", "authenticationPassword",
}

// loadSecrets collects, from every type reachable from a command, each
// element whose value is a secret: a free-text simple type (no
// enumeration, not a number or flag) whose type or element name speaks of
// a password or passcode. Length rules, expiry days and booleans such as
// disallowOldPassword are left readable.
func loadSecrets() {
	secretNames = make(map[string]bool, 64)
	for _, n := range baseSecrets {
		secretNames[n] = true
	}
	seen := make(map[string]bool, 4096)
	var queue []string
	for _, cmd := range schema.All() {
		if !seen[cmd.Name] {
			seen[cmd.Name] = true
			queue = append(queue, cmd.Name)
		}
	}
	for len(queue) > 0 {
		name := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		td, ok := schema.Describe(name)
		if !ok {
			continue
		}
		if td.Base != "" && !seen[td.Base] {
			seen[td.Base] = true
			queue = append(queue, td.Base)
		}
		for _, f := range td.Fields {
			if sd, ok := schema.DescribeSimple(f.Type); ok {
				if isSecret(f.Name, sd) {
					secretNames[f.Name] = true
				}
				continue
			}
			if !seen[f.Type] {
				seen[f.Type] = true
				queue = append(queue, f.Type)
			}
		}
	}
}

func isSecret(field string, sd *schema.SimpleDesc) bool {
	switch sd.Builtin {
	case "string", "token", "normalizedString":
	default:
		return false
	}
	if len(sd.Enums) > 0 {
		return false
	}
	return mentionsSecret(sd.Name) || mentionsSecret(field)
}

func mentionsSecret(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "password") || strings.Contains(s, "passcode")
}

// Redact returns doc, an OCI-P document, with the content of every element
// that carries a secret replaced by "***": passwords and passcodes of any
// kind (password, newPassword, signedPassword, passcode,
// sipAuthenticationPassword, …), the set being derived from the schema.
// Elements are matched by local name, whatever their prefix. doc is not
// modified; when it holds no secret, Redact returns doc itself, otherwise
// a new slice. It is meant for logs and traces, not for sending.
func Redact(doc []byte) []byte {
	secretsOnce.Do(loadSecrets)
	var out []byte
	last := 0
	for i := 0; i < len(doc); {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			break
		}
		j += i
		k := j + 1
		for k < len(doc) && isNameByte(doc[k]) {
			k++
		}
		qname := doc[j+1 : k]
		local := qname
		if c := bytes.LastIndexByte(qname, ':'); c >= 0 {
			local = qname[c+1:]
		}
		if len(local) == 0 || !secretNames[string(local)] {
			i = max(k, j+1)
			continue
		}
		e := bytes.IndexByte(doc[k:], '>')
		if e < 0 {
			break
		}
		e += k
		if doc[e-1] == '/' {
			i = e + 1 // <password/>: nothing to hide
			continue
		}
		start := e + 1
		end := endTag(doc, start, qname)
		if end > start {
			out = append(out, doc[last:start]...)
			out = append(out, redactMask...)
			last = end
		}
		i = end
	}
	if out == nil {
		return doc
	}
	return append(out, doc[last:]...)
}

// endTag finds where the element named qname, whose content starts at
// from, ends: the offset of its end tag, or len(doc) when it has none (a
// truncated document, masked to the end).
func endTag(doc []byte, from int, qname []byte) int {
	for i := from; i < len(doc); {
		j := bytes.Index(doc[i:], []byte("</"))
		if j < 0 {
			break
		}
		j += i
		n := j + 2
		if bytes.HasPrefix(doc[n:], qname) && (n+len(qname) == len(doc) || !isNameByte(doc[n+len(qname)])) {
			return j
		}
		i = n
	}
	return len(doc)
}

// isNameByte is true for the bytes of an element name as OCI-P uses them
// (ASCII letters, digits, "_", "-", ".", and ":" for a prefix).
func isNameByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-' || b == '.' || b == ':'
}

package ocip

import (
	"strconv"
	"sync"

	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema"
	"github.com/switchboard/switchboard/ocip/schema/core"
)

// MaxCommands is the most commands one document may carry (the schema's
// maxOccurs on command).
const MaxCommands = 15

// Document is one OCI-P message: the BroadsoftDocument envelope and its
// commands. Exactly one of SessionID, UserID, PhoneNumber, LinePort and
// ExternalUserIdentity identifies the sender; almost every client uses
// SessionID.
type Document struct {
	Protocol             string // "OCI" when empty
	SessionID            string
	UserID               string
	PhoneNumber          string
	LinePort             string
	ExternalUserIdentity *core.ExternalUserIdentity
	TrackingID           string
	Commands             []ocixml.Command
}

// DecodeOptions tune Decode.
type DecodeOptions struct {
	// MaxCommands bounds the commands per document; 0 means MaxCommands.
	MaxCommands int
	// Validate checks every command against the schema's facets, choices
	// and occurrences after decoding. Servers set it; clients usually do not.
	Validate bool
	// SkipUnknown ignores elements the schema does not know (clients reading
	// a newer server's responses); servers leave it off.
	SkipUnknown bool
	// StrictCharset turns off the UTF-8-in-disguise heuristic: by default a
	// document declared ISO-8859-1 whose bytes are valid multi-byte UTF-8 is
	// read as UTF-8, because one widely used client sends exactly that.
	StrictCharset bool
	// MaxDepth bounds element nesting; 0 means ocixml.DefaultMaxDepth.
	MaxDepth int
	// MaxSize bounds the document in bytes; 0 means
	// ocixml.DefaultMaxDocumentSize. The TCP framer enforces the same limit
	// while reading; this covers documents that arrive another way (SOAP).
	MaxSize int
}

var decoderPool = sync.Pool{New: func() any { return new(ocixml.Decoder) }}

func newCommand(name string) (ocixml.Command, bool) { return schema.New(name) }

// Decode parses one complete document (as cut by ocixml.FrameReader or
// taken from a SOAP body). On error the returned Document still carries
// what was read before the failure (the session id in particular, which a
// server echoes in its error reply), and the error is an *ocixml.Error
// naming the element path and the rule broken.
func Decode(data []byte, opt DecodeOptions) (*Document, error) {
	if err := checkSize(len(data), opt); err != nil {
		return &Document{}, err
	}
	text, err := ocixml.ToUTF8(data, ocixml.CharsetOptions{PreferUTF8: !opt.StrictCharset})
	if err != nil {
		return &Document{}, err
	}
	return DecodeString(text, opt)
}

// DecodeString is Decode for a document already held as UTF-8 text.
func DecodeString(text string, opt DecodeOptions) (*Document, error) {
	doc := &Document{}
	if err := checkSize(len(text), opt); err != nil {
		return doc, err
	}
	maxCmd := opt.MaxCommands
	if maxCmd <= 0 {
		maxCmd = MaxCommands
	}
	d := decoderPool.Get().(*ocixml.Decoder)
	defer decoderPool.Put(d)
	d.Reset(text, ocixml.DecodeOptions{MaxDepth: opt.MaxDepth, SkipUnknown: opt.SkipUnknown, Commands: newCommand})
	if !d.Root() {
		return doc, d.Err()
	}
	if d.Local() != "BroadsoftDocument" {
		d.Fail(ocixml.RuleRootElement, "root element must be BroadsoftDocument")
		return doc, d.Err()
	}
	doc.Protocol = d.Attr("protocol")
	for lvl := d.Depth(); d.Child(lvl); {
		switch d.Local() {
		case "sessionId":
			doc.SessionID = ocixml.Replace(d.Text())
		case "userId":
			doc.UserID = d.Token()
		case "phoneNumber":
			doc.PhoneNumber = d.Token()
		case "linePort":
			doc.LinePort = d.Token()
		case "trackingId":
			doc.TrackingID = d.Token()
		case "externalUserIdentity":
			doc.ExternalUserIdentity = new(core.ExternalUserIdentity)
			doc.ExternalUserIdentity.DecodeXML(d)
		case "command":
			if len(doc.Commands) == maxCmd {
				d.Fail(ocixml.RuleCommands, "a document may carry at most "+strconv.Itoa(maxCmd)+" commands")
				break
			}
			c := d.NewCommand()
			if c == nil {
				break
			}
			c.DecodeXML(d)
			if doc.Commands == nil {
				doc.Commands = make([]ocixml.Command, 0, 1)
			}
			doc.Commands = append(doc.Commands, c)
		default:
			d.Unknown()
		}
	}
	if err := d.End(); err != nil {
		return doc, err
	}
	if doc.SessionID == "" && doc.UserID == "" && doc.PhoneNumber == "" && doc.LinePort == "" && doc.ExternalUserIdentity == nil {
		return doc, &ocixml.Error{Path: "BroadsoftDocument", Rule: ocixml.RuleRequired, Detail: "sessionId (or another sender identity) is missing"}
	}
	if len(doc.Commands) == 0 {
		return doc, &ocixml.Error{Path: "BroadsoftDocument", Rule: ocixml.RuleRequired, Detail: "the document carries no command"}
	}
	if opt.Validate {
		for i, c := range doc.Commands {
			if err := c.Validate(); err != nil {
				return doc, ocixml.At("BroadsoftDocument/command["+strconv.Itoa(i)+"]["+c.XSIType()+"]", err)
			}
		}
	}
	return doc, nil
}

func checkSize(n int, opt DecodeOptions) error {
	limit := opt.MaxSize
	if limit <= 0 {
		limit = ocixml.DefaultMaxDocumentSize
	}
	if n > limit {
		return &ocixml.Error{Rule: ocixml.RuleSize, Detail: "document of " + strconv.Itoa(n) + " bytes exceeds the limit of " + strconv.Itoa(limit)}
	}
	return nil
}

// Declaration is the XML declaration of the canonical form: every byte the
// encoder writes is ASCII, so declaring ISO-8859-1 is truthful and is the one
// choice that all known clients decode correctly.
const Declaration = `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n"

// AppendXML appends the document in the canonical form real servers use:
// declaration, root in namespace "C" with the xsi prefix, sessionId and
// every command carrying xmlns="", c:-prefixed types from namespace C, and
// a newline after the root end tag (one C# client waits for exactly
// "</BroadsoftDocument>\n").
func (doc *Document) AppendXML(b []byte) []byte {
	b = append(b, Declaration...)
	b = append(b, `<BroadsoftDocument protocol="`...)
	if doc.Protocol == "" {
		b = append(b, "OCI"...)
	} else {
		b = ocixml.AppendEscaped(b, doc.Protocol)
	}
	b = append(b, `" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`...)
	switch {
	case doc.SessionID != "":
		b = appendUnqualified(b, "sessionId", doc.SessionID)
	case doc.UserID != "":
		b = appendUnqualified(b, "userId", doc.UserID)
	case doc.PhoneNumber != "":
		b = appendUnqualified(b, "phoneNumber", doc.PhoneNumber)
	case doc.LinePort != "":
		b = appendUnqualified(b, "linePort", doc.LinePort)
	case doc.ExternalUserIdentity != nil:
		b = append(b, `<externalUserIdentity xmlns="">`...)
		b = doc.ExternalUserIdentity.AppendXML(b)
		b = append(b, "</externalUserIdentity>"...)
	default:
		b = append(b, `<sessionId xmlns=""/>`...)
	}
	if doc.TrackingID != "" {
		b = appendUnqualified(b, "trackingId", doc.TrackingID)
	}
	for _, c := range doc.Commands {
		b = AppendCommand(b, c)
	}
	return append(b, "</BroadsoftDocument>\n"...)
}

func appendUnqualified(b []byte, name, v string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, ` xmlns="">`...)
	b = ocixml.AppendEscaped(b, v)
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// AppendCommand appends one command element in the canonical form:
// attributes (type, echo …), xsi:type, xmlns:c for namespace-C types, and
// xmlns="" last, as captured from real servers.
func AppendCommand(b []byte, c ocixml.Command) []byte {
	b = append(b, "<command"...)
	b = c.AppendAttrs(b)
	t := c.XSIType()
	b = append(b, ` xsi:type="`...)
	b = append(b, t...)
	b = append(b, '"')
	if len(t) > 2 && t[:2] == "c:" {
		b = append(b, ` xmlns:c="C"`...)
	}
	b = append(b, ` xmlns="">`...)
	mark := len(b)
	b = c.AppendXML(b)
	if len(b) == mark {
		return append(b[:mark-1], "/>"...)
	}
	return append(b, "</command>"...)
}

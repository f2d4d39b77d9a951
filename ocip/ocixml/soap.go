package ocixml

import (
	"strings"
	"unicode/utf8"
)

// OCI-P over SOAP 1.1, as the Axis 1.4 "wrapped" document/literal service
// of BroadWorks (operation processOCIMessage, one xsd:string in, one out)
// carries it. The OCI-P document travels as escaped text; everything SOAP
// adds around it is fixed boilerplate.

// RuleSOAP reports a SOAP envelope that is well-formed XML but not a
// processOCIMessage call or response.
const RuleSOAP = "soap"

// SOAPNamespace is the SOAP 1.1 envelope namespace.
const SOAPNamespace = "http://schemas.xmlsoap.org/soap/envelope/"

// SOAPServiceNamespace is the target namespace of the BroadWorks WSDL.
const SOAPServiceNamespace = "urn:com:broadsoft:webservice"

// SOAPResponseForm selects how AppendSOAPResponse qualifies the response
// wrapper; clients disagree on it.
type SOAPResponseForm int

const (
	// SOAPQualified puts processOCIMessageResponse and its return element in
	// the service namespace, as the WSDL (elementFormDefault="qualified")
	// and .NET WCF proxies expect.
	SOAPQualified SOAPResponseForm = iota
	// SOAPLegacyAxis reproduces real BroadWorks output: the wrapper in no
	// namespace, the return element qualified with ns1. Clients written
	// against captured traffic match exactly that path.
	SOAPLegacyAxis
)

const (
	soapResponseHead = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`
	soapTail         = `</soapenv:Body></soapenv:Envelope>`

	soapQualifiedOpen  = `<processOCIMessageResponse xmlns="urn:com:broadsoft:webservice"><processOCIMessageReturn>`
	soapQualifiedClose = `</processOCIMessageReturn></processOCIMessageResponse>`
	soapLegacyOpen     = `<processOCIMessageResponse xmlns=""><ns1:processOCIMessageReturn xmlns:ns1="urn:com:broadsoft:webservice">`
	soapLegacyClose    = `</ns1:processOCIMessageReturn></processOCIMessageResponse>`

	soapRequestHead = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><processOCIMessage xmlns="urn:com:broadsoft:webservice"><in0>`
	soapRequestTail = `</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`
)

// SOAPFault is a SOAP 1.1 Fault. The server sends one only for transport
// and session problems (OCI-P errors travel as ErrorResponse documents);
// UnwrapSOAPResponse returns it as the error when a server sent one.
type SOAPFault struct {
	Code   string // faultcode, a QName such as "soapenv:Server.generalException"
	String string // faultstring, e.g. "INVALID_REQUEST"
	Actor  string // faultactor, optional
	Detail string // text of detail/string, optional
}

func (f *SOAPFault) Error() string {
	var b strings.Builder
	b.WriteString("soap fault ")
	b.WriteString(f.Code)
	b.WriteString(": ")
	b.WriteString(f.String)
	if f.Detail != "" {
		b.WriteString(" (")
		b.WriteString(f.Detail)
		b.WriteByte(')')
	}
	return b.String()
}

// AppendSOAPRequest wraps an OCI-P request document like the WSDL-driven
// clients do: processOCIMessage and in0 in the service namespace.
func AppendSOAPRequest(dst []byte, doc []byte) []byte {
	dst = append(dst, soapRequestHead...)
	dst = appendSOAPText(dst, doc)
	return append(dst, soapRequestTail...)
}

// AppendSOAPResponse wraps an OCI-P response document (the full XML text
// including its declaration) for the HTTP response body.
func AppendSOAPResponse(dst []byte, doc []byte, form SOAPResponseForm) []byte {
	open, closing := soapQualifiedOpen, soapQualifiedClose
	if form == SOAPLegacyAxis {
		open, closing = soapLegacyOpen, soapLegacyClose
	}
	dst = append(dst, soapResponseHead...)
	dst = append(dst, open...)
	dst = appendSOAPText(dst, doc)
	dst = append(dst, closing...)
	return append(dst, soapTail...)
}

// AppendSOAPFault writes a SOAP 1.1 Fault envelope. An empty Code becomes
// soapenv:Server, since faultcode is required; faultactor and detail are
// left out when empty.
func AppendSOAPFault(dst []byte, f SOAPFault) []byte {
	code := f.Code
	if code == "" {
		code = "soapenv:Server"
	}
	dst = append(dst, soapResponseHead...)
	dst = append(dst, "<soapenv:Fault><faultcode>"...)
	dst = appendSOAPText(dst, []byte(code))
	dst = append(dst, "</faultcode><faultstring>"...)
	dst = appendSOAPText(dst, []byte(f.String))
	dst = append(dst, "</faultstring>"...)
	if f.Actor != "" {
		dst = append(dst, "<faultactor>"...)
		dst = appendSOAPText(dst, []byte(f.Actor))
		dst = append(dst, "</faultactor>"...)
	}
	if f.Detail != "" {
		dst = append(dst, "<detail><string>"...)
		dst = appendSOAPText(dst, []byte(f.Detail))
		dst = append(dst, "</string></detail>"...)
	}
	dst = append(dst, "</soapenv:Fault>"...)
	return append(dst, soapTail...)
}

// appendSOAPText escapes s as element content of a UTF-8 envelope. Unlike
// AppendEscaped it keeps non-ASCII as UTF-8 (the envelope is UTF-8, and
// real servers escape only markup and quotes). CR is written as a reference
// so that the receiver's line-end normalisation cannot alter the inner
// document; bytes XML cannot carry become U+FFFD so that the envelope stays
// well-formed whatever it is given.
func appendSOAPText(dst []byte, s []byte) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var rep string
		n := 1
		switch {
		case c == '&':
			rep = "&amp;"
		case c == '<':
			rep = "&lt;"
		case c == '>':
			rep = "&gt;"
		case c == '"':
			rep = "&quot;"
		case c == '\r':
			rep = "&#13;"
		case c >= 0x20 && c < utf8.RuneSelf || c == '\n' || c == '\t':
			i++
			continue
		case c < 0x20:
			rep = "\uFFFD"
		default:
			r, size := utf8.DecodeRune(s[i:])
			if (r != utf8.RuneError || size > 1) && isXMLChar(r) {
				i += size
				continue
			}
			rep, n = "\uFFFD", size
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, rep...)
		i += n
		last = i
	}
	return append(dst, s[last:]...)
}

// UnwrapSOAPRequest extracts the OCI-P document carried by a
// processOCIMessage SOAP request body.
//
// It accepts every request shape seen from real clients: any envelope
// prefix or namespace, an optional Header, the wrapper processOCIMessage (or
// processMessage) in any namespace, its first child element under any name
// (in0, arg0, qualified or not), and the document as escaped text or CDATA.
// SOAPAction, encodingStyle and xsi:type are ignored. A document that was
// escaped twice (its text starts with "&lt;") is unescaped once more.
//
// The result is UTF-8 text; its own XML declaration may still name another
// encoding, which the Decoder ignores, so it must not go through ToUTF8
// again.
func UnwrapSOAPRequest(body []byte) (string, error) {
	return UnwrapSOAPRequestCharset(body, "")
}

// UnwrapSOAPRequestCharset is UnwrapSOAPRequest for a body whose charset the
// HTTP Content-Type names: it applies when the body has no XML declaration
// naming one (a hand-built client sends Latin-1 that way).
func UnwrapSOAPRequestCharset(body []byte, httpCharset string) (string, error) {
	d, err := soapOpenBody(body, httpCharset)
	if err != nil {
		return "", err
	}
	bodyLvl := d.Depth()
	found := false
	for d.Child(bodyLvl) {
		if l := d.Local(); l == "processOCIMessage" || l == "processMessage" {
			found = true
			break
		}
	}
	if !found {
		return "", soapErr(d, "Envelope/Body", "no processOCIMessage element in SOAP Body")
	}
	wrapper := d.Local()
	wrapLvl := d.Depth()
	if !d.Child(wrapLvl) {
		return "", soapErr(d, "Envelope/Body/"+wrapper, wrapper+" has no in0 element carrying the OCI-P document")
	}
	arg := d.Local()
	doc := d.Text()
	if err := soapFinish(d); err != nil {
		return "", err
	}
	path := "Envelope/Body/" + wrapper + "/" + arg
	if isSpace(doc) {
		return "", &Error{Path: path, Rule: RuleSOAP, Detail: arg + " is empty: no OCI-P document"}
	}
	if strings.HasPrefix(trimLeftSpace(doc), "&lt;") {
		// Some clients escape the document before handing it to an XML
		// library that escapes it again.
		var ok bool
		if doc, ok = unescapeRefs(doc); !ok {
			return "", &Error{Path: path, Rule: RuleSyntax, Detail: "malformed reference in doubly escaped OCI-P document"}
		}
	}
	return doc, nil
}

// UnwrapSOAPResponse returns the OCI-P document from a SOAP response body,
// or a *SOAPFault error when the body is a Fault. The return element is
// found by local name anywhere under the Body's first child, which covers
// both SOAPResponseForm shapes and other servers' variants.
func UnwrapSOAPResponse(body []byte) (string, error) {
	d, err := soapOpenBody(body, "")
	if err != nil {
		return "", err
	}
	bodyLvl := d.Depth()
	if !d.Child(bodyLvl) {
		return "", soapErr(d, "Envelope/Body", "empty SOAP Body")
	}
	if d.Local() == "Fault" {
		f := soapReadFault(d)
		if err := soapFinish(d); err != nil {
			return "", err
		}
		return "", f
	}
	first := d.Local()
	if !soapFind(d) {
		return "", soapErr(d, "Envelope/Body/"+first, "no processOCIMessageReturn element in SOAP response")
	}
	doc := d.Text()
	if err := soapFinish(d); err != nil {
		return "", err
	}
	if isSpace(doc) {
		return "", &Error{Path: "Envelope/Body/" + first, Rule: RuleSOAP, Detail: "processOCIMessageReturn is empty: no OCI-P document"}
	}
	return doc, nil
}

// soapOpenBody transcodes body and positions a decoder inside the Body
// element of its Envelope.
func soapOpenBody(body []byte, httpCharset string) (*Decoder, error) {
	src, err := ToUTF8(body, CharsetOptions{PreferUTF8: true, Default: httpCharset})
	if err != nil {
		return nil, err
	}
	d := NewDecoder(src, DecodeOptions{})
	if !d.Root() {
		return nil, d.Err()
	}
	if d.Local() != "Envelope" {
		// The namespace is not checked: SOAP 1.2 or a mistyped URI would
		// still carry a usable request.
		return nil, &Error{Path: d.Local(), Rule: RuleSOAP, Detail: "root element is " + d.Local() + ", not a SOAP Envelope"}
	}
	for d.Child(1) {
		if d.Local() == "Body" {
			return d, nil
		}
		// Header and anything else before Body is skipped.
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return nil, &Error{Path: "Envelope", Rule: RuleSOAP, Detail: "no Body element in SOAP Envelope"}
}

// soapErr prefers a syntax error the decoder met over the structural one:
// a truncated envelope should be reported as such.
func soapErr(d *Decoder, path, detail string) error {
	if err := d.Err(); err != nil {
		return err
	}
	return &Error{Path: path, Rule: RuleSOAP, Detail: detail}
}

// soapFinish reads the rest of the envelope so that a truncated or broken
// body is not taken as a good request.
func soapFinish(d *Decoder) error {
	for d.Err() == nil && d.Depth() > 0 {
		lvl := d.Depth()
		for d.Child(lvl) {
		}
	}
	return d.End()
}

// soapFind searches depth-first within the current element for the return
// element, leaving the decoder on it when found. Text elsewhere is skipped:
// only the return element's content matters.
func soapFind(d *Decoder) bool {
	target := d.Depth() - 1
	for d.Err() == nil && d.Depth() > target {
		switch d.next() {
		case kindStart:
			if l := d.Local(); l == "processOCIMessageReturn" || l == "processMessageReturn" {
				return true
			}
		case kindEOF:
			return false
		}
	}
	return false
}

// soapReadFault reads the Fault element the decoder is on. Children are
// matched by local name, ignoring any prefix.
func soapReadFault(d *Decoder) *SOAPFault {
	f := &SOAPFault{}
	lvl := d.Depth()
	for d.Child(lvl) {
		switch d.Local() {
		case "faultcode":
			f.Code = trimSpace(d.Text())
		case "faultstring":
			f.String = d.Text()
		case "faultactor":
			f.Actor = trimSpace(d.Text())
		case "detail", "Detail": // SOAP 1.2 capitalises it
			f.Detail = soapDetail(d)
		}
	}
	return f
}

// soapDetail reads a fault detail: the text of its string child as
// AppendSOAPFault writes it, otherwise all text within it, one line per
// text node (Axis adds elements such as hostname and stackTrace). It walks
// tokens rather than calling Text so that unexpected markup inside the
// detail does not turn a fault into a syntax error.
func soapDetail(d *Decoder) string {
	target := d.Depth() - 1
	var parts []string
	var str strings.Builder
	strDepth := 0 // depth of the string child while inside it
	hasStr := false
	for d.Err() == nil && d.Depth() > target {
		switch d.next() {
		case kindStart:
			if !hasStr && d.Depth() == target+2 && d.Local() == "string" {
				hasStr, strDepth = true, d.Depth()
			}
		case kindEnd:
			if d.Depth() < strDepth {
				strDepth = 0
			}
		case kindText:
			if strDepth > 0 {
				str.WriteString(d.text)
			} else if t := trimSpace(d.text); t != "" {
				parts = append(parts, t)
			}
		case kindEOF:
			return ""
		}
	}
	if hasStr {
		return str.String()
	}
	return strings.Join(parts, "\n")
}

func trimLeftSpace(s string) string {
	for len(s) > 0 && isSpaceByte(s[0]) {
		s = s[1:]
	}
	return s
}

// unescapeRefs resolves the five predefined entities and numeric character
// references in s, leaving everything else as is. It reports false for a
// reference it cannot resolve or one that names a character XML forbids.
func unescapeRefs(s string) (string, bool) {
	i := strings.IndexByte(s, '&')
	if i < 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i >= 0 {
		b = append(b, s[:i]...)
		s = s[i:]
		end := strings.IndexByte(s, ';')
		if end < 2 || end > 12 {
			return "", false
		}
		name := s[1:end]
		switch name {
		case "lt":
			b = append(b, '<')
		case "gt":
			b = append(b, '>')
		case "amp":
			b = append(b, '&')
		case "quot":
			b = append(b, '"')
		case "apos":
			b = append(b, '\'')
		default:
			r, ok := parseCharRef(name)
			if !ok {
				return "", false
			}
			b = utf8.AppendRune(b, r)
		}
		s = s[end+1:]
		i = strings.IndexByte(s, '&')
	}
	return string(append(b, s...)), true
}

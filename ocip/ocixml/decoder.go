package ocixml

import (
	"strings"
	"unicode/utf8"
)

// XSINamespace is the XML Schema instance namespace that carries xsi:type and xsi:nil.
const XSINamespace = "http://www.w3.org/2001/XMLSchema-instance"

// DefaultMaxDepth bounds element nesting. OCI-P documents are shallow (about 8
// levels); the bound stops stack-exhaustion inputs early.
const DefaultMaxDepth = 64

// DecodeOptions tune a Decoder.
type DecodeOptions struct {
	// MaxDepth is the deepest element nesting accepted; 0 means DefaultMaxDepth.
	MaxDepth int
	// SkipUnknown makes generated decoders ignore elements the schema does not
	// know. Clients set it so that a newer server's extra elements do not break
	// them; the server leaves it off and rejects such documents.
	SkipUnknown bool
	// Commands resolves an xsi:type name to a new command value. The command
	// set spans every schema package, so the registry (package schema) is
	// handed in rather than imported.
	Commands func(name string) (Command, bool)
}

// token kinds produced by next.
const (
	kindNone = iota
	kindStart
	kindEnd
	kindText
	kindEOF
)

// frame is one open element. push writes it field by field (see push): a
// field added here must be added there too.
type frame struct {
	qname   string // raw name as written, for matching the end tag
	local   string
	xsiType string // local part of xsi:type, "" when absent
	nsLen   int    // namespace bindings in force before this element
	isNil   bool
}

type nsBinding struct{ prefix, uri string }

type attr struct {
	prefix, local, raw string
}

// Decoder is a pull parser over one whole, already framed XML document held
// in memory. It never copies text that needs no unescaping: values returned
// by Text and friends are substrings of the source, so they keep the source
// alive. That trade (one copy of the document, then zero-copy fields) is what
// keeps a typical OCI-P decode within a few dozen allocations.
//
// Generated code drives it with Child/Local/Text/Skip; errors are sticky: the
// first failure stops all further progress and is returned by Err.
type Decoder struct {
	src      string
	pos      int
	err      error
	opts     DecodeOptions
	maxDepth int

	stack    []frame
	ns       []nsBinding
	attrs    []attr
	selfEnd  bool // the last start tag was self-closing: its end is pending
	rootDone bool
	// lastClosed names the element most recently closed (local and xsiType
	// only; pop leaves the other fields unset), for errors about
	// missing children reported after its end tag.
	lastClosed frame

	text    string // last text token
	textWS  bool   // last text token is whitespace only
	scratch []byte // entity and newline decoding of one token
	acc     []byte // joins the tokens of one text value

	stackBuf [16]frame
	nsBuf    [8]nsBinding
	attrBuf  [8]attr
}

// NewDecoder returns a decoder over src (UTF-8 text).
func NewDecoder(src string, opts DecodeOptions) *Decoder {
	d := &Decoder{}
	d.Reset(src, opts)
	return d
}

// Reset prepares d to decode src, reusing its buffers.
func (d *Decoder) Reset(src string, opts DecodeOptions) {
	d.src, d.pos, d.err, d.opts = src, 0, nil, opts
	d.maxDepth = opts.MaxDepth
	if d.maxDepth <= 0 {
		d.maxDepth = DefaultMaxDepth
	}
	if d.stack == nil {
		d.stack, d.ns, d.attrs = d.stackBuf[:0], d.nsBuf[:0], d.attrBuf[:0]
	}
	d.stack, d.ns, d.attrs = d.stack[:0], d.ns[:0], d.attrs[:0]
	d.selfEnd, d.rootDone = false, false
	d.text, d.textWS = "", false
	if i := checkChars(src); i >= 0 {
		d.failAt(i, RuleSyntax, "character not allowed in XML")
	}
}

// NewCommand returns a new command for the current element's xsi:type, or
// records an error and returns nil.
func (d *Decoder) NewCommand() Command {
	t := d.XSIType()
	if d.opts.Commands != nil && t != "" {
		if c, ok := d.opts.Commands(t); ok {
			return c
		}
	}
	if t == "" {
		d.fail(RuleXSIType, "command without xsi:type")
	} else {
		d.fail(RuleXSIType, "invalid xsi:type qname '"+t+"'")
	}
	return nil
}

// SkipUnknown reports whether unknown elements are ignored.
func (d *Decoder) SkipUnknown() bool { return d.opts.SkipUnknown }

// Err returns the first error met, or nil.
func (d *Decoder) Err() error { return d.err }

// Depth is the number of open elements. Generated decoders capture it on
// entry and pass it to Child, which is how nesting is kept straight without
// per-call frames.
func (d *Decoder) Depth() int { return len(d.stack) }

// Local is the local name of the element Child or Root just opened.
func (d *Decoder) Local() string {
	if len(d.stack) == 0 {
		return ""
	}
	return d.stack[len(d.stack)-1].local
}

// XSIType is the local part of the current element's xsi:type ("" if absent).
// The prefix is dropped: clients use c:, C:, ns0: or none.
func (d *Decoder) XSIType() string {
	if len(d.stack) == 0 {
		return ""
	}
	return d.stack[len(d.stack)-1].xsiType
}

// Nil reports whether the current element carries xsi:nil="true".
func (d *Decoder) Nil() bool {
	if len(d.stack) == 0 {
		return false
	}
	return d.stack[len(d.stack)-1].isNil
}

// Attr returns the value of the current element's attribute with the given
// local name and no prefix, or "" when absent.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func (d *Decoder) Attr(local string) string {
	v, _ := d.LookupAttr(local)
	return v
}

// LookupAttr is Attr that also reports presence.
func (d *Decoder) LookupAttr(local string) (string, bool) {
	for _, a := range d.attrs {
		if a.prefix == "" && a.local == local {
			return d.attrValue(a.raw), true
		}
	}
	return "", false
}

// Root reads the prolog and opens the root element. It returns false when
// the document is empty or broken.
func (d *Decoder) Root() bool {
	if d.err != nil {
		return false
	}
	for {
		switch d.next() {
		case kindStart:
			return true
		case kindText:
			if !d.textWS {
				d.fail(RuleSyntax, "text before the root element")
				return false
			}
		case kindEOF:
			if d.err == nil {
				d.fail(RuleSyntax, "no root element")
			}
			return false
		default:
			return false
		}
	}
}

// Child advances to the next child element of the element at depth lvl,
// skipping whatever remains of the previous child. It returns false when the
// element at depth lvl ends or on error.
func (d *Decoder) Child(lvl int) bool {
	for len(d.stack) > lvl && d.err == nil {
		d.skipTop()
	}
	if d.err != nil || len(d.stack) < lvl {
		return false
	}
	for {
		switch d.next() {
		case kindStart:
			return true
		case kindEnd:
			return false
		case kindText:
			if !d.textWS {
				d.fail(RuleSyntax, "unexpected text in element content")
				return false
			}
		default:
			if d.err == nil {
				d.fail(RuleSyntax, "unexpected end of document")
			}
			return false
		}
	}
}

// Skip discards the current element and its content.
func (d *Decoder) Skip() {
	if d.err == nil && len(d.stack) > 0 {
		d.skipTop()
	}
}

// Unknown handles an element the schema does not allow here: skipped when
// SkipUnknown is set, an error otherwise.
func (d *Decoder) Unknown() {
	if d.opts.SkipUnknown {
		d.Skip()
		return
	}
	d.fail(RuleUnknown, "element not allowed here")
}

// Text reads the character content of the current element and closes it.
// Entities and CDATA are resolved; line ends are normalised to \n.
func (d *Decoder) Text() string {
	if d.err != nil || len(d.stack) == 0 {
		return ""
	}
	target := len(d.stack) - 1
	var out string
	n := 0
	for {
		switch d.next() {
		case kindText:
			if n == 0 {
				out = d.text
			} else {
				if n == 1 {
					d.acc = append(d.acc[:0], out...)
				}
				d.acc = append(d.acc, d.text...)
			}
			n++
		case kindEnd:
			if len(d.stack) == target {
				if n > 1 {
					out = string(d.acc)
				}
				return out
			}
		case kindStart:
			d.fail(RuleSyntax, "element found where text was expected")
			return ""
		default:
			if d.err == nil {
				d.fail(RuleSyntax, "unexpected end of document")
			}
			return ""
		}
	}
}

// End checks that nothing but whitespace, comments and processing
// instructions follows the root element.
func (d *Decoder) End() error {
	for d.err == nil {
		switch d.next() {
		case kindEOF:
			return d.err
		case kindText:
			if !d.textWS {
				d.fail(RuleSyntax, "text after the root element")
			}
		default:
			d.fail(RuleSyntax, "content after the root element")
		}
	}
	return d.err
}

// Mark is a saved decoder position, used to try several interpretations of
// one element (xsi:type inference).
type Mark struct {
	pos      int
	stack    int
	top      frame
	ns       int
	selfEnd  bool
	rootDone bool
}

// Mark saves the position at the current element's start.
func (d *Decoder) Mark() Mark {
	m := Mark{pos: d.pos, stack: len(d.stack), ns: len(d.ns), selfEnd: d.selfEnd, rootDone: d.rootDone}
	if len(d.stack) > 0 {
		m.top = d.stack[len(d.stack)-1]
	}
	return m
}

// Rewind returns to m and clears any error met since.
func (d *Decoder) Rewind(m Mark) {
	d.pos, d.selfEnd, d.rootDone, d.err = m.pos, m.selfEnd, m.rootDone, nil
	d.stack = d.stack[:m.stack]
	if m.stack > 0 {
		d.stack[m.stack-1] = m.top
	}
	d.ns = d.ns[:m.ns]
}

// SetSkipUnknown changes the unknown-element policy and returns the old one;
// inference forces strictness so that a wrong guess fails.
func (d *Decoder) SetSkipUnknown(v bool) bool {
	old := d.opts.SkipUnknown
	d.opts.SkipUnknown = v
	return old
}

func (d *Decoder) skipTop() {
	target := len(d.stack) - 1
	for d.err == nil && len(d.stack) > target {
		if d.next() == kindEOF && d.err == nil {
			d.fail(RuleSyntax, "unexpected end of document")
		}
	}
}

// next scans one token. Comments and processing instructions are consumed
// silently.
func (d *Decoder) next() int {
	if d.err != nil {
		return kindEOF
	}
	if d.selfEnd {
		d.selfEnd = false
		d.pop()
		return kindEnd
	}
	s := d.src
	for {
		if d.pos >= len(s) {
			if len(d.stack) > 0 {
				d.fail(RuleSyntax, "unexpected end of document")
			}
			return kindEOF
		}
		if s[d.pos] != '<' {
			return d.scanText()
		}
		if d.pos+1 >= len(s) {
			d.fail(RuleSyntax, "unexpected end of document")
			return kindEOF
		}
		switch s[d.pos+1] {
		case '/':
			return d.scanEnd()
		case '?':
			end := strings.Index(s[d.pos+2:], "?>")
			if end < 0 {
				d.fail(RuleSyntax, "unterminated processing instruction")
				return kindEOF
			}
			d.pos += 2 + end + 2
		case '!':
			rest := s[d.pos:]
			switch {
			case strings.HasPrefix(rest, "<!--"):
				end := strings.Index(rest[4:], "-->")
				if end < 0 {
					d.fail(RuleSyntax, "unterminated comment")
					return kindEOF
				}
				d.pos += 4 + end + 3
			case strings.HasPrefix(rest, "<![CDATA["):
				if len(d.stack) == 0 {
					d.fail(RuleSyntax, "CDATA outside the root element")
					return kindEOF
				}
				end := strings.Index(rest[9:], "]]>")
				if end < 0 {
					d.fail(RuleSyntax, "unterminated CDATA section")
					return kindEOF
				}
				raw := rest[9 : 9+end]
				d.pos += 9 + end + 3
				d.text = raw
				if strings.IndexByte(raw, '\r') >= 0 {
					d.text = string(normalizeNewlines(d.scratch[:0], raw))
				}
				d.textWS = false
				return kindText
			case strings.HasPrefix(rest, "<!DOCTYPE"):
				d.fail(RuleDoctype, "DOCTYPE is not allowed")
				return kindEOF
			default:
				d.fail(RuleSyntax, "unexpected markup declaration")
				return kindEOF
			}
		default:
			return d.scanStart()
		}
	}
}

func (d *Decoder) scanText() int {
	s := d.src
	start := d.pos
	end := strings.IndexByte(s[start:], '<')
	if end < 0 {
		end = len(s)
	} else {
		end += start
	}
	raw := s[start:end]
	d.pos = end
	if len(d.stack) == 0 {
		// Outside the root only whitespace may appear; report it as such.
		d.text, d.textWS = raw, isSpace(raw)
		return kindText
	}
	if !needsUnescape(raw) {
		d.text, d.textWS = raw, isSpace(raw)
		return kindText
	}
	buf, ok := d.unescape(d.scratch[:0], raw, start)
	if !ok {
		return kindEOF
	}
	d.scratch = buf[:0]
	d.text = string(buf)
	d.textWS = isSpace(d.text) && strings.IndexByte(raw, '&') < 0
	return kindText
}

// needsUnescape reports whether raw holds '&' or '\r'. Most values are a
// few bytes long, where one plain loop beats two calls to IndexByte.
func needsUnescape(raw string) bool {
	if len(raw) > 32 {
		return strings.IndexByte(raw, '&') >= 0 || strings.IndexByte(raw, '\r') >= 0
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c == '&' || c == '\r' {
			return true
		}
	}
	return false
}

func (d *Decoder) scanEnd() int {
	s := d.src
	i := d.pos + 2
	// Fast path: the end tag names the open element, directly followed by
	// '>'. Anything else takes the general path below, which reports errors.
	if n := len(d.stack); n > 0 {
		q := d.stack[n-1].qname
		if e := i + len(q); e < len(s) && s[e] == '>' && s[i:e] == q {
			d.pos = e + 1
			d.pop()
			return kindEnd
		}
	}
	j := i
	for j < len(s) && !isNameEnd(s[j]) {
		j++
	}
	name := s[i:j]
	for j < len(s) && isSpaceByte(s[j]) {
		j++
	}
	if j >= len(s) || s[j] != '>' {
		d.fail(RuleSyntax, "malformed end tag")
		return kindEOF
	}
	if len(d.stack) == 0 {
		d.fail(RuleSyntax, "end tag without start tag")
		return kindEOF
	}
	if top := &d.stack[len(d.stack)-1]; top.qname != name {
		d.fail(RuleSyntax, "end tag </"+name+"> does not match <"+top.qname+">")
		return kindEOF
	}
	d.pos = j + 1
	d.pop()
	return kindEnd
}

// push opens an element. The frame is written field by field in place:
// building it in a local and appending it made the CPU reload the fresh
// 8-byte stores as 16-byte words, a store-forwarding stall that cost more
// than the rest of scanStart. An empty xsiType is not written over an empty
// one: while the GC marks, every pointer store goes through its write
// barrier, and most elements have no xsi:type.
func (d *Decoder) push(qname, local, xsiType string, nsLen int, isNil bool) {
	n := len(d.stack)
	if n < cap(d.stack) {
		d.stack = d.stack[:n+1]
	} else {
		d.stack = append(d.stack, frame{})
	}
	f := &d.stack[n]
	f.qname, f.local, f.nsLen, f.isNil = qname, local, nsLen, isNil
	if xsiType != "" || f.xsiType != "" {
		f.xsiType = xsiType
	}
}

func (d *Decoder) pop() {
	// lastClosed keeps only what closedPath reads (local and xsiType), with
	// the same care for pointer stores as push.
	top, last := &d.stack[len(d.stack)-1], &d.lastClosed
	last.local = top.local
	if top.xsiType != "" || last.xsiType != "" {
		last.xsiType = top.xsiType
	}
	d.ns = d.ns[:top.nsLen]
	d.stack = d.stack[:len(d.stack)-1]
	if len(d.stack) == 0 {
		d.rootDone = true
	}
}

func (d *Decoder) scanStart() int {
	s := d.src
	if d.rootDone {
		d.fail(RuleSyntax, "second root element")
		return kindEOF
	}
	i := d.pos + 1
	j, colon, ok := scanName(s, i)
	if !ok {
		d.fail(RuleSyntax, "malformed element name")
		return kindEOF
	}
	if len(d.stack) >= d.maxDepth {
		d.fail(RuleDepth, "element nesting deeper than the limit")
		return kindEOF
	}
	qname, local := s[i:j], s[i:j]
	if colon >= 0 {
		local = s[colon+1 : j]
	}
	nsLen := len(d.ns)
	var xsiType string
	isNil := false
	d.attrs = d.attrs[:0]
	self := false
	for {
		for j < len(s) && isSpaceByte(s[j]) {
			j++
		}
		if j >= len(s) {
			d.fail(RuleSyntax, "unterminated start tag")
			return kindEOF
		}
		if s[j] == '>' {
			j++
			break
		}
		if s[j] == '/' {
			if j+1 < len(s) && s[j+1] == '>' {
				self = true
				j += 2
				break
			}
			d.fail(RuleSyntax, "malformed start tag")
			return kindEOF
		}
		// attribute
		k, colon, ok := scanName(s, j)
		name, prefix, local := s[j:k], "", s[j:k]
		if ok && colon >= 0 {
			prefix, local = s[j:colon], s[colon+1:k]
		}
		for k < len(s) && isSpaceByte(s[k]) {
			k++
		}
		if !ok || k >= len(s) || s[k] != '=' {
			d.fail(RuleSyntax, "malformed attribute")
			return kindEOF
		}
		k++
		for k < len(s) && isSpaceByte(s[k]) {
			k++
		}
		if k >= len(s) || (s[k] != '"' && s[k] != '\'') {
			d.fail(RuleSyntax, "attribute value must be quoted")
			return kindEOF
		}
		q := s[k]
		end := strings.IndexByte(s[k+1:], q)
		if end < 0 {
			d.fail(RuleSyntax, "unterminated attribute value")
			return kindEOF
		}
		raw := s[k+1 : k+1+end]
		if strings.IndexByte(raw, '<') >= 0 {
			d.fail(RuleSyntax, "'<' in attribute value")
			return kindEOF
		}
		j = k + 1 + end + 1
		if j < len(s) && !isSpaceByte(s[j]) && s[j] != '>' && s[j] != '/' {
			d.fail(RuleSyntax, "missing space between attributes")
			return kindEOF
		}
		for _, a := range d.attrs {
			if a.prefix == prefix && a.local == local {
				d.fail(RuleSyntax, "duplicate attribute "+name)
				return kindEOF
			}
		}
		if prefix == "xmlns" {
			d.ns = append(d.ns, nsBinding{prefix: local, uri: raw})
		}
		d.attrs = append(d.attrs, attr{prefix: prefix, local: local, raw: raw})
	}
	// Resolve xsi:type and xsi:nil after all bindings of this tag are known.
	for _, a := range d.attrs {
		if a.prefix == "" || a.prefix == "xmlns" || (a.local != "type" && a.local != "nil") {
			continue
		}
		if !d.isXSIPrefix(a.prefix) {
			continue
		}
		v := d.attrValue(a.raw)
		if d.err != nil {
			return kindEOF
		}
		if a.local == "type" {
			xsiType = localPart(trimSpace(v))
		} else {
			switch trimSpace(v) {
			case "true", "1":
				isNil = true
			}
		}
	}
	d.pos = j
	d.push(qname, local, xsiType, nsLen, isNil)
	d.selfEnd = self
	return kindStart
}

// isXSIPrefix decides whether an attribute prefix means the XSI namespace.
// Declared prefixes are resolved; the undeclared prefixes xsi and C are taken
// as XSI because well-known clients send them that way (mercury-fast writes
// C:nil without declaring C).
func (d *Decoder) isXSIPrefix(p string) bool {
	if p == "xsi" {
		return true
	}
	for i := len(d.ns) - 1; i >= 0; i-- {
		if d.ns[i].prefix == p {
			return d.ns[i].uri == XSINamespace
		}
	}
	return p == "C"
}

func (d *Decoder) attrValue(raw string) string {
	if strings.IndexByte(raw, '&') < 0 && strings.IndexAny(raw, "\t\n\r") < 0 {
		return raw
	}
	// Attribute-value normalisation: literal whitespace becomes a space,
	// character references keep what they denote.
	buf := d.scratch[:0]
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			buf = append(buf, ' ')
		case '\t', '\n':
			buf = append(buf, ' ')
		case '&':
			var ok bool
			buf, i, ok = d.entity(buf, raw, i, -1)
			if !ok {
				return ""
			}
		default:
			buf = append(buf, c)
		}
	}
	d.scratch = buf[:0]
	return string(buf)
}

// unescape resolves entities and normalises line ends in raw text.
func (d *Decoder) unescape(buf []byte, raw string, at int) ([]byte, bool) {
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			buf = append(buf, '\n')
		case '&':
			var ok bool
			buf, i, ok = d.entity(buf, raw, i, at)
			if !ok {
				return buf, false
			}
		default:
			buf = append(buf, c)
		}
	}
	return buf, true
}

// entity decodes the reference starting at raw[i] ('&') and returns the
// index of its terminating ';'.
func (d *Decoder) entity(buf []byte, raw string, i, at int) ([]byte, int, bool) {
	end := strings.IndexByte(raw[i:], ';')
	if end < 0 || end > 12 {
		d.entityError(at, i, "unterminated or unknown entity reference")
		return buf, i, false
	}
	name := raw[i+1 : i+end]
	j := i + end
	switch name {
	case "lt":
		return append(buf, '<'), j, true
	case "gt":
		return append(buf, '>'), j, true
	case "amp":
		return append(buf, '&'), j, true
	case "quot":
		return append(buf, '"'), j, true
	case "apos":
		return append(buf, '\''), j, true
	}
	if len(name) < 2 || name[0] != '#' {
		d.entityError(at, i, "unknown entity &"+name+";")
		return buf, i, false
	}
	r, ok := parseCharRef(name)
	if !ok {
		d.entityError(at, i, "malformed character reference, or one to a character not allowed in XML")
		return buf, i, false
	}
	return utf8.AppendRune(buf, r), j, true
}

func (d *Decoder) entityError(at, i int, msg string) {
	if at >= 0 {
		d.failAt(at+i, RuleSyntax, msg)
	} else {
		d.fail(RuleSyntax, msg)
	}
}

// parseCharRef decodes "#N" or "#xH" to an XML character.
func parseCharRef(name string) (rune, bool) {
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	digits, base := name[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if digits == "" {
		return 0, false
	}
	var r rune
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var v rune
		switch {
		case c >= '0' && c <= '9':
			v = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			v = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			v = rune(c-'A') + 10
		default:
			return 0, false
		}
		if r = r*base + v; r > utf8.MaxRune {
			return 0, false
		}
	}
	return r, isXMLChar(r)
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// checkChars returns the offset of the first byte sequence that is not an
// XML character, or -1. Documents are mostly ASCII with the odd newline, so
// plain ASCII is skipped 32 bytes at a time, and after a control or
// non-ASCII byte has been looked at closely the fast path resumes (a single
// newline after the declaration must not slow down the whole document).
func checkChars(s string) int {
	const lo = 0x0101010101010101 * 0x20
	const hi = 0x8080808080808080
	i := 0
	for i < len(s) {
		// A byte >= 0x80 sets its high bit in w; a byte < 0x20 borrows
		// into it in w-lo. Either needs a closer look.
		for i+32 <= len(s) {
			w0, w1, w2, w3 := load64(s, i), load64(s, i+8), load64(s, i+16), load64(s, i+24)
			if (w0|(w0-lo)|w1|(w1-lo)|w2|(w2-lo)|w3|(w3-lo))&hi != 0 {
				break
			}
			i += 32
		}
		for i+8 <= len(s) {
			if w := load64(s, i); (w|(w-lo))&hi != 0 {
				break
			}
			i += 8
		}
		for end := min(i+8, len(s)); i < end; {
			c := s[i]
			if c < 0x80 {
				if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
					return i
				}
				i++
				continue
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 || !isXMLChar(r) {
				return i
			}
			i += n
		}
	}
	return -1
}

// load64 reads s[i:i+8] little-endian; the compiler turns it into one load.
func load64(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

func normalizeNewlines(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' {
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			c = '\n'
		}
		buf = append(buf, c)
	}
	return buf
}

func localPart(q string) string {
	if i := strings.LastIndexByte(q, ':'); i >= 0 {
		return q[i+1:]
	}
	return q
}

// scanName reads the element or attribute name starting at s[i] and
// returns the index of the byte that ends it (whitespace, '>', '/', '=' or
// the end of s), the index of its colon (-1 if none) and whether it is
// valid: a namespace-style QName (at most one colon, both sides non-empty)
// whose ASCII characters are name characters; non-ASCII letters are let
// through unchecked. One pass over the name does all three; callers only
// use the indexes of a valid name.
func scanName(s string, i int) (end, colon int, ok bool) {
	j := i
	colon = -1
scan:
	for ; j < len(s); j++ {
		switch byteClass[s[j]] {
		case clsName:
		case clsColon:
			if colon >= 0 {
				return j, colon, false
			}
			colon = j
		case clsEnd:
			break scan
		default:
			return j, colon, false
		}
	}
	if j == i {
		return j, colon, false
	}
	switch c := s[i]; {
	case c >= '0' && c <= '9', c == '-', c == '.', c == ':':
		return j, colon, false
	}
	return j, colon, colon != j-1 && (colon < 0 || s[colon+1] < '0' || s[colon+1] > '9')
}

// Byte classes of the tag scanner. Every byte of every tag is classified,
// and one table load is cheaper than the chains of comparisons it replaces.
const (
	clsOther = iota // neither a name character nor a name end
	clsName         // ASCII letter, digit, '_', '-', '.', or any byte >= 0x80
	clsColon        // ':'
	clsEnd          // ends a name: whitespace, '>', '/', '='
)

var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 0x80, c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.':
			t[c] = clsName
		case c == ':':
			t[c] = clsColon
		case c == ' ', c == '\t', c == '\n', c == '\r', c == '>', c == '/', c == '=':
			t[c] = clsEnd
		}
	}
	return t
}()

func isNameEnd(c byte) bool { return byteClass[c] == clsEnd }

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpaceByte(s[i]) {
			return false
		}
	}
	return true
}

func trimSpace(s string) string {
	for len(s) > 0 && isSpaceByte(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpaceByte(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

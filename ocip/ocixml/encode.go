package ocixml

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"strconv"
	"unicode/utf8"
)

// Element is implemented by every generated complex type. DecodeXML reads
// the content of the element the decoder is positioned on (its attributes
// and children) and consumes its end tag. AppendXML appends the content
// only: the caller writes the element's own tags, because the element name
// belongs to the parent, not to the type.
type Element interface {
	DecodeXML(d *Decoder) error
	AppendXML(b []byte) []byte
	Validate() error
}

// Typed is an Element that can stand where an abstract type is expected;
// XSIType is the name written in xsi:type ("c:" prefixed for namespace C).
type Typed interface {
	Element
	XSIType() string
}

// Command is an OCI-P request or response: a Typed element with attributes
// (echo, and the few others the schema defines on commands).
type Command interface {
	Typed
	AppendAttrs(b []byte) []byte
}

// AppendEscaped appends s as XML character data in the canonical OCI-P
// form: pure ASCII, with every character above U+007F, CR and the markup
// characters written as references. ASCII-only output is the one form that
// every known client decodes correctly, whatever charset it assumes.
// Characters XML cannot carry (most C0 controls, invalid UTF-8) become U+FFFD.
func AppendEscaped(b []byte, s string) []byte {
	// Values are mostly printable ASCII with nothing to escape: check them a
	// word at a time (the last word overlapping the one before, or two
	// overlapping halves for 4 to 7 bytes) and copy them in one append.
	// AppendString repeats this check.
	i := 0
	switch {
	case len(s) >= 8:
		for ; i+8 <= len(s); i += 8 {
			if !plainWord(load64(s, i)) {
				goto bytes
			}
		}
		if i == len(s) || plainWord(load64(s, len(s)-8)) {
			return append(b, s...)
		}
	case len(s) >= 4:
		if plainWord(load4x2(s)) {
			return append(b, s...)
		}
	}
bytes:
	for i < len(s) && plainByte[s[i]] {
		i++
	}
	if i == len(s) {
		return append(b, s...)
	}
	return appendEscapedFrom(b, s, i)
}

// appendEscapedFrom is AppendEscaped for s whose first i bytes are plain.
func appendEscapedFrom(b []byte, s string, i int) []byte {
	last := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x80 && c != '<' && c != '>' && c != '&' && c != '"' {
			i++
			continue
		}
		b = append(b, s[last:i]...)
		n := 1
		switch {
		case c == '<':
			b = append(b, "&lt;"...)
		case c == '>':
			b = append(b, "&gt;"...)
		case c == '&':
			b = append(b, "&amp;"...)
		case c == '"':
			b = append(b, "&quot;"...)
		case c == '\n' || c == '\t':
			b = append(b, c)
		case c < 0x80:
			// CR would be lost to line-end normalisation; other controls are
			// not XML characters at all.
			r := rune(0xFFFD)
			if c == '\r' {
				r = '\r'
			}
			b = appendCharRef(b, r)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			n = size
			if !isXMLChar(r) {
				r = 0xFFFD
			}
			b = appendCharRef(b, r)
		}
		i += n
		last = i
	}
	return append(b, s[last:]...)
}

// plainWord reports whether eight bytes are all plain. A byte below 0x20 or
// above 0x7F sets bit 7 of w|(w-0x20…); forcing bit 1 and xoring with '>'
// zeroes exactly the bytes '<' and '>', and forcing bit 2 and xoring with
// '&' zeroes exactly '"' and '&'; (x-1…)&^x sets bit 7 of a zero byte.
func plainWord(w uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	lt := (w | 0x02*lo) ^ ('>' * lo)
	amp := (w | 0x04*lo) ^ ('&' * lo)
	return (w|(w-0x20*lo)|(lt-lo)&^lt|(amp-lo)&^amp)&hi == 0
}

// load4x2 packs the first and the last four bytes of s (4 <= len(s) < 8,
// so they overlap) into one word for plainWord.
func load4x2(s string) uint64 {
	n := len(s) - 4
	_, _ = s[3], s[n+3]
	lo := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
	hi := uint64(s[n]) | uint64(s[n+1])<<8 | uint64(s[n+2])<<16 | uint64(s[n+3])<<24
	return lo | hi<<32
}

var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '<' && c != '>' && c != '&' && c != '"'
	}
	return t
}()

func appendCharRef(b []byte, r rune) []byte {
	b = append(b, "&#"...)
	b = strconv.AppendInt(b, int64(r), 10)
	return append(b, ';')
}

// AppendAttr appends ` name="value"`. Tabs and newlines are written as
// references so that attribute-value normalisation keeps them.
func AppendAttr(b []byte, name, value string) []byte {
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, '=', '"')
	last := 0
	for i := 0; i < len(value); i++ {
		if c := value[i]; c == '\t' || c == '\n' {
			b = AppendEscaped(b, value[last:i])
			b = appendCharRef(b, rune(c))
			last = i + 1
		}
	}
	b = AppendEscaped(b, value[last:])
	return append(b, '"')
}

// Open appends <name> and returns the offset after it, for Close.
func Open(b []byte, name string) ([]byte, int) {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	return b, len(b)
}

// OpenTyped appends <name xsi:type="T"> (with xmlns:c="C" for c: types).
func OpenTyped(b []byte, name, xsiType string) ([]byte, int) {
	b = append(b, '<')
	b = append(b, name...)
	b = appendXSIType(b, xsiType)
	b = append(b, '>')
	return b, len(b)
}

func appendXSIType(b []byte, t string) []byte {
	b = append(b, ` xsi:type="`...)
	b = append(b, t...)
	b = append(b, '"')
	if len(t) > 2 && t[0] == 'c' && t[1] == ':' {
		b = append(b, ` xmlns:c="C"`...)
	}
	return b
}

// Close ends an element opened at mark; an element with no content is
// written in its short form <name/>.
func Close(b []byte, mark int, name string) []byte {
	if len(b) == mark {
		b = b[:mark-1]
		return append(b, '/', '>')
	}
	b = append(b, '<', '/')
	b = append(b, name...)
	return append(b, '>')
}

// AppendString appends <name>s</name>.
func AppendString(b []byte, name, s string) []byte {
	b, m := Open(b, name)
	if n := len(b); len(s) >= 8 && cap(b)-n >= len(s) {
		// Check and copy a word at a time, straight into the spare
		// capacity; anything to escape sends the value the long way.
		d := b[n : n+len(s)]
		for i := 0; i+8 <= len(s); i += 8 {
			w := load64(s, i)
			if !plainWord(w) {
				goto check
			}
			binary.LittleEndian.PutUint64(d[i:], w)
		}
		if w := load64(s, len(s)-8); plainWord(w) {
			binary.LittleEndian.PutUint64(d[len(s)-8:], w)
			return Close(b[:n+len(s)], m, name)
		}
	}
check:
	// AppendEscaped by hand: a tenth of encoding a request went on the
	// call for values that need no escaping.
	i := 0
	switch {
	case len(s) >= 8:
		for ; i+8 <= len(s); i += 8 {
			if !plainWord(load64(s, i)) {
				goto bytes
			}
		}
		if i == len(s) || plainWord(load64(s, len(s)-8)) {
			i = len(s)
		}
	case len(s) >= 4:
		if plainWord(load4x2(s)) {
			i = len(s)
		}
	}
bytes:
	for i < len(s) && plainByte[s[i]] {
		i++
	}
	if i == len(s) {
		b = append(b, s...)
	} else {
		b = appendEscapedFrom(b, s, i)
	}
	return Close(b, m, name)
}

// AppendBool appends <name>true</name> or <name>false</name>.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func AppendBool(b []byte, name string, v bool) []byte {
	b, _ = Open(b, name)
	b = strconv.AppendBool(b, v)
	return appendEnd(b, name)
}

// AppendInt appends an xs:int or xs:long element.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func AppendInt(b []byte, name string, v int64) []byte {
	b, _ = Open(b, name)
	b = strconv.AppendInt(b, v, 10)
	return appendEnd(b, name)
}

// AppendFloat32 appends an xs:float element in its shortest exact form.
func AppendFloat32(b []byte, name string, v float32) []byte {
	b, _ = Open(b, name)
	switch {
	case math.IsInf(float64(v), 1):
		b = append(b, "INF"...)
	case math.IsInf(float64(v), -1):
		b = append(b, "-INF"...)
	case v != v:
		b = append(b, "NaN"...)
	default:
		b = strconv.AppendFloat(b, float64(v), 'g', -1, 32)
	}
	return appendEnd(b, name)
}

// AppendBase64 appends an xs:base64Binary element.
func AppendBase64(b []byte, name string, v []byte) []byte {
	b, m := Open(b, name)
	b = base64.StdEncoding.AppendEncode(b, v)
	return Close(b, m, name)
}

// AppendElement appends <name>content</name> for a complex value.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func AppendElement(b []byte, name string, e Element) []byte {
	b, m := Open(b, name)
	b = e.AppendXML(b)
	return Close(b, m, name)
}

// AttrElement is an element type that carries attributes of its own
// (the schema's few data types deriving from OCIRequest).
type AttrElement interface {
	Element
	AppendAttrs(b []byte) []byte
}

// AppendAttrElement appends <name attrs…>content</name>.
//
//go:noinline // see At
func AppendAttrElement(b []byte, name string, e AttrElement) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = e.AppendAttrs(b)
	b = append(b, '>')
	m := len(b)
	b = e.AppendXML(b)
	return Close(b, m, name)
}

// AppendTyped appends an element of an abstract type with its xsi:type.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func AppendTyped(b []byte, name string, e Typed) []byte {
	b, m := OpenTyped(b, name, e.XSIType())
	b = e.AppendXML(b)
	return Close(b, m, name)
}

// AppendNil appends <name xsi:nil="true"/>.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func AppendNil(b []byte, name string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	return append(b, ` xsi:nil="true"/>`...)
}

func appendEnd(b []byte, name string) []byte {
	b = append(b, '<', '/')
	b = append(b, name...)
	return append(b, '>')
}

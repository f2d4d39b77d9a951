package ocixml

import (
	"encoding/base64"
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
	last := 0
	for i := 0; i < len(s); {
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
	b = AppendEscaped(b, s)
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

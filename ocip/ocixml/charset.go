package ocixml

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CharsetOptions tune ToUTF8.
type CharsetOptions struct {
	// PreferUTF8 keeps a document that declares a Latin-1 family encoding
	// (ISO-8859-1, US-ASCII, windows-1252) as UTF-8 when its bytes are valid
	// UTF-8 with at least one multi-byte sequence. mercury-fast sends UTF-8
	// while declaring ISO-8859-1; genuine Latin-1 text is almost never valid
	// UTF-8 by accident, so the guess is safe.
	PreferUTF8 bool
	// Default names the encoding of a document whose XML declaration names
	// none (or that has no declaration): the charset parameter of an HTTP
	// Content-Type, for SOAP clients that send Latin-1 bodies without a
	// declaration. Empty means UTF-8, as XML prescribes.
	Default string
}

// charset is an encoding ToUTF8 can read.
type charset uint8

const (
	charsetUTF8 charset = iota
	charsetLatin1
	charsetCP1252
	charsetUndeclared // no encoding in the document: CharsetOptions.Default or UTF-8
)

// charsetNames maps lower-cased encoding names (IANA names and the aliases
// clients write) to charsets. US-ASCII is read as Latin-1: a byte above 0x7F
// in a document declared ASCII is a client bug, and Latin-1 is the reading
// that loses nothing.
var charsetNames = map[string]charset{
	"utf-8": charsetUTF8,
	"utf8":  charsetUTF8,

	"iso-8859-1":      charsetLatin1,
	"iso8859-1":       charsetLatin1,
	"iso_8859-1":      charsetLatin1,
	"iso_8859-1:1987": charsetLatin1,
	"iso-ir-100":      charsetLatin1,
	"latin1":          charsetLatin1,
	"latin-1":         charsetLatin1,
	"l1":              charsetLatin1,
	"ibm819":          charsetLatin1,
	"cp819":           charsetLatin1,
	"csisolatin1":     charsetLatin1,
	"us-ascii":        charsetLatin1,
	"ascii":           charsetLatin1,

	"windows-1252": charsetCP1252,
	"cp1252":       charsetCP1252,
}

// cp1252High maps bytes 0x80–0x9F of windows-1252; 0 marks the five bytes
// the code page leaves undefined. Bytes 0xA0–0xFF equal Latin-1.
var cp1252High = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

const utf8BOM = "\xEF\xBB\xBF"

// ToUTF8 returns the document as UTF-8 text, transcoding from the encoding
// its XML declaration names. Without a declaration, or without an encoding
// in it, the document is UTF-8. A UTF-8 byte order mark is dropped and makes
// the document UTF-8 whatever a Latin-1 family declaration says. The
// declaration itself is left as written: the Decoder ignores it.
//
// The result is one fresh copy of the input in every successful case.
// Failures are *Error with RuleEncoding (unsupported encoding, bytes that
// are not valid in the encoding) or RuleSyntax (broken declaration).
func ToUTF8(doc []byte, opt CharsetOptions) (string, error) {
	start := 0
	bom := false
	switch {
	case len(doc) >= 3 && string(doc[:3]) == utf8BOM:
		start, bom = 3, true
	case len(doc) >= 2 && (doc[0] == 0xFE && doc[1] == 0xFF || doc[0] == 0xFF && doc[1] == 0xFE):
		return "", charsetError(doc, 0, "UTF-16 is not supported; send UTF-8 or ISO-8859-1")
	}
	cs, err := declaredCharset(doc, start)
	if err != nil {
		return "", err
	}
	if cs == charsetUndeclared {
		cs = charsetUTF8
		if opt.Default != "" {
			var ok bool
			if cs, ok = lookupCharset([]byte(opt.Default)); !ok {
				return "", &Error{Rule: RuleEncoding, Detail: "unsupported encoding " + strconv.Quote(opt.Default) + "; send UTF-8 or ISO-8859-1"}
			}
		}
	}
	if bom {
		cs = charsetUTF8
	}
	body := doc[start:]
	if cs == charsetUTF8 {
		if !utf8.Valid(body) {
			return "", charsetError(doc, start+invalidUTF8At(body), "invalid UTF-8")
		}
		return string(body), nil
	}
	high := countHigh(body)
	if high == 0 || opt.PreferUTF8 && utf8.Valid(body) {
		// All ASCII reads the same in every supported charset; valid UTF-8
		// with high bytes necessarily holds a multi-byte sequence.
		return string(body), nil
	}
	if cs == charsetLatin1 {
		return latin1ToUTF8(body, high), nil
	}
	return cp1252ToUTF8(doc, start)
}

// declaredCharset reads the encoding pseudo-attribute of the XML declaration
// that starts at doc[start:], after optional whitespace (tolerated because
// some writers emit a newline first).
func declaredCharset(doc []byte, start int) (charset, error) {
	i := start
	for i < len(doc) && isSpaceByte(doc[i]) {
		i++
	}
	if len(doc)-i < 6 || !strings.EqualFold(string(doc[i:i+5]), "<?xml") || !isSpaceByte(doc[i+5]) && doc[i+5] != '?' {
		return charsetUndeclared, nil
	}
	declAt := i
	i += 5
	for {
		for i < len(doc) && isSpaceByte(doc[i]) {
			i++
		}
		if i+1 < len(doc) && doc[i] == '?' && doc[i+1] == '>' {
			return charsetUndeclared, nil
		}
		n := i
		for n < len(doc) && doc[n] != '=' && doc[n] != '?' && !isSpaceByte(doc[n]) {
			n++
		}
		name := doc[i:n]
		for n < len(doc) && isSpaceByte(doc[n]) {
			n++
		}
		if len(name) == 0 || n >= len(doc) || doc[n] != '=' {
			return 0, declError(doc, declAt)
		}
		n++
		for n < len(doc) && isSpaceByte(doc[n]) {
			n++
		}
		if n >= len(doc) || doc[n] != '"' && doc[n] != '\'' {
			return 0, declError(doc, declAt)
		}
		q := doc[n]
		v := n + 1
		for v < len(doc) && doc[v] != q && doc[v] != '>' {
			v++
		}
		if v >= len(doc) || doc[v] != q {
			return 0, declError(doc, declAt)
		}
		if strings.EqualFold(string(name), "encoding") {
			if cs, ok := lookupCharset(doc[n+1 : v]); ok {
				return cs, nil
			}
			return 0, charsetError(doc, n+1, "unsupported encoding "+strconv.Quote(string(doc[n+1:v]))+"; send UTF-8 or ISO-8859-1")
		}
		i = v + 1
	}
}

// lookupCharset finds an encoding name case-insensitively without
// allocating: ToUTF8 runs on every request.
func lookupCharset(name []byte) (charset, bool) {
	var buf [32]byte
	name = bytes.TrimSpace(name)
	if len(name) > len(buf) {
		return 0, false
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	cs, ok := charsetNames[string(buf[:len(name)])]
	return cs, ok
}

func declError(doc []byte, at int) error {
	return &Error{Rule: RuleSyntax, Detail: "malformed XML declaration", Line: lineAt(doc, at)}
}

// charsetError reports an encoding failure at byte offset off of doc.
func charsetError(doc []byte, off int, msg string) error {
	return &Error{Rule: RuleEncoding, Detail: msg + " at byte offset " + strconv.Itoa(off), Line: lineAt(doc, off)}
}

func lineAt(doc []byte, off int) int {
	n := 1
	for _, c := range doc[:min(off, len(doc))] {
		if c == '\n' {
			n++
		}
	}
	return n
}

// invalidUTF8At returns the offset of the first byte that does not begin a
// valid UTF-8 sequence; b must be known to be invalid.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// countHigh counts bytes >= 0x80, eight at a time: OCI-P documents are
// nearly all ASCII, so the common answer is 0 and must come fast.
func countHigh(b []byte) int {
	const hi = 0x8080808080808080
	n, i := 0, 0
	for ; i+8 <= len(b); i += 8 {
		if w := binary.LittleEndian.Uint64(b[i:]) & hi; w != 0 {
			for k := i; k < i+8; k++ {
				n += int(b[k] >> 7)
			}
		}
	}
	for ; i < len(b); i++ {
		n += int(b[i] >> 7)
	}
	return n
}

// latin1ToUTF8 widens each high byte to its two-byte UTF-8 form; high is the
// number of such bytes, which sizes the single allocation exactly.
func latin1ToUTF8(b []byte, high int) string {
	var s strings.Builder
	s.Grow(len(b) + high)
	last := 0
	for i, c := range b {
		if c < 0x80 {
			continue
		}
		s.Write(b[last:i])
		s.WriteByte(0xC0 | c>>6)
		s.WriteByte(0x80 | c&0x3F)
		last = i + 1
	}
	s.Write(b[last:])
	return s.String()
}

// cp1252ToUTF8 transcodes doc[start:] from windows-1252; offsets in errors
// refer to doc.
func cp1252ToUTF8(doc []byte, start int) (string, error) {
	b := doc[start:]
	size := len(b)
	for i, c := range b {
		switch {
		case c >= 0xA0:
			size++
		case c >= 0x80:
			r := cp1252High[c-0x80]
			if r == 0 {
				return "", charsetError(doc, start+i, "byte 0x"+strconv.FormatUint(uint64(c), 16)+" is undefined in windows-1252")
			}
			size += utf8.RuneLen(r) - 1
		}
	}
	var s strings.Builder
	s.Grow(size)
	last := 0
	for i, c := range b {
		if c < 0x80 {
			continue
		}
		s.Write(b[last:i])
		if c >= 0xA0 {
			s.WriteRune(rune(c))
		} else {
			s.WriteRune(cp1252High[c-0x80])
		}
		last = i + 1
	}
	s.Write(b[last:])
	return s.String(), nil
}

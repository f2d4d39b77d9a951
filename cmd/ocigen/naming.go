package main

import (
	"strings"
	"unicode"
)

// initialisms are the words Go style writes in capitals. Kept short on
// purpose: every entry renames hundreds of fields.
var initialisms = map[string]string{
	"id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "uri": "URI", "uris": "URIs",
	"ip": "IP", "sip": "SIP", "http": "HTTP", "https": "HTTPS", "xml": "XML", "api": "API",
	"dns": "DNS", "tcp": "TCP", "udp": "UDP", "tls": "TLS", "json": "JSON", "ssl": "SSL",
}

// splitWords splits a camelCase or PascalCase identifier into words; an
// upper-case run followed by a lower-case letter starts a new word at its
// last capital ("SIPURIList" -> "SIPURI", "List").
func splitWords(s string) []string {
	var words []string
	r := []rune(s)
	start := 0
	for i := 1; i < len(r); i++ {
		prev, cur := r[i-1], r[i]
		boundary := false
		switch {
		case unicode.IsUpper(cur) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			boundary = true
		case unicode.IsUpper(prev) && unicode.IsUpper(cur) && i+1 < len(r) && unicode.IsLower(r[i+1]):
			boundary = true
		case !isIdentRune(cur) || !isIdentRune(prev):
			boundary = true
		}
		if boundary {
			words = append(words, string(r[start:i]))
			start = i
		}
	}
	return append(words, string(r[start:]))
}

func isIdentRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// exportName turns an XML element or attribute name into an exported Go
// field name: first letter up, initialisms in capitals.
func exportName(s string) string {
	var b strings.Builder
	for _, w := range splitWords(s) {
		if w == "" || !isIdentRune([]rune(w)[0]) {
			continue
		}
		if up, ok := initialisms[strings.ToLower(w)]; ok && (w == strings.ToLower(w) || w == upperFirst(strings.ToLower(w))) {
			b.WriteString(up)
			continue
		}
		b.WriteString(upperFirst(w))
	}
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// symbolWords names the punctuation that appears alone in enumeration
// values, so that "#" and "*" give distinct constants.
var symbolWords = map[rune]string{
	'#': "Hash", '*': "Star", '+': "Plus", '-': "Minus", '.': "Dot", '/': "Slash",
	'@': "At", '%': "Percent", '&': "And", ':': "Colon", ',': "Comma", '_': "Underscore",
	'(': "", ')': "", ' ': "", '\'': "", '"': "", '=': "Equals", '<': "Less", '>': "Greater",
}

// enumSuffix mangles an enumeration value into an identifier suffix:
// "Service Provider" -> "ServiceProvider", "3G/4G Continuity" -> "3G4GContinuity".
// Punctuation between words is dropped; a value made only of punctuation is
// spelled out.
func enumSuffix(v string) string {
	var b strings.Builder
	up := true
	hasAlnum := strings.IndexFunc(v, isIdentRune) >= 0
	for _, r := range v {
		if isIdentRune(r) && r < 0x80 {
			if up {
				b.WriteRune(unicode.ToUpper(r))
			} else {
				b.WriteRune(r)
			}
			up = false
			continue
		}
		up = true
		if !hasAlnum {
			b.WriteString(symbolWords[r])
		}
	}
	if b.Len() == 0 {
		return "Empty"
	}
	return b.String()
}

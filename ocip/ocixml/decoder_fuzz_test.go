package ocixml

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

// FuzzDecoderDiff is the differential target: whenever both our decoder
// and encoding/xml accept an input, they must see the same elements,
// unprefixed attributes and text.
func FuzzDecoderDiff(f *testing.F) {
	for _, s := range []string{
		`<a><b>x</b><c/></a>`,
		`<?xml version="1.0"?><BroadsoftDocument xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" protocol="OCI"><sessionId xmlns="">s</sessionId><command xsi:type="X" xmlns="" echo="e"><userId>a&amp;b&#233;</userId><x xsi:nil="true"/></command></BroadsoftDocument>`,
		"<a>\r\n<b><![CDATA[<x>]]>y</b></a>",
		`<a x='1' y="&lt;2"><!-- c --><?pi x?><b>&#x41;</b></a>`,
		`<ns0:a xmlns:ns0="C"><ns0:b>t</ns0:b></ns0:a>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		ours, oerr := treeOurs(string(in))
		std, serr := treeStd(in)
		if oerr != nil || serr != nil {
			return
		}
		if ours != std {
			t.Fatalf("trees differ for %q\nocixml:       %s\nencoding/xml: %s", in, ours, std)
		}
	})
}

func normAttr(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

func treeStd(in []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(in))
	d.Strict = true
	var b strings.Builder
	type el struct {
		text     strings.Builder
		children bool
	}
	var stack []*el
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if depth != 0 {
				return "", fmt.Errorf("unclosed")
			}
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) > 0 {
				stack[len(stack)-1].children = true
			}
			depth++
			if depth > DefaultMaxDepth {
				return "", fmt.Errorf("deep")
			}
			b.WriteString("<" + t.Name.Local)
			for _, a := range t.Attr {
				if a.Name.Space == "" && a.Name.Local != "xmlns" {
					fmt.Fprintf(&b, " %s=%q", a.Name.Local, normAttr(a.Value))
				}
			}
			b.WriteString(">")
			stack = append(stack, &el{})
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.Directive:
			return "", fmt.Errorf("directive") // we reject DTDs by design
		case xml.EndElement:
			e := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			depth--
			txt := e.text.String()
			if e.children {
				if strings.TrimSpace(txt) != "" {
					return "", fmt.Errorf("mixed content") // not OCI-P; we reject it
				}
				txt = ""
			}
			fmt.Fprintf(&b, "%q</%s>", txt, t.Name.Local)
		}
	}
}

func treeOurs(in string) (string, error) {
	d := NewDecoder(in, DecodeOptions{})
	if !d.Root() {
		return "", d.Err()
	}
	var b strings.Builder
	var walk func()
	walk = func() {
		name := d.Local()
		b.WriteString("<" + name)
		for _, a := range d.attrs {
			if a.prefix == "" && a.local != "xmlns" {
				v, _ := d.LookupAttr(a.local)
				fmt.Fprintf(&b, " %s=%q", a.local, v)
			}
		}
		b.WriteString(">")
		m := d.Mark()
		lvl := d.Depth()
		if d.Child(lvl) {
			walk()
			for d.Child(lvl) {
				walk()
			}
			fmt.Fprintf(&b, "%q</%s>", "", name)
			return
		}
		// No child element: the content is text, possibly whitespace only
		// (which Child skips as it would between elements), so read it
		// again as text.
		d.Rewind(m)
		fmt.Fprintf(&b, "%q</%s>", d.Text(), name)
	}
	walk()
	if err := d.End(); err != nil {
		return "", err
	}
	return b.String(), nil
}

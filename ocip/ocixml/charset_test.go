package ocixml

import (
	"errors"
	"strings"
	"testing"
)

func TestToUTF8(t *testing.T) {
	const body = `<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId xmlns="">s</sessionId></BroadsoftDocument>`
	tests := []struct {
		name string
		in   string
		opt  CharsetOptions
		want string
	}{
		{"no declaration", "<a>M\u00fcller</a>", CharsetOptions{}, "<a>M\u00fcller</a>"},
		{"declaration without encoding", `<?xml version="1.0"?><a>é</a>`, CharsetOptions{}, `<?xml version="1.0"?><a>é</a>`},
		{"declaration with standalone only", `<?xml version="1.0" standalone="yes"?><a>é</a>`, CharsetOptions{}, `<?xml version="1.0" standalone="yes"?><a>é</a>`},
		{"utf-8", `<?xml version="1.0" encoding="UTF-8"?><a>€</a>`, CharsetOptions{}, `<?xml version="1.0" encoding="UTF-8"?><a>€</a>`},
		{"utf8 lower case", `<?xml version="1.0" encoding="utf8"?><a>€</a>`, CharsetOptions{}, `<?xml version="1.0" encoding="utf8"?><a>€</a>`},
		{"bom stripped", "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<a>ü</a>", CharsetOptions{}, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<a>ü</a>"},
		{"bom wins over latin-1 declaration", "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xc3\xbc</a>", CharsetOptions{}, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>ü</a>"},
		{"iso-8859-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>M\xfcller \xe9\xff\xa0</a>", CharsetOptions{}, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>Müller é\u00ff\u00a0</a>"},
		{"iso-8859-1 ascii only", `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" + body, CharsetOptions{}, `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" + body},
		{"single quotes and newline (mercury)", "<?xml version='1.0' encoding='ISO-8859-1'?>\n<a>\xfc</a>", CharsetOptions{}, "<?xml version='1.0' encoding='ISO-8859-1'?>\n<a>ü</a>"},
		{"odd whitespace", "<?xml\tversion = \"1.0\"\r\n  encoding =\t'iso8859-1' ?><a>\xfc</a>", CharsetOptions{}, "<?xml\tversion = \"1.0\"\r\n  encoding =\t'iso8859-1' ?><a>ü</a>"},
		{"iso_8859-1", "<?xml version=\"1.0\" encoding=\"iso_8859-1\"?><a>\xfc</a>", CharsetOptions{}, "<?xml version=\"1.0\" encoding=\"iso_8859-1\"?><a>ü</a>"},
		{"latin1", "<?xml version=\"1.0\" encoding=\"LATIN1\"?><a>\xfc</a>", CharsetOptions{}, "<?xml version=\"1.0\" encoding=\"LATIN1\"?><a>ü</a>"},
		{"l1", "<?xml version=\"1.0\" encoding=\"l1\"?><a>\xfc</a>", CharsetOptions{}, "<?xml version=\"1.0\" encoding=\"l1\"?><a>ü</a>"},
		{"us-ascii read as latin-1", "<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a>\xfc</a>", CharsetOptions{}, "<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a>ü</a>"},
		{"ascii", "<?xml version=\"1.0\" encoding=\"ascii\"?><a>x</a>", CharsetOptions{}, "<?xml version=\"1.0\" encoding=\"ascii\"?><a>x</a>"},
		{"windows-1252 euro", "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\x80 \x93q\x94 \xfc</a>", CharsetOptions{}, "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\u20ac \u201cq\u201d ü</a>"},
		{"cp1252", "<?xml version=\"1.0\" encoding=\"CP1252\"?><a>\x80</a>", CharsetOptions{}, "<?xml version=\"1.0\" encoding=\"CP1252\"?><a>€</a>"},
		{"heuristic on: utf-8 bytes declared latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>M\xc3\xbcller</a>", CharsetOptions{PreferUTF8: true}, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>Müller</a>"},
		{"heuristic off: same bytes read as latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>M\xc3\xbcller</a>", CharsetOptions{}, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>M\u00c3\u00bcller</a>"},
		{"heuristic on: invalid utf-8 is latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>M\xfcller</a>", CharsetOptions{PreferUTF8: true}, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>Müller</a>"},
		{"heuristic on: windows-1252", "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\xe2\x82\xac</a>", CharsetOptions{PreferUTF8: true}, "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>€</a>"},
		{"heuristic on: utf-8 declared stays utf-8", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xc3\xbc</a>", CharsetOptions{PreferUTF8: true}, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>ü</a>"},
		{"not a declaration: xml-stylesheet PI", "<?xml-stylesheet encoding=\"UTF-16\"?><a>ü</a>", CharsetOptions{}, "<?xml-stylesheet encoding=\"UTF-16\"?><a>ü</a>"},
		{"leading whitespace before declaration", "\n<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xfc</a>", CharsetOptions{}, "\n<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>ü</a>"},
		{"empty", "", CharsetOptions{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToUTF8([]byte(tt.in), tt.opt)
			if err != nil {
				t.Fatalf("ToUTF8(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ToUTF8(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			// What comes out must be fit for the Decoder.
			if tt.in != "" {
				d := NewDecoder(got, DecodeOptions{})
				if d.Root() {
					d.Skip()
					if err := d.End(); err != nil {
						t.Errorf("decoding the result: %v", err)
					}
				} else {
					t.Errorf("decoding the result: %v", d.Err())
				}
			}
		})
	}
}

func TestToUTF8Errors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		opt    CharsetOptions
		rule   string
		detail string // substring of Detail
		line   int
	}{
		{"invalid utf-8", "<a>ok</a>\n<b>M\xfcller</b>", CharsetOptions{}, RuleEncoding, "invalid UTF-8 at byte offset 14", 2},
		{"invalid utf-8 declared", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xc3</a>", CharsetOptions{PreferUTF8: true}, RuleEncoding, "invalid UTF-8 at byte offset 41", 1},
		{"invalid utf-8 offset counts the bom", "\xEF\xBB\xBF<a>\xff</a>", CharsetOptions{}, RuleEncoding, "invalid UTF-8 at byte offset 6", 1},
		{"utf-16 declared", `<?xml version="1.0" encoding="UTF-16"?><a/>`, CharsetOptions{}, RuleEncoding, `unsupported encoding "UTF-16"`, 1},
		{"ebcdic declared", `<?xml version='1.0' encoding='IBM037'?><a/>`, CharsetOptions{}, RuleEncoding, `unsupported encoding "IBM037"`, 1},
		{"empty encoding", `<?xml version="1.0" encoding=""?><a/>`, CharsetOptions{}, RuleEncoding, `unsupported encoding ""`, 1},
		{"utf-16 bom", "\xFF\xFE<\x00a\x00/\x00>\x00", CharsetOptions{}, RuleEncoding, "UTF-16 is not supported", 1},
		{"undefined windows-1252 byte", "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<a>\x81</a>", CharsetOptions{}, RuleEncoding, "byte 0x81 is undefined in windows-1252 at byte offset 49", 2},
		{"declaration cut in a value", `<?xml version="1.0" encoding="UTF-8`, CharsetOptions{}, RuleSyntax, "malformed XML declaration", 1},
		{"unquoted value", `<?xml version=1.0?><a/>`, CharsetOptions{}, RuleSyntax, "malformed XML declaration", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToUTF8([]byte(tt.in), tt.opt)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ToUTF8(%q) = %q, %v; want *Error", tt.in, got, err)
			}
			if e.Rule != tt.rule || !strings.Contains(e.Detail, tt.detail) || e.Line != tt.line {
				t.Errorf("error = {Rule %q, Detail %q, Line %d}; want {%q, ~%q, %d}", e.Rule, e.Detail, e.Line, tt.rule, tt.detail, tt.line)
			}
			if got != "" {
				t.Errorf("result %q returned with error", got)
			}
		})
	}
}

// TestToUTF8Windows1252Table checks every defined byte 0x80–0x9F against
// the code page as Python's cp1252 codec decodes it.
func TestToUTF8Windows1252Table(t *testing.T) {
	const decl = `<?xml version="1.0" encoding="windows-1252"?>`
	var in []byte
	for b := 0x80; b < 0xA0; b++ {
		switch b {
		case 0x81, 0x8D, 0x8F, 0x90, 0x9D:
			continue
		}
		in = append(in, byte(b))
	}
	got, err := ToUTF8(append([]byte(decl), in...), CharsetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := decl + "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	for _, b := range []byte{0x81, 0x8D, 0x8F, 0x90, 0x9D} {
		if _, err := ToUTF8(append([]byte(decl), b), CharsetOptions{}); err == nil {
			t.Errorf("byte %#x: no error", b)
		}
	}
	// 0xA0–0xFF are Latin-1.
	got, err = ToUTF8([]byte(decl+"\xa0\xe9\xff"), CharsetOptions{})
	if err != nil || got != decl+"\u00a0é\u00ff" {
		t.Errorf("high half: %q, %v", got, err)
	}
}

// TestToUTF8Latin1All checks every Latin-1 byte maps to the code point of
// the same value.
func TestToUTF8Latin1All(t *testing.T) {
	const decl = `<?xml version="1.0" encoding="ISO-8859-1"?>`
	in := []byte(decl)
	var want strings.Builder
	want.WriteString(decl)
	for b := 0x20; b < 0x100; b++ {
		in = append(in, byte(b))
		want.WriteRune(rune(b))
	}
	got, err := ToUTF8(in, CharsetOptions{})
	if err != nil || got != want.String() {
		t.Errorf("got %q, %v\nwant %q", got, err, want.String())
	}
}

func TestToUTF8Allocs(t *testing.T) {
	docs := map[string][]byte{
		"utf-8":        []byte(`<?xml version="1.0" encoding="UTF-8"?><a>Müller</a>`),
		"latin-1":      []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>M\xfcller</a>"),
		"latin-1 text": []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><a>Muller</a>`),
		"cp1252":       []byte("<?xml version=\"1.0\" encoding=\"cp1252\"?><a>\x80</a>"),
	}
	for name, doc := range docs {
		n := testing.AllocsPerRun(100, func() {
			if _, err := ToUTF8(doc, CharsetOptions{PreferUTF8: true}); err != nil {
				t.Fatal(err)
			}
		})
		if n != 1 {
			t.Errorf("%s: %v allocations, want 1 (the result)", name, n)
		}
	}
}

func BenchmarkToUTF8(b *testing.B) {
	row := `<row><col>jsmith@example.com</col><col>Smith</col><col>John</col><col/><col>+1-2025550101</col><col>true</col></row>`
	ascii := `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" +
		`<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId><command echo="" xsi:type="UserGetListInGroupResponse" xmlns=""><userTable><colHeading>User Id</colHeading>` +
		strings.Repeat(row, 200) + `</userTable></command></BroadsoftDocument>`
	latin1 := strings.Replace(ascii, "Smith", "M\xfcller", -1)
	utf8Doc := strings.Replace(strings.Replace(ascii, "Smith", "Müller", -1), "ISO-8859-1", "UTF-8", 1)
	mislabeled := strings.Replace(ascii, "Smith", "Müller", -1)
	cases := []struct {
		name string
		doc  string
		opt  CharsetOptions
	}{
		{"utf-8", utf8Doc, CharsetOptions{}},
		{"latin-1 ascii", ascii, CharsetOptions{}},
		{"latin-1 transcode", latin1, CharsetOptions{}},
		{"latin-1 prefer utf-8 fallback", latin1, CharsetOptions{PreferUTF8: true}},
		{"mislabeled utf-8", mislabeled, CharsetOptions{PreferUTF8: true}},
	}
	for _, c := range cases {
		doc := []byte(c.doc)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if _, err := ToUTF8(doc, c.opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A charset from outside the document (HTTP Content-Type) applies only when
// the document names none itself.
func TestToUTF8DefaultCharset(t *testing.T) {
	latin1 := []byte("<a>M\xfcller</a>")
	got, err := ToUTF8(latin1, CharsetOptions{Default: "ISO-8859-1"})
	if err != nil || got != "<a>M\u00fcller</a>" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := ToUTF8(latin1, CharsetOptions{}); err == nil {
		t.Fatal("Latin-1 bytes accepted as UTF-8 without a default")
	}
	declared := []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\u00fc</a>")
	if got, err := ToUTF8(declared, CharsetOptions{Default: "ISO-8859-1"}); err != nil || got != string(declared) {
		t.Fatalf("declaration must win over the default: %q %v", got, err)
	}
	var e *Error
	if _, err := ToUTF8(latin1, CharsetOptions{Default: "EBCDIC"}); !errors.As(err, &e) || e.Rule != RuleEncoding {
		t.Fatalf("unknown default: %v", err)
	}
}

func TestUnwrapSOAPRequestHTTPCharset(t *testing.T) {
	body := []byte(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><web:processOCIMessage xmlns:web="urn:com:broadsoft:webservice"><in0><![CDATA[<BroadsoftDocument><x>M` + "\xfc" + `ller</x></BroadsoftDocument>]]></in0></web:processOCIMessage></soapenv:Body></soapenv:Envelope>`)
	got, err := UnwrapSOAPRequestCharset(body, "ISO-8859-1")
	if err != nil || got != "<BroadsoftDocument><x>M\u00fcller</x></BroadsoftDocument>" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := UnwrapSOAPRequest(body); err == nil {
		t.Fatal("without the HTTP charset the Latin-1 byte is invalid UTF-8")
	}
}

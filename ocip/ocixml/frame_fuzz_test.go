package ocixml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"
)

// frameFuzzResult is what a FrameReader produced from a whole stream.
type frameFuzzResult struct {
	docs [][]byte
	err  error
}

func frameFuzzRun(t *testing.T, r io.Reader, maxSize int) frameFuzzResult {
	t.Helper()
	f := NewFrameReader(r, FrameOptions{MaxSize: maxSize})
	var res frameFuzzResult
	for {
		doc, err := f.Next()
		if err != nil {
			if doc != nil {
				t.Fatalf("Next returned %q with error %v", doc, err)
			}
			res.err = err
			return res
		}
		res.docs = append(res.docs, bytes.Clone(doc))
		if len(res.docs) > 1<<16 {
			t.Fatal("too many documents")
		}
	}
}

// frameFuzzChunks turns fuzz bytes into read sizes: mostly small reads, the
// occasional large one; no input means byte by byte.
func frameFuzzChunks(b []byte) []int {
	if len(b) == 0 {
		return []int{1}
	}
	sizes := make([]int, len(b))
	for i, c := range b {
		if c < 200 {
			sizes[i] = int(c) + 1
		} else {
			sizes[i] = int(c-199) * 1000
		}
	}
	return sizes
}

// frameSkipGap skips what may separate documents: whitespace and BOMs.
func frameSkipGap(data []byte, pos int) int {
	for pos < len(data) {
		switch {
		case data[pos] == ' ' || data[pos] == '\t' || data[pos] == '\r' || data[pos] == '\n':
			pos++
		case bytes.HasPrefix(data[pos:], []byte("\xEF\xBB\xBF")):
			pos += 3
		default:
			return pos
		}
	}
	return pos
}

// frameXMLCheck parses doc with encoding/xml. It reports whether the parse
// succeeded and, if so, whether encoding/xml saw exactly one root element
// ending at the very end of doc, with nothing but whitespace, comments and
// processing instructions before it.
func frameXMLCheck(doc []byte) (parsed bool, oneElement bool) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	// OCI-P declares ISO-8859-1; the bytes seen here are ASCII-compatible
	// enough for a structural check.
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	depth, roots := 0, 0
	closedLast, stray := false, false
	for {
		// Token (not RawToken) matches end tags and fails at EOF inside an
		// element.
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return false, false
		}
		closedLast = false
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
			closedLast = depth == 0
		case xml.CharData:
			if depth == 0 && len(bytes.Trim(tok, " \t\r\n")) > 0 {
				stray = true
			}
		case xml.Directive:
			if depth == 0 {
				stray = true
			}
		}
	}
	return true, roots == 1 && closedLast && !stray
}

func FuzzFrameReader(f *testing.F) {
	seeds := []string{
		`<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" + `<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">abc</sessionId><command xsi:type="AuthenticationRequest" xmlns=""><userId>admin</userId></command></BroadsoftDocument>` + "\n",
		`<?xml version="1.0" encoding="UTF-8"?><BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">abc</sessionId><command xsi:type="LoginRequest22V5" xmlns=""><userId>admin</userId><password>p&lt;w&gt;d</password></command></BroadsoftDocument>` + "\n" +
			`<?xml version="1.0" encoding="UTF-8"?><BroadsoftDocument protocol="OCI" xmlns="C"><sessionId xmlns="">abc</sessionId><command xsi:type="UserGetRequest22" xmlns="" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><userId>u@example.com</userId></command></BroadsoftDocument>` + "\n",
		"\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8'?>\r\n<ns0:BroadsoftDocument xmlns:ns0=\"C\" protocol=\"OCI\">\r\n  <sessionId>s</sessionId>\r\n  <command xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"c:SuccessResponse\" xmlns:c=\"C\"/>\r\n</ns0:BroadsoftDocument>\r\n",
		`<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId xmlns="">s</sessionId><command xsi:type="ErrorResponse" echo="x" xmlns="" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><summary><![CDATA[</BroadsoftDocument>]]></summary><!-- </BroadsoftDocument> --><detail a="</BroadsoftDocument>" b='/>'/></command></BroadsoftDocument>`,
		"<!-- c --><?pi x?><BroadsoftDocument/>\n\n<BroadsoftDocument/>",
		`<?xml version="1.0"?><!DOCTYPE BroadsoftDocument [<!ENTITY x "y">]><BroadsoftDocument>&x;</BroadsoftDocument>`,
		`<BroadsoftDocument><a>text</a>`,
		"junk<BroadsoftDocument/>",
		`<a><b></a></b>`,
	}
	for i, s := range seeds {
		f.Add([]byte(s), []byte{byte(i), 3, 1, 250}, uint16(0))
		f.Add([]byte(s), []byte(nil), uint16(64+i*16))
	}
	f.Fuzz(func(t *testing.T, data []byte, chunks []byte, maxSize uint16) {
		ms := int(maxSize)
		whole := frameFuzzRun(t, &frameChunkReader{data: data}, ms)
		split := frameFuzzRun(t, &frameChunkReader{data: data, sizes: frameFuzzChunks(chunks)}, ms)

		// Chunking must not change the result.
		if len(whole.docs) != len(split.docs) {
			t.Fatalf("whole: %d docs, %v; chunked: %d docs, %v", len(whole.docs), whole.err, len(split.docs), split.err)
		}
		for i := range whole.docs {
			if !bytes.Equal(whole.docs[i], split.docs[i]) {
				t.Fatalf("doc %d: whole %q, chunked %q", i, whole.docs[i], split.docs[i])
			}
		}
		if whole.err.Error() != split.err.Error() {
			t.Fatalf("whole error %v, chunked error %v", whole.err, split.err)
		}
		known := []error{io.EOF, io.ErrUnexpectedEOF, ErrFrameTooLarge, ErrFrameSyntax}
		ok := false
		for _, e := range known {
			ok = ok || errors.Is(whole.err, e)
		}
		if !ok {
			t.Fatalf("unexpected error %v", whole.err)
		}

		limit := ms
		if limit == 0 {
			limit = DefaultMaxDocumentSize
		}
		pos := 0
		for i, doc := range whole.docs {
			if len(doc) < 2 || doc[0] != '<' || doc[len(doc)-1] != '>' {
				t.Fatalf("doc %d %q does not run from '<' to '>'", i, doc)
			}
			if len(doc) > limit {
				t.Fatalf("doc %d is %d bytes, limit %d", i, len(doc), limit)
			}
			// Documents are cut from the stream in order, with only
			// whitespace and BOMs between them.
			pos = frameSkipGap(data, pos)
			if !bytes.HasPrefix(data[pos:], doc) {
				t.Fatalf("doc %d %q is not next in the stream at %d", i, doc, pos)
			}
			pos += len(doc)
			if parsed, one := frameXMLCheck(doc); parsed && !one {
				t.Fatalf("encoding/xml parses doc %d %q but not as exactly one element", i, doc)
			}
		}
		if whole.err == io.EOF && frameSkipGap(data, pos) != len(data) {
			t.Fatalf("io.EOF but bytes left after offset %d", pos)
		}
	})
}

// TestFrameXMLCheck makes sure the fuzz oracle itself can tell one element
// from other shapes; otherwise the property above would hold vacuously.
func TestFrameXMLCheck(t *testing.T) {
	for _, tc := range []struct {
		doc         string
		parsed, one bool
	}{
		{frameTestAuth, true, true},
		{`<!-- c --><?pi x?><ns0:BroadsoftDocument xmlns:ns0="C"/>`, true, true},
		{`<a/><b/>`, true, false},
		{`x<a/>`, true, false},
		{`<a/>x`, true, false},
		{`<a>`, false, false},
		{`<a></b>`, false, false},
	} {
		parsed, one := frameXMLCheck([]byte(tc.doc))
		if parsed != tc.parsed || one != tc.one {
			t.Errorf("frameXMLCheck(%q) = %v, %v; want %v, %v", tc.doc, parsed, one, tc.parsed, tc.one)
		}
	}
}

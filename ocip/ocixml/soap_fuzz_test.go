package ocixml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"
	"unicode/utf8"
)

// FuzzUnwrapSOAPRequest checks that no body makes the SOAP and charset code
// panic or return a foreign error type, and that whatever document
// UnwrapSOAPRequest extracts survives AppendSOAPRequest/UnwrapSOAPRequest
// and AppendSOAPResponse/UnwrapSOAPResponse unchanged.
func FuzzUnwrapSOAPRequest(f *testing.F) {
	const env = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`
	seeds := []string{
		string(AppendSOAPRequest(nil, []byte(soapTestDoc))),
		string(AppendSOAPRequest(nil, []byte("<a>\r\n&amp; ]]> M\u00fcller</a>"))),
		string(AppendSOAPResponse(nil, []byte(soapTestResponse), SOAPQualified)),
		string(AppendSOAPResponse(nil, []byte(soapTestResponse), SOAPLegacyAxis)),
		string(AppendSOAPFault(nil, SOAPFault{Code: "soapenv:Server.generalException", String: "INVALID_REQUEST", Actor: "ProvisioningService", Detail: "Cannot process any request before user is logged in."})),
		"<?xml version='1.0' encoding='utf-8'?>\n<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap-env:Body><ns0:processOCIMessage xmlns:ns0=\"urn:com:broadsoft:webservice\"><ns0:in0>" + soapTestDocEscaped + "</ns0:in0></ns0:processOCIMessage></soap-env:Body></soap-env:Envelope>",
		env + `<soapenv:Header/><soapenv:Body><processOCIMessage soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><arg0 xsi:type="soapenc:string">` + soapTestDocEscaped + `</arg0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
		env + `<soapenv:Body><processOCIMessage><arg0> &amp;lt;a x=&amp;quot;1&amp;quot;&amp;gt;&amp;amp;amp;&amp;#252;&amp;lt;/a&amp;gt;</arg0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:web=\"urn:com:broadsoft:webservice\"><soapenv:Header/><soapenv:Body><web:processOCIMessage><in0><![CDATA[<a>M\xfcller</a>]]></in0></web:processOCIMessage></soapenv:Body></soapenv:Envelope>",
		"<?xml version=\"1.0\" encoding=\"windows-1252\"?>" + env + "<soapenv:Body><processMessage><in0>\x80 &#13;</in0></processMessage></soapenv:Body></soapenv:Envelope>",
		env + `<soapenv:Body><processOCIMessage><in0/></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
		env + `<soapenv:Body><processOCIMessage><in0>&amp;lt;&amp;bogus;</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
		"\xEF\xBB\xBF" + env + `<soapenv:Body><processOCIMessage><in0>&lt;a/&gt;</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
		`<?xml version="1.0" encoding="UTF-16"?><a/>`,
		`<?xml version="1.0" encoding=`,
		"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in := bytes.Clone(body)
		if s, err := ToUTF8(body, CharsetOptions{PreferUTF8: true}); err == nil && !utf8.ValidString(s) {
			t.Fatalf("ToUTF8 returned invalid UTF-8 %q", s)
		} else if err != nil {
			soapFuzzCheckErr(t, "ToUTF8", err)
		}
		if _, err := UnwrapSOAPResponse(body); err != nil {
			var fault *SOAPFault
			if !errors.As(err, &fault) {
				soapFuzzCheckErr(t, "UnwrapSOAPResponse", err)
			}
		}
		doc, err := UnwrapSOAPRequest(body)
		if !bytes.Equal(in, body) {
			t.Fatal("input modified")
		}
		if err != nil {
			if doc != "" {
				t.Fatalf("document %q returned with error %v", doc, err)
			}
			soapFuzzCheckErr(t, "UnwrapSOAPRequest", err)
			return
		}
		if isSpace(doc) {
			t.Fatalf("blank document %q returned without error", doc)
		}

		req := AppendSOAPRequest(nil, []byte(doc))
		soapFuzzWellFormed(t, req)
		again, err := UnwrapSOAPRequest(req)
		if err != nil || again != doc {
			t.Fatalf("request round trip: got %q, %v; want %q", again, err, doc)
		}
		for _, form := range []SOAPResponseForm{SOAPQualified, SOAPLegacyAxis} {
			resp := AppendSOAPResponse(nil, []byte(doc), form)
			soapFuzzWellFormed(t, resp)
			again, err := UnwrapSOAPResponse(resp)
			if err != nil || again != doc {
				t.Fatalf("response round trip (form %d): got %q, %v; want %q", form, again, err, doc)
			}
		}
	})
}

func soapFuzzCheckErr(t *testing.T, fn string, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %T %v is not *Error", fn, err, err)
	}
	if e.Rule == "" || e.Detail == "" {
		t.Fatalf("%s: error without rule or detail: %#v", fn, e)
	}
}

func soapFuzzWellFormed(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("envelope not well-formed: %v\n%q", err, b)
		}
	}
}

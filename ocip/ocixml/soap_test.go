package ocixml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// soapTestDoc is an OCI-P request as clients put it into in0.
const soapTestDoc = `<?xml version="1.0" encoding="ISO-8859-1"?>
<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s1</sessionId><command xsi:type="AuthenticationRequest" xmlns=""><userId>admin@example.com</userId></command></BroadsoftDocument>`

// soapTestDocEscaped is soapTestDoc escaped as html.escape and most XML
// libraries do it.
const soapTestDocEscaped = `&lt;?xml version=&quot;1.0&quot; encoding=&quot;ISO-8859-1&quot;?&gt;
&lt;BroadsoftDocument protocol=&quot;OCI&quot; xmlns=&quot;C&quot; xmlns:xsi=&quot;http://www.w3.org/2001/XMLSchema-instance&quot;&gt;&lt;sessionId xmlns=&quot;&quot;&gt;s1&lt;/sessionId&gt;&lt;command xsi:type=&quot;AuthenticationRequest&quot; xmlns=&quot;&quot;&gt;&lt;userId&gt;admin@example.com&lt;/userId&gt;&lt;/command&gt;&lt;/BroadsoftDocument&gt;`

func TestSOAPTestDocEscaped(t *testing.T) {
	if got := string(appendSOAPText(nil, []byte(soapTestDoc))); got != soapTestDocEscaped {
		t.Fatalf("fixture mismatch:\n%s", got)
	}
}

func TestUnwrapSOAPRequest(t *testing.T) {
	const env = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`
	const umlautDoc = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><BroadsoftDocument protocol=\"OCI\" xmlns=\"C\"><sessionId xmlns=\"\">s1</sessionId><command xsi:type=\"UserModifyRequest22\" xmlns=\"\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><userId>u1</userId><lastName>M\u00fcller &amp; S\u00f6hne</lastName></command></BroadsoftDocument>"
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "zeep: ns0-qualified wrapper and in0",
			body: "<?xml version='1.0' encoding='utf-8'?>\n<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap-env:Body><ns0:processOCIMessage xmlns:ns0=\"urn:com:broadsoft:webservice\"><ns0:in0>" + soapTestDocEscaped + "</ns0:in0></ns0:processOCIMessage></soap-env:Body></soap-env:Envelope>",
			want: soapTestDoc,
		},
		{
			name: "mercury-fast: default namespace, html.escape with &#x27;",
			body: `<?xml version="1.0" encoding="UTF-8"?>` + env + `<soapenv:Body><processOCIMessage xmlns="urn:com:broadsoft:webservice"><in0>` + strings.Replace(soapTestDocEscaped, "admin@", "o&#x27;brien@", 1) + `</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
			want: strings.Replace(soapTestDoc, "admin@", "o'brien@", 1),
		},
		{
			name: "MIT lib: no-namespace wrapper, arg0 with xsi:type, encodingStyle, empty Header",
			body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header/><soapenv:Body><processOCIMessage soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><arg0 xsi:type="soapenc:string">` + soapTestDocEscaped + `</arg0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
			want: soapTestDoc,
		},
		{
			name: "MIT lib: double-escaped document",
			body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><processOCIMessage soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><arg0 xsi:type="soapenc:string">` +
				strings.ReplaceAll(string(appendSOAPText(nil, []byte(umlautDocASCII))), "&", "&amp;") + `</arg0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
			want: umlautDocASCII,
		},
		{
			name: "double-escaped with leading whitespace and &amp;lt;BroadsoftDocument",
			body: env + `<soapenv:Body><processOCIMessage><arg0>` + "\n  " + `&amp;lt;BroadsoftDocument protocol=&amp;quot;OCI&amp;quot;&amp;gt;&amp;lt;sessionId&amp;gt;a&amp;amp;amp;b&amp;lt;/sessionId&amp;gt;&amp;lt;/BroadsoftDocument&amp;gt;</arg0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
			want: "\n  " + `<BroadsoftDocument protocol="OCI"><sessionId>a&amp;b</sessionId></BroadsoftDocument>`,
		},
		{
			name: "hand-built: CDATA in unqualified in0, ISO-8859-1 bytes",
			body: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\r\n<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:web=\"urn:com:broadsoft:webservice\">\r\n <soapenv:Header/>\r\n <soapenv:Body>\r\n  <web:processOCIMessage>\r\n   <in0><![CDATA[" +
				"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><BroadsoftDocument protocol=\"OCI\" xmlns=\"C\"><sessionId xmlns=\"\">s1</sessionId><command xsi:type=\"UserModifyRequest22\" xmlns=\"\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><userId>u1</userId><lastName>M\xfcller &amp; S\xf6hne</lastName></command></BroadsoftDocument>" +
				"]]></in0>\r\n  </web:processOCIMessage>\r\n </soapenv:Body>\r\n</soapenv:Envelope>",
			want: umlautDoc,
		},
		{
			name: "bash script: ns1 prefix, hand-escaped with &quot;",
			body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:com:broadsoft:webservice"><soapenv:Body><ns1:processOCIMessage><ns1:in0>` + soapTestDocEscaped + `</ns1:in0></ns1:processOCIMessage></soapenv:Body></soapenv:Envelope>`,
			want: soapTestDoc,
		},
		{
			name: "WCF: s prefix, namespaces on Body, &gt; left unescaped",
			body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><processOCIMessage xmlns="urn:com:broadsoft:webservice"><in0>` + strings.ReplaceAll(soapTestDocEscaped, "&gt;", ">") + `</in0></processOCIMessage></s:Body></s:Envelope>`,
			want: soapTestDoc,
		},
		{
			name: "SOAP 1.1 with a populated Header, comments and a BOM",
			body: "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- c --><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Header><wsse:Security xmlns:wsse=\"urn:x\" SOAP-ENV:mustUnderstand=\"0\"><wsse:UsernameToken><wsse:Username>admin</wsse:Username></wsse:UsernameToken></wsse:Security><processOCIMessage><in0>decoy</in0></processOCIMessage></SOAP-ENV:Header><SOAP-ENV:Body><processOCIMessage xmlns=\"urn:com:broadsoft:webservice\"><in0>" + soapTestDocEscaped + "</in0></processOCIMessage></SOAP-ENV:Body></SOAP-ENV:Envelope>\n",
			want: soapTestDoc,
		},
		{
			name: "processMessage operation, other Body element first",
			body: env + `<soapenv:Body><other><in0>x</in0></other><processMessage xmlns="urn:com:broadsoft:webservice"><in0>` + soapTestDocEscaped + `</in0><in1>ignored</in1></processMessage></soapenv:Body></soapenv:Envelope>`,
			want: soapTestDoc,
		},
		{
			// Only one extra level is undone; the OCI-P decoder rejects what is left.
			name: "triple escaping is not undone (text does not start with &lt;)",
			body: env + `<soapenv:Body><processOCIMessage><in0>&amp;amp;lt;a/&amp;amp;gt;</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
			want: "&amp;lt;a/&amp;gt;",
		},
		{
			name: "text split by CDATA and references",
			body: env + `<soapenv:Body><processOCIMessage><in0>&lt;a&gt;<![CDATA[x&y<]]>&#252;&lt;/a&gt;</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
			want: "<a>x&y<ü</a>",
		},
		{
			name: "UTF-8 declared ISO-8859-1 (mercury-fast bug)",
			body: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + env + "<soapenv:Body><processOCIMessage><in0>&lt;a&gt;M\xc3\xbcller&lt;/a&gt;</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>",
			want: "<a>Müller</a>",
		},
		{
			name: "SOAP 1.2 namespace accepted",
			body: `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><processOCIMessage><in0>&lt;a/&gt;</in0></processOCIMessage></env:Body></env:Envelope>`,
			want: "<a/>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UnwrapSOAPRequest([]byte(tt.body))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// umlautDocASCII is a document in canonical OCI-P form (ASCII with
// character references), as the double-escaping clients produce it.
const umlautDocASCII = `<?xml version="1.0" encoding="ISO-8859-1"?><BroadsoftDocument protocol="OCI" xmlns="C"><sessionId xmlns="">s1</sessionId><command xsi:type="UserModifyRequest22" xmlns="" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><lastName>M&#252;ller &amp; S&#246;hne</lastName></command></BroadsoftDocument>`

func TestUnwrapSOAPRequestErrors(t *testing.T) {
	const env = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">`
	tests := []struct {
		name   string
		body   string
		rule   string
		detail string
		path   string
	}{
		{"empty body", "", RuleSyntax, "no root element", ""},
		{"not XML", "processOCIMessage please", RuleSyntax, "text before the root element", ""},
		{"JSON", `{"in0": "<BroadsoftDocument/>"}`, RuleSyntax, "text before the root element", ""},
		{"bare OCI-P document", soapTestDoc, RuleSOAP, "root element is BroadsoftDocument, not a SOAP Envelope", "BroadsoftDocument"},
		{"no Body", env + `<soapenv:Header/></soapenv:Envelope>`, RuleSOAP, "no Body element in SOAP Envelope", "Envelope"},
		{"empty Envelope", env + `</soapenv:Envelope>`, RuleSOAP, "no Body element in SOAP Envelope", "Envelope"},
		{"no processOCIMessage", env + `<soapenv:Body><login><in0>x</in0></login></soapenv:Body></soapenv:Envelope>`, RuleSOAP, "no processOCIMessage element in SOAP Body", "Envelope/Body"},
		{"empty Body", env + `<soapenv:Body/></soapenv:Envelope>`, RuleSOAP, "no processOCIMessage element in SOAP Body", "Envelope/Body"},
		{"no in0", env + `<soapenv:Body><processOCIMessage/></soapenv:Body></soapenv:Envelope>`, RuleSOAP, "processOCIMessage has no in0 element", "Envelope/Body/processOCIMessage"},
		{"empty in0", env + `<soapenv:Body><processOCIMessage><in0/></processOCIMessage></soapenv:Body></soapenv:Envelope>`, RuleSOAP, "in0 is empty", "Envelope/Body/processOCIMessage/in0"},
		{"blank arg0", env + `<soapenv:Body><processOCIMessage><arg0> &#10; </arg0></processOCIMessage></soapenv:Body></soapenv:Envelope>`, RuleSOAP, "arg0 is empty", "Envelope/Body/processOCIMessage/arg0"},
		{"unescaped document inside in0", env + `<soapenv:Body><processOCIMessage><in0>` + soapTestDoc[strings.Index(soapTestDoc, "<Broadsoft"):] + `</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`, RuleSyntax, "element found where text was expected", "Envelope/Body/processOCIMessage/in0/BroadsoftDocument"},
		{"truncated after in0", env + `<soapenv:Body><processOCIMessage><in0>&lt;a/&gt;</in0></processOCIMessage>`, RuleSyntax, "unexpected end of document", ""},
		{"mismatched end tag", env + `<soapenv:Body><processOCIMessage><in0>&lt;a/&gt;</in0></processOCIMessage></Body></soapenv:Envelope>`, RuleSyntax, "does not match", ""},
		{"garbage after Envelope", env + `<soapenv:Body><processOCIMessage><in0>&lt;a/&gt;</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>x`, RuleSyntax, "text after the root element", ""},
		{"unknown entity", env + `<soapenv:Body><processOCIMessage><in0>&lt;a&nbsp;/&gt;</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`, RuleSyntax, "unknown entity", ""},
		{"broken double escape", env + `<soapenv:Body><processOCIMessage><in0>&amp;lt;a&amp;gt;&amp;bogus;&amp;lt;/a&amp;gt;</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`, RuleSyntax, "malformed reference in doubly escaped", "Envelope/Body/processOCIMessage/in0"},
		{"double escape with lone ampersand", env + `<soapenv:Body><processOCIMessage><in0>&amp;lt;a&amp;gt;x &amp; y&amp;lt;/a&amp;gt;</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`, RuleSyntax, "malformed reference in doubly escaped", "Envelope/Body/processOCIMessage/in0"},
		{"invalid UTF-8 without declaration", env + "<soapenv:Body><processOCIMessage><in0>M\xfcller</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>", RuleEncoding, "invalid UTF-8 at byte offset 115", ""},
		{"UTF-16 declared", `<?xml version="1.0" encoding="UTF-16"?>` + env + `</soapenv:Envelope>`, RuleEncoding, `unsupported encoding "UTF-16"`, ""},
		{"DOCTYPE", `<!DOCTYPE x [<!ENTITY a "b">]>` + env + `</soapenv:Envelope>`, RuleDoctype, "DOCTYPE is not allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UnwrapSOAPRequest([]byte(tt.body))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %q, %v; want *Error", got, err)
			}
			if got != "" {
				t.Errorf("document %q returned with error", got)
			}
			if e.Rule != tt.rule || !strings.Contains(e.Detail, tt.detail) || tt.path != "" && e.Path != tt.path {
				t.Errorf("error = {Path %q, Rule %q, Detail %q}; want {%q, %q, ~%q}", e.Path, e.Rule, e.Detail, tt.path, tt.rule, tt.detail)
			}
		})
	}
}

// soapTestResponse is an OCI-P response with everything that needs care
// inside an envelope: quotes, an escaped ampersand, a newline after the
// declaration, a literal ]]> and a character reference.
const soapTestResponse = `<?xml version="1.0" encoding="ISO-8859-1"?>
<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s1</sessionId><command echo="" xsi:type="UserGetResponse23V2" xmlns=""><lastName>M&#252;ller &amp; Co ]]&gt;</lastName></command></BroadsoftDocument>`

func TestAppendSOAPResponseGolden(t *testing.T) {
	const escaped = `&lt;?xml version=&quot;1.0&quot; encoding=&quot;ISO-8859-1&quot;?&gt;
&lt;BroadsoftDocument protocol=&quot;OCI&quot; xmlns=&quot;C&quot; xmlns:xsi=&quot;http://www.w3.org/2001/XMLSchema-instance&quot;&gt;&lt;sessionId xmlns=&quot;&quot;&gt;s1&lt;/sessionId&gt;&lt;command echo=&quot;&quot; xsi:type=&quot;UserGetResponse23V2&quot; xmlns=&quot;&quot;&gt;&lt;lastName&gt;M&amp;#252;ller &amp;amp; Co ]]&amp;gt;&lt;/lastName&gt;&lt;/command&gt;&lt;/BroadsoftDocument&gt;`
	tests := []struct {
		form SOAPResponseForm
		want string
	}{
		{SOAPQualified, `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><processOCIMessageResponse xmlns="urn:com:broadsoft:webservice"><processOCIMessageReturn>` + escaped + `</processOCIMessageReturn></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>`},
		{SOAPLegacyAxis, `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><processOCIMessageResponse xmlns=""><ns1:processOCIMessageReturn xmlns:ns1="urn:com:broadsoft:webservice">` + escaped + `</ns1:processOCIMessageReturn></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>`},
	}
	for _, tt := range tests {
		prefix := []byte("HTTP-BODY:")
		got := AppendSOAPResponse(prefix, []byte(soapTestResponse), tt.form)
		if !bytes.HasPrefix(got, prefix) {
			t.Fatalf("form %d: dst prefix lost", tt.form)
		}
		if string(got[len(prefix):]) != tt.want {
			t.Errorf("form %d:\n got %s\nwant %s", tt.form, got[len(prefix):], tt.want)
		}
	}
}

func TestAppendSOAPRequestGolden(t *testing.T) {
	got := string(AppendSOAPRequest(nil, []byte(soapTestDoc)))
	want := `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><processOCIMessage xmlns="urn:com:broadsoft:webservice"><in0>` + soapTestDocEscaped + `</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestAppendSOAPFaultGolden(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>`
	const tail = `</soapenv:Body></soapenv:Envelope>`
	tests := []struct {
		name  string
		fault SOAPFault
		want  string
	}{
		{
			name:  "captured not-logged-in fault",
			fault: SOAPFault{Code: "soapenv:Server.generalException", String: "INVALID_REQUEST", Actor: "ProvisioningService", Detail: "Cannot process any request before user is logged in."},
			want:  head + `<soapenv:Fault><faultcode>soapenv:Server.generalException</faultcode><faultstring>INVALID_REQUEST</faultstring><faultactor>ProvisioningService</faultactor><detail><string>Cannot process any request before user is logged in.</string></detail></soapenv:Fault>` + tail,
		},
		{
			name:  "no actor, no detail",
			fault: SOAPFault{Code: "soapenv:Client", String: "bad <envelope> & \"stuff\""},
			want:  head + `<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>bad &lt;envelope&gt; &amp; &quot;stuff&quot;</faultstring></soapenv:Fault>` + tail,
		},
		{
			name:  "empty code defaults to Server",
			fault: SOAPFault{String: "x", Detail: "d"},
			want:  head + `<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>x</faultstring><detail><string>d</string></detail></soapenv:Fault>` + tail,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(AppendSOAPFault(nil, tt.fault))
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			soapCheckWellFormed(t, []byte(got))
			_, err := UnwrapSOAPResponse([]byte(got))
			var f *SOAPFault
			if !errors.As(err, &f) {
				t.Fatalf("UnwrapSOAPResponse: %v, want *SOAPFault", err)
			}
			want := tt.fault
			if want.Code == "" {
				want.Code = "soapenv:Server"
			}
			if *f != want {
				t.Errorf("fault read back as %+v, want %+v", *f, want)
			}
		})
	}
}

func TestSOAPFaultError(t *testing.T) {
	var err error = &SOAPFault{Code: "soapenv:Server.generalException", String: "INVALID_REQUEST", Detail: "Cannot process any request before user is logged in."}
	if got, want := err.Error(), "soap fault soapenv:Server.generalException: INVALID_REQUEST (Cannot process any request before user is logged in.)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := (&SOAPFault{Code: "soapenv:Client", String: "x"}).Error(), "soap fault soapenv:Client: x"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// soapRoundTripDocs are documents the envelope must carry unchanged.
var soapRoundTripDocs = []string{
	soapTestDoc,
	soapTestResponse,
	umlautDocASCII,
	`<a>&amp; &lt; &gt; &quot; &apos; "double" 'single'</a>`,
	`<a><![CDATA[x]]></a> ]]> ]]]]><![CDATA[>`,
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>Müller € 日本 😀</a>",
	"<a>\ttab\r\nCRLF\rCR\n</a>",
	"  \n <a/> ",
	"&amp;lt;a&amp;gt;", // starts with &amp;, not &lt;: must not be unescaped again
	"x",
}

func TestSOAPRequestRoundTrip(t *testing.T) {
	for _, doc := range soapRoundTripDocs {
		env := AppendSOAPRequest(nil, []byte(doc))
		soapCheckWellFormed(t, env)
		if got := soapXMLText(t, env, xml.Name{Space: SOAPServiceNamespace, Local: "in0"}); got != doc {
			t.Errorf("encoding/xml reads in0 as %q, want %q", got, doc)
		}
		got, err := UnwrapSOAPRequest(env)
		if err != nil {
			t.Errorf("UnwrapSOAPRequest(AppendSOAPRequest(%q)): %v", doc, err)
			continue
		}
		if got != doc {
			t.Errorf("round trip changed the document:\n got %q\nwant %q", got, doc)
		}
	}
}

func TestSOAPResponseRoundTrip(t *testing.T) {
	for _, form := range []SOAPResponseForm{SOAPQualified, SOAPLegacyAxis} {
		wrapper := xml.Name{Space: SOAPServiceNamespace, Local: "processOCIMessageResponse"}
		if form == SOAPLegacyAxis {
			wrapper.Space = ""
		}
		for _, doc := range soapRoundTripDocs {
			env := AppendSOAPResponse(nil, []byte(doc), form)
			soapCheckWellFormed(t, env)
			// The element names and namespaces, as an independent parser sees them.
			if got := soapXMLText(t, env, wrapper); got != doc {
				t.Errorf("form %d: encoding/xml reads %s as %q, want %q", form, wrapper.Local, got, doc)
			}
			if got := soapXMLText(t, env, xml.Name{Space: SOAPServiceNamespace, Local: "processOCIMessageReturn"}); got != doc {
				t.Errorf("form %d: encoding/xml reads processOCIMessageReturn as %q, want %q", form, got, doc)
			}
			got, err := UnwrapSOAPResponse(env)
			if err != nil {
				t.Errorf("form %d: UnwrapSOAPResponse: %v", form, err)
				continue
			}
			if got != doc {
				t.Errorf("form %d: round trip changed the document:\n got %q\nwant %q", form, got, doc)
			}
		}
	}
}

// TestAppendSOAPTextSanitizes checks that bytes XML cannot carry never make
// an envelope ill-formed.
func TestAppendSOAPTextSanitizes(t *testing.T) {
	in := "a\x00b\x1fc\xffd\xc3e\uFFFEf\U0010FFFF"
	got := string(appendSOAPText(nil, []byte(in)))
	want := "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\U0010FFFF"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	soapCheckWellFormed(t, AppendSOAPResponse(nil, []byte(in), SOAPQualified))
}

func TestUnwrapSOAPResponse(t *testing.T) {
	const inner = `<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId xmlns="">s</sessionId></BroadsoftDocument>`
	const esc = `&lt;BroadsoftDocument protocol=&quot;OCI&quot; xmlns=&quot;C&quot;&gt;&lt;sessionId xmlns=&quot;&quot;&gt;s&lt;/sessionId&gt;&lt;/BroadsoftDocument&gt;`
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "captured 2017 Axis response",
			body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><processOCIMessageResponse xmlns=""><ns1:processOCIMessageReturn xmlns:ns1="urn:com:broadsoft:webservice">&lt;?xml version=&quot;1.0&quot; encoding=&quot;UTF-8&quot;?&gt;` + "\n" + esc + `</ns1:processOCIMessageReturn></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>`,
			want: `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + inner,
		},
		{
			name: "prefixed wrapper, pretty-printed, Header",
			body: "<S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\">\n <S:Header><x>1</x></S:Header>\n <S:Body>\n  <ns2:processOCIMessageResponse xmlns:ns2=\"urn:com:broadsoft:webservice\">\n   <ns2:processOCIMessageReturn><![CDATA[" + inner + "]]></ns2:processOCIMessageReturn>\n  </ns2:processOCIMessageResponse>\n </S:Body>\n</S:Envelope>\n",
			want: inner,
		},
		{
			name: "return element nested deeper, processMessage",
			body: `<e:Envelope xmlns:e="x"><e:Body><processMessageResponse><result><processMessageReturn>` + esc + `</processMessageReturn></result></processMessageResponse></e:Body></e:Envelope>`,
			want: inner,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UnwrapSOAPResponse([]byte(tt.body))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestUnwrapSOAPResponseFaults(t *testing.T) {
	tests := []struct {
		name string
		body string
		want SOAPFault
	}{
		{
			name: "Axis fault with hostname in detail",
			body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server.userException</faultcode><faultstring>java.lang.NullPointerException</faultstring><detail><ns1:hostname xmlns:ns1="http://xml.apache.org/axis/">as1.example.com</ns1:hostname></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
			want: SOAPFault{Code: "soapenv:Server.userException", String: "java.lang.NullPointerException", Detail: "as1.example.com"},
		},
		{
			name: "detail with string and hostname",
			body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault>` + "\n" + `<faultcode> soapenv:Server.generalException </faultcode><faultstring>INVALID_REQUEST</faultstring><faultactor>ProvisioningService</faultactor><detail><string>Cannot process any request before user is logged in.</string><ns2:hostname xmlns:ns2="http://xml.apache.org/axis/">as1</ns2:hostname></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
			want: SOAPFault{Code: "soapenv:Server.generalException", String: "INVALID_REQUEST", Actor: "ProvisioningService", Detail: "Cannot process any request before user is logged in."},
		},
		{
			name: "detail as plain text, several elements",
			body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>no</faultstring><detail> <a>one</a> <b><c>two</c></b> </detail></s:Fault></s:Body></s:Envelope>`,
			want: SOAPFault{Code: "s:Client", String: "no", Detail: "one\ntwo"},
		},
		{
			name: "markup inside detail/string is read as text",
			body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring> spaced </faultstring><detail><string> a<b>x</b>c </string><string>second</string></detail></s:Fault></s:Body></s:Envelope>`,
			want: SOAPFault{Code: "s:Server", String: " spaced ", Detail: " axc "},
		},
		{
			name: "empty string child wins over other text",
			body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>x</faultstring><detail><string/><hostname>h</hostname></detail></s:Fault></s:Body></s:Envelope>`,
			want: SOAPFault{Code: "s:Server", String: "x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := UnwrapSOAPResponse([]byte(tt.body))
			var f *SOAPFault
			if !errors.As(err, &f) {
				t.Fatalf("got %q, %v; want *SOAPFault", doc, err)
			}
			if *f != tt.want {
				t.Errorf("got %+v\nwant %+v", *f, tt.want)
			}
		})
	}
}

func TestUnwrapSOAPResponseErrors(t *testing.T) {
	const env = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">`
	tests := []struct {
		name   string
		body   string
		rule   string
		detail string
	}{
		{"HTML error page", "<html><body>502 Bad Gateway</body></html>", RuleSOAP, "root element is html, not a SOAP Envelope"},
		{"no Body", env + `</soapenv:Envelope>`, RuleSOAP, "no Body element"},
		{"empty Body", env + `<soapenv:Body></soapenv:Body></soapenv:Envelope>`, RuleSOAP, "empty SOAP Body"},
		{"no return element", env + `<soapenv:Body><processOCIMessageResponse><other>x</other></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>`, RuleSOAP, "no processOCIMessageReturn element"},
		{"return only in second child", env + `<soapenv:Body><a/><processOCIMessageResponse><processOCIMessageReturn>x</processOCIMessageReturn></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>`, RuleSOAP, "no processOCIMessageReturn element"},
		{"empty return", env + `<soapenv:Body><processOCIMessageResponse><processOCIMessageReturn/></processOCIMessageResponse></soapenv:Body></soapenv:Envelope>`, RuleSOAP, "processOCIMessageReturn is empty"},
		{"truncated", env + `<soapenv:Body><processOCIMessageResponse><processOCIMessageReturn>&lt;a/&gt;</processOCIMessageReturn>`, RuleSyntax, "unexpected end of document"},
		{"truncated fault", env + `<soapenv:Body><soapenv:Fault><faultcode>x</faultcode>`, RuleSyntax, "unexpected end of document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UnwrapSOAPResponse([]byte(tt.body))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %q, %v; want *Error", got, err)
			}
			if e.Rule != tt.rule || !strings.Contains(e.Detail, tt.detail) {
				t.Errorf("error = {Rule %q, Detail %q}; want {%q, ~%q}", e.Rule, e.Detail, tt.rule, tt.detail)
			}
		})
	}
}

// soapCheckWellFormed parses b with encoding/xml, which knows nothing of
// our decoder's shortcuts.
func soapCheckWellFormed(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, b)
		}
	}
}

// soapXMLText returns, as encoding/xml sees it, the character data inside
// the first element named name (namespace-resolved), or "<missing>".
func soapXMLText(t *testing.T, b []byte, name xml.Name) string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	depth := 0
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			if depth > 0 {
				t.Fatalf("reading %v: %v", name, err)
			}
			return "<missing>"
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth > 0 || tok.Name == name {
				depth++
			}
		case xml.EndElement:
			if depth > 0 {
				if depth--; depth == 0 {
					return text.String()
				}
			}
		case xml.CharData:
			if depth > 0 {
				text.Write(tok)
			}
		}
	}
}

func BenchmarkUnwrapSOAPRequest(b *testing.B) {
	row := `<row><col>jsmith@example.com</col><col>Smith</col><col>John</col></row>`
	doc := soapTestDoc + strings.Repeat(row, 100)
	env := AppendSOAPRequest(nil, []byte(doc))
	b.ReportAllocs()
	b.SetBytes(int64(len(env)))
	for b.Loop() {
		if _, err := UnwrapSOAPRequest(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendSOAPResponse(b *testing.B) {
	row := `<row><col>jsmith@example.com</col><col>Smith</col><col>John</col></row>`
	doc := []byte(soapTestResponse + strings.Repeat(row, 100))
	var buf []byte
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		buf = AppendSOAPResponse(buf[:0], doc, SOAPQualified)
	}
}

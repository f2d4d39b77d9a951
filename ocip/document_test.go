package ocip

import (
	"errors"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/callcenter"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/deprecateduser"
	"github.com/switchboard/switchboard/ocip/schema/login"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

const (
	sid      = "9b2c7d1e-0f4a-4c55-8a1b-3d2e6f7a8b90"
	prologue = `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" +
		`<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">` + sid + `</sessionId>`
	epilogue = "</BroadsoftDocument>\n"
)

func encode(cmds ...ocixml.Command) string {
	d := &Document{SessionID: sid, Commands: cmds}
	return string(d.AppendXML(nil))
}

// The canonical server forms of the notes (§1.4), byte for byte: clients
// depend on the prefixes, xmlns="" placement, echo="" and the final newline.
func TestGoldenCanonicalForms(t *testing.T) {
	tests := []struct {
		name string
		cmd  ocixml.Command
		want string
	}{
		{"AuthenticationResponse", &deprecated.AuthenticationResponse{UserID: "admin@example.com", Nonce: "1700000000123", PasswordAlgorithm: "MD5"},
			`<command echo="" xsi:type="AuthenticationResponse" xmlns=""><userId>admin@example.com</userId><nonce>1700000000123</nonce><passwordAlgorithm>MD5</passwordAlgorithm></command>`},
		{"LoginResponse14sp4", &deprecated.LoginResponse14sp4{LoginType: "System", Locale: "en_US", Encoding: "ISO-8859-1", IsEnterprise: false, UserDomain: "example.com"},
			`<command echo="" xsi:type="LoginResponse14sp4" xmlns=""><loginType>System</loginType><locale>en_US</locale><encoding>ISO-8859-1</encoding><isEnterprise>false</isEnterprise><userDomain>example.com</userDomain></command>`},
		{"LoginResponse22V5", &login.LoginResponse22V5{LoginType: datatypes.LoginType22ServiceProvider, Locale: "en_US", Encoding: "ISO-8859-1", ServiceProviderID: ocixml.Ptr(datatypes.ServiceProviderId("acme")), IsEnterprise: true, UserDomain: "example.com"},
			`<command echo="" xsi:type="LoginResponse22V5" xmlns=""><loginType>Service Provider</loginType><locale>en_US</locale><encoding>ISO-8859-1</encoding><serviceProviderId>acme</serviceProviderId><isEnterprise>true</isEnterprise><userDomain>example.com</userDomain></command>`},
		{"SuccessResponse", &core.SuccessResponse{},
			`<command echo="" xsi:type="c:SuccessResponse" xmlns:c="C" xmlns=""/>`},
		{"SuccessResponseEcho", &core.SuccessResponse{Echo: "r1"},
			`<command echo="r1" xsi:type="c:SuccessResponse" xmlns:c="C" xmlns=""/>`},
		{"ErrorResponse", &core.ErrorResponse{Type: core.ErrorResponseTypeError, ErrorCode: ocixml.Ptr(int32(4008)), Summary: "[Error 4008] User not found: bob@example.com", SummaryEnglish: "[Error 4008] User not found: bob@example.com", Detail: ocixml.Ptr("optional free text")},
			`<command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns=""><errorCode>4008</errorCode><summary>[Error 4008] User not found: bob@example.com</summary><summaryEnglish>[Error 4008] User not found: bob@example.com</summaryEnglish><detail>optional free text</detail></command>`},
		{"UserGetListInGroupResponse", userTableResponse(),
			`<command echo="" xsi:type="UserGetListInGroupResponse" xmlns=""><userTable><colHeading>User Id</colHeading><colHeading>Last Name</colHeading><colHeading>First Name</colHeading><colHeading>Department</colHeading><colHeading>Phone Number</colHeading><colHeading>Phone Number Activated</colHeading><colHeading>Email Address</colHeading><colHeading>Hiragana Last Name</colHeading><colHeading>Hiragana First Name</colHeading><colHeading>In Trunk Group</colHeading><colHeading>Extension</colHeading><colHeading>Country Code</colHeading><colHeading>National Prefix</colHeading><row><col>jsmith@example.com</col><col>Smith</col><col>John</col><col/><col>+1-2025550101</col><col>true</col><col>js@example.com</col><col/><col/><col>false</col><col>0101</col><col>1</col><col/></row></userTable></command>`},
		{"EmptyTableKeepsHeadings", &callcenter.UserCallCenterAgentSignOutResponse{},
			`<command echo="" xsi:type="UserCallCenterAgentSignOutResponse" xmlns=""><callCenterTable><colHeading>Service User Id</colHeading><colHeading>Call Center Name</colHeading></callCenterTable></command>`},
		{"NonASCIIAsReferences", &deprecated.AuthenticationResponse{UserID: "m\u00fcller@example.com", Nonce: "1", PasswordAlgorithm: "MD5"},
			`<command echo="" xsi:type="AuthenticationResponse" xmlns=""><userId>m&#252;ller@example.com</userId><nonce>1</nonce><passwordAlgorithm>MD5</passwordAlgorithm></command>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := encode(tc.cmd)
			want := prologue + tc.want + epilogue
			if got != want {
				t.Fatalf("canonical form differs\n got: %s\nwant: %s", got, want)
			}
			// And it reads back to the same value.
			doc, err := Decode([]byte(got), DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if again := encode(doc.Commands...); again != got {
				t.Fatalf("re-encoding differs\n got: %s\nwant: %s", again, got)
			}
		})
	}
}

func userTableResponse() *user.UserGetListInGroupResponse {
	r := &user.UserGetListInGroupResponse{}
	r.UserTable.Headings = []string{"User Id", "Last Name", "First Name", "Department", "Phone Number", "Phone Number Activated", "Email Address", "Hiragana Last Name", "Hiragana First Name", "In Trunk Group", "Extension", "Country Code", "National Prefix"}
	r.UserTable.AddRow("jsmith@example.com", "Smith", "John", "", "+1-2025550101", "true", "js@example.com", "", "", "false", "0101", "1", "")
	return r
}

func TestGoldenRequestForm(t *testing.T) {
	got := encode(&deprecated.AuthenticationRequest{UserID: "admin@example.com"})
	want := prologue + `<command xsi:type="AuthenticationRequest" xmlns=""><userId>admin@example.com</userId></command>` + epilogue
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// Documents as well-known clients send them must all decode.
func TestDecodeClientVariants(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		check func(t *testing.T, d *Document)
	}{
		{"mercury single quotes, ISO-8859-1, newline", "<?xml version='1.0' encoding='ISO-8859-1'?>\n" +
			`<BroadsoftDocument xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" protocol="OCI"><sessionId xmlns="">s1</sessionId><command xmlns="" xsi:type="LoginRequest22V5"><userId>admin</userId><password>pw</password></command></BroadsoftDocument>` + "\n",
			func(t *testing.T, d *Document) {
				r := d.Commands[0].(*login.LoginRequest22V5)
				if r.UserID != "admin" || r.Password == nil || *r.Password != "pw" || d.SessionID != "s1" {
					t.Fatalf("%+v", r)
				}
			}},
		{"mercury C bound to XSI", `<BroadsoftDocument xmlns="C" protocol="OCI"><sessionId xmlns="">s</sessionId><command xmlns="" xmlns:C="http://www.w3.org/2001/XMLSchema-instance" C:type="AuthenticationRequest"><userId>u</userId></command></BroadsoftDocument>`,
			func(t *testing.T, d *Document) {
				if d.Commands[0].(*deprecated.AuthenticationRequest).UserID != "u" {
					t.Fatal("wrong user")
				}
			}},
		{"mercury-fast undeclared C:nil", `<BroadsoftDocument xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" protocol="OCI"><sessionId xmlns="">s</sessionId><command xmlns="" xsi:type="UserModifyRequest22"><userId>u@x</userId><phoneNumber C:nil="true"/><extension>1234</extension></command></BroadsoftDocument>`,
			func(t *testing.T, d *Document) {
				r := d.Commands[0].(*user.UserModifyRequest22)
				if !r.PhoneNumber.IsNil() {
					t.Fatal("phoneNumber should be nil")
				}
				if v, ok := r.Extension.Get(); !ok || v != "1234" {
					t.Fatal("extension lost")
				}
				if r.LastName != nil {
					t.Fatal("absent field set")
				}
			}},
		{"C# UTF-8 pretty CRLF with xsd", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<BroadsoftDocument protocol=\"OCI\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"C\">\r\n  <sessionId xmlns=\"\">abc</sessionId>\r\n  <command xsi:type=\"UserGetRequest23V2\" xmlns=\"\">\r\n    <userId>j\u00f6rg@example.com</userId>\r\n  </command>\r\n</BroadsoftDocument>",
			func(t *testing.T, d *Document) {
				if d.Commands[0].(*user.UserGetRequest23V2).UserID != "j\u00f6rg@example.com" {
					t.Fatal("wrong user id")
				}
			}},
		{"ElementTree prefixed root", `<ns0:BroadsoftDocument xmlns:ns0="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" protocol="OCI"><sessionId>s</sessionId><command xsi:type="UserGetRequest23V2"><userId>u@x</userId></command></ns0:BroadsoftDocument>`,
			func(t *testing.T, d *Document) {
				if len(d.Commands) != 1 {
					t.Fatal("no command")
				}
			}},
		{"C-qualified children", `<BroadsoftDocument xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" protocol="OCI"><sessionId>s</sessionId><command xsi:type="c:SuccessResponse" xmlns:c="C"/></BroadsoftDocument>`,
			func(t *testing.T, d *Document) {
				if _, ok := d.Commands[0].(*core.SuccessResponse); !ok {
					t.Fatalf("%T", d.Commands[0])
				}
			}},
		{"Latin-1 bytes, entities, CDATA", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><BroadsoftDocument xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" protocol=\"OCI\"><sessionId xmlns=\"\">s</sessionId><command xmlns=\"\" xsi:type=\"UserAddRequest17sp4\"><serviceProviderId>a&amp;b</serviceProviderId><groupId><![CDATA[g<1>]]></groupId><userId>u@x</userId><lastName>M\xfcller</lastName><firstName>&#74;&#x6F;</firstName><callingLineIdLastName>M</callingLineIdLastName><callingLineIdFirstName>J</callingLineIdFirstName></command></BroadsoftDocument>",
			func(t *testing.T, d *Document) {
				r := d.Commands[0].(*deprecateduser.UserAddRequest17sp4)
				if r.ServiceProviderID != "a&b" || r.GroupID != "g<1>" || r.LastName != "M\u00fcller" || r.FirstName != "Jo" {
					t.Fatalf("%+v", r)
				}
			}},
		{"department without xsi:type is inferred", docWith(`<command xmlns="" xsi:type="UserAddRequest17sp4"><serviceProviderId>sp</serviceProviderId><groupId>g</groupId><userId>u@x</userId><lastName>L</lastName><firstName>F</firstName><callingLineIdLastName>L</callingLineIdLastName><callingLineIdFirstName>F</callingLineIdFirstName><department><serviceProviderId>sp</serviceProviderId><groupId>g</groupId><name>Sales</name></department></command>`),
			func(t *testing.T, d *Document) {
				dep, ok := d.Commands[0].(*deprecateduser.UserAddRequest17sp4).Department.(*datatypes.GroupDepartmentKey)
				if !ok || dep.Name != "Sales" || dep.GroupID != "g" {
					t.Fatalf("%#v", d.Commands[0].(*deprecateduser.UserAddRequest17sp4).Department)
				}
			}},
		{"enterprise department inferred", docWith(`<command xmlns="" xsi:type="UserAddRequest17sp4"><serviceProviderId>sp</serviceProviderId><groupId>g</groupId><userId>u@x</userId><lastName>L</lastName><firstName>F</firstName><callingLineIdLastName>L</callingLineIdLastName><callingLineIdFirstName>F</callingLineIdFirstName><department><serviceProviderId>sp</serviceProviderId><name>HQ</name></department></command>`),
			func(t *testing.T, d *Document) {
				if _, ok := d.Commands[0].(*deprecateduser.UserAddRequest17sp4).Department.(*datatypes.EnterpriseDepartmentKey); !ok {
					t.Fatalf("%T", d.Commands[0].(*deprecateduser.UserAddRequest17sp4).Department)
				}
			}},
		{"isCaseInsensitive omitted defaults to true", docWith(`<command xmlns="" xsi:type="UserGetListInGroupRequest"><serviceProviderId>sp</serviceProviderId><GroupId>g</GroupId><searchCriteriaUserLastName><mode>Starts With</mode><value>Sm</value></searchCriteriaUserLastName></command>`),
			func(t *testing.T, d *Document) {
				c := d.Commands[0].(*user.UserGetListInGroupRequest).SearchCriteriaUserLastName[0]
				if !c.IsCaseInsensitive || c.Mode != datatypes.SearchModeStartsWith {
					t.Fatalf("%+v", c)
				}
			}},
		{"echo and tracking id kept", `<BroadsoftDocument xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" protocol="OCI"><sessionId xmlns="">s</sessionId><trackingId xmlns="">t-1</trackingId><command xmlns="" echo="e&amp;1" xsi:type="LogoutRequest"><userId>u</userId><reason>Connection close</reason></command></BroadsoftDocument>`,
			func(t *testing.T, d *Document) {
				r := d.Commands[0].(*login.LogoutRequest)
				if r.Echo != "e&1" || d.TrackingID != "t-1" || r.Reason == nil || *r.Reason != "Connection close" {
					t.Fatalf("%+v %+v", d, r)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Decode([]byte(tc.doc), DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, d)
		})
	}
}

func docWith(cmds string) string {
	return `<BroadsoftDocument xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" protocol="OCI"><sessionId xmlns="">s</sessionId>` + cmds + `</BroadsoftDocument>`
}

// Bad input gets a precise error naming the rule, and the session id is
// still available for the error reply.
func TestDecodeRejects(t *testing.T) {
	get := `<command xmlns="" xsi:type="UserGetRequest23V2"><userId>u@x</userId></command>`
	tests := []struct {
		name, doc, rule, path string
		opt                   DecodeOptions
	}{
		{"doctype", `<!DOCTYPE x [<!ENTITY a "b">]>` + docWith(get), ocixml.RuleDoctype, "", DecodeOptions{}},
		{"depth", docWith(`<command xmlns="" xsi:type="UserGetRequest23V2">` + strings.Repeat("<a>", 70) + strings.Repeat("</a>", 70) + `</command>`), ocixml.RuleDepth, "", DecodeOptions{SkipUnknown: true}},
		{"16 commands", docWith(strings.Repeat(get, 16)), ocixml.RuleCommands, "BroadsoftDocument/command[UserGetRequest23V2]", DecodeOptions{}},
		{"unknown xsi:type", docWith(`<command xmlns="" xsi:type="NoSuchRequest"><x/></command>`), ocixml.RuleXSIType, "BroadsoftDocument/command[NoSuchRequest]", DecodeOptions{}},
		{"missing xsi:type", docWith(`<command xmlns=""><x/></command>`), ocixml.RuleXSIType, "BroadsoftDocument/command", DecodeOptions{}},
		{"unknown element", docWith(`<command xmlns="" xsi:type="UserGetRequest23V2"><userId>u@x</userId><bogus/></command>`), ocixml.RuleUnknown, "BroadsoftDocument/command[UserGetRequest23V2]/bogus", DecodeOptions{}},
		{"missing required", docWith(`<command xmlns="" xsi:type="UserGetRequest23V2"></command>`), ocixml.RuleRequired, "BroadsoftDocument/command[UserGetRequest23V2]", DecodeOptions{}},
		{"duplicate element", docWith(`<command xmlns="" xsi:type="UserGetRequest23V2"><userId>a@x</userId><userId>b@x</userId></command>`), ocixml.RuleOccurs, "BroadsoftDocument/command[UserGetRequest23V2]/userId", DecodeOptions{}},
		{"bad boolean", docWith(`<command xmlns="" xsi:type="LoginResponse14sp4"><loginType>System</loginType><locale>en</locale><encoding>x</encoding><isEnterprise>yes</isEnterprise><userDomain>d</userDomain></command>`), ocixml.RuleType, "BroadsoftDocument/command[LoginResponse14sp4]/isEnterprise", DecodeOptions{}},
		{"facet: maxLength", docWith(`<command xmlns="" xsi:type="UserGetRequest23V2"><userId>` + strings.Repeat("u", 162) + `</userId></command>`), ocixml.RuleLength, "BroadsoftDocument/command[0][UserGetRequest23V2]/userId", DecodeOptions{Validate: true}},
		{"facet: enumeration", docWith(`<command xmlns="" xsi:type="LogoutRequest"><userId>u</userId><reason>Connection close</reason></command>`), ocixml.RuleEnum, "BroadsoftDocument/command[0][LogoutRequest]/reason", DecodeOptions{Validate: true}},
		{"not XML", "hello", ocixml.RuleSyntax, "", DecodeOptions{}},
		{"mismatched tag", docWith(`<command xmlns="" xsi:type="UserGetRequest23V2"><userId>u</user></command>`), ocixml.RuleSyntax, "", DecodeOptions{}},
		{"wrong root", `<Envelope><sessionId>s</sessionId></Envelope>`, ocixml.RuleRootElement, "Envelope", DecodeOptions{}},
		{"no command", docWith(``), ocixml.RuleRequired, "BroadsoftDocument", DecodeOptions{}},
		{"too large", docWith(get), ocixml.RuleSize, "", DecodeOptions{MaxSize: 100}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Decode([]byte(tc.doc), tc.opt)
			var e *ocixml.Error
			if !errors.As(err, &e) {
				t.Fatalf("want *ocixml.Error, got %v", err)
			}
			if e.Rule != tc.rule {
				t.Fatalf("rule %q, want %q (%v)", e.Rule, tc.rule, err)
			}
			if tc.path != "" && e.Path != tc.path {
				t.Fatalf("path %q, want %q (%v)", e.Path, tc.path, err)
			}
			if strings.Contains(tc.doc, "<sessionId") && strings.Index(tc.doc, "<sessionId") < strings.Index(tc.doc, "<command") && d.SessionID == "" && tc.rule != ocixml.RuleDoctype && tc.rule != ocixml.RuleRootElement && tc.rule != ocixml.RuleSize {
				t.Fatal("session id not kept for the error reply")
			}
			// The 6004 reply carries the detail.
			r := ValidationError(err)
			if !strings.HasPrefix(r.Summary, "[Error 6004] OCI XML Request validation error") || r.Detail == nil || !strings.Contains(*r.Detail, tc.rule) {
				t.Fatalf("bad 6004 form: %+v", r)
			}
		})
	}
}

func TestSignedPasswordVectors(t *testing.T) {
	for _, v := range []struct{ nonce, pw, sha, signed string }{
		{"1234567890123", "password", "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", "77e4a6de3a1e00be05e121cf0ebee860"},
		{"1700000000123", "s3cret!", "6165c89033c37eb27a238c95fb492a4c9753e521", "f06559d19a84caf9a706f93a89930aa1"},
	} {
		if got := PasswordSHA1(v.pw); got != v.sha {
			t.Errorf("sha1(%q) = %s, want %s", v.pw, got, v.sha)
		}
		if got := SignedPassword(v.nonce, v.pw); got != v.signed {
			t.Errorf("signed(%q,%q) = %s, want %s", v.nonce, v.pw, got, v.signed)
		}
	}
}

func TestErrorTable(t *testing.T) {
	if got := CodeUserNotFound.Summary("bob@example.com"); got != "[Error 4008] User not found: bob@example.com" {
		t.Fatal(got)
	}
	if got := CodeDomainAlreadyAssigned.Summary("example.com"); got != "[Error 4267] Error assigning domain since the domain is already assigned: example.com" {
		t.Fatal(got)
	}
	if got := CodeNotFound.Summary("Group", "hq"); got != "[Error 9002] Group not found: hq" {
		t.Fatal(got)
	}
	if got := CodeNotFound.Summary(); got != "[Error 9002]  not found: " {
		t.Fatalf("missing args must not leak placeholders: %q", got)
	}
	r := CodeUnauthorized.Response()
	if r.Summary != "[Error 5404] Unauthorized transaction." || r.SummaryEnglish != r.Summary || *r.ErrorCode != 5404 || r.Type != "Error" {
		t.Fatalf("%+v", r)
	}
	if CodeInvalidPassword.Name() != "InvalidPassword" || ErrorCode(1234).Name() != "" {
		t.Fatal("names")
	}
	for c, s := range errorTable {
		if strings.Count(s.text, "{") != s.placeholders {
			t.Errorf("%d: placeholder count", c)
		}
	}
}

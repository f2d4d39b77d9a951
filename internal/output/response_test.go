package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// sampleUser has a polymorphic element (department), a repeated element
// with one occurrence (alias), a nil field (address.city), an escaped
// value and a repeated complex element (alternateUserId).
func sampleUser() *user.UserGetResponse23V2 {
	return &user.UserGetResponse23V2{
		ServiceProviderID:      "sp1",
		GroupID:                "g1",
		UserID:                 "alice@example.com",
		LastName:               "Smith & Sons",
		FirstName:              "Alice",
		CallingLineIDLastName:  "Smith",
		CallingLineIDFirstName: "Alice",
		Department:             &datatypes.GroupDepartmentKey{ServiceProviderID: "sp1", GroupID: "g1", Name: "Sales"},
		Language:               "English",
		TimeZone:               "Europe/Paris",
		TimeZoneDisplayName:    "(GMT+01:00) Europe/Paris",
		DefaultAlias:           "alice@example.com",
		Alias:                  []datatypes.SIPURI{"a1@example.com"},
		Address: &datatypes.StreetAddress{
			AddressLine1: ocixml.Some[datatypes.StreetAddressAddressLine1]("1 Main St"),
			City:         ocixml.Null[datatypes.StreetAddressCity](),
		},
		CountryCode: "33",
		AlternateUserID: []datatypes.AlternateUserIdEntry{
			{AlternateUserID: "alt1@example.com"},
			{AlternateUserID: "alt2@example.com", Description: ocixml.Ptr[datatypes.AlternateUserIdDescription]("second")},
		},
		AllowVideo: true,
	}
}

func sampleGroups() *group.GroupGetListInServiceProviderResponse {
	r := &group.GroupGetListInServiceProviderResponse{}
	r.GroupTable.Headings = []string{"Group Id", "Group Name", "User Limit"}
	r.GroupTable.AddRow("g1", "Group, one", "10")
	r.GroupTable.AddRow("g2", "", "25")
	return r
}

func render(t *testing.T, f Format, c ocixml.Command) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteResponse(&b, f, c); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return b.String()
}

func TestResponseJSONGolden(t *testing.T) {
	got := render(t, JSON, sampleUser())
	want := `{
  "serviceProviderId": "sp1",
  "groupId": "g1",
  "userId": "alice@example.com",
  "lastName": "Smith \u0026 Sons",
  "firstName": "Alice",
  "callingLineIdLastName": "Smith",
  "callingLineIdFirstName": "Alice",
  "department": {
    "@xsi:type": "GroupDepartmentKey",
    "serviceProviderId": "sp1",
    "groupId": "g1",
    "name": "Sales"
  },
  "language": "English",
  "timeZone": "Europe/Paris",
  "timeZoneDisplayName": "(GMT+01:00) Europe/Paris",
  "defaultAlias": "alice@example.com",
  "alias": [
    "a1@example.com"
  ],
  "address": {
    "addressLine1": "1 Main St",
    "city": null
  },
  "countryCode": "33",
  "alternateUserId": [
    {
      "alternateUserId": "alt1@example.com"
    },
    {
      "alternateUserId": "alt2@example.com",
      "description": "second"
    }
  ],
  "allowVideo": "true"
}
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Deterministic: the same response renders the same bytes.
	if again := render(t, JSON, sampleUser()); again != got {
		t.Error("JSON output differs between runs")
	}
}

func TestResponseTextGolden(t *testing.T) {
	got := render(t, Text, sampleUser())
	want := `serviceProviderId                 sp1
groupId                           g1
userId                            alice@example.com
lastName                          Smith & Sons
firstName                         Alice
callingLineIdLastName             Smith
callingLineIdFirstName            Alice
department.@xsi:type              GroupDepartmentKey
department.serviceProviderId      sp1
department.groupId                g1
department.name                   Sales
language                          English
timeZone                          Europe/Paris
timeZoneDisplayName               (GMT+01:00) Europe/Paris
defaultAlias                      alice@example.com
alias[0]                          a1@example.com
address.addressLine1              1 Main St
address.city                      (nil)
countryCode                       33
alternateUserId[0].alternateUserId  alt1@example.com
alternateUserId[1].alternateUserId  alt2@example.com
alternateUserId[1].description    second
allowVideo                        true
`
	if normalizeSpace(got) != normalizeSpace(want) {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// The value column is aligned: every value starts at the same offset.
	col := -1
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		path := strings.Fields(l)[0]
		rest := l[len(path):]
		i := len(path) + len(rest) - len(strings.TrimLeft(rest, " "))
		if col < 0 {
			col = i
		} else if i != col {
			t.Errorf("value not aligned at column %d: %q", col, l)
		}
	}
}

// normalizeSpace collapses runs of spaces, so the golden text need not
// repeat tabwriter's padding.
func normalizeSpace(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return strings.Join(out, "\n")
}

func TestResponseTable(t *testing.T) {
	g := sampleGroups()
	if got, want := render(t, JSON, g), `{
  "groupTable": [
    {
      "Group Id": "g1",
      "Group Name": "Group, one",
      "User Limit": "10"
    },
    {
      "Group Id": "g2",
      "Group Name": "",
      "User Limit": "25"
    }
  ]
}
`; got != want {
		t.Errorf("json got:\n%s", got)
	}
	if got, want := render(t, CSV, g), "Group Id,Group Name,User Limit\ng1,\"Group, one\",10\ng2,,25\n"; got != want {
		t.Errorf("csv got %q, want %q", got, want)
	}
	text := render(t, Text, g)
	if ls := strings.Split(text, "\n"); ls[0] != "groupTable (2)" || normalizeSpace(ls[1]) != "Group Id Group Name User Limit" || normalizeSpace(ls[2]) != "g1 Group, one 10" || !strings.HasPrefix(ls[3], "g2 ") {
		t.Errorf("text got:\n%s", text)
	}
	xmlOut := render(t, XML, g)
	want := "<command xsi:type=\"GroupGetListInServiceProviderResponse\">\n" +
		"  <groupTable>\n" +
		"    <colHeading>Group Id</colHeading>\n" +
		"    <colHeading>Group Name</colHeading>\n" +
		"    <colHeading>User Limit</colHeading>\n" +
		"    <row>\n      <col>g1</col>\n      <col>Group, one</col>\n      <col>10</col>\n    </row>\n" +
		"    <row>\n      <col>g2</col>\n      <col/>\n      <col>25</col>\n    </row>\n" +
		"  </groupTable>\n" +
		"</command>\n"
	if xmlOut != want {
		t.Errorf("xml got:\n%s\nwant:\n%s", xmlOut, want)
	}
}

func TestResponseCSVPathValue(t *testing.T) {
	got := render(t, CSV, sampleUser())
	for _, want := range []string{
		"path,value\n",
		"department.@xsi:type,GroupDepartmentKey\n",
		"alias[0],a1@example.com\n",
		"address.city,(nil)\n",
		"alternateUserId[1].description,second\n",
		"lastName,Smith & Sons\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("csv lacks %q:\n%s", want, got)
		}
	}
}

func TestResponseCSVTables(t *testing.T) {
	// One table beside a scalar: CSV is the table.
	d := &system.SystemDomainGetListResponse22V2{SystemDefaultDomain: ocixml.Ptr[datatypes.NetAddress]("example.com")}
	d.DomainTable.Headings = []string{"Domain Name", "Reseller Id"}
	d.DomainTable.AddRow("example.com", "")
	if got, want := render(t, CSV, d), "Domain Name,Reseller Id\nexample.com,\n"; got != want {
		t.Errorf("one table: %q, want %q", got, want)
	}
	// The table form keeps both.
	if got := render(t, Text, d); !strings.HasPrefix(got, "systemDefaultDomain  example.com\n\ndomainTable (1)\n") {
		t.Errorf("text: %q", got)
	}
	// Two tables: path,value rows, every cell named by table, row and
	// heading, an empty table contributing nothing.
	u := &user.UserServiceGetAssignmentListResponse{}
	u.ServicePacksAssignmentTable.Headings = []string{"Service Pack Name", "Assigned"}
	u.UserServicesAssignmentTable.Headings = []string{"Service Name", "Assigned"}
	u.UserServicesAssignmentTable.AddRow("Call Waiting", "true")
	want := "path,value\nuserServicesAssignmentTable[0].Service Name,Call Waiting\nuserServicesAssignmentTable[0].Assigned,true\n"
	if got := render(t, CSV, u); got != want {
		t.Errorf("two tables: %q, want %q", got, want)
	}
}

func TestResponseXML(t *testing.T) {
	got := render(t, XML, sampleUser())
	for _, want := range []string{
		"<command xsi:type=\"UserGetResponse23V2\">\n",
		"  <lastName>Smith &amp; Sons</lastName>\n",
		"  <department xsi:type=\"GroupDepartmentKey\">\n    <serviceProviderId>sp1</serviceProviderId>\n",
		"  <address>\n    <addressLine1>1 Main St</addressLine1>\n    <city xsi:nil=\"true\"/>\n  </address>\n",
		"  <alias>a1@example.com</alias>\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("xml lacks %q:\n%s", want, got)
		}
	}
	if !strings.HasSuffix(got, "</command>\n") {
		t.Errorf("xml end: %q", got)
	}
	// The printed element is a valid command again: wrapped in a
	// document, it decodes to the same response.
	doc := `<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId>` + got + `</BroadsoftDocument>`
	d, err := ocip.DecodeString(doc, ocip.DecodeOptions{Validate: true})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := string(ocip.AppendCommand(nil, d.Commands[0])), string(ocip.AppendCommand(nil, sampleUser())); a != b {
		t.Errorf("round trip differs:\n%s\n%s", a, b)
	}
}

func TestResponseSuccessAndError(t *testing.T) {
	ok := &core.SuccessResponse{}
	if got := render(t, Text, ok); got != "OK\n" {
		t.Errorf("text %q", got)
	}
	if got := render(t, JSON, ok); got != "{}\n" {
		t.Errorf("json %q", got)
	}
	if got := render(t, XML, ok); got != "<command xsi:type=\"c:SuccessResponse\" xmlns:c=\"C\"/>\n" {
		t.Errorf("xml %q", got)
	}
	e := &ocip.ErrorResponse{Code: 4008, Summary: "[Error 4008] User not found: bob", SummaryEnglish: "[Error 4008] User not found: bob", Detail: "bob@example.com", Type: "Error", Command: "UserGetRequest23V2"}
	if got, want := ErrorLine(e), "Error 4008: User not found: bob (bob@example.com)"; got != want {
		t.Errorf("ErrorLine %q, want %q", got, want)
	}
	w := &ocip.ErrorResponse{Code: 0, Summary: "careful", Type: "Warning"}
	if got := ErrorLine(w); got != "Warning: careful" {
		t.Errorf("warning line %q", got)
	}
	var b bytes.Buffer
	if err := WriteErrorJSON(&b, e); err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Error struct {
			Code                           int
			Summary, Detail, Type, Command string
		}
	}
	if err := json.Unmarshal(b.Bytes(), &parsed); err != nil {
		t.Fatalf("%v: %s", err, b.String())
	}
	if p := parsed.Error; p.Code != 4008 || p.Detail != "bob@example.com" || p.Command != "UserGetRequest23V2" || p.Type != "Error" || !strings.Contains(p.Summary, "User not found") {
		t.Errorf("error json %+v", p)
	}
}

func TestWriteResults(t *testing.T) {
	e := &ocip.ErrorResponse{Code: 4008, Summary: "[Error 4008] nope", SummaryEnglish: "[Error 4008] nope", Type: "Error", Command: "GroupGetRequest22V5"}
	rs := []ocip.Result{{Response: sampleGroups()}, {Err: e}, {Response: &core.SuccessResponse{}}}
	var b bytes.Buffer
	if err := WriteResults(&b, JSON, rs); err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.Unmarshal(b.Bytes(), &list); err != nil {
		t.Fatalf("%v: %s", err, b.String())
	}
	if len(list) != 3 || list[0]["@xsi:type"] != "GroupGetListInServiceProviderResponse" || list[1]["error"] == nil || list[2]["@xsi:type"] != "c:SuccessResponse" {
		t.Errorf("json results: %s", b.String())
	}
	b.Reset()
	if err := WriteResults(&b, XML, rs); err != nil {
		t.Fatal(err)
	}
	x := b.String()
	i1 := strings.Index(x, `xsi:type="GroupGetListInServiceProviderResponse"`)
	i2 := strings.Index(x, `type="Error" xsi:type="c:ErrorResponse"`)
	i3 := strings.Index(x, `xsi:type="c:SuccessResponse"`)
	if i1 < 0 || i2 < i1 || i3 < i2 || !strings.Contains(x, "<errorCode>4008</errorCode>") {
		t.Errorf("xml results:\n%s", x)
	}
	b.Reset()
	if err := WriteResults(&b, Text, rs); err != nil {
		t.Fatal(err)
	}
	if txt := b.String(); !strings.HasPrefix(txt, "# 1 GroupGetListInServiceProviderResponse\ngroupTable (2)\n") || !strings.Contains(txt, "\n# 2 ErrorResponse\nError 4008: nope\n") || !strings.HasSuffix(txt, "\n# 3 SuccessResponse\nOK\n") {
		t.Errorf("text results:\n%s", txt)
	}
	if err := WriteResults(&b, CSV, rs); err == nil {
		t.Error("csv accepted for several responses")
	}
	if err := WriteResults(&b, JSON, []ocip.Result{{Err: ocip.ErrClosed}}); err == nil {
		t.Error("a transport error was rendered")
	}
}

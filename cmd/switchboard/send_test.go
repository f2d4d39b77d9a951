package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/internal/testbed"
)

// sendOK runs the CLI and fails the test unless it exits 0.
func sendOK(t *testing.T, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	code, out, errOut := runEnv(t, env, stdin, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errOut)
	}
	return out
}

// setupProvider creates service provider sp1 with group g1 through oci send.
func setupProvider(t *testing.T, env map[string]string) {
	t.Helper()
	for _, args := range [][]string{
		{"SystemDomainAddRequest", "domain=example.com"},
		{"ServiceProviderAddRequest13mp2", "useCustomRoutingProfile=false", "serviceProviderId=sp1", "defaultDomain=example.com", "serviceProviderName=Acme Corp", "contact.contactName=Bob", "contact.contactEmail=bob@example.com"},
		{"GroupAddRequest", "serviceProviderId=sp1", "groupId=g1", "defaultDomain=example.com", "userLimit:=25", "groupName=Sales Team", "timeZone=Europe/Paris", "address.city=Paris", "address.country=France"},
	} {
		if out := sendOK(t, env, "", append([]string{"oci", "send"}, args...)...); out != "OK\n" {
			t.Fatalf("%s: got %q, want OK", args[0], out)
		}
	}
}

func TestOCISendFormats(t *testing.T) {
	tb := testbed.Start(t)
	env := testbedEnv(tb)
	setupProvider(t, env)
	get := []string{"oci", "send", "GroupGetRequest22V5", "serviceProviderId=sp1", "groupId=g1"}

	// JSON: values are strings as on the wire, nested types are objects.
	var g map[string]any
	if err := json.Unmarshal([]byte(sendOK(t, env, "", append(get, "-o", "json")...)), &g); err != nil {
		t.Fatal(err)
	}
	if g["groupName"] != "Sales Team" || g["userLimit"] != "25" || g["serviceProviderId"] != "sp1" || g["timeZone"] != "Europe/Paris" {
		t.Errorf("json: %v", g)
	}
	if addr, _ := g["address"].(map[string]any); addr["city"] != "Paris" || addr["country"] != "France" {
		t.Errorf("json address: %v", g["address"])
	}

	text := sendOK(t, env, "", append(get, "--output", "table")...)
	for _, want := range []string{"groupName", "Sales Team", "address.city", "Paris"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
	if !hasLine(text, "userLimit 25") || !hasLine(text, "address.city Paris") {
		t.Errorf("table lines:\n%s", text)
	}

	csvOut := sendOK(t, env, "", append(get, "-o", "csv")...)
	if !strings.HasPrefix(csvOut, "path,value\n") || !strings.Contains(csvOut, "\ngroupName,Sales Team\n") || !strings.Contains(csvOut, "\naddress.country,France\n") {
		t.Errorf("csv:\n%s", csvOut)
	}

	xmlOut := sendOK(t, env, "", append(get, "-o", "xml")...)
	if !strings.HasPrefix(xmlOut, "<command xsi:type=\"GroupGetResponse22V5\">\n") || !strings.Contains(xmlOut, "\n  <groupName>Sales Team</groupName>\n") || !strings.Contains(xmlOut, "\n  <address>\n    <city>Paris</city>\n") {
		t.Errorf("xml:\n%s", xmlOut)
	}

	// A table response: CSV is the table itself.
	list := sendOK(t, env, "", "oci", "send", "GroupGetListInServiceProviderRequest", "serviceProviderId=sp1", "-o", "csv")
	if list != "Group Id,Group Name,User Limit\ng1,Sales Team,25\n" {
		t.Errorf("table csv %q", list)
	}
	var rows map[string][]map[string]string
	if err := json.Unmarshal([]byte(sendOK(t, env, "", "oci", "send", "GroupGetListInServiceProviderRequest", "serviceProviderId=sp1", "-o", "json")), &rows); err != nil {
		t.Fatal(err)
	}
	if want := []map[string]string{{"Group Id": "g1", "Group Name": "Sales Team", "User Limit": "25"}}; !reflect.DeepEqual(rows["groupTable"], want) {
		t.Errorf("table json %v", rows)
	}
}

// hasLine reports whether text has a line equal to want once runs of
// spaces are collapsed.
func hasLine(text, want string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.Join(strings.Fields(l), " ") == want {
			return true
		}
	}
	return false
}

func TestOCISendGolden(t *testing.T) {
	tb := testbed.Start(t)
	env := testbedEnv(tb)
	setupProvider(t, env)
	get := []string{"oci", "send", "ServiceProviderGetRequest22V4", "serviceProviderId=sp1"}
	gotJSON := sendOK(t, env, "", append(get, "-o", "json")...)
	wantJSON := `{
  "useCustomRoutingProfile": "false",
  "defaultDomain": "example.com",
  "serviceProviderName": "Acme Corp",
  "contact": {
    "contactName": "Bob",
    "contactEmail": "bob@example.com"
  },
  "useServiceProviderLanguages": "false",
  "serviceProviderId": "sp1"
}
`
	if gotJSON != wantJSON {
		t.Errorf("json:\n%s\nwant:\n%s", gotJSON, wantJSON)
	}
	gotText := sendOK(t, env, "", get...)
	wantText := "" +
		"useCustomRoutingProfile      false\n" +
		"defaultDomain                example.com\n" +
		"serviceProviderName          Acme Corp\n" +
		"contact.contactName          Bob\n" +
		"contact.contactEmail         bob@example.com\n" +
		"useServiceProviderLanguages  false\n" +
		"serviceProviderId            sp1\n"
	if gotText != wantText {
		t.Errorf("table:\n%s\nwant:\n%s", gotText, wantText)
	}
}

func TestOCISendRepeatedNestedAndJSONLiterals(t *testing.T) {
	tb := testbed.Start(t)
	env := testbedEnv(tb)
	setupProvider(t, env)
	send := func(args ...string) string { return sendOK(t, env, "", append([]string{"oci", "send"}, args...)...) }

	// Repeated elements: domain given twice, and as a JSON array.
	send("SystemDomainAddRequest", "domain=a.example")
	send("SystemDomainAddRequest", "domain=b.example")
	send("SystemDomainAddRequest", "domain=c.example")
	send("ServiceProviderDomainAssignListRequest", "serviceProviderId=sp1", "domain=a.example", "domain=b.example")
	send("ServiceProviderDomainAssignListRequest", "serviceProviderId=sp1", `domain:=["c.example"]`)
	var doms struct {
		Default string   `json:"serviceProviderDefaultDomain"`
		Domain  []string `json:"domain"`
	}
	if err := json.Unmarshal([]byte(send("ServiceProviderDomainGetAssignedListRequest22", "serviceProviderId=sp1", "-o", "json")), &doms); err != nil {
		t.Fatal(err)
	}
	slices.Sort(doms.Domain)
	if doms.Default != "example.com" || !slices.Contains(doms.Domain, "a.example") || !slices.Contains(doms.Domain, "b.example") || !slices.Contains(doms.Domain, "c.example") {
		t.Errorf("assigned domains %+v", doms)
	}

	// Nested repeated complex elements by index, and as a JSON object.
	send("GroupAddRequest", "serviceProviderId=sp1", "groupId=g2", "defaultDomain=example.com", "userLimit:=5", "groupName=Support")
	byIndex := send("GroupGetListInServiceProviderRequest", "serviceProviderId=sp1", "-o", "csv",
		"searchCriteriaGroupName[0].mode=Starts With", "searchCriteriaGroupName[0].value=sup", "searchCriteriaGroupName[0].isCaseInsensitive:=true")
	if byIndex != "Group Id,Group Name,User Limit\ng2,Support,5\n" {
		t.Errorf("search by index: %q", byIndex)
	}
	byJSON := send("GroupGetListInServiceProviderRequest", "serviceProviderId=sp1", "-o", "csv",
		`searchCriteriaGroupId:={"mode":"Equal To","value":"g1","isCaseInsensitive":false}`)
	if byJSON != "Group Id,Group Name,User Limit\ng1,Sales Team,25\n" {
		t.Errorf("search by JSON object: %q", byJSON)
	}

	// null is xsi:nil: it clears a nillable element.
	send("ServiceProviderModifyRequest", "serviceProviderId=sp1", "contact.contactName:=null", "contact.contactNumber:=12345")
	out := send("ServiceProviderGetRequest22V4", "serviceProviderId=sp1")
	if strings.Contains(out, "contactName") || !hasLine(out, "contact.contactNumber 12345") || !hasLine(out, "contact.contactEmail bob@example.com") {
		t.Errorf("after clearing contactName:\n%s", out)
	}
}

func TestOCISendAttributeAndPolymorphicResponse(t *testing.T) {
	tb := testbed.Start(t)
	env := testbedEnv(tb)
	setupProvider(t, env)
	send := func(args ...string) string { return sendOK(t, env, "", append([]string{"oci", "send"}, args...)...) }
	send("GroupDepartmentAddRequest", "serviceProviderId=sp1", "groupId=g1", "departmentName=Sales")
	send("UserAddRequest22V2", "serviceProviderId=sp1", "groupId=g1", "userId=alice@example.com",
		"lastName=Smith", "firstName=Alice", "callingLineIdLastName=Smith", "callingLineIdFirstName=Alice", "password=Secret-pass-9",
		"department.@xsi:type=GroupDepartmentKey", "department.serviceProviderId=sp1", "department.groupId=g1", "department.name=Sales")
	var u map[string]any
	if err := json.Unmarshal([]byte(send("UserGetRequest23V2", "userId=alice@example.com", "-o", "json")), &u); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"@xsi:type": "GroupDepartmentKey", "serviceProviderId": "sp1", "groupId": "g1", "name": "Sales"}
	if !reflect.DeepEqual(u["department"], want) || u["firstName"] != "Alice" {
		t.Errorf("department %v (user %v)", u["department"], u)
	}
	text := send("UserGetRequest23V2", "userId=alice@example.com")
	if !hasLine(text, "department.@xsi:type GroupDepartmentKey") || !hasLine(text, "department.name Sales") {
		t.Errorf("table:\n%s", text)
	}
	// Without xsi:type the abstract element cannot be built.
	code, _, errOut := runEnv(t, env, "", "oci", "send", "UserModifyRequest22", "userId=alice@example.com", "department.name=Sales")
	if code == 0 || !strings.Contains(errOut, "department") {
		t.Errorf("abstract without type: exit %d %s", code, errOut)
	}
}

func TestOCISendJSONInput(t *testing.T) {
	tb := testbed.Start(t)
	env := testbedEnv(tb)
	setupProvider(t, env)
	file := filepath.Join(t.TempDir(), "group.json")
	body := `{"serviceProviderId":"sp1","groupId":"g2","defaultDomain":"example.com","userLimit":7,"groupName":"from file","address":{"city":"Lyon","country":"France"}}`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	// The command line wins over the file, key by key, also inside objects.
	sendOK(t, env, "", "oci", "send", "GroupAddRequest", "--json", file, "groupName=override", "address.city=Nice")
	var g map[string]any
	json.Unmarshal([]byte(sendOK(t, env, "", "oci", "send", "GroupGetRequest22V5", "serviceProviderId=sp1", "groupId=g2", "-o", "json")), &g)
	addr, _ := g["address"].(map[string]any)
	if g["groupName"] != "override" || g["userLimit"] != "7" || addr["city"] != "Nice" || addr["country"] != "France" {
		t.Errorf("from file: %v", g)
	}

	// The same from standard input.
	stdin := `{"serviceProviderId":"sp1","groupId":"g3","defaultDomain":"example.com","userLimit":3}`
	sendOK(t, env, stdin, "oci", "send", "GroupAddRequest", "--json", "-", "groupName=piped")
	list := sendOK(t, env, "", "oci", "send", "GroupGetListInServiceProviderRequest", "serviceProviderId=sp1", "-o", "csv")
	if !strings.Contains(list, "\ng3,piped,3\n") {
		t.Errorf("group from stdin missing:\n%s", list)
	}

	// Bad JSON is refused before anything is sent.
	code, _, errOut := runEnv(t, env, `["not","an","object"]`, "oci", "send", "GroupAddRequest", "--json", "-")
	if code == 0 || !strings.Contains(errOut, "want a JSON object") {
		t.Errorf("array input: exit %d %s", code, errOut)
	}
}

func TestOCISendValidatesBeforeConnecting(t *testing.T) {
	addr, accepted := countingListener(t)
	env := map[string]string{"SWITCHBOARD_TRANSPORT": "tcp", "SWITCHBOARD_ADDR": addr, "SWITCHBOARD_USER": "admin", "SWITCHBOARD_PASSWORD": "x", "HOME": "/nonexistent"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"GroupAddRequest", "serviceProviderId=sp1", "groupId=g1", "defaultDomain=example.com", "userLimit=lots"}, "userLimit"},
		{[]string{"GroupAddRequest", "serviceProviderId=sp1", "groupId=g1", "defaultDomain=example.com"}, "userLimit"},
		{[]string{"GroupAddRequest", "serviceProviderId=sp1", "groupId=g1", "defaultDomain=example.com", "userLimit=1", "noSuchField=1"}, "noSuchField"},
		{[]string{"GroupAddRequest", "serviceProviderId=" + strings.Repeat("x", 31), "groupId=g1", "defaultDomain=example.com", "userLimit=1"}, "serviceProviderId"},
		{[]string{"GroupAddRequest", "userLimit:=[1,"}, "not JSON"},
		{[]string{"GroupAddRequest", "contact..contactName=x"}, "empty element name"},
		{[]string{"GroupAddRequest", "groupId"}, "key=value"},
	} {
		code, out, errOut := runEnv(t, env, "", append([]string{"oci", "send"}, tc.args...)...)
		if code == 0 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want an error naming %q", tc.args, code, out, errOut, tc.want)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d connections were made for invalid requests", n)
	}
	// The same listener does see a valid request's connection attempt.
	runEnv(t, env, "", "oci", "send", "SystemDomainAddRequest", "domain=example.com", "--timeout", "2s")
	if accepted.Load() == 0 {
		t.Error("the listener saw no connection for a valid request")
	}
}

func TestOCISendUnknownCommand(t *testing.T) {
	env := map[string]string{"HOME": "/nonexistent"}
	for _, tc := range []struct{ name, want string }{
		{"groupgetrequest22v5", "did you mean GroupGetRequest22V5?"},
		{"GroupGetRequst22V5", "GroupGetRequest22V5"},
		{"GroupGetListInServiceProvider", "GroupGetListInServiceProviderRequest"},
		{"GroupGetResponse22V5", "is a response, not a request; send GroupGetRequest22V5"},
		{"Zzzzqqq", "is not an OCI-P request (see switchboard oci commands --search)"},
	} {
		code, _, errOut := runEnv(t, env, "", "oci", "send", tc.name)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want %q", tc.name, code, errOut, tc.want)
		}
	}
}

func TestOCISendErrorResponse(t *testing.T) {
	tb := testbed.Start(t)
	env := testbedEnv(tb)
	code, out, errOut := runEnv(t, env, "", "oci", "send", "GroupGetRequest22V5", "serviceProviderId=nosp", "groupId=nog", "-o", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var e struct {
		Error struct {
			Code    int    `json:"code"`
			Summary string `json:"summary"`
			Detail  string `json:"detail"`
			Type    string `json:"type"`
			Command string `json:"command"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("stdout is not the JSON error: %v\n%s", err, out)
	}
	if e.Error.Code == 0 || e.Error.Type != "Error" || e.Error.Command != "GroupGetRequest22V5" || e.Error.Summary == "" {
		t.Errorf("error object %+v", e.Error)
	}
	wantPrefix := "switchboard: Error " + strconv.Itoa(e.Error.Code) + ": "
	if !strings.HasPrefix(errOut, wantPrefix) || strings.Contains(errOut, "[Error ") {
		t.Errorf("stderr %q, want prefix %q", errOut, wantPrefix)
	}
	// Other formats print nothing on standard output.
	code, out, errOut = runEnv(t, env, "", "oci", "send", "GroupGetRequest22V5", "serviceProviderId=nosp", "groupId=nog")
	if code != 1 || out != "" || !strings.HasPrefix(errOut, wantPrefix) {
		t.Errorf("table: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestOCIRawBareCommands(t *testing.T) {
	tb := testbed.Start(t)
	env := testbedEnv(tb)
	// Three commands, the later ones depending on the earlier: they only
	// succeed if they run in order, in one document.
	in := `<?xml version="1.0" encoding="UTF-8"?>
<command xsi:type="SystemDomainAddRequest"><domain>example.com</domain></command>
<command xsi:type="ServiceProviderAddRequest13mp2"><useCustomRoutingProfile>false</useCustomRoutingProfile><serviceProviderId>sp1</serviceProviderId><defaultDomain>example.com</defaultDomain><serviceProviderName>Caf` + "\u00e9" + `</serviceProviderName></command>
<command xsi:type="ServiceProviderGetRequest22V4"><serviceProviderId>sp1</serviceProviderId></command>
`
	out := sendOK(t, env, in, "oci", "raw")
	i1 := strings.Index(out, `<command xsi:type="c:SuccessResponse" xmlns:c="C"/>`)
	i2 := strings.LastIndex(out, `<command xsi:type="c:SuccessResponse" xmlns:c="C"/>`)
	i3 := strings.Index(out, `<command xsi:type="ServiceProviderGetResponse22V4">`)
	if i1 < 0 || i2 <= i1 || i3 <= i2 || !strings.Contains(out, "<serviceProviderName>Caf&#233;</serviceProviderName>") {
		t.Errorf("responses out of order or missing:\n%s", out)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(sendOK(t, env, `<command xsi:type="ServiceProviderGetRequest22V4"><serviceProviderId>sp1</serviceProviderId></command><command xsi:type="GroupGetListInServiceProviderRequest"><serviceProviderId>sp1</serviceProviderId></command>`, "oci", "raw", "-o", "json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0]["@xsi:type"] != "ServiceProviderGetResponse22V4" || list[0]["serviceProviderName"] != "Café" || list[1]["@xsi:type"] != "GroupGetListInServiceProviderResponse" {
		t.Errorf("json: %v", list)
	}
}

func TestOCIRawDocument(t *testing.T) {
	tb := testbed.Start(t)
	env := testbedEnv(tb)
	setupProvider(t, env)
	in := `<?xml version="1.0" encoding="ISO-8859-1"?>
<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <sessionId xmlns="">someone-elses-session</sessionId>
  <command xsi:type="GroupGetListInServiceProviderRequest" xmlns=""><serviceProviderId>sp1</serviceProviderId></command>
  <command xsi:type="GroupGetRequest22V5" xmlns=""><serviceProviderId>sp1</serviceProviderId><groupId>missing</groupId></command>
  <command xsi:type="GroupGetRequest22V5" xmlns=""><serviceProviderId>sp1</serviceProviderId><groupId>g1</groupId></command>
</BroadsoftDocument>
`
	code, out, errOut := runEnv(t, env, in, "oci", "raw", "-o", "table")
	if code != 1 || !strings.Contains(errOut, "1 of 3 commands refused") || !strings.Contains(errOut, "command 2 (GroupGetRequest22V5): Error ") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	parts := strings.Split(out, "\n\n")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "# 1 GroupGetListInServiceProviderResponse\ngroupTable (1)\n") ||
		!strings.HasPrefix(parts[1], "# 2 ErrorResponse\nError ") ||
		!strings.HasPrefix(parts[2], "# 3 GroupGetResponse22V5\n") || !hasLine(parts[2], "groupName Sales Team") {
		t.Errorf("table output:\n%s", out)
	}
}

func TestOCIRawInvalidInput(t *testing.T) {
	addr, accepted := countingListener(t)
	env := map[string]string{"SWITCHBOARD_TRANSPORT": "tcp", "SWITCHBOARD_ADDR": addr, "SWITCHBOARD_USER": "admin", "SWITCHBOARD_PASSWORD": "x", "HOME": "/nonexistent"}
	many := strings.Repeat(`<command xsi:type="SystemDomainAddRequest"><domain>example.com</domain></command>`, 16)
	for _, tc := range []struct{ in, want string }{
		{"", "no XML element"},
		{"not xml", "no XML element"},
		{`<group/>`, "starts with <group>"},
		{`<command xsi:type="GroupGetRequest22V5"><groupId>g1</groupId></command>`, "invalid input"},
		{`<command xsi:type="NoSuchRequest"/>`, "NoSuchRequest"},
		{`<command xsi:type="c:SuccessResponse" xmlns:c="C"/>`, "not a request"},
		{`<command xsi:type="SystemDomainAddRequest"><domain>example.com</domain>`, "invalid input"},
		{many, "at most 15"},
	} {
		code, out, errOut := runEnv(t, env, tc.in, "oci", "raw")
		if code == 0 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("%.60q: exit %d, stdout %q, stderr %q; want %q", tc.in, code, out, errOut, tc.want)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d connections were made for invalid input", n)
	}
	if code, _, errOut := runEnv(t, env, "", "oci", "raw", "-o", "csv"); code == 0 || !strings.Contains(errOut, "--output") {
		t.Errorf("csv accepted for raw: %s", errOut)
	}
}

func TestParseFields(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want map[string]any
	}{
		{[]string{"a=1", "b="}, map[string]any{"a": "1", "b": ""}},
		{[]string{"a=x=y"}, map[string]any{"a": "x=y"}},
		{[]string{"alias=a", "alias=b", "alias=c"}, map[string]any{"alias": []any{"a", "b", "c"}}},
		{[]string{"e.a.deviceLevel=Group", "e.a.deviceName=d1", "e.linePort=l@x"},
			map[string]any{"e": map[string]any{"a": map[string]any{"deviceLevel": "Group", "deviceName": "d1"}, "linePort": "l@x"}}},
		{[]string{"r[1].min=3", "r[0].min=1", "r[0].max=2"},
			map[string]any{"r": []any{map[string]any{"min": "1", "max": "2"}, map[string]any{"min": "3"}}}},
		{[]string{"x[0]=a", "x[1]=b"}, map[string]any{"x": []any{"a", "b"}}},
		{[]string{"n:=null", "i:=42", "f:=1.50", "b:=true", `o:={"k":"v","n":7}`, `l:=["a",null]`},
			map[string]any{"n": nil, "i": "42", "f": "1.50", "b": true, "o": map[string]any{"k": "v", "n": "7"}, "l": []any{"a", nil}}},
		{[]string{"dept.@xsi:type=GroupDepartmentKey", "dept.name=Sales"},
			map[string]any{"dept": map[string]any{"@xsi:type": "GroupDepartmentKey", "name": "Sales"}}},
		{[]string{"@echo=tag"}, map[string]any{"@echo": "tag"}},
		{nil, map[string]any{}},
	} {
		got, err := parseFields(tc.args)
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %#v, want %#v", tc.args, got, tc.want)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"novalue"}, "key=value"},
		{[]string{"=x"}, "empty key"},
		{[]string{"a.=x"}, "empty element name"},
		{[]string{"a b=x"}, "not an element name"},
		{[]string{"a[x]=1"}, "index"},
		{[]string{"a[01]=1"}, "index"},
		{[]string{"a[1=1"}, "index"},
		{[]string{"a[1]=1"}, "a[0] is missing"},
		{[]string{"a[0]=1", "a[0]=2"}, "given twice"},
		{[]string{"a=1", "a.b=2"}, "cannot also hold elements"},
		{[]string{"a.b=2", "a=1"}, "cannot also take a value"},
		{[]string{"a[0]=1", "a=2"}, "indexed elsewhere"},
		{[]string{"a=2", "a[0]=1"}, "without an index"},
		{[]string{"a.@t=1", "a.@t=2"}, "given twice"},
		{[]string{"a.@t:=null"}, "attribute"},
		{[]string{"a.@t.b=1"}, "last segment"},
		{[]string{"@xsi:type=X"}, "nested element"},
		{[]string{"a:=nope"}, "not JSON"},
		{[]string{"a:=1 2"}, "more than one JSON value"},
		{[]string{"a[99999]=1"}, "index"},
	} {
		_, err := parseFields(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}

func TestMergeFields(t *testing.T) {
	base := map[string]any{"a": "1", "o": map[string]any{"x": "1", "y": "2"}, "l": []any{"p"}}
	over := map[string]any{"o": map[string]any{"y": "3"}, "l": "q", "n": nil}
	got := mergeFields(base, over)
	want := map[string]any{"a": "1", "o": map[string]any{"x": "1", "y": "3"}, "l": "q", "n": nil}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if base["o"].(map[string]any)["y"] != "2" {
		t.Error("merge modified its input")
	}
}

// fieldArgs writes a field map back as arguments, the inverse of
// parseFields on its results: plain paths where the keys allow it, JSON
// literals elsewhere.
func fieldArgs(m map[string]any, prefix string) []string {
	var out []string
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, valueArgs(prefix+k, m[k])...)
	}
	return out
}

func valueArgs(path string, v any) []string {
	lit := func() []string {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return []string{path + ":=" + string(b)}
	}
	switch v := v.(type) {
	case string:
		return []string{path + "=" + v}
	case map[string]any:
		if len(v) == 0 || !plainKeys(v) || strings.Contains(path, "@") {
			return lit()
		}
		return fieldArgs(v, path+".")
	case []any:
		if len(v) == 0 || strings.Contains(path, "@") {
			return lit()
		}
		var out []string
		for i, e := range v {
			if _, nested := e.([]any); nested {
				b, _ := json.Marshal(e)
				out = append(out, path+"["+strconv.Itoa(i)+"]:="+string(b))
				continue
			}
			out = append(out, valueArgs(path+"["+strconv.Itoa(i)+"]", e)...)
		}
		return out
	}
	return lit()
}

// plainKeys reports whether every key of m can be written as a path
// segment.
func plainKeys(m map[string]any) bool {
	for k := range m {
		if a, ok := strings.CutPrefix(k, "@"); ok {
			p, l, q := strings.Cut(a, ":")
			if !q {
				l = p
			}
			if !validName(l) || (q && !validName(p)) {
				return false
			}
			continue
		}
		if !validName(k) {
			return false
		}
	}
	return true
}

func FuzzParseFields(f *testing.F) {
	for _, s := range []string{
		"a=1\x00b=2",
		"alias=a\x00alias=b",
		"e.a.deviceLevel=Group\x00e.a.deviceName=d",
		"r[0].min=1\x00r[1].min=2",
		`o:={"k":[1,{"@xsi:type":"T"}],"a.b":null}`,
		"d.@xsi:type=GroupDepartmentKey\x00d.name=x",
		"x[0]:=[[1]]\x00y:=[]\x00z:={}",
		"a:=null\x00b:=true\x00c:=-1.5e3",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		m, err := parseFields(args)
		if err != nil {
			return
		}
		// Written back as arguments, the map parses to itself.
		again, err := parseFields(fieldArgs(m, ""))
		if err != nil {
			t.Fatalf("%q -> %#v: rewritten %q fails: %v", args, m, fieldArgs(m, ""), err)
		}
		if !reflect.DeepEqual(m, again) {
			t.Fatalf("%q: %#v != %#v (via %q)", args, m, again, fieldArgs(m, ""))
		}
		// A single plain key=value lands at its path as a string.
		if len(args) == 1 {
			key, val, _ := strings.Cut(args[0], "=")
			if strings.HasSuffix(key, ":") || strings.ContainsAny(key, "[@") {
				return
			}
			var cur any = m
			for _, seg := range strings.Split(key, ".") {
				cur = cur.(map[string]any)[seg]
			}
			if cur != val {
				t.Fatalf("%q: value %#v, want %q", args[0], cur, val)
			}
		}
	})
}

package schema_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/service"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// Each test below pins one schema construct the generator must handle, on
// a real type from the schema that uses it.

func doc(cmd string) []byte {
	return []byte(`<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId>` + cmd + `</BroadsoftDocument>`)
}

// decode decodes and validates one command; rule is the expected failure
// rule, "" for success.
func decode(t *testing.T, cmd, rule string) ocixml.Command {
	t.Helper()
	d, err := ocip.Decode(doc(cmd), ocip.DecodeOptions{Validate: true})
	if rule == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return d.Commands[0]
	}
	var e *ocixml.Error
	if !errors.As(err, &e) || e.Rule != rule {
		t.Fatalf("want rule %q, got %v", rule, err)
	}
	return nil
}

func encodeCmd(c ocixml.Command) string { return string(ocip.AppendCommand(nil, c)) }

func TestChoiceFirstWithFixedFlag(t *testing.T) {
	// ServiceProviderAddRequest13mp2 starts with choice(isEnterprise fixed=true | useCustomRoutingProfile).
	const tail = `<serviceProviderId>sp</serviceProviderId><defaultDomain>example.com</defaultDomain></command>`
	const head = `<command xmlns="" xsi:type="ServiceProviderAddRequest13mp2">`
	c := decode(t, head+`<isEnterprise>true</isEnterprise>`+tail, "").(*deprecated.ServiceProviderAddRequest13mp2)
	if !c.IsEnterprise || c.UseCustomRoutingProfile != nil {
		t.Fatalf("%+v", c)
	}
	if got := encodeCmd(c); !strings.Contains(got, `<isEnterprise>true</isEnterprise><serviceProviderId>`) {
		t.Fatalf("flag not written first: %s", got)
	}
	c = decode(t, head+`<useCustomRoutingProfile>false</useCustomRoutingProfile>`+tail, "").(*deprecated.ServiceProviderAddRequest13mp2)
	if c.IsEnterprise || c.UseCustomRoutingProfile == nil || *c.UseCustomRoutingProfile {
		t.Fatalf("%+v", c)
	}
	decode(t, head+`<isEnterprise>false</isEnterprise>`+tail, ocixml.RuleFixed)
	decode(t, head+tail, ocixml.RuleChoice)
	decode(t, head+`<isEnterprise>true</isEnterprise><useCustomRoutingProfile>true</useCustomRoutingProfile>`+tail, ocixml.RuleChoice)
}

func TestSequenceInsideChoice(t *testing.T) {
	// GroupGetRequest22V5: choice(sequence(serviceProviderId, groupId) | groupExternalId).
	const h = `<command xmlns="" xsi:type="GroupGetRequest22V5">`
	c := decode(t, h+`<serviceProviderId>sp</serviceProviderId><groupId>g</groupId></command>`, "").(*group.GroupGetRequest22V5)
	if *c.ServiceProviderID != "sp" || *c.GroupID != "g" {
		t.Fatalf("%+v", c)
	}
	decode(t, h+`<groupExternalId>ext-1</groupExternalId></command>`, "")
	decode(t, h+`<serviceProviderId>sp</serviceProviderId></command>`, ocixml.RuleChoice)
	decode(t, h+`<serviceProviderId>sp</serviceProviderId><groupId>g</groupId><groupExternalId>e</groupExternalId></command>`, ocixml.RuleChoice)
}

func TestSameElementInSeveralBranches(t *testing.T) {
	// AuthenticationVerifyRequest22 has userId in branches 1 and 5 and
	// password in branches 1 and 3; each is one Go field.
	const h = `<command xmlns="" xsi:type="AuthenticationVerifyRequest22">`
	c := decode(t, h+`<userId>u@x</userId><password>pw</password></command>`, "").(*deprecated.AuthenticationVerifyRequest22)
	if *c.UserID != "u@x" || *c.Password != "pw" {
		t.Fatalf("%+v", c)
	}
	decode(t, h+`<linePort>lp@x</linePort><password>pw</password></command>`, "")
	decode(t, h+`<sipAuthenticationUserName>n</sipAuthenticationUserName><sipAuthenticationPassword>p</sipAuthenticationPassword><userId>u@x</userId></command>`, "")
	decode(t, h+`<userId>u@x</userId></command>`, ocixml.RuleChoice)
	decode(t, h+`<linePort>lp@x</linePort><userId>u@x</userId><password>pw</password></command>`, ocixml.RuleChoice)
}

func TestRepeatedChoiceKeepsOrder(t *testing.T) {
	// DirectRouteIdentifiers: choice(dtgIdentity | trunkIdentity) 1..10 times.
	x := `<x><trunkIdentity>a@x</trunkIdentity><dtgIdentity>d1</dtgIdentity><trunkIdentity>b@x</trunkIdentity></x>`
	var v service.DirectRouteIdentifiers
	dec := ocixml.NewDecoder(x, ocixml.DecodeOptions{})
	if !dec.Root() || v.DecodeXML(dec) != nil {
		t.Fatal(dec.Err())
	}
	items := v.DtgIdentityOrTrunkIdentity
	if len(items) != 3 || *items[0].TrunkIdentity != "a@x" || *items[1].DtgIdentity != "d1" || *items[2].TrunkIdentity != "b@x" {
		t.Fatalf("%+v", items)
	}
	if got := string(v.AppendXML(nil)); got != x[3:len(x)-4] {
		t.Fatalf("order lost: %s", got)
	}
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	v.DtgIdentityOrTrunkIdentity = nil
	if err := v.Validate(); err == nil || err.(*ocixml.Error).Rule != ocixml.RuleOccurs {
		t.Fatalf("empty repeated choice accepted: %v", err)
	}
	for i := 0; i < 11; i++ {
		v.DtgIdentityOrTrunkIdentity = append(v.DtgIdentityOrTrunkIdentity, items[0])
	}
	if err := v.Validate(); err == nil || err.(*ocixml.Error).Rule != ocixml.RuleOccurs {
		t.Fatalf("11 items accepted: %v", err)
	}
	v.DtgIdentityOrTrunkIdentity = []service.DirectRouteIdentifiersDtgIdentityOrTrunkIdentity{{}}
	if err := v.Validate(); err == nil || err.(*ocixml.Error).Rule != ocixml.RuleChoice {
		t.Fatalf("empty union item accepted: %v", err)
	}
}

func TestOptionalChoiceInTheMiddle(t *testing.T) {
	// SystemAccessDeviceGetPagedSortedListRequest: responsePagingControl?,
	// choice?(sortByDeviceName | sortByDeviceType | ...), searchCriteria*.
	const h = `<command xmlns="" xsi:type="SystemAccessDeviceGetPagedSortedListRequest">`
	const sortName = `<sortByDeviceName><isAscending>true</isAscending><isCaseSensitive>false</isCaseSensitive></sortByDeviceName>`
	const sortType = `<sortByDeviceType><isAscending>false</isAscending><isCaseSensitive>false</isCaseSensitive></sortByDeviceType>`
	c := decode(t, h+`</command>`, "").(*system.SystemAccessDeviceGetPagedSortedListRequest)
	if c.SortByDeviceName != nil || c.SortByDeviceType != nil {
		t.Fatal("absent choice set")
	}
	c = decode(t, h+sortName+`<searchCriteriaModeOr>true</searchCriteriaModeOr></command>`, "").(*system.SystemAccessDeviceGetPagedSortedListRequest)
	if c.SortByDeviceName == nil || !c.SortByDeviceName.IsAscending || !c.SearchCriteriaModeOr {
		t.Fatalf("%+v", c)
	}
	decode(t, h+sortName+sortType+`</command>`, ocixml.RuleChoice)
}

func TestMinOccursAboveOne(t *testing.T) {
	// UserSpeedDial8GetListResponse/speedDialEntry occurs exactly 8 times.
	var r service.UserSpeedDial8GetListResponse
	for i := 0; i < 7; i++ {
		r.SpeedDialEntry = append(r.SpeedDialEntry, datatypes.SpeedDial8Entry{SpeedCode: 2})
	}
	err := r.Validate()
	var e *ocixml.Error
	if !errors.As(err, &e) || e.Rule != ocixml.RuleOccurs || e.Path != "speedDialEntry" {
		t.Fatalf("7 entries: %v", err)
	}
}

func TestNillableThreeStates(t *testing.T) {
	const h = `<command xmlns="" xsi:type="UserModifyRequest22"><userId>u@x</userId>`
	absent := decode(t, h+`</command>`, "").(*user.UserModifyRequest22)
	null := decode(t, h+`<phoneNumber xsi:nil="true"/><sipAliasList xsi:nil="true"/></command>`, "").(*user.UserModifyRequest22)
	value := decode(t, h+`<phoneNumber>2025550101</phoneNumber><sipAliasList><sipAlias>a@x</sipAlias><sipAlias>b@x</sipAlias></sipAliasList></command>`, "").(*user.UserModifyRequest22)
	if absent.PhoneNumber.IsSet() || !null.PhoneNumber.IsNil() {
		t.Fatal("absent/nil confused")
	}
	if v, ok := value.PhoneNumber.Get(); !ok || v != "2025550101" {
		t.Fatal("value lost")
	}
	if l, ok := value.SIPAliasList.Get(); !ok || len(l.SIPAlias) != 2 || l.SIPAlias[1] != "b@x" {
		t.Fatal("replacement list lost")
	}
	if !null.SIPAliasList.IsNil() {
		t.Fatal("nil replacement list not nil")
	}
	got := encodeCmd(null)
	if !strings.Contains(got, `<phoneNumber xsi:nil="true"/>`) || !strings.Contains(got, `<sipAliasList xsi:nil="true"/>`) {
		t.Fatalf("nil not written: %s", got)
	}
	if strings.Contains(encodeCmd(absent), "phoneNumber") {
		t.Fatal("absent field written")
	}
}

func TestAbstractDispatch(t *testing.T) {
	const h = `<command xmlns="" xsi:type="UserModifyRequest22"><userId>u@x</userId>`
	c := decode(t, h+`<department xsi:type="EnterpriseDepartmentKey"><serviceProviderId>sp</serviceProviderId><name>HQ</name></department></command>`, "").(*user.UserModifyRequest22)
	dep, _ := c.Department.Get()
	if _, ok := dep.(*datatypes.EnterpriseDepartmentKey); !ok {
		t.Fatalf("%T", dep)
	}
	if got := encodeCmd(c); !strings.Contains(got, `<department xsi:type="EnterpriseDepartmentKey"><serviceProviderId>sp</serviceProviderId><name>HQ</name></department>`) {
		t.Fatalf("xsi:type not written: %s", got)
	}
	// Any prefix on the xsi:type value is ignored.
	decode(t, h+`<department xsi:type="ns9:GroupDepartmentKey"><serviceProviderId>sp</serviceProviderId><groupId>g</groupId><name>HQ</name></department></command>`, "")
	decode(t, h+`<department xsi:type="NoSuchKey"><name>HQ</name></department></command>`, ocixml.RuleXSIType)
	decode(t, h+`<department><bogus/></department></command>`, ocixml.RuleXSIType)
}

func TestAbstractInferenceUsesValues(t *testing.T) {
	// The three digit-manipulation types share element names; only the
	// enumeration of operation tells them apart.
	cases := map[string]string{
		`<d><operation>End</operation></d>`:                      "EnterpriseVoiceVPNDigitManipulationNoValue",
		`<d><operation>Prepend</operation><value>9</value></d>`:  "EnterpriseVoiceVPNDigitManipulationOptionalValue",
		`<d><operation>Position</operation><value>3</value></d>`: "EnterpriseVoiceVPNDigitManipulationRequiredValue",
	}
	for in, want := range cases {
		d := ocixml.NewDecoder(in, ocixml.DecodeOptions{})
		d.Root()
		v := provider.DecodeEnterpriseVoiceVPNDigitManipulation(d)
		if d.Err() != nil || v == nil || v.XSIType() != want {
			t.Fatalf("%s: got %v (%v), want %s", in, v, d.Err(), want)
		}
	}
}

func TestComplexContentRestriction(t *testing.T) {
	// ServiceInstanceAddProfileCallCenter restricts ServiceInstanceAddProfile:
	// password becomes required, everything else is restated.
	in := `<p><name>cc</name><callingLineIdLastName>L</callingLineIdLastName><callingLineIdFirstName>F</callingLineIdFirstName></p>`
	var base datatypes.ServiceInstanceAddProfile
	d := ocixml.NewDecoder(in, ocixml.DecodeOptions{})
	d.Root()
	if err := base.DecodeXML(d); err != nil || base.Password != nil {
		t.Fatalf("base: %v", err)
	}
	var cc datatypes.ServiceInstanceAddProfileCallCenter
	d = ocixml.NewDecoder(in, ocixml.DecodeOptions{})
	d.Root()
	err := cc.DecodeXML(d)
	var e *ocixml.Error
	if !errors.As(err, &e) || e.Rule != ocixml.RuleRequired || !strings.Contains(e.Detail, "password") {
		t.Fatalf("restricted type accepted a missing password: %v", err)
	}
}

func TestEnumerationsNotIdentifiers(t *testing.T) {
	if datatypes.UserService3G4GContinuity != "3G/4G Continuity" || datatypes.SearchModeStartsWith != "Starts With" || datatypes.LoginType22ServiceProvider != "Service Provider" {
		t.Fatal("constant values changed")
	}
	c := decode(t, `<command xmlns="" xsi:type="UserServiceAssignListRequest"><userId>u@x</userId><serviceName>3G/4G Continuity</serviceName><serviceName>Call Center - Premium</serviceName></command>`, "").(*user.UserServiceAssignListRequest)
	if got := encodeCmd(c); !strings.Contains(got, `<serviceName>3G/4G Continuity</serviceName><serviceName>Call Center - Premium</serviceName>`) {
		t.Fatalf("not round-tripped exactly: %s", got)
	}
	decode(t, `<command xmlns="" xsi:type="UserServiceAssignListRequest"><userId>u@x</userId><serviceName>3G 4G Continuity</serviceName></command>`, ocixml.RuleEnum)
}

func TestFacets(t *testing.T) {
	check := func(name string, err error, rule string) {
		t.Helper()
		var e *ocixml.Error
		if rule == "" {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return
		}
		if !errors.As(err, &e) || e.Rule != rule {
			t.Fatalf("%s: want %s, got %v", name, rule, err)
		}
	}
	check("length ok", datatypes.AccessDeviceCode("1234").Validate(), "")
	check("length", datatypes.AccessDeviceCode("123").Validate(), ocixml.RuleLength)
	check("pattern", datatypes.AccessDeviceCode("12a4").Validate(), ocixml.RulePattern)
	check("min", datatypes.GroupUserLimit(0).Validate(), ocixml.RuleRange)
	check("max", datatypes.GroupUserLimit(1000000).Validate(), ocixml.RuleRange)
	check("in range", datatypes.GroupUserLimit(999999).Validate(), "")
	check("maxLength in characters", datatypes.ServiceProviderId(strings.Repeat("\u00e9", 30)).Validate(), "")
	check("maxLength", datatypes.ServiceProviderId(strings.Repeat("a", 31)).Validate(), ocixml.RuleLength)
	check("enum", datatypes.SearchMode("Begins With").Validate(), ocixml.RuleEnum)
}

func TestWhitespaceRules(t *testing.T) {
	// Token types collapse; the one whiteSpace=preserve type keeps spaces.
	c := decode(t, `<command xmlns="" xsi:type="UserGetRequest23V2"><userId>
	   u@x   </userId></command>`, "").(*user.UserGetRequest23V2)
	if c.UserID != "u@x" {
		t.Fatalf("token not collapsed: %q", c.UserID)
	}
	d := ocixml.NewDecoder("<x>  a  b </x>", ocixml.DecodeOptions{})
	d.Root()
	if got := datatypes.MWIDeliveryToMobileEndpointTemplatePhrase(d.Text()); got != "  a  b " {
		t.Fatalf("preserve: %q", got)
	}
}

func TestRegistryCounts(t *testing.T) {
	if n := schema.Count(schema.KindRequest); n != 3987 {
		t.Errorf("requests: %d, want 3987", n)
	}
	if n := schema.Count(schema.KindDataResponse); n != 2161 {
		t.Errorf("data responses: %d, want 2161", n)
	}
	for _, n := range []string{"CallCenterAgentSettings", "CallCenterAgentAvailability", "SearchCriteriaUserLastName", "SortByUserLastName"} {
		if _, ok := schema.Lookup(n); ok {
			t.Errorf("%s registered as a command", n)
		}
	}
	c, ok := schema.Lookup("LoginRequest14sp4")
	if !ok || c.Kind != schema.KindRequest || c.Response != "LoginResponse14sp4" || !c.Deprecated || c.File != "OCISchemaDeprecated.xsd" {
		t.Fatalf("%+v", c)
	}
	c, _ = schema.Lookup("UserConsolidatedAddRequest22")
	if c.Response != "" || c.Deprecated || strings.Join(c.Responses(), ",") != "SuccessResponse,ErrorResponse" {
		t.Fatalf("%+v", c)
	}
	if v, ok := schema.New("UserGetRequest23V2"); !ok || v.XSIType() != "UserGetRequest23V2" {
		t.Fatal("New")
	}
	for i, c := range schema.All() {
		if i > 0 && schema.All()[i-1].Name >= c.Name {
			t.Fatal("registry not sorted")
		}
	}
}

func TestTableHeadings(t *testing.T) {
	want := map[[2]string]string{
		{"UserGetListInGroupResponse", "userTable"}:                             "User Id|Last Name|First Name|Department|Phone Number|Phone Number Activated|Email Address|Hiragana Last Name|Hiragana First Name|In Trunk Group|Extension|Country Code|National Prefix",
		{"UserGetListInSystemResponse", "userTable"}:                            "User Id|Group Id|Service Provider Id|Last Name|First Name|Department|Phone Number|Phone Number Activated|Email Address|Hiragana Last Name|Hiragana First Name|In Trunk Group|Extension|Reseller Id|User External Id",
		{"ServiceProviderGetListResponse", "serviceProviderTable"}:              "Service Provider Id|Service Provider Name|Is Enterprise|Reseller Id",
		{"GroupGetListInServiceProviderResponse", "groupTable"}:                 "Group Id|Group Name|User Limit",
		{"GroupCallCenterGetInstanceListResponse", "callCenterTable"}:           "Service User Id|Name|Video|Phone Number|Extension|Department|Is Active|Policy|Type",
		{"GroupCallCenterGetAgentListResponse", "agentTable"}:                   "User Id|Last Name|First Name|Hiragana Last Name|Hiragana First Name|Weight|Phone Number|Extension|Department|Email Address|Skill Level",
		{"UserCallCenterAgentSignOutResponse", "callCenterTable"}:               "Service User Id|Call Center Name",
		{"UserServiceGetAssignmentListResponse", "servicePacksAssignmentTable"}: "Service Pack Name|Assigned|Description",
		{"UserServiceGetAssignmentListResponse", "userServicesAssignmentTable"}: "Service Name|Assigned",
		{"GroupDnGetAssignmentListResponse18", "dnTable"}:                       "Phone Numbers|Department|Activated|User Id|Last Name|First Name|Extension|Email Address|User Type|Country Code|National Prefix",
	}
	for k, w := range want {
		h, ok := schema.TableHeadings(k[0], k[1])
		if !ok || strings.Join(h, "|") != w {
			t.Errorf("%s/%s: %q", k[0], k[1], h)
		}
	}
	if n := len(schema.Tables()); n != 660 {
		t.Errorf("%d tables, want 660", n)
	}
}

package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/internal/audit"
	"github.com/switchboard/switchboard/internal/testbed"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/callcenter"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// The audit world, built over the wire: service provider "acme" with
// numbers +1-2025550100..119 and +1-2025550199 (the last given to no
// group); group "hq" (numbers 100..109, domain sales.example too) with
// alice and bob (numbers, aliases, lines on device lobby-phone, call
// center agents), carol (no number) and dave (supervisor), call center
// cc-sales holding 105; group "branch" (numbers 110..114) with eve, whose
// extension is carol's and whose alias has alice's user part.
const (
	auditSP     = "acme"
	auditDomain = "acme.example"
	aliasDomain = "sales.example"
)

func auditUser(name string) string { return name + "@" + auditDomain }

func auditWorld(t *testing.T) *testbed.Server {
	t.Helper()
	tb := testbed.Start(t)
	ctx := context.Background()
	c, err := ocip.Dial(ctx, ocip.Config{Addr: tb.TCPAddr, User: testbed.Admin, Password: testbed.Password})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	send := func(reqs ...ocixml.Command) {
		t.Helper()
		for _, r := range reqs {
			if _, err := c.Send(ctx, r); err != nil {
				t.Fatalf("%s: %v", r.XSIType(), err)
			}
		}
	}
	sp := datatypes.ServiceProviderId(auditSP)
	unlimited := &datatypes.UnboundedPositiveInt{Unlimited: true}
	limited := func(n int32) *datatypes.UnboundedPositiveInt {
		q := datatypes.UnboundedPositiveIntQuantity(n)
		return &datatypes.UnboundedPositiveInt{Quantity: &q}
	}
	dnRange := func(lo, hi string) []datatypes.DNRange {
		return []datatypes.DNRange{{MinPhoneNumber: datatypes.DN(lo), MaxPhoneNumber: datatypes.DN(hi)}}
	}
	userServices := []datatypes.UserService{"Call Center - Premium", "Call Waiting", "Three-Way Call", "Voice Messaging User"}
	var spAuth []datatypes.UserServiceAuthorization
	for _, s := range userServices {
		spAuth = append(spAuth, datatypes.UserServiceAuthorization{ServiceName: s, AuthorizedQuantity: unlimited})
	}
	send(
		&system.SystemDomainAddRequest{Domain: auditDomain},
		&system.SystemDomainAddRequest{Domain: aliasDomain},
		&deprecated.ServiceProviderAddRequest13mp2{IsEnterprise: true, ServiceProviderID: sp, DefaultDomain: auditDomain, ServiceProviderName: auditPtr[datatypes.ServiceProviderName]("Acme Corp")},
		&provider.ServiceProviderDomainAssignListRequest{ServiceProviderID: sp, Domain: []datatypes.NetAddress{aliasDomain}},
		&provider.ServiceProviderDnAddListRequest{ServiceProviderID: sp, PhoneNumber: []datatypes.DN{"+1-2025550199"}, DnRange: dnRange("+1-2025550100", "+1-2025550119")},
		&provider.ServiceProviderServiceModifyAuthorizationListRequest{ServiceProviderID: sp, UserServiceAuthorization: spAuth},
		&provider.ServiceProviderServicePackAddRequest{ServiceProviderID: sp, ServicePackName: "Basic Pack", ServicePackDescription: auditPtr[datatypes.ServicePackDescription]("Everyday calling"),
			IsAvailableForUse: true, ServicePackQuantity: *unlimited, ServiceName: []datatypes.UserService{"Call Waiting", "Three-Way Call"}},
	)
	groupAuth := []datatypes.UserServiceAuthorization{{ServiceName: "Call Center - Premium", AuthorizedQuantity: limited(5)}}
	for _, s := range userServices[1:] {
		groupAuth = append(groupAuth, datatypes.UserServiceAuthorization{ServiceName: s, AuthorizedQuantity: unlimited})
	}
	for _, g := range []struct{ id, name, lo, hi string }{
		{"hq", "Head Office", "+1-2025550100", "+1-2025550109"},
		{"branch", "Branch", "+1-2025550110", "+1-2025550114"},
	} {
		gid := datatypes.GroupId(g.id)
		send(
			&deprecatedgroup.GroupAddRequest{ServiceProviderID: sp, GroupID: gid, DefaultDomain: auditDomain, UserLimit: 50, GroupName: auditPtr[datatypes.GroupName](datatypes.GroupName(g.name))},
			&group.GroupDomainAssignListRequest{ServiceProviderID: sp, GroupID: gid, Domain: []datatypes.NetAddress{aliasDomain}},
			&group.GroupDnAssignListRequest{ServiceProviderID: sp, GroupID: gid, DnRange: dnRange(g.lo, g.hi)},
			&group.GroupServiceModifyAuthorizationListRequest{ServiceProviderID: sp, GroupID: gid, UserServiceAuthorization: groupAuth,
				ServicePackAuthorization: []datatypes.ServicePackAuthorization{{ServicePackName: "Basic Pack", AuthorizedQuantity: limited(10)}}},
		)
	}
	send(
		&group.GroupDepartmentAddRequest{ServiceProviderID: sp, GroupID: "hq", DepartmentName: "Sales"},
		&group.GroupAccessDeviceAddRequest22V2{ServiceProviderID: &sp, GroupID: auditPtr[datatypes.GroupId]("hq"), DeviceName: auditPtr[datatypes.AccessDeviceName]("lobby-phone"),
			DeviceType: "Polycom VVX 400", MacAddress: auditPtr[datatypes.AccessDeviceMACAddress]("0004F2ABCDEF")},
	)
	type person struct {
		group, name, last, first, number, ext string
		aliases                               []datatypes.SIPURI
		linePort                              string
		services                              []datatypes.UserService
		packs                                 []datatypes.ServicePackName
	}
	for _, p := range []person{
		{"hq", "alice", "Anders", "Alice", "2025550101", "1101", []datatypes.SIPURI{"support@sales.example", "alice.a@sales.example"}, "alice-lp@acme.example",
			[]datatypes.UserService{"Call Center - Premium"}, []datatypes.ServicePackName{"Basic Pack"}},
		{"hq", "bob", "Brown", "Bob", "+1-2025550102", "1102", []datatypes.SIPURI{"bob@sales.example"}, "bob-lp@acme.example",
			[]datatypes.UserService{"Call Center - Premium", "Voice Messaging User"}, nil},
		{"hq", "carol", "Clark", "Carol", "", "2000", nil, "", nil, nil},
		{"hq", "dave", "Dunn", "Dave", "", "2001", nil, "", []datatypes.UserService{"Call Waiting"}, nil},
		{"branch", "eve", "Evans", "Eve", "2025550111", "2000", []datatypes.SIPURI{"support@acme.example"}, "", nil, nil},
	} {
		req := &user.UserAddRequest22V2{ServiceProviderID: sp, GroupID: datatypes.GroupId(p.group), UserID: datatypes.UserId(auditUser(p.name)),
			LastName: datatypes.LastName(p.last), FirstName: datatypes.FirstName(p.first),
			CallingLineIDLastName: datatypes.CallingLineIdLastName(p.last), CallingLineIDFirstName: datatypes.CallingLineIdFirstName(p.first),
			Extension: auditPtr(datatypes.Extension17(p.ext)), Password: auditPtr[datatypes.Password]("User-pass-123"), Alias: p.aliases,
			EmailAddress: auditPtr(datatypes.EmailAddress(p.name + "@mail.example"))}
		if p.number != "" {
			req.PhoneNumber = auditPtr(datatypes.DN(p.number))
		}
		if p.name == "alice" {
			req.Department = &datatypes.GroupDepartmentKey{ServiceProviderID: sp, GroupID: "hq", Name: "Sales"}
		}
		if p.linePort != "" {
			req.AccessDeviceEndpoint = &datatypes.AccessDeviceMultipleIdentityAndContactEndpointAdd22V2{
				AccessDevice: datatypes.AccessDevice{DeviceLevel: "Group", DeviceName: "lobby-phone"}, LinePort: datatypes.AccessDeviceEndpointLinePort(p.linePort)}
		}
		send(req)
		if len(p.services)+len(p.packs) > 0 {
			send(&user.UserServiceAssignListRequest{UserID: req.UserID, ServiceName: p.services, ServicePackName: p.packs})
		}
	}
	cc := datatypes.UserId(auditUser("cc-sales"))
	send(
		&callcenter.GroupCallCenterAddInstanceRequest22{ServiceProviderID: sp, GroupID: "hq", ServiceUserID: cc,
			ServiceInstanceProfile: datatypes.ServiceInstanceAddProfileCallCenter{Name: "Sales Line", CallingLineIDLastName: "Sales", CallingLineIDFirstName: "Line",
				Password: "Center-pass-1", PhoneNumber: auditPtr[datatypes.DN]("2025550105"), Extension: auditPtr[datatypes.Extension17]("1105")},
			Type: datatypes.CallCenterTypePremium, Policy: datatypes.HuntPolicyCircular, QueueLength: 10, EscapeDigit: "0", AllowAgentLogoff: true,
			ExternalPreferredAudioCodec: datatypes.AudioFileCodec22None, InternalPreferredAudioCodec: datatypes.AudioFileCodec22None},
		&callcenter.GroupCallCenterModifyAgentListRequest{ServiceUserID: cc,
			AgentUserIDList: ocixml.Some(datatypes.ReplacementUserIdList{UserID: []datatypes.UserId{datatypes.UserId(auditUser("alice")), datatypes.UserId(auditUser("bob"))}})},
		&callcenter.GroupCallCenterModifySupervisorListRequest16{ServiceUserID: cc,
			SupervisorUserIDList: ocixml.Some(datatypes.ReplacementUserIdList{UserID: []datatypes.UserId{datatypes.UserId(auditUser("dave"))}})},
	)
	return tb
}

func auditPtr[T any](v T) *T { return &v }

// cli runs the CLI against tb and fails the test on a non-zero exit.
func auditCLI(t *testing.T, tb *testbed.Server, args ...string) string {
	t.Helper()
	code, out, errOut := runEnv(t, testbedEnv(tb), "", args...)
	if code != 0 {
		t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
	}
	if errOut != "" {
		t.Errorf("%v: unexpected stderr %q", args, errOut)
	}
	return out
}

func TestAuditGroup(t *testing.T) {
	tb := auditWorld(t)

	before := tb.Stats().Documents
	out := auditCLI(t, tb, "audit", "group", auditSP, "hq", "--output", "json", "--conns", "1")
	// Signed login (2 documents), the lists (1), then 4 users x 2 and
	// 1 call center x 2 = 10 commands in one batch document.
	if n := tb.Stats().Documents - before; n != 4 {
		t.Errorf("audit group used %d documents, want 4", n)
	}
	var rep audit.GroupReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := audit.GroupProfile{ServiceProviderID: auditSP, GroupID: "hq", Name: "Head Office", DefaultDomain: auditDomain,
		UserLimit: 50, UserCount: rep.Group.UserCount, TimeZone: rep.Group.TimeZone}
	if rep.Group != want || rep.Group.TimeZone == "" {
		t.Errorf("group = %+v", rep.Group)
	}
	if len(rep.Users) != 4 {
		t.Fatalf("users = %+v", rep.Users)
	}
	users := map[string]audit.GroupUser{}
	for _, u := range rep.Users {
		users[u.UserID] = u
	}
	alice := users[auditUser("alice")]
	wantAlice := audit.GroupUser{UserID: auditUser("alice"), LastName: "Anders", FirstName: "Alice", PhoneNumber: "+1-2025550101",
		NumberActivated: alice.NumberActivated, Extension: "1101", Department: "Sales", Email: "alice@mail.example",
		Aliases:  []string{"support@sales.example", "alice.a@sales.example"},
		Services: []string{"Call Center - Premium"}, ServicePacks: []string{"Basic Pack"},
		Endpoint: &audit.Endpoint{DeviceLevel: "Group", DeviceName: "lobby-phone", LinePort: "alice-lp@acme.example"}}
	if !reflect.DeepEqual(alice, wantAlice) {
		t.Errorf("alice =\n%+v, want\n%+v", alice, wantAlice)
	}
	bob := users[auditUser("bob")]
	if !slices.Equal(bob.Services, []string{"Call Center - Premium", "Voice Messaging User"}) || len(bob.ServicePacks) != 0 || bob.PhoneNumber != "+1-2025550102" {
		t.Errorf("bob = %+v", bob)
	}
	if carol := users[auditUser("carol")]; carol.PhoneNumber != "" || carol.Extension != "2000" || carol.Endpoint != nil || len(carol.Services) != 0 {
		t.Errorf("carol = %+v", carol)
	}

	// Numbers: who holds what, and the free runs.
	holders := map[string]audit.NumberEntry{}
	for _, n := range rep.Numbers {
		holders[n.Numbers] = n
	}
	if n := holders["+1-2025550101"]; !n.Assigned || n.UserID != auditUser("alice") || n.UserType != "Normal" || n.Extension != "1101" {
		t.Errorf("101 = %+v", n)
	}
	if n := holders["+1-2025550105"]; !n.Assigned || n.UserID != auditUser("cc-sales") || n.UserType != "Call Center" {
		t.Errorf("105 = %+v", n)
	}
	if n, ok := holders["+1-2025550106 - +1-2025550109"]; !ok || n.Assigned || n.UserID != "" {
		t.Errorf("free run 106-109 = %+v (numbers %+v)", n, rep.Numbers)
	}
	if _, ok := holders["+1-2025550111"]; ok {
		t.Error("a number of group branch is in hq's list")
	}

	// Services and packs authorized, with usage.
	if !slices.ContainsFunc(rep.ServicePacks, func(p audit.PackUsage) bool {
		return p == audit.PackUsage{Name: "Basic Pack", Limit: "10", Usage: 1, Description: "Everyday calling"}
	}) {
		t.Errorf("service packs = %+v", rep.ServicePacks)
	}
	svc := map[string]audit.ServiceUse{}
	for _, s := range rep.Services {
		svc[s.Name] = s
	}
	// The instance holds a license as well as its two agents.
	if s := svc["Call Center - Premium"]; s != (audit.ServiceUse{Name: "Call Center - Premium", Kind: "user", Limit: "5", Usage: 3}) {
		t.Errorf("Call Center - Premium = %+v", s)
	}
	if s := svc["Voice Messaging User"]; s.Limit != "Unlimited" || s.Usage != 1 {
		t.Errorf("Voice Messaging User = %+v", s)
	}

	// The device and the lines on it.
	if len(rep.Devices) != 1 {
		t.Fatalf("devices = %+v", rep.Devices)
	}
	d := rep.Devices[0]
	wantLines := []audit.DeviceLine{{UserID: auditUser("alice"), LinePort: "alice-lp@acme.example"}, {UserID: auditUser("bob"), LinePort: "bob-lp@acme.example"}}
	if d.Name != "lobby-phone" || d.Type != "Polycom VVX 400" || !reflect.DeepEqual(d.Lines, wantLines) {
		t.Errorf("device = %+v", d)
	}

	// The call center with its agents and supervisor.
	if len(rep.CallCenters) != 1 {
		t.Fatalf("call centers = %+v", rep.CallCenters)
	}
	cc := rep.CallCenters[0]
	var agents []string
	for _, a := range cc.Agents {
		agents = append(agents, a.UserID)
	}
	if cc.ServiceUserID != auditUser("cc-sales") || cc.Name != "Sales Line" || cc.Type != "Premium" || cc.Extension != "1105" ||
		!slices.Equal(agents, []string{auditUser("alice"), auditUser("bob")}) || len(cc.Supervisors) != 1 || cc.Supervisors[0].UserID != auditUser("dave") {
		t.Errorf("call center = %+v", cc)
	}
	if len(rep.Problems) != 0 {
		t.Errorf("problems: %v", rep.Problems)
	}

	// CSV: one block per table, each with its header line.
	out = auditCLI(t, tb, "audit", "group", auditSP, "hq", "-o", "csv")
	blocks := strings.Split(strings.TrimSuffix(out, "\n"), "\n\n")
	if len(blocks) != 8 {
		t.Fatalf("%d CSV blocks, want 8:\n%s", len(blocks), out)
	}
	recs, err := csv.NewReader(strings.NewReader(blocks[1])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "User Id" || len(recs) != 5 {
		t.Fatalf("users CSV = %q", recs)
	}
	for _, r := range recs[1:] {
		if r[0] == auditUser("alice") {
			want := []string{auditUser("alice"), "Anders", "Alice", "+1-2025550101", r[4], "1101", "Sales",
				"support@sales.example; alice.a@sales.example", "Call Center - Premium", "Basic Pack", "lobby-phone", "alice-lp@acme.example"}
			if !slices.Equal(r, want) {
				t.Errorf("alice CSV row = %q, want %q", r, want)
			}
		}
	}
	members, err := csv.NewReader(strings.NewReader(blocks[7])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 4 || members[3][1] != "supervisor" || members[3][2] != auditUser("dave") {
		t.Errorf("members CSV = %q", members)
	}

	// Table: titled tables with the expected rows.
	out = auditCLI(t, tb, "audit", "group", auditSP, "hq")
	for _, want := range []string{"users (4)", "numbers (", "call center members (3)", "lobby-phone", "alice-lp@acme.example (" + auditUser("alice") + ")"} {
		if !strings.Contains(out, want) {
			t.Errorf("table output lacks %q:\n%s", want, out)
		}
	}
	if !tableRow(out, auditUser("cc-sales"), "agent", auditUser("bob"), "Brown", "Bob", "+1-2025550102", "1102") {
		t.Errorf("no member row for bob:\n%s", out)
	}
}

// tableRow reports whether some line of a text table holds exactly these
// cells (split on runs of two or more spaces).
func tableRow(out string, cells ...string) bool {
	for _, l := range strings.Split(out, "\n") {
		var got []string
		for _, f := range strings.Split(l, "  ") {
			if f = strings.TrimSpace(f); f != "" {
				got = append(got, f)
			}
		}
		if slices.Equal(got, cells) {
			return true
		}
	}
	return false
}

func TestAuditGroupErrors(t *testing.T) {
	tb := auditWorld(t)
	code, out, errOut := runEnv(t, testbedEnv(tb), "", "audit", "group", auditSP, "nosuch")
	if code != 1 || out != "" || !strings.Contains(errOut, "group nosuch in service provider acme") {
		t.Errorf("missing group: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runEnv(t, testbedEnv(tb), "", "audit", "group", auditSP, "hq", "-o", "xml")
	if code != 1 || !strings.Contains(errOut, "--output") {
		t.Errorf("bad format: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runEnv(t, testbedEnv(tb), "", "audit", "user", "nobody@acme.example")
	if code != 1 || !strings.Contains(errOut, "user nobody@acme.example") || !strings.Contains(errOut, "4008") {
		t.Errorf("missing user: exit %d, stderr %q", code, errOut)
	}
}

func TestAuditUser(t *testing.T) {
	tb := auditWorld(t)
	// Named by an alias: the report is the user's.
	out := auditCLI(t, tb, "audit", "user", "support@sales.example", "-o", "json")
	var rep audit.UserReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := audit.UserReport{UserID: auditUser("alice"), ServiceProviderID: auditSP, GroupID: "hq", LastName: "Anders", FirstName: "Alice",
		PhoneNumber: "+1-2025550101", Extension: "1101", Department: "Sales", Email: "alice@mail.example", Language: rep.Language, TimeZone: rep.TimeZone,
		Aliases: []string{"support@sales.example", "alice.a@sales.example"}, AlternateIDs: []string{},
		Services: []string{"Call Center - Premium"}, ServicePacks: []string{"Basic Pack"},
		Endpoint:    &audit.Endpoint{DeviceLevel: "Group", DeviceName: "lobby-phone", LinePort: "alice-lp@acme.example"},
		CallCenters: []audit.CallCenterRole{{ServiceUserID: auditUser("cc-sales"), Role: "agent", PhoneNumber: rep.CallCenters[0].PhoneNumber, Extension: "1105", Available: auditPtr(true)}}}
	if !reflect.DeepEqual(rep, want) || rep.Language == "" || !strings.HasSuffix(rep.CallCenters[0].PhoneNumber, "2025550105") {
		t.Errorf("alice =\n%+v, want\n%+v", rep, want)
	}

	// A supervisor with no call center service: no agent role, no problem.
	out = auditCLI(t, tb, "audit", "user", auditUser("dave"), "-o", "json")
	rep = audit.UserReport{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.CallCenters) != 1 || rep.CallCenters[0].Role != "supervisor" || rep.CallCenters[0].Available != nil || len(rep.Problems) != 0 {
		t.Errorf("dave = %+v", rep)
	}

	out = auditCLI(t, tb, "audit", "user", auditUser("bob"), "-o", "csv")
	if !strings.Contains(out, "service,Voice Messaging User\n") || !strings.Contains(out, "alias,bob@sales.example\n") ||
		!strings.Contains(out, auditUser("cc-sales")+",agent,") {
		t.Errorf("bob CSV:\n%s", out)
	}
	out = auditCLI(t, tb, "audit", "user", auditUser("bob"))
	if !tableRow(out, "alias", "bob@sales.example") || !strings.Contains(out, "call centers (1)") {
		t.Errorf("bob table:\n%s", out)
	}
}

// findJSON runs a find and decodes its result.
func findJSON(t *testing.T, tb *testbed.Server, args ...string) audit.FindResult {
	t.Helper()
	out := auditCLI(t, tb, append(append([]string{"find"}, args...), "-o", "json")...)
	var res audit.FindResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return res
}

func matchIDs(res audit.FindResult) []string {
	var ids []string
	for _, m := range res.Matches {
		ids = append(ids, m.UserID+"/"+m.Status)
	}
	return ids
}

func TestFind(t *testing.T) {
	tb := auditWorld(t)
	alice := audit.Match{ServiceProviderID: auditSP, GroupID: "hq", UserID: auditUser("alice"), LastName: "Anders", FirstName: "Alice",
		PhoneNumber: "+1-2025550101", Extension: "1101", Alias: "support@sales.example", Status: audit.StatusUser}

	// Alias: a full alias is one get (login 2 documents + 1).
	before := tb.Stats().Documents
	res := findJSON(t, tb, "alias", "SUPPORT@sales.example", "--conns", "1")
	if n := tb.Stats().Documents - before; n != 3 {
		t.Errorf("find alias used %d documents, want 3", n)
	}
	if len(res.Matches) != 1 || res.Matches[0] != alice || res.Kind != audit.Alias {
		t.Errorf("alias hit = %+v", res)
	}
	// The same by scanning the scope.
	res = findJSON(t, tb, "alias", "support@sales.example", "--scan", "--sp", auditSP)
	if len(res.Matches) != 1 || res.Matches[0] != alice {
		t.Errorf("alias scan = %+v", res)
	}
	// The user part alone matches in every domain.
	res = findJSON(t, tb, "alias", "support")
	if got := matchIDs(res); !slices.Equal(got, []string{auditUser("eve") + "/user", auditUser("alice") + "/user"}) {
		t.Errorf("alias support = %v", got)
	}
	res = findJSON(t, tb, "alias", "support", "--sp", auditSP, "--group", "branch")
	if len(res.Matches) != 1 || res.Matches[0].Alias != "support@acme.example" || res.Matches[0].GroupID != "branch" {
		t.Errorf("alias support in branch = %+v", res)
	}
	// A user id is not an alias.
	code, out, errOut := runEnv(t, testbedEnv(tb), "", "find", "alias", auditUser("alice"))
	if code != 1 || out != "" || !strings.Contains(errOut, `no match for alias "alice@acme.example"`) {
		t.Errorf("alias miss: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Out of scope.
	code, _, errOut = runEnv(t, testbedEnv(tb), "", "find", "alias", "bob@sales.example", "--sp", auditSP, "--group", "branch")
	if code != 1 || !strings.Contains(errOut, "no match") || !strings.Contains(errOut, "in group branch of acme") {
		t.Errorf("alias out of scope: exit %d, stderr %q", code, errOut)
	}

	// Number: a user, a call center, free numbers of a group and of the
	// service provider.
	res = findJSON(t, tb, "number", "2025550102")
	if got := matchIDs(res); !slices.Equal(got, []string{auditUser("bob") + "/user"}) || res.Matches[0].GroupID != "hq" || res.Matches[0].Extension != "1102" {
		t.Errorf("number 102 = %+v", res)
	}
	res = findJSON(t, tb, "number", "+1-2025550105")
	if len(res.Matches) != 1 || res.Matches[0] != (audit.Match{ServiceProviderID: auditSP, GroupID: "hq", UserID: auditUser("cc-sales"),
		LastName: "Sales Line", PhoneNumber: "+1-2025550105", Extension: "1105", Status: audit.StatusInstance}) {
		t.Errorf("number 105 = %+v", res)
	}
	res = findJSON(t, tb, "number", "2025550113")
	if len(res.Matches) != 1 || res.Matches[0] != (audit.Match{ServiceProviderID: auditSP, GroupID: "branch", PhoneNumber: "+1-2025550113", Status: audit.StatusUnassigned}) {
		t.Errorf("number 113 = %+v", res)
	}
	res = findJSON(t, tb, "number", "2025550199", "--sp", auditSP)
	if len(res.Matches) != 1 || res.Matches[0] != (audit.Match{ServiceProviderID: auditSP, PhoneNumber: "+1-2025550199", Status: audit.StatusNoGroup}) {
		t.Errorf("number 199 = %+v", res)
	}
	// A prefix lists every holder and free number under it.
	res = findJSON(t, tb, "number", "202555010*", "--sp", auditSP, "--group", "hq")
	if got := matchIDs(res); !slices.Equal(got, []string{"/unassigned", auditUser("alice") + "/user", auditUser("bob") + "/user", "/unassigned", auditUser("cc-sales") + "/service instance", "/unassigned"}) {
		t.Errorf("number prefix = %v (%+v)", got, res.Matches)
	}
	// System-wide, the service provider's number lists and the groups'
	// assignment lists locate what no user holds.
	res = findJSON(t, tb, "number", "20255501*")
	var got []string
	for _, m := range res.Matches {
		got = append(got, m.GroupID+" "+m.PhoneNumber+" "+m.UserID+" "+m.Status)
	}
	want := []string{
		" +1-2025550115 - +1-2025550119  not in a group", " +1-2025550199  not in a group",
		"branch +1-2025550110  unassigned", "branch +1-2025550111 eve@acme.example user", "branch +1-2025550112 - +1-2025550114  unassigned",
		"hq +1-2025550100  unassigned", "hq +1-2025550101 alice@acme.example user", "hq +1-2025550102 bob@acme.example user",
		"hq +1-2025550103 - +1-2025550104  unassigned", "hq +1-2025550105 cc-sales@acme.example service instance", "hq +1-2025550106 - +1-2025550109  unassigned",
	}
	if !slices.Equal(got, want) {
		t.Errorf("system number prefix =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	code, _, errOut = runEnv(t, testbedEnv(tb), "", "find", "number", "9995550000")
	if code != 1 || !strings.Contains(errOut, `no match for number "9995550000"`) {
		t.Errorf("number miss: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runEnv(t, testbedEnv(tb), "", "find", "number", "12ab")
	if code != 1 || !strings.Contains(errOut, `number "12ab"`) {
		t.Errorf("bad number: exit %d, stderr %q", code, errOut)
	}

	// Extension: unique in a group, shared across groups.
	res = findJSON(t, tb, "extension", "1102", "--sp", auditSP)
	if got := matchIDs(res); !slices.Equal(got, []string{auditUser("bob") + "/user"}) || res.Matches[0].GroupID != "hq" {
		t.Errorf("extension 1102 = %+v", res)
	}
	res = findJSON(t, tb, "extension", "2000")
	if got := matchIDs(res); !slices.Equal(got, []string{auditUser("eve") + "/user", auditUser("carol") + "/user"}) ||
		res.Matches[0].GroupID != "branch" || res.Matches[1].GroupID != "hq" {
		t.Errorf("extension 2000 = %+v", res)
	}
	out = auditCLI(t, tb, "find", "extension", "2000", "--sp", auditSP, "--group", "hq", "-o", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || !slices.Equal(recs[1], []string{auditSP, "hq", auditUser("carol"), "Clark", "Carol", "", "2000", "user"}) {
		t.Errorf("extension CSV = %q", recs)
	}
	out = auditCLI(t, tb, "find", "extension", "110*")
	if !tableRow(out, auditSP, "hq", auditUser("alice"), "Anders", "Alice", "+1-2025550101", "1101", "user") {
		t.Errorf("extension table:\n%s", out)
	}
	code, _, errOut = runEnv(t, testbedEnv(tb), "", "find", "extension", "4444")
	if code != 1 || !strings.Contains(errOut, "no match") {
		t.Errorf("extension miss: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runEnv(t, testbedEnv(tb), "", "find", "extension", "2000", "--group", "hq")
	if code != 1 || !strings.Contains(errOut, "--group needs --sp") {
		t.Errorf("group without sp: exit %d, stderr %q", code, errOut)
	}
}

package ocipserver

import (
	"context"
	"slices"
	"testing"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/callcenter"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/deprecateduser"
)

// The call center world: SP "ccsp" with groups "g1" (every call center
// service authorized, Basic limited to 2) and "g2" (no call center
// service); agents a1..a4 in g1 holding "Call Center - Premium", "std"
// holding only Standard, "plain" and "sup" with no call center service,
// "other" an agent in g2; group admins of both groups and a read-only
// system admin.
const (
	ccDomain = "cc.example.com"
	ccSP     = "ccsp"
	ccPW     = "Agent-pw-123"
)

func ccUser(name string) string { return name + "@" + ccDomain }

type ccWorld struct {
	h     *harness
	admin *session
}

func newCCWorld(t *testing.T) *ccWorld {
	t.Helper()
	h := newHarness(t)
	ctx := context.Background()
	info, err := h.core.Login(ctx, testAdmin, provisioning.Credential{Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	a := info.Actor
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(h.core.AddSystemDomain(ctx, a, ccDomain, ""))
	ccServices := []provisioning.ServiceQuantity{
		{Name: "Call Center - Basic", Quantity: store.Unlimited},
		{Name: "Call Center - Standard", Quantity: store.Unlimited},
		{Name: "Call Center - Premium", Quantity: store.Unlimited},
	}
	must(h.core.AddServiceProvider(ctx, a, provisioning.ServiceProviderAdd{
		SP:              store.ServiceProvider{ID: ccSP, Name: "Call Centers Inc", DefaultDomain: ccDomain},
		DNs:             provisioning.NumberSet{Ranges: [][2]string{{"+1-2025550100", "+1-2025550199"}}},
		UserServiceAuth: ccServices,
	}))
	must(h.core.AddGroup(ctx, a, provisioning.GroupAdd{
		Group: store.Group{SPID: ccSP, ID: "g1", Name: "Group One", DefaultDomain: ccDomain, UserLimit: 100},
		DNs:   provisioning.NumberSet{Ranges: [][2]string{{"+1-2025550100", "+1-2025550149"}}},
		ServiceAuth: []provisioning.GroupServiceAuth{
			{Kind: store.SvcUser, Name: "Call Center - Basic", Quantity: 2},
			{Kind: store.SvcUser, Name: "Call Center - Standard", Quantity: store.Unlimited},
			{Kind: store.SvcUser, Name: "Call Center - Premium", Quantity: store.Unlimited},
		},
		Admins: []provisioning.AdminAdd{{Admin: store.Admin{ID: "g1admin", Level: store.LevelGroup, SPID: ccSP, GroupID: "g1",
			LastName: "Admin", FirstName: "One"}, Password: ccPW}},
	}))
	must(h.core.AddGroup(ctx, a, provisioning.GroupAdd{
		Group: store.Group{SPID: ccSP, ID: "g2", Name: "Group Two", DefaultDomain: ccDomain, UserLimit: 100},
		ServiceAuth: []provisioning.GroupServiceAuth{
			{Kind: store.SvcUser, Name: "Call Center - Premium", Quantity: store.Unlimited},
		},
		Admins: []provisioning.AdminAdd{{Admin: store.Admin{ID: "g2admin", Level: store.LevelGroup, SPID: ccSP, GroupID: "g2",
			LastName: "Admin", FirstName: "Two"}, Password: ccPW}},
	}))
	// g2 may hold Premium agents but no Standard instance: Standard is
	// never authorized to it.
	must(h.core.AddAdmin(ctx, a, provisioning.AdminAdd{Admin: store.Admin{ID: "roadmin", Level: store.LevelSystem, ReadOnly: true,
		LastName: "Only", FirstName: "Read"}, Password: ccPW}))
	must(h.core.AddDepartment(ctx, a, store.Department{SPID: ccSP, GroupID: "g1", Name: "Sales"}))
	add := func(group, name, last, first, number string, services ...string) {
		t.Helper()
		must(h.core.AddUser(ctx, a, provisioning.UserAdd{User: store.User{ID: ccUser(name), SPID: ccSP, GroupID: group,
			LastName: last, FirstName: first, CLIDLastName: last, CLIDFirstName: first, PhoneNumber: number, Email: name + "@mail.example"},
			Password: ccPW, Services: services}))
	}
	add("g1", "a1", "Anders", "Alice", "+1-2025550101", "Call Center - Premium")
	add("g1", "a2", "Brown", "Bob", "+1-2025550102", "Call Center - Premium")
	add("g1", "a3", "Clark", "Carol", "", "Call Center - Premium")
	add("g1", "a4", "Dunn", "Dave", "", "Call Center - Premium")
	add("g1", "std", "Stone", "Sam", "", "Call Center - Standard")
	add("g1", "plain", "Plain", "Pat", "")
	add("g1", "sup", "Super", "Sue", "")
	add("g2", "other", "Other", "Olga", "", "Call Center - Premium")
	return &ccWorld{h: h, admin: h.admin()}
}

// ccAdd is a minimal valid add of a group g1 instance.
func ccAdd(name, typ string) *callcenter.GroupCallCenterAddInstanceRequest22 {
	return &callcenter.GroupCallCenterAddInstanceRequest22{
		ServiceProviderID: ccSP, GroupID: "g1", ServiceUserID: datatypes.UserId(ccUser(name)),
		ServiceInstanceProfile: datatypes.ServiceInstanceAddProfileCallCenter{Name: datatypes.ServiceInstanceProfileName("Center " + name),
			CallingLineIDLastName: "Center", CallingLineIDFirstName: datatypes.CallingLineIdFirstName(name), Password: "Center-pw-1"},
		Type: datatypes.CallCenterType(typ), Policy: datatypes.HuntPolicyCircular, QueueLength: 10, EscapeDigit: "0",
		AllowAgentLogoff: true, ExternalPreferredAudioCodec: datatypes.AudioFileCodec22None, InternalPreferredAudioCodec: datatypes.AudioFileCodec22None,
	}
}

func ccAgents(center string, agents ...string) *callcenter.GroupCallCenterModifyAgentListRequest {
	ids := make([]datatypes.UserId, len(agents))
	for i, a := range agents {
		ids[i] = datatypes.UserId(ccUser(a))
	}
	return &callcenter.GroupCallCenterModifyAgentListRequest{ServiceUserID: datatypes.UserId(ccUser(center)),
		AgentUserIDList: ocixml.Some(datatypes.ReplacementUserIdList{UserID: ids})}
}

// ccState sets an agent's ACD state and, optionally, unjoins centers.
func ccState(agent, state string, unjoined ...string) *callcenter.UserCallCenterModifyRequest19 {
	req := &callcenter.UserCallCenterModifyRequest19{UserID: datatypes.UserId(ccUser(agent)), AgentACDState: ocixml.Ptr(datatypes.AgentACDState(state))}
	for _, c := range unjoined {
		req.CallCenterAgentSettings = append(req.CallCenterAgentSettings,
			callcenter.CallCenterAgentSettings{ServiceUserID: datatypes.UserId(ccUser(c)), Available: ocixml.Ptr(false)})
	}
	return req
}

func ccGetAgent(s *session, agent string) *callcenter.UserCallCenterGetResponse23 {
	s.h.t.Helper()
	return get[*callcenter.UserCallCenterGetResponse23](s, &callcenter.UserCallCenterGetRequest23{UserID: datatypes.UserId(ccUser(agent))})
}

func ccSignOut(agent string) *callcenter.UserCallCenterAgentSignOutRequest {
	return &callcenter.UserCallCenterAgentSignOutRequest{AgentUserID: datatypes.UserId(ccUser(agent))}
}

// ccColumn returns one column of a table, row by row.
func ccColumn(t ocixml.Table, heading string) []string {
	var out []string
	for i := 0; i < t.Len(); i++ {
		out = append(out, t.Get(i, heading))
	}
	return out
}

func ccHeadings(t *testing.T, tab ocixml.Table, want ...string) {
	t.Helper()
	if !slices.Equal(tab.Headings, want) {
		t.Fatalf("headings %q, want %q", tab.Headings, want)
	}
}

// Seed 002 rule by rule: the sign-out answer is always the data response;
// rows name the Standard/Premium centers the agent has joined where it is
// the last signed-in agent, and then the state does not change.
func TestCallCenterSignOutRules(t *testing.T) {
	type center struct {
		id, typ string
		agents  []string
	}
	cases := []struct {
		name     string
		centers  []center
		states   map[string]string   // agent → ACD state
		unjoined map[string][]string // agent → centers it is not joined to
		agent    string
		rows     []string // blocking service user ids, in order
		state    string   // the agent's state afterwards
	}{
		{name: "another joined agent signed in: signed out",
			centers: []center{{"s1", "Standard", []string{"a1", "a2"}}},
			states:  map[string]string{"a1": "Available", "a2": "Available"},
			agent:   "a1", state: "Sign-Out"},
		{name: "last signed-in agent of a Standard center: refused",
			centers: []center{{"s1", "Standard", []string{"a1"}}},
			states:  map[string]string{"a1": "Available"},
			agent:   "a1", rows: []string{"s1"}, state: "Available"},
		{name: "last signed-in agent of a Premium center: refused",
			centers: []center{{"p1", "Premium", []string{"a1"}}},
			states:  map[string]string{"a1": "Wrap-Up"},
			agent:   "a1", rows: []string{"p1"}, state: "Wrap-Up"},
		{name: "last agent of a Basic center: not checked",
			centers: []center{{"b1", "Basic", []string{"a1"}}},
			states:  map[string]string{"a1": "Sign-In"},
			agent:   "a1", state: "Sign-Out"},
		{name: "center not joined: not checked",
			centers:  []center{{"s1", "Standard", []string{"a1"}}},
			states:   map[string]string{"a1": "Available"},
			unjoined: map[string][]string{"a1": {"s1"}},
			agent:    "a1", state: "Sign-Out"},
		{name: "several blocking centers: one row each",
			centers: []center{{"p1", "Premium", []string{"a1"}}, {"s1", "Standard", []string{"a1"}},
				{"s2", "Standard", []string{"a1", "a2"}}, {"b1", "Basic", []string{"a1"}}},
			states: map[string]string{"a1": "Unavailable", "a2": "Available"},
			agent:  "a1", rows: []string{"p1", "s1"}, state: "Unavailable"},
		{name: "joined agents that are signed out do not count",
			centers: []center{{"s1", "Standard", []string{"a1", "a2", "a3"}}},
			states:  map[string]string{"a1": "Available", "a2": "Sign-Out"},
			agent:   "a1", rows: []string{"s1"}, state: "Available"},
		{name: "signed-in agents that are not joined do not count",
			centers:  []center{{"s1", "Standard", []string{"a1", "a2"}}},
			states:   map[string]string{"a1": "Available", "a2": "Available"},
			unjoined: map[string][]string{"a2": {"s1"}},
			agent:    "a1", rows: []string{"s1"}, state: "Available"},
		{name: "an agent already signed out stays so",
			centers: []center{{"s1", "Standard", []string{"a1"}}},
			agent:   "a1", state: "Sign-Out"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newCCWorld(t)
			s := w.admin
			for _, c := range tc.centers {
				s.ok(ccAdd(c.id, c.typ))
				s.ok(ccAgents(c.id, c.agents...))
			}
			for agent, st := range tc.states {
				s.ok(ccState(agent, st, tc.unjoined[agent]...))
			}
			for agent, un := range tc.unjoined {
				if _, ok := tc.states[agent]; !ok {
					s.ok(ccState(agent, "Sign-Out", un...))
				}
			}
			resp := get[*callcenter.UserCallCenterAgentSignOutResponse](s, ccSignOut(tc.agent))
			ccHeadings(t, resp.CallCenterTable, "Service User Id", "Call Center Name")
			var want, names []string
			for _, id := range tc.rows {
				want = append(want, ccUser(id))
				names = append(names, "Center "+id)
			}
			if got := ccColumn(resp.CallCenterTable, "Service User Id"); !slices.Equal(got, want) {
				t.Fatalf("blocking centers %q, want %q", got, want)
			}
			if got := ccColumn(resp.CallCenterTable, "Call Center Name"); !slices.Equal(got, names) {
				t.Fatalf("blocking names %q, want %q", got, names)
			}
			if got := ccGetAgent(s, tc.agent).AgentACDState; got == nil || string(*got) != tc.state {
				t.Fatalf("state afterwards %v, want %s", got, tc.state)
			}
			// Other agents' states never move.
			for agent, st := range tc.states {
				if agent == tc.agent {
					continue
				}
				if got := ccGetAgent(s, agent).AgentACDState; got == nil || string(*got) != st {
					t.Fatalf("%s state %v, want %s", agent, got, st)
				}
			}
		})
	}
}

// Seed 002's callers: administrators with scope, a supervisor of one of
// the agent's centers and the agent itself; nobody else. The unguarded
// UserCallCenterModifyRequest19 still forces Sign-Out.
func TestCallCenterSignOutCallers(t *testing.T) {
	w := newCCWorld(t)
	s := w.admin
	s.ok(ccAdd("s1", "Standard"))
	s.ok(ccAgents("s1", "a1", "a2"))
	s.ok(ccAdd("s2", "Standard"))
	s.ok(ccAgents("s2", "a3"))
	s.ok(&callcenter.GroupCallCenterModifySupervisorListRequest16{ServiceUserID: datatypes.UserId(ccUser("s1")),
		SupervisorUserIDList: ocixml.Some(datatypes.ReplacementUserIdList{UserID: []datatypes.UserId{datatypes.UserId(ccUser("sup"))}})})
	s.ok(&callcenter.GroupCallCenterModifySupervisorListRequest16{ServiceUserID: datatypes.UserId(ccUser("s2")),
		SupervisorUserIDList: ocixml.Some(datatypes.ReplacementUserIdList{UserID: []datatypes.UserId{datatypes.UserId(ccUser("plain"))}})})

	cases := []struct {
		name   string
		caller func() *session
		agent  string
		code   ocip.ErrorCode // 0: allowed
	}{
		{"the agent itself", func() *session { return w.h.login(ccUser("a1"), ccPW) }, "a1", 0},
		{"a supervisor of the agent's center", func() *session { return w.h.login(ccUser("sup"), ccPW) }, "a2", 0},
		{"the group's administrator", func() *session { return w.h.login("g1admin", ccPW) }, "a1", 0},
		{"another plain user", func() *session { return w.h.login(ccUser("a4"), ccPW) }, "a1", ocip.CodeUnauthorized},
		{"a supervisor of another center", func() *session { return w.h.login(ccUser("plain"), ccPW) }, "a1", ocip.CodeUnauthorized},
		{"an administrator of another group", func() *session { return w.h.login("g2admin", ccPW) }, "a1", ocip.CodeUnauthorized},
		{"a read-only administrator", func() *session { return w.h.login("roadmin", ccPW) }, "a1", ocip.CodeUnauthorized},
		{"an unknown agent, group admin", func() *session { return w.h.login("g1admin", ccPW) }, "nobody", ocip.CodeUnauthorized},
		{"an unknown agent, system admin", func() *session { return s }, "nobody", ocip.CodeUserNotFound},
		{"a user without a call center service", func() *session { return s }, "plain", ocip.CodeInvalidValue},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.ok(ccState("a1", "Available"))
			s.ok(ccState("a2", "Available"))
			c := tc.caller()
			if tc.code != 0 {
				c.fails(ccSignOut(tc.agent), tc.code)
				if got := ccGetAgent(s, "a1").AgentACDState; string(*got) != "Available" {
					t.Fatalf("refused sign-out changed the state to %s", *got)
				}
				return
			}
			resp := get[*callcenter.UserCallCenterAgentSignOutResponse](c, ccSignOut(tc.agent))
			if resp.CallCenterTable.Len() != 0 {
				t.Fatalf("rows %v", resp.CallCenterTable.Rows())
			}
			if got := ccGetAgent(s, tc.agent).AgentACDState; string(*got) != "Sign-Out" {
				t.Fatalf("state %s, want Sign-Out", *got)
			}
		})
	}

	t.Run("UserCallCenterModifyRequest19 forces Sign-Out without the check", func(t *testing.T) {
		s.ok(ccState("a1", "Available"))
		s.ok(ccState("a2", "Sign-Out"))
		r := get[*callcenter.UserCallCenterAgentSignOutResponse](s, ccSignOut("a1"))
		if got := ccColumn(r.CallCenterTable, "Service User Id"); !slices.Equal(got, []string{ccUser("s1")}) {
			t.Fatalf("guarded sign-out rows %q", got)
		}
		s.ok(ccState("a1", "Sign-Out"))
		if got := ccGetAgent(s, "a1").AgentACDState; string(*got) != "Sign-Out" {
			t.Fatalf("state %s, want Sign-Out", *got)
		}
	})
}

func TestCallCenterInstanceRoundTrip(t *testing.T) {
	w := newCCWorld(t)
	s := w.admin
	add := ccAdd("p1", "Premium")
	add.ServiceInstanceProfile.PhoneNumber = ocixml.Ptr(datatypes.DN("2025550120"))
	add.ServiceInstanceProfile.Extension = ocixml.Ptr(datatypes.Extension17("0120"))
	add.ServiceInstanceProfile.Department = &datatypes.GroupDepartmentKey{ServiceProviderID: ccSP, GroupID: "g1", Name: "Sales"}
	add.ServiceInstanceProfile.Alias = []datatypes.SIPURI{"support@" + ccDomain}
	add.ServiceInstanceProfile.Language = ocixml.Ptr(datatypes.Language("English"))
	add.RoutingType = ocixml.Ptr(datatypes.CallCenterRoutingTypeSkillBased)
	add.Policy = datatypes.HuntPolicyWeighted
	add.EnableVideo = true
	add.QueueLength = 25
	add.EscapeDigit = "9"
	add.AllowCallerToDialEscapeDigit = true
	add.WrapUpSeconds = ocixml.Ptr(datatypes.CallCenterWrapUpSeconds(30))
	add.ForceDeliveryOfCalls = ocixml.Ptr(true)
	add.AgentStateAfterCall = ocixml.Ptr(datatypes.AgentACDAutomaticStateWrapUp)
	add.AgentUnavailableCode = ocixml.Ptr(datatypes.CallCenterAgentUnavailableCode("LUNCH"))
	add.ExternalPreferredAudioCodec = datatypes.AudioFileCodec22OPUS
	add.InternalPreferredAudioCodec = datatypes.AudioFileCodec22G722
	add.NetworkClassOfService = ocixml.Ptr(datatypes.NetworkClassOfServiceName("ncos1"))
	s.ok(add)
	s.ok(ccAdd("b1", "Basic"))

	id := datatypes.UserId(ccUser("p1"))
	g := get[*callcenter.GroupCallCenterGetInstanceResponse22](s, &callcenter.GroupCallCenterGetInstanceRequest22{ServiceUserID: id})
	p := g.ServiceInstanceProfile
	if p.Name != "Center p1" || p.CallingLineIDFirstName != "p1" || sv(p.PhoneNumber) != "2025550120" || sv(p.CountryCode) != "1" ||
		sv(p.Extension) != "0120" || sv(p.Language) != "English" || !slices.Equal(p.Alias, []datatypes.SIPURI{"support@" + ccDomain}) {
		t.Fatalf("profile %+v", p)
	}
	if d, ok := p.Department.(*datatypes.GroupDepartmentKey); !ok || d.Name != "Sales" || d.GroupID != "g1" {
		t.Fatalf("department %#v", p.Department)
	}
	if g.Type != "Premium" || sv(g.RoutingType) != "Skill Based" || g.Policy != "Weighted" || !g.EnableVideo || g.QueueLength != 25 ||
		g.EscapeDigit != "9" || !g.AllowCallerToDialEscapeDigit || !g.AllowAgentLogoff || g.WrapUpSeconds == nil || *g.WrapUpSeconds != 30 ||
		!*g.ForceDeliveryOfCalls || sv(g.AgentStateAfterCall) != "Wrap-Up" || sv(g.AgentUnavailableCode) != "LUNCH" ||
		g.ExternalPreferredAudioCodec != "OPUS" || g.InternalPreferredAudioCodec != "G722" || sv(g.NetworkClassOfService) != "ncos1" {
		t.Fatalf("settings %+v", g)
	}
	// Older versions render the same record; a codec they do not know
	// reads as None.
	g19 := get[*deprecatedgroup.GroupCallCenterGetInstanceResponse19sp1](s, &deprecatedgroup.GroupCallCenterGetInstanceRequest19sp1{ServiceUserID: id})
	if g19.ServiceInstanceProfile.Name != "Center p1" || g19.QueueLength != 25 || g19.ExternalPreferredAudioCodec != "None" ||
		g19.InternalPreferredAudioCodec != "G722" || sv(g19.RoutingType) != "Skill Based" {
		t.Fatalf("19sp1 %+v", g19)
	}
	if g := get[*deprecatedgroup.GroupCallCenterGetInstanceResponse19](s, &deprecatedgroup.GroupCallCenterGetInstanceRequest19{ServiceUserID: id}); sv(g.ServiceInstanceProfile.PhoneNumber) != "2025550120" || g.Policy != "Weighted" {
		t.Fatalf("19 %+v", g)
	}

	list := func() ocixml.Table {
		return get[*callcenter.GroupCallCenterGetInstanceListResponse](s, &callcenter.GroupCallCenterGetInstanceListRequest{ServiceProviderID: ccSP, GroupID: "g1"}).CallCenterTable
	}
	tab := list()
	ccHeadings(t, tab, "Service User Id", "Name", "Video", "Phone Number", "Extension", "Department", "Is Active", "Policy", "Type")
	if got := tab.Rows(); len(got) != 2 ||
		!slices.Equal(got[0], []string{ccUser("b1"), "Center b1", "false", "", "", "", "true", "Circular", "Basic"}) ||
		!slices.Equal(got[1], []string{ccUser("p1"), "Center p1", "true", "+1-2025550120", "0120", "Sales", "true", "Weighted", "Premium"}) {
		t.Fatalf("list %q", got)
	}
	sales := get[*callcenter.GroupCallCenterGetInstanceListResponse](s, &callcenter.GroupCallCenterGetInstanceListRequest{ServiceProviderID: ccSP, GroupID: "g1",
		GroupDepartmentName: ocixml.Ptr(datatypes.DepartmentName("Sales"))}).CallCenterTable
	if got := ccColumn(sales, "Service User Id"); !slices.Equal(got, []string{ccUser("p1")}) {
		t.Fatalf("department list %q", got)
	}

	// Modify: profile and settings, a nil clears, a type change down to
	// Standard drops the routing type.
	s.ok(&callcenter.GroupCallCenterModifyInstanceRequest22{ServiceUserID: id,
		ServiceInstanceProfile: &datatypes.ServiceInstanceModifyProfile{Name: ocixml.Ptr(datatypes.ServiceInstanceProfileName("Support")),
			PhoneNumber: ocixml.Null[datatypes.DN](), Extension: ocixml.Some(datatypes.Extension17("555")),
			Department: ocixml.Null[datatypes.DepartmentKey](), SIPAliasList: ocixml.Null[datatypes.ReplacementSIPAliasList]()},
		Type: ocixml.Ptr(datatypes.CallCenterTypeStandard), Policy: ocixml.Ptr(datatypes.HuntPolicyUniform), QueueLength: ocixml.Ptr(datatypes.CallCenterQueueLength16(3)),
		WrapUpSeconds: ocixml.Null[datatypes.CallCenterWrapUpSeconds](), AgentUnavailableCode: ocixml.Null[datatypes.CallCenterAgentUnavailableCode](),
		ExternalPreferredAudioCodec: ocixml.Ptr(datatypes.AudioFileCodec22G711)})
	g = get[*callcenter.GroupCallCenterGetInstanceResponse22](s, &callcenter.GroupCallCenterGetInstanceRequest22{ServiceUserID: id})
	p = g.ServiceInstanceProfile
	if p.Name != "Support" || p.PhoneNumber != nil || sv(p.Extension) != "555" || p.Department != nil || len(p.Alias) != 0 ||
		g.Type != "Standard" || g.RoutingType != nil || g.Policy != "Uniform" || g.QueueLength != 3 || g.WrapUpSeconds != nil ||
		g.AgentUnavailableCode != nil || g.ExternalPreferredAudioCodec != "G711" || g.EscapeDigit != "9" || !g.EnableVideo {
		t.Fatalf("after modify %+v / %+v", g, p)
	}
	// The instance password changes through the profile. No command reads
	// a password back, and virtual users do not log in, so look at the
	// stored digest.
	s.ok(&callcenter.GroupCallCenterModifyInstanceRequest22{ServiceUserID: id,
		ServiceInstanceProfile: &datatypes.ServiceInstanceModifyProfile{Password: ocixml.Ptr(datatypes.Password("New-center-pw-2"))}})
	err := w.h.st.View(context.Background(), func(tx store.Tx) error {
		u, err := tx.GetUser(ccUser("p1"))
		if err == nil && u.PasswordSHA1 != provisioning.SHA1Hex("New-center-pw-2") {
			t.Errorf("password digest not changed")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// Delete: gone from get and list; the number is free for a new one.
	s.ok(&callcenter.GroupCallCenterDeleteInstanceRequest{ServiceUserID: id})
	s.fails(&callcenter.GroupCallCenterGetInstanceRequest22{ServiceUserID: id}, ocip.CodeNotFound)
	if got := ccColumn(list(), "Service User Id"); !slices.Equal(got, []string{ccUser("b1")}) {
		t.Fatalf("list after delete %q", got)
	}
	s.fails(&callcenter.GroupCallCenterDeleteInstanceRequest{ServiceUserID: id}, ocip.CodeNotFound)
}

func TestCallCenterInstanceRules(t *testing.T) {
	w := newCCWorld(t)
	s := w.admin
	s.ok(ccAdd("b1", "Basic"))
	g1 := w.h.login("g1admin", ccPW)
	g2 := w.h.login("g2admin", ccPW)
	ro := w.h.login("roadmin", ccPW)
	cases := []struct {
		name string
		as   *session
		req  func() *callcenter.GroupCallCenterAddInstanceRequest22
		code ocip.ErrorCode
	}{
		{"group not authorized for the type", s, func() *callcenter.GroupCallCenterAddInstanceRequest22 {
			r := ccAdd("x", "Standard")
			r.GroupID = "g2"
			return r
		}, ocip.CodeServiceAssignFailed},
		{"authorized quantity used up", s, func() *callcenter.GroupCallCenterAddInstanceRequest22 {
			s.ok(ccAdd("b2", "Basic")) // the second of two
			return ccAdd("x", "Basic")
		}, ocip.CodeLimitExceeded},
		{"id taken", s, func() *callcenter.GroupCallCenterAddInstanceRequest22 { return ccAdd("a1", "Standard") }, ocip.CodeAlreadyExists},
		{"domain not assigned to the group", s, func() *callcenter.GroupCallCenterAddInstanceRequest22 {
			r := ccAdd("x", "Standard")
			r.ServiceUserID = "x@elsewhere.example"
			return r
		}, ocip.CodeInvalidValue},
		{"number not assigned to the group", s, func() *callcenter.GroupCallCenterAddInstanceRequest22 {
			r := ccAdd("x", "Standard")
			r.ServiceInstanceProfile.PhoneNumber = ocixml.Ptr(datatypes.DN("2025550180"))
			return r
		}, ocip.CodeInvalidValue},
		{"number used by a user", s, func() *callcenter.GroupCallCenterAddInstanceRequest22 {
			r := ccAdd("x", "Standard")
			r.ServiceInstanceProfile.PhoneNumber = ocixml.Ptr(datatypes.DN("2025550101"))
			return r
		}, ocip.CodeInUse},
		{"department of another group", s, func() *callcenter.GroupCallCenterAddInstanceRequest22 {
			r := ccAdd("x", "Standard")
			r.ServiceInstanceProfile.Department = &datatypes.GroupDepartmentKey{ServiceProviderID: ccSP, GroupID: "g2", Name: "Sales"}
			return r
		}, ocip.CodeInvalidValue},
		{"unknown department", s, func() *callcenter.GroupCallCenterAddInstanceRequest22 {
			r := ccAdd("x", "Standard")
			r.ServiceInstanceProfile.Department = &datatypes.GroupDepartmentKey{ServiceProviderID: ccSP, GroupID: "g1", Name: "Nope"}
			return r
		}, ocip.CodeNotFound},
		{"skill based routing on a Standard center", s, func() *callcenter.GroupCallCenterAddInstanceRequest22 {
			r := ccAdd("x", "Standard")
			r.RoutingType = ocixml.Ptr(datatypes.CallCenterRoutingTypeSkillBased)
			return r
		}, ocip.CodeInvalidValue},
		{"administrator of another group", g2, func() *callcenter.GroupCallCenterAddInstanceRequest22 { return ccAdd("x", "Standard") }, ocip.CodeUnauthorized},
		{"read-only administrator", ro, func() *callcenter.GroupCallCenterAddInstanceRequest22 { return ccAdd("x", "Standard") }, ocip.CodeUnauthorized},
		{"plain user", nil, func() *callcenter.GroupCallCenterAddInstanceRequest22 { return ccAdd("x", "Standard") }, ocip.CodeUnauthorized},
		{"the group's administrator may", g1, func() *callcenter.GroupCallCenterAddInstanceRequest22 { return ccAdd("x", "Standard") }, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			as := tc.as
			if as == nil {
				as = w.h.login(ccUser("plain"), ccPW)
			}
			req := tc.req()
			if tc.code == 0 {
				as.ok(req)
				s.ok(&callcenter.GroupCallCenterDeleteInstanceRequest{ServiceUserID: req.ServiceUserID})
				return
			}
			as.fails(req, tc.code)
			// Nothing of a refused add is left behind.
			if req.ServiceUserID != datatypes.UserId(ccUser("a1")) {
				s.fails(&callcenter.GroupCallCenterGetInstanceRequest22{ServiceUserID: req.ServiceUserID}, ocip.CodeNotFound)
			}
		})
	}

	// Deleting an instance gives its unit back.
	s.ok(&callcenter.GroupCallCenterDeleteInstanceRequest{ServiceUserID: datatypes.UserId(ccUser("b2"))})
	s.ok(ccAdd("b3", "Basic"))

	// Modify rules, each leaving the instance as it was.
	s.ok(ccAdd("s1", "Standard"))
	s.ok(ccAgents("s1", "std"))
	id := datatypes.UserId(ccUser("s1"))
	mods := []struct {
		name string
		as   *session
		req  *callcenter.GroupCallCenterModifyInstanceRequest22
		code ocip.ErrorCode
	}{
		{"type without quantity left", s, &callcenter.GroupCallCenterModifyInstanceRequest22{ServiceUserID: id,
			Type: ocixml.Ptr(datatypes.CallCenterTypeBasic)}, ocip.CodeLimitExceeded},
		{"type an agent has no service for", s, &callcenter.GroupCallCenterModifyInstanceRequest22{ServiceUserID: id,
			Type: ocixml.Ptr(datatypes.CallCenterTypePremium), Policy: ocixml.Ptr(datatypes.HuntPolicyRegular)}, ocip.CodeInvalidValue},
		{"skill based routing without Premium", s, &callcenter.GroupCallCenterModifyInstanceRequest22{ServiceUserID: id,
			RoutingType: ocixml.Ptr(datatypes.CallCenterRoutingTypeSkillBased), Policy: ocixml.Ptr(datatypes.HuntPolicyRegular)}, ocip.CodeInvalidValue},
		{"number not in the group", s, &callcenter.GroupCallCenterModifyInstanceRequest22{ServiceUserID: id, Policy: ocixml.Ptr(datatypes.HuntPolicyRegular),
			ServiceInstanceProfile: &datatypes.ServiceInstanceModifyProfile{PhoneNumber: ocixml.Some(datatypes.DN("2025550190"))}}, ocip.CodeInvalidValue},
		{"administrator of another group", g2, &callcenter.GroupCallCenterModifyInstanceRequest22{ServiceUserID: id,
			Policy: ocixml.Ptr(datatypes.HuntPolicyRegular)}, ocip.CodeUnauthorized},
		{"read-only administrator", ro, &callcenter.GroupCallCenterModifyInstanceRequest22{ServiceUserID: id,
			Policy: ocixml.Ptr(datatypes.HuntPolicyRegular)}, ocip.CodeUnauthorized},
		{"unknown instance", s, &callcenter.GroupCallCenterModifyInstanceRequest22{ServiceUserID: "nope@" + ccDomain}, ocip.CodeNotFound},
	}
	for _, tc := range mods {
		t.Run("modify: "+tc.name, func(t *testing.T) {
			tc.as.fails(tc.req, tc.code)
			g := get[*callcenter.GroupCallCenterGetInstanceResponse22](s, &callcenter.GroupCallCenterGetInstanceRequest22{ServiceUserID: id})
			if g.Type != "Standard" || g.Policy != "Circular" || g.ServiceInstanceProfile.PhoneNumber != nil {
				t.Fatalf("refused modify changed the instance: %+v", g)
			}
		})
	}
	// The deprecated Modify19 goes through the same path.
	s.ok(&deprecatedgroup.GroupCallCenterModifyInstanceRequest19{ServiceUserID: id, Policy: ocixml.Ptr(datatypes.HuntPolicySimultaneous)})
	if g := get[*callcenter.GroupCallCenterGetInstanceResponse22](s, &callcenter.GroupCallCenterGetInstanceRequest22{ServiceUserID: id}); g.Policy != "Simultaneous" {
		t.Fatalf("policy %s", g.Policy)
	}
	g2.fails(&callcenter.GroupCallCenterGetInstanceRequest22{ServiceUserID: id}, ocip.CodeUnauthorized)
	g2.fails(&callcenter.GroupCallCenterGetInstanceListRequest{ServiceProviderID: ccSP, GroupID: "g1"}, ocip.CodeUnauthorized)
	g2.fails(&callcenter.GroupCallCenterDeleteInstanceRequest{ServiceUserID: id}, ocip.CodeUnauthorized)
	ro.fails(&callcenter.GroupCallCenterDeleteInstanceRequest{ServiceUserID: id}, ocip.CodeUnauthorized)
	if got := get[*callcenter.GroupCallCenterGetInstanceListResponse](s, &callcenter.GroupCallCenterGetInstanceListRequest{ServiceProviderID: ccSP, GroupID: "g2"}).CallCenterTable; got.Len() != 0 || len(got.Headings) != 9 {
		t.Fatalf("empty list %v", got)
	}
	// A read-only administrator may read.
	get[*callcenter.GroupCallCenterGetInstanceResponse22](ro, &callcenter.GroupCallCenterGetInstanceRequest22{ServiceUserID: id})
}

func TestCallCenterAgentList(t *testing.T) {
	w := newCCWorld(t)
	s := w.admin
	s.ok(ccAdd("s1", "Standard"))
	s.ok(ccAdd("p1", "Premium"))
	s1 := datatypes.UserId(ccUser("s1"))
	agents := func(id datatypes.UserId) ocixml.Table {
		return get[*callcenter.GroupCallCenterGetAgentListResponse](s, &callcenter.GroupCallCenterGetAgentListRequest{ServiceUserID: id}).AgentTable
	}
	tab := agents(s1)
	ccHeadings(t, tab, "User Id", "Last Name", "First Name", "Hiragana Last Name", "Hiragana First Name", "Weight",
		"Phone Number", "Extension", "Department", "Email Address", "Skill Level")
	if tab.Len() != 0 {
		t.Fatalf("new center has agents: %v", tab.Rows())
	}

	s.ok(ccAgents("s1", "a2", "a1", "std"))
	tab = agents(s1)
	if got := ccColumn(tab, "User Id"); !slices.Equal(got, []string{ccUser("a2"), ccUser("a1"), ccUser("std")}) {
		t.Fatalf("agents %q", got)
	}
	if r := tab.Maps()[0]; r["Last Name"] != "Brown" || r["First Name"] != "Bob" || r["Phone Number"] != "+1-2025550102" ||
		r["Email Address"] != "a2@mail.example" || r["Skill Level"] != "" || r["Weight"] != "" {
		t.Fatalf("agent row %v", r)
	}
	// The agent sees the center, joined.
	ag := ccGetAgent(s, "a1")
	ccHeadings(t, ag.CallCenterTable, "Service User Id", "Phone Number", "Extension", "Available", "Logoff Allowed", "Type",
		"Priority", "Routing Policy", "Skill Level")
	if got := ag.CallCenterTable.Maps(); len(got) != 1 || got[0]["Service User Id"] != ccUser("s1") || got[0]["Available"] != "true" ||
		got[0]["Logoff Allowed"] != "true" || got[0]["Type"] != "Standard" {
		t.Fatalf("agent's centers %v", got)
	}

	// Search criteria and size limit.
	crit := get[*callcenter.GroupCallCenterGetAgentListResponse](s, &callcenter.GroupCallCenterGetAgentListRequest{ServiceUserID: s1,
		SearchCriteriaUserLastName: []datatypes.SearchCriteriaUserLastName{{Mode: datatypes.SearchModeStartsWith, Value: "b", IsCaseInsensitive: true}}}).AgentTable
	if got := ccColumn(crit, "User Id"); !slices.Equal(got, []string{ccUser("a2")}) {
		t.Fatalf("criteria %q", got)
	}
	dn := get[*callcenter.GroupCallCenterGetAgentListResponse](s, &callcenter.GroupCallCenterGetAgentListRequest{ServiceUserID: s1,
		SearchCriteriaDn: []datatypes.SearchCriteriaDn{{Mode: datatypes.SearchModeEqualTo, Value: "2025550101"}}}).AgentTable
	if got := ccColumn(dn, "User Id"); !slices.Equal(got, []string{ccUser("a1")}) {
		t.Fatalf("dn criteria %q", got)
	}
	lim := get[*callcenter.GroupCallCenterGetAgentListResponse](s, &callcenter.GroupCallCenterGetAgentListRequest{ServiceUserID: s1,
		ResponseSizeLimit: ocixml.Ptr(datatypes.ResponseSizeLimit(2))}).AgentTable
	if lim.Len() != 2 {
		t.Fatalf("limit: %d rows", lim.Len())
	}

	// Refusals leave the list as it was.
	before := ccColumn(agents(s1), "User Id")
	g2 := w.h.login("g2admin", ccPW)
	refusals := []struct {
		name string
		as   *session
		req  *callcenter.GroupCallCenterModifyAgentListRequest
		code ocip.ErrorCode
	}{
		{"agent without a call center service", s, ccAgents("s1", "a1", "plain"), ocip.CodeInvalidValue},
		{"agent of another group", s, ccAgents("s1", "a1", "other"), ocip.CodeInvalidValue},
		{"unknown agent", s, ccAgents("s1", "a1", "ghost"), ocip.CodeUserNotFound},
		{"agent listed twice", s, ccAgents("s1", "a1", "a1"), ocip.CodeInvalidValue},
		{"Standard agent in a Premium center", s, ccAgents("p1", "std"), ocip.CodeInvalidValue},
		{"skill levels on a Standard center", s, &callcenter.GroupCallCenterModifyAgentListRequest{ServiceUserID: s1,
			SkilledAgentUserIDList: []callcenter.CallCenterReplacementSkilledAgents{{SkillLevel: 3,
				Agents: ocixml.Some(datatypes.ReplacementUserIdList{UserID: []datatypes.UserId{datatypes.UserId(ccUser("a1"))}})}}}, ocip.CodeInvalidValue},
		{"administrator of another group", g2, ccAgents("s1", "a1"), ocip.CodeUnauthorized},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			tc.as.fails(tc.req, tc.code)
			if got := ccColumn(agents(s1), "User Id"); !slices.Equal(got, before) {
				t.Fatalf("refused change altered the list: %q", got)
			}
		})
	}
	g2.fails(&callcenter.GroupCallCenterGetAgentListRequest{ServiceUserID: s1}, ocip.CodeUnauthorized)

	// Premium: skill levels per level, other levels kept.
	p1 := datatypes.UserId(ccUser("p1"))
	s.ok(ccAgents("p1", "a1", "a2"))
	s.ok(&callcenter.GroupCallCenterModifyAgentListRequest{ServiceUserID: p1,
		SkilledAgentUserIDList: []callcenter.CallCenterReplacementSkilledAgents{{SkillLevel: 5,
			Agents: ocixml.Some(datatypes.ReplacementUserIdList{UserID: []datatypes.UserId{datatypes.UserId(ccUser("a3")), datatypes.UserId(ccUser("a2"))}})}}})
	pt := agents(p1)
	if got := ccColumn(pt, "User Id"); !slices.Equal(got, []string{ccUser("a1"), ccUser("a3"), ccUser("a2")}) {
		t.Fatalf("skilled agents %q", got)
	}
	if got := ccColumn(pt, "Skill Level"); !slices.Equal(got, []string{"1", "5", "5"}) {
		t.Fatalf("skill levels %q", got)
	}
	exact := get[*callcenter.GroupCallCenterGetAgentListResponse](s, &callcenter.GroupCallCenterGetAgentListRequest{ServiceUserID: p1,
		SearchCriteriaExactSkillLevel: &datatypes.SearchCriteriaExactSkillLevel{SkillLevel: 5}}).AgentTable
	if exact.Len() != 2 {
		t.Fatalf("exact skill: %v", exact.Rows())
	}
	// A nil level list empties that level only.
	s.ok(&callcenter.GroupCallCenterModifyAgentListRequest{ServiceUserID: p1,
		SkilledAgentUserIDList: []callcenter.CallCenterReplacementSkilledAgents{{SkillLevel: 5, Agents: ocixml.Null[datatypes.ReplacementUserIdList]()}}})
	if got := ccColumn(agents(p1), "User Id"); !slices.Equal(got, []string{ccUser("a1")}) {
		t.Fatalf("after emptying level 5: %q", got)
	}

	// Deleting an instance takes it off its agents' lists.
	s.ok(ccAgents("p1", "a1"))
	if got := ccColumn(ccGetAgent(s, "a1").CallCenterTable, "Service User Id"); !slices.Equal(got, []string{ccUser("p1"), ccUser("s1")}) {
		t.Fatalf("a1 centers %q", got)
	}
	s.ok(&callcenter.GroupCallCenterDeleteInstanceRequest{ServiceUserID: p1})
	if got := ccColumn(ccGetAgent(s, "a1").CallCenterTable, "Service User Id"); !slices.Equal(got, []string{ccUser("s1")}) {
		t.Fatalf("a1 centers after delete %q", got)
	}

	// A nil list clears.
	s.ok(&callcenter.GroupCallCenterModifyAgentListRequest{ServiceUserID: s1, AgentUserIDList: ocixml.Null[datatypes.ReplacementUserIdList]()})
	if tab := agents(s1); tab.Len() != 0 || len(tab.Headings) != 11 {
		t.Fatalf("cleared list %v", tab.Rows())
	}
	if ag := ccGetAgent(s, "a1"); ag.CallCenterTable.Len() != 0 {
		t.Fatalf("a1 still in %v", ag.CallCenterTable.Rows())
	}
}

func TestCallCenterSupervisorList(t *testing.T) {
	w := newCCWorld(t)
	s := w.admin
	s.ok(ccAdd("s1", "Standard"))
	id := datatypes.UserId(ccUser("s1"))
	sups := func() ocixml.Table {
		return get[*callcenter.GroupCallCenterGetSupervisorListResponse16](s, &callcenter.GroupCallCenterGetSupervisorListRequest16{ServiceUserID: id}).SupervisorTable
	}
	ccHeadings(t, sups(), "User Id", "Last Name", "First Name", "Hiragana Last Name", "Hiragana First Name",
		"Phone Number", "Extension", "Department", "Email Address")
	set := func(ids ...string) *callcenter.GroupCallCenterModifySupervisorListRequest16 {
		l := make([]datatypes.UserId, len(ids))
		for i, x := range ids {
			l[i] = datatypes.UserId(ccUser(x))
		}
		return &callcenter.GroupCallCenterModifySupervisorListRequest16{ServiceUserID: id, SupervisorUserIDList: ocixml.Some(datatypes.ReplacementUserIdList{UserID: l})}
	}
	s.ok(set("sup", "a1"))
	tab := sups()
	if got := tab.Rows(); len(got) != 2 || !slices.Equal(got[0], []string{ccUser("sup"), "Super", "Sue", "", "", "", "", "", "sup@mail.example"}) ||
		got[1][0] != ccUser("a1") || got[1][5] != "+1-2025550101" {
		t.Fatalf("supervisors %q", got)
	}
	cases := []struct {
		name string
		as   *session
		req  *callcenter.GroupCallCenterModifySupervisorListRequest16
		code ocip.ErrorCode
	}{
		{"user of another group", s, set("other"), ocip.CodeInvalidValue},
		{"unknown user", s, set("ghost"), ocip.CodeUserNotFound},
		{"administrator of another group", w.h.login("g2admin", ccPW), set("sup"), ocip.CodeUnauthorized},
		{"read-only administrator", w.h.login("roadmin", ccPW), set("sup"), ocip.CodeUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.as.fails(tc.req, tc.code)
			if got := ccColumn(sups(), "User Id"); !slices.Equal(got, []string{ccUser("sup"), ccUser("a1")}) {
				t.Fatalf("refused change altered the list: %q", got)
			}
		})
	}
	// Absent list: nothing changes; nil: cleared.
	s.ok(&callcenter.GroupCallCenterModifySupervisorListRequest16{ServiceUserID: id})
	if tab := sups(); tab.Len() != 2 {
		t.Fatal("absent list changed the supervisors")
	}
	s.ok(&callcenter.GroupCallCenterModifySupervisorListRequest16{ServiceUserID: id, SupervisorUserIDList: ocixml.Null[datatypes.ReplacementUserIdList]()})
	if tab := sups(); tab.Len() != 0 {
		t.Fatal("nil list did not clear")
	}
}

func TestCallCenterAgentSettings(t *testing.T) {
	w := newCCWorld(t)
	s := w.admin
	s.ok(ccAdd("s1", "Standard"))
	s.ok(ccAdd("p1", "Premium"))
	s.ok(&callcenter.GroupCallCenterModifyInstanceRequest22{ServiceUserID: datatypes.UserId(ccUser("p1")),
		RoutingType: ocixml.Ptr(datatypes.CallCenterRoutingTypeSkillBased), AllowAgentLogoff: ocixml.Ptr(false)})
	s.ok(ccAgents("s1", "a1"))
	s.ok(ccAgents("p1", "a1"))

	// Defaults of an agent never changed.
	g := ccGetAgent(s, "a1")
	if sv(g.AgentACDState) != "Sign-Out" || g.AgentUnavailableCode != nil || !g.UseDefaultGuardTimer || g.EnableGuardTimer ||
		g.GuardTimerSeconds != 5 || !*g.UseSystemDefaultUnavailableSettings || *g.ForceAgentUnavailableOnDNDActivation {
		t.Fatalf("defaults %+v", g)
	}

	// Unavailable with a code; the agent itself may do it.
	me := w.h.login(ccUser("a1"), ccPW)
	me.ok(&callcenter.UserCallCenterModifyRequest19{UserID: datatypes.UserId(ccUser("a1")),
		AgentACDState: ocixml.Ptr(datatypes.AgentACDStateUnavailable), AgentUnavailableCode: ocixml.Some(datatypes.CallCenterAgentUnavailableCode("LUNCH")),
		UseDefaultGuardTimer: ocixml.Ptr(false), EnableGuardTimer: ocixml.Ptr(true), GuardTimerSeconds: ocixml.Ptr(datatypes.CallCenterGuardTimerSeconds(12)),
		ForceAgentUnavailableOnDNDActivation: ocixml.Ptr(true), NumberConsecutiveBouncedCallsToForceAgentUnavailable: ocixml.Ptr(datatypes.CallCenterConsecutiveBouncedCallsToForceAgentUnavailable(4)),
		WrapUpDestination:       ocixml.Some(datatypes.OutgoingDNorSIPURI("2025550149")),
		CallCenterAgentSettings: []callcenter.CallCenterAgentSettings{{ServiceUserID: datatypes.UserId(ccUser("s1")), Available: ocixml.Ptr(false)}}})
	g = ccGetAgent(me, "a1")
	if sv(g.AgentACDState) != "Unavailable" || sv(g.AgentUnavailableCode) != "LUNCH" || g.UseDefaultGuardTimer || !g.EnableGuardTimer ||
		g.GuardTimerSeconds != 12 || !*g.ForceAgentUnavailableOnDNDActivation || *g.NumberConsecutiveBouncedCallsToForceAgentUnavailable != 4 ||
		sv(g.WrapUpDestination) != "2025550149" {
		t.Fatalf("after modify %+v", g)
	}
	rows := g.CallCenterTable.Maps()
	if len(rows) != 2 || rows[0]["Service User Id"] != ccUser("p1") || rows[0]["Available"] != "true" || rows[0]["Logoff Allowed"] != "false" ||
		rows[0]["Routing Policy"] != "Skill Based" || rows[0]["Skill Level"] != "1" ||
		rows[1]["Service User Id"] != ccUser("s1") || rows[1]["Available"] != "false" || rows[1]["Routing Policy"] != "" || rows[1]["Skill Level"] != "" {
		t.Fatalf("centers %v", rows)
	}
	// Older Get versions read the same record.
	old := get[*deprecateduser.UserCallCenterGetResponse17sp4](s, &deprecateduser.UserCallCenterGetRequest17sp4{UserID: datatypes.UserId(ccUser("a1"))})
	if sv(old.AgentUnavailableCode) != "LUNCH" || old.GuardTimerSeconds != 12 || old.CallCenterTable.Len() != 2 || len(old.CallCenterTable.Headings) != 7 {
		t.Fatalf("17sp4 %+v", old)
	}
	legacy := get[*deprecateduser.UserCallCenterGetResponse](s, &deprecateduser.UserCallCenterGetRequest{UserID: datatypes.UserId(ccUser("a1"))})
	if sv(legacy.AgentACDState) != "Unavailable" || legacy.UserTable == nil || legacy.UserTable.Get(1, "Available") != "false" {
		t.Fatalf("legacy %+v", legacy)
	}

	// Leaving Unavailable clears the code; nil clears a setting.
	s.ok(&callcenter.UserCallCenterModifyRequest19{UserID: datatypes.UserId(ccUser("a1")), AgentACDState: ocixml.Ptr(datatypes.AgentACDStateAvailable),
		WrapUpDestination: ocixml.Null[datatypes.OutgoingDNorSIPURI]()})
	g = ccGetAgent(s, "a1")
	if sv(g.AgentACDState) != "Available" || g.AgentUnavailableCode != nil || g.WrapUpDestination != nil || g.GuardTimerSeconds != 12 {
		t.Fatalf("after Available %+v", g)
	}
	// An administrator sets a skill level in a Premium center.
	s.ok(&callcenter.UserCallCenterModifyRequest19{UserID: datatypes.UserId(ccUser("a1")),
		CallCenterAgentSettings: []callcenter.CallCenterAgentSettings{{ServiceUserID: datatypes.UserId(ccUser("p1")), SkillLevel: ocixml.Ptr(datatypes.CallCenterAgentSkillLevel(7))}}})
	if got := ccGetAgent(s, "a1").CallCenterTable.Get(0, "Skill Level"); got != "7" {
		t.Fatalf("skill %q", got)
	}
	// The deprecated modify joins through the same path.
	s.ok(&deprecateduser.UserCallCenterModifyRequest17sp4{UserID: datatypes.UserId(ccUser("a1")),
		CallCenterAvailability: []callcenter.CallCenterAgentAvailability{{ServiceUserID: datatypes.UserId(ccUser("s1")), Available: true}}})
	if got := ccGetAgent(s, "a1").CallCenterTable.Get(1, "Available"); got != "true" {
		t.Fatalf("rejoin %q", got)
	}

	cases := []struct {
		name string
		as   func() *session
		req  ocixml.Command
		code ocip.ErrorCode
	}{
		{"another plain user", func() *session { return w.h.login(ccUser("a2"), ccPW) }, ccState("a1", "Sign-Out"), ocip.CodeUnauthorized},
		{"administrator of another group", func() *session { return w.h.login("g2admin", ccPW) }, ccState("a1", "Sign-Out"), ocip.CodeUnauthorized},
		{"read-only administrator", func() *session { return w.h.login("roadmin", ccPW) }, ccState("a1", "Sign-Out"), ocip.CodeUnauthorized},
		{"an agent grading itself", func() *session { return me }, &callcenter.UserCallCenterModifyRequest19{UserID: datatypes.UserId(ccUser("a1")),
			CallCenterAgentSettings: []callcenter.CallCenterAgentSettings{{ServiceUserID: datatypes.UserId(ccUser("p1")), SkillLevel: ocixml.Ptr(datatypes.CallCenterAgentSkillLevel(20))}}},
			ocip.CodeUnauthorized},
		{"skill level in a Standard center", func() *session { return s }, &callcenter.UserCallCenterModifyRequest19{UserID: datatypes.UserId(ccUser("a1")),
			CallCenterAgentSettings: []callcenter.CallCenterAgentSettings{{ServiceUserID: datatypes.UserId(ccUser("s1")), SkillLevel: ocixml.Ptr(datatypes.CallCenterAgentSkillLevel(2))}}},
			ocip.CodeInvalidValue},
		{"a code outside Unavailable", func() *session { return s }, &callcenter.UserCallCenterModifyRequest19{UserID: datatypes.UserId(ccUser("a1")),
			AgentUnavailableCode: ocixml.Some(datatypes.CallCenterAgentUnavailableCode("BREAK"))}, ocip.CodeInvalidValue},
		{"a center the agent is not in", func() *session { return s }, ccState("a1", "Sign-Out", "nowhere"), ocip.CodeNotFound},
		{"an agent threshold profile", func() *session { return s }, &callcenter.UserCallCenterModifyRequest19{UserID: datatypes.UserId(ccUser("a1")),
			AgentThresholdProfileName: ocixml.Ptr(datatypes.CallCenterAgentThresholdProfileName("Gold"))}, ocip.CodeNotFound},
		{"a user without a call center service", func() *session { return s }, ccState("plain", "Available"), ocip.CodeInvalidValue},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.as().fails(tc.req, tc.code)
			g := ccGetAgent(s, "a1")
			if sv(g.AgentACDState) != "Available" || g.CallCenterTable.Get(0, "Skill Level") != "7" || g.CallCenterTable.Get(1, "Available") != "true" {
				t.Fatalf("refused modify changed the agent: %+v %v", g, g.CallCenterTable.Rows())
			}
		})
	}
	w.h.login(ccUser("a2"), ccPW).fails(&callcenter.UserCallCenterGetRequest23{UserID: datatypes.UserId(ccUser("a1"))}, ocip.CodeUnauthorized)
	s.fails(&callcenter.UserCallCenterGetRequest23{UserID: datatypes.UserId(ccUser("plain"))}, ocip.CodeInvalidValue)
}

package ocipserver

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
)

// orgGroupWorld is a system with two SPs (sp1 holding example.com and
// two.example.com, sp2 example.com) and an empty third domain.
func orgGroupWorld(t *testing.T) (*harness, *session) {
	h := newHarness(t)
	s := h.admin()
	for _, d := range []string{"example.com", "two.example.com", "three.example.com"} {
		orgAddDomain(s, d)
	}
	orgAddSP(s, "sp1", "example.com", false)
	orgAddSP(s, "sp2", "example.com", true)
	s.ok(&provider.ServiceProviderDomainAssignListRequest{ServiceProviderID: "sp1", Domain: []datatypes.NetAddress{"two.example.com"}})
	return h, s
}

func orgGroupGet(sp, g string) *group.GroupGetRequest22V5 {
	return &group.GroupGetRequest22V5{ServiceProviderID: ptr(datatypes.ServiceProviderId(sp)), GroupID: ptr(datatypes.GroupId(g))}
}

func orgAddUser(h *harness, sp, g, id, ext string) {
	h.t.Helper()
	err := h.core.AddUser(context.Background(), orgSysActor, provisioning.UserAdd{Password: "User-pass-w0rd", User: store.User{
		ID: id, SPID: sp, GroupID: g, LastName: "Last", FirstName: "First", CLIDLastName: "Last", CLIDFirstName: "First", Extension: ext}})
	if err != nil {
		h.t.Fatalf("add user %s: %v", id, err)
	}
}

func TestGroupAddAndGetVersions(t *testing.T) {
	h, s := orgGroupWorld(t)
	add := orgGroupAdd("sp1", "g1", "example.com", 25)
	add.CallingLineIDName = ptr(datatypes.GroupCallingLineIdName("Group One"))
	add.LocationDialingCode = ptr(datatypes.LocationDialingCode("44"))
	add.Contact = &datatypes.Contact{ContactName: ocixml.Some(datatypes.ContactContactName("Bob"))}
	add.Address = &datatypes.StreetAddress{AddressLine1: ocixml.Some(datatypes.StreetAddressAddressLine1("1 Main St"))}
	add.ServicePolicy = ptr(datatypes.ServicePolicyName("ignored in AS mode"))
	s.ok(add)
	paris := orgGroupAdd("sp1", "g2", "two.example.com", 1)
	paris.TimeZone = ptr(datatypes.TimeZone("Europe/Paris"))
	s.ok(paris)

	g := get[*group.GroupGetResponse22V5](s, orgGroupGet("sp1", "g1"))
	want := group.GroupGetResponse22V5{DefaultDomain: "example.com", UserLimit: 25, UserCount: 0, TimeZone: provisioning.DefaultTimeZone,
		TimeZoneDisplayName: "(GMT-05:00) America/New_York", ServiceProviderID: "sp1", GroupID: "g1"}
	if g.DefaultDomain != want.DefaultDomain || g.UserLimit != want.UserLimit || g.UserCount != 0 || g.TimeZone != want.TimeZone ||
		g.TimeZoneDisplayName != want.TimeZoneDisplayName || g.ServiceProviderID != "sp1" || g.GroupID != "g1" {
		t.Fatalf("required elements: %+v", g)
	}
	if sv(g.GroupName) != "g1 name" || sv(g.CallingLineIDName) != "Group One" || sv(g.LocationDialingCode) != "44" || g.ResellerID != nil {
		t.Errorf("optional elements: %+v", g)
	}
	if n, _ := g.Contact.ContactName.Get(); n != "Bob" {
		t.Errorf("contact %+v", g.Contact)
	}
	if l, _ := g.Address.AddressLine1.Get(); l != "1 Main St" {
		t.Errorf("address %+v", g.Address)
	}
	if g := get[*group.GroupGetResponse22V5](s, orgGroupGet("sp1", "g2")); g.TimeZoneDisplayName != "(GMT+01:00) Europe/Paris" {
		t.Errorf("Paris display name %q", g.TimeZoneDisplayName)
	}

	// userCount counts users (not service instances).
	orgAddUser(h, "sp1", "g1", "u1@example.com", "")
	orgAddUser(h, "sp1", "g1", "u2@example.com", "")
	if g := get[*group.GroupGetResponse22V5](s, orgGroupGet("sp1", "g1")); g.UserCount != 2 {
		t.Errorf("userCount %d", g.UserCount)
	}

	// Every older version answers from the same record in its own shape.
	for _, tc := range []struct {
		req  ocixml.Command
		read func(ocixml.Command) (datatypes.NetAddress, int32, datatypes.TimeZone)
	}{
		{&deprecatedgroup.GroupGetRequest{ServiceProviderID: "sp1", GroupID: "g1"}, func(c ocixml.Command) (datatypes.NetAddress, int32, datatypes.TimeZone) {
			r := c.(*deprecatedgroup.GroupGetResponse)
			return r.DefaultDomain, r.UserCount, r.TimeZone
		}},
		{&deprecatedgroup.GroupGetRequest14sp7{ServiceProviderID: "sp1", GroupID: "g1"}, func(c ocixml.Command) (datatypes.NetAddress, int32, datatypes.TimeZone) {
			r := c.(*deprecatedgroup.GroupGetResponse14sp7)
			return r.DefaultDomain, r.UserCount, r.TimeZone
		}},
		{&deprecatedgroup.GroupGetRequest22{ServiceProviderID: "sp1", GroupID: "g1"}, func(c ocixml.Command) (datatypes.NetAddress, int32, datatypes.TimeZone) {
			r := c.(*deprecatedgroup.GroupGetResponse22)
			return r.DefaultDomain, r.UserCount, r.TimeZone
		}},
		{&deprecatedgroup.GroupGetRequest22V2{ServiceProviderID: "sp1", GroupID: "g1"}, func(c ocixml.Command) (datatypes.NetAddress, int32, datatypes.TimeZone) {
			r := c.(*deprecatedgroup.GroupGetResponse22V2)
			return r.DefaultDomain, r.UserCount, r.TimeZone
		}},
		{&deprecatedgroup.GroupGetRequest22V3{ServiceProviderID: "sp1", GroupID: "g1"}, func(c ocixml.Command) (datatypes.NetAddress, int32, datatypes.TimeZone) {
			r := c.(*deprecatedgroup.GroupGetResponse22V3)
			return r.DefaultDomain, r.UserCount, r.TimeZone
		}},
		{&deprecatedgroup.GroupGetRequest22V4{ServiceProviderID: "sp1", GroupID: "g1"}, func(c ocixml.Command) (datatypes.NetAddress, int32, datatypes.TimeZone) {
			r := c.(*deprecatedgroup.GroupGetResponse22V4)
			return r.DefaultDomain, r.UserCount, r.TimeZone
		}},
	} {
		r := s.one(tc.req)
		if _, isErr := r.(*core.ErrorResponse); isErr {
			t.Fatalf("%s: %s", tc.req.XSIType(), describe(r))
		}
		if d, n, tz := tc.read(r); d != "example.com" || n != 2 || tz != provisioning.DefaultTimeZone {
			t.Errorf("%s: %q %d %q", tc.req.XSIType(), d, n, tz)
		}
	}
	s.fails(orgGroupGet("sp1", "nope"), ocip.CodeNotFound)
	s.fails(&deprecatedgroup.GroupGetRequest22V4{ServiceProviderID: "sp1", GroupID: "nope"}, ocip.CodeNotFound)
}

func TestGroupAddRules(t *testing.T) {
	_, s := orgGroupWorld(t)
	orgAddGroup(s, "sp1", "g1", "example.com", 5)
	withTZ := orgGroupAdd("sp1", "tz", "example.com", 5)
	withTZ.TimeZone = ptr(datatypes.TimeZone("Mars/Olympus_Mons"))
	for _, tc := range []struct {
		name string
		req  *deprecatedgroup.GroupAddRequest
		code ocip.ErrorCode
	}{
		{"default domain not on the SP", orgGroupAdd("sp1", "g2", "three.example.com", 5), ocip.CodeInvalidValue},
		{"default domain unknown", orgGroupAdd("sp1", "g2", "nowhere.example", 5), ocip.CodeInvalidValue},
		{"domain of another SP only", orgGroupAdd("sp2", "g2", "two.example.com", 5), ocip.CodeInvalidValue},
		{"duplicate in the SP", orgGroupAdd("sp1", "g1", "example.com", 5), ocip.CodeAlreadyExists},
		{"unknown SP", orgGroupAdd("nope", "g2", "example.com", 5), ocip.CodeNotFound},
		{"user limit 0", orgGroupAdd("sp1", "g2", "example.com", 0), ocip.CodeValidation},
		{"user limit above 999999", orgGroupAdd("sp1", "g2", "example.com", 1000000), ocip.CodeValidation},
		{"unknown time zone", withTZ, ocip.CodeInvalidValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := orgIn(t, s)
			s.fails(tc.req, tc.code)
			if tc.req.ServiceProviderID != "nope" && tc.req.GroupID != "g1" {
				s.fails(orgGroupGet(string(tc.req.ServiceProviderID), string(tc.req.GroupID)), ocip.CodeNotFound)
			}
		})
	}
	// The bounds themselves are fine, and a group id is unique per SP only.
	orgAddGroup(s, "sp1", "min", "example.com", 1)
	orgAddGroup(s, "sp1", "max", "example.com", 999999)
	orgAddGroup(s, "sp2", "g1", "example.com", 5)
	if g := get[*group.GroupGetResponse22V5](s, orgGroupGet("sp1", "max")); g.UserLimit != 999999 {
		t.Errorf("user limit %d", g.UserLimit)
	}
}

func orgConsolidatedGroup(sp, id string) *group.GroupConsolidatedAddRequest22 {
	return &group.GroupConsolidatedAddRequest22{ServiceProviderID: ptr(datatypes.ServiceProviderId(sp)), GroupID: ptr(datatypes.GroupId(id)),
		DefaultDomain: "example.com", UserLimit: 10, GroupName: ptr(datatypes.GroupName("Consolidated"))}
}

func TestGroupConsolidatedAdd(t *testing.T) {
	h, s := orgGroupWorld(t)
	ctx := context.Background()
	unlimited := &datatypes.UnboundedPositiveInt{Unlimited: true}
	s.ok(&provider.ServiceProviderConsolidatedAddRequest{IsEnterprise: true, ServiceProviderID: ptr(datatypes.ServiceProviderId("ent")),
		DefaultDomain: "example.com", Domain: []datatypes.NetAddress{"two.example.com"},
		UserServiceAuthorization:  []datatypes.UserServiceAuthorization{{ServiceName: datatypes.UserServiceCallForwardingAlways, AuthorizedQuantity: unlimited}},
		GroupServiceAuthorization: []datatypes.GroupServiceAuthorization{{ServiceName: datatypes.GroupServiceMusicOnHold, AuthorizedQuantity: unlimited}},
		ServicePack: []datatypes.ServicePack{{ServicePackName: "Basic", IsAvailableForUse: true, ServicePackQuantity: *unlimited,
			ServiceName: []datatypes.UserService{datatypes.UserServiceCallForwardingAlways}}},
		PhoneNumber: []datatypes.DN{"2025550100", "2025550101"},
	})
	if err := h.core.AddSPNumbers(ctx, orgSysActor, "sp1", provisioning.NumberSet{Numbers: []string{"2025550199"}}); err != nil {
		t.Fatal(err)
	}

	req := orgConsolidatedGroup("ent", "g1")
	req.GroupExternalID = ptr(datatypes.ExternalId("ext-g1"))
	req.Domain = []datatypes.NetAddress{"two.example.com"}
	req.Admin = []datatypes.GroupAdmin{{UserID: "g1admin", LastName: ptr(datatypes.LastName("Admin")), Password: ptr(datatypes.Password(orgPW))}}
	req.MinExtensionLength, req.MaxExtensionLength, req.DefaultExtensionLength = ptr(datatypes.ExtensionLength(3)), ptr(datatypes.ExtensionLength(6)), ptr(datatypes.ExtensionLength(4))
	req.GroupServiceAuthorizationAndAssignment = []datatypes.GroupServiceAuthorizationAndAssignment{{ServiceName: datatypes.GroupServiceMusicOnHold, Assign: true}}
	req.UserServiceAuthorization = []datatypes.UserServiceAuthorization{{ServiceName: datatypes.UserServiceCallForwardingAlways,
		AuthorizedQuantity: &datatypes.UnboundedPositiveInt{Quantity: ptr(datatypes.UnboundedPositiveIntQuantity(7))}}}
	req.ServicePackAuthorization = []datatypes.ServicePackAuthorization{{ServicePackName: "Basic", AuthorizedQuantity: unlimited}}
	req.ActivatablePhoneNumber = []datatypes.ActivatableDN{{DN: "2025550100", Activate: ptr(true)}, {DN: "2025550150"}}
	req.ActivatableDNRange = []datatypes.ActivatableDNRange{{MinPhoneNumber: "2025550160", MaxPhoneNumber: "2025550161", Activate: ptr(true)}}
	s.ok(req)

	g := get[*group.GroupGetResponse22V5](s, &group.GroupGetRequest22V5{GroupExternalID: ptr(datatypes.ExternalId("ext-g1"))})
	if g.GroupID != "g1" || g.ServiceProviderID != "ent" || g.UserLimit != 10 || sv(g.GroupExternalID) != "ext-g1" {
		t.Fatalf("get by external id: %+v", g)
	}
	d := get[*group.GroupDomainGetAssignedListResponse](s, &group.GroupDomainGetAssignedListRequest{ServiceProviderID: "ent", GroupID: "g1"})
	if d.GroupDefaultDomain != "example.com" || !slices.Equal(d.Domain, []datatypes.NetAddress{"example.com", "two.example.com"}) {
		t.Errorf("domains %+v", d)
	}
	nums, err := h.core.GroupNumbers(ctx, orgSysActor, "ent", "g1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range nums {
		got = append(got, n.DN.Number+":"+map[bool]string{true: "on", false: "off"}[n.DN.Activated])
	}
	// 2025550150 and the range were not on the SP: added to it and the group.
	if want := []string{"+1-2025550100:on", "+1-2025550150:off", "+1-2025550160:on", "+1-2025550161:on"}; !slices.Equal(got, want) {
		t.Errorf("group numbers %v, want %v", got, want)
	}
	auths, err := h.core.GroupAuthorizations(ctx, orgSysActor, "ent", "g1")
	if err != nil {
		t.Fatal(err)
	}
	qty := map[string]int{}
	for _, a := range auths {
		if a.Authorized {
			qty[a.Name] = a.Quantity
		}
	}
	if qty["Music On Hold"] != store.Unlimited || qty["Call Forwarding Always"] != 7 || qty["Basic"] != store.Unlimited {
		t.Errorf("group authorizations %v", qty)
	}
	ga := h.login("g1admin", orgPW)
	get[*group.GroupGetResponse22V5](ga, orgGroupGet("ent", "g1"))
	// Extension lengths took effect: a 2-digit extension is refused.
	if err := h.core.AddUser(ctx, orgSysActor, provisioning.UserAdd{Password: "User-pass-w0rd", User: store.User{ID: "u@example.com", SPID: "ent", GroupID: "g1",
		LastName: "L", FirstName: "F", CLIDLastName: "L", CLIDFirstName: "F", Extension: "12"}}); err == nil {
		t.Error("an extension shorter than the group minimum was accepted")
	}

	// Numbers that fail validation come back in GroupConsolidatedAddResponse22;
	// the group and the good numbers are added.
	dn := orgConsolidatedGroup("ent", "g2")
	dn.ActivatablePhoneNumber = []datatypes.ActivatableDN{{DN: "2025550101"}, {DN: "2025550199"}, {DN: "2025550100"}, {DN: "2025550170"}, {DN: "2025550170"}}
	dn.ActivatableDNRange = []datatypes.ActivatableDNRange{{MinPhoneNumber: "2025550190", MaxPhoneNumber: "2025550180"}}
	resp := get[*group.GroupConsolidatedAddResponse22](s, dn)
	status := map[string]datatypes.DNValidationStatus{}
	for _, e := range resp.DnValidationError {
		status[string(e.Dn)] = e.Status
		if e.Summary == nil || !strings.HasPrefix(*e.Summary, "[Error ") || e.MessageCode == nil {
			t.Errorf("message for %s: %+v", e.Dn, e)
		}
	}
	wantStatus := map[string]datatypes.DNValidationStatus{
		"2025550199":              datatypes.DNValidationStatusDuplicate,       // another SP's
		"2025550100":              datatypes.DNValidationStatusUnavailable,     // on g1
		"2025550170":              datatypes.DNValidationStatusDuplicateInList, // listed twice
		"2025550190 - 2025550180": datatypes.DNValidationStatusInvalid,         // reversed range
	}
	if len(status) != len(wantStatus) {
		t.Errorf("dn errors %v", status)
	}
	for k, v := range wantStatus {
		if status[k] != v {
			t.Errorf("%s: status %q, want %q (all: %v)", k, status[k], v, status)
		}
	}
	nums, _ = h.core.GroupNumbers(ctx, orgSysActor, "ent", "g2")
	got = nil
	for _, n := range nums {
		got = append(got, n.DN.Number)
	}
	if !slices.Equal(got, []string{"+1-2025550101", "+1-2025550170"}) {
		t.Errorf("g2 numbers %v", got)
	}

	// Anything else is all-or-nothing: an ErrorResponse and no group.
	for _, tc := range []struct {
		name string
		edit func(*group.GroupConsolidatedAddRequest22)
		code ocip.ErrorCode
	}{
		{"second domain not on the SP", func(r *group.GroupConsolidatedAddRequest22) {
			r.Domain = []datatypes.NetAddress{"two.example.com", "three.example.com"}
		}, ocip.CodeInvalidValue},
		{"admin id taken", func(r *group.GroupConsolidatedAddRequest22) {
			r.Admin = []datatypes.GroupAdmin{{UserID: "g1admin", Password: ptr(datatypes.Password(orgPW))}}
		}, ocip.CodeAlreadyExists},
		{"service not authorized to the SP", func(r *group.GroupConsolidatedAddRequest22) {
			r.UserServiceAuthorization = []datatypes.UserServiceAuthorization{{ServiceName: datatypes.UserServiceAuthentication, AuthorizedQuantity: unlimited}}
		}, ocip.CodeServiceAssignFailed},
		{"unknown pack", func(r *group.GroupConsolidatedAddRequest22) {
			r.ServicePackAuthorization = []datatypes.ServicePackAuthorization{{ServicePackName: "Gold", AuthorizedQuantity: unlimited}}
		}, ocip.CodeNotFound},
		{"extension lengths out of order", func(r *group.GroupConsolidatedAddRequest22) {
			r.MinExtensionLength, r.MaxExtensionLength = ptr(datatypes.ExtensionLength(6)), ptr(datatypes.ExtensionLength(4))
		}, ocip.CodeInvalidValue},
		{"routing profile", func(r *group.GroupConsolidatedAddRequest22) {
			r.RoutingProfile = ocixml.Some(datatypes.RoutingProfile("rprofile"))
		}, ocip.CodeNotSupported},
		{"trunk group calls", func(r *group.GroupConsolidatedAddRequest22) { r.TrunkGroupMaxActiveCalls = ptr(int32(5)) }, ocip.CodeNotSupported},
		{"no group id", func(r *group.GroupConsolidatedAddRequest22) {
			r.GroupID = nil
			r.GroupExternalID = ptr(datatypes.ExternalId("ext-bad"))
		}, ocip.CodeInvalidValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := orgIn(t, s)
			r := orgConsolidatedGroup("ent", "bad")
			r.ActivatablePhoneNumber = []datatypes.ActivatableDN{{DN: "2025550177"}}
			tc.edit(r)
			s.fails(r, tc.code)
			s.fails(orgGroupGet("ent", "bad"), ocip.CodeNotFound)
			l := get[*group.GroupGetListInServiceProviderResponse](s, &group.GroupGetListInServiceProviderRequest{ServiceProviderID: "ent"})
			if ids := orgColumn(t, l.GroupTable, "Group Id"); !slices.Equal(ids, []string{"g1", "g2"}) {
				t.Errorf("groups %v", ids)
			}
		})
	}
	// 2025550177 was in every failed add: still unknown to the system.
	if err := h.core.AddSPNumbers(ctx, orgSysActor, "sp1", provisioning.NumberSet{Numbers: []string{"2025550177"}}); err != nil {
		t.Errorf("number of a failed add: %v", err)
	}

	// The earlier form fails as a whole on a bad number.
	old := &group.GroupConsolidatedAddRequest{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent")), GroupID: ptr(datatypes.GroupId("g3")),
		DefaultDomain: "example.com", UserLimit: 10, ActivatablePhoneNumber: []datatypes.ActivatableDN{{DN: "2025550178"}, {DN: "2025550199"}}}
	s.fails(old, ocip.CodeInUse)
	s.fails(orgGroupGet("ent", "g3"), ocip.CodeNotFound)
	old.ActivatablePhoneNumber = old.ActivatablePhoneNumber[:1]
	s.ok(old)
	// The SP can also be named by its external id.
	byExt := orgConsolidatedGroup("", "g4")
	byExt.ServiceProviderID = nil
	byExt.ServiceProviderExternalID = ptr(datatypes.ExternalId("nope"))
	s.fails(byExt, ocip.CodeNotFound)
}

func TestGroupConsolidatedAddBySPAdmin(t *testing.T) {
	h, s := orgGroupWorld(t)
	if err := h.core.AddSPNumbers(context.Background(), orgSysActor, "sp1", provisioning.NumberSet{Numbers: []string{"2025550100"}}); err != nil {
		t.Fatal(err)
	}
	sp := orgLoginAs(h, store.Admin{ID: "sp1admin", Level: store.LevelServiceProvider, SPID: "sp1", AdminType: "Normal"})
	// An SP admin may use the SP's numbers but not add new ones to the SP.
	req := orgConsolidatedGroup("sp1", "g1")
	req.ActivatablePhoneNumber = []datatypes.ActivatableDN{{DN: "2025550100"}, {DN: "2025550101"}}
	resp := get[*group.GroupConsolidatedAddResponse22](sp, req)
	if len(resp.DnValidationError) != 1 || resp.DnValidationError[0].Dn != "2025550101" || resp.DnValidationError[0].Status != datatypes.DNValidationStatusUnavailable {
		t.Errorf("dn errors %+v", resp.DnValidationError)
	}
	old := &group.GroupConsolidatedAddRequest{ServiceProviderID: ptr(datatypes.ServiceProviderId("sp1")), GroupID: ptr(datatypes.GroupId("g2")),
		DefaultDomain: "example.com", UserLimit: 10, ActivatablePhoneNumber: []datatypes.ActivatableDN{{DN: "2025550102"}}}
	sp.fails(old, ocip.CodeUnauthorized)
	sp.fails(orgGroupGet("sp1", "g2"), ocip.CodeNotFound)
	sp.fails(orgConsolidatedGroup("sp2", "g9"), ocip.CodeUnauthorized)
	s.fails(orgGroupGet("sp2", "g9"), ocip.CodeNotFound)
}

func TestGroupModify(t *testing.T) {
	h, s := orgGroupWorld(t)
	add := orgGroupAdd("sp1", "g1", "example.com", 3)
	add.CallingLineIDName = ptr(datatypes.GroupCallingLineIdName("Clid"))
	s.ok(add)
	orgAddUser(h, "sp1", "g1", "u1@example.com", "1234")
	orgAddUser(h, "sp1", "g1", "u2@example.com", "")
	grp := orgLoginAs(h, store.Admin{ID: "g1admin", Level: store.LevelGroup, SPID: "sp1", GroupID: "g1"})

	s.ok(&group.GroupModifyRequest{ServiceProviderID: "sp1", GroupID: "g1", GroupName: ocixml.Some(datatypes.GroupName("Renamed")),
		CallingLineIDName: ocixml.Null[datatypes.GroupCallingLineIdName](), UserLimit: ptr(datatypes.GroupUserLimit(2)),
		TimeZone: ptr(datatypes.TimeZone("Europe/London")), ExtensionLengthSettings: &datatypes.GroupExtensionLengthSettings{
			MinExtensionLength: ptr(datatypes.ExtensionLength(3)), MaxExtensionLength: ptr(datatypes.ExtensionLength(5))}})
	g := get[*group.GroupGetResponse22V5](s, orgGroupGet("sp1", "g1"))
	if sv(g.GroupName) != "Renamed" || g.CallingLineIDName != nil || g.UserLimit != 2 || g.UserCount != 2 || g.TimeZone != "Europe/London" ||
		g.TimeZoneDisplayName != "(GMT+00:00) Europe/London" || g.DefaultDomain != "example.com" {
		t.Fatalf("after modify: %+v", g)
	}
	// A group admin may rename its group.
	grp.ok(&group.GroupModifyRequest{ServiceProviderID: "sp1", GroupID: "g1", GroupName: ocixml.Some(datatypes.GroupName("By admin"))})

	for _, tc := range []struct {
		name string
		s    *session
		req  *group.GroupModifyRequest
		code ocip.ErrorCode
	}{
		{"user limit below the users", s, &group.GroupModifyRequest{UserLimit: ptr(datatypes.GroupUserLimit(1))}, ocip.CodeInvalidValue},
		{"group admin changes the user limit", grp, &group.GroupModifyRequest{UserLimit: ptr(datatypes.GroupUserLimit(50))}, ocip.CodeUnauthorized},
		{"unknown time zone", s, &group.GroupModifyRequest{TimeZone: ptr(datatypes.TimeZone("Nowhere/City"))}, ocip.CodeInvalidValue},
		{"default domain not on the group", s, &group.GroupModifyRequest{DefaultDomain: ptr(datatypes.NetAddress("two.example.com"))}, ocip.CodeInvalidValue},
		{"extension length below an extension", s, &group.GroupModifyRequest{ExtensionLengthSettings: &datatypes.GroupExtensionLengthSettings{
			MaxExtensionLength: ptr(datatypes.ExtensionLength(3)), DefaultExtensionLength: ptr(datatypes.ExtensionLength(3))}}, ocip.CodeInUse},
		{"extension lengths out of order", s, &group.GroupModifyRequest{ExtensionLengthSettings: &datatypes.GroupExtensionLengthSettings{
			DefaultExtensionLength: ptr(datatypes.ExtensionLength(6))}}, ocip.CodeInvalidValue},
		{"enterprise extension lengths", s, &group.GroupModifyRequest{ExtensionLengthSettings: &datatypes.GroupExtensionLengthSettings{
			UseEnterpriseExtensionLengthSetting: ptr(true)}}, ocip.CodeNotSupported},
		{"calling line id number", s, &group.GroupModifyRequest{CallingLineIDPhoneNumber: ocixml.Some(datatypes.DN("2025550100"))}, ocip.CodeNotSupported},
		{"dial plan policy", s, &group.GroupModifyRequest{DialPlanPolicy: &datatypes.DialPlanPolicy{}}, ocip.CodeNotSupported},
		{"unknown group", s, &group.GroupModifyRequest{GroupID: "nope"}, ocip.CodeNotFound},
		{"group admin of another group", grp, &group.GroupModifyRequest{ServiceProviderID: "sp2", GroupID: "g1"}, ocip.CodeUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.req.ServiceProviderID == "" {
				tc.req.ServiceProviderID = "sp1"
			}
			if tc.req.GroupID == "" {
				tc.req.GroupID = "g1"
			}
			orgIn(t, tc.s).fails(tc.req, tc.code)
			g := get[*group.GroupGetResponse22V5](orgIn(t, s), orgGroupGet("sp1", "g1"))
			if g.UserLimit != 2 || g.TimeZone != "Europe/London" || g.DefaultDomain != "example.com" {
				t.Errorf("a refused modify changed the group: %+v", g)
			}
		})
	}
	// Nil on an element that is not stored clears nothing and is accepted.
	s.ok(&group.GroupModifyRequest{ServiceProviderID: "sp1", GroupID: "g1", CallingLineIDPhoneNumber: ocixml.Null[datatypes.DN]()})
	s.ok(&group.GroupDomainAssignListRequest{ServiceProviderID: "sp1", GroupID: "g1", Domain: []datatypes.NetAddress{"two.example.com"}})
	s.ok(&group.GroupModifyRequest{ServiceProviderID: "sp1", GroupID: "g1", DefaultDomain: ptr(datatypes.NetAddress("two.example.com"))})
	if g := get[*group.GroupGetResponse22V5](s, orgGroupGet("sp1", "g1")); g.DefaultDomain != "two.example.com" {
		t.Errorf("default domain %q", g.DefaultDomain)
	}
}

func TestGroupDelete(t *testing.T) {
	h, s := orgGroupWorld(t)
	ctx := context.Background()
	orgAddGroup(s, "sp1", "g1", "example.com", 5)
	if err := h.core.AddSPNumbers(ctx, orgSysActor, "sp1", provisioning.NumberSet{Numbers: []string{"2025550100", "2025550101"}}); err != nil {
		t.Fatal(err)
	}
	if err := h.core.AssignGroupNumbers(ctx, orgSysActor, "sp1", "g1", provisioning.NumberSet{Numbers: []string{"2025550100", "2025550101"}}); err != nil {
		t.Fatal(err)
	}
	orgAddUser(h, "sp1", "g1", "u1@example.com", "")
	grp := orgLoginAs(h, store.Admin{ID: "g1admin", Level: store.LevelGroup, SPID: "sp1", GroupID: "g1"})
	grp.fails(&group.GroupDeleteRequest{ServiceProviderID: "sp1", GroupID: "g1"}, ocip.CodeUnauthorized)

	s.ok(&group.GroupDeleteRequest{ServiceProviderID: "sp1", GroupID: "g1"})
	s.fails(orgGroupGet("sp1", "g1"), ocip.CodeNotFound)
	s.fails(&group.GroupDeleteRequest{ServiceProviderID: "sp1", GroupID: "g1"}, ocip.CodeNotFound)
	nums, err := h.core.SPNumbers(ctx, orgSysActor, "sp1")
	if err != nil {
		t.Fatal(err)
	}
	if len(nums) != 2 {
		t.Fatalf("SP numbers %+v", nums)
	}
	for _, n := range nums {
		if n.DN.GroupID != "" || n.User != nil {
			t.Errorf("number not returned to the SP: %+v", n)
		}
	}
	if _, err := h.core.User(ctx, orgSysActor, "u1@example.com"); err == nil {
		t.Error("the group's user survived")
	}
	if _, err := h.core.Admin(ctx, orgSysActor, "g1admin"); err == nil {
		t.Error("the group's admin survived")
	}
	// The id is free again.
	orgAddGroup(s, "sp1", "g1", "example.com", 5)
}

func TestGroupLists(t *testing.T) {
	h, s := orgGroupWorld(t)
	orgReseller(h, "r1", "Reseller One")
	s.ok(&provider.ServiceProviderModifyRequest{ServiceProviderID: "sp2", ResellerID: ptr(datatypes.ResellerId22("r1"))})
	for _, g := range []struct {
		sp, id, name string
		limit        int
	}{
		{"sp1", "sales", "Sales East", 10},
		{"sp1", "Support", "Support Desk", 20},
		{"sp1", "sales2", "Sales West", 5},
		{"sp2", "sales", "Ent Sales", 7},
	} {
		r := orgGroupAdd(g.sp, g.id, "example.com", g.limit)
		r.GroupName = ptr(datatypes.GroupName(g.name))
		s.ok(r)
	}
	orgAddUser(h, "sp1", "sales", "u1@example.com", "")

	gid := func(mode datatypes.SearchMode, v string, ci bool) []datatypes.SearchCriteriaGroupId {
		return []datatypes.SearchCriteriaGroupId{{Mode: mode, Value: datatypes.GroupId(v), IsCaseInsensitive: ci}}
	}
	for _, tc := range []struct {
		name string
		req  *group.GroupGetListInServiceProviderRequest
		want []string
	}{
		{"all in id order", &group.GroupGetListInServiceProviderRequest{}, []string{"Support", "sales", "sales2"}},
		{"starts with", &group.GroupGetListInServiceProviderRequest{SearchCriteriaGroupID: gid(datatypes.SearchModeStartsWith, "SALES", true)}, []string{"sales", "sales2"}},
		{"case-sensitive", &group.GroupGetListInServiceProviderRequest{SearchCriteriaGroupID: gid(datatypes.SearchModeStartsWith, "s", false)}, []string{"sales", "sales2"}},
		{"contains", &group.GroupGetListInServiceProviderRequest{SearchCriteriaGroupID: gid(datatypes.SearchModeContains, "PP", true)}, []string{"Support"}},
		{"equal to", &group.GroupGetListInServiceProviderRequest{SearchCriteriaGroupID: gid(datatypes.SearchModeEqualTo, "Sales", true)}, []string{"sales"}},
		{"name", &group.GroupGetListInServiceProviderRequest{SearchCriteriaGroupName: []datatypes.SearchCriteriaGroupName{
			{Mode: datatypes.SearchModeContains, Value: "west", IsCaseInsensitive: true}}}, []string{"sales2"}},
		{"limit", &group.GroupGetListInServiceProviderRequest{ResponseSizeLimit: ptr(datatypes.ResponseSizeLimit(2))}, []string{"Support", "sales"}},
		{"none", &group.GroupGetListInServiceProviderRequest{SearchCriteriaGroupID: gid(datatypes.SearchModeEqualTo, "x", true)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.ServiceProviderID = "sp1"
			r := get[*group.GroupGetListInServiceProviderResponse](orgIn(t, s), tc.req)
			if !slices.Equal(r.GroupTable.Headings, []string{"Group Id", "Group Name", "User Limit"}) {
				t.Fatalf("headings %v", r.GroupTable.Headings)
			}
			if got := orgColumn(t, r.GroupTable, "Group Id"); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	l := get[*group.GroupGetListInServiceProviderResponse](s, &group.GroupGetListInServiceProviderRequest{ServiceProviderID: "sp1", SearchCriteriaGroupID: gid(datatypes.SearchModeEqualTo, "sales", false)})
	if row := l.GroupTable.Row(0); !slices.Equal(row, []string{"sales", "Sales East", "10"}) {
		t.Errorf("row %v", row)
	}
	s.fails(&group.GroupGetListInServiceProviderRequest{ServiceProviderID: "nope"}, ocip.CodeNotFound)

	sysList := func(s *session, req *group.GroupGetListInSystemRequest) ocixml.Table {
		t.Helper()
		return get[*group.GroupGetListInSystemResponse](s, req).GroupTable
	}
	tb := sysList(s, &group.GroupGetListInSystemRequest{})
	if !slices.Equal(tb.Headings, []string{"Group Id", "Group Name", "User Limit", "Organization Id", "Organization Type", "Reseller Id"}) {
		t.Fatalf("system headings %v", tb.Headings)
	}
	if got := orgColumn(t, tb, "Organization Id"); !slices.Equal(got, []string{"sp1", "sp1", "sp1", "sp2"}) {
		t.Errorf("organizations %v", got)
	}
	if row := tb.Row(3); !slices.Equal(row, []string{"sales", "Ent Sales", "7", "sp2", "Enterprise", "r1"}) {
		t.Errorf("enterprise row %v", row)
	}
	if row := tb.Row(1); row[4] != "Service Provider" || row[5] != "" {
		t.Errorf("SP row %v", row)
	}
	for _, tc := range []struct {
		name string
		req  *group.GroupGetListInSystemRequest
		want []string // organization/group
	}{
		{"group id everywhere", &group.GroupGetListInSystemRequest{SearchCriteriaGroupID: gid(datatypes.SearchModeEqualTo, "sales", true)}, []string{"sp1/sales", "sp2/sales"}},
		{"exact SP", &group.GroupGetListInSystemRequest{SearchCriteriaExactServiceProvider: &datatypes.SearchCriteriaExactServiceProvider{ServiceProviderID: "sp2"}}, []string{"sp2/sales"}},
		{"SP id criterion", &group.GroupGetListInSystemRequest{SearchCriteriaServiceProviderID: []datatypes.SearchCriteriaServiceProviderId{
			{Mode: datatypes.SearchModeEqualTo, Value: "SP1", IsCaseInsensitive: true}}}, []string{"sp1/Support", "sp1/sales", "sp1/sales2"}},
		{"reseller criterion", &group.GroupGetListInSystemRequest{SearchCriteriaResellerID: []datatypes.SearchCriteriaResellerId{
			{Mode: datatypes.SearchModeEqualTo, Value: "r1", IsCaseInsensitive: true}}}, []string{"sp2/sales"}},
		{"limit", &group.GroupGetListInSystemRequest{ResponseSizeLimit: ptr(datatypes.ResponseSizeLimit(1))}, []string{"sp1/Support"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := get[*group.GroupGetListInSystemResponse](orgIn(t, s), tc.req).GroupTable
			var got []string
			for i := range tb.Len() {
				got = append(got, tb.Get(i, "Organization Id")+"/"+tb.Get(i, "Group Id"))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}

	// Scope: a reseller sees its SPs' groups; SP admins list their own SP only.
	rs := orgLoginAs(h, store.Admin{ID: "r1admin", Level: store.LevelReseller, ResellerID: "r1"})
	if got := orgColumn(t, sysList(rs, &group.GroupGetListInSystemRequest{}), "Organization Id"); !slices.Equal(got, []string{"sp2"}) {
		t.Errorf("reseller sees %v", got)
	}
	rs.fails(&group.GroupGetListInServiceProviderRequest{ServiceProviderID: "sp1"}, ocip.CodeUnauthorized)
	spAdmin := orgLoginAs(h, store.Admin{ID: "sp1admin", Level: store.LevelServiceProvider, SPID: "sp1", AdminType: "Normal"})
	if l := get[*group.GroupGetListInServiceProviderResponse](spAdmin, &group.GroupGetListInServiceProviderRequest{ServiceProviderID: "sp1"}); l.GroupTable.Len() != 3 {
		t.Errorf("SP admin list %v", l.GroupTable.Rows())
	}
	spAdmin.fails(&group.GroupGetListInServiceProviderRequest{ServiceProviderID: "sp2"}, ocip.CodeUnauthorized)
	spAdmin.fails(&group.GroupGetListInSystemRequest{}, ocip.CodeUnauthorized)
	grp := orgLoginAs(h, store.Admin{ID: "gadmin", Level: store.LevelGroup, SPID: "sp1", GroupID: "sales"})
	grp.fails(&group.GroupGetListInServiceProviderRequest{ServiceProviderID: "sp1"}, ocip.CodeUnauthorized)
}

func TestGroupDomains(t *testing.T) {
	h, s := orgGroupWorld(t)
	orgAddGroup(s, "sp1", "g1", "example.com", 5)
	orgAddGroup(s, "sp2", "g1", "example.com", 5)
	assign := func(doms ...datatypes.NetAddress) *group.GroupDomainAssignListRequest {
		return &group.GroupDomainAssignListRequest{ServiceProviderID: "sp1", GroupID: "g1", Domain: doms}
	}
	unassign := func(doms ...datatypes.NetAddress) *group.GroupDomainUnassignListRequest {
		return &group.GroupDomainUnassignListRequest{ServiceProviderID: "sp1", GroupID: "g1", Domain: doms}
	}
	list := func(s *session) []datatypes.NetAddress {
		t.Helper()
		r := get[*group.GroupDomainGetAssignedListResponse](s, &group.GroupDomainGetAssignedListRequest{ServiceProviderID: "sp1", GroupID: "g1"})
		if r.GroupDefaultDomain != "example.com" {
			t.Errorf("default %q", r.GroupDefaultDomain)
		}
		return r.Domain
	}
	if got := list(s); !slices.Equal(got, []datatypes.NetAddress{"example.com"}) {
		t.Fatalf("initial %v", got)
	}
	s.ok(assign("two.example.com"))
	if got := list(s); !slices.Equal(got, []datatypes.NetAddress{"example.com", "two.example.com"}) {
		t.Fatalf("after assign %v", got)
	}
	e := s.fails(assign("two.example.com"), ocip.CodeDomainAlreadyAssigned)
	if !strings.Contains(e.Summary, "two.example.com") {
		t.Errorf("4267 summary %q", e.Summary)
	}
	s.fails(assign("three.example.com"), ocip.CodeInvalidValue) // not on the SP
	s.fails(&group.GroupDomainAssignListRequest{ServiceProviderID: "sp1", GroupID: "nope", Domain: []datatypes.NetAddress{"two.example.com"}}, ocip.CodeNotFound)

	grp := orgLoginAs(h, store.Admin{ID: "g1admin", Level: store.LevelGroup, SPID: "sp1", GroupID: "g1"})
	other := orgLoginAs(h, store.Admin{ID: "sp2admin", Level: store.LevelServiceProvider, SPID: "sp2", AdminType: "Normal"})
	if got := list(grp); len(got) != 2 {
		t.Errorf("group admin read %v", got)
	}
	grp.fails(unassign("two.example.com"), ocip.CodeUnauthorized)
	other.fails(assign("two.example.com"), ocip.CodeUnauthorized)
	other.fails(&group.GroupDomainGetAssignedListRequest{ServiceProviderID: "sp1", GroupID: "g1"}, ocip.CodeUnauthorized)

	orgAddUser(h, "sp1", "g1", "u1@two.example.com", "")
	s.fails(unassign("example.com"), ocip.CodeInUse)     // the default
	s.fails(unassign("two.example.com"), ocip.CodeInUse) // a user id uses it
	s.fails(unassign("three.example.com"), ocip.CodeNotFound)
	if err := h.core.DeleteUser(context.Background(), orgSysActor, "u1@two.example.com"); err != nil {
		t.Fatal(err)
	}
	s.ok(unassign("two.example.com"))
	if got := list(s); !slices.Equal(got, []datatypes.NetAddress{"example.com"}) {
		t.Errorf("after unassign %v", got)
	}
}

func TestGroupAuthorization(t *testing.T) {
	h, s := orgGroupWorld(t)
	orgAddGroup(s, "sp1", "g1", "example.com", 5)
	orgAddGroup(s, "sp2", "g2", "example.com", 5)
	grp := orgLoginAs(h, store.Admin{ID: "g1admin", Level: store.LevelGroup, SPID: "sp1", GroupID: "g1"})
	spAdmin := orgLoginAs(h, store.Admin{ID: "sp1admin", Level: store.LevelServiceProvider, SPID: "sp1", AdminType: "Normal"})
	readOnly := orgLoginAs(h, store.Admin{ID: "viewer", Level: store.LevelSystem, ReadOnly: true})
	for _, tc := range []struct {
		name string
		s    *session
		req  ocixml.Command
	}{
		{"group admin adds a group", grp, orgGroupAdd("sp1", "new", "example.com", 5)},
		{"group admin adds a consolidated group", grp, orgConsolidatedGroup("sp1", "new")},
		{"group admin reads another group", grp, orgGroupGet("sp2", "g2")},
		{"group admin reads a missing group", grp, orgGroupGet("sp1", "nope")},
		{"group admin assigns a domain", grp, &group.GroupDomainAssignListRequest{ServiceProviderID: "sp1", GroupID: "g1", Domain: []datatypes.NetAddress{"two.example.com"}}},
		{"SP admin adds in another SP", spAdmin, orgGroupAdd("sp2", "new", "example.com", 5)},
		{"SP admin reads another SP's group", spAdmin, orgGroupGet("sp2", "g2")},
		{"SP admin modifies another SP's group", spAdmin, &group.GroupModifyRequest{ServiceProviderID: "sp2", GroupID: "g2", GroupName: ocixml.Some(datatypes.GroupName("x"))}},
		{"SP admin deletes another SP's group", spAdmin, &group.GroupDeleteRequest{ServiceProviderID: "sp2", GroupID: "g2"}},
		{"read-only adds", readOnly, orgGroupAdd("sp1", "new", "example.com", 5)},
		{"read-only modifies", readOnly, &group.GroupModifyRequest{ServiceProviderID: "sp1", GroupID: "g1", GroupName: ocixml.Some(datatypes.GroupName("x"))}},
		{"read-only deletes", readOnly, &group.GroupDeleteRequest{ServiceProviderID: "sp1", GroupID: "g1"}},
		{"read-only assigns a domain", readOnly, &group.GroupDomainAssignListRequest{ServiceProviderID: "sp1", GroupID: "g1", Domain: []datatypes.NetAddress{"two.example.com"}}},
	} {
		t.Run(tc.name, func(t *testing.T) { orgIn(t, tc.s).fails(tc.req, ocip.CodeUnauthorized) })
	}
	s.fails(orgGroupGet("sp1", "new"), ocip.CodeNotFound)
	s.fails(orgGroupGet("sp2", "new"), ocip.CodeNotFound)
	for _, who := range []*session{grp, spAdmin, readOnly} {
		if g := get[*group.GroupGetResponse22V5](who, orgGroupGet("sp1", "g1")); sv(g.GroupName) != "g1 name" {
			t.Errorf("%s read %+v", who.id, g)
		}
	}
	if g := get[*group.GroupGetResponse22V5](s, orgGroupGet("sp2", "g2")); sv(g.GroupName) != "g2 name" {
		t.Errorf("g2 changed: %+v", g)
	}
	spAdmin.ok(orgGroupAdd("sp1", "new", "example.com", 5))
}

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
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/system"
)

// Fixtures shared by the system, provider and group tests (prefixed org
// so they cannot clash with other families' test helpers).

var orgSysActor = &provisioning.Actor{ID: testAdmin, Level: provisioning.LevelSystem}

const orgPW = "Org-Admin-pw1"

// orgLoginAs creates an administrator through the core and logs it in.
func orgLoginAs(h *harness, ad store.Admin) *session {
	h.t.Helper()
	if ad.LastName == "" {
		ad.LastName, ad.FirstName = "Admin", ad.ID
	}
	if err := h.core.AddAdmin(context.Background(), orgSysActor, provisioning.AdminAdd{Admin: ad, Password: orgPW}); err != nil {
		h.t.Fatalf("add admin %s: %v", ad.ID, err)
	}
	return h.login(ad.ID, orgPW)
}

// orgReseller inserts a reseller straight into the store: resellers are
// another family's commands.
func orgReseller(h *harness, id, name string) {
	h.t.Helper()
	if err := h.st.Update(context.Background(), func(tx store.Tx) error {
		return tx.InsertReseller(store.Reseller{ID: id, Name: name})
	}); err != nil {
		h.t.Fatal(err)
	}
}

func orgAddDomain(s *session, d string) {
	s.h.t.Helper()
	s.ok(&system.SystemDomainAddRequest{Domain: datatypes.NetAddress(d)})
}

// orgAddSP adds a service provider (enterprise when ent) with the 13mp2
// command.
func orgAddSP(s *session, id, domain string, ent bool) {
	s.h.t.Helper()
	s.ok(orgSP13(id, domain, ent))
}

func orgSP13(id, domain string, ent bool) *deprecated.ServiceProviderAddRequest13mp2 {
	req := &deprecated.ServiceProviderAddRequest13mp2{ServiceProviderID: datatypes.ServiceProviderId(id), DefaultDomain: datatypes.NetAddress(domain),
		ServiceProviderName: ptr(datatypes.ServiceProviderName(id + " name"))}
	if ent {
		req.IsEnterprise = true
	} else {
		req.UseCustomRoutingProfile = ptr(false)
	}
	return req
}

func orgAddGroup(s *session, sp, id, domain string, limit int) {
	s.h.t.Helper()
	s.ok(orgGroupAdd(sp, id, domain, limit))
}

func orgGroupAdd(sp, id, domain string, limit int) *deprecatedgroup.GroupAddRequest {
	return &deprecatedgroup.GroupAddRequest{ServiceProviderID: datatypes.ServiceProviderId(sp), GroupID: datatypes.GroupId(id),
		DefaultDomain: datatypes.NetAddress(domain), UserLimit: datatypes.GroupUserLimit(limit), GroupName: ptr(datatypes.GroupName(id + " name"))}
}

func orgSPGet(id string) *provider.ServiceProviderGetRequest22V4 {
	return &provider.ServiceProviderGetRequest22V4{ServiceProviderID: ptr(datatypes.ServiceProviderId(id))}
}

// orgIn rebinds a session to a subtest, so that its failures stop the
// subtest rather than its parent.
func orgIn(t *testing.T, s *session) *session {
	h := *s.h
	h.t = t
	c := *s
	c.h = &h
	return &c
}

// orgColumn returns one column of a table, by heading.
func orgColumn(t *testing.T, tb ocixml.Table, heading string) []string {
	t.Helper()
	i := slices.Index(tb.Headings, heading)
	if i < 0 {
		t.Fatalf("no column %q in %v", heading, tb.Headings)
	}
	var out []string
	for _, r := range tb.Rows() {
		out = append(out, r[i])
	}
	return out
}

// orgRaw sends one command written as XML (to exercise defaults a Go
// value cannot leave out, such as isCaseInsensitive).
func orgRaw(s *session, cmdType, body string) ocixml.Command {
	s.h.t.Helper()
	doc := `<?xml version="1.0" encoding="ISO-8859-1"?><BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<sessionId xmlns="">` + s.id + `</sessionId><command xsi:type="` + cmdType + `" xmlns="">` + body + `</command></BroadsoftDocument>`
	out, _ := s.raw([]byte(doc))
	resp, err := ocip.Decode(out, ocip.DecodeOptions{})
	if err != nil || len(resp.Commands) != 1 {
		s.h.t.Fatalf("raw %s: %v\n%s", cmdType, err, out)
	}
	return resp.Commands[0]
}

func orgCrit(mode datatypes.SearchMode, v string, ci bool) (datatypes.SearchMode, string, bool) {
	return mode, v, ci
}

func TestProviderAdd13mp2AndGetVersions(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	orgAddDomain(s, "example.com")
	ent := orgSP13("ent1", "example.com", true)
	ent.SupportEmail = ptr(datatypes.EmailAddress("help@example.com"))
	ent.Contact = &datatypes.Contact{ContactName: ocixml.Some(datatypes.ContactContactName("Ann")), ContactNumber: ocixml.Some(datatypes.ContactContactNumber("2025550100"))}
	ent.Address = &datatypes.StreetAddress{City: ocixml.Some(datatypes.StreetAddressCity("Boston")), Country: ocixml.Some(datatypes.StreetAddressCountry("US"))}
	// Elements the schema ignores in AS mode do not stop the add.
	ent.ServicePolicy = ptr(datatypes.ServicePolicyName("anything"))
	s.ok(ent)
	sp := orgSP13("sp1", "example.com", false)
	sp.UseCustomRoutingProfile = ptr(true)
	s.ok(sp)

	g := get[*provider.ServiceProviderGetResponse22V4](s, orgSPGet("ent1"))
	if !g.IsEnterprise || g.UseCustomRoutingProfile != nil || g.DefaultDomain != "example.com" || g.ServiceProviderID != "ent1" ||
		sv(g.ServiceProviderName) != "ent1 name" || sv(g.SupportEmail) != "help@example.com" || g.UseServiceProviderLanguages || g.ResellerID != nil {
		t.Fatalf("enterprise get: %+v", g)
	}
	if n, _ := g.Contact.ContactName.Get(); n != "Ann" {
		t.Errorf("contact name %q", n)
	}
	if c, _ := g.Address.City.Get(); c != "Boston" {
		t.Errorf("city %q", c)
	}
	g = get[*provider.ServiceProviderGetResponse22V4](s, orgSPGet("sp1"))
	if g.IsEnterprise || g.UseCustomRoutingProfile == nil || !*g.UseCustomRoutingProfile {
		t.Fatalf("service provider choice: %+v", g)
	}

	// The default domain is assigned automatically.
	d := get[*provider.ServiceProviderDomainGetAssignedListResponse22](s, &provider.ServiceProviderDomainGetAssignedListRequest22{ServiceProviderID: "ent1"})
	if d.ServiceProviderDefaultDomain != "example.com" || !slices.Equal(d.Domain, []datatypes.NetAddress{"example.com"}) {
		t.Fatalf("assigned domains: %+v", d)
	}

	// Every older get version answers in its own shape from the same record.
	old := []struct {
		req  ocixml.Command
		want func(ocixml.Command) (bool, datatypes.NetAddress)
	}{
		{&deprecated.ServiceProviderGetRequest13mp2{ServiceProviderID: "ent1"}, func(c ocixml.Command) (bool, datatypes.NetAddress) {
			r := c.(*deprecated.ServiceProviderGetResponse13mp2)
			return r.IsEnterprise, r.DefaultDomain
		}},
		{&deprecated.ServiceProviderGetRequest17sp1{ServiceProviderID: "ent1"}, func(c ocixml.Command) (bool, datatypes.NetAddress) {
			r := c.(*deprecated.ServiceProviderGetResponse17sp1)
			return r.IsEnterprise, r.DefaultDomain
		}},
		{&deprecated.ServiceProviderGetRequest22{ServiceProviderID: "ent1"}, func(c ocixml.Command) (bool, datatypes.NetAddress) {
			r := c.(*deprecated.ServiceProviderGetResponse22)
			return r.IsEnterprise, r.DefaultDomain
		}},
		{&deprecated.ServiceProviderGetRequest22V2{ServiceProviderID: "ent1"}, func(c ocixml.Command) (bool, datatypes.NetAddress) {
			r := c.(*deprecated.ServiceProviderGetResponse22V2)
			return r.IsEnterprise, r.DefaultDomain
		}},
		{&deprecated.ServiceProviderGetRequest22V3{ServiceProviderID: "ent1"}, func(c ocixml.Command) (bool, datatypes.NetAddress) {
			r := c.(*deprecated.ServiceProviderGetResponse22V3)
			return r.IsEnterprise, r.DefaultDomain
		}},
	}
	for _, o := range old {
		r := s.one(o.req)
		if _, isErr := r.(*core.ErrorResponse); isErr {
			t.Fatalf("%s: %s", o.req.XSIType(), describe(r))
		}
		if ent, dom := o.want(r); !ent || dom != "example.com" {
			t.Errorf("%s: isEnterprise %v defaultDomain %q", o.req.XSIType(), ent, dom)
		}
	}
	r := get[*deprecated.ServiceProviderGetResponse13mp2](s, &deprecated.ServiceProviderGetRequest13mp2{ServiceProviderID: "sp1"})
	if r.IsEnterprise || r.UseCustomRoutingProfile == nil || !*r.UseCustomRoutingProfile {
		t.Errorf("13mp2 get of an SP: %+v", r)
	}
	s.fails(&deprecated.ServiceProviderGetRequest22V3{ServiceProviderID: "nope"}, ocip.CodeNotFound)
}

func TestProviderAddRules(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	orgAddDomain(s, "example.com")
	orgReseller(h, "r1", "Reseller One")
	orgReseller(h, "r2", "Reseller Two")
	s.ok(&system.SystemDomainAddRequest{Domain: "r1.example.com", ResellerID: ptr(datatypes.ResellerId22("r1"))})
	orgAddSP(s, "sp1", "example.com", false)

	withReseller := func(id, domain, reseller string) ocixml.Command {
		r := orgSP13(id, domain, false)
		r.ResellerID = ptr(datatypes.ResellerId22(reseller))
		return r
	}
	for _, tc := range []struct {
		name string
		req  ocixml.Command
		code ocip.ErrorCode
	}{
		{"duplicate id", orgSP13("sp1", "example.com", true), ocip.CodeAlreadyExists},
		{"unknown default domain", orgSP13("sp2", "nowhere.example", false), ocip.CodeNotFound},
		{"unknown reseller", withReseller("sp3", "example.com", "r9"), ocip.CodeNotFound},
		{"another reseller's domain", withReseller("sp4", "r1.example.com", "r2"), ocip.CodeInvalidValue},
		{"reseller domain without the reseller", orgSP13("sp5", "r1.example.com", false), ocip.CodeInvalidValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orgIn(t, s).fails(tc.req, tc.code)
		})
	}
	for _, id := range []string{"sp2", "sp3", "sp4", "sp5"} {
		s.fails(orgSPGet(id), ocip.CodeNotFound)
	}
	// A reseller's own domain is fine for its SPs.
	s.ok(withReseller("sp6", "r1.example.com", "r1"))
	if g := get[*provider.ServiceProviderGetResponse22V4](s, orgSPGet("sp6")); sv(g.ResellerID) != "r1" {
		t.Errorf("reseller id %v", g.ResellerID)
	}
}

func orgConsolidated(id string) *provider.ServiceProviderConsolidatedAddRequest {
	return &provider.ServiceProviderConsolidatedAddRequest{IsEnterprise: true, ServiceProviderID: ptr(datatypes.ServiceProviderId(id)),
		DefaultDomain: "example.com", ServiceProviderName: ptr(datatypes.ServiceProviderName("Consolidated"))}
}

func TestProviderConsolidatedAdd(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	ctx := context.Background()
	for _, d := range []string{"example.com", "two.example.com", "three.example.com"} {
		orgAddDomain(s, d)
	}
	unlimited := &datatypes.UnboundedPositiveInt{Unlimited: true}
	five := &datatypes.UnboundedPositiveInt{Quantity: ptr(datatypes.UnboundedPositiveIntQuantity(5))}
	req := orgConsolidated("ent1")
	req.ServiceProviderExternalID = ptr(datatypes.ExternalId("ext-ent1"))
	req.Domain = []datatypes.NetAddress{"two.example.com", "three.example.com"}
	req.Admin = []datatypes.ServiceProviderAdmin{{UserID: "ent1admin", LastName: ptr(datatypes.LastName("Admin")), FirstName: ptr(datatypes.FirstName("Ent")),
		Password: ptr(datatypes.Password(orgPW)), AdministratorType: datatypes.ServiceProviderAdminTypeNormal}}
	req.UserServiceAuthorization = []datatypes.UserServiceAuthorization{
		{ServiceName: datatypes.UserServiceCallForwardingAlways, AuthorizedQuantity: five},
		{ServiceName: datatypes.UserServiceAuthentication, AuthorizedQuantity: unlimited},
	}
	req.GroupServiceAuthorization = []datatypes.GroupServiceAuthorization{{ServiceName: datatypes.GroupServiceMusicOnHold, AuthorizedQuantity: unlimited}}
	req.ServicePack = []datatypes.ServicePack{{ServicePackName: "Basic", IsAvailableForUse: true,
		ServicePackQuantity: datatypes.UnboundedPositiveInt{Quantity: ptr(datatypes.UnboundedPositiveIntQuantity(3))},
		ServiceName:         []datatypes.UserService{datatypes.UserServiceCallForwardingAlways}}}
	req.PhoneNumber = []datatypes.DN{"2025550100"}
	req.DnRange = []datatypes.DNRange{{MinPhoneNumber: "2025550110", MaxPhoneNumber: "2025550112"}}
	s.ok(req)

	// Read back every part.
	g := get[*provider.ServiceProviderGetResponse22V4](s, &provider.ServiceProviderGetRequest22V4{ServiceProviderExternalID: ptr(datatypes.ExternalId("ext-ent1"))})
	if g.ServiceProviderID != "ent1" || !g.IsEnterprise || sv(g.ServiceProviderExternalID) != "ext-ent1" {
		t.Fatalf("get by external id: %+v", g)
	}
	d := get[*provider.ServiceProviderDomainGetAssignedListResponse22](s, &provider.ServiceProviderDomainGetAssignedListRequest22{ServiceProviderID: "ent1"})
	if !slices.Equal(d.Domain, []datatypes.NetAddress{"example.com", "three.example.com", "two.example.com"}) {
		t.Errorf("domains %v", d.Domain)
	}
	nums, err := h.core.SPNumbers(ctx, orgSysActor, "ent1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range nums {
		got = append(got, n.DN.Number)
	}
	if want := []string{"+1-2025550100", "+1-2025550110", "+1-2025550111", "+1-2025550112"}; !slices.Equal(got, want) {
		t.Errorf("numbers %v, want %v", got, want)
	}
	auths, err := h.core.SPAuthorizations(ctx, orgSysActor, "ent1")
	if err != nil {
		t.Fatal(err)
	}
	qty := map[string]int{}
	for _, a := range auths {
		if a.Authorized {
			qty[a.Name] = a.Quantity
		}
	}
	if qty["Call Forwarding Always"] != 5 || qty["Authentication"] != store.Unlimited || qty["Music On Hold"] != store.Unlimited {
		t.Errorf("authorizations %v", qty)
	}
	packs, err := h.core.ServicePacks(ctx, orgSysActor, "ent1")
	if err != nil || len(packs) != 1 || packs[0].Name != "Basic" || packs[0].Quantity != 3 {
		t.Errorf("packs %+v %v", packs, err)
	}
	admin := h.login("ent1admin", orgPW) // the SP admin exists and works
	admin.ok(&provider.ServiceProviderModifyRequest{ServiceProviderID: "ent1", ServiceProviderName: ocixml.Some(datatypes.ServiceProviderName("Renamed"))})

	// All-or-nothing: each request below fails on a part after the SP
	// itself and leaves no trace (no SP, no number, no admin).
	orgAddSP(s, "other", "example.com", false)
	if err := h.core.AddSPNumbers(ctx, orgSysActor, "other", provisioning.NumberSet{Numbers: []string{"2025550199"}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*provider.ServiceProviderConsolidatedAddRequest)
		code ocip.ErrorCode
	}{
		{"second domain unknown", func(r *provider.ServiceProviderConsolidatedAddRequest) {
			r.Domain = []datatypes.NetAddress{"two.example.com", "nowhere.example"}
		}, ocip.CodeNotFound},
		{"second number taken", func(r *provider.ServiceProviderConsolidatedAddRequest) {
			r.PhoneNumber = []datatypes.DN{"2025550198", "2025550199"}
		}, ocip.CodeAlreadyExists},
		{"pack of an unauthorized service", func(r *provider.ServiceProviderConsolidatedAddRequest) {
			r.PhoneNumber = []datatypes.DN{"2025550198"}
			r.ServicePack = []datatypes.ServicePack{{ServicePackName: "P", IsAvailableForUse: true, ServicePackQuantity: *unlimited,
				ServiceName: []datatypes.UserService{datatypes.UserServiceAuthentication}}}
		}, ocip.CodeInvalidValue},
		{"pack above the authorized quantity", func(r *provider.ServiceProviderConsolidatedAddRequest) {
			r.UserServiceAuthorization = []datatypes.UserServiceAuthorization{{ServiceName: datatypes.UserServiceAuthentication, AuthorizedQuantity: five}}
			r.ServicePack = []datatypes.ServicePack{{ServicePackName: "P", IsAvailableForUse: true, ServicePackQuantity: *unlimited,
				ServiceName: []datatypes.UserService{datatypes.UserServiceAuthentication}}}
		}, ocip.CodeLimitExceeded},
		{"admin id taken", func(r *provider.ServiceProviderConsolidatedAddRequest) {
			r.PhoneNumber = []datatypes.DN{"2025550198"}
			r.Admin = []datatypes.ServiceProviderAdmin{{UserID: "ent1admin", Password: ptr(datatypes.Password(orgPW)), AdministratorType: datatypes.ServiceProviderAdminTypeNormal}}
		}, ocip.CodeAlreadyExists},
		{"admin without password", func(r *provider.ServiceProviderConsolidatedAddRequest) {
			r.Admin = []datatypes.ServiceProviderAdmin{{UserID: "newadmin", AdministratorType: datatypes.ServiceProviderAdminTypeNormal}}
		}, ocip.CodeInvalidValue},
		{"routing profile", func(r *provider.ServiceProviderConsolidatedAddRequest) {
			r.RoutingProfile = ocixml.Some(datatypes.RoutingProfile("rprofile"))
		}, ocip.CodeNotSupported},
		{"trunk group calls", func(r *provider.ServiceProviderConsolidatedAddRequest) {
			r.TrunkGroupMaxActiveCalls = &datatypes.UnboundedNonNegativeInt{Unlimited: true}
		}, ocip.CodeNotSupported},
		{"no id", func(r *provider.ServiceProviderConsolidatedAddRequest) { r.ServiceProviderID = nil }, ocip.CodeInvalidValue},
		{"reseller name of no reseller", func(r *provider.ServiceProviderConsolidatedAddRequest) {
			r.ResellerName = ptr(datatypes.ResellerName22("Nobody"))
		}, ocip.CodeInvalidValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := orgIn(t, s)
			r := orgConsolidated("bad")
			tc.edit(r)
			s.fails(r, tc.code)
			s.fails(orgSPGet("bad"), ocip.CodeNotFound)
			list := get[*provider.ServiceProviderGetListResponse](s, &provider.ServiceProviderGetListRequest{})
			if ids := orgColumn(t, list.ServiceProviderTable, "Service Provider Id"); !slices.Equal(ids, []string{"ent1", "other"}) {
				t.Errorf("service providers after a failed add: %v", ids)
			}
			if _, err := h.core.Admin(ctx, orgSysActor, "newadmin"); err == nil {
				t.Error("the admin of a failed add exists")
			}
		})
	}
	// 2025550198 was part of failed adds: it is still free.
	if err := h.core.AddSPNumbers(ctx, orgSysActor, "other", provisioning.NumberSet{Numbers: []string{"2025550198"}}); err != nil {
		t.Errorf("number of a failed add is not free: %v", err)
	}
}

func TestProviderModify(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	orgAddDomain(s, "example.com")
	orgAddDomain(s, "two.example.com")
	orgReseller(h, "r1", "Reseller One")
	add := orgSP13("sp1", "example.com", false)
	add.SupportEmail = ptr(datatypes.EmailAddress("help@example.com"))
	add.Contact = &datatypes.Contact{ContactName: ocixml.Some(datatypes.ContactContactName("Ann")), ContactEmail: ocixml.Some(datatypes.EmailAddress("ann@example.com"))}
	s.ok(add)

	// Partial update: absent keeps, nil clears, a value sets.
	s.ok(&provider.ServiceProviderModifyRequest{ServiceProviderID: "sp1",
		ServiceProviderName:         ocixml.Some(datatypes.ServiceProviderName("New Name")),
		SupportEmail:                ocixml.Null[datatypes.EmailAddress](),
		Contact:                     &datatypes.Contact{ContactNumber: ocixml.Some(datatypes.ContactContactNumber("5550100")), ContactEmail: ocixml.Null[datatypes.EmailAddress]()},
		UseServiceProviderLanguages: ptr(true),
	})
	g := get[*provider.ServiceProviderGetResponse22V4](s, orgSPGet("sp1"))
	name, _ := g.Contact.ContactName.Get()
	num, _ := g.Contact.ContactNumber.Get()
	if sv(g.ServiceProviderName) != "New Name" || g.SupportEmail != nil || name != "Ann" || num != "5550100" || g.Contact.ContactEmail.IsSet() ||
		!g.UseServiceProviderLanguages || g.IsEnterprise {
		t.Fatalf("after modify: %+v contact %+v", g, g.Contact)
	}

	for _, tc := range []struct {
		name string
		req  *provider.ServiceProviderModifyRequest
		code ocip.ErrorCode
	}{
		{"default domain not assigned", &provider.ServiceProviderModifyRequest{DefaultDomain: ptr(datatypes.NetAddress("two.example.com"))}, ocip.CodeInvalidValue},
		{"unknown SP", &provider.ServiceProviderModifyRequest{ServiceProviderID: "nope"}, ocip.CodeNotFound},
		{"extension length", &provider.ServiceProviderModifyRequest{DefaultExtensionLength: ocixml.Some(datatypes.ExtensionLength(4))}, ocip.CodeNotSupported},
		{"location code length", &provider.ServiceProviderModifyRequest{LocationCodeLength: ocixml.Some(datatypes.EnterpriseLocationDialingCodeLength(3))}, ocip.CodeNotSupported},
		{"unknown reseller", &provider.ServiceProviderModifyRequest{ResellerID: ptr(datatypes.ResellerId22("r9"))}, ocip.CodeNotFound},
		{"reseller name mismatch", &provider.ServiceProviderModifyRequest{ResellerID: ptr(datatypes.ResellerId22("r1")), ResellerName: ptr(datatypes.ResellerName22("Other"))}, ocip.CodeInvalidValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := orgIn(t, s)
			if tc.req.ServiceProviderID == "" {
				tc.req.ServiceProviderID = "sp1"
			}
			s.fails(tc.req, tc.code)
			if g := get[*provider.ServiceProviderGetResponse22V4](s, orgSPGet("sp1")); g.DefaultDomain != "example.com" || g.ResellerID != nil {
				t.Errorf("a failed modify changed the SP: %+v", g)
			}
		})
	}
	// Nil on an unmodelled setting is what it already is.
	s.ok(&provider.ServiceProviderModifyRequest{ServiceProviderID: "sp1", DefaultExtensionLength: ocixml.Null[datatypes.ExtensionLength]()})

	s.ok(&provider.ServiceProviderDomainAssignListRequest{ServiceProviderID: "sp1", Domain: []datatypes.NetAddress{"two.example.com"}})
	s.ok(&provider.ServiceProviderModifyRequest{ServiceProviderID: "sp1", DefaultDomain: ptr(datatypes.NetAddress("two.example.com")),
		ResellerID: ptr(datatypes.ResellerId22("r1")), ResellerName: ptr(datatypes.ResellerName22("Reseller One"))})
	if g := get[*provider.ServiceProviderGetResponse22V4](s, orgSPGet("sp1")); g.DefaultDomain != "two.example.com" || sv(g.ResellerID) != "r1" {
		t.Fatalf("default domain / reseller: %+v", g)
	}
	// The old default can go now; the new one cannot.
	s.ok(&provider.ServiceProviderDomainUnassignListRequest{ServiceProviderID: "sp1", Domain: []datatypes.NetAddress{"example.com"}})
	s.fails(&provider.ServiceProviderDomainUnassignListRequest{ServiceProviderID: "sp1", Domain: []datatypes.NetAddress{"two.example.com"}}, ocip.CodeInUse)
}

func TestProviderDelete(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	ctx := context.Background()
	orgAddDomain(s, "example.com")
	orgAddSP(s, "sp1", "example.com", false)
	orgAddGroup(s, "sp1", "g1", "example.com", 10)
	if err := h.core.AddSPNumbers(ctx, orgSysActor, "sp1", provisioning.NumberSet{Numbers: []string{"2025550100"}}); err != nil {
		t.Fatal(err)
	}
	s.fails(&provider.ServiceProviderDeleteRequest{ServiceProviderID: "sp1"}, ocip.CodeInUse)
	s.ok(&group.GroupDeleteRequest{ServiceProviderID: "sp1", GroupID: "g1"})
	s.ok(&provider.ServiceProviderDeleteRequest{ServiceProviderID: "sp1"})
	s.fails(orgSPGet("sp1"), ocip.CodeNotFound)
	s.fails(&provider.ServiceProviderDeleteRequest{ServiceProviderID: "sp1"}, ocip.CodeNotFound)
	// Its numbers and domain assignment went with it: both are free again.
	orgAddSP(s, "sp2", "example.com", false)
	if err := h.core.AddSPNumbers(ctx, orgSysActor, "sp2", provisioning.NumberSet{Numbers: []string{"2025550100"}}); err != nil {
		t.Errorf("number of a deleted SP: %v", err)
	}
}

func TestProviderGetList(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	orgAddDomain(s, "example.com")
	orgReseller(h, "r1", "Reseller One")
	orgReseller(h, "r2", "Reseller Two")
	for _, sp := range []struct {
		id, name, reseller string
		ent                bool
	}{
		{"alpha", "Alpha Corp", "", false},
		{"Alpha2", "Second Alpha", "r1", true},
		{"beta", "Beta Ltd", "r1", false},
		{"gamma", "Gamma", "r2", true},
	} {
		r := orgSP13(sp.id, "example.com", sp.ent)
		r.ServiceProviderName = ptr(datatypes.ServiceProviderName(sp.name))
		if sp.reseller != "" {
			r.ResellerID = ptr(datatypes.ResellerId22(sp.reseller))
		}
		s.ok(r)
	}
	id := func(mode datatypes.SearchMode, v string, ci bool) datatypes.SearchCriteriaServiceProviderId {
		return datatypes.SearchCriteriaServiceProviderId{Mode: mode, Value: datatypes.ServiceProviderId(v), IsCaseInsensitive: ci}
	}
	for _, tc := range []struct {
		name string
		req  *provider.ServiceProviderGetListRequest
		want []string
	}{
		{"all in id order", &provider.ServiceProviderGetListRequest{}, []string{"Alpha2", "alpha", "beta", "gamma"}},
		{"starts with, case-insensitive", &provider.ServiceProviderGetListRequest{SearchCriteriaServiceProviderID: []datatypes.SearchCriteriaServiceProviderId{id(datatypes.SearchModeStartsWith, "al", true)}}, []string{"Alpha2", "alpha"}},
		{"starts with, case-sensitive", &provider.ServiceProviderGetListRequest{SearchCriteriaServiceProviderID: []datatypes.SearchCriteriaServiceProviderId{id(datatypes.SearchModeStartsWith, "al", false)}}, []string{"alpha"}},
		{"contains", &provider.ServiceProviderGetListRequest{SearchCriteriaServiceProviderID: []datatypes.SearchCriteriaServiceProviderId{id(datatypes.SearchModeContains, "PH", true)}}, []string{"Alpha2", "alpha"}},
		{"equal to", &provider.ServiceProviderGetListRequest{SearchCriteriaServiceProviderID: []datatypes.SearchCriteriaServiceProviderId{id(datatypes.SearchModeEqualTo, "ALPHA", true)}}, []string{"alpha"}},
		{"same criterion twice is ANDed", &provider.ServiceProviderGetListRequest{SearchCriteriaServiceProviderID: []datatypes.SearchCriteriaServiceProviderId{
			id(datatypes.SearchModeStartsWith, "a", true), id(datatypes.SearchModeContains, "2", true)}}, []string{"Alpha2"}},
		{"name", &provider.ServiceProviderGetListRequest{SearchCriteriaServiceProviderName: []datatypes.SearchCriteriaServiceProviderName{
			{Mode: datatypes.SearchModeContains, Value: "alpha", IsCaseInsensitive: true}}}, []string{"Alpha2", "alpha"}},
		{"reseller", &provider.ServiceProviderGetListRequest{SearchCriteriaResellerID: []datatypes.SearchCriteriaResellerId{
			{Mode: datatypes.SearchModeEqualTo, Value: "r1", IsCaseInsensitive: true}}}, []string{"Alpha2", "beta"}},
		{"enterprises", &provider.ServiceProviderGetListRequest{IsEnterprise: ptr(true)}, []string{"Alpha2", "gamma"}},
		{"service providers", &provider.ServiceProviderGetListRequest{IsEnterprise: ptr(false)}, []string{"alpha", "beta"}},
		{"size limit", &provider.ServiceProviderGetListRequest{ResponseSizeLimit: ptr(datatypes.ResponseSizeLimit(3))}, []string{"Alpha2", "alpha", "beta"}},
		{"no match", &provider.ServiceProviderGetListRequest{SearchCriteriaServiceProviderID: []datatypes.SearchCriteriaServiceProviderId{id(datatypes.SearchModeEqualTo, "zeta", true)}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := get[*provider.ServiceProviderGetListResponse](orgIn(t, s), tc.req)
			tb := r.ServiceProviderTable
			if want := []string{"Service Provider Id", "Service Provider Name", "Is Enterprise", "Reseller Id"}; !slices.Equal(tb.Headings, want) {
				t.Fatalf("headings %v", tb.Headings)
			}
			if got := orgColumn(t, tb, "Service Provider Id"); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	// Row contents.
	r := get[*provider.ServiceProviderGetListResponse](s, &provider.ServiceProviderGetListRequest{
		SearchCriteriaServiceProviderID: []datatypes.SearchCriteriaServiceProviderId{id(datatypes.SearchModeEqualTo, "Alpha2", false)}})
	if row := r.ServiceProviderTable.Row(0); !slices.Equal(row, []string{"Alpha2", "Second Alpha", "true", "r1"}) {
		t.Errorf("row %v", row)
	}
	// isCaseInsensitive left out means case-insensitive.
	raw := orgRaw(s, "ServiceProviderGetListRequest", `<searchCriteriaServiceProviderId><mode>Starts With</mode><value>AL</value></searchCriteriaServiceProviderId>`)
	if l, ok := raw.(*provider.ServiceProviderGetListResponse); !ok || !slices.Equal(orgColumn(t, l.ServiceProviderTable, "Service Provider Id"), []string{"Alpha2", "alpha"}) {
		t.Errorf("default case-insensitive: %s", describe(raw))
	}

	// A reseller admin sees its own SPs only, whatever the reseller criteria.
	rs := orgLoginAs(h, store.Admin{ID: "r1admin", Level: store.LevelReseller, ResellerID: "r1"})
	for _, req := range []*provider.ServiceProviderGetListRequest{{}, {SearchCriteriaResellerID: []datatypes.SearchCriteriaResellerId{{Mode: datatypes.SearchModeEqualTo, Value: "r2", IsCaseInsensitive: true}}}} {
		l := get[*provider.ServiceProviderGetListResponse](rs, req)
		if got := orgColumn(t, l.ServiceProviderTable, "Service Provider Id"); !slices.Equal(got, []string{"Alpha2", "beta"}) {
			t.Errorf("reseller list %v", got)
		}
	}
	rs.fails(orgSPGet("gamma"), ocip.CodeUnauthorized)
	// Its adds land in its own reseller, whatever the request names.
	mine := orgSP13("delta", "example.com", false)
	mine.ResellerID = ptr(datatypes.ResellerId22("r2"))
	rs.ok(mine)
	if g := get[*provider.ServiceProviderGetResponse22V4](s, orgSPGet("delta")); sv(g.ResellerID) != "r1" {
		t.Errorf("reseller admin's SP has reseller %v", g.ResellerID)
	}
	if g := get[*provider.ServiceProviderGetResponse22V4](rs, orgSPGet("beta")); g.ServiceProviderID != "beta" {
		t.Errorf("reseller get %+v", g)
	}
}

func TestProviderAuthorization(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	orgAddDomain(s, "example.com")
	orgAddDomain(s, "two.example.com")
	orgAddSP(s, "sp1", "example.com", false)
	orgAddSP(s, "sp2", "example.com", false)
	orgAddGroup(s, "sp1", "g1", "example.com", 5)
	spAdmin := orgLoginAs(h, store.Admin{ID: "sp1admin", Level: store.LevelServiceProvider, SPID: "sp1", AdminType: "Normal"})
	grpAdmin := orgLoginAs(h, store.Admin{ID: "g1admin", Level: store.LevelGroup, SPID: "sp1", GroupID: "g1"})
	readOnly := orgLoginAs(h, store.Admin{ID: "viewer", Level: store.LevelSystem, ReadOnly: true})

	for _, tc := range []struct {
		name string
		s    *session
		req  ocixml.Command
	}{
		{"SP admin reads another SP", spAdmin, orgSPGet("sp2")},
		{"SP admin reads a missing SP", spAdmin, orgSPGet("nope")},
		{"SP admin modifies another SP", spAdmin, &provider.ServiceProviderModifyRequest{ServiceProviderID: "sp2", ServiceProviderName: ocixml.Some(datatypes.ServiceProviderName("x"))}},
		{"SP admin deletes its SP", spAdmin, &provider.ServiceProviderDeleteRequest{ServiceProviderID: "sp1"}},
		{"SP admin adds an SP", spAdmin, orgSP13("sp3", "example.com", false)},
		{"SP admin lists SPs", spAdmin, &provider.ServiceProviderGetListRequest{}},
		{"SP admin assigns a system domain", spAdmin, &provider.ServiceProviderDomainAssignListRequest{ServiceProviderID: "sp1", Domain: []datatypes.NetAddress{"two.example.com"}}},
		{"SP admin reads another SP's domains", spAdmin, &provider.ServiceProviderDomainGetAssignedListRequest22{ServiceProviderID: "sp2"}},
		{"SP admin moves its SP to a reseller", spAdmin, &provider.ServiceProviderModifyRequest{ServiceProviderID: "sp1", ResellerID: ptr(datatypes.ResellerId22("r1"))}},
		{"group admin reads its SP", grpAdmin, orgSPGet("sp1")},
		{"group admin modifies its SP", grpAdmin, &provider.ServiceProviderModifyRequest{ServiceProviderID: "sp1"}},
		{"read-only adds an SP", readOnly, orgSP13("sp3", "example.com", false)},
		{"read-only adds a consolidated SP", readOnly, orgConsolidated("sp3")},
		{"read-only modifies", readOnly, &provider.ServiceProviderModifyRequest{ServiceProviderID: "sp1", ServiceProviderName: ocixml.Some(datatypes.ServiceProviderName("x"))}},
		{"read-only deletes", readOnly, &provider.ServiceProviderDeleteRequest{ServiceProviderID: "sp2"}},
		{"read-only assigns a domain", readOnly, &provider.ServiceProviderDomainAssignListRequest{ServiceProviderID: "sp1", Domain: []datatypes.NetAddress{"two.example.com"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orgIn(t, tc.s).fails(tc.req, ocip.CodeUnauthorized)
		})
	}
	// Nothing changed, and the reads they may run work.
	if g := get[*provider.ServiceProviderGetResponse22V4](spAdmin, orgSPGet("sp1")); sv(g.ServiceProviderName) != "sp1 name" {
		t.Errorf("sp1 changed: %+v", g)
	}
	if g := get[*provider.ServiceProviderGetResponse22V4](readOnly, orgSPGet("sp2")); sv(g.ServiceProviderName) != "sp2 name" {
		t.Errorf("sp2 changed: %+v", g)
	}
	if l := get[*provider.ServiceProviderGetListResponse](readOnly, &provider.ServiceProviderGetListRequest{}); l.ServiceProviderTable.Len() != 2 {
		t.Errorf("read-only list: %v", l.ServiceProviderTable.Rows())
	}
	spAdmin.ok(&provider.ServiceProviderModifyRequest{ServiceProviderID: "sp1", ServiceProviderName: ocixml.Some(datatypes.ServiceProviderName("Mine"))})
	get[*provider.ServiceProviderDomainGetAssignedListResponse22](spAdmin, &provider.ServiceProviderDomainGetAssignedListRequest22{ServiceProviderID: "sp1"})
}

func TestProviderDomainAssignment(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	orgReseller(h, "r1", "Reseller One")
	for _, d := range []string{"example.com", "a.example.com", "b.example.com", "c.example.org"} {
		orgAddDomain(s, d)
	}
	s.ok(&system.SystemDomainAddRequest{Domain: "r1.example.com", ResellerID: ptr(datatypes.ResellerId22("r1"))})
	orgAddSP(s, "sp1", "example.com", false)
	assign := func(doms ...datatypes.NetAddress) *provider.ServiceProviderDomainAssignListRequest {
		return &provider.ServiceProviderDomainAssignListRequest{ServiceProviderID: "sp1", Domain: doms}
	}
	unassign := func(doms ...datatypes.NetAddress) *provider.ServiceProviderDomainUnassignListRequest {
		return &provider.ServiceProviderDomainUnassignListRequest{ServiceProviderID: "sp1", Domain: doms}
	}
	list := func(req *provider.ServiceProviderDomainGetAssignedListRequest22) []datatypes.NetAddress {
		t.Helper()
		if req == nil {
			req = &provider.ServiceProviderDomainGetAssignedListRequest22{}
		}
		req.ServiceProviderID = "sp1"
		r := get[*provider.ServiceProviderDomainGetAssignedListResponse22](s, req)
		if r.ServiceProviderDefaultDomain != "example.com" {
			t.Errorf("default domain %q", r.ServiceProviderDefaultDomain)
		}
		return r.Domain
	}
	s.ok(assign("a.example.com", "b.example.com", "c.example.org"))
	if got := list(nil); !slices.Equal(got, []datatypes.NetAddress{"a.example.com", "b.example.com", "c.example.org", "example.com"}) {
		t.Fatalf("assigned %v", got)
	}
	e := s.fails(assign("a.example.com"), ocip.CodeDomainAlreadyAssigned)
	if !strings.Contains(e.Summary, "a.example.com") {
		t.Errorf("4267 summary %q", e.Summary)
	}
	s.fails(assign("example.com"), ocip.CodeDomainAlreadyAssigned)
	s.fails(assign("nowhere.example"), ocip.CodeNotFound)
	s.fails(assign("r1.example.com"), ocip.CodeInvalidValue) // another reseller's (the SP has none)
	s.fails(&provider.ServiceProviderDomainAssignListRequest{ServiceProviderID: "nope", Domain: []datatypes.NetAddress{"a.example.com"}}, ocip.CodeNotFound)
	// A list with a bad entry assigns nothing.
	s.ok(unassign("b.example.com"))
	s.fails(assign("b.example.com", "nowhere.example"), ocip.CodeNotFound)
	if got := list(nil); slices.Contains(got, "b.example.com") {
		t.Errorf("partial assignment kept: %v", got)
	}

	// Criteria, exact level and limit on the 22 read; the older read lists all.
	got := list(&provider.ServiceProviderDomainGetAssignedListRequest22{SearchCriteriaDomainName: []datatypes.SearchCriteriaDomainName{
		{Mode: datatypes.SearchModeContains, Value: "EXAMPLE.COM", IsCaseInsensitive: true}}})
	if !slices.Equal(got, []datatypes.NetAddress{"a.example.com", "example.com"}) {
		t.Errorf("criteria %v", got)
	}
	if got := list(&provider.ServiceProviderDomainGetAssignedListRequest22{ResponseSizeLimit: ptr(datatypes.ResponseSizeLimit(1))}); !slices.Equal(got, []datatypes.NetAddress{"a.example.com"}) {
		t.Errorf("limit %v", got)
	}
	if got := list(&provider.ServiceProviderDomainGetAssignedListRequest22{SearchCriteriaExactDomainLevel: &datatypes.SearchCriteriaExactDomainLevel{DomainLevel: datatypes.DomainLevelReseller}}); len(got) != 0 {
		t.Errorf("reseller-level domains %v", got)
	}
	old := get[*deprecated.ServiceProviderDomainGetAssignedListResponse](s, &deprecated.ServiceProviderDomainGetAssignedListRequest{ServiceProviderID: "sp1"})
	if old.ServiceProviderDefaultDomain != "example.com" || len(old.Domain) != 3 {
		t.Errorf("old read %+v", old)
	}

	// Unassign rules: not the default, not one a group uses.
	orgAddGroup(s, "sp1", "g1", "example.com", 5)
	s.ok(&group.GroupDomainAssignListRequest{ServiceProviderID: "sp1", GroupID: "g1", Domain: []datatypes.NetAddress{"c.example.org"}})
	s.fails(unassign("example.com"), ocip.CodeInUse)
	s.fails(unassign("c.example.org"), ocip.CodeInUse)
	s.fails(unassign("b.example.com"), ocip.CodeNotFound)
	s.ok(unassign("a.example.com"))
	if got := list(nil); !slices.Equal(got, []datatypes.NetAddress{"c.example.org", "example.com"}) {
		t.Errorf("after unassign %v", got)
	}
}

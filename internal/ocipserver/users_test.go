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
	"github.com/switchboard/switchboard/ocip/schema/deprecateduser"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// userWorld is the provisioning every user test starts from: a system
// domain example.com plus other.com (not on the SP), SP "acme" with
// numbers +1-2025550100..0119 (0100..0109 on group g1), group g1 (limit
// 5), user services authorized to the SP, and one admin per level.
type userWorld struct {
	h                            *harness
	sys, prov, sp, grp, otherGrp *session
	sysActor                     *provisioning.Actor
}

const pw = "User-pass1"

func newUserWorld(t *testing.T) *userWorld {
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
	for _, d := range []string{"example.com", "other.com", "third.com"} {
		must(h.core.AddSystemDomain(ctx, a, d, ""))
	}
	must(h.core.AddServiceProvider(ctx, a, provisioning.ServiceProviderAdd{SP: store.ServiceProvider{ID: "acme", Name: "Acme", DefaultDomain: "example.com"}, Domains: []string{"third.com"}}))
	must(h.core.AddSPNumbers(ctx, a, "acme", provisioning.NumberSet{Ranges: [][2]string{{"+1-2025550100", "+1-2025550119"}}}))
	must(h.core.AddGroup(ctx, a, provisioning.GroupAdd{Group: store.Group{SPID: "acme", ID: "g1", Name: "Group 1", DefaultDomain: "example.com", UserLimit: 5}}))
	must(h.core.AddGroup(ctx, a, provisioning.GroupAdd{Group: store.Group{SPID: "acme", ID: "g2", Name: "Group 2", DefaultDomain: "example.com", UserLimit: 5}}))
	must(h.core.AssignGroupNumbers(ctx, a, "acme", "g1", provisioning.NumberSet{Ranges: [][2]string{{"2025550100", "2025550109"}}}))
	var auth []provisioning.AuthChange
	for _, s := range []string{"Shared Call Appearance", "Third-Party Voice Mail Support", "Authentication", "Voice Messaging User", "Call Waiting"} {
		auth = append(auth, provisioning.AuthChange{Kind: store.SvcUser, Name: s, Quantity: store.Unlimited})
	}
	auth = append(auth, provisioning.AuthChange{Kind: store.SvcUser, Name: "Three-Way Call", Quantity: 1})
	must(h.core.ModifySPServiceAuth(ctx, a, "acme", auth))
	admins := []store.Admin{
		{ID: "prov", Level: store.LevelProvisioning},
		{ID: "spadmin", Level: store.LevelServiceProvider, SPID: "acme"},
		{ID: "g1admin@example.com", Level: store.LevelGroup, SPID: "acme", GroupID: "g1"},
		{ID: "g2admin@example.com", Level: store.LevelGroup, SPID: "acme", GroupID: "g2"},
	}
	for _, ad := range admins {
		must(h.core.AddAdmin(ctx, a, provisioning.AdminAdd{Admin: ad, Password: pw}))
	}
	return &userWorld{h: h, sys: h.admin(), prov: h.login("prov", pw), sp: h.login("spadmin", pw),
		grp: h.login("g1admin@example.com", pw), otherGrp: h.login("g2admin@example.com", pw), sysActor: a}
}

func addReq(id string) *user.UserAddRequest22V2 {
	return &user.UserAddRequest22V2{ServiceProviderID: "acme", GroupID: "g1", UserID: datatypes.UserId(id),
		LastName: "Smith", FirstName: "Ann", CallingLineIDLastName: "Smith", CallingLineIDFirstName: "Ann",
		Password: ocixml.Ptr(datatypes.Password(pw))}
}

func consReq(id string) *user.UserConsolidatedAddRequest22 {
	return &user.UserConsolidatedAddRequest22{ServiceProviderID: ocixml.Ptr(datatypes.ServiceProviderId("acme")), GroupID: ocixml.Ptr(datatypes.GroupId("g1")),
		UserID: datatypes.UserId(id), LastName: "Jones", FirstName: "Bob", CallingLineIDLastName: "Jones", CallingLineIDFirstName: "Bob",
		Password: ocixml.Ptr(datatypes.Password(pw))}
}

func (w *userWorld) userExists(id string) bool {
	_, err := w.h.core.User(context.Background(), w.sysActor, id)
	return err == nil
}

func TestUserAddGetRoundTrip(t *testing.T) {
	w := newUserWorld(t)
	req := addReq("ann@example.com")
	req.PhoneNumber = ocixml.Ptr(datatypes.DN("2025550101"))
	req.EmailAddress = ocixml.Ptr(datatypes.EmailAddress("ann@example.com"))
	req.Alias = []datatypes.SIPURI{"ann.alias@example.com"}
	req.AlternateUserID = []datatypes.AlternateUserIdEntry{{AlternateUserID: "asmith@example.com"}}
	req.Title = ocixml.Ptr(datatypes.Title("Engineer"))
	req.Address = &datatypes.StreetAddress{}
	req.Address.City.Set("Springfield")
	w.grp.ok(req)

	// By primary id, by alternate id: the primary id comes back.
	for _, id := range []string{"ann@example.com", "asmith@example.com"} {
		g := get[*user.UserGetResponse23V2](w.grp, &user.UserGetRequest23V2{UserID: datatypes.UserId(id)})
		if g.UserID != "ann@example.com" || g.LastName != "Smith" || g.ServiceProviderID != "acme" || g.GroupID != "g1" {
			t.Fatalf("get %s: %+v", id, g)
		}
		if g.PhoneNumber == nil || *g.PhoneNumber != "2025550101" || g.CountryCode != "1" {
			t.Fatalf("number: %v cc %q", g.PhoneNumber, g.CountryCode)
		}
		if g.Extension == nil || *g.Extension != "0101" {
			t.Fatalf("extension derived from the number: %v", g.Extension)
		}
		if g.DefaultAlias != "ann@example.com" || len(g.Alias) != 1 || g.Title == nil || *g.Title != "Engineer" || g.Address == nil || nv(g.Address.City) != "Springfield" {
			t.Fatalf("profile: %+v", g)
		}
		if g.Language == "" || g.TimeZone == "" || g.TimeZoneDisplayName == "" || !g.AllowVideo {
			t.Fatalf("required defaults missing: %+v", g)
		}
	}
	// Older versions are served from the same record.
	g22 := get[*deprecateduser.UserGetResponse22](w.grp, &deprecateduser.UserGetRequest22{UserID: "ann@example.com"})
	if g22.LastName != "Smith" || g22.PhoneNumber == nil || len(g22.AlternateUserID) != 1 {
		t.Fatalf("22: %+v", g22)
	}
	// The table shows the canonical number.
	l := get[*user.UserGetListInGroupResponse](w.grp, &user.UserGetListInGroupRequest{ServiceProviderID: "acme", GroupID: "g1"})
	if l.UserTable.Len() != 1 || l.UserTable.Get(0, "Phone Number") != "+1-2025550101" || l.UserTable.Get(0, "Extension") != "0101" {
		t.Fatalf("list: %v", l.UserTable.Maps())
	}
}

func TestUserAddRules(t *testing.T) {
	w := newUserWorld(t)
	w.grp.ok(addReq("first@example.com"))
	cases := []struct {
		name string
		mod  func(r *user.UserAddRequest22V2)
		s    *session
		code ocip.ErrorCode
	}{
		{"duplicate id", func(r *user.UserAddRequest22V2) { r.UserID = "first@example.com" }, w.grp, ocip.CodeAlreadyExists},
		{"id taken by an admin", func(r *user.UserAddRequest22V2) { r.UserID = "g2admin@example.com" }, w.grp, ocip.CodeAlreadyExists},
		{"domain not on the group", func(r *user.UserAddRequest22V2) { r.UserID = "x@third.com" }, w.grp, ocip.CodeInvalidValue},
		{"number not on the group", func(r *user.UserAddRequest22V2) { r.PhoneNumber = ocixml.Ptr(datatypes.DN("2025550115")) }, w.grp, ocip.CodeInvalidValue},
		{"bad extension", func(r *user.UserAddRequest22V2) { r.Extension = ocixml.Ptr(datatypes.Extension17("12a")) }, w.grp, ocip.CodeInvalidValue},
		{"no password", func(r *user.UserAddRequest22V2) { r.Password = nil }, w.grp, ocip.CodeInvalidValue},
		{"unknown department", func(r *user.UserAddRequest22V2) {
			r.Department = &datatypes.GroupDepartmentKey{ServiceProviderID: "acme", GroupID: "g1", Name: "Nope"}
		}, w.grp, ocip.CodeNotFound},
		{"other group's admin", func(r *user.UserAddRequest22V2) {}, w.otherGrp, ocip.CodeUnauthorized},
		{"trunk addressing unsupported", func(r *user.UserAddRequest22V2) { r.TrunkAddressing = &datatypes.TrunkAddressingMultipleContactAdd22{} }, w.grp, ocip.CodeInvalidValue},
		{"hotline unsupported", func(r *user.UserAddRequest22V2) {
			r.AccessDeviceEndpoint = &datatypes.AccessDeviceMultipleIdentityAndContactEndpointAdd22V2{
				AccessDevice: datatypes.AccessDevice{DeviceLevel: "Group", DeviceName: "d"}, LinePort: "lp@example.com", UseHotline: true}
		}, w.grp, ocip.CodeInvalidValue},
		{"endpoint on a missing device", func(r *user.UserAddRequest22V2) {
			r.AccessDeviceEndpoint = &datatypes.AccessDeviceMultipleIdentityAndContactEndpointAdd22V2{
				AccessDevice: datatypes.AccessDevice{DeviceLevel: "Group", DeviceName: "nodev"}, LinePort: "lp@example.com"}
		}, w.grp, ocip.CodeNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := addReq("new@example.com")
			c.mod(r)
			c.s.fails(r, c.code)
			if w.userExists("new@example.com") {
				t.Fatal("a refused add left a user behind")
			}
		})
	}
	// Extension uniqueness and the number in use.
	r := addReq("second@example.com")
	r.Extension = ocixml.Ptr(datatypes.Extension17("555"))
	r.PhoneNumber = ocixml.Ptr(datatypes.DN("+1-2025550102"))
	w.grp.ok(r)
	r = addReq("third@example.com")
	r.Extension = ocixml.Ptr(datatypes.Extension17("555"))
	w.grp.fails(r, ocip.CodeInUse)
	r = addReq("third@example.com")
	r.PhoneNumber = ocixml.Ptr(datatypes.DN("12025550102"[1:]))
	w.grp.fails(r, ocip.CodeInUse)
	// The plain add does not raise the user limit (5): fill it, then fail.
	for _, id := range []string{"u3@example.com", "u4@example.com", "u5@example.com"} {
		w.grp.ok(addReq(id))
	}
	w.grp.fails(addReq("u6@example.com"), ocip.CodeLimitExceeded)
}

// The rules of UserConsolidatedAddRequest22 in AS data mode (seed 001),
// each with the case that makes the command fail.
func TestUserConsolidatedAddRules(t *testing.T) {
	ctx := context.Background()
	t.Run("user limit is raised by one", func(t *testing.T) {
		w := newUserWorld(t)
		for i := range 5 {
			w.grp.ok(addReq("u" + string(rune('a'+i)) + "@example.com"))
		}
		w.grp.fails(addReq("plain@example.com"), ocip.CodeLimitExceeded)
		w.grp.ok(consReq("cons@example.com"))
		gi, err := w.h.core.Group(ctx, w.sysActor, "acme", "g1", "")
		if err != nil || gi.Group.UserLimit != 6 || gi.UserCount != 6 {
			t.Fatalf("limit %d count %d err %v", gi.Group.UserLimit, gi.UserCount, err)
		}
	})
	t.Run("missing group is created by an SP admin from groupProperties", func(t *testing.T) {
		w := newUserWorld(t)
		r := consReq("n1@example.com")
		r.GroupID = ocixml.Ptr(datatypes.GroupId("newgrp"))
		w.sp.fails(r, ocip.CodeNotFound) // no groupProperties
		r.GroupProperties = &datatypes.ConsolidatedGroupProperties{DefaultDomain: "example.com", UserLimit: 3, GroupName: ocixml.Ptr(datatypes.GroupName("New"))}
		w.grp.fails(r, ocip.CodeUnauthorized) // a group admin may not create groups
		if _, err := w.h.core.Group(ctx, w.sysActor, "acme", "newgrp", ""); err == nil {
			t.Fatal("group created by a refused request")
		}
		w.sp.ok(r)
		gi, err := w.h.core.Group(ctx, w.sysActor, "acme", "newgrp", "")
		if err != nil || gi.Group.Name != "New" || gi.Group.UserLimit != 3 || gi.UserCount != 1 {
			t.Fatalf("group %+v err %v", gi, err)
		}
		// groupProperties is ignored once the group exists.
		r2 := consReq("n2@example.com")
		r2.GroupID = ocixml.Ptr(datatypes.GroupId("newgrp"))
		r2.GroupProperties = &datatypes.ConsolidatedGroupProperties{DefaultDomain: "example.com", UserLimit: 99, GroupName: ocixml.Ptr(datatypes.GroupName("Other"))}
		w.sp.ok(r2)
		gi, _ = w.h.core.Group(ctx, w.sysActor, "acme", "newgrp", "")
		if gi.Group.Name != "New" || gi.Group.UserLimit != 3 {
			t.Fatalf("groupProperties applied to an existing group: %+v", gi.Group)
		}
	})
	t.Run("domain not on the group is assigned by an SP admin", func(t *testing.T) {
		w := newUserWorld(t)
		w.grp.fails(consReq("a@third.com"), ocip.CodeUnauthorized)
		if _, doms, _ := w.h.core.AssignedDomains(ctx, w.sysActor, "acme", "g1"); len(doms) != 1 {
			t.Fatalf("refused request assigned a domain: %v", doms)
		}
		w.sp.ok(consReq("a@third.com"))
		if _, doms, _ := w.h.core.AssignedDomains(ctx, w.sysActor, "acme", "g1"); len(doms) != 2 {
			t.Fatalf("group domains %v", doms)
		}
	})
	t.Run("domain not on the SP is assigned by a provisioning admin", func(t *testing.T) {
		w := newUserWorld(t)
		w.sp.fails(consReq("a@other.com"), ocip.CodeUnauthorized)
		if _, doms, _ := w.h.core.AssignedDomains(ctx, w.sysActor, "acme", ""); len(doms) != 2 {
			t.Fatalf("refused request assigned an SP domain: %v", doms)
		}
		w.prov.ok(consReq("a@other.com"))
		_, spd, _ := w.h.core.AssignedDomains(ctx, w.sysActor, "acme", "")
		_, gd, _ := w.h.core.AssignedDomains(ctx, w.sysActor, "acme", "g1")
		if len(spd) != 3 || len(gd) != 2 {
			t.Fatalf("sp %v group %v", spd, gd)
		}
	})
	t.Run("phone number added to the group only with the flag, by an SP admin, when on the SP", func(t *testing.T) {
		w := newUserWorld(t)
		r := consReq("p@example.com")
		r.PhoneNumber = ocixml.Ptr(datatypes.DN("2025550115")) // on the SP, not on g1
		w.sp.fails(r, ocip.CodeInvalidValue)                   // flag not set
		r.AddPhoneNumberToGroup = true
		w.grp.fails(r, ocip.CodeUnauthorized) // group admin
		r2 := consReq("p@example.com")
		r2.AddPhoneNumberToGroup = true
		r2.PhoneNumber = ocixml.Ptr(datatypes.DN("2025559999")) // not on the SP
		w.sp.fails(r2, ocip.CodeInvalidValue)
		w.sp.ok(r)
		uses, _ := w.h.core.GroupNumbers(ctx, w.sysActor, "acme", "g1")
		found := false
		for _, u := range uses {
			if u.DN.Number == "+1-2025550115" && u.User != nil && u.User.ID == "p@example.com" {
				found = true
			}
		}
		if !found {
			t.Fatal("number not moved to the group and given to the user")
		}
	})
	t.Run("services are authorized to the group by an SP admin, unlimited by default", func(t *testing.T) {
		w := newUserWorld(t)
		r := consReq("s@example.com")
		r.UserService = []datatypes.ConsolidatedUserServiceAssignment{{UserServiceName: "Call Waiting"}}
		w.grp.fails(r, ocip.CodeUnauthorized)
		w.sp.ok(r)
		lines, _ := w.h.core.GroupAuthorizations(ctx, w.sysActor, "acme", "g1")
		var auths []provisioning.AuthLine
		for _, l := range lines {
			if l.Authorized {
				auths = append(auths, l)
			}
		}
		if len(auths) != 1 || auths[0].Name != "Call Waiting" || auths[0].Quantity != store.Unlimited || auths[0].Used != 1 {
			t.Fatalf("group authorizations %+v", auths)
		}
		// Now authorized: a group admin may assign it.
		r2 := consReq("s2@example.com")
		r2.UserService = []datatypes.ConsolidatedUserServiceAssignment{{UserServiceName: "Call Waiting"}}
		w.grp.ok(r2)
		// The SP holds Three-Way Call with quantity 1: unlimited for the
		// group does not fit.
		r3 := consReq("s3@example.com")
		r3.UserService = []datatypes.ConsolidatedUserServiceAssignment{{UserServiceName: "Three-Way Call"}}
		w.sp.fails(r3, ocip.CodeLimitExceeded)
		r3.UserService[0].AuthorizedQuantity = &datatypes.UnboundedPositiveInt{Quantity: ocixml.Ptr(datatypes.UnboundedPositiveIntQuantity(1))}
		w.sp.ok(r3)
		// A service the SP does not have at all.
		r4 := consReq("s4@example.com")
		r4.UserService = []datatypes.ConsolidatedUserServiceAssignment{{UserServiceName: "Call Forwarding Always"}}
		w.sp.fails(r4, ocip.CodeServiceAssignFailed)
		if w.userExists("s4@example.com") {
			t.Fatal("user left behind")
		}
	})
	t.Run("the endpoint creates the device and links the user to it", func(t *testing.T) {
		w := newUserWorld(t)
		r := consReq("ep@example.com")
		r.AccessDeviceEndpoint = &datatypes.ConsolidatedAccessDeviceMultipleIdentityEndpointAndContactAdd22{
			AccessDevice: datatypes.AccessDevice{DeviceLevel: "Group", DeviceName: "cons-desk"}, LinePort: "ep_lp@example.com",
			DeviceType: ocixml.Ptr(datatypes.AccessDeviceType("Generic SIP Phone"))}
		w.sp.ok(r)
		g := get[*user.UserGetResponse23V2](w.sp, &user.UserGetRequest23V2{UserID: "ep@example.com"})
		if g.AccessDeviceEndpoint == nil || g.AccessDeviceEndpoint.LinePort != "ep_lp@example.com" || g.AccessDeviceEndpoint.AccessDevice.DeviceName != "cons-desk" {
			t.Fatalf("endpoint: %+v", g.AccessDeviceEndpoint)
		}
		// The line port is now taken.
		r = consReq("ep2@example.com")
		r.AccessDeviceEndpoint = &datatypes.ConsolidatedAccessDeviceMultipleIdentityEndpointAndContactAdd22{
			AccessDevice: datatypes.AccessDevice{DeviceLevel: "Group", DeviceName: "cons-desk"}, LinePort: "ep_lp@example.com"}
		w.sp.fails(r, ocip.CodeInUse)
		if w.userExists("ep2@example.com") {
			t.Fatal("a refused add left a user behind")
		}
	})
	t.Run("shared call appearance, third-party voice mail and SIP authentication need their service", func(t *testing.T) {
		w := newUserWorld(t)
		sca := []datatypes.ConsolidatedSharedCallAppearanceAccessDeviceMultipleIdentityEndpointAdd22{{
			AccessDevice: datatypes.AccessDevice{DeviceLevel: "Group", DeviceName: "dev1"}, LinePort: "sca1@example.com", IsActive: true}}
		r := consReq("sca@example.com")
		r.SharedCallAppearanceAccessDeviceEndpoint = sca
		w.sp.fails(r, ocip.CodeInvalidValue)
		r.UserService = []datatypes.ConsolidatedUserServiceAssignment{{UserServiceName: "Shared Call Appearance"}}
		w.sp.ok(r)

		r = consReq("vm@example.com")
		r.ThirdPartyVoiceMailServerSelection = ocixml.Ptr(datatypes.ThirdPartyVoiceMailSupportServerSelection("Group Mail Server"))
		w.sp.fails(r, ocip.CodeInvalidValue)
		r.UserService = []datatypes.ConsolidatedUserServiceAssignment{{UserServiceName: "Third-Party Voice Mail Support"}}
		w.sp.ok(r)

		r = consReq("auth@example.com")
		r.SIPAuthenticationData = &datatypes.SIPAuthenticationUserNamePassword{SIPAuthenticationUserName: "authuser", SIPAuthenticationPassword: "Sip-pass1"}
		w.sp.fails(r, ocip.CodeInvalidValue)
		// Through a service pack holding Authentication.
		if err := w.h.core.AddServicePack(ctx, w.sysActor, store.ServicePack{SPID: "acme", Name: "AuthPack", Available: true, Quantity: store.Unlimited, Services: []string{"Authentication"}}); err != nil {
			t.Fatal(err)
		}
		r.ServicePack = []datatypes.ConsolidatedServicePackAssignment{{ServicePackName: "AuthPack"}}
		w.sp.ok(r)
	})
	t.Run("password is required without external authentication", func(t *testing.T) {
		w := newUserWorld(t)
		r := consReq("nopw@example.com")
		r.Password = nil
		w.sp.fails(r, ocip.CodeInvalidValue)
	})
	t.Run("alternate user ids by a group admin", func(t *testing.T) {
		w := newUserWorld(t)
		r := consReq("alt@example.com")
		r.AlternateUserID = []datatypes.AlternateUserIdEntry{{AlternateUserID: "alt2@example.com"}}
		w.grp.ok(r)
		if !w.userExists("alt2@example.com") {
			t.Fatal("alternate id does not resolve")
		}
	})
	t.Run("atomic: a late failure leaves nothing behind", func(t *testing.T) {
		w := newUserWorld(t)
		r := consReq("atom@other.com") // domain to add to SP and group
		r.GroupID = ocixml.Ptr(datatypes.GroupId("atomgrp"))
		r.GroupProperties = &datatypes.ConsolidatedGroupProperties{DefaultDomain: "example.com", UserLimit: 2}
		r.PhoneNumber = ocixml.Ptr(datatypes.DN("2025550118"))
		r.AddPhoneNumberToGroup = true
		r.UserService = []datatypes.ConsolidatedUserServiceAssignment{{UserServiceName: "Call Waiting"}}
		r.ServicePack = []datatypes.ConsolidatedServicePackAssignment{{ServicePackName: "NoSuchPack"}}
		w.prov.fails(r, ocip.CodeNotFound)
		if w.userExists("atom@other.com") {
			t.Fatal("user left behind")
		}
		if _, err := w.h.core.Group(ctx, w.sysActor, "acme", "atomgrp", ""); err == nil {
			t.Fatal("group left behind")
		}
		if _, doms, _ := w.h.core.AssignedDomains(ctx, w.sysActor, "acme", ""); len(doms) != 2 {
			t.Fatalf("SP domain left behind: %v", doms)
		}
		uses, _ := w.h.core.SPNumbers(ctx, w.sysActor, "acme")
		for _, u := range uses {
			if u.DN.Number == "+1-2025550118" && u.DN.GroupID != "" {
				t.Fatal("number left on a group")
			}
		}
	})
}

func TestUserModifySemantics(t *testing.T) {
	w := newUserWorld(t)
	r := addReq("m@example.com")
	r.PhoneNumber = ocixml.Ptr(datatypes.DN("2025550103"))
	r.Title = ocixml.Ptr(datatypes.Title("Boss"))
	r.Alias = []datatypes.SIPURI{"a1@example.com", "a2@example.com"}
	w.grp.ok(r)
	m := &user.UserModifyRequest22{UserID: "m@example.com", LastName: ocixml.Ptr(datatypes.LastName("Brown"))}
	m.Title = ocixml.Null[datatypes.Title]() // nil clears
	m.SIPAliasList.Set(datatypes.ReplacementSIPAliasList{SIPAlias: []datatypes.SIPURI{"a3@example.com"}})
	w.grp.ok(m)
	g := get[*user.UserGetResponse23V2](w.grp, &user.UserGetRequest23V2{UserID: "m@example.com"})
	if g.LastName != "Brown" || g.FirstName != "Ann" || g.Title != nil || len(g.Alias) != 1 || g.Alias[0] != "a3@example.com" {
		t.Fatalf("modify: %+v", g)
	}
	if g.PhoneNumber == nil || *g.PhoneNumber != "2025550103" {
		t.Fatal("absent element changed the number")
	}
	m = &user.UserModifyRequest22{UserID: "m@example.com"}
	m.PhoneNumber = ocixml.Null[datatypes.DN]()
	w.grp.ok(m)
	g = get[*user.UserGetResponse23V2](w.grp, &user.UserGetRequest23V2{UserID: "m@example.com"})
	if g.PhoneNumber != nil {
		t.Fatal("nil did not clear the number")
	}
	// Self-service: the user changes its own password only with the old one.
	u := w.h.login("m@example.com", pw)
	bad := &user.UserModifyRequest22{UserID: "m@example.com", OldPassword: ocixml.Ptr(datatypes.Password("wrong"))}
	bad.NewPassword.Set("New-pass2")
	u.fails(bad, ocip.CodeInvalidPassword)
	good := &user.UserModifyRequest22{UserID: "m@example.com", OldPassword: ocixml.Ptr(datatypes.Password(pw))}
	good.NewPassword.Set("New-pass2")
	u.ok(good)
	w.h.login("m@example.com", "New-pass2")
	// A user cannot modify another user; another group's admin neither.
	w.grp.ok(addReq("other@example.com"))
	u.fails(&user.UserModifyRequest22{UserID: "other@example.com", LastName: ocixml.Ptr(datatypes.LastName("X"))}, ocip.CodeUnauthorized)
	w.otherGrp.fails(&user.UserModifyRequest22{UserID: "other@example.com", LastName: ocixml.Ptr(datatypes.LastName("X"))}, ocip.CodeUnauthorized)
}

func TestUserListsAndDelete(t *testing.T) {
	w := newUserWorld(t)
	names := [][2]string{{"zed@example.com", "Zimmer"}, {"amy@example.com", "adams"}, {"bob@example.com", "Baker"}}
	for _, n := range names {
		r := addReq(n[0])
		r.LastName = datatypes.LastName(n[1])
		w.grp.ok(r)
	}
	list := func(s *session, req ocixml.Command) ocixml.Table {
		t.Helper()
		switch r := s.one(req).(type) {
		case *user.UserGetListInGroupResponse:
			return r.UserTable
		case *user.UserGetListInServiceProviderResponse:
			return r.UserTable
		case *user.UserGetListInSystemResponse:
			return r.UserTable
		default:
			t.Fatalf("%s: %s", req.XSIType(), describe(r))
		}
		return ocixml.Table{}
	}
	all := list(w.grp, &user.UserGetListInGroupRequest{ServiceProviderID: "acme", GroupID: "g1"})
	if all.Len() != 3 || all.Get(0, "User Id") != "amy@example.com" || all.Get(2, "User Id") != "zed@example.com" {
		t.Fatalf("order: %v", all.Maps())
	}
	crit := &user.UserGetListInGroupRequest{ServiceProviderID: "acme", GroupID: "g1",
		SearchCriteriaUserLastName: []datatypes.SearchCriteriaUserLastName{{Mode: "Starts With", Value: "A", IsCaseInsensitive: true}}}
	if got := list(w.grp, crit); got.Len() != 1 || got.Get(0, "Last Name") != "adams" {
		t.Fatalf("case-insensitive starts with: %v", got.Maps())
	}
	crit.SearchCriteriaUserLastName[0].IsCaseInsensitive = false
	if got := list(w.grp, crit); got.Len() != 0 {
		t.Fatalf("case-sensitive: %v", got.Maps())
	}
	limit := &user.UserGetListInGroupRequest{ServiceProviderID: "acme", GroupID: "g1", ResponseSizeLimit: ocixml.Ptr(datatypes.ResponseSizeLimit(2))}
	if got := list(w.grp, limit); got.Len() != 2 {
		t.Fatalf("limit: %d", got.Len())
	}
	if got := list(w.sp, &user.UserGetListInServiceProviderRequest{ServiceProviderID: ocixml.Ptr(datatypes.ServiceProviderId("acme"))}); got.Len() != 3 || got.Get(0, "Group Id") != "g1" {
		t.Fatalf("sp list: %v", got.Maps())
	}
	sys := list(w.sys, &user.UserGetListInSystemRequest{SearchCriteriaUserID: []datatypes.SearchCriteriaUserId{{Mode: "Contains", Value: "B", IsCaseInsensitive: true}}})
	if sys.Len() != 1 || sys.Get(0, "Service Provider Id") != "acme" {
		t.Fatalf("system list: %v", sys.Maps())
	}
	w.grp.fails(&user.UserGetListInSystemRequest{}, ocip.CodeUnauthorized)
	w.otherGrp.fails(&user.UserGetListInGroupRequest{ServiceProviderID: "acme", GroupID: "g1"}, ocip.CodeUnauthorized)
	// An empty list still carries its headings.
	empty := list(w.otherGrp, &user.UserGetListInGroupRequest{ServiceProviderID: "acme", GroupID: "g2"})
	if empty.Len() != 0 || len(empty.Headings) == 0 {
		t.Fatalf("empty table: %+v", empty)
	}
	w.grp.ok(&user.UserDeleteRequest{UserID: "bob@example.com"})
	w.grp.fails(&user.UserGetRequest23V2{UserID: "bob@example.com"}, ocip.CodeUnauthorized)
	w.sys.fails(&user.UserGetRequest23V2{UserID: "bob@example.com"}, ocip.CodeUserNotFound)
}

func TestUserServiceAssignWarning(t *testing.T) {
	w := newUserWorld(t)
	ctx := context.Background()
	w.grp.ok(addReq("svc@example.com"))
	if err := w.h.core.ModifyGroupServiceAuth(ctx, w.sysActor, "acme", "g1", []provisioning.AuthChange{{Kind: store.SvcUser, Name: "Call Waiting", Quantity: store.Unlimited}}); err != nil {
		t.Fatal(err)
	}
	// One of two fails: Warning naming the failure; the other is assigned.
	r := w.grp.one(&user.UserServiceAssignListRequest{UserID: "svc@example.com", ServiceName: []datatypes.UserService{"Call Waiting", "Authentication"}})
	e, ok := r.(*core.ErrorResponse)
	if !ok || e.Type != core.ErrorResponseTypeWarning || e.ErrorCode == nil || *e.ErrorCode != 4400 {
		t.Fatalf("want a 4400 warning, got %s", describe(r))
	}
	a := get[*user.UserServiceGetAssignmentListResponse](w.grp, &user.UserServiceGetAssignmentListRequest{UserID: "svc@example.com"})
	if a.UserServicesAssignmentTable.Len() != 1 || a.UserServicesAssignmentTable.Get(0, "Assigned") != "true" {
		t.Fatalf("assignment table: %v", a.UserServicesAssignmentTable.Maps())
	}
	// All fail: type Error.
	r = w.grp.one(&user.UserServiceAssignListRequest{UserID: "svc@example.com", ServiceName: []datatypes.UserService{"Authentication"}})
	if e, ok := r.(*core.ErrorResponse); !ok || e.Type != core.ErrorResponseTypeError {
		t.Fatalf("want an error, got %s", describe(r))
	}
	as := get[*user.UserAssignedServicesGetListResponse](w.grp, &user.UserAssignedServicesGetListRequest{UserID: ocixml.Ptr(datatypes.UserId("svc@example.com"))})
	if len(as.UserServiceEntry) != 1 || as.UserServiceEntry[0].ServiceName != "Call Waiting" {
		t.Fatalf("assigned services: %+v", as.UserServiceEntry)
	}
}

func TestUserConsolidatedDelete(t *testing.T) {
	w := newUserWorld(t)
	ctx := context.Background()
	mk := func(id, number string) {
		t.Helper()
		r := addReq(id)
		r.PhoneNumber = ocixml.Ptr(datatypes.DN(number))
		w.grp.ok(r)
	}
	numberOf := func(n string) store.DN {
		t.Helper()
		uses, err := w.h.core.SPNumbers(ctx, w.sysActor, "acme")
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range uses {
			if u.DN.Number == n {
				return u.DN
			}
		}
		return store.DN{}
	}
	mk("d1@example.com", "2025550104")
	mk("d2@example.com", "2025550105")
	mk("d3@example.com", "2025550106")
	group := datatypes.UnassignPhoneNumbersLevel("Group")
	sp := datatypes.UnassignPhoneNumbersLevel("Service Provider")
	// Returning the number to the SP needs an SP admin; removing it from
	// the SP needs a provisioning admin. A refusal deletes nothing.
	w.grp.fails(&user.UserConsolidatedDeleteRequest{UserID: "d1@example.com", UnassignPhoneNumbers: &group}, ocip.CodeUnauthorized)
	if !w.userExists("d1@example.com") {
		t.Fatal("refused delete removed the user")
	}
	w.sp.ok(&user.UserConsolidatedDeleteRequest{UserID: "d1@example.com", UnassignPhoneNumbers: &group})
	if d := numberOf("+1-2025550104"); d.SPID != "acme" || d.GroupID != "" {
		t.Fatalf("number not back on the SP: %+v", d)
	}
	w.sp.fails(&user.UserConsolidatedDeleteRequest{UserID: "d2@example.com", UnassignPhoneNumbers: &sp}, ocip.CodeUnauthorized)
	w.prov.ok(&user.UserConsolidatedDeleteRequest{UserID: "d2@example.com", UnassignPhoneNumbers: &sp})
	if d := numberOf("+1-2025550105"); d.Number != "" {
		t.Fatalf("number still on the SP: %+v", d)
	}
	// Without the option the number stays on the group.
	w.grp.ok(&user.UserConsolidatedDeleteRequest{UserID: "d3@example.com"})
	if d := numberOf("+1-2025550106"); d.GroupID != "g1" {
		t.Fatalf("number left the group: %+v", d)
	}
	if w.userExists("d1@example.com") || w.userExists("d2@example.com") || w.userExists("d3@example.com") {
		t.Fatal("users not deleted")
	}
}

func TestUserPasscode(t *testing.T) {
	w := newUserWorld(t)
	w.grp.ok(addReq("pc@example.com"))
	w.grp.ok(&user.UserPortalPasscodeModifyRequest{UserID: "pc@example.com", NewPasscode: "4826"})
	w.grp.fails(&user.UserPortalPasscodeModifyRequest{UserID: "pc@example.com", NewPasscode: "12ab"}, ocip.CodeInvalidValue)
	w.otherGrp.fails(&user.UserPortalPasscodeModifyRequest{UserID: "pc@example.com", NewPasscode: "1111"}, ocip.CodeUnauthorized)
	var stored string
	if err := w.h.st.View(context.Background(), func(tx store.Tx) error {
		u, err := tx.GetUser("pc@example.com")
		stored = u.Passcode
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if stored == "" || strings.Contains(stored, "4826") || !provisioning.VerifyPasscode(stored, "4826") || provisioning.VerifyPasscode(stored, "1111") {
		t.Fatalf("passcode stored as %q", stored)
	}
}

func TestUserListCriteria(t *testing.T) {
	w := newUserWorld(t)
	ctx := context.Background()
	if err := w.h.core.AddDepartment(ctx, w.sysActor, store.Department{SPID: "acme", GroupID: "g1", Name: "Sales"}); err != nil {
		t.Fatal(err)
	}
	add := func(id, last, number, ext, email string, sales bool) {
		t.Helper()
		r := addReq(id)
		r.LastName = datatypes.LastName(last)
		if number != "" {
			r.PhoneNumber = ocixml.Ptr(datatypes.DN(number))
		}
		if ext != "" {
			r.Extension = ocixml.Ptr(datatypes.Extension17(ext))
		}
		r.EmailAddress = ocixml.Ptr(datatypes.EmailAddress(email))
		if sales {
			r.Department = &datatypes.GroupDepartmentKey{ServiceProviderID: "acme", GroupID: "g1", Name: "Sales"}
		}
		w.grp.ok(r)
	}
	add("c1@example.com", "Alpha", "2025550101", "", "c1@mail.test", true)
	add("c2@example.com", "Beta", "2025550102", "777", "c2@corp.test", false)
	add("c3@example.com", "Gamma", "", "778", "c3@corp.test", true)
	ids := func(req *user.UserGetListInGroupRequest) []string {
		t.Helper()
		req.ServiceProviderID, req.GroupID = "acme", "g1"
		tab := get[*user.UserGetListInGroupResponse](w.grp, req).UserTable
		var out []string
		for i := range tab.Len() {
			out = append(out, tab.Get(i, "User Id"))
		}
		return out
	}
	cases := []struct {
		name string
		req  *user.UserGetListInGroupRequest
		want []string
	}{
		{"dn contains, national or +CC", &user.UserGetListInGroupRequest{SearchCriteriaDn: []datatypes.SearchCriteriaDn{{Mode: "Contains", Value: "5550102", IsCaseInsensitive: true}}}, []string{"c2@example.com"}},
		{"extension equal", &user.UserGetListInGroupRequest{SearchCriteriaExtension: []datatypes.SearchCriteriaExtension{{Mode: "Equal To", Value: "778", IsCaseInsensitive: true}}}, []string{"c3@example.com"}},
		{"email contains", &user.UserGetListInGroupRequest{SearchCriteriaEmailAddress: []datatypes.SearchCriteriaEmailAddress{{Mode: "Contains", Value: "corp", IsCaseInsensitive: true}}}, []string{"c2@example.com", "c3@example.com"}},
		{"exact department", &user.UserGetListInGroupRequest{SearchCriteriaExactUserDepartment: &datatypes.SearchCriteriaExactUserDepartment{
			DepartmentKey: &datatypes.GroupDepartmentKey{ServiceProviderID: "acme", GroupID: "g1", Name: "Sales"}}}, []string{"c1@example.com", "c3@example.com"}},
		{"criteria are ANDed", &user.UserGetListInGroupRequest{
			SearchCriteriaEmailAddress: []datatypes.SearchCriteriaEmailAddress{{Mode: "Contains", Value: "corp", IsCaseInsensitive: true}},
			SearchCriteriaExactUserDepartment: &datatypes.SearchCriteriaExactUserDepartment{
				DepartmentKey: &datatypes.GroupDepartmentKey{ServiceProviderID: "acme", GroupID: "g1", Name: "Sales"}}}, []string{"c3@example.com"}},
		{"same criterion twice is ANDed", &user.UserGetListInGroupRequest{SearchCriteriaUserLastName: []datatypes.SearchCriteriaUserLastName{
			{Mode: "Contains", Value: "a", IsCaseInsensitive: true}, {Mode: "Starts With", Value: "g", IsCaseInsensitive: true}}}, []string{"c3@example.com"}},
		{"in trunk group: none", &user.UserGetListInGroupRequest{SearchCriteriaExactUserInTrunkGroup: &datatypes.SearchCriteriaExactUserInTrunkGroup{UserInTrunkGroup: true}}, nil},
		{"not in trunk group: all", &user.UserGetListInGroupRequest{SearchCriteriaExactUserInTrunkGroup: &datatypes.SearchCriteriaExactUserInTrunkGroup{UserInTrunkGroup: false}},
			[]string{"c1@example.com", "c2@example.com", "c3@example.com"}},
	}
	for _, c := range cases {
		if got := ids(c.req); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

// A user's endpoint names an existing device; a line port belongs to one
// user system-wide; the endpoint reads back and can be cleared with nil.
func TestUserEndpoints(t *testing.T) {
	w := newUserWorld(t)
	w.grp.ok(&deprecatedgroup.GroupAccessDeviceAddRequest14{ServiceProviderID: "acme", GroupID: "g1", DeviceName: "desk1", DeviceType: "Generic SIP Phone"})
	ep := func(lp string) *datatypes.AccessDeviceMultipleIdentityAndContactEndpointAdd22V2 {
		return &datatypes.AccessDeviceMultipleIdentityAndContactEndpointAdd22V2{AccessDevice: datatypes.AccessDevice{DeviceLevel: "Group", DeviceName: "desk1"},
			LinePort: datatypes.AccessDeviceEndpointLinePort(lp)}
	}
	r := addReq("e1@example.com")
	r.AccessDeviceEndpoint = ep("e1_lp@example.com")
	w.grp.ok(r)
	r = addReq("e2@example.com")
	r.AccessDeviceEndpoint = ep("e1_lp@example.com")
	w.grp.fails(r, ocip.CodeInUse)
	r.AccessDeviceEndpoint = ep("e2_lp@example.com")
	w.grp.ok(r)
	g := get[*user.UserGetResponse23V2](w.grp, &user.UserGetRequest23V2{UserID: "e1@example.com"})
	if g.AccessDeviceEndpoint == nil || g.AccessDeviceEndpoint.LinePort != "e1_lp@example.com" || g.AccessDeviceEndpoint.AccessDevice.DeviceName != "desk1" {
		t.Fatalf("endpoint: %+v", g.AccessDeviceEndpoint)
	}
	// Moving e2 onto e1's line port is refused; clearing e1's endpoint
	// frees it.
	mod := &user.UserModifyRequest22{UserID: "e2@example.com"}
	mod.Endpoint.Set(user.UserModifyRequest22Endpoint{AccessDeviceEndpoint: &datatypes.AccessDeviceMultipleIdentityAndContactEndpointModify22{
		LinePort: ocixml.Ptr(datatypes.AccessDeviceEndpointLinePort("e1_lp@example.com"))}})
	w.grp.fails(mod, ocip.CodeInUse)
	drop := &user.UserModifyRequest22{UserID: "e1@example.com"}
	drop.Endpoint = ocixml.Null[user.UserModifyRequest22Endpoint]()
	w.grp.ok(drop)
	w.grp.ok(mod)
	g = get[*user.UserGetResponse23V2](w.grp, &user.UserGetRequest23V2{UserID: "e1@example.com"})
	if g.AccessDeviceEndpoint != nil {
		t.Fatalf("endpoint not cleared: %+v", g.AccessDeviceEndpoint)
	}
}

// A user's first plain-password login adds the slow hash; later logins
// check it, and the signed login (SHA-1 based) keeps working.
func TestUserPasswordUpgrade(t *testing.T) {
	w := newUserWorld(t)
	w.grp.ok(addReq("up@example.com"))
	stored := func() store.User {
		t.Helper()
		var u store.User
		if err := w.h.st.View(context.Background(), func(tx store.Tx) error {
			var err error
			u, err = tx.GetUser("up@example.com")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return u
	}
	if u := stored(); u.PasswordHash != "" || u.PasswordSHA1 != provisioning.SHA1Hex(pw) {
		t.Fatalf("after add: %q %q", u.PasswordHash, u.PasswordSHA1)
	}
	w.h.login("up@example.com", pw)
	if u := stored(); !strings.HasPrefix(u.PasswordHash, "pbkdf2-sha256$") {
		t.Fatalf("no slow hash after a plain login: %q", u.PasswordHash)
	}
	w.h.login("up@example.com", pw)
	s := w.h.session()
	s.fails(&deprecated.LoginRequest14sp4{UserID: "up@example.com", PlainTextPassword: ocixml.Ptr(datatypes.Password("wrong"))}, ocip.CodeInvalidPassword)
	a := get[*deprecated.AuthenticationResponse](s, &deprecated.AuthenticationRequest{UserID: "up@example.com"})
	signed := datatypes.SignedPassword(ocip.SignedPassword(a.Nonce, pw))
	if r := s.one(&deprecated.LoginRequest14sp4{UserID: "up@example.com", SignedPassword: &signed}); r.XSIType() != "LoginResponse14sp4" {
		t.Fatalf("signed login after the upgrade: %s", describe(r))
	}
}

package storetest

import (
	"testing"

	"github.com/switchboard/switchboard/internal/store"
)

func testSettings(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		_, err := tx.GetSetting("version")
		is(t, err, store.ErrNotFound, "GetSetting of a missing key")
		ok(t, tx.PutSetting("version", "1"))
		ok(t, tx.PutSetting("mode", "emulation"))
		ok(t, tx.PutSetting("version", "2")) // overwrites
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		v, err := tx.GetSetting("version")
		ok(t, err)
		equal(t, v, "2", "version")
		v, err = tx.GetSetting("mode")
		ok(t, err)
		equal(t, v, "emulation", "mode")
		return nil
	})
}

func testDomains(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		for _, d := range []store.Domain{{Name: "b.example.com"}, {Name: "a.example.com", ResellerID: "r1"}, {Name: "c.example.com"}} {
			ok(t, tx.InsertDomain(d))
		}
		is(t, tx.InsertDomain(store.Domain{Name: "a.example.com"}), store.ErrExists, "InsertDomain twice")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		d, err := tx.GetDomain("a.example.com")
		ok(t, err)
		equal(t, d, store.Domain{Name: "a.example.com", ResellerID: "r1"}, "GetDomain")
		_, err = tx.GetDomain("x.example.com")
		is(t, err, store.ErrNotFound, "GetDomain of a missing domain")
		equal(t, collect(t, tx.ListDomains), []store.Domain{
			{Name: "a.example.com", ResellerID: "r1"}, {Name: "b.example.com"}, {Name: "c.example.com"},
		}, "ListDomains")
		equal(t, first(t, 1, tx.ListDomains), []store.Domain{{Name: "a.example.com", ResellerID: "r1"}}, "ListDomains stopped")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.DeleteDomain("b.example.com"))
		is(t, tx.DeleteDomain("b.example.com"), store.ErrNotFound, "DeleteDomain twice")
		_, err := tx.GetDomain("b.example.com")
		is(t, err, store.ErrNotFound, "GetDomain after delete")
		return nil
	})
}

func testResellers(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.InsertReseller(store.Reseller{ID: "r2", Name: "Two"}))
		ok(t, tx.InsertReseller(store.Reseller{ID: "r1", Name: "One"}))
		is(t, tx.InsertReseller(store.Reseller{ID: "r1"}), store.ErrExists, "InsertReseller twice")
		ok(t, tx.UpdateReseller(store.Reseller{ID: "r1", Name: "Uno"}))
		is(t, tx.UpdateReseller(store.Reseller{ID: "r9"}), store.ErrNotFound, "UpdateReseller of a missing reseller")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		r, err := tx.GetReseller("r1")
		ok(t, err)
		equal(t, r, store.Reseller{ID: "r1", Name: "Uno"}, "GetReseller")
		_, err = tx.GetReseller("r9")
		is(t, err, store.ErrNotFound, "GetReseller of a missing reseller")
		equal(t, collect(t, tx.ListResellers), []store.Reseller{{ID: "r1", Name: "Uno"}, {ID: "r2", Name: "Two"}}, "ListResellers")
		equal(t, first(t, 1, tx.ListResellers), []store.Reseller{{ID: "r1", Name: "Uno"}}, "ListResellers stopped")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.DeleteReseller("r1"))
		is(t, tx.DeleteReseller("r1"), store.ErrNotFound, "DeleteReseller twice")
		equal(t, collect(t, tx.ListResellers), []store.Reseller{{ID: "r2", Name: "Two"}}, "ListResellers after delete")
		return nil
	})
}

func fullSP() store.ServiceProvider {
	return store.ServiceProvider{
		ID: "ent1", Name: "Enterprise One", IsEnterprise: true, ResellerID: "r1",
		DefaultDomain: "ent1.example.com", ExternalID: "ext-sp-1",
		Profile: store.SPProfile{
			SupportEmail: "help@ent1.example.com",
			Contact:      store.Contact{Name: "Ann", Number: "+1-2025550100", Email: "ann@ent1.example.com"},
			Address: store.Address{Line1: "1 Main St", Line2: "Suite 2", City: "Springfield",
				StateProvince: "IL", ZipOrPostal: "62701", Country: "US"},
			UseCustomRoutingProfile: true,
			UseServiceProviderLangs: true,
			Extra:                   map[string]any{"note": "vip", "tier": float64(3), "flags": []any{"a", "b"}},
		},
	}
}

func testServiceProviders(t *testing.T, s store.Store) {
	sp := fullSP()
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.InsertServiceProvider(sp))
		ok(t, tx.InsertServiceProvider(store.ServiceProvider{ID: "sp0", Name: "Zero"}))
		// An empty ExternalID is "none": many providers may have none.
		ok(t, tx.InsertServiceProvider(store.ServiceProvider{ID: "sp2", Name: "Two"}))
		is(t, tx.InsertServiceProvider(store.ServiceProvider{ID: "ent1"}), store.ErrExists, "InsertServiceProvider with a taken id")
		is(t, tx.InsertServiceProvider(store.ServiceProvider{ID: "sp3", ExternalID: "ext-sp-1"}), store.ErrExists,
			"InsertServiceProvider with a taken ExternalID")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetServiceProvider("ent1")
		ok(t, err)
		equal(t, got, sp, "GetServiceProvider")
		got, err = tx.GetServiceProviderByExternalID("ext-sp-1")
		ok(t, err)
		equal(t, got, sp, "GetServiceProviderByExternalID")
		_, err = tx.GetServiceProviderByExternalID("nope")
		is(t, err, store.ErrNotFound, "GetServiceProviderByExternalID of a missing id")
		_, err = tx.GetServiceProvider("nope")
		is(t, err, store.ErrNotFound, "GetServiceProvider of a missing id")
		_, err = tx.GetServiceProvider("sp3")
		is(t, err, store.ErrNotFound, "the provider whose insert failed")
		ids := []string{}
		for _, p := range collect(t, tx.ListServiceProviders) {
			ids = append(ids, p.ID)
		}
		equal(t, ids, []string{"ent1", "sp0", "sp2"}, "ListServiceProviders")
		equal(t, first(t, 2, tx.ListServiceProviders)[1].ID, "sp0", "ListServiceProviders stopped")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		is(t, tx.UpdateServiceProvider(store.ServiceProvider{ID: "sp2", ExternalID: "ext-sp-1"}), store.ErrExists,
			"UpdateServiceProvider to a taken ExternalID")
		sp.Name, sp.ExternalID, sp.Profile = "Renamed", "ext-sp-9", store.SPProfile{SupportEmail: "x@y"}
		ok(t, tx.UpdateServiceProvider(sp))
		is(t, tx.UpdateServiceProvider(store.ServiceProvider{ID: "nope"}), store.ErrNotFound, "UpdateServiceProvider of a missing id")
		got, err := tx.GetServiceProvider("ent1")
		ok(t, err)
		equal(t, got, sp, "GetServiceProvider after update")
		_, err = tx.GetServiceProviderByExternalID("ext-sp-1")
		is(t, err, store.ErrNotFound, "the old ExternalID")
		// The freed ExternalID can be taken again.
		ok(t, tx.UpdateServiceProvider(store.ServiceProvider{ID: "sp2", Name: "Two", ExternalID: "ext-sp-1"}))
		ok(t, tx.DeleteServiceProvider("sp0"))
		is(t, tx.DeleteServiceProvider("sp0"), store.ErrNotFound, "DeleteServiceProvider twice")
		_, err = tx.GetServiceProvider("sp0")
		is(t, err, store.ErrNotFound, "GetServiceProvider after delete")
		return nil
	})
}

func testDomainAssignment(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.AssignDomain("sp1", "", "b.example.com"))
		ok(t, tx.AssignDomain("sp1", "", "a.example.com"))
		ok(t, tx.AssignDomain("sp1", "g1", "a.example.com"))
		ok(t, tx.AssignDomain("sp2", "", "a.example.com"))
		is(t, tx.AssignDomain("sp1", "", "a.example.com"), store.ErrExists, "AssignDomain twice")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.ListAssignedDomains("sp1", "")
		ok(t, err)
		equal(t, got, []string{"a.example.com", "b.example.com"}, "ListAssignedDomains at SP level")
		got, err = tx.ListAssignedDomains("sp1", "g1")
		ok(t, err)
		equal(t, got, []string{"a.example.com"}, "ListAssignedDomains at group level")
		got, err = tx.ListAssignedDomains("sp9", "")
		ok(t, err)
		if len(got) != 0 {
			t.Fatalf("ListAssignedDomains of an unknown SP = %v", got)
		}
		n, err := tx.CountDomainUse("a.example.com")
		ok(t, err)
		equal(t, n, 3, "CountDomainUse of a.example.com")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		u := user("u1@a.example.com", "sp1", "g1")
		u.Aliases = []string{"alias1@a.example.com", "alias2@b.example.com"}
		u.AlternateIDs = []store.AlternateID{{ID: "alt1@a.example.com"}}
		ok(t, tx.InsertUser(u))
		ok(t, tx.InsertAdmin(store.Admin{ID: "admin@a.example.com", Level: store.LevelSystem}))
		// Users' ids, aliases and alternate ids count; admins do not.
		n, err := tx.CountDomainUse("a.example.com")
		ok(t, err)
		equal(t, n, 6, "CountDomainUse with a user, an alias and an alternate id")
		n, err = tx.CountDomainUse("b.example.com")
		ok(t, err)
		equal(t, n, 2, "CountDomainUse of b.example.com")
		n, err = tx.CountDomainUse("unused.example.com")
		ok(t, err)
		equal(t, n, 0, "CountDomainUse of an unused domain")

		ok(t, tx.UnassignDomain("sp1", "", "a.example.com"))
		is(t, tx.UnassignDomain("sp1", "", "a.example.com"), store.ErrNotFound, "UnassignDomain twice")
		got, err := tx.ListAssignedDomains("sp1", "")
		ok(t, err)
		equal(t, got, []string{"b.example.com"}, "ListAssignedDomains after unassign")
		got, err = tx.ListAssignedDomains("sp1", "g1")
		ok(t, err)
		equal(t, got, []string{"a.example.com"}, "group assignment kept")
		return nil
	})
}

func fullGroup(sp, id string) store.Group {
	return store.Group{
		SPID: sp, ID: id, Name: "Group " + id, DefaultDomain: "example.com", UserLimit: 25, ExternalID: "ext-" + sp + "-" + id,
		Profile: store.GroupProfile{
			CallingLineIDName: "Main", TimeZone: "Europe/Paris", LocationDialingCode: "9",
			Contact: store.Contact{Name: "Bob"}, Address: store.Address{City: "Paris", Country: "FR"},
			ExtensionMin: 2, ExtensionMax: 5, ExtensionDefault: 4,
		},
	}
}

func testGroups(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		for _, g := range []store.Group{fullGroup("sp2", "a"), fullGroup("sp1", "b"), fullGroup("sp1", "a"), {SPID: "sp1", ID: "c"}} {
			ok(t, tx.InsertGroup(g))
		}
		ok(t, tx.InsertGroup(store.Group{SPID: "sp3", ID: "a"})) // same group id, other SP
		is(t, tx.InsertGroup(store.Group{SPID: "sp1", ID: "a"}), store.ErrExists, "InsertGroup twice")
		is(t, tx.InsertGroup(store.Group{SPID: "sp1", ID: "d", ExternalID: "ext-sp1-a"}), store.ErrExists,
			"InsertGroup with a taken ExternalID")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		g, err := tx.GetGroup("sp1", "a")
		ok(t, err)
		equal(t, g, fullGroup("sp1", "a"), "GetGroup")
		g, err = tx.GetGroupByExternalID("ext-sp2-a")
		ok(t, err)
		equal(t, g, fullGroup("sp2", "a"), "GetGroupByExternalID")
		_, err = tx.GetGroupByExternalID("nope")
		is(t, err, store.ErrNotFound, "GetGroupByExternalID of a missing id")
		_, err = tx.GetGroup("sp2", "b")
		is(t, err, store.ErrNotFound, "GetGroup of a missing group")
		keys := func(gs []store.Group) [][2]string {
			var out [][2]string
			for _, g := range gs {
				out = append(out, [2]string{g.SPID, g.ID})
			}
			return out
		}
		all := func(fn func(store.Group) bool) error { return tx.ListGroups("", fn) }
		equal(t, keys(collect(t, all)), [][2]string{{"sp1", "a"}, {"sp1", "b"}, {"sp1", "c"}, {"sp2", "a"}, {"sp3", "a"}},
			"ListGroups of every SP")
		sp1 := func(fn func(store.Group) bool) error { return tx.ListGroups("sp1", fn) }
		equal(t, keys(collect(t, sp1)), [][2]string{{"sp1", "a"}, {"sp1", "b"}, {"sp1", "c"}}, "ListGroups of sp1")
		equal(t, keys(first(t, 2, sp1)), [][2]string{{"sp1", "a"}, {"sp1", "b"}}, "ListGroups stopped")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		g := fullGroup("sp1", "a")
		g.Name, g.UserLimit, g.ExternalID, g.Profile = "Renamed", 99, "", store.GroupProfile{TimeZone: "UTC"}
		ok(t, tx.UpdateGroup(g))
		got, err := tx.GetGroup("sp1", "a")
		ok(t, err)
		equal(t, got, g, "GetGroup after update")
		is(t, tx.UpdateGroup(store.Group{SPID: "sp1", ID: "zz"}), store.ErrNotFound, "UpdateGroup of a missing group")
		is(t, tx.UpdateGroup(store.Group{SPID: "sp1", ID: "b", ExternalID: "ext-sp2-a"}), store.ErrExists,
			"UpdateGroup to a taken ExternalID")

		for i, u := range []store.User{user("u1", "sp1", "a"), user("u2", "sp1", "a"), user("u3", "sp1", "b"), user("u4", "sp2", "a")} {
			if i == 1 {
				u.Kind = store.KindCallCenter
			}
			ok(t, tx.InsertUser(u))
		}
		for _, c := range []struct {
			sp, group string
			kind      store.UserKind
			want      int
		}{
			{"sp1", "a", "", 2}, {"sp1", "a", store.KindUser, 1}, {"sp1", "a", store.KindCallCenter, 1},
			{"sp1", "", "", 3}, {"sp1", "", store.KindUser, 2}, {"sp2", "a", "", 1}, {"sp3", "a", "", 0},
		} {
			n, err := tx.CountUsers(c.sp, c.group, c.kind)
			ok(t, err)
			if n != c.want {
				t.Fatalf("CountUsers(%q, %q, %q) = %d, want %d", c.sp, c.group, c.kind, n, c.want)
			}
		}

		// The count follows deletes, moves and kind changes.
		countIs := func(sp, group string, want int) {
			t.Helper()
			n, err := tx.CountUsers(sp, group, store.KindUser)
			ok(t, err)
			if n != want {
				t.Fatalf("CountUsers(%q, %q, user) = %d, want %d", sp, group, n, want)
			}
		}
		moved := user("u3", "sp1", "a")
		ok(t, tx.UpdateUser(moved))
		countIs("sp1", "a", 2)
		countIs("sp1", "b", 0)
		moved.Kind = store.KindCallCenter
		ok(t, tx.UpdateUser(moved))
		countIs("sp1", "a", 1)
		ok(t, tx.DeleteUser("u1"))
		countIs("sp1", "a", 0)
		ok(t, tx.DeleteUser("u2"))
		countIs("sp1", "a", 0)

		ok(t, tx.DeleteGroup("sp1", "b"))
		is(t, tx.DeleteGroup("sp1", "b"), store.ErrNotFound, "DeleteGroup twice")
		_, err = tx.GetGroup("sp1", "b")
		is(t, err, store.ErrNotFound, "GetGroup after delete")
		return nil
	})
}

func testDepartments(t *testing.T, s store.Store) {
	ent := store.Department{SPID: "ent1", Name: "Sales", CallingLineIDName: "Sales Dept", CallingLineIDPhone: "+1-2025550100"}
	sub := store.Department{SPID: "ent1", Name: "Inside Sales", Parent: "Sales"}
	grp := store.Department{SPID: "ent1", GroupID: "g1", Name: "Team A", Parent: "Sales", ParentIsEnterprise: true}
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.InsertDepartment(ent))
		ok(t, tx.InsertDepartment(sub))
		ok(t, tx.InsertDepartment(grp))
		// The same name at another level is another department.
		ok(t, tx.InsertDepartment(store.Department{SPID: "ent1", GroupID: "g1", Name: "Sales"}))
		is(t, tx.InsertDepartment(store.Department{SPID: "ent1", Name: "Sales"}), store.ErrExists, "InsertDepartment twice")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		d, err := tx.GetDepartment("ent1", "", "Sales")
		ok(t, err)
		equal(t, d, ent, "GetDepartment (enterprise)")
		d, err = tx.GetDepartment("ent1", "g1", "Team A")
		ok(t, err)
		equal(t, d, grp, "GetDepartment (group)")
		_, err = tx.GetDepartment("ent1", "g2", "Team A")
		is(t, err, store.ErrNotFound, "GetDepartment of another group")
		entList := func(fn func(store.Department) bool) error { return tx.ListDepartments("ent1", "", fn) }
		equal(t, collect(t, entList), []store.Department{sub, ent}, "ListDepartments (enterprise)")
		equal(t, first(t, 1, entList), []store.Department{sub}, "ListDepartments stopped")
		grpList := func(fn func(store.Department) bool) error { return tx.ListDepartments("ent1", "g1", fn) }
		equal(t, collect(t, grpList), []store.Department{{SPID: "ent1", GroupID: "g1", Name: "Sales"}, grp}, "ListDepartments (group)")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		sub.Parent, sub.CallingLineIDName = "", "Inside"
		ok(t, tx.UpdateDepartment(sub))
		got, err := tx.GetDepartment("ent1", "", "Inside Sales")
		ok(t, err)
		equal(t, got, sub, "GetDepartment after update")
		is(t, tx.UpdateDepartment(store.Department{SPID: "ent1", Name: "Nope"}), store.ErrNotFound, "UpdateDepartment of a missing one")
		ok(t, tx.DeleteDepartment("ent1", "", "Inside Sales"))
		is(t, tx.DeleteDepartment("ent1", "", "Inside Sales"), store.ErrNotFound, "DeleteDepartment twice")
		return nil
	})
}

func testDNs(t *testing.T, s store.Store) {
	dns := []store.DN{
		{Number: "+1-2025550103", SPID: "sp1", GroupID: "g2", Activated: true},
		{Number: "+1-2025550101", SPID: "sp1"},
		{Number: "+1-2025550102", SPID: "sp1", GroupID: "g1"},
		{Number: "+1-2025550100", SPID: "sp1", GroupID: "g1", Activated: true},
		{Number: "+33-144556677", SPID: "sp2"},
	}
	update(t, s, func(tx store.Tx) error {
		for _, dn := range dns {
			ok(t, tx.InsertDN(dn))
		}
		is(t, tx.InsertDN(store.DN{Number: "+1-2025550101", SPID: "sp2"}), store.ErrExists, "InsertDN twice")
		return nil
	})
	numbers := func(list []store.DN) []string {
		out := []string{}
		for _, dn := range list {
			out = append(out, dn.Number)
		}
		return out
	}
	view(t, s, func(tx store.Tx) error {
		dn, err := tx.GetDN("+1-2025550103")
		ok(t, err)
		equal(t, dn, dns[0], "GetDN")
		_, err = tx.GetDN("+1-2025550199")
		is(t, err, store.ErrNotFound, "GetDN of a missing number")
		for _, c := range []struct {
			sp, group string
			want      []string
		}{
			{"sp1", "", []string{"+1-2025550101"}},
			{"sp1", "*", []string{"+1-2025550100", "+1-2025550101", "+1-2025550102", "+1-2025550103"}},
			{"sp1", "g1", []string{"+1-2025550100", "+1-2025550102"}},
			{"sp2", "*", []string{"+33-144556677"}},
			{"sp3", "*", []string{}},
		} {
			list := func(fn func(store.DN) bool) error { return tx.ListDNs(c.sp, c.group, fn) }
			equal(t, numbers(collect(t, list)), c.want, "ListDNs("+c.sp+", "+c.group+")")
		}
		list := func(fn func(store.DN) bool) error { return tx.ListDNs("sp1", "*", fn) }
		equal(t, first(t, 2, list), []store.DN{dns[3], dns[1]}, "ListDNs stopped")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		moved := store.DN{Number: "+1-2025550101", SPID: "sp1", GroupID: "g2", Activated: true}
		ok(t, tx.UpdateDN(moved))
		got, err := tx.GetDN(moved.Number)
		ok(t, err)
		equal(t, got, moved, "GetDN after update")
		is(t, tx.UpdateDN(store.DN{Number: "+1-2025550199"}), store.ErrNotFound, "UpdateDN of a missing number")
		ok(t, tx.DeleteDN("+1-2025550101"))
		is(t, tx.DeleteDN("+1-2025550101"), store.ErrNotFound, "DeleteDN twice")
		return nil
	})
}

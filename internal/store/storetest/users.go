package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/store"
)

// user is a minimal user of a group.
func user(id, sp, group string) store.User {
	return store.User{ID: id, Kind: store.KindUser, SPID: sp, GroupID: group, LastName: "L-" + id, FirstName: "F-" + id}
}

// fullUser sets every field of store.User.
func fullUser() store.User {
	created := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	return store.User{
		ID: "alice@example.com", Kind: store.KindUser, SPID: "ent1", GroupID: "g1",
		LastName: "Liddell", FirstName: "Alice", CLIDLastName: "Liddell", CLIDFirstName: "Al",
		PhoneNumber: "+1-2025550100", Extension: "0100", Department: "Sales", DepartmentEnt: true,
		Email: "alice@example.com", ExternalID: "ext-alice",
		Aliases:      []string{"sip-alice@example.com", "al@example.com"},
		AlternateIDs: []store.AlternateID{{ID: "alice.alt@example.com", Description: "old login"}, {ID: "a2@example.com"}},
		PasswordSHA1: "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
		Passcode: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$cGFzcw",
		Profile: store.UserProfile{
			CLIDPhoneNumber: "+1-2025550199", HiraganaLastName: "りでる", HiraganaFirstName: "ありす",
			NameDialingLast: "Liddell", NameDialingFirst: "Alice", Language: "English", TimeZone: "America/New_York",
			Title: "Dr", Pager: "123", Mobile: "+1-2025550111", YahooID: "alice", AddressLocation: "HQ",
			Address:               store.Address{Line1: "1 Rabbit Hole", City: "Oxford", Country: "GB"},
			NetworkClassOfService: "NCOS1", PersonID: "P-1", IsPlace: true,
			Endpoint: &store.Endpoint{DeviceLevel: "Group", DeviceName: "phone1", LinePort: "alice_lp@example.com", Contact: "sip:alice@10.0.0.1"},
			Extra:    map[string]any{"k": "v", "n": float64(2)},
		},
		Created:  created,
		Modified: created.Add(time.Hour),
	}
}

func testUsers(t *testing.T, s store.Store) {
	u := fullUser()
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.InsertUser(u))
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetUser(u.ID)
		ok(t, err)
		equal(t, got, u, "GetUser")
		if got.Created.Location() != time.UTC {
			t.Fatalf("Created comes back in %v, want UTC", got.Created.Location())
		}
		_, err = tx.GetUser("nobody@example.com")
		is(t, err, store.ErrNotFound, "GetUser of a missing user")
		return nil
	})
	// A non-UTC time is the same instant after the round trip.
	local := user("bob@example.com", "ent1", "g1")
	local.Created = time.Date(2026, 5, 6, 7, 8, 9, 0, time.FixedZone("X", 5*3600))
	update(t, s, func(tx store.Tx) error { return tx.InsertUser(local) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetUser(local.ID)
		ok(t, err)
		if !got.Created.Equal(local.Created) || !got.Modified.IsZero() {
			t.Fatalf("times: got %v / %v, want %v / zero", got.Created, got.Modified, local.Created)
		}
		if got.Aliases != nil || got.AlternateIDs != nil || got.Profile.Endpoint != nil {
			t.Fatalf("empty lists or endpoint came back as %#v %#v %#v", got.Aliases, got.AlternateIDs, got.Profile.Endpoint)
		}
		return nil
	})
}

func testUserUniqueness(t *testing.T, s store.Store) {
	u := fullUser()
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.InsertUser(u))
		ok(t, tx.InsertAdmin(store.Admin{ID: "root@example.com", Level: store.LevelSystem}))
		return nil
	})
	for _, c := range []struct {
		name string
		mod  func(*store.User)
	}{
		{"user id", func(v *store.User) { v.ID = u.ID }},
		{"admin id", func(v *store.User) { v.ID = "root@example.com" }},
		{"id equal to an alias", func(v *store.User) { v.ID = "al@example.com" }},
		{"id equal to an alternate id", func(v *store.User) { v.ID = "a2@example.com" }},
		{"alias equal to a user id", func(v *store.User) { v.Aliases = []string{"x@example.com", u.ID} }},
		{"alias equal to an alias", func(v *store.User) { v.Aliases = []string{"sip-alice@example.com"} }},
		{"alias equal to an admin id", func(v *store.User) { v.Aliases = []string{"root@example.com"} }},
		{"alternate id equal to an alternate id", func(v *store.User) { v.AlternateIDs = []store.AlternateID{{ID: "alice.alt@example.com"}} }},
		{"alternate id equal to an alias", func(v *store.User) { v.AlternateIDs = []store.AlternateID{{ID: "al@example.com"}} }},
		{"alias repeated", func(v *store.User) { v.Aliases = []string{"dup@example.com", "dup@example.com"} }},
		{"external id", func(v *store.User) { v.ExternalID = u.ExternalID }},
		{"phone number", func(v *store.User) { v.PhoneNumber = u.PhoneNumber }},
		{"extension in the group", func(v *store.User) { v.Extension = u.Extension }},
		{"line port", func(v *store.User) {
			v.Profile.Endpoint = &store.Endpoint{DeviceName: "other", LinePort: u.Profile.Endpoint.LinePort}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := user("new@example.com", "ent1", "g1")
			c.mod(&v)
			update(t, s, func(tx store.Tx) error {
				is(t, tx.InsertUser(v), store.ErrExists, "InsertUser with a taken "+c.name)
				// The failed insert left nothing: not the user, not any id it
				// claimed before the collision.
				if v.ID != u.ID && v.ID != "root@example.com" {
					_, err := tx.GetUser(v.ID)
					is(t, err, store.ErrNotFound, "GetUser after the failed insert")
				}
				for _, a := range v.Aliases {
					if id, err := tx.LookupUserID(a); err == nil && id == v.ID {
						t.Fatalf("alias %q of the failed insert resolves to %q", a, id)
					}
				}
				return nil
			})
		})
	}
	update(t, s, func(tx store.Tx) error {
		is(t, tx.InsertAdmin(store.Admin{ID: u.ID, Level: store.LevelSystem}), store.ErrExists, "InsertAdmin with a user's id")
		is(t, tx.InsertAdmin(store.Admin{ID: "al@example.com", Level: store.LevelSystem}), store.ErrExists, "InsertAdmin with an alias")
		// Empty unique fields never collide, and the same extension is
		// free in another group.
		ok(t, tx.InsertUser(user("n1@example.com", "ent1", "g1")))
		ok(t, tx.InsertUser(user("n2@example.com", "ent1", "g1")))
		other := user("n3@example.com", "ent1", "g2")
		other.Extension = u.Extension
		ok(t, tx.InsertUser(other))
		// The new user's aliases, free after the failures above, can be taken.
		v := user("new@example.com", "ent1", "g1")
		v.Aliases = []string{"x@example.com", "dup@example.com"}
		ok(t, tx.InsertUser(v))
		return nil
	})
}

func testUserLookups(t *testing.T, s store.Store) {
	u := fullUser()
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.InsertUser(u))
		ok(t, tx.InsertAdmin(store.Admin{ID: "root@example.com", Level: store.LevelSystem}))
		sp := user("spdev@example.com", "ent1", "g2")
		sp.Profile.Endpoint = &store.Endpoint{DeviceLevel: "Service Provider", DeviceName: "trunk", LinePort: "trunk_lp@example.com"}
		ok(t, tx.InsertUser(sp))
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		for _, id := range []string{u.ID, "sip-alice@example.com", "al@example.com", "alice.alt@example.com", "a2@example.com"} {
			got, err := tx.LookupUserID(id)
			ok(t, err)
			equal(t, got, u.ID, "LookupUserID("+id+")")
		}
		for _, id := range []string{"nobody@example.com", "root@example.com"} {
			_, err := tx.LookupUserID(id)
			is(t, err, store.ErrNotFound, "LookupUserID("+id+")")
		}
		id, err := tx.FindUserByExtension("ent1", "g1", "0100")
		ok(t, err)
		equal(t, id, u.ID, "FindUserByExtension")
		_, err = tx.FindUserByExtension("ent1", "g2", "0100")
		is(t, err, store.ErrNotFound, "FindUserByExtension in another group")
		id, err = tx.FindUserByDN("+1-2025550100")
		ok(t, err)
		equal(t, id, u.ID, "FindUserByDN")
		_, err = tx.FindUserByDN("+1-2025550101")
		is(t, err, store.ErrNotFound, "FindUserByDN of an unused number")
		lp, err := tx.FindLinePort("alice_lp@example.com")
		ok(t, err)
		equal(t, lp, store.LinePortOwner{LinePort: "alice_lp@example.com", UserID: u.ID, DeviceSPID: "ent1",
			DeviceGroup: "g1", DeviceName: "phone1"}, "FindLinePort (group device)")
		lp, err = tx.FindLinePort("trunk_lp@example.com")
		ok(t, err)
		equal(t, lp, store.LinePortOwner{LinePort: "trunk_lp@example.com", UserID: "spdev@example.com", DeviceSPID: "ent1",
			DeviceName: "trunk"}, "FindLinePort (service provider device)")
		_, err = tx.FindLinePort("nope@example.com")
		is(t, err, store.ErrNotFound, "FindLinePort of an unused port")
		return nil
	})
}

func testUpdateDeleteUser(t *testing.T, s store.Store) {
	u := fullUser()
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.InsertUser(u))
		ok(t, tx.InsertUser(user("other@example.com", "ent1", "g1")))
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		is(t, tx.UpdateUser(user("nobody@example.com", "ent1", "g1")), store.ErrNotFound, "UpdateUser of a missing user")
		taken := u
		taken.Aliases = []string{"other@example.com"}
		is(t, tx.UpdateUser(taken), store.ErrExists, "UpdateUser to an alias equal to another user's id")
		// The failed update changed nothing.
		got, err := tx.GetUser(u.ID)
		ok(t, err)
		equal(t, got, u, "GetUser after the failed update")
		id, err := tx.LookupUserID("al@example.com")
		ok(t, err)
		equal(t, id, u.ID, "old alias after the failed update")

		u.LastName, u.PhoneNumber, u.Extension, u.ExternalID = "Pleasance", "+1-2025550102", "0102", ""
		u.Aliases = []string{"al@example.com", "new-alias@example.com"}
		u.AlternateIDs = nil
		u.Profile.Endpoint = &store.Endpoint{DeviceName: "phone2", LinePort: "alice_lp2@example.com"}
		u.Modified = u.Modified.Add(time.Minute)
		ok(t, tx.UpdateUser(u))
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetUser(u.ID)
		ok(t, err)
		equal(t, got, u, "GetUser after update")
		for id, want := range map[string]error{
			"al@example.com": nil, "new-alias@example.com": nil,
			"sip-alice@example.com": store.ErrNotFound, "alice.alt@example.com": store.ErrNotFound,
		} {
			_, err := tx.LookupUserID(id)
			if want == nil {
				ok(t, err)
			} else {
				is(t, err, want, "LookupUserID of a dropped id "+id)
			}
		}
		_, err = tx.FindLinePort("alice_lp@example.com")
		is(t, err, store.ErrNotFound, "old line port")
		_, err = tx.FindLinePort("alice_lp2@example.com")
		ok(t, err)
		_, err = tx.FindUserByDN("+1-2025550100")
		is(t, err, store.ErrNotFound, "old number")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		// Freed ids can be taken by someone else.
		v := user("sip-alice@example.com", "ent1", "g1")
		v.PhoneNumber, v.Extension = "+1-2025550100", "0100"
		ok(t, tx.InsertUser(v))

		ok(t, tx.AssignService(store.ServiceAssignment{Owner: u.ID, Kind: store.SvcUser, Name: "Call Waiting"}))
		ok(t, tx.PutAgentState(store.AgentState{UserID: u.ID, ACDState: "Available"}))
		ok(t, tx.InsertCallCenter(store.CallCenter{ServiceUserID: "cc@example.com", SPID: "ent1", GroupID: "g1"}))
		ok(t, tx.SetAgents("cc@example.com", []store.Agent{{AgentUserID: u.ID}, {AgentUserID: "other@example.com"}}))
		ok(t, tx.SetSupervisors("cc@example.com", []string{u.ID}))

		ok(t, tx.DeleteUser(u.ID))
		is(t, tx.DeleteUser(u.ID), store.ErrNotFound, "DeleteUser twice")
		_, err := tx.GetUser(u.ID)
		is(t, err, store.ErrNotFound, "GetUser after delete")
		for _, id := range []string{u.ID, "al@example.com", "new-alias@example.com"} {
			_, err := tx.LookupUserID(id)
			is(t, err, store.ErrNotFound, "LookupUserID after delete: "+id)
		}
		_, err = tx.FindLinePort("alice_lp2@example.com")
		is(t, err, store.ErrNotFound, "line port after delete")
		// What hung on the user's id went with it.
		as, err := tx.ListAssignedServices(u.ID)
		ok(t, err)
		equal(t, len(as), 0, "services assigned after delete")
		st, err := tx.GetAgentState(u.ID)
		ok(t, err)
		equal(t, st.ACDState, "Sign-Out", "agent state after delete")
		agents, err := tx.ListAgents("cc@example.com")
		ok(t, err)
		if len(agents) != 1 || agents[0].AgentUserID != "other@example.com" {
			t.Fatalf("agents after delete: %+v", agents)
		}
		sup, err := tx.ListSupervisors("cc@example.com")
		ok(t, err)
		equal(t, len(sup), 0, "supervisors after delete")

		// The id and every other id of the deleted user is free again.
		ok(t, tx.InsertUser(user(u.ID, "ent1", "g1")))
		w := user("w@example.com", "ent1", "g1")
		w.Aliases = []string{"new-alias@example.com"}
		w.Profile.Endpoint = &store.Endpoint{DeviceName: "phone2", LinePort: "alice_lp2@example.com"}
		ok(t, tx.InsertUser(w))
		as, err = tx.ListAssignedServices(u.ID)
		ok(t, err)
		equal(t, len(as), 0, "services of a new user with the old id")
		return nil
	})
}

func testListUsers(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.InsertServiceProvider(store.ServiceProvider{ID: "sp1", ResellerID: "r1"}))
		ok(t, tx.InsertServiceProvider(store.ServiceProvider{ID: "sp2", ResellerID: "r2"}))
		ok(t, tx.InsertServiceProvider(store.ServiceProvider{ID: "sp3", ResellerID: "r1"}))
		for _, u := range []store.User{
			user("e", "sp1", "g1"), user("a", "sp1", "g2"), user("d", "sp2", "g1"), user("c", "sp1", "g1"),
			user("b", "sp3", "g9"), user("f", "sp1", "g1"),
		} {
			switch u.ID {
			case "c":
				u.Kind = store.KindCallCenter
			case "e", "a":
				u.Department, u.DepartmentEnt = "Sales", true
			case "f":
				u.Department = "Sales" // the group department of that name
			}
			ok(t, tx.InsertUser(u))
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		for _, c := range []struct {
			f    store.UserFilter
			want string
		}{
			{store.UserFilter{}, "abcdef"},
			{store.UserFilter{SPID: "sp1"}, "acef"},
			{store.UserFilter{SPID: "sp1", GroupID: "g1"}, "cef"},
			{store.UserFilter{SPID: "sp1", GroupID: "g1", Kind: store.KindUser}, "ef"},
			{store.UserFilter{Kind: store.KindCallCenter}, "c"},
			{store.UserFilter{ResellerID: "r1"}, "abcef"},
			{store.UserFilter{ResellerID: "r2"}, "d"},
			{store.UserFilter{ResellerID: "r9"}, ""},
			{store.UserFilter{SPID: "sp1", Department: "Sales", DepartmentEnt: true}, "ae"},
			{store.UserFilter{SPID: "sp1", GroupID: "g1", Department: "Sales"}, "f"},
		} {
			got := ""
			for _, u := range collect(t, func(fn func(store.User) bool) error { return tx.ListUsers(c.f, fn) }) {
				got += u.ID
			}
			if got != c.want {
				t.Fatalf("ListUsers(%+v) = %q, want %q", c.f, got, c.want)
			}
		}
		got := first(t, 2, func(fn func(store.User) bool) error { return tx.ListUsers(store.UserFilter{SPID: "sp1"}, fn) })
		if got[0].ID != "a" || got[1].ID != "c" {
			t.Fatalf("ListUsers stopped: %v, %v", got[0].ID, got[1].ID)
		}
		return nil
	})
}

// testListUsersPaging lists more users than a store is likely to read in
// one go, calling the Tx from inside the walk.
func testListUsersPaging(t *testing.T, s store.Store) {
	const n = 2345
	update(t, s, func(tx store.Tx) error {
		for i := n - 1; i >= 0; i-- {
			ok(t, tx.InsertUser(user(fmt.Sprintf("u%05d", i), "sp1", fmt.Sprint("g", i%3))))
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		i := 0
		ok(t, tx.ListUsers(store.UserFilter{}, func(u store.User) bool {
			if want := fmt.Sprintf("u%05d", i); u.ID != want {
				t.Fatalf("user %d is %q, want %q", i, u.ID, want)
			}
			if _, err := tx.GetUser(u.ID); err != nil { // the Tx works inside a walk
				t.Fatalf("GetUser inside ListUsers: %v", err)
			}
			i++
			return true
		}))
		equal(t, i, n, "users listed")
		i = 0
		ok(t, tx.ListUsers(store.UserFilter{SPID: "sp1", GroupID: "g1"}, func(u store.User) bool {
			if want := fmt.Sprintf("u%05d", 3*i+1); u.ID != want {
				t.Fatalf("user %d of g1 is %q, want %q", i, u.ID, want)
			}
			i++
			return true
		}))
		equal(t, i, (n+1)/3, "users of g1 listed")
		i = 0
		ok(t, tx.ListUsers(store.UserFilter{}, func(store.User) bool { i++; return i < 1500 }))
		equal(t, i, 1500, "users listed before stopping")
		return nil
	})
}

func testAdmins(t *testing.T, s store.Store) {
	full := store.Admin{
		ID: "dept-admin@example.com", Level: store.LevelDepartment, SPID: "ent1", GroupID: "g1",
		Department: "Sales", DepartmentEnt: true, ResellerID: "r1", ReadOnly: true, LastName: "Admin", FirstName: "Dee",
		Language: "French", AdminType: "Normal", PasswordSHA1: "abc", PasswordHash: "$argon2id$x", Disabled: true,
		FailedLogins: 3, LockedUntil: time.Date(2026, 11, 22, 12, 0, 0, 5000, time.UTC),
		LastLogin: time.Date(2026, 11, 21, 8, 30, 0, 1000, time.UTC),
	}
	admins := []store.Admin{
		full,
		{ID: "sys@example.com", Level: store.LevelSystem},
		{ID: "sp-admin@example.com", Level: store.LevelServiceProvider, SPID: "ent1", AdminType: "Customer"},
		{ID: "grp-admin@example.com", Level: store.LevelGroup, SPID: "ent1", GroupID: "g1"},
		{ID: "grp2-admin@example.com", Level: store.LevelGroup, SPID: "ent1", GroupID: "g2"},
		{ID: "res-admin@example.com", Level: store.LevelReseller, ResellerID: "r1"},
	}
	update(t, s, func(tx store.Tx) error {
		for _, a := range admins {
			ok(t, tx.InsertAdmin(a))
		}
		is(t, tx.InsertAdmin(store.Admin{ID: "sys@example.com"}), store.ErrExists, "InsertAdmin twice")
		is(t, tx.InsertUser(user("sys@example.com", "ent1", "g1")), store.ErrExists, "InsertUser with an admin's id")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		a, err := tx.GetAdmin(full.ID)
		ok(t, err)
		equal(t, a, full, "GetAdmin")
		_, err = tx.GetAdmin("nobody@example.com")
		is(t, err, store.ErrNotFound, "GetAdmin of a missing admin")
		for _, c := range []struct {
			f    store.AdminFilter
			want []string
		}{
			{store.AdminFilter{}, []string{"dept-admin@example.com", "grp-admin@example.com", "grp2-admin@example.com",
				"res-admin@example.com", "sp-admin@example.com", "sys@example.com"}},
			{store.AdminFilter{Level: store.LevelGroup}, []string{"grp-admin@example.com", "grp2-admin@example.com"}},
			{store.AdminFilter{Level: store.LevelGroup, SPID: "ent1", GroupID: "g2"}, []string{"grp2-admin@example.com"}},
			{store.AdminFilter{SPID: "ent1", GroupID: "g1"}, []string{"dept-admin@example.com", "grp-admin@example.com"}},
			{store.AdminFilter{ResellerID: "r1"}, []string{"dept-admin@example.com", "res-admin@example.com"}},
			{store.AdminFilter{Level: store.LevelProvisioning}, nil},
		} {
			var got []string
			for _, a := range collect(t, func(fn func(store.Admin) bool) error { return tx.ListAdmins(c.f, fn) }) {
				got = append(got, a.ID)
			}
			equal(t, got, c.want, fmt.Sprintf("ListAdmins(%+v)", c.f))
		}
		got := first(t, 1, func(fn func(store.Admin) bool) error { return tx.ListAdmins(store.AdminFilter{}, fn) })
		equal(t, got[0], full, "ListAdmins stopped")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		full.FailedLogins, full.LockedUntil, full.Disabled = 0, time.Time{}, false
		full.LastLogin = full.LastLogin.Add(time.Hour)
		ok(t, tx.UpdateAdmin(full))
		a, err := tx.GetAdmin(full.ID)
		ok(t, err)
		equal(t, a, full, "GetAdmin after update")
		is(t, tx.UpdateAdmin(store.Admin{ID: "nobody@example.com"}), store.ErrNotFound, "UpdateAdmin of a missing admin")
		ok(t, tx.DeleteAdmin("sys@example.com"))
		is(t, tx.DeleteAdmin("sys@example.com"), store.ErrNotFound, "DeleteAdmin twice")
		// The id is free again, for a user too.
		ok(t, tx.InsertUser(user("sys@example.com", "ent1", "g1")))
		return nil
	})
}

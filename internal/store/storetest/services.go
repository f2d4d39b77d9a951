package storetest

import (
	"testing"

	"github.com/switchboard/switchboard/internal/store"
)

func testServiceAuth(t *testing.T, s store.Store) {
	auths := []store.ServiceAuth{
		{SPID: "sp1", Kind: store.SvcUser, Name: "Call Waiting", Quantity: store.Unlimited},
		{SPID: "sp1", Kind: store.SvcGroup, Name: "Auto Attendant", Quantity: 2},
		{SPID: "sp1", Kind: store.SvcUser, Name: "Anonymous Call Rejection", Quantity: 10},
		{SPID: "sp1", Kind: store.SvcPack, Name: "Basic", Quantity: 5},
		{SPID: "sp1", GroupID: "g1", Kind: store.SvcUser, Name: "Call Waiting", Quantity: 3},
	}
	update(t, s, func(tx store.Tx) error {
		for _, a := range auths {
			ok(t, tx.PutServiceAuth(a))
		}
		auths[0].Quantity = 100
		ok(t, tx.PutServiceAuth(auths[0])) // replaces the quantity
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		a, err := tx.GetServiceAuth("sp1", "", store.SvcUser, "Call Waiting")
		ok(t, err)
		equal(t, a, auths[0], "GetServiceAuth after the second Put")
		a, err = tx.GetServiceAuth("sp1", "g1", store.SvcUser, "Call Waiting")
		ok(t, err)
		equal(t, a, auths[4], "GetServiceAuth (group)")
		_, err = tx.GetServiceAuth("sp1", "", store.SvcGroup, "Call Waiting")
		is(t, err, store.ErrNotFound, "GetServiceAuth of another kind")
		spList := func(fn func(store.ServiceAuth) bool) error { return tx.ListServiceAuth("sp1", "", fn) }
		// By kind, then name.
		equal(t, collect(t, spList), []store.ServiceAuth{auths[1], auths[3], auths[2], auths[0]}, "ListServiceAuth (SP)")
		equal(t, first(t, 1, spList), []store.ServiceAuth{auths[1]}, "ListServiceAuth stopped")
		gList := func(fn func(store.ServiceAuth) bool) error { return tx.ListServiceAuth("sp1", "g1", fn) }
		equal(t, collect(t, gList), []store.ServiceAuth{auths[4]}, "ListServiceAuth (group)")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.DeleteServiceAuth("sp1", "", store.SvcUser, "Call Waiting"))
		is(t, tx.DeleteServiceAuth("sp1", "", store.SvcUser, "Call Waiting"), store.ErrNotFound, "DeleteServiceAuth twice")
		_, err := tx.GetServiceAuth("sp1", "g1", store.SvcUser, "Call Waiting")
		ok(t, err) // the group's own authorization stays
		return nil
	})
}

func testServicePacks(t *testing.T, s store.Store) {
	basic := store.ServicePack{SPID: "sp1", Name: "Basic", Description: "the basics", Available: true, Quantity: store.Unlimited,
		Services: []string{"Call Waiting", "Call Forwarding Always"}}
	gold := store.ServicePack{SPID: "sp1", Name: "Gold", Quantity: 10}
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.InsertServicePack(gold))
		ok(t, tx.InsertServicePack(basic))
		ok(t, tx.InsertServicePack(store.ServicePack{SPID: "sp2", Name: "Basic"}))
		is(t, tx.InsertServicePack(store.ServicePack{SPID: "sp1", Name: "Basic"}), store.ErrExists, "InsertServicePack twice")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		p, err := tx.GetServicePack("sp1", "Basic")
		ok(t, err)
		equal(t, p, basic, "GetServicePack")
		p, err = tx.GetServicePack("sp1", "Gold")
		ok(t, err)
		equal(t, p, gold, "GetServicePack without services")
		_, err = tx.GetServicePack("sp3", "Basic")
		is(t, err, store.ErrNotFound, "GetServicePack of a missing pack")
		list := func(fn func(store.ServicePack) bool) error { return tx.ListServicePacks("sp1", fn) }
		equal(t, collect(t, list), []store.ServicePack{basic, gold}, "ListServicePacks")
		equal(t, first(t, 1, list), []store.ServicePack{basic}, "ListServicePacks stopped")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		basic.Services, basic.Available, basic.Quantity = []string{"Call Waiting"}, false, 7
		ok(t, tx.UpdateServicePack(basic))
		p, err := tx.GetServicePack("sp1", "Basic")
		ok(t, err)
		equal(t, p, basic, "GetServicePack after update")
		is(t, tx.UpdateServicePack(store.ServicePack{SPID: "sp1", Name: "Nope"}), store.ErrNotFound, "UpdateServicePack of a missing pack")
		ok(t, tx.DeleteServicePack("sp1", "Gold"))
		is(t, tx.DeleteServicePack("sp1", "Gold"), store.ErrNotFound, "DeleteServicePack twice")
		return nil
	})
}

func testServiceAssignment(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		for _, u := range []store.User{user("u1", "sp1", "g1"), user("u2", "sp1", "g1"), user("u3", "sp1", "g2"), user("u4", "sp2", "g1")} {
			ok(t, tx.InsertUser(u))
			ok(t, tx.AssignService(store.ServiceAssignment{Owner: u.ID, Kind: store.SvcUser, Name: "Call Waiting"}))
		}
		ok(t, tx.AssignService(store.ServiceAssignment{Owner: "u1", Kind: store.SvcPack, Name: "Basic"}))
		ok(t, tx.AssignService(store.ServiceAssignment{Owner: "u1", Kind: store.SvcUser, Name: "Anonymous Call Rejection"}))
		ok(t, tx.AssignService(store.ServiceAssignment{Owner: "u3", Kind: store.SvcPack, Name: "Basic"}))
		for _, g := range []store.Group{{SPID: "sp1", ID: "g1"}, {SPID: "sp1", ID: "g2"}} {
			ok(t, tx.InsertGroup(g))
		}
		ok(t, tx.AssignService(store.ServiceAssignment{Owner: "sp1/g1", Kind: store.SvcGroup, Name: "Auto Attendant"}))
		ok(t, tx.AssignService(store.ServiceAssignment{Owner: "sp1/g2", Kind: store.SvcGroup, Name: "Auto Attendant"}))
		is(t, tx.AssignService(store.ServiceAssignment{Owner: "u1", Kind: store.SvcPack, Name: "Basic"}), store.ErrExists,
			"AssignService twice")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.ListAssignedServices("u1")
		ok(t, err)
		equal(t, got, []store.ServiceAssignment{
			{Owner: "u1", Kind: store.SvcPack, Name: "Basic"},
			{Owner: "u1", Kind: store.SvcUser, Name: "Anonymous Call Rejection"},
			{Owner: "u1", Kind: store.SvcUser, Name: "Call Waiting"},
		}, "ListAssignedServices (by kind, then name)")
		got, err = tx.ListAssignedServices("sp1/g1")
		ok(t, err)
		equal(t, got, []store.ServiceAssignment{{Owner: "sp1/g1", Kind: store.SvcGroup, Name: "Auto Attendant"}}, "group services")
		got, err = tx.ListAssignedServices("nobody")
		ok(t, err)
		equal(t, len(got), 0, "services of an unknown owner")
		for _, c := range []struct {
			sp, group string
			kind      store.ServiceKind
			name      string
			want      int
		}{
			{"sp1", "g1", store.SvcUser, "Call Waiting", 2},
			{"sp1", "g2", store.SvcUser, "Call Waiting", 1},
			{"sp1", "", store.SvcUser, "Call Waiting", 3},
			{"sp2", "g1", store.SvcUser, "Call Waiting", 1},
			{"sp1", "g1", store.SvcPack, "Basic", 1},
			{"sp1", "", store.SvcPack, "Basic", 2},
			{"sp1", "g1", store.SvcUser, "Basic", 0},
			{"sp1", "g1", store.SvcGroup, "Auto Attendant", 1},
			{"sp1", "", store.SvcGroup, "Auto Attendant", 2},
			{"sp2", "g1", store.SvcGroup, "Auto Attendant", 0},
		} {
			n, err := tx.CountAssigned(c.sp, c.group, c.kind, c.name)
			ok(t, err)
			if n != c.want {
				t.Fatalf("CountAssigned(%q, %q, %q, %q) = %d, want %d", c.sp, c.group, c.kind, c.name, n, c.want)
			}
		}
		usage, err := tx.ServiceUsage()
		ok(t, err)
		counts := map[store.UsageCount]bool{}
		for _, u := range usage {
			counts[u] = true
		}
		for _, want := range []store.UsageCount{
			{SPID: "sp1", Kind: store.SvcUser, Name: "Call Waiting", Count: 3},
			{SPID: "sp2", Kind: store.SvcUser, Name: "Call Waiting", Count: 1},
			{SPID: "sp1", Kind: store.SvcPack, Name: "Basic", Count: 2},
			{SPID: "sp1", Kind: store.SvcUser, Name: "Anonymous Call Rejection", Count: 1},
			{SPID: "sp1", Kind: store.SvcGroup, Name: "Auto Attendant", Count: 2},
		} {
			if !counts[want] {
				t.Fatalf("ServiceUsage lacks %+v: %+v", want, usage)
			}
		}
		equal(t, len(usage), 5, "ServiceUsage rows")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.UnassignService("u1", store.SvcPack, "Basic"))
		is(t, tx.UnassignService("u1", store.SvcPack, "Basic"), store.ErrNotFound, "UnassignService twice")
		n, err := tx.CountAssigned("sp1", "g1", store.SvcPack, "Basic")
		ok(t, err)
		equal(t, n, 0, "CountAssigned after unassign")
		// Deleting a group takes its group services along.
		ok(t, tx.DeleteGroup("sp1", "g2"))
		got, err := tx.ListAssignedServices("sp1/g2")
		ok(t, err)
		equal(t, len(got), 0, "services of a deleted group")
		return nil
	})
}

func testDevices(t *testing.T, s store.Store) {
	full := store.Device{SPID: "sp1", GroupID: "g1", Name: "phone1", Type: "Polycom VVX 450", Profile: store.DeviceProfile{
		ProtocolChoice: "SIP 2.0", NetAddress: "10.0.0.5", Port: 5060, OutboundProxy: "sbc.example.com", StunServer: "stun.example.com",
		MACAddress: "0004F2AABBCC", SerialNumber: "SN1", Description: "lobby", PhysicalLoc: "1st floor", TransportProto: "UDP",
		UseCustomCreds: true, Extra: map[string]any{"x": true},
	}}
	devices := []store.Device{full, {SPID: "sp1", GroupID: "g1", Name: "a-phone", Type: "Generic"}, {SPID: "sp1", Name: "trunk", Type: "Generic"}}
	update(t, s, func(tx store.Tx) error {
		for _, d := range devices {
			ok(t, tx.InsertDevice(d))
		}
		ok(t, tx.InsertDevice(store.Device{SPID: "sp1", GroupID: "g2", Name: "phone1"})) // other group, same name
		is(t, tx.InsertDevice(store.Device{SPID: "sp1", GroupID: "g1", Name: "phone1"}), store.ErrExists, "InsertDevice twice")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		d, err := tx.GetDevice("sp1", "g1", "phone1")
		ok(t, err)
		equal(t, d, full, "GetDevice")
		_, err = tx.GetDevice("sp1", "", "phone1")
		is(t, err, store.ErrNotFound, "GetDevice at the wrong level")
		g1 := func(fn func(store.Device) bool) error { return tx.ListDevices("sp1", "g1", fn) }
		equal(t, collect(t, g1), []store.Device{devices[1], full}, "ListDevices (group)")
		equal(t, first(t, 1, g1), []store.Device{devices[1]}, "ListDevices stopped")
		spl := func(fn func(store.Device) bool) error { return tx.ListDevices("sp1", "", fn) }
		equal(t, collect(t, spl), []store.Device{devices[2]}, "ListDevices (service provider)")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		full.Type, full.Profile = "Generic", store.DeviceProfile{MACAddress: "0004F2000000"}
		ok(t, tx.UpdateDevice(full))
		d, err := tx.GetDevice("sp1", "g1", "phone1")
		ok(t, err)
		equal(t, d, full, "GetDevice after update")
		is(t, tx.UpdateDevice(store.Device{SPID: "sp1", Name: "phone1"}), store.ErrNotFound, "UpdateDevice of a missing device")
		ok(t, tx.DeleteDevice("sp1", "g1", "phone1"))
		is(t, tx.DeleteDevice("sp1", "g1", "phone1"), store.ErrNotFound, "DeleteDevice twice")
		return nil
	})
}

func testCallCenters(t *testing.T, s store.Store) {
	full := store.CallCenter{ServiceUserID: "cc1@example.com", SPID: "sp1", GroupID: "g1", Type: "Premium", Policy: "Circular",
		Active: true, EnableVideo: true, QueueLength: 25, Profile: store.CallCenterProfile{
			AllowCallerToDialEscapeDigit: true, EscapeDigit: "0", ResetCallStatisticsUponEntry: true, AllowAgentLogoff: true,
			AllowCallWaitingForAgents: true, ExternalPreferredAudioCodec: "G722", InternalPreferredAudioCodec: "None",
			PlayRingingWhenOfferingCall: true, Priority: "Priority 1", Extra: map[string]any{"routing": "skills"},
		}}
	centers := []store.CallCenter{full, {ServiceUserID: "cc0@example.com", SPID: "sp1", GroupID: "g2", Type: "Basic"},
		{ServiceUserID: "cc2@example.com", SPID: "sp1", GroupID: "g1"}, {ServiceUserID: "cc3@example.com", SPID: "sp2", GroupID: "g1"}}
	update(t, s, func(tx store.Tx) error {
		for _, c := range centers {
			ok(t, tx.InsertCallCenter(c))
		}
		is(t, tx.InsertCallCenter(store.CallCenter{ServiceUserID: "cc1@example.com"}), store.ErrExists, "InsertCallCenter twice")
		return nil
	})
	ids := func(cs []store.CallCenter) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ServiceUserID)
		}
		return out
	}
	view(t, s, func(tx store.Tx) error {
		c, err := tx.GetCallCenter("cc1@example.com")
		ok(t, err)
		equal(t, c, full, "GetCallCenter")
		_, err = tx.GetCallCenter("nope@example.com")
		is(t, err, store.ErrNotFound, "GetCallCenter of a missing center")
		for _, c := range []struct {
			sp, group string
			want      []string
		}{
			{"sp1", "g1", []string{"cc1@example.com", "cc2@example.com"}},
			{"sp1", "", []string{"cc0@example.com", "cc1@example.com", "cc2@example.com"}},
			{"", "", []string{"cc0@example.com", "cc1@example.com", "cc2@example.com", "cc3@example.com"}},
			{"sp3", "", nil},
		} {
			list := func(fn func(store.CallCenter) bool) error { return tx.ListCallCenters(c.sp, c.group, fn) }
			equal(t, ids(collect(t, list)), c.want, "ListCallCenters("+c.sp+", "+c.group+")")
		}
		list := func(fn func(store.CallCenter) bool) error { return tx.ListCallCenters("sp1", "", fn) }
		equal(t, ids(first(t, 1, list)), []string{"cc0@example.com"}, "ListCallCenters stopped")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		full.Active, full.QueueLength, full.Profile = false, 3, store.CallCenterProfile{}
		ok(t, tx.UpdateCallCenter(full))
		c, err := tx.GetCallCenter(full.ServiceUserID)
		ok(t, err)
		equal(t, c, full, "GetCallCenter after update")
		is(t, tx.UpdateCallCenter(store.CallCenter{ServiceUserID: "nope@example.com"}), store.ErrNotFound,
			"UpdateCallCenter of a missing center")
		ok(t, tx.SetAgents("cc2@example.com", []store.Agent{{AgentUserID: "a1"}}))
		ok(t, tx.SetSupervisors("cc2@example.com", []string{"s1"}))
		ok(t, tx.DeleteCallCenter("cc2@example.com"))
		is(t, tx.DeleteCallCenter("cc2@example.com"), store.ErrNotFound, "DeleteCallCenter twice")
		// Its lists went with it: a new center of that id starts empty.
		ok(t, tx.InsertCallCenter(store.CallCenter{ServiceUserID: "cc2@example.com", SPID: "sp1", GroupID: "g1"}))
		agents, err := tx.ListAgents("cc2@example.com")
		ok(t, err)
		equal(t, len(agents), 0, "agents of a re-created center")
		sup, err := tx.ListSupervisors("cc2@example.com")
		ok(t, err)
		equal(t, len(sup), 0, "supervisors of a re-created center")
		centers, err := tx.ListAgentCenters("a1")
		ok(t, err)
		equal(t, len(centers), 0, "centers of an agent of a deleted center")
		return nil
	})
}

func testAgents(t *testing.T, s store.Store) {
	const cc, cc2 = "cc@example.com", "cc2@example.com"
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.InsertCallCenter(store.CallCenter{ServiceUserID: cc, SPID: "sp1", GroupID: "g1"}))
		ok(t, tx.InsertCallCenter(store.CallCenter{ServiceUserID: cc2, SPID: "sp1", GroupID: "g1"}))
		is(t, tx.SetAgents("nope@example.com", []store.Agent{{AgentUserID: "a"}}), store.ErrNotFound, "SetAgents of a missing center")
		is(t, tx.SetSupervisors("nope@example.com", []string{"s"}), store.ErrNotFound, "SetSupervisors of a missing center")
		ok(t, tx.SetAgents(cc, []store.Agent{
			{AgentUserID: "c", SkillLevel: 1, Weight: 10},
			{AgentUserID: "a", SkillLevel: 20, Weight: 5, Joined: true},
			{AgentUserID: "b", SkillLevel: 3},
		}))
		ok(t, tx.SetAgents(cc2, []store.Agent{{AgentUserID: "a", SkillLevel: 2}}))
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		agents, err := tx.ListAgents(cc)
		ok(t, err)
		equal(t, agents, []store.Agent{
			{ServiceUserID: cc, AgentUserID: "c", Position: 0, SkillLevel: 1, Weight: 10},
			{ServiceUserID: cc, AgentUserID: "a", Position: 1, SkillLevel: 20, Weight: 5, Joined: true},
			{ServiceUserID: cc, AgentUserID: "b", Position: 2, SkillLevel: 3},
		}, "ListAgents in list order")
		centers, err := tx.ListAgentCenters("a")
		ok(t, err)
		equal(t, centers, []store.Agent{
			{ServiceUserID: cc2, AgentUserID: "a", SkillLevel: 2},
			{ServiceUserID: cc, AgentUserID: "a", Position: 1, SkillLevel: 20, Weight: 5, Joined: true},
		}, "ListAgentCenters by center")
		none, err := tx.ListAgents("nope@example.com")
		ok(t, err)
		equal(t, len(none), 0, "ListAgents of a missing center")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.SetAgentJoined(cc, "b", true))
		ok(t, tx.SetAgentJoined(cc, "a", false))
		is(t, tx.SetAgentJoined(cc, "zz", true), store.ErrNotFound, "SetAgentJoined of a missing agent")
		// Replacing the list: b stays (joined kept although the new entry
		// says false), a goes, d comes in with the flag given.
		ok(t, tx.SetAgents(cc, []store.Agent{
			{AgentUserID: "d", SkillLevel: 4, Joined: true},
			{AgentUserID: "b", SkillLevel: 5, Weight: 1},
			{AgentUserID: "c", SkillLevel: 6},
		}))
		agents, err := tx.ListAgents(cc)
		ok(t, err)
		equal(t, agents, []store.Agent{
			{ServiceUserID: cc, AgentUserID: "d", Position: 0, SkillLevel: 4, Joined: true},
			{ServiceUserID: cc, AgentUserID: "b", Position: 1, SkillLevel: 5, Weight: 1, Joined: true},
			{ServiceUserID: cc, AgentUserID: "c", Position: 2, SkillLevel: 6},
		}, "ListAgents after SetAgents")
		is(t, tx.SetAgents(cc, []store.Agent{{AgentUserID: "x"}, {AgentUserID: "x"}}), store.ErrExists, "SetAgents with a repeated agent")
		again, err := tx.ListAgents(cc)
		ok(t, err)
		equal(t, again, agents, "ListAgents after the failed SetAgents")

		ok(t, tx.SetSupervisors(cc, []string{"s2", "s1", "s3"}))
		sup, err := tx.ListSupervisors(cc)
		ok(t, err)
		equal(t, sup, []string{"s2", "s1", "s3"}, "ListSupervisors in the order set")
		ok(t, tx.SetSupervisors(cc, []string{"s3"}))
		sup, err = tx.ListSupervisors(cc)
		ok(t, err)
		equal(t, sup, []string{"s3"}, "ListSupervisors after replacing")
		ok(t, tx.SetAgents(cc, nil))
		agents, err = tx.ListAgents(cc)
		ok(t, err)
		equal(t, len(agents), 0, "ListAgents after clearing")

		st, err := tx.GetAgentState("a")
		ok(t, err)
		equal(t, st, store.AgentState{UserID: "a", ACDState: "Sign-Out"}, "GetAgentState with nothing stored")
		ok(t, tx.PutAgentState(store.AgentState{UserID: "a", ACDState: "Unavailable", UnavailableCode: "LUNCH"}))
		ok(t, tx.PutAgentState(store.AgentState{UserID: "b", ACDState: "Available"}))
		ok(t, tx.PutAgentState(store.AgentState{UserID: "a", ACDState: "Wrap-Up"})) // replaces
		st, err = tx.GetAgentState("a")
		ok(t, err)
		equal(t, st, store.AgentState{UserID: "a", ACDState: "Wrap-Up"}, "GetAgentState after Put")
		return nil
	})
}

package ocipserver

import (
	"os"
	"strconv"

	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/system"
)

// The licensing family: SystemLicensingGetRequest21sp1 reports every
// catalogue service as licensed without limit (Switchboard enforces
// quantities from the service provider down, not at the system level),
// with its real usage.
func licensingRoutes(r routes) {
	on(r, "SystemLicensingGetRequest21sp1", func(c *call, req *system.SystemLicensingGetRequest21sp1) ocixml.Command {
		rep, err := c.p.core.Licenses(c.ctx, c.actor)
		if err != nil {
			return c.fail(err)
		}
		const resp = "SystemLicensingGetResponse21sp1"
		unlimited := "Unlimited"
		row := func(t *tableBuilder, name string, used int) {
			t.set("Name", name).set("Licensed", unlimited).set("Used", strconv.Itoa(used)).set("Available", unlimited)
		}
		subs := newTable(resp, "subscriberLicenseTable")
		row(subs, "User", rep.Users)
		subs.end()
		row(subs, "Virtual User", rep.VirtualUsers)
		subs.end()
		groups := newTable(resp, "groupServiceLicenseTable")
		for _, s := range svcGroupCatalogue {
			row(groups, string(s), rep.GroupServices[string(s)])
			groups.end()
		}
		virtual := newTable(resp, "virtualServiceLicenseTable")
		for _, t := range []string{"Basic", "Standard", "Premium"} {
			row(virtual, "Call Center - "+t, rep.CallCenters[t])
			virtual.end()
		}
		users := newTable(resp, "userServiceLicenseTable")
		for _, s := range svcUserCatalogue {
			n := rep.UserServices[string(s)]
			row(users, string(s), n)
			users.set("Used By Hosted Users", strconv.Itoa(n)).set("Used By Trunk Users", "0").end()
		}
		host, _ := os.Hostname()
		out := &system.SystemLicensingGetResponse21sp1{
			LicenseStrictness:       datatypes.LicenseStrictnessHard,
			GroupUserlimit:          maxGroupUserLimit,
			LicenseName:             []datatypes.LicenseName{"Switchboard"},
			UserServiceLicenseTable: users.table(), GroupServiceLicenseTable: groups.table(),
			VirtualServiceLicenseTable: virtual.table(), SubscriberLicenseTable: subs.table(),
			SystemParamLicenseTable: newTable(resp, "systemParamLicenseTable").table(),
		}
		if host != "" {
			out.HostID = []datatypes.ServerHostId{datatypes.ServerHostId(host)}
		}
		return out
	})
}

// maxGroupUserLimit is the largest group user limit the schema allows,
// which is what an unlimited licence permits.
const maxGroupUserLimit = 999999

package ocipserver

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/callcenter"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// Deleting a service provider takes its SP-level devices with it: an SP
// created again under the same id starts with none.
func TestProviderDeleteRemovesDevices(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a := mustActor(t, h).(*provisioning.Actor)
	if err := h.core.AddSystemDomain(ctx, a, "purge.example", ""); err != nil {
		t.Fatal(err)
	}
	add := func() {
		t.Helper()
		if err := h.core.AddServiceProvider(ctx, a, provisioning.ServiceProviderAdd{SP: store.ServiceProvider{ID: "psp", DefaultDomain: "purge.example"}}); err != nil {
			t.Fatal(err)
		}
	}
	add()
	s := h.admin()
	s.ok(&provider.ServiceProviderAccessDeviceAddRequest22V2{ServiceProviderID: ocixml.Ptr(datatypes.ServiceProviderId("psp")),
		DeviceName: ocixml.Ptr(datatypes.AccessDeviceName("sbc1")), DeviceType: "SBC"})
	s.ok(&provider.ServiceProviderDeleteRequest{ServiceProviderID: "psp"})
	add()
	l := get[*provider.ServiceProviderAccessDeviceGetListResponse](s, &provider.ServiceProviderAccessDeviceGetListRequest{ServiceProviderID: ocixml.Ptr(datatypes.ServiceProviderId("psp"))})
	if l.AccessDeviceTable.Len() != 0 {
		t.Fatalf("devices survived their SP: %v", l.AccessDeviceTable.Maps())
	}
}

// A user that staffs a call center keeps a call center service at or
// above the center's type: removing it is refused until the user leaves
// the agent list.
func TestCallCenterAgentKeepsService(t *testing.T) {
	w := newCCWorld(t)
	w.admin.ok(ccAdd("stdcc", "Standard"))
	w.admin.ok(ccAgents("stdcc", "std"))
	unassign := &user.UserServiceUnassignListRequest{UserID: datatypes.UserId(ccUser("std")), ServiceName: []datatypes.UserService{"Call Center - Standard"}}
	w.admin.fails(unassign, ocip.CodeInUse)
	w.admin.ok(&callcenter.GroupCallCenterModifyAgentListRequest{ServiceUserID: datatypes.UserId(ccUser("stdcc")),
		AgentUserIDList: ocixml.Null[datatypes.ReplacementUserIdList]()})
	w.admin.ok(unassign)
}

func TestSystemLicensingUsage(t *testing.T) {
	w := newUserWorld(t)
	ctx := context.Background()
	if err := w.h.core.AddServicePack(ctx, w.sysActor, store.ServicePack{SPID: "acme", Name: "Pack", Available: true, Quantity: store.Unlimited,
		Services: []string{"Call Waiting", "Authentication"}}); err != nil {
		t.Fatal(err)
	}
	r := consReq("l1@example.com")
	r.UserService = []datatypes.ConsolidatedUserServiceAssignment{{UserServiceName: "Call Waiting"}}
	w.sp.ok(r)
	r = consReq("l2@example.com")
	r.ServicePack = []datatypes.ConsolidatedServicePackAssignment{{ServicePackName: "Pack"}}
	w.sp.ok(r)
	l := get[*system.SystemLicensingGetResponse21sp1](w.sys, &system.SystemLicensingGetRequest21sp1{})
	used := func(tab ocixml.Table, name string) string {
		for i := range tab.Len() {
			if tab.Get(i, "Name") == name {
				return tab.Get(i, "Used")
			}
		}
		return "missing"
	}
	if got := used(l.UserServiceLicenseTable, "Call Waiting"); got != "2" {
		t.Errorf("Call Waiting used %s, want 2 (one direct, one through the pack)", got)
	}
	if got := used(l.UserServiceLicenseTable, "Authentication"); got != "1" {
		t.Errorf("Authentication used %s, want 1", got)
	}
	if got := used(l.SubscriberLicenseTable, "User"); got != "2" {
		t.Errorf("users %s, want 2", got)
	}
	if l.UserServiceLicenseTable.Get(0, "Licensed") != "Unlimited" || len(l.SystemParamLicenseTable.Headings) == 0 {
		t.Errorf("table shape: %v", l.UserServiceLicenseTable.Row(0))
	}
	w.sp.fails(&system.SystemLicensingGetRequest21sp1{}, ocip.CodeUnauthorized)
}

// lastAuthenticatedDate is the epoch until the administrator logs in, then
// the time of its last login.
func TestAdminLastLogin(t *testing.T) {
	h := newHarness(t)
	sys := h.admin()
	sys.ok(&system.SystemAdminAddRequest{UserID: "ops", Password: "Ops-pass-1", AdminType: datatypes.SystemAdminTypeProvisioning})
	get := func() string {
		t.Helper()
		return get[*system.SystemAdminGetResponse22](sys, &system.SystemAdminGetRequest22{UserID: "ops"}).LastAuthenticatedDate
	}
	if d := get(); d != "1970-01-01T00:00:00Z" {
		t.Fatalf("before any login: %q", d)
	}
	before := time.Now().Add(-time.Second)
	h.login("ops", "Ops-pass-1")
	at, err := time.Parse(time.RFC3339, get())
	if err != nil || at.Before(before) || at.After(time.Now().Add(time.Second)) {
		t.Fatalf("after login: %v %v", at, err)
	}
}

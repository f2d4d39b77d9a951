package ocipserver

import (
	"context"
	"testing"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/callcenter"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/provider"
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

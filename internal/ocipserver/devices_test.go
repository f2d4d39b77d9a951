package ocipserver

import (
	"context"
	"testing"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
)

func devAdd14(g, name, typ string) *deprecatedgroup.GroupAccessDeviceAddRequest14 {
	return &deprecatedgroup.GroupAccessDeviceAddRequest14{ServiceProviderID: "ent1", GroupID: datatypes.GroupId(g),
		DeviceName: datatypes.AccessDeviceName(name), DeviceType: datatypes.AccessDeviceType(typ)}
}

func devGet(g, name string) *group.GroupAccessDeviceGetRequest24V3 {
	return &group.GroupAccessDeviceGetRequest24V3{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")), GroupID: ptr(datatypes.GroupId(g)),
		DeviceName: ptr(datatypes.AccessDeviceName(name))}
}

func devList(g string) *group.GroupAccessDeviceGetListRequest {
	return &group.GroupAccessDeviceGetListRequest{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")), GroupID: ptr(datatypes.GroupId(g))}
}

func devDel(g, name string) *group.GroupAccessDeviceDeleteRequest {
	return &group.GroupAccessDeviceDeleteRequest{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")), GroupID: ptr(datatypes.GroupId(g)),
		DeviceName: ptr(datatypes.AccessDeviceName(name))}
}

func devMod22(g, name string) *group.GroupAccessDeviceModifyRequest22 {
	return &group.GroupAccessDeviceModifyRequest22{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")), GroupID: ptr(datatypes.GroupId(g)),
		DeviceName: ptr(datatypes.AccessDeviceName(name))}
}

var devHeadings = []string{"Device Name", "Device Type", "Available Ports", "Net Address", "MAC Address", "Status", "Version", "Access Device External Id"}

func TestDeviceGroupRoundTrip(t *testing.T) {
	w := newAdmWorld(t)
	full := devAdd14("g1", "desk1", "Polycom VVX 450")
	full.Protocol = ptr(datatypes.AccessDeviceProtocol("SIP 2.0"))
	full.NetAddress = ptr(datatypes.NetAddress("10.0.0.5"))
	full.Port = ptr(datatypes.Port1025(5070))
	full.OutboundProxyServerNetAddress = ptr(datatypes.NetAddress("proxy.example.com"))
	full.StunServerNetAddress = ptr(datatypes.NetAddress("stun.example.com"))
	full.MacAddress = ptr(datatypes.AccessDeviceMACAddress("0004f2aabbcc"))
	full.SerialNumber = ptr(datatypes.AccessDeviceSerialNumber("SN-1"))
	full.Description = ptr(datatypes.AccessDeviceDescription("front desk"))
	full.PhysicalLocation = ptr(datatypes.AccessDevicePhysicalLocation("lobby"))
	full.TransportProtocol = ptr(datatypes.TransportProtocolTCP)
	full.UseCustomUserNamePassword = ptr(true)
	full.AccessDeviceCredentials = &datatypes.DeviceManagementUserNamePassword16{UserName: "dm-user", Password: "dm-pass"}
	tls := &group.GroupAccessDeviceAddRequest22V2{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")), GroupID: ptr(datatypes.GroupId("g1")),
		DeviceName: ptr(datatypes.AccessDeviceName("dect1")), DeviceType: "Any Vendor DECT", TransportProtocol: ptr(datatypes.ExtendedTransportProtocolTLS),
		DeviceIPEI: ptr(datatypes.AccessDeviceIPEI("0123456789"))}
	admRun(t, w, []admStep{
		{name: "add14, every field", as: "g1admin@example.com", cmd: full},
		{name: "add22V2, TLS and IPEI", as: "g1admin@example.com", cmd: tls},
		{name: "get24V3", as: "g1admin@example.com", cmd: devGet("g1", "desk1"), check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetResponse24V3) {
			admEq(t, "type", r.DeviceType, "Polycom VVX 450")
			admEq(t, "protocol", sv(r.Protocol), "SIP 2.0")
			admEq(t, "net", sv(r.NetAddress), "10.0.0.5")
			admEq(t, "port", *r.Port, 5070)
			admEq(t, "proxy", sv(r.OutboundProxyServerNetAddress), "proxy.example.com")
			admEq(t, "stun", sv(r.StunServerNetAddress), "stun.example.com")
			admEq(t, "mac", sv(r.MacAddress), "0004f2aabbcc")
			admEq(t, "serial", sv(r.SerialNumber), "SN-1")
			admEq(t, "description", sv(r.Description), "front desk")
			admEq(t, "location", sv(r.PhysicalLocation), "lobby")
			admEq(t, "transport", sv(r.TransportProtocol), "TCP")
			admEq(t, "custom credentials", *r.UseCustomUserNamePassword, true)
			admEq(t, "credential user", sv(r.UserName), "dm-user")
			admEq(t, "ports", r.NumberOfPorts.Unlimited, true)
			admEq(t, "assigned", r.NumberOfAssignedPorts, 0)
			admEq(t, "status", r.Status, datatypes.AccessDeviceStatusOnline)
			admEq(t, "identity", string(r.ServiceProviderID)+"/"+string(r.GroupID)+"/"+string(r.DeviceName), "ent1/g1/desk1")
		})},
		{name: "get18sp1", as: "g1admin@example.com", cmd: &deprecatedgroup.GroupAccessDeviceGetRequest18sp1{ServiceProviderID: "ent1", GroupID: "g1", DeviceName: "desk1"},
			check: admIs(func(t *testing.T, r *deprecatedgroup.GroupAccessDeviceGetResponse18sp1) {
				admEq(t, "type", r.DeviceType, "Polycom VVX 450")
				admEq(t, "transport", sv(r.TransportProtocol), "TCP")
				admEq(t, "mac", sv(r.MacAddress), "0004f2aabbcc")
			})},
		{name: "defaults and TLS", as: "g1admin@example.com", cmd: devGet("g1", "dect1"), check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetResponse24V3) {
			admEq(t, "default protocol", sv(r.Protocol), "SIP 2.0")
			admEq(t, "transport", sv(r.TransportProtocol), "TLS")
			admEq(t, "ipei", sv(r.DeviceIPEI), "0123456789")
			admEq(t, "no port", r.Port == nil, true)
			admEq(t, "no credentials", *r.UseCustomUserNamePassword || r.UserName != nil, false)
		})},
		{name: "18sp1 leaves out a TLS transport it cannot express", as: "g1admin@example.com",
			cmd: &deprecatedgroup.GroupAccessDeviceGetRequest18sp1{ServiceProviderID: "ent1", GroupID: "g1", DeviceName: "dect1"},
			check: admIs(func(t *testing.T, r *deprecatedgroup.GroupAccessDeviceGetResponse18sp1) {
				admEq(t, "transport", r.TransportProtocol == nil, true)
			})},
		{name: "list", as: "g1admin@example.com", cmd: devList("g1"), check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetListResponse) {
			rows := admRows(t, r.AccessDeviceTable, devHeadings...)
			admStrs(t, "names", admCol(r.AccessDeviceTable, "Device Name"), []string{"dect1", "desk1"})
			admEq(t, "desk1", rows[1]["Device Type"]+"|"+rows[1]["Available Ports"]+"|"+rows[1]["Net Address"]+"|"+rows[1]["MAC Address"]+"|"+rows[1]["Status"],
				"Polycom VVX 450|Unlimited|10.0.0.5|0004f2aabbcc|Online")
		})},
		{name: "list by type", as: "g1admin@example.com", cmd: &group.GroupAccessDeviceGetListRequest{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")),
			GroupID: ptr(datatypes.GroupId("g1")), SearchCriteriaExactDeviceType: &datatypes.SearchCriteriaExactDeviceType{DeviceType: "Any Vendor DECT"}},
			check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetListResponse) {
				admStrs(t, "names", admCol(r.AccessDeviceTable, "Device Name"), []string{"dect1"})
			})},
		{name: "list by MAC and name", as: "g1admin@example.com", cmd: &group.GroupAccessDeviceGetListRequest{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")),
			GroupID:                        ptr(datatypes.GroupId("g1")),
			SearchCriteriaDeviceMACAddress: []datatypes.SearchCriteriaDeviceMACAddress{{Mode: datatypes.SearchModeContains, Value: "AABB", IsCaseInsensitive: true}},
			SearchCriteriaDeviceName:       []datatypes.SearchCriteriaDeviceName{{Mode: datatypes.SearchModeStartsWith, Value: "desk", IsCaseInsensitive: true}}},
			check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetListResponse) {
				admStrs(t, "names", admCol(r.AccessDeviceTable, "Device Name"), []string{"desk1"})
			})},
		{name: "no device has a version", as: "g1admin@example.com", cmd: &group.GroupAccessDeviceGetListRequest{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")),
			GroupID:                           ptr(datatypes.GroupId("g1")),
			SearchCriteriaAccessDeviceVersion: []datatypes.SearchCriteriaAccessDeviceVersion{{Mode: datatypes.SearchModeContains, Value: "5.9", IsCaseInsensitive: true}}},
			check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetListResponse) {
				admRows(t, r.AccessDeviceTable, devHeadings...)
				admEq(t, "rows", r.AccessDeviceTable.Len(), 0)
			})},
		{name: "list with a limit", as: "g1admin@example.com", cmd: &group.GroupAccessDeviceGetListRequest{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")),
			GroupID: ptr(datatypes.GroupId("g1")), ResponseSizeLimit: ptr(datatypes.ResponseSizeLimit(1))},
			check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetListResponse) {
				admStrs(t, "names", admCol(r.AccessDeviceTable, "Device Name"), []string{"dect1"})
			})},
		{name: "modify22: set, clear, keep", as: "g1admin@example.com", cmd: func() *group.GroupAccessDeviceModifyRequest22 {
			m := devMod22("g1", "desk1")
			m.NetAddress = ocixml.Some(datatypes.NetAddress("10.0.0.6"))
			m.Port = ocixml.Null[datatypes.Port1025]()
			m.Description = ocixml.Null[datatypes.AccessDeviceDescription]()
			m.TransportProtocol = ptr(datatypes.ExtendedTransportProtocolUDP)
			m.UseCustomUserNamePassword = ptr(false)
			m.AccessDeviceCredentials = ocixml.Null[datatypes.DeviceManagementUserNamePassword16]()
			return m
		}()},
		{name: "modified", as: "g1admin@example.com", cmd: devGet("g1", "desk1"), check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetResponse24V3) {
			admEq(t, "net", sv(r.NetAddress), "10.0.0.6")
			admEq(t, "port cleared", r.Port == nil, true)
			admEq(t, "description cleared", r.Description == nil, true)
			admEq(t, "serial kept", sv(r.SerialNumber), "SN-1")
			admEq(t, "transport", sv(r.TransportProtocol), "UDP")
			admEq(t, "credentials gone", *r.UseCustomUserNamePassword || r.UserName != nil, false)
			admEq(t, "type kept", r.DeviceType, "Polycom VVX 450")
		})},
		{name: "modify14", as: "g1admin@example.com", cmd: &deprecatedgroup.GroupAccessDeviceModifyRequest14{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")),
			GroupID: ptr(datatypes.GroupId("g1")), DeviceName: ptr(datatypes.AccessDeviceName("desk1")),
			PhysicalLocation: ocixml.Some(datatypes.AccessDevicePhysicalLocation("floor 2")), UseCustomUserNamePassword: ptr(true),
			AccessDeviceCredentials: ocixml.Some(datatypes.DeviceManagementUserNamePassword16{UserName: "dm2", Password: "p2"})}},
		{name: "modified14", as: "g1admin@example.com", cmd: devGet("g1", "desk1"), check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetResponse24V3) {
			admEq(t, "location", sv(r.PhysicalLocation), "floor 2")
			admEq(t, "credential user", sv(r.UserName), "dm2")
		})},
		{name: "delete", as: "g1admin@example.com", cmd: devDel("g1", "dect1")},
		{name: "deleted", as: "g1admin@example.com", cmd: devGet("g1", "dect1"), code: ocip.CodeNotFound},
	})
}

func TestDeviceRules(t *testing.T) {
	w := newAdmWorld(t)
	unsupported := func() *group.GroupAccessDeviceModifyRequest22 {
		m := devMod22("g1", "p1")
		m.Description = ocixml.Some(datatypes.AccessDeviceDescription("changed"))
		m.DeviceCode = ocixml.Some(datatypes.AccessDeviceCode("1234"))
		return m
	}
	mobility := devAdd14("g1", "mm1", "Phone")
	mobility.MobilityManagerProvisioningURL = ptr(datatypes.URL("http://mm.example.com"))
	badMAC := devAdd14("g1", "p2", "Phone")
	badMAC.MacAddress = ptr(datatypes.AccessDeviceMACAddress("00zz"))
	noCreds := devAdd14("g1", "p3", "Phone")
	noCreds.UseCustomUserNamePassword = ptr(true)
	admRun(t, w, []admStep{
		{name: "add", as: "g1admin@example.com", cmd: devAdd14("g1", "p1", "Phone")},
		{name: "duplicate", as: "g1admin@example.com", cmd: devAdd14("g1", "p1", "Other"), code: ocip.CodeAlreadyExists},
		{name: "same name in another group", as: "g2admin@example.com", cmd: devAdd14("g2", "p1", "Phone")},
		{name: "same name at SP level", as: "spadmin", cmd: &provider.ServiceProviderAccessDeviceAddRequest22V2{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")),
			DeviceName: ptr(datatypes.AccessDeviceName("p1")), DeviceType: "Phone"}},
		{name: "unsupported element on add", as: "g1admin@example.com", cmd: mobility, code: ocip.CodeNotSupported},
		{name: "not added", as: "g1admin@example.com", cmd: devGet("g1", "mm1"), code: ocip.CodeNotFound},
		{name: "unsupported element on modify", as: "g1admin@example.com", cmd: unsupported(), code: ocip.CodeNotSupported},
		{name: "not modified", as: "g1admin@example.com", cmd: devGet("g1", "p1"), check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetResponse24V3) {
			admEq(t, "description", r.Description == nil, true)
		})},
		{name: "device external id", as: "g1admin@example.com", cmd: &group.GroupAccessDeviceGetRequest24V3{DeviceExternalID: ptr(datatypes.ExternalId("x"))}, code: ocip.CodeNotSupported},
		{name: "bad MAC", as: "g1admin@example.com", cmd: badMAC, code: ocip.CodeInvalidValue},
		{name: "custom credentials without credentials", as: "g1admin@example.com", cmd: noCreds, code: ocip.CodeInvalidValue},
		{name: "unknown group", as: "spadmin", cmd: devAdd14("g9", "x", "Phone"), code: ocip.CodeNotFound},
		{name: "modify unknown", as: "g1admin@example.com", cmd: devMod22("g1", "nope"), code: ocip.CodeNotFound},
		{name: "delete unknown", as: "g1admin@example.com", cmd: devDel("g1", "nope"), code: ocip.CodeNotFound},
	})

	// A user's endpoint on p1 blocks its deletion and counts as a port.
	ctx := context.Background()
	u := store.User{ID: "dave@example.com", SPID: "ent1", GroupID: "g1", LastName: "D", FirstName: "D", CLIDLastName: "D", CLIDFirstName: "D"}
	u.Profile.Endpoint = &store.Endpoint{DeviceLevel: "Group", DeviceName: "p1", LinePort: "dave_lp@example.com"}
	if err := w.h.core.AddUser(ctx, w.sysActor, provisioning.UserAdd{User: u, Password: admPW}); err != nil {
		t.Fatal(err)
	}
	ga := w.as("g1admin@example.com")
	r := get[*group.GroupAccessDeviceGetResponse24V3](ga, devGet("g1", "p1"))
	admEq(t, "assigned ports", r.NumberOfAssignedPorts, 1)
	e := ga.fails(devDel("g1", "p1"), ocip.CodeInUse)
	admEq(t, "detail", sv(e.Detail), "user dave@example.com has an endpoint on it")
	// The same name in g2 and at SP level is another device: free.
	w.as("g2admin@example.com").ok(devDel("g2", "p1"))
	if err := w.h.core.DeleteUser(ctx, w.sysActor, "dave@example.com"); err != nil {
		t.Fatal(err)
	}
	ga.ok(devDel("g1", "p1"))
	get[*provider.ServiceProviderAccessDeviceGetResponse24V3](w.as("spadmin"), &provider.ServiceProviderAccessDeviceGetRequest24V3{
		ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")), DeviceName: ptr(datatypes.AccessDeviceName("p1"))})
}

func TestDeviceServiceProviderLevel(t *testing.T) {
	w := newAdmWorld(t)
	spGet := func(name string) *provider.ServiceProviderAccessDeviceGetRequest24V3 {
		return &provider.ServiceProviderAccessDeviceGetRequest24V3{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")), DeviceName: ptr(datatypes.AccessDeviceName(name))}
	}
	spList := &provider.ServiceProviderAccessDeviceGetListRequest{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1"))}
	spDel := func(name string) *provider.ServiceProviderAccessDeviceDeleteRequest {
		return &provider.ServiceProviderAccessDeviceDeleteRequest{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")), DeviceName: ptr(datatypes.AccessDeviceName(name))}
	}
	admRun(t, w, []admStep{
		{name: "add14", as: "spadmin", cmd: &deprecated.ServiceProviderAccessDeviceAddRequest14{ServiceProviderID: "ent1", DeviceName: "trunk1",
			DeviceType: "Generic SIP Gateway", Protocol: ptr(datatypes.AccessDeviceProtocol("SIP 2.0")), NetAddress: ptr(datatypes.NetAddress("gw.example.com")),
			Port: ptr(datatypes.Port1025(5060))}},
		{name: "add22V2", as: "spadmin", cmd: &provider.ServiceProviderAccessDeviceAddRequest22V2{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")),
			DeviceName: ptr(datatypes.AccessDeviceName("sbc")), DeviceType: "SBC", TransportProtocol: ptr(datatypes.ExtendedTransportProtocolTLS)}},
		{name: "get24V3", as: "spadmin", cmd: spGet("trunk1"), check: admIs(func(t *testing.T, r *provider.ServiceProviderAccessDeviceGetResponse24V3) {
			admEq(t, "type", r.DeviceType, "Generic SIP Gateway")
			admEq(t, "protocol", r.Protocol, "SIP 2.0")
			admEq(t, "net", sv(r.NetAddress), "gw.example.com")
			admEq(t, "port", *r.Port, 5060)
			admEq(t, "identity", string(r.ServiceProviderID)+"/"+string(r.DeviceName), "ent1/trunk1")
		})},
		{name: "get18sp1", as: "spadmin", cmd: &deprecated.ServiceProviderAccessDeviceGetRequest18sp1{ServiceProviderID: "ent1", DeviceName: "sbc"},
			check: admIs(func(t *testing.T, r *deprecated.ServiceProviderAccessDeviceGetResponse18sp1) {
				admEq(t, "protocol defaulted", r.Protocol, "SIP 2.0")
				admEq(t, "TLS left out", r.TransportProtocol == nil, true)
			})},
		{name: "list", as: "spadmin", cmd: spList, check: admIs(func(t *testing.T, r *provider.ServiceProviderAccessDeviceGetListResponse) {
			admRows(t, r.AccessDeviceTable, devHeadings...)
			admStrs(t, "names", admCol(r.AccessDeviceTable, "Device Name"), []string{"sbc", "trunk1"})
		})},
		{name: "group devices are not in the SP list", as: "g1admin@example.com", cmd: devAdd14("g1", "phone", "Phone")},
		{name: "still two", as: "spadmin", cmd: spList, check: admIs(func(t *testing.T, r *provider.ServiceProviderAccessDeviceGetListResponse) {
			admStrs(t, "names", admCol(r.AccessDeviceTable, "Device Name"), []string{"sbc", "trunk1"})
		})},
		{name: "modify22", as: "spadmin", cmd: &provider.ServiceProviderAccessDeviceModifyRequest22{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")),
			DeviceName: ptr(datatypes.AccessDeviceName("sbc")), SerialNumber: ocixml.Some(datatypes.AccessDeviceSerialNumber("S-9"))}},
		{name: "modify14", as: "spadmin", cmd: &deprecated.ServiceProviderAccessDeviceModifyRequest14{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")),
			DeviceName: ptr(datatypes.AccessDeviceName("sbc")), Protocol: ptr(datatypes.AccessDeviceProtocol("MGCP"))}},
		{name: "modified", as: "spadmin", cmd: spGet("sbc"), check: admIs(func(t *testing.T, r *provider.ServiceProviderAccessDeviceGetResponse24V3) {
			admEq(t, "serial", sv(r.SerialNumber), "S-9")
			admEq(t, "protocol", r.Protocol, "MGCP")
		})},
		{name: "hotline unsupported", as: "spadmin", cmd: &deprecated.ServiceProviderAccessDeviceModifyRequest14{ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")),
			DeviceName: ptr(datatypes.AccessDeviceName("sbc")), UseHotline: ptr(true)}, code: ocip.CodeNotSupported},
		{name: "group admin cannot add SP devices", as: "g1admin@example.com", cmd: &provider.ServiceProviderAccessDeviceAddRequest22V2{
			ServiceProviderID: ptr(datatypes.ServiceProviderId("ent1")), DeviceName: ptr(datatypes.AccessDeviceName("x")), DeviceType: "Phone"}, code: ocip.CodeUnauthorized},
		{name: "group admin cannot read SP devices", as: "g1admin@example.com", cmd: spGet("sbc"), code: ocip.CodeUnauthorized},
		{name: "other SP", as: "sp2admin", cmd: spList, code: ocip.CodeUnauthorized},
		{name: "own reseller", as: "rsl1", cmd: spList, check: admIs(func(*testing.T, *provider.ServiceProviderAccessDeviceGetListResponse) {})},
		{name: "other reseller", as: "rsl2", cmd: spDel("sbc"), code: ocip.CodeUnauthorized},
		{name: "unknown SP", as: "sys", cmd: &provider.ServiceProviderAccessDeviceGetListRequest{ServiceProviderID: ptr(datatypes.ServiceProviderId("nope"))}, code: ocip.CodeNotFound},
	})
	// A user in g2 with an endpoint on the SP device trunk1.
	ctx := context.Background()
	u := store.User{ID: "erin@example.com", SPID: "ent1", GroupID: "g2", LastName: "E", FirstName: "E", CLIDLastName: "E", CLIDFirstName: "E"}
	u.Profile.Endpoint = &store.Endpoint{DeviceLevel: "Service Provider", DeviceName: "trunk1", LinePort: "erin_lp@example.com"}
	if err := w.h.core.AddUser(ctx, w.sysActor, provisioning.UserAdd{User: u, Password: admPW}); err != nil {
		t.Fatal(err)
	}
	sp := w.as("spadmin")
	admEq(t, "assigned", get[*provider.ServiceProviderAccessDeviceGetResponse24V3](sp, spGet("trunk1")).NumberOfAssignedPorts, 1)
	sp.fails(spDel("trunk1"), ocip.CodeInUse)
	sp.ok(spDel("sbc"))
	sp.fails(spGet("sbc"), ocip.CodeNotFound)
}

func TestDeviceAuthorization(t *testing.T) {
	w := newAdmWorld(t)
	w.as("g1admin@example.com").ok(devAdd14("g1", "p1", "Phone"))
	admRun(t, w, []admStep{
		{name: "other group's admin: get", as: "g2admin@example.com", cmd: devGet("g1", "p1"), code: ocip.CodeUnauthorized},
		{name: "other group's admin: add", as: "g2admin@example.com", cmd: devAdd14("g1", "p2", "Phone"), code: ocip.CodeUnauthorized},
		{name: "other group's admin: delete", as: "g2admin@example.com", cmd: devDel("g1", "p1"), code: ocip.CodeUnauthorized},
		{name: "department admin", as: "deptadmin@example.com", cmd: devList("g1"), code: ocip.CodeUnauthorized},
		{name: "user", as: "alice@example.com", cmd: devGet("g1", "p1"), code: ocip.CodeUnauthorized},
		{name: "other SP's admin", as: "sp2admin", cmd: devList("g1"), code: ocip.CodeUnauthorized},
		{name: "read-only reads", as: "ro", cmd: devList("g1"), check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetListResponse) {
			admStrs(t, "names", admCol(r.AccessDeviceTable, "Device Name"), []string{"p1"})
		})},
		{name: "read-only cannot modify", as: "ro", cmd: devMod22("g1", "p1"), code: ocip.CodeUnauthorized},
		{name: "sp admin manages group devices", as: "spadmin", cmd: devAdd14("g1", "p3", "Phone")},
		{name: "reseller manages its SP's devices", as: "rsl1", cmd: devDel("g1", "p3")},
		{name: "provisioning", as: "prov", cmd: devDel("g1", "p1")},
		{name: "gone", as: "g1admin@example.com", cmd: devList("g1"), check: admIs(func(t *testing.T, r *group.GroupAccessDeviceGetListResponse) {
			admEq(t, "rows", r.AccessDeviceTable.Len(), 0)
		})},
	})
}

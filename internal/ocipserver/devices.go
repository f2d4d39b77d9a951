package ocipserver

import (
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

// The access device family, at group and at service provider level: add,
// get, modify (each version mapped onto one core path), delete and list.
// Switchboard has no device type catalogue, no device management server
// and no external ids for devices: any device type is accepted and has
// unlimited ports; elements that need the missing parts (Mobility Manager,
// hotline, configuration files, device activation codes, external ids)
// are refused as unsupported rather than dropped.

func deviceRoutes(r routes) {
	on(r, "GroupAccessDeviceAddRequest14", func(c *call, req *deprecatedgroup.GroupAccessDeviceAddRequest14) ocixml.Command {
		in := devAdd{sp: string(req.ServiceProviderID), group: string(req.GroupID), name: string(req.DeviceName), typ: string(req.DeviceType),
			protocol: sv(req.Protocol), net: sv(req.NetAddress), port: req.Port, proxy: sv(req.OutboundProxyServerNetAddress),
			stun: sv(req.StunServerNetAddress), mac: sv(req.MacAddress), serial: sv(req.SerialNumber), desc: sv(req.Description),
			loc: sv(req.PhysicalLocation), transport: sv(req.TransportProtocol), useCustom: req.UseCustomUserNamePassword,
			creds: req.AccessDeviceCredentials}
		in.unsupported = devFirstSet(devOpt{"mobilityManagerProvisioningURL", req.MobilityManagerProvisioningURL != nil},
			devOpt{"mobilityManagerProvisioningUserName", req.MobilityManagerProvisioningUserName != nil},
			devOpt{"mobilityManagerProvisioningPassword", req.MobilityManagerProvisioningPassword != nil},
			devOpt{"mobilityManagerDefaultOriginatingServiceKey", req.MobilityManagerDefaultOriginatingServiceKey != nil},
			devOpt{"mobilityManagerDefaultTerminatingServiceKey", req.MobilityManagerDefaultTerminatingServiceKey != nil})
		return c.devAdd(req.XSIType(), in)
	})
	on(r, "GroupAccessDeviceAddRequest22V2", func(c *call, req *group.GroupAccessDeviceAddRequest22V2) ocixml.Command {
		in := devAdd{sp: sv(req.ServiceProviderID), group: sv(req.GroupID), name: sv(req.DeviceName), typ: string(req.DeviceType),
			protocol: sv(req.Protocol), net: sv(req.NetAddress), port: req.Port, proxy: sv(req.OutboundProxyServerNetAddress),
			stun: sv(req.StunServerNetAddress), mac: sv(req.MacAddress), serial: sv(req.SerialNumber), desc: sv(req.Description),
			loc: sv(req.PhysicalLocation), transport: sv(req.TransportProtocol), useCustom: req.UseCustomUserNamePassword,
			creds: req.AccessDeviceCredentials, ipei: sv(req.DeviceIPEI)}
		in.unsupported = devFirstSet(devOpt{"groupExternalId", req.GroupExternalID != nil},
			devOpt{"deviceExternalId", req.DeviceExternalID != nil})
		return c.devAdd(req.XSIType(), in)
	})
	on(r, "ServiceProviderAccessDeviceAddRequest14", func(c *call, req *deprecated.ServiceProviderAccessDeviceAddRequest14) ocixml.Command {
		in := devAdd{sp: string(req.ServiceProviderID), name: string(req.DeviceName), typ: string(req.DeviceType),
			protocol: sv(req.Protocol), net: sv(req.NetAddress), port: req.Port, proxy: sv(req.OutboundProxyServerNetAddress),
			stun: sv(req.StunServerNetAddress), mac: sv(req.MacAddress), serial: sv(req.SerialNumber), desc: sv(req.Description),
			loc: sv(req.PhysicalLocation), transport: sv(req.TransportProtocol), useCustom: req.UseCustomUserNamePassword,
			creds: req.AccessDeviceCredentials}
		in.unsupported = devFirstSet(devOpt{"mobilityManagerProvisioningURL", req.MobilityManagerProvisioningURL != nil},
			devOpt{"mobilityManagerProvisioningUserName", req.MobilityManagerProvisioningUserName != nil},
			devOpt{"mobilityManagerProvisioningPassword", req.MobilityManagerProvisioningPassword != nil},
			devOpt{"mobilityManagerDefaultOriginatingServiceKey", req.MobilityManagerDefaultOriginatingServiceKey != nil},
			devOpt{"mobilityManagerDefaultTerminatingServiceKey", req.MobilityManagerDefaultTerminatingServiceKey != nil})
		return c.devAdd(req.XSIType(), in)
	})
	on(r, "ServiceProviderAccessDeviceAddRequest22V2", func(c *call, req *provider.ServiceProviderAccessDeviceAddRequest22V2) ocixml.Command {
		in := devAdd{sp: sv(req.ServiceProviderID), name: sv(req.DeviceName), typ: string(req.DeviceType),
			protocol: sv(req.Protocol), net: sv(req.NetAddress), port: req.Port, proxy: sv(req.OutboundProxyServerNetAddress),
			stun: sv(req.StunServerNetAddress), mac: sv(req.MacAddress), serial: sv(req.SerialNumber), desc: sv(req.Description),
			loc: sv(req.PhysicalLocation), transport: sv(req.TransportProtocol), useCustom: req.UseCustomUserNamePassword,
			creds: req.AccessDeviceCredentials, ipei: sv(req.DeviceIPEI)}
		in.unsupported = devFirstSet(devOpt{"serviceProviderExternalId", req.ServiceProviderExternalID != nil},
			devOpt{"deviceExternalId", req.DeviceExternalID != nil})
		return c.devAdd(req.XSIType(), in)
	})

	on(r, "GroupAccessDeviceModifyRequest14", func(c *call, req *deprecatedgroup.GroupAccessDeviceModifyRequest14) ocixml.Command {
		m := devModify{sp: sv(req.ServiceProviderID), group: sv(req.GroupID), name: sv(req.DeviceName), protocol: req.Protocol,
			net: nillableString(req.NetAddress), port: req.Port, proxy: nillableString(req.OutboundProxyServerNetAddress), stun: nillableString(req.StunServerNetAddress),
			mac: nillableString(req.MacAddress), serial: nillableString(req.SerialNumber), desc: nillableString(req.Description), loc: nillableString(req.PhysicalLocation),
			transport: req.TransportProtocol, useCustom: req.UseCustomUserNamePassword, creds: req.AccessDeviceCredentials}
		m.unsupported = devFirstSet(devOpt{"deviceExternalId", req.DeviceExternalID != nil},
			devOpt{"configurationMode", devSetValue(req.ConfigurationMode)},
			devOpt{"configurationFile", req.ConfigurationFile != nil},
			devOpt{"mobilityManagerProvisioningURL", req.MobilityManagerProvisioningURL != nil},
			devOpt{"mobilityManagerProvisioningUserName", req.MobilityManagerProvisioningUserName != nil},
			devOpt{"mobilityManagerProvisioningPassword", req.MobilityManagerProvisioningPassword != nil},
			devOpt{"mobilityManagerDefaultOriginatingServiceKey", devSetValue(req.MobilityManagerDefaultOriginatingServiceKey)},
			devOpt{"mobilityManagerDefaultTerminatingServiceKey", devSetValue(req.MobilityManagerDefaultTerminatingServiceKey)},
			devOpt{"hotlineContact", devSetValue(req.HotlineContact)},
			devOpt{"useHotline", req.UseHotline != nil && *req.UseHotline})
		return c.devModify(req.XSIType(), m)
	})
	on(r, "GroupAccessDeviceModifyRequest22", func(c *call, req *group.GroupAccessDeviceModifyRequest22) ocixml.Command {
		m := devModify{sp: sv(req.ServiceProviderID), group: sv(req.GroupID), name: sv(req.DeviceName), protocol: req.Protocol,
			net: nillableString(req.NetAddress), port: req.Port, proxy: nillableString(req.OutboundProxyServerNetAddress), stun: nillableString(req.StunServerNetAddress),
			mac: nillableString(req.MacAddress), serial: nillableString(req.SerialNumber), desc: nillableString(req.Description), loc: nillableString(req.PhysicalLocation),
			transport: req.TransportProtocol, useCustom: req.UseCustomUserNamePassword, creds: req.AccessDeviceCredentials, ipei: nillableString(req.DeviceIPEI)}
		m.unsupported = devFirstSet(devOpt{"deviceExternalId", req.DeviceExternalID != nil},
			devOpt{"configurationMode", devSetValue(req.ConfigurationMode)},
			devOpt{"configurationFile", req.ConfigurationFile != nil},
			devOpt{"useDeviceCode", req.UseDeviceCode != nil && *req.UseDeviceCode},
			devOpt{"deviceCode", devSetValue(req.DeviceCode)})
		return c.devModify(req.XSIType(), m)
	})
	on(r, "ServiceProviderAccessDeviceModifyRequest14", func(c *call, req *deprecated.ServiceProviderAccessDeviceModifyRequest14) ocixml.Command {
		m := devModify{sp: sv(req.ServiceProviderID), name: sv(req.DeviceName), protocol: req.Protocol,
			net: nillableString(req.NetAddress), port: req.Port, proxy: nillableString(req.OutboundProxyServerNetAddress), stun: nillableString(req.StunServerNetAddress),
			mac: nillableString(req.MacAddress), serial: nillableString(req.SerialNumber), desc: nillableString(req.Description), loc: nillableString(req.PhysicalLocation),
			transport: req.TransportProtocol, useCustom: req.UseCustomUserNamePassword, creds: req.AccessDeviceCredentials}
		m.unsupported = devFirstSet(devOpt{"deviceExternalId", req.DeviceExternalID != nil},
			devOpt{"mobilityManagerProvisioningURL", req.MobilityManagerProvisioningURL != nil},
			devOpt{"mobilityManagerProvisioningUserName", req.MobilityManagerProvisioningUserName != nil},
			devOpt{"mobilityManagerProvisioningPassword", req.MobilityManagerProvisioningPassword != nil},
			devOpt{"mobilityManagerDefaultOriginatingServiceKey", devSetValue(req.MobilityManagerDefaultOriginatingServiceKey)},
			devOpt{"mobilityManagerDefaultTerminatingServiceKey", devSetValue(req.MobilityManagerDefaultTerminatingServiceKey)},
			devOpt{"hotlineContact", devSetValue(req.HotlineContact)},
			devOpt{"useHotline", req.UseHotline != nil && *req.UseHotline})
		return c.devModify(req.XSIType(), m)
	})
	on(r, "ServiceProviderAccessDeviceModifyRequest22", func(c *call, req *provider.ServiceProviderAccessDeviceModifyRequest22) ocixml.Command {
		m := devModify{sp: sv(req.ServiceProviderID), name: sv(req.DeviceName), protocol: req.Protocol,
			net: nillableString(req.NetAddress), port: req.Port, proxy: nillableString(req.OutboundProxyServerNetAddress), stun: nillableString(req.StunServerNetAddress),
			mac: nillableString(req.MacAddress), serial: nillableString(req.SerialNumber), desc: nillableString(req.Description), loc: nillableString(req.PhysicalLocation),
			transport: req.TransportProtocol, useCustom: req.UseCustomUserNamePassword, creds: req.AccessDeviceCredentials, ipei: nillableString(req.DeviceIPEI)}
		m.unsupported = devFirstSet(devOpt{"deviceExternalId", req.DeviceExternalID != nil},
			devOpt{"useDeviceCode", req.UseDeviceCode != nil && *req.UseDeviceCode},
			devOpt{"deviceCode", devSetValue(req.DeviceCode)})
		return c.devModify(req.XSIType(), m)
	})

	on(r, "GroupAccessDeviceDeleteRequest", func(c *call, req *group.GroupAccessDeviceDeleteRequest) ocixml.Command {
		if req.DeviceExternalID != nil {
			return devUnsupported(req.XSIType(), "deviceExternalId")
		}
		return c.devDelete(sv(req.ServiceProviderID), sv(req.GroupID), sv(req.DeviceName))
	})
	on(r, "ServiceProviderAccessDeviceDeleteRequest", func(c *call, req *provider.ServiceProviderAccessDeviceDeleteRequest) ocixml.Command {
		if req.DeviceExternalID != nil {
			return devUnsupported(req.XSIType(), "deviceExternalId")
		}
		return c.devDelete(sv(req.ServiceProviderID), "", sv(req.DeviceName))
	})

	on(r, "GroupAccessDeviceGetRequest18sp1", func(c *call, req *deprecatedgroup.GroupAccessDeviceGetRequest18sp1) ocixml.Command {
		dd, err := c.p.core.Device(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), string(req.DeviceName))
		if err != nil {
			return c.fail(err)
		}
		v := devViewOf(dd)
		return &deprecatedgroup.GroupAccessDeviceGetResponse18sp1{DeviceType: v.typ, Protocol: &v.protocol, NetAddress: v.net, Port: v.port,
			OutboundProxyServerNetAddress: v.proxy, StunServerNetAddress: v.stun, MacAddress: v.mac, SerialNumber: v.serial, Description: v.desc,
			NumberOfPorts: devUnlimited, NumberOfAssignedPorts: v.assigned, Status: datatypes.AccessDeviceStatusOnline,
			PhysicalLocation: v.loc, TransportProtocol: v.legacyTransport(), UseCustomUserNamePassword: &v.useCustom, UserName: v.user}
	})
	on(r, "GroupAccessDeviceGetRequest24V3", func(c *call, req *group.GroupAccessDeviceGetRequest24V3) ocixml.Command {
		if req.DeviceExternalID != nil {
			return devUnsupported(req.XSIType(), "deviceExternalId")
		}
		dd, err := c.p.core.Device(c.ctx, c.actor, sv(req.ServiceProviderID), sv(req.GroupID), sv(req.DeviceName))
		if err != nil {
			return c.fail(err)
		}
		v := devViewOf(dd)
		d := dd.Device
		return &group.GroupAccessDeviceGetResponse24V3{DeviceType: v.typ, Protocol: &v.protocol, NetAddress: v.net, Port: v.port,
			OutboundProxyServerNetAddress: v.proxy, StunServerNetAddress: v.stun, MacAddress: v.mac, SerialNumber: v.serial, Description: v.desc,
			NumberOfPorts: devUnlimited, NumberOfAssignedPorts: v.assigned, Status: datatypes.AccessDeviceStatusOnline,
			PhysicalLocation: v.loc, TransportProtocol: v.transport, UseCustomUserNamePassword: &v.useCustom, UserName: v.user,
			ServiceProviderID: datatypes.ServiceProviderId(d.SPID), GroupID: datatypes.GroupId(d.GroupID),
			DeviceName: datatypes.AccessDeviceName(d.Name), DeviceIPEI: v.ipei}
	})
	on(r, "ServiceProviderAccessDeviceGetRequest18sp1", func(c *call, req *deprecated.ServiceProviderAccessDeviceGetRequest18sp1) ocixml.Command {
		dd, err := c.p.core.Device(c.ctx, c.actor, string(req.ServiceProviderID), "", string(req.DeviceName))
		if err != nil {
			return c.fail(err)
		}
		v := devViewOf(dd)
		return &deprecated.ServiceProviderAccessDeviceGetResponse18sp1{DeviceType: v.typ, Protocol: v.protocol, NetAddress: v.net, Port: v.port,
			OutboundProxyServerNetAddress: v.proxy, StunServerNetAddress: v.stun, MacAddress: v.mac, SerialNumber: v.serial, Description: v.desc,
			NumberOfPorts: devUnlimited, NumberOfAssignedPorts: v.assigned, Status: datatypes.AccessDeviceStatusOnline,
			PhysicalLocation: v.loc, TransportProtocol: v.legacyTransport(), UseCustomUserNamePassword: &v.useCustom, UserName: v.user}
	})
	on(r, "ServiceProviderAccessDeviceGetRequest24V3", func(c *call, req *provider.ServiceProviderAccessDeviceGetRequest24V3) ocixml.Command {
		if req.DeviceExternalID != nil {
			return devUnsupported(req.XSIType(), "deviceExternalId")
		}
		dd, err := c.p.core.Device(c.ctx, c.actor, sv(req.ServiceProviderID), "", sv(req.DeviceName))
		if err != nil {
			return c.fail(err)
		}
		v := devViewOf(dd)
		d := dd.Device
		return &provider.ServiceProviderAccessDeviceGetResponse24V3{DeviceType: v.typ, Protocol: v.protocol, NetAddress: v.net, Port: v.port,
			OutboundProxyServerNetAddress: v.proxy, StunServerNetAddress: v.stun, MacAddress: v.mac, SerialNumber: v.serial, Description: v.desc,
			NumberOfPorts: devUnlimited, NumberOfAssignedPorts: v.assigned, Status: datatypes.AccessDeviceStatusOnline,
			PhysicalLocation: v.loc, TransportProtocol: v.transport, UseCustomUserNamePassword: &v.useCustom, UserName: v.user,
			ServiceProviderID: datatypes.ServiceProviderId(d.SPID), DeviceName: datatypes.AccessDeviceName(d.Name), DeviceIPEI: v.ipei}
	})

	on(r, "GroupAccessDeviceGetListRequest", func(c *call, req *group.GroupAccessDeviceGetListRequest) ocixml.Command {
		if req.GroupExternalID != nil {
			return devUnsupported(req.XSIType(), "groupExternalId")
		}
		f := devFilter(req.ResponseSizeLimit, req.SearchCriteriaDeviceName, req.SearchCriteriaDeviceMACAddress,
			req.SearchCriteriaDeviceNetAddress, req.SearchCriteriaExactDeviceType, req.SearchCriteriaAccessDeviceVersion)
		list, err := c.p.core.ListDevices(c.ctx, c.actor, sv(req.ServiceProviderID), sv(req.GroupID), f)
		if err != nil {
			return c.fail(err)
		}
		return &group.GroupAccessDeviceGetListResponse{AccessDeviceTable: devTable("GroupAccessDeviceGetListResponse", list)}
	})
	on(r, "ServiceProviderAccessDeviceGetListRequest", func(c *call, req *provider.ServiceProviderAccessDeviceGetListRequest) ocixml.Command {
		if req.ServiceProviderExternalID != nil {
			return devUnsupported(req.XSIType(), "serviceProviderExternalId")
		}
		f := devFilter(req.ResponseSizeLimit, req.SearchCriteriaDeviceName, req.SearchCriteriaDeviceMACAddress,
			req.SearchCriteriaDeviceNetAddress, req.SearchCriteriaExactDeviceType, req.SearchCriteriaAccessDeviceVersion)
		list, err := c.p.core.ListDevices(c.ctx, c.actor, sv(req.ServiceProviderID), "", f)
		if err != nil {
			return c.fail(err)
		}
		return &provider.ServiceProviderAccessDeviceGetListResponse{AccessDeviceTable: devTable("ServiceProviderAccessDeviceGetListResponse", list)}
	})
}

// devUnlimited is every device's port count: without a device type
// catalogue there is no per-type limit.
var devUnlimited = datatypes.UnboundedPositiveInt{Unlimited: true}

// devAdd is what every add version carries.
type devAdd struct {
	sp, group, name, typ                    string
	protocol, net, proxy, stun, mac, serial string
	desc, loc, transport, ipei              string
	port                                    *datatypes.Port1025
	useCustom                               *bool
	creds                                   *datatypes.DeviceManagementUserNamePassword16
	unsupported                             string
}

func (c *call) devAdd(cmd string, in devAdd) ocixml.Command {
	if in.unsupported != "" {
		return devUnsupported(cmd, in.unsupported)
	}
	d := store.Device{SPID: in.sp, GroupID: in.group, Name: in.name, Type: in.typ, Profile: store.DeviceProfile{
		ProtocolChoice: in.protocol, NetAddress: in.net, OutboundProxy: in.proxy, StunServer: in.stun, MACAddress: in.mac,
		SerialNumber: in.serial, Description: in.desc, PhysicalLoc: in.loc, TransportProto: in.transport}}
	if in.port != nil {
		d.Profile.Port = int(*in.port)
	}
	if in.useCustom != nil {
		d.Profile.UseCustomCreds = *in.useCustom
	}
	if in.creds != nil {
		provisioning.SetDeviceCredentials(&d.Profile, string(in.creds.UserName), string(in.creds.Password))
	}
	devSetExtra(&d.Profile, devIPEIKey, in.ipei)
	if err := c.p.core.AddDevice(c.ctx, c.actor, d); err != nil {
		return c.fail(err)
	}
	return success()
}

// devIPEIKey keeps a DECT handset's IPEI in the profile's extra attributes.
const devIPEIKey = "deviceIPEI"

func devSetExtra(p *store.DeviceProfile, key, v string) {
	if v == "" {
		delete(p.Extra, key)
		return
	}
	if p.Extra == nil {
		p.Extra = map[string]any{}
	}
	p.Extra[key] = v
}

// devModify is what every modify version carries: absent elements keep
// their value, nil clears it.
type devModify struct {
	sp, group, name                                string
	protocol                                       *datatypes.AccessDeviceProtocol
	net, proxy, stun, mac, serial, desc, loc, ipei ocixml.Nillable[string]
	port                                           ocixml.Nillable[datatypes.Port1025]
	transport                                      *datatypes.ExtendedTransportProtocol
	useCustom                                      *bool
	creds                                          ocixml.Nillable[datatypes.DeviceManagementUserNamePassword16]
	unsupported                                    string
}

func (c *call) devModify(cmd string, m devModify) ocixml.Command {
	if m.unsupported != "" {
		return devUnsupported(cmd, m.unsupported)
	}
	err := c.p.core.ModifyDevice(c.ctx, c.actor, m.sp, m.group, m.name, func(d *store.Device) error {
		p := &d.Profile
		if m.protocol != nil {
			p.ProtocolChoice = string(*m.protocol)
		}
		for _, f := range []struct {
			dst *string
			n   ocixml.Nillable[string]
		}{{&p.NetAddress, m.net}, {&p.OutboundProxy, m.proxy}, {&p.StunServer, m.stun}, {&p.MACAddress, m.mac},
			{&p.SerialNumber, m.serial}, {&p.Description, m.desc}, {&p.PhysicalLoc, m.loc}} {
			if f.n.IsSet() {
				*f.dst = f.n.Value()
			}
		}
		if m.port.IsSet() {
			p.Port = int(m.port.Value())
		}
		if m.transport != nil {
			p.TransportProto = string(*m.transport)
		}
		if m.useCustom != nil {
			p.UseCustomCreds = *m.useCustom
		}
		switch {
		case m.creds.IsNil():
			provisioning.ClearDeviceCredentials(p)
		case m.creds.IsSet():
			cr := m.creds.Value()
			provisioning.SetDeviceCredentials(p, string(cr.UserName), string(cr.Password))
		}
		if m.ipei.IsSet() {
			devSetExtra(p, devIPEIKey, m.ipei.Value())
		}
		return nil
	})
	if err != nil {
		return c.fail(err)
	}
	return success()
}

func (c *call) devDelete(sp, g, name string) ocixml.Command {
	if err := c.p.core.DeleteDevice(c.ctx, c.actor, sp, g, name); err != nil {
		return c.fail(err)
	}
	return success()
}

// devView is a device in the element types the get responses share.
type devView struct {
	typ              datatypes.AccessDeviceType
	protocol         datatypes.AccessDeviceProtocol
	net, proxy, stun *datatypes.NetAddress
	port             *datatypes.Port1025
	mac              *datatypes.AccessDeviceMACAddress
	serial           *datatypes.AccessDeviceSerialNumber
	desc             *datatypes.AccessDeviceDescription
	loc              *datatypes.AccessDevicePhysicalLocation
	transport        *datatypes.ExtendedTransportProtocol
	useCustom        bool
	user             *datatypes.UserId
	ipei             *datatypes.AccessDeviceIPEI
	assigned         int32
}

func devViewOf(dd provisioning.DeviceDetail) devView {
	p := dd.Device.Profile
	v := devView{typ: datatypes.AccessDeviceType(dd.Device.Type), protocol: datatypes.AccessDeviceProtocol(p.ProtocolChoice),
		net: optS[datatypes.NetAddress](p.NetAddress), proxy: optS[datatypes.NetAddress](p.OutboundProxy),
		stun: optS[datatypes.NetAddress](p.StunServer), mac: optS[datatypes.AccessDeviceMACAddress](p.MACAddress),
		serial: optS[datatypes.AccessDeviceSerialNumber](p.SerialNumber), desc: optS[datatypes.AccessDeviceDescription](p.Description),
		loc: optS[datatypes.AccessDevicePhysicalLocation](p.PhysicalLoc), transport: optS[datatypes.ExtendedTransportProtocol](p.TransportProto),
		useCustom: p.UseCustomCreds, user: optS[datatypes.UserId](provisioning.DeviceCredentialUser(p)), assigned: int32(dd.AssignedPorts)}
	if p.Port != 0 {
		port := datatypes.Port1025(p.Port)
		v.port = &port
	}
	if s, _ := p.Extra[devIPEIKey].(string); s != "" {
		v.ipei = optS[datatypes.AccessDeviceIPEI](s)
	}
	return v
}

// legacyTransport is the transport for responses whose type predates TLS:
// a TLS device leaves the element out rather than send an invalid value.
func (v devView) legacyTransport() *datatypes.TransportProtocol {
	if v.transport == nil || *v.transport == datatypes.ExtendedTransportProtocolTLS {
		return nil
	}
	t := datatypes.TransportProtocol(*v.transport)
	return &t
}

func devTable(resp string, list []provisioning.DeviceDetail) ocixml.Table {
	t := newTable(resp, "accessDeviceTable")
	for _, dd := range list {
		d := dd.Device
		t.set("Device Name", d.Name).set("Device Type", d.Type).set("Available Ports", "Unlimited").
			set("Net Address", d.Profile.NetAddress).set("MAC Address", d.Profile.MACAddress).
			set("Status", string(datatypes.AccessDeviceStatusOnline)).set("Version", "").set("Access Device External Id", "")
		t.end()
	}
	return t.table()
}

func devFilter(limit *datatypes.ResponseSizeLimit, names []datatypes.SearchCriteriaDeviceName, macs []datatypes.SearchCriteriaDeviceMACAddress,
	nets []datatypes.SearchCriteriaDeviceNetAddress, typ *datatypes.SearchCriteriaExactDeviceType,
	versions []datatypes.SearchCriteriaAccessDeviceVersion) provisioning.DeviceListFilter {
	var f provisioning.DeviceListFilter
	if limit != nil {
		f.Limit = int(*limit)
	}
	for _, sc := range names {
		f.Name = append(f.Name, criterion(sc.Mode, string(sc.Value), sc.IsCaseInsensitive))
	}
	for _, sc := range macs {
		f.MAC = append(f.MAC, criterion(sc.Mode, string(sc.Value), sc.IsCaseInsensitive))
	}
	for _, sc := range nets {
		f.NetAddress = append(f.NetAddress, criterion(sc.Mode, string(sc.Value), sc.IsCaseInsensitive))
	}
	for _, sc := range versions {
		f.Version = append(f.Version, criterion(sc.Mode, string(sc.Value), sc.IsCaseInsensitive))
	}
	if typ != nil {
		s := string(typ.DeviceType)
		f.Type = &s
	}
	return f
}

// devOpt is an element Switchboard does not support and whether the
// request carries it.
type devOpt struct {
	name string
	set  bool
}

// devFirstSet names the first unsupported element present, "" if none.
func devFirstSet(opts ...devOpt) string {
	for _, o := range opts {
		if o.set {
			return o.name
		}
	}
	return ""
}

// devSetValue reports whether a nillable element carries a value (nil
// clears something Switchboard never holds, which is harmless).
func devSetValue[T any](n ocixml.Nillable[T]) bool {
	_, ok := n.Get()
	return ok
}

func devUnsupported(cmd, element string) ocixml.Command {
	return ocip.CodeNotSupported.Response(cmd + " with " + element + " (not supported by Switchboard)")
}

package ocipserver

import (
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// handleConsolidatedAdd maps UserConsolidatedAddRequest22 onto the core,
// which applies the AS-mode rules (seed 001) in one transaction.
func handleConsolidatedAdd(c *call, req *user.UserConsolidatedAddRequest22) ocixml.Command {
	if req.TrunkAddressing != nil {
		return ocip.CodeInvalidValue.Response("trunkAddressing", "trunk groups are not supported by this server")
	}
	base := user.UserAddRequest22V2{
		UserID: req.UserID, LastName: req.LastName, FirstName: req.FirstName,
		CallingLineIDLastName: req.CallingLineIDLastName, CallingLineIDFirstName: req.CallingLineIDFirstName,
		NameDialingName: req.NameDialingName, HiraganaLastName: req.HiraganaLastName, HiraganaFirstName: req.HiraganaFirstName,
		PhoneNumber: req.PhoneNumber, Extension: req.Extension, CallingLineIDPhoneNumber: req.CallingLineIDPhoneNumber,
		Password: req.Password, Department: req.Department, Language: req.Language, TimeZone: req.TimeZone, Alias: req.Alias,
		Title: req.Title, PagerPhoneNumber: req.PagerPhoneNumber, MobilePhoneNumber: req.MobilePhoneNumber,
		EmailAddress: req.EmailAddress, YahooID: req.YahooID, AddressLocation: req.AddressLocation, Address: req.Address,
		NetworkClassOfService: req.NetworkClassOfService, AlternateUserID: req.AlternateUserID, IsPlace: req.IsPlace,
	}
	if req.ServiceProviderID != nil {
		base.ServiceProviderID = *req.ServiceProviderID
	}
	if req.GroupID != nil {
		base.GroupID = *req.GroupID
	}
	ua, fail := userAddFrom(c, &base)
	if fail != nil {
		return fail
	}
	ua.Passcode = sv(req.Passcode)
	in := provisioning.ConsolidatedUserAdd{
		User:                    ua,
		AddPhoneNumberToGroup:   req.AddPhoneNumberToGroup,
		HasSharedCallAppearance: len(req.SharedCallAppearanceAccessDeviceEndpoint) > 0,
		HasThirdPartyVoiceMail: req.ThirdPartyVoiceMailServerSelection != nil || req.ThirdPartyVoiceMailServerUserServer.IsSet() ||
			req.ThirdPartyVoiceMailServerMailboxIDType != nil || req.ThirdPartyVoiceMailMailboxURL.IsSet(),
		HasSIPAuthentication: req.SIPAuthenticationData != nil,
	}
	// Everything below fills the user inside in (a copy of ua), so that the
	// endpoint and the recorded extras reach the core.
	u := &in.User.User
	u.ExternalID = sv(req.UserExternalID)
	u.Profile.PersonID = sv(req.UserPersonID)
	if req.GroupExternalID != nil {
		in.GroupExternalID = string(*req.GroupExternalID)
	}
	if gp := req.GroupProperties; gp != nil {
		if len(gp.NetworkClassOfService) > 0 || gp.DefaultNetworkClassOfService != nil {
			return ocip.CodeInvalidValue.Response("groupProperties/networkClassOfService", "network classes of service are not supported by this server")
		}
		ng := &provisioning.GroupAdd{Group: store.Group{
			DefaultDomain: string(gp.DefaultDomain), UserLimit: int(gp.UserLimit), Name: sv(gp.GroupName),
			Profile: store.GroupProfile{CallingLineIDName: sv(gp.CallingLineIDName), TimeZone: sv(gp.TimeZone),
				LocationDialingCode: sv(gp.LocationDialingCode), Address: addressFrom(gp.Address)},
		}}
		if gp.Contact != nil {
			ng.Group.Profile.Contact = store.Contact{Name: nv(gp.Contact.ContactName), Number: nv(gp.Contact.ContactNumber), Email: nv(gp.Contact.ContactEmail)}
		}
		for _, gs := range gp.GroupService {
			q := quantity(gs.AuthorizedQuantity)
			if q == 0 {
				q = store.Unlimited // the schema's default when no quantity is given
			}
			ng.ServiceAuth = append(ng.ServiceAuth, provisioning.GroupServiceAuth{Kind: store.SvcGroup, Name: string(gs.GroupServiceName), Quantity: q})
			ng.GroupServices = append(ng.GroupServices, string(gs.GroupServiceName))
		}
		in.NewGroup = ng
	}
	for _, s := range req.UserService {
		in.Services = append(in.Services, provisioning.ServiceQuantity{Name: string(s.UserServiceName), Quantity: quantity(s.AuthorizedQuantity)})
	}
	for _, p := range req.ServicePack {
		in.Packs = append(in.Packs, provisioning.ServiceQuantity{Name: string(p.ServicePackName), Quantity: quantity(p.AuthorizedQuantity)})
	}
	if ep := req.AccessDeviceEndpoint; ep != nil {
		if ep.UseHotline {
			return ocip.CodeInvalidValue.Response("useHotline", "hotline endpoints are not supported by this server")
		}
		if ep.UseCustomUserNamePassword != nil && *ep.UseCustomUserNamePassword || ep.AccessDeviceCredentials != nil {
			return ocip.CodeInvalidValue.Response("accessDeviceCredentials", "device management credentials are not supported in the consolidated add; set them with GroupAccessDeviceModifyRequest14")
		}
		u.Profile.Endpoint = &store.Endpoint{DeviceLevel: string(ep.AccessDevice.DeviceLevel), DeviceName: string(ep.AccessDevice.DeviceName), LinePort: string(ep.LinePort)}
		if len(ep.Contact) > 0 {
			u.Profile.Endpoint.Contact = string(ep.Contact[0])
		}
		d := &store.Device{Name: string(ep.AccessDevice.DeviceName), Type: sv(ep.DeviceType)}
		d.Profile = store.DeviceProfile{ProtocolChoice: sv(ep.Protocol), NetAddress: sv(ep.NetAddress), OutboundProxy: sv(ep.OutboundProxyServerNetAddress),
			StunServer: sv(ep.StunServerNetAddress), MACAddress: sv(ep.MacAddress), SerialNumber: sv(ep.SerialNumber), Description: sv(ep.Description),
			PhysicalLoc: sv(ep.PhysicalLocation), TransportProto: sv(ep.TransportProtocol)}
		if ep.Port != nil {
			d.Profile.Port = int(*ep.Port)
		}
		in.NewDevice = d
	}
	// Elements Switchboard records but does not act on (no SIP yet): kept
	// with the user so a later read or export shows what was provisioned.
	extra := map[string]any{}
	if len(req.SharedCallAppearanceAccessDeviceEndpoint) > 0 {
		var sca []map[string]string
		for _, e := range req.SharedCallAppearanceAccessDeviceEndpoint {
			sca = append(sca, map[string]string{"deviceLevel": string(e.AccessDevice.DeviceLevel), "deviceName": string(e.AccessDevice.DeviceName), "linePort": string(e.LinePort)})
		}
		extra["sharedCallAppearanceEndpoints"] = sca
	}
	if in.HasThirdPartyVoiceMail {
		extra["thirdPartyVoiceMail"] = map[string]string{"serverSelection": sv(req.ThirdPartyVoiceMailServerSelection),
			"userServer": nv(req.ThirdPartyVoiceMailServerUserServer), "mailboxIdType": sv(req.ThirdPartyVoiceMailServerMailboxIDType),
			"mailboxURL": nv(req.ThirdPartyVoiceMailMailboxURL)}
	}
	if req.SIPAuthenticationData != nil {
		// The SIP password is not kept: nothing here answers SIP digest
		// challenges yet, and storing it in clear would be a liability.
		extra["sipAuthenticationUserName"] = string(req.SIPAuthenticationData.SIPAuthenticationUserName)
	}
	if len(extra) > 0 {
		u.Profile.Extra = extra
	}
	if err := c.p.core.ConsolidatedAddUser(c.ctx, c.actor, in); err != nil {
		return c.fail(err)
	}
	return success()
}

// quantity reads an optional UnboundedPositiveInt: absent → 0 (the core's
// "default"), unlimited → store.Unlimited.
func quantity(q *datatypes.UnboundedPositiveInt) int {
	switch {
	case q == nil:
		return 0
	case q.Unlimited:
		return store.Unlimited
	case q.Quantity != nil:
		return int(*q.Quantity)
	}
	return 0
}

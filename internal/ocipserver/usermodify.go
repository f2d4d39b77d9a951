package ocipserver

import (
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// handleUserModify applies UserModifyRequest22: an absent element keeps
// its value, a nil one clears it, replacement lists replace the list.
func handleUserModify(c *call, req *user.UserModifyRequest22) ocixml.Command {
	if req.Endpoint.IsSet() {
		if ep, ok := req.Endpoint.Get(); ok && ep.TrunkAddressing != nil {
			return ocip.CodeInvalidValue.Response("trunkAddressing", "trunk groups are not supported by this server")
		}
	}
	if ep, ok := req.Endpoint.Get(); ok && ep.AccessDeviceEndpoint != nil && ep.AccessDeviceEndpoint.UseHotline != nil && *ep.AccessDeviceEndpoint.UseHotline {
		return ocip.CodeInvalidValue.Response("useHotline", "hotline endpoints are not supported by this server")
	}
	if req.ImpID.IsSet() || req.ImpPassword.IsSet() || req.OfficeZoneName != nil || req.PrimaryZoneName != nil {
		return ocip.CodeInvalidValue.Response("impId/zones", "IM&P ids and zones are not supported by this server")
	}
	if req.AllowVideo != nil && (c.actor == nil || c.actor.Level != provisioning.LevelSystem) {
		return ocip.CodeUnauthorized.Response() // the schema reserves allowVideo to System administrators
	}
	ch := provisioning.UserChange{Apply: func(u *store.User) error {
		p := &u.Profile
		setS(&u.LastName, req.LastName)
		setS(&u.FirstName, req.FirstName)
		setS(&u.CLIDLastName, req.CallingLineIDLastName)
		setS(&u.CLIDFirstName, req.CallingLineIDFirstName)
		if req.NameDialingName.IsSet() {
			p.NameDialingLast, p.NameDialingFirst = "", ""
			if nd, ok := req.NameDialingName.Get(); ok {
				p.NameDialingLast, p.NameDialingFirst = string(nd.NameDialingLastName), string(nd.NameDialingFirstName)
			}
		}
		setS(&p.HiraganaLastName, req.HiraganaLastName)
		setS(&p.HiraganaFirstName, req.HiraganaFirstName)
		setN(&u.PhoneNumber, req.PhoneNumber)
		setN(&u.Extension, req.Extension)
		setN(&p.CLIDPhoneNumber, req.CallingLineIDPhoneNumber)
		if req.Department.IsSet() {
			u.Department, u.DepartmentEnt = "", false
			if k, ok := req.Department.Get(); ok {
				name, ent, ok := departmentOf(k)
				if !ok {
					return &provisioning.Error{Kind: provisioning.KindInvalid, Args: []string{"department", "unknown department key type"}}
				}
				u.Department, u.DepartmentEnt = name, ent
			}
		}
		setS(&p.Language, req.Language)
		setS(&p.TimeZone, req.TimeZone)
		if req.SIPAliasList.IsSet() {
			u.Aliases = nil
			if l, ok := req.SIPAliasList.Get(); ok {
				u.Aliases = strs(l.SIPAlias)
			}
		}
		if req.Endpoint.IsSet() {
			if ep, ok := req.Endpoint.Get(); ok && ep.AccessDeviceEndpoint != nil {
				m := ep.AccessDeviceEndpoint
				cur := store.Endpoint{}
				if p.Endpoint != nil {
					cur = *p.Endpoint
				}
				if m.AccessDevice != nil {
					cur.DeviceLevel, cur.DeviceName = string(m.AccessDevice.DeviceLevel), string(m.AccessDevice.DeviceName)
				}
				if m.LinePort != nil {
					cur.LinePort = string(*m.LinePort)
				}
				if m.ContactList.IsSet() {
					cur.Contact = ""
					if cl, ok := m.ContactList.Get(); ok && len(cl.Contact) > 0 {
						cur.Contact = string(cl.Contact[0].SIPContact)
					}
				}
				if cur.DeviceName == "" || cur.LinePort == "" {
					return &provisioning.Error{Kind: provisioning.KindInvalid, Args: []string{"endpoint", "a new endpoint needs accessDevice and linePort"}}
				}
				p.Endpoint = &cur
			} else {
				p.Endpoint = nil
			}
		}
		setN(&p.Title, req.Title)
		setN(&p.Pager, req.PagerPhoneNumber)
		setN(&p.Mobile, req.MobilePhoneNumber)
		setN(&u.Email, req.EmailAddress)
		setN(&p.YahooID, req.YahooID)
		setN(&p.AddressLocation, req.AddressLocation)
		if req.Address != nil {
			applyAddress(&p.Address, req.Address)
		}
		setS(&p.NetworkClassOfService, req.NetworkClassOfService)
		if req.AlternateUserIDList.IsSet() {
			u.AlternateIDs = nil
			if l, ok := req.AlternateUserIDList.Get(); ok {
				for _, a := range l.AlternateUserID {
					u.AlternateIDs = append(u.AlternateIDs, store.AlternateID{ID: string(a.AlternateUserID), Description: sv(a.Description)})
				}
			}
		}
		setN(&u.ExternalID, req.NewUserExternalID)
		setN(&p.PersonID, req.NewUserPersonID)
		return nil
	}}
	if req.NewPassword.IsSet() {
		pw, ok := req.NewPassword.Get()
		if !ok {
			return ocip.CodeInvalidValue.Response("newPassword", "a password cannot be cleared")
		}
		s := string(pw)
		ch.NewPassword = &s
		ch.OldPassword = sv(req.OldPassword)
	}
	if err := c.p.core.ModifyUser(c.ctx, c.actor, string(req.UserID), ch); err != nil {
		return c.fail(err)
	}
	return success()
}

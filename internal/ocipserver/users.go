package ocipserver

import (
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// The user family: add (every version mapped onto UserAddRequest22V2),
// the consolidated add with all its AS-mode rules, get (every version
// rendered from the UserGetResponse23V2 form), modify, delete, lists and
// service assignment.
func userRoutes(r routes) {
	on(r, "UserAddRequest22V2", func(c *call, req *user.UserAddRequest22V2) ocixml.Command {
		in, fail := userAddFrom(c, req)
		if fail != nil {
			return fail
		}
		if err := c.p.core.AddUser(c.ctx, c.actor, in); err != nil {
			return c.fail(err)
		}
		return success()
	})
	for _, name := range []string{"UserAddRequest14sp9", "UserAddRequest17sp4", "UserAddRequest21", "UserAddRequest22"} {
		legacyAdd(r, name)
	}
	on(r, "UserConsolidatedAddRequest22", handleConsolidatedAdd)

	on(r, "UserGetRequest23V2", func(c *call, req *user.UserGetRequest23V2) ocixml.Command {
		resp, fail := userGet(c, string(req.UserID))
		if fail != nil {
			return fail
		}
		return resp
	})
	for _, name := range []string{"UserGetRequest18", "UserGetRequest19", "UserGetRequest20", "UserGetRequest21", "UserGetRequest21sp1",
		"UserGetRequest21sp1V2", "UserGetRequest22", "UserGetRequest22V2", "UserGetRequest22V3", "UserGetRequest22V4",
		"UserGetRequest22V5", "UserGetRequest22V6", "UserGetRequest22V7", "UserGetRequest22V8", "UserGetRequest22V9", "UserGetRequest23"} {
		legacyGet(r, name)
	}

	on(r, "UserModifyRequest22", handleUserModify)
	on(r, "UserDeleteRequest", func(c *call, req *user.UserDeleteRequest) ocixml.Command {
		if err := c.p.core.DeleteUser(c.ctx, c.actor, string(req.UserID)); err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "UserConsolidatedDeleteRequest", func(c *call, req *user.UserConsolidatedDeleteRequest) ocixml.Command {
		opt := provisioning.ConsolidatedDelete{DeleteDevices: req.DeleteExistingDevices}
		if req.UnassignPhoneNumbers != nil {
			opt.UnassignNumbers = string(*req.UnassignPhoneNumbers)
		}
		if err := c.p.core.DeleteUserConsolidated(c.ctx, c.actor, string(req.UserID), opt); err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "UserPortalPasscodeModifyRequest", func(c *call, req *user.UserPortalPasscodeModifyRequest) ocixml.Command {
		code := string(req.NewPasscode)
		if err := c.p.core.ModifyUser(c.ctx, c.actor, string(req.UserID), provisioning.UserChange{NewPasscode: &code}); err != nil {
			return c.fail(err)
		}
		return success()
	})

	on(r, "UserGetListInGroupRequest", func(c *call, req *user.UserGetListInGroupRequest) ocixml.Command {
		f := provisioning.UserListFilter{SPID: string(req.ServiceProviderID), GroupID: string(req.GroupID)}
		if fail := userCriteria(&f, req); fail != nil {
			return fail
		}
		t, err := userTable(c, "UserGetListInGroupResponse", f)
		if err != nil {
			return c.fail(err)
		}
		return &user.UserGetListInGroupResponse{UserTable: t}
	})
	on(r, "UserGetListInServiceProviderRequest", func(c *call, req *user.UserGetListInServiceProviderRequest) ocixml.Command {
		if req.ServiceProviderID == nil {
			return ocip.CodeInvalidValue.Response("serviceProviderExternalId", "lookup by external id is not supported for this list; give serviceProviderId")
		}
		f := provisioning.UserListFilter{SPID: string(*req.ServiceProviderID)}
		if fail := userCriteria(&f, req); fail != nil {
			return fail
		}
		t, err := userTable(c, "UserGetListInServiceProviderResponse", f)
		if err != nil {
			return c.fail(err)
		}
		return &user.UserGetListInServiceProviderResponse{UserTable: t}
	})
	on(r, "UserGetListInSystemRequest", func(c *call, req *user.UserGetListInSystemRequest) ocixml.Command {
		var f provisioning.UserListFilter
		if fail := userCriteria(&f, req); fail != nil {
			return fail
		}
		t, err := userTable(c, "UserGetListInSystemResponse", f)
		if err != nil {
			return c.fail(err)
		}
		return &user.UserGetListInSystemResponse{UserTable: t}
	})

	on(r, "UserServiceAssignListRequest", func(c *call, req *user.UserServiceAssignListRequest) ocixml.Command {
		res, err := c.p.core.AssignUserServices(c.ctx, c.actor, string(req.UserID), strs(req.ServiceName), strs(req.ServicePackName))
		if err != nil {
			return c.fail(err)
		}
		return partialResult(c, res)
	})
	on(r, "UserServiceUnassignListRequest", func(c *call, req *user.UserServiceUnassignListRequest) ocixml.Command {
		if err := c.p.core.UnassignUserServices(c.ctx, c.actor, string(req.UserID), strs(req.ServiceName), strs(req.ServicePackName)); err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "UserServiceGetAssignmentListRequest", func(c *call, req *user.UserServiceGetAssignmentListRequest) ocixml.Command {
		v, err := c.p.core.UserServiceView(c.ctx, c.actor, string(req.UserID))
		if err != nil {
			return c.fail(err)
		}
		assigned := map[store.ServiceKind]map[string]bool{store.SvcUser: {}, store.SvcPack: {}}
		for _, a := range v.Assigned {
			if m := assigned[a.Kind]; m != nil {
				m[a.Name] = true
			}
		}
		packs := newTable("UserServiceGetAssignmentListResponse", "servicePacksAssignmentTable")
		svcs := newTable("UserServiceGetAssignmentListResponse", "userServicesAssignmentTable")
		for _, g := range v.GroupAuths {
			switch g.Kind {
			case store.SvcPack:
				packs.set("Service Pack Name", g.Name).set("Assigned", tableBool(assigned[store.SvcPack][g.Name])).
					set("Description", v.Packs[g.Name].Description).end()
			case store.SvcUser:
				svcs.set("Service Name", g.Name).set("Assigned", tableBool(assigned[store.SvcUser][g.Name])).end()
			}
		}
		return &user.UserServiceGetAssignmentListResponse{ServicePacksAssignmentTable: packs.table(), UserServicesAssignmentTable: svcs.table()}
	})
	on(r, "UserAssignedServicesGetListRequest", func(c *call, req *user.UserAssignedServicesGetListRequest) ocixml.Command {
		if req.UserID == nil {
			return ocip.CodeInvalidValue.Response("userId", "required")
		}
		v, err := c.p.core.UserServiceView(c.ctx, c.actor, string(*req.UserID))
		if err != nil {
			return c.fail(err)
		}
		resp := &user.UserAssignedServicesGetListResponse{}
		seen := map[string]bool{}
		add := func(name string) {
			if !seen[name] {
				seen[name] = true
				resp.UserServiceEntry = append(resp.UserServiceEntry, datatypes.AssignedUserServicesEntry{ServiceName: datatypes.UserService(name), IsActive: ocixml.Ptr(true)})
			}
		}
		for _, a := range v.Assigned {
			switch a.Kind {
			case store.SvcUser:
				add(a.Name)
			case store.SvcPack:
				for _, s := range v.Packs[a.Name].Services {
					add(s)
				}
			}
		}
		return resp
	})
}

// partialResult renders a per-name outcome: Success when all worked, an
// ErrorResponse of type Warning naming the failures when some did, of
// type Error when none did.
func partialResult(c *call, res []provisioning.ServiceResult) ocixml.Command {
	var failed []string
	var first error
	for _, r := range res {
		if r.Err != nil {
			failed = append(failed, r.Name)
			if first == nil {
				first = r.Err
			}
		}
	}
	if len(failed) == 0 {
		return success()
	}
	if e, ok := provisioning.AsError(first); !ok || (e.Kind != provisioning.KindServiceAssign && e.Kind != provisioning.KindLimit) {
		return c.fail(first)
	}
	resp := ocip.CodeServiceAssignFailed.Response(strings.Join(failed, ", "))
	if len(failed) < len(res) {
		resp.Type = core.ErrorResponseTypeWarning
	}
	return resp
}

// departmentOf reads a DepartmentKey (group or enterprise level).
func departmentOf(k datatypes.DepartmentKey) (name string, ent bool, ok bool) {
	switch d := k.(type) {
	case *datatypes.GroupDepartmentKey:
		return string(d.Name), false, true
	case *datatypes.EnterpriseDepartmentKey:
		return string(d.Name), true, true
	}
	return "", false, false
}

func departmentKey(u store.User) datatypes.DepartmentKey {
	if u.Department == "" {
		return nil
	}
	if u.DepartmentEnt {
		return &datatypes.EnterpriseDepartmentKey{ServiceProviderID: datatypes.ServiceProviderId(u.SPID), Name: datatypes.DepartmentName(u.Department)}
	}
	return &datatypes.GroupDepartmentKey{ServiceProviderID: datatypes.ServiceProviderId(u.SPID), GroupID: datatypes.GroupId(u.GroupID), Name: datatypes.DepartmentName(u.Department)}
}

func addressFrom(a *datatypes.StreetAddress) store.Address {
	if a == nil {
		return store.Address{}
	}
	return store.Address{
		Line1: nv(a.AddressLine1), Line2: nv(a.AddressLine2), City: nv(a.City),
		StateProvince: nv(a.StateOrProvince), ZipOrPostal: nv(a.ZipOrPostalCode), Country: nv(a.Country),
	}
}

// applyAddress applies a modify's address: absent elements keep their
// value, nil clears them.
func applyAddress(dst *store.Address, a *datatypes.StreetAddress) {
	set := func(p *string, n ocixml.Nillable[string]) {
		if n.IsSet() {
			*p, _ = n.Get()
		}
	}
	set(&dst.Line1, nillableString(a.AddressLine1))
	set(&dst.Line2, nillableString(a.AddressLine2))
	set(&dst.City, nillableString(a.City))
	set(&dst.StateProvince, nillableString(a.StateOrProvince))
	set(&dst.ZipOrPostal, nillableString(a.ZipOrPostalCode))
	set(&dst.Country, nillableString(a.Country))
}

func streetAddress(a store.Address) *datatypes.StreetAddress {
	if a == (store.Address{}) {
		return nil
	}
	sa := &datatypes.StreetAddress{}
	some := func(s string, set func(string)) {
		if s != "" {
			set(s)
		}
	}
	some(a.Line1, func(s string) { sa.AddressLine1.Set(datatypes.StreetAddressAddressLine1(s)) })
	some(a.Line2, func(s string) { sa.AddressLine2.Set(datatypes.StreetAddressAddressLine2(s)) })
	some(a.City, func(s string) { sa.City.Set(datatypes.StreetAddressCity(s)) })
	some(a.StateProvince, func(s string) { sa.StateOrProvince.Set(datatypes.StreetAddressStateOrProvince(s)) })
	some(a.ZipOrPostal, func(s string) { sa.ZipOrPostalCode.Set(datatypes.StreetAddressZipOrPostalCode(s)) })
	some(a.Country, func(s string) { sa.Country.Set(datatypes.StreetAddressCountry(s)) })
	return sa
}

// userAddFrom maps UserAddRequest22V2 onto the core's input. Trunk
// addressing needs trunk groups, which Switchboard does not have.
func userAddFrom(c *call, req *user.UserAddRequest22V2) (provisioning.UserAdd, ocixml.Command) {
	if req.TrunkAddressing != nil {
		return provisioning.UserAdd{}, ocip.CodeInvalidValue.Response("trunkAddressing", "trunk groups are not supported by this server")
	}
	u := store.User{
		ID: string(req.UserID), Kind: store.KindUser, SPID: string(req.ServiceProviderID), GroupID: string(req.GroupID),
		LastName: string(req.LastName), FirstName: string(req.FirstName),
		CLIDLastName: string(req.CallingLineIDLastName), CLIDFirstName: string(req.CallingLineIDFirstName),
		PhoneNumber: sv(req.PhoneNumber), Extension: sv(req.Extension), Email: sv(req.EmailAddress),
		Aliases: strs(req.Alias),
	}
	for _, a := range req.AlternateUserID {
		u.AlternateIDs = append(u.AlternateIDs, store.AlternateID{ID: string(a.AlternateUserID), Description: sv(a.Description)})
	}
	if req.Department != nil {
		name, ent, ok := departmentOf(req.Department)
		if !ok {
			return provisioning.UserAdd{}, ocip.CodeInvalidValue.Response("department", "unknown department key type")
		}
		u.Department, u.DepartmentEnt = name, ent
	}
	p := &u.Profile
	p.CLIDPhoneNumber = sv(req.CallingLineIDPhoneNumber)
	p.HiraganaLastName, p.HiraganaFirstName = sv(req.HiraganaLastName), sv(req.HiraganaFirstName)
	if req.NameDialingName != nil {
		p.NameDialingLast, p.NameDialingFirst = string(req.NameDialingName.NameDialingLastName), string(req.NameDialingName.NameDialingFirstName)
	}
	p.Language, p.TimeZone, p.Title = sv(req.Language), sv(req.TimeZone), sv(req.Title)
	p.Pager, p.Mobile, p.YahooID, p.AddressLocation = sv(req.PagerPhoneNumber), sv(req.MobilePhoneNumber), sv(req.YahooID), sv(req.AddressLocation)
	p.Address = addressFrom(req.Address)
	p.NetworkClassOfService = sv(req.NetworkClassOfService)
	if req.IsPlace != nil {
		p.IsPlace = *req.IsPlace
	}
	if ep := req.AccessDeviceEndpoint; ep != nil {
		if ep.UseHotline {
			return provisioning.UserAdd{}, ocip.CodeInvalidValue.Response("useHotline", "hotline endpoints are not supported by this server")
		}
		p.Endpoint = &store.Endpoint{DeviceLevel: string(ep.AccessDevice.DeviceLevel), DeviceName: string(ep.AccessDevice.DeviceName), LinePort: string(ep.LinePort)}
		if len(ep.Contact) > 0 {
			p.Endpoint.Contact = string(ep.Contact[0].SIPContact)
		}
	}
	return provisioning.UserAdd{User: u, Password: sv(req.Password)}, nil
}

// legacyAdd serves an older UserAddRequest version through the 22V2 path.
func legacyAdd(r routes, name string) {
	r[name] = func(c *call, cmd ocixml.Command) ocixml.Command {
		var req user.UserAddRequest22V2
		copyByName(&req, cmd)
		in, fail := userAddFrom(c, &req)
		if fail != nil {
			return fail
		}
		if err := c.p.core.AddUser(c.ctx, c.actor, in); err != nil {
			return c.fail(err)
		}
		return success()
	}
}

// legacyGet serves an older UserGetRequest version from the 23V2 form.
func legacyGet(r routes, name string) {
	r[name] = func(c *call, cmd ocixml.Command) ocixml.Command {
		id := reflect.ValueOf(cmd).Elem().FieldByName("UserID").String()
		resp, fail := userGet(c, id)
		if fail != nil {
			return fail
		}
		out := responseFor(name)
		if out == nil {
			return ocip.CodeInternal.Response("no response type for " + name)
		}
		copyByName(out, resp)
		return out
	}
}

// userGet renders UserGetResponse23V2, the form every version derives from.
func userGet(c *call, id string) (*user.UserGetResponse23V2, ocixml.Command) {
	d, err := c.p.core.User(c.ctx, c.actor, id)
	if err != nil {
		return nil, c.fail(err)
	}
	u, g := d.User, d.Group
	resp := &user.UserGetResponse23V2{
		ServiceProviderID: datatypes.ServiceProviderId(u.SPID), GroupID: datatypes.GroupId(u.GroupID), UserID: datatypes.UserId(u.ID),
		LastName: datatypes.LastName(u.LastName), FirstName: datatypes.FirstName(u.FirstName),
		CallingLineIDLastName: datatypes.CallingLineIdLastName(u.CLIDLastName), CallingLineIDFirstName: datatypes.CallingLineIdFirstName(u.CLIDFirstName),
		Department: departmentKey(u), DefaultAlias: datatypes.SIPURI(u.ID), CountryCode: datatypes.CountryCode(d.CountryCode),
		AllowVideo: true,
	}
	p := u.Profile
	if p.NameDialingLast != "" || p.NameDialingFirst != "" {
		resp.NameDialingName = &datatypes.NameDialingName{NameDialingLastName: datatypes.NameDialingLastName(p.NameDialingLast), NameDialingFirstName: datatypes.NameDialingFirstName(p.NameDialingFirst)}
	}
	resp.HiraganaLastName = optS[datatypes.HiraganaLastName](p.HiraganaLastName)
	resp.HiraganaFirstName = optS[datatypes.HiraganaFirstName](p.HiraganaFirstName)
	if u.PhoneNumber != "" {
		resp.PhoneNumber = optS[datatypes.DN](national(u.PhoneNumber))
	}
	resp.Extension = optS[datatypes.Extension17](u.Extension)
	resp.CallingLineIDPhoneNumber = optS[datatypes.DN](p.CLIDPhoneNumber)
	if d.DepartmentPath != "" {
		resp.DepartmentFullPath = optS[datatypes.DepartmentFullPathName](d.DepartmentPath)
	}
	lang := p.Language
	if lang == "" {
		lang = "English"
	}
	tz := p.TimeZone
	if tz == "" {
		tz = g.Profile.TimeZone
	}
	if tz == "" {
		tz = "America/New_York"
	}
	resp.Language, resp.TimeZone, resp.TimeZoneDisplayName = datatypes.Language(lang), datatypes.TimeZone(tz), datatypes.TimeZoneDisplayName(timeZoneDisplay(tz))
	for _, a := range u.Aliases {
		resp.Alias = append(resp.Alias, datatypes.SIPURI(a))
	}
	if ep := p.Endpoint; ep != nil {
		lvl := ep.DeviceLevel
		if lvl == "" {
			lvl = "Group"
		}
		resp.AccessDeviceEndpoint = &datatypes.AccessDeviceMultipleIdentityAndContactEndpointRead22V2{
			AccessDevice: datatypes.AccessDevice{DeviceLevel: datatypes.AccessDeviceLevel(lvl), DeviceName: datatypes.AccessDeviceName(ep.DeviceName)},
			LinePort:     datatypes.AccessDeviceEndpointLinePort(ep.LinePort),
		}
		if ep.Contact != "" {
			resp.AccessDeviceEndpoint.Contact = []datatypes.SIPContactInfo{{SIPContact: datatypes.SIPContact(ep.Contact)}}
		}
	}
	resp.Title = optS[datatypes.Title](p.Title)
	resp.PagerPhoneNumber = optS[datatypes.InformationalDN](p.Pager)
	resp.MobilePhoneNumber = optS[datatypes.OutgoingDN](p.Mobile)
	resp.EmailAddress = optS[datatypes.EmailAddress](u.Email)
	resp.YahooID = optS[datatypes.YahooId](p.YahooID)
	resp.AddressLocation = optS[datatypes.AddressLocation](p.AddressLocation)
	resp.Address = streetAddress(p.Address)
	resp.NetworkClassOfService = optS[datatypes.NetworkClassOfServiceName](p.NetworkClassOfService)
	for _, a := range u.AlternateIDs {
		e := datatypes.AlternateUserIdEntry{AlternateUserID: datatypes.UserId(a.ID)}
		e.Description = optS[datatypes.AlternateUserIdDescription](a.Description)
		resp.AlternateUserID = append(resp.AlternateUserID, e)
	}
	resp.GroupExternalID = optS[datatypes.ExternalId](g.ExternalID)
	resp.UserExternalID = optS[datatypes.ExternalId](u.ExternalID)
	resp.UserPersonID = optS[datatypes.PersonId](p.PersonID)
	if p.IsPlace {
		resp.IsPlace = ocixml.Ptr(true)
	}
	resp.LocationDialingCode = optS[datatypes.LocationDialingCode](g.Profile.LocationDialingCode)
	return resp, nil
}

// national strips the "+CC-" of a canonical number.
func national(n string) string {
	if i := strings.IndexByte(n, '-'); i >= 0 && strings.HasPrefix(n, "+") {
		return n[i+1:]
	}
	return n
}

// timeZoneDisplay renders "(GMT-05:00) America/New_York" from the zone's
// standard offset; unknown zones are shown by name alone.
func timeZoneDisplay(tz string) string {
	if v, ok := tzDisplay.Load(tz); ok {
		return v.(string)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return tz
	}
	s := tzDisplayOf(tz, loc)
	tzDisplay.Store(tz, s) // only real zone names get here: a finite set
	return s
}

// tzDisplay caches display names: loading a zone reads the tz database.
var tzDisplay sync.Map

func tzDisplayOf(tz string, loc *time.Location) string {
	_, off := time.Date(2026, time.January, 15, 12, 0, 0, 0, loc).Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	h, m := off/3600, off%3600/60
	return "(GMT" + string(sign) + two(h) + ":" + two(m) + ") " + tz
}

func two(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// userTable lists users straight into the response's table; columns the
// response lacks are skipped by the heading lookup.
func userTable(c *call, resp string, f provisioning.UserListFilter) (ocixml.Table, error) {
	t := newTable(resp, "userTable")
	err := c.p.core.ListUsers(c.ctx, c.actor, f, func(r *provisioning.UserRow) bool {
		u := &r.User
		t.setIf("User Id", u.ID).setIf("Group Id", u.GroupID).setIf("Service Provider Id", u.SPID)
		t.setIf("Last Name", u.LastName).setIf("First Name", u.FirstName).setIf("Department", u.Department)
		t.setIf("Phone Number", u.PhoneNumber).setIf("Phone Number Activated", tableBool(r.NumberActivated))
		t.setIf("Email Address", u.Email).setIf("Hiragana Last Name", u.Profile.HiraganaLastName).setIf("Hiragana First Name", u.Profile.HiraganaFirstName)
		t.setIf("In Trunk Group", "false").setIf("Extension", u.Extension)
		cc := ""
		if i := strings.IndexByte(u.PhoneNumber, '-'); i > 1 {
			cc = u.PhoneNumber[1:i]
		}
		// National Prefix stays empty: Switchboard keeps no per-country
		// dialling plan.
		t.setIf("Country Code", cc).setIf("National Prefix", "")
		t.setIf("Reseller Id", r.ResellerID).setIf("User External Id", u.ExternalID)
		t.end()
		return true
	})
	return t.table(), err
}

// userCriteria reads the search criteria common to the user lists by
// field name, since each list request declares its own subset.
func userCriteria(f *provisioning.UserListFilter, req any) ocixml.Command {
	v := reflect.ValueOf(req).Elem()
	if l := v.FieldByName("ResponseSizeLimit"); l.IsValid() && !l.IsNil() {
		f.Limit = int(l.Elem().Int())
	}
	str := map[string]*[]provisioning.StringCriterion{
		"SearchCriteriaUserLastName": &f.LastName, "SearchCriteriaUserFirstName": &f.FirstName, "SearchCriteriaDn": &f.DN,
		"SearchCriteriaEmailAddress": &f.Email, "SearchCriteriaUserID": &f.UserID, "SearchCriteriaUserExternalID": &f.ExternalID,
		"SearchCriteriaExtension": &f.Extension, "SearchCriteriaGroupID": &f.GroupIDs, "SearchCriteriaServiceProviderID": &f.SPIDs,
		"SearchCriteriaResellerID": &f.ResellerIDs,
	}
	for name, dst := range str {
		if fv := v.FieldByName(name); fv.IsValid() {
			*dst = stringCriteria(fv)
		}
	}
	if fv := v.FieldByName("SearchCriteriaExactUserDepartment"); fv.IsValid() && !fv.IsNil() {
		k := fv.Interface().(*datatypes.SearchCriteriaExactUserDepartment).DepartmentKey
		name, ent, ok := departmentOf(k)
		if !ok {
			return ocip.CodeInvalidValue.Response("departmentKey", "unknown department key type")
		}
		f.ExactDepartment = &provisioning.DepartmentRef{Name: name, Ent: ent}
	}
	if fv := v.FieldByName("SearchCriteriaExactUserInTrunkGroup"); fv.IsValid() && !fv.IsNil() {
		b := fv.Interface().(*datatypes.SearchCriteriaExactUserInTrunkGroup).UserInTrunkGroup
		f.InTrunkGroup = &b
	}
	if fv := v.FieldByName("SearchCriteriaExactUserPersonID"); fv.IsValid() && !fv.IsNil() {
		s := string(fv.Interface().(*datatypes.SearchCriteriaExactUserPersonId).UserPersonID)
		f.PersonID = &s
	}
	if fv := v.FieldByName("SearchCriteriaExactServiceProvider"); fv.IsValid() && !fv.IsNil() {
		s := string(fv.Interface().(*datatypes.SearchCriteriaExactServiceProvider).ServiceProviderID)
		f.ExactSPID = &s
	}
	if fv := v.FieldByName("SearchCriteriaExactUserNetworkClassOfService"); fv.IsValid() && !fv.IsNil() {
		s := string(fv.Interface().(*datatypes.SearchCriteriaExactUserNetworkClassOfService).NetworkClassOfService)
		f.NetworkClassOfService = &s
	}
	return nil
}

// stringCriteria converts a slice of SearchCriteria* structs (each with
// Mode, Value, IsCaseInsensitive).
func stringCriteria(s reflect.Value) []provisioning.StringCriterion {
	out := make([]provisioning.StringCriterion, 0, s.Len())
	for i := 0; i < s.Len(); i++ {
		e := s.Index(i)
		out = append(out, criterion(datatypes.SearchMode(e.FieldByName("Mode").String()), e.FieldByName("Value").String(), e.FieldByName("IsCaseInsensitive").Bool()))
	}
	return out
}

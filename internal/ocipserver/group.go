package ocipserver

import (
	"fmt"
	"strings"
	"time"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/group"
)

// The group family: add (deprecated and consolidated), get (every
// version from one read, userCount computed), modify, delete, the SP and
// system lists, and the group's domain assignments. As for service
// providers, elements the schema ignores in AS data mode are ignored and
// elements Switchboard cannot honour are refused naming the element.
func groupRoutes(r routes) {
	on(r, "GroupAddRequest", func(c *call, req *deprecatedgroup.GroupAddRequest) ocixml.Command {
		in := provisioning.GroupAdd{Group: orgNewGroup(string(req.ServiceProviderID), string(req.GroupID), string(req.DefaultDomain),
			int(req.UserLimit), req.GroupName, req.CallingLineIDName, req.TimeZone, req.LocationDialingCode, req.Contact, req.Address)}
		return orgDone(c, c.p.core.AddGroup(c.ctx, c.actor, in))
	})
	on(r, "GroupConsolidatedAddRequest22", func(c *call, req *group.GroupConsolidatedAddRequest22) ocixml.Command {
		return orgConsolidatedGroupAdd(c, "GroupConsolidatedAddRequest22", req, true)
	})
	// The earlier form has the same elements but is all-or-nothing for
	// numbers too (its only answers are Success and Error).
	on(r, "GroupConsolidatedAddRequest", func(c *call, req *group.GroupConsolidatedAddRequest) ocixml.Command {
		cur := new(group.GroupConsolidatedAddRequest22)
		copyByName(cur, req)
		return orgConsolidatedGroupAdd(c, "GroupConsolidatedAddRequest", cur, false)
	})

	groupGet := func(c *call, req *group.GroupGetRequest22V5) (*group.GroupGetResponse22V5, ocixml.Command) {
		gi, err := c.p.core.Group(c.ctx, c.actor, sv(req.ServiceProviderID), sv(req.GroupID), sv(req.GroupExternalID))
		if err != nil {
			return nil, c.fail(err)
		}
		return orgGroupResponse(gi), nil
	}
	on(r, "GroupGetRequest22V5", func(c *call, req *group.GroupGetRequest22V5) ocixml.Command {
		resp, fail := groupGet(c, req)
		if fail != nil {
			return fail
		}
		return resp
	})
	for _, v := range []string{"", "14sp7", "22", "22V2", "22V3", "22V4"} {
		orgLegacyGet(r, "GroupGetRequest"+v, groupGet)
	}

	on(r, "GroupModifyRequest", orgModifyGroup)
	on(r, "GroupDeleteRequest", func(c *call, req *group.GroupDeleteRequest) ocixml.Command {
		return orgDone(c, c.p.core.DeleteGroup(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID)))
	})
	on(r, "GroupGetListInServiceProviderRequest", func(c *call, req *group.GroupGetListInServiceProviderRequest) ocixml.Command {
		gs, err := c.p.core.ListGroups(c.ctx, c.actor, provisioning.GroupListFilter{
			SPID:  string(req.ServiceProviderID),
			ID:    orgGroupIDCriteria(req.SearchCriteriaGroupID),
			Name:  orgGroupNameCriteria(req.SearchCriteriaGroupName),
			Limit: orgLimit(req.ResponseSizeLimit),
		})
		if err != nil {
			return c.fail(err)
		}
		t := newTable("GroupGetListInServiceProviderResponse", "groupTable")
		for _, g := range gs {
			t.set("Group Id", g.Group.ID).set("Group Name", g.Group.Name).set("User Limit", fmt.Sprint(g.Group.UserLimit)).end()
		}
		return &group.GroupGetListInServiceProviderResponse{GroupTable: t.table()}
	})
	on(r, "GroupGetListInSystemRequest", func(c *call, req *group.GroupGetListInSystemRequest) ocixml.Command {
		f := provisioning.GroupListFilter{
			ID:   orgGroupIDCriteria(req.SearchCriteriaGroupID),
			Name: orgGroupNameCriteria(req.SearchCriteriaGroupName),
			SPIDs: orgCriteria(req.SearchCriteriaServiceProviderID, func(s datatypes.SearchCriteriaServiceProviderId) (datatypes.SearchMode, string, bool) {
				return s.Mode, string(s.Value), s.IsCaseInsensitive
			}),
			ResellerID: orgCriteria(req.SearchCriteriaResellerID, func(s datatypes.SearchCriteriaResellerId) (datatypes.SearchMode, string, bool) {
				return s.Mode, string(s.Value), s.IsCaseInsensitive
			}),
			Limit: orgLimit(req.ResponseSizeLimit),
		}
		if req.SearchCriteriaExactServiceProvider != nil {
			f.ExactSP = string(req.SearchCriteriaExactServiceProvider.ServiceProviderID)
		}
		gs, err := c.p.core.ListGroups(c.ctx, c.actor, f)
		if err != nil {
			return c.fail(err)
		}
		t := newTable("GroupGetListInSystemResponse", "groupTable")
		for _, g := range gs {
			kind := datatypes.OrganizationTypeServiceProvider
			if g.SP.IsEnterprise {
				kind = datatypes.OrganizationTypeEnterprise
			}
			t.set("Group Id", g.Group.ID).set("Group Name", g.Group.Name).set("User Limit", fmt.Sprint(g.Group.UserLimit)).
				set("Organization Id", g.Group.SPID).set("Organization Type", string(kind)).set("Reseller Id", g.SP.ResellerID).end()
		}
		return &group.GroupGetListInSystemResponse{GroupTable: t.table()}
	})

	on(r, "GroupDomainAssignListRequest", func(c *call, req *group.GroupDomainAssignListRequest) ocixml.Command {
		return orgDone(c, c.p.core.AssignDomains(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), strs(req.Domain)))
	})
	on(r, "GroupDomainUnassignListRequest", func(c *call, req *group.GroupDomainUnassignListRequest) ocixml.Command {
		return orgDone(c, c.p.core.UnassignDomains(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), strs(req.Domain)))
	})
	on(r, "GroupDomainGetAssignedListRequest", func(c *call, req *group.GroupDomainGetAssignedListRequest) ocixml.Command {
		def, doms, err := c.p.core.AssignedDomains(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID))
		if err != nil {
			return c.fail(err)
		}
		resp := &group.GroupDomainGetAssignedListResponse{GroupDefaultDomain: datatypes.NetAddress(def)}
		for _, d := range doms {
			resp.Domain = append(resp.Domain, datatypes.NetAddress(d.Name))
		}
		return resp
	})
}

// orgConsolidatedGroupAdd runs both consolidated group adds. With
// reportDNs (the 22 version) numbers that fail validation are listed in
// GroupConsolidatedAddResponse22 while the group and the valid numbers
// are added; otherwise any failure fails the whole add.
func orgConsolidatedGroupAdd(c *call, cmd string, req *group.GroupConsolidatedAddRequest22, reportDNs bool) ocixml.Command {
	switch {
	case req.GroupID == nil:
		return ocip.CodeInvalidValue.Response("groupId", "Switchboard does not generate group ids; give one")
	case orgHasValue(req.RoutingProfile):
		return orgUnsupported(cmd, "routingProfile", "routing profiles are not modelled")
	case req.MeetMeConferencingAllocatedPorts != nil:
		return orgUnsupported(cmd, "meetMeConferencingAllocatedPorts", "Meet-Me conferencing is not modelled")
	case req.TrunkGroupMaxActiveCalls != nil:
		return orgUnsupported(cmd, "trunkGroupMaxActiveCalls", "trunk groups are not modelled")
	case req.TrunkGroupBurstingMaxActiveCalls != nil:
		return orgUnsupported(cmd, "trunkGroupBurstingMaxActiveCalls", "trunk groups are not modelled")
	}
	spID := sv(req.ServiceProviderID)
	if spID == "" {
		sp, err := c.p.core.ServiceProvider(c.ctx, c.actor, "", sv(req.ServiceProviderExternalID))
		if err != nil {
			return c.fail(err)
		}
		spID = sp.ID // an SP's id never changes, so resolving it first is safe
	}
	in := provisioning.GroupAdd{
		Group: orgNewGroup(spID, string(*req.GroupID), string(req.DefaultDomain), int(req.UserLimit), req.GroupName,
			req.CallingLineIDName, req.TimeZone, req.LocationDialingCode, req.Contact, req.Address),
		Domains: strs(req.Domain),
	}
	in.Group.ExternalID = sv(req.GroupExternalID)
	in.Group.Profile.ExtensionMin = orgExtLen(req.MinExtensionLength)
	in.Group.Profile.ExtensionMax = orgExtLen(req.MaxExtensionLength)
	in.Group.Profile.ExtensionDefault = orgExtLen(req.DefaultExtensionLength)
	for _, a := range req.Admin {
		in.Admins = append(in.Admins, provisioning.AdminAdd{Password: sv(a.Password), Admin: store.Admin{
			ID: string(a.UserID), Level: store.LevelGroup, FirstName: sv(a.FirstName), LastName: sv(a.LastName), Language: sv(a.Language)}})
	}
	for _, s := range req.GroupServiceAuthorizationAndAssignment {
		in.ServiceAuth = append(in.ServiceAuth, provisioning.GroupServiceAuth{Kind: store.SvcGroup, Name: string(s.ServiceName), Quantity: orgQuantity(s.AuthorizedQuantity)})
		if s.Assign {
			in.GroupServices = append(in.GroupServices, string(s.ServiceName))
		}
	}
	// "unauthorized" in an add asks for what a new group already is.
	for _, s := range req.UserServiceAuthorization {
		if !s.Unauthorized {
			in.ServiceAuth = append(in.ServiceAuth, provisioning.GroupServiceAuth{Kind: store.SvcUser, Name: string(s.ServiceName), Quantity: orgQuantity(s.AuthorizedQuantity)})
		}
	}
	for _, p := range req.ServicePackAuthorization {
		if !p.Unauthorized {
			in.ServiceAuth = append(in.ServiceAuth, provisioning.GroupServiceAuth{Kind: store.SvcPack, Name: string(p.ServicePackName), Quantity: orgQuantity(p.AuthorizedQuantity)})
		}
	}
	// Numbers start deactivated unless the request says otherwise, as
	// GroupDnAssignList numbers do.
	for _, d := range req.ActivatablePhoneNumber {
		in.ActivatableDNs = append(in.ActivatableDNs, provisioning.ActivatableDN{Number: string(d.DN), Activate: d.Activate != nil && *d.Activate})
	}
	for _, d := range req.ActivatableDNRange {
		in.ActivatableRanges = append(in.ActivatableRanges, provisioning.ActivatableRange{Min: string(d.MinPhoneNumber), Max: string(d.MaxPhoneNumber),
			Activate: d.Activate != nil && *d.Activate})
	}
	if !reportDNs {
		return orgDone(c, c.p.core.AddGroup(c.ctx, c.actor, in))
	}
	failed, err := c.p.core.AddGroupConsolidated(c.ctx, c.actor, in)
	if err != nil {
		return c.fail(err)
	}
	if len(failed) == 0 {
		return success()
	}
	resp := &group.GroupConsolidatedAddResponse22{}
	for _, f := range failed {
		// Outside tables numbers go back in national form, as requests
		// usually carry them.
		num := f.Number
		if i := strings.IndexByte(num, '-'); f.Status != provisioning.DNInvalid && strings.HasPrefix(num, "+") && i > 0 {
			num = num[i+1:]
		}
		m := datatypes.DNValidationStatusMessage{Dn: datatypes.DN(num), Status: datatypes.DNValidationStatus(f.Status)}
		if f.Err != nil {
			if e := errorResponse(f.Err); e != nil {
				m.MessageCode = e.ErrorCode
				m.Summary, m.SummaryEnglish = ocixml.Ptr(e.Summary), ocixml.Ptr(e.SummaryEnglish)
			}
		}
		resp.DnValidationError = append(resp.DnValidationError, m)
	}
	return resp
}

func orgModifyGroup(c *call, req *group.GroupModifyRequest) ocixml.Command {
	const cmd = "GroupModifyRequest"
	switch {
	case orgHasValue(req.CallingLineIDPhoneNumber):
		return orgUnsupported(cmd, "callingLineIdPhoneNumber", "a group calling line id number is not stored")
	case orgHasValue(req.DialPlanAccessCode):
		return orgUnsupported(cmd, "dialPlanAccessCode", "dial plans are not modelled")
	case req.DialPlanPolicy != nil:
		return orgUnsupported(cmd, "dialPlanPolicy", "dial plans are not modelled")
	case req.ExtensionLengthSettings != nil && req.ExtensionLengthSettings.UseEnterpriseExtensionLengthSetting != nil &&
		*req.ExtensionLengthSettings.UseEnterpriseExtensionLengthSetting:
		return orgUnsupported(cmd, "useEnterpriseExtensionLengthSetting", "enterprise extension length defaults are not modelled")
	}
	return orgDone(c, c.p.core.ModifyGroup(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), func(g *store.Group) error {
		if req.DefaultDomain != nil {
			g.DefaultDomain = string(*req.DefaultDomain)
		}
		if req.UserLimit != nil {
			g.UserLimit = int(*req.UserLimit)
		}
		setN(&g.Name, req.GroupName)
		setN(&g.Profile.CallingLineIDName, req.CallingLineIDName)
		if req.TimeZone != nil {
			g.Profile.TimeZone = string(*req.TimeZone)
		}
		setN(&g.Profile.LocationDialingCode, req.LocationDialingCode)
		orgApplyContact(&g.Profile.Contact, req.Contact)
		orgApplyAddress(&g.Profile.Address, req.Address)
		if e := req.ExtensionLengthSettings; e != nil {
			if e.MinExtensionLength != nil {
				g.Profile.ExtensionMin = int(*e.MinExtensionLength)
			}
			if e.MaxExtensionLength != nil {
				g.Profile.ExtensionMax = int(*e.MaxExtensionLength)
			}
			if e.DefaultExtensionLength != nil {
				g.Profile.ExtensionDefault = int(*e.DefaultExtensionLength)
			}
		}
		return nil
	}))
}

func orgNewGroup(spID, groupID, defaultDomain string, userLimit int, name *datatypes.GroupName, clidName *datatypes.GroupCallingLineIdName,
	tz *datatypes.TimeZone, ldc *datatypes.LocationDialingCode, contact *datatypes.Contact, addr *datatypes.StreetAddress) store.Group {
	g := store.Group{SPID: spID, ID: groupID, Name: sv(name), DefaultDomain: defaultDomain, UserLimit: userLimit}
	g.Profile.CallingLineIDName = sv(clidName)
	g.Profile.TimeZone = sv(tz)
	g.Profile.LocationDialingCode = sv(ldc)
	orgApplyContact(&g.Profile.Contact, contact)
	orgApplyAddress(&g.Profile.Address, addr)
	return g
}

func orgGroupResponse(gi provisioning.GroupInfo) *group.GroupGetResponse22V5 {
	g := gi.Group
	tz := g.Profile.TimeZone
	if tz == "" {
		tz = provisioning.DefaultTimeZone
	}
	return &group.GroupGetResponse22V5{
		DefaultDomain:       datatypes.NetAddress(g.DefaultDomain),
		UserLimit:           datatypes.GroupUserLimit(g.UserLimit),
		UserCount:           int32(gi.UserCount),
		GroupName:           optS[datatypes.GroupName](g.Name),
		CallingLineIDName:   optS[datatypes.GroupCallingLineIdName](g.Profile.CallingLineIDName),
		TimeZone:            datatypes.TimeZone(tz),
		TimeZoneDisplayName: datatypes.TimeZoneDisplayName(orgTimeZoneDisplay(tz)),
		LocationDialingCode: optS[datatypes.LocationDialingCode](g.Profile.LocationDialingCode),
		Contact:             orgContactOut(g.Profile.Contact),
		Address:             orgAddressOut(g.Profile.Address),
		ResellerID:          optS[datatypes.ResellerId22](gi.SP.ResellerID),
		ServiceProviderID:   datatypes.ServiceProviderId(g.SPID),
		GroupID:             datatypes.GroupId(g.ID),
		GroupExternalID:     optS[datatypes.ExternalId](g.ExternalID),
	}
}

// orgTimeZoneDisplay renders a zone as "(GMT-05:00) America/New_York",
// using the zone's standard (winter) offset so the text does not change
// with daylight saving time.
func orgTimeZoneDisplay(tz string) string {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return tz
	}
	year := time.Now().Year()
	_, jan := time.Date(year, 1, 1, 0, 0, 0, 0, loc).Zone()
	_, jul := time.Date(year, 7, 1, 0, 0, 0, 0, loc).Zone()
	off := min(jan, jul)
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("(GMT%c%02d:%02d) %s", sign, off/3600, off%3600/60, tz)
}

func orgExtLen(p *datatypes.ExtensionLength) int {
	if p == nil {
		return 0
	}
	return int(*p)
}

func orgGroupIDCriteria(in []datatypes.SearchCriteriaGroupId) []provisioning.StringCriterion {
	return orgCriteria(in, func(s datatypes.SearchCriteriaGroupId) (datatypes.SearchMode, string, bool) {
		return s.Mode, string(s.Value), s.IsCaseInsensitive
	})
}

func orgGroupNameCriteria(in []datatypes.SearchCriteriaGroupName) []provisioning.StringCriterion {
	return orgCriteria(in, func(s datatypes.SearchCriteriaGroupName) (datatypes.SearchMode, string, bool) {
		return s.Mode, string(s.Value), s.IsCaseInsensitive
	})
}

package ocipserver

import (
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/provider"
)

// The service provider family: add (13mp2 and consolidated), get (every
// version, rendered from one read), modify, delete, list, and the SP's
// domain assignments. Elements the schema calls ignored in AS data mode
// (servicePolicy, callProcessingSliceId, provisioningSliceId,
// subscriberPartition, the XS-only preferredDataCenter) are ignored here
// too; elements that would change behaviour Switchboard does not model are
// refused with 9001 naming the element.
func providerRoutes(r routes) {
	on(r, "ServiceProviderAddRequest13mp2", func(c *call, req *deprecated.ServiceProviderAddRequest13mp2) ocixml.Command {
		in := provisioning.ServiceProviderAdd{SP: orgNewSP(req.IsEnterprise, req.UseCustomRoutingProfile, string(req.ServiceProviderID),
			string(req.DefaultDomain), sv(req.ServiceProviderName), sv(req.SupportEmail), req.Contact, req.Address, sv(req.ResellerID))}
		return orgDone(c, c.p.core.AddServiceProvider(c.ctx, c.actor, in))
	})
	on(r, "ServiceProviderConsolidatedAddRequest", orgConsolidatedSPAdd)

	spGet := func(c *call, req *provider.ServiceProviderGetRequest22V4) (*provider.ServiceProviderGetResponse22V4, ocixml.Command) {
		sp, err := c.p.core.ServiceProvider(c.ctx, c.actor, sv(req.ServiceProviderID), sv(req.ServiceProviderExternalID))
		if err != nil {
			return nil, c.fail(err)
		}
		return orgSPResponse(sp), nil
	}
	on(r, "ServiceProviderGetRequest22V4", func(c *call, req *provider.ServiceProviderGetRequest22V4) ocixml.Command {
		resp, fail := spGet(c, req)
		if fail != nil {
			return fail
		}
		return resp
	})
	// Older versions: the same read, copied into each version's shape.
	for _, v := range []string{"13mp2", "17sp1", "22", "22V2", "22V3"} {
		orgLegacyGet(r, "ServiceProviderGetRequest"+v, spGet)
	}

	on(r, "ServiceProviderModifyRequest", func(c *call, req *provider.ServiceProviderModifyRequest) ocixml.Command {
		const cmd = "ServiceProviderModifyRequest"
		// Enterprise dialing settings that Switchboard does not model; a
		// nil (clear) is what they already are.
		if orgHasValue(req.DefaultExtensionLength) {
			return orgUnsupported(cmd, "defaultExtensionLength", "enterprise extension length defaults are not modelled; set extension lengths per group")
		}
		if orgHasValue(req.LocationRoutingPrefixDigit) {
			return orgUnsupported(cmd, "locationRoutingPrefixDigit", "location-based dialing is not modelled")
		}
		if orgHasValue(req.LocationCodeLength) {
			return orgUnsupported(cmd, "locationCodeLength", "location-based dialing is not modelled")
		}
		ch := provisioning.SPChange{ResellerName: sv(req.ResellerName), Apply: func(sp *store.ServiceProvider) error {
			if req.DefaultDomain != nil {
				sp.DefaultDomain = string(*req.DefaultDomain)
			}
			setN(&sp.Name, req.ServiceProviderName)
			setN(&sp.Profile.SupportEmail, req.SupportEmail)
			orgApplyContact(&sp.Profile.Contact, req.Contact)
			orgApplyAddress(&sp.Profile.Address, req.Address)
			if req.UseServiceProviderLanguages != nil {
				sp.Profile.UseServiceProviderLangs = *req.UseServiceProviderLanguages
			}
			if req.ResellerID != nil {
				sp.ResellerID = string(*req.ResellerID)
			}
			return nil
		}}
		return orgDone(c, c.p.core.ModifyServiceProvider(c.ctx, c.actor, string(req.ServiceProviderID), ch))
	})
	on(r, "ServiceProviderDeleteRequest", func(c *call, req *provider.ServiceProviderDeleteRequest) ocixml.Command {
		return orgDone(c, c.p.core.DeleteServiceProvider(c.ctx, c.actor, string(req.ServiceProviderID)))
	})
	on(r, "ServiceProviderGetListRequest", func(c *call, req *provider.ServiceProviderGetListRequest) ocixml.Command {
		f := provisioning.SPListFilter{
			IsEnterprise: req.IsEnterprise,
			ID: orgCriteria(req.SearchCriteriaServiceProviderID, func(s datatypes.SearchCriteriaServiceProviderId) (datatypes.SearchMode, string, bool) {
				return s.Mode, string(s.Value), s.IsCaseInsensitive
			}),
			Name: orgCriteria(req.SearchCriteriaServiceProviderName, func(s datatypes.SearchCriteriaServiceProviderName) (datatypes.SearchMode, string, bool) {
				return s.Mode, string(s.Value), s.IsCaseInsensitive
			}),
			ResellerID: orgCriteria(req.SearchCriteriaResellerID, func(s datatypes.SearchCriteriaResellerId) (datatypes.SearchMode, string, bool) {
				return s.Mode, string(s.Value), s.IsCaseInsensitive
			}),
			Limit: orgLimit(req.ResponseSizeLimit),
		}
		sps, err := c.p.core.ListServiceProviders(c.ctx, c.actor, f)
		if err != nil {
			return c.fail(err)
		}
		t := newTable("ServiceProviderGetListResponse", "serviceProviderTable")
		for _, sp := range sps {
			t.set("Service Provider Id", sp.ID).set("Service Provider Name", sp.Name).
				set("Is Enterprise", tableBool(sp.IsEnterprise)).set("Reseller Id", sp.ResellerID).end()
		}
		return &provider.ServiceProviderGetListResponse{ServiceProviderTable: t.table()}
	})

	on(r, "ServiceProviderDomainAssignListRequest", func(c *call, req *provider.ServiceProviderDomainAssignListRequest) ocixml.Command {
		return orgDone(c, c.p.core.AssignDomains(c.ctx, c.actor, string(req.ServiceProviderID), "", strs(req.Domain)))
	})
	on(r, "ServiceProviderDomainUnassignListRequest", func(c *call, req *provider.ServiceProviderDomainUnassignListRequest) ocixml.Command {
		return orgDone(c, c.p.core.UnassignDomains(c.ctx, c.actor, string(req.ServiceProviderID), "", strs(req.Domain)))
	})
	on(r, "ServiceProviderDomainGetAssignedListRequest22", func(c *call, req *provider.ServiceProviderDomainGetAssignedListRequest22) ocixml.Command {
		def, doms, err := c.p.core.AssignedDomains(c.ctx, c.actor, string(req.ServiceProviderID), "")
		if err != nil {
			return c.fail(err)
		}
		names := orgCriteria(req.SearchCriteriaDomainName, func(s datatypes.SearchCriteriaDomainName) (datatypes.SearchMode, string, bool) {
			return s.Mode, string(s.Value), s.IsCaseInsensitive
		})
		out := orgFilterDomains(doms, names, nil, req.SearchCriteriaExactDomainLevel, orgLimit(req.ResponseSizeLimit))
		resp := &provider.ServiceProviderDomainGetAssignedListResponse22{ServiceProviderDefaultDomain: datatypes.NetAddress(def)}
		for _, d := range out {
			resp.Domain = append(resp.Domain, datatypes.NetAddress(d.Name))
		}
		return resp
	})
	on(r, "ServiceProviderDomainGetAssignedListRequest", func(c *call, req *deprecated.ServiceProviderDomainGetAssignedListRequest) ocixml.Command {
		def, doms, err := c.p.core.AssignedDomains(c.ctx, c.actor, string(req.ServiceProviderID), "")
		if err != nil {
			return c.fail(err)
		}
		resp := &deprecated.ServiceProviderDomainGetAssignedListResponse{ServiceProviderDefaultDomain: datatypes.NetAddress(def)}
		for _, d := range doms {
			resp.Domain = append(resp.Domain, datatypes.NetAddress(d.Name))
		}
		return resp
	})
}

// orgConsolidatedSPAdd is ServiceProviderConsolidatedAddRequest: the SP and
// every sub-list in one core transaction, so any rejected part leaves
// nothing behind.
func orgConsolidatedSPAdd(c *call, req *provider.ServiceProviderConsolidatedAddRequest) ocixml.Command {
	const cmd = "ServiceProviderConsolidatedAddRequest"
	switch {
	case req.ServiceProviderID == nil:
		return ocip.CodeInvalidValue.Response("serviceProviderId", "Switchboard does not generate service provider ids; give one")
	case orgHasValue(req.RoutingProfile):
		return orgUnsupported(cmd, "routingProfile", "routing profiles are not modelled")
	case req.MeetMeConferencingAllocatedPorts != nil:
		return orgUnsupported(cmd, "meetMeConferencingAllocatedPorts", "Meet-Me conferencing is not modelled")
	case req.TrunkGroupMaxActiveCalls != nil:
		return orgUnsupported(cmd, "trunkGroupMaxActiveCalls", "trunk groups are not modelled")
	case req.TrunkGroupBurstingMaxActiveCalls != nil:
		return orgUnsupported(cmd, "trunkGroupBurstingMaxActiveCalls", "trunk groups are not modelled")
	case req.VoiceMessagingGroupSettings != nil:
		return orgUnsupported(cmd, "voiceMessagingGroupSettings", "voice messaging settings are not modelled")
	case req.VoiceMessagingGroupVoicePortalScope != nil:
		return orgUnsupported(cmd, "voiceMessagingGroupVoicePortalScope", "voice messaging settings are not modelled")
	}
	in := provisioning.ServiceProviderAdd{
		SP: orgNewSP(req.IsEnterprise, req.UseCustomRoutingProfile, string(*req.ServiceProviderID), string(req.DefaultDomain),
			sv(req.ServiceProviderName), sv(req.SupportEmail), req.Contact, req.Address, sv(req.ResellerID)),
		ResellerName: sv(req.ResellerName),
		Domains:      strs(req.Domain),
		DNs:          orgNumbers(req.PhoneNumber, req.DnRange),
	}
	in.SP.ExternalID = sv(req.ServiceProviderExternalID)
	for _, a := range req.Admin {
		in.Admins = append(in.Admins, provisioning.AdminAdd{Password: sv(a.Password), Admin: store.Admin{
			ID: string(a.UserID), Level: store.LevelServiceProvider, FirstName: sv(a.FirstName), LastName: sv(a.LastName),
			Language: sv(a.Language), AdminType: string(a.AdministratorType)}})
	}
	// An "unauthorized" entry in an add asks for what a new SP already
	// is, so it needs no action.
	for _, s := range req.GroupServiceAuthorization {
		if !s.Unauthorized {
			in.GroupServiceAuth = append(in.GroupServiceAuth, provisioning.ServiceQuantity{Name: string(s.ServiceName), Quantity: orgQuantity(s.AuthorizedQuantity)})
		}
	}
	for _, s := range req.UserServiceAuthorization {
		if !s.Unauthorized {
			in.UserServiceAuth = append(in.UserServiceAuth, provisioning.ServiceQuantity{Name: string(s.ServiceName), Quantity: orgQuantity(s.AuthorizedQuantity)})
		}
	}
	for _, p := range req.ServicePack {
		in.ServicePacks = append(in.ServicePacks, store.ServicePack{Name: string(p.ServicePackName), Description: sv(p.ServicePackDescription),
			Available: p.IsAvailableForUse, Quantity: orgQuantity(&p.ServicePackQuantity), Services: strs(p.ServiceName)})
	}
	return orgDone(c, c.p.core.AddServiceProvider(c.ctx, c.actor, in))
}

// orgLegacyGet registers an older version of a get command: its request
// is copied into the current request type (the identifying fields keep
// their names across versions), the current handler runs, and its
// response is copied into the older response shape.
func orgLegacyGet[Req any, Resp ocixml.Command](r routes, name string, get func(*call, *Req) (Resp, ocixml.Command)) {
	on(r, name, func(c *call, req ocixml.Command) ocixml.Command {
		cur := new(Req)
		copyByName(cur, req)
		resp, fail := get(c, cur)
		if fail != nil {
			return fail
		}
		out := responseFor(name)
		if out == nil {
			return ocip.CodeInternal.Response("no response type for " + name)
		}
		copyByName(out, resp)
		return out
	})
}

func orgSPResponse(sp store.ServiceProvider) *provider.ServiceProviderGetResponse22V4 {
	resp := &provider.ServiceProviderGetResponse22V4{
		DefaultDomain:               datatypes.NetAddress(sp.DefaultDomain),
		ServiceProviderName:         optS[datatypes.ServiceProviderName](sp.Name),
		SupportEmail:                optS[datatypes.EmailAddress](sp.Profile.SupportEmail),
		Contact:                     orgContactOut(sp.Profile.Contact),
		Address:                     orgAddressOut(sp.Profile.Address),
		UseServiceProviderLanguages: sp.Profile.UseServiceProviderLangs,
		ResellerID:                  optS[datatypes.ResellerId22](sp.ResellerID),
		ServiceProviderID:           datatypes.ServiceProviderId(sp.ID),
		ServiceProviderExternalID:   optS[datatypes.ExternalId](sp.ExternalID),
	}
	// The schema's choice: an enterprise says so, a service provider says
	// whether it uses a custom routing profile.
	if sp.IsEnterprise {
		resp.IsEnterprise = true
	} else {
		resp.UseCustomRoutingProfile = ocixml.Ptr(sp.Profile.UseCustomRoutingProfile)
	}
	return resp
}

func orgNewSP(isEnterprise bool, customRouting *bool, id, defaultDomain, name, email string, contact *datatypes.Contact, addr *datatypes.StreetAddress, resellerID string) store.ServiceProvider {
	sp := store.ServiceProvider{ID: id, Name: name, IsEnterprise: isEnterprise, DefaultDomain: defaultDomain, ResellerID: resellerID}
	sp.Profile.SupportEmail = email
	if customRouting != nil {
		sp.Profile.UseCustomRoutingProfile = *customRouting
	}
	orgApplyContact(&sp.Profile.Contact, contact)
	orgApplyAddress(&sp.Profile.Address, addr)
	return sp
}

// orgDone answers a write: SuccessResponse, or the error.
func orgDone(c *call, err error) ocixml.Command {
	if err != nil {
		return c.fail(err)
	}
	return success()
}

// orgUnsupported refuses an element whose meaning Switchboard cannot honour.
func orgUnsupported(cmd, element, why string) ocixml.Command {
	r := ocip.CodeNotSupported.Response(cmd + " element " + element)
	r.Detail = ocixml.Ptr(why)
	return r
}

// orgHasValue reports whether a nillable element carries a value (absent
// and nil both leave things as they are).
func orgHasValue[T any](n ocixml.Nillable[T]) bool {
	_, ok := n.Get()
	return ok
}

func orgApplyContact(dst *store.Contact, c *datatypes.Contact) {
	if c == nil {
		return
	}
	setN(&dst.Name, c.ContactName)
	setN(&dst.Number, c.ContactNumber)
	setN(&dst.Email, c.ContactEmail)
}

func orgApplyAddress(dst *store.Address, a *datatypes.StreetAddress) {
	if a == nil {
		return
	}
	setN(&dst.Line1, a.AddressLine1)
	setN(&dst.Line2, a.AddressLine2)
	setN(&dst.City, a.City)
	setN(&dst.StateProvince, a.StateOrProvince)
	setN(&dst.ZipOrPostal, a.ZipOrPostalCode)
	setN(&dst.Country, a.Country)
}

func orgContactOut(c store.Contact) *datatypes.Contact {
	if c == (store.Contact{}) {
		return nil
	}
	out := &datatypes.Contact{}
	orgSome(&out.ContactName, c.Name)
	orgSome(&out.ContactNumber, c.Number)
	orgSome(&out.ContactEmail, c.Email)
	return out
}

func orgAddressOut(a store.Address) *datatypes.StreetAddress {
	if a == (store.Address{}) {
		return nil
	}
	out := &datatypes.StreetAddress{}
	orgSome(&out.AddressLine1, a.Line1)
	orgSome(&out.AddressLine2, a.Line2)
	orgSome(&out.City, a.City)
	orgSome(&out.StateOrProvince, a.StateProvince)
	orgSome(&out.ZipOrPostalCode, a.ZipOrPostal)
	orgSome(&out.Country, a.Country)
	return out
}

// orgSome sets a nillable response element when s is not empty (an
// empty value is left out rather than sent as nil).
func orgSome[T ~string](dst *ocixml.Nillable[T], s string) {
	if s != "" {
		dst.Set(T(s))
	}
}

func orgNumbers(dns []datatypes.DN, ranges []datatypes.DNRange) provisioning.NumberSet {
	ns := provisioning.NumberSet{Numbers: strs(dns)}
	for _, r := range ranges {
		ns.Ranges = append(ns.Ranges, [2]string{string(r.MinPhoneNumber), string(r.MaxPhoneNumber)})
	}
	return ns
}

// orgQuantity reads an UnboundedPositiveInt; absent means unlimited, as
// the schema says for authorizations without a quantity.
func orgQuantity(q *datatypes.UnboundedPositiveInt) int {
	if q == nil || q.Unlimited || q.Quantity == nil {
		return store.Unlimited
	}
	return int(*q.Quantity)
}

func orgLimit(l *datatypes.ResponseSizeLimit) int {
	if l == nil {
		return 0
	}
	return int(*l)
}

// orgCriteria converts one kind of string search criteria.
func orgCriteria[T any](in []T, f func(T) (datatypes.SearchMode, string, bool)) []provisioning.StringCriterion {
	out := make([]provisioning.StringCriterion, 0, len(in))
	for _, c := range in {
		mode, v, ci := f(c)
		m := provisioning.StartsWith
		switch mode {
		case datatypes.SearchModeContains:
			m = provisioning.Contains
		case datatypes.SearchModeEqualTo:
			m = provisioning.EqualTo
		}
		out = append(out, provisioning.StringCriterion{Mode: m, Value: v, CaseInsensitive: ci})
	}
	return out
}

// orgFilterDomains applies the domain list criteria: names, reseller ids,
// the exact level (System: no reseller), then the size limit.
func orgFilterDomains(doms []store.Domain, names, resellers []provisioning.StringCriterion, level *datatypes.SearchCriteriaExactDomainLevel, limit int) []store.Domain {
	var out []store.Domain
	for _, d := range doms {
		if limit > 0 && len(out) >= limit {
			break
		}
		if !orgMatchAll(names, d.Name) || !orgMatchAll(resellers, d.ResellerID) {
			continue
		}
		if level != nil && (level.DomainLevel == datatypes.DomainLevelSystem) != (d.ResellerID == "") {
			continue
		}
		out = append(out, d)
	}
	return out
}

func orgMatchAll(cs []provisioning.StringCriterion, s string) bool {
	for _, c := range cs {
		if !c.Match(s) {
			return false
		}
	}
	return true
}

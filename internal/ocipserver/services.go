package ocipserver

import (
	"slices"
	"strconv"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
)

// The licensing family: service authorization of service providers and
// groups, service packs, and group service assignment. User service
// assignment belongs to the user family.
//
// Quantity cells follow what BroadWorks writes: booleans "true"/"false";
// "Limited" is "Unlimited" or "Limited"; the numeric columns (Quantity,
// Allocated, Usage, Allowed) give -1 for unlimited; "Service Pack
// Allocation" and the service pack detail table spell out "Unlimited".
// The service provider table lists the whole catalogue (Switchboard
// licenses every service at the system level); a group's tables list what
// its service provider offers (services authorized to it, and its packs).
func serviceRoutes(r routes) {
	on(r, "ServiceProviderServiceModifyAuthorizationListRequest", func(c *call, req *provider.ServiceProviderServiceModifyAuthorizationListRequest) ocixml.Command {
		var changes []provisioning.AuthChange
		for _, a := range req.GroupServiceAuthorization {
			ch, fail := svcChange(store.SvcGroup, string(a.ServiceName), a.AuthorizedQuantity, a.Unauthorized)
			if fail != nil {
				return fail
			}
			changes = append(changes, ch)
		}
		for _, a := range req.UserServiceAuthorization {
			ch, fail := svcChange(store.SvcUser, string(a.ServiceName), a.AuthorizedQuantity, a.Unauthorized)
			if fail != nil {
				return fail
			}
			changes = append(changes, ch)
		}
		return dnDone(c, c.p.core.ModifySPServiceAuth(c.ctx, c.actor, string(req.ServiceProviderID), changes))
	})
	on(r, "ServiceProviderServiceGetAuthorizationListRequest", func(c *call, req *provider.ServiceProviderServiceGetAuthorizationListRequest) ocixml.Command {
		lines, err := c.p.core.SPAuthorizations(c.ctx, c.actor, string(req.ServiceProviderID))
		if err != nil {
			return c.fail(err)
		}
		const resp = "ServiceProviderServiceGetAuthorizationListResponse"
		gt, ut := newTable(resp, "groupServicesAuthorizationTable"), newTable(resp, "userServicesAuthorizationTable")
		for _, l := range svcCatalogueLines(lines, store.SvcGroup) {
			svcSPRow(gt, l)
			gt.end()
		}
		for _, l := range svcCatalogueLines(lines, store.SvcUser) {
			svcSPRow(ut, l)
			ut.set("User Assignable", "true").set("Service Pack Assignable", "true")
			ut.end()
		}
		return &provider.ServiceProviderServiceGetAuthorizationListResponse{GroupServicesAuthorizationTable: gt.table(), UserServicesAuthorizationTable: ut.table()}
	})

	on(r, "ServiceProviderServicePackAddRequest", func(c *call, req *provider.ServiceProviderServicePackAddRequest) ocixml.Command {
		q, fail := svcQuantity("servicePackQuantity", &req.ServicePackQuantity)
		if fail != nil {
			return fail
		}
		p := store.ServicePack{SPID: string(req.ServiceProviderID), Name: string(req.ServicePackName), Description: sv(req.ServicePackDescription),
			Available: req.IsAvailableForUse, Quantity: q, Services: strs(req.ServiceName)}
		return dnDone(c, c.p.core.AddServicePack(c.ctx, c.actor, p))
	})
	on(r, "ServiceProviderServicePackModifyRequest", func(c *call, req *provider.ServiceProviderServicePackModifyRequest) ocixml.Command {
		var ch provisioning.PackChange
		if req.NewServicePackName != nil {
			ch.NewName = ocixml.Ptr(string(*req.NewServicePackName))
		}
		if req.ServicePackDescription.IsNil() {
			ch.Description = ocixml.Ptr("")
		} else if d, ok := req.ServicePackDescription.Get(); ok {
			ch.Description = ocixml.Ptr(string(d))
		}
		ch.Available = req.IsAvailableForUse
		if req.ServicePackQuantity != nil {
			q, fail := svcQuantity("servicePackQuantity", req.ServicePackQuantity)
			if fail != nil {
				return fail
			}
			ch.Quantity = &q
		}
		return dnDone(c, c.p.core.ModifyServicePack(c.ctx, c.actor, string(req.ServiceProviderID), string(req.ServicePackName), ch))
	})
	on(r, "ServiceProviderServicePackAddServiceListRequest", func(c *call, req *provider.ServiceProviderServicePackAddServiceListRequest) ocixml.Command {
		ch := provisioning.PackChange{AddServices: strs(req.ServiceName)}
		return dnDone(c, c.p.core.ModifyServicePack(c.ctx, c.actor, string(req.ServiceProviderID), string(req.ServicePackName), ch))
	})
	on(r, "ServiceProviderServicePackDeleteRequest", func(c *call, req *provider.ServiceProviderServicePackDeleteRequest) ocixml.Command {
		return dnDone(c, c.p.core.DeleteServicePack(c.ctx, c.actor, string(req.ServiceProviderID), string(req.ServicePackName)))
	})
	on(r, "ServiceProviderServicePackGetListRequest", func(c *call, req *provider.ServiceProviderServicePackGetListRequest) ocixml.Command {
		packs, err := c.p.core.ServicePacks(c.ctx, c.actor, string(req.ServiceProviderID))
		if err != nil {
			return c.fail(err)
		}
		resp := &provider.ServiceProviderServicePackGetListResponse{}
		for _, p := range packs {
			resp.ServicePackName = append(resp.ServicePackName, datatypes.ServicePackName(p.Name))
		}
		return resp
	})
	on(r, "ServiceProviderServicePackGetDetailListRequest", func(c *call, req *provider.ServiceProviderServicePackGetDetailListRequest) ocixml.Command {
		d, err := c.p.core.ServicePackDetail(c.ctx, c.actor, string(req.ServiceProviderID), string(req.ServicePackName))
		if err != nil {
			return c.fail(err)
		}
		t := newTable("ServiceProviderServicePackGetDetailListResponse", "userServiceTable")
		for _, s := range d.Services {
			avail := store.Unlimited
			if s.Authorized != store.Unlimited {
				avail = max(s.Authorized-max(s.Allocated, 0), 0)
			}
			t.set("Service", s.Name).set("Authorized", svcWord(s.Authorized)).set("Allocated", svcWord(s.Allocated)).set("Available", svcWord(avail))
			t.end()
		}
		resp := &provider.ServiceProviderServicePackGetDetailListResponse{
			ServicePackName:     datatypes.ServicePackName(d.Pack.Name),
			IsAvailableForUse:   d.Pack.Available,
			ServicePackQuantity: svcPositive(d.Pack.Quantity),
			AllowedQuantity:     svcPositive(d.Allowed),
			UserServiceTable:    t.table(),
		}
		if d.Pack.Description != "" {
			resp.ServicePackDescription = ocixml.Ptr(datatypes.ServicePackDescription(d.Pack.Description))
		}
		if d.Allocated == store.Unlimited {
			resp.AssignedQuantity.Unlimited = true
		} else {
			resp.AssignedQuantity.Quantity = ocixml.Ptr(datatypes.UnboundedNonNegativeIntQuantity(d.Allocated))
		}
		return resp
	})
	on(r, "ServiceProviderServicePackGetServiceUsageListRequest", func(c *call, req *provider.ServiceProviderServicePackGetServiceUsageListRequest) ocixml.Command {
		packs, holders, err := c.p.core.ServicePackHolders(c.ctx, c.actor, string(req.ServiceProviderID))
		if err != nil {
			return c.fail(err)
		}
		t := newTable("ServiceProviderServicePackGetServiceUsageListResponse", "serviceUsageTable")
		for _, p := range packs {
			if !slices.Contains(p.Services, string(req.ServiceName)) {
				continue
			}
			allocated := 0
			for _, h := range holders {
				if h.Pack == p.Name {
					allocated = svcAdd(allocated, h.Quantity)
				}
			}
			t.set("Service Pack Name", p.Name).set("Total Packs", svcWord(p.Quantity)).set("Allocated to Groups", svcWord(allocated))
			t.end()
		}
		return &provider.ServiceProviderServicePackGetServiceUsageListResponse{ServiceUsageTable: t.table()}
	})
	on(r, "ServiceProviderServicePackGetUtilizationListRequest", func(c *call, req *provider.ServiceProviderServicePackGetUtilizationListRequest) ocixml.Command {
		packs, holders, err := c.p.core.ServicePackHolders(c.ctx, c.actor, string(req.ServiceProviderID))
		if err != nil {
			return c.fail(err)
		}
		resp := &provider.ServiceProviderServicePackGetUtilizationListResponse{}
		for _, p := range packs {
			t := newTable("ServiceProviderServicePackGetUtilizationListResponse", "serviceUtilizationTable")
			for _, h := range holders {
				if h.Pack == p.Name {
					t.set("Group", h.GroupID).set("Total Packs", svcWord(h.Quantity)).set("Assigned", strconv.Itoa(h.Assigned))
					t.end()
				}
			}
			resp.ServicePackName = append(resp.ServicePackName, datatypes.ServicePackName(p.Name))
			resp.ServiceUtilizationTable = append(resp.ServiceUtilizationTable, t.table())
		}
		return resp
	})

	on(r, "GroupServiceModifyAuthorizationListRequest", func(c *call, req *group.GroupServiceModifyAuthorizationListRequest) ocixml.Command {
		var changes []provisioning.AuthChange
		for _, a := range req.ServicePackAuthorization {
			ch, fail := svcChange(store.SvcPack, string(a.ServicePackName), a.AuthorizedQuantity, a.Unauthorized)
			if fail != nil {
				return fail
			}
			changes = append(changes, ch)
		}
		for _, a := range req.GroupServiceAuthorization {
			ch, fail := svcChange(store.SvcGroup, string(a.ServiceName), a.AuthorizedQuantity, a.Unauthorized)
			if fail != nil {
				return fail
			}
			changes = append(changes, ch)
		}
		for _, a := range req.UserServiceAuthorization {
			ch, fail := svcChange(store.SvcUser, string(a.ServiceName), a.AuthorizedQuantity, a.Unauthorized)
			if fail != nil {
				return fail
			}
			changes = append(changes, ch)
		}
		return dnDone(c, c.p.core.ModifyGroupServiceAuth(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), changes))
	})
	on(r, "GroupServiceGetAuthorizationListRequest", func(c *call, req *group.GroupServiceGetAuthorizationListRequest) ocixml.Command {
		lines, err := c.p.core.GroupAuthorizations(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID))
		if err != nil {
			return c.fail(err)
		}
		const resp = "GroupServiceGetAuthorizationListResponse"
		pt := newTable(resp, "servicePacksAuthorizationTable")
		gt, ut := newTable(resp, "groupServicesAuthorizationTable"), newTable(resp, "userServicesAuthorizationTable")
		for _, l := range lines {
			switch l.Kind {
			case store.SvcPack:
				pt.set("Service Pack Name", l.Name).
					set("Authorized", tableBool(l.Authorized)).
					set("Assigned", tableBool(l.Used > 0)).
					set("Limited", svcLimited(l)).
					set("Allocated", svcNumber(l.Quantity)).
					set("Allowed", svcNumber(l.Allowed)).
					set("Usage", strconv.Itoa(l.Used)).
					set("Description", l.Description)
				pt.end()
			case store.SvcGroup:
				svcGroupRow(gt, l)
				gt.set("Instance Count", "0") // no group service has instances in Switchboard
				gt.end()
			case store.SvcUser:
				svcGroupRow(ut, l)
				ut.set("User Assignable", "true").set("Group Service Assignable", "true")
				ut.end()
			}
		}
		return &group.GroupServiceGetAuthorizationListResponse{ServicePacksAuthorizationTable: pt.table(),
			GroupServicesAuthorizationTable: gt.table(), UserServicesAuthorizationTable: ut.table()}
	})
	on(r, "GroupServiceGetAuthorizedListRequest", func(c *call, req *group.GroupServiceGetAuthorizedListRequest) ocixml.Command {
		lines, err := c.p.core.GroupAuthorizations(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID))
		if err != nil {
			return c.fail(err)
		}
		resp := &group.GroupServiceGetAuthorizedListResponse{}
		for _, l := range lines {
			if !l.Authorized {
				continue
			}
			switch l.Kind {
			case store.SvcPack:
				resp.ServicePackName = append(resp.ServicePackName, datatypes.ServicePackName(l.Name))
			case store.SvcGroup:
				resp.GroupServiceName = append(resp.GroupServiceName, datatypes.GroupService(l.Name))
			case store.SvcUser:
				resp.UserServiceName = append(resp.UserServiceName, datatypes.UserService(l.Name))
			}
		}
		return resp
	})
	on(r, "GroupServiceAssignListRequest", func(c *call, req *group.GroupServiceAssignListRequest) ocixml.Command {
		return dnDone(c, c.p.core.AssignGroupServices(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), strs(req.ServiceName), true))
	})
	on(r, "GroupServiceUnassignListRequest", func(c *call, req *group.GroupServiceUnassignListRequest) ocixml.Command {
		return dnDone(c, c.p.core.AssignGroupServices(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), strs(req.ServiceName), false))
	})
}

// svcChange reads one authorization entry: a quantity, or unauthorized.
func svcChange(kind store.ServiceKind, name string, q *datatypes.UnboundedPositiveInt, unauthorized bool) (provisioning.AuthChange, ocixml.Command) {
	if unauthorized {
		return provisioning.AuthChange{Kind: kind, Name: name, Unauthorize: true}, nil
	}
	n, fail := svcQuantity("authorizedQuantity", q)
	if fail != nil {
		return provisioning.AuthChange{}, fail
	}
	return provisioning.AuthChange{Kind: kind, Name: name, Quantity: n}, nil
}

// svcQuantity reads an UnboundedPositiveInt: store.Unlimited or the
// quantity.
func svcQuantity(field string, q *datatypes.UnboundedPositiveInt) (int, ocixml.Command) {
	switch {
	case q == nil:
		return 0, ocip.CodeInvalidValue.Response(field, "give unlimited or a quantity")
	case q.Unlimited:
		return store.Unlimited, nil
	case q.Quantity != nil:
		return int(*q.Quantity), nil
	}
	return 0, ocip.CodeInvalidValue.Response(field, "give unlimited or a quantity")
}

func svcPositive(n int) datatypes.UnboundedPositiveInt {
	if n == store.Unlimited {
		return datatypes.UnboundedPositiveInt{Unlimited: true}
	}
	return datatypes.UnboundedPositiveInt{Quantity: ocixml.Ptr(datatypes.UnboundedPositiveIntQuantity(n))}
}

// svcNumber is a numeric quantity cell: -1 for unlimited.
func svcNumber(n int) string { return strconv.Itoa(n) }

// svcWord is a quantity cell that spells unlimited out.
func svcWord(n int) string {
	if n == store.Unlimited {
		return "Unlimited"
	}
	return strconv.Itoa(n)
}

func svcAdd(a, b int) int {
	if a == store.Unlimited || b == store.Unlimited {
		return store.Unlimited
	}
	return a + b
}

// svcLimited is the "Limited" column; what is not authorized shows as
// unlimited, as BroadWorks does.
func svcLimited(l provisioning.AuthLine) string {
	if l.Authorized && l.Quantity != store.Unlimited {
		return "Limited"
	}
	return "Unlimited"
}

// svcShownQuantity is the "Quantity" cell: -1 when unlimited or not
// authorized.
func svcShownQuantity(l provisioning.AuthLine) string {
	if !l.Authorized {
		return svcNumber(store.Unlimited)
	}
	return svcNumber(l.Quantity)
}

// svcSPRow fills the columns both SP tables share.
func svcSPRow(t *tableBuilder, l provisioning.AuthLine) {
	t.set("Service Name", l.Name).
		set("Authorized", tableBool(l.Authorized)).
		set("Assigned", tableBool(l.Used != 0 || l.InPacks != 0)).
		set("Limited", svcLimited(l)).
		set("Quantity", svcShownQuantity(l)).
		set("Allocated", svcNumber(l.Used)).
		set("Licensed", "true").
		set("Service Pack Allocation", svcWord(l.InPacks))
}

// svcGroupRow fills the columns both group service tables share.
func svcGroupRow(t *tableBuilder, l provisioning.AuthLine) {
	t.set("Service Name", l.Name).
		set("Authorized", tableBool(l.Authorized)).
		set("Assigned", tableBool(l.Used > 0)).
		set("Limited", svcLimited(l)).
		set("Quantity", svcShownQuantity(l)).
		set("Usage", strconv.Itoa(l.Used)).
		set("Licensed", "true").
		set("Allowed", svcNumber(l.Allowed))
}

// svcCatalogueLines is one line per catalogue service of a kind, the SP's
// authorization where it has one, in catalogue order; authorizations of
// names outside the catalogue (none can be made through OCI-P) follow.
func svcCatalogueLines(auth []provisioning.AuthLine, kind store.ServiceKind) []provisioning.AuthLine {
	byName := map[string]provisioning.AuthLine{}
	for _, l := range auth {
		if l.Kind == kind {
			byName[l.Name] = l
		}
	}
	var names []string
	if kind == store.SvcGroup {
		names = strs(svcGroupCatalogue)
	} else {
		names = strs(svcUserCatalogue)
	}
	out := make([]provisioning.AuthLine, 0, len(names))
	for _, n := range names {
		l, ok := byName[n]
		if !ok {
			l = provisioning.AuthLine{Kind: kind, Name: n}
		}
		delete(byName, n)
		out = append(out, l)
	}
	for _, l := range auth {
		if _, ok := byName[l.Name]; ok && l.Kind == kind {
			out = append(out, l)
		}
	}
	return out
}

// The catalogue: every group and user service of the schema, in its order
// (generated from the schema's enumerations).
var (
	svcGroupCatalogue = datatypes.GroupServiceValues()
	svcUserCatalogue  = datatypes.UserServiceValues()
)

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

// The reseller family: add, get (each version), modify, delete and list.
// Switchboard keeps no reseller external id; a request that names one is
// refused as unsupported rather than ignored.

func resellerRoutes(r routes) {
	on(r, "ResellerAddRequest", func(c *call, req *provider.ResellerAddRequest) ocixml.Command {
		if req.ResellerExternalID != nil {
			return rslNoExternalID(req.XSIType())
		}
		err := c.p.core.AddReseller(c.ctx, c.actor, store.Reseller{ID: string(req.ResellerID), Name: sv(req.ResellerName)})
		if err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "ResellerGetRequest", func(c *call, req *deprecated.ResellerGetRequest) ocixml.Command {
		rs, err := c.p.core.Reseller(c.ctx, c.actor, string(req.ResellerID))
		if err != nil {
			return c.fail(err)
		}
		return &deprecated.ResellerGetResponse{ResellerName: optS[datatypes.ResellerName](rs.Name)}
	})
	on(r, "ResellerGetRequest22", func(c *call, req *deprecated.ResellerGetRequest22) ocixml.Command {
		rs, err := c.p.core.Reseller(c.ctx, c.actor, string(req.ResellerID))
		if err != nil {
			return c.fail(err)
		}
		return &deprecated.ResellerGetResponse22{ResellerName: optS[datatypes.ResellerName22](rs.Name)}
	})
	on(r, "ResellerGetRequest22V2", func(c *call, req *provider.ResellerGetRequest22V2) ocixml.Command {
		if req.ResellerID == nil {
			return rslNoExternalID(req.XSIType())
		}
		rs, err := c.p.core.Reseller(c.ctx, c.actor, string(*req.ResellerID))
		if err != nil {
			return c.fail(err)
		}
		return &provider.ResellerGetResponse22V2{ResellerID: datatypes.ResellerId22(rs.ID), ResellerName: optS[datatypes.ResellerName22](rs.Name)}
	})
	on(r, "ResellerModifyRequest", func(c *call, req *provider.ResellerModifyRequest) ocixml.Command {
		if req.ResellerID == nil {
			return rslNoExternalID(req.XSIType())
		}
		name := nillableString(req.ResellerName)
		err := c.p.core.ModifyReseller(c.ctx, c.actor, string(*req.ResellerID), func(rs *store.Reseller) error {
			if name.IsSet() {
				rs.Name = name.Value()
			}
			return nil
		})
		if err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "ResellerDeleteRequest", func(c *call, req *provider.ResellerDeleteRequest) ocixml.Command {
		if req.ResellerID == nil {
			return rslNoExternalID(req.XSIType())
		}
		if err := c.p.core.DeleteReseller(c.ctx, c.actor, string(*req.ResellerID)); err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "ResellerGetListRequest", func(c *call, req *provider.ResellerGetListRequest) ocixml.Command {
		f := provisioning.ResellerListFilter{}
		if req.ResponseSizeLimit != nil {
			f.Limit = int(*req.ResponseSizeLimit)
		}
		for _, sc := range req.SearchCriteriaResellerID {
			f.ID = append(f.ID, criterion(sc.Mode, string(sc.Value), sc.IsCaseInsensitive))
		}
		for _, sc := range req.SearchCriteriaResellerName {
			f.Name = append(f.Name, criterion(sc.Mode, string(sc.Value), sc.IsCaseInsensitive))
		}
		list, err := c.p.core.ListResellers(c.ctx, c.actor, f)
		if err != nil {
			return c.fail(err)
		}
		t := newTable("ResellerGetListResponse", "resellerTable")
		for _, rs := range list {
			t.set("Reseller Id", rs.ID).set("Reseller Name", rs.Name).set("Reseller External Id", "")
			t.end()
		}
		return &provider.ResellerGetListResponse{ResellerTable: t.table()}
	})
}

func rslNoExternalID(cmd string) ocixml.Command {
	return ocip.CodeNotSupported.Response(cmd + " with resellerExternalId (Switchboard keeps no reseller external ids)")
}

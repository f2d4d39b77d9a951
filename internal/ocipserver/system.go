package ocipserver

import (
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedsystem"
	"github.com/switchboard/switchboard/ocip/schema/system"
)

// The system family: software version and system domains.
func systemRoutes(r routes) {
	on(r, "SystemSoftwareVersionGetRequest", func(c *call, req *system.SystemSoftwareVersionGetRequest) ocixml.Command {
		v, err := c.p.core.SoftwareVersion(c.actor)
		if err != nil {
			return c.fail(err)
		}
		return &system.SystemSoftwareVersionGetResponse{Version: v}
	})

	on(r, "SystemDomainAddRequest", func(c *call, req *system.SystemDomainAddRequest) ocixml.Command {
		return orgDone(c, c.p.core.AddSystemDomain(c.ctx, c.actor, string(req.Domain), sv(req.ResellerID)))
	})
	on(r, "SystemDomainDeleteRequest", func(c *call, req *system.SystemDomainDeleteRequest) ocixml.Command {
		return orgDone(c, c.p.core.DeleteSystemDomain(c.ctx, c.actor, string(req.Domain)))
	})
	// The original list: system-level domains only.
	on(r, "SystemDomainGetListRequest", func(c *call, req *deprecatedsystem.SystemDomainGetListRequest) ocixml.Command {
		def, doms, fail := orgSystemDomains(c, true, "")
		if fail != nil {
			return fail
		}
		resp := &deprecatedsystem.SystemDomainGetListResponse{SystemDefaultDomain: optS[datatypes.NetAddress](def)}
		for _, d := range doms {
			resp.Domain = append(resp.Domain, datatypes.NetAddress(d.Name))
		}
		return resp
	})
	on(r, "SystemDomainGetListRequest22", func(c *call, req *deprecatedsystem.SystemDomainGetListRequest22) ocixml.Command {
		def, doms, fail := orgSystemDomains(c, req.ExcludeReseller, sv(req.ResellerID))
		if fail != nil {
			return fail
		}
		return &deprecatedsystem.SystemDomainGetListResponse22{SystemDefaultDomain: optS[datatypes.NetAddress](def),
			DomainTable: orgDomainTable("SystemDomainGetListResponse22", doms)}
	})
	on(r, "SystemDomainGetListRequest22V2", func(c *call, req *system.SystemDomainGetListRequest22V2) ocixml.Command {
		def, doms, fail := orgSystemDomains(c, req.ExcludeReseller, sv(req.ResellerID))
		if fail != nil {
			return fail
		}
		names := orgCriteria(req.SearchCriteriaDomainName, func(s datatypes.SearchCriteriaDomainName) (datatypes.SearchMode, string, bool) {
			return s.Mode, string(s.Value), s.IsCaseInsensitive
		})
		resellers := orgCriteria(req.SearchCriteriaResellerID, func(s datatypes.SearchCriteriaResellerId) (datatypes.SearchMode, string, bool) {
			return s.Mode, string(s.Value), s.IsCaseInsensitive
		})
		doms = orgFilterDomains(doms, names, resellers, req.SearchCriteriaExactDomainLevel, orgLimit(req.ResponseSizeLimit))
		return &system.SystemDomainGetListResponse22V2{SystemDefaultDomain: optS[datatypes.NetAddress](def),
			DomainTable: orgDomainTable("SystemDomainGetListResponse22V2", doms)}
	})
}

// orgSystemDomains applies the list versions' scope: excludeReseller keeps
// system domains only; a reseller id adds that reseller's domains to the
// system ones; neither gives every domain the login may see. A reseller
// admin's own reseller is implied, and naming another one is refused.
func orgSystemDomains(c *call, excludeReseller bool, resellerID string) (string, []store.Domain, ocixml.Command) {
	a := c.actor
	if a.Level == provisioning.LevelReseller {
		if resellerID != "" && resellerID != a.ResellerID {
			return "", nil, c.fail(provisioning.ErrUnauthorized)
		}
		resellerID = a.ResellerID
	}
	def, all, err := c.p.core.SystemDomains(c.ctx, a)
	if err != nil {
		return "", nil, c.fail(err)
	}
	out := all[:0]
	for _, d := range all {
		switch {
		case d.ResellerID == "":
		case excludeReseller:
			continue
		case resellerID != "" && d.ResellerID != resellerID:
			continue
		}
		out = append(out, d)
	}
	return def, out, nil
}

func orgDomainTable(respType string, doms []store.Domain) ocixml.Table {
	t := newTable(respType, "domainTable")
	for _, d := range doms {
		t.set("Domain Name", d.Name).set("Reseller Id", d.ResellerID).end()
	}
	return t.table()
}

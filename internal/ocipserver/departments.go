package ocipserver

import (
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
)

// The department family: group departments (add, get, modify, delete,
// lists, available parents) and enterprise departments (add, modify,
// delete, list, available parents). A parent is a DepartmentKey whose
// concrete type says its level; it must name this group or its
// enterprise.

func departmentRoutes(r routes) {
	on(r, "GroupDepartmentAddRequest", func(c *call, req *group.GroupDepartmentAddRequest) ocixml.Command {
		sp, g := string(req.ServiceProviderID), string(req.GroupID)
		d := store.Department{SPID: sp, GroupID: g, Name: string(req.DepartmentName),
			CallingLineIDName: sv(req.CallingLineIDName), CallingLineIDPhone: sv(req.CallingLineIDPhoneNumber)}
		if req.ParentDepartmentKey != nil {
			p, fail := deptParent(req.ParentDepartmentKey, sp, g)
			if fail != nil {
				return fail
			}
			d.Parent, d.ParentIsEnterprise = p.Name, p.Ent
		}
		if err := c.p.core.AddDepartment(c.ctx, c.actor, d); err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "GroupDepartmentGetRequest", func(c *call, req *group.GroupDepartmentGetRequest) ocixml.Command {
		di, err := c.p.core.Department(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), string(req.DepartmentName))
		if err != nil {
			return c.fail(err)
		}
		d := di.Dept
		resp := &group.GroupDepartmentGetResponse{CallingLineIDName: optS[group.DepartmentCallingLineIdName](d.CallingLineIDName)}
		if d.Parent != "" {
			resp.ParentDepartmentKey = deptKey(d.SPID, d.GroupID, d.Parent, d.ParentIsEnterprise)
		}
		if d.CallingLineIDPhone != "" {
			resp.CallingLineIDPhoneNumber = optS[datatypes.DN](admNational(d.CallingLineIDPhone))
		}
		return resp
	})
	on(r, "GroupDepartmentModifyRequest", func(c *call, req *group.GroupDepartmentModifyRequest) ocixml.Command {
		sp, g := string(req.ServiceProviderID), string(req.GroupID)
		ch := provisioning.DepartmentChange{NewName: sv(req.NewDepartmentName)}
		if fail := deptParentChange(&ch, req.NewParentDepartmentKey, sp, g); fail != nil {
			return fail
		}
		if n := nillableString(req.CallingLineIDName); n.IsSet() {
			v := n.Value()
			ch.CLIDName = &v
		}
		if n := nillableString(req.CallingLineIDPhoneNumber); n.IsSet() {
			v := n.Value()
			ch.CLIDPhone = &v
		}
		if err := c.p.core.ModifyDepartment(c.ctx, c.actor, sp, g, string(req.DepartmentName), ch); err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "GroupDepartmentDeleteRequest", func(c *call, req *group.GroupDepartmentDeleteRequest) ocixml.Command {
		err := c.p.core.DeleteDepartment(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), string(req.DepartmentName))
		if err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "GroupDepartmentGetListRequest", func(c *call, req *deprecatedgroup.GroupDepartmentGetListRequest) ocixml.Command {
		list, err := c.p.core.ListDepartments(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), req.IncludeEnterpriseDepartments)
		if err != nil {
			return c.fail(err)
		}
		resp := &deprecatedgroup.GroupDepartmentGetListResponse{}
		resp.DepartmentKey, resp.FullPathName = deptKeysAndPaths(list)
		return resp
	})
	on(r, "GroupDepartmentGetListRequest18", func(c *call, req *group.GroupDepartmentGetListRequest18) ocixml.Command {
		list, err := c.p.core.ListDepartments(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), req.IncludeEnterpriseDepartments)
		if err != nil {
			return c.fail(err)
		}
		t := newTable("GroupDepartmentGetListResponse18", "departmentTable")
		for _, di := range list {
			d := di.Dept
			t.set("Is Enterprise Department", tableBool(d.GroupID == "")).set("Department Name", d.Name).set("Full Path Name", di.FullPath).
				set("Calling Line Id Name", d.CallingLineIDName).set("Calling Line Id Phone Number", d.CallingLineIDPhone)
			t.end()
		}
		return &group.GroupDepartmentGetListResponse18{DepartmentTable: t.table()}
	})
	on(r, "GroupDepartmentGetAvailableParentListRequest", func(c *call, req *group.GroupDepartmentGetAvailableParentListRequest) ocixml.Command {
		list, err := c.p.core.AvailableParents(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), string(req.DepartmentName))
		if err != nil {
			return c.fail(err)
		}
		resp := &group.GroupDepartmentGetAvailableParentListResponse{}
		resp.DepartmentKey, resp.FullPathName = deptKeysAndPaths(list)
		return resp
	})

	on(r, "EnterpriseDepartmentAddRequest", func(c *call, req *provider.EnterpriseDepartmentAddRequest) ocixml.Command {
		sp := string(req.EnterpriseID)
		d := store.Department{SPID: sp, Name: string(req.DepartmentName)}
		if req.ParentDepartmentKey != nil {
			p, fail := deptParent(req.ParentDepartmentKey, sp, "")
			if fail != nil {
				return fail
			}
			d.Parent, d.ParentIsEnterprise = p.Name, true
		}
		if err := c.p.core.AddDepartment(c.ctx, c.actor, d); err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "EnterpriseDepartmentModifyRequest", func(c *call, req *provider.EnterpriseDepartmentModifyRequest) ocixml.Command {
		sp := string(req.EnterpriseID)
		ch := provisioning.DepartmentChange{NewName: sv(req.NewDepartmentName)}
		switch {
		case req.NewParentDepartmentKey.IsNil():
			ch.Parent = &provisioning.DepartmentRef{}
		case req.NewParentDepartmentKey.IsSet():
			k := req.NewParentDepartmentKey.Value()
			p, fail := deptParent(&k, sp, "")
			if fail != nil {
				return fail
			}
			ch.Parent = &p
		}
		if err := c.p.core.ModifyDepartment(c.ctx, c.actor, sp, "", string(req.DepartmentName), ch); err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "EnterpriseDepartmentDeleteRequest", func(c *call, req *provider.EnterpriseDepartmentDeleteRequest) ocixml.Command {
		if err := c.p.core.DeleteDepartment(c.ctx, c.actor, string(req.EnterpriseID), "", string(req.DepartmentName)); err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "EnterpriseDepartmentGetListRequest", func(c *call, req *provider.EnterpriseDepartmentGetListRequest) ocixml.Command {
		list, err := c.p.core.ListDepartments(c.ctx, c.actor, string(req.EnterpriseID), "", req.IncludeGroupDepartments)
		if err != nil {
			return c.fail(err)
		}
		resp := &provider.EnterpriseDepartmentGetListResponse{}
		resp.DepartmentKey, resp.FullPathName = deptKeysAndPaths(list)
		return resp
	})
	on(r, "EnterpriseDepartmentGetAvailableParentListRequest", func(c *call, req *provider.EnterpriseDepartmentGetAvailableParentListRequest) ocixml.Command {
		list, err := c.p.core.AvailableParents(c.ctx, c.actor, string(req.EnterpriseID), "", string(req.DepartmentName))
		if err != nil {
			return c.fail(err)
		}
		resp := &provider.EnterpriseDepartmentGetAvailableParentListResponse{}
		resp.DepartmentKey, resp.FullPathName = deptKeysAndPaths(list)
		return resp
	})
}

// deptParent reads a parent department key for a department of group g
// of sp (g "" for an enterprise department): the key must name that
// group or the enterprise itself.
func deptParent(k datatypes.DepartmentKey, sp, g string) (provisioning.DepartmentRef, ocixml.Command) {
	switch k := k.(type) {
	case *datatypes.GroupDepartmentKey:
		if g == "" {
			return provisioning.DepartmentRef{}, ocip.CodeInvalidValue.Response("parentDepartmentKey", "an enterprise department's parent is an enterprise department")
		}
		if string(k.ServiceProviderID) != sp || string(k.GroupID) != g {
			return provisioning.DepartmentRef{}, ocip.CodeInvalidValue.Response("parentDepartmentKey", "the parent department is in another group")
		}
		return provisioning.DepartmentRef{Name: string(k.Name)}, nil
	case *datatypes.EnterpriseDepartmentKey:
		if string(k.ServiceProviderID) != sp {
			return provisioning.DepartmentRef{}, ocip.CodeInvalidValue.Response("parentDepartmentKey", "the parent department is in another enterprise")
		}
		return provisioning.DepartmentRef{Name: string(k.Name), Ent: true}, nil
	}
	return provisioning.DepartmentRef{}, ocip.CodeInvalidValue.Response("parentDepartmentKey", "unknown department key type")
}

// deptParentChange reads a modify's nillable parent: nil removes it.
func deptParentChange(ch *provisioning.DepartmentChange, n ocixml.Nillable[datatypes.DepartmentKey], sp, g string) ocixml.Command {
	switch {
	case n.IsNil():
		ch.Parent = &provisioning.DepartmentRef{}
	case n.IsSet():
		p, fail := deptParent(n.Value(), sp, g)
		if fail != nil {
			return fail
		}
		ch.Parent = &p
	}
	return nil
}

func deptKey(sp, g, name string, ent bool) datatypes.DepartmentKey {
	if ent || g == "" {
		return &datatypes.EnterpriseDepartmentKey{ServiceProviderID: datatypes.ServiceProviderId(sp), Name: datatypes.DepartmentName(name)}
	}
	return &datatypes.GroupDepartmentKey{ServiceProviderID: datatypes.ServiceProviderId(sp), GroupID: datatypes.GroupId(g), Name: datatypes.DepartmentName(name)}
}

// deptKeysAndPaths renders the parallel key and full path lists of the
// list responses that predate tables.
func deptKeysAndPaths(list []provisioning.DepartmentInfo) ([]datatypes.DepartmentKey, []datatypes.DepartmentFullPathName) {
	keys := make([]datatypes.DepartmentKey, len(list))
	paths := make([]datatypes.DepartmentFullPathName, len(list))
	for i, di := range list {
		keys[i] = deptKey(di.Dept.SPID, di.Dept.GroupID, di.Dept.Name, false)
		paths[i] = datatypes.DepartmentFullPathName(di.FullPath)
	}
	return keys, paths
}

// admNational is the national part of a canonical "+CC-national" number,
// the form non-table phone number elements carry.
func admNational(n string) string {
	for i := 1; i < len(n); i++ {
		if n[i] == '-' && n[0] == '+' {
			return n[i+1:]
		}
	}
	return n
}

package ocipserver

import (
	"context"
	"testing"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
)

func deptGroupKey(g, name string) *datatypes.GroupDepartmentKey {
	return &datatypes.GroupDepartmentKey{ServiceProviderID: "ent1", GroupID: datatypes.GroupId(g), Name: datatypes.DepartmentName(name)}
}

func deptEntKey(sp, name string) *datatypes.EnterpriseDepartmentKey {
	return &datatypes.EnterpriseDepartmentKey{ServiceProviderID: datatypes.ServiceProviderId(sp), Name: datatypes.DepartmentName(name)}
}

func deptAdd(g, name string, parent datatypes.DepartmentKey) *group.GroupDepartmentAddRequest {
	return &group.GroupDepartmentAddRequest{ServiceProviderID: "ent1", GroupID: datatypes.GroupId(g), DepartmentName: datatypes.DepartmentName(name),
		ParentDepartmentKey: parent}
}

func deptGet(g, name string) *group.GroupDepartmentGetRequest {
	return &group.GroupDepartmentGetRequest{ServiceProviderID: "ent1", GroupID: datatypes.GroupId(g), DepartmentName: datatypes.DepartmentName(name)}
}

func deptList(g string, ent bool) *group.GroupDepartmentGetListRequest18 {
	return &group.GroupDepartmentGetListRequest18{ServiceProviderID: "ent1", GroupID: datatypes.GroupId(g), IncludeEnterpriseDepartments: ent}
}

// deptKeys spells list keys as "G:group/name" or "E:name".
func deptKeys(keys []datatypes.DepartmentKey) []string {
	var out []string
	for _, k := range keys {
		switch k := k.(type) {
		case *datatypes.GroupDepartmentKey:
			out = append(out, "G:"+string(k.GroupID)+"/"+string(k.Name))
		case *datatypes.EnterpriseDepartmentKey:
			out = append(out, "E:"+string(k.Name))
		}
	}
	return out
}

func deptPaths(paths []datatypes.DepartmentFullPathName) []string {
	var out []string
	for _, p := range paths {
		out = append(out, string(p))
	}
	return out
}

func TestDepartmentGroupRoundTrip(t *testing.T) {
	w := newAdmWorld(t)
	admRun(t, w, []admStep{
		{name: "add under a group department", as: "g1admin@example.com", cmd: &group.GroupDepartmentAddRequest{ServiceProviderID: "ent1", GroupID: "g1",
			DepartmentName: "East", ParentDepartmentKey: deptGroupKey("g1", "Sales"), CallingLineIDName: ptr(group.DepartmentCallingLineIdName("Sales East")),
			CallingLineIDPhoneNumber: ptr(datatypes.DN("2025550123"))}},
		{name: "add under the enterprise", as: "g1admin@example.com", cmd: deptAdd("g1", "Support", deptEntKey("ent1", "HQ"))},
		{name: "add at the top", as: "g1admin@example.com", cmd: deptAdd("g1", "Lab", nil)},
		{name: "get", as: "g1admin@example.com", cmd: deptGet("g1", "East"), check: admIs(func(t *testing.T, r *group.GroupDepartmentGetResponse) {
			admStrs(t, "parent", deptKeys([]datatypes.DepartmentKey{r.ParentDepartmentKey}), []string{"G:g1/Sales"})
			admEq(t, "clid name", sv(r.CallingLineIDName), "Sales East")
			admEq(t, "clid number (national)", sv(r.CallingLineIDPhoneNumber), "2025550123")
		})},
		{name: "get: enterprise parent", as: "g1admin@example.com", cmd: deptGet("g1", "Support"), check: admIs(func(t *testing.T, r *group.GroupDepartmentGetResponse) {
			admStrs(t, "parent", deptKeys([]datatypes.DepartmentKey{r.ParentDepartmentKey}), []string{"E:HQ"})
			admEq(t, "no clid", r.CallingLineIDName == nil && r.CallingLineIDPhoneNumber == nil, true)
		})},
		{name: "get: no parent", as: "g1admin@example.com", cmd: deptGet("g1", "Lab"), check: admIs(func(t *testing.T, r *group.GroupDepartmentGetResponse) {
			admEq(t, "no parent", r.ParentDepartmentKey == nil, true)
		})},
		{name: "list18 with enterprise departments", as: "g1admin@example.com", cmd: deptList("g1", true), check: admIs(func(t *testing.T, r *group.GroupDepartmentGetListResponse18) {
			rows := admRows(t, r.DepartmentTable, "Is Enterprise Department", "Department Name", "Full Path Name", "Calling Line Id Name", "Calling Line Id Phone Number")
			admStrs(t, "names", admCol(r.DepartmentTable, "Department Name"), []string{"HQ", "East", "Lab", "Sales", "Support"})
			admStrs(t, "enterprise", admCol(r.DepartmentTable, "Is Enterprise Department"), []string{"true", "false", "false", "false", "false"})
			admStrs(t, "paths", admCol(r.DepartmentTable, "Full Path Name"), []string{"HQ", `HQ \ Sales \ East`, "Lab", `HQ \ Sales`, `HQ \ Support`})
			admEq(t, "East clid", rows[1]["Calling Line Id Name"]+" "+rows[1]["Calling Line Id Phone Number"], "Sales East +1-2025550123")
		})},
		{name: "list18 of the group only", as: "g1admin@example.com", cmd: deptList("g1", false), check: admIs(func(t *testing.T, r *group.GroupDepartmentGetListResponse18) {
			admStrs(t, "names", admCol(r.DepartmentTable, "Department Name"), []string{"East", "Lab", "Sales", "Support"})
		})},
		{name: "empty list keeps headings", as: "g2admin@example.com", cmd: deptList("g2", false), check: admIs(func(t *testing.T, r *group.GroupDepartmentGetListResponse18) {
			admRows(t, r.DepartmentTable, "Is Enterprise Department", "Department Name", "Full Path Name", "Calling Line Id Name", "Calling Line Id Phone Number")
			admEq(t, "rows", r.DepartmentTable.Len(), 0)
		})},
		{name: "legacy list", as: "g1admin@example.com", cmd: &deprecatedgroup.GroupDepartmentGetListRequest{ServiceProviderID: "ent1", GroupID: "g1", IncludeEnterpriseDepartments: true},
			check: admIs(func(t *testing.T, r *deprecatedgroup.GroupDepartmentGetListResponse) {
				admStrs(t, "keys", deptKeys(r.DepartmentKey), []string{"E:HQ", "G:g1/East", "G:g1/Lab", "G:g1/Sales", "G:g1/Support"})
				admStrs(t, "paths", deptPaths(r.FullPathName), []string{"HQ", `HQ \ Sales \ East`, "Lab", `HQ \ Sales`, `HQ \ Support`})
			})},
		{name: "available parents of Sales exclude itself and East below it", as: "g1admin@example.com",
			cmd: &group.GroupDepartmentGetAvailableParentListRequest{ServiceProviderID: "ent1", GroupID: "g1", DepartmentName: "Sales"},
			check: admIs(func(t *testing.T, r *group.GroupDepartmentGetAvailableParentListResponse) {
				admStrs(t, "keys", deptKeys(r.DepartmentKey), []string{"E:HQ", "G:g1/Lab", "G:g1/Support"})
			})},
		{name: "modify: clear the number, new parent", as: "g1admin@example.com", cmd: &group.GroupDepartmentModifyRequest{ServiceProviderID: "ent1", GroupID: "g1",
			DepartmentName: "East", NewParentDepartmentKey: ocixml.Some[datatypes.DepartmentKey](deptGroupKey("g1", "Lab")),
			CallingLineIDPhoneNumber: ocixml.Null[datatypes.DN]()}},
		{name: "modified", as: "g1admin@example.com", cmd: deptGet("g1", "East"), check: admIs(func(t *testing.T, r *group.GroupDepartmentGetResponse) {
			admStrs(t, "parent", deptKeys([]datatypes.DepartmentKey{r.ParentDepartmentKey}), []string{"G:g1/Lab"})
			admEq(t, "clid name kept", sv(r.CallingLineIDName), "Sales East")
			admEq(t, "number cleared", r.CallingLineIDPhoneNumber == nil, true)
		})},
		{name: "modify: remove the parent", as: "g1admin@example.com", cmd: &group.GroupDepartmentModifyRequest{ServiceProviderID: "ent1", GroupID: "g1",
			DepartmentName: "East", NewParentDepartmentKey: ocixml.Null[datatypes.DepartmentKey]()}},
		{name: "no parent", as: "g1admin@example.com", cmd: deptGet("g1", "East"), check: admIs(func(t *testing.T, r *group.GroupDepartmentGetResponse) {
			admEq(t, "no parent", r.ParentDepartmentKey == nil, true)
		})},
		{name: "delete", as: "g1admin@example.com", cmd: &group.GroupDepartmentDeleteRequest{ServiceProviderID: "ent1", GroupID: "g1", DepartmentName: "East"}},
		{name: "deleted", as: "g1admin@example.com", cmd: deptGet("g1", "East"), code: ocip.CodeNotFound},
	})
}

func TestDepartmentRules(t *testing.T) {
	w := newAdmWorld(t)
	modParent := func(name string, parent datatypes.DepartmentKey) *group.GroupDepartmentModifyRequest {
		return &group.GroupDepartmentModifyRequest{ServiceProviderID: "ent1", GroupID: "g1", DepartmentName: datatypes.DepartmentName(name),
			NewParentDepartmentKey: ocixml.Some(parent)}
	}
	del := func(name string) *group.GroupDepartmentDeleteRequest {
		return &group.GroupDepartmentDeleteRequest{ServiceProviderID: "ent1", GroupID: "g1", DepartmentName: datatypes.DepartmentName(name)}
	}
	admRun(t, w, []admStep{
		{name: "setup: child of Sales", as: "g1admin@example.com", cmd: deptAdd("g1", "East", deptGroupKey("g1", "Sales"))},
		{name: "duplicate", as: "g1admin@example.com", cmd: deptAdd("g1", "Sales", nil), code: ocip.CodeAlreadyExists},
		{name: "same name in another group is fine", as: "g2admin@example.com", cmd: deptAdd("g2", "Sales", nil)},
		{name: "unknown parent", as: "g1admin@example.com", cmd: deptAdd("g1", "X", deptGroupKey("g1", "Nope")), code: ocip.CodeNotFound},
		{name: "parent in another group", as: "g1admin@example.com", cmd: deptAdd("g1", "X", deptGroupKey("g2", "Sales")), code: ocip.CodeInvalidValue},
		{name: "parent in another enterprise", as: "g1admin@example.com", cmd: deptAdd("g1", "X", deptEntKey("sp2", "HQ")), code: ocip.CodeInvalidValue},
		{name: "bad calling line number", as: "g1admin@example.com", cmd: &group.GroupDepartmentAddRequest{ServiceProviderID: "ent1", GroupID: "g1",
			DepartmentName: "X", CallingLineIDPhoneNumber: ptr(datatypes.DN("abc"))}, code: ocip.CodeInvalidValue},
		{name: "cycle: Sales under its child", as: "g1admin@example.com", cmd: modParent("Sales", deptGroupKey("g1", "East")), code: ocip.CodeInvalidValue},
		{name: "cycle: under itself", as: "g1admin@example.com", cmd: modParent("Sales", deptGroupKey("g1", "Sales")), code: ocip.CodeInvalidValue},
		{name: "unchanged by the refusals", as: "g1admin@example.com", cmd: deptGet("g1", "Sales"), check: admIs(func(t *testing.T, r *group.GroupDepartmentGetResponse) {
			admStrs(t, "parent", deptKeys([]datatypes.DepartmentKey{r.ParentDepartmentKey}), []string{"E:HQ"})
		})},
		{name: "delete refused: a user is in it", as: "g1admin@example.com", cmd: del("Sales"), code: ocip.CodeInUse},
		{name: "enterprise parent in a plain SP", as: "sp2admin", cmd: &group.GroupDepartmentAddRequest{ServiceProviderID: "sp2", GroupID: "g1",
			DepartmentName: "X", ParentDepartmentKey: deptEntKey("sp2", "HQ")}, code: ocip.CodeInvalidValue},
		{name: "unknown group", as: "spadmin", cmd: deptAdd("g9", "X", nil), code: ocip.CodeNotFound},
		{name: "unknown department", as: "g1admin@example.com", cmd: deptGet("g1", "Nope"), code: ocip.CodeNotFound},
		{name: "delete unknown", as: "g1admin@example.com", cmd: del("Nope"), code: ocip.CodeNotFound},
	})

	// Sales has user alice, sub-department East and administrator
	// deptadmin: remove each and the delete goes through.
	ctx := context.Background()
	if err := w.h.core.DeleteUser(ctx, w.sysActor, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	e := w.as("g1admin@example.com").fails(del("Sales"), ocip.CodeInUse)
	admEq(t, "detail", sv(e.Detail), "department East is below it")
	w.as("g1admin@example.com").ok(del("East"))
	e = w.as("g1admin@example.com").fails(del("Sales"), ocip.CodeInUse)
	admEq(t, "detail", sv(e.Detail), "administrator deptadmin@example.com manages it")
	w.as("g1admin@example.com").ok(&group.GroupDepartmentAdminDeleteRequest{UserID: "deptadmin@example.com"})
	w.as("g1admin@example.com").ok(del("Sales"))
	w.as("g1admin@example.com").fails(deptGet("g1", "Sales"), ocip.CodeNotFound)
}

// TestDepartmentRename: a rename carries the department's users,
// sub-departments and administrators along, in one step; a rename onto an
// existing name changes nothing.
func TestDepartmentRename(t *testing.T) {
	w := newAdmWorld(t)
	ga := w.as("g1admin@example.com")
	ga.ok(deptAdd("g1", "East", deptGroupKey("g1", "Sales")))
	ga.ok(deptAdd("g1", "Lab", nil))
	rename := func(from, to string) *group.GroupDepartmentModifyRequest {
		return &group.GroupDepartmentModifyRequest{ServiceProviderID: "ent1", GroupID: "g1", DepartmentName: datatypes.DepartmentName(from),
			NewDepartmentName: ptr(datatypes.DepartmentName(to)), CallingLineIDName: ocixml.Some(group.DepartmentCallingLineIdName("Rev"))}
	}
	userDept := func() string {
		t.Helper()
		d, err := w.h.core.User(context.Background(), w.sysActor, "alice@example.com")
		if err != nil {
			t.Fatal(err)
		}
		return d.User.Department
	}

	ga.fails(rename("Sales", "Lab"), ocip.CodeAlreadyExists)
	admEq(t, "user unchanged", userDept(), "Sales")
	get[*group.GroupDepartmentGetResponse](ga, deptGet("g1", "Sales"))

	ga.ok(rename("Sales", "Revenue"))
	ga.fails(deptGet("g1", "Sales"), ocip.CodeNotFound)
	r := get[*group.GroupDepartmentGetResponse](ga, deptGet("g1", "Revenue"))
	admStrs(t, "parent kept", deptKeys([]datatypes.DepartmentKey{r.ParentDepartmentKey}), []string{"E:HQ"})
	admEq(t, "clid name", sv(r.CallingLineIDName), "Rev")
	admEq(t, "user follows", userDept(), "Revenue")
	east := get[*group.GroupDepartmentGetResponse](ga, deptGet("g1", "East"))
	admStrs(t, "child follows", deptKeys([]datatypes.DepartmentKey{east.ParentDepartmentKey}), []string{"G:g1/Revenue"})
	ad := get[*group.GroupDepartmentAdminGetResponse22V2](ga, &group.GroupDepartmentAdminGetRequest22V2{UserID: "deptadmin@example.com"})
	admEq(t, "admin follows", string(ad.DepartmentKey.Name), "Revenue")
	admEq(t, "admin path", string(ad.DepartmentFullPath), `HQ \ Revenue`)
	// The department administrator still manages its (renamed) department.
	get[*group.GroupDepartmentGetResponse](w.h.login("deptadmin@example.com", admPW), deptGet("g1", "Revenue"))
}

func TestDepartmentEnterprise(t *testing.T) {
	w := newAdmWorld(t)
	entList := func(groups bool) *provider.EnterpriseDepartmentGetListRequest {
		return &provider.EnterpriseDepartmentGetListRequest{EnterpriseID: "ent1", IncludeGroupDepartments: groups}
	}
	admRun(t, w, []admStep{
		{name: "add", as: "spadmin", cmd: &provider.EnterpriseDepartmentAddRequest{EnterpriseID: "ent1", DepartmentName: "Ops", ParentDepartmentKey: deptEntKey("ent1", "HQ")}},
		{name: "add at the top", as: "spadmin", cmd: &provider.EnterpriseDepartmentAddRequest{EnterpriseID: "ent1", DepartmentName: "Board"}},
		{name: "group department under Ops", as: "g2admin@example.com", cmd: deptAdd("g2", "Night", deptEntKey("ent1", "Ops"))},
		{name: "list", as: "spadmin", cmd: entList(false), check: admIs(func(t *testing.T, r *provider.EnterpriseDepartmentGetListResponse) {
			admStrs(t, "keys", deptKeys(r.DepartmentKey), []string{"E:Board", "E:HQ", "E:Ops"})
			admStrs(t, "paths", deptPaths(r.FullPathName), []string{"Board", "HQ", `HQ \ Ops`})
		})},
		{name: "list with group departments", as: "spadmin", cmd: entList(true), check: admIs(func(t *testing.T, r *provider.EnterpriseDepartmentGetListResponse) {
			admStrs(t, "keys", deptKeys(r.DepartmentKey), []string{"E:Board", "E:HQ", "E:Ops", "G:g1/Sales", "G:g2/Night"})
			admStrs(t, "paths", deptPaths(r.FullPathName), []string{"Board", "HQ", `HQ \ Ops`, `HQ \ Sales`, `HQ \ Ops \ Night`})
		})},
		{name: "available parents of HQ", as: "spadmin", cmd: &provider.EnterpriseDepartmentGetAvailableParentListRequest{EnterpriseID: "ent1", DepartmentName: "HQ"},
			check: admIs(func(t *testing.T, r *provider.EnterpriseDepartmentGetAvailableParentListResponse) {
				admStrs(t, "keys", deptKeys(r.DepartmentKey), []string{"E:Board"})
			})},
		{name: "cycle", as: "spadmin", cmd: &provider.EnterpriseDepartmentModifyRequest{EnterpriseID: "ent1", DepartmentName: "HQ",
			NewParentDepartmentKey: ocixml.Some(*deptEntKey("ent1", "Ops"))}, code: ocip.CodeInvalidValue},
		{name: "move HQ under Board", as: "spadmin", cmd: &provider.EnterpriseDepartmentModifyRequest{EnterpriseID: "ent1", DepartmentName: "HQ",
			NewParentDepartmentKey: ocixml.Some(*deptEntKey("ent1", "Board"))}},
		{name: "paths follow", as: "g1admin@example.com", cmd: deptList("g1", true), check: admIs(func(t *testing.T, r *group.GroupDepartmentGetListResponse18) {
			admStrs(t, "paths", admCol(r.DepartmentTable, "Full Path Name"), []string{"Board", `Board \ HQ`, `Board \ HQ \ Ops`, `Board \ HQ \ Sales`})
		})},
		{name: "rename carries group children along", as: "spadmin", cmd: &provider.EnterpriseDepartmentModifyRequest{EnterpriseID: "ent1", DepartmentName: "Ops",
			NewDepartmentName: ptr(datatypes.DepartmentName("Operations"))}},
		{name: "group child points at the new name", as: "g2admin@example.com", cmd: deptGet("g2", "Night"), check: admIs(func(t *testing.T, r *group.GroupDepartmentGetResponse) {
			admStrs(t, "parent", deptKeys([]datatypes.DepartmentKey{r.ParentDepartmentKey}), []string{"E:Operations"})
		})},
		{name: "delete refused: a group department below it", as: "spadmin", cmd: &provider.EnterpriseDepartmentDeleteRequest{EnterpriseID: "ent1", DepartmentName: "Operations"}, code: ocip.CodeInUse},
		{name: "group parent for an enterprise department", as: "spadmin", cmd: &provider.EnterpriseDepartmentAddRequest{EnterpriseID: "ent1", DepartmentName: "X",
			ParentDepartmentKey: deptEntKey("ent1", "Nope")}, code: ocip.CodeNotFound},
		{name: "not an enterprise", as: "sp2admin", cmd: &provider.EnterpriseDepartmentAddRequest{EnterpriseID: "sp2", DepartmentName: "X"}, code: ocip.CodeInvalidValue},
		{name: "group admin cannot add enterprise departments", as: "g1admin@example.com", cmd: &provider.EnterpriseDepartmentAddRequest{EnterpriseID: "ent1", DepartmentName: "X"}, code: ocip.CodeUnauthorized},
		{name: "other SP's admin", as: "sp2admin", cmd: entList(false), code: ocip.CodeUnauthorized},
		{name: "other reseller", as: "rsl2", cmd: entList(false), code: ocip.CodeUnauthorized},
		{name: "own reseller", as: "rsl1", cmd: entList(false), check: admIs(func(*testing.T, *provider.EnterpriseDepartmentGetListResponse) {})},
		{name: "delete group child, then the parent", as: "g2admin@example.com", cmd: &group.GroupDepartmentDeleteRequest{ServiceProviderID: "ent1", GroupID: "g2", DepartmentName: "Night"}},
		{name: "delete", as: "spadmin", cmd: &provider.EnterpriseDepartmentDeleteRequest{EnterpriseID: "ent1", DepartmentName: "Operations"}},
		{name: "gone", as: "spadmin", cmd: entList(false), check: admIs(func(t *testing.T, r *provider.EnterpriseDepartmentGetListResponse) {
			admStrs(t, "keys", deptKeys(r.DepartmentKey), []string{"E:Board", "E:HQ"})
		})},
	})
}

func TestDepartmentAuthorization(t *testing.T) {
	w := newAdmWorld(t)
	admRun(t, w, []admStep{
		{name: "department admin reads its department", as: "deptadmin@example.com", cmd: deptGet("g1", "Sales"),
			check: admIs(func(*testing.T, *group.GroupDepartmentGetResponse) {})},
		{name: "department admin cannot add", as: "deptadmin@example.com", cmd: deptAdd("g1", "X", nil), code: ocip.CodeUnauthorized},
		{name: "department admin cannot modify its own", as: "deptadmin@example.com", cmd: &group.GroupDepartmentModifyRequest{ServiceProviderID: "ent1",
			GroupID: "g1", DepartmentName: "Sales", CallingLineIDName: ocixml.Some(group.DepartmentCallingLineIdName("x"))}, code: ocip.CodeUnauthorized},
		{name: "department admin cannot list", as: "deptadmin@example.com", cmd: deptList("g1", false), code: ocip.CodeUnauthorized},
		{name: "other group's admin: get", as: "g2admin@example.com", cmd: deptGet("g1", "Sales"), code: ocip.CodeUnauthorized},
		{name: "other group's admin: add", as: "g2admin@example.com", cmd: deptAdd("g1", "X", nil), code: ocip.CodeUnauthorized},
		{name: "other group's admin: delete", as: "g2admin@example.com", cmd: &group.GroupDepartmentDeleteRequest{ServiceProviderID: "ent1", GroupID: "g1", DepartmentName: "Sales"}, code: ocip.CodeUnauthorized},
		{name: "other SP's admin: list", as: "sp2admin", cmd: deptList("g1", true), code: ocip.CodeUnauthorized},
		{name: "unknown group of another SP looks the same", as: "sp2admin", cmd: deptList("g9", true), code: ocip.CodeUnauthorized},
		{name: "user", as: "alice@example.com", cmd: deptGet("g1", "Sales"), code: ocip.CodeUnauthorized},
		{name: "read-only system admin reads", as: "ro", cmd: deptList("g1", true), check: admIs(func(*testing.T, *group.GroupDepartmentGetListResponse18) {})},
		{name: "read-only system admin cannot add", as: "ro", cmd: deptAdd("g1", "X", nil), code: ocip.CodeUnauthorized},
		{name: "sp admin adds", as: "spadmin", cmd: deptAdd("g1", "X", nil)},
		{name: "reseller adds in its SP", as: "rsl1", cmd: deptAdd("g1", "Y", nil)},
		{name: "other reseller", as: "rsl2", cmd: deptAdd("g1", "Z", nil), code: ocip.CodeUnauthorized},
	})
}

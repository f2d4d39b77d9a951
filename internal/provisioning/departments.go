package provisioning

import (
	"context"

	"github.com/switchboard/switchboard/internal/store"
)

// Departments live in a group, or at enterprise level (GroupID "") in an
// enterprise. A group department's parent is a department of the same
// group or of its enterprise; an enterprise department's parent is an
// enterprise department. Group departments are managed by group
// administrators and above, enterprise ones by provider administrators
// and above; a department administrator may read its own department.

// DepartmentInfo is a department with its full path ("Sales \ East").
type DepartmentInfo struct {
	Dept     store.Department
	FullPath string
}

// maxDepartmentDepth bounds parent chains; departmentPath stops there too.
const maxDepartmentDepth = 20

// deptScope checks the actor may act on the departments of a group
// (groupID set) or of an enterprise (groupID ""); an enterprise level
// needs a service provider that is an enterprise.
func (c *Core) deptScope(tx store.Tx, a *Actor, spID, groupID, dept string, write bool) (store.ServiceProvider, error) {
	sp, err := tx.GetServiceProvider(spID)
	if err != nil {
		return sp, c.hideMissing(a, LevelReseller, storeErr(err, "Service Provider", spID))
	}
	if groupID != "" {
		if !write && dept != "" && a != nil && a.Level == LevelDepartment && !a.DeptEnt && a.SPID == spID && a.GroupID == groupID && a.Department == dept {
			return sp, nil
		}
		return sp, c.groupScope(tx, a, LevelGroup, spID, groupID, write)
	}
	if err := authorize(tx, a, LevelServiceProvider, Target{SPID: spID, ResellerID: sp.ResellerID}, write); err != nil {
		return sp, err
	}
	if !sp.IsEnterprise {
		return sp, errInvalid("enterpriseId", "enterprise departments need an enterprise: "+spID)
	}
	return sp, nil
}

func deptLevel(groupID string) string {
	if groupID == "" {
		return "Enterprise Department"
	}
	return "Department"
}

// checkParent validates d's parent and that setting it makes no cycle;
// self is d's name as stored ("" for a new department).
func checkParent(tx store.Tx, sp store.ServiceProvider, d store.Department, self string) error {
	if d.Parent == "" {
		return nil
	}
	if d.GroupID == "" && !d.ParentIsEnterprise {
		return errInvalid("parentDepartmentKey", "an enterprise department's parent is an enterprise department")
	}
	if d.ParentIsEnterprise && !sp.IsEnterprise {
		return errInvalid("parentDepartmentKey", "the group's service provider is not an enterprise")
	}
	pg := d.GroupID
	if d.ParentIsEnterprise {
		pg = ""
	}
	// A chain only cycles within one level: a group department's chain
	// that reaches the enterprise never comes back to the group.
	name := d.Parent
	for depth := 0; ; depth++ {
		if depth >= maxDepartmentDepth {
			return errInvalid("parentDepartmentKey", "departments nest at most "+itoa(maxDepartmentDepth)+" deep")
		}
		if pg == d.GroupID && name == self {
			return errInvalid("parentDepartmentKey", "a department cannot be below itself")
		}
		p, err := tx.GetDepartment(d.SPID, pg, name)
		if err != nil {
			return storeErr(err, deptLevel(pg), name)
		}
		if p.Parent == "" {
			return nil
		}
		if p.ParentIsEnterprise {
			pg = ""
		}
		name = p.Parent
	}
}

// normaliseDept checks the calling line id number and stores it in
// canonical form.
func (c *Core) normaliseDept(d *store.Department) error {
	if d.CallingLineIDPhone == "" {
		return nil
	}
	n, err := c.ParseNumber(d.CallingLineIDPhone)
	if err != nil {
		return err
	}
	d.CallingLineIDPhone = n.String()
	return nil
}

// AddDepartment creates a department; its name is unique at its level.
func (c *Core) AddDepartment(ctx context.Context, a *Actor, d store.Department) error {
	if d.Name == "" {
		return errInvalid("departmentName", "empty")
	}
	if d.GroupID == "" {
		d.CallingLineIDName, d.CallingLineIDPhone = "", ""
	}
	if err := c.normaliseDept(&d); err != nil {
		return err
	}
	return c.update(ctx, func(tx store.Tx) error {
		sp, err := c.deptScope(tx, a, d.SPID, d.GroupID, "", true)
		if err != nil {
			return err
		}
		if err := checkParent(tx, sp, d, ""); err != nil {
			return err
		}
		return storeErr(tx.InsertDepartment(d), deptLevel(d.GroupID), d.Name)
	})
}

// Department reads one department.
func (c *Core) Department(ctx context.Context, a *Actor, spID, groupID, name string) (di DepartmentInfo, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if _, err := c.deptScope(tx, a, spID, groupID, name, false); err != nil {
			return err
		}
		d, err := tx.GetDepartment(spID, groupID, name)
		if err != nil {
			return storeErr(err, deptLevel(groupID), name)
		}
		di = DepartmentInfo{Dept: d, FullPath: departmentPath(tx, spID, groupID, name, groupID == "")}
		return nil
	})
	return di, err
}

// DepartmentChange is a department modify; nil fields stay unchanged.
// Parent with an empty name removes the parent.
type DepartmentChange struct {
	NewName   string
	Parent    *DepartmentRef
	CLIDName  *string
	CLIDPhone *string
}

// ModifyDepartment changes a department. A rename carries the users,
// sub-departments and administrators that refer to the department along.
func (c *Core) ModifyDepartment(ctx context.Context, a *Actor, spID, groupID, name string, ch DepartmentChange) error {
	return c.update(ctx, func(tx store.Tx) error {
		sp, err := c.deptScope(tx, a, spID, groupID, "", true)
		if err != nil {
			return err
		}
		d, err := tx.GetDepartment(spID, groupID, name)
		if err != nil {
			return storeErr(err, deptLevel(groupID), name)
		}
		if ch.Parent != nil {
			d.Parent, d.ParentIsEnterprise = ch.Parent.Name, ch.Parent.Ent && ch.Parent.Name != ""
		}
		if ch.CLIDName != nil {
			d.CallingLineIDName = *ch.CLIDName
		}
		if ch.CLIDPhone != nil {
			d.CallingLineIDPhone = *ch.CLIDPhone
		}
		if groupID == "" && (d.CallingLineIDName != "" || d.CallingLineIDPhone != "") {
			return errInvalid("callingLineIdName", "enterprise departments have no calling line id")
		}
		if err := c.normaliseDept(&d); err != nil {
			return err
		}
		renamed := ch.NewName != "" && ch.NewName != name
		if renamed {
			d.Name = ch.NewName
		}
		if ch.Parent != nil || renamed {
			if err := checkParent(tx, sp, d, name); err != nil {
				return err
			}
		}
		if !renamed {
			return storeErr(tx.UpdateDepartment(d), deptLevel(groupID), name)
		}
		if err := tx.InsertDepartment(d); err != nil {
			return storeErr(err, deptLevel(groupID), d.Name)
		}
		if err := relinkDepartment(tx, spID, groupID, name, d.Name); err != nil {
			return err
		}
		return tx.DeleteDepartment(spID, groupID, name)
	})
}

// deptDependants is what refers to a department: users (and service
// instances), sub-departments and department administrators.
type deptDependants struct {
	users  []store.User
	depts  []store.Department
	admins []store.Admin
}

// findDependants collects the dependants of department (spID, groupID,
// name); without all it stops at the first one.
func findDependants(tx store.Tx, spID, groupID, name string, all bool) (deptDependants, error) {
	var out deptDependants
	ent := groupID == ""
	enough := func() bool { return !all && len(out.users)+len(out.depts)+len(out.admins) > 0 }
	if err := tx.ListUsers(store.UserFilter{SPID: spID, GroupID: groupID, Department: name, DepartmentEnt: ent}, func(u store.User) bool {
		out.users = append(out.users, u)
		return all
	}); err != nil || enough() {
		return out, err
	}
	child := func(d store.Department) bool {
		if d.Parent == name && d.ParentIsEnterprise == ent {
			out.depts = append(out.depts, d)
		}
		return !enough()
	}
	if err := tx.ListDepartments(spID, groupID, child); err != nil || enough() {
		return out, err
	}
	if ent {
		var groups []string
		if err := tx.ListGroups(spID, func(g store.Group) bool { groups = append(groups, g.ID); return true }); err != nil {
			return out, err
		}
		for _, g := range groups {
			if err := tx.ListDepartments(spID, g, child); err != nil || enough() {
				return out, err
			}
		}
	}
	err := tx.ListAdmins(store.AdminFilter{Level: store.LevelDepartment, SPID: spID, GroupID: groupID}, func(ad store.Admin) bool {
		if ad.Department == name && ad.DepartmentEnt == ent {
			out.admins = append(out.admins, ad)
		}
		return !enough()
	})
	return out, err
}

// relinkDepartment points everything that refers to department old at
// department name instead.
func relinkDepartment(tx store.Tx, spID, groupID, old, name string) error {
	deps, err := findDependants(tx, spID, groupID, old, true)
	if err != nil {
		return err
	}
	for _, u := range deps.users {
		u.Department = name
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
	}
	for _, d := range deps.depts {
		d.Parent = name
		if err := tx.UpdateDepartment(d); err != nil {
			return err
		}
	}
	for _, ad := range deps.admins {
		ad.Department = name
		if err := tx.UpdateAdmin(ad); err != nil {
			return err
		}
	}
	return nil
}

// DeleteDepartment removes a department nothing refers to: no user,
// sub-department or department administrator.
func (c *Core) DeleteDepartment(ctx context.Context, a *Actor, spID, groupID, name string) error {
	return c.update(ctx, func(tx store.Tx) error {
		if _, err := c.deptScope(tx, a, spID, groupID, "", true); err != nil {
			return err
		}
		if _, err := tx.GetDepartment(spID, groupID, name); err != nil {
			return storeErr(err, deptLevel(groupID), name)
		}
		deps, err := findDependants(tx, spID, groupID, name, false)
		if err != nil {
			return err
		}
		switch {
		case len(deps.users) > 0:
			return &Error{Kind: KindInUse, Args: []string{deptLevel(groupID), name}, Detail: "user " + deps.users[0].ID + " is in it"}
		case len(deps.depts) > 0:
			return &Error{Kind: KindInUse, Args: []string{deptLevel(groupID), name}, Detail: "department " + deps.depts[0].Name + " is below it"}
		case len(deps.admins) > 0:
			return &Error{Kind: KindInUse, Args: []string{deptLevel(groupID), name}, Detail: "administrator " + deps.admins[0].ID + " manages it"}
		}
		return tx.DeleteDepartment(spID, groupID, name)
	})
}

// ListDepartments lists the departments of a group (groupID set) and,
// with other, those of its enterprise; or the departments of an
// enterprise (groupID "") and, with other, those of all its groups.
// Enterprise departments come first, each level by name.
func (c *Core) ListDepartments(ctx context.Context, a *Actor, spID, groupID string, other bool) (out []DepartmentInfo, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		sp, err := c.deptScope(tx, a, spID, groupID, "", false)
		if err != nil {
			return err
		}
		out, err = listDepartments(tx, sp, groupID, other)
		return err
	})
	return out, err
}

func listDepartments(tx store.Tx, sp store.ServiceProvider, groupID string, other bool) ([]DepartmentInfo, error) {
	var out []DepartmentInfo
	add := func(g string) error {
		return tx.ListDepartments(sp.ID, g, func(d store.Department) bool {
			out = append(out, DepartmentInfo{Dept: d, FullPath: departmentPath(tx, sp.ID, g, d.Name, g == "")})
			return true
		})
	}
	levels := []string{groupID}
	switch {
	case groupID != "" && other && sp.IsEnterprise:
		levels = []string{"", groupID}
	case groupID == "" && other:
		if err := tx.ListGroups(sp.ID, func(g store.Group) bool { levels = append(levels, g.ID); return true }); err != nil {
			return nil, err
		}
	}
	for _, g := range levels {
		if err := add(g); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AvailableParents lists the departments that could become the parent of
// department name: those at its level or, for a group department, of its
// enterprise, except itself and the departments below it.
func (c *Core) AvailableParents(ctx context.Context, a *Actor, spID, groupID, name string) (out []DepartmentInfo, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		sp, err := c.deptScope(tx, a, spID, groupID, "", false)
		if err != nil {
			return err
		}
		if _, err := tx.GetDepartment(spID, groupID, name); err != nil {
			return storeErr(err, deptLevel(groupID), name)
		}
		all, err := listDepartments(tx, sp, groupID, groupID != "")
		if err != nil {
			return err
		}
		out = out[:0]
		for _, p := range all {
			d := store.Department{SPID: spID, GroupID: groupID, Name: name, Parent: p.Dept.Name, ParentIsEnterprise: p.Dept.GroupID == ""}
			if checkParent(tx, sp, d, name) == nil {
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}

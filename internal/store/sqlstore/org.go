package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard/switchboard/internal/store"
)

// Settings, domains, resellers, service providers, groups, departments
// and domain assignment.

func (t *tx) GetSetting(key string) (string, error) {
	var v string
	err := t.get(fmt.Sprintf("setting %q", key), "SELECT value FROM settings WHERE key = $1", []any{key}, &v)
	return v, err
}

func (t *tx) PutSetting(key, value string) error {
	return t.write(false, func() error {
		return t.insert(fmt.Sprintf("setting %q", key),
			"INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			key, value)
	})
}

func (t *tx) InsertDomain(d store.Domain) error {
	return t.write(false, func() error {
		return t.insert(fmt.Sprintf("domain %q", d.Name),
			"INSERT INTO domains (name, reseller_id) VALUES ($1, $2)", d.Name, d.ResellerID)
	})
}

func (t *tx) GetDomain(name string) (store.Domain, error) {
	d := store.Domain{Name: name}
	err := t.get(fmt.Sprintf("domain %q", name), "SELECT reseller_id FROM domains WHERE name = $1", []any{name}, &d.ResellerID)
	return d, err
}

func (t *tx) DeleteDomain(name string) error {
	return t.write(false, func() error {
		return t.change(fmt.Sprintf("domain %q", name), "DELETE FROM domains WHERE name = $1", name)
	})
}

func (t *tx) ListDomains(fn func(store.Domain) bool) error {
	return walk(t, "domains", "name, reseller_id FROM domains", filter{}, []string{"name"},
		func(r *sql.Rows) (store.Domain, []any, error) {
			var d store.Domain
			err := r.Scan(&d.Name, &d.ResellerID)
			return d, []any{d.Name}, err
		}, fn)
}

func (t *tx) InsertReseller(r store.Reseller) error {
	return t.write(false, func() error {
		return t.insert(fmt.Sprintf("reseller %q", r.ID), "INSERT INTO resellers (id, name) VALUES ($1, $2)", r.ID, r.Name)
	})
}

func (t *tx) GetReseller(id string) (store.Reseller, error) {
	r := store.Reseller{ID: id}
	err := t.get(fmt.Sprintf("reseller %q", id), "SELECT name FROM resellers WHERE id = $1", []any{id}, &r.Name)
	return r, err
}

func (t *tx) UpdateReseller(r store.Reseller) error {
	return t.write(false, func() error {
		return t.change(fmt.Sprintf("reseller %q", r.ID), "UPDATE resellers SET name = $2 WHERE id = $1", r.ID, r.Name)
	})
}

func (t *tx) DeleteReseller(id string) error {
	return t.write(false, func() error {
		return t.change(fmt.Sprintf("reseller %q", id), "DELETE FROM resellers WHERE id = $1", id)
	})
}

func (t *tx) ListResellers(fn func(store.Reseller) bool) error {
	return walk(t, "resellers", "id, name FROM resellers", filter{}, []string{"id"},
		func(r *sql.Rows) (store.Reseller, []any, error) {
			var v store.Reseller
			err := r.Scan(&v.ID, &v.Name)
			return v, []any{v.ID}, err
		}, fn)
}

const spCols = "id, name, is_enterprise, reseller_id, default_domain, COALESCE(external_id, ''), profile FROM service_providers"

func scanSP(r interface{ Scan(...any) error }) (store.ServiceProvider, error) {
	var sp store.ServiceProvider
	var profile string
	if err := r.Scan(&sp.ID, &sp.Name, &sp.IsEnterprise, &sp.ResellerID, &sp.DefaultDomain, &sp.ExternalID, &profile); err != nil {
		return sp, err
	}
	return sp, fromJSON(profile, &sp.Profile)
}

func (t *tx) InsertServiceProvider(sp store.ServiceProvider) error {
	what := fmt.Sprintf("service provider %q", sp.ID)
	profile, err := toJSON(what, sp.Profile)
	if err != nil {
		return err
	}
	return t.write(false, func() error {
		return t.insert(what, `INSERT INTO service_providers
			(id, name, is_enterprise, reseller_id, default_domain, external_id, profile)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			sp.ID, sp.Name, sp.IsEnterprise, sp.ResellerID, sp.DefaultDomain, nullable(sp.ExternalID), profile)
	})
}

func (t *tx) GetServiceProvider(id string) (store.ServiceProvider, error) {
	return t.getSP(fmt.Sprintf("service provider %q", id), "id", id)
}

func (t *tx) GetServiceProviderByExternalID(externalID string) (store.ServiceProvider, error) {
	return t.getSP(fmt.Sprintf("service provider with external id %q", externalID), "external_id", externalID)
}

func (t *tx) getSP(what, col, v string) (store.ServiceProvider, error) {
	sp, err := scanSP(t.q.QueryRowContext(t.ctx, "SELECT "+spCols+" WHERE "+col+" = $1", v))
	return sp, rowErr(what, err)
}

func (t *tx) UpdateServiceProvider(sp store.ServiceProvider) error {
	what := fmt.Sprintf("service provider %q", sp.ID)
	profile, err := toJSON(what, sp.Profile)
	if err != nil {
		return err
	}
	return t.write(false, func() error {
		return t.change(what, `UPDATE service_providers SET name = $2, is_enterprise = $3, reseller_id = $4,
			default_domain = $5, external_id = $6, profile = $7 WHERE id = $1`,
			sp.ID, sp.Name, sp.IsEnterprise, sp.ResellerID, sp.DefaultDomain, nullable(sp.ExternalID), profile)
	})
}

// DeleteServiceProvider removes the provider with what exists only as its
// attributes: its own domain assignments, service authorizations and
// service packs. Groups, users, numbers and devices are records of their
// own, which the caller removes (or refuses to orphan) first.
func (t *tx) DeleteServiceProvider(id string) error {
	return t.write(true, func() error {
		if err := t.change(fmt.Sprintf("service provider %q", id), "DELETE FROM service_providers WHERE id = $1", id); err != nil {
			return err
		}
		for _, q := range []string{
			"DELETE FROM domain_assignments WHERE sp_id = $1 AND group_id = ''",
			"DELETE FROM service_auth WHERE sp_id = $1 AND group_id = ''",
			"DELETE FROM service_packs WHERE sp_id = $1",
		} {
			if _, err := t.exec(fmt.Sprintf("service provider %q", id), q, id); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t *tx) ListServiceProviders(fn func(store.ServiceProvider) bool) error {
	return walk(t, "service providers", spCols, filter{}, []string{"id"},
		func(r *sql.Rows) (store.ServiceProvider, []any, error) {
			sp, err := scanSP(r)
			return sp, []any{sp.ID}, err
		}, fn)
}

func (t *tx) AssignDomain(spID, groupID, domain string) error {
	return t.write(false, func() error {
		return t.insert(fmt.Sprintf("domain %q assigned to %s", domain, level(spID, groupID)),
			"INSERT INTO domain_assignments (sp_id, group_id, domain) VALUES ($1, $2, $3)", spID, groupID, domain)
	})
}

func (t *tx) UnassignDomain(spID, groupID, domain string) error {
	return t.write(false, func() error {
		return t.change(fmt.Sprintf("domain %q assigned to %s", domain, level(spID, groupID)),
			"DELETE FROM domain_assignments WHERE sp_id = $1 AND group_id = $2 AND domain = $3", spID, groupID, domain)
	})
}

func (t *tx) ListAssignedDomains(spID, groupID string) ([]string, error) {
	return t.column("assigned domains",
		"SELECT domain FROM domain_assignments WHERE sp_id = $1 AND group_id = $2 ORDER BY domain", spID, groupID)
}

// CountDomainUse counts the domain's assignments (service provider and
// group level) and the ids in it: user ids, alternate ids and SIP
// aliases, whichever would dangle if the domain went away. Admin ids do
// not count.
func (t *tx) CountDomainUse(domain string) (int, error) {
	return t.count(fmt.Sprintf("use of domain %q", domain), `SELECT
		(SELECT COUNT(*) FROM domain_assignments WHERE domain = $1) +
		(SELECT COUNT(*) FROM principals WHERE domain = $1 AND kind <> 'admin')`, domain)
}

const groupCols = "sp_id, id, name, default_domain, user_limit, COALESCE(external_id, ''), profile FROM sp_groups"

func scanGroup(r interface{ Scan(...any) error }) (store.Group, error) {
	var g store.Group
	var limit int64
	var profile string
	if err := r.Scan(&g.SPID, &g.ID, &g.Name, &g.DefaultDomain, &limit, &g.ExternalID, &profile); err != nil {
		return g, err
	}
	g.UserLimit = int(limit)
	return g, fromJSON(profile, &g.Profile)
}

func (t *tx) InsertGroup(g store.Group) error {
	what := "group " + groupName(g.SPID, g.ID)
	profile, err := toJSON(what, g.Profile)
	if err != nil {
		return err
	}
	return t.write(false, func() error {
		return t.insert(what, `INSERT INTO sp_groups (sp_id, id, name, default_domain, user_limit, external_id, profile)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			g.SPID, g.ID, g.Name, g.DefaultDomain, g.UserLimit, nullable(g.ExternalID), profile)
	})
}

func (t *tx) GetGroup(spID, groupID string) (store.Group, error) {
	g, err := scanGroup(t.q.QueryRowContext(t.ctx, "SELECT "+groupCols+" WHERE sp_id = $1 AND id = $2", spID, groupID))
	return g, rowErr("group "+groupName(spID, groupID), err)
}

func (t *tx) GetGroupByExternalID(externalID string) (store.Group, error) {
	g, err := scanGroup(t.q.QueryRowContext(t.ctx, "SELECT "+groupCols+" WHERE external_id = $1", externalID))
	return g, rowErr(fmt.Sprintf("group with external id %q", externalID), err)
}

func (t *tx) UpdateGroup(g store.Group) error {
	what := "group " + groupName(g.SPID, g.ID)
	profile, err := toJSON(what, g.Profile)
	if err != nil {
		return err
	}
	return t.write(false, func() error {
		return t.change(what, `UPDATE sp_groups SET name = $3, default_domain = $4, user_limit = $5,
			external_id = $6, profile = $7 WHERE sp_id = $1 AND id = $2`,
			g.SPID, g.ID, g.Name, g.DefaultDomain, g.UserLimit, nullable(g.ExternalID), profile)
	})
}

// DeleteGroup removes the group with its own domain assignments, service
// authorizations and group service assignments; like
// DeleteServiceProvider it leaves users, numbers, devices, departments
// and call centers to the caller.
func (t *tx) DeleteGroup(spID, groupID string) error {
	what := "group " + groupName(spID, groupID)
	return t.write(true, func() error {
		if err := t.change(what, "DELETE FROM sp_groups WHERE sp_id = $1 AND id = $2", spID, groupID); err != nil {
			return err
		}
		for _, q := range []string{
			"DELETE FROM domain_assignments WHERE sp_id = $1 AND group_id = $2",
			"DELETE FROM service_auth WHERE sp_id = $1 AND group_id = $2",
		} {
			if _, err := t.exec(what, q, spID, groupID); err != nil {
				return err
			}
		}
		_, err := t.exec(what, "DELETE FROM service_assignments WHERE owner = $1", groupOwner(spID, groupID))
		return err
	})
}

func (t *tx) ListGroups(spID string, fn func(store.Group) bool) error {
	var f filter
	if spID != "" {
		f.eq("sp_id", spID)
	}
	return walk(t, "groups", groupCols, f, []string{"sp_id", "id"},
		func(r *sql.Rows) (store.Group, []any, error) {
			g, err := scanGroup(r)
			return g, []any{g.SPID, g.ID}, err
		}, fn)
}

// CountUsers counts the users of a group (groupID "": of the whole
// service provider) of one kind ("": any).
func (t *tx) CountUsers(spID, groupID string, kind store.UserKind) (int, error) {
	if groupID != "" && kind == store.KindUser {
		var n int64
		err := t.get("users of "+level(spID, groupID), "SELECT user_count FROM sp_groups WHERE sp_id = $1 AND id = $2", []any{spID, groupID}, &n)
		if err == nil || !errors.Is(err, store.ErrNotFound) {
			return int(n), err
		}
		return 0, nil // no such group: no users
	}
	var f filter
	f.eq("sp_id", spID)
	if groupID != "" {
		f.eq("group_id", groupID)
	}
	if kind != "" {
		f.eq("kind", string(kind))
	}
	return t.count("users of "+level(spID, groupID), "SELECT COUNT(*) FROM users"+f.where(), f.args...)
}

const deptCols = "sp_id, group_id, name, parent, parent_is_enterprise, clid_name, clid_phone FROM departments"

func scanDept(r interface{ Scan(...any) error }) (store.Department, error) {
	var d store.Department
	err := r.Scan(&d.SPID, &d.GroupID, &d.Name, &d.Parent, &d.ParentIsEnterprise, &d.CallingLineIDName, &d.CallingLineIDPhone)
	return d, err
}

func deptName(spID, groupID, name string) string {
	return fmt.Sprintf("department %q of %s", name, level(spID, groupID))
}

func (t *tx) InsertDepartment(d store.Department) error {
	return t.write(false, func() error {
		return t.insert(deptName(d.SPID, d.GroupID, d.Name), `INSERT INTO departments
			(sp_id, group_id, name, parent, parent_is_enterprise, clid_name, clid_phone)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			d.SPID, d.GroupID, d.Name, d.Parent, d.ParentIsEnterprise, d.CallingLineIDName, d.CallingLineIDPhone)
	})
}

func (t *tx) GetDepartment(spID, groupID, name string) (store.Department, error) {
	d, err := scanDept(t.q.QueryRowContext(t.ctx, "SELECT "+deptCols+" WHERE sp_id = $1 AND group_id = $2 AND name = $3",
		spID, groupID, name))
	return d, rowErr(deptName(spID, groupID, name), err)
}

func (t *tx) UpdateDepartment(d store.Department) error {
	return t.write(false, func() error {
		return t.change(deptName(d.SPID, d.GroupID, d.Name), `UPDATE departments SET parent = $4,
			parent_is_enterprise = $5, clid_name = $6, clid_phone = $7
			WHERE sp_id = $1 AND group_id = $2 AND name = $3`,
			d.SPID, d.GroupID, d.Name, d.Parent, d.ParentIsEnterprise, d.CallingLineIDName, d.CallingLineIDPhone)
	})
}

func (t *tx) DeleteDepartment(spID, groupID, name string) error {
	return t.write(false, func() error {
		return t.change(deptName(spID, groupID, name),
			"DELETE FROM departments WHERE sp_id = $1 AND group_id = $2 AND name = $3", spID, groupID, name)
	})
}

func (t *tx) ListDepartments(spID, groupID string, fn func(store.Department) bool) error {
	var f filter
	f.eq("sp_id", spID)
	f.eq("group_id", groupID)
	return walk(t, "departments", deptCols, f, []string{"name"},
		func(r *sql.Rows) (store.Department, []any, error) {
			d, err := scanDept(r)
			return d, []any{d.Name}, err
		}, fn)
}

// rowErr maps a QueryRow scan error.
func rowErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return notFound(what)
	default:
		return fmt.Errorf("sqlstore: %s: %w", what, err)
	}
}

// level names a service provider or a group for messages.
func level(spID, groupID string) string {
	if groupID == "" {
		return fmt.Sprintf("service provider %q", spID)
	}
	return "group " + groupName(spID, groupID)
}

func groupName(spID, groupID string) string { return fmt.Sprintf("%q/%q", spID, groupID) }

// groupOwner is the owner of a group's service assignments.
func groupOwner(spID, groupID string) string { return spID + "/" + groupID }

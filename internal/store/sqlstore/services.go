package sqlstore

import (
	"database/sql"
	"fmt"

	"github.com/switchboard/switchboard/internal/store"
)

// Service authorization, service packs and service assignment.

func authName(spID, groupID string, kind store.ServiceKind, name string) string {
	return fmt.Sprintf("%s service %q authorized to %s", kind, name, level(spID, groupID))
}

func (t *tx) PutServiceAuth(a store.ServiceAuth) error {
	return t.write(false, func() error {
		return t.insert(authName(a.SPID, a.GroupID, a.Kind, a.Name), `INSERT INTO service_auth
			(sp_id, group_id, kind, name, quantity) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (sp_id, group_id, kind, name) DO UPDATE SET quantity = excluded.quantity`,
			a.SPID, a.GroupID, string(a.Kind), a.Name, a.Quantity)
	})
}

func (t *tx) GetServiceAuth(spID, groupID string, kind store.ServiceKind, name string) (store.ServiceAuth, error) {
	a := store.ServiceAuth{SPID: spID, GroupID: groupID, Kind: kind, Name: name}
	var q int64
	err := t.get(authName(spID, groupID, kind, name),
		"SELECT quantity FROM service_auth WHERE sp_id = $1 AND group_id = $2 AND kind = $3 AND name = $4",
		[]any{spID, groupID, string(kind), name}, &q)
	a.Quantity = int(q)
	return a, err
}

func (t *tx) DeleteServiceAuth(spID, groupID string, kind store.ServiceKind, name string) error {
	return t.write(false, func() error {
		return t.change(authName(spID, groupID, kind, name),
			"DELETE FROM service_auth WHERE sp_id = $1 AND group_id = $2 AND kind = $3 AND name = $4",
			spID, groupID, string(kind), name)
	})
}

// ListServiceAuth lists a level's authorizations by kind, then name.
func (t *tx) ListServiceAuth(spID, groupID string, fn func(store.ServiceAuth) bool) error {
	var f filter
	f.eq("sp_id", spID)
	f.eq("group_id", groupID)
	return walk(t, "service authorizations", "sp_id, group_id, kind, name, quantity FROM service_auth", f,
		[]string{"kind", "name"},
		func(r *sql.Rows) (store.ServiceAuth, []any, error) {
			var a store.ServiceAuth
			var kind string
			var q int64
			err := r.Scan(&a.SPID, &a.GroupID, &kind, &a.Name, &q)
			a.Kind, a.Quantity = store.ServiceKind(kind), int(q)
			return a, []any{kind, a.Name}, err
		}, fn)
}

func packName(spID, name string) string {
	return fmt.Sprintf("service pack %q of service provider %q", name, spID)
}

const packCols = "sp_id, name, description, available, quantity, services FROM service_packs"

func scanPack(r interface{ Scan(...any) error }) (store.ServicePack, error) {
	var p store.ServicePack
	var q int64
	var services string
	if err := r.Scan(&p.SPID, &p.Name, &p.Description, &p.Available, &q, &services); err != nil {
		return p, err
	}
	p.Quantity = int(q)
	return p, fromJSON(services, &p.Services)
}

func (t *tx) InsertServicePack(p store.ServicePack) error {
	what := packName(p.SPID, p.Name)
	services, err := toJSON(what, nonNil(p.Services))
	if err != nil {
		return err
	}
	return t.write(false, func() error {
		return t.insert(what, `INSERT INTO service_packs (sp_id, name, description, available, quantity, services)
			VALUES ($1, $2, $3, $4, $5, $6)`, p.SPID, p.Name, p.Description, p.Available, p.Quantity, services)
	})
}

func (t *tx) GetServicePack(spID, name string) (store.ServicePack, error) {
	p, err := scanPack(t.q.QueryRowContext(t.ctx, "SELECT "+packCols+" WHERE sp_id = $1 AND name = $2", spID, name))
	return p, rowErr(packName(spID, name), err)
}

func (t *tx) UpdateServicePack(p store.ServicePack) error {
	what := packName(p.SPID, p.Name)
	services, err := toJSON(what, nonNil(p.Services))
	if err != nil {
		return err
	}
	return t.write(false, func() error {
		return t.change(what, `UPDATE service_packs SET description = $3, available = $4, quantity = $5,
			services = $6 WHERE sp_id = $1 AND name = $2`, p.SPID, p.Name, p.Description, p.Available, p.Quantity, services)
	})
}

func (t *tx) DeleteServicePack(spID, name string) error {
	return t.write(false, func() error {
		return t.change(packName(spID, name), "DELETE FROM service_packs WHERE sp_id = $1 AND name = $2", spID, name)
	})
}

func (t *tx) ListServicePacks(spID string, fn func(store.ServicePack) bool) error {
	var f filter
	f.eq("sp_id", spID)
	return walk(t, "service packs", packCols, f, []string{"name"},
		func(r *sql.Rows) (store.ServicePack, []any, error) {
			p, err := scanPack(r)
			return p, []any{p.Name}, err
		}, fn)
}

func assignName(owner string, kind store.ServiceKind, name string) string {
	return fmt.Sprintf("%s service %q assigned to %q", kind, name, owner)
}

func (t *tx) AssignService(a store.ServiceAssignment) error {
	return t.write(false, func() error {
		return t.insert(assignName(a.Owner, a.Kind, a.Name),
			"INSERT INTO service_assignments (owner, kind, name) VALUES ($1, $2, $3)", a.Owner, string(a.Kind), a.Name)
	})
}

func (t *tx) UnassignService(owner string, kind store.ServiceKind, name string) error {
	return t.write(false, func() error {
		return t.change(assignName(owner, kind, name),
			"DELETE FROM service_assignments WHERE owner = $1 AND kind = $2 AND name = $3", owner, string(kind), name)
	})
}

// ListAssignedServices lists the owner's assignments by kind, then name.
func (t *tx) ListAssignedServices(owner string) ([]store.ServiceAssignment, error) {
	rows, err := t.q.QueryContext(t.ctx,
		"SELECT kind, name FROM service_assignments WHERE owner = $1 ORDER BY kind, name", owner)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: services of %q: %w", owner, err)
	}
	defer rows.Close()
	var out []store.ServiceAssignment
	for rows.Next() {
		a := store.ServiceAssignment{Owner: owner}
		var kind string
		if err := rows.Scan(&kind, &a.Name); err != nil {
			return nil, fmt.Errorf("sqlstore: services of %q: %w", owner, err)
		}
		a.Kind = store.ServiceKind(kind)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: services of %q: %w", owner, err)
	}
	return out, nil
}

// CountAssigned counts the assignments of a service in a group (groupID
// "": in every group of the service provider): group services by
// assigned group, user services and packs by assigned user of the group.
func (t *tx) CountAssigned(spID, groupID string, kind store.ServiceKind, name string) (int, error) {
	what := fmt.Sprintf("assignments of %s service %q in %s", kind, name, level(spID, groupID))
	if kind == store.SvcGroup {
		if groupID != "" {
			return t.count(what, "SELECT COUNT(*) FROM service_assignments WHERE owner = $1 AND kind = $2 AND name = $3",
				groupOwner(spID, groupID), string(kind), name)
		}
		return t.count(what, `SELECT COUNT(*) FROM service_assignments a JOIN sp_groups g
			ON a.owner = g.sp_id || '/' || g.id WHERE g.sp_id = $1 AND a.kind = $2 AND a.name = $3`,
			spID, string(kind), name)
	}
	var f filter
	f.eq("a.kind", string(kind))
	f.eq("a.name", name)
	f.eq("u.sp_id", spID)
	if groupID != "" {
		f.eq("u.group_id", groupID)
	}
	return t.count(what, "SELECT COUNT(*) FROM service_assignments a JOIN users u ON u.id = a.owner"+f.where(), f.args...)
}

func (t *tx) ServiceUsage() ([]store.UsageCount, error) {
	const what = "service usage"
	var out []store.UsageCount
	for _, q := range []string{
		`SELECT u.sp_id, a.kind, a.name, COUNT(*) FROM service_assignments a JOIN users u ON u.id = a.owner
			GROUP BY u.sp_id, a.kind, a.name ORDER BY u.sp_id, a.kind, a.name`,
		`SELECT g.sp_id, a.kind, a.name, COUNT(*) FROM service_assignments a JOIN sp_groups g ON a.owner = g.sp_id || '/' || g.id
			GROUP BY g.sp_id, a.kind, a.name ORDER BY g.sp_id, a.kind, a.name`,
	} {
		rows, err := t.q.QueryContext(t.ctx, q)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
		}
		for rows.Next() {
			var c store.UsageCount
			var kind string
			var n int64
			if err := rows.Scan(&c.SPID, &kind, &c.Name, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
			}
			c.Kind, c.Count = store.ServiceKind(kind), int(n)
			out = append(out, c)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
		}
	}
	return out, nil
}

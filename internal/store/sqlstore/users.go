package sqlstore

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/switchboard/switchboard/internal/store"
)

// Users, administrators, the principals table their ids live in, line
// ports, and phone numbers.

// Kinds of principals rows.
const (
	principalUser      = "user"
	principalAdmin     = "admin"
	principalAlias     = "alias"
	principalAlternate = "alternate"
)

// addPrincipal claims id for owner; a taken id is store.ErrExists.
func (t *tx) addPrincipal(id, owner, kind string) error {
	return t.insert(fmt.Sprintf("%s id %q", kind, id),
		"INSERT INTO principals (id, owner, kind, domain) VALUES ($1, $2, $3, $4)", id, owner, kind, domainOf(id))
}

const userCols = `u.id, u.kind, u.sp_id, u.group_id, u.last_name, u.first_name, u.clid_last_name, u.clid_first_name,
	COALESCE(u.phone_number, ''), COALESCE(u.extension, ''), u.department, u.department_ent, u.email,
	COALESCE(u.external_id, ''), u.aliases, u.alternate_ids, u.password_sha1, u.password_hash, u.passcode,
	u.profile, u.created, u.modified FROM users u`

func scanUser(r interface{ Scan(...any) error }) (store.User, error) {
	var u store.User
	var kind, aliases, alts, profile string
	var created, modified sql.NullInt64
	if err := r.Scan(&u.ID, &kind, &u.SPID, &u.GroupID, &u.LastName, &u.FirstName, &u.CLIDLastName, &u.CLIDFirstName,
		&u.PhoneNumber, &u.Extension, &u.Department, &u.DepartmentEnt, &u.Email,
		&u.ExternalID, &aliases, &alts, &u.PasswordSHA1, &u.PasswordHash, &u.Passcode,
		&profile, &created, &modified); err != nil {
		return u, err
	}
	u.Kind = store.UserKind(kind)
	u.Created, u.Modified = fromTimestamp(created), fromTimestamp(modified)
	if err := fromJSON(aliases, &u.Aliases); err != nil {
		return u, err
	}
	if err := fromJSON(alts, &u.AlternateIDs); err != nil {
		return u, err
	}
	return u, fromJSON(profile, &u.Profile)
}

// userRow is the encoded form of the JSON columns of a user.
type userRow struct{ aliases, alts, profile string }

func encodeUser(what string, u store.User) (userRow, error) {
	var r userRow
	var err error
	if r.aliases, err = toJSON(what, nonNil(u.Aliases)); err != nil {
		return r, err
	}
	if r.alts, err = toJSON(what, nonNil(u.AlternateIDs)); err != nil {
		return r, err
	}
	r.profile, err = toJSON(what, u.Profile)
	return r, err
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (t *tx) InsertUser(u store.User) error {
	what := fmt.Sprintf("user %q", u.ID)
	row, err := encodeUser(what, u)
	if err != nil {
		return err
	}
	return t.write(true, func() error {
		if err := t.addPrincipal(u.ID, u.ID, principalUser); err != nil {
			return err
		}
		if err := t.insert(what, `INSERT INTO users (id, kind, sp_id, group_id, last_name, first_name,
			clid_last_name, clid_first_name, phone_number, extension, department, department_ent, email,
			external_id, aliases, alternate_ids, password_sha1, password_hash, passcode, profile, created, modified)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
			u.ID, string(u.Kind), u.SPID, u.GroupID, u.LastName, u.FirstName, u.CLIDLastName, u.CLIDFirstName,
			nullable(u.PhoneNumber), nullable(u.Extension), u.Department, u.DepartmentEnt, u.Email,
			nullable(u.ExternalID), row.aliases, row.alts, u.PasswordSHA1, u.PasswordHash, u.Passcode, row.profile,
			timestamp(u.Created), timestamp(u.Modified)); err != nil {
			return err
		}
		if u.Kind == store.KindUser {
			if _, err := t.exec(what, "UPDATE sp_groups SET user_count = user_count + 1 WHERE sp_id = $1 AND id = $2", u.SPID, u.GroupID); err != nil {
				return err
			}
		}
		return t.addUserIDs(u)
	})
}

// addUserIDs claims the user's aliases, alternate ids and line port.
func (t *tx) addUserIDs(u store.User) error {
	for _, a := range u.Aliases {
		if err := t.addPrincipal(a, u.ID, principalAlias); err != nil {
			return err
		}
	}
	for _, a := range u.AlternateIDs {
		if err := t.addPrincipal(a.ID, u.ID, principalAlternate); err != nil {
			return err
		}
	}
	if e := u.Profile.Endpoint; e != nil && e.LinePort != "" {
		group := u.GroupID
		if e.DeviceLevel == "Service Provider" {
			group = ""
		}
		return t.insert(fmt.Sprintf("line port %q", e.LinePort), `INSERT INTO line_ports
			(line_port, user_id, device_sp, device_group, device_name) VALUES ($1, $2, $3, $4, $5)`,
			e.LinePort, u.ID, u.SPID, group, e.DeviceName)
	}
	return nil
}

// dropUserIDs releases what addUserIDs claimed.
func (t *tx) dropUserIDs(id string) error {
	what := fmt.Sprintf("user %q", id)
	if _, err := t.exec(what, "DELETE FROM principals WHERE owner = $1 AND kind IN ('alias', 'alternate')", id); err != nil {
		return err
	}
	_, err := t.exec(what, "DELETE FROM line_ports WHERE user_id = $1", id)
	return err
}

func (t *tx) GetUser(userID string) (store.User, error) {
	u, err := scanUser(t.q.QueryRowContext(t.ctx, "SELECT "+userCols+" WHERE u.id = $1", userID))
	return u, rowErr(fmt.Sprintf("user %q", userID), err)
}

// UpdateUser replaces every field of the user (Created included) and
// re-claims its aliases, alternate ids and line port.
func (t *tx) UpdateUser(u store.User) error {
	what := fmt.Sprintf("user %q", u.ID)
	row, err := encodeUser(what, u)
	if err != nil {
		return err
	}
	return t.write(true, func() error {
		var oldSP, oldGroup, oldKind string
		if err := t.get(what, "SELECT sp_id, group_id, kind FROM users WHERE id = $1", []any{u.ID}, &oldSP, &oldGroup, &oldKind); err != nil {
			return err
		}
		if err := t.change(what, `UPDATE users SET kind = $2, sp_id = $3, group_id = $4, last_name = $5,
			first_name = $6, clid_last_name = $7, clid_first_name = $8, phone_number = $9, extension = $10,
			department = $11, department_ent = $12, email = $13, external_id = $14, aliases = $15,
			alternate_ids = $16, password_sha1 = $17, password_hash = $18, passcode = $19, profile = $20,
			created = $21, modified = $22 WHERE id = $1`,
			u.ID, string(u.Kind), u.SPID, u.GroupID, u.LastName, u.FirstName, u.CLIDLastName, u.CLIDFirstName,
			nullable(u.PhoneNumber), nullable(u.Extension), u.Department, u.DepartmentEnt, u.Email,
			nullable(u.ExternalID), row.aliases, row.alts, u.PasswordSHA1, u.PasswordHash, u.Passcode, row.profile,
			timestamp(u.Created), timestamp(u.Modified)); err != nil {
			return err
		}
		if err := t.dropUserIDs(u.ID); err != nil {
			return err
		}
		if oldSP != u.SPID || oldGroup != u.GroupID || oldKind != string(u.Kind) {
			// The record moved or changed kind: keep both groups' counts.
			if oldKind == string(store.KindUser) {
				if _, err := t.exec(what, "UPDATE sp_groups SET user_count = user_count - 1 WHERE sp_id = $1 AND id = $2", oldSP, oldGroup); err != nil {
					return err
				}
			}
			if u.Kind == store.KindUser {
				if _, err := t.exec(what, "UPDATE sp_groups SET user_count = user_count + 1 WHERE sp_id = $1 AND id = $2", u.SPID, u.GroupID); err != nil {
					return err
				}
			}
		}
		return t.addUserIDs(u)
	})
}

// DeleteUser removes the user and everything keyed by its id alone: its
// ids, line port, service assignments, agent state, call routing, and its
// places in call centers' agent and supervisor lists. A stale row of these
// would otherwise come back to life with a new user of the same id.
func (t *tx) DeleteUser(userID string) error {
	what := fmt.Sprintf("user %q", userID)
	return t.write(true, func() error {
		var spID, groupID, kind string
		if err := t.get(what, "DELETE FROM users WHERE id = $1 RETURNING sp_id, group_id, kind", []any{userID}, &spID, &groupID, &kind); err != nil {
			return err
		}
		if kind == string(store.KindUser) {
			if _, err := t.exec(what, "UPDATE sp_groups SET user_count = user_count - 1 WHERE sp_id = $1 AND id = $2", spID, groupID); err != nil {
				return err
			}
		}
		for _, q := range []string{
			"DELETE FROM principals WHERE owner = $1 AND kind <> 'admin'",
			"DELETE FROM line_ports WHERE user_id = $1",
			"DELETE FROM service_assignments WHERE owner = $1",
			"DELETE FROM agent_states WHERE user_id = $1",
			"DELETE FROM user_routing WHERE user_id = $1",
			"DELETE FROM comlog_records WHERE user_id = $1",
			"DELETE FROM voicemail_messages WHERE user_id = $1",
			"DELETE FROM call_center_agents WHERE agent_user_id = $1",
			"DELETE FROM call_center_supervisors WHERE supervisor_user_id = $1",
		} {
			if _, err := t.exec(what, q, userID); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t *tx) ListUsers(uf store.UserFilter, fn func(store.User) bool) error {
	var f filter
	if uf.SPID != "" {
		f.eq("u.sp_id", uf.SPID)
	}
	if uf.GroupID != "" {
		f.eq("u.group_id", uf.GroupID)
	}
	if uf.Kind != "" {
		f.eq("u.kind", string(uf.Kind))
	}
	if uf.ResellerID != "" {
		f.add("u.sp_id IN (SELECT id FROM service_providers WHERE reseller_id = $?)", uf.ResellerID)
	}
	if uf.Department != "" {
		f.add("u.department = $? AND u.department_ent = $?", uf.Department, uf.DepartmentEnt)
	}
	return walk(t, "users", userCols, f, []string{"u.id"},
		func(r *sql.Rows) (store.User, []any, error) {
			u, err := scanUser(r)
			return u, []any{u.ID}, err
		}, fn)
}

func (t *tx) LookupUserID(id string) (string, error) {
	var owner string
	err := t.get(fmt.Sprintf("user id %q", id), "SELECT owner FROM principals WHERE id = $1 AND kind <> 'admin'",
		[]any{id}, &owner)
	return owner, err
}

func (t *tx) FindUserByExtension(spID, groupID, extension string) (string, error) {
	var id string
	err := t.get(fmt.Sprintf("extension %q in %s", extension, level(spID, groupID)),
		"SELECT id FROM users WHERE sp_id = $1 AND group_id = $2 AND extension = $3",
		[]any{spID, groupID, extension}, &id)
	return id, err
}

func (t *tx) FindUserByDN(number string) (string, error) {
	var id string
	err := t.get(fmt.Sprintf("user with number %q", number), "SELECT id FROM users WHERE phone_number = $1",
		[]any{number}, &id)
	return id, err
}

func (t *tx) FindLinePort(linePort string) (store.LinePortOwner, error) {
	o := store.LinePortOwner{LinePort: linePort}
	err := t.get(fmt.Sprintf("line port %q", linePort),
		"SELECT user_id, device_sp, device_group, device_name FROM line_ports WHERE line_port = $1",
		[]any{linePort}, &o.UserID, &o.DeviceSPID, &o.DeviceGroup, &o.DeviceName)
	return o, err
}

const adminCols = `id, level, sp_id, group_id, department, department_ent, reseller_id, read_only, last_name,
	first_name, language, admin_type, password_sha1, password_hash, disabled, failed_logins, locked_until, last_login FROM admins`

func scanAdmin(r interface{ Scan(...any) error }) (store.Admin, error) {
	var a store.Admin
	var lvl string
	var failed int64
	var locked, last sql.NullInt64
	err := r.Scan(&a.ID, &lvl, &a.SPID, &a.GroupID, &a.Department, &a.DepartmentEnt, &a.ResellerID, &a.ReadOnly,
		&a.LastName, &a.FirstName, &a.Language, &a.AdminType, &a.PasswordSHA1, &a.PasswordHash, &a.Disabled,
		&failed, &locked, &last)
	a.Level, a.FailedLogins, a.LockedUntil = store.AdminLevel(lvl), int(failed), fromTimestamp(locked)
	if last.Valid && last.Int64 != 0 {
		a.LastLogin = fromTimestamp(last)
	}
	return a, err
}

func (t *tx) InsertAdmin(a store.Admin) error {
	what := fmt.Sprintf("admin %q", a.ID)
	return t.write(true, func() error {
		if err := t.addPrincipal(a.ID, a.ID, principalAdmin); err != nil {
			return err
		}
		return t.insert(what, `INSERT INTO admins (id, level, sp_id, group_id, department, department_ent,
			reseller_id, read_only, last_name, first_name, language, admin_type, password_sha1, password_hash,
			disabled, failed_logins, locked_until, last_login)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			a.ID, string(a.Level), a.SPID, a.GroupID, a.Department, a.DepartmentEnt, a.ResellerID, a.ReadOnly,
			a.LastName, a.FirstName, a.Language, a.AdminType, a.PasswordSHA1, a.PasswordHash, a.Disabled,
			a.FailedLogins, timestamp(a.LockedUntil), lastLogin(a.LastLogin))
	})
}

func (t *tx) GetAdmin(adminID string) (store.Admin, error) {
	a, err := scanAdmin(t.q.QueryRowContext(t.ctx, "SELECT "+adminCols+" WHERE id = $1", adminID))
	return a, rowErr(fmt.Sprintf("admin %q", adminID), err)
}

func (t *tx) UpdateAdmin(a store.Admin) error {
	return t.write(false, func() error {
		return t.change(fmt.Sprintf("admin %q", a.ID), `UPDATE admins SET level = $2, sp_id = $3, group_id = $4,
			department = $5, department_ent = $6, reseller_id = $7, read_only = $8, last_name = $9,
			first_name = $10, language = $11, admin_type = $12, password_sha1 = $13, password_hash = $14,
			disabled = $15, failed_logins = $16, locked_until = $17, last_login = $18 WHERE id = $1`,
			a.ID, string(a.Level), a.SPID, a.GroupID, a.Department, a.DepartmentEnt, a.ResellerID, a.ReadOnly,
			a.LastName, a.FirstName, a.Language, a.AdminType, a.PasswordSHA1, a.PasswordHash, a.Disabled,
			a.FailedLogins, timestamp(a.LockedUntil), lastLogin(a.LastLogin))
	})
}

func (t *tx) DeleteAdmin(adminID string) error {
	what := fmt.Sprintf("admin %q", adminID)
	return t.write(true, func() error {
		if err := t.change(what, "DELETE FROM admins WHERE id = $1", adminID); err != nil {
			return err
		}
		_, err := t.exec(what, "DELETE FROM principals WHERE id = $1 AND kind = 'admin'", adminID)
		return err
	})
}

func (t *tx) ListAdmins(af store.AdminFilter, fn func(store.Admin) bool) error {
	var f filter
	if af.Level != "" {
		f.eq("level", string(af.Level))
	}
	if af.SPID != "" {
		f.eq("sp_id", af.SPID)
	}
	if af.GroupID != "" {
		f.eq("group_id", af.GroupID)
	}
	if af.ResellerID != "" {
		f.eq("reseller_id", af.ResellerID)
	}
	return walk(t, "admins", adminCols, f, []string{"id"},
		func(r *sql.Rows) (store.Admin, []any, error) {
			a, err := scanAdmin(r)
			return a, []any{a.ID}, err
		}, fn)
}

func dnName(number string) string { return fmt.Sprintf("number %q", number) }

func (t *tx) InsertDN(dn store.DN) error {
	return t.write(false, func() error {
		return t.insert(dnName(dn.Number), "INSERT INTO dns (number, sp_id, group_id, activated) VALUES ($1, $2, $3, $4)",
			dn.Number, dn.SPID, dn.GroupID, dn.Activated)
	})
}

func (t *tx) GetDN(number string) (store.DN, error) {
	dn := store.DN{Number: number}
	err := t.get(dnName(number), "SELECT sp_id, group_id, activated FROM dns WHERE number = $1", []any{number},
		&dn.SPID, &dn.GroupID, &dn.Activated)
	return dn, err
}

func (t *tx) UpdateDN(dn store.DN) error {
	return t.write(false, func() error {
		return t.change(dnName(dn.Number), "UPDATE dns SET sp_id = $2, group_id = $3, activated = $4 WHERE number = $1",
			dn.Number, dn.SPID, dn.GroupID, dn.Activated)
	})
}

func (t *tx) DeleteDN(number string) error {
	return t.write(false, func() error {
		return t.change(dnName(number), "DELETE FROM dns WHERE number = $1", number)
	})
}

// ListDNs lists numbers in number order: groupID "" those of spID on no
// group, "*" every number of spID, else those of the group. spID ""
// drops the service provider condition.
func (t *tx) ListDNs(spID, groupID string, fn func(store.DN) bool) error {
	var f filter
	if spID != "" {
		f.eq("sp_id", spID)
	}
	if groupID != "*" {
		f.eq("group_id", groupID)
	}
	return walk(t, "numbers", "number, sp_id, group_id, activated FROM dns", f, []string{"number"},
		func(r *sql.Rows) (store.DN, []any, error) {
			var dn store.DN
			err := r.Scan(&dn.Number, &dn.SPID, &dn.GroupID, &dn.Activated)
			return dn, []any{dn.Number}, err
		}, fn)
}

// lastLogin stores a login time, 0 for never (the column is NOT NULL).
func lastLogin(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

package provisioning

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/store"
)

// UserAdd is a user add: the record plus the secrets and the services to
// assign in the same transaction.
type UserAdd struct {
	User     store.User // ID, SPID, GroupID, names, PhoneNumber (any accepted form), Extension, Department...
	Password string
	Passcode string
	Services []string
	Packs    []string
}

// Default extension rules when a group sets none: the schema's bounds,
// and the last four digits of the number when an extension is derived.
const (
	defaultExtMin  = 2
	defaultExtMax  = 20
	defaultExtAuto = 4
)

// AddUser adds a user to an existing group with the rules of
// UserAddRequest22V2: id unique among users and admins, domain assigned to
// the group, user limit, number assigned to the group and free, extension
// length and uniqueness, department exists, endpoint device exists with a
// unique line port. Group admin or above.
func (c *Core) AddUser(ctx context.Context, a *Actor, in UserAdd) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelGroup, in.User.SPID, in.User.GroupID, true); err != nil {
			return err
		}
		g, err := tx.GetGroup(in.User.SPID, in.User.GroupID)
		if err != nil {
			return storeErr(err, "Group", in.User.GroupID)
		}
		if err := c.checkUserLimit(tx, g, false); err != nil {
			return err
		}
		if err := c.checkUserDomain(tx, g, in.User.ID); err != nil {
			return err
		}
		if len(in.User.AlternateIDs) > 0 && !a.AtLeast(LevelGroup) {
			return ErrUnauthorized
		}
		return c.insertUser(tx, g, in)
	})
}

// checkUserLimit fails when the group is full, or with raise (the
// consolidated add) raises the limit by one instead.
func (c *Core) checkUserLimit(tx store.Tx, g store.Group, raise bool) error {
	n, err := tx.CountUsers(g.SPID, g.ID, store.KindUser)
	if err != nil {
		return err
	}
	if n < g.UserLimit {
		return nil
	}
	if !raise || g.UserLimit >= maxUserLimit {
		return errLimit("the group's user limit (" + itoa(g.UserLimit) + ")")
	}
	g.UserLimit = n + 1
	return tx.UpdateGroup(g)
}

func (c *Core) checkUserDomain(tx store.Tx, g store.Group, userID string) error {
	d := domainOf(userID)
	if d == "" || strings.HasPrefix(userID, "@") {
		return errInvalid("userId", "a user id needs the form user@domain: "+userID)
	}
	doms, err := tx.ListAssignedDomains(g.SPID, g.ID)
	if err != nil {
		return err
	}
	if !containsFold(doms, d) {
		return errInvalid("userId", "the domain is not assigned to the group: "+d)
	}
	return nil
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// insertUser validates and stores a user of group g; the caller has
// checked authorization, domain and limit.
func (c *Core) insertUser(tx store.Tx, g store.Group, in UserAdd) error {
	u := in.User
	if u.Kind == "" {
		u.Kind = store.KindUser
	}
	if err := c.prepareUser(tx, g, &u, nil); err != nil {
		return err
	}
	if in.Password != "" {
		u.PasswordSHA1 = SHA1Hex(in.Password)
	} else if !c.opt.ExternalAuth {
		return errInvalid("password", "a password is required")
	}
	if in.Passcode != "" {
		if err := checkPasscode(in.Passcode); err != nil {
			return err
		}
		u.Passcode = hashPasscode(in.Passcode)
	}
	now := c.opt.Now().UTC()
	u.Created, u.Modified = now, now
	if err := tx.InsertUser(u); err != nil {
		if errors.Is(err, store.ErrExists) {
			return errExists("User", u.ID)
		}
		return err
	}
	for _, s := range in.Services {
		if err := c.assignUserService(tx, u, store.SvcUser, s, false); err != nil {
			return err
		}
	}
	for _, p := range in.Packs {
		if err := c.assignUserService(tx, u, store.SvcPack, p, false); err != nil {
			return err
		}
	}
	emit(tx, userEvent(events.UserCreated, u))
	return nil
}

// prepareUser normalises and checks the parts of a user record that
// depend on the group: number, extension, department, endpoint, aliases.
// old is the stored record on modify (nil on add).
func (c *Core) prepareUser(tx store.Tx, g store.Group, u *store.User, old *store.User) error {
	u.SPID, u.GroupID = g.SPID, g.ID
	if u.PhoneNumber != "" && (old == nil || u.PhoneNumber != old.PhoneNumber) {
		n, err := c.ParseNumber(u.PhoneNumber)
		if err != nil {
			return err
		}
		u.PhoneNumber = n.String()
		d, err := tx.GetDN(u.PhoneNumber)
		if err != nil || d.SPID != g.SPID || d.GroupID != g.ID {
			return errInvalid("phoneNumber", "the number is not assigned to the group: "+u.PhoneNumber)
		}
		if other, err := tx.FindUserByDN(u.PhoneNumber); err == nil && other != u.ID {
			return errInUse("Phone Number", u.PhoneNumber)
		}
	}
	min, max, auto := extRules(g)
	if u.Extension == "" && u.PhoneNumber != "" && old == nil {
		// Derive the extension from the number's last digits when free.
		nat := u.PhoneNumber[strings.IndexByte(u.PhoneNumber, '-')+1:]
		if len(nat) >= auto {
			ext := nat[len(nat)-auto:]
			if _, err := tx.FindUserByExtension(g.SPID, g.ID, ext); errors.Is(err, store.ErrNotFound) {
				u.Extension = ext
			}
		}
	} else if u.Extension != "" && (old == nil || u.Extension != old.Extension) {
		if !allDigits(u.Extension) || len(u.Extension) < min || len(u.Extension) > max {
			return errInvalid("extension", "the group's extensions have "+itoa(min)+" to "+itoa(max)+" digits")
		}
		if other, err := tx.FindUserByExtension(g.SPID, g.ID, u.Extension); err == nil && other != u.ID {
			return errInUse("Extension", u.Extension)
		}
	}
	if u.Department != "" && (old == nil || u.Department != old.Department || u.DepartmentEnt != old.DepartmentEnt) {
		dg := g.ID
		if u.DepartmentEnt {
			dg = ""
		}
		if _, err := tx.GetDepartment(g.SPID, dg, u.Department); err != nil {
			return storeErr(err, "Department", u.Department)
		}
	}
	if ep := u.Profile.Endpoint; ep != nil && (old == nil || old.Profile.Endpoint == nil || *ep != *old.Profile.Endpoint) {
		if err := checkEndpoint(tx, g, u.ID, ep); err != nil {
			return err
		}
	}
	if len(u.Aliases) > 3 {
		return errLimit("a user has at most 3 SIP aliases")
	}
	if len(u.AlternateIDs) > 4 {
		return errLimit("a user has at most 4 alternate user ids")
	}
	for _, al := range u.Aliases {
		if other, err := tx.LookupUserID(al); err == nil && other != u.ID {
			return errInUse("Alias", al)
		}
	}
	for _, alt := range u.AlternateIDs {
		if alt.ID == u.ID {
			return errInvalid("alternateUserId", "an alternate id cannot be the user's own id")
		}
		if other, err := tx.LookupUserID(alt.ID); err == nil && other != u.ID {
			return errExists("User", alt.ID)
		}
		if _, err := tx.GetAdmin(alt.ID); err == nil {
			return errExists("User", alt.ID)
		}
	}
	return nil
}

func checkEndpoint(tx store.Tx, g store.Group, userID string, ep *store.Endpoint) error {
	dg := g.ID
	if ep.DeviceLevel == "Service Provider" {
		dg = ""
	}
	if _, err := tx.GetDevice(g.SPID, dg, ep.DeviceName); err != nil {
		return storeErr(err, "Access Device", ep.DeviceName)
	}
	if !strings.Contains(ep.LinePort, "@") {
		return errInvalid("linePort", "a line port has the form user@domain")
	}
	if owner, err := tx.FindLinePort(ep.LinePort); err == nil && owner.UserID != userID {
		return errInUse("Line Port", ep.LinePort)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

func extRules(g store.Group) (min, max, auto int) {
	min, max, auto = g.Profile.ExtensionMin, g.Profile.ExtensionMax, g.Profile.ExtensionDefault
	if min == 0 {
		min = defaultExtMin
	}
	if max == 0 {
		max = defaultExtMax
	}
	if auto == 0 {
		auto = defaultExtAuto
	}
	return
}

// UserDetail is a user with what its get responses compute.
type UserDetail struct {
	User        store.User
	Group       store.Group
	CountryCode string
	// ResellerID is the reseller of the user's service provider ("" when
	// none), for facades that filter by scope what they already hold.
	ResellerID string
	// DepartmentPath is the department's full path ("Sales \ East").
	DepartmentPath string
}

// UserIDByNumber returns the id of the user holding a phone number (in
// canonical form, "+CC-national"). It checks no rights: it only names
// the user, whom the caller must then read with its own actor.
func (c *Core) UserIDByNumber(ctx context.Context, number string) (id string, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		id, err = tx.FindUserByDN(number)
		if errors.Is(err, store.ErrNotFound) {
			return newErr(KindUserNotFound, number)
		}
		return err
	})
	return id, err
}

// User reads a user by primary id, alternate id or alias.
func (c *Core) User(ctx context.Context, a *Actor, id string) (d UserDetail, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		u, err := c.userForRead(tx, a, id)
		if err != nil {
			return err
		}
		g, err := tx.GetGroup(u.SPID, u.GroupID)
		if err != nil {
			return err
		}
		d = UserDetail{User: u, Group: g, CountryCode: c.opt.CountryCode}
		if sp, err := tx.GetServiceProvider(u.SPID); err == nil {
			d.ResellerID = sp.ResellerID
		}
		if u.PhoneNumber != "" {
			if n, err := c.ParseNumber(u.PhoneNumber); err == nil {
				d.CountryCode = n.CC
			}
		}
		if u.Department != "" {
			d.DepartmentPath = departmentPath(tx, u.SPID, u.GroupID, u.Department, u.DepartmentEnt)
		}
		return nil
	})
	return d, err
}

// departmentPath walks parents up to the root, " \ " between levels as
// BroadWorks writes it.
func departmentPath(tx store.Tx, spID, groupID, name string, ent bool) string {
	path := name
	for depth := 0; depth < 20; depth++ {
		dg := groupID
		if ent {
			dg = ""
		}
		d, err := tx.GetDepartment(spID, dg, name)
		if err != nil || d.Parent == "" {
			break
		}
		name, ent = d.Parent, ent || d.ParentIsEnterprise
		path = name + ` \ ` + path
	}
	return path
}

// resolveUser finds a user (not a virtual one) by any of its ids.
func resolveUser(tx store.Tx, id string) (store.User, error) {
	// Most requests name the primary id: one read instead of two.
	if u, err := tx.GetUser(id); err == nil {
		return u, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.User{}, err
	}
	pid, err := tx.LookupUserID(id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return store.User{}, newErr(KindUserNotFound, id)
		}
		return store.User{}, err
	}
	u, err := tx.GetUser(pid)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, newErr(KindUserNotFound, id)
	}
	return u, err
}

func userTarget(u store.User) Target {
	return Target{SPID: u.SPID, GroupID: u.GroupID, Department: u.Department, DeptEnt: u.DepartmentEnt, UserID: u.ID}
}

// userForRead resolves id and checks the actor may read it: the user
// itself, or an admin whose scope covers it. Below Reseller level an
// unknown id is refused like an id out of scope, so that probing cannot
// tell the two apart.
func (c *Core) userForRead(tx store.Tx, a *Actor, id string) (store.User, error) {
	u, err := resolveUser(tx, id)
	if err != nil {
		if e, ok := AsError(err); ok && e.Kind == KindUserNotFound && a != nil && a.Level < LevelReseller {
			return u, ErrUnauthorized
		}
		return u, err
	}
	return u, authorize(tx, a, LevelUser, userTarget(u), false)
}

// userForWrite is userForRead for changes; min is the lowest admin level
// allowed besides the user itself (LevelUser allows self-service).
func (c *Core) userForWrite(tx store.Tx, a *Actor, id string, min Level) (store.User, error) {
	u, err := resolveUser(tx, id)
	if err != nil {
		if e, ok := AsError(err); ok && e.Kind == KindUserNotFound && a != nil && a.Level < LevelReseller {
			return u, ErrUnauthorized
		}
		return u, err
	}
	if a != nil && a.Level == LevelUser && min > LevelUser {
		return u, ErrUnauthorized
	}
	lvl := min
	if lvl == LevelGroup {
		lvl = LevelDepartment // department admins manage their department's users
	}
	return u, authorize(tx, a, lvl, userTarget(u), true)
}

// UserChange is a modify: Apply edits the record (absent fields untouched,
// nil clears, replacement lists replace); the secrets are separate so the
// record never carries plain text.
type UserChange struct {
	Apply       func(u *store.User) error
	NewPassword *string
	OldPassword string
	NewPasscode *string
}

// ModifyUser changes a user. Admins with scope may set a password
// directly; a user changing its own password must give the old one.
func (c *Core) ModifyUser(ctx context.Context, a *Actor, id string, ch UserChange) error {
	return c.update(ctx, func(tx store.Tx) error {
		old, err := c.userForWrite(tx, a, id, LevelUser)
		if err != nil {
			return err
		}
		u := old
		u.Aliases = slices.Clone(old.Aliases)
		u.AlternateIDs = slices.Clone(old.AlternateIDs)
		if ch.Apply != nil {
			if err := ch.Apply(&u); err != nil {
				return err
			}
		}
		u.ID, u.Kind, u.SPID, u.GroupID, u.Created = old.ID, old.Kind, old.SPID, old.GroupID, old.Created
		if a.Level == LevelUser && (!slices.Equal(u.AlternateIDs, old.AlternateIDs) || u.Department != old.Department) {
			return ErrUnauthorized
		}
		g, err := tx.GetGroup(u.SPID, u.GroupID)
		if err != nil {
			return err
		}
		if err := c.prepareUser(tx, g, &u, &old); err != nil {
			return err
		}
		if ch.NewPassword != nil {
			if a.Level == LevelUser && !c.pw.verifyPlain(old.ID, old.PasswordSHA1, old.PasswordHash, ch.OldPassword) {
				return newErr(KindBadPassword)
			}
			u.PasswordSHA1, u.PasswordHash = SHA1Hex(*ch.NewPassword), ""
		}
		if ch.NewPasscode != nil {
			if err := checkPasscode(*ch.NewPasscode); err != nil {
				return err
			}
			u.Passcode = hashPasscode(*ch.NewPasscode)
		}
		u.Modified = c.opt.Now().UTC()
		if err := tx.UpdateUser(u); err != nil {
			return storeErr(err, "User", u.ID)
		}
		emit(tx, userEvent(events.UserChanged, u))
		return nil
	})
}

// DeleteUser deletes a user; its number stays with the group.
func (c *Core) DeleteUser(ctx context.Context, a *Actor, id string) error {
	return c.update(ctx, func(tx store.Tx) error {
		u, err := c.userForWrite(tx, a, id, LevelGroup)
		if err != nil {
			return err
		}
		if u.Kind != store.KindUser {
			return newErr(KindUserNotFound, id)
		}
		return c.deleteUser(tx, u)
	})
}

// ConsolidatedDelete is UserConsolidatedDeleteRequest's options.
type ConsolidatedDelete struct {
	DeleteDevices bool
	// UnassignNumbers: "" keeps the number on the group; "Group" returns
	// it to the SP; "Service Provider" removes it from the SP as well.
	UnassignNumbers string
}

// DeleteUserConsolidated deletes a user and, as asked, its devices and
// numbers, with the privileges the schema requires for each part.
func (c *Core) DeleteUserConsolidated(ctx context.Context, a *Actor, id string, opt ConsolidatedDelete) error {
	return c.update(ctx, func(tx store.Tx) error {
		u, err := c.userForWrite(tx, a, id, LevelGroup)
		if err != nil {
			return err
		}
		if u.Kind != store.KindUser {
			return newErr(KindUserNotFound, id)
		}
		if err := c.deleteUser(tx, u); err != nil {
			return err
		}
		if opt.DeleteDevices && u.Profile.Endpoint != nil {
			ep := u.Profile.Endpoint
			dg := u.GroupID
			need := LevelGroup
			if ep.DeviceLevel == "Service Provider" {
				dg, need = "", LevelServiceProvider
			}
			if !a.AtLeast(need) {
				return ErrUnauthorized
			}
			inUse := false
			if err := tx.ListUsers(store.UserFilter{SPID: u.SPID}, func(o store.User) bool {
				if e := o.Profile.Endpoint; e != nil && e.DeviceName == ep.DeviceName && e.DeviceLevel == ep.DeviceLevel {
					inUse = true
					return false
				}
				return true
			}); err != nil {
				return err
			}
			if !inUse {
				if err := tx.DeleteDevice(u.SPID, dg, ep.DeviceName); err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
			}
		}
		if u.PhoneNumber != "" && opt.UnassignNumbers != "" {
			switch opt.UnassignNumbers {
			case "Group":
				if !a.AtLeast(LevelServiceProvider) {
					return ErrUnauthorized
				}
				d, err := tx.GetDN(u.PhoneNumber)
				if err != nil {
					return err
				}
				d.GroupID, d.Activated = "", false
				return tx.UpdateDN(d)
			case "Service Provider":
				if !a.AtLeast(LevelProvisioning) {
					return ErrUnauthorized
				}
				return tx.DeleteDN(u.PhoneNumber)
			default:
				return errInvalid("unassignPhoneNumbers", opt.UnassignNumbers)
			}
		}
		return nil
	})
}

// deleteUser removes a user or service instance and everything that
// points at it.
func (c *Core) deleteUser(tx store.Tx, u store.User) error {
	// The deleted record cannot be read back, so the event keeps what a
	// consumer needs to name the user.
	ev := userEvent(events.UserDeleted, u)
	ev.Data = map[string]string{"phoneNumber": u.PhoneNumber, "extension": u.Extension, "kind": string(u.Kind),
		"department": u.Department, "departmentEnt": strconv.FormatBool(u.DepartmentEnt)}
	if sp, err := tx.GetServiceProvider(u.SPID); err == nil {
		ev.Data["resellerId"] = sp.ResellerID
	}
	emit(tx, ev)
	as, err := tx.ListAssignedServices(u.ID)
	if err != nil {
		return err
	}
	for _, s := range as {
		if err := tx.UnassignService(u.ID, s.Kind, s.Name); err != nil {
			return err
		}
	}
	if u.Kind == store.KindCallCenter {
		if err := tx.SetAgents(u.ID, nil); err != nil {
			return err
		}
		if err := tx.SetSupervisors(u.ID, nil); err != nil {
			return err
		}
		if err := tx.DeleteCallCenter(u.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	} else {
		centers, err := tx.ListAgentCenters(u.ID)
		if err != nil {
			return err
		}
		for _, cc := range centers {
			agents, err := tx.ListAgents(cc.ServiceUserID)
			if err != nil {
				return err
			}
			agents = slices.DeleteFunc(agents, func(x store.Agent) bool { return x.AgentUserID == u.ID })
			if err := tx.SetAgents(cc.ServiceUserID, agents); err != nil {
				return err
			}
		}
		var sup []string
		if err := tx.ListCallCenters(u.SPID, u.GroupID, func(cc store.CallCenter) bool { sup = append(sup, cc.ServiceUserID); return true }); err != nil {
			return err
		}
		for _, id := range sup {
			s, err := tx.ListSupervisors(id)
			if err != nil {
				return err
			}
			if slices.Contains(s, u.ID) {
				if err := tx.SetSupervisors(id, slices.DeleteFunc(s, func(x string) bool { return x == u.ID })); err != nil {
					return err
				}
			}
		}
	}
	return tx.DeleteUser(u.ID)
}

// UserListFilter is the user list search criteria, all ANDed.
type UserListFilter struct {
	SPID, GroupID string // scope; both "" for the system list
	LastName      []StringCriterion
	FirstName     []StringCriterion
	DN            []StringCriterion
	Email         []StringCriterion
	UserID        []StringCriterion
	ExternalID    []StringCriterion
	Extension     []StringCriterion
	// DnOrExtension: each value matches the number or the extension
	// (Contains), the composed-OR criterion.
	DnOrExtension []string
	// UserName: matches "First Last", "Last First" or "Last, First".
	UserName []StringCriterion
	// ExactDepartment restricts to one department.
	ExactDepartment *DepartmentRef
	// InTrunkGroup: Switchboard has no trunk groups, so true matches none.
	InTrunkGroup *bool
	PersonID     *string
	// System-list criteria.
	GroupIDs, SPIDs, ResellerIDs []StringCriterion
	ExactSPID                    *string
	NetworkClassOfService        *string
	Limit                        int
}

// DepartmentRef names a department at group or enterprise level.
type DepartmentRef struct {
	Name string
	Ent  bool
}

// ListUsers lists users in user id order within the scope, filtered.
// UserRow is a user list row with what the list tables show besides the
// user record.
type UserRow struct {
	User            store.User
	NumberActivated bool
	ResellerID      string
}

// ListUsers streams the users of the scope that match f, in user id
// order, to fn (which returns false to stop). Rows are handed over one by
// one rather than collected: a system-wide list can hold 100,000 users,
// and the caller turns each row into output at once.
func (c *Core) ListUsers(ctx context.Context, a *Actor, f UserListFilter, fn func(*UserRow) bool) error {
	return c.view(ctx, func(tx store.Tx) error {
		sf := store.UserFilter{SPID: f.SPID, GroupID: f.GroupID, Kind: store.KindUser}
		switch {
		case f.GroupID != "":
			if err := c.groupScope(tx, a, LevelDepartment, f.SPID, f.GroupID, false); err != nil {
				return err
			}
		case f.SPID != "":
			if err := c.spScope(tx, a, LevelServiceProvider, f.SPID, false); err != nil {
				return err
			}
		default:
			if err := authorize(tx, a, LevelReseller, Target{}, false); err != nil && a.Level != LevelReseller {
				return err
			}
			if a.Level == LevelReseller {
				sf.ResellerID = a.ResellerID
			}
		}
		if a.Level == LevelDepartment {
			sf.Department, sf.DepartmentEnt = a.Department, a.DeptEnt
		}
		if f.ExactDepartment != nil {
			if sf.Department != "" && (sf.Department != f.ExactDepartment.Name || sf.DepartmentEnt != f.ExactDepartment.Ent) {
				return nil
			}
			sf.Department, sf.DepartmentEnt = f.ExactDepartment.Name, f.ExactDepartment.Ent
		}
		if f.InTrunkGroup != nil && *f.InTrunkGroup {
			return nil
		}
		// Activation and reseller come from one walk per service provider
		// (the store lets fn use the Tx during a walk).
		type spInfo struct {
			reseller  string
			activated map[string]bool
		}
		var cur *spInfo
		curSP := ""
		var inner error
		n := 0
		var row UserRow
		err := tx.ListUsers(sf, func(u store.User) bool {
			if !f.match(u) {
				return true
			}
			if cur == nil || u.SPID != curSP {
				cur, curSP = &spInfo{activated: map[string]bool{}}, u.SPID
				if sp, err := tx.GetServiceProvider(u.SPID); err == nil {
					cur.reseller = sp.ResellerID
				}
				if err := tx.ListDNs(u.SPID, "*", func(d store.DN) bool {
					if d.Activated {
						cur.activated[d.Number] = true
					}
					return true
				}); err != nil {
					inner = err
					return false
				}
			}
			if !matchAll(f.ResellerIDs, cur.reseller) {
				return true
			}
			row = UserRow{User: u, ResellerID: cur.reseller, NumberActivated: u.PhoneNumber != "" && cur.activated[u.PhoneNumber]}
			n++
			return fn(&row) && (f.Limit <= 0 || n < f.Limit)
		})
		if err == nil {
			err = inner
		}
		return err
	})
}

func (f *UserListFilter) match(u store.User) bool {
	if !matchAll(f.LastName, u.LastName) || !matchAll(f.FirstName, u.FirstName) ||
		!matchAll(f.Email, u.Email) || !matchAll(f.UserID, u.ID) || !matchAll(f.ExternalID, u.ExternalID) ||
		!matchAll(f.Extension, u.Extension) {
		return false
	}
	if len(f.DN) > 0 {
		nat := u.PhoneNumber
		if i := strings.IndexByte(nat, '-'); i >= 0 {
			nat = nat[i+1:]
		}
		for _, c := range f.DN {
			if u.PhoneNumber == "" || !matchAny(c, nat, u.PhoneNumber, strings.Replace(u.PhoneNumber, "-", "", 1)) {
				return false
			}
		}
	}
	for _, v := range f.DnOrExtension {
		c := StringCriterion{Mode: Contains, Value: v, CaseInsensitive: true}
		if !matchAny(c, u.PhoneNumber, u.Extension) {
			return false
		}
	}
	for _, c := range f.UserName {
		if !matchAny(c, u.FirstName+" "+u.LastName, u.LastName+" "+u.FirstName, u.LastName+", "+u.FirstName) {
			return false
		}
	}
	if f.PersonID != nil && u.Profile.PersonID != *f.PersonID {
		return false
	}
	if !matchAll(f.GroupIDs, u.GroupID) || !matchAll(f.SPIDs, u.SPID) {
		return false
	}
	if f.ExactSPID != nil && u.SPID != *f.ExactSPID {
		return false
	}
	if f.NetworkClassOfService != nil && u.Profile.NetworkClassOfService != *f.NetworkClassOfService {
		return false
	}
	return true
}

// itoa spells a quantity, "unlimited" for store.Unlimited.
func itoa(n int) string {
	if n == store.Unlimited {
		return "unlimited"
	}
	return strconv.Itoa(n)
}

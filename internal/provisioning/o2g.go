package provisioning

import (
	"context"
	"errors"
	"strings"

	"github.com/switchboard/switchboard/internal/store"
)

// Reads and writes the O2G facade needs beyond the OCI-P commands: users
// created for a phone number (O2G user management), lookups by extension,
// call center agents in a scope, the user count of a scope and a user's
// endpoint device.

// UserIDByExtension returns the id of the user holding an extension in a
// group. Like UserIDByNumber it checks no rights: the caller reads the
// user with its own actor afterwards.
func (c *Core) UserIDByExtension(ctx context.Context, spID, groupID, ext string) (id string, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		id, err = tx.FindUserByExtension(spID, groupID, ext)
		if errors.Is(err, store.ErrNotFound) {
			return newErr(KindUserNotFound, ext)
		}
		return err
	})
	return id, err
}

// UserDevice returns the access device of the user's endpoint, nil when
// the user has none (or its device vanished). The actor must be able to
// read the user.
func (c *Core) UserDevice(ctx context.Context, a *Actor, id string) (dev *store.Device, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		u, err := c.userForRead(tx, a, id)
		if err != nil {
			return err
		}
		ep := u.Profile.Endpoint
		if ep == nil {
			return nil
		}
		dg := u.GroupID
		if ep.DeviceLevel == "Service Provider" {
			dg = ""
		}
		d, err := tx.GetDevice(u.SPID, dg, ep.DeviceName)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		dev = &d
		return nil
	})
	return dev, err
}

// scopeFilter is the store filter of the users an administrator's scope
// covers (department admins: their group, narrowed by the caller).
func scopeFilter(a *Actor) store.UserFilter {
	switch {
	case a.Level >= LevelProvisioning:
		return store.UserFilter{}
	case a.Level == LevelReseller:
		return store.UserFilter{ResellerID: a.ResellerID}
	case a.Level == LevelServiceProvider:
		return store.UserFilter{SPID: a.SPID}
	}
	return store.UserFilter{SPID: a.SPID, GroupID: a.GroupID}
}

// requireAdmin refuses users: the scope reads are for administrators, whose
// scope bounds them by construction.
func requireAdmin(a *Actor) error {
	if a == nil {
		return newErr(KindNotLoggedIn)
	}
	if a.Level < LevelDepartment {
		return ErrUnauthorized
	}
	return nil
}

// AgentUserIDs returns the ids of the users who are agents of a call
// center the administrator's scope covers.
func (c *Core) AgentUserIDs(ctx context.Context, a *Actor) (ids map[string]bool, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := requireAdmin(a); err != nil {
			return err
		}
		f := scopeFilter(a)
		resellers := map[string]string{}
		var centers []store.CallCenter
		if err := tx.ListCallCenters(f.SPID, f.GroupID, func(cc store.CallCenter) bool {
			centers = append(centers, cc)
			return true
		}); err != nil {
			return err
		}
		ids = map[string]bool{}
		for _, cc := range centers {
			if a.Level == LevelReseller {
				r, ok := resellers[cc.SPID]
				if !ok {
					sp, err := tx.GetServiceProvider(cc.SPID)
					if err != nil {
						return err
					}
					r = sp.ResellerID
					resellers[cc.SPID] = r
				}
				if r != a.ResellerID {
					continue
				}
			}
			agents, err := tx.ListAgents(cc.ServiceUserID)
			if err != nil {
				return err
			}
			for _, ag := range agents {
				ids[ag.AgentUserID] = true
			}
		}
		return nil
	})
	return ids, err
}

// UsersInScope counts the users (not virtual users) an administrator's
// scope covers.
func (c *Core) UsersInScope(ctx context.Context, a *Actor) (n int, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := requireAdmin(a); err != nil {
			return err
		}
		f := scopeFilter(a)
		switch {
		case a.Level == LevelDepartment || a.Level == LevelReseller:
			// No counter for these scopes: walk them.
			f.Kind = store.KindUser
			if a.Level == LevelDepartment {
				f.Department, f.DepartmentEnt = a.Department, a.DeptEnt
			}
			return tx.ListUsers(f, func(store.User) bool { n++; return true })
		case f.SPID != "":
			n, err = tx.CountUsers(f.SPID, f.GroupID, store.KindUser)
			return err
		}
		var sps []string
		if err := tx.ListServiceProviders(func(sp store.ServiceProvider) bool { sps = append(sps, sp.ID); return true }); err != nil {
			return err
		}
		for _, sp := range sps {
			k, err := tx.CountUsers(sp, "", store.KindUser)
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	return n, err
}

// NumberUserFirstName is the first name of users created for a number.
const NumberUserFirstName = "O2G"

// NumberUserDigits is how a user created for a number is named: the
// national digits when the number is in the system's country code, the
// country code and national digits otherwise (the O2G login name without
// its "oxe" prefix).
func (c *Core) NumberUserDigits(n Number) string {
	if n.CC == c.opt.CountryCode {
		return n.National
	}
	return n.CC + n.National
}

// AddNumberUsers creates one user per phone number, the way O2G user
// management does: the number must be assigned to a group the actor may
// add users to and be free; the user gets the id oxe<digits>@<the group's
// default domain>, the last name <digits>, the first name "O2G", the
// number, a random password (never disclosed) and no passcode. With all,
// numbers is ignored and every free number of every such group gets a
// user. Everything happens in one transaction: either every user is
// created or none. It returns the ids created, in order.
func (c *Core) AddNumberUsers(ctx context.Context, a *Actor, numbers []string, all bool) (ids []string, err error) {
	err = c.update(ctx, func(tx store.Tx) error {
		ids = nil
		if a == nil {
			return newErr(KindNotLoggedIn)
		}
		if !a.AtLeast(LevelGroup) || a.ReadOnly {
			return ErrUnauthorized
		}
		var canon []string
		if all {
			var err error
			if canon, err = c.freeNumbersInScope(tx, a); err != nil {
				return err
			}
		} else {
			seen := map[string]bool{}
			for _, s := range numbers {
				n, err := c.ParseNumber(s)
				if err != nil {
					return err
				}
				if !seen[n.String()] {
					seen[n.String()] = true
					canon = append(canon, n.String())
				}
			}
		}
		for _, num := range canon {
			id, err := c.addNumberUser(tx, a, num)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// freeNumbersInScope lists the free numbers of every group a may add
// users to, in group then number order.
func (c *Core) freeNumbersInScope(tx store.Tx, a *Actor) ([]string, error) {
	spID := ""
	if a.Level <= LevelServiceProvider {
		spID = a.SPID
	}
	var groups []store.Group
	if err := tx.ListGroups(spID, func(g store.Group) bool { groups = append(groups, g); return true }); err != nil {
		return nil, err
	}
	var out []string
	for _, g := range groups {
		if authorize(tx, a, LevelGroup, Target{SPID: g.SPID, GroupID: g.ID}, true) != nil {
			continue
		}
		uses, err := numberUses(tx, g.SPID, g.ID)
		if err != nil {
			return nil, err
		}
		for _, u := range uses {
			if u.User == nil {
				out = append(out, u.DN.Number)
			}
		}
	}
	return out, nil
}

// addNumberUser creates the user of one canonical number.
func (c *Core) addNumberUser(tx store.Tx, a *Actor, num string) (string, error) {
	d, err := tx.GetDN(num)
	if errors.Is(err, store.ErrNotFound) {
		return "", c.hideMissing(a, LevelReseller, errNotFound("Phone Number", num))
	}
	if err != nil {
		return "", err
	}
	if d.GroupID == "" {
		if err := c.spScope(tx, a, LevelServiceProvider, d.SPID, false); err != nil {
			return "", err
		}
		return "", errInvalid("phoneNumber", "the number is not assigned to a group: "+num)
	}
	if err := c.groupScope(tx, a, LevelGroup, d.SPID, d.GroupID, true); err != nil {
		return "", err
	}
	if _, err := tx.FindUserByDN(num); err == nil {
		return "", errInUse("Phone Number", num)
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	g, err := tx.GetGroup(d.SPID, d.GroupID)
	if err != nil {
		return "", storeErr(err, "Group", d.GroupID)
	}
	if g.DefaultDomain == "" {
		return "", errInvalid("defaultDomain", "the group has no default domain: "+g.ID)
	}
	if err := c.checkUserLimit(tx, g, false); err != nil {
		return "", err
	}
	n, err := c.ParseNumber(num)
	if err != nil {
		return "", err
	}
	digits := c.NumberUserDigits(n)
	id := "oxe" + digits + "@" + strings.ToLower(g.DefaultDomain)
	if err := c.checkUserDomain(tx, g, id); err != nil {
		return "", err
	}
	if _, err := tx.GetAdmin(id); err == nil {
		return "", errExists("User", id)
	}
	err = c.insertUser(tx, g, UserAdd{User: store.User{ID: id, LastName: digits, FirstName: NumberUserFirstName,
		CLIDLastName: digits, CLIDFirstName: NumberUserFirstName, PhoneNumber: num}, Password: randomPassword()})
	return id, err
}

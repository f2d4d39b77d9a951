package provisioning

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/switchboard/switchboard/internal/store"
)

// Service provider administrator types (ServiceProviderAdminType).
const (
	AdminTypeNormal            = "Normal"
	AdminTypeCustomer          = "Customer"
	AdminTypePasswordResetOnly = "Password Reset Only"
)

// AdminAdd is a new administrator with its password in plain text; the
// digests are computed before the transaction starts (the slow hash must
// not hold the store's writer).
type AdminAdd struct {
	Admin    store.Admin
	Password string
}

func (c *Core) hashAdmins(ads []AdminAdd) ([]AdminAdd, error) {
	out := make([]AdminAdd, len(ads))
	for i, ad := range ads {
		if ad.Password == "" {
			return nil, errInvalid("password", "an administrator needs a password")
		}
		ad.Admin.PasswordSHA1 = SHA1Hex(ad.Password)
		ad.Admin.PasswordHash = c.pw.hash(ad.Password)
		ad.Password = ""
		out[i] = ad
	}
	return out, nil
}

// insertAdmin stores an administrator whose digests are set. The id is
// unique among admins and users (the store enforces both).
func (c *Core) insertAdmin(tx store.Tx, ad AdminAdd) error {
	a := ad.Admin
	if err := checkAdmin(&a); err != nil {
		return err
	}
	if a.PasswordSHA1 == "" {
		if ad.Password == "" {
			return errInvalid("password", "an administrator needs a password")
		}
		a.PasswordSHA1 = SHA1Hex(ad.Password)
	}
	if a.Language == "" {
		a.Language = "English"
	}
	if err := tx.InsertAdmin(a); err != nil {
		if errors.Is(err, store.ErrExists) {
			return errExists("Administrator", a.ID)
		}
		return err
	}
	return nil
}

// checkAdmin applies the schema's rules on an administrator record: ids
// of system-, reseller- and provider-level administrators carry no domain
// (the UserId type's rule), and only provider administrators have a type.
func checkAdmin(a *store.Admin) error {
	switch a.Level {
	case store.LevelSystem, store.LevelProvisioning, store.LevelReseller, store.LevelServiceProvider:
		if strings.Contains(a.ID, "@") {
			return errInvalid("userId", "an administrator at this level has an id without a domain: "+a.ID)
		}
	}
	if a.Level != store.LevelServiceProvider {
		a.AdminType = ""
		return nil
	}
	switch a.AdminType {
	case "":
		a.AdminType = AdminTypeNormal
	case AdminTypeNormal, AdminTypeCustomer, AdminTypePasswordResetOnly:
	default:
		return errInvalid("administratorType", a.AdminType)
	}
	return nil
}

// adminTarget is the scope an administrator record lives in, and the
// level needed to manage it.
func adminTarget(tx store.Tx, ad store.Admin) (Target, Level, error) {
	t := Target{SPID: ad.SPID, GroupID: ad.GroupID, ResellerID: ad.ResellerID}
	switch ad.Level {
	case store.LevelSystem, store.LevelProvisioning:
		return Target{}, LevelSystem, nil
	case store.LevelReseller:
		return Target{}, LevelProvisioning, nil
	case store.LevelServiceProvider:
		sp, err := tx.GetServiceProvider(ad.SPID)
		if err != nil {
			return t, 0, storeErr(err, "Service Provider", ad.SPID)
		}
		t.ResellerID = sp.ResellerID
		return t, LevelServiceProvider, nil
	case store.LevelGroup, store.LevelDepartment:
		if _, err := tx.GetGroup(ad.SPID, ad.GroupID); err != nil {
			return t, 0, storeErr(err, "Group", ad.GroupID)
		}
		return t, LevelGroup, nil
	}
	return t, 0, errInvalid("adminType", string(ad.Level))
}

// authorizeAdmin checks that a may read or (write) manage administrator
// ad. On top of the level rule of adminTarget: a reseller administrator
// manages the administrators of its own reseller (there is no other level
// between it and Provisioning to do so), and a "Password Reset Only"
// provider administrator may change nothing but passwords (pwOnly).
func (c *Core) authorizeAdmin(tx store.Tx, a *Actor, ad store.Admin, write, pwOnly bool) error {
	if a != nil && a.Level == LevelReseller && ad.Level == store.LevelReseller && ad.ResellerID == a.ResellerID {
		if write && a.ReadOnly {
			return ErrUnauthorized
		}
		return nil
	}
	t, min, err := adminTarget(tx, ad)
	if err != nil {
		// A missing SP or group is news only to those whose scope would
		// include it; others learn nothing about what exists.
		if e, ok := AsError(err); ok && e.Kind == KindNotFound && a != nil && a.Level < LevelReseller && !a.covers(t) {
			return ErrUnauthorized
		}
		return err
	}
	if err := authorize(tx, a, min, t, write); err != nil {
		return err
	}
	if write && !pwOnly && a.Level == LevelServiceProvider {
		self, err := tx.GetAdmin(a.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if self.AdminType == AdminTypePasswordResetOnly {
			return ErrUnauthorized
		}
	}
	return nil
}

// AddAdmin creates an administrator of any level, by an actor at the
// level needed for it and with scope over its SP or group. The reseller
// or department it belongs to must exist.
func (c *Core) AddAdmin(ctx context.Context, a *Actor, ad AdminAdd) error {
	if err := checkAdmin(&ad.Admin); err != nil {
		return err
	}
	ads, err := c.hashAdmins([]AdminAdd{ad})
	if err != nil {
		return err
	}
	n := ads[0].Admin
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.authorizeAdmin(tx, a, n, true, false); err != nil {
			return err
		}
		if n.Level == store.LevelReseller {
			if _, err := tx.GetReseller(n.ResellerID); err != nil {
				return storeErr(err, "Reseller", n.ResellerID)
			}
		}
		if n.Level == store.LevelDepartment {
			dg := n.GroupID
			if n.DepartmentEnt {
				dg = ""
			}
			if _, err := tx.GetDepartment(n.SPID, dg, n.Department); err != nil {
				return storeErr(err, "Department", n.Department)
			}
		}
		return c.insertAdmin(tx, ads[0])
	})
}

// AdminView is an administrator as its get responses show it.
type AdminView struct {
	Admin store.Admin
	// Disabled: disabled by an administrator, or locked for now after
	// repeated bad passwords.
	Disabled bool
	// DepartmentPath is the full path of a department administrator's
	// department.
	DepartmentPath string
}

// Admin reads an administrator the actor may manage (or itself). levels,
// when given, are the levels the command deals with: another level's
// administrator is "not found" to it.
func (c *Core) Admin(ctx context.Context, a *Actor, id string, levels ...store.AdminLevel) (v AdminView, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		ad, err := c.adminForActor(tx, a, id, false, false, levels)
		if err != nil {
			return err
		}
		v = AdminView{Admin: ad, Disabled: ad.Disabled || c.lockedOut(ad.ID, c.opt.Now())}
		if ad.Level == store.LevelDepartment {
			v.DepartmentPath = departmentPath(tx, ad.SPID, ad.GroupID, ad.Department, ad.DepartmentEnt)
		}
		return nil
	})
	return v, err
}

func (c *Core) adminForActor(tx store.Tx, a *Actor, id string, write, pwOnly bool, levels []store.AdminLevel) (store.Admin, error) {
	ad, err := tx.GetAdmin(id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			if a != nil && a.Level < LevelReseller {
				return ad, ErrUnauthorized
			}
			return ad, errNotFound("Administrator", id)
		}
		return ad, err
	}
	if a == nil || a.ID != id || write {
		if err := c.authorizeAdmin(tx, a, ad, write, pwOnly); err != nil {
			return ad, err
		}
	}
	if len(levels) > 0 && !slices.Contains(levels, ad.Level) {
		return ad, errNotFound("Administrator", id)
	}
	return ad, nil
}

// AdminChange edits an administrator. Apply changes the descriptive
// fields (names, language); the id, level and scope never change.
// NewPassword sets the password; with OldPassword set it is a self-service
// change that must prove the old one, otherwise the actor's authority
// over the administrator is what counts (the modify commands carry no old
// password). Disabled sets the account state; enabling also lifts a
// lockout.
type AdminChange struct {
	Apply       func(*store.Admin) error
	NewPassword *string
	OldPassword *string
	Disabled    *bool
}

// ModifyAdmin applies ch. A "Password Reset Only" administrator may send
// a change that only sets a password. The last enabled System
// administrator cannot be disabled.
func (c *Core) ModifyAdmin(ctx context.Context, a *Actor, id string, ch AdminChange, levels ...store.AdminLevel) error {
	var sha, slow string
	if ch.NewPassword != nil {
		if *ch.NewPassword == "" {
			return errInvalid("password", "an administrator needs a password")
		}
		sha, slow = SHA1Hex(*ch.NewPassword), c.pw.hash(*ch.NewPassword)
	}
	unlock := false
	err := c.update(ctx, func(tx store.Tx) error {
		unlock = false
		var ad store.Admin
		var err error
		if ch.OldPassword != nil {
			if a == nil || a.ID != id || ch.Apply != nil || ch.Disabled != nil {
				return ErrUnauthorized
			}
			if ad, err = tx.GetAdmin(id); err != nil {
				return storeErr(err, "Administrator", id)
			}
			if !c.pw.verifyPlain(ad.ID, ad.PasswordSHA1, ad.PasswordHash, *ch.OldPassword) {
				return newErr(KindBadPassword)
			}
		} else {
			pwOnly := ch.Apply == nil && ch.Disabled == nil
			if ad, err = c.adminForActor(tx, a, id, true, pwOnly, levels); err != nil {
				return err
			}
		}
		keep := ad
		if ch.Apply != nil {
			if err := ch.Apply(&ad); err != nil {
				return err
			}
		}
		ad.ID, ad.Level, ad.SPID, ad.GroupID, ad.ResellerID = keep.ID, keep.Level, keep.SPID, keep.GroupID, keep.ResellerID
		ad.Department, ad.DepartmentEnt = keep.Department, keep.DepartmentEnt
		ad.PasswordSHA1, ad.PasswordHash, ad.Disabled = keep.PasswordSHA1, keep.PasswordHash, keep.Disabled
		if sha != "" {
			ad.PasswordSHA1, ad.PasswordHash = sha, slow
			ad.FailedLogins = 0
			unlock = true
		}
		if ch.Disabled != nil {
			ad.Disabled = *ch.Disabled
			unlock = unlock || !ad.Disabled
			if ad.Disabled && !keep.Disabled && ad.Level == store.LevelSystem {
				ok, err := otherSystemAdmin(tx, id)
				if err != nil {
					return err
				}
				if !ok {
					return &Error{Kind: KindInvalid, Args: []string{"accountDisabled", "the last enabled System administrator cannot be disabled"}}
				}
			}
		}
		return tx.UpdateAdmin(ad)
	})
	if err == nil && unlock {
		c.clearFailures(id)
	}
	return err
}

// otherSystemAdmin reports whether an enabled System administrator other
// than id exists: without one nobody could log in to manage the system.
func otherSystemAdmin(tx store.Tx, id string) (bool, error) {
	found := false
	err := tx.ListAdmins(store.AdminFilter{Level: store.LevelSystem}, func(o store.Admin) bool {
		found = o.ID != id && !o.Disabled
		return !found
	})
	return found, err
}

// DeleteAdmin removes an administrator; the last enabled System
// administrator cannot be removed.
func (c *Core) DeleteAdmin(ctx context.Context, a *Actor, id string, levels ...store.AdminLevel) error {
	return c.update(ctx, func(tx store.Tx) error {
		ad, err := c.adminForActor(tx, a, id, true, false, levels)
		if err != nil {
			return err
		}
		if ad.Level == store.LevelSystem && !ad.Disabled {
			ok, err := otherSystemAdmin(tx, id)
			if err != nil {
				return err
			}
			if !ok {
				return &Error{Kind: KindInUse, Args: []string{"Administrator", id}, Detail: "the last enabled System administrator"}
			}
		}
		return tx.DeleteAdmin(id)
	})
}

// AdminListFilter selects the administrators of one level in one scope:
// the store filter, plus a department for department administrators.
type AdminListFilter struct {
	store.AdminFilter
	Department    string
	DepartmentEnt bool
}

// ListAdmins lists administrators of one level in a scope, by id. As the
// list commands do, level System includes Provisioning administrators and
// level Group the group's department administrators. The scope (reseller,
// SP, group, department) must exist.
func (c *Core) ListAdmins(ctx context.Context, a *Actor, f AdminListFilter) (out []store.Admin, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		probe := store.Admin{Level: f.Level, SPID: f.SPID, GroupID: f.GroupID, ResellerID: f.ResellerID}
		if err := c.authorizeAdmin(tx, a, probe, false, false); err != nil {
			return err
		}
		switch f.Level {
		case store.LevelReseller:
			if _, err := tx.GetReseller(f.ResellerID); err != nil {
				return storeErr(err, "Reseller", f.ResellerID)
			}
		case store.LevelDepartment:
			dg := f.GroupID
			if f.DepartmentEnt {
				dg = ""
			}
			if _, err := tx.GetDepartment(f.SPID, dg, f.Department); err != nil {
				return storeErr(err, "Department", f.Department)
			}
		}
		out = out[:0]
		levels := []store.AdminLevel{f.Level}
		switch f.Level {
		case store.LevelSystem:
			levels = append(levels, store.LevelProvisioning)
		case store.LevelGroup:
			levels = append(levels, store.LevelDepartment)
		}
		for _, l := range levels {
			sf := f.AdminFilter
			sf.Level = l
			if err := tx.ListAdmins(sf, func(ad store.Admin) bool {
				if f.Level != store.LevelDepartment || (ad.Department == f.Department && ad.DepartmentEnt == f.DepartmentEnt) {
					out = append(out, ad)
				}
				return true
			}); err != nil {
				return err
			}
		}
		slices.SortFunc(out, func(x, y store.Admin) int { return strings.Compare(x.ID, y.ID) })
		return nil
	})
	return out, err
}

package provisioning

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"
	_ "time/tzdata" // time zones are checked by name even on hosts without a zoneinfo database

	"github.com/switchboard/switchboard/internal/store"
)

// GroupAdd is a group add with the consolidated form's sub-lists.
type GroupAdd struct {
	Group   store.Group
	Domains []string
	DNs     NumberSet // assigned from the SP
	// ActivatableDNs are added to the SP when free, then to the group;
	// Activate says whether they start activated.
	ActivatableDNs    []ActivatableDN
	ActivatableRanges []ActivatableRange
	ServiceAuth       []GroupServiceAuth
	GroupServices     []string
	Admins            []AdminAdd
}

// ActivatableDN is a number with its initial activation state.
type ActivatableDN struct {
	Number   string
	Activate bool
}

// ActivatableRange is an inclusive number range with its initial
// activation state.
type ActivatableRange struct {
	Min, Max string
	Activate bool
}

// GroupServiceAuth authorizes a user service, group service or pack to a
// group, with a quantity (store.Unlimited for unlimited).
type GroupServiceAuth struct {
	Kind     store.ServiceKind
	Name     string
	Quantity int
}

const maxUserLimit = 999999

// DefaultTimeZone is the time zone of a group added without one.
const DefaultTimeZone = "America/New_York"

// checkTimeZone accepts the IANA zone names BroadWorks uses.
func checkTimeZone(tz string) error {
	if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
		return errInvalid("timeZone", "unknown time zone: "+tz)
	}
	return nil
}

// checkExtensionLengths validates a group's extension length settings
// (0 meaning the server default): each within 2..20 and min <= default <= max.
func checkExtensionLengths(p store.GroupProfile) error {
	g := store.Group{Profile: p}
	min, max, def := extRules(g)
	for _, v := range []int{min, max, def} {
		if v < defaultExtMin || v > defaultExtMax {
			return errInvalid("extensionLength", "must be 2 to 20")
		}
	}
	if min > max || def < min || def > max {
		return errInvalid("extensionLength", "the lengths need min <= default <= max")
	}
	return nil
}

// AddGroup creates a group in an SP. The id is unique within the SP; the
// default domain must be assigned to the SP. SP admin or above.
func (c *Core) AddGroup(ctx context.Context, a *Actor, in GroupAdd) error {
	admins, err := c.hashAdmins(in.Admins)
	if err != nil {
		return err
	}
	in.Admins = admins
	return c.update(ctx, func(tx store.Tx) error {
		sp, err := tx.GetServiceProvider(in.Group.SPID)
		if err != nil {
			return c.hideMissing(a, LevelReseller, storeErr(err, "Service Provider", in.Group.SPID))
		}
		if err := authorize(tx, a, LevelServiceProvider, Target{SPID: sp.ID, ResellerID: sp.ResellerID}, true); err != nil {
			return err
		}
		if err := c.addGroup(tx, in); err != nil {
			return err
		}
		ads, err := c.expandActivatable(in.ActivatableDNs, in.ActivatableRanges)
		if err != nil {
			return err
		}
		g := in.Group
		for _, ad := range ads {
			if err := c.addActivatableDN(tx, a, g, ad); err != nil {
				return err
			}
		}
		return nil
	})
}

// addGroup inserts the group with its sub-lists, except the activatable
// numbers, which need the actor (AddGroup and AddGroupConsolidated).
func (c *Core) addGroup(tx store.Tx, in GroupAdd) error {
	g := in.Group
	if g.ID == "" {
		return errInvalid("groupId", "a group id is required")
	}
	if g.UserLimit < 1 || g.UserLimit > maxUserLimit {
		return errInvalid("userLimit", "must be 1 to 999999")
	}
	if g.Profile.TimeZone == "" {
		g.Profile.TimeZone = DefaultTimeZone
	}
	if err := checkTimeZone(g.Profile.TimeZone); err != nil {
		return err
	}
	if err := checkExtensionLengths(g.Profile); err != nil {
		return err
	}
	doms, err := tx.ListAssignedDomains(g.SPID, "")
	if err != nil {
		return err
	}
	if !slices.Contains(doms, g.DefaultDomain) {
		return errInvalid("defaultDomain", "the domain is not assigned to the service provider: "+g.DefaultDomain)
	}
	if err := tx.InsertGroup(g); err != nil {
		if errors.Is(err, store.ErrExists) {
			return errExists("Group", g.ID)
		}
		return err
	}
	if err := tx.AssignDomain(g.SPID, g.ID, g.DefaultDomain); err != nil {
		return err
	}
	for _, d := range in.Domains {
		if d == g.DefaultDomain {
			continue
		}
		if err := c.assignGroupDomain(tx, g.SPID, g.ID, d); err != nil {
			return err
		}
	}
	nums, err := c.expand(in.DNs)
	if err != nil {
		return err
	}
	for _, n := range nums {
		if err := assignGroupDN(tx, g.SPID, g.ID, n); err != nil {
			return err
		}
	}
	for _, sa := range in.ServiceAuth {
		if err := c.authorizeGroupService(tx, g.SPID, g.ID, sa); err != nil {
			return err
		}
	}
	for _, s := range in.GroupServices {
		if err := c.assignGroupService(tx, g.SPID, g.ID, s); err != nil {
			return err
		}
	}
	for _, ad := range in.Admins {
		ad.Admin.SPID, ad.Admin.GroupID, ad.Admin.Level = g.SPID, g.ID, store.LevelGroup
		if err := c.insertAdmin(tx, ad); err != nil {
			return err
		}
	}
	return nil
}

func (c *Core) expandActivatable(dns []ActivatableDN, ranges []ActivatableRange) ([]ActivatableDN, error) {
	out := slices.Clone(dns)
	for _, r := range ranges {
		nums, err := c.expandRange(r.Min, r.Max)
		if err != nil {
			return nil, err
		}
		for _, n := range nums {
			out = append(out, ActivatableDN{Number: n.String(), Activate: r.Activate})
		}
	}
	return out, nil
}

// addActivatableDN puts a number on a new group: a number unknown to the
// system is added to the SP first, which, like ServiceProviderDnAddList,
// needs a reseller admin or above; a number of the SP must be free.
func (c *Core) addActivatableDN(tx store.Tx, a *Actor, g store.Group, ad ActivatableDN) error {
	n, err := c.ParseNumber(ad.Number)
	if err != nil {
		return err
	}
	d, err := tx.GetDN(n.String())
	switch {
	case errors.Is(err, store.ErrNotFound):
		if !a.AtLeast(LevelReseller) {
			return &Error{Kind: KindUnauthorized, Detail: "adding " + n.String() + " to the service provider needs a reseller or provisioning administrator"}
		}
		return tx.InsertDN(store.DN{Number: n.String(), SPID: g.SPID, GroupID: g.ID, Activated: ad.Activate})
	case err != nil:
		return err
	case d.SPID != g.SPID || d.GroupID != "":
		return errInUse("Phone Number", n.String())
	}
	d.GroupID, d.Activated = g.ID, ad.Activate
	return tx.UpdateDN(d)
}

// DN validation statuses of GroupConsolidatedAddResponse22 (the schema's
// DNValidationStatus values).
const (
	DNInvalid         = "Invalid"
	DNDuplicate       = "Duplicate"
	DNDuplicateInList = "Duplicate In List"
	DNUnavailable     = "Unavailable"
)

// DNFailure is a number the consolidated group add could not take, with
// the reason.
type DNFailure struct {
	Number string // as given when it does not parse, canonical otherwise
	Status string
	Err    *Error
}

// AddGroupConsolidated is GroupConsolidatedAddRequest22: everything but
// the activatable numbers is all-or-nothing as in AddGroup; each
// activatable number that fails validation is reported instead of
// failing the add, and the numbers that pass are assigned.
func (c *Core) AddGroupConsolidated(ctx context.Context, a *Actor, in GroupAdd) (failed []DNFailure, err error) {
	admins, err := c.hashAdmins(in.Admins)
	if err != nil {
		return nil, err
	}
	in.Admins = admins
	dns, ranges := in.ActivatableDNs, in.ActivatableRanges
	in.ActivatableDNs, in.ActivatableRanges = nil, nil
	err = c.update(ctx, func(tx store.Tx) error {
		failed = failed[:0]
		sp, err := tx.GetServiceProvider(in.Group.SPID)
		if err != nil {
			return c.hideMissing(a, LevelReseller, storeErr(err, "Service Provider", in.Group.SPID))
		}
		if err := authorize(tx, a, LevelServiceProvider, Target{SPID: sp.ID, ResellerID: sp.ResellerID}, true); err != nil {
			return err
		}
		if err := c.addGroup(tx, in); err != nil {
			return err
		}
		g := in.Group
		all := slices.Clone(dns)
		for _, r := range ranges {
			nums, err := c.expandRange(r.Min, r.Max)
			if err != nil {
				e, _ := AsError(err)
				failed = append(failed, DNFailure{Number: r.Min + " - " + r.Max, Status: DNInvalid, Err: e})
				continue
			}
			for _, n := range nums {
				all = append(all, ActivatableDN{Number: n.String(), Activate: r.Activate})
			}
		}
		seen := map[string]bool{}
		for _, ad := range all {
			n, err := c.ParseNumber(ad.Number)
			if err != nil {
				e, _ := AsError(err)
				failed = append(failed, DNFailure{Number: ad.Number, Status: DNInvalid, Err: e})
				continue
			}
			if seen[n.String()] {
				failed = append(failed, DNFailure{Number: n.String(), Status: DNDuplicateInList,
					Err: errInvalid("phoneNumber", "listed twice: "+n.String())})
				continue
			}
			seen[n.String()] = true
			d, err := tx.GetDN(n.String())
			if err == nil && d.SPID != g.SPID {
				failed = append(failed, DNFailure{Number: n.String(), Status: DNDuplicate, Err: errInUse("Phone Number", n.String())})
				continue
			}
			if err == nil && d.GroupID != "" {
				failed = append(failed, DNFailure{Number: n.String(), Status: DNUnavailable, Err: errInUse("Phone Number", n.String())})
				continue
			}
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err := c.addActivatableDN(tx, a, g, ActivatableDN{Number: n.String(), Activate: ad.Activate}); err != nil {
				if e, ok := AsError(err); ok && e.Kind == KindUnauthorized {
					failed = append(failed, DNFailure{Number: n.String(), Status: DNUnavailable, Err: e})
					continue
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return failed, nil
}

// GroupInfo is a group with its computed user count and its service
// provider (for the enterprise flag and reseller id).
type GroupInfo struct {
	Group     store.Group
	UserCount int
	SP        store.ServiceProvider
}

// Group reads a group by (sp, group) or external id.
func (c *Core) Group(ctx context.Context, a *Actor, spID, groupID, externalID string) (gi GroupInfo, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		var g store.Group
		var err error
		if groupID == "" && externalID != "" {
			g, err = tx.GetGroupByExternalID(externalID)
			if err != nil {
				return c.hideMissing(a, LevelReseller, storeErr(err, "Group", externalID))
			}
		} else {
			g, err = tx.GetGroup(spID, groupID)
			if err != nil {
				if errors.Is(err, store.ErrNotFound) && a != nil && a.Level < LevelReseller && !a.covers(Target{SPID: spID, GroupID: groupID}) {
					return ErrUnauthorized
				}
				return storeErr(err, "Group", groupID)
			}
		}
		if err := authorize(tx, a, LevelGroup, Target{SPID: g.SPID, GroupID: g.ID}, false); err != nil {
			return err
		}
		n, err := tx.CountUsers(g.SPID, g.ID, store.KindUser)
		if err != nil {
			return err
		}
		sp, err := tx.GetServiceProvider(g.SPID)
		gi = GroupInfo{Group: g, UserCount: n, SP: sp}
		return err
	})
	return gi, err
}

// ModifyGroup applies fn to a group and saves it. Group admins may change
// descriptive fields; only SP admins and above may change the user limit.
func (c *Core) ModifyGroup(ctx context.Context, a *Actor, spID, groupID string, fn func(*store.Group) error) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelGroup, spID, groupID, true); err != nil {
			return err
		}
		g, err := tx.GetGroup(spID, groupID)
		if err != nil {
			return storeErr(err, "Group", groupID)
		}
		keep := g
		if err := fn(&g); err != nil {
			return err
		}
		g.SPID, g.ID = keep.SPID, keep.ID
		if g.UserLimit != keep.UserLimit {
			if !a.AtLeast(LevelServiceProvider) {
				return ErrUnauthorized
			}
			if g.UserLimit < 1 || g.UserLimit > maxUserLimit {
				return errInvalid("userLimit", "must be 1 to 999999")
			}
			n, err := tx.CountUsers(spID, groupID, store.KindUser)
			if err != nil {
				return err
			}
			if g.UserLimit < n {
				return errInvalid("userLimit", "below the number of users in the group")
			}
		}
		if g.Profile.TimeZone != keep.Profile.TimeZone {
			if err := checkTimeZone(g.Profile.TimeZone); err != nil {
				return err
			}
		}
		if g.Profile.ExtensionMin != keep.Profile.ExtensionMin || g.Profile.ExtensionMax != keep.Profile.ExtensionMax ||
			g.Profile.ExtensionDefault != keep.Profile.ExtensionDefault {
			if err := checkExtensionLengths(g.Profile); err != nil {
				return err
			}
			if err := extensionsFit(tx, g); err != nil {
				return err
			}
		}
		if g.DefaultDomain != keep.DefaultDomain {
			doms, err := tx.ListAssignedDomains(spID, groupID)
			if err != nil {
				return err
			}
			if !slices.Contains(doms, g.DefaultDomain) {
				return errInvalid("defaultDomain", "the domain is not assigned to the group")
			}
		}
		return storeErr(tx.UpdateGroup(g), "Group", groupID)
	})
}

// extensionsFit refuses extension lengths that existing extensions of the
// group's users and service instances would break.
func extensionsFit(tx store.Tx, g store.Group) error {
	min, max, _ := extRules(g)
	var bad string
	err := tx.ListUsers(store.UserFilter{SPID: g.SPID, GroupID: g.ID}, func(u store.User) bool {
		if l := len(u.Extension); l > 0 && (l < min || l > max) {
			bad = u.ID
			return false
		}
		return true
	})
	if err != nil {
		return err
	}
	if bad != "" {
		return &Error{Kind: KindInUse, Args: []string{"Extension length", strconv.Itoa(min) + "-" + strconv.Itoa(max)},
			Detail: "the extension of " + bad + " does not fit"}
	}
	return nil
}

// DeleteGroup deletes a group with its users, service instances, devices,
// departments and admins; its numbers return to the SP. SP admin or above.
func (c *Core) DeleteGroup(ctx context.Context, a *Actor, spID, groupID string) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelServiceProvider, spID, groupID, true); err != nil {
			return err
		}
		return c.purgeGroup(tx, spID, groupID)
	})
}

func (c *Core) purgeGroup(tx store.Tx, spID, groupID string) error {
	var ids []string
	if err := tx.ListUsers(store.UserFilter{SPID: spID, GroupID: groupID}, func(u store.User) bool { ids = append(ids, u.ID); return true }); err != nil {
		return err
	}
	// Service instances first: deleting them releases their agents.
	for _, kind := range []store.UserKind{store.KindCallCenter, store.KindUser} {
		for _, id := range ids {
			u, err := tx.GetUser(id)
			if err != nil || u.Kind != kind {
				continue
			}
			if err := c.deleteUser(tx, u); err != nil {
				return err
			}
		}
	}
	var devs []string
	if err := tx.ListDevices(spID, groupID, func(d store.Device) bool { devs = append(devs, d.Name); return true }); err != nil {
		return err
	}
	for _, d := range devs {
		if err := tx.DeleteDevice(spID, groupID, d); err != nil {
			return err
		}
	}
	var dns []store.DN
	if err := tx.ListDNs(spID, groupID, func(d store.DN) bool { dns = append(dns, d); return true }); err != nil {
		return err
	}
	for _, d := range dns {
		d.GroupID, d.Activated = "", false
		if err := tx.UpdateDN(d); err != nil {
			return err
		}
	}
	doms, err := tx.ListAssignedDomains(spID, groupID)
	if err != nil {
		return err
	}
	for _, d := range doms {
		if err := tx.UnassignDomain(spID, groupID, d); err != nil {
			return err
		}
	}
	var auths []store.ServiceAuth
	if err := tx.ListServiceAuth(spID, groupID, func(s store.ServiceAuth) bool { auths = append(auths, s); return true }); err != nil {
		return err
	}
	for _, s := range auths {
		if err := tx.DeleteServiceAuth(spID, groupID, s.Kind, s.Name); err != nil {
			return err
		}
	}
	gs, err := tx.ListAssignedServices(groupOwner(spID, groupID))
	if err != nil {
		return err
	}
	for _, s := range gs {
		if err := tx.UnassignService(s.Owner, s.Kind, s.Name); err != nil {
			return err
		}
	}
	var admins []string
	if err := tx.ListAdmins(store.AdminFilter{SPID: spID, GroupID: groupID}, func(ad store.Admin) bool { admins = append(admins, ad.ID); return true }); err != nil {
		return err
	}
	for _, ad := range admins {
		if err := tx.DeleteAdmin(ad); err != nil {
			return err
		}
	}
	var depts []string
	if err := tx.ListDepartments(spID, groupID, func(d store.Department) bool { depts = append(depts, d.Name); return true }); err != nil {
		return err
	}
	for _, d := range depts {
		if err := tx.DeleteDepartment(spID, groupID, d); err != nil {
			return err
		}
	}
	return tx.DeleteGroup(spID, groupID)
}

// GroupListFilter is the group list criteria. ExactSP, SPID criteria
// and ResellerID criteria apply to the system-wide list.
type GroupListFilter struct {
	SPID       string // "" for the system-wide list
	ID, Name   []StringCriterion
	ExactSP    string
	SPIDs      []StringCriterion
	ResellerID []StringCriterion
	Limit      int
}

// ListGroups lists groups of an SP (or of the system) in (SP, group) id
// order, with their user counts and service providers. A reseller admin
// sees its own SPs' groups, whatever the reseller criteria say.
func (c *Core) ListGroups(ctx context.Context, a *Actor, f GroupListFilter) (out []GroupInfo, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		out = out[:0]
		if a == nil {
			return newErr(KindNotLoggedIn)
		}
		if f.SPID != "" {
			if err := c.spScope(tx, a, LevelServiceProvider, f.SPID, false); err != nil {
				return err
			}
		} else if a.Level != LevelReseller {
			if err := authorize(tx, a, LevelReseller, Target{}, false); err != nil {
				return err
			}
		}
		sps := map[string]store.ServiceProvider{}
		var inner error
		err := tx.ListGroups(f.SPID, func(g store.Group) bool {
			sp, ok := sps[g.SPID]
			if !ok {
				var err error
				if sp, err = tx.GetServiceProvider(g.SPID); err != nil {
					inner = err
					return false
				}
				sps[g.SPID] = sp
			}
			if a.Level == LevelReseller && sp.ResellerID != a.ResellerID {
				return true
			}
			if !matchAll(f.ID, g.ID) || !matchAll(f.Name, g.Name) || !matchAll(f.SPIDs, g.SPID) {
				return true
			}
			if f.ExactSP != "" && g.SPID != f.ExactSP {
				return true
			}
			if a.Level != LevelReseller && !matchAll(f.ResellerID, sp.ResellerID) {
				return true
			}
			n, err := tx.CountUsers(g.SPID, g.ID, store.KindUser)
			if err != nil {
				inner = err
				return false
			}
			out = append(out, GroupInfo{Group: g, UserCount: n, SP: sp})
			return f.Limit <= 0 || len(out) < f.Limit
		})
		if err == nil {
			err = inner
		}
		return err
	})
	return out, err
}

func groupOwner(spID, groupID string) string { return spID + "/" + groupID }

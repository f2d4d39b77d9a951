package provisioning

import (
	"context"
	"errors"
	"slices"

	"github.com/switchboard/switchboard/internal/store"
)

// Licensing. Switchboard licenses every service of the schema's catalogue
// at the system level without a quantity limit, so the chain that matters
// starts at the service provider: SP authorization (quantity) → group
// authorization (quantity within what the SP has left) → assignment to a
// user (counted against the group's quantity). Service packs are defined
// at the SP from user services it is authorized for, with a quantity no
// larger than any of those services' quantities, and flow down the same
// way (group authorization of the pack → assignment to users).

// AuthChange authorizes (Quantity, store.Unlimited for unlimited) or, with
// Unauthorize, withdraws a service or pack.
type AuthChange struct {
	Kind        store.ServiceKind
	Name        string
	Quantity    int
	Unauthorize bool
}

// ModifySPServiceAuth changes service authorizations of an SP, all or
// nothing. Provisioning or above (a reseller for its own SPs).
func (c *Core) ModifySPServiceAuth(ctx context.Context, a *Actor, spID string, changes []AuthChange) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelReseller, spID, true); err != nil {
			return err
		}
		for _, ch := range changes {
			if ch.Unauthorize {
				if err := c.unauthorizeSPService(tx, spID, ch.Kind, ch.Name); err != nil {
					return err
				}
				continue
			}
			if err := c.authorizeSPServices(tx, spID, ch.Kind, []ServiceQuantity{{ch.Name, ch.Quantity}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// authorizeSPServices sets SP authorizations. A new quantity may not fall
// below what the SP's groups hold, nor below a pack built on the service.
func (c *Core) authorizeSPServices(tx store.Tx, spID string, kind store.ServiceKind, svcs []ServiceQuantity) error {
	for _, s := range svcs {
		if s.Quantity != store.Unlimited && s.Quantity < 1 {
			return errInvalid("authorizedQuantity", "must be unlimited or at least 1")
		}
		if s.Quantity != store.Unlimited {
			used, err := c.spAllocated(tx, spID, kind, s.Name, "")
			if err != nil {
				return err
			}
			if used == store.Unlimited || used > s.Quantity {
				return &Error{Kind: KindLimit, Args: []string{"authorized quantity of " + s.Name}, Detail: "groups hold more than the new quantity"}
			}
			if kind == store.SvcUser {
				var big string
				err := tx.ListServicePacks(spID, func(p store.ServicePack) bool {
					if slices.Contains(p.Services, s.Name) && (p.Quantity == store.Unlimited || p.Quantity > s.Quantity) {
						big = p.Name
						return false
					}
					return true
				})
				if err != nil {
					return err
				}
				if big != "" {
					return &Error{Kind: KindLimit, Args: []string{"authorized quantity of " + s.Name}, Detail: "service pack " + big + " holds more than the new quantity"}
				}
			}
		}
		if err := tx.PutServiceAuth(store.ServiceAuth{SPID: spID, Kind: kind, Name: s.Name, Quantity: s.Quantity}); err != nil {
			return err
		}
	}
	return nil
}

// unauthorizeSPService withdraws a service from an SP. Withdrawing one
// that is not authorized changes nothing and is not an error (the state
// asked for holds); one that a group holds or a pack is built on is in use.
func (c *Core) unauthorizeSPService(tx store.Tx, spID string, kind store.ServiceKind, name string) error {
	if _, err := tx.GetServiceAuth(spID, "", kind, name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	holder := ""
	if err := tx.ListGroups(spID, func(g store.Group) bool {
		if _, err := tx.GetServiceAuth(spID, g.ID, kind, name); err == nil {
			holder = "group " + g.ID
			return false
		}
		return true
	}); err != nil {
		return err
	}
	if holder == "" && kind == store.SvcUser {
		err := tx.ListServicePacks(spID, func(p store.ServicePack) bool {
			if slices.Contains(p.Services, name) {
				holder = "service pack " + p.Name
				return false
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	if holder != "" {
		return &Error{Kind: KindInUse, Args: []string{"Service", name}, Detail: "authorized to " + holder}
	}
	return tx.DeleteServiceAuth(spID, "", kind, name)
}

// spAllocated sums the quantities groups of the SP hold for a service
// (Unlimited if any group holds it unlimited), skipping exceptGroup.
func (c *Core) spAllocated(tx store.Tx, spID string, kind store.ServiceKind, name, exceptGroup string) (int, error) {
	total := 0
	var inner error
	err := tx.ListGroups(spID, func(g store.Group) bool {
		if g.ID == exceptGroup {
			return true
		}
		ga, err := tx.GetServiceAuth(spID, g.ID, kind, name)
		if errors.Is(err, store.ErrNotFound) {
			return true
		}
		if err != nil {
			inner = err
			return false
		}
		if ga.Quantity == store.Unlimited {
			total = store.Unlimited
			return false
		}
		total += ga.Quantity
		return true
	})
	if err == nil {
		err = inner
	}
	return total, err
}

// ModifyGroupServiceAuth changes a group's authorizations, all or
// nothing. SP admin or above.
func (c *Core) ModifyGroupServiceAuth(ctx context.Context, a *Actor, spID, groupID string, changes []AuthChange) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelServiceProvider, spID, groupID, true); err != nil {
			return err
		}
		for _, ch := range changes {
			if ch.Unauthorize {
				if err := c.unauthorizeGroupService(tx, spID, groupID, ch.Kind, ch.Name); err != nil {
					return err
				}
				continue
			}
			if err := c.authorizeGroupService(tx, spID, groupID, GroupServiceAuth{Kind: ch.Kind, Name: ch.Name, Quantity: ch.Quantity}); err != nil {
				return err
			}
		}
		return nil
	})
}

// unauthorizeGroupService withdraws a service or pack from a group; as at
// the SP, withdrawing what is not authorized is a no-op, and what users
// (or the group itself) use stays.
func (c *Core) unauthorizeGroupService(tx store.Tx, spID, groupID string, kind store.ServiceKind, name string) error {
	if _, err := tx.GetServiceAuth(spID, groupID, kind, name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	n, err := c.groupUsage(tx, spID, groupID, kind, name)
	if err != nil {
		return err
	}
	if n > 0 {
		what := "Service"
		if kind == store.SvcPack {
			what = "Service Pack"
		}
		return errInUse(what, name)
	}
	return tx.DeleteServiceAuth(spID, groupID, kind, name)
}

// authorizeGroupService sets a group authorization within what the SP has
// left: an SP with a limited quantity cannot give a group an unlimited one.
func (c *Core) authorizeGroupService(tx store.Tx, spID, groupID string, sa GroupServiceAuth) error {
	if sa.Quantity != store.Unlimited && sa.Quantity < 1 {
		return errInvalid("authorizedQuantity", "must be unlimited or at least 1")
	}
	spQty := store.Unlimited
	if sa.Kind == store.SvcPack {
		p, err := tx.GetServicePack(spID, sa.Name)
		if err != nil {
			return storeErr(err, "Service Pack", sa.Name)
		}
		if !p.Available {
			// A pack withdrawn from use keeps the groups that hold it but
			// reaches no new one.
			if _, err := tx.GetServiceAuth(spID, groupID, sa.Kind, sa.Name); errors.Is(err, store.ErrNotFound) {
				return &Error{Kind: KindServiceAssign, Args: []string{sa.Name}, Detail: "the service pack is not available for use"}
			}
		}
		spQty = p.Quantity
	} else {
		spa, err := tx.GetServiceAuth(spID, "", sa.Kind, sa.Name)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return &Error{Kind: KindServiceAssign, Args: []string{sa.Name}, Detail: "the service is not authorized to the service provider"}
			}
			return err
		}
		spQty = spa.Quantity
	}
	if spQty != store.Unlimited {
		others, err := c.spAllocated(tx, spID, sa.Kind, sa.Name, groupID)
		if err != nil {
			return err
		}
		if sa.Quantity == store.Unlimited || others == store.Unlimited || others+sa.Quantity > spQty {
			return errLimit("authorized quantity of " + sa.Name + " at the service provider")
		}
	}
	if sa.Quantity != store.Unlimited {
		used, err := c.groupUsage(tx, spID, groupID, sa.Kind, sa.Name)
		if err != nil {
			return err
		}
		if used > sa.Quantity {
			return errLimit("authorized quantity of " + sa.Name + " is below what the group uses")
		}
	}
	return tx.PutServiceAuth(store.ServiceAuth{SPID: spID, GroupID: groupID, Kind: sa.Kind, Name: sa.Name, Quantity: sa.Quantity})
}

// groupUsage counts what a group uses of a service: user assignments (and
// service instances of the call center services), or 1 for an assigned
// group service.
func (c *Core) groupUsage(tx store.Tx, spID, groupID string, kind store.ServiceKind, name string) (int, error) {
	if kind == store.SvcGroup {
		gs, err := tx.ListAssignedServices(groupOwner(spID, groupID))
		if err != nil {
			return 0, err
		}
		for _, s := range gs {
			if s.Name == name {
				return 1, nil
			}
		}
		return 0, nil
	}
	n, err := tx.CountAssigned(spID, groupID, kind, name)
	if err != nil {
		return 0, err
	}
	if kind == store.SvcUser {
		if t, ok := callCenterTypeOfService(name); ok {
			err := tx.ListCallCenters(spID, groupID, func(cc store.CallCenter) bool {
				if cc.Type == t {
					n++
				}
				return true
			})
			if err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// AddServicePack defines a pack at an SP from services authorized to it.
// SP admin or above.
func (c *Core) AddServicePack(ctx context.Context, a *Actor, p store.ServicePack) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelServiceProvider, p.SPID, true); err != nil {
			return err
		}
		return c.addServicePack(tx, p)
	})
}

func (c *Core) addServicePack(tx store.Tx, p store.ServicePack) error {
	if p.Name == "" {
		return errInvalid("servicePackName", "empty")
	}
	p.Services = dedupe(p.Services)
	if err := c.checkPackServices(tx, p); err != nil {
		return err
	}
	return storeErr(tx.InsertServicePack(p), "Service Pack", p.Name)
}

func dedupe(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// checkPackServices: every service of a pack is a user service authorized
// to the SP with at least the pack's quantity.
func (c *Core) checkPackServices(tx store.Tx, p store.ServicePack) error {
	if p.Quantity != store.Unlimited && p.Quantity < 1 {
		return errInvalid("servicePackQuantity", "must be unlimited or at least 1")
	}
	for _, s := range p.Services {
		spa, err := tx.GetServiceAuth(p.SPID, "", store.SvcUser, s)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return errInvalid("serviceName", "not authorized to the service provider: "+s)
			}
			return err
		}
		if spa.Quantity != store.Unlimited && (p.Quantity == store.Unlimited || p.Quantity > spa.Quantity) {
			return errLimit("service pack quantity exceeds the authorized quantity of " + s)
		}
	}
	return nil
}

// PackChange is a partial update of a service pack; nil leaves a field
// as it is.
type PackChange struct {
	NewName     *string
	Description *string // "" clears it
	Available   *bool
	Quantity    *int // store.Unlimited for unlimited
	// AddServices are added to the pack's services, which the schema only
	// allows while no group holds the pack.
	AddServices []string
}

// ModifyServicePack changes a pack. Its quantity cannot drop below what
// groups hold; a rename carries the groups' authorizations and the users'
// assignments over to the new name. SP admin or above.
func (c *Core) ModifyServicePack(ctx context.Context, a *Actor, spID, name string, ch PackChange) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelServiceProvider, spID, true); err != nil {
			return err
		}
		p, err := tx.GetServicePack(spID, name)
		if err != nil {
			return storeErr(err, "Service Pack", name)
		}
		allocated, err := c.spAllocated(tx, spID, store.SvcPack, name, "")
		if err != nil {
			return err
		}
		if ch.Description != nil {
			p.Description = *ch.Description
		}
		if ch.Available != nil {
			p.Available = *ch.Available
		}
		if ch.Quantity != nil {
			q := *ch.Quantity
			if q != store.Unlimited && (allocated == store.Unlimited || allocated > q) {
				return &Error{Kind: KindLimit, Args: []string{"quantity of service pack " + name}, Detail: "groups hold more than the new quantity"}
			}
			p.Quantity = q
		}
		if len(ch.AddServices) > 0 {
			if allocated != 0 {
				return &Error{Kind: KindInUse, Args: []string{"Service Pack", name}, Detail: "services can only be added while no group is authorized for the pack"}
			}
			p.Services = dedupe(append(p.Services, ch.AddServices...))
		}
		if err := c.checkPackServices(tx, p); err != nil {
			return err
		}
		if ch.NewName == nil || *ch.NewName == name {
			return tx.UpdateServicePack(p)
		}
		return c.renameServicePack(tx, p, *ch.NewName)
	})
}

// renameServicePack stores p under newName and moves every reference to
// the old name (group authorizations, user assignments) with it.
func (c *Core) renameServicePack(tx store.Tx, p store.ServicePack, newName string) error {
	old := p.Name
	if newName == "" {
		return errInvalid("newServicePackName", "empty")
	}
	p.Name = newName
	if err := tx.InsertServicePack(p); err != nil {
		return storeErr(err, "Service Pack", newName)
	}
	var auths []store.ServiceAuth
	if err := tx.ListGroups(p.SPID, func(g store.Group) bool {
		if ga, err := tx.GetServiceAuth(p.SPID, g.ID, store.SvcPack, old); err == nil {
			auths = append(auths, ga)
		}
		return true
	}); err != nil {
		return err
	}
	for _, ga := range auths {
		if err := tx.DeleteServiceAuth(ga.SPID, ga.GroupID, store.SvcPack, old); err != nil {
			return err
		}
		ga.Name = newName
		if err := tx.PutServiceAuth(ga); err != nil {
			return err
		}
	}
	var holders []string
	if err := tx.ListUsers(store.UserFilter{SPID: p.SPID}, func(u store.User) bool { holders = append(holders, u.ID); return true }); err != nil {
		return err
	}
	for _, id := range holders {
		as, err := tx.ListAssignedServices(id)
		if err != nil {
			return err
		}
		for _, s := range as {
			if s.Kind != store.SvcPack || s.Name != old {
				continue
			}
			if err := tx.UnassignService(id, store.SvcPack, old); err != nil {
				return err
			}
			if err := tx.AssignService(store.ServiceAssignment{Owner: id, Kind: store.SvcPack, Name: newName}); err != nil {
				return err
			}
		}
	}
	return tx.DeleteServicePack(p.SPID, old)
}

// DeleteServicePack removes a pack no group holds. SP admin or above.
func (c *Core) DeleteServicePack(ctx context.Context, a *Actor, spID, name string) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelServiceProvider, spID, true); err != nil {
			return err
		}
		if _, err := tx.GetServicePack(spID, name); err != nil {
			return storeErr(err, "Service Pack", name)
		}
		n, err := c.spAllocated(tx, spID, store.SvcPack, name, "")
		if err != nil {
			return err
		}
		if n != 0 {
			return &Error{Kind: KindInUse, Args: []string{"Service Pack", name}, Detail: "groups are authorized for it"}
		}
		return tx.DeleteServicePack(spID, name)
	})
}

// ServicePacks lists an SP's packs in name order.
func (c *Core) ServicePacks(ctx context.Context, a *Actor, spID string) (out []store.ServicePack, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelServiceProvider, spID, false); err != nil {
			return err
		}
		out = out[:0]
		return tx.ListServicePacks(spID, func(p store.ServicePack) bool { out = append(out, p); return true })
	})
	return out, err
}

// PackDetail is a pack with how much of it groups hold and how far the
// SP's authorizations let it go.
type PackDetail struct {
	Pack store.ServicePack
	// Allocated is the sum of the groups' quantities (Unlimited when a
	// group holds it unlimited).
	Allocated int
	// Allowed is the largest quantity the pack may have: the smallest
	// authorized quantity among its services (Unlimited when none limits).
	Allowed  int
	Services []PackService
}

// PackService is one service of a pack with the SP's authorization of it.
type PackService struct {
	Name       string
	Authorized int // the SP's quantity (Unlimited)
	Allocated  int // held by groups directly (Unlimited)
}

// ServicePackDetail reads one pack. SP admin or above.
func (c *Core) ServicePackDetail(ctx context.Context, a *Actor, spID, name string) (d PackDetail, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelServiceProvider, spID, false); err != nil {
			return err
		}
		p, err := tx.GetServicePack(spID, name)
		if err != nil {
			return storeErr(err, "Service Pack", name)
		}
		d = PackDetail{Pack: p, Allowed: store.Unlimited}
		if d.Allocated, err = c.spAllocated(tx, spID, store.SvcPack, name, ""); err != nil {
			return err
		}
		for _, s := range p.Services {
			ps := PackService{Name: s, Authorized: store.Unlimited}
			if spa, err := tx.GetServiceAuth(spID, "", store.SvcUser, s); err == nil {
				ps.Authorized = spa.Quantity
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if ps.Allocated, err = c.spAllocated(tx, spID, store.SvcUser, s, ""); err != nil {
				return err
			}
			if ps.Authorized != store.Unlimited && (d.Allowed == store.Unlimited || ps.Authorized < d.Allowed) {
				d.Allowed = ps.Authorized
			}
			d.Services = append(d.Services, ps)
		}
		return nil
	})
	return d, err
}

// PackHolder is a group's authorization of a pack and how many of its
// users have the pack.
type PackHolder struct {
	Pack     string
	GroupID  string
	Quantity int // Unlimited
	Assigned int
}

// ServicePackHolders lists, for every pack of an SP, the groups authorized
// for it. SP admin or above.
func (c *Core) ServicePackHolders(ctx context.Context, a *Actor, spID string) (packs []store.ServicePack, holders []PackHolder, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelServiceProvider, spID, false); err != nil {
			return err
		}
		packs, holders = packs[:0], holders[:0]
		if err := tx.ListServicePacks(spID, func(p store.ServicePack) bool { packs = append(packs, p); return true }); err != nil {
			return err
		}
		var groups []string
		if err := tx.ListGroups(spID, func(g store.Group) bool { groups = append(groups, g.ID); return true }); err != nil {
			return err
		}
		for _, p := range packs {
			for _, g := range groups {
				ga, err := tx.GetServiceAuth(spID, g, store.SvcPack, p.Name)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				n, err := c.groupUsage(tx, spID, g, store.SvcPack, p.Name)
				if err != nil {
					return err
				}
				holders = append(holders, PackHolder{Pack: p.Name, GroupID: g, Quantity: ga.Quantity, Assigned: n})
			}
		}
		return nil
	})
	return packs, holders, err
}

// AuthLine is one service or pack in an authorization list.
type AuthLine struct {
	Kind       store.ServiceKind
	Name       string
	Authorized bool
	Quantity   int // the authorization's quantity (Unlimited); 0 when not authorized
	// Used is, at the SP, what its groups hold (Unlimited when one holds it
	// unlimited); at a group, what the group uses.
	Used int
	// InPacks (SP level, user services) is the total quantity of the SP's
	// packs built on the service (Unlimited when one is unlimited).
	InPacks int
	// Allowed (group level) is the most the group could be authorized:
	// what the SP has left for it (Unlimited).
	Allowed     int
	Description string // packs
}

// SPAuthorizations lists the services authorized to an SP with their
// allocation to groups and packs. SP admin or above.
func (c *Core) SPAuthorizations(ctx context.Context, a *Actor, spID string) (out []AuthLine, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelServiceProvider, spID, false); err != nil {
			return err
		}
		var auths []store.ServiceAuth
		if err := tx.ListServiceAuth(spID, "", func(s store.ServiceAuth) bool { auths = append(auths, s); return true }); err != nil {
			return err
		}
		var packs []store.ServicePack
		if err := tx.ListServicePacks(spID, func(p store.ServicePack) bool { packs = append(packs, p); return true }); err != nil {
			return err
		}
		out = out[:0]
		for _, s := range auths {
			l := AuthLine{Kind: s.Kind, Name: s.Name, Authorized: true, Quantity: s.Quantity}
			var err error
			if l.Used, err = c.spAllocated(tx, spID, s.Kind, s.Name, ""); err != nil {
				return err
			}
			if s.Kind == store.SvcUser {
				for _, p := range packs {
					if slices.Contains(p.Services, s.Name) {
						l.InPacks = addQuantity(l.InPacks, p.Quantity)
					}
				}
			}
			out = append(out, l)
		}
		return nil
	})
	return out, err
}

// GroupAuthorizations lists what a group may be authorized for: every
// service authorized to its SP and every pack of the SP, each with the
// group's authorization, its use and what the SP has left for the group.
// Group admin or above.
func (c *Core) GroupAuthorizations(ctx context.Context, a *Actor, spID, groupID string) (out []AuthLine, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelGroup, spID, groupID, false); err != nil {
			return err
		}
		var offers []store.ServiceAuth // what the SP offers, with its quantity
		var descr = map[string]string{}
		if err := tx.ListServiceAuth(spID, "", func(s store.ServiceAuth) bool { offers = append(offers, s); return true }); err != nil {
			return err
		}
		if err := tx.ListServicePacks(spID, func(p store.ServicePack) bool {
			offers = append(offers, store.ServiceAuth{SPID: spID, Kind: store.SvcPack, Name: p.Name, Quantity: p.Quantity})
			descr[p.Name] = p.Description
			return true
		}); err != nil {
			return err
		}
		out = out[:0]
		for _, o := range offers {
			l := AuthLine{Kind: o.Kind, Name: o.Name, Allowed: store.Unlimited, Description: descr[o.Name]}
			ga, err := tx.GetServiceAuth(spID, groupID, o.Kind, o.Name)
			switch {
			case err == nil:
				l.Authorized, l.Quantity = true, ga.Quantity
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
			if l.Used, err = c.groupUsage(tx, spID, groupID, o.Kind, o.Name); err != nil {
				return err
			}
			if o.Quantity != store.Unlimited {
				others, err := c.spAllocated(tx, spID, o.Kind, o.Name, groupID)
				if err != nil {
					return err
				}
				l.Allowed = max(o.Quantity-others, 0)
				if others == store.Unlimited {
					l.Allowed = 0
				}
			}
			out = append(out, l)
		}
		return nil
	})
	return out, err
}

// addQuantity adds quantities where Unlimited absorbs everything.
func addQuantity(a, b int) int {
	if a == store.Unlimited || b == store.Unlimited {
		return store.Unlimited
	}
	return a + b
}

// AssignGroupServices assigns group services (Music On Hold, Call Park…)
// authorized to the group. Group admin or above.
func (c *Core) AssignGroupServices(ctx context.Context, a *Actor, spID, groupID string, names []string, assign bool) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelGroup, spID, groupID, true); err != nil {
			return err
		}
		for _, n := range names {
			if !assign {
				if err := tx.UnassignService(groupOwner(spID, groupID), store.SvcGroup, n); err != nil {
					return storeErr(err, "Service", n)
				}
				continue
			}
			if err := c.assignGroupService(tx, spID, groupID, n); err != nil {
				return err
			}
		}
		return nil
	})
}

func (c *Core) assignGroupService(tx store.Tx, spID, groupID, name string) error {
	if _, err := tx.GetServiceAuth(spID, groupID, store.SvcGroup, name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return newErr(KindServiceAssign, name)
		}
		return err
	}
	if err := tx.AssignService(store.ServiceAssignment{Owner: groupOwner(spID, groupID), Kind: store.SvcGroup, Name: name}); err != nil && !errors.Is(err, store.ErrExists) {
		return err
	}
	return nil
}

// ServiceResult is the outcome of one name in a user service assignment.
type ServiceResult struct {
	Kind store.ServiceKind
	Name string
	Err  error // nil when assigned
}

// AssignUserServices assigns services and packs to a user, each on its own:
// the caller reports a Warning when some fail and an Error when all do.
func (c *Core) AssignUserServices(ctx context.Context, a *Actor, userID string, services, packs []string) (res []ServiceResult, err error) {
	err = c.update(ctx, func(tx store.Tx) error {
		res = res[:0]
		u, err := c.userForWrite(tx, a, userID, LevelGroup)
		if err != nil {
			return err
		}
		for _, s := range services {
			res = append(res, ServiceResult{store.SvcUser, s, c.assignUserService(tx, u, store.SvcUser, s, false)})
		}
		for _, p := range packs {
			res = append(res, ServiceResult{store.SvcPack, p, c.assignUserService(tx, u, store.SvcPack, p, false)})
		}
		return nil
	})
	return res, err
}

// assignUserService assigns one service or pack; with autoAuthorize (the
// consolidated add run by an SP admin or above) a missing group
// authorization is added, unlimited.
func (c *Core) assignUserService(tx store.Tx, u store.User, kind store.ServiceKind, name string, autoAuthorize bool) error {
	fail := func(detail string) error {
		return &Error{Kind: KindServiceAssign, Args: []string{name}, Detail: detail}
	}
	if kind == store.SvcPack {
		p, err := tx.GetServicePack(u.SPID, name)
		if errors.Is(err, store.ErrNotFound) {
			return fail("no such service pack")
		}
		if err != nil {
			return err
		}
		if !p.Available {
			return fail("the service pack is not available for use")
		}
	}
	ga, err := tx.GetServiceAuth(u.SPID, u.GroupID, kind, name)
	if errors.Is(err, store.ErrNotFound) {
		if !autoAuthorize {
			return fail("not authorized to the group")
		}
		if err := c.authorizeGroupService(tx, u.SPID, u.GroupID, GroupServiceAuth{Kind: kind, Name: name, Quantity: store.Unlimited}); err != nil {
			return err
		}
		ga = store.ServiceAuth{Quantity: store.Unlimited}
	} else if err != nil {
		return err
	}
	if ga.Quantity != store.Unlimited {
		n, err := c.groupUsage(tx, u.SPID, u.GroupID, kind, name)
		if err != nil {
			return err
		}
		if n >= ga.Quantity {
			return fail("no authorized quantity left in the group")
		}
	}
	err = tx.AssignService(store.ServiceAssignment{Owner: u.ID, Kind: kind, Name: name})
	if errors.Is(err, store.ErrExists) {
		return nil // assigning twice is harmless
	}
	return err
}

// UnassignUserServices removes services and packs from a user.
func (c *Core) UnassignUserServices(ctx context.Context, a *Actor, userID string, services, packs []string) error {
	return c.update(ctx, func(tx store.Tx) error {
		u, err := c.userForWrite(tx, a, userID, LevelGroup)
		if err != nil {
			return err
		}
		for _, s := range services {
			if err := tx.UnassignService(u.ID, store.SvcUser, s); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		for _, p := range packs {
			if err := tx.UnassignService(u.ID, store.SvcPack, p); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if err := c.checkAgentServices(tx, u); err != nil {
			return err
		}
		// BroadWorks drops a feature's settings with its service, so a
		// reassigned service starts from defaults.
		return resetUnheldRouting(tx, u)
	})
}

// checkAgentServices refuses a change that leaves a call center agent
// without a call center service at or above the type of a center it
// staffs (the agent lists would hold someone the center may not use).
func (c *Core) checkAgentServices(tx store.Tx, u store.User) error {
	centers, err := tx.ListAgentCenters(u.ID)
	if err != nil {
		return err
	}
	for _, ag := range centers {
		cc, err := tx.GetCallCenter(ag.ServiceUserID)
		if err != nil {
			return err
		}
		ok := false
		for _, t := range callCenterTypes[max(typeRank(cc.Type), 0):] {
			has, err := userHasService(tx, u, callCenterServicePrefix+t)
			if err != nil {
				return err
			}
			ok = ok || has
		}
		if !ok {
			return &Error{Kind: KindInUse, Args: []string{"Service", callCenterServicePrefix + cc.Type},
				Detail: "the user is an agent of call center " + cc.ServiceUserID + "; remove it from the agent list first"}
		}
	}
	return nil
}

// UserServices returns what a user has assigned and what the group offers.
type UserServices struct {
	Assigned   []store.ServiceAssignment
	GroupAuths []store.ServiceAuth
	Packs      map[string]store.ServicePack
}

// UserServiceView reads a user's service assignment state.
func (c *Core) UserServiceView(ctx context.Context, a *Actor, userID string) (out UserServices, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		u, err := c.userForRead(tx, a, userID)
		if err != nil {
			return err
		}
		out = UserServices{Packs: map[string]store.ServicePack{}}
		if out.Assigned, err = tx.ListAssignedServices(u.ID); err != nil {
			return err
		}
		if err := tx.ListServiceAuth(u.SPID, u.GroupID, func(s store.ServiceAuth) bool { out.GroupAuths = append(out.GroupAuths, s); return true }); err != nil {
			return err
		}
		return tx.ListServicePacks(u.SPID, func(p store.ServicePack) bool { out.Packs[p.Name] = p; return true })
	})
	return out, err
}

// userHasService reports whether the user holds a service directly or
// through an assigned pack.
func userHasService(tx store.Tx, u store.User, name string) (bool, error) {
	as, err := tx.ListAssignedServices(u.ID)
	if err != nil {
		return false, err
	}
	for _, s := range as {
		if s.Kind == store.SvcUser && s.Name == name {
			return true, nil
		}
		if s.Kind == store.SvcPack {
			p, err := tx.GetServicePack(u.SPID, s.Name)
			if err == nil && slices.Contains(p.Services, name) {
				return true, nil
			}
		}
	}
	return false, nil
}

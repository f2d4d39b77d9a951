package provisioning

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/switchboard/switchboard/internal/store"
)

// ServiceProviderAdd is everything an SP add may carry; the consolidated
// form's sub-lists are applied in the same transaction.
type ServiceProviderAdd struct {
	SP      store.ServiceProvider
	Domains []string
	DNs     NumberSet
	// ResellerName, when set, must be the name of the SP's reseller: an
	// SP add does not create or rename resellers.
	ResellerName     string
	GroupServiceAuth []ServiceQuantity
	UserServiceAuth  []ServiceQuantity
	Admins           []AdminAdd
	ServicePacks     []store.ServicePack
}

// ServiceQuantity is an authorization: Quantity store.Unlimited (-1) for
// unlimited.
type ServiceQuantity struct {
	Name     string
	Quantity int
}

// AddServiceProvider creates a service provider or enterprise. The id is
// unique system-wide; the default domain must exist and is assigned
// automatically. Provisioning or above, or a reseller for its own SPs.
func (c *Core) AddServiceProvider(ctx context.Context, a *Actor, in ServiceProviderAdd) error {
	sp := in.SP
	if sp.ID == "" {
		return errInvalid("serviceProviderId", "a service provider id is required")
	}
	// Numbers are parsed and ranges expanded before the transaction so a
	// malformed number costs no store time.
	nums, err := c.expand(in.DNs)
	if err != nil {
		return err
	}
	admins, err := c.hashAdmins(in.Admins)
	if err != nil {
		return err
	}
	return c.update(ctx, func(tx store.Tx) error {
		if err := authorizeSPCreate(tx, a, &sp); err != nil {
			return err
		}
		if err := checkResellerName(tx, sp.ResellerID, in.ResellerName); err != nil {
			return err
		}
		d, err := tx.GetDomain(sp.DefaultDomain)
		if err != nil {
			return storeErr(err, "Domain", sp.DefaultDomain)
		}
		if d.ResellerID != "" && d.ResellerID != sp.ResellerID {
			return errInvalid("defaultDomain", "the domain belongs to another reseller")
		}
		if err := tx.InsertServiceProvider(sp); err != nil {
			if errors.Is(err, store.ErrExists) {
				return errExists("Service Provider", sp.ID)
			}
			return err
		}
		if err := tx.AssignDomain(sp.ID, "", sp.DefaultDomain); err != nil {
			return err
		}
		for _, dom := range in.Domains {
			if dom == sp.DefaultDomain {
				continue
			}
			if err := c.assignSPDomain(tx, sp, dom); err != nil {
				return err
			}
		}
		if err := c.addSPNumbers(tx, sp.ID, nums); err != nil {
			return err
		}
		if err := c.authorizeSPServices(tx, sp.ID, store.SvcGroup, in.GroupServiceAuth); err != nil {
			return err
		}
		if err := c.authorizeSPServices(tx, sp.ID, store.SvcUser, in.UserServiceAuth); err != nil {
			return err
		}
		for _, p := range in.ServicePacks {
			p.SPID = sp.ID
			if err := c.addServicePack(tx, p); err != nil {
				return err
			}
		}
		for _, ad := range admins {
			ad.Admin.SPID = sp.ID
			ad.Admin.Level = store.LevelServiceProvider
			if err := c.insertAdmin(tx, ad); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkResellerName accepts a reseller name only as a confirmation of the
// reseller's stored name.
func checkResellerName(tx store.Tx, resellerID, name string) error {
	if name == "" {
		return nil
	}
	if resellerID == "" {
		return errInvalid("resellerName", "a reseller name needs a reseller id")
	}
	r, err := tx.GetReseller(resellerID)
	if err != nil {
		return storeErr(err, "Reseller", resellerID)
	}
	if r.Name != name {
		return &Error{Kind: KindInvalid, Args: []string{"resellerName", "not the name of reseller " + resellerID},
			Detail: "resellers are renamed with ResellerModifyRequest"}
	}
	return nil
}

func authorizeSPCreate(tx store.Tx, a *Actor, sp *store.ServiceProvider) error {
	if a != nil && a.Level == LevelReseller && !a.ReadOnly {
		// A reseller's SPs are its own, whatever the request says.
		sp.ResellerID = a.ResellerID
		return nil
	}
	if err := authorize(tx, a, LevelProvisioning, Target{}, true); err != nil {
		return err
	}
	if sp.ResellerID != "" {
		if _, err := tx.GetReseller(sp.ResellerID); err != nil {
			return storeErr(err, "Reseller", sp.ResellerID)
		}
	}
	return nil
}

// ServiceProvider reads one SP by id or external id.
func (c *Core) ServiceProvider(ctx context.Context, a *Actor, id, externalID string) (sp store.ServiceProvider, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		var err error
		if id == "" && externalID != "" {
			sp, err = tx.GetServiceProviderByExternalID(externalID)
			id = externalID
		} else {
			sp, err = tx.GetServiceProvider(id)
		}
		if err != nil {
			if a == nil {
				return newErr(KindNotLoggedIn)
			}
			if errors.Is(err, store.ErrNotFound) && !a.AtLeast(LevelReseller) {
				return ErrUnauthorized // do not reveal which SPs exist
			}
			return storeErr(err, "Service Provider", id)
		}
		return authorize(tx, a, LevelServiceProvider, Target{SPID: sp.ID, ResellerID: sp.ResellerID}, false)
	})
	return sp, err
}

// SPChange is a service provider modification: Apply edits the stored
// record (descriptive fields, default domain, reseller id);
// ResellerName, when set, must confirm the resulting reseller's name.
type SPChange struct {
	Apply        func(*store.ServiceProvider) error
	ResellerName string
}

// ModifyServiceProvider applies a change to the stored SP and saves it.
// The id and the enterprise flag never change. A new default domain must
// be assigned to the SP already. Moving the SP to another reseller needs
// a Provisioning admin or above, an existing reseller, and no domain of
// the SP or its groups that belongs to a different reseller.
func (c *Core) ModifyServiceProvider(ctx context.Context, a *Actor, id string, ch SPChange) error {
	return c.update(ctx, func(tx store.Tx) error {
		sp, err := tx.GetServiceProvider(id)
		if err != nil {
			return c.hideMissing(a, LevelReseller, storeErr(err, "Service Provider", id))
		}
		if err := authorize(tx, a, LevelServiceProvider, Target{SPID: id, ResellerID: sp.ResellerID}, true); err != nil {
			return err
		}
		keep := sp
		if ch.Apply != nil {
			if err := ch.Apply(&sp); err != nil {
				return err
			}
		}
		sp.ID, sp.IsEnterprise = keep.ID, keep.IsEnterprise
		if sp.DefaultDomain != keep.DefaultDomain {
			doms, err := tx.ListAssignedDomains(id, "")
			if err != nil {
				return err
			}
			if !slices.Contains(doms, sp.DefaultDomain) {
				return errInvalid("defaultDomain", "the domain is not assigned to the service provider: "+sp.DefaultDomain)
			}
		}
		if sp.ResellerID != keep.ResellerID {
			if err := c.moveToReseller(tx, a, sp); err != nil {
				return err
			}
		}
		if err := checkResellerName(tx, sp.ResellerID, ch.ResellerName); err != nil {
			return err
		}
		return storeErr(tx.UpdateServiceProvider(sp), "Service Provider", id)
	})
}

// moveToReseller checks that sp may now belong to sp.ResellerID.
func (c *Core) moveToReseller(tx store.Tx, a *Actor, sp store.ServiceProvider) error {
	if !a.AtLeast(LevelProvisioning) {
		return &Error{Kind: KindUnauthorized, Detail: "moving a service provider to another reseller needs a provisioning administrator"}
	}
	if sp.ResellerID == "" {
		return errInvalid("resellerId", "a service provider cannot be taken out of its reseller")
	}
	if _, err := tx.GetReseller(sp.ResellerID); err != nil {
		return storeErr(err, "Reseller", sp.ResellerID)
	}
	check := func(doms []string) error {
		for _, name := range doms {
			d, err := tx.GetDomain(name)
			if err != nil {
				return err
			}
			if d.ResellerID != "" && d.ResellerID != sp.ResellerID {
				return errInvalid("resellerId", "domain "+name+" belongs to another reseller")
			}
		}
		return nil
	}
	doms, err := tx.ListAssignedDomains(sp.ID, "")
	if err != nil {
		return err
	}
	// Group domains are a subset of the SP's, so the SP list covers them.
	return check(doms)
}

// DeleteServiceProvider removes an SP that has no groups left; its
// numbers, domain assignments, authorizations, packs and admins go with
// it. Provisioning or above (a reseller for its own).
func (c *Core) DeleteServiceProvider(ctx context.Context, a *Actor, id string) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelReseller, id, true); err != nil {
			return err
		}
		hasGroup := false
		if err := tx.ListGroups(id, func(store.Group) bool { hasGroup = true; return false }); err != nil {
			return err
		}
		if hasGroup {
			return &Error{Kind: KindInUse, Args: []string{"Service Provider", id}, Detail: "delete its groups first"}
		}
		return c.purgeServiceProvider(tx, id)
	})
}

func (c *Core) purgeServiceProvider(tx store.Tx, id string) error {
	// SP-level devices go with the SP; group devices went with the groups.
	var devs []string
	if err := tx.ListDevices(id, "", func(d store.Device) bool { devs = append(devs, d.Name); return true }); err != nil {
		return err
	}
	for _, d := range devs {
		if err := tx.DeleteDevice(id, "", d); err != nil {
			return err
		}
	}
	var dns []string
	if err := tx.ListDNs(id, "", func(d store.DN) bool { dns = append(dns, d.Number); return true }); err != nil {
		return err
	}
	for _, n := range dns {
		if err := tx.DeleteDN(n); err != nil {
			return err
		}
	}
	doms, err := tx.ListAssignedDomains(id, "")
	if err != nil {
		return err
	}
	for _, d := range doms {
		if err := tx.UnassignDomain(id, "", d); err != nil {
			return err
		}
	}
	var auths []store.ServiceAuth
	if err := tx.ListServiceAuth(id, "", func(s store.ServiceAuth) bool { auths = append(auths, s); return true }); err != nil {
		return err
	}
	for _, s := range auths {
		if err := tx.DeleteServiceAuth(id, "", s.Kind, s.Name); err != nil {
			return err
		}
	}
	var packs []string
	if err := tx.ListServicePacks(id, func(p store.ServicePack) bool { packs = append(packs, p.Name); return true }); err != nil {
		return err
	}
	for _, p := range packs {
		if err := tx.DeleteServicePack(id, p); err != nil {
			return err
		}
	}
	var admins []string
	if err := tx.ListAdmins(store.AdminFilter{SPID: id}, func(ad store.Admin) bool { admins = append(admins, ad.ID); return true }); err != nil {
		return err
	}
	for _, ad := range admins {
		if err := tx.DeleteAdmin(ad); err != nil {
			return err
		}
	}
	var depts []string
	if err := tx.ListDepartments(id, "", func(d store.Department) bool { depts = append(depts, d.Name); return true }); err != nil {
		return err
	}
	for _, d := range depts {
		if err := tx.DeleteDepartment(id, "", d); err != nil {
			return err
		}
	}
	return tx.DeleteServiceProvider(id)
}

// SPListFilter is ServiceProviderGetListRequest's criteria.
type SPListFilter struct {
	IsEnterprise *bool
	ID, Name     []StringCriterion
	ResellerID   []StringCriterion
	Limit        int
}

// ListServiceProviders returns SPs in id order, filtered; reseller admins
// see only their own whatever the criteria.
func (c *Core) ListServiceProviders(ctx context.Context, a *Actor, f SPListFilter) (out []store.ServiceProvider, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		out = out[:0]
		if err := authorize(tx, a, LevelReseller, Target{}, false); err != nil && a != nil && a.Level != LevelReseller {
			return err
		}
		return tx.ListServiceProviders(func(sp store.ServiceProvider) bool {
			if a.Level == LevelReseller && sp.ResellerID != a.ResellerID {
				return true
			}
			if f.IsEnterprise != nil && sp.IsEnterprise != *f.IsEnterprise {
				return true
			}
			if !matchAll(f.ID, sp.ID) || !matchAll(f.Name, sp.Name) {
				return true
			}
			// A reseller admin's list is its own whatever the reseller
			// criteria say (the schema: they are ignored).
			if a.Level != LevelReseller && !matchAll(f.ResellerID, sp.ResellerID) {
				return true
			}
			out = append(out, sp)
			return f.Limit <= 0 || len(out) < f.Limit
		})
	})
	return out, err
}

// AssignDomains assigns system domains to an SP (groupID "") or SP domains
// to a group. Already assigned → 4267 naming the domain.
func (c *Core) AssignDomains(ctx context.Context, a *Actor, spID, groupID string, domains []string) error {
	return c.update(ctx, func(tx store.Tx) error {
		sp, err := tx.GetServiceProvider(spID)
		if err != nil {
			return c.hideMissing(a, LevelReseller, storeErr(err, "Service Provider", spID))
		}
		if groupID == "" {
			if err := authorize(tx, a, LevelReseller, Target{SPID: spID, ResellerID: sp.ResellerID}, true); err != nil {
				return err
			}
			for _, d := range domains {
				if err := c.assignSPDomain(tx, sp, d); err != nil {
					return err
				}
			}
			return nil
		}
		if err := authorize(tx, a, LevelServiceProvider, Target{SPID: spID, GroupID: groupID, ResellerID: sp.ResellerID}, true); err != nil {
			return err
		}
		if _, err := tx.GetGroup(spID, groupID); err != nil {
			return storeErr(err, "Group", groupID)
		}
		for _, d := range domains {
			if err := c.assignGroupDomain(tx, spID, groupID, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func (c *Core) assignSPDomain(tx store.Tx, sp store.ServiceProvider, domain string) error {
	d, err := tx.GetDomain(domain)
	if err != nil {
		return storeErr(err, "Domain", domain)
	}
	if d.ResellerID != "" && d.ResellerID != sp.ResellerID {
		return errInvalid("domain", "the domain belongs to another reseller: "+domain)
	}
	if err := tx.AssignDomain(sp.ID, "", domain); err != nil {
		if errors.Is(err, store.ErrExists) {
			return newErr(KindDomainAssigned, domain)
		}
		return err
	}
	return nil
}

func (c *Core) assignGroupDomain(tx store.Tx, spID, groupID, domain string) error {
	doms, err := tx.ListAssignedDomains(spID, "")
	if err != nil {
		return err
	}
	if !slices.Contains(doms, domain) {
		return errInvalid("domain", "the domain is not assigned to the service provider: "+domain)
	}
	if err := tx.AssignDomain(spID, groupID, domain); err != nil {
		if errors.Is(err, store.ErrExists) {
			return newErr(KindDomainAssigned, domain)
		}
		return err
	}
	return nil
}

// UnassignDomains removes domain assignments not in use below.
func (c *Core) UnassignDomains(ctx context.Context, a *Actor, spID, groupID string, domains []string) error {
	return c.update(ctx, func(tx store.Tx) error {
		sp, err := tx.GetServiceProvider(spID)
		if err != nil {
			return c.hideMissing(a, LevelReseller, storeErr(err, "Service Provider", spID))
		}
		min := LevelReseller
		if groupID != "" {
			min = LevelServiceProvider
		}
		if err := authorize(tx, a, min, Target{SPID: spID, GroupID: groupID, ResellerID: sp.ResellerID}, true); err != nil {
			return err
		}
		for _, d := range domains {
			if groupID == "" && d == sp.DefaultDomain {
				return errInUse("Domain", d)
			}
			if groupID != "" {
				g, err := tx.GetGroup(spID, groupID)
				if err != nil {
					return storeErr(err, "Group", groupID)
				}
				if g.DefaultDomain == d {
					return errInUse("Domain", d)
				}
			}
			if used, err := c.domainUsedBelow(tx, spID, groupID, d); err != nil {
				return err
			} else if used {
				return errInUse("Domain", d)
			}
			if err := tx.UnassignDomain(spID, groupID, d); err != nil {
				return storeErr(err, "Domain", d)
			}
		}
		return nil
	})
}

func (c *Core) domainUsedBelow(tx store.Tx, spID, groupID, d string) (bool, error) {
	used := false
	err := tx.ListUsers(store.UserFilter{SPID: spID, GroupID: groupID}, func(u store.User) bool {
		if strings.EqualFold(domainOf(u.ID), d) {
			used = true
			return false
		}
		return true
	})
	if err != nil || used || groupID != "" {
		return used, err
	}
	err = tx.ListGroups(spID, func(g store.Group) bool {
		doms, err2 := tx.ListAssignedDomains(spID, g.ID)
		if err2 != nil || slices.Contains(doms, d) {
			used = true
			return false
		}
		return true
	})
	return used, err
}

// AssignedDomains returns the default domain and all assigned domains of
// an SP (groupID "") or group, in name order, with their resellers.
func (c *Core) AssignedDomains(ctx context.Context, a *Actor, spID, groupID string) (def string, doms []store.Domain, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		sp, err := tx.GetServiceProvider(spID)
		if err != nil {
			return c.hideMissing(a, LevelReseller, storeErr(err, "Service Provider", spID))
		}
		min := LevelServiceProvider
		if groupID != "" {
			min = LevelGroup
		}
		if err := authorize(tx, a, min, Target{SPID: spID, GroupID: groupID, ResellerID: sp.ResellerID}, false); err != nil {
			return err
		}
		def = sp.DefaultDomain
		if groupID != "" {
			g, err := tx.GetGroup(spID, groupID)
			if err != nil {
				return storeErr(err, "Group", groupID)
			}
			def = g.DefaultDomain
		}
		names, err := tx.ListAssignedDomains(spID, groupID)
		if err != nil {
			return err
		}
		doms = make([]store.Domain, 0, len(names))
		for _, n := range names {
			d, err := tx.GetDomain(n)
			if err != nil {
				return err
			}
			doms = append(doms, d)
		}
		return nil
	})
	return def, doms, err
}

// hideMissing turns "not found" into "unauthorized" for logins below min,
// so that a group admin cannot learn which other SPs or groups exist.
func (c *Core) hideMissing(a *Actor, min Level, err error) error {
	if e, ok := AsError(err); ok && e.Kind == KindNotFound && a != nil && a.Level < min {
		return ErrUnauthorized
	}
	return err
}

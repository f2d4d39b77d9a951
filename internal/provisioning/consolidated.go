package provisioning

import (
	"context"
	"errors"
	"slices"

	"github.com/switchboard/switchboard/internal/store"
)

// Service names the consolidated user add checks by name.
const (
	ServiceSharedCallAppearance = "Shared Call Appearance"
	ServiceThirdPartyVoiceMail  = "Third-Party Voice Mail Support"
	ServiceAuthentication       = "Authentication"
)

// ConsolidatedUserAdd is UserConsolidatedAddRequest22 in core terms.
type ConsolidatedUserAdd struct {
	GroupExternalID string
	// NewGroup is used only when the group does not exist (the request's
	// groupProperties); nil when the request has none.
	NewGroup *GroupAdd
	User     UserAdd // User.SPID/GroupID name the group; Services/Packs are ignored here
	// Services and Packs carry the request's optional quantities: used
	// when the group has to be authorized first (unlimited when absent).
	Services []ServiceQuantity
	Packs    []ServiceQuantity
	// NewDevice is the endpoint's device as the request describes it:
	// created at group level when the group has no device of that name.
	NewDevice *store.Device
	// AddPhoneNumberToGroup is the request's flag.
	AddPhoneNumberToGroup bool
	// Elements whose presence needs a service among the request's.
	HasSharedCallAppearance bool
	HasThirdPartyVoiceMail  bool
	HasSIPAuthentication    bool
}

// ConsolidatedAddUser applies every AS-mode rule of
// UserConsolidatedAddRequest22 in one transaction: a failure at any step
// leaves nothing behind (no group, domain, number or authorization).
func (c *Core) ConsolidatedAddUser(ctx context.Context, a *Actor, in ConsolidatedUserAdd) error {
	if a == nil {
		return newErr(KindNotLoggedIn)
	}
	if in.User.Password == "" && !c.opt.ExternalAuth {
		return errInvalid("password", "a password is required")
	}
	return c.update(ctx, func(tx store.Tx) error {
		spID, groupID := in.User.User.SPID, in.User.User.GroupID
		var g store.Group
		var err error
		if groupID == "" && in.GroupExternalID != "" {
			g, err = tx.GetGroupByExternalID(in.GroupExternalID)
			if err != nil {
				return c.hideMissing(a, LevelReseller, storeErr(err, "Group", in.GroupExternalID))
			}
			spID, groupID = g.SPID, g.ID
		} else {
			g, err = tx.GetGroup(spID, groupID)
		}
		sp, spErr := tx.GetServiceProvider(spID)
		if spErr != nil {
			return c.hideMissing(a, LevelReseller, storeErr(spErr, "Service Provider", spID))
		}
		spTarget := Target{SPID: spID, ResellerID: sp.ResellerID}
		if err := c.consolidatedServiceChecks(tx, spID, in); err != nil {
			return err
		}
		switch {
		case errors.Is(err, store.ErrNotFound):
			// Rule: the group is created only by an SP admin or above,
			// and only from groupProperties.
			if err := authorize(tx, a, LevelServiceProvider, spTarget, true); err != nil {
				return err
			}
			if in.NewGroup == nil {
				return &Error{Kind: KindNotFound, Args: []string{"Group", groupID}, Detail: "groupProperties is required to create the group"}
			}
			ng := *in.NewGroup
			ng.Group.SPID, ng.Group.ID = spID, groupID
			if err := c.addGroup(tx, ng); err != nil {
				return err
			}
			if g, err = tx.GetGroup(spID, groupID); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if err := authorize(tx, a, LevelGroup, Target{SPID: spID, GroupID: groupID, ResellerID: sp.ResellerID}, true); err != nil {
				return err
			}
		}
		// Rule: raise the user limit by one if needed.
		if err := c.checkUserLimit(tx, g, true); err != nil {
			return err
		}
		if g, err = tx.GetGroup(spID, groupID); err != nil {
			return err
		}
		if err := c.consolidatedDomain(tx, a, sp, g, in.User.User.ID); err != nil {
			return err
		}
		if err := c.consolidatedNumber(tx, a, g, in); err != nil {
			return err
		}
		// Rule: alternate user ids need a group admin or above.
		if len(in.User.User.AlternateIDs) > 0 && !a.AtLeast(LevelGroup) {
			return ErrUnauthorized
		}
		if in.NewDevice != nil {
			d := *in.NewDevice
			d.SPID, d.GroupID = spID, groupID
			if ep := in.User.User.Profile.Endpoint; ep != nil && ep.DeviceLevel == "Service Provider" {
				d.GroupID = ""
			}
			if _, err := tx.GetDevice(spID, d.GroupID, d.Name); errors.Is(err, store.ErrNotFound) {
				if d.Type == "" {
					return errNotFound("Access Device", d.Name)
				}
				if err := tx.InsertDevice(d); err != nil {
					return storeErr(err, "Access Device", d.Name)
				}
			} else if err != nil {
				return err
			}
		}
		ua := in.User
		ua.User.SPID, ua.User.GroupID = spID, groupID
		ua.Services, ua.Packs = nil, nil
		if err := c.insertUser(tx, g, ua); err != nil {
			return err
		}
		u, err := tx.GetUser(ua.User.ID)
		if err != nil {
			return err
		}
		// Rule: services and packs not yet authorized to the group are
		// authorized (SP admin or above; the request's quantity, else
		// unlimited), then assigned.
		assign := func(kind store.ServiceKind, sq ServiceQuantity) error {
			if _, err := tx.GetServiceAuth(spID, groupID, kind, sq.Name); errors.Is(err, store.ErrNotFound) {
				if !a.AtLeast(LevelServiceProvider) {
					return &Error{Kind: KindUnauthorized, Detail: "authorizing " + sq.Name + " to the group needs a service provider administrator"}
				}
				q := sq.Quantity
				if q == 0 {
					q = store.Unlimited
				}
				if err := c.authorizeGroupService(tx, spID, groupID, GroupServiceAuth{Kind: kind, Name: sq.Name, Quantity: q}); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
			return c.assignUserService(tx, u, kind, sq.Name, false)
		}
		for _, s := range in.Services {
			if err := assign(store.SvcUser, s); err != nil {
				return err
			}
		}
		for _, p := range in.Packs {
			if err := assign(store.SvcPack, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// consolidatedServiceChecks: shared call appearance endpoints, third-party
// voice mail elements and SIP authentication data each need their service
// among the request's services or in one of its packs. Switchboard has no
// "new user template", so the request is the only source.
func (c *Core) consolidatedServiceChecks(tx store.Tx, spID string, in ConsolidatedUserAdd) error {
	has := func(svc string) (bool, error) {
		for _, s := range in.Services {
			if s.Name == svc {
				return true, nil
			}
		}
		for _, p := range in.Packs {
			sp, err := tx.GetServicePack(spID, p.Name)
			if errors.Is(err, store.ErrNotFound) {
				continue // reported when the pack is assigned
			}
			if err != nil {
				return false, err
			}
			if slices.Contains(sp.Services, svc) {
				return true, nil
			}
		}
		return false, nil
	}
	for _, r := range []struct {
		present   bool
		svc, elem string
	}{
		{in.HasSharedCallAppearance, ServiceSharedCallAppearance, "sharedCallAppearanceAccessDeviceEndpoint"},
		{in.HasThirdPartyVoiceMail, ServiceThirdPartyVoiceMail, "thirdPartyVoiceMail"},
		{in.HasSIPAuthentication, ServiceAuthentication, "sipAuthenticationData"},
	} {
		if !r.present {
			continue
		}
		ok, err := has(r.svc)
		if err != nil {
			return err
		}
		if !ok {
			return errInvalid(r.elem, "needs the "+r.svc+" service among the request's services or service packs")
		}
	}
	return nil
}

// consolidatedDomain: a user id domain not on the group is assigned to it
// by an SP admin or above; not on the SP either, it is first assigned to
// the SP by a Provisioning admin or above. Otherwise the add fails.
func (c *Core) consolidatedDomain(tx store.Tx, a *Actor, sp store.ServiceProvider, g store.Group, userID string) error {
	d := domainOf(userID)
	if d == "" || userID[0] == '@' {
		return errInvalid("userId", "a user id needs the form user@domain: "+userID)
	}
	gd, err := tx.ListAssignedDomains(g.SPID, g.ID)
	if err != nil {
		return err
	}
	if containsFold(gd, d) {
		return nil
	}
	if !a.AtLeast(LevelServiceProvider) {
		return &Error{Kind: KindUnauthorized, Detail: "assigning domain " + d + " to the group needs a service provider administrator"}
	}
	spd, err := tx.ListAssignedDomains(g.SPID, "")
	if err != nil {
		return err
	}
	if !containsFold(spd, d) {
		if !a.AtLeast(LevelProvisioning) {
			return &Error{Kind: KindUnauthorized, Detail: "assigning domain " + d + " to the service provider needs a provisioning administrator"}
		}
		if err := c.assignSPDomain(tx, sp, d); err != nil {
			return err
		}
	}
	return c.assignGroupDomain(tx, g.SPID, g.ID, d)
}

// consolidatedNumber: a number not on the group is added to it only when
// addPhoneNumberToGroup is set, the caller is an SP admin or above and
// the number is a free number of the SP.
func (c *Core) consolidatedNumber(tx store.Tx, a *Actor, g store.Group, in ConsolidatedUserAdd) error {
	if in.User.User.PhoneNumber == "" {
		return nil
	}
	n, err := c.ParseNumber(in.User.User.PhoneNumber)
	if err != nil {
		return err
	}
	d, err := tx.GetDN(n.String())
	if err == nil && d.SPID == g.SPID && d.GroupID == g.ID {
		return nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	switch {
	case !in.AddPhoneNumberToGroup:
		return errInvalid("phoneNumber", "the number is not assigned to the group and addPhoneNumberToGroup is not set: "+n.String())
	case !a.AtLeast(LevelServiceProvider):
		return &Error{Kind: KindUnauthorized, Detail: "adding a number to the group needs a service provider administrator"}
	case errors.Is(err, store.ErrNotFound) || d.SPID != g.SPID:
		return errInvalid("phoneNumber", "the number is not assigned to the service provider: "+n.String())
	case d.GroupID != "":
		return errInUse("Phone Number", n.String())
	}
	return assignGroupDN(tx, g.SPID, g.ID, n.String())
}

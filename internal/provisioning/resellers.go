package provisioning

import (
	"context"

	"github.com/switchboard/switchboard/internal/store"
)

// Resellers sit between the system and service providers. They are
// managed by Provisioning administrators and above; a reseller
// administrator may read its own reseller and sees only it in lists.

func authorizeReseller(tx store.Tx, a *Actor, id string, write bool) error {
	if a != nil && a.Level == LevelReseller && a.ResellerID == id && !write {
		return nil
	}
	return authorize(tx, a, LevelProvisioning, Target{}, write)
}

// AddReseller creates a reseller; its id is unique.
func (c *Core) AddReseller(ctx context.Context, a *Actor, r store.Reseller) error {
	if r.ID == "" {
		return errInvalid("resellerId", "empty")
	}
	return c.update(ctx, func(tx store.Tx) error {
		if err := authorizeReseller(tx, a, r.ID, true); err != nil {
			return err
		}
		return storeErr(tx.InsertReseller(r), "Reseller", r.ID)
	})
}

// Reseller reads one reseller.
func (c *Core) Reseller(ctx context.Context, a *Actor, id string) (r store.Reseller, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := authorizeReseller(tx, a, id, false); err != nil {
			return err
		}
		r, err = tx.GetReseller(id)
		return storeErr(err, "Reseller", id)
	})
	return r, err
}

// ModifyReseller applies fn to a reseller (its id stays).
func (c *Core) ModifyReseller(ctx context.Context, a *Actor, id string, fn func(*store.Reseller) error) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := authorizeReseller(tx, a, id, true); err != nil {
			return err
		}
		r, err := tx.GetReseller(id)
		if err != nil {
			return storeErr(err, "Reseller", id)
		}
		if err := fn(&r); err != nil {
			return err
		}
		r.ID = id
		return storeErr(tx.UpdateReseller(r), "Reseller", id)
	})
}

// DeleteReseller removes a reseller no service provider or domain
// belongs to; its administrators go with it.
func (c *Core) DeleteReseller(ctx context.Context, a *Actor, id string) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := authorizeReseller(tx, a, id, true); err != nil {
			return err
		}
		if _, err := tx.GetReseller(id); err != nil {
			return storeErr(err, "Reseller", id)
		}
		var sp string
		if err := tx.ListServiceProviders(func(s store.ServiceProvider) bool {
			if s.ResellerID == id {
				sp = s.ID
			}
			return sp == ""
		}); err != nil {
			return err
		}
		if sp != "" {
			return &Error{Kind: KindInUse, Args: []string{"Reseller", id}, Detail: "service provider " + sp + " belongs to it"}
		}
		var dom string
		if err := tx.ListDomains(func(d store.Domain) bool {
			if d.ResellerID == id {
				dom = d.Name
			}
			return dom == ""
		}); err != nil {
			return err
		}
		if dom != "" {
			return &Error{Kind: KindInUse, Args: []string{"Reseller", id}, Detail: "domain " + dom + " belongs to it"}
		}
		var admins []string
		if err := tx.ListAdmins(store.AdminFilter{Level: store.LevelReseller, ResellerID: id}, func(ad store.Admin) bool {
			admins = append(admins, ad.ID)
			return true
		}); err != nil {
			return err
		}
		for _, ad := range admins {
			if err := tx.DeleteAdmin(ad); err != nil {
				return err
			}
		}
		return tx.DeleteReseller(id)
	})
}

// ResellerListFilter is ResellerGetListRequest's criteria, ANDed.
type ResellerListFilter struct {
	ID, Name []StringCriterion
	Limit    int
}

// ListResellers lists resellers by id; a reseller administrator's list
// holds its own reseller only.
func (c *Core) ListResellers(ctx context.Context, a *Actor, f ResellerListFilter) (out []store.Reseller, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		own := ""
		if a != nil && a.Level == LevelReseller {
			own = a.ResellerID
		} else if err := authorize(tx, a, LevelProvisioning, Target{}, false); err != nil {
			return err
		}
		out = out[:0]
		return tx.ListResellers(func(r store.Reseller) bool {
			if (own == "" || r.ID == own) && matchAll(f.ID, r.ID) && matchAll(f.Name, r.Name) {
				out = append(out, r)
			}
			return f.Limit <= 0 || len(out) < f.Limit
		})
	})
	return out, err
}

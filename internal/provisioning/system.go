package provisioning

import (
	"context"
	"crypto/rand"
	"errors"

	"github.com/switchboard/switchboard/internal/store"
)

// Setting keys kept in the store.
const (
	SettingDefaultDomain = "system.defaultDomain"
)

// SoftwareVersion answers SystemSoftwareVersionGetRequest; any logged-in
// identity may ask.
func (c *Core) SoftwareVersion(a *Actor) (string, error) {
	if a == nil {
		return "", newErr(KindNotLoggedIn)
	}
	return c.opt.SoftwareVersion, nil
}

// AddSystemDomain adds a system domain (resellerID "") or a reseller
// domain. The first domain becomes the system default domain.
func (c *Core) AddSystemDomain(ctx context.Context, a *Actor, domain, resellerID string) error {
	if err := checkDomainName(domain); err != nil {
		return err
	}
	return c.update(ctx, func(tx store.Tx) error {
		if err := authorize(tx, a, LevelProvisioning, Target{}, true); err != nil {
			// A reseller admin may add domains for its own reseller.
			if a == nil || a.Level != LevelReseller || a.ReadOnly || (resellerID != "" && resellerID != a.ResellerID) {
				return err
			}
			resellerID = a.ResellerID
		}
		if resellerID != "" {
			if _, err := tx.GetReseller(resellerID); err != nil {
				return storeErr(err, "Reseller", resellerID)
			}
		}
		if err := tx.InsertDomain(store.Domain{Name: domain, ResellerID: resellerID}); err != nil {
			return storeErr(err, "Domain", domain)
		}
		if d, err := tx.GetSetting(SettingDefaultDomain); errors.Is(err, store.ErrNotFound) || (err == nil && d == "") {
			return tx.PutSetting(SettingDefaultDomain, domain)
		}
		return nil
	})
}

// DeleteSystemDomain removes a domain nobody uses.
func (c *Core) DeleteSystemDomain(ctx context.Context, a *Actor, domain string) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := authorize(tx, a, LevelProvisioning, Target{}, true); err != nil {
			return err
		}
		if _, err := tx.GetDomain(domain); err != nil {
			return storeErr(err, "Domain", domain)
		}
		if d, _ := tx.GetSetting(SettingDefaultDomain); d == domain {
			return errInUse("Domain", domain)
		}
		n, err := tx.CountDomainUse(domain)
		if err != nil {
			return err
		}
		if n > 0 {
			return errInUse("Domain", domain)
		}
		return tx.DeleteDomain(domain)
	})
}

// SystemDomains lists the default domain and the domains a login may see,
// with their reseller ("" for system domains): Provisioning and above see
// every domain, a reseller admin the system ones and its own, everybody
// else the system ones only. The list is in name order.
func (c *Core) SystemDomains(ctx context.Context, a *Actor) (def string, domains []store.Domain, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if a == nil {
			return newErr(KindNotLoggedIn)
		}
		def, _ = tx.GetSetting(SettingDefaultDomain)
		domains = domains[:0]
		return tx.ListDomains(func(d store.Domain) bool {
			if d.ResellerID == "" || a.Level >= LevelProvisioning || (a.Level == LevelReseller && d.ResellerID == a.ResellerID) {
				domains = append(domains, d)
			}
			return true
		})
	})
	return def, domains, err
}

// Bootstrap makes sure a System administrator exists. When the store has
// none, it creates id with password; an empty password is replaced by a
// random one, returned so the caller can show it once. created is false
// when an administrator existed already.
func (c *Core) Bootstrap(ctx context.Context, id, password string) (created bool, pw string, err error) {
	if id == "" {
		id = "admin"
	}
	if password == "" {
		password = randomPassword()
	}
	hash := c.pw.hash(password)
	err = c.update(ctx, func(tx store.Tx) error {
		created = false
		any := false
		if err := tx.ListAdmins(store.AdminFilter{Level: store.LevelSystem}, func(store.Admin) bool { any = true; return false }); err != nil {
			return err
		}
		if any {
			return nil
		}
		created = true
		return tx.InsertAdmin(store.Admin{ID: id, Level: store.LevelSystem, LastName: "Administrator", FirstName: "System",
			Language: "English", PasswordSHA1: SHA1Hex(password), PasswordHash: hash})
	})
	if !created {
		password = ""
	}
	return created, password, err
}

// randomPassword returns 26 base32 characters (130 random bits).
func randomPassword() string { return rand.Text() }

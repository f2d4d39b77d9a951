package provisioning

import (
	"context"
	"errors"
	"time"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/store"
)

// Options are the server-wide provisioning settings.
type Options struct {
	// SoftwareVersion is what SystemSoftwareVersionGetRequest answers.
	SoftwareVersion string
	// CountryCode is the system country code for numbers given in national
	// form.
	CountryCode string
	// LockoutThreshold is the number of consecutive bad passwords that
	// locks a login for LockoutDuration (0: 5; negative disables lockout).
	LockoutThreshold int
	LockoutDuration  time.Duration
	// ExternalAuth: passwords are optional on user adds (the schema's
	// "external authentication is enabled").
	ExternalAuth bool
	// Now is the clock (tests pin it).
	Now func() time.Time
	// Events receives what changed, after each commit (nil: nobody
	// listens).
	Events events.Publisher
}

func (o *Options) setDefaults() {
	if o.SoftwareVersion == "" {
		o.SoftwareVersion = "24"
	}
	if o.CountryCode == "" {
		o.CountryCode = "1"
	}
	if o.LockoutThreshold == 0 {
		o.LockoutThreshold = 5
	}
	if o.LockoutDuration == 0 {
		o.LockoutDuration = 15 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Events == nil {
		o.Events = events.Discard{}
	}
}

// Core is the domain core: every facade calls it, it applies the rules and
// authorization, and it alone talks to the store. Methods are safe for
// concurrent use; consistency comes from store transactions.
type Core struct {
	st  store.Store
	opt Options
	pw  *passwords

	locks lockouts
}

// New returns a Core over st.
func New(st store.Store, opt Options) *Core {
	opt.setDefaults()
	return &Core{st: st, opt: opt, pw: newPasswords()}
}

// Options returns the settings in force.
func (c *Core) Options() Options { return c.opt }

// view and update run fn in a read or write store transaction. A store
// error fn returns unchanged (not turned into a *Error by storeErr) is an
// internal failure to the facades, never mistaken for a rule.
func (c *Core) view(ctx context.Context, fn func(store.Tx) error) error {
	return c.st.View(ctx, fn)
}

func (c *Core) update(ctx context.Context, fn func(store.Tx) error) error {
	var ob *outboxTx
	err := c.st.Update(ctx, func(tx store.Tx) error {
		ob = &outboxTx{Tx: tx}
		return fn(ob)
	})
	if err == nil && ob != nil && len(ob.events) > 0 {
		c.opt.Events.Publish(ob.events...)
	}
	return err
}

// authorize checks level and scope. min is the lowest level allowed; the
// target's reseller is looked up when a reseller admin acts.
func authorize(tx store.Tx, a *Actor, min Level, t Target, write bool) error {
	if a == nil {
		return newErr(KindNotLoggedIn)
	}
	if write && a.ReadOnly {
		return ErrUnauthorized
	}
	if a.Level < min {
		return ErrUnauthorized
	}
	if a.Level == LevelReseller && t.SPID != "" && t.ResellerID == "" {
		sp, err := tx.GetServiceProvider(t.SPID)
		if err == nil {
			t.ResellerID = sp.ResellerID
		}
	}
	if !a.covers(t) {
		return ErrUnauthorized
	}
	return nil
}

// spScope checks that the service provider exists and that the actor may
// act on it at min. Below Reseller level a missing SP is refused like one
// out of scope.
func (c *Core) spScope(tx store.Tx, a *Actor, min Level, spID string, write bool) error {
	sp, err := tx.GetServiceProvider(spID)
	if err != nil {
		return c.hideMissing(a, LevelReseller, storeErr(err, "Service Provider", spID))
	}
	return authorize(tx, a, min, Target{SPID: spID, ResellerID: sp.ResellerID}, write)
}

// storeErr turns a store failure into a provisioning error: absent and
// duplicate rows become the given kinds, anything else stays as is (an
// internal failure).
func storeErr(err error, what, id string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return errNotFound(what, id)
	case errors.Is(err, store.ErrExists):
		return errExists(what, id)
	}
	return err
}

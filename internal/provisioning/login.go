package provisioning

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/switchboard/switchboard/internal/store"
)

// Credential is what a login request carries: a plain password, or a
// password signed with the nonce of an earlier AuthenticationRequest.
type Credential struct {
	Password       string
	SignedPassword string
	Nonce          string // the outstanding nonce, for signed logins
	// Passcode is the user's portal passcode, the secret O2G users log in
	// with. When set, a user is checked against it instead of the
	// password; administrators are always checked against Password.
	Passcode string
}

// LoginInfo is what login responses report about the identity.
type LoginInfo struct {
	Actor        *Actor
	Level        Level
	UserDomain   string
	IsEnterprise bool
}

// lockouts counts bad passwords per login id in memory. A restart clears
// them, which errs on the side of letting the rightful owner back in.
type lockouts struct {
	mu sync.Mutex
	m  map[string]*lockEntry
}

type lockEntry struct {
	failures int
	until    time.Time
}

var errLocked = newErr(KindDisabled)

// Login checks a credential and returns the identity. Unknown ids and
// wrong passwords get the same answer so ids cannot be probed.
func (c *Core) Login(ctx context.Context, id string, cred Credential) (*LoginInfo, error) {
	now := c.opt.Now()
	if c.lockedOut(id, now) {
		return nil, errLocked
	}
	var info *LoginInfo
	var upgrade func(store.Tx) error
	var slowHash string // set before upgrade runs
	err := c.view(ctx, func(tx store.Tx) error {
		info, upgrade = nil, nil
		if a, err := tx.GetAdmin(id); err == nil {
			if a.Disabled {
				return errLocked
			}
			if !c.checkCred(a.ID, a.PasswordSHA1, a.PasswordHash, cred) {
				return newErr(KindBadPassword)
			}
			act, err := c.adminActor(tx, a)
			if err != nil {
				return err
			}
			info = &LoginInfo{Actor: act, Level: act.Level, UserDomain: act.Domain, IsEnterprise: act.IsEnterprise}
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		u, err := tx.GetUser(id)
		if errors.Is(err, store.ErrNotFound) {
			return newErr(KindBadPassword)
		}
		if err != nil {
			return err
		}
		ok := false
		if cred.Passcode != "" {
			ok = u.Passcode != "" && VerifyPasscode(u.Passcode, cred.Passcode)
		} else {
			ok = c.checkCred(u.ID, u.PasswordSHA1, u.PasswordHash, cred)
		}
		if u.Kind != store.KindUser || !ok {
			return newErr(KindBadPassword)
		}
		sp, err := tx.GetServiceProvider(u.SPID)
		if err != nil {
			return err
		}
		act := &Actor{ID: u.ID, Level: LevelUser, SPID: u.SPID, GroupID: u.GroupID, IsEnterprise: sp.IsEnterprise,
			ResellerID: sp.ResellerID, Domain: domainOf(u.ID)}
		info = &LoginInfo{Actor: act, Level: LevelUser, UserDomain: act.Domain, IsEnterprise: sp.IsEnterprise}
		if u.PasswordHash == "" && cred.Password != "" && cred.Passcode == "" {
			pw := cred.Password
			upgrade = func(tx store.Tx) error { return setUserSlowHash(tx, u.ID, pw, slowHash) }
		}
		return nil
	})
	if e, ok := AsError(err); ok && e.Kind == KindBadPassword {
		c.recordFailure(id, now)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	c.clearFailures(id)
	if info.Level != LevelUser {
		// Best effort, like the hash upgrade: the login stands even if the
		// time cannot be recorded.
		_ = c.update(ctx, func(tx store.Tx) error {
			a, err := tx.GetAdmin(id)
			if err != nil {
				return err
			}
			a.LastLogin = now.UTC()
			return tx.UpdateAdmin(a)
		})
	}
	if upgrade != nil {
		// Hashed before the write: the store's single writer must not wait
		// for PBKDF2. Best effort: a failure only means the next login
		// upgrades.
		slowHash = c.pw.hash(cred.Password)
		_ = c.update(ctx, upgrade)
	}
	return info, nil
}

// setUserSlowHash stores hash for the user unless the password changed
// meanwhile.
func setUserSlowHash(tx store.Tx, id, pw, hash string) error {
	u, err := tx.GetUser(id)
	if err != nil || u.PasswordSHA1 != SHA1Hex(pw) || u.PasswordHash != "" {
		return err
	}
	u.PasswordHash = hash
	return tx.UpdateUser(u)
}

func (c *Core) checkCred(id, sha1hex, slow string, cred Credential) bool {
	if cred.SignedPassword != "" {
		return verifySigned(sha1hex, cred.Nonce, cred.SignedPassword)
	}
	if cred.Password == "" {
		return false
	}
	return c.pw.verifyPlain(id, sha1hex, slow, cred.Password)
}

func (c *Core) adminActor(tx store.Tx, a store.Admin) (*Actor, error) {
	act := &Actor{ID: a.ID, Level: levelOf(a.Level), SPID: a.SPID, GroupID: a.GroupID, Department: a.Department,
		DeptEnt: a.DepartmentEnt, ResellerID: a.ResellerID, ReadOnly: a.ReadOnly}
	act.Domain = domainOf(a.ID)
	if act.Domain == "" {
		d, _ := tx.GetSetting(SettingDefaultDomain)
		act.Domain = d
	}
	if a.SPID != "" {
		sp, err := tx.GetServiceProvider(a.SPID)
		if err != nil {
			return nil, storeErr(err, "Service Provider", a.SPID)
		}
		act.IsEnterprise = sp.IsEnterprise
		act.ResellerID = sp.ResellerID
	}
	return act, nil
}

func (c *Core) lockedOut(id string, now time.Time) bool {
	c.locks.mu.Lock()
	defer c.locks.mu.Unlock()
	e := c.locks.m[id]
	return e != nil && now.Before(e.until)
}

func (c *Core) recordFailure(id string, now time.Time) {
	if c.opt.LockoutThreshold <= 0 {
		return
	}
	c.locks.mu.Lock()
	defer c.locks.mu.Unlock()
	if c.locks.m == nil {
		c.locks.m = make(map[string]*lockEntry)
	}
	e := c.locks.m[id]
	if e == nil {
		if len(c.locks.m) > 100_000 {
			clear(c.locks.m) // bound memory under a spray of random ids
		}
		e = &lockEntry{}
		c.locks.m[id] = e
	}
	e.failures++
	if e.failures >= c.opt.LockoutThreshold {
		e.until = now.Add(c.opt.LockoutDuration)
		e.failures = 0
	}
}

func (c *Core) clearFailures(id string) {
	c.locks.mu.Lock()
	delete(c.locks.m, id)
	c.locks.mu.Unlock()
}

// domainOf returns the part of a user id after '@', or "".
func domainOf(id string) string {
	if i := strings.LastIndexByte(id, '@'); i >= 0 {
		return id[i+1:]
	}
	return ""
}

// Refresh re-reads a logged-in identity, so that an account deleted or
// disabled, or an administrator moved or made read-only, takes effect at
// the session's next document rather than at its next login. A gone or
// disabled account answers KindNotLoggedIn.
func (c *Core) Refresh(ctx context.Context, a *Actor) (*Actor, error) {
	var out *Actor
	err := c.view(ctx, func(tx store.Tx) error {
		if a.Level != LevelUser {
			ad, err := tx.GetAdmin(a.ID)
			if errors.Is(err, store.ErrNotFound) || (err == nil && ad.Disabled) {
				return newErr(KindNotLoggedIn)
			}
			if err != nil {
				return err
			}
			out, err = c.adminActor(tx, ad)
			return err
		}
		u, err := tx.GetUser(a.ID)
		if errors.Is(err, store.ErrNotFound) {
			return newErr(KindNotLoggedIn)
		}
		if err != nil {
			return err
		}
		sp, err := tx.GetServiceProvider(u.SPID)
		if err != nil {
			return err
		}
		out = &Actor{ID: u.ID, Level: LevelUser, SPID: u.SPID, GroupID: u.GroupID, IsEnterprise: sp.IsEnterprise,
			ResellerID: sp.ResellerID, Domain: domainOf(u.ID)}
		return nil
	})
	return out, err
}

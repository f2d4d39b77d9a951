package provisioning

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard/switchboard/internal/store"
)

// Phone-set programming (the O2G PhoneSetProgramming service): what a user
// has programmed on its device. BroadWorks has no such settings, so they
// live in the user's profile, under one key of its extra attributes, and
// are changed in one transaction with the user's own rights: the user
// itself or an administrator covering it (read-only ones cannot write).
// A user keeps one set of settings: it has one device (its endpoint).

// phoneSetKey is the profile extra attribute holding the settings.
const phoneSetKey = "o2gPhoneSet"

// Bounds of the programming of a device.
const (
	PhoneSetProgKeys    = 20 // programmable keys, positions 1..20
	PhoneSetSoftKeys    = 10 // soft keys, positions 1..10
	phoneSetMnemonicMax = 16 // characters of a key's label
	phoneSetDNMax       = 30 // characters of a number to dial (OutgoingDN)
	phoneSetPINGroupMax = 9999
)

// PIN access controls, as O2G names them.
const (
	PINByCategory        = "PIN_Category"
	PINRestrictedToOwner = "PIN_Restricted_To_Owner_Set"
	PINUniversalAccess   = "PIN_Universal_Access"
	PINByGroup           = "PIN_By_Group"
)

// PhoneSet is a user's device programming.
type PhoneSet struct {
	Lock      bool   `json:"lock,omitempty"`
	CampOn    bool   `json:"campOn,omitempty"`
	Associate string `json:"associate,omitempty"`
	PIN       *PIN   `json:"pin,omitempty"`
	// ProgKeys and SoftKeys hold the programmed keys only, by position.
	ProgKeys []DeviceKey `json:"progKeys,omitempty"`
	SoftKeys []DeviceKey `json:"softKeys,omitempty"`
}

// PIN is the personal identification number that marks calls private.
type PIN struct {
	Number         string `json:"number"`
	WithSecretCode bool   `json:"withSecretCode,omitempty"`
	Control        string `json:"control"`
	// Group is the PIN group (PIN_By_Group needs one); nil: none.
	Group *int `json:"group,omitempty"`
}

// DeviceKey is a programmed key: a number to dial and its label. A locked
// key may be changed by administrators only.
type DeviceKey struct {
	Position int    `json:"position"`
	Number   string `json:"number"`
	Mnemonic string `json:"mnemonic,omitempty"`
	Locked   bool   `json:"locked,omitempty"`
}

// PhoneSetOf reads the settings kept in u's profile.
func PhoneSetOf(u store.User) (PhoneSet, error) {
	var ps PhoneSet
	v, ok := u.Profile.Extra[phoneSetKey]
	if !ok || v == nil {
		return ps, nil
	}
	// The store gives back what JSON decoding made of the value.
	b, err := json.Marshal(v)
	if err != nil {
		return ps, err
	}
	err = json.Unmarshal(b, &ps)
	return ps, err
}

// PhoneSet reads user id's settings as actor a may.
func (c *Core) PhoneSet(ctx context.Context, a *Actor, id string) (ps PhoneSet, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		u, err := c.userForRead(tx, a, id)
		if err != nil {
			return err
		}
		ps, err = PhoneSetOf(u)
		return err
	})
	return ps, err
}

// ChangePhoneSet applies fn to user id's settings in one transaction and
// returns them as stored. The result must be valid (see check); a user
// acting on itself may neither change a locked key nor lock one. Any
// refusal changes nothing.
func (c *Core) ChangePhoneSet(ctx context.Context, a *Actor, id string, fn func(*PhoneSet) error) (ps PhoneSet, err error) {
	err = c.update(ctx, func(tx store.Tx) error {
		u, err := c.userForWrite(tx, a, id, LevelUser)
		if err != nil {
			return err
		}
		old, err := PhoneSetOf(u)
		if err != nil {
			return err
		}
		ps, err = PhoneSetOf(u) // a separate copy for fn to edit
		if err != nil {
			return err
		}
		if err := fn(&ps); err != nil {
			return err
		}
		sortKeys(ps.ProgKeys)
		sortKeys(ps.SoftKeys)
		if err := ps.check(); err != nil {
			return err
		}
		if a.Level == LevelUser && lockedKeyChanged(old.ProgKeys, ps.ProgKeys) {
			return ErrUnauthorized
		}
		b, err := json.Marshal(ps)
		if err != nil {
			return err
		}
		if ob, err := json.Marshal(old); err == nil && string(ob) == string(b) {
			return nil // nothing to change: the record stays as it is
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		// A fresh map: the record read must not change under the store.
		extra := maps.Clone(u.Profile.Extra)
		if extra == nil {
			extra = map[string]any{}
		}
		if len(v) == 0 {
			delete(extra, phoneSetKey)
		} else {
			extra[phoneSetKey] = v
		}
		if len(extra) == 0 {
			extra = nil
		}
		u.Profile.Extra = extra
		u.Modified = c.opt.Now().UTC()
		if err := tx.UpdateUser(u); err != nil {
			return storeErr(err, "User", u.ID)
		}
		return nil
	})
	return ps, err
}

func sortKeys(ks []DeviceKey) {
	slices.SortFunc(ks, func(a, b DeviceKey) int { return a.Position - b.Position })
}

// lockedKeyChanged reports whether a key locked before or after differs.
func lockedKeyChanged(before, after []DeviceKey) bool {
	at := func(ks []DeviceKey, pos int) (DeviceKey, bool) {
		for _, k := range ks {
			if k.Position == pos {
				return k, true
			}
		}
		return DeviceKey{}, false
	}
	for _, k := range before {
		if k.Locked {
			if n, ok := at(after, k.Position); !ok || n != k {
				return true
			}
		}
	}
	for _, k := range after {
		if k.Locked {
			if o, ok := at(before, k.Position); !ok || o != k {
				return true
			}
		}
	}
	return false
}

// check validates the settings.
func (ps PhoneSet) check() error {
	if ps.Associate != "" {
		if err := CheckDialNumber("associate", ps.Associate); err != nil {
			return err
		}
	}
	if p := ps.PIN; p != nil {
		if len(p.Number) != 4 || !allDigits(p.Number) {
			return errInvalid("Pin_Number", "a PIN has exactly 4 digits")
		}
		switch p.Control {
		case PINByCategory, PINRestrictedToOwner, PINUniversalAccess, PINByGroup:
		default:
			return errInvalid("Pin_Type_Of_Control", "must be "+strings.Join([]string{PINByCategory, PINRestrictedToOwner,
				PINUniversalAccess, PINByGroup}, ", ")+": "+p.Control)
		}
		if p.Group != nil && (*p.Group < 0 || *p.Group > phoneSetPINGroupMax) {
			return errInvalid("Pin_Group", "a PIN group is 0 to "+itoa(phoneSetPINGroupMax))
		}
		if p.Control == PINByGroup && p.Group == nil {
			return errInvalid("Pin_Group", PINByGroup+" needs a PIN group")
		}
	}
	if err := checkKeys("programmeable key", ps.ProgKeys, PhoneSetProgKeys, true); err != nil {
		return err
	}
	return checkKeys("soft key", ps.SoftKeys, PhoneSetSoftKeys, false)
}

func checkKeys(what string, ks []DeviceKey, max int, lockable bool) error {
	for i, k := range ks {
		if k.Position < 1 || k.Position > max {
			return errInvalid("position", what+" positions are 1 to "+itoa(max)+": "+itoa(k.Position))
		}
		if i > 0 && ks[i-1].Position == k.Position {
			return errInvalid("position", "two "+what+"s at position "+itoa(k.Position))
		}
		if err := CheckDialNumber("number", k.Number); err != nil {
			return err
		}
		if utf8.RuneCountInString(k.Mnemonic) > phoneSetMnemonicMax {
			return errInvalid("mnemonic", "at most "+itoa(phoneSetMnemonicMax)+" characters")
		}
		for _, r := range k.Mnemonic {
			if !unicode.IsPrint(r) {
				return errInvalid("mnemonic", "only printable characters")
			}
		}
		if k.Locked && !lockable {
			return errInvalid("locked", what+"s cannot be locked")
		}
	}
	return nil
}

// CheckDialNumber accepts a number a set can dial: digits with an optional
// leading '+', '-' separators and the '*' and '#' of access codes, at
// least one digit, at most 30 characters.
func CheckDialNumber(field, s string) error {
	if s == "" {
		return errInvalid(field, "a number is required")
	}
	if len(s) > phoneSetDNMax {
		return errInvalid(field, "a number has at most "+itoa(phoneSetDNMax)+" characters: "+s)
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == '-', r == '*', r == '#':
		default:
			return errInvalid(field, "not a dialable number: "+s)
		}
	}
	if digits == 0 {
		return errInvalid(field, "a number needs at least one digit: "+s)
	}
	return nil
}

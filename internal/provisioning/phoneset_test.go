package provisioning

import (
	"context"
	"testing"

	"github.com/switchboard/switchboard/internal/store"
)

// Phone-set settings in the core: one transaction per change, the rights
// of user data, validation that changes nothing, and the other extra
// attributes of the profile left alone.
func TestPhoneSetCore(t *testing.T) {
	c, sys, groupAdmin, readOnly := comlogCore(t)
	ctx := context.Background()
	const ua, uc = "a@cl.example.com", "c@cl.example.com"
	info, err := c.Login(ctx, ua, Credential{Password: "User-pw-123"})
	if err != nil {
		t.Fatal(err)
	}
	self := info.Actor
	if err := c.ModifyUser(ctx, sys, ua, UserChange{Apply: func(u *store.User) error {
		u.Profile.Extra = map[string]any{"other": "kept"}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}

	group := 3
	ps, err := c.ChangePhoneSet(ctx, self, ua, func(ps *PhoneSet) error {
		ps.Lock = true
		ps.Associate = "+1-202-555-0102"
		ps.PIN = &PIN{Number: "0420", Control: PINByGroup, Group: &group}
		ps.ProgKeys = []DeviceKey{{Position: 7, Number: "*72"}, {Position: 2, Number: "102", Mnemonic: "Bob"}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ps.ProgKeys[0].Position != 2 || ps.ProgKeys[1].Position != 7 {
		t.Fatalf("keys not sorted: %+v", ps.ProgKeys)
	}
	got, err := c.PhoneSet(ctx, groupAdmin, ua)
	if err != nil || !got.Lock || got.Associate != "+1-202-555-0102" || got.PIN == nil || *got.PIN.Group != 3 || len(got.ProgKeys) != 2 {
		t.Fatalf("read back %+v, %v", got, err)
	}
	d, err := c.User(ctx, sys, ua)
	if err != nil || d.User.Profile.Extra["other"] != "kept" {
		t.Fatalf("other extra attributes: %v, %v", d.User.Profile.Extra, err)
	}

	// Refusals change nothing.
	for _, fn := range []func(*PhoneSet) error{
		func(ps *PhoneSet) error { ps.PIN.Number = "123"; return nil },
		func(ps *PhoneSet) error { ps.PIN.Control = "nope"; return nil },
		func(ps *PhoneSet) error { ps.PIN.Group = nil; return nil },
		func(ps *PhoneSet) error { ps.Associate = "12a"; return nil },
		func(ps *PhoneSet) error {
			ps.ProgKeys = append(ps.ProgKeys, DeviceKey{Position: 21, Number: "1"})
			return nil
		},
		func(ps *PhoneSet) error {
			ps.ProgKeys = append(ps.ProgKeys, DeviceKey{Position: 2, Number: "1"})
			return nil
		},
		func(ps *PhoneSet) error {
			ps.SoftKeys = []DeviceKey{{Position: 1, Number: "1", Locked: true}}
			return nil
		},
		func(ps *PhoneSet) error { ps.Lock = false; ps.ProgKeys[0].Number = "-"; return nil },
	} {
		if _, err := c.ChangePhoneSet(ctx, sys, ua, fn); err == nil {
			t.Fatal("invalid settings accepted")
		} else {
			comWantKind(t, err, KindInvalid)
		}
	}
	// Rights: read-only and out-of-scope administrators, other users.
	lock := func(ps *PhoneSet) error { ps.Lock = false; return nil }
	for _, a := range []*Actor{readOnly} {
		_, err := c.ChangePhoneSet(ctx, a, ua, lock)
		comWantKind(t, err, KindUnauthorized)
	}
	_, err = c.ChangePhoneSet(ctx, groupAdmin, uc, lock)
	comWantKind(t, err, KindUnauthorized)
	_, err = c.ChangePhoneSet(ctx, self, uc, lock)
	comWantKind(t, err, KindUnauthorized)
	_, err = c.PhoneSet(ctx, self, uc)
	comWantKind(t, err, KindUnauthorized)

	// Locked keys are the administrators'.
	if _, err := c.ChangePhoneSet(ctx, groupAdmin, ua, func(ps *PhoneSet) error {
		ps.ProgKeys[0].Locked = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ChangePhoneSet(ctx, self, ua, func(ps *PhoneSet) error { ps.ProgKeys = ps.ProgKeys[1:]; return nil })
	comWantKind(t, err, KindUnauthorized)
	_, err = c.ChangePhoneSet(ctx, self, ua, func(ps *PhoneSet) error { ps.ProgKeys[1].Locked = true; return nil })
	comWantKind(t, err, KindUnauthorized)
	if _, err := c.ChangePhoneSet(ctx, self, ua, func(ps *PhoneSet) error { ps.ProgKeys[1].Number = "103"; return nil }); err != nil {
		t.Fatalf("an unlocked key: %v", err)
	}

	got, err = c.PhoneSet(ctx, sys, ua)
	if err != nil || !got.Lock || got.PIN.Number != "0420" || !got.ProgKeys[0].Locked || got.ProgKeys[1].Number != "103" {
		t.Fatalf("after refusals %+v, %v", got, err)
	}
	// Clearing everything removes the attribute.
	if _, err := c.ChangePhoneSet(ctx, sys, ua, func(ps *PhoneSet) error { *ps = PhoneSet{}; return nil }); err != nil {
		t.Fatal(err)
	}
	d, _ = c.User(ctx, sys, ua)
	if _, ok := d.User.Profile.Extra[phoneSetKey]; ok || d.User.Profile.Extra["other"] != "kept" {
		t.Fatalf("extra after clearing: %v", d.User.Profile.Extra)
	}
}

package provisioning

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard/switchboard/internal/store"
)

// E.164 country calling codes of one and two digits; every other code has
// three. This is what splits "+442071234567" into "+44" and the national
// number.
var shortCountryCodes = map[string]bool{
	"1": true, "7": true,
	"20": true, "27": true, "30": true, "31": true, "32": true, "33": true, "34": true, "36": true, "39": true,
	"40": true, "41": true, "43": true, "44": true, "45": true, "46": true, "47": true, "48": true, "49": true,
	"51": true, "52": true, "53": true, "54": true, "55": true, "56": true, "57": true, "58": true,
	"60": true, "61": true, "62": true, "63": true, "64": true, "65": true, "66": true,
	"81": true, "82": true, "84": true, "86": true, "90": true, "91": true, "92": true, "93": true, "94": true, "95": true, "98": true,
}

// Number is a phone number in canonical form: country code and national
// digits, written "+CC-national" in tables and keys.
type Number struct {
	CC       string
	National string
}

func (n Number) String() string { return "+" + n.CC + "-" + n.National }

// ParseNumber accepts "+CC-national", "+CCnational" and national digits
// (with the system country code). Spaces, dots, dashes and parentheses in
// the national part are ignored.
func (c *Core) ParseNumber(s string) (Number, error) {
	return parseNumber(s, c.opt.CountryCode)
}

func parseNumber(s, defaultCC string) (Number, error) {
	s = strings.TrimSpace(s)
	bad := func(why string) (Number, error) { return Number{}, errInvalid("phoneNumber", why+": "+s) }
	if s == "" {
		return bad("empty number")
	}
	var cc string
	if s[0] == '+' {
		rest := s[1:]
		if i := strings.IndexByte(rest, '-'); i > 0 && allDigits(rest[:i]) {
			cc, s = rest[:i], rest[i+1:]
		} else {
			d := digitsOnly(rest)
			if d == "" {
				return bad("no digits")
			}
			switch {
			case shortCountryCodes[d[:1]]:
				cc = d[:1]
			case len(d) >= 2 && shortCountryCodes[d[:2]]:
				cc = d[:2]
			case len(d) >= 3:
				cc = d[:3]
			default:
				return bad("too short")
			}
			s = d[len(cc):]
		}
	} else {
		cc = defaultCC
	}
	nat := digitsOnly(s)
	if nat == "" || len(nat) > 20 || len(nat) != countDigitsAndSeps(s) {
		return bad("not a phone number")
	}
	return Number{CC: cc, National: nat}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// countDigitsAndSeps returns the digit count, or -1 when s holds anything
// but digits and the usual separators.
func countDigitsAndSeps(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
			n++
		case ch == ' ' || ch == '-' || ch == '.' || ch == '(' || ch == ')':
		default:
			return -1
		}
	}
	return n
}

// expandRange lists the numbers of an inclusive range; both ends must have
// the same country code and length. Ranges are capped to keep a typo from
// allocating millions of rows.
func (c *Core) expandRange(min, max string) ([]Number, error) {
	lo, err := c.ParseNumber(min)
	if err != nil {
		return nil, err
	}
	hi, err := c.ParseNumber(max)
	if err != nil {
		return nil, err
	}
	if lo.CC != hi.CC || len(lo.National) != len(hi.National) {
		return nil, errInvalid("dnRange", "both ends need the same country code and length")
	}
	a, err1 := strconv.ParseUint(lo.National, 10, 64)
	b, err2 := strconv.ParseUint(hi.National, 10, 64)
	if err1 != nil || err2 != nil || b < a {
		return nil, errInvalid("dnRange", "maxPhoneNumber must not be below minPhoneNumber")
	}
	if b-a >= 10_000 {
		return nil, errLimit("a number range may hold at most 10000 numbers")
	}
	out := make([]Number, 0, b-a+1)
	w := len(lo.National)
	for v := a; v <= b; v++ {
		s := strconv.FormatUint(v, 10)
		out = append(out, Number{CC: lo.CC, National: strings.Repeat("0", w-len(s)) + s})
	}
	return out, nil
}

// NumberSet is a request's phone numbers and ranges.
type NumberSet struct {
	Numbers []string
	Ranges  [][2]string
}

// maxNumbersPerRequest bounds what one request may name in total, ranges
// included, so a handful of large ranges cannot hold the writer for long.
const maxNumbersPerRequest = 100_000

func (c *Core) expand(ns NumberSet) ([]string, error) {
	var out []string
	for _, s := range ns.Numbers {
		n, err := c.ParseNumber(s)
		if err != nil {
			return nil, err
		}
		out = append(out, n.String())
	}
	for _, r := range ns.Ranges {
		nums, err := c.expandRange(r[0], r[1])
		if err != nil {
			return nil, err
		}
		if len(out)+len(nums) > maxNumbersPerRequest {
			return nil, errLimit("a request may name at most 100000 numbers")
		}
		for _, n := range nums {
			out = append(out, n.String())
		}
	}
	return out, nil
}

// NationalPrefix is the digit sequence dialled before a national number in
// the country of cc: "1" in the North American plan, nothing where the
// plan has no trunk prefix, "0" almost everywhere else.
func NationalPrefix(cc string) string {
	switch cc {
	case "1":
		return "1"
	case "7":
		return "8"
	case "30", "34", "39", "45", "47", "351", "352", "354", "356", "357", "376", "378", "379", "423":
		return ""
	}
	return "0"
}

// AddSPNumbers adds numbers to an SP. A number belongs to at most one SP.
func (c *Core) AddSPNumbers(ctx context.Context, a *Actor, spID string, ns NumberSet) error {
	nums, err := c.expand(ns)
	if err != nil {
		return err
	}
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelReseller, spID, true); err != nil {
			return err
		}
		return c.addSPNumbers(tx, spID, nums)
	})
}

func (c *Core) addSPNumbers(tx store.Tx, spID string, nums []string) error {
	for _, s := range nums {
		n, err := c.ParseNumber(s)
		if err != nil {
			return err
		}
		if err := tx.InsertDN(store.DN{Number: n.String(), SPID: spID}); err != nil {
			if errors.Is(err, store.ErrExists) {
				return errExists("Phone Number", n.String())
			}
			return err
		}
	}
	return nil
}

// DeleteSPNumbers removes numbers from an SP; numbers still on a group
// cannot be removed.
func (c *Core) DeleteSPNumbers(ctx context.Context, a *Actor, spID string, ns NumberSet) error {
	nums, err := c.expand(ns)
	if err != nil {
		return err
	}
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelReseller, spID, true); err != nil {
			return err
		}
		for _, n := range nums {
			d, err := tx.GetDN(n)
			if err != nil || d.SPID != spID {
				return errNotFound("Phone Number", n)
			}
			if d.GroupID != "" {
				return errInUse("Phone Number", n)
			}
			if err := tx.DeleteDN(n); err != nil {
				return err
			}
		}
		return nil
	})
}

// AssignGroupNumbers moves SP numbers to a group. SP admin or above.
func (c *Core) AssignGroupNumbers(ctx context.Context, a *Actor, spID, groupID string, ns NumberSet) error {
	nums, err := c.expand(ns)
	if err != nil {
		return err
	}
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelServiceProvider, spID, groupID, true); err != nil {
			return err
		}
		for _, n := range nums {
			if err := assignGroupDN(tx, spID, groupID, n); err != nil {
				return err
			}
		}
		return nil
	})
}

func assignGroupDN(tx store.Tx, spID, groupID, n string) error {
	d, err := tx.GetDN(n)
	if err != nil || d.SPID != spID {
		return errNotFound("Phone Number", n)
	}
	if d.GroupID == groupID {
		return errExists("Phone Number", n)
	}
	if d.GroupID != "" {
		return errInUse("Phone Number", n)
	}
	d.GroupID = groupID
	return tx.UpdateDN(d)
}

// UnassignGroupNumbers returns group numbers to the SP; numbers in use by
// a user or service instance cannot be unassigned.
func (c *Core) UnassignGroupNumbers(ctx context.Context, a *Actor, spID, groupID string, ns NumberSet) error {
	nums, err := c.expand(ns)
	if err != nil {
		return err
	}
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelServiceProvider, spID, groupID, true); err != nil {
			return err
		}
		for _, n := range nums {
			d, err := tx.GetDN(n)
			if err != nil || d.SPID != spID || d.GroupID != groupID {
				return errNotFound("Phone Number", n)
			}
			if _, err := tx.FindUserByDN(n); err == nil {
				return errInUse("Phone Number", n)
			}
			d.GroupID, d.Activated = "", false
			if err := tx.UpdateDN(d); err != nil {
				return err
			}
		}
		return nil
	})
}

// ActivateGroupNumbers sets the activation flag of group numbers.
func (c *Core) ActivateGroupNumbers(ctx context.Context, a *Actor, spID, groupID string, ns NumberSet, on bool) error {
	nums, err := c.expand(ns)
	if err != nil {
		return err
	}
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelGroup, spID, groupID, true); err != nil {
			return err
		}
		for _, n := range nums {
			d, err := tx.GetDN(n)
			if err != nil || d.SPID != spID || d.GroupID != groupID {
				return errNotFound("Phone Number", n)
			}
			d.Activated = on
			if err := tx.UpdateDN(d); err != nil {
				return err
			}
		}
		return nil
	})
}

// NumberUse is a DN with who uses it, for the assignment and summary lists.
type NumberUse struct {
	DN   store.DN
	User *store.User // nil when free
}

// SPNumbers lists an SP's numbers with their group and user.
func (c *Core) SPNumbers(ctx context.Context, a *Actor, spID string) (out []NumberUse, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := c.spScope(tx, a, LevelServiceProvider, spID, false); err != nil {
			return err
		}
		out, err = numberUses(tx, spID, "*")
		return err
	})
	return out, err
}

// GroupNumbers lists a group's numbers with their users.
func (c *Core) GroupNumbers(ctx context.Context, a *Actor, spID, groupID string) (out []NumberUse, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelGroup, spID, groupID, false); err != nil {
			return err
		}
		out, err = numberUses(tx, spID, groupID)
		return err
	})
	return out, err
}

// numberUses lists the numbers of a group, or with groupID "*" every
// number of the SP (on a group or not), each with the user holding it.
func numberUses(tx store.Tx, spID, groupID string) ([]NumberUse, error) {
	var out []NumberUse
	if err := tx.ListDNs(spID, groupID, func(d store.DN) bool { out = append(out, NumberUse{DN: d}); return true }); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	// One walk over the users rather than a lookup per number: a user's
	// number is always one of its group's, so the SP's (or the group's)
	// users hold every number listed here that is in use.
	f := store.UserFilter{SPID: spID}
	if groupID != "*" {
		f.GroupID = groupID
	}
	holders := map[string]store.User{}
	if err := tx.ListUsers(f, func(u store.User) bool {
		if u.PhoneNumber != "" {
			holders[u.PhoneNumber] = u
		}
		return true
	}); err != nil {
		return nil, err
	}
	for i := range out {
		if u, ok := holders[out[i].DN.Number]; ok {
			out[i].User = &u
		}
	}
	sortUses(out)
	return out, nil
}

func sortUses(u []NumberUse) {
	slices.SortFunc(u, func(a, b NumberUse) int { return strings.Compare(a.DN.Number, b.DN.Number) })
}

// groupScope checks the group exists and the actor may act on it at min.
func (c *Core) groupScope(tx store.Tx, a *Actor, min Level, spID, groupID string, write bool) error {
	if _, err := tx.GetGroup(spID, groupID); err != nil {
		if errors.Is(err, store.ErrNotFound) && a != nil && !a.covers(Target{SPID: spID, GroupID: groupID}) && a.Level < LevelReseller {
			return ErrUnauthorized
		}
		return storeErr(err, "Group", spID+"/"+groupID)
	}
	return authorize(tx, a, min, Target{SPID: spID, GroupID: groupID}, write)
}

func checkDomainName(d string) error {
	if d == "" || len(d) > 80 || strings.ContainsAny(d, " @/\\") {
		return errInvalid("domain", "not a domain name: "+d)
	}
	return nil
}

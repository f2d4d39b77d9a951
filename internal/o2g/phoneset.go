package o2g

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard/switchboard/internal/provisioning"
)

// Phone-set programming (the SDKs' PhoneSetProgramming service, paths
// under /users/{loginName}/devices): what a user has programmed on its
// device, kept by the core in the user's profile (provisioning.PhoneSet),
// so it survives restarts and every session sees the same.
//
// Mapping choices:
//   - The devices are those of the User representation (users.go): the
//     user's endpoint device, whose id is the number as dialled. A user
//     without one has {"devices":[]}, and every /devices/{deviceId}/...
//     path answers 404 NOT_FOUND for it, as it does for any other id.
//   - The device has 20 programmable keys (positions 1..20; GET
//     programmeableKeys lists all twenty, a free key as its position and
//     locked false) and 10 soft keys (1..10, likewise). A key holds a
//     number to dial (digits, leading '+', '-', '*', '#'; 30 characters
//     at most) and a mnemonic of at most 16 printable characters. Only
//     programmeable keys can be locked; a locked key is changed (or
//     deleted, or unlocked) by an administrator only: a user gets 403
//     NOT_ALLOWED. A key position outside the device is 404 NOT_FOUND; a
//     body position that differs from the path is 400 BAD_PARAMETER.
//     DELETE of a free key is 204 (the key is free, as asked).
//   - The PIN (Pin_Number 4 digits, Pin_Type_Of_Control one of the four
//     O2G controls, default PIN_Restricted_To_Owner_Set, Pin_Group 0..9999
//     and required by PIN_By_Group) is replaced as a whole by PUT. With no
//     PIN programmed GET answers {} (the SDK's "no PIN").
//   - lock and campon are stored states (?activate=true|false, required);
//     dynamicState shows them with the associate number. There is no call
//     engine that acts on them.
//   - The associate is a dialable number; PUT accepts {"number"} (the
//     specification) and {"associate"} (the Node SDK); both, different, is
//     400 BAD_PARAMETER. It is the number an overflow to ASSOCIATE means.
//   - Remote extension: this core has none (see routing.go: presentation
//     routes are only the office device). REActiveState answers
//     {"active":false,"activate":false} (both spellings); REActive with
//     activate=false answers 204, the remote extension being inactive as
//     asked, and activate=true 400 NOT_SUPPORTED. The Node SDK's own
//     remote extension deactivation through POST /routing sends
//     selected:true (an SDK bug) and is refused there; this path carries
//     the intent in activate, so it works here.
//   - addons answers {"addonTypes":["NO_EXTENSIONS"]}: no add-on module
//     is modelled. prefixes (feature access codes) answers 400
//     NOT_SUPPORTED: the core keeps no feature access codes.
//   - No event is emitted: no O2G event package carries these settings.
//
// Rights: a user session may address only itself (403 NOT_ALLOWED); an
// administrator any user it covers (404 NOT_FOUND otherwise); read-only
// administrators read but cannot write (403 NOT_ALLOWED).

// phoneSetRoutes registers phone-set programming.
func (s *Server) phoneSetRoutes() {
	// Path literals are case-insensitive on real servers: each mixed-case
	// literal is registered as given and in lower case.
	both := func(method, path string, h func(http.ResponseWriter, *http.Request, *session, *psDevice)) {
		hf := s.withSession(s.onDevice(h))
		s.route(method+" /users/{loginName}/devices/{deviceId}"+path, hf)
		if low := strings.ToLower(path); low != path {
			s.route(method+" /users/{loginName}/devices/{deviceId}"+low, hf)
		}
	}
	s.route("GET /users/{loginName}/devices", s.withSession(s.handleDevices))
	both("GET", "", s.handleDevice)
	both("GET", "/programmeableKeys", s.handleProgKeys(false))
	both("GET", "/programmedKeys", s.handleProgKeys(true))
	both("PUT", "/programmeableKeys/{position}", s.handleSetKey(false))
	both("DELETE", "/programmeableKeys/{position}", s.handleDeleteKey(false))
	both("GET", "/softKeys", s.handleSoftKeys)
	both("PUT", "/softKeys/{position}", s.handleSetKey(true))
	both("DELETE", "/softKeys/{position}", s.handleDeleteKey(true))
	both("GET", "/pin", s.handleGetPIN)
	both("PUT", "/pin", s.handleSetPIN)
	both("PUT", "/lock", s.handleToggle(func(ps *provisioning.PhoneSet, on bool) { ps.Lock = on }))
	both("PUT", "/campon", s.handleToggle(func(ps *provisioning.PhoneSet, on bool) { ps.CampOn = on }))
	both("GET", "/dynamicState", s.handleDynamicState)
	both("PUT", "/associate", s.handleSetAssociate)
	both("PUT", "/REActive", s.handleREActive)
	both("GET", "/REActiveState", s.handleREActiveState)
	both("GET", "/addons", s.handleAddons)
	s.route("GET /users/{loginName}/prefixes", s.withSession(s.handlePrefixes))
}

// Devices lists a user's devices.
type Devices struct {
	Devices []Device `json:"devices"`
}

// ProgrammeableKey is a programmable key, free when it has no number.
type ProgrammeableKey struct {
	Position int    `json:"position"`
	Number   string `json:"number,omitempty"`
	Mnemonic string `json:"mnemonic,omitempty"`
	Locked   bool   `json:"locked"`
}

// ProgrammeableKeys lists programmable keys.
type ProgrammeableKeys struct {
	PKeys []ProgrammeableKey `json:"pkeys"`
}

// SoftKey is a soft key, free when it has no number.
type SoftKey struct {
	Position int    `json:"position"`
	Number   string `json:"number,omitempty"`
	Mnemonic string `json:"mnemonic,omitempty"`
}

// SoftKeys lists soft keys.
type SoftKeys struct {
	SKeys []SoftKey `json:"skeys"`
}

// Pin is the PIN with O2G's own field names.
type Pin struct {
	Number         string `json:"Pin_Number,omitempty"`
	WithSecretCode *bool  `json:"With_Secret_Code,omitempty"`
	Control        string `json:"Pin_Type_Of_Control,omitempty"`
	Group          *int   `json:"Pin_Group,omitempty"`
}

// DynamicState is the device's lock, camp-on and associate.
type DynamicState struct {
	Lock      bool   `json:"lock"`
	CampOn    bool   `json:"campon"`
	Associate string `json:"associate,omitempty"`
}

// REActivationState is the remote extension state, in both spellings.
type REActivationState struct {
	Active   bool `json:"active"`
	Activate bool `json:"activate"`
}

// Addons lists the device's add-on modules.
type Addons struct {
	AddonTypes []string `json:"addonTypes"`
}

// psDevice is the device a request addresses, with its user read fresh.
type psDevice struct {
	user *userRef
	dev  Device
}

// devicesOf lists ref's devices as the User representation shows them.
func (s *Server) devicesOf(r *http.Request, ref *userRef) ([]Device, error) {
	u, err := s.userView(r.Context(), ref, true)
	if err != nil {
		return nil, err
	}
	return u.Devices, nil
}

// onDevice resolves the path's user (fresh from the core) and device.
func (s *Server) onDevice(h func(http.ResponseWriter, *http.Request, *session, *psDevice)) func(http.ResponseWriter, *http.Request, *session) {
	return func(w http.ResponseWriter, r *http.Request, se *session) {
		ref, err := s.freshPathUser(r, se)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		devs, err := s.devicesOf(r, ref)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		id := strings.TrimSpace(r.PathValue("deviceId"))
		for _, d := range devs {
			if d.ID == id {
				h(w, r, se, &psDevice{user: ref, dev: d})
				return
			}
		}
		s.fail(w, r, errNotFound("user %s has no device %s", ref.login, id))
	}
}

// handleDevices: GET /users/{loginName}/devices.
func (s *Server) handleDevices(w http.ResponseWriter, r *http.Request, se *session) {
	ref, err := s.freshPathUser(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	devs, err := s.devicesOf(r, ref)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if devs == nil {
		devs = []Device{}
	}
	writeJSON(w, http.StatusOK, Devices{Devices: devs})
}

// handleDevice: GET /users/{loginName}/devices/{deviceId}.
func (s *Server) handleDevice(w http.ResponseWriter, r *http.Request, _ *session, d *psDevice) {
	writeJSON(w, http.StatusOK, d.dev)
}

// phoneSet reads the settings from the user record read for the request.
func (s *Server) phoneSet(w http.ResponseWriter, r *http.Request, d *psDevice) (provisioning.PhoneSet, bool) {
	ps, err := provisioning.PhoneSetOf(d.user.d.User)
	if err != nil {
		s.fail(w, r, err)
		return ps, false
	}
	return ps, true
}

// change applies fn through the core and answers 204.
func (s *Server) change(w http.ResponseWriter, r *http.Request, se *session, d *psDevice, fn func(*provisioning.PhoneSet) error) {
	if _, err := s.core.ChangePhoneSet(r.Context(), se.who.actor, d.user.id, fn); err != nil {
		s.fail(w, r, err)
		return
	}
	noContent(w)
}

// handleProgKeys: GET programmeableKeys (every key) or programmedKeys
// (programmed ones only).
func (s *Server) handleProgKeys(programmedOnly bool) func(http.ResponseWriter, *http.Request, *session, *psDevice) {
	return func(w http.ResponseWriter, r *http.Request, _ *session, d *psDevice) {
		ps, ok := s.phoneSet(w, r, d)
		if !ok {
			return
		}
		out := ProgrammeableKeys{PKeys: []ProgrammeableKey{}}
		next := 0
		for pos := 1; pos <= provisioning.PhoneSetProgKeys; pos++ {
			if next < len(ps.ProgKeys) && ps.ProgKeys[next].Position == pos {
				k := ps.ProgKeys[next]
				next++
				out.PKeys = append(out.PKeys, ProgrammeableKey{Position: pos, Number: k.Number, Mnemonic: k.Mnemonic, Locked: k.Locked})
			} else if !programmedOnly {
				out.PKeys = append(out.PKeys, ProgrammeableKey{Position: pos})
			}
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// handleSoftKeys: GET softKeys, every soft key.
func (s *Server) handleSoftKeys(w http.ResponseWriter, r *http.Request, _ *session, d *psDevice) {
	ps, ok := s.phoneSet(w, r, d)
	if !ok {
		return
	}
	out := SoftKeys{SKeys: []SoftKey{}}
	next := 0
	for pos := 1; pos <= provisioning.PhoneSetSoftKeys; pos++ {
		if next < len(ps.SoftKeys) && ps.SoftKeys[next].Position == pos {
			k := ps.SoftKeys[next]
			next++
			out.SKeys = append(out.SKeys, SoftKey{Position: pos, Number: k.Number, Mnemonic: k.Mnemonic})
		} else {
			out.SKeys = append(out.SKeys, SoftKey{Position: pos})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// keyPosition parses the {position} path segment against the device.
func keyPosition(r *http.Request, soft bool) (int, error) {
	raw := r.PathValue("position")
	pos, err := strconv.Atoi(raw)
	if err != nil {
		return 0, errBadParameter("key position %q is not a number", raw)
	}
	max, what := provisioning.PhoneSetProgKeys, "programmeable key"
	if soft {
		max, what = provisioning.PhoneSetSoftKeys, "soft key"
	}
	if pos < 1 || pos > max {
		return 0, errNotFound("the device has no %s %d (positions 1 to %d)", what, pos, max)
	}
	return pos, nil
}

// keyIn is a key as clients send it; position and locked may come as
// strings too (lenient input).
type keyIn struct {
	Position json.RawMessage `json:"position"`
	Number   *string         `json:"number"`
	Mnemonic *string         `json:"mnemonic"`
	Locked   json.RawMessage `json:"locked"`
}

// absent reports a field not given (or null).
func absent(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

// flexInt reads an integer sent as a JSON number or a string.
func flexInt(name string, raw json.RawMessage) (int, error) {
	var v json.Number
	if err := json.Unmarshal(raw, &v); err == nil {
		if n, err := strconv.Atoi(string(v)); err == nil {
			return n, nil
		}
	}
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(str)); err == nil {
			return n, nil
		}
	}
	return 0, errBadParameter("%s must be an integer", name)
}

// flexBool reads a boolean sent as a JSON boolean or a string.
func flexBool(name string, raw json.RawMessage) (bool, error) {
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		return b, nil
	}
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		switch strings.ToLower(strings.TrimSpace(str)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, errBadParameter("%s must be true or false", name)
}

// withoutKey is ks without the key at pos.
func withoutKey(ks []provisioning.DeviceKey, pos int) []provisioning.DeviceKey {
	out := make([]provisioning.DeviceKey, 0, len(ks))
	for _, k := range ks {
		if k.Position != pos {
			out = append(out, k)
		}
	}
	return out
}

// handleSetKey: PUT programmeableKeys/{position} or softKeys/{position}
// programs the key as a whole.
func (s *Server) handleSetKey(soft bool) func(http.ResponseWriter, *http.Request, *session, *psDevice) {
	return func(w http.ResponseWriter, r *http.Request, se *session, d *psDevice) {
		pos, err := keyPosition(r, soft)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var in keyIn
		if err := s.readJSON(r, &in, false); err != nil {
			s.fail(w, r, err)
			return
		}
		if !absent(in.Position) {
			p, err := flexInt("position", in.Position)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if p != pos {
				s.fail(w, r, errBadParameter("the body's position %d is not the path's %d", p, pos))
				return
			}
		}
		if in.Number == nil || strings.TrimSpace(*in.Number) == "" {
			s.fail(w, r, errBadParameter("a key needs a number; DELETE frees a key"))
			return
		}
		k := provisioning.DeviceKey{Position: pos, Number: strings.TrimSpace(*in.Number)}
		if in.Mnemonic != nil {
			k.Mnemonic = *in.Mnemonic
		}
		if !absent(in.Locked) {
			if k.Locked, err = flexBool("locked", in.Locked); err != nil {
				s.fail(w, r, err)
				return
			}
			if soft && k.Locked {
				s.fail(w, r, errBadParameter("soft keys cannot be locked"))
				return
			}
		}
		s.change(w, r, se, d, func(ps *provisioning.PhoneSet) error {
			if soft {
				ps.SoftKeys = append(withoutKey(ps.SoftKeys, pos), k)
			} else {
				ps.ProgKeys = append(withoutKey(ps.ProgKeys, pos), k)
			}
			return nil
		})
	}
}

// handleDeleteKey: DELETE programmeableKeys/{position} or
// softKeys/{position} frees the key.
func (s *Server) handleDeleteKey(soft bool) func(http.ResponseWriter, *http.Request, *session, *psDevice) {
	return func(w http.ResponseWriter, r *http.Request, se *session, d *psDevice) {
		pos, err := keyPosition(r, soft)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.change(w, r, se, d, func(ps *provisioning.PhoneSet) error {
			if soft {
				ps.SoftKeys = withoutKey(ps.SoftKeys, pos)
			} else {
				ps.ProgKeys = withoutKey(ps.ProgKeys, pos)
			}
			return nil
		})
	}
}

// handleGetPIN: GET pin.
func (s *Server) handleGetPIN(w http.ResponseWriter, r *http.Request, _ *session, d *psDevice) {
	ps, ok := s.phoneSet(w, r, d)
	if !ok {
		return
	}
	var out Pin
	if p := ps.PIN; p != nil {
		wsc := p.WithSecretCode
		out = Pin{Number: p.Number, WithSecretCode: &wsc, Control: p.Control, Group: p.Group}
	}
	writeJSON(w, http.StatusOK, out)
}

// pinIn is a PIN as clients send it; the flag and the group may come as
// strings too (lenient input).
type pinIn struct {
	Number         *string         `json:"Pin_Number"`
	WithSecretCode json.RawMessage `json:"With_Secret_Code"`
	Control        *string         `json:"Pin_Type_Of_Control"`
	Group          json.RawMessage `json:"Pin_Group"`
}

// handleSetPIN: PUT pin replaces the PIN.
func (s *Server) handleSetPIN(w http.ResponseWriter, r *http.Request, se *session, d *psDevice) {
	var in pinIn
	if err := s.readJSON(r, &in, false); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Number == nil {
		s.fail(w, r, errBadParameter("Pin_Number is required"))
		return
	}
	p := provisioning.PIN{Number: *in.Number, Control: provisioning.PINRestrictedToOwner}
	var err error
	if !absent(in.WithSecretCode) {
		if p.WithSecretCode, err = flexBool("With_Secret_Code", in.WithSecretCode); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if !absent(in.Group) {
		g, err := flexInt("Pin_Group", in.Group)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Group = &g
	}
	if in.Control != nil {
		p.Control = *in.Control
	}
	s.change(w, r, se, d, func(ps *provisioning.PhoneSet) error {
		ps.PIN = &p
		return nil
	})
}

// activateParam reads the required activate=true|false query parameter.
func activateParam(r *http.Request) (bool, error) {
	v := r.URL.Query()["activate"]
	if len(v) != 1 {
		return false, errBadParameter("give activate=true or activate=false once")
	}
	switch strings.ToLower(strings.TrimSpace(v[0])) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errBadParameter("activate must be true or false, not %q", v[0])
}

// handleToggle: PUT lock or campon with ?activate=.
func (s *Server) handleToggle(set func(*provisioning.PhoneSet, bool)) func(http.ResponseWriter, *http.Request, *session, *psDevice) {
	return func(w http.ResponseWriter, r *http.Request, se *session, d *psDevice) {
		on, err := activateParam(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.change(w, r, se, d, func(ps *provisioning.PhoneSet) error {
			set(ps, on)
			return nil
		})
	}
}

// handleDynamicState: GET dynamicState.
func (s *Server) handleDynamicState(w http.ResponseWriter, r *http.Request, _ *session, d *psDevice) {
	ps, ok := s.phoneSet(w, r, d)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, DynamicState{Lock: ps.Lock, CampOn: ps.CampOn, Associate: ps.Associate})
}

// handleSetAssociate: PUT associate with {"number"} or {"associate"}.
func (s *Server) handleSetAssociate(w http.ResponseWriter, r *http.Request, se *session, d *psDevice) {
	var in struct {
		Number    json.RawMessage `json:"number"`
		Associate json.RawMessage `json:"associate"`
	}
	if err := s.readJSON(r, &in, false); err != nil {
		s.fail(w, r, err)
		return
	}
	str := func(name string, raw json.RawMessage) (string, error) {
		if len(raw) == 0 || string(raw) == "null" {
			return "", nil
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", errBadParameter("%s must be a string", name)
		}
		return strings.TrimSpace(v), nil
	}
	num, err := str("number", in.Number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	assoc, err := str("associate", in.Associate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case num == "" && assoc == "":
		s.fail(w, r, errBadParameter("give the associate number in number (or associate)"))
		return
	case num != "" && assoc != "" && num != assoc:
		s.fail(w, r, errBadParameter("number and associate name different numbers"))
		return
	case num == "":
		num = assoc
	}
	if own := digitsOf(num); own != "" && (own == digitsOf(d.dev.ID) || own == digitsOf(d.user.d.User.PhoneNumber)) {
		s.fail(w, r, errBadParameter("a device cannot be its own associate"))
		return
	}
	s.change(w, r, se, d, func(ps *provisioning.PhoneSet) error {
		ps.Associate = num
		return nil
	})
}

// handleREActive: PUT REActive?activate=; there is no remote extension.
func (s *Server) handleREActive(w http.ResponseWriter, r *http.Request, se *session, d *psDevice) {
	on, err := activateParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if on {
		s.fail(w, r, errBadParameterNotSupported("remote extension is not supported: the device has no remote extension to activate"))
		return
	}
	// Only the user's own rights to write are checked: deactivating what
	// is never active changes nothing, but a read-only caller is refused
	// as for any other change.
	s.change(w, r, se, d, func(*provisioning.PhoneSet) error { return nil })
}

// handleREActiveState: GET REActiveState.
func (s *Server) handleREActiveState(w http.ResponseWriter, r *http.Request, _ *session, _ *psDevice) {
	writeJSON(w, http.StatusOK, REActivationState{})
}

// handleAddons: GET addons.
func (s *Server) handleAddons(w http.ResponseWriter, r *http.Request, _ *session, _ *psDevice) {
	writeJSON(w, http.StatusOK, Addons{AddonTypes: []string{"NO_EXTENSIONS"}})
}

// handlePrefixes: GET /users/{loginName}/prefixes.
func (s *Server) handlePrefixes(w http.ResponseWriter, r *http.Request, se *session) {
	if _, err := s.pathUser(r, se); err != nil {
		s.fail(w, r, err)
		return
	}
	s.fail(w, r, errBadParameterNotSupported("feature prefixes are not supported: this server keeps no feature access codes"))
}

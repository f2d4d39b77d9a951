package o2g

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

// User information (the SDKs' Users service): the login list, users by
// login name or company phone, preferences and the secret change.
//
// Mapping choices, all derived from the core's user record:
//   - nodeId is always "1": Switchboard presents its whole system as ONE
//     O2G node (one "PBX"); other node ids name nothing.
//   - companyPhone is the number as users dial it: the national digits in
//     the system's country code, "+<cc><national>" in another one, or the
//     extension when the user has no number.
//   - devices (owner and administrators only): the user's access device
//     endpoint, when it has one, as one device whose id is the
//     companyPhone (what O2G calls the device number) and whose subType is
//     the core's device type; the type is SOFTPHONE for soft clients (a
//     device type naming "soft", "client" or "communicator"), DESKPHONE
//     otherwise. A user without an endpoint has no devices field.
//   - voicemail is never sent: Switchboard has no voice mail server.
//   - externalLogin is never sent: users have no external login.
//   - eMailAddress is the user's e-mail address when set.

// ourNodeID is the one node Switchboard presents.
const ourNodeID = "1"

// User is the O2G user representation.
type User struct {
	CompanyPhone  string   `json:"companyPhone,omitempty"`
	FirstName     string   `json:"firstName,omitempty"`
	LastName      string   `json:"lastName,omitempty"`
	LoginName     string   `json:"loginName"`
	Devices       []Device `json:"devices,omitempty"`
	NodeID        string   `json:"nodeId"`
	ExternalLogin string   `json:"externalLogin,omitempty"`
	EMailAddress  string   `json:"eMailAddress,omitempty"`
}

// Device is one device of a user.
type Device struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	SubType string `json:"subType,omitempty"`
}

// LoginsResponse lists login names.
type LoginsResponse struct {
	LoginNames []string `json:"loginNames"`
}

// Users wraps a list of users.
type Users struct {
	Users []User `json:"users"`
}

// UserPreferences are a user's language settings.
type UserPreferences struct {
	GUILanguage string `json:"guiLanguage,omitempty"`
	OXELanguage string `json:"oxeLanguage,omitempty"`
}

// SupportedLanguages lists the languages a user may choose.
type SupportedLanguages struct {
	SupportedLanguages    []string `json:"supportedLanguages"`
	SupportedGUILanguages []string `json:"supportedGuiLanguages"`
}

// ChangePasswordRequest changes a user's secret.
type ChangePasswordRequest struct {
	OldPassword string `json:"oldPassword"`
	NewPassword string `json:"newPassword"`
}

// deviceKind maps a core device type to an O2G device type.
func deviceKind(devType string) string {
	t := strings.ToLower(devType)
	for _, soft := range []string{"soft", "client", "communicator"} {
		if strings.Contains(t, soft) {
			return "SOFTPHONE"
		}
	}
	return "DESKPHONE"
}

// userView renders u; full adds what only the owner and administrators
// see (its devices), read with the system reader once the caller's right
// to the user is established.
func (s *Server) userView(ctx context.Context, u *userRef, full bool) (User, error) {
	rec := u.d.User
	out := User{CompanyPhone: s.dialNumber(rec), FirstName: rec.FirstName, LastName: rec.LastName, LoginName: u.login,
		NodeID: ourNodeID, EMailAddress: rec.Email}
	if full && rec.Profile.Endpoint != nil {
		dev, err := s.core.UserDevice(ctx, systemReader, u.id)
		if err != nil {
			return User{}, err
		}
		if dev != nil && out.CompanyPhone != "" {
			out.Devices = []Device{{Type: deviceKind(dev.Type), ID: out.CompanyPhone, SubType: dev.Type}}
		}
	}
	return out, nil
}

// lenientQuery parses the query string leniently: net/url drops a pair holding
// a raw ';' (Go 1.17 and later), but clients may send nodeIds=1;2
// unescaped, so pairs are split on '&' only.
func lenientQuery(r *http.Request) url.Values {
	out := url.Values{}
	for _, part := range strings.Split(r.URL.RawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		out[k] = append(out[k], v)
	}
	return out
}

// queryFlag reads a flag query parameter: present without a value or "true"
// is true, absent or "false" false.
func queryFlag(q url.Values, name string) (bool, error) {
	vs, ok := q[name]
	if !ok {
		return false, nil
	}
	switch v := strings.ToLower(strings.TrimSpace(vs[0])); v {
	case "", "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errBadParameter("%s: want true or false, not %q", name, vs[0])
}

// ourNode reports whether a nodeIds parameter (ids separated by ',' as in
// the specification or ';' as the Node SDK sends them) includes
// Switchboard's node; an absent or empty list means every node.
func ourNode(raw string) (bool, error) {
	ids := strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ';' })
	if len(ids) == 0 {
		return true, nil
	}
	found := false
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if _, err := strconv.ParseUint(id, 10, 32); err != nil {
			return false, errBadParameter("nodeIds: %q is not a node id", id)
		}
		if n, _ := strconv.Atoi(id); n == 1 {
			found = true
		}
	}
	return found, nil
}

// adminLogins lists the login names of the users an administrator's scope
// covers, in user id order, keeping those keep accepts.
func (s *Server) adminLogins(r *http.Request, a *provisioning.Actor, keep func(store.User) bool) ([]string, error) {
	f := provisioning.UserListFilter{}
	switch {
	case a.Level >= provisioning.LevelReseller:
	case a.Level == provisioning.LevelServiceProvider:
		f.SPID = a.SPID
	default:
		f.SPID, f.GroupID = a.SPID, a.GroupID
	}
	names := []string{}
	err := s.core.ListUsers(r.Context(), a, f, func(row *provisioning.UserRow) bool {
		if keep == nil || keep(row.User) {
			names = append(names, s.loginNameOf(row.User))
		}
		return true
	})
	return names, err
}

// handleLogins: GET /logins. A user gets its own login name only (the
// filters are for administrators); an administrator every user its scope
// covers. No user has an external login, so onlyWithExtLogin selects
// none.
func (s *Server) handleLogins(w http.ResponseWriter, r *http.Request, se *session) {
	q := lenientQuery(r)
	if !se.admin() {
		writeJSON(w, http.StatusOK, LoginsResponse{LoginNames: []string{se.user.login}})
		return
	}
	ours, err := ourNode(q.Get("nodeIds"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	onlyACD, err := queryFlag(q, "onlyACD")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	onlyExt, err := queryFlag(q, "onlyWithExtLogin")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ours || onlyExt {
		writeJSON(w, http.StatusOK, LoginsResponse{LoginNames: []string{}})
		return
	}
	var keep func(store.User) bool
	if onlyACD {
		agents, err := s.core.AgentUserIDs(r.Context(), se.who.actor)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		keep = func(u store.User) bool { return agents[u.ID] }
	}
	names, err := s.adminLogins(r, se.who.actor, keep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, LoginsResponse{LoginNames: names})
}

// readableUser reads user id for the session. Administrators read what
// their scope covers. A user (or supervised) session may read the users
// of its own service provider (its enterprise's directory), without
// their devices. Anything else is NOT_FOUND.
func (s *Server) readableUser(r *http.Request, se *session, id string) (ref *userRef, full bool, err error) {
	if se.admin() {
		ref, err = s.userRef(r, se.who.actor, id)
		return ref, true, err
	}
	ref, err = s.userRef(r, systemReader, id)
	if err != nil {
		return nil, false, err
	}
	if ref.id == se.user.id {
		return ref, true, nil
	}
	if ref.d.User.SPID != se.user.d.User.SPID {
		return nil, false, errNotFound("no user %s", id)
	}
	return ref, false, nil
}

// handleUser: GET /users/{loginName}.
func (s *Server) handleUser(w http.ResponseWriter, r *http.Request, se *session) {
	name := trimLogin(r.PathValue("loginName"))
	if name == "" {
		s.fail(w, r, errBadParameter("a login name is required"))
		return
	}
	id, err := s.userIDOfLogin(r, name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeUser(w, r, se, id)
}

func (s *Server) writeUser(w http.ResponseWriter, r *http.Request, se *session, id string) {
	ref, full, err := s.readableUser(r, se, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.userView(r.Context(), ref, full)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// handleUsersByPhone: GET /users?companyPhone=. The phone is a number as
// dialled (national digits, +E.164 with or without separators) or an
// extension of the caller's group.
func (s *Server) handleUsersByPhone(w http.ResponseWriter, r *http.Request, se *session) {
	phone := strings.TrimSpace(lenientQuery(r).Get("companyPhone"))
	if phone == "" {
		s.fail(w, r, errBadParameter("the companyPhone parameter is required"))
		return
	}
	id, err := s.userIDOfPhone(r, phone)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.typ == typeNotFound {
			id, err = s.userIDOfExtension(r, se, phone)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.writeUser(w, r, se, id)
}

// userIDOfExtension resolves an extension in the group of the session's
// user, or of a group or department administrator; other sessions have
// no group to dial extensions in.
func (s *Server) userIDOfExtension(r *http.Request, se *session, ext string) (string, error) {
	sp, g := "", ""
	switch {
	case se.user != nil:
		sp, g = se.user.d.User.SPID, se.user.d.User.GroupID
	case se.who.actor.GroupID != "":
		sp, g = se.who.actor.SPID, se.who.actor.GroupID
	}
	if g == "" || strings.Trim(ext, "0123456789") != "" {
		return "", errNotFound("no user with number %s", ext)
	}
	id, err := s.core.UserIDByExtension(r.Context(), sp, g, ext)
	if e, ok := provisioning.AsError(err); ok && e.Kind == provisioning.KindUserNotFound {
		return "", errNotFound("no user with number %s", ext)
	}
	return id, err
}

// language is one entry of the language table: the core's user language
// (BroadWorks names), the OXE language name and the GUI code.
type language struct {
	core, oxe, gui string
}

// languages maps the core's languages to O2G's, both ways. The first
// entry is the default for a user without a language, as BroadWorks
// defaults to English.
var languages = []language{
	{"English", "US_English", "en-us"},
	{"UK English", "English_UK", "en-gb"},
	{"French", "French", "fr"},
	{"German", "German", "de"},
	{"Spanish", "Spanish", "es"},
	{"Italian", "Italian", "it"},
	{"Portuguese", "Portuguese", "pt"},
	{"Dutch", "Dutch", "nl"},
	{"Japanese", "Japanese", "ja"},
	{"Chinese", "Chinese", "zh"},
	{"Korean", "Korean", "ko"},
	{"Russian", "Russian", "ru"},
}

func languageOfCore(name string) language {
	for _, l := range languages {
		if strings.EqualFold(l.core, name) {
			return l
		}
	}
	return languages[0]
}

// guiLanguage finds a GUI code, accepting "en_GB" and "EN-gb" for "en-gb".
func guiLanguage(code string) (language, bool) {
	c := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(code)), "_", "-")
	for _, l := range languages {
		if l.gui == c {
			return l, true
		}
	}
	return language{}, false
}

func oxeLanguage(name string) (language, bool) {
	for _, l := range languages {
		if strings.EqualFold(l.oxe, strings.TrimSpace(name)) {
			return l, true
		}
	}
	return language{}, false
}

func errWrongLanguage(param, value string) *apiError {
	e := errBadParameter("%s %q is not a supported language", strings.ToLower(param), value)
	e.prefs = &PreferenceError{ErrorType: "WRONG_VALUE", Parameter: param}
	return e
}

// handleGetPreferences: GET /users/{loginName}/preferences.
func (s *Server) handleGetPreferences(w http.ResponseWriter, r *http.Request, se *session) {
	ref, err := s.freshPathUser(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := languageOfCore(ref.d.User.Profile.Language)
	writeJSON(w, http.StatusOK, UserPreferences{GUILanguage: l.gui, OXELanguage: l.oxe})
}

// freshPathUser is pathUser read again from the core: a user session
// keeps the record it was opened with, and preferences or secrets must
// not be answered from it.
func (s *Server) freshPathUser(r *http.Request, se *session) (*userRef, error) {
	ref, err := s.pathUser(r, se)
	if err != nil {
		return nil, err
	}
	if se.user != nil {
		return s.userRef(r, se.who.actor, ref.id)
	}
	return ref, nil
}

// handleSetPreferences: POST /users/{loginName}/preferences. Either
// language names the same core language; giving both that disagree is
// refused.
func (s *Server) handleSetPreferences(w http.ResponseWriter, r *http.Request, se *session) {
	ref, err := s.pathUser(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req UserPreferences
	if err := s.readJSON(r, &req, false); err != nil {
		s.fail(w, r, err)
		return
	}
	var l language
	switch {
	case req.GUILanguage == "" && req.OXELanguage == "":
		s.fail(w, r, errBadParameter("give guiLanguage or oxeLanguage"))
		return
	case req.GUILanguage != "":
		var ok bool
		if l, ok = guiLanguage(req.GUILanguage); !ok {
			s.fail(w, r, errWrongLanguage("GUI_LANGUAGE", req.GUILanguage))
			return
		}
		if req.OXELanguage != "" {
			if o, ok := oxeLanguage(req.OXELanguage); !ok || o != l {
				s.fail(w, r, errWrongLanguage("OXE_LANGUAGE", req.OXELanguage))
				return
			}
		}
	default:
		var ok bool
		if l, ok = oxeLanguage(req.OXELanguage); !ok {
			s.fail(w, r, errWrongLanguage("OXE_LANGUAGE", req.OXELanguage))
			return
		}
	}
	err = s.core.ModifyUser(r.Context(), se.who.actor, ref.id, provisioning.UserChange{Apply: func(u *store.User) error {
		u.Profile.Language = l.core
		return nil
	}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	noContent(w)
}

// handleSupportedLanguages: GET /users/{loginName}/preferences/supportedLanguages.
func (s *Server) handleSupportedLanguages(w http.ResponseWriter, r *http.Request, se *session) {
	if _, err := s.pathUser(r, se); err != nil {
		s.fail(w, r, err)
		return
	}
	out := SupportedLanguages{SupportedLanguages: []string{}, SupportedGUILanguages: []string{}}
	for _, l := range languages {
		out.SupportedLanguages = append(out.SupportedLanguages, l.oxe)
		out.SupportedGUILanguages = append(out.SupportedGUILanguages, l.gui)
	}
	writeJSON(w, http.StatusOK, out)
}

// errWrongSecret answers a wrong old secret: 403 NOT_ALLOWED rather than
// 401, which clients take for a lost authentication.
func errWrongSecret() *apiError { return errNotAllowed("the old password is wrong") }

// handleChangePassword: PUT /users/{loginName}/password changes the
// secret the user logs in to O2G with: the portal passcode in LoginOXE
// mode, the web password in LoginUserID mode. A user (or supervised)
// session must give the old secret; an administrator's session need not,
// but an old secret it gives is checked. The check and the change are one
// core transaction.
func (s *Server) handleChangePassword(w http.ResponseWriter, r *http.Request, se *session) {
	ref, err := s.pathUser(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req ChangePasswordRequest
	if err := s.readJSON(r, &req, false); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.NewPassword == "" {
		s.fail(w, r, errBadParameter("newPassword is required"))
		return
	}
	checkOld := !se.admin() || req.OldPassword != ""
	if checkOld && req.OldPassword == "" {
		s.fail(w, r, errBadParameter("oldPassword is required"))
		return
	}
	newSecret := req.NewPassword
	ch := provisioning.UserChange{}
	if s.cfg.UserLogin == LoginOXE {
		ch.NewPasscode = &newSecret
		ch.Apply = func(u *store.User) error {
			if checkOld && (u.Passcode == "" || !provisioning.VerifyPasscode(u.Passcode, req.OldPassword)) {
				return errWrongSecret()
			}
			return nil
		}
	} else {
		ch.NewPassword, ch.OldPassword = &newSecret, req.OldPassword
		ch.Apply = func(u *store.User) error {
			// The core checks the old password itself for users; a
			// supervised session acts with an administrator's actor, so
			// it is checked here.
			if checkOld && subtle.ConstantTimeCompare([]byte(u.PasswordSHA1), []byte(provisioning.SHA1Hex(req.OldPassword))) != 1 {
				return errWrongSecret()
			}
			return nil
		}
	}
	err = s.core.ModifyUser(r.Context(), se.who.actor, ref.id, ch)
	if e, ok := provisioning.AsError(err); ok && e.Kind == provisioning.KindBadPassword {
		err = errWrongSecret()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("o2g: secret changed", "session", se.id, "user", ref.id)
	noContent(w)
}

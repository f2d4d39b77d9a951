package o2g

import (
	"net/http"
	"strings"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

// How O2G names map onto the shared core (see doc.go):
//
//   - An O2G administrator is a Switchboard administrator: its login name
//     is its administrator id and its secret is its password. What it may
//     see and do is its core scope.
//   - An O2G user is a user provisioned through OCI-P (or /usermanagement).
//     In LoginOXE mode its login name is "oxe" followed by the national
//     digits of its phone number ("oxe2025550101" for +1-2025550101; the
//     full E.164 digits when the number is in another country code than
//     the system's), or its user id when it has no number, and its secret
//     code is its portal passcode. In LoginUserID mode the login name is
//     the user id and the secret is the user's web password.

// userRef is a user the API acts on, with its login name.
type userRef struct {
	id    string
	login string
	d     provisioning.UserDetail
}

// loginNameOf is the O2G login name of user u.
func (s *Server) loginNameOf(u store.User) string {
	if s.cfg.UserLogin == LoginUserID || u.PhoneNumber == "" {
		return u.ID
	}
	cc, national, ok := strings.Cut(strings.TrimPrefix(u.PhoneNumber, "+"), "-")
	if !ok {
		return u.ID
	}
	if cc == s.core.Options().CountryCode {
		return "oxe" + national
	}
	return "oxe" + cc + national
}

// oxeDigits returns the digits of an "oxe<digits>" login name.
func oxeDigits(login string) (string, bool) {
	d, ok := strings.CutPrefix(strings.ToLower(login), "oxe")
	if !ok || d == "" || len(d) > 20 {
		return "", false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return "", false
		}
	}
	return d, true
}

// numberCandidates are the canonical numbers ("+CC-national") that a
// digit string may stand for: national digits in the system's country
// code, or E.164 digits with a one- to three-digit country code.
func (s *Server) numberCandidates(digits string, e164Only bool) []string {
	var out []string
	if !e164Only {
		out = append(out, "+"+s.core.Options().CountryCode+"-"+digits)
	}
	for n := 1; n <= 3 && n < len(digits); n++ {
		out = append(out, "+"+digits[:n]+"-"+digits[n:])
	}
	return out
}

// userIDByDigits finds the user holding one of the candidate numbers.
func (s *Server) userIDByDigits(r *http.Request, cands []string) (string, bool, error) {
	for _, num := range cands {
		id, err := s.core.UserIDByNumber(r.Context(), num)
		if err == nil {
			return id, true, nil
		}
		if e, ok := provisioning.AsError(err); !ok || e.Kind != provisioning.KindUserNotFound {
			return "", false, err
		}
	}
	return "", false, nil
}

// userIDOfLogin resolves a login name to a user id without checking any
// right: an oxe<digits> name is a phone number, anything else a user id.
func (s *Server) userIDOfLogin(r *http.Request, login string) (string, error) {
	if s.cfg.UserLogin == LoginOXE {
		if d, ok := oxeDigits(login); ok {
			id, found, err := s.userIDByDigits(r, s.numberCandidates(d, false))
			if err != nil {
				return "", err
			}
			if !found {
				return "", errNotFound("no user with login name %s", login)
			}
			return id, nil
		}
	}
	return login, nil
}

// userIDOfPhone resolves a phone number as a user would dial it: national
// digits, or +E.164 with or without separators.
func (s *Server) userIDOfPhone(r *http.Request, phone string) (string, error) {
	digits := strings.Map(func(c rune) rune {
		if c >= '0' && c <= '9' {
			return c
		}
		return -1
	}, phone)
	if digits == "" {
		return "", errBadParameter("%q is not a phone number", phone)
	}
	id, found, err := s.userIDByDigits(r, s.numberCandidates(digits, strings.HasPrefix(strings.TrimSpace(phone), "+")))
	if err != nil {
		return "", err
	}
	if !found {
		return "", errNotFound("no user with number %s", phone)
	}
	return id, nil
}

// userRef reads user id as actor may see it.
func (s *Server) userRef(r *http.Request, actor *provisioning.Actor, id string) (*userRef, error) {
	d, err := s.core.User(r.Context(), actor, id)
	if err != nil {
		if e, ok := provisioning.AsError(err); ok && (e.Kind == provisioning.KindUnauthorized || e.Kind == provisioning.KindUserNotFound) {
			// Out of scope and absent look the same, so ids cannot be probed.
			return nil, errNotFound("no user %s", id)
		}
		return nil, err
	}
	if d.User.Kind != store.KindUser {
		return nil, errNotFound("no user %s", id)
	}
	return &userRef{id: d.User.ID, login: s.loginNameOf(d.User), d: d}, nil
}

// resolveAccount reads the user a login name (or, with kind
// PHONE_NUMBER, a phone number) names, as actor may see it.
func (s *Server) resolveAccount(r *http.Request, actor *provisioning.Actor, name, kind string) (*userRef, error) {
	name = trimLogin(name)
	if name == "" {
		return nil, errBadParameter("an account id is required")
	}
	var id string
	var err error
	switch strings.ToUpper(kind) {
	case "", "LOGIN_NAME":
		id, err = s.userIDOfLogin(r, name)
	case "PHONE_NUMBER":
		id, err = s.userIDOfPhone(r, name)
	default:
		return nil, errBadParameter("account type %q: want LOGIN_NAME or PHONE_NUMBER", kind)
	}
	if err != nil {
		return nil, err
	}
	return s.userRef(r, actor, id)
}

// authenticate checks Basic credentials. Administrators log in with id
// and password in either mode. Users log in with their login name and
// secret code (LoginOXE) or user id and password (LoginUserID). Every
// refusal is the same 401, whatever was wrong, so logins cannot be probed;
// the core's lockout counts each attempt once.
func (s *Server) authenticate(r *http.Request, login, secret string) (identity, error) {
	login = trimLogin(login)
	refused := newError(http.StatusUnauthorized, typeNotAllowed, "authentication failed: unknown login or wrong secret")
	if secret == "" {
		return identity{}, refused
	}
	id, cred := login, provisioning.Credential{Password: secret}
	if s.cfg.UserLogin == LoginOXE {
		if _, isOXE := oxeDigits(login); isOXE {
			uid, err := s.userIDOfLogin(r, login)
			if err != nil {
				return identity{}, refused
			}
			id, cred = uid, provisioning.Credential{Passcode: secret}
		} else {
			// Administrators are checked against the password, users
			// without a number (named by id) against their code.
			cred.Passcode = secret
		}
	}
	info, err := s.core.Login(r.Context(), id, cred)
	if err != nil {
		if e, ok := provisioning.AsError(err); ok && (e.Kind == provisioning.KindBadPassword || e.Kind == provisioning.KindDisabled) {
			return identity{}, refused
		}
		return identity{}, err
	}
	if info.Level != provisioning.LevelUser {
		return identity{admin: true, actor: info.Actor, login: info.Actor.ID}, nil
	}
	ref, err := s.userRef(r, info.Actor, info.Actor.ID)
	if err != nil {
		return identity{}, err
	}
	return identity{actor: info.Actor, login: ref.login, userID: ref.id}, nil
}

// target is the user an operation of the "loginName" kind acts on: a user
// (or supervised) session acts on its own user and ignores the parameter;
// an administrator names the user in loginName, which it must cover.
func (s *Server) target(r *http.Request, se *session) (*userRef, error) {
	if se.user != nil {
		return se.user, nil
	}
	name := trimLogin(r.URL.Query().Get("loginName"))
	if name == "" {
		return nil, errBadParameter("an administrator session must name the user in loginName")
	}
	id, err := s.userIDOfLogin(r, name)
	if err != nil {
		return nil, err
	}
	return s.userRef(r, se.who.actor, id)
}

// pathUser is the user of a {loginName} path segment: a user may address
// only itself; an administrator any user it covers.
func (s *Server) pathUser(r *http.Request, se *session) (*userRef, error) {
	name := trimLogin(r.PathValue("loginName"))
	if se.user != nil {
		if !strings.EqualFold(name, se.user.login) && name != se.user.id {
			return nil, errNotAllowed("a user session may only address its own user")
		}
		return se.user, nil
	}
	id, err := s.userIDOfLogin(r, name)
	if err != nil {
		return nil, err
	}
	return s.userRef(r, se.who.actor, id)
}

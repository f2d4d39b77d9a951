package o2g_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

// usrGet GETs path and returns the answer's exact JSON.
func usrGet(t *testing.T, c *o2gtest.Client, path string) string {
	t.Helper()
	var raw json.RawMessage
	if err := c.Do(context.Background(), http.MethodGet, path, nil, &raw); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return string(bytes.TrimSpace(raw))
}

func usrWantJSON(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("%s:\n%s\nwant\n%s", what, got, want)
	}
}

// usrDoRaw sends body bytes as they are (malformed JSON included).
func usrDoRaw(t *testing.T, c *o2gtest.Client, method, path, body string) error {
	t.Helper()
	return c.Do(context.Background(), method, path, json.RawMessage(body), nil)
}

// usrSendRaw sends body bytes that need not be JSON at all.
func usrSendRaw(t *testing.T, c *o2gtest.Client, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, c.URL(path), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var info map[string]any
	json.NewDecoder(resp.Body).Decode(&info)
	return resp.StatusCode, info
}

// usrAliceDesk gives alice an endpoint on a group device.
func usrAliceDesk(t *testing.T, w *world) {
	t.Helper()
	ctx := context.Background()
	if err := w.tb.Core.AddDevice(ctx, w.sys, store.Device{SPID: "sp1", GroupID: "g1", Name: "alice-desk", Type: "Polycom VVX 400"}); err != nil {
		t.Fatal(err)
	}
	if err := w.tb.Core.ModifyUser(ctx, w.sys, alice, provisioning.UserChange{Apply: func(u *store.User) error {
		u.Profile.Endpoint = &store.Endpoint{DeviceName: "alice-desk", LinePort: "alice-lp@example.com"}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
}

const (
	aliceFull = `{"companyPhone":"2025550101","firstName":"Alice","lastName":"Liddell","loginName":"oxe2025550101",` +
		`"devices":[{"type":"DESKPHONE","id":"2025550101","subType":"Polycom VVX 400"}],"nodeId":"1","eMailAddress":"Alice@mail.example.com"}`
	alicePublic = `{"companyPhone":"2025550101","firstName":"Alice","lastName":"Liddell","loginName":"oxe2025550101",` +
		`"nodeId":"1","eMailAddress":"Alice@mail.example.com"}`
	carolJSON = `{"companyPhone":"103","firstName":"Carol","lastName":"Clark","loginName":"carol@example.com",` +
		`"nodeId":"1","eMailAddress":"Carol@mail.example.com"}`
)

// The User representation: devices for the owner and administrators
// only, byte-exact.
func TestUsersGolden(t *testing.T) {
	w := newWorld(t)
	usrAliceDesk(t, w)
	a := w.client(t, "oxe2025550101", "1234")
	b := w.client(t, "oxe2025550102", "5678")
	adm := w.admin(t)

	usrWantJSON(t, "owner view", usrGet(t, a, "/users/oxe2025550101"), aliceFull)
	usrWantJSON(t, "other user's view", usrGet(t, b, "/users/oxe2025550101"), alicePublic)
	usrWantJSON(t, "admin view", usrGet(t, adm, "/users/oxe2025550101"), aliceFull)
	usrWantJSON(t, "usermanagement view", usrGet(t, adm, "/usermanagement/oxe2025550101"), aliceFull)
	usrWantJSON(t, "user without a number", usrGet(t, b, "/users/carol@example.com"), carolJSON)
	// Bob has no endpoint: no devices even for himself.
	usrWantJSON(t, "bob himself", usrGet(t, b, "/users/oxe2025550102"),
		`{"companyPhone":"2025550102","firstName":"Bob","lastName":"Brown","loginName":"oxe2025550102","nodeId":"1","eMailAddress":"Bob@mail.example.com"}`)
	// Dave is in another group of the same enterprise: visible to users.
	usrWantJSON(t, "dave", usrGet(t, a, "/users/oxe2025550150"),
		`{"companyPhone":"2025550150","firstName":"Dave","lastName":"Davis","loginName":"oxe2025550150","nodeId":"1","eMailAddress":"Dave@mail.example.com"}`)

	// By company phone, as dialled.
	usrWantJSON(t, "by company phone", usrGet(t, b, "/users?companyPhone=2025550101"), alicePublic)
	usrWantJSON(t, "by E.164", usrGet(t, b, "/users?companyPhone=%2B1+202-555-0101"), alicePublic)
	usrWantJSON(t, "by extension", usrGet(t, b, "/users?companyPhone=103"), carolJSON)
	usrWantJSON(t, "admin by phone", usrGet(t, adm, "/users?companyPhone=2025550101"), aliceFull)

	ctx := context.Background()
	wantError(t, b.Do(ctx, http.MethodGet, "/users", nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, b.Do(ctx, http.MethodGet, "/users?companyPhone=", nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, b.Do(ctx, http.MethodGet, "/users?companyPhone=2025550999", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, b.Do(ctx, http.MethodGet, "/users?companyPhone=999", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, b.Do(ctx, http.MethodGet, "/users/oxe2025550999", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, b.Do(ctx, http.MethodGet, "/users/nobody@example.com", nil, nil), http.StatusNotFound, "NOT_FOUND")
	// A group administrator does not see users of other groups.
	g1 := w.client(t, "g1admin", adminPassword)
	wantError(t, g1.Do(ctx, http.MethodGet, "/users/oxe2025550150", nil, nil), http.StatusNotFound, "NOT_FOUND")
	usrWantJSON(t, "group admin view", usrGet(t, g1, "/users/oxe2025550101"), aliceFull)
	// No session: INVALID_SESSION.
	anon := o2gtest.New(w.tb.O2GAddr, w.tb.Roots)
	wantError(t, anon.Do(ctx, http.MethodGet, "https://"+w.tb.O2GAddr+"/api/rest/1.0/users/oxe2025550101", nil, nil),
		http.StatusForbidden, "INVALID_SESSION")
}

// Logins: a user sees itself, administrators their scope, filters and
// both node id separators honoured.
func TestUsersLogins(t *testing.T) {
	w := newWorld(t)
	a := w.client(t, "oxe2025550101", "1234")
	adm := w.admin(t)
	g1 := w.client(t, "g1admin", adminPassword)
	const all = `{"loginNames":["oxe2025550101","oxe2025550102","carol@example.com","oxe2025550150"]}`

	usrWantJSON(t, "user", usrGet(t, a, "/logins"), `{"loginNames":["oxe2025550101"]}`)
	usrWantJSON(t, "user with filters", usrGet(t, a, "/logins?onlyACD&nodeIds=7"), `{"loginNames":["oxe2025550101"]}`)
	usrWantJSON(t, "system admin", usrGet(t, adm, "/logins"), all)
	usrWantJSON(t, "nodeIds with ;", usrGet(t, adm, "/logins?nodeIds=1%3B2"), all)
	usrWantJSON(t, "nodeIds with ,", usrGet(t, adm, "/logins?nodeIds=2,1"), all)
	usrWantJSON(t, "other node", usrGet(t, adm, "/logins?nodeIds=2"), `{"loginNames":[]}`)
	usrWantJSON(t, "onlyACD", usrGet(t, adm, "/logins?onlyACD"), `{"loginNames":[]}`)
	usrWantJSON(t, "onlyACD=false", usrGet(t, adm, "/logins?onlyACD=false"), all)
	usrWantJSON(t, "onlyWithExtLogin", usrGet(t, adm, "/logins?onlyWithExtLogin=true"), `{"loginNames":[]}`)
	usrWantJSON(t, "group admin", usrGet(t, g1, "/logins"), `{"loginNames":["oxe2025550101","oxe2025550102","carol@example.com"]}`)

	ctx := context.Background()
	wantError(t, adm.Do(ctx, http.MethodGet, "/logins?nodeIds=one", nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, adm.Do(ctx, http.MethodGet, "/logins?onlyACD=maybe", nil, nil), http.StatusBadRequest, "BAD_PARAMETER")

	// The Node SDK derives the logins URL from the users service URL.
	u, _ := a.Service("users")
	var got struct {
		LoginNames []string `json:"loginNames"`
	}
	if err := a.Do(ctx, http.MethodGet, strings.Replace(u, "/users", "/logins", 1), nil, &got); err != nil || len(got.LoginNames) != 1 {
		t.Fatalf("derived logins URL: %v %v", got, err)
	}
}

// Preferences round trip through the core's user language.
func TestUsersPreferences(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a := w.client(t, "oxe2025550101", "1234")
	b := w.client(t, "oxe2025550102", "5678")
	adm := w.admin(t)
	const p = "/users/oxe2025550101/preferences"

	usrWantJSON(t, "default", usrGet(t, a, p), `{"guiLanguage":"en-us","oxeLanguage":"US_English"}`)
	if err := a.Do(ctx, http.MethodPost, p, map[string]string{"guiLanguage": "fr"}, nil); err != nil {
		t.Fatal(err)
	}
	d, err := w.tb.Core.User(ctx, w.sys, alice)
	if err != nil || d.User.Profile.Language != "French" {
		t.Fatalf("core language %q %v", d.User.Profile.Language, err)
	}
	usrWantJSON(t, "after change", usrGet(t, a, p), `{"guiLanguage":"fr","oxeLanguage":"French"}`)
	// The specification's en_GB spelling, by an administrator.
	if err := adm.Do(ctx, http.MethodPost, p, map[string]string{"guiLanguage": "en_GB", "oxeLanguage": "English_UK"}, nil); err != nil {
		t.Fatal(err)
	}
	usrWantJSON(t, "admin change", usrGet(t, adm, p), `{"guiLanguage":"en-gb","oxeLanguage":"English_UK"}`)
	// A change made through the core (as OCI-P) shows.
	if err := w.tb.Core.ModifyUser(ctx, w.sys, alice, provisioning.UserChange{Apply: func(u *store.User) error {
		u.Profile.Language = "German"
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	usrWantJSON(t, "core change", usrGet(t, a, p), `{"guiLanguage":"de","oxeLanguage":"German"}`)

	// Refusals change nothing.
	err = a.Do(ctx, http.MethodPost, p, map[string]string{"guiLanguage": "xx"}, nil)
	wantError(t, err, http.StatusBadRequest, "BAD_PARAMETER")
	if up, _ := err.(*o2gtest.Error).Info["userPreferences"].(map[string]any); up["errorType"] != "WRONG_VALUE" || up["parameter"] != "GUI_LANGUAGE" {
		t.Fatalf("userPreferences %v", err.(*o2gtest.Error).Info)
	}
	wantError(t, a.Do(ctx, http.MethodPost, p, map[string]string{"guiLanguage": "fr", "oxeLanguage": "German"}, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, a.Do(ctx, http.MethodPost, p, map[string]string{}, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, usrDoRaw(t, a, http.MethodPost, p, `{"guiLanguage":7}`), http.StatusBadRequest, "BAD_PARAMETER")
	if st, info := usrSendRaw(t, a, http.MethodPost, p, `{"guiLanguage":`); st != http.StatusBadRequest || info["type"] != "BAD_PARAMETER" {
		t.Fatalf("malformed: %d %v", st, info)
	}
	wantError(t, b.Do(ctx, http.MethodPost, p, map[string]string{"guiLanguage": "fr"}, nil), http.StatusForbidden, "NOT_ALLOWED")
	wantError(t, b.Do(ctx, http.MethodGet, p, nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	usrWantJSON(t, "unchanged", usrGet(t, a, p), `{"guiLanguage":"de","oxeLanguage":"German"}`)

	usrWantJSON(t, "supported", usrGet(t, a, p+"/supportedLanguages"),
		`{"supportedLanguages":["US_English","English_UK","French","German","Spanish","Italian","Portuguese","Dutch","Japanese","Chinese","Korean","Russian"],`+
			`"supportedGuiLanguages":["en-us","en-gb","fr","de","es","it","pt","nl","ja","zh","ko","ru"]}`)
	wantError(t, b.Do(ctx, http.MethodGet, p+"/supportedLanguages", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
}

// The O2G secret is the portal passcode: changed with the old one, then
// the new one logs in and the old one no longer does.
func TestUsersPassword(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a := w.client(t, "oxe2025550101", "1234")
	const p = "/users/oxe2025550101/password"

	wantError(t, a.Do(ctx, http.MethodPut, p, map[string]string{"oldPassword": "0000", "newPassword": "4321"}, nil), http.StatusForbidden, "NOT_ALLOWED")
	wantError(t, a.Do(ctx, http.MethodPut, p, map[string]string{"newPassword": "4321"}, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, a.Do(ctx, http.MethodPut, p, map[string]string{"oldPassword": "1234"}, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, a.Do(ctx, http.MethodPut, p, map[string]string{"oldPassword": "1234", "newPassword": "x"}, nil), http.StatusBadRequest, "BAD_PARAMETER")
	if st, info := usrSendRaw(t, a, http.MethodPut, p, `not json`); st != http.StatusBadRequest || info["type"] != "BAD_PARAMETER" {
		t.Fatalf("malformed: %d %v", st, info)
	}
	wantError(t, a.Do(ctx, http.MethodPut, "/users/oxe2025550102/password", map[string]string{"oldPassword": "5678", "newPassword": "4321"}, nil),
		http.StatusForbidden, "NOT_ALLOWED")
	// Nothing above changed the secret.
	w.client(t, "oxe2025550101", "1234")

	if err := a.Do(ctx, http.MethodPut, p, map[string]string{"oldPassword": "1234", "newPassword": "4321"}, nil); err != nil {
		t.Fatal(err)
	}
	w.client(t, "oxe2025550101", "4321")
	wantError(t, o2gtest.New(w.tb.O2GAddr, w.tb.Roots).Login(ctx, "oxe2025550101", "1234", "t"), http.StatusUnauthorized, "NOT_ALLOWED")

	// An administrator sets a user's secret without the old one, but a
	// wrong old one it gives is refused.
	adm := w.admin(t)
	wantError(t, adm.Do(ctx, http.MethodPut, "/users/oxe2025550102/password", map[string]string{"oldPassword": "0000", "newPassword": "8765"}, nil),
		http.StatusForbidden, "NOT_ALLOWED")
	if err := adm.Do(ctx, http.MethodPut, "/users/oxe2025550102/password", map[string]string{"newPassword": "8765"}, nil); err != nil {
		t.Fatal(err)
	}
	w.client(t, "oxe2025550102", "8765")
	// A group administrator cannot reach a user of another group.
	g1 := w.client(t, "g1admin", adminPassword)
	wantError(t, g1.Do(ctx, http.MethodPut, "/users/oxe2025550150/password", map[string]string{"newPassword": "1111"}, nil), http.StatusNotFound, "NOT_FOUND")
	w.client(t, "oxe2025550150", "1357")
}

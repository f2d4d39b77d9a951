package o2g

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzHandler sends arbitrary requests (method, path under the API base,
// query, body) with a live administrator's or user's session cookie
// straight to the handler. Whatever arrives, the server must not panic or
// fail internally, and every error must be a RestErrorInfo JSON body.
func FuzzHandler(f *testing.F) {
	for _, seed := range []struct {
		method     uint8
		path, body string
		user       bool
	}{
		{0, "/users/oxe2025550111", "", true},
		{1, "/subscriptions", `{"filter":{"selectors":[{"ids":["*"],"names":["routingManagement"]}]},"version":"1.0","timeout":0}`, false},
		{1, "/routing/forwardroute", `{"forwardRoute":{"forwardType":"BUSY","destinations":[{"type":"NUMBER","number":"123"}]}}`, true},
		{1, "/routing/overflowroute", `{"overflowRoutes":{"overflowType":"NO_ANSWER","destinations":[{"type":"VOICEMAIL","selected":true}]}}`, true},
		{2, "/subscriptions", `{"selectors":[{"names":["x"]}]}`, false},
		{0, "/comlog/records?offset=-1&limit=abc&afterDate=2026-13-01", "", true},
		{1, "/directory/search", `{"filter":{"field":"lastName","operation":"BEGINS_WITH","operand":"U"},"limit":5}`, true},
		{1, "/usermanagement", `{"nodeId":"1","deviceNumbers":["2025550111"]}`, false},
		{2, "/users/oxe2025550111/preferences", `{"guiLanguage":"zz"}`, true},
		{0, "/logins?nodeIds=1;2&onlyACD", "", false},
		{0, "/system/status", "", false},
		{1, "/sessions", `{"applicationName":"x","supervisedAccount":{"id":"oxe1","type":"PHONE_NUMBER"}}`, false},
		{3, "/routing/dnd?loginName=oxe2025550111", "", false},
	} {
		f.Add(seed.method, seed.path, seed.body, seed.user)
	}
	s, _, _ := sessTestServer(f, Config{Simulation: true})
	h := s.Handler()
	login := func(user, secret string) string {
		req := httptest.NewRequest(http.MethodGet, Root+"/authenticate?version=1.0", nil)
		req.SetBasicAuth(user, secret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var token string
		for _, c := range rec.Result().Cookies() {
			if c.Name == CookieName {
				token = c.Value
			}
		}
		req = httptest.NewRequest(http.MethodPost, Base+"/sessions", strings.NewReader(`{"applicationName":"fuzz"}`))
		req.AddCookie(&http.Cookie{Name: CookieName, Value: token})
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			f.Fatalf("fuzz login %s: %d %s", user, rec.Code, rec.Body)
		}
		return token
	}
	tokens := map[bool]string{}
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete}
	f.Fuzz(func(t *testing.T, m uint8, path, body string, asUser bool) {
		if strings.Contains(strings.ToLower(path), "otevents") || strings.ContainsAny(path, " \\r\\n\\t#") || !strings.HasPrefix(path, "/") {
			return // streams are fuzzed through their own tests; invalid URLs never reach a handler
		}
		if _, ok := s.sessions.get(tokens[asUser]); !ok {
			if asUser {
				tokens[asUser] = login("oxe2025550111", "4321")
			} else {
				tokens[asUser] = login("sys", "Sys-pass-123")
			}
		}
		req, err := http.NewRequest(methods[int(m)%len(methods)], "https://fuzz.example"+Base+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: CookieName, Value: tokens[asUser]})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", req.Method, path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var info RestErrorInfo
			if err := json.NewDecoder(bytes.NewReader(rec.Body.Bytes())).Decode(&info); err != nil || info.Code == 0 || info.HTTPStatus == "" {
				t.Fatalf("%s %s: %d without a RestErrorInfo: %q", req.Method, path, rec.Code, rec.Body)
			}
		}
	})
}

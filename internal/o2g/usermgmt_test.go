package o2g_test

import (
	"context"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
)

// User management: create for a free number, the user logs in once its
// secret code is set, delete; the rights and the refusals.
func TestUsermgmtCreateDelete(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	adm := w.admin(t)
	a := w.client(t, "oxe2025550101", "1234")

	// Users are refused everything.
	for _, c := range []struct{ method, path string }{{"GET", "/usermanagement"}, {"GET", "/usermanagement/oxe2025550101"},
		{"DELETE", "/usermanagement/oxe2025550102"}, {"POST", "/usermanagement"}} {
		var body any
		if c.method == "POST" {
			body = map[string]any{"nodeId": 1, "deviceNumbers": []string{"2025550120"}}
		}
		wantError(t, a.Do(ctx, c.method, c.path, body, nil), http.StatusForbidden, "NOT_ALLOWED")
	}
	if _, err := w.tb.Core.UserIDByNumber(ctx, "+1-2025550120"); err == nil {
		t.Fatal("a user's refused request created a user")
	}

	// Create: always the users wrapper.
	{
		var got map[string]any
		if err := adm.Do(ctx, http.MethodPost, "/usermanagement", map[string]any{"nodeId": 1, "deviceNumbers": []string{"2025550120"}}, &got); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"users": []any{map[string]any{"companyPhone": "2025550120", "firstName": "O2G", "lastName": "2025550120",
			"loginName": "oxe2025550120", "nodeId": "1"}}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("created %v", got)
		}
	}
	d, err := w.tb.Core.User(ctx, w.sys, "oxe2025550120@example.com")
	if err != nil || d.User.GroupID != "g1" || d.User.PhoneNumber != "+1-2025550120" || d.User.Passcode != "" {
		t.Fatalf("core user %+v %v", d.User, err)
	}
	// No secret code yet: no login. Once an administrator sets it, yes.
	wantError(t, o2gtest.New(w.tb.O2GAddr, w.tb.Roots).Login(ctx, "oxe2025550120", "2468", "t"), http.StatusUnauthorized, "NOT_ALLOWED")
	if err := adm.Do(ctx, http.MethodPut, "/users/oxe2025550120/password", map[string]string{"newPassword": "2468"}, nil); err != nil {
		t.Fatal(err)
	}
	n := w.client(t, "oxe2025550120", "2468")
	usrWantJSON(t, "new user's own view", usrGet(t, n, "/users/oxe2025550120"),
		`{"companyPhone":"2025550120","firstName":"O2G","lastName":"2025550120","loginName":"oxe2025550120","nodeId":"1"}`)

	// nodeId as a string, several numbers, in one transaction.
	if err := usrDoRaw(t, adm, http.MethodPost, "/usermanagement", `{"nodeId":"1","deviceNumbers":["2025550121",2025550122]}`); err != nil {
		t.Fatal(err)
	}
	usrWantJSON(t, "second of two", usrGet(t, adm, "/usermanagement?deviceNumber=2025550122"), `{"loginNames":["oxe2025550122"]}`)
	// Refusals create nothing: a taken number in a list, unknown node,
	// bad bodies.
	wantError(t, adm.Do(ctx, http.MethodPost, "/usermanagement", map[string]any{"nodeId": 1, "deviceNumbers": []string{"2025550123", "2025550101"}}, nil),
		http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, adm.Do(ctx, http.MethodPost, "/usermanagement", map[string]any{"nodeId": 2, "deviceNumbers": []string{"2025550123"}}, nil),
		http.StatusNotFound, "NOT_FOUND")
	wantError(t, adm.Do(ctx, http.MethodPost, "/usermanagement", map[string]any{"nodeId": 1, "deviceNumbers": []string{"2025550999"}}, nil),
		http.StatusNotFound, "NOT_FOUND")
	for _, body := range []string{`{"deviceNumbers":["2025550123"]}`, `{"nodeId":1}`, `{"nodeId":"one","deviceNumbers":["2025550123"]}`,
		`{"nodeId":1,"deviceNumbers":["2025550123"],"all":true}`, `{"nodeId":1,"deviceNumbers":[{"n":1}]}`, `{"nodeId":1,"deviceNumbers":["abc"]}`,
		`{"nodeId":1,"all":"yes"}`, `[1]`} {
		wantError(t, usrDoRaw(t, adm, http.MethodPost, "/usermanagement", body), http.StatusBadRequest, "BAD_PARAMETER")
	}
	if st, info := usrSendRaw(t, adm, http.MethodPost, "/usermanagement", `{"nodeId":1,`); st != http.StatusBadRequest || info["type"] != "BAD_PARAMETER" {
		t.Fatalf("malformed: %d %v", st, info)
	}
	if _, err := w.tb.Core.UserIDByNumber(ctx, "+1-2025550123"); err == nil {
		t.Fatal("a refused request created a user")
	}

	// Lists.
	usrWantJSON(t, "by device number", usrGet(t, adm, "/usermanagement?deviceNumber=2025550101"), `{"loginNames":["oxe2025550101"]}`)
	usrWantJSON(t, "unknown device number", usrGet(t, adm, "/usermanagement?deviceNumber=2025550999"), `{"loginNames":[]}`)
	usrWantJSON(t, "other node", usrGet(t, adm, "/usermanagement?nodeIds=3;4"), `{"loginNames":[]}`)
	usrWantJSON(t, "all", usrGet(t, adm, "/usermanagement?nodeIds=1"),
		`{"loginNames":["oxe2025550101","oxe2025550102","carol@example.com","oxe2025550150","oxe2025550120","oxe2025550121","oxe2025550122"]}`)

	// Delete.
	if err := adm.Do(ctx, http.MethodDelete, "/usermanagement/oxe2025550121", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.tb.Core.UserIDByNumber(ctx, "+1-2025550121"); err == nil {
		t.Fatal("the user is still there")
	}
	wantError(t, adm.Do(ctx, http.MethodGet, "/usermanagement/oxe2025550121", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, adm.Do(ctx, http.MethodDelete, "/usermanagement/oxe2025550121", nil, nil), http.StatusNotFound, "NOT_FOUND")

	// A group administrator works within its group.
	g1 := w.client(t, "g1admin", adminPassword)
	wantError(t, g1.Do(ctx, http.MethodDelete, "/usermanagement/oxe2025550150", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, g1.Do(ctx, http.MethodPost, "/usermanagement", map[string]any{"nodeId": 1, "deviceNumbers": []string{"2025550160"}}, nil),
		http.StatusForbidden, "NOT_ALLOWED")
	if _, err := w.tb.Core.User(ctx, w.sys, dave); err != nil {
		t.Fatal(err)
	}
	usrWantJSON(t, "group admin device number out of scope", usrGet(t, g1, "/usermanagement?deviceNumber=2025550150"), `{"loginNames":[]}`)

	// all: every free number of the groups the administrator covers;
	// the answer is the empty wrapper.
	var m map[string]any
	if err := g1.Do(ctx, http.MethodPost, "/usermanagement", map[string]any{"nodeId": 1, "all": true}, &m); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, map[string]any{"users": []any{}}) {
		t.Fatalf("all: %v", m)
	}
	// g1 holds +1-2025550100..149: 50 numbers, all now taken.
	count := 0
	if err := w.tb.Core.ListUsers(ctx, w.sys, provisioning.UserListFilter{SPID: "sp1", GroupID: "g1"}, func(*provisioning.UserRow) bool {
		count++
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if count != 51 { // 50 numbers plus carol, who has none
		t.Fatalf("%d users in g1 after all", count)
	}
	if _, err := w.tb.Core.UserIDByNumber(ctx, "+1-2025550151"); err == nil {
		t.Fatal("all went outside the group administrator's scope")
	}
}

// The system status, with the licence date form the Node SDK requires.
func TestUsersSystemStatus(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a := w.client(t, "oxe2025550101", "1234")
	w.client(t, "oxe2025550150", "1357")
	adm := w.admin(t)
	before := time.Now()

	var got map[string]any
	if err := adm.Do(ctx, http.MethodGet, "/system/status", nil, &got); err != nil {
		t.Fatal(err)
	}
	start, err := time.Parse("2006-01-02T15:04:05.000Z", got["startDate"].(string))
	if err != nil || start.After(before) {
		t.Fatalf("startDate %v: %v", got["startDate"], err)
	}
	host, _ := os.Hostname()
	addr := map[string]any{"fqdn": host, "ip": "127.0.0.1"}
	lic := func(name string, total, used float64) map[string]any {
		return map[string]any{"name": name, "total": total, "currentUsed": used, "expiration": "31-dec-9999"}
	}
	want := map[string]any{
		"logicalAddress": addr,
		"startDate":      got["startDate"],
		"ha":             false,
		"pbxs": []any{map[string]any{"name": "Switchboard", "nodeId": float64(1), "mainAddress": addr, "version": "24", "connected": true,
			"loaded": true, "ctiLinkState": "CONNECTED_MAIN", "secured": true, "monitoredUserNumber": float64(4)}},
		"license":           map[string]any{"type": "FLEXLM", "lics": []any{lic("ROXE_API_TEL_BASIC", 4, 2), lic("ROXE_API_MANAGEMENT", 10000, 1)}},
		"configurationType": "FULL_SERVICES",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("system status\n%v\nwant\n%v", got, want)
	}
	for _, l := range got["license"].(map[string]any)["lics"].([]any) {
		if !regexp.MustCompile(`^\d{2}-(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)-\d{4}$`).MatchString(l.(map[string]any)["expiration"].(string)) {
			t.Fatalf("expiration %v", l)
		}
	}

	// A group administrator sees its scope.
	g1 := w.client(t, "g1admin", adminPassword)
	var lics map[string]any
	if err := g1.Do(ctx, http.MethodGet, "/system/licenses", nil, &lics); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(lics, map[string]any{"type": "FLEXLM", "lics": []any{lic("ROXE_API_TEL_BASIC", 3, 1), lic("ROXE_API_MANAGEMENT", 10000, 2)}}) {
		t.Fatalf("group admin's licences %v", lics)
	}

	wantError(t, a.Do(ctx, http.MethodGet, "/system/status", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	wantError(t, a.Do(ctx, http.MethodGet, "/system/licenses", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	// The availability check needs no session.
	anon := o2gtest.New(w.tb.O2GAddr, w.tb.Roots)
	base := "https://" + w.tb.O2GAddr + "/api/rest/1.0/system/licenses?lic="
	if err := anon.Do(ctx, http.MethodGet, base+"ROXE_API_TEL_BASIC", nil, nil); err != nil {
		t.Fatal(err)
	}
	wantError(t, anon.Do(ctx, http.MethodGet, base+"ROXE_API_ANALYTICS", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	wantError(t, anon.Do(ctx, http.MethodGet, "https://"+w.tb.O2GAddr+"/api/rest/1.0/system/licenses", nil, nil), http.StatusForbidden, "INVALID_SESSION")
}

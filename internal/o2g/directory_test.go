package o2g_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/o2g"
	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/testbed"
)

func crit(field, op, operand string) map[string]any {
	return map[string]any{"field": field, "operation": op, "operand": operand}
}

// search runs a search as the SDK does: POST, then GET every 20 ms until
// FINISH or TIMEOUT; it returns the answers' raw bodies (NOK ones
// dropped) and the contacts' last names.
func search(t *testing.T, c *o2gtest.Client, query string, req any) (answers []string, names []string) {
	t.Helper()
	ctx := context.Background()
	if err := c.Do(ctx, http.MethodPost, "/directory/search"+query, req, nil); err != nil {
		t.Fatalf("search %v: %v", req, err)
	}
	for range 500 {
		var m json.RawMessage
		if err := c.Do(ctx, http.MethodGet, "/directory/search"+query, nil, &m); err != nil {
			t.Fatalf("poll: %v", err)
		}
		var res o2g.SearchResult
		if err := json.Unmarshal(m, &res); err != nil {
			t.Fatal(err)
		}
		switch res.ResultCode {
		case "NOK":
			time.Sleep(20 * time.Millisecond)
			continue
		case "OK":
			for _, e := range res.ResultElements {
				for _, ct := range e.Contacts {
					names = append(names, ct.LastName)
				}
			}
		case "FINISH", "TIMEOUT":
			return append(answers, string(m)), names
		default:
			t.Fatalf("result code in %s", m)
		}
		answers = append(answers, string(m))
	}
	t.Fatal("the search never finished")
	return nil, nil
}

// Milestone 3, acceptance 3: a search polled until FINISH finds the
// fixture contact; the results' JSON byte for byte.
func TestDirectorySearchFinish(t *testing.T) {
	w := newWorld(t)
	al := w.client(t, aliceLogin, "1234")
	answers, _ := search(t, al, "", map[string]any{"filter": crit("lastName", "BEGIN_WITH", "Br")})
	want := []string{
		`{"resultCode":"OK","resultElements":[{"contacts":[{"id":{"loginName":"oxe2025550102","phoneNumber":"2025550102"},"firstName":"Bob","lastName":"Brown"}]}]}`,
		`{"resultCode":"FINISH"}`,
	}
	if !slices.Equal(answers, want) {
		t.Fatalf("answers:\n%v\nwant\n%v", answers, want)
	}
	// The context ended with FINISH.
	wantError(t, al.Do(context.Background(), http.MethodGet, "/directory/search", nil, nil), http.StatusBadRequest, "NOT_EXPECTED")
	// No match: FINISH at once.
	if answers, _ := search(t, al, "", map[string]any{"filter": crit("lastName", "EQUAL_IGNORE_CASE", "Nobody")}); !slices.Equal(answers, want[1:]) {
		t.Fatalf("no match: %v", answers)
	}
}

// Criteria, scopes and limits.
func TestDirectoryCriteriaAndScope(t *testing.T) {
	w := newWorld(t)
	al := w.client(t, aliceLogin, "1234")
	for _, tc := range []struct {
		req  map[string]any
		want []string
	}{
		// sp1 is an enterprise: alice's phone book is all of it.
		{map[string]any{"filter": crit("lastName", "CONTAIN", "A")}, []string{"Clark", "Davis"}},
		{map[string]any{"filter": crit("firstName", "END_WITH", "OB")}, []string{"Brown"}},
		{map[string]any{"filter": map[string]any{"operation": "OR", "operand": []any{
			crit("firstName", "EQUAL_IGNORE_CASE", "bob"), crit("id.phoneNumber", "END_WITH", "0150")}}}, []string{"Brown", "Davis"}},
		{map[string]any{"filter": map[string]any{"operation": "AND", "operand": []any{
			crit("firstName", "CONTAIN", "a"), crit("lastName", "BEGIN_WITH", "D")}}}, []string{"Davis"}},
		{map[string]any{"filter": crit("id.phoneNumber", "EQUAL_IGNORE_CASE", `"Front desk"<2025550101>`)}, []string{"Liddell"}},
		{map[string]any{"filter": crit("id.phoneNumber", "EQUAL_IGNORE_CASE", "+1 202 555 0101")}, []string{"Liddell"}},
		{map[string]any{"filter": crit("id.phoneNumber", "EQUAL_IGNORE_CASE", "103")}, []string{"Clark"}},
		{map[string]any{"filter": crit("id.loginName", "BEGIN_WITH", "OXE20255501")}, []string{"Liddell", "Brown", "Davis"}},
		{map[string]any{"filter": crit("firstName", "CONTAIN", "a"), "limit": 2}, []string{"Liddell", "Clark"}},
	} {
		_, names := search(t, al, "", tc.req)
		if !slices.Equal(names, tc.want) {
			t.Errorf("%v: %v, want %v", tc.req, names, tc.want)
		}
	}
	// A group administrator searches its group; acting for alice, alice's
	// phone book.
	g1 := w.client(t, "g1admin", adminPassword)
	if _, names := search(t, g1, "", map[string]any{"filter": crit("lastName", "CONTAIN", "a")}); !slices.Equal(names, []string{"Clark"}) {
		t.Fatalf("group admin: %v", names)
	}
	if _, names := search(t, g1, "?loginName="+aliceLogin, map[string]any{"filter": crit("lastName", "CONTAIN", "a")}); !slices.Equal(names, []string{"Clark", "Davis"}) {
		t.Fatalf("group admin for alice: %v", names)
	}
	wantError(t, g1.Do(context.Background(), http.MethodPost, "/directory/search?loginName="+daveLogin,
		map[string]any{"filter": crit("lastName", "CONTAIN", "a")}, nil), http.StatusNotFound, "NOT_FOUND")
	adm := w.admin(t)
	if _, names := search(t, adm, "", map[string]any{"filter": crit("lastName", "CONTAIN", "a")}); !slices.Equal(names, []string{"Clark", "Davis"}) {
		t.Fatalf("system admin: %v", names)
	}
}

// Bad requests, stop, and the limits on contexts.
func TestDirectoryErrorsAndLimits(t *testing.T) {
	var shift atomic.Int64
	sw := newSimWorldWith(t, func(c *o2g.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
	})
	ctx := context.Background()
	al := sw.login(t, aliceLogin, "1234")
	deep := crit("lastName", "BEGIN_WITH", "x")
	for range 5 {
		deep = map[string]any{"operation": "AND", "operand": []any{deep}}
	}
	for _, body := range []any{nil, "x", map[string]any{}, map[string]any{"filter": "x"},
		map[string]any{"filter": crit("lastName", "LIKE", "x")},
		map[string]any{"filter": crit("email", "BEGIN_WITH", "x")},
		map[string]any{"filter": crit("lastName", "BEGIN_WITH", " ")},
		map[string]any{"filter": crit("id.phoneNumber", "BEGIN_WITH", "abc")},
		map[string]any{"filter": map[string]any{"operation": "AND", "operand": "x"}},
		map[string]any{"filter": map[string]any{"operation": "OR", "operand": []any{}}},
		map[string]any{"filter": map[string]any{"field": "lastName", "operation": "BEGIN_WITH", "operand": []any{"x"}}},
		map[string]any{"filter": crit("lastName", "BEGIN_WITH", "x"), "limit": 0},
		map[string]any{"filter": crit("lastName", "BEGIN_WITH", "x"), "limit": 101},
		map[string]any{"filter": crit("lastName", "BEGIN_WITH", "x"), "limit": "5"},
		map[string]any{"filter": deep},
	} {
		wantError(t, al.Do(ctx, http.MethodPost, "/directory/search", body, nil), http.StatusBadRequest, "BAD_PARAMETER")
	}
	wantError(t, al.Do(ctx, http.MethodGet, "/directory/search", nil, nil), http.StatusBadRequest, "NOT_EXPECTED")
	wantError(t, al.Do(ctx, http.MethodPost, "/directory/searchbydtmf", map[string]any{"lastName": "5", "keyboardType": "ITU"}, nil),
		http.StatusBadRequest, "NOT_SUPPORTED")

	// DELETE stops a search.
	req := map[string]any{"filter": crit("lastName", "BEGIN_WITH", "B")}
	if err := al.Do(ctx, http.MethodPost, "/directory/search", req, nil); err != nil {
		t.Fatal(err)
	}
	if err := al.Do(ctx, http.MethodDelete, "/directory/search", nil, nil); err != nil {
		t.Fatal(err)
	}
	wantError(t, al.Do(ctx, http.MethodGet, "/directory/search", nil, nil), http.StatusBadRequest, "NOT_EXPECTED")

	// A search not polled for a minute is dropped.
	if err := al.Do(ctx, http.MethodPost, "/directory/search", req, nil); err != nil {
		t.Fatal(err)
	}
	shift.Store(int64(61 * time.Second))
	wantError(t, al.Do(ctx, http.MethodGet, "/directory/search", nil, nil), http.StatusBadRequest, "NOT_EXPECTED")

	// Five searches per session: an administrator's own and one per user
	// it acts for; a new POST for the same user replaces that search.
	for _, id := range []string{"erin"} {
		if err := sw.tb.Core.AddUser(ctx, sw.sys, provisioning.UserAdd{User: store.User{ID: id + "@example.com", SPID: "sp1", GroupID: "g1",
			LastName: id, FirstName: id, CLIDLastName: id, CLIDFirstName: id}, Password: "User-pass-1", Passcode: "4321"}); err != nil {
			t.Fatal(err)
		}
	}
	adm := sw.login(t, testbed.Admin, testbed.Password)
	for _, q := range []string{"", "?loginName=" + aliceLogin, "?loginName=" + bobLogin, "?loginName=" + carol, "?loginName=" + daveLogin,
		"?loginName=" + aliceLogin} {
		if err := adm.Do(ctx, http.MethodPost, "/directory/search"+q, req, nil); err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
	}
	wantError(t, adm.Do(ctx, http.MethodPost, "/directory/search?loginName=erin@example.com", req, nil), http.StatusServiceUnavailable, "NOT_READY")
	if err := adm.Do(ctx, http.MethodDelete, "/directory/search?loginName="+bobLogin, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := adm.Do(ctx, http.MethodPost, "/directory/search?loginName=erin@example.com", req, nil); err != nil {
		t.Fatal(err)
	}
	// A new POST replaces the search of its key, which is polled by that key.
	if _, names := search(t, adm, "?loginName=erin@example.com", map[string]any{"filter": crit("lastName", "EQUAL_IGNORE_CASE", "erin")}); !slices.Equal(names, []string{"erin"}) {
		t.Fatalf("search for erin: %v", names)
	}
}

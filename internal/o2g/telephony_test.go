package o2g_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

const (
	telAlice = "oxe2025550101"
	telBob   = "oxe2025550102"
	telDave  = "oxe2025550150"

	// alice holds a desk phone (usrAliceDesk), bob none.
	telAliceState = `{"calls":[],"deviceCapabilities":[{"deviceId":"2025550101","makeCall":false,"makeBusinessCall":false,` +
		`"makePrivateCall":false,"unParkCall":false}],"userState":"FREE",` +
		`"deviceStates":{"deviceStates":[{"deviceId":"2025550101","state":"IN_SERVICE"}]}}`
	telBareState = `{"calls":[],"deviceCapabilities":[],"userState":"FREE","deviceStates":{"deviceStates":[]}}`
)

// telNextRaw is the next stream line that is not an OnChannelInformation.
func telNextRaw(t *testing.T, st *o2gtest.Stream, timeout time.Duration) (string, error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		l, err := st.NextRaw(time.Until(deadline))
		if err != nil {
			return "", err
		}
		if !strings.Contains(string(l), `"OnChannelInformation"`) {
			return string(l), nil
		}
	}
}

// telNone checks that no event arrives on st for a short while.
func telNone(t *testing.T, st *o2gtest.Stream, who string) {
	t.Helper()
	if l, err := telNextRaw(t, st, 300*time.Millisecond); !errors.Is(err, o2gtest.ErrTimeout) {
		t.Fatalf("%s received %s (%v)", who, l, err)
	}
}

// telCarolPhone gives carol an endpoint on a soft client.
func telCarolPhone(t *testing.T, w *world) {
	t.Helper()
	ctx := context.Background()
	if err := w.tb.Core.AddDevice(ctx, w.sys, store.Device{SPID: "sp1", GroupID: "g1", Name: "carol-soft", Type: "Business Communicator - PC"}); err != nil {
		t.Fatal(err)
	}
	if err := w.tb.Core.ModifyUser(ctx, w.sys, carol, provisioning.UserChange{Apply: func(u *store.User) error {
		u.Profile.Endpoint = &store.Endpoint{DeviceName: "carol-soft", LinePort: "carol-lp@example.com"}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
}

// The representations, byte-exact: the state of a user with a device and
// of one without, the calls list, the device states.
func TestTelStateGolden(t *testing.T) {
	w := newWorld(t)
	usrAliceDesk(t, w)
	a := w.client(t, telAlice, "1234")
	rtBody(t, a, http.MethodGet, "/telephony/state", "", http.StatusOK, telAliceState)
	rtBody(t, a, http.MethodGet, "/telephony/calls", "", http.StatusOK, `{"calls":[]}`)
	rtBody(t, a, http.MethodGet, "/telephony/devices", "", http.StatusOK,
		`{"deviceStates":[{"deviceId":"2025550101","state":"IN_SERVICE"}]}`)
	rtBody(t, a, http.MethodGet, "/telephony/devices/2025550101", "", http.StatusOK,
		`{"deviceId":"2025550101","state":"IN_SERVICE"}`)

	b := w.client(t, telBob, "5678")
	rtBody(t, b, http.MethodGet, "/telephony/state", "", http.StatusOK, telBareState)
	rtBody(t, b, http.MethodGet, "/telephony/devices", "", http.StatusOK, `{"deviceStates":[]}`)
	rtBody(t, b, http.MethodGet, "/telephony/calls", "", http.StatusOK, `{"calls":[]}`)

	// Path literals are case-insensitive.
	rtBody(t, a, http.MethodGet, "/telephony/STATE", "", http.StatusOK, telAliceState)
	rtBody(t, a, http.MethodGet, "/telephony/Calls", "", http.StatusOK, `{"calls":[]}`)
	rtBody(t, a, http.MethodGet, "/telephony/Devices/2025550101", "", http.StatusOK,
		`{"deviceId":"2025550101","state":"IN_SERVICE"}`)
	rtBody(t, a, http.MethodPost, "/telephony/State/Snapshot", "", http.StatusNoContent, "")

	// Decoded, the types are the specification's: arrays, booleans,
	// strings, and the Node SDK's nested deviceStates object.
	var st map[string]any
	if err := a.Do(context.Background(), http.MethodGet, "/telephony/state", nil, &st); err != nil {
		t.Fatal(err)
	}
	caps := st["deviceCapabilities"].([]any)[0].(map[string]any)
	if _, ok := caps["makeCall"].(bool); !ok || st["userState"] != "FREE" || len(st["calls"].([]any)) != 0 ||
		st["deviceStates"].(map[string]any)["deviceStates"] == nil {
		t.Fatalf("state %v", st)
	}
}

// The loginName rule: a user acts on itself whatever it names; an
// administrator must name a user it covers.
func TestTelLoginName(t *testing.T) {
	w := newWorld(t)
	usrAliceDesk(t, w)
	ctx := context.Background()
	b := w.client(t, telBob, "5678")
	rtBody(t, b, http.MethodGet, "/telephony/state?loginName="+telAlice, "", http.StatusOK, telBareState)

	adm := w.admin(t)
	rtBody(t, adm, http.MethodGet, "/telephony/state?loginName="+telAlice, "", http.StatusOK, telAliceState)
	rtBody(t, adm, http.MethodGet, "/telephony/calls?loginName="+telBob, "", http.StatusOK, `{"calls":[]}`)
	rtBody(t, adm, http.MethodGet, "/telephony/devices?loginName="+telAlice, "", http.StatusOK,
		`{"deviceStates":[{"deviceId":"2025550101","state":"IN_SERVICE"}]}`)
	for _, p := range []string{"/telephony/state", "/telephony/calls", "/telephony/devices"} {
		wantError(t, adm.Do(ctx, http.MethodGet, p, nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	}
	wantError(t, adm.Do(ctx, http.MethodGet, "/telephony/state?loginName=oxe2025550199", nil, nil), http.StatusNotFound, "NOT_FOUND")

	ga := w.client(t, "g1admin", adminPassword)
	rtBody(t, ga, http.MethodGet, "/telephony/state?loginName="+telBob, "", http.StatusOK, telBareState)
	wantError(t, ga.Do(ctx, http.MethodGet, "/telephony/state?loginName="+telDave, nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, ga.Do(ctx, http.MethodPost, "/telephony/state/snapshot?loginName="+telDave, nil, nil), http.StatusNotFound, "NOT_FOUND")

	// Devices: a user names only its own; an administrator one of the
	// named user's, or without loginName one of a user it covers.
	wantError(t, b.Do(ctx, http.MethodGet, "/telephony/devices/2025550101", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	rtBody(t, adm, http.MethodGet, "/telephony/devices/2025550101", "", http.StatusOK, `{"deviceId":"2025550101","state":"IN_SERVICE"}`)
	rtBody(t, ga, http.MethodGet, "/telephony/devices/2025550101?loginName="+telAlice, "", http.StatusOK,
		`{"deviceId":"2025550101","state":"IN_SERVICE"}`)
	wantError(t, adm.Do(ctx, http.MethodGet, "/telephony/devices/2025550101?loginName="+telBob, nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, adm.Do(ctx, http.MethodGet, "/telephony/devices/2025550102", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, ga.Do(ctx, http.MethodGet, "/telephony/devices/2025550150", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, adm.Do(ctx, http.MethodGet, "/telephony/devices/nonsense", nil, nil), http.StatusNotFound, "NOT_FOUND")

	// carol has no number: her device is her extension, which a group
	// administrator places in its group.
	telCarolPhone(t, w)
	rtBody(t, ga, http.MethodGet, "/telephony/devices/103", "", http.StatusOK, `{"deviceId":"103","state":"IN_SERVICE"}`)
	rtBody(t, adm, http.MethodGet, "/telephony/devices/103?loginName="+carol, "", http.StatusOK, `{"deviceId":"103","state":"IN_SERVICE"}`)
	c := w.client(t, carol, "2468")
	rtBody(t, c, http.MethodGet, "/telephony/devices", "", http.StatusOK, `{"deviceStates":[{"deviceId":"103","state":"IN_SERVICE"}]}`)
	rtBody(t, c, http.MethodGet, "/telephony/devices/103", "", http.StatusOK, `{"deviceId":"103","state":"IN_SERVICE"}`)
	wantError(t, c.Do(ctx, http.MethodGet, "/telephony/devices/2025550101", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
}

// Milestone 2, acceptance 2: the snapshot produces exactly one
// OnTelephonyState on the asking user's own stream, over HTTPS.
func TestTelSnapshotStream(t *testing.T) {
	w := newWorld(t)
	usrAliceDesk(t, w)
	ctx := context.Background()
	a := w.client(t, telAlice, "1234")
	b := w.client(t, telBob, "5678")
	stA := open(t, a, subscribe(t, a, subReq(0, sel(nil, "telephony"))))
	stB := open(t, b, subscribe(t, b, subReq(0, sel(nil, "telephony"))))
	// An administrator watching alice receives no snapshot alice asked.
	adm := w.admin(t)
	stAdm := open(t, adm, subscribe(t, adm, subReq(0, sel([]string{telAlice}, "telephony"))))

	if err := a.Do(ctx, http.MethodPost, "/telephony/state/snapshot", nil, nil); err != nil {
		t.Fatal(err)
	}
	l, err := telNextRaw(t, stA, 3*time.Second)
	want := `{"eventName":"OnTelephonyState","loginName":"oxe2025550101","state":` + telAliceState + `}`
	if err != nil || l != want {
		t.Fatalf("event %s (%v)\nwant %s", l, err, want)
	}
	telNone(t, stA, "alice, a second time,")
	telNone(t, stB, "bob")
	telNone(t, stAdm, "the administrator")

	// The NOT_SUPPORTED operations change nothing and emit nothing.
	wantError(t, a.Do(ctx, http.MethodPost, "/telephony/calls", map[string]any{"deviceId": "2025550101", "callee": "102"}, nil),
		http.StatusBadRequest, "NOT_SUPPORTED")
	telNone(t, stA, "alice after a refused call")
}

// An administrator's snapshot without loginName covers every user in its
// scope, on its own stream only; with loginName, that user only.
func TestTelAdminSnapshot(t *testing.T) {
	w := newWorld(t)
	usrAliceDesk(t, w)
	ctx := context.Background()
	a := w.client(t, telAlice, "1234")
	stA := open(t, a, subscribe(t, a, subReq(0, sel(nil, "telephony"))))

	logins := func(st *o2gtest.Stream, n int) string {
		t.Helper()
		var out []string
		for range n {
			l, err := telNextRaw(t, st, 3*time.Second)
			if err != nil {
				t.Fatalf("after %v: %v", out, err)
			}
			var ev struct {
				EventName, LoginName string
				State                map[string]any
			}
			if err := json.Unmarshal([]byte(l), &ev); err != nil || ev.EventName != "OnTelephonyState" || ev.State["userState"] != "FREE" {
				t.Fatalf("event %s: %v", l, err)
			}
			out = append(out, ev.LoginName)
		}
		telNone(t, st, "the stream, after the snapshot,")
		return strings.Join(out, ",")
	}

	adm := w.admin(t)
	stAdm := open(t, adm, subscribe(t, adm, subReq(0, sel([]string{"*"}, "telephony"))))
	if err := adm.Do(ctx, http.MethodPost, "/telephony/state/snapshot", nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := logins(stAdm, 4); got != "oxe2025550101,oxe2025550102,carol@example.com,oxe2025550150" {
		t.Fatalf("admin snapshot: %s", got)
	}
	if err := adm.Do(ctx, http.MethodPost, "/telephony/state/snapshot?loginName="+telBob, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := logins(stAdm, 1); got != telBob {
		t.Fatalf("admin snapshot of bob: %s", got)
	}

	ga := w.client(t, "g1admin", adminPassword)
	stGA := open(t, ga, subscribe(t, ga, subReq(0, sel([]string{"*"}, "telephony"))))
	if err := ga.Do(ctx, http.MethodPost, "/telephony/state/snapshot", nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := logins(stGA, 3); got != "oxe2025550101,oxe2025550102,carol@example.com" {
		t.Fatalf("group admin snapshot: %s", got)
	}
	telNone(t, stAdm, "the system administrator")
	telNone(t, stA, "alice")
}

// Everything that needs the call engine answers 400 NOT_SUPPORTED with a
// RestErrorInfo naming the operation; a wrong method 405; an unknown path
// 404.
func TestTelNotSupported(t *testing.T) {
	w := newWorld(t)
	usrAliceDesk(t, w)
	ctx := context.Background()
	a := w.client(t, telAlice, "1234")
	adm := w.admin(t)
	ops := []struct {
		method, path string
		body         any
		name         string
	}{
		{"POST", "/telephony/basicCall", map[string]any{"deviceId": "2025550101", "callee": "102"}, "make a basic call"},
		{"POST", "/telephony/basicCall/answer", map[string]any{"deviceId": "2025550101"}, "answer a call"},
		{"POST", "/telephony/calls", map[string]any{"deviceId": "2025550101", "callee": "102"}, "make a call"},
		{"GET", "/telephony/calls/c1", nil, "read a call"},
		{"DELETE", "/telephony/calls/c1", nil, "release a call"},
		{"POST", "/telephony/calls/c1/hold", map[string]any{"deviceId": "2025550101"}, "hold a call"},
		{"POST", "/telephony/calls/c1/retrieve?loginName=" + telAlice, map[string]any{"deviceId": "2025550101"}, "retrieve a held call"},
		{"POST", "/telephony/calls/c1/transfer", map[string]any{"heldCallRef": "c2"}, "transfer a call"},
		{"POST", "/telephony/calls/c1/merge", map[string]any{"heldCallRef": "c2"}, "merge calls into a conference"},
		{"POST", "/telephony/calls/c1/park", map[string]any{"parkTo": "103"}, "park a call"},
		{"POST", "/telephony/calls/c1/sendDtmf", map[string]any{"deviceId": "2025550101", "number": "12"}, "send DTMF"},
		{"POST", "/telephony/calls/c1/recording?action=Start", nil, "record a call"},
		{"GET", "/telephony/calls/c1/participants", nil, "read a call's participants"},
		{"POST", "/telephony/devices/2025550101/unpark", map[string]any{"heldCallRef": "c1"}, "unpark a call"},
		{"PUT", "/telephony/devices/2025550101/ithmicro", nil, "toggle the interphony micro"},
		{"POST", "/telephony/deskSharing", map[string]any{"dssDeviceNumber": "104"}, "desk sharing log on"},
		{"GET", "/telephony/huntingGroupLogOn", nil, "read the hunting group log on state"},
		{"DELETE", "/telephony/huntingGroupMember/300", nil, "leave a hunting group"},
		{"GET", "/telephony/incomingCallbacks", nil, "list callback requests"},
		{"POST", "/telephony/miniMessages", map[string]any{"recipient": "102", "message": "hi"}, "send a mini message"},
		{"POST", "/telephony/outgoingCallbacks", map[string]any{"callee": "102"}, "request a callback"},
		{"POST", "/telephony/pilots/1/500/transferInfo", nil, "query a pilot's transfer capabilities"},
		{"post", "/telephony/BASICCALL", map[string]any{}, "make a basic call"},
	}
	for _, op := range ops {
		for _, c := range []*o2gtest.Client{a, adm} {
			err := c.Do(ctx, strings.ToUpper(op.method), op.path, op.body, nil)
			wantError(t, err, http.StatusBadRequest, "NOT_SUPPORTED")
			var e *o2gtest.Error
			errors.As(err, &e)
			help, _ := e.Info["helpMessage"].(string)
			if !strings.Contains(help, "("+op.name+")") || !strings.Contains(help, "call engine") || e.Info["canRetry"] != false ||
				e.Info["code"] != float64(1005) || e.Info["httpStatus"] != "BAD_REQUEST" {
				t.Fatalf("%s %s: %s", op.method, op.path, e.Body)
			}
		}
	}
	wantError(t, a.Do(ctx, http.MethodPut, "/telephony/state", nil, nil), http.StatusMethodNotAllowed, "NOT_SUPPORTED")
	wantError(t, a.Do(ctx, http.MethodGet, "/telephony/state/snapshot", nil, nil), http.StatusMethodNotAllowed, "NOT_SUPPORTED")
	wantError(t, a.Do(ctx, http.MethodPatch, "/telephony/calls", nil, nil), http.StatusMethodNotAllowed, "NOT_SUPPORTED")
	wantError(t, a.Do(ctx, http.MethodGet, "/telephony/nothing", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, a.Do(ctx, http.MethodGet, "/telephony", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, a.Do(ctx, http.MethodGet, "/telephony/state/", nil, nil), http.StatusNotFound, "NOT_FOUND")

	// Without a session the session error comes first.
	anon := o2gtest.New(w.tb.O2GAddr, w.tb.Roots)
	wantError(t, anon.Do(ctx, http.MethodPost, "https://"+w.tb.O2GAddr+"/api/rest/1.0/telephony/basicCall", nil, nil),
		http.StatusForbidden, "INVALID_SESSION")
	wantError(t, anon.Do(ctx, http.MethodGet, "https://"+w.tb.O2GAddr+"/api/rest/1.0/telephony/state", nil, nil),
		http.StatusForbidden, "INVALID_SESSION")
}

package o2g_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

// Phone-set programming through the SDK-like client: every
// representation byte-exact, every write read back from other sessions,
// refusals that change nothing, and the rights of each session kind.

const (
	psAlice = "/users/oxe2025550101"
	psDev   = psAlice + "/devices/2025550101"
)

func psGet(t *testing.T, c *o2gtest.Client, path string) string {
	t.Helper()
	var raw json.RawMessage
	if err := c.Do(context.Background(), http.MethodGet, path, nil, &raw); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return string(bytes.TrimSpace(raw))
}

func psWant(t *testing.T, c *o2gtest.Client, path, want string) {
	t.Helper()
	if got := psGet(t, c, path); got != want {
		t.Fatalf("GET %s:\n%s\nwant\n%s", path, got, want)
	}
}

func psDo(t *testing.T, c *o2gtest.Client, method, path string, body any) {
	t.Helper()
	if err := c.Do(context.Background(), method, path, body, nil); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
}

// psDesk gives alice an endpoint on a group device.
func psDesk(t *testing.T, w *world) {
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

// freeKeys is the programmeableKeys answer with keys programmed as given
// (position -> JSON object) and the others free.
func freeKeys(n int, list string, programmed map[int]string) string {
	var parts []string
	for pos := 1; pos <= n; pos++ {
		if k, ok := programmed[pos]; ok {
			parts = append(parts, k)
		} else if list == "pkeys" {
			parts = append(parts, fmt.Sprintf(`{"position":%d,"locked":false}`, pos))
		} else {
			parts = append(parts, fmt.Sprintf(`{"position":%d}`, pos))
		}
	}
	return `{"` + list + `":[` + strings.Join(parts, ",") + `]}`
}

func TestPhoneSetGolden(t *testing.T) {
	w := newWorld(t)
	psDesk(t, w)
	a := w.client(t, "oxe2025550101", "1234")
	b := w.client(t, "oxe2025550102", "5678")
	ctx := context.Background()

	psWant(t, a, psAlice+"/devices", `{"devices":[{"type":"DESKPHONE","id":"2025550101","subType":"Polycom VVX 400"}]}`)
	psWant(t, a, psDev, `{"type":"DESKPHONE","id":"2025550101","subType":"Polycom VVX 400"}`)
	psWant(t, a, psDev+"/programmeableKeys", freeKeys(20, "pkeys", nil))
	psWant(t, a, psDev+"/programmeablekeys", freeKeys(20, "pkeys", nil)) // literals are case-insensitive
	psWant(t, a, psDev+"/programmedKeys", `{"pkeys":[]}`)
	psWant(t, a, psDev+"/softKeys", freeKeys(10, "skeys", nil))
	psWant(t, a, psDev+"/pin", `{}`)
	psWant(t, a, psDev+"/dynamicState", `{"lock":false,"campon":false}`)
	psWant(t, a, psDev+"/REActiveState", `{"active":false,"activate":false}`)
	psWant(t, a, psDev+"/addons", `{"addonTypes":["NO_EXTENSIONS"]}`)

	// Bob has no endpoint: no devices, and no device to address.
	psWant(t, b, "/users/oxe2025550102/devices", `{"devices":[]}`)
	wantError(t, b.Do(ctx, http.MethodGet, "/users/oxe2025550102/devices/2025550102/pin", nil, nil), http.StatusNotFound, "NOT_FOUND")
	// An id that is not alice's device.
	wantError(t, a.Do(ctx, http.MethodGet, psAlice+"/devices/2025550102", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, a.Do(ctx, http.MethodGet, psAlice+"/devices/2025550102/programmeableKeys", nil, nil), http.StatusNotFound, "NOT_FOUND")
	// Feature prefixes are not kept by this server.
	wantError(t, a.Do(ctx, http.MethodGet, psAlice+"/prefixes?type=Station_Facility_Type&value=Do_not_disturb", nil, nil),
		http.StatusBadRequest, "NOT_SUPPORTED")
}

func TestPhoneSetWriteReadBack(t *testing.T) {
	w := newWorld(t)
	psDesk(t, w)
	a := w.client(t, "oxe2025550101", "1234")
	a2 := w.client(t, "oxe2025550101", "1234") // a second session of alice
	adm := w.admin(t)

	psDo(t, a, http.MethodPut, psDev+"/programmeableKeys/3", map[string]any{"position": 3, "number": "2025550102", "mnemonic": "Bob"})
	psDo(t, a, http.MethodPut, psDev+"/programmeableKeys/20", map[string]any{"number": "*72#"}) // position from the path
	psDo(t, a, http.MethodPut, psDev+"/softKeys/2", map[string]any{"position": 2, "number": "+331234", "mnemonic": "Paris"})
	k3 := `{"position":3,"number":"2025550102","mnemonic":"Bob","locked":false}`
	k20 := `{"position":20,"number":"*72#","locked":false}`
	for _, c := range []*o2gtest.Client{a, a2, adm} {
		psWant(t, c, psDev+"/programmeableKeys", freeKeys(20, "pkeys", map[int]string{3: k3, 20: k20}))
		psWant(t, c, psDev+"/programmedKeys", `{"pkeys":[`+k3+`,`+k20+`]}`)
		psWant(t, c, psDev+"/softKeys", freeKeys(10, "skeys", map[int]string{2: `{"position":2,"number":"+331234","mnemonic":"Paris"}`}))
	}
	// Reprogramming replaces the key as a whole; DELETE frees it.
	psDo(t, a2, http.MethodPut, psDev+"/programmeableKeys/3", map[string]any{"position": 3, "number": "103"})
	psDo(t, a2, http.MethodDelete, psDev+"/programmeableKeys/20", nil)
	psDo(t, a2, http.MethodDelete, psDev+"/programmeableKeys/19", nil) // already free
	psDo(t, a2, http.MethodDelete, psDev+"/softKeys/2", nil)
	psWant(t, a, psDev+"/programmedKeys", `{"pkeys":[{"position":3,"number":"103","locked":false}]}`)
	psWant(t, a, psDev+"/softKeys", freeKeys(10, "skeys", nil))

	// PIN.
	psDo(t, a, http.MethodPut, psDev+"/pin", map[string]any{"Pin_Number": "4321", "With_Secret_Code": true,
		"Pin_Type_Of_Control": "PIN_By_Group", "Pin_Group": 7})
	psWant(t, a2, psDev+"/pin", `{"Pin_Number":"4321","With_Secret_Code":true,"Pin_Type_Of_Control":"PIN_By_Group","Pin_Group":7}`)
	// Flags and integers sent as strings are accepted.
	psDo(t, a, http.MethodPut, psDev+"/pin", map[string]any{"Pin_Number": "4322", "With_Secret_Code": "false", "Pin_Group": "8"})
	psWant(t, a2, psDev+"/pin", `{"Pin_Number":"4322","With_Secret_Code":false,"Pin_Type_Of_Control":"PIN_Restricted_To_Owner_Set","Pin_Group":8}`)
	psDo(t, a, http.MethodPut, psDev+"/softKeys/4", map[string]any{"position": "4", "number": "104", "locked": "false"})
	psDo(t, a, http.MethodDelete, psDev+"/softkeys/4", nil)
	psDo(t, a2, http.MethodPut, psDev+"/pin", map[string]any{"Pin_Number": "0007"}) // default control, no group
	psWant(t, adm, psDev+"/pin", `{"Pin_Number":"0007","With_Secret_Code":false,"Pin_Type_Of_Control":"PIN_Restricted_To_Owner_Set"}`)

	// Lock, camp-on, associate: both body spellings of the associate.
	psDo(t, a, http.MethodPut, psDev+"/lock?activate=true", nil)
	psDo(t, a, http.MethodPut, psDev+"/campon?activate=TRUE", nil)
	psDo(t, a, http.MethodPut, psDev+"/associate", map[string]string{"associate": "102"}) // Node SDK
	psWant(t, a2, psDev+"/dynamicState", `{"lock":true,"campon":true,"associate":"102"}`)
	psDo(t, a2, http.MethodPut, psDev+"/associate", map[string]string{"number": "+1-202-555-0103"}) // specification
	psDo(t, a2, http.MethodPut, psDev+"/lock?activate=false", nil)
	psWant(t, adm, psDev+"/dynamicState", `{"lock":false,"campon":true,"associate":"+1-202-555-0103"}`)
	psDo(t, a2, http.MethodPut, psDev+"/campon?activate=false", nil)
	psWant(t, a, psDev+"/dynamicState", `{"lock":false,"campon":false,"associate":"+1-202-555-0103"}`)

	// Remote extension: deactivation is what every device is in; there
	// is none to activate.
	psDo(t, a, http.MethodPut, psDev+"/REActive?activate=false", nil)
	wantError(t, a.Do(context.Background(), http.MethodPut, psDev+"/REActive?activate=true", nil, nil), http.StatusBadRequest, "NOT_SUPPORTED")
	psWant(t, a, psDev+"/REActiveState", `{"active":false,"activate":false}`)

	// Kept by the core, in the user's record.
	ps, err := w.tb.Core.PhoneSet(context.Background(), w.sys, alice)
	if err != nil || ps.Associate != "+1-202-555-0103" || ps.PIN == nil || ps.PIN.Number != "0007" || len(ps.ProgKeys) != 1 {
		t.Fatalf("core phone set %+v, %v", ps, err)
	}
}

// Refusals answer a RestErrorInfo and change nothing.
func TestPhoneSetRefusals(t *testing.T) {
	w := newWorld(t)
	psDesk(t, w)
	a := w.client(t, "oxe2025550101", "1234")
	b := w.client(t, "oxe2025550102", "5678")
	ctx := context.Background()
	psDo(t, a, http.MethodPut, psDev+"/pin", map[string]any{"Pin_Number": "1234", "Pin_Type_Of_Control": "PIN_Category"})
	psDo(t, a, http.MethodPut, psDev+"/associate", map[string]string{"number": "102"})
	psDo(t, a, http.MethodPut, psDev+"/programmeableKeys/1", map[string]any{"number": "102", "mnemonic": "Bob"})
	const (
		pin   = `{"Pin_Number":"1234","With_Secret_Code":false,"Pin_Type_Of_Control":"PIN_Category"}`
		state = `{"lock":false,"campon":false,"associate":"102"}`
	)
	keys := freeKeys(20, "pkeys", map[int]string{1: `{"position":1,"number":"102","mnemonic":"Bob","locked":false}`})

	bad := []struct {
		method, path string
		body         any
		status       int
		typ          string
	}{
		{"PUT", psDev + "/pin", map[string]any{"Pin_Number": "12a4"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/pin", map[string]any{"Pin_Number": "12345"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/pin", map[string]any{"Pin_Number": 1234}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/pin", map[string]any{"With_Secret_Code": true}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/pin", map[string]any{"Pin_Number": "4321", "Pin_Type_Of_Control": "PIN_Everywhere"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/pin", map[string]any{"Pin_Number": "4321", "Pin_Type_Of_Control": "PIN_By_Group"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/pin", map[string]any{"Pin_Number": "4321", "Pin_Group": -1}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/pin", nil, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/associate", map[string]string{"number": "not-a-number"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/associate", map[string]string{"number": "sip@example.com"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/associate", map[string]string{"number": "1234567890123456789012345678901"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/associate", map[string]string{"number": "103", "associate": "104"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/associate", map[string]any{"associate": 103}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/associate", map[string]string{}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/associate", map[string]string{"number": "2025550101"}, 400, "BAD_PARAMETER"}, // itself
		{"PUT", psDev + "/associate", map[string]string{"number": "+1-202-555-0101"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/pin", map[string]any{"Pin_Number": "4321", "Pin_Group": "seven"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/pin", map[string]any{"Pin_Number": "4321", "With_Secret_Code": "yes"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/programmeableKeys/1", map[string]any{"position": "one", "number": "102"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/programmeableKeys/21", map[string]any{"number": "102"}, 404, "NOT_FOUND"},
		{"PUT", psDev + "/programmeableKeys/0", map[string]any{"number": "102"}, 404, "NOT_FOUND"},
		{"DELETE", psDev + "/programmeableKeys/21", nil, 404, "NOT_FOUND"},
		{"PUT", psDev + "/softKeys/11", map[string]any{"number": "102"}, 404, "NOT_FOUND"},
		{"PUT", psDev + "/programmeableKeys/x", map[string]any{"number": "102"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/programmeableKeys/1", map[string]any{"position": 2, "number": "102"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/programmeableKeys/1", map[string]any{"number": "abc"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/programmeableKeys/1", map[string]any{"number": ""}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/programmeableKeys/1", map[string]any{"number": "102", "mnemonic": "a label far too long"}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/programmeableKeys/1", map[string]any{"number": "102", "locked": true}, 403, "NOT_ALLOWED"}, // users cannot lock
		{"PUT", psDev + "/softKeys/1", map[string]any{"number": "102", "locked": true}, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/lock", nil, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/lock?activate=maybe", nil, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/campon?activate=true&activate=false", nil, 400, "BAD_PARAMETER"},
		{"PUT", psDev + "/REActive", nil, 400, "BAD_PARAMETER"},
		{"GET", psDev + "/unknown", nil, 404, "NOT_FOUND"},
		// Another user's paths, as a user.
		{"GET", "/users/oxe2025550101/devices", nil, 403, "NOT_ALLOWED"},
		{"GET", psDev + "/pin", nil, 403, "NOT_ALLOWED"},
		{"PUT", psDev + "/lock?activate=true", nil, 403, "NOT_ALLOWED"},
		{"GET", psAlice + "/prefixes?type=Station_Facility_Type&value=Do_not_disturb", nil, 403, "NOT_ALLOWED"},
	}
	for i, c := range bad {
		cl := a
		if i >= len(bad)-4 {
			cl = b
		}
		wantError(t, cl.Do(ctx, c.method, c.path, c.body, nil), c.status, c.typ)
	}
	// Malformed and oversized bodies.
	for _, body := range []string{`{"Pin_Number":`, `[1,2]`, `"1234"`, `{"Pin_Number":"1111"} {}`} {
		if st, info := usrSendRaw(t, a, http.MethodPut, psDev+"/pin", body); st != 400 || info["type"] != "BAD_PARAMETER" {
			t.Fatalf("PUT pin %s: %d %v", body, st, info)
		}
	}
	if st, info := usrSendRaw(t, a, http.MethodPut, psDev+"/associate", `{"number":"`+strings.Repeat("1", 1<<20)+`"}`); st != 413 || info["type"] != "BAD_PARAMETER" {
		t.Fatalf("oversized body: %d %v", st, info)
	}
	psWant(t, a, psDev+"/pin", pin)
	psWant(t, a, psDev+"/dynamicState", state)
	psWant(t, a, psDev+"/programmeableKeys", keys)
	psWant(t, a, psDev+"/softKeys", freeKeys(10, "skeys", nil))
}

// Administrators act through the path on users they cover; locked keys
// are theirs to change.
func TestPhoneSetAdmins(t *testing.T) {
	w := newWorld(t)
	psDesk(t, w)
	ctx := context.Background()
	if err := w.tb.Core.AddAdmin(ctx, w.sys, provisioning.AdminAdd{Admin: store.Admin{ID: "roadmin", Level: store.LevelSystem,
		ReadOnly: true, LastName: "Reader"}, Password: adminPassword}); err != nil {
		t.Fatal(err)
	}
	a := w.client(t, "oxe2025550101", "1234")
	adm := w.admin(t)
	g1 := w.client(t, "g1admin", adminPassword)
	ro := w.client(t, "roadmin", adminPassword)

	// The group administrator covers alice: it locks a key for her.
	locked := map[string]any{"position": 5, "number": "911", "mnemonic": "Help", "locked": true}
	psDo(t, g1, http.MethodPut, psDev+"/programmeableKeys/5", locked)
	k5 := `{"position":5,"number":"911","mnemonic":"Help","locked":true}`
	psWant(t, a, psDev+"/programmedKeys", `{"pkeys":[`+k5+`]}`)
	// Alice may neither change, free nor unlock it.
	wantError(t, a.Do(ctx, http.MethodPut, psDev+"/programmeableKeys/5", map[string]any{"number": "912"}, nil), http.StatusForbidden, "NOT_ALLOWED")
	wantError(t, a.Do(ctx, http.MethodPut, psDev+"/programmeableKeys/5", map[string]any{"number": "911", "mnemonic": "Help", "locked": false}, nil),
		http.StatusForbidden, "NOT_ALLOWED")
	wantError(t, a.Do(ctx, http.MethodDelete, psDev+"/programmeableKeys/5", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	// Rewriting it unchanged is no change.
	psDo(t, a, http.MethodPut, psDev+"/programmeableKeys/5", locked)
	psWant(t, adm, psDev+"/programmedKeys", `{"pkeys":[`+k5+`]}`)
	// The system administrator frees it.
	psDo(t, adm, http.MethodDelete, psDev+"/programmeableKeys/5", nil)
	psWant(t, a, psDev+"/programmedKeys", `{"pkeys":[]}`)
	psDo(t, adm, http.MethodPut, psDev+"/associate", map[string]string{"number": "150"})
	psWant(t, g1, psDev+"/dynamicState", `{"lock":false,"campon":false,"associate":"150"}`)

	// A read-only administrator reads but does not write.
	psWant(t, ro, psDev+"/dynamicState", `{"lock":false,"campon":false,"associate":"150"}`)
	wantError(t, ro.Do(ctx, http.MethodPut, psDev+"/lock?activate=true", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	wantError(t, ro.Do(ctx, http.MethodPut, psDev+"/REActive?activate=false", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	psWant(t, a, psDev+"/dynamicState", `{"lock":false,"campon":false,"associate":"150"}`)

	// Users outside the group administrator's scope look absent.
	wantError(t, g1.Do(ctx, http.MethodGet, "/users/oxe2025550150/devices", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, g1.Do(ctx, http.MethodPut, "/users/oxe2025550150/devices/2025550150/lock?activate=true", nil, nil),
		http.StatusNotFound, "NOT_FOUND")
	wantError(t, adm.Do(ctx, http.MethodGet, "/users/oxe2025550999/devices", nil, nil), http.StatusNotFound, "NOT_FOUND")
	// The administrator's prefixes answer is the same refusal as a user's.
	wantError(t, adm.Do(ctx, http.MethodGet, psAlice+"/prefixes?type=Station_Facility_Type&value=Do_not_disturb", nil, nil),
		http.StatusBadRequest, "NOT_SUPPORTED")
}

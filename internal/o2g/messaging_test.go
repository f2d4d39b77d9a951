package o2g_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/internal/o2g"
	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

const aliceMailbox = "2025550101-MAILBOX"

// newVMWorld is the simulation world with the voicemail service given to
// alice (bob and the others have no mailbox).
func newVMWorld(t *testing.T) *simWorld {
	t.Helper()
	sw := newSimWorld(t)
	ctx := context.Background()
	auth := []provisioning.AuthChange{{Kind: store.SvcUser, Name: provisioning.VoicemailService, Quantity: store.Unlimited}}
	if err := sw.tb.Core.ModifySPServiceAuth(ctx, sw.sys, "sp1", auth); err != nil {
		t.Fatal(err)
	}
	if err := sw.tb.Core.ModifyGroupServiceAuth(ctx, sw.sys, "sp1", "g1", auth); err != nil {
		t.Fatal(err)
	}
	res, err := sw.tb.Core.AssignUserServices(ctx, sw.sys, alice, []string{provisioning.VoicemailService}, nil)
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	return sw
}

func deposit(t *testing.T, c *o2gtest.Client, query string, body any) o2g.Voicemail {
	t.Helper()
	var vm o2g.Voicemail
	if err := c.Do(context.Background(), http.MethodPost, "/_sim/voicemail"+query, body, &vm); err != nil {
		t.Fatalf("deposit: %v", err)
	}
	return vm
}

func connect(t *testing.T, c *o2gtest.Client, query string, body any) o2g.MailBoxInfo {
	t.Helper()
	var info o2g.MailBoxInfo
	if err := c.Do(context.Background(), http.MethodPost, "/messaging/mailboxes/"+aliceMailbox+query, body, &info); err != nil {
		t.Fatalf("connect: %v", err)
	}
	return info
}

// fetch GETs path with the client's cookies and an optional Range.
func fetch(t *testing.T, c *o2gtest.Client, path, rng string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.URL(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "*/*")
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func summary(t *testing.T, c *o2gtest.Client) string {
	t.Helper()
	return raw(t, c, "/eventSummary")
}

func TestMessagingGolden(t *testing.T) {
	sw := newVMWorld(t)
	c := sw.login(t, aliceLogin, "1234")
	deposit(t, c, "", map[string]any{"from": map[string]any{"id": map[string]any{"loginName": bobLogin}}, "duration": 3,
		"date": "2026-05-06T07:08:09.000Z"})
	deposit(t, c, "", map[string]any{"from": map[string]any{"id": map[string]any{"phoneNumber": "+33123456789"}, "displayName": "Outside"},
		"duration": 2, "date": "2026-05-06T08:00:00.000Z", "highPriority": true})
	deposit(t, c, "", map[string]any{"duration": 1, "date": "2026-05-06T09:00:00.000Z"}) // anonymous

	if got, want := raw(t, c, "/messaging/mailboxes"), `{"mailboxes":[{"id":"2025550101-MAILBOX","name":"Alice Liddell",`+
		`"capabilities":{"listMessages":true,"getMessages":true,"getRecord":true,"play":false,"pause":false,"hangup":false,`+
		`"record":false,"resume":false,"cancel":false,"forward":false,"callback":false,"send":false,"events":true}}]}`; got != want {
		t.Fatalf("MailBoxes:\n got %s\nwant %s", got, want)
	}
	var info json.RawMessage
	if err := c.Do(context.Background(), http.MethodPost, "/messaging/mailboxes/"+aliceMailbox, map[string]any{"password": "1234"}, &info); err != nil {
		t.Fatal(err)
	}
	if got, want := string(info), `{"totalVoiceMsg":3,"newVoiceMsg":3,"storageUsage":3}`; got != want {
		t.Fatalf("MailBoxInfo:\n got %s\nwant %s", got, want)
	}
	list := raw(t, c, "/messaging/mailboxes/"+aliceMailbox+"/voicemails")
	var vms o2g.Voicemails
	if err := json.Unmarshal([]byte(list), &vms); err != nil || len(vms.Voicemails) != 3 {
		t.Fatalf("Voicemails: %s %v", list, err)
	}
	id := func(i int) string { return vms.Voicemails[i].VoicemailID }
	has := func(list string, i int) bool { return strings.Contains(list, `"voicemailId":"`+id(i)+`"`) }
	want := `{"voicemails":[` +
		`{"voicemailId":"` + id(0) + `","duration":1,"date":"2026-05-06T09:00:00.000Z","unread":true,"highPriority":false},` +
		`{"voicemailId":"` + id(1) + `","from":{"id":{"phoneNumber":"+33123456789"},"displayName":"Outside","type":{"main":"EXTERNAL"}},` +
		`"duration":2,"date":"2026-05-06T08:00:00.000Z","unread":true,"highPriority":true},` +
		`{"voicemailId":"` + id(2) + `","from":{"id":{"loginName":"oxe2025550102","phoneNumber":"2025550102"},"firstName":"Bob",` +
		`"lastName":"Brown","type":{"main":"USER"}},"duration":3,"date":"2026-05-06T07:08:09.000Z","unread":true,"highPriority":false}]}`
	if list != want {
		t.Fatalf("Voicemails:\n got %s\nwant %s", list, want)
	}
	// Paging and newOnly.
	if got := raw(t, c, "/messaging/mailboxes/"+strings.ToLower(aliceMailbox)+"/voicemails?offset=1&limit=1"); !has(got, 1) || has(got, 0) {
		t.Fatalf("page: %s", got)
	}
	fetch(t, c, "/messaging/mailboxes/"+aliceMailbox+"/voicemails/"+id(0), "")
	if got := raw(t, c, "/messaging/mailboxes/"+aliceMailbox+"/voicemails?newOnly"); has(got, 0) || !has(got, 1) {
		t.Fatalf("newOnly: %s", got)
	}
	if got, want := summary(t, c), `{"missedCallsNb":0,"voiceMessagesNb":2,"callBackRequestsNb":0,"faxNb":0,"eventWaiting":true}`; got != want {
		t.Fatalf("EventSummary:\n got %s\nwant %s", got, want)
	}
}

// checkWAV parses a RIFF/WAVE PCM file and returns its data length.
func checkWAV(t *testing.T, b []byte) int {
	t.Helper()
	le := binary.LittleEndian
	if len(b) < 44 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" || string(b[12:16]) != "fmt " || string(b[36:40]) != "data" {
		t.Fatalf("not a canonical WAV file: % x", b[:min(len(b), 44)])
	}
	if got := int(le.Uint32(b[4:])); got != len(b)-8 {
		t.Fatalf("RIFF size %d, want %d", got, len(b)-8)
	}
	format, channels, rate, byteRate, align, bits := le.Uint16(b[20:]), le.Uint16(b[22:]), le.Uint32(b[24:]), le.Uint32(b[28:]), le.Uint16(b[32:]), le.Uint16(b[34:])
	if format != 1 || channels != 1 || rate != 8000 || bits != 16 || byteRate != 16000 || align != 2 {
		t.Fatalf("format %d, %d channels, %d Hz, %d bits, %d B/s, align %d: want PCM mono 8 kHz 16-bit", format, channels, rate, bits, byteRate, align)
	}
	n := int(le.Uint32(b[40:]))
	if n != len(b)-44 {
		t.Fatalf("data length %d, want %d", n, len(b)-44)
	}
	return n
}

func TestMessagingDownloadAndAcknowledge(t *testing.T) {
	sw := newVMWorld(t)
	c := sw.login(t, aliceLogin, "1234")
	take, err := sw.srv.ComlogWatch(aliceLogin, "eventSummary")
	if err != nil {
		t.Fatal(err)
	}
	vm := deposit(t, c, "", map[string]any{"duration": 2})
	if ev := take(); len(ev) != 1 || ev[0] != `{"eventName":"OnEventSummaryUpdated","loginName":"oxe2025550101","eventSummary":`+
		`{"missedCallsNb":0,"voiceMessagesNb":1,"callBackRequestsNb":0,"faxNb":0,"eventWaiting":true}}` {
		t.Fatalf("events after deposit: %q", ev)
	}
	vm2 := deposit(t, c, "", map[string]any{"duration": 120}) // tone capped at 60 s
	take()
	connect(t, c, "", map[string]any{"password": "1234"})
	path := "/messaging/mailboxes/" + aliceMailbox + "/voicemails/"

	// The Node SDK's acknowledge: 206 with two bytes, message read.
	resp, body := fetch(t, c, path+vm.VoicemailID, "bytes=0-1")
	if resp.StatusCode != http.StatusPartialContent || string(body) != "RI" || resp.Header.Get("Content-Range") != "bytes 0-1/32044" {
		t.Fatalf("range: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Range"))
	}
	if ev := take(); len(ev) != 1 || !strings.Contains(ev[0], `"voiceMessagesNb":1,`) {
		t.Fatalf("events after acknowledge: %q", ev)
	}
	if got := raw(t, c, "/messaging/mailboxes/"+aliceMailbox+"/voicemails?newOnly=true"); strings.Contains(got, `"`+vm.VoicemailID+`"`) {
		t.Fatalf("acknowledged message still new: %s", got)
	}

	// The whole file: a playable WAV, named as JAVA needs.
	resp, body = fetch(t, c, path+vm.VoicemailID, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/octet-stream" ||
		resp.Header.Get("Content-Disposition") != "attachment; filename=voicemail-"+vm.VoicemailID+".wav" {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	if n := checkWAV(t, body); n != 2*8000*2 {
		t.Fatalf("2 s message: %d data bytes", n)
	}
	if ev := take(); len(ev) != 0 {
		t.Fatalf("events after reading a read message: %q", ev)
	}
	_, body = fetch(t, c, path+vm2.VoicemailID, "bytes=0-")
	if n := checkWAV(t, body); n != 60*8000*2 {
		t.Fatalf("capped message: %d data bytes", n)
	}
	if vm2.Duration != 120 {
		t.Fatalf("duration %d", vm2.Duration)
	}
	if got := summary(t, c); !strings.Contains(got, `"voiceMessagesNb":0,`) || !strings.Contains(got, `"eventWaiting":false`) {
		t.Fatalf("summary: %s", got)
	}
	resp, _ = fetch(t, c, path+"999999", "")
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown message: %d", resp.StatusCode)
	}
}

func TestMessagingDelete(t *testing.T) {
	sw := newVMWorld(t)
	c := sw.login(t, aliceLogin, "1234")
	ctx := context.Background()
	var vms []o2g.Voicemail
	for range 4 {
		vms = append(vms, deposit(t, c, "", map[string]any{"duration": 1}))
	}
	connect(t, c, "", map[string]any{"password": "1234"})
	take, err := sw.srv.ComlogWatch(aliceLogin, "eventSummary")
	if err != nil {
		t.Fatal(err)
	}
	base := "/messaging/mailboxes/" + aliceMailbox + "/voicemails"
	if err := c.Do(ctx, http.MethodDelete, base+"/"+vms[0].VoicemailID, nil, nil); err != nil {
		t.Fatal(err)
	}
	wantError(t, c.Do(ctx, http.MethodDelete, base+"/"+vms[0].VoicemailID, nil, nil), http.StatusNotFound, "NOT_FOUND")
	// The Node SDK joins ids with ';'.
	if err := c.Do(ctx, http.MethodDelete, base+"?msgIds="+vms[1].VoicemailID+"%3B"+vms[2].VoicemailID, nil, nil); err != nil {
		t.Fatal(err)
	}
	wantError(t, c.Do(ctx, http.MethodDelete, base+"?msgIds=1,x", nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	if ev := take(); len(ev) != 2 || !strings.Contains(ev[1], `"voiceMessagesNb":1,`) {
		t.Fatalf("events: %q", ev)
	}
	if got := raw(t, c, base); !strings.Contains(got, vms[3].VoicemailID) || strings.Count(got, "voicemailId") != 1 {
		t.Fatalf("after deletes: %s", got)
	}
	if err := c.Do(ctx, http.MethodDelete, base, nil, nil); err != nil { // none named: all
		t.Fatal(err)
	}
	if got := raw(t, c, base); got != `{"voicemails":[]}` {
		t.Fatalf("after deleting all: %s", got)
	}
	if ev := take(); len(ev) != 1 || !strings.Contains(ev[0], `"voiceMessagesNb":0,`) {
		t.Fatalf("events: %q", ev)
	}
}

func TestMessagingRefusals(t *testing.T) {
	sw := newVMWorld(t)
	ctx := context.Background()
	c := sw.login(t, aliceLogin, "1234")
	vm := deposit(t, c, "", map[string]any{"duration": 1})
	base := "/messaging/mailboxes/" + aliceMailbox
	// Nothing under a mailbox before a connect.
	wantError(t, c.Do(ctx, http.MethodGet, base+"/voicemails", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	wantError(t, c.Do(ctx, http.MethodGet, base+"/voicemails/"+vm.VoicemailID, nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	wantError(t, c.Do(ctx, http.MethodDelete, base+"/voicemails", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	// Wrong or missing password, malformed body, another user's mailbox.
	wantError(t, c.Do(ctx, http.MethodPost, base, map[string]any{"password": "9999"}, nil), http.StatusUnauthorized, "NOT_ALLOWED")
	wantError(t, c.Do(ctx, http.MethodPost, base, map[string]any{}, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, c.Do(ctx, http.MethodPost, base, map[string]any{"password": 1234}, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, c.Do(ctx, http.MethodPost, "/messaging/mailboxes/2025550102-MAILBOX", map[string]any{"password": "1234"}, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, c.Do(ctx, http.MethodGet, base+"/voicemails", nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	// The session's own credential.
	if info := connect(t, c, "?withUserPwd", nil); info != (o2g.MailBoxInfo{TotalVoiceMsg: 1, NewVoiceMsg: 1, StorageUsage: 1}) {
		t.Fatalf("info %+v", info)
	}
	raw(t, c, base+"/voicemails")
	// Another session of the same user has not connected.
	c2 := sw.login(t, aliceLogin, "1234")
	wantError(t, c2.Do(ctx, http.MethodGet, base+"/voicemails", nil, nil), http.StatusForbidden, "NOT_ALLOWED")

	// A user without the service has no mailbox.
	b := sw.login(t, bobLogin, "5678")
	if got := raw(t, b, "/messaging/mailboxes"); got != `{"mailboxes":[]}` {
		t.Fatalf("bob's mailboxes: %s", got)
	}
	wantError(t, b.Do(ctx, http.MethodPost, "/messaging/mailboxes/2025550102-MAILBOX?withUserPwd", nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, b.Do(ctx, http.MethodPost, "/_sim/voicemail", map[string]any{}, nil), http.StatusNotFound, "NOT_FOUND")
	// Bad deposits change nothing.
	wantError(t, c.Do(ctx, http.MethodPost, "/_sim/voicemail", map[string]any{"audio": []byte("not a wav")}, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, c.Do(ctx, http.MethodPost, "/_sim/voicemail", map[string]any{"duration": -1}, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, c.Do(ctx, http.MethodPost, "/_sim/voicemail", map[string]any{"from": map[string]any{"id": map[string]any{"loginName": "oxe999"}}}, nil),
		http.StatusBadRequest, "BAD_PARAMETER")
	if got := raw(t, c, base+"/voicemails"); strings.Count(got, "voicemailId") != 1 {
		t.Fatalf("after refused deposits: %s", got)
	}

	// An administrator acts for the user through loginName; a group
	// administrator of another group cannot reach dave, and g1's cannot
	// reach alice's mailbox without connecting.
	adm := sw.login(t, "g1admin", adminPassword)
	wantError(t, adm.Do(ctx, http.MethodGet, "/messaging/mailboxes", nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, adm.Do(ctx, http.MethodGet, base+"/voicemails?loginName="+aliceLogin, nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	if got := raw(t, adm, "/messaging/mailboxes?loginName="+aliceLogin); !strings.Contains(got, aliceMailbox) {
		t.Fatalf("admin's view: %s", got)
	}
	connect(t, adm, "?withUserPwd&loginName="+aliceLogin, nil)
	resp, body := fetch(t, adm, base+"/voicemails/"+vm.VoicemailID+"?loginName="+aliceLogin, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("admin download: %d %s", resp.StatusCode, body)
	}
	checkWAV(t, body)
	wantError(t, adm.Do(ctx, http.MethodGet, "/messaging/mailboxes?loginName="+daveLogin, nil, nil), http.StatusNotFound, "NOT_FOUND")
}

package ocipserver

import (
	"bytes"
	"context"
	"testing"

	"github.com/switchboard/switchboard/ocip"
)

// FuzzPipeline feeds arbitrary documents to a logged-in session: the
// pipeline must never panic, must always answer with one well-formed
// document carrying at least one command, and must leave the session
// usable.
func FuzzPipeline(f *testing.F) {
	h := newInProcessHarness(f)
	s := h.admin()
	admin := s.b.st.Principal
	for _, seed := range []string{
		`<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId>s</sessionId><command xmlns="" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="UserGetRequest23V2"><userId>a@b</userId></command></BroadsoftDocument>`,
		`<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId>s</sessionId><command xmlns="" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="UserConsolidatedAddRequest22"><userId>x@y</userId><lastName>L</lastName><firstName>F</firstName><callingLineIdLastName>L</callingLineIdLastName><callingLineIdFirstName>F</callingLineIdFirstName></command></BroadsoftDocument>`,
		`<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId>s</sessionId><command xmlns="" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="LogoutRequest"><userId>u</userId><reason>x</reason></command></BroadsoftDocument>`,
		`<BroadsoftDocument protocol="OCI" xmlns="C"><userId>u</userId><command xmlns="" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="SystemSoftwareVersionGetRequest"/></BroadsoftDocument>`,
		`<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId>s</sessionId><command xmlns="" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="GroupDnAssignListRequest"><serviceProviderId>p</serviceProviderId><groupId>g</groupId><dnRange><minPhoneNumber>1</minPhoneNumber><maxPhoneNumber>999999999</maxPhoneNumber></dnRange></command></BroadsoftDocument>`,
		`<?xml version="1.0"?><x/>`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, _ := h.p.Process(context.Background(), s.b, doc, false)
		if !bytes.HasSuffix(out, []byte("</BroadsoftDocument>\n")) {
			t.Fatalf("reply not terminated: %q", out)
		}
		resp, _ := ocip.Decode(out, ocip.DecodeOptions{MaxSize: 64 << 20})
		if resp == nil || len(resp.Commands) == 0 {
			t.Fatalf("reply has no command: %q", out)
		}
		// A fuzzed logout or login may change the identity: restore the
		// administrator so later inputs still reach the handlers.
		s.b.st.Mu.Lock()
		s.b.st.Principal = admin
		s.b.st.Mu.Unlock()
	})
}

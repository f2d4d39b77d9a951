package ocip_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard/switchboard/internal/testbed"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<command><userId>a</userId><password>s3cret</password></command>`, `<command><userId>a</userId><password>***</password></command>`},
		{`<c:newPassword>x&amp;y</c:newPassword><oldPassword>z</oldPassword>`, `<c:newPassword>***</c:newPassword><oldPassword>***</oldPassword>`},
		{`<signedPassword>abc</signedPassword><passcode>1234</passcode><newPasscode>5678</newPasscode>`, `<signedPassword>***</signedPassword><passcode>***</passcode><newPasscode>***</newPasscode>`},
		{`<sipAuthenticationPassword>p</sipAuthenticationPassword><accessDeviceCredentials><userName>u</userName><password>p</password></accessDeviceCredentials>`,
			`<sipAuthenticationPassword>***</sipAuthenticationPassword><accessDeviceCredentials><userName>u</userName><password>***</password></accessDeviceCredentials>`},
		// Found in the schema, not in the fixed list.
		{`<groupMailServerPassword>g</groupMailServerPassword><ftpUserPassword>f</ftpUserPassword>`, `<groupMailServerPassword>***</groupMailServerPassword><ftpUserPassword>***</ftpUserPassword>`},
		// Rules about passwords are not secrets.
		{`<disallowOldPassword>true</disallowOldPassword><passwordExpiresDays>30</passwordExpiresDays><minLength>6</minLength>`, ``},
		{`<password/><password xsi:nil="true"/><password></password>`, ``},
		{`<passwordX>keep</passwordX>`, ``},
		// Truncated: masked to the end.
		{`<userId>a</userId><password>half`, `<userId>a</userId><password>***`},
		{`<password><![CDATA[a<b]]></password>`, `<password>***</password>`},
		{`no markup at all`, ``},
	} {
		want := tc.want
		if want == "" {
			want = tc.in
		}
		in := []byte(tc.in)
		got := ocip.Redact(in)
		if string(got) != want {
			t.Errorf("Redact(%s) = %s, want %s", tc.in, got, want)
		}
		if string(in) != tc.in {
			t.Errorf("Redact modified its input: %s", in)
		}
	}
}

// secretTrap collects everything the client reports about its traffic.
type secretTrap struct {
	mu       sync.Mutex
	events   []ocip.TraceEvent
	sent     map[int64]int
	received map[int64]int
	logs     bytes.Buffer
}

func newSecretTrap() *secretTrap {
	return &secretTrap{sent: map[int64]int{}, received: map[int64]int{}}
}

func (s *secretTrap) trace(ev ocip.TraceEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev.Doc = bytes.Clone(ev.Doc)
	s.events = append(s.events, ev)
	if ev.Direction == ocip.TraceSent {
		s.sent[ev.Conn]++
	} else {
		s.received[ev.Conn]++
	}
}

func (s *secretTrap) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.Write(p)
}

func (s *secretTrap) check(t *testing.T, secrets ...string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range s.events {
		for _, sec := range secrets {
			if bytes.Contains(ev.Doc, []byte(sec)) {
				t.Errorf("secret %q reached the trace hook: %s", sec, ev.Doc)
			}
		}
	}
	for _, sec := range secrets {
		if strings.Contains(s.logs.String(), sec) {
			t.Errorf("secret %q reached the logger", sec)
		}
	}
}

func TestClientTraceRedacts(t *testing.T) {
	tb := testbed.Start(t)
	ctx := context.Background()
	userPassword, passcode := "User-pw-9a7b", "864213"
	for _, tc := range []struct {
		name string
		cfg  ocip.Config
	}{
		{"tcp signed", ocip.Config{Addr: tb.TCPAddr, Conns: 2}},
		{"tcp plain", ocip.Config{Addr: tb.TCPAddr, Login: ocip.LoginPlain}},
		{"tls plain", ocip.Config{Addr: tb.TLSAddr, TLS: tb.ClientTLS()}},
		{"soap signed", ocip.Config{URL: tb.SOAPURL}},
		{"soaps plain", ocip.Config{URL: tb.SOAPSURL, TLS: tb.ClientTLS()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			trap := newSecretTrap()
			tc.cfg.Trace = trap.trace
			tc.cfg.Logger = slog.New(slog.NewTextHandler(trap, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c := dialTB(t, tc.cfg)
			if tc.name == "tcp signed" {
				addUsers(t, c, 1)
			}
			id := "t-" + strings.ReplaceAll(tc.name, " ", "-") + "@example.com"
			_, err := c.Send(ctx, &user.UserConsolidatedAddRequest22{
				ServiceProviderID: ocixml.Ptr(datatypes.ServiceProviderId("sp")), GroupID: ocixml.Ptr(datatypes.GroupId("g")),
				UserID: datatypes.UserId(id), LastName: "L", FirstName: "F", CallingLineIDLastName: "L", CallingLineIDFirstName: "F",
				Password: ocixml.Ptr(datatypes.Password(userPassword)), Passcode: ocixml.Ptr(datatypes.Passcode(passcode)),
			})
			// The group exists only for the first client; elsewhere the
			// refusal is fine: what matters is what was sent.
			if tc.name == "tcp signed" && err != nil {
				t.Logf("UserConsolidatedAddRequest22: %v", err)
			}
			_, err = c.Raw(ctx, "UserGetRequest23V2", map[string]any{"userId": "nobody@example.com"})
			wantUserNotFound(t, err, "nobody@example.com")
			c.Close()

			trap.check(t, testbed.Password, ocip.PasswordSHA1(testbed.Password), userPassword, passcode)
			trap.mu.Lock()
			defer trap.mu.Unlock()
			var sawPassword, sawPasscode, sawLogin bool
			for _, ev := range trap.events {
				s := string(ev.Doc)
				sawPassword = sawPassword || strings.Contains(s, "<password>***</password>")
				sawPasscode = sawPasscode || strings.Contains(s, "<passcode>***</passcode>")
				sawLogin = sawLogin || strings.Contains(s, "Login")
				if !strings.Contains(s, "</BroadsoftDocument>") || ev.Conn <= 0 {
					t.Errorf("trace event %v conn %d: %s", ev.Direction, ev.Conn, s)
				}
			}
			if !sawPassword || !sawPasscode || !sawLogin {
				t.Errorf("masked password %v, masked passcode %v, login %v in the trace", sawPassword, sawPasscode, sawLogin)
			}
			for conn, n := range trap.sent {
				if trap.received[conn] != n {
					t.Errorf("connection %d: %d sent, %d received", conn, n, trap.received[conn])
				}
			}
			logs := trap.logs.String()
			if !strings.Contains(logs, "commands=UserConsolidatedAddRequest22") || !strings.Contains(logs, "error_codes=4008") || !strings.Contains(logs, "duration=") {
				t.Errorf("debug log lacks the exchanges: %s", logs)
			}
		})
	}
}

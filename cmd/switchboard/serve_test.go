package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/ocitest"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/login"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// These tests run the real binary as a child process: startup, the
// listeners, SIGTERM draining, and durability across kill -9.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "switchboard-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "switchboard")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// server is a running child process with the addresses it logged.
type server struct {
	cmd   *exec.Cmd
	addrs map[string]string
	ca    string
	log   *bytes.Buffer
	mu    sync.Mutex
	done  chan error
}

// The OCI-P server logs transport=tcp|tls, serve logs service=http|https.
var listenRE = regexp.MustCompile(`listening"? (?:service|transport)=([a-z-]+) addr=(\S+)`)
var caRE = regexp.MustCompile(` ca=(\S+)`)

func startServer(t *testing.T, dataDir string, args ...string) *server {
	t.Helper()
	all := append([]string{"serve", "--data-dir", dataDir, "--ocip-addr", "127.0.0.1:0", "--ocip-tls-addr", "127.0.0.1:0",
		"--http-addr", "127.0.0.1:0", "--https-addr", "127.0.0.1:0"}, args...)
	cmd := exec.Command(binary(t), all...)
	cmd.Env = append(os.Environ(), "SWITCHBOARD_ADMIN_PASSWORD=") // only the flags given here count
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, addrs: map[string]string{}, log: new(bytes.Buffer), done: make(chan error, 1)}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		closed := false
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			if m := listenRE.FindStringSubmatch(line); m != nil {
				s.addrs[m[1]] = m[2]
			}
			if m := caRE.FindStringSubmatch(line); m != nil {
				s.ca = m[1]
			}
			s.mu.Unlock()
			if strings.Contains(line, "switchboard ready") && !closed {
				close(ready)
				closed = true
			}
		}
		io.Copy(io.Discard, stderr)
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	})
	select {
	case <-ready:
	case err := <-s.done:
		t.Fatalf("server exited early: %v\n%s", err, s.logText())
	case <-time.After(60 * time.Second):
		t.Fatalf("server not ready\n%s", s.logText())
	}
	return s
}

func (s *server) logText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

func (s *server) addr(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrs[name]
}

func (s *server) dial(t *testing.T, user, pw string) *ocitest.Conn {
	t.Helper()
	c, err := ocitest.Dial(s.addr("tcp"), nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, s.logText())
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, pw); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return c
}

func TestServeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, "--admin-user", "root", "--admin-password", "Root-pass-1")
	if strings.Contains(s.logText(), "Root-pass-1") {
		t.Fatal("the admin password reached the log")
	}
	// TCP: signed login, then a command.
	c := s.dial(t, "root", "Root-pass-1")
	r, err := c.One(&system.SystemSoftwareVersionGetRequest{})
	if err != nil || r.(*system.SystemSoftwareVersionGetResponse).Version == "" {
		t.Fatalf("version: %v %v", r, err)
	}
	// TLS with a client that trusts only the generated CA.
	pem, err := os.ReadFile(s.ca)
	if err != nil {
		t.Fatalf("CA file %q: %v", s.ca, err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	tc, err := ocitest.Dial(s.addr("tls"), &tls.Config{RootCAs: pool, ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	pwd := datatypes.Password("Root-pass-1")
	if _, err := tc.One(&deprecated.LoginRequest14sp4{UserID: "root", PlainTextPassword: &pwd}); err != nil {
		t.Fatalf("TLS login: %v", err)
	}
	// SOAP on HTTP: the WSDL, then a login and a command in one session.
	resp, err := http.Get("http://" + s.addr("http") + "/webservice/services/ProvisioningService?wsdl")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("wsdl: %v %v", resp, err)
	}
	resp.Body.Close()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	soap := func(cmd ocixml.Command) ocixml.Command {
		t.Helper()
		doc := (&ocip.Document{SessionID: "soap-session-1", Commands: []ocixml.Command{cmd}}).AppendXML(nil)
		resp, err := hc.Post("http://"+s.addr("http")+"/webservice/services/ProvisioningService", "text/xml; charset=utf-8",
			bytes.NewReader(ocixml.AppendSOAPRequest(nil, doc)))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("SOAP %s: HTTP %d\n%s", cmd.XSIType(), resp.StatusCode, body)
		}
		inner, err := ocixml.UnwrapSOAPResponse(body)
		if err != nil {
			t.Fatal(err)
		}
		d, err := ocip.DecodeString(inner, ocip.DecodeOptions{})
		if err != nil || len(d.Commands) != 1 {
			t.Fatalf("SOAP response: %v\n%s", err, inner)
		}
		return d.Commands[0]
	}
	if r := soap(&login.LoginRequest22V5{UserID: "root", Password: &pwd}); r.XSIType() != "LoginResponse22V5" {
		t.Fatalf("SOAP login: %s", r.XSIType())
	}
	if r := soap(&system.SystemSoftwareVersionGetRequest{}); r.XSIType() != "SystemSoftwareVersionGetResponse" {
		t.Fatalf("SOAP command after login (JSESSIONID kept): %s", r.XSIType())
	}
	for _, p := range []string{"/healthz", "/metrics"} {
		resp, err := http.Get("http://" + s.addr("http") + p)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", p, resp, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if p == "/metrics" && !strings.Contains(string(body), "switchboard_ocip_documents_total") {
			t.Fatalf("metrics: %s", body)
		}
	}
	// O2G on HTTPS: the administrator opens a session and an event stream,
	// which SIGTERM must end rather than wait for. Plain HTTP has no O2G.
	o2c := o2gtest.New(s.addr("https"), pool)
	if err := o2c.Login(context.Background(), "root", "Root-pass-1", "serve-test"); err != nil || !o2c.Session.Admin {
		t.Fatalf("O2G login: %v %+v", err, o2c.Session)
	}
	sub, err := o2c.Subscribe(context.Background(), map[string]any{"filter": map[string]any{"selectors": []any{
		map[string]any{"names": []string{"userManagement"}}}}, "version": "1.0", "timeout": 0})
	if err != nil {
		t.Fatalf("O2G subscription: %v", err)
	}
	stream, err := o2c.OpenStream(context.Background(), o2c.PollingURL(sub))
	if err != nil {
		t.Fatalf("O2G stream: %v", err)
	}
	defer stream.Close()
	if ev, err := stream.Next(5 * time.Second); err != nil || ev["eventName"] != "OnChannelInformation" {
		t.Fatalf("first stream line: %v %v", ev, err)
	}
	if resp, err := http.Get("http://" + s.addr("http") + "/api/rest"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("O2G on plain HTTP: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	// SIGTERM drains and exits 0, promptly even with a stream open.
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, s.logText())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}

func TestServeGeneratedAdminPassword(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir)
	m := regexp.MustCompile(`Created System administrator "admin" with generated password: (\S+)`).FindStringSubmatch(s.logText())
	if m == nil {
		t.Fatalf("no generated password printed:\n%s", s.logText())
	}
	s.dial(t, "admin", m[1])
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	// A second start finds the administrator and prints nothing.
	s2 := startServer(t, dir)
	if strings.Contains(s2.logText(), "generated password") {
		t.Fatal("password printed again")
	}
	s2.dial(t, "admin", m[1])
}

// TestCrashDurability kills the server with SIGKILL in the middle of a
// bulk load and checks that every user whose add was acknowledged is
// there after a restart.
func TestCrashDurability(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, "--admin-user", "root", "--admin-password", "Root-pass-1")
	c := s.dial(t, "root", "Root-pass-1")
	must := func(cmd ocixml.Command) {
		t.Helper()
		if _, err := c.One(cmd); err != nil {
			t.Fatalf("%s: %v", cmd.XSIType(), err)
		}
	}
	must(&system.SystemDomainAddRequest{Domain: "crash.example"})
	must(&deprecated.ServiceProviderAddRequest13mp2{ServiceProviderID: "crashsp", DefaultDomain: "crash.example", IsEnterprise: true})

	const workers = 4
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wc := s.dial(t, "root", "Root-pass-1")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("u%d-%d@crash.example", w, i)
				req := &user.UserConsolidatedAddRequest22{ServiceProviderID: ocixml.Ptr(datatypes.ServiceProviderId("crashsp")),
					GroupID: ocixml.Ptr(datatypes.GroupId("g")), UserID: datatypes.UserId(id),
					GroupProperties: &datatypes.ConsolidatedGroupProperties{DefaultDomain: "crash.example", UserLimit: 1},
					LastName:        "L", FirstName: "F", CallingLineIDLastName: "L", CallingLineIDFirstName: "F",
					Password: ocixml.Ptr(datatypes.Password("User-pass-1"))}
				r, err := wc.Do(req)
				if err != nil {
					return // the server is gone
				}
				if _, ok := r[0].(*core.SuccessResponse); ok {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				} else if e, ok := r[0].(*core.ErrorResponse); ok {
					t.Errorf("add %s: %s", id, e.Summary)
					return
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.done
	close(stop)
	wg.Wait()
	mu.Lock()
	ids := append([]string(nil), acked...)
	mu.Unlock()
	if len(ids) < 20 {
		t.Fatalf("only %d users acknowledged before the kill; the load did not run", len(ids))
	}
	s2 := startServer(t, dir)
	c2 := s2.dial(t, "root", "Root-pass-1")
	for _, id := range ids {
		if _, err := c2.One(&user.UserGetRequest23V2{UserID: datatypes.UserId(id)}); err != nil {
			t.Fatalf("acknowledged user %s lost after kill -9: %v", id, err)
		}
	}
	t.Logf("%d acknowledged users all present after kill -9", len(ids))
}

// The bench commands run end to end on tiny workloads: they start the
// built binary as their server, so they can only be tested through it.
func TestBenchSmoke(t *testing.T) {
	bin := binary(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"bench", "client", "--users", "30", "--conns", "2", "--callers", "8", "--duration", "500ms", "--sequential", "300ms"},
			[]string{"1 connection, sequential Do:", "2 connections, Batch (15 per document):", "2 connections, 8 concurrent callers of Do:", "client share"}},
		{[]string{"bench", "o2g", "--sessions", "5", "--rate", "30", "--duration", "1s"},
			[]string{"5 sessions with subscription and open stream", "delivered, 0 unexpected", "delivery after the OCI-P answer"}},
	} {
		cmd := exec.Command(bin, tc.args...)
		cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", tc.args, err, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, out)
			}
		}
	}
}

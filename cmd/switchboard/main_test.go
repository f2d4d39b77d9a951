package main

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/testbed"
)

// runCLI runs the CLI with args and returns exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// runEnv runs the CLI with an injected environment and standard input,
// returning exit code, stdout and stderr. Connection commands read
// SWITCHBOARD_PASSWORD and friends from env, never from the process.
func runEnv(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	root := newRootCmdWith(&out, &errOut, cliEnv{lookupEnv: lookup, stdin: strings.NewReader(stdin)})
	root.SetArgs(args)
	code := 0
	if err := root.Execute(); err != nil {
		fmt.Fprintf(&errOut, "switchboard: %v\n", err)
		code = 1
	}
	return code, out.String(), errOut.String()
}

// testbedEnv is the environment that points connection commands at tb as
// its System administrator over plain TCP.
func testbedEnv(tb *testbed.Server) map[string]string {
	return map[string]string{
		"SWITCHBOARD_TRANSPORT": "tcp",
		"SWITCHBOARD_ADDR":      tb.TCPAddr,
		"SWITCHBOARD_USER":      testbed.Admin,
		"SWITCHBOARD_PASSWORD":  testbed.Password,
		// No config file is read unless a test writes one.
		"HOME": "/nonexistent",
	}
}

// countingListener accepts connections and counts them, to prove that a
// command (a dry run, a validation failure) connected to nothing.
func countingListener(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var n atomic.Int32
	go func() {
		for {
			cn, err := l.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			cn.Close()
		}
	}()
	return l.Addr().String(), &n
}

func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func TestOCICommandsList(t *testing.T) {
	code, out, errOut := runCLI(t, "oci", "commands")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	ls := lines(out)
	have := map[string]bool{}
	for _, l := range ls {
		have[l] = true
		first, _, _ := strings.Cut(l, " ")
		for _, bad := range []string{"CallCenterAgentSettings", "SearchCriteria"} {
			if strings.HasPrefix(l, bad) {
				t.Errorf("non-request line %q", l)
			}
		}
		if strings.HasSuffix(first, "Response") {
			t.Errorf("response listed as a request: %q", l)
		}
		if n := len(strings.Fields(l)); n < 2 || n > 3 {
			t.Errorf("malformed line %q", l)
		}
	}
	for _, want := range []string{
		"UserConsolidatedAddRequest22 Success/Error",
		"UserGetRequest23V2 UserGetResponse23V2",
		"LoginRequest14sp4 LoginResponse14sp4 deprecated",
		"AuthenticationRequest AuthenticationResponse deprecated",
	} {
		if !have[want] {
			t.Errorf("missing line %q", want)
		}
	}
	if len(ls) != 3987 {
		t.Errorf("got %d lines, want 3987", len(ls))
	}
	for i := 1; i < len(ls); i++ {
		if ls[i-1] >= ls[i] {
			t.Fatalf("not sorted at %q, %q", ls[i-1], ls[i])
		}
	}
}

func TestOCICommandsCount(t *testing.T) {
	code, out, errOut := runCLI(t, "oci", "commands", "--count")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if want := "requests: 3987\ndata responses: 2161\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestOCICommandsSearch(t *testing.T) {
	code, out, errOut := runCLI(t, "oci", "commands", "--search", "usergetrequest23")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	ls := lines(out)
	if len(ls) == 0 || ls[0] == "" {
		t.Fatal("no matches")
	}
	found := false
	for _, l := range ls {
		if !strings.Contains(strings.ToLower(l), "usergetrequest23") {
			t.Errorf("unfiltered line %q", l)
		}
		found = found || l == "UserGetRequest23V2 UserGetResponse23V2"
	}
	if !found {
		t.Errorf("UserGetRequest23V2 not in %q", out)
	}
}

func TestOCICommandsHideDeprecated(t *testing.T) {
	code, out, errOut := runCLI(t, "oci", "commands", "--deprecated=false")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(out, "deprecated") {
		t.Error("deprecated command listed")
	}
	if !strings.Contains(out, "UserGetRequest23V2 UserGetResponse23V2\n") {
		t.Error("current command missing")
	}
}

func TestOCICommandsDescribe(t *testing.T) {
	code, out, errOut := runCLI(t, "oci", "commands", "--describe", "UserConsolidatedAddRequest22")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"UserConsolidatedAddRequest22: request, answered by SuccessResponse or ErrorResponse; executed by this server",
		"\n  userId  UserId  required  token, 1..161 characters\n",
		"\n  serviceProviderId  ServiceProviderId  optional, choice",
		"\n  addPhoneNumberToGroup  boolean  flag (present or absent)",
		"\n  groupProperties  ConsolidatedGroupProperties  optional\n    defaultDomain  NetAddress  required",
		"\n  thirdPartyVoiceMailServerUserServer  ThirdPartyVoiceMailSupportMailServer  optional, nillable",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "oci", "commands", "--describe", "LoginRequest22V5")
	if code != 0 || !strings.Contains(out, "LoginResponse22V5:\n") || !strings.Contains(out, "loginType  LoginType22  required  token, one of: System | Provisioning | Reseller") {
		t.Errorf("login: %s", out)
	}
	code, _, errOut = runCLI(t, "oci", "commands", "--describe", "NoSuchRequest")
	if code == 0 || !strings.Contains(errOut, "not an OCI-P command") {
		t.Errorf("unknown: exit %d %s", code, errOut)
	}
}

func TestOCICommandsImplemented(t *testing.T) {
	code, out, errOut := runCLI(t, "oci", "commands", "--implemented")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"UserConsolidatedAddRequest22 Success/Error", "UserGetRequest23V2 UserGetResponse23V2", "LoginRequest22V5 LoginResponse22V5"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(out, "SystemAccessDeviceTypeGetListRequest") {
		t.Error("lists a command the server does not execute")
	}
}

func TestServePostgresNeedsURL(t *testing.T) {
	code, _, errOut := runCLI(t, "serve", "--store", "postgres", "--postgres-url", "", "--data-dir", t.TempDir(), "--ocip-addr", "", "--ocip-tls-addr", "", "--http-addr", "", "--https-addr", "")
	if code == 0 || !strings.Contains(errOut, "--postgres-url") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

func TestServeHelpShowsContract(t *testing.T) {
	code, out, _ := runCLI(t, "serve", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"--data-dir", "./switchboard-data", "--store", "--postgres-url",
		"--ocip-addr", ":2208", "--ocip-tls-addr", ":2209", "--http-addr", ":8080",
		"--https-addr", ":8443", "--tls-cert", "--tls-key", "--admin-user",
		"--admin-password", "SWITCHBOARD_ADMIN_PASSWORD", "SWITCHBOARD_DATA_DIR",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func TestServeDefaults(t *testing.T) {
	opts, err := parseServeFlags(nil, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	want := serveOptions{
		DataDir: "./switchboard-data", Store: "sqlite",
		OCIPAddr: ":2208", OCIPTLSAddr: ":2209", HTTPAddr: ":8080", HTTPSAddr: ":8443",
		O2GUserLogin: "oxe", O2GSessionTTL: 30 * time.Minute,
	}
	if opts != want {
		t.Errorf("got %+v, want %+v", opts, want)
	}
}

func TestServeEnvFallback(t *testing.T) {
	env := map[string]string{
		"SWITCHBOARD_DATA_DIR":       "/var/lib/sb",
		"SWITCHBOARD_STORE":          "postgres",
		"SWITCHBOARD_POSTGRES_URL":   "postgres://db/sb",
		"SWITCHBOARD_OCIP_TLS_ADDR":  ":3209",
		"SWITCHBOARD_HTTP_ADDR":      ":9090", // overridden on the command line
		"SWITCHBOARD_ADMIN_PASSWORD": "from-env",
		"SWITCHBOARD_O2G_USER_LOGIN": "userid",
		"SWITCHBOARD_O2G_SIMULATION": "true",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	opts, err := parseServeFlags([]string{"--http-addr", ":7070"}, lookup)
	if err != nil {
		t.Fatal(err)
	}
	want := serveOptions{
		DataDir: "/var/lib/sb", Store: "postgres", PostgresURL: "postgres://db/sb",
		OCIPAddr: ":2208", OCIPTLSAddr: ":3209", HTTPAddr: ":7070", HTTPSAddr: ":8443",
		AdminPassword: "from-env", O2GUserLogin: "userid", O2GSessionTTL: 30 * time.Minute, O2GSimulation: true,
	}
	if opts != want {
		t.Errorf("got %+v, want %+v", opts, want)
	}
}

func TestServeEnvFallbackThroughRun(t *testing.T) {
	// A bad store from the environment must be rejected, which proves run
	// reads the process environment.
	t.Setenv("SWITCHBOARD_STORE", "mysql")
	code, _, errOut := runCLI(t, "serve")
	if code == 0 || !strings.Contains(errOut, "mysql") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestServeBadStore(t *testing.T) {
	_, err := parseServeFlags([]string{"--store", "oracle"}, func(string) (string, bool) { return "", false })
	if err == nil {
		t.Fatal("bad store accepted")
	}
}

func TestVersion(t *testing.T) {
	code, out, errOut := runCLI(t, "version")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	f := strings.Fields(out)
	if len(f) != 3 || f[0] != "switchboard" || f[1] == "" || !strings.HasPrefix(f[2], "go") {
		t.Errorf("version output %q", out)
	}
}

func TestUnknownCommand(t *testing.T) {
	code, _, errOut := runCLI(t, "frobnicate")
	if code == 0 {
		t.Fatal("unknown command succeeded")
	}
	if !strings.Contains(errOut, "unknown command") {
		t.Errorf("stderr %q", errOut)
	}
}

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard/switchboard/internal/testbed"
	"github.com/switchboard/switchboard/ocip"
)

// resolveArgs parses connection flags from args against env and returns
// the resolved settings.
func resolveArgs(t *testing.T, env map[string]string, args ...string) (*resolved, error) {
	t.Helper()
	o := &connOptions{lookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, stdin: strings.NewReader("")}
	cmd := &cobra.Command{Use: "x"}
	addConnFlags(cmd.Flags(), o)
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	return o.resolve(cmd.Flags(), 1)
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConnectProfiles(t *testing.T) {
	cfgPath := writeFile(t, "config.yaml", `
default: lab
profiles:
  lab:
    transport: tcp
    addr: lab.example.net:2208
    user: labadmin
    password-env: LAB_PW
    conns: 3
    timeout: 5s
  prod:
    url: https://bw.example.net/webservice/services/ProvisioningService
    user: produser
    login: signed
`)
	env := map[string]string{"LAB_PW": "lab-secret", "PROD_PW": "prod-secret", "HOME": "/nonexistent"}

	r, err := resolveArgs(t, env, "--config", cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if r.cfg.Addr != "lab.example.net:2208" || r.cfg.TLS != nil || r.cfg.User != "labadmin" || r.cfg.Password != "lab-secret" || r.cfg.Conns != 3 || r.timeout != 5*time.Second {
		t.Errorf("default profile resolved to %+v, timeout %v", r.cfg, r.timeout)
	}

	// Flags override the profile field by field; the environment too.
	env["SWITCHBOARD_CONNS"] = "7"
	r, err = resolveArgs(t, env, "--config", cfgPath, "--profile", "prod", "--password-env", "PROD_PW", "--user", "other")
	if err != nil {
		t.Fatal(err)
	}
	if r.cfg.URL == "" || r.cfg.TLS == nil || r.cfg.User != "other" || r.cfg.Password != "prod-secret" || r.cfg.Login != ocip.LoginSigned || r.cfg.Conns != 7 {
		t.Errorf("prod profile with overrides resolved to %+v", r.cfg)
	}
	delete(env, "SWITCHBOARD_CONNS")

	// The config file is found under XDG_CONFIG_HOME.
	xdg := t.TempDir()
	os.MkdirAll(filepath.Join(xdg, "switchboard"), 0o700)
	data, _ := os.ReadFile(cfgPath)
	os.WriteFile(filepath.Join(xdg, "switchboard", "config.yaml"), data, 0o600)
	env["XDG_CONFIG_HOME"] = xdg
	if r, err = resolveArgs(t, env); err != nil || r.cfg.User != "labadmin" {
		t.Errorf("XDG config: %+v, %v", r, err)
	}
	delete(env, "XDG_CONFIG_HOME")

	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown profile", []string{"--config", cfgPath, "--profile", "nope"}, nil, `no profile "nope"`},
		{"missing config", []string{"--config", "/nonexistent/c.yaml"}, nil, "config:"},
		{"password in file", []string{"--config", writeFile(t, "c.yaml", "profiles:\n  a:\n    user: u\n    password: x\n")}, nil, "passwords are not read from the config file"},
		{"misspelt key", []string{"--config", writeFile(t, "c.yaml", "profiles:\n  a:\n    usr: u\n")}, nil, "usr"},
		{"unset password variable", []string{"--config", cfgPath, "--password-env", "NOPE"}, nil, "NOPE is not set"},
		{"no user", []string{"--addr", "x:1"}, nil, "no user"},
		{"no password, no terminal", []string{"--user", "u"}, nil, "no password"},
		{"bad transport", []string{"--user", "u", "--transport", "udp"}, nil, `"udp" is not a transport`},
		{"soap without url", []string{"--user", "u", "--transport", "soap"}, nil, "needs --url"},
		{"bad login", []string{"--user", "u", "--login", "magic"}, nil, `"magic" is not a login flow`},
		{"bad conns", []string{"--user", "u", "--conns", "1000"}, map[string]string{"SWITCHBOARD_PASSWORD": "p"}, "out of range"},
		{"bad env value", []string{"--user", "u"}, map[string]string{"SWITCHBOARD_CONNS": "many"}, "SWITCHBOARD_CONNS"},
		{"missing CA file", []string{"--user", "u", "--ca", "/nonexistent.pem"}, map[string]string{"SWITCHBOARD_PASSWORD": "p"}, "--ca"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := map[string]string{"LAB_PW": "x", "HOME": "/nonexistent"}
			for k, v := range tc.env {
				e[k] = v
			}
			_, err := resolveArgs(t, e, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestConnectPasswordFile(t *testing.T) {
	pw := writeFile(t, "pw", "file-secret\r\nignored\n")
	r, err := resolveArgs(t, map[string]string{"SWITCHBOARD_PASSWORD": "env-secret", "HOME": "/nonexistent"}, "--user", "u", "--password-file", pw)
	if err != nil {
		t.Fatal(err)
	}
	if r.cfg.Password != "file-secret" {
		t.Errorf("password %q, want the file's first line (the file wins over the environment)", r.cfg.Password)
	}
}

// TestConnectDialTestbed logs in to a real server over each transport the
// connection flags can select that the client supports.
func TestConnectDialTestbed(t *testing.T) {
	tb := testbed.Start(t)
	env := map[string]string{"SWITCHBOARD_PASSWORD": testbed.Password, "HOME": "/nonexistent"}
	for _, args := range [][]string{
		{"--transport", "tcp", "--addr", tb.TCPAddr},
		{"--transport", "tls", "--addr", tb.TLSAddr, "--ca", tb.CAFile},
		{"--transport", "tls", "--addr", tb.TLSAddr, "--insecure"},
		{"--url", tb.SOAPURL},
		{"--url", tb.SOAPSURL, "--ca", tb.CAFile, "--login", "signed"},
	} {
		o := &connOptions{lookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
		cmd := &cobra.Command{Use: "x"}
		addConnFlags(cmd.Flags(), o)
		if err := cmd.ParseFlags(append(args, "--user", testbed.Admin)); err != nil {
			t.Fatal(err)
		}
		c, _, err := o.dial(context.Background(), cmd, 1)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		c.Close()
	}
	// TLS without the CA fails certificate verification.
	o := &connOptions{lookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	cmd := &cobra.Command{Use: "x"}
	addConnFlags(cmd.Flags(), o)
	cmd.ParseFlags([]string{"--addr", tb.TLSAddr, "--user", testbed.Admin})
	if _, _, err := o.dial(context.Background(), cmd, 1); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("TLS with an untrusted certificate: %v", err)
	}
}

package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
	"golang.org/x/term"

	"github.com/switchboard/switchboard/ocip"
)

// Connection settings come, most specific first, from the command line,
// from SWITCHBOARD_* environment variables, from the selected profile of
// the config file, then from defaults. Passwords never come from the
// config file or the command line (both end up in shell history, process
// lists or backups): they come from a file, from an environment variable,
// or from a prompt on the terminal.

// profile is one named connection in the config file.
type profile struct {
	Transport    string        `yaml:"transport"` // tcp, tls or soap
	Addr         string        `yaml:"addr"`      // host:port for tcp/tls
	URL          string        `yaml:"url"`       // SOAP endpoint
	CA           string        `yaml:"ca"`        // PEM file of trusted CAs
	Insecure     bool          `yaml:"insecure"`  // skip certificate checks
	User         string        `yaml:"user"`
	PasswordEnv  string        `yaml:"password-env"`  // variable holding the password
	PasswordFile string        `yaml:"password-file"` // file holding the password
	Login        string        `yaml:"login"`         // auto, signed or plain
	Conns        int           `yaml:"conns"`
	Timeout      time.Duration `yaml:"timeout"`
}

// configFile is the whole config file.
type configFile struct {
	// Default names the profile used when --profile is not given.
	Default  string              `yaml:"default"`
	Profiles map[string]*profile `yaml:"profiles"`
}

// connOptions are the connection flags shared by every command that talks
// to a server.
type connOptions struct {
	config, profile string
	p               profile
	lookupEnv       func(string) (string, bool)
	stdin           io.Reader
	prompt          io.Writer
}

// addConnFlags registers the connection flags on fs.
func addConnFlags(fs *pflag.FlagSet, o *connOptions) {
	fs.StringVar(&o.config, "config", "", "config file with connection profiles (default $XDG_CONFIG_HOME/switchboard/config.yaml)")
	fs.StringVar(&o.profile, "profile", "", "profile to use from the config file (default: the file's default)")
	fs.StringVar(&o.p.Transport, "transport", "", "tcp, tls or soap (default tls, or soap when --url is set)")
	fs.StringVar(&o.p.Addr, "addr", "", "server host:port for tcp and tls (default localhost:2208 for tcp, localhost:2209 for tls)")
	fs.StringVar(&o.p.URL, "url", "", "SOAP endpoint URL, e.g. https://host/webservice/services/ProvisioningService")
	fs.StringVar(&o.p.CA, "ca", "", "PEM file of the CA certificates to trust for TLS and HTTPS")
	fs.BoolVar(&o.p.Insecure, "insecure", false, "do not verify the server's certificate (testing only)")
	fs.StringVar(&o.p.User, "user", "", "administrator or user id to log in as")
	fs.StringVar(&o.p.PasswordEnv, "password-env", "", "name of the environment variable holding the password (default SWITCHBOARD_PASSWORD)")
	fs.StringVar(&o.p.PasswordFile, "password-file", "", "file holding the password (first line)")
	fs.StringVar(&o.p.Login, "login", "", "login flow: auto, signed (nonce + signed password) or plain (LoginRequest22V5)")
	fs.IntVar(&o.p.Conns, "conns", 0, "connections in the pool, each logged in (default 1; bulk defaults to 4)")
	fs.DurationVar(&o.p.Timeout, "timeout", 0, "deadline for each request (default 60s)")
}

// connFlagNames are the flags whose environment fallback resolve applies.
var connFlagNames = []string{"config", "profile", "transport", "addr", "url", "ca", "insecure", "user", "password-env", "password-file", "login", "conns", "timeout"}

// resolved is a connection ready to dial.
type resolved struct {
	cfg     ocip.Config
	timeout time.Duration
}

// resolve merges flags, environment, profile and defaults. defaultConns
// is the pool size when nothing sets one.
func (o *connOptions) resolve(fs *pflag.FlagSet, defaultConns int) (*resolved, error) {
	lookup := o.lookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	// The environment fills only these flags; other flags of the command
	// keep their own meaning.
	given := map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { given[f.Name] = true })
	for _, name := range connFlagNames {
		if given[name] || fs.Lookup(name) == nil {
			continue
		}
		if v, ok := lookup(envVarName(name)); ok {
			if err := fs.Set(name, v); err != nil {
				return nil, fmt.Errorf("%s: %w", envVarName(name), err)
			}
			given[name] = true
		}
	}
	p, err := o.loadProfile(lookup)
	if err != nil {
		return nil, err
	}
	// The command line and environment override the profile field by field.
	merge := func(flag string, dst *string, v string) {
		if given[flag] || *dst == "" {
			*dst = v
		}
	}
	if p == nil {
		p = &profile{}
	}
	merge("transport", &p.Transport, o.p.Transport)
	merge("addr", &p.Addr, o.p.Addr)
	merge("url", &p.URL, o.p.URL)
	merge("ca", &p.CA, o.p.CA)
	merge("user", &p.User, o.p.User)
	merge("password-env", &p.PasswordEnv, o.p.PasswordEnv)
	merge("password-file", &p.PasswordFile, o.p.PasswordFile)
	merge("login", &p.Login, o.p.Login)
	if given["insecure"] {
		p.Insecure = o.p.Insecure
	}
	if given["conns"] || p.Conns == 0 {
		p.Conns = o.p.Conns
	}
	if given["timeout"] || p.Timeout == 0 {
		p.Timeout = o.p.Timeout
	}
	return o.build(p, lookup, defaultConns)
}

// loadProfile reads the config file and returns the selected profile, or
// nil when no file exists and no profile was asked for.
func (o *connOptions) loadProfile(lookup func(string) (string, bool)) (*profile, error) {
	path, explicit := o.config, o.config != ""
	if path == "" {
		dir, ok := lookup("XDG_CONFIG_HOME")
		if !ok || dir == "" {
			home, ok := lookup("HOME")
			if !ok || home == "" {
				if o.profile != "" {
					return nil, errors.New("--profile: no config file: set --config or HOME")
				}
				return nil, nil
			}
			dir = filepath.Join(home, ".config")
		}
		path = filepath.Join(dir, "switchboard", "config.yaml")
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit && o.profile == "" {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var cf configFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	// Unknown keys are refused: a misspelt key would otherwise be ignored
	// silently, and a "password" key is refused on purpose.
	dec.KnownFields(true)
	if err := dec.Decode(&cf); err != nil && !errors.Is(err, io.EOF) {
		if strings.Contains(err.Error(), `field password `) {
			return nil, fmt.Errorf("config %s: passwords are not read from the config file; use password-env or password-file", path)
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	name := o.profile
	if name == "" {
		name = cf.Default
	}
	if name == "" {
		if len(cf.Profiles) == 1 {
			for _, p := range cf.Profiles {
				return p, nil
			}
		}
		return nil, nil
	}
	p, ok := cf.Profiles[name]
	if !ok || p == nil {
		return nil, fmt.Errorf("config %s: no profile %q", path, name)
	}
	return p, nil
}

// build turns a merged profile into a client configuration.
func (o *connOptions) build(p *profile, lookup func(string) (string, bool), defaultConns int) (*resolved, error) {
	var cfg ocip.Config
	transport := strings.ToLower(p.Transport)
	if transport == "" {
		transport = "tls"
		if p.URL != "" {
			transport = "soap"
		}
	}
	needTLS := false
	switch transport {
	case "tcp":
		cfg.Addr = orDefault(p.Addr, "localhost:2208")
	case "tls":
		cfg.Addr = orDefault(p.Addr, "localhost:2209")
		needTLS = true
	case "soap":
		if p.URL == "" {
			return nil, errors.New("--transport soap needs --url")
		}
		cfg.URL = p.URL
		needTLS = strings.HasPrefix(strings.ToLower(p.URL), "https:")
	default:
		return nil, fmt.Errorf("--transport: %q is not a transport; want tcp, tls or soap", p.Transport)
	}
	if needTLS {
		tc := &tls.Config{InsecureSkipVerify: p.Insecure}
		if p.CA != "" {
			pem, err := os.ReadFile(p.CA)
			if err != nil {
				return nil, fmt.Errorf("--ca: %w", err)
			}
			roots := x509.NewCertPool()
			if !roots.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("--ca: no PEM certificate in %s", p.CA)
			}
			tc.RootCAs = roots
		}
		cfg.TLS = tc
	}
	switch strings.ToLower(p.Login) {
	case "", "auto":
		cfg.Login = ocip.LoginAuto
	case "signed":
		cfg.Login = ocip.LoginSigned
	case "plain":
		cfg.Login = ocip.LoginPlain
	default:
		return nil, fmt.Errorf("--login: %q is not a login flow; want auto, signed or plain", p.Login)
	}
	if p.User == "" {
		return nil, fmt.Errorf("no user: set --user, %s or a profile", envVarName("user"))
	}
	cfg.User = p.User
	pw, err := o.password(p, lookup)
	if err != nil {
		return nil, err
	}
	cfg.Password = pw
	cfg.Conns = p.Conns
	if cfg.Conns == 0 {
		cfg.Conns = defaultConns
	}
	if cfg.Conns < 1 || cfg.Conns > 256 {
		return nil, fmt.Errorf("--conns: %d is out of range 1..256", cfg.Conns)
	}
	timeout := p.Timeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	if timeout < 0 {
		return nil, fmt.Errorf("--timeout: %v is negative", timeout)
	}
	return &resolved{cfg: cfg, timeout: timeout}, nil
}

// password reads the password from the file, then the environment, then
// the terminal.
func (o *connOptions) password(p *profile, lookup func(string) (string, bool)) (string, error) {
	if p.PasswordFile != "" {
		data, err := os.ReadFile(p.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("--password-file: %w", err)
		}
		line, _, _ := strings.Cut(string(data), "\n")
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			return "", fmt.Errorf("--password-file: %s is empty", p.PasswordFile)
		}
		return line, nil
	}
	env := p.PasswordEnv
	if env == "" {
		env = envVarName("password")
	}
	if v, ok := lookup(env); ok && v != "" {
		return v, nil
	}
	if p.PasswordEnv != "" {
		return "", fmt.Errorf("the password variable %s is not set", p.PasswordEnv)
	}
	in := o.stdin
	if in == nil {
		in = os.Stdin
	}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		w := o.prompt
		if w == nil {
			w = os.Stderr
		}
		fmt.Fprintf(w, "Password for %s: ", p.User)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(w)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		return string(b), nil
	}
	return "", fmt.Errorf("no password: set %s, --password-env, --password-file, or run on a terminal to be prompted", envVarName("password"))
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// dial resolves the connection settings of cmd and connects.
func (o *connOptions) dial(ctx context.Context, cmd *cobra.Command, defaultConns int) (*ocip.Client, *resolved, error) {
	r, err := o.resolve(cmd.Flags(), defaultConns)
	if err != nil {
		return nil, nil, err
	}
	c, err := ocip.Dial(ctx, r.cfg)
	if err != nil {
		return nil, nil, err
	}
	return c, r, nil
}

// dialOne connects one connection for a command that sends one document:
// the context ends on a signal or after the request timeout, and done
// closes the client and releases the context.
func (o *connOptions) dialOne(cmd *cobra.Command) (context.Context, *ocip.Client, func(), error) {
	ctx, stop := signalContext()
	c, r, err := o.dial(ctx, cmd, 1)
	if err != nil {
		stop()
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	return ctx, c, func() { cancel(); c.Close(); stop() }, nil
}

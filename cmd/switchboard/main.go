package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/switchboard/switchboard/internal/ocipserver"
	"github.com/switchboard/switchboard/ocip/schema"
)

// envPrefix prefixes the environment variable that backs each flag, e.g.
// --data-dir falls back to SWITCHBOARD_DATA_DIR.
const envPrefix = "SWITCHBOARD_"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the CLI with args (without the program name) and returns the
// process exit code, so tests can drive it without exiting.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		// Cobra's own printing is silenced so every error appears once, here.
		fmt.Fprintf(stderr, "switchboard: %v\n", err)
		return 1
	}
	return 0
}

// newRootCmd builds the command tree, reading the environment through
// os.LookupEnv.
func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	return newRootCmdEnv(stdout, stderr, os.LookupEnv)
}

// cliEnv is what commands read from the process besides their flags: the
// environment and standard input. Tests inject both.
type cliEnv struct {
	lookupEnv func(string) (string, bool)
	stdin     io.Reader
}

// connOptions returns fresh connection options reading this environment.
func (e cliEnv) connOptions() *connOptions {
	return &connOptions{lookupEnv: e.lookupEnv, stdin: e.stdin}
}

// newRootCmdEnv is newRootCmd with the environment lookup injected, so tests
// need not touch the process environment.
func newRootCmdEnv(stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) *cobra.Command {
	return newRootCmdWith(stdout, stderr, cliEnv{lookupEnv: lookupEnv, stdin: os.Stdin})
}

// newRootCmdWith builds the command tree over env.
func newRootCmdWith(stdout, stderr io.Writer, env cliEnv) *cobra.Command {
	lookupEnv := env.lookupEnv
	root := &cobra.Command{
		Use:   "switchboard",
		Short: "Open telephony control plane: BroadWorks OCI-P and ALE O2G APIs, OCI-P client and CLI",
		// A failing command's usage would bury the error message.
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetIn(env.stdin)
	root.AddCommand(
		newServeCmd(lookupEnv),
		newOCICmd(env),
		newBenchCmd(),
		newVersionCmd(),
		newBulkCmd(env),
		newAuditCmd(env),
		newFindCmd(env),
	)
	return root
}

// serveOptions is the server's configuration.
type serveOptions struct {
	DataDir       string
	Store         string
	PostgresURL   string
	OCIPAddr      string
	OCIPTLSAddr   string
	HTTPAddr      string
	HTTPSAddr     string
	TLSCert       string
	TLSKey        string
	AdminUser     string
	AdminPassword string
	CPUProfile    string
	// O2G facade (on the HTTPS listener).
	O2GUserLogin   string
	O2GSessionTTL  time.Duration
	O2GPublicAddr  string
	O2GPrivateAddr string
	O2GSimulation  bool
}

func newServeCmd(lookupEnv func(string) (string, bool)) *cobra.Command {
	cmd, opts := serveCommand(lookupEnv)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ctx, stop := signalContext()
		defer stop()
		return runServe(ctx, *opts, cmd.ErrOrStderr())
	}
	return cmd
}

// serveCommand builds serve and returns the options its flags fill.
func serveCommand(lookupEnv func(string) (string, bool)) (*cobra.Command, *serveOptions) {
	opts := new(serveOptions)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server: OCI-P over TCP, TLS and SOAP, O2G over HTTPS, health and metrics",
		Long: "Run the server: OCI-P over TCP (--ocip-addr), TLS (--ocip-tls-addr) and SOAP\n" +
			"(/webservice/services/ProvisioningService on --http-addr and --https-addr),\n" +
			"the O2G REST API (/api/rest on --https-addr),\n" +
			"with /healthz and /metrics on --http-addr. An empty address disables that\n" +
			"listener. SIGTERM drains in-flight requests and exits 0.\n\n" +
			"Every flag not\n" +
			"given on the command line is read from the environment variable\n" +
			envPrefix + "<FLAG_NAME> (upper case, dashes as underscores), e.g. " + envVarName("data-dir") + ".",
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, _ []string) error {
			return resolveServeOptions(cmd.Flags(), opts, lookupEnv)
		},
		RunE: func(*cobra.Command, []string) error {
			return errors.New("serve: internal: run function not set")
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.DataDir, "data-dir", "./switchboard-data", "directory for the server's state")
	f.StringVar(&opts.Store, "store", "sqlite", "storage backend: sqlite or postgres")
	f.StringVar(&opts.PostgresURL, "postgres-url", "", "PostgreSQL connection URL, for --store=postgres")
	f.StringVar(&opts.OCIPAddr, "ocip-addr", ":2208", "OCI-P listen address (plain TCP)")
	f.StringVar(&opts.OCIPTLSAddr, "ocip-tls-addr", ":2209", "OCI-P listen address (TLS)")
	f.StringVar(&opts.HTTPAddr, "http-addr", ":8080", "HTTP listen address (O2G and OCI-P over HTTP)")
	f.StringVar(&opts.HTTPSAddr, "https-addr", ":8443", "HTTPS listen address")
	f.StringVar(&opts.TLSCert, "tls-cert", "", "TLS certificate file (PEM)")
	f.StringVar(&opts.TLSKey, "tls-key", "", "TLS private key file (PEM)")
	f.StringVar(&opts.AdminUser, "admin-user", "", "initial administrator user name")
	f.StringVar(&opts.AdminPassword, "admin-password", "", "initial administrator password (prefer the environment variable)")
	f.StringVar(&opts.O2GUserLogin, "o2g-user-login", "oxe", "how O2G users log in: oxe (oxe<phone number digits> and the portal passcode) or userid (user id and password)")
	f.DurationVar(&opts.O2GSessionTTL, "o2g-session-ttl", 30*time.Minute, "O2G session time to live without requests")
	f.StringVar(&opts.O2GPublicAddr, "o2g-public-addr", "", "host[:port] written into O2G public URLs (default: the request's Host)")
	f.StringVar(&opts.O2GPrivateAddr, "o2g-private-addr", "", "host[:port] written into O2G private URLs (default: the request's Host)")
	f.BoolVar(&opts.O2GSimulation, "o2g-simulation", false, "serve O2G's /_sim endpoints that inject what a call engine would produce (tests and demos only)")
	f.StringVar(&opts.CPUProfile, "cpu-profile", "", "write a CPU profile of the whole run to this file (diagnostics)")
	f.MarkHidden("cpu-profile")
	documentEnv(f)
	return cmd, opts
}

// resolveServeOptions fills unset flags from the environment and checks the
// values that can be checked before the server exists.
func resolveServeOptions(fs *pflag.FlagSet, opts *serveOptions, lookupEnv func(string) (string, bool)) error {
	if err := applyEnv(fs, lookupEnv); err != nil {
		return err
	}
	switch opts.Store {
	case "sqlite", "postgres":
	default:
		return fmt.Errorf("--store (or %s): %q is not a store; want sqlite or postgres", envVarName("store"), opts.Store)
	}
	switch opts.O2GUserLogin {
	case "oxe", "userid":
	default:
		return fmt.Errorf("--o2g-user-login (or %s): %q is not a mode; want oxe or userid", envVarName("o2g-user-login"), opts.O2GUserLogin)
	}
	return nil
}

// parseServeFlags parses serve's flags and environment without running the
// command; tests use it to check the configuration contract.
func parseServeFlags(args []string, lookupEnv func(string) (string, bool)) (serveOptions, error) {
	cmd, opts := serveCommand(lookupEnv)
	if err := cmd.ParseFlags(args); err != nil {
		return serveOptions{}, err
	}
	if err := cmd.PreRunE(cmd, cmd.Flags().Args()); err != nil {
		return serveOptions{}, err
	}
	return *opts, nil
}

// envVarName is the environment variable backing a flag.
func envVarName(flag string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// documentEnv appends each flag's environment variable to its help text, so
// --help shows the whole contract.
func documentEnv(fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		f.Usage += " (env " + envVarName(f.Name) + ")"
	})
}

// applyEnv sets every flag not given on the command line from its
// environment variable, when that is set. The command line wins.
func applyEnv(fs *pflag.FlagSet, lookupEnv func(string) (string, bool)) error {
	given := map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || given[f.Name] || f.Name == "help" {
			return
		}
		name := envVarName(f.Name)
		v, ok := lookupEnv(name)
		if !ok {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = fmt.Errorf("%s: %w", name, serr)
		}
	})
	return err
}

func newOCICmd(env cliEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "oci",
		Short: "BroadWorks OCI-P tools",
	}
	cmd.AddCommand(newOCICommandsCmd())
	cmd.AddCommand(newOCISendCmd(env), newOCIRawCmd(env))
	return cmd
}

type commandsOptions struct {
	search      string
	deprecated  bool
	count       bool
	describe    string
	implemented bool
}

func newOCICommandsCmd() *cobra.Command {
	var opts commandsOptions
	cmd := &cobra.Command{
		Use:   "commands",
		Short: "List the OCI-P request commands and what answers them",
		Long: "List the OCI-P request commands, sorted by name, one a line:\n\n" +
			"  <Request> <DataResponse|Success/Error>[ deprecated]\n\n" +
			"Success/Error means the request is answered by SuccessResponse or ErrorResponse.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("describe") {
				return describeCommand(cmd.OutOrStdout(), opts.describe)
			}
			return listCommands(cmd.OutOrStdout(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.search, "search", "", "show only commands whose name contains this text (case-insensitive)")
	f.BoolVar(&opts.deprecated, "deprecated", true, "include deprecated commands (--deprecated=false hides them)")
	f.BoolVar(&opts.implemented, "implemented", false, "show only the commands the server executes (the rest are answered as not supported)")
	f.BoolVar(&opts.count, "count", false, "print only the number of matching requests and data responses")
	f.StringVar(&opts.describe, "describe", "", "describe one command: its elements, types, occurrences, constraints and enumeration values, and its response's")
	return cmd
}

// implementedOrAnswer reports whether the server executes a request, or
// whether a data response answers a request it executes.
func implementedOrAnswer(c *schema.Command) bool {
	if c.Kind == schema.KindRequest {
		return ocipserver.Implemented(c.Name)
	}
	all := schema.All()
	for i := range all {
		if all[i].Kind == schema.KindRequest && all[i].Response == c.Name && ocipserver.Implemented(all[i].Name) {
			return true
		}
	}
	return false
}

// listCommands writes the request list, or with opts.count the counts of
// matching requests and data responses, to w.
func listCommands(w io.Writer, opts commandsOptions) error {
	search := strings.ToLower(opts.search)
	match := func(c *schema.Command) bool {
		if c.Deprecated && !opts.deprecated {
			return false
		}
		if opts.implemented && !implementedOrAnswer(c) {
			return false
		}
		return search == "" || strings.Contains(strings.ToLower(c.Name), search)
	}
	bw := bufio.NewWriter(w)
	all := schema.All()
	if opts.count {
		var requests, dataResponses int
		for i := range all {
			c := &all[i]
			if !match(c) {
				continue
			}
			switch c.Kind {
			case schema.KindRequest:
				requests++
			case schema.KindDataResponse:
				dataResponses++
			}
		}
		fmt.Fprintf(bw, "requests: %d\ndata responses: %d\n", requests, dataResponses)
		return bw.Flush()
	}
	for i := range all {
		c := &all[i]
		if c.Kind != schema.KindRequest || !match(c) {
			continue
		}
		resp := c.Response
		if resp == "" {
			resp = "Success/Error"
		}
		bw.WriteString(c.Name)
		bw.WriteByte(' ')
		bw.WriteString(resp)
		if c.Deprecated {
			bw.WriteString(" deprecated")
		}
		bw.WriteByte('\n')
	}
	// bufio keeps the first write error, so checking Flush covers them all.
	return bw.Flush()
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the switchboard version and the Go version it was built with",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), versionString())
			return err
		},
	}
}

// versionString is "switchboard <version> <go version>"; the version is the
// main module's, "(devel)" when built from a work tree.
func versionString() string {
	version, goVersion := "(devel)", runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
	}
	return "switchboard " + version + " " + goVersion
}

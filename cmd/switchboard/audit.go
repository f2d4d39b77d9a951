package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/switchboard/switchboard/internal/audit"
	"github.com/switchboard/switchboard/internal/output"
)

// auditFormats are the --output formats of audit and find.
var auditFormats = []output.Format{output.Text, output.JSON, output.CSV}

// newAuditCmd is "audit group" and "audit user".
func newAuditCmd(env cliEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Report on a group or a user: numbers, services, devices, call centers",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(
		auditSubCmd(env, "group <serviceProviderId> <groupId>", 2,
			"Report on a group: profile, users, numbers, services and packs, devices, call centers",
			"Report on a group: its profile; its users with number, extension, department,\n"+
				"aliases, assigned services and packs, device and line port; its numbers and\n"+
				"who holds each; the services and packs authorized to it with their usage; its\n"+
				"devices with the line ports on them; its call centers with agents and\n"+
				"supervisors. Two steps: one document of lists, then one batch of per-user and\n"+
				"per-call-center requests spread over --conns connections (default 4).",
			4, func(ctx context.Context, a *audit.Auditor, args []string) (reporter, error) {
				return a.Group(ctx, args[0], args[1])
			}),
		auditSubCmd(env, "user <userId>", 1,
			"Digest of a user: profile, numbers and aliases, services and packs, device, call centers",
			"Digest of a user, named by its id, an alternate id or an alias: profile,\n"+
				"number, extension, aliases and alternate ids, assigned services and packs,\n"+
				"device and line port, and the call centers it is an agent or supervisor of.",
			1, func(ctx context.Context, a *audit.Auditor, args []string) (reporter, error) {
				return a.User(ctx, args[0])
			}),
	)
	return cmd
}

// reporter is a report that prints as JSON (itself) or as tables.
type reporter interface {
	Tables() []output.Table
}

type auditRun func(ctx context.Context, a *audit.Auditor, args []string) (reporter, error)

func auditSubCmd(env cliEnv, use string, nargs int, short, long string, conns int, run auditRun) *cobra.Command {
	o := env.connOptions()
	var format string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  cobra.ExactArgs(nargs),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := output.ParseFormat(format, auditFormats...)
			if err != nil {
				return err
			}
			a, done, err := dialAuditor(cmd, o, conns)
			if err != nil {
				return err
			}
			defer done()
			rep, err := run(cmd.Context(), a, args)
			if err != nil {
				return err
			}
			return writeReport(cmd, f, rep)
		},
	}
	addConnFlags(cmd.Flags(), o)
	cmd.Flags().StringVarP(&format, "output", "o", "table", "output format: table, json or csv")
	return cmd
}

// newFindCmd is "find alias|number|extension <value>".
func newFindCmd(env cliEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "find",
		Short: "Find the users holding an alias, a number or an extension",
		Long: "Find the users holding an alias, a number or an extension, in the whole\n" +
			"system or within --sp (and --group). Nothing found is an error (exit 1).",
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(
		findSubCmd(env, audit.Alias, "alias <user@domain | user>",
			"Find the user with a SIP alias",
			"Find the user with a SIP alias. A full alias (user@domain) is resolved by\n"+
				"the server in one request. A user part alone matches aliases in any domain\n"+
				"and, like --scan, reads every user of the scope (a user list, then one get\n"+
				"per user, 15 to a document over --conns connections): narrow it with --sp\n"+
				"and --group on large systems."),
		findSubCmd(env, audit.Number, "number <number>",
			"Find who holds a phone number, or where a free one lives",
			"Find who holds a phone number (digits, optionally +CC- in front; a trailing *\n"+
				"searches by prefix). A number no user holds is reported with its service\n"+
				"provider and group and the status \"service instance\" (a call center holds\n"+
				"it), \"unassigned\" (the group's, held by nobody) or \"not in a group\"."),
		findSubCmd(env, audit.Extension, "extension <extension>",
			"Find the users with an extension",
			"Find the users with an extension (a trailing * searches by prefix). Extensions\n"+
				"are unique within a group only, so a system-wide search may find several."),
	)
	return cmd
}

func findSubCmd(env cliEnv, kind audit.Kind, use, short, long string) *cobra.Command {
	o := env.connOptions()
	var (
		format string
		opt    audit.FindOptions
	)
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := output.ParseFormat(format, auditFormats...)
			if err != nil {
				return err
			}
			if opt.Scope.GroupID != "" && opt.Scope.ServiceProviderID == "" {
				return errors.New("--group needs --sp")
			}
			a, done, err := dialAuditor(cmd, o, 4)
			if err != nil {
				return err
			}
			defer done()
			res, err := a.Find(cmd.Context(), kind, args[0], opt)
			if err != nil {
				return err
			}
			if len(res.Matches) == 0 {
				return fmt.Errorf("no match for %s %q%s", kind, args[0], scopeText(opt.Scope))
			}
			return writeReport(cmd, f, res)
		},
	}
	fs := cmd.Flags()
	addConnFlags(fs, o)
	fs.StringVarP(&format, "output", "o", "table", "output format: table, json or csv")
	fs.StringVar(&opt.Scope.ServiceProviderID, "sp", "", "search only this service provider (or enterprise)")
	fs.StringVar(&opt.Scope.GroupID, "group", "", "search only this group of --sp")
	if kind == audit.Alias {
		fs.BoolVar(&opt.Scan, "scan", false, "read every user of the scope instead of asking the server to resolve the alias")
	}
	return cmd
}

func scopeText(s audit.Scope) string {
	switch {
	case s.GroupID != "":
		return " in group " + s.GroupID + " of " + s.ServiceProviderID
	case s.ServiceProviderID != "":
		return " in service provider " + s.ServiceProviderID
	}
	return ""
}

// dialAuditor connects with the command's connection settings; done
// closes the connections.
func dialAuditor(cmd *cobra.Command, o *connOptions, conns int) (*audit.Auditor, func(), error) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
		cmd.SetContext(ctx)
	}
	c, r, err := o.dial(ctx, cmd, conns)
	if err != nil {
		return nil, nil, err
	}
	return &audit.Auditor{Client: c, Timeout: r.timeout}, func() { c.Close() }, nil
}

// writeReport prints rep as indented JSON or as tables, and its problems
// (parts that could not be read) as warnings.
func writeReport(cmd *cobra.Command, f output.Format, rep reporter) error {
	w := cmd.OutOrStdout()
	var err error
	if f == output.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = output.WriteTables(w, f, rep.Tables()...)
	}
	if err != nil {
		return err
	}
	warnProblems(cmd.ErrOrStderr(), rep)
	return nil
}

func warnProblems(w io.Writer, rep reporter) {
	var ps []string
	switch r := rep.(type) {
	case *audit.GroupReport:
		ps = r.Problems
	case *audit.UserReport:
		ps = r.Problems
	}
	for _, p := range ps {
		fmt.Fprintf(w, "switchboard: warning: %s\n", p)
	}
}

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/switchboard/switchboard/internal/bulk"
)

// bulkOptions are the flags of every bulk <kind> command.
type bulkOptions struct {
	file        string
	dryRun      bool
	concurrency int
	results     string
	resume      bool
	conn        *connOptions
}

func newBulkCmd(env cliEnv) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bulk",
		Short: "Provision users, groups, numbers and more from CSV sheets",
		Long: "Provision objects from a CSV sheet, one object per row: switchboard bulk <kind> --file sheet.csv.\n" +
			"Start from switchboard bulk template <kind>, which explains every column.\n\n" +
			"Rows of one sheet run concurrently (--concurrency, default the number of connections,\n" +
			"--conns, default 4). Objects that depend on others belong in separate sheets, run in\n" +
			"order: service-providers, groups, numbers, users, call-centers, admins.\n\n" +
			"A row is all or nothing, and a bad row never stops the others. Every finished row is\n" +
			"appended to the results file (--results, default <sheet>.results.csv, replaced by a new\n" +
			"run): row (the line in the sheet), hash of the row's content, key, status (ok, failed or\n" +
			"skipped), error code and message. --resume appends to it instead, skipping the rows it\n" +
			"records ok as long as they are unchanged (same line, same content).\n\n" +
			"--dry-run checks every row without connecting. Interrupting (Ctrl-C) starts no new\n" +
			"row, lets the rows in flight finish and records them. The exit status is 1 when any\n" +
			"row failed or was not started.",
	}
	for _, k := range bulk.Kinds() {
		cmd.AddCommand(newBulkKindCmd(env, k))
	}
	cmd.AddCommand(newBulkTemplateCmd())
	return cmd
}

func newBulkKindCmd(env cliEnv, k *bulk.Kind) *cobra.Command {
	o := &bulkOptions{conn: env.connOptions()}
	cmd := &cobra.Command{
		Use:   k.Name + " --file SHEET.csv",
		Short: "Add " + k.Summary,
		Long:  "Add " + k.Summary + " from a CSV sheet (see switchboard bulk template " + k.Name + ").\n\n" + k.Atomicity,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBulk(cmd, k, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.file, "file", "f", "", "the CSV sheet (required; - reads standard input)")
	f.BoolVar(&o.dryRun, "dry-run", false, "check every row and report all problems, without connecting")
	f.IntVar(&o.concurrency, "concurrency", 0, "rows in flight at once (default: the number of connections)")
	f.StringVar(&o.results, "results", "", "results file (default <sheet>.results.csv)")
	f.BoolVar(&o.resume, "resume", false, "skip the rows the results file records ok, run the rest, append to it")
	addConnFlags(f, o.conn)
	cmd.MarkFlagRequired("file")
	return cmd
}

func newBulkTemplateCmd() *cobra.Command {
	names := make([]string, 0, 6)
	for _, k := range bulk.Kinds() {
		names = append(names, k.Name)
	}
	var out string
	cmd := &cobra.Command{
		Use:       "template KIND",
		Short:     "Write an annotated empty sheet for a kind: " + strings.Join(names, ", "),
		Args:      cobra.ExactArgs(1),
		ValidArgs: names,
		RunE: func(cmd *cobra.Command, args []string) error {
			k, ok := bulk.KindByName(args[0])
			if !ok {
				return fmt.Errorf("bulk template: %q is not a kind; want one of %s", args[0], strings.Join(names, ", "))
			}
			if out == "" || out == "-" {
				return bulk.WriteTemplate(cmd.OutOrStdout(), k)
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return fmt.Errorf("bulk template: %w", err)
			}
			if err := bulk.WriteTemplate(f, k); err != nil {
				f.Close()
				return fmt.Errorf("bulk template: %w", err)
			}
			return f.Close()
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this new file instead of standard output (an existing file is not overwritten)")
	return cmd
}

// runBulk reads and checks the sheet, then either reports (dry run) or
// connects and runs it.
func runBulk(cmd *cobra.Command, k *bulk.Kind, o *bulkOptions) error {
	stderr := cmd.ErrOrStderr()
	if o.concurrency < 0 || o.concurrency > 1024 {
		return fmt.Errorf("--concurrency: %d is out of range 0..1024", o.concurrency)
	}
	if o.file == "-" && o.results == "" && !o.dryRun {
		return errors.New("--results is required when the sheet is read from standard input")
	}
	sheet, err := readSheet(cmd, o.file, k)
	if err != nil {
		return err
	}
	if len(sheet.Rows) == 0 {
		return fmt.Errorf("%s: no rows below the header", o.file)
	}
	plans := sheet.Plan()
	if o.dryRun {
		return dryRun(cmd.OutOrStdout(), plans)
	}

	resultsPath := o.results
	if resultsPath == "" {
		resultsPath = strings.TrimSuffix(o.file, ".csv") + ".results.csv"
	}
	if o.file != "-" && filepath.Clean(resultsPath) == filepath.Clean(o.file) {
		return errors.New("--results: the results file cannot be the sheet itself")
	}
	var done bulk.Done
	if o.resume {
		f, err := os.Open(resultsPath)
		if err != nil {
			return fmt.Errorf("--resume: %w", err)
		}
		done, err = bulk.ReadResults(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("--resume: %s: %w", resultsPath, err)
		}
	}

	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-ctx.Done():
			// A second Ctrl-C gets the default behaviour back: it kills.
			stop()
			if cmd.Context().Err() == nil {
				fmt.Fprintln(stderr, "\ninterrupted: finishing the rows in flight (Ctrl-C again to quit at once)")
			}
		case <-finished:
		}
	}()
	client, r, err := o.conn.dial(ctx, cmd, 4)
	if err != nil {
		return err
	}
	defer client.Close()

	// The file is opened only once connected, so a failed login leaves an
	// earlier run's results as they were.
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if o.resume {
		flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	rf, err := os.OpenFile(resultsPath, flags, 0o600)
	if err != nil {
		return fmt.Errorf("--results: %w", err)
	}
	defer rf.Close()
	st, err := rf.Stat()
	if err != nil {
		return fmt.Errorf("--results: %w", err)
	}
	rw, err := bulk.NewResultsWriter(rf, o.resume && st.Size() > 0)
	if err != nil {
		return err
	}

	conc := o.concurrency
	if conc == 0 {
		conc = r.cfg.Conns
	}
	prog := bulk.NewProgress(stderr, len(plans), isTerminal(stderr))
	sum, err := bulk.Run(ctx, client, plans, bulk.Options{
		Concurrency: conc,
		Timeout:     r.timeout,
		Results:     rw,
		Done:        done,
		OnRow:       func(_ bulk.Outcome, s bulk.Summary) { prog.Update(s) },
	})
	prog.Finish()
	fmt.Fprintf(stderr, "bulk %s: %s; results in %s\n", k.Name, sum, resultsPath)
	if err != nil {
		return err
	}
	if cerr := rf.Close(); cerr != nil {
		return fmt.Errorf("--results: %w", cerr)
	}
	switch {
	case sum.Failed > 0:
		return fmt.Errorf("%d of %d rows failed; see %s", sum.Failed, sum.Total, resultsPath)
	case sum.NotStarted > 0:
		return fmt.Errorf("interrupted: %d rows not started; run again with --resume", sum.NotStarted)
	}
	return nil
}

func readSheet(cmd *cobra.Command, path string, k *bulk.Kind) (*bulk.Sheet, error) {
	var in io.Reader
	if path == "-" {
		in = cmd.InOrStdin()
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	s, err := bulk.ReadSheet(in, k)
	if err != nil {
		return nil, fmt.Errorf("%s:\n%w", path, err)
	}
	return s, nil
}

// dryRun prints every problem of every row and fails if there is one.
func dryRun(w io.Writer, plans []bulk.Plan) error {
	bad, n := 0, 0
	for _, p := range plans {
		if len(p.Problems) > 0 {
			bad++
		}
		for _, pr := range p.Problems {
			fmt.Fprintln(w, pr.String())
			n++
		}
	}
	if bad > 0 {
		return fmt.Errorf("dry run: %d of %d rows have problems (%d in all)", bad, len(plans), n)
	}
	fmt.Fprintf(w, "dry run: all %d rows are valid\n", len(plans))
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

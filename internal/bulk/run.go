package bulk

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
)

// Sender sends one request; *ocip.Client is one.
type Sender interface {
	Send(ctx context.Context, req ocixml.Command) (ocixml.Command, error)
}

// Status is how a row ended.
type Status string

const (
	StatusOK      Status = "ok"
	StatusFailed  Status = "failed"
	StatusSkipped Status = "skipped"
)

// Outcome is one finished row, as the results file records it.
type Outcome struct {
	Line   int
	Hash   string
	Key    string
	Status Status
	// Code is the server's error code, 0 when there is none (a sheet
	// problem or a transport error).
	Code    int
	Message string
}

// Summary counts a run's rows.
type Summary struct {
	Total, OK, Failed, Skipped int
	// NotStarted rows were left when the run was stopped; they are not in
	// the results file, so a resumed run does them.
	NotStarted int
	Duration   time.Duration
}

func (s Summary) String() string {
	rate := 0.0
	if secs := s.Duration.Seconds(); secs > 0 {
		rate = float64(s.OK+s.Failed) / secs
	}
	out := fmt.Sprintf("%d rows: %d ok, %d failed, %d skipped", s.Total, s.OK, s.Failed, s.Skipped)
	if s.NotStarted > 0 {
		out += fmt.Sprintf(", %d not started (interrupted)", s.NotStarted)
	}
	return out + fmt.Sprintf(" in %s (%.1f rows/s)", s.Duration.Round(time.Millisecond), rate)
}

// Options configure Run.
type Options struct {
	// Concurrency is the number of rows in flight; default 1.
	Concurrency int
	// Timeout bounds each request; 0 means none.
	Timeout time.Duration
	// Results, when set, receives every finished row as it finishes.
	Results *ResultsWriter
	// Done holds rows finished ok by an earlier run (ReadResults); they
	// are skipped.
	Done Done
	// OnRow is called after each finished row, one call at a time.
	OnRow func(Outcome, Summary)
}

// Run executes plans: rows with problems fail without sending anything,
// rows in Done are skipped, the rest run Concurrency at a time.
//
// When ctx ends, no further row starts; rows in flight finish (their
// requests do not see ctx's end, so a row is never cut between its
// command and its undo) and are recorded. The error is non-nil only when
// the results file could not be written, which also stops the run.
func Run(ctx context.Context, s Sender, plans []Plan, opt Options) (Summary, error) {
	start := time.Now()
	sum := Summary{Total: len(plans)}
	var (
		mu       sync.Mutex
		writeErr error
	)
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	record := func(o Outcome) {
		mu.Lock()
		defer mu.Unlock()
		switch o.Status {
		case StatusOK:
			sum.OK++
		case StatusFailed:
			sum.Failed++
		case StatusSkipped:
			sum.Skipped++
		}
		if opt.Results != nil && writeErr == nil {
			if err := opt.Results.Write(o); err != nil {
				writeErr = err
				cancel()
			}
		}
		if opt.OnRow != nil {
			s := sum
			s.Duration = time.Since(start)
			opt.OnRow(o, s)
		}
	}
	n := max(opt.Concurrency, 1)
	jobs := make(chan *Plan)
	var wg sync.WaitGroup
	// In-flight rows outlive ctx on purpose (see above).
	reqCtx := context.WithoutCancel(ctx)
	for range n {
		wg.Go(func() {
			for p := range jobs {
				record(execute(reqCtx, s, p, opt.Timeout))
			}
		})
	}
	started := 0
feed:
	for i := range plans {
		p := &plans[i]
		if stop.Err() != nil {
			break
		}
		switch {
		case len(p.Problems) > 0:
			record(problemOutcome(p))
		case opt.Done.has(p.Row.Line, p.Hash):
			record(Outcome{Line: p.Row.Line, Hash: p.Hash, Key: p.Key, Status: StatusSkipped, Message: "done in an earlier run"})
		default:
			select {
			case jobs <- p:
			case <-stop.Done():
				break feed
			}
		}
		started++
	}
	close(jobs)
	wg.Wait()
	sum.NotStarted = len(plans) - started
	sum.Duration = time.Since(start)
	return sum, writeErr
}

func problemOutcome(p *Plan) Outcome {
	msgs := make([]string, len(p.Problems))
	for i, pr := range p.Problems {
		msgs[i] = pr.Message
		if pr.Column != "" {
			msgs[i] = pr.Column + ": " + pr.Message
		}
	}
	return Outcome{Line: p.Row.Line, Hash: p.Hash, Key: p.Key, Status: StatusFailed, Message: strings.Join(msgs, "; ")}
}

// execute runs a row's steps in order; when one fails, the undos of the
// steps before it run in reverse order.
func execute(ctx context.Context, s Sender, p *Plan, timeout time.Duration) Outcome {
	o := Outcome{Line: p.Row.Line, Hash: p.Hash, Key: p.Key, Status: StatusOK}
	send := func(req ocixml.Command) error {
		c, cancel := ctx, context.CancelFunc(func() {})
		if timeout > 0 {
			c, cancel = context.WithTimeout(ctx, timeout)
		}
		defer cancel()
		_, err := s.Send(c, req)
		return err
	}
	for i, st := range p.Steps {
		err := send(st.Request)
		if err == nil {
			continue
		}
		o.Status = StatusFailed
		var er *ocip.ErrorResponse
		if errors.As(err, &er) {
			o.Code = er.Code
		}
		msg := err.Error()
		var undoErrs []string
		for j := i - 1; j >= 0; j-- {
			if u := p.Steps[j].Undo; u != nil {
				if uerr := send(u); uerr != nil {
					undoErrs = append(undoErrs, uerr.Error())
				}
			}
		}
		switch {
		case len(undoErrs) > 0:
			msg += "; undoing the earlier commands failed, the row may be partly done: " + strings.Join(undoErrs, "; ")
		case i > 0:
			msg += " (the earlier commands of the row were undone)"
		}
		o.Message = p.Row.redact(msg)
		return o
	}
	return o
}

// resultsHeader is the first line of a results file.
var resultsHeader = []string{"row", "hash", "key", "status", "code", "message"}

// ResultsWriter appends outcomes to a results file, flushing each line so
// an interrupted run leaves an accurate file.
type ResultsWriter struct {
	w  *csv.Writer
	mu sync.Mutex
}

// NewResultsWriter writes to w, starting with the header line unless
// appending is set (w then continues an existing file).
func NewResultsWriter(w io.Writer, appending bool) (*ResultsWriter, error) {
	rw := &ResultsWriter{w: csv.NewWriter(w)}
	if !appending {
		rw.w.Write(resultsHeader)
		rw.w.Flush()
		if err := rw.w.Error(); err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
	}
	return rw, nil
}

// Write records one outcome.
func (rw *ResultsWriter) Write(o Outcome) error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	code := ""
	if o.Code != 0 {
		code = strconv.Itoa(o.Code)
	}
	rw.w.Write([]string{strconv.Itoa(o.Line), o.Hash, o.Key, string(o.Status), code, o.Message})
	rw.w.Flush()
	if err := rw.w.Error(); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// Done is the set of rows an earlier run finished ok: line → content hash.
type Done map[int]string

func (d Done) has(line int, hash string) bool {
	h, ok := d[line]
	return ok && h == hash
}

// ReadResults reads a results file and returns the rows recorded ok. A
// row recorded several times (a failure, then ok after resuming) counts
// as done if any record is ok with the same hash; a line recorded ok with
// another hash is not done, because the sheet changed there.
func ReadResults(r io.Reader) (Done, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(resultsHeader)
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return Done{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	if strings.Join(head, ",") != strings.Join(resultsHeader, ",") {
		return nil, fmt.Errorf("results: not a bulk results file: the header is %q", strings.Join(head, ","))
	}
	done := Done{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return done, nil
		}
		if err != nil {
			// A run killed mid-write can leave a torn last line; everything
			// before it is still good, and the torn row simply runs again.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if _, more := cr.Read(); errors.Is(more, io.EOF) {
					return done, nil
				}
			}
			return nil, fmt.Errorf("results: %w", err)
		}
		line, err := strconv.Atoi(rec[0])
		if err != nil {
			line0, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("results: line %d: row %q is not a number", line0, rec[0])
		}
		if Status(rec[3]) == StatusOK {
			done[line] = rec[1]
		}
	}
}

package bulk

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Progress reports a run as it goes. On a terminal it redraws one line
// (a bar, rows done of total, ok and failed, rate and time left) at most
// ten times a second; elsewhere, such as a log file, it writes a plain
// line every Every rows or every Interval, whichever comes first.
type Progress struct {
	w        io.Writer
	tty      bool
	total    int
	start    time.Time
	last     time.Time
	lastDone int
	drawn    bool
	mu       sync.Mutex

	// Every and Interval pace the plain lines.
	Every    int
	Interval time.Duration
	// now is time.Now, replaced in tests.
	now func() time.Time
}

// NewProgress reports on w for a run of total rows; tty selects the
// redrawn line.
func NewProgress(w io.Writer, total int, tty bool) *Progress {
	now := time.Now()
	return &Progress{w: w, tty: tty, total: total, start: now, last: now, Every: max(total/10, 100), Interval: 5 * time.Second, now: time.Now}
}

// Update reports the counts after a row; Run's OnRow can call it.
func (p *Progress) Update(s Summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	done := s.OK + s.Failed + s.Skipped
	if p.tty {
		if done < p.total && now.Sub(p.last) < 100*time.Millisecond {
			return
		}
		p.last = now
		fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(s, done, now, true))
		p.drawn = true
		return
	}
	if done-p.lastDone < p.Every && now.Sub(p.last) < p.Interval && done < p.total {
		return
	}
	p.last, p.lastDone = now, done
	fmt.Fprintln(p.w, p.line(s, done, now, false))
}

// Finish ends the redrawn line so what follows starts on a new one.
func (p *Progress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

func (p *Progress) line(s Summary, done int, now time.Time, bar bool) string {
	elapsed := now.Sub(p.start)
	ran := s.OK + s.Failed
	rate := 0.0
	if elapsed > 0 {
		rate = float64(ran) / elapsed.Seconds()
	}
	eta := "?"
	if rate > 0 {
		eta = (time.Duration(float64(p.total-done)/rate*float64(time.Second)) + time.Second/2).Truncate(time.Second).String()
	}
	var b strings.Builder
	if bar {
		const width = 24
		fill := 0
		if p.total > 0 {
			fill = done * width / p.total
		}
		b.WriteString("[" + strings.Repeat("=", fill) + strings.Repeat(" ", width-fill) + "] ")
	}
	fmt.Fprintf(&b, "%d/%d rows, %d ok, %d failed", done, p.total, s.OK, s.Failed)
	if s.Skipped > 0 {
		fmt.Fprintf(&b, ", %d skipped", s.Skipped)
	}
	fmt.Fprintf(&b, ", %.1f rows/s, ETA %s", rate, eta)
	return b.String()
}

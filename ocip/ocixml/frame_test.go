package ocixml

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

const frameTestAuth = `<?xml version="1.0" encoding="ISO-8859-1"?>
<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">abc</sessionId><command xsi:type="AuthenticationRequest" xmlns=""><userId>admin</userId></command></BroadsoftDocument>`

// frameChunkReader returns its data in reads of at most the given sizes,
// cycling through them; it models TCP segmentation.
type frameChunkReader struct {
	data  []byte
	sizes []int
	n     int
}

func (r *frameChunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	size := len(p)
	if len(r.sizes) > 0 {
		size = min(size, r.sizes[r.n%len(r.sizes)])
		r.n++
	}
	n := copy(p[:size], r.data)
	r.data = r.data[n:]
	return n, nil
}

// frameReadAll calls Next until it fails, copying each document.
func frameReadAll(r io.Reader, opt FrameOptions) ([]string, error) {
	f := NewFrameReader(r, opt)
	var docs []string
	for {
		doc, err := f.Next()
		if err != nil {
			return docs, err
		}
		docs = append(docs, string(doc))
	}
}

func TestFrameReaderCuts(t *testing.T) {
	const (
		simple   = `<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId xmlns="">s</sessionId></BroadsoftDocument>`
		prefixed = `<ns0:BroadsoftDocument xmlns:ns0="C" protocol="OCI"><sessionId>s</sessionId></ns0:BroadsoftDocument>`
		cdata    = `<BroadsoftDocument><x><![CDATA[ ]] ]> ]</BroadsoftDocument> ]]]></x></BroadsoftDocument>`
		comment  = `<BroadsoftDocument><!-- - -- -> -</BroadsoftDocument> ---></BroadsoftDocument>`
		attrDQ   = `<BroadsoftDocument a="</BroadsoftDocument>" b="'/>"><x y="/>"/></BroadsoftDocument>`
		attrSQ   = `<BroadsoftDocument a='</BroadsoftDocument>' b='"/>'/>`
		selfRoot = `<BroadsoftDocument/>`
		selfSp   = `<BroadsoftDocument protocol="OCI" />`
		crlf     = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<BroadsoftDocument protocol=\"OCI\">\r\n  <sessionId>s</sessionId>\r\n  <command>\r\n    <userId>u</userId>\r\n  </command>\r\n</BroadsoftDocument>"
		singleQ  = `<?xml version='1.0' encoding='UTF-8'?><BroadsoftDocument protocol='OCI'><a/></BroadsoftDocument>`
		prolog   = "<!-- hello > -->\n<?pi a > b?>\n<BroadsoftDocument><?inner ?? > ?></BroadsoftDocument>"
		nested   = `<a><a><a/></a><b></b ></a>`
		doctypeC = `<BroadsoftDocument><![CDATA[<!DOCTYPE x>]]></BroadsoftDocument>`
		bigText  = `<BroadsoftDocument><t>` // + text + close, built below
	)
	big := bigText + strings.Repeat("0123456789&amp;", 10000) + `</t></BroadsoftDocument>`
	bom := "\xEF\xBB\xBF"

	tests := []struct {
		name    string
		in      string
		maxSize int
		want    []string
		err     error // final error; io.EOF for a clean end
	}{
		{"single", simple, 0, []string{simple}, io.EOF},
		{"single newline", simple + "\n", 0, []string{simple}, io.EOF},
		{"auth request", frameTestAuth + "\n", 0, []string{frameTestAuth}, io.EOF},
		{"two docs one write", simple + "\n" + frameTestAuth + "\n", 0, []string{simple, frameTestAuth}, io.EOF},
		{"two docs no separator", simple + selfRoot, 0, []string{simple, selfRoot}, io.EOF},
		{"leading newline and bom", "\n" + bom + simple + "\r\n\n" + bom + "\t" + selfRoot, 0, []string{simple, selfRoot}, io.EOF},
		{"prefixed root", prefixed + "\n", 0, []string{prefixed}, io.EOF},
		{"end tag in cdata", cdata, 0, []string{cdata}, io.EOF},
		{"end tag in comment", comment, 0, []string{comment}, io.EOF},
		{"end tag in double-quoted attr", attrDQ, 0, []string{attrDQ}, io.EOF},
		{"end tag in single-quoted attr", attrSQ, 0, []string{attrSQ}, io.EOF},
		{"self-closing root", selfRoot + "\n" + selfSp + "\n", 0, []string{selfRoot, selfSp}, io.EOF},
		{"crlf pretty", crlf + "\r\n", 0, []string{crlf}, io.EOF},
		{"single-quoted declaration", singleQ, 0, []string{singleQ}, io.EOF},
		{"comments and PIs in prolog", prolog, 0, []string{prolog}, io.EOF},
		{"nested same name", nested, 0, []string{nested}, io.EOF},
		{"doctype text in cdata", doctypeC, 0, []string{doctypeC}, io.EOF},
		{"large document", big + "\n" + simple, 0, []string{big, simple}, io.EOF},
		{"exactly max size", selfRoot, len(selfRoot), []string{selfRoot}, io.EOF},

		{"clean eof empty", "", 0, nil, io.EOF},
		{"clean eof whitespace", " \r\n\t\n", 0, nil, io.EOF},
		{"clean eof after bom", bom, 0, nil, io.EOF},
		{"eof mid document", simple[:40], 0, nil, io.ErrUnexpectedEOF},
		{"eof mid second document", simple + "\n<Broad", 0, []string{simple}, io.ErrUnexpectedEOF},
		{"eof in declaration", `<?xml version="1.0"`, 0, nil, io.ErrUnexpectedEOF},
		{"eof in partial bom", "\xEF\xBB", 0, nil, io.ErrUnexpectedEOF},

		{"too large", simple, len(simple) - 1, nil, ErrFrameTooLarge},
		{"too large second", selfRoot + simple, len(selfRoot), []string{selfRoot}, ErrFrameTooLarge},
		{"too large never ends", "<a>" + strings.Repeat("x", 300), 100, nil, ErrFrameTooLarge},

		{"doctype", `<?xml version="1.0"?><!DOCTYPE BroadsoftDocument [<!ENTITY a "b">]><BroadsoftDocument/>`, 0, nil, ErrFrameSyntax},
		{"doctype inside", `<BroadsoftDocument><!DOCTYPE x></BroadsoftDocument>`, 0, nil, ErrFrameSyntax},
		{"entity declaration", `<!ENTITY x "y"><a/>`, 0, nil, ErrFrameSyntax},
		{"text before root", `hello<BroadsoftDocument/>`, 0, nil, ErrFrameSyntax},
		{"text in prolog", `<?xml version="1.0"?>x<BroadsoftDocument/>`, 0, nil, ErrFrameSyntax},
		{"garbage after document", simple + "\nGET / HTTP/1.1\r\n", 0, []string{simple}, ErrFrameSyntax},
		{"end tag before root", `</BroadsoftDocument>`, 0, nil, ErrFrameSyntax},
		{"cdata before root", `<![CDATA[x]]><a/>`, 0, nil, ErrFrameSyntax},
		{"bad name start", `<1a/>`, 0, nil, ErrFrameSyntax},
		{"bad comment open", `<a><!-x--></a>`, 0, nil, ErrFrameSyntax},
		{"bad cdata open", `<a><![CDATX[x]]></a>`, 0, nil, ErrFrameSyntax},
		{"lt in tag", `<a b<c/>`, 0, nil, ErrFrameSyntax},
		{"broken bom", "\xEF\xBB<a/>", 0, nil, ErrFrameSyntax},
		{"wrong bom", "\xEF\xBB\xBE<a/>", 0, nil, ErrFrameSyntax},
	}
	chunkings := []struct {
		name  string
		sizes []int
	}{
		{"whole", nil},
		{"bytes", []int{1}},
		{"odd", []int{3, 7, 1, 64}},
		{"tcp", []int{1460}},
	}
	for _, tc := range tests {
		for _, ch := range chunkings {
			t.Run(tc.name+"/"+ch.name, func(t *testing.T) {
				r := &frameChunkReader{data: []byte(tc.in), sizes: ch.sizes}
				docs, err := frameReadAll(r, FrameOptions{MaxSize: tc.maxSize})
				if !errors.Is(err, tc.err) {
					t.Fatalf("error = %v, want %v", err, tc.err)
				}
				if len(docs) != len(tc.want) {
					t.Fatalf("got %d documents %q, want %d", len(docs), docs, len(tc.want))
				}
				for i := range docs {
					if docs[i] != tc.want[i] {
						t.Errorf("document %d = %q, want %q", i, docs[i], tc.want[i])
					}
				}
			})
		}
	}
}

func TestFrameReaderStickyError(t *testing.T) {
	f := NewFrameReader(strings.NewReader("<!DOCTYPE x><a/>"), FrameOptions{})
	_, err1 := f.Next()
	_, err2 := f.Next()
	if !errors.Is(err1, ErrFrameSyntax) || err1 != err2 {
		t.Fatalf("errors %v, %v: want the same ErrFrameSyntax twice", err1, err2)
	}
	if !strings.Contains(err1.Error(), "DOCTYPE") || !strings.Contains(err1.Error(), "offset 2") {
		t.Errorf("error %q should name DOCTYPE and its offset", err1)
	}
}

var errFrameTestNoRead = errors.New("read after the limit was reached")

// frameLimitReader returns its data and then fails, to prove that the frame
// reader stops as soon as the size limit is reached instead of waiting.
type frameLimitReader struct{ data []byte }

func (r *frameLimitReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errFrameTestNoRead
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestFrameReaderTooLargeEarly(t *testing.T) {
	const maxSize = 100
	for _, lead := range []string{"", "\n\n  "} {
		in := lead + "<BroadsoftDocument>" + strings.Repeat("x", maxSize-len("<BroadsoftDocument>"))
		f := NewFrameReader(&frameLimitReader{data: []byte(in)}, FrameOptions{MaxSize: maxSize})
		if _, err := f.Next(); !errors.Is(err, ErrFrameTooLarge) {
			t.Fatalf("lead %q: error = %v, want ErrFrameTooLarge without another read", lead, err)
		}
	}
	// A document of exactly MaxSize bytes is fine even if more bytes follow.
	doc := "<a>" + strings.Repeat("x", maxSize-7) + "</a>"
	f := NewFrameReader(&frameLimitReader{data: []byte(doc + "<b>")}, FrameOptions{MaxSize: maxSize})
	got, err := f.Next()
	if err != nil || string(got) != doc {
		t.Fatalf("Next = %q, %v; want the %d-byte document", got, err, maxSize)
	}
}

// frameTimeoutError is what a net.Conn returns when its deadline passes.
type frameTimeoutError struct{}

func (frameTimeoutError) Error() string   { return "i/o timeout (fake)" }
func (frameTimeoutError) Timeout() bool   { return true }
func (frameTimeoutError) Temporary() bool { return true }

// frameFakeConn delivers data step bytes per Read, advancing a fake clock by
// tick per Read, and honours SetReadDeadline against that clock.
type frameFakeConn struct {
	data     []byte
	step     int
	clock    *time.Time
	tick     time.Duration
	deadline time.Time
	set      []time.Time // every SetReadDeadline argument
}

func (c *frameFakeConn) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		if c.deadline.IsZero() {
			return 0, io.EOF
		}
		*c.clock = c.deadline // block until the deadline
		return 0, frameTimeoutError{}
	}
	*c.clock = c.clock.Add(c.tick)
	if !c.deadline.IsZero() && !c.clock.Before(c.deadline) {
		return 0, frameTimeoutError{}
	}
	n := copy(p[:min(len(p), c.step)], c.data)
	c.data = c.data[n:]
	return n, nil
}

func (c *frameFakeConn) SetReadDeadline(t time.Time) error {
	c.deadline = t
	c.set = append(c.set, t)
	return nil
}

func frameTestClock(f *FrameReader, clock *time.Time) {
	f.now = func() time.Time { return *clock }
}

func frameSameTimes(a, b []time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

func TestFrameReaderDeadlines(t *testing.T) {
	t0 := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	sec := time.Second
	zero := time.Time{}

	t.Run("idle", func(t *testing.T) {
		clock := t0
		c := &frameFakeConn{step: 4, clock: &clock, tick: sec}
		f := NewFrameReader(c, FrameOptions{IdleTimeout: 5 * sec, ReadTimeout: 3 * sec})
		frameTestClock(f, &clock)
		_, err := f.Next()
		if !errors.Is(err, ErrFrameTimeout) {
			t.Fatalf("error = %v, want ErrFrameTimeout", err)
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || !strings.Contains(err.Error(), "idle") {
			t.Errorf("error %v should wrap the conn's timeout and say idle", err)
		}
		if want := []time.Time{t0.Add(5 * sec)}; !frameSameTimes(c.set, want) {
			t.Errorf("deadlines %v, want %v", c.set, want)
		}
	})

	t.Run("whitespace does not extend idle", func(t *testing.T) {
		clock := t0
		c := &frameFakeConn{data: []byte(strings.Repeat("\n", 20)), step: 1, clock: &clock, tick: sec}
		f := NewFrameReader(c, FrameOptions{IdleTimeout: 5 * sec})
		frameTestClock(f, &clock)
		if _, err := f.Next(); !errors.Is(err, ErrFrameTimeout) {
			t.Fatalf("error = %v, want ErrFrameTimeout", err)
		}
		if !clock.Equal(t0.Add(5 * sec)) {
			t.Errorf("timed out at %v, want %v", clock.Sub(t0), 5*sec)
		}
	})

	t.Run("read", func(t *testing.T) {
		clock := t0
		c := &frameFakeConn{data: []byte("\n<BroadsoftDocument><sessionId>"), step: 4, clock: &clock, tick: sec}
		f := NewFrameReader(c, FrameOptions{IdleTimeout: 10 * sec, ReadTimeout: 3 * sec})
		frameTestClock(f, &clock)
		_, err := f.Next()
		if !errors.Is(err, ErrFrameTimeout) || !strings.Contains(err.Error(), "read timeout") {
			t.Fatalf("error = %v, want ErrFrameTimeout for the read timeout", err)
		}
		// Idle deadline first; the first byte arrives with the read at t0+1s.
		want := []time.Time{t0.Add(10 * sec), t0.Add(4 * sec)}
		if !frameSameTimes(c.set, want) {
			t.Errorf("deadlines %v, want %v", c.set, want)
		}
	})

	t.Run("cleared after document", func(t *testing.T) {
		clock := t0
		in := frameTestAuth + "\n" + frameTestAuth + "\n"
		c := &frameFakeConn{data: []byte(in), step: 100, clock: &clock, tick: sec}
		f := NewFrameReader(c, FrameOptions{IdleTimeout: 10 * sec, ReadTimeout: 30 * sec})
		frameTestClock(f, &clock)
		for i := 0; i < 2; i++ {
			doc, err := f.Next()
			if err != nil || string(doc) != frameTestAuth {
				t.Fatalf("Next %d = %q, %v", i, doc, err)
			}
			if !c.deadline.IsZero() {
				t.Fatalf("deadline %v left set after document %d", c.deadline, i)
			}
		}
		// The first read brings '<' at t0+1s, so the read deadline counts
		// from there. The second document starts inside the buffer, at the
		// time of the second Next call.
		want := []time.Time{t0.Add(10 * sec), t0.Add(31 * sec), zero}
		if n := len(want); len(c.set) < n || !frameSameTimes(c.set[:n], want) {
			t.Errorf("deadlines %v, want prefix %v", c.set, want)
		}
		if c.set[len(c.set)-1] != zero {
			t.Errorf("last deadline %v, want cleared", c.set[len(c.set)-1])
		}
	})

	t.Run("no timeouts no deadline calls", func(t *testing.T) {
		clock := t0
		c := &frameFakeConn{data: []byte(frameTestAuth), step: 7, clock: &clock, tick: sec}
		docs, err := frameReadAll(c, FrameOptions{})
		if len(docs) != 1 || err != io.EOF || len(c.set) != 0 {
			t.Fatalf("docs %d, err %v, deadline calls %v", len(docs), err, c.set)
		}
	})

	t.Run("plain reader is checked between reads", func(t *testing.T) {
		clock := t0
		c := &frameFakeConn{data: []byte(frameTestAuth), step: 1, clock: &clock, tick: sec}
		plain := struct{ io.Reader }{c} // hides SetReadDeadline
		f := NewFrameReader(plain, FrameOptions{ReadTimeout: 3 * sec})
		frameTestClock(f, &clock)
		_, err := f.Next()
		if !errors.Is(err, ErrFrameTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("error = %v, want ErrFrameTimeout wrapping os.ErrDeadlineExceeded", err)
		}
		if got := t0.Add(4 * sec); !clock.Equal(got) {
			t.Errorf("gave up at %v, want at %v", clock.Sub(t0), 4*sec)
		}
	})
}

func TestFrameReaderNetPipe(t *testing.T) {
	for _, tc := range []struct {
		name string
		send string
		opt  FrameOptions
	}{
		{"idle", "", FrameOptions{IdleTimeout: 30 * time.Millisecond}},
		{"read", "<BroadsoftDocument><sess", FrameOptions{ReadTimeout: 30 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, server := net.Pipe()
			defer client.Close()
			defer server.Close()
			go func() {
				// Complete one document, then stall after a partial one.
				if _, err := server.Write([]byte(frameTestAuth + "\n")); err != nil {
					return
				}
				if tc.send != "" {
					server.Write([]byte(tc.send))
				}
			}()
			f := NewFrameReader(client, tc.opt)
			doc, err := f.Next()
			if err != nil || string(doc) != frameTestAuth {
				t.Fatalf("first Next = %q, %v", doc, err)
			}
			_, err = f.Next()
			if !errors.Is(err, ErrFrameTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("error = %v, want ErrFrameTimeout wrapping os.ErrDeadlineExceeded", err)
			}
		})
	}
}

// frameLoopReader repeats data forever in reads of at most step bytes.
type frameLoopReader struct {
	data []byte
	off  int
	step int
}

func (r *frameLoopReader) Read(p []byte) (int, error) {
	p = p[:min(len(p), r.step)]
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.data[r.off:])
		n += c
		r.off = (r.off + c) % len(r.data)
	}
	return n, nil
}

// frameNopDeadline adds a SetReadDeadline that does nothing.
type frameNopDeadline struct{ io.Reader }

func (frameNopDeadline) SetReadDeadline(time.Time) error { return nil }

func TestFrameReaderNoAllocs(t *testing.T) {
	stream := []byte("\n" + frameTestAuth + "\r\n<ns0:BroadsoftDocument xmlns:ns0=\"C\"><a b='1'/><!-- c --></ns0:BroadsoftDocument>")
	for _, tc := range []struct {
		name  string
		step  int
		timed bool
	}{
		{"big reads", 1 << 20, false},
		{"odd reads", 1000, false},
		{"small reads", 37, false},
		{"timed", 1000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r io.Reader = &frameLoopReader{data: stream, step: tc.step}
			opt := FrameOptions{}
			if tc.timed {
				r = frameNopDeadline{r}
				opt = FrameOptions{IdleTimeout: time.Minute, ReadTimeout: time.Minute}
			}
			f := NewFrameReader(r, opt)
			next := func() {
				doc, err := f.Next()
				if err != nil || doc[0] != '<' || doc[len(doc)-1] != '>' {
					t.Fatalf("Next = %q, %v", doc, err)
				}
			}
			for i := 0; i < 100; i++ { // allocate the buffer
				next()
			}
			if allocs := testing.AllocsPerRun(2000, next); allocs != 0 {
				t.Errorf("%v allocations per document, want 0", allocs)
			}
		})
	}
}

func BenchmarkFrameReader(b *testing.B) {
	stream := []byte(frameTestAuth + "\n")
	f := NewFrameReader(&frameLoopReader{data: stream, step: 1460}, FrameOptions{})
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFrameReaderBufferReuse(t *testing.T) {
	// After a huge document the buffer is released between documents, and
	// the next small documents are still cut correctly.
	big := "<a>" + strings.Repeat("y", 1<<20) + "</a>"
	in := big + "\n" + frameTestAuth + "\n" + frameTestAuth
	f := NewFrameReader(&frameChunkReader{data: []byte(in), sizes: []int{70000}}, FrameOptions{})
	for i, want := range []string{big, frameTestAuth, frameTestAuth} {
		doc, err := f.Next()
		if err != nil || !bytes.Equal(doc, []byte(want)) {
			t.Fatalf("document %d: len %d, err %v", i, len(doc), err)
		}
	}
	if _, err := f.Next(); err != io.EOF {
		t.Fatalf("final error %v, want io.EOF", err)
	}
	if len(f.buf) > frameKeepCap {
		t.Errorf("buffer of %d bytes kept after a large document", len(f.buf))
	}
}

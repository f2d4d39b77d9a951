package ocixml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// DefaultMaxDocumentSize is the FrameOptions.MaxSize used when none is given.
// Real OCI-P requests are a few KiB; large responses (big user lists) stay
// well below this.
const DefaultMaxDocumentSize = 4 << 20

// Errors returned by FrameReader.Next. They are wrapped with detail (offset,
// cause); test with errors.Is.
var (
	// ErrFrameTooLarge: a document grew beyond FrameOptions.MaxSize before
	// its root element was closed.
	ErrFrameTooLarge = errors.New("ocixml: document exceeds maximum size")
	// ErrFrameTimeout: the idle or read timeout expired. When the underlying
	// reader reported the timeout, that error is wrapped too (so
	// errors.Is(err, os.ErrDeadlineExceeded) also holds for a net.Conn).
	ErrFrameTimeout = errors.New("ocixml: timeout reading document")
	// ErrFrameSyntax: the stream cannot be cut into documents: a byte that
	// cannot start a document, text or CDATA outside the root element, an end
	// tag before the root, a DOCTYPE or other <! declaration, or a broken
	// comment/CDATA opener.
	ErrFrameSyntax = errors.New("ocixml: malformed document framing")
)

const (
	frameReadChunk     = 32 << 10  // initial buffer size, so a read takes up to 32 KiB
	frameMinRead       = 4 << 10   // compact or grow the buffer when less room is left
	frameKeepCap       = 256 << 10 // a buffer grown past this is dropped between documents
	frameMaxEmptyReads = 100       // consecutive (0, nil) reads before io.ErrNoProgress
)

// frameState is the lexer state; it survives between reads so that every
// byte is examined exactly once however the stream is chunked.
type frameState uint8

const (
	frameStBetween     frameState = iota // before a document: whitespace and BOMs are skipped
	frameStBOM1                          // seen 0xEF
	frameStBOM2                          // seen 0xEF 0xBB
	frameStText                          // character data, or prolog/misc when depth is 0
	frameStLT                            // seen '<'
	frameStStartTag                      // in a start tag; aux=1 if the last byte was '/'
	frameStAttrDQ                        // in a "quoted" attribute value
	frameStAttrSQ                        // in a 'quoted' attribute value
	frameStEndTag                        // in an end tag
	frameStPI                            // in <? ?>; aux=1 if the last byte was '?'
	frameStBang                          // seen "<!"
	frameStCommentOpen                   // seen "<!-"
	frameStComment                       // in <!-- -->; aux counts trailing '-' (max 2)
	frameStCDATAOpen                     // matching "CDATA[" after "<!["; aux is the index
	frameStCDATA                         // in <![CDATA[ ]]>; aux counts trailing ']' (max 2)
)

const frameCDATAOpen = "CDATA["

// frameDeadliner is the part of net.Conn the reader uses for timeouts.
type frameDeadliner interface {
	SetReadDeadline(time.Time) error
}

// FrameOptions bound the resources one document may use.
type FrameOptions struct {
	// MaxSize is the largest document accepted, in bytes from its first '<'
	// (declaration included) through the root's closing '>'. Zero or
	// negative means DefaultMaxDocumentSize.
	MaxSize int
	// IdleTimeout bounds the wait for the first byte of a document; zero
	// means no limit. Whitespace between documents does not extend it.
	IdleTimeout time.Duration
	// ReadTimeout bounds the time from the first byte of a document to its
	// end; zero means no limit.
	ReadTimeout time.Duration
}

// FrameReader cuts a byte stream into whole XML documents.
//
// OCI-P over TCP has no length prefix: a peer writes one XML document,
// usually followed by a newline. FrameReader runs an incremental lexer
// (tags, quoted attribute values, comments, CDATA, processing instructions)
// over the bytes as they arrive and cuts at the '>' that closes the root
// element, so markup hidden in CDATA, comments or attribute values cannot end
// a document early. It checks framing only; well-formedness and the root
// element's name are left to the decoder.
//
// If the reader given to NewFrameReader has a SetReadDeadline method (as
// net.Conn does), FrameReader sets the idle deadline before waiting for the
// first byte of a document, the read deadline once that byte has arrived,
// and clears the deadline when the document is complete; it then owns the
// read deadline of that connection. For other readers the timeouts are
// checked only between reads, so a Read that blocks forever is not
// interrupted.
//
// A FrameReader is not safe for concurrent use.
type FrameReader struct {
	r   io.Reader
	dl  frameDeadliner   // r, if it supports deadlines
	now func() time.Time // replaced by tests

	maxSize     int
	idleTimeout time.Duration
	readTimeout time.Duration

	// buf[rd:wr] holds bytes not yet handed out: the current document from
	// its first '<' (or unscanned bytes between documents), then whatever
	// followed it in the same read. buf[scan:wr] is not lexed yet.
	buf  []byte
	rd   int
	scan int
	wr   int
	base int64 // stream offset of buf[0], for error messages

	st      frameState
	aux     uint8
	depth   int
	started bool // the current document's first '<' has been seen

	stamp time.Time // time of the latest read, or of the call to Next
	docAt time.Time // when the current document's first byte was seen
	dlSet time.Time // deadline currently set on dl (zero: none)

	empty int   // consecutive empty reads
	rerr  error // pending error from r, reported once the buffer is used up
	err   error // sticky error returned by every later Next
}

// NewFrameReader returns a FrameReader reading from r. The buffer is
// allocated on the first call to Next.
func NewFrameReader(r io.Reader, opt FrameOptions) *FrameReader {
	f := &FrameReader{
		r:           r,
		now:         time.Now,
		maxSize:     opt.MaxSize,
		idleTimeout: opt.IdleTimeout,
		readTimeout: opt.ReadTimeout,
	}
	if f.maxSize <= 0 {
		f.maxSize = DefaultMaxDocumentSize
	}
	if d, ok := r.(frameDeadliner); ok {
		f.dl = d
	}
	return f
}

// Next returns the next complete document: from its first byte that is not
// whitespace or a UTF-8 byte order mark, through the '>' of the root
// element's end tag (or of a self-closing root). Comments and processing
// instructions before the root are part of the document; the newline after
// it is not. The slice aliases an internal buffer and is valid only until
// the next call to Next.
//
// Next returns io.EOF when the stream ends cleanly between documents,
// io.ErrUnexpectedEOF when it ends inside one, and errors wrapping
// ErrFrameTooLarge, ErrFrameTimeout or ErrFrameSyntax as documented on
// those variables; other errors come from the underlying reader unchanged.
// Bytes after the end of a document are kept for the next call, so errors
// in them are reported by that call, not this one.
//
// There is no way to resynchronise a stream without framing: after any
// error, every later call returns the same error, and the caller should
// close the connection.
func (f *FrameReader) Next() ([]byte, error) {
	if f.err != nil {
		return nil, f.err
	}
	f.frameRecycle()
	timed := f.idleTimeout > 0 || f.readTimeout > 0
	var idleBy time.Time
	if timed {
		f.stamp = f.now()
		if f.idleTimeout > 0 {
			idleBy = f.stamp.Add(f.idleTimeout)
		}
	}
	for {
		end, err := f.frameLex()
		if err != nil {
			return nil, f.frameFail(err)
		}
		if end >= 0 {
			doc := f.buf[f.rd:end]
			f.rd = end
			if !f.dlSet.IsZero() && f.dl.SetReadDeadline(time.Time{}) == nil {
				// On failure dlSet stays, so the next wait retries.
				f.dlSet = time.Time{}
			}
			return doc, nil
		}
		if f.started && f.scan-f.rd >= f.maxSize {
			// The incomplete document already fills MaxSize; any more byte
			// would exceed it, so there is no point waiting for one.
			return nil, f.frameFail(fmt.Errorf("%w (limit %d bytes) at offset %d",
				ErrFrameTooLarge, f.maxSize, f.base+int64(f.rd)))
		}
		if f.rerr != nil {
			return nil, f.frameFail(f.frameReadErr(f.rerr))
		}
		var by time.Time // deadline of the current phase; zero: none
		if timed {
			if !f.started {
				by = idleBy
			} else if f.readTimeout > 0 {
				if f.docAt.IsZero() {
					// The first byte came with the latest read (or was
					// buffered before this call, which counts from the call).
					f.docAt = f.stamp
				}
				by = f.docAt.Add(f.readTimeout)
			}
			if !by.IsZero() && !f.now().Before(by) {
				return nil, f.frameFail(f.frameTimeout(os.ErrDeadlineExceeded))
			}
		}
		if f.dl != nil && !by.Equal(f.dlSet) {
			if err := f.dl.SetReadDeadline(by); err != nil {
				return nil, f.frameFail(err)
			}
			f.dlSet = by
		}
		f.frameFill(timed)
	}
}

// frameFail makes err sticky.
func (f *FrameReader) frameFail(err error) error {
	f.err = err
	return err
}

// frameRecycle drops the bytes of the document returned last time.
func (f *FrameReader) frameRecycle() {
	if f.rd < f.wr {
		return // more bytes follow; they are compacted when room is needed
	}
	f.base += int64(f.wr)
	f.rd, f.scan, f.wr = 0, 0, 0
	if len(f.buf) > frameKeepCap {
		// Do not pin a buffer grown by one huge document on an idle connection.
		f.buf = nil
	}
}

// frameFill reads once into the free end of the buffer, making room first.
func (f *FrameReader) frameFill(timed bool) {
	if f.buf == nil {
		f.buf = make([]byte, frameReadChunk)
	}
	if len(f.buf)-f.wr < frameMinRead {
		if f.rd > 0 {
			n := copy(f.buf, f.buf[f.rd:f.wr])
			f.base += int64(f.rd)
			f.scan -= f.rd
			f.wr = n
			f.rd = 0
		}
		if len(f.buf)-f.wr < frameMinRead {
			// buf[:wr] is an incomplete document shorter than maxSize, so
			// maxSize+frameMinRead is always enough.
			n := max(2*len(f.buf), f.wr+frameMinRead)
			if f.maxSize < n-frameMinRead {
				n = f.maxSize + frameMinRead
			}
			nb := make([]byte, n)
			copy(nb, f.buf[:f.wr])
			f.buf = nb
		}
	}
	n, err := f.r.Read(f.buf[f.wr:])
	if n < 0 || n > len(f.buf)-f.wr {
		f.rerr = errors.New("ocixml: reader returned an invalid count")
		return
	}
	f.wr += n
	if timed {
		f.stamp = f.now()
	}
	switch {
	case err != nil:
		f.rerr = err
	case n == 0:
		f.empty++
		if f.empty >= frameMaxEmptyReads {
			f.rerr = io.ErrNoProgress
		}
	default:
		f.empty = 0
	}
}

// frameReadErr maps an error of the underlying reader.
func (f *FrameReader) frameReadErr(err error) error {
	if err == io.EOF {
		if f.started || f.st != frameStBetween {
			return io.ErrUnexpectedEOF
		}
		return io.EOF
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return f.frameTimeout(err)
	}
	return err
}

func (f *FrameReader) frameTimeout(cause error) error {
	if f.started {
		return fmt.Errorf("%w: document incomplete (read timeout %v): %w", ErrFrameTimeout, f.readTimeout, cause)
	}
	return fmt.Errorf("%w: no document (idle timeout %v): %w", ErrFrameTimeout, f.idleTimeout, cause)
}

func frameSyntaxErr(off int64, msg string, c byte) error {
	return fmt.Errorf("%w: %s (byte %q) at offset %d", ErrFrameSyntax, msg, c, off)
}

// frameNameStart reports whether c may start an element name. Bytes >= 0x80
// are accepted as parts of UTF-8 name characters; the decoder validates them.
func frameNameStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

// frameLex advances the lexer over buf[scan:wr], stopping at the end of the
// current document or when it reaches MaxSize. It returns the offset just
// past the document when one is complete (and resets the lexer), else -1.
func (f *FrameReader) frameLex() (int, error) {
	buf := f.buf[:f.wr]
	st, aux, depth := f.st, f.aux, f.depth
	i := f.scan
	limit := len(buf)
	if f.started && f.maxSize < limit-f.rd {
		limit = f.rd + f.maxSize
	}
	for i < limit {
		c := buf[i]
		switch st {
		case frameStBetween:
			switch c {
			case ' ', '\t', '\r', '\n':
			case 0xEF:
				st = frameStBOM1
			case '<':
				f.rd = i
				f.started = true
				if f.maxSize < len(buf)-i {
					limit = i + f.maxSize
				}
				st = frameStLT
			default:
				return -1, frameSyntaxErr(f.base+int64(i), "unexpected byte before document", c)
			}
		case frameStBOM1, frameStBOM2:
			want := byte(0xBB)
			if st == frameStBOM2 {
				want = 0xBF
			}
			if c != want {
				return -1, frameSyntaxErr(f.base+int64(i), "broken byte order mark", c)
			}
			if st == frameStBOM1 {
				st = frameStBOM2
			} else {
				st = frameStBetween
			}
		case frameStText:
			if depth > 0 {
				// Character data is the bulk of a document: skip it fast.
				j := bytes.IndexByte(buf[i:limit], '<')
				if j < 0 {
					i = limit
					continue
				}
				i += j
				st = frameStLT
				break
			}
			switch c {
			case ' ', '\t', '\r', '\n':
			case '<':
				st = frameStLT
			default:
				return -1, frameSyntaxErr(f.base+int64(i), "text outside the root element", c)
			}
		case frameStLT:
			switch {
			case c == '?':
				st, aux = frameStPI, 0
			case c == '!':
				st = frameStBang
			case c == '/':
				if depth == 0 {
					return -1, frameSyntaxErr(f.base+int64(i), "end tag before the root element", c)
				}
				st = frameStEndTag
			case frameNameStart(c):
				st, aux = frameStStartTag, 0
			default:
				return -1, frameSyntaxErr(f.base+int64(i), "invalid character after '<'", c)
			}
		case frameStStartTag:
			switch c {
			case '>':
				if aux == 1 { // "/>": the element is already closed
					if depth == 0 {
						return f.frameDone(i + 1), nil
					}
				} else {
					depth++
				}
				st, aux = frameStText, 0
			case '/':
				aux = 1
			case '"':
				st, aux = frameStAttrDQ, 0
			case '\'':
				st, aux = frameStAttrSQ, 0
			case '<':
				return -1, frameSyntaxErr(f.base+int64(i), "'<' inside a start tag", c)
			default:
				aux = 0
			}
		case frameStAttrDQ, frameStAttrSQ:
			q := byte('"')
			if st == frameStAttrSQ {
				q = '\''
			}
			j := bytes.IndexByte(buf[i:limit], q)
			if j < 0 {
				i = limit
				continue
			}
			i += j
			st = frameStStartTag
		case frameStEndTag:
			switch c {
			case '>':
				depth--
				if depth == 0 {
					return f.frameDone(i + 1), nil
				}
				st = frameStText
			case '<':
				return -1, frameSyntaxErr(f.base+int64(i), "'<' inside an end tag", c)
			}
		case frameStPI:
			if aux == 0 && c != '?' {
				j := bytes.IndexByte(buf[i:limit], '?')
				if j < 0 {
					i = limit
					continue
				}
				i += j
				c = '?'
			}
			switch {
			case c == '?':
				aux = 1
			case c == '>': // aux is 1 here
				st, aux = frameStText, 0
			default:
				aux = 0
			}
		case frameStBang:
			switch c {
			case '-':
				st = frameStCommentOpen
			case '[':
				if depth == 0 {
					return -1, frameSyntaxErr(f.base+int64(i), "CDATA section outside the root element", c)
				}
				st, aux = frameStCDATAOpen, 0
			case 'D':
				// A DTD could declare entities (billion laughs, external
				// entities); OCI-P never carries one.
				return -1, frameSyntaxErr(f.base+int64(i), "DOCTYPE is not allowed", c)
			default:
				return -1, frameSyntaxErr(f.base+int64(i), "markup declaration <! is not allowed", c)
			}
		case frameStCommentOpen:
			if c != '-' {
				return -1, frameSyntaxErr(f.base+int64(i), "invalid '<!-', want '<!--'", c)
			}
			st, aux = frameStComment, 0
		case frameStComment, frameStCDATA:
			mark := byte('-')
			if st == frameStCDATA {
				mark = ']'
			}
			if aux == 0 && c != mark {
				j := bytes.IndexByte(buf[i:limit], mark)
				if j < 0 {
					i = limit
					continue
				}
				i += j
				c = mark
			}
			switch {
			case c == mark:
				if aux < 2 {
					aux++
				}
			case c == '>' && aux == 2:
				st, aux = frameStText, 0
			default:
				aux = 0
			}
		case frameStCDATAOpen:
			if c != frameCDATAOpen[aux] {
				return -1, frameSyntaxErr(f.base+int64(i), "invalid '<![', want '<![CDATA['", c)
			}
			aux++
			if int(aux) == len(frameCDATAOpen) {
				st, aux = frameStCDATA, 0
			}
		}
		i++
	}
	if !f.started {
		f.rd = i // whitespace and BOMs between documents are consumed
	}
	f.st, f.aux, f.depth, f.scan = st, aux, depth, i
	return -1, nil
}

// frameDone resets the lexer for the next document, which starts at end.
func (f *FrameReader) frameDone(end int) int {
	f.st, f.aux, f.depth, f.scan = frameStBetween, 0, 0, end
	f.started = false
	f.docAt = time.Time{}
	return end
}

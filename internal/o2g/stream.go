package o2g

import (
	"bytes"
	"net/http"
	"time"
)

// The event stream ("chunk eventing", notes §2.2): the polling URL of a
// subscription answers 200 with a chunked body that never ends on its
// own, one JSON event per line, flushed at once. The request carries no
// cookie (the Node SDK opens it with a bare fetch), so the unguessable
// subscription id in the URL is the only credential.
//
// Lines: OnChannelInformation first, immediately (the SDKs' subscribe
// waits for it); then the queued events in order, then each new one; an
// OnChannelInformation "keepalive" after Config.StreamKeepAlive without a
// line. A newer stream of the same subscription ends this one. When the
// client goes away, the subscription keeps queueing for the grace period
// (see subscription.go), so a reconnection loses nothing.

var (
	openLine      = []byte(`{"eventName":"OnChannelInformation","text":"channel established"}` + "\n")
	keepaliveLine = []byte(`{"eventName":"OnChannelInformation","text":"keepalive"}` + "\n")
)

// streamWriteTimeout bounds one write to a stream: a client that stops
// reading ends its stream instead of holding it forever.
const streamWriteTimeout = 30 * time.Second

func (s *Server) streamRoutes() {
	s.mux.HandleFunc("GET "+Root+"/OTEvents", s.handleStream)
	s.mux.HandleFunc("POST "+Root+"/OTEvents", s.handleStream)
	s.mux.HandleFunc(Root+"/OTEvents", s.methodNotAllowed)
}

func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		s.methodNotAllowed(w, r)
		return
	}
	id := r.URL.Query().Get("subscriptionId")
	if id == "" {
		s.fail(w, r, errBadParameter("subscriptionId is required"))
		return
	}
	s.hub.mu.RLock()
	sub := s.hub.subs[id]
	s.hub.mu.RUnlock()
	var c *streamConn
	ok := sub != nil
	if ok {
		c, ok = sub.attach()
	}
	if !ok {
		// Never 200-then-close: the SDK would reconnect in a tight loop;
		// a 4xx makes it recover with a new session and subscription.
		s.fail(w, r, errNotFound("no live subscription %s", id))
		return
	}
	defer sub.detach(c)

	rc := http.NewResponseController(w)
	// The server's read timeout would otherwise cut a stream that lives
	// for hours; writes get their own bound below. Errors mean the
	// connection cannot take deadlines, which is then harmless.
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // reverse proxies must not buffer it
	w.WriteHeader(http.StatusOK)
	write := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write(openLine) {
		return
	}
	s.log.Debug("o2g: stream opened", "session", sub.session.id, "remote", r.RemoteAddr)

	idle := time.NewTimer(s.cfg.StreamKeepAlive)
	defer idle.Stop()
	var buf bytes.Buffer
	for {
		lines, mine := sub.takeFor(c)
		if !mine {
			return
		}
		if len(lines) > 0 {
			buf.Reset()
			for _, l := range lines {
				buf.Write(l)
				buf.WriteByte('\n')
			}
			if !write(buf.Bytes()) {
				// Whether the client got them is unknown: keep them for
				// its reconnection (at least once rather than lost).
				sub.requeue(lines)
				return
			}
			idle.Reset(s.cfg.StreamKeepAlive)
		}
		select {
		case <-c.ready:
		case <-idle.C:
			if !write(keepaliveLine) {
				return
			}
			idle.Reset(s.cfg.StreamKeepAlive)
		case <-c.kicked:
			return
		case <-sub.done:
			return
		case <-r.Context().Done():
			return
		case <-s.stop:
			return
		}
	}
}

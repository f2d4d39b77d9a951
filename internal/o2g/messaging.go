package o2g

import (
	"context"
	"encoding/binary"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

// Voicemail (/messaging/mailboxes, the SDKs' Messaging service): each
// user holding the "Voice Messaging User" service has one mailbox, kept by
// the core (at most 100 messages of at most 1 MiB of WAV audio). With no
// voicemail system yet, messages come from the simulation endpoint
// (sim.go).
//
// Choices:
//   - A mailbox's id is the number users dial to reach its owner followed
//     by "-MAILBOX" ("2025550101-MAILBOX"), like real servers'
//     "70120-7-MAILBOX"; a user without number nor extension uses its
//     login name. Ids are matched case-insensitively.
//   - Connecting (POST on the mailbox) takes the user's portal passcode as
//     password; with ?withUserPwd the session's own authentication stands
//     for it (a user logged in with its secret, or an administrator
//     covering the user). Every operation under a mailbox needs a connect
//     of the same session first; a session's connections end with it.
//   - Downloading a message marks it read, and so does the Node SDK's
//     "acknowledge" (the same GET with Range: bytes=0-1): a satisfiable
//     single byte range is answered 206 with those bytes, any other Range
//     header is ignored (200 with the whole file), as HTTP allows.
//   - The event summary's voiceMessagesNb counts unread messages; each
//     change that moves it emits OnEventSummaryUpdated, translated from
//     the core's VoicemailChanged on the bus so that it reaches streams on
//     any node.

// MailBoxCapabilities says what a mailbox supports. Switchboard serves the
// message list, the recordings and the summary events; playing through a
// phone, recording and forwarding need a voicemail system it lacks.
type MailBoxCapabilities struct {
	ListMessages bool `json:"listMessages"`
	GetMessages  bool `json:"getMessages"`
	GetRecord    bool `json:"getRecord"`
	Play         bool `json:"play"`
	Pause        bool `json:"pause"`
	Hangup       bool `json:"hangup"`
	Record       bool `json:"record"`
	Resume       bool `json:"resume"`
	Cancel       bool `json:"cancel"`
	Forward      bool `json:"forward"`
	Callback     bool `json:"callback"`
	Send         bool `json:"send"`
	Events       bool `json:"events"`
}

// MailBox is one mailbox.
type MailBox struct {
	ID           string              `json:"id"`
	Name         string              `json:"name"`
	Capabilities MailBoxCapabilities `json:"capabilities"`
}

// MailBoxes lists the mailboxes of a user.
type MailBoxes struct {
	Mailboxes []MailBox `json:"mailboxes"`
}

// MailBoxInfo is a mailbox's counters. storageUsage is the percentage of
// the message limit in use.
type MailBoxInfo struct {
	TotalVoiceMsg int `json:"totalVoiceMsg"`
	NewVoiceMsg   int `json:"newVoiceMsg"`
	StorageUsage  int `json:"storageUsage"`
}

// ConnectRequest is the body of a connect.
type ConnectRequest struct {
	Password *string `json:"password"`
}

// Voicemail is one message. from is absent for an anonymous caller.
type Voicemail struct {
	VoicemailID  string     `json:"voicemailId"`
	From         *PartyInfo `json:"from,omitempty"`
	Duration     int        `json:"duration"`
	Date         string     `json:"date"`
	Unread       bool       `json:"unread"`
	HighPriority bool       `json:"highPriority"`
}

// Voicemails lists messages.
type Voicemails struct {
	Voicemails []Voicemail `json:"voicemails"`
}

var mailboxCapabilities = MailBoxCapabilities{ListMessages: true, GetMessages: true, GetRecord: true, Events: true}

// messaging keeps which mailboxes each session has connected to.
type messaging struct {
	s    *Server
	mu   sync.Mutex
	open map[*session]map[string]bool // session → connected user ids
}

func newMessaging(s *Server) *messaging {
	return &messaging{s: s, open: map[*session]map[string]bool{}}
}

// messagingRoutes registers the voicemail service.
func (s *Server) messagingRoutes() {
	m := newMessaging(s)
	s.route("GET /messaging/mailboxes", s.withSession(m.handleMailboxes))
	s.route("POST /messaging/mailboxes/{mailboxId}", s.withSession(m.handleConnect))
	s.route("GET /messaging/mailboxes/{mailboxId}/voicemails", s.withSession(m.handleList))
	s.route("DELETE /messaging/mailboxes/{mailboxId}/voicemails", s.withSession(m.handleDeleteSome))
	s.route("GET /messaging/mailboxes/{mailboxId}/voicemails/{voicemailId}", s.withSession(m.handleDownload))
	s.route("DELETE /messaging/mailboxes/{mailboxId}/voicemails/{voicemailId}", s.withSession(m.handleDeleteOne))
	s.onDomainEvent(events.VoicemailChanged, s.translateVoicemailChanged, eventSummaryPkg)
}

// connect records that se may use u's mailbox, until se ends.
func (m *messaging) connect(se *session, userID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	set := m.open[se]
	if set == nil {
		set = map[string]bool{}
		m.open[se] = set
		go func() {
			<-se.ended
			m.mu.Lock()
			delete(m.open, se)
			m.mu.Unlock()
		}()
	}
	set[userID] = true
}

func (m *messaging) connected(se *session, userID string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.open[se][userID]
}

// mailboxID is the id of u's mailbox.
func (s *Server) mailboxID(u *userRef) string {
	n := s.dialNumber(u.d.User)
	if n == "" {
		n = u.login
	}
	return n + "-MAILBOX"
}

func mailboxName(u *userRef) string {
	if n := strings.TrimSpace(u.d.User.FirstName + " " + u.d.User.LastName); n != "" {
		return n
	}
	return u.login
}

func mailboxInfoOf(st provisioning.MailboxState) MailBoxInfo {
	return MailBoxInfo{TotalVoiceMsg: st.Total, NewVoiceMsg: st.Unread, StorageUsage: st.Total * 100 / provisioning.VoicemailMax}
}

// mailboxOf is the user a request under {mailboxId} acts on: the target
// user, whose mailbox the path must name; with needConnect, the session
// must have connected to it.
func (m *messaging) mailboxOf(r *http.Request, se *session, needConnect bool) (*userRef, error) {
	u, err := m.s.target(r, se)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(strings.TrimSpace(r.PathValue("mailboxId")), m.s.mailboxID(u)) {
		return nil, errNotFound("no mailbox %s for %s", r.PathValue("mailboxId"), u.login)
	}
	if needConnect && !m.connected(se, u.id) {
		return nil, newError(http.StatusForbidden, typeNotAllowed, "connect to mailbox %s first (POST on the mailbox)", m.s.mailboxID(u))
	}
	return u, nil
}

func (m *messaging) handleMailboxes(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := m.s.target(r, se)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	st, err := m.s.core.Mailbox(r.Context(), se.who.actor, u.id)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	out := MailBoxes{Mailboxes: []MailBox{}}
	if st.Has {
		out.Mailboxes = append(out.Mailboxes, MailBox{ID: m.s.mailboxID(u), Name: mailboxName(u), Capabilities: mailboxCapabilities})
	}
	writeJSON(w, http.StatusOK, out)
}

func (m *messaging) handleConnect(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := m.mailboxOf(r, se, false)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	withUserPwd, err := comFlag(r.URL.Query(), "withUserPwd")
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	var pw *string
	if !withUserPwd {
		var req ConnectRequest
		if err := m.s.readJSON(r, &req, false); err != nil {
			m.s.fail(w, r, err)
			return
		}
		if req.Password == nil || *req.Password == "" {
			m.s.fail(w, r, errBadParameter("password is required (or use withUserPwd)"))
			return
		}
		pw = req.Password
	}
	st, err := m.s.core.OpenMailbox(r.Context(), se.who.actor, u.id, pw)
	if err != nil {
		if e, ok := provisioning.AsError(err); ok && (e.Kind == provisioning.KindBadPassword || e.Kind == provisioning.KindDisabled) {
			err = newError(http.StatusUnauthorized, typeNotAllowed, "wrong mailbox password")
		}
		m.s.fail(w, r, err)
		return
	}
	m.connect(se, u.id)
	writeJSON(w, http.StatusOK, mailboxInfoOf(st))
}

// voicemailOf renders a message.
func voicemailOf(pr *partyRenderer, msg store.VoiceMessage) Voicemail {
	out := Voicemail{VoicemailID: strconv.FormatInt(msg.ID, 10), Duration: msg.Duration, Date: o2gTime(msg.Date),
		Unread: msg.Unread, HighPriority: msg.HighPriority}
	if msg.From != (store.ComParty{}) {
		p := pr.party(msg.From)
		out.From = &p
	}
	return out
}

func (m *messaging) handleList(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := m.mailboxOf(r, se, true)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	offset, limit, err := comPaging(q)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	newOnly, err := comFlag(q, "newOnly")
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	list, err := m.s.core.VoiceMessages(r.Context(), se.who.actor, u.id)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	if newOnly {
		kept := list[:0]
		for _, msg := range list {
			if msg.Unread {
				kept = append(kept, msg)
			}
		}
		list = kept
	}
	page := list[min(offset, len(list)):]
	if limit > 0 && limit < len(page) {
		page = page[:limit]
	}
	pr := m.s.newPartyRenderer(r.Context())
	out := Voicemails{Voicemails: make([]Voicemail, 0, len(page))}
	for _, msg := range page {
		out.Voicemails = append(out.Voicemails, voicemailOf(pr, msg))
	}
	writeJSON(w, http.StatusOK, out)
}

// voicemailID reads the {voicemailId} path segment.
func voicemailID(r *http.Request) (int64, error) {
	v := strings.TrimSpace(r.PathValue("voicemailId"))
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound("no voice message %q", v)
	}
	return id, nil
}

// byteRange reads a Range header naming one satisfiable range of a
// size-byte body ("bytes=a-b", "bytes=a-", "bytes=-n"); ok is false for
// anything else, which is then ignored.
func byteRange(h string, size int64) (start, end int64, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") || size == 0 {
		return 0, 0, false
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, false
		}
		return max(size-n, 0), size - 1, true
	}
	start, err := strconv.ParseInt(a, 10, 64)
	if err != nil || start < 0 || start >= size {
		return 0, 0, false
	}
	end = size - 1
	if b != "" {
		e, err := strconv.ParseInt(b, 10, 64)
		if err != nil || e < start {
			return 0, 0, false
		}
		end = min(e, size-1)
	}
	return start, end, true
}

func (m *messaging) handleDownload(w http.ResponseWriter, r *http.Request, se *session) {
	if r.Method == http.MethodHead {
		// Fetching marks the message read: a HEAD must not.
		m.s.methodNotAllowed(w, r)
		return
	}
	u, err := m.mailboxOf(r, se, true)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	id, err := voicemailID(r)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	ch, err := m.s.core.ReadVoiceMessage(r.Context(), se.who.actor, u.id, id)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	audio := ch.Message.Audio
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	// JAVA needs the "attachment;" prefix and a name without spaces.
	h.Set("Content-Disposition", "attachment; filename="+voicemailFileName(ch.Message.ID))
	h.Set("Accept-Ranges", "bytes")
	size := int64(len(audio))
	if start, end, ok := byteRange(r.Header.Get("Range"), size); ok {
		h.Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(end, 10)+"/"+strconv.FormatInt(size, 10))
		h.Set("Content-Length", strconv.FormatInt(end-start+1, 10))
		w.WriteHeader(http.StatusPartialContent)
		_, _ = w.Write(audio[start : end+1])
		return
	}
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(audio)
}

// voicemailFileName is the download's file name.
func voicemailFileName(id int64) string { return "voicemail-" + strconv.FormatInt(id, 10) + ".wav" }

func (m *messaging) handleDeleteOne(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := m.mailboxOf(r, se, true)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	id, err := voicemailID(r)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	ch, err := m.s.core.DeleteVoiceMessages(r.Context(), se.who.actor, u.id, []int64{id})
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	if len(ch.IDs) == 0 {
		m.s.fail(w, r, errNotFound("no voice message %d", id))
		return
	}
	noContent(w)
}

// maxMsgIDs bounds the ids one request may name.
const maxMsgIDs = 1000

func (m *messaging) handleDeleteSome(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := m.mailboxOf(r, se, true)
	if err != nil {
		m.s.fail(w, r, err)
		return
	}
	// msgIds: SPEC joins with ',', the Node SDK with ';'. None (absent or
	// empty) means every message.
	var ids []int64
	for _, part := range strings.FieldsFunc(strings.Join(r.URL.Query()["msgIds"], ","), func(c rune) bool { return c == ',' || c == ';' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id <= 0 {
			m.s.fail(w, r, errBadParameter("msgIds: %q is not a voice message id", part))
			return
		}
		ids = append(ids, id)
	}
	if len(ids) > maxMsgIDs {
		m.s.fail(w, r, errBadParameter("msgIds names more than %d messages", maxMsgIDs))
		return
	}
	if _, err := m.s.core.DeleteVoiceMessages(r.Context(), se.who.actor, u.id, ids); err != nil {
		m.s.fail(w, r, err)
		return
	}
	noContent(w)
}

// translateVoicemailChanged turns the core's VoicemailChanged into the
// event summary when the change moved the unread counter. That counter
// comes from the event; the missed calls are read as they stand.
func (s *Server) translateVoicemailChanged(ctx context.Context, ev events.Event) []outEvent {
	if ev.Data["unread"] == ev.Data["unreadBefore"] {
		return nil
	}
	unread, err := strconv.Atoi(ev.Data["unread"])
	if err != nil {
		s.log.Error("o2g: voicemail event without counters", "user", ev.UserID, "data", ev.Data)
		return nil
	}
	u := s.eventUserRef(ctx, ev, "voicemail")
	if u == nil {
		return nil
	}
	missed, err := s.core.MissedCallCount(ctx, systemReader, u.id)
	if err != nil {
		s.log.Error("o2g: voicemail event", "user", u.id, "err", err)
		return nil
	}
	out, err := eventSummaryEventOf(u, missed, unread)
	if err != nil {
		s.log.Error("o2g: voicemail event", "user", u.id, "err", err)
		return nil
	}
	return []outEvent{out}
}

// WAV (RIFF/WAVE) files: the format recordings are served in.

// wavRate is the sample rate of generated recordings: 8 kHz, 16-bit
// mono PCM, telephone quality.
const wavRate = 8000

// wavHeader is the 44-byte header of a PCM WAV file of dataLen bytes.
func wavHeader(rate, channels, bits, dataLen int) []byte {
	b := make([]byte, 44)
	le := binary.LittleEndian
	copy(b[0:], "RIFF")
	le.PutUint32(b[4:], uint32(36+dataLen))
	copy(b[8:], "WAVE")
	copy(b[12:], "fmt ")
	le.PutUint32(b[16:], 16)
	le.PutUint16(b[20:], 1) // PCM
	le.PutUint16(b[22:], uint16(channels))
	le.PutUint32(b[24:], uint32(rate))
	le.PutUint32(b[28:], uint32(rate*channels*bits/8))
	le.PutUint16(b[32:], uint16(channels*bits/8))
	le.PutUint16(b[34:], uint16(bits))
	copy(b[36:], "data")
	le.PutUint32(b[40:], uint32(dataLen))
	return b
}

// toneWAV is a WAV file of seconds of a 425 Hz tone (the European dial
// tone's pitch) at half amplitude, faded in and out over 20 ms so that it
// plays without clicks.
func toneWAV(seconds int) []byte {
	n := seconds * wavRate
	out := wavHeader(wavRate, 1, 16, 2*n)
	out = append(out, make([]byte, 2*n)...)
	data := out[44:]
	const amp, fade = 16000.0, wavRate / 50
	for k := range n {
		v := amp * math.Sin(2*math.Pi*425*float64(k)/wavRate)
		if edge := min(k, n-1-k); edge < fade {
			v *= float64(edge) / fade
		}
		binary.LittleEndian.PutUint16(data[2*k:], uint16(int16(math.Round(v))))
	}
	return out
}

// wavInfo reads a WAV file's format and the length of its data chunk; ok
// is false when b is not a RIFF/WAVE file with a fmt and a data chunk.
func wavInfo(b []byte) (format, channels, rate, bits, dataLen int, ok bool) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return 0, 0, 0, 0, 0, false
	}
	le := binary.LittleEndian
	haveFmt := false
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(le.Uint32(b[p+4:]))
		body := p + 8
		if size < 0 || body+size > len(b) {
			if id == "data" && haveFmt {
				// A truncated data chunk still plays up to its end.
				return format, channels, rate, bits, len(b) - body, true
			}
			return 0, 0, 0, 0, 0, false
		}
		switch id {
		case "fmt ":
			if size < 16 {
				return 0, 0, 0, 0, 0, false
			}
			format, channels = int(le.Uint16(b[body:])), int(le.Uint16(b[body+2:]))
			rate, bits = int(le.Uint32(b[body+4:])), int(le.Uint16(b[body+14:]))
			haveFmt = true
		case "data":
			if !haveFmt {
				return 0, 0, 0, 0, 0, false
			}
			return format, channels, rate, bits, size, true
		}
		p = body + size + size%2 // chunks are word aligned
	}
	return 0, 0, 0, 0, 0, false
}

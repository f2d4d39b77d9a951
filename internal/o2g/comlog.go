package o2g

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

// The communication log (/comlog/records): each user's last call records,
// kept by the core (at most 100 per user). With no call engine yet,
// records come from the simulation endpoint (sim.go). Every change is one
// core call, which publishes ComLogChanged on the bus after it commits;
// translateComLogChanged turns that into the events (package
// unifiedComLog, and OnEventSummaryUpdated when the missed call counter
// moved), so that a change reaches streams on any node.

const comlogPkg = "unifiedComLog"

// Identifier names a party.
type Identifier struct {
	LoginName   string `json:"loginName,omitempty"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
}

// PartyInfo describes a party. id is always present, even empty: the Node
// SDK dereferences it unconditionally.
type PartyInfo struct {
	ID          Identifier       `json:"id"`
	FirstName   string           `json:"firstName,omitempty"`
	LastName    string           `json:"lastName,omitempty"`
	DisplayName string           `json:"displayName,omitempty"`
	Type        *ParticipantType `json:"type,omitempty"`
}

// ParticipantType is a party's kind.
type ParticipantType struct {
	Main    string `json:"main"`
	SubType string `json:"subType,omitempty"`
}

// ComParticipant is one party of a record.
type ComParticipant struct {
	Role          string     `json:"role,omitempty"`
	Answered      *bool      `json:"answered,omitempty"`
	Identity      PartyInfo  `json:"identity"`
	Anonymous     bool       `json:"anonymous"`
	InitialCalled *PartyInfo `json:"initialCalled,omitempty"`
	Reason        string     `json:"reason,omitempty"`
	Leg           string     `json:"leg,omitempty"`
}

// TagValue is a record extension.
type TagValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ComHistoryRecord is one record. acknowledged is false only for a missed
// call not acknowledged yet.
type ComHistoryRecord struct {
	RecordID       int64            `json:"recordId"`
	ComRef         string           `json:"comRef"`
	Acknowledged   bool             `json:"acknowledged"`
	Participants   []ComParticipant `json:"participants"`
	BeginDate      string           `json:"beginDate,omitempty"`
	EndDate        string           `json:"endDate,omitempty"`
	ConvDate       string           `json:"convDate,omitempty"`
	HoldDuration   *int64           `json:"holdDuration,omitempty"`
	TransferredBy  string           `json:"transferredBy,omitempty"`
	AssociatedData string           `json:"associatedData,omitempty"`
	Medias         []string         `json:"medias"`
	Extensions     []TagValue       `json:"extensions,omitempty"`
}

// ComHistoryRecords is a page of records.
type ComHistoryRecords struct {
	ComHistoryRecords []ComHistoryRecord `json:"comHistoryRecords"`
	Offset            int                `json:"offset"`
	Limit             int                `json:"limit"`
	TotalCount        int                `json:"totalCount"`
}

// ComHistoryRecordIDs lists record ids.
type ComHistoryRecordIDs struct {
	RecordIDs []int64 `json:"recordIds"`
}

// ComRecordEvent is OnComRecordCreated and OnComRecordModified.
type ComRecordEvent struct {
	EventName string           `json:"eventName"`
	LoginName string           `json:"loginName"`
	Record    ComHistoryRecord `json:"record"`
}

// ComRecordsEvent is OnComRecordsDeleted, OnComRecordsAck and
// OnComRecordsUnAck.
type ComRecordsEvent struct {
	EventName string  `json:"eventName"`
	LoginName string  `json:"loginName"`
	RecordIDs []int64 `json:"recordIds"`
}

// o2gTime is the API's date format: UTC with milliseconds.
func o2gTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// parseO2GTime reads a date as clients send it (toISOString(): UTC with
// milliseconds), also without milliseconds or with an offset.
func parseO2GTime(name, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, errBadParameter("%s: %q is not a date like 2026-01-01T00:00:00.000Z", name, v)
	}
	return t.UTC(), nil
}

// dialNumber is the number users dial to reach u: national digits in the
// system's country code, +E.164 digits otherwise, the extension without a
// number.
func (s *Server) dialNumber(u store.User) string {
	if u.PhoneNumber == "" {
		return u.Extension
	}
	cc, national, ok := strings.Cut(strings.TrimPrefix(u.PhoneNumber, "+"), "-")
	if !ok {
		return u.PhoneNumber
	}
	if cc == s.core.Options().CountryCode {
		return national
	}
	return "+" + cc + national
}

// partyRenderer renders stored parties, reading each user once per
// request: users show as they are now (login name, number, names), and a
// user deleted since the call as what the record kept.
type partyRenderer struct {
	s     *Server
	ctx   context.Context
	users map[string]*store.User // nil: no such user any more
	// seen, when set (optimized lists), records the parties already
	// rendered in full.
	seen map[string]bool
}

func (s *Server) newPartyRenderer(ctx context.Context) *partyRenderer {
	return &partyRenderer{s: s, ctx: ctx, users: map[string]*store.User{}}
}

func (pr *partyRenderer) user(id string) *store.User {
	u, ok := pr.users[id]
	if ok {
		return u
	}
	d, err := pr.s.core.User(pr.ctx, systemReader, id)
	if err == nil && d.User.Kind == store.KindUser {
		u = &d.User
	}
	pr.users[id] = u
	return u
}

func (pr *partyRenderer) party(p store.ComParty) PartyInfo {
	out := PartyInfo{ID: Identifier{PhoneNumber: p.PhoneNumber}, FirstName: p.FirstName, LastName: p.LastName,
		DisplayName: p.DisplayName}
	if p.Type != "" {
		out.Type = &ParticipantType{Main: p.Type, SubType: p.SubType}
	}
	if p.UserID != "" {
		if u := pr.user(p.UserID); u != nil {
			out.ID = Identifier{LoginName: pr.s.loginNameOf(*u), PhoneNumber: pr.s.dialNumber(*u)}
			out.FirstName, out.LastName, out.DisplayName = u.FirstName, u.LastName, ""
			out.Type = &ParticipantType{Main: "USER"}
		}
	}
	if pr.seen != nil {
		key := p.UserID
		if key == "" {
			key = "#" + p.PhoneNumber + "#" + p.DisplayName
		}
		if pr.seen[key] {
			// Later occurrences carry only the number (the login name
			// when there is none), as optimized lists do.
			if out.ID.PhoneNumber != "" {
				return PartyInfo{ID: Identifier{PhoneNumber: out.ID.PhoneNumber}}
			}
			return PartyInfo{ID: Identifier{LoginName: out.ID.LoginName}}
		}
		pr.seen[key] = true
	}
	return out
}

func (pr *partyRenderer) record(r store.ComRecord) ComHistoryRecord {
	out := ComHistoryRecord{RecordID: r.ID, ComRef: r.ComRef, Acknowledged: r.Acknowledged, Participants: []ComParticipant{},
		BeginDate: o2gTime(r.Begin), EndDate: o2gTime(r.End), ConvDate: o2gTime(r.Conv), HoldDuration: r.HoldDuration,
		TransferredBy: r.TransferredBy, AssociatedData: r.AssociatedData, Medias: r.Medias}
	if len(out.Medias) == 0 {
		out.Medias = []string{"AUDIO"}
	}
	for _, p := range r.Participants {
		cp := ComParticipant{Role: p.Role, Answered: p.Answered, Identity: pr.party(p.Party), Anonymous: p.Anonymous,
			Reason: p.Reason, Leg: p.Leg}
		if p.InitialCalled != nil {
			ic := pr.party(*p.InitialCalled)
			cp.InitialCalled = &ic
		}
		out.Participants = append(out.Participants, cp)
	}
	for _, e := range r.Extensions {
		out.Extensions = append(out.Extensions, TagValue(e))
	}
	return out
}

// comFlag reads a boolean query parameter: present without a value, or
// "true", is true.
func comFlag(q url.Values, name string) (bool, error) {
	vs, ok := q[name]
	if !ok {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(vs[0])) {
	case "", "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errBadParameter("%s: want true or false, not %q", name, vs[0])
}

// maxRecordIDs bounds the ids one request may name.
const maxRecordIDs = 1000

// parseRecordID reads one record id.
func parseRecordID(v string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || id <= 0 {
		return 0, errBadParameter("%q is not a record id", v)
	}
	return id, nil
}

// comFilter reads the record filters of a query: recordIdList (which
// overrides the others), unanswered, unacknowledged, afterDate and
// beforeDate (also accepted as fromDate and toDate), role, comRef and
// remotePartyId.
func (s *Server) comFilter(r *http.Request, q url.Values) (provisioning.ComLogFilter, error) {
	var f provisioning.ComLogFilter
	if v, ok := q["recordIdList"]; ok {
		f.IDs = []int64{}
		for _, part := range strings.FieldsFunc(strings.Join(v, ","), func(c rune) bool { return c == ',' || c == ';' }) {
			if strings.TrimSpace(part) == "" {
				continue
			}
			id, err := parseRecordID(part)
			if err != nil {
				return f, err
			}
			f.IDs = append(f.IDs, id)
		}
		if len(f.IDs) > maxRecordIDs {
			return f, errBadParameter("recordIdList names more than %d records", maxRecordIDs)
		}
		return f, nil
	}
	var err error
	if f.Unanswered, err = comFlag(q, "unanswered"); err != nil {
		return f, err
	}
	if f.Unacknowledged, err = comFlag(q, "unacknowledged"); err != nil {
		return f, err
	}
	for _, d := range []struct {
		names []string
		to    *time.Time
	}{{[]string{"afterDate", "fromDate"}, &f.After}, {[]string{"beforeDate", "toDate"}, &f.Before}} {
		for _, name := range d.names {
			if v := q.Get(name); v != "" {
				if *d.to, err = parseO2GTime(name, v); err != nil {
					return f, err
				}
			}
		}
	}
	if v := strings.TrimSpace(q.Get("role")); v != "" {
		switch strings.ToUpper(v) {
		case provisioning.ComCaller, provisioning.ComCallee:
			f.Role = strings.ToUpper(v)
		default:
			return f, errBadParameter("role: want CALLER or CALLEE, not %q", v)
		}
	}
	f.ComRef = strings.TrimSpace(q.Get("comRef"))
	if v := strings.TrimSpace(q.Get("remotePartyId")); v != "" {
		// A login name or a number of a user of the system names that
		// user; anything else is matched against outside parties'
		// numbers as recorded.
		f.RemoteNumber = v
		if id, err := s.userIDOfLogin(r, v); err == nil {
			if d, err := s.core.User(r.Context(), systemReader, id); err == nil && d.User.Kind == store.KindUser {
				f.RemoteUserID = d.User.ID
			}
		}
		if f.RemoteUserID == "" {
			if id, err := s.userIDOfPhone(r, v); err == nil {
				f.RemoteUserID = id
			}
		}
	}
	return f, nil
}

// comPaging reads offset and limit (limit 0: everything).
func comPaging(q url.Values) (offset, limit int, err error) {
	for _, p := range []struct {
		name string
		to   *int
	}{{"offset", &offset}, {"limit", &limit}} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, errBadParameter("%s: %q is not a non-negative integer", p.name, v)
		}
		*p.to = n
	}
	return offset, limit, nil
}

func (s *Server) handleComRecords(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := s.target(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f, err := s.comFilter(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	offset, limit, err := comPaging(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	optimized, err := comFlag(q, "optimized")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, _, err := s.core.ComRecords(r.Context(), se.who.actor, u.id, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	total := len(list)
	if f.IDs != nil {
		// The list names the records: no paging.
		offset, limit = 0, 0
	}
	page := list[min(offset, total):]
	if limit > 0 && limit < len(page) {
		page = page[:limit]
	}
	pr := s.newPartyRenderer(r.Context())
	if optimized {
		pr.seen = map[string]bool{}
	}
	out := ComHistoryRecords{ComHistoryRecords: make([]ComHistoryRecord, 0, len(page)), Offset: offset, Limit: limit, TotalCount: total}
	for _, rec := range page {
		out.ComHistoryRecords = append(out.ComHistoryRecords, pr.record(rec))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleComRecordIDs(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := s.target(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, _, err := s.core.ComRecords(r.Context(), se.who.actor, u.id, provisioning.ComLogFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := ComHistoryRecordIDs{RecordIDs: make([]int64, 0, len(list))}
	for _, rec := range list {
		out.RecordIDs = append(out.RecordIDs, rec.ID)
	}
	writeJSON(w, http.StatusOK, out)
}

// comRecordID reads the {recordId} path segment.
func comRecordID(r *http.Request) (int64, error) {
	return parseRecordID(r.PathValue("recordId"))
}

func (s *Server) handleComRecord(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := s.target(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := comRecordID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec, err := s.core.ComRecord(r.Context(), se.who.actor, u.id, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.newPartyRenderer(r.Context()).record(rec))
}

func (s *Server) handleDeleteComRecord(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := s.target(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := comRecordID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ch, err := s.core.DeleteComRecords(r.Context(), se.who.actor, u.id, provisioning.ComLogFilter{IDs: []int64{id}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(ch.IDs) == 0 {
		s.fail(w, r, errNotFound("no communication log record %d", id))
		return
	}
	noContent(w)
}

func (s *Server) handleDeleteComRecords(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := s.target(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.comFilter(r, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.core.DeleteComRecords(r.Context(), se.who.actor, u.id, f); err != nil {
		s.fail(w, r, err)
		return
	}
	noContent(w)
}

// UpdateComRecordsRequest names the records to acknowledge or
// unacknowledge. The Node SDK sends the ids as strings: both are read.
type UpdateComRecordsRequest struct {
	RecordIDs []json.RawMessage `json:"recordIds"`
}

func (s *Server) handleAckComRecords(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := s.target(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	if _, ok := q["acknowledge"]; !ok {
		s.fail(w, r, errBadParameter("the acknowledge parameter (true or false) is required"))
		return
	}
	ack, err := comFlag(q, "acknowledge")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req UpdateComRecordsRequest
	if err := s.readJSON(r, &req, false); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(req.RecordIDs) > maxRecordIDs {
		s.fail(w, r, errBadParameter("recordIds names more than %d records", maxRecordIDs))
		return
	}
	ids := make([]int64, 0, len(req.RecordIDs))
	for _, raw := range req.RecordIDs {
		var id int64
		var str string
		switch {
		case json.Unmarshal(raw, &id) == nil && id > 0:
		case json.Unmarshal(raw, &str) == nil:
			if id, err = parseRecordID(str); err != nil {
				s.fail(w, r, err)
				return
			}
		default:
			s.fail(w, r, errBadParameter("recordIds: %s is not a record id", raw))
			return
		}
		ids = append(ids, id)
	}
	if _, err := s.core.AckComRecords(r.Context(), se.who.actor, u.id, ids, ack); err != nil {
		s.fail(w, r, err)
		return
	}
	noContent(w)
}

// comLogEventNames are the event names of ComLogChanged's operations.
var comLogEventNames = map[string]string{"created": "OnComRecordCreated", "deleted": "OnComRecordsDeleted",
	"ack": "OnComRecordsAck", "unack": "OnComRecordsUnAck"}

// translateComLogChanged turns the core's ComLogChanged into what the
// change did: the deletion of records a new one pushed out, the records
// event, and the event summary when the missed call counter moved. The ids
// and counters come from the event; only the created record is read back,
// and skipped when it is already gone.
func (s *Server) translateComLogChanged(ctx context.Context, ev events.Event) []outEvent {
	u := s.eventUserRef(ctx, ev, "comlog")
	if u == nil {
		return nil
	}
	name := comLogEventNames[ev.Data["op"]]
	var out []outEvent
	add := func(o outEvent, err error) {
		if err != nil {
			s.log.Error("o2g: comlog event", "event", name, "user", u.id, "err", err)
			return
		}
		out = append(out, o)
	}
	if dropped := eventIDs(ev.Data["dropped"]); len(dropped) > 0 {
		add(userEventOf(comlogPkg, "OnComRecordsDeleted", u,
			ComRecordsEvent{EventName: "OnComRecordsDeleted", LoginName: u.login, RecordIDs: dropped}))
	}
	switch ids := eventIDs(ev.Data["ids"]); {
	case name == "OnComRecordCreated":
		id, err := strconv.ParseInt(ev.Data["record"], 10, 64)
		if err != nil {
			s.log.Error("o2g: comlog event without a record id", "user", u.id, "data", ev.Data)
			break
		}
		r, err := s.core.ComRecord(ctx, systemReader, u.id, id)
		if err != nil {
			if e, ok := provisioning.AsError(err); !ok || (e.Kind != provisioning.KindNotFound && e.Kind != provisioning.KindUserNotFound) {
				s.log.Warn("o2g: comlog event: reading the record", "user", u.id, "record", id, "err", err)
			}
			break
		}
		rec := s.newPartyRenderer(ctx).record(r)
		add(userEventOf(comlogPkg, name, u, ComRecordEvent{EventName: name, LoginName: u.login, Record: rec}))
	case name != "" && len(ids) > 0:
		add(userEventOf(comlogPkg, name, u, ComRecordsEvent{EventName: name, LoginName: u.login, RecordIDs: ids}))
	}
	if ev.Data["missed"] != ev.Data["missedBefore"] {
		if missed, err := strconv.Atoi(ev.Data["missed"]); err == nil {
			add(s.eventSummaryEvent(ctx, u, missed))
		}
	}
	return out
}

// eventUserRef reads the user a domain event concerns, or nil when it is no
// longer a user (deleted since: its streams are gone too).
func (s *Server) eventUserRef(ctx context.Context, ev events.Event, what string) *userRef {
	d, err := s.core.User(ctx, systemReader, ev.UserID)
	if err != nil {
		if e, ok := provisioning.AsError(err); !ok || e.Kind != provisioning.KindUserNotFound {
			s.log.Warn("o2g: "+what+" event: reading the user", "user", ev.UserID, "err", err)
		}
		return nil
	}
	if d.User.Kind != store.KindUser {
		return nil
	}
	return &userRef{id: d.User.ID, login: s.loginNameOf(d.User), d: d}
}

// eventIDs reads the comma-separated ids of an event's data.
func eventIDs(v string) []int64 {
	var out []int64
	for part := range strings.SplitSeq(v, ",") {
		if id, err := strconv.ParseInt(part, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

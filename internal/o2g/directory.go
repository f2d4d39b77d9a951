package o2g

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

// Directory search (/directory/search): an asynchronous search over the
// system's users, as O2G runs it against the PBX phone book. POST starts
// a search and answers 201 at once; the search runs in the background;
// each GET answers NOK while it runs, then OK with the contacts found,
// then FINISH (TIMEOUT when it ran out of time); DELETE stops it.
//
// There is no search id: a session has one search per user it acts for
// (an administrator's own, without loginName, and one per loginName it
// names); a new POST replaces that search. Limits as on real servers: 5
// searches per session, 100 in all, and a search not polled for a minute
// is dropped.
//
// What a search covers: acting as a user (a user or supervised session,
// or an administrator naming a user in loginName), the user's phone book
// as BroadWorks defines it: its enterprise when its service provider is
// an enterprise, else its group. An administrator without loginName
// searches the users of its own scope.

const (
	dirPerSession = 5
	dirTotal      = 100
	dirIdle       = time.Minute
	// dirRunTime bounds one search; past it the search ends in TIMEOUT.
	dirRunTime   = 10 * time.Second
	dirMaxLimit  = 100
	dirMaxDepth  = 4
	dirMaxTerms  = 16
	dirMaxString = 100
)

// Criterion is a search filter: a comparison of one field with a string,
// or AND/OR of criteria.
type Criterion struct {
	Field     string          `json:"field,omitempty"`
	Operation string          `json:"operation"`
	Operand   json.RawMessage `json:"operand"`
}

// SearchRequest starts a search.
type SearchRequest struct {
	Filter *Criterion `json:"filter"`
	Limit  *int       `json:"limit,omitempty"`
}

// SearchResult is one poll's answer.
type SearchResult struct {
	ResultCode     string          `json:"resultCode"`
	ResultElements []ResultElement `json:"resultElements,omitempty"`
}

// ResultElement is one directory entry found.
type ResultElement struct {
	Contacts []PartyInfo `json:"contacts"`
}

// dirKey names a search: the session and the user it acts for ("" for the
// session's own identity).
type dirKey struct {
	se   *session
	user string
}

// dirSearch is one running or finished search.
type dirSearch struct {
	cancel context.CancelFunc
	done   chan struct{}

	// Set by the search before done closes.
	contacts []PartyInfo
	timedOut bool
	err      error

	// Guarded by directory.mu.
	lastUsed  time.Time
	delivered bool
}

// directory holds the searches of the server.
type directory struct {
	s        *Server
	mu       sync.Mutex
	searches map[dirKey]*dirSearch
}

func newDirectory(s *Server) *directory {
	return &directory{s: s, searches: map[dirKey]*dirSearch{}}
}

// prune drops searches idle too long or whose session ended. Called with
// d.mu held.
func (d *directory) prune(now time.Time) {
	for k, ds := range d.searches {
		ended := false
		select {
		case <-k.se.ended:
			ended = true
		default:
		}
		if ended || now.Sub(ds.lastUsed) > dirIdle {
			ds.cancel()
			delete(d.searches, k)
		}
	}
}

// key is the search key of a request, with the user acted for (nil: an
// administrator's own search).
func (d *directory) key(r *http.Request, se *session) (dirKey, *userRef, error) {
	if se.user == nil && trimLogin(r.URL.Query().Get("loginName")) == "" {
		return dirKey{se: se}, nil, nil
	}
	u, err := d.s.target(r, se)
	if err != nil {
		return dirKey{}, nil, err
	}
	k := dirKey{se: se}
	if se.user == nil {
		k.user = u.id
	}
	return k, u, nil
}

// matcher tests one user.
type matcher func(u store.User) bool

func (s *Server) compileCriterion(c *Criterion, depth int) (matcher, error) {
	if c == nil {
		return nil, errBadParameter("a filter is required")
	}
	if depth > dirMaxDepth {
		return nil, errBadParameter("the filter nests deeper than %d levels", dirMaxDepth)
	}
	op := strings.ToUpper(strings.TrimSpace(c.Operation))
	switch op {
	case "AND", "OR":
		var subs []Criterion
		if err := json.Unmarshal(c.Operand, &subs); err != nil || len(subs) == 0 {
			return nil, errBadParameter("%s needs an array of criteria as operand", op)
		}
		if len(subs) > dirMaxTerms {
			return nil, errBadParameter("%s has more than %d criteria", op, dirMaxTerms)
		}
		ms := make([]matcher, len(subs))
		for i := range subs {
			m, err := s.compileCriterion(&subs[i], depth+1)
			if err != nil {
				return nil, err
			}
			ms[i] = m
		}
		return func(u store.User) bool {
			for _, m := range ms {
				if m(u) == (op == "OR") {
					return op == "OR"
				}
			}
			return op == "AND"
		}, nil
	case "EQUAL_IGNORE_CASE", "BEGIN_WITH", "CONTAIN", "END_WITH":
	default:
		return nil, errBadParameter("operation %q: want EQUAL_IGNORE_CASE, BEGIN_WITH, CONTAIN, END_WITH, AND or OR", c.Operation)
	}
	var operand string
	if err := json.Unmarshal(c.Operand, &operand); err != nil {
		return nil, errBadParameter("%s needs a string operand", op)
	}
	operand = strings.ToLower(strings.TrimSpace(operand))
	if operand == "" || len(operand) > dirMaxString {
		return nil, errBadParameter("the operand must have 1 to %d characters", dirMaxString)
	}
	cmp := func(v string) bool {
		v = strings.ToLower(v)
		switch op {
		case "EQUAL_IGNORE_CASE":
			return v == operand
		case "BEGIN_WITH":
			return strings.HasPrefix(v, operand)
		case "CONTAIN":
			return strings.Contains(v, operand)
		}
		return strings.HasSuffix(v, operand)
	}
	switch strings.ToLower(strings.TrimPrefix(strings.TrimSpace(c.Field), "id.")) {
	case "lastname":
		return func(u store.User) bool { return cmp(u.LastName) }, nil
	case "firstname":
		return func(u store.User) bool { return cmp(u.FirstName) }, nil
	case "loginname":
		return func(u store.User) bool { return cmp(s.loginNameOf(u)) }, nil
	case "phonenumber":
		// "display"<dialable> searches the dialable part; numbers compare
		// by their digits, against every form a user's number is dialled
		// in (national, E.164, extension).
		if i, j := strings.LastIndexByte(operand, '<'), strings.LastIndexByte(operand, '>'); i >= 0 && j > i {
			operand = operand[i+1 : j]
		}
		operand = digitsOf(operand)
		if operand == "" {
			return nil, errBadParameter("a phone number operand needs digits")
		}
		return func(u store.User) bool {
			for _, v := range []string{s.dialNumber(u), u.Extension, u.PhoneNumber} {
				if v = digitsOf(v); v != "" && cmp(v) {
					return true
				}
			}
			return false
		}, nil
	}
	return nil, errBadParameter("field %q: want lastName, firstName, id.phoneNumber or id.loginName", c.Field)
}

func digitsOf(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= '0' && c <= '9' {
			return c
		}
		return -1
	}, s)
}

// scope is who runs a search and over which users.
func (d *directory) scope(ctx context.Context, se *session, u *userRef) (*provisioning.Actor, provisioning.UserListFilter, error) {
	if u == nil {
		a := se.who.actor
		switch {
		case a.AtLeast(provisioning.LevelReseller):
			return a, provisioning.UserListFilter{}, nil
		case a.Level == provisioning.LevelServiceProvider:
			return a, provisioning.UserListFilter{SPID: a.SPID}, nil
		}
		return a, provisioning.UserListFilter{SPID: a.SPID, GroupID: a.GroupID}, nil
	}
	// The user's phone book: read with the system view, since a user may
	// see its colleagues in the directory but not list them through the
	// core's administration rights.
	f := provisioning.UserListFilter{SPID: u.d.User.SPID, GroupID: u.d.User.GroupID}
	sp, err := d.s.core.ServiceProvider(ctx, systemReader, u.d.User.SPID, "")
	if err != nil {
		return nil, f, err
	}
	if sp.IsEnterprise {
		f.GroupID = ""
	}
	return systemReader, f, nil
}

func (d *directory) handleStart(w http.ResponseWriter, r *http.Request, se *session) {
	k, u, err := d.key(r, se)
	if err != nil {
		d.s.fail(w, r, err)
		return
	}
	var req SearchRequest
	if err := d.s.readJSON(r, &req, false); err != nil {
		d.s.fail(w, r, err)
		return
	}
	limit := dirMaxLimit
	if req.Limit != nil {
		if *req.Limit < 1 || *req.Limit > dirMaxLimit {
			d.s.fail(w, r, errBadParameter("limit %d is outside 1..%d", *req.Limit, dirMaxLimit))
			return
		}
		limit = *req.Limit
	}
	match, err := d.s.compileCriterion(req.Filter, 1)
	if err != nil {
		d.s.fail(w, r, err)
		return
	}
	actor, filter, err := d.scope(r.Context(), se, u)
	if err != nil {
		d.s.fail(w, r, err)
		return
	}

	now := d.s.cfg.Now()
	d.mu.Lock()
	d.prune(now)
	if old, ok := d.searches[k]; ok {
		old.cancel()
		delete(d.searches, k)
	}
	mine := 0
	for other := range d.searches {
		if other.se == se {
			mine++
		}
	}
	if mine >= dirPerSession || len(d.searches) >= dirTotal {
		d.mu.Unlock()
		d.s.fail(w, r, newError(http.StatusServiceUnavailable, typeNotReady,
			"too many directory searches (at most %d per session, %d in all); stop one or retry later", dirPerSession, dirTotal))
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), dirRunTime)
	ds := &dirSearch{cancel: cancel, done: make(chan struct{}), lastUsed: now}
	d.searches[k] = ds
	d.mu.Unlock()

	go d.run(ctx, ds, actor, filter, match, limit)
	w.Header().Set("Location", r.URL.Path)
	w.WriteHeader(http.StatusCreated)
}

// run performs a search; the server's closing stops it.
func (d *directory) run(ctx context.Context, ds *dirSearch, actor *provisioning.Actor, f provisioning.UserListFilter, match matcher, limit int) {
	defer close(ds.done)
	defer ds.cancel()
	go func() {
		select {
		case <-d.s.stop:
			ds.cancel()
		case <-ctx.Done():
		}
	}()
	var found []PartyInfo
	err := d.s.core.ListUsers(ctx, actor, f, func(row *provisioning.UserRow) bool {
		if match(row.User) {
			found = append(found, PartyInfo{ID: Identifier{LoginName: d.s.loginNameOf(row.User), PhoneNumber: d.s.dialNumber(row.User)},
				FirstName: row.User.FirstName, LastName: row.User.LastName})
		}
		return len(found) < limit && ctx.Err() == nil
	})
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		ds.timedOut = true
	case err != nil:
		ds.err = err
	default:
		ds.contacts = found
	}
}

func (d *directory) handlePoll(w http.ResponseWriter, r *http.Request, se *session) {
	k, _, err := d.key(r, se)
	if err != nil {
		d.s.fail(w, r, err)
		return
	}
	now := d.s.cfg.Now()
	d.mu.Lock()
	d.prune(now)
	ds, ok := d.searches[k]
	if !ok {
		d.mu.Unlock()
		d.s.fail(w, r, newError(http.StatusBadRequest, typeNotExpected, "no directory search in progress; start one with POST"))
		return
	}
	ds.lastUsed = now
	select {
	case <-ds.done:
	default:
		d.mu.Unlock()
		writeJSON(w, http.StatusOK, SearchResult{ResultCode: "NOK"})
		return
	}
	if !ds.delivered && ds.err == nil && len(ds.contacts) > 0 {
		ds.delivered = true
		d.mu.Unlock()
		out := SearchResult{ResultCode: "OK", ResultElements: make([]ResultElement, 0, len(ds.contacts))}
		for _, c := range ds.contacts {
			out.ResultElements = append(out.ResultElements, ResultElement{Contacts: []PartyInfo{c}})
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	// Over: the context goes with this answer.
	delete(d.searches, k)
	d.mu.Unlock()
	switch {
	case ds.err != nil:
		d.s.fail(w, r, ds.err)
	case ds.timedOut:
		writeJSON(w, http.StatusOK, SearchResult{ResultCode: "TIMEOUT"})
	default:
		writeJSON(w, http.StatusOK, SearchResult{ResultCode: "FINISH"})
	}
}

func (d *directory) handleStop(w http.ResponseWriter, r *http.Request, se *session) {
	k, _, err := d.key(r, se)
	if err != nil {
		d.s.fail(w, r, err)
		return
	}
	d.mu.Lock()
	if ds, ok := d.searches[k]; ok {
		ds.cancel()
		delete(d.searches, k)
	}
	d.prune(d.s.cfg.Now())
	d.mu.Unlock()
	noContent(w)
}

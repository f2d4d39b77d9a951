package o2g

import (
	"net/http"

	"github.com/switchboard/switchboard/internal/events"
)

// comlogRoutes registers the communication log, the event summary, the
// directory search and, when simulation is on, the injection endpoints.
func (s *Server) comlogRoutes() {
	s.route("GET /comlog/records", s.withSession(s.handleComRecords))
	s.route("DELETE /comlog/records", s.withSession(s.handleDeleteComRecords))
	s.route("PUT /comlog/records", s.withSession(s.handleAckComRecords))
	s.route("GET /comlog/records/recordIds", s.withSession(s.handleComRecordIDs))
	s.route("GET /comlog/records/{recordId}", s.withSession(s.handleComRecord))
	s.route("DELETE /comlog/records/{recordId}", s.withSession(s.handleDeleteComRecord))

	// The service list gives /eventSummary; the lower-case spelling is
	// accepted too, path literals being case-insensitive on real servers.
	s.route("GET /eventSummary", s.withSession(s.handleEventSummary))
	s.route("GET /eventsummary", s.withSession(s.handleEventSummary))
	s.onDomainEvent(events.ComLogChanged, s.translateComLogChanged, comlogPkg, eventSummaryPkg)

	d := newDirectory(s)
	s.route("POST /directory/search", s.withSession(d.handleStart))
	s.route("GET /directory/search", s.withSession(d.handlePoll))
	s.route("DELETE /directory/search", s.withSession(d.handleStop))
	s.route("POST /directory/searchbydtmf", s.withSession(func(w http.ResponseWriter, r *http.Request, se *session) {
		s.fail(w, r, errBadParameterNotSupported("search by DTMF keys is not supported; use POST /directory/search"))
	}))

	s.simRoutes()
}

// errBadParameterNotSupported is a 400 NOT_SUPPORTED refusal.
func errBadParameterNotSupported(msg string) *apiError {
	return newError(http.StatusBadRequest, typeNotSupported, "%s", msg)
}

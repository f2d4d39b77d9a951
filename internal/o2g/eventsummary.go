package o2g

import "net/http"

// The event summary (/eventSummary): the user's waiting-event counters.
// Switchboard computes the missed calls from the communication log (its
// unanswered incoming calls not acknowledged yet). It has no voicemail,
// call-back or fax service, so those counters are truly 0 rather than
// unknown; text message counters (no instant messaging either) are left
// out, which the API reads as "not provided".

const eventSummaryPkg = "eventSummary"

// EventSummary is the counters.
type EventSummary struct {
	MissedCallsNb      int  `json:"missedCallsNb"`
	VoiceMessagesNb    int  `json:"voiceMessagesNb"`
	CallBackRequestsNb int  `json:"callBackRequestsNb"`
	FaxNb              int  `json:"faxNb"`
	EventWaiting       bool `json:"eventWaiting"`
}

// EventSummaryEvent is OnEventSummaryUpdated.
type EventSummaryEvent struct {
	EventName    string       `json:"eventName"`
	LoginName    string       `json:"loginName"`
	EventSummary EventSummary `json:"eventSummary"`
}

func eventSummaryOf(missed int) EventSummary {
	return EventSummary{MissedCallsNb: missed, EventWaiting: missed > 0}
}

// eventSummaryEvent is the OnEventSummaryUpdated of u with missed calls.
func eventSummaryEvent(u *userRef, missed int) (outEvent, error) {
	const name = "OnEventSummaryUpdated"
	return userEventOf(eventSummaryPkg, name, u, EventSummaryEvent{EventName: name, LoginName: u.login, EventSummary: eventSummaryOf(missed)})
}

func (s *Server) handleEventSummary(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := s.target(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.core.MissedCallCount(r.Context(), se.who.actor, u.id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, eventSummaryOf(n))
}

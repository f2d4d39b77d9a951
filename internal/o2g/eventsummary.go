package o2g

import (
	"context"
	"net/http"
)

// The event summary (/eventSummary): the user's waiting-event counters.
// Switchboard computes the missed calls from the communication log (its
// unanswered incoming calls not acknowledged yet) and the voice messages
// from the mailbox (its messages not heard yet: what a message waiting
// indicator shows; 0 for a user without a mailbox). It has no call-back
// or fax service, so those counters are truly 0 rather than unknown; text
// message counters (no instant messaging either) are left out, which the
// API reads as "not provided".

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

func eventSummaryOf(missed, voice int) EventSummary {
	return EventSummary{MissedCallsNb: missed, VoiceMessagesNb: voice, EventWaiting: missed > 0 || voice > 0}
}

// eventSummaryEventOf is the OnEventSummaryUpdated of u with the given
// counters.
func eventSummaryEventOf(u *userRef, missed, voice int) (outEvent, error) {
	const name = "OnEventSummaryUpdated"
	return userEventOf(eventSummaryPkg, name, u, EventSummaryEvent{EventName: name, LoginName: u.login, EventSummary: eventSummaryOf(missed, voice)})
}

// eventSummaryEvent is the OnEventSummaryUpdated of u after a change of
// its missed calls; the voice message counter is read as it stands.
func (s *Server) eventSummaryEvent(ctx context.Context, u *userRef, missed int) (outEvent, error) {
	st, err := s.core.Mailbox(ctx, systemReader, u.id)
	if err != nil {
		return outEvent{}, err
	}
	return eventSummaryEventOf(u, missed, st.Unread)
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
	st, err := s.core.Mailbox(r.Context(), se.who.actor, u.id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, eventSummaryOf(n, st.Unread))
}

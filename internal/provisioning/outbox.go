package provisioning

import (
	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/store"
)

// outboxTx is the store transaction an update runs in, with the events the
// operation produced. The events are published only once the transaction
// has committed, so a subscriber never hears of a change that was rolled
// back, and every path that creates or deletes a user (a plain add, a
// consolidated add, a group purge) reports it from the one helper it
// shares.
type outboxTx struct {
	store.Tx
	events []events.Event
}

// emit records ev on the transaction tx, when tx is an update's.
func emit(tx store.Tx, ev events.Event) {
	if o, ok := tx.(*outboxTx); ok {
		o.events = append(o.events, ev)
	}
}

// userEvent is an event about user u.
func userEvent(k events.Kind, u store.User) events.Event {
	return events.Event{Kind: k, UserID: u.ID, SPID: u.SPID, GroupID: u.GroupID}
}

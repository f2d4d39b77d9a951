package o2g

import (
	"errors"
	"strings"
)

// ComlogWatch registers in the hub, by hand, a subscription of the
// latest session logged in as login to the given packages (every user the
// session covers), so that tests see what the comlog family emits without
// an event stream. take returns the event lines queued since the last
// call.
func (s *Server) ComlogWatch(login string, pkgs ...string) (take func() []string, err error) {
	var se *session
	for _, o := range s.sessions.all() {
		if strings.EqualFold(o.login(), login) && (se == nil || o.created.After(se.created)) {
			se = o
		}
	}
	if se == nil {
		return nil, errors.New("no session of " + login)
	}
	sel := map[string][]*selection{}
	for _, p := range pkgs {
		sel[p] = []*selection{{allUsers: true}}
	}
	sub := newSubscription("comlog-test-"+newToken(), se, 0, sel)
	s.hub.mu.Lock()
	s.hub.add(sub)
	s.hub.mu.Unlock()
	return func() []string {
		sub.mu.Lock()
		defer sub.mu.Unlock()
		var out []string
		for _, l := range sub.queue {
			out = append(out, string(l))
		}
		sub.queue = nil
		return out
	}, nil
}

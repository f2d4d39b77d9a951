package ocipserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
)

// Pipeline is the Processor: decode → per command (session commands,
// login check, dispatch to a handler, error mapping) → encode. It owns no
// goroutines and keeps no per-connection state of its own; login state
// lives in the Binder's LoginState.
type Pipeline struct {
	core   *provisioning.Core
	log    *slog.Logger
	routes routes
	// maxSize bounds a request document in bytes (0: the codec default).
	maxSize int
}

var _ Processor = (*Pipeline)(nil)

// NewPipeline builds the pipeline over the domain core.
func NewPipeline(c *provisioning.Core, log *slog.Logger, maxSize int) *Pipeline {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{core: c, log: log, maxSize: maxSize, routes: implementedRoutes()}
}

// Implemented reports whether the server executes a command (rather than
// answering that it is not supported).
func Implemented(name string) bool {
	_, ok := implementedRoutes()[name]
	return ok
}

var (
	routesOnce sync.Once
	routeTable routes
)

// implementedRoutes is the route table, built once; handlers are
// stateless, so every pipeline shares it.
func implementedRoutes() routes {
	routesOnce.Do(func() { routeTable = buildRoutes() })
	return routeTable
}

// call is one command's execution context.
type call struct {
	ctx   context.Context
	p     *Pipeline
	state *LoginState
	actor *provisioning.Actor
	b     Binder
}

type handler func(c *call, cmd ocixml.Command) ocixml.Command

type routes map[string]handler

// on registers the handler for a request type; T is the generated type.
func on[T ocixml.Command](r routes, name string, f func(c *call, req T) ocixml.Command) {
	if _, dup := r[name]; dup {
		panic("ocipserver: two handlers for " + name)
	}
	r[name] = func(c *call, cmd ocixml.Command) ocixml.Command {
		req, ok := cmd.(T)
		if !ok {
			return ocip.CodeInternal.Response(name + " has an unexpected Go type")
		}
		return f(c, req)
	}
}

// sessionCommands run before the login check.
var sessionCommands = map[string]bool{
	"AuthenticationRequest": true, "LoginRequest13mp10": true, "LoginRequest14sp4": true,
	"LoginRequest21sp1": true, "LoginRequest22": true, "LoginRequest22V2": true, "LoginRequest22V3": true,
	"LoginRequest22V4": true, "LoginRequest22V5": true, "LogoutRequest": true,
}

// Process implements Processor.
func (p *Pipeline) Process(ctx context.Context, b Binder, raw []byte, fromSOAP bool) ([]byte, bool) {
	opt := ocip.DecodeOptions{MaxSize: p.maxSize}
	var doc *ocip.Document
	var err error
	if fromSOAP {
		doc, err = ocip.DecodeString(string(raw), opt)
	} else {
		doc, err = ocip.Decode(raw, opt)
	}
	out := &ocip.Document{SessionID: doc.SessionID, UserID: doc.UserID, PhoneNumber: doc.PhoneNumber,
		LinePort: doc.LinePort, ExternalUserIdentity: doc.ExternalUserIdentity}
	if err != nil {
		// The document as a whole is unusable: one 6004 reply, the shape
		// BroadWorks uses for a document that fails validation.
		p.log.Debug("ocip: rejected document", "transport", b.Transport(), "remote", b.RemoteAddr(), "err", err)
		out.Commands = []ocixml.Command{ocip.ValidationError(err)}
		return out.AppendXML(make([]byte, 0, 512)), false
	}
	if doc.SessionID == "" {
		// Session-less identities (userId, phoneNumber, linePort) need an
		// external-authentication ACL, which Switchboard does not offer.
		out.Commands = make([]ocixml.Command, len(doc.Commands))
		for i := range doc.Commands {
			out.Commands[i] = ocip.CodeUnauthorized.Response()
		}
		return out.AppendXML(make([]byte, 0, 512)), false
	}
	st := b.State(doc.SessionID)
	p.refresh(ctx, st)
	out.Commands = make([]ocixml.Command, len(doc.Commands))
	refused := 0
	for i, cmd := range doc.Commands {
		resp, notLogged := p.run(ctx, b, st, cmd)
		if notLogged {
			refused++
		}
		if e, ok := cmd.(interface{ EchoAttr() string }); ok {
			if echo := e.EchoAttr(); echo != "" {
				if r, ok := resp.(interface{ SetEchoAttr(string) }); ok {
					r.SetEchoAttr(echo)
				}
			}
		}
		out.Commands[i] = resp
	}
	return out.AppendXML(make([]byte, 0, 1024)), refused == len(doc.Commands)
}

// refresh re-reads the session's identity once per document, so rights
// removed since the login (account deleted or disabled, level changed)
// apply now. A store failure keeps the identity: the commands themselves
// will meet the same failure and report it.
func (p *Pipeline) refresh(ctx context.Context, st *LoginState) {
	st.Mu.Lock()
	defer st.Mu.Unlock()
	a, _ := st.Principal.(*provisioning.Actor)
	if a == nil {
		return
	}
	fresh, err := p.core.Refresh(ctx, a)
	if e, ok := provisioning.AsError(err); ok && e.Kind == provisioning.KindNotLoggedIn {
		st.Reset()
		return
	}
	if err == nil {
		st.Principal = fresh
	}
}

// run executes one command; notLoggedIn reports a refusal for lack of a
// login.
func (p *Pipeline) run(ctx context.Context, b Binder, st *LoginState, cmd ocixml.Command) (resp ocixml.Command, notLoggedIn bool) {
	name := cmd.XSIType()
	defer func() {
		if r := recover(); r != nil {
			id := newIncident()
			p.log.Error("ocip: handler panic", "incident", id, "command", name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			resp, notLoggedIn = ocip.CodeInternal.Response(id), false
		}
	}()
	// LogoutRequest is executed whatever its reason says: a client that
	// sends an out-of-schema reason still means to log out.
	if name != "LogoutRequest" {
		if err := cmd.Validate(); err != nil {
			return ocip.ValidationError(ocixml.At("command["+name+"]", err)), false
		}
	}
	st.Mu.Lock()
	actor, _ := st.Principal.(*provisioning.Actor)
	if !sessionCommands[name] {
		st.Mu.Unlock()
		if actor == nil {
			return ocip.CodeNotLoggedIn.Response(), true
		}
	} else {
		// Session commands change the state: keep it locked while they run.
		defer st.Mu.Unlock()
	}
	h, ok := p.routes[name]
	if !ok {
		return ocip.CodeNotSupported.Response(name), false
	}
	return h(&call{ctx: ctx, p: p, state: st, actor: actor, b: b}, cmd), false
}

// fail renders an error from the core (or anywhere) as an ErrorResponse;
// unexpected failures get an incident id that is also logged.
func (c *call) fail(err error) ocixml.Command {
	if e, ok := provisioning.AsError(err); ok {
		r := errorResponse(e)
		if r != nil {
			return r
		}
	}
	id := newIncident()
	c.p.log.Error("ocip: command failed", "incident", id, "user", c.actorID(), "err", err)
	return ocip.CodeInternal.Response(id)
}

func (c *call) actorID() string {
	if c.actor == nil {
		return ""
	}
	return c.actor.ID
}

func errorResponse(e *provisioning.Error) *core.ErrorResponse {
	arg := func(i int) string {
		if i < len(e.Args) {
			return e.Args[i]
		}
		return ""
	}
	var r *core.ErrorResponse
	switch e.Kind {
	case provisioning.KindNotFound:
		r = ocip.CodeNotFound.Response(arg(0), arg(1))
	case provisioning.KindExists:
		r = ocip.CodeAlreadyExists.Response(arg(0), arg(1))
	case provisioning.KindInUse:
		r = ocip.CodeInUse.Response(arg(0), arg(1))
	case provisioning.KindLimit:
		r = ocip.CodeLimitExceeded.Response(arg(0))
	case provisioning.KindInvalid:
		r = ocip.CodeInvalidValue.Response(arg(0), arg(1))
	case provisioning.KindUnauthorized:
		r = ocip.CodeUnauthorized.Response()
	case provisioning.KindUserNotFound:
		r = ocip.CodeUserNotFound.Response(arg(0))
	case provisioning.KindDomainAssigned:
		r = ocip.CodeDomainAlreadyAssigned.Response(arg(0))
	case provisioning.KindServiceAssign:
		r = ocip.CodeServiceAssignFailed.Response(arg(0))
	case provisioning.KindBadPassword:
		r = ocip.CodeInvalidPassword.Response()
	case provisioning.KindDisabled:
		r = ocip.CodeAccountDisabled.Response()
	case provisioning.KindNotLoggedIn:
		r = ocip.CodeNotLoggedIn.Response()
	default:
		return nil
	}
	if e.Detail != "" {
		r.Detail = ocixml.Ptr(e.Detail)
	}
	return r
}

func newIncident() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// success is the shared SuccessResponse.
func success() ocixml.Command { return &core.SuccessResponse{} }

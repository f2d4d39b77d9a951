package provisioning

import (
	"errors"
	"fmt"
)

// Kind classifies a refusal so each facade can render it in its own error
// form (OCI-P error code, O2G HTTP status) from one source.
type Kind int

const (
	KindInternal       Kind = iota
	KindNotFound            // Args: what, id
	KindExists              // Args: what, id
	KindInUse               // Args: what, id
	KindLimit               // Args: what
	KindInvalid             // Args: field, reason
	KindUnauthorized        // no args
	KindUserNotFound        // Args: userId
	KindDomainAssigned      // Args: domain
	KindServiceAssign       // Args: service name
	KindBadPassword         // no args
	KindDisabled            // no args
	KindNotLoggedIn         // no args
)

var kindNames = [...]string{"internal", "not found", "exists", "in use", "limit", "invalid", "unauthorized",
	"user not found", "domain assigned", "service assign", "bad password", "disabled", "not logged in"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a refusal by a provisioning rule. It is never a partial
// success: the operation that returns it changed nothing.
type Error struct {
	Kind Kind
	Args []string
	// Detail is optional extra text for the client (which rule).
	Detail string
}

func (e *Error) Error() string {
	s := "provisioning: " + e.Kind.String()
	for _, a := range e.Args {
		s += ": " + a
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

func newErr(k Kind, args ...string) *Error { return &Error{Kind: k, Args: args} }

func errNotFound(what, id string) *Error { return newErr(KindNotFound, what, id) }
func errExists(what, id string) *Error   { return newErr(KindExists, what, id) }
func errInUse(what, id string) *Error    { return newErr(KindInUse, what, id) }
func errLimit(what string) *Error        { return newErr(KindLimit, what) }
func errInvalid(field, reason string) *Error {
	return newErr(KindInvalid, field, reason)
}

// ErrUnauthorized is the refusal for a login whose level or scope does not
// cover the command or its target.
var ErrUnauthorized = &Error{Kind: KindUnauthorized}

// AsError extracts the *Error from err, if it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

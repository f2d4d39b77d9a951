package o2g

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/switchboard/switchboard/internal/provisioning"
)

// errType is one of O2G's error types, with its code and whether a client
// may retry. Every error response carries one, in a RestErrorInfo body.
type errType struct {
	name  string
	code  int
	retry bool
}

// The error types of the API, with the codes and retry flags the
// specification gives them.
var (
	typeNotReady      = errType{"NOT_READY", 1000, true}
	typeInvalidSess   = errType{"INVALID_SESSION", 1001, true}
	typeNotAllowed    = errType{"NOT_ALLOWED", 1002, false}
	typeNotFound      = errType{"NOT_FOUND", 1003, true}
	typeNotExpected   = errType{"NOT_EXPECTED", 1004, true}
	typeNotSupported  = errType{"NOT_SUPPORTED", 1005, false}
	typeBadParameter  = errType{"BAD_PARAMETER", 1006, true}
	typeServerProblem = errType{"SERVER_PROBLEM", 1007, false}
)

// RestErrorInfo is the body of every error response.
type RestErrorInfo struct {
	HTTPStatus      string           `json:"httpStatus"`
	Code            int              `json:"code"`
	Type            string           `json:"type"`
	HelpMessage     string           `json:"helpMessage"`
	InnerMessage    string           `json:"innerMessage,omitempty"`
	CanRetry        bool             `json:"canRetry"`
	Routing         *RoutingError    `json:"routing,omitempty"`
	UserPreferences *PreferenceError `json:"userPreferences,omitempty"`
}

// RoutingError details a refused routing request.
type RoutingError struct {
	ErrorType       string `json:"errorType"`
	DestinationType string `json:"destinationType,omitempty"`
	ErrorCause      string `json:"errorCause"`
	Message         string `json:"message,omitempty"`
}

// PreferenceError details a refused preference change.
type PreferenceError struct {
	ErrorType string `json:"errorType"`
	Parameter string `json:"parameter,omitempty"`
}

// apiError is an error answered to the client.
type apiError struct {
	status int
	typ    errType
	help   string
	// inner is for support: the detail behind help, or an incident id
	// that is also in the server log.
	inner   string
	routing *RoutingError
	prefs   *PreferenceError
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.typ.name, e.help)
}

func newError(status int, t errType, format string, args ...any) *apiError {
	return &apiError{status: status, typ: t, help: fmt.Sprintf(format, args...)}
}

func errBadParameter(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, typeBadParameter, format, args...)
}

func errNotFound(format string, args ...any) *apiError {
	return newError(http.StatusNotFound, typeNotFound, format, args...)
}

func errNotAllowed(format string, args ...any) *apiError {
	return newError(http.StatusForbidden, typeNotAllowed, format, args...)
}

// errInvalidSession answers a request without a live session.
var errInvalidSession = &apiError{status: http.StatusForbidden, typ: typeInvalidSess,
	help: "No valid session found for the given identifier. Authenticate and open a session first."}

// statusName is the Spring HttpStatus name real servers put in
// httpStatus, e.g. NOT_FOUND for 404.
func statusName(code int) string {
	switch code {
	case http.StatusRequestEntityTooLarge:
		return "PAYLOAD_TOO_LARGE"
	case http.StatusUnsupportedMediaType:
		return "UNSUPPORTED_MEDIA_TYPE"
	}
	t := http.StatusText(code)
	if t == "" {
		return "INTERNAL_SERVER_ERROR"
	}
	return strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_", "'", "").Replace(t))
}

// asAPIError turns any error into what the client is answered. Core
// refusals keep their meaning; anything else is an internal failure whose
// detail goes to the log only, under an incident id the client also sees.
func (s *Server) asAPIError(r *http.Request, err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	if e, ok := provisioning.AsError(err); ok {
		msg := strings.TrimPrefix(e.Error(), "provisioning: ")
		switch e.Kind {
		case provisioning.KindUserNotFound, provisioning.KindNotFound:
			return errNotFound("%s", msg)
		case provisioning.KindUnauthorized:
			return errNotAllowed("%s", msg)
		case provisioning.KindNotLoggedIn:
			return errInvalidSession
		case provisioning.KindInvalid, provisioning.KindExists, provisioning.KindInUse, provisioning.KindLimit,
			provisioning.KindDomainAssigned, provisioning.KindServiceAssign:
			return errBadParameter("%s", msg)
		case provisioning.KindBadPassword, provisioning.KindDisabled:
			return newError(http.StatusUnauthorized, typeNotAllowed, "%s", msg)
		}
	}
	id := rand.Text()[:12]
	s.log.Error("o2g: internal error", "incident", id, "method", r.Method, "path", r.URL.Path, "err", err)
	return &apiError{status: http.StatusInternalServerError, typ: typeServerProblem,
		help: "The server could not process the request.", inner: "incident " + id}
}

// fail writes err as a RestErrorInfo response.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	ae := s.asAPIError(r, err)
	body := RestErrorInfo{HTTPStatus: statusName(ae.status), Code: ae.typ.code, Type: ae.typ.name, HelpMessage: ae.help,
		InnerMessage: ae.inner, CanRetry: ae.typ.retry, Routing: ae.routing, UserPreferences: ae.prefs}
	writeJSON(w, ae.status, body)
}

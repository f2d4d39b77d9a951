package ocip

import (
	"errors"
	"strconv"

	"github.com/switchboard/switchboard/ocip/schema/core"
)

// ErrClosed is returned by calls on a Client after Close.
var ErrClosed = errors.New("ocip: client closed")

// ErrorResponse is a server's ErrorResponse to one command, as a Go error.
// Every call returns it as *ErrorResponse, so errors.As finds it even when
// it is wrapped (for example in a login failure).
type ErrorResponse struct {
	// Code is the errorCode element, or 0 when the server sent none.
	Code int
	// Summary is in the requested locale; SummaryEnglish is always English.
	// Both usually read "[Error NNNN] text".
	Summary, SummaryEnglish string
	Detail                  string
	// Type is the severity attribute: "Error", "Warning" or "Info". A
	// Warning or Info reply is still returned as an error, because the
	// command did not produce the response it asks for.
	Type string
	// Command is the name of the request that was refused.
	Command string
}

func (e *ErrorResponse) Error() string {
	s := e.SummaryEnglish
	if s == "" {
		s = e.Summary
	}
	if s == "" {
		s = "[Error " + strconv.Itoa(e.Code) + "]"
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return "ocip: " + e.Command + ": " + s
}

// newErrorResponse converts the wire type for the request named cmd.
func newErrorResponse(r *core.ErrorResponse, cmd string) *ErrorResponse {
	e := &ErrorResponse{Summary: r.Summary, SummaryEnglish: r.SummaryEnglish, Type: string(r.Type), Command: cmd}
	if r.ErrorCode != nil {
		e.Code = int(*r.ErrorCode)
	}
	if r.Detail != nil {
		e.Detail = *r.Detail
	}
	if e.Type == "" {
		e.Type = "Error"
	}
	return e
}

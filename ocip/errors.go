package ocip

//go:generate go run errors_generate.go

import (
	"errors"
	"strconv"
	"strings"

	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
)

// ErrorCode is the number in an ErrorResponse's "[Error NNNN] …" summary.
// The known codes are generated from errors.json (errors_gen.go).
type ErrorCode int32

type errorSpec struct {
	name, text, origin string
	placeholders       int
}

// Name is the code's name in errors.json ("UserNotFound"), or "" when the
// code is not in the table.
func (c ErrorCode) Name() string { return errorTable[c].name }

// Summary formats the code's text, filling its {placeholders} with args in
// order, in the "[Error NNNN] text" form every client parses.
func (c ErrorCode) Summary(args ...string) string {
	text := "Error"
	if s, ok := errorTable[c]; ok {
		text = fill(s.text, args)
	}
	return "[Error " + strconv.Itoa(int(c)) + "] " + text
}

// Response builds the ErrorResponse for c as real servers write it:
// summary and summaryEnglish equal, type Error.
func (c ErrorCode) Response(args ...string) *core.ErrorResponse {
	s := c.Summary(args...)
	return &core.ErrorResponse{Type: core.ErrorResponseTypeError, ErrorCode: ocixml.Ptr(int32(c)), Summary: s, SummaryEnglish: s}
}

// fill replaces each {name} in text with the next arg; missing args leave
// the placeholder empty rather than leaking template syntax to clients.
func fill(text string, args []string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		j := strings.IndexByte(text, '}')
		if i < 0 || j < i {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		if len(args) > 0 {
			b.WriteString(args[0])
			args = args[1:]
		}
		text = text[j+1:]
	}
}

// NewErrorResponse builds an ErrorResponse with a code and free text, for
// codes outside the table.
func NewErrorResponse(code int, text, detail string) *core.ErrorResponse {
	s := "[Error " + strconv.Itoa(code) + "] " + text
	r := &core.ErrorResponse{Type: core.ErrorResponseTypeError, ErrorCode: ocixml.Ptr(int32(code)), Summary: s, SummaryEnglish: s}
	if detail != "" {
		r.Detail = ocixml.Ptr(detail)
	}
	return r
}

// ValidationError turns a decoding or validation failure into the 6004
// ErrorResponse a BroadWorks server answers with, the precise path and rule
// going into the detail.
func ValidationError(err error) *core.ErrorResponse {
	detail := err.Error()
	var e *ocixml.Error
	if errors.As(err, &e) {
		detail = e.Error()
	}
	r := CodeValidation.Response()
	r.Detail = ocixml.Ptr(detail)
	return r
}

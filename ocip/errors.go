package ocip

import (
	"errors"
	"strconv"

	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
)

// CodeValidation is the BroadWorks error code for a request that fails
// schema validation ("OCI XML Request validation error").
const CodeValidation = 6004

// NewErrorResponse builds an ErrorResponse in the form real servers send:
// summary and summaryEnglish both "[Error NNNN] text", type Error.
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
	return NewErrorResponse(CodeValidation, "OCI XML Request validation error", detail)
}

// Package ocip is the public Go SDK for BroadWorks OCI-P: a client over a
// pool of logged-in TCP or TLS connections (Dial, Do, Batch, Raw), the
// BroadsoftDocument envelope (Document, Decode, AppendXML), the OCI-P error
// codes and ErrorResponse helpers, and the signed-password functions of
// the two-step login.
//
// The wire codec lives in ocip/ocixml and the generated command types, one
// per schema type, in the ocip/schema packages, whose registry maps a
// command name to its type and to the response it is answered with.
// Everything encoded is in the canonical form real servers send: ASCII
// only, ISO-8859-1 declaration, xmlns="" on sessionId and command, c:
// prefixed SuccessResponse and ErrorResponse, a newline after the root.
package ocip

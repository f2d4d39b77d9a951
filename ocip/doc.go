// Package ocip is the public Go SDK for BroadWorks OCI-P: a client over a
// pool of logged-in sessions (Dial, Do, Send, Batch, Raw, BuildRequest,
// ScanTable), the BroadsoftDocument envelope (Document, Decode,
// AppendXML), the OCI-P error codes and ErrorResponse helpers, and the
// signed-password functions of the two-step login.
//
// # Client
//
// A Client holds Config.Conns sessions, each logged in on its own: TCP or
// TLS sockets (Config.Addr, Config.TLS), or SOAP sessions over HTTP(S)
// (Config.URL), each with its own OCI sessionId and JSESSIONID cookie.
// LoginAuto signs the password with the server's nonce on unencrypted
// transports and sends LoginRequest22V5 over TLS and HTTPS.
//
// Each session is fed by one goroutine. When it is free it takes whatever
// calls are queued, up to Config.MaxBatch commands (15, the schema's
// limit), and sends them as one document; it never waits for more, so a
// lone call is not delayed. Concurrent Send and Do calls therefore share
// documents under load, and a Batch is cut into chunks that each travel
// whole and in order in one document.
//
// OCI-P pairs replies with requests only by position, so every failure
// closes the session it happened on, and the session is redialled and
// logged in again on next use: a late reply can never be taken for the
// answer to a later request. A command whose session broke may or may not
// have run; it is not retried. A caller whose context ends while queued is
// never sent; one whose command is already on the wire returns at once and
// its reply is discarded. Config.MaxConnAge recycles old sessions and
// Config.KeepAlive keeps idle ones from the server's idle timeout.
//
// Config.Trace sees every document sent and received, after Redact has
// masked every password and passcode the schema defines; Config.Logger
// gets a debug record per exchange (commands, duration, error codes),
// never a payload.
//
// # Codec
//
// The wire codec lives in ocip/ocixml and the generated command types, one
// per schema type, in the ocip/schema packages, whose registry maps a
// command name to its type and to the response it is answered with.
// Everything encoded is in the canonical form real servers send: ASCII
// only, ISO-8859-1 declaration, xmlns="" on sessionId and command, c:
// prefixed SuccessResponse and ErrorResponse, a newline after the root.
package ocip

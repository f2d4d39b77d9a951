// Package ocipserver serves BroadWorks OCI-P to unmodified third-party
// clients over the three transports real servers offer: plain TCP (port
// 2208), implicit TLS (2209) and SOAP over HTTP(S) at SOAPPath.
//
// The transports (server.go, tcp.go, soap.go, wsdl.go, limits.go) only
// move bytes and keep login state. Everything about a document's meaning
// sits behind the Processor interface (contract.go), which the pipeline
// implements.
//
// # Request path: TCP and TLS
//
//	accept loop (Server.serve, one per listener)
//	  -> connection limits (connLimiter): over a limit, close at once
//	  -> one goroutine per connection (conn.serve); TLS handshake first
//	  -> ocixml.FrameReader: cut at the root end tag, size limit, idle
//	     timeout before a document, read timeout within one
//	  -> Processor.Process(ctx, conn, doc, false); conn is the Binder and
//	     holds the connection's single LoginState
//	  -> one Write of the response (always ending in "\n"), then the next
//	     document: strictly one at a time, answers in order
//
// A framing error cannot be recovered from (the framer does not
// resynchronise), so it ends the connection; when the client may still be
// waiting (oversized, unframeable or stalled document) it first gets an
// [Error 6004] ErrorResponse. A document read completely is always
// answered before the connection closes, Shutdown included; if Process
// panics the answer is [Error 9999] and the connection closes after it.
// The login ends with the socket.
//
// # Request path: SOAP
//
//	caller's http.Server and mux -> Server.SOAPHandler at SOAPPath
//	  GET ?wsdl -> the WSDL, its soap:address from PublicURL or the request
//	  POST      -> body (size-capped) -> ocixml.UnwrapSOAPRequestCharset
//	            -> soapBinder: HTTP session from JSESSIONID, else (lenient)
//	               the session where the OCI session id is live, else a
//	               new session chosen on the first Binder.State call
//	            -> Processor.Process(ctx, binder, doc, true)
//	            -> HTTP 200 AppendSOAPResponse, or HTTP 500 Fault when
//	               notLoggedIn (and for envelopes that cannot be read)
//
// An HTTP session keeps one LoginState per OCI session id; requests of one
// session may run concurrently, which is why LoginState has a mutex.
//
// # Goroutines
//
//   - Start: one accept loop per listener it opens. ServeTCP and ServeTLS
//     run the accept loop in the caller's goroutine.
//   - One goroutine per TCP/TLS connection, which alone reads and writes
//     the socket.
//   - SOAP requests run in the caller's http.Server goroutines; Shutdown
//     waits for those in flight.
//   - The session janitor, started by the first SOAPHandler call.
//
// Shutdown closes the listeners and idle connections, waits for the rest
// to answer what they have read, and stops the janitor; every goroutine
// above has ended when it returns nil.
//
// # Locks
//
// Lock order: Server.mu -> sessionTable.mu -> LoginState.Mu. The per-request
// soapBinder.mu comes before sessionTable.mu and LoginState.Mu (the binder
// never holds the table's lock while taking a LoginState's). connLimiter.mu
// and conn.sidMu are leaves. No transport lock is held while Process runs,
// and Process may call Binder.State at any time during its call.
package ocipserver

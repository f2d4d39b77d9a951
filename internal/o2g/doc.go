// Package o2g is the ALE O2G REST facade: the API OmniPCX CTI and
// contact-center applications are written against, served wire-compatibly
// over the same domain core as OCI-P, so a user provisioned over OCI-P can
// log in to O2G at once and a change made through either facade shows up,
// and is evented, in the other.
//
// # Request path
//
//	HTTPS listener ── Handler (http.ServeMux, Go 1.22 patterns under Root)
//	  GET  /api/rest                      descriptor (no session)
//	  GET  /api/rest/authenticate         Basic auth → credential, Set-Cookie AlcUserId (Path=/)
//	  POST /api/rest/1.0/sessions         credential cookie → session (one per cookie)
//	  …    /api/rest/1.0/<service>/…      withSession: cookie → session, TTL pushed back
//	                                        → target/pathUser: the loginName rule
//	                                        → core call with the session's actor
//	                                        → JSON, or RestErrorInfo on any error
//	  GET|POST /api/rest/OTEvents?subscriptionId=…   chunked event stream, by unguessable id
//
// Every error, 401 included, is a RestErrorInfo body (errors.go): the
// error types with their codes and retry flags, Spring's status names in
// httpStatus, and for internal failures an incident id shared by the
// response and the log.
//
// # Identity
//
// O2G administrators are Switchboard administrators (id and password);
// their core scope bounds which users they may act for. O2G users are the
// core's users: see identity.go for the login name mapping (oxe<digits of
// the phone number> with the portal passcode as secret code, or user id
// and password in LoginUserID mode). A supervised session is an
// administrator's session acting as one user; it obeys the user rules.
//
// # Sessions
//
// Sessions live in memory, as on real servers: a restart logs every
// client out, and the SDKs recover by authenticating again. Each has a
// time to live (default 1800 s) pushed back by every request; a purge loop
// ends expired ones. Ending a session closes its ended channel, which
// ends its subscriptions and streams.
//
// # Events
//
// Domain events (internal/events) reach the hub's dispatch goroutine,
// where a translator per kind reads the fresh state once and builds the
// O2G event; the hub hands it to the subscriptions that may select it
// (indexed by user), each of which queues it for its stream. Communication
// log and voicemail changes go through the bus too, so that a multi-node
// bus delivers them to streams on any node; only snapshots, which answer
// the session that asked, are emitted directly.
//
// # Lock order
//
// hub.mu → subscription.mu. sessionTable.mu is a leaf: nothing else is
// locked while it is held. No core call is made under any of them.
package o2g

// Command switchboard is the single binary of Switchboard, an open telephony
// control plane. It serves the BroadWorks OCI-P API and the ALE O2G REST
// API over one shared state, and carries the OCI-P client tooling.
//
// Subcommands:
//
//	serve          run the server: OCI-P over TCP, TLS and SOAP, and O2G
//	               (/api/rest) on the HTTPS listener, on the embedded SQLite
//	               store (or PostgreSQL), /healthz and /metrics. Each flag falls back to the environment variable
//	               SWITCHBOARD_<FLAG> (e.g. SWITCHBOARD_DATA_DIR). SIGTERM
//	               drains in-flight requests and exits 0.
//	oci commands   list the OCI-P requests, one a line:
//	               "<Request> <DataResponse|Success/Error>[ deprecated]";
//	               --search, --deprecated=false, --implemented (only the
//	               commands the server executes) and --count narrow or
//	               summarise the list; --describe <Command> prints its
//	               elements, types, occurrences, constraints and enumeration
//	               values, and its response's.
//	oci send       send one request built from field=value arguments (or
//	               --json) and print the response as a table, JSON, CSV or
//	               XML; the request is checked against the schema first.
//	oci raw        send the commands of a document read from standard input
//	               in one document and print the responses.
//	bulk <kind>    provision objects from a CSV sheet (service-providers,
//	               groups, numbers, users, call-centers, admins): dry run,
//	               concurrency, progress, a results file and resume;
//	               bulk template <kind> writes an annotated sheet.
//	audit          report on a group (audit group <sp> <group>) or a user
//	               (audit user <id>) as a table, JSON or CSV.
//	find           find the users behind an alias, a number or an extension.
//	bench          start a server on a temporary folder and measure it
//	               over TCP; bench client measures the SDK against it, and
//	               bench o2g the O2G event streams (docs/PERFORMANCE.md).
//	version        print the switchboard version and the Go version.
//
// Every command that connects to a server takes the connection flags of
// connect.go (--transport, --addr, --url, --ca, --user, --login, --conns,
// --timeout, --profile, --config), each also read from SWITCHBOARD_<FLAG>;
// the password comes from --password-file, the variable named by
// --password-env (default SWITCHBOARD_PASSWORD) or a terminal prompt.
//
// Errors are printed once to stderr and make the process exit with status 1.
package main

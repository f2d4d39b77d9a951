// Command switchboard is the single binary of Switchboard, an open telephony
// control plane. It serves the BroadWorks OCI-P API (O2G is planned) and
// carries the OCI-P client tooling.
//
// Subcommands:
//
//	serve          run the server: OCI-P over TCP, TLS and SOAP on the
//	               embedded SQLite store (or PostgreSQL), /healthz and
//	               /metrics. Each flag falls back to the environment variable
//	               SWITCHBOARD_<FLAG> (e.g. SWITCHBOARD_DATA_DIR). SIGTERM
//	               drains in-flight requests and exits 0.
//	oci commands   list the OCI-P requests, one a line:
//	               "<Request> <DataResponse|Success/Error>[ deprecated]";
//	               --search, --deprecated=false, --implemented (only the
//	               commands the server executes) and --count narrow or
//	               summarise the list; --describe <Command> prints its
//	               elements, types, occurrences, constraints and enumeration
//	               values, and its response's.
//	bench          start a server on a temporary folder and measure it
//	               over TCP (docs/PERFORMANCE.md).
//	version        print the switchboard version and the Go version.
//
// Errors are printed once to stderr and make the process exit with status 1.
package main

// Command switchboard is the single binary of Switchboard, an open telephony
// control plane. It will serve the BroadWorks OCI-P and ALE O2G APIs and
// carries the OCI-P client tooling.
//
// Subcommands:
//
//	serve          run the OCI-P and O2G server (not implemented in this
//	               build yet: it exits non-zero). Its flags are the server's
//	               configuration contract; each falls back to the environment
//	               variable SWITCHBOARD_<FLAG> (e.g. SWITCHBOARD_DATA_DIR).
//	oci commands   list the OCI-P requests, one a line:
//	               "<Request> <DataResponse|Success/Error>[ deprecated]";
//	               --search, --deprecated=false and --count narrow or
//	               summarise the list.
//	version        print the switchboard version and the Go version.
//
// Errors are printed once to stderr and make the process exit with status 1.
package main

// Package bulk provisions BroadWorks objects from spreadsheets: one CSV
// sheet per kind of object (users, service providers, groups, numbers,
// call centers, administrators), one object per row.
//
// A sheet is read and every row checked against the OCI-P schema before
// anything is sent (ReadSheet, Sheet.Plan), so a dry run reports every
// problem at once. Run then executes the valid rows concurrently over a
// client pool. A row is all or nothing: a row of one command relies on
// the server running that command atomically; a row of several runs them
// in order and, when a later one fails, sends the undo of each earlier one
// (the delete of what it created) before reporting the row failed.
//
// Rows of one sheet are independent and run in any order. Objects that
// depend on others (a group on its service provider, a user on its group)
// belong in separate sheets run in that order.
//
// Each finished row is appended to a results file as it finishes, which
// is what lets an interrupted or partly failed run be resumed: rows
// recorded ok, with the same line and the same content, are skipped.
package bulk

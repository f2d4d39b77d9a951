// Package store is the persistence port of Switchboard: the record types
// the domain core reads and writes, and the Store/Tx interfaces that the
// SQL implementation (package sqlstore, on SQLite or PostgreSQL) provides.
//
// The core never sees SQL. Every write happens inside Store.Update, which
// is atomic and durable; multi-step provisioning commands (consolidated
// adds) are one Update, so a failure part-way leaves nothing behind.
package store

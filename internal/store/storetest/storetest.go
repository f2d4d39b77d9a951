// Package storetest is the conformance suite of store.Store: every
// implementation runs it (sqlstore on SQLite and on PostgreSQL), so the
// domain core can rely on one behaviour whatever the engine.
package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/switchboard/switchboard/internal/store"
)

// Opener makes a new, empty database for one test and returns a function
// that opens a Store on it. The suite may call that function again after
// closing the Store it returned (to check what survives a restart); the
// suite closes every Store it opens.
type Opener func(t *testing.T) func(t *testing.T) store.Store

// Run runs the whole suite, each test on a database of its own.
func Run(t *testing.T, newDB Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Settings", testSettings},
		{"Domains", testDomains},
		{"Resellers", testResellers},
		{"ServiceProviders", testServiceProviders},
		{"DomainAssignment", testDomainAssignment},
		{"Groups", testGroups},
		{"Departments", testDepartments},
		{"DNs", testDNs},
		{"Users", testUsers},
		{"UserUniqueness", testUserUniqueness},
		{"UserLookups", testUserLookups},
		{"UpdateDeleteUser", testUpdateDeleteUser},
		{"ListUsers", testListUsers},
		{"ListUsersPaging", testListUsersPaging},
		{"Admins", testAdmins},
		{"ServiceAuth", testServiceAuth},
		{"ServicePacks", testServicePacks},
		{"ServiceAssignment", testServiceAssignment},
		{"Devices", testDevices},
		{"CallCenters", testCallCenters},
		{"Agents", testAgents},
		{"UserRouting", testUserRouting},
		{"ComLog", testComLog},
		{"Voicemail", testVoicemail},
		{"Atomicity", testAtomicity},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"Context", testContext},
		{"View", testView},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newDB(t)(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
	t.Run("Durability", func(t *testing.T) { testDurability(t, newDB(t)) })
}

// update runs fn in an Update that must succeed.
func update(t *testing.T, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in a View that must succeed.
func view(t *testing.T, s store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// ok fails the test on a non-nil error.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// is fails the test unless errors.Is(err, want).
func is(t *testing.T, err, want error, doing string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", doing, err, want)
	}
}

// equal fails the test unless got and want are deeply equal.
func equal(t *testing.T, got, want any, what string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

// collect gathers what a List* walk yields.
func collect[T any](t *testing.T, list func(func(T) bool) error) []T {
	t.Helper()
	var out []T
	ok(t, list(func(v T) bool { out = append(out, v); return true }))
	return out
}

// first gathers the first n values of a walk, checking it stops there.
func first[T any](t *testing.T, n int, list func(func(T) bool) error) []T {
	t.Helper()
	var out []T
	ok(t, list(func(v T) bool {
		out = append(out, v)
		return len(out) < n
	}))
	if len(out) != n {
		t.Fatalf("walk stopped after %d values, want %d", len(out), n)
	}
	return out
}

package ocipserver

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"slices"
	"testing"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedsystem"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/login"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/system"
)

// admWorld is the provisioning the administrator, reseller, department,
// device and authorization tests start from, made through the core:
//
//	resellers r1, r2; system domain example.com
//	enterprise "ent1" (reseller r1): groups g1, g2; enterprise department
//	  "HQ"; group department g1/"Sales" (parent HQ)
//	service provider "sp2" (reseller r2): group g1
//	users alice (ent1/g1, in Sales), bob (ent1/g2), carol (sp2/g1), all
//	  @example.com
//	one administrator per level and scope, all with password admPW:
//	  prov (Provisioning), ro (read-only System), rsl1, rsl2 (resellers),
//	  spadmin (ent1), sp2admin (sp2), g1admin@example.com,
//	  g2admin@example.com (ent1 groups), deptadmin@example.com (Sales)
type admWorld struct {
	h        *harness
	sysActor *provisioning.Actor
	sessions map[string]*session
}

const admPW = "Adm-pass-1"

func newAdmWorld(t *testing.T) *admWorld {
	t.Helper()
	h := newHarness(t)
	ctx := context.Background()
	info, err := h.core.Login(ctx, testAdmin, provisioning.Credential{Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	a := info.Actor
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(h.core.AddReseller(ctx, a, store.Reseller{ID: "r1", Name: "Reseller One"}))
	must(h.core.AddReseller(ctx, a, store.Reseller{ID: "r2", Name: "Reseller Two"}))
	must(h.core.AddSystemDomain(ctx, a, "example.com", ""))
	must(h.core.AddServiceProvider(ctx, a, provisioning.ServiceProviderAdd{SP: store.ServiceProvider{ID: "ent1", Name: "Enterprise 1",
		IsEnterprise: true, ResellerID: "r1", DefaultDomain: "example.com"}}))
	must(h.core.AddServiceProvider(ctx, a, provisioning.ServiceProviderAdd{SP: store.ServiceProvider{ID: "sp2", Name: "Provider 2",
		ResellerID: "r2", DefaultDomain: "example.com"}}))
	for _, g := range [][2]string{{"ent1", "g1"}, {"ent1", "g2"}, {"sp2", "g1"}} {
		must(h.core.AddGroup(ctx, a, provisioning.GroupAdd{Group: store.Group{SPID: g[0], ID: g[1], Name: g[0] + " " + g[1],
			DefaultDomain: "example.com", UserLimit: 10}}))
	}
	must(h.core.AddDepartment(ctx, a, store.Department{SPID: "ent1", Name: "HQ"}))
	must(h.core.AddDepartment(ctx, a, store.Department{SPID: "ent1", GroupID: "g1", Name: "Sales", Parent: "HQ", ParentIsEnterprise: true}))
	users := []store.User{
		{ID: "alice@example.com", SPID: "ent1", GroupID: "g1", Department: "Sales"},
		{ID: "bob@example.com", SPID: "ent1", GroupID: "g2"},
		{ID: "carol@example.com", SPID: "sp2", GroupID: "g1"},
	}
	for _, u := range users {
		u.LastName, u.FirstName, u.CLIDLastName, u.CLIDFirstName = "Last", "First", "Last", "First"
		must(h.core.AddUser(ctx, a, provisioning.UserAdd{User: u, Password: admPW}))
	}
	admins := []store.Admin{
		{ID: "prov", Level: store.LevelProvisioning},
		{ID: "ro", Level: store.LevelSystem, ReadOnly: true},
		{ID: "rsl1", Level: store.LevelReseller, ResellerID: "r1"},
		{ID: "rsl2", Level: store.LevelReseller, ResellerID: "r2"},
		{ID: "spadmin", Level: store.LevelServiceProvider, SPID: "ent1"},
		{ID: "sp2admin", Level: store.LevelServiceProvider, SPID: "sp2"},
		{ID: "g1admin@example.com", Level: store.LevelGroup, SPID: "ent1", GroupID: "g1"},
		{ID: "g2admin@example.com", Level: store.LevelGroup, SPID: "ent1", GroupID: "g2"},
		{ID: "deptadmin@example.com", Level: store.LevelDepartment, SPID: "ent1", GroupID: "g1", Department: "Sales"},
	}
	for _, ad := range admins {
		ad.LastName, ad.FirstName = "Admin", ad.ID
		must(h.core.AddAdmin(ctx, a, provisioning.AdminAdd{Admin: ad, Password: admPW}))
	}
	return &admWorld{h: h, sysActor: a, sessions: map[string]*session{}}
}

// as is a session logged in as id (the bootstrap admin for "sys").
func (w *admWorld) as(id string) *session {
	w.h.t.Helper()
	if s, ok := w.sessions[id]; ok {
		return s
	}
	var s *session
	if id == "sys" {
		s = w.h.admin()
	} else {
		s = w.h.login(id, admPW)
	}
	w.sessions[id] = s
	return s
}

// admStep is one command run as one login: code 0 expects success (a
// SuccessResponse, or the data response check accepts), otherwise that
// error code.
type admStep struct {
	name  string
	as    string
	cmd   ocixml.Command
	code  ocip.ErrorCode
	check func(t *testing.T, r ocixml.Command)
}

// admRun runs the steps in order (later steps see earlier effects).
func admRun(t *testing.T, w *admWorld, steps []admStep) {
	t.Helper()
	for _, st := range steps {
		r := w.as(st.as).one(st.cmd)
		e, isErr := r.(*core.ErrorResponse)
		switch {
		case st.code != 0:
			if !isErr || e.ErrorCode == nil || *e.ErrorCode != int32(st.code) {
				t.Fatalf("%s: want error %d, got %s", st.name, st.code, describe(r))
			}
		case isErr:
			t.Fatalf("%s: want success, got %s", st.name, describe(r))
		case st.check != nil:
			st.check(t, r)
		default:
			if _, ok := r.(*core.SuccessResponse); !ok {
				t.Fatalf("%s: want SuccessResponse, got %s", st.name, describe(r))
			}
		}
	}
}

// admIs adapts a typed check for admStep.
func admIs[T ocixml.Command](check func(t *testing.T, r T)) func(t *testing.T, r ocixml.Command) {
	return func(t *testing.T, r ocixml.Command) {
		t.Helper()
		v, ok := r.(T)
		if !ok {
			t.Fatalf("want %T, got %s", *new(T), describe(r))
		}
		check(t, v)
	}
}

// admRows returns the table's rows as heading→value maps, and checks the
// headings are exactly want.
func admRows(t *testing.T, tb ocixml.Table, want ...string) []map[string]string {
	t.Helper()
	if !slices.Equal(tb.Headings, want) {
		t.Fatalf("headings %q, want %q", tb.Headings, want)
	}
	var out []map[string]string
	for _, row := range tb.Rows() {
		m := map[string]string{}
		for i, h := range tb.Headings {
			m[h] = row[i]
		}
		out = append(out, m)
	}
	return out
}

// admCol is one column of a table.
func admCol(tb ocixml.Table, heading string) []string {
	var out []string
	for i := range tb.Len() {
		out = append(out, tb.Get(i, heading))
	}
	return out
}

func admEq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func admStrs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s = %q, want %q", what, got, want)
	}
}

func TestAdminSystemLevel(t *testing.T) {
	w := newAdmWorld(t)
	get22 := func(id string) *system.SystemAdminGetRequest22 {
		return &system.SystemAdminGetRequest22{UserID: datatypes.UserId(id)}
	}
	admRun(t, w, []admStep{
		{name: "add provisioning, read-only", as: "sys", cmd: &system.SystemAdminAddRequest{UserID: "ops", FirstName: ptr(datatypes.FirstName("Olga")),
			LastName: ptr(datatypes.LastName("Ops")), Password: "Ops-pass-1", AdminType: datatypes.SystemAdminTypeProvisioning, ReadOnly: true}},
		{name: "get22", as: "sys", cmd: get22("ops"), check: admIs(func(t *testing.T, r *system.SystemAdminGetResponse22) {
			admEq(t, "firstName", sv(r.FirstName), "Olga")
			admEq(t, "lastName", sv(r.LastName), "Ops")
			admEq(t, "language", r.Language, "English")
			admEq(t, "adminType", r.AdminType, datatypes.SystemAdminTypeProvisioning)
			admEq(t, "readOnly", r.ReadOnly, true)
			admEq(t, "accountDisabled", r.AccountDisabled, false)
			admEq(t, "lastAuthenticatedDate", r.LastAuthenticatedDate, admNeverLoggedIn)
		})},
		{name: "legacy get", as: "sys", cmd: &deprecatedsystem.SystemAdminGetRequest{UserID: "ops"},
			check: admIs(func(t *testing.T, r *deprecatedsystem.SystemAdminGetResponse) {
				admEq(t, "adminType", r.AdminType, datatypes.SystemAdminTypeProvisioning)
				admEq(t, "readOnly", r.ReadOnly, true)
			})},
		{name: "list", as: "sys", cmd: &system.SystemAdminGetListRequest{}, check: admIs(func(t *testing.T, r *system.SystemAdminGetListResponse) {
			rows := admRows(t, r.SystemAdminTable, "Administrator ID", "Last Name", "First Name", "Type", "Read Only", "Language")
			admStrs(t, "ids", admCol(r.SystemAdminTable, "Administrator ID"), []string{"ops", "prov", "ro", testAdmin})
			admEq(t, "ops row", rows[0]["Type"]+"/"+rows[0]["Read Only"]+"/"+rows[0]["Last Name"], "Provisioning/true/Ops")
			admEq(t, "ro row", rows[2]["Type"]+"/"+rows[2]["Read Only"], "System/true")
		})},
		{name: "modify names, language, password", as: "sys", cmd: &system.SystemAdminModifyRequest{UserID: "ops",
			FirstName: ocixml.Null[datatypes.FirstName](), LastName: ocixml.Some(datatypes.LastName("Operator")),
			Language: ptr(datatypes.Language("French")), Password: ptr(datatypes.Password("Ops-pass-2"))}},
		{name: "get after modify", as: "sys", cmd: get22("ops"), check: admIs(func(t *testing.T, r *system.SystemAdminGetResponse22) {
			admEq(t, "firstName cleared", r.FirstName == nil, true)
			admEq(t, "lastName", sv(r.LastName), "Operator")
			admEq(t, "language", r.Language, "French")
		})},
		{name: "disable", as: "sys", cmd: &system.SystemAdminModifyRequest{UserID: "ops", AccountDisabled: ptr(true)}},
		{name: "disabled shows", as: "sys", cmd: get22("ops"), check: admIs(func(t *testing.T, r *system.SystemAdminGetResponse22) {
			admEq(t, "accountDisabled", r.AccountDisabled, true)
		})},
		{name: "group admin id is not a system admin", as: "sys", cmd: get22("g1admin@example.com"), code: ocip.CodeNotFound},
		{name: "unknown id", as: "sys", cmd: get22("nobody"), code: ocip.CodeNotFound},
		{name: "duplicate id", as: "sys", cmd: &system.SystemAdminAddRequest{UserID: "prov", Password: "x1", AdminType: datatypes.SystemAdminTypeSystem}, code: ocip.CodeAlreadyExists},
		{name: "id of a user", as: "sys", cmd: &system.SystemAdminAddRequest{UserID: "alice@example.com", Password: "x1", AdminType: datatypes.SystemAdminTypeSystem}, code: ocip.CodeInvalidValue},
		{name: "id with a domain", as: "sys", cmd: &system.SystemAdminAddRequest{UserID: "sa@example.com", Password: "x1", AdminType: datatypes.SystemAdminTypeSystem}, code: ocip.CodeInvalidValue},
		{name: "provisioning cannot add system admins", as: "prov", cmd: &system.SystemAdminAddRequest{UserID: "sa2", Password: "x1", AdminType: datatypes.SystemAdminTypeSystem}, code: ocip.CodeUnauthorized},
		{name: "provisioning cannot list system admins", as: "prov", cmd: &system.SystemAdminGetListRequest{}, code: ocip.CodeUnauthorized},
		{name: "provisioning reads itself", as: "prov", cmd: get22("prov"), check: admIs(func(t *testing.T, r *system.SystemAdminGetResponse22) {
			admEq(t, "adminType", r.AdminType, datatypes.SystemAdminTypeProvisioning)
		})},
		{name: "provisioning cannot read another", as: "prov", cmd: get22(testAdmin), code: ocip.CodeUnauthorized},
		{name: "read-only reads", as: "ro", cmd: &system.SystemAdminGetListRequest{}, check: admIs(func(*testing.T, *system.SystemAdminGetListResponse) {})},
		{name: "read-only cannot add", as: "ro", cmd: &system.SystemAdminAddRequest{UserID: "sa3", Password: "x1", AdminType: datatypes.SystemAdminTypeSystem}, code: ocip.CodeUnauthorized},
		{name: "read-only cannot modify itself", as: "ro", cmd: &system.SystemAdminModifyRequest{UserID: "ro", Language: ptr(datatypes.Language("German"))}, code: ocip.CodeUnauthorized},
		{name: "group admin refused", as: "g1admin@example.com", cmd: &system.SystemAdminGetListRequest{}, code: ocip.CodeUnauthorized},
		{name: "delete", as: "sys", cmd: &system.SystemAdminDeleteRequest{UserID: "ops"}},
		{name: "gone", as: "sys", cmd: get22("ops"), code: ocip.CodeNotFound},
		{name: "delete unknown", as: "sys", cmd: &system.SystemAdminDeleteRequest{UserID: "ops"}, code: ocip.CodeNotFound},
	})
}

func TestAdminSystemPasswordAndLastAdmin(t *testing.T) {
	w := newAdmWorld(t)
	sys := w.as("sys")
	sys.ok(&system.SystemAdminModifyRequest{UserID: "prov", Password: ptr(datatypes.Password("New-pass-9"))})
	w.h.login("prov", "New-pass-9")
	w.h.session().fails(&deprecated.LoginRequest14sp4{UserID: "prov", PlainTextPassword: ptr(datatypes.Password(admPW))}, ocip.CodeInvalidPassword)

	// The bootstrap admin is the only enabled System administrator ("ro"
	// is one too): disabling or deleting both in turn must leave one.
	sys.ok(&system.SystemAdminModifyRequest{UserID: "ro", AccountDisabled: ptr(true)})
	sys.fails(&system.SystemAdminModifyRequest{UserID: testAdmin, AccountDisabled: ptr(true)}, ocip.CodeInvalidValue)
	sys.fails(&system.SystemAdminDeleteRequest{UserID: testAdmin}, ocip.CodeInUse)
	// A disabled account cannot log in, and says so.
	w.h.session().fails(&deprecated.LoginRequest14sp4{UserID: "ro", PlainTextPassword: ptr(datatypes.Password(admPW))}, ocip.CodeAccountDisabled)
	sys.ok(&system.SystemAdminModifyRequest{UserID: "ro", AccountDisabled: ptr(false)})
	w.h.login("ro", admPW)
	sys.ok(&system.SystemAdminDeleteRequest{UserID: "ro"})
	sys.fails(&system.SystemAdminDeleteRequest{UserID: testAdmin}, ocip.CodeInUse)
	r := get[*system.SystemAdminGetResponse22](sys, &system.SystemAdminGetRequest22{UserID: testAdmin})
	admEq(t, "still enabled", r.AccountDisabled, false)
}

func TestAdminResellerLevel(t *testing.T) {
	w := newAdmWorld(t)
	add := func(rid, id string) *provider.ResellerAdminAddRequest {
		return &provider.ResellerAdminAddRequest{ResellerID: datatypes.ResellerId22(rid), UserID: datatypes.UserId(id),
			LastName: ptr(datatypes.LastName("Lee")), FirstName: ptr(datatypes.FirstName("Rae")), Password: ptr(datatypes.Password("Rsl-pass-1"))}
	}
	get := func(id string) *provider.ResellerAdminGetRequest22V2 {
		return &provider.ResellerAdminGetRequest22V2{UserID: datatypes.UserId(id)}
	}
	list := func(rid string) *provider.ResellerAdminGetListRequest {
		return &provider.ResellerAdminGetListRequest{ResellerID: datatypes.ResellerId22(rid)}
	}
	admRun(t, w, []admStep{
		{name: "provisioning adds", as: "prov", cmd: add("r1", "rae")},
		{name: "get22V2", as: "prov", cmd: get("rae"), check: admIs(func(t *testing.T, r *provider.ResellerAdminGetResponse22V2) {
			admEq(t, "resellerId", r.ResellerID, "r1")
			admEq(t, "names", sv(r.FirstName)+" "+sv(r.LastName), "Rae Lee")
			admEq(t, "language", r.Language, "English")
			admEq(t, "disabled", r.AccountDisabled, false)
		})},
		{name: "get22", as: "prov", cmd: &deprecated.ResellerAdminGetRequest22{UserID: "rae"}, check: admIs(func(t *testing.T, r *deprecated.ResellerAdminGetResponse22) {
			admEq(t, "resellerId", r.ResellerID, "r1")
		})},
		{name: "get legacy", as: "prov", cmd: &deprecated.ResellerAdminGetRequest{UserID: "rae"}, check: admIs(func(t *testing.T, r *deprecated.ResellerAdminGetResponse) {
			admEq(t, "resellerId", r.ResellerID, "r1")
		})},
		{name: "list", as: "prov", cmd: list("r1"), check: admIs(func(t *testing.T, r *provider.ResellerAdminGetListResponse) {
			rows := admRows(t, r.ResellerAdminTable, "Administrator ID", "Last Name", "First Name", "Language")
			admStrs(t, "ids", admCol(r.ResellerAdminTable, "Administrator ID"), []string{"rae", "rsl1"})
			admEq(t, "rae", rows[0]["Last Name"]+","+rows[0]["First Name"]+","+rows[0]["Language"], "Lee,Rae,English")
		})},
		{name: "reseller adds a peer", as: "rsl1", cmd: add("r1", "rae2")},
		{name: "reseller modifies a peer", as: "rsl1", cmd: &provider.ResellerAdminModifyRequest{UserID: "rae2", FirstName: ocixml.Some(datatypes.FirstName("Ray"))}},
		{name: "reseller reads a peer", as: "rsl1", cmd: get("rae2"), check: admIs(func(t *testing.T, r *provider.ResellerAdminGetResponse22V2) {
			admEq(t, "firstName", sv(r.FirstName), "Ray")
		})},
		{name: "reseller lists its own", as: "rsl1", cmd: list("r1"), check: admIs(func(t *testing.T, r *provider.ResellerAdminGetListResponse) {
			admStrs(t, "ids", admCol(r.ResellerAdminTable, "Administrator ID"), []string{"rae", "rae2", "rsl1"})
		})},
		{name: "other reseller's admins: add", as: "rsl1", cmd: add("r2", "rae3"), code: ocip.CodeUnauthorized},
		{name: "other reseller's admins: list", as: "rsl1", cmd: list("r2"), code: ocip.CodeUnauthorized},
		{name: "other reseller's admins: get", as: "rsl1", cmd: get("rsl2"), code: ocip.CodeUnauthorized},
		{name: "other reseller's admins: delete", as: "rsl1", cmd: &provider.ResellerAdminDeleteRequest{UserID: "rsl2"}, code: ocip.CodeUnauthorized},
		{name: "unknown reseller", as: "prov", cmd: add("r9", "rae4"), code: ocip.CodeNotFound},
		{name: "unknown reseller list", as: "prov", cmd: list("r9"), code: ocip.CodeNotFound},
		{name: "sp admin refused", as: "spadmin", cmd: list("r1"), code: ocip.CodeUnauthorized},
		{name: "no password", as: "prov", cmd: &provider.ResellerAdminAddRequest{ResellerID: "r1", UserID: "rae5"}, code: ocip.CodeInvalidValue},
		{name: "password nil", as: "prov", cmd: &provider.ResellerAdminModifyRequest{UserID: "rae", Password: ocixml.Null[datatypes.Password]()}, code: ocip.CodeInvalidValue},
		{name: "system admin id is no reseller admin", as: "sys", cmd: get("ro"), code: ocip.CodeNotFound},
		{name: "reseller deletes a peer", as: "rsl1", cmd: &provider.ResellerAdminDeleteRequest{UserID: "rae2"}},
		{name: "peer gone", as: "prov", cmd: get("rae2"), code: ocip.CodeNotFound},
	})
}

func TestAdminServiceProviderLevel(t *testing.T) {
	w := newAdmWorld(t)
	add := func(sp, id string, typ datatypes.ServiceProviderAdminType) *provider.ServiceProviderAdminAddRequest14 {
		return &provider.ServiceProviderAdminAddRequest14{ServiceProviderID: datatypes.ServiceProviderId(sp), UserID: datatypes.UserId(id),
			LastName: ptr(datatypes.LastName("Park")), Password: ptr(datatypes.Password(admPW)), AdministratorType: typ}
	}
	get := func(id string) *provider.ServiceProviderAdminGetRequest22V3 {
		return &provider.ServiceProviderAdminGetRequest22V3{UserID: datatypes.UserId(id)}
	}
	admRun(t, w, []admStep{
		{name: "reseller adds to its SP", as: "rsl1", cmd: add("ent1", "cust", datatypes.ServiceProviderAdminTypeCustomer)},
		{name: "get22V3", as: "spadmin", cmd: get("cust"), check: admIs(func(t *testing.T, r *provider.ServiceProviderAdminGetResponse22V3) {
			admEq(t, "sp", r.ServiceProviderID, "ent1")
			admEq(t, "type", r.AdministratorType, datatypes.ServiceProviderAdminTypeCustomer)
			admEq(t, "lastName", sv(r.LastName), "Park")
			admEq(t, "firstName absent", r.FirstName == nil, true)
			admEq(t, "locale", r.Locale, "en_US")
			admEq(t, "encoding", r.Encoding, "ISO-8859-1")
			admEq(t, "hasPassword", r.HasPassword, true)
		})},
		{name: "get14", as: "spadmin", cmd: &deprecated.ServiceProviderAdminGetRequest14{UserID: "cust"}, check: admIs(func(t *testing.T, r *deprecated.ServiceProviderAdminGetResponse14) {
			admEq(t, "type", r.AdministratorType, datatypes.ServiceProviderAdminTypeCustomer)
		})},
		{name: "get21sp1", as: "spadmin", cmd: &deprecated.ServiceProviderAdminGetRequest21sp1{UserID: "cust"}, check: admIs(func(t *testing.T, r *deprecated.ServiceProviderAdminGetResponse21sp1) {
			admEq(t, "sp", r.ServiceProviderID, "ent1")
		})},
		{name: "get22", as: "spadmin", cmd: &deprecated.ServiceProviderAdminGetRequest22{UserID: "cust"}, check: admIs(func(t *testing.T, r *deprecated.ServiceProviderAdminGetResponse22) {
			admEq(t, "encoding", r.Encoding, "ISO-8859-1")
		})},
		{name: "get22V2", as: "spadmin", cmd: &deprecated.ServiceProviderAdminGetRequest22V2{UserID: "cust"}, check: admIs(func(t *testing.T, r *deprecated.ServiceProviderAdminGetResponse22V2) {
			admEq(t, "disabled", r.AccountDisabled, false)
		})},
		{name: "sp admin adds a reset-only admin", as: "spadmin", cmd: add("ent1", "reset", datatypes.ServiceProviderAdminTypePasswordResetOnly)},
		{name: "list", as: "spadmin", cmd: &provider.ServiceProviderAdminGetListRequest14{ServiceProviderID: "ent1"},
			check: admIs(func(t *testing.T, r *provider.ServiceProviderAdminGetListResponse14) {
				rows := admRows(t, r.ServiceProviderAdminTable, "Administrator ID", "Last Name", "First Name", "Administrator Type", "Language", "Locale", "Encoding")
				admStrs(t, "ids", admCol(r.ServiceProviderAdminTable, "Administrator ID"), []string{"cust", "reset", "spadmin"})
				admStrs(t, "types", admCol(r.ServiceProviderAdminTable, "Administrator Type"), []string{"Customer", "Password Reset Only", "Normal"})
				admEq(t, "locale", rows[0]["Locale"], "en_US")
			})},
		{name: "modify", as: "spadmin", cmd: &provider.ServiceProviderAdminModifyRequest{UserID: "cust", FirstName: ocixml.Some(datatypes.FirstName("Kim"))}},
		{name: "modified", as: "spadmin", cmd: get("cust"), check: admIs(func(t *testing.T, r *provider.ServiceProviderAdminGetResponse22V3) {
			admEq(t, "firstName", sv(r.FirstName), "Kim")
			admEq(t, "type kept", r.AdministratorType, datatypes.ServiceProviderAdminTypeCustomer)
		})},
		{name: "reset-only may reset a password", as: "reset", cmd: &provider.ServiceProviderAdminModifyRequest{UserID: "cust", Password: ocixml.Some(datatypes.Password("Reset-pw-1"))}},
	})
	// The password the reset-only administrator set is the one that works.
	w.h.login("cust", "Reset-pw-1")
	admRun(t, w, []admStep{
		{name: "reset-only may not rename", as: "reset", cmd: &provider.ServiceProviderAdminModifyRequest{UserID: "cust", FirstName: ocixml.Some(datatypes.FirstName("X"))}, code: ocip.CodeUnauthorized},
		{name: "reset-only may not add", as: "reset", cmd: add("ent1", "x2", datatypes.ServiceProviderAdminTypeNormal), code: ocip.CodeUnauthorized},
		{name: "reset-only may not delete", as: "reset", cmd: &provider.ServiceProviderAdminDeleteRequest{UserID: "cust"}, code: ocip.CodeUnauthorized},
		{name: "reset-only may read", as: "reset", cmd: get("cust"), check: admIs(func(*testing.T, *provider.ServiceProviderAdminGetResponse22V3) {})},
		{name: "other SP's admin: get", as: "sp2admin", cmd: get("cust"), code: ocip.CodeUnauthorized},
		{name: "other SP's admin: add", as: "sp2admin", cmd: add("ent1", "x3", datatypes.ServiceProviderAdminTypeNormal), code: ocip.CodeUnauthorized},
		{name: "other SP's admin: list", as: "sp2admin", cmd: &provider.ServiceProviderAdminGetListRequest14{ServiceProviderID: "ent1"}, code: ocip.CodeUnauthorized},
		{name: "other reseller", as: "rsl2", cmd: add("ent1", "x4", datatypes.ServiceProviderAdminTypeNormal), code: ocip.CodeUnauthorized},
		{name: "group admin refused", as: "g1admin@example.com", cmd: add("ent1", "x5", datatypes.ServiceProviderAdminTypeNormal), code: ocip.CodeUnauthorized},
		{name: "group admin: unknown SP looks the same", as: "g1admin@example.com", cmd: add("nosuch", "x6", datatypes.ServiceProviderAdminTypeNormal), code: ocip.CodeUnauthorized},
		{name: "unknown SP", as: "sys", cmd: add("nosuch", "x7", datatypes.ServiceProviderAdminTypeNormal), code: ocip.CodeNotFound},
		{name: "id with a domain", as: "sys", cmd: add("ent1", "x8@example.com", datatypes.ServiceProviderAdminTypeNormal), code: ocip.CodeInvalidValue},
		{name: "delete", as: "spadmin", cmd: &provider.ServiceProviderAdminDeleteRequest{UserID: "cust"}},
		{name: "gone", as: "spadmin", cmd: get("cust"), code: ocip.CodeUnauthorized},
		{name: "gone for the system", as: "sys", cmd: get("cust"), code: ocip.CodeNotFound},
	})
}

func TestAdminGroupLevel(t *testing.T) {
	w := newAdmWorld(t)
	add := func(g, id string) *group.GroupAdminAddRequest {
		return &group.GroupAdminAddRequest{ServiceProviderID: "ent1", GroupID: datatypes.GroupId(g), UserID: datatypes.UserId(id),
			FirstName: ptr(datatypes.FirstName("Gus")), Password: ptr(datatypes.Password("Grp-pass-1")), Language: ptr(datatypes.Language("Spanish"))}
	}
	get := func(id string) *group.GroupAdminGetRequest22V3 {
		return &group.GroupAdminGetRequest22V3{UserID: datatypes.UserId(id)}
	}
	admRun(t, w, []admStep{
		{name: "sp admin adds", as: "spadmin", cmd: add("g1", "gus@example.com")},
		{name: "group admin adds a peer", as: "g1admin@example.com", cmd: add("g1", "gil")},
		{name: "get22V3", as: "g1admin@example.com", cmd: get("gus@example.com"), check: admIs(func(t *testing.T, r *group.GroupAdminGetResponse22V3) {
			admEq(t, "scope", string(r.ServiceProviderID)+"/"+string(r.GroupID), "ent1/g1")
			admEq(t, "firstName", sv(r.FirstName), "Gus")
			admEq(t, "language", r.Language, "Spanish")
			admEq(t, "hasPassword", r.HasPassword, true)
			admEq(t, "locale", r.Locale, "en_US")
		})},
		{name: "legacy gets", as: "g1admin@example.com", cmd: &deprecatedgroup.GroupAdminGetRequest{UserID: "gus@example.com"},
			check: admIs(func(t *testing.T, r *deprecatedgroup.GroupAdminGetResponse) { admEq(t, "group", r.GroupID, "g1") })},
		{name: "get21sp1", as: "g1admin@example.com", cmd: &deprecatedgroup.GroupAdminGetRequest21sp1{UserID: "gus@example.com"},
			check: admIs(func(t *testing.T, r *deprecatedgroup.GroupAdminGetResponse21sp1) {
				admEq(t, "encoding", r.Encoding, "ISO-8859-1")
			})},
		{name: "get22", as: "g1admin@example.com", cmd: &deprecatedgroup.GroupAdminGetRequest22{UserID: "gus@example.com"},
			check: admIs(func(t *testing.T, r *deprecatedgroup.GroupAdminGetResponse22) {
				admEq(t, "sp", r.ServiceProviderID, "ent1")
			})},
		{name: "get22V2", as: "g1admin@example.com", cmd: &deprecatedgroup.GroupAdminGetRequest22V2{UserID: "gus@example.com"},
			check: admIs(func(t *testing.T, r *deprecatedgroup.GroupAdminGetResponse22V2) {
				admEq(t, "disabled", r.AccountDisabled, false)
			})},
		{name: "list has group and department admins", as: "g1admin@example.com", cmd: &group.GroupAdminGetListRequest{ServiceProviderID: "ent1", GroupID: "g1"},
			check: admIs(func(t *testing.T, r *group.GroupAdminGetListResponse) {
				admRows(t, r.GroupAdminTable, "Administrator ID", "Last Name", "First Name", "Department", "Language", "Locale", "Encoding")
				admStrs(t, "ids", admCol(r.GroupAdminTable, "Administrator ID"), []string{"deptadmin@example.com", "g1admin@example.com", "gil", "gus@example.com"})
				admStrs(t, "departments", admCol(r.GroupAdminTable, "Department"), []string{"Sales", "", "", ""})
				admStrs(t, "languages", admCol(r.GroupAdminTable, "Language"), []string{"English", "English", "Spanish", "Spanish"})
			})},
		{name: "modify", as: "g1admin@example.com", cmd: &group.GroupAdminModifyRequest{UserID: "gus@example.com", LastName: ocixml.Some(datatypes.LastName("Grant")), AccountDisabled: ptr(true)}},
		{name: "modified", as: "spadmin", cmd: get("gus@example.com"), check: admIs(func(t *testing.T, r *group.GroupAdminGetResponse22V3) {
			admEq(t, "lastName", sv(r.LastName), "Grant")
			admEq(t, "disabled", r.AccountDisabled, true)
		})},
		{name: "other group's admin: get", as: "g2admin@example.com", cmd: get("gus@example.com"), code: ocip.CodeUnauthorized},
		{name: "other group's admin: add", as: "g2admin@example.com", cmd: add("g1", "x1"), code: ocip.CodeUnauthorized},
		{name: "other group's admin: list", as: "g2admin@example.com", cmd: &group.GroupAdminGetListRequest{ServiceProviderID: "ent1", GroupID: "g1"}, code: ocip.CodeUnauthorized},
		{name: "other group's admin: delete", as: "g2admin@example.com", cmd: &group.GroupAdminDeleteRequest{UserID: "gus@example.com"}, code: ocip.CodeUnauthorized},
		{name: "department admin cannot manage group admins", as: "deptadmin@example.com", cmd: add("g1", "x2"), code: ocip.CodeUnauthorized},
		{name: "other SP's admin", as: "sp2admin", cmd: get("gus@example.com"), code: ocip.CodeUnauthorized},
		{name: "unknown group", as: "spadmin", cmd: add("g9", "x3"), code: ocip.CodeNotFound},
		{name: "id of a user", as: "spadmin", cmd: add("g1", "bob@example.com"), code: ocip.CodeAlreadyExists},
		{name: "id of another admin", as: "spadmin", cmd: add("g1", "g2admin@example.com"), code: ocip.CodeAlreadyExists},
		{name: "unknown id below reseller looks unauthorized", as: "g1admin@example.com", cmd: get("nobody"), code: ocip.CodeUnauthorized},
		{name: "delete", as: "g1admin@example.com", cmd: &group.GroupAdminDeleteRequest{UserID: "gus@example.com"}},
		{name: "gone", as: "spadmin", cmd: &group.GroupAdminGetListRequest{ServiceProviderID: "ent1", GroupID: "g1"}, check: admIs(func(t *testing.T, r *group.GroupAdminGetListResponse) {
			admStrs(t, "ids", admCol(r.GroupAdminTable, "Administrator ID"), []string{"deptadmin@example.com", "g1admin@example.com", "gil"})
		})},
	})
}

func TestAdminDepartmentLevel(t *testing.T) {
	w := newAdmWorld(t)
	key := func(g, name string) datatypes.GroupDepartmentKey {
		return datatypes.GroupDepartmentKey{ServiceProviderID: "ent1", GroupID: datatypes.GroupId(g), Name: datatypes.DepartmentName(name)}
	}
	add := func(g, dept, id string) *group.GroupDepartmentAdminAddRequest {
		return &group.GroupDepartmentAdminAddRequest{DepartmentKey: key(g, dept), UserID: datatypes.UserId(id),
			LastName: ptr(datatypes.LastName("Dahl")), Password: ptr(datatypes.Password("Dep-pass-1"))}
	}
	get := func(id string) *group.GroupDepartmentAdminGetRequest22V2 {
		return &group.GroupDepartmentAdminGetRequest22V2{UserID: datatypes.UserId(id)}
	}
	admRun(t, w, []admStep{
		{name: "group admin adds", as: "g1admin@example.com", cmd: add("g1", "Sales", "dora@example.com")},
		{name: "get22V2", as: "g1admin@example.com", cmd: get("dora@example.com"), check: admIs(func(t *testing.T, r *group.GroupDepartmentAdminGetResponse22V2) {
			admEq(t, "key", r.DepartmentKey, key("g1", "Sales"))
			admEq(t, "full path", r.DepartmentFullPath, `HQ \ Sales`)
			admEq(t, "lastName", sv(r.LastName), "Dahl")
			admEq(t, "hasPassword", r.HasPassword, true)
		})},
		{name: "get22", as: "g1admin@example.com", cmd: &deprecatedgroup.GroupDepartmentAdminGetRequest22{UserID: "dora@example.com"},
			check: admIs(func(t *testing.T, r *deprecatedgroup.GroupDepartmentAdminGetResponse22) {
				admEq(t, "key", r.DepartmentKey, key("g1", "Sales"))
			})},
		{name: "get legacy", as: "g1admin@example.com", cmd: &deprecatedgroup.GroupDepartmentAdminGetRequest{UserID: "dora@example.com"},
			check: admIs(func(t *testing.T, r *deprecatedgroup.GroupDepartmentAdminGetResponse) {
				admEq(t, "path", r.DepartmentFullPath, `HQ \ Sales`)
			})},
		{name: "a department admin reads itself", as: "deptadmin@example.com", cmd: get("deptadmin@example.com"),
			check: admIs(func(t *testing.T, r *group.GroupDepartmentAdminGetResponse22V2) {
				admEq(t, "key", r.DepartmentKey, key("g1", "Sales"))
			})},
		{name: "but not a peer", as: "deptadmin@example.com", cmd: get("dora@example.com"), code: ocip.CodeUnauthorized},
		{name: "list", as: "spadmin", cmd: &group.GroupDepartmentAdminGetListRequest{DepartmentKey: key("g1", "Sales")},
			check: admIs(func(t *testing.T, r *group.GroupDepartmentAdminGetListResponse) {
				rows := admRows(t, r.DepartmentAdminTable, "Administrator ID", "Last Name", "First Name", "Department", "Language")
				admStrs(t, "ids", admCol(r.DepartmentAdminTable, "Administrator ID"), []string{"deptadmin@example.com", "dora@example.com"})
				admEq(t, "dora", rows[1]["Department"]+"/"+rows[1]["Last Name"], "Sales/Dahl")
			})},
		{name: "modify", as: "g1admin@example.com", cmd: &group.GroupDepartmentAdminModifyRequest{UserID: "dora@example.com", LastName: ocixml.Null[datatypes.LastName]()}},
		{name: "modified", as: "g1admin@example.com", cmd: get("dora@example.com"), check: admIs(func(t *testing.T, r *group.GroupDepartmentAdminGetResponse22V2) {
			admEq(t, "lastName cleared", r.LastName == nil, true)
		})},
		{name: "unknown department", as: "g1admin@example.com", cmd: add("g1", "Nope", "x1"), code: ocip.CodeNotFound},
		{name: "unknown department list", as: "g1admin@example.com", cmd: &group.GroupDepartmentAdminGetListRequest{DepartmentKey: key("g1", "Nope")}, code: ocip.CodeNotFound},
		{name: "other group's admin", as: "g2admin@example.com", cmd: add("g1", "Sales", "x2"), code: ocip.CodeUnauthorized},
		{name: "group admin id is no department admin", as: "spadmin", cmd: get("g1admin@example.com"), code: ocip.CodeNotFound},
		{name: "department admin cannot add", as: "deptadmin@example.com", cmd: add("g1", "Sales", "x3"), code: ocip.CodeUnauthorized},
		{name: "delete", as: "g1admin@example.com", cmd: &group.GroupDepartmentAdminDeleteRequest{UserID: "dora@example.com"}},
		{name: "gone", as: "sys", cmd: get("dora@example.com"), code: ocip.CodeNotFound},
		{name: "gone, and below reseller level unknown ids look out of scope", as: "spadmin", cmd: get("dora@example.com"), code: ocip.CodeUnauthorized},
	})
}

// TestAdminLoginEveryLevel logs in as each level with the current login
// (22V5) and the one the two-step clients use (14sp4), checking what each
// response reports about the identity.
func TestAdminLoginEveryLevel(t *testing.T) {
	w := newAdmWorld(t)
	cases := []struct {
		id                 string
		type22             datatypes.LoginType22
		type14             datatypes.LoginType
		sp, group, domain  string
		reseller           string
		enterprise, system bool
	}{
		{id: testAdmin, type22: "System", type14: "System", domain: "example.com"},
		{id: "prov", type22: "Provisioning", type14: "Provisioning", domain: "example.com"},
		{id: "rsl1", type22: "Reseller", type14: "Service Provider", domain: "example.com", reseller: "r1"},
		{id: "spadmin", type22: "Service Provider", type14: "Service Provider", sp: "ent1", domain: "example.com", reseller: "r1", enterprise: true},
		{id: "sp2admin", type22: "Service Provider", type14: "Service Provider", sp: "sp2", domain: "example.com", reseller: "r2"},
		{id: "g1admin@example.com", type22: "Group", type14: "Group", sp: "ent1", group: "g1", domain: "example.com", reseller: "r1", enterprise: true},
		{id: "deptadmin@example.com", type22: "Group Department", type14: "Group Department", sp: "ent1", group: "g1", domain: "example.com", reseller: "r1", enterprise: true},
		{id: "carol@example.com", type22: "User", type14: "User", sp: "sp2", group: "g1", domain: "example.com", reseller: "r2"},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			password := admPW
			if tc.id == testAdmin {
				password = testPassword
			}
			s := w.h.session()
			r := get[*login.LoginResponse22V5](s, &login.LoginRequest22V5{UserID: datatypes.UserId(tc.id), Password: ptr(datatypes.Password(password))})
			admEq(t, "22V5 loginType", r.LoginType, tc.type22)
			admEq(t, "22V5 serviceProviderId", sv(r.ServiceProviderID), tc.sp)
			admEq(t, "22V5 groupId", sv(r.GroupID), tc.group)
			admEq(t, "22V5 isEnterprise", r.IsEnterprise, tc.enterprise)
			admEq(t, "22V5 userDomain", string(r.UserDomain), tc.domain)
			admEq(t, "22V5 resellerId", sv(r.ResellerID), tc.reseller)
			admEq(t, "22V5 locale", r.Locale, "en_US")
			// The session is logged in: a read succeeds.
			get[*system.SystemSoftwareVersionGetResponse](s, &system.SystemSoftwareVersionGetRequest{})

			// Two-step login: nonce, then the signed password.
			s2 := w.h.session()
			auth := get[*deprecated.AuthenticationResponse](s2, &deprecated.AuthenticationRequest{UserID: datatypes.UserId(tc.id)})
			signed := admSign(auth.Nonce, password)
			r14 := get[*deprecated.LoginResponse14sp4](s2, &deprecated.LoginRequest14sp4{UserID: datatypes.UserId(tc.id), SignedPassword: ptr(datatypes.SignedPassword(signed))})
			admEq(t, "14sp4 loginType", r14.LoginType, tc.type14)
			admEq(t, "14sp4 serviceProviderId", sv(r14.ServiceProviderID), tc.sp)
			admEq(t, "14sp4 groupId", sv(r14.GroupID), tc.group)
			admEq(t, "14sp4 isEnterprise", r14.IsEnterprise, tc.enterprise)
			admEq(t, "14sp4 userDomain", string(r14.UserDomain), tc.domain)
			get[*system.SystemSoftwareVersionGetResponse](s2, &system.SystemSoftwareVersionGetRequest{})
		})
	}
}

// TestAdminLoginLockout: five bad passwords lock a login (5202) even for
// the right password; an unknown id goes through exactly the same answers,
// so the replies do not reveal which ids exist; the lock shows as
// accountDisabled and an administrator lifts it by enabling the account.
func TestAdminLoginLockout(t *testing.T) {
	w := newAdmWorld(t)
	login := func(id, password string) *deprecated.LoginRequest14sp4 {
		return &deprecated.LoginRequest14sp4{UserID: datatypes.UserId(id), PlainTextPassword: ptr(datatypes.Password(password))}
	}
	for _, id := range []string{"g2admin@example.com", "ghost@example.com"} {
		s := w.h.session()
		// AuthenticationRequest hands out a nonce whether or not the id exists.
		auth := get[*deprecated.AuthenticationResponse](s, &deprecated.AuthenticationRequest{UserID: datatypes.UserId(id)})
		if len(auth.Nonce) == 0 || auth.PasswordAlgorithm != datatypes.DigitalSignatureAlgorithmMD5 || string(auth.UserID) != id {
			t.Fatalf("%s: authentication response %+v", id, auth)
		}
		for i := 0; i < 5; i++ {
			s.fails(login(id, "wrong-"+string(rune('a'+i))), ocip.CodeInvalidPassword)
		}
		s.fails(login(id, admPW), ocip.CodeAccountDisabled)
		if id == "ghost@example.com" {
			continue
		}
		// The real account: a correct password is refused while locked.
		g := get[*group.GroupAdminGetResponse22V3](w.as("spadmin"), &group.GroupAdminGetRequest22V3{UserID: datatypes.UserId(id)})
		admEq(t, "locked shows as disabled", g.AccountDisabled, true)
		w.as("spadmin").ok(&group.GroupAdminModifyRequest{UserID: datatypes.UserId(id), AccountDisabled: ptr(false)})
		w.h.login(id, admPW)
	}
	// Both ids got the same sequence of codes and texts.
	a := admLockoutTexts(t, w, "g1admin@example.com")
	b := admLockoutTexts(t, w, "nobody-here")
	admStrs(t, "same answers for a real and an unknown id", a, b)
}

func admLockoutTexts(t *testing.T, w *admWorld, id string) []string {
	t.Helper()
	s := w.h.session()
	var out []string
	for i := 0; i < 6; i++ {
		r := s.one(&deprecated.LoginRequest14sp4{UserID: datatypes.UserId(id), PlainTextPassword: ptr(datatypes.Password("bad"))})
		e, ok := r.(*core.ErrorResponse)
		if !ok {
			t.Fatalf("%s: login with a bad password: %s", id, describe(r))
		}
		out = append(out, e.Summary)
	}
	return out
}

// admSign is the two-step login's signed password.
func admSign(nonce, password string) string {
	sum := md5.Sum([]byte(nonce + ":" + provisioning.SHA1Hex(password)))
	return hex.EncodeToString(sum[:])
}

package ocipserver

import (
	"context"
	"testing"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/provider"
)

func rslGet(id string) *provider.ResellerGetRequest22V2 {
	return &provider.ResellerGetRequest22V2{ResellerID: ptr(datatypes.ResellerId22(id))}
}

func rslCrit(mode datatypes.SearchMode, v string) datatypes.SearchCriteriaResellerId {
	return datatypes.SearchCriteriaResellerId{Mode: mode, Value: datatypes.ResellerId22(v), IsCaseInsensitive: true}
}

func TestResellerLifecycle(t *testing.T) {
	w := newAdmWorld(t)
	admRun(t, w, []admStep{
		{name: "add", as: "prov", cmd: &provider.ResellerAddRequest{ResellerID: "r3", ResellerName: ptr(datatypes.ResellerName22("Third"))}},
		{name: "add without a name", as: "sys", cmd: &provider.ResellerAddRequest{ResellerID: "r4"}},
		{name: "get22V2", as: "prov", cmd: rslGet("r3"), check: admIs(func(t *testing.T, r *provider.ResellerGetResponse22V2) {
			admEq(t, "id", r.ResellerID, "r3")
			admEq(t, "name", sv(r.ResellerName), "Third")
			admEq(t, "external id absent", r.ResellerExternalID == nil, true)
		})},
		{name: "get22", as: "prov", cmd: &deprecated.ResellerGetRequest22{ResellerID: "r3"},
			check: admIs(func(t *testing.T, r *deprecated.ResellerGetResponse22) {
				admEq(t, "name", sv(r.ResellerName), "Third")
			})},
		{name: "get legacy", as: "prov", cmd: &deprecated.ResellerGetRequest{ResellerID: "r4"},
			check: admIs(func(t *testing.T, r *deprecated.ResellerGetResponse) {
				admEq(t, "no name", r.ResellerName == nil, true)
			})},
		{name: "list", as: "prov", cmd: &provider.ResellerGetListRequest{}, check: admIs(func(t *testing.T, r *provider.ResellerGetListResponse) {
			rows := admRows(t, r.ResellerTable, "Reseller Id", "Reseller Name", "Reseller External Id")
			admStrs(t, "ids", admCol(r.ResellerTable, "Reseller Id"), []string{"r1", "r2", "r3", "r4"})
			admEq(t, "r3 name", rows[2]["Reseller Name"], "Third")
		})},
		{name: "list by id and name", as: "prov", cmd: &provider.ResellerGetListRequest{
			SearchCriteriaResellerID:   []datatypes.SearchCriteriaResellerId{rslCrit(datatypes.SearchModeStartsWith, "R")},
			SearchCriteriaResellerName: []datatypes.SearchCriteriaResellerName{{Mode: datatypes.SearchModeContains, Value: "o", IsCaseInsensitive: false}}},
			check: admIs(func(t *testing.T, r *provider.ResellerGetListResponse) {
				// Case-sensitive "o": only "Reseller Two" ("One" has an upper-case O).
				admStrs(t, "ids", admCol(r.ResellerTable, "Reseller Id"), []string{"r2"})
			})},
		{name: "list by exact id", as: "prov", cmd: &provider.ResellerGetListRequest{
			SearchCriteriaResellerID: []datatypes.SearchCriteriaResellerId{rslCrit(datatypes.SearchModeEqualTo, "R2")}},
			check: admIs(func(t *testing.T, r *provider.ResellerGetListResponse) {
				admStrs(t, "ids", admCol(r.ResellerTable, "Reseller Id"), []string{"r2"})
			})},
		{name: "list with a size limit", as: "prov", cmd: &provider.ResellerGetListRequest{ResponseSizeLimit: ptr(datatypes.ResponseSizeLimit(2))},
			check: admIs(func(t *testing.T, r *provider.ResellerGetListResponse) {
				admStrs(t, "ids", admCol(r.ResellerTable, "Reseller Id"), []string{"r1", "r2"})
			})},
		{name: "modify name", as: "prov", cmd: &provider.ResellerModifyRequest{ResellerID: ptr(datatypes.ResellerId22("r3")), ResellerName: ocixml.Some(datatypes.ResellerName22("Trois"))}},
		{name: "renamed", as: "prov", cmd: rslGet("r3"), check: admIs(func(t *testing.T, r *provider.ResellerGetResponse22V2) {
			admEq(t, "name", sv(r.ResellerName), "Trois")
		})},
		{name: "clear name", as: "prov", cmd: &provider.ResellerModifyRequest{ResellerID: ptr(datatypes.ResellerId22("r3")), ResellerName: ocixml.Null[datatypes.ResellerName22]()}},
		{name: "cleared", as: "prov", cmd: rslGet("r3"), check: admIs(func(t *testing.T, r *provider.ResellerGetResponse22V2) {
			admEq(t, "no name", r.ResellerName == nil, true)
		})},
		{name: "duplicate", as: "prov", cmd: &provider.ResellerAddRequest{ResellerID: "r1"}, code: ocip.CodeAlreadyExists},
		{name: "external id on add", as: "prov", cmd: &provider.ResellerAddRequest{ResellerID: "r5", ResellerExternalID: ptr(datatypes.ExternalId("x"))}, code: ocip.CodeNotSupported},
		{name: "external id on get", as: "prov", cmd: &provider.ResellerGetRequest22V2{ResellerExternalID: ptr(datatypes.ExternalId("x"))}, code: ocip.CodeNotSupported},
		{name: "not added by the external-id attempt", as: "prov", cmd: rslGet("r5"), code: ocip.CodeNotFound},
		{name: "unknown", as: "prov", cmd: rslGet("r9"), code: ocip.CodeNotFound},
		{name: "modify unknown", as: "prov", cmd: &provider.ResellerModifyRequest{ResellerID: ptr(datatypes.ResellerId22("r9"))}, code: ocip.CodeNotFound},
		{name: "delete refused while an SP uses it", as: "prov", cmd: &provider.ResellerDeleteRequest{ResellerID: ptr(datatypes.ResellerId22("r1"))}, code: ocip.CodeInUse},
		{name: "delete", as: "prov", cmd: &provider.ResellerDeleteRequest{ResellerID: ptr(datatypes.ResellerId22("r4"))}},
		{name: "deleted", as: "prov", cmd: rslGet("r4"), code: ocip.CodeNotFound},
		{name: "delete unknown", as: "prov", cmd: &provider.ResellerDeleteRequest{ResellerID: ptr(datatypes.ResellerId22("r4"))}, code: ocip.CodeNotFound},
	})
}

// TestResellerDeleteAtomic: a reseller's administrators go with it, but a
// refused delete (a reseller domain still exists) leaves them, and the
// reseller, in place.
func TestResellerDeleteAtomic(t *testing.T) {
	w := newAdmWorld(t)
	prov := w.as("prov")
	prov.ok(&provider.ResellerAddRequest{ResellerID: "r3"})
	prov.ok(&provider.ResellerAdminAddRequest{ResellerID: "r3", UserID: "r3admin", Password: ptr(datatypes.Password(admPW))})
	if err := w.h.core.AddSystemDomain(context.Background(), w.sysActor, "r3.example", "r3"); err != nil {
		t.Fatal(err)
	}
	e := prov.fails(&provider.ResellerDeleteRequest{ResellerID: ptr(datatypes.ResellerId22("r3"))}, ocip.CodeInUse)
	if e.Detail == nil || *e.Detail != "domain r3.example belongs to it" {
		t.Fatalf("detail %v", e.Detail)
	}
	get[*provider.ResellerGetResponse22V2](prov, rslGet("r3"))
	get[*provider.ResellerAdminGetResponse22V2](prov, &provider.ResellerAdminGetRequest22V2{UserID: "r3admin"})

	if err := w.h.core.DeleteSystemDomain(context.Background(), w.sysActor, "r3.example"); err != nil {
		t.Fatal(err)
	}
	prov.ok(&provider.ResellerDeleteRequest{ResellerID: ptr(datatypes.ResellerId22("r3"))})
	prov.fails(rslGet("r3"), ocip.CodeNotFound)
	prov.fails(&provider.ResellerAdminGetRequest22V2{UserID: "r3admin"}, ocip.CodeNotFound)
	// The administrator's id is free again.
	prov.ok(&provider.ResellerAddRequest{ResellerID: "r3"})
	prov.ok(&provider.ResellerAdminAddRequest{ResellerID: "r3", UserID: "r3admin", Password: ptr(datatypes.Password(admPW))})
}

func TestResellerAuthorization(t *testing.T) {
	w := newAdmWorld(t)
	admRun(t, w, []admStep{
		{name: "reseller reads its own", as: "rsl1", cmd: rslGet("r1"), check: admIs(func(t *testing.T, r *provider.ResellerGetResponse22V2) {
			admEq(t, "name", sv(r.ResellerName), "Reseller One")
		})},
		{name: "reseller cannot read another", as: "rsl1", cmd: rslGet("r2"), code: ocip.CodeUnauthorized},
		{name: "nor learn whether one exists", as: "rsl1", cmd: rslGet("r9"), code: ocip.CodeUnauthorized},
		{name: "reseller list holds its own only", as: "rsl1", cmd: &provider.ResellerGetListRequest{}, check: admIs(func(t *testing.T, r *provider.ResellerGetListResponse) {
			admStrs(t, "ids", admCol(r.ResellerTable, "Reseller Id"), []string{"r1"})
		})},
		{name: "reseller cannot add", as: "rsl1", cmd: &provider.ResellerAddRequest{ResellerID: "r7"}, code: ocip.CodeUnauthorized},
		{name: "reseller cannot modify its own", as: "rsl1", cmd: &provider.ResellerModifyRequest{ResellerID: ptr(datatypes.ResellerId22("r1")), ResellerName: ocixml.Some(datatypes.ResellerName22("x"))}, code: ocip.CodeUnauthorized},
		{name: "reseller cannot delete", as: "rsl2", cmd: &provider.ResellerDeleteRequest{ResellerID: ptr(datatypes.ResellerId22("r2"))}, code: ocip.CodeUnauthorized},
		{name: "sp admin cannot list", as: "spadmin", cmd: &provider.ResellerGetListRequest{}, code: ocip.CodeUnauthorized},
		{name: "sp admin cannot read its reseller", as: "spadmin", cmd: rslGet("r1"), code: ocip.CodeUnauthorized},
		{name: "user cannot list", as: "alice@example.com", cmd: &provider.ResellerGetListRequest{}, code: ocip.CodeUnauthorized},
		{name: "read-only reads", as: "ro", cmd: &provider.ResellerGetListRequest{}, check: admIs(func(t *testing.T, r *provider.ResellerGetListResponse) {
			admStrs(t, "ids", admCol(r.ResellerTable, "Reseller Id"), []string{"r1", "r2"})
		})},
		{name: "read-only cannot add", as: "ro", cmd: &provider.ResellerAddRequest{ResellerID: "r8"}, code: ocip.CodeUnauthorized},
		{name: "read-only cannot delete", as: "ro", cmd: &provider.ResellerDeleteRequest{ResellerID: ptr(datatypes.ResellerId22("r2"))}, code: ocip.CodeUnauthorized},
		{name: "still there", as: "prov", cmd: rslGet("r2"), check: admIs(func(*testing.T, *provider.ResellerGetResponse22V2) {})},
	})
}

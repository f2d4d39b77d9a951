package ocipserver

import (
	"slices"
	"testing"

	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedsystem"
	"github.com/switchboard/switchboard/ocip/schema/system"
)

func TestSystemDomains(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	orgReseller(h, "r1", "Reseller One")
	orgReseller(h, "r2", "Reseller Two")

	// Before any domain: no default, empty table with its headings.
	empty := get[*deprecatedsystem.SystemDomainGetListResponse22](s, &deprecatedsystem.SystemDomainGetListRequest22{})
	if empty.SystemDefaultDomain != nil || empty.DomainTable.Len() != 0 || !slices.Equal(empty.DomainTable.Headings, []string{"Domain Name", "Reseller Id"}) {
		t.Fatalf("empty list: %+v", empty)
	}

	orgAddDomain(s, "example.com") // the first domain becomes the default
	orgAddDomain(s, "b.example.com")
	s.ok(&system.SystemDomainAddRequest{Domain: "r1.example.com", ResellerID: ptr(datatypes.ResellerId22("r1"))})
	s.ok(&system.SystemDomainAddRequest{Domain: "r2.example.com", ResellerID: ptr(datatypes.ResellerId22("r2"))})
	for _, tc := range []struct {
		name string
		req  *system.SystemDomainAddRequest
		code ocip.ErrorCode
	}{
		{"duplicate", &system.SystemDomainAddRequest{Domain: "example.com"}, ocip.CodeAlreadyExists},
		{"duplicate of a reseller domain", &system.SystemDomainAddRequest{Domain: "r1.example.com"}, ocip.CodeAlreadyExists},
		{"unknown reseller", &system.SystemDomainAddRequest{Domain: "x.example.com", ResellerID: ptr(datatypes.ResellerId22("r9"))}, ocip.CodeNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) { orgIn(t, s).fails(tc.req, tc.code) })
	}

	old := get[*deprecatedsystem.SystemDomainGetListResponse](s, &deprecatedsystem.SystemDomainGetListRequest{})
	if sv(old.SystemDefaultDomain) != "example.com" || !slices.Equal(old.Domain, []datatypes.NetAddress{"b.example.com", "example.com"}) {
		t.Fatalf("system-level list: %+v", old)
	}
	names := func(tb ocixml.Table) []string { return orgColumn(t, tb, "Domain Name") }
	for _, tc := range []struct {
		name string
		req  ocixml.Command
		want []string
	}{
		{"22 all", &deprecatedsystem.SystemDomainGetListRequest22{}, []string{"b.example.com", "example.com", "r1.example.com", "r2.example.com"}},
		{"22 exclude resellers", &deprecatedsystem.SystemDomainGetListRequest22{ExcludeReseller: true}, []string{"b.example.com", "example.com"}},
		{"22 one reseller", &deprecatedsystem.SystemDomainGetListRequest22{ResellerID: ptr(datatypes.ResellerId("r1"))}, []string{"b.example.com", "example.com", "r1.example.com"}},
		{"22V2 all", &system.SystemDomainGetListRequest22V2{}, []string{"b.example.com", "example.com", "r1.example.com", "r2.example.com"}},
		{"22V2 reseller level", &system.SystemDomainGetListRequest22V2{SearchCriteriaExactDomainLevel: &datatypes.SearchCriteriaExactDomainLevel{DomainLevel: datatypes.DomainLevelReseller}}, []string{"r1.example.com", "r2.example.com"}},
		{"22V2 system level", &system.SystemDomainGetListRequest22V2{SearchCriteriaExactDomainLevel: &datatypes.SearchCriteriaExactDomainLevel{DomainLevel: datatypes.DomainLevelSystem}}, []string{"b.example.com", "example.com"}},
		{"22V2 name starts with", &system.SystemDomainGetListRequest22V2{SearchCriteriaDomainName: []datatypes.SearchCriteriaDomainName{{Mode: datatypes.SearchModeStartsWith, Value: "R", IsCaseInsensitive: true}}}, []string{"r1.example.com", "r2.example.com"}},
		{"22V2 name case-sensitive", &system.SystemDomainGetListRequest22V2{SearchCriteriaDomainName: []datatypes.SearchCriteriaDomainName{{Mode: datatypes.SearchModeStartsWith, Value: "R", IsCaseInsensitive: false}}}, nil},
		{"22V2 reseller id", &system.SystemDomainGetListRequest22V2{SearchCriteriaResellerID: []datatypes.SearchCriteriaResellerId{{Mode: datatypes.SearchModeEqualTo, Value: "r2", IsCaseInsensitive: true}}}, []string{"r2.example.com"}},
		{"22V2 limit", &system.SystemDomainGetListRequest22V2{ResponseSizeLimit: ptr(datatypes.ResponseSizeLimit(3))}, []string{"b.example.com", "example.com", "r1.example.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tb ocixml.Table
			switch r := orgIn(t, s).one(tc.req).(type) {
			case *deprecatedsystem.SystemDomainGetListResponse22:
				tb = r.DomainTable
				if sv(r.SystemDefaultDomain) != "example.com" {
					t.Errorf("default %v", r.SystemDefaultDomain)
				}
			case *system.SystemDomainGetListResponse22V2:
				tb = r.DomainTable
				if sv(r.SystemDefaultDomain) != "example.com" {
					t.Errorf("default %v", r.SystemDefaultDomain)
				}
			default:
				t.Fatalf("got %s", describe(r))
			}
			if got := names(tb); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	r := get[*system.SystemDomainGetListResponse22V2](s, &system.SystemDomainGetListRequest22V2{ResellerID: ptr(datatypes.ResellerId22("r2"))})
	if got := orgColumn(t, r.DomainTable, "Reseller Id"); !slices.Equal(got, []string{"", "", "r2"}) {
		t.Errorf("reseller column %v", got)
	}

	// Deletion: not the default, not one in use, not an unknown one.
	orgAddSP(s, "sp1", "b.example.com", false)
	s.fails(&system.SystemDomainDeleteRequest{Domain: "example.com"}, ocip.CodeInUse)
	s.fails(&system.SystemDomainDeleteRequest{Domain: "b.example.com"}, ocip.CodeInUse)
	s.fails(&system.SystemDomainDeleteRequest{Domain: "nowhere.example"}, ocip.CodeNotFound)
	s.ok(&system.SystemDomainDeleteRequest{Domain: "r2.example.com"})
	if got := names(get[*system.SystemDomainGetListResponse22V2](s, &system.SystemDomainGetListRequest22V2{}).DomainTable); !slices.Equal(got, []string{"b.example.com", "example.com", "r1.example.com"}) {
		t.Errorf("after delete %v", got)
	}
}

func TestSystemDomainAuthorization(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	orgReseller(h, "r1", "Reseller One")
	orgReseller(h, "r2", "Reseller Two")
	orgAddDomain(s, "example.com")
	s.ok(&system.SystemDomainAddRequest{Domain: "r2.example.com", ResellerID: ptr(datatypes.ResellerId22("r2"))})
	orgAddSP(s, "sp1", "example.com", false)
	orgAddGroup(s, "sp1", "g1", "example.com", 5)
	readOnly := orgLoginAs(h, store.Admin{ID: "viewer", Level: store.LevelSystem, ReadOnly: true})
	prov := orgLoginAs(h, store.Admin{ID: "prov", Level: store.LevelProvisioning})
	reseller := orgLoginAs(h, store.Admin{ID: "r1admin", Level: store.LevelReseller, ResellerID: "r1"})
	spAdmin := orgLoginAs(h, store.Admin{ID: "sp1admin", Level: store.LevelServiceProvider, SPID: "sp1", AdminType: "Normal"})
	grpAdmin := orgLoginAs(h, store.Admin{ID: "g1admin", Level: store.LevelGroup, SPID: "sp1", GroupID: "g1"})

	for _, tc := range []struct {
		name string
		s    *session
		req  ocixml.Command
	}{
		{"read-only adds", readOnly, &system.SystemDomainAddRequest{Domain: "x.example.com"}},
		{"read-only deletes", readOnly, &system.SystemDomainDeleteRequest{Domain: "example.com"}},
		{"SP admin adds", spAdmin, &system.SystemDomainAddRequest{Domain: "x.example.com"}},
		{"group admin adds", grpAdmin, &system.SystemDomainAddRequest{Domain: "x.example.com"}},
		{"reseller adds for another reseller", reseller, &system.SystemDomainAddRequest{Domain: "x.example.com", ResellerID: ptr(datatypes.ResellerId22("r2"))}},
		{"reseller deletes", reseller, &system.SystemDomainDeleteRequest{Domain: "r2.example.com"}},
		{"reseller lists another reseller", reseller, &system.SystemDomainGetListRequest22V2{ResellerID: ptr(datatypes.ResellerId22("r2"))}},
	} {
		t.Run(tc.name, func(t *testing.T) { orgIn(t, tc.s).fails(tc.req, ocip.CodeUnauthorized) })
	}
	prov.ok(&system.SystemDomainAddRequest{Domain: "prov.example.com"})
	// A reseller's domains are its own, whatever the request names.
	reseller.ok(&system.SystemDomainAddRequest{Domain: "r1.example.com"})
	list := func(s *session) []string {
		t.Helper()
		return orgColumn(t, get[*system.SystemDomainGetListResponse22V2](s, &system.SystemDomainGetListRequest22V2{}).DomainTable, "Domain Name")
	}
	if got := list(reseller); !slices.Equal(got, []string{"example.com", "prov.example.com", "r1.example.com"}) {
		t.Errorf("reseller sees %v", got)
	}
	// Harmless reads are open to every admin; below Reseller they show
	// system domains only, a read-only System admin sees everything.
	for _, who := range []*session{spAdmin, grpAdmin} {
		if got := list(who); !slices.Equal(got, []string{"example.com", "prov.example.com"}) {
			t.Errorf("%s sees %v", who.id, got)
		}
	}
	if got := list(readOnly); !slices.Equal(got, []string{"example.com", "prov.example.com", "r1.example.com", "r2.example.com"}) {
		t.Errorf("read-only System admin sees %v", got)
	}
	if l := get[*deprecatedsystem.SystemDomainGetListResponse](grpAdmin, &deprecatedsystem.SystemDomainGetListRequest{}); len(l.Domain) != 2 {
		t.Errorf("group admin's old list %v", l.Domain)
	}
}

package ocipserver

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
)

// numbersWorld is a system with two service providers (sp1 with groups g1
// and g2, sp2 with g3), built through the core because the SP, group and
// user commands belong to other families. The numbers and services tests
// share it.
type numbersWorld struct {
	t     *testing.T
	h     *harness
	ctx   context.Context
	sys   *provisioning.Actor
	admin *session
}

const numbersPassword = "Family-pw-123"

func numbersSetup(t *testing.T) *numbersWorld {
	t.Helper()
	h := newHarness(t)
	ctx := context.Background()
	info, err := h.core.Login(ctx, testAdmin, provisioning.Credential{Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	w := &numbersWorld{t: t, h: h, ctx: ctx, sys: info.Actor}
	w.must(h.core.AddSystemDomain(ctx, w.sys, "example.com", ""))
	for _, sp := range []string{"sp1", "sp2"} {
		w.must(h.core.AddServiceProvider(ctx, w.sys, provisioning.ServiceProviderAdd{
			SP: store.ServiceProvider{ID: sp, Name: sp, DefaultDomain: "example.com"}}))
	}
	for _, g := range [][2]string{{"sp1", "g1"}, {"sp1", "g2"}, {"sp2", "g3"}} {
		w.must(h.core.AddGroup(ctx, w.sys, provisioning.GroupAdd{
			Group: store.Group{SPID: g[0], ID: g[1], Name: g[1], DefaultDomain: "example.com", UserLimit: 100}}))
	}
	w.admin = h.admin()
	return w
}

func (w *numbersWorld) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// adminSession adds an administrator and logs it in.
func (w *numbersWorld) adminSession(id string, level store.AdminLevel, spID, groupID string, readOnly bool) *session {
	w.t.Helper()
	w.must(w.h.core.AddAdmin(w.ctx, w.sys, provisioning.AdminAdd{
		Admin:    store.Admin{ID: id, Level: level, SPID: spID, GroupID: groupID, ReadOnly: readOnly, LastName: id, FirstName: id},
		Password: numbersPassword}))
	return w.h.login(id, numbersPassword)
}

// addUser adds a user holding number (may be "") to a group.
func (w *numbersWorld) addUser(id, spID, groupID, number, ext string) {
	w.t.Helper()
	w.must(w.h.core.AddUser(w.ctx, w.sys, provisioning.UserAdd{User: store.User{
		ID: id + "@example.com", SPID: spID, GroupID: groupID, LastName: "Last" + id, FirstName: "First" + id,
		CLIDLastName: "Last" + id, CLIDFirstName: "First" + id, PhoneNumber: number, Extension: ext,
		Email: id + "@mail.example.com"}, Password: numbersPassword}))
}

// numbersStep is one command of a scenario: who sends it, what it must
// answer (code 0: anything but an ErrorResponse) and what to check in the
// answer.
type numbersStep struct {
	name  string
	as    *session // nil: the System administrator
	cmd   ocixml.Command
	code  ocip.ErrorCode
	check func(t *testing.T, r ocixml.Command)
}

// numbersRun plays steps in order; each depends on the ones before.
func numbersRun(t *testing.T, w *numbersWorld, steps []numbersStep) {
	t.Helper()
	for _, st := range steps {
		s := st.as
		if s == nil {
			s = w.admin
		}
		r := s.one(st.cmd)
		e, isErr := r.(*core.ErrorResponse)
		switch {
		case st.code == 0 && isErr:
			t.Fatalf("%s: %s", st.name, describe(r))
		case st.code != 0 && !isErr:
			t.Fatalf("%s: want error %d, got %s", st.name, st.code, describe(r))
		case st.code != 0 && (e.ErrorCode == nil || *e.ErrorCode != int32(st.code)):
			t.Fatalf("%s: want error %d, got %s", st.name, st.code, describe(r))
		}
		if st.check != nil {
			st.check(t, r)
		}
	}
}

// numbersAs checks the response type and hands it to check.
func numbersAs[T ocixml.Command](name string, check func(t *testing.T, r T)) func(t *testing.T, r ocixml.Command) {
	return func(t *testing.T, r ocixml.Command) {
		t.Helper()
		v, ok := r.(T)
		if !ok {
			t.Fatalf("%s: want %T, got %s", name, *new(T), describe(r))
		}
		check(t, v)
	}
}

// numbersColumns projects a table onto some columns.
func numbersColumns(tbl ocixml.Table, headings ...string) [][]string {
	out := [][]string{}
	for _, m := range tbl.Maps() {
		row := make([]string, len(headings))
		for i, h := range headings {
			row[i] = m[h]
		}
		out = append(out, row)
	}
	return out
}

func numbersWantTable(t *testing.T, name string, tbl ocixml.Table, headings []string, want [][]string) {
	t.Helper()
	if len(tbl.Headings) == 0 {
		t.Fatalf("%s: table has no headings", name)
	}
	if want == nil {
		want = [][]string{}
	}
	if got := numbersColumns(tbl, headings...); !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: table %v\n got  %q\n want %q", name, headings, got, want)
	}
}

func numbersDNs(s ...string) []datatypes.DN {
	out := make([]datatypes.DN, len(s))
	for i, v := range s {
		out[i] = datatypes.DN(v)
	}
	return out
}

func numbersRange(min, max string) datatypes.DNRange {
	return datatypes.DNRange{MinPhoneNumber: datatypes.DN(min), MaxPhoneNumber: datatypes.DN(max)}
}

func numbersWantList[T ~string](t *testing.T, name string, got []T, want ...string) {
	t.Helper()
	g := make([]string, len(got))
	for i, v := range got {
		g[i] = string(v)
	}
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(g, want) {
		if len(g) > 20 {
			g = append(g[:20:20], "…")
		}
		t.Fatalf("%s:\n got  %q (%d)\n want %q", name, g, len(got), want)
	}
}

func spAvailable(sp string, want ...string) numbersStep {
	return numbersStep{name: "available numbers of " + sp, cmd: &provider.ServiceProviderDnGetAvailableListRequest{ServiceProviderID: datatypes.ServiceProviderId(sp)},
		check: numbersAs("available", func(t *testing.T, r *provider.ServiceProviderDnGetAvailableListResponse) {
			numbersWantList(t, "availableDn of "+sp, r.AvailableDn, want...)
		})}
}

func groupDNs(sp, g string, want ...string) numbersStep {
	return numbersStep{name: "numbers of " + g, cmd: &group.GroupDnGetListRequest{ServiceProviderID: datatypes.ServiceProviderId(sp), GroupID: datatypes.GroupId(g)},
		check: numbersAs("group list", func(t *testing.T, r *group.GroupDnGetListResponse) {
			numbersWantList(t, "phoneNumber of "+g, r.PhoneNumber, want...)
		})}
}

func TestNumbersServiceProvider(t *testing.T) {
	w := numbersSetup(t)
	sp1 := datatypes.ServiceProviderId("sp1")
	add := func(sp string, nums []string, ranges ...datatypes.DNRange) *provider.ServiceProviderDnAddListRequest {
		return &provider.ServiceProviderDnAddListRequest{ServiceProviderID: datatypes.ServiceProviderId(sp), PhoneNumber: numbersDNs(nums...), DnRange: ranges}
	}
	del := func(sp string, nums []string, ranges ...datatypes.DNRange) *provider.ServiceProviderDnDeleteListRequest {
		return &provider.ServiceProviderDnDeleteListRequest{ServiceProviderID: datatypes.ServiceProviderId(sp), PhoneNumber: numbersDNs(nums...), DnRange: ranges}
	}
	summaryHeadings := []string{"Phone Numbers", "Group Id", "Can Delete"}
	numbersRun(t, w, []numbersStep{
		spAvailable("sp1"),
		{name: "add national, +CC and a range", cmd: add("sp1", []string{"2025550100", "+1-2025550200"}, numbersRange("+1-2025550101", "2025550103"))},
		spAvailable("sp1", "+1-2025550100", "+1-2025550101", "+1-2025550102", "+1-2025550103", "+1-2025550200"),
		{name: "a number belongs to one SP only", cmd: add("sp2", []string{"+12025550100"}), code: ocip.CodeAlreadyExists},
		{name: "a range overlapping another SP", cmd: add("sp2", nil, numbersRange("2025550098", "2025550101")), code: ocip.CodeAlreadyExists},
		spAvailable("sp2"),
		{name: "the same number twice", cmd: add("sp1", []string{"2025550200"}), code: ocip.CodeAlreadyExists},
		{name: "a range too large", cmd: add("sp1", nil, numbersRange("3035550000", "3035560000")), code: ocip.CodeLimitExceeded},
		{name: "a range upside down", cmd: add("sp1", nil, numbersRange("3035550009", "3035550000")), code: ocip.CodeInvalidValue},
		{name: "range ends of different lengths", cmd: add("sp1", nil, numbersRange("3035550000", "30355500001")), code: ocip.CodeInvalidValue},
		{name: "range ends in different countries", cmd: add("sp1", nil, numbersRange("+44-2071234500", "+1-2071234501")), code: ocip.CodeInvalidValue},
		{name: "not a number", cmd: add("sp1", []string{"20x5550100"}), code: ocip.CodeInvalidValue},
		{name: "unknown SP", cmd: add("nosuch", []string{"4045550100"}), code: ocip.CodeNotFound},
		{name: "all or nothing: one new, one taken", cmd: add("sp1", []string{"4045550100", "2025550100"}), code: ocip.CodeAlreadyExists},
		spAvailable("sp1", "+1-2025550100", "+1-2025550101", "+1-2025550102", "+1-2025550103", "+1-2025550200"),
		{name: "a range of exactly 10000", cmd: add("sp2", nil, numbersRange("5055550000", "5055559999"))},
		{name: "sp2 holds the whole range", cmd: &provider.ServiceProviderDnGetSummaryListRequest{ServiceProviderID: "sp2"},
			check: numbersAs("summary", func(t *testing.T, r *provider.ServiceProviderDnGetSummaryListResponse) {
				numbersWantTable(t, "sp2 summary", r.DnSummaryTable, summaryHeadings, [][]string{{"+1-5055550000 - +1-5055559999", "", "true"}})
			})},
		{name: "assign two to g1", cmd: &group.GroupDnAssignListRequest{ServiceProviderID: sp1, GroupID: "g1", PhoneNumber: numbersDNs("2025550101", "2025550102")}},
		{name: "summary: ranges split by group", cmd: &provider.ServiceProviderDnGetSummaryListRequest{ServiceProviderID: sp1},
			check: numbersAs("summary", func(t *testing.T, r *provider.ServiceProviderDnGetSummaryListResponse) {
				numbersWantTable(t, "sp1 summary", r.DnSummaryTable, summaryHeadings, [][]string{
					{"+1-2025550100", "", "true"},
					{"+1-2025550101 - +1-2025550102", "g1", "false"},
					{"+1-2025550103", "", "true"},
					{"+1-2025550200", "", "true"},
				})
			})},
		{name: "summary searched by group", cmd: &provider.ServiceProviderDnGetSummaryListRequest{ServiceProviderID: sp1,
			SearchCriteriaGroupID: []datatypes.SearchCriteriaGroupId{{Mode: datatypes.SearchModeEqualTo, Value: "G1", IsCaseInsensitive: true}}},
			check: numbersAs("summary", func(t *testing.T, r *provider.ServiceProviderDnGetSummaryListResponse) {
				numbersWantTable(t, "summary of g1", r.DnSummaryTable, summaryHeadings, [][]string{{"+1-2025550101 - +1-2025550102", "g1", "false"}})
			})},
		{name: "summary searched by number", cmd: &provider.ServiceProviderDnGetSummaryListRequest{ServiceProviderID: sp1,
			SearchCriteriaDn: []datatypes.SearchCriteriaDn{{Mode: datatypes.SearchModeContains, Value: "0200", IsCaseInsensitive: true}}},
			check: numbersAs("summary", func(t *testing.T, r *provider.ServiceProviderDnGetSummaryListResponse) {
				numbersWantTable(t, "summary by number", r.DnSummaryTable, summaryHeadings, [][]string{{"+1-2025550200", "", "true"}})
			})},
		spAvailable("sp1", "+1-2025550100", "+1-2025550103", "+1-2025550200"),
		{name: "a number on a group cannot be deleted", cmd: del("sp1", []string{"2025550101"}), code: ocip.CodeInUse},
		{name: "a number of another SP", cmd: del("sp1", []string{"5055550000"}), code: ocip.CodeNotFound},
		{name: "all or nothing: delete one free, one on a group", cmd: del("sp1", []string{"2025550100", "2025550102"}), code: ocip.CodeInUse},
		spAvailable("sp1", "+1-2025550100", "+1-2025550103", "+1-2025550200"),
		{name: "delete a number and a range", cmd: del("sp1", []string{"+1-2025550200"}, numbersRange("2025550100", "2025550100"))},
		spAvailable("sp1", "+1-2025550103"),
		{name: "a deleted number is free for another SP", cmd: add("sp2", []string{"2025550100"})},
		{name: "sp2 now holds it", cmd: &provider.ServiceProviderDnGetSummaryListRequest{ServiceProviderID: "sp2"},
			check: numbersAs("summary", func(t *testing.T, r *provider.ServiceProviderDnGetSummaryListResponse) {
				numbersWantTable(t, "sp2 summary", r.DnSummaryTable, summaryHeadings, [][]string{
					{"+1-2025550100", "", "true"},
					{"+1-5055550000 - +1-5055559999", "", "true"},
				})
			})},
	})
}

func TestNumbersNormalisation(t *testing.T) {
	w := numbersSetup(t)
	numbersRun(t, w, []numbersStep{
		{name: "forms of the same country", cmd: &provider.ServiceProviderDnAddListRequest{ServiceProviderID: "sp1",
			PhoneNumber: numbersDNs("+442071234567", "+44-20 7123 4568", "(202) 555-0100"),
			DnRange:     []datatypes.DNRange{numbersRange("+44-2071234570", "+442071234571")}}},
		spAvailable("sp1", "+1-2025550100", "+44-2071234567", "+44-2071234568", "+44-2071234570", "+44-2071234571"),
		{name: "the national form names the system country's number", cmd: &provider.ServiceProviderDnAddListRequest{ServiceProviderID: "sp2",
			PhoneNumber: numbersDNs("+1 202 555 0100")}, code: ocip.CodeAlreadyExists},
		{name: "assign in another form", cmd: &group.GroupDnAssignListRequest{ServiceProviderID: "sp1", GroupID: "g1",
			PhoneNumber: numbersDNs("2025550100", "+44-2071234567"), DnRange: []datatypes.DNRange{numbersRange("+442071234570", "+44-2071234571")}}},
		groupDNs("sp1", "g1", "+1-2025550100", "+44-2071234567", "+44-2071234570", "+44-2071234571"),
		{name: "country code and national prefix per number", cmd: &group.GroupDnGetAssignmentListRequest18{ServiceProviderID: "sp1", GroupID: "g1"},
			check: numbersAs("assignment", func(t *testing.T, r *group.GroupDnGetAssignmentListResponse18) {
				numbersWantTable(t, "assignment", r.DnTable, []string{"Phone Numbers", "Country Code", "National Prefix"}, [][]string{
					{"+1-2025550100", "1", "1"},
					{"+44-2071234567", "44", "0"},
					{"+44-2071234570 - +44-2071234571", "44", "0"},
				})
			})},
	})
}

func TestNumbersGroup(t *testing.T) {
	w := numbersSetup(t)
	w.must(w.h.core.AddSPNumbers(w.ctx, w.sys, "sp1", provisioning.NumberSet{Ranges: [][2]string{{"2025550100", "2025550109"}}}))
	w.must(w.h.core.AddSPNumbers(w.ctx, w.sys, "sp2", provisioning.NumberSet{Numbers: []string{"3035550100"}}))
	assign := func(g string, nums []string, ranges ...datatypes.DNRange) *group.GroupDnAssignListRequest {
		return &group.GroupDnAssignListRequest{ServiceProviderID: "sp1", GroupID: datatypes.GroupId(g), PhoneNumber: numbersDNs(nums...), DnRange: ranges}
	}
	unassign := func(g string, nums []string, ranges ...datatypes.DNRange) *group.GroupDnUnassignListRequest {
		return &group.GroupDnUnassignListRequest{ServiceProviderID: "sp1", GroupID: datatypes.GroupId(g), PhoneNumber: numbersDNs(nums...), DnRange: ranges}
	}
	available := func(g string, want ...string) numbersStep {
		return numbersStep{name: "available in " + g, cmd: &group.GroupDnGetAvailableListRequest{ServiceProviderID: "sp1", GroupID: datatypes.GroupId(g)},
			check: numbersAs("available", func(t *testing.T, r *group.GroupDnGetAvailableListResponse) {
				numbersWantList(t, "available in "+g, r.PhoneNumber, want...)
			})}
	}
	numbersRun(t, w, []numbersStep{
		groupDNs("sp1", "g1"),
		{name: "assign a range", cmd: assign("g1", []string{"2025550105"}, numbersRange("+1-2025550100", "+1-2025550102"))},
		groupDNs("sp1", "g1", "+1-2025550100", "+1-2025550101", "+1-2025550102", "+1-2025550105"),
		{name: "a number not on the SP", cmd: assign("g1", []string{"2025550199"}), code: ocip.CodeNotFound},
		{name: "a number of another SP", cmd: assign("g1", []string{"3035550100"}), code: ocip.CodeNotFound},
		{name: "a number on another group", cmd: assign("g2", []string{"2025550101"}), code: ocip.CodeInUse},
		{name: "a number already on the group", cmd: assign("g1", []string{"2025550101"}), code: ocip.CodeAlreadyExists},
		{name: "all or nothing: a free number and a taken one", cmd: assign("g2", []string{"2025550106", "2025550100"}), code: ocip.CodeInUse},
		groupDNs("sp1", "g2"),
		{name: "an unknown group", cmd: assign("nosuch", []string{"2025550106"}), code: ocip.CodeNotFound},
		{name: "g2 takes a free number", cmd: assign("g2", []string{"2025550106"})},
		groupDNs("sp1", "g2", "+1-2025550106"),
	})
	w.addUser("alice", "sp1", "g1", "2025550101", "101")
	numbersRun(t, w, []numbersStep{
		available("g1", "+1-2025550100", "+1-2025550102", "+1-2025550105"),
		groupDNs("sp1", "g1", "+1-2025550100", "+1-2025550101", "+1-2025550102", "+1-2025550105"),
		{name: "a number a user holds stays", cmd: unassign("g1", []string{"2025550101"}), code: ocip.CodeInUse},
		{name: "all or nothing: a free number and a held one", cmd: unassign("g1", nil, numbersRange("2025550100", "2025550101")), code: ocip.CodeInUse},
		groupDNs("sp1", "g1", "+1-2025550100", "+1-2025550101", "+1-2025550102", "+1-2025550105"),
		{name: "a number of another group", cmd: unassign("g1", []string{"2025550106"}), code: ocip.CodeNotFound},
		{name: "unassign free numbers", cmd: unassign("g1", []string{"+1-2025550105"}, numbersRange("2025550102", "2025550102"))},
		groupDNs("sp1", "g1", "+1-2025550100", "+1-2025550101"),
		spAvailable("sp1", "+1-2025550102", "+1-2025550103", "+1-2025550104", "+1-2025550105", "+1-2025550107", "+1-2025550108", "+1-2025550109"),
		{name: "an unassigned number can go to another group", cmd: assign("g2", []string{"2025550105"})},
		groupDNs("sp1", "g2", "+1-2025550105", "+1-2025550106"),
	})
}

func TestNumbersAssignmentList(t *testing.T) {
	w := numbersSetup(t)
	w.must(w.h.core.AddSPNumbers(w.ctx, w.sys, "sp1", provisioning.NumberSet{Ranges: [][2]string{{"2025550100", "2025550109"}}}))
	w.must(w.h.core.AssignGroupNumbers(w.ctx, w.sys, "sp1", "g1", provisioning.NumberSet{Ranges: [][2]string{{"2025550100", "2025550107"}}}))
	w.addUser("bob", "sp1", "g1", "2025550103", "103")
	const sp, g = datatypes.ServiceProviderId("sp1"), datatypes.GroupId("g1")
	activate := func(nums []string, ranges ...datatypes.DNRange) *group.GroupDnActivateListRequest {
		return &group.GroupDnActivateListRequest{ServiceProviderID: sp, GroupID: g, PhoneNumber: numbersDNs(nums...), DnRange: ranges}
	}
	list18 := func(name string, req *group.GroupDnGetAssignmentListRequest18, headings []string, want [][]string) numbersStep {
		req.ServiceProviderID, req.GroupID = sp, g
		return numbersStep{name: name, cmd: req, check: numbersAs(name, func(t *testing.T, r *group.GroupDnGetAssignmentListResponse18) {
			numbersWantTable(t, name, r.DnTable, headings, want)
		})}
	}
	all := []string{"Phone Numbers", "Department", "Activated", "User Id", "Last Name", "First Name", "Extension", "Email Address", "User Type", "Country Code", "National Prefix"}
	short := []string{"Phone Numbers", "Activated", "User Id"}
	numbersRun(t, w, []numbersStep{
		list18("free runs merge around the user's number", &group.GroupDnGetAssignmentListRequest18{}, all, [][]string{
			{"+1-2025550100 - +1-2025550102", "", "false", "", "", "", "", "", "", "1", "1"},
			{"+1-2025550103", "", "false", "bob@example.com", "Lastbob", "Firstbob", "103", "bob@mail.example.com", "Normal", "1", "1"},
			{"+1-2025550104 - +1-2025550107", "", "false", "", "", "", "", "", "", "1", "1"},
		}),
		{name: "activate a range and a number", cmd: activate([]string{"2025550103"}, numbersRange("2025550101", "2025550102"))},
		{name: "activating again is not an error", cmd: activate([]string{"+1-2025550101"})},
		{name: "a number not on the group", cmd: activate([]string{"2025550108"}), code: ocip.CodeNotFound},
		{name: "all or nothing: activation", cmd: activate([]string{"2025550104", "2025550109"}), code: ocip.CodeNotFound},
		list18("activation splits the runs", &group.GroupDnGetAssignmentListRequest18{}, short, [][]string{
			{"+1-2025550100", "false", ""},
			{"+1-2025550101 - +1-2025550102", "true", ""},
			{"+1-2025550103", "true", "bob@example.com"},
			{"+1-2025550104 - +1-2025550107", "false", ""},
		}),
		{name: "deactivate", cmd: &group.GroupDnDeactivateListRequest{ServiceProviderID: sp, GroupID: g, PhoneNumber: numbersDNs("2025550102", "2025550105")}},
		list18("after deactivation", &group.GroupDnGetAssignmentListRequest18{}, short, [][]string{
			{"+1-2025550100", "false", ""},
			{"+1-2025550101", "true", ""},
			{"+1-2025550102", "false", ""},
			{"+1-2025550103", "true", "bob@example.com"},
			{"+1-2025550104 - +1-2025550107", "false", ""},
		}),
		list18("search: activated only", &group.GroupDnGetAssignmentListRequest18{SearchCriteriaExactDnActivation: &datatypes.SearchCriteriaExactDnActivation{Activated: true}}, short, [][]string{
			{"+1-2025550101", "true", ""},
			{"+1-2025550103", "true", "bob@example.com"},
		}),
		list18("search: user last name", &group.GroupDnGetAssignmentListRequest18{SearchCriteriaUserLastName: []datatypes.SearchCriteriaUserLastName{{Mode: datatypes.SearchModeStartsWith, Value: "lastb", IsCaseInsensitive: true}}}, short, [][]string{
			{"+1-2025550103", "true", "bob@example.com"},
		}),
		list18("search: case-sensitive user id misses", &group.GroupDnGetAssignmentListRequest18{SearchCriteriaUserID: []datatypes.SearchCriteriaUserId{{Mode: datatypes.SearchModeContains, Value: "BOB", IsCaseInsensitive: false}}}, short, nil),
		list18("search: number, national digits and canonical form ANDed", &group.GroupDnGetAssignmentListRequest18{SearchCriteriaDn: []datatypes.SearchCriteriaDn{
			{Mode: datatypes.SearchModeStartsWith, Value: "202555010", IsCaseInsensitive: true}, {Mode: datatypes.SearchModeContains, Value: "-2025550106", IsCaseInsensitive: true}}}, short, [][]string{
			{"+1-2025550106", "false", ""},
		}),
		list18("search: a run of matches merges", &group.GroupDnGetAssignmentListRequest18{SearchCriteriaDn: []datatypes.SearchCriteriaDn{
			{Mode: datatypes.SearchModeStartsWith, Value: "+1-202555010", IsCaseInsensitive: true}}, SearchCriteriaExactDnActivation: &datatypes.SearchCriteriaExactDnActivation{}}, short, [][]string{
			{"+1-2025550100", "false", ""},
			{"+1-2025550102", "false", ""},
			{"+1-2025550104 - +1-2025550107", "false", ""},
		}),
		list18("search: extension", &group.GroupDnGetAssignmentListRequest18{SearchCriteriaExtension: []datatypes.SearchCriteriaExtension{{Mode: datatypes.SearchModeEqualTo, Value: "103", IsCaseInsensitive: true}}}, short, [][]string{
			{"+1-2025550103", "true", "bob@example.com"},
		}),
		list18("search: no number has a department", &group.GroupDnGetAssignmentListRequest18{SearchCriteriaExactDnDepartment: &datatypes.SearchCriteriaExactDnDepartment{
			DepartmentKey: &datatypes.GroupDepartmentKey{ServiceProviderID: sp, GroupID: g, Name: "Sales"}}}, short, nil),
		list18("response size limit", &group.GroupDnGetAssignmentListRequest18{ResponseSizeLimit: ptr(datatypes.ResponseSizeLimit(2))}, short, [][]string{
			{"+1-2025550100", "false", ""},
			{"+1-2025550101", "true", ""},
		}),
		{name: "the old assignment list", cmd: &deprecatedgroup.GroupDnGetAssignmentListRequest{ServiceProviderID: sp, GroupID: g},
			check: numbersAs("old list", func(t *testing.T, r *deprecatedgroup.GroupDnGetAssignmentListResponse) {
				// Runs still split on activation, which this version
				// only shows for numbers in use.
				numbersWantTable(t, "old list", r.DnTable, []string{"Phone Numbers", "Assigned To", "Department", "Activated"}, [][]string{
					{"+1-2025550100", "", "", ""},
					{"+1-2025550101", "", "", ""},
					{"+1-2025550102", "", "", ""},
					{"+1-2025550103", "Lastbob, Firstbob", "", "true"},
					{"+1-2025550104 - +1-2025550107", "", "", ""},
				})
			})},
		{name: "the activation list", cmd: &group.GroupDnGetActivationListRequest{ServiceProviderID: sp, GroupID: g},
			check: numbersAs("activation", func(t *testing.T, r *group.GroupDnGetActivationListResponse) {
				numbersWantTable(t, "activation", r.DnTable, []string{"Phone Numbers", "Activated"}, [][]string{
					{"+1-2025550100", "false"},
					{"+1-2025550101", "true"},
					{"+1-2025550102", "false"},
					{"+1-2025550103", "true"},
					{"+1-2025550104 - +1-2025550107", "false"},
				})
			})},
		{name: "the summary list", cmd: &group.GroupDnGetSummaryListRequest{ServiceProviderID: sp, GroupID: g},
			check: numbersAs("summary", func(t *testing.T, r *group.GroupDnGetSummaryListResponse) {
				numbersWantTable(t, "summary", r.DnTable, []string{"Phone Numbers", "Assigned"}, [][]string{
					{"+1-2025550100 - +1-2025550102", "false"},
					{"+1-2025550103", "true"},
					{"+1-2025550104 - +1-2025550107", "false"},
				})
			})},
		{name: "the available ranges", cmd: &group.GroupDnGetAvailableRangesListRequest{ServiceProviderID: sp, GroupID: g},
			check: numbersAs("ranges", func(t *testing.T, r *group.GroupDnGetAvailableRangesListResponse) {
				numbersWantList(t, "ranges", r.PhoneNumber, "+1-2025550100 - +1-2025550102", "+1-2025550104 - +1-2025550107")
			})},
		{name: "unassigning clears the activation", cmd: &group.GroupDnUnassignListRequest{ServiceProviderID: sp, GroupID: g, PhoneNumber: numbersDNs("2025550101")}},
		{name: "reassign", cmd: &group.GroupDnAssignListRequest{ServiceProviderID: sp, GroupID: g, PhoneNumber: numbersDNs("2025550101")}},
		list18("the number came back deactivated", &group.GroupDnGetAssignmentListRequest18{}, short, [][]string{
			{"+1-2025550100 - +1-2025550102", "false", ""},
			{"+1-2025550103", "true", "bob@example.com"},
			{"+1-2025550104 - +1-2025550107", "false", ""},
		}),
	})
	// An empty group still answers the table with its headings.
	numbersRun(t, w, []numbersStep{{name: "empty group", cmd: &group.GroupDnGetAssignmentListRequest18{ServiceProviderID: sp, GroupID: "g2"},
		check: numbersAs("empty", func(t *testing.T, r *group.GroupDnGetAssignmentListResponse18) {
			if len(r.DnTable.Headings) != len(all) || r.DnTable.Len() != 0 {
				t.Fatalf("empty group: headings %q, %d rows", r.DnTable.Headings, r.DnTable.Len())
			}
		})}})
}

func TestNumbersAuthorization(t *testing.T) {
	w := numbersSetup(t)
	w.must(w.h.core.AddSPNumbers(w.ctx, w.sys, "sp1", provisioning.NumberSet{Ranges: [][2]string{{"2025550100", "2025550109"}}}))
	w.must(w.h.core.AddSPNumbers(w.ctx, w.sys, "sp2", provisioning.NumberSet{Numbers: []string{"3035550100"}}))
	w.must(w.h.core.AssignGroupNumbers(w.ctx, w.sys, "sp1", "g1", provisioning.NumberSet{Numbers: []string{"2025550100"}}))
	sp1Admin := w.adminSession("sp1admin", store.LevelServiceProvider, "sp1", "", false)
	sp2Admin := w.adminSession("sp2admin", store.LevelServiceProvider, "sp2", "", false)
	g1Admin := w.adminSession("g1admin", store.LevelGroup, "sp1", "g1", false)
	prov := w.adminSession("provadmin", store.LevelProvisioning, "", "", false)
	readOnly := w.adminSession("readonly", store.LevelProvisioning, "", "", true)
	spAdd := func(sp, n string) *provider.ServiceProviderDnAddListRequest {
		return &provider.ServiceProviderDnAddListRequest{ServiceProviderID: datatypes.ServiceProviderId(sp), PhoneNumber: numbersDNs(n)}
	}
	assign := func(g, n string) *group.GroupDnAssignListRequest {
		return &group.GroupDnAssignListRequest{ServiceProviderID: "sp1", GroupID: datatypes.GroupId(g), PhoneNumber: numbersDNs(n)}
	}
	activate := func(g, n string) *group.GroupDnActivateListRequest {
		return &group.GroupDnActivateListRequest{ServiceProviderID: "sp1", GroupID: datatypes.GroupId(g), PhoneNumber: numbersDNs(n)}
	}
	numbersRun(t, w, []numbersStep{
		{name: "an SP admin cannot add numbers to its SP", as: sp1Admin, cmd: spAdd("sp1", "4045550100"), code: ocip.CodeUnauthorized},
		{name: "nor delete them", as: sp1Admin, cmd: &provider.ServiceProviderDnDeleteListRequest{ServiceProviderID: "sp1", PhoneNumber: numbersDNs("2025550105")}, code: ocip.CodeUnauthorized},
		{name: "a Provisioning admin can", as: prov, cmd: spAdd("sp1", "4045550100")},
		{name: "a read-only admin cannot", as: readOnly, cmd: spAdd("sp1", "4045550101"), code: ocip.CodeUnauthorized},
		{name: "a read-only admin reads", as: readOnly, cmd: &provider.ServiceProviderDnGetAvailableListRequest{ServiceProviderID: "sp1"}},
		{name: "an SP admin reads its numbers", as: sp1Admin, cmd: &provider.ServiceProviderDnGetSummaryListRequest{ServiceProviderID: "sp1"}},
		{name: "an SP admin cannot read another SP's", as: sp2Admin, cmd: &provider.ServiceProviderDnGetSummaryListRequest{ServiceProviderID: "sp1"}, code: ocip.CodeUnauthorized},
		{name: "an SP admin assigns to its groups", as: sp1Admin, cmd: assign("g2", "2025550101")},
		{name: "not to another SP's groups", as: sp2Admin, cmd: assign("g1", "2025550102"), code: ocip.CodeUnauthorized},
		{name: "nor to a group that does not exist there", as: sp2Admin, cmd: assign("nosuch", "2025550102"), code: ocip.CodeUnauthorized},
		{name: "a group admin cannot assign", as: g1Admin, cmd: assign("g1", "2025550102"), code: ocip.CodeUnauthorized},
		{name: "nor unassign", as: g1Admin, cmd: &group.GroupDnUnassignListRequest{ServiceProviderID: "sp1", GroupID: "g1", PhoneNumber: numbersDNs("2025550100")}, code: ocip.CodeUnauthorized},
		{name: "a group admin activates its numbers", as: g1Admin, cmd: activate("g1", "2025550100")},
		{name: "not another group's", as: g1Admin, cmd: activate("g2", "2025550101"), code: ocip.CodeUnauthorized},
		{name: "a read-only admin cannot activate", as: readOnly, cmd: activate("g1", "2025550100"), code: ocip.CodeUnauthorized},
		{name: "a group admin reads its group", as: g1Admin, cmd: &group.GroupDnGetListRequest{ServiceProviderID: "sp1", GroupID: "g1"},
			check: numbersAs("g1", func(t *testing.T, r *group.GroupDnGetListResponse) {
				numbersWantList(t, "g1", r.PhoneNumber, "+1-2025550100")
			})},
		{name: "not another group", as: g1Admin, cmd: &group.GroupDnGetAssignmentListRequest18{ServiceProviderID: "sp1", GroupID: "g2"}, code: ocip.CodeUnauthorized},
		{name: "not the SP's lists", as: g1Admin, cmd: &provider.ServiceProviderDnGetAvailableListRequest{ServiceProviderID: "sp1"}, code: ocip.CodeUnauthorized},
		groupDNs("sp1", "g2", "+1-2025550101"),
		spAvailable("sp1", "+1-2025550102", "+1-2025550103", "+1-2025550104", "+1-2025550105", "+1-2025550106", "+1-2025550107", "+1-2025550108", "+1-2025550109", "+1-4045550100"),
	})
}

func TestNumbersServiceInstance(t *testing.T) {
	w := numbersSetup(t)
	w.must(w.h.core.AddSPNumbers(w.ctx, w.sys, "sp1", provisioning.NumberSet{Ranges: [][2]string{{"2025550100", "2025550102"}}}))
	w.must(w.h.core.AssignGroupNumbers(w.ctx, w.sys, "sp1", "g1", provisioning.NumberSet{Ranges: [][2]string{{"2025550100", "2025550102"}}}))
	const basic = "Call Center - Basic"
	w.must(w.h.core.ModifySPServiceAuth(w.ctx, w.sys, "sp1", []provisioning.AuthChange{{Kind: store.SvcUser, Name: basic, Quantity: store.Unlimited}}))
	w.must(w.h.core.ModifyGroupServiceAuth(w.ctx, w.sys, "sp1", "g1", []provisioning.AuthChange{{Kind: store.SvcUser, Name: basic, Quantity: 1}}))
	w.must(w.h.core.AddCallCenter(w.ctx, w.sys, provisioning.CallCenterAdd{
		Center: store.CallCenter{SPID: "sp1", GroupID: "g1", Type: "Basic"},
		User: store.User{ID: "queue@example.com", LastName: "Sales Queue", FirstName: "Sales Queue",
			CLIDLastName: "Sales", CLIDFirstName: "Queue", PhoneNumber: "2025550101"},
		Password: numbersPassword}))
	numbersRun(t, w, []numbersStep{
		{name: "a service instance's number", cmd: &group.GroupDnGetAssignmentListRequest18{ServiceProviderID: "sp1", GroupID: "g1"},
			check: numbersAs("assignment", func(t *testing.T, r *group.GroupDnGetAssignmentListResponse18) {
				numbersWantTable(t, "assignment", r.DnTable, []string{"Phone Numbers", "User Id", "Last Name", "First Name", "User Type"}, [][]string{
					{"+1-2025550100", "", "", "", ""},
					{"+1-2025550101", "queue@example.com", "Sales Queue", "Call Center", "Call Center"},
					{"+1-2025550102", "", "", "", ""},
				})
			})},
		{name: "the old list names the instance", cmd: &deprecatedgroup.GroupDnGetAssignmentListRequest{ServiceProviderID: "sp1", GroupID: "g1"},
			check: numbersAs("old list", func(t *testing.T, r *deprecatedgroup.GroupDnGetAssignmentListResponse) {
				numbersWantTable(t, "old list", r.DnTable, []string{"Phone Numbers", "Assigned To"}, [][]string{
					{"+1-2025550100", ""}, {"+1-2025550101", "Sales Queue"}, {"+1-2025550102", ""},
				})
			})},
		{name: "not available", cmd: &group.GroupDnGetAvailableListRequest{ServiceProviderID: "sp1", GroupID: "g1"},
			check: numbersAs("available", func(t *testing.T, r *group.GroupDnGetAvailableListResponse) {
				numbersWantList(t, "available", r.PhoneNumber, "+1-2025550100", "+1-2025550102")
			})},
		{name: "an instance's number stays on the group", cmd: &group.GroupDnUnassignListRequest{ServiceProviderID: "sp1", GroupID: "g1", PhoneNumber: numbersDNs("2025550101")}, code: ocip.CodeInUse},
		{name: "the instance counts as a use of its service", cmd: &group.GroupServiceGetAuthorizationListRequest{ServiceProviderID: "sp1", GroupID: "g1"},
			check: numbersAs("services", func(t *testing.T, r *group.GroupServiceGetAuthorizationListResponse) {
				numbersWantTable(t, "services", servicesPick(r.UserServicesAuthorizationTable, "Service Name", []string{basic}),
					[]string{"Service Name", "Authorized", "Assigned", "Quantity", "Usage"}, [][]string{{basic, "true", "true", "1", "1"}})
			})},
	})
}

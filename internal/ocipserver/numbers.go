package ocipserver

import (
	"cmp"
	"slices"
	"strings"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
)

// The phone number family: numbers of a service provider, their
// assignment to groups, activation, and the lists built on them.
//
// Numbers come in as national digits (system country code) or "+CC-…";
// the core's ParseNumber decides. Every list answers in the core's
// canonical "+CC-national" form: table cells as BroadWorks shows them, and
// the bare phoneNumber/availableDn lists too, because those carry no
// countryCode alongside and national digits alone would be ambiguous
// between country codes (and could not be fed back unchanged).
//
// Tables that BroadWorks documents as coalescing ("ranges of DNs with
// identical assignment and activation properties are coalesced to a single
// table row") merge consecutive numbers of the same country code and
// length that no user holds and whose other columns are equal into one
// "+CC-first - +CC-last" row; a number held by a user always has its own
// row.
func numberRoutes(r routes) {
	on(r, "ServiceProviderDnAddListRequest", func(c *call, req *provider.ServiceProviderDnAddListRequest) ocixml.Command {
		return dnDone(c, c.p.core.AddSPNumbers(c.ctx, c.actor, string(req.ServiceProviderID), dnSet(req.PhoneNumber, req.DnRange)))
	})
	on(r, "ServiceProviderDnDeleteListRequest", func(c *call, req *provider.ServiceProviderDnDeleteListRequest) ocixml.Command {
		return dnDone(c, c.p.core.DeleteSPNumbers(c.ctx, c.actor, string(req.ServiceProviderID), dnSet(req.PhoneNumber, req.DnRange)))
	})
	on(r, "ServiceProviderDnGetAvailableListRequest", func(c *call, req *provider.ServiceProviderDnGetAvailableListRequest) ocixml.Command {
		rows, fail := spNumberRows(c, string(req.ServiceProviderID))
		if fail != nil {
			return fail
		}
		resp := &provider.ServiceProviderDnGetAvailableListResponse{}
		for _, row := range rows {
			if row.use.DN.GroupID == "" {
				resp.AvailableDn = append(resp.AvailableDn, row.n.String())
			}
		}
		return resp
	})
	on(r, "ServiceProviderDnGetSummaryListRequest", func(c *call, req *provider.ServiceProviderDnGetSummaryListRequest) ocixml.Command {
		rows, fail := spNumberRows(c, string(req.ServiceProviderID))
		if fail != nil {
			return fail
		}
		// The schema gives these criteria to XS mode only; filtering is
		// what a client sending them means, so they are honoured here too.
		groupCrit := make([]provisioning.StringCriterion, len(req.SearchCriteriaGroupID))
		for i, s := range req.SearchCriteriaGroupID {
			groupCrit[i] = criterion(s.Mode, string(s.Value), s.IsCaseInsensitive)
		}
		dnCrit := dnCriteria(req.SearchCriteriaDn)
		rows = slices.DeleteFunc(rows, func(row dnRow) bool {
			return !dnMatches(dnCrit, row.n) || !dnMatchAll(groupCrit, row.use.DN.GroupID)
		})
		t := newTable("ServiceProviderDnGetSummaryListResponse", "dnSummaryTable")
		// A number on a group must be unassigned from it before it can be
		// deleted from the service provider.
		for _, run := range dnCoalesce(rows, func(a, b dnRow) bool { return a.use.DN.GroupID == b.use.DN.GroupID }) {
			t.set("Phone Numbers", run.label()).
				set("Group Id", run.first().use.DN.GroupID).
				set("Can Delete", tableBool(run.first().use.DN.GroupID == ""))
			t.end()
		}
		return &provider.ServiceProviderDnGetSummaryListResponse{DnSummaryTable: t.table()}
	})

	on(r, "GroupDnAssignListRequest", func(c *call, req *group.GroupDnAssignListRequest) ocixml.Command {
		return dnDone(c, c.p.core.AssignGroupNumbers(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), dnSet(req.PhoneNumber, req.DnRange)))
	})
	on(r, "GroupDnUnassignListRequest", func(c *call, req *group.GroupDnUnassignListRequest) ocixml.Command {
		return dnDone(c, c.p.core.UnassignGroupNumbers(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), dnSet(req.PhoneNumber, req.DnRange)))
	})
	on(r, "GroupDnActivateListRequest", func(c *call, req *group.GroupDnActivateListRequest) ocixml.Command {
		return dnDone(c, c.p.core.ActivateGroupNumbers(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), dnSet(req.PhoneNumber, req.DnRange), true))
	})
	on(r, "GroupDnDeactivateListRequest", func(c *call, req *group.GroupDnDeactivateListRequest) ocixml.Command {
		return dnDone(c, c.p.core.ActivateGroupNumbers(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID), dnSet(req.PhoneNumber, req.DnRange), false))
	})
	on(r, "GroupDnGetListRequest", func(c *call, req *group.GroupDnGetListRequest) ocixml.Command {
		rows, fail := groupNumberRows(c, string(req.ServiceProviderID), string(req.GroupID))
		if fail != nil {
			return fail
		}
		resp := &group.GroupDnGetListResponse{}
		for _, row := range rows {
			resp.PhoneNumber = append(resp.PhoneNumber, datatypes.DN(row.n.String()))
		}
		return resp
	})
	on(r, "GroupDnGetAvailableListRequest", func(c *call, req *group.GroupDnGetAvailableListRequest) ocixml.Command {
		rows, fail := groupNumberRows(c, string(req.ServiceProviderID), string(req.GroupID))
		if fail != nil {
			return fail
		}
		resp := &group.GroupDnGetAvailableListResponse{}
		for _, row := range rows {
			if row.use.User == nil {
				resp.PhoneNumber = append(resp.PhoneNumber, datatypes.DN(row.n.String()))
			}
		}
		return resp
	})
	on(r, "GroupDnGetAvailableRangesListRequest", func(c *call, req *group.GroupDnGetAvailableRangesListRequest) ocixml.Command {
		rows, fail := groupNumberRows(c, string(req.ServiceProviderID), string(req.GroupID))
		if fail != nil {
			return fail
		}
		rows = slices.DeleteFunc(rows, func(row dnRow) bool { return row.use.User != nil })
		resp := &group.GroupDnGetAvailableRangesListResponse{}
		for _, run := range dnCoalesce(rows, func(a, b dnRow) bool { return true }) {
			resp.PhoneNumber = append(resp.PhoneNumber, run.label())
		}
		return resp
	})
	on(r, "GroupDnGetSummaryListRequest", func(c *call, req *group.GroupDnGetSummaryListRequest) ocixml.Command {
		rows, fail := groupNumberRows(c, string(req.ServiceProviderID), string(req.GroupID))
		if fail != nil {
			return fail
		}
		t := newTable("GroupDnGetSummaryListResponse", "dnTable")
		for _, run := range dnCoalesce(rows, func(a, b dnRow) bool { return true }) {
			t.set("Phone Numbers", run.label()).set("Assigned", tableBool(run.first().use.User != nil))
			t.end()
		}
		return &group.GroupDnGetSummaryListResponse{DnTable: t.table()}
	})
	on(r, "GroupDnGetActivationListRequest", func(c *call, req *group.GroupDnGetActivationListRequest) ocixml.Command {
		rows, fail := groupNumberRows(c, string(req.ServiceProviderID), string(req.GroupID))
		if fail != nil {
			return fail
		}
		t := newTable("GroupDnGetActivationListResponse", "dnTable")
		for _, run := range dnCoalesce(rows, sameActivation) {
			t.set("Phone Numbers", run.label()).set("Activated", tableBool(run.first().use.DN.Activated))
			t.end()
		}
		return &group.GroupDnGetActivationListResponse{DnTable: t.table()}
	})
	on(r, "GroupDnGetAssignmentListRequest18", func(c *call, req *group.GroupDnGetAssignmentListRequest18) ocixml.Command {
		f := dnAssignmentFilter{dn: dnCriteria(req.SearchCriteriaDn), activated: req.SearchCriteriaExactDnActivation, department: req.SearchCriteriaExactDnDepartment}
		f.user(req.SearchCriteriaUserFirstName, req.SearchCriteriaUserLastName)
		for _, s := range req.SearchCriteriaUserID {
			f.userID = append(f.userID, criterion(s.Mode, string(s.Value), s.IsCaseInsensitive))
		}
		for _, s := range req.SearchCriteriaExtension {
			f.extension = append(f.extension, criterion(s.Mode, string(s.Value), s.IsCaseInsensitive))
		}
		runs, fail := dnAssignmentRuns(c, string(req.ServiceProviderID), string(req.GroupID), f, req.ResponseSizeLimit)
		if fail != nil {
			return fail
		}
		t := newTable("GroupDnGetAssignmentListResponse18", "dnTable")
		for _, run := range runs {
			first := run.first()
			t.set("Phone Numbers", run.label()).
				set("Activated", tableBool(first.use.DN.Activated)).
				set("Country Code", first.n.CC).
				set("National Prefix", provisioning.NationalPrefix(first.n.CC))
			if u := first.use.User; u != nil {
				t.set("User Id", u.ID).
					set("Last Name", u.LastName).
					set("First Name", dnFirstName(u)).
					set("Extension", u.Extension).
					set("Email Address", u.Email).
					set("User Type", dnUserType(u))
			}
			t.end()
		}
		return &group.GroupDnGetAssignmentListResponse18{DnTable: t.table()}
	})
	on(r, "GroupDnGetAssignmentListRequest", func(c *call, req *deprecatedgroup.GroupDnGetAssignmentListRequest) ocixml.Command {
		f := dnAssignmentFilter{dn: dnCriteria(req.SearchCriteriaDn), activated: req.SearchCriteriaExactDnActivation, department: req.SearchCriteriaExactDnDepartment}
		f.user(req.SearchCriteriaUserFirstName, req.SearchCriteriaUserLastName)
		runs, fail := dnAssignmentRuns(c, string(req.ServiceProviderID), string(req.GroupID), f, req.ResponseSizeLimit)
		if fail != nil {
			return fail
		}
		t := newTable("GroupDnGetAssignmentListResponse", "dnTable")
		for _, run := range runs {
			t.set("Phone Numbers", run.label())
			// This version shows the activation only for numbers in use.
			if u := run.first().use.User; u != nil {
				t.set("Assigned To", dnAssignedTo(u)).set("Activated", tableBool(run.first().use.DN.Activated))
			}
			t.end()
		}
		return &deprecatedgroup.GroupDnGetAssignmentListResponse{DnTable: t.table()}
	})
}

// dnDone answers a write: SuccessResponse, or the core's refusal.
func dnDone(c *call, err error) ocixml.Command {
	if err != nil {
		return c.fail(err)
	}
	return success()
}

// dnSet is a request's numbers and ranges as the core takes them.
func dnSet(numbers []datatypes.DN, ranges []datatypes.DNRange) provisioning.NumberSet {
	ns := provisioning.NumberSet{Numbers: make([]string, len(numbers))}
	for i, n := range numbers {
		ns.Numbers[i] = string(n)
	}
	for _, r := range ranges {
		ns.Ranges = append(ns.Ranges, [2]string{string(r.MinPhoneNumber), string(r.MaxPhoneNumber)})
	}
	return ns
}

// dnRow is a stored number split into country code and national digits,
// with its use.
type dnRow struct {
	n   provisioning.Number
	use provisioning.NumberUse
}

func spNumberRows(c *call, spID string) ([]dnRow, ocixml.Command) {
	uses, err := c.p.core.SPNumbers(c.ctx, c.actor, spID)
	if err != nil {
		return nil, c.fail(err)
	}
	return dnRows(c, uses), nil
}

func groupNumberRows(c *call, spID, groupID string) ([]dnRow, ocixml.Command) {
	uses, err := c.p.core.GroupNumbers(c.ctx, c.actor, spID, groupID)
	if err != nil {
		return nil, c.fail(err)
	}
	return dnRows(c, uses), nil
}

// dnRows orders numbers numerically (country code, length, digits) so
// that ranges come out consecutive.
func dnRows(c *call, uses []provisioning.NumberUse) []dnRow {
	rows := make([]dnRow, 0, len(uses))
	for _, u := range uses {
		n, err := c.p.core.ParseNumber(u.DN.Number)
		if err != nil {
			// Stored numbers are canonical; keep an odd one visible as is.
			n = provisioning.Number{National: u.DN.Number}
		}
		rows = append(rows, dnRow{n: n, use: u})
	}
	slices.SortStableFunc(rows, func(a, b dnRow) int {
		return cmp.Or(cmp.Compare(len(a.n.CC), len(b.n.CC)), strings.Compare(a.n.CC, b.n.CC),
			cmp.Compare(len(a.n.National), len(b.n.National)), strings.Compare(a.n.National, b.n.National))
	})
	return rows
}

// dnRun is a run of rows shown as one table row.
type dnRun []dnRow

func (r dnRun) first() dnRow { return r[0] }

func (r dnRun) label() string {
	if len(r) == 1 {
		return r[0].n.String()
	}
	return r[0].n.String() + " - " + r[len(r)-1].n.String()
}

// dnCoalesce cuts rows (in numeric order) into runs of consecutive free
// numbers for which same holds pairwise; a number held by a user is a run
// of its own.
func dnCoalesce(rows []dnRow, same func(a, b dnRow) bool) []dnRun {
	var out []dnRun
	for i, row := range rows {
		if i > 0 {
			last := out[len(out)-1]
			prev := last[len(last)-1]
			if row.use.User == nil && prev.use.User == nil && row.n.CC == prev.n.CC &&
				row.n.National == dnNext(prev.n.National) && same(prev, row) {
				out[len(out)-1] = append(last, row)
				continue
			}
		}
		out = append(out, dnRun{row})
	}
	return out
}

func sameActivation(a, b dnRow) bool { return a.use.DN.Activated == b.use.DN.Activated }

// dnNext is the national number after s with the same length, or "" when
// s is all nines (or not digits).
func dnNext(s string) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '0' || b[i] > '9' {
			return ""
		}
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return ""
}

func dnCriteria(in []datatypes.SearchCriteriaDn) []provisioning.StringCriterion {
	out := make([]provisioning.StringCriterion, len(in))
	for i, s := range in {
		out[i] = criterion(s.Mode, string(s.Value), s.IsCaseInsensitive)
	}
	return out
}

// dnMatches applies number criteria (ANDed); each may match the number
// in any of the forms a client writes it: "+CC-national", "+CCnational"
// or national digits.
func dnMatches(crit []provisioning.StringCriterion, n provisioning.Number) bool {
	for _, c := range crit {
		if !c.Match(n.String()) && !c.Match("+"+n.CC+n.National) && !c.Match(n.National) {
			return false
		}
	}
	return true
}

func dnMatchAll(crit []provisioning.StringCriterion, s string) bool {
	for _, c := range crit {
		if !c.Match(s) {
			return false
		}
	}
	return true
}

// dnAssignmentFilter is the assignment list's search criteria, ANDed.
// The user criteria only match numbers that a user holds.
type dnAssignmentFilter struct {
	dn, first, last, userID, extension []provisioning.StringCriterion
	activated                          *datatypes.SearchCriteriaExactDnActivation
	department                         *datatypes.SearchCriteriaExactDnDepartment
}

func (f *dnAssignmentFilter) user(first []datatypes.SearchCriteriaUserFirstName, last []datatypes.SearchCriteriaUserLastName) {
	for _, s := range first {
		f.first = append(f.first, criterion(s.Mode, string(s.Value), s.IsCaseInsensitive))
	}
	for _, s := range last {
		f.last = append(f.last, criterion(s.Mode, string(s.Value), s.IsCaseInsensitive))
	}
}

func (f *dnAssignmentFilter) match(row dnRow) bool {
	if !dnMatches(f.dn, row.n) {
		return false
	}
	if f.activated != nil && f.activated.Activated != row.use.DN.Activated {
		return false
	}
	// Switchboard does not assign numbers to departments, so no number
	// is in the department asked for.
	if f.department != nil {
		return false
	}
	if len(f.first)+len(f.last)+len(f.userID)+len(f.extension) == 0 {
		return true
	}
	u := row.use.User
	return u != nil && dnMatchAll(f.first, u.FirstName) && dnMatchAll(f.last, u.LastName) &&
		dnMatchAll(f.userID, u.ID) && dnMatchAll(f.extension, u.Extension)
}

// dnAssignmentRuns reads a group's numbers, filters them and coalesces
// the free ones by activation; limit cuts the row count.
func dnAssignmentRuns(c *call, spID, groupID string, f dnAssignmentFilter, limit *datatypes.ResponseSizeLimit) ([]dnRun, ocixml.Command) {
	rows, fail := groupNumberRows(c, spID, groupID)
	if fail != nil {
		return nil, fail
	}
	rows = slices.DeleteFunc(rows, func(row dnRow) bool { return !f.match(row) })
	runs := dnCoalesce(rows, sameActivation)
	if limit != nil && int(*limit) < len(runs) {
		runs = runs[:*limit]
	}
	return runs, nil
}

// dnUserType is the UserType of the holder of a number.
func dnUserType(u *store.User) string {
	if u.Kind == store.KindCallCenter {
		return string(datatypes.UserTypeCallCenter)
	}
	return string(datatypes.UserTypeNormal)
}

// dnFirstName: for a service instance the schema puts its UserType in the
// "First Name" column (its name is in "Last Name").
func dnFirstName(u *store.User) string {
	if u.Kind != store.KindUser && u.Kind != "" {
		return dnUserType(u)
	}
	return u.FirstName
}

// dnAssignedTo is the holder's name for the old assignment list: the
// user's "Last, First", or a service instance's name.
func dnAssignedTo(u *store.User) string {
	if u.Kind != store.KindUser && u.Kind != "" {
		return u.LastName
	}
	return u.LastName + ", " + u.FirstName
}

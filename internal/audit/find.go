package audit

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/switchboard/switchboard/internal/output"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// Kind is what Find looks for.
type Kind string

// The kinds of search.
const (
	Alias     Kind = "alias"
	Number    Kind = "number"
	Extension Kind = "extension"
)

// ParseKind checks a kind named on the command line.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(s)); k {
	case Alias, Number, Extension:
		return k, nil
	}
	return "", fmt.Errorf("%q is not a kind of search; want alias, number or extension", s)
}

// Scope narrows a search to a service provider, or to one of its groups.
// The zero Scope is the whole system.
type Scope struct {
	ServiceProviderID string `json:"serviceProviderId,omitempty"`
	GroupID           string `json:"groupId,omitempty"`
}

// FindOptions tune Find.
type FindOptions struct {
	Scope Scope
	// Scan makes an alias search read every user of the scope instead of
	// asking the server to resolve the alias (see Find).
	Scan bool
}

// Match statuses.
const (
	StatusUser       = "user"             // a user holds the value
	StatusInstance   = "service instance" // a call center or other virtual user holds the number
	StatusUnassigned = "unassigned"       // the number is the group's, held by nobody
	StatusNoGroup    = "not in a group"   // the number is the service provider's, given to no group
)

// Match is one hit.
type Match struct {
	ServiceProviderID string `json:"serviceProviderId"`
	GroupID           string `json:"groupId,omitempty"`
	UserID            string `json:"userId,omitempty"`
	LastName          string `json:"lastName,omitempty"`
	FirstName         string `json:"firstName,omitempty"`
	// PhoneNumber is the user's number; for a free number it may be a
	// run of them ("+1-2025550110 - +1-2025550119").
	PhoneNumber string `json:"phoneNumber,omitempty"`
	Extension   string `json:"extension,omitempty"`
	// Alias is the alias that matched (alias searches only).
	Alias  string `json:"alias,omitempty"`
	Status string `json:"status"`
}

// FindResult is what Find found; Matches is empty, not nil, on a miss.
type FindResult struct {
	Kind    Kind    `json:"kind"`
	Value   string  `json:"value"`
	Scope   Scope   `json:"scope"`
	Matches []Match `json:"matches"`
}

// Find looks for the users holding an alias, a number or an extension.
//
// A number or an extension is matched exactly, or as a prefix when value
// ends with "*"; the server's list search criteria do the work (one
// document). A number no user holds is then located: the service
// providers' number lists (one Batch; in the system scope a service
// provider list rides in the first document) say whether it belongs to a
// group, and the groups' assignment lists (one more Batch, only for those
// groups) whether a service instance holds it or nobody does.
//
// No list criterion exists for aliases. A full alias (user@domain) is
// resolved by a user get, which accepts a user id, alternate id or alias
// and aliases are unique system-wide: one round trip, trusted only when
// the answer lists the alias. An alias without a domain matches the user
// part of aliases in any domain; it, and any search with Scan, costs a
// user list of the scope plus one user get per user (15 to a document,
// the documents spread over the client's pool).
func (a *Auditor) Find(ctx context.Context, kind Kind, value string, opt FindOptions) (*FindResult, error) {
	s := opt.Scope
	if s.GroupID != "" && s.ServiceProviderID == "" {
		return nil, errors.New("a group scope needs its service provider")
	}
	res := &FindResult{Kind: kind, Value: value, Scope: s}
	var err error
	switch kind {
	case Alias:
		if value == "" || strings.ContainsAny(value, " \t*") {
			return nil, fmt.Errorf("alias %q: want user@domain, or the user part alone", value)
		}
		if strings.Contains(value, "@") && !opt.Scan {
			res.Matches, err = a.aliasByGet(ctx, value, s)
		} else {
			res.Matches, err = a.aliasScan(ctx, value, s)
		}
	case Number:
		mode, v, ok := pattern(value, "+-")
		if !ok {
			return nil, fmt.Errorf("number %q: want digits (optionally +CC- in front), with * at the end for a prefix", value)
		}
		res.Matches, err = a.findNumber(ctx, s, datatypes.SearchCriteriaDn{Mode: mode, Value: datatypes.DN(v)})
	case Extension:
		mode, v, ok := pattern(value, "")
		if !ok {
			return nil, fmt.Errorf("extension %q: want digits, with * at the end for a prefix", value)
		}
		crit := []datatypes.SearchCriteriaExtension{{Mode: mode, Value: datatypes.SearchCriteriaExtensionValue(v)}}
		var rs []ocip.Result
		rs, err = a.batch(ctx, userList(s, nil, crit))
		if err == nil {
			res.Matches, err = userMatches(s, rs[0])
		}
	default:
		return nil, fmt.Errorf("%q is not a kind of search", kind)
	}
	if err != nil {
		return nil, err
	}
	if res.Matches == nil {
		res.Matches = []Match{}
	}
	sort.SliceStable(res.Matches, func(i, j int) bool {
		x, y := res.Matches[i], res.Matches[j]
		if x.ServiceProviderID != y.ServiceProviderID {
			return x.ServiceProviderID < y.ServiceProviderID
		}
		if x.GroupID != y.GroupID {
			return x.GroupID < y.GroupID
		}
		if x.PhoneNumber != y.PhoneNumber {
			return x.PhoneNumber < y.PhoneNumber
		}
		return x.UserID < y.UserID
	})
	return res, nil
}

// pattern splits "123*" into a Starts With search for "123"; anything
// else is Equal To. Values hold digits and the characters in extra.
func pattern(value, extra string) (datatypes.SearchMode, string, bool) {
	mode := datatypes.SearchModeEqualTo
	v, prefix := strings.CutSuffix(value, "*")
	if prefix {
		mode = datatypes.SearchModeStartsWith
	}
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(extra, r):
		default:
			return "", "", false
		}
	}
	if digits == 0 {
		return "", "", false
	}
	return mode, v, true
}

// userList is the user list request of the scope with the given criteria.
func userList(s Scope, dn []datatypes.SearchCriteriaDn, ext []datatypes.SearchCriteriaExtension) ocixml.Command {
	switch {
	case s.GroupID != "":
		return &user.UserGetListInGroupRequest{ServiceProviderID: datatypes.ServiceProviderId(s.ServiceProviderID),
			GroupID: datatypes.GroupId(s.GroupID), SearchCriteriaDn: dn, SearchCriteriaExtension: ext}
	case s.ServiceProviderID != "":
		sp := datatypes.ServiceProviderId(s.ServiceProviderID)
		return &user.UserGetListInServiceProviderRequest{ServiceProviderID: &sp, SearchCriteriaDn: dn, SearchCriteriaExtension: ext}
	}
	return &user.UserGetListInSystemRequest{SearchCriteriaDn: dn, SearchCriteriaExtension: ext}
}

// userMatches reads the answer to userList; columns a scope's table
// lacks come from the scope.
func userMatches(s Scope, r ocip.Result) ([]Match, error) {
	if r.Err != nil {
		return nil, r.Err
	}
	var t ocixml.Table
	switch resp := r.Response.(type) {
	case *user.UserGetListInGroupResponse:
		t = resp.UserTable
	case *user.UserGetListInServiceProviderResponse:
		t = resp.UserTable
	case *user.UserGetListInSystemResponse:
		t = resp.UserTable
	default:
		return nil, fmt.Errorf("audit: %s answered a user list", r.Response.XSIType())
	}
	rows, err := people(t)
	if err != nil {
		return nil, err
	}
	spCol, gCol := t.Column("Service Provider Id"), t.Column("Group Id")
	out := make([]Match, len(rows))
	for i, u := range rows {
		m := Match{ServiceProviderID: s.ServiceProviderID, GroupID: s.GroupID, UserID: u.UserID, LastName: u.LastName, FirstName: u.FirstName,
			PhoneNumber: u.PhoneNumber, Extension: u.Extension, Status: StatusUser}
		cells := t.Row(i)
		if spCol >= 0 {
			m.ServiceProviderID = cells[spCol]
		}
		if gCol >= 0 {
			m.GroupID = cells[gCol]
		}
		out[i] = m
	}
	return out, nil
}

// findNumber: users first, then where a number nobody holds lives.
func (a *Auditor) findNumber(ctx context.Context, s Scope, crit datatypes.SearchCriteriaDn) ([]Match, error) {
	dn := []datatypes.SearchCriteriaDn{crit}
	exact := crit.Mode == datatypes.SearchModeEqualTo
	if s.GroupID != "" {
		// The group's assignment list names users, instances and free
		// numbers alike.
		rs, err := a.batch(ctx, &group.GroupDnGetAssignmentListRequest18{ServiceProviderID: datatypes.ServiceProviderId(s.ServiceProviderID),
			GroupID: datatypes.GroupId(s.GroupID), SearchCriteriaDn: dn})
		if err != nil {
			return nil, err
		}
		return groupNumbers(s.ServiceProviderID, s.GroupID, rs[0], nil)
	}
	reqs := []ocixml.Command{userList(s, dn, nil)}
	if s.ServiceProviderID != "" {
		reqs = append(reqs, &provider.ServiceProviderDnGetSummaryListRequest{ServiceProviderID: datatypes.ServiceProviderId(s.ServiceProviderID), SearchCriteriaDn: dn})
	} else {
		reqs = append(reqs, &provider.ServiceProviderGetListRequest{})
	}
	rs, err := a.batch(ctx, reqs...)
	if err != nil {
		return nil, err
	}
	matches, err := userMatches(s, rs[0])
	if err != nil {
		return nil, err
	}
	if exact && len(matches) > 0 {
		return matches, nil // a number has one holder
	}
	held := map[string]bool{}
	for _, m := range matches {
		held[m.PhoneNumber] = true
	}

	var summaries []ocip.Result
	var sps []string
	if s.ServiceProviderID != "" {
		summaries, sps = rs[1:], []string{s.ServiceProviderID}
	} else {
		type spRow struct {
			ID string `ocip:"Service Provider Id"`
		}
		list, err := as[*provider.ServiceProviderGetListResponse](rs[1])
		if err != nil {
			return nil, fmt.Errorf("service providers: %w", err)
		}
		rows, err := ocip.ScanTable[spRow](list.ServiceProviderTable)
		if err != nil {
			return nil, err
		}
		var sreqs []ocixml.Command
		for _, r := range rows {
			sps = append(sps, r.ID)
			sreqs = append(sreqs, &provider.ServiceProviderDnGetSummaryListRequest{ServiceProviderID: datatypes.ServiceProviderId(r.ID), SearchCriteriaDn: dn})
		}
		if summaries, err = a.batch(ctx, sreqs...); err != nil {
			return nil, err
		}
	}
	type sumRow struct {
		Numbers string `ocip:"Phone Numbers"`
		GroupID string `ocip:"Group Id"`
	}
	type groupKey struct{ sp, group string }
	var groups []groupKey
	seen := map[groupKey]bool{}
	for i, r := range summaries {
		sum, err := as[*provider.ServiceProviderDnGetSummaryListResponse](r)
		if err != nil {
			return nil, fmt.Errorf("numbers of service provider %s: %w", sps[i], err)
		}
		rows, err := ocip.ScanTable[sumRow](sum.DnSummaryTable)
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			switch k := (groupKey{sps[i], row.GroupID}); {
			case held[row.Numbers]:
			case row.GroupID == "":
				matches = append(matches, Match{ServiceProviderID: sps[i], PhoneNumber: row.Numbers, Status: StatusNoGroup})
			case !seen[k]:
				seen[k] = true
				groups = append(groups, k)
			}
		}
	}
	greqs := make([]ocixml.Command, len(groups))
	for i, g := range groups {
		greqs[i] = &group.GroupDnGetAssignmentListRequest18{ServiceProviderID: datatypes.ServiceProviderId(g.sp), GroupID: datatypes.GroupId(g.group), SearchCriteriaDn: dn}
	}
	grs, err := a.batch(ctx, greqs...)
	if err != nil {
		return nil, err
	}
	for i, g := range groups {
		ms, err := groupNumbers(g.sp, g.group, grs[i], held)
		if err != nil {
			return nil, err
		}
		matches = append(matches, ms...)
	}
	return matches, nil
}

// groupNumbers reads a group's assignment list; numbers in skip are
// already reported.
func groupNumbers(sp, grp string, r ocip.Result, skip map[string]bool) ([]Match, error) {
	dl, err := as[*group.GroupDnGetAssignmentListResponse18](r)
	if err != nil {
		return nil, fmt.Errorf("numbers of group %s in service provider %s: %w", grp, sp, err)
	}
	type row struct {
		Numbers   string `ocip:"Phone Numbers"`
		UserID    string `ocip:"User Id"`
		Last      string `ocip:"Last Name"`
		First     string `ocip:"First Name"`
		Extension string `ocip:"Extension"`
		UserType  string `ocip:"User Type"`
	}
	rows, err := ocip.ScanTable[row](dl.DnTable)
	if err != nil {
		return nil, err
	}
	var out []Match
	for _, d := range rows {
		if skip[d.Numbers] {
			continue
		}
		m := Match{ServiceProviderID: sp, GroupID: grp, UserID: d.UserID, LastName: d.Last, FirstName: d.First,
			PhoneNumber: d.Numbers, Extension: d.Extension}
		switch {
		case d.UserID == "":
			m.Status = StatusUnassigned
		case d.UserType == "" || d.UserType == string(datatypes.UserTypeNormal):
			m.Status = StatusUser
		default:
			// The first name column carries the instance's type.
			m.Status, m.FirstName = StatusInstance, ""
		}
		out = append(out, m)
	}
	return out, nil
}

// aliasByGet resolves a full alias with one document of user gets: the
// alias as given and, when that differs, in lower case, since servers
// look ids up exactly while aliases are mostly written in lower case.
func (a *Auditor) aliasByGet(ctx context.Context, alias string, s Scope) ([]Match, error) {
	reqs := []ocixml.Command{&user.UserGetRequest23V2{UserID: datatypes.UserId(alias)}}
	if low := strings.ToLower(alias); low != alias {
		reqs = append(reqs, &user.UserGetRequest23V2{UserID: datatypes.UserId(low)})
	}
	rs, err := a.batch(ctx, reqs...)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		get, err := as[*user.UserGetResponse23V2](r)
		if code, ok := refused(err); ok && code == int(ocip.CodeUserNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		// Aliases are unique system-wide: the first user listing it is
		// the only one.
		if m, ok := aliasMatch(get, alias); ok {
			if !inScope(m, s) {
				return nil, nil
			}
			return []Match{m}, nil
		}
	}
	return nil, nil
}

// aliasScan reads every user of the scope.
func (a *Auditor) aliasScan(ctx context.Context, alias string, s Scope) ([]Match, error) {
	rs, err := a.batch(ctx, userList(s, nil, nil))
	if err != nil {
		return nil, err
	}
	users, err := userMatches(s, rs[0])
	if err != nil {
		return nil, err
	}
	reqs := make([]ocixml.Command, len(users))
	for i, u := range users {
		reqs[i] = &user.UserGetRequest23V2{UserID: datatypes.UserId(u.UserID)}
	}
	if rs, err = a.batch(ctx, reqs...); err != nil {
		return nil, err
	}
	var out []Match
	for i, r := range rs {
		get, err := as[*user.UserGetResponse23V2](r)
		if code, ok := refused(err); ok && code == int(ocip.CodeUserNotFound) {
			continue // deleted since the list was read
		}
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", users[i].UserID, err)
		}
		if m, ok := aliasMatch(get, alias); ok {
			if m.UserID == "" {
				m.UserID = users[i].UserID
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// aliasMatch checks a user's aliases: the whole alias when want has a
// domain, else the user part; case does not matter in either.
func aliasMatch(get *user.UserGetResponse23V2, want string) (Match, bool) {
	full := strings.Contains(want, "@")
	for _, al := range get.Alias {
		s := string(al)
		part := s
		if !full {
			part, _, _ = strings.Cut(s, "@")
		}
		if strings.EqualFold(part, want) {
			return Match{ServiceProviderID: string(get.ServiceProviderID), GroupID: string(get.GroupID), UserID: string(get.UserID),
				LastName: string(get.LastName), FirstName: string(get.FirstName), PhoneNumber: fullNumber(get.CountryCode, get.PhoneNumber),
				Extension: str(get.Extension), Alias: s, Status: StatusUser}, true
		}
	}
	return Match{}, false
}

func inScope(m Match, s Scope) bool {
	return (s.ServiceProviderID == "" || m.ServiceProviderID == s.ServiceProviderID) && (s.GroupID == "" || m.GroupID == s.GroupID)
}

// Tables renders the matches for table and CSV output.
func (r *FindResult) Tables() []output.Table {
	t := output.Table{Name: "matches", Headings: []string{"Service Provider Id", "Group Id", "User Id", "Last Name", "First Name", "Phone Number", "Extension"}}
	if r.Kind == Alias {
		t.Headings = append(t.Headings, "Alias")
	}
	t.Headings = append(t.Headings, "Status")
	for _, m := range r.Matches {
		row := []string{m.ServiceProviderID, m.GroupID, m.UserID, m.LastName, m.FirstName, m.PhoneNumber, m.Extension}
		if r.Kind == Alias {
			row = append(row, m.Alias)
		}
		t.Rows = append(t.Rows, append(row, m.Status))
	}
	return []output.Table{t}
}

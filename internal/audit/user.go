package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard/switchboard/internal/output"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/callcenter"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// UserReport is a digest of one user.
type UserReport struct {
	UserID            string    `json:"userId"`
	ServiceProviderID string    `json:"serviceProviderId"`
	GroupID           string    `json:"groupId"`
	LastName          string    `json:"lastName"`
	FirstName         string    `json:"firstName"`
	PhoneNumber       string    `json:"phoneNumber,omitempty"`
	Extension         string    `json:"extension,omitempty"`
	Department        string    `json:"department,omitempty"`
	Email             string    `json:"email,omitempty"`
	Title             string    `json:"title,omitempty"`
	Language          string    `json:"language"`
	TimeZone          string    `json:"timeZone"`
	Aliases           []string  `json:"aliases"`
	AlternateIDs      []string  `json:"alternateIds"`
	Services          []string  `json:"services"`
	ServicePacks      []string  `json:"servicePacks"`
	Endpoint          *Endpoint `json:"endpoint,omitempty"`
	// CallCenters are the call centers the user serves, as an agent or
	// as a supervisor (one entry per role).
	CallCenters []CallCenterRole `json:"callCenters"`
	Problems    []string         `json:"problems,omitempty"`
}

// CallCenterRole is the user's part in one call center.
type CallCenterRole struct {
	ServiceUserID string `json:"serviceUserId"`
	// Role is "agent" or "supervisor".
	Role        string `json:"role"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
	Extension   string `json:"extension,omitempty"`
	// Available is the agent's availability for this center (agents only).
	Available *bool `json:"available,omitempty"`
}

// User reports on a user named by its id, an alternate id or an alias.
// Step 1 is one document: the user, its service assignments and its call
// center agent settings (refused when it has no call center service).
// Step 2 lists the call centers of its group, and step 3 (one Batch, and
// only when the group has any) their supervisor lists.
func (a *Auditor) User(ctx context.Context, userID string) (*UserReport, error) {
	id := datatypes.UserId(userID)
	rs, err := a.batch(ctx,
		&user.UserGetRequest23V2{UserID: id},
		&user.UserServiceGetAssignmentListRequest{UserID: id},
		&callcenter.UserCallCenterGetRequest23{UserID: id},
	)
	if err != nil {
		return nil, err
	}
	get, err := as[*user.UserGetResponse23V2](rs[0])
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", userID, err)
	}
	rep := &UserReport{
		UserID: string(get.UserID), ServiceProviderID: string(get.ServiceProviderID), GroupID: string(get.GroupID),
		LastName: string(get.LastName), FirstName: string(get.FirstName), PhoneNumber: fullNumber(get.CountryCode, get.PhoneNumber),
		Extension: str(get.Extension), Department: departmentName(get.Department), Email: str(get.EmailAddress), Title: str(get.Title),
		Language: string(get.Language), TimeZone: string(get.TimeZone), Aliases: aliasesOf(get), AlternateIDs: []string{},
		Services: []string{}, ServicePacks: []string{}, Endpoint: endpointOf(get), CallCenters: []CallCenterRole{},
	}
	if rep.UserID == "" {
		// Servers that leave userId out of the response answered for the id asked.
		rep.UserID = userID
	}
	for _, alt := range get.AlternateUserID {
		rep.AlternateIDs = append(rep.AlternateIDs, string(alt.AlternateUserID))
	}
	sa, err := as[*user.UserServiceGetAssignmentListResponse](rs[1])
	if err == nil {
		rep.Services, rep.ServicePacks, err = assignedServices(sa)
	}
	if err != nil {
		rep.Problems = append(rep.Problems, fmt.Sprintf("services: %v", err))
	}
	if err := rep.readAgent(rs[2]); err != nil {
		rep.Problems = append(rep.Problems, fmt.Sprintf("call center agent settings: %v", err))
	}

	sp, g := datatypes.ServiceProviderId(rep.ServiceProviderID), datatypes.GroupId(rep.GroupID)
	rs, err = a.batch(ctx, &callcenter.GroupCallCenterGetInstanceListRequest{ServiceProviderID: sp, GroupID: g})
	if err != nil {
		return nil, err
	}
	il, err := as[*callcenter.GroupCallCenterGetInstanceListResponse](rs[0])
	if err != nil {
		rep.Problems = append(rep.Problems, fmt.Sprintf("call centers of the group: %v", err))
		return rep, nil
	}
	type ccRow struct {
		ID        string `ocip:"Service User Id"`
		Number    string `ocip:"Phone Number"`
		Extension string `ocip:"Extension"`
	}
	centers, err := ocip.ScanTable[ccRow](il.CallCenterTable)
	if err != nil {
		return nil, err
	}
	reqs := make([]ocixml.Command, len(centers))
	for i, c := range centers {
		reqs[i] = &callcenter.GroupCallCenterGetSupervisorListRequest16{ServiceUserID: datatypes.UserId(c.ID)}
	}
	rs, err = a.batch(ctx, reqs...)
	if err != nil {
		return nil, err
	}
	for i, c := range centers {
		sl, err := as[*callcenter.GroupCallCenterGetSupervisorListResponse16](rs[i])
		var sups []Person
		if err == nil {
			sups, err = people(sl.SupervisorTable)
		}
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("supervisors of call center %s: %v", c.ID, err))
			continue
		}
		for _, p := range sups {
			if p.UserID == rep.UserID {
				rep.CallCenters = append(rep.CallCenters, CallCenterRole{ServiceUserID: c.ID, Role: "supervisor", PhoneNumber: c.Number, Extension: c.Extension})
			}
		}
	}
	return rep, nil
}

// readAgent adds the centers the user is an agent of. A refusal is not a
// problem when the user holds no call center service: the server refuses
// agent settings to such users.
func (rep *UserReport) readAgent(r ocip.Result) error {
	if _, ok := refused(r.Err); ok && !rep.hasCallCenterService() {
		return nil
	}
	ag, err := as[*callcenter.UserCallCenterGetResponse23](r)
	if err != nil {
		return err
	}
	type row struct {
		ID        string `ocip:"Service User Id"`
		Number    string `ocip:"Phone Number"`
		Extension string `ocip:"Extension"`
		Available bool   `ocip:"Available"`
	}
	rows, err := ocip.ScanTable[row](ag.CallCenterTable)
	if err != nil {
		return err
	}
	for _, c := range rows {
		rep.CallCenters = append(rep.CallCenters, CallCenterRole{ServiceUserID: c.ID, Role: "agent", PhoneNumber: c.Number,
			Extension: c.Extension, Available: ocixml.Ptr(c.Available)})
	}
	return nil
}

// hasCallCenterService reports a directly assigned call center service;
// one that comes in a service pack is not listed by name, so a refusal is
// then taken as "not an agent" too.
func (rep *UserReport) hasCallCenterService() bool {
	for _, s := range rep.Services {
		if strings.HasPrefix(s, "Call Center - ") {
			return true
		}
	}
	return false
}

// Tables renders the report for table and CSV output.
func (rep *UserReport) Tables() []output.Table {
	dev, port := endpointCells(rep.Endpoint)
	prof := single("user",
		"User Id", rep.UserID, "Service Provider Id", rep.ServiceProviderID, "Group Id", rep.GroupID,
		"Last Name", rep.LastName, "First Name", rep.FirstName, "Phone Number", rep.PhoneNumber, "Extension", rep.Extension,
		"Department", rep.Department, "Email Address", rep.Email, "Language", rep.Language, "Time Zone", rep.TimeZone,
		"Device", dev, "Line Port", port)
	ids := output.Table{Name: "identities", Headings: []string{"Kind", "Value"}}
	for _, al := range rep.Aliases {
		ids.Rows = append(ids.Rows, []string{"alias", al})
	}
	for _, alt := range rep.AlternateIDs {
		ids.Rows = append(ids.Rows, []string{"alternate id", alt})
	}
	svcs := output.Table{Name: "services", Headings: []string{"Kind", "Name"}}
	for _, p := range rep.ServicePacks {
		svcs.Rows = append(svcs.Rows, []string{"service pack", p})
	}
	for _, s := range rep.Services {
		svcs.Rows = append(svcs.Rows, []string{"service", s})
	}
	ccs := output.Table{Name: "call centers", Headings: []string{"Call Center", "Role", "Phone Number", "Extension", "Available"}}
	for _, c := range rep.CallCenters {
		avail := ""
		if c.Available != nil {
			avail = yes(*c.Available)
		}
		ccs.Rows = append(ccs.Rows, []string{c.ServiceUserID, c.Role, c.PhoneNumber, c.Extension, avail})
	}
	return []output.Table{prof, ids, svcs, ccs}
}

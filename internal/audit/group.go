package audit

import (
	"context"
	"fmt"
	"sort"

	"github.com/switchboard/switchboard/internal/output"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/callcenter"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// GroupReport is everything about one group.
type GroupReport struct {
	Group        GroupProfile  `json:"group"`
	Users        []GroupUser   `json:"users"`
	Numbers      []NumberEntry `json:"numbers"`
	ServicePacks []PackUsage   `json:"servicePacks"`
	Services     []ServiceUse  `json:"services"`
	Devices      []Device      `json:"devices"`
	CallCenters  []CallCenter  `json:"callCenters"`
	// Problems lists the parts that could not be read (a user deleted
	// while the audit ran, say); the rest of the report stands.
	Problems []string `json:"problems,omitempty"`
}

// GroupProfile is the group's own settings.
type GroupProfile struct {
	ServiceProviderID   string `json:"serviceProviderId"`
	GroupID             string `json:"groupId"`
	Name                string `json:"name"`
	DefaultDomain       string `json:"defaultDomain"`
	UserLimit           int    `json:"userLimit"`
	UserCount           int    `json:"userCount"`
	TimeZone            string `json:"timeZone"`
	CallingLineIDName   string `json:"callingLineIdName,omitempty"`
	CallingLineIDNumber string `json:"callingLineIdNumber,omitempty"`
}

// GroupUser is one user of the group with its numbers, services and line.
type GroupUser struct {
	UserID          string    `json:"userId"`
	LastName        string    `json:"lastName"`
	FirstName       string    `json:"firstName"`
	PhoneNumber     string    `json:"phoneNumber,omitempty"`
	NumberActivated bool      `json:"numberActivated"`
	Extension       string    `json:"extension,omitempty"`
	Department      string    `json:"department,omitempty"`
	Email           string    `json:"email,omitempty"`
	Aliases         []string  `json:"aliases"`
	Services        []string  `json:"services"`
	ServicePacks    []string  `json:"servicePacks"`
	Endpoint        *Endpoint `json:"endpoint,omitempty"`
}

// NumberEntry is one number of the group, or a run of consecutive free
// ones ("+1-2025550110 - +1-2025550119"), and who holds it.
type NumberEntry struct {
	Numbers   string `json:"numbers"`
	Activated bool   `json:"activated"`
	Assigned  bool   `json:"assigned"`
	UserID    string `json:"userId,omitempty"`
	// UserType is "Normal" for a user, or the kind of service instance
	// ("Call Center", ...) holding the number.
	UserType  string `json:"userType,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	Extension string `json:"extension,omitempty"`
}

// PackUsage is a service pack authorized to the group.
type PackUsage struct {
	Name string `json:"name"`
	// Limit is "Unlimited" or the quantity allocated to the group.
	Limit       string `json:"limit"`
	Usage       int    `json:"usage"`
	Description string `json:"description,omitempty"`
}

// ServiceUse is a user or group service authorized to the group.
type ServiceUse struct {
	Name string `json:"name"`
	// Kind is "user" or "group".
	Kind  string `json:"kind"`
	Limit string `json:"limit"`
	Usage int    `json:"usage"`
}

// Device is an access device of the group with the lines users hold on it.
type Device struct {
	Name           string       `json:"name"`
	Type           string       `json:"type"`
	AvailablePorts string       `json:"availablePorts"`
	MACAddress     string       `json:"macAddress,omitempty"`
	NetAddress     string       `json:"netAddress,omitempty"`
	Status         string       `json:"status,omitempty"`
	Lines          []DeviceLine `json:"lines"`
}

// DeviceLine is a user's line port on a device.
type DeviceLine struct {
	UserID   string `json:"userId"`
	LinePort string `json:"linePort"`
}

// CallCenter is a call center instance with its agents and supervisors.
type CallCenter struct {
	ServiceUserID string   `json:"serviceUserId"`
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Policy        string   `json:"policy"`
	Active        bool     `json:"active"`
	PhoneNumber   string   `json:"phoneNumber,omitempty"`
	Extension     string   `json:"extension,omitempty"`
	Agents        []Person `json:"agents"`
	Supervisors   []Person `json:"supervisors"`
}

// Person is a user as the call center lists show one.
type Person struct {
	UserID      string `json:"userId"`
	LastName    string `json:"lastName"`
	FirstName   string `json:"firstName"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
	Extension   string `json:"extension,omitempty"`
}

// Group audits a group in two steps: one document with the group, its
// user list, numbers, authorizations, devices and call centers; then one
// Batch with a get and a service assignment list per user and an agent
// and a supervisor list per call center (2 per user + 2 per center
// commands, 15 to a document).
func (a *Auditor) Group(ctx context.Context, spID, groupID string) (*GroupReport, error) {
	sp, g := datatypes.ServiceProviderId(spID), datatypes.GroupId(groupID)
	rs, err := a.batch(ctx,
		&group.GroupGetRequest22V5{ServiceProviderID: &sp, GroupID: &g},
		&user.UserGetListInGroupRequest{ServiceProviderID: sp, GroupID: g},
		&group.GroupDnGetAssignmentListRequest18{ServiceProviderID: sp, GroupID: g},
		&group.GroupServiceGetAuthorizationListRequest{ServiceProviderID: sp, GroupID: g},
		&group.GroupAccessDeviceGetListRequest{ServiceProviderID: &sp, GroupID: &g},
		&callcenter.GroupCallCenterGetInstanceListRequest{ServiceProviderID: sp, GroupID: g},
	)
	if err != nil {
		return nil, err
	}
	gr, err := as[*group.GroupGetResponse22V5](rs[0])
	if err != nil {
		return nil, fmt.Errorf("group %s in service provider %s: %w", groupID, spID, err)
	}
	rep := &GroupReport{Group: GroupProfile{
		ServiceProviderID: string(gr.ServiceProviderID), GroupID: string(gr.GroupID), Name: str(gr.GroupName),
		DefaultDomain: string(gr.DefaultDomain), UserLimit: int(gr.UserLimit), UserCount: int(gr.UserCount),
		TimeZone: string(gr.TimeZone), CallingLineIDName: str(gr.CallingLineIDName), CallingLineIDNumber: str(gr.CallingLineIDPhoneNumber),
	}}
	if err := rep.readLists(rs[1:]); err != nil {
		return nil, err
	}

	// Step 2: the per-user and per-center requests, all in one Batch.
	var reqs []ocixml.Command
	for _, u := range rep.Users {
		id := datatypes.UserId(u.UserID)
		reqs = append(reqs, &user.UserGetRequest23V2{UserID: id}, &user.UserServiceGetAssignmentListRequest{UserID: id})
	}
	for _, cc := range rep.CallCenters {
		id := datatypes.UserId(cc.ServiceUserID)
		reqs = append(reqs, &callcenter.GroupCallCenterGetAgentListRequest{ServiceUserID: id},
			&callcenter.GroupCallCenterGetSupervisorListRequest16{ServiceUserID: id})
	}
	rs, err = a.batch(ctx, reqs...)
	if err != nil {
		return nil, err
	}
	lines := map[string][]DeviceLine{}
	for i := range rep.Users {
		u := &rep.Users[i]
		get, err := as[*user.UserGetResponse23V2](rs[2*i])
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("user %s: %v", u.UserID, err))
		} else {
			u.Aliases = aliasesOf(get)
			u.Endpoint = endpointOf(get)
			if ep := u.Endpoint; ep != nil && ep.DeviceLevel != "Service Provider" {
				lines[ep.DeviceName] = append(lines[ep.DeviceName], DeviceLine{UserID: u.UserID, LinePort: ep.LinePort})
			}
		}
		sa, err := as[*user.UserServiceGetAssignmentListResponse](rs[2*i+1])
		if err == nil {
			u.Services, u.ServicePacks, err = assignedServices(sa)
		}
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("services of user %s: %v", u.UserID, err))
		}
	}
	base := 2 * len(rep.Users)
	for i := range rep.CallCenters {
		cc := &rep.CallCenters[i]
		al, err := as[*callcenter.GroupCallCenterGetAgentListResponse](rs[base+2*i])
		if err == nil {
			cc.Agents, err = people(al.AgentTable)
		}
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("agents of call center %s: %v", cc.ServiceUserID, err))
		}
		sl, err := as[*callcenter.GroupCallCenterGetSupervisorListResponse16](rs[base+2*i+1])
		if err == nil {
			cc.Supervisors, err = people(sl.SupervisorTable)
		}
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("supervisors of call center %s: %v", cc.ServiceUserID, err))
		}
	}
	for i := range rep.Devices {
		d := &rep.Devices[i]
		d.Lines = lines[d.Name]
		if d.Lines == nil {
			d.Lines = []DeviceLine{}
		}
		sort.Slice(d.Lines, func(x, y int) bool { return d.Lines[x].LinePort < d.Lines[y].LinePort })
	}
	return rep, nil
}

// readLists fills the report from the step-1 lists: users, numbers,
// authorizations, devices, call centers, in that order.
func (rep *GroupReport) readLists(rs []ocip.Result) error {
	ul, err := as[*user.UserGetListInGroupResponse](rs[0])
	if err != nil {
		return fmt.Errorf("users of the group: %w", err)
	}
	type userRow struct {
		ID         string `ocip:"User Id"`
		Last       string `ocip:"Last Name"`
		First      string `ocip:"First Name"`
		Department string `ocip:"Department"`
		Number     string `ocip:"Phone Number"`
		Activated  bool   `ocip:"Phone Number Activated"`
		Email      string `ocip:"Email Address"`
		Extension  string `ocip:"Extension"`
	}
	users, err := ocip.ScanTable[userRow](ul.UserTable)
	if err != nil {
		return err
	}
	rep.Users = make([]GroupUser, len(users))
	for i, u := range users {
		rep.Users[i] = GroupUser{UserID: u.ID, LastName: u.Last, FirstName: u.First, PhoneNumber: u.Number, NumberActivated: u.Activated,
			Extension: u.Extension, Department: u.Department, Email: u.Email, Aliases: []string{}, Services: []string{}, ServicePacks: []string{}}
	}

	dl, err := as[*group.GroupDnGetAssignmentListResponse18](rs[1])
	if err != nil {
		return fmt.Errorf("numbers of the group: %w", err)
	}
	type dnRow struct {
		Numbers   string `ocip:"Phone Numbers"`
		Activated bool   `ocip:"Activated"`
		UserID    string `ocip:"User Id"`
		Last      string `ocip:"Last Name"`
		First     string `ocip:"First Name"`
		Extension string `ocip:"Extension"`
		UserType  string `ocip:"User Type"`
	}
	dns, err := ocip.ScanTable[dnRow](dl.DnTable)
	if err != nil {
		return err
	}
	rep.Numbers = make([]NumberEntry, len(dns))
	for i, d := range dns {
		rep.Numbers[i] = NumberEntry{Numbers: d.Numbers, Activated: d.Activated, Assigned: d.UserID != "", UserID: d.UserID,
			UserType: d.UserType, LastName: d.Last, FirstName: d.First, Extension: d.Extension}
	}

	sa, err := as[*group.GroupServiceGetAuthorizationListResponse](rs[2])
	if err != nil {
		return fmt.Errorf("service authorizations of the group: %w", err)
	}
	if err := rep.readAuthorizations(sa); err != nil {
		return err
	}

	devs, err := as[*group.GroupAccessDeviceGetListResponse](rs[3])
	if err != nil {
		return fmt.Errorf("devices of the group: %w", err)
	}
	type devRow struct {
		Name   string `ocip:"Device Name"`
		Type   string `ocip:"Device Type"`
		Ports  string `ocip:"Available Ports"`
		Net    string `ocip:"Net Address"`
		MAC    string `ocip:"MAC Address"`
		Status string `ocip:"Status"`
	}
	ds, err := ocip.ScanTable[devRow](devs.AccessDeviceTable)
	if err != nil {
		return err
	}
	rep.Devices = make([]Device, len(ds))
	for i, d := range ds {
		rep.Devices[i] = Device{Name: d.Name, Type: d.Type, AvailablePorts: d.Ports, MACAddress: d.MAC, NetAddress: d.Net, Status: d.Status}
	}

	ccs, err := as[*callcenter.GroupCallCenterGetInstanceListResponse](rs[4])
	if err != nil {
		return fmt.Errorf("call centers of the group: %w", err)
	}
	type ccRow struct {
		ID        string `ocip:"Service User Id"`
		Name      string `ocip:"Name"`
		Number    string `ocip:"Phone Number"`
		Extension string `ocip:"Extension"`
		Active    bool   `ocip:"Is Active"`
		Policy    string `ocip:"Policy"`
		Type      string `ocip:"Type"`
	}
	cs, err := ocip.ScanTable[ccRow](ccs.CallCenterTable)
	if err != nil {
		return err
	}
	rep.CallCenters = make([]CallCenter, len(cs))
	for i, c := range cs {
		rep.CallCenters[i] = CallCenter{ServiceUserID: c.ID, Name: c.Name, Type: c.Type, Policy: c.Policy, Active: c.Active,
			PhoneNumber: c.Number, Extension: c.Extension, Agents: []Person{}, Supervisors: []Person{}}
	}
	return nil
}

// readAuthorizations keeps the authorized packs and services.
func (rep *GroupReport) readAuthorizations(r *group.GroupServiceGetAuthorizationListResponse) error {
	type packRow struct {
		Name        string `ocip:"Service Pack Name"`
		Authorized  bool   `ocip:"Authorized"`
		Limited     string `ocip:"Limited"`
		Allocated   string `ocip:"Allocated"`
		Usage       int    `ocip:"Usage"`
		Description string `ocip:"Description"`
	}
	type svcRow struct {
		Name       string `ocip:"Service Name"`
		Authorized bool   `ocip:"Authorized"`
		Limited    string `ocip:"Limited"`
		Quantity   string `ocip:"Quantity"`
		Usage      int    `ocip:"Usage"`
	}
	packs, err := ocip.ScanTable[packRow](r.ServicePacksAuthorizationTable)
	if err != nil {
		return err
	}
	rep.ServicePacks = []PackUsage{}
	for _, p := range packs {
		if p.Authorized {
			rep.ServicePacks = append(rep.ServicePacks, PackUsage{Name: p.Name, Limit: limit(p.Limited, p.Allocated), Usage: p.Usage, Description: p.Description})
		}
	}
	rep.Services = []ServiceUse{}
	for _, k := range []struct {
		kind  string
		table ocixml.Table
	}{{"user", r.UserServicesAuthorizationTable}, {"group", r.GroupServicesAuthorizationTable}} {
		svcs, err := ocip.ScanTable[svcRow](k.table)
		if err != nil {
			return err
		}
		for _, s := range svcs {
			if s.Authorized {
				rep.Services = append(rep.Services, ServiceUse{Name: s.Name, Kind: k.kind, Limit: limit(s.Limited, s.Quantity), Usage: s.Usage})
			}
		}
	}
	return nil
}

// limit spells a quantity: the "Limited" column says whether the number
// means anything.
func limit(limited, quantity string) string {
	if limited == "Limited" {
		return quantity
	}
	return "Unlimited"
}

func people(t ocixml.Table) ([]Person, error) {
	type row struct {
		ID        string `ocip:"User Id"`
		Last      string `ocip:"Last Name"`
		First     string `ocip:"First Name"`
		Number    string `ocip:"Phone Number"`
		Extension string `ocip:"Extension"`
	}
	rows, err := ocip.ScanTable[row](t)
	if err != nil {
		return nil, err
	}
	out := make([]Person, len(rows))
	for i, r := range rows {
		out[i] = Person{UserID: r.ID, LastName: r.Last, FirstName: r.First, PhoneNumber: r.Number, Extension: r.Extension}
	}
	return out, nil
}

// Tables renders the report for table and CSV output.
func (rep *GroupReport) Tables() []output.Table {
	g := rep.Group
	out := []output.Table{single("group",
		"Service Provider Id", g.ServiceProviderID, "Group Id", g.GroupID, "Name", g.Name, "Default Domain", g.DefaultDomain,
		"User Limit", itoa(g.UserLimit), "User Count", itoa(g.UserCount), "Time Zone", g.TimeZone,
		"Calling Line Id Name", g.CallingLineIDName, "Calling Line Id Number", g.CallingLineIDNumber)}

	users := output.Table{Name: "users", Headings: []string{"User Id", "Last Name", "First Name", "Phone Number", "Activated", "Extension",
		"Department", "Aliases", "Services", "Service Packs", "Device", "Line Port"}}
	for _, u := range rep.Users {
		dev, port := endpointCells(u.Endpoint)
		activated := "" // a user without a number has nothing to activate
		if u.PhoneNumber != "" {
			activated = yes(u.NumberActivated)
		}
		users.Rows = append(users.Rows, []string{u.UserID, u.LastName, u.FirstName, u.PhoneNumber, activated, u.Extension,
			u.Department, join(u.Aliases), join(u.Services), join(u.ServicePacks), dev, port})
	}

	nums := output.Table{Name: "numbers", Headings: []string{"Phone Numbers", "Activated", "Assigned", "User Id", "User Type", "Last Name", "First Name", "Extension"}}
	for _, n := range rep.Numbers {
		nums.Rows = append(nums.Rows, []string{n.Numbers, yes(n.Activated), yes(n.Assigned), n.UserID, n.UserType, n.LastName, n.FirstName, n.Extension})
	}

	packs := output.Table{Name: "service packs", Headings: []string{"Service Pack", "Limit", "Usage", "Description"}}
	for _, p := range rep.ServicePacks {
		packs.Rows = append(packs.Rows, []string{p.Name, p.Limit, itoa(p.Usage), p.Description})
	}

	svcs := output.Table{Name: "services", Headings: []string{"Service", "Kind", "Limit", "Usage"}}
	for _, s := range rep.Services {
		svcs.Rows = append(svcs.Rows, []string{s.Name, s.Kind, s.Limit, itoa(s.Usage)})
	}

	devs := output.Table{Name: "devices", Headings: []string{"Device Name", "Device Type", "Available Ports", "MAC Address", "Net Address", "Status", "Lines"}}
	for _, d := range rep.Devices {
		var ls []string
		for _, l := range d.Lines {
			ls = append(ls, l.LinePort+" ("+l.UserID+")")
		}
		devs.Rows = append(devs.Rows, []string{d.Name, d.Type, d.AvailablePorts, d.MACAddress, d.NetAddress, d.Status, join(ls)})
	}

	ccs := output.Table{Name: "call centers", Headings: []string{"Service User Id", "Name", "Type", "Policy", "Active", "Phone Number", "Extension", "Agents", "Supervisors"}}
	members := output.Table{Name: "call center members", Headings: []string{"Call Center", "Role", "User Id", "Last Name", "First Name", "Phone Number", "Extension"}}
	for _, c := range rep.CallCenters {
		ccs.Rows = append(ccs.Rows, []string{c.ServiceUserID, c.Name, c.Type, c.Policy, yes(c.Active), c.PhoneNumber, c.Extension, itoa(len(c.Agents)), itoa(len(c.Supervisors))})
		for _, role := range []struct {
			name string
			ps   []Person
		}{{"agent", c.Agents}, {"supervisor", c.Supervisors}} {
			for _, p := range role.ps {
				members.Rows = append(members.Rows, []string{c.ServiceUserID, role.name, p.UserID, p.LastName, p.FirstName, p.PhoneNumber, p.Extension})
			}
		}
	}
	return append(out, users, nums, packs, svcs, devs, ccs, members)
}

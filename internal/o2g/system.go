package o2g

import (
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/switchboard/switchboard/internal/provisioning"
)

// System status and licences (the SDKs' Maintenance service).
//
// Switchboard presents itself as one O2G server in front of one PBX node
// (nodeId 1): the core. The node is always connected and loaded, since
// the core is in-process; it is "secured" as the API is only served over
// TLS. Counts come from live data, within the calling administrator's
// scope:
//   - monitoredUserNumber: the users the scope covers (every user's events
//     are available, so every user is monitored);
//   - ROXE_API_TEL_BASIC: total = those users (Switchboard licenses every
//     user), currentUsed = the open user and supervised sessions of them;
//   - ROXE_API_MANAGEMENT: total = the session capacity
//     (Config.MaxSessions), currentUsed = open administrator sessions.
//
// Switchboard's licences do not expire: their expiration is the last day
// representable in the dd-mmm-yyyy form the Node SDK requires
// (31-dec-9999).

// Address is a host's name and address.
type Address struct {
	FQDN string `json:"fqdn,omitempty"`
	IP   string `json:"ip,omitempty"`
}

// SystemStatus is the answer of GET /system/status.
type SystemStatus struct {
	LogicalAddress    Address       `json:"logicalAddress"`
	StartDate         string        `json:"startDate"`
	HA                bool          `json:"ha"`
	Pbxs              []PbxStatus   `json:"pbxs"`
	License           LicenseStatus `json:"license"`
	ConfigurationType string        `json:"configurationType"`
}

// PbxStatus is the state of one node.
type PbxStatus struct {
	Name                string  `json:"name"`
	NodeID              int     `json:"nodeId"`
	MainAddress         Address `json:"mainAddress"`
	Version             string  `json:"version"`
	Connected           bool    `json:"connected"`
	Loaded              bool    `json:"loaded"`
	CtiLinkState        string  `json:"ctiLinkState"`
	Secured             bool    `json:"secured"`
	MonitoredUserNumber int     `json:"monitoredUserNumber"`
}

// LicenseStatus lists the licences.
type LicenseStatus struct {
	Type string    `json:"type"`
	Lics []License `json:"lics"`
}

// License is one licence and its use.
type License struct {
	Name        string `json:"name"`
	Total       int    `json:"total"`
	CurrentUsed int    `json:"currentUsed"`
	Expiration  string `json:"expiration"`
}

// Licence names.
const (
	licTelBasic   = "ROXE_API_TEL_BASIC"
	licManagement = "ROXE_API_MANAGEMENT"
)

// neverExpires is the expiration date of Switchboard's licences.
var neverExpires = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// licenseDate formats t as dd-mmm-yyyy with a lower-case month
// ("31-dec-2026"), the only form the Node SDK parses.
func licenseDate(t time.Time) string {
	return t.Format("02-") + strings.ToLower(t.Format("Jan")) + t.Format("-2006")
}

// hostAddress is the host clients reach the API at: its name, and the
// address of the connection r came in on.
func (s *Server) hostAddress(r *http.Request) Address {
	host := s.cfg.PublicAddr
	if host == "" {
		host = r.Host
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	var a Address
	if ip := net.ParseIP(host); ip != nil {
		a.IP = ip.String()
		if name, err := os.Hostname(); err == nil {
			a.FQDN = name
		}
		return a
	}
	a.FQDN = host
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if h, _, err := net.SplitHostPort(la.String()); err == nil {
			a.IP = strings.Trim(h, "[]")
		}
	}
	return a
}

// licenses computes the licence list for an administrator's scope.
func (s *Server) licenses(r *http.Request, a *provisioning.Actor) (users int, lics []License, err error) {
	users, err = s.core.UsersInScope(r.Context(), a)
	if err != nil {
		return 0, nil, err
	}
	userSessions, adminSessions := 0, 0
	for _, se := range s.sessions.all() {
		switch {
		case se.user == nil:
			adminSessions++
		case a.Covers(se.user.scopeTarget()):
			userSessions++
		}
	}
	exp := licenseDate(neverExpires)
	return users, []License{
		{Name: licTelBasic, Total: users, CurrentUsed: userSessions, Expiration: exp},
		{Name: licManagement, Total: s.cfg.MaxSessions, CurrentUsed: adminSessions, Expiration: exp},
	}, nil
}

// scopeTarget places the user for scope checks.
func (u *userRef) scopeTarget() provisioning.Target {
	return provisioning.Target{SPID: u.d.User.SPID, GroupID: u.d.User.GroupID, UserID: u.id,
		Department: u.d.User.Department, DeptEnt: u.d.User.DepartmentEnt}
}

// handleSystemStatus: GET /system/status (administrators).
func (s *Server) handleSystemStatus(started time.Time) func(http.ResponseWriter, *http.Request, *session) {
	return func(w http.ResponseWriter, r *http.Request, se *session) {
		users, lics, err := s.licenses(r, se.who.actor)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		addr := s.hostAddress(r)
		writeJSON(w, http.StatusOK, SystemStatus{
			LogicalAddress: addr,
			StartDate:      started.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
			Pbxs: []PbxStatus{{Name: "Switchboard", NodeID: 1, MainAddress: addr, Version: s.core.Options().SoftwareVersion,
				Connected: true, Loaded: true, CtiLinkState: "CONNECTED_MAIN", Secured: true, MonitoredUserNumber: users}},
			License:           LicenseStatus{Type: "FLEXLM", Lics: lics},
			ConfigurationType: "FULL_SERVICES",
		})
	}
}

// handleLicenses: GET /system/licenses. With lic=<NAME> it needs no
// session, as real servers: 204 when the licence exists and has units
// left, 403 NOT_ALLOWED when not (counted system-wide). Without lic it is
// the licence list of the administrator's scope.
func (s *Server) handleLicenses(w http.ResponseWriter, r *http.Request) {
	q := lenientQuery(r)
	if _, given := q["lic"]; given {
		name := strings.TrimSpace(q.Get("lic"))
		_, lics, err := s.licenses(r, systemReader)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, l := range lics {
			if strings.EqualFold(l.Name, name) && l.CurrentUsed < l.Total {
				noContent(w)
				return
			}
		}
		s.fail(w, r, errNotAllowed("licence %q is not available", name))
		return
	}
	s.adminOnly(func(w http.ResponseWriter, r *http.Request, se *session) {
		_, lics, err := s.licenses(r, se.who.actor)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, LicenseStatus{Type: "FLEXLM", Lics: lics})
	})(w, r)
}

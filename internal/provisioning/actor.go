package provisioning

import "github.com/switchboard/switchboard/internal/store"

// Level is a login level; a higher rank may do everything a lower one may
// within its scope ("... or above" in the schema's rules).
type Level int

const (
	LevelUser Level = iota + 1
	LevelDepartment
	LevelGroup
	LevelServiceProvider
	LevelReseller
	LevelProvisioning
	LevelSystem
)

var levelNames = map[Level]string{
	LevelUser: "User", LevelDepartment: "Group Department", LevelGroup: "Group",
	LevelServiceProvider: "Service Provider", LevelReseller: "Reseller",
	LevelProvisioning: "Provisioning", LevelSystem: "System",
}

// String is the LoginType22 spelling of the level.
func (l Level) String() string { return levelNames[l] }

func levelOf(a store.AdminLevel) Level {
	switch a {
	case store.LevelSystem:
		return LevelSystem
	case store.LevelProvisioning:
		return LevelProvisioning
	case store.LevelReseller:
		return LevelReseller
	case store.LevelServiceProvider:
		return LevelServiceProvider
	case store.LevelGroup:
		return LevelGroup
	case store.LevelDepartment:
		return LevelDepartment
	}
	return 0
}

// Actor is a logged-in identity: who runs a command and what it may reach.
type Actor struct {
	ID         string
	Level      Level
	SPID       string // SP, group, department and user logins
	GroupID    string // group, department and user logins
	Department string // department logins
	DeptEnt    bool
	ResellerID string // reseller logins
	ReadOnly   bool
	// IsEnterprise is the flag of the actor's service provider.
	IsEnterprise bool
	// Domain is the user's domain, or the system default for admins.
	Domain string
}

// AtLeast reports whether the actor's level is l or above.
func (a *Actor) AtLeast(l Level) bool { return a.Level >= l }

// Target is the object a command acts on, as far as authorization cares.
type Target struct {
	SPID       string
	GroupID    string
	Department string
	DeptEnt    bool
	UserID     string
	// ResellerID is the reseller of SPID ("" when none); the core fills it.
	ResellerID string
}

// Covers reports whether the actor's scope includes t, for facades that
// filter what they already hold (event fan-out) without a store read.
// A reseller administrator is covered only when t.ResellerID is filled.
func (a *Actor) Covers(t Target) bool { return a.covers(t) }

// covers reports whether the actor's scope includes t. Levels above
// Reseller see everything; a reseller sees its service providers; an SP
// admin its SP; a group admin its group; a department admin users of its
// department; a user itself.
func (a *Actor) covers(t Target) bool {
	switch a.Level {
	case LevelSystem, LevelProvisioning:
		return true
	case LevelReseller:
		return t.SPID != "" && t.ResellerID == a.ResellerID
	case LevelServiceProvider:
		return t.SPID == a.SPID
	case LevelGroup:
		return t.SPID == a.SPID && t.GroupID == a.GroupID && t.GroupID != ""
	case LevelDepartment:
		return t.SPID == a.SPID && t.GroupID == a.GroupID && t.Department == a.Department && t.DeptEnt == a.DeptEnt && t.Department != ""
	case LevelUser:
		return t.UserID != "" && t.UserID == a.ID
	}
	return false
}

package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors every implementation returns (wrapped or not) so the
// domain core can tell "absent" and "duplicate" apart from failures.
var (
	ErrNotFound = errors.New("store: not found")
	ErrExists   = errors.New("store: already exists")
	ErrClosed   = errors.New("store: closed")
)

// Store is the persistence port. Implementations: sqlstore (SQLite, the
// embedded default, and PostgreSQL).
//
// Update runs fn in one read-write transaction: every write fn makes is
// committed durably before Update returns nil, and none of them is kept
// when fn returns an error (which Update returns unchanged). An
// implementation may run several callers' fns inside one database
// transaction (group commit), each isolated by a savepoint, so fn must not
// keep the Tx after it returns and must not depend on wall-clock order
// with other writers. View runs fn against a consistent snapshot.
type Store interface {
	View(ctx context.Context, fn func(Tx) error) error
	Update(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is the set of typed operations the domain core needs. Get* return
// ErrNotFound, Insert* return ErrExists on a key or unique-column
// conflict, Update*/Delete* return ErrNotFound when the row is absent.
// List* call fn for each row in key order and stop early when fn returns
// false; a non-nil error from the store ends the walk.
type Tx interface {
	// Settings: small system-wide key/value facts (software version,
	// default domain, data mode, bootstrap markers).
	GetSetting(key string) (string, error)
	PutSetting(key, value string) error

	// Domains (system or reseller level).
	InsertDomain(d Domain) error
	GetDomain(name string) (Domain, error)
	DeleteDomain(name string) error
	ListDomains(fn func(Domain) bool) error

	// Resellers.
	InsertReseller(r Reseller) error
	GetReseller(id string) (Reseller, error)
	UpdateReseller(r Reseller) error
	DeleteReseller(id string) error
	ListResellers(fn func(Reseller) bool) error

	// Service providers and enterprises.
	InsertServiceProvider(sp ServiceProvider) error
	GetServiceProvider(id string) (ServiceProvider, error)
	GetServiceProviderByExternalID(externalID string) (ServiceProvider, error)
	UpdateServiceProvider(sp ServiceProvider) error
	DeleteServiceProvider(id string) error
	ListServiceProviders(fn func(ServiceProvider) bool) error

	// Domain assignment: group == "" means the service provider level.
	AssignDomain(spID, groupID, domain string) error // ErrExists when already assigned
	UnassignDomain(spID, groupID, domain string) error
	ListAssignedDomains(spID, groupID string) ([]string, error) // sorted
	CountDomainUse(domain string) (int, error)                  // SP + group assignments and user ids using it

	// Groups; the key is (spID, groupID).
	InsertGroup(g Group) error
	GetGroup(spID, groupID string) (Group, error)
	GetGroupByExternalID(externalID string) (Group, error)
	UpdateGroup(g Group) error
	DeleteGroup(spID, groupID string) error
	ListGroups(spID string, fn func(Group) bool) error // spID "" lists every group
	CountUsers(spID, groupID string, kind UserKind) (int, error)

	// Departments: group "" means an enterprise-level department.
	InsertDepartment(d Department) error
	GetDepartment(spID, groupID, name string) (Department, error)
	UpdateDepartment(d Department) error
	DeleteDepartment(spID, groupID, name string) error
	ListDepartments(spID, groupID string, fn func(Department) bool) error

	// Phone numbers, keyed by canonical form ("+1-2025550100").
	InsertDN(dn DN) error
	GetDN(number string) (DN, error)
	UpdateDN(dn DN) error
	DeleteDN(number string) error
	ListDNs(spID, groupID string, fn func(DN) bool) error // groupID "" lists the SP's numbers, "*" any group

	// Users and virtual users (call centers...). UserID is unique across
	// users, virtual users and administrators: InsertUser/InsertAdmin
	// return ErrExists when the id is taken by either.
	InsertUser(u User) error
	GetUser(userID string) (User, error)
	UpdateUser(u User) error
	DeleteUser(userID string) error
	ListUsers(f UserFilter, fn func(User) bool) error
	// LookupUserID resolves a primary id, an alternate id or a SIP alias
	// to the primary user id.
	LookupUserID(id string) (string, error)
	FindUserByExtension(spID, groupID, extension string) (string, error)
	FindUserByDN(number string) (string, error)

	// Administrators of every level.
	InsertAdmin(a Admin) error
	GetAdmin(adminID string) (Admin, error)
	UpdateAdmin(a Admin) error
	DeleteAdmin(adminID string) error
	ListAdmins(f AdminFilter, fn func(Admin) bool) error

	// Service authorization: group "" is the service provider level.
	PutServiceAuth(a ServiceAuth) error
	GetServiceAuth(spID, groupID string, kind ServiceKind, name string) (ServiceAuth, error)
	DeleteServiceAuth(spID, groupID string, kind ServiceKind, name string) error
	ListServiceAuth(spID, groupID string, fn func(ServiceAuth) bool) error

	// Service packs are defined at the service provider level.
	InsertServicePack(p ServicePack) error
	GetServicePack(spID, name string) (ServicePack, error)
	UpdateServicePack(p ServicePack) error
	DeleteServicePack(spID, name string) error
	ListServicePacks(spID string, fn func(ServicePack) bool) error

	// Services assigned: to a user (kind SvcUser or SvcPack) or to
	// a group (kind SvcGroup, owner "<spID>/<groupID>").
	AssignService(a ServiceAssignment) error // ErrExists when already assigned
	UnassignService(owner string, kind ServiceKind, name string) error
	ListAssignedServices(owner string) ([]ServiceAssignment, error)
	// CountAssigned counts assignments of name in the group (users of the
	// group for user services and packs).
	CountAssigned(spID, groupID string, kind ServiceKind, name string) (int, error)
	// ServiceUsage counts every assignment system-wide, by service
	// provider, kind and name (group services by their group's SP), for
	// the licence reports.
	ServiceUsage() ([]UsageCount, error)

	// Access devices; line ports are unique system-wide.
	InsertDevice(d Device) error
	GetDevice(spID, groupID, name string) (Device, error)
	UpdateDevice(d Device) error
	DeleteDevice(spID, groupID, name string) error
	ListDevices(spID, groupID string, fn func(Device) bool) error
	FindLinePort(linePort string) (LinePortOwner, error)

	// Call centers: the instance (its virtual user is a User of kind
	// KindCallCenter with the same id), agents, supervisors and agent state.
	InsertCallCenter(c CallCenter) error
	GetCallCenter(serviceUserID string) (CallCenter, error)
	UpdateCallCenter(c CallCenter) error
	DeleteCallCenter(serviceUserID string) error
	ListCallCenters(spID, groupID string, fn func(CallCenter) bool) error
	// SetAgents replaces the agent list of a center, keeping the joined
	// flag of agents that stay.
	SetAgents(serviceUserID string, agents []Agent) error
	ListAgents(serviceUserID string) ([]Agent, error) // in list order
	ListAgentCenters(agentUserID string) ([]Agent, error)
	SetAgentJoined(serviceUserID, agentUserID string, joined bool) error
	SetSupervisors(serviceUserID string, supervisorUserIDs []string) error
	ListSupervisors(serviceUserID string) ([]string, error)
	GetAgentState(userID string) (AgentState, error) // zero state (Sign-Out) when none stored
	PutAgentState(s AgentState) error

	// Call routing: one record per user (call forwarding and Do Not
	// Disturb). GetUserRouting returns DefaultUserRouting when none is
	// stored; PutUserRouting replaces the record and returns ErrNotFound
	// when the user does not exist. DeleteUser removes it.
	GetUserRouting(userID string) (UserRouting, error)
	PutUserRouting(r UserRouting) error

	// Communication log: a user's call history records. InsertComRecord
	// gives the record a new id, unique system-wide and never reused, and
	// returns it; ErrNotFound when the user does not exist. The record
	// body (participants, medias...) is stored as given. ListComRecords
	// returns a user's records in id order (oldest first). DeleteUser
	// removes them.
	InsertComRecord(r ComRecord) (int64, error)
	GetComRecord(userID string, id int64) (ComRecord, error)
	ListComRecords(userID string) ([]ComRecord, error)
	UpdateComRecord(r ComRecord) error
	DeleteComRecord(userID string, id int64) error

	// Voicemail: the messages of a user's mailbox. InsertVoiceMessage
	// gives the message a new id, unique system-wide and never reused,
	// and returns it; ErrNotFound when the user does not exist.
	// ListVoiceMessages returns a user's messages in id order (oldest
	// first) without their audio (AudioSize tells its length);
	// GetVoiceMessage returns one with it. DeleteUser removes them.
	InsertVoiceMessage(m VoiceMessage) (int64, error)
	GetVoiceMessage(userID string, id int64) (VoiceMessage, error)
	ListVoiceMessages(userID string) ([]VoiceMessage, error)
	SetVoiceMessageUnread(userID string, id int64, unread bool) error
	DeleteVoiceMessage(userID string, id int64) error
}

// UserKind separates real users from virtual users (service instances).
type UserKind string

const (
	KindUser       UserKind = "user"
	KindCallCenter UserKind = "callcenter"
)

// ServiceKind says which catalogue a service name comes from.
type ServiceKind string

const (
	SvcUser  ServiceKind = "user"
	SvcGroup ServiceKind = "group"
	SvcPack  ServiceKind = "pack"
)

// Unlimited is the quantity of an unlimited authorization.
const Unlimited = -1

type Domain struct {
	Name       string
	ResellerID string // "" for a system domain
}

type Reseller struct {
	ID   string
	Name string
}

type ServiceProvider struct {
	ID            string
	Name          string
	IsEnterprise  bool
	ResellerID    string
	DefaultDomain string
	ExternalID    string // unique when set
	Profile       SPProfile
}

// SPProfile holds the attributes nothing queries on; stored as JSON.
type SPProfile struct {
	SupportEmail            string         `json:"supportEmail,omitempty"`
	Contact                 Contact        `json:"contact,omitzero"`
	Address                 Address        `json:"address,omitzero"`
	UseCustomRoutingProfile bool           `json:"useCustomRoutingProfile,omitempty"`
	UseServiceProviderLangs bool           `json:"useServiceProviderLanguages,omitempty"`
	Extra                   map[string]any `json:"extra,omitempty"`
}

type Contact struct {
	Name   string `json:"name,omitempty"`
	Number string `json:"number,omitempty"`
	Email  string `json:"email,omitempty"`
}

type Address struct {
	Line1         string `json:"line1,omitempty"`
	Line2         string `json:"line2,omitempty"`
	City          string `json:"city,omitempty"`
	StateProvince string `json:"stateOrProvince,omitempty"`
	ZipOrPostal   string `json:"zipOrPostalCode,omitempty"`
	Country       string `json:"country,omitempty"`
}

type Group struct {
	SPID          string
	ID            string
	Name          string
	DefaultDomain string
	UserLimit     int
	ExternalID    string
	Profile       GroupProfile
}

type GroupProfile struct {
	CallingLineIDName   string  `json:"callingLineIdName,omitempty"`
	TimeZone            string  `json:"timeZone,omitempty"`
	LocationDialingCode string  `json:"locationDialingCode,omitempty"`
	Contact             Contact `json:"contact,omitzero"`
	Address             Address `json:"address,omitzero"`
	ExtensionMin        int     `json:"extensionMin,omitempty"` // 0: the server default
	ExtensionMax        int     `json:"extensionMax,omitempty"`
	ExtensionDefault    int     `json:"extensionDefault,omitempty"`
}

type Department struct {
	SPID    string
	GroupID string // "" for an enterprise department
	Name    string
	// Parent is the parent department's name at the same level, or for a
	// group department whose parent is an enterprise department, the
	// parent's name with ParentIsEnterprise set.
	Parent             string
	ParentIsEnterprise bool
	CallingLineIDName  string
	CallingLineIDPhone string
}

// DN is a phone number held by a service provider and maybe a group.
type DN struct {
	Number    string // canonical "+CC-national"
	SPID      string
	GroupID   string // "" when only on the SP
	Activated bool
}

type User struct {
	ID                string
	Kind              UserKind
	SPID              string
	GroupID           string
	LastName          string
	FirstName         string
	CLIDLastName      string
	CLIDFirstName     string
	PhoneNumber       string // canonical, "" when none
	Extension         string
	Department        string // department name
	DepartmentEnt     bool   // the department is an enterprise department
	Email             string
	ExternalID        string // unique when set
	Aliases           []string
	AlternateIDs      []AlternateID
	PasswordSHA1      string // lowercase hex; "" when no password
	PasswordHash      string // slow hash (PHC string) of the same password
	Passcode          string // portal passcode, salted SHA-256 ("sha256$salt$digest")
	Profile           UserProfile
	Created, Modified time.Time
}

type AlternateID struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
}

// UserProfile holds the attributes nothing queries on; stored as JSON.
type UserProfile struct {
	CLIDPhoneNumber       string         `json:"clidPhoneNumber,omitempty"`
	HiraganaLastName      string         `json:"hiraganaLastName,omitempty"`
	HiraganaFirstName     string         `json:"hiraganaFirstName,omitempty"`
	NameDialingLast       string         `json:"nameDialingLastName,omitempty"`
	NameDialingFirst      string         `json:"nameDialingFirstName,omitempty"`
	Language              string         `json:"language,omitempty"`
	TimeZone              string         `json:"timeZone,omitempty"`
	Title                 string         `json:"title,omitempty"`
	Pager                 string         `json:"pager,omitempty"`
	Mobile                string         `json:"mobile,omitempty"`
	YahooID               string         `json:"yahooId,omitempty"`
	AddressLocation       string         `json:"addressLocation,omitempty"`
	Address               Address        `json:"address,omitzero"`
	NetworkClassOfService string         `json:"networkClassOfService,omitempty"`
	PersonID              string         `json:"personId,omitempty"`
	IsPlace               bool           `json:"isPlace,omitempty"`
	Endpoint              *Endpoint      `json:"endpoint,omitempty"`
	Extra                 map[string]any `json:"extra,omitempty"`
}

// Endpoint is a user's primary access device endpoint.
type Endpoint struct {
	DeviceLevel string `json:"deviceLevel,omitempty"` // "Group" or "Service Provider"
	DeviceName  string `json:"deviceName"`
	LinePort    string `json:"linePort"`
	Contact     string `json:"contact,omitempty"`
}

type UserFilter struct {
	SPID    string // "" any
	GroupID string // "" any (with SPID set: the whole SP)
	Kind    UserKind
	// ResellerID restricts to service providers of that reseller.
	ResellerID string
	// Department restricts to users of that department (name, with
	// DepartmentEnt saying which level).
	Department    string
	DepartmentEnt bool
}

// AdminLevel is an administrator's login level.
type AdminLevel string

const (
	LevelSystem          AdminLevel = "System"
	LevelProvisioning    AdminLevel = "Provisioning"
	LevelReseller        AdminLevel = "Reseller"
	LevelServiceProvider AdminLevel = "Service Provider"
	LevelGroup           AdminLevel = "Group"
	LevelDepartment      AdminLevel = "Group Department"
)

type Admin struct {
	ID            string
	Level         AdminLevel
	SPID          string
	GroupID       string
	Department    string // for department admins
	DepartmentEnt bool
	ResellerID    string
	ReadOnly      bool
	LastName      string
	FirstName     string
	Language      string
	AdminType     string // SP admins: "Normal", "Customer", "Password Reset Only"
	PasswordSHA1  string
	PasswordHash  string
	Disabled      bool
	// FailedLogins counts consecutive bad passwords; LockedUntil is set
	// when the lockout threshold is reached.
	FailedLogins int
	LockedUntil  time.Time
	// LastLogin is the last successful login (zero: never).
	LastLogin time.Time
}

type AdminFilter struct {
	Level      AdminLevel // "" any
	SPID       string
	GroupID    string
	ResellerID string
}

// ServiceAuth is an authorization of a service or service pack to a
// service provider (GroupID "") or group, with a quantity (Unlimited = -1).
type ServiceAuth struct {
	SPID     string
	GroupID  string
	Kind     ServiceKind
	Name     string
	Quantity int
}

// UsageCount is how many assignments of one service or pack an SP's
// users (or groups, for group services) hold.
type UsageCount struct {
	SPID  string
	Kind  ServiceKind
	Name  string
	Count int
}

type ServicePack struct {
	SPID        string
	Name        string
	Description string
	Available   bool
	Quantity    int // Unlimited = -1
	Services    []string
}

type ServiceAssignment struct {
	Owner string // user id, or "<spID>/<groupID>" for group services
	Kind  ServiceKind
	Name  string
}

type Device struct {
	SPID    string
	GroupID string // "" for a service provider device
	Name    string
	Type    string
	Profile DeviceProfile
}

type DeviceProfile struct {
	ProtocolChoice string         `json:"protocol,omitempty"`
	NetAddress     string         `json:"netAddress,omitempty"`
	Port           int            `json:"port,omitempty"`
	OutboundProxy  string         `json:"outboundProxy,omitempty"`
	StunServer     string         `json:"stunServer,omitempty"`
	MACAddress     string         `json:"macAddress,omitempty"`
	SerialNumber   string         `json:"serialNumber,omitempty"`
	Description    string         `json:"description,omitempty"`
	PhysicalLoc    string         `json:"physicalLocation,omitempty"`
	TransportProto string         `json:"transportProtocol,omitempty"`
	UseCustomCreds bool           `json:"useCustomUserNamePassword,omitempty"`
	Extra          map[string]any `json:"extra,omitempty"`
}

// LinePortOwner says which user uses a line port and on which device.
type LinePortOwner struct {
	LinePort    string
	UserID      string
	DeviceSPID  string
	DeviceGroup string
	DeviceName  string
}

type CallCenter struct {
	ServiceUserID string // the virtual user's id
	SPID          string
	GroupID       string
	Type          string // "Basic", "Standard", "Premium"
	Policy        string // HuntPolicy
	Active        bool
	EnableVideo   bool
	QueueLength   int
	Profile       CallCenterProfile
}

type CallCenterProfile struct {
	AllowCallerToDialEscapeDigit bool           `json:"allowCallerToDialEscapeDigit,omitempty"`
	EscapeDigit                  string         `json:"escapeDigit,omitempty"`
	ResetCallStatisticsUponEntry bool           `json:"resetCallStatisticsUponEntryInQueue,omitempty"`
	AllowAgentLogoff             bool           `json:"allowAgentLogoff,omitempty"`
	AllowCallWaitingForAgents    bool           `json:"allowCallWaitingForAgents,omitempty"`
	ExternalPreferredAudioCodec  string         `json:"externalPreferredAudioCodec,omitempty"`
	InternalPreferredAudioCodec  string         `json:"internalPreferredAudioCodec,omitempty"`
	PlayRingingWhenOfferingCall  bool           `json:"playRingingWhenOfferingCall,omitempty"`
	Priority                     string         `json:"priority,omitempty"`
	Extra                        map[string]any `json:"extra,omitempty"`
}

// Agent is one agent of a call center, in list order.
type Agent struct {
	ServiceUserID string
	AgentUserID   string
	Position      int
	SkillLevel    int // 1..20
	Weight        int
	Joined        bool // the agent's "available" flag for this center
}

// AgentState is a user's ACD state (shared by all centers).
type AgentState struct {
	UserID          string
	ACDState        string // "Sign-In", "Sign-Out", "Available", "Unavailable", "Wrap-Up"
	UnavailableCode string
}

// UserRouting is a user's call routing settings: the four call forwarding
// services, Do Not Disturb and the O2G overflow route, kept together
// because every reader (the OCI-P gets, a routing state snapshot) and some
// writers (forward on busy and no answer at once) want several of them in
// one go.
type UserRouting struct {
	UserID           string
	Always           Forward
	AlwaysRingSplash bool // a short ring reminds the user that calls are forwarded
	Busy             Forward
	NoAnswer         Forward
	NoAnswerRings    int // rings before forwarding: 0 or 2..20
	NotReachable     Forward
	DND              bool
	DNDRingSplash    bool
	// Overflow is the O2G overflow route; BroadWorks has no such user
	// setting, so only the O2G facade reads and writes it.
	Overflow Overflow
}

// Overflow is where calls overflow on busy or no answer while no forward
// is active. The zero value is "no overflow".
type Overflow struct {
	// Type is "", "BUSY", "NO_ANSWER" or "BUSY_NO_ANSWER".
	Type string
	// Destination is "VOICEMAIL" or "ASSOCIATE" ("" when Type is "").
	Destination string
}

// Forward is one call forwarding service's state; Number is a dialable
// number or a SIP URI ("" when none).
type Forward struct {
	Active bool
	Number string
}

// DefaultNoAnswerRings is BroadWorks' default ring count before a
// forward on no answer.
const DefaultNoAnswerRings = 2

// DefaultUserRouting is the routing of a user that never changed it:
// nothing active, no numbers.
func DefaultUserRouting(userID string) UserRouting {
	return UserRouting{UserID: userID, NoAnswerRings: DefaultNoAnswerRings}
}

// ComRecord is one entry of a user's communication log (call history), as
// the O2G facade serves it. Role and Answered are the user's own part in
// the call, kept apart from the participants because the log is filtered
// on them.
type ComRecord struct {
	ID     int64
	UserID string
	ComRef string
	// Role is the user's role: "CALLER", "CALLEE" or "UNKNOWN".
	Role         string
	Answered     bool
	Acknowledged bool
	Begin        time.Time
	Conv         time.Time // zero when never answered
	End          time.Time
	// HoldDuration is the total time on hold in seconds, nil when unknown.
	HoldDuration   *int64
	TransferredBy  string
	AssociatedData string
	Medias         []string
	Participants   []ComParticipant
	Extensions     []ComTag
}

// ComParticipant is one party of a logged call.
type ComParticipant struct {
	Role          string    `json:"role,omitempty"`
	Answered      *bool     `json:"answered,omitempty"`
	Party         ComParty  `json:"party"`
	Anonymous     bool      `json:"anonymous,omitempty"`
	InitialCalled *ComParty `json:"initialCalled,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	Leg           string    `json:"leg,omitempty"`
}

// ComParty identifies a party: a user of the system by id, or an outside
// party by number and names.
type ComParty struct {
	UserID      string `json:"userId,omitempty"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
	FirstName   string `json:"firstName,omitempty"`
	LastName    string `json:"lastName,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Type        string `json:"type,omitempty"`
	SubType     string `json:"subType,omitempty"`
}

// ComTag is a name/value extension of a record.
type ComTag struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// VoiceMessage is one message of a user's mailbox, as a voicemail system
// left it: who called, when, how long, and the recording.
type VoiceMessage struct {
	ID     int64
	UserID string
	// From is the caller: a user of the system by id, or an outside
	// party by number and names (zero when the caller was anonymous).
	From         ComParty
	Date         time.Time
	Duration     int // seconds
	Unread       bool
	HighPriority bool
	// AudioSize is the length of the recording in bytes; Audio the
	// recording itself (a WAV file), only filled by GetVoiceMessage.
	AudioSize int
	Audio     []byte
}

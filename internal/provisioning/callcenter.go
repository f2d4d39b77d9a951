package provisioning

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/switchboard/switchboard/internal/store"
)

// Call center types and the user services that license them. A center
// uses one unit of its type's service in the group; an agent needs one of
// these services at or above the center's type.
var callCenterTypes = []string{"Basic", "Standard", "Premium"}

const callCenterServicePrefix = "Call Center - "

func callCenterTypeOfService(name string) (string, bool) {
	t, ok := strings.CutPrefix(name, callCenterServicePrefix)
	if ok && slices.Contains(callCenterTypes, t) {
		return t, true
	}
	return "", false
}

func typeRank(t string) int { return slices.Index(callCenterTypes, t) }

// ACD states.
const (
	StateSignIn      = "Sign-In"
	StateSignOut     = "Sign-Out"
	StateAvailable   = "Available"
	StateUnavailable = "Unavailable"
	StateWrapUp      = "Wrap-Up"
)

// CallCenterAdd creates a call center instance: its virtual user and its
// settings.
type CallCenterAdd struct {
	Center   store.CallCenter
	User     store.User // ID (service user id), names, number, extension, department, aliases
	Password string
}

// AddCallCenter adds an instance to a group that is authorized for the
// type's service with quantity left. Group admin or above.
func (c *Core) AddCallCenter(ctx context.Context, a *Actor, in CallCenterAdd) error {
	if typeRank(in.Center.Type) < 0 {
		return errInvalid("type", in.Center.Type)
	}
	if in.Password == "" {
		return errInvalid("password", "a call center instance needs a password")
	}
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelGroup, in.Center.SPID, in.Center.GroupID, true); err != nil {
			return err
		}
		g, err := tx.GetGroup(in.Center.SPID, in.Center.GroupID)
		if err != nil {
			return err
		}
		if err := c.checkCallCenterLicense(tx, g.SPID, g.ID, in.Center.Type); err != nil {
			return err
		}
		if err := c.checkUserDomain(tx, g, in.User.ID); err != nil {
			return err
		}
		u := in.User
		u.Kind = store.KindCallCenter
		if u.CLIDLastName == "" {
			u.CLIDLastName = u.LastName
		}
		if u.CLIDFirstName == "" {
			u.CLIDFirstName = u.FirstName
		}
		if err := c.insertUser(tx, g, UserAdd{User: u, Password: in.Password}); err != nil {
			return err
		}
		cc := in.Center
		cc.ServiceUserID = u.ID
		if cc.Policy == "" {
			cc.Policy = "Circular"
		}
		return storeErr(tx.InsertCallCenter(cc), "Call Center", cc.ServiceUserID)
	})
}

// checkCallCenterLicense checks that the group may hold one more instance
// of type t: the type's service is authorized to it with quantity left.
func (c *Core) checkCallCenterLicense(tx store.Tx, spID, groupID, t string) error {
	svc := callCenterServicePrefix + t
	ga, err := tx.GetServiceAuth(spID, groupID, store.SvcUser, svc)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return &Error{Kind: KindServiceAssign, Args: []string{svc}, Detail: "the service is not authorized to the group"}
		}
		return err
	}
	if ga.Quantity != store.Unlimited {
		n, err := c.groupUsage(tx, spID, groupID, store.SvcUser, svc)
		if err != nil {
			return err
		}
		if n >= ga.Quantity {
			return errLimit("authorized quantity of " + svc + " in the group")
		}
	}
	return nil
}

// hasAgentService reports whether u holds a call center service of type t
// or above (an agent of a Standard center may hold Standard or Premium).
func hasAgentService(tx store.Tx, u store.User, t string) (bool, error) {
	r := typeRank(t)
	if r < 0 {
		r = 0
	}
	for _, x := range callCenterTypes[r:] {
		has, err := userHasService(tx, u, callCenterServicePrefix+x)
		if err != nil || has {
			return has, err
		}
	}
	return false, nil
}

// CallCenterDetail is an instance with its virtual user.
type CallCenterDetail struct {
	Center store.CallCenter
	User   store.User
}

func (c *Core) callCenterFor(tx store.Tx, a *Actor, id string, min Level, write bool) (CallCenterDetail, error) {
	cc, err := tx.GetCallCenter(id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) && a != nil && a.Level < LevelReseller {
			return CallCenterDetail{}, ErrUnauthorized
		}
		return CallCenterDetail{}, storeErr(err, "Call Center", id)
	}
	u, err := tx.GetUser(id)
	if err != nil {
		return CallCenterDetail{}, err
	}
	if err := authorize(tx, a, min, Target{SPID: cc.SPID, GroupID: cc.GroupID}, write); err != nil {
		return CallCenterDetail{}, err
	}
	return CallCenterDetail{Center: cc, User: u}, nil
}

// CallCenter reads an instance. Group admin or above.
func (c *Core) CallCenter(ctx context.Context, a *Actor, id string) (d CallCenterDetail, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		d, err = c.callCenterFor(tx, a, id, LevelGroup, false)
		return err
	})
	return d, err
}

// ModifyCallCenter edits an instance's settings and profile. A type change
// needs the new type's service authorized to the group with quantity left
// (the instance stops using the old one) and every agent holding a service
// of the new type or above.
func (c *Core) ModifyCallCenter(ctx context.Context, a *Actor, id string, fn func(*store.CallCenter, *store.User) error, newPassword *string) error {
	return c.update(ctx, func(tx store.Tx) error {
		d, err := c.callCenterFor(tx, a, id, LevelGroup, true)
		if err != nil {
			return err
		}
		old := d.User
		cc, u := d.Center, d.User
		u.Aliases = slices.Clone(old.Aliases)
		if err := fn(&cc, &u); err != nil {
			return err
		}
		cc.ServiceUserID, cc.SPID, cc.GroupID = d.Center.ServiceUserID, d.Center.SPID, d.Center.GroupID
		if cc.Type != d.Center.Type {
			if typeRank(cc.Type) < 0 {
				return errInvalid("type", cc.Type)
			}
			if err := c.checkCallCenterLicense(tx, cc.SPID, cc.GroupID, cc.Type); err != nil {
				return err
			}
			agents, err := tx.ListAgents(id)
			if err != nil {
				return err
			}
			for _, ag := range agents {
				au, err := tx.GetUser(ag.AgentUserID)
				if err != nil {
					return err
				}
				ok, err := hasAgentService(tx, au, cc.Type)
				if err != nil {
					return err
				}
				if !ok {
					return errInvalid("type", "agent "+au.ID+" has no "+callCenterServicePrefix+cc.Type+" service (or higher)")
				}
			}
		}
		u.ID, u.Kind, u.SPID, u.GroupID = old.ID, old.Kind, old.SPID, old.GroupID
		g, err := tx.GetGroup(u.SPID, u.GroupID)
		if err != nil {
			return err
		}
		if err := c.prepareUser(tx, g, &u, &old); err != nil {
			return err
		}
		if newPassword != nil {
			u.PasswordSHA1, u.PasswordHash = SHA1Hex(*newPassword), ""
		}
		u.Modified = c.opt.Now().UTC()
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		return tx.UpdateCallCenter(cc)
	})
}

// DeleteCallCenter removes an instance, its agent and supervisor lists.
func (c *Core) DeleteCallCenter(ctx context.Context, a *Actor, id string) error {
	return c.update(ctx, func(tx store.Tx) error {
		d, err := c.callCenterFor(tx, a, id, LevelGroup, true)
		if err != nil {
			return err
		}
		return c.deleteUser(tx, d.User)
	})
}

// ListCallCenters lists a group's instances in id order.
func (c *Core) ListCallCenters(ctx context.Context, a *Actor, spID, groupID string) (out []CallCenterDetail, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := c.groupScope(tx, a, LevelGroup, spID, groupID, false); err != nil {
			return err
		}
		var ccs []store.CallCenter
		if err := tx.ListCallCenters(spID, groupID, func(cc store.CallCenter) bool { ccs = append(ccs, cc); return true }); err != nil {
			return err
		}
		out = out[:0]
		for _, cc := range ccs {
			u, err := tx.GetUser(cc.ServiceUserID)
			if err != nil {
				return err
			}
			out = append(out, CallCenterDetail{Center: cc, User: u})
		}
		return nil
	})
	return out, err
}

// AgentRef is an agent to put on a center's list.
type AgentRef struct {
	UserID     string
	SkillLevel int // 0: 1
}

// SetCallCenterAgents replaces a center's agent list. Agents are users of
// the same group (or of any group of an enterprise) holding a call center
// service at or above the center's type. New agents start joined; agents
// that stay keep their joined flag and weight.
func (c *Core) SetCallCenterAgents(ctx context.Context, a *Actor, id string, agents []AgentRef) error {
	return c.update(ctx, func(tx store.Tx) error {
		d, err := c.callCenterFor(tx, a, id, LevelGroup, true)
		if err != nil {
			return err
		}
		return c.putAgents(tx, d, agents)
	})
}

// SkilledAgents is the replacement list of one skill level.
type SkilledAgents struct {
	SkillLevel int
	UserIDs    []string
}

// SetCallCenterSkilledAgents replaces, for each skill level given, the
// agents at that level; agents at other levels stay, and an agent named
// again moves to its new level. Premium centers only (skills are what
// skill-based routing works on).
func (c *Core) SetCallCenterSkilledAgents(ctx context.Context, a *Actor, id string, levels []SkilledAgents) error {
	return c.update(ctx, func(tx store.Tx) error {
		d, err := c.callCenterFor(tx, a, id, LevelGroup, true)
		if err != nil {
			return err
		}
		if d.Center.Type != "Premium" {
			return errInvalid("skilledAgentUserIdList", "skill levels apply to Premium call centers only")
		}
		replaced := map[int]bool{}
		named := map[string]bool{}
		var add []AgentRef
		for _, l := range levels {
			if l.SkillLevel < 1 || l.SkillLevel > 20 {
				return errInvalid("skillLevel", "must be 1 to 20")
			}
			if replaced[l.SkillLevel] {
				return errInvalid("skillLevel", "listed twice: "+itoa(l.SkillLevel))
			}
			replaced[l.SkillLevel] = true
			for _, uid := range l.UserIDs {
				u, err := resolveUser(tx, uid)
				if err != nil {
					return err
				}
				named[u.ID] = true
				add = append(add, AgentRef{UserID: u.ID, SkillLevel: l.SkillLevel})
			}
		}
		cur, err := tx.ListAgents(id)
		if err != nil {
			return err
		}
		var refs []AgentRef
		for _, ag := range cur {
			if !replaced[ag.SkillLevel] && !named[ag.AgentUserID] {
				refs = append(refs, AgentRef{UserID: ag.AgentUserID, SkillLevel: ag.SkillLevel})
			}
		}
		return c.putAgents(tx, d, append(refs, add...))
	})
}

// putAgents checks and stores a center's whole agent list.
func (c *Core) putAgents(tx store.Tx, d CallCenterDetail, agents []AgentRef) error {
	id := d.Center.ServiceUserID
	sp, err := tx.GetServiceProvider(d.Center.SPID)
	if err != nil {
		return err
	}
	cur, err := tx.ListAgents(id)
	if err != nil {
		return err
	}
	weight := map[string]int{}
	for _, ag := range cur {
		weight[ag.AgentUserID] = ag.Weight
	}
	seen := map[string]bool{}
	list := make([]store.Agent, 0, len(agents))
	for i, ar := range agents {
		u, err := resolveUser(tx, ar.UserID)
		if err != nil {
			return err
		}
		if seen[u.ID] {
			return errInvalid("agentUserId", "listed twice: "+u.ID)
		}
		seen[u.ID] = true
		if u.Kind != store.KindUser || u.SPID != d.Center.SPID || (!sp.IsEnterprise && u.GroupID != d.Center.GroupID) {
			return errInvalid("agentUserId", "not a user of the call center's group or enterprise: "+u.ID)
		}
		ok, err := hasAgentService(tx, u, d.Center.Type)
		if err != nil {
			return err
		}
		if !ok {
			return errInvalid("agentUserId", "the user has no "+callCenterServicePrefix+d.Center.Type+" service (or higher): "+u.ID)
		}
		skill := ar.SkillLevel
		if skill == 0 {
			skill = 1
		}
		list = append(list, store.Agent{ServiceUserID: id, AgentUserID: u.ID, Position: i, SkillLevel: skill, Weight: weight[u.ID], Joined: true})
	}
	return tx.SetAgents(id, list)
}

// AgentDetail is an agent with its user record.
type AgentDetail struct {
	Agent store.Agent
	User  store.User
}

// CallCenterAgents lists a center's agents in list order.
func (c *Core) CallCenterAgents(ctx context.Context, a *Actor, id string) (out []AgentDetail, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if _, err := c.callCenterFor(tx, a, id, LevelGroup, false); err != nil {
			return err
		}
		agents, err := tx.ListAgents(id)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, ag := range agents {
			u, err := tx.GetUser(ag.AgentUserID)
			if err != nil {
				return err
			}
			out = append(out, AgentDetail{Agent: ag, User: u})
		}
		return nil
	})
	return out, err
}

// SetCallCenterSupervisors replaces a center's supervisors: users of the
// center's group.
func (c *Core) SetCallCenterSupervisors(ctx context.Context, a *Actor, id string, userIDs []string) error {
	return c.update(ctx, func(tx store.Tx) error {
		d, err := c.callCenterFor(tx, a, id, LevelGroup, true)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(userIDs))
		for _, uid := range userIDs {
			u, err := resolveUser(tx, uid)
			if err != nil {
				return err
			}
			if u.Kind != store.KindUser || u.SPID != d.Center.SPID || u.GroupID != d.Center.GroupID {
				return errInvalid("supervisorUserId", "not a user of the call center's group: "+u.ID)
			}
			if !slices.Contains(ids, u.ID) {
				ids = append(ids, u.ID)
			}
		}
		return tx.SetSupervisors(id, ids)
	})
}

// CallCenterSupervisors lists a center's supervisors with their records.
func (c *Core) CallCenterSupervisors(ctx context.Context, a *Actor, id string) (out []store.User, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if _, err := c.callCenterFor(tx, a, id, LevelGroup, false); err != nil {
			return err
		}
		ids, err := tx.ListSupervisors(id)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, uid := range ids {
			u, err := tx.GetUser(uid)
			if err != nil {
				return err
			}
			out = append(out, u)
		}
		return nil
	})
	return out, err
}

// AgentCenter is one center an agent belongs to.
type AgentCenter struct {
	Agent  store.Agent
	Center store.CallCenter
	User   store.User // the center's virtual user
}

// AgentView is an agent's ACD state, centers and agent settings.
type AgentView struct {
	State   store.AgentState
	Centers []AgentCenter
	// Settings are the agent's call center settings (guard timer,
	// unavailable triggers...) keyed by their schema element names; the
	// facade owns their shape. Values come back as JSON decodes them.
	Settings map[string]any
}

// agentSettingsKey is where an agent's settings live in its user profile:
// they are attributes of the user nothing queries on.
const agentSettingsKey = "callCenterAgent"

func agentSettings(u store.User) map[string]any {
	m, _ := u.Profile.Extra[agentSettingsKey].(map[string]any)
	return m
}

// requireAgentService refuses the agent commands for a user that holds no
// call center service: it has no agent settings to read or change.
func requireAgentService(tx store.Tx, u store.User) error {
	ok, err := hasAgentService(tx, u, "Basic")
	if err != nil {
		return err
	}
	if !ok {
		return errInvalid("userId", "the user has no call center service assigned: "+u.ID)
	}
	return nil
}

func agentView(tx store.Tx, userID string) (AgentView, error) {
	st, err := tx.GetAgentState(userID)
	if err != nil {
		return AgentView{}, err
	}
	if st.ACDState == "" {
		st.ACDState = StateSignOut
	}
	st.UserID = userID
	list, err := tx.ListAgentCenters(userID)
	if err != nil {
		return AgentView{}, err
	}
	v := AgentView{State: st}
	for _, ag := range list {
		cc, err := tx.GetCallCenter(ag.ServiceUserID)
		if err != nil {
			return AgentView{}, err
		}
		u, err := tx.GetUser(ag.ServiceUserID)
		if err != nil {
			return AgentView{}, err
		}
		v.Centers = append(v.Centers, AgentCenter{Agent: ag, Center: cc, User: u})
	}
	slices.SortFunc(v.Centers, func(a, b AgentCenter) int { return strings.Compare(a.Center.ServiceUserID, b.Center.ServiceUserID) })
	return v, nil
}

// Agent reads a user's agent state (UserCallCenterGetRequest*).
func (c *Core) Agent(ctx context.Context, a *Actor, userID string) (v AgentView, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		u, err := c.userForRead(tx, a, userID)
		if err != nil {
			return err
		}
		if err := requireAgentService(tx, u); err != nil {
			return err
		}
		v, err = agentView(tx, u.ID)
		v.Settings = agentSettings(u)
		return err
	})
	return v, err
}

// AgentChange edits an agent's state (UserCallCenterModifyRequest19):
// no last-agent check here, by design.
type AgentChange struct {
	ACDState *string
	// UnavailableCode sets the code (Unavailable state only); "" clears it.
	UnavailableCode *string
	// Joined sets the per-center available flag, keyed by service user id.
	Joined map[string]bool
	// SkillLevel sets the agent's skill in Premium centers, keyed by
	// service user id; administrators only.
	SkillLevel map[string]int
	// Settings are merged into the agent's settings; a nil value removes
	// the entry.
	Settings map[string]any
}

var acdStates = []string{StateSignIn, StateSignOut, StateAvailable, StateUnavailable, StateWrapUp}

// ModifyAgent changes an agent's ACD state, joined centers, skill levels
// and settings, all or nothing. The user itself or an administrator with
// scope; the user must hold a call center service.
func (c *Core) ModifyAgent(ctx context.Context, a *Actor, userID string, ch AgentChange) error {
	return c.update(ctx, func(tx store.Tx) error {
		u, err := c.userForWrite(tx, a, userID, LevelUser)
		if err != nil {
			return err
		}
		if err := requireAgentService(tx, u); err != nil {
			return err
		}
		v, err := agentView(tx, u.ID)
		if err != nil {
			return err
		}
		st := v.State
		if ch.ACDState != nil {
			if !slices.Contains(acdStates, *ch.ACDState) {
				return errInvalid("agentACDState", *ch.ACDState)
			}
			if *ch.ACDState != StateUnavailable {
				st.UnavailableCode = "" // leaving Unavailable clears the code
			}
			st.ACDState = *ch.ACDState
		}
		if ch.UnavailableCode != nil && *ch.UnavailableCode != "" {
			if st.ACDState != StateUnavailable {
				return errInvalid("agentUnavailableCode", "only in the Unavailable state")
			}
			st.UnavailableCode = *ch.UnavailableCode
		}
		for id, skill := range ch.SkillLevel {
			i := slices.IndexFunc(v.Centers, func(x AgentCenter) bool { return x.Center.ServiceUserID == id })
			if i < 0 {
				return errNotFound("Call Center", id)
			}
			if a.Level == LevelUser {
				return ErrUnauthorized // an agent does not grade itself
			}
			if v.Centers[i].Center.Type != "Premium" {
				return errInvalid("skillLevel", "skill levels apply to Premium call centers only: "+id)
			}
			if skill < 1 || skill > 20 {
				return errInvalid("skillLevel", "must be 1 to 20")
			}
			agents, err := tx.ListAgents(id)
			if err != nil {
				return err
			}
			for j := range agents {
				if agents[j].AgentUserID == u.ID {
					agents[j].SkillLevel = skill
				}
			}
			if err := tx.SetAgents(id, agents); err != nil {
				return err
			}
		}
		for id, joined := range ch.Joined {
			if !slices.ContainsFunc(v.Centers, func(x AgentCenter) bool { return x.Center.ServiceUserID == id }) {
				return errNotFound("Call Center", id)
			}
			if err := tx.SetAgentJoined(id, u.ID, joined); err != nil {
				return err
			}
		}
		if ch.UnavailableCode != nil && *ch.UnavailableCode == "" {
			st.UnavailableCode = ""
		}
		if len(ch.Settings) > 0 {
			set := map[string]any{}
			for k, x := range agentSettings(u) {
				set[k] = x
			}
			for k, x := range ch.Settings {
				if x == nil {
					delete(set, k)
				} else {
					set[k] = x
				}
			}
			extra := make(map[string]any, len(u.Profile.Extra)+1)
			for k, x := range u.Profile.Extra {
				extra[k] = x
			}
			extra[agentSettingsKey] = set
			u.Profile.Extra = extra
			u.Modified = c.opt.Now().UTC()
			if err := tx.UpdateUser(u); err != nil {
				return err
			}
		}
		return tx.PutAgentState(st)
	})
}

// CenterRef names a call center for the sign-out refusal table.
type CenterRef struct {
	ServiceUserID string
	Name          string
}

// SignOutAgent signs an agent out unless it is the last signed-in agent
// of a Standard or Premium center it has joined; then nothing changes and
// those centers are returned. Callers: admins with scope over the agent,
// a supervisor of one of the agent's centers, or the agent itself.
func (c *Core) SignOutAgent(ctx context.Context, a *Actor, agentID string) (blocking []CenterRef, err error) {
	err = c.update(ctx, func(tx store.Tx) error {
		blocking = nil
		u, err := resolveUser(tx, agentID)
		if err != nil {
			if a != nil && a.Level < LevelReseller {
				return ErrUnauthorized
			}
			return err
		}
		v, err := agentView(tx, u.ID)
		if err != nil {
			return err
		}
		if err := c.authorizeSignOut(tx, a, u, v); err != nil {
			return err
		}
		if err := requireAgentService(tx, u); err != nil {
			return err
		}
		if v.State.ACDState == StateSignOut {
			return nil
		}
		for _, ac := range v.Centers {
			if !ac.Agent.Joined || ac.Center.Type == "Basic" {
				continue
			}
			others, err := tx.ListAgents(ac.Center.ServiceUserID)
			if err != nil {
				return err
			}
			last := true
			for _, o := range others {
				if o.AgentUserID == u.ID || !o.Joined {
					continue
				}
				st, err := tx.GetAgentState(o.AgentUserID)
				if err != nil {
					return err
				}
				if st.ACDState != "" && st.ACDState != StateSignOut {
					last = false
					break
				}
			}
			if last {
				blocking = append(blocking, CenterRef{ServiceUserID: ac.Center.ServiceUserID, Name: ac.User.LastName})
			}
		}
		if len(blocking) > 0 {
			return nil
		}
		st := v.State
		st.ACDState, st.UnavailableCode = StateSignOut, ""
		return tx.PutAgentState(st)
	})
	return blocking, err
}

func (c *Core) authorizeSignOut(tx store.Tx, a *Actor, u store.User, v AgentView) error {
	if a == nil {
		return newErr(KindNotLoggedIn)
	}
	if a.Level == LevelUser {
		if a.ID == u.ID {
			return nil
		}
		for _, ac := range v.Centers {
			sup, err := tx.ListSupervisors(ac.Center.ServiceUserID)
			if err != nil {
				return err
			}
			if slices.Contains(sup, a.ID) {
				return nil
			}
		}
		return ErrUnauthorized
	}
	return authorize(tx, a, LevelDepartment, userTarget(u), true)
}

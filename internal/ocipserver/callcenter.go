package ocipserver

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/callcenter"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/deprecateduser"
)

// The call center family: service instances (a virtual user plus the
// center's settings), their agent and supervisor lists, the agent's own
// settings and ACD state, and the guarded agent sign-out. Every version
// of a command goes through one core path; each renders its own shape.
func callCenterRoutes(r routes) {
	// Instances.
	on(r, "GroupCallCenterAddInstanceRequest22", func(c *call, req *callcenter.GroupCallCenterAddInstanceRequest22) ocixml.Command {
		s := ccSettings{RoutingType: ccStr(req.RoutingType), EnableReporting: req.EnableReporting,
			AllowEscape: &req.AllowCallerToDialEscapeDigit, EscapeDigit: ocixml.Ptr(string(req.EscapeDigit)),
			ResetStats: &req.ResetCallStatisticsUponEntryInQueue, AllowLogoff: &req.AllowAgentLogoff,
			AllowCallWaiting: &req.AllowCallWaitingForAgents, InWrapUp: req.AllowCallsToAgentsInWrapUp,
			OverrideWrapUp: req.OverrideAgentWrapUpTime, WrapUpSeconds: ccSomeInt(req.WrapUpSeconds),
			ForceDelivery: req.ForceDeliveryOfCalls, ForceDeliveryWait: ccSomeInt(req.ForceDeliveryWaitTimeSeconds),
			AutoStateChange: req.EnableAutomaticStateChangeForAgents, StateAfterCall: ccStr(req.AgentStateAfterCall),
			UnavailableCode: ccSomeStr(req.AgentUnavailableCode), ExtCodec: ocixml.Ptr(string(req.ExternalPreferredAudioCodec)),
			IntCodec: ocixml.Ptr(string(req.InternalPreferredAudioCodec)), PlayRinging: &req.PlayRingingWhenOfferingCall,
			NCOS: ccStr(req.NetworkClassOfService)}
		return c.ccAdd(string(req.ServiceProviderID), string(req.GroupID), string(req.ServiceUserID), &req.ServiceInstanceProfile,
			string(req.Type), string(req.Policy), req.EnableVideo, int(req.QueueLength), s)
	})
	on(r, "GroupCallCenterAddInstanceRequest19", func(c *call, req *deprecatedgroup.GroupCallCenterAddInstanceRequest19) ocixml.Command {
		s := ccSettings{RoutingType: ccStr(req.RoutingType), EnableReporting: req.EnableReporting,
			AllowEscape: &req.AllowCallerToDialEscapeDigit, EscapeDigit: ocixml.Ptr(string(req.EscapeDigit)),
			ResetStats: &req.ResetCallStatisticsUponEntryInQueue, AllowLogoff: &req.AllowAgentLogoff,
			AllowCallWaiting: &req.AllowCallWaitingForAgents, InWrapUp: req.AllowCallsToAgentsInWrapUp,
			OverrideWrapUp: req.OverrideAgentWrapUpTime, WrapUpSeconds: ccSomeInt(req.WrapUpSeconds),
			ForceDelivery: req.ForceDeliveryOfCalls, ForceDeliveryWait: ccSomeInt(req.ForceDeliveryWaitTimeSeconds),
			AutoStateChange: req.EnableAutomaticStateChangeForAgents, StateAfterCall: ccStr(req.AgentStateAfterCall),
			UnavailableCode: ccSomeStr(req.AgentUnavailableCode), ExtCodec: ocixml.Ptr(string(req.ExternalPreferredAudioCodec)),
			IntCodec: ocixml.Ptr(string(req.InternalPreferredAudioCodec)), PlayRinging: &req.PlayRingingWhenOfferingCall,
			NCOS: ccStr(req.NetworkClassOfService)}
		return c.ccAdd(string(req.ServiceProviderID), string(req.GroupID), string(req.ServiceUserID), &req.ServiceInstanceProfile,
			string(req.Type), string(req.Policy), req.EnableVideo, int(req.QueueLength), s)
	})
	on(r, "GroupCallCenterGetInstanceRequest22", func(c *call, req *callcenter.GroupCallCenterGetInstanceRequest22) ocixml.Command {
		v, fail := c.ccInstance(string(req.ServiceUserID))
		if fail != nil {
			return fail
		}
		return ccInstance22(v)
	})
	// The older versions are the 22 form without the newer elements, with
	// the older codec enumeration (codecs it lacks read None) and, for 19,
	// the older profile shape.
	on(r, "GroupCallCenterGetInstanceRequest19sp1", func(c *call, req *deprecatedgroup.GroupCallCenterGetInstanceRequest19sp1) ocixml.Command {
		v, fail := c.ccInstance(string(req.ServiceUserID))
		if fail != nil {
			return fail
		}
		out := new(deprecatedgroup.GroupCallCenterGetInstanceResponse19sp1)
		copyByName(out, ccInstance22(v))
		out.ExternalPreferredAudioCodec = datatypes.AudioFileCodec(v.codec(v.cc.Profile.ExternalPreferredAudioCodec, true))
		out.InternalPreferredAudioCodec = datatypes.AudioFileCodec(v.codec(v.cc.Profile.InternalPreferredAudioCodec, true))
		return out
	})
	on(r, "GroupCallCenterGetInstanceRequest19", func(c *call, req *deprecatedgroup.GroupCallCenterGetInstanceRequest19) ocixml.Command {
		v, fail := c.ccInstance(string(req.ServiceUserID))
		if fail != nil {
			return fail
		}
		out := new(deprecatedgroup.GroupCallCenterGetInstanceResponse19)
		copyByName(out, ccInstance22(v))
		out.ServiceInstanceProfile = v.profile17()
		out.ExternalPreferredAudioCodec = datatypes.AudioFileCodec(v.codec(v.cc.Profile.ExternalPreferredAudioCodec, true))
		out.InternalPreferredAudioCodec = datatypes.AudioFileCodec(v.codec(v.cc.Profile.InternalPreferredAudioCodec, true))
		return out
	})
	on(r, "GroupCallCenterModifyInstanceRequest22", func(c *call, req *callcenter.GroupCallCenterModifyInstanceRequest22) ocixml.Command {
		s := ccSettings{Type: ccStr(req.Type), RoutingType: ccStr(req.RoutingType), Policy: ccStr(req.Policy), EnableVideo: req.EnableVideo,
			QueueLength: ccInt(req.QueueLength), EnableReporting: req.EnableReporting, AllowEscape: req.AllowCallerToDialEscapeDigit,
			EscapeDigit: ccStr(req.EscapeDigit), ResetStats: req.ResetCallStatisticsUponEntryInQueue, AllowLogoff: req.AllowAgentLogoff,
			AllowCallWaiting: req.AllowCallWaitingForAgents, InWrapUp: req.AllowCallsToAgentsInWrapUp, OverrideWrapUp: req.OverrideAgentWrapUpTime,
			WrapUpSeconds: ccNillInt(req.WrapUpSeconds), ForceDelivery: req.ForceDeliveryOfCalls, ForceDeliveryWait: ccNillInt(req.ForceDeliveryWaitTimeSeconds),
			AutoStateChange: req.EnableAutomaticStateChangeForAgents, StateAfterCall: ccStr(req.AgentStateAfterCall),
			UnavailableCode: nillableString(req.AgentUnavailableCode), ExtCodec: ccStr(req.ExternalPreferredAudioCodec),
			IntCodec: ccStr(req.InternalPreferredAudioCodec), PlayRinging: req.PlayRingingWhenOfferingCall, NCOS: ccStr(req.NetworkClassOfService)}
		return c.ccModify(string(req.ServiceUserID), req.ServiceInstanceProfile, s)
	})
	on(r, "GroupCallCenterModifyInstanceRequest19", func(c *call, req *deprecatedgroup.GroupCallCenterModifyInstanceRequest19) ocixml.Command {
		s := ccSettings{Type: ccStr(req.Type), RoutingType: ccStr(req.RoutingType), Policy: ccStr(req.Policy), EnableVideo: req.EnableVideo,
			QueueLength: ccInt(req.QueueLength), EnableReporting: req.EnableReporting, AllowEscape: req.AllowCallerToDialEscapeDigit,
			EscapeDigit: ccStr(req.EscapeDigit), ResetStats: req.ResetCallStatisticsUponEntryInQueue, AllowLogoff: req.AllowAgentLogoff,
			AllowCallWaiting: req.AllowCallWaitingForAgents, InWrapUp: req.AllowCallsToAgentsInWrapUp, OverrideWrapUp: req.OverrideAgentWrapUpTime,
			WrapUpSeconds: ccNillInt(req.WrapUpSeconds), ForceDelivery: req.ForceDeliveryOfCalls, ForceDeliveryWait: ccNillInt(req.ForceDeliveryWaitTimeSeconds),
			AutoStateChange: req.EnableAutomaticStateChangeForAgents, StateAfterCall: ccStr(req.AgentStateAfterCall),
			UnavailableCode: nillableString(req.AgentUnavailableCode), ExtCodec: ccStr(req.ExternalPreferredAudioCodec),
			IntCodec: ccStr(req.InternalPreferredAudioCodec), PlayRinging: req.PlayRingingWhenOfferingCall, NCOS: ccStr(req.NetworkClassOfService)}
		return c.ccModify(string(req.ServiceUserID), req.ServiceInstanceProfile, s)
	})
	on(r, "GroupCallCenterDeleteInstanceRequest", func(c *call, req *callcenter.GroupCallCenterDeleteInstanceRequest) ocixml.Command {
		if err := c.p.core.DeleteCallCenter(c.ctx, c.actor, string(req.ServiceUserID)); err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "GroupCallCenterGetInstanceListRequest", func(c *call, req *callcenter.GroupCallCenterGetInstanceListRequest) ocixml.Command {
		list, err := c.p.core.ListCallCenters(c.ctx, c.actor, string(req.ServiceProviderID), string(req.GroupID))
		if err != nil {
			return c.fail(err)
		}
		t := newTable("GroupCallCenterGetInstanceListResponse", "callCenterTable")
		for _, d := range list {
			if req.GroupDepartmentName != nil && (d.User.DepartmentEnt || d.User.Department != string(*req.GroupDepartmentName)) {
				continue
			}
			t.set("Service User Id", d.Center.ServiceUserID).set("Name", d.User.LastName).set("Video", tableBool(d.Center.EnableVideo)).
				set("Phone Number", d.User.PhoneNumber).set("Extension", d.User.Extension).set("Department", d.User.Department).
				set("Is Active", tableBool(d.Center.Active)).set("Policy", d.Center.Policy).set("Type", d.Center.Type).end()
		}
		return &callcenter.GroupCallCenterGetInstanceListResponse{CallCenterTable: t.table()}
	})

	// Agent and supervisor lists.
	on(r, "GroupCallCenterModifyAgentListRequest", func(c *call, req *callcenter.GroupCallCenterModifyAgentListRequest) ocixml.Command {
		id := string(req.ServiceUserID)
		var err error
		switch {
		case len(req.SkilledAgentUserIDList) > 0:
			levels := make([]provisioning.SkilledAgents, 0, len(req.SkilledAgentUserIDList))
			for _, l := range req.SkilledAgentUserIDList {
				sa := provisioning.SkilledAgents{SkillLevel: int(l.SkillLevel)}
				if ids, ok := l.Agents.Get(); ok {
					sa.UserIDs = ccUserIDs(ids.UserID)
				}
				levels = append(levels, sa)
			}
			err = c.p.core.SetCallCenterSkilledAgents(c.ctx, c.actor, id, levels)
		case req.AgentUserIDList.IsSet():
			var refs []provisioning.AgentRef
			if ids, ok := req.AgentUserIDList.Get(); ok {
				for _, u := range ids.UserID {
					refs = append(refs, provisioning.AgentRef{UserID: string(u)})
				}
			}
			err = c.p.core.SetCallCenterAgents(c.ctx, c.actor, id, refs)
		default:
			return c.ccNoChange(id)
		}
		if err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "GroupCallCenterGetAgentListRequest", func(c *call, req *callcenter.GroupCallCenterGetAgentListRequest) ocixml.Command {
		id := string(req.ServiceUserID)
		d, err := c.p.core.CallCenter(c.ctx, c.actor, id)
		if err != nil {
			return c.fail(err)
		}
		agents, err := c.p.core.CallCenterAgents(c.ctx, c.actor, id)
		if err != nil {
			return c.fail(err)
		}
		f := ccAgentListFilter(req)
		t := newTable("GroupCallCenterGetAgentListResponse", "agentTable")
		n := 0
		for _, ag := range agents {
			if !f.match(ag) {
				continue
			}
			if req.ResponseSizeLimit != nil && n >= int(*req.ResponseSizeLimit) {
				break
			}
			n++
			u := ag.User
			t.set("User Id", u.ID).set("Last Name", u.LastName).set("First Name", u.FirstName).
				set("Hiragana Last Name", u.Profile.HiraganaLastName).set("Hiragana First Name", u.Profile.HiraganaFirstName).
				set("Phone Number", u.PhoneNumber).set("Extension", u.Extension).set("Department", u.Department).set("Email Address", u.Email)
			if d.Center.Policy == string(datatypes.HuntPolicyWeighted) {
				t.set("Weight", strconv.Itoa(ag.Agent.Weight))
			}
			if d.Center.Type == string(datatypes.CallCenterTypePremium) {
				t.set("Skill Level", strconv.Itoa(ag.Agent.SkillLevel))
			}
			t.end()
		}
		return &callcenter.GroupCallCenterGetAgentListResponse{AgentTable: t.table()}
	})
	on(r, "GroupCallCenterModifySupervisorListRequest16", func(c *call, req *callcenter.GroupCallCenterModifySupervisorListRequest16) ocixml.Command {
		id := string(req.ServiceUserID)
		if !req.SupervisorUserIDList.IsSet() {
			return c.ccNoChange(id)
		}
		var ids []string
		if l, ok := req.SupervisorUserIDList.Get(); ok {
			ids = ccUserIDs(l.UserID)
		}
		if err := c.p.core.SetCallCenterSupervisors(c.ctx, c.actor, id, ids); err != nil {
			return c.fail(err)
		}
		return success()
	})
	on(r, "GroupCallCenterGetSupervisorListRequest16", func(c *call, req *callcenter.GroupCallCenterGetSupervisorListRequest16) ocixml.Command {
		sups, err := c.p.core.CallCenterSupervisors(c.ctx, c.actor, string(req.ServiceUserID))
		if err != nil {
			return c.fail(err)
		}
		t := newTable("GroupCallCenterGetSupervisorListResponse16", "supervisorTable")
		for _, u := range sups {
			t.set("User Id", u.ID).set("Last Name", u.LastName).set("First Name", u.FirstName).
				set("Hiragana Last Name", u.Profile.HiraganaLastName).set("Hiragana First Name", u.Profile.HiraganaFirstName).
				set("Phone Number", u.PhoneNumber).set("Extension", u.Extension).set("Department", u.Department).set("Email Address", u.Email).end()
		}
		return &callcenter.GroupCallCenterGetSupervisorListResponse16{SupervisorTable: t.table()}
	})

	// The agent's own settings and state.
	on(r, "UserCallCenterModifyRequest19", func(c *call, req *callcenter.UserCallCenterModifyRequest19) ocixml.Command {
		m := ccAgentModify{state: req.AgentACDState, threshold: req.AgentThresholdProfileName, code: req.AgentUnavailableCode,
			dnis: req.OutgoingCallDNIS, settings: map[string]any{}}
		m.flag("useDefaultGuardTimer", req.UseDefaultGuardTimer)
		m.flag("enableGuardTimer", req.EnableGuardTimer)
		if req.GuardTimerSeconds != nil {
			m.settings["guardTimerSeconds"] = int(*req.GuardTimerSeconds)
		}
		m.flag("useSystemDefaultUnavailableSettings", req.UseSystemDefaultUnavailableSettings)
		m.flag("forceAgentUnavailableOnDNDActivation", req.ForceAgentUnavailableOnDNDActivation)
		m.flag("forceAgentUnavailableOnPersonalCalls", req.ForceAgentUnavailableOnPersonalCalls)
		m.flag("forceAgentUnavailableOnBouncedCallLimit", req.ForceAgentUnavailableOnBouncedCallLimit)
		if req.NumberConsecutiveBouncedCallsToForceAgentUnavailable != nil {
			m.settings["numberConsecutiveBouncedCallsToForceAgentUnavailable"] = int(*req.NumberConsecutiveBouncedCallsToForceAgentUnavailable)
		}
		m.flag("forceAgentUnavailableOnNotReachable", req.ForceAgentUnavailableOnNotReachable)
		m.flag("makeOutgoingCallsAsCallCenter", req.MakeOutgoingCallsAsCallCenter)
		m.flag("useSystemDefaultWrapUpDestination", req.UseSystemDefaultWrapUpDestination)
		if req.WrapUpDestination.IsSet() {
			if v, ok := req.WrapUpDestination.Get(); ok {
				m.settings["wrapUpDestination"] = string(v)
			} else {
				m.settings["wrapUpDestination"] = nil
			}
		}
		for _, s := range req.CallCenterAgentSettings {
			m.centers = append(m.centers, ccAgentCenterChange{id: string(s.ServiceUserID), available: s.Available, skill: ccInt(s.SkillLevel)})
		}
		return c.ccModifyAgent(string(req.UserID), m)
	})
	on(r, "UserCallCenterModifyRequest17sp4", func(c *call, req *deprecateduser.UserCallCenterModifyRequest17sp4) ocixml.Command {
		m := ccAgentModify{state: req.AgentACDState, threshold: req.AgentThresholdProfileName, code: req.AgentUnavailableCode,
			dnis: req.OutgoingCallDNIS, settings: map[string]any{}}
		m.flag("useDefaultGuardTimer", req.UseDefaultGuardTimer)
		m.flag("enableGuardTimer", req.EnableGuardTimer)
		if req.GuardTimerSeconds != nil {
			m.settings["guardTimerSeconds"] = int(*req.GuardTimerSeconds)
		}
		m.flag("useSystemDefaultUnavailableSettings", req.UseSystemDefaultUnavailableSettings)
		m.flag("forceAgentUnavailableOnDNDActivation", req.ForceAgentUnavailableOnDNDActivation)
		m.flag("forceAgentUnavailableOnPersonalCalls", req.ForceAgentUnavailableOnPersonalCalls)
		m.flag("forceAgentUnavailableOnBouncedCallLimit", req.ForceAgentUnavailableOnBouncedCallLimit)
		if req.NumberConsecutiveBouncedCallsToForceAgentUnavailable != nil {
			m.settings["numberConsecutiveBouncedCallsToForceAgentUnavailable"] = int(*req.NumberConsecutiveBouncedCallsToForceAgentUnavailable)
		}
		m.flag("forceAgentUnavailableOnNotReachable", req.ForceAgentUnavailableOnNotReachable)
		m.flag("makeOutgoingCallsAsCallCenter", req.MakeOutgoingCallsAsCallCenter)
		for _, s := range req.CallCenterAvailability {
			m.centers = append(m.centers, ccAgentCenterChange{id: string(s.ServiceUserID), available: ocixml.Ptr(s.Available)})
		}
		return c.ccModifyAgent(string(req.UserID), m)
	})
	on(r, "UserCallCenterGetRequest23", func(c *call, req *callcenter.UserCallCenterGetRequest23) ocixml.Command {
		v, fail := c.ccAgent(string(req.UserID))
		if fail != nil {
			return fail
		}
		resp := ccGet23(v)
		resp.CallCenterTable = v.table("UserCallCenterGetResponse23", "callCenterTable")
		return resp
	})
	// The older versions carry a subset of the same settings (one renamed)
	// and their own table headings: rendered from the 23 form.
	for _, name := range []string{"UserCallCenterGetRequest19", "UserCallCenterGetRequest17sp4", "UserCallCenterGetRequest17", "UserCallCenterGetRequest16"} {
		respName := strings.Replace(name, "Request", "Response", 1)
		r[name] = func(c *call, cmd ocixml.Command) ocixml.Command {
			v, fail := c.ccAgent(reflect.ValueOf(cmd).Elem().FieldByName("UserID").String())
			if fail != nil {
				return fail
			}
			r23 := ccGet23(v)
			out := responseFor(name)
			if out == nil {
				return ocip.CodeInternal.Response("no response type for " + name)
			}
			copyByName(out, r23)
			ov := reflect.ValueOf(out).Elem()
			if f := ov.FieldByName("ForceUnavailableOnPersonalCalls"); f.IsValid() {
				f.Set(reflect.ValueOf(r23.ForceAgentUnavailableOnPersonalCalls))
			}
			ov.FieldByName("CallCenterTable").Set(reflect.ValueOf(v.table(respName, "callCenterTable")))
			return out
		}
	}
	on(r, "UserCallCenterGetRequest", func(c *call, req *deprecateduser.UserCallCenterGetRequest) ocixml.Command {
		v, fail := c.ccAgent(string(req.UserID))
		if fail != nil {
			return fail
		}
		t := v.table("UserCallCenterGetResponse", "userTable")
		return &deprecateduser.UserCallCenterGetResponse{AgentACDState: v.state(), UserTable: &t}
	})
	on(r, "UserCallCenterModifyRequest", func(c *call, req *deprecateduser.UserCallCenterModifyRequest) ocixml.Command {
		m := ccAgentModify{state: req.AgentACDState, code: req.AgentUnavailableCode, dnis: req.OutgoingCallDNIS, settings: map[string]any{}}
		m.flag("useDefaultGuardTimer", req.UseDefaultGuardTimer)
		m.flag("enableGuardTimer", req.EnableGuardTimer)
		if req.GuardTimerSeconds != nil {
			m.settings["guardTimerSeconds"] = int(*req.GuardTimerSeconds)
		}
		m.flag("useSystemDefaultUnavailableSettings", req.UseSystemDefaultUnavailableSettings)
		m.flag("forceAgentUnavailableOnDNDActivation", req.ForceAgentUnavailableOnDNDActivation)
		m.flag("forceAgentUnavailableOnPersonalCalls", req.ForceUnavailableOnPersonalCalls)
		m.flag("forceAgentUnavailableOnBouncedCallLimit", req.ForceAgentUnavailableOnBouncedCallLimit)
		if req.NumberConsecutiveBouncedCallsToForceAgentUnavailable != nil {
			m.settings["numberConsecutiveBouncedCallsToForceAgentUnavailable"] = int(*req.NumberConsecutiveBouncedCallsToForceAgentUnavailable)
		}
		m.flag("makeOutgoingCallsAsCallCenter", req.MakeOutgoingCallsAsCallCenter)
		for _, s := range req.CallCenterAvailability {
			m.centers = append(m.centers, ccAgentCenterChange{id: string(s.ServiceUserID), available: ocixml.Ptr(s.Available)})
		}
		return c.ccModifyAgent(string(req.UserID), m)
	})

	// The guarded sign-out (seed 002): always the data response. An empty
	// table means the agent is now signed out; rows are the Standard and
	// Premium centers it has joined where it is the last signed-in agent,
	// and then nothing changed.
	on(r, "UserCallCenterAgentSignOutRequest", func(c *call, req *callcenter.UserCallCenterAgentSignOutRequest) ocixml.Command {
		blocking, err := c.p.core.SignOutAgent(c.ctx, c.actor, string(req.AgentUserID))
		if err != nil {
			return c.fail(err)
		}
		t := newTable("UserCallCenterAgentSignOutResponse", "callCenterTable")
		for _, b := range blocking {
			t.set("Service User Id", b.ServiceUserID).set("Call Center Name", b.Name).end()
		}
		return &callcenter.UserCallCenterAgentSignOutResponse{CallCenterTable: t.table()}
	})
}

// ccRefusal carries an ErrorResponse out of a core callback, so a rule the
// facade checks inside the transaction answers with its own error code.
type ccRefusal struct{ resp ocixml.Command }

func (r *ccRefusal) Error() string { return "call center request refused" }

func ccRefuse(resp ocixml.Command) error { return &ccRefusal{resp: resp} }

func (c *call) ccFail(err error) ocixml.Command {
	var r *ccRefusal
	if errors.As(err, &r) {
		return r.resp
	}
	return c.fail(err)
}

// ccNoChange answers a modify that names nothing to change: it still has
// to reach an existing instance within the caller's writable scope.
func (c *call) ccNoChange(id string) ocixml.Command {
	if _, err := c.p.core.CallCenter(c.ctx, c.actor, id); err != nil {
		return c.fail(err)
	}
	if c.actor.ReadOnly {
		return ocip.CodeUnauthorized.Response()
	}
	return success()
}

// ccSettings is the union of an instance's settings across command
// versions: nil (or an unset Nillable) leaves a setting unchanged, a nil
// Nillable clears it.
type ccSettings struct {
	Type, RoutingType, Policy                 *string
	EnableVideo                               *bool
	QueueLength                               *int
	EnableReporting, AllowEscape              *bool
	EscapeDigit                               *string
	ResetStats, AllowLogoff, AllowCallWaiting *bool
	InWrapUp, OverrideWrapUp                  *bool
	WrapUpSeconds                             ocixml.Nillable[int]
	ForceDelivery                             *bool
	ForceDeliveryWait                         ocixml.Nillable[int]
	AutoStateChange                           *bool
	StateAfterCall                            *string
	UnavailableCode                           ocixml.Nillable[string]
	ExtCodec, IntCodec                        *string
	PlayRinging                               *bool
	NCOS                                      *string
}

// ccExtra holds the instance settings store.CallCenterProfile has no field
// for, kept in its Extra map under these names.
type ccExtra struct {
	RoutingType                         string `json:"routingType,omitempty"`
	EnableReporting                     bool   `json:"enableReporting,omitempty"`
	AllowCallsToAgentsInWrapUp          bool   `json:"allowCallsToAgentsInWrapUp,omitempty"`
	OverrideAgentWrapUpTime             bool   `json:"overrideAgentWrapUpTime,omitempty"`
	WrapUpSeconds                       *int   `json:"wrapUpSeconds,omitempty"`
	ForceDeliveryOfCalls                bool   `json:"forceDeliveryOfCalls,omitempty"`
	ForceDeliveryWaitTimeSeconds        *int   `json:"forceDeliveryWaitTimeSeconds,omitempty"`
	EnableAutomaticStateChangeForAgents bool   `json:"enableAutomaticStateChangeForAgents,omitempty"`
	AgentStateAfterCall                 string `json:"agentStateAfterCall,omitempty"`
	AgentUnavailableCode                string `json:"agentUnavailableCode,omitempty"`
}

func ccReadExtra(m map[string]any) ccExtra {
	var x ccExtra
	if b, err := json.Marshal(m); err == nil {
		_ = json.Unmarshal(b, &x) // a malformed entry reads as the default
	}
	return x
}

func (x ccExtra) toMap() map[string]any {
	var m map[string]any
	b, _ := json.Marshal(x)
	_ = json.Unmarshal(b, &m)
	return m
}

// apply sets s onto an instance and its virtual user.
func (s ccSettings) apply(cc *store.CallCenter, u *store.User) error {
	x := ccReadExtra(cc.Profile.Extra)
	if s.Type != nil {
		cc.Type = *s.Type
	}
	if s.RoutingType != nil {
		if *s.RoutingType == string(datatypes.CallCenterRoutingTypeSkillBased) && cc.Type != string(datatypes.CallCenterTypePremium) {
			return ccRefuse(ocip.CodeInvalidValue.Response("routingType", "Skill Based routing needs a Premium call center"))
		}
		x.RoutingType = *s.RoutingType
	}
	if cc.Type != string(datatypes.CallCenterTypePremium) {
		x.RoutingType = "" // routing types exist only for Premium centers
	}
	ccSetStr(&cc.Policy, s.Policy)
	ccSetBool(&cc.EnableVideo, s.EnableVideo)
	if s.QueueLength != nil {
		cc.QueueLength = *s.QueueLength
	}
	ccSetBool(&x.EnableReporting, s.EnableReporting)
	ccSetBool(&cc.Profile.AllowCallerToDialEscapeDigit, s.AllowEscape)
	ccSetStr(&cc.Profile.EscapeDigit, s.EscapeDigit)
	ccSetBool(&cc.Profile.ResetCallStatisticsUponEntry, s.ResetStats)
	ccSetBool(&cc.Profile.AllowAgentLogoff, s.AllowLogoff)
	ccSetBool(&cc.Profile.AllowCallWaitingForAgents, s.AllowCallWaiting)
	ccSetBool(&x.AllowCallsToAgentsInWrapUp, s.InWrapUp)
	ccSetBool(&x.OverrideAgentWrapUpTime, s.OverrideWrapUp)
	if s.WrapUpSeconds.IsSet() {
		x.WrapUpSeconds = s.WrapUpSeconds.Ref()
	}
	ccSetBool(&x.ForceDeliveryOfCalls, s.ForceDelivery)
	if s.ForceDeliveryWait.IsSet() {
		x.ForceDeliveryWaitTimeSeconds = s.ForceDeliveryWait.Ref()
	}
	ccSetBool(&x.EnableAutomaticStateChangeForAgents, s.AutoStateChange)
	ccSetStr(&x.AgentStateAfterCall, s.StateAfterCall)
	if s.UnavailableCode.IsSet() {
		x.AgentUnavailableCode = s.UnavailableCode.Value()
	}
	ccSetStr(&cc.Profile.ExternalPreferredAudioCodec, s.ExtCodec)
	ccSetStr(&cc.Profile.InternalPreferredAudioCodec, s.IntCodec)
	ccSetBool(&cc.Profile.PlayRingingWhenOfferingCall, s.PlayRinging)
	ccSetStr(&u.Profile.NetworkClassOfService, s.NCOS)
	cc.Profile.Extra = x.toMap()
	return nil
}

func ccSetStr(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func ccSetBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

const ccPublicIdentityKey = "publicUserIdentity"

// ccAdd adds an instance from any Add version's fields.
func (c *call) ccAdd(spID, groupID, id string, p *datatypes.ServiceInstanceAddProfileCallCenter, typ, policy string,
	video bool, queue int, s ccSettings) ocixml.Command {
	u := store.User{ID: id, SPID: spID, GroupID: groupID, LastName: string(p.Name),
		CLIDLastName: string(p.CallingLineIDLastName), CLIDFirstName: string(p.CallingLineIDFirstName),
		PhoneNumber: sv(p.PhoneNumber), Extension: sv(p.Extension), Aliases: ccSIPURIs(p.Alias)}
	u.Profile.HiraganaLastName = sv(p.HiraganaLastName)
	u.Profile.HiraganaFirstName = sv(p.HiraganaFirstName)
	u.Profile.Language = sv(p.Language)
	u.Profile.TimeZone = sv(p.TimeZone)
	u.Profile.CLIDPhoneNumber = sv(p.CallingLineIDPhoneNumber)
	if p.PublicUserIdentity != nil {
		u.Profile.Extra = map[string]any{ccPublicIdentityKey: string(*p.PublicUserIdentity)}
	}
	if p.Department != nil {
		name, ent, fail := ccDepartmentOf(p.Department, spID, groupID)
		if fail != nil {
			return fail
		}
		u.Department, u.DepartmentEnt = name, ent
	}
	cc := store.CallCenter{SPID: spID, GroupID: groupID, Type: typ, Policy: policy, EnableVideo: video, QueueLength: queue, Active: true}
	if err := s.apply(&cc, &u); err != nil {
		return c.ccFail(err)
	}
	err := c.p.core.AddCallCenter(c.ctx, c.actor, provisioning.CallCenterAdd{Center: cc, User: u, Password: string(p.Password)})
	if err != nil {
		return c.fail(err)
	}
	return success()
}

// ccModify changes an instance from any Modify version's fields.
func (c *call) ccModify(id string, p *datatypes.ServiceInstanceModifyProfile, s ccSettings) ocixml.Command {
	var newPassword *string
	if p != nil && p.Password != nil {
		newPassword = ocixml.Ptr(string(*p.Password))
	}
	err := c.p.core.ModifyCallCenter(c.ctx, c.actor, id, func(cc *store.CallCenter, u *store.User) error {
		if p != nil {
			if err := ccModifyProfile(p, cc, u); err != nil {
				return err
			}
		}
		return s.apply(cc, u)
	}, newPassword)
	if err != nil {
		return c.ccFail(err)
	}
	return success()
}

func ccModifyProfile(p *datatypes.ServiceInstanceModifyProfile, cc *store.CallCenter, u *store.User) error {
	if p.Name != nil {
		u.LastName = string(*p.Name)
	}
	if p.CallingLineIDLastName != nil {
		u.CLIDLastName = string(*p.CallingLineIDLastName)
	}
	if p.CallingLineIDFirstName != nil {
		u.CLIDFirstName = string(*p.CallingLineIDFirstName)
	}
	if p.HiraganaLastName != nil {
		u.Profile.HiraganaLastName = string(*p.HiraganaLastName)
	}
	if p.HiraganaFirstName != nil {
		u.Profile.HiraganaFirstName = string(*p.HiraganaFirstName)
	}
	if p.PhoneNumber.IsSet() {
		u.PhoneNumber = string(p.PhoneNumber.Value())
	}
	if p.Extension.IsSet() {
		u.Extension = string(p.Extension.Value())
	}
	if p.Department.IsSet() {
		u.Department, u.DepartmentEnt = "", false
		if k, ok := p.Department.Get(); ok && k != nil {
			name, ent, fail := ccDepartmentOf(k, cc.SPID, cc.GroupID)
			if fail != nil {
				return ccRefuse(fail)
			}
			u.Department, u.DepartmentEnt = name, ent
		}
	}
	if p.Language != nil {
		u.Profile.Language = string(*p.Language)
	}
	if p.TimeZone != nil {
		u.Profile.TimeZone = string(*p.TimeZone)
	}
	if p.SIPAliasList.IsSet() {
		u.Aliases = nil
		if l, ok := p.SIPAliasList.Get(); ok {
			u.Aliases = ccSIPURIs(l.SIPAlias)
		}
	}
	if p.PublicUserIdentity.IsSet() {
		extra := make(map[string]any, len(u.Profile.Extra)+1)
		for k, v := range u.Profile.Extra {
			extra[k] = v
		}
		if v, ok := p.PublicUserIdentity.Get(); ok {
			extra[ccPublicIdentityKey] = string(v)
		} else {
			delete(extra, ccPublicIdentityKey)
		}
		u.Profile.Extra = extra
	}
	if p.CallingLineIDPhoneNumber.IsSet() {
		u.Profile.CLIDPhoneNumber = string(p.CallingLineIDPhoneNumber.Value())
	}
	return nil
}

// ccDepartmentOf checks a department key names the instance's group (or its
// enterprise) and returns the name and level.
func ccDepartmentOf(k datatypes.DepartmentKey, spID, groupID string) (string, bool, ocixml.Command) {
	switch d := k.(type) {
	case *datatypes.GroupDepartmentKey:
		if string(d.ServiceProviderID) != spID || string(d.GroupID) != groupID {
			return "", false, ocip.CodeInvalidValue.Response("department", "not a department of the call center's group")
		}
		return string(d.Name), false, nil
	case *datatypes.EnterpriseDepartmentKey:
		if string(d.ServiceProviderID) != spID {
			return "", false, ocip.CodeInvalidValue.Response("department", "not a department of the call center's enterprise")
		}
		return string(d.Name), true, nil
	}
	return "", false, ocip.CodeInvalidValue.Response("department", "unknown department key")
}

// departmentKey renders a user's department as the schema's key.
func ccDepartmentKey(u store.User) datatypes.DepartmentKey {
	switch {
	case u.Department == "":
		return nil
	case u.DepartmentEnt:
		return &datatypes.EnterpriseDepartmentKey{ServiceProviderID: datatypes.ServiceProviderId(u.SPID), Name: datatypes.DepartmentName(u.Department)}
	}
	return &datatypes.GroupDepartmentKey{ServiceProviderID: datatypes.ServiceProviderId(u.SPID), GroupID: datatypes.GroupId(u.GroupID),
		Name: datatypes.DepartmentName(u.Department)}
}

// ccSplitNumber splits the canonical "+CC-national" form.
func ccSplitNumber(n string) (cc, national string) {
	if rest, ok := strings.CutPrefix(n, "+"); ok {
		if i := strings.IndexByte(rest, '-'); i > 0 {
			return rest[:i], rest[i+1:]
		}
	}
	return "", n
}

// ccView is an instance as the Get versions render it.
type ccView struct {
	cc store.CallCenter
	u  store.User
	x  ccExtra
}

func (c *call) ccInstance(id string) (ccView, ocixml.Command) {
	d, err := c.p.core.CallCenter(c.ctx, c.actor, id)
	if err != nil {
		return ccView{}, c.fail(err)
	}
	return ccView{cc: d.Center, u: d.User, x: ccReadExtra(d.Center.Profile.Extra)}, nil
}

func (v ccView) profile19sp1() datatypes.ServiceInstanceReadProfile19sp1 {
	u := v.u
	p := datatypes.ServiceInstanceReadProfile19sp1{Name: datatypes.ServiceInstanceProfileName(u.LastName),
		CallingLineIDLastName: datatypes.CallingLineIdLastName(u.CLIDLastName), CallingLineIDFirstName: datatypes.CallingLineIdFirstName(u.CLIDFirstName),
		HiraganaLastName: optS[datatypes.HiraganaLastName](u.Profile.HiraganaLastName), HiraganaFirstName: optS[datatypes.HiraganaFirstName](u.Profile.HiraganaFirstName),
		Extension: optS[datatypes.Extension17](u.Extension), Department: ccDepartmentKey(u),
		Language: optS[datatypes.Language](u.Profile.Language), TimeZone: optS[datatypes.TimeZone](u.Profile.TimeZone),
		Alias: ccToSIPURIs(u.Aliases), PublicUserIdentity: optS[datatypes.SIPURI](v.publicIdentity()),
		CallingLineIDPhoneNumber: optS[datatypes.DN](u.Profile.CLIDPhoneNumber)}
	if u.PhoneNumber != "" {
		cc, nat := ccSplitNumber(u.PhoneNumber)
		p.PhoneNumber, p.CountryCode = optS[datatypes.DN](nat), optS[datatypes.CountryCode](cc)
	}
	return p
}

func (v ccView) profile17() datatypes.ServiceInstanceReadProfile17 {
	p := v.profile19sp1()
	return datatypes.ServiceInstanceReadProfile17{Name: p.Name, CallingLineIDLastName: p.CallingLineIDLastName,
		CallingLineIDFirstName: p.CallingLineIDFirstName, HiraganaLastName: p.HiraganaLastName, HiraganaFirstName: p.HiraganaFirstName,
		PhoneNumber: p.PhoneNumber, Extension: p.Extension, Department: p.Department, Language: p.Language, TimeZone: p.TimeZone,
		Alias: p.Alias, PublicUserIdentity: p.PublicUserIdentity}
}

func (v ccView) publicIdentity() string {
	s, _ := v.u.Profile.Extra[ccPublicIdentityKey].(string)
	return s
}

// routingType is reported for Premium centers only, Priority Based unless
// set otherwise.
func (v ccView) routingType() *datatypes.CallCenterRoutingType {
	if v.cc.Type != string(datatypes.CallCenterTypePremium) {
		return nil
	}
	if v.x.RoutingType == "" {
		return ocixml.Ptr(datatypes.CallCenterRoutingTypePriorityBased)
	}
	return ocixml.Ptr(datatypes.CallCenterRoutingType(v.x.RoutingType))
}

func (v ccView) escapeDigit() datatypes.DtmfDigit {
	if v.cc.Profile.EscapeDigit == "" {
		return "0"
	}
	return datatypes.DtmfDigit(v.cc.Profile.EscapeDigit)
}

func (v ccView) stateAfterCall() *datatypes.AgentACDAutomaticState {
	if v.x.AgentStateAfterCall == "" {
		return ocixml.Ptr(datatypes.AgentACDAutomaticStateAvailable)
	}
	return ocixml.Ptr(datatypes.AgentACDAutomaticState(v.x.AgentStateAfterCall))
}

// codec renders a stored codec; legacy responses only know the codecs
// that existed before release 22, so a newer one reads there as None.
func (v ccView) codec(s string, legacy bool) string {
	if s == "" {
		return string(datatypes.AudioFileCodecNone)
	}
	if legacy && datatypes.AudioFileCodec(s).Validate() != nil {
		return string(datatypes.AudioFileCodecNone)
	}
	return s
}

// ccAgentCenterChange is one callCenterAgentSettings (or availability) entry.
type ccAgentCenterChange struct {
	id        string
	available *bool
	skill     *int
}

// ccAgentModify is the union of the UserCallCenterModifyRequest versions.
type ccAgentModify struct {
	state     *datatypes.AgentACDState
	threshold *datatypes.CallCenterAgentThresholdProfileName
	code      ocixml.Nillable[datatypes.CallCenterAgentUnavailableCode]
	dnis      ocixml.Nillable[datatypes.DNISKey]
	settings  map[string]any
	centers   []ccAgentCenterChange
}

func (m *ccAgentModify) flag(name string, v *bool) {
	if v != nil {
		m.settings[name] = *v
	}
}

func (c *call) ccModifyAgent(userID string, m ccAgentModify) ocixml.Command {
	// Agent threshold profiles and DNIS numbers are configured per
	// center; Switchboard has none, so any name given refers to nothing.
	if m.threshold != nil {
		return ocip.CodeNotFound.Response("Agent Threshold Profile", string(*m.threshold))
	}
	if k, ok := m.dnis.Get(); ok {
		return ocip.CodeNotFound.Response("DNIS", string(k.Name))
	}
	ch := provisioning.AgentChange{Settings: m.settings}
	if m.state != nil {
		ch.ACDState = ocixml.Ptr(string(*m.state))
	}
	if m.code.IsSet() {
		ch.UnavailableCode = ocixml.Ptr(string(m.code.Value()))
	}
	for _, cc := range m.centers {
		if cc.available != nil {
			if ch.Joined == nil {
				ch.Joined = map[string]bool{}
			}
			ch.Joined[cc.id] = *cc.available
		}
		if cc.skill != nil {
			if ch.SkillLevel == nil {
				ch.SkillLevel = map[string]int{}
			}
			ch.SkillLevel[cc.id] = *cc.skill
		}
	}
	if err := c.p.core.ModifyAgent(c.ctx, c.actor, userID, ch); err != nil {
		return c.fail(err)
	}
	return success()
}

// ccAgentView is an agent as the UserCallCenterGet versions render it.
type ccAgentView struct{ provisioning.AgentView }

func (c *call) ccAgent(userID string) (ccAgentView, ocixml.Command) {
	v, err := c.p.core.Agent(c.ctx, c.actor, userID)
	if err != nil {
		return ccAgentView{}, c.fail(err)
	}
	return ccAgentView{v}, nil
}

func (v ccAgentView) state() *datatypes.AgentACDState {
	return ocixml.Ptr(datatypes.AgentACDState(v.State.ACDState))
}

func (v ccAgentView) code() *datatypes.CallCenterAgentUnavailableCode {
	return optS[datatypes.CallCenterAgentUnavailableCode](v.State.UnavailableCode)
}

func (v ccAgentView) b(name string, def bool) bool {
	if x, ok := v.Settings[name].(bool); ok {
		return x
	}
	return def
}

func (v ccAgentView) bp(name string, def bool) *bool { return ocixml.Ptr(v.b(name, def)) }

// i reads a number setting: an int before the store's JSON round trip,
// a float64 after it.
func (v ccAgentView) i(name string, def int) int {
	switch x := v.Settings[name].(type) {
	case int:
		return x
	case float64:
		if x == math.Trunc(x) {
			return int(x)
		}
	}
	return def
}

func (v ccAgentView) s(name string) string {
	x, _ := v.Settings[name].(string)
	return x
}

// table lists the agent's centers in the columns the version has.
func (v ccAgentView) table(respType, element string) ocixml.Table {
	t := newTable(respType, element)
	for _, ac := range v.Centers {
		premium := ac.Center.Type == string(datatypes.CallCenterTypePremium)
		routing := ""
		if premium {
			routing = ccReadExtra(ac.Center.Profile.Extra).RoutingType
			if routing == "" {
				routing = string(datatypes.CallCenterRoutingTypePriorityBased)
			}
		}
		cols := map[string]string{"Service User Id": ac.Center.ServiceUserID, "Phone Number": ac.User.PhoneNumber,
			"Extension": ac.User.Extension, "Available": tableBool(ac.Agent.Joined), "Logoff Allowed": tableBool(ac.Center.Profile.AllowAgentLogoff),
			"Type": ac.Center.Type, "Priority": ac.Center.Profile.Priority, "Routing Policy": routing}
		if routing == string(datatypes.CallCenterRoutingTypeSkillBased) {
			cols["Skill Level"] = strconv.Itoa(ac.Agent.SkillLevel)
		}
		for _, h := range t.t.Headings {
			t.set(h, cols[h])
		}
		t.end()
	}
	return t.table()
}

// ccAgentFilter is GroupCallCenterGetAgentListRequest's criteria, ANDed.
type ccAgentFilter struct {
	last, first, id, dn, ext []provisioning.StringCriterion
	dept                     datatypes.DepartmentKey
	group                    *datatypes.SearchCriteriaExactUserGroup
	skill                    *int
}

func ccAgentListFilter(req *callcenter.GroupCallCenterGetAgentListRequest) ccAgentFilter {
	var f ccAgentFilter
	for _, s := range req.SearchCriteriaUserLastName {
		f.last = append(f.last, criterion(s.Mode, string(s.Value), s.IsCaseInsensitive))
	}
	for _, s := range req.SearchCriteriaUserFirstName {
		f.first = append(f.first, criterion(s.Mode, string(s.Value), s.IsCaseInsensitive))
	}
	for _, s := range req.SearchCriteriaUserID {
		f.id = append(f.id, criterion(s.Mode, string(s.Value), s.IsCaseInsensitive))
	}
	for _, s := range req.SearchCriteriaDn {
		f.dn = append(f.dn, criterion(s.Mode, string(s.Value), s.IsCaseInsensitive))
	}
	for _, s := range req.SearchCriteriaExtension {
		f.ext = append(f.ext, criterion(s.Mode, string(s.Value), s.IsCaseInsensitive))
	}
	if d := req.SearchCriteriaExactUserDepartment; d != nil {
		f.dept = d.DepartmentKey
	}
	f.group = req.SearchCriteriaExactUserGroup
	if s := req.SearchCriteriaExactSkillLevel; s != nil {
		f.skill = ocixml.Ptr(int(s.SkillLevel))
	}
	return f
}

func ccMatchEvery(cs []provisioning.StringCriterion, values ...string) bool {
	for _, c := range cs {
		ok := false
		for _, v := range values {
			ok = ok || c.Match(v)
		}
		if !ok {
			return false
		}
	}
	return true
}

func (f ccAgentFilter) match(ag provisioning.AgentDetail) bool {
	u := ag.User
	_, national := ccSplitNumber(u.PhoneNumber)
	if !ccMatchEvery(f.last, u.LastName) || !ccMatchEvery(f.first, u.FirstName) || !ccMatchEvery(f.id, u.ID) ||
		!ccMatchEvery(f.ext, u.Extension) {
		return false
	}
	// A number criterion matches the national digits or the "+CC-" form.
	if len(f.dn) > 0 && (u.PhoneNumber == "" || !ccMatchEvery(f.dn, national, u.PhoneNumber)) {
		return false
	}
	if f.group != nil && (u.SPID != string(f.group.ServiceProviderID) || u.GroupID != string(f.group.GroupID)) {
		return false
	}
	if f.dept != nil {
		name, ent, fail := ccDepartmentOf(f.dept, u.SPID, u.GroupID)
		if fail != nil || name != u.Department || ent != u.DepartmentEnt {
			return false
		}
	}
	if f.skill != nil && ag.Agent.SkillLevel != *f.skill {
		return false
	}
	return true
}

// Small conversions between the generated types and plain values.

func ccStr[T ~string](p *T) *string {
	if p == nil {
		return nil
	}
	return ocixml.Ptr(string(*p))
}

func ccInt[T ~int32](p *T) *int {
	if p == nil {
		return nil
	}
	return ocixml.Ptr(int(*p))
}

func ccSomeInt[T ~int32](p *T) ocixml.Nillable[int] {
	if p == nil {
		return ocixml.Nillable[int]{}
	}
	return ocixml.Some(int(*p))
}

func ccSomeStr[T ~string](p *T) ocixml.Nillable[string] {
	if p == nil {
		return ocixml.Nillable[string]{}
	}
	return ocixml.Some(string(*p))
}

func ccNillInt[T ~int32](n ocixml.Nillable[T]) ocixml.Nillable[int] {
	switch v, ok := n.Get(); {
	case ok:
		return ocixml.Some(int(v))
	case n.IsNil():
		return ocixml.Null[int]()
	}
	return ocixml.Nillable[int]{}
}

func ccIntPtr[T ~int32](p *int) *T {
	if p == nil {
		return nil
	}
	v := T(*p)
	return &v
}

func ccSIPURIs(l []datatypes.SIPURI) []string {
	if len(l) == 0 {
		return nil
	}
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = string(s)
	}
	return out
}

func ccToSIPURIs(l []string) []datatypes.SIPURI {
	out := make([]datatypes.SIPURI, len(l))
	for i, s := range l {
		out[i] = datatypes.SIPURI(s)
	}
	return out
}

func ccUserIDs(l []datatypes.UserId) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = string(s)
	}
	return out
}

// ccGet23 renders an agent's settings in the UserCallCenterGetResponse23
// form, without its table (each version has its own headings).
func ccGet23(v ccAgentView) *callcenter.UserCallCenterGetResponse23 {
	return &callcenter.UserCallCenterGetResponse23{AgentACDState: v.state(), AgentUnavailableCode: v.code(),
		UseDefaultGuardTimer: v.b("useDefaultGuardTimer", true), EnableGuardTimer: v.b("enableGuardTimer", false),
		GuardTimerSeconds:                       datatypes.CallCenterGuardTimerSeconds(v.i("guardTimerSeconds", 5)),
		UseSystemDefaultUnavailableSettings:     v.bp("useSystemDefaultUnavailableSettings", true),
		ForceAgentUnavailableOnDNDActivation:    v.bp("forceAgentUnavailableOnDNDActivation", false),
		ForceAgentUnavailableOnPersonalCalls:    v.bp("forceAgentUnavailableOnPersonalCalls", false),
		ForceAgentUnavailableOnBouncedCallLimit: v.bp("forceAgentUnavailableOnBouncedCallLimit", false),
		NumberConsecutiveBouncedCallsToForceAgentUnavailable: ocixml.Ptr(datatypes.CallCenterConsecutiveBouncedCallsToForceAgentUnavailable(
			v.i("numberConsecutiveBouncedCallsToForceAgentUnavailable", 3))),
		ForceAgentUnavailableOnNotReachable: v.bp("forceAgentUnavailableOnNotReachable", false),
		MakeOutgoingCallsAsCallCenter:       v.bp("makeOutgoingCallsAsCallCenter", false),
		UseSystemDefaultWrapUpDestination:   v.bp("useSystemDefaultWrapUpDestination", true),
		WrapUpDestination:                   optS[datatypes.OutgoingDNorSIPURI](v.s("wrapUpDestination"))}
}

// ccInstance22 renders an instance in the GroupCallCenterGetInstanceResponse22 form.
func ccInstance22(v ccView) *callcenter.GroupCallCenterGetInstanceResponse22 {
	return &callcenter.GroupCallCenterGetInstanceResponse22{ServiceInstanceProfile: v.profile19sp1(), Type: datatypes.CallCenterType(v.cc.Type),
		RoutingType: v.routingType(), Policy: datatypes.HuntPolicy(v.cc.Policy), EnableVideo: v.cc.EnableVideo,
		QueueLength: datatypes.CallCenterQueueLength16(v.cc.QueueLength), EnableReporting: &v.x.EnableReporting,
		AllowCallerToDialEscapeDigit: v.cc.Profile.AllowCallerToDialEscapeDigit, EscapeDigit: v.escapeDigit(),
		ResetCallStatisticsUponEntryInQueue: v.cc.Profile.ResetCallStatisticsUponEntry, AllowAgentLogoff: v.cc.Profile.AllowAgentLogoff,
		AllowCallWaitingForAgents: v.cc.Profile.AllowCallWaitingForAgents, AllowCallsToAgentsInWrapUp: &v.x.AllowCallsToAgentsInWrapUp,
		OverrideAgentWrapUpTime: &v.x.OverrideAgentWrapUpTime, WrapUpSeconds: ccIntPtr[datatypes.CallCenterWrapUpSeconds](v.x.WrapUpSeconds),
		ForceDeliveryOfCalls: &v.x.ForceDeliveryOfCalls, ForceDeliveryWaitTimeSeconds: ccIntPtr[datatypes.CallCenterForceDeliveryWaitTimeSeconds](v.x.ForceDeliveryWaitTimeSeconds),
		EnableAutomaticStateChangeForAgents: &v.x.EnableAutomaticStateChangeForAgents, AgentStateAfterCall: v.stateAfterCall(),
		AgentUnavailableCode:        optS[datatypes.CallCenterAgentUnavailableCode](v.x.AgentUnavailableCode),
		ExternalPreferredAudioCodec: datatypes.AudioFileCodec22(v.codec(v.cc.Profile.ExternalPreferredAudioCodec, false)),
		InternalPreferredAudioCodec: datatypes.AudioFileCodec22(v.codec(v.cc.Profile.InternalPreferredAudioCodec, false)),
		PlayRingingWhenOfferingCall: v.cc.Profile.PlayRingingWhenOfferingCall, CallCenterQueueThresholdsIsActive: ocixml.Ptr(false),
		NetworkClassOfService: optS[datatypes.NetworkClassOfServiceName](v.u.Profile.NetworkClassOfService)}
}

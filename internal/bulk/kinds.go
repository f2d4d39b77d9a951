package bulk

import (
	"strings"
)

// Request names the kinds send.
const (
	userAdd       = "UserConsolidatedAddRequest22"
	spAdd         = "ServiceProviderAddRequest13mp2"
	groupAdd      = "GroupAddRequest"
	spDnAdd       = "ServiceProviderDnAddListRequest"
	spDnDelete    = "ServiceProviderDnDeleteListRequest"
	groupDnAssign = "GroupDnAssignListRequest"
	ccAdd         = "GroupCallCenterAddInstanceRequest22"
	ccDelete      = "GroupCallCenterDeleteInstanceRequest"
	ccAgents      = "GroupCallCenterModifyAgentListRequest"
	systemAdmin   = "SystemAdminAddRequest"
	spAdmin       = "ServiceProviderAdminAddRequest14"
	groupAdmin    = "GroupAdminAddRequest"
)

var usersKind = &Kind{
	Name:    "users",
	Summary: "users with their services, service packs and device endpoint",
	Atomicity: "Each row is one " + userAdd + ", which the server runs as one transaction: " +
		"the user, its device, its number, and the authorization and assignment of its services " +
		"and service packs are all made or none is.",
	keyCols: []string{"userId"},
	keyName: "userId",
	Columns: []Column{
		{Name: "serviceProviderId", Required: true, Elem: userAdd + "/serviceProviderId", Help: "service provider or enterprise of the user"},
		{Name: "groupId", Required: true, Elem: userAdd + "/groupId", Help: "group of the user (it must exist)"},
		{Name: "userId", Required: true, Elem: userAdd + "/userId", Help: "user@domain"},
		{Name: "lastName", Required: true, Elem: userAdd + "/lastName"},
		{Name: "firstName", Required: true, Elem: userAdd + "/firstName"},
		{Name: "callingLineIdLastName", Required: true, DefaultFrom: "lastName", Elem: userAdd + "/callingLineIdLastName"},
		{Name: "callingLineIdFirstName", Required: true, DefaultFrom: "firstName", Elem: userAdd + "/callingLineIdFirstName"},
		{Name: "phoneNumber", Elem: userAdd + "/phoneNumber", Help: "a number of the group (or of the service provider with addPhoneNumberToGroup)"},
		{Name: "addPhoneNumberToGroup", Elem: userAdd + "/addPhoneNumberToGroup", manual: true, Help: "true to move a free service provider number to the group"},
		{Name: "extension", Elem: userAdd + "/extension"},
		{Name: "callingLineIdPhoneNumber", Elem: userAdd + "/callingLineIdPhoneNumber"},
		{Name: "password", Secret: true, Elem: userAdd + "/password", Help: "the user's web and client password (the server needs one)"},
		{Name: "passcode", Secret: true, Elem: userAdd + "/passcode", Help: "voice portal passcode"},
		{Name: "emailAddress", Elem: userAdd + "/emailAddress"},
		{Name: "mobilePhoneNumber", Elem: userAdd + "/mobilePhoneNumber"},
		{Name: "title", Elem: userAdd + "/title"},
		{Name: "language", Elem: userAdd + "/language"},
		{Name: "timeZone", Elem: userAdd + "/timeZone"},
		{Name: "services", List: true, Elem: userAdd + "/userService/userServiceName", manual: true, Help: "user services to assign (authorized to the group first if needed)"},
		{Name: "servicePacks", List: true, Elem: userAdd + "/servicePack/servicePackName", manual: true, Help: "service packs to assign"},
		{Name: "deviceName", Elem: userAdd + "/accessDeviceEndpoint/accessDevice/deviceName", Help: "access device of the user's endpoint; created when missing and deviceType is given"},
		{Name: "deviceLevel", Elem: userAdd + "/accessDeviceEndpoint/accessDevice/deviceLevel", manual: true, Help: "level of the device (default Group)"},
		{Name: "deviceType", Elem: userAdd + "/accessDeviceEndpoint/deviceType", Help: "device type, for a device to create"},
		{Name: "linePort", Elem: userAdd + "/accessDeviceEndpoint/linePort", Help: "line/port of the endpoint such as alice@example.com (needed with deviceName)"},
		{Name: "macAddress", Elem: userAdd + "/accessDeviceEndpoint/macAddress", Help: "MAC address of a device to create"},
	},
	check: func(v values) []Problem {
		var probs []Problem
		if v.get("deviceName") == "" {
			for _, c := range []string{"deviceLevel", "deviceType", "linePort", "macAddress"} {
				if v.get(c) != "" {
					probs = append(probs, v.problem(c, "needs deviceName"))
				}
			}
		} else if v.get("linePort") == "" {
			probs = append(probs, v.problem("linePort", "a value is required with deviceName"))
		}
		return probs
	},
	build: func(v values) ([]Step, error) {
		m := v.fields(userAdd)
		if v.bool("addPhoneNumberToGroup") {
			m["addPhoneNumberToGroup"] = true // a presence flag: absent means false
		}
		if v.get("deviceName") != "" {
			level := v.get("deviceLevel")
			if level == "" {
				level = "Group"
			}
			put(m, "accessDeviceEndpoint/accessDevice/deviceLevel", level)
			put(m, "accessDeviceEndpoint/useHotline", false)
		}
		var svc, packs []any
		for _, s := range v.list("services") {
			svc = append(svc, map[string]any{"userServiceName": s})
		}
		for _, p := range v.list("servicePacks") {
			packs = append(packs, map[string]any{"servicePackName": p})
		}
		if len(svc) > 0 {
			m["userService"] = svc
		}
		if len(packs) > 0 {
			m["servicePack"] = packs
		}
		req, err := build(userAdd, m)
		if err != nil {
			return nil, err
		}
		return []Step{{Request: req}}, nil
	},
}

var serviceProvidersKind = &Kind{
	Name:      "service-providers",
	Summary:   "service providers and enterprises (isEnterprise column)",
	Atomicity: "Each row is one " + spAdd + ", which the server runs atomically. The default domain must exist in the system.",
	keyCols:   []string{"serviceProviderId"},
	keyName:   "serviceProviderId",
	Columns: []Column{
		{Name: "serviceProviderId", Required: true, Elem: spAdd + "/serviceProviderId"},
		{Name: "defaultDomain", Required: true, Elem: spAdd + "/defaultDomain", Help: "a domain of the system"},
		{Name: "serviceProviderName", Elem: spAdd + "/serviceProviderName"},
		{Name: "isEnterprise", Elem: spAdd + "/isEnterprise", manual: true, Help: "true for an enterprise (default false: a service provider)"},
		{Name: "useCustomRoutingProfile", Elem: spAdd + "/useCustomRoutingProfile", manual: true, Help: "service providers only (default false)"},
		{Name: "supportEmail", Elem: spAdd + "/supportEmail"},
		{Name: "contactName", Elem: spAdd + "/contact/contactName"},
		{Name: "contactNumber", Elem: spAdd + "/contact/contactNumber"},
		{Name: "contactEmail", Elem: spAdd + "/contact/contactEmail"},
		{Name: "resellerId", Elem: spAdd + "/resellerId", Help: "reseller the service provider belongs to"},
	},
	check: func(v values) []Problem {
		if v.bool("isEnterprise") && v.get("useCustomRoutingProfile") != "" {
			return []Problem{v.problem("useCustomRoutingProfile", "does not apply to enterprises")}
		}
		return nil
	},
	build: func(v values) ([]Step, error) {
		m := v.fields(spAdd)
		// The schema's choice: the isEnterprise flag, or for a service
		// provider useCustomRoutingProfile.
		if v.bool("isEnterprise") {
			m["isEnterprise"] = true
		} else {
			m["useCustomRoutingProfile"] = v.bool("useCustomRoutingProfile")
		}
		req, err := build(spAdd, m)
		if err != nil {
			return nil, err
		}
		return []Step{{Request: req}}, nil
	},
}

var groupsKind = &Kind{
	Name:      "groups",
	Summary:   "groups of existing service providers and enterprises",
	Atomicity: "Each row is one " + groupAdd + ", which the server runs atomically. The service provider must exist: run its sheet first.",
	keyCols:   []string{"serviceProviderId", "groupId"},
	keyName:   "group",
	Columns: []Column{
		{Name: "serviceProviderId", Required: true, Elem: groupAdd + "/serviceProviderId"},
		{Name: "groupId", Required: true, Elem: groupAdd + "/groupId"},
		{Name: "defaultDomain", Required: true, Elem: groupAdd + "/defaultDomain", Help: "a domain of the service provider"},
		{Name: "userLimit", Required: true, Elem: groupAdd + "/userLimit", Help: "most users the group may hold"},
		{Name: "groupName", Elem: groupAdd + "/groupName"},
		{Name: "callingLineIdName", Elem: groupAdd + "/callingLineIdName"},
		{Name: "timeZone", Elem: groupAdd + "/timeZone"},
		{Name: "locationDialingCode", Elem: groupAdd + "/locationDialingCode"},
		{Name: "contactName", Elem: groupAdd + "/contact/contactName"},
		{Name: "contactNumber", Elem: groupAdd + "/contact/contactNumber"},
		{Name: "contactEmail", Elem: groupAdd + "/contact/contactEmail"},
	},
	build: func(v values) ([]Step, error) {
		req, err := build(groupAdd, v.fields(groupAdd))
		if err != nil {
			return nil, err
		}
		return []Step{{Request: req}}, nil
	},
}

// rangeSep separates the first and last number of a range, as BroadWorks
// writes ranges in its tables; the spaces keep it apart from the dash of
// "+1-2025550100".
const rangeSep = " - "

// dnColumn checks one number of the numbers kind's list.
var dnColumn = Column{Name: "phoneNumbers", Elem: spDnAdd + "/phoneNumber"}

var numbersKind = &Kind{
	Name:    "numbers",
	Summary: "phone numbers and ranges of a service provider, optionally assigned to a group",
	Atomicity: "A row runs " + spDnAdd + ", then, when groupId is set, " + groupDnAssign + ". " +
		"If the assignment fails the numbers are deleted from the service provider again (" + spDnDelete + "), " +
		"so the row leaves nothing behind.",
	keyCols: []string{"serviceProviderId", "phoneNumbers"},
	keyName: "numbers",
	Columns: []Column{
		{Name: "serviceProviderId", Required: true, Elem: spDnAdd + "/serviceProviderId"},
		{Name: "phoneNumbers", Required: true, List: true, manual: true, Help: "numbers and ranges; a range is first" + rangeSep + "last such as +1-2025550100" + rangeSep + "+1-2025550199"},
		{Name: "groupId", Elem: groupDnAssign + "/groupId", manual: true, Help: "group to assign the numbers to (optional)"},
	},
	check: func(v values) []Problem {
		var probs []Problem
		for _, item := range v.list("phoneNumbers") {
			first, last, isRange := strings.Cut(item, rangeSep)
			parts := []string{first}
			if isRange {
				parts = append(parts, last)
			}
			for _, p := range parts {
				p = strings.TrimSpace(p)
				if p == "" {
					probs = append(probs, v.problem("phoneNumbers", "item \""+item+"\": a range needs a first and a last number"))
					continue
				}
				if _, msg := dnColumn.check(p); msg != "" {
					probs = append(probs, v.problem("phoneNumbers", "item \""+item+"\": "+msg))
				}
			}
		}
		return probs
	},
	build: func(v values) ([]Step, error) {
		var numbers []string
		var ranges []any
		for _, item := range v.list("phoneNumbers") {
			if first, last, ok := strings.Cut(item, rangeSep); ok {
				ranges = append(ranges, map[string]any{"minPhoneNumber": strings.TrimSpace(first), "maxPhoneNumber": strings.TrimSpace(last)})
			} else {
				numbers = append(numbers, item)
			}
		}
		list := func(extra map[string]any) map[string]any {
			m := map[string]any{"serviceProviderId": v.get("serviceProviderId")}
			if len(numbers) > 0 {
				m["phoneNumber"] = numbers
			}
			if len(ranges) > 0 {
				m["dnRange"] = ranges
			}
			for k, x := range extra {
				m[k] = x
			}
			return m
		}
		add, err := build(spDnAdd, list(nil))
		if err != nil {
			return nil, err
		}
		if v.get("groupId") == "" {
			return []Step{{Request: add}}, nil
		}
		undo, err := build(spDnDelete, list(nil))
		if err != nil {
			return nil, err
		}
		assign, err := build(groupDnAssign, list(map[string]any{"groupId": v.get("groupId")}))
		if err != nil {
			return nil, err
		}
		return []Step{{Request: add, Undo: undo}, {Request: assign}}, nil
	},
}

var callCentersKind = &Kind{
	Name:    "call-centers",
	Summary: "call center instances with their agents",
	Atomicity: "A row runs " + ccAdd + ", then, when agents are listed, " + ccAgents + ". " +
		"If the agent list is refused (an unknown agent, one without a call center service) the instance is " +
		"deleted again (" + ccDelete + "), so the row leaves nothing behind.",
	keyCols: []string{"serviceUserId"},
	keyName: "serviceUserId",
	Columns: []Column{
		{Name: "serviceProviderId", Required: true, Elem: ccAdd + "/serviceProviderId"},
		{Name: "groupId", Required: true, Elem: ccAdd + "/groupId"},
		{Name: "serviceUserId", Required: true, Elem: ccAdd + "/serviceUserId", Help: "user id of the instance: name@domain"},
		{Name: "name", Required: true, Elem: ccAdd + "/serviceInstanceProfile/name"},
		{Name: "callingLineIdLastName", Required: true, Elem: ccAdd + "/serviceInstanceProfile/callingLineIdLastName"},
		{Name: "callingLineIdFirstName", Required: true, Elem: ccAdd + "/serviceInstanceProfile/callingLineIdFirstName"},
		{Name: "password", Required: true, Secret: true, Elem: ccAdd + "/serviceInstanceProfile/password"},
		{Name: "phoneNumber", Elem: ccAdd + "/serviceInstanceProfile/phoneNumber"},
		{Name: "extension", Elem: ccAdd + "/serviceInstanceProfile/extension"},
		{Name: "type", Required: true, Elem: ccAdd + "/type", Help: "needs the Call Center service of that type authorized to the group"},
		{Name: "policy", Required: true, Default: "Circular", Elem: ccAdd + "/policy"},
		{Name: "queueLength", Required: true, Default: "10", Elem: ccAdd + "/queueLength"},
		{Name: "enableVideo", Required: true, Default: "false", Elem: ccAdd + "/enableVideo"},
		{Name: "allowCallerToDialEscapeDigit", Required: true, Default: "false", Elem: ccAdd + "/allowCallerToDialEscapeDigit"},
		{Name: "escapeDigit", Required: true, Default: "0", Elem: ccAdd + "/escapeDigit"},
		{Name: "resetCallStatisticsUponEntryInQueue", Required: true, Default: "true", Elem: ccAdd + "/resetCallStatisticsUponEntryInQueue"},
		{Name: "allowAgentLogoff", Required: true, Default: "true", Elem: ccAdd + "/allowAgentLogoff"},
		{Name: "allowCallWaitingForAgents", Required: true, Default: "true", Elem: ccAdd + "/allowCallWaitingForAgents"},
		{Name: "externalPreferredAudioCodec", Required: true, Default: "None", Elem: ccAdd + "/externalPreferredAudioCodec"},
		{Name: "internalPreferredAudioCodec", Required: true, Default: "None", Elem: ccAdd + "/internalPreferredAudioCodec"},
		{Name: "playRingingWhenOfferingCall", Required: true, Default: "true", Elem: ccAdd + "/playRingingWhenOfferingCall"},
		{Name: "agents", List: true, Elem: ccAgents + "/agentUserIdList/userId", manual: true, Help: "user ids of the agents (each holding a call center service)"},
	},
	build: func(v values) ([]Step, error) {
		add, err := build(ccAdd, v.fields(ccAdd))
		if err != nil {
			return nil, err
		}
		agents := v.list("agents")
		if len(agents) == 0 {
			return []Step{{Request: add}}, nil
		}
		id := v.get("serviceUserId")
		undo, err := build(ccDelete, map[string]any{"serviceUserId": id})
		if err != nil {
			return nil, err
		}
		set, err := build(ccAgents, map[string]any{"serviceUserId": id, "agentUserIdList": map[string]any{"userId": agents}})
		if err != nil {
			return nil, err
		}
		return []Step{{Request: add, Undo: undo}, {Request: set}}, nil
	},
}

// Administrator levels of the admins kind.
const (
	levelSystem       = "System"
	levelProvisioning = "Provisioning"
	levelSP           = "Service Provider"
	levelGroup        = "Group"
)

var adminsKind = &Kind{
	Name:    "admins",
	Summary: "system, provisioning, service provider and group administrators",
	Atomicity: "Each row is one command chosen by adminLevel: " + systemAdmin + " (System, Provisioning), " +
		spAdmin + " (Service Provider) or " + groupAdmin + " (Group), which the server runs atomically.",
	keyCols: []string{"userId"},
	keyName: "userId",
	Columns: []Column{
		{Name: "adminLevel", Required: true, Values: []string{levelSystem, levelProvisioning, levelSP, levelGroup}, Help: "which kind of administrator"},
		{Name: "userId", Required: true, Elem: systemAdmin + "/userId", manual: true, Help: "login id of the administrator"},
		{Name: "serviceProviderId", Elem: groupAdmin + "/serviceProviderId", manual: true, Help: "for Service Provider and Group administrators"},
		{Name: "groupId", Elem: groupAdmin + "/groupId", manual: true, Help: "for Group administrators"},
		{Name: "firstName", Elem: systemAdmin + "/firstName", manual: true},
		{Name: "lastName", Elem: systemAdmin + "/lastName", manual: true},
		{Name: "password", Secret: true, Elem: systemAdmin + "/password", manual: true, Help: "required for System and Provisioning administrators"},
		{Name: "language", Elem: systemAdmin + "/language", manual: true},
		{Name: "readOnly", Elem: systemAdmin + "/readOnly", manual: true, Help: "System and Provisioning only (default false)"},
		{Name: "administratorType", Elem: spAdmin + "/administratorType", manual: true, Help: "Service Provider only (default Normal)"},
	},
	check: func(v values) []Problem {
		var probs []Problem
		need := func(cols ...string) {
			for _, c := range cols {
				if v.get(c) == "" {
					probs = append(probs, v.problem(c, "a value is required for "+v.get("adminLevel")+" administrators"))
				}
			}
		}
		refuse := func(cols ...string) {
			for _, c := range cols {
				if v.get(c) != "" {
					probs = append(probs, v.problem(c, "does not apply to "+v.get("adminLevel")+" administrators"))
				}
			}
		}
		switch v.get("adminLevel") {
		case levelSystem, levelProvisioning:
			need("password")
			refuse("serviceProviderId", "groupId", "administratorType")
		case levelSP:
			need("serviceProviderId")
			refuse("groupId", "readOnly")
		case levelGroup:
			need("serviceProviderId", "groupId")
			refuse("readOnly", "administratorType")
		}
		return probs
	},
	build: func(v values) ([]Step, error) {
		m := map[string]any{"userId": v.get("userId")}
		for _, c := range []string{"firstName", "lastName", "password", "language"} {
			if x := v.get(c); x != "" {
				m[c] = x
			}
		}
		var name string
		switch level := v.get("adminLevel"); level {
		case levelSystem, levelProvisioning:
			name = systemAdmin
			m["adminType"] = level
			m["readOnly"] = v.bool("readOnly")
		case levelSP:
			name = spAdmin
			m["serviceProviderId"] = v.get("serviceProviderId")
			t := v.get("administratorType")
			if t == "" {
				t = "Normal"
			}
			m["administratorType"] = t
		default:
			name = groupAdmin
			m["serviceProviderId"] = v.get("serviceProviderId")
			m["groupId"] = v.get("groupId")
		}
		req, err := build(name, m)
		if err != nil {
			return nil, err
		}
		return []Step{{Request: req}}, nil
	},
}

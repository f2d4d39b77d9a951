package ocipserver

import (
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/service"
)

// The routing family: the user's call forwarding (always, busy, no
// answer, not reachable) and Do Not Disturb. Each get shows one feature of
// the core's routing record and each modify changes one; the core checks
// the service assignment, the rights and the values.

func routingRoutes(r routes) {
	on(r, "UserCallForwardingAlwaysGetRequest", func(c *call, req *service.UserCallForwardingAlwaysGetRequest) ocixml.Command {
		rt, err := c.p.core.UserRouting(c.ctx, c.actor, string(req.UserID), provisioning.RouteForwardAlways)
		if err != nil {
			return c.fail(err)
		}
		return &service.UserCallForwardingAlwaysGetResponse{IsActive: rt.Always.Active,
			ForwardToPhoneNumber: forwardNumber(rt.Always.Number), IsRingSplashActive: rt.AlwaysRingSplash}
	})
	on(r, "UserCallForwardingAlwaysModifyRequest", func(c *call, req *service.UserCallForwardingAlwaysModifyRequest) ocixml.Command {
		ch := forwardChange(req.IsActive, req.ForwardToPhoneNumber)
		ch.RingSplash = req.IsRingSplashActive
		return c.modifyRouting(req.UserID, provisioning.RoutingChange{Always: ch})
	})

	on(r, "UserCallForwardingBusyGetRequest", func(c *call, req *service.UserCallForwardingBusyGetRequest) ocixml.Command {
		rt, err := c.p.core.UserRouting(c.ctx, c.actor, string(req.UserID), provisioning.RouteForwardBusy)
		if err != nil {
			return c.fail(err)
		}
		return &service.UserCallForwardingBusyGetResponse{IsActive: rt.Busy.Active, ForwardToPhoneNumber: forwardNumber(rt.Busy.Number)}
	})
	on(r, "UserCallForwardingBusyModifyRequest", func(c *call, req *service.UserCallForwardingBusyModifyRequest) ocixml.Command {
		return c.modifyRouting(req.UserID, provisioning.RoutingChange{Busy: forwardChange(req.IsActive, req.ForwardToPhoneNumber)})
	})

	on(r, "UserCallForwardingNoAnswerGetRequest13mp16", func(c *call, req *service.UserCallForwardingNoAnswerGetRequest13mp16) ocixml.Command {
		rt, err := c.p.core.UserRouting(c.ctx, c.actor, string(req.UserID), provisioning.RouteForwardNoAnswer)
		if err != nil {
			return c.fail(err)
		}
		return &service.UserCallForwardingNoAnswerGetResponse13mp16{IsActive: rt.NoAnswer.Active,
			ForwardToPhoneNumber: forwardNumber(rt.NoAnswer.Number),
			NumberOfRings:        datatypes.CallForwardingNoAnswerNumberOfRings(rt.NoAnswerRings)}
	})
	on(r, "UserCallForwardingNoAnswerModifyRequest", func(c *call, req *service.UserCallForwardingNoAnswerModifyRequest) ocixml.Command {
		ch := forwardChange(req.IsActive, req.ForwardToPhoneNumber)
		if req.NumberOfRings != nil {
			n := int(*req.NumberOfRings)
			ch.Rings = &n
		}
		return c.modifyRouting(req.UserID, provisioning.RoutingChange{NoAnswer: ch})
	})

	on(r, "UserCallForwardingNotReachableGetRequest", func(c *call, req *service.UserCallForwardingNotReachableGetRequest) ocixml.Command {
		rt, err := c.p.core.UserRouting(c.ctx, c.actor, string(req.UserID), provisioning.RouteForwardNotReachable)
		if err != nil {
			return c.fail(err)
		}
		return &service.UserCallForwardingNotReachableGetResponse{IsActive: rt.NotReachable.Active,
			ForwardToPhoneNumber: forwardNumber(rt.NotReachable.Number)}
	})
	on(r, "UserCallForwardingNotReachableModifyRequest", func(c *call, req *service.UserCallForwardingNotReachableModifyRequest) ocixml.Command {
		return c.modifyRouting(req.UserID, provisioning.RoutingChange{NotReachable: forwardChange(req.IsActive, req.ForwardToPhoneNumber)})
	})

	on(r, "UserDoNotDisturbGetRequest", func(c *call, req *service.UserDoNotDisturbGetRequest) ocixml.Command {
		rt, err := c.p.core.UserRouting(c.ctx, c.actor, string(req.UserID), provisioning.RouteDoNotDisturb)
		if err != nil {
			return c.fail(err)
		}
		return &service.UserDoNotDisturbGetResponse{IsActive: rt.DND, RingSplash: rt.DNDRingSplash}
	})
	on(r, "UserDoNotDisturbModifyRequest", func(c *call, req *service.UserDoNotDisturbModifyRequest) ocixml.Command {
		// isDoNotDisturbSync asks the server to push the state to the
		// user's phone (device feature synchronisation), which Switchboard
		// has no device side for: say so rather than pretend it happened.
		if req.IsDoNotDisturbSync != nil && *req.IsDoNotDisturbSync {
			return ocip.CodeInvalidValue.Response("isDoNotDisturbSync", "device feature synchronisation is not supported")
		}
		return c.modifyRouting(req.UserID, provisioning.RoutingChange{DND: &provisioning.DNDChange{Active: req.IsActive, RingSplash: req.RingSplash}})
	})
}

// modifyRouting runs one routing change and answers SuccessResponse.
func (c *call) modifyRouting(userID datatypes.UserId, ch provisioning.RoutingChange) ocixml.Command {
	if _, err := c.p.core.ModifyUserRouting(c.ctx, c.actor, string(userID), ch); err != nil {
		return c.fail(err)
	}
	return success()
}

// forwardChange maps a modify's isActive and forwardToPhoneNumber: absent
// leaves the number, nil clears it.
func forwardChange(active *bool, number ocixml.Nillable[datatypes.OutgoingDNorSIPURI]) *provisioning.ForwardChange {
	ch := &provisioning.ForwardChange{Active: active}
	if number.IsSet() {
		n := ""
		if v, ok := number.Get(); ok {
			n = string(v)
		}
		ch.Number = &n
	}
	return ch
}

// forwardNumber is the optional forwardToPhoneNumber of a get response.
func forwardNumber(n string) *datatypes.OutgoingDNorSIPURI {
	if n == "" {
		return nil
	}
	return ocixml.Ptr(datatypes.OutgoingDNorSIPURI(n))
}

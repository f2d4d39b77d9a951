package ocipserver

import (
	"testing"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
)

const (
	svcACR  = datatypes.UserServiceAnonymousCallRejection
	svcAuth = datatypes.UserServiceAuthentication
	svcCFA  = datatypes.UserServiceCallForwardingAlways
	svcMOH  = datatypes.GroupServiceMusicOnHold
	svcPark = datatypes.GroupServiceCallPark
)

func servicesQty(n int) *datatypes.UnboundedPositiveInt {
	if n == store.Unlimited {
		return &datatypes.UnboundedPositiveInt{Unlimited: true}
	}
	return &datatypes.UnboundedPositiveInt{Quantity: ptr(datatypes.UnboundedPositiveIntQuantity(n))}
}

func servicesUser(name datatypes.UserService, n int) datatypes.UserServiceAuthorization {
	if n == 0 {
		return datatypes.UserServiceAuthorization{ServiceName: name, Unauthorized: true}
	}
	return datatypes.UserServiceAuthorization{ServiceName: name, AuthorizedQuantity: servicesQty(n)}
}

func servicesGroup(name datatypes.GroupService, n int) datatypes.GroupServiceAuthorization {
	if n == 0 {
		return datatypes.GroupServiceAuthorization{ServiceName: name, Unauthorized: true}
	}
	return datatypes.GroupServiceAuthorization{ServiceName: name, AuthorizedQuantity: servicesQty(n)}
}

func servicesPack(name string, n int) datatypes.ServicePackAuthorization {
	if n == 0 {
		return datatypes.ServicePackAuthorization{ServicePackName: datatypes.ServicePackName(name), Unauthorized: true}
	}
	return datatypes.ServicePackAuthorization{ServicePackName: datatypes.ServicePackName(name), AuthorizedQuantity: servicesQty(n)}
}

// servicesSP authorizes services to an SP (0 unauthorizes).
func servicesSP(sp string, users []datatypes.UserServiceAuthorization, groups ...datatypes.GroupServiceAuthorization) *provider.ServiceProviderServiceModifyAuthorizationListRequest {
	return &provider.ServiceProviderServiceModifyAuthorizationListRequest{ServiceProviderID: datatypes.ServiceProviderId(sp),
		UserServiceAuthorization: users, GroupServiceAuthorization: groups}
}

func servicesGroupAuth(sp, g string, users []datatypes.UserServiceAuthorization, groups []datatypes.GroupServiceAuthorization, packs ...datatypes.ServicePackAuthorization) *group.GroupServiceModifyAuthorizationListRequest {
	return &group.GroupServiceModifyAuthorizationListRequest{ServiceProviderID: datatypes.ServiceProviderId(sp), GroupID: datatypes.GroupId(g),
		UserServiceAuthorization: users, GroupServiceAuthorization: groups, ServicePackAuthorization: packs}
}

func servicesUsers(a ...datatypes.UserServiceAuthorization) []datatypes.UserServiceAuthorization {
	return a
}

func servicesGroups(a ...datatypes.GroupServiceAuthorization) []datatypes.GroupServiceAuthorization {
	return a
}

var (
	servicesSPCols    = []string{"Service Name", "Authorized", "Assigned", "Limited", "Quantity", "Allocated", "Licensed", "Service Pack Allocation"}
	servicesGroupCols = []string{"Service Name", "Authorized", "Assigned", "Limited", "Quantity", "Usage", "Licensed", "Allowed"}
	servicesPackCols  = []string{"Service Pack Name", "Authorized", "Assigned", "Limited", "Allocated", "Allowed", "Usage", "Description"}
)

// spAuthList checks rows of the SP's user (and group) service tables.
func spAuthList(sp string, users, groups [][]string) numbersStep {
	return numbersStep{name: "authorization list of " + sp, cmd: &provider.ServiceProviderServiceGetAuthorizationListRequest{ServiceProviderID: datatypes.ServiceProviderId(sp)},
		check: numbersAs("sp list", func(t *testing.T, r *provider.ServiceProviderServiceGetAuthorizationListResponse) {
			t.Helper()
			if r.UserServicesAuthorizationTable.Len() != len(svcUserCatalogue) || r.GroupServicesAuthorizationTable.Len() != len(svcGroupCatalogue) {
				t.Fatalf("%s: %d user and %d group rows, want the catalogue (%d, %d)", sp, r.UserServicesAuthorizationTable.Len(),
					r.GroupServicesAuthorizationTable.Len(), len(svcUserCatalogue), len(svcGroupCatalogue))
			}
			servicesWant(t, "user services of "+sp, r.UserServicesAuthorizationTable, servicesSPCols, users)
			servicesWant(t, "group services of "+sp, r.GroupServicesAuthorizationTable, servicesSPCols, groups)
			for _, m := range r.UserServicesAuthorizationTable.Maps() {
				if m["User Assignable"] != "true" || m["Service Pack Assignable"] != "true" {
					t.Fatalf("%s: %v", sp, m)
				}
			}
		})}
}

// groupAuthList checks rows of a group's three tables.
func groupAuthList(sp, g string, users, groups, packs [][]string) numbersStep {
	return numbersStep{name: "authorization list of " + g, cmd: &group.GroupServiceGetAuthorizationListRequest{ServiceProviderID: datatypes.ServiceProviderId(sp), GroupID: datatypes.GroupId(g)},
		check: numbersAs("group list", func(t *testing.T, r *group.GroupServiceGetAuthorizationListResponse) {
			t.Helper()
			servicesWant(t, "user services of "+g, r.UserServicesAuthorizationTable, servicesGroupCols, users)
			servicesWant(t, "group services of "+g, r.GroupServicesAuthorizationTable, servicesGroupCols, groups)
			servicesWant(t, "packs of "+g, r.ServicePacksAuthorizationTable, servicesPackCols, packs)
		})}
}

// servicesWant compares the rows named in want (by their first cell) and
// checks the table has no other row when want lists every row.
func servicesWant(t *testing.T, name string, tbl ocixml.Table, cols []string, want [][]string) {
	t.Helper()
	if len(tbl.Headings) == 0 {
		t.Fatalf("%s: no headings", name)
	}
	var names []string
	for _, w := range want {
		names = append(names, w[0])
	}
	numbersWantTable(t, name, servicesPick(tbl, cols[0], names), cols, want)
}

// servicesPick keeps the rows whose key column is in names, in names order.
func servicesPick(tbl ocixml.Table, key string, names []string) ocixml.Table {
	out := ocixml.Table{Headings: tbl.Headings}
	for _, n := range names {
		for i := 0; i < tbl.Len(); i++ {
			if tbl.Get(i, key) == n {
				out.AddRow(tbl.Row(i)...)
			}
		}
	}
	return out
}

func TestServicesServiceProviderAuthorization(t *testing.T) {
	w := numbersSetup(t)
	numbersRun(t, w, []numbersStep{
		spAuthList("sp1", [][]string{
			{"Anonymous Call Rejection", "false", "false", "Unlimited", "-1", "0", "true", "0"},
		}, [][]string{
			{"Music On Hold", "false", "false", "Unlimited", "-1", "0", "true", "0"},
		}),
		{name: "authorize", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcACR, 10), servicesUser(svcAuth, store.Unlimited)), servicesGroup(svcMOH, store.Unlimited))},
		spAuthList("sp1", [][]string{
			{"Anonymous Call Rejection", "true", "false", "Limited", "10", "0", "true", "0"},
			{"Authentication", "true", "false", "Unlimited", "-1", "0", "true", "0"},
			{"Call Forwarding Always", "false", "false", "Unlimited", "-1", "0", "true", "0"},
		}, [][]string{
			{"Music On Hold", "true", "false", "Unlimited", "-1", "0", "true", "0"},
		}),
		spAuthList("sp2", [][]string{{"Anonymous Call Rejection", "false", "false", "Unlimited", "-1", "0", "true", "0"}}, nil),
		{name: "change a quantity", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcACR, 6)))},
		{name: "a group takes 4", cmd: servicesGroupAuth("sp1", "g1", servicesUsers(servicesUser(svcACR, 4)), nil)},
		{name: "a pack takes 3", cmd: &provider.ServiceProviderServicePackAddRequest{ServiceProviderID: "sp1", ServicePackName: "Basic",
			IsAvailableForUse: true, ServicePackQuantity: *servicesQty(3), ServiceName: []datatypes.UserService{svcACR, svcAuth}}},
		spAuthList("sp1", [][]string{
			{"Anonymous Call Rejection", "true", "true", "Limited", "6", "4", "true", "3"},
			{"Authentication", "true", "true", "Unlimited", "-1", "0", "true", "3"},
		}, nil),
		{name: "below what groups hold", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcACR, 3))), code: ocip.CodeLimitExceeded},
		{name: "all or nothing: a new service and a quantity too small", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcCFA, 5), servicesUser(svcACR, 2))), code: ocip.CodeLimitExceeded},
		spAuthList("sp1", [][]string{
			{"Anonymous Call Rejection", "true", "true", "Limited", "6", "4", "true", "3"},
			{"Call Forwarding Always", "false", "false", "Unlimited", "-1", "0", "true", "0"},
		}, nil),
		{name: "a pack's service cannot drop below the pack", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcAuth, 2))), code: ocip.CodeLimitExceeded},
		{name: "a service a group holds cannot be withdrawn", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcACR, 0))), code: ocip.CodeInUse},
		{name: "nor one a pack is built on", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcAuth, 0))), code: ocip.CodeInUse},
		{name: "withdrawing what is not authorized changes nothing", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcCFA, 0)))},
		{name: "withdraw a group service", cmd: servicesSP("sp1", nil, servicesGroup(svcMOH, 0))},
		{name: "release the group and the pack", cmd: servicesGroupAuth("sp1", "g1", servicesUsers(servicesUser(svcACR, 0)), nil)},
		{name: "delete the pack", cmd: &provider.ServiceProviderServicePackDeleteRequest{ServiceProviderID: "sp1", ServicePackName: "Basic"}},
		{name: "now both can go", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcACR, 0), servicesUser(svcAuth, 0)))},
		spAuthList("sp1", [][]string{
			{"Anonymous Call Rejection", "false", "false", "Unlimited", "-1", "0", "true", "0"},
			{"Authentication", "false", "false", "Unlimited", "-1", "0", "true", "0"},
		}, [][]string{
			{"Music On Hold", "false", "false", "Unlimited", "-1", "0", "true", "0"},
		}),
		{name: "unknown SP", cmd: servicesSP("nosuch", servicesUsers(servicesUser(svcACR, 1))), code: ocip.CodeNotFound},
	})
}

func TestServicesGroupAuthorization(t *testing.T) {
	w := numbersSetup(t)
	w.addUser("alice", "sp1", "g1", "", "")
	numbersRun(t, w, []numbersStep{
		{name: "SP authorizations", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcACR, 10), servicesUser(svcAuth, store.Unlimited)),
			servicesGroup(svcMOH, 1), servicesGroup(svcPark, store.Unlimited))},
		{name: "a pack of 5", cmd: &provider.ServiceProviderServicePackAddRequest{ServiceProviderID: "sp1", ServicePackName: "Basic",
			ServicePackDescription: ptr(datatypes.ServicePackDescription("Starter")), IsAvailableForUse: true, ServicePackQuantity: *servicesQty(5),
			ServiceName: []datatypes.UserService{svcACR, svcAuth}}},
		groupAuthList("sp1", "g1", [][]string{
			{"Anonymous Call Rejection", "false", "false", "Unlimited", "-1", "0", "true", "10"},
			{"Authentication", "false", "false", "Unlimited", "-1", "0", "true", "-1"},
		}, [][]string{
			{"Call Park", "false", "false", "Unlimited", "-1", "0", "true", "-1"},
			{"Music On Hold", "false", "false", "Unlimited", "-1", "0", "true", "1"},
		}, [][]string{
			{"Basic", "false", "false", "Unlimited", "0", "5", "0", "Starter"},
		}),
		{name: "g1 takes 6", cmd: servicesGroupAuth("sp1", "g1", servicesUsers(servicesUser(svcACR, 6), servicesUser(svcAuth, store.Unlimited)), servicesGroups(servicesGroup(svcMOH, 1)), servicesPack("Basic", 3))},
		{name: "more than the SP has left", cmd: servicesGroupAuth("sp1", "g2", servicesUsers(servicesUser(svcACR, 5)), nil), code: ocip.CodeLimitExceeded},
		{name: "unlimited under a limited SP", cmd: servicesGroupAuth("sp1", "g2", servicesUsers(servicesUser(svcACR, store.Unlimited)), nil), code: ocip.CodeLimitExceeded},
		{name: "a group service the SP has no more of", cmd: servicesGroupAuth("sp1", "g2", nil, servicesGroups(servicesGroup(svcMOH, 1))), code: ocip.CodeLimitExceeded},
		{name: "a pack beyond its quantity", cmd: servicesGroupAuth("sp1", "g2", nil, nil, servicesPack("Basic", 3)), code: ocip.CodeLimitExceeded},
		{name: "a service the SP lacks", cmd: servicesGroupAuth("sp1", "g2", servicesUsers(servicesUser(svcCFA, 1)), nil), code: ocip.CodeServiceAssignFailed},
		{name: "a pack the SP lacks", cmd: servicesGroupAuth("sp1", "g2", nil, nil, servicesPack("Nosuch", 1)), code: ocip.CodeNotFound},
		{name: "all or nothing: a fitting and a too large authorization", cmd: servicesGroupAuth("sp1", "g2", servicesUsers(servicesUser(svcAuth, 3), servicesUser(svcACR, 5)), nil), code: ocip.CodeLimitExceeded},
		groupAuthList("sp1", "g2", [][]string{
			{"Anonymous Call Rejection", "false", "false", "Unlimited", "-1", "0", "true", "4"},
			{"Authentication", "false", "false", "Unlimited", "-1", "0", "true", "-1"},
		}, nil, [][]string{{"Basic", "false", "false", "Unlimited", "0", "2", "0", "Starter"}}),
		{name: "what is left fits", cmd: servicesGroupAuth("sp1", "g2", servicesUsers(servicesUser(svcACR, 4)), nil, servicesPack("Basic", 2))},
		spAuthList("sp1", [][]string{
			{"Anonymous Call Rejection", "true", "true", "Limited", "10", "10", "true", "5"},
			{"Authentication", "true", "true", "Unlimited", "-1", "-1", "true", "5"},
		}, [][]string{
			{"Music On Hold", "true", "true", "Limited", "1", "1", "true", "0"},
		}),
	})
	res, err := w.h.core.AssignUserServices(w.ctx, w.sys, "alice@example.com", []string{string(svcACR)}, []string{"Basic"})
	w.must(err)
	for _, r := range res {
		w.must(r.Err)
	}
	numbersRun(t, w, []numbersStep{
		groupAuthList("sp1", "g1", [][]string{
			{"Anonymous Call Rejection", "true", "true", "Limited", "6", "1", "true", "6"},
			{"Authentication", "true", "false", "Unlimited", "-1", "0", "true", "-1"},
		}, [][]string{
			{"Music On Hold", "true", "false", "Limited", "1", "0", "true", "1"},
		}, [][]string{
			{"Basic", "true", "true", "Limited", "3", "3", "1", "Starter"},
		}),
		{name: "a service a user has stays", cmd: servicesGroupAuth("sp1", "g1", servicesUsers(servicesUser(svcACR, 0)), nil), code: ocip.CodeInUse},
		{name: "a pack a user has stays", cmd: servicesGroupAuth("sp1", "g1", nil, nil, servicesPack("Basic", 0)), code: ocip.CodeInUse},
		{name: "all or nothing: one free, one in use", cmd: servicesGroupAuth("sp1", "g1", servicesUsers(servicesUser(svcAuth, 0), servicesUser(svcACR, 0)), nil), code: ocip.CodeInUse},
		{name: "down to what is used", cmd: servicesGroupAuth("sp1", "g1", servicesUsers(servicesUser(svcACR, 1)), nil, servicesPack("Basic", 1))},
		groupAuthList("sp1", "g1", [][]string{
			{"Anonymous Call Rejection", "true", "true", "Limited", "1", "1", "true", "6"},
			{"Authentication", "true", "false", "Unlimited", "-1", "0", "true", "-1"},
		}, nil, [][]string{{"Basic", "true", "true", "Limited", "1", "3", "1", "Starter"}}),
		{name: "withdraw what nobody uses", cmd: servicesGroupAuth("sp1", "g1", servicesUsers(servicesUser(svcAuth, 0)), servicesGroups(servicesGroup(svcMOH, 0)))},
		{name: "g2 may now take the group service", cmd: servicesGroupAuth("sp1", "g2", nil, servicesGroups(servicesGroup(svcMOH, 1)))},
		{name: "the authorized list", cmd: &group.GroupServiceGetAuthorizedListRequest{ServiceProviderID: "sp1", GroupID: "g2"},
			check: numbersAs("authorized", func(t *testing.T, r *group.GroupServiceGetAuthorizedListResponse) {
				numbersWantList(t, "packs", r.ServicePackName, "Basic")
				numbersWantList(t, "group services", r.GroupServiceName, "Music On Hold")
				numbersWantList(t, "user services", r.UserServiceName, "Anonymous Call Rejection")
			})},
	})
}

func TestServicesPacks(t *testing.T) {
	w := numbersSetup(t)
	w.addUser("alice", "sp1", "g1", "", "")
	packAdd := func(name string, qty int, svcs ...datatypes.UserService) *provider.ServiceProviderServicePackAddRequest {
		return &provider.ServiceProviderServicePackAddRequest{ServiceProviderID: "sp1", ServicePackName: datatypes.ServicePackName(name),
			ServicePackDescription: ptr(datatypes.ServicePackDescription("Starter")), IsAvailableForUse: true, ServicePackQuantity: *servicesQty(qty), ServiceName: svcs}
	}
	packList := func(want ...string) numbersStep {
		return numbersStep{name: "pack list", cmd: &provider.ServiceProviderServicePackGetListRequest{ServiceProviderID: "sp1"},
			check: numbersAs("pack list", func(t *testing.T, r *provider.ServiceProviderServicePackGetListResponse) {
				numbersWantList(t, "packs", r.ServicePackName, want...)
			})}
	}
	detail := func(name string, check func(t *testing.T, r *provider.ServiceProviderServicePackGetDetailListResponse)) numbersStep {
		return numbersStep{name: "detail of " + name, cmd: &provider.ServiceProviderServicePackGetDetailListRequest{ServiceProviderID: "sp1", ServicePackName: datatypes.ServicePackName(name)},
			check: numbersAs("detail", check)}
	}
	modify := func(name string, f func(*provider.ServiceProviderServicePackModifyRequest)) *provider.ServiceProviderServicePackModifyRequest {
		r := &provider.ServiceProviderServicePackModifyRequest{ServiceProviderID: "sp1", ServicePackName: datatypes.ServicePackName(name)}
		f(r)
		return r
	}
	detailCols := []string{"Service", "Authorized", "Allocated", "Available"}
	numbersRun(t, w, []numbersStep{
		{name: "SP authorizations", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcACR, 10), servicesUser(svcAuth, store.Unlimited)))},
		packList(),
		{name: "a service the SP lacks", cmd: packAdd("Basic", 5, svcACR, svcCFA), code: ocip.CodeInvalidValue},
		{name: "more packs than the service allows", cmd: packAdd("Basic", 11, svcACR), code: ocip.CodeLimitExceeded},
		{name: "unlimited packs of a limited service", cmd: packAdd("Basic", store.Unlimited, svcACR, svcAuth), code: ocip.CodeLimitExceeded},
		{name: "add", cmd: packAdd("Basic", 5, svcACR, svcAuth)},
		{name: "add again", cmd: packAdd("Basic", 1, svcAuth), code: ocip.CodeAlreadyExists},
		{name: "an unlimited pack of unlimited services", cmd: packAdd("Open", store.Unlimited, svcAuth)},
		packList("Basic", "Open"),
		detail("Basic", func(t *testing.T, r *provider.ServiceProviderServicePackGetDetailListResponse) {
			if r.ServicePackName != "Basic" || r.ServicePackDescription == nil || *r.ServicePackDescription != "Starter" || !r.IsAvailableForUse ||
				*r.ServicePackQuantity.Quantity != 5 || *r.AssignedQuantity.Quantity != 0 || *r.AllowedQuantity.Quantity != 10 {
				t.Fatalf("detail: %+v", r)
			}
			numbersWantTable(t, "services", r.UserServiceTable, detailCols, [][]string{
				{"Anonymous Call Rejection", "10", "0", "10"},
				{"Authentication", "Unlimited", "0", "Unlimited"},
			})
		}),
		{name: "g1 takes the pack and some of the service", cmd: servicesGroupAuth("sp1", "g1", servicesUsers(servicesUser(svcACR, 4)), nil, servicesPack("Basic", 2), servicesPack("Open", store.Unlimited))},
		detail("Basic", func(t *testing.T, r *provider.ServiceProviderServicePackGetDetailListResponse) {
			if *r.AssignedQuantity.Quantity != 2 {
				t.Fatalf("assigned quantity %d", *r.AssignedQuantity.Quantity)
			}
			numbersWantTable(t, "services", r.UserServiceTable, detailCols, [][]string{
				{"Anonymous Call Rejection", "10", "4", "6"},
				{"Authentication", "Unlimited", "0", "Unlimited"},
			})
		}),
		detail("Open", func(t *testing.T, r *provider.ServiceProviderServicePackGetDetailListResponse) {
			if !r.ServicePackQuantity.Unlimited || !r.AssignedQuantity.Unlimited || !r.AllowedQuantity.Unlimited {
				t.Fatalf("detail: %+v", r)
			}
		}),
		{name: "below what groups hold", cmd: modify("Basic", func(r *provider.ServiceProviderServicePackModifyRequest) { r.ServicePackQuantity = servicesQty(1) }), code: ocip.CodeLimitExceeded},
		{name: "above what the services allow", cmd: modify("Basic", func(r *provider.ServiceProviderServicePackModifyRequest) { r.ServicePackQuantity = servicesQty(11) }), code: ocip.CodeLimitExceeded},
		{name: "services cannot be added once a group holds the pack", cmd: &provider.ServiceProviderServicePackAddServiceListRequest{ServiceProviderID: "sp1", ServicePackName: "Basic",
			ServiceName: []datatypes.UserService{svcAuth}}, code: ocip.CodeInUse},
		{name: "a pack groups hold cannot be deleted", cmd: &provider.ServiceProviderServicePackDeleteRequest{ServiceProviderID: "sp1", ServicePackName: "Basic"}, code: ocip.CodeInUse},
		{name: "an unknown pack", cmd: &provider.ServiceProviderServicePackDeleteRequest{ServiceProviderID: "sp1", ServicePackName: "Nosuch"}, code: ocip.CodeNotFound},
		{name: "taken name", cmd: modify("Basic", func(r *provider.ServiceProviderServicePackModifyRequest) {
			r.NewServicePackName = ptr(datatypes.ServicePackName("Open"))
		}), code: ocip.CodeAlreadyExists},
	})
	res, err := w.h.core.AssignUserServices(w.ctx, w.sys, "alice@example.com", nil, []string{"Basic"})
	w.must(err)
	w.must(res[0].Err)
	numbersRun(t, w, []numbersStep{
		{name: "rename, clear the description, withdraw from use, resize", cmd: modify("Basic", func(r *provider.ServiceProviderServicePackModifyRequest) {
			r.NewServicePackName = ptr(datatypes.ServicePackName("Standard"))
			r.ServicePackDescription.SetNil()
			r.IsAvailableForUse = ptr(false)
			r.ServicePackQuantity = servicesQty(8)
		})},
		packList("Open", "Standard"),
		detail("Standard", func(t *testing.T, r *provider.ServiceProviderServicePackGetDetailListResponse) {
			if r.ServicePackDescription != nil || r.IsAvailableForUse || *r.ServicePackQuantity.Quantity != 8 || *r.AssignedQuantity.Quantity != 2 {
				t.Fatalf("detail: %+v", r)
			}
		}),
		{name: "the old name is gone", cmd: &provider.ServiceProviderServicePackGetDetailListRequest{ServiceProviderID: "sp1", ServicePackName: "Basic"}, code: ocip.CodeNotFound},
		groupAuthList("sp1", "g1", nil, nil, [][]string{
			{"Open", "true", "false", "Unlimited", "-1", "-1", "0", "Starter"},
			{"Standard", "true", "true", "Limited", "2", "8", "1", ""},
		}),
		{name: "a pack out of use reaches no new group", cmd: servicesGroupAuth("sp1", "g2", nil, nil, servicesPack("Standard", 1)), code: ocip.CodeServiceAssignFailed},
		{name: "a group holding it may still resize", cmd: servicesGroupAuth("sp1", "g1", nil, nil, servicesPack("Standard", 3))},
		{name: "the SP's service cannot drop below the pack", cmd: servicesSP("sp1", servicesUsers(servicesUser(svcACR, 7))), code: ocip.CodeLimitExceeded},
		{name: "service usage", cmd: &provider.ServiceProviderServicePackGetServiceUsageListRequest{ServiceProviderID: "sp1", ServiceName: svcAuth},
			check: numbersAs("usage", func(t *testing.T, r *provider.ServiceProviderServicePackGetServiceUsageListResponse) {
				numbersWantTable(t, "usage", r.ServiceUsageTable, []string{"Service Pack Name", "Total Packs", "Allocated to Groups"}, [][]string{
					{"Open", "Unlimited", "Unlimited"},
					{"Standard", "8", "3"},
				})
			})},
		{name: "utilization", cmd: &provider.ServiceProviderServicePackGetUtilizationListRequest{ServiceProviderID: "sp1"},
			check: numbersAs("utilization", func(t *testing.T, r *provider.ServiceProviderServicePackGetUtilizationListResponse) {
				numbersWantList(t, "packs", r.ServicePackName, "Open", "Standard")
				numbersWantTable(t, "Open", r.ServiceUtilizationTable[0], []string{"Group", "Total Packs", "Assigned"}, [][]string{{"g1", "Unlimited", "0"}})
				numbersWantTable(t, "Standard", r.ServiceUtilizationTable[1], []string{"Group", "Total Packs", "Assigned"}, [][]string{{"g1", "3", "1"}})
			})},
	})
	w.must(w.h.core.UnassignUserServices(w.ctx, w.sys, "alice@example.com", nil, []string{"Standard"}))
	numbersRun(t, w, []numbersStep{
		{name: "release the groups", cmd: servicesGroupAuth("sp1", "g1", nil, nil, servicesPack("Standard", 0), servicesPack("Open", 0))},
		{name: "services may be added now", cmd: &provider.ServiceProviderServicePackAddServiceListRequest{ServiceProviderID: "sp1", ServicePackName: "Open",
			ServiceName: []datatypes.UserService{svcAuth}}},
		{name: "not one the SP lacks", cmd: &provider.ServiceProviderServicePackAddServiceListRequest{ServiceProviderID: "sp1", ServicePackName: "Standard",
			ServiceName: []datatypes.UserService{svcCFA}}, code: ocip.CodeInvalidValue},
		{name: "not a limited one into an unlimited pack", cmd: &provider.ServiceProviderServicePackAddServiceListRequest{ServiceProviderID: "sp1", ServicePackName: "Open",
			ServiceName: []datatypes.UserService{svcACR}}, code: ocip.CodeLimitExceeded},
		detail("Open", func(t *testing.T, r *provider.ServiceProviderServicePackGetDetailListResponse) {
			numbersWantTable(t, "services", r.UserServiceTable, detailCols, [][]string{{"Authentication", "Unlimited", "0", "Unlimited"}})
		}),
		{name: "delete", cmd: &provider.ServiceProviderServicePackDeleteRequest{ServiceProviderID: "sp1", ServicePackName: "Standard"}},
		packList("Open"),
	})
}

func TestServicesGroupServices(t *testing.T) {
	w := numbersSetup(t)
	assign := func(names ...datatypes.GroupService) *group.GroupServiceAssignListRequest {
		return &group.GroupServiceAssignListRequest{ServiceProviderID: "sp1", GroupID: "g1", ServiceName: names}
	}
	unassign := func(names ...datatypes.GroupService) *group.GroupServiceUnassignListRequest {
		return &group.GroupServiceUnassignListRequest{ServiceProviderID: "sp1", GroupID: "g1", ServiceName: names}
	}
	assigned := func(moh, park string) numbersStep {
		return numbersStep{name: "group services of g1", cmd: &group.GroupServiceGetAuthorizationListRequest{ServiceProviderID: "sp1", GroupID: "g1"},
			check: numbersAs("group list", func(t *testing.T, r *group.GroupServiceGetAuthorizationListResponse) {
				numbersWantTable(t, "assigned", servicesPick(r.GroupServicesAuthorizationTable, "Service Name", []string{"Call Park", "Music On Hold"}),
					[]string{"Service Name", "Assigned", "Usage", "Instance Count"}, [][]string{
						{"Call Park", park, map[string]string{"true": "1", "false": "0"}[park], "0"},
						{"Music On Hold", moh, map[string]string{"true": "1", "false": "0"}[moh], "0"},
					})
			})}
	}
	numbersRun(t, w, []numbersStep{
		{name: "SP authorizations", cmd: servicesSP("sp1", nil, servicesGroup(svcMOH, store.Unlimited), servicesGroup(svcPark, store.Unlimited))},
		{name: "not authorized to the group", cmd: assign(svcMOH), code: ocip.CodeServiceAssignFailed},
		{name: "authorize Music On Hold to g1", cmd: servicesGroupAuth("sp1", "g1", nil, servicesGroups(servicesGroup(svcMOH, store.Unlimited)))},
		{name: "all or nothing: one authorized, one not", cmd: assign(svcMOH, svcPark), code: ocip.CodeServiceAssignFailed},
		assigned("false", "false"),
		{name: "assign", cmd: assign(svcMOH)},
		{name: "assigning again is harmless", cmd: assign(svcMOH)},
		assigned("true", "false"),
		{name: "an assigned service stays authorized", cmd: servicesGroupAuth("sp1", "g1", nil, servicesGroups(servicesGroup(svcMOH, 0))), code: ocip.CodeInUse},
		{name: "unassign what is not assigned", cmd: unassign(svcPark), code: ocip.CodeNotFound},
		{name: "all or nothing: unassign", cmd: unassign(svcMOH, svcPark), code: ocip.CodeNotFound},
		assigned("true", "false"),
		{name: "unassign", cmd: unassign(svcMOH)},
		assigned("false", "false"),
		{name: "then withdraw", cmd: servicesGroupAuth("sp1", "g1", nil, servicesGroups(servicesGroup(svcMOH, 0)))},
		{name: "other SP's group", cmd: &group.GroupServiceAssignListRequest{ServiceProviderID: "sp2", GroupID: "g1", ServiceName: []datatypes.GroupService{svcMOH}}, code: ocip.CodeNotFound},
	})
}

func TestServicesAuthorization(t *testing.T) {
	w := numbersSetup(t)
	w.must(w.h.core.ModifySPServiceAuth(w.ctx, w.sys, "sp1", []provisioning.AuthChange{
		{Kind: store.SvcUser, Name: string(svcACR), Quantity: 10}, {Kind: store.SvcGroup, Name: string(svcMOH), Quantity: store.Unlimited}}))
	w.must(w.h.core.ModifySPServiceAuth(w.ctx, w.sys, "sp2", []provisioning.AuthChange{{Kind: store.SvcUser, Name: string(svcACR), Quantity: 10}}))
	sp1Admin := w.adminSession("sp1admin", store.LevelServiceProvider, "sp1", "", false)
	g1Admin := w.adminSession("g1admin", store.LevelGroup, "sp1", "g1", false)
	prov := w.adminSession("provadmin", store.LevelProvisioning, "", "", false)
	readOnly := w.adminSession("readonly", store.LevelProvisioning, "", "", true)
	pack := func(sp, name string) *provider.ServiceProviderServicePackAddRequest {
		return &provider.ServiceProviderServicePackAddRequest{ServiceProviderID: datatypes.ServiceProviderId(sp), ServicePackName: datatypes.ServicePackName(name),
			IsAvailableForUse: true, ServicePackQuantity: *servicesQty(1), ServiceName: []datatypes.UserService{svcACR}}
	}
	numbersRun(t, w, []numbersStep{
		{name: "an SP admin cannot change its own SP's authorizations", as: sp1Admin, cmd: servicesSP("sp1", servicesUsers(servicesUser(svcACR, 20))), code: ocip.CodeUnauthorized},
		{name: "a read-only admin cannot either", as: readOnly, cmd: servicesSP("sp1", servicesUsers(servicesUser(svcACR, 20))), code: ocip.CodeUnauthorized},
		{name: "a Provisioning admin can", as: prov, cmd: servicesSP("sp1", servicesUsers(servicesUser(svcACR, 20)))},
		spAuthList("sp1", [][]string{{"Anonymous Call Rejection", "true", "false", "Limited", "20", "0", "true", "0"}}, nil),
		{name: "an SP admin reads its SP", as: sp1Admin, cmd: &provider.ServiceProviderServiceGetAuthorizationListRequest{ServiceProviderID: "sp1"}},
		{name: "a read-only admin reads", as: readOnly, cmd: &provider.ServiceProviderServiceGetAuthorizationListRequest{ServiceProviderID: "sp1"}},
		{name: "not another SP", as: sp1Admin, cmd: &provider.ServiceProviderServiceGetAuthorizationListRequest{ServiceProviderID: "sp2"}, code: ocip.CodeUnauthorized},
		{name: "an SP admin authorizes its groups", as: sp1Admin, cmd: servicesGroupAuth("sp1", "g1", servicesUsers(servicesUser(svcACR, 2)), servicesGroups(servicesGroup(svcMOH, 1)))},
		{name: "not another SP's groups", as: sp1Admin, cmd: servicesGroupAuth("sp2", "g3", servicesUsers(servicesUser(svcACR, 2)), nil), code: ocip.CodeUnauthorized},
		{name: "a group admin cannot authorize services", as: g1Admin, cmd: servicesGroupAuth("sp1", "g1", servicesUsers(servicesUser(svcACR, 3)), nil), code: ocip.CodeUnauthorized},
		{name: "nor withdraw them", as: g1Admin, cmd: servicesGroupAuth("sp1", "g1", servicesUsers(servicesUser(svcACR, 0)), nil), code: ocip.CodeUnauthorized},
		{name: "a group admin reads its group", as: g1Admin, cmd: &group.GroupServiceGetAuthorizationListRequest{ServiceProviderID: "sp1", GroupID: "g1"}},
		{name: "not another group", as: g1Admin, cmd: &group.GroupServiceGetAuthorizationListRequest{ServiceProviderID: "sp1", GroupID: "g2"}, code: ocip.CodeUnauthorized},
		{name: "nor the SP's list", as: g1Admin, cmd: &provider.ServiceProviderServiceGetAuthorizationListRequest{ServiceProviderID: "sp1"}, code: ocip.CodeUnauthorized},
		{name: "a group admin assigns its group services", as: g1Admin, cmd: &group.GroupServiceAssignListRequest{ServiceProviderID: "sp1", GroupID: "g1", ServiceName: []datatypes.GroupService{svcMOH}}},
		{name: "a read-only admin cannot", as: readOnly, cmd: &group.GroupServiceUnassignListRequest{ServiceProviderID: "sp1", GroupID: "g1", ServiceName: []datatypes.GroupService{svcMOH}}, code: ocip.CodeUnauthorized},
		{name: "an SP admin manages its packs", as: sp1Admin, cmd: pack("sp1", "Mine")},
		{name: "not another SP's", as: sp1Admin, cmd: pack("sp2", "Theirs"), code: ocip.CodeUnauthorized},
		{name: "a group admin cannot", as: g1Admin, cmd: pack("sp1", "Group"), code: ocip.CodeUnauthorized},
		{name: "a read-only admin cannot", as: readOnly, cmd: pack("sp1", "ReadOnly"), code: ocip.CodeUnauthorized},
		{name: "nor read another SP's packs", as: sp1Admin, cmd: &provider.ServiceProviderServicePackGetListRequest{ServiceProviderID: "sp2"}, code: ocip.CodeUnauthorized},
		{name: "the packs", as: sp1Admin, cmd: &provider.ServiceProviderServicePackGetListRequest{ServiceProviderID: "sp1"},
			check: numbersAs("packs", func(t *testing.T, r *provider.ServiceProviderServicePackGetListResponse) {
				numbersWantList(t, "packs", r.ServicePackName, "Mine")
			})},
		groupAuthList("sp1", "g1", [][]string{{"Anonymous Call Rejection", "true", "false", "Limited", "2", "0", "true", "20"}},
			[][]string{{"Music On Hold", "true", "true", "Limited", "1", "1", "true", "-1"}}, nil),
	})
}

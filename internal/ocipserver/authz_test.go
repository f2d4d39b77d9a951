package ocipserver

import (
	"strings"
	"testing"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// authzLevels are the logins of the matrix, one per level (see admWorld):
// System, Provisioning, read-only System, Reseller (r1, which owns ent1),
// Service Provider (ent1), Group (ent1/g1), Group Department (ent1/g1
// Sales) and User (alice, ent1/g1, in Sales).
var authzLevels = []string{"sys", "prov", "ro", "rsl1", "spadmin", "g1admin@example.com", "deptadmin@example.com", "alice@example.com"}

// TestAuthzMatrix runs representative commands as every level. In each
// row "+" means the command succeeds for that level and "x" that it is
// refused with 5404; a write builds a distinct object per level so every
// allowed cell really writes.
func TestAuthzMatrix(t *testing.T) {
	w := newAdmWorld(t)
	w.as("g1admin@example.com").ok(deptAdd("g1", "Other", nil))
	rows := []struct {
		name string
		want string // per authzLevels: sys prov ro rsl sp grp dept user
		cmd  func(who string) ocixml.Command
	}{
		{"system read: software version", "+ + + + + + + +", func(string) ocixml.Command { return &system.SystemSoftwareVersionGetRequest{} }},
		{"system write: domain add", "+ + x + x x x x", func(who string) ocixml.Command {
			return &system.SystemDomainAddRequest{Domain: datatypes.NetAddress(authzName(who) + ".example.net")}
		}},
		{"system write: system admin add", "+ x x x x x x x", func(who string) ocixml.Command {
			return &system.SystemAdminAddRequest{UserID: datatypes.UserId("sa-" + authzName(who)), Password: "Pw-12345", AdminType: datatypes.SystemAdminTypeSystem}
		}},
		{"system read: system admin list", "+ x + x x x x x", func(string) ocixml.Command { return &system.SystemAdminGetListRequest{} }},
		{"reseller read: own reseller", "+ + + + x x x x", func(string) ocixml.Command { return rslGet("r1") }},
		{"reseller read: other reseller", "+ + + x x x x x", func(string) ocixml.Command { return rslGet("r2") }},
		{"SP read: own SP's admins", "+ + + + + x x x", func(string) ocixml.Command {
			return &provider.ServiceProviderAdminGetListRequest14{ServiceProviderID: "ent1"}
		}},
		{"SP read: other SP's admins", "+ + + x x x x x", func(string) ocixml.Command {
			return &provider.ServiceProviderAdminGetListRequest14{ServiceProviderID: "sp2"}
		}},
		{"SP write: own SP device", "+ + x + + x x x", func(who string) ocixml.Command { return authzSPDevice("ent1", who) }},
		{"SP write: other SP device", "+ + x x x x x x", func(who string) ocixml.Command { return authzSPDevice("sp2", who) }},
		{"group read: own group's devices", "+ + + + + + x x", func(string) ocixml.Command { return devList("g1") }},
		{"group read: other group's devices", "+ + + + + x x x", func(string) ocixml.Command { return devList("g2") }},
		{"group write: own group department", "+ + x + + + x x", func(who string) ocixml.Command { return deptAdd("g1", authzName(who), nil) }},
		{"group write: other group department", "+ + x + + x x x", func(who string) ocixml.Command { return deptAdd("g2", authzName(who), nil) }},
		{"department read: own department", "+ + + + + + + x", func(string) ocixml.Command { return deptGet("g1", "Sales") }},
		{"department read: other department", "+ + + + + + x x", func(string) ocixml.Command { return deptGet("g1", "Other") }},
		{"user read: alice (self)", "+ + + + + + + +", func(string) ocixml.Command { return &user.UserGetRequest23V2{UserID: "alice@example.com"} }},
		{"user read: bob (other group)", "+ + + + + x x x", func(string) ocixml.Command { return &user.UserGetRequest23V2{UserID: "bob@example.com"} }},
		{"admin read: own record", "+ + + + + + + x", func(who string) ocixml.Command { return authzSelf(who) }},
	}
	for _, row := range rows {
		want := strings.Fields(row.want)
		if len(want) != len(authzLevels) {
			t.Fatalf("%s: %d cells for %d levels", row.name, len(want), len(authzLevels))
		}
		for i, who := range authzLevels {
			cmd := row.cmd(who)
			if !Implemented(cmd.XSIType()) {
				t.Fatalf("%s: %s is not implemented", row.name, cmd.XSIType())
			}
			r := w.as(who).one(cmd)
			e, refused := r.(*core.ErrorResponse)
			switch want[i] {
			case "+":
				if refused {
					t.Errorf("%s as %s: want success, got %s", row.name, who, describe(r))
				}
			case "x":
				if !refused || e.ErrorCode == nil || *e.ErrorCode != int32(ocip.CodeUnauthorized) {
					t.Errorf("%s as %s: want 5404, got %s", row.name, who, describe(r))
				}
			}
		}
	}
}

// authzName makes a per-login object name out of a login id.
func authzName(who string) string {
	return "z" + strings.NewReplacer("@", "-", ".", "-").Replace(who)
}

func authzSPDevice(sp, who string) ocixml.Command {
	return &provider.ServiceProviderAccessDeviceAddRequest22V2{ServiceProviderID: ptr(datatypes.ServiceProviderId(sp)),
		DeviceName: ptr(datatypes.AccessDeviceName(authzName(who))), DeviceType: "Phone"}
}

// authzSelf is the get of the login's own administrator record, in the
// command of its level; a user has no administrator record, so it asks for
// a group administrator's.
func authzSelf(who string) ocixml.Command {
	switch who {
	case "sys", "prov", "ro":
		id := who
		if who == "sys" {
			id = testAdmin
		}
		return &system.SystemAdminGetRequest22{UserID: datatypes.UserId(id)}
	case "rsl1":
		return &provider.ResellerAdminGetRequest22V2{UserID: "rsl1"}
	case "spadmin":
		return &provider.ServiceProviderAdminGetRequest22V3{UserID: "spadmin"}
	case "deptadmin@example.com":
		return &group.GroupDepartmentAdminGetRequest22V2{UserID: "deptadmin@example.com"}
	}
	return &group.GroupAdminGetRequest22V3{UserID: "g1admin@example.com"}
}

// TestAuthzReadOnly: read-only administrators of both system levels run
// reads of every family here, and no write.
func TestAuthzReadOnly(t *testing.T) {
	w := newAdmWorld(t)
	w.as("sys").ok(&system.SystemAdminAddRequest{UserID: "roprov", Password: admPW, AdminType: datatypes.SystemAdminTypeProvisioning, ReadOnly: true})
	w.as("g1admin@example.com").ok(devAdd14("g1", "p1", "Phone"))
	reads := []ocixml.Command{
		&system.SystemAdminGetRequest22{UserID: "roprov"},
		&provider.ResellerGetListRequest{},
		&provider.ResellerAdminGetListRequest{ResellerID: "r1"},
		&provider.ServiceProviderAdminGetListRequest14{ServiceProviderID: "ent1"},
		&group.GroupAdminGetListRequest{ServiceProviderID: "ent1", GroupID: "g1"},
		&group.GroupDepartmentAdminGetListRequest{DepartmentKey: *deptGroupKey("g1", "Sales")},
		deptList("g1", true),
		&provider.EnterpriseDepartmentGetListRequest{EnterpriseID: "ent1"},
		devList("g1"),
		devGet("g1", "p1"),
	}
	writes := []ocixml.Command{
		&provider.ResellerAddRequest{ResellerID: "r9"},
		&provider.ResellerAdminModifyRequest{UserID: "rsl1", FirstName: ocixml.Some(datatypes.FirstName("x"))},
		&provider.ServiceProviderAdminAddRequest14{ServiceProviderID: "ent1", UserID: "x1", Password: ptr(datatypes.Password(admPW)), AdministratorType: "Normal"},
		&group.GroupAdminDeleteRequest{UserID: "g2admin@example.com"},
		&group.GroupDepartmentAdminAddRequest{DepartmentKey: *deptGroupKey("g1", "Sales"), UserID: "x2@example.com", Password: ptr(datatypes.Password(admPW))},
		deptAdd("g1", "X", nil),
		&provider.EnterpriseDepartmentDeleteRequest{EnterpriseID: "ent1", DepartmentName: "HQ"},
		devAdd14("g1", "p2", "Phone"),
		devDel("g1", "p1"),
	}
	for _, who := range []string{"ro", "roprov"} {
		s := w.as(who)
		for _, cmd := range reads {
			if e, ok := s.one(cmd).(*core.ErrorResponse); ok {
				t.Errorf("%s: %s refused: %s", who, cmd.XSIType(), e.Summary)
			}
		}
		for _, cmd := range writes {
			s.fails(cmd, ocip.CodeUnauthorized)
		}
	}
	// The refused writes changed nothing.
	get[*group.GroupAccessDeviceGetResponse24V3](w.as("sys"), devGet("g1", "p1"))
	w.as("sys").fails(rslGet("r9"), ocip.CodeNotFound)
}

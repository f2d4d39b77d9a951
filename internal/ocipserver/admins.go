package ocipserver

import (
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedsystem"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/system"
)

// The administrator family: System and Provisioning, reseller, service
// provider, group and group department administrators. Each level's add,
// modify, delete and list go through one core path; every get version
// still in use reads the same record and renders its own response shape.

// Values the get responses require that Switchboard does not keep per
// administrator: the OCI locale and encoding are the server's (as login
// reports them).
const (
	admLocale   = "en_US"
	admEncoding = "ISO-8859-1"
	// admNeverLoggedIn stands for "no login yet": the schema requires a
	// date, and the epoch is the one that cannot be mistaken for a login.
	admNeverLoggedIn = "1970-01-01T00:00:00Z"
)

// admLastLogin renders the administrator's last successful login.
func admLastLogin(ad store.Admin) string {
	if ad.LastLogin.IsZero() {
		return admNeverLoggedIn
	}
	return ad.LastLogin.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

var (
	admSystemLevels = []store.AdminLevel{store.LevelSystem, store.LevelProvisioning}
	admReseller     = []store.AdminLevel{store.LevelReseller}
	admProvider     = []store.AdminLevel{store.LevelServiceProvider}
	admGroup        = []store.AdminLevel{store.LevelGroup}
	admDepartment   = []store.AdminLevel{store.LevelDepartment}
)

func adminRoutes(r routes) {
	admSystemRoutes(r)
	admResellerRoutes(r)
	admProviderRoutes(r)
	admGroupRoutes(r)
	admDepartmentRoutes(r)
}

func admSystemRoutes(r routes) {
	on(r, "SystemAdminAddRequest", func(c *call, req *system.SystemAdminAddRequest) ocixml.Command {
		ad := admNew(req.UserID, req.FirstName, req.LastName, req.Language)
		ad.Level, ad.ReadOnly = store.LevelSystem, req.ReadOnly
		if req.AdminType == datatypes.SystemAdminTypeProvisioning {
			ad.Level = store.LevelProvisioning
		}
		pw := req.Password
		return c.admAdd(ad, &pw)
	})
	on(r, "SystemAdminGetRequest", func(c *call, req *deprecatedsystem.SystemAdminGetRequest) ocixml.Command {
		v, fail := c.admGet(req.UserID, admSystemLevels)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecatedsystem.SystemAdminGetResponse{FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName),
			Language: datatypes.Language(ad.Language), AdminType: datatypes.SystemAdminType(ad.Level), ReadOnly: ad.ReadOnly}
	})
	on(r, "SystemAdminGetRequest22", func(c *call, req *system.SystemAdminGetRequest22) ocixml.Command {
		v, fail := c.admGet(req.UserID, admSystemLevels)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &system.SystemAdminGetResponse22{FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName),
			Language: datatypes.Language(ad.Language), AdminType: datatypes.SystemAdminType(ad.Level), ReadOnly: ad.ReadOnly,
			AccountDisabled: v.Disabled, LastAuthenticatedDate: admLastLogin(ad)}
	})
	on(r, "SystemAdminModifyRequest", func(c *call, req *system.SystemAdminModifyRequest) ocixml.Command {
		pw := ocixml.Nillable[datatypes.Password]{}
		if req.Password != nil {
			pw = ocixml.Some(*req.Password)
		}
		return c.admModify(req.UserID, admChange{first: nillableString(req.FirstName), last: nillableString(req.LastName), password: nillableString(pw),
			language: req.Language, disabled: req.AccountDisabled}, admSystemLevels)
	})
	on(r, "SystemAdminDeleteRequest", func(c *call, req *system.SystemAdminDeleteRequest) ocixml.Command {
		return c.admDelete(req.UserID, admSystemLevels)
	})
	on(r, "SystemAdminGetListRequest", func(c *call, req *system.SystemAdminGetListRequest) ocixml.Command {
		list, err := c.p.core.ListAdmins(c.ctx, c.actor, provisioning.AdminListFilter{AdminFilter: store.AdminFilter{Level: store.LevelSystem}})
		if err != nil {
			return c.fail(err)
		}
		t := newTable("SystemAdminGetListResponse", "systemAdminTable")
		for _, ad := range list {
			t.set("Administrator ID", ad.ID).set("Last Name", ad.LastName).set("First Name", ad.FirstName).
				set("Type", string(ad.Level)).set("Read Only", tableBool(ad.ReadOnly)).set("Language", ad.Language)
			t.end()
		}
		return &system.SystemAdminGetListResponse{SystemAdminTable: t.table()}
	})
}

func admResellerRoutes(r routes) {
	on(r, "ResellerAdminAddRequest", func(c *call, req *provider.ResellerAdminAddRequest) ocixml.Command {
		ad := admNew(req.UserID, req.FirstName, req.LastName, req.Language)
		ad.Level, ad.ResellerID = store.LevelReseller, string(req.ResellerID)
		return c.admAdd(ad, req.Password)
	})
	on(r, "ResellerAdminGetRequest", func(c *call, req *deprecated.ResellerAdminGetRequest) ocixml.Command {
		v, fail := c.admGet(req.UserID, admReseller)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecated.ResellerAdminGetResponse{ResellerID: datatypes.ResellerId(ad.ResellerID), FirstName: optS[datatypes.FirstName](ad.FirstName),
			LastName: optS[datatypes.LastName](ad.LastName), Language: datatypes.Language(ad.Language)}
	})
	on(r, "ResellerAdminGetRequest22", func(c *call, req *deprecated.ResellerAdminGetRequest22) ocixml.Command {
		v, fail := c.admGet(req.UserID, admReseller)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecated.ResellerAdminGetResponse22{ResellerID: datatypes.ResellerId22(ad.ResellerID), FirstName: optS[datatypes.FirstName](ad.FirstName),
			LastName: optS[datatypes.LastName](ad.LastName), Language: datatypes.Language(ad.Language)}
	})
	on(r, "ResellerAdminGetRequest22V2", func(c *call, req *provider.ResellerAdminGetRequest22V2) ocixml.Command {
		v, fail := c.admGet(req.UserID, admReseller)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &provider.ResellerAdminGetResponse22V2{ResellerID: datatypes.ResellerId22(ad.ResellerID), FirstName: optS[datatypes.FirstName](ad.FirstName),
			LastName: optS[datatypes.LastName](ad.LastName), Language: datatypes.Language(ad.Language),
			AccountDisabled: v.Disabled, LastAuthenticatedDate: admLastLogin(ad)}
	})
	on(r, "ResellerAdminModifyRequest", func(c *call, req *provider.ResellerAdminModifyRequest) ocixml.Command {
		return c.admModify(req.UserID, admChange{first: nillableString(req.FirstName), last: nillableString(req.LastName), password: nillableString(req.Password),
			language: req.Language, disabled: req.AccountDisabled}, admReseller)
	})
	on(r, "ResellerAdminDeleteRequest", func(c *call, req *provider.ResellerAdminDeleteRequest) ocixml.Command {
		return c.admDelete(req.UserID, admReseller)
	})
	on(r, "ResellerAdminGetListRequest", func(c *call, req *provider.ResellerAdminGetListRequest) ocixml.Command {
		list, err := c.p.core.ListAdmins(c.ctx, c.actor, provisioning.AdminListFilter{
			AdminFilter: store.AdminFilter{Level: store.LevelReseller, ResellerID: string(req.ResellerID)}})
		if err != nil {
			return c.fail(err)
		}
		t := newTable("ResellerAdminGetListResponse", "resellerAdminTable")
		for _, ad := range list {
			t.set("Administrator ID", ad.ID).set("Last Name", ad.LastName).set("First Name", ad.FirstName).set("Language", ad.Language)
			t.end()
		}
		return &provider.ResellerAdminGetListResponse{ResellerAdminTable: t.table()}
	})
}

func admProviderRoutes(r routes) {
	on(r, "ServiceProviderAdminAddRequest14", func(c *call, req *provider.ServiceProviderAdminAddRequest14) ocixml.Command {
		ad := admNew(req.UserID, req.FirstName, req.LastName, req.Language)
		ad.Level, ad.SPID, ad.AdminType = store.LevelServiceProvider, string(req.ServiceProviderID), string(req.AdministratorType)
		return c.admAdd(ad, req.Password)
	})
	on(r, "ServiceProviderAdminGetRequest14", func(c *call, req *deprecated.ServiceProviderAdminGetRequest14) ocixml.Command {
		v, fail := c.admGet(req.UserID, admProvider)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecated.ServiceProviderAdminGetResponse14{ServiceProviderID: datatypes.ServiceProviderId(ad.SPID),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName),
			Language: datatypes.Language(ad.Language), AdministratorType: datatypes.ServiceProviderAdminType(ad.AdminType)}
	})
	on(r, "ServiceProviderAdminGetRequest21sp1", func(c *call, req *deprecated.ServiceProviderAdminGetRequest21sp1) ocixml.Command {
		v, fail := c.admGet(req.UserID, admProvider)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecated.ServiceProviderAdminGetResponse21sp1{ServiceProviderID: datatypes.ServiceProviderId(ad.SPID),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName),
			Language: datatypes.Language(ad.Language), AdministratorType: datatypes.ServiceProviderAdminType(ad.AdminType),
			Locale: admLocale, Encoding: admEncoding}
	})
	on(r, "ServiceProviderAdminGetRequest22", func(c *call, req *deprecated.ServiceProviderAdminGetRequest22) ocixml.Command {
		v, fail := c.admGet(req.UserID, admProvider)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecated.ServiceProviderAdminGetResponse22{ServiceProviderID: datatypes.ServiceProviderId(ad.SPID),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName),
			Language: datatypes.Language(ad.Language), AdministratorType: datatypes.ServiceProviderAdminType(ad.AdminType),
			Locale: admLocale, Encoding: admEncoding}
	})
	on(r, "ServiceProviderAdminGetRequest22V2", func(c *call, req *deprecated.ServiceProviderAdminGetRequest22V2) ocixml.Command {
		v, fail := c.admGet(req.UserID, admProvider)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecated.ServiceProviderAdminGetResponse22V2{ServiceProviderID: datatypes.ServiceProviderId(ad.SPID),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName),
			Language: datatypes.Language(ad.Language), AdministratorType: datatypes.ServiceProviderAdminType(ad.AdminType),
			Locale: admLocale, Encoding: admEncoding, AccountDisabled: v.Disabled, LastAuthenticatedDate: admLastLogin(ad)}
	})
	on(r, "ServiceProviderAdminGetRequest22V3", func(c *call, req *provider.ServiceProviderAdminGetRequest22V3) ocixml.Command {
		v, fail := c.admGet(req.UserID, admProvider)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &provider.ServiceProviderAdminGetResponse22V3{ServiceProviderID: datatypes.ServiceProviderId(ad.SPID),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName),
			Language: datatypes.Language(ad.Language), AdministratorType: datatypes.ServiceProviderAdminType(ad.AdminType),
			Locale: admLocale, Encoding: admEncoding, AccountDisabled: v.Disabled, LastAuthenticatedDate: admLastLogin(ad),
			HasPassword: ad.PasswordSHA1 != ""}
	})
	on(r, "ServiceProviderAdminModifyRequest", func(c *call, req *provider.ServiceProviderAdminModifyRequest) ocixml.Command {
		return c.admModify(req.UserID, admChange{first: nillableString(req.FirstName), last: nillableString(req.LastName), password: nillableString(req.Password),
			language: req.Language, disabled: req.AccountDisabled}, admProvider)
	})
	on(r, "ServiceProviderAdminDeleteRequest", func(c *call, req *provider.ServiceProviderAdminDeleteRequest) ocixml.Command {
		return c.admDelete(req.UserID, admProvider)
	})
	on(r, "ServiceProviderAdminGetListRequest14", func(c *call, req *provider.ServiceProviderAdminGetListRequest14) ocixml.Command {
		list, err := c.p.core.ListAdmins(c.ctx, c.actor, provisioning.AdminListFilter{
			AdminFilter: store.AdminFilter{Level: store.LevelServiceProvider, SPID: string(req.ServiceProviderID)}})
		if err != nil {
			return c.fail(err)
		}
		t := newTable("ServiceProviderAdminGetListResponse14", "serviceProviderAdminTable")
		for _, ad := range list {
			t.set("Administrator ID", ad.ID).set("Last Name", ad.LastName).set("First Name", ad.FirstName).
				set("Administrator Type", ad.AdminType).set("Language", ad.Language).set("Locale", admLocale).set("Encoding", admEncoding)
			t.end()
		}
		return &provider.ServiceProviderAdminGetListResponse14{ServiceProviderAdminTable: t.table()}
	})
}

func admGroupRoutes(r routes) {
	on(r, "GroupAdminAddRequest", func(c *call, req *group.GroupAdminAddRequest) ocixml.Command {
		ad := admNew(req.UserID, req.FirstName, req.LastName, req.Language)
		ad.Level, ad.SPID, ad.GroupID = store.LevelGroup, string(req.ServiceProviderID), string(req.GroupID)
		return c.admAdd(ad, req.Password)
	})
	on(r, "GroupAdminGetRequest", func(c *call, req *deprecatedgroup.GroupAdminGetRequest) ocixml.Command {
		v, fail := c.admGet(req.UserID, admGroup)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecatedgroup.GroupAdminGetResponse{ServiceProviderID: datatypes.ServiceProviderId(ad.SPID), GroupID: datatypes.GroupId(ad.GroupID),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName), Language: datatypes.Language(ad.Language)}
	})
	on(r, "GroupAdminGetRequest21sp1", func(c *call, req *deprecatedgroup.GroupAdminGetRequest21sp1) ocixml.Command {
		v, fail := c.admGet(req.UserID, admGroup)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecatedgroup.GroupAdminGetResponse21sp1{ServiceProviderID: datatypes.ServiceProviderId(ad.SPID), GroupID: datatypes.GroupId(ad.GroupID),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName), Language: datatypes.Language(ad.Language),
			Locale: admLocale, Encoding: admEncoding}
	})
	on(r, "GroupAdminGetRequest22", func(c *call, req *deprecatedgroup.GroupAdminGetRequest22) ocixml.Command {
		v, fail := c.admGet(req.UserID, admGroup)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecatedgroup.GroupAdminGetResponse22{ServiceProviderID: datatypes.ServiceProviderId(ad.SPID), GroupID: datatypes.GroupId(ad.GroupID),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName), Language: datatypes.Language(ad.Language),
			Locale: admLocale, Encoding: admEncoding}
	})
	on(r, "GroupAdminGetRequest22V2", func(c *call, req *deprecatedgroup.GroupAdminGetRequest22V2) ocixml.Command {
		v, fail := c.admGet(req.UserID, admGroup)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecatedgroup.GroupAdminGetResponse22V2{ServiceProviderID: datatypes.ServiceProviderId(ad.SPID), GroupID: datatypes.GroupId(ad.GroupID),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName), Language: datatypes.Language(ad.Language),
			Locale: admLocale, Encoding: admEncoding, AccountDisabled: v.Disabled, LastAuthenticatedDate: admLastLogin(ad)}
	})
	on(r, "GroupAdminGetRequest22V3", func(c *call, req *group.GroupAdminGetRequest22V3) ocixml.Command {
		v, fail := c.admGet(req.UserID, admGroup)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &group.GroupAdminGetResponse22V3{ServiceProviderID: datatypes.ServiceProviderId(ad.SPID), GroupID: datatypes.GroupId(ad.GroupID),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName), Language: datatypes.Language(ad.Language),
			Locale: admLocale, Encoding: admEncoding, AccountDisabled: v.Disabled, LastAuthenticatedDate: admLastLogin(ad),
			HasPassword: ad.PasswordSHA1 != ""}
	})
	on(r, "GroupAdminModifyRequest", func(c *call, req *group.GroupAdminModifyRequest) ocixml.Command {
		return c.admModify(req.UserID, admChange{first: nillableString(req.FirstName), last: nillableString(req.LastName), password: nillableString(req.Password),
			language: req.Language, disabled: req.AccountDisabled}, admGroup)
	})
	on(r, "GroupAdminDeleteRequest", func(c *call, req *group.GroupAdminDeleteRequest) ocixml.Command {
		return c.admDelete(req.UserID, admGroup)
	})
	on(r, "GroupAdminGetListRequest", func(c *call, req *group.GroupAdminGetListRequest) ocixml.Command {
		list, err := c.p.core.ListAdmins(c.ctx, c.actor, provisioning.AdminListFilter{
			AdminFilter: store.AdminFilter{Level: store.LevelGroup, SPID: string(req.ServiceProviderID), GroupID: string(req.GroupID)}})
		if err != nil {
			return c.fail(err)
		}
		t := newTable("GroupAdminGetListResponse", "groupAdminTable")
		for _, ad := range list {
			t.set("Administrator ID", ad.ID).set("Last Name", ad.LastName).set("First Name", ad.FirstName).
				set("Department", ad.Department).set("Language", ad.Language).set("Locale", admLocale).set("Encoding", admEncoding)
			t.end()
		}
		return &group.GroupAdminGetListResponse{GroupAdminTable: t.table()}
	})
}

func admDepartmentRoutes(r routes) {
	on(r, "GroupDepartmentAdminAddRequest", func(c *call, req *group.GroupDepartmentAdminAddRequest) ocixml.Command {
		ad := admNew(req.UserID, req.FirstName, req.LastName, req.Language)
		k := req.DepartmentKey
		ad.Level, ad.SPID, ad.GroupID, ad.Department = store.LevelDepartment, string(k.ServiceProviderID), string(k.GroupID), string(k.Name)
		return c.admAdd(ad, req.Password)
	})
	on(r, "GroupDepartmentAdminGetRequest", func(c *call, req *deprecatedgroup.GroupDepartmentAdminGetRequest) ocixml.Command {
		v, fail := c.admGet(req.UserID, admDepartment)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecatedgroup.GroupDepartmentAdminGetResponse{DepartmentKey: admDeptKey(ad), DepartmentFullPath: datatypes.DepartmentName(v.DepartmentPath),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName), Language: datatypes.Language(ad.Language)}
	})
	on(r, "GroupDepartmentAdminGetRequest22", func(c *call, req *deprecatedgroup.GroupDepartmentAdminGetRequest22) ocixml.Command {
		v, fail := c.admGet(req.UserID, admDepartment)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &deprecatedgroup.GroupDepartmentAdminGetResponse22{DepartmentKey: admDeptKey(ad), DepartmentFullPath: datatypes.DepartmentName(v.DepartmentPath),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName), Language: datatypes.Language(ad.Language),
			AccountDisabled: v.Disabled, LastAuthenticatedDate: admLastLogin(ad)}
	})
	on(r, "GroupDepartmentAdminGetRequest22V2", func(c *call, req *group.GroupDepartmentAdminGetRequest22V2) ocixml.Command {
		v, fail := c.admGet(req.UserID, admDepartment)
		if fail != nil {
			return fail
		}
		ad := v.Admin
		return &group.GroupDepartmentAdminGetResponse22V2{DepartmentKey: admDeptKey(ad), DepartmentFullPath: datatypes.DepartmentName(v.DepartmentPath),
			FirstName: optS[datatypes.FirstName](ad.FirstName), LastName: optS[datatypes.LastName](ad.LastName), Language: datatypes.Language(ad.Language),
			AccountDisabled: v.Disabled, LastAuthenticatedDate: admLastLogin(ad), HasPassword: ad.PasswordSHA1 != ""}
	})
	on(r, "GroupDepartmentAdminModifyRequest", func(c *call, req *group.GroupDepartmentAdminModifyRequest) ocixml.Command {
		return c.admModify(req.UserID, admChange{first: nillableString(req.FirstName), last: nillableString(req.LastName), password: nillableString(req.Password),
			language: req.Language, disabled: req.AccountDisabled}, admDepartment)
	})
	on(r, "GroupDepartmentAdminDeleteRequest", func(c *call, req *group.GroupDepartmentAdminDeleteRequest) ocixml.Command {
		return c.admDelete(req.UserID, admDepartment)
	})
	on(r, "GroupDepartmentAdminGetListRequest", func(c *call, req *group.GroupDepartmentAdminGetListRequest) ocixml.Command {
		k := req.DepartmentKey
		list, err := c.p.core.ListAdmins(c.ctx, c.actor, provisioning.AdminListFilter{
			AdminFilter: store.AdminFilter{Level: store.LevelDepartment, SPID: string(k.ServiceProviderID), GroupID: string(k.GroupID)},
			Department:  string(k.Name)})
		if err != nil {
			return c.fail(err)
		}
		t := newTable("GroupDepartmentAdminGetListResponse", "departmentAdminTable")
		for _, ad := range list {
			t.set("Administrator ID", ad.ID).set("Last Name", ad.LastName).set("First Name", ad.FirstName).
				set("Department", ad.Department).set("Language", ad.Language)
			t.end()
		}
		return &group.GroupDepartmentAdminGetListResponse{DepartmentAdminTable: t.table()}
	})
}

// admNew starts an administrator record from the fields every add has.
func admNew(id datatypes.UserId, first *datatypes.FirstName, last *datatypes.LastName, lang *datatypes.Language) store.Admin {
	return store.Admin{ID: string(id), FirstName: sv(first), LastName: sv(last), Language: sv(lang)}
}

// admAdd adds ad. Switchboard has no external authentication for
// administrators, so a password is required even where the schema makes
// it optional.
func (c *call) admAdd(ad store.Admin, pw *datatypes.Password) ocixml.Command {
	if pw == nil {
		return ocip.CodeInvalidValue.Response("password", "an administrator needs a password")
	}
	if err := c.p.core.AddAdmin(c.ctx, c.actor, provisioning.AdminAdd{Admin: ad, Password: string(*pw)}); err != nil {
		return c.fail(err)
	}
	return success()
}

func (c *call) admGet(id datatypes.UserId, levels []store.AdminLevel) (provisioning.AdminView, ocixml.Command) {
	v, err := c.p.core.Admin(c.ctx, c.actor, string(id), levels...)
	if err != nil {
		return v, c.fail(err)
	}
	return v, nil
}

// admChange is what the modify commands of every level carry.
type admChange struct {
	first, last, password ocixml.Nillable[string]
	language              *datatypes.Language
	disabled              *bool
}

// admModify applies a modify: absent elements keep their value, nil
// clears a name. A password cannot be removed (there is no other way to
// log in). Only the password is touched when nothing else is sent, which
// is what a "Password Reset Only" administrator may do.
func (c *call) admModify(id datatypes.UserId, m admChange, levels []store.AdminLevel) ocixml.Command {
	var ch provisioning.AdminChange
	if m.password.IsNil() {
		return ocip.CodeInvalidValue.Response("password", "an administrator needs a password")
	}
	if pw, ok := m.password.Get(); ok {
		ch.NewPassword = &pw
	}
	ch.Disabled = m.disabled
	if m.first.IsSet() || m.last.IsSet() || m.language != nil {
		ch.Apply = func(ad *store.Admin) error {
			if m.first.IsSet() {
				ad.FirstName = m.first.Value()
			}
			if m.last.IsSet() {
				ad.LastName = m.last.Value()
			}
			if m.language != nil {
				ad.Language = string(*m.language)
			}
			return nil
		}
	}
	if ch.Apply == nil && ch.NewPassword == nil && ch.Disabled == nil {
		// Nothing to change, but the target must still exist and be in
		// scope, as for any modify.
		ch.Apply = func(*store.Admin) error { return nil }
	}
	if err := c.p.core.ModifyAdmin(c.ctx, c.actor, string(id), ch, levels...); err != nil {
		return c.fail(err)
	}
	return success()
}

func (c *call) admDelete(id datatypes.UserId, levels []store.AdminLevel) ocixml.Command {
	if err := c.p.core.DeleteAdmin(c.ctx, c.actor, string(id), levels...); err != nil {
		return c.fail(err)
	}
	return success()
}

func admDeptKey(ad store.Admin) datatypes.GroupDepartmentKey {
	return datatypes.GroupDepartmentKey{ServiceProviderID: datatypes.ServiceProviderId(ad.SPID), GroupID: datatypes.GroupId(ad.GroupID),
		Name: datatypes.DepartmentName(ad.Department)}
}

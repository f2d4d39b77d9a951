package ocipserver

import (
	"time"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/login"
)

// The login family: AuthenticationRequest issues a single-use nonce bound
// to the session; every LoginRequest version is answered with its own
// response version (clients cast the reply to the type they expect);
// LogoutRequest and VerifySessionIsValidRequest. The caller holds the
// LoginState lock for session commands.
func loginRoutes(r routes) {
	on(r, "AuthenticationRequest", func(c *call, req *deprecated.AuthenticationRequest) ocixml.Command {
		// Always issued, even for unknown ids, so ids cannot be probed.
		c.state.Nonce, c.state.NonceUser = provisioning.NewNonce(), string(req.UserID)
		return &deprecated.AuthenticationResponse{UserID: req.UserID, Nonce: c.state.Nonce,
			PasswordAlgorithm: datatypes.DigitalSignatureAlgorithmMD5}
	})
	on(r, "LoginRequest13mp10", func(c *call, req *deprecated.LoginRequest13mp10) ocixml.Command {
		info, fail := c.login(string(req.UserID), "", sv(req.SignedPassword))
		if fail != nil {
			return fail
		}
		return &deprecated.LoginResponse13mp10{LoginType: legacyLoginType(info.Level), Locale: "en_US", Encoding: "ISO-8859-1"}
	})
	on(r, "LoginRequest14sp4", func(c *call, req *deprecated.LoginRequest14sp4) ocixml.Command {
		info, fail := c.login(string(req.UserID), sv(req.PlainTextPassword), sv(req.SignedPassword))
		if fail != nil {
			return fail
		}
		return &deprecated.LoginResponse14sp4{LoginType: legacyLoginType(info.Level), Locale: "en_US", Encoding: "ISO-8859-1",
			GroupID: groupOf(info), ServiceProviderID: spOf(info), IsEnterprise: info.IsEnterprise, UserDomain: datatypes.NetAddress(info.UserDomain)}
	})
	on(r, "LoginRequest21sp1", func(c *call, req *deprecated.LoginRequest21sp1) ocixml.Command {
		info, fail := c.login(string(req.UserID), sv(req.PlainTextPassword), sv(req.SignedPassword))
		if fail != nil {
			return fail
		}
		return &deprecated.LoginResponse21sp1{LoginType: legacyLoginType(info.Level), Locale: "en_US", Encoding: "ISO-8859-1",
			GroupID: groupOf(info), ServiceProviderID: spOf(info), IsEnterprise: info.IsEnterprise, UserDomain: datatypes.NetAddress(info.UserDomain)}
	})
	on(r, "LoginRequest22", func(c *call, req *deprecated.LoginRequest22) ocixml.Command {
		info, fail := c.login(string(req.UserID), sv(req.Password), "")
		if fail != nil {
			return fail
		}
		return &deprecated.LoginResponse22{LoginType: legacyLoginType(info.Level), Locale: "en_US", Encoding: "ISO-8859-1",
			GroupID: groupOf(info), ServiceProviderID: spOf(info), IsEnterprise: info.IsEnterprise, UserDomain: datatypes.NetAddress(info.UserDomain)}
	})
	on(r, "LoginRequest22V2", func(c *call, req *deprecated.LoginRequest22V2) ocixml.Command {
		info, fail := c.login(string(req.UserID), sv(req.Password), "")
		if fail != nil {
			return fail
		}
		return &deprecated.LoginResponse22V2{LoginType: datatypes.LoginType22(info.Level.String()), Locale: "en_US", Encoding: "ISO-8859-1",
			GroupID: groupOf(info), ServiceProviderID: spOf(info), IsEnterprise: info.IsEnterprise, UserDomain: datatypes.NetAddress(info.UserDomain),
			ResellerID: resellerOf[datatypes.ResellerId](info)}
	})
	on(r, "LoginRequest22V3", func(c *call, req *deprecated.LoginRequest22V3) ocixml.Command {
		info, fail := c.login(string(req.UserID), sv(req.Password), "")
		if fail != nil {
			return fail
		}
		return &deprecated.LoginResponse22V3{LoginType: datatypes.LoginType22(info.Level.String()), Locale: "en_US", Encoding: "ISO-8859-1",
			GroupID: groupOf(info), ServiceProviderID: spOf(info), IsEnterprise: info.IsEnterprise, UserDomain: datatypes.NetAddress(info.UserDomain),
			ResellerID: resellerOf[datatypes.ResellerId](info)}
	})
	on(r, "LoginRequest22V4", func(c *call, req *deprecated.LoginRequest22V4) ocixml.Command {
		info, fail := c.login(string(req.UserID), sv(req.Password), sv(req.SignedPassword))
		if fail != nil {
			return fail
		}
		return &deprecated.LoginResponse22V4{LoginType: datatypes.LoginType22(info.Level.String()), Locale: "en_US", Encoding: "ISO-8859-1",
			GroupID: groupOf(info), ServiceProviderID: spOf(info), IsEnterprise: info.IsEnterprise, UserDomain: datatypes.NetAddress(info.UserDomain),
			ResellerID: resellerOf[datatypes.ResellerId22](info)}
	})
	on(r, "LoginRequest22V5", func(c *call, req *login.LoginRequest22V5) ocixml.Command {
		// In AS mode the schema makes password mandatory here and ignores
		// signedPassword; a signed password is still accepted when a nonce
		// is outstanding, which costs nothing and helps clients that send it.
		if req.Password == nil && (req.SignedPassword == nil || c.state.Nonce == "") {
			return ocip.CodeInvalidValue.Response("password", "LoginRequest22V5 needs a password")
		}
		info, fail := c.login(string(req.UserID), sv(req.Password), sv(req.SignedPassword))
		if fail != nil {
			return fail
		}
		return &login.LoginResponse22V5{LoginType: datatypes.LoginType22(info.Level.String()), Locale: "en_US", Encoding: "ISO-8859-1",
			GroupID: groupOf(info), ServiceProviderID: spOf(info), IsEnterprise: info.IsEnterprise, UserDomain: datatypes.NetAddress(info.UserDomain),
			ResellerID: resellerOf[datatypes.ResellerId22](info)}
	})
	on(r, "LogoutRequest", func(c *call, req *login.LogoutRequest) ocixml.Command {
		c.state.Reset()
		return success()
	})
	on(r, "VerifySessionIsValidRequest", func(c *call, req *login.VerifySessionIsValidRequest) ocixml.Command {
		return success() // reaching a handler means the session is logged in
	})
}

// login checks the credential against the session's nonce (consumed
// whatever the outcome) and installs the identity. A repeated login on a
// logged-in session replaces the identity; a failed one logs it out.
func (c *call) login(userID, password, signed string) (*provisioning.LoginInfo, ocixml.Command) {
	nonce := ""
	if signed != "" && c.state.NonceUser == userID {
		nonce = c.state.Nonce
	}
	c.state.Nonce, c.state.NonceUser = "", ""
	if password == "" && signed == "" {
		return nil, ocip.CodeInvalidPassword.Response()
	}
	info, err := c.p.core.Login(c.ctx, userID, provisioning.Credential{Password: password, SignedPassword: signed, Nonce: nonce})
	if err != nil {
		c.state.Principal = nil
		c.p.log.Info("ocip: login refused", "user", userID, "transport", c.b.Transport(), "remote", c.b.RemoteAddr(), "err", err)
		return nil, c.fail(err)
	}
	c.state.Principal, c.state.LoginAt = info.Actor, time.Now()
	c.p.log.Debug("ocip: login", "user", userID, "level", info.Level.String(), "transport", c.b.Transport())
	return info, nil
}

// legacyLoginType maps a level onto LoginType, which predates resellers:
// a reseller administrator is reported as a service provider one.
func legacyLoginType(l provisioning.Level) datatypes.LoginType {
	if l == provisioning.LevelReseller {
		return datatypes.LoginTypeServiceProvider
	}
	return datatypes.LoginType(l.String())
}

func groupOf(info *provisioning.LoginInfo) *datatypes.GroupId {
	if info.Actor.GroupID == "" {
		return nil
	}
	return ocixml.Ptr(datatypes.GroupId(info.Actor.GroupID))
}

func spOf(info *provisioning.LoginInfo) *datatypes.ServiceProviderId {
	if info.Actor.SPID == "" {
		return nil
	}
	return ocixml.Ptr(datatypes.ServiceProviderId(info.Actor.SPID))
}

func resellerOf[T ~string](info *provisioning.LoginInfo) *T {
	if info.Actor.ResellerID == "" {
		return nil
	}
	v := T(info.Actor.ResellerID)
	return &v
}

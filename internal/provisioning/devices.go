package provisioning

import (
	"context"
	"strings"

	"github.com/switchboard/switchboard/internal/store"
)

// Access devices belong to a group (GroupID set) or to a service provider
// (GroupID ""); names are unique at their level. Switchboard has no device
// type catalogue: any device type name is accepted, a device has an
// unlimited number of ports, and the protocol defaults to SIP 2.0. Group
// devices are managed by group administrators and above, provider devices
// by provider administrators and above.

// DefaultDeviceProtocol is the protocol of a device added without one.
const DefaultDeviceProtocol = "SIP 2.0"

// Keys of store.DeviceProfile.Extra this file owns.
const (
	deviceUserKey     = "credentialUserName"
	devicePasswordKey = "credentialPasswordDigest"
)

// SetDeviceCredentials records device management credentials: the user
// name, and only a salted digest of the password (nothing in Switchboard
// serves device files, so the password is never needed in clear).
func SetDeviceCredentials(p *store.DeviceProfile, userName, password string) {
	if p.Extra == nil {
		p.Extra = map[string]any{}
	}
	p.Extra[deviceUserKey] = userName
	p.Extra[devicePasswordKey] = hashPasscode(password)
}

// ClearDeviceCredentials forgets the device management credentials.
func ClearDeviceCredentials(p *store.DeviceProfile) {
	delete(p.Extra, deviceUserKey)
	delete(p.Extra, devicePasswordKey)
}

// DeviceCredentialUser is the recorded credential user name ("" if none).
func DeviceCredentialUser(p store.DeviceProfile) string {
	s, _ := p.Extra[deviceUserKey].(string)
	return s
}

// DeviceDetail is a device with the number of line ports users hold on it.
type DeviceDetail struct {
	Device        store.Device
	AssignedPorts int
}

func deviceWhat(groupID string) string {
	if groupID == "" {
		return "Service Provider Access Device"
	}
	return "Access Device"
}

// deviceScope checks the actor's level and scope over the devices of a
// group or (groupID "") of a service provider.
func (c *Core) deviceScope(tx store.Tx, a *Actor, spID, groupID string, write bool) error {
	if groupID != "" {
		return c.groupScope(tx, a, LevelGroup, spID, groupID, write)
	}
	sp, err := tx.GetServiceProvider(spID)
	if err != nil {
		return c.hideMissing(a, LevelReseller, storeErr(err, "Service Provider", spID))
	}
	return authorize(tx, a, LevelServiceProvider, Target{SPID: spID, ResellerID: sp.ResellerID}, write)
}

func checkDevice(d *store.Device) error {
	if d.Name == "" {
		return errInvalid("deviceName", "empty")
	}
	if d.Type == "" {
		return errInvalid("deviceType", "empty")
	}
	if d.Profile.ProtocolChoice == "" {
		d.Profile.ProtocolChoice = DefaultDeviceProtocol
	}
	if d.Profile.Port != 0 && (d.Profile.Port < 1025 || d.Profile.Port > 65535) {
		return errInvalid("port", "must be 1025 to 65535")
	}
	if d.Profile.UseCustomCreds && DeviceCredentialUser(d.Profile) == "" {
		return errInvalid("accessDeviceCredentials", "custom credentials are in use but none are set")
	}
	if m := d.Profile.MACAddress; strings.Trim(m, "0123456789abcdefABCDEF") != "" {
		return errInvalid("macAddress", "a MAC address is hexadecimal digits: "+m)
	}
	return nil
}

// AddDevice creates an access device.
func (c *Core) AddDevice(ctx context.Context, a *Actor, d store.Device) error {
	if err := checkDevice(&d); err != nil {
		return err
	}
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.deviceScope(tx, a, d.SPID, d.GroupID, true); err != nil {
			return err
		}
		return storeErr(tx.InsertDevice(d), deviceWhat(d.GroupID), d.Name)
	})
}

// Device reads one access device.
func (c *Core) Device(ctx context.Context, a *Actor, spID, groupID, name string) (dd DeviceDetail, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := c.deviceScope(tx, a, spID, groupID, false); err != nil {
			return err
		}
		d, err := tx.GetDevice(spID, groupID, name)
		if err != nil {
			return storeErr(err, deviceWhat(groupID), name)
		}
		ports, err := devicePorts(tx, spID, groupID)
		dd = DeviceDetail{Device: d, AssignedPorts: ports[name]}
		return err
	})
	return dd, err
}

// ModifyDevice applies fn to a device; its name, level and type stay.
func (c *Core) ModifyDevice(ctx context.Context, a *Actor, spID, groupID, name string, fn func(*store.Device) error) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.deviceScope(tx, a, spID, groupID, true); err != nil {
			return err
		}
		d, err := tx.GetDevice(spID, groupID, name)
		if err != nil {
			return storeErr(err, deviceWhat(groupID), name)
		}
		keep := d
		if err := fn(&d); err != nil {
			return err
		}
		d.SPID, d.GroupID, d.Name, d.Type = keep.SPID, keep.GroupID, keep.Name, keep.Type
		if err := checkDevice(&d); err != nil {
			return err
		}
		return storeErr(tx.UpdateDevice(d), deviceWhat(groupID), name)
	})
}

// DeleteDevice removes a device no user's endpoint uses.
func (c *Core) DeleteDevice(ctx context.Context, a *Actor, spID, groupID, name string) error {
	return c.update(ctx, func(tx store.Tx) error {
		if err := c.deviceScope(tx, a, spID, groupID, true); err != nil {
			return err
		}
		if _, err := tx.GetDevice(spID, groupID, name); err != nil {
			return storeErr(err, deviceWhat(groupID), name)
		}
		user := ""
		err := eachDeviceUse(tx, spID, groupID, func(device, userID string) bool {
			if device == name {
				user = userID
			}
			return user == ""
		})
		if err != nil {
			return err
		}
		if user != "" {
			return &Error{Kind: KindInUse, Args: []string{deviceWhat(groupID), name}, Detail: "user " + user + " has an endpoint on it"}
		}
		return tx.DeleteDevice(spID, groupID, name)
	})
}

// DeviceListFilter is the device lists' criteria, ANDed.
type DeviceListFilter struct {
	Name, MAC, NetAddress, Version []StringCriterion
	Type                           *string
	Limit                          int
}

// ListDevices lists the devices of a group or of a service provider by
// name. Switchboard records no device version, so a version criterion is
// applied to an empty version.
func (c *Core) ListDevices(ctx context.Context, a *Actor, spID, groupID string, f DeviceListFilter) (out []DeviceDetail, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := c.deviceScope(tx, a, spID, groupID, false); err != nil {
			return err
		}
		ports, err := devicePorts(tx, spID, groupID)
		if err != nil {
			return err
		}
		out = out[:0]
		return tx.ListDevices(spID, groupID, func(d store.Device) bool {
			if !matchAll(f.Name, d.Name) || !matchAll(f.MAC, d.Profile.MACAddress) || !matchAll(f.NetAddress, d.Profile.NetAddress) ||
				!matchAll(f.Version, "") || (f.Type != nil && *f.Type != d.Type) {
				return true
			}
			out = append(out, DeviceDetail{Device: d, AssignedPorts: ports[d.Name]})
			return f.Limit <= 0 || len(out) < f.Limit
		})
	})
	return out, err
}

// devicePorts counts the endpoints on each device of a level.
func devicePorts(tx store.Tx, spID, groupID string) (map[string]int, error) {
	n := map[string]int{}
	err := eachDeviceUse(tx, spID, groupID, func(device, _ string) bool { n[device]++; return true })
	return n, err
}

// eachDeviceUse calls fn for every endpoint on a device of the group (or,
// groupID "", on a provider device): users' primary endpoints, and the
// shared call appearance endpoints the consolidated user add records in
// the profile's extra attributes.
func eachDeviceUse(tx store.Tx, spID, groupID string, fn func(device, userID string) bool) error {
	level := "Group"
	if groupID == "" {
		level = "Service Provider"
	}
	onLevel := func(l string) bool { return l == level || (level == "Group" && l == "") }
	return tx.ListUsers(store.UserFilter{SPID: spID, GroupID: groupID}, func(u store.User) bool {
		if ep := u.Profile.Endpoint; ep != nil && onLevel(ep.DeviceLevel) {
			if !fn(ep.DeviceName, u.ID) {
				return false
			}
		}
		sca, _ := u.Profile.Extra["sharedCallAppearanceEndpoints"].([]any)
		for _, e := range sca {
			m, _ := e.(map[string]any)
			l, _ := m["deviceLevel"].(string)
			name, _ := m["deviceName"].(string)
			if name != "" && onLevel(l) && !fn(name, u.ID) {
				return false
			}
		}
		return true
	})
}

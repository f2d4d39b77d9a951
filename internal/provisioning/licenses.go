package provisioning

import (
	"context"

	"github.com/switchboard/switchboard/internal/store"
)

// LicenseReport is the system licence view. Switchboard licenses every
// service of the catalogue without limit, so a report is usage only:
// what users, groups and service instances hold.
type LicenseReport struct {
	Users        int
	VirtualUsers int
	// UserServices counts user service assignments, a service held
	// through a pack counted once per pack assignment.
	UserServices  map[string]int
	GroupServices map[string]int
	// CallCenters counts call center instances by type.
	CallCenters map[string]int
}

// Licenses builds the licence report. System and Provisioning
// administrators only.
func (c *Core) Licenses(ctx context.Context, a *Actor) (r LicenseReport, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		if err := authorize(tx, a, LevelProvisioning, Target{}, false); err != nil {
			return err
		}
		r = LicenseReport{UserServices: map[string]int{}, GroupServices: map[string]int{}, CallCenters: map[string]int{}}
		var sps []string
		if err := tx.ListServiceProviders(func(sp store.ServiceProvider) bool { sps = append(sps, sp.ID); return true }); err != nil {
			return err
		}
		for _, sp := range sps {
			n, err := tx.CountUsers(sp, "", store.KindUser)
			if err != nil {
				return err
			}
			v, err := tx.CountUsers(sp, "", store.KindCallCenter)
			if err != nil {
				return err
			}
			r.Users, r.VirtualUsers = r.Users+n, r.VirtualUsers+v
		}
		usage, err := tx.ServiceUsage()
		if err != nil {
			return err
		}
		packs := map[[2]string][]string{}
		for _, u := range usage {
			switch u.Kind {
			case store.SvcUser:
				r.UserServices[u.Name] += u.Count
			case store.SvcGroup:
				r.GroupServices[u.Name] += u.Count
			case store.SvcPack:
				k := [2]string{u.SPID, u.Name}
				svcs, ok := packs[k]
				if !ok {
					p, err := tx.GetServicePack(u.SPID, u.Name)
					if err != nil {
						return err
					}
					svcs = p.Services
					packs[k] = svcs
				}
				for _, s := range svcs {
					r.UserServices[s] += u.Count
				}
			}
		}
		return tx.ListCallCenters("", "", func(cc store.CallCenter) bool {
			r.CallCenters[cc.Type]++
			return true
		})
	})
	return r, err
}

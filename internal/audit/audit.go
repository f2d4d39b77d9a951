// Package audit gathers structured reports over OCI-P: everything about
// one group (users, numbers, services, devices, call centers), a digest of
// one user, and searches for the user behind an alias, a number or an
// extension. It works for any client of the SDK and keeps round trips
// few: the independent requests of a step share one document, and the
// per-user and per-instance requests of a step go out in one Batch, whose
// documents run in parallel over the client's pool.
package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard/switchboard/internal/output"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// Auditor runs audits and searches over a client.
type Auditor struct {
	Client *ocip.Client
	// Timeout bounds each step (one document, or one Batch of them);
	// zero leaves only the caller's context.
	Timeout time.Duration
}

// Endpoint is where a user's line sits: a device and a line port on it.
type Endpoint struct {
	DeviceLevel string `json:"deviceLevel"`
	DeviceName  string `json:"deviceName"`
	LinePort    string `json:"linePort"`
}

// batch sends reqs in as few documents as the client allows, all under
// one step deadline. A transport failure loses the whole step.
func (a *Auditor) batch(ctx context.Context, reqs ...ocixml.Command) ([]ocip.Result, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	if a.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.Timeout)
		defer cancel()
	}
	return a.Client.Batch(ctx, reqs...)
}

// as returns a result's response as the expected type.
func as[T ocixml.Command](r ocip.Result) (T, error) {
	var zero T
	if r.Err != nil {
		return zero, r.Err
	}
	v, ok := r.Response.(T)
	if !ok {
		return zero, fmt.Errorf("audit: %s answered where %T was expected", r.Response.XSIType(), zero)
	}
	return v, nil
}

// refused reports whether err is the server's refusal (as opposed to a
// transport failure), and with which code.
func refused(err error) (int, bool) {
	var e *ocip.ErrorResponse
	if errors.As(err, &e) {
		return e.Code, true
	}
	return 0, false
}

// fullNumber writes a number of a user get (national digits plus the
// country code) the way the list commands do: "+CC-national".
func fullNumber(cc datatypes.CountryCode, n *datatypes.DN) string {
	if n == nil {
		return ""
	}
	s := string(*n)
	if s == "" || strings.HasPrefix(s, "+") || cc == "" {
		return s
	}
	return "+" + string(cc) + "-" + s
}

func str[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

// departmentName reads the name of a group or enterprise department key.
func departmentName(k datatypes.DepartmentKey) string {
	switch d := k.(type) {
	case *datatypes.GroupDepartmentKey:
		return string(d.Name)
	case *datatypes.EnterpriseDepartmentKey:
		return string(d.Name)
	}
	return ""
}

func endpointOf(r *user.UserGetResponse23V2) *Endpoint {
	ep := r.AccessDeviceEndpoint
	if ep == nil {
		return nil
	}
	return &Endpoint{DeviceLevel: string(ep.AccessDevice.DeviceLevel), DeviceName: string(ep.AccessDevice.DeviceName), LinePort: string(ep.LinePort)}
}

func aliasesOf(r *user.UserGetResponse23V2) []string {
	out := make([]string, len(r.Alias))
	for i, a := range r.Alias {
		out[i] = string(a)
	}
	return out
}

// assignedServices reads the user services and packs marked assigned.
func assignedServices(r *user.UserServiceGetAssignmentListResponse) (services, packs []string, err error) {
	type svc struct {
		Name     string `ocip:"Service Name"`
		Assigned bool   `ocip:"Assigned"`
	}
	type pack struct {
		Name     string `ocip:"Service Pack Name"`
		Assigned bool   `ocip:"Assigned"`
	}
	ss, err := ocip.ScanTable[svc](r.UserServicesAssignmentTable)
	if err != nil {
		return nil, nil, err
	}
	ps, err := ocip.ScanTable[pack](r.ServicePacksAssignmentTable)
	if err != nil {
		return nil, nil, err
	}
	services, packs = []string{}, []string{}
	for _, s := range ss {
		if s.Assigned {
			services = append(services, s.Name)
		}
	}
	for _, p := range ps {
		if p.Assigned {
			packs = append(packs, p.Name)
		}
	}
	return services, packs, nil
}

// Table cells.

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func join(s []string) string { return strings.Join(s, "; ") }

func itoa(n int) string { return fmt.Sprint(n) }

func endpointCells(ep *Endpoint) (device, port string) {
	if ep == nil {
		return "", ""
	}
	return ep.DeviceName, ep.LinePort
}

// single is a one-row table of label/value pairs.
func single(name string, pairs ...string) output.Table {
	t := output.Table{Name: name}
	var row []string
	for i := 0; i+1 < len(pairs); i += 2 {
		t.Headings = append(t.Headings, pairs[i])
		row = append(row, pairs[i+1])
	}
	t.Rows = [][]string{row}
	return t
}

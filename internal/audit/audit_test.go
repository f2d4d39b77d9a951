package audit

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/switchboard/switchboard/internal/testbed"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

func TestPattern(t *testing.T) {
	for _, c := range []struct {
		in, extra string
		mode      datatypes.SearchMode
		v         string
		ok        bool
	}{
		{"2025550101", "+-", datatypes.SearchModeEqualTo, "2025550101", true},
		{"+1-20255*", "+-", datatypes.SearchModeStartsWith, "+1-20255", true},
		{"12*3", "", "", "", false},
		{"*", "", "", "", false},
		{"+-", "+-", "", "", false},
		{"12a", "", "", "", false},
	} {
		mode, v, ok := pattern(c.in, c.extra)
		if mode != c.mode || v != c.v || ok != c.ok {
			t.Errorf("pattern(%q) = %q, %q, %v; want %q, %q, %v", c.in, mode, v, ok, c.mode, c.v, c.ok)
		}
	}
}

// TestGroupBatching audits a group of 20 users: the lists take one
// document and the 40 per-user requests ceil(40/15) = 3 more, whatever
// the pool size.
func TestGroupBatching(t *testing.T) {
	tb := testbed.Start(t)
	ctx := context.Background()
	c, err := ocip.Dial(ctx, ocip.Config{Addr: tb.TCPAddr, User: testbed.Admin, Password: testbed.Password, Conns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reqs := []ocixml.Command{
		&system.SystemDomainAddRequest{Domain: "big.example"},
		&deprecated.ServiceProviderAddRequest13mp2{IsEnterprise: true, ServiceProviderID: "big", DefaultDomain: "big.example"},
		&deprecatedgroup.GroupAddRequest{ServiceProviderID: "big", GroupID: "g", DefaultDomain: "big.example", UserLimit: 100},
	}
	pw := datatypes.Password("User-pass-123")
	for i := range 20 {
		reqs = append(reqs, &user.UserAddRequest22V2{ServiceProviderID: "big", GroupID: "g", UserID: datatypes.UserId(fmt.Sprintf("u%02d@big.example", i)),
			LastName: "User", FirstName: datatypes.FirstName(fmt.Sprint(i)), CallingLineIDLastName: "User", CallingLineIDFirstName: "X", Password: &pw})
	}
	for _, r := range reqs {
		if _, err := c.Send(ctx, r); err != nil {
			t.Fatalf("%s: %v", r.XSIType(), err)
		}
	}
	before := tb.Stats().Documents
	rep, err := (&Auditor{Client: c}).Group(ctx, "big", "g")
	if err != nil {
		t.Fatal(err)
	}
	if n := tb.Stats().Documents - before; n != 4 {
		t.Errorf("%d documents, want 4", n)
	}
	if len(rep.Users) != 20 || len(rep.Problems) != 0 || rep.Group.UserCount != 20 {
		t.Errorf("users %d, problems %v, count %d", len(rep.Users), rep.Problems, rep.Group.UserCount)
	}
	for _, u := range rep.Users {
		if u.Aliases == nil || u.Services == nil || u.ServicePacks == nil {
			t.Errorf("user %s: nil lists would marshal as null: %+v", u.UserID, u)
		}
	}

	_, err = (&Auditor{Client: c}).Group(ctx, "big", "nosuch")
	var e *ocip.ErrorResponse
	if err == nil || !errors.As(err, &e) {
		t.Errorf("missing group: %v", err)
	}
}

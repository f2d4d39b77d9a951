package schema_test

import (
	"slices"
	"testing"

	"github.com/switchboard/switchboard/ocip/schema/datatypes"
)

// The generated value lists hold every enumeration value once, each
// valid for its type, in schema order.
func TestEnumValues(t *testing.T) {
	us := datatypes.UserServiceValues()
	if !slices.Contains(us, datatypes.UserServiceCallWaiting) || !slices.Contains(us, datatypes.UserServiceCallCenterPremium) {
		t.Fatalf("UserServiceValues lacks known services: %d values", len(us))
	}
	for _, v := range us {
		if err := v.Validate(); err != nil {
			t.Fatalf("%q: %v", v, err)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(us)))) != len(us) {
		t.Fatal("duplicate values")
	}
	lt := datatypes.LoginType22Values()
	want := []datatypes.LoginType22{"System", "Provisioning", "Reseller", "Service Provider", "Group", "Group Department", "User", "Lawful Intercept"}
	if !slices.Equal(lt, want) {
		t.Fatalf("LoginType22Values = %q", lt)
	}
	lt[0] = "changed"
	if datatypes.LoginType22Values()[0] != "System" {
		t.Fatal("the list is shared")
	}
}

package schema

import (
	"slices"
	"testing"
)

func TestDescribe(t *testing.T) {
	d, ok := Describe("UserGetRequest23V2")
	if !ok || len(d.Fields) != 1 || d.Fields[0].Name != "userId" || d.Fields[0].Type != "UserId" || d.Fields[0].Optional {
		t.Fatalf("UserGetRequest23V2: %+v", d)
	}
	d, _ = Describe("UserConsolidatedAddRequest22")
	byName := map[string]FieldDesc{}
	for _, f := range d.Fields {
		byName[f.Name] = f
	}
	if f := byName["serviceProviderId"]; !f.Choice || !f.Optional {
		t.Errorf("serviceProviderId: %+v", f)
	}
	if f := byName["alias"]; f.Max != -1 && f.Max != 3 {
		t.Errorf("alias: %+v", f)
	}
	if f := byName["addPhoneNumberToGroup"]; !f.Fixed {
		t.Errorf("addPhoneNumberToGroup: %+v", f)
	}
	if f := byName["thirdPartyVoiceMailServerUserServer"]; !f.Nillable {
		t.Errorf("nillable: %+v", f)
	}
	d, _ = Describe("UserGetListInGroupResponse")
	if len(d.Fields) != 1 || d.Fields[0].Type != "OCITable" || !slices.Contains(d.Fields[0].Headings, "User Id") {
		t.Errorf("table: %+v", d.Fields)
	}
	s, ok := DescribeSimple("UserId")
	if !ok || s.MinLen != 1 || s.MaxLen != 161 {
		t.Errorf("UserId: %+v", s)
	}
	s, _ = DescribeSimple("LoginType22")
	if !slices.Contains(s.Enums, "Reseller") {
		t.Errorf("LoginType22 enums: %v", s.Enums)
	}
	if _, ok := Describe("NoSuchType"); ok {
		t.Error("unknown type described")
	}
}

package provisioning

import "strings"

// Mode is a string search criterion's mode.
type Mode int

const (
	StartsWith Mode = iota
	Contains
	EqualTo
)

// StringCriterion is the schema's SearchCriteria{mode, value,
// isCaseInsensitive} for one column.
type StringCriterion struct {
	Mode            Mode
	Value           string
	CaseInsensitive bool
}

// Match applies the criterion to s.
func (c StringCriterion) Match(s string) bool {
	v := c.Value
	if c.CaseInsensitive {
		s, v = strings.ToLower(s), strings.ToLower(v)
	}
	switch c.Mode {
	case Contains:
		return strings.Contains(s, v)
	case EqualTo:
		return s == v
	default:
		return strings.HasPrefix(s, v)
	}
}

// matchAll ANDs every criterion over one value: several criteria on the
// same column are ANDed too, as the schema says.
func matchAll(cs []StringCriterion, s string) bool {
	for _, c := range cs {
		if !c.Match(s) {
			return false
		}
	}
	return true
}

// matchAny reports whether the criterion matches any of values (the
// "composed OR" criteria, and columns with several spellings).
func matchAny(c StringCriterion, values ...string) bool {
	for _, v := range values {
		if c.Match(v) {
			return true
		}
	}
	return false
}

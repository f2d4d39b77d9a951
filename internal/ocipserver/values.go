package ocipserver

import "github.com/switchboard/switchboard/ocip/ocixml"

// Conversions between the generated types' optional, nillable and named
// string forms and the plain strings the core uses, shared by every
// family.

// strs converts a slice of a named string type.
func strs[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

// nillableString keeps the three states of a nillable element.
func nillableString[T ~string](n ocixml.Nillable[T]) ocixml.Nillable[string] {
	switch {
	case n.IsNil():
		return ocixml.Null[string]()
	case n.IsSet():
		return ocixml.Some(string(n.Value()))
	}
	return ocixml.Nillable[string]{}
}

// nv is the value of a nillable string-like element ("" when absent or nil).
func nv[T ~string](n ocixml.Nillable[T]) string { return string(n.Value()) }

// sv is the value of an optional element ("" when absent).
func sv[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

// optS is a pointer to s as T, or nil for "".
func optS[T ~string](s string) *T {
	if s == "" {
		return nil
	}
	v := T(s)
	return &v
}

// setS sets *dst when the optional element is present.
func setS[T ~string](dst *string, p *T) {
	if p != nil {
		*dst = string(*p)
	}
}

// setN applies a nillable element: absent keeps, nil clears, value sets.
func setN[T ~string](dst *string, n ocixml.Nillable[T]) {
	if n.IsSet() {
		*dst = string(n.Value())
	}
}

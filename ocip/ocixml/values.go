package ocixml

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Nillable holds an element that may be absent, explicitly nil
// (xsi:nil="true", which in modify requests means "clear it"), or a value.
// The zero Nillable is absent. A pointer cannot tell nil from absent, which
// is why modify requests need this type.
type Nillable[T any] struct {
	v     T
	state uint8 // 0 absent, 1 nil, 2 value
}

// Some returns a Nillable holding v.
func Some[T any](v T) Nillable[T] { return Nillable[T]{v: v, state: 2} }

// Null returns an explicitly nil Nillable.
func Null[T any]() Nillable[T] { return Nillable[T]{state: 1} }

// IsSet reports whether the element is present, as a value or as nil.
func (n Nillable[T]) IsSet() bool { return n.state != 0 }

// IsNil reports whether the element is present and nil.
func (n Nillable[T]) IsNil() bool { return n.state == 1 }

// Get returns the value and whether there is one.
func (n Nillable[T]) Get() (T, bool) { return n.v, n.state == 2 }

// Value returns the value, or the zero value when absent or nil.
func (n Nillable[T]) Value() T { return n.v }

// Ptr returns a pointer to a copy of v; optional fields are pointers.
func Ptr[T any](v T) *T { return &v }

// Seen records which single-occurrence children of an element were read,
// so that duplicates and missing required elements are caught while
// decoding. 256 bits cover the widest type in the schema.
type Seen [4]uint64

// Has reports whether child i was seen.
func (s *Seen) Has(i uint) bool { return s[i>>6]&(1<<(i&63)) != 0 }

// Once marks child i as seen. A second occurrence fails the decode.
func (d *Decoder) Once(s *Seen, i uint) bool {
	w, m := i>>6, uint64(1)<<(i&63)
	if s[w]&m != 0 {
		d.fail(RuleOccurs, "element "+d.Local()+" may appear only once")
		return false
	}
	s[w] |= m
	return true
}

// Collapse applies the XSD "collapse" whitespace rule (xs:token and types
// derived from it): runs of whitespace become one space, ends are trimmed.
func Collapse(s string) string {
	if !needsCollapse(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isSpaceByte(c) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

func needsCollapse(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t', '\n', '\r':
			return true
		case ' ':
			if s[i+1] == ' ' {
				return true
			}
		}
	}
	return false
}

// Replace applies the XSD "replace" whitespace rule (xs:normalizedString):
// tabs and line ends become spaces.
func Replace(s string) string {
	if strings.IndexAny(s, "\t\n\r") < 0 {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c == '\t' || c == '\n' || c == '\r' {
			b[i] = ' '
		}
	}
	return string(b)
}

// Token reads the current element as an xs:token (whitespace collapsed).
func (d *Decoder) Token() string { return Collapse(d.Text()) }

// NormalizedString reads the current element as an xs:normalizedString.
func (d *Decoder) NormalizedString() string { return Replace(d.Text()) }

// Bool reads an xs:boolean: true, false, 1 or 0.
func (d *Decoder) Bool() bool {
	s := trimSpace(d.Text())
	switch s {
	case "true", "1":
		return true
	case "false", "0":
		return false
	}
	if d.err == nil {
		d.failClosed(RuleType, "'"+s+"' is not a boolean")
	}
	return false
}

// Int32 reads an xs:int.
func (d *Decoder) Int32() int32 {
	s := trimSpace(d.Text())
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil && d.err == nil {
		d.failClosed(RuleType, "'"+s+"' is not an int")
	}
	return int32(v)
}

// Int64 reads an xs:long.
func (d *Decoder) Int64() int64 {
	s := trimSpace(d.Text())
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil && d.err == nil {
		d.failClosed(RuleType, "'"+s+"' is not a long")
	}
	return v
}

// Float32 reads an xs:float, including INF, -INF and NaN.
func (d *Decoder) Float32() float32 {
	s := trimSpace(d.Text())
	switch s {
	case "INF", "+INF":
		return float32(math.Inf(1))
	case "-INF":
		return float32(math.Inf(-1))
	case "NaN":
		return float32(math.NaN())
	}
	v, err := strconv.ParseFloat(s, 32)
	if (err != nil || strings.ContainsAny(s, "xXpP_iInN")) && d.err == nil {
		d.failClosed(RuleType, "'"+s+"' is not a float")
	}
	return float32(v)
}

// Base64 reads an xs:base64Binary; whitespace inside the value is allowed.
func (d *Decoder) Base64() []byte {
	s := d.Text()
	if strings.ContainsAny(s, " \t\n\r") {
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
	}
	v, err := base64.StdEncoding.DecodeString(s)
	if err != nil && d.err == nil {
		d.failClosed(RuleType, "value is not valid base64")
	}
	return v
}

// Fixed reads an element whose schema value is fixed and checks it. Booleans
// compare by meaning ("1" equals "true").
func (d *Decoder) Fixed(want string, boolean bool) {
	got := Collapse(d.Text())
	if got == want || (boolean && ((want == "true" && got == "1") || (want == "false" && got == "0"))) {
		return
	}
	if d.err == nil {
		d.failClosed(RuleFixed, "value must be '"+want+"', got '"+got+"'")
	}
}

// failClosed reports a value error on the element just read (and closed).
func (d *Decoder) failClosed(rule, detail string) {
	if d.err == nil {
		d.err = &Error{Path: d.closedPath(), Rule: rule, Detail: detail, Line: 1 + strings.Count(d.src[:min(d.pos, len(d.src))], "\n")}
	}
}

// CheckLength validates the length facets of a string in characters;
// negative bounds mean "none".
func CheckLength(s string, minLen, maxLen int) error {
	n := utf8.RuneCountInString(s)
	if minLen >= 0 && n < minLen {
		return &Error{Rule: RuleLength, Detail: "length " + strconv.Itoa(n) + " is below the minimum " + strconv.Itoa(minLen)}
	}
	if maxLen >= 0 && n > maxLen {
		return &Error{Rule: RuleLength, Detail: "length " + strconv.Itoa(n) + " is above the maximum " + strconv.Itoa(maxLen)}
	}
	return nil
}

// RangeError reports a number outside its facets.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func RangeError(v int64, minV, maxV string) error {
	return &Error{Rule: RuleRange, Detail: "value " + strconv.FormatInt(v, 10) + " is outside [" + minV + ", " + maxV + "]"}
}

// EnumError reports a value outside an enumeration.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func EnumError(v string) error {
	return &Error{Rule: RuleEnum, Detail: "'" + v + "' is not an allowed value"}
}

// PatternError reports a value that does not match a pattern facet.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func PatternError(v, pattern string) error {
	return &Error{Rule: RulePattern, Detail: "'" + v + "' does not match " + pattern}
}

// OccursError reports a repeated element outside its bounds.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func OccursError(name string, n, minN, maxN int) error {
	m := "unbounded"
	if maxN >= 0 {
		m = strconv.Itoa(maxN)
	}
	return &Error{Path: name, Rule: RuleOccurs, Detail: "element occurs " + strconv.Itoa(n) + " times, allowed " + strconv.Itoa(minN) + ".." + m}
}

// RequiredError reports a required element left empty in a built value.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func RequiredError(name string) error {
	return &Error{Path: name, Rule: RuleRequired, Detail: "required element is missing"}
}

// ChoiceError reports a choice with no or several branches present.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func ChoiceError(names string) error {
	return &Error{Rule: RuleChoice, Detail: "exactly one of " + names + " must be given"}
}

// CheckChoice validates one choice group. set has a bit per element of the
// group that is present; all[i] and req[i] are the elements of branch i and
// the ones that branch requires. A branch matches when everything present
// belongs to it and all it requires is present; optional choices also accept
// an empty group.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func CheckChoice(set uint64, optional bool, all, req []uint64, names string) error {
	if set == 0 && optional {
		return nil
	}
	for i := range all {
		if set&^all[i] == 0 && req[i]&^set == 0 {
			return nil
		}
	}
	return ChoiceError(names)
}

// Ref returns a pointer to the held value, or nil when absent or nil. It
// lets encoders pass the value on without copying it.
func (n *Nillable[T]) Ref() *T {
	if n.state == 2 {
		return &n.v
	}
	return nil
}

// Set makes n hold v.
func (n *Nillable[T]) Set(v T) { *n = Some(v) }

// SetNil makes n explicitly nil.
func (n *Nillable[T]) SetNil() { *n = Null[T]() }

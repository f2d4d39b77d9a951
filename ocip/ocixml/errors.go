package ocixml

import (
	"strconv"
	"strings"
)

// Rules name the constraint an Error reports. They are stable strings: the
// server copies them into the detail of an [Error 6004] response and tests
// match on them.
const (
	RuleSyntax      = "syntax"      // not well-formed XML
	RuleDoctype     = "doctype"     // DOCTYPE/DTD present
	RuleDepth       = "depth"       // nesting deeper than MaxDepth
	RuleSize        = "size"        // document larger than allowed
	RuleEncoding    = "encoding"    // unsupported or broken character encoding
	RuleUnknown     = "element"     // element not allowed at this place
	RuleRequired    = "required"    // required element missing
	RuleOccurs      = "occurs"      // element repeated more or fewer times than allowed
	RuleChoice      = "choice"      // none or several branches of a choice
	RuleType        = "type"        // value not of the element's built-in type
	RuleXSIType     = "xsi:type"    // unknown or unsuitable xsi:type
	RuleFixed       = "fixed"       // value differs from the schema's fixed value
	RuleEnum        = "enumeration" // value not among the allowed ones
	RuleLength      = "length"      // string length outside its facets
	RuleRange       = "range"       // number outside its facets
	RulePattern     = "pattern"     // value does not match the facet pattern
	RuleCommands    = "commands"    // more commands than a document may carry
	RuleRootElement = "root"        // root element is not BroadsoftDocument
)

// Error is a decoding or validation failure with the element path where it
// happened, the rule broken and a human-readable detail.
type Error struct {
	Path   string // slash-separated element path, e.g. "command[UserAddRequest22]/department/name"
	Rule   string // one of the Rule constants
	Detail string
	Line   int // 1-based line in the document, 0 when not known (validation of built values)
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Detail)
	b.WriteString(" (")
	b.WriteString(e.Rule)
	if e.Line > 0 {
		b.WriteString(", line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteByte(')')
	return b.String()
}

// At prefixes the path of a validation error with the element name it was
// found under; other errors pass through unchanged.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func At(name string, err error) error {
	if e, ok := err.(*Error); ok {
		c := *e
		if c.Path == "" {
			c.Path = name
		} else {
			c.Path = name + "/" + c.Path
		}
		return &c
	}
	return err
}

// AtIndex is At for the i-th occurrence of a repeated element.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func AtIndex(name string, i int, err error) error {
	return At(name+"["+strconv.Itoa(i)+"]", err)
}

// Errorf builds a validation error without a path; At adds it on the way up.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func Errorf(rule, detail string) error { return &Error{Rule: rule, Detail: detail} }

// Fail records an error at the current element unless one is recorded.
//
//go:noinline // generated code calls this at thousands of sites; inlining them all bloats compile memory
func (d *Decoder) Fail(rule, detail string) { d.fail(rule, detail) }

func (d *Decoder) fail(rule, detail string) { d.failAt(d.pos, rule, detail) }

func (d *Decoder) failAt(pos int, rule, detail string) {
	if d.err != nil {
		return
	}
	d.err = &Error{Path: d.path(), Rule: rule, Detail: detail, Line: 1 + strings.Count(d.src[:min(pos, len(d.src))], "\n")}
}

// FailErr records a validation error found while decoding the current
// element, adding the element path.
func (d *Decoder) FailErr(err error) {
	if d.err != nil || err == nil {
		return
	}
	e, ok := err.(*Error)
	if !ok {
		d.fail(RuleType, err.Error())
		return
	}
	c := *e
	p := d.path()
	if c.Path != "" {
		p += "/" + c.Path
	}
	c.Path = p
	c.Line = 1 + strings.Count(d.src[:min(d.pos, len(d.src))], "\n")
	d.err = &c
}

func (d *Decoder) path() string {
	var b strings.Builder
	for i, f := range d.stack {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(f.local)
		if f.xsiType != "" {
			b.WriteByte('[')
			b.WriteString(f.xsiType)
			b.WriteByte(']')
		}
	}
	return b.String()
}

// Missing records that a required child element is absent from the current
// element and returns the error.
func (d *Decoder) Missing(name string) error {
	if d.err == nil {
		d.err = &Error{Path: d.closedPath(), Rule: RuleRequired, Detail: "required element " + name + " is missing"}
	}
	return d.err
}

// closedPath is the path of the element that was just closed: generated
// decoders check required children after the end tag.
func (d *Decoder) closedPath() string {
	p := d.path()
	if f := d.lastClosed; f.local != "" {
		if p != "" {
			p += "/"
		}
		p += f.local
		if f.xsiType != "" {
			p += "[" + f.xsiType + "]"
		}
	}
	return p
}

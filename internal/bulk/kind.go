package bulk

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema"
)

// Column is one column a kind's sheet may have.
type Column struct {
	Name string
	// Required columns need a value on every row (after defaults).
	Required bool
	// List cells hold several values separated by ListSep.
	List bool
	// Secret values (passwords) are never echoed and left out of the row
	// hash.
	Secret bool
	// Default is the value of an empty cell; DefaultFrom names the column
	// whose value is used instead.
	Default, DefaultFrom string
	// Elem is "Request/path/to/element": the element the value goes to,
	// whose schema type checks it. "" for columns that steer the row.
	Elem string
	// Values are the allowed values of a column without Elem.
	Values []string
	// Help says what the column is for, in a few words.
	Help string
	// manual columns are placed by the kind's build function instead of
	// being copied to Elem.
	manual bool
}

// Kind is one type of sheet: its columns and how a row becomes commands.
type Kind struct {
	Name    string
	Summary string
	// Atomicity says which commands a row sends and what is undone when
	// one fails.
	Atomicity string
	Columns   []Column
	// keyCols make up a row's key; keyName names it in messages.
	keyCols []string
	keyName string
	// check adds the kind's cross-column rules; build makes the steps.
	check func(v values) []Problem
	build func(v values) ([]Step, error)
}

// Kinds lists every kind in the order sheets usually run.
func Kinds() []*Kind {
	return []*Kind{serviceProvidersKind, groupsKind, numbersKind, usersKind, callCentersKind, adminsKind}
}

// KindByName finds a kind by its name, such as "users".
func KindByName(name string) (*Kind, bool) {
	for _, k := range Kinds() {
		if k.Name == name {
			return k, true
		}
	}
	return nil, false
}

func (k *Kind) key(r Row) string {
	parts := make([]string, 0, len(k.keyCols))
	for _, c := range k.keyCols {
		if v := r.cells[c]; v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, "/")
}

// values is a row's checked values, defaults applied and booleans read.
type values struct {
	row Row
	v   map[string]string
}

func (v values) get(col string) string { return v.v[col] }

func (v values) list(col string) []string { return splitList(v.v[col]) }

func (v values) bool(col string) bool { return v.v[col] == "true" }

func (v values) problem(col, msg string) Problem {
	return Problem{Line: v.row.Line, Column: col, Message: msg}
}

// values applies defaults and checks every cell against its column; the
// problems of all cells come back together.
func (k *Kind) values(r Row) (values, []Problem) {
	v := values{row: r, v: map[string]string{}}
	var probs []Problem
	for _, c := range k.Columns {
		val := r.cells[c.Name]
		if val == "" && c.DefaultFrom != "" {
			val = r.cells[c.DefaultFrom]
		}
		if val == "" {
			val = c.Default
		}
		if val == "" {
			if c.Required {
				probs = append(probs, v.problem(c.Name, "a value is required"))
			}
			continue
		}
		items := []string{val}
		if c.List {
			items = splitList(val)
		}
		var norm []string
		for _, it := range items {
			n, msg := c.check(it)
			if msg != "" {
				// The raw value stays, so the kind's rules still see
				// the cell as given; the row is not built anyway.
				n = it
				if c.List {
					msg = "item " + quoteUnlessSecret(c, it) + ": " + msg
				}
				probs = append(probs, v.problem(c.Name, r.redact(msg)))
			}
			norm = append(norm, n)
		}
		v.v[c.Name] = strings.Join(norm, ListSep)
	}
	if k.check != nil {
		for _, p := range k.check(v) {
			p.Message = r.redact(p.Message)
			probs = append(probs, p)
		}
	}
	return v, probs
}

func quoteUnlessSecret(c Column, s string) string {
	if c.Secret {
		return "***"
	}
	return strconv.Quote(s)
}

// check validates one value and returns it normalised, or a message.
func (c Column) check(val string) (string, string) {
	if len(c.Values) > 0 {
		for _, a := range c.Values {
			if strings.EqualFold(a, val) {
				return a, ""
			}
		}
		return "", quoteUnlessSecret(c, val) + " is not one of: " + strings.Join(c.Values, " | ")
	}
	if c.Elem == "" {
		return val, ""
	}
	typ := elemType(c.Elem)
	if typ == "boolean" {
		switch strings.ToLower(val) {
		case "true", "yes", "y", "1":
			return "true", ""
		case "false", "no", "n", "0":
			return "false", ""
		}
		return "", quoteUnlessSecret(c, val) + " is not a boolean (true or false)"
	}
	sd, ok := schema.DescribeSimple(typ)
	if !ok {
		return val, ""
	}
	switch sd.Builtin {
	case "int", "long", "short", "integer", "nonNegativeInteger", "positiveInteger":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return "", quoteUnlessSecret(c, val) + " is not a whole number"
		}
		if sd.MinIncl != "" {
			if lo, err := strconv.ParseInt(sd.MinIncl, 10, 64); err == nil && n < lo {
				return "", fmt.Sprintf("%d is below the minimum %d", n, lo)
			}
		}
		if sd.MaxIncl != "" {
			if hi, err := strconv.ParseInt(sd.MaxIncl, 10, 64); err == nil && n > hi {
				return "", fmt.Sprintf("%d is above the maximum %d", n, hi)
			}
		}
		return strconv.FormatInt(n, 10), ""
	}
	if len(sd.Enums) > 0 {
		for _, e := range sd.Enums {
			if strings.EqualFold(e, val) {
				return e, ""
			}
		}
		if len(sd.Enums) <= 12 {
			return "", quoteUnlessSecret(c, val) + " is not one of: " + strings.Join(sd.Enums, " | ")
		}
		return "", quoteUnlessSecret(c, val) + " is not a " + sd.Name + " value (see switchboard oci commands --describe " + requestOf(c.Elem) + ")"
	}
	n := len([]rune(val))
	if sd.MinLen >= 0 && n < sd.MinLen {
		return "", fmt.Sprintf("%d characters; at least %d needed", n, sd.MinLen)
	}
	if sd.MaxLen >= 0 && n > sd.MaxLen {
		return "", fmt.Sprintf("%d characters; at most %d allowed", n, sd.MaxLen)
	}
	return val, ""
}

func requestOf(elem string) string {
	r, _, _ := strings.Cut(elem, "/")
	return r
}

// elemType is the schema type of "Request/path/to/element", or "" when
// the path does not exist (a bug in a kind; TestColumnsResolve checks).
func elemType(elem string) string {
	parts := strings.Split(elem, "/")
	typ := parts[0]
	for _, name := range parts[1:] {
		td, ok := schema.Describe(typ)
		if !ok {
			return ""
		}
		typ = ""
		for _, f := range td.Fields {
			if f.Name == name {
				typ = f.Type
				break
			}
		}
		if typ == "" {
			return ""
		}
	}
	return typ
}

// put sets path (a/b/c) in nested maps, creating them.
func put(m map[string]any, path string, val any) {
	parts := strings.Split(path, "/")
	for _, p := range parts[:len(parts)-1] {
		sub, ok := m[p].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[p] = sub
		}
		m = sub
	}
	m[parts[len(parts)-1]] = val
}

// fields starts the fields of request req from every non-manual column
// whose Elem is in req and has a value.
func (v values) fields(req string) map[string]any {
	m := map[string]any{}
	for _, c := range v.row.kind.Columns {
		path, ok := strings.CutPrefix(c.Elem, req+"/")
		if !ok || c.manual || v.v[c.Name] == "" {
			continue
		}
		switch {
		case c.List:
			put(m, path, v.list(c.Name))
		case elemType(c.Elem) == "boolean":
			put(m, path, v.bool(c.Name))
		default:
			put(m, path, v.v[c.Name])
		}
	}
	return m
}

// buildError is a BuildRequest failure of one request.
type buildError struct {
	req string
	err error
}

func (e *buildError) Error() string { return e.err.Error() }

func build(name string, fields map[string]any) (ocixml.Command, error) {
	c, err := ocip.BuildRequest(name, fields)
	if err != nil {
		return nil, &buildError{name, err}
	}
	return c, nil
}

// elemPath finds the element path in a decoder message such as
// "ocip: X: BroadsoftDocument/command[0][X]/a/b: text (facet)".
var elemPath = regexp.MustCompile(`command(?:\[\d+\])?\[\w+\]((?:/[A-Za-z]+(?:\[\d+\])?)*)(?:: required element (\w+) is missing)?`)

var index = regexp.MustCompile(`\[\d+\]`)

// attribute turns a build failure into a problem on the column whose
// element it names, when one does.
func (k *Kind) attribute(r Row, err error) Problem {
	msg := err.Error()
	var be *buildError
	if !errors.As(err, &be) {
		return Problem{Line: r.Line, Message: r.redact(msg)}
	}
	msg = strings.TrimPrefix(msg, "ocip: "+be.req+": ")
	m := elemPath.FindStringSubmatch(msg)
	if m == nil {
		return Problem{Line: r.Line, Message: r.redact(be.req + ": " + msg)}
	}
	path := index.ReplaceAllString(m[1], "")
	if m[2] != "" {
		path += "/" + m[2]
	}
	text := strings.TrimPrefix(strings.TrimPrefix(msg, m[0]), ": ")
	for _, c := range k.Columns {
		if c.Elem == be.req+path {
			return Problem{Line: r.Line, Column: c.Name, Message: r.redact(text)}
		}
	}
	return Problem{Line: r.Line, Message: r.redact(be.req + path + ": " + text)}
}

package schema

import (
	"strconv"
	"strings"
	"sync"
)

// TypeDesc is the shape of a complex type: its elements in schema order,
// inherited ones included.
type TypeDesc struct {
	Name     string
	Abstract bool
	Base     string
	Fields   []FieldDesc
}

// FieldDesc is one element of a complex type.
type FieldDesc struct {
	Name     string // element name
	Type     string // simple or complex type name, a built-in, "OCITable" or "empty"
	Min, Max int    // occurrences; Max -1 is unbounded
	Optional bool   // may be left out (minOccurs 0, or a choice branch)
	Nillable bool
	Choice   bool // one branch of a choice
	Fixed    bool // a presence flag with a fixed value
	Headings []string
}

// SimpleDesc is a simple type's facets (MinLen/MaxLen -1: none).
type SimpleDesc struct {
	Name, Builtin    string
	MinLen, MaxLen   int
	MinIncl, MaxIncl string
	Enums            []string
}

var (
	describeOnce sync.Once
	typeDescs    map[string]*TypeDesc
	simpleDescs  map[string]*SimpleDesc
)

// Describe returns the shape of a complex type (commands included).
func Describe(name string) (*TypeDesc, bool) {
	describeOnce.Do(parseDescribe)
	t, ok := typeDescs[name]
	return t, ok
}

// DescribeSimple returns a simple type's facets.
func DescribeSimple(name string) (*SimpleDesc, bool) {
	describeOnce.Do(parseDescribe)
	s, ok := simpleDescs[name]
	return s, ok
}

// parseDescribe reads describeData (format: cmd/ocigen/describe.go). The
// text is generated, so a malformed line is a generator bug: panic.
func parseDescribe() {
	typeDescs = map[string]*TypeDesc{}
	simpleDescs = map[string]*SimpleDesc{}
	var cur *TypeDesc
	num := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			panic("schema: describe data: " + err.Error())
		}
		return n
	}
	for line := range strings.SplitSeq(describeData, "\n") {
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		switch f[0] {
		case "T":
			cur = &TypeDesc{Name: f[1], Abstract: f[2] == "1", Base: f[3]}
			typeDescs[cur.Name] = cur
		case "F":
			fd := FieldDesc{Name: f[1], Type: f[2], Min: num(f[3]), Max: num(f[4])}
			fd.Optional = strings.Contains(f[5], "o")
			fd.Nillable = strings.Contains(f[5], "n")
			fd.Choice = strings.Contains(f[5], "c")
			fd.Fixed = strings.Contains(f[5], "x")
			if len(f) > 6 {
				fd.Headings = strings.Split(f[6], "\x1f")
			}
			cur.Fields = append(cur.Fields, fd)
		case "S":
			sd := &SimpleDesc{Name: f[1], Builtin: f[2], MinLen: num(f[3]), MaxLen: num(f[4]), MinIncl: f[5], MaxIncl: f[6]}
			if len(f) > 7 {
				sd.Enums = strings.Split(f[7], "\x1f")
			}
			simpleDescs[sd.Name] = sd
		default:
			panic("schema: describe data: bad line " + strconv.Quote(line))
		}
	}
}

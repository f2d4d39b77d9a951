package main

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
)

// emitDescribe writes describe_gen.go: the shape of every complex type
// (elements, their types, occurrences, nillability, choice membership,
// table headings) and the facets of every named simple type, as one
// line-oriented text constant that package schema parses on first use.
// Text rather than Go literals: thousands of struct literals would cost
// the compiler far more than one string, for data read only by tools
// such as `switchboard oci commands --describe`.
//
// Lines, fields separated by tabs:
//
//	T name abstract(0/1) base
//	F element type min max flags [headings joined by \x1f]
//	S name builtin minLen maxLen minInclusive maxInclusive [enumerations joined by \x1f]
//
// flags: o optional, n nillable, c inside a choice, t OCITable, x fixed value.
func emitDescribe(m *schemaModel) []byte {
	var d strings.Builder
	for _, ct := range m.types {
		base := ""
		if ct.Base != nil {
			base = ct.Base.Name
		}
		d.WriteString("T\t" + ct.Name + "\t" + b01(ct.Abstract) + "\t" + base + "\n")
		for _, f := range ct.fields {
			typ, flags := describeField(f)
			if typ == "" {
				continue
			}
			d.WriteString("F\t" + f.XML + "\t" + typ + "\t" + strconv.Itoa(f.Min) + "\t" + strconv.Itoa(f.Max) + "\t" + flags)
			if len(f.Headings) > 0 {
				d.WriteString("\t" + strings.Join(f.Headings, "\x1f"))
			}
			d.WriteString("\n")
		}
	}
	var sts []*simpleType
	for _, st := range m.simple {
		sts = append(sts, st)
	}
	sort.Slice(sts, func(i, j int) bool { return sts[i].Name < sts[j].Name })
	for _, st := range sts {
		minLen, maxLen, minIncl, maxIncl := -1, -1, "", ""
		var enums []string
		// Facets may sit on a base type: take the nearest of each.
		for t := st; t != nil; t = t.Base {
			if minLen < 0 && t.MinLen >= 0 {
				minLen = t.MinLen
			}
			if maxLen < 0 && t.MaxLen >= 0 {
				maxLen = t.MaxLen
			}
			if minIncl == "" {
				minIncl = t.MinIncl
			}
			if maxIncl == "" {
				maxIncl = t.MaxIncl
			}
			if enums == nil && len(t.Enums) > 0 {
				enums = t.Enums
			}
		}
		d.WriteString("S\t" + st.Name + "\t" + st.Builtin + "\t" + strconv.Itoa(minLen) + "\t" + strconv.Itoa(maxLen) + "\t" + minIncl + "\t" + maxIncl)
		if len(enums) > 0 {
			d.WriteString("\t" + strings.Join(enums, "\x1f"))
		}
		d.WriteString("\n")
	}
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("package schema\n\n")
	b.WriteString("// describeData is parsed by describe.go; see cmd/ocigen/describe.go for its format.\n")
	b.WriteString("const describeData = " + strconv.Quote(d.String()) + "\n")
	return b.Bytes()
}

func describeField(f *field) (typ, flags string) {
	switch f.Kind {
	case kSimple:
		typ = f.Builtin
		if f.ST != nil {
			typ = f.ST.Name
		}
	case kComplex, kAbstract:
		typ = f.CT.Name
	case kTable:
		typ, flags = "OCITable", "t"
	case kFlag:
		typ, flags = "boolean", "x"
	case kFixedReq:
		return "", ""
	case kChoiceList:
		typ = f.Item.Name
	case kMarker:
		typ = "empty"
	}
	if f.Optional {
		flags += "o"
	}
	if f.Nillable {
		flags += "n"
	}
	if f.Choice != nil {
		flags += "c"
	}
	return typ, flags
}

func b01(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

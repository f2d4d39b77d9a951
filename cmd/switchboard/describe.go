package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/switchboard/switchboard/internal/ocipserver"
	"github.com/switchboard/switchboard/ocip/schema"
)

// describeCommand writes a command's elements (and those of its data
// response): element, type, occurrence, constraints, enumeration values,
// nested complex types indented below their element.
func describeCommand(w io.Writer, name string) error {
	c, ok := schema.Lookup(name)
	if !ok {
		return fmt.Errorf("oci commands --describe: %q is not an OCI-P command (try --search)", name)
	}
	bw := bufio.NewWriter(w)
	answer := c.Response
	if answer == "" {
		answer = "SuccessResponse or ErrorResponse"
	}
	switch c.Kind {
	case schema.KindRequest:
		exec := "executed by this server"
		if !ocipserver.Implemented(c.Name) {
			exec = "answered [Error 9001] by this server"
		}
		fmt.Fprintf(bw, "%s: request, answered by %s; %s", c.Name, answer, exec)
	default:
		fmt.Fprintf(bw, "%s: response", c.Name)
	}
	if c.Deprecated {
		bw.WriteString("; deprecated")
	}
	fmt.Fprintf(bw, " (%s)\n", c.File)
	writeFields(bw, c.Name, 1, map[string]bool{})
	if c.Kind == schema.KindRequest && c.Response != "" {
		fmt.Fprintf(bw, "\n%s:\n", c.Response)
		writeFields(bw, c.Response, 1, map[string]bool{})
	}
	return bw.Flush()
}

// maxDescribeDepth bounds the expansion of nested types (some types nest
// deeply, a few recursively).
const maxDescribeDepth = 4

func writeFields(w *bufio.Writer, typeName string, depth int, open map[string]bool) {
	d, ok := schema.Describe(typeName)
	if !ok {
		return
	}
	open[typeName] = true
	defer delete(open, typeName)
	indent := strings.Repeat("  ", depth)
	for _, f := range d.Fields {
		w.WriteString(indent + f.Name + "  " + f.Type + "  " + occurrence(f))
		if s, ok := schema.DescribeSimple(f.Type); ok {
			if c := constraints(s); c != "" {
				w.WriteString("  " + c)
			}
		}
		if len(f.Headings) > 0 {
			w.WriteString("  columns: " + strings.Join(f.Headings, ", "))
		}
		w.WriteByte('\n')
		sub, ok := schema.Describe(f.Type)
		switch {
		case !ok:
		case sub.Abstract:
			w.WriteString(indent + "  (abstract: the concrete type is given by xsi:type)\n")
		case open[f.Type] || depth >= maxDescribeDepth:
			w.WriteString(indent + "  (" + f.Type + ", not expanded)\n")
		default:
			writeFields(w, f.Type, depth+1, open)
		}
	}
}

func occurrence(f schema.FieldDesc) string {
	var parts []string
	switch {
	case f.Fixed:
		parts = append(parts, "flag (present or absent)")
	case f.Optional && f.Max == 1:
		parts = append(parts, "optional")
	case f.Min == 1 && f.Max == 1 && !f.Optional:
		parts = append(parts, "required")
	default:
		max := "unbounded"
		if f.Max >= 0 {
			max = strconv.Itoa(f.Max)
		}
		parts = append(parts, strconv.Itoa(f.Min)+".."+max)
		if f.Optional && f.Min > 0 {
			parts = append(parts, "optional")
		}
	}
	if f.Choice {
		parts = append(parts, "choice")
	}
	if f.Nillable {
		parts = append(parts, "nillable")
	}
	return strings.Join(parts, ", ")
}

func constraints(s *schema.SimpleDesc) string {
	var parts []string
	if s.MinLen >= 0 || s.MaxLen >= 0 {
		lo, hi := strconv.Itoa(max(s.MinLen, 0)), "any"
		if s.MaxLen >= 0 {
			hi = strconv.Itoa(s.MaxLen)
		}
		parts = append(parts, lo+".."+hi+" characters")
	}
	if s.MinIncl != "" || s.MaxIncl != "" {
		parts = append(parts, "range "+s.MinIncl+".."+s.MaxIncl)
	}
	if len(s.Enums) > 0 {
		parts = append(parts, "one of: "+strings.Join(s.Enums, " | "))
	}
	if len(parts) == 0 {
		return s.Builtin
	}
	return s.Builtin + ", " + strings.Join(parts, ", ")
}

package bulk

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/switchboard/switchboard/ocip/schema"
)

// WriteTemplate writes an empty sheet for k: comment lines explaining the
// kind and every column, then the header line. The comments start with
// '#', so the file, filled in below the header, reads back as a sheet.
func WriteTemplate(w io.Writer, k *Kind) error {
	bw := bufio.NewWriter(w)
	comment := func(s string) { bw.WriteString(strings.TrimRight("# "+s, " ") + "\n") }
	comment("switchboard bulk " + k.Name + ": " + k.Summary + ".")
	for _, l := range wrap(k.Atomicity, 76) {
		comment(l)
	}
	comment("One row per object; rows run concurrently, in any order. Lines starting with # are ignored.")
	comment("Lists take several values separated by " + ListSep + " and booleans are true or false.")
	comment("")
	comment("Columns:")
	for _, c := range k.Columns {
		comment("  " + c.Name + ": " + describeColumn(c))
	}
	cw := csv.NewWriter(bw)
	cw.Write(k.ColumnNames())
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// describeColumn is one column's annotation: required or optional, its
// default, its values, and what it is for.
func describeColumn(c Column) string {
	var parts []string
	switch {
	case c.Required && c.Default == "" && c.DefaultFrom == "":
		parts = append(parts, "required")
	default:
		parts = append(parts, "optional")
	}
	if c.Default != "" {
		parts = append(parts, "default "+c.Default)
	}
	if c.DefaultFrom != "" {
		parts = append(parts, "default the "+c.DefaultFrom)
	}
	if c.List {
		parts = append(parts, ListSep+"-separated list")
	}
	if c.Secret {
		parts = append(parts, "secret: never shown in results")
	}
	if v := valuesOf(c); v != "" {
		parts = append(parts, v)
	}
	if c.Help != "" {
		parts = append(parts, c.Help)
	}
	return strings.Join(parts, "; ")
}

// valuesOf describes what a column accepts, from its schema type.
func valuesOf(c Column) string {
	if len(c.Values) > 0 {
		return "one of: " + strings.Join(c.Values, " | ")
	}
	if c.Elem == "" {
		return ""
	}
	typ := elemType(c.Elem)
	if typ == "boolean" {
		return "true or false"
	}
	sd, ok := schema.DescribeSimple(typ)
	if !ok {
		return ""
	}
	switch {
	case len(sd.Enums) > 0 && len(sd.Enums) <= 12:
		return "one of: " + strings.Join(sd.Enums, " | ")
	case len(sd.Enums) > 0:
		return fmt.Sprintf("%d %s values such as %s (all: switchboard oci commands --describe %s)", len(sd.Enums), sd.Name, strings.Join(sd.Enums[:3], " | "), requestOf(c.Elem))
	case sd.MinIncl != "" || sd.MaxIncl != "":
		return "whole number " + sd.MinIncl + ".." + sd.MaxIncl
	case sd.MaxLen > 0:
		return fmt.Sprintf("%d to %d characters", max(sd.MinLen, 0), sd.MaxLen)
	}
	return ""
}

// wrap splits text into lines of at most width characters.
func wrap(text string, width int) []string {
	var lines []string
	var cur string
	for _, w := range strings.Fields(text) {
		if cur != "" && len(cur)+1+len(w) > width {
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

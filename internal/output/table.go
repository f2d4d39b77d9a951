// Package output renders what the CLI prints: tables of rows under
// headings, and OCI-P responses, as an aligned text table, JSON, CSV or
// XML. Every command that prints data takes the same --output flag and
// goes through here, so the formats agree across commands.
package output

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Format is an output format.
type Format string

// The formats.
const (
	Text Format = "table"
	JSON Format = "json"
	CSV  Format = "csv"
	XML  Format = "xml"
)

// ParseFormat checks a --output value; allowed lists what the command
// supports.
func ParseFormat(s string, allowed ...Format) (Format, error) {
	names := make([]string, len(allowed))
	for i, f := range allowed {
		if string(f) == strings.ToLower(s) {
			return f, nil
		}
		names[i] = string(f)
	}
	return "", fmt.Errorf("--output: %q is not a format; want %s", s, strings.Join(names, ", "))
}

// Table is rows of cells under headings, as OCI-P tables are.
type Table struct {
	// Name titles the table when several are printed together.
	Name     string
	Headings []string
	Rows     [][]string
}

// WriteTables writes tables in format f. Text aligns columns and puts a
// title line before each named table; CSV writes one header line and the
// rows of each table, with a blank line between tables; JSON writes a
// list of objects keyed by heading (one list, or an object of lists keyed
// by table name when there are several tables). XML is not a table format.
func WriteTables(w io.Writer, f Format, tables ...Table) error {
	switch f {
	case Text:
		for i, t := range tables {
			if i > 0 {
				if _, err := io.WriteString(w, "\n"); err != nil {
					return err
				}
			}
			if t.Name != "" && len(tables) > 1 {
				if _, err := fmt.Fprintf(w, "%s (%d)\n", t.Name, len(t.Rows)); err != nil {
					return err
				}
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			writeTabbed(tw, t.Headings)
			for _, r := range t.Rows {
				writeTabbed(tw, r)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		return nil
	case CSV:
		for i, t := range tables {
			if i > 0 {
				if _, err := io.WriteString(w, "\n"); err != nil {
					return err
				}
			}
			cw := csv.NewWriter(w)
			cw.Write(t.Headings)
			cw.WriteAll(t.Rows)
			if err := cw.Error(); err != nil {
				return err
			}
		}
		return nil
	case JSON:
		var v any
		if len(tables) == 1 {
			v = Objects(tables[0])
		} else {
			m := make(map[string]any, len(tables))
			for _, t := range tables {
				m[t.Name] = Objects(t)
			}
			v = m
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	return fmt.Errorf("output: %s is not available for tables", f)
}

// Objects turns each row into an object keyed by heading.
func Objects(t Table) []map[string]string {
	out := make([]map[string]string, len(t.Rows))
	for i, r := range t.Rows {
		m := make(map[string]string, len(t.Headings))
		for j, h := range t.Headings {
			if j < len(r) {
				m[h] = r[j]
			}
		}
		out[i] = m
	}
	return out
}

// writeTabbed writes one tab-separated line, replacing tabs and newlines
// inside cells so they cannot break the alignment.
func writeTabbed(w io.Writer, cells []string) {
	for i, c := range cells {
		if i > 0 {
			io.WriteString(w, "\t")
		}
		if strings.ContainsAny(c, "\t\n\r") {
			c = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(c)
		}
		io.WriteString(w, c)
	}
	io.WriteString(w, "\n")
}

package ocipserver

import (
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
)

// tableBuilder fills an OCITable by heading name, so a handler states
// which column gets which value and the schema's heading list decides the
// order (and which columns exist at all).
type tableBuilder struct {
	t   ocixml.Table
	idx map[string]int
	row []string
	// Rows are kept in fixed-size chunks and copied into the table once,
	// at its final size: growing one slice of a million cells by append
	// copied it again and again, with the garbage collector stalled behind
	// each long copy (half the time of a 100,000-user list).
	chunks [][]string
	rows   int
}

const chunkCells = 1 << 14

// newTable starts the table element of a response type with the schema's
// headings. An unknown table is a programming error.
func newTable(respType, element string) *tableBuilder {
	h, ok := schema.TableHeadings(respType, element)
	if !ok {
		panic("ocipserver: no headings for " + respType + "/" + element)
	}
	b := &tableBuilder{t: ocixml.Table{Headings: h}, idx: make(map[string]int, len(h)), row: make([]string, len(h))}
	for i, s := range h {
		b.idx[s] = i
	}
	return b
}

// set puts v in the current row's column heading.
func (b *tableBuilder) set(heading, v string) *tableBuilder {
	i, ok := b.idx[heading]
	if !ok {
		panic("ocipserver: table has no column " + heading)
	}
	b.row[i] = v
	return b
}

// end appends the current row and starts an empty one.
func (b *tableBuilder) end() {
	w := len(b.row)
	if w == 0 {
		return
	}
	if n := len(b.chunks); n == 0 || len(b.chunks[n-1])+w > cap(b.chunks[n-1]) {
		b.chunks = append(b.chunks, make([]string, 0, max(chunkCells/w, 1)*w))
	}
	last := &b.chunks[len(b.chunks)-1]
	*last = append(*last, b.row...)
	b.rows++
	clear(b.row)
}

// table returns the finished table (headings always present, even with
// no rows, as clients require).
func (b *tableBuilder) table() ocixml.Table {
	b.t.Grow(b.rows)
	w := len(b.row)
	for _, c := range b.chunks {
		for i := 0; i+w <= len(c); i += w {
			b.t.AddRow(c[i : i+w]...)
		}
	}
	b.chunks, b.rows = nil, 0
	return b.t
}

// tableBool spells booleans the way BroadWorks tables do.
func tableBool(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// setIf is set for columns that only some versions of a table have.
func (b *tableBuilder) setIf(heading, v string) *tableBuilder {
	if i, ok := b.idx[heading]; ok {
		b.row[i] = v
	}
	return b
}

// criterion converts one schema SearchCriteria* element (mode, value,
// isCaseInsensitive) for the core.
func criterion(mode datatypes.SearchMode, value string, caseInsensitive bool) provisioning.StringCriterion {
	m := provisioning.StartsWith
	switch mode {
	case datatypes.SearchModeContains:
		m = provisioning.Contains
	case datatypes.SearchModeEqualTo:
		m = provisioning.EqualTo
	}
	return provisioning.StringCriterion{Mode: m, Value: value, CaseInsensitive: caseInsensitive}
}

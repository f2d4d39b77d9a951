package ocixml

import (
	"slices"
	"strconv"
)

// Table is an OCITable: column headings, then rows of string cells. Cells
// are kept in one row-major slice rather than a slice per row, so a
// 10,000-row response costs a handful of allocations instead of 10,000.
type Table struct {
	Headings []string
	cells    []string
}

// TableSpec names the headings the schema gives one table element.
type TableSpec struct {
	Type     string // complex type holding the table, e.g. "UserGetListInGroupResponse"
	Element  string // table element, e.g. "userTable"
	Headings []string
}

// NewTable returns an empty table with the given headings.
func NewTable(headings ...string) *Table { return &Table{Headings: headings} }

// Len is the number of rows.
func (t *Table) Len() int {
	if len(t.Headings) == 0 {
		return 0
	}
	return len(t.cells) / len(t.Headings)
}

// AddRow appends a row. It panics when the number of cells differs from the
// number of headings: that is a programming error, never input.
func (t *Table) AddRow(cells ...string) {
	if len(cells) != len(t.Headings) {
		panic("ocixml: table row has " + strconv.Itoa(len(cells)) + " cells for " + strconv.Itoa(len(t.Headings)) + " headings")
	}
	t.cells = append(t.cells, cells...)
}

// Grow reserves room for n more rows.
func (t *Table) Grow(n int) {
	need := len(t.cells) + n*len(t.Headings)
	if need > cap(t.cells) {
		c := make([]string, len(t.cells), need)
		copy(c, t.cells)
		t.cells = c
	}
}

// Row returns row i; the slice aliases the table.
func (t *Table) Row(i int) []string {
	w := len(t.Headings)
	return t.cells[i*w : (i+1)*w : (i+1)*w]
}

// Column returns the index of a heading, or -1.
func (t *Table) Column(heading string) int {
	for i, h := range t.Headings {
		if h == heading {
			return i
		}
	}
	return -1
}

// Get returns the cell of row i under heading, or "" when there is no
// such column.
func (t *Table) Get(i int, heading string) string {
	c := t.Column(heading)
	if c < 0 {
		return ""
	}
	return t.cells[i*len(t.Headings)+c]
}

// Rows returns every row as its own slice.
func (t *Table) Rows() [][]string {
	out := make([][]string, t.Len())
	for i := range out {
		out[i] = t.Row(i)
	}
	return out
}

// Maps returns every row as a map from heading to cell.
func (t *Table) Maps() []map[string]string {
	out := make([]map[string]string, t.Len())
	for i := range out {
		m := make(map[string]string, len(t.Headings))
		for c, h := range t.Headings {
			m[h] = t.cells[i*len(t.Headings)+c]
		}
		out[i] = m
	}
	return out
}

// DecodeXML reads colHeading elements then rows. Short rows are padded with
// empty cells (servers may drop trailing empty columns); rows longer than
// the headings are rejected because their cells cannot be named.
func (t *Table) DecodeXML(d *Decoder) error {
	t.Headings, t.cells = t.Headings[:0], t.cells[:0]
	reserved := false
	for lvl := d.Depth(); d.Child(lvl); {
		switch d.Local() {
		case "colHeading":
			if len(t.cells) > 0 {
				d.Fail(RuleSyntax, "colHeading after the first row")
				break
			}
			t.Headings = append(t.Headings, d.Text())
		case "row":
			start, n := d.pos, 0
			for rl := d.Depth(); d.Child(rl); {
				if d.Local() != "col" {
					d.Unknown()
					continue
				}
				if n == len(t.Headings) {
					d.Fail(RuleOccurs, "row has more cells than the table has headings")
					break
				}
				t.addCell(d.Text())
				n++
			}
			for ; n < len(t.Headings) && d.Err() == nil; n++ {
				t.addCell("")
			}
			if len(t.cells) == len(t.Headings) && d.Err() == nil {
				reserved = t.reserve(d, d.pos-start)
			}
		default:
			d.Unknown()
		}
	}
	if d.Err() == nil && len(t.Headings) == 0 {
		return d.Missing("colHeading")
	}
	if reserved && cap(t.cells) > 2*len(t.cells)+1024 {
		// The guess ran over other content (more tables after this one):
		// do not keep the excess alive with the table.
		t.cells = append([]string(nil), t.cells...)
	}
	return d.Err()
}

// reserve sizes the cells after the first row, whose length in bytes is
// rowLen: the rest of the document is taken to be rows like it. Copying and
// clearing a slice that append grows by a quarter at a time cost more than
// parsing a 10,000-row table. The guess is capped at one cell per 6 bytes
// left ("<col/>" is the shortest cell), so no input makes it larger than
// genuine rows of the same size would. It reports whether it reserved.
func (t *Table) reserve(d *Decoder, rowLen int) bool {
	rest := len(d.src) - d.pos
	w := len(t.Headings)
	n := min((rest/max(rowLen, 1)+1)*w, rest/6+w) + len(t.cells)
	if n <= cap(t.cells) {
		return false
	}
	c := make([]string, len(t.cells), n)
	copy(c, t.cells)
	t.cells = c
	return true
}

// addCell appends one cell, doubling the slice when the reservation after
// the first row fell short (append would grow a large slice by a quarter).
func (t *Table) addCell(c string) {
	if len(t.cells) == cap(t.cells) {
		n := make([]string, len(t.cells), max(2*cap(t.cells), 8*len(t.Headings)))
		copy(n, t.cells)
		t.cells = n
	}
	t.cells = append(t.cells, c)
}

// AppendXML appends the headings and rows. With no headings set, it writes
// defaults, the schema's headings for this table: clients such as nigelm
// reject a table without them, even when it has no rows.
func (t *Table) AppendXML(b []byte) []byte { return t.AppendXMLDefault(b, nil) }

// AppendXMLDefault is AppendXML with the headings to use when t has none.
func (t *Table) AppendXMLDefault(b []byte, defaults []string) []byte {
	h := t.Headings
	if len(h) == 0 {
		h = defaults
	}
	for _, s := range h {
		b = AppendString(b, "colHeading", s)
	}
	if len(t.Headings) == 0 {
		return b
	}
	w := len(t.Headings)
	if len(t.cells) > 1024 {
		// Size the buffer once: append grows a large slice by a quarter at
		// a time, which copied a 20 MB reply about five times over.
		n := len(t.cells)/w*len("<row></row>") + len(t.cells)*len("<col></col>")
		for _, c := range t.cells {
			n += len(c)
		}
		b = slices.Grow(b, n+n/16) // room for some escaping
	}
	for i := 0; i+w <= len(t.cells); i += w {
		b = append(b, "<row>"...)
		for _, c := range t.cells[i : i+w] {
			// AppendString(b, "col", c) with the tags as constants, which
			// the compiler copies inline; a non-empty value never escapes
			// to nothing, so only "" takes the short form.
			if c == "" {
				b = append(b, "<col/>"...)
				continue
			}
			b = append(b, "<col>"...)
			b = AppendEscaped(b, c)
			b = append(b, "</col>"...)
		}
		b = append(b, "</row>"...)
	}
	return b
}

// Validate checks the table's shape.
func (t *Table) Validate() error {
	if len(t.Headings) == 0 && len(t.cells) > 0 {
		return &Error{Rule: RuleRequired, Detail: "table rows without headings"}
	}
	return nil
}

// AppendTable appends a table element, falling back to the schema headings.
func AppendTable(b []byte, name string, t *Table, defaults []string) []byte {
	b, m := Open(b, name)
	b = t.AppendXMLDefault(b, defaults)
	return Close(b, m, name)
}

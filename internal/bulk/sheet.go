package bulk

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/switchboard/switchboard/ocip/ocixml"
)

// ListSep separates the values of a list cell, such as services.
const ListSep = ";"

// Problem is one thing wrong with a sheet: a row (its line in the file,
// 0 for the sheet as a whole), the column concerned ("" when it is the
// row), and what is wrong. Messages never contain secret values.
type Problem struct {
	Line    int
	Column  string
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		b.WriteString("row " + strconv.Itoa(p.Line))
	} else {
		b.WriteString("sheet")
	}
	if p.Column != "" {
		b.WriteString(", column " + p.Column)
	}
	return b.String() + ": " + p.Message
}

// SheetError lists the problems that make a whole sheet unreadable, such
// as unknown or missing columns.
type SheetError struct{ Problems []Problem }

func (e *SheetError) Error() string {
	s := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		s[i] = p.String()
	}
	return strings.Join(s, "\n")
}

// Row is one record of a sheet.
type Row struct {
	// Line is the line of the sheet file where the record starts; it is
	// the row number every report uses, as a text editor shows it.
	Line  int
	cells map[string]string
	kind  *Kind
}

// Cell is the trimmed value of a column, "" when the sheet lacks it.
func (r Row) Cell(col string) string { return r.cells[col] }

// Sheet is a parsed sheet of one kind.
type Sheet struct {
	Kind    *Kind
	Columns []string
	Rows    []Row
}

// ReadSheet parses a CSV sheet for kind k. The first record that is not a
// comment is the header of column names; lines starting with '#' (and
// records whose first cell starts with '#', as spreadsheet programs may
// quote them) are comments, so a filled-in template reads back as is.
// Unknown, duplicate and missing required columns are reported together
// as a *SheetError.
func ReadSheet(r io.Reader, k *Kind) (*Sheet, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	s := &Sheet{Kind: k}
	var probs []Problem
	var index []int // sheet column i → position in k.Columns, -1 when unknown
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("sheet: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) > 0 && strings.HasPrefix(strings.TrimSpace(rec[0]), "#") {
			continue
		}
		if blank(rec) {
			continue
		}
		if s.Columns == nil {
			seen := map[string]bool{}
			for _, h := range rec {
				h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
				s.Columns = append(s.Columns, h)
				i := k.column(h)
				index = append(index, i)
				switch {
				case h == "":
					probs = append(probs, Problem{Column: h, Message: "a column has no name"})
				case i < 0:
					probs = append(probs, Problem{Column: h, Message: "unknown column for " + k.Name + "; known: " + strings.Join(k.ColumnNames(), ", ")})
				case seen[h]:
					probs = append(probs, Problem{Column: h, Message: "column given twice"})
				}
				seen[h] = true
			}
			for _, c := range k.Columns {
				if c.Required && !seen[c.Name] && c.Default == "" && c.DefaultFrom == "" {
					probs = append(probs, Problem{Column: c.Name, Message: "required column missing"})
				}
			}
			if len(probs) > 0 {
				return nil, &SheetError{probs}
			}
			continue
		}
		row := Row{Line: line, cells: map[string]string{}, kind: k}
		if len(rec) > len(s.Columns) {
			// Trailing empty cells are what spreadsheet programs add; any
			// other extra cell has no column to go to.
			for _, v := range rec[len(s.Columns):] {
				if strings.TrimSpace(v) != "" {
					return nil, &SheetError{[]Problem{{Line: line, Message: fmt.Sprintf("%d cells but the header has %d columns", len(rec), len(s.Columns))}}}
				}
			}
		}
		for i, v := range rec[:min(len(rec), len(s.Columns))] {
			if v = strings.TrimSpace(v); v != "" {
				row.cells[s.Columns[i]] = v
			}
		}
		s.Rows = append(s.Rows, row)
	}
	if s.Columns == nil {
		return nil, &SheetError{[]Problem{{Message: "no header line: the sheet is empty"}}}
	}
	return s, nil
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// Step is one command of a row and what undoes it.
type Step struct {
	Request ocixml.Command
	// Undo, sent when a later step of the row fails, removes what Request
	// made; nil when the step is the last or leaves nothing to remove.
	Undo ocixml.Command
}

// Plan is a row made ready to run: its commands, or the problems that
// keep it from running.
type Plan struct {
	Row Row
	// Key names the row's object in reports, such as a user id.
	Key string
	// Hash identifies the row's content (secret columns left out), so a
	// resumed run recognises a row only if it is unchanged.
	Hash     string
	Steps    []Step
	Problems []Problem
}

// Plan checks every row and builds its commands. Rows with problems have
// no steps; duplicate keys (the same object twice in one sheet) are a
// problem of the later row.
func (s *Sheet) Plan() []Plan {
	plans := make([]Plan, len(s.Rows))
	first := map[string]int{}
	for i, r := range s.Rows {
		p := &plans[i]
		p.Row, p.Hash = r, r.hash()
		p.Key = s.Kind.key(r)
		v, probs := s.Kind.values(r)
		if len(probs) == 0 {
			steps, err := s.Kind.build(v)
			if err != nil {
				probs = append(probs, s.Kind.attribute(r, err))
			}
			p.Steps = steps
		}
		if line, dup := first[strings.ToLower(p.Key)]; dup && p.Key != "" {
			probs = append(probs, Problem{Line: r.Line, Message: "the same " + s.Kind.keyName + " as row " + strconv.Itoa(line) + ": " + p.Key})
		} else if p.Key != "" {
			first[strings.ToLower(p.Key)] = r.Line
		}
		if len(probs) > 0 {
			p.Steps, p.Problems = nil, probs
		}
	}
	return plans
}

// hash is a short digest of the row's kind and non-empty, non-secret
// cells by column name, so reordering columns keeps it.
func (r Row) hash() string {
	names := make([]string, 0, len(r.cells))
	for n := range r.cells {
		if c := r.kind.columnDef(n); c != nil && !c.Secret {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	h := sha256.New()
	io.WriteString(h, r.kind.Name)
	for _, n := range names {
		io.WriteString(h, "\x00"+n+"\x1f"+r.cells[n])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// redact replaces the row's secret values in msg, since server and schema
// messages may quote what they refuse.
func (r Row) redact(msg string) string {
	for _, c := range r.kind.Columns {
		if v := r.cells[c.Name]; c.Secret && v != "" {
			msg = strings.ReplaceAll(msg, v, "***")
		}
	}
	return msg
}

// splitList splits a list cell, dropping empty items.
func splitList(v string) []string {
	var out []string
	for item := range strings.SplitSeq(v, ListSep) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// ColumnNames lists k's columns in template order.
func (k *Kind) ColumnNames() []string {
	out := make([]string, len(k.Columns))
	for i, c := range k.Columns {
		out[i] = c.Name
	}
	return out
}

func (k *Kind) column(name string) int {
	return slices.IndexFunc(k.Columns, func(c Column) bool { return c.Name == name })
}

func (k *Kind) columnDef(name string) *Column {
	if i := k.column(name); i >= 0 {
		return &k.Columns[i]
	}
	return nil
}

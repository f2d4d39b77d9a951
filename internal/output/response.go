package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema"
	"github.com/switchboard/switchboard/ocip/schema/core"
)

// Responses are rendered from their canonical XML rather than from the Go
// structs: the encoder is total (every element the server sent is in it)
// and the schema descriptions then say which elements repeat, which are
// tables and which types are polymorphic, for any of the thousands of
// response types, without reflection over generated code.

// elem is one element of an encoded command.
type elem struct {
	name     string
	attrs    []xml.Attr // without namespace declarations; Name.Space is the prefix
	children []*elem
	text     string
}

func (e *elem) attr(prefix, local string) (string, bool) {
	for _, a := range e.attrs {
		if a.Name.Space == prefix && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

func (e *elem) isNil() bool {
	v, _ := e.attr("xsi", "nil")
	return v == "true" || v == "1"
}

// parseCommand encodes c and reads the XML back as a tree rooted at the
// command element.
func parseCommand(c ocixml.Command) (*elem, error) {
	src := ocip.AppendCommand(nil, c)
	d := xml.NewDecoder(bytes.NewReader(src))
	var stack []*elem
	var root *elem
	for {
		// RawToken keeps prefixes as written (xsi:type stays "xsi"), which is
		// what the output shows; the encoder's output is well formed.
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("output: reading back %s: %w", c.XSIType(), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := &elem{name: t.Name.Local}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				if len(stack) == 0 && a.Value == "" {
					// The encoder writes the command's optional attributes
					// (echo) even when empty; empty, they say nothing.
					continue
				}
				e.attrs = append(e.attrs, a)
			}
			if n := len(stack); n > 0 {
				stack[n-1].children = append(stack[n-1].children, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, fmt.Errorf("output: reading back %s: unbalanced end tag", c.XSIType())
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if n := len(stack); n > 0 {
				stack[n-1].text += string(t)
			}
		}
	}
	if root == nil || len(stack) != 0 {
		return nil, fmt.Errorf("output: reading back %s: incomplete element", c.XSIType())
	}
	return root, nil
}

// typeName is the schema name of a type written in xsi:type.
func typeName(xsiType string) string { return strings.TrimPrefix(xsiType, "c:") }

// fieldOf finds the schema field of a child element in the type typ.
func fieldOf(typ, name string) (schema.FieldDesc, bool) {
	d, ok := schema.Describe(typ)
	if !ok {
		return schema.FieldDesc{}, false
	}
	for _, f := range d.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return schema.FieldDesc{}, false
}

// childType is the type of a child element: its xsi:type when it has one
// (a polymorphic element), else the schema's.
func childType(e *elem, f schema.FieldDesc) string {
	if t, ok := e.attr("xsi", "type"); ok {
		return typeName(t)
	}
	return f.Type
}

// isComplex reports whether an element of type typ is written as an object.
func isComplex(e *elem, typ string) bool {
	if len(e.children) > 0 {
		return true
	}
	if _, ok := e.attr("xsi", "type"); ok {
		return true
	}
	_, ok := schema.Describe(typ)
	return ok && typ != "OCITable"
}

// nameGroup is the children of one name, in document order.
type nameGroup struct {
	name  string
	elems []*elem
}

// groups gathers children by name, each name where it first occurs, so
// that an object never holds a key twice.
func groups(children []*elem) []nameGroup {
	var out []nameGroup
	index := map[string]int{}
	for _, c := range children {
		i, ok := index[c.name]
		if !ok {
			i = len(out)
			index[c.name] = i
			out = append(out, nameGroup{name: c.name})
		}
		out[i].elems = append(out[i].elems, c)
	}
	return out
}

// repeated reports whether the elements of a group form a list: the
// schema allows more than one, or (for an element the schema does not
// describe) more than one occurred.
func repeated(g nameGroup, f schema.FieldDesc, known bool) bool {
	if known {
		return f.Max != 1
	}
	return len(g.elems) > 1
}

// member is one key of a JSON object.
type member struct {
	key string
	val any
}

// object is a JSON object that keeps its keys in order.
type object []member

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.val)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// tableOf reads an OCITable element.
func tableOf(e *elem) Table {
	var t Table
	for _, c := range e.children {
		switch c.name {
		case "colHeading":
			t.Headings = append(t.Headings, c.text)
		case "row":
			row := make([]string, 0, len(t.Headings))
			for _, col := range c.children {
				row = append(row, col.text)
			}
			// Servers may drop trailing empty cells; the decoder pads them.
			for len(row) < len(t.Headings) {
				row = append(row, "")
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}

// tableObjects is a table as a list of objects keyed by heading, columns
// in order.
func tableObjects(t Table) []any {
	out := make([]any, len(t.Rows))
	for i, r := range t.Rows {
		o := make(object, 0, len(t.Headings))
		for j, h := range t.Headings {
			cell := ""
			if j < len(r) {
				cell = r[j]
			}
			o = append(o, member{h, cell})
		}
		out[i] = o
	}
	return out
}

// jsonValue converts e, of schema type typ, to its JSON form.
func jsonValue(e *elem, typ string) any {
	if e.isNil() {
		return nil
	}
	if typ == "OCITable" {
		return tableObjects(tableOf(e))
	}
	if !isComplex(e, typ) {
		return e.text
	}
	o := object{}
	for _, a := range e.attrs {
		if a.Name.Space == "xsi" && a.Name.Local == "nil" {
			continue
		}
		o = append(o, member{"@" + qualified(a.Name), a.Value})
	}
	for _, g := range groups(e.children) {
		f, known := fieldOf(typ, g.name)
		if repeated(g, f, known) {
			list := make([]any, len(g.elems))
			for i, c := range g.elems {
				list[i] = jsonValue(c, childType(c, f))
			}
			o = append(o, member{g.name, list})
			continue
		}
		c := g.elems[0]
		o = append(o, member{g.name, jsonValue(c, childType(c, f))})
	}
	return o
}

func qualified(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// ResponseJSON returns the JSON form of a response: an object keyed by
// element name, in schema order, with lists for elements that may repeat,
// OCITables as lists of objects keyed by column heading, xsi:nil as null,
// "@"-prefixed keys for attributes (the xsi:type of polymorphic elements)
// and every value a string, as on the wire. typed adds the command's own
// "@xsi:type" first, for lists of mixed responses.
func ResponseJSON(c ocixml.Command, typed bool) (json.Marshaler, error) {
	root, err := parseCommand(c)
	if err != nil {
		return nil, err
	}
	o, _ := jsonValue(root, typeName(c.XSIType())).(object)
	if o == nil {
		o = object{}
	}
	// The command's attributes are the envelope's business (xsi:type, and
	// echo, which is shown), so only xsi:type is moved to the front.
	out := object{}
	if typed {
		out = append(out, member{"@xsi:type", c.XSIType()})
	}
	for _, m := range o {
		if m.key != "@xsi:type" {
			out = append(out, m)
		}
	}
	return out, nil
}

// line is one path and value of the flat form.
type line struct{ path, value string }

// flat is a response flattened: scalar lines, and tables kept whole.
type flat struct {
	lines  []line
	tables []Table // Name is the table's path
}

// nilText stands for xsi:nil in the text forms.
const nilText = "(nil)"

// flatten walks e, of type typ, at path.
func (fl *flat) flatten(e *elem, typ, path string) {
	if e.isNil() {
		fl.lines = append(fl.lines, line{path, nilText})
		return
	}
	if typ == "OCITable" {
		t := tableOf(e)
		t.Name = path
		fl.tables = append(fl.tables, t)
		return
	}
	if !isComplex(e, typ) {
		fl.lines = append(fl.lines, line{path, e.text})
		return
	}
	prefix := path
	if prefix != "" {
		prefix += "."
	}
	for _, a := range e.attrs {
		if path == "" && a.Name.Space == "xsi" && a.Name.Local == "type" {
			continue // the command's type titles the output instead
		}
		fl.lines = append(fl.lines, line{prefix + "@" + qualified(a.Name), a.Value})
	}
	if len(e.children) == 0 && len(e.attrs) == 0 && path != "" {
		// An empty complex element still appears, so nothing is lost.
		fl.lines = append(fl.lines, line{path, ""})
		return
	}
	for _, g := range groups(e.children) {
		f, known := fieldOf(typ, g.name)
		rep := repeated(g, f, known)
		for i, c := range g.elems {
			p := prefix + g.name
			if rep {
				p += "[" + strconv.Itoa(i) + "]"
			}
			fl.flatten(c, childType(c, f), p)
		}
	}
}

func flatten(c ocixml.Command) (*flat, error) {
	root, err := parseCommand(c)
	if err != nil {
		return nil, err
	}
	fl := &flat{}
	fl.flatten(root, typeName(c.XSIType()), "")
	return fl, nil
}

// isSuccess reports whether c is a SuccessResponse.
func isSuccess(c ocixml.Command) bool {
	_, ok := c.(*core.SuccessResponse)
	return ok
}

// WriteResponse writes one response command in format f:
//
//   - XML: the command element, indented;
//   - JSON: the object ResponseJSON describes ({} for a SuccessResponse);
//   - Text: aligned "path  value" lines (dotted paths, repeated elements
//     indexed, xsi:nil as "(nil)"), then each OCITable as an aligned
//     table under a "path (rows)" title; "OK" for a SuccessResponse;
//   - CSV: the table when the response holds exactly one OCITable (any
//     scalar elements beside it are left out), else "path,value" rows,
//     tables included cell by cell.
func WriteResponse(w io.Writer, f Format, c ocixml.Command) error {
	switch f {
	case XML:
		return writeXML(w, c)
	case JSON:
		if isSuccess(c) {
			_, err := io.WriteString(w, "{}\n")
			return err
		}
		v, err := ResponseJSON(c, false)
		if err != nil {
			return err
		}
		return writeJSON(w, v)
	case Text:
		if isSuccess(c) {
			_, err := io.WriteString(w, "OK\n")
			return err
		}
		fl, err := flatten(c)
		if err != nil {
			return err
		}
		return fl.writeText(w)
	case CSV:
		fl, err := flatten(c)
		if err != nil {
			return err
		}
		return fl.writeCSV(w)
	}
	return fmt.Errorf("output: %q is not a response format", f)
}

func writeJSON(w io.Writer, v any) error {
	// The same encoder settings as WriteTables, so both JSON forms escape
	// alike; object's MarshalJSON keeps the member order through indenting.
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (fl *flat) writeText(w io.Writer) error {
	if len(fl.lines) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, l := range fl.lines {
			writeTabbed(tw, []string{l.path, l.value})
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for i, t := range fl.tables {
		if i > 0 || len(fl.lines) > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(w, "%s (%d)\n", t.Name, len(t.Rows)); err != nil {
			return err
		}
		if err := WriteTables(w, Text, t); err != nil {
			return err
		}
	}
	return nil
}

func (fl *flat) writeCSV(w io.Writer) error {
	if len(fl.tables) == 1 {
		// A table with a few scalars beside it (a default domain, a
		// total) is what a script wants from CSV: the scalars give way.
		return WriteTables(w, CSV, fl.tables[0])
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"path", "value"})
	for _, l := range fl.lines {
		cw.Write([]string{l.path, l.value})
	}
	for _, t := range fl.tables {
		for i, r := range t.Rows {
			for j, h := range t.Headings {
				cw.Write([]string{t.Name + "[" + strconv.Itoa(i) + "]." + h, r[j]})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeXML writes the command element indented by two spaces, one element
// a line, leaf text inline, escaped as the wire encoder escapes it.
func writeXML(w io.Writer, c ocixml.Command) error {
	root, err := parseCommand(c)
	if err != nil {
		return err
	}
	var b []byte
	b = appendIndented(b, root, 0)
	_, err = w.Write(b)
	return err
}

func appendIndented(b []byte, e *elem, depth int) []byte {
	for range depth {
		b = append(b, "  "...)
	}
	b = append(b, '<')
	b = append(b, e.name...)
	for _, a := range e.attrs {
		b = ocixml.AppendAttr(b, qualified(a.Name), a.Value)
	}
	if t, ok := e.attr("xsi", "type"); ok && strings.HasPrefix(t, "c:") {
		// The c: prefix must stay resolvable in the printed element.
		b = append(b, ` xmlns:c="C"`...)
	}
	switch {
	case len(e.children) > 0:
		b = append(b, ">\n"...)
		for _, c := range e.children {
			b = appendIndented(b, c, depth+1)
		}
		for range depth {
			b = append(b, "  "...)
		}
		b = append(b, "</"...)
	case e.text != "":
		b = append(b, '>')
		b = ocixml.AppendEscaped(b, e.text)
		b = append(b, "</"...)
	default:
		return append(b, "/>\n"...)
	}
	b = append(b, e.name...)
	return append(b, ">\n"...)
}

// ErrorLine is the one-line form of a refused command:
// "Error <code>: <summary> (<detail>)", the summary without the
// "[Error NNNN] " prefix the code already says.
func ErrorLine(e *ocip.ErrorResponse) string {
	s := e.SummaryEnglish
	if s == "" {
		s = e.Summary
	}
	s = strings.TrimSpace(strings.TrimPrefix(s, "[Error "+strconv.Itoa(e.Code)+"]"))
	// A Warning or Info reply says so instead of "Error".
	head := e.Type
	if head == "" {
		head = "Error"
	}
	if e.Code != 0 {
		head += " " + strconv.Itoa(e.Code)
	}
	if s == "" {
		s = "(no summary)"
	}
	line := head + ": " + s
	if e.Detail != "" {
		line += " (" + e.Detail + ")"
	}
	return line
}

// errorJSON is the JSON form of a refused command, for scripts:
// {"error":{"code":…,"summary":…,"detail":…,"type":…,"command":…}}.
func errorJSON(e *ocip.ErrorResponse) object {
	return object{{"error", object{
		{"code", e.Code},
		{"summary", e.Summary},
		{"detail", e.Detail},
		{"type", e.Type},
		{"command", e.Command},
	}}}
}

// WriteErrorJSON writes the JSON form of a refused command.
func WriteErrorJSON(w io.Writer, e *ocip.ErrorResponse) error {
	return writeJSON(w, errorJSON(e))
}

// wireError rebuilds the ErrorResponse command the server sent, for XML.
func wireError(e *ocip.ErrorResponse) *core.ErrorResponse {
	r := &core.ErrorResponse{Type: core.ErrorResponseType(e.Type), Summary: e.Summary, SummaryEnglish: e.SummaryEnglish}
	if e.Code != 0 {
		r.ErrorCode = ocixml.Ptr(int32(e.Code))
	}
	if e.Detail != "" {
		r.Detail = ocixml.Ptr(e.Detail)
	}
	return r
}

// WriteResults writes the results of the commands of one document, in
// order, in format f (XML, JSON or Text):
//
//   - XML: each response command element, a refused command as its
//     ErrorResponse;
//   - JSON: a list with one object per command, carrying "@xsi:type"
//     first, or {"error":{…}} for a refused command;
//   - Text: a "# <n> <type>" title per command, then its Text form, or its
//     ErrorLine.
//
// A Result holding a transport error is an error: its command's fate is
// unknown, so nothing pretends to show it.
func WriteResults(w io.Writer, f Format, rs []ocip.Result) error {
	for i, r := range rs {
		if r.Err == nil && r.Response == nil {
			return fmt.Errorf("output: command %d has neither response nor error", i+1)
		}
		var er *ocip.ErrorResponse
		if r.Err != nil && !errors.As(r.Err, &er) {
			return fmt.Errorf("command %d: %w", i+1, r.Err)
		}
	}
	switch f {
	case XML:
		for _, r := range rs {
			c := r.Response
			var er *ocip.ErrorResponse
			if errors.As(r.Err, &er) {
				c = wireError(er)
			}
			if err := writeXML(w, c); err != nil {
				return err
			}
		}
		return nil
	case JSON:
		list := make([]any, len(rs))
		for i, r := range rs {
			var er *ocip.ErrorResponse
			if errors.As(r.Err, &er) {
				list[i] = errorJSON(er)
				continue
			}
			v, err := ResponseJSON(r.Response, true)
			if err != nil {
				return err
			}
			list[i] = v
		}
		return writeJSON(w, list)
	case Text:
		for i, r := range rs {
			if i > 0 {
				if _, err := io.WriteString(w, "\n"); err != nil {
					return err
				}
			}
			var er *ocip.ErrorResponse
			if errors.As(r.Err, &er) {
				if _, err := fmt.Fprintf(w, "# %d %s\n%s\n", i+1, "ErrorResponse", ErrorLine(er)); err != nil {
					return err
				}
				continue
			}
			if _, err := fmt.Fprintf(w, "# %d %s\n", i+1, typeName(r.Response.XSIType())); err != nil {
				return err
			}
			if err := WriteResponse(w, Text, r.Response); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("output: %q is not available for several responses; use xml, json or table", f)
}

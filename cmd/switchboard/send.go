package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/switchboard/switchboard/internal/output"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema"
)

func newOCISendCmd(env cliEnv) *cobra.Command {
	o := env.connOptions()
	var jsonFile, format string
	cmd := &cobra.Command{
		Use:   "send <Command> [field=value ...]",
		Short: "Send one OCI-P request built from field=value arguments and print the response",
		Long: `Send one OCI-P request and print its response.

Fields, after the command name:
  key=value             a string element
  key=a key=b           a repeated element (key given twice)
  a.b.c=value           nested elements
  key[0].sub=x key[1].sub=y
                        repeated complex elements, by index
  key:=<json>           a JSON literal: null (xsi:nil), a number, true/false,
                        an object (nested elements) or an array (repeats)
  path.@xsi:type=Type   an attribute, e.g. the concrete type of an abstract element

--json FILE (or - for standard input) reads a JSON object of fields; the
command-line fields override it, key by key. The request is checked against
the schema before connecting. An ErrorResponse exits 1 with
"Error <code>: <summary> (<detail>)" on standard error (and, with
--output json, {"error":{...}} on standard output).`,
		Example: `  switchboard oci send GroupGetRequest22V5 serviceProviderId=sp1 groupId=g1
  switchboard oci send ServiceProviderDomainAssignListRequest serviceProviderId=sp1 domain=a.example domain=b.example
  switchboard oci send GroupModifyRequest serviceProviderId=sp1 groupId=g1 contact.contactName:=null`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := output.ParseFormat(format, output.Text, output.JSON, output.CSV, output.XML)
			if err != nil {
				return err
			}
			req, err := buildSendRequest(args[0], args[1:], jsonFile, env.stdin)
			if err != nil {
				return err
			}
			ctx, c, done, err := o.dialOne(cmd)
			if err != nil {
				return err
			}
			defer done()
			resp, err := c.Send(ctx, req)
			var refused *ocip.ErrorResponse
			if errors.As(err, &refused) {
				if f == output.JSON {
					if werr := output.WriteErrorJSON(cmd.OutOrStdout(), refused); werr != nil {
						return werr
					}
				}
				return errors.New(output.ErrorLine(refused))
			}
			if err != nil {
				return err
			}
			return output.WriteResponse(cmd.OutOrStdout(), f, resp)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&jsonFile, "json", "", "JSON file of fields (- for standard input), overridden by command-line fields")
	fs.StringVarP(&format, "output", "o", "table", "output format: table, json, csv or xml")
	addConnFlags(fs, o)
	return cmd
}

// buildSendRequest checks the command name, parses the fields and the JSON
// file, and builds the request validated against the schema, all before
// anything connects.
func buildSendRequest(name string, args []string, jsonFile string, stdin io.Reader) (ocixml.Command, error) {
	if err := checkRequestName(name); err != nil {
		return nil, err
	}
	fields, err := parseFields(args)
	if err != nil {
		return nil, err
	}
	if jsonFile != "" {
		var data []byte
		if jsonFile == "-" {
			if stdin == nil {
				stdin = os.Stdin
			}
			data, err = io.ReadAll(io.LimitReader(stdin, ocixml.DefaultMaxDocumentSize+1))
		} else {
			data, err = os.ReadFile(jsonFile)
		}
		if err != nil {
			return nil, fmt.Errorf("--json: %w", err)
		}
		base, err := parseJSONObject(data)
		if err != nil {
			return nil, fmt.Errorf("--json %s: %w", jsonFile, err)
		}
		fields = mergeFields(base, fields)
	}
	req, err := ocip.BuildRequest(name, fields)
	if err != nil {
		return nil, fmt.Errorf("invalid request (nothing was sent): %w", err)
	}
	return req, nil
}

// checkRequestName accepts a request's exact name and explains anything
// else, with the closest request names.
func checkRequestName(name string) error {
	c, ok := schema.Lookup(name)
	if ok && c.Kind == schema.KindRequest {
		return nil
	}
	if ok {
		var askers []string
		for _, r := range schema.All() {
			if r.Kind == schema.KindRequest && r.Response == name {
				askers = append(askers, r.Name)
			}
		}
		if len(askers) > 0 {
			return fmt.Errorf("%s is a response, not a request; send %s", name, strings.Join(askers, " or "))
		}
		return fmt.Errorf("%s is a %s, not a request", name, c.Kind)
	}
	msg := fmt.Sprintf("%q is not an OCI-P request", name)
	if s := suggestRequests(name, 5); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, ", ") + "?"
	} else {
		msg += " (see switchboard oci commands --search)"
	}
	return errors.New(msg)
}

// suggestRequests returns up to n request names close to name: a
// case-insensitive match, else names containing it (or contained in it),
// else names within a small edit distance.
func suggestRequests(name string, n int) []string {
	lower := strings.ToLower(name)
	if lower == "" {
		return nil
	}
	type cand struct {
		name string
		rank int
	}
	var exact, contains, near []cand
	all := schema.All()
	limit := max(2, len(lower)/6)
	for i := range all {
		c := &all[i]
		if c.Kind != schema.KindRequest {
			continue
		}
		l := strings.ToLower(c.Name)
		switch {
		case l == lower:
			exact = append(exact, cand{c.Name, 0})
		case strings.Contains(l, lower):
			contains = append(contains, cand{c.Name, len(l) - len(lower)})
		case len(lower) >= 8 && strings.Contains(lower, l):
			contains = append(contains, cand{c.Name, len(lower) - len(l)})
		default:
			if abs(len(l)-len(lower)) <= limit {
				if d := editDistance(l, lower, limit); d <= limit {
					near = append(near, cand{c.Name, d})
				}
			}
		}
	}
	pick := exact
	switch {
	case len(pick) > 0:
	case len(contains) > 0:
		pick = contains
	default:
		pick = near
	}
	// Closest first; deprecated versions sort by name like the rest.
	slices.SortStableFunc(pick, func(a, b cand) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, c := range pick[:min(len(pick), n)] {
		out = append(out, c.name)
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is the Levenshtein distance of a and b, or limit+1 once it
// is sure to exceed limit.
func editDistance(a, b string, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// The field syntax. Each argument is path=value (a string) or
// path:=json (a JSON literal). A path is dot-separated segments; a
// segment is an element name, optionally indexed (name[2]); the last may
// instead be an attribute (@name or @prefix:name). The result is the map
// form ocip.BuildRequest takes.

// maxFieldIndex bounds name[i], so a typo cannot ask for a huge list.
const maxFieldIndex = 9999

// fieldNode is an element being built from field arguments.
type fieldNode struct {
	slots map[string]*fieldSlot
}

// fieldSlot holds what the arguments said about one key of a node:
// values given to the plain key (a repeat appends), a child built through
// dotted paths, or items given by index. A key takes one form only.
type fieldSlot struct {
	values []any
	child  *fieldNode
	items  map[int]*fieldItem
}

type fieldItem struct {
	value any
	set   bool
	child *fieldNode
}

// fieldSeg is one segment of a path.
type fieldSeg struct {
	name    string
	index   int // -1 when not indexed
	isAttr  bool
	display string // the path up to and including this segment
}

// parseFields turns field arguments into the map form of ocip.Raw.
func parseFields(args []string) (map[string]any, error) {
	root := &fieldNode{slots: map[string]*fieldSlot{}}
	for _, arg := range args {
		if err := root.add(arg); err != nil {
			return nil, fmt.Errorf("field %q: %w", arg, err)
		}
	}
	return root.toMap()
}

func (n *fieldNode) add(arg string) error {
	key, raw, ok := strings.Cut(arg, "=")
	if !ok {
		return errors.New("want key=value or key:=json")
	}
	var value any = raw
	if k, isJSON := strings.CutSuffix(key, ":"); isJSON {
		key = k
		v, err := parseJSONValue([]byte(raw))
		if err != nil {
			return fmt.Errorf("value after := is not JSON: %w", err)
		}
		value = v
	}
	segs, err := parsePath(key)
	if err != nil {
		return err
	}
	last := segs[len(segs)-1]
	if last.isAttr {
		if len(segs) == 1 && last.name == "@xsi:type" {
			return errors.New("the command's xsi:type is its name; set @xsi:type on a nested element")
		}
		switch value.(type) {
		case string, bool:
		default:
			return fmt.Errorf("attribute %s takes a string, number or boolean", last.display)
		}
	}
	cur := n
	for _, s := range segs[:len(segs)-1] {
		if cur, err = cur.descend(s); err != nil {
			return err
		}
	}
	return cur.set(last, value)
}

// parsePath splits a key into segments and checks each.
func parsePath(key string) ([]fieldSeg, error) {
	if key == "" {
		return nil, errors.New("empty key")
	}
	parts := strings.Split(key, ".")
	segs := make([]fieldSeg, len(parts))
	display := ""
	for i, p := range parts {
		if display != "" {
			display += "."
		}
		display += p
		s := fieldSeg{index: -1, display: display}
		if attr, ok := strings.CutPrefix(p, "@"); ok {
			if i != len(parts)-1 {
				return nil, fmt.Errorf("attribute %s must be the last segment", display)
			}
			prefix, local, qualified := strings.Cut(attr, ":")
			if !qualified {
				prefix, local = "", prefix
			}
			if !validName(local) || (qualified && !validName(prefix)) {
				return nil, fmt.Errorf("%s: not an attribute name", display)
			}
			s.name, s.isAttr = p, true
			segs[i] = s
			continue
		}
		name := p
		if open := strings.IndexByte(p, '['); open >= 0 {
			if !strings.HasSuffix(p, "]") {
				return nil, fmt.Errorf("%s: an index is written name[n]", display)
			}
			digits := p[open+1 : len(p)-1]
			n, err := strconv.Atoi(digits)
			if err != nil || n < 0 || n > maxFieldIndex || digits != strconv.Itoa(n) {
				return nil, fmt.Errorf("%s: the index must be a number 0..%d", display, maxFieldIndex)
			}
			name, s.index = p[:open], n
		}
		if !validName(name) {
			if name == "" {
				return nil, fmt.Errorf("%q: empty element name", display)
			}
			return nil, fmt.Errorf("%s: %q is not an element name", display, name)
		}
		s.name = name
		segs[i] = s
	}
	return segs, nil
}

// validName accepts the element names OCI-P uses: a letter or underscore,
// then letters, digits, underscores and hyphens.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return true
}

func (n *fieldNode) slot(name string) *fieldSlot {
	s := n.slots[name]
	if s == nil {
		s = &fieldSlot{}
		n.slots[name] = s
	}
	return s
}

// descend returns the element a non-final segment names, creating it.
func (n *fieldNode) descend(seg fieldSeg) (*fieldNode, error) {
	s := n.slot(seg.name)
	if s.values != nil {
		return nil, fmt.Errorf("%s is given a value elsewhere and cannot also hold elements", seg.display)
	}
	if seg.index < 0 {
		if s.items != nil {
			return nil, fmt.Errorf("%s is indexed elsewhere; write %s[n]", seg.display, seg.display)
		}
		if s.child == nil {
			s.child = &fieldNode{slots: map[string]*fieldSlot{}}
		}
		return s.child, nil
	}
	if s.child != nil {
		return nil, fmt.Errorf("%s is used without an index elsewhere", seg.display)
	}
	if s.items == nil {
		s.items = map[int]*fieldItem{}
	}
	it := s.items[seg.index]
	if it == nil {
		it = &fieldItem{}
		s.items[seg.index] = it
	}
	if it.set {
		return nil, fmt.Errorf("%s is given a value elsewhere and cannot also hold elements", seg.display)
	}
	if it.child == nil {
		it.child = &fieldNode{slots: map[string]*fieldSlot{}}
	}
	return it.child, nil
}

// set gives the final segment its value.
func (n *fieldNode) set(seg fieldSeg, v any) error {
	s := n.slot(seg.name)
	if s.child != nil {
		return fmt.Errorf("%s holds elements given elsewhere and cannot also take a value", seg.display)
	}
	if seg.isAttr && s.values != nil {
		return fmt.Errorf("attribute %s given twice", seg.display)
	}
	if seg.index < 0 {
		if s.items != nil {
			return fmt.Errorf("%s is indexed elsewhere; write %s[n]", seg.display, seg.display)
		}
		s.values = append(s.values, v)
		return nil
	}
	if s.values != nil {
		return fmt.Errorf("%s is used without an index elsewhere", seg.display)
	}
	if s.items == nil {
		s.items = map[int]*fieldItem{}
	}
	it := s.items[seg.index]
	if it == nil {
		it = &fieldItem{}
		s.items[seg.index] = it
	}
	if it.set || it.child != nil {
		return fmt.Errorf("%s given twice", seg.display)
	}
	it.value, it.set = v, true
	return nil
}

func (n *fieldNode) toMap() (map[string]any, error) {
	m := make(map[string]any, len(n.slots))
	for name, s := range n.slots {
		switch {
		case s.child != nil:
			c, err := s.child.toMap()
			if err != nil {
				return nil, err
			}
			m[name] = c
		case s.items != nil:
			list := make([]any, len(s.items))
			for i := range list {
				it := s.items[i]
				if it == nil {
					return nil, fmt.Errorf("%s[%d] is missing: indexes run from 0 without gaps", name, i)
				}
				if !it.set {
					c, err := it.child.toMap()
					if err != nil {
						return nil, err
					}
					list[i] = c
					continue
				}
				list[i] = it.value
			}
			m[name] = list
		case len(s.values) == 1:
			m[name] = s.values[0]
		default:
			m[name] = slices.Clone(s.values)
		}
	}
	return m, nil
}

// parseJSONValue reads one JSON value into the map form: numbers keep
// their text (the wire carries text), objects become maps and arrays
// []any.
func parseJSONValue(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("more than one JSON value")
	}
	return fromJSON(v), nil
}

func fromJSON(v any) any {
	switch v := v.(type) {
	case json.Number:
		return string(v)
	case map[string]any:
		for k, e := range v {
			v[k] = fromJSON(e)
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = fromJSON(e)
		}
		return v
	}
	return v
}

// parseJSONObject reads a --json file, which must hold one object.
func parseJSONObject(data []byte) (map[string]any, error) {
	v, err := parseJSONValue(data)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a JSON object of fields, not %s", jsonKind(v))
	}
	return m, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case bool:
		return "a boolean"
	case string:
		return "a string or number"
	}
	return fmt.Sprintf("%T", v)
}

// mergeFields lays over on top of base: over's keys win, and where both
// hold an object the objects merge the same way.
func mergeFields(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		bm, ok1 := out[k].(map[string]any)
		om, ok2 := v.(map[string]any)
		if ok1 && ok2 {
			out[k] = mergeFields(bm, om)
			continue
		}
		out[k] = v
	}
	return out
}

func newOCIRawCmd(env cliEnv) *cobra.Command {
	o := env.connOptions()
	var format string
	cmd := &cobra.Command{
		Use:   "raw",
		Short: "Send OCI-P XML read from standard input and print the responses",
		Long: `Read OCI-P XML from standard input, check it against the schema, send its
commands in one document and print the responses in order.

The input is either a whole BroadsoftDocument (its sessionId, or other sender
identity, is replaced by this client's session) or one or more bare
<command xsi:type="..."> elements. At most 15 commands, all requests. Exits 1
when any command is answered with an ErrorResponse (after printing every
response).`,
		Example: `  switchboard oci raw <<'EOF'
  <command xsi:type="GroupGetRequest22V5"><serviceProviderId>sp1</serviceProviderId><groupId>g1</groupId></command>
  EOF`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := output.ParseFormat(format, output.XML, output.JSON, output.Text)
			if err != nil {
				return err
			}
			in := env.stdin
			if in == nil {
				in = os.Stdin
			}
			data, err := io.ReadAll(io.LimitReader(in, ocixml.DefaultMaxDocumentSize+1))
			if err != nil {
				return fmt.Errorf("reading standard input: %w", err)
			}
			reqs, err := parseRawInput(data)
			if err != nil {
				return err
			}
			ctx, c, done, err := o.dialOne(cmd)
			if err != nil {
				return err
			}
			defer done()
			// At most MaxCommands requests, and Batch keeps that many in one
			// document, so the server runs them in order as one unit.
			results, err := c.Batch(ctx, reqs...)
			if err != nil {
				return err
			}
			if err := output.WriteResults(cmd.OutOrStdout(), f, results); err != nil {
				return err
			}
			var lines []string
			for i, res := range results {
				var refused *ocip.ErrorResponse
				if errors.As(res.Err, &refused) {
					lines = append(lines, fmt.Sprintf("command %d (%s): %s", i+1, refused.Command, output.ErrorLine(refused)))
				}
			}
			if len(lines) > 0 {
				return fmt.Errorf("%d of %d commands refused:\n  %s", len(lines), len(results), strings.Join(lines, "\n  "))
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&format, "output", "o", "xml", "output format: xml, json or table")
	addConnFlags(fs, o)
	return cmd
}

// rawSession stands in for the sender in bare commands; the client's own
// session replaces it when the commands are sent.
const rawSession = "switchboard-raw"

// parseRawInput decodes and validates a document or bare command elements
// and returns its requests.
func parseRawInput(data []byte) ([]ocixml.Command, error) {
	if len(data) > ocixml.DefaultMaxDocumentSize {
		return nil, fmt.Errorf("raw: the input exceeds %d bytes", ocixml.DefaultMaxDocumentSize)
	}
	text, err := ocixml.ToUTF8(data, ocixml.CharsetOptions{PreferUTF8: true})
	if err != nil {
		return nil, fmt.Errorf("raw: %w", err)
	}
	root, body := firstElement(text)
	switch root {
	case "":
		return nil, errors.New("raw: no XML element on standard input")
	case "BroadsoftDocument":
	case "command":
		// Wrapped in an envelope so the document decoder reads them.
		text = `<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">` +
			rawSession + `</sessionId>` + body + `</BroadsoftDocument>`
	default:
		return nil, fmt.Errorf("raw: the input starts with <%s>; want a BroadsoftDocument or <command xsi:type=\"...\"> elements", root)
	}
	doc, err := ocip.DecodeString(text, ocip.DecodeOptions{})
	if err != nil {
		return nil, fmt.Errorf("raw: invalid input (nothing was sent): %w", err)
	}
	// Kinds first: a response pasted by mistake deserves that message
	// rather than whatever rule of the response's it also breaks.
	for i, c := range doc.Commands {
		sc, ok := schema.Lookup(strings.TrimPrefix(c.XSIType(), "c:"))
		if !ok || sc.Kind != schema.KindRequest {
			return nil, fmt.Errorf("raw: command %d is %s, not a request (nothing was sent)", i+1, c.XSIType())
		}
	}
	for i, c := range doc.Commands {
		if err := c.Validate(); err != nil {
			err = ocixml.At("BroadsoftDocument/command["+strconv.Itoa(i)+"]["+c.XSIType()+"]", err)
			return nil, fmt.Errorf("raw: invalid input (nothing was sent): %w", err)
		}
	}
	return doc.Commands, nil
}

// firstElement returns the local name of the first element of text and
// text without its XML declaration, skipping a byte order mark,
// whitespace, processing instructions, comments and a doctype.
func firstElement(text string) (name, body string) {
	text = strings.TrimPrefix(text, "\uFEFF")
	rest := strings.TrimLeft(text, " \t\r\n")
	if strings.HasPrefix(rest, "<?xml") {
		if _, after, ok := strings.Cut(rest, "?>"); ok {
			text = after
		}
	}
	body = text
	for rest = text; ; {
		rest = strings.TrimLeft(rest, " \t\r\n")
		switch {
		case strings.HasPrefix(rest, "<?"):
			_, after, ok := strings.Cut(rest, "?>")
			if !ok {
				return "", body
			}
			rest = after
		case strings.HasPrefix(rest, "<!--"):
			_, after, ok := strings.Cut(rest, "-->")
			if !ok {
				return "", body
			}
			rest = after
		case strings.HasPrefix(rest, "<!"):
			_, after, ok := strings.Cut(rest, ">")
			if !ok {
				return "", body
			}
			rest = after
		case strings.HasPrefix(rest, "<"):
			end := strings.IndexAny(rest[1:], " \t\r\n/>")
			if end < 0 {
				return "", body
			}
			n := rest[1 : 1+end]
			if _, local, ok := strings.Cut(n, ":"); ok {
				n = local
			}
			return n, body
		default:
			return "", body
		}
	}
}

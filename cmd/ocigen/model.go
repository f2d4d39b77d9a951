package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

const nsC = "C" // the OCI-P core namespace URI is literally "C"

type simpleType struct {
	Name, NS, File, Pkg string
	Base                *simpleType // nil when derived directly from a built-in
	Builtin             string      // ultimate XSD built-in, e.g. "token"
	Enums               []string
	MinLen, MaxLen      int // -1: no facet
	MinIncl, MaxIncl    string
	MinExcl, MaxExcl    string
	Patterns            []string
	WhiteSpace          string
	def                 *node
	resolved            bool
}

// hasFacets reports whether values of t need checking beyond their Go type.
func (t *simpleType) hasFacets() bool {
	for ; t != nil; t = t.Base {
		if len(t.Enums) > 0 || t.MinLen >= 0 || t.MaxLen >= 0 || t.MinIncl != "" || t.MaxIncl != "" ||
			t.MinExcl != "" || t.MaxExcl != "" || len(t.Patterns) > 0 {
			return true
		}
	}
	return false
}

// whitespace is the effective XSD whitespace rule: preserve, replace or collapse.
func (t *simpleType) whitespace() string {
	for s := t; s != nil; s = s.Base {
		if s.WhiteSpace != "" {
			return s.WhiteSpace
		}
	}
	return builtinWhitespace(t.Builtin)
}

func builtinWhitespace(b string) string {
	switch b {
	case "string":
		return "preserve"
	case "normalizedString":
		return "replace"
	}
	return "collapse"
}

type attribute struct {
	Name     string
	Required bool
	ST       *simpleType // nil: built-in Builtin
	Builtin  string
}

type complexType struct {
	Name, NS, File, Pkg string
	Abstract            bool
	Base                *complexType
	Restriction         bool
	Attrs               []*attribute // own attributes
	Subtypes            []*complexType
	UsedAsElement       bool
	Anon                bool
	Path                string // "Parent/element" for anonymous types, else Name
	Union               bool   // item of a repeated choice: exactly one field is set

	def      *node // the complexType node
	content  *node // own sequence/choice
	fields   []*field
	choices  []*choiceGroup
	built    bool
	building bool
}

func (t *complexType) isA(name string) bool {
	for c := t; c != nil; c = c.Base {
		if c.Name == name && c.NS == nsC {
			return true
		}
	}
	return false
}

// allAttrs lists the attributes of t, most derived first: that is the order
// real servers write them in (type="Error" before echo="").
func (t *complexType) allAttrs() []*attribute {
	var out []*attribute
	for c := t; c != nil; c = c.Base {
		out = append(out, c.Attrs...)
	}
	return out
}

func (t *complexType) abstractAncestors() []*complexType {
	var out []*complexType
	for c := t.Base; c != nil; c = c.Base {
		if c.Abstract {
			out = append(out, c)
		}
	}
	return out
}

type fieldKind int

const (
	kSimple     fieldKind = iota // simple value (built-in or named simple type)
	kComplex                     // concrete complex type
	kAbstract                    // abstract complex type: interface, xsi:type dispatch
	kTable                       // core:OCITable
	kFlag                        // optional element with a fixed value: a presence flag
	kFixedReq                    // required element with a fixed value: no Go field
	kChoiceList                  // repeated choice: slice of tagged unions
	kMarker                      // element of no declared type (xs:anyType) used as a marker: presence only
)

type field struct {
	XML, Go  string
	Kind     fieldKind
	ST       *simpleType // kSimple with a named type
	Builtin  string      // kSimple with a built-in type; also the built-in under ST
	CT       *complexType
	Min, Max int // Max -1: unbounded
	Optional bool
	Nillable bool
	Fixed    *string
	Default  *string
	Choice   *choiceGroup
	Item     *complexType // kChoiceList: the union type
	Bit      int          // index in the decoder's Seen set; -1 for repeated fields
	Headings []string     // kTable
	Doc      string       // documentation of the element (table headings live there)
	Owner    *complexType // type that declared the element (differs for inherited fields)
}

func (f *field) repeated() bool { return f.Max != 1 }

type choiceGroup struct {
	Optional bool
	Fields   []*field // distinct fields of the group, in order
	Branches [][]*field
	Required [][]*field
}

type schemaModel struct {
	simple  map[[2]string]*simpleType
	complex map[[2]string]*complexType
	types   []*complexType // every complex type, anonymous ones included, in a stable order
	simples []*simpleType
	pkgOf   func(file, typeName string) string
}

func builtinGo(b string) (string, error) {
	switch b {
	case "token", "string", "normalizedString", "NMTOKEN", "dateTime", "date", "time", "decimal", "anyURI", "language", "Name", "NCName":
		return "string", nil
	case "int":
		return "int32", nil
	case "long":
		return "int64", nil
	case "boolean":
		return "bool", nil
	case "float":
		return "float32", nil
	case "base64Binary":
		return "[]byte", nil
	}
	return "", fmt.Errorf("unsupported built-in type xs:%s", b)
}

func buildModel(files []*schemaFile, pkgOf func(string, string) string) (*schemaModel, error) {
	m := &schemaModel{simple: map[[2]string]*simpleType{}, complex: map[[2]string]*complexType{}, pkgOf: pkgOf}
	// Pass 1: register named types.
	for _, f := range files {
		for _, n := range f.Root.Kids {
			key := [2]string{f.TargetNS, n.attr("name")}
			switch n.Name {
			case "simpleType":
				if m.simple[key] != nil {
					return nil, fmt.Errorf("%s: simple type %s defined twice", f.Rel, key[1])
				}
				st := &simpleType{Name: key[1], NS: f.TargetNS, File: f.Rel, Pkg: pkgOf(f.Rel, key[1]), def: n, MinLen: -1, MaxLen: -1}
				m.simple[key] = st
				m.simples = append(m.simples, st)
			case "complexType":
				if m.complex[key] != nil {
					return nil, fmt.Errorf("%s: complex type %s defined twice", f.Rel, key[1])
				}
				ct := &complexType{Name: key[1], Path: key[1], NS: f.TargetNS, File: f.Rel, Pkg: pkgOf(f.Rel, key[1]), def: n, Abstract: n.attr("abstract") == "true"}
				m.complex[key] = ct
				m.types = append(m.types, ct)
			}
		}
	}
	for _, st := range m.simples {
		if err := m.resolveSimple(st); err != nil {
			return nil, err
		}
	}
	named := append([]*complexType(nil), m.types...)
	for _, ct := range named {
		if err := m.resolveComplexHeader(ct); err != nil {
			return nil, err
		}
	}
	for _, ct := range named {
		if err := m.buildFields(ct); err != nil {
			return nil, err
		}
	}
	for _, ct := range m.types {
		if ct.Base != nil && !ct.Restriction {
			ct.Base.Subtypes = append(ct.Base.Subtypes, ct)
		}
	}
	for _, ct := range m.types {
		sort.Slice(ct.Subtypes, func(i, j int) bool { return ct.Subtypes[i].Name < ct.Subtypes[j].Name })
	}
	return m, nil
}

func (m *schemaModel) lookupSimple(n *node, q string) (*simpleType, string, error) {
	ns, local := n.qname(q)
	if ns == xsNS {
		return nil, local, nil
	}
	if st := m.simple[[2]string{ns, local}]; st != nil {
		return st, "", nil
	}
	return nil, "", fmt.Errorf("%s: unknown simple type %q", n.File, q)
}

func (m *schemaModel) resolveSimple(st *simpleType) error {
	if st.resolved {
		return nil
	}
	st.resolved = true
	r := st.def.kid("restriction")
	if r == nil {
		return fmt.Errorf("%s: simple type %s is not a restriction", st.File, st.Name)
	}
	base, builtin, err := m.lookupSimple(r, r.attr("base"))
	if err != nil {
		return err
	}
	if base != nil {
		if err := m.resolveSimple(base); err != nil {
			return err
		}
		st.Base, st.Builtin = base, base.Builtin
	} else {
		if _, err := builtinGo(builtin); err != nil {
			return fmt.Errorf("%s: %s: %w", st.File, st.Name, err)
		}
		st.Builtin = builtin
	}
	for _, f := range r.Kids {
		v := f.attr("value")
		switch f.Name {
		case "enumeration":
			st.Enums = append(st.Enums, v)
		case "minLength":
			st.MinLen = atoi(v)
		case "maxLength":
			st.MaxLen = atoi(v)
		case "length":
			st.MinLen, st.MaxLen = atoi(v), atoi(v)
		case "minInclusive":
			st.MinIncl = v
		case "maxInclusive":
			st.MaxIncl = v
		case "minExclusive":
			st.MinExcl = v
		case "maxExclusive":
			st.MaxExcl = v
		case "pattern":
			st.Patterns = append(st.Patterns, v)
		case "whiteSpace":
			st.WhiteSpace = v
		case "annotation":
		default:
			return fmt.Errorf("%s: %s: unsupported facet %s", st.File, st.Name, f.Name)
		}
	}
	return nil
}

func atoi(s string) int {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		panic(fmt.Sprintf("bad integer facet %q", s))
	}
	return v
}

// resolveComplexHeader finds the base type, attributes and own content node.
func (m *schemaModel) resolveComplexHeader(ct *complexType) error {
	n := ct.def
	body := n
	if cc := n.kid("complexContent"); cc != nil {
		var d *node
		if d = cc.kid("extension"); d == nil {
			d = cc.kid("restriction")
			ct.Restriction = true
		}
		if d == nil {
			return fmt.Errorf("%s: %s: complexContent without extension or restriction", ct.File, ct.Name)
		}
		ns, local := d.qname(d.attr("base"))
		ct.Base = m.complex[[2]string{ns, local}]
		if ct.Base == nil {
			return fmt.Errorf("%s: %s: unknown base %s", ct.File, ct.Name, d.attr("base"))
		}
		body = d
	}
	if n.kid("simpleContent") != nil {
		return fmt.Errorf("%s: %s: simpleContent is not supported", ct.File, ct.Name)
	}
	for _, k := range body.Kids {
		switch k.Name {
		case "sequence", "choice":
			if ct.content != nil {
				return fmt.Errorf("%s: %s: two content models", ct.File, ct.Name)
			}
			ct.content = k
		case "attribute":
			a := &attribute{Name: k.attr("name"), Required: k.attr("use") == "required"}
			if t := k.attr("type"); t != "" {
				st, b, err := m.lookupSimple(k, t)
				if err != nil {
					return err
				}
				a.ST, a.Builtin = st, b
				if st != nil {
					a.Builtin = st.Builtin
				}
			} else if s := k.kid("simpleType"); s != nil {
				st := m.anonSimple(ct, a.Name, s)
				if err := m.resolveSimple(st); err != nil {
					return err
				}
				a.ST, a.Builtin = st, st.Builtin
			}
			ct.Attrs = append(ct.Attrs, a)
		case "annotation":
		case "group", "all", "any", "attributeGroup", "anyAttribute":
			return fmt.Errorf("%s: %s: unsupported construct %s", ct.File, ct.Name, k.Name)
		}
	}
	return nil
}

func (m *schemaModel) anonSimple(parent *complexType, elem string, n *node) *simpleType {
	st := &simpleType{Name: parent.Name + upperFirst(elem), NS: parent.NS, File: parent.File, Pkg: parent.Pkg, def: n, MinLen: -1, MaxLen: -1}
	m.simples = append(m.simples, st)
	return st
}

func (m *schemaModel) anonComplex(parent *complexType, elem string, n *node) (*complexType, error) {
	ct := &complexType{Name: parent.Name + upperFirst(elem), NS: parent.NS, File: parent.File, Pkg: parent.Pkg, def: n, Anon: true, Path: parent.Path + "/" + elem}
	m.types = append(m.types, ct)
	if err := m.resolveComplexHeader(ct); err != nil {
		return nil, err
	}
	return ct, m.buildFields(ct)
}

// buildFields flattens the content model into Go fields: base fields first
// (extension appends to the base's sequence), choices flattened into
// optional fields with a choiceGroup recording which combinations are valid.
func (m *schemaModel) buildFields(ct *complexType) error {
	if ct.built {
		return nil
	}
	if ct.building {
		return fmt.Errorf("%s: cyclic derivation at %s", ct.File, ct.Name)
	}
	ct.building = true
	defer func() { ct.building = false }()
	if ct.Base != nil && !ct.Restriction {
		if err := m.buildFields(ct.Base); err != nil {
			return err
		}
		for _, f := range ct.Base.fields {
			c := *f
			ct.fields = append(ct.fields, &c)
		}
		// Choice groups are shared by pointer identity; rebuild them for the copies.
		ct.choices = nil
		remap := map[*choiceGroup]*choiceGroup{}
		for _, g := range ct.Base.choices {
			ng := &choiceGroup{Optional: g.Optional}
			remap[g] = ng
			ct.choices = append(ct.choices, ng)
		}
		byXML := map[string]*field{}
		for _, f := range ct.fields {
			byXML[f.XML] = f
			if f.Choice != nil {
				f.Choice = remap[f.Choice]
			}
		}
		for _, g := range ct.Base.choices {
			ng := remap[g]
			for _, f := range g.Fields {
				ng.Fields = append(ng.Fields, byXML[f.XML])
			}
			for i := range g.Branches {
				var br, rq []*field
				for _, f := range g.Branches[i] {
					br = append(br, byXML[f.XML])
				}
				for _, f := range g.Required[i] {
					rq = append(rq, byXML[f.XML])
				}
				ng.Branches = append(ng.Branches, br)
				ng.Required = append(ng.Required, rq)
			}
		}
	}
	if ct.content != nil {
		if err := m.particle(ct, ct.content, nil, -1, false); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	bit := 0
	for _, f := range ct.fields {
		names := []string{f.XML}
		if f.Kind == kChoiceList {
			names = nil
			for _, bf := range f.Item.fields {
				names = append(names, bf.XML)
			}
		}
		for _, n := range names {
			if seen[n] {
				return fmt.Errorf("%s: %s: element %s declared twice", ct.File, ct.Name, n)
			}
			seen[n] = true
		}
		f.Bit = -1
		if !f.repeated() {
			f.Bit = bit
			bit++
		}
	}
	if bit > 256 {
		return fmt.Errorf("%s: %s has %d single elements, more than ocixml.Seen holds", ct.File, ct.Name, bit)
	}
	ct.built = true
	return nil
}

// particle adds the fields of one sequence, choice or element. g is the
// enclosing choice (nil outside one) and branch the branch index within it.
func (m *schemaModel) particle(ct *complexType, n *node, g *choiceGroup, branch int, optional bool) error {
	minO, maxO := occurs(n)
	switch n.Name {
	case "sequence":
		if minO != 1 || maxO != 1 {
			return fmt.Errorf("%s: %s: repeated or optional sequences are not supported", ct.File, ct.Name)
		}
		for _, k := range n.Kids {
			if k.Name == "annotation" {
				continue
			}
			if err := m.particle(ct, k, g, branch, optional); err != nil {
				return err
			}
		}
	case "choice":
		if g != nil {
			return fmt.Errorf("%s: %s: nested choices are not supported", ct.File, ct.Name)
		}
		if maxO != 1 {
			return m.choiceList(ct, n, minO, maxO)
		}
		ng := &choiceGroup{Optional: minO == 0 || optional}
		ct.choices = append(ct.choices, ng)
		for _, k := range n.Kids {
			if k.Name == "annotation" {
				continue
			}
			ng.Branches = append(ng.Branches, nil)
			ng.Required = append(ng.Required, nil)
			if err := m.particle(ct, k, ng, len(ng.Branches)-1, true); err != nil {
				return err
			}
		}
	case "element":
		f, err := m.elementField(ct, n, minO, maxO)
		if err != nil {
			return err
		}
		if g == nil {
			f.Optional = f.Optional || optional
			ct.fields = append(ct.fields, f)
			return nil
		}
		inBranchRequired := minO >= 1
		f.Optional = true
		if f.Kind == kFixedReq {
			f.Kind = kFlag
		}
		// The same element in several branches with the same type is one field.
		var existing *field
		for _, e := range g.Fields {
			if e.XML == f.XML {
				existing = e
			}
		}
		if existing != nil {
			if existing.Kind != f.Kind || existing.ST != f.ST || existing.CT != f.CT || existing.Builtin != f.Builtin {
				return fmt.Errorf("%s: %s: element %s has different types in one choice", ct.File, ct.Name, f.XML)
			}
			f = existing
		} else {
			f.Choice = g
			g.Fields = append(g.Fields, f)
			ct.fields = append(ct.fields, f)
		}
		g.Branches[branch] = append(g.Branches[branch], f)
		if inBranchRequired {
			g.Required[branch] = append(g.Required[branch], f)
		}
	default:
		return fmt.Errorf("%s: %s: unsupported particle %s", ct.File, ct.Name, n.Name)
	}
	return nil
}

// choiceList models a repeated choice as a slice of union items, each with
// one optional field per branch.
func (m *schemaModel) choiceList(ct *complexType, n *node, minO, maxO int) error {
	var names []string
	var elems []*node
	for _, k := range n.Kids {
		if k.Name == "annotation" {
			continue
		}
		if k.Name != "element" {
			return fmt.Errorf("%s: %s: repeated choice with a non-element branch", ct.File, ct.Name)
		}
		names = append(names, exportName(k.attr("name")))
		elems = append(elems, k)
	}
	goName := strings.Join(names, "Or")
	item := &complexType{Name: ct.Name + goName, Path: ct.Path + "/" + goName, NS: ct.NS, File: ct.File, Pkg: ct.Pkg, Anon: true, built: true, Union: true}
	m.types = append(m.types, item)
	g := &choiceGroup{}
	item.choices = []*choiceGroup{g}
	for i, e := range elems {
		emin, emax := occurs(e)
		if emax != 1 {
			return fmt.Errorf("%s: %s: repeated element inside a repeated choice", ct.File, ct.Name)
		}
		_ = emin
		f, err := m.elementField(item, e, 1, 1)
		if err != nil {
			return err
		}
		f.Optional, f.Choice, f.Bit = true, g, i
		item.fields = append(item.fields, f)
		g.Fields = append(g.Fields, f)
		g.Branches = append(g.Branches, []*field{f})
		g.Required = append(g.Required, []*field{f})
	}
	ct.fields = append(ct.fields, &field{XML: "", Go: goName, Kind: kChoiceList, Item: item, Min: minO, Max: maxO})
	return nil
}

func occurs(n *node) (int, int) {
	minO, maxO := 1, 1
	if v := n.attr("minOccurs"); v != "" {
		minO = atoi(v)
	}
	if v := n.attr("maxOccurs"); v != "" {
		if v == "unbounded" {
			maxO = -1
		} else {
			maxO = atoi(v)
		}
	}
	return minO, maxO
}

func (m *schemaModel) elementField(ct *complexType, n *node, minO, maxO int) (*field, error) {
	if n.attr("ref") != "" {
		return nil, fmt.Errorf("%s: %s: element references are not supported", ct.File, ct.Name)
	}
	name := n.attr("name")
	f := &field{XML: name, Go: exportName(name), Min: minO, Max: maxO, Optional: minO == 0, Nillable: n.attr("nillable") == "true", Doc: n.doc(), Owner: ct}
	if v, ok := n.Attrs["fixed"]; ok {
		f.Fixed = &v
	}
	if v, ok := n.Attrs["default"]; ok {
		f.Default = &v
	}
	switch t := n.attr("type"); {
	case t != "":
		ns, local := n.qname(t)
		switch {
		case ns == xsNS:
			if _, err := builtinGo(local); err != nil {
				return nil, fmt.Errorf("%s: %s/%s: %w", ct.File, ct.Name, name, err)
			}
			f.Kind, f.Builtin = kSimple, local
		case m.simple[[2]string{ns, local}] != nil:
			f.Kind, f.ST = kSimple, m.simple[[2]string{ns, local}]
			f.Builtin = f.ST.Builtin
		case ns == nsC && local == "OCITable":
			f.Kind = kTable
		case m.complex[[2]string{ns, local}] != nil:
			c := m.complex[[2]string{ns, local}]
			c.UsedAsElement = true
			f.Kind, f.CT = kComplex, c
			if c.Abstract {
				f.Kind = kAbstract
			}
		default:
			return nil, fmt.Errorf("%s: %s/%s: unknown type %s", ct.File, ct.Name, name, t)
		}
	case n.kid("complexType") != nil:
		c, err := m.anonComplex(ct, name, n.kid("complexType"))
		if err != nil {
			return nil, err
		}
		c.UsedAsElement = true
		f.Kind, f.CT = kComplex, c
	case n.kid("simpleType") != nil:
		st := m.anonSimple(ct, name, n.kid("simpleType"))
		if err := m.resolveSimple(st); err != nil {
			return nil, err
		}
		f.Kind, f.ST, f.Builtin = kSimple, st, st.Builtin
	default:
		// No type means xs:anyType. The schema uses it only for marker
		// elements inside choices, so it is modelled as presence.
		if f.repeated() {
			return nil, fmt.Errorf("%s: %s/%s: repeated element without a type", ct.File, ct.Name, name)
		}
		f.Kind = kMarker
	}
	if f.Fixed != nil {
		if f.Kind != kSimple || f.Nillable || f.repeated() {
			return nil, fmt.Errorf("%s: %s/%s: unsupported fixed element", ct.File, ct.Name, name)
		}
		if minO == 0 {
			f.Kind = kFlag
		} else {
			f.Kind = kFixedReq
		}
	}
	if f.Nillable && f.repeated() {
		return nil, fmt.Errorf("%s: %s/%s: repeated nillable elements are not supported", ct.File, ct.Name, name)
	}
	return f, nil
}

package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

const xsNS = "http://www.w3.org/2001/XMLSchema"

// node is a generic XSD element: the generator needs the whole tree, and
// speed does not matter here, so encoding/xml into a plain tree is enough.
type node struct {
	Name  string // local name, e.g. "complexType"
	Attrs map[string]string
	Kids  []*node
	Text  string
	NS    map[string]string // prefix -> namespace in scope ("" = default)
	File  string
}

func (n *node) attr(k string) string { return n.Attrs[k] }

func (n *node) kids(name string) []*node {
	var out []*node
	for _, k := range n.Kids {
		if k.Name == name {
			out = append(out, k)
		}
	}
	return out
}

func (n *node) kid(name string) *node {
	for _, k := range n.Kids {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// doc returns the documentation text directly under n's annotation.
func (n *node) doc() string {
	a := n.kid("annotation")
	if a == nil {
		return ""
	}
	var parts []string
	for _, d := range a.kids("documentation") {
		parts = append(parts, d.Text)
	}
	return strings.Join(parts, "\n")
}

// qname resolves a QName attribute value against the namespaces in scope.
func (n *node) qname(v string) (ns, local string) {
	if i := strings.IndexByte(v, ':'); i >= 0 {
		return n.NS[v[:i]], v[i+1:]
	}
	return n.NS[""], v
}

func parseFile(path, rel string) (*node, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	var stack []*node
	var root *node
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{Name: t.Name.Local, Attrs: map[string]string{}, File: rel, NS: map[string]string{}}
			if len(stack) > 0 {
				for k, v := range stack[len(stack)-1].NS {
					n.NS[k] = v
				}
			}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xmlns":
					n.NS[a.Name.Local] = a.Value
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					n.NS[""] = a.Value
				default:
					n.Attrs[a.Name.Local] = a.Value
				}
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Kids = append(p.Kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	if root == nil || root.Name != "schema" {
		return nil, fmt.Errorf("%s: not an XML schema", rel)
	}
	return root, nil
}

// schemaFile is one loaded XSD file.
type schemaFile struct {
	Rel       string // path relative to the schema directory, slash-separated
	Root      *node
	TargetNS  string
	Includes  []string
	LoadOrder int
}

// loadSchemaSet reads root and everything it includes or imports, once per
// file: the OCI-P set repeats the same includes in every file (chameleon
// style), so de-duplication by path is what keeps the type set finite.
func loadSchemaSet(dir, root string) ([]*schemaFile, error) {
	seen := map[string]*schemaFile{}
	var order []*schemaFile
	var visit func(rel string) error
	visit = func(rel string) error {
		rel = filepath.ToSlash(filepath.Clean(rel))
		if seen[rel] != nil {
			return nil
		}
		n, err := parseFile(filepath.Join(dir, filepath.FromSlash(rel)), rel)
		if err != nil {
			return err
		}
		sf := &schemaFile{Rel: rel, Root: n, TargetNS: n.attr("targetNamespace"), LoadOrder: len(order)}
		seen[rel] = sf
		order = append(order, sf)
		for _, k := range n.Kids {
			if k.Name != "include" && k.Name != "import" {
				continue
			}
			loc := k.attr("schemaLocation")
			if loc == "" {
				continue
			}
			target := filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(rel), loc)))
			sf.Includes = append(sf.Includes, target)
			if err := visit(target); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(root); err != nil {
		return nil, err
	}
	return order, nil
}

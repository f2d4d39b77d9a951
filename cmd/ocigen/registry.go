package main

import (
	"bytes"
	"fmt"
	"go/format"
	"sort"
	"strconv"
	"strings"
)

// commandKind classifies a concrete complex type as an OCI-P command.
// Types deriving from OCIRequest or OCIResponse that the schema uses as the
// type of an element (CallCenterAgentSettings, CallCenterAgentAvailability)
// are data, not commands: classifying by usage rather than by a name list
// keeps a future schema's additions right.
func commandKind(ct *complexType) string {
	if ct.Abstract || ct.Anon || ct.UsedAsElement {
		return ""
	}
	switch {
	case ct.isA("OCIRequest"):
		return "KindRequest"
	case ct.isA("OCIDataResponse"):
		return "KindDataResponse"
	case ct.isA("OCIResponse"):
		return "KindResponse"
	}
	return ""
}

// responseName applies the schema's naming rule: the data response of
// XRequestV is XResponseV (the last "Request" replaced).
func responseName(req string) string {
	i := strings.LastIndex(req, "Request")
	if i < 0 {
		return ""
	}
	return req[:i] + "Response" + req[i+len("Request"):]
}

func emitRegistry(m *schemaModel, base string) ([]byte, error) {
	type entry struct {
		ct   *complexType
		kind string
	}
	var entries []entry
	dataResponses := map[string]bool{}
	for _, ct := range m.types {
		k := commandKind(ct)
		if k == "" {
			continue
		}
		entries = append(entries, entry{ct, k})
		if k == "KindDataResponse" {
			dataResponses[ct.Name] = true
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].ct.Name < entries[j].ct.Name })
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("package schema\n\n")
	imports := map[string]bool{ocixmlPath: true}
	tablePkgs := map[string]bool{}
	for _, ct := range m.types {
		for _, f := range ct.fields {
			if f.Kind == kTable && f.Owner == ct && len(f.Headings) > 0 {
				tablePkgs[ct.Pkg] = true
			}
		}
	}
	for _, e := range entries {
		imports[base+"/"+e.ct.Pkg] = true
	}
	for p := range tablePkgs {
		imports[base+"/"+p] = true
	}
	var imps []string
	for p := range imports {
		imps = append(imps, strconv.Quote(p))
	}
	sort.Strings(imps)
	fmt.Fprintf(&b, "import (\n%s\n)\n\n", strings.Join(imps, "\n"))
	b.WriteString("// commands lists every OCI-P command, sorted by name for binary search.\n")
	b.WriteString("var commands = [...]Command{\n")
	matched := 0
	for _, e := range entries {
		ct := e.ct
		resp := ""
		if e.kind == "KindRequest" {
			if r := responseName(ct.Name); dataResponses[r] {
				resp = r
				matched++
			}
		}
		fmt.Fprintf(&b, "{Name: %q, Kind: %s, Response: %q, Deprecated: %t, File: %q, new: func() ocixml.Command { return new(%s.%s) }},\n",
			ct.Name, e.kind, resp, deprecatedFiles[ct.File], ct.File, ct.Pkg, ct.Name)
	}
	b.WriteString("}\n\n")
	if matched != len(dataResponses) {
		return nil, fmt.Errorf("%d data responses but only %d requests name one: the naming rule no longer holds", len(dataResponses), matched)
	}
	var tp []string
	for p := range tablePkgs {
		tp = append(tp, p+".Tables")
	}
	sort.Strings(tp)
	b.WriteString("// tableSets gathers the table headings of every package.\n")
	fmt.Fprintf(&b, "var tableSets = [...][]ocixml.TableSpec{%s}\n", strings.Join(tp, ", "))
	return format.Source(b.Bytes())
}

// Command ocigen reads the BroadWorks OCI-P XML schema and writes the Go
// types, codecs, validators and the command registry of ocip/schema.
//
//	go run ./cmd/ocigen -schema ../shared/ocip-schema -out ocip/schema
//
// Output is deterministic: the same schema gives byte-identical files, which
// CI checks by regenerating and diffing.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/switchboard/switchboard/cmd/ocigen/internal/headings"
)

const modulePath = "github.com/switchboard/switchboard"

// packageRules maps schema files to Go packages, by domain. The split keeps
// the cold build's memory bounded (the go-stack research notes measured
// about 3 GB for one package of this size) and follows the include graph,
// so imports stay acyclic; the generator checks that and fails if a change
// breaks it.
// Deprecated and DeprecatedAS refer to each other and must share a package.
var packageRules = []struct{ file, pkg string }{
	{"OCISchemaBASE.xsd", "core"},
	{"OCISchemaBaseDataTypes.xsd", "core"},
	{"OCISchemaDataTypes.xsd", "datatypes"},
	{"OCISchemaSearchCriteria.xsd", "datatypes"},
	{"OCISchemaSortCriteria.xsd", "datatypes"},
	{"OCISchemaLogin.xsd", "login"},
	{"OCISchemaSystem.xsd", "system"},
	{"XSOCI.xsd", "system"},
	{"OCISchemaServiceProvider.xsd", "provider"},
	{"OCISchemaEnterprise.xsd", "provider"},
	{"OCISchemaReseller.xsd", "provider"},
	{"OCISchemaGroup.xsd", "group"},
	{"OCISchemaUser.xsd", "user"},
	{"Services/OCISchemaServiceCallCenter.xsd", "callcenter"},
	{"Services/OCISchemaServiceCallCenterMonitoring.xsd", "callcenter"},
	{"Services/OCISchemaServiceRoutePoint.xsd", "callcenter"},
	{"Services/", "service"},
	{"OCISchemaDeprecated.xsd", "deprecated"},
	{"OCISchemaDeprecatedAS.xsd", "deprecated"},
	{"OCISchemaASDeprecatedSpecialExceptions.xsd", "deprecated"},
	{"OCISchemaAS.xsd", "schema"},
}

// packageDocs is the package comment of each generated package.
var packageDocs = map[string]string{
	"core":             "the OCI-P core namespace \"C\": the message envelope, abstract commands, SuccessResponse, ErrorResponse and OCITable",
	"datatypes":        "the shared OCI-P data types, search criteria and sort criteria",
	"login":            "OCI-P login, authentication and session commands",
	"system":           "OCI-P system-level commands and types (including the XS-mode commands)",
	"provider":         "OCI-P service provider, enterprise and reseller commands and types",
	"group":            "OCI-P group commands and types",
	"user":             "OCI-P user commands and types",
	"callcenter":       "OCI-P call center, call center monitoring and route point commands and types",
	"service":          "OCI-P commands and types of the per-feature service files (Services/*.xsd) other than call centers",
	"deprecated":       "the deprecated OCI-P data types and the deprecated login, service provider, enterprise and reseller commands, still used by clients",
	"deprecatedsystem": "the deprecated OCI-P system commands",
	"deprecatedgroup":  "the deprecated OCI-P group commands",
	"deprecateduser":   "the deprecated OCI-P user commands",
}

var deprecatedFiles = map[string]bool{
	"OCISchemaDeprecated.xsd":                    true,
	"OCISchemaDeprecatedAS.xsd":                  true,
	"OCISchemaASDeprecatedSpecialExceptions.xsd": true,
}

// deprecatedCommand matches the commands of the deprecated files that are
// big enough to need a package of their own: the deprecated files hold a
// third of the schema, and compiler memory grows faster than package size
// (see "Build cost" in docs/PERFORMANCE.md for the per-package figures).
var deprecatedCommand = regexp.MustCompile(`^(System|Group|User)[A-Za-z0-9]*(Request|Response)[A-Za-z0-9]*$`)

func pkgOf(file, typeName string) string {
	if deprecatedFiles[file] {
		if m := deprecatedCommand.FindStringSubmatch(typeName); m != nil && !strings.HasSuffix(typeName, "Entry") {
			return "deprecated" + strings.ToLower(m[1])
		}
	}
	for _, r := range packageRules {
		if file == r.file || strings.HasSuffix(r.file, "/") && strings.HasPrefix(file, r.file) {
			return r.pkg
		}
	}
	panic("no package rule for schema file " + file)
}

func main() {
	schemaDir := flag.String("schema", "../shared/ocip-schema", "directory of the OCI-P XSD files")
	out := flag.String("out", "ocip/schema", "output directory (the schema package)")
	overrides := flag.String("headings", "cmd/ocigen/headings_override.txt", "reviewed table-heading corrections")
	flag.Parse()
	if err := run(*schemaDir, *out, *overrides); err != nil {
		fmt.Fprintln(os.Stderr, "ocigen:", err)
		os.Exit(1)
	}
}

func run(schemaDir, out, overridesPath string) error {
	files, err := loadSchemaSet(schemaDir, "OCISchemaAS.xsd")
	if err != nil {
		return err
	}
	m, err := buildModel(files, pkgOf)
	if err != nil {
		return err
	}
	ov := headings.Overrides{}
	if f, err := os.Open(overridesPath); err == nil {
		ov, err = headings.LoadOverrides(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", overridesPath, err)
		}
	} else if !os.IsNotExist(err) {
		return err
	}
	if err := resolveHeadings(m, ov); err != nil {
		return err
	}
	gen, err := generate(m, modulePath+"/ocip/schema")
	if err != nil {
		return err
	}
	return writeOutput(out, gen)
}

// resolveHeadings fills in the column headings of every OCITable field.
func resolveHeadings(m *schemaModel, ov headings.Overrides) error {
	var failures []string
	for _, ct := range m.types {
		var siblings []string
		for _, f := range ct.fields {
			if f.Kind == kTable && f.Owner == ct {
				siblings = append(siblings, f.XML)
			}
		}
		for _, f := range ct.fields {
			if f.Kind != kTable || f.Owner != ct {
				continue
			}
			t := headings.Table{Type: ct.Path, Element: f.XML, TypeDoc: ct.def.doc(), ElementDoc: f.Doc, Siblings: siblings}
			h, err := ov.Resolve(t)
			if err != nil {
				failures = append(failures, t.Key()+": "+err.Error())
				continue
			}
			f.Headings = h
		}
	}
	// Inherited table fields take the headings their declaring type gave them.
	for _, ct := range m.types {
		for _, f := range ct.fields {
			if f.Kind == kTable && f.Owner != ct {
				for _, of := range f.Owner.fields {
					if of.XML == f.XML {
						f.Headings = of.Headings
					}
				}
			}
		}
	}
	if len(failures) > 0 {
		sort.Strings(failures)
		return fmt.Errorf("table headings could not be resolved (fix the extractor or add a reviewed override):\n  %s", strings.Join(failures, "\n  "))
	}
	return nil
}

// generate returns file path (relative to out) -> content.
func generate(m *schemaModel, base string) (map[string][]byte, error) {
	outFiles := map[string][]byte{}
	byPkgFile := map[string]map[string][]*complexType{}
	simplesByPkgFile := map[string]map[string][]*simpleType{}
	for _, ct := range m.types {
		if byPkgFile[ct.Pkg] == nil {
			byPkgFile[ct.Pkg] = map[string][]*complexType{}
		}
		byPkgFile[ct.Pkg][ct.File] = append(byPkgFile[ct.Pkg][ct.File], ct)
	}
	for _, st := range m.simples {
		if simplesByPkgFile[st.Pkg] == nil {
			simplesByPkgFile[st.Pkg] = map[string][]*simpleType{}
		}
		simplesByPkgFile[st.Pkg][st.File] = append(simplesByPkgFile[st.Pkg][st.File], st)
	}
	pkgs := map[string]bool{}
	for p := range byPkgFile {
		pkgs[p] = true
	}
	for p := range simplesByPkgFile {
		pkgs[p] = true
	}
	deps := map[string]map[string]bool{}
	var pkgNames []string
	for p := range pkgs {
		pkgNames = append(pkgNames, p)
	}
	sort.Strings(pkgNames)
	for _, p := range pkgNames {
		e := newEmitter(p, base)
		e.typeNames = map[string]bool{}
		for _, ct := range m.types {
			if ct.Pkg == p {
				e.typeNames[ct.Name] = true
			}
		}
		for _, st := range m.simples {
			if st.Pkg == p {
				e.typeNames[st.Name] = true
			}
		}
		deps[p] = map[string]bool{}
		fileSet := map[string]bool{}
		for f := range byPkgFile[p] {
			fileSet[f] = true
		}
		for f := range simplesByPkgFile[p] {
			fileSet[f] = true
		}
		var fileNames []string
		for f := range fileSet {
			fileNames = append(fileNames, f)
		}
		sort.Strings(fileNames)
		names := map[string]string{}
		for _, f := range fileNames {
			e.buf.Reset()
			e.imports = map[string]bool{}
			sts := simplesByPkgFile[p][f]
			sort.Slice(sts, func(i, j int) bool { return sts[i].Name < sts[j].Name })
			for _, st := range sts {
				if prev, ok := names[st.Name]; ok {
					return nil, fmt.Errorf("package %s: type %s from %s and %s", p, st.Name, prev, f)
				}
				names[st.Name] = f
				e.emitSimple(st)
			}
			cts := byPkgFile[p][f]
			sort.Slice(cts, func(i, j int) bool { return cts[i].Name < cts[j].Name })
			for _, ct := range cts {
				if prev, ok := names[ct.Name]; ok {
					return nil, fmt.Errorf("package %s: type %s from %s and %s", p, ct.Name, prev, f)
				}
				names[ct.Name] = f
				if err := checkFieldNames(ct); err != nil {
					return nil, err
				}
				e.emitComplex(ct)
			}
			body := append([]byte(nil), e.buf.Bytes()...)
			imps := map[string]bool{}
			for k := range e.imports {
				imps[k] = true
				if k != "fmt" && k != "regexp" {
					deps[p][k] = true
				}
			}
			if bytes.Contains(body, []byte("ocixml.")) {
				imps["ocixml"] = true
			}
			src, err := e.finish(body, imps)
			if err != nil {
				return nil, fmt.Errorf("formatting %s/%s: %w", p, f, err)
			}
			outFiles[filepath.Join(p, goFileName(f))] = src
		}
		src, err := e.packageFile()
		if err != nil {
			return nil, err
		}
		outFiles[filepath.Join(p, "package_gen.go")] = src
	}
	if err := checkAcyclic(deps); err != nil {
		return nil, err
	}
	reg, err := emitRegistry(m, base)
	if err != nil {
		return nil, err
	}
	outFiles["registry_gen.go"] = reg
	outFiles["describe_gen.go"] = emitDescribe(m)
	return outFiles, nil
}

// checkFieldNames rejects Go name clashes inside one struct, including with
// the generated methods.
func checkFieldNames(ct *complexType) error {
	seen := map[string]string{"DecodeXML": "method", "AppendXML": "method", "Validate": "method", "XSIType": "method", "AppendAttrs": "method"}
	for _, a := range ct.abstractAncestors() {
		seen["Is"+a.Name] = "method"
	}
	add := func(goName, xml string) error {
		if prev, ok := seen[goName]; ok {
			return fmt.Errorf("%s: %s: Go name %s of %s clashes with %s", ct.File, ct.Name, goName, xml, prev)
		}
		seen[goName] = xml
		return nil
	}
	for _, a := range ct.allAttrs() {
		if err := add(exportName(a.Name), "@"+a.Name); err != nil {
			return err
		}
	}
	for _, f := range ct.fields {
		if f.Kind == kFixedReq {
			continue
		}
		if err := add(f.Go, f.XML); err != nil {
			return err
		}
	}
	return nil
}

func goFileName(schemaFile string) string {
	b := filepath.Base(schemaFile)
	b = strings.TrimSuffix(b, ".xsd")
	b = strings.TrimPrefix(b, "OCISchema")
	if b == "" {
		b = "schema"
	}
	return strings.ToLower(b) + "_gen.go"
}

// packageFile holds the package comment and the package-wide variables
// (table headings and compiled patterns) the type files share.
func (e *emitter) packageFile() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	fmt.Fprintf(&b, "// Package %s holds %s.\n//\n// Every type carries its exact OCI-P schema name; see package\n// github.com/switchboard/switchboard/ocip/schema for the command registry.\npackage %s\n\n", e.pkg, packageDocs[e.pkg], e.pkg)
	var imps []string
	if len(e.headingOrder) > 0 {
		imps = append(imps, strconv.Quote(ocixmlPath))
	}
	if len(e.regexOrder) > 0 {
		imps = append(imps, `"regexp"`)
	}
	if len(imps) > 0 {
		sort.Strings(imps)
		fmt.Fprintf(&b, "import (\n%s\n)\n\n", strings.Join(imps, "\n"))
	}
	if len(e.headingOrder) > 0 {
		b.WriteString("// Column headings of the tables declared in this package.\nvar (\n")
		for _, k := range e.headingOrder {
			var q []string
			for _, h := range strings.Split(k, "\x00") {
				q = append(q, strconv.Quote(h))
			}
			fmt.Fprintf(&b, "%s = []string{%s}\n", e.headingNames[k], strings.Join(q, ", "))
		}
		b.WriteString(")\n\n")
		b.WriteString("// Tables lists every OCITable element of this package with its headings.\nvar Tables = []ocixml.TableSpec{\n")
		for _, t := range e.tables {
			fmt.Fprintf(&b, "{Type: %q, Element: %q, Headings: %s},\n", t[0], t[1], t[2])
		}
		b.WriteString("}\n\n")
	}
	if len(e.regexOrder) > 0 {
		b.WriteString("// Pattern facets, anchored as XSD patterns are.\nvar (\n")
		for _, p := range e.regexOrder {
			fmt.Fprintf(&b, "%s = regexp.MustCompile(%q)\n", e.regexes[p], "^(?:"+p+")$")
		}
		b.WriteString(")\n")
	}
	return format.Source(b.Bytes())
}

func checkAcyclic(deps map[string]map[string]bool) error {
	state := map[string]int{}
	var visit func(p string, path []string) error
	visit = func(p string, path []string) error {
		switch state[p] {
		case 1:
			return fmt.Errorf("package import cycle: %s -> %s", strings.Join(path, " -> "), p)
		case 2:
			return nil
		}
		state[p] = 1
		var ds []string
		for d := range deps[p] {
			ds = append(ds, d)
		}
		sort.Strings(ds)
		for _, d := range ds {
			if err := visit(d, append(path, p)); err != nil {
				return err
			}
		}
		state[p] = 2
		return nil
	}
	var ps []string
	for p := range deps {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	for _, p := range ps {
		if err := visit(p, nil); err != nil {
			return err
		}
	}
	return nil
}

// writeOutput replaces the generated files under out, removing stale ones.
func writeOutput(out string, files map[string][]byte) error {
	err := filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, "_gen.go") {
			rel, _ := filepath.Rel(out, path)
			if _, keep := files[rel]; !keep {
				return os.Remove(path)
			}
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(out, n)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, files[n]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}

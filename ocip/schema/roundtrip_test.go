package schema_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/provider"
)

// concrete lists candidates for interface-typed (abstract) fields; the
// sample builder picks the ones implementing the field's interface.
var concrete = []reflect.Type{
	reflect.TypeFor[*datatypes.GroupDepartmentKey](),
	reflect.TypeFor[*datatypes.EnterpriseDepartmentKey](),
	reflect.TypeFor[*provider.EnterpriseVoiceVPNDigitManipulationNoValue](),
	reflect.TypeFor[*provider.EnterpriseVoiceVPNDigitManipulationOptionalValue](),
	reflect.TypeFor[*provider.EnterpriseVoiceVPNDigitManipulationRequiredValue](),
}

var (
	tableType = reflect.TypeFor[ocixml.Table]()
	unionType = reflect.TypeFor[interface{ IsUnion() }]()
)

// sampler builds deterministic sample values. Strings vary over plain
// ASCII, markup characters and non-ASCII so that escaping is exercised;
// none has leading, trailing or doubled whitespace, which token types
// would legitimately collapse.
type sampler struct{ n int }

var sampleStrings = []string{"alpha", "a&b <c> \"q\" 'x'", "M\u00fcller \u00e9t\u00e9 \u20ac", "x", "line one", "\U0001F600 emoji", ""}

func (s *sampler) next() int { s.n++; return s.n }

func (s *sampler) fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(sampleStrings[s.next()%len(sampleStrings)])
	case reflect.Bool:
		v.SetBool(s.next()%3 != 0)
	case reflect.Int32, reflect.Int64:
		n := int64(s.next())
		if n%2 == 0 {
			n = -n
		}
		v.SetInt(n)
	case reflect.Float32:
		v.SetFloat(float64(s.next()) + 0.5)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte{0, 1, 2, byte(s.next())})
			return
		}
		if depth > 5 {
			return
		}
		n := 1 + s.next()%2
		sl := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n; i++ {
			s.fill(sl.Index(i), depth+1)
		}
		v.Set(sl)
	case reflect.Pointer:
		if depth > 5 {
			return
		}
		p := reflect.New(v.Type().Elem())
		s.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Interface:
		if depth > 5 {
			return
		}
		var cands []reflect.Type
		for _, c := range concrete {
			if c.Implements(v.Type()) {
				cands = append(cands, c)
			}
		}
		if len(cands) == 0 {
			panic("no concrete type for " + v.Type().String())
		}
		p := reflect.New(cands[s.next()%len(cands)].Elem())
		s.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		switch {
		case v.Type() == tableType:
			t := ocixml.NewTable("Col A", "Col B")
			t.AddRow("1", "x&y")
			t.AddRow("", "\u00fc")
			v.Set(reflect.ValueOf(*t))
			return
		case strings.HasPrefix(v.Type().Name(), "Nillable["):
			if s.next()%3 == 0 {
				v.Addr().MethodByName("SetNil").Call(nil)
				return
			}
			val := reflect.New(nillableElem(v.Type())).Elem()
			s.fill(val, depth+1)
			v.Addr().MethodByName("Set").Call([]reflect.Value{val})
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				s.fill(v.Field(i), depth)
			}
		}
		if reflect.PointerTo(v.Type()).Implements(unionType) {
			// A union item holds exactly one branch: keep the first set one.
			kept := false
			for i := 0; i < v.NumField(); i++ {
				f := v.Field(i)
				if f.IsZero() {
					continue
				}
				if kept {
					f.Set(reflect.Zero(f.Type()))
				}
				kept = true
			}
		}
	}
}

// nillableElem returns T of ocixml.Nillable[T] from its Value method.
func nillableElem(t reflect.Type) reflect.Type {
	m, _ := t.MethodByName("Value")
	return m.Type.Out(0)
}

// TestRoundTripEveryCommand builds a sample of every request and response,
// encodes it, checks encoding/xml accepts the bytes and sees the same
// element tree as our decoder, decodes it and compares with the original.
func TestRoundTripEveryCommand(t *testing.T) {
	all := schema.All()
	if len(all) < 6000 {
		t.Fatalf("registry has %d commands", len(all))
	}
	s := &sampler{}
	buf := make([]byte, 0, 1<<16)
	for i := range all {
		c := &all[i]
		for variant := 0; variant < 2; variant++ {
			v := c.New()
			if variant == 1 {
				s.fill(reflect.ValueOf(v).Elem(), 0)
			}
			doc := &ocip.Document{SessionID: "s", Commands: []ocixml.Command{v}}
			buf = doc.AppendXML(buf[:0])
			if err := oracle(buf); err != nil {
				t.Fatalf("%s: encoding/xml rejects our output: %v\n%s", c.Name, err, buf)
			}
			got, err := ocip.Decode(buf, ocip.DecodeOptions{})
			var oe *ocixml.Error
			if variant == 0 && errors.As(err, &oe) && oe.Rule == ocixml.RuleRequired && v.Validate() != nil {
				continue // a zero value with a required abstract field cannot be written
			}
			if err != nil {
				t.Fatalf("%s: decode: %v\n%s", c.Name, err, buf)
			}
			if variant == 0 {
				// Zero values gain the schema's table headings on the way
				// out, so compare the re-encoding instead of the values.
				again := (&ocip.Document{SessionID: "s", Commands: got.Commands}).AppendXML(nil)
				if !bytes.Equal(again, buf) {
					t.Fatalf("%s: re-encoding differs\n got: %s\nwant: %s", c.Name, again, buf)
				}
				continue
			}
			if !reflect.DeepEqual(got.Commands[0], v) {
				t.Fatalf("%s: round trip differs\n got: %#v\nwant: %#v\n%s", c.Name, got.Commands[0], v, buf)
			}
			for _, b := range buf {
				if b >= 0x80 {
					t.Fatalf("%s: non-ASCII byte in output", c.Name)
				}
			}
			_ = v.Validate() // must not panic on arbitrary values
		}
	}
}

// oracle parses the document with encoding/xml and with our decoder's
// generic walk, and compares the element trees (names and text).
func oracle(doc []byte) error {
	want, err := stdTree(doc)
	if err != nil {
		return err
	}
	got, err := ourTree(string(doc))
	if err != nil {
		return err
	}
	if want != got {
		return fmt.Errorf("trees differ:\nencoding/xml: %s\nocixml:       %s", want, got)
	}
	return nil
}

func stdTree(doc []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil } // output is ASCII
	var b strings.Builder
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			b.WriteString("<" + t.Name.Local + ">")
			text.Reset()
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			b.WriteString(fmt.Sprintf("%q</%s>", text.String(), t.Name.Local))
			text.Reset()
		}
	}
}

func ourTree(doc string) (string, error) {
	d := ocixml.NewDecoder(doc, ocixml.DecodeOptions{})
	var b strings.Builder
	if !d.Root() {
		return "", d.Err()
	}
	var walk func(name string)
	walk = func(name string) {
		b.WriteString("<" + name + ">")
		// Peek: an element either has children or text. Try children first
		// from a mark; fall back to text.
		m := d.Mark()
		lvl := d.Depth()
		if d.Child(lvl) {
			first := d.Local()
			walk(first)
			for d.Child(lvl) {
				walk(d.Local())
			}
			b.WriteString(`""</` + name + ">")
			return
		}
		if d.Err() != nil {
			d.Rewind(m)
		} else {
			// closed with no children: empty
			b.WriteString(`""</` + name + ">")
			return
		}
		b.WriteString(fmt.Sprintf("%q</%s>", d.Text(), name))
	}
	walk(d.Local())
	if err := d.End(); err != nil {
		return "", err
	}
	return b.String(), nil
}

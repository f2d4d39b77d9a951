package ocip_test

// Benchmarks of the envelope codec against encoding/xml on the same
// documents in the same run (docs/PERFORMANCE.md records the figures).
//
// Two documents: a 1.5 KB UserAddRequest17sp4, the typical provisioning
// request (many short fields, one polymorphic department, one entity), and a
// 10,000-row UserGetListInGroupResponse, the largest response clients
// routinely fetch. The encoding/xml baseline uses hand-written structs that
// read and write the same elements and attributes, including xsi:type on the
// command and the department, so both sides do the same work.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecateduser"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

const (
	benchSession = "7f3e2a10-5c4b-4d8e-9a61-0b2c3d4e5f60"
	xsiNS        = "http://www.w3.org/2001/XMLSchema-instance"
	tableRows    = 10000
)

// ---- ocip values and documents ----

func smallCommand() *deprecateduser.UserAddRequest17sp4 {
	return &deprecateduser.UserAddRequest17sp4{
		ServiceProviderID:        "acme",
		GroupID:                  "acme-hq",
		UserID:                   "jdoe@acme.example.com",
		LastName:                 "Doe",
		FirstName:                "Jane",
		CallingLineIDLastName:    "Doe",
		CallingLineIDFirstName:   "Jane",
		HiraganaLastName:         ocixml.Ptr(datatypes.HiraganaLastName("Doe")),
		HiraganaFirstName:        ocixml.Ptr(datatypes.HiraganaFirstName("Jane")),
		PhoneNumber:              ocixml.Ptr(datatypes.DN("+1-2025550142")),
		Extension:                ocixml.Ptr(datatypes.Extension17("0142")),
		CallingLineIDPhoneNumber: ocixml.Ptr(datatypes.DN("+1-2025550100")),
		Password:                 ocixml.Ptr(datatypes.Password("Wint3r-1s-C0ming")),
		Department: &datatypes.GroupDepartmentKey{
			ServiceProviderID: "acme",
			GroupID:           "acme-hq",
			Name:              "Engineering",
		},
		Language: ocixml.Ptr(datatypes.Language("English")),
		TimeZone: ocixml.Ptr(datatypes.TimeZone("America/New_York")),
		Alias: []datatypes.SIPURI{
			"jane.doe@acme.example.com",
			"jd@acme.example.com",
		},
		Title:             ocixml.Ptr(datatypes.Title("Network Engineer")),
		PagerPhoneNumber:  ocixml.Ptr(datatypes.InformationalDN("+1-2025550199")),
		MobilePhoneNumber: ocixml.Ptr(datatypes.OutgoingDN("+1-2025550177")),
		EmailAddress:      ocixml.Ptr(datatypes.EmailAddress("jdoe@acme.example.com")),
		YahooID:           ocixml.Ptr(datatypes.YahooId("jdoe_acme")),
		AddressLocation:   ocixml.Ptr(datatypes.AddressLocation("Bldg 4, Room 217")),
		Address: &datatypes.StreetAddress{
			AddressLine1:    ocixml.Some(datatypes.StreetAddressAddressLine1("Smith & Sons Park, 1200 Main St")),
			City:            ocixml.Some(datatypes.StreetAddressCity("Washington")),
			StateOrProvince: ocixml.Some(datatypes.StreetAddressStateOrProvince("DC")),
			ZipOrPostalCode: ocixml.Some(datatypes.StreetAddressZipOrPostalCode("20001")),
			Country:         ocixml.Some(datatypes.StreetAddressCountry("USA")),
		},
	}
}

func smallDocument() *ocip.Document {
	return &ocip.Document{Protocol: "OCI", SessionID: benchSession, Commands: []ocixml.Command{smallCommand()}}
}

var domains = []string{"acme-telecom.example.com", "globex.example.net", "initech.example.org"}
var lastNames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez"}
var firstNames = []string{"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William", "Barbara"}
var departments = []string{"Sales (acme-hq)", "Support (acme-hq)", "R&D (acme-hq)", "", "Finance (acme-hq)"}

// tableRow returns row i of the large table: realistic, varied cells, with
// some empty columns (departments, hiragana names) as real servers send.
func tableRow(i int) []string {
	last, first := lastNames[i%len(lastNames)], firstNames[i%len(firstNames)]
	ext := strconv.Itoa(1000 + i)
	phone, activated := "", "false"
	if i%4 != 3 {
		phone, activated = "+1-20255"+strconv.Itoa(10000+i), "true"
	}
	user := fmt.Sprintf("%c%s%d@%s", first[0]+'a'-'A', strings.ToLower(last), i, domains[i%len(domains)])
	email := ""
	if i%3 != 0 {
		email = strings.ToLower(first) + "." + strings.ToLower(last) + strconv.Itoa(i) + "@" + domains[i%len(domains)]
	}
	return []string{user, last, first, departments[i%len(departments)], phone, activated, email, "", "", strconv.FormatBool(i%50 == 0), ext, "1", ""}
}

func tableDocument() *ocip.Document {
	h, ok := schema.TableHeadings("UserGetListInGroupResponse", "userTable")
	if !ok {
		panic("no headings for UserGetListInGroupResponse/userTable")
	}
	r := &user.UserGetListInGroupResponse{}
	r.UserTable.Headings = h
	r.UserTable.Grow(tableRows)
	for i := range tableRows {
		r.UserTable.AddRow(tableRow(i)...)
	}
	return &ocip.Document{Protocol: "OCI", SessionID: benchSession, Commands: []ocixml.Command{r}}
}

// The documents are produced once by our encoder from the values above, so
// they are valid canonical OCI-P; tests below check that both
// implementations decode them to the same content.
var (
	fixturesOnce       sync.Once
	smallXML, tableXML []byte
	smallDoc, tableDoc *ocip.Document
)

func fixtures() {
	fixturesOnce.Do(func() {
		smallDoc, tableDoc = smallDocument(), tableDocument()
		smallXML = smallDoc.AppendXML(nil)
		tableXML = tableDoc.AppendXML(nil)
	})
}

// ---- encoding/xml baseline ----

// nsAttr is an attribute whose name carries a prefix that encoding/xml
// would otherwise rewrite on output (xmlns:xsi, xsi:type): it is written
// literally, as OCI-P peers expect, and read through the namespace-qualified
// field tag.
type nsAttr string

func (a nsAttr) MarshalXMLAttr(name xml.Name) (xml.Attr, error) {
	switch name.Space {
	case "":
	case "xmlns":
		name.Local = "xmlns:" + name.Local
	case xsiNS:
		name.Local = "xsi:" + name.Local
	default:
		return xml.Attr{}, fmt.Errorf("unexpected attribute namespace %q", name.Space)
	}
	return xml.Attr{Name: xml.Name{Local: name.Local}, Value: string(a)}, nil
}

// xmlUnmarshal is xml.Unmarshal (which builds the same decoder) with a
// charset reader for the ISO-8859-1 declaration of canonical OCI-P: the
// documents are pure ASCII, so Latin-1 reads as UTF-8 unchanged, and
// encoding/xml refuses the declaration without one.
func xmlUnmarshal(data []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = latin1ASCII
	return d.Decode(v)
}

func latin1ASCII(label string, r io.Reader) (io.Reader, error) {
	if label != "ISO-8859-1" {
		return nil, fmt.Errorf("unexpected charset %q", label)
	}
	return r, nil
}

// xSession is <sessionId xmlns="">…</sessionId>.
type xSession struct {
	Xmlns string `xml:"xmlns,attr"`
	Value string `xml:",chardata"`
}

type xEnvelope[C any] struct {
	XMLName   xml.Name `xml:"C BroadsoftDocument"`
	Protocol  string   `xml:"protocol,attr"`
	XmlnsXSI  nsAttr   `xml:"xmlns xsi,attr"`
	SessionID xSession `xml:"sessionId"`
	Command   C        `xml:"command"`
}

type xUserAdd struct {
	Echo                     string       `xml:"echo,attr,omitempty"`
	XSIType                  nsAttr       `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
	Xmlns                    string       `xml:"xmlns,attr"`
	ServiceProviderID        string       `xml:"serviceProviderId"`
	GroupID                  string       `xml:"groupId"`
	UserID                   string       `xml:"userId"`
	LastName                 string       `xml:"lastName"`
	FirstName                string       `xml:"firstName"`
	CallingLineIDLastName    string       `xml:"callingLineIdLastName"`
	CallingLineIDFirstName   string       `xml:"callingLineIdFirstName"`
	HiraganaLastName         string       `xml:"hiraganaLastName,omitempty"`
	HiraganaFirstName        string       `xml:"hiraganaFirstName,omitempty"`
	PhoneNumber              string       `xml:"phoneNumber,omitempty"`
	Extension                string       `xml:"extension,omitempty"`
	CallingLineIDPhoneNumber string       `xml:"callingLineIdPhoneNumber,omitempty"`
	Password                 string       `xml:"password,omitempty"`
	Department               *xDepartment `xml:"department,omitempty"`
	Language                 string       `xml:"language,omitempty"`
	TimeZone                 string       `xml:"timeZone,omitempty"`
	Alias                    []string     `xml:"alias"`
	Title                    string       `xml:"title,omitempty"`
	PagerPhoneNumber         string       `xml:"pagerPhoneNumber,omitempty"`
	MobilePhoneNumber        string       `xml:"mobilePhoneNumber,omitempty"`
	EmailAddress             string       `xml:"emailAddress,omitempty"`
	YahooID                  string       `xml:"yahooId,omitempty"`
	AddressLocation          string       `xml:"addressLocation,omitempty"`
	Address                  *xAddress    `xml:"address,omitempty"`
}

type xAddress struct {
	AddressLine1    string `xml:"addressLine1,omitempty"`
	AddressLine2    string `xml:"addressLine2,omitempty"`
	City            string `xml:"city,omitempty"`
	StateOrProvince string `xml:"stateOrProvince,omitempty"`
	ZipOrPostalCode string `xml:"zipOrPostalCode,omitempty"`
	Country         string `xml:"country,omitempty"`
}

type xGroupDepartmentKey struct {
	ServiceProviderID string `xml:"serviceProviderId"`
	GroupID           string `xml:"groupId"`
	Name              string `xml:"name"`
}

type xEnterpriseDepartmentKey struct {
	ServiceProviderID string `xml:"serviceProviderId"`
	Name              string `xml:"name"`
}

// xDepartment is the abstract DepartmentKey: exactly one of the two is set,
// chosen by xsi:type, as the generated DecodeDepartmentKey does.
type xDepartment struct {
	Group      *xGroupDepartmentKey
	Enterprise *xEnterpriseDepartmentKey
}

func (k *xDepartment) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var t string
	for _, a := range start.Attr {
		if a.Name.Space == xsiNS && a.Name.Local == "type" {
			t = a.Value
		}
	}
	switch localName(t) {
	case "GroupDepartmentKey":
		k.Group = new(xGroupDepartmentKey)
		return d.DecodeElement(k.Group, &start)
	case "EnterpriseDepartmentKey":
		k.Enterprise = new(xEnterpriseDepartmentKey)
		return d.DecodeElement(k.Enterprise, &start)
	}
	return fmt.Errorf("department: unknown xsi:type %q", t)
}

func (k *xDepartment) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	var v any
	var t string
	switch {
	case k.Group != nil:
		v, t = k.Group, "GroupDepartmentKey"
	case k.Enterprise != nil:
		v, t = k.Enterprise, "EnterpriseDepartmentKey"
	default:
		return fmt.Errorf("department: no key")
	}
	start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "xsi:type"}, Value: t})
	return e.EncodeElement(v, start)
}

func localName(q string) string {
	for i := len(q) - 1; i >= 0; i-- {
		if q[i] == ':' {
			return q[i+1:]
		}
	}
	return q
}

type xRow struct {
	Col []string `xml:"col"`
}

type xTable struct {
	ColHeading []string `xml:"colHeading"`
	Row        []xRow   `xml:"row"`
}

type xUserList struct {
	Echo      string `xml:"echo,attr"`
	XSIType   nsAttr `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
	Xmlns     string `xml:"xmlns,attr"`
	UserTable xTable `xml:"userTable"`
}

type (
	xSmallDoc = xEnvelope[xUserAdd]
	xTableDoc = xEnvelope[xUserList]
)

// ---- mapping ocip values to the baseline form, for the equality tests ----

func str[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

func smallToBase(doc *ocip.Document) (xSmallDoc, error) {
	if len(doc.Commands) != 1 {
		return xSmallDoc{}, fmt.Errorf("want one command, got %d", len(doc.Commands))
	}
	c, ok := doc.Commands[0].(*deprecateduser.UserAddRequest17sp4)
	if !ok {
		return xSmallDoc{}, fmt.Errorf("want a UserAddRequest17sp4, got %T", doc.Commands[0])
	}
	x := xUserAdd{
		Echo: c.Echo, XSIType: nsAttr(c.XSIType()),
		ServiceProviderID: string(c.ServiceProviderID), GroupID: string(c.GroupID), UserID: string(c.UserID),
		LastName: string(c.LastName), FirstName: string(c.FirstName),
		CallingLineIDLastName: string(c.CallingLineIDLastName), CallingLineIDFirstName: string(c.CallingLineIDFirstName),
		HiraganaLastName: str(c.HiraganaLastName), HiraganaFirstName: str(c.HiraganaFirstName),
		PhoneNumber: str(c.PhoneNumber), Extension: str(c.Extension), CallingLineIDPhoneNumber: str(c.CallingLineIDPhoneNumber),
		Password: str(c.Password), Language: str(c.Language), TimeZone: str(c.TimeZone),
		Title: str(c.Title), PagerPhoneNumber: str(c.PagerPhoneNumber), MobilePhoneNumber: str(c.MobilePhoneNumber),
		EmailAddress: str(c.EmailAddress), YahooID: str(c.YahooID), AddressLocation: str(c.AddressLocation),
	}
	for _, a := range c.Alias {
		x.Alias = append(x.Alias, string(a))
	}
	switch k := c.Department.(type) {
	case nil:
	case *datatypes.GroupDepartmentKey:
		x.Department = &xDepartment{Group: &xGroupDepartmentKey{string(k.ServiceProviderID), string(k.GroupID), string(k.Name)}}
	case *datatypes.EnterpriseDepartmentKey:
		x.Department = &xDepartment{Enterprise: &xEnterpriseDepartmentKey{string(k.ServiceProviderID), string(k.Name)}}
	default:
		return xSmallDoc{}, fmt.Errorf("department of type %T", k)
	}
	if a := c.Address; a != nil {
		x.Address = &xAddress{
			AddressLine1: string(a.AddressLine1.Value()), AddressLine2: string(a.AddressLine2.Value()),
			City: string(a.City.Value()), StateOrProvince: string(a.StateOrProvince.Value()),
			ZipOrPostalCode: string(a.ZipOrPostalCode.Value()), Country: string(a.Country.Value()),
		}
	}
	return xSmallDoc{
		XMLName:  xml.Name{Space: "C", Local: "BroadsoftDocument"},
		Protocol: doc.Protocol, XmlnsXSI: xsiNS,
		SessionID: xSession{Value: doc.SessionID},
		Command:   x,
	}, nil
}

func tableToBase(doc *ocip.Document) (xTableDoc, error) {
	if len(doc.Commands) != 1 {
		return xTableDoc{}, fmt.Errorf("want one command, got %d", len(doc.Commands))
	}
	c, ok := doc.Commands[0].(*user.UserGetListInGroupResponse)
	if !ok {
		return xTableDoc{}, fmt.Errorf("want a UserGetListInGroupResponse, got %T", doc.Commands[0])
	}
	x := xUserList{Echo: c.Echo, XSIType: nsAttr(c.XSIType())}
	x.UserTable.ColHeading = append([]string(nil), c.UserTable.Headings...)
	for i := range c.UserTable.Len() {
		x.UserTable.Row = append(x.UserTable.Row, xRow{Col: append([]string(nil), c.UserTable.Row(i)...)})
	}
	return xTableDoc{
		XMLName:  xml.Name{Space: "C", Local: "BroadsoftDocument"},
		Protocol: doc.Protocol, XmlnsXSI: xsiNS,
		SessionID: xSession{Value: doc.SessionID},
		Command:   x,
	}, nil
}

// ---- fairness checks ----

func TestBenchDocuments(t *testing.T) {
	fixtures()
	// The markup of the requested fields alone is about 1.2 KB; with
	// realistic values the whole document is about 1.5 KB.
	if n := len(smallXML); n < 1200 || n > 1600 {
		t.Errorf("small document is %d bytes, want 1.2-1.6 KB", n)
	}
	if !bytes.Contains(smallXML, []byte(`<department xsi:type="GroupDepartmentKey">`)) || !bytes.Contains(smallXML, []byte("&amp;")) {
		t.Errorf("small document lacks the typed department or the entity:\n%s", smallXML)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want *ocip.Document
	}{{"small", smallXML, smallDoc}, {"table", tableXML, tableDoc}} {
		got, err := ocip.Decode(tc.data, ocip.DecodeOptions{Validate: true})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: decoded value differs from the encoded one", tc.name)
		}
	}
}

// TestBaselineDecodesSame checks that encoding/xml reads the same content
// from the same bytes, and that what it writes reads back through ocip the
// same, so neither side of a benchmark skips work the other does.
func TestBaselineDecodesSame(t *testing.T) {
	fixtures()

	var xs xSmallDoc
	if err := xmlUnmarshal(smallXML, &xs); err != nil {
		t.Fatal(err)
	}
	want, err := smallToBase(smallDoc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(xs, want) {
		t.Errorf("small: encoding/xml read\n%+v\nwant\n%+v", xs, want)
	}
	if xs.Command.Department.Group == nil || xs.Command.Address.AddressLine1 != "Smith & Sons Park, 1200 Main St" {
		t.Errorf("small: department or entity not decoded: %+v", xs.Command)
	}
	out, err := xml.Marshal(&xs)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ocip.Decode(out, ocip.DecodeOptions{Validate: true})
	if err != nil {
		t.Fatalf("small: ocip cannot read encoding/xml output: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(back, smallDoc) {
		t.Errorf("small: encoding/xml output reads back differently:\n%s", out)
	}

	var xt xTableDoc
	if err := xmlUnmarshal(tableXML, &xt); err != nil {
		t.Fatal(err)
	}
	wantT, err := tableToBase(tableDoc)
	if err != nil {
		t.Fatal(err)
	}
	if len(xt.Command.UserTable.Row) != tableRows || len(xt.Command.UserTable.ColHeading) != 13 {
		t.Fatalf("table: encoding/xml read %d rows, %d headings", len(xt.Command.UserTable.Row), len(xt.Command.UserTable.ColHeading))
	}
	// encoding/xml leaves Col nil for <row> with no cells and keeps empty
	// cells as "", exactly as ocip does; compare whole values.
	if !reflect.DeepEqual(xt, wantT) {
		t.Errorf("table: encoding/xml read differs")
	}
	out, err = xml.Marshal(&xt)
	if err != nil {
		t.Fatal(err)
	}
	backT, err := ocip.Decode(out, ocip.DecodeOptions{Validate: true})
	if err != nil {
		t.Fatalf("table: ocip cannot read encoding/xml output: %v", err)
	}
	if !reflect.DeepEqual(backT, tableDoc) {
		t.Errorf("table: encoding/xml output reads back differently")
	}
}

// TestEscapeFastPaths checks AppendEscaped and AppendString, whose plain
// ASCII fast paths these benchmarks measure, against a byte-at-a-time
// reference of the canonical escaping on random values.
func TestEscapeFastPaths(t *testing.T) {
	ref := func(b []byte, s string) []byte {
		for _, r := range s {
			switch {
			case r == '<':
				b = append(b, "&lt;"...)
			case r == '>':
				b = append(b, "&gt;"...)
			case r == '&':
				b = append(b, "&amp;"...)
			case r == '"':
				b = append(b, "&quot;"...)
			case r == '\n' || r == '\t' || r >= 0x20 && r < 0x80:
				b = append(b, byte(r))
			default:
				if r != '\r' && (r < 0x20 || r == utf8.RuneError || r >= 0xD800 && r < 0xE000 || r > 0xFFFD && r < 0x10000) {
					r = 0xFFFD
				}
				b = strconv.AppendInt(append(b, "&#"...), int64(r), 10)
				b = append(b, ';')
			}
		}
		return b
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		v := make([]byte, rng.IntN(40))
		for i := range v {
			if rng.IntN(8) == 0 {
				v[i] = byte(rng.IntN(256))
			} else {
				v[i] = byte(' ' + rng.IntN(95))
			}
		}
		s := string(v)
		want := ref([]byte("x"), s)
		if got := ocixml.AppendEscaped([]byte("x"), s); !bytes.Equal(got, want) {
			t.Fatalf("AppendEscaped(%q) = %q, want %q", s, got, want)
		}
		elem := append(append([]byte("x<e>"), want[1:]...), "</e>"...)
		if s == "" {
			elem = []byte("x<e/>")
		}
		// With and without spare capacity: the fast path writes into it.
		for _, b := range [][]byte{[]byte("x"), append(make([]byte, 0, 128), 'x')} {
			if got := ocixml.AppendString(b, "e", s); !bytes.Equal(got, elem) {
				t.Fatalf("AppendString(%q) = %q, want %q", s, got, elem)
			}
		}
	}
}

// ---- benchmarks ----

func benchDecode[X any](b *testing.B, data []byte) {
	b.Run("ocip", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ocip.Decode(data, ocip.DecodeOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding_xml", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			// A fresh value per document, as ocip.Decode returns one.
			var v X
			if err := xmlUnmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchEncode compares appending into a reused buffer with encoding/xml's
// fastest fair form: one Encoder kept over a reused bytes.Buffer (Encode
// flushes after each value), which beats xml.Marshal's fresh buffer and
// encoder per call.
func benchEncode[X any](b *testing.B, doc *ocip.Document, toBase func(*ocip.Document) (X, error), size int) {
	b.Run("ocip", func(b *testing.B) {
		buf := doc.AppendXML(nil)
		b.SetBytes(int64(len(buf)))
		b.ReportAllocs()
		for b.Loop() {
			buf = doc.AppendXML(buf[:0])
		}
	})
	b.Run("encoding_xml", func(b *testing.B) {
		x, err := toBase(doc)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		enc := xml.NewEncoder(&buf)
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for b.Loop() {
			// The same bytes around the root as ocip writes: the
			// declaration before and a newline after.
			buf.Reset()
			buf.WriteString(ocip.Declaration)
			if err := enc.Encode(&x); err != nil {
				b.Fatal(err)
			}
			buf.WriteByte('\n')
		}
	})
}

func BenchmarkDecodeSmall(b *testing.B) {
	fixtures()
	benchDecode[xSmallDoc](b, smallXML)
}

func BenchmarkEncodeSmall(b *testing.B) {
	fixtures()
	benchEncode(b, smallDoc, smallToBase, len(smallXML))
}

func BenchmarkDecodeTable10k(b *testing.B) {
	fixtures()
	benchDecode[xTableDoc](b, tableXML)
}

func BenchmarkEncodeTable10k(b *testing.B) {
	fixtures()
	benchEncode(b, tableDoc, tableToBase, len(tableXML))
}

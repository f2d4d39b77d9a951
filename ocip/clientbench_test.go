package ocip_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"net"
	"sync"
	"testing"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// The client benchmarks measure what one command costs the SDK: encoding
// the request, framing, decoding the reply into typed structs and handing
// it back. The server is a canned responder in the same process that
// answers every command with the same pre-encoded UserGetResponse23V2, so
// its own cost (a scan for the session id and one write) is small and is
// included: the figures are an upper bound on the client's cost.
//
// The baseline, in the same run, is encoding/xml doing only the codec part
// of the same exchange: marshal the request document and unmarshal the
// reply into a struct with the same fields.

// cannedResponse is the body of one reply command.
func cannedResponse() ocixml.Command {
	return &user.UserGetResponse23V2{
		ServiceProviderID: "sp1", GroupID: "g1", UserID: "alice@example.com",
		LastName: "Liddell", FirstName: "Alice", CallingLineIDLastName: "Liddell", CallingLineIDFirstName: "Alice",
		PhoneNumber: ocixml.Ptr(datatypes.DN("+15551230001")), Extension: ocixml.Ptr(datatypes.Extension17("0001")),
		Language: "English", TimeZone: "America/New_York", TimeZoneDisplayName: "(GMT-05:00) Eastern Time",
		DefaultAlias: "alice@example.com", CountryCode: "1",
		EmailAddress: ocixml.Ptr(datatypes.EmailAddress("alice@example.com")),
	}
}

// cannedServer answers logins and then every document with as many copies
// of cannedResponse as it has commands.
type cannedServer struct {
	l   net.Listener
	cmd []byte // one encoded reply command
	wg  sync.WaitGroup
}

func startCanned(tb testing.TB) *cannedServer {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &cannedServer{l: l, cmd: ocip.AppendCommand(nil, cannedResponse())}
	go func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() { s.serve(nc) })
		}
	}()
	tb.Cleanup(func() { l.Close(); s.wg.Wait() })
	return s
}

func (s *cannedServer) serve(nc net.Conn) {
	defer nc.Close()
	fr := ocixml.NewFrameReader(nc, ocixml.FrameOptions{})
	var out []byte
	for {
		doc, err := fr.Next()
		if err != nil {
			return
		}
		sid := between(doc, "<sessionId", "</sessionId>")
		if i := bytes.IndexByte(sid, '>'); i >= 0 {
			sid = sid[i+1:]
		}
		out = append(out[:0], ocip.Declaration...)
		out = append(out, `<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">`...)
		out = append(out, sid...)
		out = append(out, "</sessionId>"...)
		switch {
		case bytes.Contains(doc, []byte(`"AuthenticationRequest"`)):
			out = ocip.AppendCommand(out, &deprecated.AuthenticationResponse{UserID: "admin", Nonce: "1", PasswordAlgorithm: "MD5"})
		case bytes.Contains(doc, []byte(`"LoginRequest`)):
			out = ocip.AppendCommand(out, &deprecated.LoginResponse14sp4{LoginType: "System", Locale: "en_US", Encoding: "ISO-8859-1", UserDomain: "example.com"})
		default:
			for range bytes.Count(doc, []byte("<command ")) {
				out = append(out, s.cmd...)
			}
		}
		out = append(out, "</BroadsoftDocument>"...)
		if _, err := nc.Write(out); err != nil {
			return
		}
	}
}

func between(b []byte, from, to string) []byte {
	i := bytes.Index(b, []byte(from))
	if i < 0 {
		return nil
	}
	j := bytes.Index(b[i:], []byte(to))
	if j < 0 {
		return nil
	}
	return b[i : i+j]
}

func benchClient(b *testing.B, conns int) (*ocip.Client, *user.UserGetRequest23V2) {
	s := startCanned(b)
	c, err := ocip.Dial(context.Background(), ocip.Config{Addr: s.l.Addr().String(), User: "admin", Password: "x", Conns: conns})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c, &user.UserGetRequest23V2{UserID: "alice@example.com"}
}

// BenchmarkClientSend is one command per document on one connection: the
// round trip dominates.
func BenchmarkClientSend(b *testing.B) {
	c, req := benchClient(b, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ocip.Do[*user.UserGetResponse23V2](ctx, c, req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/command")
}

// BenchmarkClientBatch is 120 commands per call: 8 documents of 15 over a
// pool of 4 connections.
func BenchmarkClientBatch(b *testing.B) {
	c, req := benchClient(b, 4)
	ctx := context.Background()
	reqs := make([]ocixml.Command, 8*ocip.MaxCommands)
	for i := range reqs {
		reqs[i] = req
	}
	b.ReportAllocs()
	for b.Loop() {
		rs, err := c.Batch(ctx, reqs...)
		if err != nil || rs[len(rs)-1].Err != nil {
			b.Fatal(err, rs[len(rs)-1].Err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(reqs)), "ns/command")
}

// BenchmarkClientConcurrentDo is many goroutines calling Do on a pool of
// 4: the client may coalesce their commands into shared documents.
func BenchmarkClientConcurrentDo(b *testing.B) {
	c, req := benchClient(b, 4)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := ocip.Do[*user.UserGetResponse23V2](ctx, c, req); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/command")
}

// xUserGet and xUserGetReply mirror the request and reply for encoding/xml.
type xUserGet struct {
	XMLName   xml.Name `xml:"BroadsoftDocument"`
	Protocol  string   `xml:"protocol,attr"`
	NS        string   `xml:"xmlns,attr"`
	XSI       string   `xml:"xmlns:xsi,attr"`
	SessionID string   `xml:"sessionId"`
	Command   []struct {
		Type   string `xml:"xsi:type,attr"`
		UserID string `xml:"userId"`
	} `xml:"command"`
}

type xUserGetReply struct {
	SessionID string `xml:"sessionId"`
	Command   []struct {
		ServiceProviderID      string `xml:"serviceProviderId"`
		GroupID                string `xml:"groupId"`
		UserID                 string `xml:"userId"`
		LastName               string `xml:"lastName"`
		FirstName              string `xml:"firstName"`
		CallingLineIDLastName  string `xml:"callingLineIdLastName"`
		CallingLineIDFirstName string `xml:"callingLineIdFirstName"`
		PhoneNumber            string `xml:"phoneNumber"`
		Extension              string `xml:"extension"`
		Language               string `xml:"language"`
		TimeZone               string `xml:"timeZone"`
		TimeZoneDisplayName    string `xml:"timeZoneDisplayName"`
		DefaultAlias           string `xml:"defaultAlias"`
		CountryCode            string `xml:"countryCode"`
		EmailAddress           string `xml:"emailAddress"`
	} `xml:"command"`
}

// BenchmarkClientCodecBaseline is encoding/xml encoding a 15-command
// request document and decoding the 15-command reply, per command: the
// codec work alone, without any network or pool.
func BenchmarkClientCodecBaseline(b *testing.B) {
	reply := []byte(ocip.Declaration + `<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId>`)
	one := ocip.AppendCommand(nil, cannedResponse())
	for range ocip.MaxCommands {
		reply = append(reply, one...)
	}
	reply = append(reply, "</BroadsoftDocument>"...)
	req := xUserGet{Protocol: "OCI", NS: "C", XSI: "http://www.w3.org/2001/XMLSchema-instance", SessionID: "s"}
	req.Command = make([]struct {
		Type   string `xml:"xsi:type,attr"`
		UserID string `xml:"userId"`
	}, ocip.MaxCommands)
	for i := range req.Command {
		req.Command[i].Type, req.Command[i].UserID = "UserGetRequest23V2", "alice@example.com"
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := xml.Marshal(&req); err != nil {
			b.Fatal(err)
		}
		var r xUserGetReply
		if err := xmlUnmarshal(reply, &r); err != nil || len(r.Command) != ocip.MaxCommands || r.Command[0].TimeZone == "" {
			b.Fatal(err, len(r.Command))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*ocip.MaxCommands), "ns/command")
}

// BenchmarkClientCodec is the same codec work with this package.
func BenchmarkClientCodec(b *testing.B) {
	reply := []byte(ocip.Declaration + `<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId>`)
	one := ocip.AppendCommand(nil, cannedResponse())
	for range ocip.MaxCommands {
		reply = append(reply, one...)
	}
	reply = append(reply, "</BroadsoftDocument>"...)
	doc := ocip.Document{SessionID: "s"}
	for range ocip.MaxCommands {
		doc.Commands = append(doc.Commands, &user.UserGetRequest23V2{UserID: "alice@example.com"})
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = doc.AppendXML(buf[:0])
		d, err := ocip.Decode(reply, ocip.DecodeOptions{SkipUnknown: true})
		if err != nil || len(d.Commands) != ocip.MaxCommands {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*ocip.MaxCommands), "ns/command")
}

package ocipserver

import (
	"context"
	"strconv"
	"testing"

	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// Server-side cost of the largest list: decode, authorization, the store
// walk, the table and the encoding of a 100,000-user
// UserGetListInSystemRequest reply, without the network or a client.
// `switchboard bench` measures the same end to end over TCP.
func BenchmarkUserListInSystem100k(b *testing.B) {
	h := newInProcessHarness(b)
	ctx := context.Background()
	err := h.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.InsertDomain(store.Domain{Name: "b.example"}); err != nil {
			return err
		}
		if err := tx.InsertServiceProvider(store.ServiceProvider{ID: "sp", DefaultDomain: "b.example"}); err != nil {
			return err
		}
		for g := range 10 {
			if err := tx.InsertGroup(store.Group{SPID: "sp", ID: "g" + strconv.Itoa(g), DefaultDomain: "b.example", UserLimit: 20000}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for chunk := 0; chunk < 100_000; chunk += 10_000 {
		err := h.st.Update(ctx, func(tx store.Tx) error {
			for i := chunk; i < chunk+10_000; i++ {
				id := "user" + strconv.Itoa(i) + "@b.example"
				u := store.User{ID: id, Kind: store.KindUser, SPID: "sp", GroupID: "g" + strconv.Itoa(i/10_000), LastName: "Last" + strconv.Itoa(i),
					FirstName: "First", CLIDLastName: "L", CLIDFirstName: "F", Extension: strconv.Itoa(10000 + i%10000), Email: id}
				if err := tx.InsertUser(u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	s := &session{h: h, b: &testBinder{}, id: "bench"}
	s.b.st.Principal = mustActor(b, h)
	doc := (&ocip.Document{SessionID: "bench", Commands: []ocixml.Command{&user.UserGetListInSystemRequest{}}}).AppendXML(nil)
	b.ReportAllocs()
	var n int
	for b.Loop() {
		out, _ := h.p.Process(ctx, s.b, doc, false)
		n = len(out)
	}
	b.ReportMetric(float64(n)/1e6, "MB/reply")
}

package ocip_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

func ExampleDial() {
	ctx := context.Background()
	c, err := ocip.Dial(ctx, ocip.Config{
		Addr:     "ocip.example.com:2209",
		TLS:      &tls.Config{}, // implicit TLS; the password login is used
		User:     "admin",
		Password: "secret",
		Conns:    4,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

func ExampleDo() {
	var c *ocip.Client // from ocip.Dial
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u, err := ocip.Do[*user.UserGetResponse23V2](ctx, c, &user.UserGetRequest23V2{UserID: "alice@example.com"})
	var refused *ocip.ErrorResponse
	switch {
	case errors.As(err, &refused) && refused.Code == 4008:
		fmt.Println("no such user")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(u.FirstName, u.LastName)
	}
}

func ExampleClient_Batch() {
	var c *ocip.Client // from ocip.Dial
	var reqs []ocixml.Command
	for _, id := range []string{"alice@example.com", "bob@example.com"} {
		reqs = append(reqs, &user.UserGetRequest23V2{UserID: datatypes.UserId(id)})
	}
	results, err := c.Batch(context.Background(), reqs...)
	if err != nil {
		log.Fatal(err) // some documents were lost in transport
	}
	for i, r := range results {
		if r.Err != nil {
			fmt.Println(i, r.Err)
			continue
		}
		fmt.Println(i, r.Response.(*user.UserGetResponse23V2).LastName)
	}
}

func ExampleClient_Raw() {
	var c *ocip.Client // from ocip.Dial
	_, err := c.Raw(context.Background(), "ServiceProviderAddRequest13mp2", map[string]any{
		"serviceProviderId": "acme",
		"defaultDomain":     "acme.example.com",
		"isEnterprise":      true,
	})
	if err != nil {
		log.Fatal(err)
	}
}

func ExampleScanTable() {
	var r *provider.ServiceProviderGetListResponse // from ocip.Do
	r = &provider.ServiceProviderGetListResponse{ServiceProviderTable: *ocixml.NewTable("Service Provider Id", "Is Enterprise")}
	r.ServiceProviderTable.AddRow("acme", "true")
	type row struct {
		ID         string `ocip:"Service Provider Id"`
		Enterprise bool   `ocip:"Is Enterprise"`
	}
	rows, err := ocip.ScanTable[row](r.ServiceProviderTable)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", rows)
	// Output: [{ID:acme Enterprise:true}]
}

func ExampleDial_soap() {
	// Each of the 4 connections is a SOAP session with its own sessionId
	// and JSESSIONID; over https the password login is used.
	c, err := ocip.Dial(context.Background(), ocip.Config{
		URL:      "https://xsp.example.com/webservice/services/ProvisioningService",
		User:     "admin",
		Password: "secret",
		Conns:    4,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

func ExampleDial_upkeep() {
	// Recycle sessions after 15 minutes and ping idle ones every minute so
	// that server and firewall idle timeouts never close them.
	c, err := ocip.Dial(context.Background(), ocip.Config{
		Addr:       "ocip.example.com:2209",
		TLS:        &tls.Config{},
		User:       "admin",
		Password:   "secret",
		Conns:      8,
		MaxConnAge: 15 * time.Minute,
		KeepAlive:  time.Minute,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

func ExampleConfig_trace() {
	cfg := ocip.Config{
		Addr:     "ocip.example.com:2208",
		User:     "admin",
		Password: "secret",
		// Every document, login included, with secrets already masked.
		Trace: func(ev ocip.TraceEvent) {
			log.Printf("conn %d %s:\n%s", ev.Conn, ev.Direction, ev.Doc)
		},
		// One debug record per exchange: commands, duration, error codes.
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	c, err := ocip.Dial(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

func ExampleRedact() {
	doc := []byte(`<command xsi:type="UserModifyRequest22" xmlns=""><userId>ann@example.com</userId><newPassword>s3cret!</newPassword></command>`)
	fmt.Println(string(ocip.Redact(doc)))
	// Output: <command xsi:type="UserModifyRequest22" xmlns=""><userId>ann@example.com</userId><newPassword>***</newPassword></command>
}

func ExampleClient_Send() {
	var c *ocip.Client // from ocip.Dial
	// Concurrent calls share documents: these 100 lookups travel in a
	// handful of documents, and each goroutine gets its own answer.
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			id := datatypes.UserId(fmt.Sprintf("user%d@example.com", i))
			_, err := c.Send(context.Background(), &user.UserGetRequest23V2{UserID: id})
			if err != nil {
				log.Print(err)
			}
		})
	}
	wg.Wait()
}

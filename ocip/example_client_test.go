package ocip_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
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

package bulk

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/testbed"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/callcenter"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// sampleRows is one valid row per kind, by column.
var sampleRows = map[string]map[string]string{
	"service-providers": {"serviceProviderId": "sp1", "defaultDomain": "bulk.example.com", "isEnterprise": "true"},
	"groups":            {"serviceProviderId": "sp1", "groupId": "g1", "defaultDomain": "bulk.example.com", "userLimit": "50"},
	"numbers":           {"serviceProviderId": "sp1", "phoneNumbers": "+1-2025550100 - +1-2025550109;+1-2025550150", "groupId": "g1"},
	"users": {"serviceProviderId": "sp1", "groupId": "g1", "userId": "alice@bulk.example.com", "lastName": "Anders", "firstName": "Alice",
		"password": "Alice-pw-1", "services": "Call Center - Standard;voice messaging user", "deviceName": "desk1", "deviceType": "Polycom VVX 450", "linePort": "alice@bulk.example.com"},
	"call-centers": {"serviceProviderId": "sp1", "groupId": "g1", "serviceUserId": "cc1@bulk.example.com", "name": "Support", "callingLineIdLastName": "Support",
		"callingLineIdFirstName": "Desk", "password": "Center-pw-1", "type": "Standard", "agents": "alice@bulk.example.com"},
	"admins": {"adminLevel": "group", "userId": "gadmin", "serviceProviderId": "sp1", "groupId": "g1", "password": "Admin-pw-1"},
}

// sheetOf writes a sheet with the given columns and rows (cells by column).
func sheetOf(cols []string, rows ...map[string]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(cols, ",") + "\n")
	for _, r := range rows {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = r[c]
			if strings.ContainsAny(cells[i], ",\"") {
				cells[i] = `"` + strings.ReplaceAll(cells[i], `"`, `""`) + `"`
			}
		}
		b.WriteString(strings.Join(cells, ",") + "\n")
	}
	return b.String()
}

func TestColumnsResolve(t *testing.T) {
	for _, k := range Kinds() {
		if got, ok := KindByName(k.Name); !ok || got != k {
			t.Errorf("KindByName(%q)", k.Name)
		}
		for _, c := range k.Columns {
			if c.Elem != "" && elemType(c.Elem) == "" {
				t.Errorf("%s: column %s: element %s not in the schema", k.Name, c.Name, c.Elem)
			}
			if c.Elem == "" && len(c.Values) == 0 && !c.manual {
				t.Errorf("%s: column %s goes nowhere", k.Name, c.Name)
			}
		}
		for _, kc := range k.keyCols {
			if k.columnDef(kc) == nil {
				t.Errorf("%s: key column %s is not a column", k.Name, kc)
			}
		}
	}
}

func TestTemplateRoundTrip(t *testing.T) {
	for _, k := range Kinds() {
		var b bytes.Buffer
		if err := WriteTemplate(&b, k); err != nil {
			t.Fatal(err)
		}
		tpl := b.String()
		if !strings.HasSuffix(tpl, strings.Join(k.ColumnNames(), ",")+"\n") {
			t.Errorf("%s: template does not end with the header", k.Name)
		}
		for _, l := range strings.Split(strings.TrimSuffix(tpl, "\n"), "\n") {
			if !strings.HasPrefix(l, "#") && l != strings.Join(k.ColumnNames(), ",") {
				t.Errorf("%s: template line neither comment nor header: %q", k.Name, l)
			}
		}
		for _, c := range k.Columns {
			if !strings.Contains(tpl, "#   "+c.Name+": ") {
				t.Errorf("%s: column %s not explained", k.Name, c.Name)
			}
		}
		// Fill the template in: one row below the header, in its order.
		row := sampleRows[k.Name]
		filled := tpl + strings.SplitN(sheetOf(k.ColumnNames(), row), "\n", 2)[1]
		s, err := ReadSheet(strings.NewReader(filled), k)
		if err != nil {
			t.Fatalf("%s: %v", k.Name, err)
		}
		if len(s.Rows) != 1 {
			t.Fatalf("%s: %d rows", k.Name, len(s.Rows))
		}
		p := s.Plan()[0]
		if len(p.Problems) > 0 || len(p.Steps) == 0 {
			t.Errorf("%s: %v", k.Name, p.Problems)
		}
		if want := strings.Count(tpl, "\n") + 1; p.Row.Line != want {
			t.Errorf("%s: row line %d, want %d", k.Name, p.Row.Line, want)
		}
	}
	if !strings.Contains(templateOf(t, "call-centers"), "policy: optional; default Circular; one of: Circular | Regular") {
		t.Error("call-centers template lacks the policy's default and values")
	}
	if !strings.Contains(templateOf(t, "users"), "services: optional; ;-separated list; 212 UserService values") {
		t.Error("users template lacks the services annotation")
	}
}

func templateOf(t *testing.T, kind string) string {
	k, _ := KindByName(kind)
	var b bytes.Buffer
	if err := WriteTemplate(&b, k); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReadSheetHeaderProblems(t *testing.T) {
	_, err := ReadSheet(strings.NewReader("# comment\nuserId,lastName,nickName,lastName\n"), usersKind)
	var se *SheetError
	if !errors.As(err, &se) {
		t.Fatalf("got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"column nickName: unknown column", "column lastName: column given twice",
		"column serviceProviderId: required column missing", "column groupId: required column missing", "column firstName: required column missing"} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "column callingLineIdLastName: required") {
		t.Error("a column with a default is reported missing")
	}
	if _, err := ReadSheet(strings.NewReader("# only comments\n\n"), usersKind); err == nil {
		t.Error("empty sheet accepted")
	}
	_, err = ReadSheet(strings.NewReader("serviceProviderId,groupId,defaultDomain,userLimit\nsp,g,d.com,5,extra\n"), groupsKind)
	if err == nil || !strings.Contains(err.Error(), "row 2: 5 cells but the header has 4 columns") {
		t.Errorf("extra cell: %v", err)
	}
	// Trailing empty cells, blank lines and quoted comments are tolerated.
	s, err := ReadSheet(strings.NewReader("\ufeffserviceProviderId,groupId,defaultDomain,userLimit\n\"# a comment, quoted\",,,\nsp,g,d.com,5,,\n\n,,,\n"), groupsKind)
	if err != nil || len(s.Rows) != 1 || s.Rows[0].Line != 3 || s.Rows[0].Cell("userLimit") != "5" {
		t.Fatalf("got %+v, %v", s, err)
	}
}

func TestPlanProblems(t *testing.T) {
	cols := usersKind.ColumnNames()
	good := sampleRows["users"]
	with := func(over map[string]string) map[string]string {
		r := map[string]string{}
		for k, v := range good {
			r[k] = v
		}
		for k, v := range over {
			r[k] = v
		}
		return r
	}
	secret := strings.Repeat("S3cret", 11) // 66 characters, over the 60 allowed
	sheet := sheetOf(cols,
		good, // line 2
		with(map[string]string{"userId": "bob@bulk.example.com", "lastName": "", "firstName": strings.Repeat("x", 31)}), // 3
		with(map[string]string{"userId": "carl@bulk.example.com", "services": "Voice Messaging User;Teleportation"}),    // 4
		with(map[string]string{"userId": "dora@bulk.example.com", "deviceName": "", "addPhoneNumberToGroup": "maybe"}),  // 5
		with(map[string]string{"userId": "ALICE@bulk.example.com"}),                                                     // 6
		with(map[string]string{"userId": "eve@bulk.example.com", "password": secret, "deviceLevel": "Cloud"}),           // 7
		with(map[string]string{"userId": "fay@bulk.example.com", "linePort": ""}),                                       // 8
	)
	s, err := ReadSheet(strings.NewReader(sheet), usersKind)
	if err != nil {
		t.Fatal(err)
	}
	plans := s.Plan()
	got := map[int][]string{}
	for _, p := range plans {
		for _, pr := range p.Problems {
			if pr.Line != p.Row.Line {
				t.Errorf("problem %v on row %d", pr, p.Row.Line)
			}
			got[pr.Line] = append(got[pr.Line], pr.Column+": "+pr.Message)
			if strings.Contains(pr.Message, secret) {
				t.Errorf("password echoed: %v", pr)
			}
		}
	}
	want := map[int][]string{
		3: {"lastName: a value is required", "firstName: 31 characters; at most 30 allowed"},
		4: {`services: item "Teleportation": "Teleportation" is not a UserService value`},
		5: {`addPhoneNumberToGroup: "maybe" is not a boolean`, "deviceType: needs deviceName", "linePort: needs deviceName"},
		6: {": the same userId as row 2: ALICE@bulk.example.com"},
		7: {"password: 66 characters; at most 60 allowed", `deviceLevel: "Cloud" is not one of: System | Service Provider | Group`},
		8: {"linePort: a value is required with deviceName"},
	}
	for line, msgs := range want {
		all := strings.Join(got[line], "\n")
		for _, m := range msgs {
			if !strings.Contains(all, m) {
				t.Errorf("row %d: missing %q in:\n%s", line, m, all)
			}
		}
	}
	if len(got[2]) != 0 || len(plans[0].Steps) != 1 {
		t.Errorf("good row: %v, %d steps", got[2], len(plans[0].Steps))
	}
	if len(got) != len(want)+0 {
		t.Errorf("rows with problems: %v", got)
	}
	// Defaults and normalisation reach the request.
	req := plans[0].Steps[0].Request.(*user.UserConsolidatedAddRequest22)
	if req.CallingLineIDLastName != "Anders" || req.CallingLineIDFirstName != "Alice" || len(req.UserService) != 2 ||
		req.UserService[1].UserServiceName != "Voice Messaging User" || req.AccessDeviceEndpoint == nil ||
		req.AccessDeviceEndpoint.AccessDevice.DeviceLevel != "Group" || req.AddPhoneNumberToGroup {
		t.Errorf("request %+v", req)
	}
}

func TestPlanAdminsRules(t *testing.T) {
	cols := adminsKind.ColumnNames()
	s, err := ReadSheet(strings.NewReader(sheetOf(cols,
		map[string]string{"adminLevel": "system", "userId": "sys1"},
		map[string]string{"adminLevel": "Service Provider", "userId": "spa", "groupId": "g1", "readOnly": "true"},
		map[string]string{"adminLevel": "Group", "userId": "ga", "serviceProviderId": "sp1", "administratorType": "Normal"},
		map[string]string{"adminLevel": "Reseller", "userId": "ra"},
		map[string]string{"adminLevel": "Provisioning", "userId": "prov", "password": "Prov-pw-1", "readOnly": "yes"},
	)), adminsKind)
	if err != nil {
		t.Fatal(err)
	}
	plans := s.Plan()
	var all []string
	for _, p := range plans {
		for _, pr := range p.Problems {
			all = append(all, pr.String())
		}
	}
	joined := strings.Join(all, "\n")
	for _, w := range []string{
		"row 2, column password: a value is required for System administrators",
		"row 3, column serviceProviderId: a value is required for Service Provider administrators",
		"row 3, column groupId: does not apply to Service Provider administrators",
		"row 3, column readOnly: does not apply",
		"row 4, column groupId: a value is required for Group administrators",
		"row 4, column administratorType: does not apply to Group administrators",
		`row 5, column adminLevel: "Reseller" is not one of: System | Provisioning | Service Provider | Group`,
	} {
		if !strings.Contains(joined, w) {
			t.Errorf("missing %q in:\n%s", w, joined)
		}
	}
	if len(plans[4].Problems) != 0 || plans[4].Steps[0].Request.XSIType() != systemAdmin {
		t.Errorf("provisioning admin: %v", plans[4].Problems)
	}
}

func TestHashIgnoresOrderAndSecrets(t *testing.T) {
	a, _ := ReadSheet(strings.NewReader("adminLevel,userId,password\nGroup,ga,pw-one\n"), adminsKind)
	b, _ := ReadSheet(strings.NewReader("password,userId,adminLevel\npw-two,ga,Group\n"), adminsKind)
	c, _ := ReadSheet(strings.NewReader("adminLevel,userId,password\nGroup,gb,pw-one\n"), adminsKind)
	ha, hb, hc := a.Rows[0].hash(), b.Rows[0].hash(), c.Rows[0].hash()
	if ha != hb || ha == hc || len(ha) != 16 {
		t.Errorf("hashes %s %s %s", ha, hb, hc)
	}
}

func TestResultsRoundTrip(t *testing.T) {
	var b bytes.Buffer
	rw, err := NewResultsWriter(&b, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []Outcome{
		{Line: 2, Hash: "aaaa", Key: "a@x", Status: StatusOK},
		{Line: 3, Hash: "bbbb", Key: "b@x", Status: StatusFailed, Code: 4008, Message: "no such group, really"},
		{Line: 3, Hash: "cccc", Key: "b@x", Status: StatusOK},
		{Line: 4, Hash: "dddd", Key: "d@x", Status: StatusSkipped, Message: "done in an earlier run"},
	} {
		if err := rw.Write(o); err != nil {
			t.Fatal(err)
		}
	}
	want := "row,hash,key,status,code,message\n2,aaaa,a@x,ok,,\n3,bbbb,b@x,failed,4008,\"no such group, really\"\n3,cccc,b@x,ok,,\n4,dddd,d@x,skipped,,done in an earlier run\n"
	if b.String() != want {
		t.Errorf("file:\n%s\nwant:\n%s", b.String(), want)
	}
	done, err := ReadResults(strings.NewReader(b.String() + "5,eeee,\"torn"))
	if err != nil {
		t.Fatal(err)
	}
	if !done.has(2, "aaaa") || !done.has(3, "cccc") || done.has(3, "bbbb") || done.has(4, "dddd") || len(done) != 2 {
		t.Errorf("done %v", done)
	}
	if _, err := ReadResults(strings.NewReader("userId,lastName\n")); err == nil {
		t.Error("a sheet accepted as a results file")
	}
}

func TestProgressLines(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, 10, false)
	p.Every = 4
	clock := p.start
	p.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	for i := 1; i <= 10; i++ {
		p.Update(Summary{OK: i - i/5, Failed: i / 5})
	}
	p.Finish()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "4/10 rows, 4 ok, 0 failed") || !strings.HasPrefix(lines[2], "10/10 rows, 8 ok, 2 failed, 1.0 rows/s, ETA 0s") {
		t.Errorf("plain lines:\n%s", b.String())
	}
	b.Reset()
	p = NewProgress(&b, 4, true)
	clock = p.start
	p.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	for i := 1; i <= 4; i++ {
		p.Update(Summary{OK: i})
	}
	p.Finish()
	out := b.String()
	if strings.Count(out, "\r") != 4 || !strings.Contains(out, "[======      ") || !strings.HasSuffix(out, "4/4 rows, 4 ok, 0 failed, 1.0 rows/s, ETA 0s\x1b[K\n") {
		t.Errorf("tty output %q", out)
	}
}

// world is a testbed with a service provider sp1 (domain
// bulk.example.com, call center and voice messaging services authorized)
// and a client logged in as the System administrator.
func world(t *testing.T) (*testbed.Server, *ocip.Client) {
	t.Helper()
	tb := testbed.Start(t)
	ctx := context.Background()
	c, err := ocip.Dial(ctx, ocip.Config{Addr: tb.TCPAddr, User: testbed.Admin, Password: testbed.Password, Conns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	mustRaw(t, c, "SystemDomainAddRequest", map[string]any{"domain": "bulk.example.com"})
	mustRaw(t, c, spAdd, map[string]any{"serviceProviderId": "sp1", "defaultDomain": "bulk.example.com", "useCustomRoutingProfile": false})
	var auth []any
	for _, s := range []string{"Call Center - Basic", "Call Center - Standard", "Voice Messaging User"} {
		auth = append(auth, map[string]any{"serviceName": s, "authorizedQuantity": map[string]any{"unlimited": true}})
	}
	mustRaw(t, c, "ServiceProviderServiceModifyAuthorizationListRequest", map[string]any{"serviceProviderId": "sp1", "userServiceAuthorization": auth})
	return tb, c
}

func mustRaw(t *testing.T, c *ocip.Client, name string, fields map[string]any) ocixml.Command {
	t.Helper()
	r, err := c.Raw(context.Background(), name, fields)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

func plansOf(t *testing.T, kind, sheet string) []Plan {
	t.Helper()
	k, _ := KindByName(kind)
	s, err := ReadSheet(strings.NewReader(sheet), k)
	if err != nil {
		t.Fatal(err)
	}
	return s.Plan()
}

func TestRunUndoesFailedRows(t *testing.T) {
	_, c := world(t)
	ctx := context.Background()
	mustRaw(t, c, groupAdd, map[string]any{"serviceProviderId": "sp1", "groupId": "g1", "defaultDomain": "bulk.example.com", "userLimit": 10})

	// Numbers: the second row's group does not exist, so its numbers must
	// not stay on the service provider.
	plans := plansOf(t, "numbers", sheetOf(numbersKind.ColumnNames(),
		map[string]string{"serviceProviderId": "sp1", "phoneNumbers": "+1-2025550100 - +1-2025550104", "groupId": "g1"},
		map[string]string{"serviceProviderId": "sp1", "phoneNumbers": "+1-2025550200;+1-2025550201", "groupId": "nogroup"},
	))
	var out bytes.Buffer
	rw, _ := NewResultsWriter(&out, false)
	sum, err := Run(ctx, c, plans, Options{Concurrency: 2, Results: rw, Timeout: 10 * time.Second})
	if err != nil || sum.OK != 1 || sum.Failed != 1 {
		t.Fatalf("%+v %v\n%s", sum, err, out.String())
	}
	if !strings.Contains(out.String(), "3,"+plans[1].Hash+",sp1/+1-2025550200;+1-2025550201,failed,") ||
		!strings.Contains(out.String(), "(the earlier commands of the row were undone)") {
		t.Errorf("results:\n%s", out.String())
	}
	avail, err := ocip.Do[*provider.ServiceProviderDnGetAvailableListResponse](ctx, c, &provider.ServiceProviderDnGetAvailableListRequest{ServiceProviderID: "sp1"})
	if err != nil {
		t.Fatal(err)
	}
	if dump := strings.Join(avail.AvailableDn, " "); strings.Contains(dump, "2025550200") || strings.Contains(dump, "2025550201") {
		t.Errorf("numbers of the failed row left on the service provider: %s", dump)
	}
	gl, err := ocip.Do[*group.GroupDnGetListResponse](ctx, c, &group.GroupDnGetListRequest{ServiceProviderID: "sp1", GroupID: "g1"})
	if err != nil || len(gl.PhoneNumber) != 5 {
		t.Errorf("group numbers %v %v", gl, err)
	}

	// Call centers: an agent that does not exist undoes the instance.
	mustRaw(t, c, userAdd, map[string]any{"serviceProviderId": "sp1", "groupId": "g1", "userId": "agent@bulk.example.com",
		"lastName": "Agent", "firstName": "A", "callingLineIdLastName": "Agent", "callingLineIdFirstName": "A", "password": "Agent-pw-1",
		"userService": []any{map[string]any{"userServiceName": "Call Center - Standard"}}})
	cc := func(id, agents string) map[string]string {
		return map[string]string{"serviceProviderId": "sp1", "groupId": "g1", "serviceUserId": id, "name": "Center", "callingLineIdLastName": "Center",
			"callingLineIdFirstName": "Call", "password": "Center-pw-1", "type": "Standard", "agents": agents}
	}
	plans = plansOf(t, "call-centers", sheetOf(callCentersKind.ColumnNames(),
		cc("good@bulk.example.com", "agent@bulk.example.com"),
		cc("bad@bulk.example.com", "agent@bulk.example.com;ghost@bulk.example.com"),
	))
	out.Reset()
	rw, _ = NewResultsWriter(&out, false)
	sum, err = Run(ctx, c, plans, Options{Concurrency: 2, Results: rw})
	if err != nil || sum.OK != 1 || sum.Failed != 1 {
		t.Fatalf("%+v %v\n%s", sum, err, out.String())
	}
	if !strings.Contains(out.String(), "bad@bulk.example.com,failed,") || !strings.Contains(out.String(), "GroupCallCenterModifyAgentListRequest") {
		t.Errorf("results:\n%s", out.String())
	}
	if _, err := c.Raw(ctx, "GroupCallCenterGetInstanceRequest22", map[string]any{"serviceUserId": "bad@bulk.example.com"}); err == nil {
		t.Error("the failed call center was left behind")
	}
	al, err := ocip.Do[*callcenter.GroupCallCenterGetAgentListResponse](ctx, c, &callcenter.GroupCallCenterGetAgentListRequest{ServiceUserID: "good@bulk.example.com"})
	if err != nil || al.AgentTable.Len() != 1 || al.AgentTable.Row(0)[al.AgentTable.Column("User Id")] != "agent@bulk.example.com" {
		t.Errorf("agents of the good center: %v %v", al, err)
	}
}

// slowSender counts requests and holds each for a while, so a test can
// stop a run while rows are in flight.
type slowSender struct {
	s     Sender
	delay time.Duration
	sent  atomic.Int32
}

func (s *slowSender) Send(ctx context.Context, req ocixml.Command) (ocixml.Command, error) {
	s.sent.Add(1)
	time.Sleep(s.delay)
	return s.s.Send(ctx, req)
}

func TestRunStopsOnCancel(t *testing.T) {
	_, c := world(t)
	var rows []map[string]string
	for i := range 20 {
		rows = append(rows, map[string]string{"serviceProviderId": "sp1", "groupId": "cg" + string(rune('a'+i)), "defaultDomain": "bulk.example.com", "userLimit": "5"})
	}
	plans := plansOf(t, "groups", sheetOf(groupsKind.ColumnNames(), rows...))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	rw, _ := NewResultsWriter(&out, false)
	ss := &slowSender{s: c, delay: 50 * time.Millisecond}
	var seen int
	sum, err := Run(ctx, ss, plans, Options{Concurrency: 3, Results: rw, OnRow: func(o Outcome, s Summary) {
		seen++
		if seen == 1 {
			cancel() // Ctrl-C after the first row
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	recorded := strings.Count(out.String(), "\n") - 1
	if sum.OK != recorded || sum.OK < 1 || sum.OK > 4 || sum.NotStarted != 20-sum.OK || sum.Failed != 0 {
		t.Errorf("summary %+v, %d recorded:\n%s", sum, recorded, out.String())
	}
	if int(ss.sent.Load()) != sum.OK {
		t.Errorf("%d requests sent for %d rows", ss.sent.Load(), sum.OK)
	}
	// Every recorded group exists: in-flight rows were finished, not cut.
	for i, p := range plans {
		_, err := c.Raw(context.Background(), "GroupGetRequest22V5", map[string]any{"serviceProviderId": "sp1", "groupId": p.Row.Cell("groupId")})
		if exists := err == nil; exists != (i < sum.OK) || exists != strings.Contains(out.String(), ","+p.Key+",ok") {
			t.Errorf("group %s: exists %v, recorded %v", p.Key, exists, strings.Contains(out.String(), p.Key))
		}
	}
}

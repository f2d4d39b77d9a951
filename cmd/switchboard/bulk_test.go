package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/internal/testbed"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/callcenter"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

const bulkDomain = "bulk.example.com"

// bulkWorld is a testbed with the domain bulk.example.com and a client
// logged in as its System administrator.
func bulkWorld(t *testing.T) (*testbed.Server, *ocip.Client) {
	t.Helper()
	tb := testbed.Start(t)
	c, err := ocip.Dial(context.Background(), ocip.Config{Addr: tb.TCPAddr, User: testbed.Admin, Password: testbed.Password, Conns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	bulkRaw(t, c, "SystemDomainAddRequest", map[string]any{"domain": bulkDomain})
	return tb, c
}

func bulkRaw(t *testing.T, c *ocip.Client, name string, fields map[string]any) ocixml.Command {
	t.Helper()
	r, err := c.Raw(context.Background(), name, fields)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// bulkSP adds service provider sp1 with its group g1 and the services
// the tests assign authorized, without going through bulk.
func bulkSP(t *testing.T, c *ocip.Client) {
	t.Helper()
	bulkRaw(t, c, "ServiceProviderAddRequest13mp2", map[string]any{"serviceProviderId": "sp1", "defaultDomain": bulkDomain, "useCustomRoutingProfile": false})
	bulkAuthorize(t, c)
	bulkRaw(t, c, "GroupAddRequest", map[string]any{"serviceProviderId": "sp1", "groupId": "g1", "defaultDomain": bulkDomain, "userLimit": 1000})
}

func bulkAuthorize(t *testing.T, c *ocip.Client) {
	t.Helper()
	var auth []any
	for _, s := range []string{"Call Center - Standard", "Voice Messaging User"} {
		auth = append(auth, map[string]any{"serviceName": s, "authorizedQuantity": map[string]any{"unlimited": true}})
	}
	bulkRaw(t, c, "ServiceProviderServiceModifyAuthorizationListRequest", map[string]any{"serviceProviderId": "sp1", "userServiceAuthorization": auth})
}

// bulkFile writes a sheet into a fresh folder and returns its path.
func bulkFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func bulkResults(t *testing.T, sheet string) string {
	t.Helper()
	b, err := os.ReadFile(strings.TrimSuffix(sheet, ".csv") + ".results.csv")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// bulkRun runs switchboard bulk against tb and fails the test on a
// non-zero exit when wantOK is set.
func bulkRun(t *testing.T, tb *testbed.Server, wantOK bool, args ...string) (string, string) {
	t.Helper()
	code, out, errOut := runEnv(t, testbedEnv(tb), "", append([]string{"bulk"}, args...)...)
	if (code == 0) != wantOK {
		t.Fatalf("bulk %v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errOut)
	}
	return out, errOut
}

func TestBulkEveryKind(t *testing.T) {
	tb, c := bulkWorld(t)
	ctx := context.Background()

	sps := bulkFile(t, "sps.csv", "serviceProviderId,defaultDomain,serviceProviderName,isEnterprise,contactEmail\n"+
		"sp1,"+bulkDomain+",Service One,false,noc@example.com\n"+
		"ent1,"+bulkDomain+",Enterprise One,true,\n")
	_, errOut := bulkRun(t, tb, true, "service-providers", "--file", sps)
	if !strings.Contains(errOut, "2 rows: 2 ok, 0 failed, 0 skipped") {
		t.Errorf("summary: %s", errOut)
	}
	list, err := ocip.Do[*provider.ServiceProviderGetListResponse](ctx, c, &provider.ServiceProviderGetListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	type spRow struct {
		ID         string `ocip:"Service Provider Id"`
		Enterprise bool   `ocip:"Is Enterprise"`
	}
	rows, err := ocip.ScanTable[spRow](list.ServiceProviderTable)
	if err != nil || len(rows) != 2 {
		t.Fatalf("%v %v", rows, err)
	}
	for _, r := range rows {
		if r.Enterprise != (r.ID == "ent1") {
			t.Errorf("%+v", r)
		}
	}
	bulkAuthorize(t, c)

	groups := bulkFile(t, "groups.csv", "serviceProviderId,groupId,defaultDomain,userLimit,groupName\nsp1,g1,"+bulkDomain+",100,Sales\nent1,e1,"+bulkDomain+",5,\n")
	bulkRun(t, tb, true, "groups", "--file", groups)
	for _, g := range [][2]string{{"sp1", "g1"}, {"ent1", "e1"}} {
		if _, err := c.Raw(ctx, "GroupGetRequest22V5", map[string]any{"serviceProviderId": g[0], "groupId": g[1]}); err != nil {
			t.Errorf("group %v: %v", g, err)
		}
	}

	numbers := bulkFile(t, "numbers.csv", "serviceProviderId,phoneNumbers,groupId\nsp1,+1-2025550100 - +1-2025550119,g1\nsp1,+1-2025550150;+1-2025550151,\n")
	bulkRun(t, tb, true, "numbers", "--file", numbers)
	gl, err := ocip.Do[*group.GroupDnGetListResponse](ctx, c, &group.GroupDnGetListRequest{ServiceProviderID: "sp1", GroupID: "g1"})
	if err != nil || len(gl.PhoneNumber) != 20 {
		t.Errorf("group numbers: %v %v", gl, err)
	}
	av, err := ocip.Do[*provider.ServiceProviderDnGetAvailableListResponse](ctx, c, &provider.ServiceProviderDnGetAvailableListRequest{ServiceProviderID: "sp1"})
	if err != nil || !strings.Contains(strings.Join(av.AvailableDn, " "), "2025550151") {
		t.Errorf("service provider numbers: %v %v", av, err)
	}

	users := bulkFile(t, "users.csv", "serviceProviderId,groupId,userId,lastName,firstName,phoneNumber,extension,password,passcode,services,deviceName,deviceType,linePort\n"+
		"sp1,g1,alice@"+bulkDomain+",Anders,Alice,+1-2025550101,101,Alice-pw-1,4711,Call Center - Standard;Voice Messaging User,desk-alice,Polycom VVX 450,alice@"+bulkDomain+"\n"+
		"sp1,g1,bob@"+bulkDomain+",Brown,Bob,,102,Bob-pw-1,,Call Center - Standard,,,\n"+
		"sp1,g1,carol@"+bulkDomain+",Clark,Carol,,,Carol-pw-1,,,,,\n")
	bulkRun(t, tb, true, "users", "--file", users)
	u, err := ocip.Do[*user.UserGetResponse23V2](ctx, c, &user.UserGetRequest23V2{UserID: "alice@" + bulkDomain})
	if err != nil {
		t.Fatal(err)
	}
	if u.LastName != "Anders" || u.CallingLineIDLastName != "Anders" || u.PhoneNumber == nil || !strings.Contains(string(*u.PhoneNumber), "2025550101") {
		t.Errorf("alice: %+v", u)
	}
	if ep := u.AccessDeviceEndpoint; ep == nil || ep.AccessDevice.DeviceName != "desk-alice" || string(ep.LinePort) != "alice@"+bulkDomain {
		t.Errorf("alice's endpoint: %+v", ep)
	}
	// The row's device was created in the group.
	dl, err := ocip.Do[*group.GroupAccessDeviceGetListResponse](ctx, c, &group.GroupAccessDeviceGetListRequest{ServiceProviderID: ocixml.Ptr[datatypes.ServiceProviderId]("sp1"), GroupID: ocixml.Ptr[datatypes.GroupId]("g1")})
	if err != nil || dl.AccessDeviceTable.Len() != 1 || dl.AccessDeviceTable.Row(0)[dl.AccessDeviceTable.Column("Device Name")] != "desk-alice" {
		t.Errorf("devices: %v %v", dl, err)
	}
	svc, err := ocip.Do[*user.UserAssignedServicesGetListResponse](ctx, c, &user.UserAssignedServicesGetListRequest{UserID: ocixml.Ptr(datatypes.UserId("alice@" + bulkDomain))})
	if err != nil || len(svc.UserServiceEntry) != 2 {
		t.Errorf("alice's services: %+v %v", svc, err)
	}
	ul, err := ocip.Do[*user.UserGetListInGroupResponse](ctx, c, &user.UserGetListInGroupRequest{ServiceProviderID: "sp1", GroupID: "g1"})
	if err != nil || ul.UserTable.Len() != 3 {
		t.Errorf("users in g1: %v %v", ul, err)
	}

	ccs := bulkFile(t, "cc.csv", "serviceProviderId,groupId,serviceUserId,name,callingLineIdLastName,callingLineIdFirstName,password,type,policy,agents\n"+
		"sp1,g1,support@"+bulkDomain+",Support,Support,Desk,Center-pw-1,Standard,Uniform,alice@"+bulkDomain+";bob@"+bulkDomain+"\n")
	bulkRun(t, tb, true, "call-centers", "--file", ccs)
	al, err := ocip.Do[*callcenter.GroupCallCenterGetAgentListResponse](ctx, c, &callcenter.GroupCallCenterGetAgentListRequest{ServiceUserID: "support@" + bulkDomain})
	if err != nil || al.AgentTable.Len() != 2 {
		t.Errorf("agents: %v %v", al, err)
	}

	admins := bulkFile(t, "admins.csv", "adminLevel,userId,serviceProviderId,groupId,lastName,password,readOnly,administratorType\n"+
		"System,sys2,,,Root,Sys-pw-12345,,\n"+
		"provisioning,prov1,,,Prov,Prov-pw-12345,true,\n"+
		"Service Provider,spadmin,sp1,,Provider,Sp-pw-12345,,Customer\n"+
		"Group,gadmin,sp1,g1,Grouper,Group-pw-12345,,\n")
	bulkRun(t, tb, true, "admins", "--file", admins)
	sa, err := ocip.Do[*system.SystemAdminGetResponse22](ctx, c, &system.SystemAdminGetRequest22{UserID: "prov1"})
	if err != nil || sa.AdminType != "Provisioning" || !sa.ReadOnly {
		t.Errorf("prov1: %+v %v", sa, err)
	}
	if sa, err := ocip.Do[*system.SystemAdminGetResponse22](ctx, c, &system.SystemAdminGetRequest22{UserID: "sys2"}); err != nil || sa.AdminType != "System" || sa.ReadOnly {
		t.Errorf("sys2: %+v %v", sa, err)
	}
	spa, err := ocip.Do[*deprecated.ServiceProviderAdminGetResponse14](ctx, c, &deprecated.ServiceProviderAdminGetRequest14{UserID: "spadmin"})
	if err != nil || spa.ServiceProviderID != "sp1" || spa.AdministratorType != "Customer" {
		t.Errorf("spadmin: %+v %v", spa, err)
	}
	ga, err := ocip.Do[*group.GroupAdminGetResponse22V3](ctx, c, &group.GroupAdminGetRequest22V3{UserID: "gadmin"})
	if err != nil || ga.GroupID != "g1" || !ga.HasPassword {
		t.Errorf("gadmin: %+v %v", ga, err)
	}

	// Every results file has one ok line per row, and no password.
	for sheet, n := range map[string]int{sps: 2, groups: 2, numbers: 2, users: 3, ccs: 1, admins: 4} {
		res := bulkResults(t, sheet)
		if got := strings.Count(res, ",ok,"); got != n || !strings.HasPrefix(res, "row,hash,key,status,code,message\n") {
			t.Errorf("%s: %d ok lines:\n%s", sheet, got, res)
		}
		if strings.Contains(res, "-pw-") {
			t.Errorf("%s: a password in the results:\n%s", sheet, res)
		}
	}
}

func TestBulkBadRows(t *testing.T) {
	tb, c := bulkWorld(t)
	bulkSP(t, c)
	bulkRaw(t, c, "UserConsolidatedAddRequest22", map[string]any{"serviceProviderId": "sp1", "groupId": "g1", "userId": "taken@" + bulkDomain,
		"lastName": "Taken", "firstName": "T", "callingLineIdLastName": "Taken", "callingLineIdFirstName": "T", "password": "Taken-pw-1"})
	sheet := bulkFile(t, "users.csv", "serviceProviderId,groupId,userId,lastName,firstName,password,services\n"+
		"sp1,g1,ann@"+bulkDomain+",Ames,Ann,Secret-pw-1,Voice Messaging User\n"+ // 2: ok
		"sp1,g1,bad@"+bulkDomain+",Bad,"+strings.Repeat("f", 31)+",Secret-pw-2,\n"+ // 3: schema
		"sp1,g1,nolast@"+bulkDomain+",,Nol,Secret-pw-3,\n"+ // 4: missing value
		"sp1,g1,taken@"+bulkDomain+",Taken,Again,Secret-pw-4,\n"+ // 5: duplicate user
		"sp1,nogroup,lost@"+bulkDomain+",Lost,Lou,Secret-pw-5,\n"+ // 6: unknown group
		"sp1,g1,ben@"+bulkDomain+",Bell,Ben,Secret-pw-6,Voice Messaging User\n") // 7: ok
	_, errOut := bulkRun(t, tb, false, "users", "--file", sheet, "--conns", "2")
	if !strings.Contains(errOut, "6 rows: 2 ok, 4 failed, 0 skipped") || !strings.Contains(errOut, "4 of 6 rows failed") {
		t.Errorf("stderr: %s", errOut)
	}
	res := bulkResults(t, sheet)
	byRow := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSuffix(res, "\n"), "\n")[1:] {
		f := strings.SplitN(l, ",", 6)
		byRow[f[0]] = f
	}
	if len(byRow) != 6 {
		t.Fatalf("results:\n%s", res)
	}
	for row, want := range map[string]string{"2": "ok", "3": "failed", "4": "failed", "5": "failed", "6": "failed", "7": "ok"} {
		if byRow[row][3] != want {
			t.Errorf("row %s: %v, want %s", row, byRow[row], want)
		}
	}
	if !strings.Contains(byRow["3"][5], "firstName: 31 characters") || !strings.Contains(byRow["4"][5], "lastName: a value is required") {
		t.Errorf("sheet problems: %v %v", byRow["3"], byRow["4"])
	}
	// Server refusals carry the server's code and message.
	for _, r := range []string{"5", "6"} {
		if byRow[r][4] == "" || !strings.Contains(byRow[r][5], "UserConsolidatedAddRequest22") {
			t.Errorf("row %s: %v", r, byRow[r])
		}
	}
	if strings.Contains(res+errOut, "Secret-pw") {
		t.Error("a password was echoed")
	}
	ctx := context.Background()
	for id, exists := range map[string]bool{"ann": true, "ben": true, "bad": false, "nolast": false, "lost": false} {
		_, err := c.Raw(ctx, "UserGetRequest23V2", map[string]any{"userId": id + "@" + bulkDomain})
		if (err == nil) != exists {
			t.Errorf("user %s: exists %v", id, err == nil)
		}
	}
	if u, err := ocip.Do[*user.UserGetResponse23V2](ctx, c, &user.UserGetRequest23V2{UserID: "taken@" + bulkDomain}); err != nil || u.FirstName != "T" {
		t.Errorf("the existing user was changed: %+v %v", u, err)
	}
}

func TestBulkMultiCommandRowUndone(t *testing.T) {
	tb, c := bulkWorld(t)
	bulkSP(t, c)
	ctx := context.Background()
	sheet := bulkFile(t, "numbers.csv", "serviceProviderId,phoneNumbers,groupId\nsp1,+1-2025550300 - +1-2025550309,nogroup\nsp1,+1-2025550400,g1\n")
	_, errOut := bulkRun(t, tb, false, "numbers", "--file", sheet)
	if !strings.Contains(errOut, "2 rows: 1 ok, 1 failed") {
		t.Errorf("stderr: %s", errOut)
	}
	res := bulkResults(t, sheet)
	if !strings.Contains(res, "GroupDnAssignListRequest") || !strings.Contains(res, "undone") {
		t.Errorf("results:\n%s", res)
	}
	sum, err := ocip.Do[*provider.ServiceProviderDnGetSummaryListResponse](ctx, c, &provider.ServiceProviderDnGetSummaryListRequest{ServiceProviderID: "sp1"})
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for i := range sum.DnSummaryTable.Len() {
		all = append(all, sum.DnSummaryTable.Row(i)[0])
	}
	if s := strings.Join(all, " "); strings.Contains(s, "20255503") || !strings.Contains(s, "2025550400") {
		t.Errorf("service provider numbers: %s", s)
	}

	// A call center whose agent does not exist is deleted again.
	cc := bulkFile(t, "cc.csv", "serviceProviderId,groupId,serviceUserId,name,callingLineIdLastName,callingLineIdFirstName,password,type,agents\n"+
		"sp1,g1,cc@"+bulkDomain+",Center,Center,Call,Center-pw-1,Standard,ghost@"+bulkDomain+"\n")
	bulkRun(t, tb, false, "call-centers", "--file", cc)
	if _, err := c.Raw(ctx, "GroupCallCenterGetInstanceRequest22", map[string]any{"serviceUserId": "cc@" + bulkDomain}); err == nil {
		t.Error("the call center of the failed row exists")
	}
	if _, err := c.Raw(ctx, "UserGetRequest23V2", map[string]any{"userId": "cc@" + bulkDomain}); err == nil {
		t.Error("the call center's user of the failed row exists")
	}
}

func TestBulkDryRun(t *testing.T) {
	addr, conns := countingListener(t)
	env := map[string]string{"SWITCHBOARD_TRANSPORT": "tcp", "SWITCHBOARD_ADDR": addr, "SWITCHBOARD_USER": "nobody", "HOME": "/nonexistent"}
	sheet := bulkFile(t, "cc.csv", "serviceProviderId,groupId,serviceUserId,name,callingLineIdLastName,callingLineIdFirstName,password,type,queueLength,agents\n"+
		"sp1,g1,ok@x.com,Ok,Ok,Ok,Pw-123456,Standard,,a@x.com;b@x.com\n"+
		"sp1,g1,bad@x.com,Bad,Bad,Bad,Pw-123456,Deluxe,600,\n"+
		",g1,nosp@x.com,NoSP,NoSP,NoSP,,Basic,,\n"+
		"sp1,g1,ok@x.com,Dup,Dup,Dup,Pw-123456,Basic,,\n")
	code, out, errOut := runEnv(t, env, "", "bulk", "call-centers", "--file", sheet, "--dry-run")
	if code != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		`row 3, column type: "Deluxe" is not one of: Basic | Standard | Premium`,
		"row 3, column queueLength: 600 is above the maximum 525",
		"row 4, column serviceProviderId: a value is required",
		"row 4, column password: a value is required",
		"row 5: the same serviceUserId as row 2: ok@x.com",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains("\n"+out, "\nrow 2") || !strings.Contains(errOut, "dry run: 3 of 4 rows have problems (5 in all)") {
		t.Errorf("stdout:\n%s\nstderr: %s", out, errOut)
	}
	if _, err := os.Stat(strings.TrimSuffix(sheet, ".csv") + ".results.csv"); !os.IsNotExist(err) {
		t.Errorf("a dry run wrote results: %v", err)
	}
	good := bulkFile(t, "groups.csv", "serviceProviderId,groupId,defaultDomain,userLimit\nsp1,g1,x.com,10\nsp1,g2,x.com,20\n")
	code, out, errOut = runEnv(t, env, "", "bulk", "groups", "--file", good, "--dry-run")
	if code != 0 || out != "dry run: all 2 rows are valid\n" {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	// The sheet may come from standard input.
	code, out, errOut = runEnv(t, env, "serviceProviderId,groupId,defaultDomain,userLimit\nsp1,g1,x.com,0\n", "bulk", "groups", "--file", "-", "--dry-run")
	if code != 1 || out != "row 2, column userLimit: 0 is below the minimum 1\n" {
		t.Errorf("stdin: exit %d\n%s\n%s", code, out, errOut)
	}
	// The results file never replaces the sheet.
	code, _, errOut = runEnv(t, env, "", "bulk", "groups", "--file", good, "--results", good)
	if code != 1 || !strings.Contains(errOut, "cannot be the sheet itself") {
		t.Errorf("results over the sheet: exit %d %s", code, errOut)
	}
	// Sheet-level problems are all reported too.
	bad := bulkFile(t, "groups.csv", "serviceProviderId,group,defaultDomain\nsp1,g1,x.com\n")
	code, _, errOut = runEnv(t, env, "", "bulk", "groups", "--file", bad, "--dry-run")
	if code != 1 || !strings.Contains(errOut, "column group: unknown column") || !strings.Contains(errOut, "column groupId: required column missing") ||
		!strings.Contains(errOut, "column userLimit: required column missing") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("a dry run opened %d connections", n)
	}
}

func TestBulkResume(t *testing.T) {
	tb, c := bulkWorld(t)
	bulkSP(t, c)
	head := "serviceProviderId,groupId,defaultDomain,userLimit\n"
	sheet := bulkFile(t, "groups.csv", head+"sp1,ga,"+bulkDomain+",10\nsp1,gb,"+bulkDomain+",10\nnosp,gc,"+bulkDomain+",10\n")
	bulkRun(t, tb, false, "groups", "--file", sheet, "--conns", "1")
	first := bulkResults(t, sheet)
	if strings.Count(first, ",ok,") != 2 || !strings.Contains(first, "4,") || !strings.Contains(first, "nosp/gc,failed,") {
		t.Fatalf("first run:\n%s", first)
	}
	// Fix the failed row and resume: only that row runs.
	if err := os.WriteFile(sheet, []byte(head+"sp1,ga,"+bulkDomain+",10\nsp1,gb,"+bulkDomain+",10\nsp1,gc,"+bulkDomain+",10\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := tb.Stats().Documents
	_, errOut := bulkRun(t, tb, true, "groups", "--file", sheet, "--conns", "1", "--resume")
	withRow := tb.Stats().Documents - before
	if !strings.Contains(errOut, "3 rows: 1 ok, 0 failed, 2 skipped") {
		t.Errorf("resume: %s", errOut)
	}
	second := bulkResults(t, sheet)
	if !strings.HasPrefix(second, first) || strings.Count(second, "row,hash") != 1 {
		t.Errorf("the results file was not appended to:\n%s", second)
	}
	added := strings.TrimPrefix(second, first)
	if strings.Count(added, ",skipped,") != 2 || !strings.Contains(added, "4,") || !strings.Contains(added, "sp1/gc,ok,") {
		t.Errorf("resumed lines:\n%s", added)
	}
	if _, err := c.Raw(context.Background(), "GroupGetRequest22V5", map[string]any{"serviceProviderId": "sp1", "groupId": "gc"}); err != nil {
		t.Error(err)
	}
	// Resuming again sends nothing but the login: one document fewer
	// than the resumed run, whose one row was one command.
	before = tb.Stats().Documents
	_, errOut = bulkRun(t, tb, true, "groups", "--file", sheet, "--conns", "1", "--resume")
	loginOnly := tb.Stats().Documents - before
	if withRow-loginOnly != 1 || !strings.Contains(errOut, "3 rows: 0 ok, 0 failed, 3 skipped") {
		t.Errorf("documents %d then %d; %s", withRow, loginOnly, errOut)
	}
	// An edited row is not mistaken for the one recorded at its line.
	if err := os.WriteFile(sheet, []byte(head+"sp1,ga,"+bulkDomain+",10\nsp1,gd,"+bulkDomain+",10\nsp1,gc,"+bulkDomain+",10\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut = bulkRun(t, tb, true, "groups", "--file", sheet, "--conns", "1", "--resume")
	if !strings.Contains(errOut, "3 rows: 1 ok, 0 failed, 2 skipped") {
		t.Errorf("edited sheet: %s", errOut)
	}
	if _, err := c.Raw(context.Background(), "GroupGetRequest22V5", map[string]any{"serviceProviderId": "sp1", "groupId": "gd"}); err != nil {
		t.Error(err)
	}
	// --resume needs a results file.
	other := bulkFile(t, "other.csv", head+"sp1,gz,"+bulkDomain+",10\n")
	code, _, errOut := runEnv(t, testbedEnv(tb), "", "bulk", "groups", "--file", other, "--resume")
	if code != 1 || !strings.Contains(errOut, "--resume") {
		t.Errorf("resume without results: exit %d %s", code, errOut)
	}
}

func TestBulkManyUsers(t *testing.T) {
	tb, c := bulkWorld(t)
	bulkSP(t, c)
	var b strings.Builder
	b.WriteString("serviceProviderId,groupId,userId,lastName,firstName,password,services\n")
	const n = 300
	for i := range n {
		fmt.Fprintf(&b, "sp1,g1,u%03d@%s,Last%03d,First,User-pw-%03d,Voice Messaging User\n", i, bulkDomain, i, i)
	}
	sheet := bulkFile(t, "many.csv", b.String())
	results := filepath.Join(t.TempDir(), "out.csv")
	_, errOut := bulkRun(t, tb, true, "users", "--file", sheet, "--results", results, "--concurrency", "8")
	if !strings.Contains(errOut, fmt.Sprintf("%d rows: %d ok, 0 failed", n, n)) {
		t.Errorf("stderr: %s", errOut)
	}
	// Not a terminal: plain progress lines, no carriage returns.
	if strings.Contains(errOut, "\r") || !strings.Contains(errOut, "/300 rows") {
		t.Errorf("progress: %q", errOut)
	}
	res, err := os.ReadFile(results)
	if err != nil || strings.Count(string(res), ",ok,") != n {
		t.Errorf("results: %v", err)
	}
	ul, err := ocip.Do[*user.UserGetListInGroupResponse](context.Background(), c, &user.UserGetListInGroupRequest{ServiceProviderID: "sp1", GroupID: "g1"})
	if err != nil || ul.UserTable.Len() != n {
		t.Errorf("users in g1: %d %v", ul.UserTable.Len(), err)
	}
}

func TestBulkTemplate(t *testing.T) {
	code, out, errOut := runCLI(t, "bulk", "template", "groups")
	if code != 0 || !strings.HasPrefix(out, "# switchboard bulk groups:") || !strings.Contains(out, "#   userLimit: required; whole number 1..999999") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	// The filled-in template reads back.
	sheet := bulkFile(t, "groups.csv", out+"sp1,g1,x.com,10,,,,,,,\nsp1,g2,x.com,20,Second Group,,,,,,\n")
	code, dry, errOut := runCLI(t, "bulk", "groups", "--file", sheet, "--dry-run")
	if code != 0 || dry != "dry run: all 2 rows are valid\n" {
		t.Errorf("exit %d: %s %s", code, dry, errOut)
	}
	path := filepath.Join(t.TempDir(), "users.csv")
	if code, _, errOut := runCLI(t, "bulk", "template", "users", "-o", path); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "bulk", "template", "users", "-o", path); code == 0 || !strings.Contains(errOut, "exists") {
		t.Errorf("overwrote %s: %s", path, errOut)
	}
	if code, _, errOut := runCLI(t, "bulk", "template", "robots"); code == 0 || !strings.Contains(errOut, `"robots" is not a kind`) {
		t.Errorf("unknown kind: exit %d %s", code, errOut)
	}
}

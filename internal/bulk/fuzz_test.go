package bulk

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzReadSheet feeds arbitrary sheets to every kind. Reading and planning
// must never panic; a sheet is either refused with an error or planned
// into rows that each have steps or problems, never both or neither; and
// no planned message repeats a secret cell.
func FuzzReadSheet(f *testing.F) {
	for _, s := range []string{
		"serviceProviderId,groupId,userId,lastName,firstName,password\nsp,g,u@x.com,L,F,Pw-secret-1\n",
		"# comment\nserviceProviderId,defaultDomain,isEnterprise\nsp1,example.com,true\nsp2,,maybe\n",
		"serviceProviderId,groupId,phoneNumbers\nsp,g,+1-2025550100 - +1-2025550199;123\n",
		"adminLevel,userId,serviceProviderId,groupId,lastName,password\nGroup,a,sp,g,L,Pw-1\nSystem,b,,,,\n",
		"serviceProviderId,groupId,serviceUserId,name,type,agents\nsp,g,cc@x.com,CC,Premium,a@x.com;;b@x.com\n",
		"\ufeffa,b\n\"x\ny\",z,,\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, k := range Kinds() {
			s, err := ReadSheet(bytes.NewReader(data), k)
			if err != nil {
				continue
			}
			for _, p := range s.Plan() {
				if (len(p.Steps) == 0) == (len(p.Problems) == 0) {
					t.Fatalf("%s line %d: %d steps and %d problems", k.Name, p.Row.Line, len(p.Steps), len(p.Problems))
				}
				for _, c := range k.Columns {
					v := p.Row.Cell(c.Name)
					if !c.Secret || len(v) < 4 {
						continue
					}
					for _, pr := range p.Problems {
						if strings.Contains(pr.Message, v) {
							t.Fatalf("%s: problem %q shows the secret column %s", k.Name, pr.Message, c.Name)
						}
					}
				}
			}
		}
	})
}

// FuzzReadResults feeds arbitrary results files: never a panic, and a
// file either reads or is refused with an error.
func FuzzReadResults(f *testing.F) {
	for _, s := range []string{
		"row,hash,key,status,code,message\n2,abc,u@x,ok,,\n3,def,v@x,failed,4008,\"not found, really\"\n",
		"row,hash,key,status,code,message\n2,abc,u@x,ok,,\n3,de",
		"row,hash\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		done, err := ReadResults(bytes.NewReader(data))
		if err == nil && done == nil {
			t.Fatal("no error and no result")
		}
		if err != nil && errors.Unwrap(err) == nil && !strings.HasPrefix(err.Error(), "results:") {
			t.Fatalf("unexpected error form: %v", err)
		}
	})
}

package ocip

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary documents to the typed decoder. It must never
// panic, and whatever it accepts must re-encode to a canonical form that
// decodes to the same canonical form again.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		docWith(`<command xmlns="" xsi:type="UserGetRequest23V2"><userId>u@x</userId></command>`),
		docWith(`<command xmlns="" xsi:type="UserModifyRequest22"><userId>u@x</userId><phoneNumber C:nil="true"/><department xsi:type="GroupDepartmentKey"><serviceProviderId>s</serviceProviderId><groupId>g</groupId><name>n</name></department><sipAliasList><sipAlias>a@b</sipAlias></sipAliasList></command>`),
		docWith(`<command xmlns="" xsi:type="UserAddRequest17sp4"><serviceProviderId>a&amp;b</serviceProviderId><groupId><![CDATA[g]]></groupId><userId>u@x</userId><lastName>M&#252;ller</lastName><firstName>F</firstName><callingLineIdLastName>L</callingLineIdLastName><callingLineIdFirstName>F</callingLineIdFirstName><department><serviceProviderId>s</serviceProviderId><name>d</name></department></command>`),
		encode(userTableResponse()),
		"<?xml version='1.0' encoding='ISO-8859-1'?>\n" + docWith(`<command xmlns="" xsi:type="LoginRequest14sp4"><userId>M`+"\xfc"+`</userId><signedPassword>x</signedPassword></command>`),
		docWith(`<command xmlns="" xsi:type="GroupFindMeFollowMeAddAlertingGroupRequest"><serviceUserId>u@x</serviceUserId><alertingGroupName>n</alertingGroupName><useDiversionInhibitor>true</useDiversionInhibitor><answerConfirmationRequired>0</answerConfirmationRequired><numberOfRings>3</numberOfRings><userId>a@x</userId><phoneNumber>123</phoneNumber></command>`),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := Decode(in, DecodeOptions{})
		if err != nil {
			_ = ValidationError(err) // the error reply must build
			return
		}
		for _, c := range d.Commands {
			_ = c.Validate()
		}
		once := d.AppendXML(nil)
		d2, err := Decode(once, DecodeOptions{})
		if err != nil {
			t.Fatalf("canonical output does not decode: %v\ninput: %q\noutput: %s", err, in, once)
		}
		twice := d2.AppendXML(nil)
		if !bytes.Equal(once, twice) {
			t.Fatalf("canonical form not stable\ninput: %q\nonce:  %s\ntwice: %s", in, once, twice)
		}
	})
}

// FuzzRedact feeds arbitrary bytes to Redact, which runs on every traced
// document, including broken ones. It must never panic, must be
// idempotent, and must hide a secret element's content wherever the
// element sits in otherwise arbitrary input.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		docWith(`<command xmlns="" xsi:type="LoginRequest22V5"><userId>a</userId><password>Secret-1</password></command>`),
		docWith(`<command xmlns="" xsi:type="UserModifyRequest22"><userId>u</userId><newPassword>x&amp;y</newPassword><passcode/></command>`),
		`<p:password>open`,
		`<password></password><password>`,
		"",
	} {
		f.Add([]byte(s), "hunter2-secret")
	}
	f.Fuzz(func(t *testing.T, doc []byte, secret string) {
		once := Redact(doc)
		if twice := Redact(once); !bytes.Equal(once, twice) {
			t.Fatalf("not idempotent:\n%q\n%q", once, twice)
		}
		// A secret (no markup in it) in a password element placed after
		// arbitrary text never survives.
		if len(secret) < 6 || bytes.ContainsAny([]byte(secret), "<>&*") || bytes.Contains(doc, []byte(secret)) {
			return
		}
		framed := append(bytes.Clone(doc), "><password>"+secret+"</password>"...)
		if out := Redact(framed); bytes.Contains(out, []byte(secret)) {
			t.Fatalf("secret %q survived in %q", secret, out)
		}
	})
}

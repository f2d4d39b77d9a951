package provisioning

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
)

// Password storage. OCI-P's two-step login signs a nonce with
// sha1_hex(password), so that digest must be kept; it is what the signed
// login checks. A salted slow hash (PBKDF2-SHA256) is kept beside it for
// plain-password logins: administrators get it when the password is set;
// users get it on their first plain-password login, because computing it on
// every bulk user add would cost tens of milliseconds of CPU per user.
// Successful slow verifications are remembered briefly so that a client
// opening fifty pooled connections pays for one hash, not fifty.

const (
	pbkdf2Iter     = 100_000
	pbkdf2Prefix   = "pbkdf2-sha256$"
	verifyCacheMax = 10_000
)

type passwords struct {
	mu    sync.Mutex
	key   [32]byte            // keys the verification cache; random per process
	cache map[[32]byte]string // hmac(user, stored hash, password) -> stored hash
	sem   chan struct{}       // bounds concurrent slow hashes
}

func newPasswords() *passwords {
	p := &passwords{cache: make(map[[32]byte]string), sem: make(chan struct{}, 4)}
	rand.Read(p.key[:])
	return p
}

// SHA1Hex is sha1_hex(password), lowercase.
func SHA1Hex(pw string) string {
	s := sha1.Sum([]byte(pw))
	return hex.EncodeToString(s[:])
}

func (p *passwords) hash(pw string) string {
	p.sem <- struct{}{}
	defer func() { <-p.sem }()
	salt := make([]byte, 16)
	rand.Read(salt)
	dk, _ := pbkdf2.Key(sha256.New, pw, salt, pbkdf2Iter, 32)
	return pbkdf2Prefix + strconv.Itoa(pbkdf2Iter) + "$" + base64.RawStdEncoding.EncodeToString(salt) + "$" + base64.RawStdEncoding.EncodeToString(dk)
}

func (p *passwords) cacheKey(id, stored, pw string) [32]byte {
	m := hmac.New(sha256.New, p.key[:])
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write([]byte(stored))
	m.Write([]byte{0})
	m.Write([]byte(pw))
	var k [32]byte
	m.Sum(k[:0])
	return k
}

// verifySlow checks pw against a stored PBKDF2 string.
func (p *passwords) verifySlow(id, stored, pw string) bool {
	k := p.cacheKey(id, stored, pw)
	p.mu.Lock()
	_, hit := p.cache[k]
	p.mu.Unlock()
	if hit {
		return true
	}
	parts := strings.Split(strings.TrimPrefix(stored, pbkdf2Prefix), "$")
	if !strings.HasPrefix(stored, pbkdf2Prefix) || len(parts) != 3 {
		return false
	}
	iter, err := strconv.Atoi(parts[0])
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[1])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil || err1 != nil || err2 != nil || iter <= 0 || iter > 10_000_000 {
		return false
	}
	p.sem <- struct{}{}
	got, _ := pbkdf2.Key(sha256.New, pw, salt, iter, len(want))
	<-p.sem
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false
	}
	p.mu.Lock()
	if len(p.cache) >= verifyCacheMax {
		clear(p.cache)
	}
	p.cache[k] = stored
	p.mu.Unlock()
	return true
}

// verifyPlain checks a plain password against what is stored: the slow
// hash when present, the SHA-1 digest otherwise.
func (p *passwords) verifyPlain(id, sha1hex, slow, pw string) bool {
	if slow != "" {
		return p.verifySlow(id, slow, pw)
	}
	if sha1hex == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(SHA1Hex(pw)), []byte(sha1hex)) == 1
}

// verifySigned checks md5_hex(nonce ":" sha1_hex(password)), any hex case.
func verifySigned(sha1hex, nonce, signed string) bool {
	if sha1hex == "" || nonce == "" {
		return false
	}
	sum := md5.Sum([]byte(nonce + ":" + sha1hex))
	want := hex.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(signed))) == 1
}

// NewNonce returns a fresh login nonce: 13 random decimal digits, the
// shape of the millisecond timestamps real servers send, unpredictable.
func NewNonce() string {
	var out [13]byte
	var buf [32]byte
	n := 0
	for n < len(out) {
		rand.Read(buf[:])
		for _, x := range buf {
			// Rejecting 250..255 keeps every digit equally likely.
			if x < 250 && n < len(out) && (n > 0 || x%10 != 0) {
				out[n] = '0' + x%10
				n++
			}
		}
	}
	return string(out[:])
}

// Portal passcodes are short digit strings; they are stored as a salted
// SHA-256 ("sha256$salt$digest") and only ever compared.
func hashPasscode(code string) string {
	salt := make([]byte, 12)
	rand.Read(salt)
	return passcodeDigest(salt, code)
}

func passcodeDigest(salt []byte, code string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(code))
	return "sha256$" + base64.RawStdEncoding.EncodeToString(salt) + "$" + base64.RawStdEncoding.EncodeToString(h.Sum(nil))
}

// VerifyPasscode checks a passcode against its stored form.
func VerifyPasscode(stored, code string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 3 || parts[0] != "sha256" {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(passcodeDigest(salt, code)), []byte(stored)) == 1
}

func checkPasscode(code string) error {
	if len(code) < 2 || len(code) > 30 || !allDigits(code) {
		return errInvalid("passcode", "a portal passcode is 2 to 30 digits")
	}
	return nil
}

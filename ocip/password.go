package ocip

import (
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
)

// PasswordSHA1 returns lowercase hex SHA-1 of the password: the value a
// server must keep to check signed logins, and the inner half of
// SignedPassword.
func PasswordSHA1(password string) string {
	h := sha1.Sum([]byte(password))
	return hex.EncodeToString(h[:])
}

// SignedPassword computes the signedPassword of the two-step OCI-P login:
// lowercase hex MD5 of nonce + ":" + PasswordSHA1(password). MD5 and SHA-1
// are what the protocol prescribes; nothing here chooses them.
func SignedPassword(nonce, password string) string {
	return SignedPasswordFromSHA1(nonce, PasswordSHA1(password))
}

// SignedPasswordFromSHA1 is SignedPassword for a server that stores only
// the SHA-1 hex of the password.
func SignedPasswordFromSHA1(nonce, sha1Hex string) string {
	h := md5.Sum([]byte(nonce + ":" + sha1Hex))
	return hex.EncodeToString(h[:])
}

package hotline

import "rectify/cases/seal"

// Cipher seals and opens the reporter's identity (seal.Cipher): bound to
// the report by associated data.
type Cipher = seal.Cipher

// The cipher profiles (seal.ProfileSM4, seal.ProfileAES).
const (
	ProfileSM4 = seal.ProfileSM4
	ProfileAES = seal.ProfileAES
)

// KeySize is the length of the reporter key (seal.KeySize).
const KeySize = seal.KeySize

// NewCipher returns the cipher of profile under key (seal.NewCipher).
func NewCipher(profile string, key []byte) (Cipher, error) { return seal.NewCipher(profile, key) }

// ErrOpen is the failure to open a sealed value (seal.ErrOpen).
var ErrOpen = seal.ErrOpen

// checkPlain is what the key check value seals; checkAD binds it to its use.
var (
	checkPlain = []byte("rectify reporter key check v1")
	checkAD    = []byte("hotline-key-check")
)

// NewCheck seals the check value a database keeps, so that a server
// started later with another key can tell, before it reads or writes any
// identity.
func NewCheck(c Cipher) ([]byte, error) { return c.Seal(checkPlain, append(checkAD, c.Profile()...)) }

// Check reports whether c opens the database's check value.
func Check(c Cipher, sealed []byte) bool {
	p, err := c.Open(sealed, append(checkAD, c.Profile()...))
	return err == nil && string(p) == string(checkPlain)
}

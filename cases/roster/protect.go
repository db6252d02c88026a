package roster

import (
	"crypto/hmac"
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/emmansun/gmsm/sm3"

	"rectify/cases/seal"
)

// Protector keeps ID numbers out of storage: an HMAC-SM3 of the number
// under the roster key matches one person across units and snapshots (a
// plain hash would not do: the number space is small enough to hash
// through), and a sealed copy lets an office user who asks see the number.
// The two uses take different keys derived from the roster key, so the
// matching key opens nothing.
type Protector struct {
	cipher seal.Cipher
	macKey []byte
}

// NewProtector derives the sealing and matching keys from the 32-byte
// roster key (HMAC-SM3 with a label each) and returns the protector for
// the cipher profile (seal.ProfileSM4 by default).
func NewProtector(profile string, key []byte) (*Protector, error) {
	if len(key) != seal.KeySize {
		return nil, fmt.Errorf("花名册身份证号密钥须为 %d 字节，实为 %d 字节", seal.KeySize, len(key))
	}
	derive := func(label string) []byte {
		m := hmac.New(sm3.New, key)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	c, err := seal.NewCipher(profile, derive("rectify roster seal v1"))
	if err != nil {
		return nil, err
	}
	return &Protector{cipher: c, macKey: derive("rectify roster match v1")}, nil
}

// Cipher is the sealing cipher (for the key check).
func (p *Protector) Cipher() seal.Cipher { return p.cipher }

// Hash is the hex HMAC-SM3 of a normalised ID number.
func (p *Protector) Hash(id string) string {
	var m hash.Hash = hmac.New(sm3.New, p.macKey)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))
}

// Seal seals the number bound to its hash: a sealed number copied onto
// another person does not open.
func (p *Protector) Seal(id, hash string) ([]byte, error) {
	return p.cipher.Seal([]byte(id), []byte("roster-id\x00"+hash))
}

// Open opens a sealed number of the person with hash.
func (p *Protector) Open(sealed []byte, hash string) (string, error) {
	b, err := p.cipher.Open(sealed, []byte("roster-id\x00"+hash))
	return string(b), err
}

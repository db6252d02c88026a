// Package seal is the authenticated encryption of personal data that the
// server keeps but must not show in clear: the 12310 reporter's identity
// (cases/hotline) and the ID numbers of staffing rosters (cases/roster).
// One key check value per use lets a server started with the wrong key
// refuse to start before it writes anything no one can read.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm4"
)

// Cipher seals and opens personal data (a 12310 reporter's identity, a
// roster's ID numbers): authenticated encryption, bound to its record by
// associated data, so that a sealed value copied onto another record does
// not open.
type Cipher interface {
	// Seal encrypts plain, binding it to ad.
	Seal(plain, ad []byte) ([]byte, error)
	// Open decrypts sealed, failing on a wrong key, a wrong ad or any change.
	Open(sealed, ad []byte) ([]byte, error)
	// Profile names the algorithm (ProfileSM4, ProfileAES).
	Profile() string
}

// The cipher profiles. SM4-GCM is the default: the commercial-cryptography
// assessment (密评) expects the national algorithms; AES-256-GCM is for
// deployments that are not assessed.
const (
	ProfileSM4 = "sm4-gcm"
	ProfileAES = "aes-256-gcm"
)

// KeySize is the length of a sealing key: 32 bytes. SM4 takes the first
// 16, AES-256 all 32, so one key file serves either profile.
const KeySize = 32

// NewCipher returns the cipher of profile under key.
func NewCipher(profile string, key []byte) (Cipher, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("加密密钥须为 %d 字节，实为 %d 字节", KeySize, len(key))
	}
	var (
		b   cipher.Block
		err error
	)
	switch profile {
	case ProfileSM4, "":
		profile = ProfileSM4
		b, err = sm4.NewCipher(key[:16])
	case ProfileAES:
		b, err = aes.NewCipher(key)
	default:
		return nil, fmt.Errorf("未知的加密算法配置「%s」（可选 %s、%s）", profile, ProfileSM4, ProfileAES)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", profile, err)
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", profile, err)
	}
	return &gcm{aead: g, profile: profile}, nil
}

type gcm struct {
	aead    cipher.AEAD
	profile string
}

func (g *gcm) Profile() string { return g.profile }

// Seal returns nonce ‖ ciphertext ‖ tag.
func (g *gcm) Seal(plain, ad []byte) ([]byte, error) {
	nonce := make([]byte, g.aead.NonceSize(), g.aead.NonceSize()+len(plain)+g.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return g.aead.Seal(nonce, nonce, plain, ad), nil
}

// ErrOpen is the failure to open a sealed value: a wrong key, or changed
// data. Nothing else is said, so nothing about the plaintext leaks.
var ErrOpen = errors.New("sealed data does not open with this key")

func (g *gcm) Open(sealed, ad []byte) ([]byte, error) {
	n := g.aead.NonceSize()
	if len(sealed) < n+g.aead.Overhead() {
		return nil, ErrOpen
	}
	plain, err := g.aead.Open(nil, sealed[:n], sealed[n:], ad)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// checkPlain is what a key check value seals; the use's label is the
// associated data, so a check value of one use does not pass for another.
var checkPlain = []byte("rectify key check v1")

// NewCheck seals the check value a database keeps for one use (label), so
// that a server started later with another key can tell, before it reads
// or writes any sealed value.
func NewCheck(c Cipher, label string) ([]byte, error) {
	return c.Seal(checkPlain, []byte(label+"\x00"+c.Profile()))
}

// Check reports whether c opens the check value of label.
func Check(c Cipher, label string, sealed []byte) bool {
	p, err := c.Open(sealed, []byte(label+"\x00"+c.Profile()))
	return err == nil && string(p) == string(checkPlain)
}

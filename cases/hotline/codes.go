package hotline

import (
	"crypto/rand"
	"strings"
)

// Alphabet is the 31 characters receipts and secrets are made of: digits
// and capitals without those read as others (0 and O, 1 and I are left out,
// and Z, too close to 2 when handwritten).
const Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXY"

// ReceiptLen and SecretLen are the lengths of a receipt code (12
// characters, 59 bits: not guessable, so a receipt alone says nothing) and
// of a secret (16 characters, 79 bits).
const (
	ReceiptLen = 12
	SecretLen  = 16
)

// randomCode returns n characters of Alphabet, uniformly.
func randomCode(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("hotline: no randomness: " + err.Error())
		}
		for _, b := range buf {
			// 248 = 8 × 31: values above are rejected, so every character
			// is equally likely.
			if b < 248 && len(out) < n {
				out = append(out, Alphabet[int(b)%len(Alphabet)])
			}
		}
	}
	return string(out)
}

// NewReceipt returns a fresh receipt code, ungrouped.
func NewReceipt() string { return randomCode(ReceiptLen) }

// NewSecret returns a fresh secret, ungrouped.
func NewSecret() string { return randomCode(SecretLen) }

// Group writes a code in groups of four, as it is shown and read aloud.
func Group(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Normalize reads a code as a person types it: case, spaces and hyphens do
// not matter. It returns "" for anything not made of the alphabet.
func Normalize(s string) string {
	s = strings.ToUpper(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '　':
		case r < 0x80 && strings.IndexByte(Alphabet, byte(r)) >= 0:
			b.WriteRune(r)
		default:
			return ""
		}
	}
	return b.String()
}

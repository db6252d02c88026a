package keys

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
)

func TestLoadMakesPrivateKeysOnceAndKeepsThem(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	a, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if string(a.HashKey) != string(b.HashKey) || !a.Signer.Equal(b.Signer) {
		t.Fatal("a second load made new keys")
	}
	for name, want := range map[string]os.FileMode{"": 0o700, HashKeyFile: 0o600, SigningKeyFile: 0o600, PublicKeyFile: 0o644} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", name, fi.Mode().Perm(), want)
		}
	}
	pub, err := ReadPublic(filepath.Join(dir, PublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("checkpoint")
	sig, err := a.Signer.Sign(rand.Reader, msg, sm2.NewSM2SignerOption(true, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !sm2.VerifyASN1WithSM2(pub, nil, msg, sig) {
		t.Fatal("the public file does not verify the signing key's signature")
	}
}

func TestLoadRefusesDamagedKeys(t *testing.T) {
	for _, tt := range []struct{ name, file, content string }{
		{"ErrShortHashKey", HashKeyFile, "abcd\n"},
		{"ErrNotHex", HashKeyFile, "zz\n"},
		{"ErrSigningKeyNotPEM", SigningKeyFile, "garbage"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(dir); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

func TestRosterKey(t *testing.T) {
	dir := t.TempDir()
	k1, created, err := RosterKey(dir, "", "")
	if err != nil || !created || len(k1) != 32 {
		t.Fatalf("first: %x %v %v", k1, created, err)
	}
	st, err := os.Stat(filepath.Join(dir, RosterKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", st, err)
	}
	k2, created, err := RosterKey(dir, "", "")
	if err != nil || created || string(k1) != string(k2) {
		t.Fatalf("second start made or read another key: %v %v", created, err)
	}
	if _, _, err := RosterKey(dir, filepath.Join(dir, "missing.key"), ""); err == nil || !strings.Contains(err.Error(), "不存在") {
		t.Fatalf("missing named key: %v", err)
	}
	if _, _, err := RosterKey(dir, "", "zz"); err == nil {
		t.Fatal("a bad env key was taken")
	}
}

package keys_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rectify/storage/keys"
)

func TestReporterKey(t *testing.T) {
	t.Run("GeneratedOnceWithMode0600", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "keys")
		k1, created, err := keys.ReporterKey(dir, "", "")
		if err != nil || !created || len(k1) != 32 {
			t.Fatalf("first: %d bytes, created %v, %v", len(k1), created, err)
		}
		fi, err := os.Stat(filepath.Join(dir, keys.ReporterKeyFile))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("key file mode %v, %v", fi.Mode(), err)
		}
		k2, created, err := keys.ReporterKey(dir, "", "")
		if err != nil || created || string(k1) != string(k2) {
			t.Fatalf("second start: created %v, same %v, %v", created, string(k1) == string(k2), err)
		}
	})
	t.Run("ErrNamedFileMissing", func(t *testing.T) {
		_, _, err := keys.ReporterKey(t.TempDir(), filepath.Join(t.TempDir(), "lost.key"), "")
		if err == nil || !strings.Contains(err.Error(), "不存在") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrCorruptFile", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "bad.key")
		os.WriteFile(f, []byte("not hex"), 0o600)
		_, _, err := keys.ReporterKey(t.TempDir(), f, "")
		if err == nil || !strings.Contains(err.Error(), "已损坏") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("FromEnvironment", func(t *testing.T) {
		k, _, err := keys.ReporterKey(t.TempDir(), "", strings.Repeat("ab", 32))
		if err != nil || k[0] != 0xab || len(k) != 32 {
			t.Fatalf("%x %v", k, err)
		}
		if _, _, err := keys.ReporterKey(t.TempDir(), "", "abc"); err == nil || !strings.Contains(err.Error(), keys.ReporterKeyEnv) {
			t.Fatalf("short key: %v", err)
		}
	})
}

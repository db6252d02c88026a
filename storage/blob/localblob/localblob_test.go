package localblob

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/documents"
	"rectify/storage/blob/blobtest"
)

func TestContract(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) documents.Blobs {
		s, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestCorruptedObjectIsDetected(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	ctx := context.Background()
	key := "documents/2026/notice-2026-0001.pdf"
	s.Put(ctx, key, []byte("%PDF original"), "application/pdf")
	os.WriteFile(filepath.Join(dir, "documents", "2026", "notice-2026-0001.pdf"), []byte("%PDF altered!"), 0o600)
	_, _, err := s.Get(ctx, key)
	if e, ok := cases.AsError(err); !ok || e.Code != cases.ECORRUPT || !strings.Contains(e.Message, key) {
		t.Fatalf("got %v, want a corruption naming %s", err, key)
	}
	os.Remove(filepath.Join(dir, "documents", "2026", "notice-2026-0001.pdf"))
	if _, _, err := s.Get(ctx, key); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Fatalf("missing: %v", err)
	}
}

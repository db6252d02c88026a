// Package blobtest is the contract every documents.Blobs implementation
// must meet, run against each of them.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"sync"
	"testing"

	"rectify/cases"
	"rectify/cases/documents"
)

// Run runs the contract against stores made by open (a fresh one each call).
func Run(t *testing.T, open func(t *testing.T) documents.Blobs) {
	ctx := context.Background()
	t.Run("PutGetStat", func(t *testing.T) {
		s := open(t)
		data := []byte("%PDF-1.7 整改通知书")
		info, err := s.Put(ctx, "documents/2026/notice-2026-0001.pdf", data, "application/pdf")
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if info.SHA256 != hex.EncodeToString(sum[:]) || info.Size != int64(len(data)) {
			t.Fatalf("info %+v", info)
		}
		got, gi, err := s.Get(ctx, "documents/2026/notice-2026-0001.pdf")
		if err != nil || !bytes.Equal(got, data) || gi.SHA256 != info.SHA256 {
			t.Fatalf("get: %v %q", err, got)
		}
		st, err := s.Stat(ctx, "documents/2026/notice-2026-0001.pdf")
		if err != nil || st.SHA256 != info.SHA256 || st.ContentType != "application/pdf" || st.Size != info.Size {
			t.Fatalf("stat: %v %+v", err, st)
		}
	})
	t.Run("ErrOverwrite", func(t *testing.T) {
		s := open(t)
		key := "documents/2026/notice-2026-0002.pdf"
		if _, err := s.Put(ctx, key, []byte("first"), "application/pdf"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, key, []byte("second"), "application/pdf"); cases.ErrorCode(err) != cases.ECONFLICT {
			t.Fatalf("overwrite: %v", err)
		}
		got, _, _ := s.Get(ctx, key)
		if string(got) != "first" {
			t.Fatalf("content after refused overwrite: %q", got)
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		s := open(t)
		if _, _, err := s.Get(ctx, "documents/2026/none.pdf"); cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Fatalf("get missing: %v", err)
		}
		if _, err := s.Stat(ctx, "documents/2026/none.pdf"); cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Fatalf("stat missing: %v", err)
		}
	})
	t.Run("ErrBadKeys", func(t *testing.T) {
		s := open(t)
		for _, k := range []string{"../escape", "documents/../../etc/passwd", "/abs/path", "documents/a b", "", "documents"} {
			if _, err := s.Put(ctx, k, []byte("x"), "text/plain"); cases.ErrorCode(err) != cases.EINVALID {
				t.Errorf("key %q: %v", k, err)
			}
		}
	})
	t.Run("Keys", func(t *testing.T) {
		s := open(t)
		for _, k := range []string{"evidence/2026-0001/a.pdf", "evidence/2026-0002/b.png", "documents/2026/c.pdf"} {
			if _, err := s.Put(ctx, k, []byte(k), "application/octet-stream"); err != nil {
				t.Fatal(err)
			}
		}
		ks, err := s.Keys(ctx, "evidence/")
		if err != nil || strings.Join(ks, ",") != "evidence/2026-0001/a.pdf,evidence/2026-0002/b.png" {
			t.Fatalf("keys %v %v", ks, err)
		}
		all, _ := s.Keys(ctx, "")
		if len(all) != 3 {
			t.Fatalf("all keys %v", all)
		}
	})
	t.Run("ConcurrentPutsOfOneKeyStoreOne", func(t *testing.T) {
		s := open(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var oks []string
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				body := strings.Repeat(string(rune('a'+i)), 1000)
				if _, err := s.Put(ctx, "documents/2026/race.pdf", []byte(body), "application/pdf"); err == nil {
					mu.Lock()
					oks = append(oks, body)
					mu.Unlock()
				}
			}(i)
		}
		wg.Wait()
		got, _, err := s.Get(ctx, "documents/2026/race.pdf")
		if err != nil {
			t.Fatalf("after racing puts: %v", err)
		}
		sort.Strings(oks)
		found := false
		for _, o := range oks {
			found = found || o == string(got)
		}
		if len(oks) == 0 || !found {
			t.Fatalf("stored content is not from a successful put (%d succeeded)", len(oks))
		}
	})
}

package minioblob_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"rectify/cases"
	"rectify/cases/documents"
	"rectify/storage/blob/blobtest"
	"rectify/storage/blob/minioblob"
	"rectify/storage/blob/miniotest"
)

func TestContract(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) documents.Blobs { return miniotest.Open(t) })
}

// TestTamperedObjectIsDetected replaces an object behind the store's back
// (as someone with direct bucket access could): reading it must fail and
// name the object, never serve the altered bytes.
func TestTamperedObjectIsDetected(t *testing.T) {
	s := miniotest.Open(t)
	ctx := context.Background()
	key := "documents/2026/notice-2026-0001.pdf"
	if _, err := s.Put(ctx, key, []byte("%PDF original notice"), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	st, _ := s.Client().StatObject(ctx, s.Bucket(), key, minio.StatObjectOptions{})
	// A new version with the old metadata but other bytes.
	_, err := s.Client().PutObject(ctx, s.Bucket(), key, bytes.NewReader([]byte("%PDF forged notice!!")), 20,
		minio.PutObjectOptions{ContentType: "application/pdf", UserMetadata: map[string]string{"Sha256": st.UserMetadata["X-Amz-Meta-Sha256"]}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Get(ctx, key)
	if e, ok := cases.AsError(err); !ok || e.Code != cases.ECORRUPT || !strings.Contains(e.Message, key) {
		t.Fatalf("got %v, want a corruption naming %s", err, key)
	}
}

func TestObjectLockKeepsIssuedVersions(t *testing.T) {
	s := miniotest.Open(t)
	ctx := context.Background()
	key := "documents/2026/notice-2026-0009.pdf"
	s.Put(ctx, key, []byte("%PDF v1"), "application/pdf")
	if status, _, _, _, err := s.Client().GetObjectLockConfig(ctx, s.Bucket()); err != nil || status != "Enabled" {
		t.Fatalf("object lock not configured: %q %v", status, err)
	}
	st, _ := s.Client().StatObject(ctx, s.Bucket(), key, minio.StatObjectOptions{})
	if err := s.Client().RemoveObject(ctx, s.Bucket(), key, minio.RemoveObjectOptions{VersionID: st.VersionID}); err == nil {
		t.Fatal("a locked version was deleted")
	}
}

func TestUnavailable(t *testing.T) {
	srv := miniotest.Start(t)
	s, err := minioblob.Open(context.Background(), srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	_, err = s.Put(context.Background(), "documents/2026/x.pdf", []byte("%PDF"), "application/pdf")
	if cases.ErrorCode(err) != cases.EUNAVAILABLE {
		t.Fatalf("put with MinIO stopped: %v", err)
	}
}

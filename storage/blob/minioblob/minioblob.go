// Package minioblob stores objects in MinIO. Each object carries its
// SHA-256 twice: as the S3 checksum MinIO verifies on upload (a trailing
// checksum, so the client must be created with TrailingHeaders) and as user
// metadata; reading recomputes it. The bucket is created with object lock
// and a default retention, so an issued document cannot be deleted or
// replaced in place; Put also refuses an existing key.
package minioblob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sort"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"rectify/cases"
	"rectify/cases/documents"
)

// Config says where MinIO is.
type Config struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	TLS       bool
	// RetentionDays is the object lock's default retention (GOVERNANCE
	// mode); 0 means 3650 days.
	RetentionDays uint
}

// Store is a MinIO bucket.
type Store struct {
	c      *minio.Client
	bucket string
}

// Open connects and creates the bucket, with object lock, if missing.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	c, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.TLS, TrailingHeaders: true, MaxRetries: 2})
	if err != nil {
		return nil, fmt.Errorf("minio %s: %w", cfg.Endpoint, err)
	}
	s := &Store{c: c, bucket: cfg.Bucket}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, classify(err, "reach MinIO at "+cfg.Endpoint)
	}
	if !ok {
		if err := c.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{ObjectLocking: true}); err != nil {
			return nil, classify(err, "create bucket "+cfg.Bucket)
		}
		days := cfg.RetentionDays
		if days == 0 {
			days = 3650
		}
		mode, unit := minio.Governance, minio.Days
		if err := c.SetObjectLockConfig(ctx, cfg.Bucket, &mode, &days, &unit); err != nil {
			return nil, classify(err, "set object lock on "+cfg.Bucket)
		}
	}
	return s, nil
}

// classify turns a MinIO or network error into a domain error.
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	resp := minio.ToErrorResponse(err)
	switch resp.Code {
	case "NoSuchKey", "NoSuchBucket":
		return cases.NotFound("存档对象 %s 缺失", what)
	}
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ne) || errors.As(err, &ue) || errors.Is(err, context.DeadlineExceeded) || resp.StatusCode >= 500 {
		return &cases.Error{Code: cases.EUNAVAILABLE, Message: what + ": 文件存储服务（MinIO）不可用"}
	}
	return fmt.Errorf("%s: %w", what, err)
}

const metaSHA = "Sha256" // stored as x-amz-meta-sha256

// Put writes an object once, with its SHA-256 checksum verified by MinIO.
func (s *Store) Put(ctx context.Context, key string, data []byte, contentType string) (documents.BlobInfo, error) {
	if !documents.ValidKey(key) {
		return documents.BlobInfo{}, cases.Invalid("key", "存档对象名「%s」不合规", key)
	}
	if _, err := s.c.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{}); err == nil {
		return documents.BlobInfo{}, cases.Conflict("存档对象 %s 已存在，存档不可覆盖", key)
	} else if e := classify(err, "stat "+key); cases.ErrorCode(e) != cases.ENOTFOUND {
		return documents.BlobInfo{}, e
	}
	sum := sha256.Sum256(data)
	hexsum := hex.EncodeToString(sum[:])
	_, err := s.c.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
		ContentType: contentType, UserMetadata: map[string]string{metaSHA: hexsum}, Checksum: minio.ChecksumSHA256})
	if err != nil {
		return documents.BlobInfo{}, classify(err, "store "+key)
	}
	return documents.BlobInfo{Key: key, Size: int64(len(data)), SHA256: hexsum, ContentType: contentType}, nil
}

// Get reads an object and verifies it against both recorded checksums.
func (s *Store) Get(ctx context.Context, key string) ([]byte, documents.BlobInfo, error) {
	info, err := s.Stat(ctx, key)
	if err != nil {
		return nil, documents.BlobInfo{}, err
	}
	obj, err := s.c.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, documents.BlobInfo{}, classify(err, "read "+key)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		return nil, documents.BlobInfo{}, classify(err, "read "+key)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != info.SHA256 {
		return nil, documents.BlobInfo{}, &cases.Error{Code: cases.ECORRUPT, Message: fmt.Sprintf("存档对象 %s 已损坏：其 SHA-256 与存储时记录的不符", key)}
	}
	return b, info, nil
}

// Stat returns an object's recorded checksum; the S3 checksum and the
// metadata must agree.
func (s *Store) Stat(ctx context.Context, key string) (documents.BlobInfo, error) {
	if !documents.ValidKey(key) {
		return documents.BlobInfo{}, cases.Invalid("key", "存档对象名「%s」不合规", key)
	}
	st, err := s.c.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{Checksum: true})
	if err != nil {
		return documents.BlobInfo{}, classify(err, "object "+key)
	}
	want := st.UserMetadata["X-Amz-Meta-Sha256"]
	if want == "" {
		want = st.UserMetadata[metaSHA]
	}
	raw, _ := hex.DecodeString(want)
	if want == "" || (st.ChecksumSHA256 != "" && base64.StdEncoding.EncodeToString(raw) != st.ChecksumSHA256) {
		return documents.BlobInfo{}, &cases.Error{Code: cases.ECORRUPT, Message: fmt.Sprintf("存档对象 %s 缺少一致的校验记录", key)}
	}
	return documents.BlobInfo{Key: key, Size: st.Size, SHA256: want, ContentType: st.ContentType}, nil
}

// Keys lists keys under prefix.
func (s *Store) Keys(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, classify(o.Err, "list "+prefix)
		}
		out = append(out, o.Key)
	}
	sort.Strings(out)
	return out, nil
}

// Client is the underlying client, for tests that tamper on purpose.
func (s *Store) Client() *minio.Client { return s.c }

// Bucket is the bucket's name.
func (s *Store) Bucket() string { return s.bucket }

var _ documents.Blobs = (*Store)(nil)

// Package localblob stores objects in a local directory: the default when
// no MinIO endpoint is configured. Each object has a sidecar with its
// SHA-256; an existing object is never overwritten.
package localblob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"rectify/cases"
	"rectify/cases/documents"
)

// Store is a directory of objects.
type Store struct{ root string }

// Open uses (and creates) dir.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, ".meta"), 0o700); err != nil {
		return nil, fmt.Errorf("blob directory: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &Store{root: abs}, nil
}

type meta struct {
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

func (s *Store) paths(key string) (data, side string, err error) {
	if !documents.ValidKey(key) {
		return "", "", cases.Invalid("key", "存档对象名「%s」不合规", key)
	}
	return filepath.Join(s.root, filepath.FromSlash(key)), filepath.Join(s.root, ".meta", filepath.FromSlash(key)+".json"), nil
}

// Put writes an object once: an existing key is ECONFLICT.
func (s *Store) Put(ctx context.Context, key string, data []byte, contentType string) (documents.BlobInfo, error) {
	path, side, err := s.paths(key)
	if err != nil {
		return documents.BlobInfo{}, err
	}
	if _, err := os.Stat(path); err == nil {
		return documents.BlobInfo{}, cases.Conflict("存档对象 %s 已存在，存档不可覆盖", key)
	}
	sum := sha256.Sum256(data)
	m := meta{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), ContentType: contentType}
	mb, _ := json.Marshal(m)
	// Link, not rename: link fails if the name exists, so the first writer
	// of a key owns it — its checksum record, then its data.
	if err := writeSynced(side, mb); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return documents.BlobInfo{}, cases.Conflict("存档对象 %s 已存在，存档不可覆盖", key)
		}
		return documents.BlobInfo{}, fmt.Errorf("store %s: %w", key, err)
	}
	if err := writeSynced(path, data); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return documents.BlobInfo{}, cases.Conflict("存档对象 %s 已存在，存档不可覆盖", key)
		}
		return documents.BlobInfo{}, fmt.Errorf("store %s: %w", key, err)
	}
	return documents.BlobInfo{Key: key, Size: m.Size, SHA256: m.SHA256, ContentType: contentType}, nil
}

// writeSynced writes data to a temporary file, syncs it, and links it at
// path, failing with fs.ErrExist if path exists.
func writeSynced(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Link(tmp, path)
}

// Get reads an object and verifies its SHA-256.
func (s *Store) Get(ctx context.Context, key string) ([]byte, documents.BlobInfo, error) {
	path, _, err := s.paths(key)
	if err != nil {
		return nil, documents.BlobInfo{}, err
	}
	info, err := s.Stat(ctx, key)
	if err != nil {
		return nil, documents.BlobInfo{}, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, documents.BlobInfo{}, cases.NotFound("存档对象 %s 缺失", key)
	} else if err != nil {
		return nil, documents.BlobInfo{}, fmt.Errorf("read %s: %w", key, err)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != info.SHA256 {
		return nil, documents.BlobInfo{}, &cases.Error{Code: cases.ECORRUPT, Message: fmt.Sprintf("存档对象 %s 已损坏：其 SHA-256 与存储时记录的不符", key)}
	}
	return b, info, nil
}

// Stat returns what was recorded for an object.
func (s *Store) Stat(ctx context.Context, key string) (documents.BlobInfo, error) {
	path, side, err := s.paths(key)
	if err != nil {
		return documents.BlobInfo{}, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return documents.BlobInfo{}, cases.NotFound("存档对象 %s 缺失", key)
	}
	mb, err := os.ReadFile(side)
	var m meta
	if err != nil || json.Unmarshal(mb, &m) != nil {
		return documents.BlobInfo{}, &cases.Error{Code: cases.ECORRUPT, Message: fmt.Sprintf("存档对象 %s 的校验记录无法读取", key)}
	}
	return documents.BlobInfo{Key: key, Size: m.Size, SHA256: m.SHA256, ContentType: m.ContentType}, nil
}

// Keys lists the keys under prefix.
func (s *Store) Keys(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(s.root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == ".meta" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(d.Name(), ".tmp-") && strings.HasPrefix(rel, prefix) {
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

var _ documents.Blobs = (*Store)(nil)

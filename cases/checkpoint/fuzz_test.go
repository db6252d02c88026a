package checkpoint_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"rectify/cases"
	"rectify/cases/checkpoint"
	"rectify/cases/documents"
)

// memBlobs is a blob store in memory whose objects a test can delete or
// change, as an attacker with the data directory can.
type memBlobs struct {
	mu sync.Mutex
	m  map[string][]byte
}

func newMemBlobs() *memBlobs { return &memBlobs{m: map[string][]byte{}} }

func (b *memBlobs) Put(_ context.Context, key string, data []byte, ct string) (documents.BlobInfo, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.m[key]; ok {
		return documents.BlobInfo{}, cases.Conflict("对象 %s 已存在", key)
	}
	b.m[key] = bytes.Clone(data)
	sum := sha256.Sum256(data)
	return documents.BlobInfo{Key: key, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), ContentType: ct}, nil
}

func (b *memBlobs) Get(ctx context.Context, key string) ([]byte, documents.BlobInfo, error) {
	info, err := b.Stat(ctx, key)
	if err != nil {
		return nil, info, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.m[key]), info, nil
}

func (b *memBlobs) Stat(_ context.Context, key string) (documents.BlobInfo, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.m[key]
	if !ok {
		return documents.BlobInfo{}, cases.NotFound("对象 %s 不存在", key)
	}
	return documents.BlobInfo{Key: key, Size: int64(len(d))}, nil
}

func (b *memBlobs) Keys(_ context.Context, prefix string) ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for k := range b.m {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (b *memBlobs) delete(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.m, key)
}

// fuzzKey is where the fuzzed checkpoint is stored: after the genuine one.
const fuzzKey = checkpoint.Prefix + "2026/20261123T090000000Z-0000000f.json.gz"

var fuzzSigner = func() *sm2.PrivateKey {
	k, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}()

// fuzzBase is a store holding one genuine full checkpoint of three cases,
// written at 08:00, which a fuzzed delta may build on.
func fuzzBase(tb testing.TB) (*checkpoint.Store, *memBlobs, checkpoint.Info) {
	tb.Helper()
	blobs := newMemBlobs()
	s := &checkpoint.Store{Blobs: blobs, Signer: fuzzSigner, Public: &fuzzSigner.PublicKey,
		Now: func() time.Time { return time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) }}
	info, _, err := s.Write(context.Background(), heads(3, func(int) int { return 1 }))
	if err != nil {
		tb.Fatal(err)
	}
	return s, blobs, info
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// A checkpoint object as the store holds it, whatever its bytes — signed
// with the server's key or not, compressed or not, well-formed or not —
// is read to an anchor that adds up, or refused with a named fault
// (ECORRUPT) or as absent (ENOTFOUND). It never panics and never fails
// with an unnamed error: verify turns every refusal into a fault and
// exit 1. Seeds are under testdata/fuzz/FuzzReadCheckpoint.
func FuzzReadCheckpoint(f *testing.F) {
	// $PREV and $PREV_ROOT stand for the genuine checkpoint's key and
	// root, which differ from run to run.
	delta := func(extra string) []byte {
		return []byte(fmt.Sprintf(`{"format":%q,"key":%q,"n":2,"at":"2026-11-23T09:00:00.000Z","kind":"delta","prev":"$PREV","prev_root":"$PREV_ROOT","cases":4,"root":%q,"numbers":{"2026":4},"heads":[%s]}`,
			checkpoint.Format, fuzzKey, strings.Repeat("0", 64), extra))
	}
	f.Add(delta(`["2026-0004",1,"`+hash(5)+`"]`), true, true)
	f.Add(delta(`["2026-0004",1]`), true, true)
	f.Add(delta(`["2026-0004","1",5]`), true, true)
	f.Add(delta(`[1e300,1e300,"`+hash(5)+`"]`), true, true)
	f.Add(delta(`["2026-0004",1,"`+hash(5)+`"],["2026-0001",1,"`+hash(5)+`"]`), true, true)
	f.Add([]byte(`{"format":"rectify-checkpoint/1","key":"`+fuzzKey+`","n":1,"at":"x","kind":"full","cases":0,"root":"","heads":null}`), true, true)
	f.Add([]byte(`{"format":"rectify-checkpoint/1","key":"`+fuzzKey+`","n":2,"kind":"delta","prev":"`+fuzzKey+`"}`), true, true)
	f.Add([]byte(`{"format":"rectify-checkpoint/1","key":"`+fuzzKey+`","n":3,"kind":"delta","prev":"checkpoints/2026/none.json.gz"}`), true, true)
	f.Add([]byte(`not json`), true, true)
	f.Add([]byte(`{}`), false, true)
	f.Add(delta(`["2026-0004",1,"`+hash(5)+`"]`), true, false)
	f.Fuzz(func(t *testing.T, content []byte, compress, signed bool) {
		s, blobs, base := fuzzBase(t)
		content = bytes.ReplaceAll(content, []byte("$PREV_ROOT"), []byte(base.Root))
		content = bytes.ReplaceAll(content, []byte("$PREV"), []byte(base.Key))
		body := content
		if compress {
			body = gz(content)
		}
		sig := []byte("not a signature")
		if signed {
			var err error
			if sig, err = fuzzSigner.Sign(rand.Reader, body, sm2.NewSM2SignerOption(true, nil)); err != nil {
				t.Fatal(err)
			}
		}
		ctx := context.Background()
		blobs.Put(ctx, fuzzKey, body, "application/gzip")
		blobs.Put(ctx, fuzzKey+".sig", sig, "application/octet-stream")
		named := func(what string, err error) {
			if code := cases.ErrorCode(err); err != nil && code != cases.ECORRUPT && code != cases.ENOTFOUND {
				t.Fatalf("%s: an unnamed error (%s): %v", what, code, err)
			}
		}
		a, info, err := s.Latest(ctx)
		named("Latest", err)
		if err == nil {
			for i := 1; i < len(a.Heads); i++ {
				if a.Heads[i-1].No >= a.Heads[i].No {
					t.Fatalf("heads read back unsorted at %d", i)
				}
			}
			if checkpoint.Root(a.Heads) != info.Root || len(a.Heads) != info.Cases {
				t.Fatalf("a checkpoint read back whose heads do not add up to its root")
			}
		}
		_, _, err = s.At(ctx, fuzzKey)
		named("At", err)
		_, err = s.One(ctx, fuzzKey)
		named("One", err)
	})
}

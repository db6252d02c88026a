package checkpoint_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"rectify/cases"
	"rectify/cases/checkpoint"
	"rectify/storage/blob/localblob"
)

func sum(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

func leaf(no string, seq int, hash string) []byte {
	return sum([]byte{0}, []byte(fmt.Sprintf("%s\n%d\n%s", no, seq, hash)))
}

func node(a, b []byte) []byte { return sum([]byte{1}, a, b) }

func hash(i int) string { return strings.Repeat(fmt.Sprintf("%x", i%16), 64) }

// The root is RFC 6962's Merkle tree hash, computed here by hand for the
// shapes that differ: empty, one leaf, a power of two, and an uneven split.
func TestRootIsTheRFC6962TreeHash(t *testing.T) {
	hs := []cases.Head{{No: "2026-0001", Seq: 1, Hash: hash(1)}, {No: "2026-0002", Seq: 3, Hash: hash(2)}, {No: "2026-0003", Seq: 2, Hash: hash(3)}, {No: "2026-0004", Seq: 5, Hash: hash(4)}, {No: "2026-0005", Seq: 1, Hash: hash(5)}}
	l := make([][]byte, len(hs))
	for i, h := range hs {
		l[i] = leaf(h.No, h.Seq, h.Hash)
	}
	tests := []struct {
		name string
		n    int
		want []byte
	}{
		{"Empty", 0, sum()},
		{"One", 1, l[0]},
		{"Two", 2, node(l[0], l[1])},
		{"Three", 3, node(node(l[0], l[1]), l[2])},
		{"Four", 4, node(node(l[0], l[1]), node(l[2], l[3]))},
		{"Five", 5, node(node(node(l[0], l[1]), node(l[2], l[3])), l[4])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkpoint.Root(hs[:tt.n]); got != hex.EncodeToString(tt.want) {
				t.Fatalf("got %s, want %x", got, tt.want)
			}
		})
	}
}

func heads(n int, seq func(i int) int) []cases.Head {
	out := make([]cases.Head, n)
	for i := range out {
		out[i] = cases.Head{No: cases.FormatNo(2026, i+1), Seq: seq(i), Hash: hash(i + seq(i))}
	}
	// Byte order, as Service.Heads gives them: 2026-10000 before 2026-9999.
	sort.Slice(out, func(i, j int) bool { return out[i].No < out[j].No })
	return out
}

func newStore(t testing.TB) (*checkpoint.Store, *time.Time) {
	t.Helper()
	blobs, err := localblob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	return &checkpoint.Store{Blobs: blobs, Signer: key, Public: &key.PublicKey, Now: func() time.Time { return now }}, &now
}

func TestWriteAndReadBackThroughDeltas(t *testing.T) {
	ctx := context.Background()
	s, now := newStore(t)
	if _, _, err := s.Latest(ctx); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Fatalf("no checkpoint yet: %v, want not found", err)
	}
	steps := []struct {
		name    string
		heads   []cases.Head
		after   time.Duration
		kind    string
		written bool
	}{
		{"FirstIsFull", heads(50, func(int) int { return 1 }), 0, "full", true},
		{"UnchangedWritesNothing", heads(50, func(int) int { return 1 }), time.Hour, "full", false},
		{"FewChangesAreADelta", heads(60, func(i int) int { return 1 + i%7/6 }), time.Hour, "delta", true},
		{"AnotherDelta", heads(61, func(i int) int { return 2 }), time.Hour, "full", true}, // every head changed: over half
		{"SmallDelta", heads(62, func(i int) int { return 2 }), time.Hour, "delta", true},
		{"ADayLaterIsFull", heads(63, func(i int) int { return 2 }), 25 * time.Hour, "full", true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			*now = now.Add(st.after)
			info, written, err := s.Write(ctx, st.heads)
			if err != nil {
				t.Fatal(err)
			}
			if written != st.written || info.Kind != st.kind || info.Cases != len(st.heads) {
				t.Fatalf("got %+v written %v; want kind %s written %v", info, written, st.kind, st.written)
			}
			a, got, err := s.Latest(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Key != info.Key || fmt.Sprint(a.Heads) != fmt.Sprint(st.heads) {
				t.Fatalf("read back %s with %d heads; want %s with the %d written", got.Key, len(a.Heads), info.Key, len(st.heads))
			}
		})
	}
}

// A checkpoint signed with another key, or whose chain does not add up,
// is refused by name: a forger who can write to the store cannot make the
// ledger's history agree with a rewritten database.
func TestReadRefusesForgedCheckpoints(t *testing.T) {
	ctx := context.Background()
	s, now := newStore(t)
	if _, _, err := s.Write(ctx, heads(10, func(int) int { return 1 })); err != nil {
		t.Fatal(err)
	}
	other, _ := sm2.GenerateKey(rand.Reader)
	forger := &checkpoint.Store{Blobs: s.Blobs, Signer: other, Public: s.Public, Now: s.Now}
	*now = now.Add(time.Minute)
	info, _, err := forger.Write(ctx, heads(11, func(int) int { return 1 }))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Latest(ctx)
	if cases.ErrorCode(err) != cases.ECORRUPT || !strings.Contains(err.Error(), info.Key) {
		t.Fatalf("a checkpoint signed by another key: %v, want corrupt naming %s", err, info.Key)
	}
}

// A genuine checkpoint copied to a later key, to pass for the latest, is
// refused: the key it was signed for is inside the signature (found by an
// attacker's review).
func TestReadRefusesACheckpointCopiedToALaterKey(t *testing.T) {
	ctx := context.Background()
	s, now := newStore(t)
	old, _, err := s.Write(ctx, heads(10, func(int) int { return 1 }))
	if err != nil {
		t.Fatal(err)
	}
	*now = now.Add(time.Hour)
	if _, _, err := s.Write(ctx, heads(12, func(int) int { return 1 })); err != nil {
		t.Fatal(err)
	}
	body, _, _ := s.Blobs.Get(ctx, old.Key)
	sig, _, _ := s.Blobs.Get(ctx, old.Key+".sig")
	replay := checkpoint.Prefix + "2099/20991231T000000000Z-00000000.json.gz"
	s.Blobs.Put(ctx, replay, body, "application/gzip")
	s.Blobs.Put(ctx, replay+".sig", sig, "application/octet-stream")
	if _, _, err := s.Latest(ctx); cases.ErrorCode(err) != cases.ECORRUPT || !strings.Contains(err.Error(), replay) {
		t.Fatalf("a replayed checkpoint: %v, want corrupt naming %s", err, replay)
	}
}

// Deleting checkpoints (possible where there is no object lock) leaves a
// latest one too old for the ledger, or none: a fault either way.
func TestStale(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name                     string
		oldest, newest, latestAt time.Time
		found                    bool
		want                     string
	}{
		{"EmptyLedger", time.Time{}, time.Time{}, time.Time{}, false, ""},
		{"FreshInstallNoCheckpointYet", now.Add(-40 * time.Minute), now.Add(-30 * time.Minute), time.Time{}, false, ""},
		{"NoCheckpointForHours", now.Add(-3 * time.Hour), now.Add(-3 * time.Hour), time.Time{}, false, "missing-checkpoint"},
		// The newest change is recent (deleting the newest case makes it
		// so too), but records hours old needed a checkpoint long ago.
		{"OldLedgerChangedJustNowNoCheckpoint", now.Add(-3 * time.Hour), now.Add(-5 * time.Minute), time.Time{}, false, "missing-checkpoint"},
		{"LatestCoversTheNewestChange", now.Add(-5 * time.Hour), now.Add(-3 * time.Hour), now.Add(-2 * time.Hour), true, ""},
		{"ChangedWithinTheInterval", now.Add(-5 * time.Hour), now.Add(-10 * time.Minute), now.Add(-65 * time.Minute), true, ""},
		{"LatestFarBehindTheNewestChange", now.Add(-9 * time.Hour), now.Add(-10 * time.Minute), now.Add(-5 * time.Hour), true, "stale-checkpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := checkpoint.Stale(tt.oldest, tt.newest, tt.latestAt, tt.found, time.Hour, now)
			got := ""
			if f != nil {
				got = f.Kind
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q (%+v)", got, tt.want, f)
			}
		})
	}
}

// The ledger's own record of the latest checkpoint written: a chain absent
// or stopping before it means checkpoints were deleted, however fresh the
// ledger is.
func TestMissing(t *testing.T) {
	mark := &cases.Mark{N: 3, Key: checkpoint.Prefix + "2026/c.json.gz", Root: hash(1)}
	tests := []struct {
		name   string
		mark   *cases.Mark
		latest checkpoint.Info
		found  bool
		want   string
	}{
		{"NeverCheckpointed", nil, checkpoint.Info{}, false, ""},
		{"RecordedButNoneInTheStore", mark, checkpoint.Info{}, false, "missing-checkpoint"},
		{"ChainShorterThanRecorded", mark, checkpoint.Info{N: 2}, true, "missing-checkpoint"},
		{"ChainReachesTheRecorded", mark, checkpoint.Info{N: 3}, true, ""},
		{"ChainBeyondTheRecorded", mark, checkpoint.Info{N: 4}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if f := checkpoint.Missing(tt.mark, tt.latest, tt.found); f != nil {
				got = f.Kind
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// A checkpoint object changed in the store (the blob store's checksum no
// longer matches), or a link of its chain deleted, is a named ECORRUPT
// naming the object, never a bare error.
func TestReadNamesATamperedOrCutChain(t *testing.T) {
	ctx := context.Background()
	s, now := newStore(t)
	blobs := newMemBlobs()
	s.Blobs = blobs
	first, _, err := s.Write(ctx, heads(10, func(int) int { return 1 }))
	if err != nil {
		t.Fatal(err)
	}
	*now = now.Add(time.Hour)
	second, _, err := s.Write(ctx, heads(11, func(int) int { return 1 }))
	if err != nil || second.Kind != "delta" || second.N != 2 {
		t.Fatalf("second: %+v %v", second, err)
	}
	blobs.delete(first.Key)
	if _, _, err := s.Latest(ctx); cases.ErrorCode(err) != cases.ECORRUPT || !strings.Contains(err.Error(), first.Key) {
		t.Fatalf("a cut chain: %v, want corrupt naming %s", err, first.Key)
	}
	if _, err := s.One(ctx, first.Key); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Fatalf("one deleted checkpoint: %v, want not found", err)
	}
}

// Package checkpoint anchors the ledger outside the database. A checkpoint
// records every case's head (the sequence and hash of its last event)
// under a Merkle root, is signed with the server's SM2 key, and is stored
// in the write-once blob store (MinIO with object lock in production). An
// attacker who rewrites the database — an event changed and every later
// hash and the projection recomputed, or a whole case deleted — cannot
// rewrite the checkpoint: `rectify verify` checks the database against the
// latest one and names each case whose history differs or is gone.
//
// docs/SECURITY.md specifies the format, so that an auditor can check a
// checkpoint with the public key and nothing of this program.
//
// To keep storage small at 100,000 cases, most checkpoints are deltas: the
// heads that changed since the checkpoint before, plus the root over the
// whole set; a full checkpoint is written at least once a day. Reading the
// latest means walking back to the last full one and forward again,
// checking every signature and every root on the way.
package checkpoint

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"rectify/cases"
	"rectify/cases/documents"
)

// Format names the version of the encoding.
const Format = "rectify-checkpoint/1"

// Prefix is the folder of checkpoints in the blob store.
const Prefix = "checkpoints/"

// FullEvery is the longest a chain of deltas runs before a full checkpoint.
const FullEvery = 24 * time.Hour

// maxChain bounds the walk back to a full checkpoint, against a store
// that loops or never reaches one.
const maxChain = 10000

// maxSize bounds a checkpoint object read back (a full one at a million
// cases is about 50 MB uncompressed).
const maxSize = 256 << 20

// Checkpoint is one signed record of the ledger's heads.
type Checkpoint struct {
	Format string `json:"format"`
	// Key is the object key the checkpoint is stored under, and N its
	// place in the chain (1 for the first): both signed, so that a
	// checkpoint copied to a later key, to pass for the latest, is refused.
	Key string `json:"key"`
	N   int    `json:"n"`
	// At is when it was taken (UTC, milliseconds).
	At string `json:"at"`
	// Kind is "full" (Heads holds every case) or "delta" (Heads holds the
	// cases new or changed since Prev).
	Kind string `json:"kind"`
	// Prev is the object key of the checkpoint before ("" for none) and
	// PrevRoot its root, so that the chain can be walked and checked.
	Prev     string `json:"prev"`
	PrevRoot string `json:"prev_root"`
	// Cases is the number of cases in the whole set, Root its Merkle root.
	Cases int    `json:"cases"`
	Root  string `json:"root"`
	// Numbers is the highest ledger ordinal of each year in the whole set.
	Numbers map[string]int `json:"numbers"`
	// Heads are [number, sequence, hash] triples, sorted by number.
	Heads [][3]any `json:"heads"`
}

// Info describes a checkpoint that was written or read.
type Info struct {
	Key   string    `json:"key"`
	N     int       `json:"n"`
	At    time.Time `json:"at"`
	Kind  string    `json:"kind"`
	Cases int       `json:"cases"`
	Root  string    `json:"root"`
}

// leafHash is the RFC 6962 leaf hash of a head: SHA-256 of a zero byte
// and "number\nseq\nhash".
func leafHash(h cases.Head) [32]byte {
	b := make([]byte, 0, 1+len(h.No)+1+6+1+len(h.Hash))
	b = append(b, 0)
	b = append(b, h.No...)
	b = append(b, '\n')
	b = strconv.AppendInt(b, int64(h.Seq), 10)
	b = append(b, '\n')
	b = append(b, h.Hash...)
	return sha256.Sum256(b)
}

// Root is the Merkle tree hash (RFC 6962, section 2.1) over heads in the
// order given (callers sort by number): leaves as leafHash, an inner node
// SHA-256(0x01 ‖ left ‖ right), a tree of n > 1 leaves split at the largest
// power of two below n; the empty tree's root is SHA-256 of nothing.
func Root(heads []cases.Head) string {
	if len(heads) == 0 {
		s := sha256.Sum256(nil)
		return hex.EncodeToString(s[:])
	}
	level := make([][32]byte, len(heads))
	for i, h := range heads {
		level[i] = leafHash(h)
	}
	r := mth(level)
	return hex.EncodeToString(r[:])
}

func mth(l [][32]byte) [32]byte {
	if len(l) == 1 {
		return l[0]
	}
	k := 1
	for k*2 < len(l) {
		k *= 2
	}
	a, b := mth(l[:k]), mth(l[k:])
	var buf [65]byte
	buf[0] = 1
	copy(buf[1:], a[:])
	copy(buf[33:], b[:])
	return sha256.Sum256(buf[:])
}

// numbers is the highest ordinal per year of heads.
func numbers(heads []cases.Head) map[string]int {
	out := map[string]int{}
	for _, h := range heads {
		if y, o, err := cases.ParseNo(h.No); err == nil && o > out[strconv.Itoa(y)] {
			out[strconv.Itoa(y)] = o
		}
	}
	return out
}

func triples(heads []cases.Head) [][3]any {
	out := make([][3]any, len(heads))
	for i, h := range heads {
		out[i] = [3]any{h.No, h.Seq, h.Hash}
	}
	return out
}

func headsOf(t [][3]any) ([]cases.Head, error) {
	out := make([]cases.Head, len(t))
	for i, x := range t {
		no, ok1 := x[0].(string)
		seq, ok2 := x[1].(float64)
		hash, ok3 := x[2].(string)
		if !ok1 || !ok2 || !ok3 || seq < 1 || seq != float64(int(seq)) || len(hash) != 64 {
			return nil, fmt.Errorf("第 %d 个案件头格式错误", i+1)
		}
		out[i] = cases.Head{No: no, Seq: int(seq), Hash: hash}
		if i > 0 && out[i-1].No >= no {
			return nil, fmt.Errorf("案件头未按编号排序（%s）", no)
		}
	}
	return out, nil
}

// sigOpts signs with SM3 and the default user ID 1234567812345678
// (GB/T 32918.2, GM/T 0009), as GmSSL and OpenSSL do by default.
var sigOpts = sm2.NewSM2SignerOption(true, nil)

// encode serialises and compresses c; the signature is over these bytes.
func encode(c Checkpoint) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	enc := json.NewEncoder(zw)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("encode checkpoint: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode checkpoint: %w", err)
	}
	return buf.Bytes(), nil
}

func decode(b []byte) (Checkpoint, error) {
	var c Checkpoint
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return c, fmt.Errorf("不是 gzip 文件：%w", err)
	}
	if err := json.NewDecoder(io.LimitReader(zr, maxSize)).Decode(&c); err != nil {
		return c, fmt.Errorf("无法解析：%w", err)
	}
	if c.Format != Format {
		return c, fmt.Errorf("格式为 %q，应为 %q", c.Format, Format)
	}
	if c.Kind != "full" && c.Kind != "delta" {
		return c, fmt.Errorf("类型 %q 无效", c.Kind)
	}
	return c, nil
}

// Store writes and reads checkpoints in a blob store.
type Store struct {
	Blobs documents.Blobs
	// Signer signs new checkpoints; nil for a store only read.
	Signer *sm2.PrivateKey
	// Public checks signatures: the server's own key, or the copy an
	// auditor keeps.
	Public *ecdsa.PublicKey
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// state is the whole set as of a checkpoint, read and checked.
type state struct {
	n      int
	info   Info
	heads  []cases.Head
	baseAt time.Time // when the last full checkpoint was taken
}

// Write records heads (every case, sorted by number) as a new checkpoint
// after the latest one: a delta, unless the chain of deltas is a day old,
// the delta would be over half the set, or there is no checkpoint yet.
// When nothing changed since the latest, it writes nothing and returns the
// latest with written false.
func (s *Store) Write(ctx context.Context, heads []cases.Head) (Info, bool, error) {
	prev, err := s.latestOrNone(ctx)
	if err != nil {
		return Info{}, false, err
	}
	return s.write(ctx, prev, heads)
}

// latestOrNone is latest, with nil and no error when there is none yet.
func (s *Store) latestOrNone(ctx context.Context) (*state, error) {
	st, err := s.latest(ctx)
	if cases.ErrorCode(err) == cases.ENOTFOUND {
		return nil, nil
	}
	return st, err
}

// write is Write after prev (nil: none), already read.
func (s *Store) write(ctx context.Context, prev *state, heads []cases.Head) (Info, bool, error) {
	if s.Signer == nil {
		return Info{}, false, fmt.Errorf("write checkpoint: no signing key")
	}
	for i := 1; i < len(heads); i++ {
		if heads[i-1].No >= heads[i].No {
			return Info{}, false, fmt.Errorf("write checkpoint: heads are not sorted at %s", heads[i].No)
		}
	}
	root := Root(heads)
	if prev != nil && prev.info.Root == root {
		return prev.info, false, nil
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	c := Checkpoint{Format: Format, N: 1, At: now.Format("2006-01-02T15:04:05.000Z"), Kind: "full",
		Cases: len(heads), Root: root, Numbers: numbers(heads), Heads: triples(heads)}
	if prev != nil {
		c.N = prev.n + 1
		c.Prev, c.PrevRoot = prev.info.Key, prev.info.Root
		if delta := changed(prev.heads, heads); now.Sub(prev.baseAt) < FullEvery && len(delta) <= len(heads)/2 {
			c.Kind, c.Heads = "delta", triples(delta)
		}
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	// Keys sort by time: the latest is the last. The random suffix keeps
	// two servers writing in the same millisecond apart.
	c.Key = fmt.Sprintf("%s%d/%s%03dZ-%s.json.gz", Prefix, now.Year(), now.Format("20060102T150405"),
		now.Nanosecond()/int(time.Millisecond), hex.EncodeToString(suffix))
	key := c.Key
	body, err := encode(c)
	if err != nil {
		return Info{}, false, err
	}
	sig, err := s.Signer.Sign(rand.Reader, body, sigOpts)
	if err != nil {
		return Info{}, false, fmt.Errorf("sign checkpoint: %w", err)
	}
	// The body first: a body without its signature is passed over, so a
	// crash in between leaves nothing that stops later reads.
	if _, err := s.Blobs.Put(ctx, key, body, "application/gzip"); err != nil {
		return Info{}, false, fmt.Errorf("store checkpoint: %w", err)
	}
	if _, err := s.Blobs.Put(ctx, key+".sig", sig, "application/octet-stream"); err != nil {
		return Info{}, false, fmt.Errorf("store checkpoint signature: %w", err)
	}
	return Info{Key: key, N: c.N, At: now, Kind: c.Kind, Cases: c.Cases, Root: root}, true, nil
}

// changed returns the heads of cur that are new or differ from old's.
func changed(old, cur []cases.Head) []cases.Head {
	have := make(map[string]cases.Head, len(old))
	for _, h := range old {
		have[h.No] = h
	}
	var out []cases.Head
	for _, h := range cur {
		if have[h.No] != h {
			out = append(out, h)
		}
	}
	return out
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Latest reads the latest checkpoint, checking its signature and root and
// those of every checkpoint back to the last full one, and returns it as an
// anchor for cases.Service.Verify and SetAnchor. ENOTFOUND when there is
// no checkpoint; ECORRUPT, naming the object, when one does not check.
func (s *Store) Latest(ctx context.Context) (*cases.Anchor, Info, error) {
	st, err := s.latest(ctx)
	if err != nil {
		return nil, Info{}, err
	}
	return st.anchor(), st.info, nil
}

// At reads the checkpoint at key and the chain behind it, as Latest does
// for the latest: the checkpoint whose head an auditor kept (see Head).
// ENOTFOUND when it is gone; ECORRUPT when it does not check.
func (s *Store) At(ctx context.Context, key string) (*cases.Anchor, Info, error) {
	st, err := s.read(ctx, key)
	if err != nil {
		return nil, Info{}, err
	}
	return st.anchor(), st.info, nil
}

// One reads the single checkpoint at key and checks its signature, not
// the chain behind it: enough to show that a checkpoint the ledger records
// is still there. ENOTFOUND when it is gone; ECORRUPT when it does not
// check.
func (s *Store) One(ctx context.Context, key string) (Info, error) {
	if s.Public == nil {
		return Info{}, fmt.Errorf("read checkpoint: no public key to check it with")
	}
	c, err := s.readOne(ctx, key)
	if err != nil {
		return Info{}, err
	}
	at, _ := time.Parse(time.RFC3339Nano, c.At)
	return Info{Key: key, N: c.N, At: at, Kind: c.Kind, Cases: c.Cases, Root: c.Root}, nil
}

// Head is the line an auditor copies out of the machine after a
// checkpoint: its object key and root, "KEY#ROOT". Given back to
// `rectify verify --expect-head`, it proves that this checkpoint still
// exists, unchanged, and that the ledger still agrees with it, which
// nothing on the machine can (an attacker with the data directory has the
// signing key too).
func Head(info Info) string { return info.Key + "#" + info.Root }

// ParseHead reverses Head.
func ParseHead(s string) (key, root string, err error) {
	key, root, ok := strings.Cut(strings.TrimSpace(s), "#")
	if !ok || !strings.HasPrefix(key, Prefix) || !strings.HasSuffix(key, ".json.gz") || len(root) != 64 || strings.Trim(root, "0123456789abcdef") != "" {
		return "", "", &cases.Error{Code: cases.EINVALID, Message: fmt.Sprintf("检查点头 %q 格式错误：应为 rectify checkpoint 输出的“对象键#根哈希”", s)}
	}
	return key, root, nil
}

func (st *state) anchor() *cases.Anchor {
	return &cases.Anchor{Name: st.info.Key, At: st.info.At, Heads: st.heads}
}

func (s *Store) latest(ctx context.Context) (*state, error) {
	keys, err := s.Blobs.Keys(ctx, Prefix)
	if err != nil {
		return nil, fmt.Errorf("list checkpoints: %w", err)
	}
	signed := map[string]bool{}
	var bodies []string
	for _, k := range keys {
		if strings.HasSuffix(k, ".json.gz.sig") {
			signed[strings.TrimSuffix(k, ".sig")] = true
		} else if strings.HasSuffix(k, ".json.gz") {
			bodies = append(bodies, k)
		}
	}
	sort.Strings(bodies)
	for i := len(bodies) - 1; i >= 0; i-- {
		if signed[bodies[i]] {
			return s.read(ctx, bodies[i])
		}
	}
	return nil, cases.NotFound("尚未生成过检查点")
}

// read reads the checkpoint at key and the chain behind it.
func (s *Store) read(ctx context.Context, key string) (*state, error) {
	if s.Public == nil {
		return nil, fmt.Errorf("read checkpoint: no public key to check it with")
	}
	var chain []Checkpoint
	var keys []string
	for k := key; ; {
		if len(chain) == maxChain {
			return nil, corrupt(key, "回溯 %d 个检查点仍未找到完整检查点", maxChain)
		}
		c, err := s.readOne(ctx, k)
		if k != key && cases.ErrorCode(err) == cases.ENOTFOUND {
			// A link of the chain is gone: the chain was cut.
			return nil, corrupt(chain[len(chain)-1].Key, "其前一检查点 %s 已不存在（检查点被删除）", k)
		}
		if err != nil {
			return nil, err
		}
		if n := len(chain); n > 0 && (c.N != chain[n-1].N-1 || c.At >= chain[n-1].At) {
			return nil, corrupt(chain[n-1].Key, "前一检查点的序号或时间与链不符")
		}
		chain, keys = append(chain, c), append(keys, k)
		if c.Kind == "full" {
			break
		}
		if c.Prev == "" {
			return nil, corrupt(k, "增量检查点没有前一个检查点")
		}
		k = c.Prev
	}
	var heads []cases.Head
	var baseAt time.Time
	for i := len(chain) - 1; i >= 0; i-- {
		c, k := chain[i], keys[i]
		hs, err := headsOf(c.Heads)
		if err != nil {
			return nil, corrupt(k, "%v", err)
		}
		if c.Kind == "full" {
			heads = hs
			if baseAt, err = time.Parse(time.RFC3339Nano, c.At); err != nil {
				return nil, corrupt(k, "时间 %q 无效", c.At)
			}
		} else {
			// The root before was checked on the step before.
			if c.PrevRoot != chain[i+1].Root {
				return nil, corrupt(k, "记录的前一检查点根哈希与前一检查点不符")
			}
			heads = overlay(heads, hs)
		}
		if Root(heads) != c.Root || len(heads) != c.Cases {
			return nil, corrupt(k, "案件头与其根哈希不符")
		}
	}
	at, _ := time.Parse(time.RFC3339Nano, chain[0].At)
	return &state{n: chain[0].N, info: Info{Key: key, N: chain[0].N, At: at, Kind: chain[0].Kind, Cases: chain[0].Cases, Root: chain[0].Root}, heads: heads, baseAt: baseAt}, nil
}

func (s *Store) readOne(ctx context.Context, key string) (Checkpoint, error) {
	body, _, err := s.Blobs.Get(ctx, key)
	if err != nil {
		return Checkpoint{}, blobError(key, "", err)
	}
	sig, _, err := s.Blobs.Get(ctx, key+".sig")
	if err != nil {
		return Checkpoint{}, blobError(key, "的签名", err)
	}
	if !sm2.VerifyASN1WithSM2(s.Public, nil, body, sig) {
		return Checkpoint{}, corrupt(key, "签名与公钥不符")
	}
	c, err := decode(body)
	if err != nil {
		return Checkpoint{}, corrupt(key, "%v", err)
	}
	if c.Key != key {
		return Checkpoint{}, corrupt(key, "签名内容记录的存储位置为 %s，与实际位置不符（检查点被复制或移动）", c.Key)
	}
	return c, nil
}

// blobError names what went wrong reading the object of checkpoint key
// (what: "" for the body, "的签名" for its signature): ENOTFOUND when it is
// absent, ECORRUPT when the blob store finds it changed since it was stored,
// and an internal error, wrapped, when the store could not be read.
func blobError(key, what string, err error) error {
	switch cases.ErrorCode(err) {
	case cases.ENOTFOUND:
		return cases.NotFound("签名检查点 %s%s不存在", key, what)
	case cases.ECORRUPT:
		e, _ := cases.AsError(err)
		return corrupt(key, "存储对象%s已被改动（%s）", what, e.Message)
	}
	return fmt.Errorf("read checkpoint %s%s: %w", key, what, err)
}

// overlay replaces or adds the heads of delta in base; both sorted.
func overlay(base, delta []cases.Head) []cases.Head {
	out := make([]cases.Head, 0, len(base)+len(delta))
	i, j := 0, 0
	for i < len(base) || j < len(delta) {
		switch {
		case j == len(delta) || (i < len(base) && base[i].No < delta[j].No):
			out = append(out, base[i])
			i++
		case i == len(base) || delta[j].No < base[i].No:
			out = append(out, delta[j])
			j++
		default:
			out = append(out, delta[j])
			i++
			j++
		}
	}
	return out
}

func corrupt(key, format string, args ...any) error {
	return &cases.Error{Code: cases.ECORRUPT, Message: fmt.Sprintf("签名检查点 %s 未通过校验：", key) + fmt.Sprintf(format, args...)}
}

// Sign writes a checkpoint of the ledger's heads as they are now, and
// makes it svc's anchor. It first checks the view against the latest
// checkpoint and refuses (ECONFLICT, naming the first case) when they
// disagree: signing then would bless a rewritten history.
func Sign(ctx context.Context, svc *cases.Service, st *Store) (Info, bool, error) {
	prev, err := st.latestOrNone(ctx)
	if err != nil {
		return Info{}, false, err
	}
	// Signing a new chain over deleted checkpoints would hide the deletion.
	if f := Missing(svc.Checkpointed(), infoOf(prev), prev != nil); f != nil {
		return Info{}, false, cases.Conflict("%s；未写入新检查点，请运行 rectify verify 核查", f.Message)
	}
	var anchor *cases.Anchor
	if prev != nil {
		anchor = prev.anchor()
		if faults := svc.SetAnchor(anchor); len(faults) > 0 {
			return Info{}, false, cases.Conflict("台账与最近的签名检查点不符（%s：%s），未写入新检查点；请运行 rectify verify 核查", faults[0].CaseNo, faults[0].Message)
		}
	}
	heads := svc.Heads()
	faults, err := svc.CheckHeads(ctx, anchor, heads)
	if err != nil {
		return Info{}, false, err
	}
	if len(faults) > 0 {
		return Info{}, false, cases.Conflict("案件 %s 的记录未通过校验（%s），未写入新检查点；请运行 rectify verify 核查", faults[0].CaseNo, faults[0].Message)
	}
	info, written, err := st.write(ctx, prev, heads)
	if err != nil {
		return Info{}, false, err
	}
	if written {
		// What was just signed is the anchor now: no need to read it back.
		svc.SetAnchor(&cases.Anchor{Name: info.Key, At: info.At, Heads: heads})
	}
	// The ledger records how far the chain reaches (again, when a view
	// rebuilt from the events lost the record), so that deleting
	// checkpoints leaves evidence in the database.
	if m := svc.Checkpointed(); m == nil || m.N < info.N {
		if err := svc.RecordCheckpoint(ctx, cases.Mark{N: info.N, Key: info.Key, Root: info.Root, At: info.At}); err != nil {
			return info, written, err
		}
	}
	return info, written, nil
}

func infoOf(st *state) Info {
	if st == nil {
		return Info{}
	}
	return st.info
}

// Missing judges the latest checkpoint found (found false: none) against
// the ledger's own record of the latest one written (mark; nil: none
// recorded): a chain that is absent or stops before the recorded one means
// checkpoints were deleted. It returns the fault, or nil.
func Missing(mark *cases.Mark, latest Info, found bool) *cases.Fault {
	switch {
	case mark == nil:
		return nil
	case !found:
		return &cases.Fault{Kind: "missing-checkpoint",
			Message: fmt.Sprintf("台账记录已签署至第 %d 个检查点（%s，%s），检查点存储中却没有任何签名检查点：检查点已被删除", mark.N, mark.Key, mark.At.UTC().Format("2006-01-02 15:04 UTC"))}
	case latest.N < mark.N:
		return &cases.Fault{Kind: "missing-checkpoint",
			Message: fmt.Sprintf("最新的签名检查点是第 %d 个（%s），台账记录已签署至第 %d 个（%s）：较新的检查点已被删除", latest.N, latest.Key, mark.N, mark.Key)}
	}
	return nil
}

// Grace is how much later than its interval a checkpoint may be before its
// absence is suspicious: a server signs at least every interval while
// anything changes, and once more when it stops.
const Grace = 10 * time.Minute

// Stale judges the latest checkpoint found (found false: none) against the
// ledger's history: a ledger whose oldest record is more than every+Grace
// old with no checkpoint (however recently it changed), or a latest
// checkpoint older than the newest change by more than that, means
// checkpoints were deleted. It returns the fault, or nil.
func Stale(oldest, newest, latestAt time.Time, found bool, every time.Duration, now time.Time) *cases.Fault {
	limit := every + Grace
	switch {
	case newest.IsZero():
		return nil
	case !found && now.Sub(oldest) > limit:
		return &cases.Fault{Kind: "missing-checkpoint",
			Message: fmt.Sprintf("台账最早的记录在 %s，却没有任何签名检查点（服务器至少每 %s 签署一次）：检查点可能已被删除", oldest.Format("2006-01-02 15:04"), every)}
	case found && newest.Sub(latestAt) > limit:
		return &cases.Fault{Kind: "stale-checkpoint",
			Message: fmt.Sprintf("最近的签名检查点（%s）比台账最近一次变动（%s）早 %s 以上（服务器至少每 %s 签署一次）：较新的检查点可能已被删除",
				latestAt.Format("2006-01-02 15:04"), newest.Format("2006-01-02 15:04"), limit, every)}
	}
	return nil
}

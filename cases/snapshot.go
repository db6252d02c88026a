package cases

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// snapshotFormat versions the encoding of a snapshot's content. Format 1
// was one JSON document for the whole view; format 2 is a header followed
// by one line per unit and per case, so that neither writing nor reading a
// snapshot holds its whole text in memory (at 100,000 cases format 1 took
// some 400 MB at its peak while loading). Both are read.
const snapshotFormat = 2

// errOtherFold marks a snapshot folded by other rules (FoldVersion): the
// view is rebuilt from the events, which is expected after an upgrade.
var errOtherFold = errors.New("snapshot folded by other rules")

// snapshotChunk is the size of the pieces a snapshot is stored in: well
// under the 16 MiB limit of a document on MongoDB and FerretDB.
const snapshotChunk = 4 << 20

// snapshotHeader leads the encoded content.
type snapshotHeader struct {
	Format int   `json:"format"`
	Pos    int64 `json:"pos"`
	// Fold is the FoldVersion the projections were folded by; a snapshot
	// of other rules is not read (0: before it was recorded).
	Fold int `json:"fold,omitempty"`
	// Checkpoint is the latest signed checkpoint the ledger recorded.
	Checkpoint *Mark `json:"checkpoint,omitempty"`
}

// snapshotItem is one line of a format 2 snapshot: a unit or a case. Mark
// is never a line: decodeSnapshot hands the header's checkpoint on in it.
type snapshotItem struct {
	Unit *Unit     `json:"unit,omitempty"`
	Case *viewCase `json:"case,omitempty"`
	Mark *Mark     `json:"-"`
}

// encodeSnapshot encodes a view's content for journal position pos: JSON
// (the same encoding the API uses, so a projection round-trips exactly),
// compressed with zstd as it is written.
func encodeSnapshot(d viewData, pos int64) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	enc := json.NewEncoder(zw)
	if err := enc.Encode(snapshotHeader{Format: snapshotFormat, Pos: pos, Fold: FoldVersion, Checkpoint: d.Mark}); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	for i := range d.Units {
		if err := enc.Encode(snapshotItem{Unit: &d.Units[i]}); err != nil {
			return nil, fmt.Errorf("encode snapshot: %w", err)
		}
	}
	for i := range d.Cases {
		if err := enc.Encode(snapshotItem{Case: &d.Cases[i]}); err != nil {
			return nil, fmt.Errorf("encode snapshot: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// decodeSnapshot reverses encodeSnapshot, handing each unit and case to
// add as it is read, and returns the journal position.
func decodeSnapshot(b []byte, add func(snapshotItem)) (int64, error) {
	zr, err := zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1))
	if err != nil {
		return 0, fmt.Errorf("decode snapshot: %w", err)
	}
	defer zr.Close()
	dec := json.NewDecoder(zr)
	var h snapshotHeader
	if err := dec.Decode(&h); err != nil {
		return 0, fmt.Errorf("decode snapshot header: %w", err)
	}
	if h.Fold != FoldVersion {
		return 0, fmt.Errorf("%w: snapshot folded by rules %d, this build folds by %d", errOtherFold, h.Fold, FoldVersion)
	}
	if h.Checkpoint != nil {
		add(snapshotItem{Mark: h.Checkpoint})
	}
	switch h.Format {
	case 1:
		var d viewData
		if err := dec.Decode(&d); err != nil {
			return 0, fmt.Errorf("decode snapshot: %w", err)
		}
		if d.Mark != nil {
			add(snapshotItem{Mark: d.Mark})
		}
		for i := range d.Units {
			add(snapshotItem{Unit: &d.Units[i]})
		}
		for i := range d.Cases {
			add(snapshotItem{Case: &d.Cases[i]})
		}
	case 2:
		for {
			var it snapshotItem
			err := dec.Decode(&it)
			if err == io.EOF {
				return h.Pos, nil
			}
			if err != nil {
				return 0, fmt.Errorf("decode snapshot: %w", err)
			}
			if (it.Unit == nil) == (it.Case == nil) {
				return 0, fmt.Errorf("decode snapshot: a line that is neither a unit nor a case")
			}
			add(it)
		}
	default:
		return 0, fmt.Errorf("decode snapshot: format %d, this build reads 1 and 2", h.Format)
	}
	if _, err := dec.Token(); err != io.EOF {
		return 0, fmt.Errorf("decode snapshot: trailing data")
	}
	return h.Pos, nil
}

// splitChunks cuts b into pieces of at most snapshotChunk bytes.
func splitChunks(b []byte) [][]byte {
	var out [][]byte
	for len(b) > snapshotChunk {
		out = append(out, b[:snapshotChunk])
		b = b[snapshotChunk:]
	}
	return append(out, b)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

package cases

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// snapshotFormat versions the encoding of a snapshot's content.
const snapshotFormat = 1

// snapshotChunk is the size of the pieces a snapshot is stored in: well
// under the 16 MiB limit of a document on MongoDB and FerretDB.
const snapshotChunk = 4 << 20

// snapshotHeader leads the encoded content.
type snapshotHeader struct {
	Format int   `json:"format"`
	Pos    int64 `json:"pos"`
}

// encodeSnapshot encodes a view's content for journal position pos: JSON
// (the same encoding the API uses, so a projection round-trips exactly),
// compressed with zstd.
func encodeSnapshot(d viewData, pos int64) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	enc := json.NewEncoder(zw)
	if err := enc.Encode(snapshotHeader{Format: snapshotFormat, Pos: pos}); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// decodeSnapshot reverses encodeSnapshot.
func decodeSnapshot(b []byte) (viewData, int64, error) {
	zr, err := zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1))
	if err != nil {
		return viewData{}, 0, fmt.Errorf("decode snapshot: %w", err)
	}
	defer zr.Close()
	dec := json.NewDecoder(zr)
	var h snapshotHeader
	if err := dec.Decode(&h); err != nil {
		return viewData{}, 0, fmt.Errorf("decode snapshot header: %w", err)
	}
	if h.Format != snapshotFormat {
		return viewData{}, 0, fmt.Errorf("decode snapshot: format %d, this build reads %d", h.Format, snapshotFormat)
	}
	var d viewData
	if err := dec.Decode(&d); err != nil {
		return viewData{}, 0, fmt.Errorf("decode snapshot: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return viewData{}, 0, fmt.Errorf("decode snapshot: trailing data")
	}
	return d, h.Pos, nil
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

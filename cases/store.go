package cases

import (
	"context"
	"time"
)

// Store persists units, events, the journal and snapshots of the view.
// Implementations return *Error values with ENOTFOUND for missing documents
// and ECONFLICT when an insert meets an existing key; anything else is an
// internal error.
//
// Every read the ledger makes while serving is by exact key; whole
// collections are read only to rebuild or check the view (ScanEvents,
// AllUnits, ScanLinks). Lists never reach the store: they are answered from
// the view.
type Store interface {
	// PutUnits inserts or replaces units by code.
	PutUnits(ctx context.Context, units []Unit) error
	// AllUnits returns every unit.
	AllUnits(ctx context.Context) ([]Unit, error)

	// InsertEvents records events, each under its key (case number,
	// sequence), in one command, and returns one error per event: nil when
	// recorded, ECONFLICT when its key was taken — this is what arbitrates
	// concurrent transitions and ledger numbers — and, when ordered,
	// ErrNotAttempted for the events after the first that failed.
	InsertEvents(ctx context.Context, events []Event, ordered bool) []error
	// FindEvent returns one event (ENOTFOUND).
	FindEvent(ctx context.Context, caseNo string, seq int) (Event, error)
	// ScanEvents calls fn with every event, in no particular order.
	ScanEvents(ctx context.Context, fn func(Event) error) error
	// FindRegistrationByKey returns the case number registered with an
	// idempotency key (ENOTFOUND). It reads every event: only for a retry
	// whose first attempt may have died half way.
	FindRegistrationByKey(ctx context.Context, key string) (string, error)

	// AppendJournal inserts e at e.Pos (ECONFLICT if that position is taken).
	AppendJournal(ctx context.Context, e Entry) error
	// FindJournal returns the entry at pos (ENOTFOUND).
	FindJournal(ctx context.Context, pos int64) (Entry, error)
	// PruneJournal deletes the entries at positions from through through.
	PruneJournal(ctx context.Context, from, through int64) error

	// PutSnapshotChunk stores one chunk of a snapshot's content.
	PutSnapshotChunk(ctx context.Context, id string, data []byte) error
	// FindSnapshotChunk returns a chunk (ENOTFOUND).
	FindSnapshotChunk(ctx context.Context, id string) ([]byte, error)
	// InsertSnapshot publishes a snapshot under info.Seq (ECONFLICT if taken).
	InsertSnapshot(ctx context.Context, info SnapshotInfo) error
	// FindSnapshot returns the snapshot published under seq (ENOTFOUND).
	FindSnapshot(ctx context.Context, seq int) (SnapshotInfo, error)
	// DeleteSnapshot deletes a snapshot's chunks, then its info.
	DeleteSnapshot(ctx context.Context, info SnapshotInfo) error

	// ScanLinks calls fn with a link for every stored document and evidence
	// record, to rebuild or check the view's links.
	ScanLinks(ctx context.Context, fn func(Link) error) error

	// ClaimKey inserts an idempotency record; if the key exists it returns the
	// existing record and claimed=false.
	ClaimKey(ctx context.Context, r KeyRecord) (existing KeyRecord, claimed bool, err error)
	// ReleaseKey deletes a claimed key that never produced a case.
	ReleaseKey(ctx context.Context, key string) error
}

// KeyRecord remembers an Idempotency-Key. The case it produced is found
// through the view (the registration event carries the key); CaseNo is set
// only on records written before that was so.
type KeyRecord struct {
	Key         string
	RequestHash string
	CaseNo      string
	CreatedAt   time.Time
}

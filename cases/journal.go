package cases

import (
	"errors"
	"time"
)

// The journal is how every process that shares a database learns what the
// others changed, and how a process starting up catches up from the last
// snapshot. It is a sequence of entries at positions 1, 2, 3…, each claimed
// by inserting the entry under its position: the same unique-key insert
// that arbitrates ledger numbers, so the journal is a gapless prefix (a
// writer tries position p+1 only once it knows p exists). Other processes
// read it by exact key, one position after another.
//
// Entries are written after what they report: an event is recorded (the
// truth), applied to the writer's view, then journaled. A process that
// stops between the two leaves an event no entry reports; the next start
// after an unclean stop reconciles the view with the events (Reconcile).

// Entry is one journal entry: what one process changed in one write batch.
type Entry struct {
	Pos     int64
	At      time.Time
	By      string // the writing process
	Changes []Change
}

// Change is one thing that happened to the ledger. Exactly one field is set.
type Change struct {
	// Event is a recorded event: a registration or a transition.
	Event *Event `json:"event,omitempty"`
	// Unit is a unit as imported or changed.
	Unit *Unit `json:"unit,omitempty"`
	// Link attaches an issued document or uploaded evidence to cases.
	Link *Link `json:"link,omitempty"`
	// Reset replaces a case's projection with one rebuilt from its events
	// (verify --repair); it never moves a case back past newer events.
	Reset *Case `json:"reset,omitempty"`
	// Signal tells other processes to forget something they cache, such as
	// an ended session or a changed account.
	Signal *Signal `json:"signal,omitempty"`
	// Drop removes a case the view holds but no event records (verify
	// --repair of a damaged snapshot).
	Drop string `json:"drop,omitempty"`
	// Checkpoint records that a signed checkpoint was written: every
	// view, and every snapshot after it, then knows how far the checkpoint
	// chain must reach, so deleting checkpoints leaves evidence.
	Checkpoint *Mark `json:"checkpoint,omitempty"`
}

// Link kinds.
const (
	LinkDocument = "document"
	LinkEvidence = "evidence"
)

// Link attaches a stored record to cases: a document issued on them or a
// file of evidence uploaded for one. The record itself lives in its own
// collection; the link lets a case page list it without a query.
type Link struct {
	Kind  string   `json:"kind"`
	ID    string   `json:"id"`
	Cases []string `json:"cases"`
	// Number is a document's number (发文字号), which the ledger search
	// finds; ToUnit marks a document addressed to the cases' unit, whose
	// liaison may find the cases by its number. Links journaled before
	// documents carried them have neither.
	Number string `json:"number,omitempty"`
	ToUnit bool   `json:"to_unit,omitempty"`
}

// Signal is a cache invalidation for other processes.
type Signal struct {
	Topic string `json:"topic"`
	Key   string `json:"key"`
}

// SnapshotInfo describes a stored snapshot of the view: its content is
// encoded, compressed and split into chunks stored before the info, whose
// insert under Seq (1, 2, 3…, unique) publishes it.
type SnapshotInfo struct {
	Seq    int
	Pos    int64 // the journal position the content includes
	At     time.Time
	By     string
	Chunks []string
	Size   int64  // bytes of the compressed content
	SHA256 string // of the compressed content
	Cases  int
	// Clean says the process wrote it as it stopped, with every event it
	// recorded journaled: a start that finds no entry after it has nothing
	// to reconcile.
	Clean bool
	// Pruned is the journal position below which entries were deleted.
	Pruned int64
}

// ErrNotAttempted is what InsertEvents reports for the events of an
// ordered batch after the one that failed: they were not written.
var ErrNotAttempted = errors.New("not attempted: an earlier event of the ordered batch failed")

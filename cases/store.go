package cases

import (
	"context"
	"time"
)

// Store persists units, events and case projections. Implementations return
// *Error values with ENOTFOUND for missing documents and ECONFLICT when an
// insert meets an existing key; anything else is an internal error.
type Store interface {
	// PutUnits inserts or replaces units by code.
	PutUnits(ctx context.Context, units []Unit) error
	// FindUnit returns one unit (ENOTFOUND).
	FindUnit(ctx context.Context, code string) (Unit, error)
	// FindUnits returns a page of units and the total matching.
	FindUnits(ctx context.Context, f UnitFilter) ([]Unit, int, error)

	// InsertEvent records e under the key (e.CaseNo, e.Seq). It fails with
	// ECONFLICT if that key is taken: this is what arbitrates concurrent
	// transitions and ledger numbers.
	InsertEvent(ctx context.Context, e Event) error
	// FindEvent returns one event (ENOTFOUND).
	FindEvent(ctx context.Context, caseNo string, seq int) (Event, error)
	// FindEvents returns all events of a case in sequence order.
	FindEvents(ctx context.Context, caseNo string) ([]Event, error)
	// FindRegistrationByKey returns the case number registered with an
	// idempotency key (ENOTFOUND).
	FindRegistrationByKey(ctx context.Context, key string) (string, error)
	// CaseNumbers returns the number of every case that has a first event.
	CaseNumbers(ctx context.Context) ([]string, error)

	// PutCase inserts or replaces a case projection.
	PutCase(ctx context.Context, c Case) error
	// FindCase returns a case projection (ENOTFOUND).
	FindCase(ctx context.Context, no string) (Case, error)
	// FindCases returns a page of case projections and the total matching.
	FindCases(ctx context.Context, f CaseFilter) ([]Case, int, error)
	// CountCasesByState counts the cases matching f (ignoring its States) per state.
	CountCasesByState(ctx context.Context, f CaseFilter) (map[State]int, error)
	// ProjectionNumbers returns the number of every stored projection.
	ProjectionNumbers(ctx context.Context) ([]string, error)

	// ClaimKey inserts an idempotency record; if the key exists it returns the
	// existing record and claimed=false.
	ClaimKey(ctx context.Context, r KeyRecord) (existing KeyRecord, claimed bool, err error)
	// CompleteKey records the case a claimed key produced.
	CompleteKey(ctx context.Context, key, caseNo string) error
	// ReleaseKey deletes a claimed key that never produced a case.
	ReleaseKey(ctx context.Context, key string) error
}

// KeyRecord remembers an Idempotency-Key and what it produced.
type KeyRecord struct {
	Key         string
	RequestHash string
	CaseNo      string
	CreatedAt   time.Time
}

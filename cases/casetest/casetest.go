// Package casetest builds ledger services on a real test database, with the
// built-in calendar and catalogue and a handful of units, for the
// integration tests of several packages.
package casetest

import (
	"context"
	"log/slog"
	"os"
	"rectify/templates"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/calendar"
	"rectify/cases/catalog"
	"rectify/storage/mongodb"
	"rectify/storage/mongotest"
)

// Env is a service on a fresh database.
type Env struct {
	DB      *mongodb.DB
	Service *cases.Service
	Config  cases.Config
	Catalog *catalog.Catalog
}

// Units are imported into every Env: two counties of one city.
var Units = []cases.Unit{
	{Code: "QH001", Name: "清河县教育局", Kind: "government", Region: []string{"江南省", "云州市", "清河县"},
		Establishment: []cases.Establishment{{Type: "行政编制", Approved: 20, Actual: 19}}},
	{Code: "QH002", Name: "清河县人民医院", Kind: "institution", Region: []string{"江南省", "云州市", "清河县"},
		Establishment: []cases.Establishment{{Type: "事业编制", Approved: 300, Actual: 310}}},
	{Code: "AP001", Name: "安平县农业农村局", Kind: "government", Region: []string{"江南省", "云州市", "安平县"},
		Establishment: []cases.Establishment{{Type: "行政编制", Approved: 30, Actual: 28}}, KeyManaged: true},
}

// Actors used across tests.
var (
	Office    = cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}
	Office2   = cases.Actor{ID: "zhao.lei", Name: "赵磊", Role: cases.RoleOffice}
	Approver  = cases.Actor{ID: "wang.fang", Name: "王芳", Role: cases.RoleApprover}
	UnitActor = cases.Actor{ID: "unit.qh001", Role: cases.RoleUnit}
)

// New returns a service on a fresh database with Units imported. now may be
// nil for the real clock.
func New(tb testing.TB, now func() time.Time) *Env {
	tb.Helper()
	// As the server does: text the document fonts cannot print is refused.
	cases.SetRepertoire(templates.EmbeddedFonts().Unprintable)
	db := mongotest.Open(tb)
	cat, err := catalog.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	cal, err := calendar.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cfg := cases.Config{Store: db, Calendar: cal, Catalog: cat, Location: loc, Now: now, FollowEvery: 20 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	svc := Open(tb, cfg)
	if err := svc.ImportUnits(context.Background(), append([]cases.Unit(nil), Units...)); err != nil {
		tb.Fatal(err)
	}
	return &Env{DB: db, Service: svc, Config: cfg, Catalog: cat}
}

// Open opens a ledger service on cfg — as another process sharing the
// database would — and closes it when the test ends.
func Open(tb testing.TB, cfg cases.Config) *cases.Service {
	tb.Helper()
	svc, err := cases.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := svc.Close(context.Background()); err != nil {
			tb.Errorf("close the ledger: %v", err)
		}
	})
	return svc
}

// Registration returns a valid registration against unit code.
func Registration(code string) cases.Registration {
	return cases.Registration{Source: "patrol", SourceRef: "云巡办移〔2026〕12号", UnitCode: code, Kind: "B01",
		Title: "超编进人", Facts: "核定行政编制20名，实有22人，仍新进人员2名。", Level: cases.LevelInternal}
}

// Counts returns the store's document counts, once what the service has
// recorded is journaled (a write answers before its journal entry is
// stored, so a count taken at once could miss it).
func (e *Env) Counts(tb testing.TB) map[string]int64 {
	tb.Helper()
	if err := e.Service.Sync(context.Background()); err != nil {
		tb.Fatal(err)
	}
	n, err := e.DB.Counts(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// Eventually waits until check passes, failing the test with what after
// timeout. It is for what happens in the background, on its own schedule:
// another process following the journal, a reconciliation after an
// unclean stop, an engine's index loop. Where a test can bring the state
// about itself (Service.Sync), it should, and check once.
func Eventually(tb testing.TB, timeout time.Duration, what string, check func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for wait := time.Millisecond; !check(); wait = min(2*wait, 100*time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(wait)
	}
}

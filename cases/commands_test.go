package cases_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/storage/mongodb"
	"rectify/storage/mongotest"
)

// TestCommandsPerOperation pins how many database commands each ledger
// operation sends, whatever the ledger's size: what keeps registration,
// transitions and reads flat as the ledger grows. A change that adds a
// round trip to one of them fails here and must say why.
func TestCommandsPerOperation(t *testing.T) {
	ctx := context.Background()
	env := casetest.New(t, nil)
	cmds := mongodb.NewCommands(false)
	db, err := mongodb.OpenWith(ctx, mongotest.URI(t), mongotest.DBName(), mongodb.Options{Commands: cmds})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Drop(ctx); _ = db.Close(ctx) })
	cfg := env.Config
	cfg.Store = db
	cfg.FollowEvery = time.Hour // only Sync reads the journal: no background reads
	svc := casetest.Open(t, cfg)
	if err := svc.ImportUnits(ctx, append([]cases.Unit(nil), casetest.Units...)); err != nil {
		t.Fatal(err)
	}
	// Some cases first, so that the counts below are taken on a ledger
	// that is not empty.
	var last cases.Case
	for range 30 {
		if last, _, err = svc.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	// cost runs op and a Sync (which journals what op recorded) and returns
	// the commands sent, less those of a Sync alone.
	cost := func(op func()) map[string]int64 {
		t.Helper()
		sync := func() {
			if err := svc.Sync(ctx); err != nil {
				t.Fatal(err)
			}
		}
		before := cmds.Counts()
		sync()
		idle := diff(cmds.Counts(), before)
		before = cmds.Counts()
		op()
		sync()
		got := diff(cmds.Counts(), before)
		for k, v := range idle {
			if got[k] -= v; got[k] == 0 {
				delete(got, k)
			}
		}
		return got
	}
	no := last.No
	events := 0
	for _, tc := range []struct {
		name string
		op   func()
		want map[string]int64
	}{
		{"register", func() {
			if _, _, err := svc.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH002"), ""); err != nil {
				t.Fatal(err)
			}
		}, map[string]int64{"insert events": 1, "insert journal": 1}},
		{"register with an idempotency key", func() {
			if _, _, err := svc.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH002"), "key-1"); err != nil {
				t.Fatal(err)
			}
		}, map[string]int64{"insert idempotency_keys": 1, "insert events": 1, "insert journal": 1}},
		{"transition", func() {
			c, _, err := svc.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			events = c.Version
		}, map[string]int64{"insert events": 1, "insert journal": 1}},
		// A refusal is checked against the event after the view's last:
		// another process may have moved the case on.
		{"refused transition", func() {
			_, _, err := svc.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionClose, cases.Input{}, "", 0)
			if cases.ErrorCode(err) != cases.EREFUSED && cases.ErrorCode(err) != cases.EFORBIDDEN {
				t.Fatalf("close from verifying: %v", err)
			}
		}, map[string]int64{"find events": 1}},
		{"ledger page with counts", func() {
			p, err := svc.Ledger(ctx, cases.CaseFilter{Scope: cases.GlobalScope, Text: "超编", PerPage: 20})
			if err != nil || p.Total < 30 {
				t.Fatalf("ledger: %d cases, %v", p.Total, err)
			}
		}, map[string]int64{}},
		{"case", func() {
			if _, err := svc.Case(ctx, cases.GlobalScope, no); err != nil {
				t.Fatal(err)
			}
		}, map[string]int64{}},
		{"unit standing", func() {
			if _, err := svc.Standing(ctx, cases.GlobalScope, "QH001"); err != nil {
				t.Fatal(err)
			}
		}, map[string]int64{}},
		// One find by _id per event, and one past the last for events
		// another process recorded that the view has not yet followed.
		{"events of a case", func() {
			evs, err := svc.Events(ctx, cases.GlobalScope, no)
			if err != nil || len(evs) != 2 || events != 2 {
				t.Fatalf("events: %d (version %d), %v", len(evs), events, err)
			}
		}, map[string]int64{"find events": 3}},
	} {
		if got := cost(tc.op); !maps.Equal(got, tc.want) {
			t.Errorf("%s: commands %v, want %v", tc.name, got, tc.want)
		}
	}
}

// diff returns a − b for the counters that changed.
func diff(a, b map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range a {
		if d := v - b[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

package cases_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/storage/mongodb"
	"rectify/storage/mongotest"
)

// rewrite replaces case no's history as an attacker with write access to
// the database would: the registration's facts changed, every hash after
// it recomputed, so that the chain itself is consistent.
func rewrite(t *testing.T, env *casetest.Env, no string) {
	t.Helper()
	ctx := context.Background()
	evs, err := env.Service.Events(ctx, cases.GlobalScope, no)
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i, e := range evs {
		if i == 0 {
			r := *e.Registered
			r.Facts = "改写后的事实：该单位没有问题。"
			e.Registered = &r
		}
		e = cases.Seal(e, prev)
		prev = e.Hash
		evs[i] = e
		if err := env.DB.RawDelete(ctx, "events", mongodb.EventID(no, e.Seq)); err != nil {
			t.Fatal(err)
		}
	}
	if errs := env.DB.InsertEvents(ctx, evs, false); errs[0] != nil {
		t.Fatal(errs[0])
	}
}

func deleteCase(t *testing.T, env *casetest.Env, no string, steps int) {
	t.Helper()
	for seq := 1; seq <= steps; seq++ {
		if err := env.DB.RawDelete(context.Background(), "events", mongodb.EventID(no, seq)); err != nil {
			t.Fatal(err)
		}
	}
}

// Without an anchor, a consistent rewrite (and the repair that follows it)
// or the deletion of the last case leaves nothing to find. Against a
// signed checkpoint's heads both are faults naming the case; a deleted
// middle case is a fault even without one: numbers are never burnt
// (issue 8, item 14).
func TestVerifyAgainstAnAnchorCatchesRewrittenAndDeletedCases(t *testing.T) {
	env := casetest.New(t, nil)
	ctx := context.Background()
	var nos []string
	for i := 0; i < 5; i++ {
		c, _, err := env.Service.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := env.Service.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0); err != nil {
			t.Fatal(err)
		}
		nos = append(nos, c.No)
	}
	anchor := &cases.Anchor{Name: "checkpoints/test", At: time.Now(), Heads: env.Service.Heads()}
	if len(anchor.Heads) != 5 || anchor.Heads[4].No != nos[4] || anchor.Heads[4].Seq != 2 {
		t.Fatalf("heads: %+v", anchor.Heads)
	}
	if rep, err := env.Service.Verify(ctx, cases.VerifyOptions{Anchor: anchor}); err != nil || !rep.OK() || len(rep.Faults) != 0 {
		t.Fatalf("clean ledger against its anchor: %+v %v", rep, err)
	}

	rewrite(t, env, nos[1])
	deleteCase(t, env, nos[4], 2) // the last number: no gap shows
	deleteCase(t, env, nos[2], 2) // a middle number
	// The repair an attacker (or a careless operator) runs makes the view
	// agree with the rewritten events.
	if _, err := env.Service.Verify(ctx, cases.VerifyOptions{Repair: true}); err != nil {
		t.Fatal(err)
	}
	rep, err := env.Service.Verify(ctx, cases.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Faults) != 1 || rep.Faults[0].Kind != "missing-number" || rep.Faults[0].CaseNo != nos[2] {
		t.Fatalf("without an anchor: %+v; want only the gap at %s", rep.Faults, nos[2])
	}

	rep, err = env.Service.Verify(ctx, cases.VerifyOptions{Anchor: anchor})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rep.Faults {
		got[f.CaseNo] = f.Kind
	}
	want := map[string]string{nos[1]: "rewritten-history", nos[2]: "missing-case", nos[4]: "missing-case"}
	if rep.OK() || len(got) != len(want) {
		t.Fatalf("against the anchor: %+v; want %v", rep.Faults, want)
	}
	for no, kind := range want {
		if got[no] != kind {
			t.Errorf("%s: %q, want %q (faults %+v)", no, got[no], kind, rep.Faults)
		}
	}

	// A read of the rewritten case is marked, and so is the case.
	env.Service.SetAnchor(anchor)
	evs, err := env.Service.Events(ctx, cases.GlobalScope, nos[1])
	if err != nil {
		t.Fatal(err)
	}
	if f := env.Service.ChainFault(nos[1], evs); f == nil || f.Kind != "rewritten-history" {
		t.Fatalf("reading the rewritten case: %+v", f)
	}
	if f, ok := env.Service.KnownFault(nos[1]); !ok || f.CaseNo != nos[1] {
		t.Fatalf("known fault: %+v %v", f, ok)
	}
	if _, ok := env.Service.KnownFault(nos[0]); ok {
		t.Fatal("a sound case is marked")
	}
}

// A view rebuilt from rewritten events agrees with them, and may be past
// the anchor (a step appended after the rewrite): what is signed next is
// checked against the store, so the rewrite is found rather than signed
// (found by an attacker's review).
func TestCheckHeadsFindsARewriteTheViewAgreesWith(t *testing.T) {
	env := casetest.New(t, nil)
	ctx := context.Background()
	c, _, err := env.Service.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
	if err != nil {
		t.Fatal(err)
	}
	c, _, _ = env.Service.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)
	anchor := &cases.Anchor{Name: "checkpoints/test", At: time.Now(), Heads: env.Service.Heads()}
	if faults, err := env.Service.CheckHeads(ctx, nil, anchor.Heads); err != nil || len(faults) != 0 {
		t.Fatalf("a sound ledger: %+v %v", faults, err)
	}
	rewrite(t, env, c.No)
	evs, _ := env.Service.Events(ctx, cases.GlobalScope, c.No)
	rewritten := cases.Apply(cases.Apply(cases.Case{}, evs[0]), evs[1])
	e, err := cases.Decide(rewritten, cases.ActionAssign, casetest.Office, cases.Input{Assignee: "甲"}, "", "2026-11-02", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.At = time.Now()
	e = cases.Seal(e, rewritten.HeadHash)
	if errs := env.DB.InsertEvents(ctx, []cases.Event{e}, false); errs[0] != nil {
		t.Fatal(errs[0])
	}
	heads := []cases.Head{{No: c.No, Seq: 3, Hash: e.Hash}} // as a rebuilt view holds it
	faults, err := env.Service.CheckHeads(ctx, anchor, heads)
	if err != nil || len(faults) != 1 || faults[0].Kind != "rewritten-history" || faults[0].CaseNo != c.No {
		t.Fatalf("got %+v %v; want the rewrite of %s", faults, err, c.No)
	}
}

// The ledger keeps its own record of the latest checkpoint written: other
// processes learn it from the journal, a restart from the snapshot (the
// journal behind it pruned), so that deleting checkpoints leaves evidence
// in the database (issue 21).
func TestTheLedgerRemembersItsLatestCheckpoint(t *testing.T) {
	ctx := context.Background()
	env := casetest.New(t, nil)
	cfg := env.Config
	cfg.Store = mongotest.Open(t)
	first, err := cases.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := first.Checkpointed(); got != nil {
		t.Fatalf("a new ledger records checkpoint %+v", got)
	}
	other, err := cases.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	mark := cases.Mark{N: 7, Key: "checkpoints/2026/20261123T080000000Z-00000000.json.gz", Root: strings.Repeat("a", 64), At: at}
	if err := first.RecordCheckpoint(ctx, mark); err != nil {
		t.Fatal(err)
	}
	// An older record arriving late changes nothing.
	if err := first.RecordCheckpoint(ctx, cases.Mark{N: 6, Key: "checkpoints/2026/old.json.gz", At: at}); err != nil {
		t.Fatal(err)
	}
	if err := first.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := other.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := other.Checkpointed(); got == nil || got.N != 7 || got.Key != mark.Key {
		t.Fatalf("another process reads %+v, want checkpoint 7", got)
	}
	if err := other.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(ctx); err != nil { // a clean snapshot
		t.Fatal(err)
	}
	again, err := cases.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close(ctx)
	if got := again.Checkpointed(); got == nil || got.N != 7 || got.Root != mark.Root || !got.At.Equal(at) {
		t.Fatalf("after a restart: %+v, want checkpoint 7", got)
	}
}

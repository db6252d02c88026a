package cases_test

import (
	"context"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
)

// TestSourcesAndRepeats: a case keeps every channel that reported it, the
// ledger finds it by any of them, and a new case of a unit and kind closed
// before within three years is a repeat that names the earlier case.
func TestSourcesAndRepeats(t *testing.T) {
	env := casetest.New(t, nil)
	ctx := context.Background()
	svc := env.Service
	step := func(no string, actor cases.Actor, a cases.Action, in cases.Input) cases.Case {
		t.Helper()
		c, _, err := svc.Transition(ctx, cases.GlobalScope, no, actor, a, in, "", 0)
		if err != nil {
			t.Fatalf("%s %s: %v", no, a, err)
		}
		return c
	}
	reg := casetest.Registration("QH001")
	first, _, err := svc.RegisterFrom(ctx, cases.GlobalScope, casetest.Office, reg, "", "batch:test-1")
	if err != nil {
		t.Fatal(err)
	}
	if first.Origin != "batch:test-1" || len(first.Sources) != 1 || first.Sources[0].Source != reg.Source || len(first.RepeatOf) != 0 {
		t.Fatalf("first case: origin %q sources %+v repeat %v", first.Origin, first.Sources, first.RepeatOf)
	}
	// The same problem reported on the hotline is merged in.
	merged := step(first.No, casetest.Office, cases.ActionAddSource, cases.Input{Source: "hotline", Reference: "12310-2026-0042", Origin: "report:R1"})
	if len(merged.Sources) != 2 || merged.Sources[1].Source != "hotline" || merged.Sources[1].Ref != "12310-2026-0042" || merged.Source != reg.Source {
		t.Fatalf("after merging: %+v", merged.Sources)
	}
	if _, _, err := svc.Transition(ctx, cases.GlobalScope, first.No, casetest.Office, cases.ActionAddSource, cases.Input{Source: "nonsense", Reference: "x"}, "", 0); cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("an unknown source: %v", err)
	}
	for _, f := range []cases.CaseFilter{{Source: "hotline"}, {Source: reg.Source}, {Text: "12310-2026-0042"}} {
		f.Scope = cases.GlobalScope
		got, _, err := svc.Cases(ctx, f)
		if err != nil || len(got) != 1 || got[0].No != first.No {
			t.Fatalf("filter %+v finds %d cases (%v)", f, len(got), err)
		}
	}
	// Closed, then the unit does it again: a repeat.
	for _, st := range []struct {
		actor cases.Actor
		a     cases.Action
		in    cases.Input
	}{
		{casetest.Office, cases.ActionStartVerification, cases.Input{}},
		{casetest.Office, cases.ActionOrderRectification, cases.Input{Requirements: "清退", WorkingDays: 10}},
		{casetest.UnitActor, cases.ActionSubmit, cases.Input{Report: "已清退", Evidence: []string{"a.pdf"}}},
		{casetest.Office, cases.ActionConfirm, cases.Input{Note: "到位"}},
		{casetest.Approver, cases.ActionClose, cases.Input{}},
	} {
		step(first.No, st.actor, st.a, st.in)
	}
	again, _, err := svc.Register(ctx, cases.GlobalScope, casetest.Office, reg, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.RepeatOf) != 1 || again.RepeatOf[0] != first.No {
		t.Fatalf("repeat of %v, want [%s]", again.RepeatOf, first.No)
	}
	other := casetest.Registration("QH001")
	other.Kind = "C01"
	if c, _, err := svc.Register(ctx, cases.GlobalScope, casetest.Office, other, ""); err != nil || len(c.RepeatOf) != 0 {
		t.Fatalf("another kind is no repeat: %v %v", c.RepeatOf, err)
	}
	got, _, err := svc.Cases(ctx, cases.CaseFilter{Scope: cases.GlobalScope, Repeat: true})
	if err != nil || len(got) != 1 || got[0].No != again.No {
		t.Fatalf("repeat filter: %d %v", len(got), err)
	}
	// What the events say, a process started now folds the same way.
	fresh := casetest.Open(t, env.Config)
	c, err := fresh.Case(ctx, cases.GlobalScope, first.No)
	if err != nil || len(c.Sources) != 2 || c.Origin != "batch:test-1" {
		t.Fatalf("a new process: %+v %v", c.Sources, err)
	}
	if rep, err := svc.Verify(ctx, cases.VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep.Faults, err)
	}
}

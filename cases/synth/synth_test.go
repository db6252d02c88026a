package synth_test

import (
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/calendar"
	"rectify/cases/synth"
)

func TestGenerateMakesValidChains(t *testing.T) {
	cal, err := calendar.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	l, err := synth.Generate(synth.Config{Cases: 2000, Seed: 1, Now: now, Calendar: cal})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Cases) != 2000 || len(l.Units) != 60 {
		t.Fatalf("%d cases, %d units", len(l.Cases), len(l.Units))
	}
	if per := float64(len(l.Events)) / float64(len(l.Cases)); per < 1.8 || per > 2.4 {
		t.Fatalf("%.2f events per case, want about 2", per)
	}
	byCase := map[string][]cases.Event{}
	for _, e := range l.Events {
		byCase[e.CaseNo] = append(byCase[e.CaseNo], e)
		if e.At.After(now) {
			t.Fatalf("event after now: %s %d", e.CaseNo, e.Seq)
		}
	}
	states := map[cases.State]int{}
	for _, c := range l.Cases {
		got, fault := cases.CheckChain(c.No, byCase[c.No])
		if fault != nil {
			t.Fatalf("%+v", fault)
		}
		if got.Version != c.Version || got.State != c.State {
			t.Fatalf("%s folds to %s v%d, generated %s v%d", c.No, got.State, got.Version, c.State, c.Version)
		}
		states[c.State]++
	}
	for _, s := range []cases.State{cases.StateRegistered, cases.StateVerifying, cases.StateRectifying, cases.StateClosed} {
		if states[s] == 0 {
			t.Errorf("no case in state %s: %v", s, states)
		}
	}
	for _, u := range l.Units {
		if err := u.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	again, _ := synth.Generate(synth.Config{Cases: 2000, Seed: 1, Now: now, Calendar: cal})
	if again.Events[1234].Hash != l.Events[1234].Hash {
		t.Fatal("the same seed made a different ledger")
	}
}

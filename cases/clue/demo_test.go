package clue_test

import (
	"context"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/clue"
	"rectify/cases/demo"
)

// TestLoadDemo: the demo referrals load on the demo units, twice without
// change, with one red, one green and a confirmed clue's case.
func TestLoadDemo(t *testing.T) {
	s, env := open(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, env.Service, nil, demo.Builtin()); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := clue.LoadDemo(ctx, s, env.Service.Today()); err != nil {
			t.Fatal(err)
		}
	}
	city := cases.Scope{Region: "江南省/云州市"}
	rows, total, err := s.List(ctx, clue.Filter{Scope: city})
	if err != nil || total != 2 {
		t.Fatalf("%d referrals: %v", total, err)
	}
	lights := map[cases.Light]bool{}
	for _, r := range rows {
		lights[r.Light] = true
	}
	if !lights[cases.LightRed] || !lights[cases.LightGreen] || s.Pending(city) != 3 {
		t.Errorf("lights %v, pending %d", lights, s.Pending(city))
	}
	cs, _, err := env.Service.Cases(ctx, cases.CaseFilter{Scope: cases.GlobalScope, Source: "audit", PerPage: cases.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cs {
		if strings.HasPrefix(c.Origin, "clue:") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d cases registered from demo clues, want 1", n)
	}
}

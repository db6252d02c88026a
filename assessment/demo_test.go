package assessment_test

import (
	"context"
	"testing"

	"rectify/assessment"
	"rectify/cases/casetest"
)

func TestLoadDemo(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for i := 0; i < 2; i++ { // the second load changes nothing
		if err := assessment.LoadDemo(ctx, e.svc, city, 2026, casetest.Units); err != nil {
			t.Fatal(err)
		}
	}
	last25, this26 := assessment.RoundID(2025, city), assessment.RoundID(2026, city)
	last, err := e.svc.Round(ctx, last25)
	if err != nil || !last.Finalised || len(last.Units) != 3 || len(last.Events) != 2 {
		t.Fatalf("2025: finalised %v, %d units, %d events, %v", last.Finalised, len(last.Units), len(last.Events), err)
	}
	this, err := e.svc.Round(ctx, this26)
	if err != nil || this.Finalised {
		t.Fatalf("2026: finalised %v %v", this.Finalised, err)
	}
	ss, err := e.svc.Standings(ctx, this26)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		// The 2026 round is open: a unit not wholly scored yet is neither
		// graded, ranked nor compared with last year.
		if !s.Graded() {
			if s.Previous != nil || s.Grade != "" || s.Rank != 0 {
				t.Errorf("%s is not wholly scored yet, but has grade %q, rank %d, previous %v", s.Unit, s.Grade, s.Rank, s.Previous)
			}
			continue
		}
		if s.Previous == nil {
			t.Errorf("%s has no previous year", s.Unit)
		}
	}
	fs, _ := e.svc.Findings(ctx, last25)
	if len(fs) == 0 {
		t.Error("no findings last year")
	}
	prev, _ := e.svc.Standings(ctx, last25)
	kinds := map[string]bool{}
	for _, s := range prev {
		kinds[s.Kind] = true
		if s.Total < 60 || s.Total > 100 {
			t.Errorf("%s total %g", s.Unit, s.Total)
		}
	}
	if len(kinds) < 2 {
		t.Errorf("demo over %d unit kinds, want several", len(kinds))
	}
}

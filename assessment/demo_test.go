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
		if err := assessment.LoadDemo(ctx, e.svc, 2026, casetest.Units); err != nil {
			t.Fatal(err)
		}
	}
	last, err := e.svc.Round(ctx, "2025")
	if err != nil || !last.Finalised || len(last.Units) != 3 || len(last.Events) != 2 {
		t.Fatalf("2025: finalised %v, %d units, %d events, %v", last.Finalised, len(last.Units), len(last.Events), err)
	}
	this, err := e.svc.Round(ctx, "2026")
	if err != nil || this.Finalised {
		t.Fatalf("2026: finalised %v %v", this.Finalised, err)
	}
	ss, err := e.svc.Standings(ctx, "2026")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if s.Previous == nil {
			t.Errorf("%s has no previous year", s.Unit)
		}
	}
	fs, _ := e.svc.Findings(ctx, "2025")
	if len(fs) == 0 {
		t.Error("no findings last year")
	}
	prev, _ := e.svc.Standings(ctx, "2025")
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

package briefing

import (
	"context"
	"fmt"
	"time"

	"rectify/cases"
)

// StaffingSource answers what the last staffing roster snapshot says of
// a unit. The roster package implements it; ok is false when no snapshot
// covers the unit.
type StaffingSource interface {
	Staffing(ctx context.Context, unit string) (s Staffing, ok bool, err error)
}

// ClueSource lists the clues about a unit still being verified (hotline
// reports awaiting triage, audit clues awaiting a decision). Implementations
// return no reporter and no facts.
type ClueSource interface {
	PendingClues(ctx context.Context, scope cases.Scope, unit string) ([]Clue, error)
}

// AssessmentSource answers a unit's last finalised assessment; ok is
// false when the unit was never assessed. The web layer adapts package
// assessment to it, so that cases/* never imports assessment.
type AssessmentSource interface {
	LastAssessment(ctx context.Context, unit string) (a Assessment, ok bool, err error)
}

// Ledger is what Build reads of the ledger (cases.Service).
type Ledger interface {
	Unit(ctx context.Context, scope cases.Scope, code string) (cases.Unit, error)
	AllCases(ctx context.Context, f cases.CaseFilter) ([]cases.Case, error)
	Lighter() func(cases.Case) cases.Light
	Today() string
	// Location is the office's time zone.
	Location() *time.Location
}

// Sources gathers a briefing's input from the live services. Staffing
// and Assessment may be nil (no roster, no assessment); Clues may be empty.
type Sources struct {
	Ledger     Ledger
	Staffing   StaffingSource
	Clues      []ClueSource
	Assessment AssessmentSource
	Checklist  *Checklist
	KindName   func(string) string
}

// Build assembles the briefing on unit as someone with scope may see it:
// ENOTFOUND when the unit is not in scope.
func (s Sources) Build(ctx context.Context, scope cases.Scope, unit string) (Briefing, error) {
	u, err := s.Ledger.Unit(ctx, scope, unit)
	if err != nil {
		return Briefing{}, err
	}
	cs, err := s.Ledger.AllCases(ctx, cases.CaseFilter{Scope: scope, UnitCode: u.Code})
	if err != nil {
		return Briefing{}, fmt.Errorf("briefing %s: cases: %w", unit, err)
	}
	in := Input{Unit: u, Today: s.Ledger.Today(), Cases: cs, Light: s.Ledger.Lighter(), Checklist: s.Checklist, KindName: s.KindName,
		Location: s.Ledger.Location()}
	if s.Staffing != nil {
		st, ok, err := s.Staffing.Staffing(ctx, u.Code)
		if err != nil {
			return Briefing{}, fmt.Errorf("briefing %s: staffing: %w", unit, err)
		}
		if ok {
			in.Staffing = &st
		}
	}
	for _, src := range s.Clues {
		cl, err := src.PendingClues(ctx, scope, u.Code)
		if err != nil {
			return Briefing{}, fmt.Errorf("briefing %s: clues: %w", unit, err)
		}
		in.Clues = append(in.Clues, cl...)
	}
	if s.Assessment != nil {
		a, ok, err := s.Assessment.LastAssessment(ctx, u.Code)
		if err != nil {
			return Briefing{}, fmt.Errorf("briefing %s: assessment: %w", unit, err)
		}
		if ok {
			in.Assessment = &a
		}
	}
	return Assemble(in), nil
}

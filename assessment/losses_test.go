package assessment

import (
	"fmt"
	"strings"
	"testing"
)

// TestLedgerLosses: the result letter's problem list takes every ledger
// case that cost marks — its deduction proposed, the point scored and
// short of its maximum, the ledger deduction taken — with the point's name
// and category; nothing from points that kept their marks, pending clues,
// or points whose reviewers all overrode the ledger to nothing.
func TestLedgerLosses(t *testing.T) {
	cat := builtin(t)
	p211, _ := cat.Point("A2.1.1")
	p221, _ := cat.Point("A2.2.1")
	p232, _ := cat.Point("A2.3.2")
	row := func(p Point, final float64, ledger []float64, props ...Proposal) Row {
		r := Row{Point: p, Final: final, Complete: len(ledger) > 0, Proposals: props, Scores: map[string]Score{}}
		for i, l := range ledger {
			r.Scores[fmt.Sprint("r", i)] = Score{Mark: Mark{Ledger: l}}
		}
		return r
	}
	pr := func(point, no string, deduct float64, pending bool) Proposal {
		return Proposal{Point: point, CaseNo: no, Title: "问题" + no, Deduct: deduct, Pending: pending}
	}
	tests := []struct {
		name string
		rows []Row
		want []string // point/case/deduct
	}{
		{"OK_Taken", []Row{row(p211, p211.Max-2, []float64{2, 2}, pr("A2.1.1", "2026-0003", 1.5, false), pr("A2.1.1", "2026-0001", 0.5, false))},
			[]string{"A2.1.1/2026-0001/0.5", "A2.1.1/2026-0003/1.5"}},
		{"OK_SeveralPoints", []Row{row(p221, p221.Max-1.5, []float64{1.5}, pr("A2.2.1", "2026-0006", 1.5, false)),
			row(p211, p211.Max-0.5, []float64{0.5}, pr("A2.1.1", "2026-0001", 0.5, false))},
			[]string{"A2.1.1/2026-0001/0.5", "A2.2.1/2026-0006/1.5"}},
		{"None_PendingClue", []Row{row(p232, p232.Max-1, []float64{1}, pr("A2.3.2", "2026-0002", 0, true))}, nil},
		{"None_PointKeptItsMarks", []Row{row(p211, p211.Max, []float64{0}, pr("A2.1.1", "2026-0003", 1.5, false))}, nil},
		{"None_AllOverriddenToNothing", []Row{row(p211, p211.Max-1.5, []float64{0, 0}, pr("A2.1.1", "2026-0003", 1.5, false))}, nil},
		{"None_NotScored", []Row{row(p211, 0, nil, pr("A2.1.1", "2026-0003", 1.5, false))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh := Sheet{State: RoundState{Catalog: cat}, Rows: tt.rows}
			var got []string
			for _, l := range sh.LedgerLosses() {
				got = append(got, fmt.Sprintf("%s/%s/%g", l.Point, l.CaseNo, l.Deduct))
				if l.Category != "规定执行" || l.PointName == "" || l.Title != "问题"+l.CaseNo {
					t.Errorf("%s: category %q, point name %q, title %q", l.CaseNo, l.Category, l.PointName, l.Title)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

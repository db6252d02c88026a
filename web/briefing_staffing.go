package web

import (
	"context"

	"rectify/cases/briefing"
	"rectify/cases/roster"
)

// rosterStaffing answers a briefing's staffing section from the latest
// roster snapshot that lists the unit (briefing.StaffingSource).
type rosterStaffing struct{ r *roster.Service }

// Staffing converts the roster's figures and current red lights of unit.
func (a rosterStaffing) Staffing(ctx context.Context, unit string) (briefing.Staffing, bool, error) {
	st, ok, err := a.r.Staffing(ctx, unit)
	if err != nil || !ok {
		return briefing.Staffing{}, ok, err
	}
	out := briefing.Staffing{SnapshotDate: st.Date, Actual: map[string]int{}, LeaderPostsActual: st.Leaders}
	for _, t := range st.ByType {
		out.Actual[t.Type] = t.N
	}
	for _, w := range st.Warnings {
		out.Warnings = append(out.Warnings, briefing.Warning{Rule: string(w.Rule), Label: w.Label, Explanation: w.Explanation, CaseNo: w.CaseNo})
	}
	return out, true, nil
}

package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestScoreSheetStatesTheConsensusShare: the score sheet says how far
// reviewers may differ before a consensus is needed (30% of a point's
// maximum, the service's rule), not an unstated "规定比例".
func TestScoreSheetStatesTheConsensusShare(t *testing.T) {
	e := newEnv(t)
	assessWorld(t, e)
	r := e.req("GET", assessPath("/assessment/rounds/:id/units/:code"), "li.ming", "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("score sheet: %d", r.Status)
	}
	if !strings.Contains(r.Raw, "超过该要点分值的 30% 时，须合议") || strings.Contains(r.Raw, "规定比例") {
		t.Errorf("the sheet does not state the 30%% share:\n%s", r.Raw)
	}
}

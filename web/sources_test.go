package web_test

import (
	"strings"
	"testing"

	"rectify/cases"
)

// TestCasePageShowsEverySource: a report merged into a case shows on its
// page and in its timeline, the ledger finds the case by the merged
// channel, and a unit reads the channels without their references.
func TestCasePageShowsEverySource(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	r := e.json("POST", "/api/v1/cases/"+no+"/transitions", "li.ming", map[string]any{"action": "add_source",
		"input": map[string]any{"source": "hotline", "reference": "12310-2026-0042"}})
	if r.Status != 200 {
		t.Fatalf("add_source: %d %s", r.Status, r.Raw)
	}
	if bad := e.json("POST", "/api/v1/cases/"+no+"/transitions", "li.ming", map[string]any{"action": "add_source",
		"input": map[string]any{"source": "", "reference": ""}}); bad.Status != 400 || len(errOf(bad)["fields"].([]any)) != 2 {
		t.Fatalf("an empty source: %d %s", bad.Status, bad.Raw)
	}
	page := e.req("GET", "/cases/"+no, "li.ming", "", nil).Raw
	for _, want := range []string{"并入来源", "12310举报", "12310-2026-0042"} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page lacks %s", want)
		}
	}
	if unit := e.req("GET", "/cases/"+no, "unit.qh001", "", nil).Raw; strings.Contains(unit, "12310-2026-0042") {
		t.Error("the unit reads the merged reference")
	}
	if l := e.req("GET", "/ledger?source=hotline", "li.ming", "", nil).Raw; !strings.Contains(l, no) {
		t.Error("the ledger does not find the case by its merged source")
	}
	if l := e.req("GET", "/ledger?repeat=1", "li.ming", "", nil); l.Status != 200 || strings.Contains(l.Raw, no) {
		t.Errorf("repeat filter: %d", l.Status)
	}
	if l := e.req("GET", "/ledger?repeat=2", "li.ming", "", nil); l.Status != 400 && !strings.Contains(l.Raw, "屡查屡犯") {
		t.Errorf("a bad repeat filter: %d", l.Status)
	}
}

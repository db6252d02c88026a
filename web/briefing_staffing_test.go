package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestBriefingTakesTheRoster: once a roster snapshot lists a unit, its
// briefing shows the snapshot's date, head counts and current red lights.
func TestBriefingTakesTheRoster(t *testing.T) {
	e := newEnv(t)
	if r := e.req("GET", "/units/QH001/briefing", "li.ming", "", nil); r.Status != http.StatusOK || strings.Contains(r.Raw, "2026-06-30") {
		t.Fatalf("briefing before a roster: %d", r.Status)
	}
	rows, _ := testRoster()
	body, ct := rosterUpload(t, rows, "花名册.xlsx", "2026-06-30")
	if r := e.req("POST", "/api/v1/roster/snapshots", "li.ming", ct, body); r.Status != http.StatusCreated {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	r := e.req("GET", "/units/QH001/briefing", "li.ming", "", nil)
	for _, want := range []string{"2026-06-30", `<ul id="warnings"><li><b>死亡占编</b>`, "<b>重复占编</b>"} {
		if !strings.Contains(r.Raw, want) {
			t.Errorf("briefing lacks %q:\n%s", want, r.Raw)
		}
	}
	// The team assigned to QH001 sees the same.
	if r := e.req("GET", "/units/QH001/briefing", "zhou.qiang", "", nil); r.Status != http.StatusOK || !strings.Contains(r.Raw, "死亡占编") {
		t.Errorf("patrol briefing: %d", r.Status)
	}
}

package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPatrolTeamRefersItsOwnBatch: a patrol team member files the team's
// referral batch (the round and team must be theirs, the units those the
// team inspects); the office then sees its problems in the ledger.
func TestPatrolTeamRefersItsOwnBatch(t *testing.T) {
	e := newEnv(t)
	batch := func(letter, round, team, unit string) map[string]any {
		return map[string]any{"office": "中共云州市委巡察工作领导小组办公室", "letter_no": letter, "round": round, "team": team,
			"received": "2026-03-02", "level": "internal", "items": []map[string]any{
				{"unit_code": unit, "violation_kind": "A01", "title": "巡察组发现的问题", "facts": "巡察中发现该单位擅自设立内设机构。"}}}
	}
	// Another team's name is refused, naming the field.
	if r := e.json("POST", "/api/v1/referral-batches", "zhou.qiang", batch("云巡办移〔2026〕81号", testRound, "别的巡察组", "QH001")); r.Status != http.StatusBadRequest || !strings.Contains(r.Raw, `"team"`) {
		t.Fatalf("another team: %d %s", r.Status, r.Raw)
	}
	// A unit the team does not inspect is not theirs to refer.
	if r := e.json("POST", "/api/v1/referral-batches", "zhou.qiang", batch("云巡办移〔2026〕82号", testRound, "测试巡察组", "QH002")); r.Status < 400 || r.Status >= 500 {
		t.Fatalf("a unit outside the team: %d %s", r.Status, r.Raw)
	}
	// Its own team and unit: registered, the batch visible to the team.
	r := e.json("POST", "/api/v1/referral-batches", "zhou.qiang", batch("云巡办移〔2026〕83号", testRound, "测试巡察组", "QH001"))
	if r.Status != http.StatusCreated {
		t.Fatalf("own team: %d %s", r.Status, r.Raw)
	}
	no := r.Body["items"].([]any)[0].(map[string]any)["case_no"].(string)
	if c := e.json("GET", "/api/v1/cases/"+no, "li.ming", nil); c.Status != 200 || c.Body["source"] != "patrol" {
		t.Fatalf("the office's view of %s: %d %s", no, c.Status, c.Raw)
	}
	// Approvers do not file batches; the form prefills a one-team member's team.
	if r := e.json("POST", "/api/v1/referral-batches", "wang.fang", batch("云巡办移〔2026〕84号", testRound, "测试巡察组", "QH001")); r.Status != http.StatusForbidden {
		t.Errorf("approver: %d", r.Status)
	}
	if page := e.req("GET", "/batches/new", "zhou.qiang", "", nil); page.Status != 200 || !strings.Contains(page.Raw, `value="测试巡察组"`) {
		t.Errorf("batch form for the team: %d", page.Status)
	}
}

package main

import (
	"strings"
	"testing"

	"rectify/cases/demo"
	"rectify/cases/patrol"
)

// TestServeDemoHasPatrolRound: the demo's patrol user is on a team of a
// current round: they read the briefing of an assigned unit (not another
// unit's), and the round lists the briefing the office sent the team.
func TestServeDemoHasPatrolRound(t *testing.T) {
	dir := t.TempDir()
	p := start(t, []string{"RECTIFY_MONGO_URI=", "RECTIFY_REPORTER_KEY=", "RECTIFY_REPORTER_KEY_FILE="}, "serve", "--demo", "--data", dir, "--addr", "127.0.0.1:0")
	as := login(t, p.url(), "zhou.qiang", demo.Password)
	if code, body := get(t, p.url()+"/units/YZ007/briefing", &as); code != 200 || !strings.Contains(body, "建议重点关注") {
		t.Fatalf("assigned unit's briefing: %d", code)
	}
	if code, _ := get(t, p.url()+"/units/YZ008/briefing", &as); code != 404 {
		t.Errorf("another unit's briefing: %d", code)
	}
	code, body := get(t, p.url()+"/patrol/rounds/"+patrol.RoundID(demo.Batches[0].Round), &as)
	if code != 200 || !strings.Contains(body, "/patrol/briefings/b") {
		t.Fatalf("the demo round lists no sent briefing: %d", code)
	}
	if code, body := get(t, p.url()+"/batches", &as); code != 200 || !strings.Contains(body, demo.Batches[0].LetterNo) {
		t.Errorf("the team's batch is not listed: %d", code)
	}
}

package mongodb_test

import (
	"context"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/patrol"
	"rectify/storage/mongodb"
	"rectify/storage/mongotest"
)

// exercisePatrol calls the patrol round methods for the shapes test.
func exercisePatrol(t *testing.T, db *mongodb.DB, must func(string, error)) {
	t.Helper()
	ctx := context.Background()
	r := testRound()
	must("InsertPatrolRound", db.InsertPatrolRound(ctx, r))
	must("PutPatrolRound", db.PutPatrolRound(ctx, r))
	_, err := db.AllPatrolRounds(ctx)
	must("AllPatrolRounds", err)
	must("InsertSentBriefing", db.InsertSentBriefing(ctx, patrol.Sent{ID: "b1", RoundID: r.ID, TeamID: "t1", Unit: "QH001", Level: cases.LevelInternal}))
	_, err = db.AllSentBriefings(ctx)
	must("AllSentBriefings", err)
}

func testRound() patrol.Round {
	r := patrol.Normalize(patrol.Round{Name: "十一届市委第三轮巡察", Start: "2026-03-02", End: "2026-05-29",
		Teams: []patrol.Team{{Name: "市委第一巡察组", Members: []string{"zhou.qiang"}, Units: []string{"QH001"}}}})
	r.ID, r.Version, r.CreatedAt = patrol.RoundID(r.Name), 1, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	r.CreatedBy = cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}
	return r
}

// TestPatrolRoundRoundTrip: a round reads back as written; a second
// insert of its ID is a conflict, and a sent briefing is recorded once.
func TestPatrolRoundRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := mongotest.Open(t)
	r := testRound()
	if err := db.InsertPatrolRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertPatrolRound(ctx, r); cases.ErrorCode(err) != cases.ECONFLICT {
		t.Errorf("second insert: %v", err)
	}
	all, err := db.AllPatrolRounds(ctx)
	if err != nil || len(all) != 1 || all[0].Teams[0].Units[0] != "QH001" || all[0].CreatedBy.Name != "李明" || !all[0].CreatedAt.Equal(r.CreatedAt) {
		t.Fatalf("read back %+v %v", all, err)
	}
	missing := r
	missing.ID = "rnone"
	if err := db.PutPatrolRound(ctx, missing); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Errorf("put missing: %v", err)
	}
	s := patrol.Sent{ID: "b1", RoundID: r.ID, TeamID: "t1", Unit: "QH001", Level: cases.LevelSecret, Key: "briefings/b1.pdf", SHA256: "ab"}
	if err := db.InsertSentBriefing(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertSentBriefing(ctx, s); cases.ErrorCode(err) != cases.ECONFLICT {
		t.Errorf("second sent insert: %v", err)
	}
	got, err := db.AllSentBriefings(ctx)
	if err != nil || len(got) != 1 || got[0].Key != s.Key || got[0].Level != cases.LevelSecret {
		t.Errorf("sent read back %+v %v", got, err)
	}
}

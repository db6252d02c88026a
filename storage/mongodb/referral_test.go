package mongodb_test

import (
	"context"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/referral"
	"rectify/storage/mongodb"
	"rectify/storage/mongotest"
)

// exerciseReferral calls the referral batch methods for the shapes test.
func exerciseReferral(t *testing.T, db *mongodb.DB, must func(string, error)) {
	t.Helper()
	ctx := context.Background()
	b := referral.Normalize(referral.Batch{Office: "市委巡察办", LetterNo: "云巡办移〔2026〕3号", Received: "2026-03-02", Level: cases.LevelInternal,
		Items: []referral.Item{{UnitCode: "QH001", Kind: "V01", Title: "超编进人", Facts: "事实"}}})
	b.CreatedAt = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	must("InsertBatch", db.InsertBatch(ctx, b))
	b.Items[0].CaseNo = "2026-0001"
	must("PutBatch", db.PutBatch(ctx, b))
	_, err := db.FindBatch(ctx, b.ID)
	must("FindBatch", err)
	_, err = db.AllBatches(ctx)
	must("AllBatches", err)
}

// TestBatchRoundTrip: a batch reads back as written, and a second insert
// of the same letter is a conflict (the identity of a batch).
func TestBatchRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := mongotest.Open(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	b := referral.Normalize(referral.Batch{Office: "市委巡察办", LetterNo: "云巡办移〔2026〕3号", Round: "十一届市委第三轮", Team: "市委第一巡察组",
		Received: "2026-03-02", Level: cases.LevelSecret, Items: []referral.Item{{UnitCode: "QH001", Kind: "V01", Title: "超编进人", Facts: "事实"}},
		RegisteredBy: cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}})
	b.CreatedAt = at
	if err := db.InsertBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertBatch(ctx, b); cases.ErrorCode(err) != cases.ECONFLICT {
		t.Fatalf("second insert: %v, want a conflict", err)
	}
	b.Items[0].CaseNo, b.Items[0].UnitName, b.Items[0].Region = "2026-0001", "清河县教育局", []string{"江南省", "云州市", "清河县"}
	b.Letters = []referral.Letter{{DocumentID: "feedback-2026-0001", Number: "云编督函〔2026〕1号", Final: true, Cases: []string{"2026-0001"}, IssuedAt: at}}
	if err := db.PutBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hash != b.Hash || got.Items[0].CaseNo != "2026-0001" || got.Letters[0].Number != b.Letters[0].Number || got.Team != b.Team || got.Level != cases.LevelSecret || !got.CreatedAt.Equal(at) {
		t.Fatalf("got %+v", got)
	}
	if _, err := db.FindBatch(ctx, "rb-none"); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Fatalf("missing batch: %v", err)
	}
}

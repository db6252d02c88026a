package mongodb_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/documents"
	"rectify/cases/hotline"
	"rectify/cases/patrol"
	"rectify/storage/mongotest"
)

// TestObjectKeysCoverEveryRecordKind: every kind of record that points to
// a stored object names it in ObjectKeys, so that verify reports none of
// them as an object nothing points to — a briefing sent to a patrol team
// and a hotline report's attachments included.
func TestObjectKeysCoverEveryRecordKind(t *testing.T) {
	ctx := context.Background()
	db := mongotest.Open(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if err := db.InsertDocument(ctx, documents.Document{ID: "d1", Kind: documents.KindNotice, Year: 2026, Seq: 1,
		Number: "云编督〔2026〕1号", ObjectKey: "documents/2026/d1.pdf", VerifyCode: "ABCD-EFGH", IssuedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertEvidence(ctx, documents.Evidence{ID: "e1", CaseNo: "2026-0001", ObjectKey: "evidence/e1.pdf", UploadedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertSentBriefing(ctx, patrol.Sent{ID: "b1", RoundID: "r1", TeamID: "t1", Unit: "QH001", Level: cases.LevelInternal,
		Key: "briefings/r1/b1.pdf", SentAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertReport(ctx, hotline.Report{ID: "h1", Channel: hotline.ChannelPhone, ReceivedAt: at, Allegation: "x", Due: "2026-03-09",
		CreatedAt: at, Attachments: []hotline.Attachment{{ID: "a1", ObjectKey: "reports/h1/a1.pdf"}, {ID: "a2", ObjectKey: "reports/h1/a2.png"}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertReport(ctx, hotline.Report{ID: "h2", Channel: hotline.ChannelPhone, ReceivedAt: at, Allegation: "y", Due: "2026-03-09", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertReportEvent(ctx, hotline.Event{Report: "h1", Seq: 2, Kind: hotline.KindAdd, At: at, Actor: hotline.ReporterActor,
		Text: "补充", Attachments: []hotline.Attachment{{ID: "a3", ObjectKey: "reports/h1/a3.pdf"}}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.ObjectKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	want := []string{"briefings/r1/b1.pdf", "documents/2026/d1.pdf", "evidence/e1.pdf", "reports/h1/a1.pdf", "reports/h1/a2.png", "reports/h1/a3.pdf"}
	if !slices.Equal(got, want) {
		t.Errorf("ObjectKeys = %v, want %v", got, want)
	}
}

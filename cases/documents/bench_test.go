package documents_test

import (
	"bytes"
	"context"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/storage/blob/miniotest"
	"rectify/templates"
)

// BenchmarkRenderNotice renders a two-case notice (no storage).
func BenchmarkRenderNotice(b *testing.B) {
	n := templates.Notice{Letterhead: templates.Letterhead{Office: "中共云州市委机构编制委员会办公室"}, Number: "云编督〔2026〕12号", UnitName: "清河县教育局",
		Items:   []templates.NoticeItem{{No: "2026-0001", Title: "超编进人", Kind: "B01 超编进人", Facts: "核定事业编制32名，实有35人，超编3人。", Requirements: "停止进人。"}},
		Contact: "请报送整改情况。", VerifyCode: "K7QM-4XRT", VerifyURL: "https://x/verify/K7QM4XRT"}
	fonts := templates.EmbeddedFonts()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := templates.RenderOfficial(&buf, n.Official(), fonts, n.Date); err != nil {
			b.Fatal(err)
		}
	}
}

// issue issues one one-case notice per case, one after another.
func issue(b *testing.B, e *env, nos []string) {
	ctx := context.Background()
	for _, no := range nos {
		if _, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice([]string{no}), false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssueNotice issues single notices into the local blob store:
// number claim, render, store, record, case event.
func BenchmarkIssueNotice(b *testing.B) {
	e := newEnvB(b, nil)
	nos := e.verifyingB(b, b.N)
	b.ResetTimer()
	issue(b, e, nos)
}

// BenchmarkIssueNoticeMinIO does the same into MinIO.
func BenchmarkIssueNoticeMinIO(b *testing.B) {
	e := newEnvB(b, miniotest.Open(b))
	nos := e.verifyingB(b, b.N)
	b.ResetTimer()
	issue(b, e, nos)
}

// BenchmarkIssueBatch100 issues a batch of 100 notices; one op is the
// whole batch.
func BenchmarkIssueBatch100(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnvB(b, nil)
		nos := e.verifyingB(b, 100)
		b.StartTimer()
		issue(b, e, nos)
	}
}

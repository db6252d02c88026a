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

// benchNotice is a two-page notice of two problems, as offices write them.
var benchNotice = templates.Notice{Letterhead: templates.Letterhead{Office: "中共云州市委机构编制委员会办公室"}, Number: "云编督〔2026〕12号", UnitName: "清河县教育局",
	Items: []templates.NoticeItem{
		{No: "2026-0001", Title: "超编进人", Kind: "B01 超编进人", Facts: "核定事业编制32名，实有35人，超编3人，仍于2025年9月通过“政府购买服务”方式新招用工作人员2名，并安排在编制岗位上工作。上述情况违反了《机构编制工作条例》第二十八条的有关规定。", Requirements: "停止进人，按自然减员逐步消化超编人员，30个工作日内报送整改情况。"},
		{No: "2026-0002", Title: "混岗使用事业编制人员", Kind: "B04 混编混岗使用人员", Facts: "该局自2024年以来将事业编制人员3名长期安排在机关科室从事行政管理工作，其中1名人员于2025年3月被任命为办公室副主任（股级）。", Requirements: "将混岗使用的3名事业编制人员调整回事业岗位。"},
	},
	Contact: "请通过督改通系统报送整改情况报告及佐证材料。", ContactName: "李明", ContactPhone: "0575-88001234",
	CopiesTo: []string{"市委巡察办"}, VerifyCode: "K7QM-4XRT", VerifyURL: "https://rectify.example.gov.cn/verify/K7QM4XRT"}

// BenchmarkRenderNotice renders a notice (no storage), one after another.
// The fonts are parsed once per process, before the timer starts.
func BenchmarkRenderNotice(b *testing.B) {
	fonts := templates.EmbeddedFonts()
	render := func() {
		var buf bytes.Buffer
		if err := templates.RenderOfficial(&buf, benchNotice.Official(), fonts, benchNotice.Date); err != nil {
			b.Fatal(err)
		}
	}
	render()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		render()
	}
}

// BenchmarkRenderNoticeBatch renders notices on every core at once, as a
// batch does: time per op is wall time over all of them, so notices per
// second is one second over it.
func BenchmarkRenderNoticeBatch(b *testing.B) {
	fonts := templates.EmbeddedFonts()
	var buf bytes.Buffer
	if err := templates.RenderOfficial(&buf, benchNotice.Official(), fonts, benchNotice.Date); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var buf bytes.Buffer
			if err := templates.RenderOfficial(&buf, benchNotice.Official(), fonts, benchNotice.Date); err != nil {
				b.Error(err)
				return
			}
		}
	})
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

package templates

import (
	"bytes"
	"strings"
	"testing"

	"rectify/templates/pdftest"
)

// TestResultLetterListsLedgerDeductions: the problem list names, after the
// assessment's own findings, every ledger case that cost marks under
// 规定执行 with its number, title and deduction, numbered on from them.
func TestResultLetterListsLedgerDeductions(t *testing.T) {
	r := sampleResult(nil)
	r.Deductions = []AssessmentDeduction{
		{CaseNo: "2026-0003", Title: "违规调入人员", Category: "规定执行", Point: "A2.1.1", PointName: "超编进人", Deduct: 1.5},
		{CaseNo: "2026-0006", Title: "超职数配备干部", Category: "规定执行", Point: "A2.2.1", PointName: "超职数配备", Deduct: 0.5},
	}
	var buf bytes.Buffer
	if err := RenderOfficial(&buf, r.Official(), EmbeddedFonts(), fixed0); err != nil {
		t.Fatal(err)
	}
	text := body(pdftest.Raw(t, buf.Bytes(), false))
	for _, want := range []string{
		"（三）违规调入人员（台账编号：2026-0003；规定执行评估要点A2.1.1超编进人，扣1.5分）",
		"（四）超职数配备干部（台账编号：2026-0006；规定执行评估要点A2.2.1超职数配备，扣0.5分）",
		"三、整改要求",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
	// Ledger cases alone are a problem list too.
	r.Problems = nil
	o := r.Official()
	var all []string
	for _, b := range o.Body {
		all = append(all, b.Text)
	}
	if s := strings.Join(all, "\n"); strings.Contains(s, "未发现需要整改的问题") || !strings.Contains(s, "（一）违规调入人员") {
		t.Errorf("a letter with only ledger deductions: %s", s)
	}
}

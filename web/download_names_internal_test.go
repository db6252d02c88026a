package web

import (
	"mime"
	"testing"

	"rectify/cases/documents"
)

// TestDocumentNames: each kind of document is named by kind and number,
// in ASCII and in Chinese; the header carries both, parseable, the Chinese
// one percent-encoded as RFC 5987 asks.
func TestDocumentNames(t *testing.T) {
	tests := []struct {
		kind        documents.Kind
		number      string
		seq         int
		ascii, name string
	}{
		{documents.KindNotice, "云编督〔2026〕1号", 1, "notice-2026-0001.pdf", "整改通知书_云编督〔2026〕1号.pdf"},
		{documents.KindClosing, "云编销〔2026〕3号", 3, "closing-2026-0003.pdf", "销号审批表_云编销〔2026〕3号.pdf"},
		{documents.KindFeedback, "云编督函〔2026〕12号", 12, "feedback-2026-0012.pdf", "反馈函_云编督函〔2026〕12号.pdf"},
		{documents.KindAssessment, "云编评〔2026〕7号", 7, "result-2026-0007.pdf", "评估结果反馈_云编评〔2026〕7号.pdf"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			ascii, name := documentNames(documents.Document{Kind: tt.kind, Year: 2026, Seq: tt.seq, Number: tt.number})
			if ascii != tt.ascii || name != tt.name {
				t.Fatalf("got %q and %q, want %q and %q", ascii, name, tt.ascii, tt.name)
			}
			cd := disposition(false, ascii, name)
			typ, params, err := mime.ParseMediaType(cd)
			if err != nil || typ != "attachment" || params["filename"] != tt.name {
				t.Errorf("%q parses as %q %v %v", cd, typ, params, err)
			}
			if want := "attachment; filename=" + tt.ascii + "; filename*=utf-8''"; cd[:len(want)] != want {
				t.Errorf("header %q does not start %q", cd, want)
			}
		})
	}
	if got := disposition(true, "ledger.pdf", "ledger.pdf"); got != "inline; filename=ledger.pdf" {
		t.Errorf("an ASCII name: %q", got)
	}
	if got := disposition(false, "问题台账.csv", "问题台账.csv"); got != "attachment; filename=download.csv; filename*=utf-8''%E9%97%AE%E9%A2%98%E5%8F%B0%E8%B4%A6.csv" {
		t.Errorf("a Chinese name alone: %q", got)
	}
}

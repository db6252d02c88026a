package documents_test

import (
	"context"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/documents"
	"rectify/templates/pdftest"
)

func TestFeedbackVerb(t *testing.T) {
	tests := []struct {
		source, verb, code string
	}{
		{"patrol", "移交", ""},
		{"audit", "移送", ""},
		{"hotline", "", cases.EREFUSED},
		{"special", "", cases.EREFUSED},
		{"warning", "", cases.EREFUSED},
		{"assessment", "", cases.EREFUSED},
		{"provincial-referral", "移交", ""}, // a catalogue of one's own: a referral
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			got, err := documents.FeedbackVerb(tt.source)
			if got != tt.verb || cases.ErrorCode(err) != tt.code {
				t.Errorf("FeedbackVerb(%q) = %q, %v; want %q, %q", tt.source, got, err, tt.verb, tt.code)
			}
		})
	}
}

// TestFeedbackLetterOpeningFollowsSource issues a feedback letter for a
// case of each source of the catalogue: a patrol's referral is answered
// as 移交, an audit's as 移送; a source the office found itself (专项督查,
// 数据预警, 评估发现) or a hotline report has no referrer, so no letter
// claims one: it is refused with the reason, naming the case, and nothing
// is issued. A self-found case to which a patrol's referral was merged is
// answered to the patrol.
func TestFeedbackLetterOpeningFollowsSource(t *testing.T) {
	e := newEnv(t, local(t))
	ctx := context.Background()
	register := func(source, ref string) string {
		t.Helper()
		reg := casetest.Registration("QH001")
		reg.Source, reg.SourceRef = source, ref
		c, _, err := e.Service.Register(ctx, cases.GlobalScope, casetest.Office, reg, "")
		if err != nil {
			t.Fatalf("register %s: %v", source, err)
		}
		return c.No
	}
	tests := []struct {
		source, ref string
		// opening and title of the letter; "" when it is refused
		opening, title string
		reason         string
	}{
		{"patrol", "云巡办移〔2026〕31号", "你单位（云巡办移〔2026〕31号）移交的1项问题已收悉", "关于云巡办移〔2026〕31号移交问题办理情况的函", ""},
		{"audit", "云审移〔2026〕8号", "你单位（云审移〔2026〕8号）移送的1项问题已收悉", "关于云审移〔2026〕8号移送问题办理情况的函", ""},
		{"hotline", "JB-2026-0042", "", "", "举报受理编号答复举报人"},
		{"special", "云编督〔2026〕3号", "", "", "专项督查是本办自行开展的"},
		{"warning", "YJ-2026-0007", "", "", "数据预警是本办日常监控发现的问题"},
		{"assessment", "2026-A1.1.1", "", "", "评估发现是本办在三评合一评估中发现的问题"},
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			no := register(tt.source, tt.ref)
			before := e.Counts(t)
			out, pdf, err := e.Docs.Feedback(ctx, cases.GlobalScope, casetest.Office,
				documents.FeedbackRequest{Addressee: "来文单位", Reference: tt.ref, Cases: []string{no}}, false)
			if tt.opening == "" {
				ce, ok := cases.AsError(err)
				if !ok || ce.Code != cases.EREFUSED || ce.Field != "cases[0]" || !strings.Contains(ce.Message, tt.reason) || !strings.Contains(ce.Message, no) {
					t.Fatalf("a letter for a %s case: %v, want refused naming the case and why", tt.source, err)
				}
				if after := e.Counts(t); after["documents"] != before["documents"] || after["events"] != before["events"] {
					t.Errorf("a refused letter wrote: %v → %v", before, after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(pdftest.Text(t, pdf)), "")
			for _, w := range []string{tt.opening, tt.title} {
				if !strings.Contains(text, w) {
					t.Errorf("the letter lacks %q:\n%s", w, text)
				}
			}
			if out.Document.Title != tt.title {
				t.Errorf("document title %q, want %q", out.Document.Title, tt.title)
			}
		})
	}
	t.Run("MergedPatrolReferral", func(t *testing.T) {
		no := register("special", "云编督〔2026〕4号")
		const ref = "云巡办移〔2026〕33号"
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionAddSource, cases.Input{Source: "patrol", Reference: ref}, "", 0); err != nil {
			t.Fatal(err)
		}
		_, pdf, err := e.Docs.Feedback(ctx, cases.GlobalScope, casetest.Office, documents.FeedbackRequest{Addressee: "市委巡察办", Reference: ref, Cases: []string{no}}, true)
		if err != nil {
			t.Fatal(err)
		}
		if text := strings.Join(strings.Fields(pdftest.Text(t, pdf)), ""); !strings.Contains(text, "你单位（"+ref+"）移交的1项问题已收悉") {
			t.Errorf("the merged referral is not answered as one:\n%s", text)
		}
	})
}

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

// closed takes a case from verifying to closed under a notice, the
// approver writing note.
func (e *env) closed(t *testing.T, no, note string) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice([]string{no}), false); err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		actor  cases.Actor
		action cases.Action
		in     cases.Input
	}{
		{casetest.UnitActor, cases.ActionSubmit, cases.Input{Report: "已清退超编人员", Evidence: []string{"岗位调整文件"}}},
		{casetest.Office, cases.ActionConfirm, cases.Input{Note: "整改到位"}},
		{casetest.Approver, cases.ActionClose, cases.Input{Note: note}},
	} {
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, st.actor, st.action, st.in, "", 0); err != nil {
			t.Fatalf("%s: %v", st.action, err)
		}
	}
}

// TestClosingFormOncePerClosing: asked twice, the closing form is the same
// document; reopened and closed again, the case gets a new form.
func TestClosingFormOncePerClosing(t *testing.T) {
	e := newEnv(t, local(t))
	ctx := context.Background()
	no := e.verifying(t, 1)[0]
	e.closed(t, no, "同意销号。")
	first, pdf, err := e.Docs.Closing(ctx, cases.GlobalScope, casetest.Approver, no)
	if err != nil || first.Existing {
		t.Fatalf("first form: %v %+v", err, first)
	}
	if got := strings.Count(pdftest.Text(t, pdf), "同意销号"); got != 1 {
		t.Errorf("the approver's note is printed %d times, want once", got)
	}
	again, pdf2, err := e.Docs.Closing(ctx, cases.GlobalScope, casetest.Approver, no)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Existing || again.Document.Number != first.Document.Number || string(pdf2) != string(pdf) {
		t.Fatalf("second request: %+v, want the form %s", again.Document, first.Document.Number)
	}
	if ds, _ := e.Docs.Documents(ctx, cases.GlobalScope, no); len(ds) != 2 { // the notice and one form
		t.Fatalf("%d documents on the case, want 2", len(ds))
	}
	// Reopened (回头看), rectified and closed again: a second closing.
	if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionReopen, cases.Input{Reason: "问题反弹"}, "", 0); err != nil {
		t.Fatal(err)
	}
	e.closed(t, no, "")
	second, pdf, err := e.Docs.Closing(ctx, cases.GlobalScope, casetest.Approver, no)
	if err != nil || second.Existing || second.Document.Seq != first.Document.Seq+1 {
		t.Fatalf("form of the second closing: %v %+v", err, second.Document)
	}
	// No note written: the form says the approver agreed, once.
	if got := strings.Count(pdftest.Text(t, pdf), "同意销号"); got != 1 {
		t.Errorf("同意销号 printed %d times, want once", got)
	}
}

// TestFeedbackOnceUnlessReissued: the same letter asked again is the one
// issued; a re-issue gets a new number; once a case moves on, a new letter.
func TestFeedbackOnceUnlessReissued(t *testing.T) {
	e := newEnv(t, local(t))
	ctx := context.Background()
	nos := e.verifying(t, 2)
	req := documents.FeedbackRequest{Addressee: "市委巡察办", Reference: "云巡办移〔2026〕12号", Cases: nos}
	first, _, err := e.Docs.Feedback(ctx, cases.GlobalScope, casetest.Office, req, false)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		req      documents.FeedbackRequest
		before   func(t *testing.T)
		existing bool
	}{
		{"SameAgain", req, nil, true},
		{"OtherOrder", documents.FeedbackRequest{Addressee: req.Addressee, Reference: req.Reference, Cases: []string{nos[1], nos[0]}}, nil, true},
		{"Reissued", documents.FeedbackRequest{Addressee: req.Addressee, Reference: req.Reference, Cases: nos, Replaces: first.Document.ID}, nil, false},
		{"CaseMovedOn", req, func(t *testing.T) {
			if _, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos[:1]), false); err != nil {
				t.Fatal(err)
			}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before(t)
			}
			out, _, err := e.Docs.Feedback(ctx, cases.GlobalScope, casetest.Office, tt.req, false)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.Existing; got != tt.existing {
				t.Fatalf("existing %v, want %v (%s)", got, tt.existing, out.Document.Number)
			}
			if same := out.Document.ID == first.Document.ID; same != tt.existing {
				t.Fatalf("got %s, first was %s", out.Document.Number, first.Document.Number)
			}
		})
	}
}

// TestNoticeRepeated: the same notice asked again for cases already
// rectifying under it is that notice; different requirements are refused
// as before.
func TestNoticeRepeated(t *testing.T) {
	e := newEnv(t, local(t))
	ctx := context.Background()
	nos := e.verifying(t, 2)
	first, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos), false)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos), false)
	if err != nil || !again.Existing || again.Document.ID != first.Document.ID {
		t.Fatalf("repeated notice: %v %+v", err, again.Document)
	}
	other := notice(nos)
	other.Items[0].Requirements = "另行整改"
	if _, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, other, false); cases.ErrorCode(err) != cases.EREFUSED {
		t.Fatalf("a different notice for rectifying cases: %v", err)
	}
	if _, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, notice(nos[:1]), false); cases.ErrorCode(err) != cases.EREFUSED {
		t.Fatalf("a notice for part of the set: %v", err)
	}
}

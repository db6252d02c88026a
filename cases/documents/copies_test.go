package documents_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/documents"
	"rectify/templates/pdftest"
)

// TestSecretCopies: a secret document is issued in the number of copies
// asked for, each its own PDF with its own 份号 (000001…N), recorded on
// the document and downloadable one by one; a copy it was not issued in is
// not found, too many copies are refused naming the field, the copies are
// no stray objects, and a document that is not secret counts no copies.
func TestSecretCopies(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	r := casetest.Registration("QH001")
	r.Level = cases.LevelSecret
	secret, _, err := e.Service.Register(ctx, cases.GlobalScope, casetest.Office, r, "")
	if err != nil {
		t.Fatal(err)
	}
	e.Service.Transition(ctx, cases.GlobalScope, secret.No, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)

	req := notice([]string{secret.No})
	req.Copies = documents.MaxCopies + 1
	if _, _, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, req, false); cases.ErrorCode(err) != cases.EINVALID || !strings.Contains(err.Error(), "copies") {
		t.Errorf("%d copies: %v, want EINVALID on copies", req.Copies, err)
	}
	req.Copies = 3
	issued, pdf1, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, req, false)
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.Docs.Document(ctx, cases.GlobalScope, issued.Document.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Copies != 3 || len(d.CopyFiles) != 2 {
		t.Fatalf("recorded %d copies, %d further files; want 3 and 2", d.Copies, len(d.CopyFiles))
	}
	if !strings.HasPrefix(pdftest.Text(t, pdf1), "000001秘密") {
		t.Errorf("the PDF returned on issue is not copy 000001")
	}
	seen := map[string]bool{}
	for k := 1; k <= 3; k++ {
		b, _, err := e.Docs.DownloadCopy(ctx, cases.GlobalScope, d.ID, k)
		if err != nil {
			t.Fatalf("copy %d: %v", k, err)
		}
		text := pdftest.Text(t, b)
		want := []string{"000001", "000002", "000003"}[k-1]
		if !strings.HasPrefix(text, want+"秘密") {
			t.Errorf("copy %d starts %.20s, want 份号 %s then 密级", k, text, want)
		}
		if !strings.Contains(text, d.Number) {
			t.Errorf("copy %d lacks the document number %s", k, d.Number)
		}
		seen[want] = true
	}
	if len(seen) != 3 {
		t.Errorf("copies' 份号 not distinct: %v", seen)
	}
	for _, k := range []int{0, 4} {
		if _, _, err := e.Docs.DownloadCopy(ctx, cases.GlobalScope, d.ID, k); cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Errorf("copy %d: %v, want ENOTFOUND", k, err)
		}
	}
	stray, err := e.Docs.Unreferenced(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range d.CopyFiles {
		if slices.Contains(stray, f.ObjectKey) {
			t.Errorf("copy %s listed as unreferenced", f.ObjectKey)
		}
	}

	// A letter about the secret case, in two copies.
	letter, _, err := e.Docs.Feedback(ctx, cases.GlobalScope, casetest.Office,
		documents.FeedbackRequest{Addressee: "市委巡察办", Reference: "云巡办移〔2026〕12号", Cases: []string{secret.No}, Copies: 2}, false)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := e.Docs.DownloadCopy(ctx, cases.GlobalScope, letter.Document.ID, 2)
	if err != nil || !strings.Contains(pdftest.Text(t, b), "000002") {
		t.Errorf("letter copy 2: %v", err)
	}

	// Not secret: no 份号, no copies, whatever was asked.
	plain := notice(e.verifying(t, 1))
	plain.Copies = 3
	issued, pdf, err := e.Docs.Notice(ctx, cases.GlobalScope, casetest.Office, plain, false)
	if err != nil {
		t.Fatal(err)
	}
	if issued.Document.Copies != 0 || len(issued.Document.CopyFiles) != 0 || strings.Contains(pdftest.Text(t, pdf), "000001") {
		t.Errorf("a notice that is not secret has copies: %+v", issued.Document)
	}
}

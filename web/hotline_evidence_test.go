package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/documents"
	"rectify/cases/hotline"
	"rectify/web"
)

// minimalPDF is a file the evidence pipeline accepts as a PDF.
const minimalPDF = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

// TestReportAttachmentsBecomeEvidence: the files a reporter attached are
// copied into the evidence of the case the report is registered as, and
// listed on the case page; copying again (a retried registration) adds
// nothing.
func TestReportAttachmentsBecomeEvidence(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id, answer := captchaOf(t, e.srv.URL, e.Server)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range reportFields("清河县教育局张某某长期不上班，工资照发，吃空饷。") {
		w.WriteField(k, v[0])
	}
	w.WriteField("captcha_id", id)
	w.WriteField("captcha", answer)
	fw, _ := w.CreateFormFile("file", "考勤记录.pdf")
	fw.Write([]byte(minimalPDF))
	w.Close()
	if res := e.req("POST", "/report", "", w.FormDataContentType(), &buf); res.Status != http.StatusCreated {
		t.Fatalf("report: %d %.300s", res.Status, res.Raw)
	}
	r := onlyReport(t, e)
	if len(r.Attachments) != 1 {
		t.Fatalf("report attachments %+v", r.Attachments)
	}
	v := url.Values{"action": {"register"}, "unit_code": {"QH001"}, "violation_kind": {"D01"}, "title": {"张某某吃空饷"},
		"facts": {"反映该局张某某长期不上班、工资照发。"}, "level": {"internal"}, web.CSRFField: {csrfOf(e, "sun.li")}}
	withVersion(e, r.ID, v)
	if res := e.req("POST", "/hotline/reports/"+r.ID+"/actions", "sun.li", "application/x-www-form-urlencoded", strings.NewReader(v.Encode())); res.Status != http.StatusSeeOther {
		t.Fatalf("register: %d %.400s", res.Status, res.Raw)
	}
	r = onlyReport(t, e)
	if r.CaseNo == "" {
		t.Fatal("the report records no case")
	}
	ev, err := e.Docs.EvidenceOf(ctx, cases.GlobalScope, r.CaseNo)
	if err != nil || len(ev) != 1 || ev[0].Name != "考勤记录.pdf" || ev[0].Size != int64(len(minimalPDF)) {
		t.Fatalf("evidence of %s: %+v %v", r.CaseNo, ev, err)
	}
	want := documents.AdoptedID(hotline.Origin(r.ID), r.Attachments[0].ID)
	if ev[0].ID != want {
		t.Fatalf("evidence ID %s, want %s (derived from the report and the file)", ev[0].ID, want)
	}
	page := e.req("GET", "/cases/"+r.CaseNo, "li.ming", "", nil)
	if !strings.Contains(page.Raw, "考勤记录.pdf") || !strings.Contains(page.Raw, "/cases/"+r.CaseNo+"/evidence/"+want) {
		t.Fatalf("the case page does not list the report's file: %.600s", page.Raw)
	}
	if res := e.req("GET", "/cases/"+r.CaseNo+"/evidence/"+want, "li.ming", "", nil); res.Status != 200 || res.Raw != minimalPDF {
		t.Fatalf("evidence file: %d", res.Status)
	}
	t.Run("RetryAddsNothing", func(t *testing.T) {
		before := e.counts()
		again, err := e.Docs.AdoptEvidence(ctx, cases.Actor{ID: "sun.li"}, r.CaseNo, want, "考勤记录.pdf", []byte(minimalPDF))
		if err != nil || again.ID != want {
			t.Fatalf("adopt again: %+v %v", again, err)
		}
		ev, _ := e.Docs.EvidenceOf(ctx, cases.GlobalScope, r.CaseNo)
		if len(ev) != 1 {
			t.Fatalf("%d evidence records after a retry", len(ev))
		}
		for col, n := range e.counts() {
			if before[col] != n {
				t.Errorf("%s: %d documents, was %d", col, n, before[col])
			}
		}
	})
	t.Run("ErrOtherCase", func(t *testing.T) {
		other := e.register("QH001", cases.LevelInternal)
		_, err := e.Docs.AdoptEvidence(ctx, cases.Actor{ID: "sun.li"}, other, want, "考勤记录.pdf", []byte(minimalPDF))
		if cases.ErrorCode(err) != cases.ECONFLICT {
			t.Fatalf("adopt into another case: %v", err)
		}
	})
}

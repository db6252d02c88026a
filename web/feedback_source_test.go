package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
)

// TestFeedbackPageOffersNoLetterForSelfFoundProblems: the problems of the
// office's own special inspection have no referrer, so the feedback page
// says why and offers no letter; posting one anyway is refused with the
// form shown again and nothing issued.
func TestFeedbackPageOffersNoLetterForSelfFoundProblems(t *testing.T) {
	e := newEnv(t)
	reg := casetest.Registration("QH001")
	reg.Source, reg.SourceRef = "special", "云编督〔2026〕3号"
	k, _, err := e.Service.Register(context.Background(), cases.GlobalScope, casetest.Office, reg, "")
	if err != nil {
		t.Fatal(err)
	}
	page := e.req("GET", "/feedback/new?ref="+url.QueryEscape(reg.SourceRef), "li.ming", "", nil)
	if page.Status != 200 || !strings.Contains(page.Raw, `id="no-letter"`) || !strings.Contains(page.Raw, "专项督查是本办自行开展的") || strings.Contains(page.Raw, `method="post" action="/feedback/new"`) {
		t.Fatalf("feedback page of a special inspection: %d\n%s", page.Status, page.Raw)
	}
	_, csrf := e.session("li.ming")
	form := url.Values{"csrf_token": {csrf}, "ref": {reg.SourceRef}, "addressee": {"某单位"}, "case": {k.No}}
	r := e.req("POST", "/feedback/new", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if r.Status != 422 || !strings.Contains(r.Raw, "专项督查是本办自行开展的") || !strings.Contains(r.Raw, `value="某单位"`) {
		t.Fatalf("a letter for a special inspection: %d\n%s", r.Status, r.Raw)
	}
	if ds, _ := e.Docs.Documents(context.Background(), cases.GlobalScope, k.No); len(ds) != 0 {
		t.Fatalf("a refused letter was issued: %+v", ds)
	}
}

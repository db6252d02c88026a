package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/clue"
	"rectify/templates/pdftest"
	"rectify/web"
)

// TestAuditClueMerge: the office confirms a clue into an existing case of
// its unit: the case records the audit referral as one more source, the
// clue records the case, no second case is registered, and the letter to
// the audit office names the case. A clue's text with an ID or mobile
// number needs the register form's confirmation.
func TestAuditClueMerge(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	no := e.register("QH001", cases.LevelInternal)
	r := e.auditReferral("云审移〔2026〕9号", e.Service.Today())
	decide := func(clueID string, v url.Values) response {
		v.Set(web.CSRFField, csrfOf(e, "li.ming"))
		return e.req("POST", "/audit-clues/"+clueID+"/decision", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	}
	_, total, _ := e.Service.Cases(ctx, cases.CaseFilter{Scope: cases.GlobalScope})
	t.Run("ErrOtherUnit", func(t *testing.T) {
		res := decide(r.Clues[1].ID, url.Values{"outcome": {"confirmed"}, "merge_into": {no}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Raw, "只能并入同一单位的问题") {
			t.Fatalf("%d %.400s", res.Status, res.Raw)
		}
	})
	t.Run("ErrNoSuchCase", func(t *testing.T) {
		res := decide(r.Clues[0].ID, url.Values{"outcome": {"confirmed"}, "merge_into": {"2026-9999"}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Raw, "没有编号为 2026-9999 的问题") {
			t.Fatalf("%d %.400s", res.Status, res.Raw)
		}
	})
	t.Run("OK", func(t *testing.T) {
		res := decide(r.Clues[0].ID, url.Values{"outcome": {"confirmed"}, "merge_into": {no}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("merge: %d %.400s", res.Status, res.Raw)
		}
		k, err := e.Service.Case(ctx, cases.GlobalScope, no)
		if err != nil {
			t.Fatal(err)
		}
		var found int
		for _, s := range k.Sources {
			if s.Source == clue.Source && s.Ref == r.ReportNo && s.Origin == "clue:"+r.Clues[0].ID {
				found++
			}
		}
		if found != 1 {
			t.Fatalf("sources of %s: %+v", no, k.Sources)
		}
		d, err := e.DB.FindDecision(ctx, r.Clues[0].ID)
		if err != nil || !d.Merged || d.CaseNo != no {
			t.Fatalf("decision %+v %v", d, err)
		}
		// Again (a double click): the same decision, no second source.
		if res := decide(r.Clues[0].ID, url.Values{"outcome": {"confirmed"}, "merge_into": {no}}); res.Status != http.StatusSeeOther {
			t.Fatalf("again: %d", res.Status)
		}
		k, _ = e.Service.Case(ctx, cases.GlobalScope, no)
		if n := len(k.Sources); n != 2 {
			t.Fatalf("%d sources after a repeat: %+v", n, k.Sources)
		}
		if _, n, _ := e.Service.Cases(ctx, cases.CaseFilter{Scope: cases.GlobalScope}); n != total {
			t.Fatalf("%d cases, was %d: a merge registered one", n, total)
		}
		page := e.req("GET", "/audit-referrals/"+r.ID, "li.ming", "", nil)
		if !strings.Contains(page.Raw, "并入问题 <a href=\"/cases/"+no+"\">") {
			t.Fatalf("the referral page does not show the merge: %.600s", page.Raw)
		}
	})
	t.Run("PersonalDataConfirmed", func(t *testing.T) {
		v := url.Values{"outcome": {"confirmed"}, "facts": {"混岗人员手机13912345678，2名事业人员在机关岗位工作。"}}
		res := decide(r.Clues[1].ID, v)
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Raw, `name="confirm_personal_data"`) || !strings.Contains(res.Raw, "13912345678") {
			t.Fatalf("unconfirmed: %d %.600s", res.Status, res.Raw)
		}
		if _, err := e.DB.FindDecision(ctx, r.Clues[1].ID); cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Fatalf("a refused decision was recorded: %v", err)
		}
		v.Set("confirm_personal_data", "on")
		if res := decide(r.Clues[1].ID, v); res.Status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d %.400s", res.Status, res.Raw)
		}
	})
	t.Run("LetterNamesTheCase", func(t *testing.T) {
		_, pdf, err := e.Clues.Feedback(ctx, cases.GlobalScope, casetest.Office, r.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, pdf)
		for _, want := range []string{no, "并入已登记的问题"} {
			if !strings.Contains(text, want) {
				t.Errorf("the letter lacks %q:\n%s", want, text)
			}
		}
	})
}

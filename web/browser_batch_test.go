package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/templates/pdftest"
)

// TestBrowserPatrolBatch: the office registers a patrol letter of five
// problems by uploading the XLSX template filled in, the problems are
// settled (two now, three later), an interim letter answers the first two,
// and once all are settled the feedback letter lists every problem with
// its ledger number and outcome (its PDF read back with pdftotext). The
// batch page fits a phone's width.
func TestBrowserPatrolBatch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "问题清单.xlsx")
	if err := os.WriteFile(file, e.batchXLSX(fiveItems()), 0o644); err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	e.browserLogin(t, b, "li.ming")
	run(t, b, "open the batch form from the list",
		chromedp.Navigate(e.srv.URL+"/batches"),
		chromedp.Click(`a[href="/batches/new"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action="/batches/new"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/batches/template.xlsx"]`, chromedp.ByQuery))
	f := letterFields()
	steps := []chromedp.Action{}
	for _, name := range []string{"office", "letter_no", "round", "team"} {
		steps = append(steps, chromedp.SendKeys(`form[action="/batches/new"] [name=`+name+`]`, f.Get(name), chromedp.ByQuery))
	}
	steps = append(steps,
		chromedp.SetValue(`[name=received]`, "2026-03-02", chromedp.ByQuery),
		chromedp.SetUploadFiles(`input[name=sheet]`, []string{file}, chromedp.ByQuery))
	run(t, b, "fill in the letter and choose the file", steps...)
	screenshot(t, b, "desktop-office-batch-new.png")
	var loc string
	run(t, b, "register the batch",
		chromedp.Click(`form[action="/batches/new"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#batch-items`, chromedp.ByQuery),
		chromedp.Location(&loc))
	if flash := text(t, b, ".flash"); !strings.Contains(flash, "已登记移交函 "+testLetter+" 的 5 个问题") {
		t.Fatalf("flash %q", flash)
	}
	id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], e.srv.URL+"/batches/")
	var rows int
	run(t, b, "count the items", chromedp.Evaluate(`document.querySelectorAll('#batch-items tbody tr').length`, &rows))
	if rows != 5 {
		t.Fatalf("%d items on the page", rows)
	}
	got := e.json("GET", "/api/v1/referral-batches/"+id, office, nil)
	var nos []string
	for _, it := range got.Body["items"].([]any) {
		nos = append(nos, it.(map[string]any)["case_no"].(string))
	}
	if len(nos) != 5 {
		t.Fatalf("case numbers %v", nos)
	}

	step := func(no string, actor cases.Actor, a cases.Action, in cases.Input) {
		t.Helper()
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, actor, a, in, "", 0); err != nil {
			t.Fatalf("%s %s: %v", a, no, err)
		}
	}
	dismiss := func(no, reason string) {
		step(no, casetest.Office, cases.ActionStartVerification, cases.Input{})
		step(no, casetest.Office, cases.ActionDismiss, cases.Input{Reason: reason})
	}
	closeCase := func(no string) {
		step(no, casetest.Office, cases.ActionStartVerification, cases.Input{})
		step(no, casetest.Office, cases.ActionOrderRectification, cases.Input{Requirements: "清退超编人员", WorkingDays: 20})
		step(no, casetest.Office, cases.ActionSubmit, cases.Input{Report: "已清退超编人员2名", Evidence: []string{"清退文件"}})
		step(no, casetest.Office, cases.ActionConfirm, cases.Input{Note: "整改到位"})
		step(no, casetest.Approver, cases.ActionClose, cases.Input{Note: "同意销号"})
	}
	dismiss(nos[0], "经核查，所涉人员系按规定转任，编制使用符合规定")
	step(nos[1], casetest.Office, cases.ActionTransfer, cases.Input{Reference: "云纪移〔2026〕7号"})

	issue := func(what, want string) {
		t.Helper()
		run(t, b, what,
			chromedp.Navigate(e.srv.URL+"/batches/"+id),
			chromedp.Click(`#issue-feedback`, chromedp.ByQuery),
			chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
		if flash := text(t, b, ".flash"); !strings.Contains(flash, want) {
			t.Fatalf("%s: flash %q", what, flash)
		}
	}
	issue("issue the interim letter", "已印发阶段性反馈函")
	closeCase(nos[2])
	closeCase(nos[3])
	dismiss(nos[4], "经核查，超出人员已于移交前核减")
	run(t, b, "the batch is settled", chromedp.Navigate(e.srv.URL+"/batches/"+id), chromedp.WaitVisible(`#batch-progress`, chromedp.ByQuery))
	if p := text(t, b, "#batch-progress"); !strings.Contains(p, "已办结 5 个（全部办结）") {
		t.Fatalf("progress %q", p)
	}
	issue("issue the feedback letter", "已印发反馈函")
	screenshot(t, b, "desktop-office-batch-answered.png")
	if s := text(t, b, "#batch-letters"); !strings.Contains(s, "全部问题已办结并反馈") || strings.Count(s, "反馈函") < 3 {
		t.Fatalf("letters %q", s)
	}
	var href string
	run(t, b, "the letter's link", chromedp.Evaluate(`Array.from(document.querySelectorAll('#batch-letters a')).pop().getAttribute('href')`, &href))
	pdf := e.req("GET", href, office, "", nil)
	if pdf.Status != 200 || !strings.HasPrefix(pdf.Raw, "%PDF") {
		t.Fatalf("letter %s: %d", href, pdf.Status)
	}
	txt := pdftest.Text(t, []byte(pdf.Raw))
	for _, want := range append([]string{"中共云州市委巡察工作领导小组办公室", testLetter, "移交的5项问题已收悉", "查无实据", "云纪移〔2026〕7号", "销号", "巡察发现的第5个问题"}, nos...) {
		if !strings.Contains(txt, want) {
			t.Errorf("the feedback letter lacks %q", want)
		}
	}

	phone(t, b)
	run(t, b, "the batch page on a phone", chromedp.Navigate(e.srv.URL+"/batches/"+id), chromedp.WaitVisible(`#batch-items`, chromedp.ByQuery))
	fitsWidth(t, b, "the batch page", phoneWidth)
	screenshot(t, b, "phone-office-batch.png")
	run(t, b, "the batch list on a phone", chromedp.Navigate(e.srv.URL+"/batches"), chromedp.WaitVisible(`#batches`, chromedp.ByQuery))
	fitsWidth(t, b, "the batch list", phoneWidth)
	run(t, b, "the batch form on a phone", chromedp.Navigate(e.srv.URL+"/batches/new"), chromedp.WaitVisible(`form[action="/batches/new"]`, chromedp.ByQuery))
	fitsWidth(t, b, "the batch form", phoneWidth)
}

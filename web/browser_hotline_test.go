package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/hotline"
)

// TestBrowserHotlineJourney: a member of the public reports from a phone,
// keeps the receipt and secret, and later answers the office's question
// from the phone; an operator triages the report, sees its likely twin,
// and registers it as a case that names the hotline as its source.
func TestBrowserHotlineJourney(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// An earlier case of the same unit about the same matter: the twin.
	reg := casetest.Registration("QH001")
	reg.Kind, reg.Title, reg.Facts = "D01", "清河县教育局张某某吃空饷", "巡察发现该局职工张某某长期不上班，工资照发。"
	twin, _, err := e.Service.Register(ctx, cases.GlobalScope, casetest.Office, reg, "")
	if err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	phone(t, b)

	// The public form, on a phone, with no account.
	id := ""
	run(t, b, "open the public form", chromedp.Navigate(e.srv.URL+"/report"), chromedp.WaitVisible(`img.captcha`, chromedp.ByQuery),
		chromedp.Value(`input[name=captcha_id]`, &id, chromedp.ByQuery))
	fitsWidth(t, b, "the public report form", phoneWidth)
	var imgOK bool
	run(t, b, "the challenge image loads", chromedp.Evaluate(`document.querySelector('img.captcha').naturalWidth > 0`, &imgOK))
	if !imgOK {
		t.Fatal("the challenge image did not load")
	}
	screenshot(t, b, "phone-report-form.png")
	run(t, b, "fill in and submit",
		chromedp.SetValue(`select[name=unit_code]`, "QH001", chromedp.ByQuery),
		chromedp.SendKeys(`textarea[name=allegation]`, "清河县教育局职工张某某自2023年起长期不上班，人在外地做生意，工资照发，属于吃空饷。", chromedp.ByQuery),
		chromedp.SendKeys(`input[name=reporter_phone]`, "13912345678", chromedp.ByQuery),
		chromedp.SendKeys(`input[name=captcha]`, e.Server.CaptchaAnswer(id), chromedp.ByQuery),
		chromedp.Click(`#report button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#receipt`, chromedp.ByQuery))
	receipt, secret := text(t, b, "#receipt"), text(t, b, "#secret")
	if len(hotline.Normalize(receipt)) != hotline.ReceiptLen || len(hotline.Normalize(secret)) != hotline.SecretLen {
		t.Fatalf("receipt %q, secret %q", receipt, secret)
	}
	fitsWidth(t, b, "the receipt", phoneWidth)
	screenshot(t, b, "phone-report-receipt.png")

	// The operator, on a desktop: the header counts the report to triage.
	run(t, b, "desktop viewport", chromedp.EmulateViewport(1440, 1000))
	e.browserLogin(t, b, "sun.li")
	run(t, b, "the triage queue", chromedp.Navigate(e.srv.URL+"/hotline"), chromedp.WaitVisible(`#reports`, chromedp.ByQuery))
	if s := text(t, b, "nav.queues"); !strings.Contains(s, "待分办1") && !strings.Contains(s, "待分办 1") {
		t.Fatalf("header queues: %q", s)
	}
	run(t, b, "open the report", chromedp.Click(`#reports td.no a`, chromedp.ByQuery), chromedp.WaitVisible(`#twins`, chromedp.ByQuery))
	if s := text(t, b, "#twins"); !strings.Contains(s, twin.No) {
		t.Fatalf("the twin %s is not shown: %q", twin.No, s)
	}
	if s := text(t, b, "#reporter"); strings.Contains(s, "13912345678") {
		t.Fatal("the identity is shown before it is asked for")
	}
	screenshot(t, b, "hotline-report.png")
	hotlineAct(t, b, "ask", map[string]string{"text": "请问张某某是哪个科室的？"})
	e.browserLogout(t, b)

	// The reporter, on the phone again, checks and answers.
	phone(t, b)
	run(t, b, "check the status",
		chromedp.Navigate(e.srv.URL+"/report/status"), chromedp.WaitVisible(`#status-form`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name=receipt]`, receipt, chromedp.ByQuery),
		chromedp.SendKeys(`input[name=secret]`, secret, chromedp.ByQuery),
		chromedp.Click(`#status-form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#public-status`, chromedp.ByQuery))
	if s := text(t, b, "#public-status"); s != "核实中" {
		t.Fatalf("public status %q", s)
	}
	if s := text(t, b, ".question"); !strings.Contains(s, "哪个科室") {
		t.Fatalf("the question is not shown: %q", s)
	}
	fitsWidth(t, b, "the status page", phoneWidth)
	var loc string
	run(t, b, "answer", chromedp.SendKeys(`.answer-form textarea`, "人事科，他的工号是 0815", chromedp.ByQuery),
		chromedp.Click(`.answer-form button`, chromedp.ByQuery), chromedp.WaitVisible(`.question .answer`, chromedp.ByQuery),
		chromedp.Location(&loc))
	if strings.Contains(loc, hotline.Normalize(secret)) || strings.Contains(loc, secret) {
		t.Fatalf("the secret is in the URL: %s", loc)
	}
	screenshot(t, b, "phone-report-status.png")

	// The operator registers the report as a case.
	run(t, b, "desktop viewport", chromedp.EmulateViewport(1440, 1000))
	e.browserLogin(t, b, "sun.li")
	r := onlyReport(t, e)
	run(t, b, "open the report again", chromedp.Navigate(e.srv.URL+"/hotline/reports/"+r.ID), chromedp.WaitVisible(`#conversation`, chromedp.ByQuery))
	if s := text(t, b, "#conversation"); !strings.Contains(s, "人事科") {
		t.Fatalf("the answer is not shown: %q", s)
	}
	run(t, b, "choose the kind", chromedp.Evaluate(`document.querySelector('#act-register').open = true`, nil),
		chromedp.SetValue(`#act-register select[name=violation_kind]`, "D01", chromedp.ByQuery))
	// The open twin is named on the register form too: registering a case
	// of its own needs it acknowledged.
	if s := text(t, b, "#register-twins"); !strings.Contains(s, twin.No) {
		t.Fatalf("the register form does not name the twin %s: %q", twin.No, s)
	}
	run(t, b, "acknowledge the twin", chromedp.Click(`#register-twins input[name=twins_ack]`, chromedp.ByQuery))
	hotlineAct(t, b, "register", nil)
	no := text(t, b, "#report-case")
	k, err := e.Service.Case(ctx, cases.GlobalScope, no)
	if err != nil {
		t.Fatal(err)
	}
	if k.Source != "hotline" || k.Origin != "report:"+r.ID || k.SourceRef != "12310-"+r.ID {
		t.Fatalf("case %s: source %s, origin %s, ref %s", no, k.Source, k.Origin, k.SourceRef)
	}
	if s := text(t, b, "#report-state"); !strings.Contains(s, "已立案") {
		t.Fatalf("report state %q", s)
	}
	// The reporter sees it under verification while its case is open.
	got, err := e.Hotline.Status(ctx, receipt, secret)
	if err != nil || got.PublicStatus() != "核实中" {
		t.Fatalf("public status after registering: %v %v", got.State, err)
	}
}

// hotlineAct opens an action's block on the report page, fills and submits it.
func hotlineAct(t *testing.T, ctx context.Context, action string, fields map[string]string) {
	t.Helper()
	form := `#act-` + action + ` form`
	steps := []chromedp.Action{
		chromedp.Evaluate(`document.querySelector('#act-`+action+`').open = true`, nil),
		chromedp.WaitVisible(form+` button`, chromedp.ByQuery),
	}
	for name, v := range fields {
		steps = append(steps, chromedp.SendKeys(form+` [name=`+name+`]`, v, chromedp.ByQuery))
	}
	steps = append(steps, chromedp.Evaluate(`document.querySelectorAll('.flash').forEach(e => e.remove())`, nil),
		chromedp.Click(form+` button`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	run(t, ctx, action, steps...)
}

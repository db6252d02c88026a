package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/templates/pdftest"
)

// TestBrowserPatrolBriefing: the office creates a round in the console and
// assigns a new team (member ma.li, unit QH002); ma.li then opens the
// briefing of QH002 from the round page, gets 404 for QH001 (another
// team's unit), and the briefing's PDF holds QH002's establishment figures
// and its open ledger number (read back with pdftotext). The office sends
// the briefing; the team sees it listed. The pages fit a phone's width.
func TestBrowserPatrolBriefing(t *testing.T) {
	e := newEnv(t)
	if err := e.Access.CreateUser(context.Background(), access.User{ID: "ma.li", Name: "马力", Roles: []cases.Role{cases.RolePatrol},
		Region: []string{"江南省", "云州市"}}, testPassword); err != nil {
		t.Fatal(err)
	}
	open := e.register("QH002", cases.LevelInternal)
	other := e.register("QH001", cases.LevelInternal)
	today, _ := time.Parse(time.DateOnly, e.Service.Today())

	b := browser(t)
	e.browserLogin(t, b, "li.ming")
	run(t, b, "open the round form from the list",
		chromedp.Navigate(e.srv.URL+"/patrol"),
		chromedp.Click(`a[href="/patrol/rounds/new"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#round-form`, chromedp.ByQuery))
	run(t, b, "fill in the round and its first team",
		chromedp.SendKeys(`#round-form [name=name]`, "十一届市委第五轮巡察", chromedp.ByQuery),
		chromedp.SetValue(`#round-form [name=start]`, today.Format(time.DateOnly), chromedp.ByQuery),
		chromedp.SetValue(`#round-form [name=end]`, today.AddDate(0, 2, 0).Format(time.DateOnly), chromedp.ByQuery),
		chromedp.SendKeys(`#round-form [name=team_name_0]`, "市委第五巡察组", chromedp.ByQuery),
		chromedp.Click(`#round-form input[name=team_members_0][value="ma.li"]`, chromedp.ByQuery),
		chromedp.SendKeys(`#round-form [name=team_units_0]`, "QH002", chromedp.ByQuery))
	var loc string
	run(t, b, "save the round",
		chromedp.Click(`#round-form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`section.team`, chromedp.ByQuery),
		chromedp.Location(&loc))
	if flash := text(t, b, ".flash"); !strings.Contains(flash, "已保存十一届市委第五轮巡察") {
		t.Fatalf("flash %q", flash)
	}
	screenshot(t, b, "desktop-office-patrol-round-created.png")
	roundPath := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], e.srv.URL)
	e.browserLogout(t, b)

	e.browserLogin(t, b, "ma.li")
	run(t, b, "the patrol user opens the briefing from the round",
		chromedp.Navigate(e.srv.URL+"/patrol"),
		chromedp.Click(`#rounds a[href="`+roundPath+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`section.team`, chromedp.ByQuery),
		chromedp.Click(`section.team a[href="/units/QH002/briefing"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#focus`, chromedp.ByQuery))
	if fig := text(t, b, "#figures"); !strings.Contains(fig, "事业编制") || !strings.Contains(fig, "300") || !strings.Contains(fig, "超编 10") {
		t.Errorf("figures %q", fig)
	}
	if cs := text(t, b, "#open-cases"); !strings.Contains(cs, open) || strings.Contains(cs, other) {
		t.Errorf("open cases %q", cs)
	}
	screenshot(t, b, "desktop-patrol-briefing.png")
	run(t, b, "another team's unit", chromedp.Navigate(e.srv.URL+"/units/QH001/briefing"), chromedp.WaitVisible(`main h1`, chromedp.ByQuery))
	if h := text(t, b, "main h1"); h != "404" {
		t.Errorf("another team's unit shows %q, want 404", h)
	}
	var href string
	run(t, b, "the PDF link", chromedp.Navigate(e.srv.URL+"/units/QH002/briefing"), chromedp.WaitVisible(`#focus`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('a[href$="/briefing/pdf"]').getAttribute('href')`, &href))
	pdf := e.req("GET", href, "ma.li", "", nil)
	if pdf.Status != 200 || !strings.HasPrefix(pdf.Raw, "%PDF") {
		t.Fatalf("pdf %s: %d", href, pdf.Status)
	}
	txt := strings.Join(strings.Fields(pdftest.Text(t, []byte(pdf.Raw))), "")
	for _, want := range []string{"内部", "市委第五巡察组", "清河县人民医院", "事业编制：核定300名，实有310名", "超编10名", open} {
		if !strings.Contains(txt, want) {
			t.Errorf("the briefing PDF lacks %q", want)
		}
	}
	if r := e.req("GET", "/units/QH001/briefing/pdf", "ma.li", "", nil); r.Status != 404 {
		t.Errorf("another team's unit's PDF: %d", r.Status)
	}

	phone(t, b)
	run(t, b, "the briefing on a phone", chromedp.Navigate(e.srv.URL+"/units/QH002/briefing"), chromedp.WaitVisible(`#focus`, chromedp.ByQuery))
	fitsWidth(t, b, "the briefing", phoneWidth)
	screenshot(t, b, "phone-patrol-briefing.png")
	run(t, b, "the round on a phone", chromedp.Navigate(e.srv.URL+roundPath), chromedp.WaitVisible(`section.team`, chromedp.ByQuery))
	fitsWidth(t, b, "the round page", phoneWidth)
	e.browserLogout(t, b)

	e.browserLogin(t, b, "li.ming")
	run(t, b, "the office sends the briefing",
		chromedp.Navigate(e.srv.URL+"/units/QH002/briefing"),
		chromedp.WaitVisible(`#send-briefing`, chromedp.ByQuery),
		chromedp.SetValue(`#send-briefing [name=level]`, "secret", chromedp.ByQuery),
		chromedp.Click(`#send-briefing button`, chromedp.ByQuery),
		chromedp.WaitVisible(`ul.sent-briefings a`, chromedp.ByQuery))
	if flash := text(t, b, ".flash"); !strings.Contains(flash, "已将清河县人民医院的巡察前通报发送给市委第五巡察组") {
		t.Errorf("flash %q", flash)
	}
	run(t, b, "the round form on a phone", chromedp.Navigate(e.srv.URL+roundPath), chromedp.WaitVisible(`#round-form`, chromedp.ByQuery))
	fitsWidth(t, b, "the round form", phoneWidth)
}

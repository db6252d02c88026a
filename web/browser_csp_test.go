package web_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rectify/cases"
	"rectify/cases/hotline"
	"rectify/cases/patrol"
)

// TestBrowserEveryPageKeepsThePolicy visits each page of the console, so
// that the Content-Security-Policy watch of browser() sees every template:
// a style attribute on a page no journey passes would otherwise go unseen.
func TestBrowserEveryPageKeepsThePolicy(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	_, tok, err := e.Access.CreateToken(context.Background(), "admin", "人社局编制联动系统", []cases.Role{cases.RoleLiaison}, []string{"江南省", "云州市"})
	if err != nil {
		t.Fatal(err)
	}
	batch := e.apiBatch(2, nil).Body["id"].(string)
	ref := e.auditReferral("云审移〔2026〕5号", e.Service.Today())
	sub, err := e.Hotline.Submit(context.Background(), cases.GlobalScope, "sun.li", hotline.Intake{Channel: hotline.ChannelPhone, ReceivedAt: time.Now(),
		UnitCode: "QH001", Allegation: "清河县教育局张某某长期不上班，工资照发。", Reporter: hotline.Reporter{Name: "王五"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	assessWorld(t, e)
	rw := rosterWorld(t, e)
	b := browser(t)
	run(t, b, "login page", chromedp.Navigate(e.srv.URL+"/login"), chromedp.WaitVisible(`input[name=username]`, chromedp.ByQuery))
	for _, tc := range []struct{ user, path, sel, shot string }{
		{"li.ming", "/", "header nav", ""},
		{"li.ming", "/ledger", "#ledger", "desktop-office-ledger-filters.png"},
		{"li.ming", "/cases/new", `form[action="/cases/new"]`, "desktop-office-register.png"},
		{"li.ming", "/cases/" + no, "#timeline", ""},
		{"li.ming", "/units", "main table", ""},
		{"li.ming", "/units?flag=over", "#unit-flags a.on", "desktop-office-units-over.png"},
		{"li.ming", "/units?flag=suspended", "#units .badge.halted", ""},
		{"li.ming", "/units/QH002", "#overages", ""},
		{"li.ming", "/units/QH001", "main h1", ""},
		{"li.ming", "/feedback/new", "main h1", ""},
		{"li.ming", "/todo", "nav.queues", "desktop-office-todo.png"},
		{"li.ming", "/notices/new?unit=QH001", "main h1", ""},
		{"li.ming", "/password", "main form", ""},
		{"li.ming", "/verify/nosuchcode", "main", ""},
		{"li.ming", "/cases/2026-9999", "main", ""},
		{"li.ming", "/nosuchpage", "main", ""},
		{"li.ming", "/assessment", "#rounds", ""},
		{"li.ming", "/assessment/rounds/" + round26, "#unit-set", ""},
		{"li.ming", "/assessment/rounds/" + round26 + "/units/QH001", "#summary", ""},
		{"li.ming", "/assessment/rounds/" + round26 + "/results", "#standings", ""},
		{"he.ping", "/assessment/rounds/" + round26 + "/units/QH001", "#grid", ""},
		{"he.ping", "/assessment/catalog/2026", "#catalog-tree", "desktop-reviewer-assessment-catalog.png"},
		{"unit.qh001", "/assessment/rounds/" + round26 + "/units/QH001/self", "#self-form", "desktop-unit-assessment-self.png"},
		{"li.ming", "/assessment/rounds/" + round26 + "/units/QH001/self", "#self-progress", ""},
		{"admin", "/admin/access-log", "main table", "desktop-admin-access-log.png"},
		{"admin", "/admin/users", "#new-user", "desktop-admin-users.png"},
		{"admin", "/admin/users/li.ming", "#reset-password", "desktop-admin-user.png"},
		{"admin", "/admin/tokens", "#new-token", ""},
		{"admin", "/admin/tokens/" + tok.Short() + "/revoke", "#revoke-token", ""},
		{"li.ming", "/batches", "#batches", ""},
		{"li.ming", "/patrol", "#rounds", ""},
		{"li.ming", "/patrol/rounds/new", "#round-form", ""},
		{"li.ming", "/patrol/rounds/" + patrol.RoundID(testRound), "#round-form", "desktop-office-patrol-round.png"},
		{"li.ming", "/units/QH001/briefing", "#send-briefing", "desktop-office-briefing.png"},
		{"zhou.qiang", "/patrol", "#rounds", ""},
		{"zhou.qiang", "/patrol/rounds/" + patrol.RoundID(testRound), "section.team", ""},
		{"zhou.qiang", "/units/QH001/briefing", "#focus", ""},
		{"li.ming", "/batches/new", `form[action="/batches/new"]`, ""},
		{"li.ming", "/batches/" + batch, "#batch-items", ""},
		{"li.ming", "/audit-referrals", "#audit-referrals", ""},
		{"li.ming", "/audit-referrals/new", `form[action="/audit-referrals/new"]`, ""},
		{"li.ming", "/audit-referrals/" + ref.ID, "section.clue", ""},
		{"wang.fang", "/audit-referrals/" + ref.ID, "section.clue", ""},
		{"sun.li", "/hotline", "#reports", "desktop-hotline-queue.png"},
		{"sun.li", "/hotline?all=1", "#reports", ""},
		{"sun.li", "/hotline/new", "#hotline-new", "desktop-hotline-new.png"},
		{"sun.li", "/hotline/reports/" + sub.Report.ID, "#report-actions", ""},
		{"sun.li", "/report", "img.captcha", ""},
		{"sun.li", "/report/status", "#status-form", ""},
		{"li.ming", "/roster", "#snapshots", "desktop-office-roster.png"},
		{"li.ming", "/roster/import", `form[action="/roster/import"]`, ""},
		{"li.ming", rw.job, "#roster-errors", ""},
		{"li.ming", "/roster/snapshots/" + rw.snap, "#snapshot-units", ""},
		{"li.ming", "/roster/snapshots/" + rw.snap + "/units/QH001", "#roster-persons", ""},
		{"li.ming", "/warnings", "#warnings", "desktop-office-warnings.png"},
		{"li.ming", "/warnings?change=resolved", "#warnings", ""},
		{"li.ming", "/warnings/" + rw.warning, "#warning-facts", ""},
		{"wang.fang", "/warnings/" + rw.warning, "#warning-facts", ""},
	} {
		e.browserLogin(t, b, tc.user)
		run(t, b, tc.user+" opens "+tc.path, chromedp.Navigate(e.srv.URL+tc.path), chromedp.WaitVisible(tc.sel, chromedp.ByQuery))
		if tc.shot != "" {
			screenshot(t, b, tc.shot)
		}
		e.browserLogout(t, b)
	}

	// What the dropped styles used to break: the register form's width and
	// the ledger's export buttons on the line of the filters.
	e.browserLogin(t, b, "li.ming")
	var width float64
	run(t, b, "register form width", chromedp.Navigate(e.srv.URL+"/cases/new"),
		chromedp.Evaluate(`document.querySelector('form[action="/cases/new"]').getBoundingClientRect().width`, &width))
	if width > 900 {
		t.Errorf("the register form is %.0f px wide, want at most 900", width)
	}
	var tops []float64
	run(t, b, "ledger filter line", chromedp.Navigate(e.srv.URL+"/ledger"),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('form.filters button, form.filters a.button')).map(el => Math.round(el.getBoundingClientRect().top))`, &tops))
	for _, top := range tops {
		if len(tops) != 5 || top != tops[0] {
			t.Errorf("at 1440 px the ledger's search and export buttons are not on one line: tops %v", tops)
			break
		}
	}
}

// inlineStyle matches what style-src 'self' drops: a style attribute or a
// style element.
var inlineStyle = regexp.MustCompile(`(?i)\sstyle\s*=|<style[\s>]`)

// TestTemplatesHaveNoInlineStyle names, by file and line, any style the
// Content-Security-Policy would drop, including on pages the browser tests
// do not reach.
func TestTemplatesHaveNoInlineStyle(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("templates", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates found: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if inlineStyle.MatchString(line) {
				t.Errorf("%s:%d: inline style (move it to static/app.css): %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

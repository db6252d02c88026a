package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/documents"
)

// phoneWidth is a common phone's CSS width (iPhone 12 to 15).
const phoneWidth = 390

// phone makes the page a phone's: its width, and meta viewport honoured.
func phone(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
}

// fitsWidth fails when the page is wider than the window (the reader would
// have to scroll the whole page sideways) or when a header link or the
// brand breaks into more than one line (at 390 px the header once set its
// links one character per line).
// width is the screen's width; 0 takes the window's. (A phone's browser
// widens its window to an overflowing page, so there the window cannot be
// the measure.)
func fitsWidth(t *testing.T, ctx context.Context, what string, width int) {
	t.Helper()
	var page struct {
		Scroll, Inner int
		Wide          []string
		Broken        []string
	}
	run(t, ctx, "measure "+what, chromedp.Evaluate(`(() => {
		const lines = el => {
			const s = getComputedStyle(el);
			const h = el.getBoundingClientRect().height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
			return Math.round(h / parseFloat(s.lineHeight));
		};
		const inner = `+fmt.Sprint(width)+` || window.innerWidth;
		// What sticks out of the window, by its tag and text, to name it;
		// not what a scrolling box holds.
		const clipped = el => {
			for (let p = el.parentElement; p; p = p.parentElement) {
				if (p !== document.body && p !== document.documentElement && getComputedStyle(p).overflowX !== 'visible') return true;
			}
			return false;
		};
		const wide = Array.from(document.body.querySelectorAll('*'))
			.filter(el => el.getBoundingClientRect().right > inner + 0.5 && !clipped(el))
			.slice(0, 5).map(el => el.tagName + ' ' + (el.className || '') + ': ' + (el.innerText || '').slice(0, 30));
		const broken = Array.from(document.querySelectorAll('header nav a, header .brand'))
			.filter(el => lines(el) > 1).map(el => el.innerText + ' (' + lines(el) + ' lines)');
		return {Scroll: document.documentElement.scrollWidth, Inner: inner, Wide: wide, Broken: broken};
	})()`, &page))
	if page.Scroll > page.Inner {
		t.Errorf("%s: the page is %d px wide in a %d px window; sticking out: %s", what, page.Scroll, page.Inner, strings.Join(page.Wide, "; "))
	}
	if len(page.Broken) > 0 {
		t.Errorf("%s: header items break across lines: %s", what, strings.Join(page.Broken, "; "))
	}
}

// TestBrowserPhoneWidth opens the landing page, the ledger and a case page
// at a phone's width as the office and as the unit liaison, who works from
// a phone: nothing is wider than the screen and the header stays legible.
// Screenshots at phone and desktop width are written for a person to judge.
func TestBrowserPhoneWidth(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i, unit := range []string{"QH002", "QH001"} {
		n := e.register(unit, []cases.Level{cases.LevelSecret, cases.LevelInternal}[i])
		e.Service.Transition(ctx, cases.GlobalScope, n, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)
		e.Service.Transition(ctx, cases.GlobalScope, n, casetest.Office, cases.ActionOrderRectification,
			cases.Input{Requirements: "清退超编人员", WorkingDays: 30}, "", 0)
	}
	// The case shown: a notice with its number and hash, evidence with a
	// long file name, so that every table of the page has rows.
	no := e.register("QH001", cases.LevelInternal)
	e.Service.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)
	if r := e.json("POST", "/api/v1/notices", "li.ming", map[string]any{"unit_code": "QH001", "working_days": 30,
		"items": []map[string]any{{"no": no, "requirements": "将混岗人员调整回事业岗位，30个工作日内报送整改情况"}}}); r.Status != 201 {
		t.Fatalf("issue notice: %d %s", r.Status, r.Raw)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	if _, err := e.Docs.AddEvidence(ctx, cases.GlobalScope, testActor("unit.qh001", cases.RoleUnit), no,
		[]documents.Upload{{Name: "关于清河县教育局混岗使用事业编制人员整改情况的报告及岗位调整文件.pdf", Data: pdf}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ user, name string }{{"li.ming", "office"}, {"unit.qh001", "unit"}} {
		for _, width := range []string{"phone", "desktop"} {
			t.Run(tc.name+"-"+width, func(t *testing.T) {
				b := browser(t)
				e.browserLogin(t, b, tc.user)
				if width == "phone" {
					phone(t, b)
				}
				for _, p := range []struct{ name, path, sel string }{
					{"landing", "/", "header nav"},
					{"todo", "/todo", "nav.queues"},
					{"ledger", "/ledger", "#ledger"},
					{"case", "/cases/" + no, "#timeline"},
				} {
					run(t, b, "open "+p.path, chromedp.Navigate(e.srv.URL+p.path), chromedp.WaitVisible(p.sel, chromedp.ByQuery))
					what := fmt.Sprintf("%s's %s at %s width", tc.user, p.name, width)
					fitsWidth(t, b, what, map[string]int{"phone": phoneWidth}[width])
					screenshot(t, b, fmt.Sprintf("%s-%s-%s.png", width, tc.name, p.name))
				}
				// The forms of the case page, all open, fit as well.
				run(t, b, "open the action forms", chromedp.Evaluate(`document.querySelectorAll('.actions details').forEach(d => d.open = true)`, nil))
				fitsWidth(t, b, fmt.Sprintf("%s's case forms at %s width", tc.user, width), map[string]int{"phone": phoneWidth}[width])
				screenshot(t, b, fmt.Sprintf("%s-%s-case-forms.png", width, tc.name))
			})
		}
	}
}

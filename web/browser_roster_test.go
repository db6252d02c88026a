package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"rectify/cases/roster"
)

// TestBrowserRosterToCase: the office imports a small roster in the
// console (XLSX), follows the import's progress page to the snapshot, opens
// the red-light warnings, and turns the 死亡占编 warning into a ledger case
// in one click; the case shows the figures with the ID number masked, and
// the warning keeps the case number. The warning list fits a phone.
func TestBrowserRosterToCase(t *testing.T) {
	e := newEnv(t)
	rows, _ := testRoster()
	dead := rows[3][2]
	file := filepath.Join(t.TempDir(), "花名册.xlsx")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := roster.WriteXLSX(f, rows); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b := browser(t)
	e.browserLogin(t, b, "li.ming")
	run(t, b, "open the import form from the roster page",
		chromedp.Navigate(e.srv.URL+"/roster"),
		chromedp.Click(`a[href="/roster/import"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action="/roster/import"]`, chromedp.ByQuery),
		chromedp.SetValue(`[name=date]`, "2026-06-30", chromedp.ByQuery),
		chromedp.SetUploadFiles(`input[name=file]`, []string{file}, chromedp.ByQuery))
	screenshot(t, b, "desktop-office-roster-import.png")
	run(t, b, "import and wait for the snapshot",
		chromedp.Click(`form[action="/roster/import"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#snapshot-units`, chromedp.ByQuery))
	if flash := text(t, b, ".flash"); !strings.Contains(flash, "已导入花名册") {
		t.Fatalf("flash %q", flash)
	}
	if s := text(t, b, "#warning-summary"); !strings.Contains(s, "死亡占编") || !strings.Contains(s, "重复占编") {
		t.Fatalf("summary %q", s)
	}
	run(t, b, "open the warnings",
		chromedp.Click(`header nav a[href="/warnings"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#warnings`, chromedp.ByQuery))
	list := text(t, b, "#warnings")
	if !strings.Contains(list, "死亡占编") || strings.Contains(list, dead) || !strings.Contains(list, roster.MaskID(dead)) {
		t.Fatalf("warning list %q", list)
	}
	run(t, b, "open the deceased warning",
		chromedp.Navigate(e.srv.URL+"/warnings?rule=deceased"),
		chromedp.Click(`#warnings tbody tr a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#to-case`, chromedp.ByQuery))
	screenshot(t, b, "desktop-office-warning.png")
	run(t, b, "turn it into a case",
		chromedp.Click(`#to-case`, chromedp.ByQuery),
		chromedp.WaitVisible(`#timeline`, chromedp.ByQuery))
	if flash := text(t, b, ".flash"); !strings.Contains(flash, "预警已转为台账案件") {
		t.Fatalf("flash %q", flash)
	}
	page := text(t, b, "main")
	if !strings.Contains(page, "数据预警") || !strings.Contains(page, roster.MaskID(dead)) || strings.Contains(page, dead) {
		t.Fatalf("case page %q", page)
	}
	run(t, b, "back to the warning",
		chromedp.Navigate(e.srv.URL+"/warnings?rule=deceased"),
		chromedp.Click(`#warnings tbody tr a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#warning-case a`, chromedp.ByQuery))
	if s := text(t, b, "#warning-case"); !strings.HasPrefix(s, "20") {
		t.Fatalf("the warning does not show its case: %q", s)
	}
	phone(t, b)
	run(t, b, "warnings on a phone", chromedp.Navigate(e.srv.URL+"/warnings"), chromedp.WaitVisible(`#warnings`, chromedp.ByQuery))
	fitsWidth(t, b, "the warning list", phoneWidth)
	screenshot(t, b, "phone-office-warnings.png")
	run(t, b, "a warning on a phone", chromedp.Navigate(e.srv.URL+"/warnings?rule=double"), chromedp.Click(`#warnings tbody tr a`, chromedp.ByQuery), chromedp.WaitVisible(`#warning-facts`, chromedp.ByQuery))
	fitsWidth(t, b, "the warning page", phoneWidth)
}

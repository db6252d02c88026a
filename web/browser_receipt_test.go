package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReceiptCodesStayWhole reports from a phone (390 px, and a
// narrower 360 px one) and reads the receipt: the receipt code and the
// one-time secret each stay on one line (at 390 px the secret's last
// character once wrapped to a line of its own, to be misread or missed).
func TestBrowserReceiptCodesStayWhole(t *testing.T) {
	e := newEnv(t)
	for _, width := range []int64{phoneWidth, 360} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := browser(t)
			run(t, b, "phone viewport", chromedp.EmulateViewport(width, 800, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
			id := ""
			run(t, b, "open the public form", chromedp.Navigate(e.srv.URL+"/report"), chromedp.WaitVisible(`img.captcha`, chromedp.ByQuery),
				chromedp.Value(`input[name=captcha_id]`, &id, chromedp.ByQuery))
			run(t, b, "fill in and submit",
				chromedp.SetValue(`select[name=unit_code]`, "QH001", chromedp.ByQuery),
				chromedp.SendKeys(`textarea[name=allegation]`, "清河县教育局职工张某某长期不上班，工资照发。", chromedp.ByQuery),
				chromedp.SendKeys(`input[name=captcha]`, e.Server.CaptchaAnswer(id), chromedp.ByQuery),
				chromedp.Click(`#report button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`#secret`, chromedp.ByQuery))
			var lines map[string]int
			run(t, b, "measure the codes", chromedp.Evaluate(`(() => {
				const lines = el => {
					const r = document.createRange(); r.selectNodeContents(el);
					return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size;
				};
				return {receipt: lines(document.querySelector('#receipt')), secret: lines(document.querySelector('#secret'))};
			})()`, &lines))
			for _, code := range []string{"receipt", "secret"} {
				if lines[code] != 1 {
					t.Errorf("at %d px the %s takes %d lines, want 1", width, code, lines[code])
				}
			}
			fitsWidth(t, b, "the receipt", int(width))
		})
	}
}

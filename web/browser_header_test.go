package web_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"rectify/cases"
	"rectify/cases/access"
)

// desktopWidths are the common office screens: a 1280 px laptop, the
// 1366 px screen most office PCs have, and 1440 px.
var desktopWidths = []int{1280, 1366, 1440}

// TestBrowserHeaderFitsOneRow opens a page as each role, and as a user
// holding the office's and the approver's roles at once (the longest
// navigation and role label), at each desktop width: the brand, every
// navigation link and the user's name stay on one row (at 1366 px 三评合一
// once dropped to a second row).
func TestBrowserHeaderFitsOneRow(t *testing.T) {
	e := newEnv(t)
	if err := e.Access.CreateUser(context.Background(), access.User{ID: "office.approver", Name: "欧阳晓明", Roles: []cases.Role{cases.RoleOffice, cases.RoleApprover},
		Region: []string{"江南省", "云州市"}}, testPassword); err != nil {
		t.Fatal(err)
	}
	users := []string{"office.approver"}
	for _, u := range oneOfEachRole {
		users = append(users, u)
	}
	slices.Sort(users)
	b := browser(t)
	for _, user := range users {
		e.browserLogin(t, b, user)
		for _, w := range desktopWidths {
			run(t, b, fmt.Sprintf("%d px", w), chromedp.EmulateViewport(int64(w), 900), chromedp.Navigate(e.srv.URL+"/units"), chromedp.WaitVisible(`header nav`, chromedp.ByQuery))
			var got struct {
				Rows  []string
				Apart []string
			}
			run(t, b, "measure the header", chromedp.Evaluate(`(() => {
				const mid = el => { const r = el.getBoundingClientRect(); return r.top + r.height / 2; };
				const links = Array.from(document.querySelectorAll('header nav a'));
				const top = links.length ? links[0].getBoundingClientRect().top : 0;
				const rows = links.filter(a => Math.abs(a.getBoundingClientRect().top - top) > 1).map(a => a.innerText);
				const nav = document.querySelector('header nav');
				const apart = ['.brand', '.who'].map(s => document.querySelector('header ' + s))
					.filter(el => el && Math.abs(mid(el) - mid(nav)) > 4).map(el => el.className + ': ' + el.innerText);
				return {Rows: rows, Apart: apart};
			})()`, &got))
			if len(got.Rows) > 0 || len(got.Apart) > 0 {
				t.Errorf("%s at %d px: the header takes more than one row; on another row: %s", user, w, strings.Join(append(got.Rows, got.Apart...), "; "))
			}
		}
		run(t, b, "desktop width", chromedp.EmulateViewport(1440, 1000))
		e.browserLogout(t, b)
	}
}

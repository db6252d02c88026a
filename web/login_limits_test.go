package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/web"
)

// loginForm fetches the login form with client (for its CSRF cookie) and
// posts name and password, returning the status.
func loginForm(t *testing.T, client *http.Client, base, name, password string) int {
	t.Helper()
	res, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the login form (%d)", res.StatusCode)
	}
	res, err = client.PostForm(base+"/login", url.Values{"csrf_token": {string(m[1])}, "username": {name}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func newLoginClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// An office behind one NAT address logs in at nine o'clock (issue 21: the
// tenth was refused): with the default limits, forty people log in from
// one address within a minute. One account tried over and over is
// limited by its name, whatever the address.
func TestLoginLimitsPerAddressAndPerAccount(t *testing.T) {
	env := newEnv(t)
	s := web.NewServer(web.Config{Service: env.Service, Access: env.Access, Catalog: env.Catalog})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	ctx := context.Background()
	for i := range 40 {
		u := access.User{ID: fmt.Sprintf("staff.%02d", i), Name: fmt.Sprintf("职员%02d", i), Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省", "云州市"}}
		if err := env.Access.CreateUser(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 40 {
		if got := loginForm(t, newLoginClient(t), srv.URL, fmt.Sprintf("staff.%02d", i), testPassword); got != http.StatusSeeOther {
			t.Fatalf("person %d of 40 behind one address: status %d, want 303 (logged in)", i+1, got)
		}
	}
	// One account, hammered: refused with 429 once over its own limit,
	// before the password is even checked (a right one included). The
	// account has not logged in before, so its whole allowance is left;
	// the allowance refills (one a 6 s) while the test runs, so a refusal
	// must come within a few attempts past the allowance, not at once.
	u := access.User{ID: "staff.hammered", Name: "职员", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省", "云州市"}}
	if err := env.Access.CreateUser(ctx, u, testPassword); err != nil {
		t.Fatal(err)
	}
	codes := []int{}
	for len(codes) < 3*web.DefaultLoginPerAccount {
		codes = append(codes, loginForm(t, newLoginClient(t), srv.URL, u.ID, testPassword))
		if codes[len(codes)-1] == http.StatusTooManyRequests {
			break
		}
	}
	for i, c := range codes[:web.DefaultLoginPerAccount] {
		if c != http.StatusSeeOther {
			t.Fatalf("attempt %d on one account: statuses %v, want the first %d to log in", i+1, codes, web.DefaultLoginPerAccount)
		}
	}
	if codes[len(codes)-1] != http.StatusTooManyRequests {
		t.Fatalf("attempts on one account: statuses %v, never limited (429)", codes)
	}
	// Another account from the same address is not affected.
	if got := loginForm(t, newLoginClient(t), srv.URL, "staff.01", testPassword); got != http.StatusSeeOther {
		t.Fatalf("another account after one was limited: %d", got)
	}
}

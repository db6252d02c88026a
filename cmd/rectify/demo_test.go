package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/demo"
)

// readmeAccount is one account of the README's demo account table: where
// it lands after logging in and, on the to-do page, its queues in order.
type readmeAccount struct {
	id, path string
	queues   []string
}

var (
	backticked = regexp.MustCompile("`([^`]+)`")
	todoQueue  = regexp.MustCompile(`<h2>([^<]+?) <b class="count`)
)

// readmeAccounts parses the account table of README.md: the backticked
// names of the first column, the backticked path of the third, and the
// queues listed after its colon.
func readmeAccounts(t *testing.T) []readmeAccount {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	i := strings.Index(text, "| account | role | lands on |")
	if i < 0 {
		t.Fatal("README.md has no account table")
	}
	var out []readmeAccount
	for _, line := range strings.Split(text[i:], "\n")[2:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		cols := strings.Split(strings.Trim(line, "|"), "|")
		if len(cols) != 3 {
			t.Fatalf("README account row %q has %d columns", line, len(cols))
		}
		m := backticked.FindStringSubmatch(cols[2])
		if m == nil {
			t.Fatalf("README account row %q names no page", line)
		}
		path, _, _ := strings.Cut(m[1], ";")
		var queues []string
		if _, list, ok := strings.Cut(cols[2], ":"); ok && path == "/todo" {
			for q := range strings.SplitSeq(list, ",") {
				queues = append(queues, strings.TrimSpace(q))
			}
		}
		for _, id := range backticked.FindAllStringSubmatch(cols[0], -1) {
			out = append(out, readmeAccount{id: id[1], path: path, queues: queues})
		}
	}
	return out
}

// landOn logs in through the form without following the redirect, and
// answers where the login sends the user and the session's client. The
// client connects from loopback address from (127.0.0.2, …), as another
// person's browser would come from another address: the login form
// admits ten tries a minute from one.
func landOn(t *testing.T, base, user string, from net.IP) (string, *http.Client) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: from}}
	client := &http.Client{Jar: jar, Transport: &http.Transport{DialContext: dialer.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	m := csrfRE.FindStringSubmatch(string(body))
	if m == nil {
		t.Fatal("no form token on the login page")
	}
	res, err := client.PostForm(base+"/login", url.Values{"username": {user}, "password": {demo.Password}, "csrf_token": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s: %d", user, res.StatusCode)
	}
	return res.Header.Get("Location"), client
}

// TestServeDemoREADMEAndVerify starts a fresh demo as a user would, then
// checks what a user is told: each account of the README's table (every
// demo account, once) lands where the table says and, on 待办, sees the
// queues it lists; and after the demo has issued its documents, rectify
// verify finds no fault, no void number and no stored object that no
// record points to.
func TestServeDemoREADMEAndVerify(t *testing.T) {
	dir := t.TempDir()
	env := []string{"RECTIFY_MONGO_URI=", "RECTIFY_REPORTER_KEY=", "RECTIFY_REPORTER_KEY_FILE=", "RECTIFY_ROSTER_KEY=", "RECTIFY_ROSTER_KEY_FILE="}
	p := start(t, env, "serve", "--demo", "--data", dir, "--addr", "127.0.0.1:0")

	accounts := readmeAccounts(t)
	var listed, want []string
	for _, a := range accounts {
		listed = append(listed, a.id)
	}
	for _, u := range demo.Users {
		want = append(want, u.ID)
	}
	slices.Sort(listed)
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		t.Errorf("README lists the accounts %v, the demo has %v", listed, want)
	}
	for i, a := range accounts {
		loc, client := landOn(t, p.url(), a.id, net.IPv4(127, 0, 0, byte(2+i)))
		if path, _, _ := strings.Cut(loc, "?"); path != a.path {
			t.Errorf("%s lands on %s, README says %s", a.id, loc, a.path)
			continue
		}
		if a.path != "/todo" {
			continue
		}
		res, err := client.Get(p.url() + "/todo")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var got []string
		for _, m := range todoQueue.FindAllStringSubmatch(string(body), -1) {
			got = append(got, m[1])
		}
		if res.StatusCode != 200 || !slices.Equal(got, a.queues) {
			t.Errorf("%s's 待办 (%d) has the queues %v, README says %v", a.id, res.StatusCode, got, a.queues)
		}
	}

	p.stop(t)
	out, code := run(t, append(env, "RECTIFY_DATA="+dir), "verify", "--json")
	var rep cases.VerifyReport
	i := strings.Index(out, "{")
	if i < 0 {
		t.Fatalf("verify --json printed no report: exit %d\n%s", code, out)
	}
	if err := json.Unmarshal([]byte(out[i:]), &rep); err != nil {
		t.Fatalf("verify --json: %v\n%s", err, out)
	}
	if code != 0 || len(rep.Faults) > 0 || rep.Cases == 0 {
		t.Errorf("verify of a fresh demo: exit %d, %d cases, faults %v", code, rep.Cases, rep.Faults)
	}
	// Verify also notes which checkpoint and key it checked against; a
	// stored object nothing points to, or a void number, is a warning
	// about what the demo did.
	for _, w := range rep.Warnings {
		if strings.HasPrefix(w, "文件 ") || strings.HasPrefix(w, "文号 ") {
			t.Errorf("verify of a fresh demo: %s", w)
		}
	}
}

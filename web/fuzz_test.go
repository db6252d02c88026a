package web_test

// Fuzz targets for everything the public or a user can send: the JSON body
// of every API endpoint, query strings, multipart uploads and the login
// form. They run against the real server on the real engine. The seed
// corpus is in testdata/fuzz; `go test` replays it, and scripts/fuzz.sh
// (part of make test) fuzzes each target for a bounded time.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/web"
)

// fuzzClient sends requests from inside a fuzz function, where the
// harness's helpers (which fail through the F) may not be used.
type fuzzClient struct {
	base     string
	sessions map[string][2]string
}

func newFuzzClient(f *testing.F, e *testEnv, users ...string) *fuzzClient {
	c := &fuzzClient{base: e.srv.URL, sessions: map[string][2]string{}}
	for _, u := range users {
		secret, csrf := e.session(u)
		c.sessions[u] = [2]string{secret, csrf}
	}
	return c
}

func (c *fuzzClient) do(t *testing.T, method, path, user, ct string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	r, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil // not a request a client could send
	}
	if s, ok := c.sessions[user]; ok {
		r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: s[0]})
		r.Header.Set(web.CSRFHeader, s[1])
	}
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, raw
}

// checkAnswer holds every answer to the properties the API promises: never
// a server error for anything a client sends, and every error a JSON body
// with a code and a message (in Chinese where a person reads it).
func checkAnswer(t *testing.T, what string, status int, raw []byte) {
	t.Helper()
	if status >= 500 {
		t.Fatalf("%s: %d %s", what, status, raw)
	}
	if status >= 400 {
		var body struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal(raw, &body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
			t.Fatalf("%s: %d with no JSON error: %.300s", what, status, raw)
		}
	}
}

// apiBodies are the endpoints that take a JSON body, in the order the
// fuzzer's first byte picks them; {no} is an existing case.
var apiBodies = []struct{ path, user string }{
	{"/api/v1/cases", "li.ming"},
	{"/api/v1/cases/{no}/transitions", "li.ming"},
	{"/api/v1/cases/{no}/transitions", "unit.qh001"},
	{"/api/v1/notices?preview=true", "li.ming"},
	{"/api/v1/feedback-letters", "li.ming"},
	{"/api/v1/cases/{no}/closing-form", "wang.fang"},
	{"/api/v1/checkpoints", "admin"},
	{"/api/v1/units:import", "ap.office"},
}

func FuzzAPIBodies(f *testing.F) {
	e := newEnv(f)
	no := e.register("QH001", cases.LevelInternal)
	c := newFuzzClient(f, e, "li.ming", "unit.qh001", "wang.fang", "admin", "ap.office")
	f.Add(uint8(0), []byte(`{"source":"hotline","source_ref":"12310-2026-0001","unit_code":"QH001","violation_kind":"D01","title":"吃空饷","facts":"有人长期不上班。","level":"internal"}`))
	f.Add(uint8(1), []byte(`{"action":"start_verification","comment":"开始核实"}`))
	f.Add(uint8(3), []byte(`{"unit_code":"QH001","items":[{"no":"`+no+`","requirements":"立即整改"}],"working_days":15}`))
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		ep := apiBodies[int(which)%len(apiBodies)]
		path := strings.ReplaceAll(ep.path, "{no}", no)
		status, _, raw := c.do(t, "POST", path, ep.user, "application/json", body)
		checkAnswer(t, "POST "+path, status, raw)
	})
}

// queryPaths are the pages and lists that read a query string.
var queryPaths = []struct{ path, user string }{
	{"/api/v1/cases", "li.ming"},
	{"/api/v1/cases", "unit.qh001"},
	{"/api/v1/units", "li.ming"},
	{"/api/v1/access-log", "admin"},
	{"/ledger", "li.ming"},
	{"/ledger/export", "li.ming"},
	{"/units", "li.ming"},
	{"/admin/access-log", "admin"},
	{"/login", ""},
}

func FuzzQueryStrings(f *testing.F) {
	e := newEnv(f)
	e.register("QH001", cases.LevelSecret)
	c := newFuzzClient(f, e, "li.ming", "unit.qh001", "admin")
	f.Add(uint8(0), "state=rectifying&light=red&sort=-deadline&page=2&per_page=50&q=%E5%90%83%E7%A9%BA%E9%A5%B7")
	f.Add(uint8(3), "user=li.ming&from=2026-01-01&to=2026-12-31&target=2026-")
	f.Add(uint8(5), "format=xlsx&unit=QH001")
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		p := queryPaths[int(which)%len(queryPaths)]
		if strings.ContainsAny(query, "#\x00") || strings.ContainsRune(query, ' ') {
			query = url.PathEscape(query)
		}
		status, _, raw := c.do(t, "GET", p.path+"?"+query, p.user, "", nil)
		if strings.HasPrefix(p.path, "/api/") {
			checkAnswer(t, "GET "+p.path+"?"+query, status, raw)
		} else if status >= 500 {
			t.Fatalf("GET %s?%s: %d", p.path, query, status)
		}
	})
}

// FuzzEvidenceUpload sends any multipart body, under any boundary, as a
// unit submitting evidence.
func FuzzEvidenceUpload(f *testing.F) {
	e := newEnv(f)
	no := e.register("QH001", cases.LevelInternal)
	c := newFuzzClient(f, e, "unit.qh001", "li.ming")
	f.Add("b0undary", []byte("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"整改报告.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\r\n--b0undary--\r\n"))
	f.Add("x", []byte("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\n\r\nroot:x:0:0\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, boundary string, body []byte) {
		// No client can send control characters in a header: the body is
		// still sent, under the boundary without them.
		boundary = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, boundary)
		for _, user := range []string{"unit.qh001", "li.ming"} {
			status, _, raw := c.do(t, "POST", "/api/v1/cases/"+no+"/evidence", user, "multipart/form-data; boundary="+boundary, body)
			checkAnswer(t, "evidence upload", status, raw)
		}
	})
}

// FuzzLoginForm posts any form to the login page: never a server error,
// and a redirect only ever to a path of this site.
func FuzzLoginForm(f *testing.F) {
	e := newEnv(f)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(e.srv.URL + "/login")
	if err != nil {
		f.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`).FindSubmatch(raw)
	if m == nil {
		f.Fatal("no form token on the login page")
	}
	token := string(m[1])
	f.Add("li.ming", testPassword, "/ledger?state=rectifying")
	f.Add("li.ming", testPassword, "/%09/evil.example/")
	f.Add("li.ming", testPassword, "/\\evil.example")
	f.Add("nobody", "Yunzhou#2026", "https://evil.example/")
	f.Fuzz(func(t *testing.T, user, password, next string) {
		form := url.Values{"csrf_token": {token}, "username": {user}, "password": {password}, "next": {next}}
		res, err := client.PostForm(e.srv.URL+"/login", form)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("login: %d %.200s", res.StatusCode, body)
		}
		if loc := res.Header.Get("Location"); loc != "" && !localPath(loc) {
			t.Fatalf("login with next=%q redirects off the site: %q", next, loc)
		}
		// Stay logged out, so that every input meets the login form.
		jar.SetCookies(res.Request.URL, []*http.Cookie{{Name: web.SessionCookie, Value: "", MaxAge: -1}})
	})
}

// localPath reports whether a redirect target stays on this site, as a
// browser would read it.
func localPath(loc string) bool {
	if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\\\t\r\n") {
		return false
	}
	u, err := url.Parse(loc)
	return err == nil && u.Scheme == "" && u.Host == ""
}

// FuzzFlash: a notice in the URL is shown only when the server signed it
// for this session (or it is a fixed key such as logout); no text and no
// signature a link could carry puts words on the page as the system's.
func FuzzFlash(f *testing.F) {
	e := newEnv(f)
	c := newFuzzClient(f, e, "li.ming")
	f.Add("已登记，台账编号 2026-0001", "")
	f.Add("系统升级，请在此输入密码", "00000000000000000000000000000000")
	f.Add("logout", "")
	f.Add("<script>alert(1)</script>", "zz")
	f.Fuzz(func(t *testing.T, text, sig string) {
		q := url.Values{"flash": {text}, "fs": {sig}}
		for _, user := range []string{"li.ming", ""} {
			path := "/ledger?"
			if user == "" {
				path = "/login?"
			}
			status, _, raw := c.do(t, "GET", path+q.Encode(), user, "", nil)
			if status >= 500 {
				t.Fatalf("GET %s: %d", path, status)
			}
			if text != "logout" && strings.Contains(string(raw), `class="flash"`) {
				t.Fatalf("an unsigned notice %q (fs %q) is shown to %q", text, sig, user)
			}
		}
	})
}

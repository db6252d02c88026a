package main

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"rectify/cases/demo"
	"rectify/web"
)

// consolePageUnreached names the console GET routes no link of the demo
// leads to, each with why; the crawl must reach every other one. A route
// here that the crawl does reach, or that the router no longer has, fails
// the test: the list cannot go stale.
var consolePageUnreached = map[string]string{
	"/hotline/received/:token":        "the one-time receipt shown after recording a report (a POST); covered by the hotline tests",
	"/roster/jobs/:id":                "the progress page of an import just posted; covered by the roster tests",
	"/admin/tokens/:id/revoke":        "the demo issues no API tokens; covered by the admin tests",
	"/":                               "only leads on (303) to the role's start page, which the crawl follows",
	"/verify/:code":                   "opened from the code printed on an issued document; the demo issues none (covered by the verify tests)",
	"/cases/:no/evidence/:id":         "a file download; the demo uploads no evidence (covered by the evidence tests)",
	"/hotline/reports/:id/files/:fid": "a file download; the demo's reports carry no files (covered by the hotline evidence tests)",
	"/assessment/rounds/:id/units/:code/self/:point/files/:file": "a file download; the demo's self-assessments attach no files (covered by the self-assessment tests)",
}

// TestEveryConsolePageRendersWhole serves the demo and, as each demo role
// and as nobody, follows every link of the console from the start pages:
// every page answers 200 with a document that parses to its closing
// </html>, never a page cut off by a template error. The routes are taken
// from the router, so a new page that no link reaches fails here until it
// is linked or listed in consolePageUnreached.
func TestEveryConsolePageRendersWhole(t *testing.T) {
	dir := t.TempDir()
	env := []string{"RECTIFY_MONGO_URI=", "RECTIFY_REPORTER_KEY=", "RECTIFY_REPORTER_KEY_FILE=", "RECTIFY_ROSTER_KEY=", "RECTIFY_ROSTER_KEY_FILE="}
	p := start(t, env, "serve", "--demo", "--data", dir, "--addr", "127.0.0.1:0")
	base := p.url()

	var routes []string // console GET routes, gin syntax
	for _, r := range web.NewServer(web.Config{}).Routes() {
		if r.Method != http.MethodGet || r.Path == "/healthz" || strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/static/") {
			continue
		}
		routes = append(routes, strings.ReplaceAll(r.Path, `\:`, ":"))
	}
	for route := range consolePageUnreached {
		if !slices.Contains(routes, route) {
			t.Errorf("consolePageUnreached lists %s, which the router does not have", route)
		}
	}

	reached := map[string]bool{}
	crawl := func(who string, as *session, starts ...string) {
		seen := map[string]bool{}
		perRoute := map[string]int{}
		from := map[string]string{} // the page that first linked a path
		queue := append([]string(nil), starts...)
		for len(queue) > 0 {
			path := queue[0]
			queue = queue[1:]
			if seen[path] {
				continue
			}
			seen[path] = true
			route := matchRoute(routes, path)
			if route == "" {
				t.Errorf("%s: %s links to %s, which no console route serves", who, from[path], path)
				continue
			}
			// A few pages of each kind: the demo's hundred cases need not
			// all be opened to show the case page renders.
			if perRoute[route]++; perRoute[route] > 2 {
				continue
			}
			status, ctype, loc, body := fetch(t, base+path, as)
			if status == http.StatusSeeOther || status == http.StatusFound {
				// The home page leads on, a page needing a login leads
				// to /login: where they lead is followed like a link.
				if next, ok := sameSite(base, path, loc); ok && !seen[next] {
					queue = append(queue, next)
					from[next] = path + " (redirect)"
				}
				continue
			}
			if status != http.StatusOK {
				t.Errorf("%s GET %s (linked from %s): %d, want 200 (%s)", who, path, from[path], status, errorMessage(body))
				continue
			}
			if !strings.HasPrefix(ctype, "text/html") {
				reached[route] = true // a download (PDF, xlsx, image, audio)
				continue
			}
			links, err := wholePage(body)
			if err != nil {
				t.Errorf("%s GET %s (linked from %s): %v\n…%s", who, path, from[path], err, tail(body, 300))
				continue
			}
			reached[route] = true
			for _, l := range links {
				if next, ok := sameSite(base, path, l); ok && !seen[next] {
					queue = append(queue, next)
					if from[next] == "" {
						from[next] = path
					}
				}
			}
		}
	}
	crawl("未登录", nil, "/login", "/report", "/report/status", "/verify")
	for _, user := range []string{"admin", "li.ming", "wang.fang", "zhou.qiang", "sun.li", "unit.qh001", "he.ping", "liaison.rsj"} {
		as := login(t, base, user, demo.Password)
		crawl(user, &as, "/")
	}

	for _, route := range routes {
		_, exempt := consolePageUnreached[route]
		switch {
		case reached[route] && exempt:
			t.Errorf("%s is listed as unreached but the crawl renders it: take it off consolePageUnreached", route)
		case !reached[route] && !exempt:
			t.Errorf("no demo page links to %s, or it never rendered whole: link it, or list it in consolePageUnreached with the reason", route)
		}
	}
}

// fetch GETs url as a session (nil: no login) without following redirects.
func fetch(t *testing.T, u string, as *session) (status int, ctype, location, body string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if as != nil {
		req.AddCookie(&http.Cookie{Name: "rectify_session", Value: as.cookie})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Location"), string(b)
}

// wholePage parses an HTML document and checks it is complete: it reaches
// the closing </html> after the footer, with nothing but white space
// after it. It returns the page's links (href and src).
func wholePage(doc string) ([]string, error) {
	z := html.NewTokenizer(strings.NewReader(doc))
	var links []string
	var footer, end bool
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				return nil, z.Err()
			}
			break
		}
		tok := z.Token()
		switch {
		case tt == html.EndTagToken && tok.Data == "html":
			end = true
		case tt == html.TextToken && end && strings.TrimSpace(tok.Data) != "":
			return nil, errText("text after </html>")
		case tt == html.StartTagToken && tok.Data == "footer":
			footer = true
		}
		for _, a := range tok.Attr {
			if a.Key == "href" || a.Key == "src" {
				links = append(links, a.Val)
			}
		}
	}
	if !footer || !end {
		return nil, errText("the page ends before its footer and </html>")
	}
	// The parser accepts any prefix of a document; the tokenizer above
	// saw the end, this sees that the tree holds together.
	if _, err := html.Parse(strings.NewReader(doc)); err != nil {
		return nil, err
	}
	return links, nil
}

type errText string

func (e errText) Error() string { return string(e) }

// sameSite resolves a link found on page against the server and returns
// its path and query when it is a GET page of the console to follow.
func sameSite(base, page, link string) (string, bool) {
	b, _ := url.Parse(base)
	from, _ := url.Parse(base + page)
	u, err := from.Parse(link)
	if err != nil || u.Host != b.Host || u.Scheme != b.Scheme {
		return "", false
	}
	if strings.HasPrefix(u.Path, "/static/") || strings.HasPrefix(u.Path, "/api/") {
		return "", false
	}
	q := u.Query()
	q.Del("flash") // a notice on a page already seen
	out := u.Path
	if len(q) > 0 {
		out += "?" + q.Encode()
	}
	return out, true
}

// matchRoute is the route (gin syntax) that serves path: the one whose
// fixed segments match most, as the router prefers them to parameters.
func matchRoute(routes []string, path string) string {
	path, _, _ = strings.Cut(path, "?")
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best, bestFixed := "", -1
	for _, r := range routes {
		rs := strings.Split(strings.Trim(r, "/"), "/")
		fixed, ok := 0, true
		if len(rs) != len(segs) && !strings.HasPrefix(rs[len(rs)-1], "*") {
			continue
		}
		for i, s := range rs {
			switch {
			case strings.HasPrefix(s, "*"):
			case i >= len(segs):
				ok = false
			case strings.HasPrefix(s, ":"):
				if segs[i] == "" {
					ok = false
				}
			case s == segs[i]:
				fixed++
			default:
				ok = false
			}
		}
		if ok && fixed > bestFixed {
			best, bestFixed = r, fixed
		}
	}
	return best
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// errorMessage is the message of an error page (class="error"), or the
// body's start.
func errorMessage(body string) string {
	if _, after, ok := strings.Cut(body, `class="error">`); ok {
		msg, _, _ := strings.Cut(after, "<")
		return msg
	}
	if len(body) > 200 {
		return body[:200]
	}
	return body
}

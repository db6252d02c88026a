package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/hotline"
	"rectify/web"
)

var (
	captchaRE = regexp.MustCompile(`name="captcha_id" value="([0-9a-f]+)"`)
	receiptRE = regexp.MustCompile(`id="receipt">([A-Z0-9-]+)<`)
	secretRE  = regexp.MustCompile(`id="secret">([A-Z0-9-]+)<`)
)

// A reporter who leaves every identity field, each one distinctive enough
// to be found in any stored byte.
var reporter = hotline.Reporter{Name: "欧阳举报人", Phone: "13912345678", IDNumber: "11010519491231002X", Address: "云州市清河县幸福路88号"}

// captchaOf opens the public form on srv and returns a challenge and its answer.
func captchaOf(t *testing.T, srv string, s *web.Server) (id, answer string) {
	t.Helper()
	res, err := http.Get(srv + "/report")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	m := captchaRE.FindStringSubmatch(b.String())
	if m == nil {
		t.Fatalf("no challenge on the form: %d %.400s", res.StatusCode, b.String())
	}
	return m[1], s.CaptchaAnswer(m[1])
}

// postForm posts urlencoded fields to srv+path as nobody.
func postForm(t *testing.T, srv, path string, f url.Values) (int, string) {
	t.Helper()
	res, err := http.PostForm(srv+path, f)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	return res.StatusCode, b.String()
}

// reportFields are a valid public report with the reporter's identity.
func reportFields(allegation string) url.Values {
	return url.Values{"unit_code": {"QH001"}, "allegation": {allegation}, "reporter_name": {reporter.Name},
		"reporter_phone": {reporter.Phone}, "reporter_id": {reporter.IDNumber}, "reporter_address": {reporter.Address}}
}

// fileReport files a public report and returns its receipt and secret.
func (e *testEnv) fileReport(t *testing.T, f url.Values) (receipt, secret string) {
	t.Helper()
	id, answer := captchaOf(t, e.srv.URL, e.Server)
	f.Set("captcha_id", id)
	f.Set("captcha", answer)
	code, body := postForm(t, e.srv.URL, "/report", f)
	r, s := receiptRE.FindStringSubmatch(body), secretRE.FindStringSubmatch(body)
	if code != http.StatusCreated || r == nil || s == nil {
		t.Fatalf("file a report: %d %.600s", code, body)
	}
	return r[1], s[1]
}

func onlyReport(t *testing.T, e *testEnv) hotline.Report {
	t.Helper()
	rs, _, err := e.Hotline.List(context.Background(), hotline.Filter{Scope: cases.GlobalScope})
	if err != nil || len(rs) == 0 {
		t.Fatalf("reports: %v %v", rs, err)
	}
	return rs[0]
}

// TestReporterIdentityNeverStoredInClear files reports through both forms,
// triages one into a case, asks and answers, reads the identity as a
// hotline user, and then reads every document of every collection of the
// database raw: no identity field may appear in any of them, in any form
// a search would find (the text, the digits, the ID number either case).
func TestReporterIdentityNeverStoredInClear(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	receipt, secret := e.fileReport(t, reportFields("清河县教育局张某某长期不上班，工资照发，吃空饷。"))
	r := onlyReport(t, e)
	if r.Anonymous() || len(r.Sealed) == 0 {
		t.Fatal("the identity was not kept at all")
	}
	// The operator takes one by phone too.
	f := reportFields("清河县教育局混岗使用事业编制人员3名，在局机关科室从事行政工作。")
	f.Set("channel", "phone")
	f.Set("received_at", time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04"))
	f.Set(web.CSRFField, csrfOf(e, "sun.li"))
	f.Set("intake_token", strings.Repeat("ab", 16))
	if res := e.req("POST", "/hotline/new", "sun.li", "application/x-www-form-urlencoded", strings.NewReader(f.Encode())); res.Status != http.StatusSeeOther {
		t.Fatalf("operator intake: %d %.400s", res.Status, res.Raw)
	}
	// The office asks; the reporter answers; the operator registers.
	act := func(id string, v url.Values) response {
		v.Set(web.CSRFField, csrfOf(e, "sun.li"))
		withVersion(e, id, v)
		return e.req("POST", "/hotline/reports/"+id+"/actions", "sun.li", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	}
	if res := act(r.ID, url.Values{"action": {"ask"}, "text": {"请问张某某在哪个科室？"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("ask: %d %.400s", res.Status, res.Raw)
	}
	if code, body := postForm(t, e.srv.URL, "/report/answer", url.Values{"receipt": {receipt}, "secret": {secret}, "question": {"1"}, "answer": {"人事科"}}); code != 200 || !strings.Contains(body, "人事科") {
		t.Fatalf("answer: %d %.400s", code, body)
	}
	res := act(r.ID, url.Values{"action": {"register"}, "unit_code": {"QH001"}, "violation_kind": {"D01"}, "title": {"张某某吃空饷"},
		"facts": {"反映该局张某某长期不上班、工资照发。"}, "level": {"internal"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("register: %d %.600s", res.Status, res.Raw)
	}
	// Reading the identity shows it to the hotline user, and is logged.
	v := url.Values{web.CSRFField: {csrfOf(e, "sun.li")}}
	res = e.req("POST", "/hotline/reports/"+r.ID+"/reporter", "sun.li", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	if res.Status != 200 || !strings.Contains(res.Raw, reporter.Name) || !strings.Contains(res.Raw, reporter.IDNumber) {
		t.Fatalf("reporter page: %d", res.Status)
	}
	log, _, err := e.Access.SearchAccess(ctx, access.AccessFilter{Target: r.ID})
	if err != nil || len(log) != 1 || log[0].Action != "read-reporter" || log[0].UserID != "sun.li" {
		t.Fatalf("access log of the reading: %+v %v", log, err)
	}
	// Nobody else may read it, not even the office.
	if res := e.req("POST", "/hotline/reports/"+r.ID+"/reporter", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(url.Values{web.CSRFField: {csrfOf(e, "li.ming")}}.Encode())); res.Status != http.StatusForbidden {
		t.Fatalf("office reads the reporter: %d", res.Status)
	}
	if err := e.Service.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := e.DB.RawDocuments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	needles := []string{reporter.Name, reporter.Phone, reporter.IDNumber, strings.ToLower(reporter.IDNumber), reporter.Address, "幸福路", "欧阳"}
	n := 0
	for col, docs := range raw {
		for _, d := range docs {
			n++
			for _, needle := range needles {
				if bytes.Contains(d, []byte(needle)) {
					t.Errorf("%s holds %q in clear", col, needle)
				}
			}
		}
	}
	if n < 10 || len(raw["hotline_reports"]) != 2 || len(raw["events"]) == 0 || len(raw["access_log"]) == 0 {
		t.Fatalf("the scan read %d documents of %d collections: not the whole database", n, len(raw))
	}
}

// csrfOf is user's CSRF token.
func csrfOf(e *testEnv, user string) string {
	_, csrf := e.session(user)
	return csrf
}

// TestWrongSecretAndUnknownReceiptAreIndistinguishable: the same status,
// the same body, and the same time (the floor, with the slow hash computed
// both ways).
func TestWrongSecretAndUnknownReceiptAreIndistinguishable(t *testing.T) {
	e := newEnv(t)
	receipt, secret := e.fileReport(t, reportFields("清河县教育局张某某长期不上班，工资照发，吃空饷。"))
	wrong := url.Values{"receipt": {receipt}, "secret": {"2345-6789-ABCD-EFGH"}}
	unknown := url.Values{"receipt": {"2345-6789-ABCD"}, "secret": {secret}}
	garbage := url.Values{"receipt": {"不是回执码"}, "secret": {"x"}}
	type answer struct {
		code int
		body string
		took time.Duration
	}
	ask := func(f url.Values) answer {
		start := time.Now()
		code, body := postForm(t, e.srv.URL, "/report/status", f)
		return answer{code, body, time.Since(start)}
	}
	var tw, tu time.Duration
	const rounds = 4
	for range rounds {
		a, b, g := ask(wrong), ask(unknown), ask(garbage)
		if a.code != http.StatusNotFound || a.code != b.code || b.code != g.code {
			t.Fatalf("status: wrong secret %d, unknown receipt %d, garbage %d", a.code, b.code, g.code)
		}
		if a.body != b.body || b.body != g.body {
			t.Fatalf("the answers differ:\n%s\n---\n%s", a.body, b.body)
		}
		if strings.Contains(a.body, receipt) || !strings.Contains(a.body, "回执码或查询密码不正确") {
			t.Fatalf("the answer echoes the receipt or says nothing: %.400s", a.body)
		}
		for _, x := range []answer{a, b, g} {
			if x.took < 300*time.Millisecond {
				t.Fatalf("answered in %s, under the floor", x.took)
			}
		}
		tw += a.took
		tu += b.took
	}
	tw, tu = tw/rounds, tu/rounds
	if d := tw - tu; d > 60*time.Millisecond || d < -60*time.Millisecond {
		t.Fatalf("mean times differ: wrong secret %s, unknown receipt %s", tw, tu)
	}
	t.Logf("mean: wrong secret %s, unknown receipt %s", tw, tu)
	// The right pair, typed in lower case with spaces, opens the status.
	code, body := postForm(t, e.srv.URL, "/report/status", url.Values{"receipt": {strings.ToLower(strings.ReplaceAll(receipt, "-", " "))}, "secret": {secret}})
	if code != 200 || !strings.Contains(body, "已受理") {
		t.Fatalf("right secret: %d %.400s", code, body)
	}
	// The credentials never travel in a URL: a GET with them shows the empty form.
	res := e.req("GET", "/report/status?receipt="+url.QueryEscape(receipt)+"&secret="+url.QueryEscape(secret), "", "", nil)
	if res.Status != 200 || strings.Contains(res.Raw, "已受理") {
		t.Fatalf("status by GET: %d", res.Status)
	}
}

// TestPublicReportLimits: the challenge is required and single-use, bad
// fields are all reported with nothing written, files are bounded, and
// one address may report only so often.
func TestPublicReportLimits(t *testing.T) {
	e := newEnv(t)
	before := e.counts()
	f := reportFields("清河县教育局张某某长期不上班，工资照发，吃空饷。")
	t.Run("ErrCaptchaMissing", func(t *testing.T) {
		code, body := postForm(t, e.srv.URL, "/report", f)
		if code != http.StatusBadRequest || !strings.Contains(body, "验证码不正确") {
			t.Fatalf("%d %.300s", code, body)
		}
	})
	t.Run("ErrCaptchaWrongThenSpent", func(t *testing.T) {
		id, answer := captchaOf(t, e.srv.URL, e.Server)
		g := url.Values{}
		for k, v := range f {
			g[k] = v
		}
		g.Set("captcha_id", id)
		g.Set("captcha", strings.Repeat("0", len(answer)-1)+"x")
		if code, _ := postForm(t, e.srv.URL, "/report", g); code != http.StatusBadRequest {
			t.Fatalf("wrong answer: %d", code)
		}
		g.Set("captcha", answer) // the right answer, too late: the challenge is spent
		if code, _ := postForm(t, e.srv.URL, "/report", g); code != http.StatusBadRequest {
			t.Fatalf("spent challenge: %d", code)
		}
		if res := e.req("GET", "/report/captcha/"+id, "", "", nil); res.Status != http.StatusNotFound {
			t.Fatalf("spent challenge image: %d", res.Status)
		}
	})
	t.Run("CaptchaIsAnImage", func(t *testing.T) {
		id, _ := captchaOf(t, e.srv.URL, e.Server)
		res := e.req("GET", "/report/captcha/"+id, "", "", nil)
		if res.Status != 200 || res.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(res.Raw, "\x89PNG") {
			t.Fatalf("captcha image: %d %s", res.Status, res.Header.Get("Content-Type"))
		}
	})
	t.Run("ErrEveryBadFieldAtOnce", func(t *testing.T) {
		id, answer := captchaOf(t, e.srv.URL, e.Server)
		g := url.Values{"captcha_id": {id}, "captcha": {answer}, "allegation": {strings.Repeat("空", hotline.MaxAllegation+1)},
			"reporter_id": {"110105194912310021"}, "reporter_phone": {"abc"}}
		code, body := postForm(t, e.srv.URL, "/report", g)
		if code != http.StatusBadRequest {
			t.Fatalf("%d", code)
		}
		for _, want := range []string{"请选择或填写被举报单位", "不能超过 5000 个字", "GB 11643", "联系电话"} {
			if !strings.Contains(body, want) {
				t.Errorf("missing %q", want)
			}
		}
	})
	t.Run("ErrFileNotAllowed", func(t *testing.T) {
		id, answer := captchaOf(t, e.srv.URL, e.Server)
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for k, v := range f {
			w.WriteField(k, v[0])
		}
		w.WriteField("captcha_id", id)
		w.WriteField("captcha", answer)
		fw, _ := w.CreateFormFile("file", "病毒.exe")
		fw.Write([]byte("MZ\x90\x00 not a document"))
		w.Close()
		res := e.req("POST", "/report", "", w.FormDataContentType(), &buf)
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Raw, "不是允许的类型") {
			t.Fatalf("%d %.300s", res.Status, res.Raw)
		}
	})
	t.Run("ErrBodyTooLarge", func(t *testing.T) {
		big := strings.Repeat("x", web.MaxFormBody+1)
		res := e.req("POST", "/report", "", "application/x-www-form-urlencoded", strings.NewReader("allegation="+big))
		if res.Status < 400 || res.Status >= 500 {
			t.Fatalf("%d", res.Status)
		}
	})
	after := e.counts()
	for col, n := range before {
		if after[col] != n {
			t.Errorf("%s: %d documents, was %d: a refused report wrote", col, after[col], n)
		}
	}
	t.Run("ErrRateLimitPerAddress", func(t *testing.T) {
		s := web.NewServer(web.Config{Service: e.Service, Access: e.Access, Documents: e.Docs, Catalog: e.Catalog, Hotline: e.Hotline,
			LoginPerMinute: 1000, LoginPerAccount: 1000, PublicPerMinute: 10000, ReportsPerHour: 2})
		srv := httptest.NewServer(s.Handler())
		defer srv.Close()
		for i := range 3 {
			id, answer := captchaOf(t, srv.URL, s)
			g := reportFields("清河县教育局张某某长期不上班，工资照发，吃空饷。")
			g.Set("captcha_id", id)
			g.Set("captcha", answer)
			code, body := postForm(t, srv.URL, "/report", g)
			switch {
			case i < 2 && code != http.StatusCreated:
				t.Fatalf("report %d: %d %.300s", i+1, code, body)
			case i == 2 && (code != http.StatusTooManyRequests || !strings.Contains(body, "请求过于频繁")):
				t.Fatalf("third report in the hour: %d", code)
			}
		}
	})
}

// TestHotlineMergeAndDismiss: a report merged into an existing case adds a
// source to it (no second case), and a retry does not add it twice; a
// dismissed report shows the reporter the public reply, never the reason.
func TestHotlineMergeAndDismiss(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	no := e.register("QH001", cases.LevelInternal)
	receipt, secret := e.fileReport(t, reportFields("清河县教育局局机关核定行政编制20名，实有22人，仍新进人员2名，超编进人。"))
	first := onlyReport(t, e)
	act := func(id string, v url.Values) response {
		v.Set(web.CSRFField, csrfOf(e, "sun.li"))
		withVersion(e, id, v)
		return e.req("POST", "/hotline/reports/"+id+"/actions", "sun.li", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	}
	// The case is its twin.
	page := e.req("GET", "/hotline/reports/"+first.ID, "sun.li", "", nil)
	if !strings.Contains(page.Raw, `href="/cases/`+no+`"`) {
		t.Fatalf("the twin %s is not offered", no)
	}
	if res := act(first.ID, url.Values{"action": {"merge"}, "case_no": {no}}); res.Status != http.StatusSeeOther {
		t.Fatalf("merge: %d %.400s", res.Status, res.Raw)
	}
	k, _ := e.Service.Case(ctx, cases.GlobalScope, no)
	var hotlineSources int
	for _, s := range k.Sources {
		if s.Source == "hotline" && s.Origin == "report:"+first.ID && s.Ref == "12310-"+first.ID {
			hotlineSources++
		}
	}
	if hotlineSources != 1 || e.Service.Size() != 1 {
		t.Fatalf("case sources %+v, %d cases", k.Sources, e.Service.Size())
	}
	// A second merge is refused: the report is settled.
	if res := act(first.ID, url.Values{"action": {"merge"}, "case_no": {no}}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("second merge: %d", res.Status)
	}
	if r, _ := e.Hotline.Report(ctx, cases.GlobalScope, first.ID); r.State != hotline.StateMerged || r.CaseNo != no {
		t.Fatalf("report after merging: %s %s", r.State, r.CaseNo)
	}
	// The case it joined is still open: the reporter is not told 已办结.
	if r, _ := e.Hotline.Status(ctx, receipt, secret); r.PublicStatus() != "核实中" {
		t.Fatalf("public status %s", r.PublicStatus())
	}

	// Another report, dismissed.
	receipt, secret = e.fileReport(t, reportFields("清河县人民医院退休医生王某某退休后仍在医院领取在职工资，吃空饷。"))
	var second hotline.Report
	rs, _, _ := e.Hotline.List(ctx, hotline.Filter{Scope: cases.GlobalScope, Open: true})
	second = rs[0]
	if res := act(second.ID, url.Values{"action": {"verify"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("verify: %d", res.Status)
	}
	res := act(second.ID, url.Values{"action": {"dismiss"}, "reason": {"内部：经核查系返聘人员，劳务报酬合规"}, "text": {"经核实，所反映问题不属实。感谢您的监督。"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("dismiss: %d %.400s", res.Status, res.Raw)
	}
	code, body := postForm(t, e.srv.URL, "/report/status", url.Values{"receipt": {receipt}, "secret": {secret}})
	if code != 200 || !strings.Contains(body, "已办结") || !strings.Contains(body, "不属实") || strings.Contains(body, "返聘") {
		t.Fatalf("reporter's view of a dismissed report: %d %.600s", code, body)
	}
	// Settled: no more additions.
	code, body = postForm(t, e.srv.URL, "/report/add", url.Values{"receipt": {receipt}, "secret": {secret}, "addition": {"补充"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "已办结") {
		t.Fatalf("addition to a settled report: %d", code)
	}
}

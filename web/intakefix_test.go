package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/casetest"
	"rectify/cases/hotline"
	"rectify/web"
)

// withVersion sets v's version to report id's current one, as the form
// the operator sees carries it, unless v names one.
func withVersion(e *testEnv, id string, v url.Values) {
	e.t.Helper()
	if v.Has("version") {
		return
	}
	r, err := e.Hotline.Report(context.Background(), cases.GlobalScope, id)
	if err != nil {
		e.t.Fatalf("report %s: %v", id, err)
	}
	v.Set("version", strconv.Itoa(r.Version))
}

// hotlineAct posts a triage form as sun.li, exactly as given.
func (e *testEnv) hotlineAct(id string, v url.Values) response {
	e.t.Helper()
	v.Set(web.CSRFField, csrfOf(e, "sun.li"))
	return e.req("POST", "/hotline/reports/"+id+"/actions", "sun.li", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

// TestHotlineMergeOnlyIntoOpenCaseOfTheUnit: a report merges only into an
// open case of the unit it names and in the operator's scope; anything
// else is refused naming the case number, and the report stays in the queue.
func TestHotlineMergeOnlyIntoOpenCaseOfTheUnit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	other := e.register("QH002", cases.LevelInternal)
	closed := e.register("QH001", cases.LevelInternal)
	if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, closed, casetest.Office, cases.ActionTransfer, cases.Input{Reference: "云纪移〔2026〕7号"}, "", 0); err != nil {
		t.Fatal(err)
	}
	e.fileReport(t, reportFields("清河县教育局局机关核定行政编制20名，实有22人，仍新进人员2名，超编进人。"))
	r := onlyReport(t, e)
	for name, no := range map[string]string{"ErrOtherUnit": other, "ErrSettledCase": closed, "ErrUnknownCase": "2026-0999"} {
		t.Run(name, func(t *testing.T) {
			res := e.hotlineAct(r.ID, url.Values{"action": {"merge"}, "case_no": {no}, "version": {"0"}})
			if res.Status != http.StatusUnprocessableEntity && res.Status != http.StatusBadRequest {
				t.Fatalf("merge into %s: %d", no, res.Status)
			}
			if !strings.Contains(res.Raw, no) {
				t.Errorf("the refusal does not name %s", no)
			}
		})
	}
	got, _ := e.Hotline.Report(ctx, cases.GlobalScope, r.ID)
	if !got.State.Open() || got.CaseNo != "" {
		t.Fatalf("report after refused merges: %s %s", got.State, got.CaseNo)
	}
	for _, no := range []string{other, closed} {
		k, _ := e.Service.Case(ctx, cases.GlobalScope, no)
		for _, s := range k.Sources {
			if s.Source == "hotline" {
				t.Errorf("case %s took the report as a source", no)
			}
		}
	}
}

// TestHotlineFormVersionAlwaysChecked: a form posted twice records its
// action once (the second is a conflict), a form without its version is
// refused, and 0 is the real version of a new report, not "no check".
func TestHotlineFormVersionAlwaysChecked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fileReport(t, reportFields("清河县教育局局机关核定行政编制20名，实有22人，仍新进人员2名，超编进人。"))
	r := onlyReport(t, e)
	ask := url.Values{"action": {"ask"}, "text": {"请问新进人员是哪个月进的？"}, "version": {"0"}}
	if res := e.hotlineAct(r.ID, ask); res.Status != http.StatusSeeOther {
		t.Fatalf("ask: %d %.300s", res.Status, res.Raw)
	}
	if res := e.hotlineAct(r.ID, ask); res.Status != http.StatusConflict {
		t.Fatalf("the same form again: %d", res.Status)
	}
	if res := e.hotlineAct(r.ID, url.Values{"action": {"ask"}, "text": {"还有问题"}}); res.Status != http.StatusBadRequest {
		t.Fatalf("a form without its version: %d", res.Status)
	}
	for _, action := range []string{"merge", "register"} {
		res := e.hotlineAct(r.ID, url.Values{"action": {action}, "case_no": {"2026-0001"}, "unit_code": {"QH001"}, "violation_kind": {"B01"},
			"title": {"超编进人"}, "facts": {"局机关超编进人2名。"}, "level": {"internal"}, "version": {"0"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("a stale %s form: %d", action, res.Status)
		}
	}
	got, _ := e.Hotline.Report(ctx, cases.GlobalScope, r.ID)
	if len(got.Questions) != 1 || got.Version != 1 || e.Service.Size() != 0 {
		t.Fatalf("questions %d, version %d, cases %d", len(got.Questions), got.Version, e.Service.Size())
	}
	page := e.req("GET", "/hotline/reports/"+r.ID, "sun.li", "", nil)
	if n := strings.Count(page.Raw, `name="version" value="1"`); n < 5 {
		t.Fatalf("%d forms carry the version", n)
	}
}

// TestSecretBatchReadIsLogged: reading a batch marked 秘密, on its page or
// through the API, writes an access-log entry naming the letter, and the
// access log shows the action in words with a filter option; an internal
// batch's reading is not logged.
func TestSecretBatchReadIsLogged(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.apiBatch(2, func(b map[string]any) { b["level"] = "secret" })
	if r.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	id := r.Body["id"].(string)
	if p := e.req("GET", "/batches/"+id, office, "", nil); p.Status != 200 {
		t.Fatalf("page: %d", p.Status)
	}
	if a := e.json("GET", "/api/v1/referral-batches/"+id, office, nil); a.Status != 200 {
		t.Fatalf("api: %d", a.Status)
	}
	log, _, err := e.Access.SearchAccess(ctx, access.AccessFilter{Target: testLetter})
	if err != nil || len(log) != 2 || log[0].Action != "read-batch" || log[0].Level != "secret" || log[0].UserID != office {
		t.Fatalf("access log: %+v %v", log, err)
	}
	page := e.req("GET", "/admin/access-log?action=read-batch", "admin", "", nil)
	if !strings.Contains(page.Raw, `<option value="read-batch" selected>查阅巡察移交函</option>`) || !strings.Contains(page.Raw, `<option value="read-reporter">查看举报人信息</option>`) {
		t.Fatalf("the access log does not offer the batch and reporter readings")
	}
}

// TestHotlineIntakeOnce: the operator's form carries a token; posting it
// twice takes one report, and both posts redirect to a page that shows
// the receipt and secret once (then the report's page).
func TestHotlineIntakeOnce(t *testing.T) {
	e := newEnv(t)
	form := e.req("GET", "/hotline/new", "sun.li", "", nil)
	m := regexp.MustCompile(`name="intake_token" value="([0-9a-f]{32})"`).FindStringSubmatch(form.Raw)
	if m == nil {
		t.Fatal("the intake form carries no token")
	}
	f := reportFields("清河县教育局混岗使用事业编制人员3名，在局机关科室从事行政工作。")
	f.Set("channel", "phone")
	f.Set("received_at", time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04"))
	f.Set("intake_token", m[1])
	f.Set(web.CSRFField, csrfOf(e, "sun.li"))
	var locs []string
	for range 2 {
		res := e.req("POST", "/hotline/new", "sun.li", "application/x-www-form-urlencoded", strings.NewReader(f.Encode()))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("intake: %d %.300s", res.Status, res.Raw)
		}
		locs = append(locs, res.Header.Get("Location"))
	}
	if n, _, _ := e.Hotline.List(context.Background(), hotline.Filter{Scope: cases.GlobalScope}); len(n) != 1 {
		t.Fatalf("%d reports from one form posted twice", len(n))
	}
	if locs[0] != locs[1] || strings.Contains(locs[0], "secret") {
		t.Fatalf("redirects %v", locs)
	}
	shown := e.req("GET", locs[0], "sun.li", "", nil)
	if shown.Status != 200 || !receiptRE.MatchString(shown.Raw) || !secretRE.MatchString(shown.Raw) {
		t.Fatalf("receipt page: %d %.300s", shown.Status, shown.Raw)
	}
	again := e.req("GET", locs[0], "sun.li", "", nil)
	r := onlyReport(t, e)
	if again.Status != http.StatusSeeOther || !strings.HasPrefix(again.Header.Get("Location"), "/hotline/reports/"+r.ID) {
		t.Fatalf("receipt page again: %d %s", again.Status, again.Header.Get("Location"))
	}
	// Without its token the form is refused, and nothing is taken.
	f.Del("intake_token")
	if res := e.req("POST", "/hotline/new", "sun.li", "application/x-www-form-urlencoded", strings.NewReader(f.Encode())); res.Status != http.StatusBadRequest {
		t.Fatalf("a form without a token: %d", res.Status)
	}
}

// TestFeedbackLetterAccessFollowsItsBasis: an audit referral's letter is
// read by those who read the referral, not by every reader in the region;
// a batch's letter by the office and the batch's own patrol team, whose
// batch page links it.
func TestFeedbackLetterAccessFollowsItsBasis(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ref := e.auditReferral("云审移〔2026〕9号", e.Service.Today())
	for _, c := range ref.Clues {
		if r := e.json("POST", "/api/v1/audit-clues/"+c.ID+"/decision", "li.ming", map[string]any{"outcome": "rejected", "reason": "系借调人员，手续齐全"}); r.Status != 201 {
			t.Fatalf("reject: %d %s", r.Status, r.Raw)
		}
	}
	letter := e.json("POST", "/api/v1/audit-referrals/"+ref.ID+"/feedback-letter", "li.ming", nil)
	if letter.Status != 201 {
		t.Fatalf("audit letter: %d %s", letter.Status, letter.Raw)
	}
	audit := letter.Body["document"].(map[string]any)["id"].(string)
	for user, want := range map[string]int{"li.ming": 200, "wang.fang": 200, "sun.li": 404, "he.ping": 404, "liaison.rsj": 404, "zhou.qiang": 404, "ap.office": 404} {
		if r := e.req("GET", "/documents/"+audit, user, "", nil); r.Status != want {
			t.Errorf("%s reads the audit letter: %d, want %d", user, r.Status, want)
		}
		if r := e.json("GET", "/api/v1/documents/"+audit, user, nil); r.Status != want {
			t.Errorf("%s reads the audit letter's record: %d, want %d", user, r.Status, want)
		}
	}

	for _, u := range []access.User{
		{ID: "patrol.one", Name: "第一组", Roles: []cases.Role{cases.RolePatrol}, Region: []string{"江南省", "云州市"}},
		{ID: "patrol.two", Name: "第二组", Roles: []cases.Role{cases.RolePatrol}, Region: []string{"江南省", "云州市"}},
	} {
		if err := e.Access.CreateUser(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	// The batch's round: patrol.one is on the batch's team, patrol.two on another.
	e.addRound("十一届市委第三轮巡察", patrolTeam("市委第一巡察组", "patrol.one", "AP001"), patrolTeam("市委第二巡察组", "patrol.two", "QH002"))
	b := e.apiBatch(2, nil)
	id := b.Body["id"].(string)
	for _, it := range b.Body["items"].([]any) {
		no := it.(map[string]any)["case_no"].(string)
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionTransfer, cases.Input{Reference: "云纪移〔2026〕7号"}, "", 0); err != nil {
			t.Fatal(err)
		}
	}
	if r := e.postForm("/batches/"+id+"/feedback", office, url.Values{}); r.Status != 303 {
		t.Fatalf("batch letter: %d", r.Status)
	}
	got := e.json("GET", "/api/v1/referral-batches/"+id, office, nil)
	doc := got.Body["letters"].([]any)[0].(map[string]any)["document_id"].(string)
	for user, want := range map[string]int{"li.ming": 200, "patrol.one": 200, "patrol.two": 404, "zhou.qiang": 404, "sun.li": 404, "he.ping": 404, "liaison.rsj": 404} {
		if r := e.req("GET", "/documents/"+doc, user, "", nil); r.Status != want {
			t.Errorf("%s reads the batch letter: %d, want %d", user, r.Status, want)
		}
	}
	if page := e.req("GET", "/batches/"+id, "patrol.one", "", nil); !strings.Contains(page.Raw, `href="/documents/`+doc+`"`) {
		t.Errorf("the patrol team's batch page does not link its letter")
	}
}

// TestBatchPageShowsOnlyItemsInScope: a county office sees its county's
// items of a city batch; the other county's item is counted, not named,
// and its real state (transferred) counts toward the batch's progress.
func TestBatchPageShowsOnlyItemsInScope(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.apiBatch(2, func(b map[string]any) {
		b["items"].([]map[string]any)[1]["unit_code"] = "AP001"
	})
	if r.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	id := r.Body["id"].(string)
	other := r.Body["items"].([]any)[1].(map[string]any)["case_no"].(string)
	if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, other, casetest.Office, cases.ActionTransfer, cases.Input{Reference: "云纪移〔2026〕7号"}, "", 0); err != nil {
		t.Fatal(err)
	}
	page := e.req("GET", "/batches/"+id, "qh.office", "", nil)
	if page.Status != 200 || !strings.Contains(page.Raw, "巡察发现的第1个问题") {
		t.Fatalf("county office: %d", page.Status)
	}
	if strings.Contains(page.Raw, "巡察发现的第2个问题") || strings.Contains(page.Raw, other) || strings.Contains(page.Raw, "安平县") {
		t.Errorf("the county office sees the other county's item")
	}
	if !strings.Contains(page.Raw, `共 2 个问题，已办结 1 个；其中 <span id="batch-hidden">1</span> 个问题不在您的管辖范围内`) {
		t.Errorf("the progress does not count the hidden item: %s", page.Raw[strings.Index(page.Raw, "batch-progress"):][:300])
	}
	api := e.json("GET", "/api/v1/referral-batches/"+id, "qh.office", nil)
	if strings.Contains(api.Raw, "巡察发现的第2个问题") || api.Body["hidden"] != float64(1) || api.Body["settled"] != float64(1) {
		t.Errorf("the API shows the other county's item: %s", api.Raw)
	}
	if full := e.req("GET", "/batches/"+id, "li.ming", "", nil); !strings.Contains(full.Raw, "巡察发现的第2个问题") || strings.Contains(full.Raw, "batch-hidden") {
		t.Errorf("the city office does not see every item")
	}
}

// TestPublicReportQuotaCountsOnlyReports: mistyped challenges do not use
// up an address's reports; over the quota, the refusal says the true wait
// and leads back to the report form; a new image keeps what was typed;
// the challenge can be heard.
func TestPublicReportQuotaCountsOnlyReports(t *testing.T) {
	e := newEnv(t)
	s := web.NewServer(web.Config{Service: e.Service, Access: e.Access, Documents: e.Docs, Catalog: e.Catalog, Hotline: e.Hotline,
		LoginPerMinute: 1000, LoginPerAccount: 1000, PublicPerMinute: 10000, ReportsPerHour: 2})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	f := reportFields("清河县教育局张某某长期不上班，工资照发，吃空饷。")
	for range 4 {
		id, _ := captchaOf(t, srv.URL, s)
		f.Set("captcha_id", id)
		f.Set("captcha", "00000x")
		if code, _ := postForm(t, srv.URL, "/report", f); code != http.StatusBadRequest {
			t.Fatalf("a mistyped challenge: %d", code)
		}
	}
	for i := range 2 {
		id, answer := captchaOf(t, srv.URL, s)
		f.Set("captcha_id", id)
		f.Set("captcha", answer)
		if code, body := postForm(t, srv.URL, "/report", f); code != http.StatusCreated {
			t.Fatalf("report %d after mistyped challenges: %d %.300s", i+1, code, body)
		}
	}
	id, answer := captchaOf(t, srv.URL, s)
	f.Set("captcha_id", id)
	f.Set("captcha", answer)
	res, err := http.PostForm(srv.URL+"/report", f)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	wait, _ := strconv.Atoi(res.Header.Get("Retry-After"))
	if res.StatusCode != http.StatusTooManyRequests || wait < 1500 || wait > 1800 {
		t.Fatalf("a third report in the hour: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if !strings.Contains(string(body), `<a href="/report" id="error-back">返回举报页面</a>`) || !strings.Contains(string(body), "分钟后再试") {
		t.Fatalf("the refusal page: %.600s", body)
	}

	id, _ = captchaOf(t, e.srv.URL, e.Server)
	code, page := postForm(t, e.srv.URL, "/report", url.Values{"captcha_id": {id}, "captcha_new": {"1"}, "allegation": {"已经写好的举报内容"}})
	m := captchaRE.FindStringSubmatch(page)
	if code != http.StatusOK || m == nil || m[1] == id || !strings.Contains(page, "已经写好的举报内容") {
		t.Fatalf("a new image: %d", code)
	}
	if n, _, _ := e.Hotline.List(context.Background(), hotline.Filter{Scope: cases.GlobalScope}); len(n) != 2 {
		t.Fatalf("%d reports", len(n))
	}
	if !strings.Contains(page, `href="/report/captcha/`+m[1]+`/audio"`) {
		t.Fatal("the form offers no audio challenge")
	}
	audio := e.req("GET", "/report/captcha/"+m[1]+"/audio", "", "", nil)
	if audio.Status != 200 || audio.Header.Get("Content-Type") != "audio/wav" || !strings.HasPrefix(audio.Raw, "RIFF") {
		t.Fatalf("audio challenge: %d %s", audio.Status, audio.Header.Get("Content-Type"))
	}
}

// TestTrustedProxies: behind a configured proxy each client's own address
// (X-Forwarded-For) has its own report quota; without one, the header is
// ignored and the connection's address is the client's.
func TestTrustedProxies(t *testing.T) {
	e := newEnv(t)
	file := func(s *web.Server, srv, from string) int {
		id, answer := captchaOf(t, srv, s)
		f := reportFields("清河县教育局张某某长期不上班，工资照发，吃空饷。")
		f.Set("captcha_id", id)
		f.Set("captcha", answer)
		r, _ := http.NewRequest("POST", srv+"/report", strings.NewReader(f.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Forwarded-For", from)
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, tt := range []struct {
		name    string
		trusted []string
		second  int
	}{{"BehindTrustedProxy", []string{"127.0.0.1/32"}, http.StatusCreated}, {"NoProxyTrusted", nil, http.StatusTooManyRequests}} {
		t.Run(tt.name, func(t *testing.T) {
			s := web.NewServer(web.Config{Service: e.Service, Access: e.Access, Documents: e.Docs, Catalog: e.Catalog, Hotline: e.Hotline,
				LoginPerMinute: 1000, LoginPerAccount: 1000, PublicPerMinute: 10000, ReportsPerHour: 1, TrustedProxies: tt.trusted})
			srv := httptest.NewServer(s.Handler())
			defer srv.Close()
			if code := file(s, srv.URL, "203.0.113.1"); code != http.StatusCreated {
				t.Fatalf("first client: %d", code)
			}
			if code := file(s, srv.URL, "203.0.113.2"); code != tt.second {
				t.Fatalf("second client: %d, want %d", code, tt.second)
			}
		})
	}
	if _, err := web.CheckTrustedProxies("10.0.0.0/8, 127.0.0.1"); err != nil {
		t.Error(err)
	}
	if _, err := web.CheckTrustedProxies("10.0.0.0/33"); err == nil || !strings.Contains(err.Error(), "10.0.0.0/33") {
		t.Errorf("a bad proxy: %v", err)
	}
}

// TestPublicStatusFollowsTheCase: a report registered as a case reads
// 核实中 to the reporter until the case is settled, then 已办结; its open
// question is closed with triage, and an answer sent after is refused.
func TestPublicStatusFollowsTheCase(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	receipt, secret := e.fileReport(t, reportFields("清河县教育局局机关核定行政编制20名，实有22人，仍新进人员2名，超编进人。"))
	r := onlyReport(t, e)
	if res := e.hotlineAct(r.ID, url.Values{"action": {"ask"}, "text": {"请问新进人员是哪个月进的？"}, "version": {"0"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("ask: %d", res.Status)
	}
	res := e.hotlineAct(r.ID, url.Values{"action": {"register"}, "unit_code": {"QH001"}, "violation_kind": {"B01"}, "title": {"超编进人"},
		"facts": {"局机关超编进人2名。"}, "level": {"internal"}, "version": {"1"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("register: %d %.400s", res.Status, res.Raw)
	}
	got, _ := e.Hotline.Report(ctx, cases.GlobalScope, r.ID)
	code, body := postForm(t, e.srv.URL, "/report/status", url.Values{"receipt": {receipt}, "secret": {secret}})
	if code != 200 || !strings.Contains(body, `<dd id="public-status">核实中</dd>`) || strings.Contains(body, "answer-form") || !strings.Contains(body, "询问已随举报办理完毕而关闭") {
		t.Fatalf("the reporter's view of a registered report: %d %.800s", code, body)
	}
	code, _ = postForm(t, e.srv.URL, "/report/answer", url.Values{"receipt": {receipt}, "secret": {secret}, "question": {"1"}, "answer": {"三月份"}})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("an answer after registration: %d", code)
	}
	if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, got.CaseNo, casetest.Office, cases.ActionTransfer, cases.Input{Reference: "云纪移〔2026〕7号"}, "", 0); err != nil {
		t.Fatal(err)
	}
	if _, body = postForm(t, e.srv.URL, "/report/status", url.Values{"receipt": {receipt}, "secret": {secret}}); !strings.Contains(body, `<dd id="public-status">已办结</dd>`) {
		t.Fatalf("the reporter's view once the case is settled: %.600s", body)
	}
}

// TestHotlineRegisterTwiceAndDismissOnlyVerified: registering a report
// registered already leads to its case (no 422, no second case); 查无实据
// is offered and accepted only after 开始核实.
func TestHotlineRegisterTwiceAndDismissOnlyVerified(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fileReport(t, reportFields("清河县教育局局机关核定行政编制20名，实有22人，仍新进人员2名，超编进人。"))
	r := onlyReport(t, e)
	if page := e.req("GET", "/hotline/reports/"+r.ID, "sun.li", "", nil); strings.Contains(page.Raw, `id="act-dismiss"`) || !strings.Contains(page.Raw, "dismiss-note") {
		t.Error("查无实据 is offered before 开始核实")
	}
	if res := e.hotlineAct(r.ID, url.Values{"action": {"dismiss"}, "reason": {"查无实据"}, "text": {"经核实不属实。"}, "version": {"0"}}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("dismiss before verifying: %d", res.Status)
	}
	reg := url.Values{"action": {"register"}, "unit_code": {"QH001"}, "violation_kind": {"B01"}, "title": {"超编进人"},
		"facts": {"局机关超编进人2名。"}, "level": {"internal"}, "version": {"0"}}
	var locs []string
	for range 2 {
		res := e.hotlineAct(r.ID, reg)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("register: %d %.300s", res.Status, res.Raw)
		}
		locs = append(locs, res.Header.Get("Location"))
	}
	got, _ := e.Hotline.Report(ctx, cases.GlobalScope, r.ID)
	if e.Service.Size() != 1 || got.CaseNo == "" || !strings.Contains(locs[1], "hotline-registered") || !strings.Contains(locs[1], got.CaseNo) {
		t.Fatalf("%d cases, report case %q, second answer %s", e.Service.Size(), got.CaseNo, locs[1])
	}
}

// TestBatchUploadErrorsListedOnce: an upload with several bad cells lists
// each once (the first was shown twice, as the summary and in the list).
func TestBatchUploadErrorsListedOnce(t *testing.T) {
	e := newEnv(t)
	rows := fiveItems()
	rows[1][0] = "ZZ999"
	rows[2][1] = "X99"
	r := e.uploadBatch(office, letterFields(), e.batchXLSX(rows))
	if r.Status != 400 || !strings.Contains(r.Raw, "共有 2 处错误") {
		t.Fatalf("%d %.600s", r.Status, r.Raw)
	}
	for _, cell := range []string{"第3行A列", "第4行B列"} {
		if n := strings.Count(r.Raw, cell); n != 1 {
			t.Errorf("%s shown %d times", cell, n)
		}
	}
}

// TestBatchInterimButtonGoesOnceIssued: once an interim letter lists the
// items settled so far, the page says so instead of offering the same
// letter again; another settled item offers a new one.
func TestBatchInterimButtonGoesOnceIssued(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.apiBatch(3, nil)
	id := r.Body["id"].(string)
	nos := []string{}
	for _, it := range r.Body["items"].([]any) {
		nos = append(nos, it.(map[string]any)["case_no"].(string))
	}
	transfer := func(no string) {
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionTransfer, cases.Input{Reference: "云纪移〔2026〕7号"}, "", 0); err != nil {
			t.Fatal(err)
		}
	}
	transfer(nos[0])
	if page := e.req("GET", "/batches/"+id, office, "", nil); !strings.Contains(page.Raw, "印发阶段性反馈函（列已办结的 1 个问题）") {
		t.Fatal("no interim letter offered")
	}
	if res := e.postForm("/batches/"+id+"/feedback", office, url.Values{}); res.Status != 303 {
		t.Fatalf("interim letter: %d", res.Status)
	}
	page := e.req("GET", "/batches/"+id, office, "", nil)
	if strings.Contains(page.Raw, `id="issue-feedback"`) || !strings.Contains(page.Raw, "interim-issued") {
		t.Fatal("the interim button stays after its letter")
	}
	transfer(nos[1])
	if page := e.req("GET", "/batches/"+id, office, "", nil); !strings.Contains(page.Raw, "印发阶段性反馈函（列已办结的 2 个问题）") {
		t.Fatal("no new interim letter offered after another item settled")
	}
}

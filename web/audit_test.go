package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rectify/cases"
	"rectify/cases/calendar"
	"rectify/cases/casetest"
	"rectify/cases/clue"
	"rectify/templates/pdftest"
)

// auditBody is a referral of two clues as the API takes it.
func auditBody(reportNo, received string) map[string]any {
	return map[string]any{"office": "云州市审计局", "report_no": reportNo, "received": received, "level": "internal",
		"clues": []map[string]any{
			{"unit_code": "QH001", "violation_kind": "B01", "title": "超编进人", "facts": "核定行政编制20名，实有22人。"},
			{"unit_code": "QH002", "violation_kind": "B01", "title": "混岗使用事业人员", "facts": "2名事业人员在机关岗位工作。"},
		}}
}

// auditReferral registers a referral through the service and returns it.
func (e *testEnv) auditReferral(reportNo, received string) clue.Referral {
	e.t.Helper()
	sub := clue.Submission{Office: "云州市审计局", ReportNo: reportNo, Received: received, Level: cases.LevelInternal,
		Clues: []clue.ClueInput{
			{UnitCode: "QH001", Kind: "B01", Title: "超编进人", Facts: "核定行政编制20名，实有22人。"},
			{UnitCode: "QH002", Kind: "B01", Title: "混岗使用事业人员", Facts: "2名事业人员在机关岗位工作。"},
		}}
	r, _, err := e.Clues.Register(context.Background(), cases.Scope{Region: "江南省/云州市"}, casetest.Office, sub)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func TestAuditReferralAPI(t *testing.T) {
	e := newEnv(t)
	today := e.Service.Today()
	r := e.json("POST", "/api/v1/audit-referrals", "li.ming", auditBody("云审移〔2026〕3号", today))
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	id, _ := r.Body["id"].(string)
	clues, _ := r.Body["clues"].([]any)
	if len(clues) != 2 || r.Header.Get("Location") != "/api/v1/audit-referrals/"+id {
		t.Fatalf("register answered %s", r.Raw)
	}
	clueID := func(i int) string { return clues[i].(map[string]any)["id"].(string) }

	t.Run("ReplayIsTheFirst", func(t *testing.T) {
		again := e.json("POST", "/api/v1/audit-referrals", "li.ming", auditBody("云审移〔2026〕3号", today))
		if again.Status != 200 || again.Body["id"] != id || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %s", again.Status, again.Raw)
		}
	})
	t.Run("ErrOtherContent409NamesTheNumber", func(t *testing.T) {
		b := auditBody("云审移〔2026〕3号", today)
		b["clues"].([]map[string]any)[0]["title"] = "另一个问题"
		r := e.json("POST", "/api/v1/audit-referrals", "li.ming", b)
		if r.Status != 409 || !strings.Contains(errOf(r)["message"].(string), "云审移〔2026〕3号") {
			t.Fatalf("got %d %s", r.Status, r.Raw)
		}
	})
	t.Run("ErrEveryBadFieldAtOnce", func(t *testing.T) {
		before := e.counts()
		r := e.json("POST", "/api/v1/audit-referrals", "li.ming", map[string]any{"received": "2099-01-01", "level": "internal",
			"clues": []map[string]any{{"unit_code": "AP001", "violation_kind": "B01"}, {"unit_code": "NOPE1", "title": "x", "facts": "y"}}})
		fields, _ := errOf(r)["fields"].([]any)
		var names []string
		for _, f := range fields {
			names = append(names, f.(map[string]any)["field"].(string))
		}
		want := "office,report_no,received,clues[0].title,clues[0].facts,clues[1].unit_code,clues[1].violation_kind"
		if r.Status != 400 || strings.Join(names, ",") != want {
			t.Fatalf("got %d fields %v, want %s", r.Status, names, want)
		}
		if after := e.counts(); after["audit_referrals"] != before["audit_referrals"] {
			t.Errorf("a refused referral was written")
		}
	})
	t.Run("ErrOutsideTheRoles", func(t *testing.T) {
		for _, u := range []string{"zhou.qiang", "unit.qh001", "sun.li"} {
			if r := e.json("GET", "/api/v1/audit-referrals/"+id, u, nil); r.Status != 403 {
				t.Errorf("%s reads a referral: %d", u, r.Status)
			}
		}
		if r := e.json("POST", "/api/v1/audit-clues/"+clueID(0)+"/decision", "wang.fang", map[string]any{"outcome": "rejected", "reason": "x"}); r.Status != 403 {
			t.Errorf("the approver decides: %d", r.Status)
		}
		if r := e.json("GET", "/api/v1/audit-referrals/"+id, "ap.office", nil); r.Status != 404 {
			t.Errorf("another county's office reads it: %d", r.Status)
		}
	})

	d := e.json("POST", "/api/v1/audit-clues/"+clueID(0)+"/decision", "li.ming", map[string]any{"outcome": "confirmed"})
	no, _ := d.Body["case_no"].(string)
	if d.Status != 201 || no == "" {
		t.Fatalf("confirm: %d %s", d.Status, d.Raw)
	}
	if page := e.req("GET", "/cases/"+no, "li.ming", "", nil); !strings.Contains(page.Raw, `href="/audit-referrals/`+id+`">第 1 条线索`) {
		t.Error("the case page does not link its clue")
	}
	c := e.json("GET", "/api/v1/cases/"+no, "li.ming", nil)
	if c.Body["source"] != "audit" || c.Body["source_ref"] != "云审移〔2026〕3号" {
		t.Fatalf("the case: %s", c.Raw)
	}
	if again := e.json("POST", "/api/v1/audit-clues/"+clueID(0)+"/decision", "zhao.lei", map[string]any{"outcome": "confirmed"}); again.Status != 200 || again.Body["case_no"] != no {
		t.Fatalf("a second click: %d %s", again.Status, again.Raw)
	}
	if other := e.json("POST", "/api/v1/audit-clues/"+clueID(0)+"/decision", "zhao.lei", map[string]any{"outcome": "rejected", "reason": "查无实据"}); other.Status != 409 {
		t.Fatalf("a different decision: %d %s", other.Status, other.Raw)
	}
	if bad := e.json("POST", "/api/v1/audit-clues/"+clueID(1)+"/decision", "li.ming", map[string]any{"outcome": "rejected"}); bad.Status != 400 || errOf(bad)["field"] != "reason" {
		t.Fatalf("a rejection without reason: %d %s", bad.Status, bad.Raw)
	}
	if rj := e.json("POST", "/api/v1/audit-clues/"+clueID(1)+"/decision", "li.ming", map[string]any{"outcome": "rejected", "reason": "系借调人员，手续齐全"}); rj.Status != 201 {
		t.Fatalf("reject: %d %s", rj.Status, rj.Raw)
	}
	list := e.json("GET", "/api/v1/audit-referrals?state=decided", "wang.fang", nil)
	if list.Status != 200 || list.Body["total"] != float64(1) {
		t.Fatalf("list decided: %s", list.Raw)
	}
	letter := e.json("POST", "/api/v1/audit-referrals/"+id+"/feedback-letter", "li.ming", nil)
	if letter.Status != 201 {
		t.Fatalf("letter: %d %s", letter.Status, letter.Raw)
	}
	doc := letter.Body["document"].(map[string]any)
	pdf := e.req("GET", "/api/v1/documents/"+doc["id"].(string)+"/pdf", "li.ming", "", nil)
	text := pdftest.Text(t, []byte(pdf.Raw))
	for _, want := range []string{"云审移〔2026〕3号", no, "认定属实", "不予认定", "系借调人员，手续齐全"} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q", want)
		}
	}
	if again := e.json("POST", "/api/v1/audit-referrals/"+id+"/feedback-letter", "li.ming", nil); again.Status != 200 || again.Body["document"].(map[string]any)["id"] != doc["id"] {
		t.Fatalf("letter again: %d %s", again.Status, again.Raw)
	}
	if list := e.json("GET", "/api/v1/audit-referrals?state=answered", "li.ming", nil); list.Body["total"] != float64(1) {
		t.Fatalf("list answered: %s", list.Raw)
	}
}

// daysBack is the latest date before today whose decision period ends
// within [from, to].
func daysBack(t *testing.T, e *testEnv, from, to string) string {
	t.Helper()
	day, _ := time.Parse(time.DateOnly, e.Service.Today())
	for k := 0; k < 120; k++ {
		d := day.AddDate(0, 0, -k).Format(time.DateOnly)
		v := e.auditDeadline(d)
		if v >= from && v <= to {
			return d
		}
	}
	t.Fatalf("no received date ends its period in [%s, %s]", from, to)
	return ""
}

// auditDeadline is the end of the decision period of a referral received on d.
func (e *testEnv) auditDeadline(d string) string {
	cal, _ := calendar.Builtin()
	v, err := cal.AddWorkingDays(d, e.Clues.DecideDays())
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// TestAuditClueLights: a clue waiting past its decision period is red,
// within five working days of its end yellow, else green; a decided one
// has no light. The list filters by light and the header counts the
// office's 待认定线索 within its scope.
func TestAuditClueLights(t *testing.T) {
	e := newEnv(t)
	today := e.Service.Today()
	red := e.auditReferral("云审移〔2026〕红", daysBack(t, e, "2000-01-01", time.Now().AddDate(0, 0, -1).Format(time.DateOnly)))
	yellow := e.auditReferral("云审移〔2026〕黄", daysBack(t, e, today, e.Service.YellowUntil(today)))
	green := e.auditReferral("云审移〔2026〕绿", today)
	for _, tc := range []struct {
		r    clue.Referral
		want cases.Light
	}{{red, cases.LightRed}, {yellow, cases.LightYellow}, {green, cases.LightGreen}} {
		v := e.json("GET", "/api/v1/audit-referrals/"+tc.r.ID, "li.ming", nil)
		cl := v.Body["clues"].([]any)[0].(map[string]any)
		if v.Body["light"] != string(tc.want) || cl["light"] != string(tc.want) {
			t.Errorf("%s (received %s, deadline %v): light %v / %v, want %s", tc.r.ReportNo, tc.r.Received, v.Body["deadline"], v.Body["light"], cl["light"], tc.want)
		}
		list := e.json("GET", "/api/v1/audit-referrals?light="+string(tc.want), "li.ming", nil)
		rows, _ := list.Body["referrals"].([]any)
		if len(rows) != 1 || rows[0].(map[string]any)["id"] != tc.r.ID {
			t.Errorf("light=%s lists %s", tc.want, list.Raw)
		}
	}
	page := e.req("GET", "/audit-referrals?light=red", "li.ming", "", nil)
	if !strings.Contains(page.Raw, red.ReportNo) || strings.Contains(page.Raw, green.ReportNo) || !strings.Contains(page.Raw, "红灯") {
		t.Errorf("the list filtered by red shows the wrong referrals")
	}
	// Deciding a clue puts its light out.
	if r := e.json("POST", "/api/v1/audit-clues/"+red.Clues[0].ID+"/decision", "li.ming", map[string]any{"outcome": "rejected", "reason": "查无实据"}); r.Status != 201 {
		t.Fatal(r.Raw)
	}
	v := e.json("GET", "/api/v1/audit-referrals/"+red.ID, "li.ming", nil)
	if cl := v.Body["clues"].([]any)[0].(map[string]any); cl["light"] != nil {
		t.Errorf("a decided clue has light %v", cl["light"])
	}
	// The queue: 5 undecided in the city; the two QH001/QH002 referrals
	// all lie in 清河县, so its county office sees them; 安平县 sees none.
	for user, want := range map[string]int{"li.ming": 5, "qh.office": 5, "ap.office": 0} {
		if n := queueCount(t, e.req("GET", "/units", user, "", nil).Raw, "待认定线索"); n != want {
			t.Errorf("%s's 待认定线索 = %d, want %d", user, n, want)
		}
	}
	if strings.Contains(e.req("GET", "/units", "wang.fang", "", nil).Raw, "待认定线索") {
		t.Error("the approver has the office's queue")
	}
	todo := e.req("GET", "/todo", "li.ming", "", nil)
	if !strings.Contains(todo.Raw, `href="/audit-referrals?state=pending"`) {
		t.Error("the to-do page does not link the clue queue")
	}
}

// TestAuditReferralForm: the form reports each bad clue under its row
// and writes nothing; "more rows" keeps what was typed; a good form
// registers and lands on the referral.
func TestAuditReferralForm(t *testing.T) {
	e := newEnv(t)
	_, csrf := e.session("li.ming")
	post := func(v url.Values) response {
		v.Set("csrf_token", csrf)
		return e.req("POST", "/audit-referrals/new", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	}
	v := url.Values{"rows": {"3"}, "office": {"云州市审计局"}, "report_no": {"云审移〔2026〕9号"}, "received": {e.Service.Today()}, "level": {"internal"},
		"clue.0.unit_code": {"QH001"}, "clue.0.violation_kind": {"B01"}, "clue.0.title": {"超编进人"}, "clue.0.facts": {"实有22人"},
		"clue.2.unit_code": {"QH002"}, "clue.2.title": {"混岗"}}
	more := post(func() url.Values {
		w := url.Values{}
		for k, x := range v {
			w[k] = x
		}
		w.Set("more", "1")
		return w
	}())
	if more.Status != 200 || strings.Count(more.Raw, `<fieldset class="clue-row">`) != 6 || !strings.Contains(more.Raw, "实有22人") {
		t.Fatalf("more rows: %d, %d rows", more.Status, strings.Count(more.Raw, `<fieldset class="clue-row">`))
	}
	before := e.counts()
	bad := post(v)
	if bad.Status != 400 {
		t.Fatalf("bad form: %d", bad.Status)
	}
	// Row 3 (the second clue) lacks its kind and facts; row 1 is fine.
	for _, want := range []string{"线索2：请选择问题类型", "请填写线索2：线索内容"} {
		if !strings.Contains(bad.Raw, want) {
			t.Errorf("the form does not say %q", want)
		}
	}
	if e.counts()["audit_referrals"] != before["audit_referrals"] {
		t.Error("a refused form wrote a referral")
	}
	v.Set("clue.2.violation_kind", "B01")
	v.Set("clue.2.facts", "2名事业人员在机关岗位")
	ok := post(v)
	loc := ok.Header.Get("Location")
	if ok.Status != 303 || !strings.HasPrefix(loc, "/audit-referrals/") {
		t.Fatalf("good form: %d %s", ok.Status, loc)
	}
	page := e.req("GET", strings.Split(loc, "?")[0], "li.ming", "", nil)
	if !strings.Contains(page.Raw, "云审移〔2026〕9号") || strings.Count(page.Raw, `class="panel clue"`) != 2 {
		t.Errorf("the referral page: %d", page.Status)
	}
	// A secret referral's reading is in the access log.
	v.Set("level", "secret")
	v.Set("report_no", "云审移〔2026〕密9号")
	secret := post(v)
	if secret.Status != 303 {
		t.Fatalf("secret referral: %d", secret.Status)
	}
	e.req("GET", strings.Split(secret.Header.Get("Location"), "?")[0], "wang.fang", "", nil)
	if log := e.req("GET", "/admin/access-log", "admin", "", nil); !strings.Contains(log.Raw, "查阅审计移送") || !strings.Contains(log.Raw, "云审移〔2026〕密9号") {
		t.Error("reading a secret referral is not in the access log")
	}
	// The approver reads it without the decision forms.
	if ap := e.req("GET", strings.Split(loc, "?")[0], "wang.fang", "", nil); ap.Status != 200 || strings.Contains(ap.Raw, "/decision") {
		t.Errorf("the approver's page: %d", ap.Status)
	}
}

// TestBrowserAuditReferral: the office registers a referral of two clues
// in the browser, confirms one and rejects the other, and issues the
// feedback letter, which lists both (read back with pdftotext).
func TestBrowserAuditReferral(t *testing.T) {
	e := newEnv(t)
	b := browser(t)
	e.browserLogin(t, b, "li.ming")
	run(t, b, "open the referral form", chromedp.Navigate(e.srv.URL+"/audit-referrals/new"),
		chromedp.WaitVisible(`form[action="/audit-referrals/new"]`, chromedp.ByQuery),
		chromedp.SendKeys(`[name=office]`, "云州市审计局", chromedp.ByQuery),
		chromedp.SendKeys(`[name=report_no]`, "云审移〔2026〕21号", chromedp.ByQuery),
		chromedp.SetValue(`[name="clue.0.unit_code"]`, "QH001", chromedp.ByQuery),
		chromedp.SetValue(`[name="clue.0.violation_kind"]`, "B01", chromedp.ByQuery),
		chromedp.SendKeys(`[name="clue.0.title"]`, "超编进人", chromedp.ByQuery),
		chromedp.SendKeys(`[name="clue.0.facts"]`, "核定行政编制20名，实有22人。", chromedp.ByQuery),
		chromedp.SetValue(`[name="clue.1.unit_code"]`, "QH002", chromedp.ByQuery),
		chromedp.SetValue(`[name="clue.1.violation_kind"]`, "B01", chromedp.ByQuery),
		chromedp.SendKeys(`[name="clue.1.title"]`, "混岗使用事业人员", chromedp.ByQuery),
		chromedp.SendKeys(`[name="clue.1.facts"]`, "2名事业人员在机关岗位工作。", chromedp.ByQuery),
	)
	screenshot(t, b, "desktop-office-audit-new.png")
	run(t, b, "register", chromedp.Click(`form[action="/audit-referrals/new"] button[type=submit]:not([name])`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	var loc string
	run(t, b, "where", chromedp.Location(&loc))
	id := regexp.MustCompile(`/audit-referrals/([0-9a-f]{16})`).FindStringSubmatch(loc)
	if id == nil {
		t.Fatalf("landed on %s", loc)
	}
	c1, c2 := clue.ClueID(id[1], 1), clue.ClueID(id[1], 2)
	clear := chromedp.Evaluate(`document.querySelectorAll('.flash').forEach(e => e.remove())`, nil)
	run(t, b, "confirm clue 1", clear,
		chromedp.Click(`section[id="`+c1+`"] form input[value=confirmed] ~ div button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if f := text(t, b, ".flash"); !strings.Contains(f, "已认定，登记为问题") {
		t.Fatalf("after confirming: %s", f)
	}
	run(t, b, "reject clue 2", clear,
		chromedp.SendKeys(`section[id="`+c2+`"] textarea[name=reason]`, "该2人系借调，手续齐全，查无实据。", chromedp.ByQuery),
		chromedp.Click(`section[id="`+c2+`"] form input[value=rejected] ~ div button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	screenshot(t, b, "desktop-office-audit-decided.png")
	run(t, b, "issue the letter", clear,
		chromedp.Click(`form[action$="/letter"] button:not([name])`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	var href string
	run(t, b, "the letter's link", chromedp.AttributeValue(`a[href^="/documents/feedback-"]`, "href", &href, nil, chromedp.ByQuery))
	v, err := e.Clues.Referral(context.Background(), cases.GlobalScope, id[1])
	if err != nil || v.State != clue.StateAnswered || v.Clues[0].Decision == nil || v.Clues[0].Decision.CaseNo == "" {
		t.Fatalf("the referral after the journey: %+v %v", v, err)
	}
	pdf := e.req("GET", href, "li.ming", "", nil)
	text := pdftest.Text(t, []byte(pdf.Raw))
	for _, want := range []string{"云州市审计局", "云审移〔2026〕21号", v.Clues[0].Decision.CaseNo, "认定属实", "超编进人",
		"混岗使用事业人员", "不予认定", "该2人系借调，手续齐全，查无实据"} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter lacks %q:\n%s", want, text)
		}
	}
	phone(t, b)
	run(t, b, "the referral at a phone's width", chromedp.Navigate(e.srv.URL+"/audit-referrals/"+id[1]), chromedp.WaitVisible(`section.clue`, chromedp.ByQuery))
	fitsWidth(t, b, "the referral page", phoneWidth)
	screenshot(t, b, "phone-office-audit.png")
	run(t, b, "the list at a phone's width", chromedp.Navigate(e.srv.URL+"/audit-referrals"), chromedp.WaitVisible(`#audit-referrals`, chromedp.ByQuery))
	fitsWidth(t, b, "the referral list", phoneWidth)
}

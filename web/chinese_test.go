package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/catalog"
	"rectify/cases/clue"
	"rectify/cases/hotline"
	"rectify/cases/patrol"
)

// TestEveryPageSpeaksChinese logs in as each role (and as nobody), walks
// every console route with real numbers put in, plus the error pages a
// person meets (no such case, no such page, a bad filter, a wrong
// method), and fails on any visible text that is an English message or a
// code without its label ("rectifying", "secret", "read-case", "red").
// The JSON API's error messages, which clients show to people, are held
// to the same: each carries Chinese.
func TestEveryPageSpeaksChinese(t *testing.T) {
	e := newEnv(t)
	w := chineseWorld(t, e)
	assessWorld(t, e)
	rw := rosterWorld(t, e)
	_, tok, err := e.Access.CreateToken(context.Background(), "admin", "人社局编制联动系统", []cases.Role{cases.RoleLiaison}, []string{"江南省", "云州市"})
	if err != nil {
		t.Fatal(err)
	}
	batch := e.apiBatch(2, nil).Body["id"].(string)
	ref := e.auditReferral("云审移〔2026〕5号", e.Service.Today())
	if _, _, err := e.Clues.Decide(context.Background(), cases.GlobalScope, casetest.Office, ref.Clues[0].ID, clue.DecisionInput{Outcome: clue.Confirmed}); err != nil {
		t.Fatal(err)
	}

	roundID := patrol.RoundID(testRound)
	if r := e.postForm("/units/QH001/briefing/send", "li.ming", url.Values{"rt": {roundID + "/t1"}, "level": {"internal"}}); r.Status != 303 {
		t.Fatalf("send a briefing: %d", r.Status)
	}
	sentID := e.Patrol.SentTo(roundID, "t1")[0].ID

	fill := func(path string) []string {
		path = strings.ReplaceAll(path, `\:`, ":")
		switch path {
		case "/cases/:no":
			return nil // every case below
		case "/cases/:no/evidence/:id":
			return []string{"/cases/" + w.submitted + "/evidence/" + w.evidence}
		case "/documents/:id":
			return []string{"/documents/" + w.doc}
		case "/verify/:code":
			return []string{"/verify/" + w.code, "/verify/ZZZZZZZZ"}
		case "/batches/:id":
			return []string{"/batches/" + batch, "/batches/rb-none"}
		case "/units/:code":
			return []string{"/units/QH001", "/units/QH002"}
		case "/units/:code/briefing":
			return []string{"/units/QH001/briefing", "/units/QH002/briefing", "/units/NOPE/briefing"}
		case "/units/:code/briefing/pdf":
			return []string{"/units/NOPE/briefing/pdf", "/units/QH001/briefing/pdf?level=bogus"}
		case "/patrol/rounds/:id":
			return []string{"/patrol/rounds/" + roundID, "/patrol/rounds/rnone"}
		case "/patrol/briefings/:id":
			return []string{"/patrol/briefings/" + sentID, "/patrol/briefings/bnone"}
		case "/admin/users/:id":
			return []string{"/admin/users/li.ming", "/admin/users/admin", "/admin/users/nobody"}
		case "/admin/tokens/:id/revoke":
			return []string{"/admin/tokens/" + tok.Short() + "/revoke", "/admin/tokens/000000000000/revoke"}
		case "/audit-referrals/:id":
			return []string{"/audit-referrals/" + ref.ID, "/audit-referrals/0123456789abcdef", "/audit-referrals/nope"}
		case "/report/captcha/:id":
			return []string{"/report/captcha/nope"}
		case "/report/captcha/:id/audio":
			return []string{"/report/captcha/nope/audio"}
		case "/hotline/received/:token":
			return []string{"/hotline/received/" + strings.Repeat("0", 32)}
		case "/hotline/reports/:id":
			return []string{"/hotline/reports/" + w.report, "/hotline/reports/" + w.dismissedReport, "/hotline/reports/JB-NOPE"}
		case "/hotline/reports/:id/files/:fid":
			return []string{"/hotline/reports/" + w.report + "/files/" + w.reportFile, "/hotline/reports/" + w.report + "/files/nope"}
		case "/roster/jobs/:id":
			return []string{rw.job, "/roster/jobs/nope"}
		case "/roster/snapshots/:id":
			return []string{"/roster/snapshots/" + rw.snap, "/roster/snapshots/R-nope"}
		case "/roster/snapshots/:id/units/:code":
			return []string{"/roster/snapshots/" + rw.snap + "/units/QH001", "/roster/snapshots/" + rw.snap + "/units/NOPE"}
		case "/warnings/:id":
			return []string{"/warnings/" + rw.warning, "/warnings/nope", "/warnings/" + rw.snap + ".nope"}
		}
		if strings.HasPrefix(path, "/assessment/") {
			return []string{assessPath(path)}
		}
		return []string{path}
	}
	var paths []string
	for _, r := range e.Server.Routes() {
		if r.Method != "GET" || strings.HasPrefix(r.Path, "/api/") || r.Path == "/healthz" || strings.HasPrefix(r.Path, "/static/") {
			continue
		}
		for _, p := range fill(r.Path) {
			if strings.Contains(p, "/:") {
				t.Errorf("no real value for %s: add one to this test", r.Path)
				continue
			}
			paths = append(paths, p)
		}
	}
	for _, no := range w.cases {
		paths = append(paths, "/cases/"+no)
	}
	paths = append(paths,
		"/missing/page", "/cases/2026-0175", "/cases/2026x", "/units/NOPE", "/documents/nope",
		"/cases/"+w.submitted+"/evidence/nope",
		"/ledger?state=rectifying,submitted&light=red&source=patrol&violation_kind=B01",
		"/ledger?light=purple", "/ledger?state=bogus", "/ledger?sort=title",
		"/ledger/export?format=doc",
		"/admin/access-log?from=bad", "/admin/access-log?user=li.ming",
		"/admin/access-log?action=read-case&level=secret&per_page=1", "/admin/access-log?action=bogus", "/admin/access-log?level=bogus",
		"/feedback/new?ref="+url.QueryEscape("云巡办移〔2026〕12号"), "/feedback/new?ref=none",
		"/todo", "/notices/new?unit=QH001", "/notices/new?unit=NOPE", "/ledger?state=rectifying&returned=1", "/ledger?returned=2",
		"/login?flash=logout",
		"/audit-referrals?state=pending&light=green", "/audit-referrals?light=purple", "/audit-referrals?state=bogus", "/audit-referrals/new?rows=7",
		"/assessment/rounds/1999", "/assessment/rounds/"+round26+"/units/NOPE", "/assessment/catalog/1900",
		"/warnings?change=resolved", "/warnings?rule=deceased&change=resolved", "/warnings?rule=bogus&unit=QH001",
	)
	users := []string{""}
	for _, u := range oneOfEachRole {
		users = append(users, u)
	}
	for _, user := range users {
		for _, path := range paths {
			r := e.req("GET", path, user, "", nil)
			if r.Status >= 300 && r.Status < 400 {
				continue // a browser follows it and shows nothing of it
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				if strings.HasPrefix(ct, "application/json") {
					checkJSONMessage(t, user+" GET "+path, r)
				}
				continue
			}
			checkChinese(t, user+" GET "+path, r.Raw)
		}
		if user == "" {
			continue
		}
		r := e.req("DELETE", "/ledger", user, "", nil)
		checkChinese(t, user+" DELETE /ledger", r.Raw)
	}

	// Forms that answer with their errors.
	_, csrf := e.session("li.ming")
	form := func(path string, v url.Values) {
		v.Set("csrf_token", csrf)
		r := e.req("POST", path, "li.ming", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
		checkChinese(t, "li.ming POST "+path, r.Raw)
	}
	form("/cases/new", url.Values{})
	form("/cases/"+w.verifying+"/actions", url.Values{"action": {"order_rectification"}, "working_days": {"x"}, "expected_version": {"2"}})
	form("/cases/"+w.verifying+"/actions", url.Values{"action": {"nosuchaction"}})
	form("/feedback/new", url.Values{"ref": {"云巡办移〔2026〕12号"}})
	// The administrator's forms, posted empty or wrong.
	_, adminCSRF := e.session("admin")
	for _, f := range []struct {
		path string
		v    url.Values
	}{
		{"/admin/users", url.Values{"id": {"X Y"}, "roles": {"boss"}, "region_text": {"a//b"}, "password": {"x"}}},
		{"/admin/users", url.Values{"id": {"li.ming"}, "name": {"李明"}, "roles": {"unit"}, "region": {"江南省"}, "password": {"password123"}}},
		{"/admin/users/li.ming", url.Values{}},
		{"/admin/users/li.ming/password", url.Values{"password": {"li.ming-2026"}, "password2": {"li.ming-2026"}}},
		{"/admin/users/admin/disabled", url.Values{"disabled": {"true"}}},
		{"/admin/tokens", url.Values{"roles": {"admin"}}},
		{"/admin/tokens", url.Values{"name": {"人社局编制联动系统"}, "roles": {"liaison"}, "region": {"江南省/云州市"}}},
	} {
		f.v.Set("csrf_token", adminCSRF)
		r := e.req("POST", f.path, "admin", "application/x-www-form-urlencoded", strings.NewReader(f.v.Encode()))
		checkChinese(t, "admin POST "+f.path, r.Raw)
	}
	form("/batches/new", url.Values{})
	form("/patrol/rounds/new", url.Values{"slots": {"1"}, "team_units_0": {"NOPE"}})
	form("/patrol/rounds/"+roundID, url.Values{"slots": {"1"}, "version": {"1"}})
	form("/units/QH001/briefing/send", url.Values{})
	form("/batches/"+batch+"/feedback", url.Values{})
	form("/audit-referrals/new", url.Values{"rows": {"2"}, "clue.1.title": {"超编进人"}})
	form("/audit-clues/"+ref.Clues[1].ID+"/decision", url.Values{"outcome": {"rejected"}})
	form("/audit-clues/"+ref.Clues[0].ID+"/decision", url.Values{"outcome": {"rejected"}, "reason": {"查无实据"}})
	// The hotline's forms and the public ones.
	_, hcsrf := e.session("sun.li")
	hform := func(path string, v url.Values) {
		v.Set("csrf_token", hcsrf)
		if strings.HasSuffix(path, "/actions") {
			withVersion(e, w.report, v)
		}
		r := e.req("POST", path, "sun.li", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
		checkChinese(t, "sun.li POST "+path, r.Raw)
	}
	hform("/hotline/new", url.Values{"reporter_id": {"123"}, "intake_token": {strings.Repeat("cd", 16)}})
	hform("/hotline/new", url.Values{"reporter_id": {"123"}})
	hform("/hotline/reports/"+w.report+"/actions", url.Values{"action": {"dismiss"}})
	hform("/hotline/reports/"+w.report+"/actions", url.Values{"action": {"register"}})
	hform("/hotline/reports/"+w.report+"/actions", url.Values{"action": {"merge"}, "case_no": {"2026-9999"}})
	hform("/hotline/reports/"+w.report+"/actions", url.Values{"action": {"bogus"}})
	hform("/hotline/reports/"+w.report+"/reporter", url.Values{})
	for _, p := range []string{"/report", "/report/status", "/report/answer", "/report/add"} {
		r := e.req("POST", p, "", "application/x-www-form-urlencoded", strings.NewReader("receipt=x&secret=y"))
		checkChinese(t, "POST "+p, r.Raw)
	}
	// The access log names users, actions, levels and filters in words.
	// (All of it on one page: the refused reads this walk provokes are
	// logged too and would push the exports past the first page.)
	log := e.req("GET", "/admin/access-log?per_page=500", "admin", "", nil)
	for _, want := range []string{"李明", "王芳", "查阅案件", "查阅办理记录", "下载文件", "导出台账（CSV）", "秘密",
		"状态 整改中、待核验；来源 巡视巡察移交；类型 B01", "预警 红灯", "关键词 超编"} {
		if !strings.Contains(log.Raw, want) {
			t.Errorf("the access log does not show %q", want)
		}
	}
	login := e.req("GET", "/login", "", "", nil)
	checkChinese(t, "GET /login", login.Raw)

	// The API's error messages.
	for _, tt := range []struct{ method, path, body string }{
		{"GET", "/api/v1/no-such-endpoint", ""},
		{"DELETE", "/api/v1/cases", ""},
		{"GET", "/api/v1/cases/2026-0175", ""},
		{"GET", "/api/v1/cases/bad-number", ""},
		{"GET", "/api/v1/cases?state=bogus", ""},
		{"GET", "/api/v1/cases?light=purple", ""},
		{"GET", "/api/v1/cases?source=bogus", ""},
		{"GET", "/api/v1/cases?violation_kind=bogus", ""},
		{"GET", "/api/v1/cases?unit=" + url.QueryEscape("a b"), ""},
		{"GET", "/api/v1/documents/nope", ""},
		{"GET", "/api/v1/access-log?from=bad", ""},
		{"GET", "/api/v1/audit-referrals/0123456789abcdef", ""},
		{"GET", "/api/v1/audit-referrals?light=purple", ""},
		{"POST", "/api/v1/audit-referrals", "{}"},
		{"POST", "/api/v1/audit-clues/nope/decision", `{"outcome":"confirmed"}`},
		{"POST", "/api/v1/cases", "{"},
		{"POST", "/api/v1/units:import", "code,name\n"},
	} {
		ct := "application/json"
		if strings.HasPrefix(tt.body, "code") {
			ct = "text/csv"
		}
		user := "li.ming"
		if strings.Contains(tt.path, "access-log") {
			user = "admin"
		}
		r := e.req(tt.method, tt.path, user, ct, strings.NewReader(tt.body))
		checkJSONMessage(t, tt.method+" "+tt.path, r)
	}
}

// chineseCases are the cases, documents and log entries the walk shows.
type chineseCases struct {
	// report is an open 12310 report with a file, dismissedReport a settled one.
	report, reportFile, dismissedReport string
	cases                               []string
	verifying, submitted                string
	doc, code, evidence, closedNo       string
}

// chineseWorld fills e with a case in each state the walk should show, a
// notice with its verification code, evidence, and access-log entries of
// each kind.
func chineseWorld(t *testing.T, e *testEnv) chineseCases {
	t.Helper()
	ctx := context.Background()
	office := casetest.Office
	unit := cases.Actor{ID: "unit.qh001", Name: "清河县教育局联络员", Role: cases.RoleUnit}
	var w chineseCases
	pdf := append([]byte("%PDF-1.4 举报材料"), bytes.Repeat([]byte{' '}, 3000)...)
	in := hotline.Intake{Channel: hotline.ChannelLetter, ReceivedAt: time.Now(), UnitCode: "QH001", Allegation: "清河县教育局张某某长期不上班，工资照发。",
		Reporter: hotline.Reporter{Name: "匿名者", Phone: "13800138000"}}
	// A zero-width space in the name is dropped, as on every upload path.
	sub, err := e.Hotline.Submit(ctx, cases.GlobalScope, "sun.li", in, []hotline.Upload{{Name: "材\u200b料.pdf", Data: pdf}})
	if err != nil {
		t.Fatal(err)
	}
	if got := sub.Report.Attachments[0].Name; got != "材料.pdf" {
		t.Fatalf("hotline attachment named %q, want 材料.pdf", got)
	}
	w.report, w.reportFile = sub.Report.ID, sub.Report.Attachments[0].ID
	hotlineActor := cases.Actor{ID: "sun.li", Name: "孙丽", Role: cases.RoleHotline}
	if _, err := e.Hotline.Act(ctx, cases.GlobalScope, hotlineActor, w.report, hotline.Event{Kind: hotline.KindAsk, Text: "请补充时间"}, 0); err != nil {
		t.Fatal(err)
	}
	in.Reporter = hotline.Reporter{}
	sub, err = e.Hotline.Submit(ctx, cases.GlobalScope, "sun.li", in, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.dismissedReport = sub.Report.ID
	if _, err := e.Hotline.Act(ctx, cases.GlobalScope, hotlineActor, w.dismissedReport, hotline.Event{Kind: hotline.KindVerify}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Hotline.Act(ctx, cases.GlobalScope, hotlineActor, w.dismissedReport, hotline.Event{Kind: hotline.KindDismiss, Reason: "查无实据", Text: "经核实，反映的问题不属实。"}, 1); err != nil {
		t.Fatal(err)
	}
	registered := e.register("QH001", cases.LevelInternal)
	secret := e.register("QH001", cases.LevelSecret)
	w.verifying = e.register("QH001", cases.LevelPublic)
	if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, w.verifying, office, cases.ActionStartVerification, cases.Input{}, "", 0); err != nil {
		t.Fatal(err)
	}
	dismissed := e.register("QH001", cases.LevelInternal)
	e.Service.Transition(ctx, cases.GlobalScope, dismissed, office, cases.ActionStartVerification, cases.Input{}, "", 0)
	if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, dismissed, office, cases.ActionDismiss, cases.Input{Reason: "查无实据"}, "", 0); err != nil {
		t.Fatal(err)
	}
	w.submitted = e.register("QH001", cases.LevelInternal)
	e.Service.Transition(ctx, cases.GlobalScope, w.submitted, office, cases.ActionStartVerification, cases.Input{}, "", 0)
	r := e.json("POST", "/api/v1/notices", "li.ming", map[string]any{"unit_code": "QH001", "working_days": 10,
		"items": []map[string]any{{"no": w.submitted, "requirements": "清退超编人员"}}})
	if r.Status != 201 {
		t.Fatalf("notice: %d %s", r.Status, r.Raw)
	}
	doc := r.Body["document"].(map[string]any)
	w.doc, w.code = doc["id"].(string), strings.ReplaceAll(doc["verify_code"].(string), "-", "")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "整改报告.pdf")
	fw.Write(append([]byte("%PDF-1.4 整改报告"), bytes.Repeat([]byte{' '}, 3000)...))
	mw.Close()
	up := e.req("POST", "/api/v1/cases/"+w.submitted+"/evidence", "unit.qh001", mw.FormDataContentType(), &buf)
	if up.Status != 201 {
		t.Fatalf("upload: %d %s", up.Status, up.Raw)
	}
	w.evidence = up.Body["items"].([]any)[0].(map[string]any)["id"].(string)
	ref := up.Body["refs"].([]any)[0].(string)
	if r := e.json("POST", "/api/v1/cases/"+w.submitted+"/transitions", "unit.qh001", map[string]any{"action": "submit",
		"input": map[string]any{"report": "已整改", "evidence": []string{ref}}}); r.Status != 200 {
		t.Fatalf("submit: %d %s", r.Status, r.Raw)
	}
	// A closed case with its closing form.
	w.closedNo = e.register("QH001", cases.LevelInternal)
	for _, st := range []struct {
		actor cases.Actor
		a     cases.Action
		in    cases.Input
	}{
		{office, cases.ActionStartVerification, cases.Input{}},
		{office, cases.ActionOrderRectification, cases.Input{Requirements: "清退", WorkingDays: 10}},
		{unit, cases.ActionSubmit, cases.Input{Report: "已整改", Evidence: []string{"清退名单"}}},
		{office, cases.ActionConfirm, cases.Input{Note: "整改到位"}},
		{casetest.Approver, cases.ActionClose, cases.Input{Note: "同意销号"}},
	} {
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, w.closedNo, st.actor, st.a, st.in, "", 0); err != nil {
			t.Fatalf("%s: %v", st.a, err)
		}
	}
	if r := e.json("POST", "/api/v1/cases/"+w.closedNo+"/closing-form", "wang.fang", nil); r.Status != 201 {
		t.Fatalf("closing form: %d %s", r.Status, r.Raw)
	}
	// Access-log entries: a classified read, a download, an export.
	e.req("GET", "/cases/"+secret, "li.ming", "", nil)
	e.req("GET", "/api/v1/cases/"+secret+"/events", "wang.fang", "", nil)
	e.req("GET", "/documents/"+w.doc, "li.ming", "", nil)
	e.req("GET", "/ledger/export?format=csv&state=rectifying,submitted&light=red&source=patrol&violation_kind=B01&q="+url.QueryEscape("超编"), "li.ming", "", nil)
	e.req("GET", "/ledger/export?format=xlsx", "li.ming", "", nil)
	w.cases = []string{registered, secret, w.verifying, dismissed, w.submitted, w.closedNo}
	return w
}

var (
	// englishWords is two English words in a row: a sentence, not a name
	// or a login name (li.ming).
	englishWords = regexp.MustCompile(`[A-Za-z]{2,}[,.:;'’]? +[A-Za-z]{2,}`)
	// codeToken is a word of letters, digits, '-', '_' and '.': a code,
	// or a login name such as liaison.rsj (which is not one).
	codeToken = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]`)
	// binaryUnits are units an office does not write.
	binaryUnits = map[string]bool{"KiB": true, "MiB": true, "GiB": true}
)

// rawCodes are the codes that must never be shown as themselves.
func rawCodes() map[string]bool {
	m := map[string]bool{"read-case": true, "read-events": true, "download-document": true,
		"export-ledger-csv": true, "export-ledger-xlsx": true, "export-ledger-pdf": true,
		"read-reporter": true, "read-batch": true, "read-audit-referral": true}
	for _, s := range cases.States {
		m[string(s)] = true
	}
	for _, l := range []cases.Level{cases.LevelPublic, cases.LevelInternal, cases.LevelSecret} {
		m[string(l)] = true
	}
	for _, l := range []cases.Light{cases.LightRed, cases.LightYellow, cases.LightGreen} {
		m[string(l)] = true
	}
	for _, r := range cases.Rules {
		m[string(r.Action)] = true
	}
	m[string(cases.ActionRegister)] = true
	for _, r := range cases.Roles {
		m[string(r)] = true
	}
	for _, k := range cases.UnitKinds {
		m[string(k.Kind)] = true
	}
	cat, _ := catalog.Builtin()
	for _, s := range cat.Sources {
		m[s.Code] = true
	}
	return m
}

// checkChinese fails on visible text of page that is an English message
// or an unlabelled code.
func checkChinese(t *testing.T, where, page string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	codes := rawCodes()
	if strings.Contains(where, " /admin/") {
		// The administration pages show login names as they are, and
		// the administrator's is "admin", spelt as the role's code.
		delete(codes, string(cases.RoleAdmin))
	}
	check := func(text string) {
		text = strings.Join(strings.Fields(text), " ")
		if text == "" {
			return
		}
		if m := englishWords.FindString(text); m != "" {
			t.Errorf("%s: English text %q in %q", where, m, text)
			return
		}
		for _, tok := range codeToken.FindAllString(text, -1) {
			if codes[tok] || binaryUnits[tok] || strings.ContainsAny(tok, "-_") && !strings.Contains(tok, ".") && tok == strings.ToLower(tok) {
				t.Errorf("%s: unlabelled code %q in %q", where, tok, text)
			}
		}
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "code": // code: what is typed as it is, e.g. an HTTP header
				return
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "title", "placeholder", "alt", "aria-label":
					check(a.Val)
				}
			}
		}
		if n.Type == html.TextNode {
			check(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

// checkJSONMessage fails when an API error's message has no Chinese.
func checkJSONMessage(t *testing.T, where string, r response) {
	t.Helper()
	e := errOf(r)
	if e == nil {
		return
	}
	msg, _ := e["message"].(string)
	if !strings.ContainsFunc(msg, func(r rune) bool { return unicode.Is(unicode.Han, r) }) || englishWords.MatchString(msg) {
		t.Errorf("%s: %d, message %q is not Chinese", where, r.Status, msg)
	}
}

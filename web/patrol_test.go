package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/templates/pdftest"
)

// roundForm is the round form with one team.
func roundForm(name, start, end, team, units string, members ...string) url.Values {
	f := url.Values{"name": {name}, "start": {start}, "end": {end}, "slots": {"2"},
		"team_name_0": {team}, "team_units_0": {units}, "team_members_0": members}
	return f
}

// TestPatrolRoundForm: the office's form reports every bad field at once
// and writes nothing; a good one creates the round, whose member then
// sees the team's units and nothing else.
func TestPatrolRoundForm(t *testing.T) {
	e := newEnv(t)
	if err := e.Access.CreateUser(context.Background(), access.User{ID: "wu.gang", Name: "吴刚", Roles: []cases.Role{cases.RolePatrol},
		Region: []string{"江南省", "云州市"}}, testPassword); err != nil {
		t.Fatal(err)
	}
	before := e.counts()
	bad := e.postForm("/patrol/rounds/new", "li.ming", roundForm("", "2026-05-01", "2026-04-01", "第二组", "QH002 NOPE", "li.ming"))
	if bad.Status != 400 {
		t.Fatalf("bad form: %d", bad.Status)
	}
	for _, want := range []string{"请填写轮次名称", "结束日期不能早于开始日期", "不是巡察组账号", "NOPE"} {
		if !strings.Contains(bad.Raw, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if after := e.counts(); after["patrol_rounds"] != before["patrol_rounds"] {
		t.Errorf("a bad form wrote a round")
	}
	today, _ := time.Parse(time.DateOnly, e.Service.Today())
	ok := e.postForm("/patrol/rounds/new", "li.ming", roundForm("第四轮巡察", today.Format(time.DateOnly), today.AddDate(0, 2, 0).Format(time.DateOnly),
		"市委第二巡察组", "QH002", "wu.gang"))
	if ok.Status != 303 {
		t.Fatalf("good form: %d %s", ok.Status, ok.Raw)
	}
	page := e.req("GET", ok.Header.Get("Location"), "li.ming", "", nil)
	if page.Status != 200 || !strings.Contains(page.Raw, "清河县人民医院") || !strings.Contains(page.Raw, "吴刚") {
		t.Fatalf("round page: %d", page.Status)
	}
	// The team's link to the batch form carries its round and team.
	if !strings.Contains(page.Raw, "/batches/new?round=") {
		t.Errorf("no link to the batch form")
	}
	form := e.req("GET", "/batches/new?round="+url.QueryEscape("第四轮巡察")+"&team="+url.QueryEscape("市委第二巡察组"), "li.ming", "", nil)
	if !strings.Contains(form.Raw, `value="第四轮巡察"`) || !strings.Contains(form.Raw, `value="市委第二巡察组"`) {
		t.Errorf("the batch form is not prefilled")
	}
	if r := e.json("GET", "/api/v1/units/QH002", "wu.gang", nil); r.Status != 200 {
		t.Errorf("member reads the team's unit: %d", r.Status)
	}
	if r := e.json("GET", "/api/v1/units/QH001", "wu.gang", nil); r.Status != 404 {
		t.Errorf("member reads another team's unit: %d", r.Status)
	}
	// wu.gang sees the round; zhou.qiang (not a member) gets 404.
	id := strings.TrimPrefix(strings.SplitN(ok.Header.Get("Location"), "?", 2)[0], "/patrol/rounds/")
	if r := e.req("GET", "/patrol/rounds/"+id, "wu.gang", "", nil); r.Status != 200 || strings.Contains(r.Raw, "round-form") {
		t.Errorf("member's round page: %d", r.Status)
	}
	if r := e.req("GET", "/patrol/rounds/"+id, "zhou.qiang", "", nil); r.Status != 404 {
		t.Errorf("non-member's round page: %d", r.Status)
	}
	if r := e.postForm("/patrol/rounds/new", "zhou.qiang", roundForm("x", "2026-01-01", "2026-01-02", "y", "QH001", "zhou.qiang")); r.Status != 403 {
		t.Errorf("patrol creating a round: %d", r.Status)
	}
}

// TestPatrolRoundAPI: the API creates and edits a round with every field
// error at once; a stale edit is a conflict.
func TestPatrolRoundAPI(t *testing.T) {
	e := newEnv(t)
	bad := e.json("POST", "/api/v1/patrol-rounds", "li.ming", map[string]any{"name": "", "start": "x", "end": "2026-01-01",
		"teams": []map[string]any{{"name": "", "members": []string{}, "units": []string{}}}})
	var fields []string
	for _, f := range errOf(bad)["fields"].([]any) {
		fields = append(fields, f.(map[string]any)["field"].(string))
	}
	if bad.Status != 400 || strings.Join(fields, " ") != "name start teams" {
		t.Errorf("bad round: %d %v", bad.Status, fields)
	}
	r := e.json("POST", "/api/v1/patrol-rounds", "li.ming", map[string]any{"name": "API 轮次", "start": "2026-01-05", "end": "2026-03-01",
		"teams": []map[string]any{{"name": "第三组", "members": []string{"zhou.qiang"}, "units": []string{"QH002"}}}})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id := r.Body["id"].(string)
	up := e.json("POST", "/api/v1/patrol-rounds/"+id, "li.ming", map[string]any{"start": "2026-01-05", "end": "2026-03-02", "version": 1,
		"teams": []map[string]any{{"id": "t1", "name": "第三组", "members": []string{"zhou.qiang"}, "units": []string{"QH002", "AP001"}}}})
	if up.Status != 200 || up.Body["version"].(float64) != 2 {
		t.Fatalf("update: %d %s", up.Status, up.Raw)
	}
	if stale := e.json("POST", "/api/v1/patrol-rounds/"+id, "li.ming", map[string]any{"start": "2026-01-05", "end": "2026-03-02", "version": 1,
		"teams": []map[string]any{{"id": "t1", "name": "第三组", "members": []string{"zhou.qiang"}, "units": []string{"QH002"}}}}); stale.Status != 409 {
		t.Errorf("stale edit: %d", stale.Status)
	}
	if l := e.json("GET", "/api/v1/patrol-rounds", "zhou.qiang", nil); len(l.Body["items"].([]any)) != 2 {
		t.Errorf("zhou.qiang's rounds: %s", l.Raw)
	}
}

// TestBriefingAccess: a patrol member reads the briefing of the team's
// unit, with its figures and open ledger numbers, and gets 404 for any
// other unit; every view and download is in the access log.
func TestBriefingAccess(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	other := e.register("QH002", cases.LevelInternal)
	page := e.req("GET", "/units/QH001/briefing", "zhou.qiang", "", nil)
	if page.Status != 200 || !strings.Contains(page.Raw, no) || strings.Contains(page.Raw, other) {
		t.Fatalf("briefing page: %d", page.Status)
	}
	if !strings.Contains(page.Raw, "建议重点关注") || strings.Contains(page.Raw, "send-briefing") {
		t.Errorf("the page lacks the focus list or shows the office's form")
	}
	for _, path := range []string{"/units/QH002/briefing", "/units/QH002/briefing/pdf", "/units/AP001/briefing"} {
		if r := e.req("GET", path, "zhou.qiang", "", nil); r.Status != 404 {
			t.Errorf("%s: %d, want 404", path, r.Status)
		}
	}
	if r := e.json("GET", "/api/v1/units/QH002/briefing", "zhou.qiang", nil); r.Status != 404 {
		t.Errorf("API other unit: %d", r.Status)
	}
	if r := e.json("GET", "/api/v1/units/QH001/briefing", "zhou.qiang", nil); r.Status != 200 {
		t.Errorf("API own unit: %d", r.Status)
	}
	pdf := e.req("GET", "/units/QH001/briefing/pdf", "zhou.qiang", "", nil)
	if pdf.Status != 200 || !strings.HasPrefix(pdf.Raw, "%PDF") {
		t.Fatalf("pdf: %d", pdf.Status)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, []byte(pdf.Raw))), "")
	for _, want := range []string{"内部", "测试巡察组", "行政编制：核定", no} {
		if !strings.Contains(text, want) {
			t.Errorf("pdf lacks %q", want)
		}
	}
	log, _, err := e.Access.SearchAccess(context.Background(), access.AccessFilter{UserID: "zhou.qiang"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, l := range log {
		got[l.Action+" "+l.Target]++
	}
	if got["read-briefing QH001"] != 2 || got["download-briefing QH001"] != 1 {
		t.Errorf("access log %v", got)
	}
	for _, u := range []string{"unit.qh001", "sun.li", "he.ping"} {
		if r := e.req("GET", "/units/QH001/briefing", u, "", nil); r.Status != 403 {
			t.Errorf("%s: %d, want 403", u, r.Status)
		}
	}
}

var sentLink = regexp.MustCompile(`/patrol/briefings/(b[0-9a-f]+)`)

// TestBriefingSend: the office sends a briefing to the team; it is kept
// write-once, listed on the round, read by members and no one else.
func TestBriefingSend(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	page := e.req("GET", "/units/QH001/briefing", "li.ming", "", nil)
	m := regexp.MustCompile(`<option value="(r[0-9a-f]+/t1)">`).FindStringSubmatch(page.Raw)
	if m == nil {
		t.Fatalf("no recipient offered")
	}
	if r := e.postForm("/units/QH001/briefing/send", "li.ming", url.Values{"rt": {m[1]}, "level": {"top"}}); r.Status != 400 {
		t.Errorf("bad level: %d", r.Status)
	}
	if r := e.postForm("/units/QH002/briefing/send", "li.ming", url.Values{"rt": {m[1]}, "level": {"secret"}}); r.Status != 400 {
		t.Errorf("unit not on the team: %d", r.Status)
	}
	sent := e.postForm("/units/QH001/briefing/send", "li.ming", url.Values{"rt": {m[1]}, "level": {"secret"}})
	if sent.Status != 303 {
		t.Fatalf("send: %d %s", sent.Status, sent.Raw)
	}
	// A case registered later does not change what was sent.
	later := e.register("QH001", cases.LevelInternal)
	round := e.req("GET", strings.SplitN(sent.Header.Get("Location"), "?", 2)[0], "zhou.qiang", "", nil)
	id := sentLink.FindStringSubmatch(round.Raw)
	if id == nil {
		t.Fatalf("the round page does not list the sent briefing")
	}
	pdf := e.req("GET", "/patrol/briefings/"+id[1], "zhou.qiang", "", nil)
	if pdf.Status != 200 {
		t.Fatalf("member download: %d", pdf.Status)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, []byte(pdf.Raw))), "")
	if !strings.Contains(text, "秘密") || !strings.Contains(text, no) || strings.Contains(text, later) {
		t.Errorf("sent pdf: classification or cases wrong")
	}
	// A secret briefing carries its 份号 and the office's 保密期限, as
	// every other secret document does.
	for _, want := range []string{"000001", "秘密★10年"} {
		if !strings.Contains(text, want) {
			t.Errorf("sent secret briefing lacks %s: %.60s…", want, text)
		}
	}
	e.addRound("另一轮", patrolTeam("另一组", "wu.gang2", "AP001"))
	if err := e.Access.CreateUser(context.Background(), access.User{ID: "wu.gang2", Name: "吴刚", Roles: []cases.Role{cases.RolePatrol},
		Region: []string{"江南省", "云州市"}}, testPassword); err != nil {
		t.Fatal(err)
	}
	if r := e.req("GET", "/patrol/briefings/"+id[1], "wu.gang2", "", nil); r.Status != 404 {
		t.Errorf("another team's member: %d", r.Status)
	}
	log, _, _ := e.Access.SearchAccess(context.Background(), access.AccessFilter{Action: "download-sent-briefing"})
	if len(log) != 1 || log[0].UserID != "zhou.qiang" || log[0].Level != "secret" {
		t.Errorf("access log %+v", log)
	}
}

// TestBriefingListingASecretCaseIsSecret: a briefing names its unit's cases
// by number and title, so one that lists a secret case is marked 秘密 with
// its 份号 whatever level was asked for, and the page offers no lower level.
func TestBriefingListingASecretCaseIsSecret(t *testing.T) {
	e := newEnv(t)
	e.register("QH001", cases.LevelInternal)
	if pdf := e.req("GET", "/units/QH001/briefing/pdf", "li.ming", "", nil); pdf.Status != 200 ||
		strings.Contains(strings.Join(strings.Fields(pdftest.Text(t, []byte(pdf.Raw))), ""), "秘密") {
		t.Fatalf("a briefing of internal cases only: %d, marked secret", pdf.Status)
	}
	secret := e.register("QH001", cases.LevelSecret)
	page := e.req("GET", "/units/QH001/briefing", "li.ming", "", nil)
	if strings.Contains(page.Raw, `<option value="internal"`) {
		t.Errorf("the briefing page offers 内部 for a briefing listing secret case %s", secret)
	}
	for _, q := range []string{"", "?level=internal", "?level=secret"} {
		pdf := e.req("GET", "/units/QH001/briefing/pdf"+q, "li.ming", "", nil)
		if pdf.Status != 200 {
			t.Fatalf("pdf%s: %d", q, pdf.Status)
		}
		text := strings.Join(strings.Fields(pdftest.Text(t, []byte(pdf.Raw))), "")
		for _, want := range []string{secret, "000001", "秘密★10年"} {
			if !strings.Contains(text, want) {
				t.Errorf("pdf%s lacks %s", q, want)
			}
		}
	}
	m := regexp.MustCompile(`<option value="(r[0-9a-f]+/t1)">`).FindStringSubmatch(page.Raw)
	if m == nil {
		t.Fatalf("no recipient offered")
	}
	if r := e.postForm("/units/QH001/briefing/send", "li.ming", url.Values{"rt": {m[1]}, "level": {"internal"}}); r.Status != 303 {
		t.Fatalf("send: %d %s", r.Status, r.Raw)
	}
	log, _, _ := e.Access.SearchAccess(context.Background(), access.AccessFilter{Action: "send-briefing"})
	if len(log) != 1 || log[0].Level != "secret" {
		t.Errorf("the sent briefing is logged as %+v, want secret", log)
	}
}

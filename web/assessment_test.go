package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"rectify/assessment"
	"rectify/cases"
	"rectify/cases/access"
	"rectify/templates/pdftest"
)

// round26 is the city office's 2026 round (li.ming's region).
var round26 = assessment.RoundID(2026, "江南省/云州市")

// assessWorld makes a second reviewer and the 2026 round with QH001
// assessed by he.ping and xu.jing, individual indicator P01.
func assessWorld(t *testing.T, e *testEnv) {
	t.Helper()
	if err := e.Access.CreateUser(context.Background(), access.User{ID: "xu.jing", Name: "徐静", Roles: []cases.Role{cases.RoleReviewer},
		Region: []string{"江南省", "云州市"}}, testPassword); err != nil {
		t.Fatal(err)
	}
	if r := e.postForm("/assessment/rounds", "li.ming", url.Values{"year": {"2026"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("create round: %d %s", r.Status, r.Raw)
	}
	r := e.postForm("/assessment/rounds/"+round26+"/units", "li.ming", url.Values{"unit": {"QH001"}, "reviewer": {"he.ping", "xu.jing"}, "individual": {"P01"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("set unit: %d %s", r.Status, r.Raw)
	}
}

// assessPath puts the world's values into an assessment route.
func assessPath(route string) string {
	return strings.NewReplacer(":id", round26, ":code", "QH001", ":version", "2026", ":point", "A1.1.1", ":file", "0123456789abcdef").Replace(route)
}

// fillGrid fills every empty field of the scoring grid with full marks.
const fillGrid = `(() => {
  const g = document.querySelector('#grid');
  g.querySelectorAll('select[name^="level_"]').forEach(s => { s.value = s.options[1].value; });
  g.querySelectorAll('select[name^="yes_"]').forEach(s => { s.value = '1'; });
  g.querySelectorAll('input[name^="instances_"]').forEach(i => { i.value = '0'; });
  g.querySelectorAll('input[name^="rate_"]').forEach(i => { i.value = '100'; });
  return true;
})()`

// clearFlash removes the last notice, so that waiting for one waits for
// the next page.
const clearFlash = `document.querySelectorAll('.flash').forEach(e => e.remove())`

// The journey: two reviewers score a unit, one diverges, the
// consensus resolves it, an approver finalises, the office turns the
// finding into a ledger case, and the result letter carries the score,
// grade and the new ledger number.
func TestBrowserAssessmentJourney(t *testing.T) {
	e := newEnv(t)
	b := browser(t)

	// The office sets up the round in the console.
	e.browserLogin(t, b, "li.ming")
	if err := e.Access.CreateUser(context.Background(), access.User{ID: "xu.jing", Name: "徐静", Roles: []cases.Role{cases.RoleReviewer},
		Region: []string{"江南省", "云州市"}}, testPassword); err != nil {
		t.Fatal(err)
	}
	run(t, b, "create the round", chromedp.Navigate(e.srv.URL+"/assessment"),
		chromedp.SetValue(`#round-new input[name=year]`, "2026", chromedp.ByQuery),
		chromedp.Click(`#round-new button`, chromedp.ByQuery), chromedp.WaitVisible(`#unit-set`, chromedp.ByQuery))
	run(t, b, "assign QH001", chromedp.SendKeys(`#unit-set input[name=unit]`, "QH001", chromedp.ByQuery),
		chromedp.Click(`#unit-set input[value="he.ping"]`, chromedp.ByQuery),
		chromedp.Click(`#unit-set input[value="xu.jing"]`, chromedp.ByQuery),
		chromedp.Click(`#unit-set input[value="P01"]`, chromedp.ByQuery),
		chromedp.Click(`#unit-set button`, chromedp.ByQuery), chromedp.WaitVisible(`#round-units a[href$="/units/QH001"]`, chromedp.ByQuery))
	screenshot(t, b, "desktop-office-assessment-round.png")
	e.browserLogout(t, b)

	sheet := e.srv.URL + "/assessment/rounds/" + round26 + "/units/QH001"
	// he.ping scores every point in full; one point first on its own.
	e.browserLogin(t, b, "he.ping")
	run(t, b, "he.ping saves one point", chromedp.Navigate(sheet), chromedp.WaitVisible(`#grid`, chromedp.ByQuery),
		chromedp.SetValue(`select[name="level_B1.1.1"]`, "好", chromedp.ByQuery),
		chromedp.Evaluate(clearFlash, nil), chromedp.Click(`#p-B1\.1\.1 button[name=save]`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if got := strings.Join(strings.Fields(text(t, b, "#progress")), ""); !strings.Contains(got, "我已评1/46") {
		t.Errorf("progress after one point: %q", got)
	}
	run(t, b, "he.ping scores the rest", chromedp.Evaluate(fillGrid, nil),
		chromedp.Evaluate(clearFlash, nil), chromedp.Click(`#grid > p button[value="*"]`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if got := strings.Join(strings.Fields(text(t, b, "#progress")), ""); !strings.Contains(got, "我已评46/46") {
		t.Errorf("progress after saving all: %q", got)
	}
	screenshot(t, b, "desktop-reviewer-assessment-grid.png")
	e.browserLogout(t, b)

	// xu.jing diverges on B1.1.1 (差 against 好); a deduction without a
	// comment is refused at its row first.
	e.browserLogin(t, b, "xu.jing")
	run(t, b, "xu.jing scores", chromedp.Navigate(sheet), chromedp.WaitVisible(`#grid`, chromedp.ByQuery),
		chromedp.Evaluate(fillGrid, nil),
		chromedp.SetValue(`select[name="level_B1.1.1"]`, "差", chromedp.ByQuery),
		chromedp.Evaluate(clearFlash, nil), chromedp.Click(`#grid > p button[value="*"]`, chromedp.ByQuery), chromedp.WaitVisible(`#p-B1\.1\.1 .error`, chromedp.ByQuery))
	if got := text(t, b, `#p-B1\.1\.1 .error`); !strings.Contains(got, "扣分的要点须填写评分意见") {
		t.Errorf("row error: %q", got)
	}
	run(t, b, "xu.jing scores with a comment", chromedp.Evaluate(fillGrid, nil),
		chromedp.SetValue(`select[name="level_B1.1.1"]`, "差", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="comment_B1.1.1"]`, "主要职责履行不到位", chromedp.ByQuery),
		chromedp.Evaluate(clearFlash, nil), chromedp.Click(`#grid > p button[value="*"]`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if got := strings.Join(strings.Fields(text(t, b, "#progress")), ""); !strings.Contains(got, "1个要点分歧待合议") {
		t.Errorf("progress with a divergence: %q", got)
	}
	e.browserLogout(t, b)

	// The approver cannot finalise while the point diverges.
	e.browserLogin(t, b, "wang.fang")
	if r := e.req("GET", "/assessment/rounds/"+round26, "wang.fang", "", nil); !strings.Contains(r.Raw, `id="finalise"`) {
		t.Fatalf("no finalise form: %s", r.Raw)
	}
	run(t, b, "finalise refused", chromedp.Navigate(e.srv.URL+"/assessment/rounds/"+round26),
		chromedp.Click(`#finalise button`, chromedp.ByQuery), chromedp.WaitVisible(`p.error`, chromedp.ByQuery))
	if got := text(t, b, "p.error"); !strings.Contains(got, "1 个要点分歧待合议") {
		t.Errorf("finalise refusal: %q", got)
	}
	e.browserLogout(t, b)

	// The office holds the consensus and records the finding.
	e.browserLogin(t, b, "li.ming")
	run(t, b, "consensus", chromedp.Navigate(sheet), chromedp.WaitVisible(`#s-B1\.1\.1 form.consensus`, chromedp.ByQuery),
		chromedp.SendKeys(`#s-B1\.1\.1 form.consensus input[name=score]`, "2.4", chromedp.ByQuery),
		chromedp.SendKeys(`#s-B1\.1\.1 form.consensus input[name=reason]`, "合议后认定为较好", chromedp.ByQuery),
		chromedp.Evaluate(clearFlash, nil), chromedp.Click(`#s-B1\.1\.1 form.consensus button`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	screenshot(t, b, "desktop-office-assessment-consensus.png")
	run(t, b, "finding", chromedp.Evaluate(`document.querySelector('#s-B1\\.1\\.1 details.finding').open = true`, nil),
		chromedp.SetValue(`#s-B1\.1\.1 details.finding select[name=violation_kind]`, "E01", chromedp.ByQuery),
		chromedp.SendKeys(`#s-B1\.1\.1 details.finding input[name=title]`, "部分主要职责履行不到位", chromedp.ByQuery),
		chromedp.SendKeys(`#s-B1\.1\.1 details.finding textarea[name=facts]`, "“三定”规定明确的职责中有两项未开展。", chromedp.ByQuery),
		chromedp.Evaluate(clearFlash, nil), chromedp.Click(`#s-B1\.1\.1 details.finding button`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	e.browserLogout(t, b)

	e.browserLogin(t, b, "wang.fang")
	run(t, b, "finalise", chromedp.Navigate(e.srv.URL+"/assessment/rounds/"+round26),
		chromedp.Click(`#finalise button`, chromedp.ByQuery), chromedp.WaitVisible(`#reopen`, chromedp.ByQuery))
	e.browserLogout(t, b)

	// After finalising, a score cannot change.
	if r := e.postForm("/assessment/rounds/"+round26+"/units/QH001/scores", "he.ping", url.Values{"save": {"B1.1.1"}, "level_B1.1.1": {"差"}, "comment_B1.1.1": {"x"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("score after finalising: %d", r.Status)
	}

	e.browserLogin(t, b, "li.ming")
	run(t, b, "findings to cases", chromedp.Navigate(e.srv.URL+"/assessment/rounds/"+round26),
		chromedp.Click(`#findings button`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	flash := text(t, b, ".flash")
	no := regexp.MustCompile(`\d{4}-\d{4}`).FindString(flash)
	if no == "" {
		t.Fatalf("no ledger number in %q", flash)
	}
	if got := text(t, b, "#findings"); !strings.Contains(got, no) {
		t.Errorf("findings list does not link %s: %q", no, got)
	}
	run(t, b, "results", chromedp.Navigate(e.srv.URL+"/assessment/rounds/"+round26+"/results"), chromedp.WaitVisible(`#standings`, chromedp.ByQuery))
	if got := text(t, b, "#standings"); !strings.Contains(got, "99.4") || !strings.Contains(got, "优秀") || !strings.Contains(got, "1/1") {
		t.Errorf("results: %q", got)
	}
	// The unit's chart: an SVG image that the browser draws (its width
	// known once loaded) with no policy violation, on the page and alone.
	var drawn int
	run(t, b, "chart", chromedp.WaitVisible(`.charts img`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelector('.charts img').complete && document.querySelector('.charts img').naturalWidth`, &drawn))
	if drawn == 0 {
		t.Error("results chart not drawn")
	}
	run(t, b, "chart alone", chromedp.Navigate(e.srv.URL+"/assessment/rounds/"+round26+"/units/QH001/chart.svg"), chromedp.WaitReady(`svg`, chromedp.ByQuery))
	phone(t, b)
	run(t, b, "phone sheet", chromedp.Navigate(sheet), chromedp.WaitVisible(`#summary`, chromedp.ByQuery))
	fitsWidth(t, b, "assessment sheet", phoneWidth)
	screenshot(t, b, "phone-office-assessment-sheet.png")

	// The case names the finding; converting again returns it.
	c, err := e.Service.Case(context.Background(), cases.GlobalScope, no)
	if err != nil || c.Origin != "assessment:"+round26+"/QH001/B1.1.1" || c.Source != "assessment" {
		t.Errorf("case %s: origin %q source %q %v", no, c.Origin, c.Source, err)
	}
	if r := e.postForm("/assessment/rounds/"+round26+"/units/QH001/points/B1.1.1/case", "zhao.lei", url.Values{}); r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), url.QueryEscape(no)) {
		t.Errorf("second conversion: %d %s", r.Status, r.Header.Get("Location"))
	}

	// The result letter: the preview is marked so; the office issues it
	// from the sheet once (a numbered document with its verification
	// code), pressing again returns it, a re-issue replaces it.
	r := e.req("GET", "/assessment/rounds/"+round26+"/units/QH001/letter.pdf", "li.ming", "", nil)
	if r.Status != http.StatusOK || !strings.Contains(pdftest.Text(t, []byte(r.Raw)), "预览") {
		t.Fatalf("letter preview: %d", r.Status)
	}
	run(t, b, "issue the letter", chromedp.Navigate(sheet), chromedp.WaitVisible(`#issue-letter`, chromedp.ByQuery),
		chromedp.Evaluate(clearFlash, nil), chromedp.Click(`#issue-letter`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	letterNo := regexp.MustCompile(`云编评〔\d{4}〕\d+号`).FindString(text(t, b, ".flash"))
	if letterNo == "" {
		t.Fatalf("no letter number in %q", text(t, b, ".flash"))
	}
	var href string
	run(t, b, "letter link", chromedp.AttributeValue(`#letter a[href^="/documents/"]`, "href", &href, nil, chromedp.ByQuery))
	screenshot(t, b, "phone-office-assessment-letter.png")
	r = e.req("GET", href, "li.ming", "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("letter: %d %s", r.Status, r.Raw)
	}
	txt := strings.Join(strings.Fields(pdftest.Text(t, []byte(r.Raw))), "")
	for _, want := range []string{"99.4分", "优秀", no, "评估结果的反馈", "清河县教育局", letterNo, "文件核验码"} {
		if !strings.Contains(txt, want) {
			t.Errorf("letter lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "预览") {
		t.Error("issued letter marked as a preview")
	}
	if out := pdfImages(t, []byte(r.Raw)); out == "" {
		t.Errorf("letter has no chart image")
	}
	// The case of the finding records the letter.
	evs, err := e.Service.Events(context.Background(), cases.GlobalScope, no)
	if err != nil || !slices.ContainsFunc(evs, func(ev cases.Event) bool {
		return ev.Action == cases.ActionRecordDocument && ev.Input != nil && ev.Input.Reference == letterNo
	}) {
		t.Errorf("case %s does not record %s (%v)", no, letterNo, err)
	}
	again := e.postForm("/assessment/rounds/"+round26+"/units/QH001/letter", "wang.fang", url.Values{})
	if again.Status != http.StatusSeeOther || !strings.Contains(again.Header.Get("Location"), "letter-existing") || !strings.Contains(again.Header.Get("Location"), url.QueryEscape(letterNo)) {
		t.Errorf("second issue: %d %s", again.Status, again.Header.Get("Location"))
	}
	re := e.postForm("/assessment/rounds/"+round26+"/units/QH001/letter", "li.ming", url.Values{"reissue": {"1"}})
	loc, _ := url.QueryUnescape(re.Header.Get("Location"))
	if re.Status != http.StatusSeeOther || !strings.Contains(loc, "letter-issued") || strings.Contains(loc, letterNo) {
		t.Errorf("re-issue: %d %s", re.Status, loc)
	}
	// The round summary.
	x := e.req("GET", "/assessment/rounds/"+round26+"/summary.xlsx", "wang.fang", "", nil)
	f, err := excelize.OpenReader(strings.NewReader(x.Raw))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("评估结果")
	if len(rows) != 3 || rows[2][1] != "清河县教育局" || rows[2][9] != "99.4" || rows[2][10] != "优秀" {
		t.Errorf("summary rows %q", rows)
	}
}

// Who may do what in a round, beyond the route table.
func TestAssessmentRules(t *testing.T) {
	e := newEnv(t)
	assessWorld(t, e)
	tests := []struct {
		name   string
		user   string
		method string
		path   string
		form   url.Values
		status int
		want   string
	}{
		{"ErrRoundTwice", "li.ming", "POST", "/assessment/rounds", url.Values{"year": {"2026"}}, 409, "已经存在"},
		{"ErrOneReviewer", "li.ming", "POST", "/assessment/rounds/" + round26 + "/units", url.Values{"unit": {"QH002"}, "reviewer": {"he.ping"}}, 400, "至少安排两名评估人员"},
		{"ErrUnitReviewer", "li.ming", "POST", "/assessment/rounds/" + round26 + "/units", url.Values{"unit": {"QH002"}, "reviewer": {"he.ping", "unit.qh001"}}, 400, "不是评估人员"},
		// A county office neither reads nor writes the city's round.
		{"ErrCountyRound", "qh.office", "GET", "/assessment/rounds/" + round26, nil, 404, "不存在"},
		{"ErrCountySheet", "qh.office", "GET", "/assessment/rounds/" + round26 + "/units/QH001", nil, 404, "不存在"},
		{"ErrCountyResults", "qh.office", "GET", "/assessment/rounds/" + round26 + "/results", nil, 404, ""},
		{"ErrCountySummary", "qh.office", "GET", "/assessment/rounds/" + round26 + "/summary.xlsx", nil, 404, ""},
		{"ErrCountyLetter", "qh.office", "GET", "/assessment/rounds/" + round26 + "/units/QH001/letter.pdf", nil, 404, ""},
		{"ErrCountyUnits", "qh.office", "POST", "/assessment/rounds/" + round26 + "/units", url.Values{"unit": {"QH002"}, "reviewer": {"he.ping", "xu.jing"}}, 404, ""},
		{"ErrCountyConsensus", "qh.office", "POST", "/assessment/rounds/" + round26 + "/units/QH001/points/B1.1.1/consensus", url.Values{"score": {"1"}, "reason": {"x"}}, 404, ""},
		{"ErrCountyAPIStandings", "qh.office", "GET", "/api/v1/assessment/rounds/" + round26 + "/standings", nil, 404, ""},
		// The county runs its own round of the same year.
		{"CountyOwnRound", "qh.office", "POST", "/assessment/rounds", url.Values{"year": {"2026"}}, 303, ""},
		{"ErrOtherRegionUnit", "qh.office", "POST", "/assessment/rounds/" + assessment.RoundID(2026, "江南省/云州市/清河县") + "/units", url.Values{"unit": {"AP001"}, "reviewer": {"he.ping", "xu.jing"}}, 400, "没有代码为"},
		// A reviewer alone cannot settle a divergence: the office chairs it.
		{"ErrReviewerConsensus", "he.ping", "POST", "/assessment/rounds/" + round26 + "/units/QH001/points/B1.1.1/consensus", url.Values{"score": {"1"}, "reason": {"x"}}, 403, ""},
		{"ErrReviewerRole", "he.ping", "POST", "/assessment/rounds", url.Values{"year": {"2027"}}, 403, ""},
		{"ErrApproverOnly", "li.ming", "POST", "/assessment/rounds/" + round26 + "/finalise", url.Values{}, 403, ""},
		{"ErrFinaliseIncomplete", "wang.fang", "POST", "/assessment/rounds/" + round26 + "/finalise", url.Values{}, 422, "未评完"},
		{"ErrSurveyRange", "he.ping", "POST", "/assessment/rounds/" + round26 + "/units/QH001/scores", url.Values{"save": {"F1.1.1"}, "rate_F1.1.1": {"120"}}, 400, "满意率须在 0 至 100 之间"},
		{"ErrConsensusNotDiverging", "li.ming", "POST", "/assessment/rounds/" + round26 + "/units/QH001/points/B1.1.1/consensus", url.Values{"score": {"1"}, "reason": {"x"}}, 422, "没有明显分歧"},
		{"ErrFindingUnscored", "he.ping", "POST", "/assessment/rounds/" + round26 + "/units/QH001/points/B1.1.1/finding", url.Values{"title": {"x"}, "facts": {"y"}, "violation_kind": {"E01"}}, 422, "不能填写评估发现"},
		{"ScoreOK", "he.ping", "POST", "/assessment/rounds/" + round26 + "/units/QH001/scores", url.Values{"save": {"F1.1.1"}, "rate_F1.1.1": {"95"}, "comment_F1.1.1": {"问卷 200 份"}}, 303, ""},
		{"ErrNotAssignedSees", "xu.jing", "GET", "/assessment/rounds/" + round26 + "/units/QH002", nil, 404, ""},
		{"ErrLetterReviewer", "he.ping", "GET", "/assessment/rounds/" + round26 + "/units/QH001/letter.pdf", nil, 403, ""},
		{"ErrLetterNotFinalised", "li.ming", "POST", "/assessment/rounds/" + round26 + "/units/QH001/letter", url.Values{}, 422, "定稿后才能印发"},
		{"ErrLetterIssueReviewer", "he.ping", "POST", "/assessment/rounds/" + round26 + "/units/QH001/letter", url.Values{}, 403, ""},
		{"ErrLetterUnitMissing", "li.ming", "POST", "/assessment/rounds/" + round26 + "/units/QH009/letter", url.Values{}, 404, ""},
		{"ChartSVG", "he.ping", "GET", "/assessment/rounds/" + round26 + "/units/QH001/chart.svg", nil, 200, "内外部满意度"}, // the one category scored so far
		{"ErrChartUnit", "unit.qh001", "GET", "/assessment/rounds/" + round26 + "/units/QH001/chart.svg", nil, 403, ""},
		{"CatalogTree", "admin", "GET", "/assessment/catalog/2026", nil, 200, "内外部满意度"},
		{"ErrCatalogMissing", "he.ping", "GET", "/assessment/catalog/1900", nil, 404, "不存在"},
		{"APICatalog", "he.ping", "GET", "/api/v1/assessment/catalog/2026", nil, 200, `"individual_max":10`},
		{"APIStandings", "wang.fang", "GET", "/api/v1/assessment/rounds/" + round26 + "/standings", nil, 200, `"unit":"QH001"`},
		{"ErrAPIStandingsMissing", "wang.fang", "GET", "/api/v1/assessment/rounds/1999/standings", nil, 404, "不存在"},
		{"ErrAPIStandingsUnit", "unit.qh001", "GET", "/api/v1/assessment/rounds/" + round26 + "/standings", nil, 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r response
			if tt.method == "POST" {
				r = e.postForm(tt.path, tt.user, tt.form)
			} else {
				r = e.req("GET", tt.path, tt.user, "", nil)
			}
			if r.Status != tt.status || !strings.Contains(r.Raw, tt.want) {
				t.Errorf("got %d, want %d with %q:\n%.600s", r.Status, tt.status, tt.want, r.Raw)
			}
		})
	}
	// The catalogue as XLSX: a title, the head and the 56 points.
	x := e.req("GET", "/assessment/catalog/2026/export.xlsx", "he.ping", "", nil)
	f, err := excelize.OpenReader(strings.NewReader(x.Raw))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("评估指标体系")
	if len(rows) != 58 || rows[2][3] != "A1.1.1" || !strings.Contains(rows[2][9], "A01") || rows[57][0] != "个性指标" {
		t.Errorf("catalogue export: %d rows, %q", len(rows), rows[2])
	}
	// A county office lists its own rounds, not the city's.
	if r := e.req("GET", "/assessment", "qh.office", "", nil); strings.Contains(r.Raw, round26) || !strings.Contains(r.Raw, assessment.RoundID(2026, "江南省/云州市/清河县")) {
		t.Errorf("county home lists the city round or not its own:\n%.2000s", r.Raw)
	}
	// The city office sees the rounds of the counties under it as well.
	if r := e.req("GET", "/assessment", "li.ming", "", nil); !strings.Contains(r.Raw, round26) || !strings.Contains(r.Raw, assessment.RoundID(2026, "江南省/云州市/清河县")) {
		t.Errorf("city home does not list its round and the county's")
	}
	// The chart's own policy: inline styles, nothing else.
	if r := e.req("GET", "/assessment/rounds/"+round26+"/units/QH001/chart.svg", "li.ming", "", nil); r.Header.Get("Content-Type") != "image/svg+xml" ||
		r.Header.Get("Content-Security-Policy") != "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'" {
		t.Errorf("chart: %q, policy %q", r.Header.Get("Content-Type"), r.Header.Get("Content-Security-Policy"))
	}
	// A reviewer not assigned to the unit does not see its sheet.
	if err := e.Access.CreateUser(context.Background(), access.User{ID: "sun.yu", Name: "孙宇", Roles: []cases.Role{cases.RoleReviewer},
		Region: []string{"江南省", "云州市"}}, testPassword); err != nil {
		t.Fatal(err)
	}
	if r := e.req("GET", "/assessment/rounds/"+round26+"/units/QH001", "sun.yu", "", nil); r.Status != http.StatusForbidden {
		t.Errorf("unassigned reviewer: %d", r.Status)
	}
}

// TestAssessmentGridKeepsTypedWork: saving the whole grid saves every good
// point, keeps what was typed in the points in error, each with its error;
// a reviewer sees another's score of a point only after scoring it.
func TestAssessmentGridKeepsTypedWork(t *testing.T) {
	e := newEnv(t)
	assessWorld(t, e)
	grid := "/assessment/rounds/" + round26 + "/units/QH001"
	if r := e.postForm(grid+"/scores", "xu.jing", url.Values{"save": {"B1.1.2"}, "level_B1.1.2": {"一般"}, "comment_B1.1.2": {"徐静的独立意见"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("xu.jing scores: %d %s", r.Status, r.Raw)
	}
	// Before he.ping scores B1.1.2, xu.jing's score and comment are hidden.
	r := e.req("GET", grid, "he.ping", "", nil)
	if strings.Contains(r.Raw, "徐静的独立意见") || !strings.Contains(r.Raw, "您评分后可见") {
		t.Errorf("he.ping sees xu.jing's score before scoring")
	}
	// The office sees every score.
	if r := e.req("GET", grid, "li.ming", "", nil); !strings.Contains(r.Raw, "徐静的独立意见") {
		t.Errorf("office does not see the scores")
	}
	r = e.postForm(grid+"/scores", "he.ping", url.Values{"save": {"*"},
		"rate_F1.1.1": {"95"}, "comment_F1.1.1": {"问卷 200 份"}, // good
		"level_B1.1.2": {"好"},                         // good
		"level_B1.1.1": {"差"}, "comment_B1.1.1": {""}, // a deduction without a comment
		"yes_B2.1.1":       {"7"},   // neither yes nor no
		"instances_A1.1.1": {"2.5"}, // not a whole number
	})
	if r.Status != http.StatusBadRequest {
		t.Fatalf("save all: %d, want 400", r.Status)
	}
	for _, want := range []string{"3 个要点未保存", "其余 2 个要点已保存", "请选择达标或未达标", "须为不小于 0 的整数", "未保存"} {
		if !strings.Contains(r.Raw, want) {
			t.Errorf("save all: no %q", want)
		}
	}
	// What was typed in B1.1.1 is still there.
	if !regexp.MustCompile(`(?s)id="level_B1\.1\.1".*?<option value="差" selected>`).MatchString(r.Raw) {
		t.Errorf("typed level of B1.1.1 lost")
	}
	// The good points were saved; now he.ping sees xu.jing's B1.1.2.
	r = e.req("GET", grid, "he.ping", "", nil)
	if !strings.Contains(r.Raw, "徐静的独立意见") || !strings.Contains(r.Raw, `我已评 <b>2</b>`) {
		t.Errorf("after saving: xu.jing's score hidden or progress wrong")
	}
}

// pdfImages lists the images of a PDF (pdfimages -list), one a line after
// two lines of heading.
func pdfImages(t *testing.T, pdf []byte) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfimages", "-list", in).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v %s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		return ""
	}
	return strings.Join(lines[2:], "\n")
}

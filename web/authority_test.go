package web_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"rectify/assessment"
	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/casetest"
	"rectify/cases/roster"
)

// TestWritesNamingAUnitStayInTheCallersRegion tries every write that
// names a unit against a unit of the other county (AP001, 安平县) as a
// 清河县 user: each is refused (400, 403, 404 or 422, as the house answers
// that write) and nothing is written. Where the same request for the
// caller's own unit can be made, it is made afterwards and succeeds, so
// that the refusal is the region's and not a malformed request's.
//
// Covered elsewhere, with the same expectation: the unit import
// (TestUnitImportStaysInTheImportersRegion), assessment rounds and their
// units, scores and consensus (TestAssessmentRegions' Err* rows), patrol
// team referral batches (TestBatchTeam), case transitions on another
// county's case (TestTransitionInputCannotNameOthersRecords, authz).
func TestWritesNamingAUnitStayInTheCallersRegion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, u := range []access.User{
		{ID: "qh.hotline", Name: "清河县12310", Roles: []cases.Role{cases.RoleHotline}, Region: []string{"江南省", "云州市", "清河县"}},
		{ID: "qh.admin", Name: "清河县管理员", Roles: []cases.Role{cases.RoleAdmin}, Region: []string{"江南省", "云州市", "清河县"}},
	} {
		if err := e.Access.CreateUser(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	// Cases awaiting orders, one per county; a roster with a warning of
	// each county.
	awaiting := map[string]string{}
	for _, unit := range []string{"QH001", "AP001"} {
		no := e.register(unit, cases.LevelInternal)
		if _, _, err := e.Service.Transition(ctx, cases.GlobalScope, no, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0); err != nil {
			t.Fatal(err)
		}
		awaiting[unit] = no
	}
	rows, _ := testRoster()
	var b bytes.Buffer
	_ = roster.WriteCSV(&b, rows)
	if _, err := e.Roster.Import(ctx, casetest.Office, roster.ImportInput{Scope: cases.GlobalScope, Date: "2026-06-30", File: "r.csv", Body: &b}); err != nil {
		t.Fatal(err)
	}
	warning := map[string]string{}
	ws, _, _, _ := e.Roster.Warnings(ctx, roster.Filter{Scope: cases.GlobalScope, Rule: roster.RuleDouble})
	for _, w := range ws {
		warning[w.Unit] = w.ID
	}
	snaps, _ := e.Roster.Snapshots(ctx)
	cityRound := e.addRound("市委第五轮巡察", patrolTeam("第五组", "zhou.qiang", "AP001"))
	if err := e.Access.CreateUser(ctx, access.User{ID: "xu.jing", Name: "徐静", Roles: []cases.Role{cases.RoleReviewer}, Region: []string{"江南省", "云州市"}}, testPassword); err != nil {
		t.Fatal(err)
	}
	if r := e.postForm("/assessment/rounds", "qh.office", url.Values{"year": {"2026"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("county round: %d", r.Status)
	}
	countyRound := assessment.RoundID(2026, "江南省/云州市/清河县")

	seq := 0
	next := func() int { seq++; return seq }
	form := func(user, path string, v url.Values) response { return e.postForm(path, user, v) }
	multi := func(user, path string, fields url.Values, file, name string, data []byte) response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("csrf_token", csrfOf(e, user))
		for k, vs := range fields {
			for _, v := range vs {
				_ = mw.WriteField(k, v)
			}
		}
		if file != "" {
			fw, _ := mw.CreateFormFile(file, name)
			_, _ = fw.Write(data)
		}
		_ = mw.Close()
		return e.req("POST", path, user, mw.FormDataContentType(), &buf)
	}
	rosterOf := func(unit string) []byte {
		var b bytes.Buffer
		_ = roster.WriteCSV(&b, [][]string{roster.Row(unit, "新人", roster.MakeID("330602", "1990-02-02", 700+next()), "行政编制", "科员", false, roster.StatusActive, "2020-01-01", "", "", "")})
		return b.Bytes()
	}
	reg := func(unit string) map[string]any {
		return map[string]any{"source": "hotline", "source_ref": "12310-" + unit, "unit_code": unit, "violation_kind": "B01",
			"title": "超编进人", "facts": "核定行政编制20名，实有22人。", "level": "internal"}
	}
	tests := []struct {
		name string
		// write makes the request naming unit.
		write func(unit string) response
		// own is the caller's unit for the control request; "" when none
		// can be made here.
		own string
	}{
		{"APICaseRegister", func(u string) response { return e.json("POST", "/api/v1/cases", "qh.office", reg(u)) }, "QH001"},
		{"ConsoleCaseRegister", func(u string) response {
			v := url.Values{}
			for k, x := range reg(u) {
				v.Set(k, x.(string))
			}
			v.Set("assignee", "清河县编办")
			return form("qh.office", "/cases/new", v)
		}, "QH002"},
		{"APINotice", func(u string) response {
			return e.json("POST", "/api/v1/notices", "qh.office", map[string]any{"unit_code": u, "working_days": 10,
				"items": []map[string]any{{"no": awaiting[u], "requirements": "清退超编人员"}}})
		}, "QH001"},
		{"ConsoleNotice", func(u string) response {
			return form("qh.office", "/notices/new", url.Values{"unit": {u}, "working_days": {"10"}, "case": {awaiting[u]}, "requirements." + awaiting[u]: {"清退"}})
		}, ""},
		{"APIReferralBatch", func(u string) response {
			return e.json("POST", "/api/v1/referral-batches", "qh.office", map[string]any{"office": "中共清河县委巡察办", "letter_no": "清巡移〔2026〕" + u, "round": "第一轮",
				"team": "第一组", "received": "2026-03-02", "level": "internal", "items": []map[string]any{{"unit_code": u, "violation_kind": "B01", "title": "超编", "facts": "超编2人。"}}})
		}, "QH001"},
		{"ConsoleReferralBatch", func(u string) response {
			f := letterFields()
			f.Set("letter_no", "云巡办移〔2026〕9"+u)
			return e.uploadBatch("qh.office", f, e.batchXLSX([][]string{{u, "B01", "超编", "巡察发现超编2人。"}}))
		}, "QH001"},
		{"ConsoleRosterImport", func(u string) response {
			r := multi("qh.office", "/roster/import", url.Values{"date": {"2026-09-30"}}, "file", "r.csv", rosterOf(u))
			job := r.Header.Get("Location")
			var page response
			casetest.Eventually(t, 20*time.Second, "the import", func() bool {
				page = e.req("GET", job, "qh.office", "", nil)
				return page.Header.Get("Refresh") == ""
			})
			return page
		}, "QH002"},
		{"APIAuditReferral", func(u string) response {
			return e.json("POST", "/api/v1/audit-referrals", "qh.office", map[string]any{"office": "清河县审计局", "report_no": "清审〔2026〕" + u, "received": e.Service.Today(), "level": "internal",
				"clues": []map[string]any{{"unit_code": u, "violation_kind": "B01", "title": "超编进人", "facts": "核定20名，实有22人。"}}})
		}, "QH001"},
		{"ConsoleAuditReferral", func(u string) response {
			return form("qh.office", "/audit-referrals/new", url.Values{"office": {"清河县审计局"}, "report_no": {"清审〔2026〕控" + u}, "received": {e.Service.Today()}, "level": {"internal"},
				"rows":             {"1"},
				"clue.0.unit_code": {u}, "clue.0.violation_kind": {"B01"}, "clue.0.title": {"超编进人"}, "clue.0.facts": {"核定20名，实有22人。"}})
		}, "QH002"},
		{"APIPatrolRound", func(u string) response {
			return e.json("POST", "/api/v1/patrol-rounds", "qh.office", map[string]any{"name": "清河县第二轮" + u, "start": "2026-01-05", "end": "2026-03-01",
				"teams": []map[string]any{{"name": "第一组", "members": []string{"zhou.qiang"}, "units": []string{u}}}})
		}, "QH002"},
		{"APIRosterImport", func(u string) response {
			return multi("qh.office", "/api/v1/roster/snapshots", url.Values{"date": {"2026-07-31"}}, "file", "r.csv", rosterOf(u))
		}, "QH002"},
		{"ConsoleRosterDeclaredUnits", func(u string) response {
			r := multi("qh.office", "/roster/import", url.Values{"date": {"2026-08-31"}, "units": {u}}, "file", "r.csv", rosterOf("QH001"))
			job := r.Header.Get("Location")
			var page response
			casetest.Eventually(t, 20*time.Second, "the import", func() bool {
				page = e.req("GET", job, "qh.office", "", nil)
				return page.Header.Get("Refresh") == ""
			})
			return page
		}, ""},
		{"APIUnitImport", func(u string) response {
			row := map[string]string{"AP001": "AP001,安平县农业农村局,政府机关,江南省,云州市,安平县,30,28,是", "QH002": "QH002,清河县人民医院,事业单位,江南省,云州市,清河县,0,0,否"}[u]
			return e.req("POST", "/api/v1/units:import", "qh.office", "text/csv", strings.NewReader("单位代码,单位名称,单位类别,省,市,县,行政编制核定,行政编制实有,重点管理\n"+row+"\n"))
		}, "QH002"},
		{"WarningToCase", func(u string) response {
			return e.json("POST", "/api/v1/warnings/"+warning[u]+"/case", "qh.office", nil)
		}, "QH001"},
		{"RosterReveal", func(u string) response {
			return form("qh.office", "/roster/snapshots/"+snaps[0].ID+"/units/"+u+"/reveal", url.Values{"row": {"2"}})
		}, ""},
		{"HotlineIntake", func(u string) response {
			return multi("qh.hotline", "/hotline/new", url.Values{"intake_token": {strings.Repeat(string(rune('a'+next()%6)), 32)}, "channel": {"phone"},
				"received_at": {time.Now().Add(-time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")}, "unit_code": {u},
				"allegation": {"某局核定行政编制20名，实有22人，今年仍新进人员2名，超编进人。"}}, "", "", nil)
		}, "QH001"},
		{"HotlineRegister", func(u string) response {
			v := url.Values{"action": {"register"}, "unit_code": {u}, "violation_kind": {"B01"}, "title": {"超编进人"},
				"facts": {"反映该局超编进人。"}, "level": {"internal"}}
			id := onlyReport(t, e).ID
			withVersion(e, id, v)
			r := form("qh.hotline", "/hotline/reports/"+id+"/actions", v)
			// Registering beside open twin cases asks for their
			// acknowledgement first: give it, as the operator would.
			if m := regexp.MustCompile(`name="twins_ack" value="([^"]+)"`).FindStringSubmatch(r.Raw); r.Status == http.StatusConflict && m != nil {
				v.Set("twins_ack", html.UnescapeString(m[1]))
				withVersion(e, id, v)
				r = form("qh.hotline", "/hotline/reports/"+id+"/actions", v)
			}
			return r
		}, "QH001"},
		{"ConsolePatrolRoundNew", func(u string) response {
			return form("qh.office", "/patrol/rounds/new", url.Values{"name": {"清河县第三轮" + u}, "start": {"2026-04-01"}, "end": {"2026-05-01"}, "slots": {"1"},
				"team_name_0": {"第一组"}, "team_members_0": {"zhou.qiang"}, "team_units_0": {u}})
		}, "QH002"},
		{"APIPatrolRoundUpdate", func(u string) response {
			// A round of the city naming AP001, saved as it is by the county.
			return e.json("POST", "/api/v1/patrol-rounds/"+cityRound.ID, "qh.office", map[string]any{"name": cityRound.Name, "start": cityRound.Start, "end": cityRound.End,
				"version": cityRound.Version, "teams": []map[string]any{{"id": cityRound.Teams[0].ID, "name": cityRound.Teams[0].Name, "members": cityRound.Teams[0].Members, "units": []string{u}}}})
		}, ""},
		{"BriefingSend", func(u string) response {
			return form("qh.office", "/units/"+u+"/briefing/send", url.Values{"rt": {cityRound.ID + "/" + cityRound.Teams[0].ID}, "level": {"internal"}})
		}, ""},
		{"AssessmentRoundUnit", func(u string) response {
			return form("qh.office", "/assessment/rounds/"+countyRound+"/units", url.Values{"unit": {u}, "reviewer": {"he.ping", "xu.jing"}})
		}, "QH002"},
		{"AssessmentScores", func(u string) response {
			return form("qh.office", "/assessment/rounds/"+countyRound+"/units/"+u+"/scores", url.Values{"A1.1.1": {"1"}})
		}, ""},
		{"AdminBindsLiaison", func(u string) response {
			return form("qh.admin", "/admin/users", url.Values{"id": {"liaison." + strings.ToLower(u)}, "name": {"联络员"}, "roles": {"unit"},
				"region": {"江南省/云州市/清河县"}, "unit": {u}, "password": {"Qinghe#2027x"}})
		}, "QH002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The access log records refused reads and sends (who tried
			// what): an entry there is the refusal's trace, not a write.
			counts := func() map[string]int64 {
				m := e.counts()
				delete(m, "access_log")
				return m
			}
			before := counts()
			r := tt.write("AP001")
			if r.Status != http.StatusBadRequest && r.Status != http.StatusForbidden && r.Status != http.StatusNotFound && r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("AP001 from 清河县: %d %.400s", r.Status, r.Raw)
			}
			if after := counts(); !reflect.DeepEqual(before, after) {
				t.Fatalf("a refused write wrote: %v → %v", before, after)
			}
			if tt.own == "" {
				return
			}
			if r := tt.write(tt.own); r.Status >= 400 {
				msg := r.Raw
				if i := strings.Index(msg, `role="alert"`); i >= 0 {
					msg = msg[i:]
				}
				t.Fatalf("the same write for %s: %d %.600s", tt.own, r.Status, msg)
			}
		})
	}
}

package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/access"
)

// Every read of a briefing, allowed or refused, is a named action in the
// access log with a filter of its own (issue 21: views and downloads
// showed as 其他操作, and a refused request was not logged at all). The
// same holds for downloading an issued document.
func TestBriefingReadsAreNamedInTheAccessLog(t *testing.T) {
	e := newEnv(t)
	e.register("QH001", cases.LevelInternal)
	e.register("QH002", cases.LevelInternal)
	if r := e.req("GET", "/units/QH001/briefing", "zhou.qiang", "", nil); r.Status != 200 {
		t.Fatalf("own unit's briefing: %d", r.Status)
	}
	if r := e.req("GET", "/units/QH001/briefing/pdf", "zhou.qiang", "", nil); r.Status != 200 {
		t.Fatalf("own unit's briefing PDF: %d", r.Status)
	}
	// Refused: another team's unit (scope), and a role without briefings.
	for _, path := range []string{"/units/QH002/briefing", "/units/QH002/briefing/pdf"} {
		if r := e.req("GET", path, "zhou.qiang", "", nil); r.Status != 404 {
			t.Fatalf("%s: %d, want 404", path, r.Status)
		}
	}
	if r := e.json("GET", "/api/v1/units/QH002/briefing", "zhou.qiang", nil); r.Status != 404 {
		t.Fatalf("API other unit: %d", r.Status)
	}
	if r := e.req("GET", "/units/QH001/briefing", "unit.qh001", "", nil); r.Status != 403 {
		t.Fatalf("a unit's liaison: %d, want 403", r.Status)
	}
	if r := e.req("GET", "/documents/nosuchdocument", "zhou.qiang", "", nil); r.Status != 404 {
		t.Fatalf("a document not theirs: %d, want 404", r.Status)
	}
	log, _, err := e.Access.SearchAccess(context.Background(), access.AccessFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, l := range log {
		got[l.UserID+" "+l.Action+" "+strings.SplitN(l.Target, "：", 2)[0]]++
	}
	for key, n := range map[string]int{
		"zhou.qiang read-briefing QH001":                      1,
		"zhou.qiang download-briefing QH001":                  1,
		"zhou.qiang read-briefing-refused QH002":              2,
		"zhou.qiang download-briefing-refused QH002":          1,
		"unit.qh001 read-briefing-refused QH001":              1,
		"zhou.qiang download-document-refused nosuchdocument": 1,
	} {
		if got[key] != n {
			t.Errorf("%s: logged %d times, want %d (log %v)", key, got[key], n, got)
		}
	}
	// The access-log page names each and filters by each.
	page := e.req("GET", "/admin/access-log", "admin", "", nil)
	if page.Status != 200 {
		t.Fatalf("access log: %d", page.Status)
	}
	if strings.Contains(page.Raw, "其他操作") {
		t.Error("the access log shows an unnamed action (其他操作)")
	}
	for _, want := range []string{"查阅巡察前通报", "下载巡察前通报", "查阅巡察前通报（被拒绝）", "发送巡察前通报"} {
		if !regexp.MustCompile(`<option value="[a-z-]+"[^>]*>` + regexp.QuoteMeta(want) + `</option>`).MatchString(page.Raw) {
			t.Errorf("no filter for %s", want)
		}
	}
	refused := e.req("GET", "/admin/access-log?"+url.Values{"action": {"read-briefing-refused"}}.Encode(), "admin", "", nil)
	if refused.Status != 200 || !strings.Contains(refused.Raw, "QH002") {
		t.Fatalf("filtered by refused reads: %d", refused.Status)
	}
}

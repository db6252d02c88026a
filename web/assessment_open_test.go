package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// While a round is open, a unit with nothing scored shows as not scored:
// no 0 分, no grade, no rank, no comparison, no chart (issue 21: 0 分,
// 较差, 1/1, 较上年 -91.79). A partly scored unit says how much is scored
// and its chart shows the scored categories only.
func TestAssessmentResultsWhileOpen(t *testing.T) {
	e := newEnv(t)
	assessWorld(t, e)
	if r := e.postForm("/assessment/rounds/"+round26+"/units", "li.ming", url.Values{"unit": {"QH002"}, "reviewer": {"he.ping", "xu.jing"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add QH002: %d %s", r.Status, r.Raw)
	}
	if r := e.postForm("/assessment/rounds/"+round26+"/units/QH001/scores", "he.ping", url.Values{"save": {"F1.1.1"}, "rate_F1.1.1": {"95"}, "comment_F1.1.1": {"问卷 200 份"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("score: %d %s", r.Status, r.Raw)
	}
	page := e.req("GET", "/assessment/rounds/"+round26+"/results", "li.ming", "", nil)
	if page.Status != 200 {
		t.Fatalf("results: %d", page.Status)
	}
	row := func(unit string) string {
		for _, tr := range strings.Split(page.Raw, "<tr>") {
			tr, _, _ = strings.Cut(tr, "</tr>")
			if strings.Contains(tr, "/units/"+unit+`"`) {
				return tr
			}
		}
		t.Fatalf("no row for %s", unit)
		return ""
	}
	none := row("QH002")
	if !strings.Contains(none, "未评分") {
		t.Errorf("unscored unit's row does not say 未评分:\n%s", none)
	}
	for _, bad := range []string{"较差", "<b>0</b>", "1/1", "1/2", "2/2"} {
		if strings.Contains(none, bad) {
			t.Errorf("unscored unit's row shows %q:\n%s", bad, none)
		}
	}
	// A partly scored unit's total is a sum so far: no grade, no rank, no
	// comparison (47.48 of 24 points showed 较差, 1/2 and -38.66).
	part := row("QH001")
	if !strings.Contains(part, "已评 1/") || !strings.Contains(part, "评分中") {
		t.Errorf("partly scored unit's row does not say how much is scored:\n%s", part)
	}
	for _, bad := range []string{"较差", "1/1", "1/2", "2/2"} {
		if strings.Contains(part, bad) {
			t.Errorf("partly scored unit's row shows %q:\n%s", bad, part)
		}
	}
	if strings.Contains(page.Raw, "/units/QH002/chart.svg") || !strings.Contains(page.Raw, "未评分，暂无得分率图") {
		t.Error("an unscored unit's chart is shown")
	}
	if r := e.req("GET", "/assessment/rounds/"+round26+"/units/QH002/chart.svg", "li.ming", "", nil); r.Status != http.StatusNotFound {
		t.Errorf("unscored unit's chart: %d, want 404", r.Status)
	}
	svg := e.req("GET", "/assessment/rounds/"+round26+"/units/QH001/chart.svg", "li.ming", "", nil)
	if svg.Status != 200 || !strings.Contains(svg.Raw, "内外部满意度") || strings.Contains(svg.Raw, "规定执行") {
		t.Errorf("partly scored unit's chart: %d, want the scored category only", svg.Status)
	}
}

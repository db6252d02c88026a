package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"rectify/cases"
)

// flaggedUnits join casetest.Units (QH001 within its approval, QH002 事业编制
// over by 10, AP001 on the key-management list) in the units tests.
var flaggedUnits = []cases.Unit{
	{Code: "QH010", Name: "清河县财政局", Kind: "government", Region: []string{"江南省", "云州市", "清河县"},
		Establishment: []cases.Establishment{{Type: "行政编制", Approved: 10, Actual: 12}, {Type: "工勤编制", Approved: 2, Actual: 1}},
		LeaderPosts:   cases.Posts{Approved: 3, Actual: 3}},
	{Code: "QH011", Name: "清河县统计局", Kind: "government", Region: []string{"江南省", "云州市", "清河县"},
		Establishment: []cases.Establishment{{Type: "行政编制", Approved: 8, Actual: 8}},
		LeaderPosts:   cases.Posts{Approved: 3, Actual: 4}},
}

// unitRowOf returns the table row of unit code on a units page, or "".
func unitRowOf(page, code string) string {
	for _, tr := range strings.Split(page, "<tr>") {
		if strings.Contains(tr, `href="/units/`+code+`"`) {
			return tr
		}
	}
	return ""
}

// flagCounts reads the counts of the flag filter's links: label → N.
func flagCounts(page string) map[string]string {
	out := map[string]string{}
	re := regexp.MustCompile(`<a href="[^"]*" class="[^"]*">([^<]+)<b>(\d+)</b></a>`)
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestUnitsListFlagsOveragesAndStanding: the units list badges each unit
// over its establishment (超编 N) or its leader posts (超职数 N), shows its
// standing, filters by either and counts each filter; the unit page says
// how many are over in words; the API carries the same overages.
func TestUnitsListFlagsOveragesAndStanding(t *testing.T) {
	e := newEnv(t)
	if err := e.Service.ImportUnits(context.Background(), append([]cases.Unit(nil), flaggedUnits...)); err != nil {
		t.Fatal(err)
	}

	all := e.req("GET", "/units", "li.ming", "", nil)
	if all.Status != 200 {
		t.Fatalf("/units: %d %s", all.Status, all.Raw)
	}
	for _, tc := range []struct {
		code  string
		has   []string
		lacks []string
	}{
		{"QH010", []string{`<span class="badge over" title="行政编制超编 2 名">超编 2</span>`, "暂停受理", "行政编制核定 10 名，实有 12 名，超编 2 名"}, []string{"超职数", ">正常<"}},
		{"QH011", []string{`<span class="badge over" title="超职数 1 名">超职数 1</span>`, ">正常<"}, []string{"超编", "暂停受理"}},
		{"QH002", []string{">超编 10<", "暂停受理"}, nil},
		{"QH001", []string{">无<", ">正常<"}, []string{"超编", "超职数", "暂停受理"}},
		{"AP001", []string{">无<", "暂停受理", "该单位已列入重点管理单位"}, nil},
	} {
		row := unitRowOf(all.Raw, tc.code)
		if row == "" {
			t.Errorf("%s is not listed", tc.code)
			continue
		}
		for _, s := range tc.has {
			if !strings.Contains(row, s) {
				t.Errorf("%s's row lacks %q:\n%s", tc.code, s, row)
			}
		}
		for _, s := range tc.lacks {
			if strings.Contains(row, s) {
				t.Errorf("%s's row shows %q:\n%s", tc.code, s, row)
			}
		}
	}
	if got, want := fmt.Sprint(flagCounts(all.Raw)), fmt.Sprint(map[string]string{"全部": "5", "超编或超职数": "3", "暂停受理": "3"}); got != want {
		t.Errorf("counts %s, want %s", got, want)
	}

	for _, tc := range []struct {
		query       string
		listed, not []string
	}{
		{"?flag=over", []string{"QH002", "QH010", "QH011"}, []string{"QH001", "AP001"}},
		{"?flag=suspended", []string{"AP001", "QH002", "QH010"}, []string{"QH001", "QH011"}},
		{"?flag=over&q=统计", []string{"QH011"}, []string{"QH001", "QH002", "QH010", "AP001"}},
	} {
		r := e.req("GET", "/units"+tc.query, "li.ming", "", nil)
		if r.Status != 200 {
			t.Fatalf("/units%s: %d", tc.query, r.Status)
		}
		for _, code := range tc.listed {
			if unitRowOf(r.Raw, code) == "" {
				t.Errorf("/units%s does not list %s", tc.query, code)
			}
		}
		for _, code := range tc.not {
			if unitRowOf(r.Raw, code) != "" {
				t.Errorf("/units%s lists %s", tc.query, code)
			}
		}
		if !strings.Contains(r.Raw, `class="on"`) {
			t.Errorf("/units%s marks no filter as chosen", tc.query)
		}
	}
	if r := e.req("GET", "/units?flag=everything", "li.ming", "", nil); r.Status != 400 {
		t.Errorf("an unknown flag: %d", r.Status)
	}

	// A county office counts and lists only its county's units.
	county := e.req("GET", "/units", "qh.office", "", nil)
	if got, want := fmt.Sprint(flagCounts(county.Raw)), fmt.Sprint(map[string]string{"全部": "4", "超编或超职数": "3", "暂停受理": "2"}); got != want {
		t.Errorf("the county's counts %s, want %s", got, want)
	}
	if unitRowOf(county.Raw, "AP001") != "" {
		t.Error("the county office sees a neighbour's unit")
	}

	for _, tc := range []struct {
		code string
		has  []string
	}{
		{"QH010", []string{"行政编制超编 2 名", "暂停受理机构编制申请事项", `<span class="badge over">超编 2</span>`}},
		{"QH011", []string{"超职数 1 名", "正常受理", `<span class="badge over">超职数 1</span>`}},
		{"QH001", []string{"未超编，未超职数", "正常受理"}},
	} {
		r := e.req("GET", "/units/"+tc.code, "li.ming", "", nil)
		for _, s := range tc.has {
			if !strings.Contains(r.Raw, s) {
				t.Errorf("/units/%s lacks %q", tc.code, s)
			}
		}
	}

	list := e.json("GET", "/api/v1/units?q=QH01", "li.ming", nil)
	items, _ := list.Body["items"].([]any)
	overs := map[string]string{}
	for _, it := range items {
		u := it.(map[string]any)
		overs[u["code"].(string)] = fmt.Sprint(u["overages"])
	}
	if want := "[map[actual:12 approved:10 over:2 type:行政编制]]"; overs["QH010"] != want {
		t.Errorf("API overages of QH010: %s, want %s", overs["QH010"], want)
	}
	if want := "[map[actual:4 approved:3 over:1 type:领导职数]]"; overs["QH011"] != want {
		t.Errorf("API overages of QH011: %s, want %s", overs["QH011"], want)
	}
	if one := e.json("GET", "/api/v1/units/QH001", "li.ming", nil); fmt.Sprint(one.Body["overages"]) != "[]" {
		t.Errorf("API overages of QH001: %v", one.Body["overages"])
	}
}

package roster

import (
	"strings"
	"testing"
	"time"

	"rectify/cases"
)

// idOf makes a valid ID number for a birth date and a sequence (odd: man).
func idOf(birth string, seq int) string {
	body := "330602" + strings.ReplaceAll(birth, "-", "") + pad3(seq)
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * idWeights[i]
	}
	return body + string("10X98765432"[sum%11])
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

func pad3(n int) string { s := "00" + itoa(n); return s[len(s)-3:] }

// man and woman make an active person on 行政编制 in unit.
func man(unit, name, birth string, seq int) Person {
	id := idOf(birth, seq*2+1)
	return Person{Unit: unit, Name: name, IDHash: id, IDMasked: MaskID(id), Birth: birth, Sex: Male, Type: "行政编制", Status: StatusActive}
}

func woman(unit, name, birth string, seq int) Person {
	id := idOf(birth, seq*2)
	return Person{Unit: unit, Name: name, IDHash: id, IDMasked: MaskID(id), Birth: birth, Sex: Female, Type: "行政编制", Status: StatusActive}
}

func with(p Person, f func(*Person)) Person { f(&p); return p }

var testUnits = map[string]cases.Unit{
	"A": {Code: "A", Name: "甲局", Kind: "government", Establishment: []cases.Establishment{{Type: "行政编制", Approved: 2, Actual: 2}, {Type: "事业编制", Approved: 1, Actual: 1}}, LeaderPosts: cases.Posts{Approved: 1}},
	"B": {Code: "B", Name: "乙中心", Kind: "institution", Establishment: []cases.Establishment{{Type: "事业编制", Approved: 2, Actual: 2}}, LeaderPosts: cases.Posts{Approved: 1}},
}

func rules(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, string(w.Rule)+"@"+w.Unit)
	}
	return out
}

func TestRules(t *testing.T) {
	const day = "2026-06-30"
	a1 := man("A", "张一", "1980-01-01", 1)
	a2 := man("A", "张二", "1985-01-01", 2)
	b1 := with(man("B", "李一", "1990-01-01", 3), func(p *Person) { p.Type = "事业编制" })
	b2 := with(woman("B", "李二", "1991-01-01", 4), func(p *Person) { p.Type = "事业编制" })
	sci := with(man("A", "王事", "1988-01-01", 5), func(p *Person) { p.Type = "事业编制" })
	for _, tc := range []struct {
		name    string
		rule    func(Input) []Warning
		persons []Person
		want    []string
		explain string // a phrase the first warning's explanation must hold
	}{
		{"AtQuotaNoWarning", Overstaffed, []Person{a1, a2, sci, b1, b2}, nil, ""},
		{"Overstaffed", Overstaffed, []Person{a1, a2, man("A", "张三", "1986-01-01", 6), b1, b2}, []string{"overstaffed@A"}, "行政编制核定 2 名，花名册在编 3 人，超编 1 人"},
		{"TypeWithoutApproval", Overstaffed, []Person{with(a1, func(p *Person) { p.Type = "工勤编制" })}, []string{"overstaffed@A"}, "工勤编制核定 0 名"},
		{"LeftDoesNotCount", Overstaffed, []Person{a1, a2, with(man("A", "张三", "1986-01-01", 6), func(p *Person) { p.Left = "2026-01-01"; p.Status = StatusDeparted })}, nil, ""},
		{"PostsAtQuota", OverPosts, []Person{with(a1, func(p *Person) { p.Leader = true })}, nil, ""},
		{"OverPosts", OverPosts, []Person{with(a1, func(p *Person) { p.Leader = true }), with(a2, func(p *Person) { p.Leader = true })}, []string{"over_posts@A"}, "超职数 1 名"},
		{"Double", Double, []Person{a1, with(a1, func(p *Person) { p.Unit = "B"; p.Type = "事业编制" })}, []string{"double@A", "double@B"}, "同时在 2 个单位占编"},
		{"DoubleNotWhenLeft", Double, []Person{with(a1, func(p *Person) { p.Left = "2026-01-01" }), with(a1, func(p *Person) { p.Unit = "B" })}, nil, ""},
		// A woman worker born 1975-12-30: old age reached 2025-12, delay
		// (2025-12 − 2025-01 = 11) ÷ 2 + 1 = 6 months → 2026-06-30, today.
		{"RetireExactlyToday", Retire, []Person{with(woman("A", "老张", "1975-12-30", 7), func(p *Person) { p.Type = "工勤编制" })}, []string{"retire@A"}, "法定退休年龄 50岁6个月，于 2026-06-30 达到"},
		// A man born 1966-03-01: 2026-03 → 14 ÷ 4 + 1 = 4 months → 2026-07-01, tomorrow.
		{"RetireTomorrow", Retire, []Person{man("A", "老王", "1966-03-01", 8)}, nil, ""},
		{"RetireWomanWorker", Retire, []Person{with(woman("A", "刘工", "1975-06-15", 9), func(p *Person) { p.Type = "工勤编制" })}, []string{"retire@A"}, "50岁3个月"},
		{"RetireWomanCadreNotYet", Retire, []Person{woman("A", "刘干", "1976-01-15", 9)}, nil, ""},
		{"RetiredButLeft", Retire, []Person{with(man("A", "老李", "1950-01-01", 10), func(p *Person) { p.Status = StatusRetired; p.Left = "2010-01-01" })}, nil, ""},
		{"RetiredNotRemoved", Retire, []Person{with(man("A", "老李", "1950-01-01", 10), func(p *Person) { p.Status = StatusRetired })}, []string{"retire@A"}, "仍在编（人员状态：退休）"},
		{"Deceased", Deceased, []Person{with(a1, func(p *Person) { p.Status = StatusDeceased })}, []string{"deceased@A"}, "人员状态为死亡"},
		{"DeceasedRemoved", Deceased, []Person{with(a1, func(p *Person) { p.Status = StatusDeceased; p.Left = "2026-05-01" })}, nil, ""},
		{"SecondmentOver", Secondment, []Person{with(a1, func(p *Person) { p.Status = StatusSeconded; p.Host = "市委办"; p.Until = "2026-06-01" })}, []string{"secondment@A"}, "已超期 29 天"},
		{"SecondmentLastDay", Secondment, []Person{with(a1, func(p *Person) { p.Status = StatusSeconded; p.Host = "市委办"; p.Until = day })}, nil, ""},
		{"MixedLeaderInOrgan", Mixed, []Person{with(sci, func(p *Person) { p.Leader = true; p.Post = "副局长" })}, []string{"mixed@A"}, "由事业编制人员担任"},
		{"MixedAdminInInstitution", Mixed, []Person{with(a1, func(p *Person) { p.Unit = "B" })}, []string{"mixed@B"}, "事业单位中有行政编制人员"},
		{"NotMixed", Mixed, []Person{sci, with(a1, func(p *Person) { p.Leader = true })}, nil, ""},
		{"MismatchNone", Mismatch, []Person{a1, a2, sci}, nil, ""},
		{"Mismatch", Mismatch, []Person{a1, sci}, []string{"mismatch@A"}, "实有 2 人，花名册在编 1 人，相差 -1 人"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.rule(Input{Date: day, Units: testUnits, Persons: tc.persons})
			if strings.Join(rules(got), ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %v, want %v", rules(got), tc.want)
			}
			if tc.explain != "" && !strings.Contains(got[0].Explanation, tc.explain) {
				t.Errorf("explanation %q lacks %q", got[0].Explanation, tc.explain)
			}
			for _, w := range got {
				for _, p := range tc.persons {
					if strings.Contains(w.Explanation, p.IDHash) {
						t.Errorf("explanation names a clear ID: %s", w.Explanation)
					}
				}
			}
		})
	}
}

// TestDoubleAcrossSnapshots: one person moved from A (first snapshot) to
// B (second) is on one establishment in each and no warning; a person on
// both in both snapshots is one warning per unit, persisting.
func TestDoubleAcrossSnapshots(t *testing.T) {
	mover := man("A", "调动", "1980-05-05", 11)
	twice := man("A", "双占", "1981-05-05", 12)
	twiceB := with(twice, func(p *Person) { p.Unit = "B"; p.Type = "事业编制" })
	first := Evaluate(Input{Date: "2026-01-01", Units: testUnits, Persons: []Person{mover, twice, twiceB}})
	second := Evaluate(Input{Date: "2026-07-01", Units: testUnits, Persons: []Person{with(mover, func(p *Person) { p.Unit = "B"; p.Type = "事业编制" }), twice, twiceB}})
	var d1, d2 []Warning
	for _, w := range first {
		if w.Rule == RuleDouble {
			d1 = append(d1, w)
		}
	}
	for _, w := range second {
		if w.Rule == RuleDouble {
			d2 = append(d2, w)
		}
	}
	if len(d1) != 2 || len(d2) != 2 {
		t.Fatalf("double warnings %v / %v: want the twice-placed person only, in A and B", rules(d1), rules(d2))
	}
	for _, w := range Compare(d1, d2) {
		if w.Change != Persisting || !strings.Contains(w.Explanation, "双占") {
			t.Errorf("%s %s: %s", w.Key, w.Change, w.Explanation)
		}
	}
}

func TestCompare(t *testing.T) {
	w := func(k string, c Change, no string) Warning { return Warning{Key: k, Change: c, CaseNo: no} }
	prev := []Warning{w("stay", New, "2026-001"), w("gone", Persisting, ""), w("old", Resolved, "")}
	got := Compare(prev, []Warning{w("stay", "", ""), w("fresh", "", "")})
	want := map[string]Change{"stay": Persisting, "fresh": New, "gone": Resolved}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for _, g := range got {
		if want[g.Key] != g.Change {
			t.Errorf("%s: %s, want %s", g.Key, g.Change, want[g.Key])
		}
		if g.Key == "stay" && g.CaseNo != "2026-001" {
			t.Errorf("persisting warning lost its case: %q", g.CaseNo)
		}
	}
	if got := Compare(nil, []Warning{w("a", "", "")}); got[0].Change != New {
		t.Errorf("first snapshot: %s", got[0].Change)
	}
}

func TestRetirementTable(t *testing.T) {
	for _, tc := range []struct {
		year  int
		month time.Month
		sex   string
		typ   string
		want  string
	}{
		{1964, 12, Male, "行政编制", "60岁"},
		{1965, 1, Male, "行政编制", "60岁1个月"},
		{1965, 4, Male, "行政编制", "60岁1个月"},
		{1965, 5, Male, "行政编制", "60岁2个月"},
		{1976, 8, Male, "行政编制", "62岁11个月"},
		{1976, 9, Male, "行政编制", "63岁"},
		{1990, 1, Male, "行政编制", "63岁"},
		{1969, 12, Female, "行政编制", "55岁"},
		{1970, 1, Female, "事业编制", "55岁1个月"},
		{1981, 9, Female, "行政编制", "58岁"},
		{1974, 12, Female, "工勤编制", "50岁"},
		{1975, 1, Female, "工勤编制", "50岁1个月"},
		{1975, 3, Female, "工勤编制", "50岁2个月"},
		{1984, 10, Female, "工勤编制", "54岁11个月"},
		{1984, 11, Female, "工勤编制", "55岁"},
		{1970, 1, Male, "工勤编制", "61岁4个月"},
	} {
		if got := AgeLabel(RetirementAgeMonths(tc.year, tc.month, tc.sex, tc.typ)); got != tc.want {
			t.Errorf("%d-%02d %s %s: %s, want %s", tc.year, tc.month, tc.sex, tc.typ, got, tc.want)
		}
	}
	if got := RetirementDate("1965-11-30", Male, "行政编制"); got != "2026-02-28" {
		t.Errorf("a month's last day: %s", got)
	}
}

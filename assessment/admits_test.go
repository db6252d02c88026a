package assessment

import (
	"testing"

	"rectify/cases"
)

func TestRoundAdmits(t *testing.T) {
	const city = "江南省/云州市"
	st := RoundState{Round: Round{ID: RoundID(2026, city), Year: 2026, Region: city}, Units: []RoundUnit{
		{Unit: "YZ001", Reviewers: []Reviewer{{ID: "he.ping"}, {ID: "xu.jing"}}},
		{Unit: "QH001", Reviewers: []Reviewer{{ID: "he.ping"}, {ID: "far.away"}}},
	}}
	legacy := st
	legacy.Round.Region = ""
	for _, tc := range []struct {
		name string
		st   RoundState
		v    Viewer
		unit string
		want bool
	}{
		{"city office, round", st, Viewer{cases.Scope{Region: city}, "li.ming"}, "", true},
		{"city office, unit", st, Viewer{cases.Scope{Region: city}, "li.ming"}, "QH001", true},
		{"province office above", st, Viewer{cases.Scope{Region: "江南省"}, "p"}, "", true},
		{"county office below", st, Viewer{cases.Scope{Region: city + "/清河县"}, "qh.office"}, "", false},
		{"county office, unit in its county", st, Viewer{cases.Scope{Region: city + "/清河县"}, "qh.office"}, "QH001", false},
		{"other city", st, Viewer{cases.Scope{Region: "江南省/梅州市"}, "x"}, "", false},
		{"prefix is not a parent", st, Viewer{cases.Scope{Region: "江南省/云州"}, "x"}, "", false},
		{"reviewer elsewhere, assigned unit", st, Viewer{cases.Scope{Region: "江南省/梅州市"}, "far.away"}, "QH001", true},
		{"reviewer elsewhere, round", st, Viewer{cases.Scope{Region: "江南省/梅州市"}, "far.away"}, "", true},
		{"reviewer elsewhere, other unit", st, Viewer{cases.Scope{Region: "江南省/梅州市"}, "far.away"}, "YZ001", false},
		{"liaison, own unit", st, Viewer{cases.Scope{Region: city + "/清河县", Units: []string{"QH001"}}, "unit.qh001"}, "QH001", true},
		{"liaison, round page", st, Viewer{cases.Scope{Region: city + "/清河县", Units: []string{"QH001"}}, "unit.qh001"}, "", false},
		{"liaison, other unit", st, Viewer{cases.Scope{Region: city, Units: []string{"QH001"}}, "unit.qh001"}, "YZ001", false},
		{"liaison, unit not in round", st, Viewer{cases.Scope{Region: city, Units: []string{"YZ009"}}, "u"}, "YZ009", false},
		{"empty scope", st, Viewer{cases.Scope{}, "x"}, "", false},
		{"global", st, Viewer{cases.GlobalScope, ""}, "YZ001", true},
		{"legacy round without region", legacy, Viewer{cases.Scope{Region: city + "/清河县"}, "qh.office"}, "", true},
	} {
		if got := tc.st.Admits(tc.v, tc.unit); got != tc.want {
			t.Errorf("%s: Admits = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRoundIDPerRegion(t *testing.T) {
	a, b := RoundID(2026, "江南省/云州市"), RoundID(2026, "江南省/云州市/清河县")
	if a == b || a != RoundID(2026, "江南省/云州市") || a[:5] != "2026-" {
		t.Errorf("ids %s %s", a, b)
	}
}

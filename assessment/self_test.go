package assessment_test

import (
	"strings"
	"testing"

	"rectify/assessment"
	"rectify/cases"
)

func TestCheckSelf(t *testing.T) {
	pt := assessment.Point{Code: "A1.1.1", Max: 3}
	long := strings.Repeat("字", assessment.MaxStatement+1)
	tests := []struct {
		name             string
		finalised, score bool
		files            int
		in               assessment.SelfInput
		code             string
		want             string
		got              float64
	}{
		{"OK", false, false, 1, assessment.SelfInput{Score: " 2.5 ", Statement: "已落实"}, "", "", 2.5},
		{"OKRounded", false, false, 0, assessment.SelfInput{Score: "2.555", Statement: "已落实"}, "", "", 2.56},
		{"OKFull", false, false, 0, assessment.SelfInput{Score: "3", Statement: "已落实"}, "", "", 3},
		{"ErrFinalised", true, false, 0, assessment.SelfInput{Score: "3", Statement: "x"}, cases.EREFUSED, "已定稿", 0},
		{"ErrScored", false, true, 0, assessment.SelfInput{Score: "3", Statement: "x"}, cases.EREFUSED, "评估人员已对要点 A1.1.1 评分", 0},
		{"ErrAboveMax", false, false, 0, assessment.SelfInput{Score: "3.01", Statement: "x"}, cases.EINVALID, "0 至 3 之间", 0},
		{"ErrNegative", false, false, 0, assessment.SelfInput{Score: "-1", Statement: "x"}, cases.EINVALID, "0 至 3 之间", 0},
		{"ErrNotNumber", false, false, 0, assessment.SelfInput{Score: "三", Statement: "x"}, cases.EINVALID, "0 至 3 之间", 0},
		{"ErrNaN", false, false, 0, assessment.SelfInput{Score: "NaN", Statement: "x"}, cases.EINVALID, "0 至 3 之间", 0},
		{"ErrNoStatement", false, false, 0, assessment.SelfInput{Score: "1", Statement: " \n "}, cases.EINVALID, "自评说明", 0},
		{"ErrLongStatement", false, false, 0, assessment.SelfInput{Score: "1", Statement: long}, cases.EINVALID, "不能超过", 0},
		{"ErrTooManyFiles", false, false, assessment.MaxSelfEvidence + 1, assessment.SelfInput{Score: "1", Statement: "x"}, cases.EINVALID, "佐证材料不能超过", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := assessment.CheckSelf(pt, tt.finalised, tt.score, tt.files, tt.in)
			if tt.code == "" {
				if err != nil || got != tt.got {
					t.Fatalf("got %v, %v; want %v", got, err, tt.got)
				}
				return
			}
			e, ok := cases.AsError(err)
			if !ok || e.Code != tt.code || !strings.Contains(errAll(e), tt.want) {
				t.Fatalf("got %v, want %s %q", err, tt.code, tt.want)
			}
		})
	}
	// Every field error at once.
	_, err := assessment.CheckSelf(pt, false, false, 0, assessment.SelfInput{})
	if e, _ := cases.AsError(err); e == nil || len(e.Fields) != 2 {
		t.Errorf("empty input: %v", err)
	}
}

func errAll(e *cases.Error) string {
	s := e.Message
	for _, f := range e.Fields {
		s += "；" + f.Message
	}
	return s
}

func TestSelfAuthor(t *testing.T) {
	unit := assessment.Account{ID: "u", Roles: []cases.Role{cases.RoleUnit}, UnitCode: "QH001"}
	other := unit
	other.UnitCode = "QH002"
	off := unit
	off.Disabled = true
	rev := assessment.Account{ID: "r", Roles: []cases.Role{cases.RoleReviewer}, UnitCode: "QH001"}
	for _, tt := range []struct {
		name string
		who  assessment.Account
		ok   bool
	}{{"OK", unit, true}, {"ErrOtherUnit", other, false}, {"ErrDisabled", off, false}, {"ErrNotUnitRole", rev, false}} {
		t.Run(tt.name, func(t *testing.T) {
			if err := assessment.SelfAuthor(tt.who, "QH001"); (err == nil) != tt.ok {
				t.Errorf("got %v", err)
			}
		})
	}
}

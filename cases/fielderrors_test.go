package cases

import (
	"slices"
	"testing"
)

// TestDecideReportsEveryBadField: an action with several bad inputs names
// all of them, the first also as the error's own field.
func TestDecideReportsEveryBadField(t *testing.T) {
	today := "2026-03-02"
	office := Actor{ID: "li.ming", Role: RoleOffice}
	unit := Actor{ID: "unit.qh001", Role: RoleUnit}
	long := string(make([]rune, MaxLongText+1))
	for _, tt := range []struct {
		name  string
		c     Case
		a     Action
		actor Actor
		in    Input
		cmt   string
		want  []string
	}{
		{"OrderWithoutRequirementsOrDeadline", Case{State: StateVerifying}, ActionOrderRectification, office, Input{}, "", []string{"requirements", "deadline"}},
		{"OrderBadCommentAndDate", Case{State: StateVerifying}, ActionOrderRectification, office, Input{Requirements: "清退", Deadline: "2026-13-01"}, long, []string{"comment", "deadline"}},
		{"SubmitWithoutReportOrEvidence", Case{State: StateRectifying, UnitCode: "QH001"}, ActionSubmit, unit, Input{}, "", []string{"report", "evidence"}},
		{"ExtendWithoutReasonOrDeadline", Case{State: StateRectifying, Deadline: "2026-04-01"}, ActionExtend, Actor{ID: "wang", Role: RoleApprover}, Input{}, "", []string{"reason", "deadline"}},
		{"OneBadField", Case{State: StateVerifying}, ActionDismiss, office, Input{}, "", []string{"reason"}},
		{"OK", Case{State: StateVerifying}, ActionDismiss, office, Input{Reason: "查无实据"}, "", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decide(tt.c, tt.a, tt.actor, tt.in, tt.cmt, today, fakeCal{})
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, ok := AsError(err)
			if !ok || e.Code != EINVALID {
				t.Fatalf("got %v, want invalid", err)
			}
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.want) || e.Field != tt.want[0] || e.Message != e.Fields[0].Message {
				t.Errorf("fields %v (main %s), want %v", got, e.Field, tt.want)
			}
		})
	}
}

func TestFieldErrors(t *testing.T) {
	var fe FieldErrors
	if fe.Err() != nil {
		t.Fatal("no errors recorded, yet an error")
	}
	if !fe.Add(nil) || !fe.Add(Invalid("title", "请填写问题标题")) {
		t.Fatal("nil or a field error not taken")
	}
	if fe.Add(Refused("role", "不可")) {
		t.Fatal("a refusal taken as a field error")
	}
	fe.Add(FieldErrors{{"facts", "请填写问题事实"}, {"level", "密级"}}.Err())
	e, _ := AsError(fe.Err())
	if e.Field != "title" || len(e.Fields) != 3 || e.Fields[2].Field != "level" {
		t.Fatalf("got %+v", e)
	}
}

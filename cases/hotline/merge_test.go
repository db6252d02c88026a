package hotline

import (
	"testing"

	"rectify/cases"
)

func TestMergeInto(t *testing.T) {
	open := cases.Case{No: "2026-0001", UnitCode: "QH001", UnitName: "清河县教育局", State: cases.StateRectifying}
	tests := []struct {
		name string
		r    Report
		edit func(*cases.Case)
		ok   bool
	}{
		{"OK", Report{UnitCode: "QH001"}, func(*cases.Case) {}, true},
		{"OKUnitInFreeText", Report{UnitText: "某镇综合服务中心"}, func(c *cases.Case) { c.UnitCode = "AP004" }, true},
		{"ErrOtherUnit", Report{UnitCode: "AP004", UnitName: "安平县农业农村局"}, func(*cases.Case) {}, false},
		{"ErrClosed", Report{UnitCode: "QH001"}, func(c *cases.Case) { c.State = cases.StateClosed }, false},
		{"ErrDismissed", Report{UnitCode: "QH001"}, func(c *cases.Case) { c.State = cases.StateDismissed }, false},
		{"ErrTransferred", Report{UnitCode: "QH001"}, func(c *cases.Case) { c.State = cases.StateTransferred }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := open
			tt.edit(&c)
			err := MergeInto(tt.r, c)
			if got := err == nil; got != tt.ok {
				t.Fatalf("MergeInto: %v, want ok %v", err, tt.ok)
			}
			if err != nil && (cases.ErrorCode(err) != cases.EREFUSED || err.(*cases.Error).Field != "case_no") {
				t.Fatalf("error %+v: want a refusal naming case_no", err)
			}
		})
	}
}

package hotline

import "testing"

func TestOpenCasesNeedAcknowledging(t *testing.T) {
	twins := []Twin{
		{Candidate{CaseNo: "2026-0007", UnitCode: "QH001", Open: true}, 0.73},
		{Candidate{Report: "R2", UnitCode: "QH001", Open: true}, 0.6},         // a report: nothing to merge into
		{Candidate{CaseNo: "2025-0003", UnitCode: "QH001", Open: false}, 0.5}, // closed: a repeat, not a twin
		{Candidate{CaseNo: "2026-0009", UnitCode: "AP001", Open: true}, 0.4},  // another unit
		{Candidate{CaseNo: "2026-0011", UnitCode: "QH001", Open: true}, 0.3},
	}
	for _, tt := range []struct {
		name, unit, want string
	}{
		{"OpenCasesOfTheUnit", "QH001", "2026-0007,2026-0011"},
		{"AnotherUnit", "AP001", "2026-0009"},
		{"None", "XX001", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := TwinsAck(OpenCases(twins, tt.unit)); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

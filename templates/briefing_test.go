package templates

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"rectify/templates/pdftest"
)

func sampleBriefing() Briefing {
	return Briefing{Letterhead: Letterhead{Office: "中共云州市委机构编制委员会办公室"}, Team: "市委第一巡察组", Round: "十一届市委第三轮巡察",
		UnitName: "清河县教育局", UnitCode: "QH001", Classification: "内部",
		Figures:        []BriefingFigure{{Type: "行政编制", Approved: 20, Actual: 22, Roster: -1, Over: 2}, {Type: "事业编制", Approved: 100, Actual: 90, Roster: -1, Vacant: 10}},
		LeaderApproved: 5, LeaderActual: 6, LeaderRoster: -1,
		Open:  []BriefingCase{{No: "2026-0003", Kind: "超编进人", Title: "超编进人2名", State: "整改中", Deadline: "2026-03-01", Overdue: true}},
		Clues: []string{"12310举报 1件（机关超期借用人员）"},
		Focus: []BriefingFocus{{Area: "遵守机构编制管理权限和程序情况", Text: "是否超编进人", Reason: "在办问题1件"}},
		Date:  time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
}

// TestBriefingLetter: the briefing is an official letter to the team with
// its classification, figures and ledger numbers (its layout is
// RenderOfficial's, measured by TestGeometry).
func TestBriefingLetter(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderOfficial(&buf, sampleBriefing().Official(), EmbeddedFonts(), fixed0); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, buf.Bytes())), "")
	for _, want := range []string{"内部", "市委第一巡察组", "行政编制：核定20名，实有22名", "超编2名", "空编10名", "2026-0003", "举报人信息依法保密", "是否超编进人"} {
		if !strings.Contains(text, want) {
			t.Errorf("briefing lacks %q", want)
		}
	}
}

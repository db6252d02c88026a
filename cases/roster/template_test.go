package roster_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/roster"
)

// TestTemplate: the template has a title row, the header, an example row,
// drop-downs for the coded columns, the units' codes and instructions; as
// downloaded it imports nothing (the example is skipped), and filled in
// below the example it imports.
func TestTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := roster.WriteTemplate(&buf, casetest.Units[:2]); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); strings.Join(got, ",") != "花名册,单位代码表,填表说明" {
		t.Fatalf("sheets %v", got)
	}
	if v, _ := f.GetCellValue(roster.RosterSheet, "A1"); v != roster.TemplateTitle {
		t.Errorf("title %q", v)
	}
	if v, _ := f.GetCellValue(roster.RosterSheet, "A2"); v != "*单位代码" {
		t.Errorf("header %q", v)
	}
	if v, _ := f.GetCellValue(roster.RosterSheet, "B3"); !strings.HasPrefix(v, "（示例") {
		t.Errorf("example %q", v)
	}
	dvs, err := f.GetDataValidations(roster.RosterSheet)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv.Formula1
	}
	// 单位代码 A, 性别 E, 编制类型 F, 领导职务 H, 人员状态 I.
	for col, want := range map[string]string{"A3": "单位代码表!$A$2:$A$3", "E3": "男", "F3": "政法专项编制", "H3": "是", "I3": "辞职辞退"} {
		if !strings.Contains(lists[col], want) {
			t.Errorf("drop-down of %s: %q, want %q in it", col, lists[col], want)
		}
	}
	if v, _ := f.GetCellValue(roster.UnitsSheet, "B3"); v != casetest.Units[1].Name {
		t.Errorf("units sheet %q", v)
	}
	if v, _ := f.GetCellValue(roster.HelpSheet, "A3"); !strings.Contains(v, "必填") {
		t.Errorf("help %q", v)
	}

	// As downloaded: a header and no one.
	_, err = roster.Parse(bytes.NewReader(buf.Bytes()), "t.xlsx", roster.ParseOptions{})
	if e, ok := cases.AsError(err); !ok || !strings.Contains(e.Message, "只有表头") {
		t.Fatalf("blank template: %v", err)
	}
	// Filled in: one person on row 4, the example left in place.
	row := roster.Row("QH001", "张三", roster.MakeID("330602", "1985-04-10", 3), "行政", "科员", false, roster.StatusActive, "2010-09-01", "", "", "")
	for i, v := range row {
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetCellStr(roster.RosterSheet, col+"4", v)
	}
	var filled bytes.Buffer
	if err := f.Write(&filled); err != nil {
		t.Fatal(err)
	}
	ps, err := roster.Parse(&filled, "t.xlsx", roster.ParseOptions{})
	if err != nil || len(ps) != 1 || ps[0].Row != 4 || ps[0].Type != "行政编制" {
		t.Fatalf("filled template: %+v %v", ps, err)
	}
}

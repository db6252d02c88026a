package roster

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
)

// Template sheet names, as the office reads them. The roster sheet comes
// first: an import reads the workbook's first sheet.
const (
	RosterSheet = "花名册"
	UnitsSheet  = "单位代码表"
	HelpSheet   = "填表说明"
)

// TemplateTitle is the template's title row (row 1), above the header:
// Parse skips a title row above the header.
const TemplateTitle = "机构编制实名制花名册"

// exampleMark starts the example row's name: Parse skips such a row, so an
// example left in the file is not imported as a person.
const exampleMark = "（示例"

// templateRows is how far down the drop-downs reach.
const templateRows = 100000

// WriteTemplate writes the roster template: a title row, the header, an
// example row, drop-downs for the coded columns (unit codes from the
// units sheet, establishment type, leader post, status, sex), text format
// for the ID number and dates so that Excel keeps them as typed, the codes
// of units the importer may import, and instructions.
func WriteTemplate(w io.Writer, units []cases.Unit) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", RosterSheet); err != nil {
		return fmt.Errorf("name roster sheet: %w", err)
	}
	last, _ := excelize.ColumnNumberToName(len(columns))
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return fmt.Errorf("title style: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	if err != nil {
		return fmt.Errorf("header style: %w", err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return fmt.Errorf("text style: %w", err)
	}
	example, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Italic: true, Color: "808080"}})
	if err != nil {
		return fmt.Errorf("example style: %w", err)
	}
	if err := f.SetCellStr(RosterSheet, "A1", TemplateTitle); err != nil {
		return err
	}
	if err := f.MergeCell(RosterSheet, "A1", last+"1"); err != nil {
		return err
	}
	_ = f.SetCellStyle(RosterSheet, "A1", "A1", titleStyle)
	_ = f.SetRowHeight(RosterSheet, 1, 28)
	widths := map[string]float64{"unit": 14, "name": 12, "id": 22, "type": 14, "post": 16, "status": 11, "host": 20, "until": 14}
	for i, c := range columns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		h := c.names[0]
		if c.required {
			h = "*" + h // the parser drops the mark
		}
		if err := f.SetCellStr(RosterSheet, col+"2", h); err != nil {
			return err
		}
		wd := widths[c.key]
		if wd == 0 {
			wd = 12
		}
		_ = f.SetColWidth(RosterSheet, col, col, wd)
		// Text format throughout: an 18-digit ID number stays as typed (a
		// number loses its last digits), a code like 0012 keeps its zeros.
		if err := f.SetColStyle(RosterSheet, col, text); err != nil {
			return err
		}
	}
	_ = f.SetCellStyle(RosterSheet, "A2", last+"2", bold)
	_ = f.SetPanes(RosterSheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})

	unit := "示例单位代码"
	if len(units) > 0 {
		unit = units[0].Code
	}
	ex := Row(unit, exampleMark+"，请删除本行）张三", MakeID("330602", "1985-04-10", 1), "行政编制", "科员", false, StatusActive, "2010-09-01", "", "", "")
	for i, v := range ex {
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetCellStr(RosterSheet, col+"3", v)
	}
	_ = f.SetCellStyle(RosterSheet, "A3", last+"3", example)

	if _, err := f.NewSheet(UnitsSheet); err != nil {
		return fmt.Errorf("units sheet: %w", err)
	}
	_ = f.SetCellStr(UnitsSheet, "A1", "单位代码")
	_ = f.SetCellStr(UnitsSheet, "B1", "单位名称")
	_ = f.SetCellStr(UnitsSheet, "C1", "所在地区")
	for i, u := range units {
		r := strconv.Itoa(i + 2)
		_ = f.SetCellStr(UnitsSheet, "A"+r, u.Code)
		_ = f.SetCellStr(UnitsSheet, "B"+r, u.Name)
		_ = f.SetCellStr(UnitsSheet, "C"+r, strings.Join(u.Region, "/"))
	}
	_ = f.SetColWidth(UnitsSheet, "A", "A", 16)
	_ = f.SetColWidth(UnitsSheet, "B", "C", 36)

	// Drop-downs: a typo is caught while typing rather than at import.
	statuses := make([]string, len(Statuses))
	for i, s := range Statuses {
		statuses[i] = string(s)
	}
	lists := map[string][]string{"type": cases.EstablishmentTypes, "leader": {"是", "否"}, "status": statuses, "sex": {Male, Female}}
	for i, c := range columns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		v := excelize.NewDataValidation(true)
		v.Sqref = fmt.Sprintf("%s3:%s%d", col, col, templateRows+2)
		switch {
		case c.key == "unit" && len(units) > 0:
			v.SetSqrefDropList(fmt.Sprintf("%s!$A$2:$A$%d", UnitsSheet, len(units)+1))
		case lists[c.key] != nil:
			if err := v.SetDropList(lists[c.key]); err != nil {
				return fmt.Errorf("drop-down %s: %w", c.key, err)
			}
		default:
			continue
		}
		v.SetError(excelize.DataValidationErrorStyleStop, "不在可选范围内", "请从下拉列表中选择（单位代码对照“单位代码表”）")
		if err := f.AddDataValidation(RosterSheet, v); err != nil {
			return fmt.Errorf("drop-down %s: %w", c.key, err)
		}
	}

	if _, err := f.NewSheet(HelpSheet); err != nil {
		return fmt.Errorf("help sheet: %w", err)
	}
	help := []string{
		TemplateTitle + "填表说明",
		"1. 在“花名册”工作表中每行填写一名人员。第1行为标题，第2行为表头，请勿修改；第3行为示例（姓名以“（示例”开头的行导入时跳过），请删除。",
		"2. 带 * 的列必填：单位代码、姓名、身份证号、编制类型、人员状态。",
		"3. 单位代码从下拉列表选择，或对照“单位代码表”填写；只能填写您管辖范围内的单位，否则整个文件不导入，并列出出错的行和列。",
		"4. 身份证号为18位，校验码须正确；出生日期、性别可不填，系统从身份证号读出；填写时须与身份证号一致。",
		"5. 编制类型：" + strings.Join(cases.EstablishmentTypes, "、") + "（可简写为 行政、政法专项、事业、工勤）。",
		"6. 领导职务：占领导职数的填“是”，否则填“否”或不填。人员状态：" + strings.Join(statuses, "、") + "。",
		"7. 日期写作 YYYY-MM-DD（如 2010-09-01）。入编日期晚于花名册日期、或出编日期不晚于花名册日期的人员不计在编。",
		"8. 借调人员须填写借调单位和借调截止日期；截止日期已过仍在借调的，生成“超期借用”预警。",
		"9. 上传时选择本文件涉及的范围：“仅本文件所列单位”只比对这些单位的预警，其他单位的预警保持不变；“本辖区全部单位”表示这是辖区的完整花名册，辖区内未列出单位的预警视为已消除。",
		"10. 每一行都校验通过才导入；任何一行有误，整个文件不导入，并列出每个错误的行和列。",
	}
	for i, line := range help {
		_ = f.SetCellStr(HelpSheet, "A"+strconv.Itoa(i+1), line)
	}
	_ = f.SetCellStyle(HelpSheet, "A1", "A1", bold)
	_ = f.SetColWidth(HelpSheet, "A", "A", 120)
	return f.Write(w)
}

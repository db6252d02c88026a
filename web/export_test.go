package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/templates/pdftest"
)

// orderRectification moves a fresh case to 整改中 with a deadline, as the
// office does through the API.
func (e *testEnv) orderRectification(no, requirements string) {
	e.t.Helper()
	for _, body := range []map[string]any{
		{"action": "start_verification"},
		{"action": "order_rectification", "input": map[string]any{"requirements": requirements, "working_days": 15}},
	} {
		if r := e.json("POST", "/api/v1/cases/"+no+"/transitions", office, body); r.Status != 200 {
			e.t.Fatalf("%v: %d %s", body["action"], r.Status, r.Raw)
		}
	}
}

// The XLSX export is a spreadsheet an office can sort, filter and print
// at once: a title row naming the filter and the date, a frozen header
// with an autofilter, numbers and dates as typed cells, text that stays
// text (never a formula), wrapped, in set column widths, and A4 landscape
// printing fitted to the width with the header repeated on every page.
func TestLedgerXLSXIsTyped(t *testing.T) {
	e := newEnv(t)
	reg := casetest.Registration("QH001")
	reg.Title, reg.Assignee = "=1+2", "李明"
	k, _, err := e.Service.Register(context.Background(), cases.GlobalScope, casetest.Office, reg, "")
	if err != nil {
		t.Fatal(err)
	}
	e.orderRectification(k.No, "清退超编人员")
	k, _ = e.Service.Case(context.Background(), cases.GlobalScope, k.No)

	r := e.req("GET", "/ledger/export?format=xlsx&unit=QH001&q="+url.QueryEscape("=1+2"), office, "", nil)
	if r.Status != 200 {
		t.Fatalf("export: %d %s", r.Status, r.Raw)
	}
	x, err := excelize.OpenReader(strings.NewReader(r.Raw))
	if err != nil {
		t.Fatal(err)
	}
	const sheet = "问题整改台账"

	t.Run("TitleRow", func(t *testing.T) {
		title, _ := x.GetCellValue(sheet, "A1")
		for _, want := range []string{"问题整改台账", "单位 QH001", "关键词 =1+2", "导出时间"} {
			if !strings.Contains(title, want) {
				t.Errorf("title %q lacks %q", title, want)
			}
		}
		if typ, _ := x.GetCellType(sheet, "A1"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("title cell of type %v, want a string", typ)
		}
		merged, _ := x.GetMergeCells(sheet)
		if len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "S1" {
			t.Errorf("merged cells %v, want the title across A1:S1", merged)
		}
	})

	t.Run("Header", func(t *testing.T) {
		rows, _ := x.GetRows(sheet)
		if len(rows) != 3 || !slices.Equal(rows[1][:4], []string{"序号", "台账编号", "登记日期", "问题来源"}) || rows[1][18] != "销号日期" {
			t.Fatalf("rows %q", rows)
		}
	})

	t.Run("TypedCells", func(t *testing.T) {
		number := func(cell string) float64 {
			t.Helper()
			typ, _ := x.GetCellType(sheet, cell)
			raw, _ := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			v, err := strconv.ParseFloat(raw, 64)
			if (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) || err != nil {
				t.Errorf("%s is %q of type %v, want a number", cell, raw, typ)
			}
			return v
		}
		if n := number("A3"); n != 1 {
			t.Errorf("序号 %v, want 1", n)
		}
		if n := number("O3"); n != 0 {
			t.Errorf("延期次数 %v, want 0", n)
		}
		for cell, want := range map[string]string{"C3": k.CreatedAt.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly), "M3": k.Deadline, "N3": k.OriginalDeadline} {
			number(cell)
			if got, _ := x.GetCellValue(sheet, cell); got != want {
				t.Errorf("%s shows %q, want the date %q", cell, got, want)
			}
		}
		for _, cell := range []string{"B3", "E3", "I3", "J3"} {
			if typ, _ := x.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
				t.Errorf("%s is of type %v, want a string", cell, typ)
			}
			id, _ := x.GetCellStyle(sheet, cell)
			st, _ := x.GetStyle(id)
			if st == nil || st.NumFmt != 49 || st.Alignment == nil || !st.Alignment.WrapText {
				t.Errorf("%s: style %+v, want wrapped text in the text format", cell, st)
			}
		}
		if got, _ := x.GetCellValue(sheet, "I3"); got != "=1+2" {
			t.Errorf("title cell shows %q", got)
		}
		if f, _ := x.GetCellFormula(sheet, "I3"); f != "" {
			t.Errorf("the title became the formula %q", f)
		}
	})

	t.Run("FrozenHeaderAndFilter", func(t *testing.T) {
		p, _ := x.GetPanes(sheet)
		if !p.Freeze || p.YSplit != 2 || p.TopLeftCell != "A3" {
			t.Errorf("panes %+v, want frozen below row 2", p)
		}
		// excelize writes the range absolute ($A$2:$S$3), as Excel reads it.
		xml := sheetXML(t, []byte(r.Raw))
		if !strings.Contains(strings.ReplaceAll(xml, "$", ""), `<autoFilter ref="A2:S3"`) {
			t.Errorf("no autofilter over A2:S3 in %s", xml)
		}
	})

	t.Run("ColumnWidths", func(t *testing.T) {
		// Excel repairs a file whose columns are out of order.
		xml := sheetXML(t, []byte(r.Raw))
		if i, j := strings.Index(xml, `<col min="1" `), strings.Index(xml, `<col min="19" `); i < 0 || j < i {
			t.Errorf("column widths not in column order: %s", xml[max(0, i):max(0, j)])
		}
		for col, min := range map[string]float64{"B": 10, "F": 18, "I": 24, "J": 36, "L": 30} {
			if w, _ := x.GetColWidth(sheet, col); w < min {
				t.Errorf("column %s is %.1f wide, want at least %.0f", col, w, min)
			}
		}
	})

	t.Run("PrintSetup", func(t *testing.T) {
		pl, _ := x.GetPageLayout(sheet)
		if *pl.Size != 9 || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
			t.Errorf("page layout size %v orientation %v fit %v×%v, want A4 (9) landscape fitted to one page wide", *pl.Size, *pl.Orientation, pl.FitToWidth, pl.FitToHeight)
		}
		if pr, _ := x.GetSheetProps(sheet); pr.FitToPage == nil || !*pr.FitToPage {
			t.Error("fit to page is off, so Excel ignores the fit to width")
		}
		titles := ""
		for _, n := range x.GetDefinedName() {
			if n.Name == "_xlnm.Print_Titles" {
				titles = n.RefersTo
			}
		}
		if titles != "'问题整改台账'!$2:$2" {
			t.Errorf("print titles %q, want the header row repeated", titles)
		}
	})
}

// sheetXML is the first worksheet's XML of an XLSX file.
func sheetXML(t *testing.T, xlsx []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	return string(b)
}

// The printed ledger fits many cases on an A4 landscape page and carries
// the source reference, 承办人 and the latest progress, with the codes in
// words; a unit liaison's copy leaves out what a unit may not see.
func TestPrintedLedger(t *testing.T) {
	e := newEnv(t)
	// Cases as an office writes them: a title of a sentence or two and
	// requirements of a few; now and then a very long one.
	var nos []string
	for i := range 40 {
		reg := casetest.Registration([]string{"QH001", "QH002"}[i%2])
		reg.SourceRef = "云巡办移〔2026〕" + strconv.Itoa(20+i) + "号"
		reg.Assignee = "张卫东"
		reg.Title = "下属事业单位超编进人，核定事业编制40名，实有45人，仍新进人员3名"
		if i%5 == 0 {
			reg.Title = "混岗使用事业编制人员，" + strings.Repeat("长期借调下属事业单位人员从事行政管理工作，", 8)
		}
		k, _, err := e.Service.Register(context.Background(), cases.GlobalScope, casetest.Office, reg, "")
		if err != nil {
			t.Fatal(err)
		}
		nos = append(nos, k.No)
		if i%4 != 3 {
			e.orderRectification(k.No, "立即停止超编进人，按规定程序清退超编人员，并报送清退名单和财政停发工资证明")
		}
	}

	r := e.req("GET", "/ledger/export?format=pdf", office, "", nil)
	if r.Status != 200 {
		t.Fatalf("pdf: %d", r.Status)
	}
	raw := pdftest.Raw(t, []byte(r.Raw), false)
	pages := strings.Split(raw, "\f")
	caseNo := regexp.MustCompile(`\d{4}-\d{4}`)
	if n := len(caseNo.FindAllString(pages[0], -1)); n <= 7 {
		t.Errorf("the first page holds %d cases, want more than 7:\n%s", n, pages[0])
	}
	text := pdftest.Text(t, []byte(r.Raw))
	today := e.Service.Today()
	for _, want := range []string{"来源文号", "承办人", "最新进展", "云巡办移〔2026〕59号", "张卫东", today + "下达整改要求", today + "登记", "绿灯", "…"} {
		if !strings.Contains(text, want) {
			t.Errorf("the printed ledger lacks %q", want)
		}
	}
	for _, code := range []string{"green", "red", "yellow", "registered", "rectifying", "patrol"} {
		if strings.Contains(text, code) {
			t.Errorf("the printed ledger shows the code %q", code)
		}
	}

	r = e.req("GET", "/ledger/export?format=pdf&light=green", office, "", nil)
	if text := pdftest.Text(t, []byte(r.Raw)); !strings.Contains(text, "预警绿灯") {
		t.Errorf("the filter is not named in words: %s", text[:min(len(text), 200)])
	}

	r = e.req("GET", "/ledger/export?format=pdf", unit, "", nil)
	text = pdftest.Text(t, []byte(r.Raw))
	if r.Status != 200 || !strings.Contains(text, nos[0]) || !strings.Contains(text, "下达整改要求") {
		t.Fatalf("the unit's printed ledger: %d %s", r.Status, text)
	}
	for _, hidden := range []string{"云巡办移", "来源文号", "张卫东", "承办人"} {
		if strings.Contains(text, hidden) {
			t.Errorf("the unit's printed ledger shows %q", hidden)
		}
	}
}

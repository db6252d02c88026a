package web

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
)

// formulaStart are the characters with which a spreadsheet takes a cell
// for a formula (or, for tab and CR, shifts it into one): =1+2, +cmd|…,
// -2+3, @SUM(…).
const formulaStart = "=+-@\t\r"

// csvCell neutralises a value for a CSV export: one that a spreadsheet
// would run as a formula gets a leading apostrophe, which Excel and WPS
// show as text and do not evaluate (OWASP's advice for CSV injection).
// Every CSV a person may open in a spreadsheet goes through it.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune(formulaStart, rune(v[0])) {
		return "'" + v
	}
	return v
}

// csvRow applies csvCell to every value.
func csvRow(r []string) []string {
	out := make([]string, len(r))
	for i, v := range r {
		out[i] = csvCell(v)
	}
	return out
}

// xlsxTextFormat is the number format "@" (text): cells in it are written
// as strings and stay text when edited, so a value that looks like a
// formula is never evaluated, and shows as typed, without an apostrophe.
const xlsxTextFormat = 49

// exportColumn is one column of the ledger export: its header, its width
// in the spreadsheet (in characters) and the kind of value it holds.
type exportColumn struct {
	Header string
	Width  float64
	Kind   cellKind
}

// cellKind says how a column's values are written to a spreadsheet.
type cellKind int

const (
	textCell   cellKind = iota // a string in the text format, wrapped
	numberCell                 // an int, as a number
	dateCell                   // a time.Time, as an Excel date
)

// exportColumns are the columns an office keeps in its paper ledger, in
// the order of the CSV and XLSX exports.
var exportColumns = []exportColumn{
	{"序号", 6, numberCell}, {"台账编号", 11, textCell}, {"登记日期", 11, dateCell}, {"问题来源", 12, textCell},
	{"来源文号", 20, textCell}, {"被监督单位", 22, textCell}, {"所在地区", 16, textCell}, {"问题类型", 18, textCell},
	{"问题标题", 30, textCell}, {"问题事实", 48, textCell}, {"密级", 6, textCell}, {"整改要求", 40, textCell},
	{"整改期限", 11, dateCell}, {"原定期限", 11, dateCell}, {"延期次数", 8, numberCell}, {"办理状态", 10, textCell},
	{"预警", 6, textCell}, {"承办人", 9, textCell}, {"销号日期", 11, dateCell},
}

// cellText is a value of an export row as CSV and print show it: dates
// as YYYY-MM-DD, nothing for nil.
func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case time.Time:
		return v.Format(time.DateOnly)
	}
	return fmt.Sprint(v)
}

// date is a YYYY-MM-DD string as a date value for an export, nil when
// empty or malformed (the cell is then left blank, not filled with text).
func date(s string) any {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return d
}

// dayOf is the calendar day of t in the office's zone loc as a date value
// (midnight UTC, which Excel reads as that day whatever the time zone of
// the reader).
func dayOf(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	// As the office reads it (cases.Day), then as a date of its own.
	return date(cases.Day(t, loc))
}

// ledgerXLSX describes an XLSX export: the sheet's name, the title row's
// text and the rows, produced one at a time so that a large ledger is
// never held as cells in memory.
type ledgerXLSX struct {
	Sheet, Title string
	N            int               // number of rows
	Row          func(i int) []any // row i (0-based), in exportColumns order
}

// writeLedgerXLSX writes the ledger as a workbook an office can use at
// once: a title row, a frozen header with an autofilter, typed cells,
// set widths, and A4 landscape printing fitted to the width with the
// header repeated on every page. Rows are streamed: excelize's stream
// writer spills to a temporary file past 16 MB rather than growing.
//
// Text cells are strings in the text format (xlsxTextFormat): a value
// beginning with = + - @ is never a formula, now or when edited.
func writeLedgerXLSX(w io.Writer, l ledgerXLSX) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", l.Sheet); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(exportColumns))
	lastRow := max(2+l.N, 3) // a filter needs a row under the header
	// Sheet-level settings go in before the stream writer is made: it
	// writes the sheet properties at once and the rest when flushed. The
	// autofilter replaces the sheet properties, so it comes first.
	fit, a4, landscape, one, zero := true, 9, "landscape", 1, 0
	for _, err := range []error{
		x.AutoFilter(l.Sheet, "A2:"+last+strconv.Itoa(lastRow), nil),
		x.SetSheetProps(l.Sheet, &excelize.SheetPropsOptions{FitToPage: &fit}),
		x.SetPageLayout(l.Sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}),
		x.SetPageMargins(l.Sheet, &excelize.PageLayoutMarginsOptions{Left: ptr(0.4), Right: ptr(0.4), Top: ptr(0.5), Bottom: ptr(0.6), Header: ptr(0.2), Footer: ptr(0.3)}),
		x.SetHeaderFooter(l.Sheet, &excelize.HeaderFooterOptions{OddFooter: "&C第 &P 页，共 &N 页"}),
		x.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + l.Sheet + "'!$2:$2", Scope: l.Sheet}),
	} {
		if err != nil {
			return fmt.Errorf("set up sheet: %w", err)
		}
	}
	border := []excelize.Border{{Type: "left", Color: "B0B4BA", Style: 1}, {Type: "right", Color: "B0B4BA", Style: 1},
		{Type: "top", Color: "B0B4BA", Style: 1}, {Type: "bottom", Color: "B0B4BA", Style: 1}}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	yyyymmdd := "yyyy-mm-dd"
	var styles [5]int
	for i, st := range []*excelize.Style{
		{NumFmt: xlsxTextFormat, Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}},
		{NumFmt: xlsxTextFormat, Font: &excelize.Font{Bold: true}, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
			Fill: excelize.Fill{Type: "pattern", Color: []string{"E7E9EC"}, Pattern: 1}},
		{NumFmt: xlsxTextFormat, Border: border, Alignment: top},
		{NumFmt: 1, Border: border, Alignment: top},
		{CustomNumFmt: &yyyymmdd, Border: border, Alignment: top},
	} {
		id, err := x.NewStyle(st)
		if err != nil {
			return fmt.Errorf("xlsx style: %w", err)
		}
		styles[i] = id
	}
	titleStyle, headStyle := styles[0], styles[1]
	kindStyle := map[cellKind]int{textCell: styles[2], numberCell: styles[3], dateCell: styles[4]}

	sw, err := x.NewStreamWriter(l.Sheet)
	if err != nil {
		return err
	}
	// Backwards: excelize puts each column it is given before those it
	// has, and Excel repairs a sheet whose columns are out of order.
	for i := len(exportColumns) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, exportColumns[i].Width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: l.Title}}, excelize.RowOpts{Height: 36}); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", last+"1"); err != nil {
		return err
	}
	head := make([]any, len(exportColumns))
	for i, col := range exportColumns {
		head[i] = excelize.Cell{StyleID: headStyle, Value: col.Header}
	}
	if err := sw.SetRow("A2", head, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	cells := make([]any, len(exportColumns))
	for i := range l.N {
		for j, v := range l.Row(i) {
			cells[j] = excelize.Cell{StyleID: kindStyle[exportColumns[j].Kind], Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, cells); err != nil {
			return fmt.Errorf("xlsx row %d: %w", i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}

func ptr[T any](v T) *T { return &v }

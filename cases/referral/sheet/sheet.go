// Package sheet reads and writes the XLSX form of a referral batch's
// problems (巡察移交问题清单): the template offered for download, and the
// upload read back row by row, every bad cell reported by row and column.
package sheet

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/cases/referral"
)

// Sheet names, as the office reads them.
const (
	ItemsSheet = "问题清单"
	CodesSheet = "代码表"
	HelpSheet  = "填表说明"
)

// column is one column of the items sheet and the item field it fills.
type column struct {
	Letter, Header, Field string
	Width                 float64
}

// columns are the items sheet's columns, in order.
var columns = []column{
	{"A", "被监督单位代码", "unit_code", 24},
	{"B", "问题类型代码", "violation_kind", 28},
	{"C", "问题标题", "title", 40},
	{"D", "问题事实", "facts", 80},
}

// MaxRows is the most data rows read from an upload (the batch's limit).
const MaxRows = referral.MaxItems

// Limits on an upload once unzipped. A 500-problem batch is a few MB of
// XML; without a limit excelize allocates what a part's header declares
// (up to 16 GB), so that a small crafted file could exhaust the memory.
const (
	MaxUnzipped = 64 << 20
	MaxSheetXML = 16 << 20
)

// Code is one entry of a drop-down list: a code and its name.
type Code struct{ Code, Name string }

// Template writes the blank form: the items sheet with its headers, an
// example row and drop-downs of the unit and violation-kind codes, the
// code lists, and instructions.
func Template(w io.Writer, units, kinds []Code) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", ItemsSheet); err != nil {
		return fmt.Errorf("name items sheet: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("header style: %w", err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("text style: %w", err)
	}
	for _, c := range columns {
		if err := f.SetCellStr(ItemsSheet, c.Letter+"1", c.Header); err != nil {
			return err
		}
		if err := f.SetColWidth(ItemsSheet, c.Letter, c.Letter, c.Width); err != nil {
			return err
		}
		// Text format: a code like 0012 stays as typed.
		if err := f.SetColStyle(ItemsSheet, c.Letter, text); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(ItemsSheet, "A1", "D1", bold); err != nil {
		return err
	}
	if len(units) > 0 && len(kinds) > 0 {
		example := []string{units[0].Code, kinds[0].Code, "（示例，请删除本行）" + kinds[0].Name, "经巡察发现，……（写明时间、人数、依据）"}
		for i, v := range example {
			if err := f.SetCellStr(ItemsSheet, columns[i].Letter+"2", v); err != nil {
				return err
			}
		}
	}
	if _, err := f.NewSheet(CodesSheet); err != nil {
		return fmt.Errorf("codes sheet: %w", err)
	}
	for i, h := range []string{"单位代码", "单位名称", "问题类型代码", "问题类型"} {
		if err := f.SetCellStr(CodesSheet, string(rune('A'+i))+"1", h); err != nil {
			return err
		}
	}
	for i, u := range units {
		_ = f.SetCellStr(CodesSheet, "A"+strconv.Itoa(i+2), u.Code)
		_ = f.SetCellStr(CodesSheet, "B"+strconv.Itoa(i+2), u.Name)
	}
	for i, k := range kinds {
		_ = f.SetCellStr(CodesSheet, "C"+strconv.Itoa(i+2), k.Code)
		_ = f.SetCellStr(CodesSheet, "D"+strconv.Itoa(i+2), k.Name)
	}
	_ = f.SetColWidth(CodesSheet, "B", "B", 30)
	_ = f.SetColWidth(CodesSheet, "D", "D", 40)
	// Drop-downs from the code lists: a typo is caught while typing.
	for _, dv := range []struct {
		col string
		src string
		n   int
	}{{"A", "$A$2:$A$", len(units)}, {"B", "$C$2:$C$", len(kinds)}} {
		if dv.n == 0 {
			continue
		}
		v := excelize.NewDataValidation(true)
		v.Sqref = fmt.Sprintf("%s2:%s%d", dv.col, dv.col, MaxRows+1)
		v.SetSqrefDropList(fmt.Sprintf("%s!%s%d", CodesSheet, dv.src, dv.n+1))
		v.SetError(excelize.DataValidationErrorStyleStop, "代码不在列表中", "请从下拉列表中选择，或对照“代码表”填写")
		if err := f.AddDataValidation(ItemsSheet, v); err != nil {
			return fmt.Errorf("drop-down %s: %w", dv.col, err)
		}
	}
	if _, err := f.NewSheet(HelpSheet); err != nil {
		return fmt.Errorf("help sheet: %w", err)
	}
	help := []string{
		"巡察移交问题清单填表说明",
		"1. 在“问题清单”工作表中每行填写一个问题，第1行为表头，请勿修改；示例行请删除。",
		"2. 被监督单位代码、问题类型代码从下拉列表选择，或对照“代码表”填写。",
		"3. 问题标题不超过200字；问题事实写明时间、人数、依据，不超过5000字；请勿填写身份证号、手机号等个人信息。",
		"4. 移交机关、移交函号、巡察轮次、巡察组、收函日期和密级在上传页面填写，本表只列问题。",
		fmt.Sprintf("5. 每批最多 %d 个问题。上传后系统逐行校验，任何一行有误则整批不登记，并列出出错的行和列。", MaxRows),
	}
	for i, line := range help {
		_ = f.SetCellStr(HelpSheet, "A"+strconv.Itoa(i+1), line)
	}
	_ = f.SetColWidth(HelpSheet, "A", "A", 100)
	return f.Write(w)
}

// Read reads an upload's items, skipping empty rows, and returns them with
// the row number each came from. A file that is not an XLSX, a changed
// header or too many rows is an error naming the file; cells are checked
// by the caller (the same checks as a typed-in batch) and their errors put
// on rows and columns by Locate.
func Read(r io.Reader) (items []referral.Item, rows []int, err error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxSheetXML})
	if err != nil {
		// excelize says so only in its text ("unzip size exceeds …").
		if strings.Contains(err.Error(), "unzip size") {
			return nil, nil, cases.Invalid("file", "文件解压后超过 %d MB，请拆分后分批上传", MaxUnzipped>>20)
		}
		return nil, nil, cases.Invalid("file", "无法读取上传的文件：请上传用模板填写的 .xlsx 文件")
	}
	defer f.Close()
	if idx, _ := f.GetSheetIndex(ItemsSheet); idx < 0 {
		return nil, nil, cases.Invalid("file", "文件中没有“%s”工作表：请用下载的模板填写", ItemsSheet)
	}
	// Rows streams the sheet: a large file is not expanded into memory as
	// a whole grid.
	it, err := f.Rows(ItemsSheet)
	if err != nil {
		return nil, nil, cases.Invalid("file", "无法读取“%s”工作表", ItemsSheet)
	}
	defer it.Close()
	var fe cases.FieldErrors
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns()
		if err != nil {
			return nil, nil, cases.Invalid("file", "第%d行无法读取", n)
		}
		if n == 1 {
			for i, c := range columns {
				if i >= len(cells) || strings.TrimSpace(cells[i]) != c.Header {
					fe.Add(cases.Invalid(cellField(1, c), "第1行%s列的表头应为“%s”：请用下载的模板填写", c.Letter, c.Header))
				}
			}
			if len(fe) > 0 {
				return nil, nil, fe.Err()
			}
			continue
		}
		get := func(i int) string {
			if i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		if get(0)+get(1)+get(2)+get(3) == "" {
			continue
		}
		for i := len(columns); i < len(cells); i++ {
			if strings.TrimSpace(cells[i]) != "" {
				col, _ := excelize.ColumnNumberToName(i + 1)
				fe.Add(cases.Invalid(fmt.Sprintf("row %d %s", n, col), "第%d行%s列：模板只有A至D列，多出的内容无法登记", n, col))
				break
			}
		}
		if len(items) == MaxRows {
			return nil, nil, cases.Invalid("file", "一批最多 %d 个问题，文件中更多", MaxRows)
		}
		// A control character cannot be stored in the file's XML: what was
		// typed reaches here as U+FFFD or as the raw character, and either
		// is refused on its cell, as typed text is, never silently kept.
		for i, c := range columns {
			if r, bad := cases.FirstBadRune(get(i), c.Field != "facts"); bad {
				fe.Add(cases.Invalid(cellField(n, c), "第%d行%s列（%s）含有不允许的字符 U+%04X：请删去控制字符或乱码后重新上传", n, c.Letter, c.Header, r))
			}
		}
		items = append(items, referral.Item{UnitCode: codeOf(get(0)), Kind: codeOf(get(1)), Title: get(2), Facts: get(3)})
		rows = append(rows, n)
	}
	if err := it.Error(); err != nil {
		return nil, nil, cases.Invalid("file", "无法读取“%s”工作表", ItemsSheet)
	}
	if err := fe.Err(); err != nil {
		return nil, nil, err
	}
	if len(items) == 0 {
		return nil, nil, cases.Invalid("file", "“%s”工作表中没有问题：请从第2行起每行填写一个问题", ItemsSheet)
	}
	return items, rows, nil
}

// codeOf keeps the code of "QH001 清河县教育局": a cell may hold what a
// list showed rather than the bare code.
func codeOf(s string) string {
	if i := strings.IndexAny(s, " 　\t"); i > 0 {
		return s[:i]
	}
	return s
}

func cellField(row int, c column) string { return fmt.Sprintf("row %d %s", row, c.Letter) }

var itemField = regexp.MustCompile(`^items\[(\d+)\]\.(\w+)$`)

// Locate rewrites a batch's item errors (items[i].field) as the cells of
// the upload they came from: field "row 5 C", message "第5行C列（问题标题）：…".
// Other errors are returned as they are.
func Locate(err error, rows []int) error {
	var e *cases.Error
	if !errors.As(err, &e) || e.Code != cases.EINVALID {
		return err
	}
	fields := e.Fields
	if len(fields) == 0 {
		fields = []cases.FieldError{{Field: e.Field, Message: e.Message}}
	}
	var fe cases.FieldErrors
	for _, f := range fields {
		m := itemField.FindStringSubmatch(f.Field)
		if m == nil {
			fe = append(fe, f)
			continue
		}
		i, _ := strconv.Atoi(m[1])
		c, ok := columnOf(m[2])
		if !ok || i >= len(rows) {
			fe = append(fe, f)
			continue
		}
		fe = append(fe, cases.FieldError{Field: cellField(rows[i], c),
			Message: fmt.Sprintf("第%d行%s列（%s）：%s", rows[i], c.Letter, c.Header, f.Message)})
	}
	out := fe.Err().(*cases.Error)
	if m := itemField.FindStringSubmatch(e.Field); m != nil {
		i, _ := strconv.Atoi(m[1])
		if i < len(rows) {
			out.Row = rows[i]
		}
	}
	return out
}

func columnOf(field string) (column, bool) {
	for _, c := range columns {
		if c.Field == field {
			return c, true
		}
	}
	return column{}, false
}

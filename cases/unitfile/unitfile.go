// Package unitfile reads the units under supervision from the files an
// office keeps them in: CSV (UTF-8, or GB18030 as Excel writes it on Chinese
// Windows) or XLSX (the first sheet). A file is read whole and validated
// before anything is written; the first bad cell is reported by row and
// column.
package unitfile

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"rectify/cases"
)

// MaxRows bounds an import.
const MaxRows = 100000

// Limits on what a file may expand to, checked before it is read further:
// a small XLSX can unzip to gigabytes (one 512 MiB cell, millions of
// rows), and each refusal must cost milliseconds, not a minute.
const (
	// MaxUnzipped bounds the uncompressed size of an XLSX workbook.
	MaxUnzipped = 64 << 20
	// MaxSheetXML bounds one worksheet's XML held in memory while read.
	MaxSheetXML = 32 << 20
	// MaxCell bounds one cell, in bytes (a unit's fields are short).
	MaxCell = 4 << 10
	// maxEcho bounds how much of a cell an error message repeats.
	maxEcho = 40
)

// Column headers. English aliases are accepted for systems that export them.
const (
	colCode     = "单位代码"
	colName     = "单位名称"
	colKind     = "单位类别"
	colProvince = "省"
	colCity     = "市"
	colCounty   = "县"
	colPostsA   = "领导职数核定"
	colPostsB   = "领导职数实有"
	colKey      = "重点管理"
)

var aliases = map[string]string{
	"code": colCode, "name": colName, "kind": colKind, "province": colProvince, "city": colCity, "county": colCounty,
	"leader_posts_approved": colPostsA, "leader_posts_actual": colPostsB, "key_managed": colKey,
	"省份": colProvince, "市州": colCity, "区县": colCounty, "县区": colCounty, "是否重点管理": colKey,
}

// Headers lists the columns of the template, in order.
func Headers() []string {
	h := []string{colCode, colName, colKind, colProvince, colCity, colCounty}
	for _, t := range cases.EstablishmentTypes {
		h = append(h, t+"核定", t+"实有")
	}
	return append(h, colPostsA, colPostsB, colKey)
}

// Parse reads a CSV or XLSX file (told apart by content) into units.
func Parse(data []byte) ([]cases.Unit, error) { return ParseChecked(data, nil) }

// ParseChecked is Parse with a check of each unit as read, given its row
// in the file (the header is row 1): an error it returns stops the import
// and, without a row of its own, is given the unit's.
func ParseChecked(data []byte, check func(row int, u cases.Unit) error) ([]cases.Unit, error) {
	var rows [][]string
	var err error
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		rows, err = readXLSX(data)
	} else {
		rows, err = readCSV(data)
	}
	if err != nil {
		return nil, err
	}
	return parseRows(rows, check)
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxSheetXML})
	if err != nil {
		if strings.Contains(err.Error(), "size") {
			return nil, cases.Invalid("file", "工作簿解压后超过 %d MB，请拆分后导入", MaxUnzipped>>20)
		}
		return nil, cases.Invalid("file", "文件不是可读取的 XLSX 工作簿：%v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, cases.Invalid("file", "工作簿中没有工作表")
	}
	// Row by row: the limits apply before the rest is read.
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, cases.Invalid("file", "无法读取工作表 %s：%v", sheets[0], err)
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		rec, err := it.Columns()
		if err != nil {
			return nil, cases.Invalid("file", "无法读取工作表 %s：%v", sheets[0], err)
		}
		if err := checkRecord(len(rows)+1, rec); err != nil {
			return nil, err
		}
		rows = append(rows, rec)
		if len(rows) > MaxRows+1 {
			return nil, cases.Invalid("file", "一次最多导入 %d 行", MaxRows)
		}
	}
	return rows, it.Error()
}

// checkRecord refuses a row with a cell longer than MaxCell.
func checkRecord(row int, rec []string) error {
	for j, v := range rec {
		if len(v) > MaxCell {
			return &cases.Error{Code: cases.EINVALID, Field: "file", Row: row,
				Message: fmt.Sprintf("第 %d 行第 %d 列：单元格超过 %d 字节", row, j+1, MaxCell)}
		}
	}
	return nil
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(dec) {
			return nil, cases.Invalid("file", "CSV 文件既不是 UTF-8 也不是 GB18030 编码的文本")
		}
		data = dec
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if ok := asParseError(err, &pe); ok {
				return nil, &cases.Error{Code: cases.EINVALID, Field: "file", Row: pe.Line, Message: fmt.Sprintf("第 %d 行：CSV 格式错误：%v", pe.Line, pe.Err)}
			}
			return nil, cases.Invalid("file", "CSV 格式错误：%v", err)
		}
		if err := checkRecord(len(rows)+1, rec); err != nil {
			return nil, err
		}
		rows = append(rows, rec)
		if len(rows) > MaxRows+1 {
			return nil, cases.Invalid("file", "一次最多导入 %d 行", MaxRows)
		}
	}
	return rows, nil
}

func asParseError(err error, pe **csv.ParseError) bool {
	e, ok := err.(*csv.ParseError)
	if ok {
		*pe = e
	}
	return ok
}

func cellErr(row int, col, format string, args ...any) error {
	// What was typed is repeated in the message, cut short: an error must
	// not echo a whole oversized cell.
	for i, a := range args {
		if v, ok := a.(string); ok && utf8.RuneCountInString(v) > maxEcho {
			args[i] = string([]rune(v)[:maxEcho]) + "…"
		}
	}
	if utf8.RuneCountInString(col) > maxEcho {
		col = string([]rune(col)[:maxEcho]) + "…"
	}
	return &cases.Error{Code: cases.EINVALID, Field: col, Row: row,
		Message: fmt.Sprintf("第 %d 行「%s」：", row, col) + fmt.Sprintf(format, args...)}
}

func parseRows(rows [][]string, check func(row int, u cases.Unit) error) ([]cases.Unit, error) {
	if len(rows) == 0 {
		return nil, cases.Invalid("file", "文件是空的")
	}
	known := map[string]bool{}
	for _, h := range Headers() {
		known[h] = true
	}
	idx := map[string]int{}
	for i, h := range rows[0] {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if a, ok := aliases[strings.ToLower(h)]; ok {
			h = a
		}
		if h == "" {
			continue
		}
		if !known[h] {
			return nil, cellErr(1, h, "未知的列名（可用列：%s）", strings.Join(Headers(), "、"))
		}
		if _, dup := idx[h]; dup {
			return nil, cellErr(1, h, "列名重复")
		}
		idx[h] = i
	}
	for _, h := range []string{colCode, colName, colKind, colProvince, colCity} {
		if _, ok := idx[h]; !ok {
			return nil, cellErr(1, h, "缺少必需的列")
		}
	}
	for _, t := range cases.EstablishmentTypes {
		_, a := idx[t+"核定"]
		_, b := idx[t+"实有"]
		if a != b {
			return nil, cellErr(1, t, "「%s核定」与「%s实有」须同时提供", t, t)
		}
	}
	var units []cases.Unit
	seen := map[string]int{}
	for i, rec := range rows[1:] {
		row := i + 2
		cell := func(col string) string {
			j, ok := idx[col]
			if !ok || j >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[j])
		}
		if strings.Join(rec, "") == "" {
			continue // blank line
		}
		u := cases.Unit{Code: cell(colCode), Name: cell(colName), Establishment: []cases.Establishment{}}
		if !cases.ValidUnitCode(u.Code) {
			return nil, cellErr(row, colCode, "单位代码「%s」须为1-64位字母、数字、- 或 _", u.Code)
		}
		if first, dup := seen[u.Code]; dup {
			return nil, cellErr(row, colCode, "单位代码 %s 与第 %d 行重复", u.Code, first)
		}
		seen[u.Code] = row
		if u.Name == "" {
			return nil, cellErr(row, colName, "单位名称不能为空")
		}
		kind, ok := cases.ParseUnitKind(cell(colKind))
		if !ok {
			return nil, cellErr(row, colKind, "未知的单位类别「%s」", cell(colKind))
		}
		u.Kind = kind
		for _, col := range []string{colProvince, colCity} {
			if cell(col) == "" {
				return nil, cellErr(row, col, "不能为空")
			}
		}
		u.Region = []string{cell(colProvince), cell(colCity)}
		if c := cell(colCounty); c != "" {
			u.Region = append(u.Region, c)
		}
		for _, col := range []string{colProvince, colCity, colCounty} {
			if strings.ContainsAny(cell(col), "/$") {
				return nil, cellErr(row, col, "不能包含 / 或 $")
			}
		}
		for _, t := range cases.EstablishmentTypes {
			if _, ok := idx[t+"核定"]; !ok {
				continue
			}
			a, err := count(row, t+"核定", cell(t+"核定"))
			if err != nil {
				return nil, err
			}
			b, err := count(row, t+"实有", cell(t+"实有"))
			if err != nil {
				return nil, err
			}
			if cell(t+"核定") != "" || cell(t+"实有") != "" {
				u.Establishment = append(u.Establishment, cases.Establishment{Type: t, Approved: a, Actual: b})
			}
		}
		var err error
		if u.LeaderPosts.Approved, err = count(row, colPostsA, cell(colPostsA)); err != nil {
			return nil, err
		}
		if u.LeaderPosts.Actual, err = count(row, colPostsB, cell(colPostsB)); err != nil {
			return nil, err
		}
		switch strings.ToLower(cell(colKey)) {
		case "", "否", "0", "false", "no", "n":
		case "是", "1", "true", "yes", "y":
			u.KeyManaged = true
		default:
			return nil, cellErr(row, colKey, "须填「是」或「否」，不是「%s」", cell(colKey))
		}
		if err := u.Validate(); err != nil {
			e, _ := cases.AsError(err)
			// Name the column as the template heads it (单位名称, not name).
			col := e.Field
			if h, ok := aliases[col]; ok {
				col = h
			}
			return nil, cellErr(row, col, "%s", e.Message)
		}
		if check != nil {
			if err := check(row, u); err != nil {
				if e, ok := cases.AsError(err); ok && e.Row == 0 {
					c := *e
					c.Row = row
					return nil, &c
				}
				return nil, err
			}
		}
		units = append(units, u)
	}
	if len(units) == 0 {
		return nil, cases.Invalid("file", "文件只有表头，没有单位")
	}
	return units, nil
}

func count(row int, col, s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 10000000 {
		return 0, cellErr(row, col, "「%s」不是非负整数", s)
	}
	return n, nil
}

package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/width"

	"rectify/cases"
	"rectify/cases/personal"
)

// A column of the roster: its key, the header names an export may give it
// (the first is the one the template and messages use), and whether every
// row must fill it.
type column struct {
	key      string
	names    []string
	required bool
}

// columns are the roster's columns. Headers are matched after removing
// spaces, a leading * (the required mark of many templates) and a trailing
// （…） note.
var columns = []column{
	{"unit", []string{"单位代码", "单位编码", "统一社会信用代码"}, true},
	{"name", []string{"姓名"}, true},
	{"id", []string{"身份证号", "身份证号码", "公民身份号码"}, true},
	{"birth", []string{"出生日期", "出生年月"}, false},
	{"sex", []string{"性别"}, false},
	{"type", []string{"编制类型", "编制性质", "占编类型"}, true},
	{"post", []string{"职务", "岗位", "职务岗位", "现任职务"}, false},
	{"leader", []string{"领导职务", "是否领导职务", "是否占领导职数"}, false},
	{"status", []string{"人员状态", "状态"}, true},
	{"entered", []string{"入编日期", "入编时间"}, false},
	{"left", []string{"出编日期", "出编时间"}, false},
	{"host", []string{"借调单位", "借入单位"}, false},
	{"until", []string{"借调截止日期", "借调到期日期", "借调期限"}, false},
}

// Header is the roster template's header row, in order.
func Header() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.names[0]
	}
	return out
}

func columnName(key string) string {
	for _, c := range columns {
		if c.key == key {
			return c.names[0]
		}
	}
	return key
}

// RowError is one bad cell: the file's row (1 is the header), the column's
// name and what is wrong, in Chinese.
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// MaxRowErrors bounds the errors kept of one file: a file that is wrong
// throughout (the wrong sheet, the wrong columns) says so in the first few
// hundred, and the count says how many more.
const MaxRowErrors = 500

// RowErrors is the error of a file with bad rows: nothing of it is imported.
type RowErrors struct {
	Errors []RowError `json:"errors"`
	Total  int        `json:"total"`
}

func (e *RowErrors) Error() string {
	return fmt.Sprintf("花名册有 %d 处错误，未导入任何数据", e.Total)
}

func (e *RowErrors) add(row int, key, format string, args ...any) {
	e.Total++
	if len(e.Errors) < MaxRowErrors {
		e.Errors = append(e.Errors, RowError{row, columnName(key), fmt.Sprintf(format, args...)})
	}
}

// ParseOptions configure Parse.
type ParseOptions struct {
	// Unit reports whether a unit code is in the office's directory.
	Unit func(code string) bool
	// Allowed, when set, reports whether the importer may speak for a
	// unit of the directory: a unit outside the importer's region (or
	// outside the units the import declares it covers) is a bad cell,
	// named with its row, and nothing of the file is written. Why is the
	// message's end (为什么不可导入).
	Allowed func(code string) (ok bool, why string)
	// Protector hashes and seals ID numbers; without one the persons keep
	// IDClear (tests of the rules only).
	Protector *Protector
	// Progress, when set, is told the number of data rows read, every
	// ProgressEvery rows and at the end.
	Progress func(rows int)
}

// ProgressEvery is how often Parse reports progress.
const ProgressEvery = 5000

// Parse reads a roster file, XLSX or CSV (UTF-8, with or without a BOM,
// or GB18030), row by row. It returns the persons in file order, or
// *RowErrors naming every bad cell; a file it cannot read at all is an
// cases.Invalid error.
func Parse(r io.Reader, name string, opt ParseOptions) ([]Person, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return parseXLSX(r, opt)
	case ".csv", ".txt":
		return parseCSV(r, opt)
	}
	return nil, cases.Invalid("file", "花名册须为 XLSX 或 CSV 文件，「%s」不是", name)
}

func parseXLSX(r io.Reader, opt ParseOptions) ([]Person, error) {
	p := newParser(opt)
	if err := xlsxRows(r, p.line); err != nil {
		return nil, cases.Invalid("file", "无法读取 XLSX 文件：%s", err)
	}
	return p.done()
}

// parseCSV decodes the file as UTF-8 when its first 64 KiB are valid UTF-8
// (a BOM is dropped), else as GB18030: an office's export is one or the
// other throughout, and Chinese names appear in the first rows.
func parseCSV(r io.Reader, opt ParseOptions) ([]Person, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	var in io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
	case validPrefix(head):
	default:
		in = simplifiedchinese.GB18030.NewDecoder().Reader(br)
	}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.LazyQuotes = true
	p := newParser(opt)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, cases.Invalid("file", "CSV 第 %d 行格式不正确：%s", p.row+1, csvReason(err))
		}
		line, _ := cr.FieldPos(0)
		p.line(line, rec)
	}
	return p.done()
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "引号不配对或字段格式有误"
	}
	return "无法解码（请使用 UTF-8 或 GB18030 编码）"
}

// validPrefix reports whether b is valid UTF-8 but for a rune cut at its end.
func validPrefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

type parser struct {
	opt      ParseOptions
	row      int            // the current row's number in the file
	read     int            // data rows read
	index    map[string]int // column key → cell index
	persons  []Person
	errs     RowErrors
	seen     map[string]int // unit + ID hash → row, duplicates within a unit
	unitOK   map[string]bool
	unitWhy  map[string]string // "" for a unit the importer may speak for
	titles   int               // rows skipped above the header
	first    []string          // the first of them, and its number
	firstRow int
}

// maxTitleRows is how many rows naming no column may stand above the
// header before the first is taken as the (bad) header.
const maxTitleRows = 3

// headerNames counts the cells that name a column.
func headerNames(cells []string) int {
	n := 0
	for _, h := range cells {
		h = normHeader(h)
		for _, c := range columns {
			if slices.Contains(c.names, h) {
				n++
			}
		}
	}
	return n
}

// example reports whether a row is the template's example (its name
// starts with the example mark): left in a file, it is not a person.
func (p *parser) example(cells []string) bool {
	name := p.cell(cells, "name")
	return strings.HasPrefix(name, exampleMark) || strings.HasPrefix(name, "(示例")
}

func newParser(opt ParseOptions) *parser {
	return &parser{opt: opt, seen: map[string]int{}, unitOK: map[string]bool{}, unitWhy: map[string]string{}}
}

func normHeader(s string) string {
	s = strings.Join(strings.Fields(width.Narrow.String(s)), "")
	s = strings.TrimPrefix(s, "*")
	if i := strings.IndexAny(s, "(（"); i > 0 {
		s = s[:i]
	}
	return s
}

// line takes one row; n is its number in the file (a sheet's row number,
// a CSV's line), which messages name.
func (p *parser) line(n int, cells []string) {
	p.row = n
	if p.index == nil {
		// A title row or two above the header (the template's, an
		// export's) names no column: skipped. A file whose first rows name
		// none is still read from its first row, so that it is told which
		// columns are missing.
		if !blank(cells) && (p.titles >= maxTitleRows || headerNames(cells) > 0) {
			p.header(cells)
		} else if !blank(cells) {
			if p.titles == 0 {
				p.first, p.firstRow = append([]string(nil), cells...), n
			}
			p.titles++
			if p.titles == maxTitleRows {
				p.row = p.firstRow
				p.header(p.first)
			}
		}
		return
	}
	if blank(cells) || p.example(cells) {
		return
	}
	p.read++
	p.person(cells)
	if p.opt.Progress != nil && p.read%ProgressEvery == 0 {
		p.opt.Progress(p.read)
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (p *parser) header(cells []string) {
	p.index = map[string]int{}
	for i, h := range cells {
		h = normHeader(h)
		for _, c := range columns {
			if slices.Contains(c.names, h) {
				if _, dup := p.index[c.key]; dup {
					p.errs.add(p.row, c.key, "表头中「%s」列出现了两次", c.names[0])
				}
				p.index[c.key] = i
			}
		}
	}
	for _, c := range columns {
		if _, ok := p.index[c.key]; !ok && c.required {
			p.errs.add(p.row, c.key, "表头缺少必填列「%s」", c.names[0])
		}
	}
}

func (p *parser) cell(cells []string, key string) string {
	i, ok := p.index[key]
	if !ok || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

// person validates one row; every bad cell is reported.
func (p *parser) person(cells []string) {
	row := p.row
	bad := func(key, format string, args ...any) { p.errs.add(row, key, format, args...) }
	get := func(key string) string { return p.cell(cells, key) }
	var x Person
	x.Row = row
	x.Unit = get("unit")
	switch {
	case x.Unit == "":
		bad("unit", "单位代码不能为空")
	case !p.knownUnit(x.Unit):
		bad("unit", "单位代码「%s」不在被监督单位名录中", x.Unit)
	default:
		if ok, why := p.allowedUnit(x.Unit); !ok {
			bad("unit", "单位代码「%s」%s", x.Unit, why)
		}
	}
	x.Name = get("name")
	switch {
	case x.Name == "":
		bad("name", "姓名不能为空")
	case utf8.RuneCountInString(x.Name) > 50 || !utf8.ValidString(x.Name):
		bad("name", "姓名过长或含有无法识别的字符")
	}
	id := normID(get("id"))
	idOK := false
	switch {
	case id == "":
		bad("id", "身份证号不能为空")
	case !personal.ValidID([]byte(id)):
		bad("id", "身份证号 %s 不正确：须为 18 位且校验码（GB 11643）正确", MaskID(id))
	default:
		idOK = true
	}
	x.Birth = ""
	if b := get("birth"); b != "" {
		d, ok := parseDate(b)
		switch {
		case !ok:
			bad("birth", "出生日期「%s」无法识别（应为 YYYY-MM-DD）", b)
		case idOK && d != idBirth(id):
			bad("birth", "出生日期 %s 与身份证号中的出生日期不一致", d)
		}
		x.Birth = d
	}
	if idOK {
		x.Birth = idBirth(id)
	}
	x.Sex = get("sex")
	switch {
	case x.Sex == "" && idOK:
		x.Sex = idSex(id)
	case x.Sex != "" && x.Sex != Male && x.Sex != Female:
		bad("sex", "性别应为“男”或“女”")
	case x.Sex != "" && idOK && x.Sex != idSex(id):
		bad("sex", "性别与身份证号不一致")
	}
	t := get("type")
	if x.Type = establishmentType(t); x.Type == "" {
		bad("type", "编制类型「%s」未知（应为 %s 之一）", t, strings.Join(cases.EstablishmentTypes, "、"))
	}
	x.Post = get("post")
	if utf8.RuneCountInString(x.Post) > 100 {
		bad("post", "职务不能超过 100 字")
	}
	switch l := get("leader"); l {
	case "", "否", "N", "n", "0", "FALSE", "false":
	case "是", "Y", "y", "1", "TRUE", "true":
		x.Leader = true
	default:
		bad("leader", "领导职务应填“是”或“否”，不是「%s」", l)
	}
	st := get("status")
	if x.Status = Status(st); !slices.Contains(Statuses, x.Status) {
		bad("status", "人员状态「%s」未知（应为 %s 之一）", st, statusList())
	}
	for _, f := range []struct {
		key string
		to  *string
	}{{"entered", &x.Entered}, {"left", &x.Left}, {"until", &x.Until}} {
		if v := get(f.key); v != "" {
			d, ok := parseDate(v)
			if !ok {
				bad(f.key, "%s「%s」无法识别（应为 YYYY-MM-DD）", columnName(f.key), v)
			}
			*f.to = d
		}
	}
	if x.Entered != "" && x.Left != "" && x.Left < x.Entered {
		bad("left", "出编日期早于入编日期")
	}
	x.Host = get("host")
	if x.Status == StatusSeconded {
		if x.Host == "" {
			bad("host", "借调人员须填写借调单位")
		}
		if get("until") == "" {
			bad("until", "借调人员须填写借调截止日期")
		}
	}
	if !idOK {
		return
	}
	x.IDMasked = MaskID(id)
	if p.opt.Protector != nil {
		x.IDHash = p.opt.Protector.Hash(id)
		sealed, err := p.opt.Protector.Seal(id, x.IDHash)
		if err != nil {
			bad("id", "身份证号加密失败")
		}
		x.IDSealed = sealed
	} else {
		x.IDHash, x.IDClear = id, id
	}
	if first, dup := p.seen[x.Unit+"\x00"+x.IDHash]; dup {
		bad("id", "身份证号 %s 在本单位已于第 %d 行列出", x.IDMasked, first)
	} else {
		p.seen[x.Unit+"\x00"+x.IDHash] = row
	}
	if p.errs.Total == 0 {
		p.persons = append(p.persons, x)
	}
}

func (p *parser) knownUnit(code string) bool {
	if p.opt.Unit == nil {
		return cases.ValidUnitCode(code)
	}
	ok, seen := p.unitOK[code]
	if !seen {
		ok = p.opt.Unit(code)
		p.unitOK[code] = ok
	}
	return ok
}

func (p *parser) allowedUnit(code string) (bool, string) {
	if p.opt.Allowed == nil {
		return true, ""
	}
	if why, seen := p.unitWhy[code]; seen {
		return why == "", why
	}
	ok, why := p.opt.Allowed(code)
	if ok {
		why = ""
	} else if why == "" {
		why = "不可导入"
	}
	p.unitWhy[code] = why
	return ok, why
}

func (p *parser) done() ([]Person, error) {
	if p.index == nil {
		return nil, cases.Invalid("file", "花名册是空的：没有表头行")
	}
	if p.opt.Progress != nil {
		p.opt.Progress(p.read)
	}
	if p.errs.Total > 0 {
		return nil, &p.errs
	}
	if len(p.persons) == 0 {
		return nil, cases.Invalid("file", "花名册只有表头，没有人员")
	}
	return p.persons, nil
}

func statusList() string {
	s := make([]string, len(Statuses))
	for i, x := range Statuses {
		s[i] = string(x)
	}
	return strings.Join(s, "、")
}

// establishmentType accepts a type's full name or its short form (行政,
// 事业, 工勤, 政法专项).
func establishmentType(s string) string {
	s = strings.Join(strings.Fields(s), "")
	for _, t := range cases.EstablishmentTypes {
		if s == t || s+"编制" == t {
			return t
		}
	}
	return ""
}

// normID folds full-width digits and a lower-case x, and drops spaces.
func normID(s string) string {
	s = width.Narrow.String(strings.Join(strings.Fields(s), ""))
	return strings.ToUpper(s)
}

func idBirth(id string) string { return id[6:10] + "-" + id[10:12] + "-" + id[12:14] }

// idSex is the sex the 17th digit gives: odd for men.
func idSex(id string) string {
	if (id[16]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// parseDate reads the date forms exports use: 2024-03-01, 2024/3/1,
// 2024.03.01, 20240301, 2024年3月1日, and an Excel serial day number. A
// month alone (2024-03, 2024年3月) is its first day.
func parseDate(s string) (string, bool) {
	s = strings.TrimSpace(width.Narrow.String(s))
	if n, err := strconv.ParseFloat(s, 64); err == nil && !strings.Contains(s, ".") && len(s) <= 7 && n >= 1 && n < 2958466 {
		// Excel's day 1 is 1900-01-01 and it counts 1900-02-29, which
		// never was: serials from 61 on are one day late.
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n))
		if n < 61 {
			t = t.AddDate(0, 0, 1)
		}
		return t.Format(time.DateOnly), true
	}
	r := strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")
	s = strings.TrimSuffix(r.Replace(s), "-")
	if len(s) == 8 && !strings.Contains(s, "-") {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	for _, layout := range []string{"2006-1-2", "2006-1"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1900 {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

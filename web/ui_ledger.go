package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/personal"
	"rectify/templates"
)

// option is one choice of a select.
type option struct {
	Value, Label string
	Sel          bool
}

type stateCount struct {
	Label, Link string
	N           int
	On          bool
}

type sortLink struct {
	Label, Link string
	On, Desc    bool
}

// ledgerRow is one line of the ledger as the console shows it.
type ledgerRow struct {
	caseView
	SourceName, KindName string
}

type ledgerPage struct {
	F                     cases.CaseFilter
	Rows                  []ledgerRow
	Total, Pages          int
	AllCount              int
	Counts                []stateCount
	StateSel              bool
	States, Lights        []option
	Sources, Kinds        []option
	Regions               []option
	Sort                  struct{ No, State, Unit, Deadline, Updated sortLink }
	Prev, Next            string
	ExportCSV, ExportXLSX string
	ExportPDF             string
	Error                 string
	query                 url.Values
}

// StateLink is the ledger with the current filter and state st.
func (l ledgerPage) StateLink(st string) string { return l.link("state", st, "page", "") }

func (l ledgerPage) link(kv ...string) string {
	q := url.Values{}
	for k, v := range l.query {
		q[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return "/ledger"
	}
	return "/ledger?" + q.Encode()
}

func (s *Server) rowOf(c *gin.Context, k cases.Case) ledgerRow {
	r := ledgerRow{caseView: s.view(c, k)}
	if src, ok := s.cat.Source(k.Source); ok {
		r.SourceName = src.Name
	}
	if kind, ok := s.cat.Kind(k.Kind); ok {
		r.KindName = kind.Name
	}
	return r
}

func (s *Server) handleLedger(c *gin.Context) {
	p := who(c)
	page := ledgerPage{query: c.Request.URL.Query()}
	f, err := s.caseFilter(c, p)
	if err != nil {
		e, _ := cases.AsError(err)
		page.Error = "查询条件有误：" + e.Message
		f = cases.CaseFilter{Scope: p.scope}
		page.query = url.Values{}
	}
	if f.PerPage == 0 {
		f.PerPage = 50
	}
	if f.Page == 0 {
		f.Page = 1
	}
	page.F = f
	lp, err := s.svc.Ledger(c, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, k := range lp.Cases {
		page.Rows = append(page.Rows, s.rowOf(c, k))
	}
	total, counts := lp.Total, lp.Counts
	page.Total = total
	page.Pages = max(1, (total+f.PerPage-1)/f.PerPage)
	if f.Page > 1 {
		page.Prev = page.link("page", strconv.Itoa(f.Page-1))
	}
	if f.Page < page.Pages {
		page.Next = page.link("page", strconv.Itoa(f.Page+1))
	}
	selected := map[string]bool{}
	for _, st := range f.States {
		selected[string(st)] = true
	}
	page.StateSel = len(f.States) > 0
	for _, st := range cases.States {
		page.AllCount += counts[st]
		page.Counts = append(page.Counts, stateCount{Label: st.Label(), N: counts[st], Link: page.StateLink(string(st)), On: len(f.States) == 1 && f.States[0] == st})
		page.States = append(page.States, option{string(st), st.Label(), len(f.States) == 1 && selected[string(st)]})
	}
	for _, l := range []cases.Light{cases.LightRed, cases.LightYellow, cases.LightGreen} {
		page.Lights = append(page.Lights, option{string(l), map[cases.Light]string{"red": "红灯（逾期）", "yellow": "黄灯（临期）", "green": "绿灯"}[l], f.Light == l})
	}
	for _, src := range s.cat.Sources {
		page.Sources = append(page.Sources, option{src.Code, src.Name, f.Source == src.Code})
	}
	for _, k := range s.cat.Kinds {
		page.Kinds = append(page.Kinds, option{k.Code, k.Code + " " + k.Name, f.Kind == k.Code})
	}
	regions, err := s.svc.Regions(c, p.scope)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, r := range regions {
		page.Regions = append(page.Regions, option{r, strings.ReplaceAll(r, "/", " / "), f.Region == r})
	}
	sl := func(label, key string) sortLink {
		on, desc := f.Sort == key || f.Sort == "-"+key || (key == "no" && f.Sort == ""), strings.HasPrefix(f.Sort, "-") || (key == "no" && f.Sort == "")
		next := key
		if on && !desc {
			next = "-" + key
		}
		return sortLink{Label: label, Link: page.link("sort", next, "page", ""), On: on, Desc: desc}
	}
	page.Sort.No, page.Sort.State, page.Sort.Unit = sl("台账编号", "no"), sl("状态", "state"), sl("被监督单位", "unit")
	page.Sort.Deadline, page.Sort.Updated = sl("整改期限", "deadline"), sl("最近办理", "updated")
	page.ExportCSV = strings.Replace(page.link("format", "csv", "page", ""), "/ledger", "/ledger/export", 1)
	page.ExportXLSX = strings.Replace(page.link("format", "xlsx", "page", ""), "/ledger", "/ledger/export", 1)
	page.ExportPDF = strings.Replace(page.link("format", "pdf", "page", ""), "/ledger", "/ledger/export", 1)
	s.render(c, http.StatusOK, "ledger.html", "问题台账", page)
}

// MaxExportRows bounds one export.
const MaxExportRows = 20000

// exportHeader are the columns an office keeps in its paper ledger.
var exportHeader = []string{"序号", "台账编号", "登记日期", "问题来源", "来源文号", "被监督单位", "所在地区", "问题类型",
	"问题标题", "问题事实", "密级", "整改要求", "整改期限", "原定期限", "延期次数", "办理状态", "预警", "承办人", "销号日期"}

func (s *Server) handleLedgerExport(c *gin.Context) {
	p := who(c)
	f, err := s.caseFilter(c, p, "format")
	if err != nil {
		s.fail(c, err)
		return
	}
	format := c.Query("format")
	if format != "csv" && format != "xlsx" && format != "pdf" {
		s.fail(c, cases.Invalid("format", "导出格式须为 csv、xlsx 或 pdf"))
		return
	}
	var rows [][]string
	f.Page, f.PerPage = 1, MaxExportRows
	lp, err := s.svc.Ledger(c, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	if lp.Total > MaxExportRows {
		s.fail(c, cases.Invalid("format", "一次最多导出 %d 条，请缩小查询范围", MaxExportRows))
		return
	}
	for _, k := range lp.Cases {
		r := s.rowOf(c, k)
		closed := ""
		if !r.ClosedAt.IsZero() {
			closed = r.ClosedAt.In(cst).Format(time.DateOnly)
		}
		ext := ""
		if r.Extensions > 0 {
			ext = strconv.Itoa(r.Extensions)
		}
		light := map[cases.Light]string{"red": "红灯", "yellow": "黄灯", "green": "绿灯"}[r.Light]
		level := map[cases.Level]string{"public": "公开", "internal": "内部", "secret": "秘密"}[r.Level]
		facts := r.Facts
		if r.Level == cases.LevelSecret {
			facts = "（秘密事项，不随台账导出，请在案件页查阅）"
		}
		rows = append(rows, []string{strconv.Itoa(len(rows) + 1), r.No, r.CreatedAt.In(cst).Format(time.DateOnly), r.SourceName, r.SourceRef,
			r.UnitName, strings.Join(r.Region, "/"), r.KindName, r.Title, facts, level, r.Requirements, r.Deadline,
			r.OriginalDeadline, ext, r.StateLabel, light, r.Assignee, closed})
	}
	if err := s.access.RecordAccess(c, access.AccessEntry{UserID: p.user.ID, Role: rolesLabel(p.user.Roles), IP: clientIP(c),
		Action: "export-ledger-" + format, Target: fmt.Sprintf("%d 条：%s", len(rows), maskedQuery(c.Request.URL.RawQuery))}); err != nil {
		s.fail(c, err)
		return
	}
	name := "问题整改台账-" + time.Now().In(cst).Format("20060102")
	var buf bytes.Buffer
	switch format {
	case "csv":
		buf.WriteString("\ufeff") // so that Excel opens UTF-8 correctly
		w := csv.NewWriter(&buf)
		_ = w.Write(exportHeader)
		for _, r := range rows {
			_ = w.Write(csvRow(r))
		}
		w.Flush()
		c.Header("Content-Disposition", contentDisposition(name+".csv"))
		c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	case "pdf":
		// The printable ledger: the columns that fit a landscape page.
		var sheet [][]string
		for _, r := range rows {
			sheet = append(sheet, []string{r[1], r[5], r[7], r[8], r[11], r[12], r[15], r[16]})
		}
		desc := "全部问题"
		if c.Request.URL.RawQuery != "" {
			desc = "筛选条件：" + s.describeFilter(f)
		}
		err := templates.RenderSheet(&buf, templates.Sheet{Office: s.cfg.Office, Title: "问题整改台账", Filter: desc, Rows: sheet, Printed: time.Now().In(cst),
			Columns: []templates.Column{{Header: "台账编号", Width: 22}, {Header: "被监督单位", Width: 36}, {Header: "问题类型", Width: 32},
				{Header: "问题", Width: 72}, {Header: "整改要求", Width: 50}, {Header: "整改期限", Width: 22}, {Header: "状态", Width: 18}, {Header: "预警", Width: 15}}},
			s.fonts(), time.Now())
		if err != nil {
			s.fail(c, fmt.Errorf("render ledger: %w", err))
			return
		}
		c.Header("Content-Disposition", "inline"+contentDisposition(name + ".pdf")[len("attachment"):])
		c.Data(http.StatusOK, "application/pdf", buf.Bytes())
	case "xlsx":
		x := excelize.NewFile()
		defer x.Close()
		sheet := "问题整改台账"
		_ = x.SetSheetName("Sheet1", sheet)
		all := append([][]string{exportHeader}, rows...)
		for i, r := range all {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			vals := make([]any, len(r))
			for j, v := range r {
				vals[j] = v
			}
			_ = x.SetSheetRow(sheet, cell, &vals)
		}
		style, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"E7E9EC"}, Pattern: 1}})
		_ = x.SetRowStyle(sheet, 1, 1, style)
		// Every value is a string cell in the text format: never a formula.
		text, _ := x.NewStyle(&excelize.Style{NumFmt: xlsxTextFormat})
		if len(all) > 1 {
			last, _ := excelize.CoordinatesToCellName(len(exportHeader), len(all))
			_ = x.SetCellStyle(sheet, "A2", last, text)
		}
		_ = x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
		for col, w := range map[string]float64{"B": 12, "F": 24, "I": 30, "J": 50, "L": 40} {
			_ = x.SetColWidth(sheet, col, col, w)
		}
		if err := x.Write(&buf); err != nil {
			s.fail(c, fmt.Errorf("write xlsx: %w", err))
			return
		}
		c.Header("Content-Disposition", contentDisposition(name+".xlsx"))
		c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	}
}

// contentDisposition names a download, with a UTF-8 file name (RFC 6266).
func contentDisposition(name string) string {
	return `attachment; filename="ledger` + name[strings.LastIndex(name, "."):] + `"; filename*=UTF-8''` + url.PathEscape(name)
}

// describeFilter says in words what a ledger filter selects: every code
// by its label (预警 红灯, not red), as printed on the ledger and shown in
// the access log.
func (s *Server) describeFilter(f cases.CaseFilter) string {
	var parts []string
	if len(f.States) > 0 {
		var ss []string
		for _, st := range f.States {
			ss = append(ss, st.Label())
		}
		parts = append(parts, "状态 "+strings.Join(ss, "、"))
	}
	source, kind := f.Source, f.Kind
	if src, ok := s.cat.Source(f.Source); ok {
		source = src.Name
	}
	if k, ok := s.cat.Kind(f.Kind); ok {
		kind = k.Code + " " + k.Name
	}
	light := lightLabels[f.Light]
	if light == "" {
		light = string(f.Light)
	}
	for _, kv := range [][2]string{{"地区 ", strings.ReplaceAll(f.Region, "/", " / ")}, {"单位 ", f.UnitCode}, {"来源 ", source}, {"类型 ", kind}, {"关键词 ", f.Text}, {"预警 ", light}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+kv[1])
		}
	}
	if f.Year != 0 {
		parts = append(parts, fmt.Sprintf("年度 %d", f.Year))
	}
	if len(parts) == 0 {
		return "全部"
	}
	return strings.Join(parts, "；")
}

// maskedQuery is a query string as the access log keeps it: decoded (so
// that %31%33… and + are read as what they say) and personal numbers masked.
func maskedQuery(raw string) string {
	q, err := url.QueryUnescape(raw)
	if err != nil {
		q = raw
	}
	return personal.Mask(q)
}

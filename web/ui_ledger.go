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

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/personal"
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
	// Returned keeps a queue's returned=0/1 through the filter form.
	Returned string
	query    url.Values
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
	if f.SentBack != nil {
		page.Returned = map[bool]string{true: "1", false: "0"}[*f.SentBack]
	}
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

// exportRow is case r as row n of the CSV and XLSX exports, in
// exportColumns order: numbers as ints, dates as time.Time (the office's
// day in loc), nil for none.
func exportRow(n int, r ledgerRow, loc *time.Location) []any {
	facts := r.Facts
	if r.Level == cases.LevelSecret {
		facts = "（秘密事项，不随台账导出，请在案件页查阅）"
	}
	return []any{n, r.No, dayOf(r.CreatedAt, loc), r.SourceName, r.SourceRef,
		r.UnitName, strings.Join(r.Region, "/"), r.KindName, r.Title, facts, levelLabels[r.Level], r.Requirements, date(r.Deadline),
		date(r.OriginalDeadline), r.Extensions, r.StateLabel, lightLabels[r.Light], r.Assignee, dayOf(r.ClosedAt, loc)}
}

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
	rows := make([]ledgerRow, len(lp.Cases))
	for i, k := range lp.Cases {
		rows[i] = s.rowOf(c, k)
	}
	if err := s.access.RecordAccess(c, access.AccessEntry{UserID: p.user.ID, Role: rolesLabel(p.user.Roles), IP: clientIP(c),
		Action: "export-ledger-" + format, Target: fmt.Sprintf("%d 条：%s", len(rows), maskedQuery(c.Request.URL.RawQuery))}); err != nil {
		s.fail(c, err)
		return
	}
	now := time.Now().In(s.loc)
	name := "问题整改台账-" + now.Format("20060102")
	desc := "全部问题"
	if d := s.describeFilter(f); d != "" {
		desc = "筛选条件：" + d
	}
	switch format {
	case "csv":
		var buf bytes.Buffer
		buf.WriteString("\ufeff") // so that Excel opens UTF-8 correctly
		w := csv.NewWriter(&buf)
		head := make([]string, len(exportColumns))
		for i, col := range exportColumns {
			head[i] = col.Header
		}
		_ = w.Write(head)
		line := make([]string, len(exportColumns))
		for i, r := range rows {
			for j, v := range exportRow(i+1, r, s.loc) {
				line[j] = csvCell(cellText(v))
			}
			_ = w.Write(line)
		}
		w.Flush()
		c.Header("Content-Disposition", contentDisposition(name+".csv"))
		c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	case "pdf":
		s.printLedger(c, p, rows, desc, now, name)
	case "xlsx":
		c.Header("Content-Disposition", contentDisposition(name+".xlsx"))
		c.Header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Status(http.StatusOK)
		// Written straight to the client: once the first byte is out an
		// error can only be logged (the client sees a broken file).
		err := writeLedgerXLSX(c.Writer, ledgerXLSX{Sheet: "问题整改台账", N: len(rows),
			Title: strings.TrimSpace("问题整改台账　"+s.cfg.Office) + "　" + desc + "　导出时间：" + now.Format("2006-01-02 15:04") + "　共 " + strconv.Itoa(len(rows)) + " 条",
			Row:   func(i int) []any { return exportRow(i+1, rows[i], s.loc) }})
		if err != nil {
			s.log.Error("write xlsx", "path", c.Request.URL.Path, "err", err)
		}
	}
}

// contentDisposition names a download, with a UTF-8 file name (RFC 6266).
func contentDisposition(name string) string {
	return disposition(false, name, name)
}

// asciiName is the plain file name for clients that do not read
// filename*: the name's letters, digits and dashes (云编督〔2026〕12号.pdf
// → 2026-12.pdf), or "download" with its extension when none is left.
func asciiName(name string) string {
	ext := ""
	if i := strings.LastIndex(name, "."); i >= 0 {
		name, ext = name[:i], name[i:]
	}
	var b strings.Builder
	dash := false
	for _, r := range name {
		if r < 0x80 && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	base := strings.Trim(b.String(), "-")
	if base == "" {
		base = "download"
	}
	return base + strings.Map(func(r rune) rune {
		if r < 0x80 && r != '"' && r != '\\' {
			return r
		}
		return -1
	}, ext)
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
	if f.Repeat {
		parts = append(parts, "屡查屡犯")
	}
	if f.SentBack != nil {
		parts = append(parts, map[bool]string{true: "被退回重新整改", false: "未被退回"}[*f.SentBack])
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

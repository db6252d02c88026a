package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/documents"
)

// noticeRow is a case of the unit that a notice may order, with what the
// form holds for it.
type noticeRow struct {
	ledgerRow
	Ticked       bool
	Requirements string
	Error        string
}

type noticePage struct {
	Unit                            cases.Unit
	Rows                            []noticeRow
	WorkingDays, Deadline, CopiesTo string
	// Copies is the number of numbered copies typed (a secret notice's).
	Copies      string
	FieldErrors map[string]string
	Error       string
	// Issued is the notice just issued, linked at the top.
	Issued *documents.Document
}

// orderable lists the unit's cases a notice may order now (核实中 or
// 重新打开), oldest first.
func (s *Server) orderable(c *gin.Context, p *principal, unit string) ([]cases.Case, error) {
	var from []cases.State
	for _, r := range cases.Rules {
		if r.Action == cases.ActionOrderRectification {
			from = r.From
		}
	}
	cs, _, err := s.svc.Cases(c, cases.CaseFilter{Scope: p.scope, UnitCode: unit, States: from, Sort: "no", PerPage: documents.MaxNoticeItems})
	return cs, err
}

func (s *Server) noticePage(c *gin.Context, p *principal, code string) (noticePage, error) {
	u, err := s.svc.Unit(c, p.scope, code)
	if err != nil {
		return noticePage{}, err
	}
	cs, err := s.orderable(c, p, u.Code)
	if err != nil {
		return noticePage{}, err
	}
	page := noticePage{Unit: u, WorkingDays: "15"}
	for _, k := range cs {
		page.Rows = append(page.Rows, noticeRow{ledgerRow: s.rowOf(c, k)})
	}
	return page, nil
}

// handleNoticeNewPage is the form for one notice covering several
// problems of one unit (a unit's findings are ordered together, as the
// API's POST /api/v1/notices allows).
func (s *Server) handleNoticeNewPage(c *gin.Context) {
	p := who(c)
	page, err := s.noticePage(c, p, c.Query("unit"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if id := c.Query("doc"); id != "" {
		if d, err := s.docs.Document(c, p.scope, id); err == nil && d.Kind == documents.KindNotice {
			page.Issued = &d
		}
	}
	for i := range page.Rows {
		page.Rows[i].Ticked = page.Issued == nil
	}
	s.render(c, http.StatusOK, "notice_new.html", "合并下达整改通知书", page)
}

// itemField reads "items[3].requirements" as item 3, field requirements.
var itemField = regexp.MustCompile(`^items\[(\d+)\]\.(\w+)$`)

func (s *Server) handleNoticeNew(c *gin.Context) {
	p := who(c)
	code := c.PostForm("unit")
	req := documents.NoticeRequest{UnitCode: code, Deadline: strings.TrimSpace(c.PostForm("deadline"))}
	var fe cases.FieldErrors
	if v := strings.TrimSpace(c.PostForm("working_days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fe.Add(cases.Invalid("working_days", "工作日数须为整数"))
		}
		req.WorkingDays = n
	}
	if v := strings.TrimSpace(c.PostForm("copies")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fe.Add(cases.Invalid("copies", "份数须为整数"))
		}
		req.Copies = n
	}
	for _, cc := range strings.Split(strings.ReplaceAll(c.PostForm("copies_to"), ",", "，"), "，") {
		req.CopiesTo = append(req.CopiesTo, cc)
	}
	ticked := map[string]bool{}
	for _, no := range c.PostFormArray("case") {
		ticked[no] = true
		req.Items = append(req.Items, documents.NoticeItem{No: no, Requirements: c.PostForm("requirements." + no)})
	}
	err := fe.Err()
	if err == nil && len(req.Items) == 0 {
		err = cases.Invalid("items", "请至少勾选一个问题")
	}
	preview := c.PostForm("preview") != ""
	var out documents.Issued
	var pdf []byte
	if err == nil {
		out, pdf, err = s.docs.Notice(c, p.scope, actingAs(p, cases.ActionOrderRectification), req, preview)
	}
	if err == nil && preview {
		ascii, name := previewNames(documents.KindNotice)
		writePDF(c, ascii, name, pdf, true)
		return
	}
	if err == nil {
		key := "notice-issued"
		switch {
		case len(out.Failed) > 0:
			redirect(c, "/notices/new?unit="+url.QueryEscape(code)+"&doc="+url.QueryEscape(out.Document.ID), "notice-issued-partly", out.Document.Number, strings.Join(out.Failed, "、"))
			return
		case out.Existing:
			key = "notice-existing"
		}
		redirect(c, "/notices/new?unit="+url.QueryEscape(code)+"&doc="+url.QueryEscape(out.Document.ID), key, out.Document.Number)
		return
	}
	e, ok := cases.AsError(err)
	if !ok || e.Code == cases.EINTERNAL || e.Code == cases.ENOTFOUND && e.Field == "" {
		s.fail(c, err)
		return
	}
	page, perr := s.noticePage(c, p, code)
	if perr != nil {
		s.fail(c, perr)
		return
	}
	page.WorkingDays, page.Deadline, page.CopiesTo = c.PostForm("working_days"), c.PostForm("deadline"), c.PostForm("copies_to")
	page.Copies = c.PostForm("copies")
	page.FieldErrors = map[string]string{}
	errs := e.Fields
	if len(errs) == 0 {
		errs = []cases.FieldError{{Field: e.Field, Message: e.Message}}
	}
	rowErr := map[string]string{}
	for _, f := range errs {
		if m := itemField.FindStringSubmatch(f.Field); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(req.Items) {
				rowErr[req.Items[i].No] = f.Message
				continue
			}
		}
		page.FieldErrors[f.Field] = f.Message
	}
	for i := range page.Rows {
		r := &page.Rows[i]
		r.Ticked, r.Requirements, r.Error = ticked[r.No], c.PostForm("requirements."+r.No), rowErr[r.No]
	}
	page.Error = "印发未成功：" + e.Message
	s.render(c, statusOf[e.Code], "notice_new.html", "合并下达整改通知书", page)
}

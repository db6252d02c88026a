package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/documents"
)

// noticeFromForm is the single-case notice the order form describes.
func noticeFromForm(c *gin.Context, k cases.Case) (documents.NoticeRequest, error) {
	req := documents.NoticeRequest{UnitCode: k.UnitCode, Deadline: strings.TrimSpace(c.PostForm("deadline")),
		Items: []documents.NoticeItem{{No: k.No, Requirements: c.PostForm("requirements")}}}
	if v := strings.TrimSpace(c.PostForm("working_days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return req, cases.Invalid("working_days", "工作日数须为整数")
		}
		req.WorkingDays = n
	}
	if v := strings.TrimSpace(c.PostForm("copies")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return req, cases.Invalid("copies", "份数须为整数")
		}
		req.Copies = n
	}
	for _, cc := range strings.Split(c.PostForm("copies_to"), "，") {
		req.CopiesTo = append(req.CopiesTo, strings.Split(cc, ",")...)
	}
	return req, nil
}

// formFields are the text fields of an action form, kept to refill it.
var formFields = []string{"reason", "requirements", "working_days", "deadline", "report", "evidence", "note", "reference", "assignee", "comment", "copies_to", "copies"}

func posted(c *gin.Context) map[string]string {
	m := map[string]string{}
	for _, f := range formFields {
		m[f] = c.PostForm(f)
	}
	return m
}

// issueNotice handles the order form: ordering rectification issues the
// notice, whose PDF the case then carries.
func (s *Server) issueNotice(c *gin.Context, p *principal, k cases.Case) {
	req, err := noticeFromForm(c, k)
	if err == nil {
		var out documents.Issued
		out, _, err = s.docs.Notice(c, p.scope, actingAs(p, cases.ActionOrderRectification), req, false)
		if err == nil {
			switch {
			case len(out.Failed) > 0:
				redirect(c, "/cases/"+k.No, "notice-issued-partly", out.Document.Number, strings.Join(out.Failed, "、"))
			case out.Existing:
				redirect(c, "/cases/"+k.No, "notice-existing", out.Document.Number)
			default:
				redirect(c, "/cases/"+k.No, "notice-issued", out.Document.Number)
			}
			return
		}
	}
	s.actionFailed(c, cases.ActionOrderRectification, err)
}

// actionFailed shows the case again with the error and what was typed.
func (s *Server) actionFailed(c *gin.Context, a cases.Action, err error) {
	e, ok := cases.AsError(err)
	if !ok || e.Code == cases.ENOTFOUND || e.Code == cases.EINTERNAL {
		s.fail(c, err)
		return
	}
	status := statusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	// A field inside a notice item ("items[0].requirements") is the form's field.
	if i := strings.LastIndex(e.Field, "."); i >= 0 {
		c2 := *e
		c2.Field = e.Field[i+1:]
		e = &c2
	}
	s.showCase(c, status, a, posted(c), e)
}

func (s *Server) handleNoticePreviewPage(c *gin.Context) {
	p := who(c)
	k, err := s.svc.Case(c, p.scope, c.Param("no"))
	if err != nil {
		s.fail(c, err)
		return
	}
	req, err := noticeFromForm(c, k)
	var pdf []byte
	if err == nil {
		_, pdf, err = s.docs.Notice(c, p.scope, actingAs(p, cases.ActionOrderRectification), req, true)
	}
	if err != nil {
		s.actionFailed(c, cases.ActionOrderRectification, err)
		return
	}
	ascii, name := previewNames(documents.KindNotice)
	writePDF(c, ascii, name, pdf, true)
}

// submitWithEvidence stores the uploaded files, then records the
// submission referencing them (files first: a submission never points at
// evidence that is not stored).
func (s *Server) submitWithEvidence(c *gin.Context, p *principal, k cases.Case, in cases.Input, comment string, version int) {
	actor := actingAs(p, cases.ActionSubmit)
	if err := cases.Allowed(k, cases.ActionSubmit, actor); err != nil {
		s.actionFailed(c, cases.ActionSubmit, err)
		return
	}
	var files []documents.Upload
	if form, err := c.MultipartForm(); err == nil {
		for _, fh := range form.File["file"] {
			if fh.Size == 0 && fh.Filename == "" {
				continue
			}
			b, err := readPart(fh)
			if err != nil {
				s.actionFailed(c, cases.ActionSubmit, cases.Invalid("file", "无法读取文件"))
				return
			}
			files = append(files, documents.Upload{Name: fh.Filename, Data: b})
		}
	}
	if len(files) > 0 {
		es, err := s.docs.AddEvidence(c, p.scope, actor, k.No, files)
		if err != nil {
			s.actionFailed(c, cases.ActionSubmit, err)
			return
		}
		for _, e := range es {
			in.Evidence = append(in.Evidence, cases.EvidenceRef+e.ID)
		}
	}
	k, _, err := s.svc.Transition(c, p.scope, k.No, actor, cases.ActionSubmit, in, comment, version)
	if err != nil {
		s.actionFailed(c, cases.ActionSubmit, err)
		return
	}
	redirect(c, "/cases/"+k.No, "submitted")
}

func (s *Server) handleClosingFormPage(c *gin.Context) {
	p := who(c)
	out, _, err := s.docs.Closing(c, p.scope, actingAs(p, cases.ActionRecordDocument), c.Param("no"))
	if err != nil {
		s.actionFailed(c, cases.ActionRecordDocument, err)
		return
	}
	key := "closing-form"
	if out.Existing {
		key = "closing-form-existing"
	}
	redirect(c, "/cases/"+c.Param("no"), key, out.Document.Number)
}

type feedbackPage struct {
	Ref, Addressee, CopiesTo string
	Rows                     []feedbackRow
	// Copies is the number of numbered copies typed (a secret letter's).
	Copies string
	// Letters are the feedback letters already issued on these cases,
	// newest first: after issuing, the page links the PDF.
	Letters []documents.Document
	// Pending counts the rows not yet reported as they stand.
	Pending int
	Error   string
	// NoLetter says why the problems of this reference get no feedback
	// letter (a source with no referrer: 专项督查, 数据预警, …); the page
	// then offers none.
	NoLetter string
}

// feedbackRow is a case on the feedback page with the latest letter that
// reported it. A case reported in the state it is in now is left unticked:
// issuing again would only repeat that letter.
type feedbackRow struct {
	ledgerRow
	Letter   *documents.Document
	Reported string // the state label the letter gave; "" if none
	Current  bool   // the letter reported the case as it stands
}

// referrers suggests the addressee of a feedback letter by source.
var referrers = map[string]string{"patrol": "中共云州市委巡察工作领导小组办公室", "audit": "云州市审计局"}

func (s *Server) feedbackRows(c *gin.Context, p *principal, ref string) ([]feedbackRow, []documents.Document, error) {
	if ref == "" {
		return nil, nil, nil
	}
	cs, _, err := s.svc.Cases(c, cases.CaseFilter{Scope: p.scope, SourceRef: ref, PerPage: cases.MaxPerPage, Sort: "no"})
	if err != nil {
		return nil, nil, err
	}
	rows := make([]feedbackRow, 0, len(cs))
	var letters []documents.Document
	seen := map[string]bool{}
	for _, k := range cs {
		r := feedbackRow{ledgerRow: s.rowOf(c, k)}
		ds, err := s.docs.Documents(c, p.scope, k.No)
		if err != nil {
			return nil, nil, err
		}
		for i := range ds {
			d := ds[i]
			if d.Kind != documents.KindFeedback {
				continue
			}
			r.Letter = &d
			if !seen[d.ID] {
				seen[d.ID] = true
				letters = append(letters, d)
			}
		}
		if r.Letter != nil {
			// Letters issued before states were kept reported the case as
			// it stood then, which cannot be told: taken as current.
			st, known := r.Letter.States[k.No]
			r.Current = !known || st == k.State
			if known {
				r.Reported = st.Label()
			}
		}
		rows = append(rows, r)
	}
	sort.Slice(letters, func(i, j int) bool { return letters[i].IssuedAt.After(letters[j].IssuedAt) })
	return rows, letters, nil
}

func (s *Server) handleFeedbackPage(c *gin.Context) {
	p := who(c)
	page := feedbackPage{Ref: strings.TrimSpace(c.Query("ref"))}
	rows, letters, err := s.feedbackRows(c, p, page.Ref)
	if err != nil {
		s.fail(c, err)
		return
	}
	page.Rows, page.Letters = rows, letters
	for _, r := range rows {
		if !r.Current {
			page.Pending++
		}
	}
	if len(rows) > 0 {
		page.Addressee = referrers[rows[0].Source]
		if _, err := documents.FeedbackVerb(rows[0].Source); err != nil {
			e, _ := cases.AsError(err)
			page.NoLetter = e.Message
		}
	}
	s.render(c, http.StatusOK, "feedback.html", "反馈函", page)
}

func (s *Server) handleFeedbackIssue(c *gin.Context) {
	p := who(c)
	req := documents.FeedbackRequest{Addressee: c.PostForm("addressee"), Reference: c.PostForm("ref"), Cases: c.PostFormArray("case")}
	for _, cc := range strings.Split(strings.ReplaceAll(c.PostForm("copies_to"), ",", "，"), "，") {
		req.CopiesTo = append(req.CopiesTo, cc)
	}
	var err error
	if v := strings.TrimSpace(c.PostForm("copies")); v != "" {
		if req.Copies, err = strconv.Atoi(v); err != nil {
			err = cases.Invalid("copies", "份数须为整数")
		}
	}
	preview := c.PostForm("preview") != ""
	var out documents.Issued
	var pdf []byte
	if err == nil {
		out, pdf, err = s.docs.Feedback(c, p.scope, actingAs(p, cases.ActionRecordDocument), req, preview)
	}
	if err == nil && preview {
		ascii, name := previewNames(documents.KindFeedback)
		writePDF(c, ascii, name, pdf, true)
		return
	}
	if err == nil {
		key := "feedback-issued"
		if out.Existing {
			key = "feedback-existing"
		}
		redirect(c, "/feedback/new?ref="+url.QueryEscape(req.Reference), key, out.Document.Number)
		return
	}
	e, ok := cases.AsError(err)
	if !ok || e.Code == cases.EINTERNAL {
		s.fail(c, err)
		return
	}
	rows, letters, _ := s.feedbackRows(c, p, req.Reference)
	ticked := map[string]bool{}
	for _, no := range req.Cases {
		ticked[no] = true
	}
	pending := 0
	for i := range rows {
		if !rows[i].Current {
			pending++
		}
		// What was ticked stays ticked, whatever was reported before.
		rows[i].Current = !ticked[rows[i].No]
	}
	s.render(c, statusOf[e.Code], "feedback.html", "反馈函", feedbackPage{Ref: req.Reference, Addressee: req.Addressee,
		CopiesTo: c.PostForm("copies_to"), Copies: c.PostForm("copies"), Rows: rows, Letters: letters, Pending: pending, Error: e.Message})
}

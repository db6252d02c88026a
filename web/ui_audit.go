package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/clue"
)

// The console of audit referrals (审计移送): the list, the form for a
// referral with several clues, and the referral's page where each clue is
// decided and the feedback letter issued.

// auditListPage is the list of referrals.
type auditListPage struct {
	Rows          []clue.Summary
	Total, Pages  int
	Page          int
	States        []option
	Lights        []option
	Prev, Next    string
	DecideDays    int
	StateSel, Sel string
	// CanRegister: the user may register a referral (the office), so the
	// page offers it; an approver reads the list.
	CanRegister bool
}

// auditPerPage is how many referrals a list page shows.
const auditPerPage = 30

func (s *Server) handleAuditList(c *gin.Context) {
	p := who(c)
	q, err := newQuery(c, "state", "light", "page")
	if err != nil {
		s.fail(c, err)
		return
	}
	f := clue.Filter{Scope: p.scope, State: clue.State(q.str("state")), Light: cases.Light(q.str("light")), PerPage: auditPerPage}
	if f.State != "" && !f.State.Valid() {
		s.fail(c, cases.Invalid("state", "未知的状态「%s」", f.State))
		return
	}
	if f.Light != "" && !f.Light.Valid() {
		s.fail(c, cases.Invalid("light", "未知的预警「%s」", f.Light))
		return
	}
	if f.Page, err = q.int("page", 1, 1_000_000); err != nil {
		s.fail(c, err)
		return
	}
	rows, total, err := s.clues.List(c, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := auditListPage{Rows: rows, Total: total, Page: max(f.Page, 1), Pages: max((total+auditPerPage-1)/auditPerPage, 1), DecideDays: s.clues.DecideDays(), CanRegister: who(c).user.Has(cases.RoleOffice)}
	for _, st := range clue.States {
		page.States = append(page.States, option{string(st), st.Label(), f.State == st})
	}
	for _, l := range []cases.Light{cases.LightRed, cases.LightYellow, cases.LightGreen} {
		page.Lights = append(page.Lights, option{string(l), lightLabels[l], f.Light == l})
	}
	link := func(n int) string {
		v := url.Values{}
		if f.State != "" {
			v.Set("state", string(f.State))
		}
		if f.Light != "" {
			v.Set("light", string(f.Light))
		}
		v.Set("page", strconv.Itoa(n))
		return "/audit-referrals?" + v.Encode()
	}
	if page.Page > 1 {
		page.Prev = link(page.Page - 1)
	}
	if page.Page < page.Pages {
		page.Next = link(page.Page + 1)
	}
	s.render(c, http.StatusOK, "audit_list.html", "审计移送", page)
}

// auditRow is one clue row of the new-referral form.
type auditRow struct {
	N                  int
	Unit, Kind, Title  string
	Facts              string
	Units, Kinds       []option
	UnitErr, KindErr   string
	TitleErr, FactsErr string
}

type auditNewPage struct {
	Office, ReportNo, Received string
	Levels                     []option
	Rows                       []auditRow
	More                       int
	Error                      *cases.Error
}

// auditRows is how many clue rows the form starts with; "more rows" adds
// as many (no JavaScript needed).
const (
	auditRows    = 3
	auditRowsMax = clue.MaxClues
)

func (s *Server) auditNewPage(c *gin.Context, p *principal, n int) (auditNewPage, error) {
	page := auditNewPage{Received: s.svc.Today()}
	units, err := s.unitOptions(c, p.scope, "")
	for i := range units {
		units[i].Label += "（" + units[i].Value + "）"
	}
	if err != nil {
		return page, err
	}
	for i := 0; i < n; i++ {
		page.Rows = append(page.Rows, auditRow{N: i, Units: clone(units), Kinds: s.kindOptions("")})
	}
	page.More = min(n+auditRows, auditRowsMax)
	page.Levels = levelOptions(cases.LevelInternal)
	return page, nil
}

func clone(os []option) []option { return append([]option(nil), os...) }

func (s *Server) kindOptions(sel string) []option {
	var out []option
	for _, k := range s.cat.Kinds {
		out = append(out, option{k.Code, k.Code + " " + k.Name, k.Code == sel})
	}
	return out
}

func levelOptions(sel cases.Level) []option {
	var out []option
	for _, l := range []cases.Level{cases.LevelInternal, cases.LevelPublic, cases.LevelSecret} {
		out = append(out, option{string(l), levelLabels[l], l == sel})
	}
	return out
}

func selected(os []option, v string) []option {
	out := clone(os)
	for i := range out {
		out[i].Sel = out[i].Value == v
	}
	return out
}

func (s *Server) handleAuditNewPage(c *gin.Context) {
	n, err := strconv.Atoi(c.DefaultQuery("rows", strconv.Itoa(auditRows)))
	if err != nil || n < 1 || n > auditRowsMax {
		n = auditRows
	}
	page, err := s.auditNewPage(c, who(c), n)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "audit_new.html", "登记审计移送线索", page)
}

// clueField reads "clues[3].title" as clue 3, field title.
var clueField = regexp.MustCompile(`^clues\[(\d+)\]\.(\w+)$`)

func (s *Server) handleAuditNew(c *gin.Context) {
	p := who(c)
	n, _ := strconv.Atoi(c.PostForm("rows"))
	n = min(max(n, 1), auditRowsMax)
	if c.PostForm("more") != "" {
		n = min(n+auditRows, auditRowsMax)
	}
	sub := clue.Submission{Office: c.PostForm("office"), ReportNo: c.PostForm("report_no"), Received: c.PostForm("received"),
		Level: cases.Level(c.PostForm("level"))}
	// Rows left wholly empty are not clues; rowOf maps a clue back to its row.
	var rowOf []int
	for i := 0; i < n; i++ {
		in := clue.ClueInput{UnitCode: c.PostForm(rowKey(i, "unit_code")), Kind: c.PostForm(rowKey(i, "violation_kind")),
			Title: c.PostForm(rowKey(i, "title")), Facts: c.PostForm(rowKey(i, "facts"))}
		if strings.TrimSpace(in.UnitCode+in.Kind+in.Title+in.Facts) == "" {
			continue
		}
		sub.Clues = append(sub.Clues, in)
		rowOf = append(rowOf, i)
	}
	var err error
	if c.PostForm("more") == "" {
		var r clue.Referral
		var replayed bool
		r, replayed, err = s.clues.Register(c, p.scope, p.user.Actor(cases.RoleOffice), sub)
		if err == nil {
			key := "audit-registered"
			if replayed {
				key = "audit-existing"
			}
			redirect(c, "/audit-referrals/"+r.ID, key, r.ReportNo)
			return
		}
	}
	e, ok := cases.AsError(err)
	if err != nil && (!ok || e.Code == cases.EINTERNAL) {
		s.fail(c, err)
		return
	}
	page, perr := s.auditNewPage(c, p, n)
	if perr != nil {
		s.fail(c, perr)
		return
	}
	page.Office, page.ReportNo, page.Received = sub.Office, sub.ReportNo, sub.Received
	page.Levels = levelOptions(sub.Level)
	for i := range page.Rows {
		r := &page.Rows[i]
		r.Unit, r.Kind, r.Title, r.Facts = c.PostForm(rowKey(i, "unit_code")), c.PostForm(rowKey(i, "violation_kind")), c.PostForm(rowKey(i, "title")), c.PostForm(rowKey(i, "facts"))
		r.Units, r.Kinds = selected(r.Units, r.Unit), selected(r.Kinds, r.Kind)
	}
	status := http.StatusOK
	if err != nil {
		status = statusOf[e.Code]
		page.Error = e
		for _, f := range e.Fields {
			m := clueField.FindStringSubmatch(f.Field)
			if m == nil {
				continue
			}
			k, _ := strconv.Atoi(m[1])
			if k >= len(rowOf) {
				continue
			}
			r := &page.Rows[rowOf[k]]
			switch m[2] {
			case "unit_code":
				r.UnitErr = f.Message
			case "violation_kind":
				r.KindErr = f.Message
			case "title":
				r.TitleErr = f.Message
			case "facts":
				r.FactsErr = f.Message
			}
		}
	}
	s.render(c, status, "audit_new.html", "登记审计移送线索", page)
}

func rowKey(i int, field string) string { return "clue." + strconv.Itoa(i) + "." + field }

// auditPage is a referral's page.
type auditPage struct {
	clue.View
	Clues []auditClue
	// CanDecide and CanIssue show the office's forms.
	CanDecide, CanIssue bool
	Error               string
}

// auditClue is a clue on its referral's page, with its decision form.
type auditClue struct {
	clue.ClueView
	Kinds    []option
	KindName string
	Error    *cases.Error
	// Form holds what was typed when a decision failed.
	Form clue.DecisionInput
}

func (s *Server) auditPage(c *gin.Context, p *principal, id string) (auditPage, error) {
	v, err := s.clues.Referral(c, p.scope, id)
	if err != nil {
		return auditPage{}, err
	}
	page := auditPage{View: v, CanDecide: p.user.HasAny(officeOnly), CanIssue: p.user.HasAny(officeOnly)}
	for _, cv := range v.Clues {
		k, _ := s.cat.Kind(cv.Kind)
		page.Clues = append(page.Clues, auditClue{ClueView: cv, Kinds: s.kindOptions(cv.Kind), KindName: k.Code + " " + k.Name})
	}
	return page, nil
}

// recordReferralRead writes an access-log entry when p reads a secret
// referral, as reading a secret case does.
func (s *Server) recordReferralRead(c *gin.Context, p *principal, v clue.View) error {
	if v.Level != cases.LevelSecret {
		return nil
	}
	e := accessEntry(c, p, "read-audit-referral", v.ReportNo)
	e.Level = string(v.Level)
	return s.access.RecordAccess(c, e)
}

func (s *Server) handleAuditPage(c *gin.Context) {
	p := who(c)
	page, err := s.auditPage(c, p, c.Param("id"))
	if err == nil {
		err = s.recordReferralRead(c, p, page.View)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "audit.html", "审计移送 "+page.ReportNo, page)
}

func (s *Server) handleAuditDecision(c *gin.Context) {
	p := who(c)
	id := c.Param("id")
	in := clue.DecisionInput{Outcome: clue.Outcome(c.PostForm("outcome")), Kind: c.PostForm("violation_kind"),
		Title: c.PostForm("title"), Facts: c.PostForm("facts"), Reason: c.PostForm("reason"), MergeInto: c.PostForm("merge_into"),
		ConfirmPersonalData: c.PostForm("confirm_personal_data") == "on"}
	d, replayed, err := s.clues.Decide(c, p.scope, p.user.Actor(cases.RoleOffice), id, in)
	ref, seq, _ := clue.SplitClueID(id)
	if err == nil {
		n := strconv.Itoa(seq)
		switch {
		case replayed:
			redirect(c, "/audit-referrals/"+ref, "clue-existing", n, d.Outcome.Label())
		case d.Merged:
			redirect(c, "/audit-referrals/"+ref, "clue-merged", n, d.CaseNo)
		case d.Outcome == clue.Confirmed:
			redirect(c, "/audit-referrals/"+ref, "clue-confirmed", n, d.CaseNo)
		default:
			redirect(c, "/audit-referrals/"+ref, "clue-rejected", n)
		}
		return
	}
	e, ok := cases.AsError(err)
	if !ok || e.Code == cases.EINTERNAL || e.Code == cases.ENOTFOUND {
		s.fail(c, err)
		return
	}
	page, perr := s.auditPage(c, p, ref)
	if perr != nil {
		s.fail(c, perr)
		return
	}
	for i := range page.Clues {
		if page.Clues[i].ID == id {
			page.Clues[i].Error, page.Clues[i].Form = e, in
			if in.Kind != "" {
				page.Clues[i].Kinds = s.kindOptions(in.Kind)
			}
		}
	}
	page.Error = "未能保存对该线索的决定：" + e.Message
	s.render(c, statusOf[e.Code], "audit.html", "审计移送 "+page.ReportNo, page)
}

func (s *Server) handleAuditLetter(c *gin.Context) {
	p := who(c)
	id := c.Param("id")
	preview := c.PostForm("preview") != ""
	out, pdf, err := s.clues.Feedback(c, p.scope, p.user.Actor(cases.RoleOffice), id, preview)
	if err != nil {
		s.fail(c, err)
		return
	}
	if preview {
		writePDF(c, "feedback-preview.pdf", "审计移送反馈函预览.pdf", pdf, true)
		return
	}
	key := "feedback-issued"
	if out.Existing {
		key = "feedback-existing"
	}
	redirect(c, "/audit-referrals/"+id, key, out.Document.Number)
}

// auditOrigin is what a case page links for a case registered from an
// audit clue: the referral and the clue's number on it.
type auditOrigin struct {
	Referral string
	Seq      int
}

func init() {
	accessActions["read-audit-referral"] = "查阅审计移送"
	funcs["auditOrigin"] = func(origin string) *auditOrigin {
		id, ok := strings.CutPrefix(origin, "clue:")
		if !ok {
			return nil
		}
		ref, seq, ok := clue.SplitClueID(id)
		if !ok {
			return nil
		}
		return &auditOrigin{ref, seq}
	}
}

// clueQueue is the office's 待认定线索 queue: clues in scope waiting for a
// decision, counted from the audit referral index (no scan per page).
func (s *Server) clueQueue(p *principal) []queue {
	if s.clues == nil || !p.user.HasAny(officeOnly) {
		return nil
	}
	return []queue{{Key: "to-decide", Label: "待认定线索", Hint: "审计移送的问题线索：逐条认定或不予认定",
		Path: "/audit-referrals", Query: q("state", string(clue.StatePending)), N: s.clues.Pending(p.scope)}}
}

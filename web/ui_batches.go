package web

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/referral"
	"rectify/cases/referral/sheet"
)

// The patrol referral batches (巡察移交): the list, the registration form
// with its XLSX template and upload, the batch page and its feedback
// letters. A patrol user sees their own team's batches (referral.Visible).

// batchRegistrars register batches: the office registers what the patrol
// office refers.
var batchRegistrars = []cases.Role{cases.RoleOffice}

// batchReferrers file batches: the office, and a patrol team's members
// referring their own team's problems (referral.TeamMayRefer).
var batchReferrers = []cases.Role{cases.RoleOffice, cases.RolePatrol}

// registerBatch registers b as the office, or, for a patrol user, as their
// team's own referral.
func (s *Server) registerBatch(c *gin.Context, p *principal, b referral.Batch) (referral.Batch, bool, error) {
	if p.user.Has(cases.RoleOffice) {
		return s.ref.Register(c, p.scope, p.user.Actor(cases.RoleOffice), b)
	}
	return s.ref.RegisterByTeam(c, p.scope, p.user.Actor(cases.RolePatrol), p.teams, b)
}

// batchReaders see batches: the office, approvers and patrol teams.
var batchReaders = []cases.Role{cases.RoleOffice, cases.RoleApprover, cases.RolePatrol}

func viewerOf(p *principal) referral.Viewer {
	return referral.Viewer{Roles: p.user.Roles, Scope: p.scope, Teams: p.teams}
}

// itemScope is the scope the items of a visible batch are read in: a
// patrol team sees the state of what it referred even in units outside
// its current round, within its region.
func itemScope(p *principal) cases.Scope {
	if p.user.HasAny([]cases.Role{cases.RoleOffice, cases.RoleApprover}) {
		return p.scope
	}
	return cases.Scope{Region: p.scope.Region}
}

// batchRow is one item on the batch page and in the API.
type batchRow struct {
	N          int         `json:"n"`
	CaseNo     string      `json:"case_no"`
	Linked     bool        `json:"-"` // the viewer may open the case
	UnitCode   string      `json:"unit_code"`
	UnitName   string      `json:"unit_name"`
	Title      string      `json:"title"`
	State      cases.State `json:"state,omitempty"`
	StateLabel string      `json:"state_label"`
	Light      cases.Light `json:"light,omitempty"`
	Settled    bool        `json:"settled"`
	Outcome    string      `json:"outcome,omitempty"`
}

// batchView is a batch with its items' states.
type batchView struct {
	referral.Batch
	Rows []batchRow `json:"items_state"`
	// Total counts every item; Hidden those outside the viewer's scope,
	// which are counted but neither listed nor named.
	Total      int  `json:"total"`
	Hidden     int  `json:"hidden,omitempty"`
	SettledN   int  `json:"settled"`
	AllSettled bool `json:"all_settled"`
	// Answered says the final letter was issued for the batch as it stands.
	Answered bool `json:"answered"`
	// InterimCurrent says the last letter is an interim one listing exactly
	// the items settled now: another would be the same letter.
	InterimCurrent bool `json:"-"`
}

func (s *Server) batchView(c *gin.Context, p *principal, b referral.Batch) batchView {
	// The facts are read on each case, where a secret case's reading is
	// logged: the batch's views never carry them.
	all := b.Items
	b.Items = nil
	v := batchView{Batch: b, Total: len(all)}
	light := s.lighter(c)
	scope := itemScope(p)
	var settled []string
	for i, it := range all {
		// A batch may span regions: an item outside the viewer's scope
		// counts toward the batch's progress (its state is read from its
		// case) but its unit and title are not shown.
		shown := scope.AllowsUnit(cases.Unit{Code: it.UnitCode, Region: it.Region})
		r := batchRow{N: i + 1, CaseNo: it.CaseNo, UnitCode: it.UnitCode, UnitName: it.UnitName, Title: it.Title, StateLabel: "登记中"}
		if r.UnitName == "" {
			r.UnitName = it.UnitCode
		}
		if it.CaseNo != "" {
			if k, err := s.svc.Case(c, cases.GlobalScope, it.CaseNo); err == nil {
				r.State, r.StateLabel, r.Light, r.Settled = k.State, k.State.Label(), light(k), referral.Settled(k.State)
				r.Linked = p.scope.AllowsCase(k)
				if r.Settled {
					r.Outcome = referral.Outcome(k, s.loc)
				}
			}
		}
		if r.Settled {
			v.SettledN++
			settled = append(settled, it.CaseNo)
		}
		if !shown {
			v.Hidden++
			continue
		}
		it.Facts = ""
		v.Batch.Items = append(v.Batch.Items, it)
		v.Rows = append(v.Rows, r)
	}
	v.AllSettled = v.SettledN == len(all) && len(all) > 0
	if n := len(b.Letters); n > 0 && b.Letters[n-1].Final && v.AllSettled {
		v.Answered = true
	}
	if n := len(b.Letters); n > 0 && !b.Letters[n-1].Final && !v.AllSettled {
		listed := slices.Clone(b.Letters[n-1].Cases)
		slices.Sort(listed)
		slices.Sort(settled)
		v.InterimCurrent = slices.Equal(listed, settled)
	}
	return v
}

// batchStatuses filter the batch list by where its answer stands.
var batchStatuses = []option{{"open", "办理中", false}, {"awaiting", "待反馈（全部办结）", false}, {"answered", "已反馈", false}}

// status is where a batch's answer stands: answered (final letter issued),
// awaiting (all settled, no final letter) or open.
func (v batchView) status() string {
	switch {
	case v.Answered:
		return "answered"
	case v.AllSettled:
		return "awaiting"
	}
	return "open"
}

// awaitingBatches counts the batches p sees that are all settled and not
// yet answered by a final letter: the office's 待反馈 queue. A failure
// counts nothing rather than failing every page's header.
func (s *Server) awaitingBatches(c *gin.Context, p *principal) int {
	bs, _ := s.ref.Batches(referral.Filter{Viewer: viewerOf(p), Page: 1, PerPage: 1 << 30})
	n := 0
	for _, b := range bs {
		if s.batchView(c, p, b).status() == "awaiting" {
			n++
		}
	}
	return n
}

type batchesPage struct {
	Q, Status  string
	Statuses   []option
	Rows       []batchView
	Total      int
	Page       int
	Pages      int
	Prev, Next string
	CanAdd     bool
}

func (s *Server) handleBatchesPage(c *gin.Context) {
	p := who(c)
	page, _ := strconv.Atoi(c.Query("page"))
	page, per := pageOf(page, 20)
	out := batchesPage{Q: c.Query("q"), Status: c.Query("status"), CanAdd: p.user.HasAny(batchReferrers)}
	for _, o := range batchStatuses {
		o.Sel = o.Value == out.Status
		out.Statuses = append(out.Statuses, o)
	}
	f := referral.Filter{Viewer: viewerOf(p), Q: out.Q, Page: page, PerPage: per}
	if out.Status != "" {
		// The status comes from the items' cases: filter the whole list
		// (batches are few), then page.
		f.Page, f.PerPage = 1, 1<<30
	}
	bs, total := s.ref.Batches(f)
	for _, b := range bs {
		if v := s.batchView(c, p, b); out.Status == "" || v.status() == out.Status {
			out.Rows = append(out.Rows, v)
		}
	}
	if out.Status != "" {
		total = len(out.Rows)
		from := min((page-1)*per, total)
		out.Rows = out.Rows[from:min(from+per, total)]
	}
	out.Total, out.Page, out.Pages = total, page, max(1, (total+per-1)/per)
	link := func(n int) string {
		return "/batches?" + url.Values{"q": {out.Q}, "status": {out.Status}, "page": {strconv.Itoa(n)}}.Encode()
	}
	if page > 1 {
		out.Prev = link(page - 1)
	}
	if page < out.Pages {
		out.Next = link(page + 1)
	}
	s.render(c, http.StatusOK, "batches.html", "巡察移交", out)
}

type batchNewPage struct {
	B      referral.Batch
	Levels []option
	Error  *cases.Error
}

func (s *Server) renderBatchNew(c *gin.Context, status int, b referral.Batch, e *cases.Error) {
	page := batchNewPage{B: b, Error: e}
	for _, l := range []cases.Level{cases.LevelInternal, cases.LevelPublic, cases.LevelSecret} {
		page.Levels = append(page.Levels, option{string(l), levelLabels[l], b.Level == l})
	}
	s.render(c, status, "batch_new.html", "登记巡察移交问题", page)
}

func (s *Server) handleBatchNewPage(c *gin.Context) {
	// A round's team page links here with its round and team filled in; a
	// patrol user on one team gets theirs without asking.
	b := referral.Batch{Level: cases.LevelInternal, Received: s.svc.Today(), Round: c.Query("round"), Team: c.Query("team")}
	if p := who(c); b.Round == "" && b.Team == "" && !p.user.Has(cases.RoleOffice) && len(p.teams) == 1 {
		b.Round, b.Team = p.teams[0].Round, p.teams[0].Team
	}
	s.renderBatchNew(c, http.StatusOK, b, nil)
}

// handleBatchNew registers a batch from the form's letter fields and the
// uploaded problem list. Every bad field and cell is reported at once, and
// nothing is written unless all are good.
func (s *Server) handleBatchNew(c *gin.Context) {
	p := who(c)
	b := referral.Batch{Office: c.PostForm("office"), LetterNo: c.PostForm("letter_no"), Round: c.PostForm("round"),
		Team: c.PostForm("team"), Received: c.PostForm("received"), Level: cases.Level(c.PostForm("level"))}
	var rows []int
	var fe cases.FieldErrors
	fh, err := c.FormFile("sheet")
	if err != nil {
		fe.Add(cases.Invalid("sheet", "请选择按模板填好的问题清单（.xlsx 文件）"))
	} else if f, err := fh.Open(); err != nil {
		fe.Add(cases.Invalid("sheet", "无法读取上传的文件"))
	} else {
		b.Items, rows, err = sheet.Read(f)
		_ = f.Close()
		if !fe.Add(err) {
			s.fail(c, err)
			return
		}
	}
	if len(fe) > 0 {
		// The letter's own fields are checked too, so that the form shows
		// everything wrong at once.
		if e, ok := cases.AsError(referral.Validate(referral.Normalize(b))); ok {
			for _, f := range e.Fields {
				if f.Field != "items" {
					fe = append(fe, f)
				}
			}
		}
		e, _ := cases.AsError(fe.Err())
		s.renderBatchNew(c, http.StatusBadRequest, b, e)
		return
	}
	got, replayed, err := s.registerBatch(c, p, b)
	if err != nil {
		e, ok := cases.AsError(sheet.Locate(err, rows))
		if !ok || e.Code == cases.EINTERNAL {
			s.fail(c, err)
			return
		}
		s.renderBatchNew(c, statusOf[e.Code], b, e)
		return
	}
	if replayed {
		redirect(c, "/batches/"+got.ID, "batch-replayed", got.LetterNo)
		return
	}
	redirect(c, "/batches/"+got.ID, "batch-registered", got.LetterNo, strconv.Itoa(len(got.Items)))
}

// handleBatchTemplate serves the XLSX template with the viewer's units and
// the catalog's violation kinds in its drop-downs.
func (s *Server) handleBatchTemplate(c *gin.Context) {
	p := who(c)
	var units, kinds []sheet.Code
	f := cases.UnitFilter{Scope: p.scope, PerPage: cases.MaxPerPage}
	for f.Page = 1; ; f.Page++ {
		us, total, err := s.svc.Units(c, f)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, u := range us {
			units = append(units, sheet.Code{Code: u.Code, Name: u.Name})
		}
		if len(us) == 0 || f.Page*f.PerPage >= total {
			break
		}
	}
	for _, k := range s.cat.Kinds {
		kinds = append(kinds, sheet.Code{Code: k.Code, Name: k.Name})
	}
	var buf bytes.Buffer
	if err := sheet.Template(&buf, units, kinds); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", disposition(false, "referral-template.xlsx", "巡察移交问题清单模板.xlsx"))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

type batchPage struct {
	V        batchView
	CanIssue bool
	// DocLinks are the letters the viewer may open (documentScope): the
	// office and approvers whose scope covers the letter, and the batch's
	// patrol team.
	DocLinks   map[string]bool
	LevelLabel string
}

func (s *Server) handleBatchPage(c *gin.Context) {
	p := who(c)
	b, err := s.ref.Batch(c, viewerOf(p), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.recordBatchRead(c, p, b); err != nil {
		s.fail(c, err)
		return
	}
	office := p.user.HasAny(batchRegistrars)
	page := batchPage{V: s.batchView(c, p, b), CanIssue: office, DocLinks: map[string]bool{}, LevelLabel: levelLabels[b.Level]}
	if scope, err := batchLetterScope(p, b, cases.NotFound("")); err == nil {
		for _, l := range b.Letters {
			_, err := s.docs.Document(c, scope, l.DocumentID)
			page.DocLinks[l.DocumentID] = err == nil
		}
	}
	s.render(c, http.StatusOK, "batch.html", "移交函 "+b.LetterNo, page)
}

// handleBatchFeedback issues the batch's letter: final when every item is
// settled, interim otherwise; asked again unchanged, the letter issued.
func (s *Server) handleBatchFeedback(c *gin.Context) {
	p := who(c)
	l, out, err := s.ref.Feedback(c, p.scope, p.user.Actor(cases.RoleOffice), viewerOf(p), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	key := "batch-letter"
	switch {
	case out.Existing:
		key = "feedback-existing"
	case !l.Final:
		key = "batch-interim-letter"
	}
	redirect(c, "/batches/"+c.Param("id"), key, l.Number)
}

// recordBatchRead writes an access-log entry when p reads a secret batch,
// as reading a secret case does; the reading is refused if it cannot be
// logged.
func (s *Server) recordBatchRead(c *gin.Context, p *principal, b referral.Batch) error {
	if b.Level != cases.LevelSecret {
		return nil
	}
	e := accessEntry(c, p, "read-batch", b.LetterNo)
	e.Level = string(b.Level)
	return s.access.RecordAccess(c, e)
}

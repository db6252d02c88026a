package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"rectify/assessment"
	"rectify/cases"
)

// Who may use the assessment's pages (see routeRoles).
var (
	assessReaders   = []cases.Role{cases.RoleAdmin, cases.RoleOffice, cases.RoleApprover, cases.RoleReviewer}
	assessOrganiser = []cases.Role{cases.RoleAdmin, cases.RoleOffice}
	assessScorers   = []cases.Role{cases.RoleOffice, cases.RoleReviewer}
	assessApprover  = []cases.Role{cases.RoleApprover}
	assessResults   = []cases.Role{cases.RoleAdmin, cases.RoleOffice, cases.RoleApprover, cases.RoleReviewer}
	selfReaders     = []cases.Role{cases.RoleAdmin, cases.RoleOffice, cases.RoleApprover, cases.RoleReviewer, cases.RoleUnit}
)

// assessActor is the user acting in one of roles.
func assessActor(p *principal, roles []cases.Role) cases.Actor {
	return p.user.Actor(p.user.ActingRole(roles))
}

func (s *Server) assessAvailable(c *gin.Context) bool {
	if s.assess == nil {
		s.fail(c, &cases.Error{Code: cases.EUNAVAILABLE, Message: "评估功能未启用"})
		return false
	}
	return true
}

// roundPath is the console path of a round.
func roundPath(id string) string { return "/assessment/rounds/" + url.PathEscape(id) }

// sheetPath is the console path of a unit's sheet in a round.
func sheetPath(round, unit string) string { return roundPath(round) + "/units/" + url.PathEscape(unit) }

type assessHomePage struct {
	Rounds    []assessment.RoundState
	Organiser bool
	Year      int
	// Mine are the units the reviewer is assigned, per round.
	Mine []assignedUnit
}

type assignedUnit struct {
	Round, RoundTitle string
	Unit              assessment.RoundUnit
	Finalised         bool
}

func (s *Server) handleAssessmentHome(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p := who(c)
	rs, err := s.assess.Rounds(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	rs = visibleRounds(rs, p)
	page := assessHomePage{Rounds: rs, Organiser: p.user.HasAny(assessOrganiser), Year: time.Now().In(s.loc).Year()}
	for _, r := range rs {
		for _, u := range r.Units {
			if slices.ContainsFunc(u.Reviewers, func(x assessment.Reviewer) bool { return x.ID == p.user.ID }) {
				page.Mine = append(page.Mine, assignedUnit{Round: r.Round.ID, RoundTitle: r.Round.Title, Unit: u, Finalised: r.Finalised})
			}
		}
	}
	s.render(c, http.StatusOK, "assessment.html", "三评合一评估", page)
}

func (s *Server) handleAssessmentRoundCreate(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p := who(c)
	year, err := strconv.Atoi(strings.TrimSpace(c.PostForm("year")))
	if err != nil {
		s.fail(c, cases.Invalid("year", "请填写年度（四位数字）"))
		return
	}
	r, err := s.assess.CreateRound(c, assessActor(p, assessOrganiser), p.scope.Region, year, "")
	if err != nil {
		s.fail(c, err)
		return
	}
	redirect(c, roundPath(r.ID), "round-created", r.Title)
}

type reviewerOption struct {
	ID, Name string
}

type unitProgress struct {
	assessment.RoundUnit
	KindLabel string
	Points    int
	Scored    []string // "何平 47/47"
	Standing  assessment.Standing
}

type roundPage struct {
	State      assessment.RoundState
	Units      []unitProgress
	Organiser  bool
	Approver   bool
	Office     bool
	Reviewers  []reviewerOption
	Individual []assessment.Point
	Findings   []assessment.Finding
	Pending    int // findings not yet cases
	Error      string
	// Letter is each unit's latest result letter, when issued.
	Letter map[string]*assessment.Letter
}

func (s *Server) roundPage(c *gin.Context, p *principal, id string) (roundPage, error) {
	st, err := s.assess.Round(c, id)
	if err != nil {
		return roundPage{}, err
	}
	page := roundPage{State: st, Organiser: p.user.HasAny(assessOrganiser), Approver: p.user.Has(cases.RoleApprover),
		Office: p.user.Has(cases.RoleOffice), Individual: st.Catalog.Individual}
	for _, u := range st.Units {
		sh, err := s.assess.Sheet(c, id, u.Unit)
		if err != nil {
			return roundPage{}, err
		}
		up := unitProgress{RoundUnit: u, KindLabel: cases.UnitKind(u.Kind).Label(), Points: len(sh.Rows), Standing: sh.Standing(s.assess.Rules())}
		for _, r := range u.Reviewers {
			up.Scored = append(up.Scored, fmt.Sprintf("%s %d/%d", r.Name, sh.Scored[r.ID], len(sh.Rows)))
		}
		page.Units = append(page.Units, up)
	}
	if page.Organiser {
		us, err := s.access.Users(c)
		if err != nil {
			return roundPage{}, err
		}
		for _, u := range us {
			if u.Has(cases.RoleReviewer) && !u.Disabled {
				page.Reviewers = append(page.Reviewers, reviewerOption{u.ID, u.Name})
			}
		}
	}
	if page.Findings, err = s.assess.Findings(c, id); err != nil {
		return roundPage{}, err
	}
	letters, err := s.assess.Letters(c, id)
	if err != nil {
		return roundPage{}, err
	}
	page.Letter = map[string]*assessment.Letter{}
	for u, ls := range letters {
		page.Letter[u] = &ls[len(ls)-1]
	}
	for _, f := range page.Findings {
		if f.CaseNo == "" {
			page.Pending++
		}
	}
	return page, nil
}

func (s *Server) handleAssessmentRound(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	page, err := s.roundPage(c, who(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "assessment_round.html", page.State.Round.Title, page)
}

// handleAssessmentUnitSet adds a unit to a round or changes its reviewers
// and individual indicators.
func (s *Server) handleAssessmentUnitSet(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, id := who(c), c.Param("id")
	err := func() error {
		u, err := s.svc.Unit(c, p.scope, strings.TrimSpace(c.PostForm("unit")))
		if err != nil {
			if cases.ErrorCode(err) == cases.ENOTFOUND {
				return cases.Invalid("unit", "没有代码为「%s」的单位", c.PostForm("unit"))
			}
			return err
		}
		var accs []assessment.Account
		for _, rid := range c.PostFormArray("reviewer") {
			a, err := s.access.User(c, rid)
			if err != nil {
				return cases.Invalid("reviewers", "没有用户 %s", rid)
			}
			accs = append(accs, assessment.Account{ID: a.ID, Name: a.Name, Roles: a.Roles, UnitCode: a.UnitCode, Disabled: a.Disabled})
		}
		_, err = s.assess.SetUnit(c, assessActor(p, assessOrganiser), id, u, accs, c.PostFormArray("individual"))
		return err
	}()
	if err != nil {
		s.roundError(c, p, id, err)
		return
	}
	redirect(c, roundPath(id), "round-unit-set", c.PostForm("unit"))
}

// roundError shows the round page again with the error of a form, or the
// error page when the round itself cannot be shown.
func (s *Server) roundError(c *gin.Context, p *principal, id string, err error) {
	e, ok := cases.AsError(err)
	if !ok || e.Code == cases.EINTERNAL || e.Code == cases.ENOTFOUND {
		s.fail(c, err)
		return
	}
	page, perr := s.roundPage(c, p, id)
	if perr != nil {
		s.fail(c, err)
		return
	}
	page.Error = e.Message
	s.render(c, statusOf[e.Code], "assessment_round.html", page.State.Round.Title, page)
}

func (s *Server) handleAssessmentFinalise(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, id := who(c), c.Param("id")
	if _, err := s.assess.Finalise(c, assessActor(p, assessApprover), id); err != nil {
		s.roundError(c, p, id, err)
		return
	}
	redirect(c, roundPath(id), "round-finalised")
}

func (s *Server) handleAssessmentReopen(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, id := who(c), c.Param("id")
	if _, err := s.assess.Reopen(c, assessActor(p, assessApprover), id, c.PostForm("reason")); err != nil {
		s.roundError(c, p, id, err)
		return
	}
	redirect(c, roundPath(id), "round-reopened")
}

// handleAssessmentConvertAll turns every finding of the round not yet a
// case into a ledger case.
func (s *Server) handleAssessmentConvertAll(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, id := who(c), c.Param("id")
	cs, err := s.assess.ConvertAll(c, p.scope, assessActor(p, officeOnly), id)
	if err != nil {
		s.roundError(c, p, id, err)
		return
	}
	var nos []string
	for _, k := range cs {
		nos = append(nos, k.No)
	}
	if len(nos) == 0 {
		nos = []string{"（无）"}
	}
	redirect(c, roundPath(id), "findings-converted", strings.Join(nos, "、"))
}

// gridRow is one point of the scoring grid with the viewer's own score
// and everything the others see.
type gridRow struct {
	assessment.Row
	Mine       *assessment.Score
	Typed      bool // Mine holds what was typed, not saved
	Category   string
	Reviewers  []reviewerScore
	LevelOpts  []assessment.Level
	MethodName string
	KindNames  string
	CanConvert bool
	Blind      bool // the viewer is a reviewer who has not scored the point yet
	// Self is the unit's self-assessment of the point, if any.
	Self *assessment.SelfAssessment
	// Survey is the imported satisfaction survey result of the point.
	Survey *assessment.SurveyResult
}

type reviewerScore struct {
	Name  string
	Score *assessment.Score
	// Hidden: another reviewer's score, not shown to a reviewer who has
	// not yet scored the point, so that each scores independently.
	Hidden bool
}

type sheetPage struct {
	Sheet      assessment.Sheet
	Rows       []gridRow
	Reviewer   bool // the viewer scores this unit
	Office     bool
	Mine       int // points the viewer has scored
	Diverging  int
	Standing   assessment.Standing
	Kinds      []kindOption
	Error      string
	RowErrors  map[string]string
	Categories map[string]string
	// Letters are the result letters issued to the unit, oldest first;
	// Issuer may issue one (office or approver, round finalised).
	Letters []assessment.Letter
	Issuer  bool
	// SelfDone counts the points the unit assessed itself.
	SelfDone int
	// Divergence is the share of a point's maximum beyond which the
	// reviewers' spread needs a consensus, as a reader writes it ("30%").
	Divergence string
}

type kindOption struct{ Code, Name string }

var methodNames = map[string]string{
	assessment.MethodLevels: "分档评分", assessment.MethodDeduction: "扣分制", assessment.MethodYesNo: "是否达标", assessment.MethodSurvey: "满意度测评",
}

func (s *Server) sheetPage(c *gin.Context, p *principal, round, unit string) (sheetPage, error) {
	sh, err := s.assess.Sheet(c, round, unit)
	if err != nil {
		return sheetPage{}, err
	}
	assigned := slices.ContainsFunc(sh.Unit.Reviewers, func(r assessment.Reviewer) bool { return r.ID == p.user.ID })
	if p.user.Has(cases.RoleReviewer) && !p.user.HasAny([]cases.Role{cases.RoleOffice, cases.RoleApprover, cases.RoleAdmin}) && !assigned {
		return sheetPage{}, &cases.Error{Code: cases.EFORBIDDEN, Message: "您不是该单位的评估人员"}
	}
	page := sheetPage{Sheet: sh, Reviewer: assigned && p.user.Has(cases.RoleReviewer), Office: p.user.Has(cases.RoleOffice),
		Standing: sh.Standing(s.assess.Rules()), Categories: map[string]string{},
		Divergence: strconv.FormatFloat(100*s.assess.Rules().Divergence, 'f', -1, 64) + "%"}
	for _, cat := range sh.State.Catalog.Categories {
		page.Categories[cat.Code] = cat.Name
	}
	letters, err := s.assess.Letters(c, round)
	if err != nil {
		return sheetPage{}, err
	}
	page.Letters = letters[unit]
	page.Issuer = p.user.HasAny(issuers) && sh.State.Finalised
	self, err := s.assess.SelfOf(c, round, unit)
	if err != nil {
		return sheetPage{}, err
	}
	surveys, err := s.assess.Surveys(c, round, unit)
	if err != nil {
		return sheetPage{}, err
	}
	kindName := map[string]string{}
	for _, k := range s.cat.Kinds {
		page.Kinds = append(page.Kinds, kindOption{k.Code, k.Code + " " + k.Name})
		kindName[k.Code] = k.Code + " " + k.Name
	}
	for _, r := range sh.Rows {
		g := gridRow{Row: r, Category: page.Categories[r.Point.Category], LevelOpts: r.Point.Levels, MethodName: methodNames[r.Point.Method]}
		var kn []string
		for _, k := range r.Point.Kinds {
			kn = append(kn, kindName[k.Kind])
		}
		g.KindNames = strings.Join(kn, "；")
		if x, ok := self[r.Point.Code]; ok {
			g.Self = &x
			page.SelfDone++
		}
		if x, ok := surveys[r.Point.Code]; ok {
			g.Survey = &x
		}
		if sc, ok := r.Scores[p.user.ID]; ok {
			g.Mine = &sc
			page.Mine++
		}
		// A reviewer sees the others' scores of a point, and its mean,
		// only once they have scored it themselves: independent scoring.
		g.Blind = page.Reviewer && !page.Office && g.Mine == nil
		for _, rv := range sh.Unit.Reviewers {
			rs := reviewerScore{Name: rv.Name}
			if sc, ok := r.Scores[rv.ID]; ok {
				rs.Score = &sc
			}
			if g.Blind && rv.ID != p.user.ID {
				rs.Score, rs.Hidden = nil, true
			}
			g.Reviewers = append(g.Reviewers, rs)
		}
		if r.NeedsConsensus() {
			page.Diverging++
		}
		g.CanConvert = page.Office && r.Finding != nil && r.Finding.CaseNo == ""
		page.Rows = append(page.Rows, g)
	}
	return page, nil
}

func (s *Server) handleAssessmentSheet(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	page, err := s.sheetPage(c, who(c), c.Param("id"), c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "assessment_sheet.html", page.Sheet.Unit.UnitName+" · "+page.Sheet.State.Round.Title, page)
}

// sheetError shows the sheet again with a form's error, at the row of the
// point when there is one.
func (s *Server) sheetError(c *gin.Context, p *principal, round, unit string, err error, rowErrs map[string]string) {
	s.sheetErrorTyped(c, p, round, unit, err, rowErrs, nil)
}

// sheetErrorTyped is sheetError with what the reviewer typed in the points
// not saved, shown in their fields instead of the saved scores.
func (s *Server) sheetErrorTyped(c *gin.Context, p *principal, round, unit string, err error, rowErrs map[string]string, typed map[string]assessment.ScoreInput) {
	e, ok := cases.AsError(err)
	if !ok || e.Code == cases.EINTERNAL || e.Code == cases.ENOTFOUND || e.Code == cases.EFORBIDDEN {
		s.fail(c, err)
		return
	}
	page, perr := s.sheetPage(c, p, round, unit)
	if perr != nil {
		s.fail(c, err)
		return
	}
	page.Error, page.RowErrors = e.Message, rowErrs
	for i := range page.Rows {
		g := &page.Rows[i]
		in, ok := typed[g.Point.Code]
		if !ok {
			continue
		}
		g.Mine = &assessment.Score{Mark: in.Mark, Comment: in.Comment, Override: len(g.Point.Kinds) > 0 && !in.AcceptLedger, OverrideReason: in.OverrideReason}
		g.Typed = true
	}
	s.render(c, statusOf[e.Code], "assessment_sheet.html", page.Sheet.Unit.UnitName+" · "+page.Sheet.State.Round.Title, page)
}

// parseMark reads a point's fields of the grid (named field_<point>);
// entered reports whether the reviewer filled in anything.
func parseMark(c *gin.Context, pt assessment.Point) (in assessment.ScoreInput, entered bool, err error) {
	f := func(name string) string { return strings.TrimSpace(c.PostForm(name + "_" + pt.Code)) }
	num := func(name, label string) (float64, error) {
		v := f(name)
		if v == "" {
			return 0, nil
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, cases.Invalid(name, "评估要点 %s 的%s须为数字", pt.Code, label)
		}
		return x, nil
	}
	in.Comment = f("comment")
	switch pt.Method {
	case assessment.MethodLevels:
		in.Mark.Level = f("level")
		entered = in.Mark.Level != ""
	case assessment.MethodDeduction:
		n, err := num("instances", "问题个数")
		if err != nil {
			return in, true, err
		}
		if n < 0 || n != float64(int(n)) {
			return in, true, cases.Invalid("instances", "评估要点 %s 的问题个数须为不小于 0 的整数", pt.Code)
		}
		in.Mark.Instances = int(n)
		entered = f("instances") != ""
		if len(pt.Kinds) > 0 {
			in.AcceptLedger = f("ledger_mode") != "override"
			if in.Mark.Ledger, err = num("ledger", "台账扣分"); err != nil {
				return in, true, err
			}
			in.OverrideReason = f("override_reason")
		}
	case assessment.MethodYesNo:
		v := f("yes")
		if v != "" && v != "1" && v != "0" {
			return in, true, cases.Invalid("yes", "评估要点 %s 请选择达标或未达标", pt.Code)
		}
		in.Mark.Yes, entered = v == "1", v != ""
	case assessment.MethodSurvey:
		if in.Mark.Rate, err = num("rate", "满意率"); err != nil {
			return in, true, err
		}
		entered = f("rate") != ""
	}
	return in, entered, nil
}

// handleAssessmentScores saves a reviewer's grid: the one point whose
// button was pressed, or every point filled in ("save" = "*"). Each point
// is saved on its own: a point in error does not stop the others, and the
// grid comes back with what was typed in the points not saved, each with
// its error, so no typed work is lost.
func (s *Server) handleAssessmentScores(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, round, unit := who(c), c.Param("id"), c.Param("code")
	sh, err := s.assess.Sheet(c, round, unit)
	if err != nil {
		s.fail(c, err)
		return
	}
	which := c.PostForm("save")
	actor := assessActor(p, []cases.Role{cases.RoleReviewer})
	saved := 0
	var first *cases.Error
	rowErrs := map[string]string{}
	typed := map[string]assessment.ScoreInput{}
	for _, r := range sh.Rows {
		if which != "*" && which != r.Point.Code {
			continue
		}
		in, entered, err := parseMark(c, r.Point)
		if which == "*" && !entered && err == nil {
			continue
		}
		if err == nil {
			_, err = s.assess.SaveScore(c, actor, round, unit, r.Point.Code, in)
		}
		if err != nil {
			e, ok := cases.AsError(err)
			if !ok || e.Code == cases.EINTERNAL || e.Code == cases.EFORBIDDEN || e.Code == cases.ENOTFOUND {
				s.fail(c, err)
				return
			}
			if first == nil {
				first = e
			}
			rowErrs[r.Point.Code], typed[r.Point.Code] = errText(err), in
			continue
		}
		saved++
	}
	if first != nil {
		msg := first.Message
		if which == "*" {
			msg = fmt.Sprintf("%d 个要点未保存，请按各要点下的提示修改后再保存", len(rowErrs))
			if saved > 0 {
				msg += fmt.Sprintf("；其余 %d 个要点已保存", saved)
			}
		}
		s.sheetErrorTyped(c, p, round, unit, &cases.Error{Code: first.Code, Message: msg}, rowErrs, typed)
		return
	}
	if which == "*" || saved == 0 {
		redirect(c, sheetPath(round, unit), "scores-saved", strconv.Itoa(saved))
		return
	}
	redirect(c, sheetPath(round, unit)+"#p-"+which, "score-saved", which)
}

func (s *Server) handleAssessmentConsensus(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, round, unit, point := who(c), c.Param("id"), c.Param("code"), c.Param("point")
	score, err := strconv.ParseFloat(strings.TrimSpace(c.PostForm("score")), 64)
	if err != nil {
		s.sheetError(c, p, round, unit, cases.Invalid("score", "合议得分须为数字"), map[string]string{point: "合议得分须为数字"})
		return
	}
	if _, err := s.assess.SaveConsensus(c, assessActor(p, officeOnly), round, unit, point, score, c.PostForm("reason")); err != nil {
		s.sheetError(c, p, round, unit, err, map[string]string{point: errText(err)})
		return
	}
	redirect(c, sheetPath(round, unit)+"#p-"+point, "consensus-saved", point)
}

func (s *Server) handleAssessmentFinding(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, round, unit, point := who(c), c.Param("id"), c.Param("code"), c.Param("point")
	f := assessment.Finding{Kind: c.PostForm("violation_kind"), Title: c.PostForm("title"), Facts: c.PostForm("facts")}
	if _, err := s.assess.SaveFinding(c, assessActor(p, assessScorers), round, unit, point, f); err != nil {
		s.sheetError(c, p, round, unit, err, map[string]string{point: errText(err)})
		return
	}
	redirect(c, sheetPath(round, unit)+"#p-"+point, "finding-saved", point)
}

func (s *Server) handleAssessmentConvert(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, round, unit, point := who(c), c.Param("id"), c.Param("code"), c.Param("point")
	k, _, err := s.assess.ConvertFinding(c, p.scope, assessActor(p, officeOnly), round, unit, point)
	if err != nil {
		s.sheetError(c, p, round, unit, err, map[string]string{point: errText(err)})
		return
	}
	redirect(c, sheetPath(round, unit)+"#p-"+point, "finding-converted", k.No)
}

// errText is the message of a domain error, every field's included.
func errText(err error) string {
	e, ok := cases.AsError(err)
	if !ok {
		return "服务器内部错误"
	}
	if len(e.Fields) > 1 {
		var ms []string
		for _, fe := range e.Fields {
			ms = append(ms, fe.Message)
		}
		return strings.Join(ms, "；")
	}
	return e.Message
}

type resultsPage struct {
	State      assessment.RoundState
	Standings  []standingRow
	Categories []assessment.Category
	CatMax     map[string]float64
	// Export: the user may download the summary (issuers only), so the
	// page offers it.
	Export bool
}

type standingRow struct {
	assessment.Standing
	KindLabel string
	Cells     []string // per category, in catalogue order
}

func (s *Server) results(c *gin.Context, id string) (resultsPage, error) {
	st, err := s.assess.Round(c, id)
	if err != nil {
		return resultsPage{}, err
	}
	ss, err := s.assess.Standings(c, id)
	if err != nil {
		return resultsPage{}, err
	}
	page := resultsPage{State: st, Categories: st.Catalog.Categories, CatMax: st.Catalog.CategoryMax()}
	for _, x := range ss {
		r := standingRow{Standing: x, KindLabel: cases.UnitKind(x.Kind).Label()}
		for _, cat := range st.Catalog.Categories {
			cell := "—" // nothing scored in the category yet
			if x.ScoredCategories[cat.Code] {
				cell = strconv.FormatFloat(x.Categories[cat.Code], 'f', -1, 64)
			}
			r.Cells = append(r.Cells, cell)
		}
		page.Standings = append(page.Standings, r)
	}
	return page, nil
}

func (s *Server) handleAssessmentResults(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	page, err := s.results(c, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	page.Export = who(c).user.HasAny(issuers)
	s.render(c, http.StatusOK, "assessment_results.html", page.State.Round.Title+" · 评估结果", page)
}

type catalogPage struct {
	Catalog  *assessment.Catalog
	Versions []string
	Methods  map[string]string
	Kinds    map[string]string
	CatMax   map[string]float64
}

func (s *Server) handleAssessmentCatalog(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	cat, kinds, ok := s.catalogAndKinds(c)
	if !ok {
		return
	}
	s.render(c, http.StatusOK, "assessment_catalog.html", cat.Title, catalogPage{Catalog: cat, Versions: assessment.CatalogVersions(), Methods: methodNames, Kinds: kinds, CatMax: cat.CategoryMax()})
}

// catalogAndKinds is the catalogue of the request's version and the
// ledger's violation kind names by code, for the catalogue's tree and its
// export; ok is false once the error has been answered.
func (s *Server) catalogAndKinds(c *gin.Context) (cat *assessment.Catalog, kinds map[string]string, ok bool) {
	cat, err := s.assess.Catalog(c.Param("version"))
	if err != nil {
		s.fail(c, cases.NotFound("评估指标体系 %s 不存在", c.Param("version")))
		return nil, nil, false
	}
	kinds = map[string]string{}
	for _, k := range s.cat.Kinds {
		kinds[k.Code] = k.Name
	}
	return cat, kinds, true
}

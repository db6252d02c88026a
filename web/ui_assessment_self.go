package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/assessment"
	"rectify/cases"
	"rectify/cases/documents"
)

// selfRow is one point of the self-assessment form.
type selfRow struct {
	Point    assessment.Point
	Category string
	Self     *assessment.SelfAssessment
	// Locked says a reviewer scored the point: the self-assessment they
	// read stays as it was.
	Locked bool
}

type selfPage struct {
	State    assessment.RoundState
	Unit     assessment.RoundUnit
	Rows     []selfRow
	Done     int  // points self-assessed
	Author   bool // the viewer writes it (a user of the unit)
	Open     bool // the round is not finalised
	Letter   *assessment.Letter
	Error    string
	RowError map[string]string
	Values   map[string]string // what was typed, shown again after an error
}

// accountOf is the assessment's view of the signed-in user.
func accountOf(p *principal) assessment.Account {
	return assessment.Account{ID: p.user.ID, Name: p.user.Name, Roles: p.user.Roles, UnitCode: p.user.UnitCode, Disabled: p.user.Disabled}
}

// selfVisible refuses a unit user another unit's self-assessment, and a
// reviewer one of a unit not assigned to them.
func selfVisible(p *principal, sh assessment.Sheet) error {
	if p.user.Has(cases.RoleUnit) && !p.user.HasAny(assessReaders) {
		if p.user.UnitCode != sh.Unit.Unit {
			return cases.NotFound("没有找到该单位的自评")
		}
		return nil
	}
	if p.user.Has(cases.RoleReviewer) && !p.user.HasAny([]cases.Role{cases.RoleOffice, cases.RoleApprover, cases.RoleAdmin}) &&
		!assignedTo(p, sh.Unit) {
		return &cases.Error{Code: cases.EFORBIDDEN, Message: "您不是该单位的评估人员"}
	}
	return nil
}

func assignedTo(p *principal, u assessment.RoundUnit) bool {
	for _, r := range u.Reviewers {
		if r.ID == p.user.ID {
			return true
		}
	}
	return false
}

func (s *Server) selfPage(c *gin.Context, p *principal, round, unit string) (selfPage, error) {
	sh, err := s.assess.Sheet(c, round, unit)
	if err != nil {
		return selfPage{}, err
	}
	if err := selfVisible(p, sh); err != nil {
		return selfPage{}, err
	}
	mine, err := s.assess.SelfOf(c, round, unit)
	if err != nil {
		return selfPage{}, err
	}
	letters, err := s.assess.Letters(c, round)
	if err != nil {
		return selfPage{}, err
	}
	page := selfPage{State: sh.State, Unit: sh.Unit, Open: !sh.State.Finalised,
		Author: assessment.SelfAuthor(accountOf(p), unit) == nil, RowError: map[string]string{}, Values: map[string]string{}}
	if ls := letters[unit]; len(ls) > 0 {
		page.Letter = &ls[len(ls)-1]
	}
	cats := map[string]string{}
	for _, cat := range sh.State.Catalog.Categories {
		cats[cat.Code] = cat.Name
	}
	for _, r := range sh.Rows {
		row := selfRow{Point: r.Point, Category: cats[r.Point.Category], Locked: len(r.Scores) > 0}
		if x, ok := mine[r.Point.Code]; ok {
			row.Self = &x
			page.Done++
		}
		page.Rows = append(page.Rows, row)
	}
	return page, nil
}

func (s *Server) handleAssessmentSelf(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	page, err := s.selfPage(c, who(c), c.Param("id"), c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "assessment_self.html", page.Unit.UnitName+" · 自评", page)
}

// handleAssessmentSelfSave saves the self-assessment of the point whose
// button was pressed, with its evidence files: everything is checked
// before a file is stored, and the files are stored before the record
// that lists them.
func (s *Server) handleAssessmentSelfSave(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, round, unit := who(c), c.Param("id"), c.Param("code")
	point := c.PostForm("save")
	in := assessment.SelfInput{Score: c.PostForm("score_" + point), Statement: c.PostForm("statement_" + point)}
	err := func() error {
		var files []documents.Upload
		if form, err := c.MultipartForm(); err == nil {
			for _, fh := range form.File["file_"+point] {
				if fh.Size == 0 && fh.Filename == "" {
					continue
				}
				b, err := readPart(fh)
				if err != nil {
					return cases.Invalid("file", "无法读取文件")
				}
				files = append(files, documents.Upload{Name: fh.Filename, Data: b})
			}
		}
		who := accountOf(p)
		if _, _, err := s.assess.CheckSelfSave(c, who, round, unit, point, in, len(files)); err != nil {
			return err
		}
		var ev []assessment.SelfEvidence
		if len(files) > 0 {
			es, err := s.docs.AddOwnedEvidence(c, p.user.Actor(cases.RoleUnit), "assessment:"+round+"/"+unit+"/"+point, files)
			if err != nil {
				return err
			}
			for _, e := range es {
				ev = append(ev, assessment.SelfEvidence{ID: e.ID, Name: e.Name, Size: e.Size, SHA256: e.SHA256})
			}
		}
		_, err := s.assess.SaveSelf(c, who, round, unit, point, in, ev)
		return err
	}()
	if err != nil {
		e, ok := cases.AsError(err)
		if !ok || e.Code == cases.EINTERNAL || e.Code == cases.EFORBIDDEN || (e.Code == cases.ENOTFOUND && point == "") {
			s.fail(c, err)
			return
		}
		page, perr := s.selfPage(c, p, round, unit)
		if perr != nil {
			s.fail(c, err)
			return
		}
		page.Error = "要点 " + point + "：" + errText(err)
		page.RowError[point] = errText(err)
		page.Values["score_"+point], page.Values["statement_"+point] = in.Score, in.Statement
		s.render(c, statusOf[e.Code], "assessment_self.html", page.Unit.UnitName+" · 自评", page)
		return
	}
	redirect(c, sheetPath(round, unit)+"/self#p-"+point, "self-saved", point)
}

// handleAssessmentSelfFile is one evidence file of a self-assessment.
func (s *Server) handleAssessmentSelfFile(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p, round, unit, point := who(c), c.Param("id"), c.Param("code"), c.Param("point")
	sh, err := s.assess.Sheet(c, round, unit)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := selfVisible(p, sh); err != nil {
		s.fail(c, err)
		return
	}
	b, e, err := s.docs.OwnedEvidenceFile(c, "assessment:"+round+"/"+unit+"/"+point, c.Param("file"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", contentDisposition(e.Name))
	c.Header("Content-Security-Policy", "sandbox; default-src 'none'")
	c.Data(http.StatusOK, e.ContentType, b)
}

// handleAssessmentSelfHome leads a unit's user to the self-assessment of
// the newest open round that assesses their unit.
func (s *Server) handleAssessmentSelfHome(c *gin.Context) {
	if !s.assessAvailable(c) {
		return
	}
	p := who(c)
	rs, err := s.assess.Rounds(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, r := range rs {
		if _, ok := r.Unit(p.user.UnitCode); ok && !r.Finalised && strings.TrimSpace(p.user.UnitCode) != "" {
			c.Redirect(http.StatusSeeOther, sheetPath(r.Round.ID, p.user.UnitCode)+"/self")
			return
		}
	}
	// Not an error: the header's 待自评 leads here whether or not a round
	// is open, and nothing to do is an ordinary answer.
	s.render(c, http.StatusOK, "assessment_self_none.html", "单位自评", nil)
}

// toScoreCount is the reviewer's queue 待评分; a failure counts nothing
// rather than failing every page's header.
func (s *Server) toScoreCount(c *gin.Context, p *principal) int {
	if s.assess == nil {
		return 0
	}
	n, _ := s.assess.ToScore(c, p.user.ID)
	return n
}

// toSelfAssessCount is the unit's queue 待自评.
func (s *Server) toSelfAssessCount(c *gin.Context, p *principal) int {
	if s.assess == nil {
		return 0
	}
	n, _ := s.assess.ToSelfAssess(c, p.user.UnitCode)
	return n
}

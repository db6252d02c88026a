package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"rectify/assessment"
	"rectify/cases"
	"rectify/cases/briefing"
	"rectify/cases/clue"
	"rectify/cases/hotline"
	"rectify/cases/patrol"
	"rectify/templates"
)

// Briefings (巡察前通报): a unit's briefing built from live data on each
// request, shown as a page and a PDF to the office and to the members of
// a team the unit is assigned to (anyone else: 404, as for a unit out of
// scope); sent to a team, the PDF is kept write-once. Every view and
// download is written to the access log.

// briefingSources wires the briefing to the services this server has.
func (s *Server) briefingSources() briefing.Sources {
	src := briefing.Sources{Ledger: s.svc, Staffing: s.cfg.Staffing}
	if src.Staffing == nil && s.roster != nil {
		src.Staffing = rosterStaffing{s.roster}
	}
	if s.cat != nil {
		src.KindName = func(k string) string {
			if kk, ok := s.cat.Kind(k); ok {
				return kk.Name
			}
			return k
		}
		cl, err := briefing.BuiltinChecklist(s.cat.HasKind)
		if err != nil {
			panic(err) // the checklist ships with the binary and is tested
		}
		src.Checklist = cl
	}
	if s.hotline != nil {
		src.Clues = append(src.Clues, hotlineClues{s.hotline, s.svc})
	}
	if s.clues != nil {
		src.Clues = append(src.Clues, auditClues{s.clues, s.svc})
	}
	if s.assess != nil {
		src.Assessment = lastAssessment{s.assess}
	}
	return src
}

// unitScope is the scope of one unit's region: the clue channels are
// asked about the unit only, once the viewer's scope has admitted it.
func unitScope(ctx context.Context, svc *cases.Service, scope cases.Scope, code string) (cases.Scope, error) {
	u, err := svc.Unit(ctx, scope, code)
	if err != nil {
		return cases.Scope{}, err
	}
	return cases.Scope{Region: cases.RegionKey(u.Region)}, nil
}

// hotlineClues counts the 12310 reports about a unit awaiting triage.
type hotlineClues struct {
	hl  *hotline.Service
	svc *cases.Service
}

func (h hotlineClues) PendingClues(ctx context.Context, scope cases.Scope, unit string) ([]briefing.Clue, error) {
	us, err := unitScope(ctx, h.svc, scope, unit)
	if err != nil {
		return nil, err
	}
	rs, _, err := h.hl.List(ctx, hotline.Filter{Scope: us, Open: true, PerPage: cases.MaxPerPage})
	if err != nil {
		return nil, fmt.Errorf("hotline reports: %w", err)
	}
	var out []briefing.Clue
	for _, r := range rs {
		if r.UnitCode == unit {
			// The channel and the date only: never who reported, nor what.
			out = append(out, briefing.Clue{Channel: "hotline", Received: cases.Day(r.ReceivedAt, h.svc.Location())})
		}
	}
	return out, nil
}

// auditClues counts the audit clues about a unit awaiting a decision.
type auditClues struct {
	cl  *clue.Service
	svc *cases.Service
}

func (a auditClues) PendingClues(ctx context.Context, scope cases.Scope, unit string) ([]briefing.Clue, error) {
	us, err := unitScope(ctx, a.svc, scope, unit)
	if err != nil {
		return nil, err
	}
	var out []briefing.Clue
	for page := 1; ; page++ {
		sums, total, err := a.cl.List(ctx, clue.Filter{Scope: us, Page: page, PerPage: cases.MaxPerPage})
		if err != nil {
			return nil, fmt.Errorf("audit referrals: %w", err)
		}
		for _, sm := range sums {
			if sm.Undecided == 0 {
				continue
			}
			v, err := a.cl.Referral(ctx, us, sm.ID)
			if err != nil {
				return nil, fmt.Errorf("audit referral %s: %w", sm.ID, err)
			}
			for _, c := range v.Clues {
				if c.UnitCode == unit && c.Decision == nil {
					out = append(out, briefing.Clue{Channel: "audit", Kind: c.Kind, Received: v.Received})
				}
			}
		}
		if page*cases.MaxPerPage >= total {
			return out, nil
		}
	}
}

// lastAssessment adapts package assessment: the unit's result in the
// newest finalised round that assessed it.
type lastAssessment struct{ as *assessment.Service }

func (l lastAssessment) LastAssessment(ctx context.Context, unit string) (briefing.Assessment, bool, error) {
	rounds, err := l.as.Rounds(ctx)
	if err != nil {
		return briefing.Assessment{}, false, err
	}
	for _, r := range rounds {
		if !r.Finalised {
			continue
		}
		ss, err := l.as.Standings(ctx, r.Round.ID)
		if err != nil {
			return briefing.Assessment{}, false, err
		}
		i := slices.IndexFunc(ss, func(st assessment.Standing) bool { return st.Unit == unit })
		if i < 0 {
			continue
		}
		st := ss[i]
		a := briefing.Assessment{Round: r.Round.Title, Score: st.Total, Grade: st.Grade}
		maxes := r.Catalog.CategoryMax()
		for code, score := range st.Categories {
			name := code
			for _, cat := range r.Catalog.Categories {
				if cat.Code == code {
					name = cat.Name
				}
			}
			if maxes[code] > 0 {
				a.Weakest = append(a.Weakest, briefing.Category{Name: name, Score: score, Max: maxes[code]})
			}
		}
		slices.SortFunc(a.Weakest, func(x, y briefing.Category) int {
			if d := x.Score/x.Max - y.Score/y.Max; d != 0 {
				if d < 0 {
					return -1
				}
				return 1
			}
			return 0
		})
		a.Weakest = a.Weakest[:min(2, len(a.Weakest))]
		return a, true, nil
	}
	return briefing.Assessment{}, false, nil
}

// recipient is a team the unit's briefing may be addressed to.
type recipient struct {
	RoundID, TeamID, Round, Team string
}

// recipients are the teams that inspect unit in rounds that grant access:
// for a patrol user only their own.
func (s *Server) recipients(p *principal, unit string) []recipient {
	if s.patrol == nil {
		return nil
	}
	today := s.svc.Today()
	var out []recipient
	for _, r := range s.patrol.Rounds() {
		if !patrol.Grants(r, today) {
			continue
		}
		for _, t := range r.Teams {
			if !slices.Contains(t.Units, unit) {
				continue
			}
			if p.user.HasAny([]cases.Role{cases.RoleOffice, cases.RoleApprover}) || slices.Contains(t.Members, p.user.ID) {
				out = append(out, recipient{RoundID: r.ID, TeamID: t.ID, Round: r.Name, Team: t.Name})
			}
		}
	}
	return out
}

// briefingLevels are the classifications a briefing may carry, from the
// lowest its content allows (briefing.Briefing.Level), which is selected.
func briefingLevels(min cases.Level) []option {
	if min == cases.LevelSecret {
		return []option{{string(cases.LevelSecret), "秘密", true}}
	}
	return []option{{string(cases.LevelInternal), "内部", true}, {string(cases.LevelSecret), "秘密", false}}
}

// briefingLevel is the level a briefing is marked at: the one asked for,
// raised to what its content requires (a briefing listing a secret case is
// secret whatever was chosen). "" asks for the lowest allowed.
func briefingLevel(asked string, b briefing.Briefing) (cases.Level, error) {
	l := cases.Level(asked)
	switch l {
	case "":
		l = cases.LevelInternal
	case cases.LevelInternal, cases.LevelSecret:
	default:
		return "", cases.Invalid("level", "密级须为内部或秘密")
	}
	if b.Level() == cases.LevelSecret {
		l = cases.LevelSecret
	}
	return l, nil
}

// classification is the 密级 mark of a briefing at level, with the
// office's 保密期限 on a secret one (the same as on its other documents),
// and the 份号 a secret briefing carries: the briefing is issued as one
// copy, 000001.
func (s *Server) classification(l cases.Level) (mark, copyNo string) {
	if l == cases.LevelSecret {
		return templates.SecretMark(s.cfg.SecretPeriod), templates.CopyNo(1)
	}
	return "内部", ""
}

type briefingPage struct {
	briefing.Briefing
	Focus      []briefing.Focus
	Recipients []recipient
	Levels     []option
	Office     bool
}

// buildBriefing builds unit's briefing as p may see it: ENOTFOUND for a
// unit outside p's scope (a patrol user's: their teams' units).
func (s *Server) buildBriefing(c *gin.Context, p *principal, unit string) (briefing.Briefing, error) {
	return s.briefing.Build(c, p.scope, unit)
}

func (s *Server) handleBriefingPage(c *gin.Context) {
	p := who(c)
	b, err := s.buildBriefing(c, p, c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.access.RecordAccess(c, accessEntry(c, p, "read-briefing", b.Unit.Code)); err != nil {
		s.fail(c, err)
		return
	}
	page := briefingPage{Briefing: b, Focus: b.TopFocus(8), Recipients: s.recipients(p, b.Unit.Code), Levels: briefingLevels(b.Level()),
		Office: p.user.Has(cases.RoleOffice)}
	s.render(c, http.StatusOK, "briefing.html", b.Unit.Name+" 巡察前通报", page)
}

func (s *Server) handleBriefingAPI(c *gin.Context) {
	p := who(c)
	b, err := s.buildBriefing(c, p, c.Param("code"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.access.RecordAccess(c, accessEntry(c, p, "read-briefing", b.Unit.Code)); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, b)
}

// letterhead is the office that issues briefings.
func (s *Server) letterhead() templates.Letterhead {
	if s.cfg.Letterhead.Office != "" {
		lh := s.cfg.Letterhead
		if lh.Zone == nil {
			lh.Zone = s.loc // dated in the office's zone
		}
		return lh
	}
	office := s.cfg.Office
	if office == "" {
		office = "机构编制委员会办公室"
	}
	return templates.Letterhead{Office: office, Zone: s.loc}
}

// renderBriefing lays b out for team at level.
func (s *Server) renderBriefing(b briefing.Briefing, to recipient, level cases.Level, at time.Time) ([]byte, error) {
	d := templates.Briefing{Letterhead: s.letterhead(), Team: to.Team, Round: to.Round, UnitName: b.Unit.Name, UnitCode: b.Unit.Code, SnapshotDate: b.SnapshotDate,
		LeaderApproved: b.LeaderPosts.Approved, LeaderActual: b.LeaderPosts.Actual, LeaderRoster: b.LeaderPosts.Roster, Date: at}
	d.Classification, d.CopyNo = s.classification(level)
	if d.Team == "" {
		d.Team = "巡察组"
	}
	for _, e := range b.Establishment {
		d.Figures = append(d.Figures, templates.BriefingFigure{Type: e.Type, Approved: e.Approved, Actual: e.Actual, Roster: e.Roster, Vacant: e.Vacant, Over: e.Over})
	}
	for _, w := range b.Warnings {
		line := w.Label + "：" + w.Explanation
		if w.CaseNo != "" {
			line += "（已登记台账 " + w.CaseNo + "）"
		}
		d.Warnings = append(d.Warnings, line)
	}
	for _, l := range b.Open {
		d.Open = append(d.Open, templates.BriefingCase{No: l.No, Kind: l.KindName, Title: l.Title, State: l.State, Deadline: l.Deadline,
			Overdue: l.Light == cases.LightRed, Repeat: l.Repeat})
	}
	for _, l := range b.Settled {
		d.Settled = append(d.Settled, templates.BriefingCase{No: l.No, Kind: l.KindName, Title: l.Title, State: l.State, Closed: l.Closed})
	}
	for _, cc := range b.Clues {
		line := fmt.Sprintf("%s %d件", cc.ChannelName, cc.N)
		if cc.KindName != "" {
			line += "（" + cc.KindName + "）"
		}
		d.Clues = append(d.Clues, line)
	}
	if a := b.Assessment; a != nil {
		line := fmt.Sprintf("%s：总分%.2f分，等次“%s”", a.Round, a.Score, a.Grade)
		for i, w := range a.Weakest {
			if i == 0 {
				line += "；得分率较低的类别："
			} else {
				line += "、"
			}
			line += fmt.Sprintf("%s（%.1f/%.0f）", w.Name, w.Score, w.Max)
		}
		d.Assessment = line + "。"
	}
	for _, f := range b.TopFocus(8) {
		d.Focus = append(d.Focus, templates.BriefingFocus{Area: f.AreaName, Text: f.Text, Reason: f.Reason})
	}
	var buf bytes.Buffer
	if err := templates.RenderOfficial(&buf, d.Official(), s.fonts(), at); err != nil {
		return nil, fmt.Errorf("render briefing %s: %w", b.Unit.Code, err)
	}
	return buf.Bytes(), nil
}

// chosenRecipient is the team named by the request (round, team), or
// for a patrol user their own team when they have one for the unit.
func (s *Server) chosenRecipient(p *principal, unit, round, team string) (recipient, error) {
	rs := s.recipients(p, unit)
	for _, r := range rs {
		if r.RoundID == round && r.TeamID == team {
			return r, nil
		}
	}
	if round == "" && team == "" {
		if len(rs) > 0 && !p.user.Has(cases.RoleOffice) {
			return rs[0], nil
		}
		return recipient{}, nil
	}
	return recipient{}, cases.Invalid("team", "该单位不在所选巡察组的巡察范围内")
}

func (s *Server) handleBriefingPDF(c *gin.Context) {
	p := who(c)
	b, err := s.buildBriefing(c, p, c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	to, err := s.chosenRecipient(p, b.Unit.Code, c.Query("round"), c.Query("team"))
	if err != nil {
		s.fail(c, err)
		return
	}
	level, err := briefingLevel(c.Query("level"), b)
	if err != nil {
		s.fail(c, err)
		return
	}
	e := accessEntry(c, p, "download-briefing", b.Unit.Code)
	e.Level = string(level)
	if err := s.access.RecordAccess(c, e); err != nil {
		s.fail(c, err)
		return
	}
	pdf, err := s.renderBriefing(b, to, level, time.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	ascii, name := briefingNames(b.Unit.Code, b.Unit.Name, time.Now(), s.loc)
	writePDF(c, ascii, name, pdf, c.Query("download") == "")
}

// handleBriefingSend sends the briefing to a team: rendered now, stored
// write-once in the blob store, recorded on the round's team.
func (s *Server) handleBriefingSend(c *gin.Context) {
	p := who(c)
	if s.cfg.Blobs == nil {
		s.fail(c, &cases.Error{Code: cases.EUNAVAILABLE, Message: "未配置存档存储，不能发送通报"})
		return
	}
	b, err := s.buildBriefing(c, p, c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	var fe cases.FieldErrors
	round, team := c.PostForm("round"), c.PostForm("team")
	if rt := c.PostForm("rt"); rt != "" { // the form's one select: round/team
		round, team, _ = strings.Cut(rt, "/")
	}
	to, err := s.chosenRecipient(p, b.Unit.Code, round, team)
	if !fe.Add(err) {
		s.fail(c, err)
		return
	}
	if to.TeamID == "" && err == nil {
		fe.Add(cases.Invalid("team", "请选择接收通报的巡察组"))
	}
	level, lerr := briefingLevel(c.PostForm("level"), b)
	if c.PostForm("level") == "" {
		lerr = cases.Invalid("level", "请选择密级（内部或秘密）")
	}
	fe.Add(lerr)
	if err := fe.Err(); err != nil {
		s.fail(c, err)
		return
	}
	sent, err := s.sendBriefing(c, b, to, level, p.user.Actor(cases.RoleOffice))
	if err != nil {
		s.fail(c, err)
		return
	}
	e := accessEntry(c, p, "send-briefing", b.Unit.Code+"（通报 "+sent.ID+"）")
	e.Level = string(level)
	if err := s.access.RecordAccess(c, e); err != nil {
		s.fail(c, err)
		return
	}
	redirect(c, "/patrol/rounds/"+to.RoundID, "briefing-sent", b.Unit.Name, to.Team)
}

// sendBriefing renders b for team to at level, stores the PDF write-once
// and records it on the team. The PDF is stored first: a record never
// names a missing file; a failure after it leaves an unreferenced object,
// never a lost record.
func (s *Server) sendBriefing(ctx context.Context, b briefing.Briefing, to recipient, level cases.Level, by cases.Actor) (patrol.Sent, error) {
	now := time.Now().UTC()
	pdf, err := s.renderBriefing(b, to, level, now)
	if err != nil {
		return patrol.Sent{}, err
	}
	id := patrol.NewSentID()
	key := "briefings/" + to.RoundID + "/" + id + ".pdf"
	if _, err := s.cfg.Blobs.Put(ctx, key, pdf, "application/pdf"); err != nil {
		return patrol.Sent{}, fmt.Errorf("store briefing %s: %w", id, err)
	}
	sum := sha256.Sum256(pdf)
	sent := patrol.Sent{ID: id, RoundID: to.RoundID, TeamID: to.TeamID, Unit: b.Unit.Code, UnitName: b.Unit.Name, Level: level,
		Key: key, SHA256: hex.EncodeToString(sum[:]), Size: len(pdf), SentBy: by, SentAt: now}
	if err := s.patrol.RecordSent(ctx, sent); err != nil {
		return patrol.Sent{}, err
	}
	return sent, nil
}

// SendDemoBriefing sends the briefing of unit to the first team of round
// that inspects it, as the demo's office user, unless one was sent to
// that team already: the demo shows a briefing as a team received it.
func (s *Server) SendDemoBriefing(ctx context.Context, roundID, unit string) error {
	if s.patrol == nil || s.cfg.Blobs == nil {
		return nil
	}
	r, err := s.patrol.Round(roundID)
	if err != nil {
		return err
	}
	for _, t := range r.Teams {
		if !slices.Contains(t.Units, unit) {
			continue
		}
		for _, sent := range s.patrol.SentTo(r.ID, t.ID) {
			if sent.Unit == unit {
				return nil
			}
		}
		b, err := s.briefing.Build(ctx, cases.GlobalScope, unit)
		if err != nil {
			return fmt.Errorf("demo briefing %s: %w", unit, err)
		}
		office := cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}
		_, err = s.sendBriefing(ctx, b, recipient{RoundID: r.ID, TeamID: t.ID, Round: r.Name, Team: t.Name}, b.Level(), office)
		return err
	}
	return nil
}

// handleSentBriefing downloads a briefing as it was sent: to the office,
// approvers and members of the team it was sent to.
func (s *Server) handleSentBriefing(c *gin.Context) {
	p := who(c)
	sent, err := s.patrol.SentBriefing(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.roundFor(p, sent.RoundID)
	if err != nil {
		s.fail(c, cases.NotFound("没有此通报材料"))
		return
	}
	if _, ok := r.TeamOf(sent.TeamID); !ok {
		s.fail(c, cases.NotFound("没有此通报材料"))
		return
	}
	if s.cfg.Blobs == nil {
		s.fail(c, &cases.Error{Code: cases.EUNAVAILABLE, Message: "未配置存档存储"})
		return
	}
	pdf, _, err := s.cfg.Blobs.Get(c, sent.Key)
	if err != nil {
		s.fail(c, fmt.Errorf("read sent briefing %s: %w", sent.ID, err))
		return
	}
	if sum := sha256.Sum256(pdf); hex.EncodeToString(sum[:]) != sent.SHA256 {
		s.fail(c, &cases.Error{Code: cases.ECORRUPT, Message: "通报材料存档与记录不符"})
		return
	}
	e := accessEntry(c, p, "download-sent-briefing", sent.Unit+"（通报 "+sent.ID+"）")
	e.Level = string(sent.Level)
	if err := s.access.RecordAccess(c, e); err != nil {
		s.fail(c, err)
		return
	}
	ascii, name := briefingNames(sent.Unit, sent.UnitName, sent.SentAt, s.loc)
	writePDF(c, ascii, name, pdf, c.Query("download") == "")
}

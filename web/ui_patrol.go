package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/patrol"
	"rectify/cases/referral"
)

// Patrol rounds (巡察轮次): the office sets up a round's teams, their
// members and units; the assignment gives each member access to the
// team's units (newPrincipal) and their briefings (ui_briefing.go).

// patrolReaders see rounds: the office and approvers all of them, a
// patrol user the rounds they are a member of.
var patrolReaders = []cases.Role{cases.RoleOffice, cases.RoleApprover, cases.RolePatrol}

// newPrincipal is who a user is on this request: their scope, and for a
// patrol user the units and teams of the rounds they are a member of,
// from the patrol service's in-memory index (no database read).
func (s *Server) newPrincipal(u access.User, sess *access.Session) *principal {
	p := &principal{user: u, session: sess, scope: u.Scope()}
	if !u.Has(cases.RolePatrol) || p.scope.Units == nil || u.Has(cases.RoleUnit) || s.patrol == nil {
		return p
	}
	today := s.svc.Today()
	p.scope.Units = s.patrol.UnitsOf(u.ID, today)
	for _, m := range s.patrol.MembershipsOf(u.ID, today) {
		p.teams = append(p.teams, referral.TeamRef{Round: m.Round.Name, Team: m.Team.Name})
	}
	return p
}

func (s *Server) patrolRoutes(e *gin.Engine) {
	e.GET("/patrol", s.needPatrol, s.handlePatrolHome)
	e.GET("/patrol/rounds/new", s.needPatrol, s.handleRoundNewPage)
	e.POST("/patrol/rounds/new", s.needPatrol, s.handleRoundNew)
	e.GET("/patrol/rounds/:id", s.needPatrol, s.handleRoundPage)
	e.POST("/patrol/rounds/:id", s.needPatrol, s.handleRoundUpdate)
	e.GET("/patrol/briefings/:id", s.needPatrol, s.handleSentBriefing)
	e.GET("/units/:code/briefing", s.handleBriefingPage)
	e.GET("/units/:code/briefing/pdf", s.handleBriefingPDF)
	e.POST("/units/:code/briefing/send", s.needPatrol, s.handleBriefingSend)
	api := e.Group("/api/v1")
	api.GET("/patrol-rounds", s.needPatrol, s.handleRoundsAPI)
	api.POST("/patrol-rounds", s.needPatrol, s.handleRoundCreateAPI)
	api.GET("/patrol-rounds/:id", s.needPatrol, s.handleRoundAPI)
	api.POST("/patrol-rounds/:id", s.needPatrol, s.handleRoundUpdateAPI)
	api.GET("/units/:code/briefing", s.handleBriefingAPI)
}

// needPatrol answers 503 when the server runs without patrol rounds.
func (s *Server) needPatrol(c *gin.Context) {
	if s.patrol == nil {
		s.fail(c, &cases.Error{Code: cases.EUNAVAILABLE, Message: "巡察轮次功能未启用"})
		c.Abort()
		return
	}
	c.Next()
}

// roundsFor lists the rounds p may see: all for the office and approvers,
// for a patrol user those with a team they belong to (any date: the list
// shows closed rounds too, though they no longer grant access).
func (s *Server) roundsFor(p *principal) []patrol.Round {
	all := s.patrol.Rounds()
	if p.user.HasAny([]cases.Role{cases.RoleOffice, cases.RoleApprover}) {
		return all
	}
	var out []patrol.Round
	for _, r := range all {
		if r, ok := ownTeams(r, p.user.ID); ok {
			out = append(out, r)
		}
	}
	return out
}

// ownTeams keeps only the teams of r that user is a member of.
func ownTeams(r patrol.Round, user string) (patrol.Round, bool) {
	var teams []patrol.Team
	for _, t := range r.Teams {
		if slices.Contains(t.Members, user) {
			teams = append(teams, t)
		}
	}
	r.Teams = teams
	return r, len(teams) > 0
}

// roundFor reads a round as p may see it: ENOTFOUND for a patrol user
// who is in none of its teams.
func (s *Server) roundFor(p *principal, id string) (patrol.Round, error) {
	r, err := s.patrol.Round(id)
	if err != nil || p.user.HasAny([]cases.Role{cases.RoleOffice, cases.RoleApprover}) {
		return r, err
	}
	r, ok := ownTeams(r, p.user.ID)
	if !ok {
		return patrol.Round{}, cases.NotFound("没有此巡察轮次")
	}
	return r, nil
}

type roundRow struct {
	patrol.Round
	StatusLabel string
	Grants      bool
}

type patrolHome struct {
	Rounds []roundRow
	Office bool
}

func (s *Server) handlePatrolHome(c *gin.Context) {
	p := who(c)
	today := s.svc.Today()
	page := patrolHome{Office: p.user.Has(cases.RoleOffice)}
	for _, r := range s.roundsFor(p) {
		page.Rounds = append(page.Rounds, roundRow{Round: r, StatusLabel: patrol.StatusLabel(patrol.Status(r, today)), Grants: patrol.Grants(r, today)})
	}
	s.render(c, http.StatusOK, "patrol.html", "巡察轮次", page)
}

// memberOption is a patrol user offered as a team member.
type memberOption struct {
	ID, Name string
	Sel      bool
}

// teamView is a team on the round page: its members by name, its units
// with names, the briefings sent to it, and its slot in the edit form.
type teamView struct {
	patrol.Team
	N           int // the form slot
	MemberNames []string
	UnitNames   []option // Value: code, Label: name
	UnitsText   string
	Options     []memberOption
	Sent        []patrol.Sent
	BatchLink   string
	// CanRefer: the viewer may file a batch for this team.
	CanRefer bool
	Error    *cases.Error
}

type patrolRoundPage struct {
	Round  patrol.Round
	Status string
	Teams  []teamView
	Office bool
	// Slots is the number of team slots in the form.
	Slots int
	Error *cases.Error
}

func (s *Server) patrolUsers(c *gin.Context) ([]access.User, error) {
	us, err := s.access.Users(c)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(us, func(u access.User) bool { return !u.Has(cases.RolePatrol) || u.Disabled }), nil
}

// patrolRoundPage builds the page of r (a new round when r.ID is empty), with
// one blank team slot to add a team (two on a new round's form).
func (s *Server) patrolRoundPage(c *gin.Context, p *principal, r patrol.Round, formErr *cases.Error) (patrolRoundPage, error) {
	users, err := s.patrolUsers(c)
	if err != nil {
		return patrolRoundPage{}, err
	}
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	page := patrolRoundPage{Round: r, Office: p.user.Has(cases.RoleOffice), Error: formErr}
	if r.ID != "" {
		page.Status = patrol.StatusLabel(patrol.Status(r, s.svc.Today()))
	}
	teams := slices.Clone(r.Teams)
	blank := 1
	if r.ID == "" && len(teams) == 0 {
		blank = 2
	}
	if page.Office {
		for range blank {
			teams = append(teams, patrol.Team{})
		}
	}
	for i, t := range teams {
		v := teamView{Team: t, N: i, UnitsText: strings.Join(t.Units, " ")}
		for _, m := range t.Members {
			n := names[m]
			if n == "" {
				n = m
			}
			v.MemberNames = append(v.MemberNames, n)
		}
		for _, u := range users {
			v.Options = append(v.Options, memberOption{ID: u.ID, Name: u.Name, Sel: slices.Contains(t.Members, u.ID)})
		}
		for _, code := range t.Units {
			name := code
			if u, err := s.svc.Unit(c, p.scope, code); err == nil {
				name = u.Name
			}
			v.UnitNames = append(v.UnitNames, option{Value: code, Label: name})
		}
		if r.ID != "" && t.ID != "" {
			v.Sent = s.patrol.SentTo(r.ID, t.ID)
			v.BatchLink = "/batches/new?" + url.Values{"round": {r.Name}, "team": {t.Name}}.Encode()
			// The office registers for the team; a member refers its own.
			v.CanRefer = p.user.Has(cases.RoleOffice) || p.user.Has(cases.RolePatrol) && slices.Contains(t.Members, p.user.ID)
		}
		page.Teams = append(page.Teams, v)
	}
	page.Slots = len(page.Teams)
	return page, nil
}

func (s *Server) handleRoundNewPage(c *gin.Context) {
	p := who(c)
	today := s.svc.Today()
	page, err := s.patrolRoundPage(c, p, patrol.Round{Start: today, End: today}, nil)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "patrol_round.html", "新建巡察轮次", page)
}

func (s *Server) handleRoundPage(c *gin.Context) {
	p := who(c)
	r, err := s.roundFor(p, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	page, err := s.patrolRoundPage(c, p, r, nil)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "patrol_round.html", r.Name, page)
}

var unitSep = regexp.MustCompile(`[\s,，、;；]+`)

// roundForm reads the round form: its fields and each team slot.
func roundForm(c *gin.Context) (patrol.Round, int) {
	r := patrol.Round{Name: c.PostForm("name"), Start: c.PostForm("start"), End: c.PostForm("end")}
	n, _ := strconv.Atoi(c.PostForm("slots"))
	n = min(max(n, 0), patrol.MaxTeams+1)
	for i := range n {
		k := strconv.Itoa(i)
		r.Teams = append(r.Teams, patrol.Team{ID: c.PostForm("team_id_" + k), Name: c.PostForm("team_name_" + k),
			Members: c.PostFormArray("team_members_" + k), Units: unitSep.Split(c.PostForm("team_units_"+k), -1)})
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	return r, version
}

// known checks members and units against the accounts and p's scope.
func (s *Server) known(c *gin.Context, p *principal) (patrol.Known, error) {
	users, err := s.patrolUsers(c)
	if err != nil {
		return patrol.Known{}, err
	}
	return patrol.Known{
		Patrol: func(id string) bool {
			return slices.ContainsFunc(users, func(u access.User) bool { return u.ID == id })
		},
		Unit: func(code string) bool {
			_, err := s.svc.Unit(c, p.scope, code)
			return err == nil
		},
	}, nil
}

func (s *Server) handleRoundNew(c *gin.Context) {
	p := who(c)
	r, _ := roundForm(c)
	s.saveRound(c, p, r, 0, true)
}

func (s *Server) handleRoundUpdate(c *gin.Context) {
	p := who(c)
	r, version := roundForm(c)
	r.ID = c.Param("id")
	s.saveRound(c, p, r, version, false)
}

func (s *Server) saveRound(c *gin.Context, p *principal, r patrol.Round, version int, create bool) {
	k, err := s.known(c, p)
	if err != nil {
		s.fail(c, err)
		return
	}
	actor := p.user.Actor(cases.RoleOffice)
	var saved patrol.Round
	if create {
		saved, err = s.patrol.Create(c, actor, r, k)
	} else {
		saved, err = s.patrol.Update(c, actor, r, version, k)
	}
	if e, ok := cases.AsError(err); ok && (e.Code == cases.EINVALID || e.Code == cases.ECONFLICT) {
		// Show the form again as typed, with every error beside its field.
		if !create {
			old, oerr := s.patrol.Round(r.ID)
			if oerr != nil {
				s.fail(c, oerr)
				return
			}
			r.Name, r.Version = old.Name, old.Version
		}
		page, perr := s.patrolRoundPage(c, p, patrol.Normalize(r), e)
		if perr != nil {
			s.fail(c, perr)
			return
		}
		for i := range page.Teams {
			page.Teams[i].Error = e
		}
		status := http.StatusBadRequest
		if e.Code == cases.ECONFLICT {
			status = http.StatusConflict
		}
		title := "新建巡察轮次"
		if !create {
			title = r.Name
		}
		s.render(c, status, "patrol_round.html", title, page)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	redirect(c, "/patrol/rounds/"+saved.ID, "patrol-round-saved", saved.Name)
}

// The JSON API of rounds.

func (s *Server) handleRoundsAPI(c *gin.Context) {
	rs := s.roundsFor(who(c))
	if rs == nil {
		rs = []patrol.Round{}
	}
	c.JSON(http.StatusOK, gin.H{"items": rs})
}

func (s *Server) handleRoundAPI(c *gin.Context) {
	r, err := s.roundFor(who(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// roundBody is a round as the API takes it.
type roundBody struct {
	Name    string        `json:"name"`
	Start   string        `json:"start"`
	End     string        `json:"end"`
	Teams   []patrol.Team `json:"teams"`
	Version int           `json:"version"`
}

func (s *Server) handleRoundCreateAPI(c *gin.Context) { s.roundAPI(c, true) }

func (s *Server) handleRoundUpdateAPI(c *gin.Context) { s.roundAPI(c, false) }

func (s *Server) roundAPI(c *gin.Context, create bool) {
	p := who(c)
	var b roundBody
	if err := decodeJSON(c, &b); err != nil {
		s.writeError(c, err)
		return
	}
	k, err := s.known(c, p)
	if err != nil {
		s.writeError(c, err)
		return
	}
	r := patrol.Round{ID: c.Param("id"), Name: b.Name, Start: b.Start, End: b.End, Teams: b.Teams}
	actor := p.user.Actor(cases.RoleOffice)
	status := http.StatusOK
	if create {
		r, err = s.patrol.Create(c, actor, r, k)
		status = http.StatusCreated
	} else {
		r, err = s.patrol.Update(c, actor, r, b.Version, k)
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(status, r)
}

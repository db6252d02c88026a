package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/access"
)

// queue is a list of what a role has to do now: a ledger filter with a
// name, and how many cases it holds.
type queue struct {
	Key, Label, Hint string
	// Query is the ledger's query string for the queue.
	Query url.Values
	N     int
	// Urgent queues (overdue) are drawn in red while they hold anything.
	Urgent bool
	// Path is the list the queue opens when it is not the ledger (an
	// intake channel's list); the to-do page then links it without rows.
	Path string
}

// Href is the queue on the ledger, or on its own list.
func (q queue) Href() string {
	if q.Path != "" && len(q.Query) == 0 {
		return q.Path
	}
	if q.Path != "" {
		return q.Path + "?" + q.Query.Encode()
	}
	return "/ledger?" + q.Query.Encode()
}

// queueDef is a queue before counting: which roles have it and how to
// count it from a tally.
type queueDef struct {
	queue
	roles []cases.Role
	count func(cases.Tally) int
	// counter counts a queue that is not a ledger filter, instead of count.
	counter func(s *Server, c *gin.Context, p *principal) int
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// queueDefs are the work queues, in the order the header shows them.

var queueDefs = []queueDef{
	{queue{Key: "to-triage", Label: "待分办", Hint: "12310 举报：核实后立案、并入已有问题或查无实据", Path: "/hotline"},
		[]cases.Role{cases.RoleHotline}, nil, (*Server).triageCount},
	{queue{Key: "new-warnings", Label: "新预警", Hint: "最新花名册的新增红灯预警：转为台账案件或核实", Path: "/warnings?change=new"},
		[]cases.Role{cases.RoleOffice}, nil, (*Server).warningCount},
	{queue{Key: "to-verify", Label: "待核实", Hint: "新登记和核实中的问题线索：核实后下达整改或不予立案",
		Query: q("state", "registered,verifying", "sort", "no")}, []cases.Role{cases.RoleOffice},
		func(t cases.Tally) int { return t.ByState[cases.StateRegistered] + t.ByState[cases.StateVerifying] }, nil},
	{queue{Key: "to-confirm", Label: "待核验", Hint: "单位已报送整改情况：核验通过或退回重新整改",
		Query: q("state", "submitted", "sort", "updated")}, []cases.Role{cases.RoleOffice},
		func(t cases.Tally) int { return t.ByState[cases.StateSubmitted] }, nil},
	{queue{Key: "overdue", Label: "逾期", Hint: "超过整改期限仍未报送的问题：督促、约谈或延期", Urgent: true,
		Query: q("light", "red", "sort", "deadline")}, []cases.Role{cases.RoleOffice},
		func(t cases.Tally) int { return t.Overdue }, nil},
	{queue{Key: "to-approve", Label: "待审批销号", Hint: "已核验通过：审批销号或退回",
		Query: q("state", "confirmed", "sort", "updated")}, []cases.Role{cases.RoleApprover},
		func(t cases.Tally) int { return t.ByState[cases.StateConfirmed] }, nil},
	{queue{Key: "to-submit", Label: "待报送", Hint: "整改中的问题：按期报送整改情况和佐证材料",
		Query: q("state", "rectifying", "returned", "0", "sort", "deadline")}, []cases.Role{cases.RoleUnit},
		func(t cases.Tally) int { return t.ByState[cases.StateRectifying] - t.SentBack }, nil},
	{queue{Key: "returned", Label: "被退回", Hint: "整改情况被退回的问题：按意见重新整改后再报送", Urgent: true,
		Query: q("state", "rectifying", "returned", "1", "sort", "deadline")}, []cases.Role{cases.RoleUnit},
		func(t cases.Tally) int { return t.SentBack }, nil},
	{queue{Key: "batch-awaiting", Label: "待反馈", Hint: "巡察移交的问题已全部办结：印发反馈函",
		Path: "/batches", Query: q("status", "awaiting")}, []cases.Role{cases.RoleOffice}, nil, (*Server).awaitingBatches},
	{queue{Key: "to-score", Label: "待评分", Hint: "三评合一评估：安排给您、还有要点未评分的单位", Path: "/assessment"},
		[]cases.Role{cases.RoleReviewer}, nil, (*Server).toScoreCount},
	{queue{Key: "to-self-assess", Label: "待自评", Hint: "三评合一评估：本单位尚未自评的评估要点", Path: "/assessment/self"},
		[]cases.Role{cases.RoleUnit}, nil, (*Server).toSelfAssessCount},
}

// hasQueues reports whether u has any work queue.
func hasQueues(u access.User) bool {
	for _, d := range queueDefs {
		if u.HasAny(d.roles) {
			return true
		}
	}
	return false
}

// queues counts p's work queues; nil for a user who has none.
func (s *Server) queues(c *gin.Context, p *principal) ([]queue, error) {
	if !hasQueues(p.user) {
		return nil, nil
	}
	t, err := s.svc.Tally(c, p.scope)
	if err != nil {
		return nil, err
	}
	var out []queue
	for _, d := range queueDefs {
		if p.user.HasAny(d.roles) {
			qu := d.queue
			if d.counter != nil {
				qu.N = d.counter(s, c, p)
			} else {
				qu.N = d.count(t)
			}
			out = append(out, qu)
		}
	}
	out = append(out, s.clueQueue(p)...)
	return out, nil
}

// todoSection is one queue on the to-do page, with its first cases.
type todoSection struct {
	queue
	Rows []ledgerRow
}

type todoPage struct {
	Sections []todoSection
}

// todoShown is how many cases of each queue the to-do page lists.
const todoShown = 10

// handleTodo is where a role with work queues lands: each queue with its
// count and the cases at its head.
func (s *Server) handleTodo(c *gin.Context) {
	p := who(c)
	qs, err := s.queues(c, p)
	if err != nil {
		s.fail(c, err)
		return
	}
	if qs == nil {
		c.Redirect(http.StatusSeeOther, landing(p.user.Roles))
		return
	}
	var page todoPage
	for _, qu := range qs {
		sec := todoSection{queue: qu}
		if qu.N > 0 && qu.Path == "" {
			f, err := s.queueFilter(p, qu)
			if err != nil {
				s.fail(c, err)
				return
			}
			cs, _, err := s.svc.Cases(c, f)
			if err != nil {
				s.fail(c, err)
				return
			}
			for _, k := range cs {
				sec.Rows = append(sec.Rows, s.rowOf(c, k))
			}
		}
		page.Sections = append(page.Sections, sec)
	}
	s.render(c, http.StatusOK, "todo.html", "待办事项", page)
}

// queueFilter is the ledger filter of qu, as the ledger reads its link.
func (s *Server) queueFilter(p *principal, qu queue) (cases.CaseFilter, error) {
	f, err := s.caseFilterOf(qu.Query, p)
	f.Page, f.PerPage = 1, todoShown
	return f, err
}

// triageCount is the hotline's 待分办; without the count the header still
// shows (logged).
func (s *Server) triageCount(c *gin.Context, p *principal) int {
	n, err := s.countToTriage(c, p)
	if err != nil {
		s.log.Error("count the reports to triage", "err", err)
	}
	return n
}

// warningCount is the office's 新预警; without the count the header still
// shows (logged).
func (s *Server) warningCount(c *gin.Context, p *principal) int {
	n, err := s.countWarnings(c, p)
	if err != nil {
		s.log.Error("count the new warnings", "err", err)
	}
	return n
}

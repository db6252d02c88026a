package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
)

// caseView is a case as the API shows it: the projection plus its derived light.
type caseView struct {
	cases.Case
	Light      cases.Light `json:"light"`
	StateLabel string      `json:"state_label"`
	// FactsWithheld says the facts of a secret case are left out: in
	// every list, and in every read by a linkage department.
	FactsWithheld bool `json:"facts_withheld,omitempty"`
	// ChainFault is set when the case's hash chain was found not to verify
	// (on a read of its events, or against the signed checkpoint).
	ChainFault *cases.Fault `json:"chain_fault,omitempty"`
}

// view is case k as the caller may see it (unit liaisons get the redacted
// view), with its light.
func (s *Server) view(c *gin.Context, k cases.Case) caseView {
	light := s.lighter(c)(k)
	p := who(c)
	if unitOnly(p) {
		k = cases.RedactForUnit(k)
	}
	withheld := false
	if !cases.SecretFactsAllowed(p.user.Roles) {
		k, withheld = cases.WithholdFacts(k)
		k = cases.MaskPersonal(k) // a linkage department is outside the office too
	}
	v := caseView{Case: k, Light: light, StateLabel: k.State.Label(), FactsWithheld: withheld}
	if f, ok := s.svc.KnownFault(k.No); ok {
		v.ChainFault = &f
	}
	return v
}

const lighterKey = "rectify.lighter"

// lighter is the request's light function: today's date and the yellow
// limit are fixed once per request, not per case of a list.
func (s *Server) lighter(c *gin.Context) func(cases.Case) cases.Light {
	if v, ok := c.Get(lighterKey); ok {
		return v.(func(cases.Case) cases.Light)
	}
	l := s.svc.Lighter()
	c.Set(lighterKey, l)
	return l
}

// unitOnly reports whether p is a unit liaison (who sees redacted cases).
func unitOnly(p *principal) bool { return p.user.Has(cases.RoleUnit) }

// who returns the authenticated principal; authorize guarantees one on
// every non-public route.
func who(c *gin.Context) *principal {
	p, _ := principalOf(c)
	return p
}

// HeaderIdempotencyKey makes a retried registration return the first result.
const HeaderIdempotencyKey = "Idempotency-Key"

// registerRequest is the body of POST /cases.
type registerRequest struct {
	cases.Registration
	// ConfirmPersonalData says an ID or mobile number in the text is
	// meant to be there.
	ConfirmPersonalData bool `json:"confirm_personal_data"`
}

func (s *Server) handleCaseRegister(c *gin.Context) {
	p := who(c)
	actor := p.user.Actor(p.user.ActingRole(registrars))
	var req registerRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	r := req.Registration
	if !req.ConfirmPersonalData {
		if err := cases.CheckPersonalData(r); err != nil {
			s.writeError(c, err)
			return
		}
	}
	key := c.GetHeader(HeaderIdempotencyKey)
	if strings.HasPrefix(strings.TrimSpace(key), "$") {
		s.invalid(c, HeaderIdempotencyKey, "Idempotency-Key must not start with $")
		return
	}
	if err := s.checkAssignee(c, p, r.Assignee); err != nil {
		s.writeError(c, err)
		return
	}
	kase, replayed, err := s.svc.Register(c, p.scope, actor, r, key)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/cases/"+kase.No)
	status := http.StatusCreated
	if replayed {
		c.Header("Idempotent-Replayed", "true")
		status = http.StatusOK
	}
	c.JSON(status, s.view(c, kase))
}

func (s *Server) handleCaseList(c *gin.Context) {
	p := who(c)
	f, err := s.caseFilter(c, p)
	if err != nil {
		s.writeError(c, err)
		return
	}
	lp, err := s.svc.Ledger(c, f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	items := make([]caseView, 0, len(lp.Cases))
	for _, k := range lp.Cases {
		v := s.view(c, k)
		if k, withheld := cases.WithholdFacts(v.Case); withheld {
			v.Case, v.FactsWithheld = k, true
		}
		items = append(items, v)
	}
	page, per := pageOf(f.Page, f.PerPage)
	counts := make(map[cases.State]int, len(cases.States))
	for _, st := range cases.States {
		counts[st] = lp.Counts[st]
	}
	c.JSON(http.StatusOK, caseList{listBody[caseView]{items, lp.Total, page, per}, counts})
}

// caseList is a page of cases with the count per state of the selection.
type caseList struct {
	listBody[caseView]
	Counts map[cases.State]int `json:"counts"`
}

// caseFilter reads a ledger filter from the query string, for the API and
// the console alike, always within p's scope.
func (s *Server) caseFilter(c *gin.Context, p *principal, extra ...string) (cases.CaseFilter, error) {
	return s.caseFilterOf(c.Request.URL.Query(), p, extra...)
}

// caseFilterOf reads a case filter from a ledger query string.
func (s *Server) caseFilterOf(vals url.Values, p *principal, extra ...string) (cases.CaseFilter, error) {
	allowed := append([]string{"state", "source", "unit", "region", "violation_kind", "light", "year", "returned", "repeat", "q", "sort", "page", "per_page"}, extra...)
	q, err := queryOf(vals, allowed...)
	if err != nil {
		return cases.CaseFilter{}, err
	}
	f := cases.CaseFilter{Scope: p.scope, Source: q.str("source"), UnitCode: q.str("unit"), Region: q.str("region"),
		Kind: q.str("violation_kind"), Light: cases.Light(q.str("light")), Text: q.str("q"), Sort: q.str("sort"),
		// A liaison does not see source references; a search must not
		// tell them what one says either.
		TextWithoutRef: unitOnly(p),
		// Nor may a search see through masked numbers or withheld facts.
		TextAsSeen: unitOnly(p) || !cases.SecretFactsAllowed(p.user.Roles), SecretHidden: !cases.SecretFactsAllowed(p.user.Roles)}
	if f.Sort != "" && !slices.Contains(cases.SortKeys(), f.Sort) {
		return f, cases.Invalid("sort", "未知的排序方式「%s」", f.Sort)
	}
	for _, st := range q.list("state") {
		if !cases.State(st).Valid() {
			return f, cases.Invalid("state", "未知的办理状态「%s」", st)
		}
		f.States = append(f.States, cases.State(st))
	}
	switch {
	case f.Source != "" && !s.cat.HasSource(f.Source):
		return f, cases.Invalid("source", "未知的问题来源「%s」", f.Source)
	case f.Kind != "" && !s.cat.HasKind(f.Kind):
		return f, cases.Invalid("violation_kind", "未知的问题类型「%s」", f.Kind)
	case f.UnitCode != "" && !cases.ValidUnitCode(f.UnitCode):
		return f, cases.Invalid("unit", "单位代码「%s」格式不对", f.UnitCode)
	case f.Light != cases.LightNone && !f.Light.Valid():
		return f, cases.Invalid("light", "预警须为红灯、黄灯或绿灯")
	}
	switch q.str("repeat") {
	case "":
	case "1":
		f.Repeat = true
	default:
		return f, cases.Invalid("repeat", "屡查屡犯筛选须为 1")
	}
	switch q.str("returned") {
	case "":
	case "1":
		f.SentBack = new(bool)
		*f.SentBack = true
	case "0":
		f.SentBack = new(bool)
	default:
		return f, cases.Invalid("returned", "是否被退回须为 1 或 0")
	}
	if f.Year, err = q.int("year", 2000, 2999); err == nil {
		if f.Page, err = q.int("page", 1, 1000000); err == nil {
			f.PerPage, err = q.int("per_page", 1, cases.MaxPerPage)
		}
	}
	return f, err
}

func (s *Server) handleCaseGet(c *gin.Context) {
	p := who(c)
	k, err := s.svc.Case(c, p.scope, c.Param("no"))
	if err == nil {
		err = s.recordRead(c, p, "read-case", k)
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.view(c, k))
}

func (s *Server) handleCaseEvents(c *gin.Context) {
	_, evs, fault, err := s.readCase(c, who(c), "read-events")
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, chainView{Items: evs, Verified: fault == nil, Fault: fault})
}

// chainView is a case's events with the result of checking their chain
// (against their own hashes and the latest signed checkpoint) as read.
type chainView struct {
	Items    []cases.Event `json:"items"`
	Verified bool          `json:"chain_verified"`
	Fault    *cases.Fault  `json:"chain_fault,omitempty"`
}

// readCase reads case :no and its events as p may see them, recording the
// read in the access log if the case is classified, and checks the chain
// of the events as stored: a fault names where it does not verify.
func (s *Server) readCase(c *gin.Context, p *principal, action string) (cases.Case, []cases.Event, *cases.Fault, error) {
	k, err := s.svc.Case(c, p.scope, c.Param("no"))
	if err != nil {
		return k, nil, nil, err
	}
	if err := s.recordRead(c, p, action, k); err != nil {
		return k, nil, nil, err
	}
	evs, err := s.svc.Events(c, p.scope, k.No)
	if err != nil {
		return k, nil, nil, err
	}
	fault := s.svc.ChainFault(k.No, evs)
	if unitOnly(p) {
		k, evs = cases.RedactForUnit(k), cases.RedactEventsForUnit(evs)
	}
	if !cases.SecretFactsAllowed(p.user.Roles) {
		evs = cases.MaskPersonalEvents(cases.WithholdEventFacts(k.Level, evs))
		k, _ = cases.WithholdFacts(k)
		k = cases.MaskPersonal(k)
	}
	return k, evs, fault, nil
}

// transitionRequest is the body of POST /cases/{no}/transitions.
type transitionRequest struct {
	Action          cases.Action `json:"action"`
	Input           cases.Input  `json:"input"`
	Comment         string       `json:"comment"`
	ExpectedVersion int          `json:"expected_version"`
	// ConfirmPersonalData says an ID or mobile number in the text is meant
	// to be there.
	ConfirmPersonalData bool `json:"confirm_personal_data"`
}

func (s *Server) handleTransition(c *gin.Context) {
	p := who(c)
	var req transitionRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	if req.Action == "" {
		s.invalid(c, "action", "action is required")
		return
	}
	if req.ExpectedVersion < 0 {
		s.invalid(c, "expected_version", "expected_version must not be negative")
		return
	}
	if err := s.checkInput(c, p, c.Param("no"), req.Action, req.Input); err != nil {
		s.writeError(c, err)
		return
	}
	if !req.ConfirmPersonalData {
		if err := cases.CheckPersonalInput(req.Input, req.Comment); err != nil {
			s.writeError(c, err)
			return
		}
	}
	k, e, err := s.svc.Transition(c, p.scope, c.Param("no"), actingAs(p, req.Action), req.Action, req.Input, req.Comment, req.ExpectedVersion)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if unitOnly(p) {
		e = cases.RedactEventsForUnit([]cases.Event{e})[0]
	}
	c.JSON(http.StatusOK, gin.H{"case": s.view(c, k), "event": e})
}

// checkInput refuses what a transition's input may not name from outside:
// documents are recorded only by the documents service, as it issues them
// (record_document, input.document), an assignee is one of the office's
// users (checkAssignee), and every evidence reference must be a file
// uploaded for this very case.
func (s *Server) checkInput(c *gin.Context, p *principal, no string, a cases.Action, in cases.Input) error {
	switch {
	case a == cases.ActionRecordDocument:
		return cases.Invalid("action", "发文记录由发文功能自动产生，不能直接提交")
	case in.Document != "":
		return cases.Invalid("document", "文件只能由发文功能记录")
	case a == cases.ActionAssign:
		return s.checkAssignee(c, p, in.Assignee)
	case len(in.Evidence) == 0:
		return nil
	}
	// A case outside the caller's scope answers as missing, before its
	// evidence is looked at.
	if _, err := s.svc.Case(c, p.scope, no); err != nil {
		return err
	}
	return s.docs.CheckEvidenceRefs(c, no, in.Evidence)
}

// actingAs is the actor p is when taking action a: in the first of p's
// roles that the state machine allows for a.
func actingAs(p *principal, a cases.Action) cases.Actor {
	var allowed []cases.Role
	if r, ok := cases.RuleFor(a); ok {
		allowed = r.Roles
	}
	return p.user.Actor(p.user.ActingRole(allowed))
}

package clue

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"rectify/cases"
	"rectify/cases/catalog"
	"rectify/cases/documents"
)

// Store persists referrals, decisions and letters. Errors follow
// cases.Store: ECONFLICT for a key already taken, ENOTFOUND for none.
type Store interface {
	// InsertReferral records a referral under its id (ECONFLICT if taken).
	InsertReferral(ctx context.Context, r Referral) error
	// FindReferral reads a referral by id (ENOTFOUND).
	FindReferral(ctx context.Context, id string) (Referral, error)
	// Referrals reads every referral (once, when the service opens).
	Referrals(ctx context.Context) ([]Referral, error)
	// InsertDecision records a decision under its clue's id (ECONFLICT
	// if the clue is decided already).
	InsertDecision(ctx context.Context, d Decision) error
	// FindDecision reads a clue's decision (ENOTFOUND).
	FindDecision(ctx context.Context, clueID string) (Decision, error)
	// SetDecisionCase records the case a confirmed decision registered.
	SetDecisionCase(ctx context.Context, clueID, caseNo string) error
	// DeleteDecision withdraws a confirmation whose case was refused, so
	// that the clue can be decided again.
	DeleteDecision(ctx context.Context, clueID string) error
	// Decisions reads every decision (once, when the service opens).
	Decisions(ctx context.Context) ([]Decision, error)
	// InsertLetter records a letter issued for a referral.
	InsertLetter(ctx context.Context, l Letter) error
	// Letters reads every letter record (once, when the service opens).
	Letters(ctx context.Context) ([]Letter, error)
}

// WorkDays is the working-day calendar the lights are counted with.
type WorkDays interface {
	AddWorkingDays(date string, n int) (string, error)
}

// Config wires a Service.
type Config struct {
	Cases     *cases.Service
	Documents *documents.Service
	Store     Store
	Calendar  WorkDays
	Catalog   *catalog.Catalog
	// DecideDays is the decision period in working days (default 15).
	DecideDays int
}

// entry is a referral in the in-memory index, with what the lists need.
type entry struct {
	ref       Referral
	region    string // cases.RegionKey(ref.Region), for scope checks without allocating
	deadline  string
	decisions map[int]Decision // by clue seq
	confirmed int
	letters   []Letter
}

func (e *entry) undecided() int { return len(e.ref.Clues) - len(e.decisions) }

func (e *entry) answered() bool {
	return slices.ContainsFunc(e.letters, func(l Letter) bool { return l.Final })
}

// Service is the audit referral channel. Lists and counts are answered from
// an in-memory index of every referral (read once when it opens, kept up
// to date by this process's writes); a single referral's page reads its
// decisions again by id, so another process's decisions show there.
type Service struct {
	cfg Config
	mu  sync.RWMutex
	idx map[string]*entry
	// sorted holds the entries most recently received first, as lists
	// show them: a list walks it and stops at its page, sorting nothing.
	sorted []*entry
	// pending counts undecided clues per region key: the queue in every
	// page's header sums a handful of regions, not every referral.
	pending map[string]int
	// letters serialises issuing letters in this process, so that a second
	// click sees the letter the first one recorded.
	letters sync.Mutex
	// deciding holds a mutex per clue being decided in this process, so
	// that a second click waits for the first and gets its case; across
	// processes the unique insert decides and the loser waits for the case.
	deciding sync.Map
}

// Open reads the index and returns the service.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.DecideDays <= 0 {
		cfg.DecideDays = DefaultDecideDays
	}
	s := &Service{cfg: cfg, idx: map[string]*entry{}, pending: map[string]int{}}
	refs, err := cfg.Store.Referrals(ctx)
	if err != nil {
		return nil, fmt.Errorf("open audit referrals: %w", err)
	}
	for _, r := range refs {
		s.add(r)
	}
	ds, err := cfg.Store.Decisions(ctx)
	if err != nil {
		return nil, fmt.Errorf("open audit referrals: %w", err)
	}
	for _, d := range ds {
		if ref, seq, ok := SplitClueID(d.ClueID); ok && s.idx[ref] != nil {
			s.decided(s.idx[ref], seq, d)
		}
	}
	ls, err := cfg.Store.Letters(ctx)
	if err != nil {
		return nil, fmt.Errorf("open audit referrals: %w", err)
	}
	for _, l := range ls {
		if e := s.idx[l.ReferralID]; e != nil {
			e.letters = append(e.letters, l)
		}
	}
	for _, e := range s.idx {
		slices.SortFunc(e.letters, func(a, b Letter) int { return a.At.Compare(b.At) })
	}
	return s, nil
}

// DecideDays is the configured decision period.
func (s *Service) DecideDays() int { return s.cfg.DecideDays }

// add puts a referral in the index; the caller holds the lock (or is Open).
func (s *Service) add(r Referral) {
	if s.idx[r.ID] != nil {
		return
	}
	e := &entry{ref: r, region: cases.RegionKey(r.Region), deadline: s.deadline(r.Received), decisions: map[int]Decision{}}
	s.idx[r.ID] = e
	i, _ := slices.BinarySearchFunc(s.sorted, e, cmpEntry)
	s.sorted = slices.Insert(s.sorted, i, e)
	s.pending[e.region] += len(r.Clues)
}

// cmpEntry orders the most recently received first, then by report number.
func cmpEntry(a, b *entry) int {
	if c := strings.Compare(b.ref.Received, a.ref.Received); c != 0 {
		return c
	}
	return strings.Compare(a.ref.ReportNo, b.ref.ReportNo)
}

// decided records a decision in the index; the caller holds the lock.
func (s *Service) decided(e *entry, seq int, d Decision) {
	old, had := e.decisions[seq]
	e.decisions[seq] = d
	if !had {
		s.pending[e.region]--
	} else if old.Outcome == Confirmed {
		e.confirmed--
	}
	if d.Outcome == Confirmed {
		e.confirmed++
	}
}

// deadline is the last day of the decision period of a referral received
// on date.
func (s *Service) deadline(received string) string {
	d, err := s.cfg.Calendar.AddWorkingDays(received, s.cfg.DecideDays)
	if err != nil {
		// Outside the calendar's years: count calendar days, as the ledger does.
		t, _ := time.Parse(time.DateOnly, received)
		return t.AddDate(0, 0, s.cfg.DecideDays*7/5).Format(time.DateOnly)
	}
	return d
}

func visible(scope cases.Scope, r Referral) bool {
	return inScope(scope, cases.RegionKey(r.Region))
}

// inScope reports whether a region key lies within the scope.
func inScope(scope cases.Scope, key string) bool {
	if !scope.Valid() || scope.Units != nil {
		return false
	}
	return scope.Global || key == scope.Region ||
		len(key) > len(scope.Region) && key[len(scope.Region)] == '/' && key[:len(scope.Region)] == scope.Region
}

// notFound is the one answer for a referral that does not exist and one
// outside the caller's scope.
func notFound(id string) error { return cases.NotFound("审计移送 %s 不存在", id) }

// Register records a referral. The same report of the same audit office
// again returns the first one (replayed); with other content it is a
// conflict naming the report number.
func (s *Service) Register(ctx context.Context, scope cases.Scope, actor cases.Actor, sub Submission) (Referral, bool, error) {
	if actor.Role != cases.RoleOffice {
		return Referral{}, false, cases.Refused("role", "审计移送线索由监督检查处室登记")
	}
	sub = Normalize(sub)
	units := map[string]cases.Unit{}
	lookup := Lookup{HasKind: s.cfg.Catalog.HasKind, Unit: func(code string) (cases.Unit, bool) {
		if u, ok := units[code]; ok {
			return u, true
		}
		if !cases.ValidUnitCode(code) {
			return cases.Unit{}, false
		}
		u, err := s.cfg.Cases.Unit(ctx, scope, code)
		if err != nil {
			return cases.Unit{}, false
		}
		units[code] = u
		return u, true
	}}
	if err := Validate(sub, s.cfg.Cases.Today(), lookup); err != nil {
		return Referral{}, false, err
	}
	r := Referral{ID: ReferralID(sub.Office, sub.ReportNo), Office: sub.Office, ReportNo: sub.ReportNo, Received: sub.Received,
		Level: sub.Level, Hash: Hash(sub), CreatedBy: actor, CreatedAt: cases.TruncateTime(time.Now())}
	var regions [][]string
	for i, c := range sub.Clues {
		u := units[c.UnitCode]
		r.Clues = append(r.Clues, Clue{ID: ClueID(r.ID, i+1), Seq: i + 1, UnitCode: u.Code, UnitName: u.Name, Kind: c.Kind, Title: c.Title, Facts: c.Facts})
		regions = append(regions, u.Region)
	}
	r.Region = CommonRegion(regions)
	err := s.cfg.Store.InsertReferral(ctx, r)
	if cases.ErrorCode(err) == cases.ECONFLICT {
		old, ferr := s.cfg.Store.FindReferral(ctx, r.ID)
		if ferr != nil {
			return Referral{}, false, fmt.Errorf("read referral %s: %w", r.ReportNo, ferr)
		}
		if old.Hash != r.Hash || !visible(scope, old) {
			return Referral{}, false, cases.Conflict("%s的移送文号「%s」已登记，内容与本次不同；同一文号不能登记两次", old.Office, old.ReportNo)
		}
		s.remember(old)
		return old, true, nil
	}
	if err != nil {
		return Referral{}, false, fmt.Errorf("record referral %s: %w", r.ReportNo, err)
	}
	s.remember(r)
	return r, false, nil
}

// remember adds a referral recorded here or by another process to the index.
func (s *Service) remember(r Referral) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.add(r)
}

// ClueView is a clue with its decision and light.
type ClueView struct {
	Clue
	Decision *Decision   `json:"decision,omitempty"`
	Light    cases.Light `json:"light,omitempty"`
}

// View is a referral as its page shows it.
type View struct {
	Referral
	Clues     []ClueView  `json:"clues"`
	State     State       `json:"state"`
	Light     cases.Light `json:"light,omitempty"`
	Deadline  string      `json:"deadline"` // the decision period's last day
	Undecided int         `json:"undecided"`
	Letters   []Letter    `json:"letters"`
}

// Referral returns a referral the scope may see, its decisions read again
// from the store so that another process's show.
func (s *Service) Referral(ctx context.Context, scope cases.Scope, id string) (View, error) {
	if !ValidReferralID(id) {
		return View{}, notFound(id)
	}
	s.mu.RLock()
	e := s.idx[id]
	s.mu.RUnlock()
	if e == nil {
		r, err := s.cfg.Store.FindReferral(ctx, id)
		if cases.ErrorCode(err) == cases.ENOTFOUND {
			return View{}, notFound(id)
		}
		if err != nil {
			return View{}, err
		}
		s.remember(r)
		s.mu.RLock()
		e = s.idx[id]
		s.mu.RUnlock()
	}
	if !visible(scope, e.ref) {
		return View{}, notFound(id)
	}
	for _, c := range e.ref.Clues {
		s.mu.RLock()
		d, ok := e.decisions[c.Seq]
		s.mu.RUnlock()
		if ok && (d.Outcome == Rejected || d.CaseNo != "") {
			continue
		}
		d, err := s.cfg.Store.FindDecision(ctx, c.ID)
		if cases.ErrorCode(err) == cases.ENOTFOUND {
			continue
		}
		if err != nil {
			return View{}, err
		}
		s.setDecision(e, c.Seq, d)
	}
	today := s.cfg.Cases.Today()
	return s.view(e, today, s.cfg.Cases.YellowUntil(today)), nil
}

func (s *Service) setDecision(e *entry, seq int, d Decision) {
	s.mu.Lock()
	s.decided(e, seq, d)
	s.mu.Unlock()
}

func (s *Service) view(e *entry, today, yellowUntil string) View {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v := View{Referral: e.ref, Deadline: e.deadline, Undecided: e.undecided(), Letters: append([]Letter{}, e.letters...)}
	v.Referral.Clues = nil
	for _, c := range e.ref.Clues {
		cv := ClueView{Clue: c}
		if d, ok := e.decisions[c.Seq]; ok {
			cv.Decision = &d
		}
		cv.Light = LightOf(cv.Decision != nil, e.deadline, today, yellowUntil)
		v.Light = Worse(v.Light, cv.Light)
		v.Clues = append(v.Clues, cv)
	}
	v.State = StateOf(v.Undecided, e.answered())
	return v
}

// Filter selects referrals for a list.
type Filter struct {
	Scope         cases.Scope
	State         State       // empty: any
	Light         cases.Light // empty: any; a referral's light is its most urgent undecided clue's
	Page, PerPage int
}

// Summary is a referral on a list.
type Summary struct {
	ID        string      `json:"id"`
	Office    string      `json:"office"`
	ReportNo  string      `json:"report_no"`
	Received  string      `json:"received"`
	Level     cases.Level `json:"level"`
	Clues     int         `json:"clues"`
	Undecided int         `json:"undecided"`
	Confirmed int         `json:"confirmed"`
	Rejected  int         `json:"rejected"`
	State     State       `json:"state"`
	Light     cases.Light `json:"light,omitempty"`
	Deadline  string      `json:"deadline"`
}

// List answers a page of referrals in scope, most recently received
// first, and the total matching.
func (s *Service) List(ctx context.Context, f Filter) ([]Summary, int, error) {
	if !f.Scope.Valid() {
		return nil, 0, fmt.Errorf("list audit referrals: no scope given")
	}
	if f.PerPage <= 0 || f.PerPage > cases.MaxPerPage {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	today := s.cfg.Cases.Today()
	yellowUntil := s.cfg.Cases.YellowUntil(today)
	lo, hi := (f.Page-1)*f.PerPage, f.Page*f.PerPage
	var rows []Summary
	total := 0
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, e := range s.sorted {
		if !inScope(f.Scope, e.region) {
			continue
		}
		undecided := e.undecided()
		state := StateOf(undecided, e.answered())
		// Every undecided clue of a referral shares its deadline.
		light := LightOf(undecided == 0, e.deadline, today, yellowUntil)
		if f.State != "" && state != f.State || f.Light != "" && light != f.Light {
			continue
		}
		if total >= lo && total < hi {
			rows = append(rows, Summary{ID: e.ref.ID, Office: e.ref.Office, ReportNo: e.ref.ReportNo, Received: e.ref.Received, Level: e.ref.Level,
				Clues: len(e.ref.Clues), Undecided: undecided, Confirmed: e.confirmed, Rejected: len(e.decisions) - e.confirmed,
				State: state, Light: light, Deadline: e.deadline})
		}
		total++
	}
	return rows, total, nil
}

// Pending counts the clues in scope waiting for a decision (the office's
// 待认定线索 queue), from the index.
func (s *Service) Pending(scope cases.Scope) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for region, k := range s.pending {
		if inScope(scope, region) {
			n += k
		}
	}
	return n
}

// Decide records the office's decision on a clue: once. A repeated
// request for the same decision returns it (replayed, and completes a
// confirmation whose case was not yet registered); any other decision on
// a decided clue is a conflict. A confirmation registers the case (source
// 审计移送, the report number as its reference, origin clue:<id>) under an
// idempotency key derived from the clue, so it is registered once.
func (s *Service) Decide(ctx context.Context, scope cases.Scope, actor cases.Actor, clueID string, in DecisionInput) (Decision, bool, error) {
	if actor.Role != cases.RoleOffice {
		return Decision{}, false, cases.Refused("role", "问题线索由监督检查处室认定")
	}
	refID, seq, ok := SplitClueID(clueID)
	if !ok {
		return Decision{}, false, cases.NotFound("问题线索 %s 不存在", clueID)
	}
	v, err := s.Referral(ctx, scope, refID)
	if err != nil || seq > len(v.Clues) {
		return Decision{}, false, cases.NotFound("问题线索 %s 不存在", clueID)
	}
	c := v.Clues[seq-1]
	d, err := CheckDecision(c.Clue, in, s.cfg.Catalog.HasKind)
	if err != nil {
		return Decision{}, false, err
	}
	d.By, d.At = actor, cases.TruncateTime(time.Now())
	if d.Merged {
		if err := s.checkMerge(ctx, scope, c.Clue, d.CaseNo); err != nil {
			return Decision{}, false, err
		}
	}
	mu, _ := s.deciding.LoadOrStore(clueID, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	replayed := false
	err = s.cfg.Store.InsertDecision(ctx, d)
	if cases.ErrorCode(err) == cases.ECONFLICT {
		old, ferr := s.cfg.Store.FindDecision(ctx, clueID)
		if ferr != nil {
			return Decision{}, false, fmt.Errorf("read decision on %s: %w", clueID, ferr)
		}
		if !old.same(d) {
			who := old.By.Name
			if who == "" {
				who = old.By.ID
			}
			return Decision{}, false, cases.Conflict("第 %d 条线索已由%s于 %s 作出「%s」的决定，不能再作不同的决定",
				seq, who, cases.DayTime(old.At, s.cfg.Cases.Location()), old.Outcome.Label())
		}
		d, replayed = old, true
	} else if err != nil {
		return Decision{}, false, fmt.Errorf("record decision on %s: %w", clueID, err)
	}
	switch {
	case d.Outcome == Confirmed && d.Merged:
		if err := s.merge(ctx, scope, v.Referral, c.Clue, d); err != nil {
			return Decision{}, false, err
		}
	case d.Outcome == Confirmed && d.CaseNo == "":
		if d, err = s.register(ctx, scope, v.Referral, c.Clue, d); err != nil {
			return Decision{}, false, err
		}
	}
	s.mu.RLock()
	e := s.idx[refID]
	s.mu.RUnlock()
	s.setDecision(e, seq, d)
	return d, replayed, nil
}

// checkMerge makes sure case no exists, in scope, about the clue's unit,
// before a decision to merge into it is recorded.
func (s *Service) checkMerge(ctx context.Context, scope cases.Scope, c Clue, no string) error {
	k, err := s.cfg.Cases.Case(ctx, scope, no)
	if cases.ErrorCode(err) == cases.ENOTFOUND {
		return cases.Invalid("merge_into", "台账中没有编号为 %s 的问题", no)
	}
	if err != nil {
		return fmt.Errorf("find case %s to merge clue %s into: %w", no, c.ID, err)
	}
	if k.UnitCode != c.UnitCode {
		return cases.Invalid("merge_into", "问题 %s 属于%s，线索反映的是%s：只能并入同一单位的问题", no, k.UnitName, c.UnitName)
	}
	return nil
}

// merge records the audit referral as one more source of the case the
// clue was confirmed into (add_source, origin clue:<id>), once: a retry
// finds the source recorded. A case that refuses the source withdraws the
// decision, as a refused registration does.
func (s *Service) merge(ctx context.Context, scope cases.Scope, r Referral, c Clue, d Decision) error {
	k, err := s.cfg.Cases.Case(ctx, scope, d.CaseNo)
	if err != nil {
		return fmt.Errorf("find case %s to merge clue %s into: %w", d.CaseNo, c.ID, err)
	}
	origin := "clue:" + c.ID
	for _, src := range k.Sources {
		if src.Origin == origin {
			return nil
		}
	}
	in := cases.Input{Source: Source, Reference: r.ReportNo, Origin: origin}
	if _, _, err := s.cfg.Cases.Transition(ctx, scope, d.CaseNo, d.By, cases.ActionAddSource, in, "", 0); err != nil {
		if code := cases.ErrorCode(err); code == cases.EINVALID || code == cases.EREFUSED {
			if derr := s.cfg.Store.DeleteDecision(ctx, c.ID); derr != nil {
				return fmt.Errorf("withdraw decision on %s: %w (after: %v)", c.ID, derr, err)
			}
		}
		return fmt.Errorf("merge clue %s into %s: %w", c.ID, d.CaseNo, err)
	}
	return nil
}

// register registers the case of a confirmed clue, as the decision
// recorded it and by whom, so that any retry asks the ledger the same
// question under the same key. A registration the ledger refuses
// withdraws the decision: the clue is undecided again and nothing is left
// half-done.
func (s *Service) register(ctx context.Context, scope cases.Scope, r Referral, c Clue, d Decision) (Decision, error) {
	reg := cases.Registration{Source: Source, SourceRef: r.ReportNo, UnitCode: c.UnitCode, Kind: d.Kind, Title: d.Title, Facts: d.Facts, Level: r.Level}
	origin := "clue:" + c.ID
	k, _, err := s.cfg.Cases.RegisterFrom(ctx, scope, d.By, reg, origin, origin)
	// Another process is registering the same case: wait for it.
	for i := 0; i < 20 && cases.ErrorCode(err) == cases.ECONFLICT; i++ {
		select {
		case <-ctx.Done():
			return Decision{}, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if old, ferr := s.cfg.Store.FindDecision(ctx, c.ID); ferr == nil && old.CaseNo != "" {
			return old, nil
		}
		k, _, err = s.cfg.Cases.RegisterFrom(ctx, scope, d.By, reg, origin, origin)
	}
	if err != nil {
		if code := cases.ErrorCode(err); code == cases.EINVALID || code == cases.EREFUSED {
			if derr := s.cfg.Store.DeleteDecision(ctx, c.ID); derr != nil {
				return Decision{}, fmt.Errorf("withdraw decision on %s: %w (after: %v)", c.ID, derr, err)
			}
		}
		return Decision{}, fmt.Errorf("register case of clue %s: %w", c.ID, err)
	}
	if err := s.cfg.Store.SetDecisionCase(ctx, c.ID, k.No); err != nil {
		return Decision{}, fmt.Errorf("link clue %s to case %s: %w", c.ID, k.No, err)
	}
	d.CaseNo = k.No
	return d, nil
}

// Feedback previews or issues the feedback letter of a referral: the final
// letter once every clue is decided, an interim one before. Asked again
// with nothing changed, it returns the letter issued.
func (s *Service) Feedback(ctx context.Context, scope cases.Scope, actor cases.Actor, id string, preview bool) (documents.Issued, []byte, error) {
	if !preview {
		s.letters.Lock()
		defer s.letters.Unlock()
	}
	v, err := s.Referral(ctx, scope, id)
	if err != nil {
		return documents.Issued{}, nil, err
	}
	req := documents.ClueFeedbackRequest{Addressee: v.Office, Reference: v.ReportNo, Region: v.Region, Interim: v.Undecided > 0, Level: v.Level}
	for _, l := range v.Letters {
		req.Issued = append(req.Issued, l.DocumentID)
	}
	for _, c := range v.Clues {
		it := documents.ClueItem{Title: c.Title, UnitName: c.UnitName}
		switch {
		case c.Decision == nil:
			it.Finding = "正在核实认定。"
		case c.Decision.Outcome == Rejected:
			it.Finding = "不予认定。理由：" + c.Decision.Reason
		case c.Decision.Merged:
			it.Case, it.Finding = c.Decision.CaseNo, "认定属实，并入已登记的问题一并办理。"
		case c.Decision.CaseNo == "":
			it.Finding = "认定属实，正在登记建账。"
		default:
			it.Case, it.Finding = c.Decision.CaseNo, "认定属实，已登记建账。"
		}
		req.Items = append(req.Items, it)
	}
	out, pdf, err := s.cfg.Documents.ClueFeedback(ctx, scope, actor, req, preview)
	if err != nil || preview || out.Existing {
		return out, pdf, err
	}
	l := Letter{ID: id + "/" + out.Document.ID, ReferralID: id, DocumentID: out.Document.ID, Number: out.Document.Number,
		Basis: out.Document.Basis, Final: !req.Interim, At: out.Document.IssuedAt}
	if err := s.cfg.Store.InsertLetter(ctx, l); err != nil {
		return out, pdf, fmt.Errorf("record letter %s on referral %s: %w", l.Number, v.ReportNo, err)
	}
	s.mu.Lock()
	if e := s.idx[id]; e != nil {
		e.letters = append(e.letters, l)
	}
	s.mu.Unlock()
	return out, pdf, nil
}

package referral

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"rectify/cases"
	"rectify/cases/documents"
)

// Store keeps batch records, one document each, keyed by Batch.ID.
type Store interface {
	// InsertBatch records a new batch; ECONFLICT when one with its ID exists.
	InsertBatch(ctx context.Context, b Batch) error
	// PutBatch replaces a recorded batch (its case numbers and letters).
	PutBatch(ctx context.Context, b Batch) error
	// FindBatch reads one batch; ENOTFOUND when there is none.
	FindBatch(ctx context.Context, id string) (Batch, error)
	// AllBatches reads every batch (at start-up: batches are few).
	AllBatches(ctx context.Context) ([]Batch, error)
}

// Config wires a Service.
type Config struct {
	Cases     *cases.Service
	Documents *documents.Service
	Store     Store
	Now       func() time.Time
}

// Service registers referral batches and answers them.
type Service struct {
	cfg Config
	// reg serializes registrations and letter records of this process:
	// batches are rare, and a retry racing its first attempt then waits
	// for it instead of colliding on the items' idempotency keys.
	reg sync.Mutex
	// mu guards byID, the in-memory index every list and page reads.
	mu   sync.RWMutex
	byID map[string]Batch
}

// New loads every batch into memory and returns the service.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	all, err := cfg.Store.AllBatches(ctx)
	if err != nil {
		return nil, fmt.Errorf("load referral batches: %w", err)
	}
	s := &Service{cfg: cfg, byID: make(map[string]Batch, len(all))}
	for _, b := range all {
		s.byID[b.ID] = b
	}
	return s, nil
}

// Check validates a batch as Register would, writing nothing: every bad
// field of the letter and of each item (items[i].field) at once.
func (s *Service) Check(scope cases.Scope, b Batch) (Batch, error) {
	b = Normalize(b)
	var fe cases.FieldErrors
	if err := Validate(b); !fe.Add(err) {
		return b, err
	}
	for i := range b.Items {
		// A batch has no "confirm" step: personal data in an item is
		// refused, to be taken out of the letter's text.
		if e, ok := cases.AsError(cases.CheckPersonalData(Registration(b, i))); ok {
			msg, _, _ := strings.Cut(e.Message, "。")
			fe = append(fe, cases.FieldError{Field: ItemField(i, e.Field), Message: msg + "，请删去后再提交"})
		}
		err := s.cfg.Cases.CheckRegistration(scope, Registration(b, i))
		e, ok := cases.AsError(err)
		if err == nil {
			continue
		}
		if !ok || e.Code != cases.EINVALID {
			return b, err
		}
		fields := e.Fields
		if len(fields) == 0 {
			fields = []cases.FieldError{{Field: e.Field, Message: e.Message}}
		}
		for _, f := range fields {
			// The letter's number and level are the batch's, checked above.
			if f.Field == "source" || f.Field == "source_ref" || f.Field == "level" {
				continue
			}
			fe = append(fe, cases.FieldError{Field: ItemField(i, f.Field), Message: f.Message})
		}
	}
	return b, fe.Err()
}

// Register validates every item, records the batch (its ID unique) and
// registers one case per item. The same letter again returns the first
// result with replayed=true when its content is the same, and a conflict
// naming the letter number when it is not. A registration that died half
// way is finished by retrying it: each item's idempotency key finds the
// case already registered.
func (s *Service) Register(ctx context.Context, scope cases.Scope, actor cases.Actor, in Batch) (b Batch, replayed bool, err error) {
	if actor.Role != cases.RoleOffice {
		return Batch{}, false, cases.Refused("role", "巡察移交问题须由监督检查处室登记")
	}
	return s.register(ctx, scope, actor, in)
}

// RegisterByTeam registers a batch a patrol team refers itself, during or
// after its patrol: the actor acts as a patrol user, the batch must name a
// round and team the actor is a member of (TeamMayRefer), and each item's
// unit must lie in scope — a patrol user's scope is their teams' units.
// Otherwise as Register.
func (s *Service) RegisterByTeam(ctx context.Context, scope cases.Scope, actor cases.Actor, teams []TeamRef, in Batch) (Batch, bool, error) {
	if actor.Role != cases.RolePatrol {
		return Batch{}, false, cases.Refused("role", "只有巡察组成员可以移交本组发现的问题")
	}
	if err := TeamMayRefer(teams, Normalize(in)); err != nil {
		return Batch{}, false, err
	}
	return s.register(ctx, scope, actor, in)
}

func (s *Service) register(ctx context.Context, scope cases.Scope, actor cases.Actor, in Batch) (b Batch, replayed bool, err error) {
	b, err = s.Check(scope, in)
	if err != nil {
		return Batch{}, false, err
	}
	// Each item keeps its unit's name and region from the start, so that
	// who may see the batch is decided even before its cases exist.
	for i, it := range b.Items {
		u, err := s.cfg.Cases.Unit(ctx, scope, it.UnitCode)
		if err != nil {
			return Batch{}, false, fmt.Errorf("unit %s of item %d: %w", it.UnitCode, i+1, err)
		}
		b.Items[i].UnitName, b.Items[i].Region = u.Name, append([]string{}, u.Region...)
	}
	s.reg.Lock()
	defer s.reg.Unlock()
	b.RegisteredBy, b.CreatedAt = actor, cases.TruncateTime(s.cfg.Now())
	err = s.cfg.Store.InsertBatch(ctx, b)
	if cases.ErrorCode(err) == cases.ECONFLICT {
		old, ferr := s.cfg.Store.FindBatch(ctx, b.ID)
		if ferr != nil {
			return Batch{}, false, fmt.Errorf("read batch %s: %w", b.ID, ferr)
		}
		if old.Hash != b.Hash {
			return Batch{}, false, cases.Conflict("%s的移交函 %s 已登记，本次提交的内容与已登记的不同", b.Office, b.LetterNo)
		}
		b, replayed = old, true
		if b.Complete() {
			s.remember(b)
			return b, true, nil
		}
	} else if err != nil {
		return Batch{}, false, fmt.Errorf("record batch %s: %w", b.LetterNo, err)
	}
	// The cases are registered by whoever recorded the batch, so that a
	// retry by a colleague replays the same registrations.
	for i := range b.Items {
		c, _, err := s.cfg.Cases.RegisterFrom(ctx, scope, b.RegisteredBy, Registration(b, i), ItemKey(b.ID, i), Origin(b.ID))
		if err != nil {
			return Batch{}, false, fmt.Errorf("register item %d of batch %s: %w", i+1, b.LetterNo, err)
		}
		b.Items[i].CaseNo, b.Items[i].UnitName, b.Items[i].Region = c.No, c.UnitName, c.Region
	}
	if err := s.cfg.Store.PutBatch(ctx, b); err != nil {
		return Batch{}, false, fmt.Errorf("record cases of batch %s: %w", b.LetterNo, err)
	}
	s.remember(b)
	return b, replayed, nil
}

func (s *Service) remember(b Batch) {
	s.mu.Lock()
	s.byID[b.ID] = b
	s.mu.Unlock()
}

// Batch returns a batch v may see; ENOTFOUND otherwise, so that a batch
// outside one's view is not revealed.
func (s *Service) Batch(ctx context.Context, v Viewer, id string) (Batch, error) {
	s.mu.RLock()
	b, ok := s.byID[id]
	s.mu.RUnlock()
	if !ok {
		// Recorded by another process since start-up.
		var err error
		if b, err = s.cfg.Store.FindBatch(ctx, id); err != nil {
			if cases.ErrorCode(err) == cases.ENOTFOUND {
				return Batch{}, cases.NotFound("没有此移交批次")
			}
			return Batch{}, fmt.Errorf("read batch %s: %w", id, err)
		}
		s.remember(b)
	}
	if !Visible(b, v) {
		return Batch{}, cases.NotFound("没有此移交批次")
	}
	return b, nil
}

// Filter selects batches in a list.
type Filter struct {
	Viewer Viewer
	// Q matches the letter number, referring office, round or team.
	Q             string
	Page, PerPage int
}

// Batches lists the batches f's viewer may see, newest received first,
// and how many match.
func (s *Service) Batches(f Filter) ([]Batch, int) {
	s.mu.RLock()
	var all []Batch
	q := strings.TrimSpace(f.Q)
	for _, b := range s.byID {
		if !Visible(b, f.Viewer) {
			continue
		}
		if q != "" && !strings.Contains(b.LetterNo+"\x00"+b.Office+"\x00"+b.Round+"\x00"+b.Team, q) {
			continue
		}
		all = append(all, b)
	}
	s.mu.RUnlock()
	slices.SortFunc(all, func(a, b Batch) int {
		if c := strings.Compare(b.Received, a.Received); c != 0 {
			return c
		}
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if f.PerPage <= 0 {
		f.PerPage = 20
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	from := min((f.Page-1)*f.PerPage, len(all))
	to := min(from+f.PerPage, len(all))
	return all[from:to], len(all)
}

// Feedback issues the batch's feedback letter: the final 反馈函 listing
// every item when all are settled, else an interim letter (阶段性反馈) for
// those settled so far. Asked again with nothing changed, it returns the
// letter already issued (documents.Service.Feedback is once per basis).
func (s *Service) Feedback(ctx context.Context, scope cases.Scope, actor cases.Actor, v Viewer, id string) (Letter, documents.Issued, error) {
	b, err := s.Batch(ctx, v, id)
	if err != nil {
		return Letter{}, documents.Issued{}, err
	}
	states := map[string]cases.State{}
	for _, it := range b.Items {
		if it.CaseNo == "" {
			continue
		}
		c, err := s.cfg.Cases.Case(ctx, scope, it.CaseNo)
		if err != nil {
			return Letter{}, documents.Issued{}, fmt.Errorf("read case %s of batch %s: %w", it.CaseNo, b.LetterNo, err)
		}
		states[c.No] = c.State
	}
	nos, final, err := LetterCases(b.Items, states)
	if err != nil {
		return Letter{}, documents.Issued{}, err
	}
	out, _, err := s.cfg.Documents.Feedback(ctx, scope, actor,
		documents.FeedbackRequest{Addressee: b.Office, Reference: b.LetterNo, Cases: nos, Interim: !final, Total: len(b.Items)}, false)
	if err != nil {
		return Letter{}, documents.Issued{}, err
	}
	l := Letter{DocumentID: out.Document.ID, Number: out.Document.Number, Final: final, Cases: nos, IssuedAt: out.Document.IssuedAt}
	s.reg.Lock()
	defer s.reg.Unlock()
	// Re-read: another request may have recorded a letter meanwhile.
	if cur, err := s.cfg.Store.FindBatch(ctx, b.ID); err == nil {
		b = cur
	}
	if !slices.ContainsFunc(b.Letters, func(x Letter) bool { return x.DocumentID == l.DocumentID }) {
		b.Letters = append(b.Letters, l)
		if err := s.cfg.Store.PutBatch(ctx, b); err != nil {
			return Letter{}, documents.Issued{}, fmt.Errorf("record letter %s on batch %s: %w", l.Number, b.LetterNo, err)
		}
	}
	s.remember(b)
	return l, out, nil
}

// Outcome is what a feedback letter says of a case, its dates in the
// office's zone loc.
func Outcome(c cases.Case, loc *time.Location) string { return documents.Outcome(c, loc) }

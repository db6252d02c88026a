package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
)

// Catalog answers whether a case source or a violation kind exists.
type Catalog interface {
	HasSource(code string) bool
	SourceNeedsRef(code string) bool
	HasKind(code string) bool
}

// Service runs the ledger: registration with gapless numbering, transitions
// through the state machine, projections kept in step with events.
type Service struct {
	store Store
	cal   Calendar
	cat   Catalog
	loc   *time.Location
	now   func() time.Time
	log   *slog.Logger

	mu   sync.Mutex
	next map[int]int // year → ordinal to try first; only a hint
}

// Config wires a Service. Now defaults to time.Now, Location to UTC+8, Log to
// slog.Default().
type Config struct {
	Store    Store
	Calendar Calendar
	Catalog  Catalog
	Location *time.Location
	Now      func() time.Time
	Log      *slog.Logger
}

// NewService returns a ledger service.
func NewService(cfg Config) *Service {
	s := &Service{store: cfg.Store, cal: cfg.Calendar, cat: cfg.Catalog, loc: cfg.Location, now: cfg.Now, log: cfg.Log, next: map[int]int{}}
	if s.loc == nil {
		s.loc = time.FixedZone("CST", 8*3600)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// Today is the office's current date, YYYY-MM-DD.
func (s *Service) Today() string { return s.now().In(s.loc).Format(time.DateOnly) }

// YellowUntil is the last date whose deadline makes a case yellow today.
func (s *Service) YellowUntil(today string) string {
	d, err := s.cal.AddWorkingDays(today, YellowDays)
	if err != nil {
		// Outside the calendar's years: fall back to calendar days.
		t, _ := time.Parse(time.DateOnly, today)
		return t.AddDate(0, 0, YellowDays+2).Format(time.DateOnly)
	}
	return d
}

// Light is the current light of c.
func (s *Service) Light(c Case) Light { return s.Lighter()(c) }

// Lighter fixes today's date and the yellow limit once and returns the
// light of any case against them: for lights of many cases at one moment.
func (s *Service) Lighter() func(Case) Light {
	today := s.Today()
	until := s.YellowUntil(today)
	return func(c Case) Light { return LightOf(c, today, until) }
}

// MaxIdempotencyKey is the longest Idempotency-Key accepted.
const MaxIdempotencyKey = 128

// keyPendingTimeout is how long a claimed key may stay without a case before
// a retry may assume the first attempt died before writing anything.
const keyPendingTimeout = 2 * time.Minute

// Register validates r, claims the next ledger number of the current year
// and records the case's first event. With an idempotency key, a repeated
// request returns the case the first one created and replayed=true.
func (s *Service) Register(ctx context.Context, scope Scope, actor Actor, r Registration, key string) (c Case, replayed bool, err error) {
	if !contains(RegisterRoles, actor.Role) {
		return Case{}, false, Refused("role", "登记问题线索须由监督检查处室、举报受理或巡察组人员办理，角色 %s 不可登记", actor.Role)
	}
	reg, err := s.validateRegistration(ctx, scope, r)
	if err != nil {
		return Case{}, false, err
	}
	if key != "" {
		no, err := s.claimKey(ctx, key, requestHash(actor, r))
		if err != nil {
			return Case{}, false, err
		}
		if no != "" {
			c, err := s.load(ctx, no)
			return c, true, err
		}
		reg.IdempotencyKey = key
	}
	now := s.now()
	reg.Year = now.In(s.loc).Year()
	ord, err := s.firstOrdinal(ctx, reg.Year)
	if err != nil {
		return Case{}, false, err
	}
	for attempt := 0; attempt < 1000; attempt++ {
		reg.Ordinal = ord
		rg := reg
		e := Seal(Event{CaseNo: FormatNo(reg.Year, ord), Seq: 1, Action: ActionRegister, To: StateRegistered,
			Actor: actor, At: now, Registered: &rg}, "")
		err := s.store.InsertEvent(ctx, e)
		if err == nil {
			s.setNext(reg.Year, ord+1)
			c := s.project(ctx, Apply(Case{}, e))
			if key != "" {
				if err := s.store.CompleteKey(ctx, key, c.No); err != nil {
					// The event carries the key, so a retry still finds the case.
					s.log.Warn("record idempotency key", "key", key, "case", c.No, "err", err)
				}
			}
			return c, false, nil
		}
		if ErrorCode(err) != ECONFLICT {
			return Case{}, false, fmt.Errorf("register case %s: %w", e.CaseNo, err)
		}
		// Someone else took this number: continue after the highest taken.
		last, err := s.lastClaimed(ctx, reg.Year, ord+1)
		if err != nil {
			return Case{}, false, fmt.Errorf("register case: %w", err)
		}
		ord = last + 1
	}
	return Case{}, false, Conflict("could not claim a ledger number; try again")
}

func (s *Service) validateRegistration(ctx context.Context, scope Scope, r Registration) (Registered, error) {
	r.Source, r.SourceRef, r.UnitCode = strings.TrimSpace(r.Source), strings.TrimSpace(r.SourceRef), strings.TrimSpace(r.UnitCode)
	r.Kind, r.Title, r.Facts, r.Assignee = strings.TrimSpace(r.Kind), strings.TrimSpace(r.Title), strings.TrimSpace(r.Facts), strings.TrimSpace(r.Assignee)
	if !s.cat.HasSource(r.Source) {
		return Registered{}, Invalid("source", "未知的问题来源「%s」", r.Source)
	}
	if err := checkText("source_ref", r.SourceRef, MaxShortText, s.cat.SourceNeedsRef(r.Source)); err != nil {
		return Registered{}, err
	}
	if !ValidUnitCode(r.UnitCode) {
		return Registered{}, Invalid("unit_code", "单位代码「%s」格式不正确", r.UnitCode)
	}
	if !s.cat.HasKind(r.Kind) {
		return Registered{}, Invalid("violation_kind", "未知的问题类型「%s」", r.Kind)
	}
	if err := checkText("title", r.Title, MaxShortText, true); err != nil {
		return Registered{}, err
	}
	if err := checkText("facts", r.Facts, MaxLongText, true); err != nil {
		return Registered{}, err
	}
	if !r.Level.Valid() {
		return Registered{}, Invalid("level", "密级须为公开、内部或秘密")
	}
	if err := checkText("assignee", r.Assignee, MaxShortText, false); err != nil {
		return Registered{}, err
	}
	u, err := s.store.FindUnit(ctx, r.UnitCode)
	if ErrorCode(err) == ENOTFOUND || (err == nil && !scope.AllowsUnit(u)) {
		return Registered{}, Invalid("unit_code", "没有代码为「%s」的单位", r.UnitCode)
	} else if err != nil {
		return Registered{}, fmt.Errorf("register case: %w", err)
	}
	return Registered{Registration: r, UnitName: u.Name, Region: append([]string{}, u.Region...)}, nil
}

func requestHash(actor Actor, r Registration) string {
	b, _ := json.Marshal(struct {
		A string
		R Registration
	}{actor.ID, r})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// claimKey returns the case number an earlier request with key produced, or
// "" when this request now owns the key.
func (s *Service) claimKey(ctx context.Context, key, hash string) (string, error) {
	if len(key) > MaxIdempotencyKey || strings.TrimFunc(key, func(r rune) bool { return r > ' ' && r < 0x7f }) != "" {
		return "", Invalid("Idempotency-Key", "Idempotency-Key must be 1-%d printable ASCII characters", MaxIdempotencyKey)
	}
	for attempt := 0; attempt < 2; attempt++ {
		old, claimed, err := s.store.ClaimKey(ctx, KeyRecord{Key: key, RequestHash: hash, CreatedAt: TruncateTime(s.now())})
		if err != nil {
			return "", fmt.Errorf("claim idempotency key: %w", err)
		}
		if claimed {
			return "", nil
		}
		if old.RequestHash != hash {
			return "", Invalid("Idempotency-Key", "this Idempotency-Key was used for a different request")
		}
		if old.CaseNo != "" {
			return old.CaseNo, nil
		}
		no, err := s.store.FindRegistrationByKey(ctx, key)
		if err == nil {
			_ = s.store.CompleteKey(ctx, key, no)
			return no, nil
		}
		if ErrorCode(err) != ENOTFOUND {
			return "", fmt.Errorf("find registration by key: %w", err)
		}
		if s.now().Sub(old.CreatedAt) < keyPendingTimeout {
			return "", Conflict("a request with this Idempotency-Key is still in progress; retry shortly")
		}
		// The first attempt died before registering anything: take the key over.
		if err := s.store.ReleaseKey(ctx, key); err != nil {
			return "", fmt.Errorf("release stale idempotency key: %w", err)
		}
	}
	return "", Conflict("a request with this Idempotency-Key is still in progress; retry shortly")
}

func (s *Service) firstOrdinal(ctx context.Context, year int) (int, error) {
	s.mu.Lock()
	n := s.next[year]
	s.mu.Unlock()
	if n > 0 {
		return n, nil
	}
	last, err := s.lastClaimed(ctx, year, 1)
	if err != nil {
		return 0, fmt.Errorf("find last ledger number of %d: %w", year, err)
	}
	return last + 1, nil
}

// lastClaimed returns the highest ordinal of year whose first event exists,
// searching upwards from ordinal from (all below it are known to be taken).
func (s *Service) lastClaimed(ctx context.Context, year, from int) (int, error) {
	return LastTaken(from, func(ord int) (bool, error) {
		_, err := s.store.FindEvent(ctx, FormatNo(year, ord), 1)
		if ErrorCode(err) == ENOTFOUND {
			return false, nil
		}
		return err == nil, err
	})
}

func (s *Service) setNext(year, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n > s.next[year] {
		s.next[year] = n
	}
}

// LastTaken returns the highest n ≥ from-1 such that taken(n) holds, given
// that numbers are claimed by unique inserts and so form a prefix 1..n:
// galloping then bisecting finds n with O(log n) lookups by key, which every
// engine indexes (FerretDB v1 indexes nothing else). Were a gap ever made by
// hand, the result would only be low, and the next insert conflict would
// search again: correctness never depends on it.
func LastTaken(from int, taken func(n int) (bool, error)) (int, error) {
	lo, step := from-1, 1 // lo is taken (or 0)
	hi := 0               // hi is free
	for {
		ok, err := taken(lo + step)
		if err != nil {
			return 0, err
		}
		if !ok {
			hi = lo + step
			break
		}
		lo += step
		step *= 2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := taken(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// project writes c's projection, then folds in any event that another
// writer recorded meanwhile and writes again. Because every event is inserted
// before its writer writes the projection, the last projection written is
// never older than the last event. A failed write is only logged: the events
// are recorded, and the next read or `rectify verify --repair` heals it.
func (s *Service) project(ctx context.Context, c Case) Case {
	for {
		if err := s.store.PutCase(ctx, c); err != nil {
			s.log.Error("write case projection", "case", c.No, "err", err)
			return c
		}
		next, err := s.store.FindEvent(ctx, c.No, c.Version+1)
		if err != nil {
			if ErrorCode(err) != ENOTFOUND {
				s.log.Error("check for newer events", "case", c.No, "err", err)
			}
			return c
		}
		c = Apply(c, next)
	}
}

// Case returns the current view of case no if scope allows it; a case
// outside the scope is "not found", exactly like a missing one.
func (s *Service) Case(ctx context.Context, scope Scope, no string) (Case, error) {
	c, err := s.load(ctx, no)
	if err != nil {
		return Case{}, err
	}
	if !scope.AllowsCase(c) {
		return Case{}, NotFound("no case %s", no)
	}
	return c, nil
}

// load returns the current view of case no, folding in events its stored
// projection has not caught up with.
func (s *Service) load(ctx context.Context, no string) (Case, error) {
	if _, _, err := ParseNo(no); err != nil {
		return Case{}, err
	}
	c, err := s.store.FindCase(ctx, no)
	if ErrorCode(err) == ENOTFOUND {
		first, err2 := s.store.FindEvent(ctx, no, 1)
		if ErrorCode(err2) == ENOTFOUND {
			return Case{}, NotFound("no case %s", no)
		} else if err2 != nil {
			return Case{}, fmt.Errorf("find case %s: %w", no, err2)
		}
		return s.project(ctx, Apply(Case{}, first)), nil
	} else if err != nil {
		return Case{}, fmt.Errorf("find case %s: %w", no, err)
	}
	next, err := s.store.FindEvent(ctx, no, c.Version+1)
	if err == nil {
		c = s.project(ctx, Apply(c, next))
	} else if ErrorCode(err) != ENOTFOUND {
		return Case{}, fmt.Errorf("find case %s: %w", no, err)
	}
	return c, nil
}

// Transition takes action on case no. If expectedVersion is not zero, the
// case must be at that version (optimistic concurrency for forms that show
// a case and post later). Of concurrent transitions from the same version
// exactly one is recorded; the others get ECONFLICT.
func (s *Service) Transition(ctx context.Context, scope Scope, no string, actor Actor, a Action, in Input, comment string, expectedVersion int) (Case, Event, error) {
	c, err := s.Case(ctx, scope, no)
	if err != nil {
		return Case{}, Event{}, err
	}
	if expectedVersion != 0 && expectedVersion != c.Version {
		return Case{}, Event{}, Conflict("案件 %s 已被他人更新（当前版本 %d，提交时版本 %d），请刷新后重试", no, c.Version, expectedVersion)
	}
	e, err := Decide(c, a, actor, in, comment, s.Today(), s.cal)
	if err != nil {
		return Case{}, Event{}, err
	}
	e.At = s.now()
	e = Seal(e, c.HeadHash)
	if err := s.store.InsertEvent(ctx, e); err != nil {
		if ErrorCode(err) == ECONFLICT {
			return Case{}, Event{}, Conflict("案件 %s 已被他人同时更新，请刷新后重试", no)
		}
		return Case{}, Event{}, fmt.Errorf("record %s on case %s: %w", a, no, err)
	}
	return s.project(ctx, Apply(c, e)), e, nil
}

// Events returns the events of case no in order.
func (s *Service) Events(ctx context.Context, scope Scope, no string) ([]Event, error) {
	if _, err := s.Case(ctx, scope, no); err != nil {
		return nil, err
	}
	evs, err := s.store.FindEvents(ctx, no)
	if err != nil {
		return nil, fmt.Errorf("find events of %s: %w", no, err)
	}
	return evs, nil
}

// Cases lists cases matching f, with the total.
func (s *Service) Cases(ctx context.Context, f CaseFilter) ([]Case, int, error) {
	if !f.Scope.Valid() {
		return nil, 0, fmt.Errorf("list cases: no scope given")
	}
	f.Today = s.Today()
	f.YellowUntil = s.YellowUntil(f.Today)
	f.Page, f.PerPage = normalizePage(f.Page, f.PerPage)
	cs, n, err := s.store.FindCases(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("list cases: %w", err)
	}
	return cs, n, nil
}

// MaxPerPage is the largest page a list returns.
const MaxPerPage = 500

func normalizePage(page, per int) (int, int) {
	if page < 1 {
		page = 1
	}
	if per < 1 {
		per = 50
	}
	return page, min(per, MaxPerPage)
}

// Units lists units matching f, with the total.
func (s *Service) Units(ctx context.Context, f UnitFilter) ([]Unit, int, error) {
	if !f.Scope.Valid() {
		return nil, 0, fmt.Errorf("list units: no scope given")
	}
	f.Page, f.PerPage = normalizePage(f.Page, f.PerPage)
	us, n, err := s.store.FindUnits(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("list units: %w", err)
	}
	return us, n, nil
}

// Unit returns one unit if scope allows it.
func (s *Service) Unit(ctx context.Context, scope Scope, code string) (Unit, error) {
	if !ValidUnitCode(code) {
		return Unit{}, Invalid("code", "unit code %q is malformed", code)
	}
	u, err := s.store.FindUnit(ctx, code)
	if ErrorCode(err) == ENOTFOUND || (err == nil && !scope.AllowsUnit(u)) {
		return Unit{}, NotFound("no unit with code %s", code)
	}
	return u, err
}

// ImportUnits validates every unit first and writes only if all are valid.
func (s *Service) ImportUnits(ctx context.Context, units []Unit) error {
	seen := map[string]bool{}
	for i, u := range units {
		if err := u.Validate(); err != nil {
			return fmt.Errorf("unit %d: %w", i+1, err)
		}
		if seen[u.Code] {
			return Invalid("code", "unit code %s appears twice", u.Code)
		}
		seen[u.Code] = true
	}
	now := TruncateTime(s.now())
	for i := range units {
		units[i].UpdatedAt = now
	}
	if err := s.store.PutUnits(ctx, units); err != nil {
		return fmt.Errorf("import units: %w", err)
	}
	return nil
}

// Standing evaluates whether unit code's applications must be refused.
func (s *Service) Standing(ctx context.Context, scope Scope, code string) (Standing, error) {
	u, err := s.Unit(ctx, scope, code)
	if err != nil {
		return Standing{}, err
	}
	// The standing counts every case of the unit, whatever the viewer's
	// unit restriction: it is a verdict on the unit, not a case list.
	var open []Case
	f := CaseFilter{Scope: GlobalScope, UnitCode: code, States: OpenStates, PerPage: MaxPerPage}
	for page := 1; ; page++ {
		f.Page = page
		cs, total, err := s.Cases(ctx, f)
		if err != nil {
			return Standing{}, err
		}
		open = append(open, cs...)
		if len(open) >= total || len(cs) == 0 {
			break
		}
	}
	today := s.Today()
	return EvaluateStanding(u, open, today, s.YellowUntil(today)), nil
}

// CountByState counts the cases matching f (whatever its States) per state.
func (s *Service) CountByState(ctx context.Context, f CaseFilter) (map[State]int, error) {
	if !f.Scope.Valid() {
		return nil, fmt.Errorf("count cases: no scope given")
	}
	f.Today = s.Today()
	f.YellowUntil = s.YellowUntil(f.Today)
	n, err := s.store.CountCasesByState(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("count cases: %w", err)
	}
	return n, nil
}

// Regions lists the region keys (every level) of the units within scope,
// for region pickers.
func (s *Service) Regions(ctx context.Context, scope Scope) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	f := UnitFilter{Scope: scope, PerPage: MaxPerPage}
	for f.Page = 1; ; f.Page++ {
		us, total, err := s.Units(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			for i := range u.Region {
				if k := RegionKey(u.Region[:i+1]); !seen[k] && scope.AllowsRegion(u.Region[:i+1]) {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
		if len(us) == 0 || f.Page*f.PerPage >= total {
			break
		}
	}
	sort.Strings(out)
	return out, nil
}

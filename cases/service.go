package cases

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// Catalog answers whether a case source or a violation kind exists.
type Catalog interface {
	HasSource(code string) bool
	SourceNeedsRef(code string) bool
	HasKind(code string) bool
}

// Service runs the ledger: registration with gapless numbering, transitions
// through the state machine, and every read of cases and units, answered
// from the view this process keeps in memory.
type Service struct {
	*ledger
	now func() time.Time
}

// ledger is what the services of one process share: the store, the view
// and the writer that keeps them in step.
type ledger struct {
	store Store
	cal   Calendar
	cat   Catalog
	loc   *time.Location
	log   *slog.Logger
	cfg   Config
	view  *view
	id    string // this process, as journal entries name it
	// anchor is the latest checkpoint's heads and the chain faults found.
	anchor anchorState

	queue    chan *write
	closeMu  sync.RWMutex
	closed   bool
	stop     chan struct{}
	loopDone chan struct{}
	snapDone chan struct{}
	snapReq  chan struct{}
	bg       sync.WaitGroup // background work: reconciliation
	bgCancel context.CancelFunc
	once     sync.Once

	// Owned by the writer loop.
	pos       int64        // the last journal position applied
	next      map[int]int  // year → ordinal to assign next; 0 = find out
	pending   []Change     // applied, not yet journaled
	idleTicks int          // ticks without a journal entry to read
	snapPos   atomic.Int64 // the position of the last snapshot

	listenMu  sync.Mutex
	listeners []func(Signal)

	snapMu   sync.Mutex // serialises snapshot writers
	lastSnap SnapshotInfo
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
	// FollowEvery is how often the writer reads the journal for what other
	// processes wrote, when it has nothing else to do (default 100 ms).
	FollowEvery time.Duration
	// SnapshotEvery is how many journal entries trigger a new snapshot
	// (default 2000); a snapshot is also written when the service closes.
	SnapshotEvery int
	// Passive opens the view without starting recovery or writing
	// snapshots: for verify, which must see the view as it is.
	Passive bool
}

// Open loads the ledger view — the latest snapshot and the journal after
// it, or, when there is no snapshot yet, every event — and starts the
// writer. Close stops it.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	l := &ledger{store: cfg.Store, cal: cfg.Calendar, cat: cfg.Catalog, loc: cfg.Location, log: cfg.Log, cfg: cfg,
		view: newView(), queue: make(chan *write, 1024), stop: make(chan struct{}), loopDone: make(chan struct{}),
		snapDone: make(chan struct{}), snapReq: make(chan struct{}, 1), next: map[int]int{}}
	if l.loc == nil {
		l.loc = defaultZone
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	if l.cfg.FollowEvery <= 0 {
		l.cfg.FollowEvery = 100 * time.Millisecond
	}
	if l.cfg.SnapshotEvery <= 0 {
		l.cfg.SnapshotEvery = 2000
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	l.id = hex.EncodeToString(b)
	s := &Service{ledger: l, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	reconcile, err := l.start(ctx, s.now)
	if err != nil {
		return nil, err
	}
	go l.run()
	go l.snapshots()
	if reconcile && !cfg.Passive {
		l.log.Info("正在后台按事件记录核对台账视图：上一个写入的进程未正常停止，或有其他进程正在写入")
		bctx, cancel := context.WithCancel(context.Background())
		l.bgCancel = cancel
		l.bg.Add(1)
		go func() {
			defer l.bg.Done()
			if err := l.reconcile(bctx); err != nil && bctx.Err() == nil {
				l.log.Error("按事件记录核对台账视图失败", "err", err)
			}
		}()
	}
	return s, nil
}

// Close stops the writer once everything submitted is recorded and
// journaled, and writes a snapshot so that the next start is quick. Other
// services sharing the ledger (WithClock) stop with it.
func (s *Service) Close(ctx context.Context) error {
	var err error
	s.once.Do(func() {
		if s.bgCancel != nil {
			s.bgCancel()
		}
		s.bg.Wait()
		s.closeMu.Lock()
		s.closed = true
		s.closeMu.Unlock()
		close(s.stop)
		<-s.loopDone
		<-s.snapDone
		if !s.cfg.Passive {
			err = s.writeSnapshot(ctx, len(s.pending) == 0)
		}
	})
	return err
}

// WithClock returns a service on the same ledger whose clock is now: for
// replaying data recorded at other times (the demo).
func (s *Service) WithClock(now func() time.Time) *Service {
	return &Service{ledger: s.ledger, now: now}
}

// OnSignal registers f to receive every signal, this process's and the
// others'. f runs on the writer: it must be quick.
func (s *Service) OnSignal(f func(Signal)) {
	s.listenMu.Lock()
	defer s.listenMu.Unlock()
	s.listeners = append(s.listeners, f)
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

// Case returns the current view of case no if scope allows it; a case
// outside the scope is "not found", exactly like a missing one.
func (s *Service) Case(ctx context.Context, scope Scope, no string) (Case, error) {
	c, err := s.load(ctx, no)
	if err != nil {
		return Case{}, err
	}
	if !scope.AllowsCase(c) {
		return Case{}, NotFound("没有编号为 %s 的问题", no)
	}
	return c, nil
}

// load returns case no from the view. A number the view does not hold may
// have just been registered by another process: its first event decides.
func (s *Service) load(ctx context.Context, no string) (Case, error) {
	if _, _, err := ParseNo(no); err != nil {
		return Case{}, err
	}
	if r, ok := s.view.get(no); ok {
		return r.c, nil
	}
	return s.catchUp(ctx, no)
}

// catchUp brings case no up to date from its events through the writer,
// so that the view never moves backwards. ENOTFOUND if it has none.
func (s *Service) catchUp(ctx context.Context, no string) (Case, error) {
	res, err := s.submit(ctx, &write{kind: writeCatchUp, no: no})
	if err != nil {
		return Case{}, err
	}
	if res.c.No == "" {
		return Case{}, NotFound("没有编号为 %s 的问题", no)
	}
	return res.c, nil
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
	if a == ActionAddSource && strings.TrimSpace(in.Source) != "" && !s.cat.HasSource(strings.TrimSpace(in.Source)) {
		return Case{}, Event{}, Invalid("source", "未知的问题来源「%s」", in.Source)
	}
	e, err := Decide(c, a, actor, in, comment, s.Today(), s.cal)
	if ErrorCode(err) == EREFUSED && expectedVersion == 0 {
		// The view may be a moment behind another process: a refusal is
		// only final against the events.
		if fresh, cerr := s.catchUp(ctx, no); cerr == nil && fresh.Version != c.Version {
			c = fresh
			e, err = Decide(c, a, actor, in, comment, s.Today(), s.cal)
		}
	}
	if err != nil {
		return Case{}, Event{}, err
	}
	e.At = s.now()
	e = Seal(e, c.HeadHash)
	res, err := s.submit(ctx, &write{kind: writeEvent, event: e})
	if err != nil {
		return Case{}, Event{}, err
	}
	return res.c, res.e, nil
}

// Events returns the events of case no in order. They are read by key, one
// per event, a few at a time; one past the view's version is read too, so
// that an event another process recorded a moment ago is not missed.
func (s *Service) Events(ctx context.Context, scope Scope, no string) ([]Event, error) {
	c, err := s.Case(ctx, scope, no)
	if err != nil {
		return nil, err
	}
	evs := make([]Event, c.Version+1)
	found := make([]bool, c.Version+1)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range evs {
		g.Go(func() error {
			e, err := s.store.FindEvent(gctx, no, i+1)
			if ErrorCode(err) == ENOTFOUND && i == c.Version {
				return nil
			}
			if err != nil {
				return fmt.Errorf("find events of %s: %w", no, err)
			}
			evs[i], found[i] = e, true
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if !found[c.Version] {
		return evs[:c.Version], nil
	}
	// The view is behind: bring the case up to date and read the rest.
	if c, err = s.catchUp(ctx, no); err != nil {
		return nil, err
	}
	for seq := len(evs) + 1; seq <= c.Version; seq++ {
		e, err := s.store.FindEvent(ctx, no, seq)
		if err != nil {
			return nil, fmt.Errorf("find events of %s: %w", no, err)
		}
		evs = append(evs, e)
	}
	return evs, nil
}

// LatestEvent returns the newest event of case no that keep accepts (any
// when keep is nil), reading back from the newest: a ledger line names the
// latest progress and needs one event, not the chain. It returns ENOTFOUND
// when the case is unknown or keep accepts none of its events.
func (s *Service) LatestEvent(ctx context.Context, scope Scope, no string, keep func(Event) bool) (Event, error) {
	c, err := s.Case(ctx, scope, no)
	if err != nil {
		return Event{}, err
	}
	for seq := c.Version; seq >= 1; seq-- {
		e, err := s.store.FindEvent(ctx, no, seq)
		if err != nil {
			return Event{}, fmt.Errorf("find latest event of %s: %w", no, err)
		}
		if keep == nil || keep(e) {
			return e, nil
		}
	}
	return Event{}, NotFound("案件 %s 没有符合条件的办理记录", no)
}

// Sync journals what this process has recorded and waits until its view
// includes everything journaled so far, by this process or any other.
func (s *Service) Sync(ctx context.Context) error {
	_, err := s.submit(ctx, &write{kind: writeSync})
	return err
}

// Links returns the ids of the documents and the evidence attached to case
// no, in the order they were attached, if scope allows the case.
func (s *Service) Links(ctx context.Context, scope Scope, no string) (docs, evidence []string, err error) {
	c, err := s.Case(ctx, scope, no)
	if err != nil {
		return nil, nil, err
	}
	r, _ := s.view.get(c.No)
	return r.docs, r.evidence, nil
}

// Link attaches a stored document or evidence record to cases, in this
// view and, through the journal, in every other.
func (s *Service) Link(ctx context.Context, l Link) error {
	_, err := s.submit(ctx, &write{kind: writeLink, link: &l})
	return err
}

// Signal sends a cache invalidation to every process (this one included).
func (s *Service) Signal(ctx context.Context, sig Signal) error {
	_, err := s.submit(ctx, &write{kind: writeSignal, signal: &sig})
	return err
}

// Ledger answers a case list: the page f asks for, the total, and the
// counts per state of the cases matching every filter but the state.
func (s *Service) Ledger(ctx context.Context, f CaseFilter) (LedgerPage, error) {
	if !f.Scope.Valid() {
		return LedgerPage{}, fmt.Errorf("list cases: no scope given")
	}
	f.Today = s.Today()
	f.YellowUntil = s.YellowUntil(f.Today)
	return s.view.find(f)
}

// Cases lists cases matching f, with the total.
func (s *Service) Cases(ctx context.Context, f CaseFilter) ([]Case, int, error) {
	p, err := s.Ledger(ctx, f)
	return p.Cases, p.Total, err
}

// AllCases returns every case matching f (its paging ignored), in its order.
func (s *Service) AllCases(ctx context.Context, f CaseFilter) ([]Case, error) {
	f.Page, f.PerPage = 1, math.MaxInt32
	p, err := s.Ledger(ctx, f)
	return p.Cases, err
}

// CountByState counts the cases matching f (whatever its States) per state.
func (s *Service) CountByState(ctx context.Context, f CaseFilter) (map[State]int, error) {
	p, err := s.Ledger(ctx, f)
	return p.Counts, err
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
	return page, per
}

// Units lists units matching f, with the total.
func (s *Service) Units(ctx context.Context, f UnitFilter) ([]Unit, int, error) {
	if !f.Scope.Valid() {
		return nil, 0, fmt.Errorf("list units: no scope given")
	}
	us, n := s.view.findUnits(f)
	return us, n, nil
}

// Unit returns one unit if scope allows it.
func (s *Service) Unit(ctx context.Context, scope Scope, code string) (Unit, error) {
	if !ValidUnitCode(code) {
		return Unit{}, Invalid("code", "单位代码「%s」格式不正确", code)
	}
	u, ok := s.view.unit(code)
	if !ok || !scope.AllowsUnit(u) {
		return Unit{}, NotFound("没有代码为 %s 的单位", code)
	}
	return u, nil
}

// ImportUnits validates every unit first and writes only if all are valid.
func (s *Service) ImportUnits(ctx context.Context, units []Unit) error {
	seen := map[string]bool{}
	for i, u := range units {
		if err := u.Validate(); err != nil {
			return fmt.Errorf("unit %d: %w", i+1, err)
		}
		if seen[u.Code] {
			return Invalid("code", "单位代码 %s 重复出现", u.Code)
		}
		seen[u.Code] = true
	}
	now := TruncateTime(s.now())
	for i := range units {
		units[i].UpdatedAt = now
		units[i].Roster = nil // the roster's word is read, never imported
	}
	if err := s.store.PutUnits(ctx, units); err != nil {
		return fmt.Errorf("import units: %w", err)
	}
	_, err := s.submit(ctx, &write{kind: writeUnits, units: units})
	return err
}

// Standing evaluates whether unit code's applications must be refused.
// The standing counts every case of the unit, whatever the viewer's unit
// restriction: it is a verdict on the unit, not a case list.
func (s *Service) Standing(ctx context.Context, scope Scope, code string) (Standing, error) {
	m, err := s.Standings(ctx, scope, []string{code})
	if err != nil {
		return Standing{}, err
	}
	return m[code], nil
}

// Standings evaluates the standing of each unit in codes, as Standing
// does for one, with one pass over the ledger for all of them. A code the
// scope does not allow is not found (ENOTFOUND), as in Standing.
func (s *Service) Standings(ctx context.Context, scope Scope, codes []string) (map[string]Standing, error) {
	units := make([]Unit, 0, len(codes))
	for _, code := range codes {
		u, err := s.Unit(ctx, scope, code)
		if err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	return s.StandingsOf(units), nil
}

// StandingsOf evaluates the standing of units the caller has read within
// its scope, as they are: a unit with a Roster attached is judged on the
// roster's head counts.
func (s *Service) StandingsOf(units []Unit) map[string]Standing {
	want := make(map[string]bool, len(units))
	for _, u := range units {
		want[u.Code] = true
	}
	open := s.view.openCasesOf(want)
	today := s.Today()
	until := s.YellowUntil(today)
	out := make(map[string]Standing, len(units))
	for _, u := range units {
		out[u.Code] = EvaluateStanding(u, open[u.Code], today, until)
	}
	return out
}

// Regions lists the region keys (every level) of the units within scope,
// for region pickers.
func (s *Service) Regions(ctx context.Context, scope Scope) ([]string, error) {
	return s.view.regions(scope), nil
}

// Size returns how many cases the ledger holds.
func (s *Service) Size() int { return s.view.size() }

package cases_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rectify/cases"
	"rectify/cases/casetest"
	"rectify/cases/documents"
	"rectify/storage/mongodb"
	"rectify/storage/mongotest"
)

// together runs f(0..n-1) in n goroutines released at the same moment.
func together(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			f(i)
		}(i)
	}
	close(start)
	wg.Wait()
}

func TestConcurrentRegistrationGetsConsecutiveNumbers(t *testing.T) {
	env := casetest.New(t, nil)
	ctx := context.Background()
	const n = 50
	nos := make([]string, n)
	errs := make([]error, n)
	together(n, func(i int) {
		// Each goroutine has its own service, as separate processes would.
		svc := casetest.Open(t, env.Config)
		c, _, err := svc.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
		nos[i], errs[i] = c.No, err
		if err == nil {
			errs[i] = svc.Sync(ctx) // journaled before the check below
		}
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	sort.Strings(nos)
	for i, no := range nos {
		if want := cases.FormatNo(year, i+1); no != want {
			t.Fatalf("numbers not consecutive: position %d is %s, want %s (all: %v)", i, no, want, nos)
		}
	}
	rep, err := env.Service.Verify(ctx, cases.VerifyOptions{})
	if err != nil || !rep.OK() || rep.Cases != n || len(rep.Warnings) != 0 {
		t.Fatalf("verify after concurrent registration: %+v, %v", rep, err)
	}
}

func TestConcurrentTransitionExactlyOneWins(t *testing.T) {
	env := casetest.New(t, nil)
	ctx := context.Background()
	c, _, err := env.Service.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	errs := make([]error, n)
	together(n, func(i int) {
		svc := casetest.Open(t, env.Config)
		_, _, errs[i] = svc.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionStartVerification, cases.Input{}, fmt.Sprint("goroutine ", i), 0)
	})
	wins := 0
	for _, err := range errs {
		switch code := cases.ErrorCode(err); code {
		case "":
			wins++
		case cases.ECONFLICT, cases.EREFUSED:
			// A loser that read the case after the winner's event sees
			// "verifying" and is refused by the state machine instead.
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d transitions won, want exactly 1", wins)
	}
	evs, err := env.Service.Events(ctx, cases.GlobalScope, c.No)
	if err != nil || len(evs) != 2 {
		t.Fatalf("events: %d, %v; want 2", len(evs), err)
	}
	got, _ := env.Service.Case(ctx, cases.GlobalScope, c.No)
	if got.State != cases.StateVerifying || got.Version != 2 {
		t.Fatalf("case after race: %s v%d", got.State, got.Version)
	}
}

func TestConcurrentTransitionFromSameVersionConflicts(t *testing.T) {
	// With expected_version every loser must get a conflict, never a refusal.
	env := casetest.New(t, nil)
	ctx := context.Background()
	c, _, _ := env.Service.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
	const n = 20
	errs := make([]error, n)
	together(n, func(i int) {
		svc := casetest.Open(t, env.Config)
		_, _, errs[i] = svc.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionAssign, cases.Input{Assignee: fmt.Sprint("承办人", i)}, "", c.Version)
	})
	wins, conflicts := 0, 0
	for _, err := range errs {
		switch cases.ErrorCode(err) {
		case "":
			wins++
		case cases.ECONFLICT:
			conflicts++
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	if wins != 1 || conflicts != n-1 {
		t.Fatalf("wins %d, conflicts %d; want 1 and %d", wins, conflicts, n-1)
	}
}

func TestLifecycleAndFourEyes(t *testing.T) {
	env := casetest.New(t, nil)
	ctx := context.Background()
	svc := env.Service
	c, _, err := svc.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		actor cases.Actor
		a     cases.Action
		in    cases.Input
		want  cases.State
	}{
		{casetest.Office, cases.ActionStartVerification, cases.Input{}, cases.StateVerifying},
		{casetest.Office, cases.ActionOrderRectification, cases.Input{Requirements: "清退超编人员", WorkingDays: 15}, cases.StateRectifying},
		{casetest.UnitActor, cases.ActionSubmit, cases.Input{Report: "已清退", Evidence: []string{"清退文件.pdf"}}, cases.StateSubmitted},
		{casetest.Office, cases.ActionConfirm, cases.Input{Note: "核验到位"}, cases.StateConfirmed},
	}
	for _, st := range steps {
		if c, _, err = svc.Transition(ctx, cases.GlobalScope, c.No, st.actor, st.a, st.in, "", 0); err != nil {
			t.Fatalf("%s: %v", st.a, err)
		}
		if c.State != st.want {
			t.Fatalf("%s: state %s, want %s", st.a, c.State, st.want)
		}
	}
	// The verifier, even holding the approver role, may not close.
	sameAsVerifier := cases.Actor{ID: casetest.Office.ID, Role: cases.RoleApprover}
	_, _, err = svc.Transition(ctx, cases.GlobalScope, c.No, sameAsVerifier, cases.ActionClose, cases.Input{}, "", 0)
	if e, ok := cases.AsError(err); !ok || e.Rule != "four-eyes" {
		t.Fatalf("verifier closing: %v, want four-eyes refusal", err)
	}
	c, _, err = svc.Transition(ctx, cases.GlobalScope, c.No, casetest.Approver, cases.ActionClose, cases.Input{Note: "同意销号"}, "", 0)
	if err != nil || c.State != cases.StateClosed || c.ClosedAt.IsZero() {
		t.Fatalf("close: %v %+v", err, c)
	}
	if rep, err := svc.Verify(ctx, cases.VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

func TestIdempotentRegistration(t *testing.T) {
	env := casetest.New(t, nil)
	ctx := context.Background()
	reg := casetest.Registration("QH001")
	first, replayed, err := env.Service.Register(ctx, cases.GlobalScope, casetest.Office, reg, "key-1")
	if err != nil || replayed {
		t.Fatalf("first: %v replayed=%v", err, replayed)
	}
	again, replayed, err := env.Service.Register(ctx, cases.GlobalScope, casetest.Office, reg, "key-1")
	if err != nil || !replayed || again.No != first.No {
		t.Fatalf("retry: %v replayed=%v %s vs %s", err, replayed, again.No, first.No)
	}
	other := reg
	other.Title = "另一个问题"
	if _, _, err := env.Service.Register(ctx, cases.GlobalScope, casetest.Office, other, "key-1"); cases.ErrorCode(err) != cases.EINVALID {
		t.Fatalf("key reused for another request: %v", err)
	}
	// Concurrent retries of one request make one case.
	nos := make(chan string, 10)
	together(10, func(int) {
		c, _, err := casetest.Open(t, env.Config).Register(ctx, cases.GlobalScope, casetest.Office, reg, "key-2")
		if err == nil {
			nos <- c.No
		} else if cases.ErrorCode(err) != cases.ECONFLICT {
			t.Errorf("concurrent retry: %v", err)
		}
	})
	close(nos)
	seen := map[string]bool{}
	for no := range nos {
		seen[no] = true
	}
	if len(seen) != 1 {
		t.Fatalf("concurrent retries made cases %v, want exactly one", seen)
	}
	if n := env.Counts(t)["events"]; n != 2 {
		t.Fatalf("%d registration events, want 2", n)
	}
}

// record inserts e as a process would that stopped before journaling it.
func record(t *testing.T, env *casetest.Env, c cases.Case, a cases.Action, in cases.Input) cases.Event {
	t.Helper()
	e, err := cases.Decide(c, a, casetest.Office, in, "", "2026-11-02", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.At = time.Now()
	e = cases.Seal(e, c.HeadHash)
	if errs := env.DB.InsertEvents(context.Background(), []cases.Event{e}, false); errs[0] != nil {
		t.Fatal(errs[0])
	}
	return e
}

func TestViewCatchesUpWithUnjournaledEvents(t *testing.T) {
	env := casetest.New(t, nil)
	ctx := context.Background()
	svc := env.Service
	c, _, _ := svc.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
	c, _, _ = svc.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)
	// An assignment recorded by a process that died before journaling it.
	record(t, env, c, cases.ActionAssign, cases.Input{Assignee: "甲"})
	if got, _ := svc.Case(ctx, cases.GlobalScope, c.No); got.Version != 2 {
		t.Fatalf("the view knew of the unjournaled event: v%d", got.Version)
	}
	t.Run("ReadingEventsCatchesUp", func(t *testing.T) {
		evs, err := svc.Events(ctx, cases.GlobalScope, c.No)
		if err != nil || len(evs) != 3 {
			t.Fatalf("events: %d, %v", len(evs), err)
		}
		if got, _ := svc.Case(ctx, cases.GlobalScope, c.No); got.Version != 3 || got.Assignee != "甲" {
			t.Fatalf("after reading the events: v%d %q", got.Version, got.Assignee)
		}
	})
	t.Run("ATransitionFromTheOldVersionConflictsAndCatchesUp", func(t *testing.T) {
		now, _ := svc.Case(ctx, cases.GlobalScope, c.No)
		record(t, env, now, cases.ActionAssign, cases.Input{Assignee: "乙"})
		_, _, err := svc.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionAssign, cases.Input{Assignee: "丙"}, "", 0)
		if cases.ErrorCode(err) != cases.ECONFLICT {
			t.Fatalf("transition from a stale view: %v, want a conflict", err)
		}
		if got, _ := svc.Case(ctx, cases.GlobalScope, c.No); got.Version != 4 || got.Assignee != "乙" {
			t.Fatalf("after the conflict: v%d %q", got.Version, got.Assignee)
		}
	})
	t.Run("AStartAfterAnUncleanStopReconciles", func(t *testing.T) {
		now, _ := svc.Case(ctx, cases.GlobalScope, c.No)
		// A process stops cleanly: its snapshot says nothing is unjournaled.
		if err := casetest.Open(t, env.Config).Close(ctx); err != nil {
			t.Fatal(err)
		}
		// Another starts (it journals that it did), records, and dies.
		casetest.Open(t, env.Config)
		record(t, env, now, cases.ActionAssign, cases.Input{Assignee: "丁"})
		fresh := casetest.Open(t, env.Config)
		// Reconciliation runs in the background, on its own schedule.
		casetest.Eventually(t, 20*time.Second, "the new process reconciles", func() bool {
			lp, err := fresh.Ledger(ctx, cases.CaseFilter{Scope: cases.GlobalScope, Text: c.No})
			if err != nil {
				t.Fatal(err)
			}
			return len(lp.Cases) == 1 && lp.Cases[0].Version == 5 && lp.Cases[0].Assignee == "丁"
		})
	})
}

func TestVerifyCatchesCorruption(t *testing.T) {
	env := casetest.New(t, nil)
	ctx := context.Background()
	var nos []string
	var cs []cases.Case
	for i := 0; i < 3; i++ {
		c, _, _ := env.Service.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
		c, _, _ = env.Service.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)
		nos, cs = append(nos, c.No), append(cs, c)
	}
	if rep, _ := env.Service.Verify(ctx, cases.VerifyOptions{}); !rep.OK() || len(rep.Faults) != 0 {
		t.Fatalf("clean ledger reported: %+v", rep)
	}
	t.Run("CorruptedEvent", func(t *testing.T) {
		if err := env.DB.RawUpdate(ctx, "events", mongodb.EventID(nos[1], 2), bson.M{"$set": bson.M{"comment": "事后篡改"}}); err != nil {
			t.Fatal(err)
		}
		rep, err := env.Service.Verify(ctx, cases.VerifyOptions{Repair: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK() || len(rep.Faults) != 1 || rep.Faults[0].CaseNo != nos[1] || rep.Faults[0].Seq != 2 || rep.Faults[0].Kind != "broken-chain" {
			t.Fatalf("got %+v, want one broken chain at %s event 2", rep.Faults, nos[1])
		}
		// The case's number is still taken: no gap is reported for it.
		if len(rep.Warnings) != 0 {
			t.Fatalf("warnings beside the broken chain: %v", rep.Warnings)
		}
		// Put it back for the next subtest.
		env.DB.RawUpdate(ctx, "events", mongodb.EventID(nos[1], 2), bson.M{"$unset": bson.M{"comment": ""}})
	})
	t.Run("StaleProjection", func(t *testing.T) {
		// A snapshot, then an event no entry reports: the view a server
		// loads from the two misses it.
		if err := casetest.Open(t, env.Config).Close(ctx); err != nil {
			t.Fatal(err)
		}
		record(t, env, cs[2], cases.ActionAssign, cases.Input{Assignee: "甲"})
		// A passive service sees the view as a starting server loads it.
		cfg := env.Config
		cfg.Passive = true
		passive := casetest.Open(t, cfg)
		rep, _ := passive.Verify(ctx, cases.VerifyOptions{})
		if rep.OK() || len(rep.Faults) != 1 || rep.Faults[0].CaseNo != nos[2] || rep.Faults[0].Kind != "stale-projection" {
			t.Fatalf("got %+v, want one stale projection of %s", rep.Faults, nos[2])
		}
		rep, _ = passive.Verify(ctx, cases.VerifyOptions{Repair: true})
		if !rep.OK() || !rep.Faults[0].Repaired {
			t.Fatalf("repair: %+v", rep.Faults)
		}
		if rep, _ = passive.Verify(ctx, cases.VerifyOptions{}); !rep.OK() || len(rep.Faults) != 0 {
			t.Fatalf("after repair: %+v", rep.Faults)
		}
		// The repair was journaled: the other process has it too, and a
		// process started now loads it from the snapshot the repair wrote.
		for _, svc := range []*cases.Service{env.Service, casetest.Open(t, env.Config)} {
			if err := svc.Sync(ctx); err != nil { // read the journal to its end
				t.Fatal(err)
			}
			if c, _ := svc.Case(ctx, cases.GlobalScope, nos[2]); c.Assignee != "甲" || c.Version != 3 {
				t.Fatalf("the repair did not reach a process: %+v", c)
			}
		}
	})
	t.Run("MissingLink", func(t *testing.T) {
		// Evidence recorded by a process that died before linking it.
		if err := env.DB.InsertEvidence(ctx, documents.Evidence{ID: "0123456789abcdef", CaseNo: nos[0], Name: "a.pdf", ContentType: "application/pdf",
			Size: 1, SHA256: "00", ObjectKey: "evidence/" + nos[0] + "/0123456789abcdef.pdf", UploadedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		rep, _ := env.Service.Verify(ctx, cases.VerifyOptions{})
		if rep.OK() || len(rep.Faults) != 1 || rep.Faults[0].Kind != "missing-link" || rep.Faults[0].CaseNo != nos[0] {
			t.Fatalf("got %+v", rep.Faults)
		}
		if rep, _ = env.Service.Verify(ctx, cases.VerifyOptions{Repair: true}); !rep.OK() {
			t.Fatalf("repair: %+v", rep.Faults)
		}
		if _, ev, _ := env.Service.Links(ctx, cases.GlobalScope, nos[0]); len(ev) != 1 || ev[0] != "0123456789abcdef" {
			t.Fatalf("evidence links after repair: %v", ev)
		}
	})
}

func TestStandingAndListFilters(t *testing.T) {
	// A clock in the past lets a deadline run out when the clock moves on.
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	env := casetest.New(t, func() time.Time { return now })
	ctx := context.Background()
	svc := env.Service
	c, _, _ := svc.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
	svc.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)
	c, _, err := svc.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionOrderRectification, cases.Input{Requirements: "r", WorkingDays: 5}, "", 0)
	if err != nil || c.Deadline != "2026-11-09" {
		t.Fatalf("deadline %s, %v", c.Deadline, err)
	}
	other, _, _ := svc.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("AP001"), "")

	st, _ := svc.Standing(ctx, cases.GlobalScope, "QH001")
	if st.Suspended {
		t.Fatalf("suspended before the deadline: %+v", st)
	}
	if got := svc.Light(c); got != cases.LightYellow {
		t.Fatalf("light %s, want yellow within 5 working days", got)
	}
	now = now.AddDate(0, 0, 10) // 2026-11-12: past the deadline
	st, _ = svc.Standing(ctx, cases.GlobalScope, "QH001")
	if !st.Suspended || st.Reasons[0].Rule != "overdue-rectification" || st.Reasons[0].Cases[0] != c.No {
		t.Fatalf("standing after deadline: %+v", st)
	}
	list := func(f cases.CaseFilter) []string {
		t.Helper()
		cs, total, err := svc.Cases(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if total != len(cs) {
			t.Fatalf("total %d, page %d", total, len(cs))
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.No)
		}
		return out
	}
	tests := []struct {
		name string
		f    cases.CaseFilter
		want []string
	}{
		{"Red", cases.CaseFilter{Scope: cases.GlobalScope, Light: cases.LightRed}, []string{c.No}},
		{"Green", cases.CaseFilter{Scope: cases.GlobalScope, Light: cases.LightGreen}, []string{other.No}},
		{"Yellow", cases.CaseFilter{Scope: cases.GlobalScope, Light: cases.LightYellow}, nil},
		{"RegionCounty", cases.CaseFilter{Scope: cases.GlobalScope, Region: "江南省/云州市/安平县"}, []string{other.No}},
		{"RegionCity", cases.CaseFilter{Scope: cases.GlobalScope, Region: "江南省/云州市"}, []string{other.No, c.No}},
		{"State", cases.CaseFilter{Scope: cases.GlobalScope, States: []cases.State{cases.StateRectifying}}, []string{c.No}},
		{"Unit", cases.CaseFilter{Scope: cases.GlobalScope, UnitCode: "AP001"}, []string{other.No}},
		{"Text", cases.CaseFilter{Scope: cases.GlobalScope, Text: "新进人员"}, []string{other.No, c.No}},
		{"TextIsLiteral", cases.CaseFilter{Scope: cases.GlobalScope, Text: ".*"}, nil},
		{"Source", cases.CaseFilter{Scope: cases.GlobalScope, Source: "hotline"}, nil},
		{"Kind", cases.CaseFilter{Scope: cases.GlobalScope, Kind: "B01", Year: 2026}, []string{other.No, c.No}},
		{"OtherYear", cases.CaseFilter{Scope: cases.GlobalScope, Year: 2025}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := list(tt.f)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	counts, err := svc.CountByState(ctx, cases.CaseFilter{Scope: cases.GlobalScope})
	if err != nil || counts[cases.StateRectifying] != 1 || counts[cases.StateRegistered] != 1 {
		t.Fatalf("counts %v %v", counts, err)
	}
	// AP001 is on the key-management list.
	if st, _ := svc.Standing(ctx, cases.GlobalScope, "AP001"); !st.Suspended || st.Reasons[0].Rule != "key-management" {
		t.Fatalf("AP001 standing %+v", st)
	}
	if _, err := svc.Standing(ctx, cases.GlobalScope, "NOPE"); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Fatalf("unknown unit: %v", err)
	}

	// The batch, one pass for every unit, answers as the rule does over
	// each unit's open cases listed one unit at a time.
	var codes []string
	for _, u := range casetest.Units {
		codes = append(codes, u.Code)
	}
	all, err := svc.Standings(ctx, cases.GlobalScope, codes)
	if err != nil || len(all) != len(codes) {
		t.Fatalf("standings of %v: %d, %v", codes, len(all), err)
	}
	today := svc.Today()
	for _, u := range casetest.Units {
		open, err := svc.AllCases(ctx, cases.CaseFilter{Scope: cases.GlobalScope, UnitCode: u.Code, States: cases.OpenStates})
		if err != nil {
			t.Fatal(err)
		}
		want := cases.EvaluateStanding(u, open, today, svc.YellowUntil(today))
		if fmt.Sprintf("%+v", all[u.Code]) != fmt.Sprintf("%+v", want) {
			t.Errorf("%s: batch %+v, want %+v", u.Code, all[u.Code], want)
		}
	}
	if !all["QH001"].Suspended || !all["QH002"].Suspended || all["QH002"].Reasons[0].Rule != "over-establishment" {
		t.Errorf("batch standings %+v", all)
	}
	county := cases.Scope{Region: "江南省/云州市/清河县"}
	if _, err := svc.Standings(ctx, county, []string{"QH001", "AP001"}); cases.ErrorCode(err) != cases.ENOTFOUND {
		t.Errorf("a unit outside the scope: %v", err)
	}
}

// logLines is a slog handler that keeps messages.
type logLines struct {
	mu   sync.Mutex
	msgs []string
}

func (l *logLines) Enabled(context.Context, slog.Level) bool { return true }
func (l *logLines) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, r.Message)
	return nil
}
func (l *logLines) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logLines) WithGroup(string) slog.Handler      { return l }
func (l *logLines) has(prefix string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.ContainsFunc(l.msgs, func(m string) bool { return strings.HasPrefix(m, prefix) })
}

// A start after a clean stop loads the snapshot and reads nothing else:
// its own first journal entry must not make it reconcile (at 100,000
// cases a reconciliation reads 200,000 events).
func TestCleanRestartDoesNotReconcile(t *testing.T) {
	ctx := context.Background()
	env := casetest.New(t, nil)
	cfg := env.Config
	cfg.Store = mongotest.Open(t)
	first, err := cases.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.ImportUnits(ctx, append([]cases.Unit(nil), casetest.Units...)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := first.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), ""); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		logs := &logLines{}
		cfg.Log = slog.New(logs)
		svc, err := cases.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if logs.has("正在后台按事件记录核对台账视图") {
			t.Errorf("start %d after a clean stop reconciles", i+2)
		}
		if svc.Size() != 1 {
			t.Errorf("start %d: %d cases", i+2, svc.Size())
		}
		if err := svc.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// The check can fail: a stop that is not clean is followed by one.
	logs := &logLines{}
	cfg.Log = slog.New(logs)
	crashed := casetest.Open(t, cfg) // never closed before the next start
	_ = crashed
	casetest.Open(t, cfg)
	if !logs.has("正在后台按事件记录核对台账视图") {
		t.Error("a start while another process writes did not reconcile")
	}
}

// Snapshots taken while the ledger grows prune the journal behind them,
// and a process starting afterwards sees every case: from the latest
// snapshot and the entries after it.
func TestSnapshotsPruneTheJournal(t *testing.T) {
	ctx := context.Background()
	env := casetest.New(t, nil)
	cfg := env.Config
	cfg.Store = mongotest.Open(t)
	cfg.SnapshotEvery = 4
	svc, err := cases.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.ImportUnits(ctx, append([]cases.Unit(nil), casetest.Units...)); err != nil {
		t.Fatal(err)
	}
	const n = 40
	for range n {
		if _, _, err := svc.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), ""); err != nil {
			t.Fatal(err)
		}
		if err := svc.Sync(ctx); err != nil { // one journal entry each
			t.Fatal(err)
		}
	}
	if err := svc.Close(ctx); err != nil { // waits for the snapshots
		t.Fatal(err)
	}
	var latest cases.SnapshotInfo
	for seq := 1; ; seq++ {
		info, err := cfg.Store.FindSnapshot(ctx, seq)
		if cases.ErrorCode(err) == cases.ENOTFOUND {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		latest = info
	}
	if latest.Seq < 3 || latest.Pruned == 0 || latest.Pruned > latest.Pos {
		t.Fatalf("latest snapshot %d at %d, pruned to %d: want several snapshots and a pruned journal", latest.Seq, latest.Pos, latest.Pruned)
	}
	for p := int64(1); p <= latest.Pos; p++ {
		_, err := cfg.Store.FindJournal(ctx, p)
		switch {
		case p <= latest.Pruned && cases.ErrorCode(err) != cases.ENOTFOUND:
			t.Fatalf("journal entry %d survived pruning to %d: %v", p, latest.Pruned, err)
		case p > latest.Pruned && err != nil:
			t.Fatalf("journal entry %d, after the pruned ones: %v", p, err)
		}
	}
	fresh := casetest.Open(t, cfg)
	if fresh.Size() != n {
		t.Fatalf("a new process sees %d cases, want %d", fresh.Size(), n)
	}
}

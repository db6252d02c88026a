package cases_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/casetest"
)

// moreUnits widen the test ledger to two cities and a city-level unit.
var moreUnits = []cases.Unit{
	{Code: "YZ001", Name: "中共云州市委办公室", Kind: "party", Region: []string{"江南省", "云州市"}},
	{Code: "JZ001", Name: "江州市财政局", Kind: "government", Region: []string{"江南省", "江州市"}},
	{Code: "DH001", Name: "东湖区人民医院", Kind: "institution", Region: []string{"江南省", "江州市", "东湖区"}},
}

// truth folds every stored event: what lists must show.
func truth(t *testing.T, env *casetest.Env) []cases.Case {
	t.Helper()
	byCase := map[string][]cases.Event{}
	if err := env.DB.ScanEvents(context.Background(), func(e cases.Event) error {
		byCase[e.CaseNo] = append(byCase[e.CaseNo], e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var out []cases.Case
	for no, evs := range byCase {
		c, fault := cases.CheckChain(no, sortBySeq(evs))
		if fault != nil {
			t.Fatalf("stored chain broken: %+v", fault)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].No < out[j].No })
	return out
}

func sortBySeq(evs []cases.Event) []cases.Event {
	sort.Slice(evs, func(i, j int) bool { return evs[i].Seq < evs[j].Seq })
	return evs
}

// step is one transition of randomWork.
type step struct {
	actor cases.Actor
	a     cases.Action
	in    cases.Input
}

// randomWork registers n cases through the given services and moves them
// along at random.
func randomWork(t *testing.T, r *rand.Rand, svcs []*cases.Service, n int) {
	t.Helper()
	ctx := context.Background()
	units := append(append([]cases.Unit{}, casetest.Units...), moreUnits...)
	words := []string{"超编进人", "吃空饷", "在编不在岗", "混岗", "超期借用", "领导职数超配", "YZ-Audit", "群众反映", "核定编制"}
	for i := 0; i < n; i++ {
		svc := svcs[r.IntN(len(svcs))]
		reg := casetest.Registration(units[r.IntN(len(units))].Code)
		reg.Source = []string{"patrol", "audit", "hotline"}[r.IntN(3)]
		reg.SourceRef = fmt.Sprintf("来源〔2026〕%d号", r.IntN(6))
		reg.Kind = []string{"A01", "B01", "C01"}[r.IntN(3)]
		reg.Title = words[r.IntN(len(words))] + words[r.IntN(len(words))]
		reg.Facts = words[r.IntN(len(words))] + "，" + words[r.IntN(len(words))] + fmt.Sprint(r.IntN(100), "人")
		c, _, err := svc.Register(ctx, cases.GlobalScope, casetest.Office, reg, "")
		if err != nil {
			t.Fatal(err)
		}
		steps := []step{
			{casetest.Office, cases.ActionStartVerification, cases.Input{}},
			{casetest.Office, cases.ActionOrderRectification, cases.Input{Requirements: "限期整改", WorkingDays: 1 + r.IntN(12)}},
			{casetest.UnitActor, cases.ActionSubmit, cases.Input{Report: "已整改", Evidence: []string{"报告.pdf"}}},
			{casetest.Office, cases.ActionConfirm, cases.Input{Note: "到位"}},
			{casetest.Approver, cases.ActionClose, cases.Input{}},
		}
		todo := steps[:r.IntN(len(steps)+1)]
		if len(todo) >= 3 && r.IntN(3) == 0 {
			// Sent back after the submission (or after its confirmation),
			// and now and then submitted again.
			back := cases.Input{Reason: "佐证材料不全"}
			todo = append(append([]step{}, todo[:min(len(todo), 3+r.IntN(2))]...), step{casetest.Office, cases.ActionReturn, back})
			if r.IntN(2) == 0 {
				todo = append(todo, steps[2])
			}
		}
		for _, st := range todo {
			svc := svcs[r.IntN(len(svcs))]
			next, _, err := svc.Transition(ctx, cases.GlobalScope, c.No, st.actor, st.a, st.in, "", 0)
			if cases.ErrorCode(err) == cases.ECONFLICT || cases.ErrorCode(err) == cases.EREFUSED {
				break // the other process had not heard of the last step yet
			}
			if err != nil {
				t.Fatalf("%s on %s: %v", st.a, c.No, err)
			}
			c = next
		}
	}
}

// syncViews has the writer journal what it recorded, then the reader catch up.
func syncViews(t *testing.T, writer, reader *cases.Service) {
	t.Helper()
	for _, s := range []*cases.Service{writer, reader} {
		if err := s.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// checkLists compares random lists of svc with the truth.
func checkLists(t *testing.T, r *rand.Rand, svc *cases.Service, all []cases.Case, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		f := cases.RandomFilter(r, all)
		f.Today = svc.Today()
		f.YellowUntil = svc.YellowUntil(f.Today)
		got, err := svc.Ledger(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cases.SamePage(got, cases.RefFind(all, f)); diff != "" {
			t.Fatalf("filter %+v: %s", f, diff)
		}
		if i%10 == 0 {
			tally, err := svc.Tally(ctx, f.Scope)
			if err != nil {
				t.Fatal(err)
			}
			if want := cases.RefTally(all, f); !reflect.DeepEqual(tally, want) {
				t.Fatalf("tally of %+v: %+v, want %+v", f.Scope, tally, want)
			}
		}
	}
}

func TestListsEqualAFilterOverTheEvents(t *testing.T) {
	now := time.Date(2026, 11, 5, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	env := casetest.New(t, func() time.Time { return now })
	ctx := context.Background()
	if err := env.Service.ImportUnits(ctx, append([]cases.Unit{}, moreUnits...)); err != nil {
		t.Fatal(err)
	}
	other := casetest.Open(t, env.Config) // another process on the same database
	r := rand.New(rand.NewPCG(11, 2026))
	randomWork(t, r, []*cases.Service{env.Service, other}, 120)
	syncViews(t, other, env.Service)
	checkLists(t, r, env.Service, truth(t, env), 300)

	t.Run("RightAfterWritesFromAnotherProcess", func(t *testing.T) {
		randomWork(t, r, []*cases.Service{other}, 30)
		syncViews(t, other, env.Service)
		checkLists(t, r, env.Service, truth(t, env), 200)
	})
	t.Run("WithoutWaiting", func(t *testing.T) {
		// The follower brings the other process's writes in by itself.
		randomWork(t, r, []*cases.Service{other}, 10)
		want := truth(t, env)
		casetest.Eventually(t, 20*time.Second, "the other process's writes reach this one", func() bool {
			got, _ := env.Service.Ledger(ctx, cases.CaseFilter{Scope: cases.GlobalScope, PerPage: 1000})
			return cases.SamePage(got, cases.RefFind(want, cases.CaseFilter{Scope: cases.GlobalScope, Page: 1, PerPage: 1000})) == ""
		})
	})
	t.Run("AProcessStartedNow", func(t *testing.T) {
		checkLists(t, r, casetest.Open(t, env.Config), truth(t, env), 200)
	})
	t.Run("AfterASnapshot", func(t *testing.T) {
		if err := casetest.Open(t, env.Config).Close(ctx); err != nil {
			t.Fatal(err)
		}
		randomWork(t, r, []*cases.Service{other}, 10)
		checkLists(t, r, casetest.Open(t, env.Config), truth(t, env), 200)
	})
}

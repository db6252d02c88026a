package cases_test

import (
	"context"
	"fmt"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
)

// BenchmarkRegister measures registering one case (number claim by event
// insert, view, journal entry) on the test engine.
func BenchmarkRegister(b *testing.B) {
	env := casetest.New(b, nil)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := env.Service.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRegisterParallel registers from several goroutines, each with its
// own service (as separate processes would), so numbers are contested.
func BenchmarkRegisterParallel(b *testing.B) {
	env := casetest.New(b, nil)
	ctx := context.Background()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		svc := casetest.Open(b, env.Config)
		for pb.Next() {
			if _, _, err := svc.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), ""); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkTransition measures one transition (decide on the view, event
// insert, journal entry).
func BenchmarkTransition(b *testing.B) {
	env := casetest.New(b, nil)
	ctx := context.Background()
	c, _, _ := env.Service.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration("QH001"), "")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := env.Service.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionAssign, cases.Input{Assignee: fmt.Sprint(i)}, "", 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListCases measures a filtered ledger page over 1,000 cases.
func BenchmarkListCases(b *testing.B) {
	env := casetest.New(b, nil)
	ctx := context.Background()
	for i := 0; i < 1000; i++ {
		unit := []string{"QH001", "QH002", "AP001"}[i%3]
		if _, _, err := env.Service.Register(ctx, cases.GlobalScope, casetest.Office, casetest.Registration(unit), ""); err != nil {
			b.Fatal(err)
		}
	}
	f := cases.CaseFilter{Scope: cases.GlobalScope, Region: "江南省/云州市/清河县", States: cases.OpenStates, Light: cases.LightGreen, PerPage: 50}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cs, total, err := env.Service.Cases(ctx, f)
		if err != nil || len(cs) != 50 || total != 667 {
			b.Fatalf("%d of %d: %v", len(cs), total, err)
		}
	}
}

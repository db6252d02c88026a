package cases

import (
	"math/rand/v2"
	"testing"
)

// benchView is a view of 100,000 random cases.
func benchView() *view {
	r := rand.New(rand.NewPCG(7, 2026))
	v := newView()
	v.mu.Lock()
	for ord := 1; ord <= 100_000; ord++ {
		v.put(&row{c: randomCase(r, ord)})
	}
	v.mu.Unlock()
	return v
}

// BenchmarkViewFind measures one ledger page (rows, total and counts per
// state) over 100,000 random cases, for the filters the console uses most.
// The HTTP-level figures are rectify bench's; this isolates the view.
func BenchmarkViewFind(b *testing.B) {
	v := benchView()
	base := CaseFilter{Today: "2026-11-05", YellowUntil: "2026-11-09", PerPage: 50}
	for _, tc := range []struct {
		name string
		f    func(CaseFilter) CaseFilter
	}{
		{"all newest first", func(f CaseFilter) CaseFilter { f.Scope = GlobalScope; return f }},
		{"open by deadline", func(f CaseFilter) CaseFilter {
			f.Scope, f.States, f.Sort = GlobalScope, OpenStates, "deadline"
			return f
		}},
		{"county red", func(f CaseFilter) CaseFilter {
			f.Scope, f.Light = Scope{Region: "江南省/云州市/清河县"}, LightRed
			return f
		}},
		{"one unit", func(f CaseFilter) CaseFilter { f.Scope, f.UnitCode = GlobalScope, "U3-1"; return f }},
		{"text", func(f CaseFilter) CaseFilter { f.Scope, f.Text = GlobalScope, "超期借用"; return f }},
		{"text as a linkage department sees it", func(f CaseFilter) CaseFilter {
			f.Scope, f.Text, f.TextAsSeen, f.SecretHidden = GlobalScope, "超期借用", true, true
			return f
		}},
		{"digits as a linkage department sees them", func(f CaseFilter) CaseFilter {
			f.Scope, f.Text, f.TextAsSeen, f.SecretHidden = GlobalScope, "2026", true, true
			return f
		}},
		{"page 100 by unit", func(f CaseFilter) CaseFilter {
			f.Scope, f.Sort, f.Page = GlobalScope, "unit", 100
			return f
		}},
	} {
		f := tc.f(base)
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := v.find(f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkViewTally measures the work-queue counts every console page
// shows (Service.Tally) over 100,000 random cases.
func BenchmarkViewTally(b *testing.B) {
	v := benchView()
	for _, sc := range []struct {
		name  string
		scope Scope
	}{{"city office", Scope{Region: "江南省/云州市"}}, {"one unit", Scope{Region: "江南省/云州市/清河县", Units: []string{"U3-1"}}}} {
		b.Run(sc.name, func(b *testing.B) {
			for b.Loop() {
				v.tally(CaseFilter{Scope: sc.scope, Today: "2026-11-05", YellowUntil: "2026-11-09"})
			}
		})
	}
}

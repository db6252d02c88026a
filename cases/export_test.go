package cases

import "math/rand/v2"

// For the tests of package cases_test, which run the ledger on a real
// engine and compare its lists with the same reference as the view's tests.
var (
	// RefFind answers a case list by filtering and sorting all cases.
	RefFind = refFind
	// SamePage compares two pages; "" when equal.
	SamePage = samePage
)

// RandomFilter returns a random filter over cases like all.
func RandomFilter(r *rand.Rand, all []Case) CaseFilter { return randomFilter(r, all) }

// RefTally counts all within f's scope as Tally must: by state, the open
// red ones, and those in rectification after being sent back.
func RefTally(all []Case, f CaseFilter) Tally {
	out := Tally{ByState: map[State]int{}}
	for _, c := range all {
		if !refMatch(c, CaseFilter{Scope: f.Scope}) {
			continue
		}
		out.ByState[c.State]++
		if refLight(c, f.Today, f.YellowUntil) == LightRed {
			out.Overdue++
		}
		if c.State == StateRectifying && c.SentBack {
			out.SentBack++
		}
	}
	return out
}

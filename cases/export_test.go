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

package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
)

// Fault is one integrity problem found by Verify.
type Fault struct {
	CaseNo  string `json:"case_no"`
	Seq     int    `json:"seq,omitempty"`
	Kind    string `json:"kind"` // broken-chain, missing-projection, stale-projection, orphan-projection
	Message string `json:"message"`
	// Repaired is set when Verify rebuilt the projection from the events.
	Repaired bool `json:"repaired,omitempty"`
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	Cases    int      `json:"cases"`
	Events   int      `json:"events"`
	Faults   []Fault  `json:"faults"`
	Warnings []string `json:"warnings"`
}

// OK reports whether every fault found was repaired.
func (r VerifyReport) OK() bool {
	for _, f := range r.Faults {
		if !f.Repaired {
			return false
		}
	}
	return true
}

// CheckChain checks that events form case no's chain: sequence 1..n, the
// first a registration, each linked to the one before by hash and state, and
// each hash matching its content. It returns the projection they fold into,
// or the first broken link.
func CheckChain(no string, events []Event) (Case, *Fault) {
	var c Case
	prev := ""
	for i, e := range events {
		bad := func(format string, args ...any) (Case, *Fault) {
			return Case{}, &Fault{CaseNo: no, Seq: e.Seq, Kind: "broken-chain", Message: fmt.Sprintf(format, args...)}
		}
		switch {
		case e.CaseNo != no || e.Seq != i+1:
			return bad("event %d is out of sequence (found %s/%d)", i+1, e.CaseNo, e.Seq)
		case i == 0 && (e.Action != ActionRegister || e.Registered == nil):
			return bad("the first event is %s, not a registration", e.Action)
		case i > 0 && e.Action == ActionRegister:
			return bad("a second registration")
		case e.PrevHash != prev:
			return bad("previous-hash link does not match the event before it")
		case ComputeHash(e) != e.Hash:
			return bad("content does not match its hash (the event was altered)")
		case i > 0 && e.From != c.State:
			return bad("starts from %s but the case was %s", e.From, c.State)
		}
		c = Apply(c, e)
		prev = e.Hash
	}
	return c, nil
}

// sameProjection compares two projections by their JSON form, which is what
// the API shows and ignores representation details such as time zones.
func sameProjection(a, b Case) bool {
	norm := func(c Case) string {
		c.CreatedAt, c.UpdatedAt, c.ClosedAt = TruncateTime(c.CreatedAt), TruncateTime(c.UpdatedAt), TruncateTime(c.ClosedAt)
		if c.Region == nil {
			c.Region = []string{}
		}
		b, _ := json.Marshal(c)
		return string(b)
	}
	return norm(a) == norm(b)
}

// Verify walks every event chain and every projection. With repair, a
// missing or stale projection is rebuilt from its events (events themselves
// are never rewritten: a broken chain is reported, not repaired).
func (s *Service) Verify(ctx context.Context, repair bool) (VerifyReport, error) {
	rep := VerifyReport{Faults: []Fault{}, Warnings: []string{}}
	withEvents, err := s.store.CaseNumbers(ctx)
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	projected, err := s.store.ProjectionNumbers(ctx)
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	all := map[string]bool{}
	for _, n := range withEvents {
		all[n] = true
	}
	for _, n := range projected {
		all[n] = true
	}
	nos := make([]string, 0, len(all))
	for n := range all {
		nos = append(nos, n)
	}
	sort.Slice(nos, func(i, j int) bool { return lessNo(nos[i], nos[j]) })
	rep.Cases = len(nos)
	ordinals := map[int][]int{}
	for _, no := range nos {
		events, err := s.store.FindEvents(ctx, no)
		if err != nil {
			return rep, fmt.Errorf("verify %s: %w", no, err)
		}
		rep.Events += len(events)
		if len(events) == 0 {
			rep.Faults = append(rep.Faults, Fault{CaseNo: no, Kind: "orphan-projection", Message: "a projection exists but the case has no events"})
			continue
		}
		want, fault := CheckChain(no, events)
		if fault != nil {
			rep.Faults = append(rep.Faults, *fault)
			continue
		}
		ordinals[want.Year] = append(ordinals[want.Year], want.Ordinal)
		got, err := s.store.FindCase(ctx, no)
		var f *Fault
		switch {
		case ErrorCode(err) == ENOTFOUND:
			f = &Fault{CaseNo: no, Kind: "missing-projection", Message: "the case has events but no projection"}
		case err != nil:
			return rep, fmt.Errorf("verify %s: %w", no, err)
		case !sameProjection(got, want):
			f = &Fault{CaseNo: no, Seq: got.Version, Kind: "stale-projection",
				Message: fmt.Sprintf("the projection (version %d) differs from the events (version %d)", got.Version, want.Version)}
		}
		if f != nil {
			if repair {
				if err := s.store.PutCase(ctx, want); err != nil {
					return rep, fmt.Errorf("repair %s: %w", no, err)
				}
				f.Repaired = true
			}
			rep.Faults = append(rep.Faults, *f)
		}
	}
	years := make([]int, 0, len(ordinals))
	for y := range ordinals {
		years = append(years, y)
	}
	sort.Ints(years)
	for _, y := range years {
		os := ordinals[y]
		sort.Ints(os)
		for i, o := range os {
			if o != i+1 {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("ledger numbers of %d are not gapless: %s is missing", y, FormatNo(y, i+1)))
				break
			}
		}
	}
	return rep, nil
}

func lessNo(a, b string) bool {
	ya, oa, _ := ParseNo(a)
	yb, ob, _ := ParseNo(b)
	if ya != yb {
		return ya < yb
	}
	if oa != ob {
		return oa < ob
	}
	return a < b
}

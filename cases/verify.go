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
	Kind    string `json:"kind"` // broken-chain, missing-projection, stale-projection, orphan-projection, missing-link, stale-unit
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

// Verify checks the view this service loaded — a snapshot and the journal
// after it, as a starting server loads it — against the store: every event
// chain, every case's projection, the links of documents and evidence, and
// the units. With repair, every difference is put right through the writer,
// so that it is journaled for every process: a projection that differs from
// its events is reset from them, one the view lacks is added, one no event
// records is dropped, missing links and units are added; then a fresh
// snapshot is written. Events themselves are never rewritten: a broken
// chain is reported, not repaired.
func (s *Service) Verify(ctx context.Context, repair bool) (VerifyReport, error) {
	rep := VerifyReport{Faults: []Fault{}, Warnings: []string{}}
	if err := s.Sync(ctx); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	byCase := map[string][]Event{}
	if err := s.store.ScanEvents(ctx, func(e Event) error {
		byCase[e.CaseNo] = append(byCase[e.CaseNo], e)
		rep.Events++
		return nil
	}); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	d, _ := s.view.data()
	inView := map[string]viewCase{}
	for _, vc := range d.Cases {
		inView[vc.Case.No] = vc
	}
	all := map[string]bool{}
	for no := range byCase {
		all[no] = true
	}
	for no := range inView {
		all[no] = true
	}
	nos := make([]string, 0, len(all))
	for n := range all {
		nos = append(nos, n)
	}
	sort.Slice(nos, func(i, j int) bool { return lessNo(nos[i], nos[j]) })
	rep.Cases = len(nos)
	ordinals := map[int][]int{}
	var repairs []*write
	for _, no := range nos {
		events := byCase[no]
		sort.Slice(events, func(i, j int) bool { return events[i].Seq < events[j].Seq })
		got, inV := inView[no]
		if len(events) == 0 {
			rep.Faults = append(rep.Faults, Fault{CaseNo: no, Kind: "orphan-projection", Message: "the view holds a case no event records"})
			repairs = append(repairs, &write{kind: writeDrop, no: no})
			continue
		}
		// The number is taken whether or not its chain is sound: a broken
		// chain is its own fault, not a gap in the numbers.
		if y, o, err := ParseNo(no); err == nil {
			ordinals[y] = append(ordinals[y], o)
		}
		want, fault := CheckChain(no, events)
		if fault != nil {
			rep.Faults = append(rep.Faults, *fault)
			continue
		}
		if !inV || !sameProjection(got.Case, want) {
			// Another process may have recorded this a moment ago and not
			// journaled it yet: look again after reading the journal.
			if _, err := s.submit(ctx, &write{kind: writeSync}); err != nil {
				return rep, fmt.Errorf("verify: %w", err)
			}
			if r, ok := s.view.get(no); ok {
				got, inV = viewCase{Case: r.c, Docs: r.docs, Evidence: r.evidence, Key: r.key}, true
			}
			// And the view may now be past what the scan read.
			for seq := len(events) + 1; inV && seq <= got.Case.Version; seq++ {
				e, err := s.store.FindEvent(ctx, no, seq)
				if err != nil {
					break
				}
				events = append(events, e)
				rep.Events++
			}
			if want, fault = CheckChain(no, events); fault != nil {
				rep.Faults = append(rep.Faults, *fault)
				continue
			}
		}
		var f *Fault
		switch {
		case !inV:
			f = &Fault{CaseNo: no, Kind: "missing-projection", Message: "the case has events but the view does not hold it"}
		case !sameProjection(got.Case, want):
			f = &Fault{CaseNo: no, Seq: got.Case.Version, Kind: "stale-projection",
				Message: fmt.Sprintf("the view's projection (version %d) differs from the events (version %d)", got.Case.Version, want.Version)}
		}
		if f != nil {
			rep.Faults = append(rep.Faults, *f)
			c := want
			repairs = append(repairs, &write{kind: writeReset, reset: &c})
		}
	}
	links, err := s.allLinks(ctx)
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	for _, k := range links {
		for _, no := range k.Cases {
			vc, ok := inView[no]
			if !ok || (k.Kind == LinkDocument && contains(vc.Docs, k.ID)) || (k.Kind == LinkEvidence && contains(vc.Evidence, k.ID)) {
				continue
			}
			rep.Faults = append(rep.Faults, Fault{CaseNo: no, Kind: "missing-link", Message: fmt.Sprintf("the view does not list %s %s of the case", k.Kind, k.ID)})
			repairs = append(repairs, &write{kind: writeLink, link: &Link{Kind: k.Kind, ID: k.ID, Cases: []string{no}}})
		}
	}
	units, err := s.store.AllUnits(ctx)
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	var stale []Unit
	for _, u := range units {
		if have, ok := s.view.unit(u.Code); !ok || !sameJSON(have, u) {
			rep.Faults = append(rep.Faults, Fault{Kind: "stale-unit", Message: fmt.Sprintf("the view's unit %s differs from the stored one", u.Code)})
			stale = append(stale, u)
		}
	}
	if len(stale) > 0 {
		repairs = append(repairs, &write{kind: writeUnits, units: stale})
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
	if !repair || len(repairs) == 0 {
		return rep, nil
	}
	for _, w := range repairs {
		if _, err := s.submit(ctx, w); err != nil {
			return rep, fmt.Errorf("repair: %w", err)
		}
	}
	for i := range rep.Faults {
		if rep.Faults[i].Kind != "broken-chain" {
			rep.Faults[i].Repaired = true
		}
	}
	if err := s.writeSnapshot(ctx, true); err != nil {
		return rep, fmt.Errorf("repair: %w", err)
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

package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
)

// Fault is one integrity problem found by Verify.
type Fault struct {
	CaseNo string `json:"case_no"`
	Seq    int    `json:"seq,omitempty"`
	// Kind is one of broken-chain, rewritten-history, missing-case,
	// missing-number, missing-projection, stale-projection,
	// orphan-projection, missing-link, stale-unit; and, from the signed
	// checkpoints (rectify verify), bad-checkpoint, missing-checkpoint,
	// stale-checkpoint.
	Kind    string `json:"kind"`
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
	var recorded State // the To the previous event recorded
	for i, e := range events {
		bad := func(format string, args ...any) (Case, *Fault) {
			return Case{}, &Fault{CaseNo: no, Seq: e.Seq, Kind: "broken-chain", Message: fmt.Sprintf(format, args...)}
		}
		switch {
		case e.CaseNo != no || e.Seq != i+1:
			return bad("第 %d 步的序号不连续（实为 %s 第 %d 步）", i+1, e.CaseNo, e.Seq)
		case i == 0 && (e.Action != ActionRegister || e.Registered == nil):
			return bad("第 1 步是 %s，不是登记", e.Action)
		case i > 0 && e.Action == ActionRegister:
			return bad("第 %d 步是第二次登记", i+1)
		case e.PrevHash != prev:
			return bad("第 %d 步的前序哈希与上一步不符", i+1)
		case ComputeHash(e) != e.Hash:
			return bad("第 %d 步的内容与其哈希值不符（记录已被改动）", i+1)
		case i > 0 && e.From != c.State && e.From != recorded:
			// An event links to the state before it as folded now, or as
			// the event before it recorded it (see stateAfter).
			return bad("第 %d 步的起始状态 %s 与案件当时的状态 %s 不符", i+1, e.From, c.State)
		}
		c = Apply(c, e)
		prev, recorded = e.Hash, e.To
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

// VerifyOptions say how Verify runs.
type VerifyOptions struct {
	// Repair puts the view right where it differs from the events.
	Repair bool
	// Anchor, when set, is the latest signed checkpoint: every case it
	// holds must be in the store with the same history up to its head.
	Anchor *Anchor
	// Also are earlier checkpoints checked the same way: the one whose
	// head an auditor kept outside the machine (verify --expect-head),
	// which a forger holding the signing key cannot replace.
	Also []*Anchor
}

// Verify checks the view this service loaded — a snapshot and the journal
// after it, as a starting server loads it — against the store: every event
// chain, every case's projection, the links of documents and evidence, and
// the units. With repair, every difference is put right through the writer,
// so that it is journaled for every process: a projection that differs from
// its events is reset from them, one the view lacks is added, one no event
// records is dropped, missing links and units are added; then a fresh
// snapshot is written. Events themselves are never rewritten: a broken
// chain is reported, not repaired. Against an anchor, a case whose history
// up to the checkpoint differs (even when its chain is consistent: the
// events and every later hash recomputed) or that is missing altogether is
// a fault; so is any gap in a year's ledger numbers.
func (s *Service) Verify(ctx context.Context, opts VerifyOptions) (VerifyReport, error) {
	repair := opts.Repair
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
	// Each case is checked against every anchor that holds it; the first
	// that disagrees names the fault.
	type anchoredHead struct {
		a *Anchor
		h Head
	}
	anchored := map[string][]anchoredHead{}
	for _, a := range append([]*Anchor{opts.Anchor}, opts.Also...) {
		if a == nil {
			continue
		}
		for _, h := range a.Heads {
			if len(byCase[h.No]) == 0 && len(anchored[h.No]) == 0 {
				rep.Faults = append(rep.Faults, s.missingCase(a, h))
			}
			anchored[h.No] = append(anchored[h.No], anchoredHead{a, h})
		}
	}
	ordinals := map[int][]int{}
	var repairs []*write
	for _, no := range nos {
		events := byCase[no]
		sort.Slice(events, func(i, j int) bool { return events[i].Seq < events[j].Seq })
		got, inV := inView[no]
		var rewritten *Fault
		for i := 0; i < len(anchored[no]) && len(events) > 0 && rewritten == nil; i++ {
			rewritten = s.checkAnchor(anchored[no][i].a, anchored[no][i].h, events)
		}
		if rewritten != nil {
			rep.Faults = append(rep.Faults, *rewritten)
			if y, o, err := ParseNo(no); err == nil {
				ordinals[y] = append(ordinals[y], o)
			}
			continue
		}
		if len(events) == 0 {
			rep.Faults = append(rep.Faults, Fault{CaseNo: no, Kind: "orphan-projection", Message: "视图中有该案件，但没有任何事件记录它"})
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
			f = &Fault{CaseNo: no, Kind: "missing-projection", Message: "案件有事件记录，但视图中没有该案件"}
		case !sameProjection(got.Case, want):
			f = &Fault{CaseNo: no, Seq: got.Case.Version, Kind: "stale-projection",
				Message: fmt.Sprintf("视图中的案件（第 %d 版）与事件推演的结果（第 %d 版）不符", got.Case.Version, want.Version)}
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
			rep.Faults = append(rep.Faults, Fault{CaseNo: no, Kind: "missing-link", Message: fmt.Sprintf("视图未列出该案件的%s %s", linkLabel[k.Kind], k.ID)})
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
			rep.Faults = append(rep.Faults, Fault{Kind: "stale-unit", Message: fmt.Sprintf("视图中的单位 %s 与数据库中的不符", u.Code)})
			stale = append(stale, u)
		}
	}
	if len(stale) > 0 {
		repairs = append(repairs, &write{kind: writeUnits, units: stale})
	}
	// Numbers are given out gaplessly and never burnt: a year's numbers
	// run from 1 to the highest, and a missing one is a deleted case. (A
	// missing case the anchor holds is already named above.)
	for _, no := range nos {
		if y, o, err := ParseNo(no); err == nil && len(byCase[no]) == 0 {
			ordinals[y] = append(ordinals[y], o) // the view's: named as orphan
		}
	}
	for no := range anchored {
		if y, o, err := ParseNo(no); err == nil && len(byCase[no]) == 0 && !inViewHas(inView, no) {
			ordinals[y] = append(ordinals[y], o) // named as missing-case
		}
	}
	rep.Faults = append(rep.Faults, numberGaps(ordinals)...)
	if !repair || len(repairs) == 0 {
		return rep, nil
	}
	for _, w := range repairs {
		if _, err := s.submit(ctx, w); err != nil {
			return rep, fmt.Errorf("repair: %w", err)
		}
	}
	// Only the view is put right; history is never rewritten, so a broken
	// chain, a rewritten or missing case and a gap stay faults.
	for i := range rep.Faults {
		if repairable[rep.Faults[i].Kind] {
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

var linkLabel = map[string]string{LinkDocument: "文书", LinkEvidence: "佐证材料"}

func inViewHas(m map[string]viewCase, no string) bool {
	_, ok := m[no]
	return ok
}

// numberGaps names every number missing from a year's run 1..highest.
func numberGaps(ordinals map[int][]int) []Fault {
	years := make([]int, 0, len(ordinals))
	for y := range ordinals {
		years = append(years, y)
	}
	sort.Ints(years)
	var out []Fault
	for _, y := range years {
		have := map[int]bool{}
		top := 0
		for _, o := range ordinals[y] {
			have[o] = true
			top = max(top, o)
		}
		for o := 1; o <= top; o++ {
			if !have[o] {
				no := FormatNo(y, o)
				out = append(out, Fault{CaseNo: no, Kind: "missing-number",
					Message: fmt.Sprintf("台账编号 %s 缺失：%d 年的编号应从 1 连续到 %d，该号案件已不在数据库中", no, y, top)})
			}
		}
	}
	return out
}

// repairable are the fault kinds a repair puts right: differences between
// the view and the events, never the events themselves.
var repairable = map[string]bool{"missing-projection": true, "stale-projection": true, "orphan-projection": true, "missing-link": true, "stale-unit": true}

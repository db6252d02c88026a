package cases

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
)

// seedBatch is how many events one insert command of Seed carries.
const seedBatch = 1000

// Seed loads a ledger in bulk into a database that holds no cases yet: the
// units, then the events in large insert commands, then a snapshot of the
// view they fold into — so that the next start loads that snapshot instead
// of reading every event. It is for migrating a ledger kept elsewhere and
// for loading benchmark data; events must form valid chains (see Seal).
// Nothing is journaled: no process may run on the database meanwhile.
func Seed(ctx context.Context, cfg Config, units []Unit, events []Event) error {
	if info, err := cfg.Store.FindSnapshot(ctx, 1); err == nil || ErrorCode(err) != ENOTFOUND {
		if err == nil {
			err = Conflict("数据库中已有台账（快照 %d），不能再导入", info.Seq)
		}
		return fmt.Errorf("seed: %w", err)
	}
	if _, err := cfg.Store.FindJournal(ctx, 1); ErrorCode(err) != ENOTFOUND {
		if err == nil {
			err = Conflict("数据库中已有同步日志，不能再导入")
		}
		return fmt.Errorf("seed: %w", err)
	}
	for i, u := range units {
		if err := u.Validate(); err != nil {
			return fmt.Errorf("seed unit %d: %w", i+1, err)
		}
	}
	evs := append([]Event(nil), events...)
	sort.Slice(evs, func(i, j int) bool {
		if evs[i].CaseNo != evs[j].CaseNo {
			return lessNo(evs[i].CaseNo, evs[j].CaseNo)
		}
		return evs[i].Seq < evs[j].Seq
	})
	v := newView()
	v.mu.Lock()
	for _, u := range units {
		v.putUnit(u)
	}
	var fault error
	for i := 0; i < len(evs) && fault == nil; {
		j := i
		for j < len(evs) && evs[j].CaseNo == evs[i].CaseNo {
			j++
		}
		if _, f := CheckChain(evs[i].CaseNo, evs[i:j]); f != nil {
			fault = Invalid("events", "案件 %s：%s", f.CaseNo, f.Message)
		}
		for _, e := range evs[i:j] {
			v.applyEvent(e)
		}
		i = j
	}
	v.mu.Unlock()
	if fault != nil {
		return fmt.Errorf("seed: %w", fault)
	}
	if err := cfg.Store.PutUnits(ctx, units); err != nil {
		return fmt.Errorf("seed units: %w", err)
	}
	for from := 0; from < len(evs); from += seedBatch {
		batch := evs[from:min(from+seedBatch, len(evs))]
		for i, err := range cfg.Store.InsertEvents(ctx, batch, false) {
			if err != nil {
				return fmt.Errorf("seed event %s/%d: %w", batch[i].CaseNo, batch[i].Seq, err)
			}
		}
	}
	l := &ledger{store: cfg.Store, view: v, log: cfg.Log, id: "seed"}
	if l.log == nil {
		l.log = slog.Default()
	}
	return l.writeSnapshot(ctx, true)
}

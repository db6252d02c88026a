package cases

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"
)

// start loads the view: the latest snapshot and the journal after it, or
// every event when there is no usable snapshot. It reports whether the view
// must be reconciled with the events in the background: when the last
// process to snapshot did not stop cleanly, or others wrote after it, an
// event recorded just before a crash may have no journal entry.
func (l *ledger) start(ctx context.Context, now func() time.Time) (reconcile bool, err error) {
	t0 := time.Now()
	info, ok, err := l.latestSnapshot(ctx)
	if err != nil {
		return false, err
	}
	from := "events"
	if ok {
		v, pos, err := l.loadSnapshot(ctx, info)
		if err == nil {
			l.view, l.pos, l.lastSnap = v, pos, info
			l.snapPos.Store(pos)
			from = fmt.Sprintf("snapshot %d", info.Seq)
		} else {
			if errors.Is(err, errOtherFold) {
				l.log.Info("最新快照按旧版规则生成，正在根据事件记录重建视图", "snapshot", info.Seq, "err", err)
			} else {
				l.log.Error("无法读取最新快照，正在根据事件记录重建视图", "snapshot", info.Seq, "err", err)
			}
			ok = false
		}
	}
	if !ok {
		// The journal's head before reading the events: entries after it
		// are replayed, and applying what the scan already saw is harmless.
		head, err := LastTaken(int(info.Pos)+1, func(p int) (bool, error) {
			_, err := l.store.FindJournal(ctx, int64(p))
			if ErrorCode(err) == ENOTFOUND {
				return false, nil
			}
			return err == nil, err
		})
		if err != nil {
			return false, fmt.Errorf("find the journal's head: %w", err)
		}
		if l.view, err = l.rebuild(ctx); err != nil {
			return false, err
		}
		l.pos, l.lastSnap = int64(head), info
		l.view.pos = l.pos
	}
	replayFrom := l.pos
	if !l.follow(ctx) {
		return false, fmt.Errorf("replay the journal from %d: the store could not be read", l.pos+1)
	}
	// Registrations nobody journaled (a crash between recording and
	// journaling) are found by number: the numbers form a prefix.
	year := now().In(l.loc).Year()
	if err := l.probeRegistrations(ctx, year); err != nil {
		return false, err
	}
	// Decided before this process's own first entry, which follows any
	// snapshot and says nothing about how the last process stopped.
	reconcile = ok && (!info.Clean || l.pos > info.Pos)
	if !l.cfg.Passive {
		// An empty change marks this process starting to write: should it
		// stop uncleanly, the next start sees an entry after the last clean
		// snapshot and reconciles.
		l.pending = append(l.pending, Change{})
	}
	l.flush(ctx)
	l.log.Info("台账视图已载入", "from", from, "cases", l.view.size(), "journal_replayed", l.pos-replayFrom,
		"took", time.Since(t0).Round(time.Millisecond))
	return reconcile, nil
}

// latestSnapshot finds the snapshot with the highest number. Snapshot infos
// are never deleted (only their chunks), so the numbers form a prefix.
func (l *ledger) latestSnapshot(ctx context.Context) (SnapshotInfo, bool, error) {
	var found SnapshotInfo
	last, err := LastTaken(1, func(seq int) (bool, error) {
		info, err := l.store.FindSnapshot(ctx, seq)
		if ErrorCode(err) == ENOTFOUND {
			return false, nil
		}
		if err == nil && seq > found.Seq {
			found = info
		}
		return err == nil, err
	})
	if err != nil {
		return SnapshotInfo{}, false, fmt.Errorf("find the latest snapshot: %w", err)
	}
	if last == 0 {
		return SnapshotInfo{}, false, nil
	}
	if found.Seq != last {
		if found, err = l.store.FindSnapshot(ctx, last); err != nil {
			return SnapshotInfo{}, false, fmt.Errorf("read snapshot %d: %w", last, err)
		}
	}
	return found, true, nil
}

// loadSnapshot reads, checks and decodes a snapshot into a new view.
func (l *ledger) loadSnapshot(ctx context.Context, info SnapshotInfo) (*view, int64, error) {
	var buf bytes.Buffer
	for _, id := range info.Chunks {
		b, err := l.store.FindSnapshotChunk(ctx, id)
		if err != nil {
			return nil, 0, fmt.Errorf("read snapshot %d chunk %s: %w", info.Seq, id, err)
		}
		buf.Write(b)
	}
	if got := sha256Hex(buf.Bytes()); got != info.SHA256 {
		return nil, 0, fmt.Errorf("snapshot %d is damaged: its SHA-256 is %s, the record says %s", info.Seq, got, info.SHA256)
	}
	v := newView()
	v.mu.Lock()
	pos, err := decodeSnapshot(buf.Bytes(), v.loadItem)
	v.pos = pos
	v.mu.Unlock()
	if err != nil {
		return nil, 0, fmt.Errorf("snapshot %d: %w", info.Seq, err)
	}
	return v, pos, nil
}

// rebuild folds every event, unit and link into a new view.
func (l *ledger) rebuild(ctx context.Context) (*view, error) {
	byCase := map[string][]Event{}
	if err := l.store.ScanEvents(ctx, func(e Event) error {
		byCase[e.CaseNo] = append(byCase[e.CaseNo], e)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("rebuild the view: %w", err)
	}
	nos := make([]string, 0, len(byCase))
	for no := range byCase {
		nos = append(nos, no)
	}
	sort.Slice(nos, func(i, j int) bool { return lessNo(nos[i], nos[j]) })
	v := newView()
	v.mu.Lock()
	for _, no := range nos {
		evs := byCase[no]
		sort.Slice(evs, func(i, j int) bool { return evs[i].Seq < evs[j].Seq })
		for _, e := range evs {
			if _, gap := v.applyEvent(e); gap {
				break // a hole in the chain: Verify reports it
			}
		}
	}
	v.mu.Unlock()
	units, err := l.store.AllUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("rebuild the view: %w", err)
	}
	links, err := l.allLinks(ctx)
	if err != nil {
		return nil, fmt.Errorf("rebuild the view: %w", err)
	}
	v.mu.Lock()
	for _, u := range units {
		v.putUnit(u)
	}
	for _, k := range links {
		v.link(k)
	}
	v.mu.Unlock()
	return v, nil
}

// allLinks reads every link, one per record.
func (l *ledger) allLinks(ctx context.Context) ([]Link, error) {
	var out []Link
	err := l.store.ScanLinks(ctx, func(k Link) error {
		out = append(out, k)
		return nil
	})
	return out, err
}

// probeRegistrations takes into the view, and journals, the cases of year
// registered past the view's highest number.
func (l *ledger) probeRegistrations(ctx context.Context, year int) error {
	have := l.view.lastOrdinal(year)
	last, err := LastTaken(have+1, func(ord int) (bool, error) {
		return l.eventExists(ctx, FormatNo(year, ord), 1)
	})
	if err != nil {
		return fmt.Errorf("look for unjournaled registrations: %w", err)
	}
	for ord := have + 1; ord <= last; ord++ {
		if _, err := l.catchUpCase(ctx, FormatNo(year, ord), true); err != nil {
			return err
		}
	}
	if last > have {
		l.log.Warn("已将缺少同步日志的登记纳入视图", "year", year, "from", have+1, "to", last)
	}
	l.next[year] = last + 1
	return nil
}

// reconcile compares the view with every event, unit and link in the
// store and brings it up to date through the writer, journaling what it
// finds so that other processes get it too.
func (l *ledger) reconcile(ctx context.Context) error {
	t0 := time.Now()
	latest := map[string]int{}
	if err := l.store.ScanEvents(ctx, func(e Event) error {
		if e.Seq > latest[e.CaseNo] {
			latest[e.CaseNo] = e.Seq
		}
		return ctx.Err()
	}); err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	var stale, links, units int
	for no, seq := range latest {
		if l.view.version(no) >= seq {
			continue
		}
		stale++
		if _, err := l.submit(ctx, &write{kind: writeCatchUp, no: no, journal: true}); err != nil {
			return fmt.Errorf("reconcile case %s: %w", no, err)
		}
	}
	all, err := l.allLinks(ctx)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	for _, k := range all {
		var missing []string
		for _, no := range k.Cases {
			if !l.view.hasLink(k.Kind, k.ID, no) {
				missing = append(missing, no)
			}
		}
		if len(missing) > 0 {
			links++
			if _, err := l.submit(ctx, &write{kind: writeLink, link: &Link{Kind: k.Kind, ID: k.ID, Cases: missing}}); err != nil {
				return fmt.Errorf("reconcile link %s: %w", k.ID, err)
			}
		}
	}
	stored, err := l.store.AllUnits(ctx)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	var changed []Unit
	for _, u := range stored {
		if have, ok := l.view.unit(u.Code); !ok || !sameJSON(have, u) {
			changed = append(changed, u)
		}
	}
	if units = len(changed); units > 0 {
		if _, err := l.submit(ctx, &write{kind: writeUnits, units: changed}); err != nil {
			return fmt.Errorf("reconcile units: %w", err)
		}
	}
	l.log.Info("台账视图已与数据库核对一致", "cases_caught_up", stale, "links_added", links, "units_updated", units,
		"took", time.Since(t0).Round(time.Millisecond))
	return nil
}

// sameJSON compares two values by their JSON form.
func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

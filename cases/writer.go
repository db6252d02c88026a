package cases

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The writer is one goroutine per process through which every change to
// the ledger passes: it records events, applies them to the view, journals
// them, and reads what other processes journaled. Having one writer gives
// group commit — the events that arrive while a batch is being written go
// into the next batch, one insert command for many — keeps the embedded
// engine's single-writer SQLite free of lock waits, and gives the view and
// the journal one order.

type writeKind int

const (
	writeRegister writeKind = iota // a registration: the writer assigns the number
	writeEvent                     // a transition, decided and sealed
	writeUnits                     // units already stored: apply and journal
	writeLink                      // a document or evidence record already stored
	writeSignal                    // a cache invalidation
	writeReset                     // a projection rebuilt from its events
	writeDrop                      // a case the view holds but the events do not
	writeCatchUp                   // bring a case up to date from its events
	writeSync                      // read the journal to its end
	writeMark                      // a signed checkpoint was written
)

// write is one request to the writer.
type write struct {
	kind    writeKind
	event   Event
	units   []Unit
	link    *Link
	signal  *Signal
	reset   *Case
	mark    *Mark
	no      string // writeCatchUp, writeDrop
	journal bool   // writeCatchUp: journal what is found (recovery)

	attempts int
	res      writeResult
	done     chan writeResult
}

type writeResult struct {
	c   Case
	e   Event
	err error
}

const (
	maxBatch        = 256              // writes taken into one batch
	maxEntryChanges = 64               // changes per journal entry
	writeTimeout    = 30 * time.Second // for one batch's commands
)

var errClosed = &Error{Code: EUNAVAILABLE, Message: "服务正在停止，请稍后重试"}

// submit hands w to the writer and waits for its result.
func (l *ledger) submit(ctx context.Context, w *write) (writeResult, error) {
	w.done = make(chan writeResult, 1)
	l.closeMu.RLock()
	if l.closed {
		l.closeMu.RUnlock()
		return writeResult{}, errClosed
	}
	select {
	case l.queue <- w:
	case <-ctx.Done():
		l.closeMu.RUnlock()
		return writeResult{}, ctx.Err()
	}
	l.closeMu.RUnlock()
	select {
	case r := <-w.done:
		return r, r.err
	case <-ctx.Done():
		// The write goes on; only the caller stops waiting for it.
		return writeResult{}, ctx.Err()
	}
}

// run is the writer loop.
func (l *ledger) run() {
	defer close(l.loopDone)
	tick := time.NewTicker(l.cfg.FollowEvery)
	defer tick.Stop()
	for {
		select {
		case w := <-l.queue:
			l.process(l.drain(w))
		case <-tick.C:
			ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
			l.flush(ctx)
			l.follow(ctx)
			cancel()
		case <-l.stop:
			// Nothing can be submitted any more: finish what was.
			for {
				select {
				case w := <-l.queue:
					l.process(l.drain(w))
				default:
					ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
					l.flush(ctx)
					cancel()
					return
				}
			}
		}
	}
}

// drain takes w and whatever else is queued, up to a batch.
func (l *ledger) drain(w *write) []*write {
	batch := []*write{w}
	for len(batch) < maxBatch {
		select {
		case w := <-l.queue:
			batch = append(batch, w)
		default:
			return batch
		}
	}
	return batch
}

// process records one batch: registrations, then transitions, then the
// rest. It answers as soon as the changes are recorded and in this view,
// then journals them — before it takes the next batch, so that other
// processes see them a moment later. A change is durable once its event is
// recorded; should the process die before journaling it, the next start
// reconciles (see start).
func (l *ledger) process(batch []*write) {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	var regs, events []*write
	for _, w := range batch {
		switch w.kind {
		case writeRegister:
			regs = append(regs, w)
		case writeEvent:
			events = append(events, w)
		}
	}
	l.register(ctx, regs)
	l.record(ctx, events)
	for _, w := range batch {
		switch w.kind {
		case writeUnits:
			l.applyChanges(unitChanges(w.units), true)
		case writeLink:
			l.applyChanges([]Change{{Link: w.link}}, true)
		case writeSignal:
			l.applyChanges([]Change{{Signal: w.signal}}, true)
		case writeReset:
			l.applyChanges([]Change{{Reset: w.reset}}, true)
		case writeDrop:
			l.applyChanges([]Change{{Drop: w.no}}, true)
		case writeMark:
			l.applyChanges([]Change{{Checkpoint: w.mark}}, true)
		case writeCatchUp:
			c, err := l.catchUpCase(ctx, w.no, w.journal)
			w.res = writeResult{c: c, err: err}
		case writeSync:
			l.flush(ctx)
			if len(l.pending) > 0 || !l.follow(ctx) {
				w.res.err = &Error{Code: EUNAVAILABLE, Message: "无法读写变更日志，请稍后重试"}
			}
		}
	}
	for _, w := range batch {
		w.done <- w.res
	}
	l.flush(ctx)
}

func unitChanges(us []Unit) []Change {
	out := make([]Change, len(us))
	for i := range us {
		out[i] = Change{Unit: &us[i]}
	}
	return out
}

// register numbers and records registrations. Each year's are inserted in
// one ordered command, so that a failure leaves no number after it used:
// numbers stay gapless.
func (l *ledger) register(ctx context.Context, regs []*write) {
	byYear := map[int][]*write{}
	var years []int
	for _, w := range regs {
		y := w.event.Registered.Year
		if byYear[y] == nil {
			years = append(years, y)
		}
		byYear[y] = append(byYear[y], w)
	}
	for _, y := range years {
		todo := byYear[y]
		for len(todo) > 0 {
			todo = l.registerRound(ctx, y, todo)
		}
	}
}

// registerRound tries to record todo under the next numbers of year and
// returns those to try again.
func (l *ledger) registerRound(ctx context.Context, year int, todo []*write) []*write {
	first, err := l.nextOrdinal(ctx, year)
	if err != nil {
		for _, w := range todo {
			w.res.err = err
		}
		return nil
	}
	evs := make([]Event, len(todo))
	for i, w := range todo {
		rg := *w.event.Registered
		rg.Ordinal = first + i
		e := w.event
		e.CaseNo, e.Registered = FormatNo(year, rg.Ordinal), &rg
		evs[i] = Seal(e, "")
	}
	errs := l.store.InsertEvents(ctx, evs, true)
	var retry []*write
	l.next[year] = first + len(todo)
	for i, w := range todo {
		e := evs[i]
		switch err := errs[i]; {
		case err == nil:
			c := l.applyOwn(e)
			w.res = writeResult{c: c, e: e}
		case ErrorCode(err) == ECONFLICT:
			// Another process took the number (or an earlier attempt of ours
			// whose answer was lost did): take that case into the view and
			// try the next number.
			if _, err := l.catchUpCase(ctx, e.CaseNo, false); err != nil {
				l.log.Warn("读取其他进程登记的案件失败", "case", e.CaseNo, "err", err)
			}
			// Others may be further ahead: find the last number by key
			// lookups (a few, galloping) rather than trying one by one.
			l.next[year] = 0
			if w.attempts++; w.attempts >= 1000 {
				w.res.err = Conflict("未能取得台账编号，请重试")
			} else {
				retry = append(retry, w)
			}
		case errors.Is(err, ErrNotAttempted):
			retry = append(retry, w)
		default:
			// The command failed for another reason than a taken number, and
			// what it wrote is unknown: read it back.
			l.next[year] = 0
			return append(retry, l.readBack(ctx, todo[i:], evs[i:], err)...)
		}
	}
	return retry
}

// readBack settles registrations whose insert failed with an unknown
// outcome: one whose event is there, with its hash, was recorded; one whose
// number someone else took, or that was never attempted, is tried again;
// the first, if it is not there, failed.
func (l *ledger) readBack(ctx context.Context, todo []*write, evs []Event, cause error) (retry []*write) {
	for j, w := range todo {
		e := evs[j]
		got, err := l.store.FindEvent(ctx, e.CaseNo, 1)
		switch {
		case err == nil && got.Hash == e.Hash:
			w.res = writeResult{c: l.applyOwn(got), e: got}
		case err == nil:
			if _, err := l.catchUpCase(ctx, e.CaseNo, false); err != nil {
				l.log.Warn("读取其他进程登记的案件失败", "case", e.CaseNo, "err", err)
			}
			retry = append(retry, w)
		case ErrorCode(err) == ENOTFOUND && j > 0:
			retry = append(retry, w)
		case ErrorCode(err) == ENOTFOUND:
			w.res.err = fmt.Errorf("register case %s: %w", e.CaseNo, cause)
		default:
			w.res.err = fmt.Errorf("register case %s: %w (and reading it back: %v)", e.CaseNo, cause, err)
		}
	}
	return retry
}

// nextOrdinal is the first ordinal of year not known to be taken.
func (l *ledger) nextOrdinal(ctx context.Context, year int) (int, error) {
	if n := l.next[year]; n > 0 {
		return n, nil
	}
	last, err := LastTaken(l.view.lastOrdinal(year)+1, func(ord int) (bool, error) {
		return l.eventExists(ctx, FormatNo(year, ord), 1)
	})
	if err != nil {
		return 0, fmt.Errorf("find the last ledger number of %d: %w", year, err)
	}
	l.next[year] = last + 1
	return last + 1, nil
}

// record inserts decided transitions. They concern different cases, or
// race on one: unordered, so that one conflict does not hold up the rest.
func (l *ledger) record(ctx context.Context, ws []*write) {
	if len(ws) == 0 {
		return
	}
	evs := make([]Event, len(ws))
	for i, w := range ws {
		evs[i] = w.event
	}
	errs := l.store.InsertEvents(ctx, evs, false)
	for i, w := range ws {
		e := evs[i]
		if errs[i] == nil {
			w.res = writeResult{c: l.applyOwn(e), e: e}
			continue
		}
		// Lost a race, or the outcome is unknown: either way the store
		// knows better than the view now.
		if _, err := l.catchUpCase(ctx, e.CaseNo, false); err != nil {
			l.log.Warn("同步案件失败", "case", e.CaseNo, "err", err)
		}
		if ErrorCode(errs[i]) == ECONFLICT {
			w.res.err = Conflict("案件 %s 已被他人同时更新，请刷新后重试", e.CaseNo)
			continue
		}
		if got, err := l.store.FindEvent(ctx, e.CaseNo, e.Seq); err == nil && got.Hash == e.Hash {
			w.res = writeResult{c: l.applyOwn(got), e: got} // recorded after all
			continue
		}
		w.res.err = fmt.Errorf("record %s on case %s: %w", e.Action, e.CaseNo, errs[i])
	}
}

// applyOwn applies an event this writer recorded and queues it for the
// journal. It returns the case as it now stands.
func (l *ledger) applyOwn(e Event) Case {
	l.applyChanges([]Change{{Event: &e}}, true)
	r, _ := l.view.get(e.CaseNo)
	return r.c
}

// applyChanges applies changes to the view and, if journal, queues them
// for the journal. An event past the next of its case is applied after the
// events before it are read from the store.
func (l *ledger) applyChanges(changes []Change, journal bool) {
	var gaps []Event
	var signals []Signal
	l.view.mu.Lock()
	for _, ch := range changes {
		switch {
		case ch.Event != nil:
			if _, gap := l.view.applyEvent(*ch.Event); gap {
				gaps = append(gaps, *ch.Event)
			}
		case ch.Unit != nil:
			l.view.putUnit(*ch.Unit)
		case ch.Link != nil:
			l.view.link(*ch.Link)
		case ch.Reset != nil:
			l.view.reset(*ch.Reset)
		case ch.Drop != "":
			l.view.drop(ch.Drop)
		case ch.Checkpoint != nil:
			l.view.setMark(*ch.Checkpoint)
		case ch.Signal != nil:
			signals = append(signals, *ch.Signal)
		}
	}
	l.view.mu.Unlock()
	if journal {
		l.pending = append(l.pending, changes...)
	}
	for _, e := range gaps {
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		if _, err := l.catchUpCase(ctx, e.CaseNo, false); err != nil {
			l.log.Warn("读取同步日志未包含的事件失败", "case", e.CaseNo, "err", err)
		}
		cancel()
	}
	if len(signals) > 0 {
		l.listenMu.Lock()
		listeners := l.listeners
		l.listenMu.Unlock()
		for _, sig := range signals {
			for _, f := range listeners {
				f(sig)
			}
		}
	}
}

// catchUpCase reads the events of case no after the view's version, by
// key, and applies them; with journal it also journals them (recovery of
// events no entry reported). It returns the case ("" No if it has none).
func (l *ledger) catchUpCase(ctx context.Context, no string, journal bool) (Case, error) {
	for seq := l.view.version(no) + 1; ; seq++ {
		e, err := l.store.FindEvent(ctx, no, seq)
		if ErrorCode(err) == ENOTFOUND {
			break
		}
		if err != nil {
			return Case{}, fmt.Errorf("catch up case %s: %w", no, err)
		}
		l.applyChanges([]Change{{Event: &e}}, journal)
	}
	r, ok := l.view.get(no)
	if !ok {
		return Case{}, nil
	}
	return r.c, nil
}

// flush journals the pending changes, in entries of at most
// maxEntryChanges. A position taken by another process means that process
// wrote first: its entry is applied, and ours goes after it.
func (l *ledger) flush(ctx context.Context) {
	for len(l.pending) > 0 {
		n := min(len(l.pending), maxEntryChanges)
		e := Entry{Pos: l.pos + 1, At: TruncateTime(time.Now()), By: l.id, Changes: l.pending[:n]}
		err := l.store.AppendJournal(ctx, e)
		switch {
		case err == nil:
			l.pending = l.pending[n:]
			l.advance(e.Pos)
		case ErrorCode(err) == ECONFLICT:
			if !l.follow(ctx) {
				return // could not read what is there; try again later
			}
		default:
			l.log.Error("写入同步日志失败，将重试", "pos", e.Pos, "err", err)
			return
		}
	}
	l.pending = nil
}

// advance records that the journal is applied up to pos.
func (l *ledger) advance(pos int64) {
	l.pos = pos
	l.view.mu.Lock()
	l.view.pos = pos
	l.view.mu.Unlock()
	if pos-l.snapPos.Load() >= int64(l.cfg.SnapshotEvery) && !l.cfg.Passive {
		select {
		case l.snapReq <- struct{}{}:
		default:
		}
	}
}

// follow applies the entries other processes journaled after pos, and
// reports whether it read to the end.
func (l *ledger) follow(ctx context.Context) bool {
	for {
		e, err := l.store.FindJournal(ctx, l.pos+1)
		if ErrorCode(err) == ENOTFOUND {
			l.idleTicks++
			if l.idleTicks%100 == 0 {
				l.checkPruned(ctx)
			}
			return true
		}
		if err != nil {
			l.log.Warn("读取同步日志失败", "pos", l.pos+1, "err", err)
			return false
		}
		l.idleTicks = 0
		l.applyChanges(e.Changes, false)
		l.advance(e.Pos)
	}
}

// checkPruned reloads the view from the latest snapshot if the journal
// after this view's position has been pruned (a process stopped long
// enough for others to snapshot twice). The journal is gapless, so when a
// snapshot includes positions past this view's and the next entry is
// missing, it was deleted.
func (l *ledger) checkPruned(ctx context.Context) {
	info, ok, err := l.latestSnapshot(ctx)
	if err != nil || !ok || info.Pos <= l.pos {
		return
	}
	if _, err := l.store.FindJournal(ctx, l.pos+1); ErrorCode(err) != ENOTFOUND {
		return
	}
	l.log.Warn("同步日志已超出本进程的进度，正在从最新快照重新载入视图", "pos", l.pos, "snapshot", info.Seq)
	v, pos, err := l.loadSnapshot(ctx, info)
	if err != nil {
		l.log.Error("重新载入视图失败", "err", err)
		return
	}
	l.view.swap(v)
	l.pos = pos
	l.follow(ctx)
}

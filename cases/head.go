package cases

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Head is where a case's hash chain stood: the sequence and hash of its
// last event. A signed checkpoint records every case's head, so that
// history before it cannot be rewritten, nor a case deleted, unnoticed.
type Head struct {
	No   string `json:"no"`
	Seq  int    `json:"seq"`
	Hash string `json:"hash"`
}

// Anchor is a set of heads from a checkpoint whose signature was checked:
// what the ledger held at a moment, kept outside the database.
type Anchor struct {
	// Name identifies the checkpoint (its object key).
	Name  string
	At    time.Time
	Heads []Head
}

// Mark is the ledger's own record of the latest signed checkpoint: its
// place in the chain, object key, root and time. It is journaled and kept
// in every snapshot, so a ledger that has ever been checkpointed says so
// inside the database: `rectify verify` then requires the checkpoint chain
// to reach at least N and the checkpoint at Key to have Root.
type Mark struct {
	N    int       `json:"n"`
	Key  string    `json:"key"`
	Root string    `json:"root"`
	At   time.Time `json:"at"`
}

// RecordCheckpoint records in the ledger (the view, the journal and so
// every later snapshot) that the checkpoint m was written. A mark older
// than the one the view holds changes nothing.
func (s *Service) RecordCheckpoint(ctx context.Context, m Mark) error {
	if _, err := s.submit(ctx, &write{kind: writeMark, mark: &m}); err != nil {
		return fmt.Errorf("record checkpoint %s in the ledger: %w", m.Key, err)
	}
	return nil
}

// Checkpointed returns the latest checkpoint the ledger records, or nil
// when none was ever recorded (or the view was rebuilt from the events
// alone, which do not carry it).
func (s *Service) Checkpointed() *Mark {
	s.view.mu.RLock()
	defer s.view.mu.RUnlock()
	if s.view.mark == nil {
		return nil
	}
	m := *s.view.mark
	return &m
}

// Heads returns every case's head as the view holds it, in byte order of
// the ledger numbers.
func (s *Service) Heads() []Head {
	d, _ := s.view.data()
	out := make([]Head, len(d.Cases))
	for i, vc := range d.Cases {
		out[i] = Head{No: vc.Case.No, Seq: vc.Case.Version, Hash: vc.Case.HeadHash}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].No < out[j].No })
	return out
}

// anchorState is the anchor a service checks reads against, and the faults
// found so far.
type anchorState struct {
	mu     sync.RWMutex
	anchor *Anchor
	heads  map[string]Head
	faults map[string]Fault
}

// SetAnchor makes a the anchor that case reads are checked against, and
// compares it with the view at once: a case the checkpoint holds and the
// view lacks, or whose head at the checkpoint's sequence differs, is
// marked. It returns the faults found.
func (s *Service) SetAnchor(a *Anchor) []Fault {
	heads := make(map[string]Head, len(a.Heads))
	for _, h := range a.Heads {
		heads[h.No] = h
	}
	st := &s.anchor
	st.mu.Lock()
	st.anchor, st.heads = a, heads
	st.mu.Unlock()
	var faults []Fault
	for _, h := range a.Heads {
		r, ok := s.view.get(h.No)
		switch {
		case !ok:
			faults = append(faults, s.missingCase(a, h))
		case r.c.Version < h.Seq:
			faults = append(faults, s.rewritten(a, h, fmt.Sprintf("台账中只有 %d 步", r.c.Version)))
		case r.c.Version == h.Seq && r.c.HeadHash != h.Hash:
			faults = append(faults, s.rewritten(a, h, fmt.Sprintf("第 %d 步的哈希值已改变", h.Seq)))
		}
	}
	for _, f := range faults {
		s.markFault(f)
	}
	return faults
}

func (l *ledger) missingCase(a *Anchor, h Head) Fault {
	return Fault{CaseNo: h.No, Kind: "missing-case",
		Message: fmt.Sprintf("案件 %s 见于 %s 的签名检查点，但数据库中没有该案件", h.No, l.anchorTime(a))}
}

func (l *ledger) rewritten(a *Anchor, h Head, detail string) Fault {
	return Fault{CaseNo: h.No, Seq: h.Seq, Kind: "rewritten-history",
		Message: fmt.Sprintf("案件 %s 的历史与 %s 的签名检查点不符（检查点记录第 %d 步）：%s", h.No, l.anchorTime(a), h.Seq, detail)}
}

// checkAnchor compares a case's events with the anchor's head for it.
func (l *ledger) checkAnchor(a *Anchor, h Head, events []Event) *Fault {
	if len(events) < h.Seq {
		f := l.rewritten(a, h, fmt.Sprintf("数据库中只有 %d 步", len(events)))
		return &f
	}
	if e := events[h.Seq-1]; e.Seq != h.Seq || e.Hash != h.Hash {
		f := l.rewritten(a, h, fmt.Sprintf("第 %d 步的哈希值已改变", h.Seq))
		return &f
	}
	return nil
}

// anchorTime is when the anchor's checkpoint was taken, as the office reads
// times.
func (l *ledger) anchorTime(a *Anchor) string {
	if l.loc != nil {
		return a.At.In(l.loc).Format("2006-01-02 15:04")
	}
	return a.At.Format("2006-01-02 15:04")
}

// ChainFault checks the events of case no, as read from the store and in
// sequence, against their own hashes and against the anchor: the first
// fault found, or nil. A fault is remembered for KnownFault.
func (s *Service) ChainFault(no string, events []Event) *Fault {
	if _, f := CheckChain(no, events); f != nil {
		s.markFault(*f)
		return f
	}
	st := &s.anchor
	st.mu.RLock()
	a := st.anchor
	h, ok := st.heads[no] // no anchor, no heads
	st.mu.RUnlock()
	if ok {
		if f := s.checkAnchor(a, h, events); f != nil {
			s.markFault(*f)
			return f
		}
	}
	return nil
}

// KnownFault returns a fault found in case no's chain since the server
// started (by a read, or by comparing the view with the anchor), if any.
func (s *Service) KnownFault(no string) (Fault, bool) {
	st := &s.anchor
	st.mu.RLock()
	defer st.mu.RUnlock()
	f, ok := st.faults[no]
	return f, ok
}

func (s *Service) markFault(f Fault) {
	st := &s.anchor
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.faults == nil {
		st.faults = map[string]Fault{}
	}
	if _, ok := st.faults[f.CaseNo]; !ok {
		st.faults[f.CaseNo] = f
	}
}

// CheckHeads checks, against the store rather than the view, every head
// of heads that is new or has moved since anchor (every head, without an
// anchor): the case's events must form a sound chain that ends at that
// head and passes through the anchor's head for the case. A view rebuilt
// from rewritten events agrees with them, so signing from the view alone
// could bless a rewrite; this is what a checkpoint rests on instead.
func (s *Service) CheckHeads(ctx context.Context, anchor *Anchor, heads []Head) ([]Fault, error) {
	was := map[string]Head{}
	if anchor != nil {
		for _, h := range anchor.Heads {
			was[h.No] = h
		}
	}
	var faults []Fault
	for _, h := range heads {
		old, anchored := was[h.No]
		if anchored && old == h {
			continue
		}
		evs, err := s.Events(ctx, GlobalScope, h.No)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", h.No, err)
		}
		var f *Fault
		if _, f = CheckChain(h.No, evs); f == nil && anchored {
			f = s.checkAnchor(anchor, old, evs)
		}
		if f == nil && (len(evs) < h.Seq || evs[h.Seq-1].Hash != h.Hash) {
			f = &Fault{CaseNo: h.No, Seq: h.Seq, Kind: "stale-projection", Message: fmt.Sprintf("视图中案件 %s 的第 %d 步与数据库中的事件不符", h.No, h.Seq)}
		}
		if f != nil {
			s.markFault(*f)
			faults = append(faults, *f)
		}
	}
	return faults, nil
}

// OldestChange is the time of the earliest registration the view holds
// (zero for an empty ledger).
func (s *Service) OldestChange() time.Time {
	d, _ := s.view.data()
	var t time.Time
	for _, vc := range d.Cases {
		if c := vc.Case.CreatedAt; !c.IsZero() && (t.IsZero() || c.Before(t)) {
			t = c
		}
	}
	return t
}

// NewestChange is the time of the latest change the view holds.
func (s *Service) NewestChange() time.Time {
	d, _ := s.view.data()
	var t time.Time
	for _, vc := range d.Cases {
		if vc.Case.UpdatedAt.After(t) {
			t = vc.Case.UpdatedAt
		}
	}
	return t
}

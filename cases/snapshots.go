package cases

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// snapshots writes a snapshot whenever the writer asks for one, until the
// ledger stops.
func (l *ledger) snapshots() {
	defer close(l.snapDone)
	for {
		select {
		case <-l.snapReq:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			if err := l.writeSnapshot(ctx, false); err != nil {
				l.log.Error("写入台账视图快照失败", "err", err)
			}
			cancel()
		case <-l.stop:
			return
		}
	}
}

// writeSnapshot stores the view and publishes it as the latest snapshot,
// then deletes what no one needs any more: the chunks of the snapshot
// before the previous one, and the journal up to the previous one's
// position (a process that far behind reloads from a snapshot). clean marks
// a snapshot written on stopping with nothing left unjournaled.
func (l *ledger) writeSnapshot(ctx context.Context, clean bool) error {
	l.snapMu.Lock()
	defer l.snapMu.Unlock()
	data, pos := l.view.data()
	// Another process may have published since: start from the latest.
	if latest, ok, err := l.latestSnapshot(ctx); err != nil {
		return err
	} else if ok && latest.Seq > l.lastSnap.Seq {
		l.lastSnap = latest
	}
	prev := l.lastSnap
	if prev.Seq > 0 && prev.Pos >= pos && (prev.Clean || !clean) {
		return nil // nothing new to keep
	}
	t0 := time.Now()
	b, err := encodeSnapshot(data, pos)
	if err != nil {
		return err
	}
	rnd := make([]byte, 8)
	_, _ = rand.Read(rnd)
	info := SnapshotInfo{Seq: prev.Seq + 1, Pos: pos, At: TruncateTime(time.Now()), By: l.id, Size: int64(len(b)),
		SHA256: sha256Hex(b), Cases: len(data.Cases), Clean: clean, Pruned: prev.Pruned}
	for i, ch := range splitChunks(b) {
		id := fmt.Sprintf("%s/%04d", hex.EncodeToString(rnd), i)
		if err := l.store.PutSnapshotChunk(ctx, id, ch); err != nil {
			return fmt.Errorf("store snapshot: %w", err)
		}
		info.Chunks = append(info.Chunks, id)
	}
	// Prune the journal before publishing, so that the published info never
	// claims less pruning than was done.
	if prev.Seq > 0 && prev.Pos > prev.Pruned {
		if err := l.store.PruneJournal(ctx, prev.Pruned+1, prev.Pos); err != nil {
			return fmt.Errorf("prune the journal to %d: %w", prev.Pos, err)
		}
		info.Pruned = prev.Pos
	}
	for attempt := 0; ; attempt++ {
		err := l.store.InsertSnapshot(ctx, info)
		if err == nil {
			break
		}
		if ErrorCode(err) != ECONFLICT || attempt >= 100 {
			return fmt.Errorf("publish snapshot %d: %w", info.Seq, err)
		}
		// Another process published meanwhile: take the next number.
		latest, ok, err := l.latestSnapshot(ctx)
		if err != nil {
			return err
		}
		if ok {
			info.Seq = latest.Seq + 1
			info.Pruned = max(info.Pruned, latest.Pruned)
		}
	}
	l.lastSnap = info
	l.snapPos.Store(pos)
	if prev.Seq > 1 {
		if older, err := l.store.FindSnapshot(ctx, prev.Seq-1); err == nil {
			if err := l.store.DeleteSnapshot(ctx, older); err != nil {
				l.log.Warn("删除旧快照失败", "snapshot", older.Seq, "err", err)
			}
		}
	}
	l.log.Info("已写入台账快照", "snapshot", info.Seq, "pos", pos, "cases", info.Cases, "bytes", info.Size,
		"clean", clean, "took", time.Since(t0).Round(time.Millisecond))
	return nil
}

package cases

import (
	"context"
	"fmt"
	"time"
)

// Notifier sends signals through the journal for a process that runs no
// ledger, such as a command-line tool changing an account while servers
// run on the same database. It receives none.
type Notifier struct {
	Store Store
}

// Signal appends one journal entry carrying sig after the journal's head.
func (n Notifier) Signal(ctx context.Context, sig Signal) error {
	l := &ledger{store: n.Store}
	info, _, err := l.latestSnapshot(ctx)
	if err != nil {
		return err
	}
	head, err := LastTaken(int(info.Pos)+1, func(p int) (bool, error) {
		_, err := n.Store.FindJournal(ctx, int64(p))
		if ErrorCode(err) == ENOTFOUND {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return fmt.Errorf("signal %s: %w", sig.Topic, err)
	}
	for pos := int64(head) + 1; pos < int64(head)+100; pos++ {
		err := n.Store.AppendJournal(ctx, Entry{Pos: pos, At: TruncateTime(time.Now()), By: "notifier", Changes: []Change{{Signal: &sig}}})
		if ErrorCode(err) != ECONFLICT {
			return err
		}
	}
	return Conflict("同步日志写入冲突，请重试")
}

// OnSignal does nothing: a Notifier only sends.
func (Notifier) OnSignal(func(Signal)) {}

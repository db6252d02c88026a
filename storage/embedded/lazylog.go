package embedded

import (
	"context"
	"log/slog"
)

// lazyHandler defers a handler's WithAttrs until a record is handled.
// FerretDB calls Logger.With(args…) with every SQL statement's arguments —
// whole documents — before logging them at debug level; a TextHandler
// formats those attributes at With, so a disabled debug log still cost a
// quoted copy of every document written (a seventh of a bulk insert's
// CPU). Deferred, only the records actually logged pay.
type lazyHandler struct {
	h     slog.Handler
	attrs []slog.Attr
}

func (l lazyHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return l.h.Enabled(ctx, level)
}

func (l lazyHandler) Handle(ctx context.Context, r slog.Record) error {
	h := l.h
	if len(l.attrs) > 0 {
		h = h.WithAttrs(l.attrs)
	}
	return h.Handle(ctx, r)
}

func (l lazyHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	all := make([]slog.Attr, 0, len(l.attrs)+len(attrs))
	return lazyHandler{h: l.h, attrs: append(append(all, l.attrs...), attrs...)}
}

func (l lazyHandler) WithGroup(name string) slog.Handler {
	h := l.h
	if len(l.attrs) > 0 {
		h = h.WithAttrs(l.attrs)
	}
	return lazyHandler{h: h.WithGroup(name)}
}

// Package embedded runs FerretDB v1 inside the process: a MongoDB-wire
// server on a loopback address, backed by SQLite files in a directory (the
// default when no database is configured) or by PostgreSQL (for the
// standalone `rectify dbserver` the tests use as an external engine).
//
// On both backends it also repairs FerretDB v1.24's _id index (see
// IndexIDs), so that a find, update or delete by exact _id reads one row,
// not the table.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Config says which backend to run and where to listen.
type Config struct {
	// Backend is "sqlite" or "postgresql".
	Backend string
	// Dir holds the SQLite files (sqlite backend).
	Dir string
	// PostgreSQLURL is the backend database (postgresql backend).
	PostgreSQLURL string
	// Addr is a loopback host:port; port 0 picks a free one.
	Addr string
	// Log receives the engine's warnings; nil discards them.
	Log *slog.Logger
	// IndexEvery, when positive, runs IndexIDs over every database at this
	// interval: for a standalone server whose clients create databases and
	// collections the process cannot see being created.
	IndexEvery time.Duration
}

// Engine is a running embedded server.
type Engine struct {
	uri    string
	dir    string // SQLite directory; "" on PostgreSQL
	pgURL  string // the PostgreSQL backend; "" on SQLite
	cancel context.CancelFunc
	done   chan error
}

// Start starts the engine and waits until it accepts connections.
func Start(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if err := checkLoopback(cfg.Addr); err != nil {
		return nil, err
	}
	fc := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: cfg.Addr}, Logger: cfg.Log}
	if fc.Logger == nil {
		fc.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	switch cfg.Backend {
	case "", "sqlite":
		dir, err := filepath.Abs(cfg.Dir)
		if err != nil || cfg.Dir == "" {
			return nil, fmt.Errorf("embedded engine: a data directory is required")
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("embedded engine: %w", err)
		}
		fc.Handler, fc.SQLiteURL = "sqlite", "file:"+dir+"/"
		cfg.Dir = dir
	case "postgresql":
		if cfg.PostgreSQLURL == "" {
			return nil, fmt.Errorf("embedded engine: postgresql backend needs a PostgreSQL URL")
		}
		u, err := customPlans(cfg.PostgreSQLURL)
		if err != nil {
			return nil, fmt.Errorf("embedded engine: %w", err)
		}
		fc.Handler, fc.PostgreSQLURL = "postgresql", u
	default:
		return nil, fmt.Errorf("embedded engine: unknown backend %q (sqlite or postgresql)", cfg.Backend)
	}
	f, err := ferretdb.New(fc)
	if err != nil {
		return nil, fmt.Errorf("embedded engine: %w", err)
	}
	rctx, cancel := context.WithCancel(context.Background())
	e := &Engine{cancel: cancel, done: make(chan error, 1)}
	if fc.Handler == "sqlite" {
		e.dir = cfg.Dir
	} else {
		e.pgURL = fc.PostgreSQLURL
	}
	go func() { e.done <- f.Run(rctx) }()
	e.uri = f.MongoDBURI()
	// Run starts listening asynchronously: wait for the port to answer.
	host := e.uri[len("mongodb://"):]
	host = host[:len(host)-1]
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err == nil {
			c.Close()
			if cfg.IndexEvery > 0 {
				go e.indexLoop(rctx, cfg.IndexEvery, fc.Logger)
			}
			return e, nil
		}
		select {
		case err := <-e.done:
			cancel()
			return nil, fmt.Errorf("embedded engine stopped while starting: %w", err)
		case <-ctx.Done():
			cancel()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			return nil, fmt.Errorf("embedded engine did not start listening on %s", host)
		}
	}
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("embedded engine: bad listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("embedded engine: listen address %q must be a loopback address", addr)
	}
	return nil
}

// URI is the MongoDB connection string of the engine.
func (e *Engine) URI() string { return e.uri }

// Close stops the engine and waits for it.
func (e *Engine) Close() error {
	e.cancel()
	select {
	case err := <-e.done:
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	case <-time.After(10 * time.Second):
		return fmt.Errorf("embedded engine did not stop")
	}
	return nil
}

// Package embedded runs FerretDB v1 inside the process: a MongoDB-wire
// server backed by SQLite files in a directory (the default when no database
// is configured) or by PostgreSQL (for the standalone `rectify dbserver` the
// tests use as an external engine).
//
// FerretDB v1 has no authentication of its own, so whoever can connect can
// read and rewrite the ledger. By default the engine therefore listens only
// on a Unix socket in a directory of mode 0700 that belongs to the server's
// user: no other local user can connect. A loopback TCP address (Addr) is
// for `rectify dbserver`, a development and test tool.
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
	"strings"
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
	// Addr, when set, is a loopback host:port to listen on instead of the
	// private Unix socket; port 0 picks a free one.
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
	sock   string // the private socket's directory; "" on TCP
	cancel context.CancelFunc
	done   chan error
}

// Start starts the engine and waits until it accepts connections.
func Start(ctx context.Context, cfg Config) (*Engine, error) {
	fc := &ferretdb.Config{Logger: cfg.Log}
	if cfg.Addr != "" {
		if err := checkLoopback(cfg.Addr); err != nil {
			return nil, err
		}
		fc.Listener.TCP = cfg.Addr
	}
	if fc.Logger == nil {
		fc.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	fc.Logger = slog.New(lazyHandler{h: fc.Logger.Handler()})
	switch cfg.Backend {
	case "", "sqlite":
		dir, err := filepath.Abs(cfg.Dir)
		if err != nil || cfg.Dir == "" {
			return nil, fmt.Errorf("embedded engine: a data directory is required")
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("embedded engine: %w", err)
		}
		// The SQLite files are the ledger: a directory made by hand or by
		// an older version may be open to others.
		if err := os.Chmod(dir, 0o700); err != nil {
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
	var sockDir string
	if fc.Listener.TCP == "" {
		var err error
		if sockDir, err = privateSocketDir(cfg.Dir); err != nil {
			return nil, fmt.Errorf("embedded engine: %w", err)
		}
		fc.Listener.Unix = filepath.Join(sockDir, socketName)
	}
	f, err := ferretdb.New(fc)
	if err != nil {
		removeSocketDir(sockDir)
		return nil, fmt.Errorf("embedded engine: %w", err)
	}
	rctx, cancel := context.WithCancel(context.Background())
	e := &Engine{sock: sockDir, cancel: cancel, done: make(chan error, 1)}
	if fc.Handler == "sqlite" {
		e.dir = cfg.Dir
	} else {
		e.pgURL = fc.PostgreSQLURL
	}
	go func() { e.done <- f.Run(rctx) }()
	// MongoDBURI waits for the listener to be set up; Run accepts
	// connections asynchronously: wait for the address to answer.
	e.uri = f.MongoDBURI()
	network, addr := "unix", fc.Listener.Unix
	if addr == "" {
		network = "tcp"
		addr = strings.TrimSuffix(strings.TrimPrefix(e.uri, "mongodb://"), "/")
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout(network, addr, time.Second)
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
			removeSocketDir(sockDir)
			return nil, fmt.Errorf("embedded engine stopped while starting: %w", err)
		case <-ctx.Done():
			e.Close()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			e.Close()
			return nil, fmt.Errorf("embedded engine did not start listening on %s", addr)
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
	removeSocketDir(e.sock)
	return nil
}

// socketName is the engine's socket inside its private directory.
const socketName = "engine.sock"

// maxSocketPath is the shortest limit on a Unix socket's path among the
// systems the server runs on (sun_path: 108 bytes on Linux, 104 on BSDs).
const maxSocketPath = 100

// privateSocketDir makes a new directory of mode 0700 for the engine's
// socket: inside dir where the path fits, else in the system's temporary
// directory. Directories that an earlier process left behind when it
// crashed, with no engine answering on their socket, are removed first.
func privateSocketDir(dir string) (string, error) {
	parent := ""
	if dir != "" && len(filepath.Join(dir, "sock-0123456789", socketName)) <= maxSocketPath {
		parent = dir
		removeStaleSockets(dir)
	}
	d, err := os.MkdirTemp(parent, "sock-")
	if err != nil {
		return "", fmt.Errorf("socket directory: %w", err)
	}
	// MkdirTemp already uses 0700; say so explicitly against a lax umask.
	if err := os.Chmod(d, 0o700); err != nil {
		os.RemoveAll(d)
		return "", fmt.Errorf("socket directory: %w", err)
	}
	return d, nil
}

// removeStaleSockets removes dir's socket directories whose engine is gone.
func removeStaleSockets(dir string) {
	old, _ := filepath.Glob(filepath.Join(dir, "sock-*"))
	for _, d := range old {
		c, err := net.DialTimeout("unix", filepath.Join(d, socketName), 200*time.Millisecond)
		if err == nil {
			c.Close()
			continue
		}
		os.RemoveAll(d)
	}
}

func removeSocketDir(d string) {
	if d != "" {
		os.RemoveAll(d)
	}
}

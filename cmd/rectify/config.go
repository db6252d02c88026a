package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/calendar"
	"rectify/cases/catalog"
	"rectify/storage/embedded"
	"rectify/storage/mongodb"
)

// config is what every database-using command shares.
type config struct {
	DataDir  string
	MongoURI string
	MongoDB  string
	TimeZone string
	LogLevel string
}

// bind registers the shared flags, defaulting from RECTIFY_* variables.
func (m *Main) bind(fs *flag.FlagSet, c *config) {
	fs.StringVar(&c.DataDir, "data", m.env("RECTIFY_DATA", "data"), "data directory for the embedded database (RECTIFY_DATA)")
	fs.StringVar(&c.MongoURI, "mongo-uri", m.env("RECTIFY_MONGO_URI", ""), "MongoDB URI; empty runs the embedded engine (RECTIFY_MONGO_URI)")
	fs.StringVar(&c.MongoDB, "mongo-db", m.env("RECTIFY_MONGO_DB", "rectify"), "database name (RECTIFY_MONGO_DB)")
	fs.StringVar(&c.TimeZone, "timezone", m.env("RECTIFY_TIMEZONE", "Asia/Shanghai"), "the office's time zone, for dates and ledger years (RECTIFY_TIMEZONE)")
	fs.StringVar(&c.LogLevel, "log-level", m.env("RECTIFY_LOG_LEVEL", "info"), "debug, info, warn or error (RECTIFY_LOG_LEVEL)")
}

func (m *Main) env(k, def string) string {
	if v := m.Getenv(k); v != "" {
		return v
	}
	return def
}

func (m *Main) logger(level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: l})), nil
}

// app is an open database with the ledger service on it.
type app struct {
	db      *mongodb.DB
	engine  *embedded.Engine
	lock    *os.File
	svc     *cases.Service
	access  *access.Service
	cfg     cases.Config
	catalog *catalog.Catalog
	log     *slog.Logger
}

// open connects to the configured database (starting the embedded engine
// when none is configured) and builds the service.
func (m *Main) open(ctx context.Context, c config) (*app, error) {
	log, err := m.logger(c.LogLevel)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("--timezone: %w", err)
	}
	cat, err := catalog.Builtin()
	if err != nil {
		return nil, err
	}
	cal, err := calendar.Builtin()
	if err != nil {
		return nil, err
	}
	a := &app{catalog: cat, log: log}
	uri := c.MongoURI
	if uri == "" {
		if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
		// SQLite files must not be shared by two processes: hold a lock.
		if a.lock, err = lockDir(c.DataDir); err != nil {
			return nil, err
		}
		a.engine, err = embedded.Start(ctx, embedded.Config{Dir: filepath.Join(c.DataDir, "db")})
		if err != nil {
			a.close()
			return nil, err
		}
		uri = a.engine.URI()
	}
	a.db, err = mongodb.Open(ctx, uri, c.MongoDB)
	if err != nil {
		a.close()
		return nil, err
	}
	a.cfg = cases.Config{Store: a.db, Calendar: cal, Catalog: cat, Location: loc, Log: log}
	a.svc = cases.NewService(a.cfg)
	a.access = access.NewService(a.db, nil)
	return a, nil
}

func (a *app) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if a.db != nil {
		_ = a.db.Close(ctx)
	}
	if a.engine != nil {
		_ = a.engine.Close()
	}
	if a.lock != nil {
		_ = a.lock.Close()
	}
}

func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("data directory %s is in use by another rectify process (the embedded database serves one process; set RECTIFY_MONGO_URI to share a server)", dir)
	}
	return f, nil
}

func version() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}

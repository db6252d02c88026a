// Package mongotest gives integration tests a real MongoDB-wire database.
// With RECTIFY_TEST_MONGO_URI set (make test points it at a `rectify
// dbserver` process) it uses that server; otherwise it starts the embedded
// engine once per test binary. Tests are never skipped for want of a server.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"rectify/storage/embedded"
	"rectify/storage/mongodb"
)

// EnvURI names the variable that points tests at an external engine.
const EnvURI = "RECTIFY_TEST_MONGO_URI"

var (
	once    sync.Once
	uri     string
	initErr error
)

// URI returns the URI of the engine tests use, starting the embedded one if
// no external engine is configured.
func URI(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		if uri = os.Getenv(EnvURI); uri != "" {
			return
		}
		dir, err := os.MkdirTemp("", "rectify-test-engine-")
		if err != nil {
			initErr = err
			return
		}
		// As rectify serve and rectify dbserver do: _id lookups indexed.
		e, err := embedded.Start(context.Background(), embedded.Config{Dir: dir, IndexEvery: time.Second})
		if err != nil {
			initErr = err
			return
		}
		uri = e.URI()
	})
	if initErr != nil {
		tb.Fatalf("start test database engine: %v", initErr)
	}
	return uri
}

// External reports whether tests run against an engine in another process.
func External() bool { return os.Getenv(EnvURI) != "" }

// DBName returns a fresh database name.
func DBName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "t" + hex.EncodeToString(b)
}

// Open returns a store on a fresh database, dropped when the test ends.
func Open(tb testing.TB) *mongodb.DB {
	tb.Helper()
	return OpenNamed(tb, DBName())
}

// OpenNamed opens database name on the test engine, dropped when the test ends.
func OpenNamed(tb testing.TB, name string) *mongodb.DB {
	tb.Helper()
	return OpenAt(tb, URI(tb), name)
}

// OpenAt opens database name on the server at uri, dropped when the test ends.
func OpenAt(tb testing.TB, uri, name string) *mongodb.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := mongodb.Open(ctx, uri, name)
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Drop(ctx); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
		_ = db.Close(ctx)
	})
	return db
}

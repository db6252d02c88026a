package embedded

import (
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The embedded engine has no authentication: it must not be reachable by
// another local user. It listens on a Unix socket in a directory only the
// server's user can enter, and on no TCP port (issue 8, item 13).
func TestEngineListensOnlyOnAPrivateSocket(t *testing.T) {
	for _, tt := range []struct {
		name string
		dir  string
	}{
		{"InDataDir", t.TempDir()},
		{"LongPathFallsBackToTempDir", filepath.Join(t.TempDir(), strings.Repeat("d", 90))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			e, err := Start(ctx, Config{Dir: tt.dir})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			sock, err := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(e.URI(), "mongodb://"), "/"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(sock, "/") || !strings.HasSuffix(sock, ".sock") {
				t.Fatalf("URI %q does not name a Unix socket", e.URI())
			}
			if _, _, err := net.SplitHostPort(sock); err == nil {
				t.Fatalf("URI %q names a TCP address", e.URI())
			}
			fi, err := os.Stat(filepath.Dir(sock))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o700 {
				t.Fatalf("socket directory mode %v, want 0700", fi.Mode().Perm())
			}
			if di, err := os.Stat(tt.dir); err != nil || di.Mode().Perm() != 0o700 {
				t.Fatalf("data directory: %v, %v; want mode 0700", di.Mode(), err)
			}
			client, err := mongo.Connect(options.Client().ApplyURI(e.URI()))
			if err != nil {
				t.Fatal(err)
			}
			defer client.Disconnect(ctx)
			if _, err := client.Database("x").Collection("c").InsertOne(ctx, bson.M{"_id": 1}); err != nil {
				t.Fatalf("insert over the socket: %v", err)
			}
			e.Close()
			if _, err := os.Stat(filepath.Dir(sock)); !os.IsNotExist(err) {
				t.Fatalf("socket directory left behind after Close: %v", err)
			}
		})
	}
}

// A crashed server leaves its socket directory behind; the next start
// clears it rather than accumulating them.
func TestStaleSocketDirectoriesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "sock-stale")
	if err := os.MkdirAll(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, socketName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e, err := Start(context.Background(), Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale socket directory kept: %v", err)
	}
}

package mongodb_test

import (
	"context"
	"testing"
	"time"

	"rectify/cases"
	"rectify/storage/mongodb"
	"rectify/storage/mongotest"
)

// PruneJournal deletes the positions asked for, no more.
func TestPruneJournalDeletesUpToAPosition(t *testing.T) {
	ctx := context.Background()
	db := mongotest.Open(t)
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for p := int64(1); p <= 12; p++ {
		if err := db.AppendJournal(ctx, cases.Entry{Pos: p, At: at, By: "p", Changes: []cases.Change{{}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PruneJournal(ctx, 1, 9); err != nil {
		t.Fatal(err)
	}
	for p := int64(1); p <= 12; p++ {
		_, err := db.FindJournal(ctx, p)
		switch {
		case p <= 9 && cases.ErrorCode(err) != cases.ENOTFOUND:
			t.Errorf("entry %d after pruning to 9: %v, want not found", p, err)
		case p > 9 && err != nil:
			t.Errorf("entry %d after pruning to 9: %v", p, err)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"mongodb://127.0.0.1:27017/", "mongodb://127.0.0.1:27017/"},
		{"mongodb://rectify:s3cret@db1:27017,db2:27017/rectify?replicaSet=rs0&tlsCertificateKeyFilePassword=k3y", "mongodb://rectify@db1:27017,db2:27017/rectify"},
		// The embedded engine's Unix socket: kept usable (rectify bench
		// connects to what the server reports).
		{"mongodb://%2Ftmp%2Frectify-db-1%2Fdb.sock/?directConnection=true", "mongodb://%2Ftmp%2Frectify-db-1%2Fdb.sock/"},
		{"mongodb+srv://u:p@cluster0.example.net", "mongodb+srv://u@cluster0.example.net"},
		{"not a uri", "the configured database URI"},
	} {
		if got := mongodb.Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

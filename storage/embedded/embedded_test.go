package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func TestStartRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"ErrNotLoopback", Config{Dir: t.TempDir(), Addr: "0.0.0.0:0"}},
		{"ErrPublicAddress", Config{Dir: t.TempDir(), Addr: "8.8.8.8:27017"}},
		{"ErrBadAddress", Config{Dir: t.TempDir(), Addr: "nonsense"}},
		{"ErrNoDir", Config{}},
		{"ErrPostgreSQLWithoutURL", Config{Backend: "postgresql"}},
		{"ErrUnknownBackend", Config{Backend: "oracle", Dir: t.TempDir()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if e, err := Start(context.Background(), tt.cfg); err == nil {
				e.Close()
				t.Fatal("want error")
			}
		})
	}
}

func TestIndexIDsMakesIDLookupsUseAnIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := Start(ctx, Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	client, err := mongo.Connect(options.Client().ApplyURI(e.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	col := client.Database("x").Collection("things")
	docs := []any{}
	for i := 0; i < 100; i++ {
		docs = append(docs, bson.M{"_id": fmt.Sprintf("k%03d", i), "v": i})
	}
	if _, err := col.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	plan := func() string {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "x.sqlite"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var table string
		if err := db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = 'things'`).Scan(&table); err != nil {
			t.Fatal(err)
		}
		var id, parent, unused int
		var detail string
		q := fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE %s = ?`, table, idExpr)
		if err := db.QueryRow(q, `"k050"`).Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		return detail
	}
	if got := plan(); !strings.HasPrefix(got, "SCAN") {
		t.Fatalf("before IndexIDs the plan is %q; FerretDB's own _id index is expected not to serve lookups", got)
	}
	for i := 0; i < 2; i++ { // idempotent
		if err := e.IndexIDs(ctx, "x"); err != nil {
			t.Fatal(err)
		}
	}
	if got := plan(); !strings.Contains(got, "USING INDEX") || !strings.Contains(got, "_rectify_id") {
		t.Fatalf("after IndexIDs the plan is %q, want the _rectify_id index", got)
	}
	// Lookups, updates, deletes and the uniqueness of _id still behave.
	var got struct{ V int }
	if err := col.FindOne(ctx, bson.M{"_id": "k077"}).Decode(&got); err != nil || got.V != 77 {
		t.Fatalf("find k077: %v %+v", err, got)
	}
	if res, err := col.UpdateOne(ctx, bson.M{"_id": "k077"}, bson.M{"$set": bson.M{"v": 7}}); err != nil || res.ModifiedCount != 1 {
		t.Fatalf("update k077: %v %+v", err, res)
	}
	if res, err := col.DeleteOne(ctx, bson.M{"_id": "k001"}); err != nil || res.DeletedCount != 1 {
		t.Fatalf("delete k001: %v %+v", err, res)
	}
	if _, err := col.InsertOne(ctx, bson.M{"_id": "k002"}); !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("duplicate _id insert: %v, want a duplicate key error", err)
	}
	if err := col.FindOne(ctx, bson.M{"_id": "k001"}).Err(); err != mongo.ErrNoDocuments {
		t.Fatalf("deleted k001 still found: %v", err)
	}
}

func TestIndexLoopIndexesNewCollections(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := Start(ctx, Config{Dir: dir, IndexEvery: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	client, err := mongo.Connect(options.Client().ApplyURI(e.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	if _, err := client.Database("y").Collection("later").InsertOne(ctx, bson.M{"_id": "a"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "y.sqlite"))
		if err != nil {
			t.Fatal(err)
		}
		missing, err := missingIDIndexes(ctx, db)
		db.Close()
		if err == nil && len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index loop did not index the new collection: missing %v, %v", missing, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCustomPlans(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://u@h:5432/db", "postgres://u@h:5432/db?plan_cache_mode=force_custom_plan"},
		{"postgres://u@h/db?sslmode=disable", "postgres://u@h/db?plan_cache_mode=force_custom_plan&sslmode=disable"},
		{"postgres://u@h/db?plan_cache_mode=auto", "postgres://u@h/db?plan_cache_mode=auto"},
	} {
		if got, err := customPlans(tc.in); err != nil || got != tc.want {
			t.Errorf("customPlans(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := customPlans("postgres://u@h/%zz"); err == nil {
		t.Error("a malformed URL was accepted")
	}
}

// Package mongodb implements cases.Store on MongoDB (or any server speaking
// its wire protocol, such as FerretDB). It uses only what MongoDB and
// FerretDB v1 both support: single-document writes, unique indexes, plain
// finds with sorts, and $group with $sum. Correctness under concurrency
// rests on unique-key inserts, never on conditional updates.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rectify/cases"
)

// Collection names.
const (
	colUnits  = "units"
	colEvents = "events"
	colCases  = "cases"
	colKeys   = "idempotency_keys"
)

// DB is a connection to one database.
type DB struct {
	client *mongo.Client
	db     *mongo.Database
}

// Open connects to uri, uses database name and creates the indexes the
// store needs (idempotent).
func Open(ctx context.Context, uri, name string) (*DB, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(30 * time.Second))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", redact(uri), err)
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := client.Ping(pctx, nil); err != nil {
		_ = client.Disconnect(ctx)
		return nil, fmt.Errorf("reach database at %s: %w", redact(uri), err)
	}
	d := &DB{client: client, db: client.Database(name)}
	if err := d.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(ctx)
		return nil, err
	}
	return d, nil
}

// redact drops credentials from a URI for messages.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "the configured database URI"
	}
	if u.User != nil {
		u.User = url.User("***")
	}
	return u.String()
}

// Close disconnects.
func (d *DB) Close(ctx context.Context) error { return d.client.Disconnect(ctx) }

// Drop deletes the whole database (tests only).
func (d *DB) Drop(ctx context.Context) error { return d.db.Drop(ctx) }

// Name is the database's name.
func (d *DB) Name() string { return d.db.Name() }

// ensureIndexes creates every index a list filter or lookup uses. On
// FerretDB v1 only _id lookups use an index, but the unique indexes still
// arbitrate, and on MongoDB all of them serve their queries.
func (d *DB) ensureIndexes(ctx context.Context) error {
	specs := map[string][]mongo.IndexModel{
		colEvents: {
			{Keys: bson.D{{Key: "caseNo", Value: 1}, {Key: "seq", Value: 1}}, Options: options.Index().SetUnique(true).SetName("case_seq")},
			{Keys: bson.D{{Key: "seq", Value: 1}, {Key: "year", Value: 1}, {Key: "ordinal", Value: -1}}, Options: options.Index().SetName("numbering")},
			{Keys: bson.D{{Key: "idempotencyKey", Value: 1}}, Options: options.Index().SetName("idempotency_key")},
		},
		colCases: {
			{Keys: bson.D{{Key: "year", Value: -1}, {Key: "ordinal", Value: -1}}, Options: options.Index().SetName("ledger_order")},
			{Keys: bson.D{{Key: "state", Value: 1}, {Key: "deadline", Value: 1}}, Options: options.Index().SetName("state_deadline")},
			{Keys: bson.D{{Key: "unitCode", Value: 1}, {Key: "state", Value: 1}}, Options: options.Index().SetName("unit_state")},
			{Keys: bson.D{{Key: "regionKeys", Value: 1}, {Key: "state", Value: 1}}, Options: options.Index().SetName("region_state")},
			{Keys: bson.D{{Key: "source", Value: 1}, {Key: "year", Value: -1}}, Options: options.Index().SetName("source_year")},
			{Keys: bson.D{{Key: "kind", Value: 1}, {Key: "year", Value: -1}}, Options: options.Index().SetName("kind_year")},
		},
		colUnits: {
			{Keys: bson.D{{Key: "regionKeys", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("region_code")},
			{Keys: bson.D{{Key: "kind", Value: 1}}, Options: options.Index().SetName("kind")},
		},
	}
	for col, models := range specs {
		if _, err := d.db.Collection(col).Indexes().CreateMany(ctx, models); err != nil {
			return fmt.Errorf("create indexes on %s: %w", col, err)
		}
	}
	return nil
}

// translate maps driver errors to domain error codes.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return cases.NotFound("%s not found", what)
	case mongo.IsDuplicateKeyError(err):
		return &cases.Error{Code: cases.ECONFLICT, Message: what + " already exists"}
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

// regionKeys turns a region path into the keys a region filter matches:
// every ancestor path, so that 江南省/云州市 matches its counties too.
func regionKeys(path []string) []string {
	keys := make([]string, 0, len(path))
	for i := range path {
		keys = append(keys, cases.RegionKey(path[:i+1]))
	}
	return keys
}

func pageOpts(page, per int) (skip, limit int64) {
	return int64((page - 1) * per), int64(per)
}

package mongodb

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Counts returns the number of documents in each collection the store
// writes. Tests use it to show that a failed request wrote nothing.
func (d *DB) Counts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, col := range collections {
		n, err := d.db.Collection(col).CountDocuments(ctx, bson.M{})
		if err != nil {
			return nil, fmt.Errorf("count %s: %w", col, err)
		}
		out[col] = n
	}
	return out, nil
}

// RawUpdate applies a raw update to one document by _id, bypassing the
// domain. It exists so that tests and drills can corrupt data on purpose
// and show that `rectify verify` catches it; the product never calls it.
func (d *DB) RawUpdate(ctx context.Context, col, id string, update any) error {
	res, err := d.db.Collection(col).UpdateOne(ctx, bson.M{"_id": id}, update)
	if err != nil {
		return fmt.Errorf("raw update %s/%s: %w", col, id, err)
	}
	if res.MatchedCount != 1 {
		return fmt.Errorf("raw update %s/%s: no such document", col, id)
	}
	return nil
}

// EventID is the _id of an event document.
func EventID(caseNo string, seq int) string { return eventID(caseNo, seq) }

// RawDelete deletes one document by _id, bypassing the domain, for tests
// and drills that delete history on purpose; the product never calls it.
func (d *DB) RawDelete(ctx context.Context, col, id string) error {
	res, err := d.db.Collection(col).DeleteOne(ctx, bson.M{"_id": id})
	if err != nil {
		return fmt.Errorf("raw delete %s/%s: %w", col, id, err)
	}
	if res.DeletedCount != 1 {
		return fmt.Errorf("raw delete %s/%s: no such document", col, id)
	}
	return nil
}

// RawDocuments returns every document of every collection of the database
// — those the store knows and any other — as raw BSON, by collection. It
// exists so that tests can look for what must never be stored in clear.
func (d *DB) RawDocuments(ctx context.Context) (map[string][][]byte, error) {
	names, err := d.db.ListCollectionNames(ctx, bson.M{})
	if err != nil {
		return nil, fmt.Errorf("list collections: %w", err)
	}
	out := map[string][][]byte{}
	for _, name := range names {
		cur, err := d.db.Collection(name).Find(ctx, bson.M{})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		for cur.Next(ctx) {
			out[name] = append(out[name], append([]byte(nil), cur.Current...))
		}
		if err := cur.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		_ = cur.Close(ctx)
	}
	return out, nil
}

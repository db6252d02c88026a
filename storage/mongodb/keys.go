package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rectify/cases"
)

type keyDoc struct {
	Key         string    `bson:"_id"`
	RequestHash string    `bson:"requestHash"`
	CaseNo      string    `bson:"caseNo"`
	CreatedAt   time.Time `bson:"createdAt"`
}

// ClaimKey inserts an idempotency record, or returns the one already there.
func (d *DB) ClaimKey(ctx context.Context, r cases.KeyRecord) (cases.KeyRecord, bool, error) {
	col := d.db.Collection(colKeys)
	_, err := col.InsertOne(ctx, keyDoc{Key: r.Key, RequestHash: r.RequestHash, CreatedAt: r.CreatedAt})
	if err == nil {
		return cases.KeyRecord{}, true, nil
	}
	if err = translate(err, "idempotency key"); cases.ErrorCode(err) != cases.ECONFLICT {
		return cases.KeyRecord{}, false, err
	}
	var doc keyDoc
	if err := col.FindOne(ctx, bson.M{"_id": r.Key}).Decode(&doc); err != nil {
		return cases.KeyRecord{}, false, translate(err, "idempotency key")
	}
	return cases.KeyRecord{Key: doc.Key, RequestHash: doc.RequestHash, CaseNo: doc.CaseNo, CreatedAt: doc.CreatedAt.UTC()}, false, nil
}

// ReleaseKey deletes a key that never produced a case.
func (d *DB) ReleaseKey(ctx context.Context, key string) error {
	_, err := d.db.Collection(colKeys).DeleteOne(ctx, bson.M{"_id": key, "caseNo": ""})
	return translate(err, "idempotency key")
}

var _ cases.Store = (*DB)(nil)

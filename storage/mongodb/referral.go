package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rectify/cases"
	"rectify/cases/referral"
)

// colBatches holds patrol referral batches, one small document each, read
// by _id and once whole at start-up (the service indexes them in memory).
const colBatches = "referral_batches"

// The intake channels add their collections here rather than in the shared
// list, so that each channel's storage stays in its own file.
func init() { collections = append(collections, colBatches) }

type batchDoc struct {
	ID           string           `bson:"_id"`
	Office       string           `bson:"office"`
	LetterNo     string           `bson:"letterNo"`
	Round        string           `bson:"round,omitempty"`
	Team         string           `bson:"team,omitempty"`
	Received     string           `bson:"received"`
	Level        string           `bson:"level"`
	Items        []batchItem      `bson:"items"`
	Hash         string           `bson:"hash"`
	RegisteredBy actorDoc         `bson:"registeredBy"`
	CreatedAt    time.Time        `bson:"createdAt"`
	Letters      []batchLetterDoc `bson:"letters,omitempty"`
}

type batchItem struct {
	UnitCode string   `bson:"unitCode"`
	Kind     string   `bson:"kind"`
	Title    string   `bson:"title"`
	Facts    string   `bson:"facts"`
	CaseNo   string   `bson:"caseNo,omitempty"`
	UnitName string   `bson:"unitName,omitempty"`
	Region   []string `bson:"region,omitempty"`
}

type batchLetterDoc struct {
	DocumentID string    `bson:"documentId"`
	Number     string    `bson:"number"`
	Final      bool      `bson:"final"`
	Cases      []string  `bson:"cases"`
	IssuedAt   time.Time `bson:"issuedAt"`
}

func toBatchDoc(b referral.Batch) batchDoc {
	d := batchDoc{ID: b.ID, Office: b.Office, LetterNo: b.LetterNo, Round: b.Round, Team: b.Team, Received: b.Received,
		Level: string(b.Level), Hash: b.Hash, CreatedAt: b.CreatedAt,
		RegisteredBy: actorDoc{ID: b.RegisteredBy.ID, Name: b.RegisteredBy.Name, Role: string(b.RegisteredBy.Role)}}
	for _, it := range b.Items {
		d.Items = append(d.Items, batchItem{UnitCode: it.UnitCode, Kind: it.Kind, Title: it.Title, Facts: it.Facts,
			CaseNo: it.CaseNo, UnitName: it.UnitName, Region: it.Region})
	}
	for _, l := range b.Letters {
		d.Letters = append(d.Letters, batchLetterDoc{DocumentID: l.DocumentID, Number: l.Number, Final: l.Final, Cases: l.Cases, IssuedAt: l.IssuedAt})
	}
	return d
}

func (d batchDoc) batch() referral.Batch {
	b := referral.Batch{ID: d.ID, Office: d.Office, LetterNo: d.LetterNo, Round: d.Round, Team: d.Team, Received: d.Received,
		Level: cases.Level(d.Level), Hash: d.Hash, CreatedAt: d.CreatedAt.UTC(),
		RegisteredBy: cases.Actor{ID: d.RegisteredBy.ID, Name: d.RegisteredBy.Name, Role: cases.Role(d.RegisteredBy.Role)}}
	for _, it := range d.Items {
		b.Items = append(b.Items, referral.Item{UnitCode: it.UnitCode, Kind: it.Kind, Title: it.Title, Facts: it.Facts,
			CaseNo: it.CaseNo, UnitName: it.UnitName, Region: it.Region})
	}
	for _, l := range d.Letters {
		b.Letters = append(b.Letters, referral.Letter{DocumentID: l.DocumentID, Number: l.Number, Final: l.Final, Cases: l.Cases, IssuedAt: l.IssuedAt.UTC()})
	}
	return b
}

// InsertBatch records a new batch by unique insert of its _id.
func (d *DB) InsertBatch(ctx context.Context, b referral.Batch) error {
	_, err := d.db.Collection(colBatches).InsertOne(ctx, toBatchDoc(b))
	return translate(err, "referral batch "+b.LetterNo)
}

// PutBatch replaces a recorded batch.
func (d *DB) PutBatch(ctx context.Context, b referral.Batch) error {
	res, err := d.db.Collection(colBatches).ReplaceOne(ctx, bson.M{"_id": b.ID}, toBatchDoc(b))
	if err != nil {
		return fmt.Errorf("replace referral batch %s: %w", b.ID, err)
	}
	if res.MatchedCount == 0 {
		return cases.NotFound("移交批次 %s 不存在", b.LetterNo)
	}
	return nil
}

// FindBatch reads one batch by ID.
func (d *DB) FindBatch(ctx context.Context, id string) (referral.Batch, error) {
	var doc batchDoc
	err := d.db.Collection(colBatches).FindOne(ctx, bson.M{"_id": id}).Decode(&doc)
	if err != nil {
		return referral.Batch{}, translate(err, "referral batch "+id)
	}
	return doc.batch(), nil
}

// AllBatches reads every batch.
func (d *DB) AllBatches(ctx context.Context) ([]referral.Batch, error) {
	return findAll(ctx, d.db.Collection(colBatches), bson.M{}, bson.D{}, batchDoc.batch, "referral batches")
}

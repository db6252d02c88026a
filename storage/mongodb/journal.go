package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rectify/cases"
)

// linkDoc, signalDoc and changeDoc are a journal entry's changes.
type linkDoc struct {
	Kind  string   `bson:"kind"`
	ID    string   `bson:"id"`
	Cases []string `bson:"cases"`
	// Number and ToUnit are kept for document links only.
	Number string `bson:"number,omitempty"`
	ToUnit bool   `bson:"toUnit,omitempty"`
}

type signalDoc struct {
	Topic string `bson:"topic"`
	Key   string `bson:"key"`
}

// markDoc records a signed checkpoint in the journal (cases.Mark).
type markDoc struct {
	N    int       `bson:"n"`
	Key  string    `bson:"key"`
	Root string    `bson:"root"`
	At   time.Time `bson:"at"`
}

type changeDoc struct {
	Event  *eventDoc  `bson:"event,omitempty"`
	Unit   *unitDoc   `bson:"unit,omitempty"`
	Link   *linkDoc   `bson:"link,omitempty"`
	Reset  *caseDoc   `bson:"reset,omitempty"`
	Signal *signalDoc `bson:"signal,omitempty"`
	Drop   string     `bson:"drop,omitempty"`
	Mark   *markDoc   `bson:"checkpoint,omitempty"`
}

// journalDoc is one journal entry. _id is the position, zero-padded so
// that the keys also sort as the positions do.
type journalDoc struct {
	ID      string      `bson:"_id"`
	At      time.Time   `bson:"at"`
	By      string      `bson:"by"`
	Changes []changeDoc `bson:"changes"`
}

func journalID(pos int64) string { return fmt.Sprintf("%016d", pos) }

func toChangeDoc(c cases.Change) changeDoc {
	var d changeDoc
	switch {
	case c.Event != nil:
		e := toEventDoc(*c.Event)
		d.Event = &e
	case c.Unit != nil:
		u := toUnitDoc(*c.Unit)
		d.Unit = &u
	case c.Link != nil:
		d.Link = &linkDoc{Kind: c.Link.Kind, ID: c.Link.ID, Cases: c.Link.Cases, Number: c.Link.Number, ToUnit: c.Link.ToUnit}
	case c.Reset != nil:
		k := toCaseDoc(*c.Reset)
		d.Reset = &k
	case c.Signal != nil:
		d.Signal = &signalDoc{Topic: c.Signal.Topic, Key: c.Signal.Key}
	case c.Checkpoint != nil:
		d.Mark = &markDoc{N: c.Checkpoint.N, Key: c.Checkpoint.Key, Root: c.Checkpoint.Root, At: c.Checkpoint.At}
	}
	d.Drop = c.Drop
	return d
}

func (d changeDoc) change() cases.Change {
	var c cases.Change
	switch {
	case d.Event != nil:
		e := d.Event.event()
		c.Event = &e
	case d.Unit != nil:
		u := d.Unit.unit()
		c.Unit = &u
	case d.Link != nil:
		c.Link = &cases.Link{Kind: d.Link.Kind, ID: d.Link.ID, Cases: d.Link.Cases, Number: d.Link.Number, ToUnit: d.Link.ToUnit}
	case d.Reset != nil:
		k := d.Reset.kase()
		c.Reset = &k
	case d.Signal != nil:
		c.Signal = &cases.Signal{Topic: d.Signal.Topic, Key: d.Signal.Key}
	case d.Mark != nil:
		c.Checkpoint = &cases.Mark{N: d.Mark.N, Key: d.Mark.Key, Root: d.Mark.Root, At: d.Mark.At.UTC()}
	}
	c.Drop = d.Drop
	return c
}

// AppendJournal inserts an entry at its position; ECONFLICT if taken.
func (d *DB) AppendJournal(ctx context.Context, e cases.Entry) error {
	doc := journalDoc{ID: journalID(e.Pos), At: e.At, By: e.By, Changes: make([]changeDoc, len(e.Changes))}
	for i, c := range e.Changes {
		doc.Changes[i] = toChangeDoc(c)
	}
	_, err := d.db.Collection(colJournal).InsertOne(ctx, doc)
	return translate(err, fmt.Sprintf("journal entry %d", e.Pos))
}

// FindJournal returns the entry at pos.
func (d *DB) FindJournal(ctx context.Context, pos int64) (cases.Entry, error) {
	var doc journalDoc
	if err := d.db.Collection(colJournal).FindOne(ctx, bson.M{"_id": journalID(pos)}).Decode(&doc); err != nil {
		return cases.Entry{}, translate(err, fmt.Sprintf("journal entry %d", pos))
	}
	e := cases.Entry{Pos: pos, At: doc.At.UTC(), By: doc.By, Changes: make([]cases.Change, len(doc.Changes))}
	for i, c := range doc.Changes {
		e.Changes[i] = c.change()
	}
	return e, nil
}

// PruneJournal deletes the entries from one position through another, one
// by exact _id: on FerretDB any other filter reads and decodes the whole
// journal (tried: a ranged delete at 100,000 cases cost more memory and
// latency than the deletes it replaced).
func (d *DB) PruneJournal(ctx context.Context, from, through int64) error {
	col := d.db.Collection(colJournal)
	for p := from; p <= through; p++ {
		if _, err := col.DeleteOne(ctx, bson.M{"_id": journalID(p)}); err != nil {
			return translate(err, fmt.Sprintf("journal entry %d", p))
		}
	}
	return nil
}

// snapshotDoc publishes a snapshot; _id is its number, zero-padded.
type snapshotDoc struct {
	ID     string    `bson:"_id"`
	Pos    int64     `bson:"pos"`
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`
	Chunks []string  `bson:"chunks"`
	Size   int64     `bson:"size"`
	SHA256 string    `bson:"sha256"`
	Cases  int       `bson:"cases"`
	Clean  bool      `bson:"clean"`
	Pruned int64     `bson:"pruned"`
}

type chunkDoc struct {
	ID   string `bson:"_id"`
	Data []byte `bson:"data"`
}

func snapshotID(seq int) string { return fmt.Sprintf("%010d", seq) }

// PutSnapshotChunk stores one chunk of a snapshot's content.
func (d *DB) PutSnapshotChunk(ctx context.Context, id string, data []byte) error {
	_, err := d.db.Collection(colChunks).InsertOne(ctx, chunkDoc{ID: id, Data: data})
	return translate(err, "snapshot chunk "+id)
}

// FindSnapshotChunk returns a chunk.
func (d *DB) FindSnapshotChunk(ctx context.Context, id string) ([]byte, error) {
	var doc chunkDoc
	if err := d.db.Collection(colChunks).FindOne(ctx, bson.M{"_id": id}).Decode(&doc); err != nil {
		return nil, translate(err, "snapshot chunk "+id)
	}
	return doc.Data, nil
}

// InsertSnapshot publishes a snapshot; ECONFLICT if its number is taken.
func (d *DB) InsertSnapshot(ctx context.Context, s cases.SnapshotInfo) error {
	_, err := d.db.Collection(colSnapshots).InsertOne(ctx, snapshotDoc{ID: snapshotID(s.Seq), Pos: s.Pos, At: s.At, By: s.By,
		Chunks: s.Chunks, Size: s.Size, SHA256: s.SHA256, Cases: s.Cases, Clean: s.Clean, Pruned: s.Pruned})
	return translate(err, fmt.Sprintf("snapshot %d", s.Seq))
}

// FindSnapshot returns the snapshot published under seq.
func (d *DB) FindSnapshot(ctx context.Context, seq int) (cases.SnapshotInfo, error) {
	var doc snapshotDoc
	if err := d.db.Collection(colSnapshots).FindOne(ctx, bson.M{"_id": snapshotID(seq)}).Decode(&doc); err != nil {
		return cases.SnapshotInfo{}, translate(err, fmt.Sprintf("snapshot %d", seq))
	}
	return cases.SnapshotInfo{Seq: seq, Pos: doc.Pos, At: doc.At.UTC(), By: doc.By, Chunks: doc.Chunks, Size: doc.Size,
		SHA256: doc.SHA256, Cases: doc.Cases, Clean: doc.Clean, Pruned: doc.Pruned}, nil
}

// DeleteSnapshot deletes a snapshot's chunks. Its record stays, marked as
// having none, so that snapshot numbers remain a prefix.
func (d *DB) DeleteSnapshot(ctx context.Context, s cases.SnapshotInfo) error {
	for _, id := range s.Chunks {
		if _, err := d.db.Collection(colChunks).DeleteOne(ctx, bson.M{"_id": id}); err != nil {
			return translate(err, "snapshot chunk "+id)
		}
	}
	_, err := d.db.Collection(colSnapshots).UpdateOne(ctx, bson.M{"_id": snapshotID(s.Seq)}, bson.M{"$set": bson.M{"chunks": bson.A{}}})
	return translate(err, fmt.Sprintf("snapshot %d", s.Seq))
}

// ScanLinks reports, for every document and evidence record, the cases it
// belongs to.
func (d *DB) ScanLinks(ctx context.Context, fn func(cases.Link) error) error {
	scan := func(col, kind, field string) error {
		proj := bson.M{field: 1, "number": 1, "unitCode": 1}
		cur, err := d.db.Collection(col).Find(ctx, bson.M{}, options.Find().SetProjection(proj).SetBatchSize(1000))
		if err != nil {
			return fmt.Errorf("scan %s: %w", col, err)
		}
		defer cur.Close(ctx)
		for cur.Next(ctx) {
			var doc struct {
				ID     string   `bson:"_id"`
				Cases  []string `bson:"cases"`
				CaseNo string   `bson:"caseNo"`
				Number string   `bson:"number"`
				Unit   string   `bson:"unitCode"`
			}
			if err := cur.Decode(&doc); err != nil {
				return fmt.Errorf("scan %s: %w", col, err)
			}
			l := cases.Link{Kind: kind, ID: doc.ID, Cases: doc.Cases}
			if kind == cases.LinkDocument {
				l.Number, l.ToUnit = doc.Number, doc.Unit != ""
			}
			if doc.CaseNo != "" {
				l.Cases = []string{doc.CaseNo}
			}
			if err := fn(l); err != nil {
				return err
			}
		}
		return cur.Err()
	}
	if err := scan(colDocuments, cases.LinkDocument, "cases"); err != nil {
		return err
	}
	return scan(colEvidence, cases.LinkEvidence, "caseNo")
}

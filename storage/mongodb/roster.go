package mongodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rectify/cases"
	"rectify/cases/roster"
)

// The roster's collections. Persons are kept one document per unit and
// snapshot (_id snapshot/unit), not one per person: FerretDB's inserts
// cost per document, and the reads are by _id. Warnings are one document
// each, _id derived from snapshot and problem, so a retried import inserts
// nothing twice; the snapshot document is written last and is what makes
// a snapshot exist.
const (
	colRosterSnapshots = "roster_snapshots"
	colRosterUnits     = "roster_units"
	colRosterWarnings  = "roster_warnings"
	colRosterCases     = "roster_warning_cases"
	colRosterKeyChk    = "roster_key_check"
)

type rosterSnapshotDoc struct {
	ID         string            `bson:"_id"`
	Date       string            `bson:"date"`
	File       string            `bson:"file"`
	ImportedBy string            `bson:"importedBy"`
	ImportedAt time.Time         `bson:"importedAt"`
	Persons    int               `bson:"persons"`
	Previous   string            `bson:"previous,omitempty"`
	Units      []rosterUnitCount `bson:"units"`
	ByRule     map[string]int    `bson:"byRule"`
	ByChange   map[string]int    `bson:"byChange"`
	Carried    int               `bson:"carried,omitempty"`
	Coverage   string            `bson:"coverage,omitempty"`
	Region     string            `bson:"region,omitempty"`
	Covered    []string          `bson:"covered,omitempty"`
}

type rosterUnitCount struct {
	Unit     string            `bson:"unit"`
	Name     string            `bson:"name"`
	Persons  int               `bson:"persons"`
	ByType   []rosterTypeCount `bson:"byType,omitempty"`
	Leaders  int               `bson:"leaders"`
	Warnings int               `bson:"warnings"`
}

type rosterTypeCount struct {
	Type string `bson:"type"`
	N    int    `bson:"n"`
}

// rosterUnitDoc holds a unit's persons as one JSON value in a binary
// field, not as an array of subdocuments: the persons are only ever read
// whole, by _id, and FerretDB's cost of a write grows with the number of
// fields it converts (an array of 200 persons × 15 fields took most of a
// 100,000-person import's time; one binary field costs next to nothing).
type rosterUnitDoc struct {
	ID       string `bson:"_id"` // snapshot/unit
	Snapshot string `bson:"snapshot"`
	Unit     string `bson:"unit"`
	N        int    `bson:"n"`
	Persons  []byte `bson:"persons"` // JSON of []rosterPersonDoc
}

// rosterPersonDoc holds the ID number only hashed, sealed and masked.
type rosterPersonDoc struct {
	Row      int    `json:"row"`
	Name     string `json:"name"`
	IDHash   string `json:"h"`
	IDSealed []byte `json:"s"`
	IDMasked string `json:"m"`
	Birth    string `json:"birth"`
	Sex      string `json:"sex"`
	Type     string `json:"type"`
	Post     string `json:"post,omitempty"`
	Leader   bool   `json:"leader,omitempty"`
	Status   string `json:"status"`
	Entered  string `json:"entered,omitempty"`
	Left     string `json:"left,omitempty"`
	Host     string `json:"host,omitempty"`
	Until    string `json:"until,omitempty"`
}

type rosterRefDoc struct {
	Name     string `bson:"name"`
	IDMasked string `bson:"idMasked"`
	Unit     string `bson:"unit"`
	Post     string `bson:"post,omitempty"`
	Detail   string `bson:"detail,omitempty"`
}

type rosterWarningDoc struct {
	ID          string         `bson:"_id"`
	Snapshot    string         `bson:"snapshot"`
	Date        string         `bson:"date"`
	Key         string         `bson:"key"`
	Rule        string         `bson:"rule"`
	Unit        string         `bson:"unit"`
	UnitName    string         `bson:"unitName"`
	Type        string         `bson:"type,omitempty"`
	Approved    int            `bson:"approved"`
	Actual      int            `bson:"actual"`
	People      []rosterRefDoc `bson:"people,omitempty"`
	Explanation string         `bson:"explanation"`
	Change      string         `bson:"change"`
	From        string         `bson:"from,omitempty"`
}

type rosterCaseDoc struct {
	Key     string    `bson:"_id"`
	Warning string    `bson:"warning"`
	CaseNo  string    `bson:"caseNo"`
	By      string    `bson:"by"`
	At      time.Time `bson:"at"`
}

// InsertRosterUnits implements roster.Store: one InsertMany per batch.
func (d *DB) InsertRosterUnits(ctx context.Context, units []roster.UnitRoster) error {
	docs := make([]any, 0, len(units))
	for _, u := range units {
		ps := make([]rosterPersonDoc, len(u.Persons))
		for i, p := range u.Persons {
			ps[i] = rosterPersonDoc{p.Row, p.Name, p.IDHash, p.IDSealed, p.IDMasked, p.Birth, p.Sex, p.Type, p.Post, p.Leader, string(p.Status), p.Entered, p.Left, p.Host, p.Until}
		}
		b, err := json.Marshal(ps)
		if err != nil {
			return fmt.Errorf("encode roster unit %s: %w", u.Unit, err)
		}
		docs = append(docs, rosterUnitDoc{ID: u.Snapshot + "/" + u.Unit, Snapshot: u.Snapshot, Unit: u.Unit, N: len(ps), Persons: b})
	}
	if len(docs) == 0 {
		return nil
	}
	_, err := d.db.Collection(colRosterUnits).InsertMany(ctx, docs)
	return translate(err, "roster unit")
}

// RosterUnit implements roster.Store.
func (d *DB) RosterUnit(ctx context.Context, snapshot, unit string) (roster.UnitRoster, error) {
	var doc rosterUnitDoc
	if err := d.db.Collection(colRosterUnits).FindOne(ctx, bson.M{"_id": snapshot + "/" + unit}).Decode(&doc); err != nil {
		return roster.UnitRoster{}, translate(err, "roster unit "+snapshot+"/"+unit)
	}
	var ps []rosterPersonDoc
	if err := json.Unmarshal(doc.Persons, &ps); err != nil {
		return roster.UnitRoster{}, &cases.Error{Code: cases.ECORRUPT, Message: "花名册记录 " + doc.ID + " 已损坏"}
	}
	out := roster.UnitRoster{Snapshot: doc.Snapshot, Unit: doc.Unit, Persons: make([]roster.Person, len(ps))}
	for i, p := range ps {
		out.Persons[i] = roster.Person{Row: p.Row, Unit: doc.Unit, Name: p.Name, IDHash: p.IDHash, IDSealed: p.IDSealed, IDMasked: p.IDMasked,
			Birth: p.Birth, Sex: p.Sex, Type: p.Type, Post: p.Post, Leader: p.Leader, Status: roster.Status(p.Status),
			Entered: p.Entered, Left: p.Left, Host: p.Host, Until: p.Until}
	}
	return out, nil
}

// InsertRosterWarnings implements roster.Store: duplicates (a retry) are
// skipped, anything else fails.
func (d *DB) InsertRosterWarnings(ctx context.Context, ws []roster.Warning) error {
	if len(ws) == 0 {
		return nil
	}
	docs := make([]any, 0, len(ws))
	for _, w := range ws {
		doc := rosterWarningDoc{ID: w.ID, Snapshot: w.Snapshot, Date: w.Date, Key: w.Key, Rule: string(w.Rule), Unit: w.Unit, UnitName: w.UnitName,
			Type: w.Type, Approved: w.Approved, Actual: w.Actual, Explanation: w.Explanation, Change: string(w.Change), From: w.From}
		for _, p := range w.People {
			doc.People = append(doc.People, rosterRefDoc(p))
		}
		docs = append(docs, doc)
	}
	_, err := d.db.Collection(colRosterWarnings).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if onlyDuplicates(err) {
		return nil
	}
	return translate(err, "roster warning")
}

// onlyDuplicates reports whether err is a bulk write whose every failure
// is a duplicate key.
func onlyDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return false
	}
	for _, e := range bwe.WriteErrors {
		if e.Code != 11000 {
			return false
		}
	}
	return true
}

// RosterWarnings implements roster.Store.
func (d *DB) RosterWarnings(ctx context.Context, snapshot string) ([]roster.Warning, error) {
	return findAll(ctx, d.db.Collection(colRosterWarnings), bson.M{"snapshot": snapshot}, bson.D{{Key: "_id", Value: 1}}, func(doc rosterWarningDoc) roster.Warning {
		w := roster.Warning{ID: doc.ID, Snapshot: doc.Snapshot, Date: doc.Date, Key: doc.Key, Rule: roster.Rule(doc.Rule), Unit: doc.Unit, UnitName: doc.UnitName,
			Type: doc.Type, Approved: doc.Approved, Actual: doc.Actual, Explanation: doc.Explanation, Change: roster.Change(doc.Change), From: doc.From}
		for _, p := range doc.People {
			w.People = append(w.People, roster.Ref(p))
		}
		return w
	}, "roster warnings")
}

// InsertRosterSnapshot implements roster.Store.
func (d *DB) InsertRosterSnapshot(ctx context.Context, s roster.Snapshot) error {
	doc := rosterSnapshotDoc{ID: s.ID, Date: s.Date, File: s.File, ImportedBy: s.ImportedBy, ImportedAt: s.ImportedAt, Persons: s.Persons, Previous: s.Previous,
		ByRule: map[string]int{}, ByChange: map[string]int{}, Carried: s.Tally.Carried, Coverage: string(s.Coverage), Region: s.Region, Covered: s.Covered}
	for _, u := range s.Units {
		c := rosterUnitCount{Unit: u.Unit, Name: u.Name, Persons: u.Persons, Leaders: u.Leaders, Warnings: u.Warnings}
		for _, t := range u.ByType {
			c.ByType = append(c.ByType, rosterTypeCount(t))
		}
		doc.Units = append(doc.Units, c)
	}
	for k, v := range s.Tally.ByRule {
		doc.ByRule[string(k)] = v
	}
	for k, v := range s.Tally.ByChange {
		doc.ByChange[string(k)] = v
	}
	_, err := d.db.Collection(colRosterSnapshots).InsertOne(ctx, doc)
	return translate(err, "roster snapshot "+s.ID)
}

// RosterSnapshots implements roster.Store (a whole read: a few a year).
func (d *DB) RosterSnapshots(ctx context.Context) ([]roster.Snapshot, error) {
	return findAll(ctx, d.db.Collection(colRosterSnapshots), bson.M{}, bson.D{{Key: "_id", Value: 1}}, func(doc rosterSnapshotDoc) roster.Snapshot {
		s := roster.Snapshot{ID: doc.ID, Date: doc.Date, File: doc.File, ImportedBy: doc.ImportedBy, ImportedAt: doc.ImportedAt, Persons: doc.Persons, Previous: doc.Previous,
			Coverage: roster.Coverage(doc.Coverage), Region: doc.Region, Covered: doc.Covered,
			Tally: roster.Tally{ByRule: map[roster.Rule]int{}, ByChange: map[roster.Change]int{}, Carried: doc.Carried}}
		for _, u := range doc.Units {
			c := roster.UnitCount{Unit: u.Unit, Name: u.Name, Persons: u.Persons, Leaders: u.Leaders, Warnings: u.Warnings}
			for _, t := range u.ByType {
				c.ByType = append(c.ByType, roster.TypeCount(t))
			}
			s.Units = append(s.Units, c)
		}
		for k, v := range doc.ByRule {
			s.Tally.ByRule[roster.Rule(k)] = v
		}
		for k, v := range doc.ByChange {
			s.Tally.ByChange[roster.Change(k)] = v
		}
		return s
	}, "roster snapshots")
}

// InsertWarningCase implements roster.Store.
func (d *DB) InsertWarningCase(ctx context.Context, l roster.WarningCase) error {
	_, err := d.db.Collection(colRosterCases).InsertOne(ctx, rosterCaseDoc(l))
	return translate(err, "warning case link "+l.Key)
}

// WarningCases implements roster.Store (a whole read: one per case made).
func (d *DB) WarningCases(ctx context.Context) ([]roster.WarningCase, error) {
	return findAll(ctx, d.db.Collection(colRosterCases), bson.M{}, bson.D{{Key: "_id", Value: 1}}, func(doc rosterCaseDoc) roster.WarningCase { return roster.WarningCase(doc) }, "warning case links")
}

// RosterKeyCheck implements roster.Store.
func (d *DB) RosterKeyCheck(ctx context.Context) ([]byte, error) {
	var doc keyCheckDoc
	if err := d.db.Collection(colRosterKeyChk).FindOne(ctx, bson.M{"_id": "roster"}).Decode(&doc); err != nil {
		return nil, translate(err, "roster key check")
	}
	return doc.Sealed, nil
}

// InsertRosterKeyCheck implements roster.Store.
func (d *DB) InsertRosterKeyCheck(ctx context.Context, sealed []byte) error {
	_, err := d.db.Collection(colRosterKeyChk).InsertOne(ctx, keyCheckDoc{ID: "roster", Sealed: sealed})
	return translate(err, "roster key check")
}

package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rectify/cases"
	"rectify/cases/clue"
)

// Collections of the audit referral store. Each record is read by _id;
// the whole collections are read once, when the service builds its index.
const (
	colReferrals = "audit_referrals"
	colDecisions = "audit_decisions"
	colLetters   = "audit_letters"
)

type clueDoc struct {
	ID       string `bson:"id"`
	Seq      int    `bson:"seq"`
	UnitCode string `bson:"unitCode"`
	UnitName string `bson:"unitName"`
	Kind     string `bson:"kind"`
	Title    string `bson:"title"`
	Facts    string `bson:"facts"`
}

type referralDoc struct {
	ID        string    `bson:"_id"`
	Office    string    `bson:"office"`
	ReportNo  string    `bson:"reportNo"`
	Received  string    `bson:"received"`
	Level     string    `bson:"level"`
	Region    []string  `bson:"region"`
	Clues     []clueDoc `bson:"clues"`
	Hash      string    `bson:"hash"`
	CreatedBy actorDoc  `bson:"createdBy"`
	CreatedAt time.Time `bson:"createdAt"`
}

func (d referralDoc) referral() clue.Referral {
	r := clue.Referral{ID: d.ID, Office: d.Office, ReportNo: d.ReportNo, Received: d.Received, Level: cases.Level(d.Level),
		Region: d.Region, Hash: d.Hash, CreatedBy: d.CreatedBy.actor(), CreatedAt: d.CreatedAt.UTC()}
	for _, c := range d.Clues {
		r.Clues = append(r.Clues, clue.Clue{ID: c.ID, Seq: c.Seq, UnitCode: c.UnitCode, UnitName: c.UnitName, Kind: c.Kind, Title: c.Title, Facts: c.Facts})
	}
	return r
}

func (a actorDoc) actor() cases.Actor {
	return cases.Actor{ID: a.ID, Name: a.Name, Role: cases.Role(a.Role)}
}

func actorDocOf(a cases.Actor) actorDoc { return actorDoc{a.ID, a.Name, string(a.Role)} }

type decisionDoc struct {
	ClueID  string    `bson:"_id"`
	Outcome string    `bson:"outcome"`
	Kind    string    `bson:"kind,omitempty"`
	Title   string    `bson:"title,omitempty"`
	Facts   string    `bson:"facts,omitempty"`
	Reason  string    `bson:"reason,omitempty"`
	CaseNo  string    `bson:"caseNo,omitempty"`
	Merged  bool      `bson:"merged,omitempty"`
	By      actorDoc  `bson:"by"`
	At      time.Time `bson:"at"`
}

func (d decisionDoc) decision() clue.Decision {
	return clue.Decision{ClueID: d.ClueID, Outcome: clue.Outcome(d.Outcome), Kind: d.Kind, Title: d.Title, Facts: d.Facts,
		Reason: d.Reason, CaseNo: d.CaseNo, Merged: d.Merged, By: d.By.actor(), At: d.At.UTC()}
}

type letterDoc struct {
	ID         string    `bson:"_id"`
	ReferralID string    `bson:"referral"`
	DocumentID string    `bson:"doc"`
	Number     string    `bson:"number"`
	Basis      string    `bson:"basis"`
	Final      bool      `bson:"final"`
	At         time.Time `bson:"at"`
}

// InsertReferral records a referral under its id (ECONFLICT if taken).
func (d *DB) InsertReferral(ctx context.Context, r clue.Referral) error {
	doc := referralDoc{ID: r.ID, Office: r.Office, ReportNo: r.ReportNo, Received: r.Received, Level: string(r.Level), Region: r.Region,
		Hash: r.Hash, CreatedBy: actorDocOf(r.CreatedBy), CreatedAt: r.CreatedAt}
	for _, c := range r.Clues {
		doc.Clues = append(doc.Clues, clueDoc{c.ID, c.Seq, c.UnitCode, c.UnitName, c.Kind, c.Title, c.Facts})
	}
	_, err := d.db.Collection(colReferrals).InsertOne(ctx, doc)
	return translate(err, "audit referral "+r.ReportNo)
}

// FindReferral reads a referral by id.
func (d *DB) FindReferral(ctx context.Context, id string) (clue.Referral, error) {
	var doc referralDoc
	if err := d.db.Collection(colReferrals).FindOne(ctx, bson.M{"_id": id}).Decode(&doc); err != nil {
		return clue.Referral{}, translate(err, "audit referral")
	}
	return doc.referral(), nil
}

// Referrals reads every referral.
func (d *DB) Referrals(ctx context.Context) ([]clue.Referral, error) {
	var docs []referralDoc
	if err := d.all(ctx, colReferrals, &docs); err != nil {
		return nil, err
	}
	out := make([]clue.Referral, 0, len(docs))
	for _, x := range docs {
		out = append(out, x.referral())
	}
	return out, nil
}

// InsertDecision records a decision under its clue's id (ECONFLICT if the
// clue is decided).
func (d *DB) InsertDecision(ctx context.Context, x clue.Decision) error {
	doc := decisionDoc{ClueID: x.ClueID, Outcome: string(x.Outcome), Kind: x.Kind, Title: x.Title, Facts: x.Facts, Reason: x.Reason,
		CaseNo: x.CaseNo, Merged: x.Merged, By: actorDocOf(x.By), At: x.At}
	_, err := d.db.Collection(colDecisions).InsertOne(ctx, doc)
	return translate(err, "decision on clue "+x.ClueID)
}

// FindDecision reads a clue's decision.
func (d *DB) FindDecision(ctx context.Context, clueID string) (clue.Decision, error) {
	var doc decisionDoc
	if err := d.db.Collection(colDecisions).FindOne(ctx, bson.M{"_id": clueID}).Decode(&doc); err != nil {
		return clue.Decision{}, translate(err, "decision")
	}
	return doc.decision(), nil
}

// SetDecisionCase records the case a confirmation registered. Every
// writer sets the same number (the case is registered under a key derived
// from the clue), so the update needs no condition.
func (d *DB) SetDecisionCase(ctx context.Context, clueID, caseNo string) error {
	_, err := d.db.Collection(colDecisions).UpdateOne(ctx, bson.M{"_id": clueID}, bson.M{"$set": bson.M{"caseNo": caseNo}})
	return translate(err, "decision on clue "+clueID)
}

// DeleteDecision withdraws a decision.
func (d *DB) DeleteDecision(ctx context.Context, clueID string) error {
	_, err := d.db.Collection(colDecisions).DeleteOne(ctx, bson.M{"_id": clueID})
	return translate(err, "decision on clue "+clueID)
}

// Decisions reads every decision.
func (d *DB) Decisions(ctx context.Context) ([]clue.Decision, error) {
	var docs []decisionDoc
	if err := d.all(ctx, colDecisions, &docs); err != nil {
		return nil, err
	}
	out := make([]clue.Decision, 0, len(docs))
	for _, x := range docs {
		out = append(out, x.decision())
	}
	return out, nil
}

// InsertLetter records a letter issued for a referral.
func (d *DB) InsertLetter(ctx context.Context, l clue.Letter) error {
	_, err := d.db.Collection(colLetters).InsertOne(ctx, letterDoc{l.ID, l.ReferralID, l.DocumentID, l.Number, l.Basis, l.Final, l.At})
	return translate(err, "letter "+l.Number)
}

// Letters reads every letter record.
func (d *DB) Letters(ctx context.Context) ([]clue.Letter, error) {
	var docs []letterDoc
	if err := d.all(ctx, colLetters, &docs); err != nil {
		return nil, err
	}
	out := make([]clue.Letter, 0, len(docs))
	for _, x := range docs {
		out = append(out, clue.Letter{ID: x.ID, ReferralID: x.ReferralID, DocumentID: x.DocumentID, Number: x.Number, Basis: x.Basis, Final: x.Final, At: x.At.UTC()})
	}
	return out, nil
}

// all reads a whole collection into out.
func (d *DB) all(ctx context.Context, col string, out any) error {
	cur, err := d.db.Collection(col).Find(ctx, bson.M{})
	if err != nil {
		return fmt.Errorf("read %s: %w", col, err)
	}
	if err := cur.All(ctx, out); err != nil {
		return fmt.Errorf("read %s: %w", col, err)
	}
	return nil
}

package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rectify/cases"
)

type actorDoc struct {
	ID   string `bson:"id"`
	Name string `bson:"name,omitempty"`
	Role string `bson:"role"`
}

type inputDoc struct {
	Reason           string   `bson:"reason,omitempty"`
	Requirements     string   `bson:"requirements,omitempty"`
	Deadline         string   `bson:"deadline,omitempty"`
	WorkingDays      int      `bson:"workingDays,omitempty"`
	Report           string   `bson:"report,omitempty"`
	Evidence         []string `bson:"evidence,omitempty"`
	Note             string   `bson:"note,omitempty"`
	Reference        string   `bson:"reference,omitempty"`
	Assignee         string   `bson:"assignee,omitempty"`
	PreviousDeadline string   `bson:"previousDeadline,omitempty"`
	Document         string   `bson:"document,omitempty"`
	Late             bool     `bson:"late,omitempty"`
	Source           string   `bson:"source,omitempty"`
	Origin           string   `bson:"origin,omitempty"`
}

type registeredDoc struct {
	Source    string   `bson:"source"`
	SourceRef string   `bson:"sourceRef"`
	UnitCode  string   `bson:"unitCode"`
	Kind      string   `bson:"kind"`
	Title     string   `bson:"title"`
	Facts     string   `bson:"facts"`
	Level     string   `bson:"level"`
	Assignee  string   `bson:"assignee"`
	UnitName  string   `bson:"unitName"`
	Region    []string `bson:"region"`
	Origin    string   `bson:"origin,omitempty"`
	RepeatOf  []string `bson:"repeatOf,omitempty"`
	// NotRepeatReason and NotRepeatOf: registered as no repeat, and why.
	NotRepeatReason string   `bson:"notRepeatReason,omitempty"`
	NotRepeatOf     []string `bson:"notRepeatOf,omitempty"`
}

// eventDoc is one event. _id is "<case number>/<sequence>": an insert of an
// already recorded (case, sequence) fails, which is what makes concurrent
// transitions and ledger-number claims safe on FerretDB as on MongoDB.
type eventDoc struct {
	ID     string `bson:"_id"`
	CaseNo string `bson:"caseNo"`
	Seq    int    `bson:"seq"`
	// Year, Ordinal and IdempotencyKey are set on registrations only; they
	// serve numbering and idempotent retries.
	Year           int            `bson:"year,omitempty"`
	Ordinal        int            `bson:"ordinal,omitempty"`
	IdempotencyKey string         `bson:"idempotencyKey,omitempty"`
	Action         string         `bson:"action"`
	From           string         `bson:"from"`
	To             string         `bson:"to"`
	Actor          actorDoc       `bson:"actor"`
	At             time.Time      `bson:"at"`
	Comment        string         `bson:"comment,omitempty"`
	Attachments    []string       `bson:"attachments,omitempty"`
	Registered     *registeredDoc `bson:"registered,omitempty"`
	Input          *inputDoc      `bson:"input,omitempty"`
	PrevHash       string         `bson:"prevHash"`
	Hash           string         `bson:"hash"`
}

func eventID(no string, seq int) string { return fmt.Sprintf("%s/%06d", no, seq) }

func toEventDoc(e cases.Event) eventDoc {
	d := eventDoc{ID: eventID(e.CaseNo, e.Seq), CaseNo: e.CaseNo, Seq: e.Seq, Action: string(e.Action),
		From: string(e.From), To: string(e.To), Actor: actorDoc{e.Actor.ID, e.Actor.Name, string(e.Actor.Role)},
		At: e.At, Comment: e.Comment, Attachments: e.Attachments, PrevHash: e.PrevHash, Hash: e.Hash}
	if r := e.Registered; r != nil {
		d.Year, d.Ordinal, d.IdempotencyKey = r.Year, r.Ordinal, r.IdempotencyKey
		d.Registered = &registeredDoc{Source: r.Source, SourceRef: r.SourceRef, UnitCode: r.UnitCode, Kind: r.Kind,
			Title: r.Title, Facts: r.Facts, Level: string(r.Level), Assignee: r.Assignee, UnitName: r.UnitName, Region: r.Region,
			Origin: r.Origin, RepeatOf: r.RepeatOf, NotRepeatReason: r.NotRepeatReason, NotRepeatOf: r.NotRepeatOf}
	}
	if in := e.Input; in != nil {
		x := inputDoc(*in)
		d.Input = &x
	}
	return d
}

func (d eventDoc) event() cases.Event {
	e := cases.Event{CaseNo: d.CaseNo, Seq: d.Seq, Action: cases.Action(d.Action), From: cases.State(d.From), To: cases.State(d.To),
		Actor: cases.Actor{ID: d.Actor.ID, Name: d.Actor.Name, Role: cases.Role(d.Actor.Role)}, At: d.At.UTC(),
		Comment: d.Comment, Attachments: d.Attachments, PrevHash: d.PrevHash, Hash: d.Hash}
	if r := d.Registered; r != nil {
		e.Registered = &cases.Registered{Registration: cases.Registration{Source: r.Source, SourceRef: r.SourceRef,
			UnitCode: r.UnitCode, Kind: r.Kind, Title: r.Title, Facts: r.Facts, Level: cases.Level(r.Level), Assignee: r.Assignee,
			NotRepeatReason: r.NotRepeatReason},
			UnitName: r.UnitName, Region: r.Region, Year: d.Year, Ordinal: d.Ordinal, IdempotencyKey: d.IdempotencyKey,
			Origin: r.Origin, RepeatOf: r.RepeatOf, NotRepeatOf: r.NotRepeatOf}
	}
	if in := d.Input; in != nil {
		x := cases.Input(*in)
		e.Input = &x
	}
	return e
}

// InsertEvents records events in one insert command: ordered (it stops at
// the first failure; the rest are reported ErrNotAttempted) or not. A
// taken key is ECONFLICT for that event; a command that failed as a whole
// is reported for every event, since what it wrote is unknown.
func (d *DB) InsertEvents(ctx context.Context, evs []cases.Event, ordered bool) []error {
	errs := make([]error, len(evs))
	if len(evs) == 0 {
		return errs
	}
	docs := make([]any, len(evs))
	for i, e := range evs {
		docs[i] = toEventDoc(e)
	}
	_, err := d.db.Collection(colEvents).InsertMany(ctx, docs, options.InsertMany().SetOrdered(ordered))
	if err == nil {
		return errs
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		for i, e := range evs {
			errs[i] = fmt.Errorf("insert event %s: %w", eventID(e.CaseNo, e.Seq), err)
		}
		return errs
	}
	first := len(evs)
	for _, we := range bwe.WriteErrors {
		if we.Index < 0 || we.Index >= len(evs) {
			continue
		}
		e := evs[we.Index]
		if we.Code == 11000 {
			errs[we.Index] = &cases.Error{Code: cases.ECONFLICT, Message: "事件 " + eventID(e.CaseNo, e.Seq) + " 已存在"}
		} else {
			errs[we.Index] = fmt.Errorf("insert event %s: %w", eventID(e.CaseNo, e.Seq), we)
		}
		first = min(first, we.Index)
	}
	if ordered {
		for i := first + 1; i < len(evs); i++ {
			if errs[i] == nil {
				errs[i] = cases.ErrNotAttempted
			}
		}
	}
	return errs
}

// ScanEvents reads every event.
func (d *DB) ScanEvents(ctx context.Context, fn func(cases.Event) error) error {
	cur, err := d.db.Collection(colEvents).Find(ctx, bson.M{}, options.Find().SetBatchSize(1000))
	if err != nil {
		return fmt.Errorf("scan events: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var doc eventDoc
		if err := cur.Decode(&doc); err != nil {
			return fmt.Errorf("scan events: %w", err)
		}
		if err := fn(doc.event()); err != nil {
			return err
		}
	}
	return cur.Err()
}

// FindEvent returns one event by its key (an _id lookup, indexed everywhere).
func (d *DB) FindEvent(ctx context.Context, no string, seq int) (cases.Event, error) {
	var doc eventDoc
	if err := d.db.Collection(colEvents).FindOne(ctx, bson.M{"_id": eventID(no, seq)}).Decode(&doc); err != nil {
		return cases.Event{}, translate(err, "event "+eventID(no, seq))
	}
	return doc.event(), nil
}

// FindRegistrationByKey finds the case registered with an idempotency key.
func (d *DB) FindRegistrationByKey(ctx context.Context, key string) (string, error) {
	var doc struct {
		CaseNo string `bson:"caseNo"`
	}
	err := d.db.Collection(colEvents).FindOne(ctx, bson.M{"idempotencyKey": key, "seq": 1}).Decode(&doc)
	if err != nil {
		return "", translate(err, "registration with that idempotency key")
	}
	return doc.CaseNo, nil
}

func (d *DB) strings(ctx context.Context, col string, q bson.M, field string) ([]string, error) {
	cur, err := d.db.Collection(col).Find(ctx, q, options.Find().SetProjection(bson.M{field: 1}))
	if err != nil {
		return nil, fmt.Errorf("list %s of %s: %w", field, col, err)
	}
	defer cur.Close(ctx)
	var out []string
	for cur.Next(ctx) {
		v, ok := cur.Current.Lookup(field).StringValueOK()
		if !ok {
			return nil, fmt.Errorf("list %s of %s: a document lacks %s", field, col, field)
		}
		out = append(out, v)
	}
	return out, cur.Err()
}

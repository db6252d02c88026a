package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rectify/cases"
	"rectify/cases/documents"
)

// Collections of the documents store.
const (
	colDocuments = "documents"
	colDocNumber = "document_numbers"
	colDocCodes  = "document_codes"
	colEvidence  = "evidence"
)

// codeDoc maps a verification code to its document, so that the public
// verification page finds a document by key rather than by reading them all.
type codeDoc struct {
	Code string `bson:"_id"`
	Doc  string `bson:"doc"`
}

// codesBackfilled marks a database whose documents all have code records
// (those issued before codes had their own collection got them once).
const codesBackfilled = "~backfilled"

type documentDoc struct {
	ID         string    `bson:"_id"`
	Kind       string    `bson:"kind"`
	Year       int       `bson:"year"`
	Seq        int       `bson:"seq"`
	Number     string    `bson:"number"`
	Title      string    `bson:"title"`
	Office     string    `bson:"office,omitempty"`
	Addressee  string    `bson:"addressee"`
	UnitCode   string    `bson:"unitCode"`
	Region     []string  `bson:"region"`
	Cases      []string  `bson:"cases"`
	ObjectKey  string    `bson:"objectKey"`
	SHA256     string    `bson:"sha256"`
	Size       int64     `bson:"size"`
	VerifyCode string    `bson:"verifyCode"`
	IssuedBy   actorDoc  `bson:"issuedBy"`
	IssuedAt   time.Time `bson:"issuedAt"`
	Replaces   string    `bson:"replaces,omitempty"`
	Basis      string    `bson:"basis,omitempty"`
	// States is the state each case was reported in (feedback letters).
	States map[string]string `bson:"states,omitempty"`
	// Copies and CopyFiles are a secret document's numbered copies.
	Copies    int           `bson:"copies,omitempty"`
	CopyFiles []copyFileDoc `bson:"copyFiles,omitempty"`
}

type copyFileDoc struct {
	ObjectKey string `bson:"objectKey"`
	SHA256    string `bson:"sha256"`
	Size      int64  `bson:"size"`
}

func copyFilesOf(fs []copyFileDoc) []documents.CopyFile {
	var out []documents.CopyFile
	for _, f := range fs {
		out = append(out, documents.CopyFile{ObjectKey: f.ObjectKey, SHA256: f.SHA256, Size: f.Size})
	}
	return out
}

func (d documentDoc) document() documents.Document {
	return documents.Document{ID: d.ID, Kind: documents.Kind(d.Kind), Year: d.Year, Seq: d.Seq, Number: d.Number, Title: d.Title,
		Office: d.Office, Addressee: d.Addressee, UnitCode: d.UnitCode, Region: d.Region, Cases: d.Cases, ObjectKey: d.ObjectKey, SHA256: d.SHA256,
		Size: d.Size, VerifyCode: d.VerifyCode, IssuedBy: cases.Actor{ID: d.IssuedBy.ID, Name: d.IssuedBy.Name, Role: cases.Role(d.IssuedBy.Role)},
		IssuedAt: d.IssuedAt.UTC(), Replaces: d.Replaces, Basis: d.Basis, States: statesOf(d.States),
		Copies: d.Copies, CopyFiles: copyFilesOf(d.CopyFiles)}
}

func statesOf(m map[string]string) map[string]cases.State {
	if m == nil {
		return nil
	}
	out := make(map[string]cases.State, len(m))
	for k, v := range m {
		out[k] = cases.State(v)
	}
	return out
}

func numberID(k documents.Kind, year, seq int) string { return fmt.Sprintf("%s/%d/%06d", k, year, seq) }

// claimDoc is a claimed number. Claims made before they named their
// document have only _id and at: kind, year and seq are read from the _id.
type claimDoc struct {
	ID        string    `bson:"_id"`
	At        time.Time `bson:"at"`
	Doc       string    `bson:"doc,omitempty"`
	ObjectKey string    `bson:"objectKey,omitempty"`
}

// ClaimNumber claims a document number by unique insert.
func (d *DB) ClaimNumber(ctx context.Context, c documents.Claim) error {
	_, err := d.db.Collection(colDocNumber).InsertOne(ctx, claimDoc{ID: numberID(c.Kind, c.Year, c.Seq), At: c.At, Doc: c.ID, ObjectKey: c.ObjectKey})
	return translate(err, "document number")
}

// Claims lists every claimed number, in no particular order.
func (d *DB) Claims(ctx context.Context) ([]documents.Claim, error) {
	cur, err := d.db.Collection(colDocNumber).Find(ctx, bson.M{})
	if err != nil {
		return nil, fmt.Errorf("list document numbers: %w", err)
	}
	var docs []claimDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("list document numbers: %w", err)
	}
	out := make([]documents.Claim, 0, len(docs))
	for _, x := range docs {
		var kind string
		var year, seq int
		if _, err := fmt.Sscanf(strings.ReplaceAll(x.ID, "/", " "), "%s %d %d", &kind, &year, &seq); err != nil {
			return nil, fmt.Errorf("document number %q: %w", x.ID, err)
		}
		out = append(out, documents.Claim{Kind: documents.Kind(kind), Year: year, Seq: seq, ID: x.Doc, ObjectKey: x.ObjectKey, At: x.At.UTC()})
	}
	return out, nil
}

// DocumentIDs lists the id of every document record.
func (d *DB) DocumentIDs(ctx context.Context) ([]string, error) {
	return d.strings(ctx, colDocuments, bson.M{}, "_id")
}

// NumberClaimed reports whether a number is claimed (an _id lookup).
func (d *DB) NumberClaimed(ctx context.Context, k documents.Kind, year, seq int) (bool, error) {
	err := d.db.Collection(colDocNumber).FindOne(ctx, bson.M{"_id": numberID(k, year, seq)}).Err()
	if err = translate(err, "document number"); cases.ErrorCode(err) == cases.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// InsertDocument records an issued document.
func (d *DB) InsertDocument(ctx context.Context, x documents.Document) error {
	doc := documentDoc{ID: x.ID, Kind: string(x.Kind), Year: x.Year, Seq: x.Seq, Number: x.Number, Title: x.Title, Office: x.Office, Addressee: x.Addressee,
		UnitCode: x.UnitCode, Region: x.Region, Cases: x.Cases, ObjectKey: x.ObjectKey, SHA256: x.SHA256, Size: x.Size,
		VerifyCode: x.VerifyCode, IssuedBy: actorDoc{x.IssuedBy.ID, x.IssuedBy.Name, string(x.IssuedBy.Role)}, IssuedAt: x.IssuedAt, Replaces: x.Replaces,
		Basis: x.Basis, Copies: x.Copies}
	for _, f := range x.CopyFiles {
		doc.CopyFiles = append(doc.CopyFiles, copyFileDoc{ObjectKey: f.ObjectKey, SHA256: f.SHA256, Size: f.Size})
	}
	if x.States != nil {
		doc.States = make(map[string]string, len(x.States))
		for k, v := range x.States {
			doc.States[k] = string(v)
		}
	}
	// The code first: its unique insert also refuses a repeated code.
	if _, err := d.db.Collection(colDocCodes).InsertOne(ctx, codeDoc{Code: x.VerifyCode, Doc: x.ID}); err != nil {
		return translate(err, "verification code of "+x.Number)
	}
	_, err := d.db.Collection(colDocuments).InsertOne(ctx, doc)
	return translate(err, "document "+x.Number)
}

func (d *DB) findDocument(ctx context.Context, q bson.M) (documents.Document, error) {
	var doc documentDoc
	if err := d.db.Collection(colDocuments).FindOne(ctx, q).Decode(&doc); err != nil {
		return documents.Document{}, translate(err, "document")
	}
	return doc.document(), nil
}

// FindDocument returns a document by id.
func (d *DB) FindDocument(ctx context.Context, id string) (documents.Document, error) {
	return d.findDocument(ctx, bson.M{"_id": id})
}

// FindDocumentByCode returns a document by verification code.
func (d *DB) FindDocumentByCode(ctx context.Context, code string) (documents.Document, error) {
	var c codeDoc
	if err := d.db.Collection(colDocCodes).FindOne(ctx, bson.M{"_id": code}).Decode(&c); err != nil || c.Code == codesBackfilled {
		if err == nil {
			err = mongo.ErrNoDocuments
		}
		return documents.Document{}, translate(err, "document")
	}
	doc, err := d.findDocument(ctx, bson.M{"_id": c.Doc})
	if err == nil && doc.VerifyCode != code {
		return documents.Document{}, cases.NotFound("文件不存在")
	}
	return doc, err
}

// backfillCodes gives every document issued before codes had their own
// collection a code record, once.
func (d *DB) backfillCodes(ctx context.Context) error {
	codes := d.db.Collection(colDocCodes)
	err := codes.FindOne(ctx, bson.M{"_id": codesBackfilled}).Err()
	if err == nil {
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("check document codes: %w", err)
	}
	cur, err := d.db.Collection(colDocuments).Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"verifyCode": 1}))
	if err != nil {
		return fmt.Errorf("backfill document codes: %w", err)
	}
	var docs []struct {
		ID   string `bson:"_id"`
		Code string `bson:"verifyCode"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return fmt.Errorf("backfill document codes: %w", err)
	}
	for _, x := range docs {
		if _, err := codes.InsertOne(ctx, codeDoc{Code: x.Code, Doc: x.ID}); err != nil && !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("backfill document code of %s: %w", x.ID, err)
		}
	}
	if _, err := codes.InsertOne(ctx, codeDoc{Code: codesBackfilled}); err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("backfill document codes: %w", err)
	}
	return nil
}

// ObjectKeys lists the object keys of every record that points to a stored
// object: documents, evidence, briefings sent to patrol teams, and the
// attachments of hotline reports and of their later steps. A kind left out
// here would be reported by verify as an object nothing points to.
func (d *DB) ObjectKeys(ctx context.Context) ([]string, error) {
	var out []string
	for _, src := range []struct{ col, field string }{
		{colDocuments, "objectKey"}, {colEvidence, "objectKey"}, {colSentBriefings, "key"},
	} {
		keys, err := d.strings(ctx, src.col, bson.M{}, src.field)
		if err != nil {
			return nil, err
		}
		out = append(out, keys...)
	}
	// A secret document's further numbered copies. Every document is read
	// (as the object keys above are): a filter on copyFiles would need an
	// index of its own for a check that verify alone makes.
	cur, err := d.db.Collection(colDocuments).Find(ctx, bson.M{},
		options.Find().SetProjection(bson.M{"copyFiles": 1}))
	if err != nil {
		return nil, fmt.Errorf("list copies of documents: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var x documentDoc
		if err := cur.Decode(&x); err != nil {
			return nil, fmt.Errorf("list copies of documents: %w", err)
		}
		for _, f := range x.CopyFiles {
			out = append(out, f.ObjectKey)
		}
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("list copies of documents: %w", err)
	}
	for _, col := range []string{colReports, colReportEvents} {
		keys, err := d.attachmentKeys(ctx, col)
		if err != nil {
			return nil, err
		}
		out = append(out, keys...)
	}
	return out, nil
}

// attachmentKeys lists the object keys of the attachments of every record
// of col (hotline reports or their events).
func (d *DB) attachmentKeys(ctx context.Context, col string) ([]string, error) {
	cur, err := d.db.Collection(col).Find(ctx, bson.M{},
		options.Find().SetProjection(bson.M{"attachments.objectKey": 1}))
	if err != nil {
		return nil, fmt.Errorf("list attachments of %s: %w", col, err)
	}
	defer cur.Close(ctx)
	var out []string
	for cur.Next(ctx) {
		var doc struct {
			Attachments []struct {
				ObjectKey string `bson:"objectKey"`
			} `bson:"attachments"`
		}
		if err := cur.Decode(&doc); err != nil {
			return nil, fmt.Errorf("list attachments of %s: %w", col, err)
		}
		for _, a := range doc.Attachments {
			out = append(out, a.ObjectKey)
		}
	}
	return out, cur.Err()
}

type evidenceDoc struct {
	ID          string    `bson:"_id"`
	CaseNo      string    `bson:"caseNo"`
	Owner       string    `bson:"owner,omitempty"`
	Name        string    `bson:"name"`
	ContentType string    `bson:"contentType"`
	Size        int64     `bson:"size"`
	SHA256      string    `bson:"sha256"`
	ObjectKey   string    `bson:"objectKey"`
	UploadedBy  actorDoc  `bson:"uploadedBy"`
	UploadedAt  time.Time `bson:"uploadedAt"`
}

func (e evidenceDoc) evidence() documents.Evidence {
	return documents.Evidence{ID: e.ID, CaseNo: e.CaseNo, Owner: e.Owner, Name: e.Name, ContentType: e.ContentType, Size: e.Size, SHA256: e.SHA256,
		ObjectKey: e.ObjectKey, UploadedBy: cases.Actor{ID: e.UploadedBy.ID, Name: e.UploadedBy.Name, Role: cases.Role(e.UploadedBy.Role)},
		UploadedAt: e.UploadedAt.UTC()}
}

// InsertEvidence records an uploaded file.
func (d *DB) InsertEvidence(ctx context.Context, e documents.Evidence) error {
	_, err := d.db.Collection(colEvidence).InsertOne(ctx, evidenceDoc{ID: e.ID, CaseNo: e.CaseNo, Owner: e.Owner, Name: e.Name, ContentType: e.ContentType,
		Size: e.Size, SHA256: e.SHA256, ObjectKey: e.ObjectKey, UploadedBy: actorDoc{e.UploadedBy.ID, e.UploadedBy.Name, string(e.UploadedBy.Role)},
		UploadedAt: e.UploadedAt})
	return translate(err, "evidence")
}

// FindEvidence returns one evidence record.
func (d *DB) FindEvidence(ctx context.Context, id string) (documents.Evidence, error) {
	var e evidenceDoc
	if err := d.db.Collection(colEvidence).FindOne(ctx, bson.M{"_id": id}).Decode(&e); err != nil {
		return documents.Evidence{}, translate(err, "evidence "+id)
	}
	return e.evidence(), nil
}

var _ documents.Store = (*DB)(nil)

package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rectify/cases"
	"rectify/cases/documents"
)

// Collections of the documents store.
const (
	colDocuments = "documents"
	colDocNumber = "document_numbers"
	colEvidence  = "evidence"
)

type documentDoc struct {
	ID         string    `bson:"_id"`
	Kind       string    `bson:"kind"`
	Year       int       `bson:"year"`
	Seq        int       `bson:"seq"`
	Number     string    `bson:"number"`
	Title      string    `bson:"title"`
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
}

func (d documentDoc) document() documents.Document {
	return documents.Document{ID: d.ID, Kind: documents.Kind(d.Kind), Year: d.Year, Seq: d.Seq, Number: d.Number, Title: d.Title,
		Addressee: d.Addressee, UnitCode: d.UnitCode, Region: d.Region, Cases: d.Cases, ObjectKey: d.ObjectKey, SHA256: d.SHA256,
		Size: d.Size, VerifyCode: d.VerifyCode, IssuedBy: cases.Actor{ID: d.IssuedBy.ID, Name: d.IssuedBy.Name, Role: cases.Role(d.IssuedBy.Role)},
		IssuedAt: d.IssuedAt.UTC(), Replaces: d.Replaces}
}

func numberID(k documents.Kind, year, seq int) string { return fmt.Sprintf("%s/%d/%06d", k, year, seq) }

// ClaimNumber claims a document number by unique insert.
func (d *DB) ClaimNumber(ctx context.Context, k documents.Kind, year, seq int, at time.Time) error {
	_, err := d.db.Collection(colDocNumber).InsertOne(ctx, bson.M{"_id": numberID(k, year, seq), "at": at})
	return translate(err, "document number")
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
	doc := documentDoc{ID: x.ID, Kind: string(x.Kind), Year: x.Year, Seq: x.Seq, Number: x.Number, Title: x.Title, Addressee: x.Addressee,
		UnitCode: x.UnitCode, Region: x.Region, Cases: x.Cases, ObjectKey: x.ObjectKey, SHA256: x.SHA256, Size: x.Size,
		VerifyCode: x.VerifyCode, IssuedBy: actorDoc{x.IssuedBy.ID, x.IssuedBy.Name, string(x.IssuedBy.Role)}, IssuedAt: x.IssuedAt, Replaces: x.Replaces}
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
	return d.findDocument(ctx, bson.M{"verifyCode": code})
}

// FindDocumentsOfCase lists a case's documents, oldest first.
func (d *DB) FindDocumentsOfCase(ctx context.Context, no string) ([]documents.Document, error) {
	return findAll(ctx, d.db.Collection(colDocuments), bson.M{"cases": no}, bson.D{{Key: "issuedAt", Value: 1}}, documentDoc.document, "documents of "+no)
}

// ObjectKeys lists the object keys of every document and evidence record.
func (d *DB) ObjectKeys(ctx context.Context) ([]string, error) {
	a, err := d.strings(ctx, colDocuments, bson.M{}, "objectKey")
	if err != nil {
		return nil, err
	}
	b, err := d.strings(ctx, colEvidence, bson.M{}, "objectKey")
	return append(a, b...), err
}

type evidenceDoc struct {
	ID          string    `bson:"_id"`
	CaseNo      string    `bson:"caseNo"`
	Name        string    `bson:"name"`
	ContentType string    `bson:"contentType"`
	Size        int64     `bson:"size"`
	SHA256      string    `bson:"sha256"`
	ObjectKey   string    `bson:"objectKey"`
	UploadedBy  actorDoc  `bson:"uploadedBy"`
	UploadedAt  time.Time `bson:"uploadedAt"`
}

func (e evidenceDoc) evidence() documents.Evidence {
	return documents.Evidence{ID: e.ID, CaseNo: e.CaseNo, Name: e.Name, ContentType: e.ContentType, Size: e.Size, SHA256: e.SHA256,
		ObjectKey: e.ObjectKey, UploadedBy: cases.Actor{ID: e.UploadedBy.ID, Name: e.UploadedBy.Name, Role: cases.Role(e.UploadedBy.Role)},
		UploadedAt: e.UploadedAt.UTC()}
}

// InsertEvidence records an uploaded file.
func (d *DB) InsertEvidence(ctx context.Context, e documents.Evidence) error {
	_, err := d.db.Collection(colEvidence).InsertOne(ctx, evidenceDoc{ID: e.ID, CaseNo: e.CaseNo, Name: e.Name, ContentType: e.ContentType,
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

// FindEvidenceOfCase lists a case's evidence, oldest first.
func (d *DB) FindEvidenceOfCase(ctx context.Context, no string) ([]documents.Evidence, error) {
	return findAll(ctx, d.db.Collection(colEvidence), bson.M{"caseNo": no}, bson.D{{Key: "uploadedAt", Value: 1}}, evidenceDoc.evidence, "evidence of "+no)
}

var _ documents.Store = (*DB)(nil)

package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rectify/cases/hotline"
)

// The hotline's collections. Reports hold the intake record only (the
// reporter sealed); what happens next is events, one document each, whose
// _id (report/seq) makes two actions on one report exclude each other.
const (
	colReports        = "hotline_reports"
	colReportEvents   = "hotline_events"
	colReceipts       = "hotline_receipts"
	colReporterKeyChk = "hotline_key_check"
)

type reportDoc struct {
	ID          string                `bson:"_id"`
	Channel     string                `bson:"channel"`
	ReceivedAt  time.Time             `bson:"receivedAt"`
	UnitCode    string                `bson:"unitCode,omitempty"`
	UnitName    string                `bson:"unitName,omitempty"`
	UnitText    string                `bson:"unitText,omitempty"`
	Region      string                `bson:"region,omitempty"`
	Allegation  string                `bson:"allegation"`
	Sealed      []byte                `bson:"sealed,omitempty"`
	Due         string                `bson:"due"`
	CreatedBy   string                `bson:"createdBy"`
	CreatedAt   time.Time             `bson:"createdAt"`
	Attachments []reportAttachmentDoc `bson:"attachments,omitempty"`
}

type reportAttachmentDoc struct {
	ID          string `bson:"id"`
	Name        string `bson:"name"`
	ContentType string `bson:"contentType"`
	Size        int64  `bson:"size"`
	SHA256      string `bson:"sha256"`
	ObjectKey   string `bson:"objectKey"`
}

type reportEventDoc struct {
	ID          string                `bson:"_id"` // report/seq
	Report      string                `bson:"report"`
	Seq         int                   `bson:"seq"`
	Kind        string                `bson:"kind"`
	At          time.Time             `bson:"at"`
	Actor       string                `bson:"actor"`
	Text        string                `bson:"text,omitempty"`
	Reason      string                `bson:"reason,omitempty"`
	CaseNo      string                `bson:"caseNo,omitempty"`
	Question    int                   `bson:"question,omitempty"`
	Attachments []reportAttachmentDoc `bson:"attachments,omitempty"`
}

type receiptDoc struct {
	Code       string `bson:"_id"`
	Report     string `bson:"report"`
	SecretHash string `bson:"secretHash"`
}

type keyCheckDoc struct {
	ID     string `bson:"_id"`
	Sealed []byte `bson:"sealed"`
}

func attachmentDocs(as []hotline.Attachment) []reportAttachmentDoc {
	var out []reportAttachmentDoc
	for _, a := range as {
		out = append(out, reportAttachmentDoc{a.ID, a.Name, a.ContentType, a.Size, a.SHA256, a.ObjectKey})
	}
	return out
}

func attachmentsOf(ds []reportAttachmentDoc) []hotline.Attachment {
	var out []hotline.Attachment
	for _, d := range ds {
		out = append(out, hotline.Attachment{ID: d.ID, Name: d.Name, ContentType: d.ContentType, Size: d.Size, SHA256: d.SHA256, ObjectKey: d.ObjectKey})
	}
	return out
}

func (d reportDoc) report() hotline.Report {
	return hotline.Report{ID: d.ID, Channel: hotline.Channel(d.Channel), ReceivedAt: d.ReceivedAt, UnitCode: d.UnitCode, UnitName: d.UnitName,
		UnitText: d.UnitText, Region: d.Region, Allegation: d.Allegation, Sealed: d.Sealed, Due: d.Due, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt,
		Attachments: attachmentsOf(d.Attachments), State: hotline.StateReceived}
}

func (d reportEventDoc) event() hotline.Event {
	return hotline.Event{Report: d.Report, Seq: d.Seq, Kind: hotline.Kind(d.Kind), At: d.At, Actor: d.Actor, Text: d.Text, Reason: d.Reason,
		CaseNo: d.CaseNo, Question: d.Question, Attachments: attachmentsOf(d.Attachments)}
}

// InsertReceipt implements hotline.Store.
func (d *DB) InsertReceipt(ctx context.Context, r hotline.Receipt) error {
	_, err := d.db.Collection(colReceipts).InsertOne(ctx, receiptDoc{r.Code, r.Report, r.SecretHash})
	return translate(err, "receipt")
}

// FindReceipt implements hotline.Store.
func (d *DB) FindReceipt(ctx context.Context, code string) (hotline.Receipt, error) {
	var doc receiptDoc
	if err := d.db.Collection(colReceipts).FindOne(ctx, bson.M{"_id": code}).Decode(&doc); err != nil {
		return hotline.Receipt{}, translate(err, "receipt")
	}
	return hotline.Receipt{Code: doc.Code, Report: doc.Report, SecretHash: doc.SecretHash}, nil
}

// InsertReport implements hotline.Store.
func (d *DB) InsertReport(ctx context.Context, r hotline.Report) error {
	doc := reportDoc{ID: r.ID, Channel: string(r.Channel), ReceivedAt: r.ReceivedAt, UnitCode: r.UnitCode, UnitName: r.UnitName, UnitText: r.UnitText,
		Region: r.Region, Allegation: r.Allegation, Sealed: r.Sealed, Due: r.Due, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, Attachments: attachmentDocs(r.Attachments)}
	_, err := d.db.Collection(colReports).InsertOne(ctx, doc)
	return translate(err, "report "+r.ID)
}

// FindReport implements hotline.Store.
func (d *DB) FindReport(ctx context.Context, id string) (hotline.Report, error) {
	var doc reportDoc
	if err := d.db.Collection(colReports).FindOne(ctx, bson.M{"_id": id}).Decode(&doc); err != nil {
		return hotline.Report{}, translate(err, "report "+id)
	}
	return doc.report(), nil
}

// AllReports implements hotline.Store.
func (d *DB) AllReports(ctx context.Context) ([]hotline.Report, error) {
	return findAll(ctx, d.db.Collection(colReports), bson.M{}, bson.D{{Key: "_id", Value: 1}}, reportDoc.report, "reports")
}

// InsertReportEvent implements hotline.Store.
func (d *DB) InsertReportEvent(ctx context.Context, e hotline.Event) error {
	doc := reportEventDoc{ID: fmt.Sprintf("%s/%06d", e.Report, e.Seq), Report: e.Report, Seq: e.Seq, Kind: string(e.Kind), At: e.At, Actor: e.Actor,
		Text: e.Text, Reason: e.Reason, CaseNo: e.CaseNo, Question: e.Question, Attachments: attachmentDocs(e.Attachments)}
	_, err := d.db.Collection(colReportEvents).InsertOne(ctx, doc)
	return translate(err, "report event "+doc.ID)
}

// ReportEvents implements hotline.Store.
func (d *DB) ReportEvents(ctx context.Context, id string) ([]hotline.Event, error) {
	return findAll(ctx, d.db.Collection(colReportEvents), bson.M{"report": id}, bson.D{{Key: "report", Value: 1}, {Key: "seq", Value: 1}}, reportEventDoc.event, "report events")
}

// AllReportEvents implements hotline.Store.
func (d *DB) AllReportEvents(ctx context.Context) ([]hotline.Event, error) {
	return findAll(ctx, d.db.Collection(colReportEvents), bson.M{}, bson.D{{Key: "_id", Value: 1}}, reportEventDoc.event, "report events")
}

// ReporterKeyCheck implements hotline.Store.
func (d *DB) ReporterKeyCheck(ctx context.Context) ([]byte, error) {
	var doc keyCheckDoc
	if err := d.db.Collection(colReporterKeyChk).FindOne(ctx, bson.M{"_id": "reporter"}).Decode(&doc); err != nil {
		return nil, translate(err, "reporter key check")
	}
	return doc.Sealed, nil
}

// InsertReporterKeyCheck implements hotline.Store.
func (d *DB) InsertReporterKeyCheck(ctx context.Context, sealed []byte) error {
	_, err := d.db.Collection(colReporterKeyChk).InsertOne(ctx, keyCheckDoc{ID: "reporter", Sealed: sealed})
	return translate(err, "reporter key check")
}

// Package documents is how the office acts through paper: numbered official
// documents (rectification notices, feedback letters, closing approval
// forms) rendered to PDF, stored write-once with their SHA-256, recorded,
// and linked to the cases they concern; and the evidence units upload with
// their reports. Issuing runs in a fixed order — pick the next free number,
// render with it, store the PDF, claim the number, record the document,
// append an event to each case — so a failed render or store claims no
// number (no gap in the series), and no record is ever without its PDF.
package documents

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"rectify/cases"
	"rectify/templates"
)

// Kind is a kind of document.
type Kind string

// The kinds of document.
const (
	KindNotice   Kind = "notice"   // 整改通知书
	KindFeedback Kind = "feedback" // 反馈函
	KindClosing  Kind = "closing"  // 销号审批表
	// KindAssessment is the result letter of the annual assessment (评估结果反馈).
	KindAssessment Kind = "assessment"
)

// Kinds maps each kind to its Chinese name, in console order.
var Kinds = []struct {
	Kind  Kind
	Label string
}{{KindNotice, "整改通知书"}, {KindFeedback, "反馈函"}, {KindClosing, "销号审批表"}, {KindAssessment, "评估结果反馈"}}

// Label is the kind's Chinese name.
func (k Kind) Label() string {
	for _, x := range Kinds {
		if x.Kind == k {
			return x.Label
		}
	}
	return string(k)
}

// Prefixes are the 机关代字 of each kind's document numbers: 云编督〔2026〕12号.
type Prefixes map[Kind]string

// DefaultPrefixes are used when none are configured.
var DefaultPrefixes = Prefixes{KindNotice: "云编督", KindFeedback: "云编督函", KindClosing: "云编销", KindAssessment: "云编评"}

// Number formats a document number (发文字号): prefix〔year〕seq号.
func Number(prefix string, year, seq int) string {
	return fmt.Sprintf("%s〔%d〕%d号", prefix, year, seq)
}

// ID is a document's identifier and the stem of its object key.
func ID(k Kind, year, seq int) string { return fmt.Sprintf("%s-%d-%04d", k, year, seq) }

var idRE = regexp.MustCompile(`^(notice|feedback|closing|assessment)-\d{4}-\d{4,}$`)

// ValidID reports whether id is a well-formed document id.
func ValidID(id string) bool { return idRE.MatchString(id) }

// ObjectKey is where a document's PDF is stored: the candidate id and a
// random token, so that storing never depends on winning the number (a
// draft that lost its number to a concurrent issuer keeps its own key and
// is never overwritten). No user-supplied text ever reaches a key.
func ObjectKey(id string, year int, token string) string {
	return fmt.Sprintf("documents/%d/%s-%s.pdf", year, id, token)
}

// Claim is a claimed document number and the document it was claimed for.
// A claim is made only once that document's PDF is stored; a claim without
// a document record is a void number (作废): issuing stopped between claim
// and record, and the number is never used again.
type Claim struct {
	Kind      Kind
	Year, Seq int
	ID        string // the document's id
	ObjectKey string // where its PDF was stored
	At        time.Time
}

// Document is the record of an issued document.
type Document struct {
	ID     string `json:"id"`
	Kind   Kind   `json:"kind"`
	Year   int    `json:"year"`
	Seq    int    `json:"seq"`
	Number string `json:"number"`
	Title  string `json:"title"`
	// Office is the issuing office as the letterhead named it then (empty
	// on documents recorded before it was kept).
	Office     string      `json:"office,omitempty"`
	Addressee  string      `json:"addressee"`
	UnitCode   string      `json:"unit_code,omitempty"`
	Region     []string    `json:"region"` // for scope: the region of the cases it concerns
	Cases      []string    `json:"cases"`
	ObjectKey  string      `json:"object_key"`
	SHA256     string      `json:"sha256"`
	Size       int64       `json:"size"`
	VerifyCode string      `json:"verify_code"`
	IssuedBy   cases.Actor `json:"issued_by"`
	IssuedAt   time.Time   `json:"issued_at"`
	Replaces   string      `json:"replaces,omitempty"` // the id of the document this one re-issues
	// Basis is what the document was issued for (a closing of a case, a
	// reply to a referral for a set of cases): asking again for the same
	// basis returns this document instead of issuing another, unless a
	// re-issue is asked for.
	Basis string `json:"basis,omitempty"`
	// States is, for a feedback letter, the state each case was reported
	// in: a case that has not moved since needs no new letter.
	States map[string]cases.State `json:"states,omitempty"`
	// Copies is how many numbered copies (份) of a secret document were
	// issued: copy k carries 份号 k (000001…) and is a PDF of its own, as
	// an office prints and hands out each copy separately. Copy 1 is
	// ObjectKey; CopyFiles are copies 2…Copies. 0 on a document that is
	// not secret (no 份号) and on secret ones issued before copies were
	// counted (one copy, 000001).
	Copies    int        `json:"copies,omitempty"`
	CopyFiles []CopyFile `json:"copy_files,omitempty"`

	// copy is the copy issue is rendering (1…Copies), for the 份号.
	copy int
}

// CopyFile is one further numbered copy of a secret document: where its PDF
// is stored and its hash.
type CopyFile struct {
	ObjectKey string `json:"object_key"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
}

// MaxCopies is the most numbered copies one secret document is issued in.
const MaxCopies = 50

// copyNo is the 份号 to print on the copy of d being rendered: none on a
// document that is not secret (marked empty), else copy k's number.
func copyNo(d Document, marked string) string {
	if marked == "" {
		return ""
	}
	return templates.CopyNo(max(d.copy, 1))
}

// copiesOf checks the number of copies asked for: only a secret document
// is issued in numbered copies (1 when none is asked for); one that is not
// secret counts none.
func copiesOf(n int, secret bool) (int, error) {
	if n < 0 || n > MaxCopies {
		return 0, cases.Invalid("copies", "份数须为 1 至 %d", MaxCopies)
	}
	if !secret {
		return 0, nil
	}
	return max(n, 1), nil
}

// Evidence is a file a unit uploaded with its report.
type Evidence struct {
	ID     string `json:"id"`
	CaseNo string `json:"case_no"`
	// Owner is what evidence not about a case belongs to, e.g. an
	// assessment self-assessment "assessment:2026/QH001/A1.1.1".
	Owner       string      `json:"owner,omitempty"`
	Name        string      `json:"name"` // sanitised, for display only
	ContentType string      `json:"content_type"`
	Size        int64       `json:"size"`
	SHA256      string      `json:"sha256"`
	ObjectKey   string      `json:"-"`
	UploadedBy  cases.Actor `json:"uploaded_by"`
	UploadedAt  time.Time   `json:"uploaded_at"`
}

// Store persists document records, number claims and evidence records.
// Errors follow cases.Store.
type Store interface {
	// ClaimNumber claims (c.Kind, c.Year, c.Seq); ECONFLICT if taken.
	// Numbers are claimed once the document is stored and never released:
	// never reused.
	ClaimNumber(ctx context.Context, c Claim) error
	// NumberClaimed reports whether (kind, year, seq) is claimed.
	NumberClaimed(ctx context.Context, k Kind, year, seq int) (bool, error)
	// Claims lists every claimed number (for verify). Claims made before
	// claims recorded their document carry only kind, year, seq and time.
	Claims(ctx context.Context) ([]Claim, error)
	// DocumentIDs lists the id of every document record (for verify).
	DocumentIDs(ctx context.Context) ([]string, error)
	// InsertDocument records an issued document.
	InsertDocument(ctx context.Context, d Document) error
	// FindDocument returns a document by id (ENOTFOUND).
	FindDocument(ctx context.Context, id string) (Document, error)
	// FindDocumentByCode returns a document by verification code (ENOTFOUND).
	FindDocumentByCode(ctx context.Context, code string) (Document, error)
	// ObjectKeys lists the object keys of every record that points to a
	// stored object (documents, evidence, sent briefings, hotline report
	// attachments).
	ObjectKeys(ctx context.Context) ([]string, error)
	// InsertEvidence records an uploaded file.
	InsertEvidence(ctx context.Context, e Evidence) error
	// FindEvidence returns an evidence record (ENOTFOUND).
	FindEvidence(ctx context.Context, id string) (Evidence, error)
}

// The documents and evidence of a case are listed through the ledger: each
// record, once stored, is linked to its cases (cases.Service.Link), and the
// case page reads the records by id. No query looks for them by case.

// BlobInfo describes a stored object.
type BlobInfo struct {
	Key         string
	Size        int64
	SHA256      string // hex
	ContentType string
}

// Blobs stores objects write-once, each with its SHA-256.
//
// Put refuses an existing key (ECONFLICT). Get verifies the SHA-256 of the
// bytes against the one recorded at Put and fails with ECORRUPT, naming the
// object, on a mismatch, and with ENOTFOUND when the object is missing. An
// unreachable service is EUNAVAILABLE.
type Blobs interface {
	Put(ctx context.Context, key string, data []byte, contentType string) (BlobInfo, error)
	Get(ctx context.Context, key string) ([]byte, BlobInfo, error)
	Stat(ctx context.Context, key string) (BlobInfo, error)
	Keys(ctx context.Context, prefix string) ([]string, error)
}

var keyRE = regexp.MustCompile(`^[a-z]+(/[A-Za-z0-9][A-Za-z0-9._-]{0,99}){1,4}$`)

// ValidKey reports whether key is an object key this product makes:
// lower-case top folder, then up to four plain segments, no "..".
func ValidKey(key string) bool {
	return keyRE.MatchString(key) && !regexp.MustCompile(`(^|/)\.\.?(/|$)`).MatchString(key)
}

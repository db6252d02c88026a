package cases

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Input is the payload of a transition. Which fields an action needs is
// decided by Decide; the recorded event keeps the resolved values (a deadline
// given as working days is stored as the date it comes to).
type Input struct {
	Reason       string   `json:"reason,omitempty"`
	Requirements string   `json:"requirements,omitempty"`
	Deadline     string   `json:"deadline,omitempty"`
	WorkingDays  int      `json:"working_days,omitempty"`
	Report       string   `json:"report,omitempty"`
	Evidence     []string `json:"evidence,omitempty"`
	Note         string   `json:"note,omitempty"`
	Reference    string   `json:"reference,omitempty"`
	Assignee     string   `json:"assignee,omitempty"`
	// PreviousDeadline is filled in by Decide for an extension, so the event
	// itself records what the deadline was before.
	PreviousDeadline string `json:"previous_deadline,omitempty"`
	// Document references a document issued with this action.
	Document string `json:"document,omitempty"`
	// Late is filled in by Decide on a submission made after the deadline:
	// a submitted case's light is frozen at the moment the unit reported.
	Late bool `json:"late,omitempty"`
	// Source and Origin are, for add_source, the channel of the report or
	// referral merged into the case (Reference its reference) and the
	// intake record it came from ("report:…", "batch:…", "clue:…").
	Source string `json:"source,omitempty"`
	Origin string `json:"origin,omitempty"`
}

// Registered is the payload of a case's first event: the registration plus
// what was looked up or assigned while registering.
type Registered struct {
	Registration
	UnitName       string   `json:"unit_name"`
	Region         []string `json:"region"`
	Year           int      `json:"year"`
	Ordinal        int      `json:"ordinal"`
	IdempotencyKey string   `json:"idempotency_key,omitempty"`
	// Origin is the intake record the case was registered from: a patrol
	// referral batch, an audit clue or a hotline report ("batch:…",
	// "clue:…", "report:…").
	Origin string `json:"origin,omitempty"`
	// RepeatOf lists the unit's cases of the same violation kind closed in
	// the three years before (屡查屡犯), found at registration.
	RepeatOf []string `json:"repeat_of,omitempty"`
	// NotRepeatOf lists the cases that would have made it a repeat, when
	// the registrar said why it is not one (Registration.NotRepeatReason).
	NotRepeatOf []string `json:"not_repeat_of,omitempty"`
}

// Event is one immutable step in a case's life. Events of a case form a hash
// chain: each carries the hash of the one before it and its own hash over a
// canonical encoding of everything else.
type Event struct {
	CaseNo      string      `json:"case_no"`
	Seq         int         `json:"seq"`
	Action      Action      `json:"action"`
	From        State       `json:"from"`
	To          State       `json:"to"`
	Actor       Actor       `json:"actor"`
	At          time.Time   `json:"at"`
	Comment     string      `json:"comment,omitempty"`
	Attachments []string    `json:"attachments,omitempty"`
	Registered  *Registered `json:"registered,omitempty"`
	Input       *Input      `json:"input,omitempty"`
	PrevHash    string      `json:"prev_hash"`
	Hash        string      `json:"hash"`
}

// canonicalEvent fixes the field order and the time format of the hashed
// encoding. Times are cut to milliseconds because that is what BSON keeps.
type canonicalEvent struct {
	V           int         `json:"v"`
	CaseNo      string      `json:"case_no"`
	Seq         int         `json:"seq"`
	Action      Action      `json:"action"`
	From        State       `json:"from"`
	To          State       `json:"to"`
	Actor       Actor       `json:"actor"`
	At          string      `json:"at"`
	Comment     string      `json:"comment"`
	Attachments []string    `json:"attachments"`
	Registered  *Registered `json:"registered"`
	Input       *Input      `json:"input"`
	PrevHash    string      `json:"prev_hash"`
}

// TruncateTime cuts t to the precision storage keeps, in UTC.
func TruncateTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// ComputeHash returns the SHA-256 of e's canonical encoding (hex). e.Hash
// itself is not part of it.
func ComputeHash(e Event) string {
	sum := sha256.Sum256(canonicalBytes(e))
	return hex.EncodeToString(sum[:])
}

// CanonicalEncoding is the byte string e's hash is computed over, as
// docs/LEDGER-ENCODING.md specifies it.
func CanonicalEncoding(e Event) string { return string(canonicalBytes(e)) }

func canonicalBytes(e Event) []byte {
	atts := e.Attachments
	if atts == nil {
		atts = []string{}
	}
	var reg *Registered
	if e.Registered != nil {
		r := *e.Registered
		if r.Region == nil {
			r.Region = []string{}
		}
		reg = &r
	}
	var in *Input
	if e.Input != nil {
		x := *e.Input
		if len(x.Evidence) == 0 {
			x.Evidence = nil
		}
		in = &x
	}
	b, err := json.Marshal(canonicalEvent{
		V: 1, CaseNo: e.CaseNo, Seq: e.Seq, Action: e.Action, From: e.From, To: e.To,
		Actor: e.Actor, At: TruncateTime(e.At).Format("2006-01-02T15:04:05.000Z"),
		Comment: e.Comment, Attachments: atts, Registered: reg, Input: in, PrevHash: e.PrevHash,
	})
	if err != nil {
		// Only plain strings, ints and slices are encoded: this cannot fail.
		panic(fmt.Sprintf("encode event: %v", err))
	}
	return b
}

// Seal sets e's time precision, previous hash and own hash.
func Seal(e Event, prevHash string) Event {
	e.At = TruncateTime(e.At)
	e.PrevHash = prevHash
	e.Hash = ComputeHash(e)
	return e
}

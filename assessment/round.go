package assessment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"rectify/cases"
)

// Round is one year's assessment (评估轮次) organised by the office of one
// region: each office assesses the departments under it, so a city and its
// counties run their own rounds of the same year. Its catalogue is frozen:
// the round records the catalogue's version and the SHA-256 of its bytes,
// and refuses to load a catalogue that differs.
type Round struct {
	ID   string `json:"id"` // RoundID(Year, Region)
	Year int    `json:"year"`
	// Region is the key of the organising office's region (cases.RegionKey);
	// empty on rounds made before rounds had one, which everyone may see.
	Region        string      `json:"region,omitempty"`
	Title         string      `json:"title"`
	Catalog       string      `json:"catalog"`        // catalogue version
	CatalogDigest string      `json:"catalog_digest"` // SHA-256 of the catalogue's bytes
	CreatedBy     cases.Actor `json:"created_by"`
	CreatedAt     time.Time   `json:"created_at"`
}

// RoundID names the round of year organised in region: the year, then a
// short digest of the region, so that ids stay short, unique per (region,
// year) and safe in a path.
func RoundID(year int, region string) string {
	h := sha256.Sum256([]byte(region))
	return fmt.Sprintf("%d-%s", year, hex.EncodeToString(h[:5]))
}

// Viewer is who asks to see a round: their scope and account.
type Viewer struct {
	Scope cases.Scope
	User  string
}

// Admits reports whether v may see the round, or one unit of it when unit
// is not empty. A round is seen within the organising office's region and
// above it (never by a county office below a city's round); a reviewer
// assigned to a unit sees the round and that unit wherever they sit; a
// user limited to units (a unit's liaison) sees only their own unit's
// sheet. Everything else is answered as not found.
func (st RoundState) Admits(v Viewer, unit string) bool {
	if v.Scope.Global {
		return true
	}
	if !v.Scope.Valid() {
		return false
	}
	assigned := false
	for _, u := range st.Units {
		if (unit == "" || u.Unit == unit) && assignedTo(u, v.User) {
			assigned = true
		}
	}
	if v.Scope.Units != nil {
		if unit == "" {
			return false
		}
		_, in := st.Unit(unit)
		return in && slices.Contains(v.Scope.Units, unit)
	}
	r := st.Round.Region
	if r == "" || r == v.Scope.Region || strings.HasPrefix(r, v.Scope.Region+"/") {
		return true
	}
	return assigned
}

// Reviewer is an assessment reviewer as assigned to a unit.
type Reviewer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// RoundUnit is one assessed unit of a round: its reviewers and its
// individual indicators.
type RoundUnit struct {
	Round      string     `json:"round"`
	Unit       string     `json:"unit"`
	UnitName   string     `json:"unit_name"`
	Kind       string     `json:"kind"`
	Reviewers  []Reviewer `json:"reviewers"`
	Individual []string   `json:"individual"`
	UpdatedBy  string     `json:"updated_by"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// Score is one reviewer's score of one point of one unit: one record per
// (round, unit, point, reviewer), replaced when the reviewer saves again.
type Score struct {
	Round    string  `json:"round"`
	Unit     string  `json:"unit"`
	Point    string  `json:"point"`
	Reviewer string  `json:"reviewer"`
	Mark     Mark    `json:"mark"`
	Score    float64 `json:"score"`
	Comment  string  `json:"comment"`
	// Proposed is the ledger's proposed deduction when the score was
	// saved; Override says the reviewer deducted otherwise (Mark.Ledger),
	// for the reason given.
	Proposed       float64   `json:"proposed"`
	Override       bool      `json:"override"`
	OverrideReason string    `json:"override_reason,omitempty"`
	At             time.Time `json:"at"`
}

// Consensus is the score agreed for a diverging point, replacing the mean.
type Consensus struct {
	Round  string    `json:"round"`
	Unit   string    `json:"unit"`
	Point  string    `json:"point"`
	Score  float64   `json:"score"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// Finding is a problem found on a point that lost marks; the office turns
// it into a ledger case (CaseNo), whose origin names the finding back.
type Finding struct {
	Round  string    `json:"round"`
	Unit   string    `json:"unit"`
	Point  string    `json:"point"`
	Kind   string    `json:"violation_kind"`
	Title  string    `json:"title"`
	Facts  string    `json:"facts"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	CaseNo string    `json:"case_no,omitempty"`
}

// Origin is the ledger origin of the finding's case, which is also the
// idempotency key of its registration.
func (f Finding) Origin() string { return FindingOrigin(f.Round, f.Unit, f.Point) }

// FindingOrigin is "assessment:<round>/<unit>/<point>".
func FindingOrigin(round, unit, point string) string {
	return "assessment:" + round + "/" + unit + "/" + point
}

// Event kinds of a round.
const (
	EventCreate   = "create"
	EventFinalise = "finalise"
	EventReopen   = "reopen"
)

// Event is one step of a round's life, hash-chained like the ledger's
// events: Hash covers the previous hash and every other field, so a
// rewritten history breaks the chain. A finalising event records the
// digest of every score, consensus and finding at that moment.
type Event struct {
	Round  string      `json:"round"`
	Seq    int         `json:"seq"` // 1-based; unique per round
	Kind   string      `json:"kind"`
	Actor  cases.Actor `json:"actor"`
	Reason string      `json:"reason,omitempty"`
	Digest string      `json:"digest,omitempty"`
	At     time.Time   `json:"at"`
	Prev   string      `json:"prev"`
	Hash   string      `json:"hash"`
}

// EventHash computes an event's hash from its fields and Prev.
func EventHash(e Event) string {
	e.Hash = ""
	b, _ := json.Marshal(e)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CheckEvents verifies a round's chain: sequence from 1, each Prev the hash
// before, each Hash recomputed. It returns ECORRUPT naming the first bad
// event.
func CheckEvents(es []Event) error {
	prev := ""
	for i, e := range es {
		if e.Seq != i+1 || e.Prev != prev || EventHash(e) != e.Hash {
			return &cases.Error{Code: cases.ECORRUPT, Message: fmt.Sprintf("评估轮次 %s 的第 %d 条记录校验失败", e.Round, i+1)}
		}
		prev = e.Hash
	}
	return nil
}

// Finalised reports whether the last event finalised the round.
func Finalised(es []Event) bool { return len(es) > 0 && es[len(es)-1].Kind == EventFinalise }

// Store keeps rounds. Put methods replace the record of the same natural
// key; inserts of rounds and events are unique.
type Store interface {
	// InsertRound returns ECONFLICT when the year has a round.
	InsertRound(ctx context.Context, r Round) error
	// FindRound returns ENOTFOUND when there is none.
	FindRound(ctx context.Context, id string) (Round, error)
	FindRounds(ctx context.Context) ([]Round, error)
	PutUnit(ctx context.Context, u RoundUnit) error
	FindUnits(ctx context.Context, round string) ([]RoundUnit, error)
	PutScore(ctx context.Context, s Score) error
	FindScores(ctx context.Context, round string) ([]Score, error)
	PutConsensus(ctx context.Context, c Consensus) error
	FindConsensus(ctx context.Context, round string) ([]Consensus, error)
	PutFinding(ctx context.Context, f Finding) error
	FindFindings(ctx context.Context, round string) ([]Finding, error)
	// AppendEvent returns ECONFLICT when the round's Seq is taken.
	AppendEvent(ctx context.Context, e Event) error
	// FindEvents returns a round's events by Seq.
	FindEvents(ctx context.Context, round string) ([]Event, error)
	// InsertLetter returns ECONFLICT when (round, unit, seq) is taken.
	InsertLetter(ctx context.Context, l Letter) error
	// FindLetters returns a round's letters.
	FindLetters(ctx context.Context, round string) ([]Letter, error)
	// PutSelf saves a self-assessment by (round, unit, point).
	PutSelf(ctx context.Context, x SelfAssessment) error
	// FindSelf returns a round's self-assessments.
	FindSelf(ctx context.Context, round string) ([]SelfAssessment, error)
	// PutSurvey saves a survey result by (round, unit, point).
	PutSurvey(ctx context.Context, x SurveyResult) error
	// FindSurveys returns a round's survey results.
	FindSurveys(ctx context.Context, round string) ([]SurveyResult, error)
}

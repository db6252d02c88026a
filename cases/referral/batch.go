// Package referral is the intake of patrol referrals (巡视巡察移交): a batch
// of problems a patrol office refers under one letter (移交函), registered
// as one case each, answered by a feedback letter (反馈函) once every item
// is settled, or by an interim letter for the items settled so far.
//
// A batch's identity is its referring office and letter number: the same
// letter twice is the same batch (ID derives from them and is the _id of a
// unique insert). Identical content replays the first result; different
// content is a conflict naming the letter number.
package referral

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"rectify/cases"
)

// MaxItems is the most problems one batch may hold.
const MaxItems = 500

// Batch is one referral letter and the problems it refers.
type Batch struct {
	ID       string      `json:"id"`
	Office   string      `json:"office"`    // referring office (移交机关)
	LetterNo string      `json:"letter_no"` // 移交函号
	Round    string      `json:"round"`     // patrol round (巡察轮次)
	Team     string      `json:"team"`      // patrol team (巡察组)
	Received string      `json:"received"`  // YYYY-MM-DD, date received
	Level    cases.Level `json:"level"`     // classification of the cases registered
	Items    []Item      `json:"items"`
	// Hash is the content's digest: a retry with the same hash is the same
	// request.
	Hash         string      `json:"-"`
	RegisteredBy cases.Actor `json:"registered_by"`
	CreatedAt    time.Time   `json:"created_at"`
	// Letters are the feedback letters issued for the batch, oldest first.
	Letters []Letter `json:"letters,omitempty"`
}

// Item is one referred problem and, once registered, its case.
type Item struct {
	UnitCode string `json:"unit_code"`
	Kind     string `json:"violation_kind"`
	Title    string `json:"title"`
	Facts    string `json:"facts,omitempty"`
	// CaseNo is the ledger number registered for the item ("" until then).
	CaseNo   string   `json:"case_no,omitempty"`
	UnitName string   `json:"unit_name,omitempty"`
	Region   []string `json:"region,omitempty"`
}

// Letter is a feedback letter issued for a batch.
type Letter struct {
	DocumentID string    `json:"document_id"`
	Number     string    `json:"number"`
	Final      bool      `json:"final"` // 反馈函 (all settled) rather than 阶段性反馈
	Cases      []string  `json:"cases"`
	IssuedAt   time.Time `json:"issued_at"`
}

// Complete reports whether every item has its case.
func (b Batch) Complete() bool {
	for _, it := range b.Items {
		if it.CaseNo == "" {
			return false
		}
	}
	return true
}

// ID is a batch's identity: the referring office and letter number, so that
// the same letter registered twice lands on the same record.
func ID(office, letterNo string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(office) + "\x00" + strings.TrimSpace(letterNo)))
	return "rb-" + hex.EncodeToString(sum[:10])
}

// Origin is the origin string cases registered from batch id carry.
func Origin(id string) string { return "batch:" + id }

// ItemKey is the idempotency key of item i's registration: a retried batch
// finds the case the first attempt registered.
func ItemKey(id string, i int) string { return fmt.Sprintf("batch:%s#%d", id, i) }

// Normalize trims every text field and sets the identity and content hash.
func Normalize(b Batch) Batch {
	t := strings.TrimSpace
	b.Office, b.LetterNo, b.Round, b.Team, b.Received = t(b.Office), t(b.LetterNo), t(b.Round), t(b.Team), t(b.Received)
	items := make([]Item, len(b.Items))
	for i, it := range b.Items {
		items[i] = Item{UnitCode: t(it.UnitCode), Kind: t(it.Kind), Title: t(it.Title), Facts: t(it.Facts)}
	}
	b.Items = items
	b.ID = ID(b.Office, b.LetterNo)
	b.Hash = contentHash(b)
	return b
}

// contentHash digests what the referring letter says, not who typed it in.
func contentHash(b Batch) string {
	buf, _ := json.Marshal([]any{b.Office, b.LetterNo, b.Round, b.Team, b.Received, b.Level, b.Items})
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

// Validate checks the batch's own fields (the items' registrations are
// checked by the cases service) and returns every bad field at once.
func Validate(b Batch) error {
	var fe cases.FieldErrors
	fe.Add(cases.CheckShortText("office", b.Office, true))
	fe.Add(cases.CheckShortText("letter_no", b.LetterNo, true))
	fe.Add(cases.CheckShortText("round", b.Round, false))
	fe.Add(cases.CheckShortText("team", b.Team, false))
	if b.Received == "" {
		fe.Add(cases.Invalid("received", "请填写收到移交函的日期"))
	} else if _, err := time.Parse(time.DateOnly, b.Received); err != nil {
		fe.Add(cases.Invalid("received", "收函日期须为 YYYY-MM-DD 格式"))
	}
	if !b.Level.Valid() {
		fe.Add(cases.Invalid("level", "密级须为公开、内部或秘密"))
	}
	switch {
	case len(b.Items) == 0:
		fe.Add(cases.Invalid("items", "移交函须列至少一个问题"))
	case len(b.Items) > MaxItems:
		fe.Add(cases.Invalid("items", "一批最多 %d 个问题", MaxItems))
	}
	return fe.Err()
}

// Registration is the case registered for item i: source 巡察移交 under the
// letter's number.
func Registration(b Batch, i int) cases.Registration {
	it := b.Items[i]
	return cases.Registration{Source: Source, SourceRef: b.LetterNo, UnitCode: it.UnitCode, Kind: it.Kind,
		Title: it.Title, Facts: it.Facts, Level: b.Level}
}

// Source is the catalog's code for patrol referrals (巡察移交).
const Source = cases.SourcePatrolReferral

// ItemField names field of item i in errors: items[2].title.
func ItemField(i int, field string) string { return fmt.Sprintf("items[%d].%s", i, field) }

// Settled reports whether a case is done with for the referring office:
// closed (销号), dismissed (不予立案) or transferred (移交纪检监察).
func Settled(s cases.State) bool {
	return s == cases.StateClosed || s == cases.StateDismissed || s == cases.StateTransferred
}

// LetterCases picks the cases a feedback letter answers now: every item
// when all are settled (final), else the settled ones (interim). None
// settled yet is refused: there is nothing to answer.
func LetterCases(items []Item, states map[string]cases.State) (nos []string, final bool, err error) {
	final = true
	for _, it := range items {
		if it.CaseNo == "" {
			return nil, false, cases.Refused("batch-incomplete", "本批问题尚未全部登记，请重新提交该移交函以完成登记")
		}
		if Settled(states[it.CaseNo]) {
			nos = append(nos, it.CaseNo)
		} else {
			final = false
		}
	}
	if len(nos) == 0 {
		return nil, false, cases.Refused("none-settled", "本批问题尚无办结（销号、不予立案或移交）的，暂不能反馈")
	}
	return nos, final, nil
}

// Viewer is who looks at batches: their roles, scope and patrol teams.
type Viewer struct {
	Roles []cases.Role
	Scope cases.Scope
	// Teams are the patrol teams the viewer is a member of, in rounds that
	// still grant access (package patrol).
	Teams []TeamRef
}

// TeamRef names a patrol team by its round's and its own name, as a
// batch names them.
type TeamRef struct{ Round, Team string }

// TeamMayRefer says whether a patrol user who is a member of teams may
// refer batch b: it must name one of those teams and that team's round.
func TeamMayRefer(teams []TeamRef, b Batch) error {
	var fe cases.FieldErrors
	if b.Round == "" {
		fe.Add(cases.Invalid("round", "请填写巡察轮次"))
	}
	if b.Team == "" {
		fe.Add(cases.Invalid("team", "请填写巡察组"))
	}
	if err := fe.Err(); err != nil {
		return err
	}
	for _, t := range teams {
		if t.Round == b.Round && t.Team == b.Team {
			return nil
		}
	}
	return cases.Invalid("team", "您不是「%s」%s的成员，只能移交本组发现的问题", b.Round, b.Team)
}

// Visible decides who sees a batch. The office, approvers and other wide
// readers see a batch when any of its units lies in their scope. A patrol
// user sees the batches of the teams they are a member of and only those:
// the patrol office's view of what it referred. A batch matches a team by
// the team's name and, when the batch names its round, the round's name.
func Visible(b Batch, v Viewer) bool {
	for _, r := range v.Roles {
		switch r {
		case cases.RoleOffice, cases.RoleApprover:
			for _, it := range b.Items {
				if v.Scope.AllowsUnit(cases.Unit{Code: it.UnitCode, Region: it.Region}) {
					return true
				}
			}
		case cases.RolePatrol:
			for _, t := range v.Teams {
				if t.Team != "" && t.Team == b.Team && (b.Round == "" || b.Round == t.Round) {
					return true
				}
			}
		}
	}
	return false
}

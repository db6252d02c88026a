// Package roster is the staffing roster (实名制花名册) an office exports
// from its real-name system, and the red-light rules (红灯预警) that read
// it: who is on whose establishment, of which type, on which post, and
// whether that agrees with what was approved.
//
// A roster is imported as a dated snapshot; snapshots are kept, and each
// snapshot's warnings are compared with the previous one's (new,
// persisting, resolved). ID numbers are personal data: a person carries
// only an HMAC of the number (to match one person across units and
// snapshots), the number sealed (to show to an office user who asks, with
// the access logged) and the masked number (3306**********1234) that every
// page, document and export shows.
//
// The rules are pure functions of a snapshot and the units' approved
// figures (rules.go); the retirement ages are those of the gradual reform
// in force from 2025-01-01 (retire.go).
package roster

import (
	"strings"
	"time"
)

// Status is a person's standing in the roster (人员状态).
type Status string

// The statuses a roster may give. A person whose 出编日期 is empty (or
// later than the snapshot) is on the establishment whatever the status says:
// that is the point of 死亡占编 and 应减未减.
const (
	StatusActive    Status = "在职"
	StatusSeconded  Status = "借调"
	StatusRetired   Status = "退休"
	StatusDeceased  Status = "死亡"
	StatusAbsent    Status = "离岗"
	StatusDeparted  Status = "调出"
	StatusDismissed Status = "辞职辞退"
)

// Statuses lists every status, in the order forms offer them.
var Statuses = []Status{StatusActive, StatusSeconded, StatusAbsent, StatusRetired, StatusDeceased, StatusDeparted, StatusDismissed}

// Sex is 男 or 女.
const (
	Male   = "男"
	Female = "女"
)

// Person is one row of a roster. IDClear is the number in clear, held only
// between parsing and sealing; it is never stored (the store keeps IDHash,
// IDSealed and IDMasked).
type Person struct {
	Row      int    `json:"row"` // the row of the imported file, 1 = header
	Unit     string `json:"unit"`
	Name     string `json:"name"`
	IDHash   string `json:"-"`
	IDSealed []byte `json:"-"`
	IDMasked string `json:"id_masked"`
	IDClear  string `json:"-"`
	Birth    string `json:"birth"` // YYYY-MM-DD
	Sex      string `json:"sex"`
	Type     string `json:"establishment_type"` // one of cases.EstablishmentTypes
	Post     string `json:"post,omitempty"`
	Leader   bool   `json:"leader"`
	Status   Status `json:"status"`
	Entered  string `json:"entered,omitempty"` // 入编日期
	Left     string `json:"left,omitempty"`    // 出编日期
	Host     string `json:"host,omitempty"`    // 借调单位
	Until    string `json:"seconded_until,omitempty"`
}

// OnEstablishment reports whether p occupies a slot on date (YYYY-MM-DD):
// entered (or no entry date given) and not yet left.
func (p Person) OnEstablishment(date string) bool {
	return (p.Left == "" || p.Left > date) && (p.Entered == "" || p.Entered <= date)
}

// Ref names a person in a warning: masked ID, never the number.
type Ref struct {
	Name     string `json:"name"`
	IDMasked string `json:"id_masked"`
	Unit     string `json:"unit"`
	Post     string `json:"post,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

func (p Person) ref(detail string) Ref {
	return Ref{Name: p.Name, IDMasked: p.IDMasked, Unit: p.Unit, Post: p.Post, Detail: detail}
}

// MaskID masks an 18-character ID number as every page shows it: the first
// four and last four kept (3306**********1234).
func MaskID(id string) string {
	if len(id) != 18 {
		return strings.Repeat("*", len(id))
	}
	return id[:4] + strings.Repeat("*", 10) + id[14:]
}

// date parses YYYY-MM-DD (dates are kept as strings so that they compare
// as they sort).
func date(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

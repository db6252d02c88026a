package cases

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// UnitKind is the kind of body under supervision (监督检查对象, seed 002).
type UnitKind string

// UnitKinds maps each kind to its Chinese name, in the order seed 002 lists them.
var UnitKinds = []struct {
	Kind  UnitKind
	Label string
}{
	{"party", "党的机关"}, {"npc", "人大机关"}, {"government", "政府机关"}, {"cppcc", "政协机关"},
	{"supervision", "监察机关"}, {"court", "审判机关"}, {"procuratorate", "检察机关"},
	{"mass", "群团机关"}, {"democratic", "民主党派和工商联机关"}, {"institution", "事业单位"},
}

// ParseUnitKind accepts a kind's code or its Chinese name (with or without 机关).
func ParseUnitKind(s string) (UnitKind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range UnitKinds {
		if s == string(k.Kind) || s == k.Label || s+"机关" == k.Label {
			return k.Kind, true
		}
	}
	return "", false
}

// Label is the kind's Chinese name.
func (k UnitKind) Label() string {
	for _, x := range UnitKinds {
		if x.Kind == k {
			return x.Label
		}
	}
	return string(k)
}

// EstablishmentTypes are the kinds of approved staffing slots (编制类型).
var EstablishmentTypes = []string{"行政编制", "政法专项编制", "事业编制", "工勤编制"}

// Establishment is the approved and actual head count of one slot type.
type Establishment struct {
	Type     string `json:"type"`
	Approved int    `json:"approved"`
	Actual   int    `json:"actual"`
}

// Posts is the approved and actual number of leader posts (领导职数).
type Posts struct {
	Approved int `json:"approved"`
	Actual   int `json:"actual"`
}

// Unit is a body under supervision (被监督单位): reference data imported
// from the office's establishment records.
type Unit struct {
	Code          string          `json:"code"`
	Name          string          `json:"name"`
	Kind          UnitKind        `json:"kind"`
	Region        []string        `json:"region"` // province, city[, county]
	Establishment []Establishment `json:"establishment"`
	LeaderPosts   Posts           `json:"leader_posts"`
	KeyManaged    bool            `json:"key_managed"` // 重点管理单位
	UpdatedAt     time.Time       `json:"updated_at"`
	// Roster, when set, is what the latest staffing roster listing the
	// unit shows; its head counts then stand for the actual counts in
	// Overages and the unit's standing. It is never stored with the unit:
	// the reader attaches it (the roster package knows the snapshots).
	Roster *RosterCount `json:"roster,omitempty"`
}

// RosterCount is a unit's head count on establishment as a staffing
// roster snapshot (实名制花名册) shows it: the later and finer word than
// the actual counts on file, which change only when the office records
// them.
type RosterCount struct {
	Snapshot string         `json:"snapshot"`
	Date     string         `json:"date"` // YYYY-MM-DD the roster stands for
	ByType   map[string]int `json:"by_type"`
	Leaders  int            `json:"leaders"` // on establishment in a leader post
}

// actual is the head count of typ that counts: the roster's when there is
// one, else the count on file.
func (u Unit) actual(e Establishment) int {
	if u.Roster != nil {
		return u.Roster.ByType[e.Type]
	}
	return e.Actual
}

// LeadersActual is the number of leaders that counts: the roster's when
// there is one, else the count on file.
func (u Unit) LeadersActual() int {
	if u.Roster != nil {
		return u.Roster.Leaders
	}
	return u.LeaderPosts.Actual
}

// UnitFilter selects units in a list.
type UnitFilter struct {
	Scope   Scope
	Region  string
	Kind    UnitKind
	Text    string
	Page    int
	PerPage int
}

var unitCodeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// ValidUnitCode reports whether code is a well-formed unit code.
func ValidUnitCode(code string) bool { return unitCodeRE.MatchString(code) }

// RegionKey joins a region path as used in filters: 江南省/云州市.
func RegionKey(path []string) string { return strings.Join(path, "/") }

// Validate checks a unit's fields; the error names the field.
func (u Unit) Validate() error {
	if !ValidUnitCode(u.Code) {
		return Invalid("code", "单位代码「%s」格式不正确：应为 1 到 64 个字母、数字、- 或 _", u.Code)
	}
	if err := checkText("name", u.Name, MaxShortText, true); err != nil {
		return err
	}
	if u.Kind.Label() == string(u.Kind) {
		return Invalid("kind", "未知的单位类别「%s」", u.Kind)
	}
	if len(u.Region) < 2 || len(u.Region) > 3 {
		return Invalid("region", "所在地区应为“省/市”或“省/市/县”")
	}
	for _, r := range u.Region {
		if strings.TrimSpace(r) == "" || strings.Contains(r, "/") || strings.HasPrefix(strings.TrimSpace(r), "$") {
			return Invalid("region", "所在地区中的「%s」为空或格式不正确", r)
		}
		// The same characters are refused here as in every other text.
		if err := checkText("region", r, MaxShortText, true); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, e := range u.Establishment {
		if !contains(EstablishmentTypes, e.Type) || seen[e.Type] {
			return Invalid("establishment", "编制类型「%s」未知或重复", e.Type)
		}
		seen[e.Type] = true
		if e.Approved < 0 || e.Actual < 0 {
			return Invalid(e.Type, "%s的核定数和实有数不能为负数", e.Type)
		}
	}
	if u.LeaderPosts.Approved < 0 || u.LeaderPosts.Actual < 0 {
		return Invalid("leader_posts", "领导职数的核定数和实有数不能为负数")
	}
	return nil
}

// LeaderPostsType names leader posts in an Overage, beside the
// establishment types.
const LeaderPostsType = "领导职数"

// Overage is how far a unit's actual head count exceeds its approval for
// one establishment type (超编) or for leader posts (超职数), the two red
// lights of seed 000 (超编进人, 超职数配备干部).
type Overage struct {
	Type     string `json:"type"` // an establishment type, or LeaderPostsType
	Approved int    `json:"approved"`
	Actual   int    `json:"actual"`
	Over     int    `json:"over"` // Actual − Approved, always > 0
}

// LeaderPosts reports whether o is about leader posts rather than slots.
func (o Overage) LeaderPosts() bool { return o.Type == LeaderPostsType }

// Short is the overage as a badge reads: 超编 2, 超职数 1.
func (o Overage) Short() string {
	if o.LeaderPosts() {
		return fmt.Sprintf("超职数 %d", o.Over)
	}
	return fmt.Sprintf("超编 %d", o.Over)
}

// String is the overage in words: 行政编制超编 2 名, 超职数 1 名.
func (o Overage) String() string {
	if o.LeaderPosts() {
		return fmt.Sprintf("超职数 %d 名", o.Over)
	}
	return fmt.Sprintf("%s超编 %d 名", o.Type, o.Over)
}

// Overages lists where the unit's actual count exceeds its approval: each
// establishment type over, in the unit's order, then leader posts if over.
// With a Roster the roster's counts are the actual ones, and a type on the
// roster the unit has no approval of counts as approved 0. It is empty
// (not nil) for a unit within every approval.
func (u Unit) Overages() []Overage {
	out := []Overage{}
	for _, e := range u.Establishment {
		if a := u.actual(e); a > e.Approved {
			out = append(out, Overage{Type: e.Type, Approved: e.Approved, Actual: a, Over: a - e.Approved})
		}
	}
	if u.Roster != nil {
		for _, t := range EstablishmentTypes {
			if n := u.Roster.ByType[t]; n > 0 && !u.approves(t) {
				out = append(out, Overage{Type: t, Actual: n, Over: n})
			}
		}
	}
	if p, a := u.LeaderPosts, u.LeadersActual(); a > p.Approved {
		out = append(out, Overage{Type: LeaderPostsType, Approved: p.Approved, Actual: a, Over: a - p.Approved})
	}
	return out
}

// EstablishmentRow is one establishment type as a unit's page shows it:
// the approved number, the head count on file, and the head count that
// counts (Actual: the roster's when the unit has one, else the file's).
type EstablishmentRow struct {
	Type     string
	Approved int
	OnFile   int
	Actual   int
}

// EstablishmentRows lists the unit's establishment types, then every type
// its roster has people on that the unit has no approved establishment of
// (approved 0: every one of them is over), so that each overage Overages
// reports has its row.
func (u Unit) EstablishmentRows() []EstablishmentRow {
	out := make([]EstablishmentRow, 0, len(u.Establishment)+1)
	for _, e := range u.Establishment {
		out = append(out, EstablishmentRow{Type: e.Type, Approved: e.Approved, OnFile: e.Actual, Actual: u.actual(e)})
	}
	if u.Roster != nil {
		for _, t := range EstablishmentTypes {
			if n := u.Roster.ByType[t]; n > 0 && !u.approves(t) {
				out = append(out, EstablishmentRow{Type: t, Actual: n})
			}
		}
	}
	return out
}

func (u Unit) approves(typ string) bool {
	for _, e := range u.Establishment {
		if e.Type == typ {
			return true
		}
	}
	return false
}

// OverEstablished reports whether any establishment type is over (超编).
func (u Unit) OverEstablished() bool {
	for _, o := range u.Overages() {
		if !o.LeaderPosts() {
			return true
		}
	}
	return false
}

// OverQuota reports whether leader posts are over (超职数).
func (u Unit) OverQuota() bool { return u.LeadersActual() > u.LeaderPosts.Approved }

package roster

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"rectify/cases"
)

// Rule names a red-light rule.
type Rule string

// The red-light rules (红灯预警规则).
const (
	RuleOverstaffed Rule = "overstaffed" // 超编: 实有 > 核定, by establishment type
	RuleOverPosts   Rule = "over_posts"  // 超职数: leader posts > approved
	RuleDouble      Rule = "double"      // 重复占编: one ID on two units' establishment
	RuleRetire      Rule = "retire"      // 应减未减: at or over retirement age, still on it
	RuleDeceased    Rule = "deceased"    // 死亡占编
	RuleSecondment  Rule = "secondment"  // 超期借用: seconded past the end date
	RuleMixed       Rule = "mixed"       // 混编混岗: a post of another establishment type
	RuleMismatch    Rule = "mismatch"    // 人数不符: roster count ≠ the count on file
)

// RuleInfo describes a rule: its label and the catalog's violation kind a
// case made from its warning takes.
type RuleInfo struct {
	Rule  Rule
	Label string
	Kind  string // cases/catalog violation kind
	Basis string
}

// Rules lists the rules in the order lists show them.
var Rules = []RuleInfo{
	{RuleOverstaffed, "超编", "B01", "花名册在编人数超过核定编制数（按编制类型）"},
	{RuleOverPosts, "超职数", "C01", "在编领导职务人数超过核定领导职数"},
	{RuleDouble, "重复占编", "B05", "同一身份证号同时在两个以上单位占编"},
	{RuleRetire, "应减未减", "D05", "达到法定退休年龄（渐进式延迟退休）仍在编"},
	{RuleDeceased, "死亡占编", "D05", "人员状态为死亡仍未出编"},
	{RuleSecondment, "超期借用", "D03", "借调截止日期已过仍在借调"},
	{RuleMixed, "混编混岗", "B04", "人员编制类型与所任职务或单位类别不符"},
	{RuleMismatch, "人数不符", "E02", "花名册在编人数与编办登记的实有人数不一致"},
}

// Info returns the rule's description; ok is false for an unknown rule.
func (r Rule) Info() (RuleInfo, bool) {
	for _, x := range Rules {
		if x.Rule == r {
			return x, true
		}
	}
	return RuleInfo{}, false
}

// Label is the rule's Chinese name.
func (r Rule) Label() string {
	if i, ok := r.Info(); ok {
		return i.Label
	}
	return string(r)
}

// Change is how a warning stands against the previous snapshot's.
type Change string

// The changes.
const (
	New        Change = "new"
	Persisting Change = "persisting"
	Resolved   Change = "resolved"
)

// Label is the change's Chinese name.
func (c Change) Label() string {
	switch c {
	case New:
		return "新增"
	case Persisting:
		return "持续"
	case Resolved:
		return "已消除"
	}
	return string(c)
}

// Warning is one red light of one snapshot: the unit, the people (masked)
// or figures behind it, and why, in Chinese. Key names the problem across
// snapshots (rule, unit and subject — an establishment type or a person's
// ID hash, hashed again so that the key says nothing of the person).
type Warning struct {
	ID          string `json:"id"` // snapshot + "." + Key
	Snapshot    string `json:"snapshot"`
	Date        string `json:"date"` // the snapshot's date
	Key         string `json:"key"`
	Rule        Rule   `json:"rule"`
	Unit        string `json:"unit"`
	UnitName    string `json:"unit_name"`
	Type        string `json:"establishment_type,omitempty"`
	Approved    int    `json:"approved,omitempty"`
	Actual      int    `json:"actual,omitempty"`
	People      []Ref  `json:"people,omitempty"`
	Explanation string `json:"explanation"`
	Change      Change `json:"change"`
	CaseNo      string `json:"case_no,omitempty"`
	// From is the snapshot that found the warning when this snapshot only
	// carries it: an import that did not cover the unit leaves its
	// warnings as they were (Date stays the date they reflect).
	From string `json:"from,omitempty"`
}

// Input is what the rules read: the snapshot's date, the units' approved
// figures (the office's directory) and the roster.
type Input struct {
	Date    string
	Units   map[string]cases.Unit
	Persons []Person
}

// Evaluate runs every rule and returns the warnings, ordered by unit, rule
// and key.
func Evaluate(in Input) []Warning {
	var out []Warning
	for _, f := range []func(Input) []Warning{Overstaffed, OverPosts, Double, Retire, Deceased, Secondment, Mixed, Mismatch} {
		out = append(out, f(in)...)
	}
	order := map[Rule]int{}
	for i, r := range Rules {
		order[r.Rule] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Unit != b.Unit {
			return a.Unit < b.Unit
		}
		if a.Rule != b.Rule {
			return order[a.Rule] < order[b.Rule]
		}
		return a.Key < b.Key
	})
	return out
}

func key(r Rule, unit, subject string) string {
	h := sha256.Sum256([]byte(subject))
	return string(r) + "." + unit + "." + hex.EncodeToString(h[:6])
}

func (in Input) warning(r Rule, unit, subject string) Warning {
	return Warning{Rule: r, Unit: unit, UnitName: in.Units[unit].Name, Key: key(r, unit, subject), Date: in.Date}
}

// byUnit groups the persons on establishment on the snapshot's date, units
// in code order.
func (in Input) onEstablishment() (codes []string, by map[string][]Person) {
	by = map[string][]Person{}
	for _, p := range in.Persons {
		if p.OnEstablishment(in.Date) {
			if _, ok := by[p.Unit]; !ok {
				codes = append(codes, p.Unit)
			}
			by[p.Unit] = append(by[p.Unit], p)
		}
	}
	sort.Strings(codes)
	return codes, by
}

// counts is the head count on establishment by type.
func counts(ps []Person) map[string]int {
	n := map[string]int{}
	for _, p := range ps {
		n[p.Type]++
	}
	return n
}

func approved(u cases.Unit, typ string) (int, bool) {
	for _, e := range u.Establishment {
		if e.Type == typ {
			return e.Approved, true
		}
	}
	return 0, false
}

// Overstaffed (超编): for each establishment type, the persons on it
// exceed the approved number (a type the unit has no approval of counts
// as approved 0). Exactly at the approved number is no warning.
func Overstaffed(in Input) []Warning {
	var out []Warning
	codes, by := in.onEstablishment()
	for _, code := range codes {
		u, ok := in.Units[code]
		if !ok {
			continue
		}
		n := counts(by[code])
		for _, t := range cases.EstablishmentTypes {
			a, _ := approved(u, t)
			if n[t] <= a {
				continue
			}
			w := in.warning(RuleOverstaffed, code, t)
			w.Type, w.Approved, w.Actual = t, a, n[t]
			w.Explanation = fmt.Sprintf("%s核定 %d 名，花名册在编 %d 人，超编 %d 人。", t, a, n[t], n[t]-a)
			out = append(out, w)
		}
	}
	return out
}

// OverPosts (超职数): the persons on establishment in a leader post exceed
// the approved leader posts.
func OverPosts(in Input) []Warning {
	var out []Warning
	codes, by := in.onEstablishment()
	for _, code := range codes {
		u, ok := in.Units[code]
		if !ok {
			continue
		}
		var leaders []Ref
		for _, p := range by[code] {
			if p.Leader {
				leaders = append(leaders, p.ref(""))
			}
		}
		if len(leaders) <= u.LeaderPosts.Approved {
			continue
		}
		w := in.warning(RuleOverPosts, code, "")
		w.Approved, w.Actual, w.People = u.LeaderPosts.Approved, len(leaders), leaders
		w.Explanation = fmt.Sprintf("核定领导职数 %d 名，花名册在编领导职务 %d 人，超职数 %d 名。", u.LeaderPosts.Approved, len(leaders), len(leaders)-u.LeaderPosts.Approved)
		out = append(out, w)
	}
	return out
}

// Double (重复占编): one ID number (by its hash) on the establishment of
// two or more units in the same snapshot. Each unit involved gets a
// warning naming all of them. A person who moved between snapshots is in
// one unit of each and no warning.
func Double(in Input) []Warning {
	byID := map[string][]Person{}
	var ids []string
	for _, p := range in.Persons {
		if !p.OnEstablishment(in.Date) {
			continue
		}
		if _, ok := byID[p.IDHash]; !ok {
			ids = append(ids, p.IDHash)
		}
		byID[p.IDHash] = append(byID[p.IDHash], p)
	}
	var out []Warning
	for _, id := range ids {
		ps := byID[id]
		if len(ps) < 2 {
			continue
		}
		var refs []Ref
		var where []string
		for _, p := range ps {
			refs = append(refs, p.ref(p.Type))
			where = append(where, fmt.Sprintf("%s（%s，%s）", p.Unit, in.Units[p.Unit].Name, p.Type))
		}
		for _, p := range ps {
			w := in.warning(RuleDouble, p.Unit, id)
			w.People = refs
			w.Explanation = fmt.Sprintf("%s（%s）同时在 %d 个单位占编：%s。", p.Name, p.IDMasked, len(ps), strings.Join(where, "、"))
			out = append(out, w)
		}
	}
	return out
}

// Retire (应减未减): a person on establishment who, on the snapshot's date,
// is at or over the statutory retirement age (RetirementDate; the day it
// is reached counts). The deceased are Deceased's.
func Retire(in Input) []Warning {
	var out []Warning
	for _, p := range in.Persons {
		if !p.OnEstablishment(in.Date) || p.Status == StatusDeceased || p.Birth == "" {
			continue
		}
		due := RetirementDate(p.Birth, p.Sex, p.Type)
		if due == "" || due > in.Date {
			continue
		}
		b := date(p.Birth)
		age := RetirementAgeMonths(b.Year(), b.Month(), p.Sex, p.Type)
		w := in.warning(RuleRetire, p.Unit, p.IDHash)
		w.People = []Ref{p.ref(fmt.Sprintf("%s 出生，%s 达到法定退休年龄", p.Birth, due))}
		w.Explanation = fmt.Sprintf("%s（%s，%s，%s）%s 出生，法定退休年龄 %s，于 %s 达到，截至 %s 仍在编（人员状态：%s），应减未减。",
			p.Name, p.IDMasked, p.Sex, p.Type, p.Birth, AgeLabel(age), due, in.Date, p.Status)
		out = append(out, w)
	}
	return out
}

// Deceased (死亡占编): status 死亡 and still on establishment.
func Deceased(in Input) []Warning {
	var out []Warning
	for _, p := range in.Persons {
		if p.Status != StatusDeceased || !p.OnEstablishment(in.Date) {
			continue
		}
		w := in.warning(RuleDeceased, p.Unit, p.IDHash)
		w.People = []Ref{p.ref("")}
		w.Explanation = fmt.Sprintf("%s（%s）人员状态为死亡，截至 %s 仍占用%s，未办理出编。", p.Name, p.IDMasked, in.Date, p.Type)
		out = append(out, w)
	}
	return out
}

// Secondment (超期借用): status 借调, on establishment, and the end date
// before the snapshot's date (the end date itself is still allowed).
func Secondment(in Input) []Warning {
	var out []Warning
	for _, p := range in.Persons {
		if p.Status != StatusSeconded || !p.OnEstablishment(in.Date) || p.Until == "" || p.Until >= in.Date {
			continue
		}
		days := int(date(in.Date).Sub(date(p.Until)).Hours() / 24)
		w := in.warning(RuleSecondment, p.Unit, p.IDHash)
		w.People = []Ref{p.ref("借调至" + p.Host + "，截止 " + p.Until)}
		w.Explanation = fmt.Sprintf("%s（%s）借调至%s，借调截止 %s，截至 %s 已超期 %d 天仍在借调。", p.Name, p.IDMasked, p.Host, p.Until, in.Date, days)
		out = append(out, w)
	}
	return out
}

// Mixed (混编混岗): a person whose establishment type is not the one the
// post or the unit requires, judged from what a roster holds:
//   - in a 机关 (any unit kind but 事业单位), a leader post held by a person
//     on 事业编制 or 工勤编制: leader posts of 机关 are for 行政编制 (or
//     政法专项编制) civil servants;
//   - in a 事业单位, a person on 行政编制 or 政法专项编制: those slots belong
//     to 机关.
func Mixed(in Input) []Warning {
	var out []Warning
	for _, p := range in.Persons {
		u, ok := in.Units[p.Unit]
		if !ok || !p.OnEstablishment(in.Date) {
			continue
		}
		var why string
		admin := p.Type == "行政编制" || p.Type == "政法专项编制"
		switch {
		case u.Kind != "institution" && p.Leader && !admin:
			why = fmt.Sprintf("机关（%s）的领导职务「%s」由%s人员担任，应为行政编制（或政法专项编制）人员。", u.Kind.Label(), p.Post, p.Type)
		case u.Kind == "institution" && admin:
			why = fmt.Sprintf("事业单位中有%s人员（职务「%s」），行政类编制不应在事业单位使用。", p.Type, p.Post)
		default:
			continue
		}
		w := in.warning(RuleMixed, p.Unit, p.IDHash)
		w.Type = p.Type
		w.People = []Ref{p.ref(p.Type)}
		w.Explanation = fmt.Sprintf("%s（%s）：%s", p.Name, p.IDMasked, why)
		out = append(out, w)
	}
	return out
}

// Mismatch (人数不符): for each establishment type the office has on file
// for the unit, the roster's head count on establishment differs from the
// actual count registered with the office (cases.Unit.Establishment
// Actual, what the office's approval and 出入编 records hand down): people
// came or went without the office's registration (三个一致, seed 003).
// Units absent from the roster are not judged.
func Mismatch(in Input) []Warning {
	var out []Warning
	present := map[string]bool{}
	for _, p := range in.Persons {
		present[p.Unit] = true
	}
	_, by := in.onEstablishment()
	codes := make([]string, 0, len(present))
	for c := range present {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, code := range codes {
		u, ok := in.Units[code]
		if !ok {
			continue
		}
		n := counts(by[code])
		for _, e := range u.Establishment {
			if n[e.Type] == e.Actual {
				continue
			}
			w := in.warning(RuleMismatch, code, e.Type)
			w.Type, w.Approved, w.Actual = e.Type, e.Approved, n[e.Type]
			w.Explanation = fmt.Sprintf("编办登记%s核定 %d 名、实有 %d 人，花名册在编 %d 人，相差 %+d 人：人员增减未按规定办理出入编登记。", e.Type, e.Approved, e.Actual, n[e.Type], n[e.Type]-e.Actual)
			out = append(out, w)
		}
	}
	return out
}

// Compare sets each current warning's Change against the previous
// snapshot's warnings (by Key: persisting when prev had it unresolved, new
// otherwise) and appends, as resolved, the previous unresolved warnings
// that no longer occur. A case number found on the previous warning is
// kept.
func Compare(prev, cur []Warning) []Warning {
	before := map[string]Warning{}
	for _, w := range prev {
		if w.Change != Resolved {
			before[w.Key] = w
		}
	}
	now := map[string]bool{}
	out := make([]Warning, 0, len(cur))
	for _, w := range cur {
		now[w.Key] = true
		w.Change = New
		if p, ok := before[w.Key]; ok {
			w.Change = Persisting
			if w.CaseNo == "" {
				w.CaseNo = p.CaseNo
			}
		}
		out = append(out, w)
	}
	for _, w := range prev {
		if w.Change == Resolved || now[w.Key] {
			continue
		}
		w.Change = Resolved
		out = append(out, w)
	}
	return out
}

// Tally counts warnings by rule and by change.
type Tally struct {
	// ByRule counts the current red lights (carried ones too).
	ByRule map[Rule]int `json:"by_rule"`
	// ByChange counts what the import changed: the warnings of the units
	// it covered, carried ones left out.
	ByChange map[Change]int `json:"by_change"`
	// Carried counts the warnings of units the import did not cover,
	// left as they were.
	Carried int `json:"carried"`
}

// Count tallies ws.
func Count(ws []Warning) Tally {
	t := Tally{ByRule: map[Rule]int{}, ByChange: map[Change]int{}}
	for _, w := range ws {
		if w.From != "" {
			t.Carried++
		} else {
			t.ByChange[w.Change]++
		}
		if w.Change != Resolved {
			t.ByRule[w.Rule]++
		}
	}
	return t
}

func itoa(n int) string { return strconv.Itoa(n) }

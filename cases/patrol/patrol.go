// Package patrol holds patrol rounds (巡察轮次): the teams (巡察组) of a
// round, their members and the units each team inspects. The assignment is
// what gives a patrol user access: a member of a team sees the cases and
// briefings of the team's units while the round is current and for a
// grace period after it ends (AccessGraceDays), so that the team can refer
// problems back and read the outcome. Rounds are few (a handful a year):
// the service holds them all in memory and answers a user's units without
// a database read.
package patrol

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"rectify/cases"
)

// AccessGraceDays is how long after a round's last day its teams keep
// access to their units: long enough to refer the problems found and to
// follow the office's handling of them (seed 002: 办理情况及时反馈).
// Access begins when the round is created, not on its first day: the
// briefing (巡察前通报) is read before the patrol goes in.
const AccessGraceDays = 90

// MaxTeams and MaxUnits bound a round, so that a form or a request
// cannot grow a round without limit.
const (
	MaxTeams = 20
	MaxUnits = 50
	// MaxMembers bounds one team's members.
	MaxMembers = 20
)

// Round is one patrol round.
type Round struct {
	ID    string `json:"id"`
	Name  string `json:"name"`  // e.g. 十一届市委第三轮巡察
	Start string `json:"start"` // YYYY-MM-DD, first day of the patrol
	End   string `json:"end"`   // YYYY-MM-DD, last day
	Teams []Team `json:"teams"`

	CreatedBy cases.Actor `json:"created_by"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
	// Version counts the saves: an edit names the version it was made on,
	// so that two editors do not overwrite each other unseen.
	Version int `json:"version"`
}

// Team is one inspection team of a round.
type Team struct {
	ID      string   `json:"id"`      // t1, t2, …: stable within the round
	Name    string   `json:"name"`    // e.g. 市委第一巡察组
	Members []string `json:"members"` // user IDs of patrol users
	Units   []string `json:"units"`   // unit codes the team inspects
}

// Known answers what a round refers to: whether an ID is a patrol user,
// and whether a code is a unit the office may assign.
type Known struct {
	Patrol func(id string) bool
	Unit   func(code string) bool
}

// RoundID is the ID of a round named name: derived from the name, so that
// two rounds of one name collide on the store's unique _id.
func RoundID(name string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(name)))
	return "r" + hex.EncodeToString(h[:8])
}

// Normalize trims the fields, drops empty teams (a blank slot of the
// form), numbers teams without an ID after the highest one, and sorts and
// de-duplicates members and units.
func Normalize(r Round) Round {
	r.Name, r.Start, r.End = strings.TrimSpace(r.Name), strings.TrimSpace(r.Start), strings.TrimSpace(r.End)
	high := 0
	for _, t := range r.Teams {
		var n int
		if _, err := fmt.Sscanf(t.ID, "t%d", &n); err == nil && n > high {
			high = n
		}
	}
	var teams []Team
	for _, t := range r.Teams {
		t.Name = strings.TrimSpace(t.Name)
		t.Members = clean(t.Members)
		t.Units = clean(t.Units)
		if t.Name == "" && len(t.Members) == 0 && len(t.Units) == 0 {
			continue
		}
		if t.ID == "" {
			high++
			t.ID = fmt.Sprintf("t%d", high)
		}
		teams = append(teams, t)
	}
	r.Teams = teams
	return r
}

func clean(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

// Validate checks a normalized round against what is known and returns
// every field error at once. Field names of a team's fields carry its
// position: teams[0].name, teams[0].members, teams[0].units.
func Validate(r Round, k Known) error {
	var fe cases.FieldErrors
	if r.Name == "" {
		fe.Add(cases.Invalid("name", "请填写轮次名称"))
	} else {
		fe.Add(cases.CheckShortText("name", r.Name, true))
	}
	start, errS := time.Parse(time.DateOnly, r.Start)
	if errS != nil {
		fe.Add(cases.Invalid("start", "请填写巡察开始日期（年-月-日）"))
	}
	end, errE := time.Parse(time.DateOnly, r.End)
	if errE != nil {
		fe.Add(cases.Invalid("end", "请填写巡察结束日期（年-月-日）"))
	}
	if errS == nil && errE == nil && end.Before(start) {
		fe.Add(cases.Invalid("end", "结束日期不能早于开始日期"))
	}
	if len(r.Teams) == 0 {
		fe.Add(cases.Invalid("teams", "请至少设置一个巡察组"))
	}
	if len(r.Teams) > MaxTeams {
		fe.Add(cases.Invalid("teams", "一轮巡察至多设置 %d 个巡察组", MaxTeams))
	}
	names := map[string]bool{}
	unitTeam := map[string]string{}
	for i, t := range r.Teams {
		f := fmt.Sprintf("teams[%d].", i)
		if t.Name == "" {
			fe.Add(cases.Invalid(f+"name", "请填写第 %d 组的名称", i+1))
		} else if err := cases.CheckShortText(f+"name", t.Name, true); err != nil {
			fe.Add(err)
		} else if names[t.Name] {
			fe.Add(cases.Invalid(f+"name", "巡察组「%s」重复", t.Name))
		}
		names[t.Name] = true
		switch {
		case len(t.Members) == 0:
			fe.Add(cases.Invalid(f+"members", "请为「%s」选择至少一名巡察组成员", label(t, i)))
		case len(t.Members) > MaxMembers:
			fe.Add(cases.Invalid(f+"members", "一个巡察组至多 %d 名成员", MaxMembers))
		default:
			for _, m := range t.Members {
				if k.Patrol == nil || !k.Patrol(m) {
					fe.Add(cases.Invalid(f+"members", "「%s」不是巡察组账号", m))
					break
				}
			}
		}
		switch {
		case len(t.Units) == 0:
			fe.Add(cases.Invalid(f+"units", "请为「%s」填写至少一个被巡察单位", label(t, i)))
		case len(t.Units) > MaxUnits:
			fe.Add(cases.Invalid(f+"units", "一个巡察组至多巡察 %d 个单位", MaxUnits))
		default:
			var bad []string
			for _, u := range t.Units {
				if k.Unit == nil || !k.Unit(u) {
					bad = append(bad, u)
				} else if other, ok := unitTeam[u]; ok {
					fe.Add(cases.Invalid(f+"units", "单位 %s 已分配给「%s」，同一轮巡察中一个单位只由一个组巡察", u, other))
				} else {
					unitTeam[u] = label(t, i)
				}
			}
			if len(bad) > 0 {
				fe.Add(cases.Invalid(f+"units", "没有这些单位或不在您的管辖范围：%s", strings.Join(bad, "、")))
			}
		}
	}
	return fe.Err()
}

func label(t Team, i int) string {
	if t.Name != "" {
		return t.Name
	}
	return fmt.Sprintf("第 %d 组", i+1)
}

// Grants reports whether the round still gives its teams access on day
// today (YYYY-MM-DD): from its creation until AccessGraceDays after its
// last day.
func Grants(r Round, today string) bool {
	end, err := time.Parse(time.DateOnly, r.End)
	if err != nil {
		return false
	}
	return today <= end.AddDate(0, 0, AccessGraceDays).Format(time.DateOnly)
}

// Status is where a round stands on day today.
func Status(r Round, today string) string {
	switch {
	case today < r.Start:
		return "upcoming"
	case today <= r.End:
		return "current"
	case Grants(r, today):
		return "followup"
	}
	return "closed"
}

// StatusLabel is a status in words.
func StatusLabel(status string) string {
	switch status {
	case "upcoming":
		return "未开始"
	case "current":
		return "巡察中"
	case "followup":
		return "移交反馈期"
	}
	return "已结束"
}

// Membership is one team a user belongs to, with its round.
type Membership struct {
	Round Round
	Team  Team
}

// MembershipsOf lists the teams of rounds that grant access on day today
// in which user is a member, newest round first as rounds are given.
func MembershipsOf(rounds []Round, user, today string) []Membership {
	var out []Membership
	for _, r := range rounds {
		if !Grants(r, today) {
			continue
		}
		for _, t := range r.Teams {
			if slices.Contains(t.Members, user) {
				out = append(out, Membership{Round: r, Team: t})
			}
		}
	}
	return out
}

// UnitsOf is the units a user may see as a patrol member on day today:
// the units of every team they belong to in rounds that grant access,
// sorted. Never nil: a patrol user with no team sees no unit.
func UnitsOf(rounds []Round, user, today string) []string {
	out := []string{}
	for _, m := range MembershipsOf(rounds, user, today) {
		for _, u := range m.Team.Units {
			if !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TeamOf finds a team of a round by ID.
func (r Round) TeamOf(id string) (Team, bool) {
	for _, t := range r.Teams {
		if t.ID == id {
			return t, true
		}
	}
	return Team{}, false
}

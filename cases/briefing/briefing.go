// Package briefing assembles the briefing the office gives a patrol team
// on a unit before the patrol goes in (巡察前通报情况, seed 002): the
// unit's establishment and vacancies, its leader posts, the red lights of
// the last staffing roster, its case history from the ledger, the hotline
// reports and audit clues still being verified (counted, never the
// reporters), the last assessment, and a focus list drawn from the
// inspection checklist and ranked by what the data shows.
//
// Assemble is a pure function of its Input; Build gathers the input from
// the live services through small interfaces, so that the package needs
// neither a database nor the assessment package.
package briefing

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"rectify/cases"
)

// Staffing is what the last staffing roster snapshot says of a unit.
type Staffing struct {
	SnapshotDate string         // YYYY-MM-DD, the snapshot's date
	Actual       map[string]int // people on the roster by establishment type (行政编制, …)
	// LeaderPostsActual is the number of people on leader posts.
	LeaderPostsActual int
	Warnings          []Warning // the snapshot's current red lights
}

// Warning is one red-light warning (预警) of a roster snapshot.
type Warning struct {
	Rule        string // rule name, e.g. overstaffed
	Label       string // the rule in words, e.g. 超编
	Explanation string // what the data shows, in Chinese
	CaseNo      string // the ledger case the office made of it, if any
}

// Clue is a hotline report or audit clue still being verified. It names
// no reporter and carries no facts: a briefing says how many, and of what.
type Clue struct {
	Channel  string // "hotline" or "audit"
	Kind     string // violation kind, when known
	Received string // YYYY-MM-DD
}

// Assessment is the unit's last assessment result.
type Assessment struct {
	Round string // the assessment round's name
	Score float64
	Grade string
	// Weakest are the categories with the lowest share of their maximum,
	// weakest first.
	Weakest []Category
}

// Category is one first-level assessment category's result.
type Category struct {
	Name       string
	Score, Max float64
}

// Input is everything a briefing is made of.
type Input struct {
	Unit  cases.Unit
	Today string // YYYY-MM-DD
	// Cases are the unit's cases in the ledger, any state.
	Cases []cases.Case
	// Light gives a case's traffic light (red: overdue).
	Light func(cases.Case) cases.Light
	// Staffing is nil when no roster snapshot exists.
	Staffing   *Staffing
	Clues      []Clue
	Assessment *Assessment // nil when the unit was never assessed
	Checklist  *Checklist
	// KindName names a violation kind (default: the code).
	KindName func(string) string
	// Location is the office's time zone, in which the dates of the
	// briefing are read (nil: UTC+8, the default office zone).
	Location *time.Location
}

// Briefing is the assembled briefing.
type Briefing struct {
	Unit          cases.Unit
	Date          string
	Establishment []EstablishmentRow
	LeaderPosts   PostsRow
	// SnapshotDate is the roster snapshot's date ("" when none).
	SnapshotDate string
	Warnings     []Warning
	Open         []CaseLine
	Overdue      int
	// Settled are cases closed, dismissed or transferred in the last
	// three years, newest first.
	Settled    []CaseLine
	ByKind     []KindCount
	Clues      []ClueCount
	CluesTotal int
	Assessment *Assessment
	// Focus is the checklist ranked by what the data shows, strongest
	// first; items with nothing pointing to them come last in checklist
	// order.
	Focus []Focus
	// ChecklistVersion is the version of the checklist the focus comes from.
	ChecklistVersion string
}

// Level is the lowest classification the briefing may carry: 秘密 when it
// lists a secret case (its number and title are then in the briefing),
// else 内部. A briefing is never marked below what it contains.
func (b Briefing) Level() cases.Level {
	for _, ls := range [][]CaseLine{b.Open, b.Settled} {
		for _, l := range ls {
			if l.Level == cases.LevelSecret {
				return cases.LevelSecret
			}
		}
	}
	return cases.LevelInternal
}

// EstablishmentRow is one establishment type's figures.
type EstablishmentRow struct {
	Type     string
	Approved int
	Actual   int // as the unit's reference data says
	Vacant   int // approved − actual, when positive
	Over     int // actual − approved, when positive
	// Roster is the head count on the roster snapshot; -1 when none.
	Roster int
}

// PostsRow is the leader posts' figures.
type PostsRow struct {
	Approved, Actual, Over int
	Roster                 int // -1 when no snapshot
}

// CaseLine is one case in the briefing.
type CaseLine struct {
	No, Kind, KindName, Title, State, Deadline string
	Light                                      cases.Light
	Level                                      cases.Level // the case's 密级
	Source                                     string
	Repeat                                     bool
	Closed                                     string // YYYY-MM-DD, for settled cases
}

// KindCount counts a violation kind's cases.
type KindCount struct {
	Kind, Name    string
	Open, Settled int
}

// ClueCount counts clues of one channel and kind.
type ClueCount struct {
	Channel, ChannelName, Kind, KindName string
	N                                    int
}

// Focus is a checklist item with why it ranks where it does.
type Focus struct {
	Code, Area, AreaName, Text string
	Score                      int
	Reason                     string // in Chinese; "" when nothing points here
}

// ChannelName names a clue channel.
func ChannelName(ch string) string {
	switch ch {
	case "hotline":
		return "12310举报"
	case "audit":
		return "审计移送线索"
	}
	return ch
}

// historyYears is how far back settled cases are listed.
const historyYears = 3

// Assemble builds the briefing from its input.
func Assemble(in Input) Briefing {
	name := in.KindName
	if name == nil {
		name = func(k string) string { return k }
	}
	b := Briefing{Unit: in.Unit, Date: in.Today, Assessment: in.Assessment}
	if in.Checklist != nil {
		b.ChecklistVersion = in.Checklist.Version
	}
	roster := func(t string) int { return -1 }
	b.LeaderPosts = PostsRow{Approved: in.Unit.LeaderPosts.Approved, Actual: in.Unit.LeaderPosts.Actual, Roster: -1}
	if st := in.Staffing; st != nil {
		b.SnapshotDate, b.Warnings = st.SnapshotDate, st.Warnings
		roster = func(t string) int { return st.Actual[t] }
		b.LeaderPosts.Roster = st.LeaderPostsActual
	}
	// The roster, when there is one, is the later and finer word, for
	// leader posts as for the establishment (as the unit page reads it).
	leaders := b.LeaderPosts.Actual
	if b.LeaderPosts.Roster >= 0 {
		leaders = b.LeaderPosts.Roster
	}
	b.LeaderPosts.Over = max(0, leaders-b.LeaderPosts.Approved)
	for _, e := range in.Unit.Establishment {
		r := EstablishmentRow{Type: e.Type, Approved: e.Approved, Actual: e.Actual, Roster: roster(e.Type)}
		// The roster, when there is one, is the later and finer word.
		actual := e.Actual
		if r.Roster >= 0 {
			actual = r.Roster
		}
		r.Vacant, r.Over = max(0, e.Approved-actual), max(0, actual-e.Approved)
		b.Establishment = append(b.Establishment, r)
	}

	today, _ := time.Parse(time.DateOnly, in.Today)
	since := today.AddDate(-historyYears, 0, 0)
	kinds := map[string]*KindCount{}
	kindOf := func(k string) *KindCount {
		if kinds[k] == nil {
			kinds[k] = &KindCount{Kind: k, Name: name(k)}
		}
		return kinds[k]
	}
	sig := signals{kinds: map[string]kindSignal{}}
	for _, c := range in.Cases {
		l := CaseLine{No: c.No, Kind: c.Kind, KindName: name(c.Kind), Title: c.Title, State: c.State.Label(), Deadline: c.Deadline,
			Source: c.Source, Repeat: len(c.RepeatOf) > 0, Level: c.Level}
		ks := sig.kinds[c.Kind]
		if c.State.Open() {
			if in.Light != nil {
				l.Light = in.Light(c)
			}
			b.Open = append(b.Open, l)
			kindOf(c.Kind).Open++
			ks.open++
			if l.Light == cases.LightRed {
				b.Overdue++
				ks.overdue++
				sig.overdue++
			}
			if l.Repeat {
				ks.repeat++
				sig.repeat++
			}
			switch c.Source {
			case "patrol", "audit":
				sig.referredOpen++
			case "hotline":
				sig.hotlineOpen++
			case "assessment":
				sig.assessmentOpen++
			}
		} else {
			at := c.ClosedAt
			if at.IsZero() {
				at = c.UpdatedAt
			}
			if at.Before(since) {
				sig.kinds[c.Kind] = ks
				continue
			}
			l.Closed = cases.Day(at, in.Location)
			b.Settled = append(b.Settled, l)
			kindOf(c.Kind).Settled++
			ks.settled++
		}
		sig.kinds[c.Kind] = ks
	}
	sort.SliceStable(b.Open, func(i, j int) bool { return b.Open[i].No < b.Open[j].No })
	sort.SliceStable(b.Settled, func(i, j int) bool { return b.Settled[i].Closed > b.Settled[j].Closed })
	for _, k := range kinds {
		b.ByKind = append(b.ByKind, *k)
	}
	slices.SortFunc(b.ByKind, func(a, c KindCount) int { return strings.Compare(a.Kind, c.Kind) })

	clues := map[[2]string]int{}
	for _, c := range in.Clues {
		clues[[2]string{c.Channel, c.Kind}]++
		ks := sig.kinds[c.Kind]
		ks.clues++
		sig.kinds[c.Kind] = ks
		if c.Channel == "hotline" {
			sig.hotlineClues++
		} else {
			sig.auditClues++
		}
	}
	for k, n := range clues {
		kn := ""
		if k[1] != "" {
			kn = name(k[1])
		}
		b.Clues = append(b.Clues, ClueCount{Channel: k[0], ChannelName: ChannelName(k[0]), Kind: k[1], KindName: kn, N: n})
		b.CluesTotal += n
	}
	slices.SortFunc(b.Clues, func(a, c ClueCount) int {
		return strings.Compare(a.Channel+"\x00"+a.Kind, c.Channel+"\x00"+c.Kind)
	})

	sig.rules = map[string]int{}
	for _, w := range b.Warnings {
		sig.rules[w.Rule]++
	}
	for _, e := range b.Establishment {
		if e.Over > 0 {
			sig.overEst = true
		}
	}
	sig.overPosts = b.LeaderPosts.Over > 0
	sig.assessment = in.Assessment
	if in.Checklist != nil {
		b.Focus = rank(in.Checklist, sig, name)
	}
	return b
}

// kindSignal counts what the data shows of one violation kind.
type kindSignal struct{ open, overdue, repeat, settled, clues int }

// signals is what the data shows, as the ranking reads it.
type signals struct {
	kinds                                   map[string]kindSignal
	rules                                   map[string]int
	overdue, repeat                         int
	referredOpen, hotlineOpen, hotlineClues int
	auditClues, assessmentOpen              int
	overEst, overPosts                      bool
	assessment                              *Assessment
}

// Weights of the ranking: what is open and overdue weighs most, then red
// lights and repeats, then clues being verified, then history.
const (
	wOpen     = 3
	wOverdue  = 2 // on top of wOpen
	wWarning  = 3
	wRepeat   = 2
	wClue     = 2
	wSettled  = 1
	wFigures  = 3 // the unit's own figures show it over quota or posts
	wWeakArea = 2
)

// rank scores every checklist item and orders them by score, ties in
// checklist order, each with its reason.
func rank(cl *Checklist, s signals, name func(string) string) []Focus {
	var out []Focus
	for _, it := range cl.Items {
		f := Focus{Code: it.Code, Area: it.Area, AreaName: cl.AreaName(it.Area), Text: it.Text}
		var why []string
		var open, overdue, repeat, settled, clues int
		for _, k := range it.Kinds {
			ks := s.kinds[k]
			open, overdue, repeat, settled, clues = open+ks.open, overdue+ks.overdue, repeat+ks.repeat, settled+ks.settled, clues+ks.clues
		}
		add := func(n, w int, format string) {
			if n > 0 {
				f.Score += n * w
				why = append(why, fmt.Sprintf(format, n))
			}
		}
		add(open, wOpen, "在办问题%d件")
		add(overdue, wOverdue, "其中逾期%d件")
		add(repeat, wRepeat, "屡查屡犯%d件")
		add(clues, wClue, "待核实线索%d条")
		add(settled, wSettled, "近三年已办结%d件")
		warnings := 0
		for _, r := range it.Rules {
			warnings += s.rules[r]
		}
		add(warnings, wWarning, "实名制数据红灯预警%d条")
		if s.overEst && slices.ContainsFunc(it.Rules, func(r string) bool { return r == "overstaffed" }) && warnings == 0 {
			f.Score += wFigures
			why = append(why, "核定编制与实有人数对比显示超编")
		}
		if s.overPosts && slices.Contains(it.Rules, "over_posts") && warnings == 0 {
			f.Score += wFigures
			why = append(why, "领导职数实配超过核定")
		}
		for _, sg := range it.Signals {
			switch sg {
			case "overdue":
				add(s.overdue, wOpen, "逾期未整改问题%d件")
			case "repeat":
				add(s.repeat, wOpen, "销号后再次发生的问题%d件")
			case "referred":
				add(s.referredOpen, wOpen, "巡察移交、审计移送问题在办%d件")
				add(s.auditClues, wClue, "审计移送线索待认定%d条")
			case "hotline":
				add(s.hotlineOpen, wOpen, "12310举报问题在办%d件")
				add(s.hotlineClues, wClue, "12310举报待核实%d件")
			case "assessment":
				add(s.assessmentOpen, wOpen, "评估发现问题在办%d件")
				if a := s.assessment; a != nil && len(a.Weakest) > 0 {
					f.Score += wWeakArea
					why = append(why, fmt.Sprintf("%s评估得分最弱项：%s", a.Round, a.Weakest[0].Name))
				}
			}
		}
		f.Reason = strings.Join(why, "；")
		out = append(out, f)
	}
	slices.SortStableFunc(out, func(a, b Focus) int { return b.Score - a.Score })
	return out
}

// TopFocus returns the items with something pointing to them, at most n,
// strongest first; when none has, the first item of each area, so that a
// team always has somewhere to begin.
func (b Briefing) TopFocus(n int) []Focus {
	var out []Focus
	for _, f := range b.Focus {
		if f.Score > 0 && len(out) < n {
			out = append(out, f)
		}
	}
	if len(out) > 0 {
		return out
	}
	seen := map[string]bool{}
	for _, f := range b.Focus {
		if !seen[f.Area] {
			seen[f.Area] = true
			out = append(out, f)
		}
	}
	return out
}

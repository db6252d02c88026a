package patrol_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"rectify/cases"
	"rectify/cases/patrol"
)

var known = patrol.Known{
	Patrol: func(id string) bool { return id == "zhou.qiang" || id == "wu.gang" },
	Unit:   func(code string) bool { return code == "QH001" || code == "QH002" || code == "YZ006" },
}

func round() patrol.Round {
	return patrol.Round{Name: "十一届市委第三轮巡察", Start: "2026-03-02", End: "2026-05-29", Teams: []patrol.Team{
		{Name: "市委第一巡察组", Members: []string{"zhou.qiang"}, Units: []string{"QH001", "YZ006"}},
		{Name: "市委第二巡察组", Members: []string{"wu.gang"}, Units: []string{"QH002"}},
	}}
}

func fields(err error) []string {
	e, ok := cases.AsError(err)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*patrol.Round)
		want []string
	}{
		{"OK", func(*patrol.Round) {}, nil},
		{"ErrEveryFieldAtOnce", func(r *patrol.Round) {
			r.Name, r.Start, r.End = "", "3月2日", ""
			r.Teams[0].Name, r.Teams[0].Members = "", nil
			r.Teams[1].Units = []string{"NOPE"}
		}, []string{"name", "start", "end", "teams[0].name", "teams[0].members", "teams[1].units"}},
		{"ErrEndBeforeStart", func(r *patrol.Round) { r.End = "2026-03-01" }, []string{"end"}},
		{"OKOneDayRound", func(r *patrol.Round) { r.End = r.Start }, nil},
		{"ErrNotAPatrolUser", func(r *patrol.Round) { r.Teams[1].Members = []string{"li.ming"} }, []string{"teams[1].members"}},
		{"ErrUnitInTwoTeams", func(r *patrol.Round) { r.Teams[1].Units = []string{"QH001"} }, []string{"teams[1].units"}},
		{"ErrDuplicateTeamName", func(r *patrol.Round) { r.Teams[1].Name = r.Teams[0].Name }, []string{"teams[1].name"}},
		{"ErrNoTeams", func(r *patrol.Round) { r.Teams = nil }, []string{"teams"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := round()
			tc.edit(&r)
			got := fields(patrol.Validate(patrol.Normalize(r), known))
			if !slices.Equal(got, tc.want) {
				t.Errorf("fields %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	r := round()
	r.Teams[0].ID = "t4"
	r.Teams = append(r.Teams, patrol.Team{Name: " "}) // the form's blank slot
	r.Teams[1].Units = []string{" QH002", "QH002", ""}
	got := patrol.Normalize(r)
	if len(got.Teams) != 2 || got.Teams[0].ID != "t4" || got.Teams[1].ID != "t5" {
		t.Fatalf("teams %+v", got.Teams)
	}
	if !slices.Equal(got.Teams[1].Units, []string{"QH002"}) {
		t.Errorf("units %v", got.Teams[1].Units)
	}
}

// TestAccessWindow: a round grants access from its creation (before its
// first day, for the briefing) until AccessGraceDays after its last day.
func TestAccessWindow(t *testing.T) {
	r := patrol.Normalize(round())
	for _, tc := range []struct {
		today  string
		grants bool
		status string
	}{
		{"2026-02-20", true, "upcoming"},
		{"2026-03-02", true, "current"},
		{"2026-05-29", true, "current"},
		{"2026-05-30", true, "followup"},
		{"2026-08-27", true, "followup"}, // 90 days after 05-29
		{"2026-08-28", false, "closed"},
	} {
		if got := patrol.Grants(r, tc.today); got != tc.grants {
			t.Errorf("%s: grants %v, want %v", tc.today, got, tc.grants)
		}
		if got := patrol.Status(r, tc.today); got != tc.status {
			t.Errorf("%s: status %s, want %s", tc.today, got, tc.status)
		}
	}
}

func TestUnitsOf(t *testing.T) {
	old := round()
	old.Name, old.Start, old.End = "第二轮", "2025-03-01", "2025-04-30"
	old.Teams[0].Units = []string{"QH002"}
	now := round()
	now.Teams[0].Units = []string{"YZ006", "QH001"}
	rounds := []patrol.Round{patrol.Normalize(now), patrol.Normalize(old)}
	for _, tc := range []struct {
		user, today string
		want        []string
	}{
		{"zhou.qiang", "2026-04-01", []string{"QH001", "YZ006"}},
		{"zhou.qiang", "2025-04-01", []string{"QH001", "QH002", "YZ006"}}, // both rounds grant
		{"wu.gang", "2026-04-01", []string{"QH002"}},
		{"li.ming", "2026-04-01", []string{}},
		{"zhou.qiang", "2027-01-01", []string{}},
	} {
		if got := patrol.UnitsOf(rounds, tc.user, tc.today); !slices.Equal(got, tc.want) || got == nil {
			t.Errorf("%s on %s: %v, want %v", tc.user, tc.today, got, tc.want)
		}
	}
}

// memStore is an in-memory Store for the service tests.
type memStore struct {
	mu     sync.Mutex
	rounds map[string]patrol.Round
	sent   []patrol.Sent
}

func (m *memStore) AllPatrolRounds(context.Context) ([]patrol.Round, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []patrol.Round
	for _, r := range m.rounds {
		out = append(out, r)
	}
	return out, nil
}

func (m *memStore) InsertPatrolRound(_ context.Context, r patrol.Round) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.rounds[r.ID]; ok {
		return cases.Conflict("exists")
	}
	m.rounds[r.ID] = r
	return nil
}

func (m *memStore) PutPatrolRound(_ context.Context, r patrol.Round) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rounds[r.ID] = r
	return nil
}

func (m *memStore) AllSentBriefings(context.Context) ([]patrol.Sent, error) { return m.sent, nil }

func (m *memStore) InsertSentBriefing(_ context.Context, s patrol.Sent) error {
	m.sent = append(m.sent, s)
	return nil
}

func TestServiceSavesAndIndexes(t *testing.T) {
	ctx := context.Background()
	st := &memStore{rounds: map[string]patrol.Round{}}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s, err := patrol.Open(ctx, patrol.Config{Store: st, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	office := cases.Actor{ID: "li.ming", Role: cases.RoleOffice}
	r, err := s.Create(ctx, office, round(), known)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, office, round(), known); cases.ErrorCode(err) != cases.ECONFLICT {
		t.Errorf("second round of one name: %v", err)
	}
	if got := s.UnitsOf("zhou.qiang", "2026-03-10"); !slices.Equal(got, []string{"QH001", "YZ006"}) {
		t.Errorf("units %v", got)
	}
	r.Teams[0].Units = []string{"QH001"}
	r.Name = "改名"
	if _, err := s.Update(ctx, office, r, r.Version, known); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Round(r.ID)
	if got.Name != "十一届市委第三轮巡察" || got.Version != 2 {
		t.Errorf("after update: %q v%d", got.Name, got.Version)
	}
	if _, err := s.Update(ctx, office, r, 1, known); cases.ErrorCode(err) != cases.ECONFLICT {
		t.Errorf("stale edit: %v", err)
	}
	if got := s.UnitsOf("zhou.qiang", "2026-03-10"); !slices.Equal(got, []string{"QH001"}) {
		t.Errorf("units after edit %v", got)
	}
	bad := r
	bad.Teams[0].Members = nil
	if _, err := s.Update(ctx, office, bad, 2, known); cases.ErrorCode(err) != cases.EINVALID || !strings.Contains(err.Error(), "成员") {
		t.Errorf("bad edit: %v", err)
	}
	again, err := patrol.Open(ctx, patrol.Config{Store: st})
	if err != nil || len(again.Rounds()) != 1 {
		t.Fatalf("reopen: %v", err)
	}
}

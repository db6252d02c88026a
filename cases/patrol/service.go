package patrol

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"time"

	"rectify/cases"
)

// Sent is a briefing as the office sent it to a team: the PDF is kept
// write-once in the blob store under Key, so that what a team received
// stays as it was whatever the live data says later.
type Sent struct {
	ID       string      `json:"id"`
	RoundID  string      `json:"round_id"`
	TeamID   string      `json:"team_id"`
	Unit     string      `json:"unit_code"`
	UnitName string      `json:"unit_name"`
	Level    cases.Level `json:"level"` // the classification it was marked with
	Key      string      `json:"-"`     // blob key of the PDF
	SHA256   string      `json:"sha256"`
	Size     int         `json:"size"`
	SentBy   cases.Actor `json:"sent_by"`
	SentAt   time.Time   `json:"sent_at"`
}

// Store keeps rounds and sent briefings. Both are small collections read
// whole at start-up; writes go by _id.
type Store interface {
	// AllPatrolRounds reads every round.
	AllPatrolRounds(ctx context.Context) ([]Round, error)
	// InsertPatrolRound records a new round; ECONFLICT if its ID exists.
	InsertPatrolRound(ctx context.Context, r Round) error
	// PutPatrolRound replaces a recorded round; ENOTFOUND if it is not.
	PutPatrolRound(ctx context.Context, r Round) error
	// AllSentBriefings reads every sent briefing's record.
	AllSentBriefings(ctx context.Context) ([]Sent, error)
	// InsertSentBriefing records a sent briefing; ECONFLICT if its ID exists.
	InsertSentBriefing(ctx context.Context, s Sent) error
}

// Config wires a Service.
type Config struct {
	Store Store
	Now   func() time.Time // default time.Now
}

// Service keeps the rounds in memory and saves changes through the store.
// One process writes rounds at a time (the office's console); the index
// is replaced on every change this process makes.
type Service struct {
	cfg    Config
	write  sync.Mutex // serializes saves: FerretDB's replace is not atomic
	mu     sync.RWMutex
	rounds []Round // newest start first
	sent   []Sent  // oldest first
}

// Open loads the rounds and sent briefings.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{cfg: cfg}
	rs, err := cfg.Store.AllPatrolRounds(ctx)
	if err != nil {
		return nil, fmt.Errorf("load patrol rounds: %w", err)
	}
	sent, err := cfg.Store.AllSentBriefings(ctx)
	if err != nil {
		return nil, fmt.Errorf("load sent briefings: %w", err)
	}
	slices.SortFunc(sent, func(a, b Sent) int { return a.SentAt.Compare(b.SentAt) })
	s.rounds, s.sent = sortRounds(rs), sent
	return s, nil
}

func sortRounds(rs []Round) []Round {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b Round) int {
		if a.Start != b.Start {
			if a.Start > b.Start {
				return -1
			}
			return 1
		}
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	return rs
}

// Rounds lists every round, newest start first.
func (s *Service) Rounds() []Round {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.rounds)
}

// Round reads one round; ENOTFOUND if there is none.
func (s *Service) Round(id string) (Round, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, r := range s.rounds {
		if r.ID == id {
			return r, nil
		}
	}
	return Round{}, cases.NotFound("没有此巡察轮次")
}

// UnitsOf is the units user may see as a patrol member on day today.
func (s *Service) UnitsOf(user, today string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return UnitsOf(s.rounds, user, today)
}

// MembershipsOf lists user's teams in rounds that grant access on today.
func (s *Service) MembershipsOf(user, today string) []Membership {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return MembershipsOf(s.rounds, user, today)
}

// Create records a new round. A round of the same name is a conflict.
func (s *Service) Create(ctx context.Context, actor cases.Actor, r Round, k Known) (Round, error) {
	r = Normalize(r)
	if err := Validate(r, k); err != nil {
		return Round{}, err
	}
	now := s.cfg.Now().UTC()
	r.ID, r.CreatedBy, r.CreatedAt, r.UpdatedAt, r.Version = RoundID(r.Name), actor, now, now, 1
	s.write.Lock()
	defer s.write.Unlock()
	if err := s.cfg.Store.InsertPatrolRound(ctx, r); err != nil {
		if cases.ErrorCode(err) == cases.ECONFLICT {
			return Round{}, cases.Conflict("已有名为「%s」的巡察轮次", r.Name)
		}
		return Round{}, fmt.Errorf("record patrol round %s: %w", r.Name, err)
	}
	s.replace(r)
	return r, nil
}

// Update saves an edited round made on version (ECONFLICT if the round
// changed since). The name fixes the round's ID and cannot change;
// teams keep their IDs, new ones are numbered after them.
func (s *Service) Update(ctx context.Context, actor cases.Actor, r Round, version int, k Known) (Round, error) {
	s.write.Lock()
	defer s.write.Unlock()
	old, err := s.Round(r.ID)
	if err != nil {
		return Round{}, err
	}
	if old.Version != version {
		return Round{}, cases.Conflict("该巡察轮次已被他人修改，请刷新后重试")
	}
	r.Name = old.Name
	r = Normalize(r)
	if err := Validate(r, k); err != nil {
		return Round{}, err
	}
	r.CreatedBy, r.CreatedAt, r.UpdatedAt, r.Version = old.CreatedBy, old.CreatedAt, s.cfg.Now().UTC(), old.Version+1
	if err := s.cfg.Store.PutPatrolRound(ctx, r); err != nil {
		return Round{}, fmt.Errorf("save patrol round %s: %w", r.Name, err)
	}
	s.replace(r)
	return r, nil
}

func (s *Service) replace(r Round) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := slices.DeleteFunc(slices.Clone(s.rounds), func(x Round) bool { return x.ID == r.ID })
	s.rounds = sortRounds(append(rs, r))
}

// NewSentID returns a fresh ID for a sent briefing.
func NewSentID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "b" + hex.EncodeToString(b)
}

// RecordSent records a briefing sent to a team, after its PDF is stored.
func (s *Service) RecordSent(ctx context.Context, b Sent) error {
	if err := s.cfg.Store.InsertSentBriefing(ctx, b); err != nil {
		return fmt.Errorf("record sent briefing %s: %w", b.ID, err)
	}
	s.mu.Lock()
	s.sent = append(s.sent, b)
	s.mu.Unlock()
	return nil
}

// SentTo lists the briefings sent to a team of a round, oldest first.
func (s *Service) SentTo(roundID, teamID string) []Sent {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Sent
	for _, b := range s.sent {
		if b.RoundID == roundID && b.TeamID == teamID {
			out = append(out, b)
		}
	}
	return out
}

// SentBriefing reads one sent briefing's record; ENOTFOUND if none.
func (s *Service) SentBriefing(id string) (Sent, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, b := range s.sent {
		if b.ID == id {
			return b, nil
		}
	}
	return Sent{}, cases.NotFound("没有此通报材料")
}

package assessment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"rectify/cases"
)

// Ledger is what the assessment needs of the case ledger
// (*cases.Service implements it).
type Ledger interface {
	AllCases(ctx context.Context, f cases.CaseFilter) ([]cases.Case, error)
	Case(ctx context.Context, scope cases.Scope, no string) (cases.Case, error)
	RegisterFrom(ctx context.Context, scope cases.Scope, actor cases.Actor, r cases.Registration, key, origin string) (cases.Case, bool, error)
}

// Config configures a Service.
type Config struct {
	Store  Store
	Ledger Ledger
	// Kinds are the ledger's violation kind codes, which catalogues are
	// validated against.
	Kinds []string
	Rules Rules
	Now   func() time.Time
}

// Service runs rounds over a Store and the ledger.
type Service struct {
	store  Store
	ledger Ledger
	kinds  []string
	rules  Rules
	now    func() time.Time

	mu       sync.Mutex
	catalogs map[string]*Catalog
}

// NewService checks the rules and every built-in catalogue.
func NewService(cfg Config) (*Service, error) {
	if cfg.Rules.Grades == nil {
		cfg.Rules = DefaultRules()
	}
	if err := cfg.Rules.Check(); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{store: cfg.Store, ledger: cfg.Ledger, kinds: cfg.Kinds, rules: cfg.Rules, now: cfg.Now, catalogs: map[string]*Catalog{}}
	for _, v := range CatalogVersions() {
		if _, err := s.Catalog(v); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Rules returns the service's aggregation and grading rules.
func (s *Service) Rules() Rules { return s.rules }

// Catalog returns a built-in catalogue, validated.
func (s *Service) Catalog(version string) (*Catalog, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.catalogs[version]; ok {
		return c, nil
	}
	c, err := LoadCatalog(version, s.kinds)
	if err != nil {
		return nil, err
	}
	s.catalogs[version] = c
	return c, nil
}

func catalogDigest(version string) string {
	b, _ := builtinFS.ReadFile("catalog/" + version + ".json")
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hasRole(a cases.Actor, roles ...cases.Role) bool {
	for _, r := range roles {
		if a.Role == r {
			return true
		}
	}
	return false
}

// CreateRound opens the round of a year in the organising office's region
// (a region key) on a catalogue version (the year's own when empty).
// Office and admin only; one round a year per region.
func (s *Service) CreateRound(ctx context.Context, actor cases.Actor, region string, year int, version string) (Round, error) {
	if !hasRole(actor, cases.RoleOffice, cases.RoleAdmin) {
		return Round{}, cases.Refused("role", "评估轮次须由监督检查处室创建")
	}
	var fe cases.FieldErrors
	if strings.TrimSpace(region) == "" {
		fe.Add(cases.Invalid("region", "评估轮次须属于组织评估的编办所在地区"))
	}
	if year < 2000 || year > 2100 {
		fe.Add(cases.Invalid("year", "年度须为 2000 至 2100 之间的年份"))
	}
	if version == "" {
		version = strconv.Itoa(year)
		if _, err := s.Catalog(version); err != nil {
			vs := CatalogVersions()
			version = vs[len(vs)-1]
		}
	}
	cat, err := s.Catalog(version)
	if err != nil {
		fe.Add(cases.Invalid("catalog", "评估指标体系 %s 不存在或不能使用", version))
	}
	if err := fe.Err(); err != nil {
		return Round{}, err
	}
	r := Round{
		ID: RoundID(year, region), Year: year, Region: region, Catalog: cat.Version, CatalogDigest: catalogDigest(version),
		Title: fmt.Sprintf("%d年度“三评合一”评估", year), CreatedBy: actor, CreatedAt: cases.TruncateTime(s.now()),
	}
	if err := s.store.InsertRound(ctx, r); err != nil {
		if cases.ErrorCode(err) == cases.ECONFLICT {
			return Round{}, cases.Conflict("%s%d年度的评估轮次已经存在", regionName(region), year)
		}
		return Round{}, fmt.Errorf("create round %d: %w", year, err)
	}
	if _, err := s.appendEvent(ctx, r.ID, EventCreate, actor, "", ""); err != nil {
		return Round{}, err
	}
	return r, nil
}

// regionName is the last node of a region key: "江南省/云州市" → "云州市".
func regionName(key string) string { return key[strings.LastIndex(key, "/")+1:] }

func (s *Service) appendEvent(ctx context.Context, round, kind string, actor cases.Actor, reason, digest string) (Event, error) {
	es, err := s.store.FindEvents(ctx, round)
	if err != nil {
		return Event{}, fmt.Errorf("round %s events: %w", round, err)
	}
	if err := CheckEvents(es); err != nil {
		return Event{}, err
	}
	e := Event{Round: round, Seq: len(es) + 1, Kind: kind, Actor: actor, Reason: reason, Digest: digest, At: cases.TruncateTime(s.now())}
	if len(es) > 0 {
		e.Prev = es[len(es)-1].Hash
	}
	e.Hash = EventHash(e)
	if err := s.store.AppendEvent(ctx, e); err != nil {
		if cases.ErrorCode(err) == cases.ECONFLICT {
			return Event{}, cases.Conflict("评估轮次 %s 刚被他人更新，请刷新后重试", round)
		}
		return Event{}, fmt.Errorf("round %s %s: %w", round, kind, err)
	}
	return e, nil
}

// RoundState is a round with its catalogue, events and units.
type RoundState struct {
	Round     Round
	Catalog   *Catalog
	Events    []Event
	Finalised bool
	Units     []RoundUnit
}

// Round loads a round's state; its catalogue must be the one it froze.
func (s *Service) Round(ctx context.Context, id string) (RoundState, error) {
	r, err := s.store.FindRound(ctx, id)
	if err != nil {
		return RoundState{}, err
	}
	if d := catalogDigest(r.Catalog); d != r.CatalogDigest {
		return RoundState{}, &cases.Error{Code: cases.ECORRUPT, Message: fmt.Sprintf("评估轮次 %s 使用的指标体系 %s 已被改动，已定稿的指标体系不能修改", id, r.Catalog)}
	}
	cat, err := s.Catalog(r.Catalog)
	if err != nil {
		return RoundState{}, err
	}
	es, err := s.store.FindEvents(ctx, id)
	if err != nil {
		return RoundState{}, fmt.Errorf("round %s events: %w", id, err)
	}
	if err := CheckEvents(es); err != nil {
		return RoundState{}, err
	}
	us, err := s.store.FindUnits(ctx, id)
	if err != nil {
		return RoundState{}, fmt.Errorf("round %s units: %w", id, err)
	}
	sort.Slice(us, func(i, j int) bool { return us[i].Unit < us[j].Unit })
	return RoundState{Round: r, Catalog: cat, Events: es, Finalised: Finalised(es), Units: us}, nil
}

// Unit returns one unit of the round.
func (st RoundState) Unit(code string) (RoundUnit, bool) {
	for _, u := range st.Units {
		if u.Unit == code {
			return u, true
		}
	}
	return RoundUnit{}, false
}

// Rounds lists every round, newest first.
func (s *Service) Rounds(ctx context.Context) ([]RoundState, error) {
	rs, err := s.store.FindRounds(ctx)
	if err != nil {
		return nil, fmt.Errorf("rounds: %w", err)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Year > rs[j].Year })
	out := make([]RoundState, 0, len(rs))
	for _, r := range rs {
		st, err := s.Round(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func refuseFinalised(st RoundState) error {
	if st.Finalised {
		return cases.Refused("finalised", "%s已定稿，修改须先由分管领导说明理由重新打开", st.Round.Title)
	}
	return nil
}

// Account is what the service needs to know of a person assigned as a
// reviewer.
type Account struct {
	ID       string
	Name     string
	Roles    []cases.Role
	UnitCode string
	Disabled bool
}

// SetUnit adds a unit to a round or changes its reviewers and individual
// indicators: at least two distinct reviewers, each with the reviewer role
// and none bound to the assessed unit; individual codes from the
// catalogue's library. Office and admin only, before finalisation.
func (s *Service) SetUnit(ctx context.Context, actor cases.Actor, round string, unit cases.Unit, reviewers []Account, individual []string) (RoundUnit, error) {
	if !hasRole(actor, cases.RoleOffice, cases.RoleAdmin) {
		return RoundUnit{}, cases.Refused("role", "评估单位和评估人员须由监督检查处室安排")
	}
	st, err := s.Round(ctx, round)
	if err != nil {
		return RoundUnit{}, err
	}
	if err := refuseFinalised(st); err != nil {
		return RoundUnit{}, err
	}
	var fe cases.FieldErrors
	seen := map[string]bool{}
	var rs []Reviewer
	for _, a := range reviewers {
		switch {
		case seen[a.ID]:
			continue
		case a.Disabled:
			fe.Add(cases.Invalid("reviewers", "账号 %s 已停用，不能担任评估人员", a.ID))
		case !containsRole(a.Roles, cases.RoleReviewer):
			fe.Add(cases.Invalid("reviewers", "%s（%s）不是评估人员", a.Name, a.ID))
		case a.UnitCode != "" && a.UnitCode == unit.Code:
			fe.Add(cases.Invalid("reviewers", "%s（%s）属于被评估单位，须回避", a.Name, a.ID))
		}
		seen[a.ID] = true
		rs = append(rs, Reviewer{ID: a.ID, Name: a.Name})
	}
	if len(rs) < 2 {
		fe.Add(cases.Invalid("reviewers", "每个被评估单位至少安排两名评估人员"))
	}
	var ind []string
	dup := map[string]bool{}
	for _, code := range individual {
		code = strings.TrimSpace(code)
		if code == "" || dup[code] {
			continue
		}
		dup[code] = true
		if p, ok := st.Catalog.Point(code); !ok || !p.Individual {
			fe.Add(cases.Invalid("individual", "个性指标 %s 不在指标库中", code))
			continue
		}
		ind = append(ind, code)
	}
	sort.Strings(ind)
	if err := fe.Err(); err != nil {
		return RoundUnit{}, err
	}
	ru := RoundUnit{Round: round, Unit: unit.Code, UnitName: unit.Name, Kind: string(unit.Kind), Reviewers: rs, Individual: ind,
		UpdatedBy: actor.ID, UpdatedAt: cases.TruncateTime(s.now())}
	if err := s.store.PutUnit(ctx, ru); err != nil {
		return RoundUnit{}, fmt.Errorf("round %s unit %s: %w", round, unit.Code, err)
	}
	return ru, nil
}

func containsRole(rs []cases.Role, r cases.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// Row is one point of a unit's sheet with everything known about it.
type Row struct {
	Point     Point
	Scores    map[string]Score // by reviewer
	Proposals []Proposal
	Proposed  float64 // the ledger's proposed deduction
	Mean      float64
	Diverges  bool
	Consensus *Consensus
	Final     float64 // the consensus, else the mean
	Complete  bool    // every reviewer scored it
	Finding   *Finding
}

// Scored reports whether any reviewer has scored the point or a
// consensus settled it.
func (r Row) Scored() bool { return len(r.Scores) > 0 || r.Consensus != nil }

// NeedsConsensus reports a diverging point without a consensus.
func (r Row) NeedsConsensus() bool { return r.Diverges && r.Consensus == nil }

// Lost reports whether the point lost marks.
func (r Row) Lost() bool { return r.Complete && r.Final < r.Point.Max }

// Sheet is one unit's scoring sheet in a round.
type Sheet struct {
	State RoundState
	Unit  RoundUnit
	Rows  []Row
	// Scored counts the points each reviewer has scored.
	Scored map[string]int
}

// Row returns the row of a point.
func (sh Sheet) Row(point string) (Row, bool) {
	for _, r := range sh.Rows {
		if r.Point.Code == point {
			return r, true
		}
	}
	return Row{}, false
}

// Standing computes the unit's result from the sheet (rank not set). Only
// a unit with every point scored has a grade (Graded).
func (sh Sheet) Standing(rules Rules) Standing {
	scores := map[string]float64{}
	st := Standing{Unit: sh.Unit.Unit, UnitName: sh.Unit.UnitName, Kind: sh.Unit.Kind, Points: len(sh.Rows), ScoredCategories: map[string]bool{}}
	for _, r := range sh.Rows {
		scores[r.Point.Code] = r.Final
		if r.Scored() {
			st.Scored++
			st.ScoredCategories[r.Point.Category] = true
		}
	}
	st.Total, st.Categories = Totals(sh.State.Catalog, sh.Unit.Individual, scores)
	if st.Graded() {
		st.Grade = rules.GradeOf(st.Total)
	}
	return st
}

type roundData struct {
	scores    []Score
	consensus []Consensus
	findings  []Finding
}

func (s *Service) data(ctx context.Context, round string) (roundData, error) {
	var d roundData
	var err error
	if d.scores, err = s.store.FindScores(ctx, round); err != nil {
		return d, fmt.Errorf("round %s scores: %w", round, err)
	}
	if d.consensus, err = s.store.FindConsensus(ctx, round); err != nil {
		return d, fmt.Errorf("round %s consensus: %w", round, err)
	}
	if d.findings, err = s.store.FindFindings(ctx, round); err != nil {
		return d, fmt.Errorf("round %s findings: %w", round, err)
	}
	return d, nil
}

// Sheet builds a unit's sheet: every point with its scores, the ledger's
// proposals, the aggregate and any consensus and finding.
func (s *Service) Sheet(ctx context.Context, round, unit string) (Sheet, error) {
	st, err := s.Round(ctx, round)
	if err != nil {
		return Sheet{}, err
	}
	d, err := s.data(ctx, round)
	if err != nil {
		return Sheet{}, err
	}
	return s.sheet(ctx, st, d, unit)
}

func (s *Service) sheet(ctx context.Context, st RoundState, d roundData, unit string) (Sheet, error) {
	ru, ok := st.Unit(unit)
	if !ok {
		return Sheet{}, cases.NotFound("单位 %s 不在%s中", unit, st.Round.Title)
	}
	cs, err := s.ledger.AllCases(ctx, cases.CaseFilter{Scope: cases.GlobalScope, UnitCode: unit, Year: st.Round.Year})
	if err != nil {
		return Sheet{}, fmt.Errorf("ledger cases of %s: %w", unit, err)
	}
	props := Proposals(st.Catalog, st.Round.Year, unit, cs)
	sh := Sheet{State: st, Unit: ru, Scored: map[string]int{}}
	byPoint := map[string]map[string]Score{}
	assigned := map[string]bool{}
	for _, r := range ru.Reviewers {
		assigned[r.ID] = true
	}
	for _, sc := range d.scores {
		if sc.Unit != unit || !assigned[sc.Reviewer] {
			continue
		}
		if byPoint[sc.Point] == nil {
			byPoint[sc.Point] = map[string]Score{}
		}
		byPoint[sc.Point][sc.Reviewer] = sc
	}
	for _, p := range st.Catalog.PointsFor(ru.Individual) {
		row := Row{Point: p, Scores: byPoint[p.Code]}
		if row.Scores == nil {
			row.Scores = map[string]Score{}
		}
		for _, pr := range props {
			if pr.Point == p.Code {
				row.Proposals = append(row.Proposals, pr)
			}
		}
		row.Proposed = ProposedDeduction(props, p.Code)
		var vals []float64
		for _, r := range ru.Reviewers {
			if sc, ok := row.Scores[r.ID]; ok {
				vals = append(vals, sc.Score)
				sh.Scored[r.ID]++
			}
		}
		row.Complete = len(vals) == len(ru.Reviewers) && len(vals) > 0
		row.Mean, row.Diverges = s.rules.Aggregate(p.Max, vals)
		row.Final = row.Mean
		for i := range d.consensus {
			if c := d.consensus[i]; c.Unit == unit && c.Point == p.Code {
				row.Consensus = &c
				row.Final = c.Score
			}
		}
		for i := range d.findings {
			if f := d.findings[i]; f.Unit == unit && f.Point == p.Code {
				row.Finding = &f
			}
		}
		sh.Rows = append(sh.Rows, row)
	}
	return sh, nil
}

// ScoreInput is a reviewer's entry for one point.
type ScoreInput struct {
	Mark    Mark
	Comment string
	// AcceptLedger takes the ledger's proposed deduction as Mark.Ledger;
	// otherwise Mark.Ledger is the reviewer's own and, when it differs from
	// the proposal, OverrideReason is required.
	AcceptLedger   bool
	OverrideReason string
}

// SaveScore records a reviewer's score of one point, replacing their
// earlier one. Only a reviewer assigned to the unit, before finalisation.
func (s *Service) SaveScore(ctx context.Context, actor cases.Actor, round, unit, point string, in ScoreInput) (Score, error) {
	sh, err := s.Sheet(ctx, round, unit)
	if err != nil {
		return Score{}, err
	}
	if err := refuseFinalised(sh.State); err != nil {
		return Score{}, err
	}
	if actor.Role != cases.RoleReviewer || !assignedTo(sh.Unit, actor.ID) {
		return Score{}, cases.Refused("reviewer", "只有安排给该单位的评估人员可以评分")
	}
	row, ok := sh.Row(point)
	if !ok {
		return Score{}, cases.NotFound("评估要点 %s 不适用于该单位", point)
	}
	var fe cases.FieldErrors
	m := in.Mark
	sc := Score{Round: round, Unit: unit, Point: point, Reviewer: actor.ID, Proposed: row.Proposed, At: cases.TruncateTime(s.now())}
	if len(row.Point.Kinds) > 0 {
		if in.AcceptLedger {
			m.Ledger = row.Proposed
		} else if Round2(m.Ledger) != row.Proposed {
			sc.Override = true
			sc.OverrideReason = strings.TrimSpace(in.OverrideReason)
			if sc.OverrideReason == "" {
				fe.Add(cases.Invalid("override_reason", "不采用台账扣分建议（建议扣 %g 分）须说明理由", row.Proposed))
			}
		}
	} else {
		m.Ledger = 0
	}
	v, err := ScorePoint(row.Point, m)
	if !fe.Add(err) {
		return Score{}, err
	}
	comment := strings.TrimSpace(in.Comment)
	if len([]rune(comment)) > 500 {
		fe.Add(cases.Invalid("comment", "评分意见不能超过 500 字"))
	}
	if v < row.Point.Max && comment == "" {
		fe.Add(cases.Invalid("comment", "扣分的要点须填写评分意见"))
	}
	if err := fe.Err(); err != nil {
		return Score{}, err
	}
	sc.Mark, sc.Score, sc.Comment = m, v, comment
	if err := s.store.PutScore(ctx, sc); err != nil {
		return Score{}, fmt.Errorf("save score %s/%s/%s: %w", round, unit, point, err)
	}
	return sc, nil
}

func assignedTo(u RoundUnit, id string) bool {
	for _, r := range u.Reviewers {
		if r.ID == id {
			return true
		}
	}
	return false
}

// SaveConsensus records the agreed score of a diverging point. Only the
// office, which chairs the consensus (合议) of the unit's reviewers, records
// it: a reviewer alone, the diverging one least of all, cannot settle a
// divergence. Before finalisation.
func (s *Service) SaveConsensus(ctx context.Context, actor cases.Actor, round, unit, point string, score float64, reason string) (Consensus, error) {
	sh, err := s.Sheet(ctx, round, unit)
	if err != nil {
		return Consensus{}, err
	}
	if err := refuseFinalised(sh.State); err != nil {
		return Consensus{}, err
	}
	if !hasRole(actor, cases.RoleOffice) {
		return Consensus{}, cases.Refused("role", "合议评分由监督检查处室主持合议后记录，评估人员不能单独确定")
	}
	row, ok := sh.Row(point)
	if !ok {
		return Consensus{}, cases.NotFound("评估要点 %s 不适用于该单位", point)
	}
	if !row.Diverges {
		return Consensus{}, cases.Refused("diverges", "评估要点 %s 的评分没有明显分歧，不需要合议", point)
	}
	var fe cases.FieldErrors
	if score < 0 || score > row.Point.Max || score != score {
		fe.Add(cases.Invalid("score", "合议得分须在 0 至 %g 之间", row.Point.Max))
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		fe.Add(cases.Invalid("reason", "请填写合议意见"))
	}
	if err := fe.Err(); err != nil {
		return Consensus{}, err
	}
	c := Consensus{Round: round, Unit: unit, Point: point, Score: Round2(score), Reason: reason, By: actor.ID, At: cases.TruncateTime(s.now())}
	if err := s.store.PutConsensus(ctx, c); err != nil {
		return Consensus{}, fmt.Errorf("save consensus %s/%s/%s: %w", round, unit, point, err)
	}
	return c, nil
}

// SaveFinding records the problem found on a point that lost marks. A
// reviewer of the unit or the office, before finalisation; a finding
// already turned into a case cannot change.
func (s *Service) SaveFinding(ctx context.Context, actor cases.Actor, round, unit, point string, f Finding) (Finding, error) {
	sh, err := s.Sheet(ctx, round, unit)
	if err != nil {
		return Finding{}, err
	}
	if err := refuseFinalised(sh.State); err != nil {
		return Finding{}, err
	}
	if !hasRole(actor, cases.RoleOffice) && !(actor.Role == cases.RoleReviewer && assignedTo(sh.Unit, actor.ID)) {
		return Finding{}, cases.Refused("role", "评估发现须由该单位的评估人员或监督检查处室填写")
	}
	row, ok := sh.Row(point)
	if !ok {
		return Finding{}, cases.NotFound("评估要点 %s 不适用于该单位", point)
	}
	if row.Finding != nil && row.Finding.CaseNo != "" {
		return Finding{}, cases.Refused("converted", "该评估发现已登记为台账问题 %s，不能再修改", row.Finding.CaseNo)
	}
	if !row.Lost() {
		return Finding{}, cases.Refused("lost", "评估要点 %s 未扣分（或尚未评完），不能填写评估发现", point)
	}
	var fe cases.FieldErrors
	f.Title, f.Facts = strings.TrimSpace(f.Title), strings.TrimSpace(f.Facts)
	if f.Kind == "" && len(row.Point.Kinds) == 1 {
		f.Kind = row.Point.Kinds[0].Kind
	}
	if f.Kind == "" {
		fe.Add(cases.Invalid("violation_kind", "请选择问题类型"))
	}
	if f.Title == "" {
		fe.Add(cases.Invalid("title", "请填写问题标题"))
	}
	if f.Facts == "" {
		fe.Add(cases.Invalid("facts", "请填写问题事实"))
	}
	if err := fe.Err(); err != nil {
		return Finding{}, err
	}
	f.Round, f.Unit, f.Point, f.By, f.At, f.CaseNo = round, unit, point, actor.ID, cases.TruncateTime(s.now()), ""
	if err := s.store.PutFinding(ctx, f); err != nil {
		return Finding{}, fmt.Errorf("save finding %s: %w", f.Origin(), err)
	}
	return f, nil
}

// Standings computes every unit's result, ranked within unit kind, with the
// change against the unit's total in the previous year's finalised round.
func (s *Service) Standings(ctx context.Context, round string) ([]Standing, error) {
	st, err := s.Round(ctx, round)
	if err != nil {
		return nil, err
	}
	ss, err := s.standings(ctx, st)
	if err != nil {
		return nil, err
	}
	prev := map[string]float64{}
	// Last year's round of the same region; rounds from before rounds had a
	// region were named by their year alone.
	prevID := RoundID(st.Round.Year-1, st.Round.Region)
	if st.Round.Region == "" {
		prevID = strconv.Itoa(st.Round.Year - 1)
	}
	if pst, err := s.Round(ctx, prevID); err == nil && pst.Finalised {
		ps, err := s.standings(ctx, pst)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			prev[p.Unit] = p.Total
		}
	} else if err != nil && cases.ErrorCode(err) != cases.ENOTFOUND {
		return nil, err
	}
	WithPrevious(ss, prev)
	return ss, nil
}

func (s *Service) standings(ctx context.Context, st RoundState) ([]Standing, error) {
	d, err := s.data(ctx, st.Round.ID)
	if err != nil {
		return nil, err
	}
	var ss []Standing
	for _, u := range st.Units {
		sh, err := s.sheet(ctx, st, d, u.Unit)
		if err != nil {
			return nil, err
		}
		ss = append(ss, sh.Standing(s.rules))
	}
	RankWithinKind(ss)
	return ss, nil
}

// Finalise closes a round for changes: every assigned reviewer has scored
// every point of every unit and no diverging point lacks a consensus. An
// approver only. The event records the digest of the scores.
func (s *Service) Finalise(ctx context.Context, actor cases.Actor, round string) (Event, error) {
	if actor.Role != cases.RoleApprover {
		return Event{}, cases.Refused("role", "评估结果须由分管领导审定")
	}
	st, err := s.Round(ctx, round)
	if err != nil {
		return Event{}, err
	}
	if err := refuseFinalised(st); err != nil {
		return Event{}, err
	}
	if len(st.Units) == 0 {
		return Event{}, cases.Refused("units", "%s还没有被评估单位", st.Round.Title)
	}
	d, err := s.data(ctx, round)
	if err != nil {
		return Event{}, err
	}
	var open []string
	for _, u := range st.Units {
		sh, err := s.sheet(ctx, st, d, u.Unit)
		if err != nil {
			return Event{}, err
		}
		missing, diverging := 0, 0
		for _, r := range sh.Rows {
			if !r.Complete {
				missing++
			} else if r.NeedsConsensus() {
				diverging++
			}
		}
		if missing > 0 {
			open = append(open, fmt.Sprintf("%s 有 %d 个要点未评完", u.UnitName, missing))
		}
		if diverging > 0 {
			open = append(open, fmt.Sprintf("%s 有 %d 个要点分歧待合议", u.UnitName, diverging))
		}
	}
	if len(open) > 0 {
		return Event{}, cases.Refused("incomplete", "尚不能定稿：%s", strings.Join(open, "；"))
	}
	return s.appendEvent(ctx, round, EventFinalise, actor, "", digest(d))
}

// Reopen opens a finalised round again for changes, for a reason. An
// approver only.
func (s *Service) Reopen(ctx context.Context, actor cases.Actor, round, reason string) (Event, error) {
	if actor.Role != cases.RoleApprover {
		return Event{}, cases.Refused("role", "重新打开评估须由分管领导决定")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Event{}, cases.Invalid("reason", "请说明重新打开的理由")
	}
	st, err := s.Round(ctx, round)
	if err != nil {
		return Event{}, err
	}
	if !st.Finalised {
		return Event{}, cases.Refused("finalised", "%s尚未定稿，不需要重新打开", st.Round.Title)
	}
	return s.appendEvent(ctx, round, EventReopen, actor, reason, "")
}

// digest hashes a round's scores, consensus and findings in a stable order.
func digest(d roundData) string {
	sort.Slice(d.scores, func(i, j int) bool {
		a, b := d.scores[i], d.scores[j]
		return a.Unit+"/"+a.Point+"/"+a.Reviewer < b.Unit+"/"+b.Point+"/"+b.Reviewer
	})
	sort.Slice(d.consensus, func(i, j int) bool {
		return d.consensus[i].Unit+"/"+d.consensus[i].Point < d.consensus[j].Unit+"/"+d.consensus[j].Point
	})
	sort.Slice(d.findings, func(i, j int) bool { return d.findings[i].Origin() < d.findings[j].Origin() })
	type scoreKey struct {
		U, P, R string
		S       float64
	}
	var ks []scoreKey
	for _, s := range d.scores {
		ks = append(ks, scoreKey{s.Unit, s.Point, s.Reviewer, s.Score})
	}
	b, _ := json.Marshal(struct {
		S []scoreKey
		C []Consensus
	}{ks, d.consensus})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ConvertFinding turns a finding into a ledger case (source assessment),
// registered with the finding's origin as origin and idempotency key; a
// finding already converted returns its case. The office only.
func (s *Service) ConvertFinding(ctx context.Context, scope cases.Scope, actor cases.Actor, round, unit, point string) (cases.Case, bool, error) {
	if actor.Role != cases.RoleOffice {
		return cases.Case{}, false, cases.Refused("role", "评估发现须由监督检查处室登记为台账问题")
	}
	st, err := s.Round(ctx, round)
	if err != nil {
		return cases.Case{}, false, err
	}
	fs, err := s.store.FindFindings(ctx, round)
	if err != nil {
		return cases.Case{}, false, fmt.Errorf("round %s findings: %w", round, err)
	}
	for _, f := range fs {
		if f.Unit == unit && f.Point == point {
			return s.convert(ctx, scope, actor, st, f)
		}
	}
	return cases.Case{}, false, cases.NotFound("评估要点 %s 没有评估发现", point)
}

func (s *Service) convert(ctx context.Context, scope cases.Scope, actor cases.Actor, st RoundState, f Finding) (cases.Case, bool, error) {
	if f.CaseNo != "" {
		c, err := s.ledger.Case(ctx, scope, f.CaseNo)
		return c, true, err
	}
	reg := cases.Registration{
		Source: "assessment", SourceRef: fmt.Sprintf("%s %s", st.Round.Title, f.Point),
		UnitCode: f.Unit, Kind: f.Kind, Title: f.Title, Facts: f.Facts, Level: cases.LevelInternal,
	}
	c, replayed, err := s.ledger.RegisterFrom(ctx, scope, actor, reg, f.Origin(), f.Origin())
	if err != nil {
		return cases.Case{}, false, fmt.Errorf("register finding %s: %w", f.Origin(), err)
	}
	f.CaseNo = c.No
	// The case is registered whatever happens next; a failed link is
	// repaired by converting again, which replays the same case.
	if err := s.store.PutFinding(ctx, f); err != nil {
		return c, replayed, fmt.Errorf("link finding %s to %s: %w", f.Origin(), c.No, err)
	}
	return c, replayed, nil
}

// ConvertAll turns every finding of a round not yet converted into a case.
func (s *Service) ConvertAll(ctx context.Context, scope cases.Scope, actor cases.Actor, round string) ([]cases.Case, error) {
	if actor.Role != cases.RoleOffice {
		return nil, cases.Refused("role", "评估发现须由监督检查处室登记为台账问题")
	}
	st, err := s.Round(ctx, round)
	if err != nil {
		return nil, err
	}
	fs, err := s.store.FindFindings(ctx, round)
	if err != nil {
		return nil, fmt.Errorf("round %s findings: %w", round, err)
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].Origin() < fs[j].Origin() })
	var out []cases.Case
	for _, f := range fs {
		if f.CaseNo != "" {
			continue
		}
		c, _, err := s.convert(ctx, scope, actor, st, f)
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Findings lists a round's findings in origin order.
func (s *Service) Findings(ctx context.Context, round string) ([]Finding, error) {
	fs, err := s.store.FindFindings(ctx, round)
	if err != nil {
		return nil, fmt.Errorf("round %s findings: %w", round, err)
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].Origin() < fs[j].Origin() })
	return fs, nil
}

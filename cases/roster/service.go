package roster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/seal"
)

// Snapshot is one imported roster: its date (the day the roster stands
// for), the file, who imported it, and per unit its head counts. The
// persons are kept per unit (UnitRoster); warnings apart.
type Snapshot struct {
	ID         string      `json:"id"`
	Date       string      `json:"date"`
	File       string      `json:"file"`
	ImportedBy string      `json:"imported_by"`
	ImportedAt time.Time   `json:"imported_at"`
	Persons    int         `json:"persons"`
	Previous   string      `json:"previous,omitempty"` // the snapshot its warnings are compared with
	Units      []UnitCount `json:"units"`
	Tally      Tally       `json:"tally"`
	// Coverage is what the import spoke for; Region the region covered
	// (CoverRegion; "" is the whole directory), Covered the units
	// (CoverUnits). Snapshots of before coverage was recorded have none
	// and spoke for every unit.
	Coverage Coverage `json:"coverage,omitempty"`
	Region   string   `json:"region,omitempty"`
	Covered  []string `json:"covered,omitempty"`
}

// Coverage says which units an import speaks for: their warnings are
// compared with the previous snapshot's (new, persisting, resolved); the
// warnings of every other unit are carried into the new snapshot as they
// were.
type Coverage string

// The coverages.
const (
	// CoverUnits: the units the file lists, or the units the import
	// declares (ImportInput.Units; a declared unit without a row has no one
	// on establishment any more). The default: a file of a few units must
	// not resolve the warnings of every other unit.
	CoverUnits Coverage = "units"
	// CoverRegion: every unit of the importer's region; a unit of it with
	// no row has no one on the roster, and its warnings are resolved.
	CoverRegion Coverage = "region"
)

// Label is the coverage in words.
func (c Coverage) Label() string {
	switch c {
	case CoverUnits:
		return "仅本文件所列单位"
	case CoverRegion:
		return "本辖区全部单位"
	case "":
		return "全部单位（旧版导入）"
	}
	return string(c)
}

// UnitCount is one unit's figures in a snapshot.
type UnitCount struct {
	Unit     string      `json:"unit"`
	Name     string      `json:"name"`
	Persons  int         `json:"persons"` // rows, on establishment or not
	ByType   []TypeCount `json:"by_type"` // on establishment
	Leaders  int         `json:"leaders"` // leader posts on establishment
	Warnings int         `json:"warnings"`
}

// TypeCount is a head count of one establishment type.
type TypeCount struct {
	Type string `json:"type"`
	N    int    `json:"n"`
}

// UnitRoster is the persons of one unit in one snapshot: the unit of
// storage (one record per unit, not per person).
type UnitRoster struct {
	Snapshot string
	Unit     string
	Persons  []Person
}

// WarningCase links a problem (a warning's Key) to the case made of it.
type WarningCase struct {
	Key     string
	Warning string // the warning the case was made from
	CaseNo  string
	By      string
	At      time.Time
}

// Store keeps snapshots, their unit rosters and warnings. Every write is
// an insert.
type Store interface {
	// InsertRosterUnits records a snapshot's unit rosters (in batches);
	// ECONFLICT when one is taken.
	InsertRosterUnits(ctx context.Context, units []UnitRoster) error
	// RosterUnit returns one unit's roster of a snapshot; ENOTFOUND.
	RosterUnit(ctx context.Context, snapshot, unit string) (UnitRoster, error)
	// InsertRosterWarnings records warnings; warnings already recorded
	// (same ID) are left as they are, so a retried import is no error.
	InsertRosterWarnings(ctx context.Context, ws []Warning) error
	// RosterWarnings returns a snapshot's warnings.
	RosterWarnings(ctx context.Context, snapshot string) ([]Warning, error)
	// InsertRosterSnapshot records a snapshot last, after its units and
	// warnings: a snapshot is there when its record is; ECONFLICT.
	InsertRosterSnapshot(ctx context.Context, s Snapshot) error
	// RosterSnapshots returns every snapshot.
	RosterSnapshots(ctx context.Context) ([]Snapshot, error)
	// InsertWarningCase records a link; ECONFLICT when the key has one.
	InsertWarningCase(ctx context.Context, l WarningCase) error
	// WarningCases returns every link.
	WarningCases(ctx context.Context) ([]WarningCase, error)
	// RosterKeyCheck returns the sealed key check value; ENOTFOUND.
	RosterKeyCheck(ctx context.Context) ([]byte, error)
	// InsertRosterKeyCheck records it once; ECONFLICT.
	InsertRosterKeyCheck(ctx context.Context, sealed []byte) error
}

// Auditor writes the access log.
type Auditor interface {
	RecordAccess(ctx context.Context, e access.AccessEntry) error
}

// Config wires a Service.
type Config struct {
	Store     Store
	Protector *Protector
	Cases     *cases.Service
	Auditor   Auditor
	Now       func() time.Time
	Location  *time.Location
	Log       *slog.Logger
}

// Service imports rosters and serves their warnings.
type Service struct {
	cfg Config
	// byShot caches each snapshot's warnings as stored: they never change
	// once written (case links are read apart), and the office's header
	// counts them on every page.
	mu     sync.Mutex
	byShot map[string][]Warning
}

// keyCheckLabel binds the roster key's check value to its use.
const keyCheckLabel = "roster-key-check"

// ErrKeyMismatch starts the message of a start with the wrong roster key.
const ErrKeyMismatch = "花名册身份证号密钥与数据库中的校验值不符"

// Open checks the roster key against the database (recording the check
// value on the first start) and returns the service.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Protector == nil {
		return nil, errors.New("花名册身份证号密钥缺失：未配置密钥，服务不能启动")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location, _ = time.LoadLocation("Asia/Shanghai")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	c := cfg.Protector.Cipher()
	for attempt := 0; ; attempt++ {
		sealed, err := cfg.Store.RosterKeyCheck(ctx)
		if err == nil {
			if !seal.Check(c, keyCheckLabel, sealed) {
				return nil, fmt.Errorf("%s（算法 %s）：密钥文件丢失、被替换或算法配置被改动。已加密的身份证号只能用原密钥解开，人员比对也依赖原密钥；请恢复原密钥文件（或 RECTIFY_ROSTER_KEY 环境变量）后再启动", ErrKeyMismatch, c.Profile())
			}
			break
		}
		if cases.ErrorCode(err) != cases.ENOTFOUND || attempt > 0 {
			return nil, fmt.Errorf("read the roster key check: %w", err)
		}
		check, err := seal.NewCheck(c, keyCheckLabel)
		if err != nil {
			return nil, err
		}
		if err := cfg.Store.InsertRosterKeyCheck(ctx, check); err != nil && cases.ErrorCode(err) != cases.ECONFLICT {
			return nil, fmt.Errorf("record the roster key check: %w", err)
		}
	}
	return &Service{cfg: cfg, byShot: map[string][]Warning{}}, nil
}

// ImportRoles may import rosters, see warnings and turn them into cases.
var ImportRoles = []cases.Role{cases.RoleOffice}

// ImportInput is a roster file to import.
type ImportInput struct {
	Date string // YYYY-MM-DD the roster stands for; today when empty
	File string // the file's name (its extension picks XLSX or CSV)
	Body io.Reader
	// Scope is the importer's region: every row must name a unit within
	// it (the row and column of one that does not are named, and nothing
	// is written). A zero scope is refused, never "everything".
	Scope cases.Scope
	// Coverage is what the file speaks for; CoverUnits when empty.
	Coverage Coverage
	// Units, with CoverUnits, declares the units the file covers: a row of
	// another unit is refused. Empty: the units the file lists.
	Units []string
	// Progress, when set, hears the stage (read, check, write) and the
	// rows or units done.
	Progress func(stage string, n int)
}

// Import stages.
const (
	StageRead  = "read"
	StageCheck = "check"
	StageWrite = "write"
)

// writeBatch is how many unit rosters one insert carries.
const writeBatch = 64

// Import reads a roster, checks every row (nothing is written unless all
// are good: *RowErrors otherwise), runs the rules, compares the warnings
// with the previous snapshot's and records the snapshot.
func (s *Service) Import(ctx context.Context, actor cases.Actor, in ImportInput) (Snapshot, error) {
	if !allowed(actor) {
		return Snapshot{}, cases.Refused("role", "花名册须由监督检查处室导入")
	}
	now := s.cfg.Now()
	day := in.Date
	if day == "" {
		day = now.In(s.cfg.Location).Format(time.DateOnly)
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return Snapshot{}, cases.Invalid("date", "花名册日期「%s」格式不正确，应为 YYYY-MM-DD", day)
	}
	if strings.TrimSpace(in.File) == "" || len(in.File) > 255 {
		return Snapshot{}, cases.Invalid("file", "请选择花名册文件")
	}
	if !in.Scope.Valid() {
		return Snapshot{}, fmt.Errorf("import roster: no importer's scope")
	}
	cov, declared, err := coverage(in)
	if err != nil {
		return Snapshot{}, err
	}
	for code := range declared {
		if _, err := s.cfg.Cases.Unit(ctx, in.Scope, code); err != nil {
			if cases.ErrorCode(err) == cases.ENOTFOUND {
				return Snapshot{}, cases.Invalid("units", "覆盖单位「%s」不在被监督单位名录中或不在您的管辖范围内", code)
			}
			return Snapshot{}, err
		}
	}
	progress := in.Progress
	if progress == nil {
		progress = func(string, int) {}
	}
	units := map[string]cases.Unit{}
	known := func(code string) bool {
		u, err := s.cfg.Cases.Unit(ctx, cases.GlobalScope, code)
		if err == nil {
			units[code] = u
		}
		return err == nil
	}
	allowed := func(code string) (bool, string) {
		if !in.Scope.AllowsUnit(units[code]) {
			return false, "不在您的管辖范围内（" + scopeName(in.Scope) + "），不能导入该单位的人员"
		}
		if declared != nil && !declared[code] {
			return false, "不在本次声明的覆盖单位中"
		}
		return true, ""
	}
	persons, err := Parse(in.Body, in.File, ParseOptions{Unit: known, Allowed: allowed, Protector: s.cfg.Protector, Progress: func(n int) { progress(StageRead, n) }})
	if err != nil {
		return Snapshot{}, err
	}
	progress(StageCheck, len(persons))
	snaps, err := s.Snapshots(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	snap := Snapshot{ID: newID(day), Date: day, File: in.File, ImportedBy: actor.ID, ImportedAt: cases.TruncateTime(now), Persons: len(persons), Coverage: cov}
	// covers reports whether the import speaks for a unit: its warnings
	// are compared, every other unit's carried as they were.
	var covers func(unit string) bool
	switch cov {
	case CoverRegion:
		snap.Region = in.Scope.Region
		covers = func(unit string) bool {
			_, err := s.cfg.Cases.Unit(ctx, in.Scope, unit)
			return err == nil
		}
	default:
		if declared == nil {
			declared = map[string]bool{}
			for _, p := range persons {
				declared[p.Unit] = true
			}
		}
		for u := range declared {
			snap.Covered = append(snap.Covered, u)
		}
		sort.Strings(snap.Covered)
		covers = func(unit string) bool { return declared[unit] }
	}
	var prev, carried []Warning
	if p, ok := previous(snaps, day); ok {
		snap.Previous = p.ID
		all, err := s.cfg.Store.RosterWarnings(ctx, p.ID)
		if err != nil {
			return Snapshot{}, fmt.Errorf("read the previous snapshot's warnings: %w", err)
		}
		for _, w := range all {
			switch {
			case covers(w.Unit):
				w.From = "" // compared now, of this snapshot's date
				prev = append(prev, w)
			case w.Change != Resolved:
				// Untouched: the same warning, as of the date it reflects.
				if w.From == "" {
					w.From = w.Snapshot
				}
				carried = append(carried, w)
			}
		}
	}
	links, err := s.links(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	ws := append(Compare(prev, Evaluate(Input{Date: day, Units: units, Persons: persons})), carried...)
	perUnit := map[string]int{}
	for i := range ws {
		ws[i].Snapshot = snap.ID
		if ws[i].From == "" {
			ws[i].Date = day
		}
		ws[i].ID = snap.ID + "." + ws[i].Key
		if l, ok := links[ws[i].Key]; ok {
			ws[i].CaseNo = l.CaseNo
		}
		if ws[i].Change != Resolved {
			perUnit[ws[i].Unit]++
		}
	}
	snap.Tally = Count(ws)
	rosters := group(snap.ID, persons)
	for _, r := range rosters {
		snap.Units = append(snap.Units, countOf(r, units[r.Unit], day, perUnit[r.Unit]))
	}
	for i := 0; i < len(rosters); i += writeBatch {
		end := min(i+writeBatch, len(rosters))
		if err := s.cfg.Store.InsertRosterUnits(ctx, rosters[i:end]); err != nil {
			return Snapshot{}, fmt.Errorf("record roster %s: %w", snap.ID, err)
		}
		progress(StageWrite, end)
	}
	if err := s.cfg.Store.InsertRosterWarnings(ctx, ws); err != nil {
		return Snapshot{}, fmt.Errorf("record the warnings of %s: %w", snap.ID, err)
	}
	if err := s.cfg.Store.InsertRosterSnapshot(ctx, snap); err != nil {
		return Snapshot{}, fmt.Errorf("record snapshot %s: %w", snap.ID, err)
	}
	s.cfg.Log.Info("roster imported", "snapshot", snap.ID, "date", day, "persons", len(persons), "units", len(rosters), "warnings", len(ws), "by", actor.ID)
	return snap, nil
}

// coverage checks what an import says it speaks for; declared is the set
// of units of CoverUnits with a list, nil otherwise.
func coverage(in ImportInput) (Coverage, map[string]bool, error) {
	cov := in.Coverage
	if cov == "" {
		cov = CoverUnits
	}
	switch cov {
	case CoverUnits:
		if len(in.Units) == 0 {
			return cov, nil, nil
		}
		declared := map[string]bool{}
		for _, u := range in.Units {
			if u = strings.TrimSpace(u); u != "" {
				if !cases.ValidUnitCode(u) {
					return "", nil, cases.Invalid("units", "覆盖单位中的单位代码「%s」格式不正确", u)
				}
				declared[u] = true
			}
		}
		if len(declared) == 0 {
			return cov, nil, nil
		}
		return cov, declared, nil
	case CoverRegion:
		if len(in.Units) > 0 {
			return "", nil, cases.Invalid("units", "覆盖范围为“本辖区全部单位”时不能再列出单位")
		}
		return cov, nil, nil
	}
	return "", nil, cases.Invalid("coverage", "覆盖范围「%s」未知：应为 units（仅所列单位）或 region（本辖区全部单位）", in.Coverage)
}

// scopeName is the importer's region in words.
func scopeName(s cases.Scope) string {
	if s.Global {
		return "全部地区"
	}
	return s.Region
}

func allowed(a cases.Actor) bool {
	for _, r := range ImportRoles {
		if a.Role == r {
			return true
		}
	}
	return false
}

func newID(day string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "R" + strings.ReplaceAll(day, "-", "") + "-" + hex.EncodeToString(b)
}

// previous is the latest snapshot dated on or before day: a roster
// imported for an earlier date than the newest is compared with the one
// before it (later snapshots keep their comparison as it was made).
func previous(snaps []Snapshot, day string) (Snapshot, bool) {
	var best Snapshot
	found := false
	for _, s := range snaps {
		if s.Date <= day && (!found || s.Date > best.Date || s.Date == best.Date && s.ImportedAt.After(best.ImportedAt)) {
			best, found = s, true
		}
	}
	return best, found
}

// group splits persons into unit rosters, units in code order.
func group(snapshot string, persons []Person) []UnitRoster {
	idx := map[string]int{}
	var out []UnitRoster
	for _, p := range persons {
		p.IDClear = ""
		i, ok := idx[p.Unit]
		if !ok {
			i = len(out)
			idx[p.Unit] = i
			out = append(out, UnitRoster{Snapshot: snapshot, Unit: p.Unit})
		}
		out[i].Persons = append(out[i].Persons, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out
}

func countOf(r UnitRoster, u cases.Unit, day string, warnings int) UnitCount {
	c := UnitCount{Unit: r.Unit, Name: u.Name, Persons: len(r.Persons), Warnings: warnings}
	n := map[string]int{}
	for _, p := range r.Persons {
		if p.OnEstablishment(day) {
			n[p.Type]++
			if p.Leader {
				c.Leaders++
			}
		}
	}
	for _, t := range cases.EstablishmentTypes {
		if n[t] > 0 {
			c.ByType = append(c.ByType, TypeCount{t, n[t]})
		}
	}
	return c
}

// Snapshots returns every snapshot, newest date first.
func (s *Service) Snapshots(ctx context.Context) ([]Snapshot, error) {
	snaps, err := s.cfg.Store.RosterSnapshots(ctx)
	if err != nil {
		return nil, fmt.Errorf("list roster snapshots: %w", err)
	}
	sort.Slice(snaps, func(i, j int) bool {
		if snaps[i].Date != snaps[j].Date {
			return snaps[i].Date > snaps[j].Date
		}
		return snaps[i].ImportedAt.After(snaps[j].ImportedAt)
	})
	return snaps, nil
}

// Snapshot returns one snapshot; ENOTFOUND.
func (s *Service) Snapshot(ctx context.Context, id string) (Snapshot, error) {
	snaps, err := s.Snapshots(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	for _, x := range snaps {
		if x.ID == id {
			return x, nil
		}
	}
	return Snapshot{}, cases.NotFound("没有编号为 %s 的花名册", id)
}

// Latest returns the newest snapshot; ok is false when there is none.
func (s *Service) Latest(ctx context.Context) (Snapshot, bool, error) {
	snaps, err := s.Snapshots(ctx)
	if err != nil || len(snaps) == 0 {
		return Snapshot{}, false, err
	}
	return snaps[0], true, nil
}

func (s *Service) links(ctx context.Context) (map[string]WarningCase, error) {
	ls, err := s.cfg.Store.WarningCases(ctx)
	if err != nil {
		return nil, fmt.Errorf("read warning links: %w", err)
	}
	m := make(map[string]WarningCase, len(ls))
	for _, l := range ls {
		m[l.Key] = l
	}
	return m, nil
}

// Filter selects warnings of one snapshot.
type Filter struct {
	Scope    cases.Scope
	Snapshot string // the latest when empty
	Rule     Rule
	Change   Change // empty: new and persisting (the current red lights)
	All      bool   // resolved too, when Change is empty
	Unit     string
	Page     int
	PerPage  int
}

// Warnings lists a snapshot's warnings within scope, with the total and
// the snapshot (zero when there is none).
func (s *Service) Warnings(ctx context.Context, f Filter) ([]Warning, int, Snapshot, error) {
	var snap Snapshot
	if f.Snapshot == "" {
		latest, ok, err := s.Latest(ctx)
		if err != nil || !ok {
			return nil, 0, snap, err
		}
		snap = latest
	} else {
		var err error
		if snap, err = s.Snapshot(ctx, f.Snapshot); err != nil {
			return nil, 0, snap, err
		}
	}
	ws, err := s.warnings(ctx, snap.ID)
	if err != nil {
		return nil, 0, snap, err
	}
	var out []Warning
	for _, w := range ws {
		switch {
		case f.Rule != "" && w.Rule != f.Rule,
			f.Unit != "" && w.Unit != f.Unit,
			f.Change != "" && w.Change != f.Change,
			f.Change == "" && !f.All && w.Change == Resolved,
			!s.inScope(ctx, f.Scope, w.Unit):
			continue
		}
		out = append(out, w)
	}
	total := len(out)
	per := f.PerPage
	if per <= 0 {
		per = 50
	}
	page := max(f.Page, 1)
	lo := min((page-1)*per, total)
	return out[lo:min(lo+per, total)], total, snap, nil
}

// warnings reads a snapshot's warnings with their current case links.
func (s *Service) warnings(ctx context.Context, snapshot string) ([]Warning, error) {
	s.mu.Lock()
	stored, ok := s.byShot[snapshot]
	s.mu.Unlock()
	if !ok {
		var err error
		if stored, err = s.cfg.Store.RosterWarnings(ctx, snapshot); err != nil {
			return nil, fmt.Errorf("read the warnings of %s: %w", snapshot, err)
		}
		s.mu.Lock()
		s.byShot[snapshot] = stored
		s.mu.Unlock()
	}
	ws := append([]Warning(nil), stored...)
	links, err := s.links(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ws {
		if l, ok := links[ws[i].Key]; ok {
			ws[i].CaseNo = l.CaseNo
		}
	}
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if (a.Change == Resolved) != (b.Change == Resolved) {
			return b.Change == Resolved
		}
		if a.Unit != b.Unit {
			return a.Unit < b.Unit
		}
		return a.Key < b.Key
	})
	return ws, nil
}

func (s *Service) inScope(ctx context.Context, scope cases.Scope, unit string) bool {
	_, err := s.cfg.Cases.Unit(ctx, scope, unit)
	return err == nil
}

// Warning returns one warning if scope allows its unit; ENOTFOUND.
func (s *Service) Warning(ctx context.Context, scope cases.Scope, id string) (Warning, error) {
	snap, _, ok := strings.Cut(id, ".")
	if !ok {
		return Warning{}, cases.NotFound("没有编号为 %s 的预警", id)
	}
	// Only a snapshot that exists is read (and cached).
	if _, err := s.Snapshot(ctx, snap); err != nil {
		return Warning{}, cases.NotFound("没有编号为 %s 的预警", id)
	}
	ws, err := s.warnings(ctx, snap)
	if err != nil {
		return Warning{}, err
	}
	for _, w := range ws {
		if w.ID == id && s.inScope(ctx, scope, w.Unit) {
			return w, nil
		}
	}
	return Warning{}, cases.NotFound("没有编号为 %s 的预警", id)
}

// UnitPersons returns one unit's persons of a snapshot (masked IDs).
func (s *Service) UnitPersons(ctx context.Context, scope cases.Scope, snapshot, unit string) ([]Person, error) {
	if !s.inScope(ctx, scope, unit) {
		return nil, cases.NotFound("没有代码为 %s 的单位", unit)
	}
	r, err := s.cfg.Store.RosterUnit(ctx, snapshot, unit)
	if err != nil {
		return nil, err
	}
	return r.Persons, nil
}

// Reveal opens one person's ID number for an office user, and writes the
// access log first: no entry, no number.
func (s *Service) Reveal(ctx context.Context, actor cases.Actor, ip, snapshot, unit string, row int) (string, error) {
	if !allowed(actor) {
		return "", cases.Refused("role", "只有监督检查处室可以查看完整身份证号")
	}
	r, err := s.cfg.Store.RosterUnit(ctx, snapshot, unit)
	if err != nil {
		return "", err
	}
	for _, p := range r.Persons {
		if p.Row != row {
			continue
		}
		if err := s.cfg.Auditor.RecordAccess(ctx, access.AccessEntry{At: s.cfg.Now(), UserID: actor.ID, Role: string(actor.Role), IP: ip,
			Action: "reveal-id-number", Target: fmt.Sprintf("roster:%s/%s#%d", snapshot, unit, row), Level: string(cases.LevelInternal)}); err != nil {
			return "", fmt.Errorf("record the reveal: %w", err)
		}
		id, err := s.cfg.Protector.Open(p.IDSealed, p.IDHash)
		if err != nil {
			return "", &cases.Error{Code: cases.ECORRUPT, Message: "身份证号无法解密：密钥或数据已被改动"}
		}
		return id, nil
	}
	return "", cases.NotFound("花名册 %s 中单位 %s 没有第 %d 行", snapshot, unit, row)
}

// ToCase turns a warning into a ledger case (source 数据预警), once: the
// problem (its Key) keeps the case, so a second click, or the same warning
// persisting in a later snapshot, returns the first case (replayed).
func (s *Service) ToCase(ctx context.Context, scope cases.Scope, actor cases.Actor, id string) (cases.Case, bool, error) {
	if !allowed(actor) {
		return cases.Case{}, false, cases.Refused("role", "预警须由监督检查处室转为台账案件")
	}
	w, err := s.Warning(ctx, scope, id)
	if err != nil {
		return cases.Case{}, false, err
	}
	if w.CaseNo != "" {
		c, err := s.cfg.Cases.Case(ctx, scope, w.CaseNo)
		return c, true, err
	}
	if w.Change == Resolved {
		return cases.Case{}, false, cases.Refused("resolved", "该预警在本期花名册中已消除，不再转为案件")
	}
	info, _ := w.Rule.Info()
	reg := cases.Registration{Source: "warning", SourceRef: w.ID, UnitCode: w.Unit, Kind: info.Kind,
		Title: fmt.Sprintf("红灯预警：%s（%s）", info.Label, w.UnitName), Facts: Facts(w), Level: cases.LevelInternal}
	c, replayed, err := s.cfg.Cases.RegisterFrom(ctx, scope, actor, reg, "warning#"+w.Key, "warning:"+w.ID)
	if err != nil {
		return cases.Case{}, false, err
	}
	err = s.cfg.Store.InsertWarningCase(ctx, WarningCase{Key: w.Key, Warning: w.ID, CaseNo: c.No, By: actor.ID, At: cases.TruncateTime(s.cfg.Now())})
	if err != nil && cases.ErrorCode(err) != cases.ECONFLICT {
		return cases.Case{}, false, fmt.Errorf("link warning %s to %s: %w", w.ID, c.No, err)
	}
	return c, replayed, nil
}

// Facts is the case's facts made of a warning: the figures and the people,
// masked.
func Facts(w Warning) string {
	var b strings.Builder
	fmt.Fprintf(&b, "数据预警 %s（花名册 %s，日期 %s）。%s", w.Rule.Label(), w.Snapshot, w.Date, w.Explanation)
	if w.Type != "" && w.Rule != RuleDouble {
		fmt.Fprintf(&b, "\n%s：核定 %d，花名册在编 %d。", w.Type, w.Approved, w.Actual)
	}
	if w.Rule == RuleOverPosts {
		fmt.Fprintf(&b, "\n领导职数：核定 %d，在编领导职务 %d。", w.Approved, w.Actual)
	}
	for _, p := range w.People {
		fmt.Fprintf(&b, "\n· %s %s %s %s", p.Name, p.IDMasked, p.Unit, strings.TrimSpace(p.Post+" "+p.Detail))
	}
	return b.String()
}

// UnitStaffing is one unit's staffing as the latest snapshot shows it, for
// a patrol briefing.
type UnitStaffing struct {
	Snapshot string         `json:"snapshot"`
	Date     string         `json:"date"`
	ByType   []TypeCount    `json:"by_type"`
	Leaders  int            `json:"leaders"`
	Warnings []StaffWarning `json:"warnings"` // the current (unresolved) red lights
}

// StaffWarning is a current warning as a briefing lists it.
type StaffWarning struct {
	ID          string `json:"id"`
	Rule        Rule   `json:"rule"`
	Label       string `json:"label"` // the rule's Chinese name
	Explanation string `json:"explanation"`
	CaseNo      string `json:"case_no,omitempty"`
}

// Staffing returns one unit's figures and current warnings from the latest
// snapshot that lists the unit; ok is false when none does.
func (s *Service) Staffing(ctx context.Context, unit string) (UnitStaffing, bool, error) {
	snaps, err := s.Snapshots(ctx)
	if err != nil {
		return UnitStaffing{}, false, err
	}
	for _, snap := range snaps {
		for _, c := range snap.Units {
			if c.Unit != unit {
				continue
			}
			st := UnitStaffing{Snapshot: snap.ID, Date: snap.Date, ByType: c.ByType, Leaders: c.Leaders}
			ws, err := s.warnings(ctx, snap.ID)
			if err != nil {
				return UnitStaffing{}, false, err
			}
			for _, w := range ws {
				if w.Unit == unit && w.Change != Resolved {
					st.Warnings = append(st.Warnings, StaffWarning{ID: w.ID, Rule: w.Rule, Label: w.Rule.Label(), Explanation: w.Explanation, CaseNo: w.CaseNo})
				}
			}
			return st, true, nil
		}
	}
	return UnitStaffing{}, false, nil
}

// OpenCount counts the latest snapshot's new warnings not yet made into
// cases, within scope: the office's queue.
func (s *Service) OpenCount(ctx context.Context, scope cases.Scope) (int, error) {
	ws, _, _, err := s.Warnings(ctx, Filter{Scope: scope, Change: New, PerPage: 1 << 30})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, w := range ws {
		if w.CaseNo == "" {
			n++
		}
	}
	return n, nil
}

// Attach sets each unit's Roster to what the latest snapshot speaking for
// it shows: the newest that lists it, or that covered it without a row
// (a whole-region import, a declared unit: no one on establishment). Units
// no snapshot speaks for are left as they are.
func (s *Service) Attach(ctx context.Context, units []cases.Unit) error {
	snaps, err := s.Snapshots(ctx)
	if err != nil {
		return err
	}
	for i := range units {
		u := &units[i]
		for _, snap := range snaps {
			if rc, ok := countIn(snap, *u); ok {
				u.Roster = &rc
				break
			}
		}
	}
	return nil
}

// countIn is unit u's count in snap, when snap speaks for u.
func countIn(snap Snapshot, u cases.Unit) (cases.RosterCount, bool) {
	rc := cases.RosterCount{Snapshot: snap.ID, Date: snap.Date, ByType: map[string]int{}}
	for _, c := range snap.Units {
		if c.Unit == u.Code {
			for _, t := range c.ByType {
				rc.ByType[t.Type] = t.N
			}
			rc.Leaders = c.Leaders
			return rc, true
		}
	}
	// A snapshot of before coverage was recorded speaks for the units it
	// lists only: counting a unit it never named as empty would clear it.
	if snap.Coverage == CoverRegion {
		return rc, snap.Region == "" || cases.Scope{Region: snap.Region}.AllowsRegion(u.Region)
	}
	return rc, slices.Contains(snap.Covered, u.Code)
}

// Scoped is snap as a viewer of scope may see it: only the units of the
// scope, the persons counted of them, and the warnings tallied within it;
// ok is false when nothing of the snapshot is in the scope (another
// county's import).
func (s *Service) Scoped(ctx context.Context, scope cases.Scope, snap Snapshot) (Snapshot, bool, error) {
	if scope.Global {
		return snap, true, nil
	}
	out := snap
	out.Units, out.Persons, out.Covered = nil, 0, nil
	for _, u := range snap.Units {
		if s.inScope(ctx, scope, u.Unit) {
			out.Units = append(out.Units, u)
			out.Persons += u.Persons
		}
	}
	for _, code := range snap.Covered {
		if s.inScope(ctx, scope, code) {
			out.Covered = append(out.Covered, code)
		}
	}
	ws, _, _, err := s.Warnings(ctx, Filter{Scope: scope, Snapshot: snap.ID, All: true, PerPage: 1 << 30})
	if err != nil {
		return Snapshot{}, false, err
	}
	out.Tally = Count(ws)
	return out, len(out.Units) > 0 || len(ws) > 0, nil
}

package hotline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/documents"
)

// Receipt links a receipt code to its report, with the slow hash of the
// secret that goes with it.
type Receipt struct {
	Code       string
	Report     string
	SecretHash string
}

// Store keeps reports, their events and receipts. Every write is an insert:
// the intake record once, then events numbered per report (a taken number
// is ECONFLICT), so that no two operators' actions interleave.
type Store interface {
	// InsertReceipt records a receipt; ECONFLICT when the code is taken.
	InsertReceipt(ctx context.Context, r Receipt) error
	// FindReceipt returns a receipt by code; ENOTFOUND when there is none.
	FindReceipt(ctx context.Context, code string) (Receipt, error)
	// InsertReport records a report's intake (the fields up to CreatedAt);
	// ECONFLICT when the ID is taken.
	InsertReport(ctx context.Context, r Report) error
	// FindReport returns a report's intake record; ENOTFOUND.
	FindReport(ctx context.Context, id string) (Report, error)
	// AllReports returns every intake record.
	AllReports(ctx context.Context) ([]Report, error)
	// InsertReportEvent records an event; ECONFLICT when (report, seq) is taken.
	InsertReportEvent(ctx context.Context, e Event) error
	// ReportEvents returns one report's events in order.
	ReportEvents(ctx context.Context, id string) ([]Event, error)
	// AllReportEvents returns every report's events, in order per report.
	AllReportEvents(ctx context.Context) ([]Event, error)
	// ReporterKeyCheck returns the sealed key check value; ENOTFOUND before
	// the first start.
	ReporterKeyCheck(ctx context.Context) ([]byte, error)
	// InsertReporterKeyCheck records it once; ECONFLICT when there is one.
	InsertReporterKeyCheck(ctx context.Context, sealed []byte) error
}

// Auditor writes the access log (access.Service).
type Auditor interface {
	RecordAccess(ctx context.Context, e access.AccessEntry) error
}

// Config wires a Service.
type Config struct {
	Store    Store
	Cipher   Cipher
	Blobs    documents.Blobs
	Cases    *cases.Service
	Calendar cases.Calendar
	Auditor  Auditor
	Location *time.Location
	// AckDays is the acknowledgement deadline in working days (default AckDays).
	AckDays int
	// StatusFloor is the least time a reporter's status request takes,
	// found or not (default 400 ms): with the slow hash computed either
	// way, a wrong secret and an unknown receipt cannot be told apart by
	// timing.
	StatusFloor time.Duration
	// Evidence, when set, receives the report's attachments as evidence
	// of the case the report is registered as (documents.Service).
	Evidence EvidenceAdopter
	Now      func() time.Time
	Log      *slog.Logger
}

// EvidenceAdopter records a file as evidence of a case, once per id
// (documents.Service.AdoptEvidence).
type EvidenceAdopter interface {
	AdoptEvidence(ctx context.Context, actor cases.Actor, no, id, name string, data []byte) (documents.Evidence, error)
}

// Service runs the hotline.
type Service struct {
	cfg   Config
	dummy string // a hash to check against when the receipt is unknown
}

// ErrKeyMismatch starts the message of a start with the wrong key.
const ErrKeyMismatch = "举报人信息密钥与数据库中的校验值不符"

// Open checks the cipher's key against the database (recording the check
// value on the first start) and returns the service. A wrong key is an
// error: the server must not start and write identities no one can read.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Cipher == nil {
		return nil, fmt.Errorf("举报人信息密钥缺失：未配置加密密钥，服务不能启动")
	}
	if cfg.AckDays <= 0 {
		cfg.AckDays = AckDays
	}
	if cfg.StatusFloor <= 0 {
		cfg.StatusFloor = 400 * time.Millisecond
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
	for attempt := 0; ; attempt++ {
		sealed, err := cfg.Store.ReporterKeyCheck(ctx)
		if err == nil {
			if !Check(cfg.Cipher, sealed) {
				return nil, fmt.Errorf("%s（算法 %s）：密钥文件丢失、被替换或算法配置被改动。已加密的举报人信息只能用原密钥解开；请恢复原密钥文件（或 RECTIFY_REPORTER_KEY 环境变量）后再启动", ErrKeyMismatch, cfg.Cipher.Profile())
			}
			break
		}
		if cases.ErrorCode(err) != cases.ENOTFOUND || attempt > 0 {
			return nil, fmt.Errorf("read the reporter key check: %w", err)
		}
		check, err := NewCheck(cfg.Cipher)
		if err != nil {
			return nil, err
		}
		if err := cfg.Store.InsertReporterKeyCheck(ctx, check); err != nil && cases.ErrorCode(err) != cases.ECONFLICT {
			return nil, fmt.Errorf("record the reporter key check: %w", err)
		}
	}
	dummy, err := access.HashPassword(NewSecret())
	if err != nil {
		return nil, err
	}
	return &Service{cfg: cfg, dummy: dummy}, nil
}

// AckDays is the configured acknowledgement deadline.
func (s *Service) AckDays() int { return s.cfg.AckDays }

func (s *Service) today() string { return s.cfg.Now().In(s.cfg.Location).Format(time.DateOnly) }

// Light is r's light today.
func (s *Service) Light(r Report) cases.Light {
	today := s.today()
	return LightOf(r, today, s.cfg.Cases.YellowUntil(today))
}

// Upload is a file attached to a report.
type Upload = documents.Upload

// checkFiles sniffs every file before any is stored.
func checkFiles(files []Upload) ([]string, error) {
	if len(files) > MaxFiles {
		return nil, cases.Invalid("file", "最多上传 %d 个文件", MaxFiles)
	}
	types := make([]string, len(files))
	for i, f := range files {
		name := documents.SanitizeName(f.Name, "")
		switch {
		case len(f.Data) == 0:
			return nil, cases.Invalid("file", "文件「%s」是空的", name)
		case len(f.Data) > MaxFileSize:
			return nil, cases.Invalid("file", "文件「%s」超过 %d MB", name, MaxFileSize>>20)
		}
		if types[i] = documents.Sniff(f.Data); types[i] == "" {
			return nil, cases.Invalid("file", "文件「%s」不是允许的类型（PDF、JPEG、PNG、DOCX、XLSX、OFD）", name)
		}
	}
	return types, nil
}

func (s *Service) storeFiles(ctx context.Context, id string, files []Upload, types []string) ([]Attachment, error) {
	var out []Attachment
	for i, f := range files {
		fid := randomHex(8)
		key := fmt.Sprintf("reports/%s/%s%s", id, fid, documents.Extension(types[i]))
		info, err := s.cfg.Blobs.Put(ctx, key, f.Data, types[i])
		if err != nil {
			return nil, fmt.Errorf("store an attachment of report %s: %w", id, err)
		}
		out = append(out, Attachment{ID: fid, Name: documents.SanitizeName(f.Name, types[i]), ContentType: types[i],
			Size: info.Size, SHA256: info.SHA256, ObjectKey: key})
	}
	return out, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Submitted is what the reporter is told once: the receipt and the secret.
type Submitted struct {
	Report  Report
	Receipt string // grouped
	Secret  string // grouped
}

// Submit takes in a report, from an operator (actor) or the public form
// (actor Public), with its files; the reporter's identity is sealed
// before anything is stored. Every field is checked, and every file,
// before anything is written.
func (s *Service) Submit(ctx context.Context, scope cases.Scope, actor string, in Intake, files []Upload) (Submitted, error) {
	now := s.cfg.Now()
	var unit cases.Unit
	in, err := Validate(in, now, func(code string) bool {
		u, err := s.cfg.Cases.Unit(ctx, scope, code)
		unit = u
		return err == nil
	})
	var fe cases.FieldErrors
	if err != nil && !fe.Add(err) {
		return Submitted{}, err
	}
	types, ferr := checkFiles(files)
	fe.Add(ferr)
	if err := fe.Err(); err != nil {
		return Submitted{}, err
	}
	due, err := s.cfg.Calendar.AddWorkingDays(in.ReceivedAt.In(s.cfg.Location).Format(time.DateOnly), s.cfg.AckDays)
	if err != nil {
		due = in.ReceivedAt.In(s.cfg.Location).AddDate(0, 0, s.cfg.AckDays*7/5).Format(time.DateOnly)
	}
	r := Report{Channel: in.Channel, ReceivedAt: cases.TruncateTime(in.ReceivedAt), UnitCode: in.UnitCode, UnitName: unit.Name,
		UnitText: in.UnitText, Region: regionOf(in, scope), Allegation: in.Allegation, Due: due, CreatedBy: actor, CreatedAt: cases.TruncateTime(now), State: StateReceived}
	secret := NewSecret()
	hash, err := access.HashPassword(secret)
	if err != nil {
		return Submitted{}, err
	}
	// A taken ID or receipt (a one-in-billions draw) is drawn again.
	for attempt := 0; ; attempt++ {
		// Numbered by the day the report is recorded (the intake date),
		// not the day it was received: a letter received last month and
		// entered today is JB<today>; ReceivedAt keeps the other date.
		r.ID = "JB" + now.In(s.cfg.Location).Format("20060102") + "-" + randomCode(5)
		if !in.Reporter.Anonymous() {
			plain, _ := json.Marshal(in.Reporter)
			if r.Sealed, err = s.cfg.Cipher.Seal(plain, []byte(r.ID)); err != nil {
				return Submitted{}, err
			}
		}
		if r.Attachments, err = s.storeFiles(ctx, r.ID, files, types); err != nil {
			return Submitted{}, err
		}
		err = s.cfg.Store.InsertReport(ctx, r)
		if err == nil {
			break
		}
		if cases.ErrorCode(err) != cases.ECONFLICT || attempt > 3 {
			return Submitted{}, fmt.Errorf("record report: %w", err)
		}
	}
	// The report is recorded first: a receipt never points at nothing
	// that a retry could not find. A report without a receipt (a failure
	// here) is still triaged by the office.
	for attempt := 0; ; attempt++ {
		code := NewReceipt()
		err := s.cfg.Store.InsertReceipt(ctx, Receipt{Code: code, Report: r.ID, SecretHash: hash})
		if err == nil {
			return Submitted{Report: r, Receipt: Group(code), Secret: Group(secret)}, nil
		}
		if cases.ErrorCode(err) != cases.ECONFLICT || attempt > 3 {
			return Submitted{}, fmt.Errorf("record the receipt of report %s: %w", r.ID, err)
		}
	}
}

// regionOf is the region a report about an unknown unit belongs to: the
// region of the operator taking it (none for the public form, whose
// reporter may be anywhere).
func regionOf(in Intake, scope cases.Scope) string {
	if in.UnitCode != "" || scope.Global {
		return ""
	}
	return scope.Region
}

// overlaps reports whether two region keys are one within the other: a
// report about an unknown unit in 江南省/云州市 concerns the city's hotline
// and the province's, and a county's when it may be about that county.
func overlaps(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+"/") || strings.HasPrefix(b, a+"/")
}

// visible reports whether scope may see r: its unit is in scope, or it
// names no known unit and its region (if any) overlaps the scope's.
func (s *Service) visible(ctx context.Context, scope cases.Scope, r Report) bool {
	if scope.Global {
		return true
	}
	if r.UnitCode == "" {
		return r.Region == "" || overlaps(r.Region, scope.Region)
	}
	_, err := s.cfg.Cases.Unit(ctx, scope, r.UnitCode)
	return err == nil
}

func (s *Service) load(ctx context.Context, id string) (Report, error) {
	r, err := s.cfg.Store.FindReport(ctx, id)
	if err != nil {
		if cases.ErrorCode(err) == cases.ENOTFOUND {
			return Report{}, cases.NotFound("没有举报 %s", id)
		}
		return Report{}, err
	}
	evs, err := s.cfg.Store.ReportEvents(ctx, id)
	if err != nil {
		return Report{}, err
	}
	return Fold(r, evs), nil
}

// Report returns one report, if scope may see it.
func (s *Service) Report(ctx context.Context, scope cases.Scope, id string) (Report, error) {
	r, err := s.load(ctx, id)
	if err != nil {
		return Report{}, err
	}
	if !s.visible(ctx, scope, r) {
		return Report{}, cases.NotFound("没有举报 %s", id)
	}
	return r, nil
}

// Filter selects reports in a list.
type Filter struct {
	Scope cases.Scope
	// Open keeps only reports awaiting triage.
	Open bool
	// Page (from 1) and PerPage (default 50).
	Page, PerPage int
}

// List returns the reports of f, oldest deadline first for open ones,
// newest first otherwise, and how many there are in all. Reports are a
// few thousand a year: they are read whole and folded here.
func (s *Service) List(ctx context.Context, f Filter) ([]Report, int, error) {
	all, err := s.all(ctx)
	if err != nil {
		return nil, 0, err
	}
	var out []Report
	for _, r := range all {
		if (!f.Open || r.State.Open()) && s.visible(ctx, f.Scope, r) {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.State.Open() != b.State.Open() {
			return a.State.Open()
		}
		if a.State.Open() && a.Due != b.Due {
			return a.Due < b.Due
		}
		return a.ReceivedAt.After(b.ReceivedAt)
	})
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	total := len(out)
	lo := min((f.Page-1)*f.PerPage, total)
	return out[lo:min(lo+f.PerPage, total)], total, nil
}

// CountOpen is how many reports in scope await triage.
func (s *Service) CountOpen(ctx context.Context, scope cases.Scope) (int, error) {
	_, n, err := s.List(ctx, Filter{Scope: scope, Open: true, PerPage: 1})
	return n, err
}

func (s *Service) all(ctx context.Context) ([]Report, error) {
	rs, err := s.cfg.Store.AllReports(ctx)
	if err != nil {
		return nil, err
	}
	evs, err := s.cfg.Store.AllReportEvents(ctx)
	if err != nil {
		return nil, err
	}
	by := map[string][]Event{}
	for _, e := range evs {
		by[e.Report] = append(by[e.Report], e)
	}
	for i := range rs {
		sort.Slice(by[rs[i].ID], func(a, b int) bool { return by[rs[i].ID][a].Seq < by[rs[i].ID][b].Seq })
		rs[i] = Fold(rs[i], by[rs[i].ID])
	}
	return rs, nil
}

// Twins returns r's likely twins: other reports and cases of its unit (of
// its region, for a report about an unknown unit) from the last twelve
// months with similar content.
func (s *Service) Twins(ctx context.Context, scope cases.Scope, r Report) ([]Twin, error) {
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	var cands []Candidate
	for _, o := range all {
		if o.ID != r.ID && s.visible(ctx, scope, o) {
			cands = append(cands, Candidate{Report: o.ID, UnitCode: o.UnitCode, Text: o.Allegation, At: o.ReceivedAt, Open: o.State.Open()})
		}
	}
	// A report naming its unit is compared with that unit's cases; one
	// about an unknown unit with the cases of its region (the operator's;
	// the user's scope for a public report) registered within the twin
	// window — the region's recent ledger, not the whole of it.
	f := cases.CaseFilter{Scope: scope, UnitCode: r.UnitCode}
	if r.UnitCode == "" && r.Region != "" && (scope.Global || strings.HasPrefix(r.Region, scope.Region+"/")) {
		f.Region = r.Region
	}
	cs, err := s.cfg.Cases.AllCases(ctx, f)
	if err != nil {
		return nil, err
	}
	since := s.cfg.Now().Add(-TwinWindow)
	for _, c := range cs {
		if r.UnitCode == "" && c.CreatedAt.Before(since) {
			continue
		}
		if c.Origin == Origin(r.ID) {
			continue
		}
		text := c.Title + "。" + c.Facts
		if c.Level == cases.LevelSecret {
			// A secret case's facts are read one logged read at a
			// time, on its own page: a list of twins shows its title.
			text = c.Title
		}
		cands = append(cands, Candidate{CaseNo: c.No, UnitCode: c.UnitCode, Text: text, At: c.CreatedAt, Open: c.State.Open()})
	}
	return Twins(r, s.cfg.Now(), cands), nil
}

// Reporter opens r's sealed identity for actor (a hotline user; the web
// layer enforces the role) and writes the reading to the access log first:
// no identity is shown that the log does not record.
func (s *Service) Reporter(ctx context.Context, scope cases.Scope, actor cases.Actor, ip, id string) (Reporter, error) {
	if actor.Role != cases.RoleHotline {
		return Reporter{}, cases.Refused("role", "只有举报受理人员可以查看举报人信息")
	}
	r, err := s.Report(ctx, scope, id)
	if err != nil {
		return Reporter{}, err
	}
	if r.Anonymous() {
		return Reporter{}, nil
	}
	if err := s.cfg.Auditor.RecordAccess(ctx, access.AccessEntry{UserID: actor.ID, Role: "举报受理", IP: ip, Action: "read-reporter", Target: id}); err != nil {
		return Reporter{}, fmt.Errorf("log the reading of a reporter: %w", err)
	}
	plain, err := s.cfg.Cipher.Open(r.Sealed, []byte(r.ID))
	if err != nil {
		// Never garbage: a report that does not open is named, not shown.
		return Reporter{}, &cases.Error{Code: cases.ECORRUPT, Message: "举报 " + id + " 的举报人信息无法解密（密钥不符或数据被改动）"}
	}
	var rep Reporter
	if err := json.Unmarshal(plain, &rep); err != nil {
		return Reporter{}, &cases.Error{Code: cases.ECORRUPT, Message: "举报 " + id + " 的举报人信息已损坏"}
	}
	return rep, nil
}

// appendEvent builds an event on the current report, checks it and stores
// it under the next number, trying again when another action took it.
func (s *Service) appendEvent(ctx context.Context, id string, build func(Report) (Event, error)) (Report, error) {
	for attempt := 0; ; attempt++ {
		r, err := s.load(ctx, id)
		if err != nil {
			return Report{}, err
		}
		e, err := build(r)
		if err != nil {
			return Report{}, err
		}
		e.Report, e.Seq, e.At = r.ID, r.Version+1, cases.TruncateTime(s.cfg.Now())
		e.Text, e.Reason = strings.TrimSpace(e.Text), strings.TrimSpace(e.Reason)
		if err := Decide(r, e); err != nil {
			return Report{}, err
		}
		err = s.cfg.Store.InsertReportEvent(ctx, e)
		if err == nil {
			return Apply(r, e), nil
		}
		if cases.ErrorCode(err) != cases.ECONFLICT || attempt >= 3 {
			return Report{}, fmt.Errorf("record %s on report %s: %w", e.Kind, id, err)
		}
	}
}

// Act records an operator's action without a case: verify, ask, reply,
// dismiss. version must be the report's current version (the form the
// operator saw); 0 is the version of a report with no events yet, not a
// way to skip the check, so a form posted twice records its action once.
func (s *Service) Act(ctx context.Context, scope cases.Scope, actor cases.Actor, id string, e Event, version int) (Report, error) {
	if _, err := s.Report(ctx, scope, id); err != nil {
		return Report{}, err
	}
	switch e.Kind {
	case KindVerify, KindAsk, KindReply, KindDismiss:
	default:
		return Report{}, cases.Invalid("kind", "未知的操作")
	}
	return s.appendEvent(ctx, id, func(r Report) (Event, error) {
		if err := checkVersion(r, version); err != nil {
			return Event{}, err
		}
		e.Actor = actor.ID
		return e, nil
	})
}

// Register registers the report as a case (source 12310举报) from reg —
// the operator's choice of unit, kind, title and facts — and links both
// ways: the case keeps origin report:<id>, the report the case number. A
// retry finds the case the first attempt registered.
//
// When the report has likely twins that are open cases of the unit
// (OpenCases), registering needs twinsAck, their acknowledgement
// (TwinsAck): the operator has seen them and chose a new case over merging
// into one (Merge). Without it nothing is written and the error names them.
// Errors: ECONFLICT on field twins_ack (*TwinsError), EINVALID, EREFUSED.
func (s *Service) Register(ctx context.Context, scope cases.Scope, actor cases.Actor, id string, reg cases.Registration, twinsAck string) (Report, cases.Case, error) {
	r, err := s.Report(ctx, scope, id)
	if err != nil {
		return Report{}, cases.Case{}, err
	}
	if r.State == StateRegistered && r.CaseNo != "" {
		// Registered already (a second click, a retried form): the case.
		c, err := s.cfg.Cases.Case(ctx, scope, r.CaseNo)
		return r, c, err
	}
	if !r.State.Open() {
		return Report{}, cases.Case{}, cases.Refused("report-state", "举报当前状态为「%s」，不能再立案登记", r.State.Label())
	}
	reg.Source, reg.SourceRef = "hotline", "12310-"+r.ID
	if err := cases.CheckPersonalData(reg); err != nil {
		return Report{}, cases.Case{}, err
	}
	twins, err := s.Twins(ctx, scope, r)
	if err != nil {
		return Report{}, cases.Case{}, err
	}
	if open := OpenCases(twins, strings.TrimSpace(reg.UnitCode)); len(open) > 0 && twinsAck != TwinsAck(open) {
		return Report{}, cases.Case{}, twinsError(open)
	}
	c, _, err := s.cfg.Cases.RegisterFrom(ctx, scope, actor, reg, Key(r.ID), Origin(r.ID))
	if err != nil {
		return Report{}, cases.Case{}, err
	}
	// The files come before the report records the case: a failure leaves
	// the report open, and the retry finds the case and the files copied
	// so far (their evidence IDs derive from the report and the file).
	if err := s.adoptFiles(ctx, actor, r, c.No); err != nil {
		return Report{}, cases.Case{}, err
	}
	r, err = s.appendEvent(ctx, id, func(Report) (Event, error) {
		return Event{Kind: KindRegister, Actor: actor.ID, CaseNo: c.No}, nil
	})
	return r, c, err
}

// adoptFiles copies every file of r (with the report and added later)
// into the evidence of case no.
func (s *Service) adoptFiles(ctx context.Context, actor cases.Actor, r Report, no string) error {
	if s.cfg.Evidence == nil {
		return nil
	}
	for _, a := range r.AllAttachments() {
		data, _, err := s.cfg.Blobs.Get(ctx, a.ObjectKey)
		if err != nil {
			return fmt.Errorf("read attachment %s of report %s: %w", a.ID, r.ID, err)
		}
		if _, err := s.cfg.Evidence.AdoptEvidence(ctx, actor, no, documents.AdoptedID(Origin(r.ID), a.ID), a.Name, data); err != nil {
			return fmt.Errorf("copy attachment %s of report %s into %s: %w", a.ID, r.ID, no, err)
		}
	}
	return nil
}

// Merge merges the report into an existing case, which records the
// hotline as one more source (add_source, origin report:<id>) instead of
// a second case.
func (s *Service) Merge(ctx context.Context, scope cases.Scope, actor cases.Actor, id, caseNo string) (Report, error) {
	r, err := s.Report(ctx, scope, id)
	if err != nil {
		return Report{}, err
	}
	if !r.State.Open() {
		return Report{}, cases.Refused("report-state", "举报当前状态为「%s」，不能再并入问题", r.State.Label())
	}
	caseNo = strings.TrimSpace(caseNo)
	if _, _, err := cases.ParseNo(caseNo); err != nil {
		return Report{}, cases.Invalid("case_no", "台账编号「%s」格式不正确", caseNo)
	}
	c, err := s.cfg.Cases.Case(ctx, scope, caseNo)
	if err != nil {
		if cases.ErrorCode(err) == cases.ENOTFOUND {
			// Out of scope reads as unknown: the operator may merge only
			// into a case they may see.
			return Report{}, cases.Invalid("case_no", "没有编号为 %s 的问题（或不在您的管辖范围内）", caseNo)
		}
		return Report{}, err
	}
	merged := false
	for _, src := range c.Sources {
		merged = merged || src.Origin == Origin(r.ID)
	}
	// A retry after the case recorded the source does not record it twice.
	if !merged {
		if err := MergeInto(r, c); err != nil {
			return Report{}, err
		}
		in := cases.Input{Source: "hotline", Reference: "12310-" + r.ID, Origin: Origin(r.ID)}
		if _, _, err := s.cfg.Cases.Transition(ctx, scope, caseNo, actor, cases.ActionAddSource, in, "", 0); err != nil {
			return Report{}, err
		}
	}
	return s.appendEvent(ctx, id, func(Report) (Event, error) {
		return Event{Kind: KindMerge, Actor: actor.ID, CaseNo: caseNo}, nil
	})
}

// ErrNoReceipt is the one answer to a receipt that is unknown and to a
// secret that is wrong.
var ErrNoReceipt = &cases.Error{Code: cases.ENOTFOUND, Message: "回执码或查询密码不正确。请核对后重试；如已遗失，请拨打 12310 举报电话查询。"}

// authenticate finds the report of receipt with secret, in at least the
// status floor, computing the slow hash whether or not the receipt exists.
func (s *Service) authenticate(ctx context.Context, receipt, secret string) (Report, error) {
	start := time.Now()
	defer func() {
		if d := s.cfg.StatusFloor - time.Since(start); d > 0 {
			time.Sleep(d)
		}
	}()
	code, pw := Normalize(receipt), Normalize(secret)
	rc, err := s.cfg.Store.FindReceipt(ctx, code)
	switch {
	case err == nil && len(code) == ReceiptLen:
	case err == nil || cases.ErrorCode(err) == cases.ENOTFOUND:
		rc = Receipt{SecretHash: s.dummy}
	default:
		return Report{}, err
	}
	ok := access.CheckPassword(rc.SecretHash, pw)
	if !ok || rc.Report == "" {
		return Report{}, ErrNoReceipt
	}
	r, err := s.load(ctx, rc.Report)
	if cases.ErrorCode(err) == cases.ENOTFOUND {
		return Report{}, ErrNoReceipt
	}
	return r, err
}

// Status is the reporter's view of their report, by receipt and secret,
// with the state of the case it became (Report.PublicStatus).
func (s *Service) Status(ctx context.Context, receipt, secret string) (Report, error) {
	r, err := s.authenticate(ctx, receipt, secret)
	if err != nil || r.CaseNo == "" {
		return r, err
	}
	c, err := s.cfg.Cases.Case(ctx, cases.GlobalScope, r.CaseNo)
	if err != nil {
		return Report{}, fmt.Errorf("read case %s of report %s: %w", r.CaseNo, r.ID, err)
	}
	r.CaseState = c.State
	return r, nil
}

// Answer records the reporter's answer to the office's question.
func (s *Service) Answer(ctx context.Context, receipt, secret string, question int, text string) (Report, error) {
	r, err := s.authenticate(ctx, receipt, secret)
	if err != nil {
		return Report{}, err
	}
	return s.appendEvent(ctx, r.ID, func(Report) (Event, error) {
		return Event{Kind: KindAnswer, Actor: ReporterActor, Question: question, Text: text}, nil
	})
}

// Add records information or files the reporter adds. Files are checked
// before any is stored, and stored before the event that names them.
func (s *Service) Add(ctx context.Context, receipt, secret, text string, files []Upload) (Report, error) {
	r, err := s.authenticate(ctx, receipt, secret)
	if err != nil {
		return Report{}, err
	}
	types, err := checkFiles(files)
	if err != nil {
		return Report{}, err
	}
	sized := make([]Attachment, len(files))
	for i, f := range files {
		sized[i].Size = int64(len(f.Data))
	}
	if err := Decide(r, Event{Kind: KindAdd, Text: text, Attachments: sized}); err != nil {
		return Report{}, err
	}
	atts, err := s.storeFiles(ctx, r.ID, files, types)
	if err != nil {
		return Report{}, err
	}
	return s.appendEvent(ctx, r.ID, func(Report) (Event, error) {
		return Event{Kind: KindAdd, Actor: ReporterActor, Text: text, Attachments: atts}, nil
	})
}

// Attachment returns one of a report's files for a hotline user.
func (s *Service) Attachment(ctx context.Context, scope cases.Scope, id, fileID string) (Attachment, []byte, error) {
	r, err := s.Report(ctx, scope, id)
	if err != nil {
		return Attachment{}, nil, err
	}
	for _, a := range r.AllAttachments() {
		if a.ID == fileID {
			b, _, err := s.cfg.Blobs.Get(ctx, a.ObjectKey)
			return a, b, err
		}
	}
	return Attachment{}, nil, cases.NotFound("没有此附件")
}

// checkVersion refuses a form made from another version of r.
func checkVersion(r Report, version int) error {
	if version != r.Version {
		return cases.Conflict("举报已有新的办理记录（可能是表单重复提交或他人已处理），请查看最新情况后再操作")
	}
	return nil
}

// CheckVersion reports ECONFLICT when report id is no longer at version
// (the form the operator saw): registering and merging check it before
// they act, so a stale form does not settle a report someone else has
// just handled.
func (s *Service) CheckVersion(ctx context.Context, scope cases.Scope, id string, version int, k Kind) error {
	r, err := s.Report(ctx, scope, id)
	if err != nil {
		return err
	}
	if k == KindRegister && r.State == StateRegistered {
		return nil // Register answers with the case it registered
	}
	return checkVersion(r, version)
}

// TwinsError refuses registering a report whose open twin cases were not
// acknowledged; it names them, so that a form or client can show them.
type TwinsError struct {
	Err   *cases.Error
	Twins []Twin
}

func (e *TwinsError) Error() string { return e.Err.Error() }

// Unwrap lets cases.AsError find the coded error.
func (e *TwinsError) Unwrap() error { return e.Err }

func twinsError(open []Twin) *TwinsError {
	var names []string
	for _, tw := range open {
		names = append(names, fmt.Sprintf("%s（相似度 %.0f%%）", tw.CaseNo, tw.Score*100))
	}
	e := cases.Conflict("该举报与未办结的问题 %s 内容相近，可能是同一问题：请并入已有问题，或核对后确认不是同一问题再立案登记", strings.Join(names, "、"))
	e.Field = "twins_ack"
	return &TwinsError{Err: e, Twins: open}
}

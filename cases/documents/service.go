package documents

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"rectify/cases"
	"rectify/cases/catalog"
	"rectify/cases/personal"
	"rectify/templates"
)

// WorkDays is the working-day calendar documents need.
type WorkDays interface {
	AddWorkingDays(date string, n int) (string, error)
	WorkingDaysBetween(from, to string) (int, error)
}

// Config wires a Service.
type Config struct {
	Cases      *cases.Service
	Store      Store
	Blobs      Blobs
	Calendar   WorkDays
	Catalog    *catalog.Catalog
	Fonts      templates.Fonts
	Letterhead templates.Letterhead
	Prefixes   Prefixes
	// Contact tells units how to report back, printed on notices.
	Contact string
	// ContactName and ContactPhone are the office's contact person and
	// telephone (联系人、电话), printed on notices.
	ContactName, ContactPhone string
	// SecretPeriod is the 保密期限 printed after 秘密★ on documents about
	// secret cases, e.g. "10年"; empty prints 秘密 alone.
	SecretPeriod string
	// VerifyBase is the public address of the verification page, to which
	// the code is appended, e.g. https://rectify.example.gov.cn/verify/
	VerifyBase string
	// Refuse, when set, is why documents may not be issued (a verification
	// address no one outside this machine can reach): issuing answers it
	// as EUNAVAILABLE; previews and everything else still work.
	Refuse   string
	Location *time.Location
	Now      func() time.Time
}

// Service issues documents and keeps evidence.
type Service struct {
	cfg Config
	// issuing serialises issuing in this process: the check for a document
	// already issued for the same basis and the issue itself are one step,
	// so a double click gets one document, and two issuers of this process
	// never render for the same candidate number. Renders are serialised
	// by the templates anyway; other processes are kept apart by the
	// number claim.
	issuing sync.Mutex
}

// NewService returns a documents service.
func NewService(cfg Config) *Service {
	// A kind the configuration leaves out is numbered with its default.
	prefixes := Prefixes{}
	for k, v := range DefaultPrefixes {
		prefixes[k] = v
	}
	for k, v := range cfg.Prefixes {
		if v != "" {
			prefixes[k] = v
		}
	}
	cfg.Prefixes = prefixes
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("CST", 8*3600)
	}
	if cfg.Letterhead.Zone == nil {
		cfg.Letterhead.Zone = cfg.Location // documents are dated in the office's zone
	}
	if cfg.Contact == "" {
		cfg.Contact = "整改完成后，请通过督改通系统报送整改情况报告及佐证材料，并将加盖公章的书面报告报送" + cfg.Letterhead.Office + "。"
	}
	return &Service{cfg: cfg}
}

// WithClock returns a service that issues as s does on clock now, with a
// ledger on the same clock: for replaying a data set's history (the demo),
// where each document is dated and recorded at the time the data gives.
func (s *Service) WithClock(now func() time.Time) *Service {
	cfg := s.cfg
	cfg.Now = now
	cfg.Cases = cfg.Cases.WithClock(now)
	return &Service{cfg: cfg}
}

// Limits on evidence.
const (
	MaxEvidenceFile = 20 << 20
	MaxEvidenceCase = 200 << 20
	MaxNoticeItems  = 50
)

// NoticeItem is one case on a notice request, with its requirements.
type NoticeItem struct {
	No           string `json:"no"`
	Requirements string `json:"requirements"`
}

// NoticeRequest asks for a rectification notice to one unit.
type NoticeRequest struct {
	UnitCode    string       `json:"unit_code"`
	Items       []NoticeItem `json:"items"`
	Deadline    string       `json:"deadline"`
	WorkingDays int          `json:"working_days"`
	CopiesTo    []string     `json:"copies_to"`
	Replaces    string       `json:"replaces"`
	// Copies is how many numbered copies (份) a secret notice is issued
	// in (1 when 0); a notice that is not secret has no 份号.
	Copies int `json:"copies,omitempty"`
}

// Issued is the result of issuing: the document, and the cases it moved.
// Failed lists cases whose event could not be appended (the document is
// issued regardless; the office sees which cases to act on by hand).
type Issued struct {
	Document Document     `json:"document"`
	Cases    []cases.Case `json:"cases"`
	Failed   []string     `json:"failed,omitempty"`
	// Existing says the document had been issued already for the same
	// basis and is returned instead of a new one.
	Existing bool `json:"existing,omitempty"`
}

func (s *Service) today() string { return s.cfg.Now().In(s.cfg.Location).Format(time.DateOnly) }

// Notice previews (preview=true: rendered, not numbered, nothing stored)
// or issues a rectification notice: each case is ordered to rectify with the
// notice attached.
func (s *Service) Notice(ctx context.Context, scope cases.Scope, actor cases.Actor, req NoticeRequest, preview bool) (Issued, []byte, error) {
	if len(req.Items) == 0 || len(req.Items) > MaxNoticeItems {
		return Issued{}, nil, cases.Invalid("items", "一份通知书须列 1 至 %d 个问题", MaxNoticeItems)
	}
	copies, err := cleanList("copies_to", req.CopiesTo)
	if err != nil {
		return Issued{}, nil, err
	}
	unit, err := s.cfg.Cases.Unit(ctx, scope, req.UnitCode)
	if err != nil {
		if cases.ErrorCode(err) == cases.ENOTFOUND {
			return Issued{}, nil, cases.Invalid("unit_code", "没有代码为「%s」的单位", req.UnitCode)
		}
		return Issued{}, nil, err
	}
	if !preview {
		s.issuing.Lock()
		defer s.issuing.Unlock()
	}
	today := s.today()
	// A re-issued notice (a corrected reprint) covers cases the notice it
	// replaces already ordered: they keep their deadline and are not
	// ordered again; the new document is recorded on them.
	reissue := req.Replaces != ""
	var replaced Document
	if reissue {
		if replaced, err = s.Document(ctx, scope, req.Replaces); err != nil || replaced.Kind != KindNotice {
			return Issued{}, nil, cases.Invalid("replaces", "要替换的通知书 %s 不存在", req.Replaces)
		}
		if req.Deadline != "" || req.WorkingDays != 0 {
			return Issued{}, nil, cases.Invalid("deadline", "重新印发不改变整改期限；延期须经审批（延期）")
		}
	}
	var cs []cases.Case
	seen := map[string]bool{}
	for i, it := range req.Items {
		c, err := s.cfg.Cases.Case(ctx, scope, it.No)
		if err != nil {
			return Issued{}, nil, fieldErr(err, fmt.Sprintf("items[%d].no", i))
		}
		if c.UnitCode != unit.Code || seen[c.No] {
			return Issued{}, nil, cases.Invalid(fmt.Sprintf("items[%d].no", i), "案件 %s 不属于 %s，或重复列出", c.No, unit.Name)
		}
		seen[c.No] = true
		cs = append(cs, c)
	}
	basis := noticeBasis(unit.Code, cs)
	if !preview && !reissue {
		// The same request again (a second click, a retried call) answers
		// with the notice it issued, not a refusal and not a second notice.
		if d, ok, err := s.repeatedNotice(ctx, scope, basis, req, cs); err != nil || ok {
			if err != nil {
				return Issued{}, nil, err
			}
			return s.existing(ctx, scope, d, cs)
		}
	}
	var items []templates.NoticeItem
	var deadline string
	for i, it := range req.Items {
		c := cs[i]
		requirements := strings.TrimSpace(it.Requirements)
		if reissue {
			if !slices.Contains(replaced.Cases, c.No) || c.State != cases.StateRectifying {
				return Issued{}, nil, cases.Invalid(fmt.Sprintf("items[%d].no", i), "案件 %s 不在被替换的通知书中，或已不在整改中", c.No)
			}
			if err := cases.Allowed(c, cases.ActionRecordDocument, actor); err != nil {
				return Issued{}, nil, err
			}
			if requirements == "" {
				return Issued{}, nil, cases.Invalid(fmt.Sprintf("items[%d].requirements", i), "请填写整改要求")
			}
			deadline = c.Deadline
		} else {
			// The state machine decides now, so that issuing cannot half-fail
			// on a rule; only a concurrent change can still stop an event.
			e, err := cases.Decide(c, cases.ActionOrderRectification, actor,
				cases.Input{Requirements: it.Requirements, Deadline: req.Deadline, WorkingDays: req.WorkingDays}, "", today, s.cfg.Calendar)
			if err != nil {
				return Issued{}, nil, fieldErr(err, fmt.Sprintf("items[%d]", i))
			}
			deadline, requirements = e.Input.Deadline, e.Input.Requirements
		}
		kind, _ := s.cfg.Catalog.Kind(c.Kind)
		// Documents go to the unit and to those copied: personal numbers
		// in the case's text are printed masked (the ledger keeps them).
		items = append(items, templates.NoticeItem{No: c.No, Title: personal.Mask(c.Title), Kind: kind.Code + " " + kind.Name,
			Facts: personal.Mask(c.Facts), Requirements: personal.Mask(requirements)})
	}
	days := req.WorkingDays
	if days == 0 && !reissue {
		days, _ = s.cfg.Calendar.WorkingDaysBetween(today, deadline)
	}
	dl, _ := time.Parse(time.DateOnly, deadline)
	n := templates.Notice{Letterhead: s.cfg.Letterhead, UnitName: unit.Name, Items: items, Deadline: dl, WorkingDays: days,
		Contact: s.cfg.Contact, ContactName: s.cfg.ContactName, ContactPhone: s.cfg.ContactPhone,
		CopiesTo: copies, Replaces: replaced.Number}
	n.Classification, n.CopyNo = s.marks(cs)
	numbered, err := copiesOf(req.Copies, n.Classification != "")
	if err != nil {
		return Issued{}, nil, err
	}
	render := func(number, code string, at time.Time, preview bool) ([]byte, error) {
		n.Number, n.VerifyCode, n.VerifyURL, n.Date, n.Preview = number, code, s.cfg.VerifyBase+strings.ReplaceAll(code, "-", ""), at, preview
		var buf bytes.Buffer
		err := templates.RenderOfficial(&buf, n.Official(), s.cfg.Fonts, at)
		return buf.Bytes(), err
	}
	if preview {
		pdf, err := render(s.cfg.Prefixes[KindNotice]+"〔"+today[:4]+"〕　号", "", s.cfg.Now(), true)
		return Issued{}, pdf, err
	}
	doc := Document{Kind: KindNotice, Addressee: unit.Name, UnitCode: unit.Code, Region: unit.Region, Replaces: req.Replaces,
		Title: "关于" + unit.Name + "机构编制问题限期整改的通知", Basis: basis, Copies: numbered}
	for _, c := range cs {
		doc.Cases = append(doc.Cases, c.No)
	}
	doc, pdf, err := s.issue(ctx, actor, doc, func(d Document) ([]byte, error) {
		n.CopyNo = copyNo(d, n.CopyNo)
		return render(d.Number, d.VerifyCode, d.IssuedAt, false)
	})
	if err != nil {
		return Issued{}, nil, err
	}
	if reissue {
		return s.record(ctx, scope, actor, doc, cs), pdf, nil
	}
	out := Issued{Document: doc}
	for i, c := range cs {
		moved, _, err := s.cfg.Cases.Transition(ctx, scope, c.No, actor, cases.ActionOrderRectification,
			cases.Input{Requirements: req.Items[i].Requirements, Deadline: deadline, Document: cases.DocumentRef + doc.ID}, "", c.Version)
		if err != nil {
			out.Failed = append(out.Failed, c.No)
			continue
		}
		out.Cases = append(out.Cases, moved)
	}
	return out, pdf, nil
}

// basisOf is a compact, order-free name for a set of cases, for a
// document's basis.
func basisOf(kind string, parts ...string) string {
	sorted := slices.Sorted(slices.Values(parts))
	sum := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
	return kind + ":" + hex.EncodeToString(sum[:12])
}

// noticeBasis names a notice by its unit and the set of cases it orders.
func noticeBasis(unit string, cs []cases.Case) string {
	parts := []string{"unit " + unit}
	for _, c := range cs {
		parts = append(parts, c.No)
	}
	return basisOf(string(KindNotice), parts...)
}

// repeatedNotice finds the notice a request already issued: every case is
// rectifying under the requirements (and deadline, if given) the request
// asks for, and the latest notice of the first case is for the same set.
func (s *Service) repeatedNotice(ctx context.Context, scope cases.Scope, basis string, req NoticeRequest, cs []cases.Case) (Document, bool, error) {
	for i, c := range cs {
		if c.State != cases.StateRectifying || strings.TrimSpace(req.Items[i].Requirements) != c.Requirements ||
			req.Deadline != "" && req.Deadline != c.Deadline {
			return Document{}, false, nil
		}
	}
	ds, err := s.Documents(ctx, scope, cs[0].No)
	if err != nil {
		return Document{}, false, err
	}
	d, ok := latest(ds, KindNotice)
	return d, ok && d.Basis == basis, nil
}

// latestBasis is the last document of kind k issued for basis, re-issues
// included (a re-issue keeps the basis of the document it replaces).
func latestBasis(ds []Document, k Kind, basis string) (Document, bool) {
	for i := len(ds) - 1; i >= 0; i-- {
		if ds[i].Kind == k && ds[i].Basis == basis {
			return ds[i], true
		}
	}
	return Document{}, false
}

// latest is the last document of kind k that no other in ds replaces.
func latest(ds []Document, k Kind) (Document, bool) {
	replaced := map[string]bool{}
	for _, d := range ds {
		replaced[d.Replaces] = true
	}
	for i := len(ds) - 1; i >= 0; i-- {
		if ds[i].Kind == k && !replaced[ds[i].ID] {
			return ds[i], true
		}
	}
	return Document{}, false
}

// existing answers a repeated request with the document already issued.
func (s *Service) existing(ctx context.Context, scope cases.Scope, d Document, cs []cases.Case) (Issued, []byte, error) {
	pdf, _, err := s.Download(ctx, scope, d.ID)
	if err != nil {
		return Issued{}, nil, err
	}
	return Issued{Document: d, Cases: cs, Existing: true}, pdf, nil
}

// marks are 密级和保密期限 and 份号 for a document about cs: a document
// about any secret case is secret, and carries 份号 000001 until issue
// numbers each copy it renders (copyNo).
func (s *Service) marks(cs []cases.Case) (classification, copyNo string) {
	for _, c := range cs {
		if c.Level == cases.LevelSecret {
			return templates.SecretMark(s.cfg.SecretPeriod), templates.CopyNo(1)
		}
	}
	return "", ""
}

func fieldErr(err error, field string) error {
	if e, ok := cases.AsError(err); ok && e.Code != cases.EINTERNAL {
		c := *e
		if c.Code == cases.ENOTFOUND {
			c.Code = cases.EINVALID
		}
		if c.Field == "" {
			c.Field = field
		} else {
			c.Field = field + "." + c.Field
		}
		return &c
	}
	return err
}

// cleanList trims a list of offices (抄送机关), drops empty entries and
// refuses one that is too long or holds what a document cannot print.
func cleanList(field string, xs []string) ([]string, error) {
	if len(xs) > 50 {
		return nil, cases.Invalid(field, "抄送机关最多 50 个")
	}
	var out []string
	for i, x := range xs {
		if x = strings.TrimSpace(x); x == "" {
			continue
		}
		name := fmt.Sprintf("%s[%d]", field, i)
		if err := cases.CheckShortText(name, x, false); err != nil {
			return nil, err
		}
		if len([]rune(x)) > 50 {
			return nil, cases.Invalid(name, "抄送机关名称不能超过 50 字")
		}
		out = append(out, x)
	}
	return out, nil
}

// issueAttempts bounds how often issue renders again after a concurrent
// issuer took its candidate number.
const issueAttempts = 20

// issue renders the document with the next free number, stores the PDF,
// then claims the number, records the document and links its cases — in
// that order. A failed render or store claims nothing, so the next document
// gets the number this one would have had. Should another process claim
// the candidate first, the document is rendered again with the next one;
// the superseded draft stays in the write-once store, unreferenced (verify
// lists it). Only a stop between claim and record leaves a gap, and verify
// lists that number as void (作废).
func (s *Service) issue(ctx context.Context, actor cases.Actor, doc Document, render func(Document) ([]byte, error)) (Document, []byte, error) {
	if doc.Replaces != "" {
		old, err := s.cfg.Store.FindDocument(ctx, doc.Replaces)
		if err != nil || old.Kind != doc.Kind {
			return Document{}, nil, cases.Invalid("replaces", "要替换的文件 %s 不存在或不是同类文件", doc.Replaces)
		}
	}
	if s.cfg.Refuse != "" {
		return Document{}, nil, &cases.Error{Code: cases.EUNAVAILABLE, Message: s.cfg.Refuse}
	}
	now := cases.TruncateTime(s.cfg.Now())
	doc.Year = now.In(s.cfg.Location).Year()
	doc.IssuedAt, doc.IssuedBy = now, actor
	doc.Office = s.cfg.Letterhead.Office
	doc.VerifyCode = newCode()
	var pdf []byte
	for attempt := 0; ; attempt++ {
		if attempt == issueAttempts {
			return Document{}, nil, cases.Conflict("同时签发的文件较多，未能取得文号，请稍后重试")
		}
		seq, err := s.nextNumber(ctx, doc.Kind, doc.Year)
		if err != nil {
			return Document{}, nil, err
		}
		doc.Seq = seq
		doc.ID = ID(doc.Kind, doc.Year, seq)
		doc.Number = Number(s.cfg.Prefixes[doc.Kind], doc.Year, seq)
		doc.ObjectKey = ObjectKey(doc.ID, doc.Year, newToken())
		doc.copy = 1
		if pdf, err = render(doc); err != nil {
			return Document{}, nil, fmt.Errorf("render %s: %w", doc.Number, err)
		}
		info, err := s.cfg.Blobs.Put(ctx, doc.ObjectKey, pdf, "application/pdf")
		if err != nil {
			return Document{}, nil, storeErr(err, "存储文件失败，未发文，未占用文号")
		}
		doc.SHA256, doc.Size = info.SHA256, info.Size
		// Every numbered copy is stored before the number is claimed: a
		// claimed number always has all its copies.
		if err := s.storeCopies(ctx, &doc, render); err != nil {
			return Document{}, nil, err
		}
		err = s.cfg.Store.ClaimNumber(ctx, Claim{Kind: doc.Kind, Year: doc.Year, Seq: seq, ID: doc.ID, ObjectKey: doc.ObjectKey, At: now})
		if err == nil {
			break
		}
		if cases.ErrorCode(err) != cases.ECONFLICT {
			return Document{}, nil, fmt.Errorf("claim %s: %w", doc.Number, err)
		}
	}
	if err := s.cfg.Store.InsertDocument(ctx, doc); err != nil {
		return Document{}, nil, fmt.Errorf("record %s: %w", doc.Number, err)
	}
	// Should this fail, the document is issued and recorded all the same;
	// reconciling the ledger view with the store links it.
	if err := s.cfg.Cases.Link(ctx, cases.Link{Kind: cases.LinkDocument, ID: doc.ID, Cases: doc.Cases, Number: doc.Number, ToUnit: doc.UnitCode != ""}); err != nil {
		return Document{}, nil, fmt.Errorf("link %s to its cases: %w", doc.Number, err)
	}
	return doc, pdf, nil
}

// storeCopies renders and stores copies 2…doc.Copies of a secret
// document, each with its own 份号, as doc.CopyFiles.
func (s *Service) storeCopies(ctx context.Context, doc *Document, render func(Document) ([]byte, error)) error {
	doc.CopyFiles = nil
	for k := 2; k <= doc.Copies; k++ {
		d := *doc
		d.copy = k
		pdf, err := render(d)
		if err != nil {
			return fmt.Errorf("render %s copy %d: %w", doc.Number, k, err)
		}
		key := strings.TrimSuffix(doc.ObjectKey, ".pdf") + fmt.Sprintf("-%s.pdf", templates.CopyNo(k))
		info, err := s.cfg.Blobs.Put(ctx, key, pdf, "application/pdf")
		if err != nil {
			return storeErr(err, "存储文件失败，未发文，未占用文号")
		}
		doc.CopyFiles = append(doc.CopyFiles, CopyFile{ObjectKey: key, SHA256: info.SHA256, Size: info.Size})
	}
	return nil
}

// storeErr keeps the blob store's code and says what failed.
func storeErr(err error, what string) error {
	if e, ok := cases.AsError(err); ok && e.Code != cases.EINTERNAL {
		return &cases.Error{Code: e.Code, Message: what + "：" + e.Message}
	}
	return &cases.Error{Code: cases.EUNAVAILABLE, Message: what + "：文件存储服务不可用，请稍后重试"}
}

// nextNumber is the number after the last claimed one of a kind and year:
// the candidate a document is rendered with. Claims are contiguous (each
// is the one after the last), so the last is found by a galloping search.
func (s *Service) nextNumber(ctx context.Context, k Kind, year int) (int, error) {
	last, err := cases.LastTaken(1, func(n int) (bool, error) { return s.cfg.Store.NumberClaimed(ctx, k, year, n) })
	if err != nil {
		return 0, fmt.Errorf("find last %s number: %w", k, err)
	}
	return last + 1, nil
}

// newToken makes an object key unique to one rendering.
func newToken() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newCode is a short verification code printed on the first page: 8
// characters of Crockford base32 (40 random bits), shown as XXXX-XXXX.
func newCode() string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	out := make([]byte, 8)
	for i := range b {
		out[i] = alphabet[b[i]%32]
	}
	return string(out[:4]) + "-" + string(out[4:])
}

// FeedbackRequest asks for a letter answering a referral.
type FeedbackRequest struct {
	Addressee string   `json:"addressee"`
	Reference string   `json:"reference"` // their letter's number
	Cases     []string `json:"cases"`
	CopiesTo  []string `json:"copies_to"`
	// Replaces re-issues a letter: without it, asking again for the same
	// reference and cases in the same states returns the letter issued.
	Replaces string `json:"replaces"`
	// Interim makes the letter a 阶段性反馈 on the cases settled so far of
	// a referral of Total problems (the letter counts them all, then lists
	// Cases); its title differs from the final letter's.
	Interim bool `json:"interim,omitempty"`
	Total   int  `json:"total,omitempty"`
	// Copies is how many numbered copies (份) a secret letter is issued
	// in (1 when 0); a letter that is not secret has no 份号.
	Copies int `json:"copies,omitempty"`
}

// Outcome says in words how a case was handled, for feedback letters.
func Outcome(c cases.Case, loc *time.Location) string {
	switch c.State {
	case cases.StateRegistered, cases.StateVerifying:
		return "已登记建账，正在核实。"
	case cases.StateDismissed:
		return "经核实，反映问题查无实据，不予立案。理由：" + c.Outcome
	case cases.StateRectifying:
		return fmt.Sprintf("经核实，问题属实，已下达整改通知，整改期限至%s，正在整改。", dateCN(c.Deadline))
	case cases.StateSubmitted:
		return "经核实，问题属实，已下达整改通知；被监督单位已报送整改情况，正在核验。"
	case cases.StateConfirmed:
		return "经核实，问题属实，已下达整改通知；经核验整改到位，正在审批销号。"
	case cases.StateClosed:
		return fmt.Sprintf("经核实，问题属实，已下达整改通知；经核验整改到位，已于%s销号。", templates.DateIn(c.ClosedAt, loc))
	case cases.StateReopened:
		return "已整改销号，回头看发现问题反弹，已重新打开，将再次督促整改。"
	case cases.StateTransferred:
		return "经核实，已移交纪检监察机关处理（" + c.Outcome + "）。"
	}
	return ""
}

func dateCN(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return templates.DateCN(t)
}

// Feedback previews or issues a feedback letter and records it on each case.
func (s *Service) Feedback(ctx context.Context, scope cases.Scope, actor cases.Actor, req FeedbackRequest, preview bool) (Issued, []byte, error) {
	req.Addressee, req.Reference = strings.TrimSpace(req.Addressee), strings.TrimSpace(req.Reference)
	switch {
	case req.Addressee == "":
		return Issued{}, nil, cases.Invalid("addressee", "请填写主送机关（移交问题的单位）")
	case req.Reference == "":
		return Issued{}, nil, cases.Invalid("reference", "请填写移交函文号")
	case len(req.Cases) == 0 || len(req.Cases) > 200:
		return Issued{}, nil, cases.Invalid("cases", "反馈函须列 1 至 200 个问题")
	}
	for field, v := range map[string]string{"addressee": req.Addressee, "reference": req.Reference} {
		if err := cases.CheckShortText(field, v, true); err != nil {
			return Issued{}, nil, err
		}
	}
	copies, err := cleanList("copies_to", req.CopiesTo)
	if err != nil {
		return Issued{}, nil, err
	}
	if err := cases.Allowed(cases.Case{State: cases.StateRegistered}, cases.ActionRecordDocument, actor); err != nil {
		return Issued{}, nil, err
	}
	if !preview {
		s.issuing.Lock()
		defer s.issuing.Unlock()
	}
	var items []templates.FeedbackItem
	var cs []cases.Case
	var region []string
	// The letter reports the cases as they stand: the same reference and
	// cases in the same states is the same letter; once a case has moved
	// on, a new letter reports the progress.
	parts := []string{"reference " + req.Reference}
	for i, no := range req.Cases {
		c, err := s.cfg.Cases.Case(ctx, scope, no)
		if err != nil {
			return Issued{}, nil, fieldErr(err, fmt.Sprintf("cases[%d]", i))
		}
		if slices.ContainsFunc(cs, func(x cases.Case) bool { return x.No == c.No }) {
			return Issued{}, nil, cases.Invalid(fmt.Sprintf("cases[%d]", i), "案件 %s 重复列出", c.No)
		}
		ds, err := s.Documents(ctx, scope, c.No)
		if err != nil {
			return Issued{}, nil, err
		}
		var noticeNo string
		if n, ok := latest(ds, KindNotice); ok {
			noticeNo = n.Number
		}
		items = append(items, templates.FeedbackItem{No: c.No, Title: personal.Mask(c.Title), UnitName: c.UnitName,
			Outcome: personal.Mask(Outcome(c, s.cfg.Location)), NoticeNo: noticeNo})
		cs = append(cs, c)
		region = commonPrefix(region, c.Region, i == 0)
		parts = append(parts, c.No+" "+string(c.State))
	}
	verb, err := feedbackVerb(cs, req.Reference)
	if err != nil {
		return Issued{}, nil, err
	}
	if req.Interim {
		if req.Total < len(req.Cases) {
			return Issued{}, nil, cases.Invalid("total", "阶段性反馈的问题总数不能少于所列问题数")
		}
		parts = append(parts, fmt.Sprintf("interim %d", req.Total))
	}
	basis := basisOf(string(KindFeedback), parts...)
	if !preview && req.Replaces == "" {
		ds, err := s.Documents(ctx, scope, cs[0].No)
		if err != nil {
			return Issued{}, nil, err
		}
		if d, ok := latestBasis(ds, KindFeedback, basis); ok {
			return s.existing(ctx, scope, d, cs)
		}
	}
	f := templates.Feedback{Letterhead: s.cfg.Letterhead, Addressee: req.Addressee, Reference: req.Reference, Items: items, CopiesTo: copies,
		Interim: req.Interim, Total: req.Total, Verb: verb}
	f.Classification, f.CopyNo = s.marks(cs)
	numbered, err := copiesOf(req.Copies, f.Classification != "")
	if err != nil {
		return Issued{}, nil, err
	}
	doc := Document{Addressee: req.Addressee, Region: region, Replaces: req.Replaces,
		Title: templates.FeedbackTitle(req.Reference, verb, req.Interim), Basis: basis, Copies: numbered}
	return s.issueFeedback(ctx, scope, actor, f, doc, cs, preview)
}

// issueFeedback previews feedback letter f, or issues it as doc and
// records it on each case of cs with the state it reported.
func (s *Service) issueFeedback(ctx context.Context, scope cases.Scope, actor cases.Actor, f templates.Feedback, doc Document, cs []cases.Case, preview bool) (Issued, []byte, error) {
	render := func(d Document, preview bool) ([]byte, error) {
		f.CopyNo = copyNo(d, f.CopyNo)
		f.Number, f.VerifyCode, f.VerifyURL, f.Date, f.Preview = d.Number, d.VerifyCode, s.cfg.VerifyBase+strings.ReplaceAll(d.VerifyCode, "-", ""), d.IssuedAt, preview
		var buf bytes.Buffer
		err := templates.RenderOfficial(&buf, f.Official(), s.cfg.Fonts, d.IssuedAt)
		return buf.Bytes(), err
	}
	if preview {
		pdf, err := render(Document{Number: s.cfg.Prefixes[KindFeedback] + "〔" + s.today()[:4] + "〕　号", IssuedAt: s.cfg.Now()}, true)
		return Issued{}, pdf, err
	}
	doc.Kind = KindFeedback
	doc.Cases = make([]string, 0, len(cs))
	doc.States = make(map[string]cases.State, len(cs))
	for _, c := range cs {
		doc.Cases = append(doc.Cases, c.No)
		doc.States[c.No] = c.State
	}
	doc, pdf, err := s.issue(ctx, actor, doc, func(d Document) ([]byte, error) { return render(d, false) })
	if err != nil {
		return Issued{}, nil, err
	}
	return s.record(ctx, scope, actor, doc, cs), pdf, nil
}

// record appends a record_document event for doc to each case.
func (s *Service) record(ctx context.Context, scope cases.Scope, actor cases.Actor, doc Document, cs []cases.Case) Issued {
	out := Issued{Document: doc}
	for _, c := range cs {
		moved, _, err := s.cfg.Cases.Transition(ctx, scope, c.No, actor, cases.ActionRecordDocument,
			cases.Input{Reference: doc.Number, Document: cases.DocumentRef + doc.ID}, "", 0)
		if err != nil {
			out.Failed = append(out.Failed, c.No)
			continue
		}
		out.Cases = append(out.Cases, moved)
	}
	return out
}

// commonPrefix narrows acc to the region both share.
func commonPrefix(acc, r []string, first bool) []string {
	if first {
		return append([]string{}, r...)
	}
	n := 0
	for n < len(acc) && n < len(r) && acc[n] == r[n] {
		n++
	}
	return acc[:n]
}

// Closing issues the closing approval form of a closed case, once per
// closing: asked again, it returns the form already issued. A case closed
// again after reopening gets a form for that closing.
func (s *Service) Closing(ctx context.Context, scope cases.Scope, actor cases.Actor, no string) (Issued, []byte, error) {
	s.issuing.Lock()
	defer s.issuing.Unlock()
	c, err := s.cfg.Cases.Case(ctx, scope, no)
	if err != nil {
		return Issued{}, nil, err
	}
	if c.State != cases.StateClosed {
		return Issued{}, nil, cases.Refused("from-state", "只有已销号的问题才能生成销号审批表")
	}
	if err := cases.Allowed(c, cases.ActionRecordDocument, actor); err != nil {
		return Issued{}, nil, err
	}
	evs, err := s.cfg.Cases.Events(ctx, scope, no)
	if err != nil {
		return Issued{}, nil, err
	}
	var closed cases.Event
	for _, e := range evs {
		if e.Action == cases.ActionClose {
			closed = e
		}
	}
	basis := fmt.Sprintf("%s:%s:%d", KindClosing, c.No, closed.Seq)
	ds, err := s.Documents(ctx, scope, no)
	if err != nil {
		return Issued{}, nil, err
	}
	for i := len(ds) - 1; i >= 0; i-- {
		d := ds[i]
		// Forms issued before forms carried their basis: one issued since
		// the closing is this closing's.
		if d.Kind == KindClosing && (d.Basis == basis || d.Basis == "" && !d.IssuedAt.Before(cases.TruncateTime(closed.At))) {
			return s.existing(ctx, scope, d, []cases.Case{c})
		}
	}
	ev, err := s.EvidenceOf(ctx, scope, no)
	if err != nil {
		return Issued{}, nil, err
	}
	kind, _ := s.cfg.Catalog.Kind(c.Kind)
	rows := [][2]string{{"台账编号", c.No}, {"被监督单位", c.UnitName}, {"问题", personal.Mask(c.Title)}, {"问题类型", kind.Code + " " + kind.Name},
		{"问题情况", personal.Mask(c.Facts)}, {"整改要求", personal.Mask(c.Requirements)}, {"整改期限", dateCN(c.Deadline)}}
	var report, verify, approve, handler, approver string
	var evidence []string
	for _, e := range evs {
		at := templates.DateIn(e.At, s.cfg.Location)
		who := e.Actor.Name
		if who == "" {
			who = e.Actor.ID
		}
		switch e.Action {
		case cases.ActionSubmit:
			report = personal.Mask(e.Input.Report) + "（" + at + "报送）"
			for _, ref := range e.Input.Evidence {
				evidence = append(evidence, evidenceLine(ref, ev))
			}
		case cases.ActionConfirm:
			verify = personal.Mask(e.Input.Note) + "　核验人：" + who + "　" + at
			handler = e.Actor.Name
		case cases.ActionClose:
			// The approver's words as written, printed once; "同意销号。"
			// only when they wrote none.
			note := strings.TrimSpace(personal.Mask(e.Input.Note))
			if note == "" {
				note = "同意销号。"
			}
			approve = note + "　审批人：" + who + "　" + at
			approver = e.Actor.Name
		}
	}
	for i := range evidence {
		evidence[i] = fmt.Sprintf("%d．%s", i+1, evidence[i])
	}
	rows = append(rows, [2]string{"整改情况", report}, [2]string{"佐证材料", strings.Join(evidence, "\n")},
		[2]string{"核验意见", verify}, [2]string{"审批意见", approve})
	// Signed by hand on the printed form: the names the ledger knows are
	// printed beside the line (the office staff who verified handled it,
	// the approver who closed it is the leader in charge); the head of the
	// division signs on a blank line, as the ledger does not record who
	// that is.
	signatures := []string{"承办人：" + handler, "处室负责人：", "分管领导：" + approver}
	doc := Document{Kind: KindClosing, Addressee: c.UnitName, UnitCode: c.UnitCode, Region: c.Region, Cases: []string{c.No},
		Title: "问题整改销号审批表（" + c.No + "）", Basis: basis}
	classification, copyNo := s.marks([]cases.Case{c})
	if classification != "" {
		doc.Copies = 1 // the form is kept on file: one copy
	}
	doc, pdf, err := s.issue(ctx, actor, doc, func(d Document) ([]byte, error) {
		var buf bytes.Buffer
		err := templates.RenderForm(&buf, templates.Form{Office: s.cfg.Letterhead.Office, Title: "问题整改销号审批表", Number: d.Number,
			Rows: rows, Signatures: signatures, Date: d.IssuedAt, VerifyCode: d.VerifyCode, VerifyURL: s.cfg.VerifyBase + strings.ReplaceAll(d.VerifyCode, "-", ""),
			Classification: classification, CopyNo: copyNo}, s.cfg.Fonts, d.IssuedAt)
		return buf.Bytes(), err
	})
	if err != nil {
		return Issued{}, nil, err
	}
	return s.record(ctx, scope, actor, doc, []cases.Case{c}), pdf, nil
}

func evidenceLine(ref string, ev []Evidence) string {
	if id, ok := strings.CutPrefix(ref, cases.EvidenceRef); ok {
		for _, e := range ev {
			if e.ID == id {
				return fmt.Sprintf("%s（SHA-256 %s…）", e.Name, e.SHA256[:12])
			}
		}
	}
	return ref
}

// visible reports whether scope may see a document.
func visible(scope cases.Scope, d Document) bool {
	if scope.Global {
		return true
	}
	if !scope.AllowsRegion(d.Region) {
		return false
	}
	return scope.Units == nil || (d.UnitCode != "" && slices.Contains(scope.Units, d.UnitCode))
}

// Document returns a document's record if scope may see it.
func (s *Service) Document(ctx context.Context, scope cases.Scope, id string) (Document, error) {
	if !ValidID(id) {
		return Document{}, noDocument(id)
	}
	d, err := s.cfg.Store.FindDocument(ctx, id)
	if cases.ErrorCode(err) == cases.ENOTFOUND {
		return Document{}, noDocument(id)
	}
	if err != nil {
		return Document{}, err
	}
	if !visible(scope, d) {
		return Document{}, noDocument(id)
	}
	return d, nil
}

// noDocument is the one answer for a document that does not exist and for
// one outside the caller's scope: the two must not be told apart.
func noDocument(id string) error { return cases.NotFound("文件 %s 不存在", id) }

// Documents lists the documents of a case, in the order they were issued.
func (s *Service) Documents(ctx context.Context, scope cases.Scope, no string) ([]Document, error) {
	ids, _, err := s.cfg.Cases.Links(ctx, scope, no)
	if err != nil {
		return nil, err
	}
	out := []Document{}
	for _, id := range ids {
		d, err := s.cfg.Store.FindDocument(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("documents of %s: %w", no, err)
		}
		if visible(scope, d) {
			out = append(out, d)
		}
	}
	return out, nil
}

// Download returns a document's PDF, verified against its recorded hash.
func (s *Service) Download(ctx context.Context, scope cases.Scope, id string) ([]byte, Document, error) {
	d, err := s.Document(ctx, scope, id)
	if err != nil {
		return nil, Document{}, err
	}
	b, err := s.verified(ctx, d.ObjectKey, d.SHA256, "文件 "+d.Number)
	return b, d, err
}

// DownloadCopy returns numbered copy k (1…Copies) of a secret document,
// verified against its recorded hash; copy 1 is what Download returns.
// A copy the document was not issued in is ENOTFOUND.
func (s *Service) DownloadCopy(ctx context.Context, scope cases.Scope, id string, k int) ([]byte, Document, error) {
	d, err := s.Document(ctx, scope, id)
	if err != nil {
		return nil, Document{}, err
	}
	if k == 1 {
		b, err := s.verified(ctx, d.ObjectKey, d.SHA256, "文件 "+d.Number)
		return b, d, err
	}
	if k < 2 || k-2 >= len(d.CopyFiles) {
		return nil, Document{}, cases.NotFound("文件 %s 没有第 %d 份", d.Number, k)
	}
	f := d.CopyFiles[k-2]
	b, err := s.verified(ctx, f.ObjectKey, f.SHA256, fmt.Sprintf("文件 %s 第 %d 份", d.Number, k))
	return b, d, err
}

// verified reads an object and checks it against the recorded hash.
func (s *Service) verified(ctx context.Context, key, want, what string) ([]byte, error) {
	b, _, err := s.cfg.Blobs.Get(ctx, key)
	if err != nil {
		if e, ok := cases.AsError(err); ok && e.Code == cases.ENOTFOUND {
			return nil, &cases.Error{Code: cases.ECORRUPT, Message: fmt.Sprintf("%s 的存储对象 %s 缺失", what, key)}
		}
		return nil, storeErr(err, what+" 读取失败")
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != want {
		return nil, &cases.Error{Code: cases.ECORRUPT, Message: fmt.Sprintf("%s 的存储对象 %s 已损坏或被改动（SHA-256 与发文记录不符）", what, key)}
	}
	return b, nil
}

// Verification is what the public verification page shows: nothing more.
// The office and title are printed on the document itself, so a reader
// holding it may see them; addressee and cases are not.
type Verification struct {
	Number   string    `json:"number"`
	Kind     string    `json:"kind"`
	Office   string    `json:"office"`
	Title    string    `json:"title"`
	IssuedAt time.Time `json:"issued_at"`
	Intact   bool      `json:"intact"`
}

// Verify looks a verification code up and checks the stored file's hash.
func (s *Service) Verify(ctx context.Context, code string) (Verification, error) {
	code = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), "-", ""))
	if len(code) != 8 || strings.Trim(code, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") != "" {
		return Verification{}, cases.NotFound("没有与此核验码对应的文件")
	}
	d, err := s.cfg.Store.FindDocumentByCode(ctx, code[:4]+"-"+code[4:])
	if err != nil {
		return Verification{}, err
	}
	v := Verification{Number: d.Number, Kind: d.Kind.Label(), Office: d.Office, Title: d.Title, IssuedAt: d.IssuedAt}
	if v.Office == "" {
		v.Office = s.cfg.Letterhead.Office // recorded before the office was kept
	}
	_, err = s.verified(ctx, d.ObjectKey, d.SHA256, d.Number)
	v.Intact = err == nil
	if err != nil && cases.ErrorCode(err) != cases.ECORRUPT {
		return Verification{}, err
	}
	return v, nil
}

// Upload is one file a unit sends with its report.
type Upload struct {
	Name string
	Data []byte
}

// AddEvidence stores uploaded files for a case the actor may report on.
// Every file is checked before any is stored.
func (s *Service) AddEvidence(ctx context.Context, scope cases.Scope, actor cases.Actor, no string, files []Upload) ([]Evidence, error) {
	c, err := s.cfg.Cases.Case(ctx, scope, no)
	if err != nil {
		return nil, err
	}
	if err := cases.Allowed(c, cases.ActionSubmit, actor); err != nil {
		return nil, err
	}
	if len(files) == 0 || len(files) > cases.MaxEvidence {
		return nil, cases.Invalid("file", "请选择 1 至 %d 个文件", cases.MaxEvidence)
	}
	have, err := s.EvidenceOf(ctx, scope, no)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, e := range have {
		total += e.Size
	}
	types, size, err := checkUploads(files)
	if err != nil {
		return nil, err
	}
	total += size
	if total > MaxEvidenceCase {
		return nil, cases.Invalid("file", "每个问题的佐证材料合计不能超过 %d MB", MaxEvidenceCase>>20)
	}
	var out []Evidence
	for i, f := range files {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		key := fmt.Sprintf("evidence/%s/%s%s", no, id, Extension(types[i]))
		info, err := s.cfg.Blobs.Put(ctx, key, f.Data, types[i])
		if err != nil {
			return out, storeErr(err, "存储佐证材料失败")
		}
		e := Evidence{ID: id, CaseNo: no, Name: SanitizeName(f.Name, types[i]), ContentType: types[i], Size: info.Size,
			SHA256: info.SHA256, ObjectKey: key, UploadedBy: actor, UploadedAt: cases.TruncateTime(s.cfg.Now())}
		if err := s.cfg.Store.InsertEvidence(ctx, e); err != nil {
			return out, fmt.Errorf("record evidence: %w", err)
		}
		if err := s.cfg.Cases.Link(ctx, cases.Link{Kind: cases.LinkEvidence, ID: e.ID, Cases: []string{no}}); err != nil {
			return out, fmt.Errorf("link evidence to %s: %w", no, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// checkUploads checks every file by its bytes (never its name) and size,
// and returns their content types and total size.
func checkUploads(files []Upload) ([]string, int64, error) {
	types := make([]string, len(files))
	var total int64
	for i, f := range files {
		if len(f.Data) == 0 {
			return nil, 0, cases.Invalid("file", "文件「%s」是空的", SanitizeName(f.Name, ""))
		}
		if len(f.Data) > MaxEvidenceFile {
			return nil, 0, cases.Invalid("file", "文件「%s」超过 %d MB", SanitizeName(f.Name, ""), MaxEvidenceFile>>20)
		}
		if types[i] = Sniff(f.Data); types[i] == "" {
			return nil, 0, cases.Invalid("file", "文件「%s」不是允许的类型（PDF、JPEG、PNG、DOCX、XLSX、OFD）", SanitizeName(f.Name, ""))
		}
		total += int64(len(f.Data))
	}
	return types, total, nil
}

// EvidenceOf lists a case's evidence, in the order it was uploaded.
func (s *Service) EvidenceOf(ctx context.Context, scope cases.Scope, no string) ([]Evidence, error) {
	_, ids, err := s.cfg.Cases.Links(ctx, scope, no)
	if err != nil {
		return nil, err
	}
	out := []Evidence{}
	for _, id := range ids {
		e, err := s.cfg.Store.FindEvidence(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("evidence of %s: %w", no, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// CheckEvidenceRefs makes sure every evidence:ID reference belongs to case no.
func (s *Service) CheckEvidenceRefs(ctx context.Context, no string, refs []string) error {
	for _, r := range refs {
		id, ok := strings.CutPrefix(r, cases.EvidenceRef)
		if !ok {
			continue
		}
		e, err := s.cfg.Store.FindEvidence(ctx, id)
		if err != nil || e.CaseNo != no {
			return cases.Invalid("evidence", "佐证材料 %s 不属于本问题", id)
		}
	}
	return nil
}

// EvidenceFile returns one evidence file of a case, verified.
func (s *Service) EvidenceFile(ctx context.Context, scope cases.Scope, no, id string) ([]byte, Evidence, error) {
	if _, err := s.cfg.Cases.Case(ctx, scope, no); err != nil {
		return nil, Evidence{}, err
	}
	e, err := s.cfg.Store.FindEvidence(ctx, id)
	if err != nil || e.CaseNo != no {
		return nil, Evidence{}, cases.NotFound("佐证材料 %s 不存在", id)
	}
	b, err := s.verified(ctx, e.ObjectKey, e.SHA256, "佐证材料「"+e.Name+"」")
	return b, e, err
}

// Unreferenced lists stored objects no record points to (see
// Store.ObjectKeys): what an interrupted issue may leave behind, and drafts superseded
// when another server claimed their number first (the store is
// write-once: they are listed, not deleted).
func (s *Service) Unreferenced(ctx context.Context) ([]string, error) {
	keys, err := s.cfg.Blobs.Keys(ctx, "")
	if err != nil {
		return nil, err
	}
	refs, err := s.cfg.Store.ObjectKeys(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, k := range refs {
		known[k] = true
	}
	var out []string
	for _, k := range keys {
		// Signed checkpoints share the store and are no document's.
		if !known[k] && !strings.HasPrefix(k, "checkpoints/") {
			out = append(out, k)
		}
	}
	return out, nil
}

// Void is a claimed document number that no document record carries: the
// issue stopped between claiming the number and recording the document. The
// number is void (作废) and never used again; its PDF, if stored, is at
// ObjectKey and unreferenced.
type Void struct {
	Kind      Kind      `json:"kind"`
	Year      int       `json:"year"`
	Seq       int       `json:"seq"`
	Number    string    `json:"number"`
	ClaimedAt time.Time `json:"claimed_at"`
	ObjectKey string    `json:"object_key,omitempty"`
}

// VoidNumbers lists the void numbers, by kind, year and number.
func (s *Service) VoidNumbers(ctx context.Context) ([]Void, error) {
	claims, err := s.cfg.Store.Claims(ctx)
	if err != nil {
		return nil, fmt.Errorf("void numbers: %w", err)
	}
	ids, err := s.cfg.Store.DocumentIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("void numbers: %w", err)
	}
	recorded := map[string]bool{}
	for _, id := range ids {
		recorded[id] = true
	}
	out := []Void{}
	for _, c := range claims {
		if recorded[ID(c.Kind, c.Year, c.Seq)] {
			continue
		}
		out = append(out, Void{Kind: c.Kind, Year: c.Year, Seq: c.Seq, Number: Number(s.cfg.Prefixes[c.Kind], c.Year, c.Seq),
			ClaimedAt: c.At, ObjectKey: c.ObjectKey})
	}
	slices.SortFunc(out, func(a, b Void) int {
		return cmp.Or(strings.Compare(string(a.Kind), string(b.Kind)), cmp.Compare(a.Year, b.Year), cmp.Compare(a.Seq, b.Seq))
	})
	return out, nil
}

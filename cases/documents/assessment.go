package documents

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"rectify/cases"
	"rectify/templates"
)

// AssessmentLetterRequest asks for the result letter (评估结果反馈) of one
// unit in one round of the annual assessment. The assessment keeps which
// letters it issued: Issued and Recorded read and keep them, both called
// while issuing is serialised, so that a double click gets one letter.
type AssessmentLetterRequest struct {
	Round    string // the round's id
	UnitCode string
	// Result is the letter's content; number, date and verification are
	// filled in on issuing.
	Result templates.AssessmentResult
	// Cases are the ledger numbers of the problems the letter lists: the
	// letter is recorded on each.
	Cases []string
	// Reissue replaces the letter issued before with a new one (after the
	// round was reopened and finalised again, or to correct it).
	Reissue bool
	// Issued returns the ids of the letters issued for the round and unit
	// so far, oldest first.
	Issued func(ctx context.Context) ([]string, error)
	// Recorded keeps a newly issued letter with the assessment.
	Recorded func(ctx context.Context, d Document) error
}

// AssessmentLetter issues a unit's result letter once per round and unit:
// asked again without Reissue it returns the letter issued. The letter is
// numbered (云编评〔year〕n号), stored, verifiable and recorded on the cases
// its problems were registered as, like every other document.
func (s *Service) AssessmentLetter(ctx context.Context, scope cases.Scope, actor cases.Actor, req AssessmentLetterRequest) (Issued, []byte, error) {
	if err := cases.Allowed(cases.Case{State: cases.StateRegistered}, cases.ActionRecordDocument, actor); err != nil {
		return Issued{}, nil, err
	}
	unit, err := s.cfg.Cases.Unit(ctx, scope, req.UnitCode)
	if err != nil {
		return Issued{}, nil, fieldErr(err, "unit_code")
	}
	var cs []cases.Case
	for i, no := range req.Cases {
		c, err := s.cfg.Cases.Case(ctx, scope, no)
		if err != nil {
			return Issued{}, nil, fieldErr(err, fmt.Sprintf("cases[%d]", i))
		}
		cs = append(cs, c)
	}
	s.issuing.Lock()
	defer s.issuing.Unlock()
	ids, err := req.Issued(ctx)
	if err != nil {
		return Issued{}, nil, fmt.Errorf("result letters of %s/%s: %w", req.Round, req.UnitCode, err)
	}
	doc := Document{Kind: KindAssessment, Addressee: unit.Name, UnitCode: unit.Code, Region: append([]string{}, unit.Region...),
		Title: fmt.Sprintf("关于%d年度“三评合一”评估结果的反馈（%s）", req.Result.Year, unit.Name),
		Basis: "assessment:" + req.Round + "/" + req.UnitCode}
	if len(ids) > 0 {
		last, err := s.cfg.Store.FindDocument(ctx, ids[len(ids)-1])
		if err != nil {
			return Issued{}, nil, fmt.Errorf("result letter %s: %w", ids[len(ids)-1], err)
		}
		if !req.Reissue {
			return s.existing(ctx, scope, last, cs)
		}
		doc.Replaces = last.ID
	}
	r := req.Result
	r.Classification, r.CopyNo = s.marks(cs)
	doc.Cases = make([]string, 0, len(cs))
	for _, c := range cs {
		doc.Cases = append(doc.Cases, c.No)
	}
	doc, pdf, err := s.issue(ctx, actor, doc, func(d Document) ([]byte, error) {
		r.Letterhead, r.Number, r.Date, r.Preview = s.cfg.Letterhead, d.Number, d.IssuedAt.In(s.cfg.Location), false
		r.VerifyCode, r.VerifyURL = d.VerifyCode, s.cfg.VerifyBase+strings.ReplaceAll(d.VerifyCode, "-", "")
		var buf bytes.Buffer
		err := templates.RenderOfficial(&buf, r.Official(), s.cfg.Fonts, d.IssuedAt)
		return buf.Bytes(), err
	})
	if err != nil {
		return Issued{}, nil, err
	}
	// The letter is issued and recorded as a document; should keeping it
	// with the assessment fail, the error says so and the document stays
	// findable by its number and verification code.
	if err := req.Recorded(ctx, doc); err != nil {
		return Issued{}, nil, fmt.Errorf("keep result letter %s with the assessment: %w", doc.Number, err)
	}
	return s.record(ctx, scope, actor, doc, cs), pdf, nil
}

// assessOwnerRE is the owner of self-assessment evidence: round, unit and
// point, each plain (they also name the object key's folders).
var assessOwnerRE = regexp.MustCompile(`^assessment:([0-9]{4}(?:-[0-9a-f]{10})?)/([A-Za-z0-9_-]{1,40})/([A-Za-z0-9.]{1,20})$`)

// AddOwnedEvidence stores evidence files that belong to something other
// than a case — a unit's self-assessment of an assessment point, owner
// "assessment:<round>/<unit>/<point>" — with the same checks as a case's
// evidence: every file checked by its bytes before any is stored. Whoever
// may add them is the caller's rule (the assessment's).
func (s *Service) AddOwnedEvidence(ctx context.Context, actor cases.Actor, owner string, files []Upload) ([]Evidence, error) {
	m := assessOwnerRE.FindStringSubmatch(owner)
	if m == nil {
		return nil, cases.Invalid("owner", "佐证材料的归属不正确")
	}
	if len(files) == 0 || len(files) > cases.MaxEvidence {
		return nil, cases.Invalid("file", "请选择 1 至 %d 个文件", cases.MaxEvidence)
	}
	types, _, err := checkUploads(files)
	if err != nil {
		return nil, err
	}
	var out []Evidence
	for i, f := range files {
		id := newEvidenceID()
		key := fmt.Sprintf("evidence/assessment/%s/%s/%s%s", m[1], m[2], id, Extension(types[i]))
		info, err := s.cfg.Blobs.Put(ctx, key, f.Data, types[i])
		if err != nil {
			return out, storeErr(err, "存储佐证材料失败")
		}
		e := Evidence{ID: id, Owner: owner, Name: SanitizeName(f.Name, types[i]), ContentType: types[i], Size: info.Size,
			SHA256: info.SHA256, ObjectKey: key, UploadedBy: actor, UploadedAt: cases.TruncateTime(s.cfg.Now())}
		if err := s.cfg.Store.InsertEvidence(ctx, e); err != nil {
			return out, fmt.Errorf("record evidence: %w", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// OwnedEvidenceFile returns one evidence file of owner, verified against
// its SHA-256.
func (s *Service) OwnedEvidenceFile(ctx context.Context, owner, id string) ([]byte, Evidence, error) {
	e, err := s.cfg.Store.FindEvidence(ctx, id)
	if err != nil || e.Owner != owner || owner == "" {
		return nil, Evidence{}, cases.NotFound("佐证材料 %s 不存在", id)
	}
	b, err := s.verified(ctx, e.ObjectKey, e.SHA256, "佐证材料「"+e.Name+"」")
	return b, e, err
}

func newEvidenceID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

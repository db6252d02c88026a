package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"rectify/cases"
)

// AdoptedID is the evidence ID of a file adopted from an intake record:
// derived from the record and the file, so that a retried adoption finds
// the evidence the first attempt recorded.
func AdoptedID(origin, fileID string) string {
	sum := sha256.Sum256([]byte(origin + "/" + fileID))
	return hex.EncodeToString(sum[:8])
}

// AdoptEvidence records a file an intake record carried (a 12310 report's
// attachment, kept as evidence of the report) as evidence of case no, when
// the record becomes that case. It is the system's act on the operator's
// registration, not a unit's submission, so it needs no submit right; it
// is idempotent by id (see AdoptedID): a retry re-links what is recorded
// and stores nothing twice.
func (s *Service) AdoptEvidence(ctx context.Context, actor cases.Actor, no, id, name string, data []byte) (Evidence, error) {
	if e, err := s.cfg.Store.FindEvidence(ctx, id); err == nil {
		if e.CaseNo != no {
			return Evidence{}, cases.Conflict("材料 %s 已作为问题 %s 的佐证材料", id, e.CaseNo)
		}
		return e, s.linkOnce(ctx, e)
	} else if cases.ErrorCode(err) != cases.ENOTFOUND {
		return Evidence{}, fmt.Errorf("adopt evidence %s: %w", id, err)
	}
	typ := Sniff(data)
	if typ == "" || len(data) == 0 || len(data) > MaxEvidenceFile {
		return Evidence{}, cases.Invalid("file", "文件「%s」不能作为佐证材料（类型或大小不符）", SanitizeName(name, ""))
	}
	key := fmt.Sprintf("evidence/%s/%s%s", no, id, Extension(typ))
	info, err := s.cfg.Blobs.Put(ctx, key, data, typ)
	if err != nil {
		return Evidence{}, storeErr(err, "存储佐证材料失败")
	}
	e := Evidence{ID: id, CaseNo: no, Name: SanitizeName(name, typ), ContentType: typ, Size: info.Size,
		SHA256: info.SHA256, ObjectKey: key, UploadedBy: actor, UploadedAt: cases.TruncateTime(s.cfg.Now())}
	if err := s.cfg.Store.InsertEvidence(ctx, e); err != nil && cases.ErrorCode(err) != cases.ECONFLICT {
		return Evidence{}, fmt.Errorf("record evidence %s: %w", id, err)
	}
	return e, s.linkOnce(ctx, e)
}

// linkOnce links evidence e to its case unless the case lists it already.
func (s *Service) linkOnce(ctx context.Context, e Evidence) error {
	_, ids, err := s.cfg.Cases.Links(ctx, cases.GlobalScope, e.CaseNo)
	if err != nil {
		return fmt.Errorf("links of %s: %w", e.CaseNo, err)
	}
	if slices.Contains(ids, e.ID) {
		return nil
	}
	if err := s.cfg.Cases.Link(ctx, cases.Link{Kind: cases.LinkEvidence, ID: e.ID, Cases: []string{e.CaseNo}}); err != nil {
		return fmt.Errorf("link evidence to %s: %w", e.CaseNo, err)
	}
	return nil
}

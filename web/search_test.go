package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
)

// TestLedgerSearchFindsReferencesAndDocumentNumbers: the office finds a
// case by its referral letter's number, however the brackets are typed,
// and by the number of a notice issued on it; the unit finds it by the
// notice it received, never by the referral it may not see.
func TestLedgerSearchFindsReferencesAndDocumentNumbers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	reg := casetest.Registration("QH001")
	reg.SourceRef = "云巡办移〔2026〕21号"
	c, _, err := e.Service.Register(ctx, cases.GlobalScope, casetest.Office, reg, "")
	if err != nil {
		t.Fatal(err)
	}
	e.register("QH001", cases.LevelInternal) // another case of the unit, under another referral
	e.Service.Transition(ctx, cases.GlobalScope, c.No, testActor("li.ming", cases.RoleOffice), cases.ActionStartVerification, cases.Input{}, "", 0)
	r := e.json("POST", "/api/v1/notices", "li.ming", map[string]any{"unit_code": "QH001", "working_days": 10,
		"items": []map[string]any{{"no": c.No, "requirements": "清退借用人员"}}})
	if r.Status != 201 {
		t.Fatalf("issue notice: %d %s", r.Status, r.Raw)
	}
	number := r.Body["document"].(map[string]any)["number"].(string)
	typed := strings.NewReplacer("〔", "[", "〕", "]").Replace(number)
	for _, tt := range []struct {
		name, user, q string
		found         bool
	}{
		{"OfficeBySourceRef", "li.ming", "云巡办移〔2026〕21号", true},
		{"OfficeBySourceRefTyped", "li.ming", "云巡办移[2026]21号", true},
		{"OfficeByNoticeNumber", "li.ming", number, true},
		{"OfficeByNoticeNumberTyped", "li.ming", typed, true},
		{"UnitByNoticeNumber", "unit.qh001", number, true},
		{"UnitNotBySourceRef", "unit.qh001", "云巡办移〔2026〕21号", false},
		{"UnitNotBySourceRefTyped", "unit.qh001", "云巡办移(2026)21号", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.json("GET", "/api/v1/cases?q="+url.QueryEscape(tt.q), tt.user, nil)
			total, _ := r.Body["total"].(float64)
			if r.Status != 200 || (total == 1) != tt.found || total > 1 {
				t.Errorf("API search %q as %s: %d %s", tt.q, tt.user, r.Status, r.Raw)
			}
			page := e.req("GET", "/ledger?q="+url.QueryEscape(tt.q), tt.user, "", nil)
			if page.Status != 200 || strings.Contains(page.Raw, "/cases/"+c.No) != tt.found {
				t.Errorf("ledger search %q as %s: %d, shows the case %v, want %v", tt.q, tt.user, page.Status, !tt.found, tt.found)
			}
		})
	}
}

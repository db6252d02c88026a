package web_test

import (
	"context"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
)

// TestPatrolDoesNotRegisterDirectly: a patrol member refers problems by
// their team's referral batch. The register form and the API's register
// endpoint are refused to them, the header offers no 登记问题, and the
// ledger service refuses a patrol actor's registration that does not come
// from a referral batch.
func TestPatrolDoesNotRegisterDirectly(t *testing.T) {
	e := newEnv(t)
	reg := casetest.Registration("QH001")
	body := map[string]any{"source": "audit", "source_ref": "云审移〔2026〕3号", "unit_code": "QH001", "violation_kind": reg.Kind,
		"title": reg.Title, "facts": reg.Facts, "level": "internal"}
	before := e.counts()
	for _, src := range []string{"audit", "hotline", "patrol"} {
		body["source"] = src
		if r := e.json("POST", "/api/v1/cases", "zhou.qiang", body); r.Status != 403 {
			t.Errorf("API register with source %s: %d, want 403", src, r.Status)
		}
	}
	if r := e.req("GET", "/cases/new", "zhou.qiang", "", nil); r.Status != 403 {
		t.Errorf("the register form: %d, want 403", r.Status)
	}
	if r := e.postForm("/cases/new", "zhou.qiang", map[string][]string{"source": {"audit"}, "source_ref": {"x"}, "unit_code": {"QH001"},
		"violation_kind": {reg.Kind}, "title": {reg.Title}, "facts": {reg.Facts}, "level": {"internal"}}); r.Status != 403 {
		t.Errorf("posting the register form: %d, want 403", r.Status)
	}
	for col, n := range e.counts() {
		if before[col] != n {
			t.Errorf("%s: %d documents, was %d", col, n, before[col])
		}
	}
	if home := e.req("GET", "/patrol", "zhou.qiang", "", nil); home.Status != 200 || strings.Contains(home.Raw, `href="/cases/new"`) {
		t.Error("the header offers 登记问题 to a patrol member")
	}
	if home := e.req("GET", "/ledger", "li.ming", "", nil); !strings.Contains(home.Raw, `href="/cases/new"`) {
		t.Error("the header no longer offers 登记问题 to the office")
	}
	// The service itself: a patrol actor registers from a referral batch
	// with the patrol source, and nothing else.
	patrol := cases.Actor{ID: "zhou.qiang", Name: "周强", Role: cases.RolePatrol}
	scope := cases.Scope{Region: "江南省/云州市", Units: []string{"QH001"}}
	ctx := context.Background()
	audit := reg
	audit.Source = "audit"
	if _, _, err := e.Service.Register(ctx, scope, patrol, audit, ""); cases.ErrorCode(err) != cases.EREFUSED {
		t.Errorf("direct registration by a patrol actor: %v, want EREFUSED", err)
	}
	if _, _, err := e.Service.RegisterFrom(ctx, scope, patrol, audit, "", "batch:x"); cases.ErrorCode(err) != cases.EREFUSED {
		t.Errorf("a batch registration of source audit: %v, want EREFUSED", err)
	}
	if _, _, err := e.Service.RegisterFrom(ctx, scope, patrol, reg, "", "batch:x"); err != nil {
		t.Errorf("a patrol referral batch's registration: %v", err)
	}
}

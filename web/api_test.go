package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/web"
)

const (
	office   = "li.ming"
	office2  = "zhao.lei"
	approver = "wang.fang"
	unit     = "unit.qh001"
)

var validCase = map[string]any{"source": "hotline", "source_ref": "12310-2026-0042", "unit_code": "QH001",
	"violation_kind": "D01", "title": "吃空饷", "facts": "群众反映有2名人员长期不上班但照常领取工资。", "level": "internal"}

func TestAPILifecycle(t *testing.T) {
	c := newEnv(t)
	env := c
	r := c.json("POST", "/api/v1/cases", office, validCase)
	if r.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	no := r.Body["no"].(string)
	if r.Header.Get("Location") != "/api/v1/cases/"+no || r.Body["state"] != "registered" || r.Body["light"] != "green" {
		t.Fatalf("register answer: %s", r.Raw)
	}
	steps := []struct {
		as   string
		body map[string]any
		want string
	}{
		{office, map[string]any{"action": "start_verification"}, "verifying"},
		{office, map[string]any{"action": "order_rectification", "input": map[string]any{"requirements": "停发工资并清理", "working_days": 15}}, "rectifying"},
		{approver, map[string]any{"action": "extend", "input": map[string]any{"reason": "涉及人员安置", "working_days": 5}}, "rectifying"},
		{unit, map[string]any{"action": "submit", "input": map[string]any{"report": "已停发并清理", "evidence": []string{"停发通知.pdf"}}}, "submitted"},
		{office, map[string]any{"action": "return", "input": map[string]any{"reason": "缺少财政停发证明"}}, "rectifying"},
		{unit, map[string]any{"action": "submit", "input": map[string]any{"report": "补充证明", "evidence": []string{"财政证明.pdf"}}}, "submitted"},
		{office2, map[string]any{"action": "confirm", "input": map[string]any{"note": "核验到位"}}, "confirmed"},
		{approver, map[string]any{"action": "close", "comment": "同意销号"}, "closed"},
	}
	for _, st := range steps {
		r := c.json("POST", "/api/v1/cases/"+no+"/transitions", st.as, st.body)
		if r.Status != http.StatusOK {
			t.Fatalf("%v: %d %s", st.body["action"], r.Status, r.Raw)
		}
		if got := r.Body["case"].(map[string]any)["state"]; got != st.want {
			t.Fatalf("%v: state %v, want %s", st.body["action"], got, st.want)
		}
	}
	r = c.json("GET", "/api/v1/cases/"+no, office, nil)
	if r.Body["state"] != "closed" || r.Body["extensions"].(float64) != 1 || r.Body["original_deadline"] == r.Body["deadline"] {
		t.Fatalf("case: %s", r.Raw)
	}
	r = c.json("GET", "/api/v1/cases/"+no+"/events", office, nil)
	items := r.Body["items"].([]any)
	if len(items) != 9 {
		t.Fatalf("%d events, want 9", len(items))
	}
	last := items[8].(map[string]any)
	if last["actor"].(map[string]any)["id"] != "wang.fang" || last["prev_hash"] != items[7].(map[string]any)["hash"] {
		t.Fatalf("last event: %v", last)
	}
	r = c.json("GET", "/api/v1/cases?state=closed&region="+url.QueryEscape("江南省/云州市")+"&q="+url.QueryEscape("吃空饷"), office, nil)
	if r.Status != 200 || r.Body["total"].(float64) != 1 {
		t.Fatalf("list: %s", r.Raw)
	}
	// Reopen after a look back (回头看), and a fresh rectification order.
	r = c.json("POST", "/api/v1/cases/"+no+"/transitions", office, map[string]any{"action": "reopen", "input": map[string]any{"reason": "回头看发现反弹"}})
	if r.Status != 200 {
		t.Fatalf("reopen: %s", r.Raw)
	}
	if rep, err := env.Service.Verify(t.Context(), cases.VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

func TestAPIIdempotencyKey(t *testing.T) {
	c := newEnv(t)
	env := c
	first := c.json("POST", "/api/v1/cases", office, validCase, "Idempotency-Key", "req-7f3a")
	again := c.json("POST", "/api/v1/cases", office, validCase, "Idempotency-Key", "req-7f3a")
	if first.Status != 201 || again.Status != 200 || again.Header.Get("Idempotent-Replayed") != "true" || first.Body["no"] != again.Body["no"] {
		t.Fatalf("first %d %v, again %d %v", first.Status, first.Body["no"], again.Status, again.Body["no"])
	}
	if n := env.Counts(t)["events"]; n != 1 {
		t.Fatalf("%d events, want 1 registration", n)
	}
}

func TestAPIRefusalsAndConflicts(t *testing.T) {
	c := newEnv(t)
	no := c.json("POST", "/api/v1/cases", office, validCase).Body["no"].(string)
	path := "/api/v1/cases/" + no + "/transitions"
	tests := []struct {
		name   string
		as     string
		body   any
		status int
		rule   string
		field  string
	}{
		{"WrongState", office, map[string]any{"action": "close"}, 422, "from-state", ""},
		{"WrongRole", unit, map[string]any{"action": "start_verification"}, 422, "role", ""},
		{"NotMyUnit", "ap.office", map[string]any{"action": "start_verification"}, 404, "", ""},
		{"UnknownAction", office, map[string]any{"action": "fly"}, 400, "", "action"},
		{"StaleVersion", office, map[string]any{"action": "start_verification", "expected_version": 7}, 409, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.json("POST", path, tt.as, tt.body)
			e, _ := r.Body["error"].(map[string]any)
			if r.Status != tt.status || e == nil || (tt.rule != "" && e["rule"] != tt.rule) || (tt.field != "" && e["field"] != tt.field) {
				t.Fatalf("got %d %s", r.Status, r.Raw)
			}
		})
	}
}

// TestAPIBadInput sends bad input to every endpoint: each gets the right
// status, a JSON error naming the field, and the database is unchanged.
func TestAPIBadInput(t *testing.T) {
	c := newEnv(t)
	env := c
	no := c.json("POST", "/api/v1/cases", office, validCase).Body["no"].(string)
	tr := "/api/v1/cases/" + no + "/transitions"
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for a, b := range validCase {
			m[a] = b
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	big := `{"source":"` + strings.Repeat("x", web.MaxJSONBody) + `"}`
	tests := []struct {
		name, method, path, as string
		body                   any
		status                 int
		field                  string
	}{
		// POST /cases
		{"RegisterNotLoggedIn", "POST", "/api/v1/cases", "", validCase, 401, ""},
		{"RegisterUnknownField", "POST", "/api/v1/cases", office, with("severity", "high"), 400, "severity"},
		{"RegisterWrongType", "POST", "/api/v1/cases", office, with("title", 42), 400, "title"},
		{"RegisterOperator", "POST", "/api/v1/cases", office, with("unit_code", "$ne"), 400, "unit_code"},
		{"RegisterOperatorObject", "POST", "/api/v1/cases", office, with("unit_code", map[string]any{"$ne": ""}), 400, "unit_code"},
		{"RegisterMissingTitle", "POST", "/api/v1/cases", office, with("title", nil), 400, "title"},
		{"RegisterUnknownSource", "POST", "/api/v1/cases", office, with("source", "rumour"), 400, "source"},
		{"RegisterUnknownKind", "POST", "/api/v1/cases", office, with("violation_kind", "Z99"), 400, "violation_kind"},
		{"RegisterUnknownUnit", "POST", "/api/v1/cases", office, with("unit_code", "NOPE01"), 400, "unit_code"},
		{"RegisterBadLevel", "POST", "/api/v1/cases", office, with("level", "top"), 400, "level"},
		{"RegisterMissingRef", "POST", "/api/v1/cases", office, with("source_ref", ""), 400, "source_ref"},
		{"RegisterMalformed", "POST", "/api/v1/cases", office, `{"title":`, 400, "body"},
		{"RegisterTrailing", "POST", "/api/v1/cases", office, `{} {}`, 400, "body"},
		{"RegisterEmpty", "POST", "/api/v1/cases", office, ``, 400, "body"},
		{"RegisterOversized", "POST", "/api/v1/cases", office, big, 400, "body"},
		{"RegisterRoleForbidden", "POST", "/api/v1/cases", unit, validCase, 403, ""},
		// GET /cases
		{"ListUnknownParam", "GET", "/api/v1/cases?colour=red", office, nil, 400, "colour"},
		{"ListOperator", "GET", "/api/v1/cases?unit=$where", office, nil, 400, "unit"},
		{"ListBadState", "GET", "/api/v1/cases?state=lost", office, nil, 400, "state"},
		{"ListBadLight", "GET", "/api/v1/cases?light=blue", office, nil, 400, "light"},
		{"ListBadYear", "GET", "/api/v1/cases?year=twenty", office, nil, 400, "year"},
		{"ListBadPage", "GET", "/api/v1/cases?page=0", office, nil, 400, "page"},
		{"ListPerPageTooBig", "GET", "/api/v1/cases?per_page=100000", office, nil, 400, "per_page"},
		{"ListBadSort", "GET", "/api/v1/cases?sort=colour", office, nil, 400, "sort"},
		{"ListUnknownSource", "GET", "/api/v1/cases?source=rumour", office, nil, 400, "source"},
		{"ListUnknownKind", "GET", "/api/v1/cases?violation_kind=Z1", office, nil, 400, "violation_kind"},
		// GET /cases/{no}, events
		{"GetMalformedNo", "GET", "/api/v1/cases/2026-1", office, nil, 400, "no"},
		{"GetMissing", "GET", "/api/v1/cases/2026-9999", office, nil, 404, ""},
		{"EventsMissing", "GET", "/api/v1/cases/2026-9999/events", office, nil, 404, ""},
		{"EventsMalformed", "GET", "/api/v1/cases/$gt/events", office, nil, 400, "no"},
		// POST /cases/{no}/transitions
		{"TransitionNotLoggedIn", "POST", tr, "", map[string]any{"action": "start_verification"}, 401, ""},
		{"TransitionMissingCase", "POST", "/api/v1/cases/2026-9999/transitions", office, map[string]any{"action": "start_verification"}, 404, ""},
		{"TransitionNoAction", "POST", tr, office, map[string]any{}, 400, "action"},
		{"TransitionUnknownInput", "POST", tr, office, map[string]any{"action": "start_verification", "input": map[string]any{"colour": 1}}, 400, "input.colour"},
		{"TransitionWrongType", "POST", tr, office, map[string]any{"action": "start_verification", "expected_version": "one"}, 400, "expected_version"},
		{"TransitionOperator", "POST", tr, office, map[string]any{"action": "start_verification", "comment": "$set"}, 400, "comment"},
		{"TransitionNegativeVersion", "POST", tr, office, map[string]any{"action": "start_verification", "expected_version": -1}, 400, "expected_version"},
		// units
		{"UnitsUnknownParam", "GET", "/api/v1/units?size=1", office, nil, 400, "size"},
		{"UnitsBadKind", "GET", "/api/v1/units?kind=club", office, nil, 400, "kind"},
		{"UnitsOperator", "GET", "/api/v1/units?region=$regex", office, nil, 400, "region"},
		{"UnitMalformed", "GET", "/api/v1/units/$ne", office, nil, 400, "code"},
		{"UnitMissing", "GET", "/api/v1/units/NOPE01", office, nil, 404, ""},
		{"StandingMissing", "GET", "/api/v1/units/NOPE01/standing", office, nil, 404, ""},
		{"StandingMalformed", "GET", "/api/v1/units/a%20b/standing", office, nil, 400, "code"},
		{"NoRoute", "GET", "/api/v1/nothing", office, nil, 404, ""},
	}
	before := env.counts()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.json(tt.method, tt.path, tt.as, tt.body)
			e, ok := r.Body["error"].(map[string]any)
			if r.Status != tt.status || !ok || e["message"] == "" {
				t.Fatalf("got %d %.300s, want %d", r.Status, r.Raw, tt.status)
			}
			if tt.field != "" && e["field"] != tt.field {
				t.Fatalf("field %v, want %s (%s)", e["field"], tt.field, r.Raw)
			}
		})
	}
	if after := env.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("bad requests changed the database: %v → %v", before, after)
	}
}

func TestAPIUnitImport(t *testing.T) {
	c := newEnv(t)
	env := c
	good := "单位代码,单位名称,单位类别,省,市,县,行政编制核定,行政编制实有\nMS001,梅山区财政局,政府机关,江南省,云州市,梅山区,30,31\n"
	bad := good + "MS002,梅山区审计局,政府机关,江南省,云州市,梅山区,三十,20\n"
	before := env.counts()
	r := c.req("POST", "/api/v1/units:import", office, "text/csv", strings.NewReader(bad))
	e, _ := r.Body["error"].(map[string]any)
	if r.Status != 400 || e["field"] != "行政编制核定" || e["row"].(float64) != 3 {
		t.Fatalf("bad row: %d %s", r.Status, r.Raw)
	}
	if after := env.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("failed import wrote: %v → %v", before, after)
	}
	for _, tt := range []struct {
		name, ct string
		body     string
		status   int
		field    string
	}{
		{"NotLoggedIn", "text/csv", good, 401, ""},
		{"WrongType", "application/json", `{}`, 400, "Content-Type"},
		{"Empty", "text/csv", "", 400, "file"},
		{"UnknownColumn", "text/csv", "单位代码,颜色\n", 400, "颜色"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			as := office
			if tt.status == 401 {
				as = ""
			}
			r := c.req("POST", "/api/v1/units:import", as, tt.ct, strings.NewReader(tt.body))
			e, _ := r.Body["error"].(map[string]any)
			if f, _ := e["field"].(string); r.Status != tt.status || e == nil || f != tt.field {
				t.Fatalf("got %d %s", r.Status, r.Raw)
			}
		})
	}
	// Multipart form upload.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "units.csv")
	fw.Write([]byte(good))
	mw.Close()
	r = c.req("POST", "/api/v1/units:import", office, mw.FormDataContentType(), &buf)
	if r.Status != 200 || r.Body["imported"].(float64) != 1 {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	r = c.json("GET", "/api/v1/units/MS001/standing", office, nil)
	if r.Body["suspended"] != true {
		t.Fatalf("over-establishment unit not suspended: %s", r.Raw)
	}
	r = c.json("GET", "/api/v1/units?region="+url.QueryEscape("江南省/云州市/梅山区"), office, nil)
	if r.Body["total"].(float64) != 1 {
		t.Fatalf("units by region: %s", r.Raw)
	}
}

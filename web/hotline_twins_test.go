package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/casetest"
)

// openTwinCase registers an open case of QH001 that a report about 张某某's
// ghost salary is a likely twin of.
func (e *testEnv) openTwinCase() string {
	e.t.Helper()
	reg := casetest.Registration("QH001")
	reg.Kind, reg.Title, reg.Facts = "D01", "清河县教育局张某某吃空饷", "巡察发现该局职工张某某长期不上班，工资照发。"
	c, _, err := e.Service.Register(context.Background(), cases.GlobalScope, casetest.Office, reg, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return c.No
}

const twinAllegation = "清河县教育局职工张某某自2023年起长期不上班，人在外地做生意，工资照发，属于吃空饷。"

// TestHotlineRegisterAsksAboutOpenTwins: registering a report whose likely
// twin is an open case of the unit names the twin and asks to merge or to
// acknowledge it; without the acknowledgement the form comes back (409)
// and nothing is written; with it the case is registered.
func TestHotlineRegisterAsksAboutOpenTwins(t *testing.T) {
	e := newEnv(t)
	twin := e.openTwinCase()
	e.fileReport(t, reportFields(twinAllegation))
	r := onlyReport(t, e)
	page := e.req("GET", "/hotline/reports/"+r.ID, "sun.li", "", nil)
	if !strings.Contains(page.Raw, `id="register-twins"`) || !strings.Contains(page.Raw, `name="twins_ack" value="`+twin+`"`) {
		t.Fatalf("the register form does not name the open twin %s", twin)
	}
	reg := url.Values{"action": {"register"}, "unit_code": {"QH001"}, "violation_kind": {"D01"}, "title": {"张某某吃空饷"},
		"facts": {"反映该局张某某长期不上班、工资照发。"}, "level": {"internal"}}
	before := e.counts()
	for name, ack := range map[string]string{"NoAck": "", "StaleAck": "2020-0001"} {
		v := url.Values{}
		for k, vs := range reg {
			v[k] = vs
		}
		if ack != "" {
			v.Set("twins_ack", ack)
		}
		withVersion(e, r.ID, v)
		res := e.hotlineAct(r.ID, v)
		if res.Status != 409 || !strings.Contains(res.Raw, `id="register-twins"`) || !strings.Contains(res.Raw, "可能是同一问题") ||
			!strings.Contains(res.Raw, "张某某吃空饷") {
			t.Fatalf("%s: %d %.1500s", name, res.Status, res.Raw)
		}
	}
	for col, n := range e.counts() {
		if before[col] != n {
			t.Errorf("%s: %d documents, was %d: a refused registration wrote", col, n, before[col])
		}
	}
	// Through the API: 409 naming the field, and nothing registered.
	body := map[string]any{"unit_code": "QH001", "violation_kind": "D01", "title": "张某某吃空饷", "facts": "反映该局张某某长期不上班。", "level": "internal"}
	res := e.json("POST", "/api/v1/hotline-reports/"+r.ID+"/registration", "sun.li", body)
	if res.Status != 409 || errOf(res)["field"] != "twins_ack" || !strings.Contains(errOf(res)["message"].(string), twin) {
		t.Fatalf("API without acknowledgement: %d %s", res.Status, res.Raw)
	}
	if res := e.json("POST", "/api/v1/hotline-reports/"+r.ID+"/registration", "li.ming", body); res.Status != 403 {
		t.Fatalf("the office through the hotline API: %d", res.Status)
	}
	// Acknowledged: registered, a case of its own.
	v := url.Values{}
	for k, vs := range reg {
		v[k] = vs
	}
	v.Set("twins_ack", twin)
	withVersion(e, r.ID, v)
	if res := e.hotlineAct(r.ID, v); res.Status != 303 {
		t.Fatalf("acknowledged: %d %.1500s", res.Status, res.Raw)
	}
	got, err := e.Hotline.Report(context.Background(), cases.GlobalScope, r.ID)
	if err != nil || got.CaseNo == "" || got.CaseNo == twin {
		t.Fatalf("the report's case: %q (twin %s) %v", got.CaseNo, twin, err)
	}
}

// TestHotlineAPIRegistersOrMerges: the API's two answers to an open twin:
// merge into it, or register acknowledging it.
func TestHotlineAPIRegistersOrMerges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	twin := e.openTwinCase()
	e.fileReport(t, reportFields(twinAllegation))
	first := onlyReport(t, e)
	res := e.json("POST", "/api/v1/hotline-reports/"+first.ID+"/merge", "sun.li", map[string]any{"case_no": twin})
	if res.Status != 200 {
		t.Fatalf("merge: %d %s", res.Status, res.Raw)
	}
	k, err := e.Service.Case(ctx, cases.GlobalScope, twin)
	if err != nil || len(k.Sources) != 2 || k.Sources[1].Origin != "report:"+first.ID {
		t.Fatalf("the twin's sources after the merge: %+v %v", k.Sources, err)
	}
	e.fileReport(t, reportFields(twinAllegation+"另有李某某同样情况。"))
	second := onlyReport(t, e)
	if second.ID == first.ID {
		t.Fatal("the second report is the first")
	}
	body := map[string]any{"unit_code": "QH001", "violation_kind": "D01", "title": "张某某吃空饷", "facts": "反映该局张某某长期不上班。",
		"level": "internal", "twins_ack": twin}
	res = e.json("POST", "/api/v1/hotline-reports/"+second.ID+"/registration", "sun.li", body)
	if res.Status != 201 || res.Body["source"] != "hotline" || res.Body["no"] == twin {
		t.Fatalf("register acknowledged: %d %s", res.Status, res.Raw)
	}
}

package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/storage/blob/localblob"
)

// postSelf saves the self-assessment of one point as user, with files
// (name → bytes) for it.
func (e *testEnv) postSelf(user, unit, point, score, statement string, files map[string][]byte) response {
	e.t.Helper()
	_, csrf := e.session(user)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf_token", csrf)
	_ = w.WriteField("save", point)
	_ = w.WriteField("score_"+point, score)
	_ = w.WriteField("statement_"+point, statement)
	for name, b := range files {
		fw, _ := w.CreateFormFile("file_"+point, name)
		_, _ = fw.Write(b)
	}
	_ = w.Close()
	return e.req("POST", "/assessment/rounds/"+round26+"/units/"+unit+"/self", user, w.FormDataContentType(), &body)
}

// The unit's self-assessment: its users write it point by point with
// evidence, bad input is refused with nothing stored, reviewers see it
// beside the point, and it is fixed once a reviewer scores the point.
func TestAssessmentSelf(t *testing.T) {
	e := newEnv(t)
	assessWorld(t, e)
	if err := e.Access.CreateUser(context.Background(), access.User{ID: "unit.qh002", Name: "清河县卫健局联络员", Roles: []cases.Role{cases.RoleUnit},
		Region: []string{"江南省", "云州市", "清河县"}, UnitCode: "QH002"}, testPassword); err != nil {
		t.Fatal(err)
	}
	if r := e.req("GET", "/assessment/self", "unit.qh001", "", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/assessment/rounds/"+round26+"/units/QH001/self" {
		t.Fatalf("self home: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := e.req("GET", "/assessment/self", "unit.qh002", "", nil); r.Status != http.StatusOK || !strings.Contains(r.Raw, "目前没有需要自评的评估") {
		t.Errorf("self home of a unit not assessed: %d, want 200 saying there is nothing to assess", r.Status)
	}
	pdf := []byte("%PDF-1.4 三定规定")
	tests := []struct {
		name           string
		user, unit, pt string
		score, stmt    string
		files          map[string][]byte
		status         int
		want           string
	}{
		{"ErrScoreAboveMax", "unit.qh001", "QH001", "A1.1.1", "3.5", "未擅自设立机构", nil, 400, "自评得分须在 0 至 3 之间"},
		{"ErrEverythingMissing", "unit.qh001", "QH001", "A1.1.1", "", "", nil, 400, "请填写要点 A1.1.1 的自评说明"},
		{"ErrFileType", "unit.qh001", "QH001", "A1.1.1", "3", "未擅自设立机构", map[string][]byte{"a.exe": []byte("MZ\x90")}, 400, "不是允许的类型"},
		{"ErrPointMissing", "unit.qh001", "QH001", "Z9.9.9", "3", "x", nil, 404, ""},
		// Another unit's sheet is not found (assessment.RoundState.Admits).
		{"ErrOtherUnit", "unit.qh002", "QH001", "A1.1.1", "3", "x", nil, 404, ""},
		{"ErrReviewer", "he.ping", "QH001", "A1.1.1", "3", "x", nil, 403, ""},
		{"OK", "unit.qh001", "QH001", "A1.1.1", "3", "未擅自设立机构，机构名称规格与“三定”规定一致", map[string][]byte{"三定规定.pdf": pdf}, 303, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.postSelf(tt.user, tt.unit, tt.pt, tt.score, tt.stmt, tt.files)
			if r.Status != tt.status || !strings.Contains(r.Raw, tt.want) {
				t.Errorf("got %d, want %d with %q:\n%.600s", r.Status, tt.status, tt.want, r.Raw)
			}
		})
	}
	// Only the good save stored a file.
	blobs, err := localblob.Open(e.blobDir)
	if err != nil {
		t.Fatal(err)
	}
	if keys, err := blobs.Keys(context.Background(), "evidence/assessment/"); err != nil || len(keys) != 1 {
		t.Errorf("self-assessment files stored: %q %v, want 1", keys, err)
	}
	page := e.req("GET", "/assessment/rounds/"+round26+"/units/QH001/self", "unit.qh001", "", nil)
	if !strings.Contains(page.Raw, "已自评 <b>1</b> / 46") || !strings.Contains(page.Raw, "三定规定.pdf") {
		t.Fatalf("self page:\n%.2000s", page.Raw)
	}
	file := regexp.MustCompile(`/assessment/rounds/` + regexp.QuoteMeta(round26) + `/units/QH001/self/A1\.1\.1/files/[0-9a-f]+`).FindString(page.Raw)
	for _, u := range []string{"unit.qh001", "he.ping", "li.ming"} {
		if r := e.req("GET", file, u, "", nil); r.Status != http.StatusOK || r.Raw != string(pdf) || !strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("file as %s: %d", u, r.Status)
		}
	}
	if r := e.req("GET", file, "unit.qh002", "", nil); r.Status != http.StatusNotFound {
		t.Errorf("file as another unit: %d", r.Status)
	}
	if r := e.req("GET", "/assessment/rounds/"+round26+"/units/QH001/self", "unit.qh002", "", nil); r.Status != http.StatusNotFound {
		t.Errorf("page as another unit: %d", r.Status)
	}
	// The reviewer sees the self-assessment at the point.
	grid := e.req("GET", "/assessment/rounds/"+round26+"/units/QH001", "he.ping", "", nil)
	if !strings.Contains(grid.Raw, "单位自评 3 分") || !strings.Contains(grid.Raw, "机构名称规格与“三定”规定一致") {
		t.Errorf("grid lacks the self-assessment")
	}
	// Once a reviewer scored the point, the self-assessment stays.
	if r := e.postForm("/assessment/rounds/"+round26+"/units/QH001/scores", "he.ping", url.Values{"save": {"A1.1.1"}, "instances_A1.1.1": {"0"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("score: %d %s", r.Status, r.Raw)
	}
	if r := e.postSelf("unit.qh001", "QH001", "A1.1.1", "2", "改", nil); r.Status != 422 || !strings.Contains(r.Raw, "评估人员已对要点 A1.1.1 评分") {
		t.Errorf("self after scoring: %d %.300s", r.Status, r.Raw)
	}
}

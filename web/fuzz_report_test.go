package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzReportForm posts any fields to the public report form (no login),
// with a solved challenge or not. Never a server error; a refusal shows
// the form again with a fresh challenge and what was typed kept, escaped;
// an accepted report shows its receipt and secret.
func FuzzReportForm(f *testing.F) {
	e := newEnv(f)
	f.Add(true, "QH001", "", "清河县教育局张某某长期不上班，工资照发。", "王五", "13912345678", "11010519491231002X", "幸福路88号")
	f.Add(true, "", "某镇政府", "<script>alert(1)</script>某镇擅自设立综合服务中心", "", "", "", "")
	f.Add(false, "QH001", "", "清河县教育局张某某长期不上班，工资照发。", "", "", "", "")
	f.Add(true, "QH999", "某局", "短", "\x00", "电话", "123", "\u3000")
	f.Fuzz(func(t *testing.T, solve bool, unit, unitText, allegation, name, phone, id, address string) {
		form := url.Values{"unit_code": {unit}, "unit_text": {unitText}, "allegation": {allegation}, "reporter_name": {name},
			"reporter_phone": {phone}, "reporter_id": {id}, "reporter_address": {address}}
		// The public pages' rate limit may refuse the form itself when
		// the fuzzer is fast: that is the limit working, not a finding.
		res, err := http.Get(e.srv.URL + "/report")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusTooManyRequests {
			return
		}
		m := captchaRE.FindSubmatch(raw)
		if m == nil {
			t.Fatalf("GET /report: %d with no challenge", res.StatusCode)
		}
		cid, answer := string(m[1]), e.Server.CaptchaAnswer(string(m[1]))
		if !solve {
			answer = "wrong"
		}
		form.Set("captcha_id", cid)
		form.Set("captcha", answer)
		code, body := postForm(t, e.srv.URL, "/report", form)
		switch code {
		case http.StatusCreated:
			if !solve || receiptRE.FindStringSubmatch(body) == nil || secretRE.FindStringSubmatch(body) == nil {
				t.Fatalf("accepted (solved %v) without receipt and secret: %.300s", solve, body)
			}
		case http.StatusBadRequest:
			m := captchaRE.FindStringSubmatch(body)
			if m == nil || m[1] == cid {
				t.Fatalf("refusal without a fresh challenge: %.300s", body)
			}
			if strings.Contains(allegation, "<") && len(allegation) > 2 && strings.Contains(body, allegation) {
				t.Fatalf("allegation %q echoed unescaped", allegation)
			}
		case http.StatusTooManyRequests, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("POST /report: %d %.300s", code, body)
		}
	})
}

package web_test

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"rectify/templates/pdftest"
)

// TestRareCharactersEndToEnd: a name beyond the BMP (GB 18030-2022
// Extension B) is registered, previewed on a notice and printed on the
// ledger, and read back; a character no document font has is refused at
// registration, naming the field and the character, and nothing is written.
func TestRareCharactersEndToEnd(t *testing.T) {
	e := newEnv(t)
	body := maps.Clone(validCase)
	body["unit_code"] = "QH001"
	body["title"] = "王𠮷反映吃空饷"
	body["facts"] = "群众王𠮷、刘𬍤反映有2名人员长期不上班但照常领取工资。"
	r := e.json("POST", "/api/v1/cases", office, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	no := r.Body["no"].(string)
	if r := e.json("POST", "/api/v1/cases/"+no+"/transitions", office, map[string]any{"action": "start_verification"}); r.Status != 200 {
		t.Fatalf("start verification: %d %s", r.Status, r.Raw)
	}
	prev := e.req("POST", "/api/v1/notices?preview=true", office, "application/json",
		strings.NewReader(`{"unit_code":"QH001","working_days":10,"items":[{"no":"`+no+`","requirements":"清退王𠮷等人员"}]}`))
	if prev.Status != 200 {
		t.Fatalf("preview: %d %s", prev.Status, prev.Raw)
	}
	if text := pdftest.Text(t, []byte(prev.Raw)); !strings.Contains(text, "王𠮷反映吃空饷") || !strings.Contains(text, "刘𬍤") || !strings.Contains(text, "清退王𠮷等人员") {
		t.Fatalf("preview text: %s", text)
	}
	pdf := e.req("GET", "/ledger/export?format=pdf", office, "", nil)
	if pdf.Status != 200 {
		t.Fatalf("printable ledger: %d %s", pdf.Status, pdf.Raw)
	}
	if text := pdftest.Text(t, []byte(pdf.Raw)); !strings.Contains(text, "王𠮷反映吃空饷") {
		t.Fatalf("printable ledger text: %s", text)
	}

	before := e.counts()
	for field, value := range map[string]string{"title": "吃空饷👍", "facts": "群众反映\ue000有人吃空饷。"} {
		bad := maps.Clone(validCase)
		bad[field] = value
		r := e.json("POST", "/api/v1/cases", office, bad)
		msg := fmt.Sprint(errOf(r)["message"])
		if r.Status != 400 || errOf(r)["field"] != field || !strings.Contains(msg, "无法在公文中印出") {
			t.Errorf("%s %q: %d %s", field, value, r.Status, r.Raw)
		}
		if ch := []rune(strings.TrimPrefix(strings.TrimPrefix(value, "吃空饷"), "群众反映"))[0]; !strings.Contains(msg, string(ch)) {
			t.Errorf("the message does not name the character: %s", msg)
		}
	}
	if after := e.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("a refused registration wrote: %v → %v", before, after)
	}
}

package web_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"rectify/cases"
)

// flashSig signs a notice's key and values as the server does for the
// session whose CSRF token is csrf.
func flashSig(csrf, key string, args ...string) string {
	m := hmac.New(sha256.New, []byte(csrf))
	m.Write([]byte("flash\x00" + key))
	for _, a := range args {
		m.Write([]byte("\x00" + a))
	}
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// A page shows a notice only from the server's table of keys: text in
// ?flash= is never shown, even signed for the session; a known key shows
// its fixed sentence with values signed for this session, and nothing if
// the values were changed.
func TestFlashShowsOnlyKnownKeys(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	_, csrf := e.session("li.ming")
	shows := func(q url.Values, user string) string {
		t.Helper()
		path := "/cases/" + no
		if user == "" {
			path = "/login"
		}
		r := e.req("GET", path+"?"+q.Encode(), user, "", nil)
		if r.Status != 200 {
			t.Fatalf("GET %s: %d", path, r.Status)
		}
		i := strings.Index(r.Raw, `class="flash"`)
		if i < 0 {
			return ""
		}
		rest := r.Raw[i:]
		return rest[strings.Index(rest, ">")+1 : strings.Index(rest, "</p>")]
	}
	forged := "系统升级，请访问 http://evil.example 重新登录"
	for _, tt := range []struct {
		name, user string
		q          url.Values
		want       string
	}{
		{"TextSignedForTheSession", "li.ming", url.Values{"flash": {forged}, "fs": {flashSig(csrf, forged)}}, ""},
		{"UnknownKey", "li.ming", url.Values{"flash": {"hacked"}, "fs": {flashSig(csrf, "hacked")}}, ""},
		{"KnownKeyUnsigned", "li.ming", url.Values{"flash": {"password-changed"}}, ""},
		{"KnownKeySigned", "li.ming", url.Values{"flash": {"password-changed"}, "fs": {flashSig(csrf, "password-changed")}}, "密码已修改，其他设备上的登录已失效"},
		{"ValueSigned", "li.ming", url.Values{"flash": {"registered"}, "fa": {no}, "fs": {flashSig(csrf, "registered", no)}}, "已登记，台账编号 " + no},
		{"ValueChanged", "li.ming", url.Values{"flash": {"registered"}, "fa": {"请致电 400-000"}, "fs": {flashSig(csrf, "registered", no)}}, ""},
		{"ValueMissing", "li.ming", url.Values{"flash": {"registered"}, "fs": {flashSig(csrf, "registered")}}, ""},
		{"ValueExtra", "li.ming", url.Values{"flash": {"password-changed"}, "fa": {forged}, "fs": {flashSig(csrf, "password-changed", forged)}}, ""},
		{"SignedForAnother", "zhao.lei", url.Values{"flash": {"registered"}, "fa": {no}, "fs": {flashSig(csrf, "registered", no)}}, ""},
		{"PublicWithoutSession", "", url.Values{"flash": {"logout"}}, "您已安全退出"},
		{"PrivateWithoutSession", "", url.Values{"flash": {"password-changed"}, "fs": {flashSig(csrf, "password-changed")}}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := shows(tt.q, tt.user); got != tt.want {
				t.Errorf("notice %q, want %q", got, tt.want)
			}
		})
	}

	// The console's own redirect carries a key and its signed values.
	form := url.Values{"csrf_token": {csrf}, "action": {"start_verification"}, "expected_version": {"1"}}
	r := e.req("POST", "/cases/"+no+"/actions", "li.ming", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	loc, _ := url.Parse(r.Header.Get("Location"))
	if r.Status != 303 || loc.Query().Get("flash") != "acted" {
		t.Fatalf("action: %d %q", r.Status, r.Header.Get("Location"))
	}
	if got := shows(loc.Query(), "li.ming"); got != "已开始核实，案件当前状态：核实中" {
		t.Fatalf("after the action the page says %q", got)
	}
}

package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestCSVCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"超编进人", "超编进人"},
		{"2026-0001", "2026-0001"},
		{"=1+2", "'=1+2"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
	} {
		if got := csvCell(tc.in); got != tc.want {
			t.Errorf("csvCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/ledger?sort=deadline&light=red", "/ledger?sort=deadline&light=red"},
		{"/cases/2026-0001", "/cases/2026-0001"},
		{"", ""},
		{"ledger", ""},
		{"//evil.example/", ""},
		{"/\t/evil.example/", ""}, // ?next=/%09/evil.example/: browsers drop the tab
		{"/\n/evil.example/", ""},
		{"/\r\n/evil.example/", ""},
		{"/\\evil.example/", ""},
		{"/a\\b", ""},
		{"https://evil.example/", ""},
		{"/ /evil.example", ""},
		{"/\u3000/evil.example", ""},
		{"/\x7f/evil.example", ""},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzSafeNext: whatever a login link carries as next, the redirect stays
// on this site, read as a browser reads it (tabs and newlines dropped,
// backslashes as slashes), and a value it keeps is kept unchanged.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/ledger?sort=deadline", "//evil.example/", "/\t/evil.example/", "/\\evil.example/", "https://evil.example/", "/%2F%2Fevil.example", "/\u3000/x", "/.%2e/%2e%2e/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got == "" {
			return
		}
		if got != next {
			t.Fatalf("safeNext(%q) = %q: rewritten rather than kept or refused", next, got)
		}
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		u, err := url.Parse(browser)
		if !strings.HasPrefix(browser, "/") || strings.HasPrefix(browser, "//") || err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("safeNext(%q) = %q leaves the site", next, got)
		}
	})
}

func TestMaskedQuery(t *testing.T) {
	for _, raw := range []string{"q=13812345678", "q=138+1234+5678", "q=%31%33%38%31%32%33%34%35%36%37%38", "q=%EF%BC%91%EF%BC%93%EF%BC%98%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96%EF%BC%97%EF%BC%98"} {
		if got := maskedQuery(raw); strings.Contains(got, "1234") || strings.Contains(got, "１２３４") {
			t.Errorf("maskedQuery(%q) = %q", raw, got)
		}
	}
}

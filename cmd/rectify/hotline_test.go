package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rectify/cases/demo"
	"rectify/storage/keys"
)

// TestServeStopsOnLostReporterKey starts a server (which makes the reporter
// key beside the data), loses the key, and starts again: the server must
// refuse to start, saying in Chinese what is wrong, rather than seal new
// identities under a key that cannot open the old ones. A named key file
// that is missing, and a changed cipher profile, stop it too.
func TestServeStopsOnLostReporterKey(t *testing.T) {
	dir := t.TempDir()
	env := []string{"RECTIFY_MONGO_URI=", "RECTIFY_REPORTER_KEY=", "RECTIFY_REPORTER_KEY_FILE=", "RECTIFY_REPORTER_CIPHER="}
	p := start(t, env, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	p.stop(t)
	keyPath := filepath.Join(dir, "keys", keys.ReporterKeyFile)
	fi, err := os.Stat(keyPath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the reporter key was not made with mode 0600: %v %v", fi, err)
	}
	saved, _ := os.ReadFile(keyPath)

	out, code := run(t, env, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--reporter-cipher", "aes-256-gcm")
	if code == 0 || !strings.Contains(out, "举报人信息密钥与数据库中的校验值不符") {
		t.Fatalf("changed profile: exit %d\n%s", code, out)
	}
	out, code = run(t, env, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--reporter-key-file", filepath.Join(dir, "nowhere.key"))
	if code == 0 || !strings.Contains(out, "举报人信息密钥文件") || !strings.Contains(out, "不存在") {
		t.Fatalf("missing named key: exit %d\n%s", code, out)
	}
	if err := os.Remove(keyPath); err != nil {
		t.Fatal(err)
	}
	out, code = run(t, env, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	if code == 0 || !strings.Contains(out, "举报人信息密钥与数据库中的校验值不符") || !strings.Contains(out, "原密钥文件很可能已丢失") {
		t.Fatalf("lost key: exit %d\n%s", code, out)
	}
	// With the key restored, the server starts again.
	if err := os.WriteFile(keyPath, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	start(t, env, "serve", "--data", dir, "--addr", "127.0.0.1:0")
}

// TestServeDemoHasHotlineReports: the demo fills the hotline's queue, and
// the public report page answers without a login.
func TestServeDemoHasHotlineReports(t *testing.T) {
	dir := t.TempDir()
	p := start(t, []string{"RECTIFY_MONGO_URI=", "RECTIFY_REPORTER_KEY=", "RECTIFY_REPORTER_KEY_FILE="}, "serve", "--demo", "--data", dir, "--addr", "127.0.0.1:0")
	as := login(t, p.url(), "sun.li", demo.Password)
	code, body := get(t, p.url()+"/hotline", &as)
	if code != 200 || strings.Count(body, `data-label="受理编号"`) != 3 || !strings.Contains(body, "待分办") {
		t.Fatalf("the demo's triage queue: %d %.500s", code, body)
	}
	if code, body := get(t, p.url()+"/report", nil); code != 200 || !strings.Contains(body, "12310 网上举报") {
		t.Fatalf("public report page: %d", code)
	}
}

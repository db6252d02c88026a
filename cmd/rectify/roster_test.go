package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rectify/cases/demo"
	"rectify/cases/roster"
	"rectify/storage/keys"
)

// TestRosterImportCommand imports a roster with the CLI into a data
// directory with the demo units: bad rows are listed in Chinese with a
// non-zero exit and nothing written; a good file prints the snapshot; a
// lost roster key then stops the server, saying so; and the demo serves
// its red-light warnings.
func TestRosterImportCommand(t *testing.T) {
	dir := t.TempDir()
	env := []string{"RECTIFY_MONGO_URI=", "RECTIFY_REPORTER_KEY=", "RECTIFY_REPORTER_KEY_FILE=", "RECTIFY_ROSTER_KEY=", "RECTIFY_ROSTER_KEY_FILE="}
	p := start(t, env, "serve", "--demo", "--data", dir, "--addr", "127.0.0.1:0")
	as := login(t, p.url(), "li.ming", demo.Password)
	code, body := get(t, p.url()+"/warnings?all=1", &as)
	for _, label := range []string{"超编", "超职数", "重复占编", "应减未减", "死亡占编", "超期借用", "混编混岗", "人数不符"} {
		if code != 200 || !strings.Contains(body, label) {
			t.Errorf("the demo's warnings lack %s (%d)", label, code)
		}
	}
	p.stop(t)

	rows := [][]string{
		roster.Row("QH001", "张三", roster.MakeID("330602", "1980-01-01", 11), "行政编制", "科员", false, roster.StatusActive, "", "", "", ""),
		roster.Row("QH001", "李四", "330602198001010000", "行政", "科员", false, roster.StatusActive, "", "", "", ""),
	}
	file := filepath.Join(dir, "花名册.csv")
	write := func() {
		var b bytes.Buffer
		if err := roster.WriteCSV(&b, rows); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write()
	out, code := run(t, env, "roster", "import", "--data", dir, "--date", "2026-12-01", file)
	if code == 0 || !strings.Contains(out, "第 3 行「身份证号」") || !strings.Contains(out, "未导入任何数据") || strings.Contains(out, "330602198001010000") {
		t.Fatalf("bad rows: exit %d\n%s", code, out)
	}
	rows = rows[:1]
	write()
	out, code = run(t, env, "roster", "import", "--data", dir, "--date", "2026-12-01", file)
	if code != 0 || !strings.Contains(out, "已导入花名册 R20261201-") || !strings.Contains(out, "1 人") || !strings.Contains(out, "覆盖范围：仅本文件所列单位") {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	// The file covers QH001 alone: only QH001's warnings are compared (its
	// earlier ones resolve); the other demo units' are carried unchanged.
	if !strings.Contains(out, "未涉及单位沿用") || strings.Contains(out, "沿用 0") {
		t.Errorf("a one-unit file touched other units' warnings:\n%s", out)
	}
	out, code = run(t, env, "roster", "import", "--data", dir, "--date", "2026-12-02", "--coverage", "everything", file)
	if code == 0 || !strings.Contains(out, "覆盖范围「everything」未知") {
		t.Fatalf("unknown coverage: exit %d\n%s", code, out)
	}
	if err := os.Remove(filepath.Join(dir, "keys", keys.RosterKeyFile)); err != nil {
		t.Fatal(err)
	}
	out, code = run(t, env, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	if code == 0 || !strings.Contains(out, roster.ErrKeyMismatch) || !strings.Contains(out, "原密钥文件很可能已丢失") {
		t.Fatalf("lost roster key: exit %d\n%s", code, out)
	}
}

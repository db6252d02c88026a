package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"go.mongodb.org/mongo-driver/v2/bson"

	"rectify/cases"
	"rectify/cases/documents"
	"rectify/storage/blob/miniotest"
	"rectify/storage/mongodb"
	"rectify/storage/mongotest"
	"rectify/templates/pdftest"
)

var binary string

// TestMain builds the real binary once; the tests run it as a user would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rectify-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "rectify")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build rectify: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running rectify subprocess.
type proc struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	line   string // the "正在监听" (listening on) line
}

// start runs rectify with args and waits for a line containing "正在监听".
func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, _ := cmd.StdoutPipe()
	p := &proc{cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "正在监听") {
				lines <- sc.Text()
			}
		}
		close(lines)
	}()
	select {
	case l, ok := <-lines:
		if !ok {
			cmd.Wait()
			t.Fatalf("rectify %v exited: %s", args, p.stderr)
		}
		p.line = l
	// A bound on a hung start, not a measure of speed: the demo loads
	// every channel's records, and a loaded CI machine may take a while.
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("rectify %v did not start: %s", args, p.stderr)
	}
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop sends SIGTERM and expects a clean exit: graceful shutdown.
func (p *proc) stop(t *testing.T) {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%v did not shut down cleanly: %v\n%s", p.cmd.Args, err, p.stderr)
		}
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill()
		t.Errorf("%v did not stop on SIGTERM", p.cmd.Args)
	}
}

func (p *proc) url() string { return p.line[strings.Index(p.line, "http://"):] }

// externalEngine returns the URI of an engine in another process: the one
// make test provides, or a `rectify dbserver` started here.
func externalEngine(t *testing.T) string {
	t.Helper()
	if mongotest.External() {
		return mongotest.URI(t)
	}
	p := start(t, nil, "dbserver", "--dir", t.TempDir(), "--addr", "127.0.0.1:0")
	return p.line[strings.Index(p.line, "mongodb://"):]
}

func run(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// ledgerEnv is the environment of commands on a fresh database of the
// external engine (extra variables appended), with the two test units
// imported through the real command; it returns the database and the
// data directory too.
func ledgerEnv(t *testing.T, extra ...string) ([]string, *mongodb.DB, string) {
	t.Helper()
	uri := externalEngine(t)
	dbName := mongotest.DBName()
	db := mongotest.OpenAt(t, uri, dbName) // dropped at the end
	data := t.TempDir()
	env := append([]string{"RECTIFY_MONGO_URI=" + uri, "RECTIFY_MONGO_DB=" + dbName, "RECTIFY_DATA=" + data}, extra...)
	csv := filepath.Join(t.TempDir(), "units.csv")
	if err := os.WriteFile(csv, []byte(unitsCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code := run(t, env, "import", "units", csv); code != 0 || !strings.Contains(out, "导入 2 个单位") {
		t.Fatalf("import: %d %s", code, out)
	}
	return env, db, data
}

const testPassword = "Cli#test-2026"

// addUser creates an account with the real command.
func addUser(t *testing.T, env []string, id, roles string) {
	t.Helper()
	out, code := run(t, append(env, "RECTIFY_PASSWORD="+testPassword), "user", "add", "--id", id, "--name", "测试用户", "--roles", roles, "--region", "江南省/云州市")
	if code != 0 {
		t.Fatalf("user add %s: %d %s", id, code, out)
	}
}

const unitsCSV = "单位代码,单位名称,单位类别,省,市,县,行政编制核定,行政编制实有\n" +
	"QH001,清河县教育局,政府机关,江南省,云州市,清河县,20,19\n" +
	"AP001,安平县农业农村局,政府机关,江南省,云州市,安平县,30,28\n"

// session is a logged-in browser session: its cookie and CSRF token.
type session struct{ cookie, csrf string }

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`)

// login logs in through the real login form and reads the session's CSRF
// token from a page, as a browser would.
func login(t *testing.T, base, user, password string) session {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	page, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	m := csrfRE.FindStringSubmatch(string(body))
	if m == nil {
		t.Fatalf("no form token on the login page")
	}
	res, err := client.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}, "csrf_token": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body) // followed to the landing page, which has the logout form
	res.Body.Close()
	m = csrfRE.FindStringSubmatch(string(body))
	u, _ := url.Parse(base)
	var ck string
	for _, c := range jar.Cookies(u) {
		if c.Name == "rectify_session" {
			ck = c.Value
		}
	}
	if m == nil || ck == "" {
		t.Fatalf("login as %s failed: %d %.300s", user, res.StatusCode, body)
	}
	return session{ck, m[1]}
}

func post(t *testing.T, url string, as session, body any) (int, map[string]any) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: "rectify_session", Value: as.cookie})
	req.Header.Set("X-CSRF-Token", as.csrf)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return res.StatusCode, m
}

func TestTwoServersShareOneEngine(t *testing.T) {
	env, db, _ := ledgerEnv(t)
	addUser(t, env, "li.ming", "office")
	a := start(t, env, "serve", "--addr", "127.0.0.1:0")
	b := start(t, env, "serve", "--addr", "127.0.0.1:0")
	servers := []string{a.url(), b.url()}
	// One session, stored in the shared database, works on both servers.
	office := login(t, servers[0], "li.ming", testPassword)
	reg := map[string]any{"source": "audit", "source_ref": "云审移〔2026〕3号", "unit_code": "QH001", "violation_kind": "C01",
		"title": "超职数配备领导干部", "facts": "核定领导职数5名，实配7名。", "level": "secret"}

	const n = 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	var nos []string
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			status, body := post(t, servers[i%2]+"/api/v1/cases", office, reg)
			if status != 201 {
				t.Errorf("register via server %d: %d %v", i%2, status, body)
				return
			}
			mu.Lock()
			nos = append(nos, body["no"].(string))
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	sort.Strings(nos)
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	for i, no := range nos {
		if want := fmt.Sprintf("%d-%04d", year, i+1); no != want {
			t.Fatalf("numbers from two servers: position %d is %s, want %s: %v", i, no, want, nos)
		}
	}
	// Both servers race the same transitions on every case.
	var oks, conflicts int
	for _, no := range nos[:10] {
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func(i int, no string) {
				defer wg.Done()
				status, body := post(t, servers[i%2]+"/api/v1/cases/"+no+"/transitions", office,
					map[string]any{"action": "assign", "input": map[string]any{"assignee": "测试用户"}, "expected_version": 1})
				mu.Lock()
				defer mu.Unlock()
				switch status {
				case 200:
					oks++
				case 409:
					conflicts++
				default:
					t.Errorf("transition: %d %v", status, body)
				}
			}(i, no)
		}
	}
	wg.Wait()
	if oks != 10 || conflicts != 50 {
		t.Fatalf("racing transitions: %d won, %d conflicts; want 10 and 50", oks, conflicts)
	}
	if out, code := run(t, env, "verify"); code != 0 || !strings.Contains(out, fmt.Sprintf("校验通过：%d 件案件，%d 个事件", n, n+10)) {
		t.Fatalf("verify after two servers: %d %s", code, out)
	}
	_ = db
}

func TestVerifyCommandFindsCorruption(t *testing.T) {
	env, db, data := ledgerEnv(t)
	addUser(t, env, "sun.li", "hotline")
	srv := start(t, env, "serve", "--addr", "127.0.0.1:0")
	hotline := login(t, srv.url(), "sun.li", testPassword)
	var nos []string
	for i := 0; i < 3; i++ {
		_, body := post(t, srv.url()+"/api/v1/cases", hotline, map[string]any{"source": "hotline", "source_ref": fmt.Sprint("12310-2026-000", i),
			"unit_code": "AP001", "violation_kind": "D01", "title": "吃空饷", "facts": "有人长期不上班。", "level": "internal"})
		nos = append(nos, body["no"].(string))
	}
	srv.stop(t)
	ctx := context.Background()
	if out, code := run(t, env, "verify"); code != 0 {
		t.Fatalf("clean: %d %s", code, out)
	}
	if err := db.RawUpdate(ctx, "events", mongodb.EventID(nos[1], 1), bson.M{"$set": bson.M{"registered.facts": "篡改后的事实"}}); err != nil {
		t.Fatal(err)
	}
	out, code := run(t, env, "verify")
	if code != 1 || !strings.Contains(out, "故障 "+nos[1]+" 第 1 步 [broken-chain]") {
		t.Fatalf("corrupted event: exit %d\n%s", code, out)
	}
	db.RawUpdate(ctx, "events", mongodb.EventID(nos[1], 1), bson.M{"$set": bson.M{"registered.facts": "有人长期不上班。"}})
	// An event recorded by a server that died before journaling it: the
	// view a server would load (the snapshot written on stopping, and the
	// journal) does not have it.
	first, err := db.FindEvent(ctx, nos[2], 1)
	if err != nil {
		t.Fatal(err)
	}
	c := cases.Apply(cases.Case{}, first)
	e, err := cases.Decide(c, cases.ActionStartVerification, cases.Actor{ID: "li.ming", Role: cases.RoleOffice}, cases.Input{}, "", "2026-11-02", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.At = time.Now()
	if errs := db.InsertEvents(ctx, []cases.Event{cases.Seal(e, c.HeadHash)}, false); errs[0] != nil {
		t.Fatal(errs[0])
	}
	out, code = run(t, env, "verify")
	if code != 1 || !strings.Contains(out, "故障 "+nos[2]) || !strings.Contains(out, "stale-projection") {
		t.Fatalf("stale projection: exit %d\n%s", code, out)
	}
	if out, code = run(t, env, "verify", "--repair"); code != 0 || !strings.Contains(out, "已修复 "+nos[2]) {
		t.Fatalf("repair: exit %d\n%s", code, out)
	}
	if out, code = run(t, env, "verify"); code != 0 {
		t.Fatalf("after repair: exit %d\n%s", code, out)
	}
	// An object no record points to (as an interrupted issue leaves) is
	// listed, and is not a fault.
	orphan := filepath.Join(data, "blobs", "documents", "2026", "notice-2026-0099.pdf")
	os.MkdirAll(filepath.Dir(orphan), 0o700)
	os.WriteFile(orphan, []byte("%PDF"), 0o600)
	if out, code = run(t, env, "verify"); code != 0 || !strings.Contains(out, "文件 documents/2026/notice-2026-0099.pdf 没有任何记录指向它") {
		t.Fatalf("unreferenced object: exit %d\n%s", code, out)
	}
}

func TestImportCommandRejectsBadRowAndWritesNothing(t *testing.T) {
	uri := externalEngine(t)
	dbName := mongotest.DBName()
	db := mongotest.OpenAt(t, uri, dbName)
	env := []string{"RECTIFY_MONGO_URI=" + uri, "RECTIFY_MONGO_DB=" + dbName, "RECTIFY_DATA=" + t.TempDir()}
	csv := filepath.Join(t.TempDir(), "units.csv")
	os.WriteFile(csv, []byte(unitsCSV+"MS001,梅山区财政局,政府机关,江南省,云州市,梅山区,30,abc\n"), 0o600)
	out, code := run(t, env, "import", "units", csv)
	if code == 0 || !strings.Contains(out, "第 4 行「行政编制实有」") {
		t.Fatalf("exit %d: %s", code, out)
	}
	counts, _ := db.Counts(context.Background())
	if counts["units"] != 0 {
		t.Fatalf("bad import wrote %d units", counts["units"])
	}
	if out, code := run(t, nil, "import", "units"); code != 2 || !strings.Contains(out, "用法") {
		t.Fatalf("no file: exit %d %s", code, out)
	}
	if out, code := run(t, nil, "frobnicate"); code != 2 || !strings.Contains(out, "未知的命令") {
		t.Fatalf("unknown command: exit %d %s", code, out)
	}
}

func TestServeEmbeddedLocksDataDir(t *testing.T) {
	dir := t.TempDir()
	p := start(t, []string{"RECTIFY_MONGO_URI="}, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	res, err := http.Get(p.url() + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	out, code := run(t, []string{"RECTIFY_MONGO_URI="}, "verify", "--data", dir)
	if code == 0 || !strings.Contains(out, "正被另一个 rectify 进程使用") {
		t.Fatalf("second process on the same data dir: %d %s", code, out)
	}
}

func TestUserAndTokenCommands(t *testing.T) {
	uri := externalEngine(t)
	dbName := mongotest.DBName()
	mongotest.OpenAt(t, uri, dbName)
	env := []string{"RECTIFY_MONGO_URI=" + uri, "RECTIFY_MONGO_DB=" + dbName, "RECTIFY_DATA=" + t.TempDir()}
	for _, tt := range []struct {
		name, password, want string
		args                 []string
	}{
		{"ErrWeakPassword", "12345678", "至少", []string{"--id", "x.y", "--name", "某某", "--roles", "office", "--region", "江南省"}},
		{"ErrCommonPassword", "password123", "常见", []string{"--id", "x.y", "--name", "某某", "--roles", "office", "--region", "江南省"}},
		{"ErrOwnName", "wangwu-2026!", "登录名", []string{"--id", "wangwu", "--name", "王五", "--roles", "office", "--region", "江南省"}},
		{"ErrUnknownRole", testPassword, "未知的角色", []string{"--id", "x.y", "--name", "某某", "--roles", "boss", "--region", "江南省"}},
		{"ErrUnitWithoutCode", testPassword, "须绑定一个单位", []string{"--id", "x.y", "--name", "某某", "--roles", "unit", "--region", "江南省"}},
		{"ErrEveryBadFlag", "short", "rectify: --name：请填写姓名（不超过 50 个字）\nrectify: --roles：请至少选择一个角色\nrectify: --region：地区须为", []string{"--id", "x.y"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, code := run(t, append(env, "RECTIFY_PASSWORD="+tt.password), append([]string{"user", "add"}, tt.args...)...)
			if code == 0 || !strings.Contains(out, tt.want) {
				t.Fatalf("exit %d: %s", code, out)
			}
		})
	}
	addUser(t, env, "chen.jing", "approver")
	if out, code := run(t, env, "user", "list"); code != 0 || !strings.Contains(out, "chen.jing") {
		t.Fatalf("list: %d %s", code, out)
	}
	if out, code := run(t, env, "user", "disable", "chen.jing"); code != 0 || !strings.Contains(out, "已停用") {
		t.Fatalf("disable: %d %s", code, out)
	}
	// Flags after the account, as people type them, reach the same database.
	bare := []string{"RECTIFY_MONGO_URI=", "RECTIFY_MONGO_DB=", "RECTIFY_DATA=" + t.TempDir()}
	if out, code := run(t, bare, "user", "enable", "chen.jing", "--mongo-uri", uri, "--mongo-db", dbName); code != 0 || !strings.Contains(out, "已启用") {
		t.Fatalf("enable with flags after the account: %d %s", code, out)
	}
	out, code := run(t, env, "token", "create", "--name", "人社局编制联动系统", "--roles", "liaison", "--region", "江南省/云州市")
	if code != 0 || !strings.Contains(out, "rct_") {
		t.Fatalf("token create: %d %s", code, out)
	}
	id := strings.Fields(strings.TrimPrefix(out, "令牌 "))[0]
	if out, code := run(t, env, "token", "revoke", id); code != 0 || !strings.Contains(out, "已吊销") {
		t.Fatalf("revoke: %d %s", code, out)
	}
	if out, code := run(t, env, "token", "create", "--name", "x", "--roles", "office", "--region", "江南省"); code == 0 {
		t.Fatalf("token with a writing role: %s", out)
	}
}

func get(t *testing.T, url string, as *session) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if as != nil {
		req.AddCookie(&http.Cookie{Name: "rectify_session", Value: as.cookie})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServeIssuesNoticesIntoMinIO runs the binary configured for MinIO:
// a notice issued through the API is stored there, downloads intact, and
// its public verification page answers.
func TestServeIssuesNoticesIntoMinIO(t *testing.T) {
	m := miniotest.Shared(t)
	bucket := m.Config().Bucket
	const public = "https://dugai.example.gov.cn"
	env, _, _ := ledgerEnv(t, "RECTIFY_MINIO_ENDPOINT="+m.Endpoint, "RECTIFY_MINIO_ACCESS_KEY="+m.AccessKey,
		"RECTIFY_MINIO_SECRET_KEY="+m.SecretKey, "RECTIFY_MINIO_BUCKET="+bucket, "RECTIFY_PUBLIC_URL="+public+"/",
		"RECTIFY_CONTACT_NAME=李明", "RECTIFY_CONTACT_PHONE=0888-5512310")
	addUser(t, env, "li.ming", "office")
	srv := start(t, env, "serve", "--addr", "127.0.0.1:0")
	office := login(t, srv.url(), "li.ming", testPassword)
	_, c := post(t, srv.url()+"/api/v1/cases", office, map[string]any{"source": "audit", "source_ref": "云审移〔2026〕5号", "unit_code": "QH001",
		"violation_kind": "B01", "title": "超编进人", "facts": "超编2人。", "level": "internal"})
	no := c["no"].(string)
	post(t, srv.url()+"/api/v1/cases/"+no+"/transitions", office, map[string]any{"action": "start_verification"})
	status, out := post(t, srv.url()+"/api/v1/notices", office, map[string]any{"unit_code": "QH001", "working_days": 15,
		"items": []map[string]any{{"no": no, "requirements": "清退超编人员"}}})
	if status != 201 {
		t.Fatalf("notice: %d %v", status, out)
	}
	doc := out["document"].(map[string]any)
	status, pdf := get(t, srv.url()+"/api/v1/documents/"+doc["id"].(string)+"/pdf", &office)
	if status != 200 || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("download: %d", status)
	}
	st, err := minio.New(m.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(m.AccessKey, m.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.StatObject(context.Background(), bucket, doc["object_key"].(string), minio.StatObjectOptions{}); err != nil {
		t.Fatalf("the PDF is not in MinIO: %v", err)
	}
	code := strings.ReplaceAll(doc["verify_code"].(string), "-", "")
	if status, page := get(t, srv.url()+"/verify/"+code, nil); status != 200 || !strings.Contains(page, doc["number"].(string)) || !strings.Contains(page, "存档文件完好") {
		t.Fatalf("verification page: %d", status)
	}
	if !strings.Contains(pdftest.Text(t, []byte(pdf)), public+"/verify/"+code) {
		t.Fatal("the printed verification link is not the configured public address")
	}
}

// The debug listener has no login: loopback only, refused before anything
// is opened, no command line (flags can carry secrets), and only requests
// that name a loopback host (no DNS rebinding from a web page).
func TestDebugListener(t *testing.T) {
	dir := t.TempDir()
	out, code := run(t, []string{"RECTIFY_MONGO_URI="}, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--debug-addr", "0.0.0.0:0")
	if code == 0 || !strings.Contains(out, "回环地址") {
		t.Fatalf("--debug-addr 0.0.0.0: exit %d, %s", code, out)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Fatalf("a refused start opened the data directory: %v", files)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	start(t, []string{"RECTIFY_MONGO_URI="}, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--debug-addr", addr)
	get := func(path, host string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
		if host != "" {
			req.Host = host
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := get("/debug/vars", ""); code != 200 || !strings.Contains(body, "db_commands") || !strings.Contains(body, `"cases"`) {
		t.Fatalf("/debug/vars: %d %.300s", code, body)
	}
	if code, _ := get("/debug/pprof/cmdline", ""); code != 404 {
		t.Errorf("/debug/pprof/cmdline: %d, want 404", code)
	}
	if code, _ := get("/debug/vars", "rebound.example:"+strings.Split(addr, ":")[1]); code != 403 {
		t.Errorf("a request naming another host: %d, want 403", code)
	}
}

func TestParseArgsTakesFlagsAnywhere(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		uri, pos string
	}{
		{[]string{"--mongo-uri", "mongodb://a/", "ID"}, "mongodb://a/", "ID"},
		{[]string{"ID", "--mongo-uri", "mongodb://a/"}, "mongodb://a/", "ID"},
		{[]string{"A", "--mongo-uri=mongodb://b/", "B"}, "mongodb://b/", "A B"},
		{[]string{"A", "--", "--mongo-uri", "x"}, "", "A --mongo-uri x"},
	} {
		m := &Main{Stderr: io.Discard, Getenv: func(string) string { return "" }}
		fs, c := m.flags("t")
		if err := parseArgs(fs, tc.args); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if c.MongoURI != tc.uri || strings.Join(fs.Args(), " ") != tc.pos {
			t.Errorf("%v: uri %q, args %q; want %q, %q", tc.args, c.MongoURI, fs.Args(), tc.uri, tc.pos)
		}
	}
}

// TestServeRefusesIssuingWithoutPublicURL: with no public address (or a
// loopback one) serve runs and the console works, but issuing answers 503
// naming the setting; nothing is claimed or stored.
func TestServeRefusesIssuingWithoutPublicURL(t *testing.T) {
	for _, public := range []string{"", "http://127.0.0.1:8080", "http://localhost/"} {
		t.Run("PublicURL="+public, func(t *testing.T) {
			env, db, _ := ledgerEnv(t, "RECTIFY_PUBLIC_URL="+public)
			addUser(t, env, "li.ming", "office")
			srv := start(t, env, "serve", "--addr", "127.0.0.1:0")
			defer srv.stop(t)
			office := login(t, srv.url(), "li.ming", testPassword)
			status, c := post(t, srv.url()+"/api/v1/cases", office, map[string]any{"source": "audit", "source_ref": "云审移〔2026〕5号", "unit_code": "QH001",
				"violation_kind": "B01", "title": "超编进人", "facts": "超编2人。", "level": "internal"})
			if status != 201 {
				t.Fatalf("register: %d %v", status, c)
			}
			no := c["no"].(string)
			post(t, srv.url()+"/api/v1/cases/"+no+"/transitions", office, map[string]any{"action": "start_verification"})
			status, out := post(t, srv.url()+"/api/v1/notices", office, map[string]any{"unit_code": "QH001", "working_days": 15,
				"items": []map[string]any{{"no": no, "requirements": "清退超编人员"}}})
			msg, _ := out["error"].(map[string]any)["message"].(string)
			if status != 503 || !strings.Contains(msg, "RECTIFY_PUBLIC_URL") {
				t.Fatalf("notice with no public address: %d %v", status, out)
			}
			n, err := db.Counts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if n["document_numbers"] != 0 || n["documents"] != 0 {
				t.Fatalf("a refused notice wrote: %v", n)
			}
		})
	}
}

func TestCheckPublicURL(t *testing.T) {
	tests := []struct {
		name, url string
		demo      bool
		want      string // the address printed; "" when issuing is refused
		refused   bool
		exit      bool
	}{
		{"OK", "https://dugai.example.gov.cn", false, "https://dugai.example.gov.cn", false, false},
		{"OKPrivateAddress", "http://10.1.2.3:8080", false, "http://10.1.2.3:8080", false, false},
		{"OKDemoWithAddress", "https://dugai.example.gov.cn", true, "https://dugai.example.gov.cn", false, false},
		{"ErrUnset", "", false, "", true, false},
		{"ErrLoopbackV4", "http://127.0.0.1:8080", false, "", true, false},
		{"ErrLoopbackV4Range", "http://127.8.9.10", false, "", true, false},
		{"ErrLoopbackV6", "http://[::1]:8080/", false, "", true, false},
		{"ErrLocalhost", "http://LocalHost:8080", false, "", true, false},
		{"ErrSubLocalhost", "http://rectify.localhost", false, "", true, false},
		{"ErrUnspecified", "http://0.0.0.0:8080", false, "", true, false},
		{"DemoUnset", "", true, demoPublicURL, false, false},
		{"DemoLoopback", "http://127.0.0.1:8080", true, demoPublicURL, false, false},
		{"ErrNoScheme", "dugai.example.gov.cn", false, "", false, true},
		{"ErrOtherScheme", "ftp://dugai.example.gov.cn", false, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			m := &Main{Stdout: &out, Stderr: &out}
			c := &config{PublicURL: tt.url}
			err := m.checkPublicURL(c, tt.demo)
			if got := err != nil; got != tt.exit {
				t.Fatalf("error %v, want exit %v", err, tt.exit)
			}
			if tt.exit {
				return
			}
			if got := c.refuseIssuing != ""; got != tt.refused {
				t.Fatalf("refused %v, want %v (%s)", got, tt.refused, out.String())
			}
			if !tt.refused && c.PublicURL != tt.want {
				t.Fatalf("got %q, want %q", c.PublicURL, tt.want)
			}
		})
	}
}

// TestVerifyListsVoidNumbers: a number claimed with no document record
// (a stop between claim and record) is listed as void, with its file.
func TestVerifyListsVoidNumbers(t *testing.T) {
	env, db, _ := ledgerEnv(t)
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	id := documents.ID(documents.KindNotice, year, 1)
	key := documents.ObjectKey(id, year, "0123456789ab")
	if err := db.ClaimNumber(context.Background(), documents.Claim{Kind: documents.KindNotice, Year: year, Seq: 1, ID: id, ObjectKey: key, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	out, code := run(t, env, "verify")
	want := fmt.Sprintf("文号 云编督〔%d〕1号 作废", year)
	if code != 0 || !strings.Contains(out, want) || !strings.Contains(out, key) {
		t.Fatalf("verify: exit %d, want %q\n%s", code, want, out)
	}
}

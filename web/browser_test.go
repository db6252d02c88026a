package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"rectify/cases"
	"rectify/cases/casetest"
)

// chromium finds the browser: RECTIFY_CHROMIUM, or Debian's package. The
// browser tests never skip: make test installs chromium, and without it
// they fail.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("RECTIFY_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := exec.LookPath(p); err == nil {
				return p
			}
		}
	}
	t.Fatal("no Chromium found: install Debian's chromium package (make test does) or set RECTIFY_CHROMIUM")
	return ""
}

// artifacts is where screenshots go.
func artifacts(t *testing.T) string {
	dir := os.Getenv("RECTIFY_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser starts headless Chromium with a fresh profile.
func browser(t *testing.T) context.Context {
	t.Helper()
	// Not t.TempDir: Chromium's helper processes may still write to the
	// profile for a moment after the browser stops, which would fail the
	// test in TempDir's cleanup. This directory is removed best-effort.
	profile, err := os.MkdirTemp("", "rectify-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(profile) })
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1440, 1000),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	w := &cspWatch{}
	chromedp.ListenTarget(ctx, w.listen)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Registered after the cancels, so it runs before them, while the
	// browser can still answer the round trip that flushes late reports.
	t.Cleanup(func() {
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = chromedp.Run(fctx, chromedp.Evaluate(`1`, nil))
		if v := w.unreported(); len(v) > 0 {
			t.Errorf("Content-Security-Policy violations:\n%s", strings.Join(v, "\n"))
		}
	})
	return context.WithValue(ctx, cspKey{}, w)
}

// cspWatch collects what Chromium reports when the Content-Security-Policy
// blocks something. A blocked style or script fails silently in the page
// (the register form once lost its width that way), so every browser test
// fails on any violation, on whichever page it occurs.
type cspWatch struct {
	mu   sync.Mutex
	seen []string
	told int // how many of seen a test has already failed on
}

type cspKey struct{}

// listen takes both channels Chromium may use: the browser's own log entry
// and a console message.
func (w *cspWatch) listen(ev any) {
	var text, url string
	switch ev := ev.(type) {
	case *cdplog.EventEntryAdded:
		text, url = ev.Entry.Text, ev.Entry.URL
	case *runtime.EventConsoleAPICalled:
		for _, a := range ev.Args {
			text += string(a.Value) + " " + a.Description
		}
	default:
		return
	}
	if !strings.Contains(text, "Content Security Policy") {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen = append(w.seen, strings.TrimSpace(text)+" ["+url+"]")
}

// unreported returns the violations seen since the last call.
func (w *cspWatch) unreported() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	v := w.seen[w.told:]
	w.told = len(w.seen)
	return v
}

// run runs browser steps with their own time limit; on failure it reports
// where the browser was and what the page said.
func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(sctx, actions...); err != nil {
		var loc, body string
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = chromedp.Run(dctx, chromedp.Location(&loc), chromedp.Text("body", &body, chromedp.ByQuery))
		t.Fatalf("%s: %v\nat %s:\n%.800s", what, err, loc, body)
	}
	if w, ok := ctx.Value(cspKey{}).(*cspWatch); ok {
		if v := w.unreported(); len(v) > 0 {
			var loc string
			_ = chromedp.Run(sctx, chromedp.Location(&loc))
			t.Fatalf("%s: Content-Security-Policy violations at %s:\n%s", what, loc, strings.Join(v, "\n"))
		}
	}
}

func (e *testEnv) browserLogin(t *testing.T, ctx context.Context, user string) {
	t.Helper()
	run(t, ctx, "log in as "+user,
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.WaitVisible(`input[name=username]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name=username]`, user, chromedp.ByQuery),
		chromedp.SendKeys(`input[name=password]`, testPassword, chromedp.ByQuery),
		chromedp.Click(`form[action="/login"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`header nav`, chromedp.ByQuery),
	)
}

func (e *testEnv) browserLogout(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, "log out", chromedp.Click(`.who button`, chromedp.ByQuery), chromedp.WaitVisible(`input[name=username]`, chromedp.ByQuery))
}

// act opens an action's form on the case page, fills it and submits.
func act(t *testing.T, ctx context.Context, action cases.Action, fields map[string]string) {
	t.Helper()
	form := `#act-` + string(action) + ` form`
	steps := []chromedp.Action{
		chromedp.WaitVisible(`#timeline`, chromedp.ByQuery),
		// Open the action's block (idempotent, unlike clicking its summary).
		chromedp.Evaluate(`document.querySelector('#act-`+string(action)+`').open = true`, nil),
		chromedp.WaitVisible(form+` button`, chromedp.ByQuery),
	}
	for name, v := range fields {
		steps = append(steps, chromedp.SendKeys(form+` [name=`+name+`]`, v, chromedp.ByQuery))
	}
	// Clear the last notice, so that waiting for one waits for the new page.
	steps = append(steps, chromedp.Evaluate(`document.querySelectorAll('.flash').forEach(e => e.remove())`, nil),
		chromedp.Click(form+` button`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	run(t, ctx, string(action), steps...)
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, "read "+sel, chromedp.Text(sel, &s, chromedp.NodeVisible, chromedp.ByQuery))
	return s
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png []byte
	run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(&png, 100)) // quality 100 gives PNG, below it JPEG
	path := filepath.Join(artifacts(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func TestBrowserCaseJourney(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// Some other cases, so that the ledger has more than one line.
	for i, unit := range []string{"QH002", "AP001", "QH001", "QH002"} {
		reg := casetest.Registration(unit)
		reg.Kind = []string{"B01", "C01", "D01", "D04"}[i]
		reg.Title = []string{"超编进人", "超职数配备领导干部", "吃空饷", "政府购买服务用工不规范"}[i]
		c, _, _ := e.Service.Register(ctx, cases.GlobalScope, casetest.Office, reg, "")
		if i%2 == 0 {
			e.Service.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionStartVerification, cases.Input{}, "", 0)
			e.Service.Transition(ctx, cases.GlobalScope, c.No, casetest.Office, cases.ActionOrderRectification, cases.Input{Requirements: "限期整改", WorkingDays: 3}, "", 0)
		}
	}
	b := browser(t)

	// The office registers a case through the form.
	e.browserLogin(t, b, "li.ming")
	var loc string
	run(t, b, "register",
		chromedp.Navigate(e.srv.URL+"/cases/new"),
		chromedp.WaitVisible(`select[name=source]`, chromedp.ByQuery),
		chromedp.SetValue(`select[name=source]`, "patrol", chromedp.ByQuery),
		chromedp.SendKeys(`input[name=source_ref]`, "云巡办移〔2026〕21号", chromedp.ByQuery),
		chromedp.SetValue(`select[name=unit_code]`, "QH001", chromedp.ByQuery),
		chromedp.SetValue(`select[name=violation_kind]`, "B04", chromedp.ByQuery),
		chromedp.SendKeys(`input[name=title]`, "清河县教育局混岗使用事业编制人员", chromedp.ByQuery),
		chromedp.SendKeys(`textarea[name=facts]`, "巡察发现，该局将3名事业编制人员长期安排在机关科室从事行政管理工作。", chromedp.ByQuery),
		// 承办人 is chosen from the office's users.
		chromedp.SetValue(`select[name=assignee]`, "赵磊", chromedp.ByQuery),
		chromedp.Click(`form[action="/cases/new"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.Location(&loc),
	)
	loc, _, _ = strings.Cut(loc, "?")
	no := loc[strings.LastIndex(loc, "/")+1:]
	if _, _, err := cases.ParseNo(no); err != nil || !strings.Contains(text(t, b, ".flash"), no) {
		t.Fatalf("after registering: %s", loc)
	}
	if k, _ := e.Service.Case(ctx, cases.GlobalScope, no); k.Assignee != "赵磊" {
		t.Fatalf("registered assignee %q", k.Assignee)
	}
	// The assign form offers the same list; a name forged into it is
	// refused, naming the field.
	var offered []string
	run(t, b, "forge an assignee",
		chromedp.WaitVisible(`#timeline`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#act-assign').open = true`, nil),
		chromedp.Evaluate(`[...document.querySelectorAll('#act-assign select[name=assignee] option')].map(o => o.value).filter(v => v)`, &offered),
		chromedp.Evaluate(`(() => { const o = document.querySelector('#act-assign select[name=assignee] option:last-child'); o.value = '张三'; o.selected = true })()`, nil),
		chromedp.Click(`#act-assign form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#act-assign .field-error`, chromedp.ByQuery))
	if got := strings.Join(offered, ","); !strings.Contains(got, "李明") || !strings.Contains(got, "赵磊") || strings.Contains(got, "王芳") {
		t.Fatalf("assign form offers %v", offered)
	}
	if s := text(t, b, "#act-assign .field-error"); !strings.Contains(s, "承办人") {
		t.Fatalf("forged assignee refused with %q", s)
	}
	run(t, b, "assign", chromedp.SetValue(`#act-assign select[name=assignee]`, "李明", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('.flash').forEach(e => e.remove())`, nil),
		chromedp.Click(`#act-assign form button`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if s := text(t, b, "dl.facts"); !strings.Contains(s, "李明") {
		t.Fatalf("case after assigning: %s", s)
	}
	act(t, b, cases.ActionStartVerification, nil)
	act(t, b, cases.ActionOrderRectification, map[string]string{"requirements": "将混岗人员调整回事业岗位，30个工作日内报送整改情况", "working_days": "30"})
	if s := text(t, b, "dl.facts"); !strings.Contains(s, "整改中") {
		t.Fatalf("case after ordering: %s", s)
	}
	// Ordering issued the notice: it is listed with its number.
	if s := text(t, b, "#documents"); !strings.Contains(s, "云编督〔") {
		t.Fatalf("no notice on the case: %s", s)
	}
	// The timeline names the notice the order issued.
	if s := text(t, b, "#timeline"); !strings.Contains(s, "整改通知书 云编督〔") {
		t.Fatalf("the timeline does not name the notice: %s", s)
	}
	e.browserLogout(t, b)

	// The unit reports back.
	e.browserLogin(t, b, "unit.qh001")
	run(t, b, "unit opens the case", chromedp.Navigate(e.srv.URL+"/cases/"+no))
	evidence := filepath.Join(t.TempDir(), "岗位调整文件.pdf")
	os.WriteFile(evidence, []byte("%PDF-1.4 岗位调整文件"), 0o644)
	run(t, b, "attach evidence", chromedp.WaitVisible(`#timeline`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#act-submit').open = true`, nil),
		chromedp.SetUploadFiles(`#act-submit input[type=file]`, []string{evidence}, chromedp.ByQuery))
	act(t, b, cases.ActionSubmit, map[string]string{"report": "已将3名人员调整回事业岗位"})
	if s := text(t, b, "#evidence"); !strings.Contains(s, "岗位调整文件.pdf") {
		t.Fatalf("evidence not listed: %s", s)
	}
	if s := text(t, b, "#timeline"); !strings.Contains(s, "佐证材料：岗位调整文件.pdf") || strings.Contains(s, "evidence:") {
		t.Fatalf("the timeline does not name the evidence file: %s", s)
	}
	e.browserLogout(t, b)

	// The office verifies; the verifier cannot close.
	e.browserLogin(t, b, "li.ming")
	run(t, b, "office opens the case", chromedp.Navigate(e.srv.URL+"/cases/"+no))
	act(t, b, cases.ActionConfirm, map[string]string{"note": "经实地核查，整改到位"})
	if strings.Contains(text(t, b, ".actions"), "审批销号") {
		t.Fatal("the office user is offered closing")
	}
	run(t, b, "ledger", chromedp.Navigate(e.srv.URL+"/ledger"), chromedp.WaitVisible(`#ledger`, chromedp.ByQuery))
	screenshot(t, b, "ledger.png")
	e.browserLogout(t, b)

	// A second person, the approver, closes it.
	e.browserLogin(t, b, "wang.fang")
	run(t, b, "approver opens the case", chromedp.Navigate(e.srv.URL+"/cases/"+no))
	act(t, b, cases.ActionClose, map[string]string{"note": "同意销号"})
	if s := text(t, b, "dl.facts"); !strings.Contains(s, "已销号") {
		t.Fatalf("case after closing: %s", s)
	}
	// The closing form is recorded on the timeline by kind and number,
	// never as a transfer reference.
	run(t, b, "issue the closing form", chromedp.Evaluate(`document.querySelectorAll('.flash').forEach(e => e.remove())`, nil),
		chromedp.Click(`form[action$="/closing-form"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	if s := text(t, b, "#timeline"); !strings.Contains(s, "销号审批表 云编销〔") || strings.Contains(s, "移交文号") {
		t.Fatalf("the timeline after the closing form: %s", s)
	}
	screenshot(t, b, "case.png")
	k, _ := e.Service.Case(ctx, cases.GlobalScope, no)
	if k.State != cases.StateClosed || k.VerifiedBy != "li.ming" {
		t.Fatalf("stored case: %s verified by %s", k.State, k.VerifiedBy)
	}
	evs, _ := e.Service.Events(ctx, cases.GlobalScope, no)
	if last := evs[len(evs)-1]; last.Actor.ID != "wang.fang" || last.Actor.Role != cases.RoleApprover {
		t.Fatalf("closing actor %+v", last.Actor)
	}
	e.browserLogout(t, b)
}

func TestBrowserUnitSeesOnlyItsUnit(t *testing.T) {
	e := newEnv(t)
	mine := e.register("QH001", cases.LevelInternal)
	e.register("QH002", cases.LevelInternal)
	e.register("AP001", cases.LevelInternal)
	b := browser(t)
	e.browserLogin(t, b, "unit.qh001")
	var units []string
	run(t, b, "ledger", chromedp.Navigate(e.srv.URL+"/ledger"), chromedp.WaitVisible(`#ledger`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('#ledger tbody tr td:nth-child(5)')).map(td => td.innerText)`, &units))
	if len(units) != 1 || units[0] != "清河县教育局" {
		t.Fatalf("unit ledger shows %v", units)
	}
	if s := text(t, b, "#ledger"); !strings.Contains(s, mine) {
		t.Fatalf("own case missing: %s", s)
	}
	screenshot(t, b, "ledger-unit.png")
}

func TestBrowserFormWithoutCSRFTokenIsRefused(t *testing.T) {
	e := newEnv(t)
	no := e.register("QH001", cases.LevelInternal)
	b := browser(t)
	e.browserLogin(t, b, "li.ming")
	form := `#act-start_verification form`
	run(t, b, "strip the token and post",
		chromedp.Navigate(e.srv.URL+"/cases/"+no),
		chromedp.WaitVisible(`#timeline`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('`+form+` input[name=csrf_token]').remove()`, nil),
		chromedp.Click(`#act-start_verification summary`, chromedp.ByQuery),
		chromedp.Click(form+` button`, chromedp.ByQuery),
		chromedp.WaitVisible(`p.error`, chromedp.ByQuery),
	)
	if s := text(t, b, "p.error"); !strings.Contains(s, "CSRF") {
		t.Fatalf("refusal says %q", s)
	}
	k, _ := e.Service.Case(context.Background(), cases.GlobalScope, no)
	if k.State != cases.StateRegistered {
		t.Fatalf("the forged post changed the case to %s", k.State)
	}
}

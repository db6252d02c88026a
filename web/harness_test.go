package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"rectify/assessment"
	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/calendar"
	"rectify/cases/casetest"
	"rectify/cases/checkpoint"
	"rectify/cases/clue"
	"rectify/cases/documents"
	"rectify/cases/hotline"
	"rectify/cases/patrol"
	"rectify/cases/referral"
	"rectify/cases/roster"
	"rectify/storage/blob/localblob"
	"rectify/templates"
	"rectify/web"
)

const testPassword = "Test#pass2026"

// testUsers hold one account per role, and county-level office users of
// both counties of casetest.Units for the scope tests.
var testUsers = []access.User{
	{ID: "admin", Name: "管理员", Roles: []cases.Role{cases.RoleAdmin}, Region: []string{"江南省", "云州市"}},
	{ID: "li.ming", Name: "李明", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省", "云州市"}},
	{ID: "zhao.lei", Name: "赵磊", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省", "云州市"}},
	{ID: "wang.fang", Name: "王芳", Roles: []cases.Role{cases.RoleApprover}, Region: []string{"江南省", "云州市"}},
	{ID: "zhou.qiang", Name: "周强", Roles: []cases.Role{cases.RolePatrol}, Region: []string{"江南省", "云州市"}},
	{ID: "sun.li", Name: "孙丽", Roles: []cases.Role{cases.RoleHotline}, Region: []string{"江南省", "云州市"}},
	{ID: "unit.qh001", Name: "清河县教育局联络员", Roles: []cases.Role{cases.RoleUnit}, Region: []string{"江南省", "云州市", "清河县"}, UnitCode: "QH001"},
	{ID: "he.ping", Name: "何平", Roles: []cases.Role{cases.RoleReviewer}, Region: []string{"江南省", "云州市"}},
	{ID: "liaison.rsj", Name: "人社局", Roles: []cases.Role{cases.RoleLiaison}, Region: []string{"江南省", "云州市"}},
	{ID: "qh.office", Name: "清河县编办", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省", "云州市", "清河县"}},
	{ID: "ap.office", Name: "安平县编办", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省", "云州市", "安平县"}},
}

// oneOfEachRole maps each role to a user holding only it.
var oneOfEachRole = map[cases.Role]string{
	cases.RoleAdmin: "admin", cases.RoleOffice: "li.ming", cases.RoleApprover: "wang.fang", cases.RolePatrol: "zhou.qiang",
	cases.RoleHotline: "sun.li", cases.RoleUnit: "unit.qh001", cases.RoleReviewer: "he.ping", cases.RoleLiaison: "liaison.rsj",
}

type testEnv struct {
	*casetest.Env
	Docs *documents.Service
	// Clues is the audit referral channel.
	Clues *clue.Service
	// blobDir is the local blob store's directory, for tests that corrupt files.
	blobDir string
	t       testing.TB
	Access  *access.Service
	Server  *web.Server
	Hotline *hotline.Service
	Roster  *roster.Service
	// Patrol holds the patrol rounds: zhou.qiang is on a team of a current
	// round inspecting QH001 (testRound).
	Patrol *patrol.Service
	srv    *httptest.Server
	clock  *clock

	mu       sync.Mutex
	sessions map[string][2]string // user → cookie secret, CSRF token
}

// clock is a settable time source for the access service.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

func newEnv(t testing.TB) *testEnv {
	t.Helper()
	env := casetest.New(t, nil)
	clk := &clock{}
	acc := access.NewService(access.Shared(env.DB, env.Service, true), access.Config{Now: clk.now})
	for _, u := range testUsers {
		if err := acc.CreateUser(context.Background(), u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	blobDir := t.TempDir()
	blobs, err := localblob.Open(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	cal, _ := calendar.Builtin()
	docs := documents.NewService(documents.Config{Cases: env.Service, Store: env.DB, Blobs: blobs, Calendar: cal, Catalog: env.Catalog,
		Fonts: templates.EmbeddedFonts(), Letterhead: templates.Letterhead{Office: "中共云州市委机构编制委员会办公室"}, VerifyBase: "/verify/"})
	ref, err := referral.New(context.Background(), referral.Config{Cases: env.Service, Documents: docs, Store: env.DB})
	if err != nil {
		t.Fatal(err)
	}
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clues, err := clue.Open(context.Background(), clue.Config{Cases: env.Service, Documents: docs, Store: env.DB, Calendar: cal, Catalog: env.Catalog})
	if err != nil {
		t.Fatal(err)
	}
	cps := &checkpoint.Store{Blobs: blobs, Signer: key, Public: &key.PublicKey}
	var kinds []string
	for _, k := range env.Catalog.Kinds {
		kinds = append(kinds, k.Code)
	}
	assess, err := assessment.NewService(assessment.Config{Store: env.DB.Assessment(), Ledger: env.Service, Kinds: kinds})
	if err != nil {
		t.Fatal(err)
	}
	hl := newHotline(t, env, blobs, acc, docs)
	rs := newRoster(t, env, acc)
	pat := newPatrol(t, env)
	s := web.NewServer(web.Config{Patrol: pat, Blobs: blobs, Letterhead: templates.Letterhead{Office: "中共云州市委机构编制委员会办公室"}, SecretPeriod: "10年", Service: env.Service, Access: acc, Documents: docs, Referral: ref, Clues: clues, Catalog: env.Catalog, LoginPerMinute: 1000, LoginPerAccount: 1000, PublicPerMinute: 10000,
		Hotline: hl, ReportsPerHour: 1000, StatusPerHour: 1000, Assessment: assess, Roster: rs,
		Checkpoint: func(ctx context.Context) (checkpoint.Info, bool, error) {
			return checkpoint.Sign(ctx, env.Service, cps)
		}})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &testEnv{Patrol: pat, Env: env, Docs: docs, Clues: clues, blobDir: blobDir, t: t, Access: acc, Server: s, srv: srv, clock: clk, sessions: map[string][2]string{}, Hotline: hl, Roster: rs}
}

// session logs user in once (through the access service) and returns the
// cookie secret and CSRF token.
func (e *testEnv) session(user string) (string, string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s, ok := e.sessions[user]; ok {
		return s[0], s[1]
	}
	secret, sess, _, err := e.Access.Login(context.Background(), user, testPassword, "192.0.2.1", "test")
	if err != nil {
		e.t.Fatalf("login %s: %v", user, err)
	}
	e.sessions[user] = [2]string{secret, sess.CSRF}
	return secret, sess.CSRF
}

// forget drops a user's cached session (after logging it out).
func (e *testEnv) forget(user string) {
	e.mu.Lock()
	delete(e.sessions, user)
	e.mu.Unlock()
}

type response struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// req sends a request as user ("" for nobody); extra headers follow.
func (e *testEnv) req(method, path, user, contentType string, body io.Reader, hdr ...string) response {
	e.t.Helper()
	r, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if user != "" {
		secret, csrf := e.session(user)
		r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
		r.Header.Set(web.CSRFHeader, csrf)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(r)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

// json sends a JSON body (a string is sent as is).
func (e *testEnv) json(method, path, user string, body any, hdr ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		rd = bytes.NewReader(buf)
	}
	ct := ""
	if method == http.MethodPost {
		ct = "application/json"
	}
	return e.req(method, path, user, ct, rd, hdr...)
}

// register registers a case for unit as li.ming and returns its number.
func (e *testEnv) register(unit string, level cases.Level) string {
	e.t.Helper()
	reg := casetest.Registration(unit)
	reg.Level = level
	c, _, err := e.Service.Register(context.Background(), cases.GlobalScope, casetest.Office, reg, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return c.No
}

func errOf(r response) map[string]any {
	e, _ := r.Body["error"].(map[string]any)
	return e
}

// counts returns the database's document counts, leaving out sessions:
// logging a test user in is not a write made by the request under test.
func (e *testEnv) counts() map[string]int64 {
	n := e.Counts(e.t)
	delete(n, "sessions")
	return n
}

// hotlineKey is the reporter key of the test servers.
var hotlineKey = bytes.Repeat([]byte{0x5a}, hotline.KeySize)

// newHotline opens the hotline service on env's database with the SM4 profile.
func newHotline(t testing.TB, env *casetest.Env, blobs documents.Blobs, acc *access.Service, docs *documents.Service) *hotline.Service {
	t.Helper()
	ciph, err := hotline.NewCipher(hotline.ProfileSM4, hotlineKey)
	if err != nil {
		t.Fatal(err)
	}
	cal, _ := calendar.Builtin()
	hl, err := hotline.Open(context.Background(), hotline.Config{Store: env.DB, Cipher: ciph, Blobs: blobs, Cases: env.Service,
		Calendar: cal, Auditor: acc, StatusFloor: 300 * time.Millisecond, Evidence: docs})
	if err != nil {
		t.Fatal(err)
	}
	return hl
}

// testRound is the round of the test servers: zhou.qiang on a team that
// inspects QH001, current on the service's today.
const testRound = "测试巡察轮次"

// anyKnown accepts every member and unit: the test rounds are set up
// before the accounts they name may exist.
var anyKnown = patrol.Known{Patrol: func(string) bool { return true }, Unit: func(string) bool { return true }}

// newPatrol opens the patrol service on env's database with testRound.
func newPatrol(t testing.TB, env *casetest.Env) *patrol.Service {
	t.Helper()
	pat, err := patrol.Open(context.Background(), patrol.Config{Store: env.DB})
	if err != nil {
		t.Fatal(err)
	}
	today, _ := time.Parse(time.DateOnly, env.Service.Today())
	r := patrol.Round{Name: testRound, Start: today.AddDate(0, 0, -10).Format(time.DateOnly), End: today.AddDate(0, 0, 30).Format(time.DateOnly),
		Teams: []patrol.Team{{Name: "测试巡察组", Members: []string{"zhou.qiang"}, Units: []string{"QH001"}}}}
	if _, err := pat.Create(context.Background(), casetest.Office, r, anyKnown); err != nil {
		t.Fatal(err)
	}
	return pat
}

// addRound adds a current round with teams to e.
func (e *testEnv) addRound(name string, teams ...patrol.Team) patrol.Round {
	e.t.Helper()
	today, _ := time.Parse(time.DateOnly, e.Service.Today())
	r, err := e.Patrol.Create(context.Background(), casetest.Office, patrol.Round{Name: name, Start: today.Format(time.DateOnly),
		End: today.AddDate(0, 1, 0).Format(time.DateOnly), Teams: teams}, anyKnown)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// patrolTeam is a team of one member.
func patrolTeam(name, member string, units ...string) patrol.Team {
	return patrol.Team{Name: name, Members: []string{member}, Units: units}
}

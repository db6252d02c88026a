package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/calendar"
	"rectify/cases/catalog"
	"rectify/cases/synth"
	"rectify/storage/embedded"
	"rectify/storage/mongodb"
)

// bench loads generated ledgers of several sizes and measures a running
// server through HTTP: lists with each filter, the case page, registration
// and transitions at several client counts beside the raw insert rate of
// the same engine, database commands per operation, start-up and peak
// memory. It prints a report (Markdown) for docs/PERFORMANCE.md.
func (m *Main) bench(ctx context.Context, args []string) error {
	fs, _ := m.flags("bench")
	sizes := fs.String("sizes", "1000,10000,100000", "要测量的台账规模（案件数）")
	runs := fs.Int("runs", 5, "每项延迟测量的重复次数（报告最小值、中位数和最大值）")
	loadRuns := fs.Int("load-runs", 3, "每项吞吐量测量的重复次数")
	duration := fs.Duration("duration", 4*time.Second, "一次吞吐量测量的时长")
	clients := fs.String("clients", "1,8,32", "登记和流转测量的并发客户端数")
	external := fs.String("external-uri", m.env("RECTIFY_BENCH_MONGO_URI", ""), "另外测量这个数据库引擎（MongoDB URI，如运行在 PostgreSQL 上的 rectify dbserver）(RECTIFY_BENCH_MONGO_URI)")
	only := fs.String("engines", "", "embedded、external 或 both（默认：设置了 --external-uri 时为 both）")
	out := fs.String("out", "", "同时把报告写入此文件")
	profiles := fs.String("profile-dir", "", "最慢操作的 CPU 性能剖析文件存放目录（默认：新建临时目录）")
	if err := parseArgs(fs, args); err != nil {
		return exitCode(2)
	}
	var ns, cs []int
	for _, list := range []struct {
		s   string
		dst *[]int
	}{{*sizes, &ns}, {*clients, &cs}} {
		for _, f := range strings.Split(list.s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return fmt.Errorf("bench：「%s」不是正整数", f)
			}
			*list.dst = append(*list.dst, n)
		}
	}
	engines := []string{"embedded"}
	switch {
	case *only == "external":
		engines = []string{"external"}
	case *only == "" && *external != "", *only == "both":
		engines = append(engines, "external")
	case *only != "" && *only != "embedded":
		return fmt.Errorf("bench：--engines 须为 embedded、external 或 both")
	}
	if contains(engines, "external") && *external == "" {
		return fmt.Errorf("bench：测量外部数据库引擎须指定 --external-uri")
	}
	if *profiles == "" {
		dir, err := os.MkdirTemp("", "rectify-bench-profiles-")
		if err != nil {
			return err
		}
		*profiles = dir
	} else if err := os.MkdirAll(*profiles, 0o755); err != nil {
		return fmt.Errorf("bench：性能剖析目录：%w", err)
	}
	w := io.Writer(m.Stdout)
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = io.MultiWriter(m.Stdout, f)
	}
	fmt.Fprintf(w, "# rectify bench, %s\n\n%s\n\n", time.Now().Format("2006-01-02 15:04 MST"), machine())
	for _, engine := range engines {
		for _, n := range ns {
			b := &benchRun{m: m, engine: engine, uri: *external, cases: n, runs: *runs, loadRuns: *loadRuns, duration: *duration,
				clients: cs, profileDir: *profiles, w: w}
			if err := b.run(ctx); err != nil {
				return fmt.Errorf("bench（%s 引擎，%d 件案件）：%w", engine, n, err)
			}
		}
	}
	fmt.Fprintf(w, "\nCPU profiles: %s (go tool pprof -top FILE)\n", *profiles)
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// machine describes where the bench runs.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0]); len(f) >= 2 {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("Machine: %s, %d cores%s, %s/%s, %s.", model, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// benchPassword is the password of the accounts the bench creates.
const benchPassword = "Bench#2026-rectify"

// Written in this source, it is refused for any account of one's own.
func init() { access.Publish(benchPassword) }

// benchUsers see the whole province: lists cover the whole ledger.
var benchUsers = []access.User{
	{ID: "bench.office", Name: "压测处室", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省"}},
	// Assignments name office users (the server checks 承办人 against them).
	{ID: "bench.office2", Name: "压测承办", Roles: []cases.Role{cases.RoleOffice}, Region: []string{"江南省"}},
	{ID: "bench.approver", Name: "压测审批", Roles: []cases.Role{cases.RoleApprover}, Region: []string{"江南省"}},
}

// benchAssignees are the names assignments alternate between: every
// assignment changes the case, as a fresh name did before 承办人 had to be an
// office user.
var benchAssignees = [2]string{"压测处室", "压测承办"}

// benchRun is the measurement of one engine at one size.
type benchRun struct {
	m                *Main
	engine, uri      string
	cases            int
	runs, loadRuns   int
	duration         time.Duration
	clients          []int
	profileDir       string
	w                io.Writer
	env              []string // how serve finds the data
	cleanup          func()
	ledger           synth.Ledger
	open             []string // numbers of open cases, for transitions
	units            []string
	now              time.Time
	seedTook         time.Duration
	eventsPerCase    float64
	results          []benchLine
	throughput       []loadLine
	commands         []commandLine
	startup          []time.Duration
	rss              int64
	visibility       []time.Duration
	slowestProfile   string
	generateDuration time.Duration
}

// prepare generates the ledger and loads it into a fresh database.
func (b *benchRun) prepare(ctx context.Context) error {
	cal, err := calendar.Builtin()
	if err != nil {
		return err
	}
	cat, err := catalog.Builtin()
	if err != nil {
		return err
	}
	b.now = time.Now()
	t0 := time.Now()
	if b.ledger, err = synth.Generate(synth.Config{Cases: b.cases, Seed: uint64(b.cases), Now: b.now, Calendar: cal}); err != nil {
		return err
	}
	b.generateDuration = time.Since(t0)
	b.eventsPerCase = float64(len(b.ledger.Events)) / float64(len(b.ledger.Cases))
	for _, c := range b.ledger.Cases {
		if c.State.Open() {
			b.open = append(b.open, c.No)
		}
	}
	for _, u := range b.ledger.Units {
		b.units = append(b.units, u.Code)
	}
	var uri, dbName string
	var engine *embedded.Engine
	switch b.engine {
	case "embedded":
		dir, err := os.MkdirTemp("", "rectify-bench-data-")
		if err != nil {
			return err
		}
		b.env = []string{"RECTIFY_DATA=" + dir, "RECTIFY_MONGO_URI="}
		b.cleanup = func() { os.RemoveAll(dir) }
		if engine, err = embedded.Start(ctx, embedded.Config{Dir: filepath.Join(dir, "db")}); err != nil {
			return err
		}
		defer engine.Close()
		uri, dbName = engine.URI(), "rectify"
	default:
		rnd := make([]byte, 4)
		_, _ = rand.Read(rnd)
		uri, dbName = b.uri, fmt.Sprintf("bench%d_%s", b.cases, hex.EncodeToString(rnd))
		b.env = []string{"RECTIFY_MONGO_URI=" + uri, "RECTIFY_MONGO_DB=" + dbName, "RECTIFY_DATA=" + os.TempDir()}
	}
	db, err := mongodb.Open(ctx, uri, dbName)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	if b.engine != "embedded" {
		b.cleanup = func() {
			d, err := mongodb.Open(context.Background(), uri, dbName)
			if err == nil {
				_ = d.Drop(context.Background())
				_ = d.Close(context.Background())
			}
		}
	}
	if engine != nil {
		if err := engine.IndexIDs(ctx, dbName); err != nil {
			return err
		}
	}
	t0 = time.Now()
	if err := cases.Seed(ctx, cases.Config{Store: db, Calendar: cal, Catalog: cat}, b.ledger.Units, b.ledger.Events); err != nil {
		return err
	}
	b.seedTook = time.Since(t0)
	acc := access.NewService(db, access.Config{})
	for _, u := range benchUsers {
		if err := acc.CreatePublishedUser(ctx, u, benchPassword); err != nil {
			return err
		}
	}
	return nil
}

func (b *benchRun) run(ctx context.Context) error {
	fmt.Fprintf(b.m.Stderr, "bench：%s 引擎，%d 件案件：正在生成并载入数据…\n", b.engine, b.cases)
	if err := b.prepare(ctx); err != nil {
		return err
	}
	defer b.cleanup()
	// Start-up: each start loads the snapshot the last stop wrote.
	var srv *benchServer
	for i := 0; i < b.runs; i++ {
		s, err := startServer(ctx, b.env)
		if err != nil {
			return err
		}
		b.startup = append(b.startup, s.startup)
		if i == b.runs-1 {
			srv = s
			break
		}
		if err := s.stop(); err != nil {
			return err
		}
	}
	defer srv.stop()
	fmt.Fprintf(b.m.Stderr, "bench：%s 引擎，%d 件案件：正在测量…\n", b.engine, b.cases)
	office, err := benchLogin(srv.base, "bench.office", benchPassword)
	if err != nil {
		return err
	}
	if err := b.lists(office); err != nil {
		return err
	}
	if err := b.casePages(office); err != nil {
		return err
	}
	if err := b.commandsPerOperation(srv, office); err != nil {
		return err
	}
	if err := b.load(srv); err != nil {
		return err
	}
	if b.engine != "embedded" {
		if err := b.visible(ctx, srv, office); err != nil {
			return err
		}
	}
	b.rss = srv.peakRSS()
	b.report()
	return nil
}

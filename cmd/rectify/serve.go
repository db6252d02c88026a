package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"rectify/assessment"
	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/checkpoint"
	"rectify/cases/clue"
	"rectify/cases/demo"
	"rectify/cases/hotline"
	"rectify/cases/patrol"
	"rectify/cases/referral"
	"rectify/storage/keys"
	"rectify/templates"
	"rectify/web"
)

func (m *Main) serve(ctx context.Context, args []string) error {
	fs, c := m.flags("serve")
	addr := fs.String("addr", m.env("RECTIFY_ADDR", "127.0.0.1:8080"), "监听地址 (RECTIFY_ADDR)")
	withDemo := fs.Bool("demo", false, "启动时载入演示数据和演示账号（重复载入无副作用）")
	secure := fs.Bool("secure-cookies", m.env("RECTIFY_SECURE_COOKIES", "") == "true", "TLS 由前置代理终结时，为 Cookie 加上 Secure 标记 (RECTIFY_SECURE_COOKIES=true)")
	demoDir := fs.String("demo-dir", m.env("RECTIFY_DEMO_DIR", ""), "代替内置演示数据载入的演示数据目录（units.csv、cases.json） (RECTIFY_DEMO_DIR)")
	every := fs.Duration("checkpoint-every", durationEnv(m, "RECTIFY_CHECKPOINT_EVERY", time.Hour), "台账有变更时，每隔多久签署一次检查点并写入文件存储 (RECTIFY_CHECKPOINT_EVERY)")
	keyFile := fs.String("reporter-key-file", m.env("RECTIFY_REPORTER_KEY_FILE", ""), "the key that seals 12310 reporters' identities (64 hex digits); it must exist; default <key-dir>/reporter.key, made on first start; "+keys.ReporterKeyEnv+" holds the key itself instead (RECTIFY_REPORTER_KEY_FILE)")
	profile := fs.String("reporter-cipher", m.env("RECTIFY_REPORTER_CIPHER", hotline.ProfileSM4), "举报人身份信息的加密方式：sm4-gcm（国密，满足密评）或 aes-256-gcm (RECTIFY_REPORTER_CIPHER)")
	ackDays := fs.Int("ack-days", intEnv(m, "RECTIFY_ACK_DAYS", hotline.AckDays), "12310 举报的分办期限（工作日） (RECTIFY_ACK_DAYS)")
	reportsPerHour := fs.Int("reports-per-hour", intEnv(m, "RECTIFY_REPORTS_PER_HOUR", 5), "同一地址每小时可提交的公众举报数 (RECTIFY_REPORTS_PER_HOUR)")
	loginPerAddress := fs.Int("login-per-address", intEnv(m, "RECTIFY_LOGIN_PER_ADDRESS", web.DefaultLoginPerAddress), "同一地址每分钟可提交的登录次数；同一单位经一个出口地址上网时应放宽 (RECTIFY_LOGIN_PER_ADDRESS)")
	loginPerAccount := fs.Int("login-per-account", intEnv(m, "RECTIFY_LOGIN_PER_ACCOUNT", web.DefaultLoginPerAccount), "同一账号每分钟可尝试登录的次数（不论来自哪个地址） (RECTIFY_LOGIN_PER_ACCOUNT)")
	rosterKeyFile := fs.String("roster-key-file", m.env("RECTIFY_ROSTER_KEY_FILE", ""), "加密和比对花名册身份证号的密钥文件（64 位十六进制）；指定时必须存在；默认为 <key-dir>/roster.key，首次启动时生成；也可由环境变量 "+keys.RosterKeyEnv+" 直接提供密钥 (RECTIFY_ROSTER_KEY_FILE)")
	rosterCipher := fs.String("roster-cipher", m.env("RECTIFY_ROSTER_CIPHER", hotline.ProfileSM4), "花名册身份证号的加密方式：sm4-gcm 或 aes-256-gcm (RECTIFY_ROSTER_CIPHER)")
	proxies := fs.String("trusted-proxies", m.env("RECTIFY_TRUSTED_PROXIES", ""), "前置反向代理的地址或网段（逗号分隔，如 127.0.0.1,10.0.0.0/8）：只有来自这些地址的请求，才按 X-Forwarded-For 识别公众的真实地址（用于举报频率限制和访问日志）；默认不信任任何代理 (RECTIFY_TRUSTED_PROXIES)")
	debugAddr := fs.String("debug-addr", m.env("RECTIFY_DEBUG_ADDR", ""), "性能分析和计数器（/debug/pprof/、/debug/vars）的本机回环监听地址；留空则关闭 (RECTIFY_DEBUG_ADDR)")
	if err := parseArgs(fs, args); err != nil {
		return exitCode(2)
	}
	trusted, err := web.CheckTrustedProxies(*proxies)
	if err != nil {
		fmt.Fprintf(m.Stderr, "rectify serve: --trusted-proxies：%v\n", err)
		return exitCode(2)
	}
	for _, l := range []struct {
		flag string
		n    int
	}{{"--login-per-address", *loginPerAddress}, {"--login-per-account", *loginPerAccount}} {
		if l.n < 1 {
			fmt.Fprintf(m.Stderr, "rectify serve: %s 须为正整数（现为 %d）\n", l.flag, l.n)
			return exitCode(2)
		}
	}
	if *every < time.Minute {
		fmt.Fprintf(m.Stderr, "rectify serve: --checkpoint-every 须不少于 1 分钟（现为 %s）\n", *every)
		return exitCode(2)
	}
	// Listen first: a taken port fails at once, and the address is known
	// before the documents service prints it in verification links.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("无法在 %s 上监听: %w", *addr, err)
	}
	defer ln.Close()
	var debugLn net.Listener
	if *debugAddr != "" {
		if debugLn, err = listenDebug(*debugAddr); err != nil {
			return err
		}
		defer debugLn.Close()
	}
	if err := m.checkPublicURL(c, *withDemo); err != nil {
		return err
	}
	if *withDemo && c.ContactName == "" && c.ContactPhone == "" {
		c.ContactName, c.ContactPhone = demo.ContactName, demo.ContactPhone
	}
	a, err := m.open(ctx, *c)
	if err != nil {
		return err
	}
	defer a.close()
	k, err := keys.Load(c.keyDir())
	if err != nil {
		return err
	}
	a.access = access.NewService(access.Shared(a.db, a.svc, true), access.Config{HashKey: k.HashKey})
	hl, err := m.openHotline(ctx, a, c.keyDir(), *keyFile, *profile, *ackDays)
	if err != nil {
		return err
	}
	rs, err := m.openRoster(ctx, a, c.keyDir(), *rosterKeyFile, *rosterCipher)
	if err != nil {
		return err
	}
	if *withDemo {
		start := time.Now()
		set := demo.Builtin()
		if *demoDir != "" {
			set = os.DirFS(*demoDir)
		}
		sum, err := demo.Load(ctx, a.svc, a.docs, set)
		if err != nil {
			return err
		}
		a.log.Info("演示数据已载入", "units", sum.Units, "new_cases", sum.Registered, "new_steps", sum.Steps, "took", time.Since(start).Round(time.Millisecond))
		if _, err := demo.LoadUsers(ctx, a.access); err != nil {
			return err
		}
		if err := clue.LoadDemo(ctx, a.clues, a.svc.Today()); err != nil {
			return err
		}
		if _, err := hl.LoadDemo(ctx); err != nil {
			return err
		}
		if _, err := rs.LoadDemo(ctx, cases.Actor{ID: "li.ming", Name: "李明", Role: cases.RoleOffice}, a.svc.Today()); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "演示账号（密码均为 %s）：\n", demo.Password)
		for _, u := range demo.Users {
			fmt.Fprintf(m.Stdout, "  %-12s %-10s %s\n", u.ID, u.Roles[0], u.Name)
		}
	}
	ref, err := referral.New(ctx, referral.Config{Cases: a.svc, Documents: a.docs, Store: a.db})
	if err != nil {
		return err
	}
	if *withDemo {
		if err := demo.LoadBatches(ctx, ref); err != nil {
			return err
		}
	}
	if debugLn != nil {
		m.serveDebug(ctx, debugLn, a)
		fmt.Fprintf(m.Stdout, "调试接口（性能分析、计数器）：http://%s/debug/\n", debugLn.Addr())
	}
	go m.cleanSessions(ctx, a)
	st := &checkpoint.Store{Blobs: a.blobs, Signer: k.Signer, Public: k.Public()}
	cpCtx, cpStop := context.WithCancel(ctx)
	cpDone := make(chan struct{})
	go func() {
		defer close(cpDone)
		m.checkpoints(cpCtx, a, st, *every)
	}()
	// The last checkpoint is written on the way out, before the ledger
	// closes (deferred above, so it runs after this).
	defer func() { cpStop(); <-cpDone }()
	var kinds []string
	for _, k := range a.catalog.Kinds {
		kinds = append(kinds, k.Code)
	}
	assess, err := assessment.NewService(assessment.Config{Store: a.db.Assessment(), Ledger: a.svc, Kinds: kinds})
	if err != nil {
		return err
	}
	if *withDemo {
		if err := loadAssessmentDemo(ctx, a, assess); err != nil {
			return err
		}
	}
	pat, err := patrol.Open(ctx, patrol.Config{Store: a.db})
	if err != nil {
		return err
	}
	var demoRound patrol.Round
	if *withDemo {
		if demoRound, err = demo.LoadPatrol(ctx, pat, a.svc.Today()); err != nil {
			return err
		}
	}
	// The briefings take a unit's staffing from the roster snapshots (Roster).
	srv := web.NewServer(web.Config{Service: a.svc, Access: a.access, Documents: a.docs, Referral: ref, Clues: a.clues, Catalog: a.catalog, Log: a.log,
		SecureCookies: *secure, Office: c.Office, Fonts: &a.fonts, Hotline: hl, Roster: rs, ReportsPerHour: *reportsPerHour, LoginPerMinute: *loginPerAddress, LoginPerAccount: *loginPerAccount, TrustedProxies: trusted, Assessment: assess,
		Patrol: pat, Blobs: a.blobs, Letterhead: templates.Letterhead{Office: c.Office, Masthead: c.Masthead}, SecretPeriod: c.SecretPeriod,
		Checkpoint: func(ctx context.Context) (checkpoint.Info, bool, error) { return checkpoint.Sign(ctx, a.svc, st) }})
	if *withDemo {
		if err := srv.SendDemoBriefing(ctx, demoRound.ID, demoRound.Teams[0].Units[0]); err != nil {
			return err
		}
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	fmt.Fprintf(m.Stdout, "Rectify 督改通 正在监听 http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("正在停止服务")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// cleanSessions deletes expired sessions and failed-login records every
// ten minutes: FerretDB has no TTL indexes, so the application does it.
func (m *Main) cleanSessions(ctx context.Context, a *app) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if n, err := a.access.CleanupSessions(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("清理过期会话失败", "err", err)
		} else if n > 0 {
			a.log.Info("已清理过期会话", "count", n)
		}
		if n, err := a.access.ExpireFailures(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("清理过期的登录失败记录失败", "err", err)
		} else if n > 0 {
			a.log.Info("已清理过期的登录失败记录", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// openHotline opens the 12310 hotline with the reporter key. A missing
// named key, or a key that does not match the one the database's
// identities were sealed with, stops the server with a message saying so.
func (m *Main) openHotline(ctx context.Context, a *app, keyDir, keyFile, profile string, ackDays int) (*hotline.Service, error) {
	key, created, err := keys.ReporterKey(keyDir, keyFile, m.Getenv(keys.ReporterKeyEnv))
	if err != nil {
		return nil, err
	}
	ciph, err := hotline.NewCipher(profile, key)
	if err != nil {
		return nil, err
	}
	hl, err := hotline.Open(ctx, hotline.Config{Store: a.db, Cipher: ciph, Blobs: a.blobs, Cases: a.svc, Calendar: a.cfg.Calendar,
		Auditor: a.access, Location: a.cfg.Location, AckDays: ackDays, Evidence: a.docs, Log: a.log})
	if err != nil {
		if created {
			err = fmt.Errorf("%w（本次启动新生成了密钥文件 %s：原密钥文件很可能已丢失）", err, filepath.Join(keyDir, keys.ReporterKeyFile))
		}
		return nil, err
	}
	return hl, nil
}

// intEnv is the integer in environment variable k, or def.
func intEnv(m *Main, k string, def int) int {
	if n, err := strconv.Atoi(m.Getenv(k)); err == nil {
		return n
	}
	return def
}

// durationEnv is the duration in environment variable k, or def.
func durationEnv(m *Main, k string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(m.Getenv(k)); err == nil {
		return d
	}
	return def
}

// demoPublicURL is printed in the verification links of a demo that has no
// public address: a host that cannot exist (.invalid, RFC 2606) and says in
// words that the address is not configured, so that no one mistakes a
// demo document for one they can verify.
const demoPublicURL = "https://核验地址未配置.invalid"

// refusePublicURL is what issuing answers while the verification address
// is unset or loopback.
const refusePublicURL = "本服务未配置对外核验地址，暂不能签发文件：请将 RECTIFY_PUBLIC_URL（或 --public-url）设为本办对外可访问的地址（如 https://dugai.example.gov.cn）后重启服务。文件上印有核验地址，本机地址（127.0.0.1、localhost 等）他人无法访问。"

// checkPublicURL decides the verification address printed on documents.
// An unset or loopback address cannot be printed on a document sent to a
// unit: serve then runs, but issuing is refused with a message naming the
// setting (everything else in the console works); a demo prints an
// obvious placeholder instead. A malformed address stops serve.
func (m *Main) checkPublicURL(c *config, demo bool) error {
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			fmt.Fprintf(m.Stderr, "rectify serve: RECTIFY_PUBLIC_URL（--public-url）须为以 http:// 或 https:// 开头的完整地址，现为「%s」\n", c.PublicURL)
			return exitCode(2)
		}
		if !loopbackHost(u.Hostname()) {
			return nil
		}
	}
	if demo {
		c.PublicURL = demoPublicURL
		fmt.Fprintf(m.Stdout, "演示模式：未配置对外核验地址，文件上的核验地址印为占位地址 %s/verify/…\n", demoPublicURL)
		return nil
	}
	c.refuseIssuing = refusePublicURL
	fmt.Fprintln(m.Stderr, "rectify serve: 警告："+refusePublicURL)
	return nil
}

// loopbackHost reports whether host names this machine only: localhost
// (and *.localhost), 127.0.0.0/8, ::1, or the unspecified address.
func loopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// loadAssessmentDemo fills last year's finished and this year's open
// assessment round over six city units of several kinds.
func loadAssessmentDemo(ctx context.Context, a *app, assess *assessment.Service) error {
	us, _, err := a.svc.Units(ctx, cases.UnitFilter{Scope: cases.GlobalScope, PerPage: cases.MaxPerPage})
	if err != nil {
		return err
	}
	var pick []cases.Unit
	kinds := map[cases.UnitKind]int{}
	for _, u := range us {
		if len(u.Region) == 2 && kinds[u.Kind] < 2 && len(pick) < 6 {
			kinds[u.Kind]++
			pick = append(pick, u)
		}
	}
	// The rounds are the city office's, as the demo's office users are.
	return assessment.LoadDemo(ctx, assess, demo.City, time.Now().Year(), pick)
}

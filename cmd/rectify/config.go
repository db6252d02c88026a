package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"rectify/cases"
	"rectify/cases/access"
	"rectify/cases/calendar"
	"rectify/cases/catalog"
	"rectify/cases/clue"
	"rectify/cases/documents"
	"rectify/storage/blob/localblob"
	"rectify/storage/blob/minioblob"
	"rectify/storage/embedded"
	"rectify/storage/mongodb"
	"rectify/templates"
)

// config is what every database-using command shares.
type config struct {
	DataDir  string
	KeyDir   string
	MongoURI string
	MongoDB  string
	TimeZone string
	LogLevel string

	MinioEndpoint, MinioAccessKey, MinioSecretKey, MinioBucket string
	MinioTLS                                                   bool

	Office, Masthead, PrefixNotice, PrefixFeedback, PrefixClosing, PrefixAssessment, Contact string
	ContactName, ContactPhone, SecretPeriod                                                  string
	FontTitle, FontBody, FontHeading, FontKai, FontFallback                                  string
	PublicURL                                                                                string
	// ClueDecideDays is the working days the office has to decide an
	// audit clue before its light turns yellow, then red.
	ClueDecideDays string
	// refuseIssuing, when set, is why this server may not issue documents
	// (serve sets it for a verification address no one else can reach).
	refuseIssuing string
}

// flags returns a command's flag set with the shared configuration bound.
func (m *Main) flags(name string) (*flag.FlagSet, *config) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	c := &config{}
	m.bind(fs, c)
	return fs, c
}

// parseArgs parses flags wherever they stand among the arguments, as
// people type them (rectify user disable ID --mongo-uri …): the flag
// package stops at the first other argument and ignored the rest. "--"
// ends the flags; fs.Args() then holds the other arguments in order.
func parseArgs(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

// bind registers the shared flags, defaulting from RECTIFY_* variables.
func (m *Main) bind(fs *flag.FlagSet, c *config) {
	fs.StringVar(&c.DataDir, "data", m.env("RECTIFY_DATA", "data"), "内置数据库的数据目录 (RECTIFY_DATA)")
	fs.StringVar(&c.KeyDir, "key-dir", m.env("RECTIFY_KEY_DIR", ""), "服务器密钥目录（登录名散列、检查点签名）；共用数据库的服务器须共用该目录；默认 <data>/keys (RECTIFY_KEY_DIR)")
	fs.StringVar(&c.MongoURI, "mongo-uri", m.env("RECTIFY_MONGO_URI", ""), "MongoDB URI；留空则运行内置数据库引擎 (RECTIFY_MONGO_URI)")
	fs.StringVar(&c.MongoDB, "mongo-db", m.env("RECTIFY_MONGO_DB", "rectify"), "数据库名 (RECTIFY_MONGO_DB)")
	fs.StringVar(&c.TimeZone, "timezone", m.env("RECTIFY_TIMEZONE", "Asia/Shanghai"), "编办所在时区，用于日期和台账年度 (RECTIFY_TIMEZONE)")
	fs.StringVar(&c.LogLevel, "log-level", m.env("RECTIFY_LOG_LEVEL", "info"), "日志级别：debug、info、warn 或 error (RECTIFY_LOG_LEVEL)")
	fs.StringVar(&c.MinioEndpoint, "minio-endpoint", m.env("RECTIFY_MINIO_ENDPOINT", ""), "MinIO 地址（主机:端口）；留空则把文件存放在数据目录下 (RECTIFY_MINIO_ENDPOINT)")
	fs.StringVar(&c.MinioAccessKey, "minio-access-key", m.env("RECTIFY_MINIO_ACCESS_KEY", ""), "MinIO 访问密钥 (RECTIFY_MINIO_ACCESS_KEY)")
	fs.StringVar(&c.MinioSecretKey, "minio-secret-key", m.env("RECTIFY_MINIO_SECRET_KEY", ""), "MinIO 私有密钥 (RECTIFY_MINIO_SECRET_KEY)")
	fs.StringVar(&c.MinioBucket, "minio-bucket", m.env("RECTIFY_MINIO_BUCKET", "rectify"), "存储桶，不存在时以对象锁定方式创建 (RECTIFY_MINIO_BUCKET)")
	fs.BoolVar(&c.MinioTLS, "minio-tls", m.env("RECTIFY_MINIO_TLS", "") == "true", "以 TLS 连接 MinIO (RECTIFY_MINIO_TLS=true)")
	fs.StringVar(&c.Office, "office", m.env("RECTIFY_OFFICE", "中共云州市委机构编制委员会办公室"), "印在文书上的发文机关 (RECTIFY_OFFICE)")
	fs.StringVar(&c.Masthead, "masthead", m.env("RECTIFY_MASTHEAD", ""), "红头（版头）文字；默认为发文机关加“文件” (RECTIFY_MASTHEAD)")
	fs.StringVar(&c.PrefixNotice, "prefix-notice", m.env("RECTIFY_PREFIX_NOTICE", documents.DefaultPrefixes[documents.KindNotice]), "通知书的发文字号前缀，如 云编督〔2026〕12号 中的“云编督” (RECTIFY_PREFIX_NOTICE)")
	fs.StringVar(&c.PrefixFeedback, "prefix-feedback", m.env("RECTIFY_PREFIX_FEEDBACK", documents.DefaultPrefixes[documents.KindFeedback]), "反馈函的发文字号前缀 (RECTIFY_PREFIX_FEEDBACK)")
	fs.StringVar(&c.PrefixClosing, "prefix-closing", m.env("RECTIFY_PREFIX_CLOSING", documents.DefaultPrefixes[documents.KindClosing]), "销号审批表的编号前缀 (RECTIFY_PREFIX_CLOSING)")
	fs.StringVar(&c.PrefixAssessment, "prefix-assessment", m.env("RECTIFY_PREFIX_ASSESSMENT", documents.DefaultPrefixes[documents.KindAssessment]), "评估结果反馈的发文字号前缀 (RECTIFY_PREFIX_ASSESSMENT)")
	fs.StringVar(&c.Contact, "contact", m.env("RECTIFY_CONTACT", ""), "单位报送整改情况的方式，印在通知书上 (RECTIFY_CONTACT)")
	fs.StringVar(&c.ContactName, "contact-name", m.env("RECTIFY_CONTACT_NAME", ""), "印在通知书上的编办联系人 (RECTIFY_CONTACT_NAME)")
	fs.StringVar(&c.ContactPhone, "contact-phone", m.env("RECTIFY_CONTACT_PHONE", ""), "印在通知书上的联系电话 (RECTIFY_CONTACT_PHONE)")
	fs.StringVar(&c.SecretPeriod, "secret-period", m.env("RECTIFY_SECRET_PERIOD", "10年"), "保密期限，在涉密案件的文书上印作 秘密★<期限>；留空则只印“秘密” (RECTIFY_SECRET_PERIOD)")
	fs.StringVar(&c.FontTitle, "font-title", m.env("RECTIFY_FONT_TITLE", ""), "版头和标题所用的 TrueType 字体（小标宋）；默认为内置的 Noto Serif SC Bold (RECTIFY_FONT_TITLE)")
	fs.StringVar(&c.FontBody, "font-body", m.env("RECTIFY_FONT_BODY", ""), "正文所用的 TrueType 字体（仿宋）；默认为内置的 FandolFang 仿宋（覆盖 GB 2312 全部汉字） (RECTIFY_FONT_BODY)")
	fs.StringVar(&c.FontHeading, "font-heading", m.env("RECTIFY_FONT_HEADING", ""), "一级标题所用的 TrueType 字体（黑体）；默认为内置的 Noto Sans SC (RECTIFY_FONT_HEADING)")
	fs.StringVar(&c.FontKai, "font-kai", m.env("RECTIFY_FONT_KAI", ""), "二级标题所用的 TrueType 字体（楷体）；默认为内置的 LXGW WenKai（霞鹜文楷） (RECTIFY_FONT_KAI)")
	fs.StringVar(&c.FontFallback, "font-fallback", m.env("RECTIFY_FONT_FALLBACK", ""), "其他字体缺字时使用的 TrueType 字体，以逗号分隔；默认为内置的 Noto Serif SC 和 HanaMin B (RECTIFY_FONT_FALLBACK)")
	fs.StringVar(&c.ClueDecideDays, "clue-decide-days", m.env("RECTIFY_CLUE_DECIDE_DAYS", strconv.Itoa(clue.DefaultDecideDays)), "审计移送线索的认定期限（工作日），临近变黄灯、逾期变红灯 (RECTIFY_CLUE_DECIDE_DAYS)")
	fs.StringVar(&c.PublicURL, "public-url", m.env("RECTIFY_PUBLIC_URL", ""), "公众访问本服务器的地址，印在文书的核验链接中；未设置或为本机回环地址时不签发文书（--demo 除外） (RECTIFY_PUBLIC_URL)")
}

func (m *Main) env(k, def string) string {
	if v := m.Getenv(k); v != "" {
		return v
	}
	return def
}

func (m *Main) logger(level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level 无效：%w", err)
	}
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: l})), nil
}

// keyDir is where the server's keys are kept.
func (c config) keyDir() string {
	if c.KeyDir != "" {
		return c.KeyDir
	}
	return filepath.Join(c.DataDir, "keys")
}

// app is an open database with the ledger service on it.
type app struct {
	db      *mongodb.DB
	engine  *embedded.Engine
	lock    *os.File
	svc     *cases.Service
	access  *access.Service
	docs    *documents.Service
	clues   *clue.Service
	blobs   documents.Blobs
	fonts   templates.Fonts
	cfg     cases.Config
	catalog *catalog.Catalog
	log     *slog.Logger
	// commands counts database commands; uri is the database's address.
	commands *mongodb.Commands
	uri      string
}

// openStore connects to the configured database (starting the embedded
// engine when none is configured), with the accounts service: for commands
// that do not touch the ledger.
func (m *Main) openStore(ctx context.Context, c config) (*app, error) {
	log, err := m.logger(c.LogLevel)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Builtin()
	if err != nil {
		return nil, err
	}
	a := &app{catalog: cat, log: log}
	uri := c.MongoURI
	if uri == "" {
		if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("数据目录：%w", err)
		}
		// The database, the documents and the keys live here: only the
		// server's user may enter it, whoever made it.
		if err := os.Chmod(c.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("数据目录：%w", err)
		}
		// SQLite files must not be shared by two processes: hold a lock.
		if a.lock, err = lockDir(c.DataDir); err != nil {
			return nil, err
		}
		a.engine, err = embedded.Start(ctx, embedded.Config{Dir: filepath.Join(c.DataDir, "db")})
		if err != nil {
			a.close()
			return nil, err
		}
		uri = a.engine.URI()
	}
	a.commands = mongodb.NewCommands(false)
	a.db, err = mongodb.OpenWith(ctx, uri, c.MongoDB, mongodb.Options{Commands: a.commands})
	if err != nil {
		a.close()
		return nil, err
	}
	a.uri = uri
	if a.engine != nil {
		// Every collection exists now: give each its _id index.
		if err := a.engine.IndexIDs(ctx, c.MongoDB); err != nil {
			a.close()
			return nil, err
		}
	}
	// A command-line tool caches nothing but tells running servers what it
	// changed (accounts, tokens); a server replaces this once its ledger runs.
	a.access = access.NewService(access.Shared(a.db, cases.Notifier{Store: a.db}, false), access.Config{})
	return a, nil
}

// open connects to the database and opens the ledger and the documents
// service.
func (m *Main) open(ctx context.Context, c config) (*app, error) { return m.openLedger(ctx, c, false) }

// openLedger is open; a passive ledger only loads the view, with no
// recovery and no snapshots (for verify, which must see it as it is).
func (m *Main) openLedger(ctx context.Context, c config, passive bool) (*app, error) {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("--timezone 无效：%w", err)
	}
	cal, err := calendar.Builtin()
	if err != nil {
		return nil, err
	}
	a, err := m.openStore(ctx, c)
	if err != nil {
		return nil, err
	}
	cat, log := a.catalog, a.log
	a.cfg = cases.Config{Store: a.db, Calendar: cal, Catalog: cat, Location: loc, Log: log, Passive: passive}
	if a.svc, err = cases.Open(ctx, a.cfg); err != nil {
		a.close()
		return nil, err
	}
	a.access = access.NewService(access.Shared(a.db, a.svc, true), access.Config{})
	if a.blobs, err = m.openBlobs(ctx, c); err != nil {
		a.close()
		return nil, err
	}
	files := templates.FontFiles{Title: c.FontTitle, Body: c.FontBody, Heading: c.FontHeading, Kai: c.FontKai}
	for _, f := range strings.Split(c.FontFallback, ",") {
		if f = strings.TrimSpace(f); f != "" {
			files.Fallback = append(files.Fallback, f)
		}
	}
	if a.fonts, err = templates.LoadFonts(files); err == nil {
		err = a.fonts.Check()
	}
	if err != nil {
		a.close()
		return nil, fmt.Errorf("文书字体：%w", err)
	}
	// Text no font can print is refused where it is entered.
	cases.SetRepertoire(a.fonts.Unprintable)
	a.docs = documents.NewService(documents.Config{Cases: a.svc, Store: a.db, Blobs: a.blobs, Calendar: cal, Catalog: cat,
		Fonts: a.fonts, Letterhead: templates.Letterhead{Office: c.Office, Masthead: c.Masthead},
		Prefixes: documents.Prefixes{documents.KindNotice: c.PrefixNotice, documents.KindFeedback: c.PrefixFeedback, documents.KindClosing: c.PrefixClosing,
			documents.KindAssessment: c.PrefixAssessment},
		Contact: c.Contact, ContactName: c.ContactName, ContactPhone: c.ContactPhone, SecretPeriod: c.SecretPeriod,
		VerifyBase: strings.TrimSuffix(c.PublicURL, "/") + "/verify/", Refuse: c.refuseIssuing, Location: loc})
	days, err := strconv.Atoi(c.ClueDecideDays)
	if err != nil || days < 1 || days > 250 {
		a.close()
		return nil, fmt.Errorf("--clue-decide-days: 须为 1 至 250 的工作日数，而不是 %q", c.ClueDecideDays)
	}
	if a.clues, err = clue.Open(ctx, clue.Config{Cases: a.svc, Documents: a.docs, Store: a.db, Calendar: cal, Catalog: cat, DecideDays: days}); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// openBlobs opens the configured blob store alone: MinIO, or the data
// directory's blobs folder.
func (m *Main) openBlobs(ctx context.Context, c config) (documents.Blobs, error) {
	var b documents.Blobs
	var err error
	if c.MinioEndpoint != "" {
		b, err = minioblob.Open(ctx, minioblob.Config{Endpoint: c.MinioEndpoint, AccessKey: c.MinioAccessKey,
			SecretKey: c.MinioSecretKey, Bucket: c.MinioBucket, TLS: c.MinioTLS})
	} else {
		b, err = localblob.Open(filepath.Join(c.DataDir, "blobs"))
	}
	if err != nil {
		return nil, fmt.Errorf("文件存储：%w", err)
	}
	return b, nil
}

func (a *app) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if a.svc != nil {
		if err := a.svc.Close(ctx); err != nil {
			a.log.Error("关闭台账", "err", err)
		}
	}
	if a.db != nil {
		_ = a.db.Close(ctx)
	}
	if a.engine != nil {
		_ = a.engine.Close()
	}
	if a.lock != nil {
		_ = a.lock.Close()
	}
}

func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("锁定数据目录：%w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("数据目录 %s 正被另一个 rectify 进程使用（内置数据库只服务一个进程；多个服务器共用数据库请设置 RECTIFY_MONGO_URI）", dir)
	}
	return f, nil
}

func version() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}

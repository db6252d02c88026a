package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"rectify/cases"
	"rectify/cases/checkpoint"
	"rectify/cases/unitfile"
	"rectify/storage/embedded"
)

func (m *Main) importCmd(ctx context.Context, args []string) error {
	fs, c := m.flags("import")
	fs.Usage = func() {
		fmt.Fprintln(m.Stderr, "用法：rectify import units [参数] FILE.csv|FILE.xlsx")
		fs.PrintDefaults()
	}
	if len(args) == 0 || args[0] != "units" {
		fs.Usage()
		return exitCode(2)
	}
	if err := parseArgs(fs, args[1:]); err != nil {
		return exitCode(2)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitCode(2)
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	// Parse before opening the database: a bad file never touches it.
	units, err := unitfile.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	a, err := m.open(ctx, *c)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.svc.ImportUnits(ctx, units); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "已从 %[2]s 导入 %[1]d 个单位\n", len(units), fs.Arg(0))
	return nil
}

func (m *Main) verify(ctx context.Context, args []string) error {
	fs, c := m.flags("verify")
	repair := fs.Bool("repair", false, "按事件记录修正台账视图中不一致之处，并写入新的快照")
	asJSON := fs.Bool("json", false, "以 JSON 格式输出报告")
	pubPath := fs.String("checkpoint-key", m.env("RECTIFY_CHECKPOINT_KEY", ""), "核验签名检查点所用的公钥（PEM）；默认使用密钥目录中本服务器的公钥 (RECTIFY_CHECKPOINT_KEY)")
	every := fs.Duration("checkpoint-every", durationEnv(m, "RECTIFY_CHECKPOINT_EVERY", time.Hour), "服务器签署检查点的间隔：最新检查点比最近一次变更早出此间隔（再加十分钟）以上即为故障 (RECTIFY_CHECKPOINT_EVERY)")
	expect := fs.String("expect-head", m.env("RECTIFY_EXPECT_HEAD", ""), "审计人员另行保存的检查点头（rectify checkpoint 输出的“对象键#根哈希”）：该检查点须仍在且未改动，台账须与之相符 (RECTIFY_EXPECT_HEAD)")
	if err := parseArgs(fs, args); err != nil {
		return exitCode(2)
	}
	if *expect != "" {
		if _, _, err := checkpoint.ParseHead(*expect); err != nil {
			fmt.Fprintln(m.Stderr, "--expect-head:", err)
			return exitCode(2)
		}
	}
	pub, err := publicKey(*c, *pubPath)
	if err != nil {
		return err
	}
	a, err := m.openLedger(ctx, *c, true)
	if err != nil {
		return err
	}
	defer a.close()
	var pre cases.VerifyReport
	anchor, also, err := anchorFor(ctx, a, pub, *pubPath == "", *every, *expect, &pre)
	if err != nil {
		return err
	}
	rep, err := a.svc.Verify(ctx, cases.VerifyOptions{Repair: *repair, Anchor: anchor, Also: also})
	if err != nil {
		return err
	}
	rep.Faults = append(pre.Faults, rep.Faults...)
	rep.Warnings = append(pre.Warnings, rep.Warnings...)
	// Numbers claimed with no document record: an issue stopped between
	// claim and record. The number is void, never reused; listed so that
	// the gap in the series is explained, not a fault of the ledger.
	voids, err := a.docs.VoidNumbers(ctx)
	if err != nil {
		return err
	}
	voidKeys := map[string]bool{}
	for _, v := range voids {
		msg := fmt.Sprintf("文号 %s 作废：已于 %s 占用但没有发文记录（签发中断），该文号不再使用", v.Number,
			v.ClaimedAt.In(a.cfg.Location).Format("2006-01-02 15:04"))
		if v.ObjectKey != "" {
			msg += "；其文件为 " + v.ObjectKey
			voidKeys[v.ObjectKey] = true
		}
		rep.Warnings = append(rep.Warnings, msg)
	}
	// Objects no record points to: drafts of an interrupted issue, or of
	// one whose number a concurrent issuer took first. Listed, not faults:
	// nothing was issued with them.
	orphans, err := a.docs.Unreferenced(ctx)
	if err != nil {
		return err
	}
	for _, k := range orphans {
		if !voidKeys[k] {
			rep.Warnings = append(rep.Warnings, "文件 "+k+" 没有任何记录指向它（多为中断的签发或被并发签发取代的草稿，不影响台账）")
		}
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		printReport(m, rep)
	}
	if !rep.OK() {
		return exitCode(1)
	}
	return nil
}

func printReport(m *Main, rep cases.VerifyReport) {
	for _, f := range rep.Faults {
		at := f.CaseNo
		if f.Seq > 0 {
			at = fmt.Sprintf("%s 第 %d 步", f.CaseNo, f.Seq)
		}
		status := "故障"
		if f.Repaired {
			status = "已修复"
		}
		if at == "" {
			fmt.Fprintf(m.Stdout, "%s [%s] %s\n", status, f.Kind, f.Message)
			continue
		}
		fmt.Fprintf(m.Stdout, "%s %s [%s] %s\n", status, at, f.Kind, f.Message)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(m.Stdout, "提示 %s\n", w)
	}
	verdict := "通过"
	if !rep.OK() {
		verdict = "未通过"
	}
	fmt.Fprintf(m.Stdout, "校验%s：%d 件案件，%d 个事件，%d 处故障\n", verdict, rep.Cases, rep.Events, len(rep.Faults))
}

func (m *Main) dbserver(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dbserver", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	backend := fs.String("backend", m.env("RECTIFY_DB_BACKEND", "sqlite"), "sqlite 或 postgresql (RECTIFY_DB_BACKEND)")
	dir := fs.String("dir", m.env("RECTIFY_DB_DIR", "data/dbserver"), "SQLite 数据目录 (RECTIFY_DB_DIR)")
	pg := fs.String("postgresql-url", m.env("RECTIFY_DB_POSTGRESQL_URL", ""), "postgresql 后端的 PostgreSQL 地址 (RECTIFY_DB_POSTGRESQL_URL)")
	addr := fs.String("addr", m.env("RECTIFY_DB_ADDR", "127.0.0.1:27017"), "本机回环监听地址；该引擎不需登录，仅供测试和开发使用 (RECTIFY_DB_ADDR)")
	logLevel := fs.String("log-level", m.env("RECTIFY_LOG_LEVEL", "warn"), "数据库引擎的日志级别")
	if err := parseArgs(fs, args); err != nil {
		return exitCode(2)
	}
	log, err := m.logger(*logLevel)
	if err != nil {
		return err
	}
	e, err := embedded.Start(ctx, embedded.Config{Backend: *backend, Dir: *dir, PostgreSQLURL: *pg, Addr: *addr, Log: log, IndexEvery: time.Second})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "rectify dbserver（%s）正在监听 %s\n", *backend, e.URI())
	<-ctx.Done()
	return e.Close()
}

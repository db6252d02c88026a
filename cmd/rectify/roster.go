package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"rectify/cases"
	"rectify/cases/roster"
	"rectify/storage/keys"
)

// openRoster opens the roster service with the roster key (made on first
// start in the key directory). A named key file that is missing, or a key
// that does not match the database's check value, stops the start.
func (m *Main) openRoster(ctx context.Context, a *app, keyDir, keyFile, profile string) (*roster.Service, error) {
	key, created, err := keys.RosterKey(keyDir, keyFile, m.Getenv(keys.RosterKeyEnv))
	if err != nil {
		return nil, err
	}
	prot, err := roster.NewProtector(profile, key)
	if err != nil {
		return nil, err
	}
	svc, err := roster.Open(ctx, roster.Config{Store: a.db, Protector: prot, Cases: a.svc, Auditor: a.access, Location: a.cfg.Location, Log: a.log})
	if err != nil {
		if created {
			err = fmt.Errorf("%w（本次启动新生成了密钥文件 %s：原密钥文件很可能已丢失）", err, filepath.Join(keyDir, keys.RosterKeyFile))
		}
		return nil, err
	}
	return svc, nil
}

// rosterCmd runs `rectify roster import FILE`.
func (m *Main) rosterCmd(ctx context.Context, args []string) error {
	fs, c := m.flags("roster")
	day := fs.String("date", "", "花名册对应的日期 YYYY-MM-DD（默认今天）")
	as := fs.String("as", "cli", "记为导入人的账号")
	coverage := fs.String("coverage", string(roster.CoverUnits), "本文件涉及的范围：units（仅文件所列单位，其他单位的预警不变）或 region（全部单位的完整花名册，未列出单位的预警视为已消除）")
	units := fs.String("units", "", "覆盖单位代码，逗号分隔（可选，仅 --coverage units；文件只能含这些单位）")
	keyFile := fs.String("roster-key-file", m.env("RECTIFY_ROSTER_KEY_FILE", ""), "花名册身份证号密钥文件（默认 <key-dir>/roster.key） (RECTIFY_ROSTER_KEY_FILE)")
	profile := fs.String("roster-cipher", m.env("RECTIFY_ROSTER_CIPHER", "sm4-gcm"), "身份证号的加密方式：sm4-gcm 或 aes-256-gcm (RECTIFY_ROSTER_CIPHER)")
	fs.Usage = func() {
		fmt.Fprintln(m.Stderr, "用法：rectify roster import [--date YYYY-MM-DD] [--coverage units|region] [参数] FILE.xlsx|FILE.csv")
		fs.PrintDefaults()
	}
	if len(args) == 0 || args[0] != "import" {
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
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("无法打开花名册文件: %w", err)
	}
	defer f.Close()
	a, err := m.open(ctx, *c)
	if err != nil {
		return err
	}
	defer a.close()
	svc, err := m.openRoster(ctx, a, c.keyDir(), *keyFile, *profile)
	if err != nil {
		return err
	}
	start := time.Now()
	stages := map[string]string{roster.StageRead: "已读取 %d 行", roster.StageCheck: "已校验 %d 人，正在比对预警规则", roster.StageWrite: "已写入 %d 个单位"}
	progress := func(stage string, n int) {
		fmt.Fprintf(m.Stderr, "\r"+stages[stage]+"（%s）  ", n, time.Since(start).Round(100*time.Millisecond))
	}
	var covered []string
	for _, u := range strings.Split(*units, ",") {
		if u = strings.TrimSpace(u); u != "" {
			covered = append(covered, u)
		}
	}
	// The command line runs on the server with its database: it speaks
	// for every region (the console and API hold an import to the
	// importer's region).
	snap, err := svc.Import(ctx, cases.Actor{ID: *as, Role: cases.RoleOffice}, roster.ImportInput{Date: *day, File: filepath.Base(fs.Arg(0)), Body: f, Progress: progress,
		Scope: cases.GlobalScope, Coverage: roster.Coverage(*coverage), Units: covered})
	fmt.Fprintln(m.Stderr)
	var re *roster.RowErrors
	if errors.As(err, &re) {
		fmt.Fprintf(m.Stderr, "%s：\n", re.Error())
		for _, e := range re.Errors {
			fmt.Fprintf(m.Stderr, "  第 %d 行「%s」：%s\n", e.Row, e.Column, e.Message)
		}
		if re.Total > len(re.Errors) {
			fmt.Fprintf(m.Stderr, "  ……另有 %d 处错误未列出\n", re.Total-len(re.Errors))
		}
		return exitCode(1)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "已导入花名册 %s（日期 %s）：%d 人，%d 个单位；预警 新增 %d、持续 %d、已消除 %d，未涉及单位沿用 %d（覆盖范围：%s；用时 %s）\n", snap.ID, snap.Date, snap.Persons, len(snap.Units),
		snap.Tally.ByChange[roster.New], snap.Tally.ByChange[roster.Persisting], snap.Tally.ByChange[roster.Resolved], snap.Tally.Carried, snap.Coverage.Label(), time.Since(start).Round(time.Millisecond))
	return nil
}

// Command rectify is the Rectify (督改通 机构编制监督检查问题整改系统) binary:
// the HTTP server, reference-data import, the integrity check, and a
// standalone MongoDB-wire engine for tests.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // the office's time zone must resolve on machines without zoneinfo

	"rectify/cases"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(int(ec))
		}
		fmt.Fprint(os.Stderr, errorText(err))
		os.Exit(1)
	}
}

// errorText is what the command prints for err: every bad field's message
// on its own line when there are several (an account with three wrong
// flags), else the error.
func errorText(err error) string {
	e, ok := cases.AsError(err)
	if !ok || len(e.Fields) < 2 {
		return fmt.Sprintln("rectify:", err)
	}
	var b strings.Builder
	for _, f := range e.Fields {
		where := "--" + f.Field // the flag of the same name
		if f.Field == "password" {
			where = "密码"
		}
		fmt.Fprintf(&b, "rectify: %s：%s\n", where, f.Message)
	}
	return b.String()
}

// exitCode ends the program with a status and no further message.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// Main is the program, so that tests can run the real wiring.
type Main struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

const usage = `rectify — 督改通 机构编制监督检查问题整改系统 (Rectify)

用法：
  rectify serve [--demo] [参数]      运行 HTTP 服务（接口位于 /api/v1）
  rectify import units FILE          从 CSV 或 XLSX 文件导入单位
  rectify roster import FILE [--date YYYY-MM-DD]  导入实名制花名册（XLSX 或 CSV）并生成红灯预警
  rectify verify [--repair] [--json] 校验每条事件链和视图，并对照最新的签名检查点
  rectify checkpoint [--public-key]  立即为台账签署检查点（或输出供审计人员核验的公钥）
  rectify dbserver [参数]            单独运行 MongoDB 协议的数据库引擎
  rectify bench [参数]               在 1 千至 10 万件案件规模下测量列表、页面和写入性能
  rectify user add|passwd|disable|enable|list   管理用户账号
  rectify token create|revoke|list   管理供其他系统使用的接口令牌
  rectify version                    显示版本

运行 "rectify 命令 -h" 查看该命令的参数。每个参数也可以用环境变量设置，
变量名见参数说明。
`

// Run runs the subcommand named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return exitCode(2)
	}
	switch args[0] {
	case "serve":
		return m.serve(ctx, args[1:])
	case "import":
		return m.importCmd(ctx, args[1:])
	case "roster":
		return m.rosterCmd(ctx, args[1:])
	case "verify":
		return m.verify(ctx, args[1:])
	case "checkpoint":
		return m.checkpointCmd(ctx, args[1:])
	case "dbserver":
		return m.dbserver(ctx, args[1:])
	case "bench":
		return m.bench(ctx, args[1:])
	case "user":
		return m.userCmd(ctx, args[1:])
	case "token":
		return m.tokenCmd(ctx, args[1:])
	case "version", "--version":
		fmt.Fprintln(m.Stdout, "rectify", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	default:
		fmt.Fprintf(m.Stderr, "rectify：未知的命令「%s」\n\n%s", args[0], usage)
		return exitCode(2)
	}
}

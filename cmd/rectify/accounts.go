package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"rectify/cases"
	"rectify/cases/access"
)

// readSecret reads a password from RECTIFY_PASSWORD or the first line of
// standard input, so that it never appears in the process list.
func (m *Main) readSecret(stdin io.Reader) (string, error) {
	if pw := m.Getenv("RECTIFY_PASSWORD"); pw != "" {
		return pw, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("请从标准输入（或 RECTIFY_PASSWORD）提供密码")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func parseRoles(s string) []cases.Role {
	var out []cases.Role
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, cases.Role(r))
		}
	}
	return out
}

func parseRegion(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "/")
}

func (m *Main) userCmd(ctx context.Context, args []string) error {
	usage := "用法：rectify user add --id ID --name NAME --roles r1,r2 --region 省/市[/县] [--unit CODE]\n" +
		"      （巡察组成员的单位由控制台“巡察轮次”分配，不在账号上设置）\n" +
		"      rectify user roles ID --roles r1,r2\n" +
		"      rectify user passwd ID | disable ID | enable ID | list\n" +
		"系统管理员账号不能兼有办案角色；停用或降级后须仍有启用的系统管理员。\n" +
		"密码从标准输入读取（或取自 RECTIFY_PASSWORD）。"
	if len(args) == 0 {
		fmt.Fprintln(m.Stderr, usage)
		return exitCode(2)
	}
	fs, c := m.flags("user " + args[0])
	id := fs.String("id", "", "登录名")
	name := fs.String("name", "", "显示的姓名")
	roles := fs.String("roles", "", "角色，以逗号分隔："+fmt.Sprint(cases.Roles))
	region := fs.String("region", "", "用户可见的地区节点，如 江南省/云州市")
	unit := fs.String("unit", "", "单位代码（被监督单位角色）")
	if err := parseArgs(fs, args[1:]); err != nil {
		return exitCode(2)
	}
	a, err := m.openStore(ctx, *c)
	if err != nil {
		return err
	}
	defer a.close()
	// The command line's operator has no account: the access service logs
	// the change under the shell user and applies the rules an operator is
	// held to (access.CheckChange).
	by := access.Changer{Operator: m.env("USER", "operator")}
	switch args[0] {
	case "add":
		u := access.User{ID: *id, Name: *name, Roles: parseRoles(*roles), Region: parseRegion(*region), UnitCode: *unit}
		if err := u.Validate(); err != nil { // before asking for a password
			return err
		}
		pw, err := m.readSecret(os.Stdin)
		if err != nil {
			return err
		}
		if err := a.access.CreateUserBy(ctx, by, u, pw); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "已创建用户 %s（%s）\n", u.ID, rolesText(u.Roles))
	case "roles":
		if fs.NArg() != 1 || *roles == "" {
			fmt.Fprintln(m.Stderr, usage)
			return exitCode(2)
		}
		u, err := a.access.User(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		before := rolesText(u.Roles)
		u.Roles = parseRoles(*roles)
		if err := a.access.UpdateUser(ctx, by, u.ID, u); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "用户 %s 的角色：%s → %s\n", u.ID, before, rolesText(u.Roles))
	case "passwd", "disable", "enable":
		if fs.NArg() != 1 {
			fmt.Fprintln(m.Stderr, usage)
			return exitCode(2)
		}
		uid := fs.Arg(0)
		switch args[0] {
		case "passwd":
			pw, err := m.readSecret(os.Stdin)
			if err != nil {
				return err
			}
			if err := a.access.SetPassword(ctx, uid, pw); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "已修改 %s 的密码，其登录会话已全部结束\n", uid)
		default:
			if err := a.access.SetDisabled(ctx, by, uid, args[0] == "disable"); err != nil {
				return err
			}
			done := "已启用"
			if args[0] == "disable" {
				done = "已停用"
			}
			fmt.Fprintf(m.Stdout, "用户 %s %s\n", uid, done)
		}
	case "list":
		us, err := a.access.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range us {
			state := ""
			if u.Disabled {
				state = "（已停用）"
			}
			fmt.Fprintf(m.Stdout, "%-14s %-12s %-22s %s %s%s\n", u.ID, u.Name, rolesText(u.Roles), cases.RegionKey(u.Region), u.UnitCode, state)
		}
	default:
		fmt.Fprintln(m.Stderr, usage)
		return exitCode(2)
	}
	return nil
}

func rolesText(rs []cases.Role) string {
	var s []string
	for _, r := range rs {
		s = append(s, string(r))
	}
	return strings.Join(s, ",")
}

func (m *Main) tokenCmd(ctx context.Context, args []string) error {
	usage := "用法：rectify token create --name NAME --roles liaison[,reviewer] --region 省/市 [--by ADMIN]\n" +
		"      rectify token revoke ID | list"
	if len(args) == 0 {
		fmt.Fprintln(m.Stderr, usage)
		return exitCode(2)
	}
	fs, c := m.flags("token " + args[0])
	name := fs.String("name", "", "令牌用途，如 市人社局编制联动系统")
	roles := fs.String("roles", "liaison", "只读角色，以逗号分隔")
	region := fs.String("region", "", "令牌可见的地区节点")
	by := fs.String("by", m.env("USER", "admin"), "创建令牌的管理员（记入日志）")
	if err := parseArgs(fs, args[1:]); err != nil {
		return exitCode(2)
	}
	a, err := m.openStore(ctx, *c)
	if err != nil {
		return err
	}
	defer a.close()
	switch args[0] {
	case "create":
		secret, t, err := a.access.CreateToken(ctx, *by, *name, parseRoles(*roles), parseRegion(*region))
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "令牌 %s 已创建，用于「%s」（%s，%s）。\n令牌只显示这一次，请立即妥善保存：\n%s\n",
			t.Short(), t.Name, rolesText(t.Roles), cases.RegionKey(t.Region), secret)
	case "revoke":
		if fs.NArg() != 1 {
			fmt.Fprintln(m.Stderr, usage)
			return exitCode(2)
		}
		t, err := a.access.RevokeToken(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "令牌 %s（%s）已吊销\n", t.Short(), t.Name)
	case "list":
		ts, err := a.access.Tokens(ctx)
		if err != nil {
			return err
		}
		for _, t := range ts {
			state := "有效"
			if !t.RevokedAt.IsZero() {
				state = "已于 " + t.RevokedAt.Format("2006-01-02") + " 吊销"
			}
			fmt.Fprintf(m.Stdout, "%s  %-24s %-16s %-14s %s\n", t.Short(), t.Name, rolesText(t.Roles), cases.RegionKey(t.Region), state)
		}
	default:
		fmt.Fprintln(m.Stderr, usage)
		return exitCode(2)
	}
	return nil
}

package web

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"rectify/cases"
)

// maxAssignees bounds the 承办人 list: an office's staff in one region is a
// few dozen people; a list longer than this is cut, and a name beyond it
// is refused like any other name not offered.
const maxAssignees = 200

// assignees are the names a user may choose as 承办人: the active users
// with the office role in the user's region (the region node and below),
// in login-name order, each name once.
func (s *Server) assignees(ctx context.Context, p *principal) ([]string, error) {
	us, err := s.access.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("list assignees: %w", err)
	}
	var names []string
	for _, u := range us {
		if u.Disabled || !u.Has(cases.RoleOffice) || !p.scope.AllowsRegion(u.Region) || slices.Contains(names, u.Name) {
			continue
		}
		names = append(names, u.Name)
		if len(names) == maxAssignees {
			break
		}
	}
	return names, nil
}

// assigneeOptions are the assignees as a select's options, name selected.
func (s *Server) assigneeOptions(ctx context.Context, p *principal, name string) ([]option, error) {
	names, err := s.assignees(ctx, p)
	if err != nil {
		return nil, err
	}
	opts := make([]option, len(names))
	for i, n := range names {
		opts[i] = option{Value: n, Label: n, Sel: n == name}
	}
	return opts, nil
}

// checkAssignee refuses a 承办人 that is not one of p's assignees, so that a
// typed or forged name never reaches the ledger. An empty name is left to
// the state machine (required for assigning, optional when registering).
// The console and the API both check it.
func (s *Server) checkAssignee(ctx context.Context, p *principal, name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil
	}
	names, err := s.assignees(ctx, p)
	if err != nil {
		return err
	}
	if !slices.Contains(names, name) {
		return cases.Invalid("assignee", "承办人须从本地区监督检查处室的在岗人员中选择（“%s”不在其中）", truncateRunes(name, 20))
	}
	return nil
}

// truncateRunes cuts s to at most n characters, for quoting input back.
func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

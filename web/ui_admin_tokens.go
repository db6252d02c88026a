package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/access"
)

// tokenRow is an API token as the administrator's list shows it.
type tokenRow struct {
	access.Token
	Short, RolesLabel, CreatedByName string
}

type tokensPage struct {
	Tokens []tokenRow
	New    accountForm
}

// tokenCreatedPage shows a new token's secret: this once, never again.
type tokenCreatedPage struct {
	Token  tokenRow
	Secret string
}

func (s *Server) tokenRows(c *gin.Context) ([]tokenRow, error) {
	ts, err := s.access.Tokens(c)
	if err != nil {
		return nil, err
	}
	users, err := s.access.Users(c)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	rows := make([]tokenRow, 0, len(ts))
	// Newest first: the one just made or revoked is at the top.
	for i := len(ts) - 1; i >= 0; i-- {
		rows = append(rows, s.tokenRow(ts[i], names))
	}
	return rows, nil
}

func (s *Server) tokenRow(t access.Token, names map[string]string) tokenRow {
	r := tokenRow{Token: t, Short: t.Short(), RolesLabel: rolesLabel(t.Roles), CreatedByName: names[t.CreatedBy]}
	if r.CreatedByName == "" {
		r.CreatedByName = t.CreatedBy // made on the command line by a system user
	}
	return r
}

func (s *Server) tokensPage(c *gin.Context, form access.User, formErr *cases.Error) (tokensPage, error) {
	var page tokensPage
	var err error
	if page.Tokens, err = s.tokenRows(c); err != nil {
		return page, err
	}
	page.New, err = s.accountFormOf(c, form, access.TokenRoles)
	page.New.Error = formErr
	return page, err
}

func (s *Server) handleTokensPage(c *gin.Context) {
	page, err := s.tokensPage(c, access.User{Roles: []cases.Role{cases.RoleLiaison}}, nil)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "admin_tokens.html", "接口令牌", page)
}

func (s *Server) handleTokenCreate(c *gin.Context) {
	p := who(c)
	f := postedAccount(c)
	secret, t, err := s.access.CreateToken(c, p.user.ID, f.Name, f.Roles, f.Region)
	if e, ok := cases.AsError(err); ok && e.Code == cases.EINVALID {
		page, perr := s.tokensPage(c, f, e)
		if perr != nil {
			s.fail(c, perr)
			return
		}
		s.render(c, http.StatusBadRequest, "admin_tokens.html", "接口令牌", page)
		return
	} else if err != nil {
		s.fail(c, err)
		return
	}
	// The secret is on this answer only: no redirect carries it, and
	// nothing may keep a copy of the page.
	c.Header("Cache-Control", "no-store")
	page := tokenCreatedPage{Token: s.tokenRow(t, map[string]string{p.user.ID: p.user.Name}), Secret: secret}
	s.render(c, http.StatusCreated, "admin_token_created.html", "接口令牌已创建", page)
}

// findToken is the token whose short id is short.
func (s *Server) findToken(c *gin.Context, short string) (tokenRow, error) {
	rows, err := s.tokenRows(c)
	if err != nil {
		return tokenRow{}, err
	}
	for _, r := range rows {
		if r.Short == short {
			return r, nil
		}
	}
	return tokenRow{}, cases.NotFound("没有编号为 %s 的接口令牌", short)
}

func (s *Server) handleTokenRevokePage(c *gin.Context) {
	t, err := s.findToken(c, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "admin_token_revoke.html", "吊销接口令牌", t)
}

func (s *Server) handleTokenRevoke(c *gin.Context) {
	t, err := s.findToken(c, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.access.RevokeToken(c, t.Short); err != nil {
		s.fail(c, err)
		return
	}
	redirect(c, "/admin/tokens", "token-revoked", t.Name+"（"+t.Short+"）")
}

package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"rectify/cases"
)

// statusOf is the one mapping from domain error codes to HTTP status.
var statusOf = map[string]int{
	cases.EINVALID:      http.StatusBadRequest,
	cases.ENOTFOUND:     http.StatusNotFound,
	cases.ECONFLICT:     http.StatusConflict,
	cases.EREFUSED:      http.StatusUnprocessableEntity,
	cases.EUNAUTHORIZED: http.StatusUnauthorized,
	cases.EINTERNAL:     http.StatusInternalServerError,
}

// errorBody is the JSON every error answers with.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Rule    string `json:"rule,omitempty"`
	Row     int    `json:"row,omitempty"`
}

// writeError answers with err's status and safe message. Internal errors
// are logged with their chain and shown only as a generic message.
func (s *Server) writeError(c *gin.Context, err error) {
	e, ok := cases.AsError(err)
	if !ok {
		e = &cases.Error{Code: cases.EINTERNAL}
	}
	status, known := statusOf[e.Code]
	if !known || e.Code == cases.EINTERNAL {
		status = http.StatusInternalServerError
		s.log.Error("request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		e = &cases.Error{Code: cases.EINTERNAL, Message: "服务器内部错误，请稍后重试或联系管理员"}
	}
	c.AbortWithStatusJSON(status, errorBody{errorDetail{Code: e.Code, Message: e.Message, Field: e.Field, Rule: e.Rule, Row: e.Row}})
}

// invalid is a shortcut for a 400 naming field.
func (s *Server) invalid(c *gin.Context, field, format string, args ...any) {
	s.writeError(c, cases.Invalid(field, format, args...))
}

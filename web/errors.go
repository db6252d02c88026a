package web

import (
	"net/http"
	"strconv"

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
	cases.EFORBIDDEN:    http.StatusForbidden,
	cases.ETOOMANY:      http.StatusTooManyRequests,
	cases.EUNAVAILABLE:  http.StatusServiceUnavailable,
	cases.ECORRUPT:      http.StatusInternalServerError,
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
	// Fields lists every bad field of the request; Field and Message
	// repeat the first.
	Fields []fieldDetail `json:"fields,omitempty"`
}

type fieldDetail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// writeError answers with err's status and safe message. Internal errors
// are logged with their chain and shown only as a generic message.
func (s *Server) writeError(c *gin.Context, err error) {
	s.recordRefusal(c, err)
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
	if e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	d := errorDetail{Code: e.Code, Message: e.Message, Field: e.Field, Rule: e.Rule, Row: e.Row}
	for _, f := range e.Fields {
		d.Fields = append(d.Fields, fieldDetail{f.Field, f.Message})
	}
	c.AbortWithStatusJSON(status, errorBody{d})
}

// invalid is a shortcut for a 400 naming field.
func (s *Server) invalid(c *gin.Context, field, format string, args ...any) {
	s.writeError(c, cases.Invalid(field, format, args...))
}

// fail answers an error in the form the caller reads: JSON for the API, an
// HTML page for the console.
func (s *Server) fail(c *gin.Context, err error) {
	if isAPI(c) || c.FullPath() == "/healthz" {
		s.writeError(c, err)
		return
	}
	s.recordRefusal(c, err)
	e, ok := cases.AsError(err)
	if !ok || e.Code == cases.EINTERNAL {
		s.log.Error("request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		e = &cases.Error{Code: cases.EINTERNAL, Message: "服务器内部错误，请稍后重试或联系管理员"}
	}
	status := statusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	back, backText := backLink(c.Request.URL.Path)
	s.render(c, status, "error.html", "出错了", errorPage{Status: status, Message: e.Message, Back: back, BackText: backText})
	c.Abort()
}

type errorPage struct {
	Status  int
	Message string
	// Back is where the page leads back to (backLink).
	Back, BackText string
}

package web

import (
	"bytes"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// TestRenderFailureAnswersTheErrorPage: a page whose template fails after
// it has written part of the page answers 500 with the whole Chinese error
// page, and the failure is logged; no cut-off 200 page reaches the reader.
func TestRenderFailureAnswersTheErrorPage(t *testing.T) {
	var logged bytes.Buffer
	s := &Server{pages: mustParsePages(time.UTC), log: slog.New(slog.NewTextHandler(&logged, nil))}
	type change string
	// The roster page's bug: a map keyed by a string type indexed with a
	// string literal fails mid-table, after the layout's head is written.
	broken := template.Must(s.pages["roster.html"].t.Clone())
	template.Must(broken.New("content").Parse(`<table><tr><td>{{index .Data "new"}}</td></tr></table>`))
	s.pages["broken.html"] = &pageTemplate{broken}

	gin.SetMode(gin.ReleaseMode)
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest(http.MethodGet, "/roster", nil)
	s.render(c, http.StatusOK, "broken.html", "花名册", map[change]int{"new": 1})

	body := rec.Body.String()
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
	if strings.Contains(body, "<table>") || !strings.Contains(body, "服务器内部错误") || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
		t.Errorf("not the whole error page:\n%s", body)
	}
	if !strings.Contains(logged.String(), "render page") || !strings.Contains(logged.String(), "broken.html") {
		t.Errorf("the failure is not logged: %s", logged.String())
	}
}

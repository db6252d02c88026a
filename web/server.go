package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/catalog"
)

// Server serves the API.
type Server struct {
	svc    *cases.Service
	cat    *catalog.Catalog
	log    *slog.Logger
	engine *gin.Engine
}

// Config wires a Server.
type Config struct {
	Service *cases.Service
	Catalog *catalog.Catalog
	Log     *slog.Logger
}

// NewServer builds the routes.
func NewServer(cfg Config) *Server {
	s := &Server{svc: cfg.Service, cat: cfg.Catalog, log: cfg.Log}
	if s.log == nil {
		s.log = slog.Default()
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.Use(s.recoverJSON, s.accessLog)
	e.NoRoute(func(c *gin.Context) {
		s.writeError(c, cases.NotFound("no such endpoint: %s %s", c.Request.Method, c.Request.URL.Path))
	})
	e.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{errorDetail{Code: "method_not_allowed",
			Message: c.Request.Method + " is not allowed on " + c.Request.URL.Path}})
	})
	e.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })

	api := e.Group("/api/v1")
	api.GET("/catalog", s.handleCatalog)
	api.GET("/units", s.handleUnitList)
	api.POST(`/units\:import`, s.handleUnitImport)
	api.GET("/units/:code", s.handleUnitGet)
	api.GET("/units/:code/standing", s.handleUnitStanding)
	api.POST("/cases", s.handleCaseRegister)
	api.GET("/cases", s.handleCaseList)
	api.GET("/cases/:no", s.handleCaseGet)
	api.GET("/cases/:no/events", s.handleCaseEvents)
	api.POST("/cases/:no/transitions", s.handleTransition)
	s.engine = e
	return s
}

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.engine }

// Routes lists the registered routes as method and path (gin syntax).
func (s *Server) Routes() gin.RoutesInfo { return s.engine.Routes() }

func (s *Server) recoverJSON(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic serving request", "path", c.Request.URL.Path, "panic", r)
			s.writeError(c, &cases.Error{Code: cases.EINTERNAL})
		}
	}()
	c.Next()
}

func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.log.Debug("request", "method", c.Request.Method, "path", c.Request.URL.Path, "status", c.Writer.Status(), "took", time.Since(start))
}

func (s *Server) handleCatalog(c *gin.Context) {
	c.JSON(http.StatusOK, s.cat)
}

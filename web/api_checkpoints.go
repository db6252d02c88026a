package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"rectify/cases"
)

// handleCheckpoint signs the ledger's heads now (administrators).
func (s *Server) handleCheckpoint(c *gin.Context) {
	if s.cfg.Checkpoint == nil {
		s.writeError(c, &cases.Error{Code: cases.EUNAVAILABLE, Message: "本服务器未配置签名检查点"})
		return
	}
	info, written, err := s.cfg.Checkpoint(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"key": info.Key, "at": info.At, "kind": info.Kind, "cases": info.Cases, "root": info.Root, "written": written})
}

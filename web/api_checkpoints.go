package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/checkpoint"
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
	// head is what an auditor keeps off the machine for verify --expect-head.
	c.JSON(http.StatusOK, gin.H{"key": info.Key, "n": info.N, "at": info.At, "kind": info.Kind, "cases": info.Cases, "root": info.Root,
		"head": checkpoint.Head(info), "written": written})
}

package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"rectify/cases/referral"
)

// handleBatchRegister registers a referral batch from JSON. The letter is
// its own idempotency key: the same letter again answers 200 with the
// first result, different content 409 naming the letter number.
func (s *Server) handleBatchRegister(c *gin.Context) {
	p := who(c)
	var b referral.Batch
	if err := decodeJSON(c, &b); err != nil {
		s.writeError(c, err)
		return
	}
	got, replayed, err := s.registerBatch(c, p, b)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/referral-batches/"+got.ID)
	status := http.StatusCreated
	if replayed {
		c.Header("Idempotent-Replayed", "true")
		status = http.StatusOK
	}
	c.JSON(status, s.batchView(c, p, got))
}

// handleBatchGet returns a batch with the state of each item.
func (s *Server) handleBatchGet(c *gin.Context) {
	p := who(c)
	b, err := s.ref.Batch(c, viewerOf(p), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.recordBatchRead(c, p, b); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.batchView(c, p, b))
}

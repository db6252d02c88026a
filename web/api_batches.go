package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/referral"
)

// batchRequest is the body of POST /referral-batches: what the referral
// letter says. The batch's identity, registrar, letters and each item's
// case are the server's to set, so a request cannot name them.
type batchRequest struct {
	Office   string             `json:"office"`
	LetterNo string             `json:"letter_no"`
	Round    string             `json:"round"`
	Team     string             `json:"team"`
	Received string             `json:"received"`
	Level    cases.Level        `json:"level"`
	Items    []batchItemRequest `json:"items"`
}

// batchItemRequest is one problem the letter refers.
type batchItemRequest struct {
	UnitCode string `json:"unit_code"`
	Kind     string `json:"violation_kind"`
	Title    string `json:"title"`
	Facts    string `json:"facts"`
}

// batch is the referral batch the request describes.
func (r batchRequest) batch() referral.Batch {
	b := referral.Batch{Office: r.Office, LetterNo: r.LetterNo, Round: r.Round, Team: r.Team, Received: r.Received, Level: r.Level}
	for _, it := range r.Items {
		b.Items = append(b.Items, referral.Item{UnitCode: it.UnitCode, Kind: it.Kind, Title: it.Title, Facts: it.Facts})
	}
	return b
}

// handleBatchRegister registers a referral batch from JSON. The letter is
// its own idempotency key: the same letter again answers 200 with the
// first result, different content 409 naming the letter number.
func (s *Server) handleBatchRegister(c *gin.Context) {
	p := who(c)
	var req batchRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	b := req.batch()
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

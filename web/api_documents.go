package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/documents"
	"rectify/templates"
)

// MaxEvidenceBody bounds one evidence upload request.
const MaxEvidenceBody = 100 << 20

// noticeRequest is the body of POST /notices.
type noticeRequest struct {
	documents.NoticeRequest
	// ConfirmPersonalData says an ID or mobile number in the
	// requirements is meant to be recorded (documents print it masked).
	ConfirmPersonalData bool `json:"confirm_personal_data"`
}

func (s *Server) handleNoticeAPI(c *gin.Context) {
	p := who(c)
	var body noticeRequest
	if err := decodeJSON(c, &body); err != nil {
		s.writeError(c, err)
		return
	}
	req := body.NoticeRequest
	if !body.ConfirmPersonalData {
		for i, it := range req.Items {
			if err := cases.CheckPersonalInput(cases.Input{Requirements: it.Requirements}, ""); err != nil {
				e, _ := cases.AsError(err)
				e.Field = fmt.Sprintf("items[%d].requirements", i)
				s.writeError(c, e)
				return
			}
		}
	}
	preview := c.Query("preview") == "true"
	out, pdf, err := s.docs.Notice(c, p.scope, actingAs(p, cases.ActionOrderRectification), req, preview)
	s.answerIssued(c, out, pdf, preview, err, documents.KindNotice)
}

func (s *Server) handleFeedbackAPI(c *gin.Context) {
	p := who(c)
	var req documents.FeedbackRequest
	if err := decodeJSON(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	preview := c.Query("preview") == "true"
	out, pdf, err := s.docs.Feedback(c, p.scope, actingAs(p, cases.ActionRecordDocument), req, preview)
	s.answerIssued(c, out, pdf, preview, err, documents.KindFeedback)
}

func (s *Server) handleClosingFormAPI(c *gin.Context) {
	p := who(c)
	out, pdf, err := s.docs.Closing(c, p.scope, actingAs(p, cases.ActionRecordDocument), c.Param("no"))
	s.answerIssued(c, out, pdf, false, err, documents.KindClosing)
}

func (s *Server) answerIssued(c *gin.Context, out documents.Issued, pdf []byte, preview bool, err error, kind documents.Kind) {
	switch {
	case err != nil:
		s.writeError(c, err)
	case preview:
		ascii, name := previewNames(kind)
		writePDF(c, ascii, name, pdf, true)
	case out.Existing:
		// Asked again for what was issued already: the same document, not
		// a new one (the closing form is issued once per closing, and so on).
		c.Header("Location", "/api/v1/documents/"+out.Document.ID)
		c.JSON(http.StatusOK, out)
	default:
		c.Header("Location", "/api/v1/documents/"+out.Document.ID)
		c.JSON(http.StatusCreated, out)
	}
}

func (s *Server) handleDocumentGet(c *gin.Context) {
	scope, err := s.documentScope(c, who(c), c.Param("id"))
	var d documents.Document
	if err == nil {
		d, err = s.docs.Document(c, scope, c.Param("id"))
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

func (s *Server) handleDocumentPDF(c *gin.Context) {
	p := who(c)
	id := strings.TrimSuffix(c.Param("id"), ".pdf")
	scope, err := s.documentScope(c, p, id)
	var (
		b []byte
		d documents.Document
	)
	// ?copy=k is numbered copy k of a secret document (份号 k); without
	// it, copy 1.
	k := 1
	if v := c.Query("copy"); v != "" && err == nil {
		if k, err = strconv.Atoi(v); err != nil || k < 1 {
			err = cases.Invalid("copy", "份号须为正整数")
		}
	}
	if err == nil {
		b, d, err = s.docs.DownloadCopy(c, scope, id, k)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	what := d.Number
	ascii, name := documentNames(d)
	if k > 1 {
		what = d.Number + " 份号" + templates.CopyNo(k)
		ascii = strings.TrimSuffix(ascii, ".pdf") + "-copy" + templates.CopyNo(k) + ".pdf"
		name = strings.TrimSuffix(name, ".pdf") + "（份号" + templates.CopyNo(k) + "）.pdf"
	}
	if err := s.access.RecordAccess(c, accessEntry(c, p, "download-document", what)); err != nil {
		s.fail(c, err)
		return
	}
	writePDF(c, ascii, name, b, c.Query("download") == "")
}

func (s *Server) handleCaseDocuments(c *gin.Context) {
	ds, err := s.docs.Documents(c, who(c).scope, c.Param("no"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": ds})
}

func (s *Server) handleEvidenceList(c *gin.Context) {
	es, err := s.docs.EvidenceOf(c, who(c).scope, c.Param("no"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": es})
}

// readUploads reads the "file" parts of a multipart form.
func readUploads(c *gin.Context) ([]documents.Upload, error) {
	form, err := c.MultipartForm()
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, cases.Invalid("file", "上传内容超过 %d MB", MaxEvidenceBody>>20)
		}
		if errors.Is(err, http.ErrNotMultipart) {
			return nil, cases.Invalid("Content-Type", "请以 multipart/form-data 上传，文件字段名为 file")
		}
		return nil, cases.Invalid("file", "无法读取上传的文件")
	}
	var out []documents.Upload
	for _, fh := range form.File["file"] {
		b, err := readPart(fh)
		if err != nil {
			return nil, cases.Invalid("file", "无法读取文件「%s」", documents.SanitizeName(fh.Filename, ""))
		}
		out = append(out, documents.Upload{Name: fh.Filename, Data: b})
	}
	return out, nil
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, documents.MaxEvidenceFile+1))
}

func (s *Server) handleEvidenceUpload(c *gin.Context) {
	p := who(c)
	files, err := readUploads(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	es, err := s.docs.AddEvidence(c, p.scope, actingAs(p, cases.ActionSubmit), c.Param("no"), files)
	if err != nil {
		s.writeError(c, err)
		return
	}
	refs := make([]string, len(es))
	for i, e := range es {
		refs[i] = cases.EvidenceRef + e.ID
	}
	c.JSON(http.StatusCreated, gin.H{"items": es, "refs": refs})
}

func (s *Server) handleEvidenceFile(c *gin.Context) {
	p := who(c)
	b, e, err := s.docs.EvidenceFile(c, p.scope, c.Param("no"), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", contentDisposition(e.Name))
	c.Header("Content-Security-Policy", "sandbox; default-src 'none'")
	c.Data(http.StatusOK, e.ContentType, b)
}

type verifyPage struct {
	Code  string
	Found bool
	V     documents.Verification
}

// handleVerifyForm is the verification page without a code: a box to type
// the one printed on the document. The box sends ?code=, which leads to
// the code's own page.
func (s *Server) handleVerifyForm(c *gin.Context) {
	code := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			return r
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return -1 // the dash as printed, spaces, anything pasted around it
	}, c.Query("code"))
	if code != "" {
		c.Redirect(http.StatusSeeOther, "/verify/"+url.PathEscape(code))
		return
	}
	s.render(c, http.StatusOK, "verify.html", "文件核验", verifyPage{})
}

// handleVerify is the public verification page: number, kind, issuing
// office, title, date and whether the stored file is intact — what the
// document itself shows, nothing else.
func (s *Server) handleVerify(c *gin.Context) {
	code := c.Param("code")
	v, err := s.docs.Verify(c, code)
	page := verifyPage{Code: strings.ToUpper(code)}
	if len(page.Code) == 8 {
		page.Code = page.Code[:4] + "-" + page.Code[4:] // as printed on the document
	}
	switch {
	case err == nil:
		page.Found, page.V = true, v
	case cases.ErrorCode(err) == cases.ENOTFOUND:
	default:
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if !page.Found {
		status = http.StatusNotFound
	}
	s.render(c, status, "verify.html", "文件核验", page)
}

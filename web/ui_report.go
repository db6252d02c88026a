package web

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"strconv"
	"time"

	"github.com/dchest/captcha"
	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/hotline"
)

// The public 12310 pages: no login, usable on a phone. A report is made
// with a solved challenge and at most ReportsPerHour times an hour from one
// address; the status pages take the receipt and secret only in a POST
// body, never in a URL.

// MaxReportBody bounds a report's request with its files.
const MaxReportBody = hotline.MaxFiles*hotline.MaxFileSize + 1<<20

// reportUploads are the routes whose forms carry a report's files.
var reportUploads = map[string]bool{"/report": true, "/report/add": true, "/hotline/new": true}

type reportFormPage struct {
	In        hotline.Intake
	Units     []option
	CaptchaID string
	Error     *cases.Error
}

func (s *Server) reportForm(c *gin.Context, status int, in hotline.Intake, e *cases.Error) {
	page := reportFormPage{In: in, CaptchaID: s.captchas.New(addressKey(clientIP(c))), Error: e}
	units, err := s.unitOptions(c, cases.GlobalScope, in.UnitCode)
	if err != nil {
		s.fail(c, err)
		return
	}
	page.Units = units
	s.render(c, status, "report.html", "12310 网上举报", page)
}

// unitOptions lists the units of scope as choices.
func (s *Server) unitOptions(c *gin.Context, scope cases.Scope, sel string) ([]option, error) {
	var out []option
	f := cases.UnitFilter{Scope: scope, PerPage: cases.MaxPerPage}
	for f.Page = 1; ; f.Page++ {
		us, total, err := s.svc.Units(c, f)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			out = append(out, option{u.Code, u.Name, sel == u.Code})
		}
		if len(us) == 0 || f.Page*f.PerPage >= total {
			return out, nil
		}
	}
}

func (s *Server) handleReportPage(c *gin.Context) {
	s.reportForm(c, http.StatusOK, hotline.Intake{}, nil)
}

// handleCaptchaImage draws a challenge; an unknown or spent one is 404.
func (s *Server) handleCaptchaImage(c *gin.Context) {
	id := c.Param("id")
	digits, ok := s.captchas.digits(id)
	if !ok {
		c.Status(http.StatusNotFound)
		return
	}
	img := captcha.NewImage(id, digits, captchaWidth, captchaHeight)
	legible(img.Paletted)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img.Paletted); err != nil {
		s.fail(c, fmt.Errorf("encode the challenge image: %w", err))
		return
	}
	c.Data(http.StatusOK, "image/png", buf.Bytes())
}

// handleCaptchaAudio speaks a challenge's digits (in Chinese), for those
// who cannot read the image; an unknown or spent one is 404.
func (s *Server) handleCaptchaAudio(c *gin.Context) {
	id := c.Param("id")
	digits, ok := s.captchas.digits(id)
	if !ok {
		c.Status(http.StatusNotFound)
		return
	}
	var buf bytes.Buffer
	if _, err := captcha.NewAudio(id, digits, "zh").WriteTo(&buf); err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "audio/wav", buf.Bytes())
}

// intakeOf reads the fields both intake forms share.
func intakeOf(c *gin.Context) hotline.Intake {
	return hotline.Intake{UnitCode: c.PostForm("unit_code"), UnitText: c.PostForm("unit_text"), Allegation: c.PostForm("allegation"),
		Reporter: hotline.Reporter{Name: c.PostForm("reporter_name"), Phone: c.PostForm("reporter_phone"),
			IDNumber: c.PostForm("reporter_id"), Address: c.PostForm("reporter_address")}}
}

// uploadsOf reads the files of a form's "file" inputs.
func uploadsOf(c *gin.Context) ([]hotline.Upload, error) {
	var files []hotline.Upload
	form, err := c.MultipartForm()
	if err != nil {
		return nil, nil // a form without files
	}
	for _, fh := range form.File["file"] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		if fh.Size > hotline.MaxFileSize {
			return nil, cases.Invalid("file", "文件「%s」超过 %d MB", fh.Filename, hotline.MaxFileSize>>20)
		}
		b, err := readPart(fh)
		if err != nil {
			return nil, cases.Invalid("file", "无法读取文件")
		}
		files = append(files, hotline.Upload{Name: fh.Filename, Data: b})
	}
	return files, nil
}

type reportDonePage struct {
	Receipt, Secret string
	Due             string
}

func (s *Server) handleReport(c *gin.Context) {
	in := intakeOf(c)
	in.Channel, in.ReceivedAt = hotline.ChannelWeb, time.Now()
	if c.PostForm("captcha_new") != "" {
		// A new image asked for: the form again with what was typed
		// (files must be chosen again), nothing filed.
		s.captchas.Solve(c.PostForm("captcha_id"), "")
		s.reportForm(c, http.StatusOK, in, nil)
		return
	}
	if !s.captchas.Solve(c.PostForm("captcha_id"), c.PostForm("captcha")) {
		s.reportForm(c, http.StatusBadRequest, in, cases.Invalid("captcha", "验证码不正确或已过期，请按新图片重新输入"))
		return
	}
	files, err := uploadsOf(c)
	var sub hotline.Submitted
	if err == nil {
		sub, err = s.hotline.Submit(c, cases.GlobalScope, hotline.Public, in, files)
	}
	if err != nil {
		e, ok := cases.AsError(err)
		if !ok || e.Code == cases.EINTERNAL {
			s.fail(c, err)
			return
		}
		s.reportForm(c, statusOf[e.Code], in, e)
		return
	}
	// Shown once, in this response only: never in a URL, never stored.
	s.render(c, http.StatusCreated, "report_done.html", "举报已受理", reportDonePage{Receipt: sub.Receipt, Secret: sub.Secret, Due: sub.Report.Due})
}

type reportStatusPage struct {
	// Receipt and Secret go back into the page's forms, so that the
	// reporter can answer without typing them again; they are never
	// echoed after a failure.
	Receipt, Secret string
	R               *hotline.Report
	Notice          string
	Error           *cases.Error
}

func (s *Server) handleReportStatusPage(c *gin.Context) {
	s.render(c, http.StatusOK, "report_status.html", "举报查询", reportStatusPage{})
}

// reportAnswer renders the outcome of a status request. A failure to
// authenticate shows the empty form with one message, whatever failed.
func (s *Server) reportAnswer(c *gin.Context, r hotline.Report, err error, notice string) {
	page := reportStatusPage{Receipt: c.PostForm("receipt"), Secret: c.PostForm("secret"), Notice: notice}
	if err != nil {
		e, ok := cases.AsError(err)
		if !ok || e.Code == cases.EINTERNAL {
			s.fail(c, err)
			return
		}
		if e == hotline.ErrNoReceipt {
			s.render(c, http.StatusNotFound, "report_status.html", "举报查询", reportStatusPage{Error: e})
			return
		}
		// Authenticated, but the answer or addition was refused: the
		// report is shown again with the reason.
		page.Error = e
		if r, err = s.hotline.Status(c, page.Receipt, page.Secret); err != nil {
			s.render(c, http.StatusNotFound, "report_status.html", "举报查询", reportStatusPage{Error: hotline.ErrNoReceipt})
			return
		}
		page.R = &r
		s.render(c, statusOf[e.Code], "report_status.html", "举报查询", page)
		return
	}
	page.R = &r
	s.render(c, http.StatusOK, "report_status.html", "举报查询", page)
}

func (s *Server) handleReportStatus(c *gin.Context) {
	r, err := s.hotline.Status(c, c.PostForm("receipt"), c.PostForm("secret"))
	s.reportAnswer(c, r, err, "")
}

func (s *Server) handleReportAnswer(c *gin.Context) {
	q, _ := strconv.Atoi(c.PostForm("question"))
	r, err := s.hotline.Answer(c, c.PostForm("receipt"), c.PostForm("secret"), q, c.PostForm("answer"))
	s.reportAnswer(c, r, err, "您的答复已提交，感谢您的配合")
}

func (s *Server) handleReportAdd(c *gin.Context) {
	files, err := uploadsOf(c)
	var r hotline.Report
	if err == nil {
		r, err = s.hotline.Add(c, c.PostForm("receipt"), c.PostForm("secret"), c.PostForm("addition"), files)
	}
	s.reportAnswer(c, r, err, "补充材料已提交")
}

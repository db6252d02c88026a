package web

import (
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"rectify/cases"
	"rectify/cases/documents"
)

// disposition is the one Content-Disposition header of every download
// (RFC 6266): the plain name for clients that read only filename, and the
// name as people read it in filename* (UTF-8, RFC 5987) when it differs;
// ascii is reduced to letters, digits and dashes (asciiName) first.
// mime.FormatMediaType quotes and percent-encodes both.
func disposition(inline bool, ascii, name string) string {
	typ := "attachment"
	if inline {
		typ = "inline"
	}
	plain := asciiName(ascii)
	d := mime.FormatMediaType(typ, map[string]string{"filename": plain})
	if name != "" && name != plain {
		// Non-ASCII names come out as filename*=utf-8''…; an ASCII name
		// different from the fallback is left out (the fallback is it).
		if ext := mime.FormatMediaType(typ, map[string]string{"filename": name}); strings.Contains(ext, "filename*=") {
			d += ext[len(typ):]
		}
	}
	return d
}

// writePDF answers with a PDF, inline (to view) or as an attachment, under
// its plain and its Chinese name.
func writePDF(c *gin.Context, ascii, name string, pdf []byte, inline bool) {
	c.Header("Content-Disposition", disposition(inline, ascii, name))
	c.Data(200, "application/pdf", pdf)
}

// kindNames are each kind of document's name in a download's plain name
// and in its Chinese one.
var kindNames = map[documents.Kind][2]string{
	documents.KindNotice:     {"notice", "整改通知书"},
	documents.KindClosing:    {"closing", "销号审批表"},
	documents.KindFeedback:   {"feedback", "反馈函"},
	documents.KindAssessment: {"result", "评估结果反馈"},
}

// documentNames are an issued document's download names, by kind and
// number: notice-2026-0001.pdf and 整改通知书_云编督〔2026〕1号.pdf.
func documentNames(d documents.Document) (ascii, name string) {
	k, ok := kindNames[d.Kind]
	if !ok {
		k = [2]string{string(d.Kind), "文件"}
	}
	return fmt.Sprintf("%s-%d-%04d.pdf", asciiName(k[0]), d.Year, d.Seq), k[1] + "_" + d.Number + ".pdf"
}

// previewNames are the download names of an unissued preview of a kind.
func previewNames(kind documents.Kind) (ascii, name string) {
	k := kindNames[kind]
	return k[0] + "-preview.pdf", k[1] + "预览.pdf"
}

// briefingNames are a pre-patrol briefing's download names, by unit and
// date (the office's zone): briefing-QH001-2026-12-07.pdf and
// 清河县教育局巡察前通报_2026-12-07.pdf.
func briefingNames(unitCode, unitName string, at time.Time, loc *time.Location) (ascii, name string) {
	day := cases.Day(at, loc)
	return "briefing-" + unitCode + "-" + day + ".pdf", unitName + "巡察前通报_" + day + ".pdf"
}

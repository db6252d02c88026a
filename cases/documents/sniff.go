package documents

import (
	"archive/zip"
	"bytes"
	"path"
	"strings"

	"rectify/cases"
)

// Allowed evidence types, told apart by their bytes, never by the name.
var evidenceTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       ".xlsx",
	"application/ofd": ".ofd",
}

// Sniff returns the content type of an evidence file, or "" if it is not
// one of the allowed kinds (PDF, JPEG, PNG, DOCX, XLSX, OFD).
func Sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return sniffZip(b)
	}
	return ""
}

// sniffZip looks inside a ZIP container: Office Open XML documents and
// workbooks, and OFD (GB/T 33190), whose root holds OFD.xml.
func sniffZip(b []byte) string {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return ""
	}
	names := map[string]bool{}
	for _, f := range z.File {
		names[f.Name] = true
	}
	switch {
	case names["[Content_Types].xml"] && names["word/document.xml"]:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case names["[Content_Types].xml"] && names["xl/workbook.xml"]:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case names["OFD.xml"]:
		return "application/ofd"
	}
	return ""
}

// Extension is the file extension for an allowed content type.
func Extension(contentType string) string { return evidenceTypes[contentType] }

// SanitizeName makes an uploaded file name safe to display: the last path
// element only, without the characters SECURITY.md says no text holds
// (controls, bidirectional marks, zero-width and other invisible format
// characters: cases.HiddenRune), at most 100 characters, and the extension
// of the sniffed type. Every upload path (case evidence, self-assessment
// evidence, hotline attachments) names its files with it. It is never used
// as a storage key.
func SanitizeName(name, contentType string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		// The characters every text field refuses (controls, bidirectional
		// marks, zero-width and other format characters): a name comes
		// from the uploader's disk, so they are dropped, not refused.
		if cases.HiddenRune(r) || strings.ContainsRune(`<>:"|?*/`, r) {
			return -1
		}
		return r
	}, name)
	ext := Extension(contentType)
	stem := strings.TrimSuffix(name, path.Ext(name))
	stem = strings.Trim(stem, " .")
	if r := []rune(stem); len(r) > 100 {
		stem = string(r[:100])
	}
	if stem == "" {
		stem = "附件"
	}
	return stem + ext
}

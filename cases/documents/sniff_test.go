package documents

import (
	"archive/zip"
	"bytes"
	"testing"
)

func zipOf(names ...string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, n := range names {
		w, _ := z.Create(n)
		w.Write([]byte("<x/>"))
	}
	z.Close()
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"PDF", []byte("%PDF-1.7\n..."), "application/pdf"},
		{"JPEG", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10}, "image/jpeg"},
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00"), "image/png"},
		{"DOCX", zipOf("[Content_Types].xml", "word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"XLSX", zipOf("[Content_Types].xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"OFD", zipOf("OFD.xml", "Doc_0/Document.xml"), "application/ofd"},
		{"ErrPlainZip", zipOf("a.txt"), ""},
		{"ErrExecutable", []byte("\x7fELF\x02\x01"), ""},
		{"ErrHTML", []byte("<html><script>"), ""},
		{"ErrEmpty", nil, ""},
		{"ErrBrokenZip", []byte("PK\x03\x04broken"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.data); got != tt.want {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestSanitizeName(t *testing.T) {
	tests := []struct{ in, ct, want string }{
		{"整改报告.pdf", "application/pdf", "整改报告.pdf"},
		{"../../etc/passwd", "application/pdf", "passwd.pdf"},
		{`C:\Users\李\照片.JPG`, "image/jpeg", "照片.jpg"},
		{"report.pdf.exe", "application/pdf", "report.pdf.pdf"},
		{"evil\u202Efdp.exe", "application/pdf", "evilfdp.pdf"},
		{"  .  ", "image/png", "附件.png"},
		{"a<b>:c|d?.pdf", "application/pdf", "abcd.pdf"},
		// Issue 21: every invisible format character, as text fields refuse.
		{"整改\u200b报告.pdf", "application/pdf", "整改报告.pdf"},
		{"\ufeff整改\u2060报告\u00ad\u200d.pdf", "application/pdf", "整改报告.pdf"},
		{"整改\u2066报告\u2069\u200e.pdf", "application/pdf", "整改报告.pdf"},
		{"\u200b\u200b.pdf", "application/pdf", "附件.pdf"},
	}
	for _, tt := range tests {
		if got := SanitizeName(tt.in, tt.ct); got != tt.want {
			t.Errorf("SanitizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidKeyAndID(t *testing.T) {
	for _, k := range []string{"documents/2026/notice-2026-0001.pdf", "evidence/2026-0001/a1b2c3.pdf"} {
		if !ValidKey(k) {
			t.Errorf("%s refused", k)
		}
	}
	for _, k := range []string{"../x", "documents/../x", "documents/./x", "/abs", "documents/a b", "Documents/x", "documents//x", "documents"} {
		if ValidKey(k) {
			t.Errorf("%s accepted", k)
		}
	}
	if !ValidID("notice-2026-0012") || ValidID("notice-2026-12/../x") || ValidID("memo-2026-0001") {
		t.Error("ValidID")
	}
	if got := Number("云编督", 2026, 12); got != "云编督〔2026〕12号" {
		t.Errorf("Number = %s", got)
	}
}

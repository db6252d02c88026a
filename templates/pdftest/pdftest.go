// Package pdftest reads PDFs back for tests, with poppler's pdftotext
// (make test installs poppler-utils).
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Text returns the text of pdf with all white space removed, so that
// checks do not depend on where lines break.
func Text(tb testing.TB, pdf []byte) string {
	tb.Helper()
	return strings.Join(strings.Fields(Raw(tb, pdf, false)), "")
}

// Raw returns pdftotext's output; layout keeps the physical layout.
func Raw(tb testing.TB, pdf []byte, layout bool) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	args := []string{p, "-"}
	if layout {
		args = append([]string{"-layout"}, args...)
	}
	out, err := exec.Command("pdftotext", args...).Output()
	if err != nil {
		tb.Fatalf("pdftotext (install poppler-utils): %v", err)
	}
	return string(out)
}

package templates

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"rectify/templates/pdftest"
)

// fontOf is, from pdftohtml's XML, the base font name that each text
// fragment on page 1 is set in, by fragment.
func fontOf(t *testing.T, pdf []byte) map[string]string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftohtml", "-xml", "-stdout", "-i", "-f", "1", "-l", "1", p).Output()
	if err != nil {
		t.Fatalf("pdftohtml (install poppler-utils): %v", err)
	}
	specs := map[string]string{}
	for _, m := range regexp.MustCompile(`<fontspec id="(\d+)"[^>]*family="([^"]*)"`).FindAllStringSubmatch(string(out), -1) {
		specs[m[1]] = m[2]
	}
	got := map[string]string{}
	for _, m := range regexp.MustCompile(`<text [^>]*font="(\d+)"[^>]*>(.*?)</text>`).FindAllStringSubmatch(string(out), -1) {
		got[strings.TrimSpace(m[2])] = specs[m[1]]
	}
	return got
}

// TestSecretMarks: every kind of document about a secret matter carries
// 份号 and 密级和保密期限 at the top left, the copy number in the body face
// and the classification in 黑体 (GB/T 9704-2012 §7.2.1–7.2.2) — the
// briefing too, whose classification stood alone in the body face.
func TestSecretMarks(t *testing.T) {
	const copyNo = "000002"
	class := SecretMark("10年")
	if class != "秘密★10年" {
		t.Fatalf("SecretMark = %q", class)
	}
	if CopyNo(2) != copyNo {
		t.Fatalf("CopyNo(2) = %q", CopyNo(2))
	}
	official := func(d Official) func() ([]byte, error) {
		return func() ([]byte, error) {
			var buf bytes.Buffer
			err := RenderOfficial(&buf, d, EmbeddedFonts(), fixed0)
			return buf.Bytes(), err
		}
	}
	notice := sampleNotice()
	notice.Classification, notice.CopyNo = class, copyNo
	feedback := sampleFeedback()
	feedback.Classification, feedback.CopyNo = class, copyNo
	clues := sampleFeedback()
	clues.Clues, clues.Classification, clues.CopyNo = true, class, copyNo
	briefing := Briefing{Letterhead: head, Team: "市委第一巡察组", UnitName: "清河县教育局", UnitCode: "QH001", LeaderRoster: -1,
		Classification: class, CopyNo: copyNo, Date: fixed0}
	for _, tc := range []struct {
		name   string
		render func() ([]byte, error)
	}{
		{"notice", official(notice.Official())},
		{"feedback", official(feedback.Official())},
		{"clue-feedback", official(clues.Official())},
		{"briefing", official(briefing.Official())},
		{"closing", func() ([]byte, error) {
			var buf bytes.Buffer
			err := RenderForm(&buf, Form{Office: head.Office, Title: "问题整改销号审批表", Number: "云编销〔2026〕7号", Date: fixed0,
				Rows: [][2]string{{"台账编号", "2026-0005"}}, Classification: class, CopyNo: copyNo}, EmbeddedFonts(), fixed0)
			return buf.Bytes(), err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pdf, err := tc.render()
			if err != nil {
				t.Fatal(err)
			}
			text := pdftest.Text(t, pdf)
			for _, m := range []string{copyNo, class} {
				if !strings.Contains(text, m) {
					t.Errorf("no %s in %.80s…", m, text)
				}
			}
			set := EmbeddedFonts().fonts()
			fonts := fontOf(t, pdf)
			// pdftohtml names a font by its family: the base name up to
			// the style, subset tag included.
			if got, want := fonts[class], set.roles[RoleHeading].name; got == "" || !strings.HasPrefix(want, got) {
				t.Errorf("密级 set in %q, want 黑体 %s", got, want)
			}
			if got, want := fonts[copyNo], set.roles[RoleBody].name; got == "" || !strings.HasPrefix(want, got) {
				t.Errorf("份号 set in %q, want the body face %s", got, want)
			}
		})
	}
}

// TestClassificationAloneIsHei: a classification with no 份号 above it
// (内部, or a secret document printed before copies were numbered) is
// still set in 黑体; it took the 份号's face when it stood first.
func TestClassificationAloneIsHei(t *testing.T) {
	d := sampleFeedback().Official()
	d.Classification = "内部"
	var buf bytes.Buffer
	if err := RenderOfficial(&buf, d, EmbeddedFonts(), fixed0); err != nil {
		t.Fatal(err)
	}
	want := EmbeddedFonts().fonts().roles[RoleHeading].name
	if got := fontOf(t, buf.Bytes())["内部"]; got == "" || !strings.HasPrefix(want, got) {
		t.Errorf("内部 set in %q, want 黑体 %s", got, want)
	}
}

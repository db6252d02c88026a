package cases

import (
	"strings"
	"testing"

	"rectify/templates"
)

// TestCheckText runs with the repertoire the server sets: the embedded
// document fonts.
func TestCheckText(t *testing.T) {
	SetRepertoire(templates.EmbeddedFonts().Unprintable)
	for _, tc := range []struct {
		name, s string
		max     int
		ok      bool
	}{
		{"Chinese", "核定行政编制20名，实有22人", MaxShortText, true},
		{"MultiLineFacts", "第一段。\n第二段：\t详见附件。\r\n", MaxLongText, true},
		{"FullWidth", "ＡＢＣ１２３ ａｂｃ", MaxShortText, true},
		// Names from GB 18030-2022 beyond the BMP print through the fallback
		// font: Extensions B, C, D, E, F.
		{"ExtensionsBtoF", "王𠮷、李𪜀、张𫝀、刘𬍤、陈𬺰、赵𬌗", MaxShortText, true},
		{"ExtensionA", "㐀㑇", MaxShortText, true},
		// No configured font has these: refused where they are typed.
		{"Emoji", "超编进人 👍", MaxShortText, false},
		{"PrivateUse", "超编\ue000进人", MaxShortText, false},
		// Combining marks print on the wrong character without a shaping
		// engine; precomposed letters are fine.
		{"CombiningMark", "测\u0301试", MaxLongText, false},
		{"EnclosingMark", "测\u20dd", MaxShortText, false},
		{"Precomposed", "José Müller", MaxShortText, true},
		{"NUL", "超编\x00进人", MaxShortText, false},
		{"ESC", "超编\x1b[31m进人", MaxLongText, false},
		{"DEL", "超编\x7f", MaxShortText, false},
		{"C1", "超编\u0085进人", MaxLongText, false},
		{"BidiOverride", "超编进人\u202Etxt.exe", MaxShortText, false},
		{"BidiIsolate", "超编\u2066进人", MaxLongText, false},
		{"RLM", "超编\u200f", MaxShortText, false},
		{"LineSeparator", "超编\u2028进人", MaxLongText, false},
		{"ReplacementCharacter", "超编\ufffd进人", MaxLongText, false}, // invalid UTF-8 through a JSON decoder
		{"InvalidUTF8", "超编\xff进人", MaxLongText, false},
		{"NewlineInTitle", "超编\n进人", MaxShortText, false},
		{"TabInTitle", "超编\t进人", MaxShortText, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkText("title", tc.s, tc.max, true)
			if (err == nil) != tc.ok {
				t.Fatalf("checkText(%q) = %v, want ok=%v", tc.s, err, tc.ok)
			}
			if e, isErr := AsError(err); err != nil && (!isErr || e.Field != "title" || e.Code != EINVALID) {
				t.Fatalf("error %v does not name the field", err)
			}
			if tc.name == "Emoji" && !strings.Contains(err.Error(), "「👍」") {
				t.Fatalf("error %v does not name the character", err)
			}
		})
	}
}

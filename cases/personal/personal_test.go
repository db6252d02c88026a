package personal_test

import (
	"testing"

	"rectify/cases/personal"
)

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"11010519491231002X", true},  // the standard's example
		{"11010519491231002x", true},  // lower-case x as typed
		{"110105194912310021", false}, // wrong check character
		{"110105194913310029", false}, // month 13
		{"11010519491231002", false},  // 17 characters
		{"1101051949123100211", false},
	}
	for _, tt := range tests {
		if got := personal.ValidID(tt.id); got != tt.want {
			t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestFindAndMask(t *testing.T) {
	tests := []struct {
		name, text, masked string
		kinds              []personal.Kind
	}{
		{"IDNumber", "举报人身份证11010519491231002X，住清河县", "举报人身份证1101**********002X，住清河县", []personal.Kind{personal.IDNumber}},
		{"Mobile", "联系电话13812345678。", "联系电话138****5678。", []personal.Kind{personal.Mobile}},
		{"MobileInGroups", "电话 138 1234 5678 或 139-8765-4321", "电话 138****5678 或 139****4321", []personal.Kind{personal.Mobile, personal.Mobile}},
		{"CountryCode", "+86 13812345678", "138****5678", []personal.Kind{personal.Mobile}},
		{"FullWidthDigits", "电话１３８１２３４５６７８", "电话138****5678", []personal.Kind{personal.Mobile}},
		{"AfterADate", "2026-03-02 13812345678", "2026-03-02 138****5678", []personal.Kind{personal.Mobile}},
		{"BankAccountIsNot", "账号6222021234567890123", "账号6222021234567890123", nil},
		{"BadCheckDigitIsNot", "编号110105194912310021", "编号110105194912310021", nil},
		{"LandlineIsNot", "0871-12345678", "0871-12345678", nil},
		{"DocumentNumberIsNot", "云编督〔2026〕12号，2026-0175", "云编督〔2026〕12号，2026-0175", nil},
		{"TwelveDigitsIsNot", "138123456789", "138123456789", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := personal.Find(tt.text)
			if len(ms) != len(tt.kinds) {
				t.Fatalf("Find(%q) = %+v, want kinds %v", tt.text, ms, tt.kinds)
			}
			for i, m := range ms {
				if m.Kind != tt.kinds[i] {
					t.Errorf("match %d: %s, want %s", i, m.Kind, tt.kinds[i])
				}
			}
			if got := personal.Mask(tt.text); got != tt.masked {
				t.Errorf("Mask(%q) = %q, want %q", tt.text, got, tt.masked)
			}
		})
	}
}

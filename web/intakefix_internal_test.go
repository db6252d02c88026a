package web

import "testing"

// TestCaptchasOneAddressCannotFlushAnother: however many challenges one
// address draws, another address's pending challenge stays answerable;
// the drawing address keeps only its newest few.
func TestCaptchasOneAddressCannotFlushAnother(t *testing.T) {
	cs := newCaptchas()
	mine := cs.New("192.0.2.7")
	var flood []string
	for range captchaPerAddress * 50 {
		flood = append(flood, cs.New("198.51.100.1"))
	}
	if _, ok := cs.digits(mine); !ok {
		t.Fatal("another address's flood evicted a pending challenge")
	}
	if _, ok := cs.digits(flood[0]); ok {
		t.Error("the flooding address keeps its oldest challenge")
	}
	if _, ok := cs.digits(flood[len(flood)-1]); !ok {
		t.Error("the flooding address lost its newest challenge")
	}
	if n := len(cs.m); n != captchaPerAddress+1 {
		t.Errorf("%d challenges outstanding, want %d", n, captchaPerAddress+1)
	}
}

func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{"192.0.2.7": "192.0.2.7", "2001:db8:1:2:3:4:5:6": "2001:db8:1:2::", "x": "x"} {
		if got := addressKey(in); got != want {
			t.Errorf("addressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestASCIIName(t *testing.T) {
	for in, want := range map[string]string{
		"云编督〔2026〕12号.pdf": "2026-12.pdf", "feedback-2026-0002.pdf": "feedback-2026-0002.pdf",
		"问题整改台账.xlsx": "download.xlsx", "2026-0001 报告.docx": "2026-0001.docx", "无扩展名": "download",
	} {
		if got := asciiName(in); got != want {
			t.Errorf("asciiName(%q) = %q, want %q", in, got, want)
		}
	}
}

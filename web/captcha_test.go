package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"testing"
)

// luminance is a colour's relative luminance (WCAG 2).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of c against white.
func contrast(c color.Color) float64 { return 1.05 / (luminance(c) + 0.05) }

// TestCaptchaImageIsLegible fetches challenge images as the public form
// shows them: larger (240×100, digits about 50 px high where 200×70 drew
// them 36 px high), in dark ink on opaque white, with the noise circles
// faint, so that a careful reader reads them at the first try (one in two
// failed on the old image); the audio challenge stays.
func TestCaptchaImageIsLegible(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 5; i++ {
		id, _ := captchaOf(t, e.srv.URL, e.Server)
		r := e.req("GET", "/report/captcha/"+id, "", "", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("image: %d", r.Status)
		}
		img, err := png.Decode(bytes.NewReader([]byte(r.Raw)))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() < 240 || b.Dy() < 100 {
			t.Errorf("the image is %d×%d, want at least 240×100", b.Dx(), b.Dy())
		}
		p, ok := img.(*image.Paletted)
		if !ok {
			t.Fatalf("a %T, want the captcha's paletted image", img)
		}
		// Index 1 is the ink of the digits; index 0 the background; the
		// rest the noise circles.
		if c := contrast(p.Palette[1]); c < 7 {
			t.Errorf("the digits' ink has contrast %.1f against white, want at least 7", c)
		}
		if _, _, _, a := p.Palette[0].RGBA(); a != 0xffff || contrast(p.Palette[0]) > 1.01 {
			t.Errorf("the background is %v, want opaque white", p.Palette[0])
		}
		for j, c := range p.Palette[2:] {
			if contrast(c) > 1.6 {
				t.Errorf("noise colour %d has contrast %.1f against white, want at most 1.6 (faint beside the digits)", j+2, contrast(c))
			}
		}
		if a := e.req("GET", "/report/captcha/"+id+"/audio", "", "", nil); a.Status != http.StatusOK || a.Header.Get("Content-Type") != "audio/wav" {
			t.Errorf("audio challenge: %d %s", a.Status, a.Header.Get("Content-Type"))
		}
	}
}

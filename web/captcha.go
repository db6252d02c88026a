package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"image"
	"image/color"
	"slices"
	"sync"
	"time"

	"github.com/dchest/captcha"
)

// The public report form's challenge: digits drawn in a distorted image by
// github.com/dchest/captcha, served from its own URL (no script, no inline
// image), answered once. Challenges live in this process's memory: behind
// several servers, the form and its answer must reach the same one.
const (
	captchaDigits = 5
	captchaTTL    = 15 * time.Minute
	captchaMax    = 100000 // more outstanding challenges evict the oldest
	// captchaPerAddress bounds one address's outstanding challenges: more
	// evict that address's oldest, never another's.
	captchaPerAddress = 10
	// captchaWidth and captchaHeight give the digits about 50 px of
	// height (200×70 gave 36) while keeping the library's fine strokes,
	// whose strike-through thickens with the dots' size.
	captchaWidth   = 240
	captchaHeight  = 100
	captchaIDBytes = 16
)

type captchaEntry struct {
	digits []byte
	exp    time.Time
}

// captchas holds the outstanding challenges.
type captchas struct {
	mu    sync.Mutex
	m     map[string]captchaEntry
	order []string
	// by lists each address's challenges, oldest first (some perhaps
	// spent already).
	by map[string][]string
}

func newCaptchas() *captchas {
	return &captchas{m: map[string]captchaEntry{}, by: map[string][]string{}}
}

// New makes a challenge for a client at address (addressKey) and returns
// its ID.
func (cs *captchas) New(address string) string {
	b := make([]byte, captchaIDBytes)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	now := time.Now()
	for len(cs.order) > 0 && (len(cs.m) >= captchaMax || cs.m[cs.order[0]].exp.Before(now)) {
		delete(cs.m, cs.order[0])
		cs.order = cs.order[1:]
	}
	mine := cs.by[address][:0]
	for _, o := range cs.by[address] {
		if _, ok := cs.m[o]; ok {
			mine = append(mine, o)
		}
	}
	for len(mine) >= captchaPerAddress {
		delete(cs.m, mine[0])
		mine = mine[1:]
	}
	cs.by[address] = append(mine, id)
	if len(cs.by) > captchaMax {
		// Addresses whose challenges are all gone.
		for a, ids := range cs.by {
			if !slices.ContainsFunc(ids, func(o string) bool { _, ok := cs.m[o]; return ok }) {
				delete(cs.by, a)
			}
		}
	}
	cs.m[id] = captchaEntry{digits: captcha.RandomDigits(captchaDigits), exp: now.Add(captchaTTL)}
	cs.order = append(cs.order, id)
	return id
}

// digits returns a live challenge's digits.
func (cs *captchas) digits(id string) ([]byte, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	e, ok := cs.m[id]
	if !ok || e.exp.Before(time.Now()) {
		return nil, false
	}
	return e.digits, true
}

// Solve checks an answer and spends the challenge whatever the answer: a
// wrong guess needs a new image.
func (cs *captchas) Solve(id, answer string) bool {
	cs.mu.Lock()
	e, ok := cs.m[id]
	delete(cs.m, id)
	cs.mu.Unlock()
	if !ok || e.exp.Before(time.Now()) || len(answer) != len(e.digits) {
		return false
	}
	want := make([]byte, len(e.digits))
	for i, d := range e.digits {
		want[i] = '0' + d
	}
	return subtle.ConstantTimeCompare(want, []byte(answer)) == 1
}

// legible recolours a challenge image drawn by the captcha library, whose
// palette is: 0 the (transparent) background, 1 the ink of the digits and
// of the line struck through them, the rest the noise circles, in random
// shades of the ink. A careful reader failed one image in two: the ink is
// darkened to at least 7:1 against white, the background made opaque
// white, and the circles faded to a sixth of their strength, so that
// they no longer pass for strokes of a digit.
func legible(m *image.Paletted) {
	if len(m.Palette) < 2 {
		return
	}
	m.Palette[0] = color.White
	shade := func(c color.Color, f func(uint8) uint8) color.Color {
		r, g, b, _ := c.RGBA()
		return color.RGBA{f(uint8(r >> 8)), f(uint8(g >> 8)), f(uint8(b >> 8)), 0xff}
	}
	// The library's ink is up to 128 a channel; two fifths of it is dark.
	m.Palette[1] = shade(m.Palette[1], func(v uint8) uint8 { return uint8(uint(v) * 2 / 5) })
	for i := 2; i < len(m.Palette); i++ {
		m.Palette[i] = shade(m.Palette[i], func(v uint8) uint8 { return 255 - uint8(uint(255-v)/6) })
	}
}

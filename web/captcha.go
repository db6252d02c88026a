package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
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
	captchaWidth      = 200
	captchaHeight     = 70
	captchaIDBytes    = 16
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

package access

import "time"

// Lockout rules: after Threshold failed logins within Window, each further
// attempt must wait Base·2^(failures−Threshold), at most Max.
type Lockout struct {
	Threshold int
	Window    time.Duration
	Base      time.Duration
	Max       time.Duration
}

// AccountLockout applies to one login name; AddressLockout to one client
// address, which tries many names.
var (
	AccountLockout = Lockout{Threshold: 5, Window: time.Hour, Base: 30 * time.Second, Max: 15 * time.Minute}
	AddressLockout = Lockout{Threshold: 20, Window: time.Hour, Base: 30 * time.Second, Max: 15 * time.Minute}
)

// Wait returns how long a new attempt must still wait, given the number of
// recent failures and the time of the last one.
func (l Lockout) Wait(failures int, last, now time.Time) time.Duration {
	if failures < l.Threshold {
		return 0
	}
	d := l.Base
	for i := l.Threshold; i < failures && d < l.Max; i++ {
		d *= 2
	}
	d = min(d, l.Max)
	if left := last.Add(d).Sub(now); left > 0 {
		return left
	}
	return 0
}

// Session lifetimes.
const (
	SessionIdle     = 30 * time.Minute
	SessionAbsolute = 12 * time.Hour
)

package cases

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each to one HTTP status.
const (
	EINVALID      = "invalid"         // bad input; Field names the offending field
	ENOTFOUND     = "not_found"       // the thing asked for does not exist
	ECONFLICT     = "conflict"        // a concurrent or stale write lost
	EREFUSED      = "refused"         // a rule refuses the request; Rule names it
	EUNAUTHORIZED = "unauthenticated" // the caller is not (or no longer) authenticated
	EFORBIDDEN    = "forbidden"       // authenticated, but the route is not for this role
	ETOOMANY      = "too_many"        // locked out or rate-limited; retry later
	EUNAVAILABLE  = "unavailable"     // a storage service cannot be reached; retry later
	ECORRUPT      = "corrupt"         // stored data failed its integrity check; Message names it
	EINTERNAL     = "internal"        // anything else; the message is not shown to users
)

// Error is a domain error with a code, a message safe to show to users, and
// optionally the input field or the rule it concerns.
type Error struct {
	Code    string
	Message string
	Field   string
	Rule    string
	Row     int // for file imports: the 1-based row of the file, header included
	// RetryAfter is, for ETOOMANY, how many seconds to wait.
	RetryAfter int
}

// Error implements error.
func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	if e.Rule != "" {
		s += " (rule " + e.Rule + ")"
	}
	return s
}

// Invalid reports bad input in field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports a missing thing.
func NotFound(format string, args ...any) *Error {
	return &Error{Code: ENOTFOUND, Message: fmt.Sprintf(format, args...)}
}

// Conflict reports a lost race or a stale expectation.
func Conflict(format string, args ...any) *Error {
	return &Error{Code: ECONFLICT, Message: fmt.Sprintf(format, args...)}
}

// Refused reports that rule forbids the request.
func Refused(rule, format string, args ...any) *Error {
	return &Error{Code: EREFUSED, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns the first *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

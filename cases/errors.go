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
	// Fields lists, for EINVALID, every bad or missing field of the
	// request, so that a form can show them all at once; the first is the
	// one Field and Message name.
	Fields []FieldError
}

// FieldError is one bad or missing input field and what is wrong with it.
type FieldError struct {
	Field   string
	Message string
}

// FieldErrors collects the field errors of one request.
type FieldErrors []FieldError

// Add records err if it is an EINVALID error naming a field (the errors a
// check of one field returns), with the fields it lists, and reports
// whether it was one; any other non-nil error is not recorded and must be
// returned by the caller as it is.
func (fe *FieldErrors) Add(err error) bool {
	e, ok := AsError(err)
	if err == nil || !ok || e.Code != EINVALID || e.Field == "" {
		return err == nil
	}
	if len(e.Fields) > 0 {
		*fe = append(*fe, e.Fields...)
	} else {
		*fe = append(*fe, FieldError{Field: e.Field, Message: e.Message})
	}
	return true
}

// Err returns nil when nothing was recorded, and otherwise one EINVALID
// error naming the first field and listing all of them.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Field: fe[0].Field, Message: fe[0].Message, Fields: append([]FieldError(nil), fe...)}
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

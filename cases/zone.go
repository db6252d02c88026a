package cases

import "time"

// Dates a person reads are the office's dates: a case closed at 00:30 in
// Beijing was closed that day, not the day before as UTC has it. Every
// date the product shows or prints goes through Day or DayTime with the
// office's zone (Service.Location, from RECTIFY_TIMEZONE), never through
// Format on a time as it came from the database.

// Day is t's calendar date in loc, YYYY-MM-DD; "" for the zero time. A nil
// loc is the default office zone (UTC+8).
func Day(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zoneOr(loc)).Format(time.DateOnly)
}

// DayTime is t's date and time to the minute in loc, YYYY-MM-DD HH:MM; ""
// for the zero time. A nil loc is the default office zone (UTC+8).
func DayTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zoneOr(loc)).Format("2006-01-02 15:04")
}

// defaultZone is the office's zone when none is configured: China
// Standard Time, fixed, so that it needs no time-zone database.
var defaultZone = time.FixedZone("CST", 8*3600)

func zoneOr(loc *time.Location) *time.Location {
	if loc == nil {
		return defaultZone
	}
	return loc
}

// Location is the office's time zone, in which dates are shown and the
// ledger's years counted.
func (s *Service) Location() *time.Location { return s.loc }

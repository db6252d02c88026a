// Package calendar is the working-day calendar of mainland China: weekends,
// public holidays and the weekend days made into workdays (调休), as
// published each year by the General Office of the State Council. Deadlines
// such as "15 working days" are counted with it.
package calendar

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
)

//go:embed cn-workdays.json
var builtin []byte

// Year is one year's published arrangement.
type Year struct {
	Status   string   `json:"status"` // official, or provisional until the notice is out
	Source   string   `json:"source"`
	Holidays []string `json:"holidays"` // days off that would otherwise be working days, or fall on weekends
	Workdays []string `json:"workdays"` // weekend days that are working days
}

// File is the calendar's data file.
type File struct {
	Version string          `json:"version"`
	Years   map[string]Year `json:"years"`
}

// Calendar answers working-day questions for the years it covers.
type Calendar struct {
	Version     string
	years       map[int]Year
	off, on     map[string]bool
	first, last int
}

// Builtin returns the calendar shipped with the binary.
func Builtin() (*Calendar, error) { return Parse(builtin) }

// Parse reads and validates a calendar file.
func Parse(b []byte) (*Calendar, error) {
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	c := &Calendar{Version: f.Version, years: map[int]Year{}, off: map[string]bool{}, on: map[string]bool{}}
	for ys, y := range f.Years {
		year, err := strconv.Atoi(ys)
		if err != nil || year < 2000 || year > 2999 {
			return nil, fmt.Errorf("calendar: bad year %q", ys)
		}
		if y.Status != "official" && y.Status != "provisional" {
			return nil, fmt.Errorf("calendar %d: status must be official or provisional", year)
		}
		for _, d := range y.Holidays {
			t, err := dayIn(d, year)
			if err != nil {
				return nil, fmt.Errorf("calendar %d holidays: %w", year, err)
			}
			if c.off[d] {
				return nil, fmt.Errorf("calendar %d: holiday %s listed twice", year, d)
			}
			_ = t
			c.off[d] = true
		}
		for _, d := range y.Workdays {
			t, err := dayIn(d, year)
			if err != nil {
				return nil, fmt.Errorf("calendar %d workdays: %w", year, err)
			}
			if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
				return nil, fmt.Errorf("calendar %d: make-up workday %s is not a weekend day", year, d)
			}
			if c.off[d] || c.on[d] {
				return nil, fmt.Errorf("calendar %d: %s is listed twice", year, d)
			}
			c.on[d] = true
		}
		c.years[year] = y
	}
	if len(c.years) == 0 {
		return nil, fmt.Errorf("calendar: no years")
	}
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	for i := 1; i < len(ys); i++ {
		if ys[i] != ys[i-1]+1 {
			return nil, fmt.Errorf("calendar: years %d and %d are not consecutive", ys[i-1], ys[i])
		}
	}
	c.first, c.last = ys[0], ys[len(ys)-1]
	return c, nil
}

func dayIn(d string, year int) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return t, fmt.Errorf("%q is not a date (YYYY-MM-DD)", d)
	}
	if t.Year() != year {
		return t, fmt.Errorf("%s is not in %d", d, year)
	}
	return t, nil
}

// Covers returns the first and last year the calendar knows.
func (c *Calendar) Covers() (first, last int) { return c.first, c.last }

// Status returns whether year's arrangement is official or provisional.
func (c *Calendar) Status(year int) string { return c.years[year].Status }

// IsWorkingDay reports whether date (YYYY-MM-DD) is a working day.
func (c *Calendar) IsWorkingDay(date string) (bool, error) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return false, fmt.Errorf("「%s」不是有效日期（应为 YYYY-MM-DD）", date)
	}
	return c.isWorking(t)
}

func (c *Calendar) isWorking(t time.Time) (bool, error) {
	if t.Year() < c.first || t.Year() > c.last {
		return false, fmt.Errorf("工作日历只包含 %d—%d 年，不含 %s", c.first, c.last, t.Format(time.DateOnly))
	}
	d := t.Format(time.DateOnly)
	switch {
	case c.on[d]:
		return true, nil
	case c.off[d]:
		return false, nil
	default:
		wd := t.Weekday()
		return wd != time.Saturday && wd != time.Sunday, nil
	}
}

// AddWorkingDays returns the n-th working day after date (date itself is
// not counted): a notice dated Friday with 1 working day is due Monday.
func (c *Calendar) AddWorkingDays(date string, n int) (string, error) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return "", fmt.Errorf("「%s」不是有效日期（应为 YYYY-MM-DD）", date)
	}
	if n < 0 {
		return "", fmt.Errorf("工作日数不能为负数")
	}
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		ok, err := c.isWorking(t)
		if err != nil {
			return "", err
		}
		if ok {
			n--
		}
	}
	return t.Format(time.DateOnly), nil
}

// WorkingDaysBetween counts the working days after from up to and including to.
func (c *Calendar) WorkingDaysBetween(from, to string) (int, error) {
	a, err1 := time.Parse(time.DateOnly, from)
	b, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("日期应为 YYYY-MM-DD 格式")
	}
	n := 0
	for a.Before(b) {
		a = a.AddDate(0, 0, 1)
		ok, err := c.isWorking(a)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

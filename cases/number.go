package cases

import (
	"fmt"
	"strconv"
	"strings"
)

// FormatNo returns the ledger number of the ordinal-th case of year, e.g.
// 2026-0001. Ordinals past 9999 simply grow wider; sorting uses the ordinal.
func FormatNo(year, ordinal int) string {
	return fmt.Sprintf("%d-%04d", year, ordinal)
}

// ParseNo splits a ledger number into its year and ordinal.
func ParseNo(no string) (year, ordinal int, err error) {
	y, o, ok := strings.Cut(no, "-")
	if !ok || len(y) != 4 || len(o) < 4 {
		return 0, 0, Invalid("no", "台账编号「%s」格式不对，应为年份加四位序号，如 2026-0001", no)
	}
	year, err1 := strconv.Atoi(y)
	ordinal, err2 := strconv.Atoi(o)
	if err1 != nil || err2 != nil || year < 2000 || year > 2999 || ordinal < 1 || FormatNo(year, ordinal) != no {
		return 0, 0, Invalid("no", "台账编号「%s」格式不对，应为年份加四位序号，如 2026-0001", no)
	}
	return year, ordinal, nil
}

package roster

import "time"

// Retirement ages: the gradual reform (全国人民代表大会常务委员会关于实施
// 渐进式延迟法定退休年龄的决定, 2024-09-13, in force 2025-01-01). Before
// it, the statutory ages were 60 for men, 55 for women cadres and 50 for
// women workers. From January 2025 they rise by one month for every four
// months of birth (men, women cadres) or every two (women workers) until
// they reach 63, 58 and 55:
//
//	group          old  step         first raised birth   new   reached by birth
//	men            60   +1m / 4m     1965-01 (60y1m)       63    1976-09 and later
//	women cadres   55   +1m / 4m     1970-01 (55y1m)       58    1981-09 and later
//	women workers  50   +1m / 2m     1975-01 (50y1m)       55    1984-11 and later
//
// In months: a person whose old retirement month (birth month + old age)
// falls before 2025-01 retires at the old age; otherwise the delay is
// (old retirement month − 2025-01) ÷ step + 1 months, at most 36 (men,
// women cadres) or 60 (women workers). The roster does not say who is a
// cadre (干部) and who a worker (工人): women on 工勤编制 are taken as
// workers, every other woman as a cadre. Flexible early or late retirement
// by choice (弹性退休) is not modelled: the rule is the statutory age.

// retirementGroup is one row of the table.
type retirementGroup struct {
	oldYears, step, maxDelay int
}

var (
	men          = retirementGroup{60, 4, 36}
	womenCadres  = retirementGroup{55, 4, 36}
	womenWorkers = retirementGroup{50, 2, 60}
)

// reformStart is 2025-01 as a month count (year×12 + month−1).
const reformStart = 2025*12 + 0

// RetirementAgeMonths is the statutory retirement age in months of a person
// born in the given year and month, by sex and establishment type.
func RetirementAgeMonths(birthYear int, birthMonth time.Month, sex, establishmentType string) int {
	g := men
	if sex == Female {
		g = womenCadres
		if establishmentType == "工勤编制" {
			g = womenWorkers
		}
	}
	old := g.oldYears * 12
	oldMonth := birthYear*12 + int(birthMonth) - 1 + old
	if oldMonth < reformStart {
		return old
	}
	return old + min((oldMonth-reformStart)/g.step+1, g.maxDelay)
}

// RetirementDate is the day a person born on birth (YYYY-MM-DD) reaches
// the statutory retirement age: the same day of the month the age in
// months later (the month's last day when it is shorter).
func RetirementDate(birth, sex, establishmentType string) string {
	b := date(birth)
	if b.IsZero() {
		return ""
	}
	months := RetirementAgeMonths(b.Year(), b.Month(), sex, establishmentType)
	first := time.Date(b.Year(), b.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, months, 0)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(b.Day(), last), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// AgeLabel writes an age in months as 60岁 or 60岁3个月.
func AgeLabel(months int) string {
	if months%12 == 0 {
		return itoa(months/12) + "岁"
	}
	return itoa(months/12) + "岁" + itoa(months%12) + "个月"
}

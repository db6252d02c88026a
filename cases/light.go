package cases

// Light is the derived warning colour of a case (红绿灯预警).
type Light string

// The lights. A case that is off the books has no light.
const (
	LightNone   Light = ""
	LightGreen  Light = "green"
	LightYellow Light = "yellow"
	LightRed    Light = "red"
)

// Valid reports whether l names a light (the empty light is not selectable).
func (l Light) Valid() bool { return l == LightGreen || l == LightYellow || l == LightRed }

// YellowDays is how many working days before the deadline a case turns yellow.
const YellowDays = 5

// LightOf derives the light of c on date today (YYYY-MM-DD). yellowUntil is
// the date YellowDays working days after today. Red: the deadline has passed
// and the case is not closed; yellow: the deadline falls within yellowUntil;
// green: any other open case. A submitted case (and one confirmed, awaiting
// approval) has handed the work back to the office, so its light is frozen
// at submission: red if the unit reported
// after the deadline, green otherwise (the office's own delay does not make
// the unit overdue, and must not suspend its applications).
func LightOf(c Case, today, yellowUntil string) Light {
	switch {
	case !c.State.Open():
		return LightNone
	case (c.State == StateSubmitted || c.State == StateConfirmed) && c.SubmittedLate:
		return LightRed
	case c.State == StateSubmitted || c.State == StateConfirmed:
		return LightGreen
	case c.Deadline == "":
		return LightGreen
	case c.Deadline < today:
		return LightRed
	case c.Deadline <= yellowUntil:
		return LightYellow
	default:
		return LightGreen
	}
}

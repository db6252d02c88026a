package cases

import "strings"

// Scope limits what a viewer may see: a region node and everything under it
// (三级联网, 分级授权), and optionally only some units (a unit liaison's own
// unit, a patrol team's assigned units). Store list queries apply it inside
// the query, so a list can never hold a case outside it; single reads check
// it and answer "not found", so a case outside the scope is not revealed.
type Scope struct {
	// Global sees everything: command-line tools and the demo loader only.
	Global bool
	// Region is a region key such as 江南省/云州市.
	Region string
	// Units, when not nil, restricts to these unit codes (possibly none).
	Units []string
}

// GlobalScope sees everything.
var GlobalScope = Scope{Global: true}

// Valid reports whether the scope says what it allows (an empty scope is a
// programming error, never "everything").
func (s Scope) Valid() bool { return s.Global || s.Region != "" }

// AllowsRegion reports whether a region path lies within the scope's region.
func (s Scope) AllowsRegion(path []string) bool {
	if s.Global {
		return true
	}
	key := RegionKey(path)
	return key == s.Region || strings.HasPrefix(key, s.Region+"/")
}

// AllowsUnit reports whether the unit is visible.
func (s Scope) AllowsUnit(u Unit) bool { return s.allows(u.Code, u.Region) }

// AllowsCase reports whether the case is visible.
func (s Scope) AllowsCase(c Case) bool { return s.allows(c.UnitCode, c.Region) }

func (s Scope) allows(code string, region []string) bool {
	if !s.Valid() || !s.AllowsRegion(region) {
		return false
	}
	return s.Units == nil || contains(s.Units, code)
}

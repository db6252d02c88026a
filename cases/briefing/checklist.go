package briefing

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed checklist.json
var builtinChecklist []byte

// Checklist is the inspection checklist (检查事项清单) of seed 002: five
// key areas and the problem manifestations under them, each tied to the
// ledger's violation kinds, the red-light warning rules and other signals
// in the data that point to it.
type Checklist struct {
	Version string `json:"version"`
	Source  string `json:"source"`
	Areas   []Area `json:"areas"`
	Items   []Item `json:"items"`
}

// Area is a key inspection area (重点督查内容).
type Area struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Item is one problem manifestation (问题表现形式).
type Item struct {
	Code string `json:"code"`
	Area string `json:"area"`
	Text string `json:"text"`
	// Kinds are violation kinds of cases/catalog whose cases point here.
	Kinds []string `json:"kinds,omitempty"`
	// Rules are red-light warning rules whose warnings point here.
	Rules []string `json:"rules,omitempty"`
	// Signals are other facts that point here: overdue (overdue cases of
	// any kind), repeat (repeat cases), referred (patrol and audit
	// referrals), hotline (12310 reports), assessment (the last
	// assessment's weak categories and its findings).
	Signals []string `json:"signals,omitempty"`
}

// Signals a checklist item may name.
var knownSignals = map[string]bool{"overdue": true, "repeat": true, "referred": true, "hotline": true, "assessment": true}

// BuiltinChecklist returns the checklist shipped with the product,
// checking its violation kinds with hasKind (the catalog's) when given.
func BuiltinChecklist(hasKind func(string) bool) (*Checklist, error) {
	return ParseChecklist(builtinChecklist, hasKind)
}

// ParseChecklist reads a checklist and checks it: every item in a known
// area, codes unique, signals known, and, when hasKind is given, every
// violation kind in the catalog.
func ParseChecklist(b []byte, hasKind func(string) bool) (*Checklist, error) {
	var c Checklist
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("parse checklist: %w", err)
	}
	areas := map[string]bool{}
	for _, a := range c.Areas {
		areas[a.Code] = true
	}
	seen := map[string]bool{}
	for _, it := range c.Items {
		switch {
		case seen[it.Code]:
			return nil, fmt.Errorf("checklist %s: item %s twice", c.Version, it.Code)
		case !areas[it.Area]:
			return nil, fmt.Errorf("checklist %s: item %s in unknown area %q", c.Version, it.Code, it.Area)
		case len(it.Kinds)+len(it.Rules)+len(it.Signals) == 0:
			return nil, fmt.Errorf("checklist %s: item %s points to nothing in the data", c.Version, it.Code)
		}
		seen[it.Code] = true
		for _, s := range it.Signals {
			if !knownSignals[s] {
				return nil, fmt.Errorf("checklist %s: item %s: unknown signal %q", c.Version, it.Code, s)
			}
		}
		for _, k := range it.Kinds {
			if hasKind != nil && !hasKind(k) {
				return nil, fmt.Errorf("checklist %s: item %s: unknown violation kind %q", c.Version, it.Code, k)
			}
		}
	}
	return &c, nil
}

// AreaName is the name of an area by code.
func (c *Checklist) AreaName(code string) string {
	for _, a := range c.Areas {
		if a.Code == code {
			return a.Name
		}
	}
	return code
}

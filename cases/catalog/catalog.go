// Package catalog holds the reference lists the ledger classifies cases by:
// where cases come from (sources) and what was violated (violation kinds, in
// the five classes of seed 002). The lists are versioned data files embedded
// in the binary and validated when loaded.
package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
)

//go:embed catalog.json
var builtin []byte

// Source is where a case comes from.
type Source struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	RefLabel string `json:"ref_label"` // what the source's own reference is called
	RefNeed  bool   `json:"ref_required"`
	Basis    string `json:"basis"`
}

// Class is a class of violations.
type Class struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Kind is one violation kind (问题类型).
type Kind struct {
	Code  string `json:"code"`
	Class string `json:"class"`
	Name  string `json:"name"`
	Basis string `json:"basis"` // where the seeds name it
}

// Catalog is the loaded, validated reference lists.
type Catalog struct {
	Version string   `json:"version"`
	Sources []Source `json:"sources"`
	Classes []Class  `json:"classes"`
	Kinds   []Kind   `json:"violation_kinds"`

	sources map[string]Source
	kinds   map[string]Kind
}

// Builtin returns the catalogue shipped with the binary.
func Builtin() (*Catalog, error) { return Parse(builtin) }

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$|^[A-Z][0-9]{2}$`)

// Parse reads and validates a catalogue: unique codes, every kind in a known
// class, names present.
func Parse(b []byte) (*Catalog, error) {
	var c Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c.sources, c.kinds = map[string]Source{}, map[string]Kind{}
	for _, s := range c.Sources {
		if !codeRE.MatchString(s.Code) || s.Name == "" || s.RefLabel == "" {
			return nil, fmt.Errorf("catalog: source %q needs a code, name and ref_label", s.Code)
		}
		if _, dup := c.sources[s.Code]; dup {
			return nil, fmt.Errorf("catalog: source %s listed twice", s.Code)
		}
		c.sources[s.Code] = s
	}
	classes := map[string]bool{}
	for _, cl := range c.Classes {
		if cl.Code == "" || cl.Name == "" || classes[cl.Code] {
			return nil, fmt.Errorf("catalog: class %q is empty or repeated", cl.Code)
		}
		classes[cl.Code] = true
	}
	for _, k := range c.Kinds {
		if !codeRE.MatchString(k.Code) || k.Name == "" || k.Basis == "" {
			return nil, fmt.Errorf("catalog: violation kind %q needs a code, name and basis", k.Code)
		}
		if !classes[k.Class] {
			return nil, fmt.Errorf("catalog: violation kind %s is in unknown class %q", k.Code, k.Class)
		}
		if _, dup := c.kinds[k.Code]; dup {
			return nil, fmt.Errorf("catalog: violation kind %s listed twice", k.Code)
		}
		c.kinds[k.Code] = k
	}
	if len(c.Sources) == 0 || len(c.Kinds) == 0 {
		return nil, fmt.Errorf("catalog: no sources or no violation kinds")
	}
	return &c, nil
}

// HasSource reports whether code is a known source.
func (c *Catalog) HasSource(code string) bool { _, ok := c.sources[code]; return ok }

// SourceNeedsRef reports whether cases from source code must carry its reference.
func (c *Catalog) SourceNeedsRef(code string) bool { return c.sources[code].RefNeed }

// HasKind reports whether code is a known violation kind.
func (c *Catalog) HasKind(code string) bool { _, ok := c.kinds[code]; return ok }

// Source returns a source by code.
func (c *Catalog) Source(code string) (Source, bool) { s, ok := c.sources[code]; return s, ok }

// Kind returns a violation kind by code.
func (c *Catalog) Kind(code string) (Kind, bool) { k, ok := c.kinds[code]; return k, ok }

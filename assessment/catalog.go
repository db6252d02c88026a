package assessment

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

//go:embed catalog/*.json
var builtinFS embed.FS

// The counts seed 002 gives for the index: 6 first-level categories, 17
// second-level and 32 third-level indicators, 11 department-specific
// indicators, 56 evaluation points in all.
const (
	WantCategories = 6
	WantSecond     = 17
	WantThird      = 32
	WantIndividual = 11
	WantPoints     = 56
	WantMaxTotal   = 100
)

// CategoryNames are the six first-level categories in the seed's order.
var CategoryNames = []string{"规定执行", "履职尽责", "管理规范", "创新创优", "机构配置效益", "内外部满意度"}

// Scoring methods of a point.
const (
	MethodLevels    = "levels"    // graded levels, each a fraction of the maximum
	MethodDeduction = "deduction" // a deduction per instance, down to a floor
	MethodYesNo     = "yesno"     // all or nothing
	MethodSurvey    = "survey"    // the satisfaction rate of a survey (0–100) times the maximum
)

// Level is one grade of a graded point.
type Level struct {
	Label    string  `json:"label"`
	Fraction float64 `json:"fraction"`
}

// KindDeduction says how much one ledger case of a violation kind deducts
// from a point: PerCase while the problem is established and open,
// PerCaseRectified once the case is closed (rectified).
type KindDeduction struct {
	Kind             string  `json:"kind"`
	PerCase          float64 `json:"per_case"`
	PerCaseRectified float64 `json:"per_case_rectified"`
}

// Point is one scored evaluation point (评估要点), a leaf of the index.
type Point struct {
	Code     string          `json:"code"`
	Name     string          `json:"name"`
	Checks   string          `json:"checks"` // what the reviewer checks
	Max      float64         `json:"max"`
	Method   string          `json:"method"`
	Levels   []Level         `json:"levels,omitempty"`
	Per      float64         `json:"per_instance,omitempty"`
	Floor    float64         `json:"floor,omitempty"`
	Kinds    []KindDeduction `json:"violation_kinds,omitempty"`
	Evidence string          `json:"evidence"`

	// Category is the first-level category's code, filled in on loading.
	Category string `json:"-"`
	// Individual marks a department-specific (个性) point.
	Individual bool `json:"-"`
}

// Indicator is a second- or third-level indicator; third-level indicators
// hold the points.
type Indicator struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Indicators []Indicator `json:"indicators,omitempty"`
	Points     []Point     `json:"points,omitempty"`
}

// Category is a first-level category.
type Category struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Indicators []Indicator `json:"indicators"`
}

// Catalog is one year's validated index. Each assessed unit is scored on
// every common point and on the individual points chosen for it; the
// individual points share IndividualMax marks (the mean of the chosen
// points' scores, each out of IndividualMax) in IndividualCategory.
type Catalog struct {
	Version            string     `json:"version"`
	Year               int        `json:"year"`
	Title              string     `json:"title"`
	Basis              string     `json:"basis"`
	MaxTotal           float64    `json:"max_total"`
	IndividualCategory string     `json:"individual_category"`
	IndividualMax      float64    `json:"individual_max"`
	Categories         []Category `json:"categories"`
	Individual         []Point    `json:"individual"`

	points map[string]*Point
	order  []string // common point codes in catalogue order
}

// CatalogError is a catalogue refused on loading; Problems lists every
// reason, each in Chinese with the English in brackets.
type CatalogError struct {
	Version  string
	Problems []string
}

func (e *CatalogError) Error() string {
	return fmt.Sprintf("评估指标体系 %s 不能使用 (catalogue refused): %s", e.Version, strings.Join(e.Problems, "；"))
}

var pointCodeRE = regexp.MustCompile(`^[A-Z]([0-9]+(\.[0-9]+){0,2})?$|^P[0-9]{2}$`)

// ParseCatalog reads and validates a catalogue against the ledger's
// violation kinds (the codes of cases/catalog): the counts of seed 002,
// the maximum total of 100, unique well-formed codes, every scoring method
// complete, and each violation kind deducting from exactly one point.
func ParseCatalog(b []byte, kinds []string) (*Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, &CatalogError{Version: "?", Problems: []string{fmt.Sprintf("格式错误 (malformed JSON): %v", err)}}
	}
	var bad []string
	add := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if c.Version == "" || c.Year < 2000 {
		add("缺少版本或年度 (version and year required)")
	}
	c.points = map[string]*Point{}
	codes := map[string]bool{}
	code := func(cd string) {
		if !pointCodeRE.MatchString(cd) {
			add("编号 %q 格式不对 (malformed code)", cd)
		}
		if codes[cd] {
			add("编号 %s 重复 (duplicate code)", cd)
		}
		codes[cd] = true
	}
	knownKind := map[string]bool{}
	for _, k := range kinds {
		knownKind[k] = true
	}
	kindAt := map[string]string{}
	second, third, total := 0, 0, 0.0
	catCodes := map[string]bool{}
	for ci := range c.Categories {
		cat := &c.Categories[ci]
		code(cat.Code)
		catCodes[cat.Code] = true
		if ci < len(CategoryNames) && cat.Name != CategoryNames[ci] {
			add("第 %d 个一级指标应为“%s”，实为“%s” (category %d must be %s)", ci+1, CategoryNames[ci], cat.Name, ci+1, CategoryNames[ci])
		}
		for si := range cat.Indicators {
			sec := &cat.Indicators[si]
			second++
			code(sec.Code)
			if len(sec.Points) > 0 {
				add("二级指标 %s 不能直接含评估要点 (points belong to third-level indicators)", sec.Code)
			}
			for ti := range sec.Indicators {
				th := &sec.Indicators[ti]
				third++
				code(th.Code)
				if len(th.Indicators) > 0 {
					add("三级指标 %s 不能再分 (no fourth level)", th.Code)
				}
				if len(th.Points) == 0 {
					add("三级指标 %s 没有评估要点 (third-level indicator without points)", th.Code)
				}
				for pi := range th.Points {
					p := &th.Points[pi]
					p.Category = cat.Code
					code(p.Code)
					if !strings.HasPrefix(p.Code, th.Code+".") {
						add("评估要点 %s 不在三级指标 %s 之下 (code must extend its indicator's)", p.Code, th.Code)
					}
					for _, msg := range checkPoint(p) {
						add("评估要点 %s：%s", p.Code, msg)
					}
					for _, kd := range p.Kinds {
						if !knownKind[kd.Kind] {
							add("评估要点 %s 引用了未知的违规情形 %s (unknown violation kind)", p.Code, kd.Kind)
						} else if at, dup := kindAt[kd.Kind]; dup {
							add("违规情形 %s 同时在 %s 和 %s 扣分 (kind deducts twice)", kd.Kind, at, p.Code)
						}
						kindAt[kd.Kind] = p.Code
						if cat.Name != "规定执行" {
							add("评估要点 %s：只有“规定执行”的要点按台账违规情形扣分 (ledger deductions only under 规定执行)", p.Code)
						}
						if kd.PerCase <= 0 || kd.PerCaseRectified < 0 || kd.PerCaseRectified > kd.PerCase {
							add("评估要点 %s：违规情形 %s 的扣分须为正数，整改后扣分不大于整改前 (per_case > 0, 0 ≤ per_case_rectified ≤ per_case)", p.Code, kd.Kind)
						}
					}
					total += p.Max
					c.points[p.Code] = p
					c.order = append(c.order, p.Code)
				}
			}
		}
	}
	for _, k := range kinds {
		if _, ok := kindAt[k]; !ok {
			add("违规情形 %s 没有对应的评估要点 (violation kind not covered)", k)
		}
	}
	for i := range c.Individual {
		p := &c.Individual[i]
		p.Individual, p.Category = true, c.IndividualCategory
		code(p.Code)
		if !strings.HasPrefix(p.Code, "P") {
			add("个性指标 %s 的编号须以 P 开头 (individual codes start with P)", p.Code)
		}
		if p.Max != c.IndividualMax {
			add("个性指标 %s 的分值须为 %g (individual points are each out of individual_max)", p.Code, c.IndividualMax)
		}
		if len(p.Kinds) > 0 {
			add("个性指标 %s 不按台账扣分 (no ledger deductions on individual points)", p.Code)
		}
		for _, msg := range checkPoint(p) {
			add("个性指标 %s：%s", p.Code, msg)
		}
		c.points[p.Code] = p
	}
	if !catCodes[c.IndividualCategory] {
		add("个性指标所属一级指标 %q 不存在 (individual_category unknown)", c.IndividualCategory)
	}
	counts := []struct {
		what      string
		en        string
		want, got int
	}{
		{"一级指标", "first-level categories", WantCategories, len(c.Categories)},
		{"二级指标", "second-level indicators", WantSecond, second},
		{"三级指标", "third-level indicators", WantThird, third},
		{"个性指标", "individual indicators", WantIndividual, len(c.Individual)},
		{"评估要点", "evaluation points", WantPoints, len(c.order) + len(c.Individual)},
	}
	for _, n := range counts {
		if n.got != n.want {
			add("%s应为 %d 个，实有 %d 个 (%s: want %d, got %d)", n.what, n.want, n.got, n.en, n.want, n.got)
		}
	}
	total += c.IndividualMax
	if c.MaxTotal != WantMaxTotal || math.Abs(total-c.MaxTotal) > 1e-9 {
		add("满分应为 %d 分，各要点分值与个性指标分值合计 %g 分 (maximum total: want %d, points sum to %g)", WantMaxTotal, total, WantMaxTotal, total)
	}
	if len(bad) > 0 {
		return nil, &CatalogError{Version: c.Version, Problems: bad}
	}
	return &c, nil
}

// checkPoint returns what is wrong with one point's fields and method.
func checkPoint(p *Point) []string {
	var bad []string
	if strings.TrimSpace(p.Name) == "" || strings.TrimSpace(p.Checks) == "" || strings.TrimSpace(p.Evidence) == "" {
		bad = append(bad, "名称、评估内容和佐证材料不能为空 (name, checks and evidence required)")
	}
	if p.Max <= 0 {
		bad = append(bad, "分值须大于 0 (max must be positive)")
	}
	switch p.Method {
	case MethodLevels:
		if len(p.Levels) < 2 {
			bad = append(bad, "分档评分须至少两档 (levels: at least two)")
		}
		for _, l := range p.Levels {
			if l.Label == "" || l.Fraction < 0 || l.Fraction > 1 {
				bad = append(bad, "每档须有名称，得分比例在 0 到 1 之间 (level label and fraction 0..1)")
				break
			}
		}
	case MethodDeduction:
		if p.Per <= 0 || p.Floor < 0 || p.Floor >= p.Max {
			bad = append(bad, "扣分制须有每次扣分，保底分不小于 0 且小于分值 (per_instance > 0, 0 ≤ floor < max)")
		}
	case MethodYesNo, MethodSurvey:
	default:
		bad = append(bad, fmt.Sprintf("评分方法 %q 未知 (unknown method)", p.Method))
	}
	if p.Method != MethodDeduction && len(p.Kinds) > 0 {
		bad = append(bad, "按台账扣分的要点须用扣分制 (ledger deductions need the deduction method)")
	}
	return bad
}

// LoadCatalog returns the built-in catalogue of a version (e.g. "2026").
func LoadCatalog(version string, kinds []string) (*Catalog, error) {
	b, err := builtinFS.ReadFile("catalog/" + version + ".json")
	if err != nil {
		return nil, fmt.Errorf("评估指标体系 %s 不存在 (no such catalogue version)", version)
	}
	c, err := ParseCatalog(b, kinds)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(c, version); err != nil {
		return nil, err
	}
	return c, nil
}

// checkVersion refuses a catalogue file whose version or year is not its
// file's name: a year's file copied from the last and left with the old
// version or year would freeze the wrong catalogue under a round.
func checkVersion(c *Catalog, version string) error {
	if c.Version != version || strconv.Itoa(c.Year) != version {
		return &CatalogError{Version: version, Problems: []string{fmt.Sprintf("文件 %s.json 的版本为 %s、年度为 %d，应与文件名一致 (version and year must match the file name)", version, c.Version, c.Year)}}
	}
	return nil
}

// CatalogVersions lists the built-in catalogue versions, oldest first.
func CatalogVersions() []string {
	ents, _ := builtinFS.ReadDir("catalog")
	var vs []string
	for _, e := range ents {
		vs = append(vs, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(vs)
	return vs
}

// BasisText is Basis as a reader is shown it: without the reference to the
// seed text it was written from ("seed 002: "), which is for developers.
func (c *Catalog) BasisText() string {
	b := c.Basis
	if strings.HasPrefix(b, "seed ") {
		if i := strings.Index(b, ": "); i > 0 {
			b = b[i+2:]
		}
	}
	return b
}

// Point returns a point by code.
func (c *Catalog) Point(code string) (Point, bool) {
	p, ok := c.points[code]
	if !ok {
		return Point{}, false
	}
	return *p, true
}

// CommonPoints returns every common (non-individual) point in catalogue order.
func (c *Catalog) CommonPoints() []Point {
	ps := make([]Point, 0, len(c.order))
	for _, code := range c.order {
		ps = append(ps, *c.points[code])
	}
	return ps
}

// PointsFor returns the points a unit is scored on: every common point and
// the individual points chosen for it, in catalogue order.
func (c *Catalog) PointsFor(individual []string) []Point {
	ps := c.CommonPoints()
	chosen := map[string]bool{}
	for _, code := range individual {
		chosen[code] = true
	}
	for _, p := range c.Individual {
		if chosen[p.Code] {
			ps = append(ps, *c.points[p.Code])
		}
	}
	return ps
}

// CategoryMax returns the maximum of each category, the individual share
// included in its category.
func (c *Catalog) CategoryMax() map[string]float64 {
	m := map[string]float64{}
	for _, p := range c.CommonPoints() {
		m[p.Category] += p.Max
	}
	m[c.IndividualCategory] += c.IndividualMax
	return m
}

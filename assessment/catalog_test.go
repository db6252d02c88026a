package assessment

import (
	"encoding/json"
	"strings"
	"testing"

	"rectify/cases/catalog"
)

func ledgerKinds(tb testing.TB) []string {
	tb.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	var ks []string
	for _, k := range cat.Kinds {
		ks = append(ks, k.Code)
	}
	return ks
}

func builtin(tb testing.TB) *Catalog {
	tb.Helper()
	c, err := LoadCatalog("2026", ledgerKinds(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestBuiltinCatalog(t *testing.T) {
	for _, v := range CatalogVersions() {
		c, err := LoadCatalog(v, ledgerKinds(t))
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if got := len(c.CommonPoints()) + len(c.Individual); got != 56 {
			t.Errorf("%s: %d points, want 56", v, got)
		}
		sum := 0.0
		for _, m := range c.CategoryMax() {
			sum += m
		}
		if sum != 100 {
			t.Errorf("%s: categories sum to %g, want 100", v, sum)
		}
	}
}

// mutate loads the built-in catalogue as generic JSON, applies f and
// returns the bytes.
func mutate(t *testing.T, f func(m map[string]any)) []byte {
	t.Helper()
	b, err := builtinFS.ReadFile("catalog/2026.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func cats(m map[string]any) []any { return m["categories"].([]any) }
func obj(v any) map[string]any    { return v.(map[string]any) }
func firstPoint(m map[string]any, cat int) map[string]any {
	sec := obj(cats(m)[cat])["indicators"].([]any)
	th := obj(sec[0])["indicators"].([]any)
	return obj(obj(th[0])["points"].([]any)[0])
}

func TestParseCatalogRefuses(t *testing.T) {
	tests := []struct {
		name string
		f    func(m map[string]any)
		want string
	}{
		{"OK", func(map[string]any) {}, ""},
		{"ErrCategoryCount", func(m map[string]any) { m["categories"] = cats(m)[:5] }, "一级指标应为 6 个，实有 5 个"},
		{"ErrSecondCount", func(m map[string]any) {
			c := obj(cats(m)[3])
			c["indicators"] = c["indicators"].([]any)[:1]
		}, "二级指标应为 17 个，实有 16 个"},
		{"ErrThirdCount", func(m map[string]any) {
			sec := obj(obj(cats(m)[1])["indicators"].([]any)[0])
			sec["indicators"] = sec["indicators"].([]any)[:1]
		}, "三级指标应为 32 个，实有 31 个"},
		{"ErrIndividualCount", func(m map[string]any) { m["individual"] = m["individual"].([]any)[:10] }, "个性指标应为 11 个，实有 10 个"},
		{"ErrPointCount", func(m map[string]any) {
			th := obj(obj(obj(cats(m)[1])["indicators"].([]any)[0])["indicators"].([]any)[0])
			ps := th["points"].([]any)
			th["points"] = ps[:1]
		}, "评估要点应为 56 个，实有 55 个"},
		{"ErrMaxTotal", func(m map[string]any) { firstPoint(m, 1)["max"] = 4.0 }, "满分应为 100 分，各要点分值与个性指标分值合计 101 分"},
		{"ErrDeclaredTotal", func(m map[string]any) { m["max_total"] = 120.0 }, "满分应为 100 分"},
		{"ErrDuplicateCode", func(m map[string]any) {
			th := obj(obj(obj(cats(m)[1])["indicators"].([]any)[0])["indicators"].([]any)[0])
			ps := th["points"].([]any)
			obj(ps[1])["code"] = obj(ps[0])["code"]
		}, "编号 B1.1.1 重复"},
		{"ErrUnknownKind", func(m map[string]any) {
			obj(firstPoint(m, 0)["violation_kinds"].([]any)[0])["kind"] = "Z99"
		}, "引用了未知的违规情形 Z99"},
		{"ErrKindUncovered", func(m map[string]any) {
			p := firstPoint(m, 0)
			p["violation_kinds"] = []any{}
		}, "违规情形 A01 没有对应的评估要点"},
		{"ErrKindTwice", func(m map[string]any) {
			sec := obj(obj(cats(m)[0])["indicators"].([]any)[0])
			p2 := obj(obj(sec["indicators"].([]any)[1])["points"].([]any)[0])
			p2["violation_kinds"] = append(p2["violation_kinds"].([]any), map[string]any{"kind": "A01", "per_case": 1.0, "per_case_rectified": 0.5})
		}, "违规情形 A01 同时在 A1.1.1 和 A1.2.1 扣分"},
		{"ErrKindOutsideRules", func(m map[string]any) {
			p := firstPoint(m, 2)
			p["violation_kinds"] = []any{map[string]any{"kind": "A01", "per_case": 1.0, "per_case_rectified": 0.5}}
		}, "只有“规定执行”的要点按台账违规情形扣分"},
		{"ErrCategoryName", func(m map[string]any) { obj(cats(m)[4])["name"] = "效益" }, "第 5 个一级指标应为“机构配置效益”"},
		{"ErrUnknownMethod", func(m map[string]any) { firstPoint(m, 1)["method"] = "vote" }, "评分方法 \"vote\" 未知"},
		{"ErrDeductionFloor", func(m map[string]any) { firstPoint(m, 0)["floor"] = 3.0 }, "保底分不小于 0 且小于分值"},
		{"ErrLevelsTooFew", func(m map[string]any) {
			p := firstPoint(m, 1)
			p["levels"] = p["levels"].([]any)[:1]
		}, "分档评分须至少两档"},
		{"ErrEvidenceMissing", func(m map[string]any) { firstPoint(m, 3)["evidence"] = " " }, "佐证材料不能为空"},
		{"ErrIndividualMax", func(m map[string]any) { obj(m["individual"].([]any)[0])["max"] = 5.0 }, "个性指标 P01 的分值须为 10"},
		{"ErrMalformedCode", func(m map[string]any) { firstPoint(m, 2)["code"] = "c1-1" }, "编号 \"c1-1\" 格式不对"},
		{"ErrUnknownField", func(m map[string]any) { m["weight"] = 1 }, "格式错误"},
	}
	kinds := ledgerKinds(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCatalog(mutate(t, tt.f), kinds)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want refusal %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant it to say %q", err, tt.want)
			}
		})
	}
}

func TestBasisTextDropsSeedReference(t *testing.T) {
	for in, want := range map[string]string{
		"seed 002: 6大类一级指标": "6大类一级指标",
		"依据某文件":             "依据某文件",
		"":                  "",
	} {
		if got := (&Catalog{Basis: in}).BasisText(); got != want {
			t.Errorf("BasisText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCatalogPerYear: 2025 (the demo's finalised round's) and 2026 are
// separate versions, and a file is refused when its version or year is not
// its name.
func TestCatalogPerYear(t *testing.T) {
	vs := CatalogVersions()
	if len(vs) < 2 || vs[0] != "2025" || vs[1] != "2026" {
		t.Fatalf("versions %v", vs)
	}
	c25, c26 := mustLoad(t, "2025"), builtin(t)
	if c25.Year != 2025 || c26.Year != 2026 || catalogDigest("2025") == catalogDigest("2026") {
		t.Errorf("2025 is not its own version")
	}
	for _, tt := range []struct {
		name, version string
		edit          func(*Catalog)
		want          string
	}{
		{"OK", "2026", func(*Catalog) {}, ""},
		{"ErrVersion", "2027", func(*Catalog) {}, "应与文件名一致"},
		{"ErrYear", "2026", func(c *Catalog) { c.Year = 2025 }, "年度为 2025"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := *c26
			tt.edit(&c)
			err := checkVersion(&c, tt.version)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func mustLoad(tb testing.TB, v string) *Catalog {
	tb.Helper()
	c, err := LoadCatalog(v, ledgerKinds(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

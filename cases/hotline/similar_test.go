package hotline

import (
	"bufio"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSimilarity(t *testing.T) {
	tests := []struct {
		name     string
		a, b     string
		min, max float64
	}{
		{"Identical", "清河县教育局吃空饷", "清河县教育局吃空饷", 1, 1},
		{"PunctuationIgnored", "吃空饷，工资照发。", "吃空饷 工资照发", 1, 1},
		{"Empty", "", "吃空饷", 0, 0},
		{"OneCharacter", "编", "编", 0, 0},
		{"Unrelated", "超职数配备副局长", "私自设立综合服务中心", 0, 0.05},
		{"Reworded", "张某某长期不上班，工资照发", "张某某常年不来上班但工资照常发放", 0.3, 0.8},
		{"LatinFolded", "ABC局", "abc局", 1, 1},
		{"SamePersonRaised", "清河县教育局张某某长期不上班", "教育局张某某一直不来上班", 0.45, 1},
		{"OtherPersonLowered", "清河县教育局张某某长期不上班，工资照发", "清河县教育局李某某长期不上班，工资照发", 0, 0.45},
		{"OtherNumberLowered", "人民医院在编制已满时又招了8名事业编制人员", "人民医院在编制已满时又招了10名事业编制人员", 0, 0.65},
		{"CappedAtOne", "张某某吃空饷8个月", "张某某吃空饷8个月", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Similarity(tt.a, tt.b)
			if got < tt.min || got > tt.max {
				t.Fatalf("Similarity = %.3f, want in [%.2f, %.2f]", got, tt.min, tt.max)
			}
			if back := Similarity(tt.b, tt.a); back != got {
				t.Fatalf("not symmetric: %.3f and %.3f", got, back)
			}
		})
	}
}

type pair struct {
	same bool
	a, b string
}

func readPairs(t *testing.T) []pair {
	t.Helper()
	f, err := os.Open("../../testdata/hotline/pairs.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []pair
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 || (cols[0] != "same" && cols[0] != "diff") {
			t.Fatalf("bad line %q", line)
		}
		out = append(out, pair{cols[0] == "same", cols[1], cols[2]})
	}
	return out
}

// TestSimilarityOnLabelledPairs measures precision and recall of the twin
// threshold on hand-labelled pairs; the numbers are in docs/ARCHITECTURE.md.
// Run with -v to see them and the scores around the threshold.
func TestSimilarityOnLabelledPairs(t *testing.T) {
	pairs := readPairs(t)
	if len(pairs) < 50 {
		t.Fatalf("%d pairs; at least 50 are needed to measure", len(pairs))
	}
	measure := func(th float64) (p, r float64, tp, fp, fn int) {
		for _, x := range pairs {
			hit := Similarity(x.a, x.b) >= th
			switch {
			case hit && x.same:
				tp++
			case hit && !x.same:
				fp++
			case !hit && x.same:
				fn++
			}
		}
		return float64(tp) / float64(max(tp+fp, 1)), float64(tp) / float64(max(tp+fn, 1)), tp, fp, fn
	}
	for th := 0.15; th < 0.5; th += 0.02 {
		p, r, tp, fp, fn := measure(th)
		t.Logf("threshold %.2f: precision %.2f recall %.2f (tp %d fp %d fn %d)", th, p, r, tp, fp, fn)
	}
	for _, x := range pairs {
		t.Logf("%s %.3f %s | %s", map[bool]string{true: "same", false: "diff"}[x.same], Similarity(x.a, x.b), x.a, x.b)
	}
	p, r, tp, fp, fn := measure(TwinThreshold)
	t.Logf("chosen threshold %.2f on %d pairs: precision %.2f, recall %.2f (tp %d, fp %d, fn %d)", TwinThreshold, len(pairs), p, r, tp, fp, fn)
	// The twins are a prompt for a person, who decides: missing a twin
	// costs more than showing one too many, so recall is held higher.
	if r < 1 || p < 0.8 {
		t.Fatalf("precision %.2f recall %.2f at threshold %.2f: below 0.80 / 1.00", p, r, TwinThreshold)
	}
	// Plain Dice of bigrams, the method before identifiers counted, at
	// the highest threshold that finds every twin: the baseline to beat.
	dice := func(a, b string) float64 {
		x, y := bigrams(a), bigrams(b)
		common := 0
		for g := range x {
			if y[g] {
				common++
			}
		}
		return 2 * float64(common) / float64(max(len(x)+len(y), 1))
	}
	var lowest float64 = 1
	for _, x := range pairs {
		if s := dice(x.a, x.b); x.same && s < lowest {
			lowest = s
		}
	}
	fp0 := 0
	for _, x := range pairs {
		if !x.same && dice(x.a, x.b) >= lowest {
			fp0++
		}
	}
	t.Logf("baseline (Dice of bigrams alone) at %.2f: precision %.2f, recall 1.00 (fp %d)", lowest, float64(tp)/float64(tp+fp0), fp0)
	if fp >= fp0 {
		t.Fatalf("%d false twins, no better than the baseline's %d", fp, fp0)
	}
}

func TestIdentifiers(t *testing.T) {
	tests := []struct {
		name, text     string
		names, numbers string
	}{
		{"Persons", "张某某和李某长期不上班", "张,李", ""},
		{"CertainIsNoSurname", "安平县某镇、云州市某区某局", "", ""},
		{"Numbers", "2025年招了8名，另有12人", "", "12,2025,8"},
		{"None", "吃空饷", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names, nums := identifiers(tt.text)
			if got := strings.Join(slices.Sorted(maps.Keys(names)), ","); got != tt.names {
				t.Errorf("names %q, want %q", got, tt.names)
			}
			if got := strings.Join(slices.Sorted(maps.Keys(nums)), ","); got != tt.numbers {
				t.Errorf("numbers %q, want %q", got, tt.numbers)
			}
		})
	}
}

func TestTwins(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	r := Report{ID: "new", UnitCode: "QH001", Allegation: "清河县教育局张某某长期不上班，工资照发，吃空饷。"}
	cands := []Candidate{
		{Report: "old", UnitCode: "QH001", Text: "举报清河县教育局张某某常年不上班，工资照发，吃空饷。", At: now.AddDate(0, -2, 0)},
		{Report: "other-unit", UnitCode: "QH002", Text: "举报清河县教育局张某某常年不上班，工资照发，吃空饷。", At: now.AddDate(0, -2, 0)},
		{Report: "too-old", UnitCode: "QH001", Text: "清河县教育局张某某长期不上班，工资照发，吃空饷。", At: now.AddDate(-1, -1, 0)},
		{CaseNo: "2026-0003", UnitCode: "QH001", Text: "清河县教育局张某某吃空饷", At: now.AddDate(0, -1, 0)},
		{Report: "unrelated", UnitCode: "QH001", Text: "局机关核定行政编制20名，实有23人，超编进人。", At: now.AddDate(0, -1, 0)},
		{Report: "new", UnitCode: "QH001", Text: r.Allegation, At: now},
	}
	got := Twins(r, now, cands)
	var ids []string
	for _, tw := range got {
		ids = append(ids, tw.Report+tw.CaseNo)
	}
	if strings.Join(ids, ",") != "old,2026-0003" {
		t.Fatalf("twins %v, want old then 2026-0003", ids)
	}
}

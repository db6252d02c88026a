package assessment

import (
	"strings"
	"testing"
)

func TestParseSurvey(t *testing.T) {
	st := RoundState{Round: Round{ID: "2026", Title: "2026年度“三评合一”评估"}, Catalog: builtin(t),
		Units: []RoundUnit{{Round: "2026", Unit: "QH001"}, {Round: "2026", Unit: "QH002"}}}
	head := SurveyHead
	row := func(unit, point, rate string) []string { return []string{unit, "名称", point, "要点", rate} }
	tests := []struct {
		name string
		rows [][]string
		n    int
		want []string // errors, in order
	}{
		{"OK", [][]string{head, row("QH001", "F1.1.1", "95"), row("QH002", "F1.1.1", "88.5%"), row("QH001", "F1.2.1", "")}, 2, nil},
		{"OKBlankRows", [][]string{head, {}, row("QH001", "F1.1.1", "100")}, 1, nil},
		{"ErrHead", [][]string{{"unit", "point"}, row("QH001", "F1.1.1", "95")}, 0, []string{"第 1 行 A 列：表头须为"}},
		{"ErrEmpty", nil, 0, []string{"第 1 行 A 列"}},
		{"ErrEveryCell", [][]string{head, row("QH009", "F1.1.1", "95"), row("QH001", "A1.1.1", "95"), row("QH001", "F1.1.1", "120"),
			row("QH001", "F1.1.1", "abc"), row("QH001", "F9.9.9", "50")}, 0,
			[]string{"第 2 行 A 列：单位「QH009」不在", "第 3 行 C 列：「A1.1.1」不是该单位的满意度测评要点", "第 4 行 E 列：满意率「120」",
				"第 5 行 E 列：满意率「abc」", "第 5 行 C 列：与第 4 行重复", "第 6 行 C 列：「F9.9.9」"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad := ParseSurvey(st, tt.rows)
			if len(bad) != len(tt.want) {
				t.Fatalf("errors %v, want %v", bad, tt.want)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(bad[i].String(), w) {
					t.Errorf("error %d: %s, want %s…", i, bad[i], w)
				}
			}
			if len(got) != tt.n {
				t.Errorf("%d results, want %d", len(got), tt.n)
			}
		})
	}
}

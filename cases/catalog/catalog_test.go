package catalog

import "testing"

func TestBuiltin(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	// Seed 002 counts 5 classes and 16 situations of violations.
	if got, want := len(c.Classes), 5; got != want {
		t.Errorf("classes = %d, want %d", got, want)
	}
	if got, want := len(c.Kinds), 16; got != want {
		t.Errorf("violation kinds = %d, want %d", got, want)
	}
	perClass := map[string]int{}
	for _, k := range c.Kinds {
		perClass[k.Class]++
	}
	for _, cl := range c.Classes {
		if perClass[cl.Code] == 0 {
			t.Errorf("class %s has no kinds", cl.Code)
		}
	}
	for _, s := range []string{"patrol", "audit", "hotline", "special", "warning", "assessment"} {
		if !c.HasSource(s) {
			t.Errorf("source %s missing", s)
		}
	}
	if !c.HasKind("B01") || c.HasKind("Z99") {
		t.Error("HasKind wrong")
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, data string }{
		{"ErrUnknownClass", `{"sources":[{"code":"patrol","name":"x","ref_label":"y"}],"classes":[{"code":"a","name":"A"}],"violation_kinds":[{"code":"A01","class":"b","name":"n","basis":"s"}]}`},
		{"ErrDuplicateKind", `{"sources":[{"code":"patrol","name":"x","ref_label":"y"}],"classes":[{"code":"a","name":"A"}],"violation_kinds":[{"code":"A01","class":"a","name":"n","basis":"s"},{"code":"A01","class":"a","name":"n","basis":"s"}]}`},
		{"ErrNoBasis", `{"sources":[{"code":"patrol","name":"x","ref_label":"y"}],"classes":[{"code":"a","name":"A"}],"violation_kinds":[{"code":"A01","class":"a","name":"n"}]}`},
		{"ErrEmpty", `{}`},
		{"ErrJSON", `{`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.data)); err == nil {
				t.Error("want error")
			}
		})
	}
}

package mongodb

import (
	"reflect"
	"testing"
	"time"

	"rectify/cases"
)

// fill sets every field of v, recursively, to a value that is not its zero,
// so that a field the encoding forgets shows up as a difference.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("x" + string(rune('a'+*n%26)))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), n)
		}
		v.Set(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 1+*n%28, 8, 0, 0, int(time.Millisecond)**n, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), n)
		}
	default:
		panic("fill: " + v.Kind().String())
	}
}

// TestCaseDocKeepsEveryField: a projection a repair journals comes back
// whole. (A field added to cases.Case and not here would be dropped from
// every repaired case, and verify would then find it stale again.)
func TestCaseDocKeepsEveryField(t *testing.T) {
	var c cases.Case
	n := 0
	fill(reflect.ValueOf(&c).Elem(), &n)
	if got := toCaseDoc(c).kase(); !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip lost fields:\n got %+v\nwant %+v", got, c)
	}
}

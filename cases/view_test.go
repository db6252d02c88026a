package cases

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/width"
)

// The view must answer every list exactly as a straightforward filter over
// all cases would. The reference here is written independently of the
// view's code: its own folding of text, its own comparisons.

var (
	testRegions = [][]string{
		{"江南省", "云州市"}, {"江南省", "云州市", "清河县"}, {"江南省", "云州市", "安平县"}, {"江南省", "江州市"}, {"江南省", "江州市", "东湖区"},
	}
	testWords     = []string{"超编进人", "吃空饷", "在编不在岗", "混岗", "超期借用", "领导职数", "YZ001", "qh-Ab", "ＡＢ１２", "群众反映", "核定编制", "实有人员", "年度评估"}
	testUnitNames = []string{"中共云州市委办公室", "云州市教育局", "安平县农业农村局", "清河县人民医院", "梅山区财政局", "Ａ单位", "a单位"}
	testDates     = []string{"", "later", "2026-10-30", "2026-11-02", "2026-11-05", "2026-11-06", "2026-11-09", "2026-11-10", "2026-12-01"}
)

func randomCase(r *rand.Rand, ord int) Case {
	reg := testRegions[r.IntN(len(testRegions))]
	unit := fmt.Sprintf("U%d-%d", len(reg), r.IntN(4))
	words := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(testWords[r.IntN(len(testWords))])
		}
		return b.String()
	}
	year := 2025 + r.IntN(2)
	c := Case{No: FormatNo(year, ord), Year: year, Ordinal: ord, Source: []string{"patrol", "audit", "hotline"}[r.IntN(3)],
		SourceRef: fmt.Sprintf("云巡办移〔%d〕%d号", year, r.IntN(5)), UnitCode: unit, UnitName: testUnitNames[r.IntN(len(testUnitNames))] + unit, Region: reg,
		Kind: []string{"A01", "B01", "C02"}[r.IntN(3)], Title: words(2), Facts: words(6), Level: LevelInternal,
		State: States[r.IntN(len(States))], Deadline: testDates[r.IntN(len(testDates))], SubmittedLate: r.IntN(3) == 0,
		CreatedAt: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), Version: 1 + r.IntN(5)}
	c.UpdatedAt = time.Date(2026, 1, 1, 0, 0, r.IntN(20)*60, 0, time.UTC) // ties are common
	return c
}

func randomFilter(r *rand.Rand, all []Case) CaseFilter {
	f := CaseFilter{Today: "2026-11-05", YellowUntil: "2026-11-09", Page: 1 + r.IntN(3), PerPage: []int{1, 7, 50}[r.IntN(3)]}
	pick := func() Case { return all[r.IntN(len(all))] }
	switch r.IntN(4) {
	case 0:
		f.Scope = GlobalScope
	case 1:
		f.Scope = Scope{Region: RegionKey(pick().Region)}
	case 2:
		f.Scope = Scope{Region: "江南省/云州市", Units: []string{pick().UnitCode, pick().UnitCode}}
	default:
		f.Scope = Scope{Region: "江南省", Units: []string{}}
	}
	if r.IntN(3) == 0 {
		for _, s := range States {
			if r.IntN(3) == 0 {
				f.States = append(f.States, s)
			}
		}
	}
	if r.IntN(4) == 0 {
		f.Source = pick().Source
	}
	if r.IntN(6) == 0 {
		f.SourceRef = pick().SourceRef
	}
	if r.IntN(5) == 0 {
		f.UnitCode = pick().UnitCode
	}
	if r.IntN(4) == 0 {
		reg := pick().Region
		f.Region = RegionKey(reg[:1+r.IntN(len(reg))])
	}
	if r.IntN(4) == 0 {
		f.Kind = pick().Kind
	}
	if r.IntN(4) == 0 {
		f.Light = []Light{LightRed, LightYellow, LightGreen}[r.IntN(3)]
	}
	if r.IntN(4) == 0 {
		f.Year = 2025 + r.IntN(2)
	}
	if r.IntN(5) == 0 {
		b := r.IntN(2) == 0
		f.SentBack = &b
	}
	f.Repeat = r.IntN(6) == 0
	f.TextWithoutRef = r.IntN(3) == 0
	if r.IntN(3) == 0 {
		// A piece of some case's text, a word, or something absent; in
		// another case or width now and then.
		c := pick()
		src := []string{c.No, c.Title, c.Facts, c.SourceRef, testWords[r.IntN(len(testWords))], "不存在的内容", "超"}[r.IntN(7)]
		rs := []rune(src)
		from := r.IntN(len(rs))
		q := string(rs[from:min(len(rs), from+1+r.IntN(5))])
		switch r.IntN(4) {
		case 0:
			q = strings.ToUpper(q)
		case 1:
			q = width.Widen.String(q)
		}
		f.Text = " " + q + " "
	}
	keys := SortKeys()
	f.Sort = append(keys, "")[r.IntN(len(keys)+1)]
	return f
}

// refFold folds text the way a search should: case, width and the
// brackets of a document number.
func refFold(s string) string {
	return refBrackets.Replace(strings.ToLower(width.Narrow.String(s)))
}

var refBrackets = strings.NewReplacer("(", "[", ")", "]", "【", "[", "】", "]", "〔", "[", "〕", "]", "〖", "[", "〗", "]")

func refLight(c Case, today, until string) Light {
	if !slices.Contains(OpenStates, c.State) {
		return LightNone
	}
	if c.State == StateSubmitted || c.State == StateConfirmed {
		if c.SubmittedLate {
			return LightRed
		}
		return LightGreen
	}
	switch {
	case c.Deadline == "":
		return LightGreen
	case c.Deadline < today:
		return LightRed
	case c.Deadline <= until:
		return LightYellow
	}
	return LightGreen
}

func refWithin(region []string, key string) bool {
	k := strings.Join(region, "/")
	return k == key || strings.HasPrefix(k, key+"/")
}

func refMatch(c Case, f CaseFilter) bool {
	s := f.Scope
	if !s.Global && (!refWithin(c.Region, s.Region) || (s.Units != nil && !slices.Contains(s.Units, c.UnitCode))) {
		return false
	}
	if f.Source != "" && !slices.ContainsFunc(c.Sources, func(x CaseSource) bool { return x.Source == f.Source }) && c.Source != f.Source {
		return false
	}
	if f.Repeat && len(c.RepeatOf) == 0 {
		return false
	}
	if (f.SourceRef != "" && c.SourceRef != f.SourceRef) ||
		(f.UnitCode != "" && c.UnitCode != f.UnitCode) || (f.Kind != "" && c.Kind != f.Kind) || (f.Year != 0 && c.Year != f.Year) {
		return false
	}
	if f.Region != "" && !refWithin(c.Region, f.Region) {
		return false
	}
	if f.SentBack != nil && c.SentBack != *f.SentBack {
		return false
	}
	if f.Light != LightNone && refLight(c, f.Today, f.YellowUntil) != f.Light {
		return false
	}
	if q := refFold(strings.TrimSpace(f.Text)); q != "" {
		found := false
		fields := []string{c.No, c.Title, c.Facts, c.SourceRef}
		if f.TextWithoutRef {
			fields = fields[:3]
		}
		for _, field := range fields {
			found = found || strings.Contains(refFold(field), q)
		}
		if !found {
			return false
		}
	}
	return true
}

// Deadlines: dated ones in date order, then the cases without one.
func dl(c Case) string {
	if c.Deadline == "" {
		return "\U0010FFFF"
	}
	return c.Deadline
}

// Unit names in pinyin order; names that collate alike by code point.
var refCollator = collate.New(language.Chinese)

func unitCmp(a, b Case) int {
	if c := refCollator.CompareString(a.UnitName, b.UnitName); c != 0 {
		return c
	}
	return strings.Compare(a.UnitName, b.UnitName)
}

// refOrder is the documented order of each sort key.
func refOrder(key string, a, b Case) bool {
	no := func(a, b Case) bool { return a.Year < b.Year || a.Year == b.Year && a.Ordinal < b.Ordinal }
	rank := func(s State) int { return slices.Index(States, s) }
	switch key {
	case "", "-no":
		return no(b, a)
	case "no":
		return no(a, b)
	case "deadline":
		return dl(a) < dl(b) || a.Deadline == b.Deadline && no(a, b)
	case "-deadline":
		return dl(a) > dl(b) || a.Deadline == b.Deadline && no(b, a)
	case "updated":
		return a.UpdatedAt.Before(b.UpdatedAt) || a.UpdatedAt.Equal(b.UpdatedAt) && no(a, b)
	case "-updated":
		return a.UpdatedAt.After(b.UpdatedAt) || a.UpdatedAt.Equal(b.UpdatedAt) && no(b, a)
	case "unit":
		return unitCmp(a, b) < 0 || a.UnitName == b.UnitName && no(b, a)
	case "-unit":
		return unitCmp(a, b) > 0 || a.UnitName == b.UnitName && no(a, b)
	case "state":
		return rank(a.State) < rank(b.State) || a.State == b.State && no(b, a)
	case "-state":
		return rank(a.State) > rank(b.State) || a.State == b.State && no(a, b)
	}
	panic("unknown sort " + key)
}

func refFind(all []Case, f CaseFilter) LedgerPage {
	out := LedgerPage{Cases: []Case{}, Counts: map[State]int{}}
	var match []Case
	for _, c := range all {
		if !refMatch(c, f) {
			continue
		}
		out.Counts[c.State]++
		if len(f.States) > 0 && !slices.Contains(f.States, c.State) {
			continue
		}
		match = append(match, c)
	}
	sort.SliceStable(match, func(i, j int) bool { return refOrder(f.Sort, match[i], match[j]) })
	out.Total = len(match)
	from := min((f.Page-1)*f.PerPage, len(match))
	out.Cases = append(out.Cases, match[from:min(from+f.PerPage, len(match))]...)
	return out
}

func samePage(got, want LedgerPage) string {
	if got.Total != want.Total {
		return fmt.Sprintf("total %d, want %d", got.Total, want.Total)
	}
	var g, w []string
	for _, c := range got.Cases {
		g = append(g, c.No)
	}
	for _, c := range want.Cases {
		w = append(w, c.No)
	}
	if !slices.Equal(g, w) {
		return fmt.Sprintf("page %v, want %v", g, w)
	}
	for _, s := range States {
		if got.Counts[s] != want.Counts[s] {
			return fmt.Sprintf("count of %s %d, want %d", s, got.Counts[s], want.Counts[s])
		}
	}
	return ""
}

func TestViewFindEqualsAStraightforwardFilter(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 2026))
	v := newView()
	all := map[string]Case{}
	v.mu.Lock()
	for ord := 1; ord <= 1500; ord++ {
		c := randomCase(r, ord)
		all[c.No] = c
		v.put(&row{c: c})
	}
	v.mu.Unlock()
	list := func() []Case {
		out := make([]Case, 0, len(all))
		for _, c := range all {
			out = append(out, c)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].No < out[j].No })
		return out
	}
	for round := 0; round < 6; round++ {
		cases := list()
		for i := 0; i < 300; i++ {
			f := randomFilter(r, cases)
			want := refFind(cases, f)
			// Both ways to a page: sorting the matches, walking the order.
			for _, gather := range []int{2048, 0, 5} {
				gatherMax = gather
				got, err := v.find(f)
				if err != nil {
					t.Fatal(err)
				}
				if diff := samePage(got, want); diff != "" {
					t.Fatalf("round %d, gathering up to %d, filter %+v: %s", round, gather, f, diff)
				}
			}
			gatherMax = 2048
		}
		// Cases move between states, deadlines and orders; some are
		// dropped; new ones arrive: the orders must follow.
		v.mu.Lock()
		for i := 0; i < 200; i++ {
			c := cases[r.IntN(len(cases))]
			if _, ok := all[c.No]; !ok {
				continue
			}
			switch r.IntN(10) {
			case 0:
				v.drop(c.No)
				delete(all, c.No)
			default:
				c.State = States[r.IntN(len(States))]
				c.Deadline = testDates[r.IntN(len(testDates))]
				c.UpdatedAt = c.UpdatedAt.Add(time.Duration(r.IntN(600)) * time.Second)
				c.Version++
				v.reset(c)
				all[c.No] = c
			}
		}
		for i := 0; i < 100; i++ {
			c := randomCase(r, 2000+round*100+i)
			all[c.No] = c
			v.put(&row{c: c})
		}
		v.mu.Unlock()
	}
}

func TestViewFindRefusesUnknownSort(t *testing.T) {
	if _, err := newView().find(CaseFilter{Scope: GlobalScope, Sort: "title"}); ErrorCode(err) != EINVALID {
		t.Fatalf("unknown sort: %v", err)
	}
}

func TestViewSurvivesASnapshot(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	v := newView()
	v.mu.Lock()
	for ord := 1; ord <= 300; ord++ {
		v.put(&row{c: randomCase(r, ord), docs: []string{fmt.Sprint("notice-2026-", ord)}, key: fmt.Sprint("k", ord)})
	}
	v.putUnit(Unit{Code: "U3-1", Name: "单位", Kind: "government", Region: []string{"江南省", "云州市", "清河县"}})
	v.pos = 42
	v.mu.Unlock()
	d, pos := v.data()
	b, err := encodeSnapshot(d, pos)
	if err != nil {
		t.Fatal(err)
	}
	w := newView()
	w.mu.Lock()
	pos2, err := decodeSnapshot(b, w.loadItem)
	w.mu.Unlock()
	if err != nil || pos2 != 42 {
		t.Fatalf("decode: %v pos %d", err, pos2)
	}
	if !sameJSON(d, func() viewData { d, _ := w.data(); return d }()) {
		t.Fatal("the view read back from a snapshot differs")
	}
	// A snapshot written by an earlier version (format 1: one document).
	old := newView()
	old.mu.Lock()
	if _, err := decodeSnapshot(encodeFormat1(t, d, 42), old.loadItem); err != nil {
		t.Fatalf("decode format 1: %v", err)
	}
	old.mu.Unlock()
	// One folded by earlier rules is refused, so that the view is rebuilt
	// from the events.
	if _, err := decodeSnapshot(encodeFormat1Fold(t, d, 42, 0), newView().loadItem); !errors.Is(err, errOtherFold) {
		t.Fatalf("a snapshot of earlier fold rules: %v", err)
	}
	if !sameJSON(d, func() viewData { d, _ := old.data(); return d }()) {
		t.Fatal("the view read back from a format 1 snapshot differs")
	}
	for i := 0; i < 200; i++ {
		f := randomFilter(r, func() []Case {
			var out []Case
			for _, vc := range d.Cases {
				out = append(out, vc.Case)
			}
			return out
		}())
		a, _ := v.find(f)
		b, _ := w.find(f)
		if diff := samePage(b, a); diff != "" {
			t.Fatalf("filter %+v: %s", f, diff)
		}
	}
	if no, ok := w.caseByKey("k7"); !ok || no != FormatNo(d.Cases[6].Case.Year, 7) {
		t.Fatalf("idempotency key after reload: %q %v", no, ok)
	}
	if _, err := decodeSnapshot(b[:len(b)/2], func(snapshotItem) {}); err == nil {
		t.Fatal("a truncated snapshot decoded")
	}
}

// encodeFormat1 encodes d as snapshots of format 1 were.
func encodeFormat1(t *testing.T, d viewData, pos int64) []byte {
	t.Helper()
	return encodeFormat1Fold(t, d, pos, FoldVersion)
}

// encodeFormat1Fold writes a format 1 snapshot recording fold rules fold.
func encodeFormat1Fold(t *testing.T, d viewData, pos int64, fold int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(zw)
	if err := enc.Encode(snapshotHeader{Format: 1, Pos: pos, Fold: fold}); err != nil {
		t.Fatal(err)
	}
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTextCandidatesIntersect(t *testing.T) {
	x := newTextIndex()
	texts := []string{"超编进人问题", "吃空饷", "超编", "进人超编", "yz001 超期借用"}
	for i, s := range texts {
		x.add(int32(i), normText(s))
	}
	tests := []struct {
		q     string
		want  []int32
		exact bool
	}{
		{"超编", []int32{0, 2, 3}, true},
		{"超编进人", []int32{0}, false},
		{"编进", []int32{0}, true},
		{"空饷问", nil, true},
		{"z00", []int32{4}, false},
	}
	for _, tt := range tests {
		got, exact, ok := x.candidates(tt.q)
		if !ok || !slices.Equal(got, tt.want) || (len(tt.want) > 0 && exact != tt.exact) {
			t.Errorf("%q: %v exact=%v ok=%v, want %v exact=%v", tt.q, got, exact, ok, tt.want, tt.exact)
		}
	}
	if _, _, ok := x.candidates("超"); ok {
		t.Error("a one-character query used the index")
	}
}

func TestIntersect(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 500; i++ {
		a, b := map[int32]bool{}, map[int32]bool{}
		for j := 0; j < r.IntN(50); j++ {
			a[int32(r.IntN(200))] = true
		}
		for j := 0; j < r.IntN(300); j++ {
			b[int32(r.IntN(200))] = true
		}
		sa, sb := sortedKeys(a), sortedKeys(b)
		var want []int32
		for _, x := range sa {
			if b[x] {
				want = append(want, x)
			}
		}
		if got := intersect(slices.Clone(sa), sb); !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("intersect(%v, %v) = %v, want %v", sa, sb, got, want)
		}
	}
}

func sortedKeys(m map[int32]bool) []int32 {
	var out []int32
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

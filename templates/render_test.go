package templates

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"rectify/templates/pdftest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var fixed0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

var head = Letterhead{Office: "中共云州市委机构编制委员会办公室"}

// longFacts is a paragraph long enough to break across many lines, with
// punctuation, numbers and brackets where lines break.
const longFacts = "经巡察发现，该局自2024年以来将事业编制人员3名长期安排在机关科室从事行政管理工作，其中1名人员于2025年3月被任命为办公室副主任（股级），" +
	"属于混编混岗使用人员；同时，该局在核定事业编制32名的情况下实有35人，超编3人，仍于2025年9月通过“政府购买服务”方式新招用工作人员2名，" +
	"并安排在编制岗位上工作。上述情况违反了《机构编制工作条例》第二十八条和《事业单位登记管理暂行条例》的有关规定，必须依法依规予以纠正。"

func sampleNotice() Notice {
	return Notice{Letterhead: head, Number: "云编督〔2026〕12号", UnitName: "清河县教育局",
		Items: []NoticeItem{
			{No: "2026-0005", Title: "混岗使用事业编制人员", Kind: "B04 混编混岗使用人员", Facts: longFacts, Requirements: "将混岗使用的3名事业编制人员调整回事业岗位；清退超编期间违规招用的2名人员；30个工作日内报送整改情况。"},
			{No: "2026-0011", Title: "超编进人", Kind: "B01 超编进人", Facts: "核定事业编制32名，实有35人，超编3人。", Requirements: "停止进人，按自然减员逐步消化。"},
		},
		Deadline: time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), WorkingDays: 30,
		Contact: "整改完成后，请通过督改通系统报送整改情况报告及佐证材料，并将加盖公章的书面报告报送我办监督检查科（联系人：李明，电话：0575-88001234）。",
		Date:    fixed0, CopiesTo: []string{"市委巡察办", "清河县委编办"}, VerifyCode: "K7QM-4XRT", VerifyURL: "https://rectify.example/verify/K7QM4XRT"}
}

func sampleFeedback() Feedback {
	return Feedback{Letterhead: head, Number: "云编督函〔2026〕3号", Addressee: "中共云州市委巡察工作领导小组办公室",
		Reference: "云巡办移〔2026〕21号", Date: fixed0, VerifyCode: "P2D8-9VWN", VerifyURL: "https://rectify.example/verify/P2D89VWN",
		Items: []FeedbackItem{
			{No: "2026-0005", Title: "清河县教育局混岗使用事业编制人员", UnitName: "清河县教育局", Outcome: "经核实，问题属实。我办已于2026年11月20日下达整改通知，整改期限至2027年1月4日，正在整改。"},
			{No: "2026-0006", Title: "安平县农业农村局吃空饷", UnitName: "安平县农业农村局", Outcome: "经调阅实名制数据和工资发放名册，反映问题查无实据，不予立案。" + longFacts},
		}}
}

func render(t *testing.T, kind string) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch kind {
	case "notice":
		err = RenderOfficial(&buf, sampleNotice().Official(), EmbeddedFonts(), fixed0)
	case "feedback":
		err = RenderOfficial(&buf, sampleFeedback().Official(), EmbeddedFonts(), fixed0)
	case "feedback-interim":
		f := sampleFeedback()
		f.Interim, f.Total, f.Items = true, 5, f.Items[:1]
		err = RenderOfficial(&buf, f.Official(), EmbeddedFonts(), fixed0)
	case "closing":
		err = RenderForm(&buf, Form{Office: head.Office, Title: "问题整改销号审批表", Number: "云编销〔2026〕7号", Date: fixed0,
			VerifyCode: "R3TT-6YBA", VerifyURL: "https://rectify.example/verify/R3TT6YBA",
			Rows: [][2]string{{"台账编号", "2026-0005"}, {"被监督单位", "清河县教育局"}, {"问题", "混岗使用事业编制人员"},
				{"问题情况", longFacts}, {"整改要求", "调整回事业岗位"}, {"整改期限", "2027年1月4日"},
				{"整改情况", "已将3名人员调整回事业岗位。"}, {"佐证材料", "1．岗位调整文件.pdf（SHA-256 3f2a…）\n2．工资发放名册.xlsx"},
				{"核验意见", "经实地核查，整改到位。核验人：李明　2026年11月18日"}, {"审批意见", "同意销号。审批人：王芳　2026年11月20日"}}}, EmbeddedFonts(), fixed0)
	case "ledger":
		// As the console prints it: the long texts cut after three lines.
		rows := [][]string{}
		for i := 0; i < 40; i++ {
			rows = append(rows, []string{"2026-00" + string(rune('1'+i%9)) + "0", "清河县教育局", "云巡办移〔2026〕21号", "B04 混编混岗使用人员",
				"混岗使用事业编制人员" + string([]rune(longFacts)[:30*(i%3)]), "调整回事业岗位，报送调整文件和工资发放名册", "2027-01-04", "整改中", "绿灯", "张卫东", "2026-11-20\n下达整改要求"})
		}
		err = RenderSheet(&buf, Sheet{Office: head.Office, Title: "问题整改台账", Filter: "范围：清河县　状态：整改中", Printed: fixed0, Rows: rows,
			Columns: []Column{{"台账编号", 16}, {"被监督单位", 26}, {"来源文号", 32}, {"问题类型", 20}, {"问题", 52}, {"整改要求", 43},
				{"整改期限", 17}, {"状态", 13}, {"预警", 10}, {"承办人", 13}, {"最新进展", 25}}}, EmbeddedFonts(), fixed0)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pdfinfo(t *testing.T, pdf []byte) string {
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	os.WriteFile(in, pdf, 0o644)
	out, err := exec.Command("pdfinfo", in).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	return string(out)
}

var (
	space = regexp.MustCompile(`[\s\x{3000}\x0c]+`)
	// footer is what pdftotext emits between pages: the page number and, on
	// the first page, the verification line.
	footer = regexp.MustCompile(`—\d+—|文件核验码[A-Z0-9-]+核验地址\S*?/verify/[A-Z0-9]{8}`)
)

func squash(s string) string { return space.ReplaceAllString(s, "") }

// body is the squashed text with the page footers taken out.
func body(s string) string { return footer.ReplaceAllString(squash(s), "") }

// TestTextRoundTrips renders every kind and reads it back: every character
// of the long paragraphs, the numbers and the document number survive the
// line breaks, and the page is A4.
func TestTextRoundTrips(t *testing.T) {
	for _, tt := range []struct {
		kind, size string
		want       []string
	}{
		{"notice", "595.28 x 841.89", []string{longFacts, "云编督〔2026〕12号", "关于清河县教育局机构编制问题限期整改的通知", "清河县教育局：",
			"请于2027年1月4日前完成整改（自本通知印发之日起30个工作日内）", "2026年11月20日", "—1—", "—2—", "文件核验码K7QM-4XRT", "抄送：市委巡察办，清河县委编办。", "2026年11月20日印发"}},
		{"feedback", "595.28 x 841.89", []string{longFacts, "云编督函〔2026〕3号", "关于云巡办移〔2026〕21号移交问题办理情况的函", "特此函告。", "文件核验码P2D8-9VWN"}},
		{"closing", "595.28 x 841.89", []string{longFacts, "编号：云编销〔2026〕7号", "问题整改销号审批表", "同意销号。审批人：王芳", "2026年11月20日", "文件核验码R3TT-6YBA"}},
		{"ledger", "841.89 x 595.28", []string{"问题整改台账", "共40条", "—1—", "—2—"}},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			pdf := render(t, tt.kind)
			text := squash(pdftest.Raw(t, pdf, false))
			for _, w := range tt.want {
				if !strings.Contains(text, squash(w)) && !strings.Contains(body(text), squash(w)) {
					t.Errorf("%s: %q not found in the text:\n%s", tt.kind, w, text)
				}
			}
			if info := pdfinfo(t, pdf); !strings.Contains(info, "Page size:       "+tt.size) {
				t.Errorf("page size: %s", info)
			}
		})
	}
}

// TestRenderIsDeterministic: with a fixed creation date the same document
// renders to the same bytes, so an issued PDF's hash is reproducible.
func TestRenderIsDeterministic(t *testing.T) {
	a, b := render(t, "notice"), render(t, "notice")
	if !bytes.Equal(a, b) {
		t.Fatal("two renders differ")
	}
}

// TestGoldenLayout compares the laid-out text of each document with a
// golden file (go test -update to rewrite after a deliberate change).
func TestGoldenLayout(t *testing.T) {
	for _, kind := range []string{"notice", "feedback", "feedback-interim", "closing", "ledger"} {
		t.Run(kind, func(t *testing.T) {
			got := pdftest.Raw(t, render(t, kind), true)
			path := filepath.Join("testdata", kind+".golden.txt")
			if *update {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("layout of %s changed; run go test ./templates -update if intended\n--- got ---\n%s", kind, got)
			}
		})
	}
}

func TestLoadFontsRefusesNonTrueType(t *testing.T) {
	dir := t.TempDir()
	for name, head := range map[string]string{"otf.otf": "OTTO", "ttc.ttc": "ttcf", "junk.ttf": "abcd"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(head+"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), 0o644)
		if _, err := LoadFonts(FontFiles{Body: p}); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

// TestInterimFeedback: an interim letter counts every problem referred,
// then lists those settled so far, under a title of its own.
func TestInterimFeedback(t *testing.T) {
	f := sampleFeedback()
	f.Interim, f.Total, f.Items = true, 5, f.Items[:1]
	o := f.Official()
	if o.Title == FeedbackTitle(f.Reference, "", false) || !strings.Contains(o.Title, "阶段性") {
		t.Fatalf("interim title %q", o.Title)
	}
	if got := o.Body[0].Text; !strings.Contains(got, "移交的5项问题已收悉") || !strings.Contains(got, "已办结1项，其余4项正在办理") {
		t.Fatalf("opening %q", got)
	}
	final := sampleFeedback().Official()
	if got := final.Body[0].Text; !strings.Contains(got, "移交的2项问题已收悉") || strings.Contains(got, "阶段性") || strings.Contains(final.Title, "阶段性") {
		t.Fatalf("final letter: %q / %q", final.Title, got)
	}
}

func TestNumeralCN(t *testing.T) {
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 99: "九十九"} {
		if got := numeralCN(n); got != want {
			t.Errorf("%d → %s, want %s", n, got, want)
		}
	}
}

// TestConcurrentRendersDoNotRace renders from several goroutines at once
// (run under -race): the parsed faces are shared by every document, so
// rendering must never write to them.
func TestConcurrentRendersDoNotRace(t *testing.T) {
	var wg sync.WaitGroup
	out := make([][]byte, 4)
	for i := range out {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out[i] = render(t, []string{"notice", "feedback", "closing", "ledger"}[i])
		}(i)
	}
	wg.Wait()
	if !bytes.Equal(out[0], render(t, "notice")) {
		t.Fatal("a concurrent render differs from a lone one")
	}
}

// rareNames are people's names with characters of GB 18030-2022 beyond the
// BMP, one from each of Extensions B, C, D, E and F, and one of Extension A.
const rareNames = "王𠮷、李𪜀、张𫝀、刘𬍤、陈𬺰、赵𬌗、周㐀"

// TestBeyondBMPRoundTrips prints names beyond the BMP in every kind of
// document and every role (title, body, heading, table) and reads them
// back: each character comes back as itself, and the fallback face is
// embedded only in documents that need it.
func TestBeyondBMPRoundTrips(t *testing.T) {
	n := sampleNotice()
	n.UnitName = "清河县𠮷𬍤局"
	n.Items[0].Title = "违规使用" + rareNames + "等人员"
	n.Items[0].Facts = rareNames + "。" + longFacts
	f := sampleFeedback()
	f.Items[1].Outcome = "经查，" + rareNames + "均为在编人员。"
	var docs = map[string]func(*bytes.Buffer) error{
		"notice":   func(b *bytes.Buffer) error { return RenderOfficial(b, n.Official(), EmbeddedFonts(), fixed0) },
		"feedback": func(b *bytes.Buffer) error { return RenderOfficial(b, f.Official(), EmbeddedFonts(), fixed0) },
		"closing": func(b *bytes.Buffer) error {
			return RenderForm(b, Form{Office: head.Office, Title: "问题整改销号审批表", Number: "云编销〔2026〕7号",
				Rows: [][2]string{{"涉及人员", rareNames}}, Signatures: []string{"承办人", "处室负责人", "分管领导"}}, EmbeddedFonts(), fixed0)
		},
		"ledger": func(b *bytes.Buffer) error {
			return RenderSheet(b, Sheet{Office: head.Office, Title: "问题整改台账", Rows: [][]string{{"2026-0001", rareNames}},
				Columns: []Column{{"台账编号", 30}, {"问题", 120}}}, EmbeddedFonts(), fixed0)
		},
	}
	for kind, render := range docs {
		t.Run(kind, func(t *testing.T) {
			var buf bytes.Buffer
			if err := render(&buf); err != nil {
				t.Fatal(err)
			}
			text := body(pdftest.Raw(t, buf.Bytes(), false))
			for _, name := range strings.Split(rareNames, "、") {
				if !strings.Contains(text, name) {
					t.Errorf("%s not read back from the %s:\n%s", name, kind, text)
				}
			}
			if kind == "notice" && !strings.Contains(text, "关于清河县𠮷𬍤局") {
				t.Errorf("title with 𠮷𬍤 not read back:\n%s", text)
			}
			if fonts := pdffonts(t, buf.Bytes()); !strings.Contains(fonts, "HanaMinB") {
				t.Errorf("the fallback face is not embedded:\n%s", fonts)
			}
		})
	}
	// A document with no rare character does not carry the fallback face.
	if fonts := pdffonts(t, render(t, "notice")); strings.Contains(fonts, "HanaMinB") || !strings.Contains(fonts, "RCTFYB+FandolFang-Regular") ||
		strings.Contains(fonts, "NotoSerifSC-Regular") {
		t.Errorf("fonts of a plain notice:\n%s", fonts)
	}
}

func pdffonts(t *testing.T, pdf []byte) string {
	p := filepath.Join(t.TempDir(), "doc.pdf")
	os.WriteFile(p, pdf, 0o644)
	out, err := exec.Command("pdffonts", p).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	return string(out)
}

// TestUnprintable: characters that no face and no fallback has are listed,
// once each, in order; everything a document may need is printable.
func TestUnprintable(t *testing.T) {
	fonts := EmbeddedFonts()
	for _, tc := range []struct {
		s    string
		want string
	}{
		{longFacts + rareNames + "ＡＢＣ１２３〔〕“”《》—…·", ""},
		{"abc ABC 0123456789 ,.;:!?()[]{}<>@#$%^&*_+-=/\\|~`'\"", ""},
		{"超编👍进人\ue000👍", "👍\ue000"},
		{"第一行\n第二行\t", ""},
	} {
		if got := string(fonts.Unprintable(tc.s)); got != tc.want {
			t.Errorf("Unprintable(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
	if err := fonts.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestLoadFontsUsesOfficeFonts: a configured TrueType file replaces the
// embedded face of its role, and documents embed it under its file name.
func TestLoadFontsUsesOfficeFonts(t *testing.T) {
	fonts, err := LoadFonts(FontFiles{Body: filepath.Join("fonts", "LXGWWenKai-Regular.ttf")})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := RenderOfficial(&buf, sampleNotice().Official(), fonts, fixed0); err != nil {
		t.Fatal(err)
	}
	list := pdffonts(t, buf.Bytes())
	if !strings.Contains(list, "Office1") || strings.Contains(list, "FandolFang") {
		t.Errorf("the body is not set in the configured font:\n%s", list)
	}
	if !strings.Contains(body(pdftest.Raw(t, buf.Bytes(), false)), squash(longFacts)) {
		t.Error("the body does not read back in the configured font")
	}
	if _, err := LoadFonts(FontFiles{Kai: filepath.Join("fonts", "missing.ttf")}); err == nil {
		t.Error("a missing font file was accepted")
	}
}

// FuzzRenderNotice renders notices from any text the ledger would accept
// (every character printable, no control characters): rendering never
// fails or panics, and a page count stays in proportion to the text.
func FuzzRenderNotice(f *testing.F) {
	f.Add("清河县教育局", "混岗使用事业编制人员", longFacts, "整改要求：一、调整岗位。\n二、报送情况。")
	f.Add("王𠮷", "𬍤𬌗", strings.Repeat("。", 300), strings.Repeat("https://example.gov.cn/", 20))
	f.Add("a", "b", "（（（（《《《", "””””，，，，")
	fonts := EmbeddedFonts()
	f.Fuzz(func(t *testing.T, unit, title, facts, req string) {
		for _, s := range []string{unit, title, facts, req} {
			if !utf8.ValidString(s) || len(s) > 4000 || len(fonts.Unprintable(s)) > 0 || strings.ContainsFunc(s, func(r rune) bool {
				return r == '\r' || (r < ' ' && r != '\n') || unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf)
			}) {
				return
			}
		}
		n := sampleNotice()
		n.UnitName, n.Items = unit, []NoticeItem{{No: "2026-0001", Title: title, Kind: "B01 超编进人", Facts: facts, Requirements: req}}
		var buf bytes.Buffer
		if err := RenderOfficial(&buf, n.Official(), fonts, fixed0); err != nil {
			t.Fatalf("render: %v", err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
	})
}

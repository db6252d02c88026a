package roster

import (
	"bufio"
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestXLSXBounds: a text longer than maxToken, or a part longer than its
// bound, is refused rather than read into memory.
func TestXLSXBounds(t *testing.T) {
	s := &scanner{r: bufio.NewReader(strings.NewReader(strings.Repeat("a", maxToken+10) + "<c>"))}
	if _, err := s.next(); !errors.Is(err, errTooLarge) {
		t.Errorf("long text: %v, want errTooLarge", err)
	}
	b := &boundedReader{r: strings.NewReader("0123456789"), n: 4}
	var out bytes.Buffer
	if _, err := out.ReadFrom(b); !errors.Is(err, errTooLarge) || out.String() != "0123" {
		t.Errorf("bounded: %q %v", out.String(), err)
	}
}

// FuzzXLSXRows: any bytes as an upload end in rows or an error, never a
// panic, and every row number is positive.
func FuzzXLSXRows(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, [][]string{Row("QH001", "张三", MakeID("330602", "1985-04-10", 1), "行政编制", "科员", false, StatusActive, "2010-01-01", "", "", "")}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = xlsxRows(bytes.NewReader(b), func(n int, _ []string) {
			if n < 1 {
				t.Fatalf("row number %d", n)
			}
		})
	})
}

func TestColumnIndexBounded(t *testing.T) {
	for ref, want := range map[string]int{"A1": 0, "Z9": 25, "AA3": 26, "XFD1": 16383, "XFE1": -1, "ZZZZZZZZZZZZZZ1": -1, "1": -1} {
		if got := columnIndex(ref); got != want {
			t.Errorf("columnIndex(%s) = %d, want %d", ref, got, want)
		}
	}
}

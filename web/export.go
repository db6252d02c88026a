package web

import "strings"

// formulaStart are the characters with which a spreadsheet takes a cell
// for a formula (or, for tab and CR, shifts it into one): =1+2, +cmd|…,
// -2+3, @SUM(…).
const formulaStart = "=+-@\t\r"

// csvCell neutralises a value for a CSV export: one that a spreadsheet
// would run as a formula gets a leading apostrophe, which Excel and WPS
// show as text and do not evaluate (OWASP's advice for CSV injection).
// Every CSV a person may open in a spreadsheet goes through it.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune(formulaStart, rune(v[0])) {
		return "'" + v
	}
	return v
}

// csvRow applies csvCell to every value.
func csvRow(r []string) []string {
	out := make([]string, len(r))
	for i, v := range r {
		out[i] = csvCell(v)
	}
	return out
}

// xlsxTextFormat is the number format "@" (text): cells in it are written
// as strings and stay text when edited, so a value that looks like a
// formula is never evaluated, and shows as typed, without an apostrophe.
const xlsxTextFormat = 49

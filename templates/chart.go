package templates

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"sync"

	"github.com/golang/freetype/truetype"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// CategoryChart is a unit's six first-level categories as bars of the
// score rate (得分率: score over maximum, in per cent), drawn with go-chart:
// the categories have different maxima, so rates compare where raw scores
// would not. go-chart has no radar chart; bars read as well for six values.
type CategoryChart struct {
	Title      string
	Categories []AssessmentCategory
}

// Size of the chart in pixels: 2:1, wide enough for six category names
// under their bars. The PNG is drawn at twice the size for print.
const chartW, chartH = 720, 360

var (
	chartFontOnce sync.Once
	chartFont     *truetype.Font
	chartFontErr  error
)

// chartFace is the Hei face (Noto Sans SC) parsed for go-chart, which
// measures and (for PNG) draws text with golang/freetype.
func chartFace() (*truetype.Font, error) {
	chartFontOnce.Do(func() {
		chartFont, chartFontErr = truetype.Parse(notoSansMedium)
		if chartFontErr != nil {
			chartFontErr = fmt.Errorf("parse chart font: %w", chartFontErr)
		}
	})
	return chartFont, chartFontErr
}

// rate is c's score over its maximum in per cent, 0 when it has none.
func (c AssessmentCategory) rate() float64 {
	if c.Max <= 0 {
		return 0
	}
	return 100 * c.Score / c.Max
}

func (cc CategoryChart) chart(escape bool, scale int) (chart.BarChart, error) {
	f, err := chartFace()
	if err != nil {
		return chart.BarChart{}, err
	}
	blue := drawing.Color{R: 0x1f, G: 0x4e, B: 0x8c, A: 255}
	label := func(s string) string {
		// go-chart writes SVG text unescaped.
		if escape {
			return html.EscapeString(s)
		}
		return s
	}
	bc := chart.BarChart{
		Title:      label(cc.Title),
		Font:       f,
		Width:      chartW * scale,
		Height:     chartH * scale,
		DPI:        float64(96 * scale),
		BarWidth:   56 * scale,
		BarSpacing: 48 * scale,
		Background: chart.Style{Padding: chart.Box{Top: 48 * scale, Left: 16 * scale, Right: 16 * scale, Bottom: 44 * scale}},
		TitleStyle: chart.Style{FontSize: 13},
		XAxis:      chart.Style{FontSize: 10},
		YAxis: chart.YAxis{
			Style:          chart.Style{FontSize: 9},
			Range:          &chart.ContinuousRange{Min: 0, Max: 100},
			ValueFormatter: func(v interface{}) string { return fmt.Sprintf("%.0f%%", v.(float64)) },
			Ticks: []chart.Tick{{Value: 0, Label: "0%"}, {Value: 20, Label: "20%"}, {Value: 40, Label: "40%"},
				{Value: 60, Label: "60%"}, {Value: 80, Label: "80%"}, {Value: 100, Label: "100%"}},
		},
	}
	for _, c := range cc.Categories {
		bc.Bars = append(bc.Bars, chart.Value{
			Value: c.rate(),
			Label: label(fmt.Sprintf("%s\n%s/%s", c.Name, mark(c.Score), mark(c.Max))),
			Style: chart.Style{FillColor: blue, StrokeColor: blue, StrokeWidth: 1},
		})
	}
	return bc, nil
}

// SVG draws the chart as SVG for the console. go-chart styles its elements
// with style attributes: the console serves the SVG at its own address, as
// an image (see docs/ARCHITECTURE.md, "Charts").
func (cc CategoryChart) SVG(w io.Writer) error {
	bc, err := cc.chart(true, 1)
	if err != nil {
		return err
	}
	if err := bc.Render(chart.SVG, w); err != nil {
		return fmt.Errorf("draw chart SVG: %w", err)
	}
	return nil
}

// PNG draws the chart as PNG at twice the console's size, for print.
func (cc CategoryChart) PNG() ([]byte, error) {
	bc, err := cc.chart(false, 2)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := bc.Render(chart.PNG, &buf); err != nil {
		return nil, fmt.Errorf("draw chart PNG: %w", err)
	}
	return buf.Bytes(), nil
}

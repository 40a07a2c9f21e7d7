"""The SVG charts: well-formed, self-contained, scaled on nice ticks, numbers readable."""
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from services.reporting.outputs import charts

SVG = "{http://www.w3.org/2000/svg}"
D = Decimal


def texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


@pytest.mark.parametrize("top,expected", [
    (D("1234567"), (D("1250000"), D("250000"))), (D(37), (D(40), D(10))), (D(100), (D(100), D(20))),
    (D("0.5"), (D("0.5"), D("0.1"))), (D(0), (D(1), D("0.2"))),
])
def test_nice_scale_covers_the_top_in_round_steps(top, expected):
    assert charts.nice_scale(top) == expected


@pytest.mark.parametrize("value,lang,shown", [
    (D(1500000), "en", "1.5M"), (D(1500000), "zh-CN", "150万"), (D(250000000), "zh-CN", "2.5亿"),
    (D(2000), "en", "2K"), (D(12), "en", "12"), (D("0.25"), "en", "0.3"),
])
def test_compact_tick_labels(value, lang, shown):
    assert charts.compact(value, lang) == shown


def test_amount_groups_thousands_exactly():
    assert charts.amount(D("1234567.5")) == "1,234,567.50"
    assert charts.amount(D("98765432109876543.21")) == "98,765,432,109,876,543.21"


def test_stacked_bars_stack_each_group_and_label_the_total():
    svg = charts.stacked_bars(["East", "North"], ["current", "1-30"], [[D(100), D(50)], [D(30), D(0)]],
                              title="Aging", lang="en")
    root = ET.fromstring(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 3  # the zero amount draws nothing
    heights = [D(r.get("height")) for r in bars]
    assert abs(heights[0] - 2 * heights[1]) <= D("0.2")  # 100 is twice 50 (to the tenth of a pixel)
    shown = texts(svg)
    assert {"Aging", "East", "North", "current", "1-30", "150", "30"} <= set(shown)
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_line_chart_prints_each_point_and_a_benchmark():
    svg = charts.line_chart([("2026-01", D("45.2")), ("2026-02", D(50))], title="DSO", series_label="DSO",
                            lang="en", benchmark=D(45), benchmark_label="Benchmark")
    root = ET.fromstring(svg)
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    assert any(line.get("stroke-dasharray") for line in root.iter(f"{SVG}line"))
    shown = texts(svg)
    assert {"45.2", "50", "2026-01", "2026-02", "Benchmark 45"} <= set(shown)


def test_horizontal_bars_are_proportional_with_value_and_note():
    svg = charts.horizontal_bars([("Acme", D("300.00"), "45 days"), ("Beta", D("150.00"), "")], title="Top", lang="en")
    widths = [D(r.get("width")) for r in ET.fromstring(svg).iter(f"{SVG}rect")]
    assert abs(widths[0] - 2 * widths[1]) <= D("0.2")
    assert {"300.00 · 45 days", "150.00"} <= set(texts(svg))


def test_labels_are_escaped_and_long_ones_shortened():
    svg = charts.horizontal_bars([("<script>x</script> a very long customer name", D(1), "")], title="T", lang="en")
    assert "<script>" not in svg
    ET.fromstring(svg)


@pytest.mark.parametrize("svg", [
    charts.stacked_bars([], [], [], title="Aging", lang="en", no_data="No data"),
    charts.line_chart([], title="DSO", series_label="DSO", lang="en", no_data="No data"),
    charts.horizontal_bars([], title="Top", lang="en", no_data="No data"),
])
def test_no_data_is_said_not_drawn(svg):
    assert "No data" in texts(svg)

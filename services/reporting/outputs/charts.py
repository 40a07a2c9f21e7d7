"""Charts as server-rendered SVG: no script, no font or file loaded from anywhere.

Stacked bars (aging by bucket per group), a line chart (the DSO curve against its
benchmark) and horizontal bars (the top overdue customers), each with axes, tick labels,
value labels and a legend. Geometry is computed in Decimal like everything else here, and
every number shown is formatted from the exact value.
"""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from html import escape

FONT = "font-family=\"'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif\""
# Current → oldest: green to dark red; more buckets than colours repeat the last.
BUCKET_COLOURS = ("#4caf50", "#cddc39", "#ffc107", "#ff9800", "#f4511e", "#c62828", "#8e0000", "#4a0000")
LINE_COLOUR, BENCHMARK_COLOUR, BAR_COLOUR = "#1565c0", "#9e9e9e", "#c62828"
_TENTH = Decimal("0.1")


def px(value: Decimal | int) -> str:
    return format(Decimal(value).quantize(_TENTH, ROUND_HALF_UP).normalize() + 0, "f")


def amount(value: Decimal, decimals: int = 2) -> str:
    """1234567.5 → '1,234,567.50': the exact value with grouping separators."""
    return format(value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP), f",.{decimals}f")


def compact(value: Decimal, lang: str) -> str:
    """Tick labels: 1,500,000 → '1.5M' in English, '150万' in Chinese."""
    steps = ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")) if lang == "zh-CN" else (
        (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "K"))
    for size, suffix in steps:
        if abs(value) >= size:
            return _trim(value / size) + suffix
    return _trim(value)


def _trim(value: Decimal) -> str:
    text = format(value.quantize(_TENTH, ROUND_HALF_UP), "f")
    return text[:-2] if text.endswith(".0") else text


def nice_scale(top: Decimal, ticks: int = 5) -> tuple[Decimal, Decimal]:
    """The axis maximum and step: the step is 1, 2, 2.5 or 5 × 10^k, the maximum ≥ top."""
    if top <= 0:
        return Decimal(1), Decimal("0.2")
    raw = top / ticks
    power = Decimal(10) ** (raw.adjusted())
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        step = power * factor
        if step >= raw:
            break
    return (top / step).to_integral_value(ROUND_CEILING) * step, step


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" {FONT} font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="{width // 2}" y="18" text-anchor="middle" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]


def _empty(width: int, height: int, title: str, note: str) -> str:
    parts = _open(width, height, title)
    parts.append(f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle" fill="#777">{escape(note)}</text>')
    return "\n".join(parts + ["</svg>"])


def _legend(items: list[tuple[str, str]], x: int, y: int, dashed: set[str] = frozenset()) -> list[str]:
    parts, cursor = [], x
    for label, colour in items:
        if label in dashed:
            parts.append(f'<line x1="{cursor}" y1="{y - 4}" x2="{cursor + 14}" y2="{y - 4}" stroke="{colour}" '
                         'stroke-width="2" stroke-dasharray="4 3"/>')
        else:
            parts.append(f'<rect x="{cursor}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{cursor + 18}" y="{y}">{escape(label)}</text>')
        cursor += 30 + 7 * len(label) + (6 * sum(1 for ch in label if ord(ch) > 0x2E80))
    return parts


def _y_axis(left: int, top: int, plot_h: int, plot_w: int, maximum: Decimal, step: Decimal, lang: str) -> list[str]:
    parts = [f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>']
    value = Decimal(0)
    while value <= maximum:
        y = px(top + plot_h - value / maximum * plot_h)
        parts.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="#e0e0e0"/>')
        parts.append(f'<text x="{left - 6}" y="{y}" text-anchor="end" dominant-baseline="middle">'
                     f"{escape(compact(value, lang))}</text>")
        value += step
    return parts


def stacked_bars(categories: list[str], series: list[str], values: list[list[Decimal]], *, title: str,
                 lang: str, no_data: str = "—", width: int = 760, height: int = 360) -> str:
    """One vertical bar per category, stacked by series (aging buckets), its total on top."""
    totals = [sum(row, Decimal(0)) for row in values]
    if not categories or max(totals, default=Decimal(0)) <= 0:
        return _empty(width, height, title, no_data)
    left, top, right, bottom = 70, 34, 16, 78
    plot_w, plot_h = width - left - right, height - top - bottom
    maximum, step = nice_scale(max(totals))
    parts = _open(width, height, title) + _y_axis(left, top, plot_h, plot_w, maximum, step, lang)
    slot = Decimal(plot_w) / len(categories)
    bar_w = min(slot * Decimal("0.7"), Decimal(60))
    for i, (category, row, total) in enumerate(zip(categories, values, totals)):
        x = left + slot * i + (slot - bar_w) / 2
        base = Decimal(top + plot_h)
        for j, value in enumerate(row):
            if value <= 0:
                continue
            h = value / maximum * plot_h
            base -= h
            colour = BUCKET_COLOURS[min(j, len(BUCKET_COLOURS) - 1)]
            parts.append(f'<rect x="{px(x)}" y="{px(base)}" width="{px(bar_w)}" height="{px(h)}" fill="{colour}">'
                         f"<title>{escape(category)} · {escape(series[j])}: {amount(value)}</title></rect>")
        parts.append(f'<text x="{px(x + bar_w / 2)}" y="{px(base - 4)}" text-anchor="middle" font-size="10">'
                     f"{escape(compact(total, lang))}</text>")
        parts.append(f'<g><title>{escape(category)}</title><text x="{px(x + bar_w / 2)}" y="{top + plot_h + 14}" '
                     f'text-anchor="middle">{escape(shorten(category, 10))}</text></g>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>')
    colours = [(label, BUCKET_COLOURS[min(j, len(BUCKET_COLOURS) - 1)]) for j, label in enumerate(series)]
    parts += _legend(colours, left, height - 16)
    return "\n".join(parts + ["</svg>"])


def line_chart(points: list[tuple[str, Decimal]], *, title: str, series_label: str, lang: str,
               benchmark: Decimal | None = None, benchmark_label: str = "", no_data: str = "—",
               width: int = 760, height: int = 320) -> str:
    """A curve over labelled points (months), each value printed, and a dashed benchmark line."""
    if not points:
        return _empty(width, height, title, no_data)
    left, top, right, bottom = 60, 34, 24, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max([value for _, value in points] + ([benchmark] if benchmark is not None else []))
    maximum, step = nice_scale(highest * Decimal("1.1"))
    parts = _open(width, height, title) + _y_axis(left, top, plot_h, plot_w, maximum, step, lang)
    gap = Decimal(plot_w) / max(len(points), 1)

    def at(i: int, value: Decimal) -> tuple[str, str]:
        return px(left + gap * i + gap / 2), px(top + plot_h - value / maximum * plot_h)

    if benchmark is not None:
        y = at(0, benchmark)[1]
        parts.append(f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="{BENCHMARK_COLOUR}" '
                     'stroke-width="2" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{left + plot_w - 4}" y="{px(Decimal(y) - 5)}" text-anchor="end" '
                     f'fill="#616161">{escape(benchmark_label)} {_trim(benchmark)}</text>')
    coords = [at(i, value) for i, (_, value) in enumerate(points)]
    parts.append(f'<polyline fill="none" stroke="{LINE_COLOUR}" stroke-width="2.5" '
                 f'points="{" ".join(f"{x},{y}" for x, y in coords)}"/>')
    for (label, value), (x, y) in zip(points, coords):
        parts.append(f'<circle cx="{x}" cy="{y}" r="3.5" fill="{LINE_COLOUR}"><title>{escape(label)}: '
                     f"{_trim(value)}</title></circle>")
        parts.append(f'<text x="{x}" y="{px(Decimal(y) - 8)}" text-anchor="middle" font-size="10">'
                     f"{_trim(value)}</text>")
        parts.append(f'<text x="{x}" y="{top + plot_h + 14}" text-anchor="middle" font-size="10">'
                     f"{escape(label)}</text>")
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>')
    legend = [(series_label, LINE_COLOUR)] + ([(benchmark_label, BENCHMARK_COLOUR)] if benchmark is not None else [])
    parts += _legend(legend, left, height - 14, dashed={benchmark_label})
    return "\n".join(parts + ["</svg>"])


def horizontal_bars(items: list[tuple[str, Decimal, str]], *, title: str, lang: str, no_data: str = "—",
                    width: int = 760, row_height: int = 26) -> str:
    """One bar per (label, value, note), largest first as given; value and note at the bar's end."""
    if not items:
        return _empty(width, 120, title, no_data)
    left, top, right = 170, 34, 190
    plot_w = width - left - right
    height = top + row_height * len(items) + 30
    maximum, step = nice_scale(max(value for _, value, _ in items))
    parts = _open(width, height, title)
    plot_h = row_height * len(items)
    tick = Decimal(0)
    while tick <= maximum:
        x = px(left + tick / maximum * plot_w)
        parts.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{top + plot_h}" stroke="#e0e0e0"/>')
        parts.append(f'<text x="{x}" y="{top + plot_h + 14}" text-anchor="middle" font-size="10">'
                     f"{escape(compact(tick, lang))}</text>")
        tick += step
    for i, (label, value, note) in enumerate(items):
        y = top + row_height * i
        w = max(value, Decimal(0)) / maximum * plot_w
        parts.append(f'<g><title>{escape(label)}</title><text x="{left - 8}" y="{y + row_height // 2}" '
                     f'text-anchor="end" dominant-baseline="middle">{escape(shorten(label, 14))}</text></g>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{px(w)}" height="{row_height - 8}" fill="{BAR_COLOUR}"/>')
        parts.append(f'<text x="{px(left + w + 6)}" y="{y + row_height // 2}" dominant-baseline="middle">'
                     f"{amount(value)}{(' · ' + escape(note)) if note else ''}</text>")
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>')
    return "\n".join(parts + ["</svg>"])

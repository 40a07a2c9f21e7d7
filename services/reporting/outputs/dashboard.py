"""The dashboard: one self-contained HTML page (inline CSS and SVG, no script, nothing fetched).

Built from `DashboardData`, which the endpoint fills from the report views. Every key
number is printed as text next to its chart (and carries its exact decimal in a
`data-value` attribute), so a reader without the charts — or a test — finds it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from urllib.parse import urlencode

from shared.money import CURRENCY_EXPONENTS

from services.reporting.outputs import charts
from services.reporting.outputs.tables import check_lang

FLAGS = ("red", "amber", "green")
_FLAG_COLOURS = {"red": "#c62828", "amber": "#ef8f00", "green": "#2e7d32"}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Receivables dashboard", "as_of": "As of", "currency": "Currency", "switch": "中文",
        "total": "Receivables", "overdue": "Overdue", "overdue_rate": "Overdue rate", "dso": "DSO (days)",
        "benchmark": "Benchmark", "aging": "Aging by bucket", "bucket": "Bucket", "amount": "Amount",
        "share": "Share", "dso_curve": "Rolling 12-month DSO", "top_overdue": "Top overdue customers",
        "customer": "Customer", "days": "Days overdue", "rag": "Region × product line × customer type",
        "region": "Region", "product_line": "Product line", "customer_type": "Customer type",
        "balance": "Balance", "progress": "Collection progress", "flag": "Flag", "warnings": "Warning signals",
        "signal": "Signal", "subject": "Subject", "detail": "Detail", "none": "None", "no_data": "No data",
        "total_row": "Total", "days_unit": "days", "disputed": "Disputed",
        "red": "Red", "amber": "Amber", "green": "Green",
        "overdue_beyond_limit": "Overdue beyond the limit", "grade_downgrade": "Grade downgraded",
        "overdue_share": "Overdue share too high", "buying_more_paying_slower": "Buying more, paying slower",
    },
    "zh-CN": {
        "title": "应收账款看板", "as_of": "截至", "currency": "币种", "switch": "English",
        "total": "应收余额", "overdue": "逾期金额", "overdue_rate": "逾期率", "dso": "DSO（天）",
        "benchmark": "行业基准", "aging": "账龄分布", "bucket": "账龄段", "amount": "金额",
        "share": "占比", "dso_curve": "滚动12个月DSO", "top_overdue": "逾期金额最大的客户",
        "customer": "客户", "days": "逾期天数", "rag": "区域 × 产品线 × 客户类型",
        "region": "区域", "product_line": "产品线", "customer_type": "客户类型",
        "balance": "余额", "progress": "回款进度", "flag": "预警", "warnings": "预警信号",
        "signal": "信号", "subject": "对象", "detail": "说明", "none": "无", "no_data": "暂无数据",
        "total_row": "合计", "days_unit": "天", "disputed": "争议金额", "red": "红", "amber": "黄", "green": "绿",
        "overdue_beyond_limit": "逾期超限", "grade_downgrade": "信用等级下调", "overdue_share": "逾期占比过高",
        "buying_more_paying_slower": "采购增加而付款变慢",
    },
}


@dataclass(frozen=True)
class AgingRow:
    key: str
    buckets: list[Decimal]
    total: Decimal


@dataclass(frozen=True)
class RagRow:
    region: str
    product_line: str
    customer_type: str
    balance: Decimal
    overdue_rate: Decimal  # a fraction
    collection_progress: Decimal | None  # a fraction
    flag: str  # red | amber | green


@dataclass(frozen=True)
class WarningSignal:
    kind: str
    subject: str
    detail: str


@dataclass(frozen=True)
class DashboardData:
    as_of: date
    currency: str
    buckets: list[str]  # labels, the first one is "current" (not yet due)
    bucket_totals: list[Decimal]
    aging_rows: list[AgingRow] = field(default_factory=list)  # by region or customer
    group_by: str = "region"
    dso_points: list[tuple[str, Decimal]] = field(default_factory=list)  # (YYYY-MM, days)
    benchmark: Decimal | None = None
    # (customer, overdue amount, days overdue: at least this many, the oldest slab's lower bound)
    top_overdue: list[tuple[str, Decimal, int]] = field(default_factory=list)
    rag: list[RagRow] = field(default_factory=list)
    warnings: list[WarningSignal] = field(default_factory=list)
    dso: Decimal | None = None  # the DSO as of the date; the curve's last point when not given
    disputed: Decimal = Decimal(0)  # open amounts under dispute, shown apart from the buckets

    @property
    def total(self) -> Decimal:
        """All receivables open: the buckets and what is disputed."""
        return sum(self.bucket_totals, self.disputed)

    @property
    def overdue(self) -> Decimal:
        """Everything past the first (current) bucket, disputed amounts apart."""
        return sum(self.bucket_totals[1:], Decimal(0))

    @property
    def overdue_rate(self) -> Decimal | None:
        return self.overdue / self.total if self.total else None

    @property
    def current_dso(self) -> Decimal | None:
        if self.dso is not None:
            return self.dso
        return self.dso_points[-1][1] if self.dso_points else None


def money(value: Decimal, currency: str) -> str:
    return charts.amount(value, CURRENCY_EXPONENTS.get(currency, 2))


def percent(fraction: Decimal | None) -> str:
    if fraction is None:
        return "—"
    return format((fraction * 100).quantize(Decimal("0.1"), ROUND_HALF_UP), "f") + "%"


def days(value: Decimal | None) -> str:
    return "—" if value is None else format(value.quantize(Decimal("0.1"), ROUND_HALF_UP), "f")


def _kpi(key: str, label: str, shown: str, exact: Decimal | None) -> str:
    raw = "" if exact is None else format(exact, "f")
    return (f'<div class="kpi"><div class="label">{escape(label)}</div>'
            f'<div class="value" id="kpi-{key}" data-value="{raw}">{escape(shown)}</div></div>')


def _table(headers: list[str], rows: list[list[str]], numeric: set[int],
           raw_rows: list[list[str]] | None = None) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for r, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            attrs = ' class="num"' if i in numeric else ""
            if raw_rows is not None and raw_rows[r][i]:
                attrs += f' data-value="{escape(raw_rows[r][i])}"'
            cells.append(f"<td{attrs}>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render(data: DashboardData, lang: str = "zh-CN") -> str:
    check_lang(lang)
    t = TEXT[lang]
    cur = data.currency
    other = "en" if lang == "zh-CN" else "zh-CN"
    switch = "?" + urlencode({"lang": other, "as_of": data.as_of.isoformat(), "currency": cur})
    kpis = "".join([
        _kpi("total", f"{t['total']} ({cur})", money(data.total, cur), data.total),
        _kpi("overdue", f"{t['overdue']} ({cur})", money(data.overdue, cur), data.overdue),
        _kpi("overdue-rate", t["overdue_rate"], percent(data.overdue_rate), data.overdue_rate),
        _kpi("disputed", f"{t['disputed']} ({cur})", money(data.disputed, cur), data.disputed),
        _kpi("dso", t["dso"], days(data.current_dso), data.current_dso),
    ] + ([_kpi("benchmark", t["benchmark"], days(data.benchmark), data.benchmark)]
         if data.benchmark is not None else []))

    rows = data.aging_rows
    aging_chart = charts.stacked_bars([r.key for r in rows], data.buckets, [r.buckets for r in rows],
                                      title=t["aging"], lang=lang, no_data=t["no_data"])
    total = data.total
    bucket_table = _table(
        [t["bucket"], f"{t['amount']} ({cur})", t["share"]],
        [[escape(label), money(value, cur), percent(value / total if total else None)]
         for label, value in zip(data.buckets + [t["disputed"]], data.bucket_totals + [data.disputed])]
        + [[f"<b>{escape(t['total_row'])}</b>", f"<b>{money(total, cur)}</b>", percent(Decimal(1) if total else None)]],
        {1, 2},
        [[label, format(value, "f"), ""] for label, value in zip(data.buckets + ["disputed"],
                                                                  data.bucket_totals + [data.disputed])]
        + [["", format(total, "f"), ""]],
    )
    dso_chart = charts.line_chart(data.dso_points, title=t["dso_curve"], series_label="DSO", lang=lang,
                                  benchmark=data.benchmark, benchmark_label=t["benchmark"], no_data=t["no_data"])
    top_chart = charts.horizontal_bars(
        [(name, value, f"{overdue_days}+ {t['days_unit']}") for name, value, overdue_days in data.top_overdue],
        title=f"{t['top_overdue']} ({cur})", lang=lang, no_data=t["no_data"])
    top_table = _table(
        [t["customer"], f"{t['overdue']} ({cur})", t["days"]],
        [[escape(name), money(value, cur), f"{overdue_days}+"] for name, value, overdue_days in data.top_overdue],
        {1, 2},
        [[name, format(value, "f"), str(overdue_days)] for name, value, overdue_days in data.top_overdue],
    )
    rag_table = _table(
        [t["region"], t["product_line"], t["customer_type"], f"{t['balance']} ({cur})", t["overdue_rate"],
         t["progress"], t["flag"]],
        [[escape(r.region), escape(r.product_line), escape(r.customer_type), money(r.balance, cur),
          percent(r.overdue_rate), percent(r.collection_progress), _flag(r.flag, t)] for r in data.rag],
        {3, 4, 5},
    ) if data.rag else f'<p class="none">{escape(t["none"])}</p>'
    warnings = _table(
        [t["signal"], t["subject"], t["detail"]],
        [[escape(t.get(w.kind, w.kind)), escape(w.subject), escape(w.detail)] for w in data.warnings], set(),
    ) if data.warnings else f'<p class="none">{escape(t["none"])}</p>'

    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t['title'])} · {data.as_of.isoformat()}</title>
<style>{_CSS}</style>
</head>
<body>
<header><h1>{escape(t['title'])}</h1>
<span>{escape(t['as_of'])} <b id="as-of">{data.as_of.isoformat()}</b> · {escape(t['currency'])} <b id="currency">{escape(cur)}</b></span>
<a id="lang-switch" href="{escape(switch)}" hreflang="{other}">{escape(t['switch'])}</a></header>
<section class="kpis">{kpis}</section>
<section class="grid">
<div class="card wide" id="aging"><h2>{escape(t['aging'])}</h2>{aging_chart}{bucket_table}</div>
<div class="card wide" id="dso-curve"><h2>{escape(t['dso_curve'])}</h2>{dso_chart}</div>
<div class="card wide" id="top-overdue"><h2>{escape(t['top_overdue'])}</h2>{top_chart}{top_table}</div>
<div class="card wide" id="rag"><h2>{escape(t['rag'])}</h2>{rag_table}</div>
<div class="card wide" id="warnings"><h2>{escape(t['warnings'])}</h2>{warnings}</div>
</section>
</body>
</html>
"""


def _flag(flag: str, t: dict[str, str]) -> str:
    colour = _FLAG_COLOURS.get(flag, "#777")
    return f'<span class="flag flag-{escape(flag)}" style="background:{colour}">{escape(t.get(flag, flag))}</span>'


_CSS = """
body{margin:0;background:#f4f6f9;color:#1f2933;font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif;font-size:14px}
header{display:flex;gap:24px;align-items:baseline;padding:12px 24px;background:#1f3a5f;color:#fff}
header h1{font-size:20px;margin:0}header a{color:#fff;margin-left:auto}
.kpis{display:flex;flex-wrap:wrap;gap:16px;padding:16px 24px}
.kpi{background:#fff;border-radius:6px;padding:12px 18px;min-width:170px;box-shadow:0 1px 2px #0002}
.kpi .label{color:#52606d;font-size:12px}.kpi .value{font-size:24px;font-weight:bold;margin-top:4px}
.grid{display:flex;flex-wrap:wrap;gap:16px;padding:0 24px 24px}
.card{background:#fff;border-radius:6px;padding:12px 16px;box-shadow:0 1px 2px #0002;flex:1 1 760px;max-width:820px}
.card h2{font-size:16px;margin:4px 0 8px}svg{max-width:100%;height:auto}
table{border-collapse:collapse;margin-top:8px;width:100%}th,td{border-bottom:1px solid #e4e7eb;padding:4px 8px;text-align:left}
th{background:#eef2f7;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.flag{color:#fff;border-radius:3px;padding:1px 8px}.none{color:#7b8794}
"""

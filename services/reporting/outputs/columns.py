"""From a view's flat rows (`views.<report>_rows`: one dict per row, keys in column order) to
a `Table`: each column's kind from its values and name, its titles in both languages.

A Decimal column is money unless its name says otherwise: rates, shares and ratios are
fractions (percent), DSO-like figures are days, turnover and CEI plain ratios.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal

from services.reporting.outputs.tables import Column, Table

# key → (English, Chinese); a key not listed is titled from its name (bucket labels as they are).
TITLES: dict[str, tuple[str, str]] = {
    "key": ("Group", "分组"), "customer": ("Customer", "客户"), "customer_id": ("Customer", "客户"),
    "customer_name": ("Customer name", "客户名称"), "region": ("Region", "区域"),
    "product_line": ("Product line", "产品线"), "customer_type": ("Customer type", "客户类型"),
    "industry": ("Industry", "行业"), "size": ("Size", "规模"), "salesperson": ("Salesperson", "销售员"),
    "team": ("Team", "团队"), "collector": ("Collector", "催收员"), "grade": ("Grade", "信用等级"),
    "currency": ("Currency", "币种"), "as_of": ("As of", "截至日期"), "date": ("Date", "日期"),
    "day": ("Day", "日期"), "month": ("Month", "月份"), "period": ("Period", "期间"),
    "total": ("Total", "合计"), "disputed": ("Disputed", "争议金额"), "balance": ("Balance", "余额"),
    "open": ("Open", "未清余额"), "overdue": ("Overdue", "逾期金额"), "overdue_rate": ("Overdue rate", "逾期率"),
    "overdue_ratio": ("Overdue ratio", "逾期比例"), "collection_progress": ("Collection progress", "回款进度"),
    "collection_rate": ("Collection rate", "回款率"), "target": ("Target", "目标"), "flag": ("Flag", "预警"),
    "credit_sales": ("Credit sales", "赊销额"), "cash_received": ("Cash received", "回款额"),
    "collected": ("Collected", "已回款"), "due_in_period": ("Falling due", "本期到期"),
    "dso": ("DSO (days)", "DSO（天）"), "best_possible_dso": ("Best possible DSO", "最佳DSO"),
    "add": ("ADD (days)", "平均逾期天数"), "benchmark": ("Benchmark", "行业基准"),
    "turnover": ("AR turnover", "应收账款周转率"), "ar_turnover": ("AR turnover", "应收账款周转率"),
    "cei": ("CEI", "回款效率指数"), "opening_ar": ("Opening AR", "期初应收"), "closing_ar": ("Closing AR", "期末应收"),
    "closing_current_ar": ("Closing current AR", "期末未到期应收"), "rate": ("Rate", "比率"),
    "provision": ("Provision", "坏账准备"), "required": ("Required provision", "应计提准备"),
    "current_provision": ("Current provision", "现有准备"), "loss_rate": ("Loss rate", "损失率"),
    "written_off": ("Written off", "已核销"), "coverage": ("Coverage", "覆盖率"),
    "bad_debt_share": ("Bad-debt share", "坏账分担"), "kind": ("Signal", "信号"), "subject": ("Subject", "对象"),
    "detail": ("Detail", "说明"), "value": ("Value", "数值"), "threshold": ("Threshold", "阈值"),
    "category": ("Category", "类别"), "count": ("Count", "笔数"), "amount": ("Amount", "金额"),
    "share": ("Share", "占比"), "bucket": ("Bucket", "账龄段"), "days_overdue": ("Days overdue", "逾期天数"),
    "invoices": ("Invoices", "发票数"), "measure": ("Measure", "指标"), "signal": ("Signal", "信号"),
    "since": ("Since", "起始日期"), "method": ("Method", "方法"), "window_days": ("Window (days)", "窗口（天）"),
    "receivables": ("Receivables", "应收余额"), "current": ("Current", "未到期"), "closing": ("Closing AR", "期末应收"),
    "opening": ("Opening AR", "期初应收"), "to_collect": ("To collect", "应收回"), "rag": ("Flag", "预警"),
    "met": ("Target met", "达标"), "bad_debt_charged": ("Bad debt charged", "承担坏账"),
    "exposure": ("Exposure", "风险敞口"), "losses": ("Losses", "损失"), "resolved": ("Resolved", "已解决"),
    "average_days_to_resolve": ("Average days to resolve", "平均解决天数"), "payments": ("Payments", "付款笔数"),
    "cycle_days": ("Payment cycle (days)", "回款周期（天）"), "days_late": ("Days late", "逾期天数"),
    "trend": ("Trend", "趋势"), "start": ("From", "开始日期"), "end": ("To", "结束日期"),
}
# Columns whose kind their name does not tell: the DSO benchmark is in days.
KINDS: dict[str, str] = {"benchmark": "days"}
_PERCENT = re.compile(r"(^|_)(rate|ratio|share|progress|coverage|pct|percent|growth|target)(_|$)")
_DAYS = re.compile(r"(^|_)(dso|add|days|cycle)(_|$)")
_RATIO = re.compile(r"(^|_)(turnover|cei|index|factor)(_|$)")


def kind_of(key: str, values: list[object]) -> str:
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, bool) or sample is None or isinstance(sample, (str, list, dict)):
        return "text"
    if isinstance(sample, (date, datetime)):
        return "date"
    if key in KINDS:
        return KINDS[key]
    if isinstance(sample, int):
        return "int"
    if _DAYS.search(key):
        return "days"
    if _RATIO.search(key):
        return "ratio"
    if _PERCENT.search(key):
        return "percent"
    return "money"


def title_of(key: str) -> tuple[str, str]:
    if key in TITLES:
        return TITLES[key]
    if re.fullmatch(r"[0-9]+(-[0-9]+)?\+?|current", key):  # an aging bucket's label
        return key, ("未到期" if key == "current" else key)
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:], text


def _cell(kind: str, value: object) -> object:
    if value is None:
        return None
    if kind == "text":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False, default=str)
        return str(value)
    if kind == "date" and isinstance(value, datetime):
        return value.date()
    if kind == "days" and isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if kind in ("money", "percent", "ratio", "days") and isinstance(value, (int, str)) and not isinstance(value, bool):
        return Decimal(str(value))  # a decimal string from the wire form of a view
    return value


def table_from_rows(name: str, title_en: str, title_zh: str, rows: list[dict], currency: str | None = None,
                    kinds: dict[str, str] | None = None) -> Table:
    """The columns in first-seen key order; `kinds` overrides a column's inferred kind."""
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    columns = []
    for key in keys:
        kind = (kinds or {}).get(key) or kind_of(key, [row.get(key) for row in rows])
        en, zh = title_of(key)
        columns.append(Column(key, en, zh, kind))
    body = [tuple(_cell(c.kind, row.get(c.key)) for c in columns) for row in rows]
    return Table(name, title_en, title_zh, columns, body, currency=currency)

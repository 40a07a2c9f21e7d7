"""Rendering a dunning template in one language: subject, plain text and HTML.

One file per template and language, services/dunning/templates/<language>/<name>.j2, with
three blocks: `subject`, `text` and (for e-mail and letters) `html`, the last inside
`{% autoescape true %}`: a customer name with "<" is text, never markup. StrictUndefined:
a field a template names but the context lacks raises, so a typo fails in the tests.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from services.dunning.channels.model import LANGUAGES, Language, MessageContext, Rendered
from shared.money import exponent

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SMS_TEMPLATES = frozenset({"sms_reminder", "sms_overdue"})
SMS_MAX_CHARS = 320  # two concatenated SMS of Chinese text; a longer one is a template bug

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_CURRENCY_NAMES_ZH = {"CNY": "人民币", "USD": "美元", "EUR": "欧元", "HKD": "港币", "JPY": "日元"}


def money(amount: Decimal, currency: str, language: Language = "en") -> str:
    """Grouped, with exactly the currency's minor units: 1234.5 CNY → 'CNY 1,234.50'."""
    if not isinstance(amount, Decimal):
        raise TypeError("amounts are Decimal, never float")
    digits = format(amount.quantize(Decimal(1).scaleb(-exponent(currency))), ",f")
    if language == "zh-CN" and currency in _CURRENCY_NAMES_ZH:
        return f"{_CURRENCY_NAMES_ZH[currency]}{digits}元" if currency == "CNY" else f"{digits}{_CURRENCY_NAMES_ZH[currency]}"
    return f"{currency} {digits}"


def long_date(day: date, language: Language = "en") -> str:
    """'2026年12月2日' in Chinese, '2 December 2026' in English."""
    if language == "zh-CN":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Built once: templates are files shipped with the code, compiled on first use.
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined, autoescape=False,
                      auto_reload=False, keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = money
    env.filters["long_date"] = long_date
    return env


@lru_cache(maxsize=1)
def known_templates() -> frozenset[str]:
    """Template names present in every language (what a policy step may name)."""
    per_language = [{p.stem for p in (TEMPLATES / lang).glob("*.j2") if not p.stem.startswith("_")}
                    for lang in LANGUAGES]
    return frozenset(set.intersection(*per_language))


@lru_cache(maxsize=64)
def _template(name: str, language: str) -> Template:
    return _environment().get_template(f"{language}/{name}.j2")


def _block(template: Template, block: str, variables: dict) -> str:
    render = template.blocks.get(block)
    if render is None:
        return ""
    return "".join(render(template.new_context(variables))).strip()


def render(template: str, language: Language, ctx: MessageContext) -> Rendered:
    """Render `template` in `language`; ValueError for an unknown template or language."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: one of {', '.join(LANGUAGES)}")
    if template not in known_templates():
        raise ValueError(f"unknown template {template!r}")
    compiled = _template(template, language)
    # Fields as variables (`customer_name`) and the whole context as `ctx`; `lang` for filters.
    variables = {field: getattr(ctx, field) for field in ctx.__dataclass_fields__}
    variables.update(ctx=ctx, lang=language, contact_name=ctx.contact_name or ctx.customer_name)
    text = _block(compiled, "text", variables)
    if template in SMS_TEMPLATES:
        if len(text) > SMS_MAX_CHARS:
            raise ValueError(f"{template} renders {len(text)} characters, more than {SMS_MAX_CHARS}")
        return Rendered(subject="", text=text, html=None)
    subject = " ".join(_block(compiled, "subject", variables).split())
    return Rendered(subject=subject, text=text, html=_block(compiled, "html", variables) or None)


__all__ = ["render", "known_templates", "money", "long_date"]

from datetime import date
from decimal import Decimal

import pytest
from jinja2 import UndefinedError

from services.dunning.channels import DunningItem, known_templates, render
from services.dunning.channels.render import SMS_TEMPLATES, _environment, long_date, money
from tests.support.dunning_channels import CUSTOMER_NAME, context

LETTERS = {"pre_due_reminder", "payment_notice", "second_notice", "demand_letter", "lawyer_letter",
           "supply_stop_notice"}


def test_the_templates_a_policy_may_name():
    assert known_templates() == LETTERS | {"sms_reminder", "sms_overdue"}


@pytest.mark.parametrize("language", ["zh-CN", "en"])
@pytest.mark.parametrize("template", sorted(LETTERS))
def test_every_letter_renders_subject_text_and_html(template, language):
    rendered = render(template, language, context(language))
    assert rendered.subject and "\n" not in rendered.subject
    for body in (rendered.text, rendered.html):
        assert CUSTOMER_NAME in body
        assert "INV-2026-0001" in body and "INV-2026-0002" in body
        assert ("人民币13,145.60元" if language == "zh-CN" else "CNY 13,145.60") in body
        assert "act-0001" in body
    assert rendered.html.startswith("<html") and rendered.html.rstrip().endswith("</html>")


@pytest.mark.parametrize("language", ["zh-CN", "en"])
@pytest.mark.parametrize("template", sorted(SMS_TEMPLATES))
def test_sms_is_short_text_only(template, language):
    rendered = render(template, language, context(language))
    assert rendered.html is None and rendered.subject == ""
    assert CUSTOMER_NAME in rendered.text and "act-0001" in rendered.text
    assert len(rendered.text) <= 160


def test_demand_letter_has_charges_deadline_clauses_consequences_and_receipt():
    zh = render("demand_letter", "zh-CN", context()).text
    # 13145.60 + 394.37 = 13539.97
    assert "人民币394.37元" in zh and "人民币13,539.97元" in zh
    assert "2026年12月16日前" in zh
    assert "违约金" in zh and "诉讼" in zh and "签收回执" in zh
    en = render("demand_letter", "en", context("en")).text
    assert "CNY 394.37" in en and "CNY 13,539.97" in en and "16 December 2026" in en
    assert "penalty" in en and "legal action" in en and "ACKNOWLEDGEMENT OF RECEIPT" in en


def test_demand_letter_without_late_charges_or_deadline():
    text = render("demand_letter", "en", context("en", late_charges=None, pay_by=None)).text
    assert "Late charges" not in text and "no later than" not in text


def test_html_escapes_what_the_customer_typed():
    rendered = render("payment_notice", "en", context("en", customer_name="<b>Evil & Co</b>"))
    assert "&lt;b&gt;Evil &amp; Co&lt;/b&gt;" in rendered.html
    assert "<b>Evil & Co</b>" in rendered.text  # plain text is not HTML


def test_a_missing_field_fails_loudly():
    with pytest.raises(UndefinedError):
        _environment().from_string("{{ customer_nmae }}").render(customer_name="x")


def test_unknown_template_or_language():
    with pytest.raises(ValueError, match="unknown template"):
        render("nope", "en", context("en"))
    with pytest.raises(ValueError, match="unknown language"):
        render("payment_notice", "fr", context("en"))  # type: ignore[arg-type]


def test_money_uses_the_currency_minor_units():
    assert money(Decimal("1234.5"), "CNY") == "CNY 1,234.50"
    assert money(Decimal("1234.5"), "CNY", "zh-CN") == "人民币1,234.50元"
    assert money(Decimal("1000000"), "JPY") == "JPY 1,000,000"
    assert money(Decimal("1.5"), "KWD") == "KWD 1.500"
    assert money(Decimal("99"), "USD", "zh-CN") == "99.00美元"
    with pytest.raises(TypeError):
        money(1.5, "CNY")  # type: ignore[arg-type]


def test_dates_per_language():
    assert long_date(date(2026, 3, 9), "zh-CN") == "2026年3月9日"
    assert long_date(date(2026, 3, 9), "en") == "9 March 2026"


def test_pre_due_reminder_before_due_shows_no_days_overdue():
    items = (DunningItem("INV-9", Decimal("10"), "CNY", date(2026, 12, 9), -7),)
    rendered = render("pre_due_reminder", "en", context("en", items=items, total=Decimal("10")))
    assert "overdue" not in rendered.text and "9 December 2026" in rendered.text
    sms = render("sms_reminder", "zh-CN", context(items=items, total=Decimal("10")))
    assert "2026年12月9日到期" in sms.text


def test_without_a_contact_name_the_customer_is_greeted():
    assert render("payment_notice", "zh-CN", context(contact_name=None)).text.startswith(f"{CUSTOMER_NAME}，您好")
    assert render("payment_notice", "en", context("en", contact_name=None)).text.startswith(f"Dear {CUSTOMER_NAME},")

"""The dashboard page: key numbers as text, both languages, self-contained, escaped."""
import re
from dataclasses import replace
from decimal import Decimal

import pytest

from services.reporting.outputs.dashboard import percent, render
from tests.support.reporting_outputs import dashboard_data


def value_of(page: str, key: str) -> tuple[str, str]:
    match = re.search(rf'id="kpi-{key}" data-value="([^"]*)">([^<]*)<', page)
    assert match, key
    return match.group(1), match.group(2)


def test_key_numbers_are_on_the_page_as_text():
    page = render(dashboard_data(), "en")
    assert value_of(page, "total") == ("1350.50", "1,350.50")
    assert value_of(page, "overdue") == ("350.50", "350.50")
    assert value_of(page, "overdue-rate")[1] == "26.0%"  # 350.50 / 1350.50
    assert value_of(page, "dso") == ("52", "52.0")  # the curve's last point
    assert value_of(page, "benchmark") == ("45", "45.0")
    assert "1,000.00" in page and "300.00" in page and "2026-11-30" in page


def test_an_explicit_dso_wins_over_the_curve():
    assert value_of(render(replace(dashboard_data(), dso=Decimal("47.25")), "en"), "dso")[1] == "47.3"


@pytest.mark.parametrize("lang,title,switch", [
    ("zh-CN", "应收账款看板", "?lang=en&amp;as_of=2026-11-30&amp;currency=CNY"),
    ("en", "Receivables dashboard", "?lang=zh-CN&amp;as_of=2026-11-30&amp;currency=CNY")])
def test_each_language_and_the_switch_to_the_other(lang, title, switch):
    page = render(dashboard_data(), lang)
    assert f'<html lang="{lang}">' in page and title in page
    assert f'href="{switch}"' in page


def test_nothing_is_loaded_from_outside_and_no_script_runs():
    page = render(dashboard_data(), "zh-CN")
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "url(" not in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_outside_names_are_escaped():
    page = render(dashboard_data(), "en")
    assert "Acme <Trading>" not in page and "Acme &lt;Trading&gt;" in page


def test_rag_flags_and_warnings_are_shown():
    page = render(dashboard_data(), "zh-CN")
    assert 'class="flag flag-red"' in page and ">红<" in page and ">绿<" in page
    assert "逾期超限" in page and "33.3%" in page
    assert "Overdue beyond the limit" in render(dashboard_data(), "en")


def test_an_empty_book_renders():
    empty = replace(dashboard_data(), bucket_totals=[Decimal(0)] * 3, aging_rows=[], dso_points=[], top_overdue=[],
                    rag=[], warnings=[], benchmark=None)
    page = render(empty, "en")
    assert value_of(page, "total")[1] == "0.00" and value_of(page, "overdue-rate")[1] == "—"
    assert "No data" in page


def test_percent_rounds_half_up_to_a_tenth():
    assert percent(Decimal("0.12345")) == "12.3%" and percent(Decimal("0.0005")) == "0.1%" and percent(None) == "—"

import io

import pytest
from pypdf import PdfReader

from services.dunning.channels import letter_pdf, render
from services.dunning.channels.letter import FontMissing, find_font
from tests.support.dunning_channels import CUSTOMER_NAME, context


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_chinese_demand_letter_extracts_back():
    ctx = context()
    pdf = letter_pdf(render("demand_letter", "zh-CN", ctx), ctx)
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    assert CUSTOMER_NAME in text
    assert "人民币13,145.60元" in text
    assert "签收回执" in text


def test_english_letter_with_chinese_names():
    ctx = context("en")
    text = text_of(letter_pdf(render("lawyer_letter", "en", ctx), ctx))
    assert CUSTOMER_NAME in text and "CNY 13,145.60" in text


def test_font_override_must_exist():
    with pytest.raises(FontMissing):
        find_font("/nonexistent/font.ttf")

"""Letters as PDF (fpdf2), with a CJK font so Chinese text renders and extracts back.

The font is a system file (scripts/system-deps.sh installs fonts-wqy-microhei), or
AR_DUNNING_LETTER_FONT; fpdf2 embeds only the glyphs a letter uses.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

from services.dunning.channels.model import MessageContext, Rendered
from services.dunning.channels.render import long_date

# Searched in order; each has the CJK glyphs a Chinese letter needs (and Latin ones).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
FAMILY = "cjk"
CUT_LINE = "- - - - -"  # the templates' line above a receipt slip


class FontMissing(RuntimeError):
    """No CJK font: install fonts-wqy-microhei (scripts/system-deps.sh) or set AR_DUNNING_LETTER_FONT."""


@lru_cache(maxsize=4)
def find_font(override: str | None = None) -> str:
    if override:
        if not Path(override).is_file():
            raise FontMissing(f"AR_DUNNING_LETTER_FONT={override!r} is not a file")
        return override
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    raise FontMissing("no CJK font found: run scripts/system-deps.sh or set AR_DUNNING_LETTER_FONT "
                      f"(looked for {', '.join(FONT_CANDIDATES)})")


def letter_pdf(rendered: Rendered, ctx: MessageContext, *, font: str | None = None) -> bytes:
    """The letter on A4: letterhead, date, addressee, subject, then the text as rendered.

    The body is the template's plain text (its receipt slip included), so what is printed
    and what was e-mailed say the same. `font` overrides the font search (config).
    """
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 20, 20)
    pdf.set_title(rendered.subject or ctx.reference)
    pdf.set_author(ctx.company.name or "receivables")
    pdf.set_creator("receivables dunning")
    pdf.add_font(FAMILY, "", find_font(font))
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(FAMILY, size=14)
    pdf.multi_cell(width, 8, ctx.company.name or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9)
    head = "  ".join(part for part in (ctx.company.address, ctx.company.phone, ctx.company.email) if part)
    if head:
        pdf.multi_cell(width, 5, head, new_x="LMARGIN", new_y="NEXT")
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.l_margin + width, pdf.get_y() + 2)
    pdf.ln(6)

    pdf.set_font(FAMILY, size=10)
    pdf.multi_cell(width, 6, f"{long_date(ctx.today, ctx.language)}    {ctx.reference}", align="R",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if rendered.subject:
        pdf.set_font(FAMILY, size=12)
        pdf.multi_cell(width, 7, rendered.subject, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.set_font(FAMILY, size=10)
    for line in rendered.text.splitlines():
        if line.startswith(CUT_LINE) and pdf.get_y() > pdf.eph - 40:
            pdf.add_page()  # the receipt slip is cut off and returned: never split across pages
        # An empty line is a paragraph break; multi_cell wraps long lines (CJK has no spaces,
        # fpdf2 breaks between any two characters when a word does not fit).
        pdf.multi_cell(width, 5.5, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

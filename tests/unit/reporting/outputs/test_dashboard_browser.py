"""The dashboard in a real headless Chromium (Debian's, from scripts/system-deps.sh):
a screenshot that is a drawn page, and the key numbers in the rendered DOM."""
import pytest

from services.reporting.outputs.dashboard import render
from tests.support import chromium
from tests.support.reporting_outputs import dashboard_data

pytestmark = pytest.mark.skipif(chromium.binary() is None, reason="chromium not installed (scripts/system-deps.sh)")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_chromium_draws_the_dashboard_and_shows_its_numbers(tmp_path, lang):
    page = tmp_path / "dashboard.html"
    page.write_text(render(dashboard_data(), lang), encoding="utf-8")
    url = page.as_uri()

    dom = chromium.dump_dom(url)
    for number in ("1,350.50", "350.50", "26.0%", "52.0", "1,000.00", "300.00 · 45", "2026-11-30"):
        assert number in dom, number
    assert "<svg" in dom

    image = chromium.read_png(chromium.screenshot(url, 1280, 1400))
    assert (image.width, image.height) == (1280, 1400)
    assert image.pixel(5, 5)[:3] == (0x1F, 0x3A, 0x5F)  # the header band is painted
    colours = image.colours(step=6)
    assert len(colours) > 50  # text, charts and bars, not a blank page
    assert (0x4C, 0xAF, 0x50) in colours  # the current bucket's green bars

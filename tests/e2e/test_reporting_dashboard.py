"""The dashboard served by the reporting service itself (embedded product on a real port),
opened in Debian's headless Chromium: signed in with an API key as the Basic password, the
page drawn (screenshot), and its key numbers the same as the API's."""
import asyncio
import re
from decimal import Decimal

import pytest

from tests.support import chromium
from tests.support.embedded import ADMIN_KEY, embedded_product
from tests.support.reporting import BASE, dispute, ledger, recorded_invoice

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(chromium.binary() is None, reason="chromium not installed (scripts/system-deps.sh)")]


def kpi(dom: str, key: str) -> tuple[str, str]:
    match = re.search(rf'id="kpi-{key}" data-value="([^"]*)">([^<]*)<', dom)
    assert match, key
    return match.group(1), match.group(2)


async def test_the_dashboard_in_chromium_shows_the_apis_numbers(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        await ledger(client, recorded_invoice("I-1", "A", "2026-03-01", "2026-03-31", "100.00", region="East"),
                     recorded_invoice("I-2", "A", "2026-05-01", "2026-05-31", "50.00", region="East"),
                     recorded_invoice("I-3", "B", "2026-05-20", "2026-06-19", "200.00", region="West"),
                     recorded_invoice("I-4", "C", "2026-01-10", "2026-02-09", "75.50", region="West"),
                     dispute("D-1", "I-3", "B", "2026-05-25", "80.00"))
        aging = (await client.get(f"{BASE}/aging?group_by=region")).json()
        rolling = (await client.get(f"{BASE}/dso/rolling")).json()
        total = Decimal(aging["total"]["total"])
        overdue = sum(Decimal(v) for k, v in aging["total"].items() if k not in ("current", "disputed", "total"))

        async with chromium.serve(client.host.app()) as base:
            host = base.removeprefix("http://")
            page = f"http://reader:{ADMIN_KEY}@{host}/reporting/dashboard"
            refused = await asyncio.to_thread(chromium.dump_dom, f"{base}/reporting/dashboard")
            dom = await asyncio.to_thread(chromium.dump_dom, f"{page}?lang=en")
            dom_zh = await asyncio.to_thread(chromium.dump_dom, page)
            png = await asyncio.to_thread(chromium.screenshot, f"{page}?lang=en", 1280, 1600)

    assert "kpi-total" not in refused  # no key: the browser is asked for one
    assert kpi(dom, "total") == (format(total, "f"), f"{total:,.2f}") == ("425.50", "425.50")
    assert kpi(dom, "overdue")[0] == format(overdue, "f") == "225.50"
    assert kpi(dom, "disputed")[0] == aging["total"]["disputed"] == "80.00"
    assert "Receivables dashboard" in dom and "2026-06-01" in dom
    assert kpi(dom, "dso")[0] == rolling["points"][-1]["dso"] and kpi(dom, "benchmark")[0] == rolling["benchmark"]
    assert len(re.findall(r"<circle ", dom)) == len([p for p in rolling["points"] if p["dso"] is not None])
    for label, amount in aging["total"].items():
        if label not in ("total", "disputed"):
            assert f'data-value="{amount}"' in dom, label
    assert "应收账款看板" in dom_zh and kpi(dom_zh, "total")[0] == "425.50"
    assert re.search(r">C<.*?75\.50", dom, re.S)  # the most overdue customer, in the top list

    image = chromium.read_png(png)
    assert (image.width, image.height) == (1280, 1600)
    assert image.pixel(5, 5)[:3] == (0x1F, 0x3A, 0x5F)  # the header band
    assert len(image.colours(step=6)) > 50 and (0x4C, 0xAF, 0x50) in image.colours(step=2)


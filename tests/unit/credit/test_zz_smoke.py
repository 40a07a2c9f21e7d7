from datetime import date
from tests.support.embedded import embedded_product
from shared.events.ledger import InvoiceIssuedV1
import sys; sys.path.insert(0, "tests/unit/credit")
from credit_api import keys, ledger, customer, approve_limit, check, SCORES

async def test_smoke(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        c = await customer(client, "C1")
        print(c)
        r = await client.post("/credit/v1/customers/C1/assessments", json={"scores": SCORES}, headers=k["finance"])
        print(r.status_code, r.text[:2000])
        await approve_limit(client, k, "C1", "100000")
        await ledger(client, InvoiceIssuedV1(invoice_number="I1", customer_id="C1", issue_date=date(2026,5,1), due_date=date(2026,5,31), amount="20000", currency="CNY"))
        r = await check(client, k, "C1", "5000", "SO-1", reserve=True)
        print(r.status_code, r.text)
        r = await client.get("/credit/v1/customers/C1")
        print(r.status_code, r.text[:3000])
        r = await client.get("/credit/v1/customers/C1/history")
        print(r.status_code, r.text[:3000])

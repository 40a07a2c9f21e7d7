"""Message contexts for dunning's channel tests: a Chinese customer, two overdue invoices."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.dunning.channels import CompanyInfo, DunningItem, MessageContext, OutgoingMessage

COMPANY = CompanyInfo(name="华东机械有限公司", address="上海市浦东新区张江路 88 号", phone="021-5555-0100",
                      bank_account="中国工商银行 1001 2345 6789 0000", email="ar@huadong.example")
CUSTOMER_NAME = "杭州星辰贸易有限公司"


def context(language: str = "zh-CN", **overrides) -> MessageContext:
    items = (DunningItem("INV-2026-0001", Decimal("12345.60"), "CNY", date(2026, 10, 1), 62),
             DunningItem("INV-2026-0002", Decimal("800"), "CNY", date(2026, 10, 5), 58))
    fields = dict(customer_id="C-001", customer_name=CUSTOMER_NAME, contact_name="王经理", language=language,
                  items=items, total=Decimal("13145.60"), currency="CNY", today=date(2026, 12, 2),
                  pay_by=date(2026, 12, 16), late_charges=Decimal("394.37"), case_id="case-1",
                  reference="act-0001", collector="李娜", company=COMPANY)
    fields.update(overrides)
    return MessageContext(**fields)


def email_message(to: str = "wang@xingchen.example", **overrides) -> OutgoingMessage:
    fields = dict(channel="email", to=to, subject="付款通知", text="请付款。", html="<p>请付款。</p>",
                  language="zh-CN", reference="act-0001")
    fields.update(overrides)
    return OutgoingMessage(**fields)

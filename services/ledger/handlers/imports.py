"""Opening balances and bulk import (CSV / XLSX with a column mapping).

Every row is validated with the same rules as the API (an invoice, and a payment when
the row says it was paid or settled) and, against what is stored, for conflicting
numbers. The result lists every rejected row with its row number, field and reason.
Nothing is imported unless every row is valid, or the caller asked for the valid rows
only; a dry run imports nothing. The import is one transaction: invoices in bulk, then
payments in date order, then disputes, each through the ledger's normal handlers (so
the usual events are published for the other services).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from services.ledger.deps import LedgerDeps
from services.ledger.handlers import disputes as dispute_handlers
from services.ledger.handlers.common import new_id
from services.ledger.handlers.import_files import read_rows
from services.ledger.handlers.invoices import REFS, NewInvoice, normalize, record_invoices
from services.ledger.handlers.payments import normalize_payment, record_payments
from services.ledger.repository import cash as cash_repo
from services.ledger.repository import invoices as invoice_repo
from services.ledger.repository import imports as repo
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import RuleError
from shared.events.ledger import InvoiceIssuedV1, PaymentReceivedV1
from shared.money import CurrencyCode, Money, MoneyError

FIELDS = ("invoice_number", "customer_id", "issue_date", "due_date", "payment_terms", "shipment_date",
          "receipt_date", "amount",
          "currency", "contract_ref", "delivery_ref", "order_ref", "region", "product_line", "customer_type",
          "salesperson", "paid_amount", "paid_date", "settled_date", "payment_reference", "disputed")
REQUIRED = ("invoice_number", "customer_id", "issue_date", "amount")
DATES = ("issue_date", "due_date", "shipment_date", "receipt_date", "paid_date", "settled_date")
TRUE = {"yes", "y", "true", "1", "x", "是"}


class ImportMapping(BaseModel):
    """How the file's columns map to the ledger's fields."""
    columns: dict[str, str] = Field(description=f"ledger field -> column header; fields: {', '.join(FIELDS)}",
                                    examples=[{"invoice_number": "invoiceNumber", "customer_id": "customerID",
                                               "issue_date": "InvoiceDate", "due_date": "DueDate",
                                               "amount": "InvoiceAmount", "settled_date": "SettledDate"}])
    date_format: str | None = Field(None, description="strptime format of text dates, e.g. %m/%d/%Y; default ISO",
                                    examples=["%m/%d/%Y"])
    currency: CurrencyCode | None = Field(None, description="currency of every row when no currency column")
    payment_terms: str | None = Field(None, description="terms of every row without a due date, e.g. NET30")
    dispute_category: str = "other"

    @field_validator("columns")
    @classmethod
    def _known(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown fields {unknown}; known: {', '.join(FIELDS)}")
        return value


@dataclass
class Row:
    number: int
    invoice: NewInvoice
    payment: PaymentReceivedV1 | None
    disputed: bool


@dataclass
class ImportResult:
    batch_id: str
    file_name: str
    file_format: str
    status: str = "rejected"
    total_rows: int = 0
    valid_rows: int = 0
    already_present: int = 0
    imported_invoices: int = 0
    imported_payments: int = 0
    opened_disputes: int = 0
    rejected: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**self.__dict__, "rejected_rows": len(self.rejected)}


def _check_mapping(mapping: ImportMapping, header: list[str]) -> None:
    cols = mapping.columns
    missing = [f for f in REQUIRED if f not in cols]
    if "currency" not in cols and mapping.currency is None:
        missing.append("currency")
    if not {"due_date", "payment_terms"} & set(cols) and mapping.payment_terms is None:
        missing.append("due_date")
    if missing:
        raise RuleError(f"map or default these fields: {', '.join(missing)}", "mapping.columns", "import.mapping_incomplete")
    absent = sorted(c for c in cols.values() if c not in header)
    if absent:
        raise RuleError(f"columns not in the file's header: {absent}", "mapping.columns", "import.unknown_column")


def _date(value: Any, fmt: str | None, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = str(value)
    try:
        return datetime.strptime(text, fmt).date() if fmt else date.fromisoformat(text)
    except ValueError:
        raise _RowError(name, f"{text!r} is not a date{' in format ' + fmt if fmt else ' (YYYY-MM-DD)'}") from None


def _amount(value: Any, name: str) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise _RowError(name, f"{value!r} is not an amount") from None


class _RowError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def _parse(deps: LedgerDeps, number: int, cells: dict, mapping: ImportMapping, ctx: Context) -> Row:
    raw = {f: cells.get(col) for f, col in mapping.columns.items()}
    for name in DATES:
        raw[name] = _date(raw.get(name), mapping.date_format, name)
    for name in ("amount", "paid_amount"):
        raw[name] = _amount(raw.get(name), name)
    for name in REQUIRED:
        if raw.get(name) is None:
            raise _RowError(name, "is empty")
    currency = raw.get("currency") or mapping.currency
    terms = raw.get("payment_terms") or (mapping.payment_terms if raw.get("due_date") is None else None)
    data = {"invoice_number": str(raw["invoice_number"]), "customer_id": str(raw["customer_id"]),
            "issue_date": raw["issue_date"], "due_date": raw.get("due_date"), "payment_terms": terms,
            "shipment_date": raw.get("shipment_date"), "receipt_date": raw.get("receipt_date"),
            "amount": str(raw["amount"]), "currency": currency}
    data.update({k: str(raw[k]) for k in REFS if raw.get(k) is not None})
    payload = InvoiceIssuedV1.model_validate(data)
    invoice = normalize(deps, payload, ctx)
    paid_on = raw.get("paid_date") or raw.get("settled_date")
    paid = raw.get("paid_amount")
    if paid is None and raw.get("settled_date") is not None:
        paid = payload.amount
    payment = None
    if paid is not None and paid != 0:
        if paid_on is None:
            raise _RowError("paid_date", "a paid amount needs its date")
        if paid < 0 or paid > payload.amount:
            raise _RowError("paid_amount", "must be between 0 and the invoice amount")
        try:
            Money(paid, payload.currency)
        except MoneyError as exc:
            raise _RowError("paid_amount", str(exc)) from None
        reference = str(raw.get("payment_reference") or f"{payload.invoice_number}-PAY")
        payment = PaymentReceivedV1(payment_reference=reference, customer_id=payload.customer_id,
                                    received_date=paid_on, amount=str(paid), currency=payload.currency,
                                    method="other", allocations=[{"invoice_number": payload.invoice_number,
                                                                  "amount": str(paid)}])
    disputed = str(raw.get("disputed") or "").strip().lower() in TRUE
    return Row(number, invoice, payment, disputed)


def _reason(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, _RowError):
        return exc.field, exc.reason
    if isinstance(exc, ValidationError):
        e = exc.errors()[0]
        return ".".join(str(p) for p in e.get("loc", ())) or "row", e.get("msg", "invalid")
    if isinstance(exc, RuleError):
        first = exc.errors[0] if exc.errors else {}
        return first.get("field") or "row", first.get("message") or exc.detail
    return "row", str(exc)


async def validate(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, data: bytes, filename: str,
                   mapping: ImportMapping, max_rows: int) -> tuple[ImportResult, list[Row]]:
    fmt, header, records = read_rows(data, filename, max_rows)
    _check_mapping(mapping, header)
    result = ImportResult(new_id("IMP"), filename or "upload", fmt)
    rows: list[Row] = []
    first_seen: dict[str, int] = {}
    for number, cells in records:
        result.total_rows += 1
        try:
            row = _parse(deps, number, cells, mapping, ctx)
            if row.invoice.number in first_seen:
                raise _RowError("invoice_number", f"duplicate invoice number (first at row {first_seen[row.invoice.number]})")
            first_seen[row.invoice.number] = number
            rows.append(row)
        except Exception as exc:  # every defect of a row is reported, none stops the others
            f, reason = _reason(exc)
            result.rejected.append({"row": number, "field": f, "reason": reason})
    async with uow:  # against what is stored: same number, other content
        stored = await invoice_repo.existing(uow, [r.invoice.number for r in rows])
        paid_hashes = await cash_repo.payment_hashes(uow, [r.payment.payment_reference for r in rows if r.payment])
        kept = []
        for row in rows:
            seen = stored.get(row.invoice.number)
            if seen is not None and seen.content_hash != row.invoice.hash:
                result.rejected.append({"row": row.number, "field": "invoice_number",
                                        "reason": "already recorded with different content"})
                continue
            if row.payment is not None:
                p = row.payment
                paid = paid_hashes.get(p.payment_reference)
                if paid is not None and paid != normalize_payment(p, ctx).hash:
                    result.rejected.append({"row": row.number, "field": "payment_reference",
                                            "reason": "payment reference already recorded with different content"})
                    continue
            if seen is not None:
                result.already_present += 1
            kept.append(row)
    result.rejected.sort(key=lambda r: r["row"])
    result.valid_rows = len(kept)
    return result, kept


async def run_import(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, data: bytes, filename: str,
                     mapping: ImportMapping, *, valid_rows_only: bool = False, dry_run: bool = False) -> ImportResult:
    ctx = replace(ctx, source="import")
    result, rows = await validate(deps, uow, ctx, data, filename, mapping, deps.config.import_max_rows)
    if dry_run:
        result.status = "dry_run"
    elif result.rejected and not valid_rows_only:
        result.status = "rejected"
    else:
        async with uow:
            await _apply(deps, uow, ctx, rows, result)
            result.status = "partially_imported" if result.rejected else "imported"
            await _record(uow, ctx, result)
            await uow.commit()
        return result
    async with uow:
        await _record(uow, ctx, result)
        await uow.commit()
    return result


async def _apply(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, rows: list[Row], result: ImportResult) -> None:
    outcomes = await record_invoices(deps, uow, [(r.invoice.payload, ctx) for r in rows])
    result.imported_invoices = sum(o.created for o in outcomes)
    paid = sorted((r for r in rows if r.payment), key=lambda r: (r.payment.received_date, r.number))
    outcomes = await record_payments(deps, uow, [(r.payment, ctx) for r in paid])
    result.imported_payments = sum(o.created for o in outcomes)
    for row in rows:
        if row.disputed and (row.payment is None or row.payment.amount < row.invoice.payload.amount):
            try:
                await dispute_handlers.open_(deps, uow, ctx, row.invoice.number, category="other",
                                             note=f"imported as disputed (row {row.number})",
                                             opened_date=row.invoice.payload.issue_date)
                result.opened_disputes += 1
            except RuleError as exc:
                if exc.status != 409:  # already disputed: a re-import
                    raise


async def _record(uow: UnitOfWork, ctx: Context, result: ImportResult) -> None:
    await repo.insert_import_batch(uow, {
        "id": result.batch_id, "file_name": result.file_name[:300], "file_format": result.file_format,
        "status": result.status, "total_rows": result.total_rows, "valid_rows": result.valid_rows,
        "rejected_rows": len(result.rejected), "imported_invoices": result.imported_invoices,
        "imported_payments": result.imported_payments,
        "result": json.dumps(result.as_dict(), default=str, ensure_ascii=False), "actor": ctx.actor[:100],
        "created_at": ctx.now})

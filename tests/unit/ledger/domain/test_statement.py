import csv
import io
from datetime import date

import pytest

from shared.money import Money
from services.ledger.domain.balance import customer_balance
from services.ledger.domain.instalments import single_instalment
from services.ledger.domain.movements import Application, Movement, MovementKind as K
from services.ledger.domain.statement import CSV_HEADER, StatementError, build_statement, statement_csv


def cny(value: str) -> Money:
    return Money.of(value, "CNY")


MOVES = [
    Movement.invoice("INV-1", date(2024, 1, 5), single_instalment(cny("1000"), date(2024, 2, 4))),
    Movement(K.PAYMENT, date(2024, 1, 20), cny("300"), "PAY-1", (Application("INV-1", 1, cny("300")),)),
    Movement.invoice("INV-2", date(2024, 2, 3), single_instalment(cny("500.50"), date(2024, 3, 4))),
    Movement(K.CREDIT_NOTE, date(2024, 2, 1), cny("100"), "CN-1", (Application("INV-1", 1, cny("100")),)),
    Movement(K.PAYMENT, date(2024, 2, 10), cny("700"), "PAY-2", (Application("INV-2", 1, cny("500.50")),)),
    Movement(K.CASH_APPLICATION, date(2024, 2, 12), cny("199.50"), "",
             (Application("INV-1", 1, cny("199.50")),)),
    Movement(K.PAYMENT_REVERSAL, date(2024, 2, 15), cny("700"), "PAY-2",  # also re-opens what its cash paid
             (Application("INV-2", 1, cny("500.50")), Application("INV-1", 1, cny("199.50")))),
    Movement.invoice("INV-3", date(2024, 3, 1), single_instalment(cny("10"), date(2024, 3, 31))),
]


def test_opening_lines_running_and_closing_balance():
    st = build_statement(MOVES, date(2024, 2, 1), date(2024, 2, 29), "CNY")
    assert st.opening_balance == cny("700")
    assert [(l.effective_date, l.kind, l.reference) for l in st.lines] == [
        (date(2024, 2, 1), K.CREDIT_NOTE, "CN-1"), (date(2024, 2, 3), K.INVOICE, "INV-2"),
        (date(2024, 2, 10), K.PAYMENT, "PAY-2"), (date(2024, 2, 15), K.PAYMENT_REVERSAL, "PAY-2")]
    assert [l.balance for l in st.lines] == [cny("600"), cny("1100.50"), cny("400.50"), cny("1100.50")]
    assert [l.debit for l in st.lines] == [None, cny("500.50"), None, cny("700")]
    assert [l.credit for l in st.lines] == [cny("100"), None, cny("700"), None]
    assert st.closing_balance == cny("1100.50")
    assert st.closing_balance == customer_balance(MOVES, date(2024, 2, 29), "CNY").balance


def test_period_bounds_are_inclusive_and_internal_moves_are_not_listed():
    st = build_statement(MOVES, date(2024, 2, 12), date(2024, 2, 12), "CNY")
    assert st.lines == ()  # the cash application changes nothing for the customer
    assert st.opening_balance == st.closing_balance == cny("400.50")
    one_day = build_statement(MOVES, date(2024, 1, 5), date(2024, 1, 5), "CNY")
    assert [l.reference for l in one_day.lines] == ["INV-1"]


def test_period_and_currency_errors():
    with pytest.raises(StatementError) as err:
        build_statement(MOVES, date(2024, 2, 2), date(2024, 2, 1), "CNY")
    assert err.value.rule == "statement.period"
    with pytest.raises(StatementError) as err:
        build_statement(MOVES, date(2024, 2, 1), date(2024, 2, 2), "USD")
    assert err.value.field == "movements[0].amount"


def test_csv_rendering():
    st = build_statement(MOVES, date(2024, 2, 1), date(2024, 2, 29), "CNY")
    text = statement_csv(st)
    assert text.startswith("date,type,reference,debit,credit,balance,currency\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[1] == ["2024-02-01", "opening_balance", "", "", "", "700.00", "CNY"]
    assert rows[2] == ["2024-02-01", "credit_note", "CN-1", "", "100.00", "600.00", "CNY"]
    assert rows[3] == ["2024-02-03", "invoice", "INV-2", "500.50", "", "1100.50", "CNY"]
    assert rows[-1] == ["2024-02-29", "closing_balance", "", "", "", "1100.50", "CNY"]
    assert len(rows) == 1 + 1 + 4 + 1


def test_csv_neutralises_formula_like_references_and_keeps_jpy_without_decimals():
    moves = [Movement.invoice("=HYPERLINK(1)", date(2024, 1, 1),
                              single_instalment(Money.of("1000", "JPY"), date(2024, 1, 31)))]
    rows = list(csv.reader(io.StringIO(statement_csv(build_statement(moves, date(2024, 1, 1),
                                                                     date(2024, 1, 31), "JPY")))))
    assert rows[2][2] == "'=HYPERLINK(1)"
    assert rows[2][3] == "1000" and rows[2][5] == "1000"


def test_negative_balances_render_as_plain_decimals():
    moves = [Movement(K.PAYMENT, date(2024, 1, 2), cny("5"), "PAY-9")]
    rows = list(csv.reader(io.StringIO(statement_csv(build_statement(moves, date(2024, 1, 1),
                                                                     date(2024, 1, 31), "CNY")))))
    assert rows[2][5] == "-5.00"

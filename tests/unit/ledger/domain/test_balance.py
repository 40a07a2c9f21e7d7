from datetime import date

import pytest

from shared.money import Money
from services.ledger.domain.balance import BalanceError, customer_balance, signed_total
from services.ledger.domain.instalments import Instalment, single_instalment
from services.ledger.domain.movements import Application, Movement, MovementError, MovementKind as K


def cny(value: str) -> Money:
    return Money.of(value, "CNY")


def invoice(number: str, issued: date, due: date, amount: str) -> Movement:
    return Movement.invoice(number, issued, single_instalment(cny(amount), due))


def move(kind: K, when: date, amount: str, *apps: tuple[str, int, str], ref: str = "") -> Movement:
    return Movement(kind, when, cny(amount), ref, tuple(Application(n, s, cny(a)) for n, s, a in apps))


JAN, FEB, MAR, APR = date(2024, 1, 10), date(2024, 2, 10), date(2024, 3, 10), date(2024, 4, 10)
HISTORY = [
    invoice("A", JAN, date(2024, 2, 9), "1000"),
    Movement.invoice("B", FEB, (Instalment(1, date(2024, 2, 20), cny("300")),
                                Instalment(2, date(2024, 4, 1), cny("700")))),
    move(K.PAYMENT, FEB, "1200", ("A", 1, "1000"), ref="P1"),  # 200 unapplied
    move(K.CASH_APPLICATION, FEB, "200", ("B", 1, "200")),
    move(K.CREDIT_NOTE, MAR, "50", ("B", 1, "50"), ref="CN1"),
    move(K.WRITE_OFF, MAR, "50", ("B", 1, "50")),
    move(K.PAYMENT, MAR, "100"),  # all unapplied
    move(K.REFUND, APR, "40"),
    move(K.WRITE_OFF_RECOVERY, APR, "20", ref="WO1"),
]


def test_signs_of_the_movement_kinds():
    assert [k.sign for k in K] == [1, -1, -1, -1, 1, 1, 0, 0]


def test_balance_identity_and_components_as_of_the_end():
    b = customer_balance(HISTORY, APR, "CNY")
    assert b.balance == cny("640")  # 2000 - (1200 + 100) - 50 - 50 + 40
    assert b.open_amount == cny("700")  # B/2
    assert b.unapplied_cash == cny("60")  # 200 - 200 + 100 - 40
    assert b.balance == b.open_amount - b.unapplied_cash
    assert b.overdue_amount == cny("700")  # B/2 was due 1 April


def test_balance_excludes_movements_after_as_of():
    b = customer_balance(HISTORY, date(2024, 2, 15), "CNY")
    assert b.balance == cny("800")
    assert b.open_amount == cny("800") and b.unapplied_cash == cny("0")
    assert b.overdue_amount == cny("0")
    assert customer_balance(HISTORY, date(2024, 1, 1), "CNY").balance == cny("0")


def test_overdue_amount_uses_instalment_due_dates():
    b = customer_balance(HISTORY[:2], date(2024, 2, 21), "CNY")
    assert b.overdue_amount == cny("1300")  # A (due 2/9) and B/1 (due 2/20); B/2 not yet due
    assert customer_balance(HISTORY[:2], date(2024, 2, 20), "CNY").overdue_amount == cny("1000")


def test_written_off_and_recovered_totals():
    b = customer_balance(HISTORY, APR, "CNY")
    assert b.written_off == cny("50") and b.recovered == cny("20")
    assert {i.key: i.open_amount for i in b.items} == {("A", 1): cny("0"), ("B", 1): cny("0"),
                                                       ("B", 2): cny("700")}
    assert [i.key for i in b.open_items()] == [("B", 2)]


def test_payment_reversal_reopens_items_and_takes_back_unapplied_cash():
    history = HISTORY[:3] + [move(K.PAYMENT_REVERSAL, MAR, "1200", ("A", 1, "1000"), ref="P1")]
    b = customer_balance(history, MAR, "CNY")
    assert b.balance == cny("2000") and b.unapplied_cash == cny("0") and b.open_amount == cny("2000")


def test_signed_total_matches_the_balance():
    for day in (JAN, FEB, MAR, APR):
        assert signed_total(HISTORY, day, "CNY") == customer_balance(HISTORY, day, "CNY").balance


def test_inconsistent_histories_are_refused():
    with pytest.raises(BalanceError) as err:
        customer_balance([move(K.PAYMENT, JAN, "10", ("Z", 1, "10"))], JAN, "CNY")
    assert err.value.rule == "balance.unknown_item" and err.value.field == "movements[0].applications[0]"
    with pytest.raises(BalanceError) as err:  # applied to an invoice that is only effective later
        customer_balance([invoice("A", FEB, FEB, "10"), move(K.PAYMENT, JAN, "10", ("A", 1, "10"))], JAN, "CNY")
    with pytest.raises(BalanceError) as err:
        customer_balance([invoice("A", JAN, FEB, "10"), move(K.PAYMENT, JAN, "10", ("A", 1, "10")),
                          move(K.CREDIT_NOTE, JAN, "5", ("A", 1, "5"))], JAN, "CNY")
    assert err.value.rule == "balance.over_applied"
    with pytest.raises(BalanceError) as err:
        customer_balance([move(K.REFUND, JAN, "5")], JAN, "CNY")
    assert err.value.rule == "balance.unapplied_negative"
    with pytest.raises(BalanceError) as err:
        customer_balance([invoice("A", JAN, FEB, "10"), invoice("A", JAN, FEB, "10")], JAN, "CNY")
    assert err.value.rule == "balance.duplicate_invoice"
    with pytest.raises(BalanceError) as err:
        customer_balance([Movement(K.PAYMENT, JAN, Money.of("1", "USD"))], JAN, "CNY")
    assert err.value.field == "movements[0].amount"


def test_movement_validation():
    with pytest.raises(MovementError):
        move(K.PAYMENT, JAN, "0")
    with pytest.raises(MovementError) as err:
        move(K.PAYMENT, JAN, "10", ("A", 1, "11"))
    assert err.value.rule == "movement.over_applied"
    with pytest.raises(MovementError) as err:
        move(K.WRITE_OFF, JAN, "10", ("A", 1, "5"))
    assert err.value.rule == "movement.fully_applied"
    with pytest.raises(MovementError):
        move(K.CASH_APPLICATION, JAN, "10")
    with pytest.raises(MovementError):
        move(K.REFUND, JAN, "10", ("A", 1, "5"))
    with pytest.raises(MovementError) as err:
        Movement(K.PAYMENT, JAN, cny("10"), "", (Application("A", 1, Money.of("1", "USD")),))
    assert err.value.field == "applications[0].amount"
    with pytest.raises(MovementError):
        Movement(K.INVOICE, JAN, cny("10"), "A", (), (Instalment(1, FEB, cny("9")),))
    with pytest.raises(MovementError):
        Movement(K.INVOICE, JAN, cny("10"), "", (), (Instalment(1, FEB, cny("10")),))
    with pytest.raises(MovementError):
        Movement(K.INVOICE, JAN, cny("10"), "A")
    with pytest.raises(MovementError):
        Movement.invoice("A", JAN, ())
    assert Movement("payment", JAN, cny("10")).kind is K.PAYMENT  # type: ignore[arg-type]


def test_unapplied_delta_per_kind():
    assert move(K.PAYMENT, JAN, "10", ("A", 1, "4")).unapplied_delta == cny("6")
    assert move(K.CREDIT_NOTE, JAN, "10", ("A", 1, "4")).unapplied_delta == cny("6")
    assert move(K.PAYMENT_REVERSAL, JAN, "10", ("A", 1, "4")).unapplied_delta == cny("-6")
    assert move(K.REFUND, JAN, "10").unapplied_delta == cny("-10")
    assert move(K.CASH_APPLICATION, JAN, "10", ("A", 1, "10")).unapplied_delta == cny("-10")
    assert move(K.WRITE_OFF, JAN, "10", ("A", 1, "10")).unapplied_delta == cny("0")
    assert move(K.WRITE_OFF_RECOVERY, JAN, "10").signed == cny("0")

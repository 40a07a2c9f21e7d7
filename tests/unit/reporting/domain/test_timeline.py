"""An invoice's facts → what each instalment had open, with which due date, on any date;
the same whatever order the facts came in."""
from datetime import date

from services.reporting.domain.timeline import Fact, Instalment, Span, open_at, spans

D = date.fromisoformat
ONE = [Instalment(1, D("2026-03-31"), 10000)]


def test_an_invoice_alone_is_open_from_its_issue_date():
    assert spans(D("2026-03-01"), ONE, []) == [Span(1, D("2026-03-31"), 10000, D("2026-03-01"), None)]


def test_a_payment_splits_the_span_on_its_effective_date():
    out = spans(D("2026-03-01"), ONE, [Fact("allocation", D("2026-04-15"), 4000, 1)])
    assert out == [Span(1, D("2026-03-31"), 10000, D("2026-03-01"), D("2026-04-15")),
                   Span(1, D("2026-03-31"), 6000, D("2026-04-15"), None)]
    assert [s.open_minor for s in open_at(out, D("2026-04-14"))] == [10000]
    assert [s.open_minor for s in open_at(out, D("2026-04-15"))] == [6000]
    assert open_at(out, D("2026-02-28")) == []


def test_order_of_arrival_does_not_matter_and_settlement_closes():
    facts = [Fact("settled", D("2026-05-01"), key="s"), Fact("allocation", D("2026-04-15"), 4000, 1, key="a")]
    assert spans(D("2026-03-01"), ONE, facts) == spans(D("2026-03-01"), ONE, facts[::-1])
    assert open_at(spans(D("2026-03-01"), ONE, facts), D("2026-05-01")) == []


def test_a_credit_note_comes_off_the_oldest_due_first_and_a_reversal_reopens():
    two = [Instalment(1, D("2026-04-30"), 5000), Instalment(2, D("2026-05-31"), 5000)]
    out = spans(D("2026-04-01"), two, [Fact("credit_note", D("2026-04-10"), 7000),
                                       Fact("allocation", D("2026-04-05"), 1000, 2, key="p"),
                                       Fact("reversal", D("2026-04-20"), 1000, 2, key="p")])
    on_12 = {s.seq: s.open_minor for s in open_at(out, D("2026-04-12"))}
    assert on_12 == {2: 2000}  # 5000 − 1000 paid; then 7000: 5000 off the first, 2000 off the second
    assert {s.seq: s.open_minor for s in open_at(out, D("2026-04-20"))} == {2: 3000}


def test_a_due_date_change_counts_from_its_effective_date():
    out = spans(D("2026-03-01"), ONE, [Fact("due_date", D("2026-04-10"), seq=1, due_date=D("2026-05-31"))])
    assert [s.due_date for s in open_at(out, D("2026-04-09"))] == [D("2026-03-31")]
    assert [s.due_date for s in open_at(out, D("2026-04-10"))] == [D("2026-05-31")]


def test_a_fact_dated_before_the_invoice_counts_from_the_issue_date():
    out = spans(D("2026-03-01"), ONE, [Fact("write_off", D("2026-02-01"), 2500)])
    assert out == [Span(1, D("2026-03-31"), 7500, D("2026-03-01"), None)]

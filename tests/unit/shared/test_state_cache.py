"""The notification-invalidated cache (`shared.state_cache`, under the credit check's state
cache), without a database: it answers only while listening, never keeps a read that an
invalidation may have made old, keeps one scope (business day) per key and stays within its
bound."""
from __future__ import annotations

from datetime import date

from shared.state_cache import NotifiedCache

DAY, NEXT_DAY = date(2026, 6, 1), date(2026, 6, 2)


def state(limit: int = 100) -> dict:
    return {"grade": "B", "limit_minor": limit}


def listening(**kwargs) -> tuple[NotifiedCache[dict], list[str]]:
    counted: list[str] = []
    cache = NotifiedCache(count=counted.append, **kwargs)
    cache.start_listening()
    return cache, counted


def test_not_listening_nothing_is_kept_and_every_lookup_misses():
    counted: list[str] = []
    cache = NotifiedCache(count=counted.append)
    assert cache.ticket() is None
    assert not cache.put("C1", DAY, state(), cache.ticket())
    assert cache.get("C1", DAY) is None and counted == ["off"]


def test_a_fill_is_kept_and_answers_the_next_lookups_of_that_day():
    cache, counted = listening()
    assert cache.get("C1", DAY) is None
    filled = state()
    assert cache.put("C1", DAY, filled, cache.ticket())
    assert cache.get("C1", DAY) is filled
    assert cache.get("C1", NEXT_DAY) is None  # reservations and temporary limits expire by date
    assert counted == ["miss", "hit", "miss"]


def test_a_read_queued_before_an_invalidation_is_not_kept():
    cache, _ = listening()
    ticket = cache.ticket()  # the read is queued ...
    cache.invalidate("C2")  # ... a notification arrives (for anyone: one counter) ...
    assert not cache.put("C1", DAY, state(), ticket)  # ... the read may have seen the old rows
    assert cache.get("C1", DAY) is None
    assert cache.put("C1", DAY, state(), cache.ticket())


def test_a_notification_drops_its_customer_and_a_truncate_everyone():
    cache, _ = listening()
    for cid in ("C1", "C2", "C3"):
        cache.put(cid, DAY, state(), cache.ticket())
    cache.notified("C2")
    assert cache.get("C2", DAY) is None and cache.get("C1", DAY) is not None and len(cache) == 2
    cache.notified("*")
    assert len(cache) == 0


def test_losing_the_connection_empties_it_and_a_new_one_starts_empty():
    cache, counted = listening()
    cache.put("C1", DAY, state(), cache.ticket())
    ticket = cache.ticket()
    cache.stop_listening()
    assert len(cache) == 0 and cache.get("C1", DAY) is None and counted[-1] == "off"
    cache.start_listening()
    assert not cache.put("C1", DAY, state(), ticket)  # read before the loss: changes may be unheard
    assert cache.get("C1", DAY) is None


def test_past_its_bound_the_oldest_fill_goes():
    cache, _ = listening(max_entries=2)
    for cid in ("C1", "C2"):
        cache.put(cid, DAY, state(), cache.ticket())
    cache.put("C1", NEXT_DAY, state(), cache.ticket())  # a refill of a kept customer evicts no one
    assert len(cache) == 2
    cache.put("C3", DAY, state(), cache.ticket())
    assert len(cache) == 2 and cache.get("C1", NEXT_DAY) is None  # C1 was filled first
    assert cache.get("C2", DAY) is not None and cache.get("C3", DAY) is not None

"""The unit of work's `once`: work asked for many times in a transaction runs once, just
before the outermost commit (a consumer batch's), and never when it rolls back."""
import pytest

from shared.db import Database


@pytest.fixture
async def db(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'u.db'}")
    yield database
    await database.dispose()


async def test_work_asked_for_in_every_handler_of_a_batch_runs_once_at_the_batch_commit(db):
    ran: list[str] = []

    async def rerate(customer: str) -> None:
        ran.append(customer)

    uow = db.unit_of_work("/t")
    async with uow:  # the batch
        for customer in ("A", "B", "A", "A"):
            async with uow:  # a handler inside the batch
                uow.once(("rerate", customer), lambda c=customer: rerate(c))
                await uow.commit()  # deferred to the batch's commit
        assert ran == []
        await uow.commit()
    assert ran == ["A", "B"]


async def test_work_that_asks_for_itself_again_does_not_loop_and_a_rollback_runs_nothing(db):
    ran: list[str] = []
    uow = db.unit_of_work("/t")

    async def again() -> None:
        ran.append("again")
        uow.once("again", again)
        uow.once("other", other)

    async def other() -> None:
        ran.append("other")

    async with uow:
        uow.once("again", again)
        await uow.commit()
    assert ran == ["again", "other"]
    ran.clear()
    with pytest.raises(RuntimeError):
        async with uow:
            uow.once("again", again)
            raise RuntimeError("the handler failed")
    async with uow:
        await uow.commit()
    assert ran == []

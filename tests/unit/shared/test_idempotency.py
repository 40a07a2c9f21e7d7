import httpx
from fastapi import FastAPI, Response
from pydantic import BaseModel

from shared.db import Database
from shared.idempotency import IdempotencyMiddleware
from tests.support import probe


class Order(BaseModel):
    ref: str
    amount: str


async def make_app(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'i.sqlite3'}")
    await probe.create_schema(db)
    app = FastAPI()
    calls = []

    @app.post("/orders", status_code=201)
    async def create(order: Order):
        calls.append(order.ref)
        return {"n": len(calls), **order.model_dump()}

    @app.post("/secrets", status_code=201)
    async def secret(response: Response):
        calls.append("secret")
        response.headers["Cache-Control"] = "no-store"
        return {"secret": len(calls)}

    app.add_middleware(IdempotencyMiddleware, db=db)
    return app, calls


async def test_replays_the_first_response_and_refuses_another_body(tmp_path):
    app, calls = await make_app(tmp_path)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        h = {"Idempotency-Key": "k1", "Authorization": "Bearer a"}
        first = await c.post("/orders", json={"ref": "o1", "amount": "1.00"}, headers=h)
        again = await c.post("/orders", json={"ref": "o1", "amount": "1.00"}, headers=h)
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json() == {"n": 1, "ref": "o1", "amount": "1.00"}
        assert again.headers["idempotent-replayed"] == "true" and calls == ["o1"]
        other = await c.post("/orders", json={"ref": "o2", "amount": "1.00"}, headers=h)
        assert other.status_code == 409 and other.headers["content-type"] == "application/problem+json"
        # Another caller's key space is its own.
        mine = await c.post("/orders", json={"ref": "o3", "amount": "1.00"},
                            headers={"Idempotency-Key": "k1", "Authorization": "Bearer b"})
        assert mine.json()["n"] == 2
        # Without the header nothing is stored or replayed.
        assert (await c.post("/orders", json={"ref": "o1", "amount": "1.00"})).json()["n"] == 3


async def test_no_store_responses_are_never_kept(tmp_path):
    app, calls = await make_app(tmp_path)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        h = {"Idempotency-Key": "s"}
        assert (await c.post("/secrets", headers=h)).json() == {"secret": 1}
        assert (await c.post("/secrets", headers=h)).json() == {"secret": 2}

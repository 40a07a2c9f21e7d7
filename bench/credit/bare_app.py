"""The baseline: a bare FastAPI app with one JSON POST endpoint (a body model of the same
shape as the credit check's, a small JSON answer), served exactly like the credit API."""
from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Body(BaseModel):
    customer_id: str
    amount: str
    currency: str
    order_ref: str
    reserve: bool = False


@app.post("/credit/v1/checks")
async def check(body: Body) -> dict:
    return {"decision": "approve", "reasons": [], "order_ref": body.order_ref}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None, access_log=False,
                proxy_headers=True)

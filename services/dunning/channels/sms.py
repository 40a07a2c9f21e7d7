"""SMS through an HTTP provider: a JSON webhook (docs/dunning-channels.md).

POST {to, text, reference} with `Authorization: Bearer <token>`; 2xx accepted; 4xx
permanent (408 and 429 transient: the provider is busy, not refusing); 5xx, timeouts and
connection errors transient. The reference lets the provider drop a duplicate.
"""
from __future__ import annotations

import httpx

from services.dunning.channels.config import ChannelConfig
from services.dunning.channels.model import DeliveryFailed, OutgoingMessage

_TRANSIENT_4XX = frozenset({408, 425, 429})


class SmsSender:
    def __init__(self, config: ChannelConfig, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        assert config.sms_url, "SmsSender needs AR_DUNNING_SMS_URL"
        headers = {"Content-Type": "application/json"}
        if config.sms_token:
            headers["Authorization"] = f"Bearer {config.sms_token.get_secret_value()}"
        self._url = config.sms_url
        # One client: its connection pool is reused across messages (keep-alive).
        self._client = httpx.AsyncClient(headers=headers, timeout=float(config.sms_timeout), transport=transport,
                                         limits=httpx.Limits(max_connections=16, max_keepalive_connections=16))

    async def send(self, msg: OutgoingMessage) -> None:
        if not msg.to:
            raise DeliveryFailed("no mobile number", permanent=True)
        try:
            response = await self._client.post(self._url, json={"to": msg.to, "text": msg.text,
                                                                 "reference": msg.reference})
        except httpx.TimeoutException:
            raise DeliveryFailed("sms provider timed out", permanent=False) from None
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"sms provider unreachable: {type(error).__name__}", permanent=False) from None
        if 200 <= response.status_code < 300:
            return
        detail = response.text[:200]
        permanent = 400 <= response.status_code < 500 and response.status_code not in _TRANSIENT_4XX
        raise DeliveryFailed(f"sms provider {response.status_code}: {detail}", permanent=permanent)

    async def close(self) -> None:
        await self._client.aclose()

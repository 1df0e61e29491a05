"""The one retry rule of the services' loops: a transient failure (the database or the broker
away for a moment) is logged and tried again after an exponential back-off; a loop that fails
``limit`` times in a row gives up, raising the failure, so the process stops and is restarted
instead of spinning. Any success starts the count again.

    retry = TransientRetry("part deadline")
    while True:
        try:
            await sweep()
        except TRANSIENT as exc:
            await retry.back_off(exc)   # raises exc on the 20th failure in a row
            continue
        retry.succeeded()
"""
from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)

BASE_S = 0.2  # the first wait; it doubles with each failure in a row ...
CAP_S = 5.0  # ... up to this
LIMIT = 20  # failures in a row before the loop gives up (about a minute and a half of waiting)


class TransientRetry:
    def __init__(self, name: str, limit: int = LIMIT, *, base_s: float = BASE_S, cap_s: float = CAP_S) -> None:
        self.name = name
        self.limit = limit
        self.base_s = base_s
        self.cap_s = cap_s
        self.failures = 0  # in a row

    def delay(self) -> float:
        """The wait after the failures so far."""
        # the exponent stops growing at 60 (2**60 times any base is past any cap): a loop that never
        # gives up (``limit`` sys.maxsize) must not overflow after its 1,024th failure in a row
        return min(self.base_s * 2.0 ** min(self.failures, 60), self.cap_s)

    def failed(self, exc: BaseException) -> None:
        """Count and log a failure; raise it when it is the ``limit``-th in a row."""
        self.failures += 1
        log.warning("%s: transient failure %d/%d: %r", self.name, self.failures, self.limit, exc)
        if self.failures >= self.limit:
            raise exc

    async def back_off(self, exc: BaseException) -> None:
        """:meth:`failed`, then wait before the next try."""
        self.failed(exc)
        await asyncio.sleep(self.delay())

    def succeeded(self) -> None:
        self.failures = 0

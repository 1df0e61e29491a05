"""Notification's own settings (webhook delivery, receipt signing), read from the environment.

Nothing is read at import time: :func:`load_notification_settings` is called by ``bootstrap``.

| variable | default | what |
|---|---|---|
| ``CBEC_WEBHOOK_TIMEOUT_S`` | 5 | seconds one POST may take (connect + answer) |
| ``CBEC_WEBHOOK_MAX_ATTEMPTS`` | 20 | attempts before a delivery is parked |
| ``CBEC_WEBHOOK_BACKOFF_BASE_S`` / ``CBEC_WEBHOOK_BACKOFF_MAX_S`` | 1 / 900 | back-off base and cap |
| ``CBEC_WEBHOOK_CONCURRENCY`` | 32 | POSTs in flight, all enterprises together |
| ``CBEC_WEBHOOK_PER_ENTERPRISE`` | 4 | POSTs in flight to one enterprise |
| ``CBEC_WEBHOOK_POLL_S`` | 0.2 | how often the dispatcher looks for due deliveries when idle |
| ``CBEC_WEBHOOK_ALLOW`` | – | addresses/networks webhooks may reach although not public (e.g. ``127.0.0.1`` in local tests) |
| ``CBEC_PLATFORM_SIGNING_KEY`` / ``CBEC_PLATFORM_SIGNING_CERT`` | – | PEM files; XML receipts are signed when set |
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from .domain.retry_schedule import RetrySchedule


@dataclass(frozen=True)
class WebhookSettings:
    timeout_s: float = 5.0
    retry: RetrySchedule = field(default_factory=RetrySchedule)
    concurrency: int = 32
    per_enterprise: int = 4
    poll_s: float = 0.2
    allow: tuple[str, ...] = ()  # non-public addresses webhooks may reach (local tests)


@dataclass(frozen=True)
class NotificationSettings:
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    signing_key_path: str | None = None
    signing_cert_path: str | None = None


def load_notification_settings(env: Mapping[str, str] | None = None) -> NotificationSettings:
    env = os.environ if env is None else env

    def num(name: str, default: float) -> float:
        return float(env.get(name, default))

    retry = RetrySchedule(base_s=num("CBEC_WEBHOOK_BACKOFF_BASE_S", 1.0),
                          cap_s=num("CBEC_WEBHOOK_BACKOFF_MAX_S", 900.0),
                          max_attempts=int(num("CBEC_WEBHOOK_MAX_ATTEMPTS", 20)))
    webhooks = WebhookSettings(timeout_s=num("CBEC_WEBHOOK_TIMEOUT_S", 5.0), retry=retry,
                               concurrency=int(num("CBEC_WEBHOOK_CONCURRENCY", 32)),
                               per_enterprise=int(num("CBEC_WEBHOOK_PER_ENTERPRISE", 4)),
                               poll_s=num("CBEC_WEBHOOK_POLL_S", 0.2),
                               allow=tuple(a.strip() for a in env.get("CBEC_WEBHOOK_ALLOW", "").split(",") if a.strip()))
    return NotificationSettings(webhooks=webhooks,
                                signing_key_path=env.get("CBEC_PLATFORM_SIGNING_KEY") or None,
                                signing_cert_path=env.get("CBEC_PLATFORM_SIGNING_CERT") or None)

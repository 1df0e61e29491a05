"""Notification's settings: what :class:`shared.config.Settings` holds, and webhook delivery,
receipt signing and the key sealing webhook secrets (README, Configuration; docs/notification.md).

Nothing is read at import time: ``bootstrap`` calls :meth:`NotificationSettings.from_env`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from shared.config import Settings, env, own

from .domain.retry_schedule import RetrySchedule


@dataclass(frozen=True)
class WebhookSettings:
    """What the webhook dispatcher is given."""

    timeout_s: float = 5.0
    retry: RetrySchedule = field(default_factory=RetrySchedule)
    concurrency: int = 32
    per_enterprise: int = 4
    poll_s: float = 0.2
    allow: tuple[str, ...] = ()  # non-public addresses webhooks may reach (local tests)


class NotificationSettings(Settings):
    service: ClassVar[str] = "notification"

    database_url: str = own("notification", "database_url")
    db_schema: str = own("notification", "db_schema")
    http_host: str = own("notification", "http_host")
    http_port: int = own("notification", "http_port", 8082)
    kafka_sasl_username: str = own("notification", "kafka_sasl_username")
    kafka_sasl_password: str = own("notification", "kafka_sasl_password")

    data_key: str = env("CBEC_DATA_KEY", default="", secret=True, shown="– (made by `make up`)",
                        doc="Fernet key sealing secrets at rest (webhook secrets); needed in the secure profile")
    webhook_timeout_s: float = env("CBEC_WEBHOOK_TIMEOUT_S", default=5.0,
                                   doc="seconds one webhook POST may take (connect + answer)")
    webhook_max_attempts: int = env("CBEC_WEBHOOK_MAX_ATTEMPTS", default=20,
                                    doc="attempts before a webhook delivery is parked; see "
                                        "[docs/notification.md](docs/notification.md)")
    webhook_backoff_base_s: float = env("CBEC_WEBHOOK_BACKOFF_BASE_S", default=1.0,
                                        doc="back-off after a failed POST: the first wait at most (then doubling)")
    webhook_backoff_max_s: float = env("CBEC_WEBHOOK_BACKOFF_MAX_S", default=900.0, doc="... and its cap")
    webhook_concurrency: int = env("CBEC_WEBHOOK_CONCURRENCY", default=32,
                                   doc="webhook POSTs in flight, all enterprises together")
    webhook_per_enterprise: int = env("CBEC_WEBHOOK_PER_ENTERPRISE", default=4,
                                      doc="webhook POSTs in flight to one enterprise")
    webhook_poll_s: float = env("CBEC_WEBHOOK_POLL_S", default=0.2,
                                doc="how often the dispatcher looks for due deliveries when idle")
    webhook_allow: str = env("CBEC_WEBHOOK_ALLOW", default="", shown="–",
                             doc="addresses/networks (comma-separated) webhooks may reach although not public "
                                 "(e.g. `127.0.0.1` for local tests)")
    signing_key_path: str | None = env("CBEC_PLATFORM_SIGNING_KEY", shown="–",
                                doc="PEM file of the platform's key: receipts are signed with it when set (XML ones "
                                    "inside a signed DXP envelope)")
    signing_cert_path: str | None = env("CBEC_PLATFORM_SIGNING_CERT", shown="–",
                                 doc="... and of its certificate")

    @property
    def webhooks(self) -> WebhookSettings:
        retry = RetrySchedule(base_s=self.webhook_backoff_base_s, cap_s=self.webhook_backoff_max_s,
                              max_attempts=self.webhook_max_attempts)
        allow = tuple(a.strip() for a in self.webhook_allow.split(",") if a.strip())
        return WebhookSettings(timeout_s=self.webhook_timeout_s, retry=retry, concurrency=self.webhook_concurrency,
                               per_enterprise=self.webhook_per_enterprise, poll_s=self.webhook_poll_s, allow=allow)

    def with_webhooks(self, webhooks: WebhookSettings) -> NotificationSettings:
        """The same settings delivering webhooks as ``webhooks`` says (tests, benchmarks)."""
        return self.model_copy(update={
            "webhook_timeout_s": webhooks.timeout_s, "webhook_max_attempts": webhooks.retry.max_attempts,
            "webhook_backoff_base_s": webhooks.retry.base_s, "webhook_backoff_max_s": webhooks.retry.cap_s,
            "webhook_concurrency": webhooks.concurrency, "webhook_per_enterprise": webhooks.per_enterprise,
            "webhook_poll_s": webhooks.poll_s, "webhook_allow": ",".join(webhooks.allow)})

"""The flow monitor's settings: what :class:`shared.config.Settings` holds, read as ``monitor``."""
from __future__ import annotations

from typing import ClassVar

from shared.config import Settings, own


class MonitorSettings(Settings):
    service: ClassVar[str] = "monitor"

    http_host: str = own("monitor", "http_host")
    http_port: int = own("monitor", "http_port", 8083)
    kafka_sasl_username: str = own("monitor", "kafka_sasl_username")
    kafka_sasl_password: str = own("monitor", "kafka_sasl_password")

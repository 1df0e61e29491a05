"""The console's settings: its HTTP address, who may call it, and where the services it fronts
answer — ``CBEC_<SERVICE>_URL`` (as the ``cbec`` command reads them), else the service's local
port (``<SERVICE>_HTTP_PORT``, as deploy/stack.sh sets them)."""
from __future__ import annotations

from typing import Any, ClassVar

from shared.config import ProcessSettings, env, own

UPSTREAMS = ("gateway", "management", "notification", "monitor")


def _url(service: str, default: str | None = None) -> Any:
    return env(f"CBEC_{service.upper()}_URL", default="", shown=default or f"`http://127.0.0.1:<{service} port>`",
               doc=f"where the console (and `cbec`) finds {service}")


def _port(service: str, port: int) -> Any:
    return env(f"{service.upper()}_HTTP_PORT", default=port,
               doc=f"... else on this local port (the {service}'s own `{service.upper()}_HTTP_PORT`)")


class ConsoleSettings(ProcessSettings):
    service: ClassVar[str] = "console"

    http_host: str = own("console", "http_host")
    http_port: int = own("console", "http_port", 8084)
    timeout_s: float = env("CONSOLE_UPSTREAM_TIMEOUT_S", default=10.0,
                           doc="seconds the console waits for a service's answer")
    gateway_url: str = _url("gateway", "`http://127.0.0.1:8080`")
    gateway_http_port: int = _port("gateway", 8080)
    management_url: str = _url("management")
    management_http_port: int = _port("management", 8081)
    notification_url: str = _url("notification", "`http://127.0.0.1:8082`")
    notification_http_port: int = _port("notification", 8082)
    monitor_url: str = _url("monitor")
    monitor_http_port: int = _port("monitor", 8083)

    @property
    def upstreams(self) -> dict[str, str]:
        """Service name → base URL."""
        out = {}
        for svc in UPSTREAMS:
            url = getattr(self, f"{svc}_url") or f"http://127.0.0.1:{getattr(self, f'{svc}_http_port')}"
            out[svc] = str(url).rstrip("/")
        return out

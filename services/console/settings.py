"""The console's configuration: its port and where the services it fronts answer."""
from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel

UPSTREAMS = ("gateway", "management", "notification", "monitor")
DEFAULT_PORTS = {"gateway": 8080, "management": 8081, "notification": 8082, "monitor": 8083}


class ConsoleSettings(BaseModel):
    http_host: str = "127.0.0.1"
    http_port: int = 8084
    upstreams: dict[str, str]  # service name → base URL
    auth_key: str = ""
    admin_token: str = ""
    profile: str = "secure"
    timeout_s: float = 10.0


def load_console_settings(env: Mapping[str, str] | None = None) -> ConsoleSettings:
    """``CBEC_<SERVICE>_URL`` (as the ``cbec`` command reads them), else the service's local port
    (``<SERVICE>_HTTP_PORT``, as deploy/stack.sh sets them)."""
    env = os.environ if env is None else env
    upstreams = {}
    for svc in UPSTREAMS:
        port = env.get(f"{svc.upper()}_HTTP_PORT", str(DEFAULT_PORTS[svc]))
        upstreams[svc] = env.get(f"CBEC_{svc.upper()}_URL", f"http://127.0.0.1:{port}").rstrip("/")
    return ConsoleSettings(
        http_host=env.get("CONSOLE_HTTP_HOST", env.get("CBEC_HTTP_HOST", "127.0.0.1")),
        http_port=int(env.get("CONSOLE_HTTP_PORT", "8084")),
        upstreams=upstreams,
        auth_key=env.get("CBEC_AUTH_KEY", ""),
        admin_token=env.get("CBEC_ADMIN_TOKEN", ""),
        profile=env.get("CBEC_PROFILE", "secure"),
        timeout_s=float(env.get("CONSOLE_UPSTREAM_TIMEOUT_S", "10")),
    )

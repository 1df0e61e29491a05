"""The services as real processes, for end-to-end tests: start, SIGKILL, restart.

The three services by default; a test that needs the flow monitor or the console names them.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
from cryptography.fernet import Fernet

from tests.support.ports import free_port
from tests.support.topics import delete_topics_with_prefix

SERVICES = ("gateway", "management", "notification")
OPTIONAL = ("monitor", "console")  # started when a test asks for them
ROOT = Path(__file__).resolve().parents[2]


class Stack:
    def __init__(self, kafka: str, database_url: str, prefix: str, log_dir: Path, extra_env: dict[str, str] | None = None,
                 services: tuple[str, ...] = SERVICES) -> None:
        self.kafka = kafka
        self.prefix = prefix
        self.services = services
        self.ports = {svc: free_port() for svc in (*SERVICES, *OPTIONAL)}
        self.env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": kafka,
            "DATABASE_URL": database_url,
            "CBEC_TOPIC_PREFIX": prefix,
            "CBEC_TOPIC_PARTITIONS": "3",
            "PYTHONUNBUFFERED": "1",
            # the sample messages are unsigned; a test that checks signatures asks for "required"
            "CBEC_SIGNATURE_MODE": "optional",
            # a test about who may do what asks for CBEC_PROFILE=secure; the credentials work in both
            "CBEC_PROFILE": "open",
            "CBEC_AUTH_KEY": secrets.token_urlsafe(32),
            "CBEC_ADMIN_TOKEN": secrets.token_urlsafe(32),
            "CBEC_DATA_KEY": Fernet.generate_key().decode(),
            # no MANAGEMENT_RISK_KEY: the rules file's seed keeps the journeys' draws repeatable
            "CBEC_WEBHOOK_ALLOW": "127.0.0.1",  # the webhook tests' receivers run on this machine
            **{f"{svc.upper()}_HTTP_PORT": str(port) for svc, port in self.ports.items()},
            **(extra_env or {}),
        }
        for svc in SERVICES:
            self.env.pop(f"{svc.upper()}_DATABASE_URL", None)
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen] = {}
        self.starts: dict[str, int] = {svc: 0 for svc in self.ports}

    def url(self, svc: str) -> str:
        return f"http://127.0.0.1:{self.ports[svc]}"

    @property
    def admin(self) -> dict[str, str]:
        """The bootstrap admin's Authorization header."""
        return {"Authorization": f"Bearer {self.env['CBEC_ADMIN_TOKEN']}"}

    async def credential(self, role: str, name: str, dxp_id: str | None = None) -> dict[str, str]:
        """An Authorization header for a credential the admin issues now."""
        async with httpx.AsyncClient(base_url=self.url("gateway")) as http:
            resp = await http.post("/credentials", json={"role": role, "name": name, "dxpId": dxp_id},
                                   headers=self.admin)
            resp.raise_for_status()
        return {"Authorization": f"Bearer {resp.json()['token']}"}

    def start(self, svc: str) -> None:
        """Start ``svc`` (or a further instance of it, named ``<svc>-2`` …, see :meth:`add_instance`)."""
        self.starts[svc] += 1
        log = open(self.log_dir / f"{svc}.{self.starts[svc]}.log", "wb")
        service = svc.split("-")[0]
        env = {**self.env, f"{service.upper()}_HTTP_PORT": str(self.ports[svc])}
        self.procs[svc] = subprocess.Popen([sys.executable, "-m", f"services.{service}"], cwd=ROOT, env=env,
                                           stdout=log, stderr=subprocess.STDOUT)

    async def add_instance(self, service: str) -> str:
        """One more instance of ``service`` on the same Kafka and database; its name, e.g. ``management-2``."""
        n = 2 + sum(1 for name in self.ports if name.startswith(f"{service}-"))
        name = f"{service}-{n}"
        self.ports[name] = free_port()
        self.starts[name] = 0
        self.start(name)
        await self.wait_healthy(name)
        return name

    async def wait_healthy(self, svc: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                proc = self.procs[svc]
                if proc.poll() is not None:
                    raise RuntimeError(f"{svc} exited with {proc.returncode}:\n{self.log_tail(svc)}")
                try:
                    resp = await client.get(f"{self.url(svc)}/health", timeout=2)
                    if resp.status_code == 200 and all(c["assigned"] for c in resp.json().get("consumers", {}).values()):
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.3)
        raise RuntimeError(f"{svc} not healthy after {timeout}s:\n{self.log_tail(svc)}")

    async def up(self) -> None:
        for svc in self.services:
            self.start(svc)
        for svc in self.services:
            await self.wait_healthy(svc)

    def kill(self, svc: str) -> None:
        proc = self.procs[svc]
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def down(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()

    def log_tail(self, svc: str, lines: int = 40) -> str:
        path = self.log_dir / f"{svc}.{self.starts[svc]}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


@contextlib.asynccontextmanager
async def running_stack(kafka: str, admin_database_url: str, log_dir: Path, *, enterprises: list[dict],
                        extra_env: dict[str, str] | None = None, prefix: str | None = None,
                        services: tuple[str, ...] = SERVICES):
    """A stack on a database and topics of its own, the given enterprises registered; torn down after.
    ``services``: the three by default; add ``"monitor"``, ``"console"`` (``OPTIONAL``) to start them too."""
    import uuid

    import asyncpg

    name = f"cbec_e2e_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin_database_url)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    parts = urlsplit(admin_database_url)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    stack = Stack(kafka, url, prefix or f"t{uuid.uuid4().hex[:8]}.", log_dir, extra_env, services)
    try:
        await stack.up()
        async with httpx.AsyncClient(base_url=stack.url("gateway"), headers=stack.admin) as http:
            for e in enterprises:
                (await http.post("/enterprises", json=e)).raise_for_status()
        yield stack
    finally:
        stack.down()
        if prefix is None:  # a prefix given by the caller is the caller's to clean up
            await delete_topics_with_prefix(kafka, stack.prefix)
        conn = await asyncpg.connect(admin_database_url)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

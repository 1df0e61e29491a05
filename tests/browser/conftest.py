"""The console in a real browser (Debian's Chromium driven by Playwright) on the real stack.

One stack (the three services, the flow monitor, the console) and one browser serve the module;
each test gets a fresh page. Screenshots go to ``CBEC_CONSOLE_SCREENSHOTS`` when set
(``docs/console`` to renew the documentation's), else to the test's temporary directory.
"""
from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from services.cli.journey import DEMO_ENTERPRISES
from shared.auth import Authenticator
from tests.support.stack import OPTIONAL, SERVICES, running_stack

CHROMIUM = os.environ.get("CBEC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AUTH_KEY = secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
async def stack(kafka_bootstrap, admin_database_url, tmp_path_factory):
    async with running_stack(kafka_bootstrap, admin_database_url, tmp_path_factory.mktemp("console"),
                             enterprises=DEMO_ENTERPRISES, services=(*SERVICES, *OPTIONAL),
                             extra_env={"CBEC_AUTH_KEY": AUTH_KEY}) as s:
        yield s


@pytest.fixture(scope="module")
async def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        raise RuntimeError(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (make setup does)")
    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
        yield context
        await context.close()


def token(role: str, name: str) -> str:
    """A credential as the gateway issues it (HS256 under the stack's CBEC_AUTH_KEY)."""
    return Authenticator("secure", AUTH_KEY).issue(role, name).token


@pytest.fixture
def screenshots(tmp_path) -> Path:
    where = Path(os.environ.get("CBEC_CONSOLE_SCREENSHOTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


@pytest.fixture
async def page(browser, stack):
    page = await browser.new_page()
    yield page
    await page.close()


async def sign_in(page, stack, name: str = "officer-li", role: str = "officer", raw_token: str | None = None) -> None:
    await page.goto(stack.url("console") + "/")
    await page.fill("#login-operator", name)
    await page.fill("#login-token", raw_token if raw_token is not None else token(role, name))
    await page.click("#login-form button[type=submit]")

"""The one way a service builds its HTTP app: FastAPI whose /docs and /redoc work offline.

FastAPI's own /docs page loads Swagger UI from a CDN, so it is blank without the internet;
``fastapi-offline`` serves the same assets from the package.
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline


def service_app(**kwargs: Any) -> FastAPI:
    return FastAPIOffline(**kwargs)
